//! The engine: positions, de-duplication, inline allows, long lines,
//! configuration (custom rules, allowlists), fingerprints, redaction and
//! baselines.

use std::path::Path;

use keywarden_scan::{Baseline, Config, FingerprintKey, ScanError, Scanner, Secret};

use crate::{Gen, checksummed, found_in, keywarden_key, scanner};

fn config(toml: &str) -> Result<Config, ScanError> {
    Config::from_toml(toml, Path::new(".keywarden.toml"))
}

#[test]
fn lines_and_columns_count_characters() {
    let s = scanner();
    let mut g = Gen::new(1);
    let tok = format!("sk_live_{}", g.alnum(30));
    let text = format!("first line\n\nhéllo wörld = \"{tok}\"\n");
    let m = s.scan("a.py", text.as_bytes());
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].line, 3);
    // `héllo wörld = "` is 15 characters (17 bytes).
    assert_eq!(m[0].column, 16);
    assert_eq!(m[0].end_column, 16 + tok.len());
}

#[test]
fn many_findings_in_order_with_lines() {
    let s = scanner();
    let mut g = Gen::new(2);
    let mut text = String::new();
    let mut expected = Vec::new();
    for i in 0..50 {
        if i % 5 == 0 {
            let t = checksummed("ghp_", &mut g);
            text.push_str(&format!("token_{i} = '{t}'\n"));
            expected.push(i + 1);
        } else {
            text.push_str("nothing to see here, token = none\n");
        }
    }
    let lines: Vec<usize> = s
        .scan("x", text.as_bytes())
        .iter()
        .map(|m| m.line)
        .collect();
    assert_eq!(lines, expected);
}

#[test]
fn one_finding_per_span_specific_beats_generic() {
    let s = scanner();
    let mut g = Gen::new(3);
    let stripe = format!("sk_live_{}", g.alnum(30));
    let found = found_in(&s, ".env", &format!("STRIPE_SECRET_KEY={stripe}\n"));
    assert_eq!(found, vec![("stripe-live-secret-key".to_owned(), stripe)]);

    let key = keywarden_key("kw", "root", 5);
    let found = found_in(&s, ".env", &format!("KEYWARDEN_TOKEN=\"{key}\"\n"));
    assert_eq!(found, vec![("keywarden-key".to_owned(), key)]);
}

#[test]
fn inline_allow_comment_silences_its_line_only() {
    let s = scanner();
    let mut g = Gen::new(4);
    let a = checksummed("ghp_", &mut g);
    let b = checksummed("ghp_", &mut g);
    let text = format!("x = '{a}'  # keywarden:allow (test fixture)\ny = '{b}'\n");
    let found = found_in(&s, "t.py", &text);
    assert_eq!(found, vec![("github-pat".to_owned(), b)]);
}

#[test]
fn long_minified_lines_are_scanned_in_windows() {
    let s = scanner();
    let mut g = Gen::new(5);
    let tok = checksummed("ghp_", &mut g);
    let mut line = "var a=1;".repeat(25_000);
    let at = line.len();
    line.push_str(&format!("t=\"{tok}\";"));
    line.push_str(&"var b=2;".repeat(25_000));
    let m = s.scan("app.min.js", line.as_bytes());
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].line, 1);
    assert_eq!(m[0].column, at + 4);
    assert_eq!(m[0].secret.expose(), tok);
}

#[test]
fn tokens_near_a_window_edge_are_found_whole() {
    let s = scanner();
    let mut g = Gen::new(55);
    let a = checksummed("ghp_", &mut g);
    let b = checksummed("ghp_", &mut g);
    for gap in [4000, 4020, 4030, 4050, 4080, 4096, 5000, 8100] {
        let mut line = "x".repeat(10_000);
        line.push_str(&format!(" {a} "));
        line.push_str(&"y".repeat(gap));
        line.push_str(&format!(" {b} "));
        line.push_str(&"z".repeat(10_000));
        let found: Vec<String> = s
            .scan("min.js", line.as_bytes())
            .into_iter()
            .map(|m| m.secret.expose().to_owned())
            .collect();
        assert_eq!(found, vec![a.clone(), b.clone()], "gap {gap}");
    }
}

