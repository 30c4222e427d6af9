//! Key spaces and their roles. Every change is written with its audit entry
//! in one transaction; a change to roles (which every cached key record of
//! the space folds into its permissions) tells every node to drop its
//! cached records (PostgreSQL `NOTIFY` of [`crate::CHANGES_ALL`]).

use keywarden_core::{
    clock::UnixMillis,
    key::Prefix,
    names::Scope,
    spaces::{RoleName, SpaceId},
};

use crate::{
    AuditDraft, BackendKind, CHANGES_ALL, CHANGES_CHANNEL, Result, RoleRecord, RowGet,
    SpaceDefaults, SpaceRecord, SpaceSummary, Store, StoreError,
    audit::append_audit,
    keys::{visible_clause, visible_list},
    parse_col, with_db,
};

const SPACE_COLUMNS: &str =
    "id, name, key_prefix, defaults, delete_protection, created_at, updated_at";

fn space_from_row(row: &impl RowGet) -> Result<SpaceRecord> {
    Ok(SpaceRecord {
        id: parse_col(&row.text("id")?, "id")?,
        name: row.text("name")?,
        key_prefix: row
            .opt_text("key_prefix")?
            .map(|p| parse_col::<Prefix>(&p, "key_prefix"))
            .transpose()?,
        defaults: serde_json::from_str(&row.text("defaults")?)
            .map_err(|e| StoreError::corrupt(format!("defaults: {e}")))?,
        delete_protection: row.i64("delete_protection")? != 0,
        created_at: row.i64("created_at")?,
        updated_at: row.i64("updated_at")?,
    })
}

fn role_from_row(row: &impl RowGet) -> Result<RoleRecord> {
    Ok(RoleRecord {
        space: parse_col(&row.text("space")?, "space")?,
        name: parse_col(&row.text("name")?, "name")?,
        permissions: serde_json::from_str::<Vec<Scope>>(&row.text("permissions")?)
            .map_err(|e| StoreError::corrupt(format!("permissions: {e}")))?,
        created_at: row.i64("created_at")?,
        updated_at: row.i64("updated_at")?,
    })
}

fn defaults_text(defaults: &SpaceDefaults) -> Result<String> {
    serde_json::to_string(defaults).map_err(StoreError::corrupt)
}

/// A unique index refused the write: someone else holds that id or prefix.
fn unique_conflict(err: sqlx::Error, what: &str) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(format!("{what} is taken"))
        }
        _ => err.into(),
    }
}

/// Inside a transaction `$tx`, tells every node to drop its cached key
/// records (their roles changed).
macro_rules! notify_all {
    ($tx:expr, $store:expr) => {{
        if $store.kind() == BackendKind::Postgres {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANGES_CHANNEL)
                .bind(CHANGES_ALL)
                .execute(&mut *$tx)
                .await?;
        }
    }};
}

