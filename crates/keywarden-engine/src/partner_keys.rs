//! The public keys GitHub signs secret-scanning reports with, read from a
//! file in GitHub's own meta format (what
//! `https://api.github.com/meta/public_keys/secret_scanning` serves):
//!
//! ```json
//! {"public_keys": [{"key_identifier": "…", "key": "-----BEGIN PUBLIC KEY-----…", "is_current": true}]}
//! ```
//!
//! The file is read again whenever its modification time or length
//! changes, so an operator (or a cron job) refreshes it by replacing it; no
//! restart or signal is needed. A file that cannot be read or holds no
//! usable key keeps the keys last read (and is logged); with none read yet,
//! reports cannot be checked and are answered 503.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::SystemTime,
};

use base64::Engine;
use p256::{
    ecdsa::{DerSignature, VerifyingKey, signature::Verifier},
    pkcs8::DecodePublicKey,
};
use serde::Deserialize;

/// Largest key file read: GitHub's holds a handful of PEM keys (~2 KB).
const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Why a signature was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureError {
    /// No key of the file has this identifier.
    UnknownKey,
    /// The signature is not base64 of a DER ECDSA signature.
    Malformed,
    /// The signature does not match the body.
    Mismatch,
}

impl SignatureError {
    /// For the client: what was wrong (never which keys exist).
    pub fn reason(self) -> &'static str {
        match self {
            Self::UnknownKey => "Github-Public-Key-Identifier names no known key",
            Self::Malformed => "Github-Public-Key-Signature is not a base64 DER ECDSA signature",
            Self::Mismatch => "the signature does not match the body",
        }
    }
}

/// The keys of one reading of the file, by identifier.
#[derive(Debug, Default)]
pub struct KeySet(HashMap<String, VerifyingKey>);

impl KeySet {
    /// Parses GitHub's meta format. Entries whose key is not a P-256 PEM
    /// public key are skipped (and logged); a document without any usable
    /// key is an error.
    pub fn parse(text: &[u8]) -> Result<Self, String> {
        #[derive(Deserialize)]
        struct Meta {
            public_keys: Vec<Entry>,
        }
        #[derive(Deserialize)]
        struct Entry {
            key_identifier: String,
            key: String,
        }
        let meta: Meta = serde_json::from_slice(text)
            .map_err(|e| format!("not GitHub's public_keys document: {e}"))?;
        let mut keys = HashMap::new();
        for entry in meta.public_keys {
            match VerifyingKey::from_public_key_pem(entry.key.trim()) {
                Ok(key) => {
                    keys.insert(entry.key_identifier, key);
                }
                Err(e) => tracing::warn!(
                    key_identifier = %keywarden_core::names::display_safe(&entry.key_identifier, 100),
                    error = %e,
                    "skipping a GitHub partner key that is not a P-256 public key"
                ),
            }
        }
        if keys.is_empty() {
            return Err("the document holds no P-256 public key".into());
        }
        Ok(Self(keys))
    }

    /// Checks `signature` (base64 of DER ECDSA P-256 / SHA-256) over `body`
    /// with the key named `key_id`.
    pub fn verify(&self, key_id: &str, signature: &str, body: &[u8]) -> Result<(), SignatureError> {
        let key = self.0.get(key_id).ok_or(SignatureError::UnknownKey)?;
        let der = base64::engine::general_purpose::STANDARD
            .decode(signature.trim())
            .map_err(|_| SignatureError::Malformed)?;
        let signature = DerSignature::from_bytes(&der).map_err(|_| SignatureError::Malformed)?;
        key.verify(body, &signature)
            .map_err(|_| SignatureError::Mismatch)
    }

    /// How many keys were read.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no key was read.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What identifies one version of the file.
type Stamp = (Option<SystemTime>, u64);

/// The key file, read again when it changes.
#[derive(Debug)]
pub struct PartnerKeys {
    path: PathBuf,
    current: Mutex<Option<(Stamp, Arc<KeySet>)>>,
}

impl PartnerKeys {
    /// The keys of the file at `path` (not read yet).
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            current: Mutex::new(None),
        }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The keys in effect: read again if the file changed since the last
    /// reading. `None` when no reading has ever succeeded.
    pub async fn keys(&self) -> Option<Arc<KeySet>> {
        let known = self.cached();
        let stamp = match tokio::fs::metadata(&self.path).await {
            Ok(meta) => (meta.modified().ok(), meta.len()),
            Err(e) => {
                tracing::error!(path = %self.path.display(), error = %e,
                    "cannot read the GitHub partner key file; keeping the keys last read");
                return known.map(|(_, keys)| keys);
            }
        };
        if let Some((seen, keys)) = &known
            && *seen == stamp
        {
            return Some(keys.clone());
        }
        match self.read().await {
            Ok(keys) => {
                let keys = Arc::new(keys);
                tracing::info!(path = %self.path.display(), keys = keys.len(), "GitHub partner keys read");
                if let Ok(mut current) = self.current.lock() {
                    *current = Some((stamp, keys.clone()));
                }
                Some(keys)
            }
            Err(e) => {
                tracing::error!(path = %self.path.display(), error = %e,
                    "the GitHub partner key file is not usable; keeping the keys last read");
                known.map(|(_, keys)| keys)
            }
        }
    }

    /// Reads and parses the file now (start-up checks it this way).
    pub async fn read(&self) -> Result<KeySet, String> {
        let meta = tokio::fs::metadata(&self.path)
            .await
            .map_err(|e| format!("cannot read {}: {e}", self.path.display()))?;
        if meta.len() > MAX_FILE_BYTES {
            return Err(format!(
                "{} is larger than {MAX_FILE_BYTES} bytes",
                self.path.display()
            ));
        }
        let text = tokio::fs::read(&self.path)
            .await
            .map_err(|e| format!("cannot read {}: {e}", self.path.display()))?;
        KeySet::parse(&text).map_err(|e| format!("{}: {e}", self.path.display()))
    }

    fn cached(&self) -> Option<(Stamp, Arc<KeySet>)> {
        self.current.lock().ok().and_then(|c| c.clone())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn documents_without_a_usable_key_are_refused() {
        assert!(KeySet::parse(b"{}").is_err());
        assert!(KeySet::parse(br#"{"public_keys": []}"#).is_err());
        assert!(
            KeySet::parse(
                br#"{"public_keys": [{"key_identifier": "a", "key": "not pem", "is_current": true}]}"#
            )
            .is_err()
        );
    }
}
