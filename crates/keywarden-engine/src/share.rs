//! One-time share links, the making of them: a new key sealed into a link
//! stored with it (the server answers the link's page and its opening).
//!
//! `POST /v1/keys` (or a roll) with `share: {expires_in}` seals the key
//! (`keywarden_core::share`: AES-256-GCM under a key derived from a random
//! secret) and answers `share_url`: `<public_url>/s/<id>#<secret>`. The
//! store keeps only the ciphertext; the secret is in the fragment, which
//! browsers never send. `GET /s/<id>` is a page (the console's CSP: no
//! inline script) whose script, on a button press, asks `POST
//! /s/<id>/open` for the ciphertext with the proof that it holds the
//! fragment (`{"proof": HMAC-SHA256(secret, "keywarden share open v1")}`,
//! whose SHA-256 the store keeps) — the store deletes it in the same
//! transaction as the `key.share_opened` audit entry, so the link opens
//! once, and only for the holder of the whole link — and decrypts it with
//! WebCrypto.

use keywarden_core::{
    clock::parse_duration,
    secret::{PlaintextKey, SecretString},
};
use keywarden_store::NewShare;

use crate::{
    keys::error::{KeyError, KeyErrorKind, KeyField},
    node::Node,
};

/// Default lifetime of a link.
pub const DEFAULT_SHARE_MS: i64 = 86_400_000;
/// Longest lifetime of a link.
pub const MAX_SHARE_MS: i64 = keywarden_proto::MAX_SHARE_LIFETIME_MS;

pub use keywarden_proto::keys::ShareRequest;

/// A share link asked for, checked: how long it may live. Made before the
/// key is, so a bad share changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShareLifetime(i64);

impl ShareLifetime {
    /// The default: 24 hours.
    pub const DEFAULT: Self = Self(DEFAULT_SHARE_MS);

    /// The lifetime a request asks for.
    pub fn parse(request: &ShareRequest) -> Result<Self, KeyError> {
        match request.expires_in.as_deref() {
            None => Ok(Self::DEFAULT),
            Some(text) => parse_duration(text)
                .filter(|ms| *ms <= MAX_SHARE_MS)
                .map(Self)
                .ok_or_else(|| {
                    KeyError::invalid(
                        KeyField::Share,
                        "share.expires_in must be a duration of at most 7d, like 24h",
                    )
                }),
        }
    }
}

/// A link sealed for a new key, to store with it.
pub struct Sealed {
    row: NewShare,
    fragment: zeroize::Zeroizing<String>,
}

impl Sealed {
    /// Seals `key` into a new link living `lifetime` from `now`.
    pub fn new(key: &PlaintextKey, lifetime: ShareLifetime, now: i64) -> Result<Self, KeyError> {
        let id = format!("shr_{}", keywarden_core::random::base62_string(22));
        let sealed = keywarden_core::share::seal(key.expose(), &id).ok_or_else(|| KeyError {
            field: None,
            kind: KeyErrorKind::Internal("sealing a share failed".to_owned()),
            message: "internal error".to_owned(),
        })?;
        Ok(Self {
            row: NewShare {
                id,
                sealed: sealed.sealed,
                proof_hash: sealed.proof_hash,
                expires_at: now.saturating_add(lifetime.0),
            },
            fragment: sealed.fragment,
        })
    }

    /// What the store keeps (never the fragment).
    pub fn row(&self) -> &NewShare {
        &self.row
    }

    /// The link, with its fragment: a secret, shown once. Its base was
    /// checked by [`check_base`] before the key was made.
    pub fn url(&self, state: &Node) -> SecretString {
        SecretString::new(format!(
            "{}/s/{}#{}",
            state.config().effective_public_url(),
            self.row.id,
            self.fragment.as_str()
        ))
    }
}

/// Refuses a share link whose base is not private (`https://`, or
/// `http://` to this machine): called before the key is made, so a refused
/// link changes nothing.
pub fn check_base(state: &Node) -> Result<(), KeyError> {
    state
        .config()
        .share_base()
        .map_err(|message| KeyError::new(KeyField::Share, KeyErrorKind::Unavailable, message))
}
