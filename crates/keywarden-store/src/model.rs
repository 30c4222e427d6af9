//! The records the store keeps. None of them holds a plaintext key.

use std::{fmt, str::FromStr};

use ipnet::IpNet;
use keywarden_core::{
    clock::UnixMillis,
    key::{Environment, KeyId},
    names::{Owner, Scope},
    spaces::{RoleName, SpaceId},
};
use serde::{Deserialize, Serialize};

/// A per-key rate limit: at most `limit` verifications per `window_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Verifications allowed per window.
    pub limit: u32,
    /// The window, in seconds.
    pub window_seconds: u32,
}

pub use keywarden_core::vocabulary::KeyStatus;

/// A key's secret, encrypted at rest for recoverable keys: AES-256-GCM under
/// a per-record data key, which is itself wrapped by the master key. Both
/// blobs are `nonce || ciphertext`.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedSecret {
    /// The key, encrypted under the data key.
    pub ciphertext: Vec<u8>,
    /// The data key, encrypted under the master key.
    pub wrapped_key: Vec<u8>,
}

impl fmt::Debug for SealedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealedSecret(..)")
    }
}

/// An API key as stored. No `PartialEq`: its digest compares only in
/// constant time.
#[derive(Debug, Clone)]
pub struct KeyRecord {
    /// Public id (`key_…`).
    pub id: KeyId,
    /// HMAC-SHA256 of the key under the pepper of `pepper_version`.
    pub digest: keywarden_core::digest::KeyDigest,
    /// Which pepper made `digest`.
    pub pepper_version: u32,
    /// Display hint (`kw_live_…6P3m`).
    pub hint: String,
    /// The key's prefix.
    pub prefix: String,
    /// The environment it belongs to.
    pub environment: Environment,
    /// Who it belongs to.
    pub owner: Option<Owner>,
    /// A human name.
    pub name: Option<String>,
    /// What it may do: its direct permissions (scopes are permissions).
    pub scopes: Vec<Scope>,
    /// The space it belongs to (it never moves).
    pub space: SpaceId,
    /// Its roles, in its space: each grants the role's permissions.
    pub roles: Vec<RoleName>,
    /// Its effective permissions: `scopes` and every permission its roles
    /// grant, as read with the record (the store resolves the roles when it
    /// reads a key; a role change drops every node's cached records).
    pub effective: Vec<Scope>,
    /// Free-form JSON object for the API provider.
    pub metadata: serde_json::Value,
    /// When it was made.
    pub created_at: UnixMillis,
    /// When it last changed.
    pub updated_at: UnixMillis,
    /// When it stops working.
    pub expires_at: Option<UnixMillis>,
    /// Its revocation (when, and why): a revoked key stays revoked.
    pub revoked: Option<Revocation>,
    /// The key this one replaced in a roll.
    pub rotated_from: Option<KeyId>,
    /// The key that replaced this one in a roll.
    pub rotated_to: Option<KeyId>,
    /// Client networks it may be used from (empty: anywhere).
    pub ip_allowlist: Vec<IpNet>,
    /// Rate limit.
    pub rate_limit: Option<RateLimit>,
    /// Its credits (a usage limit is credits without a refill).
    pub credits: Option<KeyCredits>,
    /// Last successful verification (kept up to date by the usage log).
    pub last_used_at: Option<UnixMillis>,
    /// Encrypted secret, for recoverable keys.
    pub sealed: Option<SealedSecret>,
    /// When it was disabled; `None` while enabled.
    pub disabled_at: Option<UnixMillis>,
    /// Since when it waits for an operator's approval (made in the
    /// customer portal under `require_approval`); `None`: not waiting.
    pub pending_at: Option<UnixMillis>,
    /// Named rate limits, each checked besides `rate_limit`.
    pub rate_limits: Vec<NamedRateLimit>,
    /// Its id in the system it was imported from (unique).
    pub external_id: Option<String>,
    /// When it was imported; `None` for a key made here. An imported key
    /// whose `pepper_version` is 0 still waits for its first verification
    /// (its digest is a placeholder; the old system's hash stands in).
    pub imported_at: Option<UnixMillis>,
    /// Set on a rolled key: the key whose credits and rate limits it spends
    /// (the newest key of its roll chain), so a key and its successor in
    /// the grace period share one balance. `None`: its own.
    pub limits_key: Option<KeyId>,
}

