//! One-time share links: a new key sealed so that only the holder of the
//! link's fragment can open it, in a browser, with WebCrypto.
//!
//! The link is `<base>/s/<id>#<secret>`: `secret` is 32 random bytes
//! (base64url, no padding) that browsers never send to a server. The key is
//! sealed with AES-256-GCM under `HMAC-SHA256(secret, "keywarden share v1")`
//! with a random 96-bit nonce and the share id as associated data; the
//! server keeps `nonce || ciphertext` and forgets the secret. The share
//! page derives the same key with `crypto.subtle` (HMAC, then AES-GCM).

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::envelope::{open_with, seal_with};

/// What the derivation signs: the version of this scheme.
pub const INFO: &[u8] = b"keywarden share v1";

/// A sealed key and the fragment that opens it.
pub struct Sealed {
    /// `nonce || ciphertext`, for the server to keep.
    pub sealed: Vec<u8>,
    /// The link's fragment (base64url): shown once, never stored.
    pub fragment: Zeroizing<String>,
}

impl std::fmt::Debug for Sealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealed")
            .field("sealed", &self.sealed.len())
            .finish_non_exhaustive()
    }
}

/// The AES-256-GCM key of a link's secret.
fn derive(secret: &[u8]) -> Option<Zeroizing<[u8; 32]>> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).ok()?;
    mac.update(INFO);
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&mac.finalize().into_bytes());
    Some(key)
}

/// Seals `plaintext` for the share `id` (`nonce || ciphertext`, the same
/// layout as the envelope of recoverable keys).
pub fn seal(plaintext: &str, id: &str) -> Option<Sealed> {
    let secret = Zeroizing::new(crate::random::bytes::<32>());
    let key = derive(secret.as_slice())?;
    let sealed = seal_with(&key, plaintext.as_bytes(), id.as_bytes()).ok()?;
    Some(Sealed {
        sealed,
        fragment: Zeroizing::new(URL_SAFE_NO_PAD.encode(secret.as_slice())),
    })
}

/// Opens what [`seal`] made, with the link's fragment (what the share page
/// does in the browser).
pub fn open(sealed: &[u8], id: &str, fragment: &str) -> Option<Zeroizing<String>> {
    let secret = Zeroizing::new(URL_SAFE_NO_PAD.decode(fragment).ok()?);
    let key = derive(&secret)?;
    let plain = open_with(&key, sealed, id.as_bytes()).ok()?;
    String::from_utf8(plain.to_vec()).ok().map(Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_with_the_fragment_and_the_id_only() {
        let s = seal("kw_live_secret", "shr_1").unwrap();
        assert_eq!(
            open(&s.sealed, "shr_1", &s.fragment)
                .as_deref()
                .map(String::as_str),
            Some("kw_live_secret")
        );
        assert!(
            open(&s.sealed, "shr_2", &s.fragment).is_none(),
            "another id"
        );
        let other = seal("x", "shr_1").unwrap();
        assert!(
            open(&s.sealed, "shr_1", &other.fragment).is_none(),
            "another fragment"
        );
        assert!(open(&s.sealed[..5], "shr_1", &s.fragment).is_none());
        assert_eq!(s.fragment.len(), 43);
    }
}
