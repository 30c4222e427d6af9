//! The vault pass: values the server holds, found by their digests under a
//! per-scan key, reported as findings of rule `vault:<label>`.

use std::path::Path;

use keywarden_scan::report::{self, OutputOptions};
use keywarden_scan::vault::{digest, tag, tag_key};
use keywarden_scan::{
    Baseline, Config, Finding, Progress, Scanner, Severity, VaultEntry, VaultIndex, scan_paths,
    scan_reader, scan_staged,
};
use serde_json::Value;

use crate::sources::{git, init_repo};

const KEY: [u8; 32] = [0x5a; 32];

/// The entries the server would send for `values` (label, value) under `key`.
fn entries(key: &[u8; 32], values: &[(&str, &str)]) -> Vec<VaultEntry> {
    values
        .iter()
        .map(|(label, value)| VaultEntry {
            label: (*label).to_owned(),
            length: value.len(),
            digest: digest(key, value.as_bytes()),
            tag: tag(&tag_key(key), value.as_bytes()),
        })
        .collect()
}

fn vault_scanner(values: &[(&str, &str)]) -> Scanner {
    let index = VaultIndex::new(KEY, entries(&KEY, values));
    Scanner::new(&Config::default()).unwrap().with_vault(index)
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// (path, rule, line, column, end column) of the vault findings.
fn vault_findings(findings: &[Finding]) -> Vec<(String, String, usize, usize, usize)> {
    let mut out: Vec<_> = findings
        .iter()
        .filter(|f| f.rule_id.starts_with("vault:"))
        .map(|f| {
            (
                f.path.clone(),
                f.rule_id.to_string(),
                f.line,
                f.column,
                f.end_column,
            )
        })
        .collect();
    out.sort();
    out
}

const DJANGO: &str = "Tr0ub4dor&3-horse";
const YAML: &str = "s3cr3t-v@lue!";
const PG: &str = "pa55-word-99";
const TOKEN: &str = "abc123def456ghi";
const PHRASE: &str = "correct horse battery staple";

const VALUES: &[(&str, &str)] = &[
    ("live/DJANGO_DB_PASSWORD", DJANGO),
    ("live/YAML_PASSWORD", YAML),
    ("live/PG_PASSWORD", PG),
    ("test/API_TOKEN", TOKEN),
    ("live/PASSPHRASE", PHRASE),
    // In the vault, in no file: no finding, no SARIF rule.
    ("live/UNUSED", "never-written-anywhere-42"),
];

fn tree(root: &Path) {
    write(
        root,
        "app/settings.py",
        "import os\n\nDATABASES = {\"default\": {\"PASSWORD\": \"Tr0ub4dor&3-horse\"}}\n",
    );
    write(
        root,
        "deploy/config.yaml",
        "db:\n  user: app\n  password: s3cr3t-v@lue!\n",
    );
    write(root, "db.txt", "url = postgres://app:pa55-word-99@db/x\n");
    write(root, ".env", "DEBUG=1\nAPI_TOKEN=abc123def456ghi\n");
    write(
        root,
        "notes.md",
        "# Notes\nThe phrase: \"correct horse battery staple\", said twice.\n",
    );
}

#[test]
fn vault_values_are_found_in_files_and_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    tree(root);
    let s = vault_scanner(VALUES);
    let report = scan_paths(&s, &[root.to_path_buf()], 2, &Progress::default()).unwrap();
    let p = |rel: &str| format!("{}/{rel}", root.display());
    assert_eq!(
        vault_findings(&report.findings),
        vec![
            (p(".env"), "vault:test/API_TOKEN".into(), 2, 11, 26),
            (
                p("app/settings.py"),
                "vault:live/DJANGO_DB_PASSWORD".into(),
                3,
                39,
                56
            ),
            (p("db.txt"), "vault:live/PG_PASSWORD".into(), 1, 22, 34),
            (
                p("deploy/config.yaml"),
                "vault:live/YAML_PASSWORD".into(),
                3,
                13,
                26
            ),
            (p("notes.md"), "vault:live/PASSPHRASE".into(), 2, 14, 42),
        ]
    );
    for f in report
        .findings
        .iter()
        .filter(|f| f.rule_id.starts_with("vault:"))
    {
        assert_eq!(f.severity, Severity::High);
        assert_eq!(&*f.description, "a value held in the keywarden vault");
        assert!(!f.verified_checksum);
        let value = VALUES
            .iter()
            .find(|(l, _)| f.rule_id.ends_with(l))
            .unwrap()
            .1;
        assert_eq!(f.secret.expose(), value);
        assert!(!f.fingerprint.is_empty());
        // One finding per span: no rule's finding of the same value beside it.
        assert!(
            !report.findings.iter().any(|o| o.path == f.path
                && o.line == f.line
                && o.column == f.column
                && o.rule_id != f.rule_id),
            "{f:?}"
        );
    }
    assert!(
        !report
            .findings
            .iter()
            .any(|f| &*f.rule_id == "vault:live/UNUSED")
    );

    // Text, JSON, SARIF: labels yes, values never.
    let mut text = Vec::new();
    report::write_text(&mut text, &report.findings, OutputOptions::default()).unwrap();
    let mut json = Vec::new();
    report::write_json(
        &mut json,
        &report.findings,
        &report.stats,
        OutputOptions::default(),
    )
    .unwrap();
    let mut sarif = Vec::new();
    report::write_sarif(
        &mut sarif,
        &report.findings,
        s.rules(),
        &report.stats,
        OutputOptions::default(),
    )
    .unwrap();
    for out in [&text, &json, &sarif] {
        let out = String::from_utf8(out.clone()).unwrap();
        assert!(out.contains("vault:live/DJANGO_DB_PASSWORD"), "{out}");
        for (_, value) in VALUES {
            assert!(!out.contains(value), "{value} shown in {out}");
        }
        // Not even JSON-escaped (`&` stays `&` in serde_json; checked anyway).
        assert!(!out.contains("Tr0ub4dor"), "{out}");
    }
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains(&format!(
            "{}:3:39: high [vault:live/DJANGO_DB_PASSWORD] a value held in the keywarden vault\n    secret: …\n",
            p("app/settings.py")
        )),
        "{text}"
    );
    // The passphrase is 28 characters: its ends show, as any secret's do.
    assert!(text.contains("secret: corr…aple"), "{text}");

    // SARIF: a descriptor for each label found, none for the others; every
    // result's ruleIndex names its rule; names unique.
    let doc: Value = serde_json::from_slice(&sarif).unwrap();
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let vault_rules: Vec<&str> = rules
        .iter()
        .filter_map(|r| r["id"].as_str())
        .filter(|id| id.starts_with("vault:"))
        .collect();
    assert_eq!(vault_rules.len(), 5, "{vault_rules:?}");
    assert!(!vault_rules.contains(&"vault:live/UNUSED"));
    assert_eq!(rules.len(), s.rules().len() - 1);
    let mut names = std::collections::HashSet::new();
    for r in rules {
        assert!(names.insert(r["name"].as_str().unwrap()), "{r}");
        assert_ne!(r["name"], r["id"]);
    }
    for result in run["results"].as_array().unwrap() {
        let i = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], result["ruleId"]);
    }
    let django = rules
        .iter()
        .find(|r| r["id"] == "vault:live/DJANGO_DB_PASSWORD")
        .unwrap();
    assert_eq!(django["name"], "VaultValueLiveDJANGODBPASSWORD");
    assert_eq!(django["defaultConfiguration"]["level"], "error");
    assert!(
        django["shortDescription"]["text"]
            .as_str()
            .unwrap()
            .contains("live/DJANGO_DB_PASSWORD")
    );

    // A baseline of these findings covers them on the next scan.
    let baseline = Baseline::from_findings(&report.findings, s.fingerprint_key());
    let again = scan_paths(&s, &[root.to_path_buf()], 1, &Progress::default()).unwrap();
    assert!(
        again
            .findings
            .iter()
            .filter(|f| f.rule_id.starts_with("vault:"))
            .all(|f| baseline.contains(f))
    );
}

