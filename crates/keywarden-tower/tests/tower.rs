//! The middleware against a real keywarden server over loopback HTTP (the
//! remote verifier) and in-process (the local verifier), through the
//! `protected_api` example app.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../examples/protected_api.rs"]
mod example;

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{Request, StatusCode},
};
use http_body_util::BodyExt;
use keywarden_core::{
    clock::SystemClock,
    digest::{Pepper, PepperRing},
};
use keywarden_server::{AppState, ServerConfig, setup};
use keywarden_store::{Permission, Store};
use keywarden_tower::{LocalVerifier, RemoteVerifier};
use serde_json::{Value, json};
use tower::ServiceExt;

struct Keywarden {
    url: String,
    admin: String,
    verify_token: String,
    state: AppState,
    /// `POST /v1/verify` requests that reached the server.
    asked: Arc<std::sync::atomic::AtomicU64>,
    _dir: tempfile::TempDir,
}

async fn keywarden() -> Keywarden {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(
        dir.path(),
        PepperRing::new(Pepper::new(1, &[3; 32]).unwrap()),
    )
    .await
    .unwrap();
    let now = keywarden_core::clock::Clock::now_ms(&SystemClock);
    let admin = setup::bootstrap(&store, &Default::default(), now)
        .await
        .unwrap()
        .unwrap()
        .expose()
        .to_owned();
    let (_, verify) = setup::create_root_key(
        &store,
        &Default::default(),
        setup::RootKeyGrant {
            permissions: vec![Permission::KeysVerify],
            ..Default::default()
        },
        None,
        now,
    )
    .await
    .unwrap();
    let (state, _bg) =
        AppState::start(store, ServerConfig::default(), Arc::new(SystemClock), None).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let asked = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counter = asked.clone();
    let app = keywarden_server::app(state.clone())
        .layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| {
                if req.uri().path() == "/v1/verify" {
                    counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
                next.run(req)
            },
        ))
        .into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Keywarden {
        url,
        admin,
        verify_token: verify.expose().to_owned(),
        state,
        asked,
        _dir: dir,
    }
}

impl Keywarden {
    /// How many verifications reached the server so far.
    fn asked(&self) -> u64 {
        self.asked.load(std::sync::atomic::Ordering::SeqCst)
    }

    async fn create(&self, body: Value) -> (String, String) {
        let r: Value = reqwest::Client::new()
            .post(format!("{}/v1/keys", self.url))
            .bearer_auth(&self.admin)
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (
            r["id"].as_str().unwrap().to_owned(),
            r["key"].as_str().unwrap().to_owned(),
        )
    }

    async fn revoke(&self, id: &str) {
        let r = reqwest::Client::new()
            .post(format!("{}/v1/keys/{id}/revoke", self.url))
            .bearer_auth(&self.admin)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }
}

async fn call(
    app: &axum::Router,
    method: &str,
    path: &str,
    key: Option<&str>,
) -> (StatusCode, axum::http::HeaderMap, Value) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(k) = key {
        req = req.header("authorization", format!("Bearer {k}"));
    }
    let mut req = req.body(Body::empty()).unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([192, 0, 2, 1], 5000))));
    let res = app.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// The same assertions for either verifier.
async fn protects(app: axum::Router, kw: &Keywarden) {
    let (status, headers, body) = call(&app, "GET", "/orders", None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("MISSING"))
    );
    assert_eq!(headers["www-authenticate"], "Bearer");
    let (status, _, body) = call(&app, "GET", "/orders", Some("kw_live_nope")).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("MALFORMED"))
    );
    let unknown = keywarden_core::key::mint(&Default::default(), &"live".parse().unwrap());
    let (status, _, body) = call(&app, "GET", "/orders", Some(unknown.expose())).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("NOT_FOUND"))
    );

    let (id, reader) = kw
        .create(json!({"environment": "live", "owner": "acme", "scopes": ["orders:read"]}))
        .await;
    let (status, _, body) = call(&app, "GET", "/orders", Some(&reader)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["owner"], "acme");
    let (status, _, body) = call(&app, "GET", "/whoami", Some(&reader)).await;
    assert_eq!(body["key_id"], id.as_str());
    assert_eq!(status, StatusCode::OK);
    let (status, _, body) = call(&app, "POST", "/orders", Some(&reader)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("INSUFFICIENT_SCOPE"))
    );

    let (_, test_key) = kw
        .create(json!({"environment": "test", "scopes": ["orders:*"]}))
        .await;
    let (status, _, body) = call(&app, "GET", "/orders", Some(&test_key)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("ENV_MISMATCH"))
    );

    let (_, limited) = kw.create(json!({"environment": "live", "scopes": ["orders:*"], "rate_limit": {"limit": 2, "window_seconds": 60}})).await;
    assert_eq!(
        call(&app, "POST", "/orders", Some(&limited)).await.0,
        StatusCode::OK
    );
    assert_eq!(
        call(&app, "POST", "/orders", Some(&limited)).await.0,
        StatusCode::OK
    );
    let (status, headers, body) = call(&app, "POST", "/orders", Some(&limited)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("RATE_LIMITED")),
        "rate-limited keys are never served from a cache"
    );
    assert_eq!(headers["retry-after"], "30");
}

