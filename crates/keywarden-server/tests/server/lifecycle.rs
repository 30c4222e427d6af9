//! The life of a key, end to end through the API.

use axum::http::StatusCode;
use serde_json::json;

use crate::{NOW, TestApp, on_each_backend};

#[tokio::test]
async fn create_verify_patch_roll_revoke() {
    on_each_backend(|t| async move {
        let (id, key) = t
            .create(json!({
                "environment": "live", "owner": "acme", "name": "billing",
                "scopes": ["orders:read"], "metadata": {"plan": "pro"}, "expires_in": "90d"
            }))
            .await;
        assert!(keywarden_core::key::parse(&key).is_ok());

        // Read it back: never the secret.
        let got = t.call("GET", &format!("/v1/keys/{id}"), None).await;
        assert_eq!(got.status, StatusCode::OK);
        assert_eq!(got.json["owner"], "acme");
        assert_eq!(got.json["status"], "active");
        assert_eq!(
            got.json["expires_at"],
            keywarden_server::timefmt::rfc3339(NOW + 90 * 86_400_000)
        );
        assert!(got.json.get("key").is_none());
        assert!(!got.json.to_string().contains(&key[8..40]));
        assert!(
            key.ends_with(
                got.json["hint"]
                    .as_str()
                    .unwrap()
                    .rsplit('…')
                    .next()
                    .unwrap()
            )
        );

        let v = t
            .verify(json!({"key": key, "environment": "live", "scopes": ["orders:read"]}))
            .await;
        assert_eq!(v["code"], "VALID", "{}: {v}", t.backend);
        assert_eq!(v["valid"], true);
        assert_eq!(v["key_id"], id.as_str());
        assert_eq!(v["owner"], "acme");
        assert_eq!(v["metadata"]["plan"], "pro");

        // Narrow the scopes: the same request is now refused.
        let p = t
            .call(
                "PATCH",
                &format!("/v1/keys/{id}"),
                Some(json!({"scopes": ["users:read"]})),
            )
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.json);
        let v = t
            .verify(json!({"key": key, "scopes": ["orders:read"]}))
            .await;
        assert_eq!(v["code"], "INSUFFICIENT_SCOPE");

        // Roll: both keys work during the grace period, then only the new one.
        let r = t
            .call(
                "POST",
                &format!("/v1/keys/{id}/roll"),
                Some(json!({"grace_period": "1h"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
        let new_key = r.json["key"].as_str().unwrap().to_owned();
        let new_id = r.json["id"].as_str().unwrap().to_owned();
        assert_eq!(r.json["rotated_from"], id.as_str());
        assert_eq!(r.json["previous"]["rotated_to"], new_id.as_str());
        assert_eq!(
            r.json["scopes"],
            json!(["users:read"]),
            "inherits everything"
        );
        assert_eq!(r.json["owner"], "acme");
        assert_eq!(r.json["expires_at"], got.json["expires_at"]);
        assert_eq!(t.verify(json!({"key": key})).await["code"], "VALID");
        assert_eq!(t.verify(json!({"key": new_key})).await["code"], "VALID");
        t.clock.advance_ms(3_600_000);
        assert_eq!(t.verify(json!({"key": key})).await["code"], "EXPIRED");
        assert_eq!(t.verify(json!({"key": new_key})).await["code"], "VALID");

        // Rolling the old key again is refused.
        let again = t.call("POST", &format!("/v1/keys/{id}/roll"), None).await;
        assert_eq!(again.status, StatusCode::CONFLICT);

        // Revoke: one call, effective at once.
        let rv = t
            .call(
                "POST",
                &format!("/v1/keys/{new_id}/revoke"),
                Some(json!({"reason": "compromised"})),
            )
            .await;
        assert_eq!(rv.status, StatusCode::OK);
        assert_eq!(rv.json["status"], "revoked");
        assert_eq!(rv.json["revoke_reason"], "compromised");
        assert_eq!(t.verify(json!({"key": new_key})).await["code"], "REVOKED");
        // A revoked key cannot be changed.
        let p = t
            .call(
                "PATCH",
                &format!("/v1/keys/{new_id}"),
                Some(json!({"name": "x"})),
            )
            .await;
        assert_eq!(p.status, StatusCode::CONFLICT);

        // The audit log holds every step, and the chain verifies.
        let audit = t.call("GET", "/v1/audit?limit=500", None).await;
        let actions: Vec<&str> = audit.json["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        for a in [
            "key.create",
            "key.read",
            "key.update",
            "key.roll",
            "key.revoke",
        ] {
            assert!(actions.contains(&a), "{a} missing from {actions:?}");
        }
        let chain = t.call("GET", "/v1/audit/verify", None).await;
        assert_eq!(chain.json["ok"], true, "{}", chain.json);
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn list_filters_pages_and_bulk_revoke() {
    on_each_backend(|t| async move {
        for (owner, env) in [
            ("acme", "live"),
            ("acme", "test"),
            ("globex", "live"),
            ("acme", "live"),
            ("initech", "live"),
        ] {
            t.create(json!({"environment": env, "owner": owner})).await;
            t.clock.advance_ms(1);
        }
        let all = t.call("GET", "/v1/keys", None).await;
        assert_eq!(all.json["keys"].as_array().unwrap().len(), 5);
        let acme = t
            .call("GET", "/v1/keys?owner=acme&environment=live", None)
            .await;
        assert_eq!(acme.json["keys"].as_array().unwrap().len(), 2);

        let mut seen = 0;
        let mut uri = "/v1/keys?limit=2".to_owned();
        loop {
            let page = t.call("GET", &uri, None).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.json);
            seen += page.json["keys"].as_array().unwrap().len();
            match page.json["next_cursor"].as_str() {
                Some(c) => uri = format!("/v1/keys?limit=2&cursor={c}"),
                None => break,
            }
        }
        assert_eq!(seen, 5);

        let refused = t
            .call("POST", "/v1/keys/revoke", Some(json!({"owner": "acme"})))
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.code(), "CONFIRMATION_REQUIRED");
        let no_filter = t
            .call("POST", "/v1/keys/revoke", Some(json!({"confirm": true})))
            .await;
        assert_eq!(no_filter.code(), "FILTER_REQUIRED");

        let bulk = t
            .call(
                "POST",
                "/v1/keys/revoke",
                Some(json!({"owner": "acme", "confirm": true})),
            )
            .await;
        assert_eq!(bulk.status, StatusCode::OK, "{}", bulk.json);
        assert_eq!(bulk.json["revoked"], 3);
        let env = t
            .call(
                "POST",
                "/v1/keys/revoke",
                Some(json!({"environment": "live", "confirm": true})),
            )
            .await;
        assert_eq!(
            env.json["revoked"], 2,
            "acme's live keys were already revoked"
        );
        let revoked = t.call("GET", "/v1/keys?status=revoked", None).await;
        assert_eq!(revoked.json["keys"].as_array().unwrap().len(), 5);
        let active = t.call("GET", "/v1/keys?status=active", None).await;
        assert_eq!(active.json["keys"].as_array().unwrap().len(), 0);
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn usage_is_logged_and_bucketed() {
    on_each_backend(|t| async move {
        let (id, key) = t.create(json!({"environment": "live"})).await;
        for _ in 0..3 {
            t.verify(json!({"key": key, "client_ip": "192.0.2.7"}))
                .await;
        }
        t.verify(json!({"key": key, "environment": "test"})).await;
        t.wait_usage_written(4).await;
        let u = t
            .call("GET", &format!("/v1/keys/{id}/usage?bucket=minute"), None)
            .await;
        assert_eq!(u.status, StatusCode::OK, "{}", u.json);
        assert_eq!(u.json["key_id"], id.as_str());
        let buckets = u.json["buckets"].as_array().unwrap();
        assert_eq!(buckets.len(), 1, "{}", u.json);
        assert_eq!(buckets[0]["total"], 4);
        assert_eq!(buckets[0]["by_code"]["VALID"], 3);
        assert_eq!(buckets[0]["by_code"]["ENV_MISMATCH"], 1);
        let bad = t
            .call("GET", &format!("/v1/keys/{id}/usage?bucket=week"), None)
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        // last_used_at follows valid uses.
        for _ in 0..100 {
            let k = t.call("GET", &format!("/v1/keys/{id}"), None).await;
            if !k.json["last_used_at"].is_null() {
                assert_eq!(
                    k.json["last_used_at"],
                    keywarden_server::timefmt::rfc3339(NOW)
                );
                t.stop().await;
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("last_used_at was never set");
    })
    .await;
}

#[tokio::test]
async fn recoverable_keys_can_be_revealed_and_it_is_audited() {
    on_each_backend(|t| async move {
        let (id, key) = t
            .create(json!({"environment": "live", "recoverable": true}))
            .await;
        let shown = t.call("GET", &format!("/v1/keys/{id}/secret"), None).await;
        assert_eq!(shown.status, StatusCode::OK, "{}", shown.json);
        assert_eq!(shown.json["key"], key.as_str());
        assert_eq!(shown.headers["cache-control"], "no-store");
        let audit = t
            .call(
                "GET",
                &format!("/v1/audit?action=key.reveal&target={id}"),
                None,
            )
            .await;
        assert_eq!(audit.json["entries"].as_array().unwrap().len(), 1);

        // A reader cannot reveal.
        let reader = t.root_key(&[keywarden_store::Permission::KeysRead]).await;
        let denied = t
            .send(
                "GET",
                &format!("/v1/keys/{id}/secret"),
                Some(&reader),
                None,
                &[],
                None,
            )
            .await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN);

        // A key made without recoverable cannot be revealed.
        let (plain_id, _) = t.create(json!({"environment": "live"})).await;
        let no = t
            .call("GET", &format!("/v1/keys/{plain_id}/secret"), None)
            .await;
        assert_eq!(no.code(), "NOT_RECOVERABLE");

        // Rolling a recoverable key keeps the new one recoverable.
        let r = t.call("POST", &format!("/v1/keys/{id}/roll"), None).await;
        let new_id = r.json["id"].as_str().unwrap();
        assert_eq!(r.json["recoverable"], true);
        let shown = t
            .call("GET", &format!("/v1/keys/{new_id}/secret"), None)
            .await;
        assert_eq!(shown.json["key"], r.json["key"]);
        t.stop().await;
    })
    .await;
}

/// Disable refuses a key (DISABLED, forward-auth 403) until enable; both
/// are audited, need their permissions, and a revoked key stays revoked.
#[tokio::test]
async fn disable_and_enable() {
    on_each_backend(|t| async move {
        let (id, key) = t.create(json!({"environment": "live"})).await;
        let d = t
            .call("POST", &format!("/v1/keys/{id}/disable"), None)
            .await;
        assert_eq!(d.status, StatusCode::OK, "{}", d.json);
        assert_eq!(d.json["status"], "disabled");
        assert!(d.json["disabled_at"].is_string());
        let v = t.verify(json!({"key": key})).await;
        assert_eq!(
            (v["valid"].as_bool(), v["code"].as_str()),
            (Some(false), Some("DISABLED")),
            "{}",
            t.backend
        );
        let fa = t
            .send(
                "GET",
                "/v1/forward-auth",
                None,
                None,
                &[("x-api-key", &key)],
                None,
            )
            .await;
        assert_eq!((fa.status, fa.code()), (StatusCode::FORBIDDEN, "DISABLED"));
        let listed = t.call("GET", "/v1/keys?status=disabled", None).await;
        let ids: Vec<&str> = listed.json["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [id.as_str()]);
        let active = t.call("GET", "/v1/keys?status=active", None).await;
        assert!(
            active.json["keys"].as_array().unwrap().is_empty(),
            "a disabled key is not active"
        );

        // Twice is harmless.
        let again = t
            .call("POST", &format!("/v1/keys/{id}/disable"), None)
            .await;
        assert_eq!(again.status, StatusCode::OK);

        let e = t.call("POST", &format!("/v1/keys/{id}/enable"), None).await;
        assert_eq!(e.status, StatusCode::OK, "{}", e.json);
        assert_eq!(e.json["status"], "active");
        assert!(e.json["disabled_at"].is_null());
        assert_eq!(t.verify(json!({"key": key})).await["code"], "VALID");

        let audit = t.call("GET", &format!("/v1/audit?target={id}"), None).await;
        let actions: Vec<&str> = audit.json["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert!(
            actions.contains(&"key.disable") && actions.contains(&"key.enable"),
            "{actions:?}"
        );

        // A revoked key cannot be disabled or enabled.
        t.call("POST", &format!("/v1/keys/{id}/revoke"), None).await;
        for verb in ["disable", "enable"] {
            let r = t.call("POST", &format!("/v1/keys/{id}/{verb}"), None).await;
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::CONFLICT, "KEY_REVOKED"),
                "{verb}"
            );
        }
        assert_eq!(t.verify(json!({"key": key})).await["code"], "REVOKED");
        let missing = t
            .call("POST", "/v1/keys/key_0000000000000000/disable", None)
            .await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        t.stop().await;
    })
    .await;
}

/// Credits 10, cost 3: VALID, VALID, VALID, USAGE_EXCEEDED; cost 0 checks
/// without spending; the refill sets them back at each interval boundary
/// since creation; PATCH changes them; usage_limit and credits together
/// are refused.
#[tokio::test]
async fn credits_with_cost_and_refill() {
    on_each_backend(|t| async move {
        let (id, key) = t
            .create(json!({"environment": "live", "credits": {"remaining": 10, "refill": {"amount": 10, "interval": "1h"}}}))
            .await;
        let got = t.call("GET", &format!("/v1/keys/{id}"), None).await;
        assert_eq!(got.json["credits"]["remaining"], 10);
        assert_eq!(got.json["credits"]["refill"]["interval_seconds"], 3600);
        assert_eq!(
            got.json["credits"]["refill"]["next_refill_at"],
            keywarden_server::timefmt::rfc3339(NOW + 3_600_000)
        );
        let mut codes = Vec::new();
        for _ in 0..4 {
            let v = t.verify(json!({"key": key, "cost": 3})).await;
            codes.push((v["code"].as_str().unwrap().to_owned(), v["remaining"].as_i64()));
        }
        assert_eq!(
            codes,
            [
                ("VALID".to_owned(), Some(7)),
                ("VALID".to_owned(), Some(4)),
                ("VALID".to_owned(), Some(1)),
                ("USAGE_EXCEEDED".to_owned(), Some(0)),
            ],
            "{}",
            t.backend
        );
        // Cost 0 checks without spending; 1 credit is still there.
        let v = t.verify(json!({"key": key, "cost": 0})).await;
        assert_eq!((v["code"].as_str(), v["remaining"].as_i64()), (Some("VALID"), Some(1)));
        // Forward-auth spends ?cost= too.
        let fa = t
            .send("GET", "/v1/forward-auth?cost=2", None, None, &[("x-api-key", &key)], None)
            .await;
        assert_eq!((fa.status, fa.code()), (StatusCode::FORBIDDEN, "USAGE_EXCEEDED"));

        // The refill: an hour after creation the credits are 10 again.
        t.clock.advance_ms(3_600_000);
        let v = t.verify(json!({"key": key, "cost": 4})).await;
        assert_eq!((v["code"].as_str(), v["remaining"].as_i64()), (Some("VALID"), Some(6)), "{}", t.backend);
        // Not again within the same hour...
        t.clock.advance_ms(1_800_000);
        let v = t.verify(json!({"key": key, "cost": 6})).await;
        assert_eq!(v["remaining"].as_i64(), Some(0));
        assert_eq!(t.verify(json!({"key": key})).await["code"], "USAGE_EXCEEDED");
        // ...and once, not twice, after several missed boundaries.
        t.clock.advance_ms(3 * 3_600_000);
        let v = t.verify(json!({"key": key, "cost": 10})).await;
        assert_eq!((v["code"].as_str(), v["remaining"].as_i64()), (Some("VALID"), Some(0)));

        // PATCH: new credits without a refill; null removes them.
        let p = t
            .call("PATCH", &format!("/v1/keys/{id}"), Some(json!({"credits": {"remaining": 2}})))
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.json);
        assert!(p.json["credits"]["refill"].is_null());
        assert_eq!(t.verify(json!({"key": key, "cost": 2})).await["code"], "VALID");
        assert_eq!(t.verify(json!({"key": key})).await["code"], "USAGE_EXCEEDED");
        let p = t.call("PATCH", &format!("/v1/keys/{id}"), Some(json!({"credits": null}))).await;
        assert!(p.json["credits"].is_null());
        assert_eq!(t.verify(json!({"key": key, "cost": 100})).await["code"], "VALID");

        for bad in [
            json!({"environment": "live", "usage_limit": 5, "credits": {"remaining": 5}}),
            json!({"environment": "live", "credits": {"remaining": 5, "refill": {"amount": 5, "interval": "30s"}}}),
            json!({"environment": "live", "credits": {"remaining": -1}}),
            json!({"environment": "live", "credits": {"remaining": 1, "refill": {"amount": 0, "interval": "1d"}}}),
        ] {
            let r = t.call("POST", "/v1/keys", Some(bad.clone())).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", r.json);
        }
        t.stop().await;
    })
    .await;
}

/// A share link opens once: the page, then the ciphertext (deleted as it
/// is handed out, audited), which opens with the fragment only.
#[tokio::test]
async fn share_links_open_once() {
    on_each_backend(|t| async move {
        let r = t
            .call(
                "POST",
                "/v1/keys",
                Some(json!({"environment": "live", "share": {"expires_in": "2h"}})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
        let key = r.json["key"].as_str().unwrap().to_owned();
        let url = r.json["share_url"].as_str().unwrap().to_owned();
        let (path, fragment) = url.split_once('#').unwrap();
        let path = &path[path.find("/s/").unwrap()..];
        let id = path.trim_start_matches("/s/");
        assert!(id.starts_with("shr_") && fragment.len() == 43, "{url}");

        let page = t.send("GET", path, None, None, &[], None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.headers["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("script-src 'self'")
        );
        assert!(!page.text.contains(&key) && !page.text.contains(fragment));

        // Who knows only the id (it travels in the URL path: proxy logs,
        // history, link unfurlers) cannot burn the link: a missing or wrong
        // proof is refused and changes nothing.
        let open_with = |proof: Option<String>| {
            let t = &t;
            let path = path.to_owned();
            async move {
                t.send(
                    "POST",
                    &format!("{path}/open"),
                    None,
                    proof.map(|p| json!({ "proof": p })),
                    &[("user-agent", "test-browser")],
                    None,
                )
                .await
            }
        };
        let other = keywarden_core::share::seal("x", id).unwrap();
        for proof in [
            None,
            Some(String::new()),
            Some(fragment.to_owned()),
            Some(
                keywarden_core::share::proof(&other.fragment)
                    .unwrap()
                    .to_string(),
            ),
        ] {
            let r = open_with(proof).await;
            assert!(r.status.is_client_error(), "{}: {}", t.backend, r.json);
            assert!(!r.text.contains("sealed"));
        }
        let proof = keywarden_core::share::proof(fragment).unwrap().to_string();
        let opened = open_with(Some(proof.clone())).await;
        assert_eq!(opened.status, StatusCode::OK, "{}", opened.json);
        assert!(
            !opened.text.contains(&key),
            "the server answers ciphertext only"
        );
        use base64::Engine;
        let sealed = base64::engine::general_purpose::STANDARD
            .decode(opened.json["sealed"].as_str().unwrap())
            .unwrap();
        let plain = keywarden_core::share::open(&sealed, id, fragment).unwrap();
        assert_eq!(plain.as_str(), key);
        assert!(keywarden_core::share::open(&sealed, id, &"A".repeat(43)).is_none());

        let again = open_with(Some(proof)).await;
        assert_eq!(
            (again.status, again.code()),
            (StatusCode::NOT_FOUND, "SHARE_GONE")
        );
        let audit = t
            .call("GET", "/v1/audit?action=key.share_opened", None)
            .await;
        let entries = audit.json["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 1, "{}", audit.json);
        assert_eq!(entries[0]["details"]["user_agent"], "test-browser");

        // Expired links do not open; lifetimes are bounded.
        let r = t
            .call(
                "POST",
                "/v1/keys",
                Some(json!({"environment": "live", "share": {}})),
            )
            .await;
        let url = r.json["share_url"].as_str().unwrap();
        let (path, fragment) = url.split_once('#').unwrap();
        let path = &path[path.find("/s/").unwrap()..];
        t.clock.advance_ms(24 * 3_600_000 + 1);
        let late = t
            .send(
                "POST",
                &format!("{path}/open"),
                None,
                Some(json!({"proof": keywarden_core::share::proof(fragment).unwrap().as_str()})),
                &[],
                None,
            )
            .await;
        assert_eq!(late.code(), "SHARE_GONE");
        let long = t
            .call(
                "POST",
                "/v1/keys",
                Some(json!({"environment": "live", "share": {"expires_in": "8d"}})),
            )
            .await;
        assert_eq!(
            (long.status, long.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "INVALID_SHARE")
        );
        t.stop().await;
    })
    .await;
}

/// Several named rate limits: every one must admit; the verification says
/// which one refused and when it resets.
#[tokio::test]
async fn several_named_rate_limits() {
    on_each_backend(|t| async move {
        let (id, key) = t
            .create(json!({"environment": "live", "rate_limits": [
                {"name": "per-second", "limit": 2, "window_seconds": 1},
                {"name": "daily", "limit": 3, "window_seconds": 86400}
            ]}))
            .await;
        let got = t.call("GET", &format!("/v1/keys/{id}"), None).await;
        assert_eq!(got.json["rate_limits"][1]["name"], "daily");
        let mut answers = Vec::new();
        for _ in 0..3 {
            let v = t.verify(json!({"key": key})).await;
            answers.push((v["code"].as_str().unwrap().to_owned(), v["rate_limit"]["name"].as_str().map(str::to_owned)));
        }
        assert_eq!(answers[0].0, "VALID");
        assert_eq!(answers[1].0, "VALID");
        assert_eq!(answers[2], ("RATE_LIMITED".to_owned(), Some("per-second".to_owned())), "{}", t.backend);
        t.clock.advance_ms(1_000);
        let v = t.verify(json!({"key": key})).await;
        assert_eq!(v["code"], "VALID", "{v}");
        // The daily limit has none left: it is named as the tightest.
        assert_eq!((v["rate_limit"]["name"].as_str(), v["rate_limit"]["remaining"].as_u64()), (Some("daily"), Some(0)));
        t.clock.advance_ms(1_000);
        let v = t.verify(json!({"key": key})).await;
        assert_eq!((v["code"].as_str(), v["rate_limit"]["name"].as_str()), (Some("RATE_LIMITED"), Some("daily")));
        assert!(v["retry_after"].as_u64().unwrap() > 3600, "{v}");

        // PATCH replaces them; bad ones are refused.
        let p = t.call("PATCH", &format!("/v1/keys/{id}"), Some(json!({"rate_limits": []}))).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.json);
        assert_eq!(t.verify(json!({"key": key})).await["code"], "VALID");
        for bad in [
            json!([{"name": "a", "limit": 1, "window_seconds": 1}, {"name": "a", "limit": 2, "window_seconds": 2}]),
            json!([{"name": "Bad Name", "limit": 1, "window_seconds": 1}]),
            json!([{"name": "zero", "limit": 0, "window_seconds": 1}]),
        ] {
            let r = t.call("PATCH", &format!("/v1/keys/{id}"), Some(json!({"rate_limits": bad.clone()}))).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", r.json);
        }
        t.stop().await;
    })
    .await;
}

/// `key.expiring` once per key when it enters `expiry_notice` (7 days);
/// `key.credits_low` when credits cross below a tenth of their base.
#[tokio::test]
async fn expiry_and_low_credit_notices() {
    on_each_backend(|t| async move {
        let (soon, _) = t
            .create(json!({"environment": "live", "expires_in": "2d"}))
            .await;
        let (_later, _) = t
            .create(json!({"environment": "live", "expires_in": "30d"}))
            .await;
        // (The housekeeping task may have announced it already.)
        t.state.notify_expiring().await;
        assert_eq!(t.state.notify_expiring().await, 0, "once per key");
        let events = t.call("GET", "/v1/events?kind=key.expiring", None).await;
        let list = events.json.as_array().unwrap();
        assert_eq!(list.len(), 1, "{}", events.json);
        assert_eq!(list[0]["key_id"], soon.as_str());
        // A new expiry is announced again when it comes near.
        t.call(
            "PATCH",
            &format!("/v1/keys/{soon}"),
            Some(json!({"expires_in": "3d"})),
        )
        .await;
        assert_eq!(t.state.notify_expiring().await, 1);

        let (id, key) = t
            .create(json!({"environment": "live", "credits": {"remaining": 10}}))
            .await;
        assert_eq!(
            t.verify(json!({"key": key, "cost": 9})).await["remaining"],
            1
        );
        assert_eq!(t.verify(json!({"key": key})).await["remaining"], 0);
        let mut low = Vec::new();
        for _ in 0..100 {
            let e = t.call("GET", "/v1/events?kind=key.credits_low", None).await;
            low = e.json.as_array().unwrap().clone();
            if !low.is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert_eq!(low.len(), 1, "{low:?}");
        assert_eq!(
            (
                low[0]["key_id"].as_str(),
                low[0]["details"]["threshold"].as_i64()
            ),
            (Some(id.as_str()), Some(1))
        );
        t.stop().await;
    })
    .await;
}

/// Owner-wide limits: shared by every key of the owner, checked besides
/// each key's own; audited; read back with the owner's keys.
#[tokio::test]
async fn owner_wide_limits() {
    on_each_backend(|t| async move {
        let (_a_id, a) = t.create(json!({"environment": "live", "owner": "acme"})).await;
        let (_b_id, b) = t.create(json!({"environment": "live", "owner": "acme"})).await;
        let (_, other) = t.create(json!({"environment": "live", "owner": "globex"})).await;
        let p = t
            .call("PUT", "/v1/owners/acme/limits", Some(json!({"rate_limit": {"limit": 5, "window_seconds": 60}, "credits": {"remaining": 4}})))
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.json);
        assert_eq!(p.json["credits"]["remaining"], 4);
        // Credits (4) bind before the rate limit (5): two keys, 4 together.
        let mut codes = Vec::new();
        for i in 0..6 {
            let key = if i % 2 == 0 { &a } else { &b };
            codes.push(t.verify(json!({"key": key})).await["code"].as_str().unwrap().to_owned());
        }
        // The rate limit is checked first, so the refused fifth counts
        // against it too.
        assert_eq!(
            codes,
            ["VALID", "VALID", "VALID", "VALID", "USAGE_EXCEEDED", "RATE_LIMITED"],
            "{}",
            t.backend
        );
        // Another owner is not affected.
        assert_eq!(t.verify(json!({"key": other})).await["code"], "VALID");

        // Only a rate limit now: 5 a minute, together.
        let p = t
            .call("PUT", "/v1/owners/acme/limits", Some(json!({"rate_limit": {"limit": 5, "window_seconds": 60}})))
            .await;
        assert_eq!(p.status, StatusCode::OK);
        t.clock.advance_ms(60_000);
        let mut codes = Vec::new();
        for i in 0..8 {
            let key = if i % 2 == 0 { &a } else { &b };
            let v = t.verify(json!({"key": key})).await;
            codes.push(v["code"].as_str().unwrap().to_owned());
            if v["code"] == "RATE_LIMITED" {
                assert_eq!(v["rate_limit"]["name"], "owner");
            }
        }
        assert_eq!(codes.iter().filter(|c| *c == "VALID").count(), 5, "{codes:?}");

        let owner = t.call("GET", "/v1/owners/acme", None).await;
        assert_eq!(owner.json["keys"].as_array().unwrap().len(), 2);
        assert_eq!(owner.json["limits"]["rate_limit"]["limit"], 5);
        let audit = t.call("GET", "/v1/audit?action=owner.limits_set", None).await;
        assert_eq!(audit.json["entries"].as_array().unwrap().len(), 2);

        let d = t.call("DELETE", "/v1/owners/acme/limits", None).await;
        assert_eq!(d.status, StatusCode::NO_CONTENT);
        assert_eq!(t.verify(json!({"key": a})).await["code"], "VALID");
        assert_eq!(t.call("GET", "/v1/owners/acme/limits", None).await.status, StatusCode::NOT_FOUND);
        let bad = t
            .call("PUT", "/v1/owners/acme/limits", Some(json!({"rate_limit": {"limit": 0, "window_seconds": 60}})))
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let bad = t.call("PUT", "/v1/owners/Not%20An%20Owner/limits", Some(json!({}))).await;
        assert_eq!((bad.status, bad.code()), (StatusCode::UNPROCESSABLE_ENTITY, "INVALID_OWNER"));
        t.stop().await;
    })
    .await;
}

/// A key's credits and its owner's shared ones are spent together: when
/// the owner's run short, the key's are not spent either. The owner's
/// crossing of `credits_low_ratio` raises `key.credits_low` for the owner.
#[tokio::test]
async fn key_and_owner_credits_are_spent_together() {
    on_each_backend(|t| async move {
        let (id, key) = t
            .create(json!({"environment": "live", "owner": "acme", "credits": {"remaining": 100}}))
            .await;
        let p = t
            .call(
                "PUT",
                "/v1/owners/acme/limits",
                Some(json!({"credits": {"remaining": 20}})),
            )
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.json);
        // 20 shared credits at 4 a request: five pass (the fifth leaves 0,
        // below 10% of 20), the sixth is refused.
        let mut codes = Vec::new();
        for _ in 0..6 {
            let v = t.verify(json!({"key": key, "cost": 4})).await;
            codes.push(v["code"].as_str().unwrap().to_owned());
        }
        assert_eq!(codes[..5], ["VALID"; 5], "{}", t.backend);
        assert_eq!(codes[5], "USAGE_EXCEEDED", "{}", t.backend);
        let k = t.call("GET", &format!("/v1/keys/{id}"), None).await;
        assert_eq!(
            k.json["credits"]["remaining"], 80,
            "{}: the refused request spent none of the key's credits",
            t.backend
        );
        let owner = t.call("GET", "/v1/owners/acme/limits", None).await;
        assert_eq!(owner.json["credits"]["remaining"], 0);
        // The owner's low-credit notice: one, naming the owner, no key.
        let mut low = Vec::new();
        for _ in 0..300 {
            let e = t.call("GET", "/v1/events?kind=key.credits_low", None).await;
            low = e.json.as_array().cloned().unwrap_or_default();
            if !low.is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert_eq!(low.len(), 1, "{}: {low:?}", t.backend);
        assert_eq!(low[0]["key_id"], serde_json::Value::Null);
        assert_eq!(low[0]["details"]["owner"], "acme");
        assert_eq!(low[0]["details"]["shared"], true);
        assert_eq!(low[0]["details"]["remaining"], 0);
        t.stop().await;
    })
    .await;
}

/// A roll or create answered with an error has not happened: the whole
/// request is checked before anything changes, and a share link is stored
/// in the same transaction as its key.
#[tokio::test]
async fn a_refused_roll_or_create_changes_nothing() {
    on_each_backend(|t| async move {
        let (id, key) = t.create(json!({"environment": "live"})).await;
        let keys_before = key_count(&t).await;
        for share in ["2w", "8d", "169h", "nonsense"] {
            let r = t
                .call(
                    "POST",
                    &format!("/v1/keys/{id}/roll"),
                    Some(json!({"grace_period": "0s", "share": {"expires_in": share}})),
                )
                .await;
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::UNPROCESSABLE_ENTITY, "INVALID_SHARE"),
                "{}: {share}: {}",
                t.backend,
                r.json
            );
            assert_eq!(
                t.verify(json!({"key": key})).await["code"],
                "VALID",
                "{share}"
            );
            let r = t
                .call(
                    "POST",
                    "/v1/keys",
                    Some(json!({"environment": "live", "share": {"expires_in": share}})),
                )
                .await;
            assert_eq!(r.code(), "INVALID_SHARE", "{}", r.json);
        }
        assert_eq!(key_count(&t).await, keys_before, "no key was made");
        let audit = t
            .call(
                "GET",
                &format!("/v1/audit?target={id}&action=key.roll"),
                None,
            )
            .await;
        assert_eq!(
            audit.json["entries"].as_array().unwrap().len(),
            0,
            "no roll was audited"
        );
        // The same roll with a good share link: the key and its link.
        let r = t
            .call(
                "POST",
                &format!("/v1/keys/{id}/roll"),
                Some(json!({"grace_period": "0s", "share": {"expires_in": "7d"}})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
        assert!(
            r.json["share_url"].as_str().unwrap().contains("/s/shr_"),
            "{}",
            r.json
        );
        assert_eq!(t.verify(json!({"key": key})).await["code"], "EXPIRED");
        t.stop().await;
    })
    .await;
}

async fn key_count(t: &TestApp) -> usize {
    t.call("GET", "/v1/keys?limit=200", None).await.json["keys"]
        .as_array()
        .unwrap()
        .len()
}

/// During a roll's grace period the old and the new key spend one balance:
/// credits and rate limits are not doubled by a roll.
#[tokio::test]
async fn a_roll_does_not_double_credits_or_rate_limits() {
    on_each_backend(|t| async move {
        let code = |v: serde_json::Value| v["code"].as_str().unwrap().to_owned();
        let (id, old) = t
            .create(json!({"environment": "live", "credits": {"remaining": 3}}))
            .await;
        assert_eq!(code(t.verify(json!({"key": old})).await), "VALID");
        let r = t
            .call(
                "POST",
                &format!("/v1/keys/{id}/roll"),
                Some(json!({"grace_period": "1h"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
        let new = r.json["key"].as_str().unwrap().to_owned();
        let mut answers = Vec::new();
        for key in [&old, &new, &old, &new] {
            let v = t.verify(json!({"key": key})).await;
            answers.push((code(v.clone()), v["remaining"].as_i64()));
        }
        assert_eq!(
            answers,
            [
                ("VALID".to_owned(), Some(1)),
                ("VALID".to_owned(), Some(0)),
                ("USAGE_EXCEEDED".to_owned(), Some(0)),
                ("USAGE_EXCEEDED".to_owned(), Some(0)),
            ],
            "{}: three credits in all, across the roll",
            t.backend
        );

        // The same for a rate limit (and a named one), with the key rolled twice.
        let (id, first) = t
            .create(json!({"environment": "live",
                "rate_limit": {"limit": 4, "window_seconds": 60},
                "rate_limits": [{"name": "daily", "limit": 5, "window_seconds": 86400}]}))
            .await;
        assert_eq!(code(t.verify(json!({"key": first})).await), "VALID");
        assert_eq!(code(t.verify(json!({"key": first})).await), "VALID");
        let r = t
            .call(
                "POST",
                &format!("/v1/keys/{id}/roll"),
                Some(json!({"grace_period": "1h"})),
            )
            .await;
        let (second_id, second) = (
            r.json["id"].as_str().unwrap().to_owned(),
            r.json["key"].as_str().unwrap().to_owned(),
        );
        assert_eq!(code(t.verify(json!({"key": second})).await), "VALID");
        let r = t
            .call(
                "POST",
                &format!("/v1/keys/{second_id}/roll"),
                Some(json!({"grace_period": "1h"})),
            )
            .await;
        let third = r.json["key"].as_str().unwrap().to_owned();
        assert_eq!(
            code(t.verify(json!({"key": first})).await),
            "VALID",
            "{}",
            t.backend
        );
        for key in [&first, &second, &third] {
            assert_eq!(
                code(t.verify(json!({"key": key})).await),
                "RATE_LIMITED",
                "{}: four in the minute, across two rolls",
                t.backend
            );
        }
        // A minute later the per-minute limit admits again; the daily one
        // has one left for the three keys together.
        t.clock.advance_ms(60_000);
        assert_eq!(code(t.verify(json!({"key": third})).await), "VALID");
        let v = t.verify(json!({"key": first})).await;
        assert_eq!(
            (code(v.clone()), v["rate_limit"]["name"].as_str()),
            ("RATE_LIMITED".to_owned(), Some("daily")),
            "{}: {v}",
            t.backend
        );
        t.stop().await;
    })
    .await;
}

/// A spent long window stays spent: across a restart (local mode too, on
/// SQLite) and across housekeeping, which prunes a window only once it ended.
#[tokio::test]
async fn a_spent_monthly_limit_stays_spent_after_a_restart() {
    on_each_backend(|t| async move {
        let (_, key) = t
            .create(json!({"environment": "live",
                "rate_limits": [{"name": "monthly", "limit": 3, "window_seconds": 2_592_000}]}))
            .await;
        for _ in 0..3 {
            assert_eq!(t.verify(json!({"key": key})).await["code"], "VALID");
        }
        assert_eq!(t.verify(json!({"key": key})).await["code"], "RATE_LIMITED");
        let backend = t.backend;
        let t = t.restart(crate::Options::default()).await;
        t.clock.advance_ms(3 * 86_400_000);
        t.store.prune_rate_windows(t.state.now()).await.unwrap();
        let t = t.restart(crate::Options::default()).await;
        let v = t.verify(json!({"key": key})).await;
        assert_eq!(v["code"], "RATE_LIMITED", "{backend}: {v}");
        assert_eq!(v["rate_limit"]["name"], "monthly");
        t.stop().await;
    })
    .await;
}

/// A share link's fragment opens a key: no link is made for a base that
/// is plain http off this machine, and the refusal changes nothing.
#[tokio::test]
async fn share_links_need_an_https_base() {
    crate::on_each_backend_with(
        || {
            let mut o = crate::Options::default();
            o.config.listen = "0.0.0.0:8080".parse().unwrap();
            o
        },
        |t| async move {
            let before = key_count(&t).await;
            let r = t
                .call(
                    "POST",
                    "/v1/keys",
                    Some(json!({"environment": "live", "share": {}})),
                )
                .await;
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::UNPROCESSABLE_ENTITY, "SHARE_UNAVAILABLE"),
                "{}",
                r.json
            );
            assert!(
                r.json["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("public_url")
            );
            assert_eq!(key_count(&t).await, before, "no key was made");
            // Without a link, keys are made as ever.
            t.create(json!({"environment": "live"})).await;
            t.stop().await;
        },
    )
    .await;
}
