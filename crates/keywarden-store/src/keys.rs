//! API keys: create, read, list, change, roll, revoke.

use ipnet::IpNet;
use keywarden_core::{
    clock::UnixMillis,
    key::KeyId,
    names::{Owner, Scope},
    spaces::SpaceId,
};

use crate::{
    AuditDraft, AuditEntry, BackendKind, Cursor, KeyCount, KeyFilter, KeyPatch, KeyRecord,
    KeyStatus, Page, RateLimit, Result, RowGet, SealedSecret, Store, StoreError,
    audit::append_audit, parse_col, with_db,
};

/// The columns of `api_keys`, written once: every SELECT and the INSERT use
/// this list (the INSERT binds them in this order, `bind_key!`).
macro_rules! key_columns {
    () => {
        "id, digest, pepper_version, hint, prefix, environment, owner, \
         name, scopes, metadata, created_at, updated_at, expires_at, revoked_at, revoke_reason, \
         rotated_from, rotated_to, ip_allowlist, rate_limit, rate_window_secs, usage_limit, \
         usage_remaining, last_used_at, secret_ciphertext, secret_wrapped_key, disabled_at, \
         credits_refill_amount, credits_refill_ms, credits_period, rate_limits, limits_key, space, roles, \
         external_id, imported_at, pending_at"
    };
}

pub(crate) const KEY_COLUMNS: &str = key_columns!();

/// The PostgreSQL channel that carries key changes to every node.
pub const CHANGES_CHANNEL: &str = "keywarden_key_changes";

/// Payload of a change notification that means "drop everything".
pub const CHANGES_ALL: &str = "*";

/// Bulk changes touching more keys than this notify "everything changed".
const NOTIFY_MAX_IDS: usize = 100;

fn json_col<T: serde::de::DeserializeOwned>(row: &impl RowGet, col: &str) -> Result<T> {
    serde_json::from_str(&row.text(col)?).map_err(|e| StoreError::corrupt(format!("{col}: {e}")))
}

pub(crate) fn key_from_row(row: &impl RowGet) -> Result<KeyRecord> {
    let rate_limit = match (row.opt_i64("rate_limit")?, row.opt_i64("rate_window_secs")?) {
        (Some(limit), Some(window)) => Some(RateLimit {
            limit: u32::try_from(limit).map_err(StoreError::corrupt)?,
            window_seconds: u32::try_from(window).map_err(StoreError::corrupt)?,
        }),
        _ => None,
    };
    let sealed = match (
        row.opt_bytes("secret_ciphertext")?,
        row.opt_bytes("secret_wrapped_key")?,
    ) {
        (Some(ciphertext), Some(wrapped_key)) => Some(SealedSecret {
            ciphertext,
            wrapped_key,
        }),
        _ => None,
    };
    let opt_id = |col: &str| -> Result<Option<KeyId>> {
        row.opt_text(col)?.map(|v| parse_col(&v, col)).transpose()
    };
    let mut record = KeyRecord {
        id: parse_col(&row.text("id")?, "id")?,
        digest: crate::digest_col(row.bytes("digest")?, "digest")?,
        pepper_version: crate::version_col(row.i64("pepper_version")?)?,
        hint: row.text("hint")?,
        prefix: row.text("prefix")?,
        environment: parse_col(&row.text("environment")?, "environment")?,
        owner: row
            .opt_text("owner")?
            .map(|o| parse_col::<Owner>(&o, "owner"))
            .transpose()?,
        name: row.opt_text("name")?,
        effective: Vec::new(),
        scopes: json_col::<Vec<Scope>>(row, "scopes")?,
        space: parse_col(&row.text("space")?, "space")?,
        roles: json_col(row, "roles")?,
        metadata: json_col(row, "metadata")?,
        created_at: row.i64("created_at")?,
        updated_at: row.i64("updated_at")?,
        expires_at: row.opt_i64("expires_at")?,
        revoked: row
            .opt_i64("revoked_at")?
            .map(|at| -> Result<_> {
                Ok(crate::Revocation {
                    at,
                    reason: row.opt_text("revoke_reason")?.unwrap_or_default(),
                })
            })
            .transpose()?,
        rotated_from: opt_id("rotated_from")?,
        rotated_to: opt_id("rotated_to")?,
        ip_allowlist: json_col::<Vec<IpNet>>(row, "ip_allowlist")?,
        rate_limit,
        last_used_at: row.opt_i64("last_used_at")?,
        sealed,
        disabled_at: row.opt_i64("disabled_at")?,
        pending_at: row.opt_i64("pending_at")?,
        credits: match (row.opt_i64("usage_limit")?, row.opt_i64("usage_remaining")?) {
            (limit, Some(remaining)) => Some(crate::KeyCredits {
                limit: limit.unwrap_or(remaining),
                remaining,
                refill: refill_from_row(row)?,
                period: row.i64("credits_period")?,
            }),
            (_, None) => None,
        },
        rate_limits: json_col(row, "rate_limits")?,
        limits_key: opt_id("limits_key")?,
        external_id: row.opt_text("external_id")?,
        imported_at: row.opt_i64("imported_at")?,
    };
    // Its own permissions; its roles' are added by `resolve_roles`.
    record.effective.clone_from(&record.scopes);
    Ok(record)
}

/// The JSON text of the list columns, encoded once for binding.
pub(crate) struct Encoded {
    pub(crate) scopes: String,
    pub(crate) roles: String,
    pub(crate) metadata: String,
    pub(crate) ip_allowlist: String,
    pub(crate) rate_limits: String,
}

pub(crate) fn encode(rec: &KeyRecord) -> Result<Encoded> {
    let json = |v: serde_json::Result<String>| v.map_err(StoreError::corrupt);
    Ok(Encoded {
        scopes: json(serde_json::to_string(&rec.scopes))?,
        roles: json(serde_json::to_string(&rec.roles))?,
        metadata: json(serde_json::to_string(&rec.metadata))?,
        ip_allowlist: json(serde_json::to_string(&rec.ip_allowlist))?,
        rate_limits: json(serde_json::to_string(&rec.rate_limits))?,
    })
}

