//! The customer portal: one-time links a provider's backend mints for one
//! owner of one space, the sessions they open, and the keys made there.
//!
//! - A link is stored by the HMAC of its code, a session by the HMAC of its
//!   cookie token: neither the database nor a dump of it opens anything.
//! - Opening a link marks it used in the statement that reads it (and
//!   inserts the session in the same transaction): a link opens at most
//!   once, whichever nodes are asked at the same moment.
//! - A session is read together with the root key that minted its link, in
//!   one statement: revoking that key ends its customers' sessions on every
//!   node at once, and narrowing it narrows them (the engine checks each
//!   grant against it on every request).

use keywarden_core::{clock::UnixMillis, key::KeyId, spaces::SpaceId};

use crate::{
    AuditDraft, AuditEntry, BackendKind, KeyRecord, NewEvent, Result, RootKeyRecord, RowGet, Store,
    StoreError,
    audit::append_audit,
    keys::{bind_key, encode, hold_space},
    parse_col,
    root_keys::root_from_row,
    with_db,
};

/// A link to store.
#[derive(Debug)]
pub struct NewPortalLink<'a> {
    /// The HMAC of its one-time code.
    pub digest: &'a [u8; 32],
    /// The customer it opens a session for.
    pub owner: &'a str,
    /// The space the session sees.
    pub space: &'a SpaceId,
    /// What the session may do (`keys:read`, ...).
    pub grants: &'a [String],
    /// Where the portal's "back" link goes.
    pub return_url: Option<&'a str>,
    /// The root key that mints it.
    pub created_by: &'a KeyId,
    /// When.
    pub created_at: UnixMillis,
    /// Until when it opens.
    pub expires_at: UnixMillis,
}

/// A portal session, with the root key that minted its link.
#[derive(Debug, Clone)]
pub struct PortalSessionRow {
    /// Its public id (`ps_…`), named in the audit log.
    pub id: String,
    /// The customer.
    pub owner: String,
    /// The space it sees.
    pub space: SpaceId,
    /// What it may do, as stored.
    pub grants: Vec<String>,
    /// Where the portal's "back" link goes.
    pub return_url: Option<String>,
    /// When it began.
    pub created_at: UnixMillis,
    /// When it ends.
    pub expires_at: UnixMillis,
    /// The root key that minted its link (revoked or not: the caller
    /// decides).
    pub issuer: RootKeyRecord,
}

/// What a link that did not open was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpentLink {
    /// Its customer.
    pub owner: String,
    /// Its space.
    pub space: String,
    /// Whether it had been opened before (otherwise it expired).
    pub used: bool,
}

const SELECT_SESSION: &str = "SELECT s.id AS s_id, s.owner AS s_owner, s.space AS s_space, \
     s.grants AS s_grants, s.return_url AS s_return_url, s.created_at AS s_created_at, \
     s.expires_at AS s_expires_at, r.id, r.digest, r.pepper_version, r.hint, r.name, \
     r.permissions, r.created_at, r.created_by, r.revoked_at, r.last_used_at, r.spaces, r.environments \
     FROM portal_sessions s JOIN root_keys r ON r.id = s.created_by \
     WHERE s.digest = $1 AND s.expires_at > $2";

fn grants_text(grants: &[String]) -> Result<String> {
    serde_json::to_string(grants).map_err(StoreError::corrupt)
}

fn session_from_row(row: &impl RowGet) -> Result<PortalSessionRow> {
    Ok(PortalSessionRow {
        id: row.text("s_id")?,
        owner: row.text("s_owner")?,
        space: parse_col(&row.text("s_space")?, "space")?,
        grants: serde_json::from_str(&row.text("s_grants")?).map_err(StoreError::corrupt)?,
        return_url: row.opt_text("s_return_url")?,
        created_at: row.i64("s_created_at")?,
        expires_at: row.i64("s_expires_at")?,
        issuer: root_from_row(row)?,
    })
}

