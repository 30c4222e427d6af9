//! Every fuzz target's body over its committed seeds (`fuzz/seeds/<target>/`;
//! `fuzz/corpus/` is cargo fuzz's working corpus, not committed), as an ordinary
//! test (CI runs it): the targets keep compiling and their assertions keep
//! holding on the seeds, without libFuzzer or a nightly toolchain.

use std::path::Path;

fn seeds(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("seeds")
        .join(target);
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    assert!(
        seeds.len() >= 5,
        "{target}: too few seeds in {}",
        dir.display()
    );
    // Plus the empty input and every prefix of each seed.
    seeds.push(Vec::new());
    let prefixes: Vec<Vec<u8>> = seeds
        .iter()
        .flat_map(|s| (0..s.len().min(200)).map(move |n| s[..n].to_vec()))
        .collect();
    seeds.extend(prefixes);
    seeds
}

#[test]
fn parse_key() {
    for s in seeds("parse_key") {
        keywarden_fuzz::parse_key(&s);
    }
    // A real key is made here, not committed: the repository's own scan
    // would flag it.
    let minted = keywarden_core::key::mint(&Default::default(), &"live".parse().unwrap());
    keywarden_fuzz::parse_key(minted.expose().as_bytes());
}

#[test]
fn betterleaks_filter() {
    for s in seeds("betterleaks_filter") {
        keywarden_fuzz::betterleaks_filter(&s);
    }
}

#[test]
fn strength_check() {
    for s in seeds("strength_check") {
        keywarden_fuzz::strength_check(&s);
    }
}

#[test]
fn parse_duration() {
    for s in seeds("parse_duration") {
        keywarden_fuzz::parse_duration(&s);
    }
}

#[test]
fn parse_permission_query() {
    let mut all = seeds("parse_permission_query");
    // At the limits, and one past them: made here rather than committed.
    let terms = |n: usize| {
        (0..n)
            .map(|i| format!("t{i}"))
            .collect::<Vec<_>>()
            .join(" OR ")
    };
    let nested = |n: usize| format!("{}a{}", "(".repeat(n), ")".repeat(n));
    for text in [
        terms(64),
        terms(65),
        nested(16),
        nested(17),
        format!("a{}", " ".repeat(1024)),
    ] {
        all.push(text.into_bytes());
    }
    for s in all {
        keywarden_fuzz::parse_permission_query(&s);
    }
}

#[test]
fn scan_buffer() {
    let mut all = seeds("scan_buffer");
    // An armour header, written here rather than in a committed seed.
    all.push(format!("-----BEGIN {} KEY-----\nnot a key\n", "PRIVATE").into_bytes());
    for s in all {
        keywarden_fuzz::scan_buffer(&s);
    }
}

#[test]
fn scan_archive() {
    for s in seeds("scan_archive") {
        keywarden_fuzz::scan_archive(&s);
    }
}
