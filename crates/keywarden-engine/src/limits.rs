//! In-memory limits of one node: per-key token buckets (rate limits) and
//! per-address failure windows (brute-force throttle).

use std::{
    collections::HashMap,
    hash::Hash,
    net::IpAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
};

use keywarden_core::clock::UnixMillis;
use keywarden_store::RateLimit;

/// The state of a key's rate limit after a verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateState {
    /// The limit per window.
    pub limit: u32,
    /// Requests left now.
    pub remaining: u32,
    /// When the bucket is full again (ms).
    pub reset_at: UnixMillis,
    /// When a request will next be allowed, if this one was refused (ms).
    pub retry_at: Option<UnixMillis>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: UnixMillis,
    limit: RateLimit,
}

impl Bucket {
    fn full(limit: RateLimit, now: UnixMillis) -> Self {
        Self {
            tokens: f64::from(limit.limit.max(1)),
            updated: now,
            limit,
        }
    }
}

/// Token buckets per key: `limit` tokens, refilled evenly over the window,
/// so a key can burst to its limit and sustain `limit / window`.
#[derive(Default)]
pub struct RateLimiter {
    /// hashbrown for `entry_ref`: a known key is found without a copy of it.
    buckets: Mutex<hashbrown::HashMap<String, Bucket>>,
}

impl RateLimiter {
    /// Takes one token for `key`; the state says whether there was one.
    pub fn take(&self, key: &str, limit: RateLimit, now: UnixMillis) -> RateState {
        let capacity = f64::from(limit.limit.max(1));
        let window_ms = f64::from(limit.window_seconds.max(1)) * 1000.0;
        let per_ms = capacity / window_ms;
        let Ok(mut buckets) = self.buckets.lock() else {
            // A poisoned lock means a panic elsewhere; fail open would let a
            // flood through, fail closed refuses: refuse.
            return RateState {
                limit: limit.limit,
                remaining: 0,
                reset_at: now,
                retry_at: Some(now + 1000),
            };
        };
        let bucket = buckets
            .entry_ref(key)
            .or_insert_with(|| Bucket::full(limit, now));
        if bucket.limit != limit {
            // The key's limit was changed: start over with the new one.
            *bucket = Bucket::full(limit, now);
        }
        let elapsed = (now - bucket.updated).max(0) as f64;
        bucket.tokens = (bucket.tokens + elapsed * per_ms).min(capacity);
        bucket.updated = now;
        let allowed = bucket.tokens >= 1.0;
        if allowed {
            bucket.tokens -= 1.0;
        }
        let missing = capacity - bucket.tokens;
        let reset_at = now + (missing / per_ms).ceil() as i64;
        let retry_at = (!allowed).then(|| now + ((1.0 - bucket.tokens) / per_ms).ceil() as i64);
        RateState {
            limit: limit.limit,
            remaining: bucket.tokens.floor() as u32,
            reset_at,
            retry_at,
        }
    }

    /// Copies the buckets of `from` (its own, `from`, and its named ones,
    /// `from/<name>`) to `to`: a rolled key's successor starts with what
    /// the key had left.
    pub fn carry(&self, from: &str, to: &str) {
        let Ok(mut buckets) = self.buckets.lock() else {
            return;
        };
        let carried: Vec<(String, Bucket)> = buckets
            .iter()
            .filter_map(|(key, bucket)| {
                let rest = key.strip_prefix(from)?;
                (rest.is_empty() || rest.starts_with('/')).then(|| (format!("{to}{rest}"), *bucket))
            })
            .collect();
        buckets.extend(carried);
    }

    /// Drops buckets idle for more than `idle_ms` (they would be full anyway).
    pub fn prune(&self, now: UnixMillis, idle_ms: i64) {
        if let Ok(mut b) = self.buckets.lock() {
            b.retain(|_, bucket| {
                now - bucket.updated < idle_ms.max(i64::from(bucket.limit.window_seconds) * 1000)
            });
        }
    }
}

/// Where a key's rate limit is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RateLimitMode {
    /// Each node counts alone (a limit of L admits up to L per node).
    Local,
    /// The nodes share the count through the store (PostgreSQL).
    Cluster,
}

