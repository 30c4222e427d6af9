//! The usage log: every verification is counted into an in-memory table
//! on the request's own thread, and one task writes the table to the store
//! in batches. Verification never waits on the log and allocates nothing
//! for it unless it starts a new row: identical verifications (key,
//! outcome, address, user agent, scopes) of the same second are one row
//! with a `hits` count from the start. The table is bounded; when it is
//! full, verifications that would start a new row are dropped and counted
//! (`keywarden_usage_events_dropped_total`).
//!
//! Verifications that resolve to no key (`MISSING`, `MALFORMED`,
//! `NOT_FOUND`, a throttled address's `RATE_LIMITED`) are anonymous traffic
//! that anyone can send, and refusals of a known key (revoked, expired,
//! limited, ...) are what a client with a dead key sends in a loop: both
//! are counted per key (when there is one), client address, outcome and
//! minute, and written as one row per minute when the minute is over (at
//! the latest a minute after it, and at shutdown), whatever their user
//! agents or scopes. A flood of them costs a few rows a minute per address,
//! not one row per request. Only `VALID` verifications keep their user
//! agent and scopes, one row per second.

use std::{
    collections::HashMap,
    hash::{BuildHasher, Hash, Hasher},
    net::IpAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
};

use hashbrown::{DefaultHashBuilder, HashTable};
use keywarden_core::{
    clock::UnixMillis,
    names::{Scope, join_scopes},
};
use keywarden_store::{Store, UsageEvent};
use tokio::{sync::Notify, task::JoinHandle};

use crate::metrics::Metrics;

/// Most events written in one transaction.
const MAX_BATCH: usize = 5_000;

/// Longest user agent kept, in characters.
const MAX_USER_AGENT_CHARS: usize = 200;

/// Tables the rows are spread over: each thread counts into its own, so
/// the worker threads never wait on each other's lock nor pass its cache
/// line back and forth, even when every request is for the same key. The
/// writer merges the same row found in several tables. Rows are found by foldhash, seeded at random per process
/// (hashbrown's default): a few times faster than SipHash on these short
/// fields, and an attacker who sends chosen addresses and user agents
/// cannot predict which rows collide; the table is bounded either way.
const SHARDS: usize = 16;

/// One verification, as the verifier hands it over: borrowed, so nothing is
/// copied unless it starts a new row.
#[derive(Debug, Clone, Copy)]
pub struct Use<'a> {
    /// The key, when one was found (never anything derived from an unknown key).
    pub key_id: Option<&'a str>,
    /// When.
    pub at: UnixMillis,
    /// Outcome code (`VALID`, `REVOKED`, ...).
    pub code: &'static str,
    /// Client address.
    pub client_ip: Option<IpAddr>,
    /// Client user agent (cut to 200 characters here). Ignored without a key.
    pub user_agent: Option<&'a str>,
    /// Scopes the request asked for. Ignored without a key.
    pub scopes: &'a [Scope],
}

/// Whether a use is folded per minute, without user agent and scopes:
/// everything but a key's `VALID` verification.
fn folded(key_id: Option<&str>, code: &str) -> bool {
    key_id.is_none() || code != "VALID"
}

impl<'a> Use<'a> {
    /// The use as its row tells it apart: folded, neither user agent nor
    /// scopes; the user agent cut to 200 characters.
    fn normalized(self) -> Self {
        let detailed = !folded(self.key_id, self.code);
        Self {
            user_agent: self.user_agent.filter(|_| detailed).map(|ua| {
                ua.char_indices()
                    .nth(MAX_USER_AGENT_CHARS)
                    .map_or(ua, |(end, _)| &ua[..end])
            }),
            scopes: if detailed { self.scopes } else { &[] },
            ..self
        }
    }

    /// The time bucket the use is counted in: its second, or its minute
    /// when it is folded.
    fn bucket(&self) -> i64 {
        let width = if folded(self.key_id, self.code) {
            MINUTE_MS
        } else {
            1_000
        };
        self.at.div_euclid(width)
    }

