//! `export-rules`: the regex every export carries matches the keys the core
//! generator mints (any environment) and none of the look-alikes a regex can
//! reject; look-alikes with a bad checksum match it (a regex cannot compute
//! a CRC-32), and keywarden's own scanner rejects them. The gitleaks export
//! loads through the gitleaks import and finds a minted key; the Betterleaks
//! export, loaded by the real Betterleaks, finds minted keys (and, as any
//! regex, a look-alike with a bad checksum); the TruffleHog export has the
//! structure TruffleHog reads.

use std::path::Path;

use keywarden_core::key::{self, Environment, Prefix};
use keywarden_scan::export::{self, ExportFormat};
use keywarden_scan::gitleaks::GitleaksConfig;
use keywarden_scan::{Config, Scanner};

use crate::{Gen, found_in};

const ENVS: &[&str] = &[
    "live",
    "test",
    "dev",
    "staging",
    "root",
    "e",
    "prod2",
    "abcdefghijkl",
];

fn prefix() -> Prefix {
    "acme".parse().unwrap()
}

/// The regex of the gitleaks export, read back from its TOML.
fn gitleaks_regex(p: &Prefix) -> (regex::Regex, toml::Table) {
    let text = export::export(ExportFormat::Gitleaks, p, "https://kw.example.com");
    let doc: toml::Table = toml::from_str(&text).unwrap();
    let rule = doc["rules"].as_array().unwrap()[0]
        .as_table()
        .unwrap()
        .clone();
    let re = regex::Regex::new(rule["regex"].as_str().unwrap()).unwrap();
    (re, rule)
}

/// 1,000 keys minted from the OS CSPRNG, spread over environments.
fn minted(p: &Prefix) -> Vec<String> {
    (0..1000)
        .map(|i| {
            let env: Environment = ENVS[i % ENVS.len()].parse().unwrap();
            key::mint(p, &env).expose().to_owned()
        })
        .collect()
}

/// The key the regex reports in `text` (capture group 1), if any.
fn found(re: &regex::Regex, text: &str) -> Vec<String> {
    re.captures_iter(text)
        .map(|c| c.get(1).unwrap().as_str().to_owned())
        .collect()
}

#[test]
fn the_gitleaks_regex_matches_every_minted_key_in_any_context() {
    let p = prefix();
    let (re, rule) = gitleaks_regex(&p);
    assert_eq!(rule["secretGroup"].as_integer(), Some(1));
    let bar = rule["entropy"].as_float().unwrap();
    let keys = minted(&p);
    for (i, k) in keys.iter().enumerate() {
        let text = match i % 5 {
            0 => k.clone(),
            1 => format!("ACME_API_KEY={k}\n"),
            2 => format!("{{\"key\": \"{k}\"}}"),
            3 => format!("curl -H 'Authorization: Bearer {k}' https://api\n"),
            _ => format!("MY_{k} and more"),
        };
        assert_eq!(found(&re, &text), [k.as_str()], "{text}");
        // gitleaks' entropy bar: every minted key is well above it.
        assert!(
            keywarden_scan::entropy::shannon(k.as_bytes()) >= bar,
            "entropy of a minted key"
        );
    }
    // Two keys one space apart are both found (the boundary after a key
    // consumes nothing).
    let two = format!("{} {}", keys[0], keys[1]);
    assert_eq!(found(&re, &two), [keys[0].as_str(), keys[1].as_str()]);
}

/// Look-alikes a regex can reject: another prefix, a longer prefix ending
/// in this one, the wrong length, a character outside base62, a bad
/// environment, a secret or checksum too large in its first digit.
fn look_alikes(p: &Prefix, g: &mut Gen) -> Vec<String> {
    let other: Prefix = "acmf".parse().unwrap();
    let mut out = Vec::new();
    for i in 0..1000 {
        let env: Environment = ENVS[i % ENVS.len()].parse().unwrap();
        let k = key::mint(p, &env).expose().to_owned();
        let head = p.as_str().len() + 1 + env.as_str().len() + 1;
        let tail = &k[head..];
        let look_alike = match i % 10 {
            0 => key::mint(&other, &env).expose().to_owned(),
            1 => format!("x{k}"),
            2 => format!("{}{}", &k[..k.len() - 1], ""), // one short
            3 => format!("{k}{}", g.alnum(1)),           // one long
            4 => {
                let mut b = k.clone().into_bytes();
                let at = head + (i % 49);
                b[at] = b"-+/="[(i / 10) % 4];
                String::from_utf8(b).unwrap()
            }
            5 => format!("ACME_{env}_{tail}"),
            6 => format!("{}_9env_{tail}", p.as_str()),
            7 => format!("{}_abcdefghijklm_{tail}", p.as_str()),
            8 => format!("{}z{}", &k[..head], &k[head + 1..]),
            _ => format!("{}5{}", &k[..k.len() - 6], &k[k.len() - 5..]),
        };
        out.push(look_alike);
    }
    out
}

