//! The usage log: every verification becomes an event on a bounded
//! in-memory queue, and one task writes them to the store in batches.
//! Verification never waits on the log; when the queue is full, events are
//! dropped and counted (`keywarden_usage_events_dropped_total`). Identical
//! events of the same second are stored as one row with a `hits` count.
//!
//! Verifications that resolve to no key (`MISSING`, `MALFORMED`,
//! `NOT_FOUND`, a throttled address's `RATE_LIMITED`) are anonymous traffic
//! that anyone can send: they are counted per client address, outcome and
//! minute, and written as one row per minute when the minute is over (at
//! the latest a minute after it, and at shutdown), whatever their user
//! agents or scopes. A flood of key-less requests costs a few rows a
//! minute per address, not one row per request.

use std::{collections::HashMap, sync::Arc};

use keywarden_store::{Store, UsageEvent};
use tokio::{
    sync::{Notify, mpsc},
    task::JoinHandle,
};

use crate::metrics::Metrics;

/// Most events written in one transaction.
const MAX_BATCH: usize = 5_000;

/// The sending side of the usage log.
#[derive(Clone)]
pub struct UsageLog {
    tx: mpsc::Sender<UsageEvent>,
    metrics: Metrics,
    shutdown: Arc<Notify>,
    /// When a drop was last logged (Unix seconds), so a flood logs once a minute.
    last_warning: Arc<std::sync::atomic::AtomicI64>,
}

impl UsageLog {
    /// Starts the writer task. `capacity` bounds the queue.
    pub fn start(store: Store, metrics: Metrics, capacity: usize) -> (Self, JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        let shutdown = Arc::new(Notify::new());
        let task = tokio::spawn(writer(
            rx,
            store,
            metrics.clone(),
            shutdown.clone(),
            tx.clone(),
        ));
        (
            Self {
                tx,
                metrics,
                shutdown,
                last_warning: Arc::default(),
            },
            task,
        )
    }

    /// Queues an event; never waits.
    pub fn record(&self, event: UsageEvent) {
        if self.tx.try_send(event).is_err() {
            self.metrics.usage_dropped.inc();
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            let last = self.last_warning.load(std::sync::atomic::Ordering::Relaxed);
            if now - last >= 60
                && self
                    .last_warning
                    .compare_exchange(
                        last,
                        now,
                        std::sync::atomic::Ordering::Relaxed,
                        std::sync::atomic::Ordering::Relaxed,
                    )
                    .is_ok()
            {
                tracing::warn!(
                    dropped_total = self.metrics.usage_dropped.get(),
                    "the usage log's queue is full: verification events are being dropped"
                );
            }
        }
    }

    /// Asks the writer to write what is queued and stop.
    pub fn shutdown(&self) {
        self.shutdown.notify_one();
    }
}

/// How often the writer wakes to write what has queued. Waking on a timer
/// rather than on every event keeps the verification path from paying a
/// task wake-up per request; events reach the store within this delay.
const FLUSH_EVERY: std::time::Duration = std::time::Duration::from_millis(50);

async fn writer(
    mut rx: mpsc::Receiver<UsageEvent>,
    store: Store,
    metrics: Metrics,
    shutdown: Arc<Notify>,
    probe: mpsc::Sender<UsageEvent>,
) {
    // `probe` only measures the queue's depth; it never sends, and the
    // writer stops on `shutdown`, not when the channel closes.
    let mut tick = tokio::time::interval(FLUSH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut anonymous = Anonymous::default();
    loop {
        let stopping = tokio::select! {
            _ = tick.tick() => false,
            () = shutdown.notified() => true,
        };
        loop {
            batch.clear();
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(event) if event.key_id.is_none() => anonymous.add(event),
                    Ok(event) => batch.push(event),
                    Err(_) => break,
                }
            }
            if batch.is_empty() {
                break;
            }
            write_batch(&store, &metrics, &batch).await;
            if batch.len() < MAX_BATCH {
                break;
            }
        }
        let done = anonymous.take_finished(stopping);
        if !done.is_empty() {
            write_batch(&store, &metrics, &done).await;
        }
        metrics
            .usage_queue_depth
            .set(i64::try_from(probe.max_capacity() - probe.capacity()).unwrap_or(i64::MAX));
        if stopping {
            return;
        }
    }
}

/// Key-less events being counted: per (address, outcome, minute), the
/// minute's first event with the running count in `hits`, and when the
/// entry was opened.
#[derive(Default)]
struct Anonymous {
    open: HashMap<(Option<std::net::IpAddr>, &'static str, i64), (UsageEvent, std::time::Instant)>,
    /// The latest minute seen in an event's time.
    latest_minute: i64,
}

const MINUTE_MS: i64 = 60_000;

impl Anonymous {
    fn add(&mut self, event: UsageEvent) {
        let minute = event.at.div_euclid(MINUTE_MS);
        self.latest_minute = self.latest_minute.max(minute);
        let entry = self
            .open
            .entry((event.client_ip, event.code, minute))
            .or_insert_with(|| {
                (
                    UsageEvent {
                        at: minute * MINUTE_MS,
                        user_agent: None,
                        scopes: None,
                        hits: 0,
                        ..event.clone()
                    },
                    std::time::Instant::now(),
                )
            });
        entry.0.hits += event.hits;
    }

