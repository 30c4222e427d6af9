//! Key spaces, roles and permission queries against the real server, driven
//! by the real CLI: the scenario on both backends, a role changed
//! on one PostgreSQL node enforced on another within a second, and stores
//! made by an earlier release opened by this one (their keys move into the
//! space `default` and keep verifying).

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::server::{Db, Server, admin};

/// `GET /v1/forward-auth` with `key` and a query; the status.
fn forward_auth(server: &Server, key: &str, query: &str) -> (u16, Value) {
    let r = reqwest::blocking::Client::new()
        .get(format!("{}/v1/forward-auth{query}", server.url))
        .header("x-api-key", key)
        .send()
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().unwrap_or(Value::Null))
}

/// `POST /v1/verify` as `token`; the answer.
fn verify(server: &Server, token: &str, body: &Value) -> (u16, Value) {
    let r = reqwest::blocking::Client::new()
        .post(format!("{}/v1/verify", server.url))
        .bearer_auth(token)
        .json(body)
        .send()
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().unwrap())
}

/// `GET path` as `token`; the status.
fn status_of(server: &Server, token: &str, method: reqwest::Method, path: &str) -> u16 {
    reqwest::blocking::Client::new()
        .request(method, format!("{}{path}", server.url))
        .bearer_auth(token)
        .send()
        .unwrap()
        .status()
        .as_u16()
}

