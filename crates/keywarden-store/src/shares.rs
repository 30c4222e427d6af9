//! One-time share links: the sealed key of a link, kept until it is opened
//! once or expires. The store never sees the link's secret.

use keywarden_core::{clock::UnixMillis, key::KeyId};

use crate::{AuditDraft, Result, RowGet, Store, audit::append_audit, parse_col, with_db};

/// A share taken by its one opening.
#[derive(Debug, Clone)]
pub struct OpenedShare {
    /// The key it holds.
    pub key_id: KeyId,
    /// `nonce || ciphertext`.
    pub sealed: Vec<u8>,
}

/// A new share, stored in the same transaction as the key it holds
/// ([`Store::insert_key`], [`Store::roll_key`]).
#[derive(Debug, Clone)]
pub struct NewShare {
    /// `shr_…`.
    pub id: String,
    /// `nonce || ciphertext`.
    pub sealed: Vec<u8>,
    /// SHA-256 of the proof that opens it.
    pub proof_hash: [u8; 32],
    /// When it stops working if nobody opened it.
    pub expires_at: UnixMillis,
}

/// Inserts the share `$share` (a `&NewShare`) of key `$key_id` inside the
/// caller's transaction `$tx`.
macro_rules! insert_share {
    ($tx:expr, $share:expr, $key_id:expr, $now:expr) => {{
        let share: &$crate::NewShare = $share;
        sqlx::query(
            "INSERT INTO key_shares (id, key_id, sealed, proof_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&share.id)
        .bind($key_id)
        .bind(&share.sealed)
        .bind(share.proof_hash.as_slice())
        .bind($now)
        .bind(share.expires_at)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use insert_share;

impl Store {
    /// Takes the share `id` if it is still there, not expired, and
    /// `proof_hash` is the hash of its proof (a share made before proofs
    /// existed takes any): it is deleted in the same transaction as its
    /// audit entry, so it opens once, whatever the number of nodes and
    /// tries. A wrong proof changes nothing. `audit` is written only when a
    /// share was taken.
    pub async fn take_share(
        &self,
        id: &str,
        proof_hash: &[u8; 32],
        now: UnixMillis,
        audit: impl Fn(&KeyId) -> AuditDraft,
    ) -> Result<Option<OpenedShare>> {
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            let row = sqlx::query(
                "DELETE FROM key_shares WHERE id = $1 AND expires_at > $2 \
                 AND (proof_hash = $3 OR proof_hash IS NULL) RETURNING key_id, sealed",
            )
            .bind(id)
            .bind(now)
            .bind(proof_hash.as_slice())
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else {
                return Ok(None);
            };
            let opened = OpenedShare {
                key_id: parse_col(&row.text("key_id")?, "key_id")?,
                sealed: row.bytes("sealed")?,
            };
            let draft = audit(&opened.key_id);
            append_audit!(tx, self, &draft);
            tx.commit().await?;
            Ok(Some(opened))
        })
    }

    /// Deletes shares that expired before `now`; how many.
    pub async fn prune_shares(&self, now: UnixMillis) -> Result<u64> {
        with_db!(self, writer, |pool| {
            let done = sqlx::query("DELETE FROM key_shares WHERE expires_at <= $1")
                .bind(now)
                .execute(pool)
                .await?;
            Ok(done.rows_affected())
        })
    }
}
