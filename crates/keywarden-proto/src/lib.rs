//! keywarden-proto: the wire contract shared by the server, the tower
//! middleware and the CLI, defined once.
//!
//! # Layout
//!
//! - [`VerifyRequest`], [`VerifyResponse`], [`RateLimitState`]: the body and
//!   answer of `POST /v1/verify`.
//! - [`presented_key`], [`bearer`]: where a request carries a key.
//! - [`Refusal`]: the status, headers and JSON body of a refused
//!   verification (forward-auth, the middleware).
#![warn(missing_docs)]

use http::{HeaderMap, HeaderValue, StatusCode, header};
use keywarden_core::{outcome::Code, secret::SecretString};
use serde::{Deserialize, Serialize};

/// Body of `POST /v1/verify`. The key is read into a zeroizing type that
/// redacts itself in `Debug`; it is written out only when a client sends
/// the request.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// The key the API client presented.
    #[serde(serialize_with = "expose")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub key: SecretString,
    /// The environment this API serves; a key of another is `ENV_MISMATCH`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::Environment>))]
    pub environment: Option<String>,
    /// Scopes the request needs (at most 50); all must be held.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<schemas::Scope>, max_items = 50))]
    pub scopes: Vec<String>,
    /// The API client's address, for IP allowlists and brute-force throttling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::IpAddress>))]
    pub client_ip: Option<String>,
    /// Credits this request spends from a key that has credits (default 1;
    /// 0 checks without spending; at most [`MAX_COST`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000))]
    pub cost: Option<u32>,
}

fn expose<S: serde::Serializer>(key: &SecretString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(key.expose())
}

/// The rate limit state after a verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RateLimitState {
    /// Requests per window.
    pub limit: u32,
    /// Requests left now.
    pub remaining: u32,
    /// When the limit is fully restored, RFC 3339.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub reset: String,
    /// Which of the key's named limits this is (the one that refused, or
    /// the one with the fewest requests left); absent for `rate_limit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Answer of `POST /v1/verify`: 200 for every verdict; branch on `code`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifyResponse {
    /// `code == "VALID"`.
    pub valid: bool,
    /// `VALID`, `MISSING`, `MALFORMED`, `NOT_FOUND`, `REVOKED`, `EXPIRED`,
    /// `ENV_MISMATCH`, `INSUFFICIENT_SCOPE`, `IP_DENIED`, `RATE_LIMITED`,
    /// `USAGE_EXCEEDED`.
    #[cfg_attr(feature = "openapi", schema(value_type = OutcomeCode, example = "VALID"))]
    pub code: Code,
    /// The key's id, when it was found.
    #[serde(default)]
    pub key_id: Option<String>,
    /// Its owner.
    #[serde(default)]
    pub owner: Option<String>,
    /// Its environment.
    #[serde(default)]
    pub environment: Option<String>,
    /// Its scopes.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    /// Its expiry, RFC 3339.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub expires_at: Option<String>,
    /// Its metadata.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<serde_json::Value>,
    /// Uses left of a usage-limited key.
    #[serde(default)]
    pub remaining: Option<i64>,
    /// Rate limit state of a rate-limited key.
    #[serde(default)]
    pub rate_limit: Option<RateLimitState>,
    /// Seconds to wait, when `RATE_LIMITED`.
    #[serde(default)]
    pub retry_after: Option<u64>,
}

/// The longest a one-time share link may live: 7 days.
pub const MAX_SHARE_LIFETIME_MS: i64 = 7 * 86_400_000;

