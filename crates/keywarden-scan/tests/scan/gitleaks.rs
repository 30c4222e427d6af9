//! Importing a gitleaks configuration written in gitleaks' documented format
//! (tests/data/gitleaks/gitleaks.toml).

use std::path::Path;

use keywarden_scan::gitleaks::GitleaksConfig;
use keywarden_scan::{Config, Scanner};

use crate::{Gen, found_in};

fn fixture() -> GitleaksConfig {
    GitleaksConfig::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/gitleaks/gitleaks.toml"),
    )
    .unwrap()
}

#[test]
fn unsupported_fields_are_named_in_warnings() {
    let g = fixture();
    let w = g.warnings.join("\n");
    for expect in [
        "[extend] is not supported",
        "rule pkcs12-file: a rule without `regex`",
        "rule acme-session-secret: no keywords",
    ] {
        assert!(w.contains(expect), "{expect}: {w}");
    }
    assert_eq!(g.warnings.len(), 3, "{w}");
    // Allowlisted commits are read (history scans apply them).
    assert_eq!(
        g.allowlists[0].commits,
        ["8a2f1e9c4b7d3a6f0e5c2b8d9a1f4e7c3b6d0a2f"]
    );
    let ids: Vec<&str> = g.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "acme-service-token",
            "acme-deploy-key",
            "acme-session-secret",
            "github-pat"
        ]
    );
}

#[test]
fn imported_rules_and_allowlists_apply() {
    let mut config = Config::default();
    config.add_gitleaks(fixture());
    let s = Scanner::new(&config).unwrap();
    // A rule id that is a keywarden rule's is renamed, and said so.
    assert!(s.rules().iter().any(|r| r.id == "gitleaks:github-pat"));
    assert!(
        s.notes().iter().any(|n| n.contains("gitleaks:github-pat")),
        "{:?}",
        s.notes()
    );

    let mut g = Gen::new(5);
    let token = format!("acme_{}", g.hex(32));
    let found = |path: &str, text: &str| found_in(&s, path, text);
    // secretGroup: the secret is group 1; keywords are case-insensitive.
    assert_eq!(
        found("app.env", &format!("ACME_TOKEN={token}\n")),
        vec![("acme-service-token".to_owned(), token.clone())]
    );
    // The rule's allowlist (regex over the secret) and its entropy bar.
    assert!(
        found(
            "app.env",
            "acme_token = acme_00000000111122223333444455556666\n"
        )
        .is_empty()
    );
    assert!(
        found(
            "app.env",
            "acme_token = acme_abababababababababababababababab\n"
        )
        .is_empty()
    );
    // The global allowlist: paths, regexes, stopwords.
    assert!(found("vendor/lib/app.env", &format!("ACME_TOKEN={token}\n")).is_empty());
    assert!(
        found(
            "app.env",
            "acme_token: acme_0123456789abcdef0123456789EXAMPLE\n"
        )
        .is_empty()
    );
    // path: only CI definitions.
    let deploy = format!("ADK-{}", g.upper_alnum(20));
    assert_eq!(
        found(".ci/deploy.yml", &format!("key: {deploy}\n")).len(),
        1
    );
    assert!(found("src/deploy.yml", &format!("key: {deploy}\n")).is_empty());
    // No keywords: the regex runs over the whole file. Its AND allowlist
    // needs both the path and the stopword.
    let session = format!("sess:{}:{}", g.hex(24), g.hex(24));
    let text = format!("first line\nsecond {session}\n");
    assert_eq!(found("conf/app.txt", &text).len(), 1);
    assert_eq!(found("fixtures/app.txt", &text).len(), 1);
    let dead = format!("sess:deadbeef{}:{}", g.hex(16), g.hex(24));
    assert_eq!(found("conf/app.txt", &format!("{dead}\n")).len(), 1);
    assert!(found("fixtures/app.txt", &format!("{dead}\n")).is_empty());
}