/// Binds every column of [`KEY_COLUMNS`], in order, to `$1..$35`.
macro_rules! bind_key {
    ($query:expr, $rec:expr, $enc:expr) => {{
        let rec: &KeyRecord = $rec;
        let enc: &$crate::keys::Encoded = $enc;
        $query
            .bind(rec.id.as_str())
            .bind(rec.digest.as_bytes().as_slice())
            .bind(i64::from(rec.pepper_version))
            .bind(&rec.hint)
            .bind(&rec.prefix)
            .bind(rec.environment.as_str())
            .bind(rec.owner.as_ref().map(|o| o.as_str()))
            .bind(&rec.name)
            .bind(&enc.scopes)
            .bind(&enc.metadata)
            .bind(rec.created_at)
            .bind(rec.updated_at)
            .bind(rec.expires_at)
            .bind(rec.revoked.as_ref().map(|r| r.at))
            .bind(rec.revoked.as_ref().map(|r| r.reason.as_str()))
            .bind(rec.rotated_from.as_ref().map(|k| k.as_str()))
            .bind(rec.rotated_to.as_ref().map(|k| k.as_str()))
            .bind(&enc.ip_allowlist)
            .bind(rec.rate_limit.map(|r| i64::from(r.limit)))
            .bind(rec.rate_limit.map(|r| i64::from(r.window_seconds)))
            .bind(rec.credits.map(|c| c.limit))
            .bind(rec.credits.map(|c| c.remaining))
            .bind(rec.last_used_at)
            .bind(rec.sealed.as_ref().map(|s| s.ciphertext.as_slice()))
            .bind(rec.sealed.as_ref().map(|s| s.wrapped_key.as_slice()))
            .bind(rec.disabled_at)
            .bind(rec.credits.and_then(|c| c.refill).map(|r| r.amount))
            .bind(rec.credits.and_then(|c| c.refill).map(|r| r.interval_ms))
            .bind(rec.credits.map_or(0, |c| c.period))
            .bind(&enc.rate_limits)
            .bind(rec.limits_key.as_ref().map(|k| k.as_str()))
            .bind(rec.space.as_str())
            .bind(&enc.roles)
            .bind(rec.external_id.as_deref())
            .bind(rec.imported_at)
            .bind(rec.pending_at)
    }};
}

pub(crate) use bind_key;

pub(crate) const INSERT_KEY: &str = concat!(
    "INSERT INTO api_keys (",
    key_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
     $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36)"
);

/// [`INSERT_KEY`] that stores nothing when the key's digest or
/// `external_id` is taken (an import run again).
pub(crate) const INSERT_KEY_IGNORE: &str = concat!(
    "INSERT INTO api_keys (",
    key_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
     $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36) \
     ON CONFLICT DO NOTHING"
);

/// Rewrites every mutable column from the record (the row is locked first).
const UPDATE_KEY: &str = "UPDATE api_keys SET owner = $2, name = $3, scopes = $4, metadata = $5, \
    updated_at = $6, expiry_noticed_at = CASE WHEN expires_at = $7 THEN expiry_noticed_at ELSE NULL END, \
    expires_at = $7, revoked_at = $8, revoke_reason = $9, rotated_to = $10, \
    ip_allowlist = $11, rate_limit = $12, rate_window_secs = $13, usage_limit = $14, \
    usage_remaining = $15, disabled_at = $16, credits_refill_amount = $17, credits_refill_ms = $18, \
    credits_period = $19, rate_limits = $20, limits_key = $21, roles = $22, pending_at = $23 \
    WHERE id = $1";

/// Binds the columns of [`UPDATE_KEY`].
macro_rules! bind_update {
    ($query:expr, $rec:expr, $enc:expr) => {{
        let rec: &KeyRecord = $rec;
        let enc: &$crate::keys::Encoded = $enc;
        $query
            .bind(rec.id.as_str())
            .bind(rec.owner.as_ref().map(|o| o.as_str()))
            .bind(&rec.name)
            .bind(&enc.scopes)
            .bind(&enc.metadata)
            .bind(rec.updated_at)
            .bind(rec.expires_at)
            .bind(rec.revoked.as_ref().map(|r| r.at))
            .bind(rec.revoked.as_ref().map(|r| r.reason.as_str()))
            .bind(rec.rotated_to.as_ref().map(|k| k.as_str()))
            .bind(&enc.ip_allowlist)
            .bind(rec.rate_limit.map(|r| i64::from(r.limit)))
            .bind(rec.rate_limit.map(|r| i64::from(r.window_seconds)))
            .bind(rec.credits.map(|c| c.limit))
            .bind(rec.credits.map(|c| c.remaining))
            .bind(rec.disabled_at)
            .bind(rec.credits.and_then(|c| c.refill).map(|r| r.amount))
            .bind(rec.credits.and_then(|c| c.refill).map(|r| r.interval_ms))
            .bind(rec.credits.map_or(0, |c| c.period))
            .bind(&enc.rate_limits)
            .bind(rec.limits_key.as_ref().map(|k| k.as_str()))
            .bind(&enc.roles)
            .bind(rec.pending_at)
    }};
}

/// Inside a transaction `$tx`, makes sure the space `$space` exists and
/// holds it until the commit (PostgreSQL `FOR SHARE`: a deletion of the
/// space waits, then counts the new key; SQLite has one writer): a key is
/// never stored in a space deleted meanwhile. `Conflict("SPACE_GONE")`
/// when it is not there.
macro_rules! hold_space {
    ($tx:expr, $store:expr, $space:expr) => {{
        let store: &Store = $store;
        let lock = match store.kind() {
            BackendKind::Postgres => " FOR SHARE",
            BackendKind::Sqlite => "",
        };
        let space: &keywarden_core::spaces::SpaceId = $space;
        let found = sqlx::query(&format!("SELECT id FROM spaces WHERE id = $1{lock}"))
            .bind(space.as_str())
            .fetch_optional(&mut *$tx)
            .await?;
        if found.is_none() {
            return Err(StoreError::Conflict("SPACE_GONE".to_owned()));
        }
    }};
}
pub(crate) use hold_space;

/// Inside a transaction `$tx`, tells other nodes that keys changed: a
/// PostgreSQL `NOTIFY`, delivered when the transaction commits. SQLite has
/// one node, which updates its own cache.
macro_rules! notify_changes {
    ($tx:expr, $store:expr, $ids:expr) => {{
        let store: &Store = $store;
        if store.kind() == BackendKind::Postgres {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANGES_CHANNEL)
                .bind(notify_payload($ids))
                .execute(&mut *$tx)
                .await?;
        }
    }};
}

/// How a status filter reads in SQL; `$1` is now.
fn status_clause(status: Option<KeyStatus>) -> &'static str {
    match status {
        None => "",
        Some(KeyStatus::Revoked) => " AND revoked_at IS NOT NULL",
        Some(KeyStatus::Expired) => {
            " AND revoked_at IS NULL AND expires_at IS NOT NULL AND expires_at <= $1"
        }
        Some(KeyStatus::Pending) => {
            " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1) \
             AND pending_at IS NOT NULL"
        }
        Some(KeyStatus::Disabled) => {
            " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1) \
             AND pending_at IS NULL AND disabled_at IS NOT NULL"
        }
        Some(KeyStatus::Active) => {
            " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1) \
             AND pending_at IS NULL AND disabled_at IS NULL"
        }
    }
}

