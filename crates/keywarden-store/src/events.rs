//! Notable events: leak reports and anomalies, for `GET /v1/events`, and
//! the webhook outbox they double as. An event raised while a webhook is
//! configured is stored `pending`, in the same row: once the insert returns,
//! the delivery survives a crash or restart. Any node's delivery worker
//! claims due events for a while (`claimed_until`; on PostgreSQL with
//! `FOR UPDATE SKIP LOCKED`, so nodes never wait on each other's claims),
//! attempts them, and records the result.

use keywarden_core::clock::UnixMillis;

use keywarden_core::spaces::SpaceId;

use crate::{
    AttemptResult, BackendKind, Delivery, DeliveryState, Event, NewEvent, Outgoing, Redelivery,
    Result, RowGet, Store, StoreError, parse_col, with_db,
};

const EVENT_COLUMNS: &str = "seq, event_id, at, kind, key_id, details, delivery, attempts, \
     last_attempt_at, last_error, next_attempt_at, delivered_at";

fn event_from(r: &impl RowGet) -> Result<Event> {
    let state: DeliveryState = parse_col(&r.text("delivery")?, "delivery")?;
    Ok(Event {
        seq: r.i64("seq")?,
        id: r.text("event_id")?,
        at: r.i64("at")?,
        kind: r.text("kind")?,
        key_id: r.opt_text("key_id")?,
        details: serde_json::from_str(&r.text("details")?).map_err(StoreError::corrupt)?,
        delivery: Delivery {
            state,
            attempts: u32::try_from(r.i64("attempts")?.max(0)).unwrap_or(u32::MAX),
            last_attempt_at: r.opt_i64("last_attempt_at")?,
            last_error: r.opt_text("last_error")?,
            next_attempt_at: r.opt_i64("next_attempt_at")?,
            delivered_at: r.opt_i64("delivered_at")?,
        },
    })
}

/// A new event id: `evt_` and 22 base62 characters (131 random bits).
pub(crate) fn new_event_id() -> String {
    format!("evt_{}", keywarden_core::random::base62_string(22))
}

