//! Cluster rate limits: how many requests each key was granted in each
//! fixed window, shared by every node. A node leases a batch of requests
//! at a time and serves them from memory, so most verifications never ask
//! the database; the sum of the leases never exceeds the limit.

use keywarden_core::clock::UnixMillis;

use crate::{Result, RowGet, Store, with_db};

/// A batch of requests leased for one key and window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    /// Requests granted to this node now (0: the window is used up).
    pub granted: u32,
    /// Requests granted to all nodes in this window, this lease included.
    pub used: u32,
}

impl Store {
    /// Leases up to `want` of `limit` requests for `key` (a key id, or
    /// `<key id>/<limit name>` for a named limit) in the window
    /// starting at `window_start`. One transaction: the window's row is
    /// locked (PostgreSQL) or the writer is exclusive (SQLite), so leases
    /// of concurrent nodes never add up past `limit`.
    pub async fn lease_rate(
        &self,
        key: &str,
        window_start: UnixMillis,
        want: u32,
        limit: u32,
    ) -> Result<Lease> {
        let lock = self.lock_suffix();
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO rate_windows (key_id, window_start, used) VALUES ($1, $2, 0) \
                 ON CONFLICT (key_id, window_start) DO NOTHING",
            )
            .bind(key)
            .bind(window_start)
            .execute(&mut *tx)
            .await?;
            let row = sqlx::query(&format!(
                "SELECT used FROM rate_windows WHERE key_id = $1 AND window_start = $2{lock}"
            ))
            .bind(key)
            .bind(window_start)
            .fetch_one(&mut *tx)
            .await?;
            let used = u32::try_from(row.i64("used")?.max(0)).unwrap_or(u32::MAX);
            let granted = want.min(limit.saturating_sub(used));
            if granted > 0 {
                sqlx::query(
                    "UPDATE rate_windows SET used = used + $3 WHERE key_id = $1 AND window_start = $2",
                )
                .bind(key)
                .bind(window_start)
                .bind(i64::from(granted))
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(Lease {
                granted,
                used: used + granted,
            })
        })
    }

    /// Deletes windows that started before `before`; how many.
    pub async fn prune_rate_windows(&self, before: UnixMillis) -> Result<u64> {
        with_db!(self, writer, |pool| {
            let done = sqlx::query("DELETE FROM rate_windows WHERE window_start < $1")
                .bind(before)
                .execute(pool)
                .await?;
            Ok(done.rows_affected())
        })
    }
}
