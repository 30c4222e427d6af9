//! Scanning a tree (parallel walk respecting `.gitignore` and
//! `.keywardenignore`) and standard input (in chunks).

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use ignore::{DirEntry, IncrementalIgnore, WalkBuilder, WalkState};

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
    /// Inline `keywarden:allow` comments count here too. Checksum-verified
    /// keys are never suppressed.
    pub allowlisted: u64,
    /// Files an ignore file kept out of a tree scan (a `.keywardenignore`'s
    /// paths; files git tracks although `.gitignore` matches them) that
    /// were searched for checksum-verified keys only. Ignored files too
    /// large or binary are counted as skipped instead.
    pub ignored: u64,
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
///
/// No ignore file hides a checksum-verified key. When a `.keywardenignore`
/// applies (in a directory walked, or above a root), the files it keeps out
/// are walked again and searched for checksum-verified keys only
/// ([`Scanner::scan_verified`]); so are the files git tracks although its
/// ignore rules match them (git commits them, the walk skips them). They
/// are counted in [`Stats::ignored`].
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
    let Some(walk) = walker(roots, threads, true) else {
        return Ok(Report::default());
    };
    let tally = Tally::default();
    // Directories holding a `.keywardenignore`, as the walk shows them.
    let ignore_dirs = Mutex::new(Vec::new());

    walk.build_parallel().run(|| {
        let mut buf = Vec::with_capacity(64 * 1024);
        let (tally, ignore_dirs) = (&tally, &ignore_dirs);
        Box::new(move |entry| {
            let Some(entry) = tally.entry(entry) else {
                return WalkState::Continue;
            };
            let Some(kind) = entry.file_type() else {
                return WalkState::Continue;
            };
            if kind.is_dir() {
                // Even an ignore file that ignores itself (`*`) is seen.
                if entry.path().join(IGNORE_FILE).symlink_metadata().is_ok()
                    && let Ok(mut dirs) = ignore_dirs.lock()
                {
                    dirs.push(entry.path().to_path_buf());
                }
            } else if kind.is_file() {
                scan_file(scanner, roots, entry.path(), &mut buf, tally, progress);
            }
            WalkState::Continue
        })
    });

    let ignore_dirs = ignore_dirs.into_inner().unwrap_or_default();
    scan_kept_out(scanner, roots, threads, ignore_dirs, &tally);

    let mut report = Report {
        findings: tally.findings.into_inner().unwrap_or_default(),
        errors: tally.errors.into_inner().unwrap_or_default(),
        ..Report::default()
    };
    let mut allowlisted = tally.allowlisted.into_inner();
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
        skipped_binary: tally.skipped_binary.into_inner(),
        skipped_large: tally.skipped_large.into_inner(),
        allowlisted,
        ignored: tally.ignored.into_inner(),
        elapsed: started.elapsed(),
    };
    report.sort();
    Ok(report)
}

/// What the walks' threads add up.
#[derive(Default)]
struct Tally {
    findings: Mutex<Vec<Finding>>,
    errors: Mutex<Vec<ScanError>>,
    skipped_binary: AtomicU64,
    skipped_large: AtomicU64,
    allowlisted: AtomicU64,
    ignored: AtomicU64,
}

impl Tally {
    /// The walk's entry, or `None` after recording its error.
    fn entry(&self, entry: Result<DirEntry, ignore::Error>) -> Option<DirEntry> {
        match entry {
            Ok(e) => Some(e),
            Err(err) => {
                self.error(ScanError::Git(format!("walk: {err}")));
                None
            }
        }
    }

    fn error(&self, err: ScanError) {
        if let Ok(mut errs) = self.errors.lock() {
            errs.push(err);
        }
    }

    fn found(&self, more: impl IntoIterator<Item = Finding>) {
        if let Ok(mut out) = self.findings.lock() {
            out.extend(more);
        }
    }

    /// Reads `path` into `buf`: `false` (counted) when it is too large,
    /// unreadable or binary, `true` when it is text to scan.
    fn read_text(&self, path: &Path, max: u64, buf: &mut Vec<u8>) -> bool {
        match read_limited(path, max, buf) {
            Ok(true) if is_binary(buf) => {
                self.skipped_binary.fetch_add(1, Ordering::Relaxed);
                false
            }
            Ok(true) => true,
            Ok(false) => {
                self.skipped_large.fetch_add(1, Ordering::Relaxed);
                false
            }
            Err(err) => {
                self.error(ScanError::read(path, err));
                false
            }
        }
    }
}

/// The tree walk, over `roots`; `keywarden_ignore`: reading
/// `.keywardenignore` files beside `.gitignore` ones.
fn walker(roots: &[PathBuf], threads: usize, keywarden_ignore: bool) -> Option<WalkBuilder> {
    let (first, rest) = roots.split_first()?;
    let mut builder = WalkBuilder::new(first);
    for r in rest {
        builder.add(r);
    }
    builder
        .hidden(false)
        .require_git(false)
        .threads(threads.max(1))
        .filter_entry(|e| e.file_name() != ".git");
    if keywarden_ignore {
        builder.add_custom_ignore_filename(IGNORE_FILE);
    }
    Some(builder)
}

