//! The one verification function behind every entry point (`POST
//! /v1/verify`, forward-auth, the tower middleware in-process, the console):
//!
//! read (format + checksum, no I/O; a string of another format only once
//! keys were imported) → digest → lookup (cache, then store; an imported
//! key not seen yet by its old hash) → the space served and seen →
//! revoked → expired → pending → disabled → environment → IP allowlist →
//! scopes → permission query → owner limits → rate limit → credits.
//!
//! Timing: the presented key is never compared with anything. It is parsed
//! (its checksum is public structure, not a secret) and digested with the
//! pepper; the digest is the lookup key, and the record found is accepted
//! only after a constant-time comparison of the stored and computed digests.

use std::{net::IpAddr, sync::Arc, time::Instant};

use keywarden_core::{
    clock::{Clock, UnixMillis},
    digest::PepperRing,
    key,
    names::{Scope, covers_all},
    query::PermissionQuery,
    spaces::SpaceId,
};
use keywarden_store::{KeyRecord, KeyState, Store};

use crate::{
    anomaly::Anomalies,
    cache::{KeyCache, Lookup},
    events::EventSink,
    limits::{FailureThrottle, RateLimiter, RateState},
    metrics::Metrics,
    usage_log::UsageLog,
};

pub use keywarden_core::outcome::Code;

/// Whether an outcome counts against the client address's budget of failed
/// attempts (guessing keys, using dead ones). A store outage is never the
/// client's failure.
fn counts_as_failure(code: Code) -> bool {
    !matches!(
        code,
        Code::Valid
            | Code::Missing
            | Code::RateLimited
            | Code::UsageExceeded
            | Code::StoreUnavailable
    )
}

/// One verification request. Its `Debug` never shows the key.
#[derive(Default, Clone, Copy)]
pub struct VerifyInput<'a> {
    /// The presented key, if any.
    pub key: Option<&'a str>,
    /// The environment the caller requires.
    pub environment: Option<&'a str>,
    /// Scopes the request needs (all of them).
    pub scopes: &'a [Scope],
    /// A permission query the key's effective permissions must satisfy.
    pub permissions: Option<&'a PermissionQuery>,
    /// The space the API serves: a key of another space is `NOT_FOUND`.
    pub space: Option<&'a SpaceId>,
    /// The spaces the caller sees (a root key scoped to spaces asking
    /// `POST /v1/verify`): a key of another is `NOT_FOUND`, as if unknown.
    pub visible: Option<&'a [SpaceId]>,
    /// The client's address: `None` when it is unknown (an IP allowlist
    /// then refuses).
    pub client_ip: Option<IpAddr>,
    /// The connection's peer (e.g. the proxy), throttled in place of a
    /// client whose address is unknown.
    pub peer_ip: Option<IpAddr>,
    /// The client's user agent (for the usage log).
    pub user_agent: Option<&'a str>,
    /// Credits this request spends (1 by default; 0 checks without
    /// spending). Keys without credits ignore it.
    pub cost: u32,
}

impl std::fmt::Debug for VerifyInput<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyInput")
            .field("key", &self.key.map(|_| "[REDACTED]"))
            .field("environment", &self.environment)
            .field("scopes", &self.scopes)
            .field("permissions", &self.permissions)
            .field("space", &self.space)
            .field("client_ip", &self.client_ip)
            .field("peer_ip", &self.peer_ip)
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

impl VerifyInput<'_> {
    /// The address whose failures are counted: the client's, or the peer's
    /// when the client is unknown.
    fn throttle_ip(&self) -> Option<IpAddr> {
        self.client_ip.or(self.peer_ip)
    }
}

/// Which count a rate limit of a verification is kept in.
#[derive(Clone, Copy)]
enum RateBucket<'a> {
    /// The key's `rate_limit` (counted under the key id).
    Key,
    /// A named limit of the key.
    Named(&'a str),
    /// The owner's shared limit.
    Owner(&'a str),
}

impl<'a> RateBucket<'a> {
    /// Its name in the answer's `rate_limit.name`.
    fn name(self) -> Option<&'a str> {
        match self {
            Self::Key => None,
            Self::Named(n) => Some(n),
            Self::Owner(_) => Some("owner"),
        }
    }
}

