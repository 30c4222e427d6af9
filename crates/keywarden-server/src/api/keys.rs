//! Key management over HTTP: create, list, read, change, roll, revoke,
//! reveal, usage. The handlers turn the request into a command
//! (`crate::command`), have it authorized, and call the key service
//! (`crate::keys`) with the proof for every change.

use axum::{
    Json,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::IntoResponse,
};
pub use keywarden_proto::keys::{
    Bucket, BulkRevokeRequest, BulkRevokeResponse, CreateKeyRequest, CreditsRequest, ImportRequest,
    ImportResponse, KeyList, ListQuery, NamedRateLimitInput, PatchKeyRequest, RateLimitInput,
    RefillRequest, RevealedKey, RevokeRequest, RollRequest, RolledKey, UsageBucketView, UsageQuery,
    UsageResponse,
};
use keywarden_store::{Cursor, KeyFilter};

use crate::{
    authz::{Actor, authorize},
    command::{
        ApproveKey, CreateKey, DeclineKey, DisableKey, EnableKey, ImportKeys, ListKeys, ReadKey,
        ReadKeyUsage, RevealKey, RevokeKey, RevokeKeys, RollKey, UpdateKey,
    },
    error::{ApiError, ErrorBody},
    extract::{ApiJson, ApiPath, ApiQuery, OptionalJson},
    keys,
    state::AppState,
    timefmt,
    views::{CreatedKey, FromRecord, KeyView},
};

/// Create a key. The response holds the key itself, the only time it is shown.
#[utoipa::path(post, path = "/v1/keys", tag = "keys", request_body = CreateKeyRequest,
    security(("root_key" = ["keys:write"])),
    responses((status = 201, body = CreatedKey), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_key(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(req): ApiJson<CreateKeyRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let proof = authorize(&state, &actor, CreateKey { key: req.into() }).await?;
    let created = keys::create(&state, proof).await?;
    Ok((
        StatusCode::CREATED,
        no_store(),
        Json(CreatedKey::new(created, state.now())),
    ))
}

/// `Cache-Control: no-store` for responses that hold a secret.
pub(crate) fn no_store() -> [(header::HeaderName, HeaderValue); 1] {
    [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))]
}

/// List keys, newest first, with filters and cursor pagination.
#[utoipa::path(get, path = "/v1/keys", tag = "keys", params(ListQuery),
    security(("root_key" = ["keys:read"])),
    responses((status = 200, body = KeyList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_keys(
    State(state): State<AppState>,
    actor: Actor,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<KeyList>, ApiError> {
    let proof = authorize(&state, &actor, ListKeys).await?;
    let status = q.status;
    let limit = q.limit.unwrap_or(crate::bounds::KEYS_PAGE_DEFAULT);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::invalid("INVALID_QUERY", "limit must be 1 to 200"));
    }
    let cursor = q
        .cursor
        .as_deref()
        .map(|c| {
            Cursor::decode(c).ok_or_else(|| {
                ApiError::invalid("INVALID_QUERY", "cursor is not one this API gave out")
            })
        })
        .transpose()?;
    super::check_text("search", q.search.as_deref())?;
    let filter = KeyFilter {
        owner: q.owner,
        environment: q.environment,
        status,
        search: q.search,
        space: q.space,
        visible: actor.spaces().map(<[_]>::to_vec),
    };
    let now = state.now();
    let page = state
        .store()
        .list_keys(&filter, now, limit, cursor.as_ref())
        .await?;
    state
        .store()
        .audit(&proof.draft(
            &state,
            None,
            serde_json::json!({ "returned": page.items.len() }),
        ))
        .await?;
    Ok(Json(KeyList {
        keys: page.items.iter().map(|k| KeyView::new(k, now)).collect(),
        next_cursor: page.next,
    }))
}

/// Read a key.
#[utoipa::path(get, path = "/v1/keys/{id}", tag = "keys", params(("id" = String, Path)),
    security(("root_key" = ["keys:read"])),
    responses((status = 200, body = KeyView), (status = 404, body = ErrorBody)))]