impl KeyRecord {
    /// The key whose credits and rate limits a verification of this key
    /// spends: itself, or the key it was rolled to.
    pub fn limits_id(&self) -> &KeyId {
        self.limits_key.as_ref().unwrap_or(&self.id)
    }
}

/// A named rate limit of a key (`{"name": "per-second", "limit": 10,
/// "window_seconds": 1}`): every one must admit a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedRateLimit {
    /// Its name, unique on the key (`[a-z0-9][a-z0-9_.-]{0,31}`).
    pub name: String,
    /// Requests per window.
    pub limit: u32,
    /// The window, in seconds.
    pub window_seconds: u32,
}

impl NamedRateLimit {
    /// The limit without its name.
    pub fn rate(&self) -> RateLimit {
        RateLimit {
            limit: self.limit,
            window_seconds: self.window_seconds,
        }
    }
}

/// A refill of a key's credits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreditRefill {
    /// Credits after each refill.
    pub amount: i64,
    /// Time between refills, at least a minute.
    pub interval_ms: i64,
}

impl CreditRefill {
    /// The number of the refill period `now` falls in, counted from
    /// `created_at` (0 before the first boundary).
    pub fn period(&self, created_at: UnixMillis, now: UnixMillis) -> i64 {
        (now - created_at).max(0) / self.interval_ms.max(1)
    }

    /// When the next refill after `now` happens.
    pub fn next_at(&self, created_at: UnixMillis, now: UnixMillis) -> UnixMillis {
        created_at
            .saturating_add((self.period(created_at, now) + 1).saturating_mul(self.interval_ms))
    }
}

/// Limits shared by every key of an owner, checked besides each key's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerLimits {
    /// The owner.
    pub owner: String,
    /// Requests per window, all the owner's keys together.
    pub rate_limit: Option<RateLimit>,
    /// Credits when they were set (the limit).
    pub credits_limit: Option<i64>,
    /// Credits left, all keys together.
    pub credits_remaining: Option<i64>,
    /// Their refill, counted from `created_at`.
    pub credits_refill: Option<CreditRefill>,
    /// When the limits were first set.
    pub created_at: UnixMillis,
    /// When they last changed.
    pub updated_at: UnixMillis,
}

/// A key's credits: what is left, and how it refills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Credits {
    /// Credits left now.
    pub remaining: i64,
    /// The refill, if any.
    pub refill: Option<CreditRefill>,
}

/// A key's credits: one value, so uses left cannot exist without a limit,
/// nor a refill without credits to refill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyCredits {
    /// Credits given (the usage limit; with a refill, what it last set).
    pub limit: i64,
    /// Credits left now (as last read: spending is the store's).
    pub remaining: i64,
    /// The refill: `remaining` is set back to its amount at each interval
    /// boundary since the key's creation.
    pub refill: Option<CreditRefill>,
    /// The number of the last refill boundary applied (0: none yet).
    pub period: i64,
}

impl KeyCredits {
    /// What a full balance is: the refill's amount, or the limit.
    pub fn full(&self) -> i64 {
        self.refill.map_or(self.limit, |r| r.amount)
    }
}

/// A key's revocation: when, and why. One value, so a reason cannot exist
/// without a time, nor a revoked key without a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    /// When.
    pub at: UnixMillis,
    /// Why (`manual`, `leaked`, `emergency`, `rotated`, or the caller's).
    pub reason: String,
}

/// What a key is at a moment, with the time it became so: the one reading
/// of its revocation, expiry and disabling (a revoked key is revoked
/// whatever else; an expired one expired whether or not it was disabled).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState<'a> {
    /// It works.
    Active,
    /// Refused until an operator approves it.
    Pending {
        /// Since when.
        at: UnixMillis,
    },
    /// Refused until it is enabled again.
    Disabled {
        /// Since when.
        at: UnixMillis,
    },
    /// Past its expiry.
    Expired {
        /// When it expired.
        at: UnixMillis,
    },
    /// Revoked.
    Revoked(&'a Revocation),
}

impl KeyState<'_> {
    /// Its status, by name.
    pub fn status(self) -> KeyStatus {
        match self {
            Self::Active => KeyStatus::Active,
            Self::Pending { .. } => KeyStatus::Pending,
            Self::Disabled { .. } => KeyStatus::Disabled,
            Self::Expired { .. } => KeyStatus::Expired,
            Self::Revoked(_) => KeyStatus::Revoked,
        }
    }
}