/// An owner's limits as this node read them, and when.
type OwnerEntry = (Option<Arc<keywarden_store::OwnerLimits>>, UnixMillis);

/// What [`Verifier::inspect`] found.
#[derive(Debug, Clone)]
pub enum Inspected {
    /// An API key of this deployment.
    ApiKey(Arc<KeyRecord>),
    /// A root key of this deployment.
    RootKey(Box<keywarden_store::RootKeyRecord>),
    /// No key of this deployment (unknown, malformed, a bad checksum).
    Unknown,
}

impl Inspected {
    /// What a caller that sees only `visible` spaces may learn (`None`:
    /// every space): a key of another space, or a root key (which belongs
    /// to no space), is unknown to it, as in verification.
    pub fn seen_by(self, visible: Option<&[SpaceId]>) -> Self {
        match (self, visible) {
            (found, None) => found,
            (Self::ApiKey(k), Some(v)) if v.contains(&k.space) => Self::ApiKey(k),
            _ => Self::Unknown,
        }
    }
}

/// The answer.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// The outcome.
    pub code: Code,
    /// The key, when one was found.
    pub key: Option<Arc<KeyRecord>>,
    /// Uses left of a usage-limited key.
    pub remaining: Option<i64>,
    /// The key's rate limit state: the limit that refused, or the one with
    /// the fewest requests left.
    pub rate: Option<RateState>,
    /// The name of that limit, when it is one of the key's named limits.
    pub rate_name: Option<String>,
    /// Seconds to wait, for `RATE_LIMITED`.
    pub retry_after: Option<u64>,
    /// For `INSUFFICIENT_PERMISSIONS`: the query's terms the key lacks.
    pub missing: Vec<Scope>,
}

impl Verdict {
    fn bare(code: Code) -> Self {
        Self {
            code,
            key: None,
            remaining: None,
            rate: None,
            rate_name: None,
            retry_after: None,
            missing: Vec::new(),
        }
    }

    /// Whether the key is good.
    pub fn is_valid(&self) -> bool {
        self.code == Code::Valid
    }
}

/// Rate limit windows at least this long (seconds) are counted in the
/// store in local mode too (fixed windows, as in cluster mode): a restart
/// must not give a spent hourly, daily or monthly limit back. Shorter ones
/// are the node's token buckets.
pub const LONG_WINDOW_SECS: u32 = 3_600;

/// Tuning of a [`Verifier`].
#[derive(Debug, Clone)]
pub struct VerifierSettings {
    /// Longest a cached record is trusted.
    pub cache_ttl_ms: i64,
    /// Most records cached.
    pub cache_capacity: usize,
    /// Failed verifications per client address per minute before throttling.
    pub failure_limit_per_minute: u32,
    /// Verifications of one key per minute that can count as a burst.
    pub burst_per_minute: u32,
    /// Where rate limits are counted.
    pub rate_limit_mode: crate::limits::RateLimitMode,
    /// Credits below this share of their limit raise `key.credits_low`.
    pub credits_low_ratio: f64,
}

/// The verification engine of one node.
pub struct Verifier {
    store: Store,
    peppers: PepperRing,
    clock: Arc<dyn Clock>,
    cache: KeyCache,
    rate: RateLimiter,
    /// Fixed windows counted in the store: every limit in cluster mode, and
    /// in local mode the long windows ([`LONG_WINDOW_SECS`] and more), so
    /// that a restart does not give them back.
    windows: crate::limits::ClusterLimiter,
    cluster: bool,
    events: EventSink,
    credits_low_ratio: f64,
    /// Owners' shared limits, per owner, with when they were read (trusted
    /// for `cache_ttl`, dropped on a change announcement).
    owners: std::sync::Mutex<std::collections::HashMap<String, OwnerEntry>>,
    cache_ttl_ms: i64,
    throttle: FailureThrottle,
    usage: UsageLog,
    metrics: Metrics,
    anomalies: Anomalies,
    /// Whether keys were imported: presented strings of another format are
    /// then looked up too (else they are `MALFORMED` without a lookup).
    imported: std::sync::atomic::AtomicBool,
}

