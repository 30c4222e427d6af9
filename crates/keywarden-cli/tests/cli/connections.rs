//! Connections against the real binary: half-sent requests, idle
//! connections and clients that do not read are closed, the connection cap
//! and its overflow lane keep health checks answered, the per-address and
//! per-connection limits hold, stalled bodies do not grow the process, and
//! shutdown is bounded while the usage log is flushed.

use std::{
    io::{Read, Write},
    net::{SocketAddr, TcpStream},
    time::{Duration, Instant},
};

use crate::server::{Db, Server};

fn half_sent(addr: &str) -> TcpStream {
    let mut s = TcpStream::connect(addr).unwrap();
    // Headers that never end.
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    s
}

/// Whether the server closed `s` within `within`.
fn closed_within(s: &mut TcpStream, within: Duration) -> bool {
    s.set_read_timeout(Some(within)).unwrap();
    let mut buf = [0u8; 512];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            // A 408 from the server before it closes is fine too.
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

#[test]
fn half_sent_requests_are_cut_off_and_the_cap_keeps_the_server_reachable() {
    let db = Db::sqlite();
    let server = Server::start(
        &db,
        &[
            ("KEYWARDEN_HEADER_READ_TIMEOUT", "3s"),
            ("KEYWARDEN_MAX_CONNECTIONS", "20"),
        ],
    );
    let addr = server.url.trim_start_matches("http://").to_owned();
    let started = Instant::now();
    let mut slow: Vec<TcpStream> = (0..60).map(|_| half_sent(&addr)).collect();
    // While they hold the cap (20 of them, for the 3 s header timeout; the
    // others in the overflow lane or pushed out of it), /healthz answers.
    std::thread::sleep(Duration::from_millis(300));
    let answered = get(LOOPBACK, &addr, "/healthz", Duration::from_secs(2));
    let probed = started.elapsed();
    assert!(
        answered
            .as_deref()
            .is_some_and(|a| a.starts_with("HTTP/1.1 200")),
        "/healthz did not answer while slow connections held the cap: {answered:?}"
    );
    assert!(
        probed < Duration::from_secs(3),
        "the probe came after the slow connections' header timeout ({probed:?})"
    );
    // Three times the cap: all accepted at once, cut off within the header
    // timeout.
    for s in &mut slow {
        assert!(
            closed_within(s, Duration::from_secs(20)),
            "a half-sent request was kept open"
        );
    }
    let took = started.elapsed();
    eprintln!(
        "60 half-sent connections closed in {took:?} (cap 20, header timeout 3s); /healthz answered at {probed:?}"
    );
    // An idle kept-alive connection is closed too.
    let mut idle = TcpStream::connect(&addr).unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    assert!(closed_within(&mut idle, Duration::from_secs(10)));
    // And the server still answers.
    let r = reqwest::blocking::get(format!("{}/healthz", server.url)).unwrap();
    assert!(r.status().is_success());
}

/// 127.0.0.1: the probes' address in these tests.
const LOOPBACK: [u8; 4] = [127, 0, 0, 1];

/// A connection to `addr` from the loopback address `from` (Linux routes
/// all of 127/8 to the loopback interface), with a small receive buffer
/// when `rcvbuf` is given, so a client that does not read fills it fast.
fn connect_from(from: [u8; 4], addr: &str, rcvbuf: Option<usize>) -> std::io::Result<TcpStream> {
    use socket2::{Domain, Socket, Type};
    let target: SocketAddr = addr.parse().unwrap();
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    if let Some(size) = rcvbuf {
        socket.set_recv_buffer_size(size)?;
    }
    socket.bind(&SocketAddr::from((from, 0)).into())?;
    socket.connect_timeout(&target.into(), Duration::from_secs(2))?;
    Ok(socket.into())
}

/// `GET path` from `from` on a connection of its own, answered (the whole
/// answer, the server closing after it) within `within`; `None` when it
/// was not.
fn get(from: [u8; 4], addr: &str, path: &str, within: Duration) -> Option<String> {
    let deadline = Instant::now() + within;
    let mut s = connect_from(from, addr, None).ok()?;
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes())
        .ok()?;
    let mut answer = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        s.set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .ok()?;
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(_) => return None,
        }
    }
    (!answer.is_empty()).then(|| String::from_utf8_lossy(&answer).into_owned())
}