impl KeyRecord {
    /// What it is at `now`.
    pub fn state(&self, now: UnixMillis) -> KeyState<'_> {
        if let Some(revocation) = &self.revoked {
            KeyState::Revoked(revocation)
        } else if let Some(at) = self.expires_at.filter(|e| *e <= now) {
            KeyState::Expired { at }
        } else if let Some(at) = self.pending_at {
            KeyState::Pending { at }
        } else if let Some(at) = self.disabled_at {
            KeyState::Disabled { at }
        } else {
            KeyState::Active
        }
    }

    /// Its status at `now`.
    pub fn status(&self, now: UnixMillis) -> KeyStatus {
        self.state(now).status()
    }

    /// Whether it is revoked.
    pub fn is_revoked(&self) -> bool {
        self.revoked.is_some()
    }
}

/// A root (management) key's permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Permission {
    /// Read keys, their usage and events.
    #[serde(rename = "keys:read")]
    KeysRead,
    /// Create, update and roll keys.
    #[serde(rename = "keys:write")]
    KeysWrite,
    /// Revoke keys, one or in bulk.
    #[serde(rename = "keys:revoke")]
    KeysRevoke,
    /// Read back recoverable keys' secrets.
    #[serde(rename = "keys:reveal")]
    KeysReveal,
    /// Call the verify API.
    #[serde(rename = "keys:verify")]
    KeysVerify,
    /// Read the audit log.
    #[serde(rename = "audit:read")]
    AuditRead,
    /// Create, change and delete key spaces and their roles.
    #[serde(rename = "spaces:write")]
    SpacesWrite,
    /// Mint one-time customer portal links (each grant handed out also
    /// needs the permission it stands for).
    #[serde(rename = "portal:issue")]
    PortalIssue,
    /// Read the vault's secrets: names, metadata and values.
    #[serde(rename = "secrets:read")]
    SecretsRead,
    /// Write, roll back and delete the vault's secrets.
    #[serde(rename = "secrets:write")]
    SecretsWrite,
    /// Everything.
    #[serde(rename = "admin")]
    Admin,
}

impl Permission {
    /// Every permission.
    pub const ALL: [Permission; 11] = [
        Self::KeysRead,
        Self::KeysWrite,
        Self::KeysRevoke,
        Self::KeysReveal,
        Self::KeysVerify,
        Self::AuditRead,
        Self::SpacesWrite,
        Self::PortalIssue,
        Self::SecretsRead,
        Self::SecretsWrite,
        Self::Admin,
    ];

