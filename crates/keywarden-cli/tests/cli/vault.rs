//! The vault through the real binary, on both backends: a `.env` file of
//! every awkward kind imported and handed to a program exactly as
//! python-dotenv reads it; versions and rollback; a root key limited to
//! `dev`; `export --format env` sourced by `sh`; `run`'s exit codes,
//! masking, watching and its encrypted offline cache with the server
//! stopped; and no value anywhere on disk or in a log.

use std::{
    collections::BTreeMap,
    io::{BufRead, BufReader},
    process::Stdio,
    time::{Duration, Instant},
};

use serde_json::Value;

use crate::{
    keywarden,
    server::{Db, Server, admin, files_under, postgres_dump},
};

const MASTER: &str = "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e";
const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/dotenv/all-kinds.env"
);
const EXPECTED: &str = include_str!("../fixtures/dotenv/expected.json");
const PRINT_ENV: &str = "import json, os, sys; sys.stdout.write(json.dumps(dict(os.environ)))";

/// What python-dotenv read from the fixture (names without a value left
/// out: they import nothing).
fn expected() -> BTreeMap<String, String> {
    let all: BTreeMap<String, Value> = serde_json::from_str(EXPECTED).unwrap();
    all.into_iter()
        .filter_map(|(k, v)| v.as_str().map(|v| (k, v.to_owned())))
        .filter(|(k, _)| {
            k.bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
                && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
        .collect()
}

/// `keywarden …` against `server` with `token`, its cache in `cache`.
fn cli(server: &Server, token: &str, cache: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("keywarden"));
    cmd.env("KEYWARDEN_URL", &server.url)
        .env("KEYWARDEN_TOKEN", token)
        .env("KEYWARDEN_CACHE_DIR", cache)
        .env_remove("KEYWARDEN_ENV");
    cmd
}

fn set(server: &Server, token: &str, env: &str, name: &str, value: &str) {
    let out = keywarden()
        .env("KEYWARDEN_URL", &server.url)
        .env("KEYWARDEN_TOKEN", token)
        .args(["secrets", "set", name, "--env", env, "--keep-newline"])
        .write_stdin(value)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn env_of(out: &std::process::Output) -> BTreeMap<String, String> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_dotenv_file_runs_exactly_and_no_value_is_stored_in_plaintext() {
    // Dozens of processes (servers, the CLI, python3, sh): not beside the
    // tests that count what two nodes admit in a window.
    let _machine = crate::machine_lock();
    for db in Db::each() {
        let name = db.name();
        let server = Server::start(&db, &[("KEYWARDEN_MASTER_KEY", MASTER)]);
        let root = server.root_key().unwrap();
        let cache = tempfile::tempdir().unwrap();
        let expected = expected();
        assert!(expected.len() >= 40, "the fixture covers every kind");
        // A key too: the tables searched below hold one of each.
        server.cli_json(&root, &["key", "create", "--env", "live"]);

        // Import: what python-dotenv reads, exactly.
        let out = server.cli(&root, &["secrets", "import", FIXTURE, "--env", "live"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains(&format!("{} imported into live", expected.len())),
            "{name}: {stdout}"
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("skipped"),
            "malformed lines are named: {stderr}"
        );

        // `run` hands the child every value, byte for byte, and not the token.
        let run = cli(&server, &root, cache.path())
            .args(["run", "--env", "live", "--", "python3", "-c", PRINT_ENV])
            .output()
            .unwrap();
        let seen = env_of(&run);
        for (k, v) in &expected {
            assert_eq!(seen.get(k), Some(v), "{name}: {k}");
        }
        assert!(
            !seen.contains_key("KEYWARDEN_TOKEN"),
            "{name}: the token leaked"
        );
        assert_eq!(seen.get("KEYWARDEN_URL"), Some(&server.url));

        // Exit codes: the child's, 128 + a signal, 127 for no such program.
        let code = |args: &[&str]| {
            cli(&server, &root, cache.path())
                .args(["run", "--env", "live", "--"])
                .args(args)
                .output()
                .unwrap()
                .status
                .code()
        };
        assert_eq!(code(&["sh", "-c", "exit 7"]), Some(7));
        assert_eq!(code(&["sh", "-c", "kill -TERM $$"]), Some(143));
        assert_eq!(code(&["/nonexistent/program"]), Some(127));

        // Versions: set twice, roll back to the first: three versions.
        set(&server, &root, "live", "DB_PASSWORD", "first-Pa55word!");
        set(&server, &root, "live", "DB_PASSWORD", "second-Pa55word!");
        let back = server.cli(
            &root,
            &[
                "secrets",
                "rollback",
                "DB_PASSWORD",
                "--env",
                "live",
                "--to",
                "1",
            ],
        );
        assert!(
            back.status.success(),
            "{}",
            String::from_utf8_lossy(&back.stderr)
        );
        let got = server.cli(&root, &["secrets", "get", "DB_PASSWORD", "--env", "live"]);
        assert_eq!(String::from_utf8_lossy(&got.stdout), "first-Pa55word!");
        let history = server.cli_json(
            &root,
            &["secrets", "history", "DB_PASSWORD", "--env", "live"],
        );
        let versions: Vec<i64> = history["versions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["version"].as_i64().unwrap())
            .collect();
        assert_eq!(versions, [3, 2, 1], "{name}: {history}");
        let missing = server.cli(
            &root,
            &[
                "secrets",
                "rollback",
                "DB_PASSWORD",
                "--env",
                "live",
                "--to",
                "9",
            ],
        );
        assert_eq!(missing.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&missing.stderr).contains("NOT_FOUND"));

        // Masking: a value in the child's output is replaced.
        let masked = cli(&server, &root, cache.path())
            .args(["run", "--env", "live", "--mask", "--", "sh", "-c"])
            .arg("echo \"db=$DB_PASSWORD\"; echo \"err $DB_PASSWORD\" >&2")
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&masked.stdout),
            "db=[masked:DB_PASSWORD]\n"
        );
        assert_eq!(
            String::from_utf8_lossy(&masked.stderr),
            "err [masked:DB_PASSWORD]\n"
        );

        // export --format env, sourced by sh, gives the same values back.
        let exported = server.cli(&root, &["secrets", "export", "--env", "live"]);
        assert!(exported.status.success());
        let file = cache.path().join("exported.env");
        std::fs::write(&file, &exported.stdout).unwrap();
        let sourced = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "set -a; . '{}'; exec python3 -c '{PRINT_ENV}'",
                file.display()
            ))
            .env_clear()
            .output()
            .unwrap();
        let sourced = env_of(&sourced);
        for (k, v) in &expected {
            if k != "DB_PASSWORD" {
                assert_eq!(sourced.get(k), Some(v), "{name}: sourced {k}");
            }
        }
        std::fs::remove_file(&file).unwrap();

        // A root key limited to dev reads dev, not live.
        set(&server, &root, "dev", "DEV_TOKEN", "dev-only-value-123");
        let made = admin(
            &db,
            &[
                "root-key",
                "create",
                "--permission",
                "secrets:read",
                "--environment",
                "dev",
                "--json",
            ],
        );
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stderr)
        );
        let dev: Value = serde_json::from_slice(&made.stdout).unwrap();
        let dev = dev["key"].as_str().unwrap();
        let read = server.cli(dev, &["secrets", "get", "DEV_TOKEN", "--env", "dev"]);
        assert_eq!(String::from_utf8_lossy(&read.stdout), "dev-only-value-123");
        let refused = server.cli(dev, &["secrets", "get", "DB_PASSWORD", "--env", "live"]);
        assert_eq!(refused.status.code(), Some(2));
        assert!(
            String::from_utf8_lossy(&refused.stderr).contains("permission denied"),
            "{}",
            String::from_utf8_lossy(&refused.stderr)
        );
        let refused = server.cli(dev, &["secrets", "list", "--env", "live"]);
        assert_eq!(refused.status.code(), Some(2));

        // The scanner finds a vault value in a settings file, whatever its
        // shape, and never prints it; KEYWARDEN_SCAN_VAULT=1 is the hook's way.
        let repo = tempfile::tempdir().unwrap();
        std::fs::write(
            repo.path().join("settings.py"),
            "DATABASES = {\"default\": {\"PASSWORD\": \"first-Pa55word!\"}}\n",
        )
        .unwrap();
        std::fs::write(
            repo.path().join("clean.py"),
            "PASSWORD = os.environ[\"DB\"]\n",
        )
        .unwrap();
        for flags in [&["--vault"][..], &[]] {
            let mut scan = cli(&server, &root, cache.path());
            scan.args(["scan", "--format", "json"])
                .args(flags)
                .arg(repo.path());
            if flags.is_empty() {
                scan.env("KEYWARDEN_SCAN_VAULT", "1");
            }
            let out = scan.output().unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{name}: {stdout} {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(stdout.contains("vault:live/DB_PASSWORD"), "{stdout}");
            assert!(stdout.contains("settings.py"), "{stdout}");
            assert!(
                !stdout.contains("first-Pa55word!"),
                "the value is redacted: {stdout}"
            );
            assert!(!String::from_utf8_lossy(&out.stderr).contains("first-Pa55word!"));
        }
        // Without a token the vault cannot be asked: an error, not a pass.
        let no_token = keywarden()
            .env("KEYWARDEN_URL", &server.url)
            .env_remove("KEYWARDEN_TOKEN")
            .args(["scan", "--vault"])
            .arg(repo.path())
            .output()
            .unwrap();
        assert_eq!(no_token.status.code(), Some(2));

        // The server stops: `run` starts from the encrypted cache.
        let log = server.log();
        let url = server.url.clone();
        server.kill9();
        let offline = cli_offline(&url, &root, cache.path())
            .args(["run", "--env", "live", "--", "python3", "-c", PRINT_ENV])
            .output()
            .unwrap();
        let seen = env_of(&offline);
        assert_eq!(
            seen.get("DB_PASSWORD").map(String::as_str),
            Some("first-Pa55word!")
        );
        assert!(
            String::from_utf8_lossy(&offline.stderr).contains("starting from the offline cache"),
            "{}",
            String::from_utf8_lossy(&offline.stderr)
        );
        let stale = cli_offline(&url, &root, cache.path())
            .args(["run", "--env", "live", "--max-age", "0s", "--", "true"])
            .output()
            .unwrap();
        assert_eq!(stale.status.code(), Some(69), "{name}: the documented code");
        assert!(String::from_utf8_lossy(&stale.stderr).contains("older than --max-age 0s"));
        let other_token = cli_offline(&url, "kw_root_another", cache.path())
            .args(["run", "--env", "live", "--", "true"])
            .output()
            .unwrap();
        assert_eq!(other_token.status.code(), Some(69));

        // No value in the cache, the data directory, the log or the tables.
        let caches = files_under(cache.path());
        assert_eq!(caches.len(), 1, "{caches:?}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&caches[0]).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{name}: the cache's mode");
        }
        let mut blobs: Vec<(String, Vec<u8>)> = vec![("server log".into(), log.into_bytes())];
        for f in caches {
            blobs.push((f.display().to_string(), std::fs::read(&f).unwrap()));
        }
        if db.data_dir().exists() {
            for f in files_under(&db.data_dir()) {
                blobs.push((f.display().to_string(), std::fs::read(&f).unwrap()));
            }
        }
        if let Some(url) = &db.postgres_url {
            blobs.push(("postgres tables".into(), postgres_dump(url)));
        }
        let values: Vec<&str> = expected
            .values()
            .map(String::as_str)
            .chain(["first-Pa55word!", "second-Pa55word!", "dev-only-value-123"])
            .filter(|v| v.len() >= 10)
            .collect();
        assert!(values.len() > 20);
        for value in values {
            for (what, bytes) in &blobs {
                assert!(
                    !bytes.windows(value.len()).any(|w| w == value.as_bytes()),
                    "{name}: a value is in {what}: {value:?}"
                );
            }
        }
    }
}