/// The filter's WHERE clause; binds are now, owner, environment, the
/// search as a LIKE pattern, the space and the visible spaces
/// ([`visible_list`]).
fn filter_clause(filter: &KeyFilter) -> String {
    format!(
        "WHERE ($1 = $1) AND ($2 IS NULL OR owner = $2) AND ($3 IS NULL OR environment = $3) \
         AND ($4 IS NULL OR lower(id) LIKE $4 ESCAPE '\\' OR lower(name) LIKE $4 ESCAPE '\\' \
         OR lower(owner) LIKE $4 ESCAPE '\\' OR lower(hint) LIKE $4 ESCAPE '\\') \
         AND ($5 IS NULL OR space = $5) AND {}{}",
        visible_clause(6),
        status_clause(filter.status)
    )
}

/// "The key's space is one of the visible ones", parameter `$n` holding
/// [`visible_list`]'s text. Space ids hold no `%`, `_` or `,` (a
/// [`SpaceId`] is a slug), so the pattern matches only whole ids.
pub(crate) fn visible_clause(n: u8) -> String {
    format!("(${n} IS NULL OR ',' || ${n} || ',' LIKE '%,' || space || ',%')")
}

/// The visible spaces as one comma-separated text (`None`: every space).
pub(crate) fn visible_list(visible: Option<&[SpaceId]>) -> Option<String> {
    visible.map(|v| v.iter().map(SpaceId::as_str).collect::<Vec<_>>().join(","))
}

/// The search text as a case-insensitive LIKE pattern, its wildcards
/// taken literally.
fn search_text(filter: &KeyFilter) -> Option<String> {
    let text = filter.search.as_deref()?.trim();
    if text.is_empty() {
        return None;
    }
    let mut pattern = String::from("%");
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    Some(pattern)
}

