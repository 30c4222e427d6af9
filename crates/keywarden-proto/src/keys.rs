//! Key management (`/v1/keys`): the bodies and queries the API takes and
//! the keys it shows, never with a secret except in the one answer that
//! holds a new key (or a recoverable key read back).
//!
//! The server reads the requests and writes the answers; the CLI writes the
//! requests and reads the answers. Constructors from the store's records
//! live in the server (`keywarden_server::views`).

use std::collections::BTreeMap;

use keywarden_core::{
    key::Environment,
    names::{Owner, Scope},
    secret::{PlaintextKey, SecretString, serialize_exposed, serialize_exposed_opt},
    spaces::{RoleName, SpaceId},
    vocabulary::KeyStatus,
};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use crate::schemas::{self, KeyCursor, KeyName, KeyStatusName, Reason};
use crate::{patch::double_option, secret, whole};

/// The space of a key an answer names none for (a server from before
/// spaces).
fn default_space() -> String {
    keywarden_core::spaces::DEFAULT_SPACE.to_owned()
}

/// Body of `POST /v1/keys`.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateKeyRequest {
    /// Environment the key belongs to (`live`, `test`, ...; `root` is reserved).
    #[cfg_attr(feature = "openapi", schema(value_type = schemas::Environment))]
    pub environment: Environment,
    /// Who the key belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::Owner>))]
    pub owner: Option<Owner>,
    /// A name for people: at most 200 characters, without control or
    /// invisible formatting characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<KeyName>))]
    pub name: Option<String>,
    /// The key's direct permissions (scopes are permissions: the two
    /// lists are one, `permissions` the newer name): dotted or
    /// colon-separated names (`docs.read`, `orders:read`); a last part `*`
    /// covers everything under it (`orders:*`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<schemas::Scope>, max_items = 100))]
    pub scopes: Vec<Scope>,
    /// Direct permissions, added to `scopes`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<schemas::Scope>, max_items = 100))]
    pub permissions: Vec<Scope>,
    /// The space the key belongs to (default `default`); its prefix and
    /// defaults apply. A root key scoped to spaces may create keys only in
    /// its spaces (403).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::SpaceId>))]
    pub space: Option<SpaceId>,
    /// Roles of the key's space it holds: it gets their permissions too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<schemas::RoleName>, max_items = 20))]
    pub roles: Vec<RoleName>,
    /// Expiry, RFC 3339, in the future (or use `expires_in`, not both).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub expires_at: Option<String>,
    /// Lifetime from now: `90d`, `12h`, `30m` (units ms, s, m, h, d, w).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::Duration>))]
    pub expires_in: Option<String>,
    /// Free-form JSON object returned by verification (at most 16 KiB;
    /// its keys, at every depth, without control or invisible formatting
    /// characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<serde_json::Value>,
    /// Client networks allowed to use the key (CIDRs or addresses).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<schemas::Network>, max_items = 100))]
    pub ip_allowlist: Vec<String>,
    /// At most `limit` verifications per `window_seconds`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitInput>,
    /// Named rate limits, each checked besides `rate_limit` (e.g. 10 a
    /// second and 10,000 a day): every one must admit a request; the
    /// verification names the one that refused.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub rate_limits: Vec<NamedRateLimitInput>,
    /// Total verifications allowed (credits without a refill; or use
    /// `credits`, not both).
    #[serde(
        default,
        deserialize_with = "whole::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub usage_limit: Option<i64>,
    /// Credits: each verification spends its `cost` (default 1); with a
    /// refill, `remaining` is set back to `refill.amount` at each interval
    /// boundary since the key's creation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits: Option<CreditsRequest>,
    /// Keep the secret encrypted so it can be read back (needs a master key).
    #[serde(default)]
    pub recoverable: bool,
    /// Also make a one-time share link for the key (`share_url`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<ShareRequest>,
}

/// `share: {expires_in}` of a create or roll.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ShareRequest {
    /// How long the link works if nobody opens it: default `24h`, at most `7d`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::ShareLifetime>))]
    pub expires_in: Option<String>,
}