pub async fn get_key(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<KeyView>, ApiError> {
    let proof = authorize(&state, &actor, ReadKey { id }).await?;
    let id = keys::parse_id(&proof.command().id)?;
    let record = keys::load(&state, &actor, &id).await?;
    state
        .store()
        .audit(&proof.draft(&state, Some(id.as_str()), serde_json::json!({})))
        .await?;
    Ok(Json(KeyView::new(&record, state.now())))
}

/// Change a key's scopes, metadata, expiry, limits or allowlist.
#[utoipa::path(patch, path = "/v1/keys/{id}", tag = "keys", params(("id" = String, Path)), request_body = PatchKeyRequest,
    security(("root_key" = ["keys:write"])),
    responses((status = 200, body = KeyView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_key(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<PatchKeyRequest>,
) -> Result<Json<KeyView>, ApiError> {
    let command = UpdateKey {
        id,
        changes: req.into(),
    };
    let updated = keys::update(&state, authorize(&state, &actor, command).await?).await?;
    Ok(Json(KeyView::new(&updated, state.now())))
}

/// Roll a key: a new key with the same settings; the old one keeps working
/// for the grace period (default 24h, at most 30 days).
#[utoipa::path(post, path = "/v1/keys/{id}/roll", tag = "keys", params(("id" = String, Path)), request_body(content = RollRequest, description = "optional"),
    security(("root_key" = ["keys:write"])),
    responses((status = 201, body = RolledKey), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn roll_key(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<String>,
    OptionalJson(req): OptionalJson<RollRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let command = RollKey {
        id,
        grace_period: req.grace_period,
        share: req.share,
    };
    let rolled = keys::roll(&state, authorize(&state, &actor, command).await?).await?;
    let now = state.now();
    let (created, previous) = (
        CreatedKey::new(rolled.new, now),
        KeyView::new(&rolled.previous, now),
    );
    Ok((
        StatusCode::CREATED,
        no_store(),
        Json(RolledKey {
            new: created,
            previous,
        }),
    ))
}

/// Revoke a key now.
#[utoipa::path(post, path = "/v1/keys/{id}/revoke", tag = "keys", params(("id" = String, Path)), request_body(content = RevokeRequest, description = "optional"),
    security(("root_key" = ["keys:revoke"])),
    responses((status = 200, body = KeyView), (status = 404, body = ErrorBody)))]
pub async fn revoke_key(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<String>,
    OptionalJson(req): OptionalJson<RevokeRequest>,
) -> Result<Json<KeyView>, ApiError> {
    let command = RevokeKey {
        id,
        reason: req.reason,
    };
    let record = keys::revoke(&state, authorize(&state, &actor, command).await?).await?;
    Ok(Json(KeyView::new(&record, state.now())))
}

/// Disable a key: it is refused (`DISABLED`, forward-auth 403) on every
/// node at once, until it is enabled again. Reversible, unlike a revocation.
#[utoipa::path(post, path = "/v1/keys/{id}/disable", tag = "keys", params(("id" = String, Path)),
    security(("root_key" = ["keys:revoke"])),
    responses((status = 200, body = KeyView), (status = 409, description = "the key is revoked (`KEY_REVOKED`)", body = ErrorBody)))]
pub async fn disable_key(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<KeyView>, ApiError> {
    let record = keys::disable(&state, authorize(&state, &actor, DisableKey { id }).await?).await?;
    Ok(Json(KeyView::new(&record, state.now())))
}

/// Enable a disabled key again.
#[utoipa::path(post, path = "/v1/keys/{id}/enable", tag = "keys", params(("id" = String, Path)),
    security(("root_key" = ["keys:write"])),
    responses((status = 200, body = KeyView), (status = 409, description = "the key is revoked (`KEY_REVOKED`)", body = ErrorBody)))]
pub async fn enable_key(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<KeyView>, ApiError> {
    let record = keys::enable(&state, authorize(&state, &actor, EnableKey { id }).await?).await?;
    Ok(Json(KeyView::new(&record, state.now())))
}

/// Approve a key made in the customer portal under `require_approval`: it
/// works from now on (until then it is refused with `PENDING_APPROVAL`).
#[utoipa::path(post, path = "/v1/keys/{id}/approve", tag = "keys", params(("id" = String, Path)),
    security(("root_key" = ["keys:write"])),
    responses((status = 200, body = KeyView), (status = 404, body = ErrorBody), (status = 409, description = "the key is revoked (`KEY_REVOKED`)", body = ErrorBody)))]
pub async fn approve_key(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<KeyView>, ApiError> {
    let record = keys::approve(&state, authorize(&state, &actor, ApproveKey { id }).await?).await?;
    Ok(Json(KeyView::new(&record, state.now())))
}

/// Decline a key waiting for approval: it is revoked (reason `declined`).
#[utoipa::path(post, path = "/v1/keys/{id}/decline", tag = "keys", params(("id" = String, Path)),
    security(("root_key" = ["keys:revoke"])),
    responses((status = 200, body = KeyView), (status = 404, body = ErrorBody), (status = 409, description = "the key does not wait for approval (`NOT_PENDING`) or is revoked", body = ErrorBody)))]
pub async fn decline_key(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<KeyView>, ApiError> {
    let record = keys::decline(&state, authorize(&state, &actor, DeclineKey { id }).await?).await?;
    Ok(Json(KeyView::new(&record, state.now())))
}

/// Emergency: revoke every key of an owner and/or environment.
#[utoipa::path(post, path = "/v1/keys/revoke", tag = "keys", request_body = BulkRevokeRequest,
    security(("root_key" = ["keys:revoke"])),
    responses((status = 200, body = BulkRevokeResponse), (status = 422, body = ErrorBody)))]
