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
             AND ($5 IS NULL OR seq < $5) ORDER BY seq DESC LIMIT $6"
        );
        with_db!(self, reader, |pool| {
            let rows = sqlx::query(&sql)
                .bind(&filter.actor)
                .bind(&filter.action)
                .bind(&filter.target)
                .bind(&filter.outcome)
                .bind(filter.before_seq)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|r| entry_from_row(r).map(|e| e.0))
                .collect()
        })
    }

    /// Walks the whole chain and checks every link and every hash.
    pub async fn verify_audit_chain(&self) -> Result<ChainReport> {
        let sql = format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT {VERIFY_PAGE}"
        );
        let mut expected_seq = 1;
        let mut prev_hash = vec![0u8; 32];
        let mut checked = 0;
        loop {
            let page = with_db!(self, reader, |pool| {
                let rows = sqlx::query(&sql)
                    .bind(expected_seq - 1)
                    .fetch_all(pool)
                    .await?;
                rows.iter().map(entry_from_row).collect::<Result<Vec<_>>>()
            })?;
            if page.is_empty() {
                return self.check_head(checked, expected_seq - 1, &prev_hash).await;
            }
            for (entry, stored_prev, stored_hash, details_text) in page {
                let bad = |problem: &str| ChainReport {
                    entries: checked,
                    first_bad_seq: Some(entry.seq),
                    problem: Some(problem.to_owned()),
                };
                if entry.seq != expected_seq {
                    return Ok(bad(&format!(
                        "expected entry {expected_seq}: entries are missing"
                    )));
                }
                if stored_prev != prev_hash {
                    return Ok(bad("its prev_hash does not match the entry before it"));
                }
                let Some(pepper) = self.peppers.get(entry.key_version) else {
                    return Ok(bad(&format!(
                        "it was chained with pepper version {}, which is not configured",
                        entry.key_version
                    )));
                };
                let hash = entry_hash(pepper, &stored_prev, entry.seq, &entry.draft, &details_text);
                if hash.as_slice() != stored_hash.as_slice() {
                    return Ok(bad("its hash does not match its contents: it was altered"));
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
    /// event. Anyone holding an earlier checkpoint can tell whether the log
    /// still reaches it with the same hash.
    pub async fn audit_checkpoint(&self, at: i64) -> Result<Option<AuditCheckpoint>> {
        let Some(head) = self.read_head().await? else {
            return Ok(None);
        };
        let hash = hex(&head.hash);
        let pepper = self.peppers.current();
        let signature = hex(&checkpoint_mac(pepper, head.seq, &hash, at));
        Ok(Some(AuditCheckpoint {
            seq: head.seq,
            hash,
            at,
            key_version: pepper.version(),
            signature,
        }))
    }

    /// Writes the chain head of a log that has entries but no head record
    /// (a store made before the head existed). Runs on open.
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
}
