//! Git sources, through the `git` command (streamed, never whole in memory):
//! the staged diff (`--staged`), every commit's added lines (`--git`), and
//! the files git tracks (for `secrets-file-tracked`).
//!
//! Why the CLI and not a library: streaming `git log -p -U0` measured faster
//! than walking diffs with libgit2 on the same history, and it adds no C
//! build to CI (benches/RESULTS.md, "History").

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::engine::Scanner;
use crate::error::ScanError;
use crate::files::{Progress, Report, Stats, is_binary};
use crate::finding::{CommitInfo, FingerprintKey};

/// Marks a commit header line in the `git log` stream.
const COMMIT_MARK: &[u8] = b"\x1ekeywarden-commit ";

fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C")
        .arg(dir)
        .args(["-c", "core.quotepath=off", "-c", "diff.noprefix=false"])
        .stdin(Stdio::null());
    cmd
}

/// `git` for the diffs a scan reads, with no `.gitattributes` in effect:
/// a committed `* -diff` (or `binary`) made every file's diff "Binary
/// files differ", so the staged and history scans saw no added line. Git
/// still tells binary files by their content. The attributes are read from
/// the empty tree (`GIT_ATTR_SOURCE`, git 2.40 and later; earlier versions
/// ignore it).
fn git_diff(dir: &Path) -> Command {
    let mut cmd = git(dir);
    if let Some(empty) = empty_tree(dir) {
        cmd.env("GIT_ATTR_SOURCE", empty);
    }
    cmd
}

/// The id of the empty tree in the repository's object format.
fn empty_tree(dir: &Path) -> Option<String> {
    let out = git(dir)
        .args(["hash-object", "-t", "tree", "--stdin"])
        .output()
        .ok()?;
    let id = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.success() && !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit()))
        .then_some(id)
}

fn run_git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, ScanError> {
    let out = git(dir)
        .args(args)
        .output()
        .map_err(|e| ScanError::Git(format!("cannot run git: {e}")))?;
    if !out.status.success() {
        return Err(ScanError::Git(
            String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        ));
    }
    Ok(out.stdout)
}

/// The top directory of the work tree holding `dir`.
pub fn toplevel(dir: &Path) -> Result<PathBuf, ScanError> {
    let out = run_git(dir, &["rev-parse", "--show-toplevel"])?;
    Ok(PathBuf::from(String::from_utf8_lossy(&out).trim_end()))
}

/// The root commit of HEAD's history in the repository holding `dir`: the
/// parentless commit (the smallest id when merged histories have several).
/// `None` outside a repository or before the first commit.
pub fn root_commit(dir: &Path) -> Option<String> {
    let out = run_git(dir, &["rev-list", "--max-parents=0", "HEAD"]).ok()?;
    String::from_utf8_lossy(&out)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .min()
        .map(str::to_owned)
}

/// The fingerprint key of the repository holding `dir`
/// ([`FingerprintKey::for_repository`] of its [`root_commit`]), or the
/// default key outside a repository or before the first commit.
pub fn fingerprint_key(dir: &Path) -> FingerprintKey {
    root_commit(dir).map_or_else(FingerprintKey::default, |id| {
        FingerprintKey::for_repository(&id)
    })
}

