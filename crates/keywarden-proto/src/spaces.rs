//! Key spaces and roles (`/v1/spaces`): what the API takes and shows.
//!
//! A space holds keys (every key belongs to one; `default` unless it was
//! created elsewhere), gives them its own prefix, and holds defaults for
//! its new keys and roles: named sets of permissions its keys can hold.

use keywarden_core::{
    key::{Environment, Prefix},
    names::Scope,
    spaces::SpaceId,
};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use crate::schemas::{self, KeyName};
use crate::{keys::RateLimitInput, patch::double_option, whole};

/// Body of `POST /v1/spaces`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateSpaceRequest {
    /// Its id: 1 to 48 lowercase letters, digits or `-`.
    #[cfg_attr(feature = "openapi", schema(value_type = schemas::SpaceId))]
    pub id: SpaceId,
    /// A name for people (default: the id).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<KeyName>))]
    pub name: Option<String>,
    /// The prefix of its keys (`pay` mints `pay_live_…`); default: the
    /// deployment's. Unique among spaces.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::KeyPrefix>))]
    pub key_prefix: Option<Prefix>,
    /// What its new keys get unless their request says otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defaults: Option<SpaceDefaultsBody>,
    /// The rules for keys its customers make in the customer portal
    /// (default: the defaults above, 20 live keys per owner, no approval).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portal: Option<PortalPolicyBody>,
    /// Refuse to delete the space, even once it holds no live key.
    #[serde(default)]
    pub delete_protection: bool,
}

/// Body of `PATCH /v1/spaces/{space}`: fields left out stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PatchSpaceRequest {
    /// A new name, or null for the id.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<KeyName>))]
    pub name: Option<Option<String>>,
    /// A new prefix for keys made from now on (existing keys keep theirs),
    /// or null for the deployment's.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::KeyPrefix>))]
    pub key_prefix: Option<Option<Prefix>>,
    /// New defaults (replacing the old ones), or null for none.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub defaults: Option<Option<SpaceDefaultsBody>>,
    /// A new portal policy (replacing the old one; the defaults stay), or
    /// null for none.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub portal: Option<Option<PortalPolicyBody>>,
    /// Refuse deletion (`true`), or allow it again (`false` or null).
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub delete_protection: Option<Option<bool>>,
}

/// What a new key of a space gets unless its request says otherwise.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SpaceDefaultsBody {
    /// The environments its keys may be created in (empty: any). A policy:
    /// a request for another environment is refused (422
    /// `ENVIRONMENT_NOT_ALLOWED`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<schemas::Environment>, max_items = 20))]
    pub environments: Vec<Environment>,
    /// The rate limit of a new key that asks for none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitInput>,
    /// The credits of a new key that asks for neither credits nor a usage
    /// limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits: Option<SpaceCreditsBody>,
    /// Required expiry: a new key lives at most this long (`90d`); one asked
    /// without an expiry gets exactly this lifetime.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::Duration>))]
    pub max_lifetime: Option<String>,
}

/// The rules for keys made in the customer portal, per space.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PortalPolicyBody {
    /// The environments a customer may make keys in (empty: the space's;
    /// the first is the default). Each must be one the space allows (a
    /// change of the space's environments that leaves one out is refused).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<schemas::Environment>, max_items = 20))]
    pub environments: Vec<Environment>,
    /// Most live keys (not revoked, not expired) an owner may hold in the
    /// space before the portal refuses new ones (default 20, at most
    /// 1,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000))]
    pub max_keys_per_owner: Option<u32>,
    /// Longest lifetime of a portal-made key (`365d`): every one gets an
    /// expiry, this one when it asks none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::Duration>))]
    pub max_lifetime: Option<String>,
    /// The rate limit of a portal-made key (default: the space's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitInput>,
    /// The credits of a portal-made key (default: the space's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits: Option<SpaceCreditsBody>,
    /// Portal-made keys start `pending` (refused with `PENDING_APPROVAL`)
    /// until an operator approves them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub require_approval: bool,
}

/// A space's default credits: `{"amount": 1000, "refill_interval": "1d"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SpaceCreditsBody {
    /// Credits a new key starts with (at least 1).
    #[serde(deserialize_with = "whole::i64")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub amount: i64,
    /// Set back to `amount` at each such interval since the key's creation
    /// (1 minute to 366 days); none: no refill.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schemas::RefillInterval>))]
    pub refill_interval: Option<String>,
}

/// A space.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpaceView {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The prefix its new keys get.
    pub key_prefix: String,
    /// Whether that prefix is the deployment's (no prefix of its own).
    pub key_prefix_inherited: bool,
    /// What its new keys get.
    pub defaults: SpaceDefaultsBody,
    /// The rules for keys its customers make in the customer portal
    /// (absent: the defaults, 20 live keys per owner, no approval).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portal: Option<PortalPolicyBody>,
    /// Whether deletion is refused.
    pub delete_protection: bool,
    /// Its keys.
    pub keys: i64,
    /// Its keys not revoked.
    pub live_keys: i64,
    /// Its roles.
    pub roles: i64,
    /// RFC 3339.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub created_at: String,
    /// RFC 3339.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub updated_at: String,
}

/// The answer of `GET /v1/spaces`: the spaces the root key sees, by id.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpaceList {
    /// The spaces.
    pub spaces: Vec<SpaceView>,
}

/// Body of `PUT /v1/spaces/{space}/roles/{role}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PutRoleRequest {
    /// The permissions the role grants (replacing what it granted), at
    /// most 100: dotted or colon-separated names, a last part `*` covering
    /// everything under it.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<schemas::Scope>, max_items = 100))]
    pub permissions: Vec<Scope>,
}

/// A role.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleView {
    /// Its space.
    pub space: String,
    /// Its name.
    pub name: String,
    /// What it grants.
    pub permissions: Vec<String>,
    /// RFC 3339.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub created_at: String,
    /// RFC 3339.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub updated_at: String,
}

/// The answer of `GET /v1/spaces/{space}/roles`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleList {
    /// The roles, by name.
    pub roles: Vec<RoleView>,
}
