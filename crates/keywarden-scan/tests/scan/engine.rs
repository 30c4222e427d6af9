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
    let a = format!("sk_live_{}", g.alnum(30));
    let b = format!("sk_live_{}", g.alnum(30));
    let text = format!("x = '{a}'  # keywarden:allow (test fixture)\ny = '{b}'\n");
    let found = found_in(&s, "t.py", &text);
    assert_eq!(found, vec![("stripe-live-secret-key".to_owned(), b)]);
    // What it silenced is counted with the allowlists' suppressions.
    let scanned = s.scan_counted("t.py", text.as_bytes(), false);
    assert_eq!((scanned.matches.len(), scanned.allowlisted), (1, 1));
}

/// Hardening II (13): an inline `keywarden:allow` is the repository's word
/// like an allowlist: it never silences a checksum-verified key (keywarden,
/// GitHub, npm), on its own line or beside a secret it does silence, and
/// what it does silence is counted.
#[test]
fn inline_allow_never_silences_a_checksum_verified_key() {
    let s = scanner();
    let mut g = Gen::new(44);
    let kw = keywarden_key("kw", "live", 0x3c);
    let gh = checksummed("ghp_", &mut g);
    let npm = checksummed("npm_", &mut g);
    let stripe = format!("sk_live_{}", g.alnum(30));
    let text = format!(
        "KW = '{kw}'  # keywarden:allow\n\
         # keywarden:allow: test token {gh}\n\
         NPM = '{npm}'; STRIPE = '{stripe}'  // keywarden:allow\n"
    );
    let scanned = s.scan_counted("t.py", text.as_bytes(), false);
    let found: Vec<(String, usize, bool)> = scanned
        .matches
        .iter()
        .map(|m| (m.secret.expose().to_owned(), m.line, m.verified))
        .collect();
    assert_eq!(
        found,
        vec![(kw, 1, true), (gh, 2, true), (npm, 3, true)],
        "every verified key, the Stripe key silenced"
    );
    assert_eq!(scanned.allowlisted, 1, "the Stripe key");
}

/// Hardening II (13): `[scan] disable` cannot switch off a rule whose
/// findings are checksum-verified (a repository's `.keywarden.toml` would
/// hide every live key with it): the rule stays on and a warning says so.
/// Other rules are disabled as before.
#[test]
fn disable_cannot_switch_off_checksum_rules() {
    let mut g = Gen::new(45);
    let kw = keywarden_key("kw", "live", 0x4d);
    let gh = checksummed("ghp_", &mut g);
    let npm = checksummed("npm_", &mut g);
    let stripe = format!("sk_live_{}", g.alnum(30));
    let text = format!("KW={kw}\nGH={gh}\nNPM={npm}\nSTRIPE={stripe}\n");
    let cfg = config(
        "[scan]\ndisable = [\"keywarden-key\", \"github-pat\", \"npm-access-token\", \
         \"keywarden-key\", \"stripe-live-secret-key\"]\n",
    )
    .unwrap();
    let s = Scanner::new(&cfg).unwrap();
    let found = found_in(&s, "config/prod.env", &text);
    assert_eq!(
        found,
        vec![
            ("keywarden-key".to_owned(), kw),
            ("github-pat".to_owned(), gh),
            ("npm-access-token".to_owned(), npm),
        ]
    );
    let ids: Vec<&str> = s.rules().iter().map(|r| r.id.as_str()).collect();
    assert!(ids.contains(&"keywarden-key") && !ids.contains(&"stripe-live-secret-key"));
    let warnings = s.warnings();
    assert_eq!(warnings.len(), 3, "one per rule, named once: {warnings:?}");
    for (w, id) in warnings
        .iter()
        .zip(["keywarden-key", "github-pat", "npm-access-token"])
    {
        assert!(w.contains(id) && w.contains("stays on"), "{w}");
    }
    // Every checksum rule is one; no other is.
    let default = scanner();
    let checksum: Vec<&str> = default
        .rules()
        .iter()
        .filter(|r| r.checksum_verified())
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(
        checksum,
        [
            "keywarden-key",
            "github-pat",
            "github-oauth-token",
            "github-user-to-server-token",
            "github-server-to-server-token",
            "github-refresh-token",
            "npm-access-token"
        ]
    );
    assert!(default.warnings().is_empty());
}