impl Store {
    /// Stores a new link with its audit entry (one transaction).
    pub async fn insert_portal_link(
        &self,
        link: &NewPortalLink<'_>,
        audit: &AuditDraft,
    ) -> Result<AuditEntry> {
        let grants = grants_text(link.grants)?;
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO portal_links (digest, owner, space, grants, return_url, created_by, \
                 created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(link.digest.as_slice())
            .bind(link.owner)
            .bind(link.space.as_str())
            .bind(&grants)
            .bind(link.return_url)
            .bind(link.created_by.as_str())
            .bind(link.created_at)
            .bind(link.expires_at)
            .execute(&mut *tx)
            .await?;
            let entry = append_audit!(tx, self, audit);
            tx.commit().await?;
            Ok(entry)
        })
    }

    /// Opens the link `link` at `now`: marks it used and stores the session
    /// `session` (id `session_id`, ending at `expires_at`) with the audit
    /// entry `audit` makes of it, in one transaction. `Err(Some(spent))`
    /// for a link that was used or expired, `Err(None)` for no such link.
    pub async fn open_portal_link(
        &self,
        link: &[u8; 32],
        session: &[u8; 32],
        session_id: &str,
        now: UnixMillis,
        expires_at: UnixMillis,
        audit: impl FnOnce(&PortalSessionRow) -> AuditDraft,
    ) -> Result<std::result::Result<PortalSessionRow, Option<SpentLink>>> {
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            let taken = sqlx::query(
                "UPDATE portal_links SET used_at = $2 \
                 WHERE digest = $1 AND used_at IS NULL AND expires_at > $2 \
                 AND created_by IN (SELECT id FROM root_keys WHERE revoked_at IS NULL) \
                 RETURNING owner, space, grants, return_url, created_by",
            )
            .bind(link.as_slice())
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(taken) = taken else {
                let spent =
                    sqlx::query("SELECT owner, space, used_at FROM portal_links WHERE digest = $1")
                        .bind(link.as_slice())
                        .fetch_optional(&mut *tx)
                        .await?;
                tx.rollback().await?;
                return Ok(Err(spent
                    .map(|r| -> Result<SpentLink> {
                        Ok(SpentLink {
                            owner: r.text("owner")?,
                            space: r.text("space")?,
                            used: r.opt_i64("used_at")?.is_some(),
                        })
                    })
                    .transpose()?));
            };
            sqlx::query(
                "INSERT INTO portal_sessions (digest, id, owner, space, grants, return_url, \
                 created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(session.as_slice())
            .bind(session_id)
            .bind(taken.text("owner")?)
            .bind(taken.text("space")?)
            .bind(taken.text("grants")?)
            .bind(taken.opt_text("return_url")?)
            .bind(taken.text("created_by")?)
            .bind(now)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
            let row = sqlx::query(SELECT_SESSION)
                .bind(session.as_slice())
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            let opened = session_from_row(&row)?;
            let draft = audit(&opened);
            append_audit!(tx, self, &draft);
            tx.commit().await?;
            Ok(Ok(opened))
        })
    }

    /// The live session `digest` at `now`, with its issuing root key.
    pub async fn portal_session(
        &self,
        digest: &[u8; 32],
        now: UnixMillis,
    ) -> Result<Option<PortalSessionRow>> {
        with_db!(self, reader, |pool| {
            let row = sqlx::query(SELECT_SESSION)
                .bind(digest.as_slice())
                .bind(now)
                .fetch_optional(pool)
                .await?;
            row.as_ref().map(session_from_row).transpose()
        })
    }

    /// Deletes links and sessions past their end before `before`, and the
    /// sessions of revoked root keys; how many went.
    pub async fn prune_portal(&self, before: UnixMillis) -> Result<u64> {
        with_db!(self, writer, |pool| {
            let links = sqlx::query("DELETE FROM portal_links WHERE expires_at < $1")
                .bind(before)
                .execute(pool)
                .await?;
            let sessions = sqlx::query(
                "DELETE FROM portal_sessions WHERE expires_at < $1 \
                 OR created_by IN (SELECT id FROM root_keys WHERE revoked_at IS NOT NULL)",
            )
            .bind(before)
            .execute(pool)
            .await?;
            Ok(links.rows_affected() + sessions.rows_affected())
        })
    }

    /// Stores a key made in the portal, with its audit entry and `event`
    /// (`key.pending`, when it waits for approval), in one transaction:
    /// refused (`Conflict("KEY_LIMIT_REACHED")`) when its owner already
    /// holds `max_live` live keys in its space. The count and the insert
    /// are serialized per owner and space (SQLite has one writer; on
    /// PostgreSQL a transaction lock on the pair), so concurrent requests
    /// never pass the limit together.
    pub async fn insert_portal_key(
        &self,
        rec: &KeyRecord,
        max_live: Option<u32>,
        audit: &AuditDraft,
        event: Option<&NewEvent<'_>>,
    ) -> Result<AuditEntry> {
        let enc = encode(rec)?;
        let owner = rec.owner.as_ref().map(|o| o.as_str()).unwrap_or_default();
        with_db!(self, writer, |pool| {
            let mut tx = pool.begin().await?;
            hold_space!(tx, self, &rec.space);
            if let Some(max) = max_live {
                if self.kind() == BackendKind::Postgres {
                    sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                        .bind(format!("portal-keys/{}/{owner}", rec.space.as_str()))
                        .execute(&mut *tx)
                        .await?;
                }
                let live = sqlx::query(
                    "SELECT COUNT(*) AS n FROM api_keys WHERE space = $1 AND owner = $2 \
                     AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $3)",
                )
                .bind(rec.space.as_str())
                .bind(owner)
                .bind(rec.created_at)
                .fetch_one(&mut *tx)
                .await?
                .i64("n")?;
                if live >= i64::from(max) {
                    return Err(StoreError::Conflict("KEY_LIMIT_REACHED".to_owned()));
                }
            }
            bind_key!(sqlx::query(crate::keys::INSERT_KEY), rec, &enc)
                .execute(&mut *tx)
                .await?;
            if let Some(event) = event {
                crate::events::insert_event!(&mut *tx, event);
            }
            let entry = append_audit!(tx, self, audit);
            tx.commit().await?;
            Ok(entry)
        })
    }
}
