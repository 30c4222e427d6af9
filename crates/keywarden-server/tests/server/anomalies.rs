//! Anomaly events and their signed webhook delivery.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use axum::{
    Router,
    body::Bytes,
    http::{HeaderMap, StatusCode},
    routing::post,
};
use keywarden_core::secret::SecretBytes;
use keywarden_server::events::{Webhook, signature};
use serde_json::{Value, json};

use crate::{Options, on_each_backend, on_each_backend_with};

async fn events_of(t: &crate::TestApp, kind: &str, want: usize) -> Vec<Value> {
    for _ in 0..300 {
        let r = t
            .call("GET", &format!("/v1/events?kind={kind}"), None)
            .await;
        let list = r.json.as_array().cloned().unwrap_or_default();
        if list.len() >= want {
            return list;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("{}: fewer than {want} {kind} events", t.backend);
}

#[tokio::test]
async fn a_revoked_key_in_use_is_reported_once() {
    on_each_backend(|t| async move {
        let (id, key) = t.create(json!({"environment": "live"})).await;
        t.call(
            "POST",
            &format!("/v1/keys/{id}/revoke"),
            Some(json!({"reason": "rotated out"})),
        )
        .await;
        for _ in 0..3 {
            assert_eq!(
                t.verify(json!({"key": key, "client_ip": "198.51.100.4"}))
                    .await["code"],
                "REVOKED"
            );
        }
        let events = events_of(&t, "key.revoked_in_use", 1).await;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let events_after = events_of(&t, "key.revoked_in_use", 1).await;
        assert_eq!(events_after.len(), 1, "once per hour, not once per request");
        assert_eq!(events[0]["key_id"], id.as_str());
        assert_eq!(events[0]["details"]["client_ip"], "198.51.100.4");
        assert_eq!(events[0]["details"]["revoke_reason"], "rotated out");
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn a_new_address_and_a_burst_are_reported() {
    on_each_backend_with(
        || {
            let mut o = Options::default();
            o.config.burst_per_minute = 5;
            o
        },
        |t| async move {
            let (id, key) = t.create(json!({"environment": "live"})).await;
            // The first use is not a "new address"; a second address is.
            t.verify(json!({"key": key, "client_ip": "192.0.2.1"}))
                .await;
            t.verify(json!({"key": key, "client_ip": "192.0.2.1"}))
                .await;
            t.verify(json!({"key": key, "client_ip": "203.0.113.77"}))
                .await;
            let fresh = events_of(&t, "key.new_address", 1).await;
            assert_eq!(fresh.len(), 1, "{}: {fresh:?}", t.backend);
            assert_eq!(fresh[0]["details"]["client_ip"], "203.0.113.77");
            assert_eq!(fresh[0]["key_id"], id.as_str());
            // Six verifications within a minute, over a floor of five.
            for _ in 0..3 {
                t.verify(json!({"key": key, "client_ip": "192.0.2.1"}))
                    .await;
            }
            let burst = events_of(&t, "key.burst", 1).await;
            assert_eq!(burst[0]["details"]["this_minute"], 6);
            t.stop().await;
        },
    )
    .await;
}

#[tokio::test]
async fn events_reach_the_webhook_signed() {
    let received: Arc<Mutex<Vec<(HeaderMap, Bytes)>>> = Arc::default();
    let sink = received.clone();
    let receiver = Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: Bytes| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap().push((headers, body));
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, receiver).await });

    let secret = b"a shared webhook secret, 32 bytes".to_vec();
    let dir = tempfile::tempdir().unwrap();
    let store = keywarden_store::Store::open_in_dir(dir.path(), crate::peppers())
        .await
        .unwrap();
    let root = keywarden_server::setup::bootstrap(&store, &Default::default(), crate::NOW)
        .await
        .unwrap()
        .unwrap();
    let webhook = Webhook::new(
        &format!("http://{addr}/hook"),
        SecretBytes::new(secret.clone()),
    )
    .unwrap();
    let (state, bg) = keywarden_server::AppState::start_with_webhook(
        store,
        Default::default(),
        Arc::new(keywarden_core::clock::ManualClock::new(crate::NOW)),
        None,
        Some(webhook),
    )
    .await;
    let app = keywarden_server::app(state.clone());
    let send = |method: &'static str, uri: String, body: Value| {
        let app = app.clone();
        let root = root.expose().to_owned();
        async move {
            use tower::ServiceExt;
            let req = axum::http::Request::builder()
                .method(method)
                .uri(uri)
                .header("authorization", format!("Bearer {root}"))
                .header("content-type", "application/json")
                .body(axum::body::Body::from(body.to_string()))
                .unwrap();
            let res = app.oneshot(req).await.unwrap();
            let bytes = http_body_util::BodyExt::collect(res.into_body())
                .await
                .unwrap()
                .to_bytes();
            serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null)
        }
    };
    let created = send("POST", "/v1/keys".into(), json!({"environment": "live"})).await;
    let (id, key) = (
        created["id"].as_str().unwrap().to_owned(),
        created["key"].as_str().unwrap().to_owned(),
    );
    send("POST", format!("/v1/keys/{id}/revoke"), json!({})).await;
    send("POST", "/v1/verify".into(), json!({"key": key})).await;

    for _ in 0..300 {
        if !received.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let (headers, body) = received
        .lock()
        .unwrap()
        .first()
        .cloned()
        .expect("no webhook delivery");
    let body = String::from_utf8(body.to_vec()).unwrap();
    let event: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(event["kind"], "key.revoked_in_use");
    assert_eq!(event["key_id"], id.as_str());
    let header = headers["x-keywarden-signature"].to_str().unwrap();
    let ts: i64 = header
        .split(',')
        .next()
        .unwrap()
        .strip_prefix("t=")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        header,
        signature(&secret, ts, &body),
        "the signature verifies with the shared secret"
    );
    assert_ne!(
        header,
        signature(b"another secret entirely, 32 bytes", ts, &body)
    );
    assert!(!body.contains(&key[8..]), "no key material in events");
    assert_eq!(state.metrics().webhooks_delivered.get(), 1);
    bg.shutdown().await;
}