/// A node's lease of one window of a key: what it may admit without
/// asking the store.
#[derive(Clone, Copy)]
struct Share {
    window: UnixMillis,
    limit: RateLimit,
    /// Requests this node may still admit without asking the store.
    left: u32,
    /// Granted to all nodes at the last lease.
    used: u32,
    /// The store said the window is used up.
    exhausted: bool,
}

impl Share {
    fn fresh(window: UnixMillis, limit: RateLimit) -> Self {
        Self {
            window,
            limit,
            left: 0,
            used: 0,
            exhausted: false,
        }
    }

    fn is(&self, window: UnixMillis, limit: RateLimit) -> bool {
        self.window == window && self.limit == limit
    }

    /// Adds what the store granted.
    fn add(&mut self, lease: keywarden_store::Lease) {
        self.left += lease.granted;
        self.used = self.used.max(lease.used);
        self.exhausted |= lease.granted == 0;
    }

    /// What the limit has left, as far as this node knows.
    fn remaining(&self) -> u32 {
        self.limit.limit.saturating_sub(self.used) + self.left
    }
}

/// What a node holds of a key in cluster mode.
#[derive(Clone, Copy)]
struct Lease {
    current: Share,
    /// A lease asked for ahead of need is on its way.
    ahead: bool,
    /// The next window's share, asked for before the current one ended.
    next: Option<Share>,
}

impl Lease {
    /// The window to lease for before a request has to wait for it: this
    /// one when a quarter of a batch is left (and the store has not said
    /// it is used up), the next one in this window's last tenth.
    fn ahead_of_need(&self, now: UnixMillis) -> Option<UnixMillis> {
        let c = &self.current;
        let window_ms = window_ms(c.limit);
        if !c.exhausted && c.left < lease_batch(c.limit.limit) / 4 {
            Some(c.window)
        } else if self.next.is_none() && now - c.window >= window_ms - window_ms / 10 {
            Some(c.window + window_ms)
        } else {
            None
        }
    }
}

fn window_ms(limit: RateLimit) -> i64 {
    i64::from(limit.window_seconds.max(1)) * 1000
}

/// The state of a request counted in `window` under `limit`.
fn rate_state(limit: RateLimit, window: UnixMillis, remaining: u32, allowed: bool) -> RateState {
    let reset_at = window + window_ms(limit);
    RateState {
        limit: limit.limit,
        remaining,
        reset_at,
        retry_at: (!allowed).then_some(reset_at),
    }
}

type Leases = Arc<Mutex<HashMap<String, Lease>>>;

/// Cluster rate limits: fixed windows (aligned to the epoch) counted in
/// the store, leased by each node in batches of about 4% of the limit and
/// spent from memory. Leases never add up past the limit, so no node
/// admits more than its share. What a node leased and does not use before
/// the window ends is lost: at most a quarter of a batch and the batch
/// asked ahead (below) per node, so the cluster admits between
/// `limit - (nodes - 1) × 1.25 × batch` (5% of the limit for each node
/// past the first) and `limit` per window. When the store cannot be
/// asked, the key falls back to this node's local token bucket: never
/// unlimited. Once an ask failed, no request waits for the store: they
/// count locally at once, and one ask per second in the background probes
/// whether the store is back.
///
/// Leases are asked for ahead of need, in the background: the next batch
/// when a quarter of one is left, and the next window's in the last tenth
/// of a window, so requests do not wait for the store at the end of a
/// batch or of a window while it answers in time. A request that does find
/// the node's lease spent waits for the one request asking the store (one
/// ask per key and node at a time), then takes from what it brought.
/// Without that, every concurrent request would ask, and the asks would
/// queue on the window's row lock in PostgreSQL.
pub struct ClusterLimiter {
    store: keywarden_store::Store,
    leases: Leases,
    /// Per key, held while this node asks the store for a lease.
    asking: Mutex<HashMap<String, std::sync::Arc<tokio::sync::Mutex<()>>>>,
    /// Whether the store is left alone, after it failed: requests waiting
    /// for a turn then count locally at once instead of each waiting for
    /// its own failure.
    store_down: Arc<StoreDown>,
    fallback: RateLimiter,
}