#[test]
fn near_misses_are_not_reported() {
    let s = vault_scanner(VALUES);
    for text in [
        // One character changed.
        "PASSWORD = \"Tr0ub4dor&3-horsE\"\n",
        "password: s3cr3t-v@lue?\n",
        // Inside a longer token.
        "PASSWORD = \"xTr0ub4dor&3-horsex\"\n",
        "API_TOKEN=abc123def456ghix\n",
        "id = xabc123def456ghi\n",
        "url = postgres://app:pa55-word-999@db/x\n",
        // The passphrase unquoted and cut by white space is no candidate.
        "correct horse battery staple!\n",
    ] {
        let found = s.scan("x.txt", text.as_bytes());
        assert!(
            !found
                .iter()
                .any(|m| s.rules()[m.rule].id.starts_with("vault:")),
            "{text}: {found:?}"
        );
    }
}

#[test]
fn short_values_are_skipped_and_listed() {
    let index = VaultIndex::new(
        KEY,
        entries(
            &KEY,
            &[("live/PIN", "hunter2"), ("live/DB", "hunter2hunter2")],
        ),
    );
    assert_eq!(index.skipped_short(), ["live/PIN"]);
    assert_eq!(index.labels(), ["live/DB"]);
    let s = Scanner::new(&Config::default()).unwrap().with_vault(index);
    assert!(!s.rules().iter().any(|r| r.id == "vault:live/PIN"));
    let found = s.scan("x.txt", b"hunter2\npin = hunter2\nhunter2hunter2\n");
    let ids: Vec<&str> = found
        .iter()
        .map(|m| s.rules()[m.rule].id.as_str())
        .collect();
    assert_eq!(ids, ["vault:live/DB"]);
    assert_eq!(found[0].line, 3);
}

