//! What the key operations take as input, as asked for (not yet checked).

use keywarden_core::{
    key::Environment,
    names::{Owner, Scope},
    spaces::{RoleName, SpaceId},
};
use keywarden_proto::keys::ShareRequest;

/// A rate limit as asked for: at most `limit` per `window_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitInput {
    /// Requests per window (1 to 1,000,000).
    pub limit: u32,
    /// Window in seconds (1 to 86,400).
    pub window_seconds: u32,
}

/// What a new key should be.
#[derive(Debug)]
pub struct NewKey {
    /// Its environment (not `root`).
    pub environment: Environment,
    /// Its owner.
    pub owner: Option<Owner>,
    /// A name for people.
    pub name: Option<String>,
    /// Its direct permissions (scopes).
    pub scopes: Vec<Scope>,
    /// Its space (`default` when none is named).
    pub space: Option<SpaceId>,
    /// Roles of its space it holds.
    pub roles: Vec<RoleName>,
    /// Expiry, RFC 3339 (or `expires_in`).
    pub expires_at: Option<String>,
    /// Lifetime from now, `90d` (or `expires_at`).
    pub expires_in: Option<String>,
    /// A JSON object (default `{}`).
    pub metadata: Option<serde_json::Value>,
    /// CIDRs or addresses.
    pub ip_allowlist: Vec<String>,
    /// Its rate limit.
    pub rate_limit: Option<RateLimitInput>,
    /// Total verifications allowed.
    pub usage_limit: Option<i64>,
    /// Credits, with a refill (or `usage_limit`, not both).
    pub credits: Option<CreditsInput>,
    /// Named rate limits, each checked besides `rate_limit`.
    pub rate_limits: Vec<keywarden_store::NamedRateLimit>,
    /// Keep the secret sealed under the master key.
    pub recoverable: bool,
    /// Also make a one-time share link, stored with the key.
    pub share: Option<ShareRequest>,
}

/// Changes to a key: `None` leaves a setting, `Some(None)` clears it.
#[derive(Debug, Default)]
pub struct KeyChanges {
    /// New name.
    pub name: Option<Option<String>>,
    /// New owner.
    pub owner: Option<Option<Owner>>,
    /// New scopes.
    pub scopes: Option<Vec<Scope>>,
    /// New direct permissions: the same list as `scopes`, under its newer
    /// name (given both, the key holds both).
    pub permissions: Option<Vec<Scope>>,
    /// New roles.
    pub roles: Option<Vec<RoleName>>,
    /// New metadata.
    pub metadata: Option<serde_json::Value>,
    /// New expiry (RFC 3339), or none.
    pub expires_at: Option<Option<String>>,
    /// New lifetime from now, or none (the same as `expires_at: None`).
    pub expires_in: Option<Option<String>>,
    /// New allowlist.
    pub ip_allowlist: Option<Vec<String>>,
    /// New rate limit, or none.
    pub rate_limit: Option<Option<RateLimitInput>>,
    /// New usage limit (resets the uses left), or none.
    pub usage_limit: Option<Option<i64>>,
    /// New credits, or none.
    pub credits: Option<Option<CreditsInput>>,
    /// New named rate limits (empty: none).
    pub rate_limits: Option<Vec<keywarden_store::NamedRateLimit>>,
}

/// Credits as given: how many, and how they refill.
#[derive(Debug, Clone)]
pub struct CreditsInput {
    /// Credits now (0 or more).
    pub remaining: i64,
    /// The refill, if any.
    pub refill: Option<RefillInput>,
}

/// A refill as given.
#[derive(Debug, Clone)]
pub struct RefillInput {
    /// Credits after each refill (1 or more).
    pub amount: i64,
    /// Time between refills: a duration of at least a minute and at most
    /// 366 days (`1m`, `1d`, `30d`).
    pub interval: String,
}

/// The audit target of a bulk revocation.
pub fn bulk_target(owner: Option<&Owner>, env: Option<&Environment>) -> String {
    format!(
        "owner={} environment={}",
        owner.map_or("*", Owner::as_str),
        env.map_or("*", Environment::as_str)
    )
}