#[test]
fn the_gitleaks_regex_rejects_look_alikes_of_every_kind_a_regex_can_see() {
    let p = prefix();
    let (re, _) = gitleaks_regex(&p);
    let mut g = Gen::new(13);
    let all = look_alikes(&p, &mut g);
    assert_eq!(all.len(), 1000);
    for text in &all {
        assert!(found(&re, text).is_empty(), "{text}");
        assert!(found(&re, &format!("KEY={text}\n")).is_empty(), "{text}");
    }
    // keywarden's scanner agrees: none is a key of this deployment.
    let s = crate::scanner();
    for text in all.iter().take(200) {
        let hits = found_in(&s, "a.env", &format!("KEY={text}\n"));
        assert!(
            !hits
                .iter()
                .any(|(rule, secret)| rule == "keywarden-key" && secret.starts_with("acme_")),
            "{text}: {hits:?}"
        );
    }
}

/// One character of a minted key changed: the shape is right, the checksum
/// is not.
fn bad_checksum(k: &str, i: usize, head: usize) -> String {
    let mut b = k.as_bytes().to_vec();
    let mut at = head + (i * 7) % 49;
    // A secret near 2^256 could overflow when changed (malformed, not a
    // bad checksum): change its checksum instead.
    if b[head] == b'y' {
        at = b.len() - 1 - i % 5;
    }
    b[at] = if b[at] == b'a' { b'b' } else { b'a' };
    String::from_utf8(b).unwrap()
}

#[test]
fn a_regex_alone_cannot_reject_a_bad_checksum_but_keywarden_does() {
    let p = prefix();
    let (re, _) = gitleaks_regex(&p);
    let s = crate::scanner();
    let mut matched = 0;
    for (i, k) in minted(&p).iter().enumerate() {
        let env_len = k[p.as_str().len() + 1..].find('_').unwrap();
        let head = p.as_str().len() + 1 + env_len + 1;
        let fake = bad_checksum(k, i, head);
        assert_eq!(
            key::parse(&fake).unwrap_err(),
            key::ParseError::BadChecksum,
            "{fake}"
        );
        // The exported regex matches it: it has the shape of a key...
        if found(&re, &fake) == [fake.as_str()] {
            matched += 1;
        }
        // ...but keywarden's scanner finds nothing (checksum).
        if i % 10 == 0 {
            let hits = found_in(&s, "a.env", &format!("ACME_KEY={fake}\n"));
            assert!(hits.is_empty(), "{fake}: {hits:?}");
        }
    }
    assert_eq!(
        matched, 1000,
        "every bad-checksum look-alike matches the regex"
    );
}

#[test]
fn the_gitleaks_export_loads_through_the_gitleaks_import_and_finds_a_key() {
    let p = prefix();
    let text = export::export(ExportFormat::Gitleaks, &p, "https://kw.example.com");
    let g = GitleaksConfig::from_toml(&text, Path::new("exported.toml")).unwrap();
    assert!(g.warnings.is_empty(), "{:?}", g.warnings);
    assert_eq!(g.rules.len(), 1);
    assert_eq!(g.rules[0].id, "keywarden-acme-key");
    assert_eq!(g.rules[0].keywords, ["acme_"]);

    // The imported rule finds the key; so does the built-in key pass
    // (which no configuration switches off), whose checksum-verified
    // finding stands for the span.
    let mut config = Config::default();
    config.add_gitleaks(g);
    let s = Scanner::new(&config).unwrap();
    let k = key::mint(&p, &"live".parse().unwrap()).expose().to_owned();
    let line = format!("ACME_KEY = \"{k}\"\n");
    let imported = s
        .rules()
        .iter()
        .find(|r| r.id == "keywarden-acme-key")
        .unwrap();
    let caps = imported
        .regex
        .as_ref()
        .unwrap()
        .captures(line.as_bytes())
        .unwrap();
    assert_eq!(&caps[1], k.as_bytes());
    let hits = found_in(&s, "settings.py", &line);
    assert_eq!(hits, vec![("keywarden-key".to_owned(), k.clone())]);
    // A look-alike with a bad checksum is no finding, even of the imported
    // rule; nor is a placeholder under the entropy bar.
    let fake = bad_checksum(&k, 3, "acme_live_".len());
    assert!(found_in(&s, "settings.py", &format!("ACME_KEY = \"{fake}\"\n")).is_empty());
    // The imported rule's entropy bar rejects a placeholder (the built-in
    // pass reports it: its checksum is valid).
    let zeros = key::from_secret_bytes(&p, &"live".parse().unwrap(), &[0; 32]);
    assert_eq!(
        imported.check.run(zeros.expose()),
        keywarden_scan::validate::Verdict::Reject
    );
    assert_eq!(
        imported.check.run(&k),
        keywarden_scan::validate::Verdict::Accept
    );
}