/// `{"remaining": N, "refill": {"amount": A, "interval": "1d"}}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreditsRequest {
    /// Credits now.
    #[serde(deserialize_with = "whole::i64")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub remaining: i64,
    /// How the credits refill, if they do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refill: Option<RefillRequest>,
}

/// `{"amount": A, "interval": "1d"}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefillRequest {
    /// Credits after each refill.
    #[serde(deserialize_with = "whole::i64")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub amount: i64,
    /// Time between refills, a minute to 366 days: `1m`, `1h`, `1d`, `30d`.
    #[cfg_attr(feature = "openapi", schema(value_type = schemas::RefillInterval))]
    pub interval: String,
}

/// `{"name": "per-second", "limit": 10, "window_seconds": 1}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NamedRateLimitInput {
    /// Unique on the key (`DUPLICATE_RATE_LIMIT` otherwise).
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[a-z0-9][a-z0-9_.-]{0,31}$"))]
    pub name: String,
    /// Requests per window (1 to 1,000,000).
    #[serde(deserialize_with = "whole::u32")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1_000_000))]
    pub limit: u32,
    /// Window in seconds (1 to 2,592,000, 30 days).
    #[serde(deserialize_with = "whole::u32")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 2_592_000))]
    pub window_seconds: u32,
}

/// `{"limit": N, "window_seconds": S}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RateLimitInput {
    /// Requests per window (1 to 1,000,000).
    #[serde(deserialize_with = "whole::u32")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1_000_000))]
    pub limit: u32,
    /// Window in seconds (1 to 86,400).
    #[serde(deserialize_with = "whole::u32")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 86_400))]
    pub window_seconds: u32,
}

/// Body of `PATCH /v1/keys/{id}`: fields left out stay, `null` clears
/// (every field).
#[derive(Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PatchKeyRequest {
    /// New name, or null.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<KeyName>))]
    pub name: Option<Option<String>>,
    /// New owner, or null.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::Owner>))]
    pub owner: Option<Option<Owner>>,
    /// New scopes, or null for none.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<schemas::Scope>>, max_items = 100))]
    pub scopes: Option<Option<Vec<Scope>>>,
    /// New direct permissions (the same list as `scopes`: given both, the
    /// key holds both), or null for none.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<schemas::Scope>>, max_items = 100))]
    pub permissions: Option<Option<Vec<Scope>>>,
    /// New roles, or null for none.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<schemas::RoleName>>, max_items = 20))]
    pub roles: Option<Option<Vec<RoleName>>>,
    /// New metadata (as on create), or null for `{}`.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<Option<serde_json::Value>>,
    /// New expiry (RFC 3339, in the future), or null for none.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub expires_at: Option<Option<String>>,
    /// New lifetime from now, or null for no expiry (as `expires_at: null`).
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::Duration>))]
    pub expires_in: Option<Option<String>>,
    /// New allowlist, or null for none (any address).
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<schemas::Network>>, max_items = 100))]
    pub ip_allowlist: Option<Option<Vec<String>>>,
    /// New rate limit, or null for none.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<RateLimitInput>))]
    pub rate_limit: Option<Option<RateLimitInput>>,
    /// New usage limit (resets the uses left), or null for none.
    #[serde(
        default,
        deserialize_with = "whole::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 1))]
    pub usage_limit: Option<Option<i64>>,
    /// New named rate limits (`[]` or null for none).
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<NamedRateLimitInput>>, max_items = 10))]
    pub rate_limits: Option<Option<Vec<NamedRateLimitInput>>>,
    /// New credits (and refill), or null for none.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<CreditsRequest>))]
    pub credits: Option<Option<CreditsRequest>>,
}

/// Body of `POST /v1/keys/{id}/roll` (optional).
#[derive(Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RollRequest {
    /// How long the old key keeps working: `24h` (default), `0s` to stop it now, at most `30d`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::GracePeriod>))]
    pub grace_period: Option<String>,
    /// Also make a one-time share link for the new key (`share_url`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<ShareRequest>,
}

