//! Console sessions, shared by every node: a row per signed-in browser,
//! named by the HMAC of its cookie token (the token itself never reaches
//! the store).
//!
//! A session is read together with its root key in one statement, so a
//! revoked root key ends its sessions on every node as soon as the
//! revocation commits; the rows themselves go on their next use or at the
//! next prune.

use keywarden_core::{clock::UnixMillis, key::KeyId};

use crate::{Result, RootKeyRecord, RowGet, Store, root_keys::root_from_row, with_db};

/// `last_seen_at` is written at most this often per session, so a busy
/// console costs one read per request and a write every few seconds. Idle
/// expiry is therefore exact to within this interval.
pub const SESSION_TOUCH_MS: i64 = 5_000;

/// A stored console session and its root key, as read on every request.
#[derive(Debug, Clone)]
pub struct ConsoleSession {
    /// The session's root key, read in the same statement (revoked or not:
    /// the caller decides).
    pub root: RootKeyRecord,
    /// Sign-in time.
    pub created_at: UnixMillis,
    /// Last request seen (written at most every [`SESSION_TOUCH_MS`]).
    pub last_seen_at: UnixMillis,
    /// A one-time message for the next page, if one is waiting.
    pub notice: Option<String>,
}

const SELECT_SESSION: &str = "SELECT s.created_at AS s_created_at, s.last_seen_at AS s_last_seen_at, \
     s.notice AS s_notice, r.id, r.digest, r.pepper_version, r.hint, r.name, r.permissions, \
     r.created_at, r.created_by, r.revoked_at, r.last_used_at, r.spaces, r.environments \
     FROM console_sessions s JOIN root_keys r ON r.id = s.root_key_id WHERE s.digest = $1";

impl Store {
    /// Stores a new session `digest` for root key `root`, signed in at `now`.
    pub async fn create_console_session(
        &self,
        digest: &[u8; 32],
        root: &KeyId,
        now: UnixMillis,
    ) -> Result<()> {
        with_db!(self, writer, |pool| {
            sqlx::query(
                "INSERT INTO console_sessions (digest, root_key_id, created_at, last_seen_at) \
                 VALUES ($1, $2, $3, $3)",
            )
            .bind(digest.as_slice())
            .bind(root.as_str())
            .bind(now)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// The session `digest` with its root key, whatever its age (expiry is
    /// the caller's rule); `None` when there is no such session.
    pub async fn console_session(&self, digest: &[u8; 32]) -> Result<Option<ConsoleSession>> {
        with_db!(self, reader, |pool| {
            let row = sqlx::query(SELECT_SESSION)
                .bind(digest.as_slice())
                .fetch_optional(pool)
                .await?;
            row.map(|row| {
                Ok(ConsoleSession {
                    root: root_from_row(&row)?,
                    created_at: row.i64("s_created_at")?,
                    last_seen_at: row.i64("s_last_seen_at")?,
                    notice: row.opt_text("s_notice")?,
                })
            })
            .transpose()
        })
    }

    /// Notes that session `digest` was used at `now`, unless that was noted
    /// less than [`SESSION_TOUCH_MS`] ago.
    pub async fn touch_console_session(&self, digest: &[u8; 32], now: UnixMillis) -> Result<()> {
        with_db!(self, writer, |pool| {
            sqlx::query(
                "UPDATE console_sessions SET last_seen_at = $2 \
                 WHERE digest = $1 AND last_seen_at <= $2 - $3",
            )
            .bind(digest.as_slice())
            .bind(now)
            .bind(SESSION_TOUCH_MS)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// Leaves a one-time message on session `digest` for its next page
    /// (replacing one not yet shown).
    pub async fn set_console_notice(&self, digest: &[u8; 32], text: &str) -> Result<()> {
        with_db!(self, writer, |pool| {
            sqlx::query("UPDATE console_sessions SET notice = $2 WHERE digest = $1")
                .bind(digest.as_slice())
                .bind(text)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Clears the message of session `digest` once shown, if it is still
    /// `shown` (a newer one left meanwhile stays).
    pub async fn clear_console_notice(&self, digest: &[u8; 32], shown: &str) -> Result<()> {
        with_db!(self, writer, |pool| {
            sqlx::query(
                "UPDATE console_sessions SET notice = NULL WHERE digest = $1 AND notice = $2",
            )
            .bind(digest.as_slice())
            .bind(shown)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// Ends session `digest` (sign-out, expiry); `true` if it existed.
    pub async fn end_console_session(&self, digest: &[u8; 32]) -> Result<bool> {
        with_db!(self, writer, |pool| {
            let done = sqlx::query("DELETE FROM console_sessions WHERE digest = $1")
                .bind(digest.as_slice())
                .execute(pool)
                .await?;
            Ok(done.rows_affected() > 0)
        })
    }

    /// Deletes the sessions no request can use any more: idle since before
    /// `idle_before`, signed in before `created_before`, or of a revoked
    /// root key. Returns how many went.
    pub async fn prune_console_sessions(
        &self,
        idle_before: UnixMillis,
        created_before: UnixMillis,
    ) -> Result<u64> {
        with_db!(self, writer, |pool| {
            let done = sqlx::query(
                "DELETE FROM console_sessions WHERE last_seen_at < $1 OR created_at < $2 \
                 OR root_key_id IN (SELECT id FROM root_keys WHERE revoked_at IS NOT NULL)",
            )
            .bind(idle_before)
            .bind(created_before)
            .execute(pool)
            .await?;
            Ok(done.rows_affected())
        })
    }
}
