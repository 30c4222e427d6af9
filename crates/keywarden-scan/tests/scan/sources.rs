//! Sources on real files and real git repositories.

use std::path::{Path, PathBuf};
use std::process::Command;

use keywarden_scan::{
    Config, HistoryOptions, Progress, Scanner, scan_history, scan_paths, scan_reader, scan_staged,
};

use crate::{Gen, checksummed, keywarden_key, scanner};

fn write(root: &Path, rel: &str, text: impl AsRef<[u8]>) {
    assert!(
        Path::new(rel).is_relative(),
        "{rel}: only under the test's root"
    );
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_DATE", "2024-05-01T12:00:00+02:00")
        .env("GIT_COMMITTER_DATE", "2024-05-01T12:00:00+02:00")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub(crate) fn init_repo(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["config", "user.name", "Test Author"]);
    git(dir, &["config", "user.email", "author@example.com"]);
    git(dir, &["config", "commit.gpgsign", "false"]);
}

fn paths_of(report: &keywarden_scan::Report) -> Vec<(String, String, usize)> {
    report
        .findings
        .iter()
        .map(|f| (f.path.clone(), f.rule_id.to_string(), f.line))
        .collect()
}

fn rel(root: &Path, p: &str) -> String {
    format!("{}/{p}", root.display())
}

#[test]
fn tree_walk_respects_ignores_and_limits() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut g = Gen::new(20);
    let tok = |g: &mut Gen| checksummed("ghp_", g);
    write(
        root,
        "src/app.py",
        format!("x = 1\nt = '{}'\n", tok(&mut g)),
    );
    write(root, ".env", format!("GH_TOKEN={}\n", tok(&mut g)));
    write(root, "build/out.txt", tok(&mut g));
    write(root, ".gitignore", "build/\n");
    // Ignored: its Stripe key is no finding (a checksum-verified key in an
    // ignored file would be: see below).
    write(
        root,
        "vendor/lib.js",
        format!("k = '{}'\n", format_args!("sk_live_{}", g.alnum(30))),
    );
    write(root, ".keywardenignore", "vendor/\n");
    let mut binary = b"\x00\x01\x02".to_vec();
    binary.extend_from_slice(tok(&mut g).as_bytes());
    write(root, "img.bin", binary);
    // Over the configured limit: skipped, but a checksum-verified key in it
    // is found (below the default limit, see below); its Stripe key is not.
    let mut big = "x".repeat(2000);
    big.push_str(&format!("\n{}\n", tok(&mut g)));
    big.push_str(&format!(
        "k = '{}'\n",
        format_args!("sk_live_{}", g.alnum(30))
    ));
    write(root, "big.txt", big);
    write(root, ".git/config", tok(&mut g));

    let mut cfg = Config::default();
    cfg.max_file_size = 1024;
    let s = Scanner::new(&cfg).unwrap();
    let progress = Progress::default();
    let report = scan_paths(&s, &[root.to_path_buf()], 2, &progress).unwrap();
    assert_eq!(
        paths_of(&report),
        vec![
            (rel(root, ".env"), "github-pat".into(), 1),
            (rel(root, "big.txt"), "github-pat".into(), 2),
            (rel(root, "src/app.py"), "github-pat".into(), 2),
        ]
    );
    assert_eq!(report.stats.skipped_binary, 1);
    assert_eq!(report.stats.skipped_large, 1);
    // .env, .gitignore, .keywardenignore, src/app.py
    assert_eq!(report.stats.files, 4);
    // vendor/lib.js, searched for checksum-verified keys only.
    assert_eq!(report.stats.ignored, 1);
    assert!(report.errors.is_empty());
}

