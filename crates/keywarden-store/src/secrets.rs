//! The vault: secrets a team holds, per space and environment. The store
//! keeps only what the engine sealed (`ciphertext`, `wrapped_key`) and
//! never sees a value; each write is a new version with its audit entry in
//! one transaction, and the oldest versions past the kept number go in it.

use keywarden_core::{clock::UnixMillis, key::Environment, spaces::SpaceId};

use crate::{
    AuditDraft, BackendKind, Result, RowGet, Store, audit::append_audit, parse_col, with_db,
};

/// A secret's metadata (never its value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretRecord {
    /// `sec_…`, part of every version's associated data.
    pub id: String,
    /// Its space.
    pub space: SpaceId,
    /// Its environment.
    pub environment: Environment,
    /// Its name, in environment-variable syntax.
    pub name: String,
    /// The current version.
    pub version: i64,
    /// A note.
    pub note: Option<String>,
    /// How often it should be rotated, in milliseconds.
    pub rotate_every: Option<i64>,
    /// When it was first written.
    pub created_at: UnixMillis,
    /// When its value last changed.
    pub updated_at: UnixMillis,
    /// When its value was last read.
    pub last_read_at: Option<UnixMillis>,
}

impl SecretRecord {
    /// When its rotation is due, if it has a period.
    pub fn rotation_due_at(&self) -> Option<UnixMillis> {
        self.rotate_every
            .map(|every| self.updated_at.saturating_add(every))
    }
}

/// A version's sealed value: the value under its data key, and the data
/// key under the master key.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedValue {
    /// `nonce || ciphertext` of the value.
    pub ciphertext: Vec<u8>,
    /// `nonce || ciphertext` of the data key.
    pub wrapped_key: Vec<u8>,
}

impl std::fmt::Debug for SealedValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealedValue(..)")
    }
}

/// One version of a secret, without its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretVersionInfo {
    /// Its number.
    pub version: i64,
    /// When it was written.
    pub created_at: UnixMillis,
    /// Who wrote it (a root key id, or `portal:…`).
    pub created_by: String,
}

/// What a read selects: one space, some environments (`None`: every
/// environment), and one name or every name.
#[derive(Debug, Clone)]
pub struct SecretFilter<'a> {
    /// The space.
    pub space: &'a SpaceId,
    /// The environments; `None`: all.
    pub environments: Option<&'a [Environment]>,
    /// One name; `None`: all.
    pub name: Option<&'a str>,
}

/// What a write changes besides the value.
#[derive(Debug, Clone)]
pub struct SecretWrite<'a> {
    /// The secret's place.
    pub space: &'a SpaceId,
    /// Its environment.
    pub environment: &'a Environment,
    /// Its name.
    pub name: &'a str,
    /// The note: `None` keeps it, `Some(None)` clears it.
    pub note: Option<Option<String>>,
    /// The rotation period: `None` keeps it, `Some(None)` clears it.
    pub rotate_every: Option<Option<i64>>,
    /// Who writes it.
    pub created_by: &'a str,
    /// How many versions are kept (the newest).
    pub keep_versions: i64,
    /// Now.
    pub now: UnixMillis,
}

/// The associated data of a secret's version: its place, id and number,
/// so a sealed value moved to another row does not open.
pub fn secret_aad(space: &str, environment: &str, name: &str, id: &str, version: i64) -> String {
    format!("secret:{space}/{environment}/{name}:{id}:{version}")
}

const SECRET_COLUMNS: &str = "s.id, s.space, s.environment, s.name, s.version, s.note, \
     s.rotate_every, s.created_at, s.updated_at, s.last_read_at";

fn secret_from_row(row: &impl RowGet) -> Result<SecretRecord> {
    Ok(SecretRecord {
        id: row.text("id")?,
        space: parse_col(&row.text("space")?, "space")?,
        environment: parse_col(&row.text("environment")?, "environment")?,
        name: row.text("name")?,
        version: row.i64("version")?,
        note: row.opt_text("note")?,
        rotate_every: row.opt_i64("rotate_every")?,
        created_at: row.i64("created_at")?,
        updated_at: row.i64("updated_at")?,
        last_read_at: row.opt_i64("last_read_at")?,
    })
}

fn sealed_from_row(row: &impl RowGet) -> Result<SealedValue> {
    Ok(SealedValue {
        ciphertext: row.bytes("ciphertext")?,
        wrapped_key: row.bytes("wrapped_key")?,
    })
}

