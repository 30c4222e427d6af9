//! Leaked keys (`/v1/leaks`): reports that revoke them (anyone's, and
//! GitHub's secret scanning's), and checks of what a key found in the open
//! is (ours, and TruffleHog's verification webhook). A key travels only in
//! the requests, read into a zeroizing type; the answers never hold one.

use std::collections::BTreeMap;

use keywarden_core::secret::{SecretString, serialize_exposed};
use serde::{Deserialize, Serialize};

use crate::keys::RateLimitView;

/// One leaked key.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LeakReport {
    /// The key (zeroized after use, redacted in `Debug`).
    #[serde(serialize_with = "serialize_exposed")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub key: SecretString,
    /// Where it was found (a URL, a path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Answer: how many reports were taken and processed.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeakAccepted {
    /// Reports taken.
    pub accepted: usize,
    /// Reports processed before this answer (all of them): each key of
    /// this deployment among them is revoked, durably. A client that
    /// reads less than `accepted` here (or no such field: an older server,
    /// which revoked after answering) has no confirmation.
    pub processed: usize,
}

/// Body of `POST /v1/leaks/check`.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    /// The key found (zeroized after use, redacted in `Debug`).
    #[serde(serialize_with = "serialize_exposed")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub key: SecretString,
}

/// Where a key found in the open stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// It works: revoke it.
    Active,
    /// Made in the customer portal, waiting for approval: it works once
    /// approved.
    Pending,
    /// Disabled: it works again when enabled.
    Disabled,
    /// Past its expiry.
    Expired,
    /// Revoked.
    Revoked,
    /// No key of this deployment.
    Unknown,
}

/// What kind of key it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum KeyKind {
    /// An API key.
    ApiKey,
    /// A root key of the management API: the most dangerous kind.
    RootKey,
}

/// What a key found in the open is, and what it may do. Never the key.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckedKey {
    /// Where it stands.
    pub status: CheckStatus,
    /// API key or root key; absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<KeyKind>,
    /// Its id; absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// An API key's environment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// An API key's owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// What it may do: an API key's scopes, a root key's permissions.
    pub may: Vec<String>,
    /// When it expires, RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub expires_at: Option<String>,
    /// An API key's credits left (as of its last use), unspent by the check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits_remaining: Option<i64>,
    /// An API key's rate limit, unspent by the check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitView>,
}

/// One token GitHub found.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GithubReport {
    /// The token (zeroized after use, redacted in `Debug`).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub token: SecretString,
    /// The token type the pattern was registered under.
    #[serde(rename = "type")]
    pub token_type: String,
    /// Where it was found.
    #[serde(default)]
    pub url: Option<String>,
    /// What kind of place: `content`, `commit`, `pull_request_comment`, …
    #[serde(default)]
    pub source: Option<String>,
}

/// GitHub's verdict vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GithubTokenLabel {
    /// A key of this deployment: it is revoked now.
    TruePositive,
    /// Not a key of this deployment.
    FalsePositive,
}

/// The feedback on one token.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GithubTokenFeedback {
    /// The token, as reported.
    pub token_raw: String,
    /// The type, as reported.
    pub token_type: String,
    /// The verdict.
    pub label: GithubTokenLabel,
}

/// The body of TruffleHog's verification webhook: detector name → regex
/// name → the match, then its capture groups.
pub type TrufflehogMatches = BTreeMap<String, BTreeMap<String, Vec<SecretString>>>;

/// What TruffleHog found: detector name → regex name → the whole match,
/// then the regex's capture groups. The key is taken from capture group 1
/// when there is one, else from the whole match.
// The schema of `TrufflehogMatches`: the derive cannot see through the
// secret type.
#[cfg(feature = "openapi")]
#[derive(utoipa::ToSchema)]
#[schema(as = TrufflehogMatches)]
#[allow(dead_code)]
pub struct TrufflehogMatchesSchema(BTreeMap<String, BTreeMap<String, Vec<String>>>);

/// The answer for an active key. The key itself is never in it: TruffleHog
/// keeps the start of a 200 answer's body with the finding.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrufflehogVerified {
    /// Always `true`.
    pub verified: bool,
    /// The key's id.
    pub key_id: String,
    /// An API key or a root key (the most dangerous kind).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<KeyKind>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_report_carries_its_key_and_hides_it_in_debug() {
        let report = LeakReport {
            key: SecretString::new("kw_live_abc".to_owned()),
            source: None,
        };
        assert_eq!(
            serde_json::to_string(&report).unwrap(),
            r#"{"key":"kw_live_abc"}"#
        );
        assert!(!format!("{report:?}").contains("kw_live_abc"));
        let check = CheckRequest {
            key: SecretString::new("kw_live_abc".to_owned()),
        };
        let text = serde_json::to_string(&check).unwrap();
        assert_eq!(text, r#"{"key":"kw_live_abc"}"#);
        let back: CheckRequest = serde_json::from_str(&text).unwrap();
        assert_eq!(back.key.expose(), "kw_live_abc");
    }

    #[test]
    fn a_check_reads_back() {
        let text = r#"{"status":"active","kind":"root_key","key_id":"rk_1","may":["keys:read"]}"#;
        let checked: CheckedKey = serde_json::from_str(text).unwrap();
        assert_eq!(checked.status, CheckStatus::Active);
        assert_eq!(checked.kind, Some(KeyKind::RootKey));
        assert_eq!(serde_json::to_string(&checked).unwrap(), text);
    }
}
