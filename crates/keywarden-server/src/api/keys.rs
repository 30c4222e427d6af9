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
use keywarden_core::{
    key::Environment,
    names::{Owner, Scope},
};
use keywarden_proto::{schemas, whole};
use keywarden_store::{Cursor, KeyFilter, KeyStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    api::schema::{FilterText, KeyCursor, KeyName, KeyStatusName, Reason},
    authz::{Actor, authorize},
    command::{
        CreateKey, DisableKey, EnableKey, ListKeys, ReadKey, ReadKeyUsage, RevealKey, RevokeKey,
        RevokeKeys, RollKey, UpdateKey,
    },
    error::{ApiError, ErrorBody},
    extract::{ApiJson, ApiPath, ApiQuery, OptionalJson, double_option},
    keys,
    state::AppState,
    timefmt,
    views::{CreatedKey, KeyView},
};

/// Body of `POST /v1/keys`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKeyRequest {
    /// Environment the key belongs to (`live`, `test`, ...; `root` is reserved).
    #[schema(value_type = schemas::Environment)]
    pub environment: Environment,
    /// Who the key belongs to.
    #[schema(value_type = Option<schemas::Owner>)]
    pub owner: Option<Owner>,
    /// A name for people: at most 200 characters, without control or
    /// invisible formatting characters.
    #[schema(value_type = Option<KeyName>)]
    pub name: Option<String>,
    /// `resource:action` scopes; `orders:*` covers every action on orders.
    #[serde(default)]
    #[schema(value_type = Vec<schemas::Scope>, max_items = 100)]
    pub scopes: Vec<Scope>,
    /// Expiry, RFC 3339, in the future (or use `expires_in`, not both).
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
    /// Lifetime from now: `90d`, `12h`, `30m` (units ms, s, m, h, d, w).
    #[schema(value_type = Option<schemas::Duration>)]
    pub expires_in: Option<String>,
    /// Free-form JSON object returned by verification (at most 16 KiB;
    /// its keys, at every depth, without control or invisible formatting
    /// characters).
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<serde_json::Value>,
    /// Client networks allowed to use the key (CIDRs or addresses).
    #[serde(default)]
    #[schema(value_type = Vec<schemas::Network>, max_items = 100)]
    pub ip_allowlist: Vec<String>,
    /// At most `limit` verifications per `window_seconds`.
    pub rate_limit: Option<RateLimitInput>,
    /// Named rate limits, each checked besides `rate_limit` (e.g. 10 a
    /// second and 10,000 a day): every one must admit a request; the
    /// verification names the one that refused.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub rate_limits: Vec<NamedRateLimitInput>,
    /// Total verifications allowed (credits without a refill; or use
    /// `credits`, not both).
    #[serde(default, deserialize_with = "whole::option")]
    #[schema(minimum = 1)]
    pub usage_limit: Option<i64>,
    /// Credits: each verification spends its `cost` (default 1); with a
    /// refill, `remaining` is set back to `refill.amount` at each interval
    /// boundary since the key's creation.
    pub credits: Option<CreditsRequest>,
    /// Keep the secret encrypted so it can be read back (needs a master key).
    #[serde(default)]
    pub recoverable: bool,
    /// Also make a one-time share link for the key (`share_url`).
    pub share: Option<crate::share::ShareRequest>,
}

/// `{"remaining": N, "refill": {"amount": A, "interval": "1d"}}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditsRequest {
    /// Credits now.
    #[serde(deserialize_with = "whole::i64")]
    #[schema(minimum = 0)]
    pub remaining: i64,
    /// How the credits refill, if they do.
    pub refill: Option<RefillRequest>,
}

/// `{"amount": A, "interval": "1d"}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefillRequest {
    /// Credits after each refill.
    #[serde(deserialize_with = "whole::i64")]
    #[schema(minimum = 1)]
    pub amount: i64,
    /// Time between refills, a minute to 366 days: `1m`, `1h`, `1d`, `30d`.
    #[schema(value_type = schemas::RefillInterval)]
    pub interval: String,
}

impl From<CreditsRequest> for keys::CreditsInput {
    fn from(c: CreditsRequest) -> Self {
        Self {
            remaining: c.remaining,
            refill: c.refill.map(|r| keys::RefillInput {
                amount: r.amount,
                interval: r.interval,
            }),
        }
    }
}

