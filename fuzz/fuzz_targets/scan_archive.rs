//! `cargo +nightly fuzz run scan_archive`: see `keywarden_fuzz::scan_archive` for what must
//! hold; its seeds are in `seeds/scan_archive/`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keywarden_fuzz::scan_archive(data));