/// Scans one file the walk found, with every rule.
fn scan_file(
    scanner: &Scanner,
    roots: &[PathBuf],
    path: &Path,
    buf: &mut Vec<u8>,
    tally: &Tally,
    progress: &Progress,
) {
    let shown = display_path(path);
    // Allowlisted paths are relative to the scan root (where
    // .keywarden.toml sits), whatever the shown path. They are scanned all
    // the same: an allowlist never hides a checksum-verified key, and its
    // suppressions are counted.
    let under_root = roots
        .iter()
        .find_map(|r| path.strip_prefix(r).ok())
        .filter(|p| !p.as_os_str().is_empty())
        .map(display_path);
    let allowed =
        scanner.path_allowed(&shown) || under_root.is_some_and(|p| scanner.path_allowed(&p));
    match read_limited(path, scanner.max_file_size(), buf) {
        Ok(true) => {}
        Ok(false) => {
            tally.skipped_large.fetch_add(1, Ordering::Relaxed);
            return;
        }
        Err(err) => {
            tally.error(ScanError::read(path, err));
            return;
        }
    }
    if is_binary(buf) {
        tally.skipped_binary.fetch_add(1, Ordering::Relaxed);
        if let Some(f) = scanner.binary_file_finding(&shown, buf) {
            if allowed {
                tally.allowlisted.fetch_add(1, Ordering::Relaxed);
            } else {
                tally.found([f]);
            }
        }
        return;
    }
    progress.add(buf.len());
    let scanned = scanner.scan_counted(&shown, buf, allowed);
    tally
        .allowlisted
        .fetch_add(scanned.allowlisted as u64, Ordering::Relaxed);
    if !scanned.matches.is_empty() {
        tally.found(
            scanned
                .matches
                .into_iter()
                .map(|m| scanner.finding(m, &shown, None)),
        );
    }
}

/// Scans one file an ignore file kept out of the walk, for
/// checksum-verified keys only.
fn scan_kept_out_file(scanner: &Scanner, path: &Path, buf: &mut Vec<u8>, tally: &Tally) {
    if !tally.read_text(path, scanner.max_file_size(), buf) {
        return;
    }
    tally.ignored.fetch_add(1, Ordering::Relaxed);
    let shown = display_path(path);
    let matches = scanner.scan_verified(&shown, buf);
    if !matches.is_empty() {
        tally.found(
            matches
                .into_iter()
                .map(|m| scanner.finding(m, &shown, None)),
        );
    }
}

/// Finds the files the walk left out because of an ignore file — a
/// `.keywardenignore`'s paths, and files git tracks that its own ignore
/// rules match — and searches them for checksum-verified keys. Whether
/// the walk left a file out is the `ignore` crate's own answer for the
/// walk's configuration ([`ignore::IncrementalIgnore`]), so the two never
/// disagree: no file is read twice, none is missed.
fn scan_kept_out(
    scanner: &Scanner,
    roots: &[PathBuf],
    threads: usize,
    ignore_dirs: Vec<PathBuf>,
    tally: &Tally,
) {
    // A `.keywardenignore` acts below its directory, and those above a root
    // (the walk reads them too) on the whole root.
    let mut again: Vec<PathBuf> = roots
        .iter()
        .filter(|r| r.is_dir() && ignore_file_above(r))
        .cloned()
        .collect();
    again.extend(ignore_dirs);
    again.sort();
    again.dedup();
    let covered = again.clone();
    again.retain(|d| !covered.iter().any(|c| c != d && d.starts_with(c)));

    let tracked: HashSet<PathBuf> = roots
        .iter()
        .filter(|r| r.is_dir())
        .flat_map(|r| {
            crate::git::tracked_ignored_files(r)
                .into_iter()
                .map(move |p| r.join(p))
        })
        .collect();
    if again.is_empty() && tracked.is_empty() {
        return;
    }
    let Some(full_walk) = walker(roots, threads, true) else {
        return;
    };
    let matchers = full_walk.build_matchers();

    if let Some(walk) = walker(&again, threads, false) {
        walk.build_parallel().run(|| {
            let mut buf = Vec::new();
            let mut matchers = matchers.clone();
            let tracked = &tracked;
            Box::new(move |entry| {
                let Some(entry) = tally.entry(entry) else {
                    return WalkState::Continue;
                };
                let path = entry.path();
                // Tracked files git ignores are searched below, once.
                if entry.file_type().is_some_and(|t| t.is_file())
                    && !tracked.contains(path)
                    && kept_out(&mut matchers, roots, path)
                {
                    scan_kept_out_file(scanner, path, &mut buf, tally);
                }
                WalkState::Continue
            })
        });
    }

    let mut matchers = matchers;
    let mut buf = Vec::new();
    for path in &tracked {
        // Not a symbolic link (the walk follows none), not deleted.
        let is_file = path.symlink_metadata().is_ok_and(|m| m.is_file());
        if is_file && kept_out(&mut matchers, roots, path) {
            scan_kept_out_file(scanner, path, &mut buf, tally);
        }
    }
}

/// Whether the full walk left `path` (a file under one of `roots`, as the
/// walk shows it) out.
fn kept_out(matchers: &mut [IncrementalIgnore], roots: &[PathBuf], path: &Path) -> bool {
    roots
        .iter()
        .zip(matchers.iter_mut())
        .find_map(|(root, m)| {
            let rel = path.strip_prefix(root).ok()?;
            Some(m.matched(rel, false).is_ignore())
        })
        .unwrap_or(false)
}

/// Whether a `.keywardenignore` sits in `dir` or any directory above it.
fn ignore_file_above(dir: &Path) -> bool {
    let Ok(abs) = dir.canonicalize() else {
        return false;
    };
    abs.ancestors()
        .any(|d| d.join(IGNORE_FILE).symlink_metadata().is_ok())
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