/// Whether the store failed to lease, and when it may be asked again. By
/// the monotonic clock of the process, measured after a failure returned
/// (a failed ask can take the whole store timeout): while the store is
/// down no request waits for it, and at most one ask per back-off probes
/// it, in the background.
struct StoreDown {
    down: AtomicBool,
    /// Milliseconds since `epoch` before which the store is not asked.
    retry_at: AtomicU64,
    /// A probe of the store is on its way.
    probing: AtomicBool,
    epoch: std::time::Instant,
}

impl StoreDown {
    fn new() -> Self {
        Self {
            down: AtomicBool::new(false),
            retry_at: AtomicU64::new(0),
            probing: AtomicBool::new(false),
            epoch: std::time::Instant::now(),
        }
    }

    fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Whether the store failed and has not answered since.
    fn is_down(&self) -> bool {
        self.down.load(Ordering::Relaxed)
    }

    /// Whether the caller is the one to probe the store now: the back-off
    /// is over and nobody else is probing.
    fn take_probe(&self) -> bool {
        self.elapsed_ms() >= self.retry_at.load(Ordering::Relaxed)
            && !self.probing.swap(true, Ordering::AcqRel)
    }

    /// An ask failed just now: leave the store alone for a while.
    fn failed(&self) {
        self.retry_at
            .store(self.elapsed_ms() + STORE_RETRY_MS, Ordering::Relaxed);
        self.down.store(true, Ordering::Relaxed);
        self.probing.store(false, Ordering::Release);
    }

    /// An ask succeeded.
    fn answered(&self) {
        if self.down.load(Ordering::Relaxed) {
            self.down.store(false, Ordering::Relaxed);
            tracing::info!("cluster rate limits: the store answers again");
        }
        self.probing.store(false, Ordering::Release);
    }
}

/// How long the store is left alone after a failed lease.
const STORE_RETRY_MS: u64 = 1_000;

/// Requests leased at a time for `limit`: 4% of it, at least 1. What a
/// node leases and does not spend before the window ends is lost, so each
/// node beyond the first can cost the cluster at most 4% of the limit.
pub fn lease_batch(limit: u32) -> u32 {
    (limit / 25).max(1)
}

impl ClusterLimiter {
    /// A limiter over `store`.
    pub fn new(store: keywarden_store::Store) -> Self {
        Self {
            store,
            leases: Arc::default(),
            asking: Mutex::new(HashMap::new()),
            store_down: Arc::new(StoreDown::new()),
            fallback: RateLimiter::default(),
        }
    }

    /// Whether this node holds a share of the window after `key`'s current
    /// one: what a background ask in the last tenth brought once it has
    /// landed here (the store counts it a moment earlier).
    pub fn holds_next_window(&self, key: &str) -> bool {
        self.leases
            .lock()
            .is_ok_and(|leases| leases.get(key).is_some_and(|l| l.next.is_some()))
    }

    /// From this node's lease for the window, when it can answer; a lease
    /// asked for ahead of need becomes the current one when its window
    /// starts. Starts the ask for the lease after this one when it is due.
    fn take_leased(
        &self,
        key: &str,
        limit: RateLimit,
        window: UnixMillis,
        now: UnixMillis,
    ) -> Option<(u32, bool)> {
        let mut leases = self.leases.lock().ok()?;
        let l = leases.get_mut(key)?;
        if !l.current.is(window, limit) {
            l.current = l.next.take().filter(|n| n.is(window, limit))?;
        }
        let c = &mut l.current;
        if c.left == 0 {
            return c.exhausted.then_some((0, false));
        }
        c.left -= 1;
        let remaining = c.remaining();
        if !l.ahead
            && !self.store_down.is_down()
            && let Some(target) = l.ahead_of_need(now)
        {
            l.ahead = true;
            self.lease_ahead(key, limit, target);
        }
        Some((remaining, true))
    }

