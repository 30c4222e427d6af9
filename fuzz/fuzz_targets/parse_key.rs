//! `cargo +nightly fuzz run parse_key`: the key parser must never panic, and
//! whatever it accepts must be short and re-parse to the same parts.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(parts) = keywarden_core::key::parse(text) {
        assert!(text.len() <= keywarden_core::key::MAX_KEY_LEN);
        let again = keywarden_core::key::parse(parts.expose()).unwrap();
        assert_eq!(again.prefix(), parts.prefix());
        assert_eq!(again.environment(), parts.environment());
    }
});