/// `keywarden` aimed at a server that is gone.
fn cli_offline(url: &str, token: &str, cache: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("keywarden"));
    cmd.env("KEYWARDEN_URL", url)
        .env("KEYWARDEN_TOKEN", token)
        .env("KEYWARDEN_CACHE_DIR", cache);
    cmd
}

#[test]
fn run_watch_restarts_the_command_with_the_new_value() {
    let _machine = crate::machine_lock();
    let db = Db::sqlite();
    let server = Server::start(&db, &[("KEYWARDEN_MASTER_KEY", MASTER)]);
    let root = server.root_key().unwrap();
    let cache = tempfile::tempdir().unwrap();
    set(&server, &root, "live", "FEATURE", "first");
    let mut child = cli(&server, &root, cache.path())
        .args(["run", "--env", "live", "--watch", "--", "sh", "-c"])
        // The trap first: a TERM right after the line is the trap's.
        .arg("trap 'echo stopping; exit 0' TERM; echo \"started $FEATURE\"; while :; do sleep 0.1; done")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lines = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    let tx = lines.0;
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let next = |deadline: Duration| lines.1.recv_timeout(deadline).unwrap();
    assert_eq!(next(Duration::from_secs(20)), "started first");
    set(&server, &root, "live", "FEATURE", "second");
    let changed = Instant::now();
    assert_eq!(next(Duration::from_secs(20)), "stopping");
    assert_eq!(next(Duration::from_secs(20)), "started second");
    // Within 2 s on this machine; the bound here only catches a hang.
    let took = changed.elapsed();
    assert!(took < Duration::from_secs(15), "restarted after {took:?}");
    // SIGTERM to `run` reaches the child, whose exit code is run's.
    rustix_free_kill(child.id());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "the child's `exit 0` on TERM");
}

