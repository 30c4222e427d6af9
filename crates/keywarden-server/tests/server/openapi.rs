//! The OpenAPI document covers every route the router serves.

use axum::http::StatusCode;

use crate::on_each_backend;

#[tokio::test]
async fn every_route_is_documented() {
    on_each_backend(|t| async move {
        let r = t.send("GET", "/openapi.json", None, None, &[], None).await;
        assert_eq!(r.status, StatusCode::OK);
        let paths = r.json["paths"].as_object().unwrap();
        for (path, method) in [
            ("/v1/keys", "post"),
            ("/v1/keys", "get"),
            ("/v1/keys/{id}", "get"),
            ("/v1/keys/{id}", "patch"),
            ("/v1/keys/{id}/roll", "post"),
            ("/v1/keys/{id}/revoke", "post"),
            ("/v1/keys/revoke", "post"),
            ("/v1/keys/{id}/secret", "get"),
            ("/v1/keys/{id}/usage", "get"),
            ("/v1/verify", "post"),
            ("/v1/forward-auth", "get"),
            ("/v1/verify/trufflehog", "post"),
            ("/v1/leaks", "post"),
            ("/v1/leaks/github", "post"),
            ("/v1/audit", "get"),
            ("/v1/audit/verify", "get"),
            ("/v1/events", "get"),
            ("/healthz", "get"),
            ("/readyz", "get"),
            ("/metrics", "get"),
        ] {
            assert!(
                paths.get(path).and_then(|p| p.get(method)).is_some(),
                "{method} {path} is not documented"
            );
            // And the route really is served (not 404/405 from the router).
            let uri = path.replace("{id}", "key_0000000000000000");
            let served = t
                .send(&method.to_uppercase(), &uri, None, None, &[], None)
                .await;
            assert_ne!(
                served.status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
            assert!(
                served.status != StatusCode::NOT_FOUND
                    || served.code() == "NOT_FOUND"
                    || served.code() == "NOT_CONFIGURED"
                    || path.contains("{id}"),
                "{method} {path}"
            );
        }
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
