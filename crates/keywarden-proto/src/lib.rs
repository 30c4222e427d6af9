//! keywarden-proto: the wire contract shared by the server, the tower
//! middleware and the CLI, defined once.
//!
//! # Layout
//!
//! - [`VerifyRequest`], [`VerifyResponse`], [`RateLimitState`]: the body and
//!   answer of `POST /v1/verify`; [`ForwardAuthQuery`], the query of
//!   `/v1/forward-auth`.
//! - [`presented_key`], [`bearer`]: where a request carries a key.
//! - [`Refusal`]: the status, headers and JSON body of a refused
//!   verification (forward-auth, the middleware).
//! - The management API's bodies, queries and answers: [`keys`]
//!   (`/v1/keys`), [`owners`] (`/v1/owners`), [`audit`] (`/v1/audit`,
//!   `/v1/events`), [`leaks`] (`/v1/leaks`, GitHub's reports, TruffleHog's
//!   webhook). The server reads and writes them, the CLI writes and reads
//!   them.
//! - [`patterns`], [`schemas`] (feature `openapi`): the names the API takes
//!   and the vocabularies it speaks, as the OpenAPI document states them;
//!   [`whole`], [`patch`]: how request fields read.
#![warn(missing_docs)]

pub mod audit;
pub mod keys;
pub mod leaks;
pub mod owners;
pub mod portal;
pub mod secrets;
pub mod spaces;

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
    #[serde(serialize_with = "keywarden_core::secret::serialize_exposed")]
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
    /// A permission query the key's permissions (its own and its roles')
    /// must satisfy: names joined by `AND` and `OR` with parentheses, `AND`
    /// binding tighter (`docs.read AND (billing.read OR admin)`). A
    /// malformed one is 400 `INVALID_PERMISSION_QUERY`; a failed one
    /// `INSUFFICIENT_PERMISSIONS` with the terms missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::PermissionQuery>))]
    pub permissions: Option<String>,
    /// The space this API serves: a key of another space is `NOT_FOUND`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::SpaceId>))]
    pub space: Option<String>,
    /// The API client's address, for IP allowlists and brute-force throttling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::IpAddress>))]
    pub client_ip: Option<String>,
    /// Credits this request spends from a key that has credits (default 1;
    /// 0 checks without spending; at most [`MAX_COST`]).
    #[serde(
        default,
        deserialize_with = "whole::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000))]
    pub cost: Option<u32>,
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
    /// Its scopes (its direct permissions).
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    /// Its space.
    #[serde(default)]
    pub space: Option<String>,
    /// Its effective permissions: its own and its roles'.
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
    /// With `INSUFFICIENT_PERMISSIONS`: the terms of the query that made it
    /// fail, which it does not hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_permissions: Option<Vec<String>>,
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

/// Query of forward-auth.
#[derive(Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ForwardAuthQuery {
    /// Required scopes, comma-separated; those of the `X-Keywarden-Scopes`
    /// header are required as well.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<schemas::ScopeList>))]
    pub scopes: Option<String>,
    /// A permission query the key must satisfy (`docs.read AND (billing.read
    /// OR admin)`); that of the `X-Keywarden-Permissions` header must hold
    /// as well.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<schemas::PermissionQuery>))]
    pub permissions: Option<String>,
    /// The space this API serves: a key of another space is `NOT_FOUND`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<schemas::SpaceId>))]
    pub space: Option<String>,
    /// Required environment.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<schemas::Environment>))]
    pub environment: Option<String>,
    /// Credits this request spends (default 1; 0 checks without spending).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 0, maximum = 1_000_000))]
    pub cost: Option<u32>,
}

/// The longest a one-time share link may live: 7 days.
pub const MAX_SHARE_LIFETIME_MS: i64 = 7 * 86_400_000;

/// The shortest refill interval of credits: a minute.
pub const MIN_REFILL_INTERVAL_MS: i64 = 60_000;

/// The longest refill interval of credits: 366 days (a year, leap years
/// included). The next refill of a key is at most one interval away, so it
/// always has an RFC 3339 form.
pub const MAX_REFILL_INTERVAL_MS: i64 = 366 * 86_400_000;

/// The longest grace period of a roll: 30 days.
pub const MAX_GRACE_PERIOD_MS: i64 = 30 * 86_400_000;

/// The longest name of a key, or reason of a revocation, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// The longest free-text filter of a list, in characters.
pub const MAX_FILTER_CHARS: usize = 200;

