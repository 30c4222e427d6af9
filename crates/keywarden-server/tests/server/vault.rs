//! The vault's API on both backends: versions under concurrency, what is
//! kept, hostile names and values, a root key limited to environments
//! (refused and audited), the scan digests (no value, only what the key
//! holds), rotation reminders once per period, the master key's rotation,
//! and no value in the audit log.

use axum::http::StatusCode;
use hmac::{Hmac, Mac};
use keywarden_core::envelope::MasterKey;
use keywarden_server::config::ServerConfig;
use keywarden_store::{AuditFilter, EventFilter, Permission};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::{Options, on_each_backend, on_each_backend_with, setup};

async fn put(t: &crate::TestApp, path: &str, value: &str) -> crate::Resp {
    t.call("PUT", path, Some(json!({ "value": value }))).await
}

#[tokio::test]
async fn concurrent_writes_get_distinct_versions_and_old_ones_go() {
    on_each_backend_with(
        || Options {
            config: ServerConfig {
                secret_versions: 5,
                ..ServerConfig::default()
            },
            ..Options::default()
        },
        |t| async move {
            let mut tasks = tokio::task::JoinSet::new();
            for i in 0..12 {
                let app = t.app.clone();
                let root = t.root.clone();
                tasks.spawn(async move {
                    use tower::ServiceExt;
                    let req = axum::http::Request::put("/v1/secrets/live/RACE")
                        .header("authorization", format!("Bearer {root}"))
                        .header("content-type", "application/json")
                        .body(axum::body::Body::from(
                            json!({"value": format!("value-number-{i}")}).to_string(),
                        ))
                        .unwrap();
                    let res = app.oneshot(req).await.unwrap();
                    let status = res.status();
                    let bytes = http_body_util::BodyExt::collect(res.into_body())
                        .await
                        .unwrap()
                        .to_bytes();
                    (
                        status,
                        serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null),
                    )
                });
            }
            let answers: Vec<(StatusCode, Value)> = tasks.join_all().await;
            let mut versions: Vec<i64> = answers
                .iter()
                .map(|(status, json)| {
                    assert_eq!(*status, StatusCode::OK, "{}: {json}", t.backend);
                    json["version"].as_i64().unwrap()
                })
                .collect();
            versions.sort_unstable();
            assert_eq!(versions, (1..=12).collect::<Vec<_>>(), "{}", t.backend);
            let history = t.call("GET", "/v1/secrets/live/RACE/versions", None).await;
            let kept: Vec<i64> = history.json["versions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["version"].as_i64().unwrap())
                .collect();
            assert_eq!(kept, [12, 11, 10, 9, 8], "the newest five are kept");
            let gone = t
                .call(
                    "POST",
                    "/v1/secrets/live/RACE/rollback",
                    Some(json!({"to": 3})),
                )
                .await;
            assert_eq!(
                (gone.status, gone.code()),
                (StatusCode::NOT_FOUND, "NOT_FOUND")
            );
            // The current value is the twelfth write's, whichever it was.
            let read = t.call("GET", "/v1/secrets/live/RACE", None).await;
            assert_eq!(read.json["version"], 12);
            assert!(
                read.json["value"]
                    .as_str()
                    .unwrap()
                    .starts_with("value-number-")
            );
            assert_eq!(read.headers["cache-control"], "no-store");
            t.stop().await;
        },
    )
    .await;
}