/// Body of `POST /v1/keys/{id}/revoke` (optional).
#[derive(Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    /// Why (default `manual`): 1 to 200 characters, without control characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Reason>))]
    pub reason: Option<String>,
}

/// Body of `POST /v1/keys/revoke`.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BulkRevokeRequest {
    /// Revoke this owner's keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::Owner>))]
    pub owner: Option<Owner>,
    /// Revoke this environment's keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::Environment>))]
    pub environment: Option<Environment>,
    /// Revoke this space's keys (of the spaces the root key sees).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::SpaceId>))]
    pub space: Option<SpaceId>,
    /// Must be `true`.
    #[serde(default)]
    pub confirm: bool,
    /// Why (default `emergency`): 1 to 200 characters, without control characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Reason>))]
    pub reason: Option<String>,
}

/// Answer of a bulk revoke.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkRevokeResponse {
    /// How many keys were revoked.
    pub revoked: usize,
    /// Their ids.
    pub key_ids: Vec<String>,
}

/// Query of `GET /v1/keys`.
#[derive(Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Only this owner's keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<schemas::Owner>))]
    pub owner: Option<Owner>,
    /// Only this environment.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<schemas::Environment>))]
    pub environment: Option<Environment>,
    /// `active`, `expired` or `revoked`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<KeyStatusName>))]
    pub status: Option<KeyStatus>,
    /// Text to find in id, name, owner or hint (at most 200 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<schemas::FilterText>))]
    pub search: Option<String>,
    /// Only this space's keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<schemas::SpaceId>))]
    pub space: Option<SpaceId>,
    /// Page size, 1 to 200 (default 50).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<KeyCursor>))]
    pub cursor: Option<String>,
}

/// A page of keys.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyList {
    /// The keys, newest first.
    pub keys: Vec<KeyView>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// A key as the API shows it: never the secret.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyView {
    /// Public id.
    #[cfg_attr(feature = "openapi", schema(example = "key_3kTMd9Qx2bZpLw7a"))]
    pub id: String,
    /// Prefix, environment and last 4 characters.
    #[cfg_attr(feature = "openapi", schema(example = "kw_live_…6P3m"))]
    pub hint: String,
    /// Key prefix.
    pub prefix: String,
    /// Environment.
    pub environment: String,
    /// Owner.
    pub owner: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Its direct permissions (scopes are permissions).
    pub scopes: Vec<String>,
    /// The space it belongs to.
    #[serde(default = "default_space")]
    pub space: String,
    /// Its roles.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Everything it may do: its direct permissions and its roles'.
    #[serde(default)]
    pub effective_permissions: Vec<String>,
    /// Whether it was imported from another system.
    #[serde(default)]
    pub imported: bool,
    /// For an imported key: whether it is stored under keywarden's keyed
    /// digest yet (a key imported by its old hash is, from its first
    /// verification on; the old hash is then deleted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redigested: Option<bool>,
    /// Its id in the system it was imported from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Free-form metadata.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub metadata: serde_json::Value,
    /// `active`, `disabled`, `expired` or `revoked`.
    #[cfg_attr(feature = "openapi", schema(value_type = KeyStatusName))]
    pub status: KeyStatus,
    /// RFC 3339.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub created_at: String,
    /// RFC 3339.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub updated_at: String,
    /// RFC 3339.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub expires_at: Option<String>,
    /// RFC 3339.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub revoked_at: Option<String>,
    /// Why it was revoked.
    pub revoke_reason: Option<String>,
    /// The key this one replaced.
    pub rotated_from: Option<String>,
    /// The key that replaced this one.
    pub rotated_to: Option<String>,
    /// Client networks allowed (empty: any).
    pub ip_allowlist: Vec<String>,
    /// Rate limit.
    pub rate_limit: Option<RateLimitView>,
    /// Named rate limits, each checked besides `rate_limit`.
    pub rate_limits: Vec<NamedRateLimitView>,
    /// Total uses allowed.
    pub usage_limit: Option<i64>,
    /// Uses left.
    pub usage_remaining: Option<i64>,
    /// Its credits and their refill (a key with a usage limit has credits
    /// without a refill).
    pub credits: Option<CreditsView>,
    /// RFC 3339.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub last_used_at: Option<String>,
    /// When it was disabled (RFC 3339); absent while enabled.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub disabled_at: Option<String>,
    /// Whether the secret can be read back (`GET /v1/keys/{id}/secret`).
    pub recoverable: bool,
}