    /// Of a normalized use, in its bucket.
    fn hash(&self, hasher: &DefaultHashBuilder, bucket: i64) -> u64 {
        let mut h = hasher.build_hasher();
        self.key_id.hash(&mut h);
        self.code.hash(&mut h);
        self.client_ip.hash(&mut h);
        self.user_agent.hash(&mut h);
        for scope in self.scopes {
            scope.as_str().hash(&mut h);
        }
        bucket.hash(&mut h);
        h.finish()
    }
}

/// A row being counted.
struct Row {
    hash: u64,
    bucket: i64,
    event: UsageEvent,
    /// The latest time of its verifications (`event.at` is the earliest).
    last: UnixMillis,
}

impl Row {
    /// The row of a normalized use, counting it.
    fn new(hash: u64, bucket: i64, u: &Use<'_>) -> Self {
        Self {
            hash,
            bucket,
            event: UsageEvent {
                key_id: u.key_id.map(str::to_owned),
                at: u.at,
                code: u.code,
                client_ip: u.client_ip,
                user_agent: u.user_agent.map(str::to_owned),
                scopes: (!u.scopes.is_empty()).then(|| join_scopes(u.scopes)),
                node_id: None,
                hits: 1,
            },
            last: u.at,
        }
    }

    /// Counts `hits` more verifications, made between `first` and `last`.
    fn count(&mut self, hits: i64, first: UnixMillis, last: UnixMillis) {
        self.event.hits += hits;
        self.event.at = self.event.at.min(first);
        self.last = self.last.max(last);
    }

    /// Whether two rows count the same verifications (found on different
    /// threads' shards).
    fn same(&self, other: &Row) -> bool {
        let (a, b) = (&self.event, &other.event);
        self.bucket == other.bucket
            && a.code == b.code
            && a.client_ip == b.client_ip
            && a.key_id == b.key_id
            && a.user_agent == b.user_agent
            && a.scopes == b.scopes
    }

    /// Whether this row counts a normalized use of `bucket`.
    fn matches(&self, u: &Use<'_>, bucket: i64) -> bool {
        let e = &self.event;
        self.bucket == bucket
            && e.code == u.code
            && e.client_ip == u.client_ip
            && e.key_id.as_deref() == u.key_id
            && e.user_agent.as_deref() == u.user_agent
            && joined_is(e.scopes.as_deref().unwrap_or(""), u.scopes)
    }
}

/// Whether `joined` is `scopes` joined with commas.
fn joined_is(joined: &str, scopes: &[Scope]) -> bool {
    let mut rest = joined;
    for (i, scope) in scopes.iter().enumerate() {
        if i > 0 {
            let Some(r) = rest.strip_prefix(',') else {
                return false;
            };
            rest = r;
        }
        let Some(r) = rest.strip_prefix(scope.as_str()) else {
            return false;
        };
        rest = r;
    }
    rest.is_empty()
}

/// This thread's table: threads are numbered as they first count.
fn thread_shard() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static SHARD: usize = NEXT.fetch_add(1, Ordering::Relaxed) % SHARDS;
    }
    SHARD.with(|s| *s)
}

/// A shard on cache lines of its own: two threads counting into
/// neighbouring shards must not pull one line back and forth.
#[derive(Default)]
#[repr(align(128))]
struct Shard(Mutex<HashTable<Row>>);

/// The rows counted since the writer last took them.
struct Table {
    shards: Box<[Shard]>,
    hasher: DefaultHashBuilder,
    /// Rows in all shards.
    rows: AtomicUsize,
    /// Most rows held before new ones are dropped.
    capacity: usize,
}

