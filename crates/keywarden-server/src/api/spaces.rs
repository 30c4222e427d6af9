//! Key spaces and their roles over HTTP. The handlers build a command,
//! have it authorized, and call the engine's `spaces` service with the
//! proof; a space the root key does not see is 404.

use axum::{Json, extract::State, http::StatusCode};
pub use keywarden_proto::spaces::{
    CreateSpaceRequest, PatchSpaceRequest, PutRoleRequest, RoleList, RoleView, SpaceList, SpaceView,
};

use crate::{
    authz::{Actor, authorize},
    command::{
        CreateSpace, DeleteRole, DeleteSpace, ListRoles, ListSpaces, ReadSpace, SetRole,
        UpdateSpace,
    },
    error::{ApiError, ErrorBody},
    extract::{ApiJson, ApiPath},
    spaces,
    state::AppState,
    views::{role_view, space_view},
};

/// Create a key space: its keys get its prefix (`pay_live_…`) and its
/// defaults. A root key scoped to spaces may create only a space it holds.
#[utoipa::path(post, path = "/v1/spaces", tag = "spaces", request_body = CreateSpaceRequest,
    security(("root_key" = ["spaces:write"])),
    responses((status = 201, body = SpaceView), (status = 409, description = "the id or the prefix is another space's (`SPACE_EXISTS`)", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_space(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(request): ApiJson<CreateSpaceRequest>,
) -> Result<(StatusCode, Json<SpaceView>), ApiError> {
    let proof = authorize(&state, &actor, CreateSpace { request }).await?;
    let record = spaces::create(&state, proof).await?;
    let summary = keywarden_store::SpaceSummary {
        space: record,
        keys: 0,
        live_keys: 0,
        roles: 0,
    };
    Ok((StatusCode::CREATED, Json(space_view(&state, &summary))))
}

/// The spaces the root key sees, by id, with their counts.
#[utoipa::path(get, path = "/v1/spaces", tag = "spaces",
    security(("root_key" = ["keys:read"])),
    responses((status = 200, body = SpaceList)))]
pub async fn list_spaces(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<SpaceList>, ApiError> {
    let proof = authorize(&state, &actor, ListSpaces).await?;
    let spaces = spaces::list(&state, proof).await?;
    Ok(Json(SpaceList {
        spaces: spaces.iter().map(|s| space_view(&state, s)).collect(),
    }))
}

/// Read a space.
#[utoipa::path(get, path = "/v1/spaces/{space}", tag = "spaces",
    params(("space" = keywarden_proto::schemas::SpaceId, Path)),
    security(("root_key" = ["keys:read"])),
    responses((status = 200, body = SpaceView), (status = 404, body = ErrorBody)))]
pub async fn get_space(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<SpaceView>, ApiError> {
    let proof = authorize(&state, &actor, ReadSpace { id }).await?;
    let summary = spaces::read(&state, proof).await?;
    Ok(Json(space_view(&state, &summary)))
}

/// Change a space: its name, the prefix of keys made from now on, its
/// defaults (replaced whole), its delete protection.
#[utoipa::path(patch, path = "/v1/spaces/{space}", tag = "spaces",
    params(("space" = keywarden_proto::schemas::SpaceId, Path)), request_body = PatchSpaceRequest,
    security(("root_key" = ["spaces:write"])),
    responses((status = 200, body = SpaceView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_space(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<String>,
    ApiJson(changes): ApiJson<PatchSpaceRequest>,
) -> Result<Json<SpaceView>, ApiError> {
    let proof = authorize(&state, &actor, UpdateSpace { id, changes }).await?;
    let id = spaces::update(&state, proof).await?.id;
    let summary = state
        .store()
        .list_spaces(Some(std::slice::from_ref(&id)))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::not_found("space"))?;
    Ok(Json(space_view(&state, &summary)))
}

/// Delete a space and its roles. Refused (409) while it holds a key that is
/// not revoked (`SPACE_HAS_KEYS`) or a vault secret (`SPACE_HAS_SECRETS`), or while it has delete protection
/// (`DELETE_PROTECTED`; the space `default` always has).
#[utoipa::path(delete, path = "/v1/spaces/{space}", tag = "spaces",
    params(("space" = keywarden_proto::schemas::SpaceId, Path)),
    security(("root_key" = ["spaces:write"])),
    responses((status = 204, description = "deleted"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_space(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    spaces::delete(&state, authorize(&state, &actor, DeleteSpace { id }).await?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A space's roles, by name.
#[utoipa::path(get, path = "/v1/spaces/{space}/roles", tag = "spaces",
    params(("space" = keywarden_proto::schemas::SpaceId, Path)),
    security(("root_key" = ["keys:read"])),
    responses((status = 200, body = RoleList), (status = 404, body = ErrorBody)))]
pub async fn list_roles(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(space): ApiPath<String>,
) -> Result<Json<RoleList>, ApiError> {
    let roles = spaces::list_roles(
        &state,
        authorize(&state, &actor, ListRoles { space }).await?,
    )
    .await?;
    Ok(Json(RoleList {
        roles: roles.iter().map(role_view).collect(),
    }))
}

/// Read a role.
#[utoipa::path(get, path = "/v1/spaces/{space}/roles/{role}", tag = "spaces",
    params(("space" = keywarden_proto::schemas::SpaceId, Path), ("role" = keywarden_proto::schemas::RoleName, Path)),
    security(("root_key" = ["keys:read"])),
    responses((status = 200, body = RoleView), (status = 404, body = ErrorBody)))]
pub async fn get_role(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath((space, role)): ApiPath<(String, String)>,
) -> Result<Json<RoleView>, ApiError> {
    let roles = spaces::list_roles(
        &state,
        authorize(&state, &actor, ListRoles { space }).await?,
    )
    .await?;
    roles
        .iter()
        .find(|r| r.name.as_str() == role)
        .map(|r| Json(role_view(r)))
        .ok_or_else(|| ApiError::not_found("role"))
}

/// Set a role's permissions (creating it). Keys holding it get them on
/// every node within a second.
#[utoipa::path(put, path = "/v1/spaces/{space}/roles/{role}", tag = "spaces",
    params(("space" = keywarden_proto::schemas::SpaceId, Path), ("role" = keywarden_proto::schemas::RoleName, Path)),
    request_body = PutRoleRequest,
    security(("root_key" = ["spaces:write"])),
    responses((status = 200, description = "changed", body = RoleView), (status = 201, description = "created", body = RoleView),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_role(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath((space, name)): ApiPath<(String, String)>,
    ApiJson(req): ApiJson<PutRoleRequest>,
) -> Result<(StatusCode, Json<RoleView>), ApiError> {
    let command = SetRole {
        space,
        name,
        permissions: req.permissions,
    };
    let (role, created) =
        spaces::set_role(&state, authorize(&state, &actor, command).await?).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(role_view(&role))))
}

/// Delete a role: keys holding it lose it, and what it granted.
#[utoipa::path(delete, path = "/v1/spaces/{space}/roles/{role}", tag = "spaces",
    params(("space" = keywarden_proto::schemas::SpaceId, Path), ("role" = keywarden_proto::schemas::RoleName, Path)),
    security(("root_key" = ["spaces:write"])),
    responses((status = 204, description = "deleted"), (status = 404, body = ErrorBody)))]
pub async fn delete_role(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath((space, name)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    spaces::delete_role(
        &state,
        authorize(&state, &actor, DeleteRole { space, name }).await?,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
