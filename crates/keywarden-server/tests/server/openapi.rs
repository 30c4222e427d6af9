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
            ("/v1/leaks", "post"),
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
