//! `cargo +nightly fuzz run strength_check`: see `keywarden_fuzz::strength_check` for what must
//! hold; its seeds are in `seeds/strength_check/`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keywarden_fuzz::strength_check(data));