    /// Its name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::KeysRead => "keys:read",
            Self::KeysWrite => "keys:write",
            Self::KeysRevoke => "keys:revoke",
            Self::KeysReveal => "keys:reveal",
            Self::KeysVerify => "keys:verify",
            Self::AuditRead => "audit:read",
            Self::SpacesWrite => "spaces:write",
            Self::PortalIssue => "portal:issue",
            Self::SecretsRead => "secrets:read",
            Self::SecretsWrite => "secrets:write",
            Self::Admin => "admin",
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Permission {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|p| p.as_str()).collect();
                format!(
                    "unknown permission {s:?}: expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// A root key as stored. No `PartialEq`: its digest compares only in
/// constant time.
#[derive(Debug, Clone)]
pub struct RootKeyRecord {
    /// Public id (`key_…`).
    pub id: KeyId,
    /// Digest of the key.
    pub digest: keywarden_core::digest::KeyDigest,
    /// Which pepper made `digest`.
    pub pepper_version: u32,
    /// Display hint.
    pub hint: String,
    /// A human name.
    pub name: Option<String>,
    /// What it may do.
    pub permissions: Vec<Permission>,
    /// The spaces whose keys it sees and changes; `None`: every space.
    pub spaces: Option<Vec<SpaceId>>,
    /// The environments whose secrets it reads and writes; `None`: every
    /// environment.
    pub environments: Option<Vec<keywarden_core::key::Environment>>,
    /// When it was made.
    pub created_at: UnixMillis,
    /// Who made it (a root key id, `bootstrap` or `admin-cli`).
    pub created_by: Option<String>,
    /// When it was revoked.
    pub revoked_at: Option<UnixMillis>,
    /// When it was last used.
    pub last_used_at: Option<UnixMillis>,
}

impl RootKeyRecord {
    /// Whether it holds `permission` (`admin` holds all).
    pub fn allows(&self, permission: Permission) -> bool {
        self.permissions
            .iter()
            .any(|p| *p == permission || *p == Permission::Admin)
    }

    /// Whether it sees the keys of `space`.
    pub fn sees(&self, space: &SpaceId) -> bool {
        self.spaces.as_ref().is_none_or(|s| s.contains(space))
    }

    /// Whether it holds the secrets of the environment named `env`.
    pub fn holds_environment(&self, env: &str) -> bool {
        self.environments
            .as_ref()
            .is_none_or(|held| held.iter().any(|e| e.as_str() == env))
    }
}

/// Filters for listing keys. Every set field must match.
#[derive(Debug, Clone, Default)]
pub struct KeyFilter {
    /// Only this owner's keys.
    pub owner: Option<Owner>,
    /// Only this environment's keys.
    pub environment: Option<Environment>,
    /// Only keys in this status (at `now`).
    pub status: Option<KeyStatus>,
    /// Text to find in the id, name, owner or hint.
    pub search: Option<String>,
    /// Only this space's keys.
    pub space: Option<SpaceId>,
    /// Only keys of these spaces (what a root key scoped to spaces sees);
    /// `None`: every space.
    pub visible: Option<Vec<SpaceId>>,
}

/// How many keys of one environment are in one status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCount {
    /// The environment.
    pub environment: Environment,
    /// The status.
    pub status: KeyStatus,
    /// How many.
    pub count: i64,
}

/// A position in a list: the last item of the previous page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// Its creation time.
    pub created_at: UnixMillis,
    /// Its id.
    pub id: String,
}

impl Cursor {
    /// Opaque text for URLs.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.created_at, self.id)
    }

    /// Reads [`Cursor::encode`]'s text.
    pub fn decode(text: &str) -> Option<Self> {
        let (at, id) = text.split_once('.')?;
        let created_at = at.parse().ok()?;
        id.parse::<KeyId>().ok()?;
        Some(Self {
            created_at,
            id: id.to_owned(),
        })
    }
}

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Where the next page starts, if there is one.
    pub next: Option<String>,
}

/// A change to a key. `None` leaves a field alone; `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct KeyPatch {
    /// New name.
    pub name: Option<Option<String>>,
    /// New owner.
    pub owner: Option<Option<Owner>>,
    /// New scopes.
    pub scopes: Option<Vec<Scope>>,
    /// New roles.
    pub roles: Option<Vec<RoleName>>,
    /// New metadata.
    pub metadata: Option<serde_json::Value>,
    /// New expiry.
    pub expires_at: Option<Option<UnixMillis>>,
    /// New allowlist.
    pub ip_allowlist: Option<Vec<IpNet>>,
    /// New rate limit.
    pub rate_limit: Option<Option<RateLimit>>,
    /// New usage limit; setting one resets the remaining count to it (and
    /// drops a refill).
    pub usage_limit: Option<Option<i64>>,
    /// New credits (`None` inside: none); a refill's periods count from
    /// the key's creation.
    pub credits: Option<Option<Credits>>,
    /// New named rate limits (empty: none).
    pub rate_limits: Option<Vec<NamedRateLimit>>,
}

/// Who did what, for the audit log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditDraft {
    /// The actor: a root key id, `anonymous`, `bootstrap`, `admin-cli` or `system`.
    pub actor: String,
    /// What was done (`key.create`, `key.revoke`, `auth.denied`, ...).
    pub action: String,
    /// What it was done to (a key id, a filter).
    pub target: Option<String>,
    /// `allowed`, `denied` or `failed`.
    pub outcome: String,
    /// The client's address.
    pub client_ip: Option<String>,
    /// Anything else worth keeping (never a secret).
    pub details: serde_json::Value,
    /// When.
    pub at: UnixMillis,
}

/// An entry of the audit log, with its place in the hash chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// Position in the log, from 1, without gaps.
    pub seq: i64,
    /// What was recorded.
    #[serde(flatten)]
    pub draft: AuditDraft,
    /// Pepper version of the chain key.
    pub key_version: u32,
    /// Hash of the previous entry (hex), zeros for the first.
    pub prev_hash: String,
    /// This entry's hash (hex).
    pub hash: String,
}

