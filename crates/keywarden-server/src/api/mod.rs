//! The HTTP API: routes, the OpenAPI document, health and metrics.

use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, State},
    http::{HeaderValue, StatusCode, header},
    response::IntoResponse,
    routing::{MethodFilter, get, on, post},
};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

use crate::state::AppState;

pub mod audit;
pub mod keys;
pub mod leaks;
pub mod verify;

/// The OpenAPI document, generated from the handlers.
#[derive(OpenApi)]
#[openapi(
    info(title = "keywarden", description = "API keys done right: issue, verify, rotate, revoke, audit."),
    paths(
        keys::create_key, keys::list_keys, keys::get_key, keys::update_key, keys::roll_key,
        keys::revoke_key, keys::bulk_revoke, keys::reveal_key, keys::key_usage,
        verify::verify, verify::forward_auth, leaks::report_leaks,
        audit::list_audit, audit::verify_audit, audit::list_events,
        healthz, readyz, metrics,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "keys", description = "Key management (root key)"),
        (name = "verify", description = "Verification"),
        (name = "leaks", description = "Leak reports"),
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
                    .description(Some(
                        "A root key (environment `root`) with the permission named",
                    ))
                    .build(),
            ),
        );
    }
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "system", responses((status = 200, description = "alive")))]
pub async fn healthz() -> impl IntoResponse {
    Json(serde_json::json!({ "status": "ok" }))
}

/// Readiness: the store answers, and takes writes. While the last write
/// failed for the store's sake (full disk, unreachable database), each
/// check tries a small durable write, so the node reports ready again by
/// itself once the store recovers.
#[utoipa::path(get, path = "/readyz", tag = "system",
    responses((status = 200, description = "ready"), (status = 503, description = "the store does not answer or does not take writes")))]
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let store = state.store();
    let result = match store.write_health() {
        keywarden_store::Health::Ok => store.ping().await,
        _ => store.probe_write(state.now()).await,
    };
    match result {
        Ok(()) => (
            StatusCode::OK,
            Json(serde_json::json!({ "status": "ready" })),
        ),
        Err(err) => {
            tracing::warn!(error = %err, "store not ready");
            let (status, code) = match err {
                keywarden_store::StoreError::Full(_) => ("storage full", "STORAGE_FULL"),
                _ => ("store unavailable", "STORE_UNAVAILABLE"),
            };
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": status, "code": code })),
            )
        }
    }
}

/// Prometheus metrics (OpenMetrics text).
#[utoipa::path(get, path = "/metrics", tag = "system", responses((status = 200, description = "metrics", content_type = "application/openmetrics-text")))]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
        )],
        state.metrics().render(),
    )
}

async fn openapi_json() -> impl IntoResponse {
    Json(ApiDoc::openapi())
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

/// The API routes.
pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi_json))
        .route("/v1/keys", post(keys::create_key).get(keys::list_keys))
        .route("/v1/keys/revoke", post(keys::bulk_revoke))
        .route("/v1/keys/{id}", get(keys::get_key).patch(keys::update_key))
        .route("/v1/keys/{id}/roll", post(keys::roll_key))
        .route("/v1/keys/{id}/revoke", post(keys::revoke_key))
        .route("/v1/keys/{id}/secret", get(keys::reveal_key))
        .route("/v1/keys/{id}/usage", get(keys::key_usage))
        .route("/v1/verify", post(verify::verify))
        // Proxies forward the original request's method (nginx
        // `auth_request`, Envoy `ext_authz`), so forward-auth answers the
        // methods an API is called with; others (TRACE, CONNECT, ...) get 405.
        .route(
            "/v1/forward-auth",
            on(
                MethodFilter::GET
                    .or(MethodFilter::HEAD)
                    .or(MethodFilter::POST)
                    .or(MethodFilter::PUT)
                    .or(MethodFilter::PATCH)
                    .or(MethodFilter::DELETE)
                    .or(MethodFilter::OPTIONS),
                verify::forward_auth,
            ),
        )
        .route("/v1/leaks", post(leaks::report_leaks))
        .route("/v1/audit", get(audit::list_audit))
        .route("/v1/audit/verify", get(audit::verify_audit))
        .route("/v1/events", get(audit::list_events))
        .layer(DefaultBodyLimit::max(state.config().max_body_bytes))
}
