//! Output formats: text, JSON and SARIF 2.1.0.

use std::sync::Arc;

use keywarden_scan::report::{self, OutputOptions};
use keywarden_scan::{CommitInfo, Finding, Stats};
use serde_json::Value;

use crate::{Gen, checksummed, keywarden_key, scanner};

fn findings() -> (Vec<Finding>, String, String) {
    let s = scanner();
    let mut g = Gen::new(30);
    let key = keywarden_key("kw", "live", 44);
    let stripe = format!("sk_live_{}", g.alnum(30));
    let text = format!("a = '{key}'\nb = '{stripe}'\n");
    let mut out: Vec<Finding> = s
        .scan("src/a.py", text.as_bytes())
        .into_iter()
        .map(|m| s.finding(m, "src/a.py", None))
        .collect();
    let gh = checksummed("ghp_", &mut g);
    let commit = Arc::new(CommitInfo {
        id: "0123456789abcdef0123456789abcdef01234567".into(),
        author: "Ann".into(),
        email: "ann@example.com".into(),
        date: "2024-05-01T12:00:00+02:00".into(),
    });
    for m in s.scan("b.txt", gh.as_bytes()) {
        out.push(s.finding(m, "b.txt", Some(Arc::clone(&commit))));
    }
    (out, key, stripe)
}

#[test]
fn text_is_redacted_unless_asked() {
    let (f, key, stripe) = findings();
    let mut out = Vec::new();
    report::write_text(&mut out, &f, OutputOptions::default()).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("src/a.py:1:6: critical [keywarden-key]"),
        "{text}"
    );
    assert!(text.contains("(checksum verified)"));
    assert!(
        text.contains("commit: 0123456789abcdef0123456789abcdef01234567 by Ann <ann@example.com>")
    );
    assert!(!text.contains(&key) && !text.contains(&stripe), "{text}");
    assert!(!text.contains("\x1b["), "no colour unless asked");

    let mut out = Vec::new();
    report::write_text(&mut out, &f, OutputOptions::new(true, true)).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains(&key) && text.contains(&stripe));
    assert!(text.contains("\x1b[1;31mcritical\x1b[0m"));
}

#[test]
fn json_has_every_field() {
    let (f, key, _) = findings();
    let mut out = Vec::new();
    report::write_json(&mut out, &f, &Stats::default(), OutputOptions::default()).unwrap();
    let doc: Value = serde_json::from_slice(&out).unwrap();
    let list = doc["findings"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    let first = &list[0];
    for field in [
        "path",
        "line",
        "column",
        "end_column",
        "rule",
        "description",
        "severity",
        "match",
        "fingerprint",
        "verified_checksum",
    ] {
        assert!(!first[field].is_null(), "{field}");
    }
    assert_eq!(first["rule"], "keywarden-key");
    assert_eq!(first["verified_checksum"], true);
    assert_eq!(first["severity"], "critical");
    assert_eq!(first["match"], format!("kw_l…{}", &key[key.len() - 4..]));
    assert!(first.get("secret").is_none());
    assert_eq!(list[1]["verified_checksum"], false);
    assert_eq!(list[2]["commit"]["author"], "Ann");
    assert_eq!(doc["summary"]["findings"], 3);
    assert_eq!(doc["summary"]["allowlisted"], 0);
    assert!(!String::from_utf8_lossy(&out).contains(&key));

    let mut out = Vec::new();
    report::write_json(
        &mut out,
        &f,
        &Stats::default(),
        OutputOptions::new(true, false),
    )
    .unwrap();
    let doc: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["findings"][0]["secret"], key.as_str());
}

#[test]
fn sarif_2_1_0_shape() {
    let (f, key, _) = findings();
    let s = scanner();
    let mut stats = Stats::default();
    stats.allowlisted = 4;
    let doc = report::sarif(&f, s.rules(), &stats, OutputOptions::default());
    assert_eq!(doc["version"], "2.1.0");
    assert!(doc["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &doc["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "keywarden");
    let github = s.rules().iter().find(|r| r.id == "github-pat").unwrap();
    assert_eq!(
        report::rule_name(github),
        "GitHubPersonalAccessTokenClassic"
    );
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), s.rules().len());
    let mut names = std::collections::HashSet::new();
    for r in rules {
        assert!(r["id"].is_string());
        assert!(r["shortDescription"]["text"].is_string());
        // SARIF1001: a name, if present, differs from the id; one per rule.
        let name = r["name"].as_str().unwrap();
        assert_ne!(name, r["id"].as_str().unwrap());
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric()), "{name}");
        assert!(names.insert(name.to_owned()), "duplicate rule name {name}");
        let uri = r["helpUri"].as_str().unwrap();
        assert!(
            uri.starts_with("https://")
                && uri.ends_with(&format!("#{}", r["id"].as_str().unwrap()))
        );
        assert!(r["help"]["text"].as_str().unwrap().len() > 40);
        let level = r["defaultConfiguration"]["level"].as_str().unwrap();
        assert!(["error", "warning", "note"].contains(&level));
        let sev: f64 = r["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.0..=10.0).contains(&sev));
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    let r0 = &results[0];
    assert_eq!(r0["ruleId"], "keywarden-key");
    assert_eq!(r0["level"], "error");
    let idx = r0["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[idx]["id"], "keywarden-key");
    let loc = &r0["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "src/a.py");
    assert_eq!(loc["region"]["startLine"], 1);
    assert_eq!(loc["region"]["startColumn"], 6);
    assert!(loc["region"]["endColumn"].as_u64().unwrap() > 6);
    assert_eq!(
        r0["partialFingerprints"]["keywarden/v2"]
            .as_str()
            .unwrap()
            .len(),
        32
    );
    assert_eq!(r0["properties"]["verified_checksum"], true);
    assert!(results[2]["properties"]["commit"]["id"].is_string());
    // What allowlists suppressed, in the run's properties.
    assert_eq!(run["properties"]["allowlisted"], 4);
    // A short secret's fingerprint is a line fingerprint, named so.
    let short = scanner();
    let line = format!(
        "DATABASE_URL=postgres://app:{}@db.internal/app\n",
        "Winter2024!"
    );
    let m = short.scan(".env", line.as_bytes());
    let pw = vec![short.finding(m[0].clone(), ".env", None)];
    let doc = report::sarif(&pw, short.rules(), &stats, OutputOptions::default());
    let fps = &doc["runs"][0]["results"][0]["partialFingerprints"];
    assert_eq!(
        fps["keywarden/v3-line"],
        pw[0].fingerprint.as_str(),
        "{fps}"
    );
    assert!(fps.get("keywarden/v2").is_none(), "{fps}");
    assert!(!doc.to_string().contains(&key));
}

/// docs/SCAN-RULES.md is generated: `scripts/scan-rules-doc` (which sets
/// KEYWARDEN_BLESS=1 for this test) rewrites it.
#[test]
fn scan_rules_doc_is_current() {
    let doc = keywarden_scan::report::rules_markdown(crate::scanner().rules());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/SCAN-RULES.md");
    if std::env::var_os("KEYWARDEN_BLESS").is_some() {
        std::fs::write(&path, &doc).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap();
    assert!(
        committed == doc,
        "docs/SCAN-RULES.md is stale: run scripts/scan-rules-doc"
    );
    let providers: usize = doc
        .lines()
        .find_map(|l| {
            l.split(" rules for ")
                .nth(1)?
                .split(' ')
                .next()?
                .parse()
                .ok()
        })
        .unwrap();
    assert!(providers >= 150, "{providers} providers");
}
