//! Scanning a tree (parallel walk respecting `.gitignore` and
//! `.keywardenignore`) and standard input (in chunks).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use ignore::{WalkBuilder, WalkState};

use crate::engine::Scanner;
use crate::error::ScanError;
use crate::finding::Finding;

/// The ignore file read beside `.gitignore` files, same syntax.
pub const IGNORE_FILE: &str = ".keywardenignore";

/// How many leading bytes decide whether a file is binary (a NUL byte in
/// them), as git and ripgrep do.
const BINARY_PROBE: usize = 8 * 1024;

/// Standard input is scanned in chunks of about this size, cut at a newline.
const STDIN_CHUNK: usize = 4 * 1024 * 1024;

/// Live counters a caller may watch from another thread (a progress bar).
#[derive(Debug, Default)]
pub struct Progress {
    /// Files (or diffs of one file in one commit) scanned so far.
    pub files: AtomicU64,
    /// Bytes scanned so far.
    pub bytes: AtomicU64,
    /// Commits read so far (git history).
    pub commits: AtomicU64,
}

impl Progress {
    fn add(&self, bytes: usize) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    }
}

/// Totals of one scan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Files (or file diffs) scanned.
    pub files: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Commits read (git history and staged modes).
    pub commits: u64,
    /// Files skipped as binary.
    pub skipped_binary: u64,
    /// Files skipped as over the size limit.
    pub skipped_large: u64,
    /// Findings an allowlist suppressed (`.keywarden.toml`'s paths, regexes
    /// and values; an imported gitleaks configuration's allowlists).
    /// Checksum-verified keys are never suppressed.
    pub allowlisted: u64,
    /// Wall time.
    pub elapsed: std::time::Duration,
}

/// What a scan found, and what it could not read.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Report {
    /// Findings, sorted by path, commit order and line.
    pub findings: Vec<Finding>,
    /// Totals.
    pub stats: Stats,
    /// Files that could not be read; the scan went on without them.
    pub errors: Vec<ScanError>,
}

impl Report {
    pub(crate) fn sort(&mut self) {
        self.findings
            .sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    }
}

/// How a path is shown: relative, `/`-separated, without a leading `./`.
pub(crate) fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    match s.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.to_owned(),
        _ => s,
    }
}

/// Scans files and directories in parallel on `threads` threads.
///
/// Directories are walked respecting `.gitignore`, `.git/info/exclude`, the
/// global git excludes and `.keywardenignore`; `.git` itself is skipped;
/// hidden files (`.env`, `.npmrc`) are scanned. A root that does not exist
/// is an error before anything is scanned; a file that cannot be read later
/// is recorded in [`Report::errors`].
pub fn scan_paths(
    scanner: &Scanner,
    roots: &[PathBuf],
    threads: usize,
    progress: &Progress,
) -> Result<Report, ScanError> {
    let started = Instant::now();
    for root in roots {
        std::fs::metadata(root).map_err(|e| ScanError::read(root, e))?;
    }
    let Some((first, rest)) = roots.split_first() else {
        return Ok(Report::default());
    };
    let mut builder = WalkBuilder::new(first);
    for r in rest {
        builder.add(r);
    }
    builder
        .hidden(false)
        .require_git(false)
        .add_custom_ignore_filename(IGNORE_FILE)
        .threads(threads.max(1))
        .filter_entry(|e| e.file_name() != ".git");

    let findings = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    let skipped_binary = AtomicU64::new(0);
    let skipped_large = AtomicU64::new(0);
    let allowlisted = AtomicU64::new(0);
    let max = scanner.max_file_size();

    builder.build_parallel().run(|| {
        let mut buf = Vec::with_capacity(64 * 1024);
        let (findings, errors, skipped_binary, skipped_large, allowlisted) = (
            &findings,
            &errors,
            &skipped_binary,
            &skipped_large,
            &allowlisted,
        );
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    if let Ok(mut errs) = errors.lock() {
                        errs.push(ScanError::Git(format!("walk: {err}")));
                    }
                    return WalkState::Continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return WalkState::Continue;
            }
            let path = entry.path();
            let shown = display_path(path);
            // Allowlisted paths are relative to the scan root (where
            // .keywarden.toml sits), whatever the shown path. They are
            // scanned all the same: an allowlist never hides a
            // checksum-verified key, and its suppressions are counted.
            let under_root = roots
                .iter()
                .find_map(|r| path.strip_prefix(r).ok())
                .filter(|p| !p.as_os_str().is_empty())
                .map(display_path);
            let allowed = scanner.path_allowed(&shown)
                || under_root.is_some_and(|p| scanner.path_allowed(&p));
            match read_limited(path, max, &mut buf) {
                Ok(true) => {}
                Ok(false) => {
                    skipped_large.fetch_add(1, Ordering::Relaxed);
                    return WalkState::Continue;
                }
                Err(err) => {
                    if let Ok(mut errs) = errors.lock() {
                        errs.push(ScanError::read(path, err));
                    }
                    return WalkState::Continue;
                }
            }
            if is_binary(&buf) {
                skipped_binary.fetch_add(1, Ordering::Relaxed);
                if let Some(f) = scanner.binary_file_finding(&shown, &buf) {
                    if allowed {
                        allowlisted.fetch_add(1, Ordering::Relaxed);
                    } else if let Ok(mut out) = findings.lock() {
                        out.push(f);
                    }
                }
                return WalkState::Continue;
            }
            progress.add(buf.len());
            let scanned = scanner.scan_counted(&shown, &buf, allowed);
            allowlisted.fetch_add(scanned.allowlisted as u64, Ordering::Relaxed);
            if !scanned.matches.is_empty()
                && let Ok(mut out) = findings.lock()
            {
                for m in scanned.matches {
                    out.push(scanner.finding(m, &shown, None));
                }
            }
            WalkState::Continue
        })
    });

    let mut report = Report {
        findings: findings.into_inner().unwrap_or_default(),
        errors: errors.into_inner().unwrap_or_default(),
        ..Report::default()
    };
    let mut allowlisted = allowlisted.into_inner();
    // Hygiene: secrets files that git tracks under each directory root.
    for root in roots.iter().filter(|r| r.is_dir()) {
        for tracked in crate::git::tracked_files(root) {
            let shown = display_path(&root.join(&tracked));
            if let Some(f) = scanner.tracked_file_finding(&shown, None) {
                if scanner.path_allowed(&tracked) || scanner.path_allowed(&shown) {
                    allowlisted += 1;
                } else {
                    report.findings.push(f);
                }
            }
        }
    }
    report.stats = Stats {
        files: progress.files.load(Ordering::Relaxed),
        bytes: progress.bytes.load(Ordering::Relaxed),
        commits: 0,
        skipped_binary: skipped_binary.into_inner(),
        skipped_large: skipped_large.into_inner(),
        allowlisted,
        elapsed: started.elapsed(),
    };
    report.sort();
    Ok(report)
}