/// A named rate limit.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NamedRateLimitView {
    /// Its name.
    pub name: String,
    /// Requests per window.
    pub limit: u32,
    /// Window length, seconds.
    pub window_seconds: u32,
}

/// A key's credits.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreditsView {
    /// Credits left (as of the last verification or change; a refill due
    /// since is applied by the next verification).
    pub remaining: i64,
    /// The refill, if any.
    pub refill: Option<RefillView>,
}

/// A refill of credits.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefillView {
    /// Credits after each refill.
    pub amount: i64,
    /// Seconds between refills.
    pub interval_seconds: i64,
    /// The next refill boundary, RFC 3339.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub next_refill_at: String,
}

/// `{"limit": N, "window_seconds": S}`.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RateLimitView {
    /// Requests per window.
    pub limit: u32,
    /// Window length.
    pub window_seconds: u32,
}

/// A new key: the only response that ever holds its secret.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedKey {
    /// The key. Shown once; store it now.
    #[serde(
        serialize_with = "serialize_exposed",
        deserialize_with = "secret::plaintext_key"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub key: PlaintextKey,
    /// The one-time share link, when one was asked for (`share`): it
    /// opens once, in a browser, and the server never holds its fragment.
    /// A secret (the fragment opens the key): zeroized, redacted in `Debug`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_exposed_opt"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub share_url: Option<SecretString>,
    /// The key's record.
    #[serde(flatten)]
    pub record: KeyView,
}

/// A roll's result: the new key (with its secret) and the old one.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RolledKey {
    /// The new key.
    #[serde(flatten)]
    pub new: CreatedKey,
    /// The old key, now expiring at the end of the grace period.
    pub previous: KeyView,
}

/// A recoverable key's secret.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevealedKey {
    /// Key id.
    pub id: String,
    /// The key.
    #[serde(
        serialize_with = "serialize_exposed",
        deserialize_with = "secret::plaintext_key"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub key: PlaintextKey,
}

/// Query of `GET /v1/keys/{id}/usage`.
#[derive(Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct UsageQuery {
    /// `minute`, `hour` (default) or `day`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket: Option<Bucket>,
    /// Start, RFC 3339 (default: 60 buckets before `to`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(format = DateTime))]
    pub from: Option<String>,
    /// End, RFC 3339 (default: now).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(format = DateTime))]
    pub to: Option<String>,
}

/// The width of a usage bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Bucket {
    /// One minute.
    Minute,
    /// One hour.
    Hour,
    /// One day.
    Day,
}

impl Bucket {
    /// Its length in milliseconds.
    pub fn millis(self) -> i64 {
        match self {
            Self::Minute => 60_000,
            Self::Hour => 3_600_000,
            Self::Day => 86_400_000,
        }
    }
}

impl std::str::FromStr for Bucket {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "minute" => Ok(Self::Minute),
            "hour" => Ok(Self::Hour),
            "day" => Ok(Self::Day),
            _ => Err("expected minute, hour or day".to_owned()),
        }
    }
}

/// Verifications of a key over time.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsageResponse {
    /// The key.
    pub key_id: String,
    /// `minute`, `hour` or `day`.
    pub bucket: Bucket,
    /// Non-empty buckets, oldest first.
    pub buckets: Vec<UsageBucketView>,
}

