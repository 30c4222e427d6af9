//! `cargo +nightly fuzz run scan_buffer`: the scanner must never panic on any
//! bytes, and what it reports must be inside the input: a non-empty secret
//! found in the buffer, at a 1-based line and column that exist.
#![no_main]

use std::sync::OnceLock;

use keywarden_scan::{Config, Scanner};
use libfuzzer_sys::fuzz_target;

fn scanner() -> &'static Scanner {
    static SCANNER: OnceLock<Scanner> = OnceLock::new();
    SCANNER.get_or_init(|| Scanner::new(&Config::default()).unwrap())
}

fuzz_target!(|data: &[u8]| {
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
});