/// Hardening II (13): [`Scanner::scan_verified`], what a file an ignore
/// file keeps out is searched with, finds exactly the checksum-verified
/// matches of a full scan.
#[test]
fn the_verified_pass_finds_what_the_full_scan_verifies() {
    let s = scanner();
    let mut g = Gen::new(46);
    let mut text = String::from("# settings\n");
    for i in 0..40u8 {
        match i % 4 {
            0 => text.push_str(&format!(
                "k{i} = \"{}\"\n",
                keywarden_key("acme", "test", i)
            )),
            1 => text.push_str(&format!("t{i} = '{}'\n", checksummed("gho_", &mut g))),
            2 => text.push_str(&format!(
                "s{i} = '{}'\n",
                format_args!("sk_live_{}", g.alnum(30))
            )),
            _ => text.push_str(&format!("db_password = \"{}\"\n", g.alnum(14))),
        }
    }
    let full: Vec<(usize, String)> = s
        .scan("a.py", text.as_bytes())
        .into_iter()
        .filter(|m| m.verified)
        .map(|m| (m.line, m.secret.expose().to_owned()))
        .collect();
    let verified: Vec<(usize, String)> = s
        .scan_verified("a.py", text.as_bytes())
        .into_iter()
        .map(|m| (m.line, m.secret.expose().to_owned()))
        .collect();
    assert_eq!(full.len(), 20);
    assert_eq!(verified, full);
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
    let (acme_by_regex, acme_by_value) = (g.hex(32), g.hex(32));
    let cfg = config(&format!(
        r#"
[scan]
max_file_size = 1000
min_entropy = 3.0
disable = ["stripe-live-secret-key"]

[allowlist]
paths = ["fixtures/**"]
regexes = ['^ghp_{}', '^{}']
values = ["{gh_allowed}", "{acme_by_value}"]

[[rules]]
id = "acme-token"
description = "ACME internal token"
severity = "critical"
keywords = ["acme_"]
regex = '\bacme_(?P<secret>[0-9a-f]{{32}})\b'
min_entropy = 2.5
"#,
        &gh[4..10],
        &acme_by_regex[..8]
    ))
    .unwrap();
    assert_eq!(cfg.max_file_size, 1000);
    let s = Scanner::new(&cfg).unwrap();
    let rule = s.rules().iter().find(|r| r.id == "acme-token").unwrap();
    assert_eq!(rule.severity, keywarden_scan::Severity::Critical);
    assert_eq!(s.max_file_size(), 1000);

    let text = format!(
        "a = 'acme_{acme}'\nb = '{gh}'\nc = '{gh_allowed}'\nd = '{stripe}'\n\
         e = 'acme_{acme_by_regex}'\nf = 'acme_{acme_by_value}'\n"
    );
    let found = found_in(&s, "src/app.py", &text);
    // The allowlists drop what they match, except checksum-verified tokens.
    let verified = vec![
        ("github-pat".to_owned(), gh),
        ("github-pat".to_owned(), gh_allowed),
    ];
    let mut expected = vec![("acme-token".to_owned(), acme)];
    expected.extend(verified.iter().cloned());
    assert_eq!(found, expected);
    assert_eq!(found_in(&s, "fixtures/keys/app.py", &text), verified);
    assert!(s.path_allowed("./fixtures/a.txt"));
    assert!(!s.path_allowed("src/fixtures.rs"));
}

/// A configuration text and a file of checksum-verified keys (keywarden,
/// GitHub, npm), a bad-checksum look-alike and a short password.
fn repository_allowlists() -> (Vec<Config>, String, Vec<String>) {
    let mut g = Gen::new(13);
    let kw = keywarden_key("kw", "live", 0x5a);
    let gh = checksummed("ghp_", &mut g);
    let npm = checksummed("npm_", &mut g);
    let mut lookalike = kw.clone();
    let last = if lookalike.ends_with('A') { "B" } else { "A" };
    lookalike.replace_range(lookalike.len() - 1.., last);
    let text = format!(
        "KW_KEY={kw}\nGH={gh}\nNPM={npm}\nOTHER={lookalike}\ndb_password = \"Tq8!vZr2#pL5\"\n"
    );
    let mut configs: Vec<Config> = [
        "[allowlist]\nregexes = [\".*\"]\n".to_owned(),
        "[allowlist]\npaths = [\"**\"]\n".to_owned(),
        format!("[allowlist]\nvalues = [\"{kw}\", \"{gh}\", \"{npm}\", \"Tq8!vZr2#pL5\"]\n"),
    ]
    .iter()
    .map(|t| config(t).unwrap())
    .collect();
    // An imported gitleaks configuration's global allowlists.
    for gitleaks in [
        "[allowlist]\nregexes = ['''.*''']\n",
        "[allowlist]\npaths = ['''.*''']\n",
        "[allowlist]\nregexTarget = \"line\"\nregexes = ['''.''']\n",
        "[allowlist]\nstopwords = [\"a\", \"e\", \"i\", \"o\", \"u\", \"1\", \"2\", \"5\", \"8\"]\n",
    ] {
        let mut c = Config::default();
        c.add_gitleaks(
            keywarden_scan::gitleaks::GitleaksConfig::from_toml(gitleaks, Path::new("g.toml"))
                .unwrap(),
        );
        configs.push(c);
    }
    (configs, text, vec![kw, gh, npm])
}