#[test]
fn spaces_roles_and_queries_through_the_cli_on_each_backend() {
    for db in Db::each() {
        let name = db.name();
        let server = Server::start(&db, &[]);
        let root = server.root_key().unwrap();
        for (id, prefix) in [("payments", "pay"), ("search", "srch")] {
            let space = server.cli_json(&root, &["space", "create", id, "--prefix", prefix]);
            assert_eq!(space["key_prefix"], prefix, "{name}");
        }
        let listed = server.cli(&root, &["space", "list"]);
        let table = String::from_utf8(listed.stdout).unwrap();
        assert!(
            table.contains("payments") && table.contains("srch"),
            "{table}"
        );
        let pay = server.cli_json(
            &root,
            &["key", "create", "--env", "live", "--space", "payments"],
        );
        let srch = server.cli_json(
            &root,
            &["key", "create", "--env", "live", "--space", "search"],
        );
        let pay_key = pay["key"].as_str().unwrap();
        let srch_key = srch["key"].as_str().unwrap();
        assert!(pay_key.starts_with("pay_live_"), "{name}: {pay_key}");
        assert!(srch_key.starts_with("srch_live_"), "{name}: {srch_key}");

        // A root key scoped to `search`, made by the admin CLI.
        let out = admin(
            &db,
            &[
                "root-key",
                "create",
                "--permission",
                "admin",
                "--space",
                "search",
                "--json",
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let scoped: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(scoped["spaces"], json!(["search"]));
        let scoped = scoped["key"].as_str().unwrap();
        let keys = server.cli_json(scoped, &["key", "list"]);
        let ids: Vec<&str> = keys["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [srch["id"].as_str().unwrap()], "{name}");
        let pay_id = pay["id"].as_str().unwrap();
        for (method, path) in [
            (reqwest::Method::GET, format!("/v1/keys/{pay_id}")),
            (reqwest::Method::POST, format!("/v1/keys/{pay_id}/revoke")),
        ] {
            assert_eq!(
                status_of(&server, scoped, method, &path),
                404,
                "{name}: {path}"
            );
        }
        let (_, answer) = verify(&server, scoped, &json!({ "key": pay_key }));
        assert_eq!(answer["code"], "NOT_FOUND", "{name}");
        // The CLI says so too (exit 2, the server's 404).
        let shown = server.cli(scoped, &["key", "show", pay_id]);
        let stderr = String::from_utf8_lossy(&shown.stderr);
        assert!(stderr.contains("NOT_FOUND (404)"), "{name}: {stderr}");
        let created = server.cli(
            scoped,
            &["key", "create", "--env", "live", "--space", "payments"],
        );
        assert!(
            String::from_utf8_lossy(&created.stderr).contains("permission denied"),
            "{name}: {}",
            String::from_utf8_lossy(&created.stderr)
        );

        // Roles and queries.
        server.cli_json(
            &root,
            &[
                "role",
                "set",
                "payments",
                "editor",
                "--permission",
                "docs.read",
                "--permission",
                "docs.write",
            ],
        );
        let editor = server.cli_json(
            &root,
            &[
                "key",
                "create",
                "--env",
                "live",
                "--space",
                "payments",
                "--role",
                "editor",
                "--permission",
                "billing.read",
            ],
        );
        let key = editor["key"].as_str().unwrap();
        let shown = server.cli_json(&root, &["key", "show", editor["id"].as_str().unwrap()]);
        assert_eq!(
            shown["effective_permissions"],
            json!(["billing.read", "docs.read", "docs.write"])
        );
        for (query, status) in [
            ("docs.read%20AND%20docs.write", 200),
            ("docs.delete%20OR%20(billing.read%20AND%20docs.read)", 200),
            ("docs.delete", 403),
        ] {
            let (got, body) = forward_auth(&server, key, &format!("?permissions={query}"));
            assert_eq!(got, status, "{name}: {query}: {body}");
        }
        let (got, body) = forward_auth(&server, key, "?permissions=docs.read%20AND");
        assert_eq!(got, 400, "{name}: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("position 13"),
            "{body}"
        );
        // `key verify --permissions` exits 1 on a failed query and says why.
        let out = crate::keywarden()
            .env("KEYWARDEN_URL", &server.url)
            .env("KEYWARDEN_TOKEN", &root)
            .args(["key", "verify", "--permissions", "docs.delete"])
            .write_stdin(key)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "INSUFFICIENT_PERMISSIONS"
        );
        let roles = server.cli(&root, &["role", "list", "payments"]);
        assert!(String::from_utf8_lossy(&roles.stdout).contains("docs.read, docs.write"));
    }
}

#[test]
fn a_role_changed_on_one_node_is_enforced_on_another_within_a_second() {
    let Some(db) = Db::postgres() else {
        eprintln!("SKIPPED: needs PostgreSQL (KEYWARDEN_TEST_DATABASE_URL)");
        return;
    };
    let a = Server::start(&db, &[("KEYWARDEN_NODE_ID", "a")]);
    let root = a.root_key().unwrap();
    let b = Server::start(&db, &[("KEYWARDEN_NODE_ID", "b")]);
    a.cli_json(&root, &["space", "create", "docs", "--prefix", "doc"]);
    a.cli_json(
        &root,
        &["role", "set", "docs", "reader", "--permission", "docs.read"],
    );
    let k = a.cli_json(
        &root,
        &[
            "key", "create", "--env", "live", "--space", "docs", "--role", "reader",
        ],
    );
    let key = k["key"].as_str().unwrap();
    for round in 0..3 {
        // Node B has the key cached, with the role's permissions of now.
        assert_eq!(forward_auth(&b, key, "?permissions=docs.read").0, 200);
        assert_eq!(forward_auth(&b, key, "?permissions=docs.write").0, 403);
        // Node A gives the role another permission and takes docs.read
        // away (each round a real change of what the role was).
        let (grant, revoke) = (
            ["docs.write", "docs.admin", "docs.delete"][round],
            "docs.read",
        );
        a.cli_json(
            &root,
            &["role", "set", "docs", "reader", "--permission", grant],
        );
        let started = Instant::now();
        loop {
            let now_granted = forward_auth(&b, key, &format!("?permissions={grant}")).0 == 200;
            let now_refused = forward_auth(&b, key, &format!("?permissions={revoke}")).0 == 403;
            if now_granted && now_refused {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(1),
                "round {round}: node B still enforces the old role"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        eprintln!(
            "round {round}: node B enforced the new role after {:?}",
            started.elapsed()
        );
        // The next round starts from the role as it now is.
        a.cli_json(
            &root,
            &["role", "set", "docs", "reader", "--permission", "docs.read"],
        );
        let started = Instant::now();
        while forward_auth(&b, key, "?permissions=docs.read").0 != 200 {
            assert!(started.elapsed() < Duration::from_secs(1));
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// The keys of a fixture: (kind, id, key), each key stored backwards.
fn fixture_keys(name: &str) -> Vec<(String, String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/store-0be0dcb");
    std::fs::read_to_string(dir.join(format!("{name}-keys.txt")))
        .unwrap()
        .lines()
        .map(|l| {
            let mut parts = l.split(' ');
            let (kind, id, key) = (
                parts.next().unwrap(),
                parts.next().unwrap(),
                parts.next().unwrap(),
            );
            (kind.to_owned(), id.to_owned(), key.chars().rev().collect())
        })
        .collect()
}

/// What the keys of a store made by 0.1.0 must still do, on the server
/// that opened (and migrated) it.
fn check_upgraded(server: &Server, name: &str) {
    let keys = fixture_keys(name);
    let root = &keys.iter().find(|k| k.0 == "root").unwrap().2;
    for (kind, id, key) in keys.iter().filter(|k| k.0 != "root") {
        let shown = server.cli_json(root, &["key", "show", id]);
        assert_eq!(shown["space"], "default", "{name} {kind}");
        let expected = match (kind.as_str(), shown["status"].as_str().unwrap()) {
            ("revoked", _) => "REVOKED",
            // The rolled key's grace period ends 30 days after the fixture
            // was made: expired from then on. No other key expires.
            ("toroll", "expired") => "EXPIRED",
            _ => "VALID",
        };
        let (_, answer) = verify(server, root, &json!({ "key": key, "cost": 0 }));
        assert_eq!(answer["code"], expected, "{name} {kind}: {answer}");
        if kind == "plain" {
            // Its scopes keep their meaning as permissions.
            let (_, answer) = verify(
                server,
                root,
                &json!({ "key": key, "permissions": "orders:read AND users:delete", "cost": 0 }),
            );
            assert_eq!(answer["code"], "VALID", "{answer}");
        }
    }
    let (_, recoverable, key) = keys.iter().find(|k| k.0 == "recoverable").unwrap();
    let revealed = server.cli(root, &["key", "reveal", recoverable]);
    assert_eq!(String::from_utf8_lossy(&revealed.stdout).trim(), key);
    // The space `default` holds them, with the deployment's prefix.
    let space = server.cli_json(root, &["space", "show", "default"]);
    assert_eq!(space["key_prefix"], "acme");
    assert!(space["key_prefix_inherited"].as_bool().unwrap());
    assert_eq!(space["keys"], 6, "{name}: {space}");
    let new = server.cli_json(root, &["key", "create", "--env", "live"]);
    assert!(new["key"].as_str().unwrap().starts_with("acme_live_"));
}

#[test]
fn a_sqlite_store_made_by_the_previous_release_keeps_every_key() {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/store-0be0dcb/sqlite");
    let db = Db::sqlite();
    std::fs::create_dir_all(db.data_dir()).unwrap();
    for file in ["keywarden.db", "pepper"] {
        std::fs::copy(fixture.join(file), db.data_dir().join(file)).unwrap();
    }
    let master = "cd".repeat(32);
    let server = Server::start(
        &db,
        &[
            ("KEYWARDEN_PREFIX", "acme"),
            ("KEYWARDEN_MASTER_KEY", &master),
        ],
    );
    check_upgraded(&server, "sqlite");
}

#[test]
fn a_postgres_store_made_by_the_previous_release_keeps_every_key() {
    let Ok(base) = std::env::var("KEYWARDEN_TEST_DATABASE_URL") else {
        assert!(
            std::env::var("KEYWARDEN_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "KEYWARDEN_REQUIRE_POSTGRES=1 but KEYWARDEN_TEST_DATABASE_URL is not set"
        );
        eprintln!("SKIPPED: needs PostgreSQL (KEYWARDEN_TEST_DATABASE_URL)");
        return;
    };
    // A database of its own: the dump names the schema `public`.
    let database = format!(
        "kw_upgrade_{}",
        keywarden_core::random::base62_string(10).to_lowercase()
    );
    let (prefix, _) = base.rsplit_once('/').unwrap();
    let url = format!("{prefix}/{database}");
    let dump = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/store-0be0dcb/postgres.sql"),
    )
    .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        use sqlx::Connection;
        let mut admin = sqlx::PgConnection::connect(&base).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {database}"))
            .execute(&mut admin)
            .await
            .unwrap();
        let mut fresh = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::raw_sql(&dump).execute(&mut fresh).await.unwrap();
    });
    let db = Db {
        dir: tempfile::tempdir().unwrap(),
        postgres_url: Some(url),
    };
    let master = "cd".repeat(32);
    // The fixture's pepper (`ab` × 32, version 1), as `Db::env` sets it.
    let server = Server::start(
        &db,
        &[
            ("KEYWARDEN_PREFIX", "acme"),
            ("KEYWARDEN_MASTER_KEY", &master),
        ],
    );
    check_upgraded(&server, "postgres");
    drop(server);
    rt.block_on(async {
        use sqlx::Connection;
        let mut admin = sqlx::PgConnection::connect(&base).await.unwrap();
        let _ = sqlx::query(&format!("DROP DATABASE {database} WITH (FORCE)"))
            .execute(&mut admin)
            .await;
    });
}
