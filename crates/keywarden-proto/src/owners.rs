//! Owners (`/v1/owners`): the limits every key of an owner shares, and the
//! owner's page (its keys and limits).

use serde::{Deserialize, Serialize};

use crate::keys::{CreditsRequest, CreditsView, KeyView, RateLimitInput, RateLimitView};

/// Body of `PUT /v1/owners/{owner}/limits`.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OwnerLimitsRequest {
    /// At most `limit` verifications per `window_seconds`, all the owner's keys together.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitInput>,
    /// Credits all the owner's keys spend together (with an optional refill).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits: Option<CreditsRequest>,
}

/// An owner's shared limits.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OwnerLimitsView {
    /// The owner.
    pub owner: String,
    /// The shared rate limit.
    pub rate_limit: Option<RateLimitView>,
    /// The shared credits.
    pub credits: Option<CreditsView>,
    /// When the limits were first set, RFC 3339.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub created_at: String,
    /// When they last changed, RFC 3339.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub updated_at: String,
}

/// An owner: its shared limits and its keys.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OwnerView {
    /// The owner.
    pub owner: String,
    /// Its shared limits, if any.
    pub limits: Option<OwnerLimitsView>,
    /// Its keys, newest first (at most 200).
    pub keys: Vec<KeyView>,
}