/// Reads `path` into `buf` unless it is over `max` bytes (then `Ok(false)`).
fn read_limited(path: &Path, max: u64, buf: &mut Vec<u8>) -> std::io::Result<bool> {
    buf.clear();
    let file = std::fs::File::open(path)?;
    if file.metadata()?.len() > max {
        return Ok(false);
    }
    // The file may grow between the size check and the read.
    file.take(max + 1).read_to_end(buf)?;
    Ok(buf.len() as u64 <= max)
}

/// A NUL byte in the first 8 KiB makes a file binary.
pub(crate) fn is_binary(buf: &[u8]) -> bool {
    memchr::memchr(0, &buf[..buf.len().min(BINARY_PROBE)]).is_some()
}

/// Scans a reader (standard input) in chunks cut at newlines, so memory
/// stays bounded whatever the input's size. Findings have path `name`.
pub fn scan_reader(
    scanner: &Scanner,
    mut input: impl Read,
    name: &str,
    progress: &Progress,
) -> Result<Report, ScanError> {
    let started = Instant::now();
    let mut report = Report::default();
    let mut pending: Vec<u8> = Vec::new();
    let mut line_offset = 0usize;
    let mut block = vec![0u8; 64 * 1024];
    let mut eof = false;
    while !eof {
        while pending.len() < STDIN_CHUNK {
            let n = input
                .read(&mut block)
                .map_err(|e| ScanError::read(name, e))?;
            if n == 0 {
                eof = true;
                break;
            }
            pending.extend_from_slice(&block[..n]);
        }
        let cut = if eof {
            pending.len()
        } else {
            memchr::memrchr(b'\n', &pending).map_or(pending.len(), |i| i + 1)
        };
        let chunk: Vec<u8> = pending.drain(..cut).collect();
        if chunk.is_empty() {
            continue;
        }
        progress
            .bytes
            .fetch_add(chunk.len() as u64, Ordering::Relaxed);
        let scanned = scanner.scan_counted(name, &chunk, scanner.path_allowed(name));
        report.stats.allowlisted += scanned.allowlisted as u64;
        for mut m in scanned.matches {
            m.line += line_offset;
            report.findings.push(scanner.finding(m, name, None));
        }
        line_offset += memchr::memchr_iter(b'\n', &chunk).count();
    }
    report.stats = Stats {
        files: 1,
        bytes: progress.bytes.load(Ordering::Relaxed),
        allowlisted: report.stats.allowlisted,
        elapsed: started.elapsed(),
        ..Stats::default()
    };
    progress.files.fetch_add(1, Ordering::Relaxed);
    report.sort();
    Ok(report)
}