/// (path, rule) of every finding, paths relative to `root`, sorted.
fn found_under(root: &Path, report: &keywarden_scan::Report) -> Vec<(String, String)> {
    let prefix = format!("{}/", root.display());
    let mut found: Vec<(String, String)> = report
        .findings
        .iter()
        .map(|f| {
            let path = f.path.strip_prefix(&prefix).unwrap_or(&f.path);
            (path.to_owned(), f.rule_id.to_string())
        })
        .collect();
    found.sort();
    found
}

/// Writes each file with a checksum-verified keywarden key and an
/// unverified Stripe key.
fn write_keys(root: &Path, files: &[&str]) {
    let mut g = Gen::new(77);
    for (i, f) in files.iter().enumerate() {
        let key = keywarden_key("kw", "live", 0x40 + i as u8);
        let stripe = format!("sk_live_{}", g.alnum(30));
        write(root, f, format!("KEY = '{key}'\nSTRIPE = '{stripe}'\n"));
    }
}

/// The findings expected when `ignored` files are kept out: every
/// keywarden key, the Stripe keys of the other files.
fn expected(files: &[&str], ignored: &[&str]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = files
        .iter()
        .flat_map(|f| {
            let mut v = vec![((*f).to_owned(), "keywarden-key".to_owned())];
            if !ignored.contains(f) {
                v.push(((*f).to_owned(), "stripe-live-secret-key".to_owned()));
            }
            v
        })
        .collect();
    out.sort();
    out
}

/// Hardening II (13): a `.keywardenignore` — a file of the repository —
/// keeps paths out of a tree scan, but never a checksum-verified key: the
/// files it keeps out are searched for those alone (their other findings
/// stay out), whatever the ignore file says (`*` ignores even itself), in
/// a subdirectory or above the scanned root; and they are counted.
#[test]
fn keywardenignore_never_hides_a_verified_key() {
    let files = [
        "docs/notes.md",
        "src/app.py",
        "vendor/deep/er/x.txt",
        "vendor/lib.js",
    ];
    let vendor = ["vendor/deep/er/x.txt", "vendor/lib.js"];
    let not_src = ["docs/notes.md", "vendor/deep/er/x.txt", "vendor/lib.js"];
    // (ignore file, its directory, the files it keeps out, whether it
    // keeps itself out)
    let cases: [(&str, &str, &[&str], bool); 5] = [
        ("vendor/\n", "", &vendor, false),
        ("*\n", "", &files, true),
        ("**\n!src/\n!src/**\n", "", &not_src, true),
        (
            "*.js\n*.md\n",
            "",
            &["docs/notes.md", "vendor/lib.js"],
            false,
        ),
        ("x.txt\n", "vendor/deep", &["vendor/deep/er/x.txt"], false),
    ];
    for (ignore, at, ignored, itself) in cases {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        init_repo(root);
        write_keys(root, &files);
        write(
            root,
            &Path::new(at).join(".keywardenignore").to_string_lossy(),
            ignore,
        );
        git(root, &["add", "."]);
        git(root, &["commit", "-qm", "tree"]);
        let s = scanner();
        let report = scan_paths(&s, &[root.to_path_buf()], 2, &Progress::default()).unwrap();
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_eq!(
            found_under(root, &report),
            expected(&files, ignored),
            "{ignore:?} in {at:?}"
        );
        assert_eq!(
            report.stats.ignored,
            (ignored.len() + usize::from(itself)) as u64,
            "{ignore:?} in {at:?}"
        );
        assert!(
            report
                .findings
                .iter()
                .filter(|f| f.rule_id.as_ref() == "keywarden-key")
                .all(|f| f.verified_checksum && f.line == 1 && f.column == 8)
        );

        // Scanned from below, where the ignore file above applies as the
        // walk reads it: every key, each file read once.
        let sub = root.join("vendor");
        let report = scan_paths(&s, std::slice::from_ref(&sub), 2, &Progress::default()).unwrap();
        let keys: Vec<(String, String)> = found_under(&sub, &report)
            .into_iter()
            .filter(|(_, rule)| rule == "keywarden-key")
            .collect();
        assert_eq!(
            keys,
            [
                ("deep/er/x.txt".to_owned(), "keywarden-key".to_owned()),
                ("lib.js".to_owned(), "keywarden-key".to_owned())
            ],
            "{ignore:?} in {at:?}, from vendor/"
        );
        // The two files, and an ignore file of vendor/deep.
        let n = 2 + u64::from(at.starts_with("vendor"));
        assert_eq!(report.stats.files + report.stats.ignored, n);
    }

    // Without an ignore file nothing is searched twice or counted.
    let dir = tempfile::tempdir().unwrap();
    write_keys(dir.path(), &files);
    let report = scan_paths(
        &scanner(),
        &[dir.path().to_path_buf()],
        2,
        &Progress::default(),
    )
    .unwrap();
    assert_eq!(found_under(dir.path(), &report), expected(&files, &[]));
    assert_eq!(report.stats.ignored, 0);
}