/// Hardening II (12): a repository's allowlists (`.keywarden.toml`'s
/// paths, regexes, values; a gitleaks configuration's) suppress what they
/// match, except a checksum-verified key, which only a baseline entry
/// covers. A bad-checksum look-alike is still no finding.
#[test]
fn allowlists_never_silence_checksum_verified_keys() {
    let (configs, text, verified) = repository_allowlists();
    assert_eq!(
        found_in(&scanner(), "config/prod.env", &text).len(),
        4,
        "without an allowlist: the three keys and the password"
    );
    for (i, cfg) in configs.iter().enumerate() {
        let s = Scanner::new(cfg).unwrap();
        let found = found_in(&s, "config/prod.env", &text);
        let secrets: Vec<&str> = found.iter().map(|(_, secret)| secret.as_str()).collect();
        assert_eq!(secrets, verified, "configuration {i}: {found:?}");
    }
}

/// Hardening II (12): what allowlists suppress is counted.
#[test]
fn allowlist_suppressions_are_counted() {
    let (configs, text, _) = repository_allowlists();
    for (i, cfg) in configs.iter().enumerate() {
        let s = Scanner::new(cfg).unwrap();
        let path = "config/prod.env";
        let scanned = s.scan_counted(path, text.as_bytes(), s.path_allowed(path));
        assert_eq!(scanned.matches.len(), 3, "configuration {i}");
        assert_eq!(scanned.allowlisted, 1, "configuration {i}: the password");
    }
    let clean = scanner().scan_counted("a.env", text.as_bytes(), false);
    assert_eq!((clean.matches.len(), clean.allowlisted), (4, 0));
}

