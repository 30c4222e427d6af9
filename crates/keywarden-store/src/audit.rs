//! The audit log: append-only, each entry carrying the hash of the one
//! before it. The hash is an HMAC under a key derived from the pepper, so
//! someone who can write to the database but does not hold the pepper can
//! neither edit an entry nor rebuild the chain after one.

use hmac::{Hmac, Mac};
use keywarden_core::digest::Pepper;
use sha2::Sha256;

use crate::{
    AuditDraft, AuditEntry, AuditFilter, ChainReport, Result, RowGet, Store, StoreError, with_db,
};

/// Serialises audit appends across every node sharing a PostgreSQL database
/// (a transaction-scoped advisory lock); SQLite has a single writer anyway.
pub(crate) const AUDIT_LOCK_SQL: &str = "SELECT pg_advisory_xact_lock(7142001)";

pub(crate) const AUDIT_COLUMNS: &str =
    "seq, at, actor, action, target, outcome, client_ip, details, key_version, prev_hash, hash";

fn chain_key(pepper: &Pepper) -> [u8; 32] {
    pepper.mac(b"keywarden audit chain v1")
}

/// The hash of an entry: HMAC(chain key, prev_hash || canonical JSON of the
/// entry's fields, with `details` as stored text).
pub(crate) fn entry_hash(
    pepper: &Pepper,
    prev_hash: &[u8],
    seq: i64,
    draft: &AuditDraft,
    details_text: &str,
) -> [u8; 32] {
    let canonical = serde_json::json!([
        seq,
        draft.at,
        draft.actor,
        draft.action,
        draft.target,
        draft.outcome,
        draft.client_ip,
        details_text,
    ]);
    let key = chain_key(pepper);
    // HMAC accepts keys of any length; a 32-byte key cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(prev_hash);
    mac.update(canonical.to_string().as_bytes());
    mac.finalize().into_bytes().into()
}

/// The MAC of the chain head: HMAC(head key, "seq:" || seq || hash).
pub(crate) fn head_mac(pepper: &Pepper, seq: i64, hash: &[u8]) -> [u8; 32] {
    let key = pepper.mac(b"keywarden audit head v1");
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(format!("seq:{seq}:").as_bytes());
    mac.update(hash);
    mac.finalize().into_bytes().into()
}

/// The signature of a checkpoint: HMAC(checkpoint key, "seq:hash:at").
fn checkpoint_mac(pepper: &Pepper, seq: i64, hash_hex: &str, at: i64) -> [u8; 32] {
    let key = pepper.mac(b"keywarden audit checkpoint v1");
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(format!("{seq}:{hash_hex}:{at}").as_bytes());
    mac.finalize().into_bytes().into()
}

/// The signature of a checkpoint line: HMAC(line key, "seq:hash").
fn line_mac(pepper: &Pepper, seq: i64, hash_hex: &str) -> [u8; 32] {
    let key = pepper.mac(b"keywarden audit checkpoint line v1");
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(format!("{seq}:{hash_hex}").as_bytes());
    mac.finalize().into_bytes().into()
}

/// Rewrites the chain head inside the caller's transaction.
pub(crate) const UPSERT_HEAD_SQL: &str = "INSERT INTO audit_head (id, seq, hash, key_version, mac) \
     VALUES (1, $1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, \
     hash = excluded.hash, key_version = excluded.key_version, mac = excluded.mac";