/// A metric's value in a `/metrics` text (`name{labels}` as written).
fn metric(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

/// 20 clients pipeline requests for the largest answer and never read: the
/// node's 20 places are theirs, yet /healthz answers at once, and each of
/// them is cut off once the response write timeout passes.
#[test]
fn slow_readers_are_cut_off_and_do_not_keep_health_checks_waiting() {
    const READERS: usize = 20;
    const PIPELINED: usize = 300;
    let db = Db::sqlite();
    let server = Server::start(
        &db,
        &[
            ("KEYWARDEN_MAX_CONNECTIONS", "20"),
            ("KEYWARDEN_RESPONSE_WRITE_TIMEOUT", "2s"),
        ],
    );
    let addr = server.url.trim_start_matches("http://").to_owned();
    let document = get(LOOPBACK, &addr, "/openapi.json", Duration::from_secs(5))
        .unwrap()
        .len();
    // That connection's place is free again before the readers come.
    std::thread::sleep(Duration::from_millis(200));
    let requests = "GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n".repeat(PIPELINED);
    let mut readers: Vec<TcpStream> = (0..READERS)
        .map(|_| {
            let mut s = connect_from([127, 0, 0, 2], &addr, Some(16 * 1024)).unwrap();
            s.write_all(requests.as_bytes()).unwrap();
            s
        })
        .collect();
    let started = Instant::now();
    std::thread::sleep(Duration::from_millis(500));

    // They hold every place: /healthz is answered anyway (the overflow
    // lane), and anything else there is 503 OVERLOADED.
    let health = get(LOOPBACK, &addr, "/healthz", Duration::from_secs(2));
    assert!(
        health
            .as_deref()
            .is_some_and(|a| a.starts_with("HTTP/1.1 200")),
        "/healthz while slow readers hold the cap: {health:?}"
    );
    let metrics = get(LOOPBACK, &addr, "/metrics", Duration::from_secs(2)).unwrap_or_default();
    let overloaded = metrics.to_ascii_lowercase();
    assert!(overloaded.starts_with("http/1.1 503"), "{metrics}");
    assert!(overloaded.contains("\"overloaded\""), "{metrics}");
    assert!(overloaded.contains("retry-after: "), "{metrics}");
    assert!(overloaded.contains("connection: close"), "{metrics}");
    let probed = started.elapsed();
    assert!(
        probed < Duration::from_secs(2),
        "the probes came after the write timeout: {probed:?}"
    );

    // Cut off after the write timeout (not before: the probes above found
    // every place taken), while they still read nothing.
    let deadline = started + Duration::from_secs(15);
    let (open, cut) = loop {
        let text = get(LOOPBACK, &addr, "/metrics", Duration::from_secs(2)).unwrap_or_default();
        let open = metric(&text, "keywarden_connections_open{lane=\"main\"}");
        let cut = metric(&text, "keywarden_load_shed_total{reason=\"write_timeout\"}");
        if open.is_some_and(|n| n <= 1.0) || Instant::now() > deadline {
            break (open, cut);
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let took = started.elapsed();
    assert_eq!(
        open,
        Some(1.0),
        "the slow readers are still connected after {took:?}"
    );
    assert_eq!(cut, Some(READERS as f64));
    assert!(
        took >= Duration::from_secs(2),
        "cut off before the timeout: {took:?}"
    );
    eprintln!(
        "{READERS} slow readers cut off {took:?} after they stopped reading (write timeout 2s)"
    );

    // From the readers' side: the connection ended long before all the
    // answers they asked for were sent.
    for s in &mut readers {
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut received = 0;
        let mut buf = [0u8; 64 * 1024];
        loop {
            match s.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => received += n,
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
                Err(e) => panic!("the connection was not closed: {e}"),
            }
        }
        assert!(received < PIPELINED * document, "{received} bytes");
    }
}

/// Clients that reconnect the moment they are dropped, twice the cap of
/// them, do not keep health checks out: each probe is answered.
#[test]
fn reconnecting_slow_clients_leave_health_checks_answered() {
    use std::sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    };
    const CLIENTS: usize = 400;
    const PROBES: usize = 20;
    let db = Db::sqlite();
    let server = Server::start(&db, &[("KEYWARDEN_MAX_CONNECTIONS", "200")]);
    let addr = server.url.trim_start_matches("http://").to_owned();
    let stop = Arc::new(AtomicBool::new(false));
    let connects = Arc::new(AtomicUsize::new(0));
    // Four addresses, 100 clients each: under the per-address limit (256),
    // so this is the cap and its overflow lane at work.
    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let from = [127, 0, 0, 10 + u8::try_from(i % 4).unwrap()];
            let (addr, stop, connects) = (addr.clone(), stop.clone(), connects.clone());
            std::thread::Builder::new()
                .stack_size(64 * 1024)
                .spawn(move || {
                    let mut buf = [0u8; 512];
                    while !stop.load(Ordering::Relaxed) {
                        let Ok(mut s) = connect_from(from, &addr, None) else {
                            std::thread::sleep(Duration::from_millis(10));
                            continue;
                        };
                        connects.fetch_add(1, Ordering::Relaxed);
                        let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");
                        let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
                        // Hold on until dropped, then come straight back.
                        while !stop.load(Ordering::Relaxed) {
                            match s.read(&mut buf) {
                                Ok(0) => break,
                                Ok(_) => {}
                                Err(e)
                                    if matches!(
                                        e.kind(),
                                        std::io::ErrorKind::WouldBlock
                                            | std::io::ErrorKind::TimedOut
                                    ) => {}
                                Err(_) => break,
                            }
                        }
                    }
                })
                .unwrap()
        })
        .collect();
    std::thread::sleep(Duration::from_secs(2));
    let started = Instant::now();
    let mut answered = 0;
    for _ in 0..PROBES {
        let probe = Instant::now();
        if get(LOOPBACK, &addr, "/healthz", Duration::from_secs(2))
            .is_some_and(|a| a.starts_with("HTTP/1.1 200"))
        {
            answered += 1;
        }
        std::thread::sleep(Duration::from_secs(1).saturating_sub(probe.elapsed()));
    }
    let took = started.elapsed();
    let connected = connects.load(Ordering::Relaxed);
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    eprintln!(
        "{CLIENTS} reconnecting slow clients (cap 200): /healthz answered {answered} of {PROBES} probes in {took:?}; the clients connected {connected} times"
    );
    assert!(
        answered >= PROBES - 1,
        "{answered} of {PROBES} probes answered"
    );
}

