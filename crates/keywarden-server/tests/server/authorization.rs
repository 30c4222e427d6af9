//! Every route of the management API is authorized: walked from the API
//! document (a route added without a sample here fails the walk), with a
//! root key lacking each permission in turn. A route that needs the missing
//! permission answers 403 `FORBIDDEN` and audits the refusal; every other
//! route lets the key through (so the walk can tell a refusal from a route
//! that refuses everyone).

use axum::http::StatusCode;
use keywarden_store::{AuditFilter, Permission};
use serde_json::{Value, json};

use crate::{TestApp, on_each_backend};

/// A valid request for each management route: its path with the ids
/// filled in, and its body. Answers are never 401/403 for a key that holds
/// the route's permission.
fn sample(method: &str, path: &str, id: &str, key: &str) -> Option<(String, Option<Value>)> {
    let path_with = path
        .replace("{id}", id)
        .replace("{owner}", "acme")
        .replace("{space}", "default")
        .replace("{role}", "walker")
        .replace("{env}", "live")
        .replace("{name}", "WALKED");
    let body = match (method, path) {
        ("POST", "/v1/keys") => Some(json!({"environment": "test", "owner": "acme"})),
        ("POST", "/v1/keys/revoke") => Some(json!({"owner": "nobody", "confirm": true})),
        ("PATCH", "/v1/keys/{id}") => Some(json!({"name": "walked"})),
        ("POST", "/v1/spaces") => Some(json!({"id": "walked"})),
        ("POST", "/v1/portal/sessions") => Some(json!({"owner": "acme", "grants": ["keys:read"]})),
        ("POST", "/v1/keys/import") => {
            Some(json!({"keys": [{"plaintext": "walked-legacy-key-0001"}]}))
        }
        ("PATCH", "/v1/spaces/{space}") => Some(json!({"name": "Default"})),
        ("PUT", "/v1/secrets/{env}/{name}") => Some(json!({"value": "walked value"})),
        ("POST", "/v1/secrets/{env}/{name}/rollback") => Some(json!({"to": 1})),
        ("POST", "/v1/vault/scan-digests") => Some(json!({})),
        ("PUT", "/v1/spaces/{space}/roles/{role}") => Some(json!({"permissions": ["docs.read"]})),
        ("PUT", "/v1/owners/{owner}/limits") => {
            Some(json!({"rate_limit": {"limit": 100, "window_seconds": 60}}))
        }
        ("POST", "/v1/verify" | "/v1/leaks/check") => Some(json!({"key": key})),
        ("POST", "/v1/verify/trufflehog") => Some(json!({"KeywardenKeyKw": {"key": [key]}})),
        ("POST", "/v1/events/{id}/redeliver") => {
            return Some(("/v1/events/evt_unknown/redeliver".to_owned(), None));
        }
        ("GET" | "DELETE", _)
        | (
            "POST",
            "/v1/keys/{id}/disable"
            | "/v1/keys/{id}/enable"
            | "/v1/keys/{id}/approve"
            | "/v1/keys/{id}/decline"
            | "/v1/keys/{id}/revoke"
            | "/v1/keys/{id}/roll",
        ) => None,
        _ => return None,
    };
    Some((path_with, body))
}

/// The management routes of the document: (method, path, permission).
fn management_routes() -> Vec<(String, String, Permission)> {
    let doc = keywarden_server::api::contract::document();
    let mut routes = Vec::new();
    for (path, methods) in doc["paths"].as_object().unwrap() {
        for (method, op) in methods.as_object().unwrap() {
            let Some(security) = op["security"].as_array() else {
                continue;
            };
            let names: Vec<&str> = security
                .iter()
                .filter_map(|s| s["root_key"].as_array())
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if let [name] = names[..] {
                routes.push((
                    method.to_uppercase(),
                    path.clone(),
                    name.parse::<Permission>().unwrap(),
                ));
            }
        }
    }
    routes
}

async fn denied_entries(t: &TestApp) -> usize {
    t.store
        .list_audit(
            &AuditFilter {
                outcome: Some("denied".to_owned()),
                ..AuditFilter::default()
            },
            500,
        )
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn every_route_refuses_a_root_key_without_its_permission() {
    on_each_backend(|t| async move {
        let routes = management_routes();
        assert!(
            routes.len() >= 22,
            "the document lists {} management routes",
            routes.len()
        );
        let mut walked = 0;
        for missing in Permission::ALL
            .into_iter()
            .filter(|p| *p != Permission::Admin)
        {
            let held: Vec<Permission> = Permission::ALL
                .into_iter()
                .filter(|p| *p != missing && *p != Permission::Admin)
                .collect();
            let token = t.root_key(&held).await;
            for (method, path, needed) in &routes {
                // A fresh key for each request: a roll or revocation by an
                // earlier route must not decide a later one's answer.
                let (id, key) = t.create(json!({"environment": "live"})).await;
                let (uri, body) = sample(method, path, &id, &key)
                    .unwrap_or_else(|| panic!("no sample request for {method} {path}: add one"));
                let before = denied_entries(&t).await;
                let r = t.send(method, &uri, Some(&token), body, &[], None).await;
                if *needed == missing {
                    assert_eq!(
                        (r.status, r.code()),
                        (StatusCode::FORBIDDEN, "FORBIDDEN"),
                        "{}: {method} {path} without {missing}: {}",
                        t.backend,
                        r.text
                    );
                    assert_eq!(
                        denied_entries(&t).await,
                        before + 1,
                        "{method} {path}: one audited refusal"
                    );
                    walked += 1;
                } else if path == "/v1/portal/sessions" && missing == Permission::KeysRead {
                    // A link also needs the permission of each grant it
                    // hands out (the sample's `keys:read`): refused, audited.
                    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
                    assert_eq!(denied_entries(&t).await, before + 1);
                } else {
                    assert!(
                        r.status != StatusCode::FORBIDDEN && r.status != StatusCode::UNAUTHORIZED,
                        "{}: {method} {path} needs {needed}, the key lacks only {missing}: {} {}",
                        t.backend,
                        r.status,
                        r.text
                    );
                }
            }
        }
        // Each route was refused exactly once: for its own permission.
        assert_eq!(walked, routes.len());
    })
    .await;
}
