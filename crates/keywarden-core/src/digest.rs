//! Keyed digests of keys: HMAC-SHA256 under a server-side, versioned pepper.
//!
//! The store keeps only these digests. A fast keyed hash is right for 256-bit
//! keys (see KEY-FORMAT.md); the pepper means a stolen database alone does
//! not even let an attacker test a candidate key offline.

use std::fmt;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Smallest pepper accepted, in bytes.
pub const MIN_PEPPER_BYTES: usize = 32;

/// A digest of a key: 32 bytes. It compares only through
/// [`subtle::ConstantTimeEq`]; there is no `PartialEq`, so `==` (which may
/// stop at the first differing byte) does not compile:
///
/// ```compile_fail
/// use keywarden_core::digest::Pepper;
/// let pepper = Pepper::new(1, &[7; 32]).unwrap();
/// let (a, b) = (pepper.digest("kw_live_a"), pepper.digest("kw_live_b"));
/// let _ = a == b;
/// ```
///
/// ```
/// use keywarden_core::digest::Pepper;
/// use subtle::ConstantTimeEq;
/// let pepper = Pepper::new(1, &[7; 32]).unwrap();
/// let (a, b) = (pepper.digest("kw_live_a"), pepper.digest("kw_live_b"));
/// assert!(!bool::from(a.ct_eq(&b)));
/// ```
#[derive(Clone, Copy)]
pub struct KeyDigest([u8; 32]);

impl KeyDigest {
    /// The raw bytes, for the store's lookup index.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// From stored bytes (`None` unless exactly 32 of them).
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok().map(Self)
    }

    /// Lowercase hex.
    pub fn to_hex(&self) -> String {
        hex_lower(&self.0)
    }
}

impl ConstantTimeEq for KeyDigest {
    fn ct_eq(&self, other: &Self) -> subtle::Choice {
        self.0.ct_eq(&other.0)
    }
}

impl fmt::Debug for KeyDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A digest is not the key, but there's no reason to print all of it.
        write!(f, "KeyDigest({}…)", &self.to_hex()[..8])
    }
}

pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// Why a pepper was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PepperError {
    /// Fewer than [`MIN_PEPPER_BYTES`] bytes.
    #[error("the pepper must be at least {MIN_PEPPER_BYTES} bytes, got {0}")]
    TooShort(usize),
    /// Not `[<version>:]<hex or base64>`.
    #[error("the pepper must be written as [<version>:]<hex or base64>")]
    Encoding,
    /// Version 0 or not a number.
    #[error("the pepper version must be a whole number from 1")]
    Version,
}

/// A versioned HMAC key. The keyed HMAC state is computed once and cloned
/// for each digest, so a digest costs two SHA-256 blocks, not four.
#[derive(Clone)]
pub struct Pepper {
    version: u32,
    key: Zeroizing<Vec<u8>>,
    mac: Hmac<Sha256>,
}

impl Pepper {
    /// A pepper from raw bytes.
    pub fn new(version: u32, key: &[u8]) -> Result<Self, PepperError> {
        if version == 0 {
            return Err(PepperError::Version);
        }
        if key.len() < MIN_PEPPER_BYTES {
            return Err(PepperError::TooShort(key.len()));
        }
        let mac = <Hmac<Sha256> as Mac>::new_from_slice(key).map_err(|_| PepperError::Encoding)?;
        Ok(Self {
            version,
            key: Zeroizing::new(key.to_vec()),
            mac,
        })
    }

    /// A fresh 32-byte pepper from the OS CSPRNG.
    pub fn generate(version: u32) -> Result<Self, PepperError> {
        let bytes = Zeroizing::new(crate::random::bytes::<32>());
        Self::new(version, bytes.as_ref())
    }

    /// Reads `[<version>:]<hex or base64>`, as `KEYWARDEN_PEPPER` and the
    /// pepper file hold it. Without a version, the version is 1.
    pub fn from_config(text: &str) -> Result<Self, PepperError> {
        let text = text.trim();
        let (version, encoded) = match text.split_once(':') {
            Some((v, rest)) => (v.parse::<u32>().map_err(|_| PepperError::Version)?, rest),
            None => (1, text),
        };
        let bytes = Zeroizing::new(decode_secret_text(encoded).ok_or(PepperError::Encoding)?);
        Self::new(version, &bytes)
    }