impl Verifier {
    /// An engine over `store`.
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        usage: UsageLog,
        metrics: Metrics,
        events: EventSink,
        settings: VerifierSettings,
    ) -> Self {
        let cluster_store = store.clone();
        Self {
            peppers: store.peppers().clone(),
            anomalies: Anomalies::new(store.clone(), events.clone(), settings.burst_per_minute),
            events,
            credits_low_ratio: settings.credits_low_ratio,
            owners: std::sync::Mutex::new(std::collections::HashMap::new()),
            cache_ttl_ms: settings.cache_ttl_ms,
            store,
            clock,
            cache: KeyCache::new(settings.cache_ttl_ms, settings.cache_capacity),
            rate: RateLimiter::default(),
            windows: crate::limits::ClusterLimiter::new(cluster_store),
            cluster: settings.rate_limit_mode == crate::limits::RateLimitMode::Cluster,
            throttle: FailureThrottle::new(settings.failure_limit_per_minute),
            usage,
            metrics,
            imported: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Whether to take strings of any format as keys (some were imported):
    /// set when the node starts, after an import, and when another node
    /// announces one.
    pub fn accept_imported(&self, on: bool) {
        self.imported
            .store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// Asks the store whether keys were imported ([`Self::accept_imported`]),
    /// unless this node knows already: imported keys stay.
    pub async fn refresh_imported(&self) {
        if self.imported.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        match self.store.has_imported_keys().await {
            Ok(any) => self.accept_imported(any),
            Err(err) => tracing::warn!(error = %err, "could not learn whether keys were imported"),
        }
    }

    /// The cache, for invalidation (the key service after a change, the
    /// change listener).
    pub fn cache(&self) -> &KeyCache {
        &self.cache
    }

    /// A key was rolled: from now on `old` spends `new`'s rate limits, so
    /// what `old` spent of its token buckets on this node counts for `new`
    /// (the store carries the fixed windows in the roll's transaction).
    pub fn rolled(&self, old: &str, new: &str) {
        self.rate.carry(old, new);
    }

    /// Verifies a request. Never fails: a key the cache cannot answer while
    /// the store is unreachable is `STORE_UNAVAILABLE` (fail closed), never
    /// `NOT_FOUND`.
    pub async fn verify(&self, input: VerifyInput<'_>) -> Verdict {
        let started = Instant::now();
        let now = self.clock.now_ms();
        let (verdict, reserved) = self.decide(&input, now).await;
        self.metrics
            .verify_seconds
            .observe(started.elapsed().as_secs_f64());
        self.metrics.verification(verdict.code);
        if let Some(ip) = input.throttle_ip() {
            // A refusal of a known key counts against that key from this
            // address; a failure without one against the address (a store
            // lookup took its slot of that budget up front).
            let failed = counts_as_failure(verdict.code);
            match &verdict.key {
                Some(key) if failed => {
                    self.throttle.hit_key(&ip, &key.id, now);
                }
                None if failed && !reserved => self.throttle.hit(&ip, now),
                _ => {}
            }
            if reserved && !(failed && verdict.key.is_none()) {
                self.throttle.give_back(&ip, now);
            }
        }
        if let Some(key) = &verdict.key {
            self.anomalies
                .observe(verdict.code, key, input.client_ip, now);
        }
        self.usage.record(&crate::usage_log::Use {
            key_id: verdict.key.as_ref().map(|k| k.id.as_str()),
            at: now,
            code: verdict.code.as_str(),
            client_ip: input.client_ip,
            user_agent: input.user_agent,
            scopes: input.scopes,
        });
        verdict
    }

    /// The verdict, and whether a slot of the client's failure budget was
    /// taken for a store lookup (kept when the outcome is a failure, given
    /// back otherwise).
    async fn decide(&self, input: &VerifyInput<'_>, now: UnixMillis) -> (Verdict, bool) {
        let Some(presented) = input.key.filter(|k| !k.is_empty()) else {
            return (Verdict::bare(Code::Missing), false);
        };
        // A keywarden key is parsed (format and checksum, no I/O); a bad
        // checksum fails here whatever was imported. A string of another
        // format is looked up only when keys were imported. Either way the
        // digest is of the whole text.
        let legacy = match key::Presented::read(presented) {
            key::Presented::Key(_) => false,
            key::Presented::Other(_)
                if self.imported.load(std::sync::atomic::Ordering::Relaxed) =>
            {
                true
            }
            _ => return (Verdict::bare(Code::Malformed), false),
        };
        let digest = self.peppers.current().digest(presented);
        let lookup = self.cache.get(digest.as_bytes(), now);
        match lookup {
            Lookup::Found(record) => {
                self.metrics.cache_hits.inc();
                let verdict = self.check(record, input, now).await;
                return (self.over_key_budget(verdict, input, now), false);
            }
            Lookup::Missing => {
                // A known-unknown digest costs no lookup; it still counts
                // as a failure (after the verdict), and an address over
                // its budget is refused as below.
                if let Some(retry_after) = input
                    .throttle_ip()
                    .and_then(|ip| self.throttle.over(&ip, now))
                {
                    return (self.throttled(retry_after), false);
                }
                self.metrics.cache_hits.inc();
                return (Verdict::bare(Code::NotFound), false);
            }
            Lookup::Unknown => {}
        }
        // A store lookup takes one slot of the address's failure budget
        // before it starts (check and count are one step under the lock),
        // so concurrent guesses cannot all pass the check before any is
        // counted. An address over its budget gets store lookups at a
        // trickle only: keys in the cache still work, a key that verifies
        // gets through, guesses get nowhere.
        let reserved = match input.throttle_ip() {
            Some(ip) => match self.throttle.take_lookup(&ip, now) {
                Ok(reserved) => reserved,
                Err(retry_after) => return (self.throttled(retry_after), false),
            },
            None => false,
        };
        self.metrics.cache_misses.inc();
        // Boxed, as every store call here: the verification future stays
        // small for the cached path, which never awaits them.
        let found = Box::pin(crate::lookup::find::<KeyRecord>(
            &self.store,
            &self.peppers,
            presented,
            Some(&digest),
        ))
        .await;
        // An imported key not presented before is known by its old hash.
        let found = match found {
            Ok(None) if legacy => Box::pin(self.find_imported(presented, digest, now)).await,
            other => other,
        };
        let record = match found {
            Ok(Some(record)) => {
                let record = Arc::new(record);
                self.cache.put(record.clone(), now);
                record
            }
            Ok(None) => {
                self.cache.put_missing(*digest.as_bytes(), now);
                return (Verdict::bare(Code::NotFound), reserved);
            }
            Err(err) => {
                // Fail closed, and say why: nothing is known about the key.
                tracing::error!(error = %err, "key lookup failed: the store is unavailable");
                return (Verdict::bare(Code::StoreUnavailable), reserved);
            }
        };
        let verdict = self.check(record, input, now).await;
        (self.over_key_budget(verdict, input, now), reserved)
    }

    /// A refusal of a key whose refusals from this address are over their
    /// budget is answered `RATE_LIMITED` instead: a client hammering with a
    /// dead key meets 429s, and its refusals stop costing usage rows and
    /// events. (A step after [`Verifier::check`], not a wrapper around it:
    /// an async layer would copy the check's future on the hot path.)
    fn over_key_budget(
        &self,
        verdict: Verdict,
        input: &VerifyInput<'_>,
        now: UnixMillis,
    ) -> Verdict {
        if counts_as_failure(verdict.code)
            && let Some(ip) = input.throttle_ip()
            && let Some(key) = &verdict.key
            && let Some(retry_after) = self.throttle.key_over(&ip, &key.id, now)
        {
            return Verdict {
                key: verdict.key,
                ..self.throttled(retry_after)
            };
        }
        verdict
    }

    /// An imported key known by the old system's hash of `text`: found by
    /// its SHA-256 or SHA-512, accepted after a constant-time comparison,
    /// and moved to `digest` (the keyed digest under the current pepper),
    /// its old hash deleted. A failed move is logged and the key still
    /// accepted (it is moved at its next use).
    async fn find_imported(
        &self,
        text: &str,
        digest: keywarden_core::digest::KeyDigest,
        now: UnixMillis,
    ) -> keywarden_store::Result<Option<KeyRecord>> {
        use sha2::Digest as _;
        use subtle::ConstantTimeEq as _;
        let sha256 = sha2::Sha256::digest(text.as_bytes());
        let sha512 = sha2::Sha512::digest(text.as_bytes());
        let Some((mut record, stored)) = self.store.find_foreign_key(&sha256, &sha512).await?
        else {
            return Ok(None);
        };
        let computed: &[u8] = if stored.len() == sha256.len() {
            &sha256
        } else {
            &sha512
        };
        if !bool::from(stored.as_slice().ct_eq(computed)) {
            return Ok(None);
        }
        let version = self.peppers.current().version();
        if let Err(err) = self
            .store
            .redigest_imported(&record.id, &digest, version, now)
            .await
        {
            tracing::warn!(key_id = %record.id, error = %err, "an imported key could not be moved to its keyed digest");
        }
        record.digest = digest;
        record.pepper_version = version;
        Ok(Some(record))
    }

    /// What a presented key is, without using it: the check of leak
    /// tooling (`POST /v1/leaks/check`, TruffleHog's webhook, `keywarden
    /// scan --verify`). An API key is looked up as verification does (the
    /// cache, then the store); a key of the root environment is looked up
    /// as a root key. Nothing is spent — no rate limit, no credit — and
    /// nothing is logged as a use: a check of a key limited to 3 an hour
    /// leaves its client its 3.
    ///
    /// Once keys were imported, a string of another format is looked up as
    /// an imported key's (by its keyed digest, then by the old system's
    /// hash, which moves it to the keyed digest as its first use would): a
    /// leaked imported key is found, and revoked, like any other.
    pub async fn inspect(&self, presented: &str) -> Result<Inspected, keywarden_store::StoreError> {
        let parts = match key::Presented::read(presented) {
            key::Presented::Key(parts) => parts,
            key::Presented::Other(text)
                if self.imported.load(std::sync::atomic::Ordering::Relaxed) =>
            {
                return self.inspect_imported(text).await;
            }
            _ => return Ok(Inspected::Unknown),
        };
        if parts.environment() == key::ROOT_ENVIRONMENT {
            let root = Box::pin(crate::lookup::find::<keywarden_store::RootKeyRecord>(
                &self.store,
                &self.peppers,
                parts.expose(),
                None,
            ))
            .await?;
            return Ok(root.map_or(Inspected::Unknown, |r| Inspected::RootKey(Box::new(r))));
        }
        let now = self.clock.now_ms();
        let digest = self.peppers.current().digest(parts.expose());
        if let Lookup::Found(record) = self.cache.get(digest.as_bytes(), now) {
            return Ok(Inspected::ApiKey(record));
        }
        let found = Box::pin(crate::lookup::find::<KeyRecord>(
            &self.store,
            &self.peppers,
            parts.expose(),
            Some(&digest),
        ))
        .await?;
        Ok(found.map_or(Inspected::Unknown, |r| Inspected::ApiKey(Arc::new(r))))
    }

    /// [`Verifier::inspect`] of a string of another format.
    async fn inspect_imported(&self, text: &str) -> Result<Inspected, keywarden_store::StoreError> {
        let now = self.clock.now_ms();
        let digest = self.peppers.current().digest(text);
        if let Lookup::Found(record) = self.cache.get(digest.as_bytes(), now) {
            return Ok(Inspected::ApiKey(record));
        }
        let found = Box::pin(crate::lookup::find::<KeyRecord>(
            &self.store,
            &self.peppers,
            text,
            Some(&digest),
        ))
        .await?;
        let found = match found {
            Some(record) => Some(record),
            None => Box::pin(self.find_imported(text, digest, now)).await?,
        };
        Ok(found.map_or(Inspected::Unknown, |r| Inspected::ApiKey(Arc::new(r))))
    }

    /// The answer to an address over its failure budget.
    fn throttled(&self, retry_after: u64) -> Verdict {
        self.metrics.throttled_verifications.inc();
        Verdict {
            retry_after: Some(retry_after),
            ..Verdict::bare(Code::RateLimited)
        }
    }

    async fn check(
        &self,
        record: Arc<KeyRecord>,
        input: &VerifyInput<'_>,
        now: UnixMillis,
    ) -> Verdict {
        // A key of a space the API does not serve, or the caller does not
        // see, does not exist for this request: refused as an unknown key
        // is (no key in the verdict, counted as a failure without one).
        if input.space.is_some_and(|s| *s != record.space)
            || input.visible.is_some_and(|v| !v.contains(&record.space))
        {
            return Verdict::bare(Code::NotFound);
        }
        let refuse = |code: Code, record: &Arc<KeyRecord>| Verdict {
            key: Some(record.clone()),
            ..Verdict::bare(code)
        };
        match record.state(now) {
            KeyState::Active => {}
            KeyState::Revoked(_) => return refuse(Code::Revoked, &record),
            KeyState::Expired { .. } => return refuse(Code::Expired, &record),
            KeyState::Disabled { .. } => return refuse(Code::Disabled, &record),
            KeyState::Pending { .. } => return refuse(Code::PendingApproval, &record),
        }
        if input
            .environment
            .is_some_and(|e| e != record.environment.as_str())
        {
            return refuse(Code::EnvMismatch, &record);
        }
        if !record.ip_allowlist.is_empty()
            && !input
                .client_ip
                .is_some_and(|ip| record.ip_allowlist.iter().any(|net| net.contains(&ip)))
        {
            return refuse(Code::IpDenied, &record);
        }
        // Scopes and permission queries read the key's effective
        // permissions: its own and its roles'.
        if !covers_all(&record.effective, input.scopes) {
            return refuse(Code::InsufficientScope, &record);
        }
        if let Some(query) = input.permissions
            && !query.is_satisfied_by(&record.effective)
        {
            return Verdict {
                missing: query.missing(&record.effective),
                ..refuse(Code::InsufficientPermissions, &record)
            };
        }
        // The owner's shared limits, besides the key's own.
        let owner_limits = match &record.owner {
            None => None,
            Some(owner) => match self.owner_limits(owner.as_str(), now).await {
                Ok(limits) => limits,
                Err(err) => {
                    tracing::error!(error = %err, "owner limits could not be read");
                    return Verdict {
                        retry_after: Some(keywarden_proto::STORE_RETRY_AFTER),
                        ..refuse(Code::StoreUnavailable, &record)
                    };
                }
            },
        };
        // The key's rate limit, each named one, then the owner's: every one
        // must admit the request. A refusal stops there (later limits are
        // not spent; earlier ones are).
        let owner_limit = owner_limits
            .as_ref()
            .and_then(|l| l.rate_limit)
            .zip(record.owner.as_ref());
        let limits = record
            .rate_limit
            .map(|l| (RateBucket::Key, l))
            .into_iter()
            .chain(
                record
                    .rate_limits
                    .iter()
                    .map(|n| (RateBucket::Named(n.name.as_str()), n.rate())),
            )
            .chain(owner_limit.map(|(l, owner)| (RateBucket::Owner(owner.as_str()), l)));
        let mut rate: Option<RateState> = None;
        let mut rate_name: Option<&str> = None;
        // A rolled key in its grace period spends the new key's limits and
        // credits: the two share one balance.
        let limits_id = record.limits_id();
        for (bucket, limit) in limits {
            let key = match bucket {
                RateBucket::Key => std::borrow::Cow::Borrowed(limits_id.as_str()),
                RateBucket::Named(n) => std::borrow::Cow::Owned(format!("{limits_id}/{n}")),
                RateBucket::Owner(o) => std::borrow::Cow::Owned(format!("owner/{o}")),
            };
            let state = if self.cluster || limit.window_seconds >= LONG_WINDOW_SECS {
                self.windows.take(&key, limit, now).await
            } else {
                self.rate.take(&key, limit, now)
            };
            if let Some(retry_at) = state.retry_at {
                let retry_after = u64::try_from((retry_at - now + 999) / 1000)
                    .unwrap_or(1)
                    .max(1);
                return Verdict {
                    rate: Some(state),
                    rate_name: bucket.name().map(str::to_owned),
                    retry_after: Some(retry_after),
                    ..refuse(Code::RateLimited, &record)
                };
            }
            if rate.is_none_or(|r| state.remaining < r.remaining) {
                rate = Some(state);
                rate_name = bucket.name();
            }
        }
        let rate_name = rate_name.map(str::to_owned);
        // The key's credits and the owner's shared ones are spent together:
        // when either is short, neither is spent.
        let owner_credits = owner_limits
            .as_ref()
            .filter(|l| l.credits_remaining.is_some())
            .zip(record.owner.as_ref());
        let mut remaining = None;
        if record.credits.is_some() || owner_credits.is_some() {
            let cost = i64::from(input.cost);
            let spent = Box::pin(self.store.spend_credits(
                record.credits.map(|_| limits_id),
                owner_credits.map(|(_, o)| o.as_str()),
                cost,
                now,
            ))
            .await;
            match spent {
                Ok(Some(left)) => {
                    if let Some(k) = left.key {
                        let base = record.credits.map(|c| c.full());
                        self.credits_low(
                            base,
                            k,
                            cost,
                            now,
                            Some(limits_id),
                            record.owner.as_ref().map(|o| o.as_str()),
                        );
                    }
                    if let (Some(o), Some((limits, owner))) = (left.owner, owner_credits) {
                        let base = limits
                            .credits_refill
                            .map(|r| r.amount)
                            .or(limits.credits_limit);
                        self.credits_low(base, o, cost, now, None, Some(owner.as_str()));
                    }
                    remaining = left.key.into_iter().chain(left.owner).min();
                }
                Ok(None) => {
                    return Verdict {
                        rate,
                        rate_name,
                        remaining: Some(0),
                        ..refuse(Code::UsageExceeded, &record)
                    };
                }
                Err(err) => {
                    // Fail closed: a limit that cannot be checked is not granted.
                    tracing::error!(error = %err, "credits could not be checked");
                    return Verdict {
                        rate,
                        retry_after: Some(keywarden_proto::STORE_RETRY_AFTER),
                        ..refuse(Code::StoreUnavailable, &record)
                    };
                }
            }
        }
        Verdict {
            code: Code::Valid,
            key: Some(record),
            remaining,
            rate,
            rate_name,
            retry_after: None,
            missing: Vec::new(),
        }
    }

    /// An owner's shared limits: from this node's memory when read within
    /// `cache_ttl`, else from the store.
    async fn owner_limits(
        &self,
        owner: &str,
        now: UnixMillis,
    ) -> Result<Option<Arc<keywarden_store::OwnerLimits>>, keywarden_store::StoreError> {
        if let Ok(owners) = self.owners.lock()
            && let Some((limits, at)) = owners.get(owner)
            && now - *at < self.cache_ttl_ms
        {
            return Ok(limits.clone());
        }
        let limits = Box::pin(self.store.get_owner_limits(owner))
            .await?
            .map(Arc::new);
        if let Ok(mut owners) = self.owners.lock() {
            if owners.len() >= 100_000 {
                owners.clear();
            }
            owners.insert(owner.to_owned(), (limits.clone(), now));
        }
        Ok(limits)
    }

    /// Forgets owners' limits: all of them, or those named `owner:<name>`
    /// among `ids` (a change announcement).
    pub fn forget_owners(&self, ids: Option<&[&str]>) {
        if let Ok(mut owners) = self.owners.lock() {
            match ids {
                None => owners.clear(),
                Some(ids) => {
                    for id in ids {
                        if let Some(owner) = id.strip_prefix("owner:") {
                            owners.remove(owner);
                        }
                    }
                }
            }
        }
    }

    /// Raises `key.credits_low` when this spending took credits (a key's,
    /// or an owner's shared ones when `key_id` is `None`) below
    /// `credits_low_ratio` of their base (the refill amount, else the
    /// limit): once per crossing, so once per refill period at most.
    fn credits_low(
        &self,
        base: Option<i64>,
        left: i64,
        cost: i64,
        now: UnixMillis,
        key_id: Option<&keywarden_core::key::KeyId>,
        owner: Option<&str>,
    ) {
        #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
        let threshold = (base.unwrap_or(0) as f64 * self.credits_low_ratio).ceil() as i64;
        if cost > 0 && left < threshold && left + cost >= threshold {
            self.events.raise(
                keywarden_store::EventKind::KeyCreditsLow,
                key_id.map(ToString::to_string),
                serde_json::json!({
                    "remaining": left,
                    "threshold": threshold,
                    "owner": owner,
                    "shared": key_id.is_none(),
                }),
                now,
            );
        }
    }

    /// Housekeeping: forgets idle rate buckets and finished failure windows.
    pub fn prune(&self) {
        let now = self.clock.now_ms();
        self.rate.prune(now, 3_600_000);
        self.windows.prune(now);
        self.anomalies.prune(now);
        let throttled = self.throttle.prune(now);
        self.metrics
            .throttled_addresses
            .set(i64::try_from(throttled).unwrap_or(i64::MAX));
    }
}