/// Filters for reading the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only entries by this actor.
    pub actor: Option<String>,
    /// Only this action.
    pub action: Option<String>,
    /// Only entries about this target.
    pub target: Option<String>,
    /// Only entries with this outcome.
    pub outcome: Option<String>,
    /// Entries before this sequence number (for paging backwards).
    pub before_seq: Option<i64>,
    /// Only entries about this space or its keys.
    pub space: Option<SpaceId>,
    /// Only entries about these spaces or their keys (what a root key
    /// scoped to spaces sees); `None`: every entry.
    pub visible: Option<Vec<SpaceId>>,
}

/// Filters for reading the events. Every set field must match.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Only this kind (`key.leaked`, ...).
    pub kind: Option<String>,
    /// Only this key's.
    pub key_id: Option<String>,
    /// Only events in this delivery state.
    pub delivery: Option<crate::DeliveryState>,
    /// Events before this sequence number (for paging backwards).
    pub before_seq: Option<i64>,
    /// Only events of this space's keys.
    pub space: Option<SpaceId>,
    /// Only events of these spaces' keys; `None`: every event.
    pub visible: Option<Vec<SpaceId>>,
}

/// The result of checking the audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// Entries checked.
    pub entries: i64,
    /// The first entry that does not verify, if any.
    pub first_bad_seq: Option<i64>,
    /// What is wrong with it.
    pub problem: Option<String>,
}

impl ChainReport {
    /// Whether every entry verified.
    pub fn ok(&self) -> bool {
        self.first_bad_seq.is_none()
    }
}

/// One verification, for the usage log.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageEvent {
    /// The key, when it was found (never anything derived from an unknown key).
    pub key_id: Option<String>,
    /// When.
    pub at: UnixMillis,
    /// Outcome code (`VALID`, `REVOKED`, ...).
    pub code: &'static str,
    /// Client address.
    pub client_ip: Option<std::net::IpAddr>,
    /// Client user agent, truncated.
    pub user_agent: Option<String>,
    /// Scopes the request asked for, comma-separated.
    pub scopes: Option<String>,
    /// Which node verified it.
    pub node_id: Option<String>,
    /// How many identical verifications this row stands for (1 unless
    /// the writer folded several within one second into it).
    pub hits: i64,
}

/// Verifications of one key in one time bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsageBucket {
    /// Start of the bucket.
    pub start: UnixMillis,
    /// Verifications in it.
    pub total: i64,
    /// By outcome code.
    pub by_code: std::collections::BTreeMap<String, i64>,
}

/// A recent verification, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsageRecord {
    /// When.
    pub at: UnixMillis,
    /// Outcome code.
    pub code: String,
    /// Client address.
    pub client_ip: Option<String>,
    /// User agent.
    pub user_agent: Option<String>,
    /// Scopes asked for.
    pub scopes: Option<String>,
    /// Node.
    pub node_id: Option<String>,
    /// Identical verifications this row stands for.
    pub hits: i64,
}

/// A notable event (a leak report, an anomaly).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// Position.
    pub seq: i64,
    /// Public id (`evt_...`), the same in every delivery of the event.
    pub id: String,
    /// When.
    pub at: UnixMillis,
    /// `key.leaked`, `key.revoked_in_use`, `key.new_address`, `key.burst`, ...
    pub kind: String,
    /// The key concerned.
    pub key_id: Option<String>,
    /// Details (never a secret).
    pub details: serde_json::Value,
    /// Where its webhook delivery stands.
    pub delivery: Delivery,
}

/// An event's webhook delivery.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delivery {
    /// none, pending, delivered or failed.
    pub state: crate::DeliveryState,
    /// Attempts made.
    pub attempts: u32,
    /// When the last attempt was made.
    pub last_attempt_at: Option<UnixMillis>,
    /// Why the last attempt failed (an HTTP status or a network error).
    pub last_error: Option<String>,
    /// When the next attempt is due (pending only).
    pub next_attempt_at: Option<UnixMillis>,
    /// When the webhook accepted it.
    pub delivered_at: Option<UnixMillis>,
}

/// A new event, as raised.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    /// `key.leaked`, ...
    pub kind: &'a str,
    /// The key concerned.
    pub key_id: Option<&'a str>,
    /// Details (never a secret).
    pub details: &'a serde_json::Value,
    /// When it happened.
    pub at: UnixMillis,
    /// With a webhook configured: the first attempt is due at `.0`, and
    /// attempts stop after `.1` (both by the wall clock).
    pub outbox: Option<(UnixMillis, UnixMillis)>,
}