/// The patterns of the names the API takes, as JSON Schema (ECMA-262)
/// regular expressions: the same sets the parsers of `keywarden-core`
/// (and [`parse_network`]) accept; the tests hold each to its parser.
///
/// Bounded durations are spelled unit by unit (`…|([1-9]|[12][0-9]|30)d|…`):
/// JSON Schema cannot compare a string's value, but a pattern can say
/// "at most 30 days" digit by digit.
pub mod patterns {
    /// An environment (`keywarden_core::key::Environment`).
    pub const ENVIRONMENT: &str = "^[a-z][a-z0-9]{0,11}$";
    /// An owner (`keywarden_core::names::Owner`).
    pub const OWNER: &str = "^[A-Za-z0-9][A-Za-z0-9_.@:+-]{0,127}$";
    // A permission name without its anchors: segments separated by `.` or
    // `:`, the last of which may be `*`.
    // (Or a `resource:action` scope of the first releases, whose parts
    // could hold dots anywhere.)
    macro_rules! scope {
        () => {
            r"(([a-z0-9][a-z0-9_-]{0,63}[.:])*([a-z0-9][a-z0-9_-]{0,63}|\*)|[a-z0-9][a-z0-9_.-]{0,63}:([a-z0-9][a-z0-9_.-]{0,63}|\*))"
        };
    }
    /// A scope, that is a permission name (`keywarden_core::names::Scope`),
    /// together with a length of at most
    /// [`MAX_SCOPE_LEN`](keywarden_core::names::MAX_SCOPE_LEN) bytes, which
    /// the schema states as `maxLength`: a pattern without look-ahead
    /// cannot bound the whole while it bounds each segment.
    pub const SCOPE: &str = concat!("^", scope!(), "$");
    /// A comma-separated list of at most 50 scopes, spaces around the
    /// commas allowed, blank for none (forward-auth's `scopes` and
    /// `X-Keywarden-Scopes`). The items' length is not bounded here.
    pub const SCOPE_LIST: &str = concat!(r"^ *(", scope!(), r"( *, *", scope!(), r"){0,49})? *$");
    /// A duration (`keywarden_core::clock::parse_duration`; zero is refused).
    pub const DURATION: &str = "^[1-9][0-9]{0,8}(ms|s|m|h|d|w)$";
    /// A refill interval of credits: a duration of at least a minute
    /// ([`MIN_REFILL_INTERVAL_MS`](super::MIN_REFILL_INTERVAL_MS)) and at
    /// most 366 days ([`MAX_REFILL_INTERVAL_MS`](super::MAX_REFILL_INTERVAL_MS)),
    /// unit by unit.
    pub const REFILL_INTERVAL: &str = concat!(
        "^((6[0-9]{4}|[7-9][0-9]{4}|[1-9][0-9]{5,8})ms",
        "|(6[0-9]|[7-9][0-9]|[1-9][0-9]{2,6}|[12][0-9]{7}|30[0-9]{6}|31[0-5][0-9]{5}|316[01][0-9]{4}|3162[01][0-9]{3}|31622[0-3][0-9]{2}|31622400)s",
        "|([1-9][0-9]{0,4}|[1-4][0-9]{5}|5[01][0-9]{4}|52[0-6][0-9]{3}|5270[0-3][0-9]|527040)m",
        "|([1-9][0-9]{0,2}|[1-7][0-9]{3}|8[0-6][0-9]{2}|87[0-7][0-9]|878[0-4])h",
        "|([1-9][0-9]?|[12][0-9]{2}|3[0-5][0-9]|36[0-6])d",
        "|([1-9]|[1-4][0-9]|5[0-2])w)$"
    );
    /// A roll's grace period: zero (`0`, `0s`, ...) to end the old key at
    /// once, or a duration of at most 30 days
    /// ([`MAX_GRACE_PERIOD_MS`](super::MAX_GRACE_PERIOD_MS)), unit by unit.
    pub const GRACE_PERIOD: &str = concat!(
        "^(0(ms|s|m|h|d|w)?",
        "|[1-9][0-9]{0,8}ms",
        "|([1-9][0-9]{0,5}|1[0-9]{6}|2[0-4][0-9]{5}|25[0-8][0-9]{4}|259[01][0-9]{3}|2592000)s",
        "|([1-9][0-9]{0,3}|[1-3][0-9]{4}|4[0-2][0-9]{3}|43[01][0-9]{2}|43200)m",
        "|([1-9][0-9]?|[1-6][0-9]{2}|7[01][0-9]|720)h",
        "|([1-9]|[12][0-9]|30)d",
        "|[1-4]w)$"
    );
    /// A share link's lifetime: a duration of at most 7 days
    /// ([`MAX_SHARE_LIFETIME_MS`](super::MAX_SHARE_LIFETIME_MS)), unit by unit.
    pub const SHARE_LIFETIME: &str = "^(([1-9][0-9]{0,7}|[1-5][0-9]{8}|60[0-3][0-9]{6}|604[0-7][0-9]{5}|604800000)ms\
        |([1-9][0-9]{0,4}|[1-5][0-9]{5}|60[0-3][0-9]{3}|604[0-7][0-9]{2}|604800)s\
        |([1-9][0-9]{0,3}|100[0-7][0-9]|10080)m\
        |([1-9][0-9]?|1[0-5][0-9]|16[0-8])h|[1-7]d|1w)$";

    /// A key space's id (`keywarden_core::spaces::SpaceId`).
    pub const SPACE_ID: &str = "^[a-z0-9]([a-z0-9-]{0,46}[a-z0-9])?$";
    /// A role's name (`keywarden_core::spaces::RoleName`).
    pub const ROLE_NAME: &str = "^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$";
    /// A key prefix (`keywarden_core::key::Prefix`).
    pub const KEY_PREFIX: &str = "^[a-z][a-z0-9]{0,15}$";
    /// A vault secret's name (`keywarden_core::names::SecretName`).
    pub const SECRET_NAME: &str = "^[A-Za-z_][A-Za-z0-9_]{0,127}$";

    /// No control character (Unicode `Cc`: what `char::is_control` refuses).
    pub const NO_CONTROL: &str = r"^[^\x00-\x1f\x7f-\x9f]*$";

    /// Clean text (`keywarden_core::names::is_clean_text`): no control
    /// character, no line or paragraph separator (U+2028, U+2029) and no
    /// invisible formatting character. The two ranges past
    /// the Basic Multilingual Plane (U+1D173–U+1D17A, U+E0000–U+E0FFF) are
    /// written as the characters themselves: ECMA-262 without the `u` flag
    /// has no escape for them and Python's `re` does not read `\u{…}`; JSON
    /// Schema reads patterns with the `u` flag. (The committed document
    /// writes them as `\u` escapes of JSON: `api::contract::document_text`.)
    pub const CLEAN_TEXT: &str = concat!(
        r"^[^\x00-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f",
        r"\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb",
        "\u{1D173}-\u{1D17A}\u{E0000}-\u{E0FFF}]*$"
    );

    // The address forms of RFC 3986 (section 3.2.2), which are the forms
    // `std::net`'s parsers read: decimal octets without a leading zero, up
    // to four hex digits a group, `::` for one or more groups of zeros, an
    // IPv4 address in the last 32 bits.
    macro_rules! dec_octet {
        () => {
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
        };
    }
    macro_rules! ipv4 {
        () => {
            concat!("(", dec_octet!(), r"\.){3}", dec_octet!())
        };
    }
    macro_rules! h16 {
        () => {
            "[0-9A-Fa-f]{1,4}"
        };
    }
    macro_rules! ls32 {
        () => {
            concat!("(", h16!(), ":", h16!(), "|", ipv4!(), ")")
        };
    }
    // RFC 3986's IPv6address, one alternative a line: 6 groups and ls32;
    // `::`, 5 groups and ls32; ... up to 7 groups and `::`.
    #[rustfmt::skip]
    macro_rules! ipv6 {
        () => {
            concat!(
                "((", h16!(), ":){6}", ls32!(),
                "|::(", h16!(), ":){5}", ls32!(),
                "|(", h16!(), ")?::(", h16!(), ":){4}", ls32!(),
                "|((", h16!(), ":){0,1}", h16!(), ")?::(", h16!(), ":){3}", ls32!(),
                "|((", h16!(), ":){0,2}", h16!(), ")?::(", h16!(), ":){2}", ls32!(),
                "|((", h16!(), ":){0,3}", h16!(), ")?::", h16!(), ":", ls32!(),
                "|((", h16!(), ":){0,4}", h16!(), ")?::", ls32!(),
                "|((", h16!(), ":){0,5}", h16!(), ")?::", h16!(),
                "|((", h16!(), ":){0,6}", h16!(), ")?::)"
            )
        };
    }

