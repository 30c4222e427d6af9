//! The JSON shapes of the API.

use keywarden_store::{KeyRecord, RateLimit};
use serde::Serialize;
use utoipa::ToSchema;

use crate::timefmt;

/// A key as the API shows it: never the secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyView {
    /// Public id.
    #[schema(example = "key_3kTMd9Qx2bZpLw7a")]
    pub id: String,
    /// Prefix, environment and last 4 characters.
    #[schema(example = "kw_live_…6P3m")]
    pub hint: String,
    /// Key prefix.
    pub prefix: String,
    /// Environment.
    pub environment: String,
    /// Owner.
    pub owner: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Scopes held.
    pub scopes: Vec<String>,
    /// Free-form metadata.
    #[schema(value_type = Object)]
    pub metadata: serde_json::Value,
    /// `active`, `disabled`, `expired` or `revoked`.
    #[schema(value_type = crate::api::schema::KeyStatusName)]
    pub status: &'static str,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub created_at: String,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub updated_at: String,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
    /// RFC 3339.
    #[schema(format = DateTime)]
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
    #[schema(format = DateTime)]
    pub last_used_at: Option<String>,
    /// When it was disabled (RFC 3339); absent while enabled.
    #[schema(format = DateTime)]
    pub disabled_at: Option<String>,
    /// Whether the secret can be read back (`GET /v1/keys/{id}/secret`).
    pub recoverable: bool,
}

/// A named rate limit.
#[derive(Debug, Serialize, ToSchema)]
pub struct NamedRateLimitView {
    /// Its name.
    pub name: String,
    /// Requests per window.
    pub limit: u32,
    /// Window length, seconds.
    pub window_seconds: u32,
}

/// A key's credits.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreditsView {
    /// Credits left (as of the last verification or change; a refill due
    /// since is applied by the next verification).
    pub remaining: i64,
    /// The refill, if any.
    pub refill: Option<RefillView>,
}

/// A refill of credits.
#[derive(Debug, Serialize, ToSchema)]
pub struct RefillView {
    /// Credits after each refill.
    pub amount: i64,
    /// Seconds between refills.
    pub interval_seconds: i64,
    /// The next refill boundary, RFC 3339.
    #[schema(format = DateTime)]
    pub next_refill_at: String,
}

impl RefillView {
    /// The refill of credits counted from `created_at`, seen at `now`.
    pub fn new(r: keywarden_store::CreditRefill, created_at: i64, now: i64) -> Self {
        Self {
            amount: r.amount,
            interval_seconds: r.interval_ms / 1000,
            // Intervals are at most 366 days, so the next boundary has an
            // RFC 3339 form until the last year; a refill stored before
            // that bound with a longer one shows the last instant there is
            // rather than no time at all.
            next_refill_at: timefmt::rfc3339(
                r.next_at(created_at, now)
                    .min(keywarden_core::clock::MAX_TIME_MS),
            ),
        }
    }
}

/// `{"limit": N, "window_seconds": S}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct RateLimitView {
    /// Requests per window.
    pub limit: u32,
    /// Window length.
    pub window_seconds: u32,
}

impl From<RateLimit> for RateLimitView {
    fn from(r: RateLimit) -> Self {
        Self {
            limit: r.limit,
            window_seconds: r.window_seconds,
        }
    }
}

impl KeyView {
    /// The view of a record at `now`.
    pub fn new(k: &KeyRecord, now: i64) -> Self {
        Self {
            id: k.id.to_string(),
            hint: k.hint.clone(),
            prefix: k.prefix.clone(),
            environment: k.environment.to_string(),
            owner: k.owner.as_ref().map(ToString::to_string),
            name: k.name.clone(),
            scopes: k.scopes.iter().map(ToString::to_string).collect(),
            metadata: k.metadata.clone(),
            status: k.status(now).as_str(),
            created_at: timefmt::rfc3339(k.created_at),
            updated_at: timefmt::rfc3339(k.updated_at),
            expires_at: timefmt::opt(k.expires_at),
            revoked_at: timefmt::opt(k.revoked_at),
            revoke_reason: k.revoke_reason.clone(),
            rotated_from: k.rotated_from.as_ref().map(ToString::to_string),
            rotated_to: k.rotated_to.as_ref().map(ToString::to_string),
            ip_allowlist: k.ip_allowlist.iter().map(ToString::to_string).collect(),
            rate_limit: k.rate_limit.map(Into::into),
            rate_limits: k
                .rate_limits
                .iter()
                .map(|r| NamedRateLimitView {
                    name: r.name.clone(),
                    limit: r.limit,
                    window_seconds: r.window_seconds,
                })
                .collect(),
            usage_limit: k.usage_limit,
            usage_remaining: k.usage_remaining,
            credits: k.usage_remaining.map(|remaining| CreditsView {
                remaining,
                refill: k
                    .credits_refill
                    .map(|r| RefillView::new(r, k.created_at, now)),
            }),
            last_used_at: timefmt::opt(k.last_used_at),
            disabled_at: timefmt::opt(k.disabled_at),
            recoverable: k.sealed.is_some(),
        }
    }
}

impl CreatedKey {
    /// The response for a key the service created.
    pub fn new(created: crate::keys::Created, now: i64) -> Self {
        Self {
            record: KeyView::new(&created.record, now),
            key: created.key,
            share_url: created.share_url,
        }
    }
}

/// A new key: the only response that ever holds its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedKey {
    /// The key. Shown once; store it now.
    #[serde(serialize_with = "keywarden_core::secret::serialize_exposed")]
    #[schema(value_type = String)]
    pub key: keywarden_core::secret::PlaintextKey,
    /// The one-time share link, when one was asked for (`share`): it
    /// opens once, in a browser, and the server never holds its fragment.
    /// A secret (the fragment opens the key): zeroized, redacted in `Debug`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "keywarden_core::secret::serialize_exposed_opt"
    )]
    #[schema(value_type = Option<String>)]
    pub share_url: Option<keywarden_core::secret::SecretString>,
    /// The key's record.
    #[serde(flatten)]
    pub record: KeyView,
}