#[tokio::test]
async fn remote_verifier_protects_the_example_app() {
    let kw = keywarden().await;
    let verifier = RemoteVerifier::new(&kw.url, &kw.verify_token)
        .unwrap()
        .max_staleness(Duration::from_millis(300));
    protects(example::app(verifier), &kw).await;
}

/// The remote verifier answers a key it verified from its cache, without
/// asking keywarden (counted at the server), for `max_staleness`: a revoked
/// key still passes until then (the documented bound), and is refused after.
#[tokio::test]
async fn revocation_reaches_a_remote_cache_within_its_staleness_bound() {
    let kw = keywarden().await;
    let app = example::app(
        RemoteVerifier::new(&kw.url, &kw.verify_token)
            .unwrap()
            .max_staleness(Duration::from_millis(500)),
    );
    let (id, key) = kw
        .create(json!({"environment": "live", "scopes": ["orders:read"]}))
        .await;
    let before = kw.asked();
    for _ in 0..20 {
        assert_eq!(
            call(&app, "GET", "/orders", Some(&key)).await.0,
            StatusCode::OK
        );
    }
    assert_eq!(
        kw.asked() - before,
        1,
        "20 requests within the staleness bound: one verification reaches keywarden"
    );
    kw.revoke(&id).await;
    assert_eq!(
        call(&app, "GET", "/orders", Some(&key)).await.0,
        StatusCode::OK,
        "within the staleness bound the cached answer stands"
    );
    assert_eq!(kw.asked() - before, 1);
    tokio::time::sleep(Duration::from_millis(550)).await;
    let (status, _, body) = call(&app, "GET", "/orders", Some(&key)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("REVOKED"))
    );
    assert_eq!(kw.asked() - before, 2, "past the bound keywarden is asked");
    // A refusal is never cached: asked again every time.
    for _ in 0..3 {
        assert_eq!(
            call(&app, "GET", "/orders", Some(&key)).await.0,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(kw.asked() - before, 5);
}

/// Keys with a rate limit or credits are asked about on every request
/// (their answer changes with each use), and a verifier with zero
/// staleness asks every time.
#[tokio::test]
async fn the_remote_cache_asks_for_what_it_must_not_reuse() {
    let kw = keywarden().await;
    let app = example::app(
        RemoteVerifier::new(&kw.url, &kw.verify_token)
            .unwrap()
            .max_staleness(Duration::from_secs(60)),
    );
    let (_, limited) = kw
        .create(json!({"environment": "live", "scopes": ["orders:*"], "rate_limit": {"limit": 100, "window_seconds": 60}}))
        .await;
    let (_, metered) = kw
        .create(
            json!({"environment": "live", "scopes": ["orders:*"], "credits": {"remaining": 100}}),
        )
        .await;
    let (_, plain) = kw
        .create(json!({"environment": "live", "scopes": ["orders:*"]}))
        .await;
    for key in [&limited, &metered] {
        let before = kw.asked();
        for _ in 0..5 {
            assert_eq!(
                call(&app, "GET", "/orders", Some(key)).await.0,
                StatusCode::OK
            );
        }
        assert_eq!(kw.asked() - before, 5, "a limited key is asked every time");
    }
    // Two routes needing different scopes share the one answer: the key's
    // scopes are checked on the cached identity (`RequireScopes`).
    let before = kw.asked();
    for _ in 0..5 {
        assert_eq!(
            call(&app, "GET", "/orders", Some(&plain)).await.0,
            StatusCode::OK
        );
        assert_eq!(
            call(&app, "POST", "/orders", Some(&plain)).await.0,
            StatusCode::OK
        );
    }
    assert_eq!(kw.asked() - before, 1, "one round trip for both routes");
    let uncached = example::app(
        RemoteVerifier::new(&kw.url, &kw.verify_token)
            .unwrap()
            .max_staleness(Duration::ZERO),
    );
    let before = kw.asked();
    for _ in 0..5 {
        assert_eq!(
            call(&uncached, "GET", "/orders", Some(&plain)).await.0,
            StatusCode::OK
        );
    }
    assert_eq!(kw.asked() - before, 5, "zero staleness asks every time");
}

#[tokio::test]
async fn an_unreachable_keywarden_fails_closed() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let root = keywarden_core::key::mint(
        &Default::default(),
        &keywarden_core::key::Environment::root(),
    );
    let app = example::app(
        RemoteVerifier::new(&format!("http://127.0.0.1:{port}"), root.expose()).unwrap(),
    );
    let key = keywarden_core::key::mint(&Default::default(), &"live".parse().unwrap());
    let (status, _, body) = call(&app, "GET", "/orders", Some(key.expose())).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Some("VERIFIER_UNAVAILABLE")
        )
    );
    assert!(RemoteVerifier::new("ftp://x", root.expose()).is_err());
    assert!(RemoteVerifier::new("http://x", "kw_live_not_root").is_err());
}