/// The WHERE clause of a filter, its parameters from `$1`; the values to
/// bind, in order.
fn filter_sql(filter: &SecretFilter<'_>) -> (String, Vec<String>) {
    let mut binds = vec![filter.space.as_str().to_owned()];
    let mut sql = "s.space = $1 AND s.version > 0".to_owned();
    if let Some(envs) = filter.environments {
        if envs.is_empty() {
            sql.push_str(" AND 1 = 0");
        } else {
            let marks: Vec<String> = envs
                .iter()
                .map(|e| {
                    binds.push(e.as_str().to_owned());
                    format!("${}", binds.len())
                })
                .collect();
            sql.push_str(&format!(" AND s.environment IN ({})", marks.join(", ")));
        }
    }
    if let Some(name) = filter.name {
        binds.push(name.to_owned());
        sql.push_str(&format!(" AND s.name = ${}", binds.len()));
    }
    (sql, binds)
}

impl Store {
    /// The secrets a filter selects, by environment and name, without
    /// values.
    pub async fn list_secrets(&self, filter: &SecretFilter<'_>) -> Result<Vec<SecretRecord>> {
        let (clause, binds) = filter_sql(filter);
        let sql = format!(
            "SELECT {SECRET_COLUMNS} FROM secrets s WHERE {clause} ORDER BY s.environment, s.name"
        );
        with_db!(self, reader, |pool| {
            let mut query = sqlx::query(&sql);
            for b in &binds {
                query = query.bind(b);
            }
            let rows = query.fetch_all(pool).await?;
            rows.iter().map(secret_from_row).collect()
        })
    }

