//! Importing a Betterleaks 2 configuration: `valueGroup`, `filter`
//! (evaluated, or the rule skipped), `skipReport` and `components`
//! (composite rules), `confidence`, the global `filter` and `prefilter`,
//! Go-only regex syntax, and a regex past the size limit. With the real
//! Betterleaks installed, its own default configuration (465 rules) loads
//! and finds what Betterleaks finds, and nothing it does not.

use std::path::Path;

use keywarden_scan::finding::Severity;
use keywarden_scan::gitleaks::{GitleaksConfig, go_regex};
use keywarden_scan::{Config, Scanner};

use crate::{Gen, found_in};

fn scanner_of(toml: &str) -> (Scanner, Vec<String>) {
    let g = GitleaksConfig::from_toml(toml, Path::new("betterleaks.toml")).unwrap();
    let mut warnings = g.warnings.clone();
    let mut config = Config::default();
    config.add_gitleaks(g);
    let s = Scanner::new(&config).unwrap();
    warnings.extend(s.warnings().iter().cloned());
    (s, warnings)
}

#[test]
fn go_regexes_read_as_re2_reads_them() {
    for (go, rust) in [
        (r"^\$(?:\d+|{\d+})$", r"^\$(?:\d+|\{\d+})$"),
        (r"\{\{[^}]+}}|{{ x }}", r"\{\{[^}]+}}|\{\{ x }}"),
        (r"a{2}b{1,}c{1,3}", r"a{2}b{1,}c{1,3}"),
        (r"[{]x{[^]{]", r"[{]x\{[^]{]"),
        (r"[[:alpha:]{]{", r"[[:alpha:]{]\{"),
        (r"é{x", r"é\{x"),
    ] {
        assert_eq!(go_regex(go), rust, "{go}");
        regex::Regex::new(&go_regex(go)).unwrap();
    }
}

/// A configuration in Betterleaks 2's shape (written for this test).
const CONFIG: &str = r#"
title = "test"
minVersion = "v2.0.0"
prefilter = '''
matchesAny(attributes["path"], [`(?:^|/)node_modules(?:/.*)?$`])
'''
filter = '''
containsAny(finding["secret"], ["example"]) || matchesAny(finding["secret"], [`^\${(?:[A-Z_]+)}$`])
'''

[[rules]]
id = "acme-key"
description = "ACME key"
regex = '''(?i)acme[_-]?key\s*[:=]\s*["']?(ak_\w{24})\b'''
keywords = ["acme"]
confidence = "medium"
filter = '''
entropy(finding["secret"]) <= 3.5 // a placeholder
'''
validate = '''
http.get("https://acme.example/v1/me", {"Authorization": "Bearer " + finding["secret"]}).status == 200
'''

[[rules]]
id = "acme-db-uri"
description = "ACME database URI"
regex = '''\b(acmedb)://(\w+):([^@\s]{6,})@([\w.-]+)'''
valueGroup = 3
keywords = ["acmedb://"]

[[rules]]
id = "zed-client-id"
description = "Zed client id"
regex = '''\b(ZED_ID_[A-Z0-9]{12})\b'''
keywords = ["zed_id_"]
skipReport = true

[[rules]]
id = "zed-client-secret"
description = "Zed client secret"
regex = '''\b(ZED_SECRET_[A-Za-z0-9]{32})\b'''
keywords = ["zed_secret_"]
confidence = "high"
components = [
  { id = "zed-client-id", within = "3L" },
  { id = "zed-region", optional = true },
]

[[rules]]
id = "natural-words"
description = "needs a tokenizer"
regex = '''word_([a-z]{20})'''
keywords = ["word_"]
filter = '''
entropy(finding["secret"]) < 3.0 || tokenRatio(finding["secret"]) >= 2.5
'''

[[rules]]
id = "needs-words"
description = "composite over a skipped rule"
regex = '''need_([a-z]{20})'''
keywords = ["need_"]
components = [{ id = "natural-words" }]

[[rules]]
id = "huge"
description = "a regex past the size limit"
regex = '''huge_(?:\w{1,300}){300}'''
keywords = ["huge_"]
"#;

