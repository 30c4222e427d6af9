//! Root keys: the credentials of the management API.

use keywarden_core::{clock::UnixMillis, key::KeyId};

use crate::{
    AuditDraft, BackendKind, Permission, Result, RootKeyRecord, RowGet, Store, StoreError,
    audit::{AUDIT_LOCK_SQL, append_audit},
    parse_col, with_db,
};

/// The columns of `root_keys`, written once (SELECTs and the INSERT).
macro_rules! root_columns {
    () => {
        "id, digest, pepper_version, hint, name, permissions, created_at, created_by, revoked_at, last_used_at, spaces, environments"
    };
}

const ROOT_COLUMNS: &str = root_columns!();

const INSERT_ROOT: &str = concat!(
    "INSERT INTO root_keys (",
    root_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
);

pub(crate) fn root_from_row(row: &impl RowGet) -> Result<RootKeyRecord> {
    let permissions: Vec<Permission> =
        serde_json::from_str(&row.text("permissions")?).map_err(StoreError::corrupt)?;
    Ok(RootKeyRecord {
        id: parse_col(&row.text("id")?, "id")?,
        digest: crate::digest_col(row.bytes("digest")?, "digest")?,
        pepper_version: crate::version_col(row.i64("pepper_version")?)?,
        hint: row.text("hint")?,
        name: row.opt_text("name")?,
        permissions,
        spaces: row
            .opt_text("spaces")?
            .map(|s| serde_json::from_str(&s).map_err(StoreError::corrupt))
            .transpose()?,
        environments: row
            .opt_text("environments")?
            .map(|s| serde_json::from_str(&s).map_err(StoreError::corrupt))
            .transpose()?,
        created_at: row.i64("created_at")?,
        created_by: row.opt_text("created_by")?,
        revoked_at: row.opt_i64("revoked_at")?,
        last_used_at: row.opt_i64("last_used_at")?,
    })
}

macro_rules! insert_root {
    ($tx:expr, $rec:expr) => {{
        let rec: &RootKeyRecord = $rec;
        let permissions = serde_json::to_string(&rec.permissions).map_err(StoreError::corrupt)?;
        let spaces = rec
            .spaces
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(StoreError::corrupt)?;
        let environments = rec
            .environments
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(StoreError::corrupt)?;
        sqlx::query(INSERT_ROOT)
            .bind(rec.id.as_str())
            .bind(rec.digest.as_bytes().as_slice())
            .bind(i64::from(rec.pepper_version))
            .bind(&rec.hint)
            .bind(&rec.name)
            .bind(&permissions)
            .bind(rec.created_at)
            .bind(&rec.created_by)
            .bind(rec.revoked_at)
            .bind(rec.last_used_at)
            .bind(spaces)
            .bind(environments)
            .execute(&mut *$tx)
            .await?;
    }};
}

