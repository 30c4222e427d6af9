//! The customer portal: the link a provider's backend mints
//! (`POST /v1/portal/sessions`), and the JSON API of a portal session
//! (`/portal/api/…`), which the portal page uses and a provider's own UI
//! can use instead.

use keywarden_core::secret::{self, PlaintextKey, SecretString};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use crate::schemas::{self, KeyName};

/// What a portal session may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PortalGrant {
    /// See the owner's keys (needs the issuing root key's `keys:read`).
    #[serde(rename = "keys:read")]
    KeysRead,
    /// Create keys (`keys:write`).
    #[serde(rename = "keys:create")]
    KeysCreate,
    /// Roll keys (`keys:write`).
    #[serde(rename = "keys:roll")]
    KeysRoll,
    /// Revoke keys (`keys:revoke`).
    #[serde(rename = "keys:revoke")]
    KeysRevoke,
    /// See the keys' usage (`keys:read`).
    #[serde(rename = "usage:read")]
    UsageRead,
}

impl PortalGrant {
    /// Every grant.
    pub const ALL: [PortalGrant; 5] = [
        Self::KeysRead,
        Self::KeysCreate,
        Self::KeysRoll,
        Self::KeysRevoke,
        Self::UsageRead,
    ];

    /// Its name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::KeysRead => "keys:read",
            Self::KeysCreate => "keys:create",
            Self::KeysRoll => "keys:roll",
            Self::KeysRevoke => "keys:revoke",
            Self::UsageRead => "usage:read",
        }
    }
}

impl std::str::FromStr for PortalGrant {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|g| g.as_str() == s)
            .ok_or_else(|| format!("unknown grant {s:?}"))
    }
}

impl std::fmt::Display for PortalGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Body of `POST /v1/portal/sessions`: a one-time link for one customer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreatePortalSessionRequest {
    /// The customer (the keys' `owner`): the session sees only its keys.
    #[cfg_attr(feature = "openapi", schema(value_type = schemas::Owner))]
    pub owner: String,
    /// The space the session sees (default `default`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::SpaceId>))]
    pub space: Option<String>,
    /// What the session may do (1 to 5; a repeat counts once); the root
    /// key must hold the permission each stands for.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 5))]
    pub grants: Vec<PortalGrant>,
    /// Where the portal's "back" link goes: an `http` or `https` URL in
    /// printable ASCII (percent-encode the rest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 2048, pattern = r"^https?://[!-.0-~][!-~]*$")
    )]
    pub return_url: Option<String>,
    /// How long the link can be opened (default `5m`, at most `15m`). The
    /// session it opens lasts the deployment's `portal.session_max`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::Duration>))]
    pub expires_in: Option<String>,
}

/// The answer of `POST /v1/portal/sessions`.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalSession {
    /// The one-time link: send the signed-in customer's browser there. It
    /// opens once; it is a secret until then.
    #[serde(serialize_with = "secret::serialize_exposed")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub url: SecretString,
    /// Until when it opens (RFC 3339).
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub expires_at: String,
    /// The customer.
    pub owner: String,
    /// The space.
    pub space: String,
    /// What the session may do.
    pub grants: Vec<PortalGrant>,
}

/// A key as its customer sees it in the portal.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalKey {
    /// Its id.
    pub id: String,
    /// Its name.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<KeyName>))]
    pub name: Option<String>,
    /// Its last characters, to recognize it.
    pub hint: String,
    /// Its environment.
    pub environment: String,
    /// `active`, `pending`, `disabled`, `expired` or `revoked`.
    #[cfg_attr(feature = "openapi", schema(value_type = schemas::KeyStatusName))]
    pub status: String,
    /// RFC 3339.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub created_at: String,
    /// When it stops working (RFC 3339).
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub expires_at: Option<String>,
    /// Its last successful use (RFC 3339).
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub last_used_at: Option<String>,
    /// Credits left, when it has credits.
    pub credits_remaining: Option<i64>,
    /// The key that replaced it in a roll.
    pub rotated_to: Option<String>,
}

/// The answer of `GET /portal/api/keys`.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalKeyList {
    /// The customer's keys in the session's space, newest first.
    pub keys: Vec<PortalKey>,
}

/// Body of `POST /portal/api/keys`.
#[derive(Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PortalCreateKey {
    /// A name for the customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<KeyName>))]
    pub name: Option<String>,
    /// Its environment: one the space's portal policy allows (default: the
    /// first of them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::Environment>))]
    pub environment: Option<String>,
    /// Its lifetime (`90d`); at most the policy's `max_lifetime`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::Duration>))]
    pub expires_in: Option<String>,
}

/// Body of `POST /portal/api/keys/{id}/roll`.
#[derive(Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PortalRollKey {
    /// How long the old key keeps working: `1m`, `15m`, `1h`, `6h` or
    /// `24h` (default `1h`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_period: Option<String>,
}

/// A key made (or rolled) in the portal: the only answer that holds it.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalCreatedKey {
    /// The key. Shown once.
    #[serde(
        serialize_with = "secret::serialize_exposed",
        deserialize_with = "crate::secret::plaintext_key"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub key: PlaintextKey,
    /// The key as a `.env` line (`API_KEY=…`).
    #[serde(serialize_with = "secret::serialize_exposed")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub env_line: SecretString,
    /// The new key.
    pub record: PortalKey,
    /// For a roll: the old key, working until its new expiry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<PortalKey>,
}

/// The grace periods the portal offers for a roll.
pub const PORTAL_GRACE_PERIODS: [(&str, &str); 5] = [
    ("1m", "1 minute"),
    ("15m", "15 minutes"),
    ("1h", "1 hour"),
    ("6h", "6 hours"),
    ("24h", "24 hours"),
];