impl Table {
    fn new(capacity: usize) -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Shard::default()).collect(),
            hasher: DefaultHashBuilder::default(),
            rows: AtomicUsize::new(0),
            capacity: capacity.max(1),
        }
    }

    /// Counts a use; `false` when it needed a new row and the table is full.
    fn add(&self, u: &Use<'_>) -> bool {
        let u = u.normalized();
        let bucket = u.bucket();
        let hash = u.hash(&self.hasher, bucket);
        let shard = &self.shards[thread_shard()];
        let Ok(mut table) = shard.0.lock() else {
            return false;
        };
        if let Some(row) = table.find_mut(hash, |r| r.matches(&u, bucket)) {
            row.count(1, u.at, u.at);
            return true;
        }
        if self.rows.fetch_add(1, Ordering::Relaxed) >= self.capacity {
            self.rows.fetch_sub(1, Ordering::Relaxed);
            return false;
        }
        table.insert_unique(hash, Row::new(hash, bucket, &u), |r| r.hash);
        true
    }

    /// Takes every row counted so far, the same row of several threads
    /// merged into one.
    fn take(&self) -> Vec<Row> {
        let mut merged: HashTable<Row> = HashTable::new();
        for shard in &*self.shards {
            let taken = match shard.0.lock() {
                Ok(mut table) => std::mem::take(&mut *table),
                Err(_) => continue,
            };
            self.rows.fetch_sub(taken.len(), Ordering::Relaxed);
            for row in taken {
                match merged.find_mut(row.hash, |r| r.same(&row)) {
                    Some(known) => known.count(row.event.hits, row.event.at, row.last),
                    None => {
                        merged.insert_unique(row.hash, row, |r| r.hash);
                    }
                }
            }
        }
        merged.into_iter().collect()
    }

    fn len(&self) -> usize {
        self.rows.load(Ordering::Relaxed)
    }
}

/// The counting side of the usage log.
#[derive(Clone)]
pub struct UsageLog {
    table: Arc<Table>,
    metrics: Metrics,
    shutdown: Arc<Notify>,
    /// A flood of drops logs once a minute.
    drop_warning: Arc<crate::limits::OncePerMinute>,
}

impl UsageLog {
    /// Starts the writer task. `capacity` bounds the rows waiting to be
    /// written; `node_id` names this node in every row.
    pub fn start(
        store: Store,
        metrics: Metrics,
        capacity: usize,
        node_id: String,
    ) -> (Self, JoinHandle<()>) {
        let table = Arc::new(Table::new(capacity));
        let shutdown = Arc::new(Notify::new());
        let task = tokio::spawn(writer(
            table.clone(),
            store,
            metrics.clone(),
            shutdown.clone(),
            node_id,
        ));
        (
            Self {
                table,
                metrics,
                shutdown,
                drop_warning: Arc::default(),
            },
            task,
        )
    }

    /// Counts a verification; never waits.
    pub fn record(&self, u: &Use<'_>) {
        if !self.table.add(u) {
            self.metrics.usage_dropped.inc();
            if self.drop_warning.due() {
                tracing::warn!(
                    dropped_total = self.metrics.usage_dropped.get(),
                    "the usage log is full: verification events are being dropped"
                );
            }
        }
    }

    /// Asks the writer to write what is counted and stop.
    pub fn shutdown(&self) {
        self.shutdown.notify_one();
    }
}

/// How often the writer takes what has been counted. Waking on a timer
/// rather than on every event keeps the verification path from paying a
/// task wake-up per request; events reach the store within this delay.
const FLUSH_EVERY: std::time::Duration = std::time::Duration::from_millis(50);

