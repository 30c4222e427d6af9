//! `cargo +nightly fuzz run parse_permission_query`: see `keywarden_fuzz::parse_permission_query` for what must
//! hold; its seeds are in `seeds/parse_permission_query/`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keywarden_fuzz::parse_permission_query(data));