#[test]
fn two_labels_with_one_value_are_both_reported() {
    let s = vault_scanner(&[
        ("live/DB_PASSWORD", "same-value-9x"),
        ("staging/DB_PASSWORD", "same-value-9x"),
    ]);
    let found = s.scan("x.env", b"DB_PASSWORD=same-value-9x\n");
    let mut got: Vec<(&str, usize, usize)> = found
        .iter()
        .map(|m| (s.rules()[m.rule].id.as_str(), m.line, m.column))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("vault:live/DB_PASSWORD", 1, 13),
            ("vault:staging/DB_PASSWORD", 1, 13)
        ]
    );
    // Two findings, two fingerprints: a baseline entry covers one label.
    let a = s.finding(found[0].clone(), "x.env", None);
    let b = s.finding(found[1].clone(), "x.env", None);
    assert_ne!(a.fingerprint, b.fingerprint);
}

#[test]
fn a_digest_under_another_key_matches_nothing() {
    let other = [0x5b; 32];
    let index = VaultIndex::new(KEY, entries(&other, &[("live/DB", "hunter2hunter2")]));
    assert_eq!(index.labels(), ["live/DB"]);
    let s = Scanner::new(&Config::default()).unwrap().with_vault(index);
    assert!(s.scan("x.txt", b"DB=hunter2hunter2\n").is_empty());
    // The same value under the scan's key is found.
    let s = vault_scanner(&[("live/DB", "hunter2hunter2")]);
    assert_eq!(s.scan("x.txt", b"DB=hunter2hunter2\n").len(), 1);
}

#[test]
fn allowlists_and_inline_comments_apply() {
    let s = vault_scanner(&[("live/DB", "hunter2hunter2")]);
    let scanned = s.scan_counted(
        "x.py",
        b"a = 'hunter2hunter2'  # keywarden:allow test fixture\nb = 'hunter2hunter2'\n",
        false,
    );
    assert_eq!(scanned.matches.len(), 1);
    assert_eq!(scanned.matches[0].line, 2);
    assert_eq!(scanned.allowlisted, 1);
    let mut cfg = Config::default();
    cfg.allow_values = vec!["hunter2hunter2".into()];
    let index = VaultIndex::new(KEY, entries(&KEY, &[("live/DB", "hunter2hunter2")]));
    let s = Scanner::new(&cfg).unwrap().with_vault(index);
    let scanned = s.scan_counted("x.py", b"b = 'hunter2hunter2'\n", false);
    assert_eq!((scanned.matches.len(), scanned.allowlisted), (0, 1));
    // An ignore file keeps the file out: no vault finding there either.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".keywardenignore", "fixtures/\n");
    write(dir.path(), "fixtures/db.env", "DB=hunter2hunter2\n");
    write(dir.path(), "app.env", "DB=hunter2hunter2\n");
    let s = vault_scanner(&[("live/DB", "hunter2hunter2")]);
    let report = scan_paths(&s, &[dir.path().to_path_buf()], 1, &Progress::default()).unwrap();
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    assert!(report.findings[0].path.ends_with("app.env"));
}