async fn writer(
    table: Arc<Table>,
    store: Store,
    metrics: Metrics,
    shutdown: Arc<Notify>,
    node_id: String,
) {
    let mut tick = tokio::time::interval(FLUSH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut folded_rows = Folded::default();
    let mut pending_uses: HashMap<String, UnixMillis> = HashMap::new();
    loop {
        let stopping = tokio::select! {
            _ = tick.tick() => false,
            () = shutdown.notified() => true,
        };
        let (mut rows, mut last) = (Vec::new(), Vec::new());
        for mut row in table.take() {
            row.event.node_id = Some(node_id.clone());
            if folded(row.event.key_id.as_deref(), row.event.code) {
                if let Some(first) = folded_rows.add(row.event) {
                    rows.push(first);
                    last.push(row.last);
                }
            } else {
                rows.push(row.event);
                last.push(row.last);
            }
        }
        for (rows, last) in rows.chunks(MAX_BATCH).zip(last.chunks(MAX_BATCH)) {
            write_batch(&store, &metrics, rows, last, &mut pending_uses).await;
        }
        let done = folded_rows.take_finished(stopping);
        for chunk in done.chunks(MAX_BATCH) {
            write_batch(&store, &metrics, chunk, &[], &mut pending_uses).await;
        }
        metrics
            .usage_queue_depth
            .set(i64::try_from(table.len()).unwrap_or(i64::MAX));
        if stopping {
            return;
        }
    }
}

/// Folded events being counted: per (key, address, outcome, minute), the
/// minute's first event with the running count in `hits`, and when the
/// entry was opened.
#[derive(Default)]
struct Folded {
    open: HashMap<FoldKey, (UsageEvent, std::time::Instant)>,
    /// The latest minute seen in an event's time.
    latest_minute: i64,
}

const MINUTE_MS: i64 = 60_000;

/// What a folded event is counted under: key, address, outcome, minute.
type FoldKey = (Option<String>, Option<std::net::IpAddr>, &'static str, i64);

impl Folded {
    /// Counts a folded row. The first row of a known key's refusals in a
    /// minute (per address and outcome) is returned, to be written at once
    /// (the key's page shows it without waiting for the minute to end);
    /// the rest of that minute, and every key-less row, are counted.
    fn add(&mut self, event: UsageEvent) -> Option<UsageEvent> {
        let minute = event.at.div_euclid(MINUTE_MS);
        self.latest_minute = self.latest_minute.max(minute);
        let key = (event.key_id.clone(), event.client_ip, event.code, minute);
        if let Some(entry) = self.open.get_mut(&key) {
            entry.0.hits += event.hits;
            return None;
        }
        let keyed = event.key_id.is_some();
        let counted = UsageEvent {
            at: minute * MINUTE_MS,
            user_agent: None,
            scopes: None,
            hits: if keyed { 0 } else { event.hits },
            ..event.clone()
        };
        self.open.insert(key, (counted, std::time::Instant::now()));
        keyed.then_some(event)
    }

    /// The rows of minutes that are over (by the events' clock, or held
    /// for a minute of wall time), or all rows when `all`.
    fn take_finished(&mut self, all: bool) -> Vec<UsageEvent> {
        if self.open.is_empty() {
            return Vec::new();
        }
        let latest = self.latest_minute;
        let mut done = Vec::new();
        self.open.retain(|(_, _, _, minute), (row, opened)| {
            let finished = all
                || *minute < latest
                || opened.elapsed() >= std::time::Duration::from_millis(MINUTE_MS as u64);
            // A key's first row went out at once: only the rest, if any.
            if finished && row.hits > 0 {
                done.push(row.clone());
            }
            !finished
        });
        done
    }
}

/// Writes rows of events, and then the latest use of each key among the
/// `VALID` ones, with the uses a previous batch had to skip (`pending`: a
/// key whose row was locked by a spending of credits is not waited for;
/// it is recorded with the next batch).
async fn write_batch(
    store: &Store,
    metrics: &Metrics,
    rows: &[UsageEvent],
    last: &[UnixMillis],
    pending: &mut HashMap<String, UnixMillis>,
) {
    let events: u64 = rows
        .iter()
        .map(|e| u64::try_from(e.hits).unwrap_or(0))
        .sum();
    match store.insert_usage(rows).await {
        Ok(()) => {
            metrics.usage_written.inc_by(events);
        }
        Err(err) => {
            metrics.usage_dropped.inc_by(events);
            tracing::error!(error = %err, events = rows.len(), "usage events could not be written");
            return;
        }
    }
    for (e, &at) in rows.iter().zip(last).filter(|(e, _)| e.code == "VALID") {
        if let Some(id) = &e.key_id {
            let latest = pending.entry(id.clone()).or_insert(at);
            *latest = (*latest).max(at);
        }
    }
    if pending.is_empty() {
        return;
    }
    let uses: Vec<(String, i64)> = pending.drain().collect();
    match store.touch_last_used(&uses).await {
        Ok(skipped) => pending.extend(skipped),
        Err(err) => tracing::warn!(error = %err, "last_used_at could not be updated"),
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
        let mut a = Folded::default();
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
    fn refusals_of_a_known_key_fold_per_minute_without_user_agents() {
        let table = Table::new(1_000);
        for i in 0..2_000 {
            let ua = format!("agent {i}");
            let u = Use {
                key_id: Some("key_a000000000000000"),
                at: 60_000 + i,
                code: "REVOKED",
                client_ip: Some("192.0.2.1".parse().unwrap()),
                user_agent: Some(&ua),
                scopes: &[],
            };
            assert!(table.add(&u));
        }
        let taken = table.take();
        assert_eq!(taken.len(), 1, "one row for the minute");
        assert_eq!(taken[0].event.hits, 2_000);
        assert_eq!(taken[0].event.user_agent, None);
        let mut a = Folded::default();
        for row in taken {
            assert!(folded(row.event.key_id.as_deref(), row.event.code));
            let first = a
                .add(row.event)
                .expect("the first row of the minute goes out at once");
            assert_eq!(first.hits, 2_000);
        }
        assert!(
            a.take_finished(false).is_empty(),
            "nothing more to write yet"
        );
        // More refusals in the same minute: counted into one row.
        for i in 0..3 {
            let mut e = ev(61_000 + i, "192.0.2.1", "REVOKED");
            e.user_agent = Some(format!("agent {i}"));
            assert!(a.add(e).is_none());
        }
        let written = a.take_finished(true);
        assert_eq!(written.len(), 1);
        assert_eq!(
            (
                written[0].key_id.as_deref(),
                written[0].hits,
                written[0].user_agent.as_deref()
            ),
            (Some("key_a000000000000000"), 3, None)
        );
        // A valid verification keeps its user agent, per second.
        assert!(!folded(Some("key_a000000000000000"), "VALID"));
    }

    fn scopes(list: &[&str]) -> Vec<Scope> {
        list.iter().map(|s| s.parse().unwrap()).collect()
    }

    fn use_at<'a>(at: i64, ua: Option<&'a str>, scopes: &'a [Scope]) -> Use<'a> {
        Use {
            key_id: Some("key_a000000000000000"),
            at,
            code: "VALID",
            client_ip: Some("192.0.2.1".parse().unwrap()),
            user_agent: ua,
            scopes,
        }
    }

    /// A taken row: first and last time, hits, user agent, scopes.
    type Taken = (i64, i64, i64, Option<String>, Option<String>);

    fn rows(table: &Table) -> Vec<Taken> {
        let mut rows: Vec<_> = table
            .take()
            .into_iter()
            .map(|r| {
                (
                    r.event.at,
                    r.last,
                    r.event.hits,
                    r.event.user_agent,
                    r.event.scopes,
                )
            })
            .collect();
        rows.sort();
        rows
    }

    #[test]
    fn identical_uses_of_a_second_are_one_row() {
        let table = Table::new(100);
        let read = scopes(&["orders:read", "orders:write"]);
        let other = scopes(&["orders:read"]);
        for at in [1_500, 1_200, 1_999] {
            assert!(table.add(&use_at(at, Some("curl"), &read)));
        }
        assert!(
            table.add(&use_at(2_000, Some("curl"), &read)),
            "next second"
        );
        assert!(
            table.add(&use_at(1_300, Some("wget"), &read)),
            "other agent"
        );
        assert!(
            table.add(&use_at(1_300, Some("curl"), &other)),
            "other scopes"
        );
        assert!(table.add(&use_at(1_300, Some("curl"), &[])), "no scopes");
        let mut revoked = use_at(1_300, Some("curl"), &read);
        revoked.code = "REVOKED";
        assert!(table.add(&revoked));
        assert_eq!(table.len(), 6);
        let both = Some("orders:read,orders:write".to_owned());
        let got = rows(&table);
        assert_eq!(got.len(), 6);
        assert!(got.contains(&(1_200, 1_999, 3, Some("curl".into()), both.clone())));
        assert!(got.contains(&(2_000, 2_000, 1, Some("curl".into()), both.clone())));
        assert!(got.contains(&(1_300, 1_300, 1, Some("curl".into()), None)));
        assert_eq!(table.len(), 0, "taking empties the table");
        assert!(rows(&table).is_empty());
    }

    #[test]
    fn the_same_row_counted_on_several_threads_is_written_once() {
        let table = Arc::new(Table::new(100));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let table = table.clone();
                std::thread::spawn(move || {
                    for at in 1_000..1_250 {
                        assert!(table.add(&use_at(at, Some("curl"), &[])));
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(
            rows(&table),
            vec![(1_000, 1_249, 1_000, Some("curl".into()), None)]
        );
        assert_eq!(table.len(), 0);
    }

    #[test]
    fn scopes_compare_as_a_list_not_as_text() {
        let ab = scopes(&["a:b", "c:d"]);
        assert!(joined_is("a:b,c:d", &ab));
        assert!(!joined_is("a:b,c:de", &ab));
        assert!(!joined_is("a:b", &ab));
        assert!(!joined_is("a:bc:d", &ab));
        assert!(joined_is("", &[]));
        assert!(!joined_is("a:b", &[]));
    }

    #[test]
    fn long_user_agents_are_cut_to_200_characters() {
        let long = "é".repeat(300);
        let table = Table::new(10);
        assert!(table.add(&use_at(1_000, Some(&long), &[])));
        let mut other_tail = "é".repeat(200);
        other_tail.push('x');
        assert!(
            table.add(&use_at(1_000, Some(&other_tail), &[])),
            "same first 200"
        );
        let got = rows(&table);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].2, 2);
        assert_eq!(got[0].3.as_deref().map(|u| u.chars().count()), Some(200));
    }

    #[test]
    fn a_full_table_drops_new_rows_but_counts_known_ones() {
        let table = Table::new(2);
        assert!(table.add(&use_at(1_000, Some("a"), &[])));
        assert!(table.add(&use_at(1_000, Some("b"), &[])));
        assert!(!table.add(&use_at(1_000, Some("c"), &[])), "a third row");
        assert!(table.add(&use_at(1_001, Some("a"), &[])), "a known row");
        assert_eq!(table.len(), 2);
        assert_eq!(rows(&table).iter().map(|r| r.2).sum::<i64>(), 3);
        assert!(table.add(&use_at(1_000, Some("c"), &[])), "room again");
    }

    #[test]
    fn key_less_uses_fold_per_minute_without_agent_or_scopes() {
        let table = Table::new(10);
        let s = scopes(&["a:b"]);
        for i in 0..50 {
            let ua = format!("agent {i}");
            let mut u = use_at(60_000 + i * 1_000, Some(&ua), &s);
            u.key_id = None;
            u.code = "NOT_FOUND";
            assert!(table.add(&u));
        }
        let got = rows(&table);
        assert_eq!(got, vec![(60_000, 109_000, 50, None, None)]);
    }
}
