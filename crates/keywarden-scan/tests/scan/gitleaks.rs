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
        "`commits` is not supported",
        "rule acme-session-secret: no keywords",
    ] {
        assert!(w.contains(expect), "{expect}: {w}");
    }
    assert_eq!(g.warnings.len(), 4, "{w}");
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