/// One bucket.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsageBucketView {
    /// Start, RFC 3339.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub start: String,
    /// Verifications.
    pub total: i64,
    /// By outcome code.
    pub by_code: BTreeMap<String, i64>,
}

/// Body of `POST /v1/keys/import`: up to 1,000 keys of another system.
/// Each row is read alone: a row that cannot be read is reported (with its
/// index) and skipped, the others are imported.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    /// The keys (1 to 1,000).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<ImportKeyRow>, min_items = 1, max_items = 1000))]
    pub keys: Vec<serde_json::Value>,
}

/// One key to import: its text (`plaintext`) or the old system's hash of it
/// (`hash`), and its settings.
#[derive(Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ImportKeyRow {
    /// The key as its holders present it, in any format (1 to 512
    /// printable ASCII characters). Stored only as a keyed digest.
    #[serde(
        default,
        serialize_with = "keywarden_core::secret::serialize_exposed_opt",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, min_length = 1, max_length = 512))]
    pub plaintext: Option<SecretString>,
    /// The old system's hash of the key's text, when the text is not known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<ForeignHash>,
    /// Its id in the old system: unique, so an import run again adds
    /// nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<KeyName>))]
    pub external_id: Option<String>,
    /// A name for people.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<KeyName>))]
    pub name: Option<String>,
    /// Who it belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::Owner>))]
    pub owner: Option<Owner>,
    /// Its environment (default `live`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::Environment>))]
    pub environment: Option<Environment>,
    /// Its permissions (scopes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<schemas::Scope>, max_items = 100))]
    pub scopes: Vec<Scope>,
    /// Its space (default `default`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::SpaceId>))]
    pub space: Option<SpaceId>,
    /// Roles of its space.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<schemas::RoleName>, max_items = 20))]
    pub roles: Vec<RoleName>,
    /// Its expiry, RFC 3339 (in the future).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub expires_at: Option<String>,
    /// Free-form JSON object.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<serde_json::Value>,
    /// Its credits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits: Option<CreditsRequest>,
    /// Its rate limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitInput>,
}

/// An old system's hash of a key: `{"algorithm": "sha512", "encoding":
/// "hex", "value": "…"}` (drf-api-key keeps `sha512$$<hex>`: give the hex).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ForeignHash {
    /// `sha256` or `sha512` of the key's text.
    #[cfg_attr(feature = "openapi", schema(pattern = "^sha(256|512)$"))]
    pub algorithm: String,
    /// `hex` or `base64` (standard alphabet, padded or not).
    #[cfg_attr(feature = "openapi", schema(pattern = "^(hex|base64)$"))]
    pub encoding: String,
    /// The hash, so encoded.
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub value: String,
}

/// The answer of an import.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportResponse {
    /// Keys stored.
    pub imported: usize,
    /// Keys already there (the same `external_id`, text or hash).
    pub skipped: usize,
    /// Rows refused (each in `errors`).
    pub failed: usize,
    /// The refused rows.
    pub errors: Vec<ImportRowError>,
}