pub(crate) fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// Appends an entry inside the caller's transaction `$tx` (either backend),
/// after the change it records, so the change and its audit entry commit
/// together.
macro_rules! append_audit {
    ($tx:expr, $store:expr, $draft:expr) => {{
        let store: &$crate::Store = $store;
        let draft: &$crate::AuditDraft = $draft;
        if store.kind() == $crate::BackendKind::Postgres {
            sqlx::query($crate::audit::AUDIT_LOCK_SQL)
                .execute(&mut *$tx)
                .await?;
        }
        let head = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *$tx)
            .await?;
        let (seq, prev_hash) = match head {
            Some(row) => (
                $crate::RowGet::i64(&row, "seq")? + 1,
                $crate::RowGet::bytes(&row, "hash")?,
            ),
            None => (1, vec![0u8; 32]),
        };
        let pepper = store.peppers.current();
        let details_text = draft.details.to_string();
        let hash = $crate::audit::entry_hash(pepper, &prev_hash, seq, draft, &details_text);
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, action, target, outcome, client_ip, details, \
             key_version, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(seq)
        .bind(draft.at)
        .bind(&draft.actor)
        .bind(&draft.action)
        .bind(&draft.target)
        .bind(&draft.outcome)
        .bind(&draft.client_ip)
        .bind(&details_text)
        .bind(i64::from(pepper.version()))
        .bind(&prev_hash)
        .bind(hash.as_slice())
        .execute(&mut *$tx)
        .await?;
        sqlx::query($crate::audit::UPSERT_HEAD_SQL)
            .bind(seq)
            .bind(hash.as_slice())
            .bind(i64::from(pepper.version()))
            .bind($crate::audit::head_mac(pepper, seq, &hash).as_slice())
            .execute(&mut *$tx)
            .await?;
        $crate::AuditEntry {
            seq,
            draft: draft.clone(),
            key_version: pepper.version(),
            prev_hash: $crate::audit::hex(&prev_hash),
            hash: $crate::audit::hex(&hash),
        }
    }};
}
pub(crate) use append_audit;

fn entry_from_row(row: &impl RowGet) -> Result<(AuditEntry, Vec<u8>, Vec<u8>, String)> {
    let details_text = row.text("details")?;
    let details = serde_json::from_str(&details_text).map_err(StoreError::corrupt)?;
    let prev = row.bytes("prev_hash")?;
    let hash = row.bytes("hash")?;
    let entry = AuditEntry {
        seq: row.i64("seq")?,
        draft: AuditDraft {
            actor: row.text("actor")?,
            action: row.text("action")?,
            target: row.opt_text("target")?,
            outcome: row.text("outcome")?,
            client_ip: row.opt_text("client_ip")?,
            details,
            at: row.i64("at")?,
        },
        key_version: crate::version_col(row.i64("key_version")?)?,
        prev_hash: hex(&prev),
        hash: hex(&hash),
    };
    Ok((entry, prev, hash, details_text))
}

/// Page size when walking the whole chain.
const VERIFY_PAGE: i64 = 1000;

