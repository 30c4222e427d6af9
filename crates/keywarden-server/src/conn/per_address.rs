//! The per-address connection limit: open connections counted by TCP peer
//! address.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex},
};

use ipnet::IpNet;

/// Open connections per peer address, at most `limit` each; peers inside
/// `exempt` (the trusted proxies, which carry many clients) are not
/// counted.
#[derive(Debug)]
pub(crate) struct PerAddress {
    limit: usize,
    exempt: Vec<IpNet>,
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One counted connection; dropping it gives its place back.
#[derive(Debug)]
pub(crate) struct AddressSlot {
    counts: Option<(Arc<PerAddress>, IpAddr)>,
}

impl PerAddress {
    pub(crate) fn new(limit: usize, exempt: Vec<IpNet>) -> Arc<Self> {
        Arc::new(Self {
            limit,
            exempt,
            open: Mutex::new(HashMap::new()),
        })
    }

    /// A place for one more connection from `peer` (IPv4-mapped IPv6 read
    /// as IPv4), or `None` when it already has `limit` open.
    pub(crate) fn enter(self: &Arc<Self>, peer: IpAddr) -> Option<AddressSlot> {
        let peer = peer.to_canonical();
        if self.exempt.iter().any(|net| net.contains(&peer)) {
            return Some(AddressSlot { counts: None });
        }
        // A poisoned lock only means a panic elsewhere while counting: the
        // counts are still whole numbers, so keep using them.
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let count = open.entry(peer).or_insert(0);
        if *count >= self.limit {
            return None;
        }
        *count += 1;
        Some(AddressSlot {
            counts: Some((Arc::clone(self), peer)),
        })
    }

    /// Open connections counted for `peer`.
    #[cfg(test)]
    fn open(&self, peer: IpAddr) -> usize {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.get(&peer.to_canonical()).copied().unwrap_or(0)
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        if let Some((counts, peer)) = self.counts.take() {
            let mut open = counts.open.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(count) = open.get_mut(&peer) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    // No entry outlives its connections: the map holds
                    // only addresses with a connection open.
                    open.remove(&peer);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_limit_is_per_address_and_places_come_back() {
        let limit = PerAddress::new(2, Vec::new());
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let first = limit.enter(a).unwrap();
        let _second = limit.enter(a).unwrap();
        assert!(limit.enter(a).is_none(), "the third from one address");
        assert!(limit.enter(b).is_some(), "another address is not affected");
        drop(first);
        assert!(limit.enter(a).is_some(), "a closed connection's place");
    }

    #[test]
    fn ipv4_mapped_ipv6_counts_as_ipv4() {
        let limit = PerAddress::new(1, Vec::new());
        let v4: IpAddr = "192.0.2.1".parse().unwrap();
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        let _slot = limit.enter(mapped).unwrap();
        assert_eq!(limit.open(v4), 1);
        assert!(limit.enter(v4).is_none());
    }

    #[test]
    fn trusted_proxies_are_not_counted() {
        let limit = PerAddress::new(1, vec!["10.0.0.0/8".parse().unwrap()]);
        let proxy: IpAddr = "10.1.2.3".parse().unwrap();
        let slots: Vec<_> = (0..100).map(|_| limit.enter(proxy).unwrap()).collect();
        assert_eq!(limit.open(proxy), 0);
        drop(slots);
        let other: IpAddr = "192.0.2.9".parse().unwrap();
        let _slot = limit.enter(other).unwrap();
        assert!(limit.enter(other).is_none());
    }

    #[test]
    fn the_map_holds_only_open_addresses() {
        let limit = PerAddress::new(5, Vec::new());
        for i in 0..100u8 {
            drop(limit.enter(IpAddr::from([192, 0, 2, i])).unwrap());
        }
        assert!(limit.open.lock().unwrap().is_empty());
    }
}