/// Hardening II (13): `[scan] max_file_size` in a repository's
/// `.keywarden.toml` set to 1 skipped every file (exit 0, "skipped N
/// large"). A configuration lowers the limit for the full scan only: files
/// and added lines over it, up to the default 10 MiB, are searched for
/// checksum-verified keys; the rest of them stays skipped and counted. A
/// file over the default limit is not read at all.
#[test]
fn a_lower_size_limit_never_hides_a_verified_key() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    init_repo(root);
    let mut g = Gen::new(78);
    let stripe = || format!("sk_live_{}", Gen::new(79).alnum(30));
    let key = keywarden_key("kw", "live", 0x61);
    // A small file: everything over a 1-byte limit.
    write(
        root,
        "small.env",
        format!("KEY={key}\nSTRIPE={}\n", stripe()),
    );
    // Lines within a 64-byte limit get every rule, the rest the checksum rules.
    let gh = checksummed("ghp_", &mut g);
    write(
        root,
        "mixed.py",
        format!(
            "s = '{}'\n{}\nt = '{gh}'\nu = '{}'\n",
            stripe(),
            "#".repeat(40),
            stripe()
        ),
    );
    // Over the default limit: not read.
    let mut huge = "x".repeat(keywarden_scan::config::DEFAULT_MAX_FILE_SIZE as usize);
    huge.push_str(&format!("\nKEY={}\n", keywarden_key("kw", "live", 0x62)));
    write(root, "huge.txt", &huge);
    git(root, &["add", "small.env", "mixed.py"]);
    git(root, &["commit", "-qm", "files"]);

    let found = |report: &keywarden_scan::Report| -> Vec<(String, String, usize)> {
        let prefix = format!("{}/", root.display());
        report
            .findings
            .iter()
            .filter(|f| f.rule_id.as_ref() != "secrets-file-tracked")
            .map(|f| {
                let path = f.path.strip_prefix(&prefix).unwrap_or(&f.path).to_owned();
                (path, f.rule_id.to_string(), f.line)
            })
            .collect()
    };
    let row = |path: &str, rule: &str, line: usize| (path.to_owned(), rule.to_owned(), line);
    let verified = vec![
        row("mixed.py", "github-pat", 3),
        row("small.env", "keywarden-key", 1),
    ];
    // (limit, tree findings, files skipped as large, history findings)
    let cases = [
        (1, verified.clone(), 3, verified.clone()),
        (
            // small.env fits, mixed.py does not (its first two lines do).
            120,
            vec![
                row("mixed.py", "github-pat", 3),
                row("small.env", "keywarden-key", 1),
                row("small.env", "stripe-live-secret-key", 2),
            ],
            2,
            vec![
                row("mixed.py", "github-pat", 3),
                row("mixed.py", "stripe-live-secret-key", 1),
                row("small.env", "keywarden-key", 1),
                row("small.env", "stripe-live-secret-key", 2),
            ],
        ),
    ];
    for (limit, tree_found, large, history_found) in cases {
        let cfg = Config::from_toml(
            &format!("[scan]\nmax_file_size = {limit}\n"),
            Path::new(".keywarden.toml"),
        )
        .unwrap();
        let s = Scanner::new(&cfg).unwrap();
        let tree = scan_paths(&s, &[root.to_path_buf()], 2, &Progress::default()).unwrap();
        assert_eq!(found(&tree), tree_found, "tree, limit {limit}");
        // huge.txt, and the files over the limit.
        assert_eq!(tree.stats.skipped_large, large, "tree, limit {limit}");
        let history = scan_history(
            &s,
            root,
            &HistoryOptions::default(),
            1,
            &Progress::default(),
        )
        .unwrap();
        let mut in_history = found(&history);
        in_history.sort();
        assert_eq!(in_history, history_found, "history, limit {limit}");
    }
    // Staged, as a pre-commit hook sees it.
    write(
        root,
        "new.txt",
        format!("NEW={}\n", keywarden_key("kw", "live", 0x63)),
    );
    git(root, &["add", "new.txt"]);
    let cfg = Config::from_toml("[scan]\nmax_file_size = 1\n", Path::new("x")).unwrap();
    let staged = scan_staged(&Scanner::new(&cfg).unwrap(), root, &Progress::default()).unwrap();
    assert_eq!(
        found(&staged),
        [("new.txt".to_owned(), "keywarden-key".to_owned(), 1)]
    );
}

