//! Shannon entropy of a candidate value, in bits per character.

/// Shannon entropy of the bytes of `s`, in bits per byte: 0 for a repeated
/// character, up to log2(alphabet) for uniform random text (about 5.95 for
/// base62, 6 for base64, 4 for hex).
///
/// ```
/// use keywarden_scan::entropy::shannon;
/// assert_eq!(shannon(b"aaaaaaaa"), 0.0);
/// assert!((shannon(b"abcdefgh") - 3.0).abs() < 1e-9);
/// ```
pub fn shannon(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        counts[usize::from(b)] += 1;
    }
    let len = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

/// Whether every byte is a hex digit (a hex value is held to a lower
/// entropy bar: its alphabet has 16 symbols, not 64).
pub fn is_hex(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(u8::is_ascii_hexdigit)
}
