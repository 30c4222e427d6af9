//! The vault over HTTP: `/v1/secrets/{env}…` and the keyed digests a
//! scanner looks for, `POST /v1/vault/scan-digests`. The handlers build a
//! command, have it authorized, and call the engine's `vault` with the
//! proof. Answers holding a value are `Cache-Control: no-store`.

use axum::{
    Json,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use keywarden_core::{clock::format_duration, secret::SecretString};
pub use keywarden_proto::secrets::{
    ListSecretsQuery, PutSecretRequest, RollbackSecretRequest, SecretHistory, SecretList,
    SecretQuery, SecretVersionView, SecretView, VaultDigest, VaultScanDigests, VaultScanRequest,
};
use keywarden_store::SecretRecord;

use crate::{
    api::keys::no_store,
    authz::{Actor, authorize},
    command::{
        DeleteSecret, ListSecrets, PutSecret, ReadSecret, ReadSecretHistory, RollbackSecret,
        ScanVault, SecretTarget,
    },
    error::{ApiError, ErrorBody},
    extract::{ApiJson, ApiPath, ApiQuery},
    state::AppState,
    timefmt,
};

/// A secret's view at `now`, with its value when one was read.
pub fn secret_view(record: &SecretRecord, now: i64, value: Option<SecretString>) -> SecretView {
    let due_at = record.rotation_due_at();
    SecretView {
        name: record.name.clone(),
        environment: record.environment.to_string(),
        space: record.space.to_string(),
        version: record.version,
        note: record.note.clone(),
        rotate_every: record.rotate_every.map(format_duration),
        created_at: timefmt::rfc3339(record.created_at),
        updated_at: timefmt::rfc3339(record.updated_at),
        last_read_at: timefmt::opt(record.last_read_at),
        rotation_due_at: timefmt::opt(due_at),
        rotation_due: due_at.is_some_and(|at| at <= now),
        value,
    }
}

fn target(space: Option<String>, environment: String, name: Option<String>) -> SecretTarget {
    SecretTarget {
        space,
        environment,
        name,
    }
}

/// An environment's secrets: names and metadata; with `values=true`, every
/// value too (audited as one read naming every secret).
#[utoipa::path(get, path = "/v1/secrets/{env}", tag = "secrets",
    params(("env" = keywarden_proto::schemas::Environment, Path), ListSecretsQuery),
    security(("root_key" = ["secrets:read"])),
    responses((status = 200, body = SecretList), (status = 404, body = ErrorBody), (status = 409, description = "no master key (`MASTER_KEY_REQUIRED`)", body = ErrorBody)))]
pub async fn list_secrets(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(environment): ApiPath<String>,
    ApiQuery(q): ApiQuery<ListSecretsQuery>,
) -> Result<Response, ApiError> {
    let values = q.values.unwrap_or(false);
    let command = ListSecrets {
        target: target(q.space, environment, None),
        values,
    };
    let proof = authorize(&state, &actor, command).await?;
    let (place, read) = crate::vault::list(&state, proof).await?;
    let now = state.now();
    let body = Json(SecretList {
        environment: place.environment.to_string(),
        space: place.space.to_string(),
        secrets: read
            .into_iter()
            .map(|(record, value)| secret_view(&record, now, value))
            .collect(),
    });
    Ok(if values {
        (no_store(), body).into_response()
    } else {
        body.into_response()
    })
}

