//! The web console in a real browser: Debian's Chromium, driven by
//! playwright-core (`tests/console/console.mjs`), against the real
//! `keywarden serve` on loopback. The script asserts what a person would see
//! and do (sign in, create, revoke, roll, CSRF, read-only keys, sign-out,
//! the generator) and saves screenshots of the main pages under
//! `target/console-screenshots/`; this side checks its facts again with
//! keywarden's own parser, CLI and audit check. `tests/console/spaces.mjs`
//! does the same for key spaces and roles, `tests/console/portal.mjs` for
//! the customer portal (with axe-core for accessibility).
//!
//! Without Chromium or Node.js the test is skipped with a loud message,
//! unless `KEYWARDEN_REQUIRE_BROWSER=1` (CI), which makes that a failure.

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::Value;

use crate::server::{Db, Server, admin};

/// The longest the browser script may run.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(300);

fn browser_required() -> bool {
    std::env::var("KEYWARDEN_REQUIRE_BROWSER").as_deref() == Ok("1")
}

/// Skips (or, when a browser is required, fails) with a message that
/// cannot be missed.
fn unavailable(what: &str) {
    assert!(
        !browser_required(),
        "KEYWARDEN_REQUIRE_BROWSER=1 but {what}"
    );
    eprintln!(
        "\n==============================================================\n\
         SKIPPED: the console browser test did not run: {what}.\n\
         Install Debian's chromium and Node.js (see .ci/run), or set\n\
         KEYWARDEN_REQUIRE_BROWSER=1 to make this a failure.\n\
         ==============================================================\n"
    );
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("KEYWARDEN_CHROMIUM") {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

/// `npm ci` in the script's folder when playwright-core or axe-core is not
/// installed yet (CI does it up front).
fn node_modules(dir: &Path) -> Result<(), String> {
    if ["playwright-core", "axe-core"].iter().all(|package| {
        dir.join("node_modules")
            .join(package)
            .join("package.json")
            .is_file()
    }) {
        return Ok(());
    }
    let npm = on_path("npm").ok_or("npm is not installed")?;
    let out = Command::new(npm)
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .output()
        .map_err(|e| format!("npm ci could not start: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "npm ci failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn screenshot_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.parent().unwrap_or(tmp).join("console-screenshots");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn console_in_a_real_browser() {
    let _machine = crate::machine_lock();
    let Some(chromium) = chromium() else {
        unavailable("Chromium is not installed (/usr/bin/chromium)");
        return;
    };
    let Some(node) = on_path("node") else {
        unavailable("Node.js is not installed");
        return;
    };
    let script_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/console");
    if let Err(why) = node_modules(&script_dir) {
        unavailable(&why);
        return;
    }
    let shots = screenshot_dir();

    let db = Db::sqlite();
    let server = Server::start(&db, &[]);
    let root = server.root_key().expect("no root key printed");
    let made = admin(
        &db,
        &[
            "root-key",
            "create",
            "--permission",
            "keys:read",
            "--name",
            "read-only viewer",
            "--json",
        ],
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let made: Value = serde_json::from_slice(&made.stdout).unwrap();
    let readonly = made["key"].as_str().unwrap();

    let started = Instant::now();
    let stdout = db.dir.path().join("browser.out");
    let stderr = db.dir.path().join("browser.err");
    let mut child = Command::new(node)
        .arg("console.mjs")
        .current_dir(&script_dir)
        .env("KW_URL", &server.url)
        .env("KW_ROOT_KEY", &root)
        .env("KW_READONLY_KEY", readonly)
        .env("KW_SCREENSHOTS", &shots)
        .env("KW_CHROMIUM", &chromium)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout).unwrap())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .unwrap();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > SCRIPT_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the browser test ran over {SCRIPT_TIMEOUT:?}: {}",
                std::fs::read_to_string(&stderr).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let out = std::fs::read_to_string(&stdout).unwrap_or_default();
    let err = std::fs::read_to_string(&stderr).unwrap_or_default();
    eprintln!(
        "browser test: {:.1}s, screenshots in {}",
        started.elapsed().as_secs_f64(),
        shots.display()
    );
    assert!(
        status.success(),
        "the browser test failed:\n{err}\n--- server log ---\n{}",
        server.log()
    );
    let facts: Value = serde_json::from_str(out.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("no facts from the browser test ({e}): {out}"));
    assert_eq!(facts["ok"], true);

    // The key made in the browser passes keywarden's own parser (shape and
    // CRC-32 checksum): the JavaScript implements the v1 format exactly.
    let generated = facts["generated_key"].as_str().unwrap();
    let parsed = keywarden_core::key::parse(generated)
        .unwrap_or_else(|e| panic!("the generated key does not parse: {e:?}"));
    assert_eq!(parsed.environment(), "test");
    assert_eq!(facts["generated_jwt_len"], 86);

    // What the console did is what the API and the store say.
    let created = facts["created_key_id"].as_str().unwrap();
    let shown = server.cli_json(&root, &["key", "show", created]);
    assert_eq!(shown["status"], "revoked");
    assert_eq!(shown["revoke_reason"], "manual");
    let old = server.cli_json(
        &root,
        &["key", "show", facts["rolled_from"].as_str().unwrap()],
    );
    assert_eq!(old["rotated_to"], facts["rolled_to"]);
    assert_eq!(old["status"], "active", "in its grace period");

    // Console actions are in the audit log like API actions, and the chain
    // still verifies.
    let audit = server.cli_json(&root, &["audit", "list", "--action", "key.revoke"]);
    let entries = audit["entries"].as_array().unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e["target"] == created && e["outcome"] == "allowed"),
        "{audit}"
    );
    assert!(
        entries.iter().any(|e| e["outcome"] == "denied"),
        "the read-only key's attempt is audited: {audit}"
    );
    let chain = admin(&db, &["audit", "verify"]);
    assert!(
        chain.status.success(),
        "{}",
        String::from_utf8_lossy(&chain.stdout)
    );

    // No root key in the server's log.
    assert!(
        !server.log().contains(&root[8..]),
        "the root key leaked into the log"
    );

    let pngs = std::fs::read_dir(&shots)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "png"))
        .filter(|e| e.metadata().is_ok_and(|m| m.len() > 1000))
        .count();
    assert!(pngs >= 15, "{pngs} screenshots in {}", shots.display());
}