/// Whether the `git` here reads `GIT_ATTR_SOURCE` (2.40 and later).
fn git_reads_attr_source() -> bool {
    let out = Command::new("git").arg("--version").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut v = text
        .split_whitespace()
        .nth(2)
        .unwrap_or("0")
        .split('.')
        .map(|p| p.parse::<u32>().unwrap_or(0));
    (v.next().unwrap_or(0), v.next().unwrap_or(0)) >= (2, 40)
}

/// Hardening II (13): a committed `.gitattributes` with `* -diff` (or
/// `binary`) made git show every file's diff as "Binary files differ": the
/// staged scan (the pre-commit hook) and the history scan saw no added line
/// (exit 0, "scanned 0 files"). They now read diffs with no attributes in
/// effect; a file with NUL bytes is still binary to git, and skipped.
#[test]
fn gitattributes_do_not_hide_a_verified_key_from_diffs() {
    if !git_reads_attr_source() {
        eprintln!("skipped: git before 2.40 ignores GIT_ATTR_SOURCE");
        return;
    }
    for attributes in ["* -diff\n", "*.txt binary\n"] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        init_repo(root);
        write(root, ".gitattributes", attributes);
        git(root, &["add", "."]);
        git(root, &["commit", "-qm", "attributes"]);
        let key = keywarden_key("kw", "live", 0x71);
        write(root, "prod.txt", format!("A=1\nKEY={key}\n"));
        let mut binary = b"\x00\x01".to_vec();
        binary
            .extend_from_slice(format!("\nKEY={}\n", keywarden_key("kw", "live", 0x72)).as_bytes());
        write(root, "img.bin", binary);
        git(root, &["add", "."]);
        let staged = scan_staged(&scanner(), root, &Progress::default()).unwrap();
        let found: Vec<_> = staged
            .findings
            .iter()
            .map(|f| (f.path.as_str(), &*f.rule_id, f.line))
            .collect();
        // img.bin is binary to git by its content: no added lines.
        assert_eq!(found, [("prod.txt", "keywarden-key", 2)], "{attributes:?}");
        git(root, &["commit", "-qm", "key"]);
        let history = scan_history(
            &scanner(),
            root,
            &HistoryOptions::default(),
            1,
            &Progress::default(),
        )
        .unwrap();
        let found: Vec<_> = history
            .findings
            .iter()
            .map(|f| (f.path.as_str(), &*f.rule_id, f.line))
            .collect();
        assert_eq!(found, [("prod.txt", "keywarden-key", 2)], "{attributes:?}");
    }
}