#[test]
fn vault_rule_ids_are_reserved() {
    let cfg = Config::from_toml(
        "[[rules]]\nid = \"vault:live/X\"\nkeywords = [\"x\"]\nregex = \"x\"\n",
        Path::new(".keywarden.toml"),
    )
    .unwrap();
    let err = Scanner::new(&cfg).unwrap_err().to_string();
    assert!(err.contains("vault"), "{err}");
    // A second vault replaces the first's rules.
    let s = vault_scanner(&[("live/A", "aaaaaaaa-1")]).with_vault(VaultIndex::new(
        KEY,
        entries(&KEY, &[("live/B", "bbbbbbbb-2")]),
    ));
    let ids: Vec<&str> = s
        .rules()
        .iter()
        .map(|r| r.id.as_str())
        .filter(|id| id.starts_with("vault:"))
        .collect();
    assert_eq!(ids, ["vault:live/B"]);
    assert!(s.scan("x", b"aaaaaaaa-1").is_empty());
    assert_eq!(s.scan("x", b"bbbbbbbb-2").len(), 1);
}

#[test]
fn staged_changes_and_standard_input_are_searched() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    init_repo(root);
    write(root, "README", "hello\n");
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "first"]);
    write(
        root,
        "README",
        "hello\nDB_URL=postgres://app:pa55-word-99@db/x\n",
    );
    git(root, &["add", "README"]);
    let s = vault_scanner(VALUES);
    let staged = scan_staged(&s, root, &Progress::default()).unwrap();
    assert_eq!(
        vault_findings(&staged.findings),
        [(
            "README".to_owned(),
            "vault:live/PG_PASSWORD".to_owned(),
            2,
            23,
            35
        )]
    );

    let input = "line\n".repeat(10) + "  abc123def456ghi  \n";
    let report = scan_reader(&s, input.as_bytes(), "-", &Progress::default()).unwrap();
    assert_eq!(
        vault_findings(&report.findings),
        [("-".to_owned(), "vault:test/API_TOKEN".to_owned(), 11, 3, 18)]
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// A random value after `=`, after `: ` or inside quotes, amid random
    /// text, is always found at its place.
    #[test]
    fn embedded_values_are_found(
        bare in "[!#-&(-_a-~]{8,40}",
        quoted in "[ !#-~]{8,40}",
        before in proptest::collection::vec("[ -~]{0,30}", 0..4),
        after in proptest::collection::vec("[ -~]{0,30}", 0..4),
        noise in "[ -~]{0,20}",
        form in 0usize..4,
    ) {
        let value = if form == 3 { &quoted } else { &bare };
        let (head, tail) = match form {
            0 => (format!("{noise} SECRET_VALUE="), format!(" {noise}")),
            1 => (format!("{noise} secret_value: "), format!(" {noise}")),
            2 => (format!("{noise} x = '"), format!("' {noise}")),
            _ => (format!("{noise} x = \""), format!("\" {noise}")),
        };
        // A quoted value holds no quote of its own kind.
        proptest::prop_assume!(form != 2 || !value.contains('\''));
        let mut text = String::new();
        for line in &before {
            text.push_str(line);
            text.push('\n');
        }
        text.push_str(&head);
        let start = text.len();
        text.push_str(value);
        let end = text.len();
        text.push_str(&tail);
        for line in &after {
            text.push('\n');
            text.push_str(line);
        }
        let index = VaultIndex::new(KEY, entries(&KEY, &[("live/V", value)]));
        let hits = index.find(text.as_bytes());
        proptest::prop_assert!(
            hits.iter().any(|h| h.label == "live/V" && (h.start, h.end) == (start, end)),
            "{:?} in {:?}: {:?}", value, text, hits
        );
        for h in &hits {
            proptest::prop_assert_eq!(&text.as_bytes()[h.start..h.end], value.as_bytes());
        }
    }
}
