//! `keywarden scan …` and `keywarden hook install`, on real files and real
//! git repositories. Fake tokens are built at run time so this file does not
//! itself look like a leak.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command as StdCommand;

use keywarden_core::key;
use serde_json::Value;

use crate::keywarden;

/// A GitHub token with a valid checksum, from 30 fixed characters.
fn github_token(seed: char) -> String {
    let random: String = std::iter::repeat_n(seed, 10)
        .chain("aB3dE5fG7hI9jK1lM2nO4pQ6r".chars())
        .take(30)
        .collect();
    format!(
        "{}{random}{}",
        "ghp_",
        keywarden_scan::validate::crc32_base62_suffix(&random)
    )
}

fn keywarden_key(byte: u8) -> String {
    key::from_secret_bytes(
        &"kw".parse().unwrap(),
        &"live".parse().unwrap(),
        &[byte; 32],
    )
    .expose()
    .to_owned()
}

/// A Stripe live secret key's shape: a finding no checksum proves.
fn stripe_key() -> String {
    format!("{}_{}_{}", "sk", "live", "7qZk2LmN9pQrS4tUvW8xYz3AbCdEfGh")
}

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    StdCommand::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap()
}

fn git_ok(dir: &Path, args: &[&str]) -> String {
    let out = git(dir, args);
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn init_repo(dir: &Path) {
    git_ok(dir, &["init", "-q", "-b", "main"]);
    git_ok(dir, &["config", "user.name", "Test Author"]);
    git_ok(dir, &["config", "user.email", "author@example.com"]);
    git_ok(dir, &["config", "commit.gpgsign", "false"]);
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn scan_in(dir: &Path, args: &[&str]) -> Run {
    let out = keywarden()
        .current_dir(dir)
        .arg("scan")
        .args(args)
        .env_remove("KEYWARDEN_URL")
        .env_remove("KEYWARDEN_FINGERPRINT_KEY")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

#[test]
fn clean_tree_exits_0_with_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.py"), "print('hello')\n").unwrap();
    let run = scan_in(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("scanned 1 file"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("0 findings; 0 suppressed by allowlists"),
        "{}",
        run.stderr
    );
    let quiet = scan_in(dir.path(), &["--quiet"]);
    assert_eq!((quiet.code, quiet.stderr.as_str()), (0, ""));
}

#[test]
fn findings_exit_1_naming_file_and_line_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let tok = github_token('Z');
    let key = keywarden_key(12);
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("src/app.py"),
        format!("import os\nGH = '{tok}'\nKW = \"{key}\"\n"),
    )
    .unwrap();
    let run = scan_in(dir.path(), &["src"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("src/app.py:2:7: critical [github-pat]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("src/app.py:3:7: critical [keywarden-key]"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("(checksum verified)"));
    assert!(!run.stdout.contains(&tok) && !run.stderr.contains(&tok));
    assert!(!run.stdout.contains(&key) && !run.stderr.contains(&key));
    assert!(run.stderr.contains("2 findings"), "{}", run.stderr);

    let shown = scan_in(dir.path(), &["src/app.py", "--show-secrets"]);
    assert_eq!(shown.code, 1);
    assert!(shown.stdout.contains(&tok) && shown.stdout.contains(&key));
}

#[test]
fn json_and_sarif_formats() {
    let dir = tempfile::tempdir().unwrap();
    let key = keywarden_key(13);
    std::fs::write(dir.path().join(".env"), format!("KEYWARDEN_TOKEN={key}\n")).unwrap();

    let run = scan_in(dir.path(), &["--format", "json"]);
    assert_eq!(run.code, 1);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    let f = &doc["findings"][0];
    assert_eq!(f["path"], ".env");
    assert_eq!(f["line"], 1);
    assert_eq!(f["column"], 17);
    assert_eq!(f["rule"], "keywarden-key");
    assert_eq!(f["verified_checksum"], true);
    assert_eq!(doc["summary"]["findings"], 1);
    assert!(!run.stdout.contains(&key));
    // --json is --format json.
    let again = scan_in(dir.path(), &["--json"]);
    assert_eq!(
        serde_json::from_str::<Value>(&again.stdout).unwrap()["findings"],
        doc["findings"]
    );

    let run = scan_in(dir.path(), &["--format", "sarif"]);
    assert_eq!(run.code, 1);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    let result = &doc["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "keywarden-key");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        ".env"
    );
}

#[test]
fn encoded_secrets_confidence_and_their_flags() {
    use base64::Engine as _;
    let dir = tempfile::tempdir().unwrap();
    let stripe = stripe_key();
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("STRIPE_KEY={stripe}"));
    std::fs::write(
        dir.path().join("app.yaml"),
        format!("blob: {encoded}\ndb_password: \"q8Vn2rLx7TzK4wPm\"\n"),
    )
    .unwrap();
    let findings = |args: &[&str]| -> (i32, Vec<Value>) {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let run = scan_in(dir.path(), &all);
        let doc: Value = serde_json::from_str(&run.stdout).unwrap_or(Value::Null);
        (
            run.code,
            doc["findings"].as_array().cloned().unwrap_or_default(),
        )
    };
    let (code, all) = findings(&[]);
    assert_eq!(code, 1);
    let rules: Vec<(&str, &str, Option<&str>)> = all
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["confidence"].as_str().unwrap(),
                f["decoded"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        rules,
        [
            ("stripe-live-secret-key", "medium", Some("base64")),
            ("generic-secret", "low", None)
        ]
    );
    assert_eq!(
        (all[0]["line"].as_u64(), all[0]["column"].as_u64()),
        (Some(1), Some(7))
    );
    assert!(!all[0].to_string().contains(&stripe));
    // --min-confidence drops the generic finding; high leaves nothing (exit 0).
    assert_eq!(findings(&["--min-confidence", "medium"]).1.len(), 1);
    assert_eq!(findings(&["--min-confidence", "high"]), (0, vec![]));
    // --decode-depth 0: the encoded key is not looked at.
    let (_, plain) = findings(&["--decode-depth", "0"]);
    assert_eq!(plain.len(), 1);
    assert_eq!(plain[0]["rule"], "generic-secret");
    // Out-of-range values are errors (exit 2), before anything is scanned.
    for bad in [["--decode-depth", "6"], ["--min-confidence", "certain"]] {
        let run = scan_in(dir.path(), &bad);
        assert_eq!(run.code, 2, "{bad:?}: {}", run.stderr);
        assert!(run.stderr.contains(bad[0]), "{}", run.stderr);
    }
    // Text output names the chain and the confidence.
    let run = scan_in(dir.path(), &[]);
    assert!(run.stdout.contains("    decoded: base64"), "{}", run.stdout);
    assert!(run.stdout.contains("    confidence: low"), "{}", run.stdout);
    // The configuration's min_confidence; the flag overrides it.
    std::fs::write(
        dir.path().join(".keywarden.toml"),
        "[scan]\nmin_confidence = \"medium\"\n",
    )
    .unwrap();
    assert_eq!(findings(&[]).1.len(), 1);
    assert_eq!(findings(&["--min-confidence", "low"]).1.len(), 2);
    std::fs::write(
        dir.path().join(".keywarden.toml"),
        "[scan]\nmin_confidence = \"sure\"\n",
    )
    .unwrap();
    let run = scan_in(dir.path(), &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("sure"), "{}", run.stderr);
}

#[test]
fn errors_exit_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let run = scan_in(dir.path(), &["no/such/path"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("error: cannot read no/such/path"),
        "{}",
        run.stderr
    );

    std::fs::write(
        dir.path().join(".keywarden.toml"),
        "[scan]\nmin_entropy = \"high\"\n",
    )
    .unwrap();
    let run = scan_in(dir.path(), &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("bad configuration in ./.keywarden.toml"),
        "{}",
        run.stderr
    );
    std::fs::remove_file(dir.path().join(".keywarden.toml")).unwrap();

    std::fs::write(dir.path().join("b.json"), "[]").unwrap();
    let run = scan_in(dir.path(), &["--baseline", "b.json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("baseline b.json"), "{}", run.stderr);

    let run = scan_in(dir.path(), &["--staged"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("git"), "{}", run.stderr);

    let run = scan_in(dir.path(), &["--since", "HEAD"]);
    assert_eq!(run.code, 2, "--since needs --git");
}

#[test]
fn config_at_the_scan_root_allowlists_and_adds_rules() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("tests/fixtures")).unwrap();
    std::fs::write(
        root.join("tests/fixtures/t.py"),
        "db_password = \"Tq8!vZr2#pL5\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("app.txt"),
        "ACME = acme_0f1e2d3c4b5a69788796a5b4c3d2e1f0\n",
    )
    .unwrap();
    std::fs::write(
        root.join(".keywarden.toml"),
        "[allowlist]\npaths = [\"tests/fixtures/**\"]\n\n[[rules]]\nid = \"acme\"\nkeywords = [\"acme_\"]\nregex = 'acme_[0-9a-f]{32}'\n",
    )
    .unwrap();
    let run = scan_in(root, &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    let rules: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, vec!["acme"]);
    assert_eq!(doc["summary"]["allowlisted"], 1);
    // Scanning the directory from outside finds the same configuration.
    let parent = root.parent().unwrap();
    let name = root.file_name().unwrap().to_str().unwrap();
    let run = scan_in(parent, &[name, "--format", "json"]);
    assert_eq!(run.code, 1);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn gitleaks_configuration_is_read_with_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../keywarden-scan/tests/data/gitleaks/gitleaks.toml");
    let token = format!("acme_{}", "5e0c3b9a7d1f4e2c8b6a0d9f3e7c1b5a");
    std::fs::write(root.join("app.env"), format!("ACME_TOKEN={token}\n")).unwrap();
    // Given explicitly.
    let run = scan_in(
        root,
        &[
            "--gitleaks-config",
            fixture.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["findings"][0]["rule"], "acme-service-token");
    assert!(
        run.stderr.contains("warning: ") && run.stderr.contains("[extend] is not supported"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("note: gitleaks rule github-pat is named gitleaks:github-pat"),
        "{}",
        run.stderr
    );
    // Found at the scan root.
    std::fs::copy(&fixture, root.join(".gitleaks.toml")).unwrap();
    let run = scan_in(root, &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["findings"][0]["rule"], "acme-service-token");
    // A broken one is an error that names it.
    std::fs::write(root.join(".gitleaks.toml"), "[[rules]]\nregex = 'x'\n").unwrap();
    let run = scan_in(root, &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(".gitleaks.toml") && run.stderr.contains("no id"),
        "{}",
        run.stderr
    );
}

#[test]
fn stdin_mode() {
    let tok = github_token('S');
    let out = keywarden()
        .args(["scan", "--stdin", "--format", "json"])
        .write_stdin(format!("line one\nsecond {tok}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["findings"][0]["path"], "-");
    assert_eq!(doc["findings"][0]["line"], 2);

    let out = keywarden()
        .args(["scan", "--stdin"])
        .write_stdin("nothing here\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    keywarden()
        .args(["scan", "--stdin", "x"])
        .write_stdin("")
        .assert()
        .code(2);
}

#[test]
fn baseline_workflow() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("old.txt"), github_token('B')).unwrap();
    let run = scan_in(root, &["--write-baseline", "baseline.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("wrote 1 fingerprints to baseline.json"),
        "{}",
        run.stderr
    );
    let saved = std::fs::read_to_string(root.join("baseline.json")).unwrap();
    assert!(!saved.contains(&github_token('B')));

    let run = scan_in(root, &["--baseline", "baseline.json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("1 in the baseline"), "{}", run.stderr);

    // Moving the secret down a few lines keeps it baselined.
    std::fs::write(root.join("old.txt"), format!("\n\n{}", github_token('B'))).unwrap();
    assert_eq!(scan_in(root, &["--baseline", "baseline.json"]).code, 0);

    std::fs::write(root.join("new.txt"), github_token('N')).unwrap();
    let run = scan_in(root, &["--baseline", "baseline.json"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("new.txt:1:1"), "{}", run.stdout);
    assert!(!run.stdout.contains("old.txt"), "{}", run.stdout);
}

/// The fingerprints in `scan --format json` output, in order.
fn fingerprints(run: &Run) -> Vec<String> {
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn fingerprints_are_keyed_by_the_repository() {
    let make = |dir: &Path, message: &str| {
        init_repo(dir);
        std::fs::write(dir.join("README"), message).unwrap();
        git_ok(dir, &["add", "README"]);
        git_ok(dir, &["commit", "-qm", message]);
        std::fs::write(dir.join("old.txt"), github_token('F')).unwrap();
    };
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    make(a.path(), "first repository");
    make(b.path(), "second repository");
    let json = ["--format", "json"];
    let fa = fingerprints(&scan_in(a.path(), &json));
    assert_eq!(fa.len(), 1);
    // Stable across runs, and in another clone of the same repository (as
    // on another machine).
    assert_eq!(fa, fingerprints(&scan_in(a.path(), &json)));
    let c = tempfile::tempdir().unwrap();
    git_ok(
        c.path(),
        &["clone", "-q", a.path().to_str().unwrap(), "clone"],
    );
    let clone = c.path().join("clone");
    std::fs::write(clone.join("old.txt"), github_token('F')).unwrap();
    assert_eq!(fa, fingerprints(&scan_in(&clone, &json)));
    // Another repository (another root commit): another fingerprint for the
    // same secret at the same path; the same with a secret key mixed in.
    assert_ne!(fa, fingerprints(&scan_in(b.path(), &json)));
    let keyed = keywarden()
        .current_dir(a.path())
        .args(["scan", "--format", "json"])
        .env("KEYWARDEN_FINGERPRINT_KEY", "kept in the CI secret store")
        .output()
        .unwrap();
    let keyed = Run {
        code: keyed.status.code().unwrap(),
        stdout: String::from_utf8(keyed.stdout).unwrap(),
        stderr: String::new(),
    };
    assert_eq!(keyed.code, 1);
    assert_ne!(fa, fingerprints(&keyed));

    // A baseline of one repository is refused in the other, clearly.
    assert_eq!(
        scan_in(a.path(), &["--write-baseline", "../a.json"]).code,
        0
    );
    let run = scan_in(b.path(), &["--baseline", "../a.json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("another key"), "{}", run.stderr);
    assert_eq!(scan_in(a.path(), &["--baseline", "../a.json"]).code, 0);

    // A baseline of the old unsalted fingerprints says what to do.
    std::fs::write(
        a.path().join("v1.json"),
        r#"{"keywarden_baseline": 1, "findings": [{"fingerprint": "3f0c5d4b1e2a9c8d7e6f5a4b3c2d1e0f", "rule": "github-pat", "path": "old.txt"}]}"#,
    )
    .unwrap();
    let run = scan_in(a.path(), &["--baseline", "v1.json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no longer") && run.stderr.contains("--write-baseline"),
        "{}",
        run.stderr
    );
}

/// (rule, path) of each finding in `scan --format json` output.
fn rules_and_paths(run: &Run) -> Vec<(String, String)> {
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["path"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Hardening II (12): a committed `.keywarden.toml` that allowlists
/// everything (`regexes = [".*"]`, `paths = ["**"]`) does not hide a
/// checksum-valid keywarden key: exit 1 and the finding, in a tree scan and
/// in a history scan. A bad-checksum look-alike is still nothing; a short
/// password is suppressed, and every summary counts it.
#[test]
fn repository_allowlists_never_silence_a_verified_key() {
    let minted = key::mint(&"kw".parse().unwrap(), &"live".parse().unwrap());
    let live = minted.expose().to_owned();
    let mut lookalike = live.clone();
    let last = if lookalike.ends_with('A') { "B" } else { "A" };
    lookalike.replace_range(lookalike.len() - 1.., last);
    assert!(key::parse(&lookalike).is_err());
    for allowlist in ["regexes = [\".*\"]", "paths = [\"**\"]"] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        init_repo(root);
        std::fs::write(
            root.join(".keywarden.toml"),
            format!("[allowlist]\n{allowlist}\n"),
        )
        .unwrap();
        std::fs::create_dir(root.join("config")).unwrap();
        std::fs::write(root.join("config/prod.txt"), format!("KW_KEY={live}\n")).unwrap();
        std::fs::write(root.join("config/old.txt"), format!("KW_KEY={lookalike}\n")).unwrap();
        std::fs::write(root.join("app.py"), "db_password = \"Tq8!vZr2#pL5\"\n").unwrap();
        git_ok(root, &["add", "."]);
        git_ok(root, &["commit", "-qm", "config"]);
        let expected = vec![("keywarden-key".to_owned(), "config/prod.txt".to_owned())];

        let text = scan_in(root, &[]);
        assert_eq!(text.code, 1, "{allowlist}: {}{}", text.stdout, text.stderr);
        assert!(
            text.stdout
                .contains("config/prod.txt:1:8: critical [keywarden-key]"),
            "{allowlist}: {}",
            text.stdout
        );
        assert!(!text.stdout.contains("old.txt"), "{}", text.stdout);
        assert!(
            text.stderr
                .contains("1 finding; 1 suppressed by allowlists"),
            "{allowlist}: {}",
            text.stderr
        );
        assert!(!text.stdout.contains(&live) && !text.stderr.contains(&live));

        let json = scan_in(root, &["--format", "json"]);
        assert_eq!(json.code, 1, "{allowlist}");
        assert_eq!(rules_and_paths(&json), expected, "{allowlist}");
        let doc: Value = serde_json::from_str(&json.stdout).unwrap();
        assert_eq!(doc["summary"]["allowlisted"], 1, "{allowlist}");

        let sarif = scan_in(root, &["--format", "sarif"]);
        assert_eq!(sarif.code, 1, "{allowlist}");
        let doc: Value = serde_json::from_str(&sarif.stdout).unwrap();
        assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), 1);
        assert_eq!(
            doc["runs"][0]["properties"]["allowlisted"], 1,
            "{allowlist}"
        );

        let history = scan_in(root, &["--git", "--format", "json"]);
        assert_eq!(history.code, 1, "{allowlist}: {}", history.stderr);
        assert_eq!(rules_and_paths(&history), expected, "{allowlist}");
        let doc: Value = serde_json::from_str(&history.stdout).unwrap();
        assert_eq!(doc["summary"]["allowlisted"], 1, "{allowlist}");

        // Only a baseline entry covers the key.
        assert_eq!(scan_in(root, &["--write-baseline", "b.json"]).code, 0);
        let baselined = scan_in(root, &["--baseline", "b.json"]);
        assert_eq!(
            baselined.code, 0,
            "{}{}",
            baselined.stdout, baselined.stderr
        );
        assert!(
            baselined
                .stderr
                .contains("0 findings (1 in the baseline, not shown); 1 suppressed by allowlists"),
            "{}",
            baselined.stderr
        );
    }
}

/// A git repository at `root` holding `files` (path, text), committed.
fn committed_repo(root: &Path, files: &[(&str, String)]) {
    init_repo(root);
    for (path, text) in files {
        assert!(Path::new(path).is_relative(), "{path}: only under the root");
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    git_ok(root, &["add", "-f", "."]);
    git_ok(root, &["commit", "-qm", "tree"]);
}

/// Hardening II (13): `[scan] disable` in a repository's `.keywarden.toml`
/// cannot switch off the rules whose findings are checksum-verified: they
/// stay on (tree, history and staged scans find the keys: exit 1), and a
/// warning on standard error says so, even with --quiet. Other rules are
/// disabled as asked.
#[test]
fn a_repository_config_cannot_disable_checksum_rules() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let live = keywarden_key(61);
    let gh = github_token('D');
    committed_repo(
        root,
        &[
            (
                ".keywarden.toml",
                "[scan]\ndisable = [\"keywarden-key\", \"github-pat\", \"stripe-live-secret-key\"]\n"
                    .to_owned(),
            ),
            (
                "config/prod.txt",
                format!("KW_KEY={live}\nGH={gh}\nSTRIPE={}\n", stripe_key()),
            ),
        ],
    );
    let expected = vec![
        ("keywarden-key".to_owned(), "config/prod.txt".to_owned()),
        ("github-pat".to_owned(), "config/prod.txt".to_owned()),
    ];
    let says_so = |stderr: &str| {
        for id in ["keywarden-key", "github-pat"] {
            assert!(
                stderr.contains(&format!("warning: `[scan] disable` lists {id}"))
                    && stderr.contains("it stays on"),
                "{stderr}"
            );
        }
        assert!(!stderr.contains("lists stripe"), "{stderr}");
    };
    let text = scan_in(root, &[]);
    assert_eq!(text.code, 1, "{}{}", text.stdout, text.stderr);
    assert!(
        text.stdout
            .contains("config/prod.txt:1:8: critical [keywarden-key]"),
        "{}",
        text.stdout
    );
    says_so(&text.stderr);
    let json = scan_in(root, &["--format", "json", "--quiet"]);
    assert_eq!(json.code, 1);
    assert_eq!(rules_and_paths(&json), expected);
    says_so(&json.stderr);
    let history = scan_in(root, &["--git", "--format", "json"]);
    assert_eq!(history.code, 1, "{}", history.stderr);
    assert_eq!(rules_and_paths(&history), expected);
    std::fs::write(root.join("new.txt"), format!("K={}\n", keywarden_key(62))).unwrap();
    git_ok(root, &["add", "new.txt"]);
    let staged = scan_in(root, &["--staged", "--format", "json"]);
    assert_eq!(staged.code, 1, "{}", staged.stderr);
    assert_eq!(
        rules_and_paths(&staged),
        [("keywarden-key".to_owned(), "new.txt".to_owned())]
    );
}

/// Hardening II (13): `[scan] max_file_size = 1` in a repository's
/// `.keywarden.toml` skipped every file and every diff (exit 0, "skipped 2
/// large"). A configuration lowers the limit for the full scan only: up to
/// the default 10 MiB, files and added lines are still searched for
/// checksum-verified keys (tree, history and staged scans: exit 1).
#[test]
fn a_repository_config_cannot_lower_the_size_limit_over_a_verified_key() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    committed_repo(
        root,
        &[
            (".keywarden.toml", "[scan]\nmax_file_size = 1\n".to_owned()),
            (
                "config/prod.txt",
                format!("KW_KEY={}\nSTRIPE={}\n", keywarden_key(66), stripe_key()),
            ),
        ],
    );
    let expected = vec![("keywarden-key".to_owned(), "config/prod.txt".to_owned())];
    let text = scan_in(root, &[]);
    assert_eq!(text.code, 1, "{}{}", text.stdout, text.stderr);
    assert!(
        text.stderr
            .contains("1 finding; 0 suppressed by allowlists; skipped 0 binary and 2 large"),
        "{}",
        text.stderr
    );
    let json = scan_in(root, &["--format", "json"]);
    assert_eq!(rules_and_paths(&json), expected, "the Stripe key stays out");
    let history = scan_in(root, &["--git", "--format", "json"]);
    assert_eq!(history.code, 1, "{}", history.stderr);
    assert_eq!(rules_and_paths(&history), expected);
    std::fs::write(root.join("new.txt"), format!("K={}\n", keywarden_key(67))).unwrap();
    git_ok(root, &["add", "new.txt"]);
    let staged = scan_in(root, &["--staged", "--format", "json"]);
    assert_eq!(staged.code, 1, "{}", staged.stderr);
    assert_eq!(
        rules_and_paths(&staged),
        [("keywarden-key".to_owned(), "new.txt".to_owned())]
    );
}

/// Hardening II (13): a committed `.gitattributes` with `* -diff` made git
/// show every diff as binary: `--staged` (the pre-commit hook) and `--git`
/// saw nothing (exit 0, "scanned 0 files"). Diffs are read with no
/// attributes in effect (git 2.40 and later).
#[test]
fn gitattributes_do_not_hide_a_verified_key_from_diffs() {
    let version = String::from_utf8(git(Path::new("."), &["--version"]).stdout).unwrap();
    let mut v = version
        .split_whitespace()
        .nth(2)
        .unwrap_or("0")
        .split('.')
        .map(|p| p.parse::<u32>().unwrap_or(0));
    if (v.next().unwrap_or(0), v.next().unwrap_or(0)) < (2, 40) {
        eprintln!("skipped: git before 2.40 ignores GIT_ATTR_SOURCE");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    committed_repo(root, &[(".gitattributes", "* -diff\n".to_owned())]);
    std::fs::write(root.join("prod.txt"), format!("K={}\n", keywarden_key(68))).unwrap();
    git_ok(root, &["add", "prod.txt"]);
    let expected = [("keywarden-key".to_owned(), "prod.txt".to_owned())];
    let staged = scan_in(root, &["--staged", "--format", "json"]);
    assert_eq!(staged.code, 1, "{}", staged.stderr);
    assert_eq!(rules_and_paths(&staged), expected);
    git_ok(root, &["commit", "-qm", "key"]);
    let history = scan_in(root, &["--git", "--format", "json"]);
    assert_eq!(history.code, 1, "{}", history.stderr);
    assert_eq!(rules_and_paths(&history), expected);
}

/// Hardening II (13): a committed `.keywardenignore` keeps paths out of a
/// tree scan, never a checksum-verified key in them (exit 1, the finding);
/// the rest of an ignored file stays out, and the summary counts the
/// ignored files searched. So does a tracked file `.gitignore` matches.
#[test]
fn ignore_files_never_hide_a_verified_key() {
    let live = keywarden_key(63);
    let secret_text = format!("KW_KEY={live}\nSTRIPE={}\n", stripe_key());
    // (ignore file, its text, files searched for verified keys only)
    for (ignore_file, rules, ignored) in [
        (".keywardenignore", "config/\n", 1),
        (".keywardenignore", "*\n", 3),
        (".gitignore", "config/\n", 1),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        committed_repo(
            root,
            &[
                (ignore_file, rules.to_owned()),
                ("config/prod.txt", secret_text.clone()),
                ("app.py", "print('hello')\n".to_owned()),
            ],
        );
        let text = scan_in(root, &[]);
        assert_eq!(
            text.code, 1,
            "{ignore_file} {rules:?}: {}{}",
            text.stdout, text.stderr
        );
        assert!(
            text.stdout
                .contains("config/prod.txt:1:8: critical [keywarden-key]"),
            "{}",
            text.stdout
        );
        let s = if ignored == 1 { "" } else { "s" };
        assert!(
            text.stderr.contains(&format!(
                "1 finding; 0 suppressed by allowlists; {ignored} ignored file{s} searched for \
                 checksum-verified keys only"
            )),
            "{ignore_file} {rules:?}: {}",
            text.stderr
        );
        assert!(!text.stdout.contains(&live) && !text.stderr.contains(&live));
        let json = scan_in(root, &["--format", "json"]);
        assert_eq!(
            rules_and_paths(&json),
            [("keywarden-key".to_owned(), "config/prod.txt".to_owned())],
            "{ignore_file} {rules:?}: the Stripe key stays out"
        );
        let doc: Value = serde_json::from_str(&json.stdout).unwrap();
        assert_eq!(
            doc["summary"]["ignored"], ignored,
            "{ignore_file} {rules:?}"
        );
        let sarif = scan_in(root, &["--format", "sarif"]);
        let doc: Value = serde_json::from_str(&sarif.stdout).unwrap();
        assert_eq!(doc["runs"][0]["properties"]["ignored"], ignored);
    }
}

/// Hardening II (13): an inline `keywarden:allow` silences the findings no
/// checksum proves (counted with the allowlists' suppressions), never a
/// checksum-verified key: tree, history and staged scans report it.
#[test]
fn inline_allow_never_silences_a_verified_key() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let live = keywarden_key(64);
    committed_repo(
        root,
        &[(
            "config/prod.py",
            format!(
                "KW = '{live}'  # keywarden:allow\nSTRIPE = '{}'  # keywarden:allow\n",
                stripe_key()
            ),
        )],
    );
    let expected = vec![("keywarden-key".to_owned(), "config/prod.py".to_owned())];
    let text = scan_in(root, &[]);
    assert_eq!(text.code, 1, "{}{}", text.stdout, text.stderr);
    assert!(
        text.stdout
            .contains("config/prod.py:1:7: critical [keywarden-key]"),
        "{}",
        text.stdout
    );
    assert!(
        text.stderr
            .contains("1 finding; 1 suppressed by allowlists"),
        "{}",
        text.stderr
    );
    let history = scan_in(root, &["--git", "--format", "json"]);
    assert_eq!(history.code, 1, "{}", history.stderr);
    assert_eq!(rules_and_paths(&history), expected);
    let doc: Value = serde_json::from_str(&history.stdout).unwrap();
    assert_eq!(doc["summary"]["allowlisted"], 1);
    std::fs::write(
        root.join("config/new.py"),
        format!("KW = '{}'  # keywarden:allow\n", keywarden_key(65)),
    )
    .unwrap();
    git_ok(root, &["add", "."]);
    let staged = scan_in(root, &["--staged", "--format", "json"]);
    assert_eq!(staged.code, 1, "{}", staged.stderr);
    assert_eq!(
        rules_and_paths(&staged),
        [("keywarden-key".to_owned(), "config/new.py".to_owned())]
    );
}

/// Hardening II (11), migration: a version 2 baseline's entry for a short
/// secret is its value fingerprint, which this version no longer produces.
/// It still covers the finding, and the scan says so and what to do;
/// recorded again, the baseline is version 3 and the warning goes.
#[test]
fn a_version_2_baseline_still_covers_short_secrets_and_says_so() {
    use keywarden_scan::FingerprintKey;
    use keywarden_scan::finding::value_fingerprint;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    init_repo(root);
    std::fs::write(root.join("README"), "app\n").unwrap();
    git_ok(root, &["add", "README"]);
    git_ok(root, &["commit", "-qm", "first"]);
    let first = git_ok(root, &["rev-list", "--max-parents=0", "HEAD"]);
    let key = FingerprintKey::for_repository(first.trim());
    let line = |pw: &str| format!("DATABASE_URL=postgres://app:{pw}@db.internal:5432/app\n");
    std::fs::write(root.join(".env"), line("Winter2024!")).unwrap();
    let json = scan_in(root, &["--format", "json"]);
    let found = rules_and_paths(&json);
    assert_eq!(found.len(), 1, "{}", json.stdout);
    let rule = &found[0].0;
    // What the previous version wrote: the password's value fingerprint.
    let old = value_fingerprint(&key, rule, ".env", "Winter2024!");
    assert_ne!(fingerprints(&json), vec![old.clone()]);
    let v2 = serde_json::json!({
        "keywarden_baseline": 2,
        "fingerprint_key": key.id(),
        "findings": [{"fingerprint": old, "rule": rule, "path": ".env"}],
    });
    std::fs::write(root.join("v2.json"), v2.to_string()).unwrap();

    let run = scan_in(root, &["--baseline", "v2.json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("1 in the baseline"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("warning: baseline v2.json is version 2")
            && run
                .stderr
                .contains("1 finding matched only an old value fingerprint")
            && run.stderr.contains("--write-baseline v2.json"),
        "{}",
        run.stderr
    );
    // Told even with --quiet.
    let quiet = scan_in(root, &["--baseline", "v2.json", "--quiet"]);
    assert_eq!(quiet.code, 0);
    assert!(quiet.stderr.contains("version 2"), "{}", quiet.stderr);
    // Another password is not what the old entry recorded.
    std::fs::write(root.join(".env"), line("Summer-2025")).unwrap();
    let run = scan_in(root, &["--baseline", "v2.json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("0 findings matched"), "{}", run.stderr);

    // Recorded again: version 3, no warning, and the line is covered.
    std::fs::write(root.join(".env"), line("Winter2024!")).unwrap();
    assert_eq!(scan_in(root, &["--write-baseline", "v2.json"]).code, 0);
    let saved = std::fs::read_to_string(root.join("v2.json")).unwrap();
    assert!(saved.contains("\"keywarden_baseline\": 3"), "{saved}");
    let run = scan_in(root, &["--baseline", "v2.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}

/// docs/scanning.md: "When some files cannot be read, the findings in the
/// others are still reported, each unreadable path is named, and the exit
/// is 2." The unreadable path fails for root too (CI runs as root): reading
/// a process's own memory at offset 0 is an I/O error.
#[cfg(target_os = "linux")]
#[test]
fn unreadable_paths_are_named_the_rest_reported_and_the_exit_is_2() {
    let unreadable = "/proc/self/mem";
    assert!(std::fs::read(unreadable).is_err(), "must fail for root too");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ok.txt"), github_token('U')).unwrap();
    let run = scan_in(dir.path(), &[".", unreadable]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.contains("ok.txt:1:1"), "{}", run.stdout);
    assert!(
        run.stderr.contains(&format!("cannot read {unreadable}")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("1 path could not be read"),
        "{}",
        run.stderr
    );
    // The same with JSON output: the findings are a document on stdout.
    let run = scan_in(dir.path(), &[".", unreadable, "--format", "json"]);
    assert_eq!(run.code, 2);
    assert_eq!(fingerprints(&run).len(), 1);
}

#[test]
fn git_history_mode_reports_commits() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    init_repo(root);
    std::fs::write(root.join("a.txt"), format!("t = {}\n", github_token('H'))).unwrap();
    git_ok(root, &["add", "."]);
    git_ok(root, &["commit", "-qm", "oops"]);
    let id = git_ok(root, &["rev-parse", "HEAD"]).trim().to_owned();
    std::fs::write(root.join("a.txt"), "t = none\n").unwrap();
    git_ok(root, &["commit", "-qam", "fix"]);

    // The working tree is clean now; history is not.
    assert_eq!(scan_in(root, &["--quiet"]).code, 0);
    let run = scan_in(root, &["--git", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    let f = &doc["findings"][0];
    assert_eq!(f["path"], "a.txt");
    assert_eq!(f["commit"]["id"], id.as_str());
    assert_eq!(f["commit"]["author"], "Test Author");
    assert_eq!(f["commit"]["email"], "author@example.com");
    assert!(f["commit"]["date"].is_string());
    assert_eq!(doc["summary"]["commits"], 2);

    let text = scan_in(root, &["--git"]);
    assert!(
        text.stdout
            .contains(&format!("commit: {id} by Test Author")),
        "{}",
        text.stdout
    );
    assert_eq!(scan_in(root, &["--git", "--since", &id]).code, 0);
}

fn install_hook(root: &Path, extra: &[&str]) -> std::process::Output {
    keywarden()
        .current_dir(root)
        .args(["hook", "install"])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn pre_commit_hook_blocks_secrets_and_lets_clean_commits_through() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    init_repo(root);
    let out = install_hook(root, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("installed the keywarden pre-commit hook")
    );
    let hook = root.join(".git/hooks/pre-commit");
    assert!(
        std::fs::read_to_string(&hook)
            .unwrap()
            .contains("scan --staged")
    );

    // A clean commit goes through.
    std::fs::write(root.join("README.md"), "# demo\n").unwrap();
    git_ok(root, &["add", "."]);
    let out = git(root, &["commit", "-qm", "clean"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A commit adding a secret is blocked, naming file and line.
    std::fs::create_dir(root.join("config")).unwrap();
    std::fs::write(
        root.join("config/prod.py"),
        format!("DEBUG = False\nKEY = '{}'\n", keywarden_key(99)),
    )
    .unwrap();
    git_ok(root, &["add", "."]);
    let out = git(root, &["commit", "-qm", "add config"]);
    assert!(!out.status.success(), "the commit must be blocked");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("config/prod.py:2:8"), "{said}");
    assert!(said.contains("keywarden-key"), "{said}");
    assert!(said.contains("commit blocked"), "{said}");
    assert!(!said.contains(&keywarden_key(99)), "{said}");
    assert_eq!(git_ok(root, &["rev-list", "--count", "HEAD"]).trim(), "1");

    // An inline allow does not let a checksum-verified key through ...
    std::fs::write(
        root.join("config/prod.py"),
        format!(
            "DEBUG = False\nKEY = '{}'  # keywarden:allow\n",
            keywarden_key(99)
        ),
    )
    .unwrap();
    git_ok(root, &["add", "."]);
    let out = git(root, &["commit", "-qm", "add config"]);
    assert!(
        !out.status.success(),
        "a verified key is never allowed inline"
    );
    assert_eq!(git_ok(root, &["rev-list", "--count", "HEAD"]).trim(), "1");

    // ... but a finding no checksum proves goes through.
    std::fs::write(
        root.join("config/prod.py"),
        format!(
            "DEBUG = False\nKEY = '{}'  # keywarden:allow\n",
            stripe_key()
        ),
    )
    .unwrap();
    git_ok(root, &["add", "."]);
    let out = git(root, &["commit", "-qm", "add config"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Installing again updates keywarden's own hook.
    let out = install_hook(root, &[]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("updated"));
}

#[test]
fn hook_install_refuses_another_hook_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    init_repo(root);
    let hook = root.join(".git/hooks/pre-commit");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    std::fs::write(&hook, "#!/bin/sh\nexec make lint\n").unwrap();
    let out = install_hook(root, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("already exists"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert!(err.contains("keywarden scan --staged || exit 1"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        "#!/bin/sh\nexec make lint\n"
    );

    let out = install_hook(root, &["--force"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("replaced"));
    assert!(
        std::fs::read_to_string(&hook)
            .unwrap()
            .contains("keywarden pre-commit hook")
    );

    let plain = tempfile::tempdir().unwrap();
    let out = install_hook(plain.path(), &[]);
    assert_eq!(out.status.code(), Some(2), "not a repository");
}

/// A one-shot HTTP server: reads one request, answers `status` with
/// `answer` as its JSON body, and hands back the request line and body.
fn one_shot_server(
    status: &'static str,
    answer: &'static str,
) -> (String, std::thread::JoinHandle<(String, String)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream);
        let mut request_line = String::new();
        reader.read_line(&mut request_line).unwrap();
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            reader.read_line(&mut header).unwrap();
            if header == "\r\n" || header.is_empty() {
                break;
            }
            let lower = header.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body).unwrap();
        let mut stream = reader.into_inner();
        write!(
            stream,
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
            answer.len()
        )
        .unwrap();
        (request_line, String::from_utf8(body).unwrap())
    });
    (url, handle)
}

#[test]
fn revoke_reports_verified_keywarden_keys_to_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let a = keywarden_key(1);
    let b = keywarden_key(2);
    let mut bad = keywarden_key(3);
    let last = bad.pop().unwrap();
    bad.push(if last == 'a' { 'b' } else { 'a' });
    std::fs::write(
        root.join("leak.env"),
        format!(
            "A={a}\nB={b}\nAGAIN={a}\nGH={}\nBAD={bad}\n",
            github_token('R')
        ),
    )
    .unwrap();
    let (url, server) = one_shot_server("202 Accepted", r#"{"accepted":2,"processed":2}"#);
    let out = keywarden()
        .current_dir(root)
        .args(["scan", "--revoke"])
        .env("KEYWARDEN_URL", &url)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "findings still exit 1");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("reported 2 leaked keywarden keys"), "{err}");
    let (request_line, body) = server.join().unwrap();
    assert!(
        request_line.starts_with("POST /v1/leaks "),
        "{request_line}"
    );
    let sent: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        sent,
        serde_json::json!([
            {"key": a, "source": "leak.env:1"},
            {"key": b, "source": "leak.env:2"},
        ])
    );
}

#[test]
fn revoke_failures_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("k.txt"), keywarden_key(5)).unwrap();

    let (url, server) = one_shot_server("500 Internal Server Error", "");
    let out = keywarden()
        .current_dir(dir.path())
        .args(["scan", "--revoke", "--url", &url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("expected 202"), "{err}");
    server.join().unwrap();

    // Nothing listens on this port once the listener is dropped.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = keywarden()
        .current_dir(dir.path())
        .args(["scan", "--revoke"])
        .env("KEYWARDEN_URL", format!("http://127.0.0.1:{port}"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot reach the keywarden server"), "{err}");
    assert!(!err.contains(&keywarden_key(5)), "{err}");
}

/// The scanner's corpus holds checksum-valid tokens on purpose; no
/// allowlist hides those, so the repository's baseline records them.
#[test]
fn this_repository_scans_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = keywarden()
        .current_dir(&root)
        .args(["scan", "--format", "json", "--quiet"])
        .args(["--baseline", ".keywarden-baseline.json"])
        .env_remove("KEYWARDEN_FINGERPRINT_KEY")
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{:#}\nIf these are new test data, record them: \
         keywarden scan --write-baseline .keywarden-baseline.json",
        doc["findings"]
    );
}

#[test]
fn every_rule_is_documented() {
    let out = keywarden()
        .args(["scan", "--list-rules", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let rules: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = rules.as_array().unwrap();
    assert!(rules.len() >= 45, "{}", rules.len());
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/SCAN-RULES.md"),
    )
    .unwrap();
    for r in rules {
        let id = r["id"].as_str().unwrap();
        assert!(
            doc.contains(&format!("| `{id}` |")),
            "docs/SCAN-RULES.md lacks {id}: regenerate it (see its header)"
        );
        assert!(r["severity"].is_string() && r["description"].is_string());
    }
    let text = keywarden().args(["scan", "--list-rules"]).output().unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).starts_with("keywarden-key"));
}

/// `keywarden scan …` in `dir` against a real server, with `token` as the
/// root key.
fn scan_against(dir: &Path, server: &crate::server::Server, token: &str, args: &[&str]) -> Run {
    let out = keywarden()
        .current_dir(dir)
        .arg("scan")
        .args(args)
        .env("KEYWARDEN_URL", &server.url)
        .env("KEYWARDEN_TOKEN", token)
        .env_remove("KEYWARDEN_FINGERPRINT_KEY")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// The `status` of each finding of a JSON report, by line.
fn statuses(run: &Run) -> Vec<(u64, String, bool)> {
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["status"].as_str().unwrap_or("").to_owned(),
                f["baselined"].as_bool().unwrap_or(false),
            )
        })
        .collect()
}

#[test]
fn verify_marks_keys_and_a_live_key_fails_even_in_the_baseline() {
    use crate::server::{Db, Server, admin};
    let db = Db::sqlite();
    let server = Server::start(&db, &[]);
    let root = server.root_key().unwrap();
    // --verify needs only keys:verify.
    let made = admin(
        &db,
        &[
            "root-key",
            "create",
            "--permission",
            "keys:verify",
            "--json",
        ],
    );
    assert!(made.status.success());
    let verifier: Value = serde_json::from_slice(&made.stdout).unwrap();
    let verifier = verifier["key"].as_str().unwrap().to_owned();

    let live = server.cli_json(&root, &["key", "create", "--env", "live"]);
    let dead = server.cli_json(&root, &["key", "create", "--env", "live"]);
    let revoked = server.cli(&root, &["key", "revoke", dead["id"].as_str().unwrap()]);
    assert!(revoked.status.success());
    let (live_key, dead_key) = (
        live["key"].as_str().unwrap().to_owned(),
        dead["key"].as_str().unwrap().to_owned(),
    );
    // A well-formed key this deployment never issued.
    let foreign = keywarden_key(77);

    let repo = tempfile::tempdir().unwrap();
    init_repo(repo.path());
    std::fs::write(
        repo.path().join("settings.env"),
        format!("LIVE={live_key}\nDEAD={dead_key}\nOTHER={foreign}\nAGAIN={live_key}\n"),
    )
    .unwrap();

    // JSON: each finding's status, the repeated key asked about once.
    let run = scan_against(repo.path(), &server, &verifier, &["--verify", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        statuses(&run),
        [
            (1, "active".to_owned(), false),
            (2, "revoked".to_owned(), false),
            (3, "unknown".to_owned(), false),
            (4, "active".to_owned(), false),
        ]
    );
    assert!(
        run.stderr
            .contains("verified 3 keywarden keys at http://127.0.0.1:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(": 1 active"), "{}", run.stderr);
    assert!(!run.stdout.contains(&live_key) && !run.stderr.contains(&live_key));

    // Text and SARIF carry it too.
    let text = scan_against(repo.path(), &server, &verifier, &["--verify"]);
    assert!(
        text.stdout.contains("status: active (live: revoke it)"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("status: revoked\n"), "{}", text.stdout);
    assert!(text.stdout.contains("status: unknown\n"), "{}", text.stdout);
    let sarif = scan_against(
        repo.path(),
        &server,
        &verifier,
        &["--verify", "--format", "sarif"],
    );
    let doc: Value = serde_json::from_str(&sarif.stdout).unwrap();
    let props: Vec<&str> = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["properties"]["status"].as_str().unwrap())
        .collect();
    assert_eq!(props, ["active", "revoked", "unknown", "active"]);

    // Every finding in the baseline: clean without --verify; with it, the
    // live key fails the scan, marked as baselined; the dead ones stay hidden.
    let b = scan_against(
        repo.path(),
        &server,
        &verifier,
        &["--write-baseline", "b.json"],
    );
    assert_eq!(b.code, 0, "{}", b.stderr);
    let quiet = scan_against(repo.path(), &server, &verifier, &["--baseline", "b.json"]);
    assert_eq!(quiet.code, 0, "{}", quiet.stdout);
    let run = scan_against(
        repo.path(),
        &server,
        &verifier,
        &["--baseline", "b.json", "--verify", "--json"],
    );
    assert_eq!(
        run.code, 1,
        "a live key is never accepted risk: {}",
        run.stderr
    );
    assert_eq!(
        statuses(&run),
        [
            (1, "active".to_owned(), true),
            (4, "active".to_owned(), true)
        ]
    );
    assert!(run.stderr.contains("in the baseline"), "{}", run.stderr);
    let text = scan_against(
        repo.path(),
        &server,
        &verifier,
        &["--baseline", "b.json", "--verify"],
    );
    assert_eq!(text.code, 1);
    assert!(text.stdout.contains("live, baselined"), "{}", text.stdout);

    // --verify --revoke reports only the active key (once); the server
    // revokes it.
    let other = server.cli_json(&root, &["key", "create", "--env", "live"]);
    let run = keywarden()
        .current_dir(repo.path())
        .args(["scan", "--verify", "--revoke"])
        .env("KEYWARDEN_URL", &server.url)
        .env("KEYWARDEN_TOKEN", &verifier)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("reported 1 leaked keywarden key "), "{err}");
    let started = std::time::Instant::now();
    while server.verify(&root, &live_key) != "REVOKED" {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "the live key was not revoked"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(
        server.verify(&root, other["key"].as_str().unwrap()),
        "VALID",
        "a key not in the scan is untouched"
    );
    let shown = server.cli_json(&root, &["key", "show", dead["id"].as_str().unwrap()]);
    assert_ne!(
        shown["revoke_reason"], "leaked",
        "the dead key was not reported"
    );
    // Now that it is revoked, the baseline covers it again.
    let run = scan_against(
        repo.path(),
        &server,
        &verifier,
        &["--baseline", "b.json", "--verify"],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn verify_fails_loudly_when_the_server_cannot_answer() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("k.txt"), keywarden_key(6)).unwrap();
    let scan = |url: &str, token: Option<&str>| {
        let mut cmd = keywarden();
        cmd.current_dir(dir.path())
            .args(["scan", "--verify", "--json"])
            .env("KEYWARDEN_URL", url)
            .env_remove("KEYWARDEN_TOKEN");
        if let Some(t) = token {
            cmd.env("KEYWARDEN_TOKEN", t);
        }
        let out = cmd.output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };

    let (url, server) = one_shot_server("503 Service Unavailable", "");
    let (code, stdout, stderr) = scan(&url, Some("kw_root_x"));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("unavailable"), "{stderr}");
    assert!(stdout.is_empty(), "no report marks keys unknown: {stdout}");
    let (request_line, body) = server.join().unwrap();
    assert!(
        request_line.starts_with("POST /v1/leaks/check "),
        "{request_line}"
    );
    // A check, not a use: the key alone, to the endpoint that spends nothing.
    let sent: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(sent, serde_json::json!({"key": keywarden_key(6)}));

    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (code, stdout, stderr) = scan(&format!("http://127.0.0.1:{port}"), Some("kw_root_x"));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot reach the keywarden server"),
        "{stderr}"
    );
    assert!(stdout.is_empty());
    assert!(!stderr.contains(&keywarden_key(6)));

    let (code, _, stderr) = scan("http://127.0.0.1:9", None);
    assert_eq!(code, 2);
    assert!(stderr.contains("KEYWARDEN_TOKEN"), "{stderr}");
}

#[test]
fn export_rules_prints_each_format_and_validates_the_prefix() {
    let run = |args: &[&str]| {
        keywarden()
            .args(["scan", "export-rules"])
            .args(args)
            .env_remove("KEYWARDEN_URL")
            .output()
            .unwrap()
    };
    let out = run(&["--format", "gitleaks", "--prefix", "acme"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let doc: toml_like::Doc = toml_like::parse(&text);
    assert_eq!(doc.get("id"), Some("\"keywarden-acme-key\""));
    assert_eq!(doc.get("secretGroup"), Some("1"));
    // Betterleaks 2: no URL needed either; `valueGroup` and a filter, not
    // the `secretGroup` and `entropy` its strict reading refuses.
    let out = run(&["--format", "betterleaks", "--prefix", "acme"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let doc: toml_like::Doc = toml_like::parse(&text);
    assert_eq!(doc.get("id"), Some("\"keywarden-acme-key\""));
    assert_eq!(doc.get("valueGroup"), Some("1"));
    assert_eq!(doc.get("secretGroup"), None);
    assert_eq!(doc.get("entropy"), None);

    // The prefix is validated as `gen key` validates it.
    let bad = run(&["--format", "gitleaks", "--prefix", "Acme"]);
    assert_eq!(bad.status.code(), Some(2));
    let gen_bad = keywarden()
        .args(["gen", "key", "--prefix", "Acme"])
        .output()
        .unwrap();
    assert_eq!(gen_bad.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr),
        String::from_utf8_lossy(&gen_bad.stderr)
    );

    // TruffleHog and GitHub need the deployment's URL.
    let out = run(&["--format", "trufflehog", "--prefix", "acme"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("KEYWARDEN_URL"));
    let out = run(&[
        "--format",
        "trufflehog",
        "--prefix",
        "acme",
        "--url",
        "https://keys.example.com/",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("endpoint: \"https://keys.example.com/v1/verify/trufflehog\""),
        "{text}"
    );
    let out = run(&[
        "--format",
        "github",
        "--prefix",
        "acme",
        "--url",
        "http://keys.example.com",
    ]);
    assert_eq!(out.status.code(), Some(2), "GitHub wants https");
    let out = keywarden()
        .args([
            "scan",
            "export-rules",
            "--format",
            "github",
            "--prefix",
            "acme",
        ])
        .env("KEYWARDEN_URL", "https://keys.example.com")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("endpoint: https://keys.example.com/v1/leaks/github\n"));

    // The gitleaks export, used as a configuration, finds a minted key.
    let dir = tempfile::tempdir().unwrap();
    let rules = run(&["--format", "gitleaks", "--prefix", "acme"]).stdout;
    std::fs::write(dir.path().join("exported.toml"), rules).unwrap();
    let key = key::from_secret_bytes(&"acme".parse().unwrap(), &"prod".parse().unwrap(), &[9; 32]);
    std::fs::write(dir.path().join("a.env"), format!("K={}\n", key.expose())).unwrap();
    let found = scan_in(
        dir.path(),
        &["a.env", "--gitleaks-config", "exported.toml", "--json"],
    );
    assert_eq!(found.code, 1, "{}", found.stderr);
    assert!(!found.stderr.contains("warning"), "{}", found.stderr);
}

/// Hardening: TruffleHog sends the root key in the `Authorization` header
/// to the verification endpoint, so the export refuses an `http://` URL
/// anywhere but on this machine.
#[test]
fn export_rules_trufflehog_refuses_plain_http_off_loopback() {
    let run = |url: &str| {
        keywarden()
            .args([
                "scan",
                "export-rules",
                "--format",
                "trufflehog",
                "--prefix",
                "acme",
            ])
            .env("KEYWARDEN_URL", url)
            .output()
            .unwrap()
    };
    for url in [
        "http://keys.example.com",
        "http://10.0.0.5:8080",
        "http://localhost.example.com",
        "HTTP://Keys.Example.COM/",
    ] {
        let out = run(url);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{url}: {stderr}");
        assert!(out.stdout.is_empty(), "{url}");
        assert!(
            stderr.contains("https://") && stderr.contains("root key"),
            "{url}: {stderr}"
        );
    }
    for url in [
        "https://keys.example.com",
        "http://localhost:8080",
        "http://127.0.0.1:8080",
        "http://[::1]:8080",
    ] {
        let out = run(url);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{url}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let plain = url.starts_with("http://");
        assert!(text.contains(&format!("unsafe: {plain}")), "{url}: {text}");
    }
}

/// Just enough TOML reading for the test above: `key = value` lines.
mod toml_like {
    pub(super) struct Doc(Vec<(String, String)>);

    impl Doc {
        pub(super) fn get(&self, key: &str) -> Option<&str> {
            self.0
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        }
    }

    pub(super) fn parse(text: &str) -> Doc {
        Doc(text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once(" = "))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect())
    }
}

/// A deployment's root keys carry its prefix, so the rules it exports match
/// them; `scan --verify` marks a live one active and names it, `--revoke`
/// revokes it, and `admin root-key create` on the store stays a way in.
#[test]
fn a_leaked_root_key_is_found_verified_and_revoked() {
    use crate::server::{Db, Server, admin};
    let db = Db::sqlite();
    let server = Server::start(&db, &[("KEYWARDEN_PREFIX", "acme")]);
    let root = server.root_key().unwrap();
    assert!(root.starts_with("acme_root_"), "{root}");
    let made = admin(
        &db,
        &[
            "root-key",
            "create",
            "--permission",
            "keys:verify",
            "--prefix",
            "acme",
            "--json",
        ],
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let verifier: Value = serde_json::from_slice(&made.stdout).unwrap();
    let verifier = verifier["key"].as_str().unwrap().to_owned();
    assert!(verifier.starts_with("acme_root_"));

    // The exported rule matches the root key.
    let out = keywarden()
        .args([
            "scan",
            "export-rules",
            "--format",
            "gitleaks",
            "--prefix",
            "acme",
        ])
        .output()
        .unwrap();
    let rules = String::from_utf8(out.stdout).unwrap();
    let pattern = rules
        .lines()
        .find_map(|l| l.strip_prefix("regex = '''"))
        .and_then(|l| l.strip_suffix("'''"))
        .unwrap();
    assert!(
        regex::Regex::new(pattern)
            .unwrap()
            .is_match(&format!("ROOT={root}\n"))
    );

    let repo = tempfile::tempdir().unwrap();
    init_repo(repo.path());
    std::fs::write(repo.path().join("ops.env"), format!("ROOT={root}\n")).unwrap();
    let run = scan_against(repo.path(), &server, &verifier, &["--verify", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(statuses(&run), [(1, "active".to_owned(), false)]);
    assert!(run.stderr.contains("LIVE ROOT KEY"), "{}", run.stderr);
    assert!(run.stderr.contains("may: admin"), "{}", run.stderr);
    assert!(!run.stderr.contains(&root) && !run.stdout.contains(&root));

    let revoke = scan_against(repo.path(), &server, &verifier, &["--verify", "--revoke"]);
    assert_eq!(revoke.code, 1, "{}", revoke.stderr);
    assert!(
        revoke.stderr.contains("reported 1 leaked"),
        "{}",
        revoke.stderr
    );
    let refused = server.cli(&root, &["key", "list"]);
    assert!(!refused.status.success(), "the leaked root key still works");
    let run = scan_against(repo.path(), &server, &verifier, &["--verify", "--json"]);
    assert_eq!(statuses(&run), [(1, "revoked".to_owned(), false)]);

    // The operator's way in: a new root key made on the store.
    let made = admin(
        &db,
        &["root-key", "create", "--permission", "admin", "--json"],
    );
    let admin_key: Value = serde_json::from_slice(&made.stdout).unwrap();
    let listed = server.cli(admin_key["key"].as_str().unwrap(), &["key", "list"]);
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
}

/// A tar of one regular file, built by hand (the ustar header and its
/// checksum are all a tar needs).
fn tar_of(name: &str, data: &[u8]) -> Vec<u8> {
    let mut header = [0u8; 512];
    header[..name.len()].copy_from_slice(name.as_bytes());
    header[100..107].copy_from_slice(b"0000644");
    header[124..135].copy_from_slice(format!("{:011o}", data.len()).as_bytes());
    header[136..147].copy_from_slice(b"00000000000");
    header[156] = b'0';
    header[257..263].copy_from_slice(b"ustar\0");
    header[263..265].copy_from_slice(b"00");
    header[148..156].copy_from_slice(b"        ");
    let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
    header[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
    let mut tar = header.to_vec();
    tar.extend_from_slice(data);
    tar.resize(tar.len().div_ceil(512) * 512 + 1024, 0);
    tar
}

#[test]
fn archives_are_opened_and_their_warnings_said() {
    let dir = tempfile::tempdir().unwrap();
    let tok = github_token('A');
    let config = format!("github:\n  token: {tok}\n");
    std::fs::write(
        dir.path().join("bundle.tar"),
        tar_of("conf/config.yml", config.as_bytes()),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("broken.jar"),
        b"PK\x03\x04\x14\x00 cut short",
    )
    .unwrap();

    let run = scan_in(dir.path(), &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["findings"][0]["path"], "bundle.tar!conf/config.yml");
    assert_eq!(doc["findings"][0]["line"], 2);
    assert_eq!(doc["summary"]["archives"], 2);
    // A corrupt archive is a warning on standard error, even with --quiet:
    // no error, no exit 2.
    assert!(
        run.stderr
            .contains("warning: broken.jar: archive not read to the end:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("opened 2 archives"), "{}", run.stderr);
    let quiet = scan_in(dir.path(), &["--quiet"]);
    assert_eq!(quiet.code, 1);
    assert!(
        quiet.stderr.starts_with("warning: broken.jar: "),
        "{}",
        quiet.stderr
    );

    let run = scan_in(dir.path(), &["--format", "sarif"]);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "bundle.tar!conf/config.yml"
    );

    let run = scan_in(dir.path(), &["--no-archives"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert!(run.stderr.contains("skipped 2 binary"), "{}", run.stderr);

    // A repository's `archives = false`: checksum-verified keys only, said.
    std::fs::write(
        dir.path().join(".keywarden.toml"),
        "[scan]\narchives = false\n",
    )
    .unwrap();
    let run = scan_in(dir.path(), &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("archives = false"), "{}", run.stderr);
    let flag = scan_in(dir.path(), &["--no-archives", "--staged"]);
    assert_eq!(flag.code, 2, "{}", flag.stderr);
}
