//! keywarden-server: the HTTP server of keywarden.
//!
//! # Layout
//!
//! - [`app`]: the router (`fn app(state) -> Router`), used by `serve` and by
//!   tests through `tower::ServiceExt::oneshot`.
//! - [`serve`]: configuration → store → bootstrap → listen, with graceful
//!   shutdown (the usage log is flushed).
//! - [`conn`]: the connection loop ([`run`]): HTTP/1.1 and TLS, the
//!   connection cap and its overflow lane for health checks, the
//!   per-address limit, header and response write timeouts; [`budget`]:
//!   the memory all request bodies in flight may hold.
//! - `api/`: handlers (`keys`, `verify` incl. forward-auth and TruffleHog's
//!   webhook, `leaks` incl. GitHub's secret-scanning reports, `audit`)
//!   and the OpenAPI document.
//! - The node's work is `keywarden-engine`'s (verification, cache, limits,
//!   usage log, events, metrics, anomaly checks, partner keys); its
//!   modules are re-exported here under their old names ([`verify`],
//!   [`limits`], [`metrics`], [`events`], [`partner_keys`], [`timefmt`]).
//!   [`webhook`] is the webhook's HTTP client (reqwest) the engine's
//!   events are delivered with.
//! - `tasks`: background tasks incl. the PostgreSQL change listener.
//! - [`auth`]: client addresses and root-key authentication (the
//!   [`authz::Actor`] extractors).
//! - [`authz`]: the one authorization point (actors, `authorize`, the
//!   `Authorized` proof); [`command`]: every management operation as a
//!   typed command with its permission.
//! - [`config`], `setup`: settings and the secrets (pepper, master key).
//! - `ui/`: the web console.
#![warn(missing_docs)]

use std::{net::SocketAddr, sync::Arc};

use axum::{
    Router,
    http::HeaderValue,
    response::{IntoResponse, Redirect},
    routing::get,
};
use keywarden_core::clock::{Clock, SystemClock};
use tower_http::set_header::SetResponseHeaderLayer;

mod access;
pub mod api;
pub mod auth;
pub mod bounds;
pub mod budget;
pub mod conn;
pub mod error;
pub mod extract;
pub mod setup;
pub mod share;
pub mod state;
pub mod tls;
pub(crate) mod ui;
pub mod views;
pub mod webhook;

// The engine's modules, where the server's code has always found them.
pub use keywarden_engine::{
    authn, authz, command, config, keys, leaks, limits, metrics, partner_keys, portal, spaces,
    timefmt, vault, verify,
};

/// The engine's events ([`keywarden_engine::events`]), delivered to the
/// webhook by reqwest ([`webhook::Reqwest`]).
pub mod events {
    pub use keywarden_engine::events::*;

    /// A webhook posting through reqwest.
    pub type Webhook = keywarden_engine::events::Webhook<crate::webhook::Reqwest>;
}

pub use config::ServerConfig;
pub use conn::{ConnectionLimits, run};
pub use state::{AppState, Background};

/// The whole application: API, console, redirects, security headers, and
/// the request timeout.
pub fn app(state: AppState) -> Router {
    let request_timeout = state.config().request_timeout.std();
    Router::new()
        .merge(api::router(&state))
        .nest("/ui", ui::router(&state))
        .merge(share::router())
        .merge(ui::portal::router(&state))
        .route("/", get(|| async { Redirect::to("/ui") }))
        .route("/ui/", get(|| async { Redirect::to("/ui") }))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(SetResponseHeaderLayer::if_not_present(
            axum::http::header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| async move {
                match tokio::time::timeout(request_timeout, next.run(req)).await {
                    Ok(response) => response,
                    Err(_) => error::ApiError::new(
                        axum::http::StatusCode::REQUEST_TIMEOUT,
                        "REQUEST_TIMEOUT",
                        "the request took too long",
                    )
                    .into_response(),
                }
            },
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            access::layer,
        ))
        .with_state(state)
}