    /// Asks the store for a lease of `target` in the background, so that
    /// no request waits at the end of a lease or of a window: the requests
    /// go on spending what is left while it comes. What it brings is added
    /// to the lease of that window (or kept as the next one); what comes
    /// too late is lost, which can only admit less.
    fn lease_ahead(&self, key: &str, limit: RateLimit, target: UnixMillis) {
        let (store, leases, down) = (
            self.store.clone(),
            self.leases.clone(),
            self.store_down.clone(),
        );
        let key = key.to_owned();
        tokio::spawn(async move {
            let got = store
                .lease_rate(
                    &key,
                    target,
                    window_ms(limit),
                    lease_batch(limit.limit),
                    limit.limit,
                )
                .await;
            match &got {
                Ok(_) => down.answered(),
                Err(err) => {
                    tracing::warn!(error = %err, "cluster rate limit: a lease asked in the background failed");
                    down.failed();
                }
            }
            let Ok(mut leases) = leases.lock() else {
                return;
            };
            let l = leases.entry(key).or_insert(Lease {
                current: Share::fresh(target, limit),
                ahead: true,
                next: None,
            });
            l.ahead = false;
            let Ok(lease) = got else { return };
            if l.current.is(target, limit) {
                l.current.add(lease);
            } else if target > l.current.window {
                let mut next = Share::fresh(target, limit);
                next.add(lease);
                l.next = Some(next);
            }
        });
    }

    /// Admits one request of `key` under `limit` at `now`.
    pub async fn take(&self, key: &str, limit: RateLimit, now: UnixMillis) -> RateState {
        let window = now - now.rem_euclid(window_ms(limit));
        if let Some((remaining, allowed)) = self.take_leased(key, limit, window, now) {
            return rate_state(limit, window, remaining, allowed);
        }
        // Boxed: the verification future stays small on the common path
        // (served from the lease), which never awaits this.
        Box::pin(self.ask(key, limit, now, window)).await
    }

    /// [`ClusterLimiter::take`] when the node's lease is spent: one request
    /// asks the store; the others wait for it and look again.
    async fn ask(
        &self,
        key: &str,
        limit: RateLimit,
        now: UnixMillis,
        window: UnixMillis,
    ) -> RateState {
        let asking = self
            .asking
            .lock()
            .ok()
            .map(|mut a| a.entry(key.to_owned()).or_default().clone());
        let _turn = match &asking {
            Some(lock) => Some(lock.lock().await),
            None => None,
        };
        if let Some((remaining, allowed)) = self.take_leased(key, limit, window, now) {
            return rate_state(limit, window, remaining, allowed);
        }
        if self.store_down.is_down() {
            // No request waits for a store that failed: this node counts
            // alone, and one ask per back-off tells when the store is back.
            if self.store_down.take_probe() {
                self.lease_ahead(key, limit, window);
            }
            return self.fallback.take(key, limit, now);
        }
        match self
            .store
            .lease_rate(
                key,
                window,
                window_ms(limit),
                lease_batch(limit.limit),
                limit.limit,
            )
            .await
        {
            Ok(lease) => {
                self.store_down.answered();
                let allowed = lease.granted > 0;
                let Ok(mut leases) = self.leases.lock() else {
                    return rate_state(limit, window, 0, allowed);
                };
                let l = leases.entry(key.to_owned()).or_insert(Lease {
                    current: Share::fresh(window, limit),
                    ahead: false,
                    next: None,
                });
                if !l.current.is(window, limit) {
                    // A lease asked ahead stays on its way.
                    l.current = Share::fresh(window, limit);
                    l.next = l.next.filter(|n| n.window > window);
                }
                l.current.add(lease);
                if allowed {
                    // This request's own.
                    l.current.left -= 1;
                }
                rate_state(limit, window, l.current.remaining(), allowed)
            }
            Err(err) => {
                tracing::warn!(error = %err, "cluster rate limit unavailable: counting on this node alone");
                self.store_down.failed();
                self.fallback.take(key, limit, now)
            }
        }
    }

    /// Forgets leases of past windows.
    pub fn prune(&self, now: UnixMillis) {
        if let Ok(mut leases) = self.leases.lock() {
            let live = |s: &Share| now < s.window + window_ms(s.limit);
            leases.retain(|_, l| live(&l.current) || l.next.as_ref().is_some_and(live));
            if let Ok(mut asking) = self.asking.lock() {
                // Keys without a live lease and nobody asking.
                asking.retain(|k, lock| {
                    leases.contains_key(k) || std::sync::Arc::strong_count(lock) > 1
                });
            }
        }
        self.fallback.prune(now, 3_600_000);
    }
}

/// A log line that is written at most once a minute however often its
/// cause recurs (a flood must not become a flood of log lines).
#[derive(Debug, Default)]
pub struct OncePerMinute(std::sync::atomic::AtomicI64);

