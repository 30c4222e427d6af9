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
            },
            task,
        )
    }

    /// Queues an event; never waits.
    pub fn record(&self, event: UsageEvent) {
        if self.tx.try_send(event).is_err() {
            self.metrics.usage_dropped.inc();
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

async fn writer(
    mut rx: mpsc::Receiver<UsageEvent>,
    store: Store,
    metrics: Metrics,
    shutdown: Arc<Notify>,
    probe: mpsc::Sender<UsageEvent>,
) {
    let depth = |probe: &mpsc::Sender<UsageEvent>| {
        i64::try_from(probe.max_capacity() - probe.capacity()).unwrap_or(i64::MAX)
    };
    // The task's own sender only measures depth; it must not keep the
    // channel open, so it is a weak handle in spirit: never used to send.
    let mut stopping = false;
    loop {
        let first = if stopping {
            match rx.try_recv() {
                Ok(e) => e,
                Err(_) => return,
            }
        } else {
            tokio::select! {
                e = rx.recv() => match e { Some(e) => e, None => return },
                () = shutdown.notified() => { stopping = true; continue; }
            }
        };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(e) => batch.push(e),
                Err(_) => break,
            }
        }
        write_batch(&store, &metrics, &batch).await;
        metrics.usage_queue_depth.set(depth(&probe));
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