    /// An IPv4 address (`std::net::Ipv4Addr`).
    pub const IPV4: &str = concat!("^", ipv4!(), "$");
    /// An IPv6 address (`std::net::Ipv6Addr`).
    pub const IPV6: &str = concat!("^", ipv6!(), "$");
    /// An IPv4 network: an address, `/` and a prefix length of 0 to 32
    /// ([`parse_network`](super::parse_network)).
    pub const IPV4_NETWORK: &str = concat!("^", ipv4!(), "/(3[0-2]|[12]?[0-9])$");
    /// An IPv6 network: an address, `/` and a prefix length of 0 to 128
    /// ([`parse_network`](super::parse_network)).
    pub const IPV6_NETWORK: &str = concat!("^", ipv6!(), "/(12[0-8]|1[01][0-9]|[1-9]?[0-9])$");
}

/// An IP allowlist entry: an address (a network of one: `/32` or `/128`)
/// or a network in CIDR form, `address/length`, the length in decimal
/// without a leading zero and at most the address's bits. Exactly the
/// strings [`patterns::IPV4`], [`patterns::IPV6`],
/// [`patterns::IPV4_NETWORK`] and [`patterns::IPV6_NETWORK`] match.
pub fn parse_network(text: &str) -> Option<(std::net::IpAddr, u8)> {
    let (address, length) = match text.split_once('/') {
        Some((address, length)) => (address, Some(length)),
        None => (text, None),
    };
    let address: std::net::IpAddr = address.parse().ok()?;
    let bits = if address.is_ipv4() { 32 } else { 128 };
    let length = match length {
        None => bits,
        Some(l) => {
            let canonical = !l.is_empty()
                && l.len() <= 3
                && l.bytes().all(|b| b.is_ascii_digit())
                && (l.len() == 1 || !l.starts_with('0'));
            match l.parse::<u8>() {
                Ok(n) if canonical && n <= bits => n,
                _ => return None,
            }
        }
    };
    Some((address, length))
}

/// Whole numbers written either way: JSON Schema's `integer` is a number
/// with no fraction, so `3` and `3.0` are the same integer (a client may
/// write either; generators of test data write both). Every integer field
/// of a request body reads through these, e.g.
/// `#[serde(deserialize_with = "whole::u32")]`: a whole number in range is
/// taken; `1.5`, or a number out of range, is refused with the range.
pub mod whole {
    use std::{fmt, marker::PhantomData};

    use serde::{Deserializer, de};

    /// An integer type a whole number can be read into (one whose values
    /// all fit in an `i64`).
    pub trait Whole: Sized + TryFrom<i64> + TryFrom<u64> {
        /// What an error says was expected ("a whole number from 0 to …").
        const EXPECTING: &'static str;
    }

    impl Whole for u32 {
        const EXPECTING: &'static str = "a whole number from 0 to 4294967295";
    }

    impl Whole for i64 {
        const EXPECTING: &'static str =
            "a whole number from -9223372036854775808 to 9223372036854775807";
    }

    struct WholeVisitor<T>(PhantomData<T>);

    impl<T: Whole> WholeVisitor<T> {
        fn from_f64<E: de::Error>(v: f64) -> Result<T, E> {
            // -2^63 and 2^63 bound the floats that convert to an i64
            // exactly (every integer type read here fits in an i64).
            const TWO_63: f64 = 9_223_372_036_854_775_808.0;
            if v.fract() == 0.0 && (-TWO_63..TWO_63).contains(&v) {
                // Whole and in range: the conversion is exact.
                #[allow(clippy::cast_possible_truncation)]
                let n = v as i64;
                if let Ok(t) = T::try_from(n) {
                    return Ok(t);
                }
            }
            Err(E::invalid_value(de::Unexpected::Float(v), &T::EXPECTING))
        }
    }

    impl<'de, T: Whole> de::Visitor<'de> for WholeVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(T::EXPECTING)
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
            T::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &T::EXPECTING))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
            T::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &T::EXPECTING))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
            Self::from_f64(v)
        }
    }

    struct OptionVisitor<T>(PhantomData<T>);

    impl<'de, T: Whole> de::Visitor<'de> for OptionVisitor<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{} or null", T::EXPECTING)
        }

        fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
            number(d).map(Some)
        }
    }

    /// A whole number (`3` or `3.0`).
    pub fn number<'de, D: Deserializer<'de>, T: Whole>(d: D) -> Result<T, D::Error> {
        d.deserialize_any(WholeVisitor(PhantomData))
    }

    /// A `u32` written as a whole number.
    pub fn u32<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        number(d)
    }

    /// An `i64` written as a whole number.
    pub fn i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        number(d)
    }

    /// A whole number or `null` (with `#[serde(default)]`: absent too).
    pub fn option<'de, D: Deserializer<'de>, T: Whole>(d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_option(OptionVisitor(PhantomData))
    }

    /// A PATCH field: absent (`None`, with `#[serde(default)]`), `null`
    /// (`Some(None)`) or a whole number (`Some(Some(n))`).
    pub fn double_option<'de, D: Deserializer<'de>, T: Whole>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        option(d).map(Some)
    }
}

