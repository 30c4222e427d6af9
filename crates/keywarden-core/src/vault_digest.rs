//! What a scanner is told of a vault value for one scan (`keywarden scan
//! --vault`), never the value: under a key made for that scan, the
//! HMAC-SHA256 of the value ([`digest`]), and a 16-bit tag ([`tag`]) from
//! SipHash-2-4 under a key derived from it ([`tag_key`]). The scanner
//! computes the cheap tag of every candidate token first and the HMAC only
//! of those whose tag and length match a value's: a token costs a few
//! nanoseconds instead of two SHA-256 compressions. The server and the
//! scanner share these functions, so they agree across versions.
//!
//! The tag narrows an offline guess at a value by 16 bits before the HMAC
//! decides; whoever holds a scan's answer can test guesses against the HMAC
//! anyway, so values that fall to guessing are weak with or without it.

use std::hash::Hasher;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// HMAC-SHA256 of `value` under the scan's `key`.
pub fn digest(key: &[u8; 32], value: &[u8]) -> [u8; 32] {
    // An HMAC takes a key of any length: this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(value);
    mac.finalize().into_bytes().into()
}

/// The tag key of a scan's `key`.
pub fn tag_key(key: &[u8; 32]) -> [u8; 16] {
    let full = digest(key, b"keywarden vault tag v1");
    let mut out = [0u8; 16];
    out.copy_from_slice(&full[..16]);
    out
}

/// The 16-bit tag of `value` under a scan's tag key.
pub fn tag(tag_key: &[u8; 16], value: &[u8]) -> u16 {
    let mut h = siphasher::sip::SipHasher24::new_with_key(tag_key);
    h.write(value);
    (h.finish() & 0xffff) as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers() {
        // RFC 4231 test case 2 shape: a short key, padded to 32 bytes here.
        let key = [7u8; 32];
        let d = digest(&key, b"hunter2-very-secret");
        assert_ne!(d, digest(&[8u8; 32], b"hunter2-very-secret"));
        assert_eq!(d, digest(&key, b"hunter2-very-secret"));
        let tk = tag_key(&key);
        assert_eq!(tag(&tk, b"abc"), tag(&tk, b"abc"));
        assert_ne!(tag_key(&[8u8; 32]), tk);
        // SipHash-2-4 reference vector (key 00..0f, empty message):
        // 0x726fdb47dd0e0e31.
        let reference: [u8; 16] = core::array::from_fn(|i| i as u8);
        let mut h = siphasher::sip::SipHasher24::new_with_key(&reference);
        h.write(b"");
        assert_eq!(h.finish(), 0x726f_db47_dd0e_0e31);
        assert_eq!(tag(&reference, b""), 0x0e31);
    }
}
