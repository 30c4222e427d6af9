//! Owners: the limits every key of an owner shares, and the owner's page
//! (its keys and limits).

use axum::{Json, extract::State, http::StatusCode};
use keywarden_store::KeyFilter;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    api::keys::{CreditsRequest, RateLimitInput},
    authz::{Actor, authorize},
    command::{DeleteOwnerLimits, ReadOwner, SetOwnerLimits},
    error::{ApiError, ErrorBody},
    extract::{ApiJson, ApiPath},
    keys,
    state::AppState,
    timefmt,
    views::{CreditsView, KeyView, RateLimitView, RefillView},
};

/// Body of `PUT /v1/owners/{owner}/limits`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnerLimitsRequest {
    /// At most `limit` verifications per `window_seconds`, all the owner's keys together.
    pub rate_limit: Option<RateLimitInput>,
    /// Credits all the owner's keys spend together (with an optional refill).
    pub credits: Option<CreditsRequest>,
}

/// An owner's shared limits.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnerLimitsView {
    /// The owner.
    pub owner: String,
    /// The shared rate limit.
    pub rate_limit: Option<RateLimitView>,
    /// The shared credits.
    pub credits: Option<CreditsView>,
    /// When the limits were first set, RFC 3339.
    #[schema(format = DateTime)]
    pub created_at: String,
    /// When they last changed, RFC 3339.
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl OwnerLimitsView {
    fn new(l: &keywarden_store::OwnerLimits, now: i64) -> Self {
        Self {
            owner: l.owner.clone(),
            rate_limit: l.rate_limit.map(Into::into),
            credits: l.credits_remaining.map(|remaining| CreditsView {
                remaining,
                refill: l
                    .credits_refill
                    .map(|r| RefillView::new(r, l.created_at, now)),
            }),
            created_at: timefmt::rfc3339(l.created_at),
            updated_at: timefmt::rfc3339(l.updated_at),
        }
    }
}

/// An owner: its shared limits and its keys.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnerView {
    /// The owner.
    pub owner: String,
    /// Its shared limits, if any.
    pub limits: Option<OwnerLimitsView>,
    /// Its keys, newest first (at most 200).
    pub keys: Vec<KeyView>,
}

/// Set the limits every key of an owner shares, checked besides each key's own.
#[utoipa::path(put, path = "/v1/owners/{owner}/limits", tag = "owners",
    params(("owner" = keywarden_proto::schemas::Owner, Path)), request_body = OwnerLimitsRequest,
    security(("root_key" = ["keys:write"])),
    responses((status = 200, body = OwnerLimitsView), (status = 422, body = ErrorBody)))]
pub async fn put_limits(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(owner): ApiPath<String>,
    ApiJson(req): ApiJson<OwnerLimitsRequest>,
) -> Result<Json<OwnerLimitsView>, ApiError> {
    let command = SetOwnerLimits {
        owner,
        rate_limit: req.rate_limit.map(Into::into),
        credits: req.credits.map(keys::CreditsInput::from),
    };
    let limits = keys::set_owner_limits(&state, authorize(&state, &actor, command).await?).await?;
    Ok(Json(OwnerLimitsView::new(&limits, state.now())))
}

/// Read an owner's shared limits.
#[utoipa::path(get, path = "/v1/owners/{owner}/limits", tag = "owners",
    params(("owner" = keywarden_proto::schemas::Owner, Path)),
    security(("root_key" = ["keys:read"])),
    responses((status = 200, body = OwnerLimitsView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_limits(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(owner): ApiPath<String>,
) -> Result<Json<OwnerLimitsView>, ApiError> {
    let proof = authorize(&state, &actor, ReadOwner { owner }).await?;
    let owner = keys::parse_owner(&proof.command().owner)?;
    let limits = state
        .store()
        .get_owner_limits(owner.as_str())
        .await?
        .ok_or_else(|| ApiError::not_found("owner limits"))?;
    Ok(Json(OwnerLimitsView::new(&limits, state.now())))
}

/// Remove an owner's shared limits.
#[utoipa::path(delete, path = "/v1/owners/{owner}/limits", tag = "owners",
    params(("owner" = keywarden_proto::schemas::Owner, Path)),
    security(("root_key" = ["keys:write"])),
    responses((status = 204, description = "removed"), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_limits(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(owner): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let proof = authorize(&state, &actor, DeleteOwnerLimits { owner }).await?;
    if keys::delete_owner_limits(&state, proof).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("owner limits"))
    }
}

/// An owner: its shared limits and its keys.
#[utoipa::path(get, path = "/v1/owners/{owner}", tag = "owners",
    params(("owner" = keywarden_proto::schemas::Owner, Path)),
    security(("root_key" = ["keys:read"])),
    responses((status = 200, body = OwnerView), (status = 422, body = ErrorBody)))]
pub async fn get_owner(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(owner): ApiPath<String>,
) -> Result<Json<OwnerView>, ApiError> {
    let proof = authorize(&state, &actor, ReadOwner { owner }).await?;
    let owner = keys::parse_owner(&proof.command().owner)?;
    let now = state.now();
    let limits = state.store().get_owner_limits(owner.as_str()).await?;
    let filter = KeyFilter {
        owner: Some(owner.clone()),
        ..KeyFilter::default()
    };
    let page = state.store().list_keys(&filter, now, 200, None).await?;
    Ok(Json(OwnerView {
        owner: owner.to_string(),
        limits: limits.as_ref().map(|l| OwnerLimitsView::new(l, now)),
        keys: page.items.iter().map(|k| KeyView::new(k, now)).collect(),
    }))
}
