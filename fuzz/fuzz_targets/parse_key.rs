//! `cargo +nightly fuzz run parse_key`: see `keywarden_fuzz::parse_key` for what must
//! hold; its seeds are in `seeds/parse_key/`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keywarden_fuzz::parse_key(data));
