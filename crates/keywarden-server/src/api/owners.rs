//! Owners: the limits every key of an owner shares, and the owner's page
//! (its keys and limits).

use axum::{Json, extract::State, http::StatusCode};
use keywarden_core::names::Owner;
pub use keywarden_proto::owners::{OwnerLimitsRequest, OwnerLimitsView, OwnerView};
use keywarden_store::{KeyFilter, Permission};

use crate::{
    auth::Caller,
    error::{ApiError, ErrorBody},
    extract::{ApiJson, ApiPath},
    keys,
    state::AppState,
    views::{FromRecord, KeyView},
};

fn owner_of(text: &str) -> Result<Owner, ApiError> {
    text.parse::<Owner>()
        .map_err(|e| ApiError::invalid("INVALID_OWNER", e.to_string()))
}

/// Set the limits every key of an owner shares, checked besides each key's own.
#[utoipa::path(put, path = "/v1/owners/{owner}/limits", tag = "owners",
    params(("owner" = keywarden_proto::schemas::Owner, Path)), request_body = OwnerLimitsRequest,
    security(("root_key" = ["keys:write"])),
    responses((status = 200, body = OwnerLimitsView), (status = 422, body = ErrorBody)))]
pub async fn put_limits(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(owner): ApiPath<String>,
    ApiJson(req): ApiJson<OwnerLimitsRequest>,
) -> Result<Json<OwnerLimitsView>, ApiError> {
    let target = format!("owner:{owner}");
    caller
        .require(
            &state,
            Permission::KeysWrite,
            keywarden_store::AuditAction::OwnerLimitsSet,
            Some(&target),
        )
        .await?;
    let owner = owner_of(&owner)?;
    let credits = req.credits.map(keys::CreditsInput::from);
    let limits = keys::set_owner_limits(
        &state,
        &caller,
        &owner,
        req.rate_limit.map(Into::into),
        credits.as_ref(),
    )
    .await?;
    Ok(Json(OwnerLimitsView::new(&limits, state.now())))
}

/// Read an owner's shared limits.
#[utoipa::path(get, path = "/v1/owners/{owner}/limits", tag = "owners",
    params(("owner" = keywarden_proto::schemas::Owner, Path)),
    security(("root_key" = ["keys:read"])),
    responses((status = 200, body = OwnerLimitsView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_limits(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(owner): ApiPath<String>,
) -> Result<Json<OwnerLimitsView>, ApiError> {
    let target = format!("owner:{owner}");
    caller
        .require(
            &state,
            Permission::KeysRead,
            keywarden_store::AuditAction::OwnerRead,
            Some(&target),
        )
        .await?;
    let owner = owner_of(&owner)?;
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
    caller: Caller,
    ApiPath(owner): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let target = format!("owner:{owner}");
    caller
        .require(
            &state,
            Permission::KeysWrite,
            keywarden_store::AuditAction::OwnerLimitsDelete,
            Some(&target),
        )
        .await?;
    let owner = owner_of(&owner)?;
    if keys::delete_owner_limits(&state, &caller, &owner).await? {
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
    caller: Caller,
    ApiPath(owner): ApiPath<String>,
) -> Result<Json<OwnerView>, ApiError> {
    let target = format!("owner:{owner}");
    caller
        .require(
            &state,
            Permission::KeysRead,
            keywarden_store::AuditAction::OwnerRead,
            Some(&target),
        )
        .await?;
    let owner = owner_of(&owner)?;
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
