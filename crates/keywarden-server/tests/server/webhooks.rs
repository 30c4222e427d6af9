//! The webhook outbox: deliveries that outlive a receiver's outage and a
//! restart, carry one id in every attempt, never follow a redirect, give
//! up after their retry period, and are made once when several nodes
//! share the store. Each against a real HTTP receiver on loopback.

use std::{
    net::SocketAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU16, AtomicUsize, Ordering},
    },
    time::Duration,
};

use axum::{
    Router,
    body::Bytes,
    http::{HeaderMap, StatusCode, header},
    response::IntoResponse,
    routing::post,
};
use keywarden_core::secret::SecretBytes;
use keywarden_server::events::{RetryPolicy, Webhook, signature};
use serde_json::{Value, json};

use crate::{Options, TestApp, on_each_backend_with};

const SECRET: &[u8] = b"webhook outbox test secret, 32 b";

/// A webhook receiver answering `status` (a redirect to `/elsewhere` for
/// 3xx), recording what reaches `/hook` and counting what reaches
/// `/elsewhere`.
#[derive(Clone, Default)]
struct Receiver {
    received: Arc<Mutex<Vec<(HeaderMap, String)>>>,
    status: Arc<AtomicU16>,
    elsewhere: Arc<AtomicUsize>,
}

impl Receiver {
    fn new(status: u16) -> Self {
        let r = Self::default();
        r.status.store(status, Ordering::SeqCst);
        r
    }

    /// Serves on `listener` until the returned task is aborted.
    fn serve(&self, listener: tokio::net::TcpListener) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        let other = self.elsewhere.clone();
        let app = Router::new()
            .route(
                "/hook",
                post(move |headers: HeaderMap, body: Bytes| {
                    let me = me.clone();
                    async move {
                        let status = me.status.load(Ordering::SeqCst);
                        me.received
                            .lock()
                            .unwrap()
                            .push((headers, String::from_utf8(body.to_vec()).unwrap()));
                        let status = StatusCode::from_u16(status).unwrap();
                        if status.is_redirection() {
                            (status, [(header::LOCATION, "/elsewhere")]).into_response()
                        } else {
                            status.into_response()
                        }
                    }
                }),
            )
            .route(
                "/elsewhere",
                post(move || {
                    other.fetch_add(1, Ordering::SeqCst);
                    async { StatusCode::NO_CONTENT }
                }),
            );
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        })
    }

    fn bodies(&self) -> Vec<(HeaderMap, String)> {
        self.received.lock().unwrap().clone()
    }
}

fn options(addr: SocketAddr, retry: RetryPolicy) -> Options {
    Options {
        webhook: Some(
            Webhook::new(
                &format!("http://{addr}/hook"),
                SecretBytes::new(SECRET.to_vec()),
            )
            .unwrap()
            .with_retry(retry),
        ),
        ..Options::default()
    }
}

/// Retries every 100–400 ms for an hour.
fn quick() -> RetryPolicy {
    RetryPolicy {
        first_delay: Duration::from_millis(100),
        max_delay: Duration::from_millis(400),
        retry_for: Duration::from_secs(3600),
    }
}

/// Raises one `key.revoked_in_use` event per key: `n` events.
async fn raise(t: &TestApp, n: usize) {
    for _ in 0..n {
        let (id, key) = t.create(json!({"environment": "live"})).await;
        let r = t
            .call("POST", &format!("/v1/keys/{id}/revoke"), Some(json!({})))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", t.backend, r.json);
        assert_eq!(t.verify(json!({"key": key})).await["code"], "REVOKED");
    }
}