#[test]
fn every_value_of_a_kubernetes_secret_is_reported() {
    let s = crate::scanner();
    let mut g = crate::Gen::new(41);
    let (a, b, c, d) = (g.b64(24), g.b64(32), g.alnum(20), g.b64(28));
    let found = |text: &str| -> Vec<String> {
        crate::found_in(&s, "k8s/secret.yaml", text)
            .into_iter()
            .filter(|(rule, _)| rule == "kubernetes-secret")
            .map(|(_, secret)| secret)
            .collect()
    };
    // kind first; a comment, a short value and a quoted value in the block;
    // the next top-level key ends it.
    let manifest = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  \
         username: {a}\n  # the password\n  password: \"{b}\"\n  port: MTIz\n  token: {d}\n\
         immutable: true\nextra:\n  other: {c}\n"
    );
    assert_eq!(found(&manifest), [a.clone(), b.clone(), d.clone()]);
    // kind after the data block, CRLF line ends, stringData.
    let manifest = format!(
        "apiVersion: v1\r\nstringData:\r\n  DB_USER: {c}\r\n  DB_PASSWORD: {a}\r\nkind: Secret\r\n"
    );
    assert_eq!(found(&manifest), [c.clone(), a.clone()]);
    // Two Secrets in one file: each block in full.
    let two = format!(
        "kind: Secret\ndata:\n  a: {a}\n  b: {b}\n---\nkind: Secret\ndata:\n  c: {d}\n  e: {c}\n"
    );
    assert_eq!(found(&two), [a.clone(), b.clone(), d.clone(), c.clone()]);
    // A ConfigMap's data is no Secret.
    let config_map = format!("kind: ConfigMap\ndata:\n  a: {a}\n  b: {b}\n");
    assert!(found(&config_map).is_empty());
}

#[test]
fn private_key_reported_at_its_first_line() {
    let s = scanner();
    let mut g = Gen::new(6);
    let mut text = String::from("# deploy key\n\n");
    text.push_str("-----BEGIN OPENSSH PRIVATE KEY-----\n");
    for _ in 0..5 {
        text.push_str(&g.b64(70));
        text.push('\n');
    }
    text.push_str("-----END OPENSSH PRIVATE KEY-----\n");
    let m = s.scan("id", text.as_bytes());
    assert_eq!(m.len(), 1);
    assert_eq!((m[0].line, m[0].column), (3, 1));
    // Redacted, a key block shows only its armour header.
    assert_eq!(
        m[0].secret.redacted(),
        "-----BEGIN OPENSSH PRIVATE KEY-----…"
    );
}

#[test]
fn custom_rules_allowlists_and_disabled_rules() {
    let mut g = Gen::new(7);
    let acme = g.hex(32);
    let gh = checksummed("ghp_", &mut g);
    let gh_allowed = checksummed("ghp_", &mut g);
    let stripe = format!("sk_live_{}", g.alnum(30));
    let cfg = config(&format!(
        r#"
[scan]
max_file_size = 1000
min_entropy = 3.0
disable = ["stripe-live-secret-key"]

[allowlist]
paths = ["fixtures/**"]
regexes = ['^ghp_{}']
values = ["{gh_allowed}"]

[[rules]]
id = "acme-token"
description = "ACME internal token"
severity = "critical"
keywords = ["acme_"]
regex = '\bacme_(?P<secret>[0-9a-f]{{32}})\b'
min_entropy = 2.5
"#,
        &gh[4..10]
    ))
    .unwrap();
    assert_eq!(cfg.max_file_size, 1000);
    let s = Scanner::new(&cfg).unwrap();
    let rule = s.rules().iter().find(|r| r.id == "acme-token").unwrap();
    assert_eq!(rule.severity, keywarden_scan::Severity::Critical);
    assert_eq!(s.max_file_size(), 1000);

    let text = format!("a = 'acme_{acme}'\nb = '{gh}'\nc = '{gh_allowed}'\nd = '{stripe}'\n");
    let found = found_in(&s, "src/app.py", &text);
    assert_eq!(found, vec![("acme-token".to_owned(), acme)]);
    assert!(found_in(&s, "fixtures/keys/app.py", &text).is_empty());
    assert!(s.path_allowed("./fixtures/a.txt"));
    assert!(!s.path_allowed("src/fixtures.rs"));
}