    /// The current values (sealed) of the secrets a filter selects. With
    /// `touch`, their `last_read_at` becomes `now`. `audit` is given what
    /// was read and its entry written in the same transaction (none when
    /// nothing was).
    pub async fn read_secrets(
        &self,
        filter: &SecretFilter<'_>,
        touch: bool,
        now: UnixMillis,
        audit: impl FnOnce(&[SecretRecord]) -> AuditDraft,
    ) -> Result<Vec<(SecretRecord, SealedValue)>> {
        let (clause, binds) = filter_sql(filter);
        let sql = format!(
            "SELECT {SECRET_COLUMNS}, v.ciphertext, v.wrapped_key FROM secrets s \
             JOIN secret_versions v ON v.secret_id = s.id AND v.version = s.version \
             WHERE {clause} ORDER BY s.environment, s.name"
        );
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            let mut query = sqlx::query(&sql);
            for b in &binds {
                query = query.bind(b);
            }
            let rows = query.fetch_all(&mut *tx).await?;
            let read = rows
                .iter()
                .map(|r| Ok((secret_from_row(r)?, sealed_from_row(r)?)))
                .collect::<Result<Vec<_>>>()?;
            if read.is_empty() {
                return Ok(read);
            }
            if touch {
                for (secret, _) in &read {
                    sqlx::query("UPDATE secrets SET last_read_at = $1 WHERE id = $2")
                        .bind(now)
                        .bind(&secret.id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            let records: Vec<SecretRecord> = read.iter().map(|(s, _)| s.clone()).collect();
            let draft = audit(&records);
            append_audit!(tx, self, &draft);
            tx.commit().await?;
            Ok(read)
        })
    }

    /// Writes a new version of a secret (making the secret when it is
    /// new): `seal` is given the secret's id and the new version's number
    /// (the associated data) and returns the sealed value. Versions past
    /// `keep_versions` are deleted, a pending rotation notice is cleared,
    /// and the audit entry is written, all in one transaction; concurrent
    /// writes of one name get distinct versions.
    pub async fn put_secret(
        &self,
        write: &SecretWrite<'_>,
        seal: impl FnOnce(&str, i64) -> Result<SealedValue>,
        audit: impl FnOnce(&SecretRecord) -> AuditDraft,
    ) -> Result<SecretRecord> {
        let lock = if self.kind() == BackendKind::Postgres {
            " FOR UPDATE"
        } else {
            ""
        };
        let select = format!(
            "SELECT {SECRET_COLUMNS} FROM secrets s \
             WHERE s.space = $1 AND s.environment = $2 AND s.name = $3{lock}"
        );
        let new_id = format!("sec_{}", keywarden_core::random::base62_string(16));
        let hold = format!(
            "SELECT id FROM spaces WHERE id = $1{}",
            if self.kind() == BackendKind::Postgres {
                " FOR SHARE"
            } else {
                ""
            }
        );
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            // The space is held until the commit: its deletion, which counts
            // its secrets under the row's lock, waits for this write.
            sqlx::query(&hold)
                .bind(write.space.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(crate::StoreError::NotFound)?;
            sqlx::query(
                "INSERT INTO secrets (id, space, environment, name, version, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, 0, $5, $5) \
                 ON CONFLICT (space, environment, name) DO NOTHING",
            )
            .bind(&new_id)
            .bind(write.space.as_str())
            .bind(write.environment.as_str())
            .bind(write.name)
            .bind(write.now)
            .execute(&mut *tx)
            .await?;
            let row = sqlx::query(&select)
                .bind(write.space.as_str())
                .bind(write.environment.as_str())
                .bind(write.name)
                .fetch_one(&mut *tx)
                .await?;
            let mut secret = secret_from_row(&row)?;
            if secret.version == 0 {
                secret.created_at = write.now;
            }
            secret.version += 1;
            secret.updated_at = write.now;
            if let Some(note) = &write.note {
                secret.note = note.clone();
            }
            if let Some(every) = write.rotate_every {
                secret.rotate_every = every;
            }
            let sealed = seal(&secret.id, secret.version)?;
            sqlx::query(
                "INSERT INTO secret_versions (secret_id, version, ciphertext, wrapped_key, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&secret.id)
            .bind(secret.version)
            .bind(&sealed.ciphertext)
            .bind(&sealed.wrapped_key)
            .bind(write.now)
            .bind(write.created_by)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE secrets SET version = $1, note = $2, rotate_every = $3, updated_at = $4, \
                 rotation_noticed_at = NULL WHERE id = $5",
            )
            .bind(secret.version)
            .bind(&secret.note)
            .bind(secret.rotate_every)
            .bind(write.now)
            .bind(&secret.id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM secret_versions WHERE secret_id = $1 AND version <= $2")
                .bind(&secret.id)
                .bind(secret.version - write.keep_versions.max(1))
                .execute(&mut *tx)
                .await?;
            let draft = audit(&secret);
            append_audit!(tx, self, &draft);
            tx.commit().await?;
            Ok(secret)
        })
    }

    /// A secret's metadata and its kept versions, newest first.
    pub async fn secret_versions(
        &self,
        space: &SpaceId,
        environment: &Environment,
        name: &str,
    ) -> Result<Option<(SecretRecord, Vec<SecretVersionInfo>)>> {
        let filter = SecretFilter {
            space,
            environments: Some(std::slice::from_ref(environment)),
            name: Some(name),
        };
        let Some(secret) = self.list_secrets(&filter).await?.into_iter().next() else {
            return Ok(None);
        };
        with_db!(self, reader, |pool| {
            let rows = sqlx::query(
                "SELECT version, created_at, created_by FROM secret_versions \
                 WHERE secret_id = $1 ORDER BY version DESC",
            )
            .bind(&secret.id)
            .fetch_all(pool)
            .await?;
            let versions = rows
                .iter()
                .map(|r| {
                    Ok(SecretVersionInfo {
                        version: r.i64("version")?,
                        created_at: r.i64("created_at")?,
                        created_by: r.text("created_by")?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(Some((secret, versions)))
        })
    }

    /// One kept version of a secret, sealed.
    pub async fn secret_version(
        &self,
        secret: &SecretRecord,
        version: i64,
    ) -> Result<Option<SealedValue>> {
        with_db!(self, reader, |pool| {
            let row = sqlx::query(
                "SELECT ciphertext, wrapped_key FROM secret_versions \
                 WHERE secret_id = $1 AND version = $2",
            )
            .bind(&secret.id)
            .bind(version)
            .fetch_optional(pool)
            .await?;
            row.as_ref().map(sealed_from_row).transpose()
        })
    }

    /// Deletes a secret and every version of it, with the audit entry;
    /// whether there was one.
    pub async fn delete_secret(
        &self,
        space: &SpaceId,
        environment: &Environment,
        name: &str,
        audit: &AuditDraft,
    ) -> Result<bool> {
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            let row = sqlx::query(
                "DELETE FROM secrets WHERE space = $1 AND environment = $2 AND name = $3 \
                 AND version > 0 RETURNING id",
            )
            .bind(space.as_str())
            .bind(environment.as_str())
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else {
                return Ok(false);
            };
            sqlx::query("DELETE FROM secret_versions WHERE secret_id = $1")
                .bind(row.text("id")?)
                .execute(&mut *tx)
                .await?;
            append_audit!(tx, self, audit);
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Takes the secrets whose rotation is due at `now` and that were not
    /// announced in their current period: each is marked announced in the
    /// statement that finds it, so one node announces it once per period.
    pub async fn take_rotation_due(&self, now: UnixMillis) -> Result<Vec<SecretRecord>> {
        let sql = "UPDATE secrets SET rotation_noticed_at = $1 \
             WHERE rotate_every IS NOT NULL AND version > 0 AND updated_at + rotate_every <= $1 \
               AND (rotation_noticed_at IS NULL OR rotation_noticed_at + rotate_every <= $1) \
             RETURNING id, space, environment, name, version, note, rotate_every, created_at, \
               updated_at, last_read_at";
        with_db!(self, writer, |pool| {
            let rows = sqlx::query(sql).bind(now).fetch_all(pool).await?;
            rows.iter().map(secret_from_row).collect()
        })
    }

    /// Every sealed data key of the store (vault versions, then
    /// recoverable keys) with the associated data it was sealed with,
    /// `limit` at a time after `after` (the last one of the previous page).
    pub async fn wrapped_keys(
        &self,
        after: Option<&WrappedKeyRef>,
        limit: i64,
    ) -> Result<Vec<WrappedKey>> {
        let mut out = Vec::new();
        let key_cursor = match after {
            Some(WrappedKeyRef::Key { id }) => id.clone(),
            secret => {
                let (secret_id, version) = match secret {
                    Some(WrappedKeyRef::Secret { secret_id, version }) => {
                        (secret_id.as_str(), *version)
                    }
                    _ => ("", -1),
                };
                let rows = with_db!(self, reader, |pool| {
                    sqlx::query(
                        "SELECT v.secret_id, v.version, v.wrapped_key, s.space, s.environment, s.name \
                         FROM secret_versions v JOIN secrets s ON s.id = v.secret_id \
                         WHERE v.secret_id > $1 OR (v.secret_id = $1 AND v.version > $2) \
                         ORDER BY v.secret_id, v.version LIMIT $3",
                    )
                    .bind(secret_id)
                    .bind(version)
                    .bind(limit)
                    .fetch_all(pool)
                    .await
                    .map(|rows| {
                        rows.iter()
                            .map(|r| {
                                let secret_id = r.text("secret_id")?;
                                let version = r.i64("version")?;
                                Ok(WrappedKey {
                                    aad: secret_aad(
                                        &r.text("space")?,
                                        &r.text("environment")?,
                                        &r.text("name")?,
                                        &secret_id,
                                        version,
                                    ),
                                    at: WrappedKeyRef::Secret { secret_id, version },
                                    wrapped: r.bytes("wrapped_key")?,
                                })
                            })
                            .collect::<Result<Vec<_>>>()
                    })
                })??;
                if !rows.is_empty() {
                    return Ok(rows);
                }
                String::new()
            }
        };
        with_db!(self, reader, |pool| {
            let rows = sqlx::query(
                "SELECT id, secret_wrapped_key FROM api_keys \
                 WHERE secret_wrapped_key IS NOT NULL AND id > $1 ORDER BY id LIMIT $2",
            )
            .bind(&key_cursor)
            .bind(limit)
            .fetch_all(pool)
            .await?;
            for r in &rows {
                let id = r.text("id")?;
                out.push(WrappedKey {
                    aad: id.clone(),
                    at: WrappedKeyRef::Key { id },
                    wrapped: r.bytes("secret_wrapped_key")?,
                });
            }
            Ok(out)
        })
    }

    /// Replaces one sealed data key, if it is still `old` (a write in
    /// between made a new one, already under the new master key); whether
    /// it did.
    pub async fn replace_wrapped_key(
        &self,
        at: &WrappedKeyRef,
        old: &[u8],
        new: &[u8],
    ) -> Result<bool> {
        with_db!(self, writer, |pool| {
            let done = match at {
                WrappedKeyRef::Secret { secret_id, version } => {
                    sqlx::query(
                        "UPDATE secret_versions SET wrapped_key = $1 \
                     WHERE secret_id = $2 AND version = $3 AND wrapped_key = $4",
                    )
                    .bind(new)
                    .bind(secret_id)
                    .bind(*version)
                    .bind(old)
                    .execute(pool)
                    .await?
                }
                WrappedKeyRef::Key { id } => {
                    sqlx::query(
                        "UPDATE api_keys SET secret_wrapped_key = $1 \
                     WHERE id = $2 AND secret_wrapped_key = $3",
                    )
                    .bind(new)
                    .bind(id)
                    .bind(old)
                    .execute(pool)
                    .await?
                }
            };
            Ok(done.rows_affected() == 1)
        })
    }
}

/// Where a sealed data key is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WrappedKeyRef {
    /// A version of a vault secret.
    Secret {
        /// Its secret.
        secret_id: String,
        /// Its number.
        version: i64,
    },
    /// A recoverable API key.
    Key {
        /// Its id.
        id: String,
    },
}

/// A sealed data key, where it is kept, and its associated data.
#[derive(Debug, Clone)]
pub struct WrappedKey {
    /// Where it is kept.
    pub at: WrappedKeyRef,
    /// The associated data it was sealed with.
    pub aad: String,
    /// `nonce || ciphertext` of the data key under the master key.
    pub wrapped: Vec<u8>,
}
