//! Connections against the real binary: half-sent requests and idle
//! connections are closed, the connection cap keeps the server reachable,
//! and shutdown is bounded while the usage log is flushed.

use std::{
    io::{Read, Write},
    net::TcpStream,
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
            ("KEYWARDEN_HEADER_READ_TIMEOUT", "1s"),
            ("KEYWARDEN_MAX_CONNECTIONS", "20"),
        ],
    );
    let addr = server.url.trim_start_matches("http://").to_owned();
    let started = Instant::now();
    let mut slow: Vec<TcpStream> = (0..60).map(|_| half_sent(&addr)).collect();
    // Three times the cap: served 20 at a time, each cut off after 1 s.
    for s in &mut slow {
        assert!(
            closed_within(s, Duration::from_secs(20)),
            "a half-sent request was kept open"
        );
    }
    let took = started.elapsed();
    eprintln!("60 half-sent connections closed in {took:?} (cap 20, header timeout 1s)");
    // An idle kept-alive connection is closed too.
    let mut idle = TcpStream::connect(&addr).unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    assert!(closed_within(&mut idle, Duration::from_secs(10)));
    // And the server still answers.
    let r = reqwest::blocking::get(format!("{}/healthz", server.url)).unwrap();
    assert!(r.status().is_success());
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
