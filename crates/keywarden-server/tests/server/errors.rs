//! Bad input, bad credentials and policies: clear 4xx answers with codes,
//! every refusal audited, nothing stored.

use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use keywarden_server::config::{DurationSpec, EnvPolicy};
use keywarden_store::Permission;
use serde_json::json;

use crate::{Options, on_each_backend, on_each_backend_with};

#[tokio::test]
async fn bad_bodies_get_codes_and_change_nothing() {
    on_each_backend(|t| async move {
        let raw = |body: &'static str, content_type: Option<&'static str>| {
            let mut r = Request::builder().method("POST").uri("/v1/keys").header("authorization", format!("Bearer {}", t.root));
            if let Some(ct) = content_type {
                r = r.header("content-type", ct);
            }
            r.body(Body::from(body)).unwrap()
        };
        let r = t.raw(raw("{not json", Some("application/json"))).await;
        assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, "MALFORMED_JSON"));
        let r = t.raw(raw(r#"{"environment": "live"}"#, None)).await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let huge = Box::leak(format!(r#"{{"environment": "live", "name": "{}"}}"#, "x".repeat(70_000)).into_boxed_str());
        let r = t.raw(raw(huge, Some("application/json"))).await;
        assert_eq!((r.status, r.code()), (StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE"));

        for (body, code) in [
            (json!({"environment": "live", "colour": "red"}), "INVALID_REQUEST"),
            (json!({"owner": "acme"}), "INVALID_REQUEST"),
            (json!({"environment": "Live!"}), "INVALID_REQUEST"),
            (json!({"environment": "live", "owner": "has space"}), "INVALID_REQUEST"),
            (json!({"environment": "live", "scopes": ["orders:"]}), "INVALID_REQUEST"),
            (json!({"environment": "root"}), "RESERVED_ENVIRONMENT"),
            (json!({"environment": "live", "expires_in": "soon"}), "INVALID_EXPIRY"),
            (json!({"environment": "live", "expires_at": "2001-01-01T00:00:00Z"}), "EXPIRY_IN_PAST"),
            (json!({"environment": "live", "expires_at": "2031-01-01T00:00:00Z", "expires_in": "1d"}), "INVALID_EXPIRY"),
            (json!({"environment": "live", "ip_allowlist": ["10.0.0.0/33"]}), "INVALID_CIDR"),
            (json!({"environment": "live", "rate_limit": {"limit": 0, "window_seconds": 60}}), "INVALID_RATE_LIMIT"),
            (json!({"environment": "live", "rate_limit": {"limit": 5}}), "INVALID_REQUEST"),
            (json!({"environment": "live", "usage_limit": 0}), "INVALID_USAGE_LIMIT"),
            (json!({"environment": "live", "metadata": [1, 2]}), "INVALID_METADATA"),
            (json!({"environment": "live", "name": "tab\there"}), "INVALID_NAME"),
        ] {
            let r = t.call("POST", "/v1/keys", Some(body.clone())).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", r.json);
            assert_eq!(r.code(), code, "{body}: {}", r.json);
            assert!(r.json["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
        let listed = t.call("GET", "/v1/keys", None).await;
        assert_eq!(listed.json["keys"].as_array().unwrap().len(), 0, "nothing was stored");

        // A value in the wrong field is not echoed back.
        let key = keywarden_core::key::mint(&Default::default(), &"live".parse().unwrap());
        let r = t.call("POST", "/v1/keys", Some(json!({"environment": "live", "usage_limit": key.expose()}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!r.json.to_string().contains(&key.expose()[8..]), "{}", r.json);

        let r = t.call("PATCH", "/v1/keys/key_0000000000000000", Some(json!({"name": "x"}))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = t.call("GET", "/v1/keys/not-an-id", None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let (id, _) = t.create(json!({"environment": "live"})).await;
        let r = t.call("PATCH", &format!("/v1/keys/{id}"), Some(json!({}))).await;
        assert_eq!(r.code(), "EMPTY_PATCH");
        let r = t.call("POST", &format!("/v1/keys/{id}/roll"), Some(json!({"grace_period": "31d"}))).await;
        assert_eq!(r.code(), "GRACE_PERIOD_TOO_LONG");
        let r = t.call("GET", "/v1/keys?limit=0", None).await;
        assert_eq!(r.code(), "INVALID_QUERY");
        let r = t.call("GET", "/v1/keys?status=sleeping", None).await;
        assert_eq!(r.code(), "INVALID_QUERY");
        let r = t.call("GET", "/v1/keys?cursor=bogus", None).await;
        assert_eq!(r.code(), "INVALID_QUERY");
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn credentials_and_permissions() {
    on_each_backend(|t| async move {
        let none = t
            .send("GET", "/v1/keys", None, None, &[], Some("198.51.100.1"))
            .await;
        assert_eq!(
            (none.status, none.code()),
            (StatusCode::UNAUTHORIZED, "UNAUTHORIZED")
        );
        let wrong = keywarden_core::key::mint(
            &Default::default(),
            &keywarden_core::key::Environment::root(),
        );
        let r = t
            .send("GET", "/v1/keys", Some(wrong.expose()), None, &[], None)
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let junk = t
            .send("GET", "/v1/keys", Some("hunter2"), None, &[], None)
            .await;
        assert_eq!(junk.status, StatusCode::UNAUTHORIZED);

        // An API key is not a root key, even a valid one.
        let (_, api_key) = t.create(json!({"environment": "live"})).await;
        let r = t
            .send("GET", "/v1/keys", Some(&api_key), None, &[], None)
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);

        // A reader can read but not create, and the 403 names the permission.
        let reader = t.root_key(&[Permission::KeysRead]).await;
        let r = t
            .send("GET", "/v1/keys", Some(&reader), None, &[], None)
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let r = t
            .send(
                "POST",
                "/v1/keys",
                Some(&reader),
                Some(json!({"environment": "live"})),
                &[],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(
            r.json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("keys:write")
        );
        let r = t
            .send(
                "POST",
                "/v1/verify",
                Some(&reader),
                Some(json!({"key": api_key})),
                &[],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(
            r.json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("keys:verify")
        );

        // A revoked root key is refused.
        let writer = t.root_key(&[Permission::KeysWrite]).await;
        let id = t
            .store
            .find_root_key_by_digest(&t.store.peppers().current().digest(&writer))
            .await
            .unwrap()
            .unwrap()
            .id;
        let draft = keywarden_store::AuditDraft {
            actor: "test".into(),
            action: "root_key.revoke".into(),
            target: None,
            outcome: "allowed".into(),
            client_ip: None,
            details: json!({}),
            at: crate::NOW,
        };
        t.store
            .revoke_root_key(&id, crate::NOW, &draft)
            .await
            .unwrap();
        let r = t
            .send(
                "POST",
                "/v1/keys",
                Some(&writer),
                Some(json!({"environment": "live"})),
                &[],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(
            r.json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("revoked")
        );

        // Every refusal is in the audit log, with the address: the first of
        // an address in a minute at once, the others in one entry with
        // their count once the minute is over (or at shutdown).
        let t = t.restart(Options::default()).await;
        let denied = t
            .call("GET", "/v1/audit?outcome=denied&limit=500", None)
            .await;
        let entries = denied.json["entries"].as_array().unwrap();
        let accounted: u64 = entries
            .iter()
            .map(|e| e["details"]["count"].as_u64().unwrap_or(1))
            .sum();
        assert!(accounted >= 6, "{}", denied.json);
        assert!(
            entries
                .iter()
                .any(|e| e["action"] == "auth.denied" && e["client_ip"] == "198.51.100.1")
        );
        assert!(
            entries.iter().any(|e| e["action"] == "key.create"
                && e["details"]["missing_permission"] == "keys:write")
        );
        // No key is ever written into the audit log.
        let everything = t
            .call("GET", "/v1/audit?limit=500", None)
            .await
            .json
            .to_string();
        assert!(!everything.contains(&api_key[8..]));
        assert!(!everything.contains(&writer[8..]));
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn failed_authentications_are_throttled_per_address() {
    on_each_backend_with(
        || {
            let mut o = Options::default();
            o.config.failure_limit_per_minute = 5;
            o
        },
        |t| async move {
            for _ in 0..5 {
                let r = t
                    .send(
                        "GET",
                        "/v1/keys",
                        Some("nope"),
                        None,
                        &[],
                        Some("203.0.113.5"),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::UNAUTHORIZED);
            }
            let r = t
                .send(
                    "GET",
                    "/v1/keys",
                    Some("nope"),
                    None,
                    &[],
                    Some("203.0.113.5"),
                )
                .await;
            assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
            assert!(r.headers.contains_key("retry-after"));
            // Another address is not affected, nor the right key from the same one.
            let other = t
                .send(
                    "GET",
                    "/v1/keys",
                    Some("nope"),
                    None,
                    &[],
                    Some("203.0.113.6"),
                )
                .await;
            assert_eq!(other.status, StatusCode::UNAUTHORIZED);
            let good = t
                .send(
                    "GET",
                    "/v1/keys",
                    Some(&t.root),
                    None,
                    &[],
                    Some("203.0.113.5"),
                )
                .await;
            assert_eq!(good.status, StatusCode::OK);
            t.stop().await;
        },
    )
    .await;
}

#[tokio::test]
async fn environment_policies() {
    on_each_backend_with(
        || {
            let mut o = Options::default();
            o.config.policies.insert(
                "live".into(),
                EnvPolicy {
                    max_lifetime: Some(DurationSpec::from_ms(90 * 86_400_000)),
                    require_expiry: true,
                },
            );
            o
        },
        |t| async move {
            let r = t
                .call("POST", "/v1/keys", Some(json!({"environment": "live"})))
                .await;
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::UNPROCESSABLE_ENTITY, "EXPIRY_REQUIRED")
            );
            let r = t
                .call(
                    "POST",
                    "/v1/keys",
                    Some(json!({"environment": "live", "expires_in": "91d"})),
                )
                .await;
            assert_eq!(r.code(), "LIFETIME_TOO_LONG");
            let (id, _) = t
                .create(json!({"environment": "live", "expires_in": "30d"}))
                .await;
            let r = t
                .call(
                    "PATCH",
                    &format!("/v1/keys/{id}"),
                    Some(json!({"expires_at": null})),
                )
                .await;
            assert_eq!(r.code(), "EXPIRY_REQUIRED");
            let r = t
                .call(
                    "PATCH",
                    &format!("/v1/keys/{id}"),
                    Some(json!({"expires_in": "365d"})),
                )
                .await;
            assert_eq!(r.code(), "LIFETIME_TOO_LONG");
            // Other environments are free.
            t.create(json!({"environment": "test"})).await;
            t.stop().await;
        },
    )
    .await;
}

#[tokio::test]
async fn recoverable_needs_a_master_key() {
    on_each_backend_with(
        || Options {
            master_key: None,
            ..Options::default()
        },
        |t| async move {
            let r = t
                .call(
                    "POST",
                    "/v1/keys",
                    Some(json!({"environment": "live", "recoverable": true})),
                )
                .await;
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::UNPROCESSABLE_ENTITY, "RECOVERY_UNAVAILABLE")
            );
            assert!(
                r.json["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("KEYWARDEN_MASTER_KEY")
            );
            t.stop().await;
        },
    )
    .await;
}

#[tokio::test]
async fn control_characters_in_filters_are_refused() {
    on_each_backend(|t| async move {
        for uri in [
            "/v1/keys?search=a%00b",
            "/v1/audit?actor=%00",
            "/v1/events?kind=x%0Ay",
        ] {
            let r = t.call("GET", uri, None).await;
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::UNPROCESSABLE_ENTITY, "INVALID_QUERY"),
                "{uri}: {}",
                r.json
            );
        }
        let long = format!("/v1/keys?search={}", "a".repeat(201));
        assert_eq!(
            t.call("GET", &long, None).await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        t.stop().await;
    })
    .await;
}

/// Denied root keys are audited folded: the first of an address in a
/// minute at once, the rest as one entry with their count. 50 addresses ×
/// 105 bad root keys make at most 100 audit entries, and a request without
/// credentials is answered 401 even past the budget.
#[tokio::test]
async fn denied_root_keys_are_audited_folded_per_address_and_minute() {
    on_each_backend(|t| async move {
        let root = || {
            keywarden_core::key::mint(&Default::default(), &"root".parse().unwrap())
                .expose()
                .to_owned()
        };
        let mut answered = std::collections::BTreeMap::<u16, usize>::new();
        for a in 0..50 {
            let addr = format!("198.51.100.{a}");
            for _ in 0..105 {
                let r = t
                    .send("GET", "/v1/keys", Some(&root()), None, &[], Some(&addr))
                    .await;
                *answered.entry(r.status.as_u16()).or_default() += 1;
            }
        }
        assert_eq!(
            answered.get(&401),
            Some(&5_000),
            "{}: {answered:?}",
            t.backend
        );
        assert_eq!(answered.get(&429), Some(&250));
        let missing = t
            .send("GET", "/v1/keys", None, None, &[], Some("198.51.100.0"))
            .await;
        assert_eq!(
            missing.status,
            StatusCode::UNAUTHORIZED,
            "no credentials: 401, not 429"
        );
        let backend = t.backend;
        let t = t.restart(Options::default()).await;
        let entries = t
            .store
            .list_audit(
                &keywarden_store::AuditFilter {
                    action: Some("auth.denied".into()),
                    ..Default::default()
                },
                1_000,
            )
            .await
            .unwrap();
        assert!(entries.len() <= 100, "{backend}: {} entries", entries.len());
        // Every denial is in them: the first ones, and the counts.
        let counted: u64 = entries
            .iter()
            .map(|e| e.draft.details["count"].as_u64().unwrap_or(1))
            .sum();
        assert_eq!(counted, 5_001, "{backend}");
        assert!(t.store.verify_audit_chain().await.unwrap().ok());
        t.stop().await;
    })
    .await;
}