impl Store {
    /// Records an action that changed nothing else (a read, a refusal).
    pub async fn audit(&self, draft: &AuditDraft) -> Result<AuditEntry> {
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            let entry = append_audit!(tx, self, draft);
            tx.commit().await?;
            Ok(entry)
        })
    }

    /// Reads the audit log, newest first.
    pub async fn list_audit(&self, filter: &AuditFilter, limit: u32) -> Result<Vec<AuditEntry>> {
        let sql = format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log \
             WHERE ($1 IS NULL OR actor = $1) AND ($2 IS NULL OR action = $2) \
             AND ($3 IS NULL OR target = $3) AND ($4 IS NULL OR outcome = $4) \
             AND ($5 IS NULL OR seq < $5) \
             AND ($7 IS NULL OR target = 'space:' || $7 \
                  OR target IN (SELECT id FROM api_keys WHERE space = $7)) \
             AND ($8 IS NULL OR (target LIKE 'space:%' AND {}) \
                  OR target IN (SELECT id FROM api_keys WHERE {})) \
             ORDER BY seq DESC LIMIT $6",
            crate::keys::visible_clause(8).replace("space", "substr(target, 7)"),
            crate::keys::visible_clause(8)
        );
        with_db!(self, reader, |pool| {
            let rows = sqlx::query(&sql)
                .bind(&filter.actor)
                .bind(&filter.action)
                .bind(&filter.target)
                .bind(&filter.outcome)
                .bind(filter.before_seq)
                .bind(i64::from(limit))
                .bind(filter.space.as_ref().map(|s| s.as_str()))
                .bind(crate::keys::visible_list(filter.visible.as_deref()))
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|r| entry_from_row(r).map(|e| e.0))
                .collect()
        })
    }

    /// Walks the whole chain and checks every link and every hash.
    pub async fn verify_audit_chain(&self) -> Result<ChainReport> {
        Ok(self.verify_audit_chain_from(None).await?.0)
    }

    /// [`Store::verify_audit_chain`] from where an earlier verification
    /// ended (`anchor`): the anchor's entry must still be there with its
    /// hash, then only the entries after it are checked (and the head).
    /// An anchor the log no longer holds starts over from the first entry.
    /// Returns the report and, when the chain verified, the anchor for the
    /// next verification.
    pub async fn verify_audit_chain_from(
        &self,
        anchor: Option<&ChainAnchor>,
    ) -> Result<(ChainReport, Option<ChainAnchor>)> {
        // The anchor's entry must still be there, unchanged: its content
        // hashes (under its stored link) to the hash verified last time.
        let still_there = match anchor {
            None => false,
            Some(a) => {
                let sql = format!("SELECT {AUDIT_COLUMNS} FROM audit_log WHERE seq = $1");
                let row = with_db!(self, reader, |pool| {
                    sqlx::query(&sql)
                        .bind(a.seq)
                        .fetch_optional(pool)
                        .await?
                        .as_ref()
                        .map(entry_from_row)
                        .transpose()
                })?;
                row.is_some_and(|(entry, prev, stored, details_text)| {
                    self.peppers.get(entry.key_version).is_some_and(|pepper| {
                        let hash =
                            entry_hash(pepper, &prev, entry.seq, &entry.draft, &details_text);
                        hash.as_slice() == stored.as_slice() && stored == a.hash
                    })
                })
            }
        };
        let (expected_seq, prev_hash, checked) = match anchor {
            Some(a) if still_there => (a.seq + 1, a.hash.clone(), a.entries),
            _ => (1, vec![0u8; 32], 0),
        };
        let report = self.walk_chain(expected_seq, prev_hash, checked).await?;
        Ok(report)
    }

    async fn walk_chain(
        &self,
        mut expected_seq: i64,
        mut prev_hash: Vec<u8>,
        mut checked: i64,
    ) -> Result<(ChainReport, Option<ChainAnchor>)> {
        let sql = format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT {VERIFY_PAGE}"
        );
        loop {
            let page = with_db!(self, reader, |pool| {
                let rows = sqlx::query(&sql)
                    .bind(expected_seq - 1)
                    .fetch_all(pool)
                    .await?;
                rows.iter().map(entry_from_row).collect::<Result<Vec<_>>>()
            })?;
            if page.is_empty() {
                let report = self
                    .check_head(checked, expected_seq - 1, &prev_hash)
                    .await?;
                let anchor = (report.ok() && expected_seq > 1).then(|| ChainAnchor {
                    seq: expected_seq - 1,
                    hash: prev_hash,
                    entries: checked,
                });
                return Ok((report, anchor));
            }
            for (entry, stored_prev, stored_hash, details_text) in page {
                let bad = |problem: &str| ChainReport {
                    entries: checked,
                    first_bad_seq: Some(entry.seq),
                    problem: Some(problem.to_owned()),
                };
                if entry.seq != expected_seq {
                    return Ok((
                        bad(&format!(
                            "expected entry {expected_seq}: entries are missing"
                        )),
                        None,
                    ));
                }
                if stored_prev != prev_hash {
                    return Ok((
                        bad("its prev_hash does not match the entry before it"),
                        None,
                    ));
                }
                let Some(pepper) = self.peppers.get(entry.key_version) else {
                    return Ok((
                        bad(&format!(
                            "it was chained with pepper version {}, which is not configured",
                            entry.key_version
                        )),
                        None,
                    ));
                };
                let hash = entry_hash(pepper, &stored_prev, entry.seq, &entry.draft, &details_text);
                if hash.as_slice() != stored_hash.as_slice() {
                    return Ok((
                        bad("its hash does not match its contents: it was altered"),
                        None,
                    ));
                }
                prev_hash = stored_hash;
                expected_seq += 1;
                checked += 1;
            }
        }
    }

    /// Compares the recorded chain head with the last entry of the log.
    async fn check_head(
        &self,
        checked: i64,
        last_seq: i64,
        last_hash: &[u8],
    ) -> Result<ChainReport> {
        let bad = |seq: i64, problem: String| ChainReport {
            entries: checked,
            first_bad_seq: Some(seq),
            problem: Some(problem),
        };
        let Some(head) = self.read_head().await? else {
            if last_seq == 0 {
                return Ok(ChainReport {
                    entries: 0,
                    first_bad_seq: None,
                    problem: None,
                });
            }
            return Ok(bad(
                last_seq,
                "the audit head record is missing: the log's end cannot be proven".to_owned(),
            ));
        };
        let Some(pepper) = self.peppers.get(head.key_version) else {
            return Ok(bad(
                head.seq,
                format!(
                    "the audit head was signed with pepper version {}, which is not configured",
                    head.key_version
                ),
            ));
        };
        let mac = head_mac(pepper, head.seq, &head.hash);
        if !bool::from(subtle::ConstantTimeEq::ct_eq(
            mac.as_slice(),
            head.mac.as_slice(),
        )) {
            return Ok(bad(
                head.seq,
                "the audit head record was altered (its MAC does not verify)".to_owned(),
            ));
        }
        if head.seq > last_seq {
            return Ok(bad(
                last_seq + 1,
                format!(
                    "the log ends at entry {last_seq} but its head records entry {}: entries were removed from its end",
                    head.seq
                ),
            ));
        }
        if head.seq < last_seq || head.hash != last_hash {
            return Ok(bad(
                head.seq.min(last_seq),
                "the last entry does not match the audit head record".to_owned(),
            ));
        }
        Ok(ChainReport {
            entries: checked,
            first_bad_seq: None,
            problem: None,
        })
    }

    async fn read_head(&self) -> Result<Option<RawHead>> {
        with_db!(self, reader, |pool| {
            let row =
                sqlx::query("SELECT seq, hash, key_version, mac FROM audit_head WHERE id = 1")
                    .fetch_optional(pool)
                    .await?;
            row.map(|r| {
                Ok(RawHead {
                    seq: r.i64("seq")?,
                    hash: r.bytes("hash")?,
                    key_version: crate::version_col(r.i64("key_version")?)?,
                    mac: r.bytes("mac")?,
                })
            })
            .transpose()
        })
    }

    /// A signed checkpoint of the chain head (`None` while the log is
    /// empty), for anchoring outside the database: a log line, a webhook
    /// event, the operator's `line` kept elsewhere. Anyone holding an
    /// earlier checkpoint can tell whether the log still reaches it with
    /// the same hash ([`Store::check_audit_checkpoint`]).
    pub async fn audit_checkpoint(&self, at: i64) -> Result<Option<AuditCheckpoint>> {
        let Some(head) = self.read_head().await? else {
            return Ok(None);
        };
        let hash = hex(&head.hash);
        let pepper = self.peppers.current();
        let signature = hex(&checkpoint_mac(pepper, head.seq, &hash, at));
        let line = format!(
            "{}:{hash}:{}",
            head.seq,
            hex(&line_mac(pepper, head.seq, &hash))
        );
        Ok(Some(AuditCheckpoint {
            seq: head.seq,
            hash,
            at,
            key_version: pepper.version(),
            signature,
            line,
        }))
    }

    /// Checks the log against a checkpoint line kept outside the database
    /// (`seq:hash:signature`, [`AuditCheckpoint::line`]): the line must be
    /// signed by this deployment (under any configured pepper), and the
    /// log must still hold entry `seq` with that hash. A head record put
    /// back over a cut log, or a log rebuilt from an earlier point, no
    /// longer reaches the checkpoint. The chain itself is checked by
    /// [`Store::verify_audit_chain`].
    pub async fn check_audit_checkpoint(&self, line: &str) -> Result<CheckpointCheck> {
        let mut parts = line.trim().splitn(3, ':');
        let (Some(seq), Some(hash), Some(signature)) = (parts.next(), parts.next(), parts.next())
        else {
            return Ok(CheckpointCheck::Invalid);
        };
        let (Ok(seq), Ok(hash_bytes), Ok(signature)) = (
            seq.parse::<i64>(),
            hex::decode(hash),
            hex::decode(signature),
        ) else {
            return Ok(CheckpointCheck::Invalid);
        };
        let signed = self.peppers.iter().any(|pepper| {
            bool::from(subtle::ConstantTimeEq::ct_eq(
                line_mac(pepper, seq, hash).as_slice(),
                signature.as_slice(),
            ))
        });
        if !signed {
            return Ok(CheckpointCheck::Invalid);
        }
        let row = with_db!(self, reader, |pool| {
            sqlx::query("SELECT hash FROM audit_log WHERE seq = $1")
                .bind(seq)
                .fetch_optional(pool)
                .await?
                .map(|r| r.bytes("hash"))
                .transpose()
        })?;
        Ok(match row {
            None => {
                let last = with_db!(self, reader, |pool| {
                    sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(seq) FROM audit_log")
                        .fetch_one(pool)
                        .await
                })?
                .unwrap_or(0);
                CheckpointCheck::NotReached { seq, last }
            }
            Some(stored) if stored == hash_bytes => CheckpointCheck::Reached { seq },
            Some(_) => CheckpointCheck::Differs { seq },
        })
    }

    /// Writes the chain head of a log that has entries but no head record:
    /// a store made before the head existed, upgraded by this open (and
    /// only then: a store that had a head and lost it fails verification).
    pub(crate) async fn init_audit_head(&self) -> Result<()> {
        if self.read_head().await?.is_some() {
            return Ok(());
        }
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(row) = last {
                let seq = row.i64("seq")?;
                let hash = row.bytes("hash")?;
                let pepper = self.peppers.current();
                tracing::info!(seq, "recording the audit chain head of an existing log");
                sqlx::query(UPSERT_HEAD_SQL)
                    .bind(seq)
                    .bind(hash.as_slice())
                    .bind(i64::from(pepper.version()))
                    .bind(head_mac(pepper, seq, &hash).as_slice())
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }
}