/// Runs the browser script `tests/console/<script>.mjs` against a fresh
/// `keywarden serve` on SQLite: the server, its root key, where the
/// screenshots went and the script's facts (its last line of output,
/// `ok: true`). `None` (said by `unavailable`) without Chromium, Node.js
/// or the script's packages.
fn run_browser_script(script: &str) -> Option<(Db, Server, String, PathBuf, Value)> {
    run_browser_script_with(script, &[])
}

/// [`run_browser_script`] with a server started with `env`.
fn run_browser_script_with(
    script: &str,
    env: &[(&str, &str)],
) -> Option<(Db, Server, String, PathBuf, Value)> {
    let _machine = crate::machine_lock();
    let Some(chromium) = chromium() else {
        unavailable("Chromium is not installed (/usr/bin/chromium)");
        return None;
    };
    let Some(node) = on_path("node") else {
        unavailable("Node.js is not installed");
        return None;
    };
    let script_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/console");
    if let Err(why) = node_modules(&script_dir) {
        unavailable(&why);
        return None;
    }
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{script}-screenshots"));
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).unwrap();
    let db = Db::sqlite();
    let server = Server::start(&db, env);
    let root = server.root_key().expect("no root key printed");
    let stdout = db.dir.path().join(format!("{script}.out"));
    let stderr = db.dir.path().join(format!("{script}.err"));
    let mut child = Command::new(node)
        .arg(format!("{script}.mjs"))
        .current_dir(&script_dir)
        .env("KW_URL", &server.url)
        .env("KW_ROOT_KEY", &root)
        .env("KW_SCREENSHOTS", &shots)
        .env("KW_CHROMIUM", &chromium)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout).unwrap())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > SCRIPT_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the {script} browser test ran over {SCRIPT_TIMEOUT:?}: {}",
                std::fs::read_to_string(&stderr).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let out = std::fs::read_to_string(&stdout).unwrap_or_default();
    let err = std::fs::read_to_string(&stderr).unwrap_or_default();
    assert!(
        status.success(),
        "the {script} browser test failed:\n{err}\n--- server log ---\n{}",
        server.log()
    );
    let facts: Value = serde_json::from_str(out.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("no facts from the {script} browser test ({e}): {out}"));
    assert_eq!(facts["ok"], true);
    Some((db, server, root, shots, facts))
}

