//! The customer portal over HTTP: the link a provider's backend mints
//! (`POST /v1/portal/sessions`, a root key), and the JSON API of a portal
//! session (`/portal/api/…`, the session's cookie; writes also carry its
//! CSRF token in `X-CSRF-Token`). A session runs the same commands, through
//! the same authorization and key service, as the API: it is an actor of
//! its own kind ([`crate::portal::PortalActor`]).

use axum::{
    Json,
    extract::{FromRequestParts, State},
    http::{Method, StatusCode, request::Parts},
    response::IntoResponse,
};
use keywarden_core::{
    key::Environment,
    secret::{SecretString, Token},
};
pub use keywarden_proto::portal::{
    CreatePortalSessionRequest, PORTAL_GRACE_PERIODS, PortalCreateKey, PortalCreatedKey,
    PortalGrant, PortalKey, PortalKeyList, PortalRollKey, PortalSession,
};
use keywarden_store::{AuditAction, AuditOutcome, KeyFilter, KeyRecord};
use subtle::ConstantTimeEq;

use super::keys::{UsageQuery, UsageResponse, no_store};
use crate::{
    auth::ClientAddr,
    authz::{Actor, authorize},
    command::{CreateKey, IssuePortalLink, ListKeys, ReadKey, RevokeKey, RollKey},
    error::{ApiError, ErrorBody},
    extract::{ApiJson, ApiPath, ApiQuery, OptionalJson},
    keys::{self, NewKey},
    portal,
    state::AppState,
    timefmt,
};

/// The portal session's cookie (`Path=/portal`, HttpOnly, SameSite=Strict).
pub(crate) const PORTAL_COOKIE: &str = "kw_portal";
/// The header a write carries the session's CSRF token in.
pub(crate) const CSRF_HEADER: &str = "x-csrf-token";

/// Mint a one-time customer portal link for one owner of one space. Send
/// the signed-in customer's browser to `url`: it opens once, within
/// `expires_in`, and starts a portal session limited to that owner's keys
/// in that space and to `grants`.
#[utoipa::path(post, path = "/v1/portal/sessions", tag = "portal", request_body = CreatePortalSessionRequest,
    security(("root_key" = ["portal:issue"])),
    responses((status = 201, body = PortalSession), (status = 401, body = ErrorBody), (status = 403, description = "the root key lacks `portal:issue`, the permission of a grant, or the space", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_portal_session(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(req): ApiJson<CreatePortalSessionRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let proof = authorize(&state, &actor, IssuePortalLink { request: req }).await?;
    let link = portal::issue(&state, proof).await?;
    Ok((
        StatusCode::CREATED,
        no_store(),
        Json(PortalSession {
            url: link.url,
            expires_at: timefmt::rfc3339(link.expires_at),
            owner: link.owner.to_string(),
            space: link.space.to_string(),
            grants: link.grants,
        }),
    ))
}

/// A request of a portal session: its actor, and its CSRF token (checked
/// already on a write).
pub struct PortalCaller {
    /// The session, as an actor.
    pub(crate) actor: Actor,
    /// The session's CSRF token (for the page's meta tag).
    pub(crate) csrf: Token,
}

/// The portal session of a request's cookie: `Ok(None)` without a live one.
pub(crate) async fn session_of(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    client: Option<std::net::IpAddr>,
) -> Result<Option<PortalCaller>, keywarden_store::StoreError> {
    let Some(token) = crate::ui::cookie(headers, PORTAL_COOKIE) else {
        return Ok(None);
    };
    let Some(session) = portal::session(state, token).await? else {
        return Ok(None);
    };
    Ok(Some(PortalCaller::new(state, session, token, client)))
}

impl PortalCaller {
    /// The session `session`, whose cookie holds `token`, asked from
    /// `client`.
    pub(crate) fn new(
        state: &AppState,
        session: portal::PortalActor,
        token: &str,
        client: Option<std::net::IpAddr>,
    ) -> Self {
        Self {
            csrf: portal::csrf_token(state, token),
            actor: Actor::portal(session, client),
        }
    }
}

impl FromRequestParts<AppState> for PortalCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Ok(addr) = ClientAddr::from_request_parts(parts, state).await;
        let caller = session_of(state, &parts.headers, addr.client)
            .await?
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "PORTAL_SESSION_REQUIRED",
                    "no portal session: open the link your provider gave you",
                )
            })?;
        if !matches!(parts.method, Method::GET | Method::HEAD) {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .map(|v| v.as_bytes())
                .unwrap_or_default();
            let expected = caller.csrf.expose().as_bytes();
            if !bool::from(sent.ct_eq(expected)) {
                let mut draft = caller.actor.draft(
                    state,
                    AuditAction::ConsoleCsrf,
                    None,
                    serde_json::json!({ "surface": "portal", "path": parts.uri.path() }),
                );
                draft.outcome = AuditOutcome::Denied.into();
                state.store().audit(&draft).await?;
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "CSRF_TOKEN_INVALID",
                    "send the page's csrf-token in X-CSRF-Token",
                ));
            }
        }
        Ok(caller)
    }
}

