//! Faults: a full disk under SQLite, an unreachable PostgreSQL, and the
//! failure budget under concurrency. Nothing acknowledged may be lost, and
//! an outage is an explicit 503/507, never a verdict about a key.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::http::StatusCode;
use keywarden_server::ServerConfig;
use keywarden_store::Store;
use serde_json::json;
use tokio::{net::TcpListener, task::JoinHandle};

use crate::{Options, TestApp, on_each_backend_with, peppers};

/// A small tmpfs mounted for one test, unmounted on drop.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// `None` (with a message) when this process cannot mount, e.g. not
    /// root; with `KEYWARDEN_REQUIRE_DISK=1` (CI, which runs as root) a
    /// failed mount fails the test instead: a skipped full-disk test must
    /// not pass as one that ran.
    fn mount(size: &str) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let out = std::process::Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir.path())
            .output();
        let why = match &out {
            Ok(out) if out.status.success() => return Some(Self { dir }),
            Ok(out) => format!(
                "{}: {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            Err(e) => format!("cannot run mount: {e}"),
        };
        assert!(
            std::env::var("KEYWARDEN_REQUIRE_DISK").as_deref() != Ok("1"),
            "KEYWARDEN_REQUIRE_DISK=1 but a tmpfs cannot be mounted ({why}): \
             the full-disk test cannot run"
        );
        eprintln!("SKIPPED: cannot mount a tmpfs here ({why}; not root?): the full-disk test");
        None
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// Fills the file system holding `dir` with one file; returns its path.
fn fill_disk(dir: &Path) -> PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).unwrap();
    let chunk = vec![0u8; 16 * 1024];
    while f.write_all(&chunk).is_ok() {}
    // Down to the last bytes.
    while f.write_all(&chunk[..512]).is_ok() {}
    let _ = f.sync_all();
    path
}

#[tokio::test]
async fn sqlite_on_a_full_disk_acknowledges_only_durable_writes_and_recovers() {
    let Some(fs) = Tmpfs::mount("3m") else {
        return;
    };
    let data = fs.path().join("data");
    let store = Store::open_in_dir(&data, peppers()).await.unwrap();
    let t = TestApp::start(store.clone(), "sqlite", Options::default()).await;
    let mut victims = Vec::new();
    for i in 0..30 {
        victims.push(
            t.create(json!({ "environment": "live", "name": format!("victim {i}") }))
                .await,
        );
    }
    let filler = fill_disk(fs.path());

    let pad = "p".repeat(12_000);
    let mut created: Vec<(String, String)> = Vec::new();
    let mut revoked: Vec<String> = Vec::new();
    let mut refused_revokes: Vec<String> = Vec::new();
    let mut refusals = 0;
    let mut not_ready = 0;
    let check_refusal = |r: &crate::Resp| {
        assert!(
            matches!(
                (r.status, r.code()),
                (StatusCode::INSUFFICIENT_STORAGE, "STORAGE_FULL")
                    | (StatusCode::SERVICE_UNAVAILABLE, "STORE_UNAVAILABLE")
            ),
            "a failed write must be 507/503 with a code, got {} {}",
            r.status,
            r.json
        );
    };
    for (i, (victim, _)) in victims.iter().enumerate() {
        let r = t
            .call(
                "POST",
                "/v1/keys",
                Some(json!({ "environment": "live", "name": format!("full {i}"), "metadata": { "pad": pad } })),
            )
            .await;
        if r.status == StatusCode::CREATED {
            created.push((
                r.json["id"].as_str().unwrap().to_owned(),
                r.json["key"].as_str().unwrap().to_owned(),
            ));
        } else {
            check_refusal(&r);
            refusals += 1;
        }
        let r = t
            .call("POST", &format!("/v1/keys/{victim}/revoke"), None)
            .await;
        if r.status == StatusCode::OK {
            revoked.push(victim.clone());
        } else {
            check_refusal(&r);
            refusals += 1;
            refused_revokes.push(victim.clone());
        }
        if refusals > 0 {
            let ready = t.send("GET", "/readyz", None, None, &[], None).await;
            if ready.status == StatusCode::SERVICE_UNAVAILABLE {
                not_ready += 1;
            }
        }
    }
    assert!(
        refusals > 0,
        "the disk never filled: the test proves nothing"
    );
    assert!(
        not_ready > 0,
        "/readyz must say not ready while writes fail"
    );

    // Space comes back: the node recovers by itself, no restart.
    std::fs::remove_file(&filler).unwrap();
    let ready = t.send("GET", "/readyz", None, None, &[], None).await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.json);
    created.push(
        t.create(json!({ "environment": "live", "name": "after" }))
            .await,
    );
    let (last_victim, _) = refused_revokes
        .first()
        .map(|v| (v.clone(), ()))
        .unwrap_or_else(|| (victims[0].0.clone(), ()));
    if !revoked.contains(&last_victim) {
        let r = t
            .call("POST", &format!("/v1/keys/{last_victim}/revoke"), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        revoked.push(last_victim.clone());
        refused_revokes.retain(|v| v != &last_victim);
    }
    t.stop().await;
    store.close().await;

    // After a restart, everything acknowledged is there, and nothing refused.
    let store = Store::open_in_dir(&data, peppers()).await.unwrap();
    for (id, _) in &created {
        let rec = store.get_key(&id.parse().unwrap()).await.unwrap();
        assert!(rec.is_some(), "acknowledged create of {id} was lost");
    }
    for id in &revoked {
        let rec = store.get_key(&id.parse().unwrap()).await.unwrap().unwrap();
        assert!(rec.is_revoked(), "acknowledged revoke of {id} was lost");
    }
    for id in &refused_revokes {
        let rec = store.get_key(&id.parse().unwrap()).await.unwrap().unwrap();
        assert!(!rec.is_revoked(), "a refused revoke of {id} took effect");
    }
    let report = store.verify_audit_chain().await.unwrap();
    assert!(report.ok(), "{report:?}");
    eprintln!(
        "full disk: {} creates and {} revokes acknowledged, {refusals} refused, 0 lost",
        created.len(),
        revoked.len()
    );
    store.close().await;
}

