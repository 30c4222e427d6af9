//! `cargo +nightly fuzz run betterleaks_filter`: see `keywarden_fuzz::betterleaks_filter` for
//! what must hold; its seeds are in `seeds/betterleaks_filter/`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keywarden_fuzz::betterleaks_filter(data));
