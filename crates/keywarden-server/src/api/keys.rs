//! Key management: create, list, read, change, roll, revoke, reveal, usage.

use axum::{
    Json,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::IntoResponse,
};
use ipnet::IpNet;
use keywarden_core::{
    envelope,
    key::{self, Environment, KeyId},
    names::{Owner, Scope},
};
use keywarden_store::{
    Cursor, KeyFilter, KeyPatch, KeyRecord, KeyStatus, Permission, RateLimit, SealedSecret,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    auth::Caller,
    error::{ApiError, ErrorBody},
    extract::{ApiJson, ApiPath, ApiQuery, OptionalJson, double_option},
    state::AppState,
    timefmt,
    views::{CreatedKey, KeyView},
};

/// Longest name.
const MAX_NAME: usize = 200;
/// Largest metadata object, serialized.
const MAX_METADATA: usize = 16 * 1024;
/// Most allowlist entries.
const MAX_ALLOWLIST: usize = 100;
/// Most scopes on a key.
const MAX_SCOPES: usize = 100;
/// Longest roll grace period.
pub(crate) const MAX_GRACE_MS: i64 = 30 * 86_400_000;

/// Body of `POST /v1/keys`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKeyRequest {
    /// Environment the key belongs to (`live`, `test`, ...; `root` is reserved).
    #[schema(value_type = String, example = "live")]
    pub environment: Environment,
    /// Who the key belongs to.
    #[schema(value_type = Option<String>, example = "acme")]
    pub owner: Option<Owner>,
    /// A name for people.
    pub name: Option<String>,
    /// `resource:action` scopes; `orders:*` covers every action on orders.
    #[serde(default)]
    #[schema(value_type = Vec<String>, example = json!(["orders:read"]))]
    pub scopes: Vec<Scope>,
    /// Expiry, RFC 3339.
    pub expires_at: Option<String>,
    /// Lifetime from now: `90d`, `12h`, `30m`.
    pub expires_in: Option<String>,
    /// Free-form JSON object returned by verification.
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<serde_json::Value>,
    /// Client networks allowed to use the key (CIDRs or addresses).
    #[serde(default)]
    pub ip_allowlist: Vec<String>,
    /// At most `limit` verifications per `window_seconds`.
    pub rate_limit: Option<RateLimitInput>,
    /// Total verifications allowed.
    pub usage_limit: Option<i64>,
    /// Keep the secret encrypted so it can be read back (needs a master key).
    #[serde(default)]
    pub recoverable: bool,
}

/// `{"limit": N, "window_seconds": S}`.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimitInput {
    /// Requests per window (1 to 1,000,000).
    pub limit: u32,
    /// Window in seconds (1 to 86,400).
    pub window_seconds: u32,
}

/// Body of `PATCH /v1/keys/{id}`: fields left out stay, `null` clears.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchKeyRequest {
    /// New name, or null.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub name: Option<Option<String>>,
    /// New owner, or null.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub owner: Option<Option<Owner>>,
    /// New scopes.
    #[schema(value_type = Option<Vec<String>>)]
    pub scopes: Option<Vec<Scope>>,
    /// New metadata.
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<serde_json::Value>,
    /// New expiry (RFC 3339), or null for none.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub expires_at: Option<Option<String>>,
    /// New lifetime from now.
    pub expires_in: Option<String>,
    /// New allowlist.
    pub ip_allowlist: Option<Vec<String>>,
    /// New rate limit, or null for none.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<RateLimitInput>)]
    pub rate_limit: Option<Option<RateLimitInput>>,
    /// New usage limit (resets the uses left), or null for none.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub usage_limit: Option<Option<i64>>,
}

/// Body of `POST /v1/keys/{id}/roll` (optional).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RollRequest {
    /// How long the old key keeps working: `24h` (default), `0s` to stop it now, at most `30d`.
    pub grace_period: Option<String>,
}

/// Body of `POST /v1/keys/{id}/revoke` (optional).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    /// Why (default `manual`).
    pub reason: Option<String>,
}