#[test]
fn bad_configuration_is_a_clear_error() {
    for (toml, expect) in [
        ("[scan\n", "bad configuration"),
        ("[scan]\nmax_files = 3\n", "unknown field"),
        ("[scan]\nmin_entropy = 9.5\n", "min_entropy"),
        ("[scan]\nmax_file_size = 0\n", "max_file_size"),
        (
            "[[rules]]\nid = \"x\"\nkeywords = []\nregex = \"x\"\n",
            "keyword",
        ),
        (
            "[[rules]]\nid = \"x\"\nkeywords = [\"x\"]\nregex = \"(\"\n",
            "bad regex",
        ),
        (
            "[[rules]]\nid = \"jwt\"\nkeywords = [\"x\"]\nregex = \"x\"\n",
            "already exists",
        ),
        ("[scan]\ndisable = [\"no-such-rule\"]\n", "no built-in rule"),
        ("[allowlist]\nregexes = [\"(\"]\n", "bad regex"),
        ("[allowlist]\npaths = [\"a/[\"]\n", "bad glob"),
        (
            "[[rules]]\nid = \"x\"\nseverity = \"urgent\"\nkeywords = [\"x\"]\nregex = \"x\"\n",
            "unknown variant",
        ),
    ] {
        let err = match config(toml) {
            Err(e) => e.to_string(),
            Ok(cfg) => Scanner::new(&cfg).unwrap_err().to_string(),
        };
        assert!(err.contains(expect), "{toml:?}: {err}");
    }
}

#[test]
fn fingerprints_ignore_the_line_but_not_the_path() {
    let s = scanner();
    let mut g = Gen::new(8);
    let tok = checksummed("ghp_", &mut g);
    let a = s.scan("a.py", format!("t = '{tok}'\n").as_bytes());
    let b = s.scan("a.py", format!("\n\n\nt = '{tok}'\n").as_bytes());
    let fa = s.finding(a[0].clone(), "a.py", None);
    let fb = s.finding(b[0].clone(), "a.py", None);
    let fc = s.finding(b[0].clone(), "b.py", None);
    assert_eq!(fa.fingerprint, fb.fingerprint);
    assert_ne!(fa.fingerprint, fc.fingerprint);
    assert_eq!(fa.fingerprint.len(), 32);
    assert!(!fa.fingerprint.contains(&tok[4..12]));
}

fn scanner_keyed(key: FingerprintKey) -> Scanner {
    let mut cfg = Config::default();
    cfg.fingerprint_key = key;
    Scanner::new(&cfg).unwrap()
}