/// The files the `ignore` crate's own walk yields under `root` with
/// `.keywardenignore` as a custom ignore file (what the scanner did before
/// it read those files itself), relative to `root`.
fn crate_walk(root: &Path) -> Vec<String> {
    let mut files: Vec<String> = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .add_custom_ignore_filename(".keywardenignore")
        .filter_entry(|e| e.file_name() != ".git")
        .build()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(|e| {
            e.path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    files
}

/// Hardening II (13): the scanner reads `.keywardenignore` files itself (so
/// what they keep out is still searched for verified keys), with the
/// `ignore` crate's matcher and precedence: the files it scans in full are
/// exactly those the crate's own walk yields, for ignore files at several
/// levels, with negations, anchors, directory patterns and `**`, scanned
/// from the top and from below (an ignore file above the root). Every
/// verified key is found either way.
#[test]
fn keywardenignore_keeps_out_what_the_ignore_crate_does() {
    let files = [
        "a/b/c",
        "a/deep/f.txt",
        "b/deep/g.txt",
        "build/out.txt",
        "docs/api/x.md",
        "docs/keep.md",
        "docs/readme.md",
        "notes.md",
        "src/a.tmp",
        "src/gen/keep.rs",
        "src/gen/out.rs",
        "src/main.py",
        "top.py",
        "vendor/lib.js",
        "vendor/x.txt",
    ];
    let configs: [&[(&str, &str)]; 7] = [
        &[("", "*.md\n!docs/keep.md\n")],
        &[("", "/vendor\nbuild/\n"), ("vendor", "!x.txt\n")],
        &[("", "a/**/c\n")],
        &[("src", "gen/\n*.tmp\n"), ("", "!src/gen/keep.rs\n")],
        &[("", "**/deep\n"), ("a", "!deep\n")],
        &[("", "*\n!*/\n!*.py\n")],
        &[("", "docs/\n"), ("docs/api", "*\n")],
    ];
    for config in configs {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write_keys(root, &files);
        write(root, ".gitignore", "build/\n");
        for (at, rules) in config {
            write(
                root,
                &Path::new(at).join(".keywardenignore").to_string_lossy(),
                rules,
            );
        }
        for from in ["", "docs", "src", "a"] {
            let top = if from.is_empty() {
                root.to_path_buf()
            } else {
                root.join(from)
            };
            let report = scan_paths(
                &scanner(),
                std::slice::from_ref(&top),
                2,
                &Progress::default(),
            )
            .unwrap();
            assert!(report.errors.is_empty(), "{:?}", report.errors);
            let found = found_under(&top, &report);
            let full: Vec<String> = found
                .iter()
                .filter(|(_, rule)| rule == "stripe-live-secret-key")
                .map(|(path, _)| path.clone())
                .collect();
            let data = |f: &String| files.iter().any(|d| root.join(d) == top.join(f));
            let expected: Vec<String> = crate_walk(&top).into_iter().filter(data).collect();
            assert_eq!(full, expected, "{config:?}, from {from:?}");
            // Every key git does not ignore, whatever `.keywardenignore` says.
            let keys: Vec<String> = found
                .iter()
                .filter(|(_, rule)| rule == "keywarden-key")
                .map(|(path, _)| path.clone())
                .collect();
            let mut all: Vec<String> = files
                .iter()
                .filter(|f| !f.starts_with("build/"))
                .filter_map(|f| Path::new(f).strip_prefix(from).ok())
                .map(|f| f.to_string_lossy().into_owned())
                .collect();
            all.sort();
            assert_eq!(keys, all, "{config:?}, from {from:?}");
        }
    }
}

/// Hardening II (13): git commits a file it tracks even when `.gitignore`
/// matches it (added before the rule, or with `git add -f`), but a tree
/// walk that reads `.gitignore` skips it: so a repository could hide a
/// committed key by listing its file. Such files are searched for
/// checksum-verified keys. An untracked file git ignores is not committed
/// and stays out of a tree scan (a developer's local `.env`).
#[test]
fn gitignore_does_not_hide_a_verified_key_git_tracks() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    init_repo(root);
    let files = ["app.py", "secrets/prod.env", "local/dev.env"];
    write_keys(root, &files);
    write(root, ".gitignore", "secrets/\nlocal/\n");
    git(root, &["add", "app.py", ".gitignore"]);
    git(root, &["add", "-f", "secrets/prod.env"]);
    git(root, &["commit", "-qm", "tree"]);
    let report = scan_paths(&scanner(), &[root.to_path_buf()], 2, &Progress::default()).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let mut want = expected(&["app.py", "secrets/prod.env"], &["secrets/prod.env"]);
    // Hygiene: a tracked .env.
    want.push(("secrets/prod.env".into(), "secrets-file-tracked".into()));
    want.sort();
    assert_eq!(found_under(root, &report), want);
    assert_eq!(report.stats.ignored, 1);

    // Given as the root, an ignored directory is walked (`ignore` applies
    // no rule to a root): the file is read once, in full.
    let sub = root.join("secrets");
    let report = scan_paths(
        &scanner(),
        std::slice::from_ref(&sub),
        1,
        &Progress::default(),
    )
    .unwrap();
    let mut want = expected(&["prod.env"], &[]);
    want.push(("prod.env".into(), "secrets-file-tracked".into()));
    want.sort();
    assert_eq!(found_under(&sub, &report), want);
    assert_eq!((report.stats.files, report.stats.ignored), (1, 0));
}

#[test]
fn a_missing_root_is_an_error() {
    let s = scanner();
    let err = scan_paths(
        &s,
        &[PathBuf::from("/definitely/not/here")],
        1,
        &Progress::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("/definitely/not/here"), "{err}");
}

/// A path that exists, is a regular file by its metadata, and cannot be
/// read even by root (CI runs as root, where permission bits do not bind):
/// reading a process's own memory at offset 0 fails with EIO.
#[cfg(target_os = "linux")]
pub(crate) const UNREADABLE: &str = "/proc/self/mem";

#[cfg(target_os = "linux")]
#[test]
fn an_unreadable_file_is_reported_and_the_scan_goes_on() {
    assert!(std::fs::metadata(UNREADABLE).unwrap().is_file());
    assert!(std::fs::read(UNREADABLE).is_err(), "must fail for root too");
    let dir = tempfile::tempdir().unwrap();
    let mut g = Gen::new(21);
    write(dir.path(), "ok.txt", checksummed("ghp_", &mut g));
    let roots = [dir.path().to_path_buf(), PathBuf::from(UNREADABLE)];
    let report = scan_paths(&scanner(), &roots, 1, &Progress::default()).unwrap();
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.errors.len(), 1);
    let err = report.errors[0].to_string();
    assert!(err.contains(UNREADABLE), "{err}");
}