/// The vault's Secrets page in the browser (`tests/console/secrets.mjs`):
/// set, a new version, reveal on a click (no-store), roll back from the
/// history, a rotation due, delete; axe at two widths. This side checks
/// the audit log (who read what, never a value) and the server log.
#[test]
fn secrets_in_a_real_browser() {
    let master = "7a".repeat(32);
    let Some((db, server, root, shots, facts)) =
        run_browser_script_with("secrets", &[("KEYWARDEN_MASTER_KEY", &master)])
    else {
        return;
    };
    assert_eq!(facts["versions"], 3);
    let history = server.cli_json(
        &root,
        &["secrets", "history", "DATABASE_URL", "--env", "live"],
    );
    assert_eq!(history["versions"].as_array().unwrap().len(), 3);
    for (action, n) in [
        ("secret.write", 3),
        ("secret.read", 1),
        ("secret.rollback", 1),
        ("secret.delete", 1),
    ] {
        let audit = server.cli_json(&root, &["audit", "list", "--action", action]);
        let entries = audit["entries"].as_array().unwrap();
        assert!(entries.len() >= n, "{action}: {audit}");
        let text = audit.to_string();
        assert!(
            !text.contains("Browser-Pa55"),
            "no value in the audit log: {text}"
        );
    }
    assert!(
        !server.log().contains("Browser-Pa55"),
        "no value in the server log"
    );
    let chain = admin(&db, &["audit", "verify"]);
    assert!(chain.status.success());
    let pngs = std::fs::read_dir(&shots)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.metadata().is_ok_and(|m| m.len() > 1000))
        .count();
    assert_eq!(pngs, 3, "screenshots in {}", shots.display());
}

/// Key spaces and roles in the browser (`tests/console/spaces.mjs`): two
/// spaces made with the spaces page, the switcher, a role set on the roles
/// page, a key made with it, its effective permissions on its page before
/// and after the role changes; this side checks them again with the CLI.
#[test]
fn spaces_and_roles_in_a_real_browser() {
    let Some((db, server, root, shots, facts)) = run_browser_script("spaces") else {
        return;
    };

    // The key made in the browser, as the API shows it.
    let id = facts["key_id"].as_str().unwrap();
    let shown = server.cli_json(&root, &["key", "show", id]);
    assert_eq!(shown["space"], "payments");
    assert_eq!(shown["roles"], serde_json::json!(["editor"]));
    assert_eq!(
        shown["effective_permissions"],
        serde_json::json!(["orders:read", "docs.read", "docs.admin"])
    );
    // The console's changes are audited like the API's; the chain verifies.
    for (action, n) in [("space.create", 2), ("role.set", 2)] {
        let audit = server.cli_json(&root, &["audit", "list", "--action", action]);
        let entries = audit["entries"].as_array().unwrap();
        assert_eq!(entries.len(), n, "{action}: {audit}");
        assert!(
            entries
                .iter()
                .all(|e| e["outcome"] == "allowed" && e["client_ip"] == "127.0.0.1"),
            "{audit}"
        );
    }
    let chain = admin(&db, &["audit", "verify"]);
    assert!(chain.status.success());
    let pngs = std::fs::read_dir(&shots)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.metadata().is_ok_and(|m| m.len() > 1000))
        .count();
    assert_eq!(pngs, 4, "screenshots in {}", shots.display());
}