/// The patterns of the names the API takes, as JSON Schema (ECMA-262)
/// regular expressions: the same sets the parsers of `keywarden-core`
/// accept (a property test holds them to it).
pub mod patterns {
    /// An environment (`keywarden_core::key::Environment`).
    pub const ENVIRONMENT: &str = "^[a-z][a-z0-9]{0,11}$";
    /// An owner (`keywarden_core::names::Owner`).
    pub const OWNER: &str = "^[A-Za-z0-9][A-Za-z0-9_.@:+-]{0,127}$";
    /// A scope (`keywarden_core::names::Scope`).
    pub const SCOPE: &str = r"^[a-z0-9][a-z0-9_.-]{0,63}:([a-z0-9][a-z0-9_.-]{0,63}|\*)$";
    /// A duration (`keywarden_core::clock::parse_duration`; zero is refused).
    pub const DURATION: &str = "^[1-9][0-9]{0,8}(ms|s|m|h|d|w)$";
    /// A refill interval of credits: a duration of at least a minute.
    pub const REFILL_INTERVAL: &str = "^([1-9][0-9]{0,8}(m|h|d|w)|(6[0-9]|[7-9][0-9]|[1-9][0-9]{2,8})s|(6[0-9]{4}|[7-9][0-9]{4}|[1-9][0-9]{5,8})ms)$";
    /// A roll's grace period: a duration, or zero (`0`, `0s`, ...) to end
    /// the old key at once.
    pub const GRACE_PERIOD: &str = "^(0(ms|s|m|h|d|w)?|[1-9][0-9]{0,8}(ms|s|m|h|d|w))$";
    /// A share link's lifetime: a duration of at most 7 days
    /// (`MAX_SHARE_LIFETIME_MS`), unit by unit.
    pub const SHARE_LIFETIME: &str = "^(([1-9][0-9]{0,7}|[1-5][0-9]{8}|60[0-3][0-9]{6}|604[0-7][0-9]{5}|604800000)ms\
        |([1-9][0-9]{0,4}|[1-5][0-9]{5}|60[0-3][0-9]{3}|604[0-7][0-9]{2}|604800)s\
        |([1-9][0-9]{0,3}|100[0-7][0-9]|10080)m\
        |([1-9][0-9]?|1[0-5][0-9]|16[0-8])h|[1-7]d|1w)$";
}

/// Schemas of the names the API takes: `Environment`, `Owner`, `Scope`,
/// `Duration`, each a string with its pattern.
#[cfg(feature = "openapi")]
pub mod schemas {
    use std::borrow::Cow;
    use utoipa::openapi::{ObjectBuilder, RefOr, Type, schema::Schema};

    macro_rules! pattern_schema {
        ($name:ident, $pattern:expr, $example:literal, $description:literal) => {
            #[doc = $description]
            pub struct $name;

            impl utoipa::PartialSchema for $name {
                fn schema() -> RefOr<Schema> {
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .pattern(Some($pattern))
                        .examples([serde_json::json!($example)])
                        .description(Some($description))
                        .into()
                }
            }

            impl utoipa::ToSchema for $name {
                fn name() -> Cow<'static, str> {
                    Cow::Borrowed(stringify!($name))
                }
            }
        };
    }

    pattern_schema!(
        Environment,
        super::patterns::ENVIRONMENT,
        "live",
        "An environment: a lowercase letter, then up to 11 lowercase letters or digits (`live`, `test`, `staging`)."
    );
    pattern_schema!(
        Owner,
        super::patterns::OWNER,
        "acme",
        "Who a key belongs to: 1 to 128 letters, digits or `_.@:+-`, starting with a letter or digit."
    );
    pattern_schema!(
        Scope,
        super::patterns::SCOPE,
        "orders:read",
        "`resource:action`, each lowercase letters, digits or `_.-` (at most 64); the action may be `*` (every action)."
    );
    /// An IPv4 or IPv6 address.
    pub struct IpAddress;

    impl utoipa::PartialSchema for IpAddress {
        fn schema() -> RefOr<Schema> {
            utoipa::openapi::schema::AnyOfBuilder::new()
                .item(ObjectBuilder::new().schema_type(Type::String).format(Some(
                    utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Ipv4),
                )))
                .item(ObjectBuilder::new().schema_type(Type::String).format(Some(
                    utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Ipv6),
                )))
                .description(Some("An IPv4 or IPv6 address."))
                .into()
        }
    }

    impl utoipa::ToSchema for IpAddress {
        fn name() -> Cow<'static, str> {
            Cow::Borrowed("IpAddress")
        }
    }

    pattern_schema!(
        Duration,
        super::patterns::DURATION,
        "24h",
        "A duration: a whole number above zero and a unit (`ms`, `s`, `m`, `h`, `d`, `w`)."
    );
    pattern_schema!(
        RefillInterval,
        super::patterns::REFILL_INTERVAL,
        "1d",
        "Time between refills of credits: a duration of at least a minute (`1m`, `1h`, `1d`, `30d`)."
    );
    pattern_schema!(
        ShareLifetime,
        super::patterns::SHARE_LIFETIME,
        "24h",
        "How long a share link works if nobody opens it: a duration of at most 7 days (`24h`, `7d`)."
    );
    pattern_schema!(
        GracePeriod,
        super::patterns::GRACE_PERIOD,
        "24h",
        "How long a rolled key keeps working: a duration, or zero (`0s`) to stop it at once."
    );
}

