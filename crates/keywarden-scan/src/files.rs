//! Scanning a tree (parallel walk respecting `.gitignore` and
//! `.keywardenignore`) and standard input (in chunks).

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::Instant;

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::{DirEntry, WalkBuilder, WalkState};

use crate::archive::{self, Expanded, Kind, Mode, Origin};
use crate::config::Archives;
use crate::engine::Scanner;
use crate::error::{ScanError, ScanWarning};
use crate::finding::Finding;

/// The ignore file read beside `.gitignore` files, same syntax.
pub const IGNORE_FILE: &str = ".keywardenignore";

/// How many leading bytes decide whether a file is binary (a NUL byte in
/// them), as git and ripgrep do.
pub(crate) const BINARY_PROBE: usize = 8 * 1024;

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
    pub(crate) fn add(&self, bytes: usize) {
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
    /// Files (and archive entries) skipped as binary.
    pub skipped_binary: u64,
    /// Files (and archive entries) skipped as over the size limit.
    pub skipped_large: u64,
    /// Archives opened ([`crate::archive`]): archive files, and the
    /// archives nested in them. Their entries count as files.
    pub archives: u64,
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
    /// What the scan skipped and went on without, no reason to fail it:
    /// archives not opened, or not to the end (corrupt, a compression
    /// bomb, over a cap). Sorted by path.
    pub warnings: Vec<ScanWarning>,
}

impl Report {
    pub(crate) fn sort(&mut self) {
        self.findings
            .sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        self.warnings.sort_by_cached_key(ToString::to_string);
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
/// No ignore file hides a checksum-verified key. The files a
/// `.keywardenignore` keeps out (in a directory walked, or above a root)
/// are searched for checksum-verified keys only
/// ([`Scanner::scan_verified`]), in the same walk; so are the files git
/// tracks although its ignore rules match them (git commits them, the walk
/// skips them). They are counted in [`Stats::ignored`].
///
/// Archives (zip, jar, tar, gzip, …: [`crate::archive`]) are opened and
/// their entries scanned as `outer.zip!inner/file`, as
/// [`Scanner::archives`] says; one that is corrupt or breaks a cap is
/// recorded in [`Report::warnings`] and the scan goes on.
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
    let Some(walk) = walker(roots, threads) else {
        return Ok(Report::default());
    };
    let tally = Tally::default();
    let ignore_files = IgnoreFiles::above(roots, &tally);
    // Files git tracks and ignores: the walk skips them (it reads
    // `.gitignore`, not git's index), unless it disagrees with git.
    let tracked_ignored: HashSet<PathBuf> = roots
        .iter()
        .filter(|r| r.is_dir())
        .flat_map(|r| {
            crate::git::tracked_ignored_files(r)
                .into_iter()
                .map(move |p| r.join(p))
        })
        .collect();
    let walked_tracked_ignored = Mutex::new(HashSet::new());

    walk.build_parallel().run(|| {
        let mut buf = Vec::with_capacity(64 * 1024);
        let (tally, ignore_files) = (&tally, &ignore_files);
        let (tracked_ignored, walked_tracked_ignored) = (&tracked_ignored, &walked_tracked_ignored);
        Box::new(move |entry| {
            let Some(entry) = tally.entry(entry) else {
                return WalkState::Continue;
            };
            let Some(kind) = entry.file_type() else {
                return WalkState::Continue;
            };
            let path = entry.path();
            let kept_out = ignore_files.enter(path, kind.is_dir(), entry.depth(), tally);
            if kind.is_file() {
                if tracked_ignored.contains(path)
                    && let Ok(mut walked) = walked_tracked_ignored.lock()
                {
                    walked.insert(path.to_path_buf());
                }
                if kept_out {
                    scan_kept_out_file(scanner, path, &mut buf, tally, progress);
                } else {
                    scan_file(scanner, roots, path, &mut buf, tally, progress);
                }
            }
            WalkState::Continue
        })
    });

    let walked = walked_tracked_ignored.into_inner().unwrap_or_default();
    let mut buf = Vec::new();
    for path in tracked_ignored.difference(&walked) {
        // Not a symbolic link (the walk follows none), not deleted.
        if path.symlink_metadata().is_ok_and(|m| m.is_file()) {
            scan_kept_out_file(scanner, path, &mut buf, &tally, progress);
        }
    }

    let mut report = Report {
        findings: tally.findings.into_inner().unwrap_or_default(),
        errors: tally.errors.into_inner().unwrap_or_default(),
        warnings: tally.warnings.into_inner().unwrap_or_default(),
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
        archives: tally.archives.into_inner(),
        allowlisted,
        ignored: tally.ignored.into_inner(),
        elapsed: started.elapsed(),
    };
    report.sort();
    Ok(report)
}

/// The `.keywardenignore` files of a walk, read as it enters directories,
/// and what they keep out. The walk itself reads only git's ignore files:
/// an entry a `.keywardenignore` keeps out is still walked, and searched
/// for checksum-verified keys only.
///
/// The rules are the `ignore` crate's for a custom ignore file, with its
/// matcher (a test holds the two to the same answers): the deepest
/// `.keywardenignore` above an entry that matches it decides (ignored, or
/// whitelisted by `!`); then those above the root (matched against the
/// absolute path); a directory kept out keeps out all below it, whose own
/// ignore files are not read. One difference: a `!` line cannot bring back
/// what git's ignore rules keep out of the walk.
struct IgnoreFiles {
    /// Directories, as the walk shows them, holding a `.keywardenignore`
    /// (its rules) or kept out (the top of each kept-out tree). A
    /// directory's entry is made when the walk enters it, before its
    /// children are listed, so each entry finds its ancestors'.
    dirs: RwLock<HashMap<PathBuf, IgnoreDir>>,
    /// Whether `dirs` holds anything: the walk's fast path.
    any: AtomicBool,
    /// Per root: its path as given, its absolute path, and the rules of the
    /// `.keywardenignore` files above it, nearest first.
    above: Vec<(PathBuf, PathBuf, Vec<Gitignore>)>,
}

enum IgnoreDir {
    Rules(Gitignore),
    KeptOut,
}

impl IgnoreFiles {
    /// The ignore files above each directory root; errors go to `tally`.
    fn above(roots: &[PathBuf], tally: &Tally) -> Self {
        let above = roots
            .iter()
            .filter(|r| r.is_dir())
            .filter_map(|root| {
                let absolute = root.canonicalize().ok()?;
                let rules: Vec<Gitignore> = absolute
                    .ancestors()
                    .skip(1)
                    .filter_map(|dir| ignore_rules(dir, tally))
                    .collect();
                (!rules.is_empty()).then(|| (root.clone(), absolute, rules))
            })
            .collect();
        Self {
            dirs: RwLock::new(HashMap::new()),
            any: AtomicBool::new(false),
            above,
        }
    }

