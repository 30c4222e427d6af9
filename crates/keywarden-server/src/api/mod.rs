//! The HTTP API: routes, the OpenAPI document, health and metrics.

use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, State},
    http::{HeaderValue, StatusCode, header},
    response::IntoResponse,
};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

use crate::state::AppState;

pub mod audit;
pub mod contract;
pub mod github;
pub mod keys;
pub mod leaks;
pub mod owners;
pub mod portal;
pub mod schema;
pub mod secrets;
pub mod spaces;
pub mod trufflehog;
pub mod verify;

/// The OpenAPI document, generated from the handlers.
#[derive(OpenApi)]
#[openapi(
    info(title = "keywarden", description = "API keys done right: issue, verify, rotate, revoke, audit."),
    paths(
        keys::create_key, keys::list_keys, keys::get_key, keys::update_key, keys::roll_key,
        keys::revoke_key, keys::disable_key, keys::enable_key, keys::approve_key, keys::decline_key,
        keys::bulk_revoke, keys::reveal_key,
        keys::key_usage, keys::import_keys, verify::verify, verify::forward_auth, verify::forward_auth_proxied, trufflehog::trufflehog_verify,
        leaks::report_leaks, leaks::check_key, github::github_report,
        owners::put_limits, owners::get_limits, owners::delete_limits, owners::get_owner,
        audit::list_audit, audit::verify_audit, audit::audit_checkpoint, audit::list_events, audit::redeliver_event,
        spaces::create_space, spaces::list_spaces, spaces::get_space, spaces::update_space, spaces::delete_space,
        spaces::list_roles, spaces::get_role, spaces::put_role, spaces::delete_role,
        portal::create_portal_session, portal::portal_list_keys, portal::portal_get_key,
        portal::portal_create_key, portal::portal_roll_key, portal::portal_revoke_key,
        portal::portal_key_usage,
        secrets::list_secrets, secrets::get_secret, secrets::put_secret, secrets::delete_secret,
        secrets::secret_versions, secrets::rollback_secret, secrets::scan_digests,
        healthz, readyz, metrics,
    ),
    components(schemas(
        schema::FilterText, schema::KeyCursor, schema::ScopeList, schema::KeyStatusName,
        schema::AuditActionName, schema::AuditOutcomeName, schema::EventKindName,
        schema::DeliveryStateName, audit::DeliveryView,
        keywarden_proto::schemas::Environment, keywarden_proto::schemas::Owner, keys::Bucket,
        keywarden_proto::schemas::SpaceId, keywarden_proto::schemas::RoleName,
        keywarden_proto::schemas::SecretName,
        keywarden_proto::schemas::KeyPrefix, keywarden_proto::schemas::PermissionQuery,
        keywarden_proto::keys::ImportKeyRow,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "keys", description = "Key management (root key)"),
        (name = "verify", description = "Verification"),
        (name = "leaks", description = "Leak reports"),
        (name = "owners", description = "Limits every key of an owner shares"),
        (name = "spaces", description = "Key spaces and their roles"),
        (name = "portal", description = "The customer portal: one-time links (root key), and the JSON API of a portal session (its cookie; writes carry X-CSRF-Token)"),
        (name = "secrets", description = "The vault: secrets a team holds, per environment, sealed under the master key"),
        (name = "audit", description = "Audit log and events"),
        (name = "system", description = "Health and metrics"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "root_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(format!(
                        "A root key (environment `root`). Each route names the permission it needs, \
                         one of {}; a key without it gets 403.",
                        keywarden_store::Permission::ALL
                            .iter()
                            .map(|p| format!("`{}`", p.as_str()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "portal_session",
            SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Cookie(
                utoipa::openapi::security::ApiKeyValue::with_description(
                    "kw_portal",
                    "A customer's portal session, opened by a one-time link \
                     (`POST /v1/portal/sessions`). Writes also carry the session's CSRF token \
                     (the portal page's `<meta name=\"csrf-token\">`) in `X-CSRF-Token`.",
                ),
            )),
        );
    }
}

/// `{"status": "ok"}`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`, `ready`, or what is wrong.
    status: String,
    /// With a 503: `STORE_UNAVAILABLE` or `STORAGE_FULL`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<schema::ErrorCode>)]
    code: Option<&'static str>,
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "system", responses((status = 200, description = "alive", body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        code: None,
    })
}

/// Readiness: the store answers, and takes writes. While the last write
/// failed for the store's sake (full disk, unreachable database), each
/// check tries a small durable write, so the node reports ready again by
/// itself once the store recovers.
#[utoipa::path(get, path = "/readyz", tag = "system",
    responses((status = 200, description = "ready", body = Health), (status = 503, description = "the store does not answer or does not take writes", body = Health,
        headers(("Retry-After" = u64, description = "Seconds to wait before asking again")))))]