#[tokio::test]
async fn hostile_names_and_values_get_a_clear_refusal() {
    on_each_backend(|t| async move {
        for (path, body, status, code) in [
            (
                "/v1/secrets/live/1BAD",
                json!({"value": "x"}),
                422,
                "INVALID_SECRET",
            ),
            (
                "/v1/secrets/live/BAD-NAME",
                json!({"value": "x"}),
                422,
                "INVALID_SECRET",
            ),
            (
                "/v1/secrets/LIVE/GOOD",
                json!({"value": "x"}),
                404,
                "NOT_FOUND",
            ),
            (
                "/v1/secrets/live/GOOD",
                json!({"value": "a\u{0}b"}),
                422,
                "INVALID_SECRET",
            ),
            (
                "/v1/secrets/live/GOOD",
                json!({"value": "x".repeat(60_001)}),
                422,
                "INVALID_SECRET",
            ),
            // Past the body limit (64 KiB by default) before the vault's own.
            (
                "/v1/secrets/live/GOOD",
                json!({"value": "x".repeat(65 * 1024)}),
                413,
                "PAYLOAD_TOO_LARGE",
            ),
            (
                "/v1/secrets/live/GOOD",
                json!({"value": "x", "rotate_every": "soon"}),
                422,
                "INVALID_SECRET",
            ),
            (
                "/v1/secrets/live/GOOD",
                json!({"value": "x", "note": "a\u{7}b"}),
                422,
                "INVALID_SECRET",
            ),
            (
                "/v1/secrets/live/GOOD",
                json!({"value": 5}),
                422,
                "INVALID_REQUEST",
            ),
            (
                "/v1/secrets/live/GOOD",
                json!({"value": "x", "extra": 1}),
                422,
                "INVALID_REQUEST",
            ),
            (
                "/v1/secrets/live/GOOD?space=nowhere",
                json!({"value": "x"}),
                404,
                "NOT_FOUND",
            ),
        ] {
            let r = t.call("PUT", path, Some(body)).await;
            assert_eq!(
                (r.status.as_u16(), r.code()),
                (status, code),
                "{}: PUT {path}: {}",
                t.backend,
                r.text
            );
        }
        // Nothing was written.
        let list = t.call("GET", "/v1/secrets/live", None).await;
        assert_eq!(list.json["secrets"], json!([]));
        // Any text in the path of a read is a 404, never a 500.
        for path in [
            "/v1/secrets/live/%F0%9F%94%91",
            "/v1/secrets/%00/X",
            "/v1/secrets/live/X/versions",
        ] {
            let r = t.call("GET", path, None).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text);
        }
        // An empty value and a multi-line one are values.
        assert_eq!(
            put(&t, "/v1/secrets/live/EMPTY", "").await.status,
            StatusCode::OK
        );
        let pem = "-----BEGIN TEST-----\nAAAA\n-----END TEST-----\n";
        assert_eq!(
            put(&t, "/v1/secrets/live/PEM", pem).await.status,
            StatusCode::OK
        );
        let read = t.call("GET", "/v1/secrets/live/PEM", None).await;
        assert_eq!(read.json["value"], pem);
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn without_a_master_key_the_vault_says_so() {
    on_each_backend_with(
        || Options {
            master_key: None,
            ..Options::default()
        },
        |t| async move {
            let r = put(&t, "/v1/secrets/live/X", "value").await;
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::CONFLICT, "MASTER_KEY_REQUIRED")
            );
            t.stop().await;
        },
    )
    .await;
}

