//! Every verification outcome, through `POST /v1/verify` and forward-auth.

use axum::http::StatusCode;
use serde_json::json;

use crate::{Options, on_each_backend, on_each_backend_with};

#[tokio::test]
async fn every_outcome_code() {
    on_each_backend(|t| async move {
        let (id, key) = t
            .create(json!({
                "environment": "live", "scopes": ["orders:*", "users:read"],
                "ip_allowlist": ["192.0.2.0/24", "2001:db8::1"], "expires_in": "1h"
            }))
            .await;
        let v = |body: serde_json::Value| {
            let t = &t;
            async move { t.verify(body).await["code"].as_str().unwrap().to_owned() }
        };
        let ok_ip = "192.0.2.10";
        assert_eq!(
            v(json!({"key": key, "client_ip": ok_ip, "scopes": ["orders:write", "users:read"]}))
                .await,
            "VALID"
        );
        assert_eq!(
            v(json!({"key": key, "client_ip": "2001:db8::1"})).await,
            "VALID"
        );
        assert_eq!(v(json!({"key": ""})).await, "MISSING");
        assert_eq!(v(json!({"key": "not a key"})).await, "MALFORMED");
        // A look-alike with one character changed fails the checksum: no lookup.
        let mut chars: Vec<char> = key.chars().collect();
        let i = chars.len() - 10;
        chars[i] = if chars[i] == 'a' { 'b' } else { 'a' };
        assert_eq!(
            v(json!({"key": chars.iter().collect::<String>()})).await,
            "MALFORMED"
        );
        let unknown = keywarden_core::key::mint(&Default::default(), &"live".parse().unwrap());
        assert_eq!(v(json!({"key": unknown.expose()})).await, "NOT_FOUND");
        assert_eq!(
            v(json!({"key": key, "client_ip": ok_ip, "environment": "test"})).await,
            "ENV_MISMATCH"
        );
        assert_eq!(
            v(json!({"key": key, "client_ip": ok_ip, "scopes": ["users:write"]})).await,
            "INSUFFICIENT_SCOPE"
        );
        assert_eq!(
            v(json!({"key": key, "client_ip": "198.51.100.1"})).await,
            "IP_DENIED"
        );
        assert_eq!(
            v(json!({"key": key})).await,
            "IP_DENIED",
            "no address: an allowlisted key is refused"
        );
        t.clock.advance_ms(3_600_000);
        assert_eq!(v(json!({"key": key, "client_ip": ok_ip})).await, "EXPIRED");
        let (rid, rkey) = t.create(json!({"environment": "live"})).await;
        t.call("POST", &format!("/v1/keys/{rid}/revoke"), None)
            .await;
        assert_eq!(v(json!({"key": rkey})).await, "REVOKED");
        let _ = id;

        // Bad request shapes are 422, not outcomes.
        for body in [
            json!({"key": key, "scopes": ["Nope"]}),
            json!({"key": key, "client_ip": "x"}),
            json!({"key": key, "environment": "BAD"}),
            json!({"key": key, "extra": 1}),
        ] {
            let r = t.call("POST", "/v1/verify", Some(body.clone())).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        }
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn rate_and_usage_limits() {
    on_each_backend(|t| async move {
        let (_, key) = t
            .create(
                json!({"environment": "live", "rate_limit": {"limit": 3, "window_seconds": 60}}),
            )
            .await;
        for i in 0..3 {
            let r = t.verify(json!({"key": key})).await;
            assert_eq!(r["code"], "VALID", "{i}");
            assert_eq!(r["rate_limit"]["remaining"], 2 - i);
        }
        let r = t.verify(json!({"key": key})).await;
        assert_eq!(r["code"], "RATE_LIMITED");
        assert_eq!(r["retry_after"], 20, "one token every 20 s");
        t.clock.advance_ms(20_000);
        assert_eq!(t.verify(json!({"key": key})).await["code"], "VALID");

        let (_, limited) = t
            .create(json!({"environment": "live", "usage_limit": 2}))
            .await;
        let r = t.verify(json!({"key": limited})).await;
        assert_eq!(
            (r["code"].as_str(), r["remaining"].as_i64()),
            (Some("VALID"), Some(1))
        );
        let r = t.verify(json!({"key": limited})).await;
        assert_eq!(
            (r["code"].as_str(), r["remaining"].as_i64()),
            (Some("VALID"), Some(0))
        );
        let r = t.verify(json!({"key": limited})).await;
        assert_eq!(r["code"], "USAGE_EXCEEDED");
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn forward_auth_statuses_and_headers() {
    on_each_backend(|t| async move {
        let (id, key) = t.create(json!({"environment": "live", "owner": "acme", "scopes": ["orders:read"], "rate_limit": {"limit": 2, "window_seconds": 10}})).await;
        let fa = |uri: &'static str, headers: Vec<(&'static str, String)>| {
            let t = &t;
            async move {
                let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
                t.send("GET", uri, None, None, &h, Some("192.0.2.1")).await
            }
        };
        let r = fa("/v1/forward-auth", vec![]).await;
        assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "MISSING"));
        assert_eq!(r.headers["www-authenticate"], "Bearer");
        let r = fa("/v1/forward-auth", vec![("x-api-key", "kw_live_nope".into())]).await;
        assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "MALFORMED"));
        let unknown = keywarden_core::key::mint(&Default::default(), &"live".parse().unwrap());
        let r = fa("/v1/forward-auth", vec![("authorization", format!("Bearer {}", unknown.expose()))]).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "NOT_FOUND"));

        let r = fa("/v1/forward-auth?scopes=orders:read&environment=live", vec![("authorization", format!("Bearer {key}"))]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        assert_eq!(r.headers["x-keywarden-key-id"], id.as_str());
        assert_eq!(r.headers["x-keywarden-owner"], "acme");
        assert_eq!(r.headers["x-keywarden-scopes"], "orders:read");
        assert_eq!(r.headers["x-keywarden-environment"], "live");
        let r = fa("/v1/forward-auth", vec![("x-api-key", key.clone()), ("x-keywarden-scopes", "orders:write".into())]).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "INSUFFICIENT_SCOPE"));
        // Refused requests take no token; a second valid one takes the last.
        let r = fa("/v1/forward-auth", vec![("x-api-key", key.clone())]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.headers["x-ratelimit-remaining"], "0");
        let r = fa("/v1/forward-auth", vec![("x-api-key", key.clone())]).await;
        assert_eq!((r.status, r.code()), (StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED"));
        assert_eq!(r.headers["retry-after"], "5");
        let r = fa("/v1/forward-auth?scopes=Bad", vec![("x-api-key", key.clone())]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn forward_auth_headers_follow_a_changed_key() {
    // The identity headers are remembered per cached record: a change makes
    // a new record, and the next answer carries the new identity.
    on_each_backend(|t| async move {
        let (id, key) = t
            .create(json!({"environment": "live", "owner": "acme", "scopes": ["orders:read"]}))
            .await;
        let headers = [("x-api-key", key.as_str())];
        let fa = || {
            t.send(
                "GET",
                "/v1/forward-auth",
                None,
                None,
                &headers,
                Some("192.0.2.1"),
            )
        };
        for _ in 0..3 {
            let r = fa().await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.json);
            assert_eq!(r.headers["x-keywarden-owner"], "acme");
            assert_eq!(r.headers["x-keywarden-scopes"], "orders:read");
        }
        let r = t
            .call(
                "PATCH",
                &format!("/v1/keys/{id}"),
                Some(json!({"owner": "globex", "scopes": ["orders:read", "orders:write"]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        let r = fa().await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        assert_eq!(r.headers["x-keywarden-key-id"], id.as_str());
        assert_eq!(r.headers["x-keywarden-owner"], "globex");
        assert_eq!(r.headers["x-keywarden-scopes"], "orders:read,orders:write");
        assert_eq!(r.headers["x-keywarden-environment"], "live");
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn failed_verifications_are_throttled_per_address() {
    on_each_backend_with(
        || {
            let mut o = Options::default();
            o.config.failure_limit_per_minute = 10;
            o
        },
        |t| async move {
            let (_, key) = t.create(json!({"environment": "live"})).await;
            // Warm the cache with the good key, from the office's address.
            let office = "203.0.113.9";
            let get = |k: String| {
                let t = &t;
                async move {
                    t.send(
                        "GET",
                        "/v1/forward-auth",
                        None,
                        None,
                        &[("x-api-key", &k)],
                        Some(office),
                    )
                    .await
                }
            };
            assert_eq!(get(key.clone()).await.status, StatusCode::OK);
            for _ in 0..10 {
                let guess =
                    keywarden_core::key::mint(&Default::default(), &"live".parse().unwrap());
                assert_eq!(
                    get(guess.expose().to_owned()).await.status,
                    StatusCode::FORBIDDEN
                );
            }
            // Over the budget: one lookup a second still goes through (so a
            // key that verifies is not locked out), the rest get 429
            // without a lookup...
            let trickle = keywarden_core::key::mint(&Default::default(), &"live".parse().unwrap());
            assert_eq!(
                get(trickle.expose().to_owned()).await.status,
                StatusCode::FORBIDDEN
            );
            let guess = keywarden_core::key::mint(&Default::default(), &"live".parse().unwrap());
            let r = get(guess.expose().to_owned()).await;
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED")
            );
            assert!(r.headers.contains_key("retry-after"));
            // ...while the office's working key still works.
            assert_eq!(get(key.clone()).await.status, StatusCode::OK);
            // And another address is untouched.
            let other = t
                .send(
                    "GET",
                    "/v1/forward-auth",
                    None,
                    None,
                    &[("x-api-key", guess.expose())],
                    Some("203.0.113.10"),
                )
                .await;
            assert_eq!(other.status, StatusCode::FORBIDDEN);
            let metrics = t.send("GET", "/metrics", None, None, &[], None).await;
            assert!(
                metrics
                    .text
                    .contains("keywarden_throttled_verifications_total 1"),
                "{}",
                metrics.text
            );
            // A minute later the budget is back.
            t.clock.advance_ms(60_000);
            let r = get(guess.expose().to_owned()).await;
            assert_eq!(r.code(), "NOT_FOUND");
            t.stop().await;
        },
    )
    .await;
}

/// How many `key.leak_revoke` audit entries key `id` has.
async fn leak_audits(t: &crate::TestApp, id: &str) -> usize {
    t.call(
        "GET",
        &format!("/v1/audit?target={id}&action=key.leak_revoke"),
        None,
    )
    .await
    .json["entries"]
        .as_array()
        .unwrap()
        .len()
}

#[tokio::test]
async fn leak_reports_revoke_and_answer_202() {
    on_each_backend(|t| async move {
        let (id, key) = t.create(json!({"environment": "live"})).await;
        let unknown = keywarden_core::key::mint(&Default::default(), &"live".parse().unwrap());
        let r = t
            .send(
                "POST",
                "/v1/leaks",
                None,
                Some(json!([
                    {"key": key, "source": "https://github.com/acme/app/blob/main/.env"},
                    {"key": unknown.expose()},
                    {"key": "garbage"}
                ])),
                &[],
                Some("198.51.100.20"),
            )
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED);
        assert_eq!(r.json["accepted"], 3);
        // The answer is the same for an unknown key alone.
        let r2 = t
            .send(
                "POST",
                "/v1/leaks",
                None,
                Some(json!([{"key": unknown.expose()}])),
                &[],
                Some("198.51.100.20"),
            )
            .await;
        assert_eq!(r2.status, StatusCode::ACCEPTED);
        assert_eq!(r2.json, json!({"accepted": 1, "processed": 1}));
        // Revoked before the answer: the revocation, its audit entry and
        // its event are there at once.
        assert_eq!(t.verify(json!({"key": key})).await["code"], "REVOKED");
        let k = t.call("GET", &format!("/v1/keys/{id}"), None).await;
        assert_eq!(k.json["revoke_reason"], "leaked");
        let events = t.call("GET", "/v1/events?kind=key.leaked", None).await;
        assert_eq!(events.json.as_array().unwrap().len(), 1, "{}", events.json);
        assert_eq!(events.json[0]["key_id"], id.as_str());
        assert_eq!(
            events.json[0]["details"]["source"],
            "https://github.com/acme/app/blob/main/.env"
        );
        assert_eq!(leak_audits(&t, &id).await, 1);
        // A revoked key reported again (or a replayed report) writes nothing.
        for _ in 0..3 {
            let again = t
                .send(
                    "POST",
                    "/v1/leaks",
                    None,
                    Some(json!([{"key": key, "source": "elsewhere"}])),
                    &[],
                    Some("198.51.100.21"),
                )
                .await;
            assert_eq!(again.status, StatusCode::ACCEPTED);
        }
        assert_eq!(leak_audits(&t, &id).await, 1, "{}", t.backend);
        let events = t.call("GET", "/v1/events?kind=key.leaked", None).await;
        assert_eq!(events.json.as_array().unwrap().len(), 1, "{}", t.backend);
        let bad = t
            .send(
                "POST",
                "/v1/leaks",
                None,
                Some(json!({"key": key})),
                &[],
                None,
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn metrics_show_outcomes_cache_queue_and_throttle() {
    on_each_backend(|t| async move {
        let (_, key) = t.create(json!({"environment": "live"})).await;
        for _ in 0..3 {
            t.verify(json!({"key": key})).await;
        }
        t.verify(json!({"key": "junk"})).await;
        // The key-less MALFORMED is counted per minute and written later.
        t.wait_usage_written(3).await;
        let m = t.send("GET", "/metrics", None, None, &[], None).await;
        assert_eq!(m.status, StatusCode::OK);
        assert!(
            m.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/openmetrics-text")
        );
        let text = m.text;
        for needle in [
            "keywarden_verifications_total{code=\"VALID\"} 3",
            "keywarden_verifications_total{code=\"MALFORMED\"} 1",
            "keywarden_verify_duration_seconds_count 4",
            "keywarden_cache_hits_total 2",
            "keywarden_cache_misses_total 1",
            "keywarden_usage_queue_depth",
            "keywarden_usage_events_dropped_total 0",
            "keywarden_throttled_addresses",
            "keywarden_throttled_verifications_total 0",
            "keywarden_cache_invalidations_received_total",
            "keywarden_leaks_revoked_total 0",
            "keywarden_events_raised_total",
            "keywarden_webhooks_delivered_total 0",
            "keywarden_webhooks_failed_total 0",
        ] {
            assert!(text.contains(needle), "{needle} not in\n{text}");
        }
        // No key material in any label or value.
        assert!(!text.contains(&key[8..]));
        t.stop().await;
    })
    .await;
}

/// The cluster limiter asks the store once for concurrent requests that
/// find the node's lease spent: 32 at once take one batch (4% of 2,500),
/// not one batch each.
#[tokio::test]
async fn concurrent_requests_share_one_cluster_lease() {
    on_each_backend(|t| async move {
        let limiter = std::sync::Arc::new(keywarden_server::limits::ClusterLimiter::new(
            t.store.clone(),
        ));
        let limit = keywarden_store::RateLimit {
            limit: 2_500,
            window_seconds: 60,
        };
        let tasks: Vec<_> = (0..32)
            .map(|_| {
                let limiter = limiter.clone();
                tokio::spawn(
                    async move { limiter.take("key_single_flight", limit, crate::NOW).await },
                )
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().retry_at, None);
        }
        let window = crate::NOW - crate::NOW.rem_euclid(60_000);
        let lease = t
            .store
            .lease_rate("key_single_flight", window, 60_000, 0, 2_500)
            .await
            .unwrap();
        assert_eq!(lease.used, 100, "{}: one batch leased", t.backend);
        t.stop().await;
    })
    .await;
}

/// The cluster limiter asks for the next batch before the node's lease is
/// spent, and for the next window's lease before the window ends: the
/// requests at the end of a batch or a window do not wait for the store.
#[tokio::test]
async fn cluster_leases_are_asked_ahead_of_need() {
    on_each_backend(|t| async move {
        let limiter = keywarden_server::limits::ClusterLimiter::new(t.store.clone());
        let limit = keywarden_store::RateLimit {
            limit: 2_500,
            window_seconds: 60,
        };
        let window = crate::NOW - crate::NOW.rem_euclid(60_000);
        let used = |w: i64| {
            let store = t.store.clone();
            async move {
                store
                    .lease_rate("key_ahead", w, 60_000, 0, 2_500)
                    .await
                    .unwrap()
                    .used
            }
        };
        let settled = |w: i64, want: u32| {
            let used = &used;
            async move {
                for _ in 0..200 {
                    if used(w).await == want {
                        return true;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                }
                false
            }
        };
        // The first request asks (a batch of 100); 75 more leave 24 of it,
        // under a quarter: the next batch is asked for in the background.
        for _ in 0..76 {
            let s = limiter.take("key_ahead", limit, window + 1_000).await;
            assert_eq!(s.retry_at, None);
        }
        assert!(
            settled(window, 200).await,
            "{}: a batch asked ahead",
            t.backend
        );
        // 100 more are served from memory (124 were left): no request had
        // to ask, and the third batch is on its way once 24 are left again.
        for _ in 0..100 {
            limiter.take("key_ahead", limit, window + 2_000).await;
        }
        assert!(settled(window, 300).await, "{}: the third batch", t.backend);

        // In the window's last tenth the next window's lease is asked for
        // (by the first request that finds no other ask on its way: the
        // third batch's may still be finishing)...
        let mut asked = false;
        for i in 0..50 {
            let s = limiter.take("key_ahead", limit, window + 55_000 + i).await;
            assert_eq!(s.retry_at, None);
            if settled(window + 60_000, 100).await {
                asked = true;
                break;
            }
        }
        assert!(asked, "{}: the next window leased ahead", t.backend);
        // The store counts the lease before the background task hands it to
        // the limiter: wait for it to land, or the next request would ask a
        // batch of its own (a test race seen under a loaded machine).
        let mut landed = false;
        for _ in 0..500 {
            if limiter.holds_next_window("key_ahead") {
                landed = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert!(
            landed,
            "{}: the next window's share reached the limiter",
            t.backend
        );
        // ...and the next window's first request is served from it.
        let s = limiter.take("key_ahead", limit, window + 60_010).await;
        assert_eq!((s.retry_at, s.remaining), (None, 2_500 - 100 + 99));
        // Nothing more was leased in the first window than the three batches.
        assert_eq!(used(window).await, 300, "{}", t.backend);
        assert_eq!(used(window + 60_000).await, 100, "{}", t.backend);
        t.stop().await;
    })
    .await;
}

/// The failure budget locks out neither a good key behind an address that
/// also sent bad ones, nor a request without credentials (401, not 429);
/// a client hammering with a dead key meets 429s, and its refusals cost a
/// few usage rows a minute, whatever its user agents.
#[tokio::test]
async fn the_failure_budget_spares_good_keys_and_folds_refusals() {
    on_each_backend_with(
        || {
            let mut o = Options::default();
            o.config.failure_limit_per_minute = 100;
            o
        },
        |t| async move {
            let office = "203.0.113.40";
            let fa = |key: Option<String>, ua: String| {
                let t = &t;
                async move {
                    let mut headers = vec![("user-agent", ua.clone())];
                    if let Some(k) = key {
                        headers.push(("x-api-key", k));
                    }
                    let headers: Vec<(&str, &str)> =
                        headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    t.send(
                        "GET",
                        "/v1/forward-auth",
                        None,
                        None,
                        &headers,
                        Some(office),
                    )
                    .await
                }
            };
            // 100 unknown keys: the address's budget is spent.
            for i in 0..100 {
                let guess =
                    keywarden_core::key::mint(&Default::default(), &"live".parse().unwrap());
                let r = fa(Some(guess.expose().to_owned()), format!("guess {i}")).await;
                assert_eq!(r.status, StatusCode::FORBIDDEN);
            }
            // A good key never seen by this node still gets through.
            let (_, good) = t.create(json!({"environment": "live"})).await;
            assert_eq!(
                fa(Some(good.clone()), "app".into()).await.status,
                StatusCode::OK,
                "{}",
                t.backend
            );
            // No credentials: 401, whatever the budget.
            assert_eq!(
                fa(None, "app".into()).await.status,
                StatusCode::UNAUTHORIZED
            );

            // A revoked key, 2,000 times with 2,000 user agents, from
            // another address: 100 refusals, then 429s.
            let (id, dead) = t.create(json!({"environment": "live"})).await;
            t.call("POST", &format!("/v1/keys/{id}/revoke"), None).await;
            let rows_before = t.store.usage_rows().await.unwrap();
            let mut codes = std::collections::BTreeMap::<u16, usize>::new();
            for i in 0..2_000 {
                let r = t
                    .send(
                        "GET",
                        "/v1/forward-auth",
                        None,
                        None,
                        &[
                            ("x-api-key", dead.as_str()),
                            ("user-agent", &format!("agent {i}")),
                        ],
                        Some("203.0.113.41"),
                    )
                    .await;
                *codes.entry(r.status.as_u16()).or_default() += 1;
            }
            assert_eq!(codes.get(&403), Some(&100), "{}: {codes:?}", t.backend);
            assert_eq!(codes.get(&429), Some(&1_900), "{}: {codes:?}", t.backend);
            // The same key from elsewhere is still answered for what it is.
            let v = t.verify(json!({"key": dead})).await;
            assert_eq!(v["code"], "REVOKED");
            let backend = t.backend;
            let store = t.store.clone();
            t.stop().await;
            let rows = store.usage_rows().await.unwrap() - rows_before;
            assert!(
                rows <= 20,
                "{backend}: 2,001 refusals made {rows} usage rows"
            );
        },
    )
    .await;
}

/// Envoy's `ext_authz` HTTP service appends the original request's path
/// and query to its `path_prefix` (`/v1/forward-auth/orders/7?scopes=…`):
/// that route answers as forward-auth does, with its requirements from the
/// headers Envoy sets, never from the client's own path or query.
#[tokio::test]
async fn forward_auth_answers_envoys_appended_paths() {
    on_each_backend(|t| async move {
        let (id, key) = t
            .create(json!({"environment": "live", "scopes": ["orders:read"]}))
            .await;
        let (_, test_key) = t
            .create(json!({"environment": "test", "scopes": ["orders:read", "orders:write"]}))
            .await;
        let check = |path: &str, method: &str, key: &str, extra: &[(&str, &str)]| {
            let t = &t;
            let path = path.to_owned();
            let method = method.to_owned();
            let mut headers = vec![("x-api-key".to_owned(), key.to_owned())];
            headers.extend(
                extra
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
            );
            async move {
                let headers: Vec<(&str, &str)> = headers
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                t.send(&method, &path, None, None, &headers, Some("198.51.100.50"))
                    .await
            }
        };
        let envoy = [
            ("x-keywarden-scopes", "orders:read"),
            ("x-keywarden-require-environment", "live"),
        ];
        let r = check("/v1/forward-auth/orders/7", "POST", &key, &envoy).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", t.backend, r.text);
        assert_eq!(r.headers["x-keywarden-key-id"], id.as_str());
        // The client's own query is not read: it can neither relax nor
        // choose the requirements.
        let r = check(
            "/v1/forward-auth/orders/7?environment=test&scopes=",
            "GET",
            &test_key,
            &envoy,
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "a test key where live is required"
        );
        assert_eq!(r.code(), "ENV_MISMATCH");
        let r = check("/v1/forward-auth/orders?%zz", "GET", &key, &envoy).await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "an unreadable client query is not ours to read"
        );
        // Required scopes from the header hold.
        let r = check(
            "/v1/forward-auth/orders",
            "DELETE",
            &key,
            &[("x-keywarden-scopes", "orders:write")],
        )
        .await;
        assert_eq!(r.code(), "INSUFFICIENT_SCOPE");
        // No key: 401, as forward-auth answers.
        let r = t
            .send("GET", "/v1/forward-auth/orders", None, None, &[], None)
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let r = check("/v1/forward-auth/x", "TRACE", &key, &envoy).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
        t.stop().await;
    })
    .await;
}
