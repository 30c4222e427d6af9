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
    /// starting at `window_start` and `window_ms` long. One transaction:
    /// the window's row is locked (PostgreSQL) or the writer is exclusive
    /// (SQLite), so leases of concurrent nodes never add up past `limit`.
    pub async fn lease_rate(
        &self,
        key: &str,
        window_start: UnixMillis,
        window_ms: i64,
        want: u32,
        limit: u32,
    ) -> Result<Lease> {
        let lock = self.lock_suffix();
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO rate_windows (key_id, window_start, used, window_end) \
                 VALUES ($1, $2, 0, $3) ON CONFLICT (key_id, window_start) DO NOTHING",
            )
            .bind(key)
            .bind(window_start)
            .bind(window_start.saturating_add(window_ms))
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

    /// Deletes the windows that ended before `now` (windows of an older
    /// version, whose end is not stored, once they started more than
    /// [`MAX_WINDOW_MS`] ago); how many.
    pub async fn prune_rate_windows(&self, now: UnixMillis) -> Result<u64> {
        with_db!(self, writer, |pool| {
            let done = sqlx::query(
                "DELETE FROM rate_windows WHERE window_end < $1 \
                 OR (window_end IS NULL AND window_start < $2)",
            )
            .bind(now)
            .bind(now.saturating_sub(MAX_WINDOW_MS))
            .execute(pool)
            .await?;
            Ok(done.rows_affected())
        })
    }
}

/// The longest rate limit window keys may have: 30 days.
pub const MAX_WINDOW_MS: i64 = 30 * 86_400_000;

/// Inside a roll's transaction `$tx`: the windows of `$old` (its own limit,
/// `$old`, and its named ones, `$old/<name>`) that have not ended at
/// `$now` count for `$new` too, so a key and its successor share one count.
macro_rules! carry_rate_windows {
    ($tx:expr, $old:expr, $new:expr, $now:expr) => {{
        let old: &str = $old;
        let new: &str = $new;
        sqlx::query(
            "INSERT INTO rate_windows (key_id, window_start, used, window_end) \
             SELECT $2 || substr(key_id, length($1) + 1), window_start, used, window_end \
             FROM rate_windows WHERE (key_id = $1 OR substr(key_id, 1, length($1) + 1) = $1 || '/') \
             AND (window_end IS NULL OR window_end > $3) \
             ON CONFLICT (key_id, window_start) DO UPDATE SET used = rate_windows.used + excluded.used",
        )
        .bind(old)
        .bind(new)
        .bind($now)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use carry_rate_windows;
