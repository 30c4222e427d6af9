//! Tests of the HTTP API through `app(state)` and `tower::ServiceExt::oneshot`
//! (no socket), on SQLite and on PostgreSQL at `KEYWARDEN_TEST_DATABASE_URL`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod anomalies;
mod authorization;
mod console;
mod contract;
mod errors;
mod faults;
mod hostile;
mod import;
mod leaks;
mod lifecycle;
mod openapi;
mod portal;
mod spaces;
mod vault;
mod verify;
mod webhooks;

use std::{future::Future, net::SocketAddr, sync::Arc};

use axum::{
    Router,
    body::Body,
    extract::ConnectInfo,
    http::{HeaderMap, Request, StatusCode},
};
use http_body_util::BodyExt;
use keywarden_core::{
    clock::ManualClock,
    digest::{Pepper, PepperRing},
    envelope::MasterKey,
};
use keywarden_server::{AppState, Background, ServerConfig, app, setup};
use keywarden_store::{Permission, Store};
use serde_json::Value;
use tower::ServiceExt;

pub(crate) const NOW: i64 = 1_800_000_000_000;

/// One server on one backend, with an admin root key.
pub(crate) struct TestApp {
    pub(crate) app: Router,
    pub(crate) state: AppState,
    pub(crate) store: Store,
    pub(crate) clock: ManualClock,
    pub(crate) root: String,
    pub(crate) backend: &'static str,
    background: Option<Background>,
}

/// An HTTP answer.
pub(crate) struct Resp {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) json: Value,
    /// The body as text (for non-JSON answers like `/metrics`).
    pub(crate) text: String,
}

impl Resp {
    pub(crate) fn code(&self) -> &str {
        self.json["error"]["code"].as_str().unwrap_or_default()
    }
}

pub(crate) struct Options {
    pub(crate) config: ServerConfig,
    pub(crate) master_key: Option<MasterKey>,
    pub(crate) webhook: Option<keywarden_server::events::Webhook>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            config: ServerConfig::default(),
            master_key: Some(MasterKey::generate()),
            webhook: None,
        }
    }
}

impl TestApp {
    async fn start(store: Store, backend: &'static str, options: Options) -> Self {
        let clock = ManualClock::new(NOW);
        let root = setup::bootstrap(&store, &Default::default(), NOW)
            .await
            .unwrap()
            .unwrap();
        let (state, background) = AppState::start_with_webhook(
            store.clone(),
            options.config,
            Arc::new(clock.clone()),
            options.master_key,
            options.webhook,
        )
        .await;
        Self {
            app: app(state.clone()),
            state,
            store,
            clock,
            root: root.expose().to_owned(),
            backend,
            background: Some(background),
        }
    }

    /// A root key with these permissions.
    pub(crate) async fn root_key(&self, permissions: &[Permission]) -> String {
        let (_, key) = setup::create_root_key(
            &self.store,
            &Default::default(),
            setup::RootKeyGrant {
                permissions: permissions.to_vec(),
                ..Default::default()
            },
            None,
            NOW,
        )
        .await
        .unwrap();
        key.expose().to_owned()
    }

    /// A root key with these permissions that sees only these spaces.
    pub(crate) async fn scoped_root_key(
        &self,
        permissions: &[Permission],
        spaces: &[&str],
    ) -> String {
        let (_, key) = setup::create_root_key(
            &self.store,
            &Default::default(),
            setup::RootKeyGrant {
                permissions: permissions.to_vec(),
                spaces: Some(spaces.iter().map(|s| s.parse().unwrap()).collect()),
                environments: None,
            },
            None,
            NOW,
        )
        .await
        .unwrap();
        key.expose().to_owned()
    }

    /// Sends a request as `token` from `peer`.
    pub(crate) async fn send(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
        extra: &[(&str, &str)],
        peer: Option<&str>,
    ) -> Resp {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        if body.is_some() {
            req = req.header("content-type", "application/json");
        }
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let mut req = req
            .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
            .unwrap();
        if let Some(p) = peer {
            let addr: SocketAddr = format!("{p}:40000").parse().unwrap();
            req.extensions_mut().insert(ConnectInfo(addr));
        }
        self.raw(req).await
    }

    pub(crate) async fn raw(&self, req: Request<Body>) -> Resp {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Resp {
            status,
            headers,
            json,
            text,
        }
    }

    /// As the admin root key.
    pub(crate) async fn call(&self, method: &str, uri: &str, body: Option<Value>) -> Resp {
        self.send(method, uri, Some(&self.root), body, &[], None)
            .await
    }

    /// Creates a key; returns (id, plaintext).
    pub(crate) async fn create(&self, body: Value) -> (String, String) {
        let r = self.call("POST", "/v1/keys", Some(body)).await;
        assert_eq!(
            r.status,
            StatusCode::CREATED,
            "{}: {}",
            self.backend,
            r.json
        );
        (
            r.json["id"].as_str().unwrap().to_owned(),
            r.json["key"].as_str().unwrap().to_owned(),
        )
    }

    /// `POST /v1/verify`; returns the body.
    pub(crate) async fn verify(&self, body: Value) -> Value {
        let r = self.call("POST", "/v1/verify", Some(body)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        r.json
    }

    /// Waits until the usage log has written at least `n` events.
    pub(crate) async fn wait_usage_written(&self, n: u64) {
        for _ in 0..500 {
            if self.state.metrics().usage_written.get() >= n {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("{}: the usage log did not write {n} events", self.backend);
    }

    /// Stops the node and starts a new one on the same store, clock and
    /// root key: a restart.
    pub(crate) async fn restart(mut self, options: Options) -> Self {
        if let Some(bg) = self.background.take() {
            bg.shutdown().await;
        }
        let (state, background) = AppState::start_with_webhook(
            self.store.clone(),
            options.config,
            Arc::new(self.clock.clone()),
            options.master_key,
            options.webhook,
        )
        .await;
        Self {
            app: app(state.clone()),
            state,
            background: Some(background),
            ..self
        }
    }

    pub(crate) async fn stop(mut self) {
        if let Some(bg) = self.background.take() {
            bg.shutdown().await;
        }
    }
}

pub(crate) fn peppers() -> PepperRing {
    PepperRing::new(Pepper::new(1, &[5; 32]).unwrap())
}

async fn postgres_store() -> Option<Store> {
    let url = keywarden_store::testing::postgres_schema_url().await?;
    Some(Store::open(&url, peppers()).await.unwrap())
}

/// Runs `test` against a fresh server on every backend.
pub(crate) async fn on_each_backend_with<F, Fut>(options: impl Fn() -> Options, test: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(dir.path(), peppers()).await.unwrap();
    test(TestApp::start(store, "sqlite", options()).await).await;
    if let Some(store) = postgres_store().await {
        test(TestApp::start(store, "postgres", options()).await).await;
    }
}

/// Runs `test` against a fresh default server on every backend.
pub(crate) async fn on_each_backend<F, Fut>(test: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    on_each_backend_with(Options::default, test).await;
}