pub async fn readyz(State(state): State<AppState>) -> axum::response::Response {
    let store = state.store();
    let result = match store.write_health() {
        keywarden_store::Health::Ok => store.ping().await,
        _ => store.probe_write(state.now()).await,
    };
    match result {
        Ok(()) => Json(Health {
            status: "ready".into(),
            code: None,
        })
        .into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "store not ready");
            let (status, code) = match err {
                keywarden_store::StoreError::Full(_) => ("storage full", "STORAGE_FULL"),
                _ => ("store unavailable", "STORE_UNAVAILABLE"),
            };
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(
                    header::RETRY_AFTER,
                    crate::error::STORE_RETRY_AFTER.to_string(),
                )],
                Json(Health {
                    status: status.into(),
                    code: Some(code),
                }),
            )
                .into_response()
        }
    }
}

/// Prometheus metrics (OpenMetrics text).
#[utoipa::path(get, path = "/metrics", tag = "system", responses((status = 200, description = "metrics", content_type = "application/openmetrics-text")))]
pub async fn metrics(State(metrics): State<crate::metrics::Metrics>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
        )],
        metrics.render(),
    )
}

/// The OpenAPI document, serialized once: the largest answer of the node
/// (about 130 KB) costs a reference count per request, not a
/// serialization.
async fn openapi_json() -> impl IntoResponse {
    static DOCUMENT: std::sync::OnceLock<axum::body::Bytes> = std::sync::OnceLock::new();
    let bytes = DOCUMENT.get_or_init(|| {
        serde_json::to_vec(&contract::document())
            .map(axum::body::Bytes::from)
            .unwrap_or_default()
    });
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        bytes.clone(),
    )
}

/// Refuses control characters in free-text query parameters: they match
/// nothing, and some databases reject them outright.
pub(crate) fn check_text(name: &str, value: Option<&str>) -> Result<(), crate::error::ApiError> {
    if value.is_some_and(|v| !crate::bounds::filter_ok(v)) {
        return Err(crate::error::ApiError::invalid(
            "INVALID_QUERY",
            format!(
                "{name} must be at most {} characters, without control characters",
                crate::bounds::MAX_FILTER_CHARS
            ),
        ));
    }
    Ok(())
}

/// Refuses a filter that names no value of the vocabulary `T`: a typo
/// would otherwise match nothing and look like an empty result.
pub(crate) fn check_name<T: std::str::FromStr>(
    name: &str,
    value: Option<&str>,
) -> Result<(), crate::error::ApiError> {
    if value.is_some_and(|v| v.parse::<T>().is_err()) {
        return Err(crate::error::ApiError::invalid(
            "INVALID_QUERY",
            format!("{name} is not one of the documented values"),
        ));
    }
    Ok(())
}

/// One route of the API: a path, a method and the handler that answers it
/// (its name is the operation's `operationId` in the OpenAPI document;
/// forward-auth's other methods are `forward_auth_<method>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// The path as the router matches it (`/v1/keys/{id}`).
    pub path: &'static str,
    /// The method, lower case as in the OpenAPI document (`get`, `post`).
    /// A `get` route answers `HEAD` too (axum, as RFC 9110 allows).
    pub method: &'static str,
    /// The handler's name.
    pub handler: &'static str,
}

/// Declares the API's routes once: [`ROUTES`] lists them, and `routes()`
/// builds the router from the same lines, so the list is what the router
/// serves. Axum's router cannot list its routes; this table is how a test
/// holds the OpenAPI document to the router in both directions.
macro_rules! api_routes {
    ($($path:literal { $($method:ident => $($handler:ident)::+),+ $(,)? })*) => {
        /// Every route [`router`] serves, from the table it is built from.
        pub const ROUTES: &[Route] = &[$($(Route {
            path: $path,
            method: stringify!($method),
            handler: api_routes!(@last $($handler)::+),
        }),+),*];

        fn routes() -> Router<AppState> {
            Router::new()$(.route(
                $path,
                axum::routing::MethodRouter::new()$(.$method($($handler)::+))+,
            ))*
        }
    };
    (@last $first:ident) => { stringify!($first) };
    (@last $first:ident :: $($rest:ident)::+) => { api_routes!(@last $($rest)::+) };
}

