//! `cargo +nightly fuzz run strength_check`: the strength checker takes any
//! text from a user and must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let report = keywarden_core::strength::check(text);
        assert!(!report.strong || report.entropy_bits >= 128);
    }
});
