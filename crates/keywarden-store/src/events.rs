//! Notable events: leak reports and anomalies, for `GET /v1/events`.

use keywarden_core::clock::UnixMillis;

use crate::{Event, Result, RowGet, Store, StoreError, with_db};

impl Store {
    /// Records an event.
    pub async fn insert_event(
        &self,
        kind: &str,
        key_id: Option<&str>,
        details: &serde_json::Value,
        at: UnixMillis,
    ) -> Result<()> {
        let details = details.to_string();
        with_db!(self, writer, |pool| {
            sqlx::query("INSERT INTO events (at, kind, key_id, details) VALUES ($1, $2, $3, $4)")
                .bind(at)
                .bind(kind)
                .bind(key_id)
                .bind(&details)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Events, newest first, optionally of one kind or key.
    pub async fn list_events(
        &self,
        kind: Option<&str>,
        key_id: Option<&str>,
        before_seq: Option<i64>,
        limit: u32,
    ) -> Result<Vec<Event>> {
        with_db!(self, reader, |pool| {
            let rows = sqlx::query(
                "SELECT seq, at, kind, key_id, details FROM events \
                 WHERE ($1 IS NULL OR kind = $1) AND ($2 IS NULL OR key_id = $2) \
                 AND ($3 IS NULL OR seq < $3) ORDER BY seq DESC LIMIT $4",
            )
            .bind(kind)
            .bind(key_id)
            .bind(before_seq)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(Event {
                        seq: r.i64("seq")?,
                        at: r.i64("at")?,
                        kind: r.text("kind")?,
                        key_id: r.opt_text("key_id")?,
                        details: serde_json::from_str(&r.text("details")?)
                            .map_err(StoreError::corrupt)?,
                    })
                })
                .collect()
        })
    }
}