/// What reporting a leaked key did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LeakRevocation {
    /// Whether this report revoked it (`false`: it was revoked already,
    /// and nothing was written).
    pub revoked: bool,
    /// Whether it was live until this report: not revoked, not expired.
    pub was_live: bool,
}

/// An event claimed for one delivery attempt.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// The event.
    pub event: Event,
    /// Attempts stop after this time.
    pub deliver_until: UnixMillis,
}

/// What asking for an event's delivery again did.
#[derive(Debug, Clone)]
pub enum Redelivery {
    /// The event is pending again, due at once, with a fresh retry period
    /// and attempt count (the last error stays until the next attempt).
    Queued(Event),
    /// It is already pending: nothing changed.
    AlreadyPending(Event),
    /// No event has that id.
    NotFound,
}

/// How one delivery attempt ended.
#[derive(Debug, Clone)]
pub enum AttemptResult {
    /// The webhook accepted it.
    Delivered,
    /// It failed; try again at this time.
    Retry {
        /// Why.
        error: String,
        /// When.
        at: UnixMillis,
    },
    /// It failed, and the retry period is over.
    GiveUp {
        /// Why.
        error: String,
    },
}

/// What a new key of a space gets unless its request says otherwise.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceDefaults {
    /// The environments its keys may be created in (empty: any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environments: Vec<Environment>,
    /// A new key's rate limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
    /// A new key's credits: how many, and their refill.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits: Option<SpaceCredits>,
    /// Required expiry: a new key lives at most this long (milliseconds);
    /// one asked without an expiry gets this lifetime.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_lifetime_ms: Option<i64>,
    /// The rules for keys made in the customer portal (`None`: the
    /// defaults of [`PortalPolicy`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portal: Option<PortalPolicy>,
}

/// The rules for keys a space's customers make in the customer portal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalPolicy {
    /// The environments a customer may make keys in (empty: the space's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environments: Vec<Environment>,
    /// Most live keys an owner may hold in the space (`None`: 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_keys_per_owner: Option<u32>,
    /// Longest lifetime of a portal-made key (milliseconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_lifetime_ms: Option<i64>,
    /// The rate limit of a portal-made key (`None`: the space's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
    /// The credits of a portal-made key (`None`: the space's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits: Option<SpaceCredits>,
    /// Portal-made keys wait for an operator's approval.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub require_approval: bool,
}

impl PortalPolicy {
    /// Live keys an owner may hold in a space unless its policy says.
    pub const DEFAULT_MAX_KEYS: u32 = 20;

    /// Live keys an owner may hold in the space.
    pub fn max_keys(&self) -> u32 {
        self.max_keys_per_owner.unwrap_or(Self::DEFAULT_MAX_KEYS)
    }
}

/// A space's default credits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceCredits {
    /// Credits a new key starts with.
    pub amount: i64,
    /// Set back to `amount` at each interval since the key's creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refill_ms: Option<i64>,
}

/// A key space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceRecord {
    /// Its id (a slug).
    pub id: SpaceId,
    /// A name for people.
    pub name: String,
    /// Its keys' prefix; `None`: the deployment's.
    pub key_prefix: Option<keywarden_core::key::Prefix>,
    /// What its new keys get.
    pub defaults: SpaceDefaults,
    /// Whether deletion is refused even without keys.
    pub delete_protection: bool,
    /// When it was made.
    pub created_at: UnixMillis,
    /// When it last changed.
    pub updated_at: UnixMillis,
}

/// A space with how many keys it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceSummary {
    /// The space.
    pub space: SpaceRecord,
    /// Its keys not revoked (active, disabled or expired).
    pub live_keys: i64,
    /// All its keys.
    pub keys: i64,
    /// Its roles.
    pub roles: i64,
}

/// A role: permissions a key of its space gets by holding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRecord {
    /// Its space.
    pub space: SpaceId,
    /// Its name.
    pub name: RoleName,
    /// The permissions it grants.
    pub permissions: Vec<Scope>,
    /// When it was made.
    pub created_at: UnixMillis,
    /// When it last changed.
    pub updated_at: UnixMillis,
}