/// Body of `POST /v1/keys/revoke`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkRevokeRequest {
    /// Revoke this owner's keys.
    #[schema(value_type = Option<String>)]
    pub owner: Option<Owner>,
    /// Revoke this environment's keys.
    #[schema(value_type = Option<String>)]
    pub environment: Option<Environment>,
    /// Must be `true`.
    #[serde(default)]
    pub confirm: bool,
    /// Why (default `emergency`).
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
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Only this owner's keys.
    #[param(value_type = Option<String>)]
    pub owner: Option<Owner>,
    /// Only this environment.
    #[param(value_type = Option<String>)]
    pub environment: Option<Environment>,
    /// `active`, `expired` or `revoked`.
    pub status: Option<String>,
    /// Text to find in id, name, owner or hint.
    pub search: Option<String>,
    /// Page size, 1 to 200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
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
#[serde(deny_unknown_fields)]
pub struct UsageQuery {
    /// `minute`, `hour` (default) or `day`.
    pub bucket: Option<String>,
    /// Start, RFC 3339 (default: 60 buckets before `to`).
    pub from: Option<String>,
    /// End, RFC 3339 (default: now).
    pub to: Option<String>,
}

/// Verifications of a key over time.
#[derive(Debug, Serialize, ToSchema)]
pub struct UsageResponse {
    /// The key.
    pub key_id: String,
    /// `minute`, `hour` or `day`.
    pub bucket: String,
    /// Non-empty buckets, oldest first.
    pub buckets: Vec<UsageBucketView>,
}

/// One bucket.
#[derive(Debug, Serialize, ToSchema)]
pub struct UsageBucketView {
    /// Start, RFC 3339.
    pub start: String,
    /// Verifications.
    pub total: i64,
    /// By outcome code.
    pub by_code: std::collections::BTreeMap<String, i64>,
}

pub(crate) fn parse_id(id: &str) -> Result<KeyId, ApiError> {
    id.parse().map_err(|_| ApiError::not_found("key"))
}

fn check_name(name: &Option<String>) -> Result<(), ApiError> {
    if let Some(n) = name
        && (n.chars().count() > MAX_NAME || !keywarden_core::names::is_clean_text(n))
    {
        return Err(ApiError::invalid(
            "INVALID_NAME",
            format!(
                "a name is at most {MAX_NAME} characters, without control characters or invisible formatting characters"
            ),
        ));
    }
    Ok(())
}

/// Whether every object key in `value`, at any depth, is clean text.
fn clean_keys(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Object(map) => map
            .iter()
            .all(|(k, v)| keywarden_core::names::is_clean_text(k) && clean_keys(v)),
        serde_json::Value::Array(items) => items.iter().all(clean_keys),
        _ => true,
    }
}

fn check_metadata(metadata: &serde_json::Value) -> Result<(), ApiError> {
    if !metadata.is_object() {
        return Err(ApiError::invalid(
            "INVALID_METADATA",
            "metadata must be a JSON object",
        ));
    }
    if metadata.to_string().len() > MAX_METADATA {
        return Err(ApiError::invalid(
            "INVALID_METADATA",
            format!("metadata is at most {MAX_METADATA} bytes"),
        ));
    }
    if !clean_keys(metadata) {
        return Err(ApiError::invalid(
            "INVALID_METADATA",
            "metadata keys may not hold control or invisible formatting characters",
        ));
    }
    Ok(())
}

fn check_scopes(scopes: &[Scope]) -> Result<(), ApiError> {
    if scopes.len() > MAX_SCOPES {
        return Err(ApiError::invalid(
            "INVALID_SCOPES",
            format!("a key holds at most {MAX_SCOPES} scopes"),
        ));
    }
    Ok(())
}

