//! The usage log: every verification becomes an event on a bounded
//! in-memory queue, and one task writes them to the store in batches.
//! Verification never waits on the log; when the queue is full, events are
//! dropped and counted (`keywarden_usage_events_dropped_total`).

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
        self.metrics.usage_queue_depth.set(self.depth());
    }

    /// Events waiting.
    pub fn depth(&self) -> i64 {
        i64::try_from(self.tx.max_capacity() - self.tx.capacity()).unwrap_or(i64::MAX)
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
    let depth = |probe: &mpsc::Sender<UsageEvent>| {
        i64::try_from(probe.max_capacity() - probe.capacity()).unwrap_or(i64::MAX)
    };
    let mut tick = tokio::time::interval(FLUSH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut batch = Vec::with_capacity(MAX_BATCH);
    loop {
        let stopping = tokio::select! {
            _ = tick.tick() => false,
            () = shutdown.notified() => true,
        };
        loop {
            batch.clear();
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
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
        metrics.usage_queue_depth.set(depth(&probe));
        if stopping {
            return;
        }
    }
}

async fn write_batch(store: &Store, metrics: &Metrics, batch: &[UsageEvent]) {
    match store.insert_usage(batch).await {
        Ok(()) => {
            metrics.usage_written.inc_by(batch.len() as u64);
        }
        Err(err) => {
            metrics.usage_dropped.inc_by(batch.len() as u64);
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