/// A refused row of an import.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRowError {
    /// Its index in `keys` (from 0).
    pub index: usize,
    /// The error code (`INVALID_ROW`, `INVALID_HASH`, ...).
    pub code: String,
    /// For people (never the key or its hash).
    pub message: String,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// What a client writes, the server reads back the same.
    fn round_trip<T: Serialize + serde::de::DeserializeOwned>(value: &T) -> (String, T) {
        let text = serde_json::to_string(value).unwrap();
        let back = serde_json::from_str(&text).unwrap();
        (text, back)
    }

    #[test]
    fn a_create_request_leaves_out_what_it_does_not_set() {
        let request = CreateKeyRequest {
            environment: "live".parse().unwrap(),
            owner: Some("acme".parse().unwrap()),
            name: None,
            scopes: vec!["orders:read".parse().unwrap()],
            permissions: Vec::new(),
            space: None,
            roles: Vec::new(),
            expires_at: None,
            expires_in: Some("90d".to_owned()),
            metadata: None,
            ip_allowlist: Vec::new(),
            rate_limit: Some(RateLimitInput {
                limit: 100,
                window_seconds: 60,
            }),
            rate_limits: Vec::new(),
            usage_limit: None,
            credits: Some(CreditsRequest {
                remaining: 10,
                refill: Some(RefillRequest {
                    amount: 10,
                    interval: "1d".to_owned(),
                }),
            }),
            recoverable: false,
            share: Some(ShareRequest::default()),
        };
        let (text, back) = round_trip(&request);
        assert_eq!(
            text,
            r#"{"environment":"live","owner":"acme","scopes":["orders:read"],"expires_in":"90d","ip_allowlist":[],"rate_limit":{"limit":100,"window_seconds":60},"credits":{"remaining":10,"refill":{"amount":10,"interval":"1d"}},"recoverable":false,"share":{}}"#
        );
        assert_eq!(back.owner.unwrap().as_str(), "acme");
        assert_eq!(back.credits.unwrap().refill.unwrap().amount, 10);
    }

    #[test]
    fn a_patch_leaves_out_what_stays_and_writes_null_for_what_clears() {
        let patch = PatchKeyRequest {
            name: Some(None),
            scopes: Some(Some(vec!["orders:*".parse().unwrap()])),
            usage_limit: Some(None),
            ..PatchKeyRequest::default()
        };
        let (text, back) = round_trip(&patch);
        assert_eq!(
            text,
            r#"{"name":null,"scopes":["orders:*"],"usage_limit":null}"#
        );
        assert_eq!(back.name, Some(None));
        assert_eq!(back.usage_limit, Some(None));
        assert!(back.owner.is_none() && back.expires_at.is_none());
        assert_eq!(round_trip(&PatchKeyRequest::default()).0, "{}");
    }

    #[test]
    fn a_new_key_is_read_back_into_its_secret_type() {
        let key = keywarden_core::key::mint(&Default::default(), &"live".parse().unwrap());
        let view = serde_json::json!({
            "key": key.expose(),
            "id": "key_3kTMd9Qx2bZpLw7a", "hint": key.hint(), "prefix": "kw",
            "environment": "live", "owner": null, "name": null, "scopes": [],
            "space": "default", "roles": [], "effective_permissions": [], "imported": false,
            "metadata": {}, "status": "disabled", "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z", "expires_at": null, "revoked_at": null,
            "revoke_reason": null, "rotated_from": null, "rotated_to": null,
            "ip_allowlist": [], "rate_limit": null, "rate_limits": [], "usage_limit": null,
            "usage_remaining": null, "credits": null, "last_used_at": null,
            "disabled_at": "2026-01-01T00:00:00Z", "recoverable": false,
        });
        let created: CreatedKey = serde_json::from_value(view.clone()).unwrap();
        assert_eq!(created.key.expose(), key.expose());
        assert!(created.share_url.is_none());
        assert_eq!(created.record.status, KeyStatus::Disabled);
        assert!(!format!("{created:?}").contains(&key.expose()[8..]));
        // Written again, it is what was read.
        assert_eq!(serde_json::to_value(&created).unwrap(), view);
        let mut not_a_key = view;
        not_a_key["key"] = "kw_live_nope".into();
        assert!(serde_json::from_value::<CreatedKey>(not_a_key).is_err());
    }

    #[test]
    fn statuses_and_buckets_are_written_by_their_names() {
        for status in KeyStatus::ALL {
            let (text, back) = round_trip(&status);
            assert_eq!(text, format!("\"{}\"", status.as_str()));
            assert_eq!(back, status);
        }
        for bucket in [Bucket::Minute, Bucket::Hour, Bucket::Day] {
            let (text, back) = round_trip(&bucket);
            assert_eq!(text.trim_matches('"').parse::<Bucket>(), Ok(bucket));
            assert_eq!(back, bucket);
        }
        assert!("week".parse::<Bucket>().is_err());
    }
}