/// The customer portal in the browser (`tests/console/portal.mjs`): a link
/// minted for the owner acme opens once; the page lists acme's keys only,
/// creates and rolls keys, refuses what its grants, its CSRF token and the
/// owner do not allow; a key made under `require_approval` waits until it
/// is approved on the console's pending page; axe finds no serious problem
/// at 1280 and 390 pixels. This side checks the keys and the audit log
/// again with the CLI, and that no key made in the browser reached the log.
#[test]
fn portal_in_a_real_browser() {
    let Some((db, server, root, shots, facts)) = run_browser_script("portal") else {
        return;
    };
    let fact = |name: &str| -> String {
        facts[name]
            .as_str()
            .unwrap_or_else(|| panic!("no {name} in the facts: {facts}"))
            .to_owned()
    };

    // The keys made in the portal, as the API shows them: acme's, in the
    // default space, active (the pending one since its approval).
    let (created, fetched, pending) = (
        fact("created_key_id"),
        fact("fetched_key_id"),
        fact("pending_key_id"),
    );
    for id in [&created, &fetched, &pending] {
        let shown = server.cli_json(&root, &["key", "show", id.as_str()]);
        assert_eq!(shown["owner"], "acme", "{shown}");
        assert_eq!(shown["space"], "default", "{shown}");
        assert_eq!(shown["status"], "active", "{shown}");
    }
    // The roll: the old key in its grace period points at the new one.
    let (rolled_from, rolled_to) = (fact("rolled_from"), fact("rolled_to"));
    let old = server.cli_json(&root, &["key", "show", rolled_from.as_str()]);
    assert_eq!(old["rotated_to"], rolled_to.as_str());
    assert_eq!(old["status"], "active", "in its grace period");
    let new = server.cli_json(&root, &["key", "show", rolled_to.as_str()]);
    assert_eq!(new["owner"], "acme");
    assert_eq!(new["rotated_from"], rolled_from.as_str());
    // The refused revocation revoked nothing; globex's key was never touched.
    for id in facts["acme_keys"].as_array().unwrap() {
        let shown = server.cli_json(&root, &["key", "show", id.as_str().unwrap()]);
        assert_eq!(shown["status"], "active", "{shown}");
    }
    let globex = fact("globex_key");
    let globex = server.cli_json(&root, &["key", "show", globex.as_str()]);
    assert_eq!(globex["owner"], "globex");
    assert_eq!(globex["status"], "active");

    // The portal's actions are audited as portal:acme, each naming its
    // session; the links were minted by the root key; the chain verifies.
    let audit = server.cli_json(
        &root,
        &["audit", "list", "--actor", "portal:acme", "--limit", "500"],
    );
    let entries = audit["entries"].as_array().unwrap();
    let session = fact("portal_session");
    assert!(session.starts_with("ps_"), "{session}");
    for id in [&created, &fetched, &pending] {
        assert!(
            entries.iter().any(|e| e["action"] == "key.create"
                && e["outcome"] == "allowed"
                && e["target"] == id.as_str()),
            "the creation of {id}: {audit}"
        );
    }
    assert!(
        entries.iter().any(|e| e["action"] == "key.create"
            && e["target"] == created.as_str()
            && e["details"]["portal_session"] == session.as_str()),
        "{audit}"
    );
    assert!(
        entries
            .iter()
            .any(|e| e["action"] == "key.roll" && e["outcome"] == "allowed"),
        "{audit}"
    );
    assert!(
        entries
            .iter()
            .any(|e| e["action"] == "key.revoke" && e["outcome"] == "denied"),
        "{audit}"
    );
    for e in entries
        .iter()
        .filter(|e| e["action"].as_str().is_some_and(|a| a.starts_with("key.")))
    {
        assert!(
            e["details"]["portal_session"]
                .as_str()
                .is_some_and(|s| s.starts_with("ps_")),
            "no portal session in {e}"
        );
    }
    let issued = server.cli_json(&root, &["audit", "list", "--action", "portal.issue"]);
    let issued = issued["entries"].as_array().unwrap();
    assert_eq!(facts["links_minted"], issued.len(), "{issued:?}");
    assert!(
        issued.iter().all(|e| e["outcome"] == "allowed"
            && !e["actor"]
                .as_str()
                .unwrap_or_default()
                .starts_with("portal:")),
        "minted by the root key: {issued:?}"
    );
    let chain = admin(&db, &["audit", "verify"]);
    assert!(
        chain.status.success(),
        "{}",
        String::from_utf8_lossy(&chain.stdout)
    );

    // No key at all (the browser's, the API's, the root key), in the
    // server's log or in any file of the data directory: nothing shaped as
    // a keywarden key is there.
    let shaped = regex::bytes::Regex::new(r"[a-z][a-z0-9]{0,15}_[a-z]+_[0-9A-Za-z]{40,}").unwrap();
    let log = server.log();
    assert!(
        !shaped.is_match(log.as_bytes()) && !log.contains("API_KEY="),
        "a key is in the server log"
    );
    assert!(
        !log.contains(&root[8..]),
        "the root key leaked into the log"
    );
    for file in walk(&db.data_dir()) {
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(
            !shaped.is_match(&bytes) && !bytes.windows(8).any(|w| w == b"API_KEY="),
            "a key is in {}",
            file.display()
        );
    }

    let pngs = std::fs::read_dir(&shots)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.metadata().is_ok_and(|m| m.len() > 1000))
        .count();
    assert_eq!(pngs, 10, "screenshots in {}", shots.display());
}

