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

impl Store {
    /// Keeps a sealed key for the share `id` until `expires_at`.
    pub async fn insert_share(
        &self,
        id: &str,
        key_id: &KeyId,
        sealed: &[u8],
        now: UnixMillis,
        expires_at: UnixMillis,
    ) -> Result<()> {
        with_db!(self, writer, |pool| {
            sqlx::query(
                "INSERT INTO key_shares (id, key_id, sealed, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(key_id.as_str())
            .bind(sealed)
            .bind(now)
            .bind(expires_at)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// Takes the share `id` if it is still there and not expired: it is
    /// deleted in the same transaction as its audit entry, so it opens
    /// once, whatever the number of nodes and tries. `audit` is written
    /// only when a share was taken.
    pub async fn take_share(
        &self,
        id: &str,
        now: UnixMillis,
        audit: impl Fn(&KeyId) -> AuditDraft,
    ) -> Result<Option<OpenedShare>> {
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            let row = sqlx::query(
                "DELETE FROM key_shares WHERE id = $1 AND expires_at > $2 RETURNING key_id, sealed",
            )
            .bind(id)
            .bind(now)
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
