//! `cargo +nightly fuzz run scan_buffer`: see `keywarden_fuzz::scan_buffer` for what must
//! hold; its seeds are in `seeds/scan_buffer/`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keywarden_fuzz::scan_buffer(data));