impl Store {
    /// Stores a root key and its audit entry.
    pub async fn insert_root_key(&self, rec: &RootKeyRecord, audit: &AuditDraft) -> Result<()> {
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            insert_root!(tx, rec);
            append_audit!(tx, self, audit);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Stores `rec` only if the store has never had a root key; `true` when
    /// it did. Safe when several nodes start at once: the check and the
    /// insert hold the audit lock.
    pub async fn bootstrap_root_key(
        &self,
        rec: &RootKeyRecord,
        audit: &AuditDraft,
    ) -> Result<bool> {
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            if self.kind() == BackendKind::Postgres {
                sqlx::query(AUDIT_LOCK_SQL).execute(&mut *tx).await?;
            }
            let n = sqlx::query("SELECT COUNT(*) AS n FROM root_keys")
                .fetch_one(&mut *tx)
                .await?;
            if n.i64("n")? > 0 {
                return Ok(false);
            }
            insert_root!(tx, rec);
            append_audit!(tx, self, audit);
            tx.commit().await?;
            Ok(true)
        })
    }

    /// A root key by digest.
    pub async fn find_root_key_by_digest(
        &self,
        digest: &keywarden_core::digest::KeyDigest,
    ) -> Result<Option<RootKeyRecord>> {
        let sql = format!("SELECT {ROOT_COLUMNS} FROM root_keys WHERE digest = $1");
        with_db!(self, reader, |pool| {
            let row = sqlx::query(&sql)
                .bind(digest.as_bytes().as_slice())
                .fetch_optional(pool)
                .await?;
            row.as_ref().map(root_from_row).transpose()
        })
    }

    /// A root key by id (the console re-reads its session's key on every
    /// request, so a revoked or narrowed key takes effect at once).
    pub async fn get_root_key(&self, id: &KeyId) -> Result<Option<RootKeyRecord>> {
        let sql = format!("SELECT {ROOT_COLUMNS} FROM root_keys WHERE id = $1");
        with_db!(self, reader, |pool| {
            let row = sqlx::query(&sql)
                .bind(id.as_str())
                .fetch_optional(pool)
                .await?;
            row.as_ref().map(root_from_row).transpose()
        })
    }

    /// Every root key, oldest first.
    pub async fn list_root_keys(&self) -> Result<Vec<RootKeyRecord>> {
        let sql = format!("SELECT {ROOT_COLUMNS} FROM root_keys ORDER BY created_at, id");
        with_db!(self, reader, |pool| {
            let rows = sqlx::query(&sql).fetch_all(pool).await?;
            rows.iter().map(root_from_row).collect()
        })
    }

    /// Revokes a root key.
    pub async fn revoke_root_key(
        &self,
        id: &KeyId,
        now: UnixMillis,
        audit: &AuditDraft,
    ) -> Result<()> {
        match self.revoke_root(id, now, audit, None).await? {
            Some(true) => Ok(()),
            // Already revoked, or no such key: nothing to revoke.
            _ => Err(StoreError::NotFound),
        }
    }

    /// Revokes a leaked root key with its audit entry and the event
    /// `event`, in one transaction (see [`Store::revoke_leaked_key`]). A
    /// root key already revoked changes nothing and writes nothing.
    /// `None` when no root key has this id.
    pub async fn revoke_leaked_root_key(
        &self,
        id: &KeyId,
        now: UnixMillis,
        audit: &AuditDraft,
        event: &crate::NewEvent<'_>,
    ) -> Result<Option<crate::LeakRevocation>> {
        Ok(self
            .revoke_root(id, now, audit, Some(event))
            .await?
            .map(|revoked| crate::LeakRevocation {
                revoked,
                was_live: revoked,
            }))
    }

    /// Revokes a root key with its audit entry (and `event`, when given)
    /// in one transaction: `Some(true)` when it was revoked now,
    /// `Some(false)` when it was already (nothing written), `None` when no
    /// root key has this id.
    async fn revoke_root(
        &self,
        id: &KeyId,
        now: UnixMillis,
        audit: &AuditDraft,
        event: Option<&crate::NewEvent<'_>>,
    ) -> Result<Option<bool>> {
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            let done = sqlx::query(
                "UPDATE root_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            )
            .bind(id.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                let exists = sqlx::query("SELECT 1 AS one FROM root_keys WHERE id = $1")
                    .bind(id.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                return Ok(exists.map(|_| false));
            }
            append_audit!(tx, self, audit);
            if let Some(event) = event {
                crate::events::insert_event!(&mut *tx, event);
            }
            tx.commit().await?;
            Ok(Some(true))
        })
    }

    /// Moves a root key to a new digest after a pepper rotation (see
    /// [`Store::rehash_key`]).
    pub async fn rehash_root_key(
        &self,
        id: &KeyId,
        old: &keywarden_core::digest::KeyDigest,
        new: &keywarden_core::digest::KeyDigest,
        version: u32,
    ) -> Result<bool> {
        self.rehash("root_keys", id, old, new, version).await
    }

    /// Notes that a root key was used (at most once a minute, to spare writes).
    pub async fn touch_root_key(&self, id: &KeyId, now: UnixMillis) -> Result<()> {
        with_db!(self, writer, |pool| {
            sqlx::query(
                "UPDATE root_keys SET last_used_at = $2 WHERE id = $1 \
                 AND (last_used_at IS NULL OR last_used_at < $2 - 60000)",
            )
            .bind(id.as_str())
            .bind(now)
            .execute(pool)
            .await?;
            Ok(())
        })
    }
}
