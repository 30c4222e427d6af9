//! Envelope encryption for recoverable keys: the secret is sealed with
//! AES-256-GCM under a fresh per-record data key, and the data key is sealed
//! under the master key. Both use the record's id as associated data, so a
//! ciphertext moved to another record does not open.

use std::fmt;

use aes_gcm::{
    Aes256Gcm, Nonce,
    aead::{Aead, KeyInit, Payload},
};
use zeroize::Zeroizing;

const NONCE_LEN: usize = 12;

/// Why sealing or opening failed. Deliberately without detail: an attacker
/// learns nothing from the difference between a wrong key and a forgery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// The master key is not 32 bytes of hex or base64.
    #[error("the master key must be 32 bytes, written as hex or base64")]
    BadMasterKey,
    /// The ciphertext does not open under this key and associated data.
    #[error("the sealed secret does not open with this master key")]
    Open,
}

/// The master key (`KEYWARDEN_MASTER_KEY`): 32 bytes, zeroized on drop.
#[derive(Clone)]
pub struct MasterKey(Zeroizing<[u8; 32]>);

impl MasterKey {
    /// Reads 32 bytes written as hex or base64.
    pub fn from_config(text: &str) -> Result<Self, EnvelopeError> {
        let bytes = Zeroizing::new(
            crate::digest::decode_secret_text(text.trim()).ok_or(EnvelopeError::BadMasterKey)?,
        );
        let array: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| EnvelopeError::BadMasterKey)?;
        Ok(Self(Zeroizing::new(array)))
    }

    /// A fresh random master key.
    pub fn generate() -> Self {
        Self(Zeroizing::new(crate::random::bytes::<32>()))
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey([REDACTED])")
    }
}

/// A sealed secret: `nonce || ciphertext` of the secret under the data key,
/// and of the data key under the master key.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed {
    /// The secret under the data key.
    pub ciphertext: Vec<u8>,
    /// The data key under the master key.
    pub wrapped_key: Vec<u8>,
}

impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sealed(..)")
    }
}

pub(crate) fn seal_with(
    key: &[u8; 32],
    plaintext: &[u8],
    aad: &[u8],
) -> Result<Vec<u8>, EnvelopeError> {
    let cipher = Aes256Gcm::new_from_slice(key).map_err(|_| EnvelopeError::Open)?;
    let nonce = crate::random::bytes::<NONCE_LEN>();
    let body = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| EnvelopeError::Open)?;
    let mut out = Vec::with_capacity(NONCE_LEN + body.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&body);
    Ok(out)
}

pub(crate) fn open_with(
    key: &[u8; 32],
    sealed: &[u8],
    aad: &[u8],
) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
    if sealed.len() < NONCE_LEN {
        return Err(EnvelopeError::Open);
    }
    let (nonce, body) = sealed.split_at(NONCE_LEN);
    let cipher = Aes256Gcm::new_from_slice(key).map_err(|_| EnvelopeError::Open)?;
    cipher
        .decrypt(Nonce::from_slice(nonce), Payload { msg: body, aad })
        .map(Zeroizing::new)
        .map_err(|_| EnvelopeError::Open)
}

/// Seals `secret` for the record `record_id`.
///
/// ```
/// use keywarden_core::envelope::{MasterKey, seal, open};
/// let master = MasterKey::generate();
/// let sealed = seal(&master, b"kw_live_...", "key_0123456789abcdef").unwrap();
/// assert_eq!(&open(&master, &sealed, "key_0123456789abcdef").unwrap()[..], b"kw_live_...");
/// assert!(open(&master, &sealed, "key_another000000000").is_err());
/// ```
pub fn seal(master: &MasterKey, secret: &[u8], record_id: &str) -> Result<Sealed, EnvelopeError> {
    let data_key = Zeroizing::new(crate::random::bytes::<32>());
    let aad = record_id.as_bytes();
    Ok(Sealed {
        ciphertext: seal_with(&data_key, secret, aad)?,
        wrapped_key: seal_with(&master.0, data_key.as_ref(), aad)?,
    })
}

/// Opens a secret sealed by [`seal`] for the same record.
pub fn open(
    master: &MasterKey,
    sealed: &Sealed,
    record_id: &str,
) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
    let aad = record_id.as_bytes();
    let data_key = open_with(&master.0, &sealed.wrapped_key, aad)?;
    let data_key: [u8; 32] = data_key
        .as_slice()
        .try_into()
        .map_err(|_| EnvelopeError::Open)?;
    let data_key = Zeroizing::new(data_key);
    open_with(&data_key, &sealed.ciphertext, aad)
}

