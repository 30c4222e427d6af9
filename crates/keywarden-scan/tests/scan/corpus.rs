//! The corpus: every rule's true positives in several file contexts and
//! near-miss negatives, written to `tests/data/corpus/` by
//! `scripts/scan-corpus` (this test with `KEYWARDEN_BLESS=1`) from the hand
//! written cases (`rules.rs`) and the template samples (`samples.rs`).
//! The test scans the committed corpus, prints each rule's recall and false
//! positives, and holds them to 100% and 0; it also fails when the
//! committed corpus is not what the generator writes now.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// One corpus file: its logical path (what the scanner is told), the rule
/// it tests, and the secret that rule must report (none: a near miss, which
/// no rule may report).
struct Entry {
    file: String,
    path: String,
    rule: String,
    secret: Option<String>,
    text: String,
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus")
}

/// A corpus file name for a logical path: no directories, no leading dot
/// (so the files are neither `.env` files nor hidden).
fn file_name(n: usize, path: &str) -> String {
    let base = path
        .rsplit('/')
        .next()
        .unwrap_or(path)
        .trim_start_matches('.');
    format!("{n:02}-{base}")
}

fn generate() -> Vec<Entry> {
    let mut out = Vec::new();
    let mut counters: BTreeMap<(String, &'static str), usize> = BTreeMap::new();
    let mut push =
        |rule: &str, kind: &'static str, path: &str, text: String, secret: Option<String>| {
            let n = counters.entry((rule.to_owned(), kind)).or_default();
            *n += 1;
            out.push(Entry {
                file: format!("{kind}/{rule}/{}", file_name(*n, path)),
                path: path.to_owned(),
                rule: rule.to_owned(),
                secret,
                text,
            });
        };
    for c in crate::rules::cases() {
        for (text, secret) in c.positive {
            push(c.rule, "positive", c.path, text, Some(secret));
        }
        for text in c.negative {
            // Hand-written negatives are negatives of their rule; other
            // rules may rightly find something in some (the generic rule in
            // an assignment): only samples' near misses are held to "no rule".
            push(c.rule, "negative", c.path, text, None);
        }
    }
    for seed in [11, 12] {
        for s in crate::samples::samples(seed) {
            for (path, text) in crate::samples::contexts(&s) {
                push(s.rule, "positive", path, text, Some(s.secret.clone()));
            }
            for (path, text) in crate::samples::near_misses(&s) {
                push(s.rule, "near-miss", path, text, None);
            }
        }
    }
    out
}

fn manifest(entries: &[Entry]) -> String {
    let list: Vec<Value> = entries
        .iter()
        .map(|e| json!({"file": e.file, "path": e.path, "rule": e.rule, "secret": e.secret}))
        .collect();
    let mut text = serde_json::to_string_pretty(&list).unwrap();
    text.push('\n');
    text
}

#[test]
fn corpus_recall_and_false_positives() {
    let generated = generate();
    let root = dir();
    if std::env::var_os("KEYWARDEN_BLESS").is_some() {
        let _ = std::fs::remove_dir_all(&root);
        for e in &generated {
            let p = root.join(&e.file);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, &e.text).unwrap();
        }
        std::fs::write(root.join("manifest.json"), manifest(&generated)).unwrap();
    }
    let committed = std::fs::read_to_string(root.join("manifest.json"))
        .expect("no corpus: run scripts/scan-corpus");
    assert!(
        committed == manifest(&generated),
        "the corpus manifest is stale: run scripts/scan-corpus"
    );

    // Scan the committed files, as the scanner sees them.
    let s = crate::scanner();
    let mut per_rule: BTreeMap<String, (usize, usize, usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for e in &generated {
        let text = std::fs::read_to_string(root.join(&e.file)).unwrap();
        assert!(
            text == e.text,
            "{} differs: run scripts/scan-corpus",
            e.file
        );
        let found = crate::found_in(&s, &e.path, &text);
        let stats = per_rule.entry(e.rule.clone()).or_default();
        match &e.secret {
            Some(secret) => {
                stats.0 += 1;
                if found.iter().any(|(r, sec)| *r == e.rule && sec == secret) {
                    stats.1 += 1;
                } else {
                    failures.push(format!("missed: {} ({found:?})", e.file));
                }
            }
            None => {
                stats.2 += 1;
                let fp = if e.file.starts_with("near-miss/") {
                    !found.is_empty()
                } else {
                    found.iter().any(|(r, _)| *r == e.rule)
                };
                if fp {
                    stats.3 += 1;
                    failures.push(format!("false positive: {} ({found:?})", e.file));
                }
            }
        }
    }
    let (mut tp, mut pos, mut fp, mut neg) = (0, 0, 0, 0);
    println!(
        "{:<44} {:>9} {:>8} {:>10}",
        "rule", "positives", "recall", "FP/negatives"
    );
    for (rule, (p, hit, n, f)) in &per_rule {
        println!(
            "{rule:<44} {p:>9} {:>7.1}% {f:>5}/{n:<5}",
            100.0 * *hit as f64 / (*p).max(1) as f64
        );
        (tp, pos, fp, neg) = (tp + hit, pos + p, fp + f, neg + n);
    }
    println!(
        "corpus: {} rules, {pos} positives, recall {:.1}%, {fp} false positives in {neg} negatives",
        per_rule.len(),
        100.0 * tp as f64 / pos.max(1) as f64
    );
    // Every rule but the file-name one is in the corpus.
    for r in s.rules() {
        if r.kind == keywarden_scan::rules::RuleKind::Regex
            || r.kind == keywarden_scan::rules::RuleKind::KeywardenKey
        {
            assert!(per_rule.contains_key(&r.id), "no corpus cases for {}", r.id);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