/// The overflow lane's application (see [`conn`]): `/healthz` and
/// `/readyz` answered as the node answers them, everything else 503
/// `OVERLOADED`; each request logged like any other.
pub(crate) fn overflow_app(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(api::healthz))
        .route("/readyz", get(api::readyz))
        .fallback(overloaded)
        .method_not_allowed_fallback(overloaded)
        .layer(SetResponseHeaderLayer::if_not_present(
            axum::http::header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            access::layer,
        ))
        .with_state(state)
}

/// The overflow lane's answer to anything but a health check.
async fn overloaded(
    axum::extract::State(metrics): axum::extract::State<metrics::Metrics>,
) -> error::ApiError {
    metrics.shed(metrics::Shed::OverflowLane);
    error::ApiError::overloaded(
        "this node has as many connections open as it serves (max_connections): try again shortly",
    )
}

/// Unknown routes answer the API's JSON error shape.
async fn not_found() -> error::ApiError {
    error::ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "no such route",
    )
}

/// A known route with another method: 405 in the API's JSON error shape.
async fn method_not_allowed() -> error::ApiError {
    error::ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "this route does not answer that method",
    )
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// A setting or secret is missing or wrong.
    #[error("{0}")]
    Config(String),
    /// The store could not be opened.
    #[error("the store could not be opened: {0}")]
    Store(#[from] keywarden_store::StoreError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The server failed while running.
    #[error("the server failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Runs a node until SIGINT or SIGTERM. On a store that has never had a
/// root key, `on_root_key` receives the one-time bootstrap key (the CLI
/// prints it as `root key: <key>`).
pub async fn serve(
    config: ServerConfig,
    on_root_key: impl FnOnce(&keywarden_core::secret::PlaintextKey),
) -> Result<(), ServeError> {
    config.check().map_err(ServeError::Config)?;
    let tls = config
        .tls_files()
        .and_then(|files| files.map(tls::Tls::load).transpose())
        .map_err(ServeError::Config)?;
    // A key file named but unusable is a mistake to see at start-up, not
    // at GitHub's first report.
    if let Some(path) = &config.github_partner_keys {
        let keys = partner_keys::PartnerKeys::new(path.clone())
            .read()
            .await
            .map_err(|e| ServeError::Config(format!("github_partner_keys: {e}")))?;
        tracing::info!(path = %path.display(), keys = keys.len(), "GitHub partner keys read");
    }
    let secrets = setup::Secrets::load(&config)?;
    let store = setup::open_store(&config, secrets.peppers.clone()).await?;
    if let Some(root) = setup::bootstrap(&store, &config.prefix, SystemClock.now_ms()).await? {
        on_root_key(&root);
    }
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServeError::Bind {
            addr: config.listen,
            source,
        })?;
    let local = listener.local_addr()?;
    let webhook = match (&config.webhook_url, secrets.webhook_secret) {
        (Some(url), Some(secret)) => {
            Some(events::Webhook::new(url, secret).map_err(ServeError::Config)?)
        }
        (Some(_), None) => {
            return Err(ServeError::Config(
                "webhook_url is set but KEYWARDEN_WEBHOOK_SECRET is not: events must be signed"
                    .to_owned(),
            ));
        }
        (None, _) => None,
    };
    let (state, background) = AppState::start_with_webhook(
        store.clone(),
        config,
        Arc::new(SystemClock),
        secrets.master_key,
        webhook,
    )
    .await;
    state.set_previous_master_keys(secrets.previous_master_keys);
    let limits = ConnectionLimits::from_config(state.config());
    tracing::info!(
        address = %local,
        tls = tls.is_some(),
        backend = ?store.kind(),
        max_connections = limits.max_connections,
        overflow_lane = limits.overflow_lane(),
        max_connections_per_address = limits.max_connections_per_address,
        "keywarden is listening"
    );
    if let Some(tls) = &tls {
        tls.reload_on_sighup();
    }
    run(listener, tls, state, limits, shutdown_signal()).await;
    tracing::info!("shutting down: flushing the usage log");
    background.shutdown().await;
    store.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