#[tokio::test]
async fn local_verifier_protects_the_example_app() {
    let kw = keywarden().await;
    protects(example::app(LocalVerifier::new(kw.state.clone())), &kw).await;
}

/// An app whose `/report` costs 3 credits and whose `/batch` costs what
/// its `x-batch-size` header says.
fn costly_app<V: keywarden_tower::KeyVerifier + Clone>(verifier: V) -> axum::Router {
    use axum::routing::get;
    use keywarden_tower::KeywardenLayer;
    let report = axum::Router::new()
        .route("/report", get(|| async { "report" }))
        .route_layer(KeywardenLayer::new(verifier.clone()).cost(3).unwrap());
    let batch = axum::Router::new()
        .route("/batch", get(|| async { "batch" }))
        .route_layer(KeywardenLayer::new(verifier).cost_by(|parts| {
            parts
                .headers
                .get("x-batch-size")
                .and_then(|v| v.to_str().ok()?.parse().ok())
                .unwrap_or(1)
        }));
    report.merge(batch)
}

/// Credits 10 at cost 3: three requests pass, the fourth is
/// `USAGE_EXCEEDED` (403); a per-request cost spends what it says.
async fn spends_costs(app: axum::Router, kw: &Keywarden) {
    let (_, key) = kw
        .create(json!({"environment": "live", "credits": {"remaining": 10}}))
        .await;
    let mut codes = Vec::new();
    for _ in 0..4 {
        let (status, _, body) = call(&app, "GET", "/report", Some(&key)).await;
        codes.push((status, body["error"]["code"].as_str().map(str::to_owned)));
    }
    assert_eq!(
        codes,
        [
            (StatusCode::OK, None),
            (StatusCode::OK, None),
            (StatusCode::OK, None),
            (StatusCode::FORBIDDEN, Some("USAGE_EXCEEDED".to_owned())),
        ]
    );
    let (id, key) = kw
        .create(json!({"environment": "live", "credits": {"remaining": 10}}))
        .await;
    let batch = |size: &'static str| {
        let app = app.clone();
        let key = key.clone();
        async move {
            let req = Request::builder()
                .uri("/batch")
                .header("authorization", format!("Bearer {key}"))
                .header("x-batch-size", size)
                .body(Body::empty())
                .unwrap();
            app.oneshot(req).await.unwrap().status()
        }
    };
    assert_eq!(batch("7").await, StatusCode::OK);
    assert_eq!(batch("4").await, StatusCode::FORBIDDEN, "3 left");
    assert_eq!(
        batch("0").await,
        StatusCode::OK,
        "0 checks without spending"
    );
    assert_eq!(batch("3").await, StatusCode::OK);
    let left: Value = reqwest::Client::new()
        .get(format!("{}/v1/keys/{id}", kw.url))
        .bearer_auth(&kw.admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(left["credits"]["remaining"], 0, "{left}");
}

#[tokio::test]
async fn remote_verifier_spends_each_routes_cost() {
    let kw = keywarden().await;
    let verifier = Arc::new(
        RemoteVerifier::new(&kw.url, &kw.verify_token)
            .unwrap()
            .max_staleness(Duration::from_millis(300)),
    );
    spends_costs(costly_app(verifier), &kw).await;
}

#[tokio::test]
async fn local_verifier_spends_each_routes_cost() {
    let kw = keywarden().await;
    spends_costs(costly_app(LocalVerifier::new(kw.state.clone())), &kw).await;
}

#[test]
fn a_cost_over_the_maximum_is_refused() {
    let verifier = RemoteVerifier::new(
        "http://127.0.0.1:1",
        keywarden_core::key::mint(
            &Default::default(),
            &keywarden_core::key::Environment::root(),
        )
        .expose(),
    )
    .unwrap();
    let layer = keywarden_tower::KeywardenLayer::new(verifier);
    let err = layer.cost(keywarden_proto::MAX_COST + 1).err().unwrap();
    assert_eq!(err.0, keywarden_proto::MAX_COST + 1);
}