#[test]
fn pkcs12_files_are_findings_by_content() {
    let dir = tempfile::tempdir().unwrap();
    // PFX: SEQUENCE (long form length), INTEGER 3, then DER content (binary).
    let mut pfx = vec![
        0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x03, 0x30, 0x80, 0x00, 0x00,
    ];
    pfx.extend(std::iter::repeat_n(0xA5u8, 245));
    write(dir.path(), "certs/client.p12", &pfx);
    write(dir.path(), "certs/renamed.bin", &pfx);
    // An X.509 certificate in DER starts with a SEQUENCE of a SEQUENCE: no finding.
    let mut cert = vec![0x30, 0x82, 0x01, 0x00, 0x30, 0x82, 0x00, 0xF0, 0x00];
    cert.extend(std::iter::repeat_n(0x11u8, 240));
    write(dir.path(), "certs/server.der", &cert);
    let report = scan_paths(&scanner(), &[dir.path().into()], 1, &Progress::default()).unwrap();
    let mut got: Vec<(String, String)> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.path.rsplit('/').next().unwrap().to_owned(),
                f.rule_id.to_string(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("client.p12".to_owned(), "pkcs12-file".to_owned()),
            ("renamed.bin".to_owned(), "pkcs12-file".to_owned())
        ]
    );
    assert_eq!(report.stats.skipped_binary, 3);
}