    /// Called for every entry the walk finds, a directory before what it
    /// holds: whether a `.keywardenignore` keeps it out. A directory's own
    /// ignore file is read here (unless it is kept out).
    fn enter(&self, path: &Path, is_dir: bool, depth: usize, tally: &Tally) -> bool {
        // `ignore` applies no rule to a root.
        let (kept_out, by_ancestor) = if depth == 0 {
            (false, false)
        } else {
            self.decide(path, is_dir)
        };
        if is_dir {
            let entry = if kept_out {
                (!by_ancestor).then_some(IgnoreDir::KeptOut)
            } else {
                ignore_rules(path, tally).map(IgnoreDir::Rules)
            };
            if let Some(entry) = entry
                && let Ok(mut dirs) = self.dirs.write()
            {
                dirs.insert(path.to_path_buf(), entry);
                self.any.store(true, Ordering::Release);
            }
        }
        kept_out
    }

    /// (kept out, because a directory above is).
    fn decide(&self, path: &Path, is_dir: bool) -> (bool, bool) {
        if self.any.load(Ordering::Acquire)
            && let Ok(dirs) = self.dirs.read()
        {
            // The rules above, deepest first.
            let mut rules: Vec<&Gitignore> = Vec::new();
            for dir in path.ancestors().skip(1) {
                match dirs.get(dir) {
                    Some(IgnoreDir::KeptOut) => return (true, true),
                    Some(IgnoreDir::Rules(gi)) => rules.push(gi),
                    None => {}
                }
            }
            if let Some(ignored) = first_match(rules, path, is_dir) {
                return (ignored, false);
            }
        }
        for (root, absolute, rules) in &self.above {
            let Ok(rel) = path.strip_prefix(root) else {
                continue;
            };
            if let Some(ignored) = first_match(rules, &absolute.join(rel), is_dir) {
                return (ignored, false);
            }
            break;
        }
        (false, false)
    }
}

/// What the first of `rules` that matches `path` says: ignored (`true`),
/// whitelisted by `!` (`false`); `None` when none matches.
fn first_match<'g>(
    rules: impl IntoIterator<Item = &'g Gitignore>,
    path: &Path,
    is_dir: bool,
) -> Option<bool> {
    rules
        .into_iter()
        .find_map(|gi| match gi.matched(path, is_dir) {
            ignore::Match::Ignore(_) => Some(true),
            ignore::Match::Whitelist(_) => Some(false),
            ignore::Match::None => None,
        })
}