/// CIDRs, or single addresses (as /32 or /128).
pub(crate) fn parse_allowlist(entries: &[String]) -> Result<Vec<IpNet>, ApiError> {
    if entries.len() > MAX_ALLOWLIST {
        return Err(ApiError::invalid(
            "INVALID_CIDR",
            format!("at most {MAX_ALLOWLIST} allowlist entries"),
        ));
    }
    entries
        .iter()
        .map(|e| {
            let e = e.trim();
            e.parse::<IpNet>()
                .map(|n| n.trunc())
                .or_else(|_| e.parse::<std::net::IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    ApiError::invalid(
                        "INVALID_CIDR",
                        "ip_allowlist entries must be CIDRs like 10.0.0.0/8 or addresses",
                    )
                })
        })
        .collect()
}

fn rate_limit(input: Option<RateLimitInput>) -> Result<Option<RateLimit>, ApiError> {
    match input {
        None => Ok(None),
        Some(r)
            if (1..=1_000_000).contains(&r.limit) && (1..=86_400).contains(&r.window_seconds) =>
        {
            Ok(Some(RateLimit {
                limit: r.limit,
                window_seconds: r.window_seconds,
            }))
        }
        Some(_) => Err(ApiError::invalid(
            "INVALID_RATE_LIMIT",
            "rate_limit.limit must be 1 to 1000000 and window_seconds 1 to 86400",
        )),
    }
}

fn usage_limit(limit: Option<i64>) -> Result<Option<i64>, ApiError> {
    match limit {
        Some(n) if n < 1 => Err(ApiError::invalid(
            "INVALID_USAGE_LIMIT",
            "usage_limit must be at least 1",
        )),
        other => Ok(other),
    }
}

/// The expiry in effect from `expires_at` / `expires_in`.
fn expiry(
    expires_at: Option<&str>,
    expires_in: Option<&str>,
    now: i64,
) -> Result<Option<i64>, ApiError> {
    match (expires_at, expires_in) {
        (Some(_), Some(_)) => Err(ApiError::invalid(
            "INVALID_EXPIRY",
            "give expires_at or expires_in, not both",
        )),
        (Some(at), None) => {
            let at = timefmt::parse_rfc3339(at).ok_or_else(|| {
                ApiError::invalid("INVALID_EXPIRY", "expires_at must be an RFC 3339 time")
            })?;
            if at <= now {
                return Err(ApiError::invalid(
                    "EXPIRY_IN_PAST",
                    "expires_at is in the past",
                ));
            }
            Ok(Some(at))
        }
        (None, Some(d)) => {
            let ms = keywarden_core::clock::parse_duration(d).ok_or_else(|| {
                ApiError::invalid(
                    "INVALID_EXPIRY",
                    "expires_in must be like 90d, 12h, 30m or 45s",
                )
            })?;
            match now.checked_add(ms) {
                Some(at) if at <= keywarden_core::clock::MAX_TIME_MS => Ok(Some(at)),
                _ => Err(ApiError::invalid(
                    "INVALID_EXPIRY",
                    "expires_in ends after the year 9999",
                )),
            }
        }
        (None, None) => Ok(None),
    }
}

/// Applies the environment's policy (configuration) to an expiry.
fn check_policy(
    state: &AppState,
    env: &Environment,
    expires_at: Option<i64>,
    now: i64,
) -> Result<(), ApiError> {
    let Some(policy) = state.config().policy(env.as_str()) else {
        return Ok(());
    };
    match expires_at {
        None if policy.require_expiry => Err(ApiError::invalid(
            "EXPIRY_REQUIRED",
            format!("keys in the {env} environment must have an expiry"),
        )),
        Some(at) if policy.max_lifetime.is_some_and(|max| at - now > max.ms()) => {
            Err(ApiError::invalid(
                "LIFETIME_TOO_LONG",
                format!(
                    "keys in the {env} environment may live at most {}",
                    describe_ms(policy.max_lifetime.map_or(0, |m| m.ms()))
                ),
            ))
        }
        _ => Ok(()),
    }
}