#[test]
fn tracked_secrets_files_are_findings_untracked_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    init_repo(root);
    write(root, ".env", "DEBUG=1\n");
    write(root, ".env.example", "DEBUG=0\n");
    write(root, "local/.env.local", "DEBUG=1\n");
    git(root, &["add", ".env", ".env.example"]);
    git(root, &["commit", "-qm", "env"]);
    let report = scan_paths(&scanner(), &[root.to_path_buf()], 1, &Progress::default()).unwrap();
    assert_eq!(
        paths_of(&report),
        vec![(rel(root, ".env"), "secrets-file-tracked".into(), 1)]
    );
}

#[test]
fn staged_scans_only_added_lines_with_their_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    init_repo(root);
    let mut g = Gen::new(22);
    let old = checksummed("ghp_", &mut g);
    write(root, "app.py", format!("a = 1\nold = '{old}'\nb = 2\n"));
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "first"]);

    let new = checksummed("ghp_", &mut g);
    let key = keywarden_key("kw", "live", 33);
    write(
        root,
        "app.py",
        format!("a = 1\nold = '{old}'\nb = 2\nc = 3\nnew = '{new}'\n"),
    );
    write(root, "sub dir/new file.env", format!("KEY={key}\n"));
    write(root, "unstaged.py", checksummed("ghp_", &mut g));
    git(root, &["add", "app.py", "sub dir/new file.env"]);

    let report = scan_staged(&scanner(), root, &Progress::default()).unwrap();
    let found: Vec<_> = report
        .findings
        .iter()
        .map(|f| (f.path.as_str(), &*f.rule_id, f.line, f.secret.expose()))
        .collect();
    assert_eq!(
        found,
        vec![
            ("app.py", "github-pat", 5, new.as_str()),
            ("sub dir/new file.env", "secrets-file-tracked", 1, ""),
            ("sub dir/new file.env", "keywarden-key", 1, key.as_str()),
        ]
    );

    // From a subdirectory, paths stay relative to the repository's top.
    let report = scan_staged(&scanner(), &root.join("sub dir"), &Progress::default()).unwrap();
    assert_eq!(report.findings.len(), 3);
}

#[test]
fn staged_outside_a_repository_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = scan_staged(&scanner(), dir.path(), &Progress::default()).unwrap_err();
    assert!(err.to_string().contains("git"), "{err}");
}

#[test]
fn history_of_a_repository_without_commits_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    init_repo(dir.path());
    let report = scan_history(
        &scanner(),
        dir.path(),
        &HistoryOptions::default(),
        1,
        &Progress::default(),
    )
    .unwrap();
    assert!(report.findings.is_empty());
    assert_eq!(report.stats.commits, 0);
}

#[test]
fn staged_before_the_first_commit() {
    let dir = tempfile::tempdir().unwrap();
    init_repo(dir.path());
    let mut g = Gen::new(25);
    let tok = checksummed("ghp_", &mut g);
    write(dir.path(), "a.txt", format!("x\n{tok}\n"));
    git(dir.path(), &["add", "."]);
    let report = scan_staged(&scanner(), dir.path(), &Progress::default()).unwrap();
    let found: Vec<_> = report
        .findings
        .iter()
        .map(|f| (f.path.as_str(), f.line))
        .collect();
    assert_eq!(found, vec![("a.txt", 2)]);
}