/// The rules of `dir/.keywardenignore`, if there is one, read as `ignore`
/// reads it (an unreadable file is none; a bad line is an error, the
/// others still apply).
fn ignore_rules(dir: &Path, tally: &Tally) -> Option<Gitignore> {
    let file = dir.join(IGNORE_FILE);
    if !file.exists() {
        return None;
    }
    let mut builder = GitignoreBuilder::new(dir);
    if let Some(err) = builder.add(&file)
        && !err.is_io()
    {
        tally.error(ScanError::Git(format!("walk: {err}")));
    }
    match builder.build() {
        Ok(gi) => Some(gi),
        Err(err) => {
            tally.error(ScanError::Git(format!("walk: {err}")));
            None
        }
    }
}

/// What the walk's threads add up.
#[derive(Default)]
struct Tally {
    findings: Mutex<Vec<Finding>>,
    errors: Mutex<Vec<ScanError>>,
    warnings: Mutex<Vec<ScanWarning>>,
    skipped_binary: AtomicU64,
    skipped_large: AtomicU64,
    allowlisted: AtomicU64,
    ignored: AtomicU64,
    archives: AtomicU64,
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

    /// Adds what expanding an archive found and counted.
    fn expanded(&self, out: Expanded) {
        self.found(out.findings);
        if !out.warnings.is_empty()
            && let Ok(mut warnings) = self.warnings.lock()
        {
            warnings.extend(out.warnings);
        }
        self.skipped_binary
            .fetch_add(out.skipped_binary, Ordering::Relaxed);
        self.skipped_large
            .fetch_add(out.skipped_large, Ordering::Relaxed);
        self.allowlisted
            .fetch_add(out.allowlisted, Ordering::Relaxed);
        self.archives.fetch_add(out.archives, Ordering::Relaxed);
    }

    /// Reads `path` into `buf`; what it holds, or `None` once counted as
    /// too large or recorded as unreadable.
    fn read(&self, path: &Path, limits: Limits, buf: &mut Vec<u8>) -> Option<Content> {
        match read_limited(path, limits, buf) {
            Ok(Content::Large) => {
                self.skipped_large.fetch_add(1, Ordering::Relaxed);
                None
            }
            Ok(content) => Some(content),
            Err(err) => {
                self.error(ScanError::read(path, err));
                None
            }
        }
    }
}

/// The tree walk over `roots`: git's ignore rules apply (`.gitignore`,
/// `.git/info/exclude`, the global excludes, also outside a repository),
/// `.keywardenignore` files are read by [`IgnoreFiles`].
fn walker(roots: &[PathBuf], threads: usize) -> Option<WalkBuilder> {
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
    let allowed = scanner.path_allowed(&shown)
        || under_root
            .as_deref()
            .is_some_and(|p| scanner.path_allowed(p));
    let Some(content) = tally.read(path, Limits::of(scanner), buf) else {
        return;
    };
    let size = match content {
        Content::Binary { size } => size,
        Content::Archive(kind) => {
            // Over the configured limit, within the default one: opened,
            // but searched for checksum-verified keys only.
            let mode = if scanner.archives() == Archives::Open
                && buf.len() as u64 <= scanner.max_archive_size()
            {
                Mode::Full
            } else {
                Mode::Verified
            };
            let at = Origin::new(shown, under_root, allowed, mode);
            tally.expanded(archive::expand(scanner, kind, buf, at, progress));
            release(buf);
            return;
        }
        _ => buf.len() as u64,
    };
    if size > scanner.max_file_size() {
        // Over the configured limit, within the default one: skipped, but
        // searched for checksum-verified keys (a configuration file lowers
        // the limit for the full scan only).
        tally.skipped_large.fetch_add(1, Ordering::Relaxed);
        if content == Content::Text {
            let matches = scanner.scan_verified(&shown, buf);
            tally.found(scanner.findings(matches, &shown, None));
        }
        return;
    }
    if let Content::Binary { .. } = content {
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
        tally.found(scanner.findings(scanned.matches, &shown, None));
    }
}