struct RawHead {
    seq: i64,
    hash: Vec<u8>,
    key_version: u32,
    mac: Vec<u8>,
}

/// A signed statement of the audit chain's head at a time.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditCheckpoint {
    /// The last entry's sequence number.
    pub seq: i64,
    /// Its hash (hex).
    pub hash: String,
    /// When the checkpoint was made (Unix ms).
    pub at: i64,
    /// The pepper version of the signature.
    pub key_version: u32,
    /// HMAC-SHA256 of `"{seq}:{hash}:{at}"` under a key derived from the
    /// pepper (hex).
    pub signature: String,
    /// The checkpoint as one line to keep outside the database:
    /// `seq:hash:signature`, the signature an HMAC of `"{seq}:{hash}"`
    /// under another key derived from the pepper. `keywarden admin audit
    /// verify --checkpoint LINE` checks the log against it.
    pub line: String,
}

/// Where a verification of the chain ended: its last entry, from which
/// the next verification may go on ([`Store::verify_audit_chain_from`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainAnchor {
    /// The last entry verified.
    pub seq: i64,
    /// Its hash.
    pub hash: Vec<u8>,
    /// Entries verified up to it.
    pub entries: i64,
}

/// What a checkpoint line says of the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CheckpointCheck {
    /// Not a checkpoint line of this deployment (malformed, or its
    /// signature does not verify under any configured pepper).
    Invalid,
    /// The log holds entry `seq` with the checkpoint's hash.
    Reached {
        /// The checkpoint's entry.
        seq: i64,
    },
    /// The log ends at `last`, before the checkpoint's entry: entries were
    /// removed from its end (whatever its head record says).
    NotReached {
        /// The checkpoint's entry.
        seq: i64,
        /// The log's last entry.
        last: i64,
    },
    /// Entry `seq` is there with another hash: the log was rebuilt.
    Differs {
        /// The checkpoint's entry.
        seq: i64,
    },
}