#[test]
fn history_reports_each_commit_with_author_and_date() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    init_repo(root);
    let mut g = Gen::new(23);
    let first = checksummed("ghp_", &mut g);
    write(root, "a.txt", format!("token = {first}\n"));
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "add a token"]);
    let base = git(root, &["rev-parse", "HEAD"]).trim().to_owned();
    // Removed in a later commit: still in history.
    write(root, "a.txt", "token = none\n");
    git(root, &["commit", "-qam", "remove it"]);
    let second = format!("sk_live_{}", g.alnum(30));
    write(root, "b/c.py", format!("x = 1\ny = 2\nKEY = '{second}'\n"));
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "stripe"]);
    let head = git(root, &["rev-parse", "HEAD"]).trim().to_owned();
    // A branch not reachable from HEAD.
    git(root, &["checkout", "-qb", "side", &base]);
    let third = checksummed("gho_", &mut g);
    write(root, "side.txt", format!("{third}\n"));
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "side"]);
    git(root, &["checkout", "-q", "main"]);

    let report = scan_history(
        &scanner(),
        root,
        &HistoryOptions::default(),
        2,
        &Progress::default(),
    )
    .unwrap();
    assert_eq!(report.stats.commits, 3);
    let mut found: Vec<_> = report
        .findings
        .iter()
        .map(|f| {
            let c = f.commit.as_ref().unwrap();
            assert_eq!(c.author, "Test Author");
            assert_eq!(c.email, "author@example.com");
            assert_eq!(c.date, "2024-05-01T12:00:00+02:00");
            (
                f.path.clone(),
                f.line,
                f.secret.expose().to_owned(),
                c.id.clone(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        vec![
            ("a.txt".to_owned(), 1, first, base.clone()),
            ("b/c.py".to_owned(), 3, second.clone(), head.clone()),
        ]
    );
    assert_eq!(report.findings[1].location(), format!("{base}:a.txt:1"));

    let since = scan_history(
        &scanner(),
        root,
        &HistoryOptions::new(Some(base.clone()), false),
        1,
        &Progress::default(),
    )
    .unwrap();
    assert_eq!(since.stats.commits, 2);
    assert_eq!(since.findings.len(), 1);
    assert_eq!(since.findings[0].secret.expose(), second);

    let all = scan_history(
        &scanner(),
        root,
        &HistoryOptions::new(None, true),
        2,
        &Progress::default(),
    )
    .unwrap();
    assert_eq!(all.stats.commits, 4);
    assert!(all.findings.iter().any(|f| f.secret.expose() == third));

    let err = scan_history(
        &scanner(),
        root,
        &HistoryOptions::new(Some("--output=x".into()), false),
        1,
        &Progress::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("bad revision"), "{err}");
    let err = scan_history(
        &scanner(),
        root,
        &HistoryOptions::new(Some("no-such-rev".into()), false),
        1,
        &Progress::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("git"), "{err}");
}

#[test]
fn reader_is_chunked_and_keeps_line_numbers() {
    let mut g = Gen::new(24);
    let a = checksummed("ghp_", &mut g);
    let b = checksummed("ghp_", &mut g);
    let mut text = format!("t = '{a}'\n");
    let filler = "0123456789 filler line without anything secret in it at all\n";
    let n = 6 * 1024 * 1024 / filler.len();
    for _ in 0..n {
        text.push_str(filler);
    }
    text.push_str(&format!("u = '{b}'\n"));
    let report = scan_reader(&scanner(), text.as_bytes(), "-", &Progress::default()).unwrap();
    let lines: Vec<_> = report
        .findings
        .iter()
        .map(|f| (f.line, f.path.as_str()))
        .collect();
    assert_eq!(lines, vec![(1, "-"), (n + 2, "-")]);
    assert_eq!(report.stats.bytes, text.len() as u64);
}
