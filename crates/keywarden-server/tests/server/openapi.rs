//! The OpenAPI document covers every route the router serves, and every
//! route it documents is served.

use std::collections::BTreeSet;

use axum::{
    body::Body,
    http::{Method, Request, StatusCode},
};
use http_body_util::BodyExt;
use keywarden_server::api::ROUTES;
use tower::ServiceExt;

use crate::on_each_backend;

/// The one route the document leaves out: the document itself.
const UNDOCUMENTED: (&str, &str) = ("/openapi.json", "get");

/// Every method a probe tries on every documented path.
const METHODS: [&str; 9] = [
    "get", "head", "post", "put", "patch", "delete", "options", "trace", "connect",
];

/// Whether `api::router` itself answered `method path` with "no such route"
/// or "not that method": its own fallbacks answer with an empty body (a
/// handler's 404, e.g. an unknown key, has a JSON body).
async fn router_refuses(router: &axum::Router, method: &str, path: &str) -> Option<StatusCode> {
    let uri = path
        .replace("{id}", "key_0000000000000000")
        .replace("{owner}", "acme");
    let req = Request::builder()
        .method(Method::from_bytes(method.to_uppercase().as_bytes()).unwrap())
        .uri(uri)
        .body(Body::empty())
        .unwrap();
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (matches!(
        status,
        StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
    ) && body.is_empty())
    .then_some(status)
}

/// The router's routes come from one table (`api::ROUTES`, which builds
/// the router); the document must list exactly those operations, under
/// their handlers' names; and probing the router with every method on
/// every documented path, what it answers is exactly what is documented
/// (HEAD answered as GET, as axum does).
#[tokio::test]
async fn every_route_is_documented() {
    on_each_backend(|t| async move {
        let r = t.send("GET", "/openapi.json", None, None, &[], None).await;
        assert_eq!(r.status, StatusCode::OK);
        let paths = r.json["paths"].as_object().unwrap();
        let documented: BTreeSet<(String, String)> = paths
            .iter()
            .flat_map(|(path, item)| {
                item.as_object()
                    .unwrap()
                    .keys()
                    .filter(|m| METHODS.contains(&m.as_str()))
                    .map(move |m| (path.clone(), m.clone()))
            })
            .collect();
        // A wildcard segment (`{*path}`) is a parameter in the document.
        let documented_path = |path: &str| path.replace("{*", "{");
        let routed: BTreeSet<(String, String)> = ROUTES
            .iter()
            .filter(|r| (r.path, r.method) != UNDOCUMENTED)
            .map(|r| (documented_path(r.path), r.method.to_owned()))
            .collect();
        assert!(
            ROUTES.iter().any(|r| (r.path, r.method) == UNDOCUMENTED),
            "the router no longer serves {UNDOCUMENTED:?}: drop the exception"
        );
        let undocumented: Vec<_> = routed.difference(&documented).collect();
        assert!(
            undocumented.is_empty(),
            "routes served but not in the OpenAPI document: {undocumented:?}"
        );
        let unrouted: Vec<_> = documented.difference(&routed).collect();
        assert!(
            unrouted.is_empty(),
            "operations documented but not routed: {unrouted:?}"
        );
        assert!(routed.len() >= 30, "{} routes", routed.len());
        // Each operation is documented under the handler that answers it.
        for route in ROUTES.iter().filter(|r| (r.path, r.method) != UNDOCUMENTED) {
            let id = paths[&documented_path(route.path)][route.method]["operationId"]
                .as_str()
                .unwrap_or_default();
            assert!(
                id == route.handler || id == format!("{}_{}", route.handler, route.method),
                "{} {} is answered by {} but documented as {id}",
                route.method,
                route.path,
                route.handler
            );
        }

        // The router, probed: the table is what it serves.
        let router = keywarden_server::api::router(&t.state).with_state(t.state.clone());
        for path in paths.keys() {
            for method in METHODS {
                let answers = documented.contains(&(path.clone(), method.to_owned()))
                    || (method == "head" && documented.contains(&(path.clone(), "get".to_owned())));
                let refused = router_refuses(&router, method, path).await;
                if answers {
                    assert_eq!(
                        refused, None,
                        "{method} {path} is documented but not served"
                    );
                } else {
                    assert_eq!(
                        refused,
                        Some(StatusCode::METHOD_NOT_ALLOWED),
                        "{method} {path} is served but not documented"
                    );
                }
            }
        }
        assert_eq!(
            router_refuses(&router, "get", "/v1/no-such-route").await,
            Some(StatusCode::NOT_FOUND),
            "the probe tells the router's refusals from the handlers' answers"
        );
        assert_eq!(router_refuses(&router, "get", UNDOCUMENTED.0).await, None);
        assert!(r.json["components"]["securitySchemes"]["root_key"].is_object());
        let health = t.send("GET", "/healthz", None, None, &[], None).await;
        assert_eq!(health.json["status"], "ok");
        t.stop().await;
    })
    .await;
}

/// The committed document (`docs/openapi.json`, from which the clients
/// under `clients/` are generated) is the one the server answers. After a
/// deliberate change: `cargo run -p keywarden -- openapi > docs/openapi.json`
/// (or run this test with KEYWARDEN_BLESS=1), then regenerate the clients
/// (`scripts/contract --regenerate`).
#[tokio::test]
async fn the_committed_document_is_the_served_one() {
    on_each_backend(|t| async move {
        let r = t.send("GET", "/openapi.json", None, None, &[], None).await;
        assert_eq!(r.status, StatusCode::OK);
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
        if std::env::var_os("KEYWARDEN_BLESS").is_some() {
            std::fs::write(&path, keywarden_server::api::contract::document_text()).unwrap();
        }
        let committed: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert!(
            committed == r.json,
            "docs/openapi.json differs from the served document: \
             run `cargo run -p keywarden -- openapi > docs/openapi.json` and regenerate the clients"
        );
        t.stop().await;
    })
    .await;
}

/// Every 401 says how to authenticate, and every error code the server
/// answers is in the document's `ErrorCode` enumeration.
#[tokio::test]
async fn a_401_names_the_bearer_scheme() {
    on_each_backend(|t| async move {
        let doc = t
            .send("GET", "/openapi.json", None, None, &[], None)
            .await
            .json;
        let codes: Vec<&str> = doc["components"]["schemas"]["ErrorCode"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        for (method, uri) in [
            ("GET", "/v1/keys"),
            ("POST", "/v1/verify"),
            ("GET", "/v1/audit"),
        ] {
            let r = t.send(method, uri, None, None, &[], None).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {uri}");
            assert_eq!(
                r.headers
                    .get("www-authenticate")
                    .and_then(|v| v.to_str().ok()),
                Some("Bearer"),
                "{method} {uri}"
            );
            assert!(codes.contains(&r.code()), "{}", r.code());
        }
        let r = t
            .send("GET", "/v1/forward-auth", None, None, &[], None)
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            r.headers
                .get("www-authenticate")
                .and_then(|v| v.to_str().ok()),
            Some("Bearer")
        );
        assert!(codes.contains(&r.code()), "{}", r.code());
        t.stop().await;
    })
    .await;
}