    /// The rows of minutes that are over (by the events' clock, or held
    /// for a minute of wall time), or all rows when `all`.
    fn take_finished(&mut self, all: bool) -> Vec<UsageEvent> {
        if self.open.is_empty() {
            return Vec::new();
        }
        let latest = self.latest_minute;
        let mut done = Vec::new();
        self.open.retain(|(_, _, minute), (row, opened)| {
            let finished = all
                || *minute < latest
                || opened.elapsed() >= std::time::Duration::from_millis(MINUTE_MS as u64);
            if finished {
                done.push(row.clone());
            }
            !finished
        });
        done
    }
}

/// Folds identical events of the same second (key, outcome, address, user
/// agent, scopes, node) into one row with their count: a busy client
/// sending the same request thousands of times a second costs one row a
/// second, not thousands. Each row keeps the earliest time of its events.
fn fold(batch: &[UsageEvent]) -> Vec<UsageEvent> {
    type Group<'a> = (
        Option<&'a str>,
        &'static str,
        Option<std::net::IpAddr>,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        i64,
    );
    let mut index: HashMap<Group<'_>, usize> = HashMap::with_capacity(batch.len());
    let mut rows: Vec<UsageEvent> = Vec::new();
    for e in batch {
        let group = (
            e.key_id.as_deref(),
            e.code,
            e.client_ip,
            e.user_agent.as_deref(),
            e.scopes.as_deref(),
            e.node_id.as_deref(),
            e.at.div_euclid(1000),
        );
        match index.get(&group) {
            Some(&i) => {
                rows[i].hits += e.hits;
                rows[i].at = rows[i].at.min(e.at);
            }
            None => {
                index.insert(group, rows.len());
                rows.push(e.clone());
            }
        }
    }
    rows
}

async fn write_batch(store: &Store, metrics: &Metrics, batch: &[UsageEvent]) {
    let events: u64 = batch
        .iter()
        .map(|e| u64::try_from(e.hits).unwrap_or(0))
        .sum();
    match store.insert_usage(&fold(batch)).await {
        Ok(()) => {
            metrics.usage_written.inc_by(events);
        }
        Err(err) => {
            metrics.usage_dropped.inc_by(events);
            tracing::error!(error = %err, events = batch.len(), "usage events could not be written");
            return;
        }
    }
    let mut last_used: HashMap<&str, i64> = HashMap::new();
    for e in batch.iter().filter(|e| e.code == "VALID") {
        if let Some(id) = &e.key_id {
            let at = last_used.entry(id).or_insert(e.at);
            *at = (*at).max(e.at);
        }
    }
    let uses: Vec<(String, i64)> = last_used
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    if let Err(err) = store.touch_last_used(&uses).await {
        tracing::warn!(error = %err, "last_used_at could not be updated");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(at: i64, ip: &str, code: &'static str) -> UsageEvent {
        UsageEvent {
            key_id: Some("key_a000000000000000".into()),
            at,
            code,
            client_ip: Some(ip.parse().unwrap()),
            user_agent: None,
            scopes: None,
            node_id: None,
            hits: 1,
        }
    }

    #[test]
    fn anonymous_events_count_per_address_outcome_and_minute() {
        let mut a = Anonymous::default();
        for i in 0..1_500 {
            let mut e = ev(60_000 + i, "192.0.2.9", "NOT_FOUND");
            e.key_id = None;
            e.user_agent = Some(format!("agent {i}"));
            a.add(e);
        }
        let mut e = ev(61_000, "192.0.2.9", "MISSING");
        e.key_id = None;
        a.add(e);
        assert!(a.take_finished(false).is_empty(), "the minute is not over");
        let mut next = ev(120_000, "192.0.2.10", "NOT_FOUND");
        next.key_id = None;
        a.add(next);
        let mut rows = a.take_finished(false);
        rows.sort_by_key(|r| r.code);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].code, rows[0].hits, rows[0].at),
            ("MISSING", 1, 60_000)
        );
        assert_eq!((rows[1].code, rows[1].hits), ("NOT_FOUND", 1_500));
        assert_eq!(rows[1].user_agent, None);
        assert_eq!(a.take_finished(true).len(), 1, "shutdown writes the rest");
    }

    #[test]
    fn identical_events_of_a_second_fold() {
        let rows = fold(&[
            ev(1_500, "192.0.2.1", "VALID"),
            ev(1_200, "192.0.2.1", "VALID"),
            ev(1_999, "192.0.2.1", "VALID"),
            ev(2_000, "192.0.2.1", "VALID"),
            ev(1_300, "192.0.2.2", "VALID"),
            ev(1_300, "192.0.2.1", "REVOKED"),
        ]);
        let hits: Vec<(i64, i64)> = rows.iter().map(|r| (r.at, r.hits)).collect();
        assert_eq!(hits, vec![(1_200, 3), (2_000, 1), (1_300, 1), (1_300, 1)]);
        assert_eq!(rows.iter().map(|r| r.hits).sum::<i64>(), 6);
    }
}
