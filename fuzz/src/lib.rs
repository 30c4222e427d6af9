//! The fuzz targets' bodies: each takes any bytes and asserts what must hold
//! for every input. `fuzz_targets/*.rs` hand them to libFuzzer;
//! `tests/corpus.rs` runs them over the committed seeds as ordinary tests.
#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use keywarden_scan::{Config, Scanner};

/// The key parser never panics, and what it accepts is short and re-parses
/// to the same parts.
pub fn parse_key(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(parts) = keywarden_core::key::parse(text) {
        assert!(text.len() <= keywarden_core::key::MAX_KEY_LEN);
        let again = keywarden_core::key::parse(parts.expose()).unwrap();
        assert_eq!(again.prefix(), parts.prefix());
        assert_eq!(again.environment(), parts.environment());
    }
}

/// A Betterleaks `filter` expression (a repository's `.gitleaks.toml` may
/// hold one) parses totally: any text gives a filter or a reason, and a
/// filter evaluates on any finding without panicking. The Go-to-Rust regex
/// rewrite never panics and leaves a pattern without `{` as it is.
pub fn betterleaks_filter(data: &[u8]) {
    use keywarden_scan::filter::{Filter, Subject};
    let text = String::from_utf8_lossy(data);
    if let Ok(filter) = Filter::parse(&text) {
        let mid = (0..=text.len() / 2)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        let (a, b) = text.split_at(mid);
        let _ = filter.eval(&Subject {
            secret: a,
            whole: &text,
            line: b,
            path: "src/app.env",
        });
    }
    let rewritten = keywarden_scan::gitleaks::go_regex(&text);
    if !text.contains('{') {
        assert_eq!(rewritten, text);
    }
}

/// The strength checker takes any text from a user and never panics.
pub fn strength_check(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let report = keywarden_core::strength::check(text);
        assert!(!report.strong || report.entropy_bits >= 128);
    }
}

/// Durations (`expires_in`, `grace_period`, settings) parse totally: any
/// text gives a positive number of milliseconds or `None`.
pub fn parse_duration(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Some(ms) = keywarden_core::clock::parse_duration(&text) {
        assert!(ms > 0);
        assert!(
            text.trim()
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_digit())
        );
    }
}

/// Permission queries parse totally: any text gives a query within the
/// limits or an error at a position inside the text. A query's canonical
/// form parses back to it, holding all its terms satisfies it, and
/// `missing` is empty exactly when it is satisfied.
pub fn parse_permission_query(data: &[u8]) {
    use keywarden_core::{names::Scope, query};
    let text = String::from_utf8_lossy(data);
    match text.parse::<query::PermissionQuery>() {
        Ok(q) => {
            assert!(text.len() <= query::MAX_QUERY_LEN);
            assert!(q.terms().len() <= query::MAX_QUERY_TERMS);
            // Spaces around parentheses can make the canonical form a few
            // bytes longer than the text it came from.
            let canonical = q.to_string();
            if canonical.len() <= query::MAX_QUERY_LEN {
                assert_eq!(canonical.parse::<query::PermissionQuery>().unwrap(), q);
            }
            let all: Vec<Scope> = q.terms().cloned().collect();
            assert!(q.is_satisfied_by(&all));
            assert!(q.missing(&all).is_empty());
            let some = &all[..all.len() / 2];
            assert_eq!(q.missing(some).is_empty(), q.is_satisfied_by(some));
        }
        Err(e) => {
            assert!(e.position <= text.len());
            assert!(
                e.message
                    .contains(&format!(" at position {} (", e.position))
            );
        }
    }
}

fn scanner() -> &'static Scanner {
    static SCANNER: OnceLock<Scanner> = OnceLock::new();
    SCANNER.get_or_init(|| Scanner::new(&Config::default()).unwrap())
}

/// The scanner never panics on any bytes, and what it reports is inside
/// the input: a non-empty secret found in the buffer, at a 1-based line and
/// column that exist.
pub fn scan_buffer(data: &[u8]) {
    let s = scanner();
    let lines = data.iter().filter(|&&b| b == b'\n').count() + 1;
    for m in s.scan("fuzz/input.env", data) {
        assert!(m.line >= 1 && m.line <= lines);
        assert!(m.column >= 1 && m.end_column >= m.column);
        let secret = m.secret.expose();
        assert!(!secret.is_empty());
        if let Ok(text) = std::str::from_utf8(data) {
            assert!(text.contains(secret));
        }
        if s.rules()[m.rule].id == "keywarden-key" {
            assert!(m.verified && keywarden_core::key::parse(secret).is_ok());
        }
    }
}

/// Archives (zip, tar, gzip: the input as it is, and behind each magic
/// header) never make the scanner panic or run past its caps, and what it
/// finds is inside the archive.
pub fn scan_archive(data: &[u8]) {
    let s = scanner();
    for magic in [&b""[..], b"PK\x03\x04", &[0x1f, 0x8b, 0x08]] {
        let mut bytes = magic.to_vec();
        bytes.extend_from_slice(data);
        if let Some(report) = keywarden_scan::archive::scan_archive(s, "fuzz.zip", &bytes) {
            assert!(report.stats.archives >= 1);
            for f in &report.findings {
                assert!(f.path.starts_with("fuzz.zip!"), "{}", f.path);
            }
        }
    }
}