/// A filter's subject: the secret alone.
fn subject(secret: &str) -> keywarden_scan::filter::Subject<'_> {
    keywarden_scan::filter::Subject {
        secret,
        ..Default::default()
    }
}

/// (path, secret) of every finding in a Betterleaks JSON report.
fn betterleaks_findings(report: &serde_json::Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["location"]["path"].as_str().unwrap().to_owned(),
                f["match"]["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Runs the real Betterleaks over `dir` with `config`: its JSON report.
pub(crate) fn run_betterleaks(
    exe: &Path,
    config: &Path,
    dir: &Path,
) -> (std::process::ExitStatus, serde_json::Value) {
    let report = dir.with_extension("report.json");
    let out = std::process::Command::new(exe)
        .args([
            "fs",
            "--no-banner",
            "--silent",
            "--no-color",
            "--log-level",
            "error",
        ])
        .arg("--config")
        .arg(config)
        .arg("--output")
        .arg(&report)
        .arg(dir)
        .output()
        .unwrap();
    let text = std::fs::read_to_string(&report).unwrap_or_else(|e| {
        panic!(
            "betterleaks wrote no report ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status, serde_json::from_str(&text).unwrap())
}

#[test]
fn the_betterleaks_export_runs_in_the_real_betterleaks() {
    let p = prefix();
    let text = export::export(ExportFormat::Betterleaks, &p, "https://kw.example.com");
    // What Betterleaks 2 refuses in strict mode is not there.
    let doc: toml::Table = toml::from_str(&text).unwrap();
    let rule = doc["rules"].as_array().unwrap()[0].as_table().unwrap();
    assert!(!rule.contains_key("secretGroup") && !rule.contains_key("entropy"));
    assert_eq!(rule["valueGroup"].as_integer(), Some(1));
    // The filter reads in keywarden's own Betterleaks import, and drops a
    // placeholder key (all-zero secret) but not a minted one.
    let g = GitleaksConfig::from_toml(&text, Path::new("exported.toml")).unwrap();
    assert!(g.warnings.is_empty(), "{:?}", g.warnings);
    let filter = g.rules[0].filter.as_ref().unwrap();
    let zeros = key::from_secret_bytes(&p, &"live".parse().unwrap(), &[0; 32]);

    assert!(filter.eval(&subject(zeros.expose())));

    let Some(exe) = crate::betterleaks() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tree");
    std::fs::create_dir(&root).unwrap();
    let config = dir.path().join("keywarden.toml");
    std::fs::write(&config, &text).unwrap();

    // Keys minted from varied bytes, in the places keys end up.
    let mut g = Gen::new(26);
    let keys: Vec<String> = (0..12)
        .map(|i| {
            let bytes: Vec<u8> = g
                .hex(64)
                .as_bytes()
                .chunks(2)
                .map(|c| u8::from_str_radix(std::str::from_utf8(c).unwrap(), 16).unwrap())
                .collect();
            let env: Environment = ENVS[i % ENVS.len()].parse().unwrap();
            let bytes: [u8; 32] = bytes.try_into().unwrap();
            key::from_secret_bytes(&p, &env, &bytes).expose().to_owned()
        })
        .collect();
    assert!(!filter.eval(&subject(&keys[0])));
    for (i, k) in keys.iter().enumerate() {
        let (name, body) = match i % 4 {
            0 => (format!("k{i}.env"), format!("ACME_API_KEY={k}\n")),
            1 => (format!("k{i}.json"), format!("{{\"key\": \"{k}\"}}\n")),
            2 => (
                format!("k{i}.sh"),
                format!("curl -H 'Authorization: Bearer {k}' https://api\n"),
            ),
            _ => (
                format!("k{i}.py"),
                format!("client = Acme(api_key=\"{k}\")\n"),
            ),
        };
        std::fs::write(root.join(name), body).unwrap();
    }
    // A look-alike with a bad checksum, and a placeholder under the
    // entropy bar (its checksum is valid).
    let fake = bad_checksum(&keys[0], 3, "acme_live_".len());
    std::fs::write(root.join("fake.env"), format!("ACME_API_KEY={fake}\n")).unwrap();
    std::fs::write(
        root.join("zeros.env"),
        format!("ACME_API_KEY={}\n", zeros.expose()),
    )
    .unwrap();

    let (status, report) = run_betterleaks(&exe, &config, &root);
    assert_eq!(status.code(), Some(1), "{report}");
    let found = betterleaks_findings(&report);
    let mut secrets: Vec<&str> = found.iter().map(|(_, s)| s.as_str()).collect();
    secrets.sort_unstable();
    let mut expected: Vec<&str> = keys.iter().map(String::as_str).collect();
    // The limit of any exported rule: Betterleaks' filter language has no
    // CRC-32, so the bad-checksum look-alike is reported...
    expected.push(&fake);
    expected.sort_unstable();
    assert_eq!(secrets, expected, "{report}");
    // ...and keywarden's scanner, which proves the checksum, does not.
    assert!(
        found_in(
            &crate::scanner(),
            "fake.env",
            &format!("ACME_API_KEY={fake}\n")
        )
        .is_empty()
    );
    assert!(!found.iter().any(|(path, _)| path.ends_with("zeros.env")));
}

/// The value of a `key: <JSON string>` line of the TruffleHog export.
fn yaml_value<'a>(lines: &'a [&'a str], key: &str) -> Vec<String> {
    lines
        .iter()
        .filter_map(|l| {
            let t = l.trim_start().trim_start_matches("- ");
            t.strip_prefix(key)
                .and_then(|rest| rest.strip_prefix(": "))
                .map(|v| v.to_owned())
        })
        .collect()
}

#[test]
fn the_trufflehog_export_has_the_structure_trufflehog_reads() {
    let p = prefix();
    let text = export::export(ExportFormat::Trufflehog, &p, "https://kw.example.com/");
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    // Structure: one detector, two-space indentation, as TruffleHog's
    // documented config.yaml.
    let shape: Vec<String> = lines
        .iter()
        .map(|l| {
            let indent = l.len() - l.trim_start().len();
            let key = l.trim_start().split(':').next().unwrap_or("");
            format!("{indent}{key}")
        })
        .collect();
    assert_eq!(
        shape,
        [
            "0detectors",
            "2- name",
            "4keywords",
            "6- \"acme_\"",
            "4regex",
            "6key",
            "4entropy",
            "4verify",
            "6- endpoint",
            "8unsafe",
            "8headers",
            "10- \"Authorization",
        ]
    );
    // Every scalar is a JSON string (valid YAML double-quoted scalar).
    let scalar = |key: &str| -> String {
        let v = yaml_value(&lines, key);
        assert_eq!(v.len(), 1, "{key}");
        serde_json::from_str::<String>(&v[0]).unwrap()
    };
    assert_eq!(scalar("name"), "KeywardenKeyAcme");
    assert_eq!(
        scalar("endpoint"),
        "https://kw.example.com/v1/verify/trufflehog"
    );
    assert_eq!(yaml_value(&lines, "unsafe"), ["false"]);
    let re = regex::Regex::new(&scalar("key")).unwrap();
    let k = key::mint(&p, &"test".parse().unwrap()).expose().to_owned();
    assert_eq!(found(&re, &format!("token: {k}")), [k]);
    let header =
        serde_json::from_str::<String>(lines.last().unwrap().trim().trim_start_matches("- "))
            .unwrap();
    assert_eq!(
        header,
        format!("Authorization: Bearer {}", export::ROOT_KEY_PLACEHOLDER)
    );
    let keyword = serde_json::from_str::<String>(lines[3].trim().trim_start_matches("- ")).unwrap();
    assert_eq!(keyword, "acme_");

    // An http:// deployment needs TruffleHog's `unsafe: true`.
    let http = export::export(ExportFormat::Trufflehog, &p, "http://127.0.0.1:8080");
    assert!(http.contains("unsafe: true\n"), "{http}");
}

#[test]
fn the_github_export_names_the_pattern_and_the_endpoint() {
    let p = prefix();
    let text = export::export(ExportFormat::Github, &p, "https://kw.example.com");
    let field = |name: &str| -> String {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .unwrap()
            .to_owned()
    };
    assert_eq!(field("endpoint"), "https://kw.example.com/v1/leaks/github");
    let format = regex::Regex::new(&format!("^(?:{})$", field("secret format"))).unwrap();
    let full = regex::Regex::new(&field("regex")).unwrap();
    let before = regex::Regex::new(&format!("^(?:{})$", field("before secret"))).unwrap();
    for k in minted(&p).iter().take(100) {
        assert!(format.is_match(k));
        assert_eq!(found(&full, &format!("x={k};")), [k.as_str()]);
    }
    assert!(before.is_match("=") && before.is_match("_") && !before.is_match("a"));
}
