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
    pub environment: Option<String>,
    /// Scopes the request needs; all must be held.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// The API client's address, for IP allowlists and brute-force throttling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_ip: Option<String>,
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
    pub reset: String,
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
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "VALID"))]
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

/// The bearer token of a request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The key a request presents: `Authorization: Bearer`, else `X-API-Key`.
pub fn presented_key(headers: &HeaderMap) -> Option<&str> {
    bearer(headers).or_else(|| {
        headers
            .get("x-api-key")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    })
}

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
