//! Checks of key settings, shared by every operation (and so by the API and
//! the console), and the limits they enforce.

use ipnet::IpNet;
use keywarden_core::names::Scope;
use keywarden_store::RateLimit;

use super::{
    error::{KeyError, KeyErrorKind, KeyField},
    input::{CreditsInput, RateLimitInput},
};
use crate::timefmt;

/// Longest name (and revocation reason), in characters.
pub const MAX_NAME: usize = keywarden_proto::MAX_NAME_CHARS;
/// Largest metadata object, serialized.
pub const MAX_METADATA: usize = 16 * 1024;
/// Most allowlist entries.
pub const MAX_ALLOWLIST: usize = 100;
/// Most scopes on a key.
pub const MAX_SCOPES: usize = 100;
/// Longest roll grace period (the API document's `GracePeriod` pattern).
pub const MAX_GRACE_MS: i64 = keywarden_proto::MAX_GRACE_PERIOD_MS;

pub(crate) fn check_name(name: Option<&String>) -> Result<(), KeyError> {
    if let Some(n) = name
        && (n.chars().count() > MAX_NAME || !keywarden_core::names::is_clean_text(n))
    {
        return Err(KeyError::invalid(
            KeyField::Name,
            format!(
                "a name is at most {MAX_NAME} characters, without control characters, line separators or invisible formatting characters"
            ),
        ));
    }
    Ok(())
}

/// Whether every object key in `value`, at any depth, is clean text.
fn clean_keys(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Object(map) => map
            .iter()
            .all(|(k, v)| keywarden_core::names::is_clean_text(k) && clean_keys(v)),
        serde_json::Value::Array(items) => items.iter().all(clean_keys),
        _ => true,
    }
}

pub(crate) fn check_metadata(metadata: &serde_json::Value) -> Result<(), KeyError> {
    let bad = |m: String| Err(KeyError::invalid(KeyField::Metadata, m));
    if !metadata.is_object() {
        return bad("metadata must be a JSON object".to_owned());
    }
    if metadata.to_string().len() > MAX_METADATA {
        return bad(format!("metadata is at most {MAX_METADATA} bytes"));
    }
    if !clean_keys(metadata) {
        return bad(
            "metadata keys may not hold control or invisible formatting characters".to_owned(),
        );
    }
    Ok(())
}

pub(crate) fn check_scopes(scopes: &[Scope]) -> Result<(), KeyError> {
    if scopes.len() > MAX_SCOPES {
        return Err(KeyError::invalid(
            KeyField::Scopes,
            format!("a key holds at most {MAX_SCOPES} scopes"),
        ));
    }
    Ok(())
}

/// CIDRs, or single addresses (as /32 or /128), in the forms of the API
/// document's `Network` (`keywarden_proto::parse_network`; surrounding
/// spaces are ignored).
pub fn parse_allowlist(entries: &[String]) -> Result<Vec<IpNet>, KeyError> {
    if entries.len() > MAX_ALLOWLIST {
        return Err(KeyError::invalid(
            KeyField::IpAllowlist,
            format!("at most {MAX_ALLOWLIST} allowlist entries"),
        ));
    }
    entries
        .iter()
        .map(|e| {
            keywarden_proto::parse_network(e.trim())
                .and_then(|(address, length)| IpNet::new(address, length).ok())
                .map(|n| n.trunc())
                .ok_or_else(|| {
                    KeyError::invalid(
                        KeyField::IpAllowlist,
                        "ip_allowlist entries must be CIDRs like 10.0.0.0/8 or addresses",
                    )
                })
        })
        .collect()
}

pub(crate) fn rate_limit(input: Option<RateLimitInput>) -> Result<Option<RateLimit>, KeyError> {
    match input {
        None => Ok(None),
        Some(r)
            if (1..=1_000_000).contains(&r.limit) && (1..=86_400).contains(&r.window_seconds) =>
        {
            Ok(Some(RateLimit {
                limit: r.limit,
                window_seconds: r.window_seconds,
            }))
        }
        Some(_) => Err(KeyError::invalid(
            KeyField::RateLimit,
            "rate_limit.limit must be 1 to 1000000 and window_seconds 1 to 86400",
        )),
    }
}

pub(crate) fn usage_limit(limit: Option<i64>) -> Result<Option<i64>, KeyError> {
    match limit {
        Some(n) if n < 1 => Err(KeyError::invalid(
            KeyField::UsageLimit,
            "usage_limit must be at least 1",
        )),
        other => Ok(other),
    }
}

/// Most named rate limits on a key.
pub(crate) const MAX_NAMED_RATE_LIMITS: usize = 10;

/// Checks named rate limits: names `[a-z0-9][a-z0-9_.-]{0,31}`, unique;
/// each limit 1 to 1,000,000 per 1 second to 30 days.
pub(crate) fn named_rate_limits(
    limits: &[keywarden_store::NamedRateLimit],
) -> Result<Vec<keywarden_store::NamedRateLimit>, KeyError> {
    let bad = |m: String| Err(KeyError::invalid(KeyField::RateLimit, m));
    if limits.len() > MAX_NAMED_RATE_LIMITS {
        return bad(format!("at most {MAX_NAMED_RATE_LIMITS} rate_limits"));
    }
    let mut seen = std::collections::HashSet::new();
    for l in limits {
        let b = l.name.as_bytes();
        let name_ok = !b.is_empty()
            && b.len() <= 32
            && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
            && b.iter().all(|&c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'_' | b'.' | b'-')
            });
        if !name_ok {
            return bad("rate_limits[].name must be 1 to 32 of a-z, 0-9, _.- starting with a letter or digit".to_owned());
        }
        if !seen.insert(l.name.as_str()) {
            // A rule JSON Schema cannot state (unique by one field), so it
            // has a code of its own.
            return Err(KeyError::new(
                KeyField::RateLimit,
                KeyErrorKind::Duplicate,
                format!("rate_limits has two limits named {}", l.name),
            ));
        }
        if !(1..=1_000_000).contains(&l.limit) || !(1..=30 * 86_400).contains(&l.window_seconds) {
            return bad(
                "rate_limits[].limit must be 1 to 1000000 and window_seconds 1 to 2592000"
                    .to_owned(),
            );
        }
    }
    Ok(limits.to_vec())
}