/// The per-address limit: the next connection from a full address is
/// closed at once, other addresses connect, trusted proxies are exempt.
#[test]
fn the_per_address_limit_closes_the_next_connection_from_that_address() {
    let db = Db::sqlite();
    let server = Server::start(
        &db,
        &[
            ("KEYWARDEN_MAX_CONNECTIONS_PER_ADDRESS", "4"),
            ("KEYWARDEN_TRUSTED_PROXIES", "127.0.0.4/32"),
        ],
    );
    let addr = server.url.trim_start_matches("http://").to_owned();
    let request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    // An answered request, the connection kept alive.
    let kept = |from: [u8; 4]| -> Option<TcpStream> {
        let mut s = connect_from(from, &addr, None).ok()?;
        s.write_all(request).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(3))).ok()?;
        let mut buf = [0u8; 1024];
        match s.read(&mut buf) {
            Ok(n) if buf[..n].starts_with(b"HTTP/1.1 200") => Some(s),
            _ => None,
        }
    };
    let mut four: Vec<TcpStream> = (0..4)
        .map(|i| kept([127, 0, 0, 2]).unwrap_or_else(|| panic!("connection {i} refused")))
        .collect();
    assert!(
        kept([127, 0, 0, 2]).is_none(),
        "the fifth from one address was served"
    );
    assert!(
        kept([127, 0, 0, 3]).is_some(),
        "another address was refused"
    );
    let proxied: Vec<_> = (0..8).map(|_| kept([127, 0, 0, 4])).collect();
    assert!(
        proxied.iter().all(Option::is_some),
        "a trusted proxy was limited"
    );
    // A closed connection gives its place back.
    drop(four.pop());
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        kept([127, 0, 0, 2]).is_some(),
        "the place did not come back"
    );
    let metrics = get(LOOPBACK, &addr, "/metrics", Duration::from_secs(2)).unwrap_or_default();
    assert_eq!(
        metric(
            &metrics,
            "keywarden_load_shed_total{reason=\"per_address\"}"
        ),
        Some(1.0),
        "{metrics}"
    );
}