impl Store {
    /// Every space (of `visible`, when given), by id, with its counts.
    pub async fn list_spaces(&self, visible: Option<&[SpaceId]>) -> Result<Vec<SpaceSummary>> {
        let sql = format!(
            "SELECT {SPACE_COLUMNS}, \
             (SELECT COUNT(*) FROM api_keys k WHERE k.space = s.id) AS keys, \
             (SELECT COUNT(*) FROM api_keys k WHERE k.space = s.id AND k.revoked_at IS NULL) AS live, \
             (SELECT COUNT(*) FROM roles r WHERE r.space = s.id) AS roles \
             FROM spaces s WHERE {} ORDER BY id",
            visible_clause(1).replace("space", "s.id")
        );
        with_db!(self, reader, |pool| {
            let rows = sqlx::query(&sql)
                .bind(visible_list(visible))
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|r| {
                    Ok(SpaceSummary {
                        space: space_from_row(r)?,
                        keys: r.i64("keys")?,
                        live_keys: r.i64("live")?,
                        roles: r.i64("roles")?,
                    })
                })
                .collect()
        })
    }

    /// A space by id.
    pub async fn get_space(&self, id: &SpaceId) -> Result<Option<SpaceRecord>> {
        let sql = format!("SELECT {SPACE_COLUMNS} FROM spaces WHERE id = $1");
        with_db!(self, reader, |pool| {
            let row = sqlx::query(&sql)
                .bind(id.as_str())
                .fetch_optional(pool)
                .await?;
            row.as_ref().map(space_from_row).transpose()
        })
    }

    /// Stores a new space and its audit entry. `Conflict` when its id or
    /// key prefix is taken.
    pub async fn insert_space(&self, rec: &SpaceRecord, audit: &AuditDraft) -> Result<()> {
        let defaults = defaults_text(&rec.defaults)?;
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(&format!(
                "INSERT INTO spaces ({SPACE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
            ))
            .bind(rec.id.as_str())
            .bind(&rec.name)
            .bind(rec.key_prefix.as_ref().map(Prefix::as_str))
            .bind(&defaults)
            .bind(i64::from(rec.delete_protection))
            .bind(rec.created_at)
            .bind(rec.updated_at)
            .execute(&mut *tx)
            .await
            .map_err(|e| unique_conflict(e, "the space's id or key prefix"))?;
            append_audit!(tx, self, audit);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Rewrites a space (name, prefix, defaults, protection) with its audit
    /// entry. `NotFound` when it is gone; `Conflict` when the new prefix is
    /// another space's.
    pub async fn update_space(&self, rec: &SpaceRecord, audit: &AuditDraft) -> Result<()> {
        let defaults = defaults_text(&rec.defaults)?;
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            let done = sqlx::query(
                "UPDATE spaces SET name = $2, key_prefix = $3, defaults = $4, \
                 delete_protection = $5, updated_at = $6 WHERE id = $1",
            )
            .bind(rec.id.as_str())
            .bind(&rec.name)
            .bind(rec.key_prefix.as_ref().map(Prefix::as_str))
            .bind(&defaults)
            .bind(i64::from(rec.delete_protection))
            .bind(rec.updated_at)
            .execute(&mut *tx)
            .await
            .map_err(|e| unique_conflict(e, "the key prefix"))?;
            if done.rows_affected() != 1 {
                return Err(StoreError::NotFound);
            }
            append_audit!(tx, self, audit);
            tx.commit().await?;
            Ok(())
        })
    }

    /// Deletes a space and its roles, with its audit entry: refused
    /// (`Conflict`) while it is protected or holds a key not revoked (its
    /// revoked keys stay, for their history). `NotFound` when it is gone.
    pub async fn delete_space(&self, id: &SpaceId, audit: &AuditDraft) -> Result<()> {
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            // The row lock first, the count after, in a statement of its
            // own: on PostgreSQL a statement sees what committed before it
            // began, so a count in the locking statement would miss a key
            // whose insert held the space (`hold_space!`) and committed
            // while this waited for the lock.
            let protected = sqlx::query(&format!(
                "SELECT delete_protection FROM spaces WHERE id = $1{}",
                self.lock_suffix()
            ))
            .bind(id.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?
            .i64("delete_protection")?;
            if protected != 0 {
                return Err(StoreError::Conflict("DELETE_PROTECTED".to_owned()));
            }
            let live = sqlx::query(
                "SELECT COUNT(*) AS live FROM api_keys WHERE space = $1 AND revoked_at IS NULL",
            )
            .bind(id.as_str())
            .fetch_one(&mut *tx)
            .await?
            .i64("live")?;
            if live > 0 {
                return Err(StoreError::Conflict("SPACE_HAS_KEYS".to_owned()));
            }
            // Nor is a space whose vault holds a secret (a space made again
            // under its id would find them).
            let secrets =
                sqlx::query("SELECT COUNT(*) AS n FROM secrets WHERE space = $1 AND version > 0")
                    .bind(id.as_str())
                    .fetch_one(&mut *tx)
                    .await?
                    .i64("n")?;
            if secrets > 0 {
                return Err(StoreError::Conflict("SPACE_HAS_SECRETS".to_owned()));
            }
            // Its customers' portal links and sessions end with it (a space
            // made again under its id is another).
            for table in ["portal_links", "portal_sessions"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE space = $1"))
                    .bind(id.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("DELETE FROM roles WHERE space = $1")
                .bind(id.as_str())
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM spaces WHERE id = $1")
                .bind(id.as_str())
                .execute(&mut *tx)
                .await?;
            notify_all!(tx, self);
            append_audit!(tx, self, audit);
            tx.commit().await?;
            Ok(())
        })
    }

    /// The roles of a space, by name.
    pub async fn list_roles(&self, space: &SpaceId) -> Result<Vec<RoleRecord>> {
        self.roles_of(std::slice::from_ref(space)).await
    }

    /// The roles of these spaces, by space and name. One space (what a
    /// key's lookup asks) is found through the table's key.
    pub(crate) async fn roles_of(&self, spaces: &[SpaceId]) -> Result<Vec<RoleRecord>> {
        const COLUMNS: &str = "SELECT space, name, permissions, created_at, updated_at FROM roles";
        let (sql, bind) = match spaces {
            [one] => (
                format!("{COLUMNS} WHERE space = $1 ORDER BY name"),
                one.as_str().to_owned(),
            ),
            many => (
                format!("{COLUMNS} WHERE {} ORDER BY space, name", visible_clause(1)),
                visible_list(Some(many)).unwrap_or_default(),
            ),
        };
        with_db!(self, reader, |pool| {
            let rows = sqlx::query(&sql).bind(&bind).fetch_all(pool).await?;
            rows.iter().map(role_from_row).collect()
        })
    }

    /// Sets a role's permissions (creating it), with its audit entry; every
    /// node drops its cached key records at the commit. The role as stored,
    /// and whether it is new. `NotFound` when the space is gone.
    pub async fn put_role(
        &self,
        space: &SpaceId,
        name: &RoleName,
        permissions: &[Scope],
        now: UnixMillis,
        audit: &AuditDraft,
    ) -> Result<(RoleRecord, bool)> {
        let text = serde_json::to_string(permissions).map_err(StoreError::corrupt)?;
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            let exists = sqlx::query(&format!(
                "SELECT id FROM spaces WHERE id = $1{}",
                self.lock_suffix()
            ))
            .bind(space.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            if exists.is_none() {
                return Err(StoreError::NotFound);
            }
            let before = sqlx::query("SELECT name FROM roles WHERE space = $1 AND name = $2")
                .bind(space.as_str())
                .bind(name.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            let row = sqlx::query(
                "INSERT INTO roles (space, name, permissions, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $4) ON CONFLICT (space, name) \
                 DO UPDATE SET permissions = excluded.permissions, updated_at = excluded.updated_at \
                 RETURNING space, name, permissions, created_at, updated_at",
            )
            .bind(space.as_str())
            .bind(name.as_str())
            .bind(&text)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let role = role_from_row(&row)?;
            notify_all!(tx, self);
            append_audit!(tx, self, audit);
            tx.commit().await?;
            Ok((role, before.is_none()))
        })
    }

    /// Deletes a role, with its audit entry, and takes its name off every
    /// key of the space that held it (a role made later under the same name
    /// grants nothing to them); whether there was one.
    pub async fn delete_role(
        &self,
        space: &SpaceId,
        name: &RoleName,
        audit: &AuditDraft,
    ) -> Result<bool> {
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            let done = sqlx::query("DELETE FROM roles WHERE space = $1 AND name = $2")
                .bind(space.as_str())
                .bind(name.as_str())
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Ok(false);
            }
            // Role names are slugs (no `%`, `_` or `"`): the pattern
            // matches the quoted name in the JSON list only.
            let holders =
                sqlx::query("SELECT id, roles FROM api_keys WHERE space = $1 AND roles LIKE $2")
                    .bind(space.as_str())
                    .bind(format!("%\"{name}\"%"))
                    .fetch_all(&mut *tx)
                    .await?;
            for row in &holders {
                let mut roles: Vec<RoleName> = serde_json::from_str(&row.text("roles")?)
                    .map_err(|e| StoreError::corrupt(format!("roles: {e}")))?;
                roles.retain(|r| r != name);
                sqlx::query("UPDATE api_keys SET roles = $2 WHERE id = $1")
                    .bind(row.text("id")?)
                    .bind(serde_json::to_string(&roles).map_err(StoreError::corrupt)?)
                    .execute(&mut *tx)
                    .await?;
            }
            notify_all!(tx, self);
            append_audit!(tx, self, audit);
            tx.commit().await?;
            Ok(true)
        })
    }
}