/// Shortest refill interval of credits.
pub const MIN_REFILL_MS: i64 = keywarden_proto::MIN_REFILL_INTERVAL_MS;
/// Longest refill interval of credits: 366 days, so the next refill (at
/// most one interval away) always has an RFC 3339 form.
pub const MAX_REFILL_MS: i64 = keywarden_proto::MAX_REFILL_INTERVAL_MS;

/// Checks credits; `usage_limit` is the older form of credits without a
/// refill, so giving both is refused.
pub(crate) fn credits(
    input: Option<&CreditsInput>,
    usage_limit_given: bool,
) -> Result<Option<keywarden_store::Credits>, KeyError> {
    let Some(c) = input else { return Ok(None) };
    let bad = |m: &str| Err(KeyError::invalid(KeyField::Credits, m));
    if usage_limit_given {
        return bad("give credits or usage_limit, not both");
    }
    if c.remaining < 0 {
        return bad("credits.remaining must be 0 or more");
    }
    let refill = match &c.refill {
        None => None,
        Some(r) => {
            if r.amount < 1 {
                return bad("credits.refill.amount must be at least 1");
            }
            let Some(interval_ms) = keywarden_core::clock::parse_duration(&r.interval) else {
                return bad("credits.refill.interval must be a duration like 1m, 1h, 1d or 30d");
            };
            if interval_ms < MIN_REFILL_MS {
                return bad("credits.refill.interval must be at least 1m");
            }
            if interval_ms > MAX_REFILL_MS {
                return bad("credits.refill.interval must be at most 366d");
            }
            Some(keywarden_store::CreditRefill {
                amount: r.amount,
                interval_ms,
            })
        }
    };
    Ok(Some(keywarden_store::Credits {
        remaining: c.remaining,
        refill,
    }))
}

/// The expiry in effect from `expires_at` / `expires_in`.
pub(crate) fn expiry(
    expires_at: Option<&str>,
    expires_in: Option<&str>,
    now: i64,
) -> Result<Option<i64>, KeyError> {
    let invalid = |m: &str| KeyError::invalid(KeyField::Expires, m);
    match (expires_at, expires_in) {
        (Some(_), Some(_)) => Err(invalid("give expires_at or expires_in, not both")),
        (Some(at), None) => {
            let at = timefmt::parse_rfc3339(at)
                .ok_or_else(|| invalid("expires_at must be an RFC 3339 time"))?;
            if at <= now {
                return Err(KeyError::new(
                    KeyField::Expires,
                    KeyErrorKind::InPast,
                    "expires_at is in the past",
                ));
            }
            // 9999-12-31T23:59:59-01:00 is a time of the year 10000 in UTC,
            // which no answer could show.
            if at > keywarden_core::clock::MAX_TIME_MS {
                return Err(past_9999("expires_at"));
            }
            Ok(Some(at))
        }
        (None, Some(d)) => {
            let ms = keywarden_core::clock::parse_duration(d)
                .ok_or_else(|| invalid("expires_in must be like 90d, 12h, 30m or 45s"))?;
            match now.checked_add(ms) {
                Some(at) if at <= keywarden_core::clock::MAX_TIME_MS => Ok(Some(at)),
                _ => Err(past_9999("expires_in")),
            }
        }
        (None, None) => Ok(None),
    }
}

/// An expiry past 9999-12-31T23:59:59.999Z (UTC): a lifetime too long to
/// store, since no answer could show it. Like an expiry in the past, a rule
/// of the clock, which the API document cannot state.
fn past_9999(field: &str) -> KeyError {
    KeyError::new(
        KeyField::Expires,
        KeyErrorKind::TooLong,
        format!("{field} ends after the year 9999"),
    )
}

/// Parses a grace period: a duration, or zero (`0`, `0s`) to end the old
/// key now; `None` is `default_ms`.
pub fn grace_ms(text: Option<&str>, default_ms: i64) -> Result<i64, KeyError> {
    let ms = match text {
        None => default_ms,
        Some("0" | "0ms" | "0s" | "0m" | "0h" | "0d" | "0w") => 0,
        Some(t) => keywarden_core::clock::parse_duration(t).ok_or_else(|| {
            KeyError::invalid(
                KeyField::GracePeriod,
                "grace_period must be like 24h, 30m or 0s",
            )
        })?,
    };
    if ms > MAX_GRACE_MS {
        return Err(KeyError::new(
            KeyField::GracePeriod,
            KeyErrorKind::TooLong,
            "grace_period is at most 30d",
        ));
    }
    Ok(ms)
}

/// A revocation's reason: `given`, or `default`.
pub fn reason(given: Option<String>, default: &str) -> Result<String, KeyError> {
    let reason = given.unwrap_or_else(|| default.to_owned());
    if reason.is_empty()
        || reason.chars().count() > MAX_NAME
        || !keywarden_core::names::is_clean_text(&reason)
    {
        return Err(KeyError::invalid(
            KeyField::Reason,
            format!(
                "a reason is 1 to {MAX_NAME} characters, without control characters, line \
                 separators or invisible formatting characters"
            ),
        ));
    }
    Ok(reason)
}