impl OncePerMinute {
    /// Due at once.
    pub const fn new() -> Self {
        Self(std::sync::atomic::AtomicI64::new(0))
    }

    /// Whether the line is due now (and, if so, the minute starts again).
    pub fn due(&self) -> bool {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let last = self.0.load(Ordering::Relaxed);
        now - last >= 60
            && self
                .0
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }
}

/// Counts per key in fixed one-minute windows.
pub struct WindowCounter<K> {
    windows: Mutex<HashMap<K, (UnixMillis, u32)>>,
    limit: u32,
}

const MINUTE: i64 = 60_000;

impl<K: Hash + Eq + Clone> WindowCounter<K> {
    /// At most `limit` per minute per key.
    pub fn new(limit: u32) -> Self {
        Self {
            windows: Mutex::new(HashMap::new()),
            limit,
        }
    }

    fn window(now: UnixMillis) -> UnixMillis {
        now - now.rem_euclid(MINUTE)
    }

    /// Whether `key` is over its limit now; if so, the seconds until the
    /// window turns.
    pub fn over(&self, key: &K, now: UnixMillis) -> Option<u64> {
        let windows = self.windows.lock().ok()?;
        let (start, count) = windows.get(key)?;
        (*start == Self::window(now) && *count >= self.limit).then(|| {
            u64::try_from((start + MINUTE - now + 999) / 1000)
                .unwrap_or(1)
                .max(1)
        })
    }

    /// Takes one of `key`'s slots in this window, atomically with the check:
    /// `Err(seconds until the window turns)` when none is left.
    pub fn try_take(&self, key: &K, now: UnixMillis) -> Result<(), u64> {
        let Ok(mut windows) = self.windows.lock() else {
            return Err(60);
        };
        let entry = Self::current(&mut windows, key, now);
        if entry.1 >= self.limit {
            return Err(u64::try_from((entry.0 + MINUTE - now + 999) / 1000)
                .unwrap_or(1)
                .max(1));
        }
        entry.1 += 1;
        Ok(())
    }

    /// Returns a slot taken by [`WindowCounter::try_take`] in this window
    /// (the attempt turned out not to be a failure).
    pub fn give_back(&self, key: &K, now: UnixMillis) {
        if let Ok(mut windows) = self.windows.lock()
            && let Some(entry) = windows.get_mut(key)
            && entry.0 == Self::window(now)
        {
            entry.1 = entry.1.saturating_sub(1);
        }
    }

    /// Counts one for `key`; returns the count in this window.
    pub fn hit(&self, key: &K, now: UnixMillis) -> u32 {
        let Ok(mut windows) = self.windows.lock() else {
            return u32::MAX;
        };
        let entry = Self::current(&mut windows, key, now);
        entry.1 = entry.1.saturating_add(1);
        entry.1
    }

    /// `key`'s (window start, count) for the window of `now`, started
    /// afresh when the minute has turned.
    fn current<'m>(
        windows: &'m mut HashMap<K, (UnixMillis, u32)>,
        key: &K,
        now: UnixMillis,
    ) -> &'m mut (UnixMillis, u32) {
        let window = Self::window(now);
        let entry = windows.entry(key.clone()).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        entry
    }

    /// Drops finished windows; returns how many keys are over the limit.
    pub fn prune(&self, now: UnixMillis) -> usize {
        let Ok(mut windows) = self.windows.lock() else {
            return 0;
        };
        let current = Self::window(now);
        windows.retain(|_, (start, _)| *start == current);
        windows.values().filter(|(_, c)| *c >= self.limit).count()
    }
}

/// The failure budgets of verification, per minute:
///
/// - per address, the failures that named no key of this deployment
///   (unknown, malformed): each may have cost a store lookup, so a store
///   lookup takes its slot before it starts;
/// - per address *and* key, the refusals of a known key (revoked, expired,
///   disabled, environment, address, scopes): a client hammering with a
///   dead key is throttled without locking out the other keys behind its
///   address;
/// - past the address budget, store lookups go on at a trickle
///   ([`OVERFLOW_PER_SECOND`] a second per address), so a key that
///   verifies still gets through from an address shared with a guesser,
///   while guessing stays bounded.
pub struct FailureThrottle {
    addresses: WindowCounter<IpAddr>,
    keys: WindowCounter<(IpAddr, keywarden_core::key::KeyId)>,
    /// The trickle past the address budget: a token bucket per address.
    overflow: RateLimiter,
}