fn describe_ms(ms: i64) -> String {
    const DAY: i64 = 86_400_000;
    if ms % DAY == 0 {
        format!("{} days", ms / DAY)
    } else {
        format!("{} hours", ms / 3_600_000)
    }
}

fn seal(state: &AppState, plaintext: &str, id: &KeyId) -> Result<SealedSecret, ApiError> {
    let master = state.0.master_key.as_ref().ok_or_else(|| {
        ApiError::invalid(
            "RECOVERY_UNAVAILABLE",
            "recoverable keys need a master key: start the server with KEYWARDEN_MASTER_KEY",
        )
    })?;
    let sealed =
        envelope::seal(master, plaintext.as_bytes(), id.as_str()).map_err(ApiError::internal)?;
    Ok(SealedSecret {
        ciphertext: sealed.ciphertext,
        wrapped_key: sealed.wrapped_key,
    })
}

pub(crate) async fn load(state: &AppState, id: &KeyId) -> Result<KeyRecord, ApiError> {
    state
        .store()
        .get_key(id)
        .await?
        .ok_or_else(|| ApiError::not_found("key"))
}

/// Create a key. The response holds the key itself, the only time it is shown.
#[utoipa::path(post, path = "/v1/keys", tag = "keys", request_body = CreateKeyRequest,
    security(("root_key" = ["keys:write"])),
    responses((status = 201, body = CreatedKey), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_key(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateKeyRequest>,
) -> Result<impl IntoResponse, ApiError> {
    caller
        .require(
            &state,
            Permission::KeysWrite,
            keywarden_store::AuditAction::KeyCreate,
            None,
        )
        .await?;
    let body = create(&state, &caller, req).await?;
    Ok((StatusCode::CREATED, no_store(), Json(body)))
}

/// Creates a key (shared by the API and the console; the caller's
/// `keys:write` permission is checked by both before they call it).
pub(crate) async fn create(
    state: &AppState,
    caller: &Caller,
    req: CreateKeyRequest,
) -> Result<CreatedKey, ApiError> {
    let now = state.now();
    if req.environment.is_root() {
        return Err(ApiError::invalid(
            "RESERVED_ENVIRONMENT",
            "the root environment is reserved for root keys",
        ));
    }
    check_name(&req.name)?;
    check_scopes(&req.scopes)?;
    let metadata = req.metadata.unwrap_or_else(|| serde_json::json!({}));
    check_metadata(&metadata)?;
    let ip_allowlist = parse_allowlist(&req.ip_allowlist)?;
    let rate_limit = rate_limit(req.rate_limit)?;
    let usage_limit = usage_limit(req.usage_limit)?;
    let expires_at = expiry(req.expires_at.as_deref(), req.expires_in.as_deref(), now)?;
    check_policy(state, &req.environment, expires_at, now)?;

    let minted = key::mint(&state.config().prefix, &req.environment);
    let id = KeyId::generate();
    let sealed = if req.recoverable {
        Some(seal(state, minted.expose(), &id)?)
    } else {
        None
    };
    let digest = state.store().peppers().current().digest(minted.expose());
    let record = KeyRecord {
        id: id.clone(),
        digest,
        pepper_version: state.store().peppers().current().version(),
        hint: minted.hint(),
        prefix: minted.prefix().to_owned(),
        environment: req.environment,
        owner: req.owner,
        name: req.name,
        scopes: req.scopes,
        metadata,
        created_at: now,
        updated_at: now,
        expires_at,
        revoked_at: None,
        revoke_reason: None,
        rotated_from: None,
        rotated_to: None,
        ip_allowlist,
        rate_limit,
        usage_limit,
        usage_remaining: usage_limit,
        last_used_at: None,
        sealed,
    };
    let audit = caller.draft(
        state,
        keywarden_store::AuditAction::KeyCreate,
        Some(id.as_str()),
        serde_json::json!({
            "environment": record.environment.as_str(),
            "owner": record.owner.as_ref().map(Owner::as_str),
            "scopes": record.scopes.iter().map(Scope::as_str).collect::<Vec<_>>(),
            "recoverable": record.sealed.is_some(),
        }),
    );
    state.store().insert_key(&record, &audit).await?;
    state
        .verifier()
        .cache()
        .invalidate_digest(digest.as_bytes());
    Ok(CreatedKey {
        key: minted,
        record: KeyView::new(&record, now),
    })
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
    caller: Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<KeyList>, ApiError> {
    caller
        .require(
            &state,
            Permission::KeysRead,
            keywarden_store::AuditAction::KeyList,
            None,
        )
        .await?;
    let status = q
        .status
        .as_deref()
        .map(|s| {
            s.parse::<KeyStatus>()
                .map_err(|e| ApiError::invalid("INVALID_QUERY", format!("status: {e}")))
        })
        .transpose()?;
    let limit = q.limit.unwrap_or(50);
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
        .audit(&caller.draft(
            &state,
            keywarden_store::AuditAction::KeyList,
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
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<KeyView>, ApiError> {
    caller
        .require(
            &state,
            Permission::KeysRead,
            keywarden_store::AuditAction::KeyRead,
            Some(&id),
        )
        .await?;
    let id = parse_id(&id)?;
    let record = load(&state, &id).await?;
    state
        .store()
        .audit(&caller.draft(
            &state,
            keywarden_store::AuditAction::KeyRead,
            Some(id.as_str()),
            serde_json::json!({}),
        ))
        .await?;
    Ok(Json(KeyView::new(&record, state.now())))
}

/// Change a key's scopes, metadata, expiry, limits or allowlist.
#[utoipa::path(patch, path = "/v1/keys/{id}", tag = "keys", params(("id" = String, Path)), request_body = PatchKeyRequest,
    security(("root_key" = ["keys:write"])),
    responses((status = 200, body = KeyView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_key(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<PatchKeyRequest>,
) -> Result<Json<KeyView>, ApiError> {
    caller
        .require(
            &state,
            Permission::KeysWrite,
            keywarden_store::AuditAction::KeyUpdate,
            Some(&id),
        )
        .await?;
    let id = parse_id(&id)?;
    let updated = update(&state, &caller, &id, req).await?;
    Ok(Json(KeyView::new(&updated, state.now())))
}

/// Changes a key (shared by the API and the console; both check
/// `keys:write` first).
pub(crate) async fn update(
    state: &AppState,
    caller: &Caller,
    id: &KeyId,
    req: PatchKeyRequest,
) -> Result<KeyRecord, ApiError> {
    let now = state.now();
    let current = load(state, id).await?;
    if let Some(name) = &req.name {
        check_name(name)?;
    }
    if let Some(scopes) = &req.scopes {
        check_scopes(scopes)?;
    }
    if let Some(m) = &req.metadata {
        check_metadata(m)?;
    }
    let expires_at = match (&req.expires_at, &req.expires_in) {
        (Some(Some(_)), Some(_)) => {
            return Err(ApiError::invalid(
                "INVALID_EXPIRY",
                "give expires_at or expires_in, not both",
            ));
        }
        (Some(Some(at)), None) => Some(expiry(Some(at), None, now)?),
        (Some(None), Some(d)) | (None, Some(d)) => Some(expiry(None, Some(d), now)?),
        (Some(None), None) => Some(None),
        (None, None) => None,
    };
    if let Some(new_expiry) = expires_at {
        check_policy(state, &current.environment, new_expiry, now)?;
    }
    let patch = KeyPatch {
        name: req.name,
        owner: req.owner,
        scopes: req.scopes,
        metadata: req.metadata,
        expires_at,
        ip_allowlist: req
            .ip_allowlist
            .as_deref()
            .map(parse_allowlist)
            .transpose()?,
        rate_limit: req.rate_limit.map(rate_limit).transpose()?,
        usage_limit: req.usage_limit.map(usage_limit).transpose()?,
    };
    let changed: Vec<&str> = [
        patch.name.is_some().then_some("name"),
        patch.owner.is_some().then_some("owner"),
        patch.scopes.is_some().then_some("scopes"),
        patch.metadata.is_some().then_some("metadata"),
        patch.expires_at.is_some().then_some("expires_at"),
        patch.ip_allowlist.is_some().then_some("ip_allowlist"),
        patch.rate_limit.is_some().then_some("rate_limit"),
        patch.usage_limit.is_some().then_some("usage_limit"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if changed.is_empty() {
        return Err(ApiError::invalid(
            "EMPTY_PATCH",
            "the request changes nothing",
        ));
    }
    let audit = caller.draft(
        state,
        keywarden_store::AuditAction::KeyUpdate,
        Some(id.as_str()),
        serde_json::json!({ "changed": changed }),
    );
    let updated = state
        .store()
        .update_key(id, &patch, now, &audit)
        .await
        .map_err(|e| match e {
            keywarden_store::StoreError::Conflict(why) => ApiError::conflict("KEY_REVOKED", why),
            other => other.into(),
        })?;
    state.invalidate(&[id.as_str()]);
    Ok(updated)
}

/// Parses a grace period: a duration, or zero (`0`, `0s`) to end the old key now.
pub(crate) fn grace_ms(text: Option<&str>, default_ms: i64) -> Result<i64, ApiError> {
    let ms = match text.map(str::trim) {
        None => default_ms,
        Some("0" | "0s" | "0m" | "0h" | "0d") => 0,
        Some(t) => keywarden_core::clock::parse_duration(t).ok_or_else(|| {
            ApiError::invalid(
                "INVALID_GRACE_PERIOD",
                "grace_period must be like 24h, 30m or 0s",
            )
        })?,
    };
    if ms > MAX_GRACE_MS {
        return Err(ApiError::invalid(
            "GRACE_PERIOD_TOO_LONG",
            "grace_period is at most 30d",
        ));
    }
    Ok(ms)
}

/// Roll a key: a new key with the same settings; the old one keeps working
/// for the grace period (default 24h, at most 30 days).
#[utoipa::path(post, path = "/v1/keys/{id}/roll", tag = "keys", params(("id" = String, Path)), request_body(content = RollRequest, description = "optional"),
    security(("root_key" = ["keys:write"])),
    responses((status = 201, body = RolledKey), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn roll_key(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    OptionalJson(req): OptionalJson<RollRequest>,
) -> Result<impl IntoResponse, ApiError> {
    caller
        .require(
            &state,
            Permission::KeysWrite,
            keywarden_store::AuditAction::KeyRoll,
            Some(&id),
        )
        .await?;
    let id = parse_id(&id)?;
    let grace = grace_ms(
        req.grace_period.as_deref(),
        state.config().default_grace_period.ms(),
    )?;
    let (created, previous) = roll(&state, &caller, &id, grace).await?;
    Ok((
        StatusCode::CREATED,
        no_store(),
        Json(RolledKey {
            new: created,
            previous,
        }),
    ))
}

/// Rolls a key (shared by the API and the console).
pub(crate) async fn roll(
    state: &AppState,
    caller: &Caller,
    id: &KeyId,
    grace: i64,
) -> Result<(CreatedKey, KeyView), ApiError> {
    let now = state.now();
    let old = load(state, id).await?;
    let minted = key::mint(&state.config().prefix, &old.environment);
    let new_id = KeyId::generate();
    let sealed = if old.sealed.is_some() {
        Some(seal(state, minted.expose(), &new_id)?)
    } else {
        None
    };
    let digest = state.store().peppers().current().digest(minted.expose());
    let new = KeyRecord {
        id: new_id.clone(),
        digest,
        pepper_version: state.store().peppers().current().version(),
        hint: minted.hint(),
        prefix: minted.prefix().to_owned(),
        created_at: now,
        updated_at: now,
        revoked_at: None,
        revoke_reason: None,
        rotated_from: Some(old.id.clone()),
        rotated_to: None,
        last_used_at: None,
        sealed,
        ..old.clone()
    };
    let audit = caller.draft(
        state,
        keywarden_store::AuditAction::KeyRoll,
        Some(id.as_str()),
        serde_json::json!({ "new_key_id": new_id.as_str(), "grace_period_seconds": grace / 1000 }),
    );
    let (old_after, new_after) = state
        .store()
        .roll_key(id, &new, now + grace, now, &audit)
        .await
        .map_err(|e| match e {
            keywarden_store::StoreError::Conflict(why) => {
                ApiError::conflict("KEY_NOT_ROLLABLE", why)
            }
            other => other.into(),
        })?;
    state.invalidate(&[id.as_str()]);
    state
        .verifier()
        .cache()
        .invalidate_digest(digest.as_bytes());
    Ok((
        CreatedKey {
            key: minted,
            record: KeyView::new(&new_after, now),
        },
        KeyView::new(&old_after, now),
    ))
}

/// Revoke a key now.
#[utoipa::path(post, path = "/v1/keys/{id}/revoke", tag = "keys", params(("id" = String, Path)), request_body(content = RevokeRequest, description = "optional"),
    security(("root_key" = ["keys:revoke"])),
    responses((status = 200, body = KeyView), (status = 404, body = ErrorBody)))]
pub async fn revoke_key(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    OptionalJson(req): OptionalJson<RevokeRequest>,
) -> Result<Json<KeyView>, ApiError> {
    caller
        .require(
            &state,
            Permission::KeysRevoke,
            keywarden_store::AuditAction::KeyRevoke,
            Some(&id),
        )
        .await?;
    let id = parse_id(&id)?;
    let reason = reason(req.reason, "manual")?;
    let record = revoke(&state, &caller, &id, &reason).await?;
    Ok(Json(KeyView::new(&record, state.now())))
}

pub(crate) fn reason(given: Option<String>, default: &str) -> Result<String, ApiError> {
    let reason = given.unwrap_or_else(|| default.to_owned());
    if reason.is_empty()
        || reason.chars().count() > MAX_NAME
        || reason.chars().any(char::is_control)
    {
        return Err(ApiError::invalid(
            "INVALID_REASON",
            format!("a reason is 1 to {MAX_NAME} characters, without control characters"),
        ));
    }
    Ok(reason)
}

/// Revokes one key (shared by the API and the console).
pub(crate) async fn revoke(
    state: &AppState,
    caller: &Caller,
    id: &KeyId,
    reason: &str,
) -> Result<KeyRecord, ApiError> {
    let audit = caller.draft(
        state,
        keywarden_store::AuditAction::KeyRevoke,
        Some(id.as_str()),
        serde_json::json!({ "reason": reason }),
    );
    let (record, _) = state
        .store()
        .revoke_key(id, reason, state.now(), &audit)
        .await?;
    state.invalidate(&[id.as_str()]);
    Ok(record)
}

/// Emergency: revoke every key of an owner and/or environment.
#[utoipa::path(post, path = "/v1/keys/revoke", tag = "keys", request_body = BulkRevokeRequest,
    security(("root_key" = ["keys:revoke"])),
    responses((status = 200, body = BulkRevokeResponse), (status = 422, body = ErrorBody)))]
pub async fn bulk_revoke(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<BulkRevokeRequest>,
) -> Result<Json<BulkRevokeResponse>, ApiError> {
    let target = bulk_target(req.owner.as_ref(), req.environment.as_ref());
    caller
        .require(
            &state,
            Permission::KeysRevoke,
            keywarden_store::AuditAction::KeyBulkRevoke,
            Some(&target),
        )
        .await?;
    if !req.confirm {
        return Err(ApiError::invalid(
            "CONFIRMATION_REQUIRED",
            "bulk revoke needs \"confirm\": true",
        ));
    }
    let reason = reason(req.reason, "emergency")?;
    let ids = bulk(
        &state,
        &caller,
        req.owner.as_ref(),
        req.environment.as_ref(),
        &reason,
    )
    .await?;
    Ok(Json(BulkRevokeResponse {
        revoked: ids.len(),
        key_ids: ids,
    }))
}

pub(crate) fn bulk_target(owner: Option<&Owner>, env: Option<&Environment>) -> String {
    format!(
        "owner={} environment={}",
        owner.map_or("*", Owner::as_str),
        env.map_or("*", Environment::as_str)
    )
}

/// Bulk revoke (shared by the API and the console).
pub(crate) async fn bulk(
    state: &AppState,
    caller: &Caller,
    owner: Option<&Owner>,
    env: Option<&Environment>,
    reason: &str,
) -> Result<Vec<String>, ApiError> {
    if owner.is_none() && env.is_none() {
        return Err(ApiError::invalid(
            "FILTER_REQUIRED",
            "give an owner, an environment or both",
        ));
    }
    let target = bulk_target(owner, env);
    let audit = caller.draft(
        state,
        keywarden_store::AuditAction::KeyBulkRevoke,
        Some(&target),
        serde_json::json!({ "reason": reason }),
    );
    let ids = state
        .store()
        .bulk_revoke(owner, env, reason, state.now(), &audit)
        .await?;
    let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    state.invalidate(&refs);
    Ok(ids)
}

/// Read back a recoverable key's secret. Audited.
#[utoipa::path(get, path = "/v1/keys/{id}/secret", tag = "keys", params(("id" = String, Path)),
    security(("root_key" = ["keys:reveal"])),
    responses((status = 200, body = RevealedKey), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn reveal_key(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<impl IntoResponse, ApiError> {
    caller
        .require(
            &state,
            Permission::KeysReveal,
            keywarden_store::AuditAction::KeyReveal,
            Some(&id),
        )
        .await?;
    let id = parse_id(&id)?;
    let record = load(&state, &id).await?;
    let sealed = record.sealed.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "NOT_RECOVERABLE",
            "this key was not created recoverable",
        )
    })?;
    let master = state.0.master_key.as_ref().ok_or_else(|| {
        ApiError::conflict(
            "RECOVERY_UNAVAILABLE",
            "the server has no master key (KEYWARDEN_MASTER_KEY)",
        )
    })?;
    let sealed = envelope::Sealed {
        ciphertext: sealed.ciphertext,
        wrapped_key: sealed.wrapped_key,
    };
    let plaintext = envelope::open(master, &sealed, id.as_str()).map_err(|_| {
        ApiError::conflict(
            "RECOVERY_FAILED",
            "the secret does not open with this master key",
        )
    })?;
    let key = String::from_utf8(plaintext.to_vec())
        .ok()
        .and_then(keywarden_core::key::recovered)
        .ok_or_else(|| ApiError::internal("a recovered secret is not a key"))?;
    state
        .store()
        .audit(&caller.draft(
            &state,
            keywarden_store::AuditAction::KeyReveal,
            Some(id.as_str()),
            serde_json::json!({}),
        ))
        .await?;
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
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<UsageQuery>,
) -> Result<Json<UsageResponse>, ApiError> {
    caller
        .require(
            &state,
            Permission::KeysRead,
            keywarden_store::AuditAction::KeyUsage,
            Some(&id),
        )
        .await?;
    let id = parse_id(&id)?;
    load(&state, &id).await?;
    let (bucket, bucket_ms) = match q.bucket.as_deref().unwrap_or("hour") {
        "minute" => ("minute", 60_000),
        "hour" => ("hour", 3_600_000),
        "day" => ("day", 86_400_000),
        _ => {
            return Err(ApiError::invalid(
                "INVALID_QUERY",
                "bucket must be minute, hour or day",
            ));
        }
    };
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
        .audit(&caller.draft(
            &state,
            keywarden_store::AuditAction::KeyUsage,
            Some(id.as_str()),
            serde_json::json!({}),
        ))
        .await?;
    Ok(Json(UsageResponse {
        key_id: id.to_string(),
        bucket: bucket.to_owned(),
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
