//! Anomaly detection on the verification path, per node and in memory:
//!
//! - `key.revoked_in_use`: a revoked key is still presented (once per key
//!   per hour);
//! - `key.new_address`: a key that has been used before is used from an
//!   address it was never used from (checked against the usage log, once
//!   per key and address per node);
//! - `key.burst`: a key's verifications in a minute exceed both
//!   `burst_per_minute` and ten times the minute before (once per key per hour).
//!
//! Observing costs a hash and a map update; everything slow (store reads,
//! event writes, webhooks) runs in the background.

use std::{hash::BuildHasher, net::IpAddr, sync::Mutex};

// foldhash (hashbrown's default hasher), seeded at random per process: the
// maps are read on every verification, and SipHash's extra rounds buy
// nothing over a random seed for in-memory maps this node bounds itself.
use hashbrown::{DefaultHashBuilder, HashMap, HashSet};

use keywarden_core::clock::UnixMillis;
use keywarden_store::{KeyRecord, Store};
use serde_json::json;

use keywarden_core::outcome::Code;

use crate::events::EventSink;

const HOUR: i64 = 3_600_000;
const MINUTE: i64 = 60_000;
/// Key/address pairs remembered before the set starts over.
const SEEN_CAPACITY: usize = 200_000;

struct Minute {
    start: UnixMillis,
    count: u32,
    previous: u32,
    reported: UnixMillis,
    /// New-address lookups started this minute.
    address_checks: u32,
}

/// New-address lookups per key per minute: a key used from a flood of
/// addresses must not turn into a flood of store queries.
const ADDRESS_CHECKS_PER_MINUTE: u32 = 20;

#[derive(Default)]
struct State {
    revoked_reported: HashMap<String, UnixMillis>,
    /// Hashes of (key id, address) pairs this node has seen valid.
    seen: HashSet<u64>,
    /// Hashes of key ids this node has seen valid.
    used: HashSet<u64>,
    minutes: HashMap<String, Minute>,
}

/// The detector of one node.
pub(crate) struct Anomalies {
    sink: EventSink,
    store: Store,
    burst_per_minute: u32,
    hasher: DefaultHashBuilder,
    state: Mutex<State>,
}

impl Anomalies {
    pub(crate) fn new(store: Store, sink: EventSink, burst_per_minute: u32) -> Self {
        Self {
            sink,
            store,
            burst_per_minute,
            hasher: DefaultHashBuilder::default(),
            state: Mutex::default(),
        }
    }

    /// Looks at one verification of a known key.
    pub(crate) fn observe(&self, code: Code, key: &KeyRecord, ip: Option<IpAddr>, now: UnixMillis) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        let id = key.id.as_str();

        if code == Code::Revoked {
            let last = state.revoked_reported.get(id).copied();
            if last.is_none_or(|at| now - at >= HOUR) {
                state.revoked_reported.insert(id.to_owned(), now);
                self.sink.raise(
                    keywarden_store::EventKind::KeyRevokedInUse,
                    Some(id.to_owned()),
                    json!({ "client_ip": ip.map(|i| i.to_string()), "revoke_reason": key.revoked.as_ref().map(|r| &r.reason) }),
                    now,
                );
            }
        }

        let minute = now - now.rem_euclid(MINUTE);
        let burst_floor = self.burst_per_minute;
        let entry = match state.minutes.get_mut(id) {
            Some(e) => e,
            None => state.minutes.entry(id.to_owned()).or_insert(Minute {
                start: minute,
                count: 0,
                previous: 0,
                reported: 0,
                address_checks: 0,
            }),
        };
        if entry.start != minute {
            entry.previous = if entry.start == minute - MINUTE {
                entry.count
            } else {
                0
            };
            entry.start = minute;
            entry.count = 0;
            entry.address_checks = 0;
        }
        entry.count = entry.count.saturating_add(1);
        let may_check_address = entry.address_checks < ADDRESS_CHECKS_PER_MINUTE;
        if entry.count
            == burst_floor
                .max(entry.previous.saturating_mul(10))
                .saturating_add(1)
            && entry.count > burst_floor
            && now - entry.reported >= HOUR
        {
            entry.reported = now;
            let details = json!({ "this_minute": entry.count, "previous_minute": entry.previous });
            self.sink.raise(
                keywarden_store::EventKind::KeyBurst,
                Some(id.to_owned()),
                details,
                now,
            );
        }

        if code == Code::Valid
            && let Some(ip) = ip
        {
            if state.seen.len() >= SEEN_CAPACITY {
                state.seen.clear();
                state.used.clear();
            }
            // A key's very first use is not "a new address"; after that, an
            // address it was never used from is.
            let id_hash = self.hasher.hash_one(id);
            let used_before = !state.used.insert(id_hash) || key.last_used_at.is_some();
            let pair = self.hasher.hash_one((id_hash, ip));
            if state.seen.insert(pair) && used_before && may_check_address {
                if let Some(m) = state.minutes.get_mut(id) {
                    m.address_checks += 1;
                }
                let (store, sink, id) = (self.store.clone(), self.sink.clone(), key.id.clone());
                tokio::spawn(async move {
                    match store.seen_address(&id, &ip.to_string(), now).await {
                        Ok(false) => {
                            sink.record(
                                keywarden_store::EventKind::KeyNewAddress,
                                Some(id.to_string()),
                                json!({ "client_ip": ip.to_string() }),
                                now,
                            )
                            .await;
                        }
                        Ok(true) => {}
                        Err(e) => tracing::warn!(error = %e, "new-address check failed"),
                    }
                });
            }
        }
    }

    /// Forgets what is older than an hour.
    pub(crate) fn prune(&self, now: UnixMillis) {
        if let Ok(mut state) = self.state.lock() {
            state.revoked_reported.retain(|_, at| now - *at < HOUR);
            state
                .minutes
                .retain(|_, m| now - m.start < 2 * MINUTE || now - m.reported < HOUR);
        }
    }
}