/// The schema of [`Code`] in the OpenAPI document: an enumeration of
/// every outcome, built from [`Code::ALL`].
#[cfg(feature = "openapi")]
pub struct OutcomeCode;

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for OutcomeCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .description(Some(
                "A verification's verdict: `VALID`, or why the key was refused.",
            ))
            .enum_values(Some(Code::ALL.iter().map(|c| c.as_str())))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for OutcomeCode {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("OutcomeCode")
    }
}

/// The bearer token of a request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// `X-API-Key`, as a name made once (a `&str` name is parsed on every lookup).
const X_API_KEY: http::HeaderName = http::HeaderName::from_static("x-api-key");

/// The key a request presents: `Authorization: Bearer`, else `X-API-Key`.
pub fn presented_key(headers: &HeaderMap) -> Option<&str> {
    bearer(headers).or_else(|| {
        headers
            .get(&X_API_KEY)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    })
}

/// The client's `User-Agent`, when it is text.
pub fn user_agent(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::USER_AGENT)?.to_str().ok()
}

/// The most credits one request may spend.
pub const MAX_COST: u32 = 1_000_000;

/// The code the middleware answers when it cannot reach keywarden.
pub const VERIFIER_UNAVAILABLE: &str = "VERIFIER_UNAVAILABLE";

/// Seconds a client is told to wait after `STORE_UNAVAILABLE`.
pub const STORE_RETRY_AFTER: u64 = 2;

/// A refused verification as an HTTP answer: 401 (with `WWW-Authenticate:
/// Bearer`) for a missing or malformed key, 429 with `Retry-After` when
/// rate-limited, 503 with `Retry-After` when the store or the verifier is
/// unavailable, 403 otherwise; the body is `{"error": {"code", "message"}}`.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// The status.
    pub status: StatusCode,
    /// `Retry-After` and `WWW-Authenticate`, where they apply.
    pub headers: HeaderMap,
    /// The JSON body.
    pub body: serde_json::Value,
}

impl Refusal {
    /// The refusal for an outcome code (a [`Code`] name, or
    /// [`VERIFIER_UNAVAILABLE`]).
    pub fn new(code: &str, retry_after: Option<u64>) -> Self {
        Self::build(code, code.parse::<Code>().ok(), retry_after)
    }

    /// The refusal for a [`Code`] the caller already holds (no parsing).
    pub fn for_code(code: Code, retry_after: Option<u64>) -> Self {
        Self::build(code.as_str(), Some(code), retry_after)
    }

