//! The access log, request ids and per-route metrics: one middleware
//! around every route.
//!
//! Each answered request is one structured log line (target
//! `keywarden::access`, level INFO): method, route pattern, status, latency,
//! client address (as `trusted_proxies` allows), request id and, when the
//! handler knows it, the key id. Never the path's query, a header value or
//! a key. Every answer carries `X-Request-Id`: a trusted proxy's well-formed
//! id is kept (so one id follows a request through the proxy's log and
//! ours), anything else is replaced by a fresh one: this process's random
//! prefix and a counter (unique, and no system call per request).
//!
//! The client address resolved here is handed to the handlers (the
//! `ClientAddr` extractor reads it from the request), so the forwarding
//! header is walked once per request.

use std::time::Instant;

use axum::{
    extract::{ConnectInfo, MatchedPath, Request, State},
    http::{HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};

use crate::state::AppState;

/// `X-Request-Id`.
pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The key a request concerned, for the access log: handlers put it in the
/// response's extensions ([`log_key`]).
#[derive(Debug, Clone)]
pub(crate) struct LoggedKey(pub(crate) std::sync::Arc<keywarden_store::KeyRecord>);

/// Names the key of a response in its access-log line. Nothing is kept
/// when the line is not written (`KEYWARDEN_LOG` above `info` for
/// `keywarden::access`): the extension map costs three allocations, on the
/// verification routes, for a line no one reads.
pub(crate) fn log_key(response: &mut Response, key: &std::sync::Arc<keywarden_store::KeyRecord>) {
    if tracing::enabled!(target: "keywarden::access", tracing::Level::INFO) {
        response.extensions_mut().insert(LoggedKey(key.clone()));
    }
}

/// Longest request id kept from a proxy.
const MAX_REQUEST_ID: usize = 64;

/// A fresh request id: `<8 random base62 characters of this process>-<n>`.
fn fresh_id() -> String {
    static PREFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let prefix = PREFIX.get_or_init(|| keywarden_core::random::base62_string(8));
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{prefix}-{n:x}")
}

fn well_formed(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_REQUEST_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// The middleware.
pub(crate) async fn layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let peer = req
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let config = state.config();
    let addr = crate::auth::client_addr(
        peer,
        req.headers(),
        &config.trusted_proxies,
        config.client_ip_header,
    );
    let from_proxy = addr
        .peer
        .is_some_and(|p| config.trusted_proxies.iter().any(|net| net.contains(&p)));
    let request_id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|id| from_proxy && well_formed(id))
        .map_or_else(fresh_id, str::to_owned);
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        req.headers_mut().insert(REQUEST_ID, value);
    }
    req.extensions_mut().insert(addr);
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());

    let mut response = next.run(req).await;

    let latency = started.elapsed();
    let status = response.status().as_u16();
    state
        .metrics()
        .request(&method, &route, status, latency.as_secs_f64());
    let key = response.extensions_mut().remove::<LoggedKey>();
    tracing::info!(
        target: "keywarden::access",
        method = %method,
        route = %route,
        status,
        latency_us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX),
        client = %addr.client.map_or_else(|| "unknown".to_owned(), |c| c.to_string()),
        request_id = %request_id,
        key_id = %key.as_ref().map_or("-", |k| k.0.id.as_str()),
        "request"
    );
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}