/// `{"name": "per-second", "limit": 10, "window_seconds": 1}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NamedRateLimitInput {
    /// Unique on the key (`DUPLICATE_RATE_LIMIT` otherwise).
    #[schema(pattern = r"^[a-z0-9][a-z0-9_.-]{0,31}$")]
    pub name: String,
    /// Requests per window (1 to 1,000,000).
    #[serde(deserialize_with = "whole::u32")]
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub limit: u32,
    /// Window in seconds (1 to 2,592,000, 30 days).
    #[serde(deserialize_with = "whole::u32")]
    #[schema(minimum = 1, maximum = 2_592_000)]
    pub window_seconds: u32,
}

impl From<NamedRateLimitInput> for keywarden_store::NamedRateLimit {
    fn from(r: NamedRateLimitInput) -> Self {
        Self {
            name: r.name,
            limit: r.limit,
            window_seconds: r.window_seconds,
        }
    }
}

/// `{"limit": N, "window_seconds": S}`.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimitInput {
    /// Requests per window (1 to 1,000,000).
    #[serde(deserialize_with = "whole::u32")]
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub limit: u32,
    /// Window in seconds (1 to 86,400).
    #[serde(deserialize_with = "whole::u32")]
    #[schema(minimum = 1, maximum = 86_400)]
    pub window_seconds: u32,
}

impl From<RateLimitInput> for keys::RateLimitInput {
    fn from(r: RateLimitInput) -> Self {
        Self {
            limit: r.limit,
            window_seconds: r.window_seconds,
        }
    }
}

impl From<CreateKeyRequest> for keys::NewKey {
    fn from(r: CreateKeyRequest) -> Self {
        Self {
            environment: r.environment,
            owner: r.owner,
            name: r.name,
            scopes: r.scopes,
            expires_at: r.expires_at,
            expires_in: r.expires_in,
            metadata: r.metadata,
            ip_allowlist: r.ip_allowlist,
            rate_limit: r.rate_limit.map(Into::into),
            usage_limit: r.usage_limit,
            credits: r.credits.map(Into::into),
            rate_limits: r.rate_limits.into_iter().map(Into::into).collect(),
            recoverable: r.recoverable,
            share: r.share,
        }
    }
}

impl From<PatchKeyRequest> for keys::KeyChanges {
    /// `null` clears: no scopes, `{}`, no allowlist, no named limits (and
    /// no expiry, no rate limit, no usage limit, no credits).
    fn from(r: PatchKeyRequest) -> Self {
        Self {
            name: r.name,
            owner: r.owner,
            scopes: r.scopes.map(Option::unwrap_or_default),
            metadata: r
                .metadata
                .map(|m| m.unwrap_or_else(|| serde_json::json!({}))),
            expires_at: r.expires_at,
            expires_in: r.expires_in,
            ip_allowlist: r.ip_allowlist.map(Option::unwrap_or_default),
            rate_limit: r.rate_limit.map(|r| r.map(Into::into)),
            usage_limit: r.usage_limit,
            credits: r.credits.map(|c| c.map(Into::into)),
            rate_limits: r
                .rate_limits
                .map(|l| l.unwrap_or_default().into_iter().map(Into::into).collect()),
        }
    }
}

/// Body of `PATCH /v1/keys/{id}`: fields left out stay, `null` clears
/// (every field).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchKeyRequest {
    /// New name, or null.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<KeyName>)]
    pub name: Option<Option<String>>,
    /// New owner, or null.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<schemas::Owner>)]
    pub owner: Option<Option<Owner>>,
    /// New scopes, or null for none.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Vec<schemas::Scope>>, max_items = 100)]
    pub scopes: Option<Option<Vec<Scope>>>,
    /// New metadata (as on create), or null for `{}`.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Option<serde_json::Value>>,
    /// New expiry (RFC 3339, in the future), or null for none.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<Option<String>>,
    /// New lifetime from now, or null for no expiry (as `expires_at: null`).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<schemas::Duration>)]
    pub expires_in: Option<Option<String>>,
    /// New allowlist, or null for none (any address).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Vec<schemas::Network>>, max_items = 100)]
    pub ip_allowlist: Option<Option<Vec<String>>>,
    /// New rate limit, or null for none.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<RateLimitInput>)]
    pub rate_limit: Option<Option<RateLimitInput>>,
    /// New usage limit (resets the uses left), or null for none.
    #[serde(default, deserialize_with = "whole::double_option")]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub usage_limit: Option<Option<i64>>,
    /// New named rate limits (`[]` or null for none).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Vec<NamedRateLimitInput>>, max_items = 10)]
    pub rate_limits: Option<Option<Vec<NamedRateLimitInput>>>,
    /// New credits (and refill), or null for none.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<CreditsRequest>)]
    pub credits: Option<Option<CreditsRequest>>,
}

