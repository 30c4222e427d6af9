//! The key service's inputs from the management API's wire types
//! (`keywarden_proto::keys`): the one translation, shared by every adapter
//! that speaks them.

use keywarden_proto::keys as wire;

use super::input::{CreditsInput, KeyChanges, NewKey, RateLimitInput, RefillInput};

impl From<wire::CreditsRequest> for CreditsInput {
    fn from(c: wire::CreditsRequest) -> Self {
        Self {
            remaining: c.remaining,
            refill: c.refill.map(|r| RefillInput {
                amount: r.amount,
                interval: r.interval,
            }),
        }
    }
}

/// A named rate limit as the store keeps it.
fn named_rate_limit(r: wire::NamedRateLimitInput) -> keywarden_store::NamedRateLimit {
    keywarden_store::NamedRateLimit {
        name: r.name,
        limit: r.limit,
        window_seconds: r.window_seconds,
    }
}

impl From<wire::RateLimitInput> for RateLimitInput {
    fn from(r: wire::RateLimitInput) -> Self {
        Self {
            limit: r.limit,
            window_seconds: r.window_seconds,
        }
    }
}

impl From<wire::CreateKeyRequest> for NewKey {
    fn from(r: wire::CreateKeyRequest) -> Self {
        Self {
            environment: r.environment,
            owner: r.owner,
            name: r.name,
            scopes: {
                let mut scopes = r.scopes;
                for p in r.permissions {
                    if !scopes.contains(&p) {
                        scopes.push(p);
                    }
                }
                scopes
            },
            space: r.space,
            roles: r.roles,
            expires_at: r.expires_at,
            expires_in: r.expires_in,
            metadata: r.metadata,
            ip_allowlist: r.ip_allowlist,
            rate_limit: r.rate_limit.map(Into::into),
            usage_limit: r.usage_limit,
            credits: r.credits.map(Into::into),
            rate_limits: r.rate_limits.into_iter().map(named_rate_limit).collect(),
            recoverable: r.recoverable,
            share: r.share,
        }
    }
}

impl From<wire::PatchKeyRequest> for KeyChanges {
    /// `null` clears: no scopes, `{}`, no allowlist, no named limits (and
    /// no expiry, no rate limit, no usage limit, no credits).
    fn from(r: wire::PatchKeyRequest) -> Self {
        Self {
            name: r.name,
            owner: r.owner,
            scopes: r.scopes.map(Option::unwrap_or_default),
            permissions: r.permissions.map(Option::unwrap_or_default),
            roles: r.roles.map(Option::unwrap_or_default),
            metadata: r
                .metadata
                .map(|m| m.unwrap_or_else(|| serde_json::json!({}))),
            expires_at: r.expires_at,
            expires_in: r.expires_in,
            ip_allowlist: r.ip_allowlist.map(Option::unwrap_or_default),
            rate_limit: r.rate_limit.map(|r| r.map(Into::into)),
            usage_limit: r.usage_limit,
            credits: r.credits.map(|c| c.map(Into::into)),
            rate_limits: r.rate_limits.map(|l| {
                l.unwrap_or_default()
                    .into_iter()
                    .map(named_rate_limit)
                    .collect()
            }),
        }
    }
}