/// PATCH fields: absent (leave it), `null` (clear it) or a value.
pub mod patch {
    /// Deserializes a field that may be absent (`None`, with
    /// `#[serde(default)]`), null (`Some(None)`) or set (`Some(Some(v))`).
    /// Serialized, `None` is left out (`skip_serializing_if =
    /// "Option::is_none"`) and `Some(None)` is `null`.
    pub fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
    where
        D: serde::Deserializer<'de>,
        T: serde::Deserialize<'de>,
    {
        <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
    }
}

/// Secrets read from an answer: into the zeroizing, redacting types.
mod secret {
    use keywarden_core::secret::PlaintextKey;
    use serde::{Deserialize, Deserializer, de};

    /// A whole key (a created, rolled or revealed one), checked to be one.
    pub(crate) fn plaintext_key<'de, D: Deserializer<'de>>(d: D) -> Result<PlaintextKey, D::Error> {
        keywarden_core::key::recovered(String::deserialize(d)?)
            .ok_or_else(|| de::Error::custom("not a keywarden key"))
    }
}

/// Schemas of the names the API takes: `Environment`, `Owner`, `Scope`,
/// `Duration` and the bounded durations, each a string with its pattern;
/// `IpAddress` and `Network`, alternatives of patterns; the free texts
/// (`KeyName`, `Reason`, `FilterText`, `KeyCursor`, `ScopeList`); and the enumerations
/// of the vocabularies (`KeyStatus`, `EventKind`, `DeliveryState`,
/// `AuditAction`, `AuditOutcome`), each built from the Rust enum, so the
/// document cannot list a value the server does not know, or miss one it
/// answers.
#[cfg(feature = "openapi")]
pub mod schemas {
    use std::borrow::Cow;
    use utoipa::openapi::{ObjectBuilder, RefOr, Type, schema::Schema};

    macro_rules! pattern_schema {
        ($name:ident, $pattern:expr, $example:literal, $description:literal $(, max_length = $max:expr)?) => {
            #[doc = $description]
            pub struct $name;

            impl utoipa::PartialSchema for $name {
                fn schema() -> RefOr<Schema> {
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .pattern(Some($pattern))
                        $(.max_length(Some($max)))?
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
    /// A permission query: a string of at most 1,024 characters.
    pub struct PermissionQuery;

    impl utoipa::PartialSchema for PermissionQuery {
        fn schema() -> RefOr<Schema> {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(1024))
                .examples([serde_json::json!("docs.read AND (billing.read OR admin)")])
                .description(Some(
                    "A permission query: permission names joined by `AND` and `OR`, with parentheses; \
                     `AND` binds tighter than `OR`. At most 1,024 characters, 64 names, 16 levels of nesting.",
                ))
                .into()
        }
    }

    impl utoipa::ToSchema for PermissionQuery {
        fn name() -> Cow<'static, str> {
            Cow::Borrowed("PermissionQuery")
        }
    }

    pattern_schema!(
        SpaceId,
        super::patterns::SPACE_ID,
        "payments",
        "A key space's id: 1 to 48 lowercase letters, digits or `-`, starting and ending with a letter or digit."
    );
    pattern_schema!(
        SecretName,
        super::patterns::SECRET_NAME,
        "DATABASE_URL",
        "A vault secret's name, in environment-variable syntax: a letter or `_`, then up to 127 letters, digits or `_`."
    );
    pattern_schema!(
        RoleName,
        super::patterns::ROLE_NAME,
        "editor",
        "A role's name: 1 to 64 lowercase letters, digits or `-`, starting and ending with a letter or digit."
    );
    pattern_schema!(
        KeyPrefix,
        super::patterns::KEY_PREFIX,
        "pay",
        "A key prefix: a lowercase letter, then up to 15 lowercase letters or digits."
    );
    pattern_schema!(
        Scope,
        super::patterns::SCOPE,
        "orders:read",
        "A permission name: 1 to 129 bytes of segments separated by `.` or `:`, each 1 to 64 lowercase letters, digits, `_` or `-` starting with a letter or digit (`admin`, `orders:read`, `docs.read.own`). The last segment may be `*`: a held `orders:*` covers every name that starts with `orders:`, `docs.*` every one that starts with `docs.`, and `*` everything. Every `resource:action` scope of earlier releases (parts of `[a-z0-9_.-]`) stays valid.",
        max_length = keywarden_core::names::MAX_SCOPE_LEN
    );
    /// A string with a known format (an annotation for readers and
    /// generators) and the pattern that decides.
    fn formatted(format: utoipa::openapi::KnownFormat, pattern: &str) -> ObjectBuilder {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(format)))
            .pattern(Some(pattern))
    }

    /// An IPv4 or IPv6 address.
    pub struct IpAddress;

    impl utoipa::PartialSchema for IpAddress {
        fn schema() -> RefOr<Schema> {
            use utoipa::openapi::KnownFormat;
            utoipa::openapi::schema::AnyOfBuilder::new()
                .item(formatted(KnownFormat::Ipv4, super::patterns::IPV4))
                .item(formatted(KnownFormat::Ipv6, super::patterns::IPV6))
                .description(Some("An IPv4 or IPv6 address."))
                .into()
        }
    }

