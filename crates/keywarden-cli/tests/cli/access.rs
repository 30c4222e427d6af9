//! The access log, request ids and per-route metrics, read from outside:
//! the server's stderr, its answers and `/metrics`.

use crate::server::{Db, Server};

#[test]
fn every_request_is_logged_once_with_its_route_and_key_id_never_its_key() {
    let db = Db::sqlite();
    // Loopback is a trusted proxy, so its X-Request-Id is kept; 127.0.0.2
    // is a client, whose id is replaced.
    let server = Server::start(&db, &[("KEYWARDEN_TRUSTED_PROXIES", "127.0.0.1/32")]);
    let root = server.root_key().unwrap();
    let created = server.cli_json(
        &root,
        &["key", "create", "--env", "live", "--scope", "orders:read"],
    );
    let key = created["key"].as_str().unwrap().to_owned();
    let id = created["id"].as_str().unwrap().to_owned();

    let proxy = reqwest::blocking::Client::new();
    let res = proxy
        .get(format!("{}/v1/forward-auth?scopes=orders:read", server.url))
        .header("authorization", format!("Bearer {key}"))
        .header("x-request-id", "edge-7f3a:42")
        .send()
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["x-request-id"],
        "edge-7f3a:42",
        "a trusted proxy's id is kept"
    );

    let client = reqwest::blocking::Client::builder()
        .local_address(Some("127.0.0.2".parse().unwrap()))
        .build()
        .unwrap();
    let res = client
        .get(format!("{}/v1/keys/{id}", server.url))
        .header("x-request-id", "forged id with spaces")
        .send()
        .unwrap();
    assert_eq!(res.status(), 401);
    let fresh = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    let (prefix, counter) = fresh.split_once('-').unwrap_or_else(|| panic!("{fresh}"));
    assert!(
        prefix.len() == 8
            && prefix.bytes().all(|b| b.is_ascii_alphanumeric())
            && u64::from_str_radix(counter, 16).is_ok(),
        "a client's id is replaced by a fresh one: {fresh}"
    );
    let res = client
        .get(format!("{}/v1/keys/{id}", server.url))
        .header("x-request-id", "client-chosen")
        .send()
        .unwrap();
    assert_ne!(res.headers()["x-request-id"], "client-chosen");

    let metrics = reqwest::blocking::get(format!("{}/metrics", server.url))
        .unwrap()
        .text()
        .unwrap();
    assert!(
        metrics.contains(
            r#"keywarden_http_requests_total{method="GET",route="/v1/forward-auth",status="200"} 1"#
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains(
            r#"keywarden_http_requests_total{method="GET",route="/v1/keys/{id}",status="401"} 2"#
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains("keywarden_build_info{version=\""),
        "{metrics}"
    );
    assert!(!metrics.contains(&id) && !metrics.contains(&key));

    let log = std::fs::read_to_string(&server.stderr).unwrap();
    let lines: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("keywarden::access"))
        .collect();
    let forward: Vec<&&str> = lines
        .iter()
        .filter(|l| l.contains("route=/v1/forward-auth"))
        .collect();
    assert_eq!(forward.len(), 1, "{lines:#?}");
    for needle in [
        "method=GET",
        "status=200",
        "client=127.0.0.1",
        "request_id=edge-7f3a:42",
        "latency_us=",
    ] {
        assert!(forward[0].contains(needle), "{needle}: {}", forward[0]);
    }
    assert!(
        forward[0].contains(&format!("key_id={id}")),
        "{}",
        forward[0]
    );
    let denied: Vec<&&str> = lines
        .iter()
        .filter(|l| l.contains("route=/v1/keys/{id}"))
        .collect();
    assert_eq!(denied.len(), 2, "{lines:#?}");
    assert!(
        denied[0].contains("client=127.0.0.2")
            && denied[0].contains(&format!("request_id={fresh}"))
    );
    assert!(!log.contains(&key), "the key reached the log");
}