#[test]
fn bad_configuration_is_a_clear_error() {
    for (toml, expect) in [
        ("[scan\n", "bad configuration"),
        ("[scan]\nmax_files = 3\n", "unknown field"),
        ("[scan]\nmin_entropy = 9.5\n", "min_entropy"),
        ("[scan]\nmax_file_size = 0\n", "max_file_size"),
        ("[scan]\nmax_archive_size = 0\n", "max_archive_size"),
        ("[scan]\narchives = \"no\"\n", "expected a boolean"),
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
    // The scheme: a short secret's line, without it.
    assert_eq!(
        a1,
        keywarden_scan::finding::line_fingerprint(
            &FingerprintKey::for_repository(root_a),
            "generic-secret",
            "app.py",
            "db_password = \"\""
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

/// Hardening II (11): a secret under 20 characters is fingerprinted by its
/// rule, path and line with the secret cut out, never by its value, so a
/// baseline or SARIF file cannot be used to guess a password offline. A
/// longer secret keeps its value fingerprint.
#[test]
fn short_secrets_are_fingerprinted_by_their_line_not_their_value() {
    let s = scanner_keyed(FingerprintKey::for_repository(
        "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
    ));
    let fp = |path: &str, text: &str| -> Vec<String> {
        s.scan(path, text.as_bytes())
            .into_iter()
            .map(|m| s.finding(m, path, None).fingerprint)
            .collect()
    };
    let url = |pw: &str, host: &str| format!("DATABASE_URL=postgres://app:{pw}@{host}:5432/app\n");
    let winter = fp(".env", &url("Winter2024!", "db.internal"));
    assert_eq!(winter.len(), 1, "the password rule finds it");
    // Another password on the same line of the same file: the same
    // fingerprint, so the fingerprint says nothing of the password.
    assert_eq!(winter, fp(".env", &url("Summer-2025", "db.internal")));
    // The line moved down, indented, or with CRLF endings: still the same.
    let moved = format!("# database\n\n  {}", url("Winter2024!", "db.internal"));
    assert_eq!(winter, fp(".env", &moved));
    assert_eq!(
        winter,
        fp(
            ".env",
            &url("Winter2024!", "db.internal").replace('\n', "\r\n")
        )
    );
    // Another path, or another rest of the line: another fingerprint.
    assert_ne!(winter, fp("prod.env", &url("Winter2024!", "db.internal")));
    assert_ne!(winter, fp(".env", &url("Winter2024!", "db2.internal")));
    // The generic rule too.
    let generic = |pw: &str| fp("app.py", &format!("db_password = \"{pw}\"\n"));
    assert_eq!(generic("Tq8!vZr2#pL5").len(), 1);
    assert_eq!(generic("Tq8!vZr2#pL5"), generic("Xw3$kNs7&bQ9"));
    // Two on one line: neither fingerprint depends on the other's value.
    let two = |a: &str, b: &str| {
        fp(
            "app.json",
            &format!(
                "{{\"db\": \"postgres://app:{a}@db.internal:5432/app\", \
                 \"cache\": \"redis://app:{b}@cache:6379/0\"}}\n"
            ),
        )
    };
    let both = two("Winter2024!", "Spring-2023");
    assert_eq!(both.len(), 2);
    assert_ne!(both[0], both[1]);
    assert_eq!(both, two("Summer-2025", "Autumn-2022"));
    // 20 characters or more: the value is fingerprinted, as before.
    let mut g = Gen::new(11);
    let (a, b) = (checksummed("ghp_", &mut g), checksummed("ghp_", &mut g));
    let token = |t: &str| fp("app.py", &format!("t = '{t}'\n"));
    assert_eq!(token(&a).len(), 1);
    assert_ne!(token(&a), token(&b));
    assert_eq!(
        token(&a),
        fp("app.py", &format!("\n\nother = '{a}'  # moved\n"))
    );
    let long_pw = |pw: &str| fp(".env", &url(pw, "db.internal"));
    assert_ne!(
        long_pw("Correct-Horse-Battery-1"),
        long_pw("Correct-Horse-Battery-2")
    );
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
    assert!(text.contains("\"keywarden_baseline\": 3"));

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

/// Hardening II (11), migration: a version 2 baseline (written before short
/// secrets were fingerprinted by their line) holds value fingerprints for
/// them. It is still read, its short entries still match (by their old
/// value fingerprint), and it says it is old, so the caller can tell the
/// user; a version 3 baseline never matches a value fingerprint of a short
/// secret.
#[test]
fn version_2_baselines_keep_covering_short_secrets() {
    use keywarden_scan::finding::value_fingerprint;
    let key = FingerprintKey::for_repository("4b825dc642cb6eb9a060e54bf8d69288fbee4904");
    let s = scanner_keyed(key.clone());
    let mut g = Gen::new(12);
    let token = checksummed("ghp_", &mut g);
    let text = format!(
        "DATABASE_URL=postgres://app:{}@db.internal:5432/app\nt = '{token}'\n",
        "Winter2024!"
    );
    let found: Vec<_> = s
        .scan(".env", text.as_bytes())
        .into_iter()
        .map(|m| s.finding(m, ".env", None))
        .collect();
    assert_eq!(found.len(), 2);
    let (short, long) = (&found[0], &found[1]);
    assert_eq!(short.secret.expose(), "Winter2024!");
    // What the previous version wrote for each: value fingerprints. The
    // long secret's is unchanged; the short one's is not its fingerprint now.
    let old = |f: &keywarden_scan::Finding| {
        value_fingerprint(&key, &f.rule_id, &f.path, f.secret.expose())
    };
    assert_eq!(old(long), long.fingerprint);
    assert_ne!(old(short), short.fingerprint);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.json");
    std::fs::write(
        &path,
        serde_json::json!({
            "keywarden_baseline": 2,
            "fingerprint_key": key.id(),
            "findings": [
                {"fingerprint": old(short), "rule": &*short.rule_id, "path": ".env"},
                {"fingerprint": old(long), "rule": &*long.rule_id, "path": ".env"},
            ],
        })
        .to_string(),
    )
    .unwrap();
    let v2 = Baseline::load(&path).unwrap();
    assert_eq!(v2.version(), 2);
    assert!(v2.holds_old_value_fingerprints());
    assert!(v2.matches_key(&key));
    assert!(v2.contains(long));
    assert!(!v2.contains(short));
    assert!(v2.contains_old_value(short, &key), "still covered");
    assert!(
        !v2.contains_old_value(long, &key),
        "covered by its fingerprint"
    );
    // Another password on that line is not the recorded value.
    let other = s.finding(
        s.scan(
            ".env",
            format!(
                "DATABASE_URL=postgres://app:{}@db.internal:5432/app\n",
                "Summer-2025"
            )
            .as_bytes(),
        )
        .remove(0),
        ".env",
        None,
    );
    assert!(!v2.contains(&other) && !v2.contains_old_value(&other, &key));

    // Recorded again: version 3, line fingerprints, no value fingerprint.
    Baseline::from_findings(&found, &key).save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"keywarden_baseline\": 3"), "{text}");
    assert!(!text.contains(&old(short)), "{text}");
    let v3 = Baseline::load(&path).unwrap();
    assert!(!v3.holds_old_value_fingerprints());
    assert!(v3.contains(short) && v3.contains(long));
    // A line fingerprint covers the line whatever password it holds.
    assert!(v3.contains(&other));
    let v3_with_old = serde_json::json!({
        "keywarden_baseline": 3,
        "findings": [{"fingerprint": old(short), "rule": &*short.rule_id, "path": ".env"}],
    });
    std::fs::write(&path, v3_with_old.to_string()).unwrap();
    let v3 = Baseline::load(&path).unwrap();
    assert!(!v3.contains(short) && !v3.contains_old_value(short, &key));
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