/// One secret with its value (audited; its `last_read_at` is set).
#[utoipa::path(get, path = "/v1/secrets/{env}/{name}", tag = "secrets",
    params(("env" = keywarden_proto::schemas::Environment, Path), ("name" = keywarden_proto::schemas::SecretName, Path), SecretQuery),
    security(("root_key" = ["secrets:read"])),
    responses((status = 200, body = SecretView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn get_secret(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath((environment, name)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<SecretQuery>,
) -> Result<Response, ApiError> {
    let command = ReadSecret {
        target: target(q.space, environment, Some(name)),
    };
    let proof = authorize(&state, &actor, command).await?;
    let read = crate::vault::read(&state, proof).await?;
    let view = secret_view(&read.record, state.now(), Some(read.value));
    Ok((no_store(), Json(view)).into_response())
}

/// Write a secret: a new version of its value (the first makes it). The
/// versions past the kept number (`secret_versions`, 20) are deleted.
#[utoipa::path(put, path = "/v1/secrets/{env}/{name}", tag = "secrets",
    params(("env" = keywarden_proto::schemas::Environment, Path), ("name" = keywarden_proto::schemas::SecretName, Path), SecretQuery),
    request_body = PutSecretRequest,
    security(("root_key" = ["secrets:write"])),
    responses((status = 200, body = SecretView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_secret(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath((environment, name)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<SecretQuery>,
    ApiJson(request): ApiJson<PutSecretRequest>,
) -> Result<Json<SecretView>, ApiError> {
    let command = PutSecret {
        target: target(q.space, environment, Some(name)),
        request,
    };
    let proof = authorize(&state, &actor, command).await?;
    let record = crate::vault::put(&state, proof).await?;
    Ok(Json(secret_view(&record, state.now(), None)))
}

/// Delete a secret and every version of it.
#[utoipa::path(delete, path = "/v1/secrets/{env}/{name}", tag = "secrets",
    params(("env" = keywarden_proto::schemas::Environment, Path), ("name" = keywarden_proto::schemas::SecretName, Path), SecretQuery),
    security(("root_key" = ["secrets:write"])),
    responses((status = 204, description = "deleted"), (status = 404, body = ErrorBody)))]
pub async fn delete_secret(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath((environment, name)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<SecretQuery>,
) -> Result<StatusCode, ApiError> {
    let command = DeleteSecret {
        target: target(q.space, environment, Some(name)),
    };
    crate::vault::delete(&state, authorize(&state, &actor, command).await?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A secret's kept versions, newest first (no values).
#[utoipa::path(get, path = "/v1/secrets/{env}/{name}/versions", tag = "secrets",
    params(("env" = keywarden_proto::schemas::Environment, Path), ("name" = keywarden_proto::schemas::SecretName, Path), SecretQuery),
    security(("root_key" = ["secrets:read"])),
    responses((status = 200, body = SecretHistory), (status = 404, body = ErrorBody)))]
pub async fn secret_versions(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath((environment, name)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<SecretQuery>,
) -> Result<Json<SecretHistory>, ApiError> {
    let command = ReadSecretHistory {
        target: target(q.space, environment, Some(name)),
    };
    let proof = authorize(&state, &actor, command).await?;
    let (record, versions) = crate::vault::history(&state, proof).await?;
    Ok(Json(SecretHistory {
        secret: secret_view(&record, state.now(), None),
        versions: versions
            .iter()
            .map(|v| SecretVersionView {
                version: v.version,
                created_at: timefmt::rfc3339(v.created_at),
                created_by: v.created_by.clone(),
                current: v.version == record.version,
            })
            .collect(),
    }))
}

/// Roll a secret back: a new version whose value is the kept version
/// `to`'s (history is never rewritten).
#[utoipa::path(post, path = "/v1/secrets/{env}/{name}/rollback", tag = "secrets",
    params(("env" = keywarden_proto::schemas::Environment, Path), ("name" = keywarden_proto::schemas::SecretName, Path), SecretQuery),
    request_body = RollbackSecretRequest,
    security(("root_key" = ["secrets:write"])),
    responses((status = 200, body = SecretView), (status = 404, description = "no such secret, or the version is not kept", body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn rollback_secret(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath((environment, name)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<SecretQuery>,
    ApiJson(request): ApiJson<RollbackSecretRequest>,
) -> Result<Json<SecretView>, ApiError> {
    let command = RollbackSecret {
        target: target(q.space, environment, Some(name)),
        to: request.to,
    };
    let proof = authorize(&state, &actor, command).await?;
    let record = crate::vault::rollback(&state, proof).await?;
    Ok(Json(secret_view(&record, state.now(), None)))
}

/// Keyed digests of the vault's values for one scan (`keywarden scan
/// --vault`): a fresh random key and, per secret, HMAC-SHA256 of its
/// value under it and its length — never a value. Audited, naming the
/// secrets.
#[utoipa::path(post, path = "/v1/vault/scan-digests", tag = "secrets",
    request_body = VaultScanRequest,
    security(("root_key" = ["secrets:read"])),
    responses((status = 200, body = VaultScanDigests), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn scan_digests(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(request): ApiJson<VaultScanRequest>,
) -> Result<Response, ApiError> {
    let proof = authorize(&state, &actor, ScanVault { request }).await?;
    let digests = crate::vault::scan_digests(&state, proof).await?;
    Ok((no_store(), Json(digests)).into_response())
}