#[tokio::test]
async fn a_root_key_limited_to_dev_reads_dev_only() {
    on_each_backend(|t| async move {
        put(&t, "/v1/secrets/dev/DEV_PASSWORD", "dev-password-1").await;
        put(&t, "/v1/secrets/live/LIVE_PASSWORD", "live-password-1").await;
        let (_, dev) = setup::create_root_key(
            &t.store,
            &Default::default(),
            setup::RootKeyGrant {
                permissions: vec![Permission::SecretsRead, Permission::SecretsWrite],
                spaces: None,
                environments: Some(vec!["dev".parse().unwrap()]),
            },
            None,
            crate::NOW,
        )
        .await
        .unwrap();
        let dev = dev.expose();
        let ok = t
            .send(
                "GET",
                "/v1/secrets/dev/DEV_PASSWORD",
                Some(dev),
                None,
                &[],
                None,
            )
            .await;
        assert_eq!(ok.json["value"], "dev-password-1");
        for (method, path, body) in [
            ("GET", "/v1/secrets/live/LIVE_PASSWORD", None),
            ("GET", "/v1/secrets/live", None),
            (
                "PUT",
                "/v1/secrets/live/LIVE_PASSWORD",
                Some(json!({"value": "changed"})),
            ),
            ("DELETE", "/v1/secrets/live/LIVE_PASSWORD", None),
        ] {
            let r = t.send(method, path, Some(dev), body, &[], None).await;
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::FORBIDDEN, "FORBIDDEN"),
                "{}: {method} {path}",
                t.backend
            );
        }
        let denied = t
            .store
            .list_audit(
                &AuditFilter {
                    outcome: Some("denied".to_owned()),
                    ..AuditFilter::default()
                },
                50,
            )
            .await
            .unwrap();
        assert_eq!(denied.len(), 4);
        assert!(
            denied
                .iter()
                .all(|e| e.draft.details["environment_not_held"] == "live")
        );
        // The scan digests hold dev's secret only, and no value.
        let r = t
            .send(
                "POST",
                "/v1/vault/scan-digests",
                Some(dev),
                Some(json!({})),
                &[],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let labels: Vec<&str> = r.json["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["label"].as_str().unwrap())
            .collect();
        assert_eq!(labels, ["dev/DEV_PASSWORD"]);
        assert!(!r.text.contains("dev-password-1"));
        // The digest is HMAC-SHA256 of the value under the scan's key.
        let key = hex::decode(r.json["key"].as_str().unwrap()).unwrap();
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
        mac.update(b"dev-password-1");
        assert_eq!(
            r.json["secrets"][0]["digest"],
            hex::encode(mac.finalize().into_bytes())
        );
        assert_eq!(r.json["secrets"][0]["length"], 14);
        // A second scan gets another key: digests do not link scans.
        let again = t
            .send(
                "POST",
                "/v1/vault/scan-digests",
                Some(dev),
                Some(json!({})),
                &[],
                None,
            )
            .await;
        assert_ne!(again.json["key"], r.json["key"]);
        assert_ne!(
            again.json["secrets"][0]["digest"],
            r.json["secrets"][0]["digest"]
        );
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn reads_and_writes_are_audited_by_name_never_by_value() {
    on_each_backend(|t| async move {
        put(&t, "/v1/secrets/live/API_TOKEN", "tok-AUDIT-value-1").await;
        put(&t, "/v1/secrets/live/OTHER", "tok-AUDIT-value-2").await;
        t.call("GET", "/v1/secrets/live/API_TOKEN", None).await;
        let all = t.call("GET", "/v1/secrets/live?values=true", None).await;
        assert_eq!(all.headers["cache-control"], "no-store");
        assert_eq!(all.json["secrets"][1]["value"], "tok-AUDIT-value-2");
        let meta = t.call("GET", "/v1/secrets/live", None).await;
        assert!(meta.json["secrets"][0].get("value").is_none());
        assert!(!meta.json["secrets"][0]["last_read_at"].is_null());
        let entries = t
            .store
            .list_audit(&AuditFilter::default(), 100)
            .await
            .unwrap();
        let text = serde_json::to_string(
            &entries
                .iter()
                .map(|e| json!([e.draft.action, e.draft.target, e.draft.details]))
                .collect::<Vec<Value>>(),
        )
        .unwrap();
        assert!(!text.contains("AUDIT-value"), "{text}");
        let listed = entries
            .iter()
            .find(|e| e.draft.action == "secret.list")
            .expect("the read of every value is audited");
        assert_eq!(
            listed.draft.details["read"],
            json!(["live/API_TOKEN", "live/OTHER"])
        );
        assert!(entries.iter().any(|e| e.draft.action == "secret.read"
            && e.draft.target.as_deref() == Some("secret:default/live/API_TOKEN")));
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn a_rotation_reminder_is_raised_once_per_period() {
    on_each_backend(|t| async move {
        let r = t
            .call(
                "PUT",
                "/v1/secrets/live/STRIPE_KEY",
                Some(json!({"value": "sk-test-rotate-me", "rotate_every": "30d"})),
            )
            .await;
        assert_eq!(r.json["rotation_due"], false);
        let due = |t: &crate::TestApp| {
            let store = t.store.clone();
            async move {
                store
                    .list_events(
                        &EventFilter {
                            kind: Some("secret.rotation_due".to_owned()),
                            ..EventFilter::default()
                        },
                        50,
                    )
                    .await
                    .unwrap()
                    .len()
            }
        };
        assert_eq!(
            keywarden_server::vault::notify_rotation_due(&t.state).await,
            0
        );
        t.clock.advance_ms(31 * 86_400_000);
        assert_eq!(
            keywarden_server::vault::notify_rotation_due(&t.state).await,
            1
        );
        assert_eq!(
            keywarden_server::vault::notify_rotation_due(&t.state).await,
            0
        );
        assert_eq!(due(&t).await, 1);
        let list = t.call("GET", "/v1/secrets/live", None).await;
        assert_eq!(list.json["secrets"][0]["rotation_due"], true);
        // Another period without a rotation: reminded again.
        t.clock.advance_ms(30 * 86_400_000);
        assert_eq!(
            keywarden_server::vault::notify_rotation_due(&t.state).await,
            1
        );
        // Rotated: nothing until its new period ends.
        put(&t, "/v1/secrets/live/STRIPE_KEY", "sk-test-rotated").await;
        t.clock.advance_ms(86_400_000);
        assert_eq!(
            keywarden_server::vault::notify_rotation_due(&t.state).await,
            0
        );
        assert_eq!(due(&t).await, 2);
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn the_master_key_rotates_online() {
    let old = MasterKey::generate();
    let new = MasterKey::generate();
    let (o1, o2) = (old.clone(), old.clone());
    on_each_backend_with(
        move || Options {
            master_key: Some(o1.clone()),
            ..Options::default()
        },
        move |t| {
            let (old, new) = (o2.clone(), new.clone());
            async move {
                put(&t, "/v1/secrets/live/A", "value-a-1").await;
                put(&t, "/v1/secrets/live/A", "value-a-2").await;
                put(&t, "/v1/secrets/dev/B", "value-b-1").await;
                let (id, key) = t
                    .create(json!({"environment": "live", "recoverable": true}))
                    .await;
                let done = keywarden_server::vault::rotate_master_key(
                    &t.store,
                    std::slice::from_ref(&old),
                    &new,
                )
                .await
                .unwrap();
                assert_eq!(done.rewrapped, 4, "{}: three versions and a key", t.backend);
                // Run again: nothing left to do.
                let again = keywarden_server::vault::rotate_master_key(
                    &t.store,
                    std::slice::from_ref(&old),
                    &new,
                )
                .await
                .unwrap();
                assert_eq!((again.rewrapped, again.already), (0, 4));
                // A node with only the new key reads everything.
                let t = t
                    .restart(Options {
                        master_key: Some(new.clone()),
                        ..Options::default()
                    })
                    .await;
                let a = t.call("GET", "/v1/secrets/live/A", None).await;
                assert_eq!(a.json["value"], "value-a-2", "{}", a.text);
                let back = t
                    .call(
                        "POST",
                        "/v1/secrets/live/A/rollback",
                        Some(json!({"to": 1})),
                    )
                    .await;
                assert_eq!(back.status, StatusCode::OK, "{}", back.text);
                let revealed = t.call("GET", &format!("/v1/keys/{id}/secret"), None).await;
                assert_eq!(revealed.json["key"], key.as_str());
                // The old key alone opens nothing now.
                let t = t
                    .restart(Options {
                        master_key: Some(old.clone()),
                        ..Options::default()
                    })
                    .await;
                let refused = t.call("GET", "/v1/secrets/live/A", None).await;
                assert_eq!(refused.status, StatusCode::INTERNAL_SERVER_ERROR);
                assert!(!refused.text.contains("value-a"));
                t.stop().await;
            }
        },
    )
    .await;
}

#[tokio::test]
async fn a_space_whose_vault_holds_secrets_is_not_deleted() {
    on_each_backend(|t| async move {
        let r = t
            .call("POST", "/v1/spaces", Some(json!({"id": "payments"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let r = put(
            &t,
            "/v1/secrets/live/PSP_KEY?space=payments",
            "psp-key-value-1",
        )
        .await;
        assert_eq!(r.json["space"], "payments", "{}", r.text);
        // Another space's secret of the same name is another secret.
        assert_eq!(
            put(&t, "/v1/secrets/live/PSP_KEY", "default-value-1")
                .await
                .json["version"],
            1
        );
        let refused = t.call("DELETE", "/v1/spaces/payments", None).await;
        assert_eq!(
            (refused.status, refused.code()),
            (StatusCode::CONFLICT, "SPACE_HAS_SECRETS")
        );
        let read = t
            .call("GET", "/v1/secrets/live/PSP_KEY?space=payments", None)
            .await;
        assert_eq!(read.json["value"], "psp-key-value-1");
        t.call("DELETE", "/v1/secrets/live/PSP_KEY?space=payments", None)
            .await;
        let deleted = t.call("DELETE", "/v1/spaces/payments", None).await;
        assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
        // Writing into a space that is gone: not found.
        let gone = put(&t, "/v1/secrets/live/PSP_KEY?space=payments", "x-value").await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND);
        t.stop().await;
    })
    .await;
}
