//! `cargo +nightly fuzz run parse_duration`: see `keywarden_fuzz::parse_duration` for what must
//! hold; its seeds are in `seeds/parse_duration/`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keywarden_fuzz::parse_duration(data));