/// A key as its customer sees it.
pub(crate) fn portal_key(k: &KeyRecord, now: i64) -> PortalKey {
    PortalKey {
        id: k.id.to_string(),
        name: k.name.clone(),
        hint: k.hint.clone(),
        environment: k.environment.to_string(),
        status: k.status(now).as_str().to_owned(),
        created_at: timefmt::rfc3339(k.created_at),
        expires_at: timefmt::opt(k.expires_at),
        last_used_at: timefmt::opt(k.last_used_at),
        credits_remaining: k.credits.map(|c| c.remaining),
        rotated_to: k.rotated_to.as_ref().map(ToString::to_string),
    }
}

/// The session's keys (its owner's, in its space), newest first, at most
/// 200; the read is audited.
pub(crate) async fn owner_keys(
    state: &AppState,
    actor: &Actor,
) -> Result<Vec<KeyRecord>, ApiError> {
    let proof = authorize(state, actor, ListKeys).await?;
    let session = actor
        .portal_session()
        .ok_or_else(|| ApiError::internal("a portal list without a portal session"))?;
    let filter = KeyFilter {
        owner: Some(session.owner.clone()),
        space: Some(session.space.clone()),
        visible: actor.spaces().map(<[_]>::to_vec),
        ..KeyFilter::default()
    };
    let page = state
        .store()
        .list_keys(&filter, state.now(), 200, None)
        .await?;
    state
        .store()
        .audit(&proof.draft(
            state,
            None,
            serde_json::json!({ "returned": page.items.len() }),
        ))
        .await?;
    Ok(page.items)
}

