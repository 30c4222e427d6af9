//! Authentication of root keys, beneath HTTP: the lookup of a presented
//! root key, the folding of refused authentications into one audit entry
//! per address and minute, and `POST /v1/verify`'s short-lived cache of
//! authenticated callers. The server's extractors (client address, bearer
//! token, the 401/429 answers) sit on top.

use std::net::IpAddr;

use keywarden_core::key;
use keywarden_store::{AuditDraft, RootKeyRecord};

use keywarden_store::Store;

/// Longest audit target, in characters.
pub const MAX_AUDIT_TARGET: usize = 64;

/// An audit entry's target as stored: request text (a path id, a path) is
/// cut to [`MAX_AUDIT_TARGET`] characters and its control and invisible
/// characters replaced, so a caller cannot put escape sequences, newlines
/// or kilobytes into the log.
pub fn audit_target(text: &str) -> String {
    keywarden_core::names::display_safe(text, MAX_AUDIT_TARGET)
}

/// Why a root key was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    /// No credentials at all: 401 (audited), never counted against the
    /// address's failure budget — sending none guesses nothing.
    Missing(&'static str),
    /// The credentials are wrong (the reason, for the client): audited and
    /// counted against the address's failure budget.
    Refused(&'static str),
    /// The store could not be asked: nothing is known about the
    /// credentials. Answered 503, neither audited nor counted.
    Unavailable,
}

/// Authenticates a root key presented as a bearer token. Management calls
/// always ask the store, so a revoked root key stops working at once.
pub async fn authenticate(
    store: &Store,
    token: Option<&str>,
    now: i64,
) -> Result<RootKeyRecord, AuthFailure> {
    use AuthFailure::Refused;
    let token = token.ok_or(AuthFailure::Missing(
        "missing credentials: send Authorization: Bearer <root key>",
    ))?;
    let parts =
        key::parse(token).map_err(|_| Refused("the credentials are not a keywarden root key"))?;
    if parts.environment() != key::ROOT_ENVIRONMENT {
        return Err(Refused("the credentials are not a root key"));
    }
    let root =
        match crate::lookup::find::<RootKeyRecord>(store, store.peppers(), parts.expose(), None)
            .await
        {
            Ok(Some(root)) => root,
            Ok(None) => return Err(Refused("unknown root key")),
            Err(err) => {
                tracing::error!(error = %err, "root key lookup failed: the store is unavailable");
                return Err(AuthFailure::Unavailable);
            }
        };
    if root.revoked_at.is_some() {
        return Err(Refused("this root key has been revoked"));
    }
    if let Err(err) = store.touch_root_key(&root.id, now).await {
        tracing::warn!(error = %err, "could not record root key use");
    }
    Ok(root)
}

/// Refused authentications being folded: per client address and minute,
/// after the first (audited at once), how many more and why.
#[derive(Default)]
pub struct Denials(
    std::sync::Mutex<std::collections::HashMap<(Option<IpAddr>, i64), FoldedDenials>>,
);

/// The denials of one address in one minute after its first.
#[derive(Default)]
struct FoldedDenials {
    count: u64,
    first_at: i64,
    last_at: i64,
    reasons: std::collections::BTreeMap<&'static str, u64>,
}

/// Most (address, minute) pairs held; past it, denials are audited one by
/// one (never lost, never unbounded memory).
const MAX_FOLDED: usize = 100_000;

impl Denials {
    /// Notes a denial; whether it is the first of its address in this
    /// minute (audit it now) — the others are folded.
    pub fn first_of_minute(&self, ip: Option<IpAddr>, now: i64, reason: &'static str) -> bool {
        let Ok(mut map) = self.0.lock() else {
            return true;
        };
        let key = (ip, now.div_euclid(60_000));
        if let Some(folded) = map.get_mut(&key) {
            if folded.count == 0 {
                folded.first_at = now;
            }
            folded.count += 1;
            folded.last_at = now;
            *folded.reasons.entry(reason).or_default() += 1;
            return false;
        }
        if map.len() >= MAX_FOLDED {
            return true;
        }
        map.insert(key, FoldedDenials::default());
        true
    }

    /// The folded entries of minutes before `now`'s (all of them with
    /// `all`), taken out.
    pub fn take_finished(&self, now: i64, all: bool) -> Vec<AuditDraft> {
        let Ok(mut map) = self.0.lock() else {
            return Vec::new();
        };
        let current = now.div_euclid(60_000);
        let mut drafts = Vec::new();
        map.retain(|(ip, minute), folded| {
            let finished = all || *minute < current;
            if finished && folded.count > 0 {
                drafts.push(AuditDraft {
                    actor: "anonymous".to_owned(),
                    action: keywarden_store::AuditAction::AuthDenied.into(),
                    target: None,
                    outcome: keywarden_store::AuditOutcome::Denied.into(),
                    client_ip: ip.map(|ip| ip.to_string()),
                    details: serde_json::json!({
                        "count": folded.count,
                        "reasons": folded.reasons,
                        "first_at": crate::timefmt::rfc3339(folded.first_at),
                        "last_at": crate::timefmt::rfc3339(folded.last_at),
                    }),
                    at: folded.last_at,
                });
            }
            !finished
        });
        drafts
    }
}

/// How long `POST /v1/verify` trusts a root key it has authenticated: an
/// API backend calls it on every request, so it must not cost a store
/// lookup each time; a revoked root key stops working within this bound.
pub const VERIFY_CALLER_TTL_MS: i64 = 1_000;

/// A root key authenticated for `POST /v1/verify`, and when.
type Authenticated = (std::sync::Arc<RootKeyRecord>, i64);

/// Root keys recently authenticated for `POST /v1/verify`, by digest.
#[derive(Default)]
pub struct CallerCache(std::sync::Mutex<std::collections::HashMap<[u8; 32], Authenticated>>);

impl CallerCache {
    /// The root key of `digest`, when it was authenticated less than
    /// [`VERIFY_CALLER_TTL_MS`] ago.
    pub fn get(&self, digest: &[u8; 32], now: i64) -> Option<std::sync::Arc<RootKeyRecord>> {
        let map = self.0.lock().ok()?;
        map.get(digest)
            .filter(|(_, at)| now - at < VERIFY_CALLER_TTL_MS)
            .map(|(r, _)| r.clone())
    }

    /// Forgets a root key (revoked on this node): its next call is
    /// authenticated against the store again.
    pub fn forget(&self, id: &keywarden_core::key::KeyId) {
        if let Ok(mut map) = self.0.lock() {
            map.retain(|_, (root, _)| root.id != *id);
        }
    }

    /// Notes that the root key of `digest` was authenticated at `now`.
    pub fn put(&self, digest: [u8; 32], root: std::sync::Arc<RootKeyRecord>, now: i64) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() > 1_000 {
                map.retain(|_, (_, at)| now - *at < VERIFY_CALLER_TTL_MS);
            }
            map.insert(digest, (root, now));
        }
    }
}
