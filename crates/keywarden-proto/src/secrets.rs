//! The vault: secrets a team holds, per space and environment
//! (`/v1/secrets/{env}…`), and the keyed digests a scanner looks for
//! (`POST /v1/vault/scan-digests`). Values travel only in `value` fields,
//! zeroized after use and redacted in `Debug`.

use keywarden_core::secret::{SecretString, serialize_exposed, serialize_exposed_opt};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use crate::schemas;

/// The longest value the vault keeps, in characters (a PEM bundle fits;
/// the request's body limit, 64 KiB by default, applies first).
pub const MAX_SECRET_CHARS: usize = 60_000;

/// The longest note, in characters.
pub const MAX_SECRET_NOTE: usize = 500;

/// Body of `PUT /v1/secrets/{env}/{name}`: a new version of the value.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PutSecretRequest {
    /// The value: any text up to 60,000 characters without NUL
    /// (multi-line, empty).
    #[serde(serialize_with = "serialize_exposed")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, max_length = 60000))]
    pub value: SecretString,
    /// A note for people (absent: kept; `null`: cleared).
    #[serde(
        default,
        deserialize_with = "crate::patch::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 500))]
    pub note: Option<Option<String>>,
    /// How often the value should change (`90d`): past it,
    /// `secret.rotation_due` is raised once per period (absent: kept;
    /// `null`: no reminder).
    #[serde(
        default,
        deserialize_with = "crate::patch::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::Duration>))]
    pub rotate_every: Option<Option<String>>,
}

/// A secret: its metadata, and its value only where one was asked for.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecretView {
    /// Its name.
    #[cfg_attr(feature = "openapi", schema(value_type = schemas::SecretName))]
    pub name: String,
    /// Its environment.
    #[cfg_attr(feature = "openapi", schema(value_type = schemas::Environment))]
    pub environment: String,
    /// Its space.
    #[cfg_attr(feature = "openapi", schema(value_type = schemas::SpaceId))]
    pub space: String,
    /// The current version (from 1).
    pub version: i64,
    /// A note for people.
    pub note: Option<String>,
    /// How often it should be rotated.
    pub rotate_every: Option<String>,
    /// When it was first written (RFC 3339).
    pub created_at: String,
    /// When its value last changed.
    pub updated_at: String,
    /// When its value was last read.
    pub last_read_at: Option<String>,
    /// When its rotation is (or was) due.
    pub rotation_due_at: Option<String>,
    /// Whether its rotation is due now.
    pub rotation_due: bool,
    /// The value, when asked for (`GET …/{name}`, `?values=true`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_exposed_opt"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub value: Option<SecretString>,
}

/// `GET /v1/secrets/{env}`: an environment's secrets, by name.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecretList {
    /// The environment.
    #[cfg_attr(feature = "openapi", schema(value_type = schemas::Environment))]
    pub environment: String,
    /// The space.
    #[cfg_attr(feature = "openapi", schema(value_type = schemas::SpaceId))]
    pub space: String,
    /// Its secrets, by name.
    pub secrets: Vec<SecretView>,
}

/// Query of `GET /v1/secrets/{env}`.
#[derive(Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ListSecretsQuery {
    /// The space (default `default`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<schemas::SpaceId>))]
    pub space: Option<String>,
    /// Also answer every value (audited as one read naming them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<bool>,
}

/// Query of the routes of one secret.
#[derive(Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct SecretQuery {
    /// The space (default `default`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<schemas::SpaceId>))]
    pub space: Option<String>,
}

/// One kept version of a secret.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecretVersionView {
    /// Its number.
    pub version: i64,
    /// When it was written (RFC 3339).
    pub created_at: String,
    /// Who wrote it (a root key id).
    pub created_by: String,
    /// Whether it is the current value.
    pub current: bool,
}

/// `GET /v1/secrets/{env}/{name}/versions`: the kept versions, newest
/// first.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecretHistory {
    /// The secret.
    pub secret: SecretView,
    /// Its kept versions, newest first.
    pub versions: Vec<SecretVersionView>,
}

/// Body of `POST /v1/secrets/{env}/{name}/rollback`.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RollbackSecretRequest {
    /// The kept version whose value becomes a new version.
    #[serde(deserialize_with = "crate::whole::number")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub to: i64,
}

/// Body of `POST /v1/vault/scan-digests`.
#[derive(Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VaultScanRequest {
    /// The space (default `default`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::SpaceId>))]
    pub space: Option<String>,
    /// The environments (default: every one the root key holds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<schemas::Environment>>, max_items = 50))]
    pub environments: Option<Vec<String>>,
}

/// One vault value, as a scanner may look for it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VaultDigest {
    /// `<environment>/<name>`.
    pub label: String,
    /// The value's length in bytes.
    pub length: usize,
    /// HMAC-SHA256 of the value under `key`, hex.
    pub digest: String,
    /// The value's 16-bit tag (SipHash-2-4 under a key derived from
    /// `key`): a scanner computes the HMAC only of tokens whose tag
    /// matches.
    pub tag: u16,
}

/// `POST /v1/vault/scan-digests`: keyed digests of the vault's values
/// under a key made for this scan (never the values).
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VaultScanDigests {
    /// The scan's HMAC-SHA256 key: 32 bytes, hex.
    pub key: String,
    /// One entry per secret.
    pub secrets: Vec<VaultDigest>,
}
