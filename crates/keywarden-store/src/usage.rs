//! The verification log: one row per verification, written in batches.

use std::collections::BTreeMap;

use keywarden_core::{clock::UnixMillis, key::KeyId};

use crate::{Result, RowGet, Store, UsageBucket, UsageEvent, UsageRecord, with_db};

/// Rows per INSERT statement (8 parameters each).
const ROWS_PER_INSERT: usize = 500;

impl Store {
    /// Writes a batch of verification events in one transaction.
    pub async fn insert_usage(&self, events: &[UsageEvent]) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        match &*self.backend {
            crate::Backend::Postgres(db) => {
                // One statement per batch: seven arrays, unnested server-side.
                let col =
                    |f: fn(&UsageEvent) -> Option<String>| events.iter().map(f).collect::<Vec<_>>();
                sqlx::query(
                    "INSERT INTO usage_events (key_id, at, code, client_ip, user_agent, scopes, node_id, hits) \
                     SELECT * FROM UNNEST($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[])",
                )
                .bind(col(|e| e.key_id.clone()))
                .bind(events.iter().map(|e| e.at).collect::<Vec<i64>>())
                .bind(events.iter().map(|e| e.code.to_owned()).collect::<Vec<String>>())
                .bind(col(|e| e.client_ip.map(|ip| ip.to_string())))
                .bind(col(|e| e.user_agent.clone()))
                .bind(col(|e| e.scopes.clone()))
                .bind(col(|e| e.node_id.clone()))
                .bind(events.iter().map(|e| e.hits).collect::<Vec<i64>>())
                .execute(&db.pool)
                .await?;
                Ok(())
            }
            crate::Backend::Sqlite(db) => self.tracked(async {
                // Anonymous `?` parameters: SQLite finds a `$N` parameter's
                // name by a linear scan, which makes binding a multi-row
                // insert with numbered parameters quadratic.
                let mut tx = db.writer.begin().await?;
                for chunk in events.chunks(ROWS_PER_INSERT) {
                    let mut sql = String::from(
                        "INSERT INTO usage_events (key_id, at, code, client_ip, user_agent, scopes, node_id, hits) VALUES ",
                    );
                    sql.push_str(&vec!["(?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", "));
                    let mut query = sqlx::query(&sql);
                    for e in chunk {
                        query = query
                            .bind(&e.key_id)
                            .bind(e.at)
                            .bind(e.code)
                            .bind(e.client_ip.map(|ip| ip.to_string()))
                            .bind(&e.user_agent)
                            .bind(&e.scopes)
                            .bind(&e.node_id)
                            .bind(e.hits);
                    }
                    query.execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }).await,
        }
    }

    /// Verifications in `[from, to)` — of one key, or of all keys —
    /// counted per bucket of `bucket_ms` and per outcome code. Empty buckets
    /// are left out.
    pub async fn usage_buckets(
        &self,
        key_id: Option<&KeyId>,
        bucket_ms: i64,
        from: UnixMillis,
        to: UnixMillis,
    ) -> Result<Vec<UsageBucket>> {
        // Two texts rather than `$4 IS NULL OR key_id = $4`, so the per-key
        // query keeps the (key_id, at) index on both backends.
        let sql = format!(
            "SELECT (at / $1) * $1 AS bucket_start, code, CAST(SUM(hits) AS BIGINT) AS n FROM usage_events \
             WHERE at >= $2 AND at < $3{} GROUP BY bucket_start, code ORDER BY bucket_start",
            if key_id.is_some() {
                " AND key_id = $4"
            } else {
                ""
            }
        );
        let rows = with_db!(self, reader, |pool| {
            let mut query = sqlx::query(&sql).bind(bucket_ms).bind(from).bind(to);
            if let Some(id) = key_id {
                query = query.bind(id.as_str());
            }
            let rows = query.fetch_all(pool).await?;
            rows.iter()
                .map(|r| Ok((r.i64("bucket_start")?, r.text("code")?, r.i64("n")?)))
                .collect::<Result<Vec<_>>>()
        })?;
        Ok(group_buckets(rows))
    }

    /// The latest verifications of a key, newest first; `refused_only`
    /// keeps only the ones that were not `VALID`.
    pub async fn recent_usage(
        &self,
        key_id: Option<&KeyId>,
        refused_only: bool,
        limit: u32,
    ) -> Result<Vec<(Option<String>, UsageRecord)>> {
        with_db!(self, reader, |pool| {
            let rows = sqlx::query(
                "SELECT key_id, at, code, client_ip, user_agent, scopes, node_id, hits FROM usage_events \
                 WHERE ($1 IS NULL OR key_id = $1) AND ($2 = 0 OR code <> 'VALID') \
                 ORDER BY at DESC, id DESC LIMIT $3",
            )
            .bind(key_id.map(|k| k.as_str()))
            .bind(i64::from(refused_only))
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok((
                        r.opt_text("key_id")?,
                        UsageRecord {
                            at: r.i64("at")?,
                            code: r.text("code")?,
                            client_ip: r.opt_text("client_ip")?,
                            user_agent: r.opt_text("user_agent")?,
                            scopes: r.opt_text("scopes")?,
                            node_id: r.opt_text("node_id")?,
                            hits: r.i64("hits")?,
                        },
                    ))
                })
                .collect()
        })
    }

    /// Whether a key was used from `client_ip` before `before`.
    pub async fn seen_address(
        &self,
        key_id: &KeyId,
        client_ip: &str,
        before: UnixMillis,
    ) -> Result<bool> {
        with_db!(self, reader, |pool| {
            let row = sqlx::query(
                "SELECT 1 AS one FROM usage_events WHERE key_id = $1 AND client_ip = $2 AND at < $3 LIMIT 1",
            )
            .bind(key_id.as_str())
            .bind(client_ip)
            .bind(before)
            .fetch_optional(pool)
            .await?;
            Ok(row.is_some())
        })
    }

    /// How many rows the verification log holds (each row may stand for
    /// many verifications: see `UsageEvent::hits`).
    pub async fn usage_rows(&self) -> Result<i64> {
        with_db!(self, reader, |pool| {
            let row = sqlx::query("SELECT COUNT(*) AS n FROM usage_events")
                .fetch_one(pool)
                .await?;
            row.i64("n")
        })
    }

    /// Deletes verification events older than `before`; returns how many.
    pub async fn prune_usage(&self, before: UnixMillis) -> Result<u64> {
        with_db!(self, writer, |pool| {
            let done = sqlx::query("DELETE FROM usage_events WHERE at < $1")
                .bind(before)
                .execute(pool)
                .await?;
            Ok(done.rows_affected())
        })
    }
}

fn group_buckets(rows: Vec<(i64, String, i64)>) -> Vec<UsageBucket> {
    let mut buckets: Vec<UsageBucket> = Vec::new();
    for (start, code, n) in rows {
        if buckets.last().is_none_or(|b| b.start != start) {
            buckets.push(UsageBucket {
                start,
                total: 0,
                by_code: BTreeMap::new(),
            });
        }
        if let Some(b) = buckets.last_mut() {
            b.total += n;
            *b.by_code.entry(code).or_default() += n;
        }
    }
    buckets
}