#[test]
fn a_verify_request_never_shows_its_key_in_debug() {
    let minted = keywarden_core::key::mint(&Default::default(), &"live".parse().unwrap());
    let req = keywarden_tower::VerifyRequest {
        key: Some(minted.expose()),
        environment: Some("live"),
        scopes: &[],
        permissions: None,
        space: None,
        client_ip: None,
        user_agent: None,
        cost: 1,
    };
    let shown = format!("{req:?}");
    assert!(!shown.contains(&minted.expose()[8..]), "{shown}");
    assert!(shown.contains("REDACTED"));
}

/// A router whose every route needs `query`, through `verifier`, and whose
/// `/docs` route also needs `docs.write` per route (`RequireScopes`).
fn query_app<V: keywarden_tower::KeyVerifier>(verifier: V, query: &str) -> axum::Router {
    axum::Router::new()
        .route(
            "/docs",
            axum::routing::get(|id: keywarden_tower::Identity| async move {
                axum::Json(json!({ "space": id.space, "permissions": id.permissions }))
            })
            .route_layer(keywarden_tower::RequireScopes::new(["docs.write"]).unwrap()),
        )
        .layer(
            keywarden_tower::KeywardenLayer::new(verifier)
                .permissions(query)
                .unwrap(),
        )
}

/// Permission queries, roles and spaces reach both verifiers: a key whose
/// role grants what the query asks passes, with its effective permissions
/// in `Identity`; one that lacks a term gets 403 `INSUFFICIENT_PERMISSIONS`
/// naming it; a malformed query fails when the layer is built.
#[tokio::test]
async fn permission_queries_hold_through_both_verifiers() {
    let kw = keywarden().await;
    let admin = reqwest::Client::new();
    let post = |path: &str, method: reqwest::Method, body: Value| {
        admin
            .request(method, format!("{}{path}", kw.url))
            .bearer_auth(&kw.admin)
            .json(&body)
            .send()
    };
    let r = post(
        "/v1/spaces",
        reqwest::Method::POST,
        json!({"id": "docs", "key_prefix": "doc"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 201);
    let r = post(
        "/v1/spaces/docs/roles/editor",
        reqwest::Method::PUT,
        json!({"permissions": ["docs.read", "docs.write"]}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 201);
    let (_, editor) = kw
        .create(json!({"environment": "live", "space": "docs", "roles": ["editor"]}))
        .await;
    let (_, reader) = kw
        .create(json!({"environment": "live", "space": "docs", "permissions": ["docs.read"]}))
        .await;
    let query = "docs.read AND (docs.write OR admin)";
    let remote = RemoteVerifier::new(&kw.url, &kw.verify_token).unwrap();
    for (name, app) in [
        ("remote", query_app(remote, query)),
        (
            "local",
            query_app(LocalVerifier::new(kw.state.clone()), query),
        ),
    ] {
        let (status, _, body) = call(&app, "GET", "/docs", Some(&editor)).await;
        assert_eq!(status, StatusCode::OK, "{name}: {body}");
        assert_eq!(body["space"], "docs");
        assert_eq!(body["permissions"], json!(["docs.read", "docs.write"]));
        let (status, _, body) = call(&app, "GET", "/docs", Some(&reader)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {body}");
        assert_eq!(body["error"]["code"], "INSUFFICIENT_PERMISSIONS");
        assert_eq!(
            body["error"]["missing_permissions"],
            json!(["docs.write", "admin"]),
            "{name}"
        );
    }
    let err = keywarden_tower::KeywardenLayer::new(LocalVerifier::new(kw.state.clone()))
        .permissions("docs.read AND")
        .err()
        .unwrap();
    assert_eq!(err.position, 13);
}

/// A key imported from another system (its old string, of another format)
/// passes the middleware with both verifiers: the remote one sends it to
/// keywarden rather than refusing it as malformed.
#[tokio::test]
async fn imported_keys_pass_through_both_verifiers() {
    let kw = keywarden().await;
    let legacy = "Ab3dEf7h.q9Wl2mXr5tZb8nCk1vYp4sGd6hJf0aLe";
    let r: Value = reqwest::Client::new()
        .post(format!("{}/v1/keys/import", kw.url))
        .bearer_auth(&kw.admin)
        .json(&json!({"keys": [{"plaintext": legacy, "owner": "acme", "scopes": ["orders:read"]}]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["imported"], 1, "{r}");
    let remote = RemoteVerifier::new(&kw.url, &kw.verify_token).unwrap();
    for (name, app) in [
        ("remote", example::app(remote)),
        ("local", example::app(LocalVerifier::new(kw.state.clone()))),
    ] {
        let (status, _, body) = call(&app, "GET", "/orders", Some(legacy)).await;
        assert_eq!(status, StatusCode::OK, "{name}: {body}");
        assert_eq!(body["owner"], "acme");
        // A near miss is unknown, not let through.
        let (status, _, body) = call(&app, "GET", "/orders", Some(&legacy.replace('A', "B"))).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("NOT_FOUND")),
            "{name}"
        );
    }
}
