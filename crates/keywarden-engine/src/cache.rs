//! The verification cache: digest → key record, with bounded negative
//! entries. Entries live at most `ttl`; on PostgreSQL, changes announced by
//! other nodes (`LISTEN/NOTIFY`) drop entries at once, and the TTL bounds
//! the staleness when a notification is missed.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
};

use keywarden_core::clock::UnixMillis;
use keywarden_store::KeyRecord;

enum Entry {
    Found {
        record: Arc<KeyRecord>,
        at: UnixMillis,
    },
    Missing {
        at: UnixMillis,
    },
}

/// What the cache knows of a digest.
pub(crate) enum Lookup {
    /// A stored key.
    Found(Arc<KeyRecord>),
    /// Known not to exist.
    Missing,
    /// Unknown: ask the store.
    Unknown,
}

/// Hashes a digest by its first eight bytes. The digests are HMACs under
/// the secret pepper: an attacker can neither predict nor choose them, so
/// they need no keyed hash against collision floods, and SipHash over 32
/// bytes on every verification buys nothing.
#[derive(Default, Clone, Copy)]
struct DigestHasher(u64);

impl std::hash::Hasher for DigestHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut head = [0u8; 8];
        let n = bytes.len().min(8);
        head[..n].copy_from_slice(&bytes[..n]);
        self.0 ^= u64::from_le_bytes(head);
    }

    fn write_usize(&mut self, _length: usize) {
        // The array's length prefix: the same for every digest.
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type DigestMap<V> = HashMap<[u8; 32], V, std::hash::BuildHasherDefault<DigestHasher>>;

/// A bounded map from digest to key record.
pub struct KeyCache {
    map: RwLock<DigestMap<Entry>>,
    ttl_ms: i64,
    capacity: usize,
}

impl KeyCache {
    /// A cache of at most `capacity` entries, each trusted for `ttl_ms`.
    pub(crate) fn new(ttl_ms: i64, capacity: usize) -> Self {
        Self {
            map: RwLock::new(DigestMap::default()),
            ttl_ms,
            capacity: capacity.max(16),
        }
    }

    /// What is known of `digest` at `now`.
    pub(crate) fn get(&self, digest: &[u8; 32], now: UnixMillis) -> Lookup {
        let Ok(map) = self.map.read() else {
            return Lookup::Unknown;
        };
        match map.get(digest) {
            Some(Entry::Found { record, at }) if now - at < self.ttl_ms => {
                Lookup::Found(record.clone())
            }
            Some(Entry::Missing { at }) if now - at < self.ttl_ms => Lookup::Missing,
            _ => Lookup::Unknown,
        }
    }

    fn insert(&self, digest: [u8; 32], entry: Entry) {
        let Ok(mut map) = self.map.write() else {
            return;
        };
        if map.len() >= self.capacity && !map.contains_key(&digest) {
            // Full: drop the negative entries first (a flood of unknown keys
            // must not push out the keys in use), then everything.
            map.retain(|_, e| matches!(e, Entry::Found { .. }));
            if map.len() >= self.capacity {
                map.clear();
            }
        }
        map.insert(digest, entry);
    }

    /// Remembers a stored key.
    pub(crate) fn put(&self, record: Arc<KeyRecord>, now: UnixMillis) {
        self.insert(*record.digest.as_bytes(), Entry::Found { record, at: now });
    }

    /// Remembers that no key has this digest.
    pub(crate) fn put_missing(&self, digest: [u8; 32], now: UnixMillis) {
        self.insert(digest, Entry::Missing { at: now });
    }

    /// Forgets the keys with these ids (and any negative entry of `digest`).
    pub fn invalidate_ids(&self, ids: &[&str]) {
        let Ok(mut map) = self.map.write() else {
            return;
        };
        map.retain(|_, e| match e {
            Entry::Found { record, .. } => !ids.contains(&record.id.as_str()),
            Entry::Missing { .. } => true,
        });
    }

    /// Forgets a digest.
    pub fn invalidate_digest(&self, digest: &[u8; 32]) {
        if let Ok(mut map) = self.map.write() {
            map.remove(digest);
        }
    }

    /// Forgets everything.
    pub fn clear(&self) {
        if let Ok(mut map) = self.map.write() {
            map.clear();
        }
    }
}