/// Body of `POST /v1/keys/{id}/roll` (optional).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RollRequest {
    /// How long the old key keeps working: `24h` (default), `0s` to stop it now, at most `30d`.
    #[schema(value_type = Option<schemas::GracePeriod>)]
    pub grace_period: Option<String>,
    /// Also make a one-time share link for the new key (`share_url`).
    pub share: Option<crate::share::ShareRequest>,
}

/// Body of `POST /v1/keys/{id}/revoke` (optional).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    /// Why (default `manual`): 1 to 200 characters, without control characters.
    #[schema(value_type = Option<Reason>)]
    pub reason: Option<String>,
}

/// Body of `POST /v1/keys/revoke`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkRevokeRequest {
    /// Revoke this owner's keys.
    #[schema(value_type = Option<schemas::Owner>)]
    pub owner: Option<Owner>,
    /// Revoke this environment's keys.
    #[schema(value_type = Option<schemas::Environment>)]
    pub environment: Option<Environment>,
    /// Must be `true`.
    #[serde(default)]
    pub confirm: bool,
    /// Why (default `emergency`): 1 to 200 characters, without control characters.
    #[schema(value_type = Option<Reason>)]
    pub reason: Option<String>,
}

/// Answer of a bulk revoke.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkRevokeResponse {
    /// How many keys were revoked.
    pub revoked: usize,
    /// Their ids.
    pub key_ids: Vec<String>,
}

/// Query of `GET /v1/keys`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Only this owner's keys.
    #[param(value_type = Option<schemas::Owner>)]
    pub owner: Option<Owner>,
    /// Only this environment.
    #[param(value_type = Option<schemas::Environment>)]
    pub environment: Option<Environment>,
    /// `active`, `expired` or `revoked`.
    #[param(value_type = Option<KeyStatusName>)]
    pub status: Option<KeyStatus>,
    /// Text to find in id, name, owner or hint (at most 200 characters).
    #[param(value_type = Option<FilterText>)]
    pub search: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(value_type = Option<KeyCursor>)]
    pub cursor: Option<String>,
}

/// A page of keys.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyList {
    /// The keys, newest first.
    pub keys: Vec<KeyView>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// A roll's result: the new key (with its secret) and the old one.
#[derive(Serialize, ToSchema)]
pub struct RolledKey {
    /// The new key.
    #[serde(flatten)]
    pub new: CreatedKey,
    /// The old key, now expiring at the end of the grace period.
    pub previous: KeyView,
}

/// A recoverable key's secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevealedKey {
    /// Key id.
    pub id: String,
    /// The key.
    #[serde(serialize_with = "keywarden_core::secret::serialize_exposed")]
    #[schema(value_type = String)]
    pub key: keywarden_core::secret::PlaintextKey,
}

/// Query of `GET /v1/keys/{id}/usage`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UsageQuery {
    /// `minute`, `hour` (default) or `day`.
    pub bucket: Option<Bucket>,
    /// Start, RFC 3339 (default: 60 buckets before `to`).
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// End, RFC 3339 (default: now).
    #[param(format = DateTime)]
    pub to: Option<String>,
}

/// The width of a usage bucket.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Bucket {
    /// One minute.
    Minute,
    /// One hour.
    Hour,
    /// One day.
    Day,
}

impl Bucket {
    fn millis(self) -> i64 {
        match self {
            Self::Minute => 60_000,
            Self::Hour => 3_600_000,
            Self::Day => 86_400_000,
        }
    }
}

/// Verifications of a key over time.
#[derive(Debug, Serialize, ToSchema)]
pub struct UsageResponse {
    /// The key.
    pub key_id: String,
    /// `minute`, `hour` or `day`.
    pub bucket: Bucket,
    /// Non-empty buckets, oldest first.
    pub buckets: Vec<UsageBucketView>,
}

/// One bucket.
#[derive(Debug, Serialize, ToSchema)]
pub struct UsageBucketView {
    /// Start, RFC 3339.
    #[schema(format = DateTime)]
    pub start: String,
    /// Verifications.
    pub total: i64,
    /// By outcome code.
    pub by_code: std::collections::BTreeMap<String, i64>,
}

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
    let record = keys::load(&state, &id).await?;
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
    let proof = authorize(&state, &actor, ReadKeyUsage { id }).await?;
    let id = keys::parse_id(&proof.command().id)?;
    keys::load(&state, &id).await?;
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
        .audit(&proof.draft(&state, Some(id.as_str()), serde_json::json!({})))
        .await?;
    Ok(Json(UsageResponse {
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
    }))
}