#[test]
fn bad_gitleaks_configurations_are_clear_errors() {
    for (text, expect) in [
        ("[[rules]]\nregex = 'x'\n", "has no id"),
        (
            "[[rules]]\nid = 'a'\nregex = 'x'\nsecretGroup = -1\n",
            "secretGroup",
        ),
        ("[allowlist]\nregexes = ['(']\n", "bad regexes regex"),
        ("[allowlist]\nregexTarget = 'file'\n", "regexTarget"),
        ("rules = 3\n", "array of tables"),
    ] {
        let err = GitleaksConfig::from_toml(text, Path::new(".gitleaks.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(expect), "{text:?}: {err}");
    }
    // A regex the regex crate cannot read names its rule.
    let g = GitleaksConfig::from_toml(
        "[[rules]]\nid = 'bad'\nregex = '(?<!x)y'\nkeywords = ['y']\n",
        Path::new(".gitleaks.toml"),
    )
    .unwrap();
    let mut config = Config::default();
    config.add_gitleaks(g);
    let err = Scanner::new(&config).unwrap_err().to_string();
    assert!(err.contains("rule bad"), "{err}");
}

#[test]
fn allowlisted_commits_are_skipped_in_history_scans() {
    use keywarden_scan::{HistoryOptions, Progress, scan_history};

    use crate::sources::{git, init_repo};
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    init_repo(root);
    let mut g = Gen::new(31);
    let commit = |file: &str, text: String| -> String {
        std::fs::write(root.join(file), text).unwrap();
        git(root, &["add", "."]);
        git(root, &["commit", "-qm", file]);
        git(root, &["rev-parse", "HEAD"]).trim().to_owned()
    };
    let t1 = format!("acme_{}", g.hex(32));
    let t2 = format!("acme_{}", g.hex(32));
    let t3 = format!("acme_{}", g.hex(32));
    let c1 = commit("a.env", format!("ACME_TOKEN={t1}\n"));
    let c2 = commit("b.env", format!("ACME_TOKEN={t2}\n"));
    commit("c.env", format!("ACME_TOKEN={t3}\n"));
    let history = |toml: &str| -> Vec<String> {
        let mut config = Config::default();
        config.add_gitleaks(GitleaksConfig::from_toml(toml, Path::new("g.toml")).unwrap());
        let s = Scanner::new(&config).unwrap();
        let report = scan_history(
            &s,
            root,
            &HistoryOptions::default(),
            2,
            &Progress::default(),
        )
        .unwrap();
        let mut found: Vec<String> = report
            .findings
            .iter()
            .filter(|f| &*f.rule_id == "acme")
            .map(|f| f.secret.expose().to_owned())
            .collect();
        found.sort();
        found
    };
    let rule =
        "[[rules]]\nid = \"acme\"\nregex = '''acme_[0-9a-f]{32}'''\nkeywords = [\"acme_\"]\n";
    let mut all = vec![t1.clone(), t2.clone(), t3.clone()];
    all.sort();
    assert_eq!(history(rule), all);
    // A global allowlist: the commit (a full id, or a 7-digit prefix) is skipped.
    let global = format!(
        "{rule}[allowlist]\ncommits = [\"{c1}\", \"{}\"]\n",
        &c2[..7]
    );
    assert_eq!(history(&global), [t3.as_str()]);
    // A rule's allowlist: only that rule's findings in the commit go.
    let own = format!(
        "{rule}[rules.allowlist]\ncommits = [\"{}\"]\n",
        c2.to_uppercase()
    );
    let mut rest = vec![t1.clone(), t3.clone()];
    rest.sort();
    assert_eq!(history(&own), rest);
    // targetRules naming another rule leaves this one's findings.
    let other = format!("{rule}[[allowlists]]\ntargetRules = [\"other\"]\ncommits = [\"{c1}\"]\n");
    assert_eq!(history(&other), all);
    // AND with commits is not supported: a warning, and the allowlist unused.
    let and = format!(
        "{rule}[allowlist]\ncondition = \"AND\"\npaths = ['''a\\.env''']\ncommits = [\"{c1}\"]\n"
    );
    let parsed = GitleaksConfig::from_toml(&and, Path::new("g.toml")).unwrap();
    assert!(
        parsed.warnings.iter().any(|w| w.contains("AND")),
        "{:?}",
        parsed.warnings
    );
    assert_eq!(history(&and), all);
    // Not a commit id: an error.
    let bad = format!("{rule}[allowlist]\ncommits = [\"abc\"]\n");
    assert!(GitleaksConfig::from_toml(&bad, Path::new("g.toml")).is_err());
}

/// Hardening II (12): a commit a gitleaks allowlist lists is still scanned
/// for checksum-verified keys; only the other findings in it go.
#[test]
fn allowlisted_commits_keep_checksum_verified_keys() {
    use keywarden_scan::{HistoryOptions, Progress, scan_history};

    use crate::sources::{git, init_repo};
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    init_repo(root);
    let mut g = Gen::new(32);
    let acme = format!("acme_{}", g.hex(32));
    let gh = crate::checksummed("ghp_", &mut g);
    std::fs::write(root.join("a.txt"), format!("ACME_TOKEN={acme}\nGH={gh}\n")).unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "a"]);
    let c1 = git(root, &["rev-parse", "HEAD"]).trim().to_owned();
    let rule =
        "[[rules]]\nid = \"acme\"\nregex = '''acme_[0-9a-f]{32}'''\nkeywords = [\"acme_\"]\n";
    for toml in [
        format!("{rule}[allowlist]\ncommits = [\"{c1}\"]\n"),
        format!(
            "{rule}[[allowlists]]\ntargetRules = [\"acme\", \"github-pat\"]\ncommits = [\"{c1}\"]\n"
        ),
    ] {
        let mut config = Config::default();
        config.add_gitleaks(GitleaksConfig::from_toml(&toml, Path::new("g.toml")).unwrap());
        let s = Scanner::new(&config).unwrap();
        let report = scan_history(
            &s,
            root,
            &HistoryOptions::default(),
            2,
            &Progress::default(),
        )
        .unwrap();
        let found: Vec<(&str, &str)> = report
            .findings
            .iter()
            .map(|f| (&*f.rule_id, f.secret.expose()))
            .collect();
        assert_eq!(found, vec![("github-pat", gh.as_str())], "{toml}");
    }
}