#[test]
fn a_betterleaks_configuration_imports_and_applies() {
    let (s, warnings) = scanner_of(CONFIG);
    let w = warnings.join("\n");
    for expect in [
        "`validate` (1 rules: acme-key) was ignored",
        "1 rules were skipped because their `filter` uses what keywarden cannot evaluate",
        "tokenRatio() (1: natural-words)",
        "1 rules have skipReport = true",
        "composite rules were skipped: a component rule they require is missing or was skipped (needs-words)",
        "their regex compiles past the size limit (huge)",
    ] {
        assert!(w.contains(expect), "{expect}\n{w}");
    }
    let ids: Vec<&str> = s
        .rules()
        .iter()
        .filter(|r| r.imported)
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "acme-key",
            "acme-db-uri",
            "zed-client-id",
            "zed-client-secret"
        ]
    );
    let acme = s.rules().iter().find(|r| r.id == "acme-key").unwrap();
    assert_eq!(acme.severity, Severity::Medium);

    let mut g = Gen::new(41);
    let key = format!("ak_{}", g.alnum(24));
    // The imported rules' findings (keywarden's own rules run too).
    let found = |path: &str, text: &str| -> Vec<(String, String)> {
        found_in(&s, path, text)
            .into_iter()
            .filter(|(rule, _)| ids.contains(&rule.as_str()))
            .collect()
    };
    // The rule's filter keeps a random key, drops a low-entropy one.
    assert_eq!(
        found("app.env", &format!("ACME_KEY={key}\n")),
        [("acme-key".to_owned(), key.clone())]
    );
    assert!(found("app.env", "ACME_KEY=ak_abababababababababababab\n").is_empty());
    // The global filter (containsAny lowercases the secret).
    let example = format!("ak_EXAMPLE{}", g.alnum(17));
    assert!(found("app.env", &format!("ACME_KEY={example}\n")).is_empty());
    // The global prefilter keeps imported rules off node_modules.
    assert!(found("web/node_modules/acme/x.env", &format!("ACME_KEY={key}\n")).is_empty());
    // valueGroup: the password, not the whole URI.
    let password = g.alnum(16);
    assert_eq!(
        found(
            "db.txt",
            &format!("url = acmedb://app:{password}@db.internal\n")
        ),
        [("acme-db-uri".to_owned(), password)]
    );
    // A composite rule: reported only with its component near it; the
    // component (skipReport) never on its own.
    let id = format!("ZED_ID_{}", g.upper_alnum(12));
    let secret = format!("ZED_SECRET_{}", g.alnum(32));
    assert!(found("zed.cfg", &format!("id = {id}\n")).is_empty());
    assert!(found("zed.cfg", &format!("secret = {secret}\n")).is_empty());
    assert_eq!(
        found("zed.cfg", &format!("id = {id}\nsecret = {secret}\n")),
        [("zed-client-secret".to_owned(), secret.clone())]
    );
    let far = format!("id = {id}\n{}secret = {secret}\n", "x = 1\n".repeat(5));
    assert!(found("zed.cfg", &far).is_empty());
    // Many of each in one file: a secret counts when an id is within 3
    // lines, before or after it.
    let mut text = String::new();
    let mut near = Vec::new();
    for i in 0..300 {
        let s = format!("ZED_SECRET_{}", g.alnum(32));
        match i % 3 {
            // An id, the secret on the next line.
            0 => {
                text.push_str(&format!(
                    "id = ZED_ID_{}\nsecret = {s}\nx = 2\n",
                    g.upper_alnum(12)
                ));
                near.push(s);
            }
            // Three lines after the id.
            1 => {
                text.push_str(&format!("secret = {s}\nx = 2\n"));
                near.push(s);
            }
            // Nine lines after the id before it, six before the next.
            _ => text.push_str(&format!(
                "{}secret = {s}\n{}",
                "x = 1\n".repeat(4),
                "x = 2\n".repeat(5)
            )),
        }
    }
    let got: Vec<String> = found("zed.cfg", &text)
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(got.len(), 200);
    assert_eq!(got, near);
}