/// Kept-alive and pipelined requests are bounded per connection: the last
/// answer says `Connection: close`, and the connection ends.
#[test]
fn a_connection_answers_at_most_max_requests_per_connection() {
    let db = Db::sqlite();
    let server = Server::start(&db, &[("KEYWARDEN_MAX_REQUESTS_PER_CONNECTION", "3")]);
    let addr = server.url.trim_start_matches("http://").to_owned();
    let mut s = TcpStream::connect(&addr).unwrap();
    s.write_all(
        "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
            .repeat(5)
            .as_bytes(),
    )
    .unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut answers = String::new();
    let closed = s.read_to_string(&mut answers).is_ok();
    assert!(closed, "the connection stayed open: {answers}");
    assert_eq!(answers.matches("HTTP/1.1 200").count(), 3, "{answers}");
    let last = answers
        .rsplit("HTTP/1.1 200")
        .next()
        .unwrap()
        .to_ascii_lowercase();
    assert!(last.contains("connection: close"), "{answers}");
    // Without TLS, no Strict-Transport-Security.
    assert!(
        !answers
            .to_ascii_lowercase()
            .contains("strict-transport-security")
    );
}

/// The resident memory of a process, in KiB (Linux: /proc/<pid>/status).
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Opens `STALLED` GitHub reports that announce 1 MiB and stall after
/// 1,000,000 bytes; returns how much the server's resident memory grew
/// (KiB, the highest of a few samples while they stall) and the stalled
/// connections (they stall as long as they are kept).
fn stall_github_reports(server: &Server, headers: &str) -> (u64, Vec<TcpStream>) {
    const STALLED: usize = 100;
    let addr = server.url.trim_start_matches("http://").to_owned();
    let pid = server.child.id();
    for _ in 0..20 {
        let _ = get(LOOPBACK, &addr, "/healthz", Duration::from_secs(2));
    }
    std::thread::sleep(Duration::from_millis(300));
    let before = rss_kib(pid);
    let head = format!(
        "POST /v1/leaks/github HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{headers}Content-Length: 1048576\r\n\r\n"
    );
    let writers: Vec<_> = (0..STALLED)
        .map(|_| {
            let (addr, head) = (addr.clone(), head.clone());
            std::thread::spawn(move || {
                let mut s = connect_from(LOOPBACK, &addr, None).unwrap();
                s.set_write_timeout(Some(Duration::from_secs(3))).unwrap();
                let _ = s.write_all(head.as_bytes());
                // A refused report may be closed before all of it is sent.
                let _ = s.write_all(&vec![b' '; 1_000_000]);
                s
            })
        })
        .collect();
    let stalled: Vec<TcpStream> = writers.into_iter().map(|w| w.join().unwrap()).collect();
    let mut peak = 0;
    for _ in 0..10 {
        std::thread::sleep(Duration::from_millis(200));
        peak = peak.max(rss_kib(pid));
    }
    (peak.saturating_sub(before), stalled)
}

