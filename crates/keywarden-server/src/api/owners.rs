//! Owners: the limits every key of an owner shares, and the owner's page
//! (its keys and limits).

use axum::{Json, extract::State, http::StatusCode};
pub use keywarden_proto::owners::{OwnerLimitsRequest, OwnerLimitsView, OwnerView};
use keywarden_store::KeyFilter;

use crate::{
    authz::{Actor, authorize},
    command::{DeleteOwnerLimits, ReadOwner, SetOwnerLimits},
    error::{ApiError, ErrorBody},
    extract::{ApiJson, ApiPath},
    keys,
    state::AppState,
    views::{FromRecord, KeyView},
};

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
    keys::parse_owner(&proof.command().owner)?;
    let limits = keys::owner_limits(&state, &proof)
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
    let limits = keys::owner_limits(&state, &proof).await?;
    let filter = KeyFilter {
        owner: Some(owner.clone()),
        visible: actor.spaces().map(<[_]>::to_vec),
        ..KeyFilter::default()
    };
    let page = state.store().list_keys(&filter, now, 200, None).await?;
    Ok(Json(OwnerView {
        owner: owner.to_string(),
        limits: limits.as_ref().map(|l| OwnerLimitsView::new(l, now)),
        keys: page.items.iter().map(|k| KeyView::new(k, now)).collect(),
    }))
}