fn rustix_free_kill(pid: u32) {
    std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
}

#[test]
fn admin_master_key_rotate_moves_every_data_key() {
    let db = Db::sqlite();
    let old = MASTER;
    let new = "6f".repeat(32);
    let server = Server::start(&db, &[("KEYWARDEN_MASTER_KEY", old)]);
    let root = server.root_key().unwrap();
    set(&server, &root, "live", "ROTATED", "value-before-rotation");
    let key = server.cli_json(&root, &["key", "create", "--env", "live", "--recoverable"]);
    server.kill9();
    let rotate = |env: &[(&str, &str)]| {
        let mut cmd = keywarden();
        cmd.args(["admin", "master-key", "rotate", "--json"]);
        for (k, v) in db.env() {
            cmd.env(k, v);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    // Without the old key named, nothing can be opened: refused, said why.
    let refused = rotate(&[("KEYWARDEN_MASTER_KEY", &new)]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("KEYWARDEN_MASTER_KEY_PREVIOUS"));
    let done = rotate(&[
        ("KEYWARDEN_MASTER_KEY", &new),
        ("KEYWARDEN_MASTER_KEY_PREVIOUS", old),
    ]);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let done: Value = serde_json::from_slice(&done.stdout).unwrap();
    assert_eq!(done["rewrapped"], 2, "{done}");
    // A node with the new key alone reads the secret and reveals the key.
    let server = Server::start(&db, &[("KEYWARDEN_MASTER_KEY", &new)]);
    let got = server.cli(&root, &["secrets", "get", "ROTATED", "--env", "live"]);
    assert_eq!(
        String::from_utf8_lossy(&got.stdout),
        "value-before-rotation"
    );
    let revealed = server.cli(&root, &["key", "reveal", key["id"].as_str().unwrap()]);
    assert_eq!(
        String::from_utf8_lossy(&revealed.stdout).trim(),
        key["key"].as_str().unwrap()
    );
    let audit = server.cli_json(&root, &["audit", "list", "--action", "master_key.rotate"]);
    assert_eq!(audit["entries"].as_array().unwrap().len(), 1, "{audit}");
}