    fn build(code: &str, parsed: Option<Code>, retry_after: Option<u64>) -> Self {
        let (status, message) = match parsed {
            Some(c) => (
                StatusCode::from_u16(c.http_status()).unwrap_or(StatusCode::FORBIDDEN),
                c.message(),
            ),
            None if code == VERIFIER_UNAVAILABLE => (
                StatusCode::SERVICE_UNAVAILABLE,
                "the API key could not be checked; try again",
            ),
            None => (StatusCode::FORBIDDEN, "the API key is not valid"),
        };
        let retry_after = match (status, retry_after) {
            (StatusCode::SERVICE_UNAVAILABLE, None) => Some(STORE_RETRY_AFTER),
            (_, r) => r,
        };
        let mut headers = HeaderMap::new();
        if let Some(secs) = retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            headers.insert(header::RETRY_AFTER, v);
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        Self {
            status,
            headers,
            body: serde_json::json!({ "error": { "code": code, "message": message } }),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use keywarden_core::{
        key::Environment,
        names::{Owner, Scope},
    };
    use proptest::prelude::*;

    fn matches(pattern: &str, text: &str) -> bool {
        regex::Regex::new(pattern).unwrap().is_match(text)
    }

    #[test]
    fn refill_intervals_start_at_a_minute() {
        for (text, ok) in [
            ("59s", false),
            ("60s", true),
            ("99s", true),
            ("100s", true),
            ("59999ms", false),
            ("60000ms", true),
            ("99999ms", true),
            ("100000ms", true),
            ("1m", true),
            ("0m", false),
            ("30d", true),
            ("1ms", false),
            ("6s", false),
        ] {
            assert_eq!(matches(patterns::REFILL_INTERVAL, text), ok, "{text}");
            assert_eq!(
                keywarden_core::clock::parse_duration(text).is_some_and(|ms| ms >= 60_000),
                ok,
                "{text}"
            );
        }
    }

    proptest! {
        /// What a pattern generates, the parser takes.
        #[test]
        fn generated_names_parse(
            env in patterns::ENVIRONMENT.trim_start_matches('^').trim_end_matches('$'),
            owner in patterns::OWNER.trim_start_matches('^').trim_end_matches('$'),
            scope in patterns::SCOPE.trim_start_matches('^').trim_end_matches('$'),
            duration in patterns::DURATION.trim_start_matches('^').trim_end_matches('$'),
            refill in patterns::REFILL_INTERVAL.trim_start_matches('^').trim_end_matches('$'),
            share in patterns::SHARE_LIFETIME.trim_start_matches('^').trim_end_matches('$'),
        ) {
            prop_assert!(keywarden_core::clock::parse_duration(&share).is_some_and(|ms| ms <= MAX_SHARE_LIFETIME_MS), "{share}");
            prop_assert!(keywarden_core::clock::parse_duration(&refill).is_some_and(|ms| ms >= 60_000), "{refill}");
            prop_assert!(env.parse::<Environment>().is_ok(), "{env}");
            prop_assert!(owner.parse::<Owner>().is_ok(), "{owner}");
            prop_assert!(scope.parse::<Scope>().is_ok(), "{scope}");
            prop_assert!(keywarden_core::clock::parse_duration(&duration).is_some(), "{duration}");
        }

        /// What the parser takes, the pattern matches, and the reverse, on
        /// near-misses.
        #[test]
        fn patterns_agree_with_parsers(text in "[ a-zA-Z0-9_.@:+*/-]{0,20}") {
            prop_assert_eq!(matches(patterns::ENVIRONMENT, &text), text.parse::<Environment>().is_ok());
            prop_assert_eq!(matches(patterns::OWNER, &text), text.parse::<Owner>().is_ok());
            prop_assert_eq!(matches(patterns::SCOPE, &text), text.parse::<Scope>().is_ok());
            prop_assert_eq!(matches(patterns::DURATION, &text), keywarden_core::clock::parse_duration(&text).is_some());
            prop_assert_eq!(
                matches(patterns::REFILL_INTERVAL, &text),
                keywarden_core::clock::parse_duration(&text).is_some_and(|ms| ms >= 60_000)
            );
            prop_assert_eq!(
                matches(patterns::SHARE_LIFETIME, &text),
                keywarden_core::clock::parse_duration(&text).is_some_and(|ms| ms <= MAX_SHARE_LIFETIME_MS)
            );
        }

        /// Around the 7-day edge, in every unit.
        #[test]
        fn share_lifetimes_agree_near_the_limit(
            n in prop_oneof![0u64..2_000, 9_000u64..11_000, 600_000u64..610_000, 600_000_000u64..610_000_000],
            unit in "(ms|s|m|h|d|w)",
        ) {
            let text = format!("{n}{unit}");
            prop_assert_eq!(
                matches(patterns::SHARE_LIFETIME, &text),
                keywarden_core::clock::parse_duration(&text).is_some_and(|ms| ms <= MAX_SHARE_LIFETIME_MS),
                "{}", text
            );
        }
    }

    #[test]
    fn a_request_round_trips_and_hides_its_key_in_debug() {
        let text = r#"{"key":"kw_live_abc","scopes":["orders:read"]}"#;
        let req: VerifyRequest = serde_json::from_str(text).unwrap();
        assert!(!format!("{req:?}").contains("kw_live_abc"));
        assert_eq!(serde_json::to_string(&req).unwrap(), text);
        assert!(serde_json::from_str::<VerifyRequest>(r#"{"key":"k","extra":1}"#).is_err());
    }

    #[test]
    fn refusals() {
        let r = Refusal::new("MISSING", None);
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.headers[header::WWW_AUTHENTICATE], "Bearer");
        let r = Refusal::new("RATE_LIMITED", Some(7));
        assert_eq!(
            (r.status, &r.headers[header::RETRY_AFTER]),
            (
                StatusCode::TOO_MANY_REQUESTS,
                &HeaderValue::from_static("7")
            )
        );
        let r = Refusal::new("STORE_UNAVAILABLE", None);
        assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(r.headers.contains_key(header::RETRY_AFTER));
        assert_eq!(
            Refusal::new(VERIFIER_UNAVAILABLE, None).status,
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(
            Refusal::new("REVOKED", None).body["error"]["code"],
            "REVOKED"
        );
    }

    #[test]
    fn keys_are_found_in_either_header() {
        let mut h = HeaderMap::new();
        h.insert("x-api-key", HeaderValue::from_static(" k1 "));
        assert_eq!(presented_key(&h), Some("k1"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("bearer k2"));
        assert_eq!(presented_key(&h), Some("k2"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic k3"));
        assert_eq!(bearer(&h), None);
    }
}
