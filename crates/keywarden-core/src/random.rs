//! The one source of randomness in keywarden: the operating system's CSPRNG.

/// Fills `buf` from the operating system's CSPRNG (`getrandom`).
///
/// # Panics
///
/// When the operating system cannot provide randomness. No key or secret may
/// ever come out of a failed random source, and there is no safe fallback, so
/// stopping is the only correct answer. On Linux this happens only before the
/// kernel's pool is initialised at boot, when `getrandom(2)` blocks instead.
pub fn fill(buf: &mut [u8]) {
    if let Err(err) = getrandom::fill(buf) {
        panic!("the operating system's random number generator failed: {err}");
    }
}

/// `N` fresh random bytes.
pub fn bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    fill(&mut buf);
    buf
}

/// A random string of `len` base62 characters, drawn without modulo bias.
pub fn base62_string(len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut pool = [0u8; 64];
    while out.len() < len {
        fill(&mut pool);
        for &b in &pool {
            // 248 = 4 * 62: bytes at or above it would favour the first digits.
            if b < 248 {
                out.push(char::from(crate::base62::ALPHABET[usize::from(b % 62)]));
                if out.len() == len {
                    break;
                }
            }
        }
    }
    out
}