/// A record's data key, opened (zeroized on drop): what a master key
/// rotation seals again under the new master key, leaving the sealed
/// secret as it is.
pub struct DataKey(Zeroizing<[u8; 32]>);

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey([REDACTED])")
    }
}

/// Opens a record's sealed data key (`Sealed::wrapped_key`) with `master`.
pub fn unwrap_data_key(
    master: &MasterKey,
    wrapped: &[u8],
    record_id: &str,
) -> Result<DataKey, EnvelopeError> {
    let bytes = open_with(&master.0, wrapped, record_id.as_bytes())?;
    let key: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| EnvelopeError::Open)?;
    Ok(DataKey(Zeroizing::new(key)))
}

/// Seals a data key under `master` for the record `record_id`.
pub fn wrap_data_key(
    master: &MasterKey,
    key: &DataKey,
    record_id: &str,
) -> Result<Vec<u8>, EnvelopeError> {
    seal_with(&master.0, key.0.as_ref(), record_id.as_bytes())
}

/// Opens a secret sealed by [`seal`] with the first of `masters` that
/// opens it (the current master key, then those it replaced while a
/// rotation runs).
pub fn open_any(
    masters: &[MasterKey],
    sealed: &Sealed,
    record_id: &str,
) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
    masters
        .iter()
        .find_map(|m| open(m, sealed, record_id).ok())
        .ok_or(EnvelopeError::Open)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_key_moves_to_a_new_master_key() {
        let (old, new) = (MasterKey::generate(), MasterKey::generate());
        let sealed = seal(&old, b"secret", "rec").unwrap();
        let key = unwrap_data_key(&old, &sealed.wrapped_key, "rec").unwrap();
        assert!(unwrap_data_key(&new, &sealed.wrapped_key, "rec").is_err());
        assert!(unwrap_data_key(&old, &sealed.wrapped_key, "other").is_err());
        let moved = Sealed {
            ciphertext: sealed.ciphertext.clone(),
            wrapped_key: wrap_data_key(&new, &key, "rec").unwrap(),
        };
        assert_eq!(&open(&new, &moved, "rec").unwrap()[..], b"secret");
        assert!(open(&old, &moved, "rec").is_err());
        let both = [new.clone(), old.clone()];
        assert_eq!(&open_any(&both, &sealed, "rec").unwrap()[..], b"secret");
        assert_eq!(&open_any(&both, &moved, "rec").unwrap()[..], b"secret");
        assert!(open_any(&[MasterKey::generate()], &moved, "rec").is_err());
    }

    #[test]
    fn round_trip_and_failures() {
        let master = MasterKey::generate();
        let sealed = seal(&master, b"secret", "key_a").unwrap();
        assert_eq!(&open(&master, &sealed, "key_a").unwrap()[..], b"secret");
        assert!(!sealed.ciphertext.windows(6).any(|w| w == b"secret"));
        // Another master key, another record, a flipped bit: all refused.
        assert_eq!(
            open(&MasterKey::generate(), &sealed, "key_a").unwrap_err(),
            EnvelopeError::Open
        );
        assert_eq!(
            open(&master, &sealed, "key_b").unwrap_err(),
            EnvelopeError::Open
        );
        let mut bad = sealed.clone();
        bad.ciphertext[14] ^= 1;
        assert_eq!(
            open(&master, &bad, "key_a").unwrap_err(),
            EnvelopeError::Open
        );
        let mut short = sealed.clone();
        short.wrapped_key.truncate(5);
        assert_eq!(
            open(&master, &short, "key_a").unwrap_err(),
            EnvelopeError::Open
        );
    }

    #[test]
    fn master_key_config() {
        assert!(MasterKey::from_config(&"ab".repeat(32)).is_ok());
        assert_eq!(
            MasterKey::from_config("abcd").unwrap_err(),
            EnvelopeError::BadMasterKey
        );
        assert_eq!(
            MasterKey::from_config(&"ab".repeat(33)).unwrap_err(),
            EnvelopeError::BadMasterKey
        );
        assert_eq!(
            format!("{:?}", MasterKey::generate()),
            "MasterKey([REDACTED])"
        );
    }
}