/// Scans one file an ignore file kept out of the walk, for
/// checksum-verified keys only (an archive's entries too).
fn scan_kept_out_file(
    scanner: &Scanner,
    path: &Path,
    buf: &mut Vec<u8>,
    tally: &Tally,
    progress: &Progress,
) {
    match tally.read(path, Limits::of(scanner), buf) {
        Some(Content::Text) => {}
        Some(Content::Archive(kind)) => {
            tally.ignored.fetch_add(1, Ordering::Relaxed);
            let at = Origin::new(display_path(path), None, false, Mode::Verified);
            tally.expanded(archive::expand(scanner, kind, buf, at, progress));
            release(buf);
            return;
        }
        Some(Content::Binary { .. }) => {
            tally.skipped_binary.fetch_add(1, Ordering::Relaxed);
            return;
        }
        Some(Content::Large) | None => return,
    }
    tally.ignored.fetch_add(1, Ordering::Relaxed);
    let shown = display_path(path);
    let matches = scanner.scan_verified(&shown, buf);
    if !matches.is_empty() {
        tally.found(scanner.findings(matches, &shown, None));
    }
}

/// A walk thread's buffer after an archive: an archive may be far larger
/// than the text files that follow, so its room is given back.
fn release(buf: &mut Vec<u8>) {
    if buf.capacity() > 4 * 1024 * 1024 {
        *buf = Vec::with_capacity(64 * 1024);
    }
}

/// What [`read_limited`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Content {
    /// Text, all of it in the buffer.
    Text,
    /// Binary ([`is_binary`]) of `size` bytes: the buffer holds only its
    /// first 8 KiB, which say so (and hold a PKCS#12 header, if any).
    Binary { size: u64 },
    /// An archive ([`archive::sniff`]), all of it in the buffer.
    Archive(Kind),
    /// Over the size limit.
    Large,
}

/// The size limits of one read.
#[derive(Debug, Clone, Copy)]
struct Limits {
    /// Files over this size are [`Content::Large`].
    file: u64,
    /// Archives over this size are; `None` when archives are not opened.
    archive: Option<u64>,
}

impl Limits {
    fn of(scanner: &Scanner) -> Self {
        Self {
            file: scanner.verified_max_file_size(),
            archive: (scanner.archives() != Archives::Skipped)
                .then(|| scanner.verified_max_archive_size()),
        }
    }
}

/// Reads `path` into `buf`: a file over the limits is not read, a binary
/// one no further than its first 8 KiB, an archive whole. Whether a file
/// is an archive is told from the same first bytes, so a tree without
/// archives costs nothing more.
fn read_limited(path: &Path, limits: Limits, buf: &mut Vec<u8>) -> std::io::Result<Content> {
    buf.clear();
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    let max = limits.file.max(limits.archive.unwrap_or(0));
    if size > max {
        return Ok(Content::Large);
    }
    // The file may grow between the size check and the read.
    let mut file = file.take(max + 1);
    (&mut file).take(BINARY_PROBE as u64).read_to_end(buf)?;
    let binary = is_binary(buf);
    if let Some(archive_max) = limits.archive
        && let Some(kind) = archive::sniff(buf, binary)
    {
        (&mut file)
            .take((archive_max + 1).saturating_sub(buf.len() as u64))
            .read_to_end(buf)?;
        return Ok(if buf.len() as u64 <= archive_max {
            Content::Archive(kind)
        } else {
            Content::Large
        });
    }
    if size > limits.file {
        return Ok(Content::Large);
    }
    if binary {
        return Ok(Content::Binary { size });
    }
    (&mut file)
        .take((limits.file + 1).saturating_sub(buf.len() as u64))
        .read_to_end(buf)?;
    Ok(if buf.len() as u64 <= limits.file {
        Content::Text
    } else {
        Content::Large
    })
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
