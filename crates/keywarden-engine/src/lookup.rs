//! The one lookup of a presented key, for API keys (verification, leak
//! reports) and root keys (authentication, leak reports):
//!
//! 1. digest the presented text under the current pepper, then under each
//!    older one, and ask the store by digest;
//! 2. accept a record only after a constant-time comparison of its stored
//!    digest with the computed one;
//! 3. a record found under an older pepper moves to the current one (so the
//!    old pepper can be retired once `keywarden admin peppers` shows it
//!    unused); a failed move is logged and the record still returned.
//!
//! The caller has read the key already (`key::Presented`): a keywarden
//! look-alike with a bad checksum never gets here; a string of another
//! format does only once keys were imported.

use keywarden_core::{
    digest::{KeyDigest, PepperRing},
    key::KeyId,
};
use keywarden_store::{KeyRecord, RootKeyRecord, Store};
use subtle::ConstantTimeEq;

/// A record the store finds by the digest of a presented key: the store's
/// `KeyRecord` and `RootKeyRecord`, implemented here for both and named by
/// callers only as [`find`]'s type (`find::<KeyRecord>`).
// `async fn` in a public trait cannot promise `Send` futures to generic
// callers; `find` is only ever called with one of the two records, whose
// futures are `Send`, and nothing outside this module implements it.
#[allow(async_fn_in_trait)]
pub trait Presented: Sized {
    /// What the log calls it.
    const WHAT: &'static str;

    /// The record stored under `digest`, if any.
    async fn by_digest(store: &Store, digest: &KeyDigest) -> keywarden_store::Result<Option<Self>>;

    /// Moves the record `id` from the digest `old` to `new` under pepper
    /// `version`.
    async fn rehash(
        store: &Store,
        id: &KeyId,
        old: &KeyDigest,
        new: &KeyDigest,
        version: u32,
    ) -> keywarden_store::Result<bool>;

    /// The record's id.
    fn id(&self) -> &KeyId;
    /// The record's stored digest.
    fn digest(&self) -> &KeyDigest;
    /// The record now stands under `digest` of pepper `version`.
    fn moved(&mut self, digest: KeyDigest, version: u32);
}

/// `Presented` for a record type, over its store lookups.
macro_rules! presented {
    ($record:ty, $what:literal, $find:ident, $rehash:ident) => {
        impl Presented for $record {
            const WHAT: &'static str = $what;

            async fn by_digest(
                store: &Store,
                digest: &KeyDigest,
            ) -> keywarden_store::Result<Option<Self>> {
                store.$find(digest).await
            }

            async fn rehash(
                store: &Store,
                id: &KeyId,
                old: &KeyDigest,
                new: &KeyDigest,
                version: u32,
            ) -> keywarden_store::Result<bool> {
                store.$rehash(id, old, new, version).await
            }

            fn id(&self) -> &KeyId {
                &self.id
            }

            fn digest(&self) -> &KeyDigest {
                &self.digest
            }

            fn moved(&mut self, digest: KeyDigest, version: u32) {
                self.digest = digest;
                self.pepper_version = version;
            }
        }
    };
}

presented!(KeyRecord, "key", find_key_by_digest, rehash_key);
presented!(
    RootKeyRecord,
    "root key",
    find_root_key_by_digest,
    rehash_root_key
);

/// Finds the record of `presented` (the text of a parsed key) under any
/// configured pepper; see the module docs. `current` is its digest under
/// the current pepper, when the caller has it already.
pub async fn find<R: Presented>(
    store: &Store,
    peppers: &PepperRing,
    presented: &str,
    current: Option<&KeyDigest>,
) -> keywarden_store::Result<Option<R>> {
    let now_pepper = peppers.current();
    let current = current
        .copied()
        .unwrap_or_else(|| now_pepper.digest(presented));
    if let Some(record) = R::by_digest(store, &current).await? {
        return Ok(accept(record, &current));
    }
    for old in peppers.previous() {
        let digest = old.digest(presented);
        let Some(record) = R::by_digest(store, &digest).await? else {
            continue;
        };
        let Some(mut record) = accept(record, &digest) else {
            return Ok(None);
        };
        match R::rehash(store, record.id(), &digest, &current, now_pepper.version()).await {
            Ok(_) => record.moved(current, now_pepper.version()),
            Err(err) => {
                tracing::warn!(error = %err, what = R::WHAT, "could not move to the current pepper");
            }
        }
        return Ok(Some(record));
    }
    Ok(None)
}

/// The record, if its stored digest is `digest` (constant-time).
fn accept<R: Presented>(record: R, digest: &KeyDigest) -> Option<R> {
    bool::from(record.digest().ct_eq(digest)).then_some(record)
}
