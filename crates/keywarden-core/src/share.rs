//! One-time share links: a new key sealed so that only the holder of the
//! link's fragment can open it, in a browser, with WebCrypto.
//!
//! The link is `<base>/s/<id>#<secret>`: `secret` is 32 random bytes
//! (base64url, no padding) that browsers never send to a server. The key is
//! sealed with AES-256-GCM under `HMAC-SHA256(secret, "keywarden share v1")`
//! with a random 96-bit nonce and the share id as associated data; the
//! server keeps `nonce || ciphertext` and forgets the secret. The share
//! page derives the same key with `crypto.subtle` (HMAC, then AES-GCM).
//!
//! Opening a link needs the fragment too, not only the id (which travels in
//! the URL path: proxy logs, history, link unfurlers): the page sends
//! `HMAC-SHA256(secret, "keywarden share open v1")`, and the server, which
//! keeps only that proof's SHA-256, gives the ciphertext away only for the
//! matching proof.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::envelope::{open_with, seal_with};

/// What the derivation signs: the version of this scheme.
pub const INFO: &[u8] = b"keywarden share v1";

/// What the proof of holding the fragment signs.
pub const OPEN_INFO: &[u8] = b"keywarden share open v1";

/// A sealed key and the fragment that opens it.
pub struct Sealed {
    /// `nonce || ciphertext`, for the server to keep.
    pub sealed: Vec<u8>,
    /// SHA-256 of the proof that opens the link ([`proof`]), for the
    /// server to keep.
    pub proof_hash: [u8; 32],
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

/// HMAC-SHA256(secret, info): what a link's secret derives.
fn derived(secret: &[u8], info: &[u8]) -> Option<Zeroizing<[u8; 32]>> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).ok()?;
    mac.update(info);
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&mac.finalize().into_bytes());
    Some(out)
}

/// The AES-256-GCM key of a link's secret.
fn derive(secret: &[u8]) -> Option<Zeroizing<[u8; 32]>> {
    derived(secret, INFO)
}

/// The proof of holding a link's secret: HMAC-SHA256(secret, [`OPEN_INFO`]).
fn open_proof(secret: &[u8]) -> Option<Zeroizing<[u8; 32]>> {
    derived(secret, OPEN_INFO)
}

/// The proof a link's page sends to open it (base64url, no padding), from
/// the link's fragment: what the share page computes with WebCrypto.
pub fn proof(fragment: &str) -> Option<Zeroizing<String>> {
    let secret = Zeroizing::new(URL_SAFE_NO_PAD.decode(fragment).ok()?);
    let proof = open_proof(&secret)?;
    Some(Zeroizing::new(URL_SAFE_NO_PAD.encode(proof.as_slice())))
}

/// The SHA-256 of a proof as sent (base64url), to compare with the stored
/// [`Sealed::proof_hash`]; `None` when it is no proof at all.
pub fn proof_hash(proof: &str) -> Option<[u8; 32]> {
    use sha2::Digest;
    if proof.len() > 64 {
        return None;
    }
    let bytes = Zeroizing::new(URL_SAFE_NO_PAD.decode(proof).ok()?);
    (bytes.len() == 32).then(|| Sha256::digest(bytes.as_slice()).into())
}

/// Seals `plaintext` for the share `id` (`nonce || ciphertext`, the same
/// layout as the envelope of recoverable keys).
pub fn seal(plaintext: &str, id: &str) -> Option<Sealed> {
    use sha2::Digest;
    let secret = Zeroizing::new(crate::random::bytes::<32>());
    let key = derive(secret.as_slice())?;
    let sealed = seal_with(&key, plaintext.as_bytes(), id.as_bytes()).ok()?;
    let proof = open_proof(secret.as_slice())?;
    Some(Sealed {
        sealed,
        proof_hash: Sha256::digest(proof.as_slice()).into(),
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

    #[test]
    fn only_the_fragments_proof_matches_the_stored_hash() {
        let s = seal("kw_live_secret", "shr_1").unwrap();
        let proof = proof(&s.fragment).unwrap();
        assert_eq!(proof_hash(&proof), Some(s.proof_hash));
        let other = seal("kw_live_secret", "shr_1").unwrap();
        assert_ne!(
            proof_hash(&super::proof(&other.fragment).unwrap()),
            Some(s.proof_hash)
        );
        // The fragment itself, or anything else, is no proof.
        assert_ne!(proof_hash(&s.fragment), Some(s.proof_hash));
        assert_eq!(proof_hash(""), None);
        assert_eq!(proof_hash("not base64!"), None);
        assert_eq!(proof_hash(&"A".repeat(65)), None);
        // Known answer: HMAC-SHA256(32 zero bytes, OPEN_INFO), what the
        // share page's WebCrypto computes for the fragment of a zero secret.
        let zero = URL_SAFE_NO_PAD.encode([0u8; 32]);
        let expected = {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&[0u8; 32]).unwrap();
            mac.update(b"keywarden share open v1");
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        };
        assert_eq!(super::proof(&zero).unwrap().as_str(), expected);
    }
}