#[test]
fn betterleaks_fields_that_break_its_format_are_clear_errors() {
    for (text, expect) in [
        (
            "[[rules]]\nid = 'a'\nregex = 'x'\nvalueGroup = -1\n",
            "valueGroup",
        ),
        (
            "[[rules]]\nid = 'a'\nregex = 'x'\nconfidence = 'certain'\n",
            "confidence",
        ),
        (
            "[[rules]]\nid = 'a'\nregex = 'x'\ncomponents = [{ id = 'b', within = 'near' }]\n",
            "within",
        ),
    ] {
        let err = GitleaksConfig::from_toml(text, Path::new("b.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(expect), "{text:?}: {err}");
    }
    // A global filter keywarden cannot evaluate is ignored, said so.
    let g = GitleaksConfig::from_toml("filter = '''let x = 1; x > 2'''\n", Path::new("b.toml"))
        .unwrap();
    assert!(g.filter.is_none());
    assert!(
        g.warnings[0].contains("global `filter`"),
        "{:?}",
        g.warnings
    );
}

/// Betterleaks' own default configuration, printed by the real Betterleaks,
/// loads (no error), and on a tree of planted secrets every finding of an
/// imported rule is one Betterleaks reports too (same file and line).
#[test]
fn the_betterleaks_default_configuration_scans() {
    let Some(exe) = crate::betterleaks() else {
        return;
    };
    let out = std::process::Command::new(&exe)
        .args([
            "config",
            "show",
            "toml",
            "--no-color",
            "--log-level",
            "error",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let (s, warnings) = scanner_of(&text);
    let imported = s.rules().iter().filter(|r| r.imported).count();
    assert!(
        imported > 250,
        "{imported} rules imported\n{}",
        warnings.join("\n")
    );
    assert!(
        warnings.iter().any(|w| w.contains("tokenRatio()")),
        "{warnings:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tree");
    std::fs::create_dir(&root).unwrap();
    let config = dir.path().join("betterleaks.toml");
    std::fs::write(&config, &text).unwrap();
    let mut g = Gen::new(77);
    let files = [
        (
            "aws.env",
            format!(
                "AWS_ACCESS_KEY_ID={}\nAWS_SECRET_ACCESS_KEY={}\n",
                format_args!("{}{}", "AKIA", g.upper_alnum(16)),
                g.b64(40).replace('+', "A")
            ),
        ),
        (
            "gh.sh",
            format!("export GH_TOKEN={}\n", crate::checksummed("ghp_", &mut g)),
        ),
        (
            "slack.json",
            format!(
                "{{\"hook\": \"https://hooks.slack.com/services/T{}/B{}/{}\"}}\n",
                g.upper_alnum(8),
                g.upper_alnum(10),
                g.alnum(24)
            ),
        ),
        (
            "stripe.py",
            format!("stripe.api_key = \"{}{}\"\n", "sk_live_", g.alnum(24)),
        ),
        (
            "aikido.txt",
            format!(
                "id = {}{}\nsecret = {}{}\n",
                "AIK_CLIENT_",
                g.alnum(24),
                "AIK_SECRET_",
                g.alnum(64)
            ),
        ),
        (
            "aikido-alone.txt",
            format!("secret = {}{}\n", "AIK_SECRET_", g.alnum(64)),
        ),
        (
            "plain.txt",
            "nothing to see here\npassword = ${DB_PASSWORD}\n".to_owned(),
        ),
    ];
    for (name, body) in &files {
        std::fs::write(root.join(name), body).unwrap();
    }
    let (_, report) = crate::export::run_betterleaks(&exe, &config, &root);
    let theirs: Vec<(String, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let path = f["location"]["path"].as_str().unwrap();
            let name = Path::new(path).file_name().unwrap().to_string_lossy();
            (
                name.into_owned(),
                f["location"]["start_line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(!theirs.is_empty(), "{report}");
    let mut ours = Vec::new();
    for (name, body) in &files {
        for m in s.scan(name, body.as_bytes()) {
            if s.rules()[m.rule].imported {
                ours.push((name.to_string(), m.line as u64));
            }
        }
    }
    assert!(!ours.is_empty());
    for hit in &ours {
        assert!(
            theirs.contains(hit),
            "keywarden {hit:?}, Betterleaks {theirs:?}"
        );
    }
    // The composite rule needs its component: alone, neither reports it.
    assert!(!ours.iter().any(|(n, _)| n == "aikido-alone.txt"));
    assert!(!theirs.iter().any(|(n, _)| n == "aikido-alone.txt"));
    assert!(ours.iter().any(|(n, _)| n == "aikido.txt"), "{ours:?}");
}
