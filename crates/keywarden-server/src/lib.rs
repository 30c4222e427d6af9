//! keywarden-server: the HTTP server of keywarden.
//!
//! # Layout
//!
//! - [`app`]: the router (`fn app(state) -> Router`), used by `serve` and by
//!   tests through `tower::ServiceExt::oneshot`.
//! - [`serve`]: configuration → store → bootstrap → listen, with graceful
//!   shutdown (the usage log is flushed).
//! - `api/`: handlers (`keys`, `verify` incl. forward-auth and TruffleHog's
//!   webhook, `leaks` incl. GitHub's secret-scanning reports, `audit`)
//!   and the OpenAPI document.
//! - [`verify`]: the one verification function behind every entry point.
//! - `cache`, `limits`, `usage_log`, `metrics`, `tasks`: the hot path's
//!   helpers (key cache, rate limits and throttles, the batched usage log,
//!   Prometheus metrics, background tasks incl. the PostgreSQL change
//!   listener).
//! - [`auth`]: client addresses and root-key authentication.
//! - [`partner_keys`]: GitHub's secret-scanning signing keys (the file,
//!   re-read when it changes) and the signature check.
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
mod anomaly;
pub mod api;
pub mod auth;
pub mod bounds;
mod cache;
pub mod config;
pub mod error;
pub mod events;
pub mod extract;
pub mod keys;
pub mod limits;
mod lookup;
pub mod metrics;
pub mod partner_keys;
pub mod setup;
pub mod share;
pub mod state;
mod tasks;
pub mod timefmt;
pub mod tls;
pub(crate) mod ui;
mod usage_log;
pub mod verify;
pub mod views;

pub use config::ServerConfig;
pub use state::{AppState, Background};

/// The whole application: API, console, redirects, security headers, and
/// the request timeout.
pub fn app(state: AppState) -> Router {
    let request_timeout = state.config().request_timeout.std();
    Router::new()
        .merge(api::router(&state))
        .nest("/ui", ui::router(&state))
        .merge(share::router())
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
    if let Some(root) = setup::bootstrap(&store, SystemClock.now_ms()).await? {
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
    let limits = ConnectionLimits::from_config(state.config());
    tracing::info!(
        address = %local,
        tls = tls.is_some(),
        backend = ?store.kind(),
        max_connections = limits.max_connections,
        "keywarden is listening"
    );
    if let Some(tls) = &tls {
        tls.reload_on_sighup();
    }
    run(listener, tls, app(state), limits, shutdown_signal()).await;
    tracing::info!("shutting down: flushing the usage log");
    background.shutdown().await;
    store.close().await;
    Ok(())
}

/// How the server treats connections.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Time to send a request's headers, and the idle time of a kept-alive
    /// connection.
    pub header_read_timeout: std::time::Duration,
    /// Most open connections.
    pub max_connections: usize,
    /// Longest wait for open requests at shutdown.
    pub shutdown_timeout: std::time::Duration,
}

impl ConnectionLimits {
    /// The limits a configuration sets.
    pub fn from_config(config: &ServerConfig) -> Self {
        Self {
            header_read_timeout: config.header_read_timeout.std(),
            max_connections: config.effective_max_connections(),
            shutdown_timeout: config.shutdown_timeout.std(),
        }
    }
}

/// Serves `app` on `listener` (over TLS when `tls` is given: plain HTTP
/// is then not served at all) until `shutdown` resolves, then lets open
/// requests finish for at most `limits.shutdown_timeout` and closes what is
/// left.
///
/// Each connection is HTTP/1.1 with a header read timeout (slowloris
/// clients and idle keep-alive connections are closed), and at most
/// `limits.max_connections` are open at once: the next client waits in the
/// listen backlog until one closes, so descriptors never run out.
pub async fn run(
    listener: tokio::net::TcpListener,
    tls: Option<tls::Tls>,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl std::future::Future<Output = ()>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};

    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let mut connections = tokio::task::JoinSet::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(err) => {
                    // Out of descriptors or a connection reset while queued:
                    // nothing to do for it, and no reason to stop serving.
                    tracing::warn!(error = %err, "accepting a connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        while connections.try_join_next().is_some() {}
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service =
            hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                tower::ServiceExt::oneshot(app.clone(), req)
            });
        match &tls {
            None => {
                let connection =
                    graceful.watch(http.serve_connection(TokioIo::new(stream), service));
                connections.spawn(async move {
                    if let Err(err) = connection.await {
                        tracing::debug!(error = %err, "connection ended with an error");
                    }
                    drop(permit);
                });
            }
            Some(tls) => {
                // The handshake runs in the connection's task, bounded like
                // a request's headers, so a silent client holds one slot
                // for at most that long.
                let handshake = tls.acceptor().accept(stream);
                let http = http.clone();
                let watcher = graceful.watcher();
                let limit = limits.header_read_timeout;
                connections.spawn(async move {
                    match tokio::time::timeout(limit, handshake).await {
                        Ok(Ok(stream)) => {
                            let connection =
                                watcher.watch(http.serve_connection(TokioIo::new(stream), service));
                            if let Err(err) = connection.await {
                                tracing::debug!(error = %err, "connection ended with an error");
                            }
                        }
                        Ok(Err(err)) => tracing::debug!(error = %err, "TLS handshake failed"),
                        Err(_) => tracing::debug!("TLS handshake timed out"),
                    }
                    drop(permit);
                });
            }
        }
    }
    drop(listener);
    let open = graceful.count();
    if open > 0 {
        tracing::info!(connections = open, "waiting for open requests to finish");
    }
    if tokio::time::timeout(limits.shutdown_timeout, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            connections = connections.len(),
            "open connections did not finish in time: closing them"
        );
    }
    connections.shutdown().await;
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