/// Waits until the newest events (all kinds) satisfy `done`; returns them.
async fn events_until(t: &TestApp, what: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    for _ in 0..1_000 {
        let r = t.call("GET", "/v1/events?limit=500", None).await;
        let list = r.json.as_array().cloned().unwrap_or_default();
        if done(&list) {
            return list;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let r = t.call("GET", "/v1/events?limit=500", None).await;
    panic!("{}: never {what}: {}", t.backend, r.json);
}

fn revoked_in_use(list: &[Value]) -> Vec<&Value> {
    list.iter()
        .filter(|e| e["kind"] == "key.revoked_in_use")
        .collect()
}

#[tokio::test]
async fn a_delivery_outlives_the_receivers_outage_and_a_restart() {
    // The receiver's address is reserved, then closed: it is down.
    let reserved = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = reserved.local_addr().unwrap();
    drop(reserved);
    on_each_backend_with(
        || options(addr, quick()),
        |t| async move {
            raise(&t, 1).await;
            let list = events_until(&t, "attempted while down", |l| {
                revoked_in_use(l).first().is_some_and(|e| {
                    e["delivery"]["attempts"].as_u64() >= Some(2)
                        && e["delivery"]["state"] == "pending"
                })
            })
            .await;
            let event = revoked_in_use(&list)[0].clone();
            let id = event["id"].as_str().unwrap().to_owned();
            assert!(id.starts_with("evt_"), "{id}");
            assert_eq!(event["delivery"]["last_error"], "connection failed");
            assert!(event["delivery"]["next_attempt_at"].is_string());
            assert_eq!(event["delivery"]["delivered_at"], Value::Null);

            // A restart: the new node picks the pending delivery up.
            let t = t.restart(options(addr, quick())).await;
            let before = event["delivery"]["attempts"].as_u64().unwrap();
            events_until(&t, "attempted after the restart", |l| {
                revoked_in_use(l)
                    .first()
                    .is_some_and(|e| e["delivery"]["attempts"].as_u64() > Some(before))
            })
            .await;

            // The receiver comes back refusing, then accepts.
            let receiver = Receiver::new(503);
            let server = receiver.serve(tokio::net::TcpListener::bind(addr).await.unwrap());
            events_until(&t, "refused with 503", |l| {
                revoked_in_use(l)
                    .first()
                    .is_some_and(|e| e["delivery"]["last_error"] == "HTTP 503")
            })
            .await;
            receiver.status.store(204, Ordering::SeqCst);
            let list = events_until(&t, "delivered", |l| {
                revoked_in_use(l)
                    .first()
                    .is_some_and(|e| e["delivery"]["state"] == "delivered")
            })
            .await;
            let done = &revoked_in_use(&list)[0]["delivery"];
            assert!(done["delivered_at"].is_string());
            assert_eq!(done["next_attempt_at"], Value::Null);
            assert!(done["attempts"].as_u64().unwrap() >= before + 2, "{done}");

            // Nothing is sent once delivered; every attempt carried the
            // same id and body, signed.
            let delivered = receiver.bodies().len();
            tokio::time::sleep(Duration::from_millis(600)).await;
            let bodies = receiver.bodies();
            assert_eq!(bodies.len(), delivered, "nothing is sent once delivered");
            assert!(bodies.len() >= 2, "{}", bodies.len());
            for (headers, body) in &bodies {
                assert_eq!(headers["x-keywarden-event-id"], id.as_str());
                let sent: Value = serde_json::from_str(body).unwrap();
                assert_eq!(sent["id"], id.as_str());
                assert_eq!(sent["kind"], "key.revoked_in_use");
                let sig = headers["x-keywarden-signature"].to_str().unwrap();
                let ts: i64 = sig[2..sig.find(',').unwrap()].parse().unwrap();
                assert_eq!(sig, signature(SECRET, ts, body));
            }
            assert_eq!(t.state.metrics().webhooks_delivered.get(), 1);
            server.abort();
            t.stop().await;
        },
    )
    .await;
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let receiver = Receiver::new(307);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = receiver.serve(listener);
    on_each_backend_with(
        || options(addr, quick()),
        |t| {
            let receiver = receiver.clone();
            async move {
                raise(&t, 1).await;
                let list = events_until(&t, "refused twice", |l| {
                    revoked_in_use(l)
                        .first()
                        .is_some_and(|e| e["delivery"]["attempts"].as_u64() >= Some(2))
                })
                .await;
                let d = &revoked_in_use(&list)[0]["delivery"];
                assert_eq!(d["state"], "pending");
                assert_eq!(d["last_error"], "HTTP 307 (redirects are not followed)");
                assert_eq!(receiver.elsewhere.load(Ordering::SeqCst), 0);
                t.stop().await;
            }
        },
    )
    .await;
    server.abort();
}

#[tokio::test]
async fn a_delivery_gives_up_after_its_retry_period() {
    let receiver = Receiver::new(500);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = receiver.serve(listener);
    let short = RetryPolicy {
        first_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(100),
        retry_for: Duration::from_millis(400),
    };
    on_each_backend_with(
        || options(addr, short),
        |t| {
            let receiver = receiver.clone();
            async move {
                raise(&t, 1).await;
                let list = events_until(&t, "failed", |l| {
                    revoked_in_use(l)
                        .first()
                        .is_some_and(|e| e["delivery"]["state"] == "failed")
                })
                .await;
                let d = &revoked_in_use(&list)[0]["delivery"];
                assert!(d["attempts"].as_u64().unwrap() >= 2, "{d}");
                assert_eq!(d["last_error"], "HTTP 500");
                assert_eq!(d["next_attempt_at"], Value::Null);
                assert_eq!(t.state.metrics().webhooks_failed.get(), 1);
                let failed = t.call("GET", "/v1/events?delivery=failed", None).await;
                assert_eq!(failed.json.as_array().unwrap().len(), 1);
                let pending = t.call("GET", "/v1/events?delivery=pending", None).await;
                assert_eq!(pending.json, json!([]));
                let bad = t.call("GET", "/v1/events?delivery=lost", None).await;
                assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
                assert_eq!(bad.code(), "INVALID_QUERY");

                // The operator asks for it again while the receiver still
                // fails: pending at once, with a fresh count; asking twice is
                // refused while it waits.
                let event = revoked_in_use(&list)[0].clone();
                let id = event["id"].as_str().unwrap().to_owned();
                let path = format!("/v1/events/{id}/redeliver");
                let again = t.call("POST", &path, None).await;
                assert_eq!(again.status, StatusCode::ACCEPTED, "{}", again.json);
                assert_eq!(again.json["id"], id.as_str());
                assert_eq!(again.json["delivery"]["state"], "pending");
                assert_eq!(again.json["delivery"]["attempts"], 0);
                let twice = t.call("POST", &path, None).await;
                assert_eq!(twice.status, StatusCode::CONFLICT);
                assert_eq!(twice.code(), "DELIVERY_PENDING");
                events_until(&t, "failed again", |l| {
                    revoked_in_use(l)
                        .first()
                        .is_some_and(|e| e["delivery"]["state"] == "failed")
                })
                .await;
                // Once the receiver is fixed, a redelivery reaches it, with the
                // event's own id.
                receiver.status.store(204, Ordering::SeqCst);
                let before = receiver.bodies().len();
                let again = t.call("POST", &path, None).await;
                assert_eq!(again.status, StatusCode::ACCEPTED, "{}", again.json);
                let list = events_until(&t, "delivered", |l| {
                    revoked_in_use(l)
                        .first()
                        .is_some_and(|e| e["delivery"]["state"] == "delivered")
                })
                .await;
                assert_eq!(revoked_in_use(&list)[0]["delivery"]["attempts"], 1);
                let bodies = receiver.bodies();
                let (headers, body) = bodies.last().unwrap();
                assert!(bodies.len() > before);
                assert_eq!(headers["x-keywarden-event-id"], id.as_str());
                assert_eq!(
                    serde_json::from_str::<Value>(body).unwrap()["id"],
                    id.as_str()
                );
                receiver.status.store(500, Ordering::SeqCst);

                for unknown in ["evt_nosuchevent0000000000", "nonsense", "evt_", "evt_a%2Fb"] {
                    let r = t
                        .call("POST", &format!("/v1/events/{unknown}/redeliver"), None)
                        .await;
                    assert_eq!(r.status, StatusCode::NOT_FOUND, "{unknown}");
                    assert_eq!(r.code(), "NOT_FOUND");
                }
                let audit = t
                    .call("GET", "/v1/audit?action=event.redeliver&limit=10", None)
                    .await;
                let entries = audit.json["entries"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                assert_eq!(entries.len(), 2, "{}", audit.json);
                t.stop().await;
            }
        },
    )
    .await;
    server.abort();
}

/// Two nodes on one store, both delivering: every event arrives once.
#[tokio::test]
async fn two_nodes_deliver_each_event_once() {
    let receiver = Receiver::new(204);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = receiver.serve(listener);
    on_each_backend_with(
        || options(addr, quick()),
        |t| {
            let receiver = receiver.clone();
            async move {
                receiver.received.lock().unwrap().clear();
                let Options {
                    config,
                    master_key,
                    webhook,
                } = options(addr, quick());
                let (_other, other_bg) = keywarden_server::AppState::start_with_webhook(
                    t.store.clone(),
                    config,
                    Arc::new(t.clock.clone()),
                    master_key,
                    webhook,
                )
                .await;
                raise(&t, 20).await;
                events_until(&t, "all delivered", |l| {
                    let mine = revoked_in_use(l);
                    mine.len() == 20 && mine.iter().all(|e| e["delivery"]["state"] == "delivered")
                })
                .await;
                tokio::time::sleep(Duration::from_millis(300)).await;
                let mut ids: Vec<String> = receiver
                    .bodies()
                    .iter()
                    .map(|(h, _)| h["x-keywarden-event-id"].to_str().unwrap().to_owned())
                    .collect();
                assert_eq!(ids.len(), 20, "{}: {ids:?}", t.backend);
                ids.sort();
                ids.dedup();
                assert_eq!(ids.len(), 20, "{}: each event once", t.backend);
                other_bg.shutdown().await;
                t.stop().await;
            }
        },
    )
    .await;
    server.abort();
}

/// A node without a webhook has nowhere to deliver to: it says so.
#[tokio::test]
async fn redelivery_needs_a_webhook() {
    crate::on_each_backend(|t| async move {
        raise(&t, 1).await;
        let list = events_until(&t, "raised", |l| !revoked_in_use(l).is_empty()).await;
        let event = revoked_in_use(&list)[0];
        assert_eq!(event["delivery"]["state"], "none");
        let r = t
            .call(
                "POST",
                &format!("/v1/events/{}/redeliver", event["id"].as_str().unwrap()),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(r.code(), "NOT_CONFIGURED");
        t.stop().await;
    })
    .await;
}