pub async fn bulk_revoke(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(req): ApiJson<BulkRevokeRequest>,
) -> Result<Json<BulkRevokeResponse>, ApiError> {
    let command = RevokeKeys {
        owner: req.owner,
        environment: req.environment,
        space: req.space,
        reason: req.reason,
    };
    let proof = authorize(&state, &actor, command).await?;
    if !req.confirm {
        return Err(ApiError::invalid(
            "CONFIRMATION_REQUIRED",
            "bulk revoke needs \"confirm\": true",
        ));
    }
    let ids = keys::bulk(&state, proof).await?;
    Ok(Json(BulkRevokeResponse {
        revoked: ids.len(),
        key_ids: ids,
    }))
}

/// The largest import body: 1,000 keys of up to about 4 KiB each.
pub const MAX_IMPORT_BODY: usize = 4 * 1024 * 1024;

/// Import keys made by another system (up to 1,000 a request): each row
/// gives the key's text (`plaintext`, any format) or the old system's hash
/// of it (`hash`). Rows that cannot be taken are reported with their index;
/// rows already imported (`external_id`, text or hash) are skipped. An
/// imported key verifies with its old string; one known by its hash is
/// moved to a keyed digest at its first verification, and the hash deleted.
#[utoipa::path(post, path = "/v1/keys/import", tag = "keys", request_body = ImportRequest,
    security(("root_key" = ["keys:write"])),
    responses((status = 200, body = ImportResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn import_keys(
    State(state): State<AppState>,
    actor: Actor,
    crate::extract::LargeJson(req): crate::extract::LargeJson<ImportRequest, MAX_IMPORT_BODY>,
) -> Result<Json<ImportResponse>, ApiError> {
    let proof = authorize(&state, &actor, ImportKeys { rows: req.keys }).await?;
    let report = keys::import(&state, proof).await?;
    Ok(Json(ImportResponse {
        imported: report.counts.imported,
        skipped: report.counts.skipped,
        failed: report.errors.len(),
        errors: report.errors,
    }))
}

/// Read back a recoverable key's secret. Audited.
#[utoipa::path(get, path = "/v1/keys/{id}/secret", tag = "keys", params(("id" = String, Path)),
    security(("root_key" = ["keys:reveal"])),
    responses((status = 200, body = RevealedKey), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn reveal_key(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<String>,
) -> Result<impl IntoResponse, ApiError> {
    let (id, key) =
        keys::reveal(&state, authorize(&state, &actor, RevealKey { id }).await?).await?;
    Ok((
        no_store(),
        Json(RevealedKey {
            id: id.to_string(),
            key,
        }),
    ))
}

/// Verifications of a key over time, by outcome.
#[utoipa::path(get, path = "/v1/keys/{id}/usage", tag = "keys", params(("id" = String, Path), UsageQuery),
    security(("root_key" = ["keys:read"])),
    responses((status = 200, body = UsageResponse), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn key_usage(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<UsageQuery>,
) -> Result<Json<UsageResponse>, ApiError> {
    usage(&state, &actor, id, q).await.map(Json)
}

/// A key's verifications over time, as `actor` may read them (the API's
/// and the portal's usage).
pub(crate) async fn usage(
    state: &AppState,
    actor: &Actor,
    id: String,
    q: UsageQuery,
) -> Result<UsageResponse, ApiError> {
    let proof = authorize(state, actor, ReadKeyUsage { id }).await?;
    let id = keys::parse_id(&proof.command().id)?;
    keys::load(state, actor, &id).await?;
    let bucket = q.bucket.unwrap_or(Bucket::Hour);
    let bucket_ms = bucket.millis();
    let time = |t: &Option<String>, name: &str| -> Result<Option<i64>, ApiError> {
        t.as_deref()
            .map(|t| {
                timefmt::parse_rfc3339(t).ok_or_else(|| {
                    ApiError::invalid("INVALID_QUERY", format!("{name} must be an RFC 3339 time"))
                })
            })
            .transpose()
    };
    let to = time(&q.to, "to")?.unwrap_or_else(|| state.now() + 1);
    let from = time(&q.from, "from")?.unwrap_or(to - 60 * bucket_ms);
    if from >= to {
        return Err(ApiError::invalid("INVALID_QUERY", "from must be before to"));
    }
    if (to - from) / bucket_ms > 10_000 {
        return Err(ApiError::invalid(
            "INVALID_QUERY",
            "at most 10000 buckets: use a larger bucket",
        ));
    }
    let buckets = state
        .store()
        .usage_buckets(Some(&id), bucket_ms, from, to)
        .await?;
    state
        .store()
        .audit(&proof.draft(state, Some(id.as_str()), serde_json::json!({})))
        .await?;
    Ok(UsageResponse {
        key_id: id.to_string(),
        bucket,
        buckets: buckets
            .into_iter()
            .map(|b| UsageBucketView {
                start: timefmt::rfc3339(b.start),
                total: b.total,
                by_code: b.by_code,
            })
            .collect(),
    })
}