/// Inserts `$event` (a `&NewEvent`) with `$exec` (a pool, or `&mut *tx`
/// inside the caller's transaction, so an event commits with the change it
/// reports); the new event's id. With `outbox` set it is also queued for
/// the webhook, in the same statement.
macro_rules! insert_event {
    ($exec:expr, $event:expr) => {{
        let event: &$crate::NewEvent<'_> = $event;
        let id = $crate::events::new_event_id();
        let (state, next, until) = match event.outbox {
            Some((next, until)) => ($crate::DeliveryState::Pending, Some(next), Some(until)),
            None => ($crate::DeliveryState::None, None, None),
        };
        sqlx::query(
            "INSERT INTO events (at, kind, key_id, details, event_id, delivery, \
             next_attempt_at, deliver_until) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(event.at)
        .bind(event.kind)
        .bind(event.key_id)
        .bind(event.details.to_string())
        .bind(&id)
        .bind(state.as_str())
        .bind(next)
        .bind(until)
        .execute($exec)
        .await?;
        id
    }};
}
pub(crate) use insert_event;

impl Store {
    /// Records an event; its id. With `outbox` set it is also queued for
    /// the webhook, in the same statement.
    pub async fn insert_event(&self, event: &NewEvent<'_>) -> Result<String> {
        with_db!(self, writer, |pool| Ok(insert_event!(pool, event)))
    }

    /// The space of an event's key: `None` for no such event, `Some(None)`
    /// for an event of no key (or of a key no longer stored).
    pub async fn event_space(&self, event_id: &str) -> Result<Option<Option<SpaceId>>> {
        with_db!(self, reader, |pool| {
            let row = sqlx::query(
                "SELECT k.space AS space FROM events e LEFT JOIN api_keys k ON k.id = e.key_id \
                 WHERE e.event_id = $1",
            )
            .bind(event_id)
            .fetch_optional(pool)
            .await?;
            row.map(|r| {
                r.opt_text("space")?
                    .map(|s| crate::parse_col::<SpaceId>(&s, "space"))
                    .transpose()
            })
            .transpose()
        })
    }

    /// Events, newest first, as the filter says.
    pub async fn list_events(&self, filter: &crate::EventFilter, limit: u32) -> Result<Vec<Event>> {
        let delivery = filter.delivery.map(DeliveryState::as_str);
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events \
             WHERE ($1 IS NULL OR kind = $1) AND ($2 IS NULL OR key_id = $2) \
             AND ($3 IS NULL OR delivery = $3) \
             AND ($4 IS NULL OR seq < $4) \
             AND ($6 IS NULL OR key_id IN (SELECT id FROM api_keys WHERE space = $6)) \
             AND ($7 IS NULL OR key_id IN (SELECT id FROM api_keys WHERE {})) \
             ORDER BY seq DESC LIMIT $5",
            crate::keys::visible_clause(7)
        );
        with_db!(self, reader, |pool| {
            let rows = sqlx::query(&sql)
                .bind(filter.kind.as_deref())
                .bind(filter.key_id.as_deref())
                .bind(delivery)
                .bind(filter.before_seq)
                .bind(i64::from(limit))
                .bind(filter.space.as_ref().map(|s| s.as_str()))
                .bind(crate::keys::visible_list(filter.visible.as_deref()))
                .fetch_all(pool)
                .await?;
            rows.iter().map(event_from).collect()
        })
    }

    /// Claims up to `limit` pending events due at `now` (wall clock) for
    /// one attempt each, until `now + lease_ms`: no other worker takes them
    /// meanwhile. A worker that dies mid-attempt leaves the claim to lapse,
    /// and the event is attempted again (receivers de-duplicate by id).
    pub async fn claim_deliveries(
        &self,
        now: UnixMillis,
        lease_ms: i64,
        limit: u32,
    ) -> Result<Vec<Outgoing>> {
        let skip_locked = match self.kind() {
            BackendKind::Postgres => " FOR UPDATE SKIP LOCKED",
            BackendKind::Sqlite => "",
        };
        let sql = format!(
            "UPDATE events SET claimed_until = $2 WHERE seq IN (\
             SELECT seq FROM events WHERE delivery = 'pending' AND next_attempt_at <= $1 \
             AND (claimed_until IS NULL OR claimed_until <= $1) \
             ORDER BY next_attempt_at LIMIT $3{skip_locked}) \
             RETURNING {EVENT_COLUMNS}, deliver_until"
        );
        with_db!(self, writer, |pool| {
            let rows = sqlx::query(&sql)
                .bind(now)
                .bind(now.saturating_add(lease_ms))
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?;
            let mut out = rows
                .iter()
                .map(|r| {
                    Ok(Outgoing {
                        event: event_from(r)?,
                        deliver_until: r.opt_i64("deliver_until")?.unwrap_or(now),
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            out.sort_by_key(|o| o.event.seq);
            Ok(out)
        })
    }

    /// Records how an attempt at event `seq` ended, at `now`; releases the
    /// claim. An event that is no longer pending is left as it is.
    pub async fn finish_delivery(
        &self,
        seq: i64,
        now: UnixMillis,
        result: &AttemptResult,
    ) -> Result<()> {
        let (state, error, next, delivered) = match result {
            AttemptResult::Delivered => (DeliveryState::Delivered, None, None, Some(now)),
            AttemptResult::Retry { error, at } => (
                DeliveryState::Pending,
                Some(error.as_str()),
                Some(*at),
                None,
            ),
            AttemptResult::GiveUp { error } => {
                (DeliveryState::Failed, Some(error.as_str()), None, None)
            }
        };
        with_db!(self, writer, |pool| {
            sqlx::query(
                "UPDATE events SET attempts = attempts + 1, last_attempt_at = $2, \
                 claimed_until = NULL, delivery = $3, last_error = $4, next_attempt_at = $5, \
                 delivered_at = $6 WHERE seq = $1 AND delivery = 'pending'",
            )
            .bind(seq)
            .bind(now)
            .bind(state.as_str())
            .bind(error)
            .bind(next)
            .bind(delivered)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// Queues event `event_id` for the webhook again (an operator's
    /// request, e.g. after the receiver was fixed): whatever its state
    /// (`failed`, `delivered`, or `none` when no webhook was configured at
    /// the time), it becomes `pending`, due at `now`, attempted until
    /// `until`, with its attempt count starting over. A pending event is
    /// left as it is.
    pub async fn redeliver(
        &self,
        event_id: &str,
        now: UnixMillis,
        until: UnixMillis,
    ) -> Result<Redelivery> {
        let update = format!(
            "UPDATE events SET delivery = 'pending', attempts = 0, next_attempt_at = $2, \
             deliver_until = $3, claimed_until = NULL, delivered_at = NULL \
             WHERE event_id = $1 AND delivery <> 'pending' RETURNING {EVENT_COLUMNS}"
        );
        let select = format!("SELECT {EVENT_COLUMNS} FROM events WHERE event_id = $1");
        with_db!(self, writer, |pool| {
            let updated = sqlx::query(&update)
                .bind(event_id)
                .bind(now)
                .bind(until)
                .fetch_optional(pool)
                .await?;
            if let Some(row) = updated {
                return Ok(Redelivery::Queued(event_from(&row)?));
            }
            let found = sqlx::query(&select)
                .bind(event_id)
                .fetch_optional(pool)
                .await?;
            match found {
                Some(row) => Ok(Redelivery::AlreadyPending(event_from(&row)?)),
                None => Ok(Redelivery::NotFound),
            }
        })
    }

    /// The earliest time a pending event is due, if any is pending.
    pub async fn next_delivery_due(&self) -> Result<Option<UnixMillis>> {
        with_db!(self, reader, |pool| {
            let row = sqlx::query(
                "SELECT MIN(next_attempt_at) AS due FROM events WHERE delivery = 'pending'",
            )
            .fetch_one(pool)
            .await?;
            row.opt_i64("due")
        })
    }
}