/// Store lookups an address over its failure budget still gets, a second
/// (one at a time).
pub const OVERFLOW_PER_SECOND: u32 = 1;

impl FailureThrottle {
    /// Budgets of `limit` failures a minute.
    pub fn new(limit: u32) -> Self {
        Self {
            addresses: WindowCounter::new(limit),
            keys: WindowCounter::new(limit),
            overflow: RateLimiter::default(),
        }
    }

    /// Whether `ip` is over its budget of failures without a key; if so,
    /// the seconds until the window turns.
    pub fn over(&self, ip: &IpAddr, now: UnixMillis) -> Option<u64> {
        self.addresses.over(ip, now)
    }

    /// Whether the refusals of `key` from `ip` are over their budget.
    pub fn key_over(
        &self,
        ip: &IpAddr,
        key: &keywarden_core::key::KeyId,
        now: UnixMillis,
    ) -> Option<u64> {
        self.keys.over(&(*ip, key.clone()), now)
    }

    /// A store lookup for `ip`: `Ok(true)` when it took a slot of the
    /// address's budget (give it back when the key turns out to be known),
    /// `Ok(false)` when the address is over its budget but the trickle
    /// allows this one, `Err(seconds)` when neither.
    pub fn take_lookup(&self, ip: &IpAddr, now: UnixMillis) -> Result<bool, u64> {
        match self.addresses.try_take(ip, now) {
            Ok(()) => Ok(true),
            Err(retry) => {
                let trickle = RateLimit {
                    limit: OVERFLOW_PER_SECOND,
                    window_seconds: 1,
                };
                // Only past the budget: the address is written out here.
                match self.overflow.take(&ip.to_string(), trickle, now).retry_at {
                    None => Ok(false),
                    Some(at) => Err(u64::try_from((at - now + 999) / 1000)
                        .unwrap_or(retry)
                        .max(1)),
                }
            }
        }
    }

    /// Counts a failure without a key for `ip`.
    pub fn hit(&self, ip: &IpAddr, now: UnixMillis) {
        self.addresses.hit(ip, now);
    }

    /// Counts a refusal of the known `key` for `ip`.
    pub fn hit_key(&self, ip: &IpAddr, key: &keywarden_core::key::KeyId, now: UnixMillis) {
        self.keys.hit(&(*ip, key.clone()), now);
    }

    /// Gives back the slot a lookup took ([`FailureThrottle::take_lookup`]).
    pub fn give_back(&self, ip: &IpAddr, now: UnixMillis) {
        self.addresses.give_back(ip, now);
    }

    /// Drops finished windows; how many addresses (and keys of an address)
    /// are over their budget.
    pub fn prune(&self, now: UnixMillis) -> usize {
        self.overflow.prune(now, MINUTE);
        self.addresses.prune(now) + self.keys.prune(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_bursts_then_refills() {
        let rl = RateLimiter::default();
        let limit = RateLimit {
            limit: 3,
            window_seconds: 3,
        };
        for i in 0..3 {
            let s = rl.take("k", limit, 0);
            assert!(s.retry_at.is_none(), "{i}");
        }
        let refused = rl.take("k", limit, 0);
        assert_eq!(refused.retry_at, Some(1000));
        assert!(rl.take("k", limit, 999).retry_at.is_some());
        assert!(rl.take("k", limit, 1000).retry_at.is_none());
        // Another key has its own bucket.
        assert!(rl.take("other", limit, 0).retry_at.is_none());
    }

    #[test]
    fn windows_count_per_minute() {
        let w: WindowCounter<u8> = WindowCounter::new(2);
        assert_eq!(w.over(&1, 0), None);
        w.hit(&1, 0);
        w.hit(&1, 10);
        assert_eq!(w.over(&1, 30_000), Some(30));
        assert_eq!(w.over(&2, 30_000), None);
        assert_eq!(w.over(&1, 60_000), None, "a new minute");
        assert_eq!(w.prune(30_000), 1);
    }
}
