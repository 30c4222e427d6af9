//! Key spaces, roles and permission queries, through the API on both
//! backends: prefixes and defaults per space, root keys scoped to spaces
//! (another space's key is 404 and `NOT_FOUND`, never 403), roles folded
//! into a key's effective permissions, and permission queries at
//! `/v1/verify` and forward-auth.

use axum::http::StatusCode;
use keywarden_store::Permission;
use serde_json::{Value, json};

use crate::{TestApp, on_each_backend};

/// Makes the spaces `payments` (prefix `pay`) and `search` (prefix `srch`).
async fn two_spaces(t: &TestApp) {
    for (id, prefix) in [("payments", "pay"), ("search", "srch")] {
        let r = t
            .call(
                "POST",
                "/v1/spaces",
                Some(json!({ "id": id, "key_prefix": prefix })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}: {}", t.backend, r.json);
        assert_eq!(r.json["key_prefix"], prefix);
    }
}

fn forward_auth(t: &TestApp, key: &str, query: &str) -> impl Future<Output = crate::Resp> {
    let uri = format!("/v1/forward-auth{query}");
    let key = key.to_owned();
    async move {
        t.send("GET", &uri, None, None, &[("x-api-key", &key)], None)
            .await
    }
}

#[tokio::test]
async fn spaces_mint_their_own_prefixes_and_scoped_root_keys_see_only_theirs() {
    on_each_backend(|t| async move {
        two_spaces(&t).await;
        let (pay_id, pay_key) = t
            .create(json!({ "environment": "live", "space": "payments" }))
            .await;
        let (search_id, search_key) = t
            .create(json!({ "environment": "live", "space": "search" }))
            .await;
        let (default_id, _) = t.create(json!({ "environment": "live" })).await;
        assert!(pay_key.starts_with("pay_live_"), "{pay_key}");
        assert!(search_key.starts_with("srch_live_"), "{search_key}");
        for key in [&pay_key, &search_key] {
            assert_eq!(t.verify(json!({ "key": key })).await["code"], "VALID");
        }
        let spaces = t.call("GET", "/v1/spaces", None).await;
        let ids: Vec<&str> = spaces.json["spaces"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["default", "payments", "search"]);

        // A root key scoped to `search`.
        let all = [
            Permission::KeysRead,
            Permission::KeysWrite,
            Permission::KeysRevoke,
            Permission::KeysReveal,
            Permission::KeysVerify,
            Permission::AuditRead,
            Permission::SpacesWrite,
        ];
        let scoped = t.scoped_root_key(&all, &["search"]).await;
        let as_scoped = |method: &'static str, uri: String, body: Option<Value>| {
            let scoped = scoped.clone();
            let t = &t;
            async move { t.send(method, &uri, Some(&scoped), body, &[], None).await }
        };
        let listed = as_scoped("GET", "/v1/keys".into(), None).await;
        let ids: Vec<&str> = listed.json["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [search_id.as_str()], "{}", t.backend);
        // Asking for another space's keys lists nothing.
        let listed = as_scoped("GET", "/v1/keys?space=payments".into(), None).await;
        assert_eq!(listed.json["keys"], json!([]));
        // Every route answers 404 for another space's key, as for no key.
        for other in [&pay_id, &default_id] {
            for (method, path, body) in [
                ("GET", format!("/v1/keys/{other}"), None),
                (
                    "PATCH",
                    format!("/v1/keys/{other}"),
                    Some(json!({ "name": "x" })),
                ),
                ("POST", format!("/v1/keys/{other}/revoke"), None),
                ("POST", format!("/v1/keys/{other}/roll"), None),
                ("POST", format!("/v1/keys/{other}/disable"), None),
                ("POST", format!("/v1/keys/{other}/enable"), None),
                ("GET", format!("/v1/keys/{other}/secret"), None),
                ("GET", format!("/v1/keys/{other}/usage"), None),
            ] {
                let r = as_scoped(method, path.clone(), body).await;
                assert_eq!(
                    r.status,
                    StatusCode::NOT_FOUND,
                    "{method} {path}: {}",
                    r.json
                );
                assert_eq!(r.code(), "NOT_FOUND");
            }
        }
        // Verification: another space's key is NOT_FOUND, like no key.
        let r = as_scoped("POST", "/v1/verify".into(), Some(json!({ "key": pay_key }))).await;
        assert_eq!(r.json["code"], "NOT_FOUND", "{}", r.json);
        assert_eq!(r.json["key_id"], Value::Null);
        let r = as_scoped(
            "POST",
            "/v1/verify".into(),
            Some(json!({ "key": search_key })),
        )
        .await;
        assert_eq!(r.json["code"], "VALID");
        assert_eq!(r.json["space"], "search");
        // Creating in a space it does not hold is 403 (it names the space).
        let r = as_scoped(
            "POST",
            "/v1/keys".into(),
            Some(json!({ "environment": "live", "space": "payments" })),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.json);
        // Without a space it asks for `default`, which it does not hold.
        let r = as_scoped(
            "POST",
            "/v1/keys".into(),
            Some(json!({ "environment": "live" })),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.json);
        let r = as_scoped(
            "POST",
            "/v1/keys".into(),
            Some(json!({ "environment": "live", "space": "search" })),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
        // Spaces and their roles: only its own.
        let r = as_scoped("GET", "/v1/spaces".into(), None).await;
        assert_eq!(r.json["spaces"].as_array().unwrap().len(), 1);
        for path in ["/v1/spaces/payments", "/v1/spaces/payments/roles"] {
            let r = as_scoped("GET", path.into(), None).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        }
        let r = as_scoped(
            "PUT",
            "/v1/spaces/payments/roles/x".into(),
            Some(json!({ "permissions": ["a"] })),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // A bulk revocation reaches only its spaces' keys.
        let r = as_scoped(
            "POST",
            "/v1/keys/revoke".into(),
            Some(json!({ "environment": "live", "confirm": true })),
        )
        .await;
        assert_eq!(r.json["revoked"], 2, "{}", r.json);
        assert_eq!(t.verify(json!({ "key": pay_key })).await["code"], "VALID");
        // Owner limits span every space: refused.
        let r = as_scoped(
            "PUT",
            "/v1/owners/acme/limits".into(),
            Some(json!({ "rate_limit": { "limit": 1, "window_seconds": 60 } })),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // ... and read as none, though the owner has them.
        let set = t
            .call(
                "PUT",
                "/v1/owners/acme/limits",
                Some(json!({ "rate_limit": { "limit": 5, "window_seconds": 60 } })),
            )
            .await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.json);
        let r = as_scoped("GET", "/v1/owners/acme/limits".into(), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = as_scoped("GET", "/v1/owners/acme".into(), None).await;
        assert_eq!(r.json["limits"], Value::Null, "{}", r.json);
        // An import's answer would name keys of every space: refused.
        let r = as_scoped(
            "POST",
            "/v1/keys/import".into(),
            Some(
                json!({ "keys": [{ "plaintext": "legacy-key-abcdefghijkl", "space": "search" }] }),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.json);
        // The audit log shows it only its spaces' entries.
        let r = as_scoped("GET", "/v1/audit?limit=500".into(), None).await;
        let entries = r.json["entries"].as_array().unwrap();
        assert!(
            entries.iter().any(|e| e["target"] == search_id.as_str()),
            "a scoped root key reads its own space's entries: {}",
            r.json
        );
        for entry in entries {
            let target = entry["target"].as_str().unwrap_or_default();
            assert!(
                target != pay_id && target != "space:payments",
                "a scoped root key read an entry about another space: {entry}"
            );
        }
        // An unscoped key filters the audit log by space.
        let r = t.call("GET", "/v1/audit?space=payments", None).await;
        let targets: Vec<&str> = r.json["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["target"].as_str())
            .collect();
        assert!(targets.contains(&pay_id.as_str()) && targets.contains(&"space:payments"));
        assert!(!targets.contains(&search_id.as_str()));
    })
    .await;
}

#[tokio::test]
async fn roles_and_permission_queries_decide_verification() {
    on_each_backend(|t| async move {
        two_spaces(&t).await;
        let r = t
            .call(
                "PUT",
                "/v1/spaces/payments/roles/editor",
                Some(json!({ "permissions": ["docs.read", "docs.write"] })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
        // A role of another space, or none at all, is refused.
        for (space, roles) in [
            ("search", json!(["editor"])),
            ("payments", json!(["ghost"])),
        ] {
            let r = t
                .call(
                    "POST",
                    "/v1/keys",
                    Some(json!({ "environment": "live", "space": space, "roles": roles })),
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(r.code(), "UNKNOWN_ROLE");
        }
        let (id, key) = t
            .create(json!({
                "environment": "live",
                "space": "payments",
                "roles": ["editor"],
                "permissions": ["billing.read"],
            }))
            .await;
        let shown = t.call("GET", &format!("/v1/keys/{id}"), None).await;
        assert_eq!(shown.json["roles"], json!(["editor"]));
        assert_eq!(
            shown.json["effective_permissions"],
            json!(["billing.read", "docs.read", "docs.write"])
        );
        let verify = |query: &'static str| {
            let key = key.clone();
            let t = &t;
            async move {
                t.call(
                    "POST",
                    "/v1/verify",
                    Some(json!({ "key": key, "permissions": query })),
                )
                .await
            }
        };
        for query in [
            "docs.read AND docs.write",
            "docs.delete OR (billing.read AND docs.read)",
            "billing.read OR docs.delete",
        ] {
            let r = verify(query).await;
            assert_eq!(r.json["code"], "VALID", "{query}: {}", r.json);
        }
        let r = verify("docs.delete").await;
        assert_eq!(r.json["code"], "INSUFFICIENT_PERMISSIONS");
        assert_eq!(r.json["missing_permissions"], json!(["docs.delete"]));
        let r = verify("docs.delete OR (admin AND docs.read)").await;
        assert_eq!(
            r.json["missing_permissions"],
            json!(["docs.delete", "admin"])
        );
        // A malformed query is 400 and names the position.
        let r = verify("docs.read AND").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.json);
        assert_eq!(r.code(), "INVALID_PERMISSION_QUERY");
        assert!(
            r.json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("position 13"),
            "{}",
            r.json
        );
        // Forward-auth: the query parameter, the header, both.
        let fa = forward_auth(&t, &key, "?permissions=docs.read%20AND%20docs.write").await;
        assert_eq!(fa.status, StatusCode::OK);
        let fa = forward_auth(&t, &key, "?permissions=docs.delete").await;
        assert_eq!(fa.status, StatusCode::FORBIDDEN);
        assert_eq!(fa.code(), "INSUFFICIENT_PERMISSIONS");
        assert_eq!(
            fa.json["error"]["missing_permissions"],
            json!(["docs.delete"])
        );
        let fa = t
            .send(
                "GET",
                "/v1/forward-auth?permissions=docs.read",
                None,
                None,
                &[
                    ("x-api-key", &key),
                    ("x-keywarden-permissions", "docs.delete OR billing.read"),
                ],
                None,
            )
            .await;
        assert_eq!(fa.status, StatusCode::OK);
        // Both are required: a header the key fails refuses, though the
        // query alone (asked just before, and remembered) passes; and the
        // other way round. A blank one is malformed (the document says so).
        let both = |query: &'static str, header: &'static str| {
            let key = key.clone();
            let t = &t;
            async move {
                t.send(
                    "GET",
                    &format!("/v1/forward-auth?permissions={query}"),
                    None,
                    None,
                    &[("x-api-key", &key), ("x-keywarden-permissions", header)],
                    None,
                )
                .await
            }
        };
        let fa = both("docs.read", "docs.delete").await;
        assert_eq!(fa.status, StatusCode::FORBIDDEN, "{}", fa.text);
        assert_eq!(
            fa.json["error"]["missing_permissions"],
            json!(["docs.delete"])
        );
        let fa = both("docs.delete", "docs.read").await;
        assert_eq!(fa.status, StatusCode::FORBIDDEN, "{}", fa.text);
        let fa = both("docs.read", " ").await;
        assert_eq!(fa.status, StatusCode::BAD_REQUEST, "{}", fa.text);
        assert_eq!(fa.code(), "INVALID_PERMISSION_QUERY");
        let fa = t
            .send(
                "GET",
                "/v1/forward-auth",
                None,
                None,
                &[
                    ("x-api-key", &key),
                    ("x-keywarden-permissions", "(docs.read"),
                ],
                None,
            )
            .await;
        assert_eq!(fa.status, StatusCode::BAD_REQUEST);
        assert_eq!(fa.code(), "INVALID_PERMISSION_QUERY");
        // Scopes keep their meaning, and roles count for them too.
        let fa = forward_auth(&t, &key, "?scopes=docs.write,billing.read").await;
        assert_eq!(fa.status, StatusCode::OK);
        // The API's space: a key of another is NOT_FOUND.
        let fa = forward_auth(&t, &key, "?space=search").await;
        assert_eq!(fa.status, StatusCode::FORBIDDEN);
        assert_eq!(fa.code(), "NOT_FOUND");
        let fa = forward_auth(&t, &key, "?space=payments").await;
        assert_eq!(fa.status, StatusCode::OK);

        // A role's change is enforced at once (this node drops its cache).
        let r = t
            .call(
                "PUT",
                "/v1/spaces/payments/roles/editor",
                Some(json!({ "permissions": ["docs.read", "docs.delete"] })),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(verify("docs.delete").await.json["code"], "VALID");
        assert_eq!(
            verify("docs.write").await.json["code"],
            "INSUFFICIENT_PERMISSIONS"
        );
        let r = t
            .call("DELETE", "/v1/spaces/payments/roles/editor", None)
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(
            verify("docs.read").await.json["code"],
            "INSUFFICIENT_PERMISSIONS"
        );
        assert_eq!(verify("billing.read").await.json["code"], "VALID");
        // The key lost the role's name: a role made again under that name
        // grants it nothing.
        assert_eq!(
            t.call("GET", &format!("/v1/keys/{id}"), None).await.json["roles"],
            json!([])
        );
        t.call(
            "PUT",
            "/v1/spaces/payments/roles/editor",
            Some(json!({ "permissions": ["docs.read"] })),
        )
        .await;
        assert_eq!(
            verify("docs.read").await.json["code"],
            "INSUFFICIENT_PERMISSIONS"
        );
    })
    .await;
}

#[tokio::test]
async fn space_defaults_apply_and_deletion_is_guarded() {
    on_each_backend(|t| async move {
        let r = t
            .call(
                "POST",
                "/v1/spaces",
                Some(json!({
                    "id": "metered",
                    "name": "Metered API",
                    "key_prefix": "mtr",
                    "defaults": {
                        "environments": ["live"],
                        "rate_limit": { "limit": 10, "window_seconds": 60 },
                        "credits": { "amount": 100, "refill_interval": "1d" },
                        "max_lifetime": "30d",
                    },
                })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
        assert_eq!(r.json["defaults"]["max_lifetime"], "30d");
        let (id, _) = t
            .create(json!({ "environment": "live", "space": "metered" }))
            .await;
        let k = t.call("GET", &format!("/v1/keys/{id}"), None).await.json;
        assert_eq!(k["rate_limit"]["limit"], 10, "{k}");
        assert_eq!(k["credits"]["remaining"], 100);
        assert_eq!(k["credits"]["refill"]["interval_seconds"], 86_400);
        assert!(k["expires_at"].is_string(), "required expiry: {k}");
        // The request's own values win; the policy still holds.
        let (id2, _) = t
            .create(json!({
                "environment": "live",
                "space": "metered",
                "rate_limit": { "limit": 5, "window_seconds": 1 },
                "expires_in": "1d",
            }))
            .await;
        let k2 = t.call("GET", &format!("/v1/keys/{id2}"), None).await.json;
        assert_eq!(k2["rate_limit"]["limit"], 5);
        // The required expiry holds for changes too.
        for (patch, code) in [
            (json!({ "expires_at": null }), "EXPIRY_REQUIRED"),
            (json!({ "expires_in": "60d" }), "LIFETIME_TOO_LONG"),
        ] {
            let r = t
                .call("PATCH", &format!("/v1/keys/{id2}"), Some(patch))
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
            assert_eq!(r.code(), code);
        }
        for (body, code) in [
            (
                json!({ "environment": "test", "space": "metered" }),
                "ENVIRONMENT_NOT_ALLOWED",
            ),
            (
                json!({ "environment": "live", "space": "metered", "expires_in": "90d" }),
                "LIFETIME_TOO_LONG",
            ),
            (
                json!({ "environment": "live", "space": "nowhere" }),
                "UNKNOWN_SPACE",
            ),
        ] {
            let r = t.call("POST", "/v1/keys", Some(body)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
            assert_eq!(r.code(), code);
        }
        // Taken ids and prefixes conflict; a bad id is refused.
        let r = t
            .call("POST", "/v1/spaces", Some(json!({ "id": "metered" })))
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "SPACE_EXISTS"));
        let r = t
            .call(
                "POST",
                "/v1/spaces",
                Some(json!({ "id": "other", "key_prefix": "mtr" })),
            )
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "SPACE_EXISTS"));
        let r = t
            .call("POST", "/v1/spaces", Some(json!({ "id": "Bad_Id" })))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
        // Deletion: refused with live keys, allowed once they are revoked;
        // protection refuses it always; `default` is protected.
        let r = t.call("DELETE", "/v1/spaces/metered", None).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::CONFLICT, "SPACE_HAS_KEYS")
        );
        let r = t
            .call(
                "POST",
                "/v1/keys/revoke",
                Some(json!({ "space": "metered", "confirm": true })),
            )
            .await;
        assert_eq!(r.json["revoked"], 2, "{}", r.json);
        let r = t
            .call(
                "PATCH",
                "/v1/spaces/metered",
                Some(json!({ "delete_protection": true })),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        let r = t.call("DELETE", "/v1/spaces/metered", None).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::CONFLICT, "DELETE_PROTECTED")
        );
        let r = t
            .call(
                "PATCH",
                "/v1/spaces/metered",
                Some(json!({ "delete_protection": false })),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let r = t.call("DELETE", "/v1/spaces/metered", None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.json);
        let r = t.call("GET", "/v1/spaces/metered", None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = t.call("DELETE", "/v1/spaces/default", None).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::CONFLICT, "DELETE_PROTECTED")
        );
    })
    .await;
}