/// A one-time share link in the browser: the first open shows the key, the
/// second does not; neither the key nor the link's fragment is in any file
/// of the data directory or in the server's log.
#[test]
fn share_link_in_a_real_browser() {
    let _machine = crate::machine_lock();
    let Some(chromium) = chromium() else {
        unavailable("Chromium is not installed (/usr/bin/chromium)");
        return;
    };
    let Some(node) = on_path("node") else {
        unavailable("Node.js is not installed");
        return;
    };
    let script_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/console");
    if let Err(why) = node_modules(&script_dir) {
        unavailable(&why);
        return;
    }
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("share-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let db = Db::sqlite();
    let server = Server::start(&db, &[]);
    let root = server.root_key().expect("no root key printed");
    let created = server.cli_json(&root, &["key", "create", "--env", "live", "--share", "1h"]);
    let key = created["key"].as_str().unwrap().to_owned();
    let url = created["share_url"].as_str().unwrap().to_owned();
    let fragment = url.split_once('#').unwrap().1.to_owned();
    assert!(url.starts_with(&format!("{}/s/shr_", server.url)), "{url}");

    let out = Command::new(node)
        .arg("share.mjs")
        .current_dir(&script_dir)
        .env("KW_SHARE_URL", &url)
        .env("KW_SCREENSHOTS", &shots)
        .env("KW_CHROMIUM", &chromium)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the share browser test failed:\n{}\n--- server log ---\n{}",
        String::from_utf8_lossy(&out.stderr),
        server.log()
    );
    let facts: Value = serde_json::from_str(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or_default(),
    )
    .unwrap();
    assert_eq!(facts["ok"], true);
    assert_eq!(
        facts["shown_key"],
        key.as_str(),
        "the page shows the key that was made"
    );
    assert_eq!(facts["env_line"], format!("API_KEY_LIVE={key}"));
    assert_eq!(
        facts["second_open_key"], "",
        "the second open shows nothing"
    );
    assert!(
        !facts["address_after_open"]
            .as_str()
            .unwrap()
            .contains(&fragment),
        "the fragment is dropped from the address"
    );

    // Audited once, with the browser's user agent.
    let audit = server.cli_json(&root, &["audit", "list", "--action", "key.share_opened"]);
    let entries = audit["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{audit}");
    assert!(
        entries[0]["details"]["user_agent"]
            .as_str()
            .unwrap()
            .contains("Chrome")
    );

    // No trace of the key or the fragment on the server's side.
    let log = server.log();
    for (what, secret) in [("key", key.as_str()), ("fragment", fragment.as_str())] {
        assert!(!log.contains(secret), "the {what} is in the server log");
        for file in walk(&db.data_dir()) {
            let bytes = std::fs::read(&file).unwrap_or_default();
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "the {what} is in {}",
                file.display()
            );
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