    impl utoipa::ToSchema for IpAddress {
        fn name() -> Cow<'static, str> {
            Cow::Borrowed("IpAddress")
        }
    }

    /// An IP allowlist entry ([`parse_network`](super::parse_network)).
    pub struct Network;

    impl utoipa::PartialSchema for Network {
        fn schema() -> RefOr<Schema> {
            use utoipa::openapi::KnownFormat;
            let network = |pattern| {
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some(pattern))
            };
            utoipa::openapi::schema::AnyOfBuilder::new()
                .item(formatted(KnownFormat::Ipv4, super::patterns::IPV4))
                .item(formatted(KnownFormat::Ipv6, super::patterns::IPV6))
                .item(network(super::patterns::IPV4_NETWORK))
                .item(network(super::patterns::IPV6_NETWORK))
                .description(Some(
                    "An address (IPv4 or IPv6) or a network in CIDR form (`10.0.0.0/8`, `2001:db8::/32`; the length in decimal, without a leading zero).",
                ))
                .into()
        }
    }

    impl utoipa::ToSchema for Network {
        fn name() -> Cow<'static, str> {
            Cow::Borrowed("Network")
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
        "Time between refills of credits: a duration of at least a minute and at most 366 days (`1m`, `1h`, `1d`, `30d`, `365d`)."
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
        "How long a rolled key keeps working: a duration of at most 30 days, or zero (`0s`) to stop it at once."
    );

    /// A string schema listing `values`.
    pub fn string_enum<'a>(
        description: &str,
        values: impl IntoIterator<Item = &'a str>,
    ) -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(description))
            .enum_values(Some(values))
            .into()
    }

    macro_rules! enum_schema {
        ($(#[$doc:meta])* $name:ident, $title:literal, $description:literal, $values:expr) => {
            $(#[$doc])*
            pub struct $name;

            impl utoipa::PartialSchema for $name {
                fn schema() -> RefOr<Schema> {
                    string_enum($description, $values)
                }
            }

            impl utoipa::ToSchema for $name {
                fn name() -> Cow<'static, str> {
                    Cow::Borrowed($title)
                }
            }
        };
    }

    use keywarden_core::vocabulary::{
        AuditAction, AuditOutcome, DeliveryState, EventKind, KeyStatus,
    };

    enum_schema!(
        /// `KeyStatus`: where a key stands.
        KeyStatusName,
        "KeyStatus",
        "Where a key stands now.",
        KeyStatus::ALL.iter().map(|s| s.as_str())
    );

    enum_schema!(
        /// `EventKind`: what an event reports.
        EventKindName,
        "EventKind",
        "What an event reports.",
        EventKind::ALL.iter().map(|k| k.as_str())
    );

    enum_schema!(
        /// `DeliveryState`: where an event's webhook delivery stands.
        DeliveryStateName,
        "DeliveryState",
        "Where an event's webhook delivery stands: `none` (no webhook was configured when it was raised), `pending` (waiting for its next attempt), `delivered` (the webhook answered 2xx), `failed` (every attempt of the 24-hour retry period failed).",
        DeliveryState::ALL.iter().map(|s| s.as_str())
    );

    enum_schema!(
        /// `AuditAction`: what an audit entry records.
        AuditActionName,
        "AuditAction",
        "What an audit entry records.",
        AuditAction::ALL.iter().map(|a| a.as_str())
    );

    enum_schema!(
        /// `AuditOutcome`: how an audited action ended.
        AuditOutcomeName,
        "AuditOutcome",
        "How an audited action ended.",
        AuditOutcome::ALL.iter().map(|o| o.as_str())
    );

    macro_rules! text_schema {
        ($(#[$doc:meta])* $name:ident, $title:literal, $description:literal, $pattern:expr, $min:expr, $max:expr) => {
            $(#[$doc])*
            pub struct $name;

            impl utoipa::PartialSchema for $name {
                fn schema() -> RefOr<Schema> {
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .description(Some($description))
                        .pattern(Some($pattern))
                        .min_length($min)
                        .max_length($max)
                        .into()
                }
            }

            impl utoipa::ToSchema for $name {
                fn name() -> Cow<'static, str> {
                    Cow::Borrowed($title)
                }
            }
        };
    }

    use super::patterns::{CLEAN_TEXT, NO_CONTROL};

    text_schema!(
        /// A free-text filter of a list.
        FilterText,
        "FilterText",
        "Text to match: at most 200 characters, without control characters.",
        NO_CONTROL,
        None,
        Some(super::MAX_FILTER_CHARS)
    );

    text_schema!(
        /// A key's name.
        KeyName,
        "KeyName",
        "A name for people: at most 200 characters, without control or invisible formatting characters.",
        CLEAN_TEXT,
        None,
        Some(super::MAX_NAME_CHARS)
    );

    text_schema!(
        /// Why a key was revoked.
        Reason,
        "Reason",
        "Why: 1 to 200 characters, without control characters, line separators or invisible formatting characters.",
        CLEAN_TEXT,
        Some(1),
        Some(super::MAX_NAME_CHARS)
    );

    text_schema!(
        /// The scopes forward-auth requires.
        ScopeList,
        "ScopeList",
        "Required scopes, comma-separated (spaces around commas allowed), at most 50.",
        super::patterns::SCOPE_LIST,
        None,
        None
    );

    text_schema!(
        /// A page cursor of `GET /v1/keys`.
        KeyCursor,
        "KeyCursor",
        "The `next_cursor` of the previous page.",
        r"^[0-9]{1,15}\.key_[A-Za-z0-9]{16}$",
        None,
        None
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

    /// The refusal of a failed permission query, naming the terms the key
    /// lacks (in the message and as `error.missing_permissions`).
    pub fn with_missing(mut self, missing: &[impl AsRef<str>]) -> Self {
        if missing.is_empty() {
            return self;
        }
        let names: Vec<&str> = missing.iter().map(AsRef::as_ref).collect();
        if let Some(error) = self.body.get_mut("error").and_then(|e| e.as_object_mut()) {
            error.insert(
                "message".to_owned(),
                serde_json::json!(format!(
                    "the API key lacks a required permission: it does not hold {}",
                    names.join(", ")
                )),
            );
            error.insert("missing_permissions".to_owned(), serde_json::json!(names));
        }
        self
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use keywarden_core::{
        key::Environment,
        names::{MAX_SCOPE_LEN, Owner, Scope},
    };
    use proptest::prelude::*;

    fn matches(pattern: &str, text: &str) -> bool {
        regex::Regex::new(pattern).unwrap().is_match(text)
    }

    /// What the Scope schema allows: its pattern and its `maxLength`.
    fn scope_ok(text: &str) -> bool {
        matches(patterns::SCOPE, text) && text.len() <= MAX_SCOPE_LEN
    }

    /// A scope list as forward-auth reads one: blank is none; else items
    /// separated by commas, spaces around them allowed, each a scope, at
    /// most 50.
    fn scope_list_ok(text: &str) -> bool {
        let text = text.trim_matches(' ');
        text.is_empty()
            || text.split(',').count() <= 50
                && text
                    .split(',')
                    .all(|item| item.trim_matches(' ').parse::<Scope>().is_ok())
    }

    fn refill_ok(text: &str) -> bool {
        keywarden_core::clock::parse_duration(text)
            .is_some_and(|ms| (MIN_REFILL_INTERVAL_MS..=MAX_REFILL_INTERVAL_MS).contains(&ms))
    }

    fn grace_ok(text: &str) -> bool {
        matches!(text, "0" | "0ms" | "0s" | "0m" | "0h" | "0d" | "0w")
            || keywarden_core::clock::parse_duration(text)
                .is_some_and(|ms| ms <= MAX_GRACE_PERIOD_MS)
    }

    fn share_ok(text: &str) -> bool {
        keywarden_core::clock::parse_duration(text).is_some_and(|ms| ms <= MAX_SHARE_LIFETIME_MS)
    }

    fn is_address(text: &str) -> bool {
        matches(patterns::IPV4, text) || matches(patterns::IPV6, text)
    }

    fn is_network(text: &str) -> bool {
        is_address(text)
            || matches(patterns::IPV4_NETWORK, text)
            || matches(patterns::IPV6_NETWORK, text)
    }

    #[test]
    fn refill_intervals_are_a_minute_to_366_days() {
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
            ("366d", true),
            ("367d", false),
            ("52w", true),
            ("53w", false),
            ("8784h", true),
            ("8785h", false),
            ("527040m", true),
            ("527041m", false),
            ("31622400s", true),
            ("31622401s", false),
            ("999999999w", false),
        ] {
            assert_eq!(matches(patterns::REFILL_INTERVAL, text), ok, "{text}");
            assert_eq!(refill_ok(text), ok, "{text}");
        }
    }

    #[test]
    fn grace_periods_are_zero_to_30_days() {
        for (text, ok) in [
            ("0", true),
            ("0s", true),
            ("00s", false),
            ("30d", true),
            ("31d", false),
            ("4w", true),
            ("5w", false),
            ("720h", true),
            ("721h", false),
            ("43200m", true),
            ("43201m", false),
            ("2592000s", true),
            ("2592001s", false),
            ("999999999ms", true),
            ("999999999w", false),
        ] {
            assert_eq!(matches(patterns::GRACE_PERIOD, text), ok, "{text}");
            assert_eq!(grace_ok(text), ok, "{text}");
        }
    }

    #[test]
    fn networks() {
        for (text, ok) in [
            ("10.0.0.0/8", true),
            ("10.0.0.1", true),
            ("0.0.0.0/0", true),
            ("255.255.255.255/32", true),
            ("10.0.0.0/33", false),
            ("10.0.0.0/08", false),
            ("010.0.0.0/8", false),
            ("256.0.0.0/8", false),
            ("10.0.0/8", false),
            ("2001:db8::/32", true),
            ("::/0", true),
            ("::", true),
            ("::1/128", true),
            ("::ffff:10.0.0.1/120", true),
            ("1:2:3:4:5:6:7::", true),
            ("::1:2:3:4:5:6:7", true),
            ("1:2:3:4:5:6:1.2.3.4", true),
            ("00/120", false),
            ("::/129", false),
            ("::/01", false),
            ("1::2::3/64", false),
            ("1:2:3:4:5:6:7:8:9", false),
            ("12345::/16", false),
            ("::1.2.3.04", false),
            ("1.2.3.4::/96", false),
            ("fe80::1%eth0", false),
            (" 10.0.0.0/8", false),
            ("10.0.0.0/", false),
            ("/8", false),
        ] {
            assert_eq!(is_network(text), ok, "{text}");
            assert_eq!(parse_network(text).is_some(), ok, "{text}");
        }
        assert_eq!(
            parse_network("10.0.0.1"),
            Some(("10.0.0.1".parse().unwrap(), 32))
        );
        assert_eq!(parse_network("::1"), Some(("::1".parse().unwrap(), 128)));
        assert_eq!(parse_network("::/0"), Some(("::".parse().unwrap(), 0)));
    }

    #[test]
    fn clean_text_refuses_astral_invisible_characters() {
        for c in [
            '\u{1D173}',
            '\u{1D17A}',
            '\u{E0000}',
            '\u{E0041}',
            '\u{E0FFF}',
            '\u{200B}',
            '\u{7F}',
            '\u{2028}',
            '\u{2029}',
        ] {
            let text = format!("a{c}b");
            assert!(!matches(patterns::CLEAN_TEXT, &text), "{:?}", c);
            assert!(!keywarden_core::names::is_clean_text(&text));
        }
        for c in [
            '\u{1D172}',
            '\u{1D17B}',
            '\u{DFFFF}',
            '\u{E1000}',
            '\u{1F600}',
            'é',
        ] {
            let text = format!("a{c}b");
            assert!(matches(patterns::CLEAN_TEXT, &text), "{:?}", c);
            assert!(keywarden_core::names::is_clean_text(&text));
        }
    }

    /// Every number around every bound, in every unit: a digit-by-digit
    /// pattern is wrong, if anywhere, at an edge.
    #[test]
    fn bounded_durations_agree_near_their_limits() {
        let compiled = |p: &str| regex::Regex::new(p).unwrap();
        let (share, refill, grace) = (
            compiled(patterns::SHARE_LIFETIME),
            compiled(patterns::REFILL_INTERVAL),
            compiled(patterns::GRACE_PERIOD),
        );
        let units = [
            ("ms", 1),
            ("s", 1_000),
            ("m", 60_000),
            ("h", 3_600_000),
            ("d", 86_400_000),
            ("w", 604_800_000),
        ];
        let edges = [
            MAX_SHARE_LIFETIME_MS,
            MIN_REFILL_INTERVAL_MS,
            MAX_REFILL_INTERVAL_MS,
            MAX_GRACE_PERIOD_MS,
            999_999_999,
            1,
        ];
        for (unit, unit_ms) in units {
            let mut numbers: Vec<i64> = (0..1_500).collect();
            for edge in edges {
                let n = edge / unit_ms;
                numbers.extend(n.saturating_sub(1_500)..n + 1_500);
            }
            for n in numbers {
                let text = format!("{n}{unit}");
                assert_eq!(share.is_match(&text), share_ok(&text), "{text}");
                assert_eq!(refill.is_match(&text), refill_ok(&text), "{text}");
                assert_eq!(grace.is_match(&text), grace_ok(&text), "{text}");
            }
        }
    }

    /// An IPv6 address in any of its written forms: groups with or
    /// without leading zeros, in either case, one run of them compressed
    /// to `::`, the last 32 bits as an IPv4 address.
    fn ipv6_text() -> impl Strategy<Value = String> {
        (
            prop::array::uniform8(any::<u16>()),
            prop::array::uniform8(0usize..4),
            any::<bool>(),
            any::<bool>(),
            (0usize..9, 1usize..9),
            any::<bool>(),
        )
            .prop_map(|(groups, zeros, upper, v4_tail, (start, len), compress)| {
                let hex = |i: usize| {
                    let g = format!("{:0width$x}", groups[i], width = zeros[i] + 1);
                    if upper { g.to_uppercase() } else { g }
                };
                let hex_count = if v4_tail { 6 } else { 8 };
                let mut parts: Vec<String> = (0..hex_count).map(hex).collect();
                if v4_tail {
                    let [a, b] = groups[6].to_be_bytes();
                    let [c, d] = groups[7].to_be_bytes();
                    parts.push(format!("{a}.{b}.{c}.{d}"));
                }
                if !compress {
                    return parts.join(":");
                }
                let start = start.min(hex_count);
                let end = (start + len).min(hex_count);
                let head = parts[..start].join(":");
                let tail = parts[end..].join(":");
                format!("{head}::{tail}")
            })
    }

    /// `text` with one character inserted, removed or replaced.
    fn near_miss(
        base: impl Strategy<Value = String>,
        alphabet: &'static str,
    ) -> impl Strategy<Value = String> {
        (
            base,
            0usize..64,
            0u8..4,
            prop::sample::select(alphabet.chars().collect::<Vec<_>>()),
        )
            .prop_map(|(text, at, op, c)| {
                let mut chars: Vec<char> = text.chars().collect();
                let at = if chars.is_empty() {
                    0
                } else {
                    at % (chars.len() + 1)
                };
                match op {
                    0 => chars.insert(at, c),
                    1 if at < chars.len() => {
                        chars.remove(at);
                    }
                    2 if at < chars.len() => chars[at] = c,
                    _ => {}
                }
                chars.into_iter().collect()
            })
    }

    fn ipv4_text() -> impl Strategy<Value = String> {
        (
            prop::array::uniform4(any::<u8>()),
            prop::array::uniform4(0usize..3),
        )
            .prop_map(|(o, z)| {
                (0..4)
                    .map(|i| format!("{:0width$}", o[i], width = z[i] + 1))
                    .collect::<Vec<_>>()
                    .join(".")
            })
    }

    fn network_text() -> impl Strategy<Value = String> {
        (
            prop_oneof![ipv4_text(), ipv6_text()],
            prop::option::of("(0|[1-9][0-9]{0,2}|0[0-9]{1,2}|[0-9]{4}|)"),
        )
            .prop_map(|(address, length)| match length {
                Some(l) => format!("{address}/{l}"),
                None => address,
            })
    }

    /// Permission names of up to four segments, some of them long (up to 66
    /// bytes, past the segment limit), so that the whole is often near 128
    /// bytes; sometimes with a wildcard last.
    fn scope_text() -> impl Strategy<Value = String> {
        (
            prop::collection::vec(("[a-z0-9][a-z0-9_-]{0,2}|[a-z0-9]{60,66}", "[.:]"), 1..5),
            any::<bool>(),
        )
            .prop_map(|(segments, wildcard)| {
                let mut text: String = segments
                    .iter()
                    .map(|(s, sep)| format!("{s}{sep}"))
                    .collect();
                if wildcard {
                    text.push('*');
                } else {
                    text.pop();
                }
                text
            })
    }

    /// Short permission names, separated by commas with spaces around.
    fn scope_list_text() -> impl Strategy<Value = String> {
        prop::collection::vec(("[a-z]([.:][a-z*]){0,2}", " {0,2}, {0,2}"), 0..6).prop_map(|items| {
            let mut text: String = items.iter().map(|(s, sep)| format!("{s}{sep}")).collect();
            if let Some((_, sep)) = items.last() {
                text.truncate(text.len() - sep.len());
            }
            text
        })
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
            grace in patterns::GRACE_PERIOD.trim_start_matches('^').trim_end_matches('$'),
            share in patterns::SHARE_LIFETIME.trim_start_matches('^').trim_end_matches('$'),
            v4 in patterns::IPV4_NETWORK.trim_start_matches('^').trim_end_matches('$'),
            v6 in patterns::IPV6_NETWORK.trim_start_matches('^').trim_end_matches('$'),
            clean in patterns::CLEAN_TEXT.trim_start_matches('^').trim_end_matches('$'),
        ) {
            prop_assert!(share_ok(&share), "{share}");
            prop_assert!(refill_ok(&refill), "{refill}");
            prop_assert!(grace_ok(&grace), "{grace}");
            prop_assert!(env.parse::<Environment>().is_ok(), "{env}");
            prop_assert!(owner.parse::<Owner>().is_ok(), "{owner}");
            // The pattern bounds each segment; the schema's `maxLength`, the whole.
            prop_assert_eq!(scope.parse::<Scope>().is_ok(), scope.len() <= MAX_SCOPE_LEN, "{}", scope);
            prop_assert!(keywarden_core::clock::parse_duration(&duration).is_some(), "{duration}");
            prop_assert!(parse_network(&v4).is_some_and(|(a, _)| a.is_ipv4()), "{v4}");
            prop_assert!(parse_network(&v6).is_some_and(|(a, _)| a.is_ipv6()), "{v6}");
            prop_assert!(keywarden_core::names::is_clean_text(&clean), "{clean:?}");
        }

        /// What the parser takes, the pattern matches, and the reverse, on
        /// near-misses.
        #[test]
        fn patterns_agree_with_parsers(text in "[ a-zA-Z0-9_.@:+*/-]{0,20}") {
            prop_assert_eq!(matches(patterns::ENVIRONMENT, &text), text.parse::<Environment>().is_ok());
            prop_assert_eq!(matches(patterns::OWNER, &text), text.parse::<Owner>().is_ok());
            prop_assert_eq!(scope_ok(&text), text.parse::<Scope>().is_ok());
            prop_assert_eq!(matches(patterns::SCOPE_LIST, &text), scope_list_ok(&text));
            prop_assert_eq!(matches(patterns::SPACE_ID, &text), text.parse::<keywarden_core::spaces::SpaceId>().is_ok());
            prop_assert_eq!(matches(patterns::ROLE_NAME, &text), text.parse::<keywarden_core::spaces::RoleName>().is_ok());
            prop_assert_eq!(matches(patterns::KEY_PREFIX, &text), text.parse::<keywarden_core::key::Prefix>().is_ok());
            prop_assert_eq!(matches(patterns::SECRET_NAME, &text), text.parse::<keywarden_core::names::SecretName>().is_ok());
            prop_assert_eq!(matches(patterns::DURATION, &text), keywarden_core::clock::parse_duration(&text).is_some());
            prop_assert_eq!(matches(patterns::REFILL_INTERVAL, &text), refill_ok(&text));
            prop_assert_eq!(matches(patterns::GRACE_PERIOD, &text), grace_ok(&text));
            prop_assert_eq!(matches(patterns::SHARE_LIFETIME, &text), share_ok(&text));
            prop_assert_eq!(is_network(&text), parse_network(&text).is_some());
        }

        /// Permission names near the length limits (of a segment, of the
        /// whole), and one edit away: the schema and the parser agree.
        #[test]
        fn scope_pattern_agrees_with_the_parser(
            text in prop_oneof![
                scope_text(),
                near_miss(scope_text(), "az09_-.:*A ,"),
            ],
        ) {
            prop_assert_eq!(scope_ok(&text), text.parse::<Scope>().is_ok(), "{}", text);
        }

        /// Lists of permission names, and one edit away.
        #[test]
        fn scope_list_pattern_agrees_with_forward_auth(
            text in prop_oneof![
                scope_list_text(),
                near_miss(scope_list_text(), "az.:*, "),
            ],
        ) {
            prop_assert_eq!(matches(patterns::SCOPE_LIST, &text), scope_list_ok(&text), "{}", text);
        }

        /// Addresses and networks in their written forms, and one edit
        /// away: the patterns and the parsers agree.
        #[test]
        fn network_patterns_agree_with_the_parser(
            text in prop_oneof![
                network_text(),
                near_miss(network_text(), "0123456789abcdefABCDEFgG:./% "),
                "[0-9a-fA-F:./]{0,45}",
            ],
        ) {
            prop_assert_eq!(matches(patterns::IPV4, &text), text.parse::<std::net::Ipv4Addr>().is_ok(), "{}", text);
            prop_assert_eq!(matches(patterns::IPV6, &text), text.parse::<std::net::Ipv6Addr>().is_ok(), "{}", text);
            prop_assert_eq!(is_network(&text), parse_network(&text).is_some(), "{}", text);
        }

        /// Clean text: any character, the invisible ones and their
        /// neighbours most often.
        #[test]
        fn clean_text_patterns_agree_with_the_parser(
            text in prop::collection::vec(
                prop_oneof![
                    any::<char>(),
                    prop::char::ranges(vec![
                        '\u{0}'..='\u{A0}',
                        '\u{AC}'..='\u{AE}',
                        '\u{1D170}'..='\u{1D17D}',
                        '\u{DFFFE}'..='\u{E0002}',
                        '\u{E0FFE}'..='\u{E1001}',
                        '\u{2000}'..='\u{2070}',
                        '\u{FE00}'..='\u{FFFF}',
                    ].into()),
                ],
                0..8,
            ).prop_map(|chars| chars.into_iter().collect::<String>()),
        ) {
            prop_assert_eq!(matches(patterns::CLEAN_TEXT, &text), keywarden_core::names::is_clean_text(&text), "{:?}", text);
            prop_assert_eq!(matches(patterns::NO_CONTROL, &text), !text.chars().any(char::is_control), "{:?}", text);
        }
    }

    #[test]
    fn whole_numbers_are_integers() {
        let cost = |text: &str| {
            serde_json::from_str::<VerifyRequest>(&format!(r#"{{"key":"k","cost":{text}}}"#))
                .map(|r| r.cost)
        };
        assert_eq!(cost("3").unwrap(), Some(3));
        assert_eq!(cost("3.0").unwrap(), Some(3));
        assert_eq!(cost("3e0").unwrap(), Some(3));
        assert_eq!(cost("0.0").unwrap(), Some(0));
        assert_eq!(cost("-0.0").unwrap(), Some(0));
        assert_eq!(cost("4294967295.0").unwrap(), Some(u32::MAX));
        assert_eq!(cost("null").unwrap(), None);
        for bad in [
            "3.5",
            "-1",
            "-1.0",
            "4294967296",
            "4294967296.0",
            "1e300",
            "\"3\"",
            "true",
        ] {
            assert!(cost(bad).is_err(), "{bad}");
        }
        let absent = serde_json::from_str::<VerifyRequest>(r#"{"key":"k"}"#).unwrap();
        assert_eq!(absent.cost, None);
        #[derive(Debug, serde::Deserialize)]
        struct Patch {
            #[serde(default, deserialize_with = "whole::double_option")]
            n: Option<Option<i64>>,
            #[serde(deserialize_with = "whole::i64")]
            m: i64,
        }
        let patch = |text: &str| serde_json::from_str::<Patch>(text).map(|p| (p.n, p.m));
        assert_eq!(patch(r#"{"m":1}"#).unwrap(), (None, 1));
        assert_eq!(patch(r#"{"m":-2.0,"n":null}"#).unwrap(), (Some(None), -2));
        assert_eq!(
            patch(r#"{"m":9007199254740992.0,"n":7.0}"#).unwrap(),
            (Some(Some(7)), 9_007_199_254_740_992)
        );
        assert_eq!(
            patch(r#"{"m":-9223372036854775808.0}"#).unwrap().1,
            i64::MIN
        );
        assert!(patch(r#"{"m":9223372036854775808.0}"#).is_err());
        assert!(patch(r#"{"m":1,"n":0.5}"#).is_err());
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