/// Hardening: fingerprints are keyed by the repository (its root commit)
/// and stretched, so they are stable across runs and machines for one
/// repository, differ between repositories and keys, and are not the
/// unsalted hash that let weak secrets be guessed offline.
#[test]
fn fingerprints_are_keyed_by_repository_and_stable() {
    let text = "db_password = \"Tq8!vZr2#pL5\"\n";
    let fp = |key: FingerprintKey| {
        let s = scanner_keyed(key);
        let m = s.scan("app.py", text.as_bytes());
        assert_eq!(m.len(), 1, "the generic rule finds the password");
        s.finding(m[0].clone(), "app.py", None).fingerprint
    };
    let root_a = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
    let root_b = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391";
    let a1 = fp(FingerprintKey::for_repository(root_a));
    // A second run (a new scanner, as on another machine): the same value.
    let a2 = fp(FingerprintKey::for_repository(root_a));
    assert_eq!(a1, a2);
    // Known-answer: the scheme is stable across releases and platforms.
    assert_eq!(
        a1,
        keywarden_scan::finding::fingerprint(
            &FingerprintKey::for_repository(root_a),
            "generic-secret",
            "app.py",
            "Tq8!vZr2#pL5"
        )
    );
    let b = fp(FingerprintKey::for_repository(root_b));
    let none = fp(FingerprintKey::default());
    let secret_key = fp(FingerprintKey::for_repository(root_a).with_secret(b"ci-only key"));
    let all = [&a1, &b, &none, &secret_key];
    for (i, x) in all.iter().enumerate() {
        for y in &all[i + 1..] {
            assert_ne!(x, y);
        }
    }
    // Not the old unsalted SHA-256 of (version, rule, path, secret).
    use sha2::Digest as _;
    let mut h = sha2::Sha256::new();
    for part in [
        "keywarden-scan/v1",
        "generic-secret",
        "app.py",
        "Tq8!vZr2#pL5",
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    let old: String = h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(all.iter().all(|f| **f != old));
    // The key's public id differs per repository and holds no commit id.
    let id = FingerprintKey::for_repository(root_a).id();
    assert_ne!(id, FingerprintKey::for_repository(root_b).id());
    assert!(!root_a.contains(&id));
}

/// Hardening: a secret under 20 characters shows none of its characters.
#[test]
fn short_secrets_are_fully_redacted() {
    for short in ["hunter2", "Tq8!vZr2#pL5", "p@ssw0rd-p@ssw0rd1"] {
        assert!(short.chars().count() < 20);
        assert_eq!(Secret::new(short.into()).redacted(), "…");
        assert_eq!(format!("{}", Secret::new(short.into())), "…");
        assert_eq!(format!("{:?}", Secret::new(short.into())), "Secret(…)");
    }
    let s = scanner();
    let m = s.scan("app.py", b"db_password = \"Tq8!vZr2#pL5\"\n");
    let f = s.finding(m[0].clone(), "app.py", None);
    assert_eq!(f.secret.redacted(), "…");
    assert_eq!(Secret::new("a".repeat(19)).redacted(), "…");
    let twenty = "abcdEFGH12345678wxyz";
    assert_eq!(Secret::new(twenty.into()).redacted(), "abcd…wxyz");
}

#[test]
fn secrets_never_print_whole() {
    let s = scanner();
    let mut g = Gen::new(9);
    let tok = checksummed("ghp_", &mut g);
    let m = s.scan("a.py", format!("t = '{tok}'\n").as_bytes());
    let f = s.finding(m[0].clone(), "a.py", None);
    for shown in [
        format!("{f:?}"),
        format!("{}", f.secret),
        f.secret.redacted(),
    ] {
        assert!(!shown.contains(&tok), "{shown}");
        assert!(!shown.contains(&tok[8..30]), "{shown}");
    }
    assert_eq!(
        f.secret.redacted(),
        format!("ghp_…{}", &tok[tok.len() - 4..])
    );
}

#[test]
fn baseline_round_trip() {
    let s = scanner();
    let mut g = Gen::new(10);
    let old = checksummed("ghp_", &mut g);
    let new = checksummed("ghp_", &mut g);
    let first: Vec<_> = s
        .scan("a.py", format!("t = '{old}'\n").as_bytes())
        .into_iter()
        .map(|m| s.finding(m, "a.py", None))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("baseline.json");
    Baseline::from_findings(&first, s.fingerprint_key())
        .save(&path)
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(&old), "a baseline holds no secret");
    assert!(text.contains("\"keywarden_baseline\": 2"));

    let b = Baseline::load(&path).unwrap();
    assert!(b.matches_key(s.fingerprint_key()));
    assert!(!b.matches_key(&FingerprintKey::for_repository("0123abcd")));
    assert_eq!(b.len(), 1);
    let later: Vec<_> = s
        .scan(
            "a.py",
            format!("x = 1\nt = '{old}'\nu = '{new}'\n").as_bytes(),
        )
        .into_iter()
        .map(|m| s.finding(m, "a.py", None))
        .collect();
    let fresh: Vec<_> = later.iter().filter(|f| !b.contains(f)).collect();
    assert_eq!(fresh.len(), 1);
    assert_eq!(fresh[0].secret.expose(), new);

    // A baseline of the unsalted v1 fingerprints says what to do.
    std::fs::write(
        &path,
        "{\"keywarden_baseline\": 1, \"findings\": [{\"fingerprint\": \"00\", \"rule\": \"jwt\", \"path\": \"a\"}]}",
    )
    .unwrap();
    let err = Baseline::load(&path).unwrap_err().to_string();
    assert!(
        err.contains("no longer") && err.contains("--write-baseline"),
        "{err}"
    );
    std::fs::write(&path, "{\"keywarden_baseline\": 9, \"findings\": []}").unwrap();
    let err = Baseline::load(&path).unwrap_err().to_string();
    assert!(err.contains("version 9"), "{err}");
    std::fs::write(&path, "not json").unwrap();
    assert!(
        Baseline::load(&path)
            .unwrap_err()
            .to_string()
            .contains("not a baseline")
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// Any bytes, with a real token spliced in somewhere: no panic, the
    /// token is found, and every match lies inside the input.
    #[test]
    fn any_input_never_panics_and_matches_are_inside(
        mut data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4096),
        at in 0usize..4096,
        seed in 1u64..u64::MAX,
    ) {
        static SCANNER: std::sync::OnceLock<Scanner> = std::sync::OnceLock::new();
        let s = SCANNER.get_or_init(scanner);
        for m in s.scan("x.env", &data) {
            proptest::prop_assert!(m.line >= 1 && m.column >= 1);
            proptest::prop_assert!(!m.secret.expose().is_empty());
        }
        let tok = checksummed("ghp_", &mut Gen::new(seed));
        let at = at.min(data.len());
        let spliced: Vec<u8> = [&data[..at], b"\n'", tok.as_bytes(), b"'\n", &data[at..]].concat();
        data = spliced;
        let found = s.scan("x.env", &data);
        proptest::prop_assert!(found.iter().any(|m| m.secret.expose() == tok), "{:?}", found);
        let lines = data.iter().filter(|&&b| b == b'\n').count() + 1;
        for m in &found {
            proptest::prop_assert!(m.line <= lines);
        }
    }
}