/// The session's keys.
#[utoipa::path(get, path = "/portal/api/keys", tag = "portal",
    security(("portal_session" = [])),
    responses((status = 200, body = PortalKeyList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn portal_list_keys(
    State(state): State<AppState>,
    caller: PortalCaller,
) -> Result<Json<PortalKeyList>, ApiError> {
    let now = state.now();
    let keys = owner_keys(&state, &caller.actor).await?;
    Ok(Json(PortalKeyList {
        keys: keys.iter().map(|k| portal_key(k, now)).collect(),
    }))
}

/// One of the session's keys (another owner's is 404).
#[utoipa::path(get, path = "/portal/api/keys/{id}", tag = "portal", params(("id" = String, Path)),
    security(("portal_session" = [])),
    responses((status = 200, body = PortalKey), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn portal_get_key(
    State(state): State<AppState>,
    caller: PortalCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<PortalKey>, ApiError> {
    let actor = &caller.actor;
    let proof = authorize(&state, actor, ReadKey { id }).await?;
    let id = keys::parse_id(&proof.command().id)?;
    let record = keys::load(&state, actor, &id).await?;
    state
        .store()
        .audit(&proof.draft(&state, Some(id.as_str()), serde_json::json!({})))
        .await?;
    Ok(Json(portal_key(&record, state.now())))
}

/// The environment a portal-made key gets when it asks none: the first
/// the portal offers (`keys::portal_choices`).
async fn default_environment(state: &AppState, actor: &Actor) -> Result<Environment, ApiError> {
    let Some(session) = actor.portal_session() else {
        return Err(ApiError::internal("no portal session"));
    };
    let space = state
        .store()
        .get_space(&session.space)
        .await?
        .ok_or_else(|| ApiError::not_found("space"))?;
    keys::portal_choices(state, &space)
        .environments
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::internal("the portal offers no environment"))
}

/// Creates a key for the session's owner (the page's form and the API).
pub(crate) async fn create_for(
    state: &AppState,
    actor: &Actor,
    req: PortalCreateKey,
) -> Result<PortalCreatedKey, ApiError> {
    let environment = match req.environment.as_deref() {
        Some(text) => text
            .parse::<Environment>()
            .map_err(|e| ApiError::invalid("INVALID_ENVIRONMENT", format!("environment: {e}")))?,
        None => default_environment(state, actor).await?,
    };
    let session = actor
        .portal_session()
        .ok_or_else(|| ApiError::internal("no portal session"))?;
    let new = NewKey {
        environment,
        owner: Some(session.owner.clone()),
        name: req.name,
        scopes: Vec::new(),
        space: Some(session.space.clone()),
        roles: Vec::new(),
        expires_at: None,
        expires_in: req.expires_in,
        metadata: None,
        ip_allowlist: Vec::new(),
        rate_limit: None,
        usage_limit: None,
        credits: None,
        rate_limits: Vec::new(),
        recoverable: false,
        share: None,
    };
    let created = keys::create(
        state,
        authorize(state, actor, CreateKey { key: new }).await?,
    )
    .await?;
    let now = state.now();
    Ok(PortalCreatedKey {
        env_line: SecretString::new(format!("API_KEY={}", created.key.expose())),
        record: portal_key(&created.record, now),
        key: created.key,
        old: None,
    })
}

/// Create a key for the session's owner, within the space's portal policy.
/// The answer holds the key, the only time it is shown.
#[utoipa::path(post, path = "/portal/api/keys", tag = "portal", request_body(content = PortalCreateKey, description = "optional"),
    security(("portal_session" = [])),
    params(("X-CSRF-Token" = String, Header, description = "the page's `csrf-token`")),
    responses((status = 201, body = PortalCreatedKey), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, description = "the owner holds the most live keys the policy allows (`KEY_LIMIT_REACHED`)", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn portal_create_key(
    State(state): State<AppState>,
    caller: PortalCaller,
    OptionalJson(req): OptionalJson<PortalCreateKey>,
) -> Result<impl IntoResponse, ApiError> {
    let created = create_for(&state, &caller.actor, req).await?;
    Ok((StatusCode::CREATED, no_store(), Json(created)))
}

/// Rolls one of the session's keys with a grace period the portal offers.
pub(crate) async fn roll_for(
    state: &AppState,
    actor: &Actor,
    id: String,
    grace: Option<String>,
) -> Result<PortalCreatedKey, ApiError> {
    let grace = grace.unwrap_or_else(|| "1h".to_owned());
    let proof = authorize(
        state,
        actor,
        RollKey {
            id,
            grace_period: Some(grace.clone()),
            share: None,
        },
    )
    .await?;
    if !PORTAL_GRACE_PERIODS.iter().any(|(g, _)| *g == grace) {
        return Err(ApiError::invalid(
            "INVALID_GRACE_PERIOD",
            "grace_period must be 1m, 15m, 1h, 6h or 24h",
        ));
    }
    let rolled = keys::roll(state, proof).await?;
    let now = state.now();
    Ok(PortalCreatedKey {
        env_line: SecretString::new(format!("API_KEY={}", rolled.new.key.expose())),
        record: portal_key(&rolled.new.record, now),
        key: rolled.new.key,
        old: Some(portal_key(&rolled.previous, now)),
    })
}

/// Roll one of the session's keys: a new key, the old one working for the
/// grace period (`1m`, `15m`, `1h`, `6h` or `24h`).
#[utoipa::path(post, path = "/portal/api/keys/{id}/roll", tag = "portal", params(("id" = String, Path), ("X-CSRF-Token" = String, Header, description = "the page's `csrf-token`")),
    request_body(content = PortalRollKey, description = "optional"),
    security(("portal_session" = [])),
    responses((status = 200, body = PortalCreatedKey), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn portal_roll_key(
    State(state): State<AppState>,
    caller: PortalCaller,
    ApiPath(id): ApiPath<String>,
    OptionalJson(req): OptionalJson<PortalRollKey>,
) -> Result<impl IntoResponse, ApiError> {
    let rolled = roll_for(&state, &caller.actor, id, req.grace_period).await?;
    Ok((no_store(), Json(rolled)))
}

/// Revoke one of the session's keys now.
#[utoipa::path(post, path = "/portal/api/keys/{id}/revoke", tag = "portal", params(("id" = String, Path), ("X-CSRF-Token" = String, Header, description = "the page's `csrf-token`")),
    security(("portal_session" = [])),
    responses((status = 200, body = PortalKey), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn portal_revoke_key(
    State(state): State<AppState>,
    caller: PortalCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<PortalKey>, ApiError> {
    let actor = &caller.actor;
    let command = RevokeKey {
        id,
        reason: Some("portal".to_owned()),
    };
    let record = keys::revoke(&state, authorize(&state, actor, command).await?).await?;
    Ok(Json(portal_key(&record, state.now())))
}

/// Verifications of one of the session's keys over time (as
/// `GET /v1/keys/{id}/usage`).
#[utoipa::path(get, path = "/portal/api/keys/{id}/usage", tag = "portal", params(("id" = String, Path), UsageQuery),
    security(("portal_session" = [])),
    responses((status = 200, body = UsageResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn portal_key_usage(
    State(state): State<AppState>,
    caller: PortalCaller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<UsageQuery>,
) -> Result<Json<UsageResponse>, ApiError> {
    super::keys::usage(&state, &caller.actor, id, q)
        .await
        .map(Json)
}
