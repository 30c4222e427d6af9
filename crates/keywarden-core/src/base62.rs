//! Base62 as KEY-FORMAT.md defines it: a big-endian unsigned integer written
//! with the alphabet `0-9A-Za-z`, left-padded with `0` to a fixed width.

/// The alphabet, in digit order. Its ASCII order is also its digit order,
/// so fixed-width base62 strings compare like the numbers they encode.
pub const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The value of one base62 digit, or `None` for any other byte.
#[inline]
pub const fn digit_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'Z' => Some(b - b'A' + 10),
        b'a'..=b'z' => Some(b - b'a' + 36),
        _ => None,
    }
}

/// Whether every byte of `s` is a base62 digit.
#[inline]
pub fn is_base62(s: &[u8]) -> bool {
    s.iter().all(|b| b.is_ascii_alphanumeric())
}

/// Writes the big-endian integer `bytes` in exactly `width` base62 digits.
///
/// Returns `None` when the number needs more than `width` digits.
pub fn encode_fixed(bytes: &[u8], width: usize) -> Option<String> {
    let mut num = bytes.to_vec();
    let mut digits = vec![b'0'; width];
    for slot in digits.iter_mut().rev() {
        let mut rem: u32 = 0;
        for byte in num.iter_mut() {
            let acc = (rem << 8) | u32::from(*byte);
            // acc < 62 * 256, so the quotient fits in a byte.
            *byte = (acc / 62) as u8;
            rem = acc % 62;
        }
        *slot = ALPHABET[rem as usize];
    }
    if num.iter().any(|&b| b != 0) {
        return None;
    }
    // Every byte written comes from ALPHABET, which is ASCII.
    String::from_utf8(digits).ok()
}

/// The number of base62 digits that can hold any `n`-byte number.
pub fn width_for_bytes(n: usize) -> usize {
    // 62^k >= 256^n  <=>  k >= n * 8 / log2(62)
    let bits = (n as f64) * 8.0;
    (bits / 62f64.log2()).ceil() as usize
}

/// Writes `value` in exactly `width` base62 digits (`None` if it does not fit).
pub fn encode_u64(mut value: u64, width: usize) -> Option<String> {
    let mut digits = vec![b'0'; width];
    for slot in digits.iter_mut().rev() {
        *slot = ALPHABET[(value % 62) as usize];
        value /= 62;
    }
    if value != 0 {
        return None;
    }
    String::from_utf8(digits).ok()
}

/// Reads up to 10 base62 digits as a number (`None` on a non-digit or overflow).
pub fn decode_u64(s: &[u8]) -> Option<u64> {
    if s.len() > 10 {
        return None;
    }
    let mut value: u64 = 0;
    for &b in s {
        value = value * 62 + u64::from(digit_value(b)?);
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_width_round_numbers() {
        assert_eq!(encode_fixed(&[0, 0], 3).as_deref(), Some("000"));
        assert_eq!(encode_fixed(&[0, 61], 3).as_deref(), Some("00z"));
        assert_eq!(encode_fixed(&[0, 62], 3).as_deref(), Some("010"));
        assert_eq!(encode_fixed(&[255, 255], 2), None);
        assert_eq!(encode_u64(62 * 62, 3).as_deref(), Some("100"));
        assert_eq!(decode_u64(b"100"), Some(3844));
        assert_eq!(decode_u64(b"1_0"), None);
    }

    #[test]
    fn widths() {
        assert_eq!(width_for_bytes(32), 43);
        assert_eq!(width_for_bytes(4), 6);
        assert_eq!(width_for_bytes(1), 2);
    }
}