/// 100 reports that stall before their body ends do not grow the server:
/// the unconfigured route reads no body at all, and the configured one
/// (signature headers present) takes bodies only from the shared budget.
#[test]
fn stalled_bodies_do_not_grow_the_server() {
    const LIMIT_KIB: u64 = 64 * 1024;
    let db = Db::sqlite();
    let server = Server::start(&db, &[]);
    let (unconfigured, stalled) = stall_github_reports(&server, "");
    drop(stalled);
    drop(server);

    let db = Db::sqlite();
    let keys = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/contract/github-partner-keys.json");
    let server = Server::start(
        &db,
        &[("KEYWARDEN_GITHUB_PARTNER_KEYS", keys.to_str().unwrap())],
    );
    let (configured, stalled) = stall_github_reports(
        &server,
        "Github-Public-Key-Identifier: contract-test-key\r\n\
         Github-Public-Key-Signature: MEUCIQDtZ3i8ymNmtxA4vH0vF/z7m1p8l4tRj+vDv6u2mF5KnQIgV1o4b6cX5Z0m9c2g5S3W9aQ0yT2m6G8aY1dE0qT3xVQ=\r\n",
    );
    let addr = server.url.trim_start_matches("http://").to_owned();
    let metrics = get(LOOPBACK, &addr, "/metrics", Duration::from_secs(2)).unwrap_or_default();
    drop(stalled);
    eprintln!(
        "100 stalled 1 MiB GitHub reports: RSS grew {} MiB (route not configured), {} MiB (configured, signature headers sent)",
        unconfigured / 1024,
        configured / 1024
    );
    assert!(
        unconfigured < LIMIT_KIB,
        "grew {unconfigured} KiB (not configured)"
    );
    assert!(configured < LIMIT_KIB, "grew {configured} KiB (configured)");
    let refused = metric(
        &metrics,
        "keywarden_load_shed_total{reason=\"body_budget\"}",
    );
    assert!(refused.is_some_and(|n| n >= 1.0), "{metrics}");
    let held = metric(&metrics, "keywarden_request_body_bytes");
    assert!(
        held.is_some_and(|b| b <= 16.0 * 1024.0 * 1024.0),
        "{metrics}"
    );
}

#[test]
fn shutdown_is_bounded_and_flushes_the_usage_log() {
    let db = Db::sqlite();
    let server = Server::start(
        &db,
        &[
            ("KEYWARDEN_HEADER_READ_TIMEOUT", "60s"),
            ("KEYWARDEN_SHUTDOWN_TIMEOUT", "2s"),
        ],
    );
    let root = server.root_key().unwrap();
    let key = server.cli_json(&root, &["key", "create", "--env", "live"]);
    let key = key["key"].as_str().unwrap().to_owned();
    assert_eq!(server.verify(&root, &key), "VALID");
    let addr = server.url.trim_start_matches("http://").to_owned();
    // Connections that would hold shutdown forever without a bound.
    let _slow: Vec<TcpStream> = (0..5).map(|_| half_sent(&addr)).collect();
    let started = Instant::now();
    let (status, log) = server.terminate(Duration::from_secs(15));
    let took = started.elapsed();
    let status = status.expect("the server did not stop within 15 s of SIGTERM");
    assert!(status.success(), "{status:?}\n{log}");
    eprintln!("SIGTERM with 5 half-sent connections: stopped in {took:?}");
    assert!(log.contains("flushing the usage log"), "{log}");
    // The verification reached the store before the process ended.
    let store = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let peppers = keywarden_server::setup::Secrets::load(&keywarden_server::ServerConfig {
            data_dir: db.data_dir(),
            ..Default::default()
        })
        .unwrap()
        .peppers;
        let store = keywarden_store::Store::open_in_dir(&db.data_dir(), peppers)
            .await
            .unwrap();
        let rows = store.usage_rows().await.unwrap();
        store.close().await;
        rows
    });
    assert!(store >= 1, "the usage log was not flushed at shutdown");
}