/// Paths git tracks under `dir` (relative to it); empty outside a repository.
pub fn tracked_files(dir: &Path) -> Vec<String> {
    match run_git(dir, &["ls-files", "-z"]) {
        Ok(out) => out
            .split(|&b| b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Files git tracks under `dir` that its ignore rules (`.gitignore`,
/// `.git/info/exclude`, `core.excludesFile`) match, relative to `dir`: git
/// commits them all the same (it ignores only untracked files), but a tree
/// walk that reads `.gitignore` skips them. Empty outside a repository.
pub fn tracked_ignored_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(out) = run_git(
        dir,
        &[
            "ls-files",
            "-z",
            "--cached",
            "--ignored",
            "--exclude-standard",
        ],
    ) else {
        return Vec::new();
    };
    out.split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(path_from_bytes)
        .collect()
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

/// The added lines of one file in one diff, joined, with their line numbers
/// in the new file.
#[derive(Debug, Default)]
struct FileDiff {
    path: Option<String>,
    text: Vec<u8>,
    lines: Vec<usize>,
    truncated: bool,
}

enum Event {
    Commit(CommitInfo),
    File(FileDiff),
}

/// Undoes git's C-style quoting of unusual paths (`"a\tb"`).
fn unquote(raw: &[u8]) -> String {
    let Some(inner) = raw.strip_prefix(b"\"").and_then(|r| r.strip_suffix(b"\"")) else {
        return String::from_utf8_lossy(raw).into_owned();
    };
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        if inner[i] == b'\\' && i + 1 < inner.len() {
            let c = inner[i + 1];
            if c.is_ascii_digit() && i + 3 < inner.len() {
                let oct = &inner[i + 1..i + 4];
                if let Some(v) = std::str::from_utf8(oct)
                    .ok()
                    .and_then(|s| u8::from_str_radix(s, 8).ok())
                {
                    out.push(v);
                    i += 4;
                    continue;
                }
            }
            out.push(match c {
                b'n' => b'\n',
                b't' => b'\t',
                b'r' => b'\r',
                b'a' => 7,
                b'b' => 8,
                b'f' => 12,
                b'v' => 11,
                other => other,
            });
            i += 2;
        } else {
            out.push(inner[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `@@ -a[,b] +c[,d] @@` → (b, c, d).
fn parse_hunk(line: &[u8]) -> Option<(usize, usize, usize)> {
    let text = std::str::from_utf8(line).ok()?;
    let mut parts = text.split(' ');
    parts.next()?; // @@
    let old = parts.next()?.strip_prefix('-')?;
    let new = parts.next()?.strip_prefix('+')?;
    let count = |s: &str| -> Option<(usize, usize)> {
        match s.split_once(',') {
            Some((start, n)) => Some((start.parse().ok()?, n.parse().ok()?)),
            None => Some((s.parse().ok()?, 1)),
        }
    };
    let (_, old_n) = count(old)?;
    let (new_start, new_n) = count(new)?;
    Some((old_n, new_start, new_n))
}

/// Reads a unified diff stream (`git diff -U0` or `git log -p -U0` with our
/// commit marker) and calls `on` for each commit and each file's added lines.
fn parse_diff_stream(
    reader: impl BufRead,
    max_size: u64,
    mut on: impl FnMut(Event) -> Result<(), ScanError>,
) -> Result<(), ScanError> {
    let mut reader = reader;
    let mut line = Vec::with_capacity(256);
    let mut file: Option<FileDiff> = None;
    // Lines still expected in the current hunk (old, new) and the next new line number.
    let (mut old_left, mut new_left, mut new_line) = (0usize, 0usize, 0usize);
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| ScanError::Git(format!("reading git output: {e}")))?;
        if n == 0 {
            break;
        }
        if old_left > 0 || new_left > 0 {
            match line.first() {
                Some(b'+') => {
                    if let Some(f) = file.as_mut() {
                        if (f.text.len() + line.len()) as u64 <= max_size {
                            f.text.extend_from_slice(&line[1..]);
                            if !f.text.ends_with(b"\n") {
                                f.text.push(b'\n');
                            }
                            f.lines.push(new_line);
                        } else {
                            f.truncated = true;
                        }
                    }
                    new_line += 1;
                    new_left = new_left.saturating_sub(1);
                }
                Some(b'-') => old_left = old_left.saturating_sub(1),
                Some(b' ') => {
                    old_left = old_left.saturating_sub(1);
                    new_left = new_left.saturating_sub(1);
                    new_line += 1;
                }
                // "\ No newline at end of file" and anything unexpected.
                _ => {}
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix(COMMIT_MARK) {
            if let Some(f) = file.take() {
                on(Event::File(f))?;
            }
            let rest = rest.strip_suffix(b"\n").unwrap_or(rest);
            let fields: Vec<String> = rest
                .split(|&b| b == 0x1f)
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            let get = |i: usize| fields.get(i).cloned().unwrap_or_default();
            on(Event::Commit(CommitInfo {
                id: get(0),
                author: get(1),
                email: get(2),
                date: get(3),
            }))?;
        } else if line.starts_with(b"diff --git ") {
            if let Some(f) = file.take() {
                on(Event::File(f))?;
            }
            file = Some(FileDiff::default());
        } else if let Some(rest) = line.strip_prefix(b"+++ ") {
            let raw = rest.strip_suffix(b"\n").unwrap_or(rest);
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            // git ends the name with a tab when it holds a space.
            let raw = raw.strip_suffix(b"\t").unwrap_or(raw);
            let path = unquote(raw);
            if let Some(f) = file.as_mut() {
                f.path = path.strip_prefix("b/").map(str::to_owned);
            }
        } else if line.starts_with(b"@@ ")
            && let Some((old_n, start, new_n)) = parse_hunk(&line)
        {
            old_left = old_n;
            new_left = new_n;
            new_line = start;
        }
    }
    if let Some(f) = file.take() {
        on(Event::File(f))?;
    }
    Ok(())
}

/// Options of a history scan.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct HistoryOptions {
    /// Only commits not reachable from this revision (`REV..HEAD`).
    pub since: Option<String>,
    /// Every ref (`--all`), not only `HEAD`.
    pub all: bool,
}

impl HistoryOptions {
    /// Options with `since` and `all`.
    pub fn new(since: Option<String>, all: bool) -> Self {
        Self { since, all }
    }
}

/// Scans the added lines of the staged diff (`git diff --cached`) of the
/// repository holding `dir`: what a pre-commit hook needs. Paths are
/// relative to the repository's top.
pub fn scan_staged(
    scanner: &Scanner,
    dir: &Path,
    progress: &Progress,
) -> Result<Report, ScanError> {
    let started = Instant::now();
    let top = toplevel(dir)?;
    let mut report = Report::default();
    let names = run_git(
        &top,
        &[
            "diff",
            "--cached",
            "--name-only",
            "-z",
            "--diff-filter=ACMRT",
        ],
    )?;
    let mut counts = Counts::default();
    for name in names.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let path = String::from_utf8_lossy(name);
        if let Some(f) = scanner.tracked_file_finding(&path, None) {
            if scanner.path_allowed(&path) {
                counts.allowlisted += 1;
            } else {
                report.findings.push(f);
            }
        }
    }
    let mut child = git_diff(&top)
        .args([
            "diff",
            "--cached",
            "-U0",
            "--no-color",
            "--no-ext-diff",
            "--diff-filter=ACMRT",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| ScanError::Git(format!("cannot run git: {e}")))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| ScanError::Git("no output from git diff".into()))?;
    parse_diff_stream(
        BufReader::new(stdout),
        scanner.verified_max_file_size(),
        |event| {
            if let Event::File(f) = event {
                scan_file_diff(
                    scanner,
                    f,
                    None,
                    progress,
                    &mut report.findings,
                    &mut counts,
                );
            }
            Ok(())
        },
    )?;
    finish_child(child)?;
    report.stats = Stats {
        files: progress.files.load(Ordering::Relaxed),
        bytes: progress.bytes.load(Ordering::Relaxed),
        commits: 0,
        skipped_binary: counts.skipped_binary,
        skipped_large: counts.skipped_large,
        allowlisted: counts.allowlisted,
        ignored: 0,
        // Diffs are text: archives are not opened here.
        archives: 0,
        elapsed: started.elapsed(),
    };
    report.sort();
    Ok(report)
}

fn finish_child(child: std::process::Child) -> Result<(), ScanError> {
    let out = child
        .wait_with_output()
        .map_err(|e| ScanError::Git(format!("waiting for git: {e}")))?;
    if !out.status.success() {
        return Err(ScanError::Git(
            String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        ));
    }
    Ok(())
}

/// Per-thread totals of a diff scan.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    skipped_binary: u64,
    skipped_large: u64,
    allowlisted: u64,
}

impl Counts {
    fn add(&mut self, other: Self) {
        self.skipped_binary += other.skipped_binary;
        self.skipped_large += other.skipped_large;
        self.allowlisted += other.allowlisted;
    }
}

fn scan_file_diff(
    scanner: &Scanner,
    f: FileDiff,
    commit: Option<&Arc<CommitInfo>>,
    progress: &Progress,
    out: &mut Vec<crate::finding::Finding>,
    counts: &mut Counts,
) {
    let Some(path) = f.path else { return };
    // Added lines are kept up to the default limit (a configuration file
    // may lower the limit for the full scan, not for checksum-verified
    // keys): every rule runs on those within the configured limit, the
    // checksum rules alone on the rest.
    let limit = usize::try_from(scanner.max_file_size()).unwrap_or(usize::MAX);
    let full_len = if f.text.len() > limit {
        memchr::memrchr(b'\n', &f.text[..limit]).map_or(0, |i| i + 1)
    } else {
        f.text.len()
    };
    if f.truncated || full_len < f.text.len() {
        counts.skipped_large += 1;
    }
    // A commit a gitleaks allowlist lists: the rule's findings in it are
    // suppressed, except checksum-verified ones (so its diff is scanned).
    let commit_allowed = |finding: &crate::finding::Finding| {
        !finding.verified_checksum
            && commit.is_some_and(|c| scanner.commit_allowed(&finding.rule_id, &c.id))
    };
    let path_allowed = scanner.path_allowed(&path);
    if let Some(c) = commit
        && let Some(finding) = scanner.tracked_file_finding(&path, Some(Arc::clone(c)))
    {
        if path_allowed || commit_allowed(&finding) {
            counts.allowlisted += 1;
        } else {
            out.push(finding);
        }
    }
    if f.text.is_empty() {
        return;
    }
    if is_binary(&f.text) {
        counts.skipped_binary += 1;
        return;
    }
    let (full, rest) = f.text.split_at(full_len);
    progress.files.fetch_add(1, Ordering::Relaxed);
    progress
        .bytes
        .fetch_add(full.len() as u64, Ordering::Relaxed);
    let mut scanned = scanner.scan_counted(&path, full, path_allowed);
    if !rest.is_empty() {
        let before = memchr::memchr_iter(b'\n', full).count();
        scanned
            .matches
            .extend(scanner.scan_verified(&path, rest).into_iter().map(|mut m| {
                m.line += before;
                m
            }));
    }
    counts.allowlisted += scanned.allowlisted as u64;
    for mut m in scanned.matches {
        m.line = f.lines.get(m.line - 1).copied().unwrap_or(m.line);
        let finding = scanner.finding(m, &path, commit.cloned());
        if commit_allowed(&finding) {
            counts.allowlisted += 1;
            continue;
        }
        out.push(finding);
    }
}

/// Scans every commit's added lines (`git log -p -U0`) of the repository
/// holding `dir`, on `threads` worker threads while git streams. Each finding
/// carries its commit (id, author, e-mail, date).
pub fn scan_history(
    scanner: &Scanner,
    dir: &Path,
    options: &HistoryOptions,
    threads: usize,
    progress: &Progress,
) -> Result<Report, ScanError> {
    let started = Instant::now();
    let top = toplevel(dir)?;
    if !options.all
        && run_git(&top, &["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]).is_err()
    {
        // A repository without commits has no history to scan.
        return Ok(Report::default());
    }
    let mut args: Vec<String> = [
        "log",
        "-p",
        "-U0",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--format=%x1ekeywarden-commit %H%x1f%an%x1f%ae%x1f%aI",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    if options.all {
        args.push("--all".into());
    } else {
        args.push("HEAD".into());
    }
    if let Some(rev) = &options.since {
        if rev.starts_with('-') || rev.is_empty() {
            return Err(ScanError::Git(format!("bad revision for --since: {rev:?}")));
        }
        args.push(format!("^{rev}"));
    }
    args.push("--".into());
    // Git keeps up to 96 MiB of delta bases to rebuild objects; a third of
    // that reads a history as fast (10,000 commits, packed aggressively:
    // 1.25 s either way) in half the memory (131 -> 64 MiB), and git's
    // memory is the history scan's peak.
    let mut child = git_diff(&top)
        .args(["-c", "core.deltaBaseCacheLimit=32m"])
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| ScanError::Git(format!("cannot run git: {e}")))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| ScanError::Git("no output from git log".into()))?;

    // (commit's place in git log order, commit, file)
    type Job = (u64, Arc<CommitInfo>, FileDiff);
    let (tx, rx) = sync_channel::<Job>(256);
    let rx: Mutex<Receiver<Job>> = Mutex::new(rx);
    let findings = Mutex::new(Vec::new());
    let counters = Mutex::new(Counts::default());
    let parse_result = std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| {
                let mut local = Vec::new();
                let mut counts = Counts::default();
                loop {
                    let job = match rx.lock() {
                        Ok(guard) => guard.recv(),
                        Err(_) => break,
                    };
                    let Ok((seq, commit, file)) = job else { break };
                    let mut found = Vec::new();
                    scan_file_diff(
                        scanner,
                        file,
                        Some(&commit),
                        progress,
                        &mut found,
                        &mut counts,
                    );
                    local.extend(found.into_iter().map(|f| (seq, f)));
                }
                if let Ok(mut f) = findings.lock() {
                    f.append(&mut local);
                }
                if let Ok(mut c) = counters.lock() {
                    c.add(counts);
                }
            });
        }
        let mut commit: Option<Arc<CommitInfo>> = None;
        let mut seq = 0u64;
        let result = parse_diff_stream(
            BufReader::with_capacity(256 * 1024, stdout),
            scanner.verified_max_file_size(),
            |event| {
                match event {
                    Event::Commit(c) => {
                        seq = progress.commits.fetch_add(1, Ordering::Relaxed);
                        commit = Some(Arc::new(c));
                    }
                    Event::File(f) => {
                        if let Some(c) = &commit {
                            tx.send((seq, Arc::clone(c), f))
                                .map_err(|_| ScanError::Git("scanner threads stopped".into()))?;
                        }
                    }
                }
                Ok(())
            },
        );
        drop(tx);
        result
    });
    parse_result?;
    finish_child(child)?;
    let counts = counters.into_inner().unwrap_or_default();
    let mut ordered: Vec<(u64, crate::finding::Finding)> =
        findings.into_inner().unwrap_or_default();
    // git log order (newest first), then path and line.
    ordered.sort_by(|(sa, a), (sb, b)| {
        sa.cmp(sb)
            .then_with(|| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)))
    });
    let mut report = Report {
        findings: ordered.into_iter().map(|(_, f)| f).collect(),
        ..Report::default()
    };
    report.stats = Stats {
        files: progress.files.load(Ordering::Relaxed),
        bytes: progress.bytes.load(Ordering::Relaxed),
        commits: progress.commits.load(Ordering::Relaxed),
        skipped_binary: counts.skipped_binary,
        skipped_large: counts.skipped_large,
        allowlisted: counts.allowlisted,
        ignored: 0,
        // Diffs are text: archives are not opened here.
        archives: 0,
        elapsed: started.elapsed(),
    };
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunk_headers() {
        assert_eq!(parse_hunk(b"@@ -1,2 +3,4 @@ fn x"), Some((2, 3, 4)));
        assert_eq!(parse_hunk(b"@@ -0,0 +1 @@"), Some((0, 1, 1)));
        assert_eq!(parse_hunk(b"@@ -5 +0,0 @@"), Some((1, 0, 0)));
        assert_eq!(parse_hunk(b"@@ bogus"), None);
    }

    #[test]
    fn quoted_paths() {
        assert_eq!(unquote(b"b/plain.txt"), "b/plain.txt");
        assert_eq!(unquote(br#""b/tab\there""#), "b/tab\there");
        assert_eq!(unquote(br#""b/caf\303\251""#), "b/café");
    }

    #[test]
    fn diff_stream_added_lines_and_numbers() {
        let diff = b"\x1ekeywarden-commit abc\x1fAnn\x1fann@x\x1f2024-01-01T00:00:00+00:00\n\
\n\
diff --git a/f.txt b/f.txt\n\
--- a/f.txt\n\
+++ b/f.txt\n\
@@ -2,0 +3,2 @@\n\
+one\n\
++++ b/not-a-header\n\
@@ -10 +12 @@\n\
-old\n\
+new\n\
diff --git a/g b/g\n\
deleted file mode 100644\n\
--- a/g\n\
+++ /dev/null\n\
@@ -1 +0,0 @@\n\
-gone\n";
        let mut events = Vec::new();
        parse_diff_stream(&diff[..], 1 << 20, |e| {
            events.push(e);
            Ok(())
        })
        .unwrap();
        assert_eq!(events.len(), 3);
        match &events[0] {
            Event::Commit(c) => assert_eq!((c.id.as_str(), c.author.as_str()), ("abc", "Ann")),
            Event::File(_) => panic!("commit first"),
        }
        match &events[1] {
            Event::File(f) => {
                assert_eq!(f.path.as_deref(), Some("f.txt"));
                assert_eq!(f.text, b"one\n+++ b/not-a-header\nnew\n");
                assert_eq!(f.lines, vec![3, 4, 12]);
            }
            Event::Commit(_) => panic!("file second"),
        }
        match &events[2] {
            Event::File(f) => assert!(f.path.is_none() && f.text.is_empty()),
            Event::Commit(_) => panic!("file third"),
        }
    }
}