impl Store {
    pub(crate) fn lock_suffix(&self) -> &'static str {
        match self.kind() {
            BackendKind::Postgres => " FOR UPDATE",
            BackendKind::Sqlite => "",
        }
    }

    /// Stores a new key and its audit entry, atomically.
    pub async fn insert_key(&self, rec: &KeyRecord, audit: &AuditDraft) -> Result<AuditEntry> {
        self.insert_key_shared(rec, None, audit).await
    }

    /// Stores a new key, its one-time share link when given, and its audit
    /// entry, atomically: the key is never stored without the link asked
    /// for, nor the link without its key.
    pub async fn insert_key_shared(
        &self,
        rec: &KeyRecord,
        share: Option<&crate::NewShare>,
        audit: &AuditDraft,
    ) -> Result<AuditEntry> {
        let enc = encode(rec)?;
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            hold_space!(tx, self, &rec.space);
            bind_key!(sqlx::query(INSERT_KEY), rec, &enc)
                .execute(&mut *tx)
                .await?;
            if let Some(share) = share {
                crate::shares::insert_share!(tx, share, rec.id.as_str(), rec.created_at);
            }
            let entry = append_audit!(tx, self, audit);
            tx.commit().await?;
            Ok(entry)
        })
    }

    /// A key by id.
    pub async fn get_key(&self, id: &KeyId) -> Result<Option<KeyRecord>> {
        let sql = format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE id = $1");
        let record = with_db!(self, reader, |pool| {
            let row = sqlx::query(&sql)
                .bind(id.as_str())
                .fetch_optional(pool)
                .await?;
            row.as_ref().map(key_from_row).transpose()
        })?;
        self.resolved(record).await
    }

    /// A key by digest: the lookup of every verification.
    pub async fn find_key_by_digest(
        &self,
        digest: &keywarden_core::digest::KeyDigest,
    ) -> Result<Option<KeyRecord>> {
        let sql = format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE digest = $1");
        let record = with_db!(self, reader, |pool| {
            let row = sqlx::query(&sql)
                .bind(digest.as_bytes().as_slice())
                .fetch_optional(pool)
                .await?;
            row.as_ref().map(key_from_row).transpose()
        })?;
        self.resolved(record).await
    }

    /// `record` with its roles' permissions in its effective ones.
    async fn resolved(&self, record: Option<KeyRecord>) -> Result<Option<KeyRecord>> {
        let Some(record) = record else {
            return Ok(None);
        };
        let mut one = [record];
        self.resolve_roles(&mut one).await?;
        let [record] = one;
        Ok(Some(record))
    }

    /// Adds to each record's effective permissions those its roles grant
    /// (one query for all the records' spaces; none when no record has a
    /// role). A role that no longer exists grants nothing.
    pub async fn resolve_roles(&self, records: &mut [KeyRecord]) -> Result<()> {
        let mut spaces: Vec<SpaceId> = records
            .iter()
            .filter(|r| !r.roles.is_empty())
            .map(|r| r.space.clone())
            .collect();
        if spaces.is_empty() {
            return Ok(());
        }
        spaces.sort();
        spaces.dedup();
        let roles = self.roles_of(&spaces).await?;
        for record in records.iter_mut().filter(|r| !r.roles.is_empty()) {
            for role in roles
                .iter()
                .filter(|role| role.space == record.space && record.roles.contains(&role.name))
            {
                for permission in &role.permissions {
                    if !record.effective.contains(permission) {
                        record.effective.push(permission.clone());
                    }
                }
            }
        }
        Ok(())
    }

    /// Lists keys, newest first, `limit` at a time.
    pub async fn list_keys(
        &self,
        filter: &KeyFilter,
        now: UnixMillis,
        limit: u32,
        after: Option<&Cursor>,
    ) -> Result<Page<KeyRecord>> {
        let sql = format!(
            "SELECT {KEY_COLUMNS} FROM api_keys {} \
             AND ($7 IS NULL OR created_at < $7 OR (created_at = $7 AND id < $8)) \
             ORDER BY created_at DESC, id DESC LIMIT $9",
            filter_clause(filter)
        );
        let search = search_text(filter);
        let fetch = i64::from(limit) + 1;
        let mut items = with_db!(self, reader, |pool| {
            let rows = sqlx::query(&sql)
                .bind(now)
                .bind(filter.owner.as_ref().map(|o| o.as_str()))
                .bind(filter.environment.as_ref().map(|e| e.as_str()))
                .bind(&search)
                .bind(filter.space.as_ref().map(SpaceId::as_str))
                .bind(visible_list(filter.visible.as_deref()))
                .bind(after.map(|c| c.created_at))
                .bind(after.map(|c| c.id.as_str()))
                .bind(fetch)
                .fetch_all(pool)
                .await?;
            rows.iter().map(key_from_row).collect::<Result<Vec<_>>>()
        })?;
        self.resolve_roles(&mut items).await?;
        let next = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|k| {
                Cursor {
                    created_at: k.created_at,
                    id: k.id.to_string(),
                }
                .encode()
            })
        } else {
            None
        };
        Ok(Page { items, next })
    }

    /// Counts keys matching a filter.
    pub async fn count_keys(&self, filter: &KeyFilter, now: UnixMillis) -> Result<i64> {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM api_keys {}",
            filter_clause(filter)
        );
        let search = search_text(filter);
        with_db!(self, reader, |pool| {
            let row = sqlx::query(&sql)
                .bind(now)
                .bind(filter.owner.as_ref().map(|o| o.as_str()))
                .bind(filter.environment.as_ref().map(|e| e.as_str()))
                .bind(&search)
                .bind(filter.space.as_ref().map(SpaceId::as_str))
                .bind(visible_list(filter.visible.as_deref()))
                .fetch_one(pool)
                .await?;
            row.i64("n")
        })
    }

    /// How many keys each environment holds in each status at `now`,
    /// ordered by environment then status.
    /// Only `filter`'s space and visible spaces count.
    pub async fn key_counts(&self, now: UnixMillis, filter: &KeyFilter) -> Result<Vec<KeyCount>> {
        let sql = format!(
            "SELECT environment, CASE WHEN revoked_at IS NOT NULL THEN 'revoked' \
             WHEN expires_at IS NOT NULL AND expires_at <= $1 THEN 'expired' \
             WHEN pending_at IS NOT NULL THEN 'pending' \
             WHEN disabled_at IS NOT NULL THEN 'disabled' \
             ELSE 'active' END AS status, COUNT(*) AS n FROM api_keys \
             WHERE ($2 IS NULL OR space = $2) AND {} \
             GROUP BY environment, status ORDER BY environment, status",
            visible_clause(3)
        );
        with_db!(self, reader, |pool| {
            let rows = sqlx::query(&sql)
                .bind(now)
                .bind(filter.space.as_ref().map(SpaceId::as_str))
                .bind(visible_list(filter.visible.as_deref()))
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|r| {
                    Ok(KeyCount {
                        environment: parse_col(&r.text("environment")?, "environment")?,
                        status: parse_col(&r.text("status")?, "status")?,
                        count: r.i64("n")?,
                    })
                })
                .collect()
        })
    }

    /// Active keys that expire in `(now, until]`, soonest first.
    pub async fn expiring_keys(
        &self,
        now: UnixMillis,
        until: UnixMillis,
        limit: u32,
    ) -> Result<Vec<KeyRecord>> {
        let sql = format!(
            "SELECT {KEY_COLUMNS} FROM api_keys WHERE revoked_at IS NULL \
             AND expires_at > $1 AND expires_at <= $2 ORDER BY expires_at, id LIMIT $3"
        );
        with_db!(self, reader, |pool| {
            let rows = sqlx::query(&sql)
                .bind(now)
                .bind(until)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?;
            rows.iter().map(key_from_row).collect()
        })
    }

    /// Applies `change` to a key under a row lock, in one transaction with
    /// its audit entry. `change` sees the current record and may refuse.
    async fn change_key<F>(
        &self,
        id: &KeyId,
        audit: &AuditDraft,
        change: F,
    ) -> Result<(KeyRecord, KeyRecord, AuditEntry)>
    where
        F: FnOnce(&KeyRecord) -> Result<KeyRecord>,
    {
        let select = format!(
            "SELECT {KEY_COLUMNS} FROM api_keys WHERE id = $1{}",
            self.lock_suffix()
        );
        let (before, mut after, entry) = with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            let row = sqlx::query(&select)
                .bind(id.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            let before = key_from_row(&row.ok_or(StoreError::NotFound)?)?;
            let after = change(&before)?;
            let enc = encode(&after)?;
            let done = bind_update!(sqlx::query(UPDATE_KEY), &after, &enc)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() != 1 {
                return Err(StoreError::Conflict(
                    "the key changed underneath".to_owned(),
                ));
            }
            notify_changes!(tx, self, &[id.as_str()]);
            let entry = append_audit!(tx, self, audit);
            tx.commit().await?;
            Ok((before, after, entry))
        })?;
        // The answer shows the key as it now is: its permissions as changed,
        // and its roles'. (A failure to read the roles after the commit
        // leaves them out of the answer, not out of the change.)
        after.effective.clone_from(&after.scopes);
        let mut one = [after];
        if let Err(err) = self.resolve_roles(&mut one).await {
            tracing::warn!(error = %err, "the roles of a changed key could not be read");
        }
        let [after] = one;
        Ok((before, after, entry))
    }

    /// Changes a key's settings. A revoked key cannot change.
    pub async fn update_key(
        &self,
        id: &KeyId,
        patch: &KeyPatch,
        now: UnixMillis,
        audit: &AuditDraft,
    ) -> Result<KeyRecord> {
        let (_, after, _) = self
            .change_key(id, audit, |k| {
                if k.is_revoked() {
                    return Err(StoreError::Conflict("the key is revoked".to_owned()));
                }
                let mut k = k.clone();
                apply_patch(&mut k, patch, now);
                k.updated_at = now;
                Ok(k)
            })
            .await?;
        Ok(after)
    }

    /// Revokes a key now. Revoking a revoked key changes nothing and
    /// returns it as it is (`false`).
    pub async fn revoke_key(
        &self,
        id: &KeyId,
        reason: &str,
        now: UnixMillis,
        audit: &AuditDraft,
    ) -> Result<(KeyRecord, bool)> {
        let (before, after, _) = self
            .change_key(id, audit, |k| {
                let mut k = k.clone();
                if !k.is_revoked() {
                    k.revoked = Some(crate::Revocation {
                        at: now,
                        reason: reason.to_owned(),
                    });
                    k.updated_at = now;
                }
                Ok(k)
            })
            .await?;
        Ok((after, !before.is_revoked()))
    }

    /// Revokes a leaked key (reason `leaked`) with its audit entry and,
    /// when it was live until now (neither revoked nor expired), the event
    /// `event` — in one transaction: once this returns, the revocation, its
    /// audit entry and its webhook delivery survive a crash. A key already
    /// revoked changes nothing and writes nothing, so a repeated or
    /// replayed report is harmless. `None` when no key has this id.
    pub async fn revoke_leaked_key(
        &self,
        id: &KeyId,
        now: UnixMillis,
        audit: &AuditDraft,
        event: &crate::NewEvent<'_>,
    ) -> Result<Option<crate::LeakRevocation>> {
        let lock = self.lock_suffix();
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            let row = sqlx::query(&format!(
                "SELECT revoked_at, expires_at FROM api_keys WHERE id = $1{lock}"
            ))
            .bind(id.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else { return Ok(None) };
            if row.opt_i64("revoked_at")?.is_some() {
                return Ok(Some(crate::LeakRevocation::default()));
            }
            let was_live = row.opt_i64("expires_at")?.is_none_or(|at| at > now);
            sqlx::query(
                "UPDATE api_keys SET revoked_at = $2, revoke_reason = 'leaked', updated_at = $2 \
                 WHERE id = $1",
            )
            .bind(id.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            notify_changes!(tx, self, &[id.as_str()]);
            append_audit!(tx, self, audit);
            if was_live {
                crate::events::insert_event!(&mut *tx, event);
            }
            tx.commit().await?;
            Ok(Some(crate::LeakRevocation {
                revoked: true,
                was_live,
            }))
        })
    }

    /// Marks the live keys that expire after `now` and no later than
    /// `until` and were not announced yet; returns them (id, owner,
    /// expiry). Each key is returned once in its life: the mark and the
    /// choice are one statement, so two nodes never both announce it.
    pub async fn take_expiring(
        &self,
        now: UnixMillis,
        until: UnixMillis,
    ) -> Result<Vec<(String, Option<String>, UnixMillis)>> {
        with_db!(self, writer, |pool| {
            let rows = sqlx::query(
                "UPDATE api_keys SET expiry_noticed_at = $1 \
                 WHERE expiry_noticed_at IS NULL AND revoked_at IS NULL AND rotated_to IS NULL \
                   AND expires_at IS NOT NULL AND expires_at > $1 AND expires_at <= $2 \
                 RETURNING id, owner, expires_at",
            )
            .bind(now)
            .bind(until)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| Ok((r.text("id")?, r.opt_text("owner")?, r.i64("expires_at")?)))
                .collect()
        })
    }

    /// Disables (`true`) or enables (`false`) a key: a disabled key is
    /// refused (`DISABLED`) until it is enabled again. A revoked key cannot
    /// change. Asking for the state a key is in changes nothing (`false`).
    pub async fn set_key_disabled(
        &self,
        id: &KeyId,
        disabled: bool,
        now: UnixMillis,
        audit: &AuditDraft,
    ) -> Result<(KeyRecord, bool)> {
        let (before, after, _) = self
            .change_key(id, audit, |k| {
                if k.is_revoked() {
                    return Err(StoreError::Conflict("the key is revoked".to_owned()));
                }
                let mut k = k.clone();
                if k.disabled_at.is_some() != disabled {
                    k.disabled_at = disabled.then_some(now);
                    k.updated_at = now;
                }
                Ok(k)
            })
            .await?;
        Ok((after, before.disabled_at.is_some() != disabled))
    }

    /// Settles a key waiting for approval: approved (`true`), it works
    /// from now on; declined, it is revoked (reason `declined`). Declining
    /// a key that does not wait is `Conflict("NOT_PENDING")`; approving one
    /// changes nothing and says so (`false`).
    pub async fn settle_pending_key(
        &self,
        id: &KeyId,
        approve: bool,
        now: UnixMillis,
        audit: &AuditDraft,
    ) -> Result<(KeyRecord, bool)> {
        let (before, after, _) = self
            .change_key(id, audit, |k| {
                if k.is_revoked() {
                    return Err(StoreError::Conflict("the key is revoked".to_owned()));
                }
                if k.pending_at.is_none() {
                    return if approve {
                        Ok(k.clone())
                    } else {
                        Err(StoreError::Conflict("NOT_PENDING".to_owned()))
                    };
                }
                let mut k = k.clone();
                k.pending_at = None;
                if !approve {
                    k.revoked = Some(crate::Revocation {
                        at: now,
                        reason: "declined".to_owned(),
                    });
                }
                k.updated_at = now;
                Ok(k)
            })
            .await?;
        Ok((after, before.pending_at.is_some()))
    }

    /// Rolls `old_id` to `new`: inserts `new` (linked back) and its share
    /// link when given, and makes the old key expire at the earlier of its
    /// own expiry and `old_expires_at`, linked forward. The old key, and
    /// every older key that spent its limits, spend `new`'s credits and
    /// rate limits from now on (`limits_key`): during the grace period the
    /// keys share one balance. All in one transaction with the audit entry.
    /// Returns the old and new records, and the ids of the older keys that
    /// now spend `new`'s limits (changed too).
    pub async fn roll_key(
        &self,
        old_id: &KeyId,
        new: &KeyRecord,
        share: Option<&crate::NewShare>,
        old_expires_at: UnixMillis,
        now: UnixMillis,
        audit: &AuditDraft,
    ) -> Result<(KeyRecord, KeyRecord, Vec<KeyId>)> {
        let select = format!(
            "SELECT {KEY_COLUMNS} FROM api_keys WHERE id = $1{}",
            self.lock_suffix()
        );
        let new_enc = encode(new)?;
        let (old, new, older) = with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            let row = sqlx::query(&select)
                .bind(old_id.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            let mut old = key_from_row(&row.ok_or(StoreError::NotFound)?)?;
            match old.status(now) {
                KeyStatus::Revoked => {
                    return Err(StoreError::Conflict("the key is revoked".to_owned()));
                }
                KeyStatus::Expired => {
                    return Err(StoreError::Conflict("the key has expired".to_owned()));
                }
                KeyStatus::Pending => {
                    return Err(StoreError::Conflict(
                        "the key waits for approval".to_owned(),
                    ));
                }
                // A disabled key rolls to a disabled key (the service copies
                // its settings): enabling is a separate, audited act.
                KeyStatus::Active | KeyStatus::Disabled => {}
            }
            if let Some(to) = &old.rotated_to {
                return Err(StoreError::Conflict(format!(
                    "the key was already rolled to {to}"
                )));
            }
            bind_key!(sqlx::query(INSERT_KEY), new, &new_enc)
                .execute(&mut *tx)
                .await?;
            if let Some(share) = share {
                crate::shares::insert_share!(tx, share, new.id.as_str(), now);
            }
            old.expires_at = Some(
                old.expires_at
                    .map_or(old_expires_at, |e| e.min(old_expires_at)),
            );
            old.rotated_to = Some(new.id.clone());
            old.limits_key = Some(new.id.clone());
            old.updated_at = now;
            let old_enc = encode(&old)?;
            bind_update!(sqlx::query(UPDATE_KEY), &old, &old_enc)
                .execute(&mut *tx)
                .await?;
            let older = sqlx::query(
                "UPDATE api_keys SET limits_key = $1 WHERE limits_key = $2 RETURNING id",
            )
            .bind(new.id.as_str())
            .bind(old_id.as_str())
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| parse_col::<KeyId>(&r.text("id")?, "id"))
            .collect::<Result<Vec<_>>>()?;
            crate::rate_windows::carry_rate_windows!(tx, old_id.as_str(), new.id.as_str(), now);
            let mut changed: Vec<&str> = vec![old_id.as_str()];
            changed.extend(older.iter().map(KeyId::as_str));
            notify_changes!(tx, self, &changed);
            append_audit!(tx, self, audit);
            tx.commit().await?;
            Ok((old, new.clone(), older))
        })?;
        // Both keys as they now are, their roles' permissions included (a
        // failure to read the roles leaves them out of the answer only).
        let mut both = [old, new];
        if let Err(err) = self.resolve_roles(&mut both).await {
            tracing::warn!(error = %err, "the roles of a rolled key could not be read");
        }
        let [old, new] = both;
        Ok((old, new, older))
    }

    /// Revokes every active key of an owner, environment and/or space (at
    /// least one must be given), within the filter's visible spaces
    /// (its status and search are not read). Returns the ids revoked.
    pub async fn bulk_revoke(
        &self,
        filter: &KeyFilter,
        reason: &str,
        now: UnixMillis,
        audit: &AuditDraft,
    ) -> Result<Vec<KeyId>> {
        let (owner, environment) = (filter.owner.as_ref(), filter.environment.as_ref());
        if owner.is_none() && environment.is_none() && filter.space.is_none() {
            return Err(StoreError::Conflict(
                "bulk revoke needs an owner, an environment or a space".to_owned(),
            ));
        }
        let mut audit = audit.clone();
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            let rows = sqlx::query(&format!(
                "UPDATE api_keys SET revoked_at = $1, revoke_reason = $2, updated_at = $1 \
                 WHERE revoked_at IS NULL AND ($3 IS NULL OR owner = $3) \
                 AND ($4 IS NULL OR environment = $4) AND ($5 IS NULL OR space = $5) \
                 AND {} RETURNING id",
                visible_clause(6)
            ))
            .bind(now)
            .bind(reason)
            .bind(owner.map(|o| o.as_str()))
            .bind(environment.map(|e| e.as_str()))
            .bind(filter.space.as_ref().map(SpaceId::as_str))
            .bind(visible_list(filter.visible.as_deref()))
            .fetch_all(&mut *tx)
            .await?;
            let ids = rows
                .iter()
                .map(|r| parse_col::<KeyId>(&r.text("id")?, "id"))
                .collect::<Result<Vec<_>>>()?;
            let id_strs: Vec<&str> = ids.iter().map(|i| i.as_str()).collect();
            notify_changes!(tx, self, &id_strs);
            if let serde_json::Value::Object(map) = &mut audit.details {
                map.insert("revoked".to_owned(), serde_json::json!(ids.len()));
            }
            append_audit!(tx, self, &audit);
            tx.commit().await?;
            Ok(ids)
        })
    }

    /// Spends `cost` credits of a usage-limited key at `now`, refilling
    /// first when a refill boundary has passed since the last one.
    /// `Some(remaining)` after spending, `None` when fewer than `cost` were
    /// left (nothing is spent then). A cost of 0 spends nothing and answers
    /// what is left. Atomic on both backends: the refill, the check and the
    /// spending are one statement.
    pub async fn consume_credits(
        &self,
        id: &KeyId,
        cost: i64,
        now: UnixMillis,
    ) -> Result<Option<i64>> {
        Ok(self
            .spend_credits(Some(id), None, cost, now)
            .await?
            .and_then(|left| left.key))
    }

    /// Spends `cost` of a key's credits and of its owner's shared credits
    /// together (each given only when it has credits), as
    /// [`Store::consume_credits`] does one: `None` when either has fewer
    /// than `cost` left, and then neither is spent. Both in one transaction.
    pub async fn spend_credits(
        &self,
        key: Option<&KeyId>,
        owner: Option<&str>,
        cost: i64,
        now: UnixMillis,
    ) -> Result<Option<CreditsLeft>> {
        static KEY_CREDITS: std::sync::LazyLock<String> =
            std::sync::LazyLock::new(|| credit_statement("api_keys", "id"));
        static OWNER_CREDITS: std::sync::LazyLock<String> =
            std::sync::LazyLock::new(|| credit_statement("owner_limits", "owner"));
        let key = key.map(|k| (k.as_str(), KEY_CREDITS.as_str()));
        let owner = owner.map(|o| (o, OWNER_CREDITS.as_str()));
        with_db!(self, writer, |pool| {
            // One spending: on the pool when it is the only one, in the
            // transaction of both otherwise.
            let spend = |spending| {
                let (id, sql) = spending;
                sqlx::query(sql).bind(id).bind(now).bind(cost)
            };
            if key.is_none() || owner.is_none() {
                // One spending is one statement, without a transaction.
                let Some(&spending) = key.as_ref().or(owner.as_ref()) else {
                    return Ok(Some(CreditsLeft::default()));
                };
                let row = spend(spending).fetch_optional(pool).await?;
                let Some(r) = row else { return Ok(None) };
                let left = r.i64("usage_remaining")?;
                return Ok(Some(CreditsLeft {
                    key: key.map(|_| left),
                    owner: owner.map(|_| left),
                }));
            }
            let mut tx = pool.begin().await?;
            let mut left = [None, None];
            for (spending, slot) in [key, owner].into_iter().zip(&mut left) {
                let Some(spending) = spending else { continue };
                let row = spend(spending).fetch_optional(&mut *tx).await?;
                let Some(r) = row else {
                    tx.rollback().await?;
                    return Ok(None);
                };
                *slot = Some(r.i64("usage_remaining")?);
            }
            tx.commit().await?;
            let [key, owner] = left;
            Ok(Some(CreditsLeft { key, owner }))
        })
    }

    /// An owner's shared limits, if any.
    pub async fn get_owner_limits(&self, owner: &str) -> Result<Option<crate::OwnerLimits>> {
        with_db!(self, reader, |pool| {
            let row = sqlx::query(
                "SELECT owner, rate_limit, rate_window_secs, usage_limit, usage_remaining, \
                 credits_refill_amount, credits_refill_ms, created_at, updated_at \
                 FROM owner_limits WHERE owner = $1",
            )
            .bind(owner)
            .fetch_optional(pool)
            .await?;
            row.map(|r| owner_limits_from_row(&r)).transpose()
        })
    }

    /// Sets an owner's shared limits (replacing what was set), with its
    /// audit entry, and tells every node; refills count from when the
    /// owner's limits were first set.
    pub async fn put_owner_limits(
        &self,
        owner: &str,
        rate_limit: Option<RateLimit>,
        credits: Option<crate::Credits>,
        now: UnixMillis,
        audit: &AuditDraft,
    ) -> Result<crate::OwnerLimits> {
        let lock = self.lock_suffix();
        let target = format!("owner:{owner}");
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            let created_at = sqlx::query(&format!(
                "SELECT created_at FROM owner_limits WHERE owner = $1{lock}"
            ))
            .bind(owner)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.i64("created_at"))
            .transpose()?
            .unwrap_or(now);
            let refill = credits.and_then(|c| c.refill);
            let period = refill.map_or(0, |r| r.period(created_at, now));
            sqlx::query(
                "INSERT INTO owner_limits (owner, rate_limit, rate_window_secs, usage_limit, \
                 usage_remaining, credits_refill_amount, credits_refill_ms, credits_period, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (owner) DO UPDATE SET rate_limit = $2, rate_window_secs = $3, \
                 usage_limit = $4, usage_remaining = $4, credits_refill_amount = $5, \
                 credits_refill_ms = $6, credits_period = $7, updated_at = $9",
            )
            .bind(owner)
            .bind(rate_limit.map(|r| i64::from(r.limit)))
            .bind(rate_limit.map(|r| i64::from(r.window_seconds)))
            .bind(credits.map(|c| c.remaining))
            .bind(refill.map(|r| r.amount))
            .bind(refill.map(|r| r.interval_ms))
            .bind(period)
            .bind(created_at)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            notify_changes!(tx, self, &[target.as_str()]);
            append_audit!(tx, self, audit);
            tx.commit().await?;
            Ok(crate::OwnerLimits {
                owner: owner.to_owned(),
                rate_limit,
                credits_limit: credits.map(|c| c.remaining),
                credits_remaining: credits.map(|c| c.remaining),
                credits_refill: refill,
                created_at,
                updated_at: now,
            })
        })
    }

    /// Removes an owner's shared limits; whether there were any.
    pub async fn delete_owner_limits(&self, owner: &str, audit: &AuditDraft) -> Result<bool> {
        let target = format!("owner:{owner}");
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            let done = sqlx::query("DELETE FROM owner_limits WHERE owner = $1")
                .bind(owner)
                .execute(&mut *tx)
                .await?;
            notify_changes!(tx, self, &[target.as_str()]);
            append_audit!(tx, self, audit);
            tx.commit().await?;
            Ok(done.rows_affected() > 0)
        })
    }

    /// Takes one use from a usage-limited key (`consume_credits` with a
    /// cost of 1).
    pub async fn consume_usage(&self, id: &KeyId, now: UnixMillis) -> Result<Option<i64>> {
        self.consume_credits(id, 1, now).await
    }

    /// Moves a key to a new digest (after a pepper rotation, when the key is
    /// presented and verified under an older pepper). Only if its digest is
    /// still `old`; `true` when it moved.
    pub async fn rehash_key(
        &self,
        id: &KeyId,
        old: &keywarden_core::digest::KeyDigest,
        new: &keywarden_core::digest::KeyDigest,
        version: u32,
    ) -> Result<bool> {
        self.rehash("api_keys", id, old, new, version).await
    }

    /// Moves a key of `table` (`api_keys` or `root_keys`) to a new digest.
    pub(crate) async fn rehash(
        &self,
        table: &'static str,
        id: &KeyId,
        old: &keywarden_core::digest::KeyDigest,
        new: &keywarden_core::digest::KeyDigest,
        version: u32,
    ) -> Result<bool> {
        let sql = format!(
            "UPDATE {table} SET digest = $3, pepper_version = $4 WHERE id = $1 AND digest = $2"
        );
        with_db!(self, writer, |pool| {
            let done = sqlx::query(&sql)
                .bind(id.as_str())
                .bind(old.as_bytes().as_slice())
                .bind(new.as_bytes().as_slice())
                .bind(i64::from(version))
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// How many API keys and root keys each pepper version digests (keys
    /// imported by an old hash, not yet presented, are under none): a
    /// retired pepper can go once its counts are zero.
    pub async fn pepper_versions(&self) -> Result<Vec<(u32, i64, i64)>> {
        let rows = with_db!(self, reader, |pool| {
            let rows = sqlx::query(
                "SELECT pepper_version AS v, SUM(api) AS api, SUM(root) AS root FROM (\
                 SELECT pepper_version, 1 AS api, 0 AS root FROM api_keys WHERE pepper_version > 0 \
                 UNION ALL SELECT pepper_version, 0 AS api, 1 AS root FROM root_keys) t \
                 GROUP BY pepper_version ORDER BY pepper_version",
            )
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| Ok((r.i64("v")?, r.i64("api")?, r.i64("root")?)))
                .collect::<Result<Vec<_>>>()
        })?;
        rows.into_iter()
            .map(|(v, a, r)| Ok((crate::version_col(v)?, a, r)))
            .collect()
    }

    /// Records when keys were last used (latest time wins). Returns the
    /// uses it skipped, to record again later: on PostgreSQL a key whose
    /// row another transaction holds (a verification spending its credits)
    /// is skipped rather than waited for, so this write never takes part in
    /// a lock cycle with the spending of credits (which, waited for, made
    /// deadlocks and 503s on a busy cluster). SQLite has one writer.
    pub async fn touch_last_used(
        &self,
        uses: &[(String, UnixMillis)],
    ) -> Result<Vec<(String, UnixMillis)>> {
        if uses.is_empty() {
            return Ok(Vec::new());
        }
        match &*self.backend {
            crate::Backend::Postgres(db) => {
                let ids: Vec<&str> = uses.iter().map(|(id, _)| id.as_str()).collect();
                let ats: Vec<i64> = uses.iter().map(|(_, at)| *at).collect();
                let locked: Vec<String> = self
                    .tracked(async {
                        Ok(sqlx::query_scalar(
                            "WITH v AS (SELECT id, max(at) AS at FROM unnest($1::text[], $2::bigint[]) AS t(id, at) \
                               GROUP BY id), \
                             locked AS (SELECT k.id FROM api_keys k JOIN v ON k.id = v.id \
                               ORDER BY k.id FOR UPDATE OF k SKIP LOCKED), \
                             done AS (UPDATE api_keys k SET last_used_at = v.at FROM v \
                               WHERE k.id = v.id AND k.id IN (SELECT id FROM locked) \
                               AND (k.last_used_at IS NULL OR k.last_used_at < v.at)) \
                             SELECT id FROM locked",
                        )
                        .bind(&ids)
                        .bind(&ats)
                        .fetch_all(&db.pool)
                        .await?)
                    })
                    .await?;
                let locked: std::collections::HashSet<&str> =
                    locked.iter().map(String::as_str).collect();
                // A key that no longer exists is neither locked nor waited for.
                let mut latest: std::collections::HashMap<&str, UnixMillis> =
                    std::collections::HashMap::new();
                for (id, at) in uses.iter().filter(|(id, _)| !locked.contains(id.as_str())) {
                    let t = latest.entry(id.as_str()).or_insert(*at);
                    *t = (*t).max(*at);
                }
                let skipped: Vec<(String, UnixMillis)> = latest
                    .into_iter()
                    .map(|(id, at)| (id.to_owned(), at))
                    .collect();
                if skipped.is_empty() {
                    return Ok(skipped);
                }
                let skipped_ids: Vec<&str> = skipped.iter().map(|(id, _)| id.as_str()).collect();
                let existing: Vec<String> =
                    sqlx::query_scalar("SELECT id FROM api_keys WHERE id = ANY($1)")
                        .bind(&skipped_ids)
                        .fetch_all(&db.pool)
                        .await?;
                Ok(skipped
                    .into_iter()
                    .filter(|(id, _)| existing.contains(id))
                    .collect())
            }
            crate::Backend::Sqlite(db) => {
                self.tracked(async {
                    let mut tx = db.writer.begin().await?;
                    for (id, at) in uses {
                        sqlx::query(
                            "UPDATE api_keys SET last_used_at = $2 \
                             WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)",
                        )
                        .bind(id)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                    Ok(Vec::new())
                })
                .await
            }
        }
    }
}

fn apply_patch(k: &mut KeyRecord, p: &KeyPatch, now: UnixMillis) {
    if let Some(name) = &p.name {
        k.name.clone_from(name);
    }
    if let Some(owner) = &p.owner {
        k.owner.clone_from(owner);
    }
    if let Some(roles) = &p.roles {
        k.roles.clone_from(roles);
    }
    if let Some(scopes) = &p.scopes {
        k.scopes.clone_from(scopes);
    }
    if let Some(metadata) = &p.metadata {
        k.metadata.clone_from(metadata);
    }
    if let Some(expires_at) = p.expires_at {
        k.expires_at = expires_at;
    }
    if let Some(allow) = &p.ip_allowlist {
        k.ip_allowlist.clone_from(allow);
    }
    if let Some(rate) = p.rate_limit {
        k.rate_limit = rate;
    }
    if let Some(limit) = p.usage_limit {
        k.credits = limit.map(|limit| crate::KeyCredits {
            limit,
            remaining: limit,
            refill: None,
            period: 0,
        });
    }
    if let Some(limits) = &p.rate_limits {
        k.rate_limits.clone_from(limits);
    }
    if let Some(credits) = p.credits {
        let created_at = k.created_at;
        k.credits = credits.map(|c| crate::KeyCredits {
            limit: c.remaining,
            remaining: c.remaining,
            refill: c.refill,
            // Refills count from creation; the one due now is this change.
            period: c.refill.map_or(0, |r| r.period(created_at, now)),
        });
    }
}

/// A credits refill from its two columns (both, or none).
fn refill_from_row(row: &impl RowGet) -> Result<Option<crate::CreditRefill>> {
    Ok(
        match (
            row.opt_i64("credits_refill_amount")?,
            row.opt_i64("credits_refill_ms")?,
        ) {
            (Some(amount), Some(interval_ms)) => Some(crate::CreditRefill {
                amount,
                interval_ms,
            }),
            _ => None,
        },
    )
}

fn owner_limits_from_row(row: &impl RowGet) -> Result<crate::OwnerLimits> {
    let rate_limit = match (row.opt_i64("rate_limit")?, row.opt_i64("rate_window_secs")?) {
        (Some(limit), Some(window)) => Some(RateLimit {
            limit: u32::try_from(limit).map_err(StoreError::corrupt)?,
            window_seconds: u32::try_from(window).map_err(StoreError::corrupt)?,
        }),
        _ => None,
    };
    Ok(crate::OwnerLimits {
        owner: row.text("owner")?,
        rate_limit,
        credits_limit: row.opt_i64("usage_limit")?,
        credits_remaining: row.opt_i64("usage_remaining")?,
        credits_refill: refill_from_row(row)?,
        created_at: row.i64("created_at")?,
        updated_at: row.i64("updated_at")?,
    })
}

/// The payload for a change notification of `ids`.
pub(crate) fn notify_payload(ids: &[&str]) -> String {
    if ids.len() > NOTIFY_MAX_IDS {
        CHANGES_ALL.to_owned()
    } else {
        ids.join(",")
    }
}

/// What a spending left: the key's credits and its owner's, each when it
/// has them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CreditsLeft {
    /// The key's credits left.
    pub key: Option<i64>,
    /// The owner's shared credits left.
    pub owner: Option<i64>,
}

/// The one credit statement, on `table` (whose credit columns have the same
/// names) for the row whose `column` is `$1`, at `$2`, spending `$3`: the
/// refill (when a boundary passed), the check and the spending at once;
/// no row when fewer than the cost are left.
fn credit_statement(table: &str, column: &str) -> String {
    // The period `now` falls in, and the credits before spending.
    const PERIOD: &str = "(($2 - created_at) / credits_refill_ms)";
    const DUE: &str = "(credits_refill_ms IS NOT NULL AND $2 >= created_at \
                       AND (($2 - created_at) / credits_refill_ms) > credits_period)";
    format!(
        "UPDATE {table} SET \
           usage_remaining = (CASE WHEN {DUE} THEN credits_refill_amount ELSE usage_remaining END) - $3, \
           credits_period = CASE WHEN {DUE} THEN {PERIOD} ELSE credits_period END \
         WHERE {column} = $1 AND usage_remaining IS NOT NULL \
           AND (CASE WHEN {DUE} THEN credits_refill_amount ELSE usage_remaining END) >= $3 \
         RETURNING usage_remaining"
    )
}