/// A TCP proxy between keywarden and PostgreSQL that a test can cut (every
/// connection closed, new ones refused) and restore.
struct Proxy {
    addr: SocketAddr,
    target: SocketAddr,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = Self {
            addr: listener.local_addr().unwrap(),
            target,
            tasks: Arc::default(),
        };
        proxy.serve(listener);
        proxy
    }

    fn serve(&self, listener: TcpListener) {
        let tasks = self.tasks.clone();
        let target = self.target;
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let conn = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                tasks.lock().unwrap().push(conn);
            }
        });
        self.tasks.lock().unwrap().push(accept);
    }

    fn cut(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    async fn restore(&self) {
        // The aborted accept task drops its listener when it is next polled.
        for _ in 0..100 {
            if let Ok(listener) = TcpListener::bind(self.addr).await {
                self.serve(listener);
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the proxy's address stayed in use");
    }
}

/// A server on PostgreSQL reached through a [`Proxy`] the test can cut
/// (store timeout 1 s); `None` without PostgreSQL.
async fn behind_a_proxy(config: ServerConfig) -> Option<(TestApp, Proxy)> {
    let url = keywarden_store::testing::postgres_schema_url().await?;
    // Route the store through the proxy: replace the URL's host:port.
    let at = url.find('@').unwrap() + 1;
    let end = at + url[at..].find('/').unwrap();
    let target: SocketAddr = url[at..end]
        .replace("localhost", "127.0.0.1")
        .parse()
        .unwrap();
    let proxy = Proxy::start(target).await;
    let via = format!("{}{}{}", &url[..at], proxy.addr, &url[end..]);
    let options = keywarden_store::StoreOptions {
        timeout: Duration::from_millis(1_000),
    };
    let store = Store::open_with(&via, peppers(), options).await.unwrap();
    let t = TestApp::start(
        store,
        "postgres",
        Options {
            config,
            ..Options::default()
        },
    )
    .await;
    Some((t, proxy))
}

#[tokio::test]
async fn postgres_outage_is_a_fast_503_never_an_invalid_key() {
    let Some((t, proxy)) = behind_a_proxy(ServerConfig {
        failure_limit_per_minute: 3,
        ..ServerConfig::default()
    })
    .await
    else {
        return;
    };
    let (_, cached) = t
        .create(json!({ "environment": "live", "name": "cached" }))
        .await;
    let (_, cold) = t
        .create(json!({ "environment": "live", "name": "cold" }))
        .await;
    let fa = |key: String| {
        let t = &t;
        async move {
            t.send(
                "GET",
                "/v1/forward-auth",
                None,
                None,
                &[("x-api-key", key.as_str())],
                Some("198.51.100.20"),
            )
            .await
        }
    };
    assert_eq!(fa(cached.clone()).await.status, StatusCode::OK);
    // Authenticate the verify caller now: its authentication is reused.
    t.verify(json!({ "key": cached })).await;

    proxy.cut();
    for _ in 0..6 {
        let started = Instant::now();
        let r = fa(cold.clone()).await;
        let took = started.elapsed();
        assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.json);
        assert_eq!(r.code(), "STORE_UNAVAILABLE");
        assert!(r.headers.contains_key("retry-after"));
        assert!(
            took < Duration::from_secs(5),
            "an outage must be answered within the store timeout, took {took:?}"
        );
    }
    let r = t
        .call("POST", "/v1/verify", Some(json!({ "key": cold })))
        .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.json);
    assert_eq!(r.code(), "STORE_UNAVAILABLE");
    // A cached key keeps working.
    assert_eq!(fa(cached.clone()).await.status, StatusCode::OK);
    // Management calls: 503, not 401 or 500.
    let r = t.call("GET", "/v1/keys", None).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.json);
    assert_eq!(r.code(), "STORE_UNAVAILABLE");
    let ready = t.send("GET", "/readyz", None, None, &[], None).await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    // A leak report cannot be taken: 503, never a 202 that revokes nothing.
    let report = json!([{ "key": cached, "source": "outage" }]);
    let r = t
        .send(
            "POST",
            "/v1/leaks",
            None,
            Some(report.clone()),
            &[],
            Some("198.51.100.21"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.json);
    assert_eq!(r.code(), "STORE_UNAVAILABLE");

    // Back again: the outage cost the client nothing from its failure
    // budget (3 a minute; it saw 6 outage answers).
    proxy.restore().await;
    let mut answered = None;
    for _ in 0..50 {
        let r = fa(cold.clone()).await;
        if r.status != StatusCode::SERVICE_UNAVAILABLE {
            answered = Some(r.status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(answered, Some(StatusCode::OK), "valid after the outage");
    let ready = t.send("GET", "/readyz", None, None, &[], None).await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.json);
    // The refused report changed nothing; sent again, it revokes.
    assert_eq!(t.verify(json!({ "key": cached })).await["code"], "VALID");
    let r = t
        .send(
            "POST",
            "/v1/leaks",
            None,
            Some(report),
            &[],
            Some("198.51.100.21"),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.json);
    assert_eq!(t.verify(json!({ "key": cached })).await["code"], "REVOKED");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_failure_budget_holds_under_concurrency() {
    const BUDGET: u32 = 100;
    on_each_backend_with(
        || Options {
            config: ServerConfig {
                failure_limit_per_minute: BUDGET,
                ..ServerConfig::default()
            },
            ..Options::default()
        },
        |t| async move {
            let t = Arc::new(t);
            let before = t.state.metrics().cache_misses.get();
            let mut handles = Vec::new();
            for _ in 0..2_000 {
                let t = t.clone();
                handles.push(tokio::spawn(async move {
                    let guess = keywarden_core::key::mint(
                        &keywarden_core::key::Prefix::default(),
                        &"live".parse().unwrap(),
                    );
                    t.send(
                        "GET",
                        "/v1/forward-auth",
                        None,
                        None,
                        &[("x-api-key", guess.expose())],
                        Some("203.0.113.77"),
                    )
                    .await
                    .status
                }));
            }
            let mut not_found = 0;
            let mut throttled = 0;
            for h in handles {
                match h.await.unwrap() {
                    StatusCode::FORBIDDEN => not_found += 1,
                    StatusCode::TOO_MANY_REQUESTS => throttled += 1,
                    other => panic!("unexpected {other}"),
                }
            }
            let lookups = t.state.metrics().cache_misses.get() - before;
            eprintln!(
                "{}: {lookups} store lookups for a budget of {BUDGET} ({not_found} not found, {throttled} throttled)",
                t.backend
            );
            assert!(
                lookups <= u64::from(BUDGET) + 4,
                "{}: {lookups} store lookups for a budget of {BUDGET}",
                t.backend
            );
            assert_eq!(not_found + throttled, 2_000);
            Arc::into_inner(t).unwrap().stop().await;
        },
    )
    .await;
}

#[tokio::test]
async fn audit_checkpoints_are_signed_events() {
    crate::on_each_backend(|t| async move {
        t.create(json!({ "environment": "live" })).await;
        let cp = t.state.audit_checkpoint().await.unwrap();
        let r = t
            .call("GET", "/v1/events?kind=audit.checkpoint", None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        let events = r.json["items"].as_array().or(r.json.as_array()).unwrap();
        assert_eq!(events.len(), 1, "{}", r.json);
        let details = &events[0]["details"];
        assert_eq!(details["seq"], json!(cp.seq));
        assert_eq!(details["hash"], json!(cp.hash));
        assert_eq!(details["signature"].as_str().unwrap().len(), 64);
        t.stop().await;
    })
    .await;
}

#[tokio::test]
async fn anonymous_traffic_costs_rows_per_minute_not_per_request() {
    crate::on_each_backend(|t| async move {
        for i in 0..1_000 {
            let (header, value) = match i % 3 {
                0 => ("x-api-key", "kw_live_not_a_key".to_owned()),
                1 => ("x-nothing", String::new()),
                _ => (
                    "x-api-key",
                    keywarden_core::key::mint(
                        &keywarden_core::key::Prefix::default(),
                        &"live".parse().unwrap(),
                    )
                    .expose()
                    .to_owned(),
                ),
            };
            let ua = format!("fresh-agent/{i}");
            let r = t
                .send(
                    "GET",
                    "/v1/forward-auth",
                    None,
                    None,
                    &[(header, value.as_str()), ("user-agent", ua.as_str())],
                    Some("198.51.100.30"),
                )
                .await;
            assert!(r.status.is_client_error(), "{}", r.status);
        }
        let store = t.store.clone();
        t.stop().await;
        let rows = store.usage_rows().await.unwrap();
        eprintln!(
            "{}: 1,000 anonymous requests -> {rows} usage rows",
            t_backend(&store)
        );
        // One row per outcome (MISSING, MALFORMED, NOT_FOUND, RATE_LIMITED)
        // for the address and minute.
        assert!(rows <= 4, "{rows} rows for 1,000 anonymous requests");
        assert!(rows >= 3, "the failures were not written at all");
    })
    .await;
}

fn t_backend(store: &Store) -> &'static str {
    match store.kind() {
        keywarden_store::BackendKind::Sqlite => "sqlite",
        keywarden_store::BackendKind::Postgres => "postgres",
    }
}

/// While PostgreSQL is away, a cluster-limited key is answered from the
/// node's own count at full speed: after the first failed ask no request
/// waits for the store (the old back-off ran out before the failed ask
/// returned, so every new window waited the whole store timeout), and the
/// fallback still limits. Once PostgreSQL is back, the shared count is used
/// again.
#[tokio::test]
async fn cluster_limits_answer_at_full_speed_while_postgres_is_away() {
    // The test's clock runs 40 s: the record stays cached meanwhile.
    let Some((t, proxy)) = behind_a_proxy(ServerConfig {
        cache_ttl: keywarden_server::config::DurationSpec::from_ms(3_600_000),
        rate_limit_mode: Some(keywarden_server::limits::RateLimitMode::Cluster),
        ..ServerConfig::default()
    })
    .await
    else {
        return;
    };
    let (id, key) = t
        .create(json!({"environment": "live", "rate_limit": {"limit": 5, "window_seconds": 1}}))
        .await;
    // Cached, with a lease.
    assert_eq!(forward_auth(&t, &key).await, StatusCode::OK);
    proxy.cut();
    let started = Instant::now();
    let mut admitted = 0;
    let mut refused = 0;
    for _ in 0..40 {
        // A new window for every round: each needs a new lease.
        t.clock.advance_ms(1_000);
        for _ in 0..7 {
            match forward_auth(&t, &key).await {
                StatusCode::OK => admitted += 1,
                StatusCode::TOO_MANY_REQUESTS => refused += 1,
                other => panic!("unexpected {other} while PostgreSQL is away"),
            }
        }
    }
    let took = started.elapsed();
    eprintln!(
        "280 verifications in 40 windows with PostgreSQL away: {took:?}, {admitted} admitted, {refused} refused"
    );
    assert!(
        took < Duration::from_secs(8),
        "requests waited for a store that is down: {took:?} (store timeout 1 s, 40 windows)"
    );
    assert_eq!(admitted, 200, "the node's own limit holds: 5 a second");
    proxy.restore().await;
    // Back: the shared count is used again (the probe in the background
    // finds the store within about a second).
    let mut shared = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        t.clock.advance_ms(1_000);
        assert_eq!(forward_auth(&t, &key).await, StatusCode::OK);
        let now = t.state.now();
        let window = now - now.rem_euclid(1_000);
        if t.store
            .lease_rate(&id, window, 1_000, 0, 5)
            .await
            .is_ok_and(|l| l.used > 0)
        {
            shared = true;
            break;
        }
    }
    assert!(
        shared,
        "the shared count was not used again after the outage"
    );
    t.stop().await;
}

async fn forward_auth(t: &TestApp, key: &str) -> StatusCode {
    t.send(
        "GET",
        "/v1/forward-auth",
        None,
        None,
        &[("x-api-key", key)],
        Some("198.51.100.30"),
    )
    .await
    .status
}
