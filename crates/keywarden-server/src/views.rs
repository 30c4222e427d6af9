//! The JSON shapes of the API, made from what the server holds. The shapes
//! themselves are the wire contract in `keywarden-proto` (re-exported here),
//! which knows no store: their constructors from the store's records live
//! here, as [`FromRecord`] (`KeyView::new(&record, now)`) and functions.

use keywarden_core::clock::UnixMillis;
use keywarden_store::{
    AuditEntry, ChainReport, CreditRefill, Event, KeyRecord, NamedRateLimit, OwnerLimits, RateLimit,
};

pub use keywarden_proto::{
    audit::{AuditEntryView, ChainStatus, DeliveryView, EventView},
    keys::{CreatedKey, CreditsView, KeyView, NamedRateLimitView, RateLimitView, RefillView},
    owners::OwnerLimitsView,
};

use crate::timefmt;

/// A wire view of something the server holds, as seen at `now`:
/// `KeyView::new(&record, now)`.
pub trait FromRecord<R> {
    /// The view of `record` at `now`.
    fn new(record: R, now: UnixMillis) -> Self;
}

/// The refill of credits counted from `created_at`, seen at `now`.
pub fn refill_view(r: CreditRefill, created_at: UnixMillis, now: UnixMillis) -> RefillView {
    RefillView {
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

/// `{"limit": N, "window_seconds": S}` of a rate limit.
pub fn rate_limit_view(r: RateLimit) -> RateLimitView {
    RateLimitView {
        limit: r.limit,
        window_seconds: r.window_seconds,
    }
}

/// A named rate limit as the API shows it.
pub fn named_rate_limit_view(r: &NamedRateLimit) -> NamedRateLimitView {
    NamedRateLimitView {
        name: r.name.clone(),
        limit: r.limit,
        window_seconds: r.window_seconds,
    }
}

impl FromRecord<&KeyRecord> for KeyView {
    /// The view of a record at `now`.
    fn new(k: &KeyRecord, now: UnixMillis) -> Self {
        Self {
            id: k.id.to_string(),
            hint: k.hint.clone(),
            prefix: k.prefix.clone(),
            environment: k.environment.to_string(),
            owner: k.owner.as_ref().map(ToString::to_string),
            name: k.name.clone(),
            scopes: k.scopes.iter().map(ToString::to_string).collect(),
            space: k.space.to_string(),
            roles: k.roles.iter().map(ToString::to_string).collect(),
            effective_permissions: k.effective.iter().map(ToString::to_string).collect(),
            imported: k.imported_at.is_some(),
            redigested: k.imported_at.map(|_| k.pepper_version != 0),
            external_id: k.external_id.clone(),
            metadata: k.metadata.clone(),
            status: k.status(now),
            created_at: timefmt::rfc3339(k.created_at),
            updated_at: timefmt::rfc3339(k.updated_at),
            expires_at: timefmt::opt(k.expires_at),
            revoked_at: timefmt::opt(k.revoked.as_ref().map(|r| r.at)),
            revoke_reason: k.revoked.as_ref().map(|r| r.reason.clone()),
            rotated_from: k.rotated_from.as_ref().map(ToString::to_string),
            rotated_to: k.rotated_to.as_ref().map(ToString::to_string),
            ip_allowlist: k.ip_allowlist.iter().map(ToString::to_string).collect(),
            rate_limit: k.rate_limit.map(rate_limit_view),
            rate_limits: k.rate_limits.iter().map(named_rate_limit_view).collect(),
            usage_limit: k.credits.map(|c| c.limit),
            usage_remaining: k.credits.map(|c| c.remaining),
            credits: k.credits.map(|c| CreditsView {
                remaining: c.remaining,
                refill: c.refill.map(|r| refill_view(r, k.created_at, now)),
            }),
            last_used_at: timefmt::opt(k.last_used_at),
            disabled_at: timefmt::opt(k.disabled_at),
            recoverable: k.sealed.is_some(),
        }
    }
}

/// A space as the API shows it, with its counts.
pub fn space_view(
    state: &crate::state::AppState,
    s: &keywarden_store::SpaceSummary,
) -> keywarden_proto::spaces::SpaceView {
    let space = &s.space;
    let d = &space.defaults;
    keywarden_proto::spaces::SpaceView {
        id: space.id.to_string(),
        name: space.name.clone(),
        key_prefix: space
            .key_prefix
            .as_ref()
            .unwrap_or(&state.config().prefix)
            .to_string(),
        key_prefix_inherited: space.key_prefix.is_none(),
        defaults: keywarden_proto::spaces::SpaceDefaultsBody {
            environments: d.environments.clone(),
            rate_limit: d.rate_limit.map(|r| keywarden_proto::keys::RateLimitInput {
                limit: r.limit,
                window_seconds: r.window_seconds,
            }),
            credits: d
                .credits
                .map(|c| keywarden_proto::spaces::SpaceCreditsBody {
                    amount: c.amount,
                    refill_interval: c.refill_ms.map(keywarden_core::clock::format_duration),
                }),
            max_lifetime: d
                .max_lifetime_ms
                .map(keywarden_core::clock::format_duration),
        },
        portal: d.portal.as_ref().map(portal_policy_view),
        delete_protection: space.delete_protection,
        keys: s.keys,
        live_keys: s.live_keys,
        roles: s.roles,
        created_at: timefmt::rfc3339(space.created_at),
        updated_at: timefmt::rfc3339(space.updated_at),
    }
}

/// A role as the API shows it.
pub fn role_view(r: &keywarden_store::RoleRecord) -> keywarden_proto::spaces::RoleView {
    keywarden_proto::spaces::RoleView {
        space: r.space.to_string(),
        name: r.name.to_string(),
        permissions: r.permissions.iter().map(ToString::to_string).collect(),
        created_at: timefmt::rfc3339(r.created_at),
        updated_at: timefmt::rfc3339(r.updated_at),
    }
}

impl FromRecord<crate::keys::Created> for CreatedKey {
    /// The response for a key the service created.
    fn new(created: crate::keys::Created, now: UnixMillis) -> Self {
        Self {
            record: KeyView::new(&created.record, now),
            key: created.key,
            share_url: created.share_url,
        }
    }
}

impl FromRecord<&OwnerLimits> for OwnerLimitsView {
    /// An owner's shared limits at `now`.
    fn new(l: &OwnerLimits, now: UnixMillis) -> Self {
        Self {
            owner: l.owner.clone(),
            rate_limit: l.rate_limit.map(rate_limit_view),
            credits: l.credits_remaining.map(|remaining| CreditsView {
                remaining,
                refill: l.credits_refill.map(|r| refill_view(r, l.created_at, now)),
            }),
            created_at: timefmt::rfc3339(l.created_at),
            updated_at: timefmt::rfc3339(l.updated_at),
        }
    }
}

/// An audit entry as the API shows it.
pub fn audit_entry_view(e: AuditEntry) -> AuditEntryView {
    AuditEntryView {
        seq: e.seq,
        at: timefmt::rfc3339(e.draft.at),
        actor: e.draft.actor,
        action: e.draft.action,
        target: e.draft.target,
        outcome: e.draft.outcome,
        client_ip: e.draft.client_ip,
        details: e.draft.details,
        prev_hash: e.prev_hash,
        hash: e.hash,
    }
}

/// The audit chain's state as the API shows it.
pub fn chain_status(r: ChainReport) -> ChainStatus {
    ChainStatus {
        ok: r.ok(),
        entries: r.entries,
        first_bad_seq: r.first_bad_seq,
        problem: r.problem,
    }
}

/// An event, with its webhook delivery, as the API shows it.
pub fn event_view(e: Event) -> EventView {
    let d = e.delivery;
    EventView {
        seq: e.seq,
        id: e.id,
        at: timefmt::rfc3339(e.at),
        kind: e.kind,
        key_id: e.key_id,
        details: e.details,
        delivery: DeliveryView {
            state: d.state,
            attempts: d.attempts,
            last_attempt_at: d.last_attempt_at.map(timefmt::rfc3339),
            last_error: d.last_error,
            next_attempt_at: d.next_attempt_at.map(timefmt::rfc3339),
            delivered_at: d.delivered_at.map(timefmt::rfc3339),
        },
    }
}

/// A space's portal policy as the API shows it.
pub(crate) fn portal_policy_view(
    p: &keywarden_store::PortalPolicy,
) -> keywarden_proto::spaces::PortalPolicyBody {
    keywarden_proto::spaces::PortalPolicyBody {
        environments: p.environments.clone(),
        max_keys_per_owner: p.max_keys_per_owner,
        max_lifetime: p
            .max_lifetime_ms
            .map(keywarden_core::clock::format_duration),
        rate_limit: p.rate_limit.map(|r| keywarden_proto::keys::RateLimitInput {
            limit: r.limit,
            window_seconds: r.window_seconds,
        }),
        credits: p
            .credits
            .map(|c| keywarden_proto::spaces::SpaceCreditsBody {
                amount: c.amount,
                refill_interval: c.refill_ms.map(keywarden_core::clock::format_duration),
            }),
        require_approval: p.require_approval,
    }
}