    /// The text [`Pepper::from_config`] reads back.
    pub fn to_config(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("{}:{}", self.version, hex_lower(&self.key)))
    }

    /// Its version, stored beside every digest made with it.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// HMAC-SHA256 of the whole key string.
    pub fn digest(&self, key: &str) -> KeyDigest {
        let mut mac = self.mac.clone();
        mac.update(key.as_bytes());
        KeyDigest(mac.finalize().into_bytes().into())
    }

    /// HMAC-SHA256 of arbitrary bytes under this pepper (audit chains, ids of
    /// unknown keys in logs).
    pub fn mac(&self, data: &[u8]) -> [u8; 32] {
        let mut mac = self.mac.clone();
        mac.update(data);
        mac.finalize().into_bytes().into()
    }

    /// HMAC-SHA256 of `label` then `secret` under this pepper: the stored
    /// id of a session token, or a token derived from one (its CSRF token),
    /// one label per use so that no two uses share a value. Nothing is
    /// copied (the secret is fed to the HMAC as it is).
    pub fn mac_labeled(&self, label: &[u8], secret: &[u8]) -> [u8; 32] {
        let mut mac = self.mac.clone();
        mac.update(label);
        mac.update(secret);
        mac.finalize().into_bytes().into()
    }
}

impl fmt::Debug for Pepper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pepper(v{}, [REDACTED])", self.version)
    }
}

/// Hex (even length) or standard/URL-safe base64, padded or not.
pub(crate) fn decode_secret_text(text: &str) -> Option<Vec<u8>> {
    if text.len().is_multiple_of(2) && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return hex::decode(text).ok();
    }
    let engines = [
        &base64::engine::general_purpose::STANDARD,
        &base64::engine::general_purpose::STANDARD_NO_PAD,
        &base64::engine::general_purpose::URL_SAFE,
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    engines.iter().find_map(|e| e.decode(text).ok())
}

/// The current pepper and the ones before it, for keys digested before a
/// pepper rotation.
#[derive(Clone, Debug)]
pub struct PepperRing {
    current: Pepper,
    previous: Vec<Pepper>,
}

impl PepperRing {
    /// A ring with one pepper.
    pub fn new(current: Pepper) -> Self {
        Self {
            current,
            previous: Vec::new(),
        }
    }

    /// Adds peppers that were current before.
    pub fn with_previous(mut self, previous: impl IntoIterator<Item = Pepper>) -> Self {
        self.previous.extend(previous);
        self
    }

    /// The pepper new digests are made with.
    pub fn current(&self) -> &Pepper {
        &self.current
    }

    /// The older peppers, newest first as given.
    pub fn previous(&self) -> &[Pepper] {
        &self.previous
    }

    /// Every pepper, the current one first.
    pub fn iter(&self) -> impl Iterator<Item = &Pepper> {
        std::iter::once(&self.current).chain(&self.previous)
    }

    /// The pepper of a given version.
    pub fn get(&self, version: u32) -> Option<&Pepper> {
        self.iter().find(|p| p.version == version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_format_digest_vector() {
        let pepper = Pepper::new(1, &[0x0b; 32]).unwrap();
        let digest = pepper.digest("kw_test_003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf18Bk99");
        assert_eq!(
            digest.to_hex(),
            "49d839e615dc0dedbbe766769a3351ce74912feb73e1e54183f82a42da930799"
        );
    }

    #[test]
    fn digests_depend_on_pepper_and_key() {
        let a = Pepper::new(1, &[1; 32]).unwrap();
        let b = Pepper::new(2, &[2; 32]).unwrap();
        assert!(!bool::from(a.digest("x").ct_eq(&b.digest("x"))));
        assert!(!bool::from(a.digest("x").ct_eq(&a.digest("y"))));
        assert!(bool::from(a.digest("x").ct_eq(&a.digest("x"))));
    }

    #[test]
    fn config_round_trip_and_errors() {
        let p = Pepper::generate(3).unwrap();
        let back = Pepper::from_config(&p.to_config()).unwrap();
        assert_eq!(back.version(), 3);
        assert!(bool::from(back.digest("k").ct_eq(&p.digest("k"))));
        assert_eq!(
            Pepper::from_config(&"ab".repeat(16)).unwrap_err(),
            PepperError::TooShort(16)
        );
        assert_eq!(
            Pepper::from_config("0:abcd").unwrap_err(),
            PepperError::Version
        );
        assert_eq!(
            Pepper::from_config("x:abcd").unwrap_err(),
            PepperError::Version
        );
        assert_eq!(
            Pepper::from_config("!!!").unwrap_err(),
            PepperError::Encoding
        );
        let b64 = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
        assert_eq!(Pepper::from_config(b64).unwrap().version(), 1);
        assert!(!format!("{p:?}").contains(&p.to_config()[2..10]));
    }

    #[test]
    fn ring_finds_versions() {
        let ring = PepperRing::new(Pepper::new(2, &[2; 32]).unwrap())
            .with_previous([Pepper::new(1, &[1; 32]).unwrap()]);
        assert_eq!(ring.current().version(), 2);
        assert_eq!(ring.get(1).unwrap().version(), 1);
        assert!(ring.get(3).is_none());
    }
}
