//! Keys imported from another system: stored in one transaction per batch
//! with one audit entry, idempotent by `external_id` (and by digest or the
//! old hash); and the old system's unkeyed hash, kept only until the key's
//! first verification moves it to a keyed digest.

use keywarden_core::{clock::UnixMillis, digest::KeyDigest, key::KeyId};

use crate::{
    AuditDraft, BackendKind, CHANGES_ALL, CHANGES_CHANNEL, KeyRecord, Result, RowGet, Store,
    StoreError,
    audit::append_audit,
    keys::{Encoded, INSERT_KEY_IGNORE, KEY_COLUMNS, bind_key, encode, hold_space, key_from_row},
    with_db,
};

/// A hash algorithm other systems keep keys under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForeignAlgorithm {
    /// SHA-256 of the key's text (32 bytes).
    Sha256,
    /// SHA-512 of the key's text (64 bytes).
    Sha512,
}

impl ForeignAlgorithm {
    /// Its name in the store and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sha256 => "sha256",
            Self::Sha512 => "sha512",
        }
    }

    /// How many bytes its hashes have.
    pub fn hash_len(self) -> usize {
        match self {
            Self::Sha256 => 32,
            Self::Sha512 => 64,
        }
    }
}

/// One key to import: its record, and for a key known only by its old
/// hash, that hash (the record's digest is then a placeholder, with
/// `pepper_version` 0).
#[derive(Debug, Clone)]
pub struct ImportedKey {
    /// The record.
    pub record: KeyRecord,
    /// The old system's hash, when the key's text is not known.
    pub foreign: Option<(ForeignAlgorithm, Vec<u8>)>,
}

/// What an import stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// Keys stored.
    pub imported: usize,
    /// Keys already there (the same `external_id`, key or old hash).
    pub skipped: usize,
}

impl Store {
    /// Stores `keys` in one transaction, skipping those already stored,
    /// with one audit entry (its details get the counts). On PostgreSQL
    /// every node is told (its verifier then takes keys of any format).
    pub async fn import_keys(
        &self,
        keys: &[ImportedKey],
        audit: &AuditDraft,
    ) -> Result<ImportCounts> {
        let encoded = keys
            .iter()
            .map(|k| encode(&k.record))
            .collect::<Result<Vec<Encoded>>>()?;
        let mut audit = audit.clone();
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            let mut spaces: Vec<&keywarden_core::spaces::SpaceId> =
                keys.iter().map(|k| &k.record.space).collect();
            spaces.sort();
            spaces.dedup();
            for space in spaces {
                hold_space!(tx, self, space);
            }
            let mut counts = ImportCounts::default();
            for (key, enc) in keys.iter().zip(&encoded) {
                let done = bind_key!(sqlx::query(INSERT_KEY_IGNORE), &key.record, enc)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    counts.skipped += 1;
                    continue;
                }
                if let Some((algorithm, hash)) = &key.foreign {
                    let stored = sqlx::query(
                        "INSERT INTO foreign_hashes (key_id, algorithm, hash) VALUES ($1, $2, $3) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(key.record.id.as_str())
                    .bind(algorithm.as_str())
                    .bind(hash.as_slice())
                    .execute(&mut *tx)
                    .await?;
                    if stored.rows_affected() == 0 {
                        // The same old hash came before: the key is there.
                        sqlx::query("DELETE FROM api_keys WHERE id = $1")
                            .bind(key.record.id.as_str())
                            .execute(&mut *tx)
                            .await?;
                        counts.skipped += 1;
                        continue;
                    }
                }
                counts.imported += 1;
            }
            if let serde_json::Value::Object(map) = &mut audit.details {
                map.insert("imported".to_owned(), serde_json::json!(counts.imported));
                map.insert("skipped".to_owned(), serde_json::json!(counts.skipped));
            }
            if self.kind() == BackendKind::Postgres && counts.imported > 0 {
                sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(CHANGES_CHANNEL)
                    .bind(CHANGES_ALL)
                    .execute(&mut *tx)
                    .await?;
            }
            append_audit!(tx, self, &audit);
            tx.commit().await?;
            Ok(counts)
        })
    }

    /// Whether any key was ever imported (the verifier then looks up
    /// presented strings of any format).
    pub async fn has_imported_keys(&self) -> Result<bool> {
        with_db!(self, reader, |pool| {
            let row = sqlx::query(
                "SELECT COUNT(*) AS n FROM (SELECT 1 FROM api_keys WHERE imported_at IS NOT NULL LIMIT 1) t",
            )
            .fetch_one(pool)
            .await?;
            Ok(row.i64("n")? > 0)
        })
    }

    /// The imported key whose old hash is `sha256` or `sha512` (of the
    /// presented text), with the hash stored (for the caller's
    /// constant-time comparison).
    pub async fn find_foreign_key(
        &self,
        sha256: &[u8],
        sha512: &[u8],
    ) -> Result<Option<(KeyRecord, Vec<u8>)>> {
        let sql = format!(
            "SELECT {KEY_COLUMNS}, f.hash AS foreign_hash FROM foreign_hashes f \
             JOIN api_keys ON api_keys.id = f.key_id \
             WHERE (f.algorithm = 'sha256' AND f.hash = $1) OR (f.algorithm = 'sha512' AND f.hash = $2)"
        );
        let found = with_db!(self, reader, |pool| {
            let row = sqlx::query(&sql)
                .bind(sha256)
                .bind(sha512)
                .fetch_optional(pool)
                .await?;
            row.map(|r| Ok::<_, crate::StoreError>((key_from_row(&r)?, r.bytes("foreign_hash")?)))
                .transpose()
        })?;
        let Some((record, hash)) = found else {
            return Ok(None);
        };
        let mut one = [record];
        self.resolve_roles(&mut one).await?;
        let [record] = one;
        Ok(Some((record, hash)))
    }

    /// Moves an imported key from its old hash to `digest` under pepper
    /// `version`, and deletes the old hash, in one transaction; `false` when
    /// another request did it first (nothing changes then).
    pub async fn redigest_imported(
        &self,
        id: &KeyId,
        digest: &KeyDigest,
        version: u32,
        now: UnixMillis,
    ) -> Result<bool> {
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            let done = sqlx::query(
                "UPDATE api_keys SET digest = $2, pepper_version = $3, updated_at = $4 \
                 WHERE id = $1 AND pepper_version = 0",
            )
            .bind(id.as_str())
            .bind(digest.as_bytes().as_slice())
            .bind(i64::from(version))
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM foreign_hashes WHERE key_id = $1")
                .bind(id.as_str())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// How many imported keys still wait for their first verification
    /// (their old hash is stored).
    pub async fn pending_foreign_hashes(&self) -> Result<i64> {
        with_db!(self, reader, |pool| {
            let row = sqlx::query("SELECT COUNT(*) AS n FROM foreign_hashes")
                .fetch_one(pool)
                .await?;
            row.i64("n")
        })
    }
}