api_routes! {
    "/healthz" { get => healthz }
    "/readyz" { get => readyz }
    "/metrics" { get => metrics }
    // The document itself (the one route it does not describe).
    "/openapi.json" { get => openapi_json }
    "/v1/keys" { post => keys::create_key, get => keys::list_keys }
    "/v1/keys/revoke" { post => keys::bulk_revoke }
    "/v1/keys/import" { post => keys::import_keys }
    "/v1/keys/{id}" { get => keys::get_key, patch => keys::update_key }
    "/v1/keys/{id}/roll" { post => keys::roll_key }
    "/v1/keys/{id}/revoke" { post => keys::revoke_key }
    "/v1/keys/{id}/disable" { post => keys::disable_key }
    "/v1/keys/{id}/enable" { post => keys::enable_key }
    "/v1/keys/{id}/approve" { post => keys::approve_key }
    "/v1/keys/{id}/decline" { post => keys::decline_key }
    "/v1/keys/{id}/secret" { get => keys::reveal_key }
    "/v1/keys/{id}/usage" { get => keys::key_usage }
    "/v1/owners/{owner}" { get => owners::get_owner }
    "/v1/spaces" { post => spaces::create_space, get => spaces::list_spaces }
    "/v1/spaces/{space}" {
        get => spaces::get_space,
        patch => spaces::update_space,
        delete => spaces::delete_space,
    }
    "/v1/spaces/{space}/roles" { get => spaces::list_roles }
    "/v1/spaces/{space}/roles/{role}" {
        get => spaces::get_role,
        put => spaces::put_role,
        delete => spaces::delete_role,
    }
    "/v1/owners/{owner}/limits" {
        get => owners::get_limits,
        put => owners::put_limits,
        delete => owners::delete_limits,
    }
    "/v1/verify" { post => verify::verify }
    // Proxies forward the original request's method (nginx `auth_request`,
    // Envoy `ext_authz`), so forward-auth answers the methods an API is
    // called with (`contract::FORWARD_AUTH_METHODS` documents them); others
    // (TRACE, CONNECT, ...) get 405.
    "/v1/forward-auth" {
        get => verify::forward_auth,
        head => verify::forward_auth,
        post => verify::forward_auth,
        put => verify::forward_auth,
        patch => verify::forward_auth,
        delete => verify::forward_auth,
        options => verify::forward_auth,
    }
    // Envoy's `ext_authz` appends the original path (and query) to its
    // path prefix; the requirements then come from headers only.
    "/v1/forward-auth/{*path}" {
        get => verify::forward_auth_proxied,
        head => verify::forward_auth_proxied,
        post => verify::forward_auth_proxied,
        put => verify::forward_auth_proxied,
        patch => verify::forward_auth_proxied,
        delete => verify::forward_auth_proxied,
        options => verify::forward_auth_proxied,
    }
    "/v1/verify/trufflehog" { post => trufflehog::trufflehog_verify }
    "/v1/leaks" { post => leaks::report_leaks }
    "/v1/leaks/check" { post => leaks::check_key }
    // GitHub batches what it found: the handler reads its body itself,
    // after the checks that need none, up to its own, larger bound
    // (`github::MAX_BODY_BYTES`).
    "/v1/leaks/github" { post => github::github_report }
    "/v1/audit" { get => audit::list_audit }
    "/v1/audit/verify" { get => audit::verify_audit }
    "/v1/audit/checkpoint" { get => audit::audit_checkpoint }
    "/v1/events" { get => audit::list_events }
    "/v1/events/{id}/redeliver" { post => audit::redeliver_event }
    "/v1/portal/sessions" { post => portal::create_portal_session }
    "/portal/api/keys" { get => portal::portal_list_keys, post => portal::portal_create_key }
    "/portal/api/keys/{id}" { get => portal::portal_get_key }
    "/portal/api/keys/{id}/roll" { post => portal::portal_roll_key }
    "/portal/api/keys/{id}/revoke" { post => portal::portal_revoke_key }
    "/portal/api/keys/{id}/usage" { get => portal::portal_key_usage }
    "/v1/secrets/{env}" { get => secrets::list_secrets }
    "/v1/secrets/{env}/{name}" {
        get => secrets::get_secret,
        put => secrets::put_secret,
        delete => secrets::delete_secret,
    }
    "/v1/secrets/{env}/{name}/versions" { get => secrets::secret_versions }
    "/v1/secrets/{env}/{name}/rollback" { post => secrets::rollback_secret }
    "/v1/vault/scan-digests" { post => secrets::scan_digests }
}

/// The API routes: [`ROUTES`], and nothing else (a route is added to the
/// table, never here, so the contract test sees it).
pub fn router(state: &AppState) -> Router<AppState> {
    routes().layer(DefaultBodyLimit::max(state.config().max_body_bytes))
}
