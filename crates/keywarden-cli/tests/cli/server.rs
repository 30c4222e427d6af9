//! The real `keywarden serve` process, driven by the real CLI, on SQLite and
//! PostgreSQL: the lifecycle, crash safety (kill -9), no plaintext at rest or
//! in logs, root-key permissions, and the audit chain check.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::Value;

use crate::keywarden;

/// A database for one test: a SQLite data dir, or a PostgreSQL schema.
pub(crate) struct Db {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) postgres_url: Option<String>,
}

impl Db {
    pub(crate) fn sqlite() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            postgres_url: None,
        }
    }

    /// A fresh schema on the test PostgreSQL, or `None` when not configured.
    pub(crate) fn postgres() -> Option<Self> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let url = rt.block_on(keywarden_store::testing::postgres_schema_url())?;
        Some(Self {
            dir: tempfile::tempdir().unwrap(),
            postgres_url: Some(url),
        })
    }

    /// Both backends (PostgreSQL when configured).
    pub(crate) fn each() -> Vec<Self> {
        let mut v = vec![Self::sqlite()];
        v.extend(Self::postgres());
        v
    }

    pub(crate) fn name(&self) -> &'static str {
        if self.postgres_url.is_some() {
            "postgres"
        } else {
            "sqlite"
        }
    }

    pub(crate) fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Environment for `serve` and `admin` against this database.
    pub(crate) fn env(&self) -> Vec<(&'static str, String)> {
        let mut env = vec![("KEYWARDEN_DATA_DIR", self.data_dir().display().to_string())];
        if let Some(url) = &self.postgres_url {
            env.push(("KEYWARDEN_DATABASE_URL", url.clone()));
            env.push(("KEYWARDEN_PEPPER", format!("1:{}", "ab".repeat(32))));
        }
        env
    }
}

/// A running `keywarden serve`.
pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) url: String,
    pub(crate) stdout: PathBuf,
    pub(crate) stderr: PathBuf,
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Server {
    pub(crate) fn start(db: &Db, extra_env: &[(&str, &str)]) -> Self {
        let port = free_port();
        let n = std::fs::read_dir(db.dir.path()).map_or(0, Iterator::count);
        let stdout = db.dir.path().join(format!("serve-{n}.out"));
        let stderr = db.dir.path().join(format!("serve-{n}.err"));
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("keywarden"));
        cmd.arg("serve")
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .env("KEYWARDEN_LOG", "debug,sqlx=warn,hyper=info")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap());
        for (k, v) in db.env() {
            cmd.env(k, v);
        }
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().unwrap();
        let server = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            stdout,
            stderr,
        };
        server.wait_ready();
        server
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if reqwest::blocking::get(format!("{}/healthz", self.url))
                .is_ok_and(|r| r.status().is_success())
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "the server did not start: {}",
            std::fs::read_to_string(&self.stderr).unwrap_or_default()
        );
    }

    /// The bootstrap root key it printed, if any.
    pub(crate) fn root_key(&self) -> Option<String> {
        let out = std::fs::read_to_string(&self.stdout).unwrap();
        out.lines()
            .find_map(|l| l.strip_prefix("root key: "))
            .map(str::to_owned)
    }

    /// `keywarden …` as a client of this server.
    pub(crate) fn cli(&self, token: &str, args: &[&str]) -> std::process::Output {
        keywarden()
            .env("KEYWARDEN_URL", &self.url)
            .env("KEYWARDEN_TOKEN", token)
            .args(args)
            .output()
            .unwrap()
    }

    /// `keywarden … --json` that must succeed.
    pub(crate) fn cli_json(&self, token: &str, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.cli(token, &all);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// `keywarden key verify` with `key` on stdin; the outcome code.
    pub(crate) fn verify(&self, token: &str, key: &str) -> String {
        let out = keywarden()
            .env("KEYWARDEN_URL", &self.url)
            .env("KEYWARDEN_TOKEN", token)
            .args(["key", "verify"])
            .write_stdin(key)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }

    pub(crate) fn kill9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Sends SIGTERM and waits at most `within` for the process to exit:
    /// its exit status (`None` if it was still running, then killed) and
    /// its log.
    pub(crate) fn terminate(
        mut self,
        within: Duration,
    ) -> (Option<std::process::ExitStatus>, String) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let deadline = Instant::now() + within;
        let mut status = None;
        while Instant::now() < deadline {
            if let Some(s) = self.child.try_wait().unwrap() {
                status = Some(s);
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        (status, self.log())
    }

    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn admin(db: &Db, args: &[&str]) -> std::process::Output {
    let mut cmd = keywarden();
    cmd.arg("admin").args(args);
    for (k, v) in db.env() {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn lifecycle_through_the_cli_on_each_backend() {
    for db in Db::each() {
        let server = Server::start(&db, &[]);
        let root = server
            .root_key()
            .unwrap_or_else(|| panic!("{}: no root key printed", db.name()));
        assert!(keywarden_core::key::parse(&root).unwrap().environment() == "root");

        let created = server.cli_json(
            &root,
            &[
                "key",
                "create",
                "--env",
                "live",
                "--owner",
                "acme",
                "--scope",
                "orders:read",
                "--expires-in",
                "30d",
                "--rate-limit",
                "100/1m",
            ],
        );
        let key = created["key"].as_str().unwrap().to_owned();
        let id = created["id"].as_str().unwrap().to_owned();
        assert_eq!(created["rate_limit"]["window_seconds"], 60);
        assert_eq!(server.verify(&root, &key), "VALID", "{}", db.name());

        let text = server.cli(&root, &["key", "list"]);
        let listed = String::from_utf8(text.stdout).unwrap();
        assert!(listed.starts_with("ID"), "{listed}");
        assert!(listed.contains(&id) && listed.contains("acme") && listed.contains("active"));
        assert!(!listed.contains(&key), "lists never show the key");

        let shown = server.cli_json(&root, &["key", "show", &id]);
        assert_eq!(shown["scopes"][0], "orders:read");
        let updated = server.cli_json(
            &root,
            &[
                "key", "update", &id, "--scope", "orders:*", "--name", "billing",
            ],
        );
        assert_eq!(updated["name"], "billing");

        let rolled = server.cli_json(&root, &["key", "roll", &id, "--grace", "1h"]);
        let new_key = rolled["key"].as_str().unwrap().to_owned();
        assert_eq!(rolled["previous"]["rotated_to"], rolled["id"]);
        assert_eq!(server.verify(&root, &key), "VALID", "grace period");
        assert_eq!(server.verify(&root, &new_key), "VALID");

        let out = server.cli(
            &root,
            &[
                "key",
                "revoke",
                rolled["id"].as_str().unwrap(),
                "--reason",
                "test",
            ],
        );
        assert!(out.status.success());
        assert_eq!(server.verify(&root, &new_key), "REVOKED");

        // Bulk revoke refuses without --yes off a terminal, then works with it.
        let out = server.cli(&root, &["key", "revoke", "--owner", "acme"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
        let bulk = server.cli_json(&root, &["key", "revoke", "--owner", "acme", "--yes"]);
        assert_eq!(
            bulk["revoked"],
            1,
            "{}: only the old key was still active",
            db.name()
        );
        assert_eq!(server.verify(&root, &key), "REVOKED");

        let audit = server.cli(&root, &["audit", "list", "--limit", "100"]);
        let audit = String::from_utf8(audit.stdout).unwrap();
        for action in [
            "key.create",
            "key.update",
            "key.roll",
            "key.revoke",
            "key.bulk_revoke",
        ] {
            assert!(audit.contains(action), "{action} not in\n{audit}");
        }
        drop(server);
        let check = admin(&db, &["audit", "verify"]);
        assert_eq!(
            check.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&check.stderr)
        );
        assert!(String::from_utf8_lossy(&check.stdout).contains("audit chain OK"));
    }
}

#[test]
fn acknowledged_changes_survive_kill_9() {
    for db in Db::each() {
        let server = Server::start(&db, &[]);
        let root = server.root_key().unwrap();
        let keep = server.cli_json(&root, &["key", "create", "--env", "live"]);
        let kill = server.cli_json(&root, &["key", "create", "--env", "live"]);
        let revoked = server.cli(&root, &["key", "revoke", kill["id"].as_str().unwrap()]);
        assert!(revoked.status.success());
        let rolled = server.cli_json(
            &root,
            &["key", "roll", keep["id"].as_str().unwrap(), "--grace", "0s"],
        );
        server.kill9();

        let server = Server::start(&db, &[]);
        assert!(
            server.root_key().is_none(),
            "{}: the root key is printed once only",
            db.name()
        );
        assert_eq!(
            server.verify(&root, kill["key"].as_str().unwrap()),
            "REVOKED",
            "{}",
            db.name()
        );
        assert_eq!(
            server.verify(&root, keep["key"].as_str().unwrap()),
            "EXPIRED",
            "{}",
            db.name()
        );
        assert_eq!(
            server.verify(&root, rolled["key"].as_str().unwrap()),
            "VALID",
            "{}",
            db.name()
        );
        drop(server);
        // A kill -9 keeps what reached the kernel whether or not it was
        // synced: what makes these writes survive a power cut as well is the
        // commit's sync, so hold the store to it (the power-cut test below
        // shows what it buys).
        let expected = if db.postgres_url.is_some() { "on" } else { "2" };
        assert_eq!(
            commit_durability(&db),
            expected,
            "{}: commits must wait for the disk (SQLite synchronous=FULL is 2, PostgreSQL \
             synchronous_commit=on)",
            db.name()
        );
    }
}

/// What the store's committing connection reports of its commits'
/// durability ([`keywarden_store::Store::commit_durability`]), for the
/// store `serve` opens on `db`.
fn commit_durability(db: &Db) -> String {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let peppers = keywarden_core::digest::PepperRing::new(
                keywarden_core::digest::Pepper::new(1, &[0xab; 32]).unwrap(),
            );
            let store = match &db.postgres_url {
                Some(url) => keywarden_store::Store::open(url, peppers).await,
                None => keywarden_store::Store::open_in_dir(&db.data_dir(), peppers).await,
            }
            .unwrap();
            let level = store.commit_durability().await.unwrap();
            store.close().await;
            level
        })
}

/// An ext4 file system on a loop device whose power a test can cut:
/// `xfs_io -x -c shutdown` (xfstests' way to simulate a power failure)
/// stops it at once without writing back its page cache or its journal, so
/// what was not synced to the device is lost, as on power loss; unmounted
/// and mounted again, it is what the device held.
struct PowerCutFs {
    dir: tempfile::TempDir,
    mounted: bool,
}

impl PowerCutFs {
    /// `None` (with a message) where this process cannot make and mount
    /// one (not root, no `mkfs.ext4` or `xfs_io`); with
    /// `KEYWARDEN_REQUIRE_DISK=1` (CI, as root) that is a failure.
    fn mount() -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let mut fs = Self {
            dir,
            mounted: false,
        };
        std::fs::create_dir(fs.mountpoint()).unwrap();
        let image = fs.image();
        std::fs::File::create(&image)
            .unwrap()
            .set_len(64 << 20)
            .unwrap();
        let steps: [(&str, Vec<&std::ffi::OsStr>); 2] = [
            ("xfs_io", vec!["-V".as_ref()]),
            (
                "mkfs.ext4",
                vec!["-q".as_ref(), "-F".as_ref(), image.as_os_str()],
            ),
        ];
        for (program, args) in steps {
            if let Err(why) = run(program, &args) {
                return Self::unavailable(&why);
            }
        }
        match fs.mount_image() {
            Ok(()) => {
                fs.mounted = true;
                Some(fs)
            }
            Err(why) => Self::unavailable(&why),
        }
    }

    fn unavailable(why: &str) -> Option<Self> {
        assert!(
            std::env::var("KEYWARDEN_REQUIRE_DISK").as_deref() != Ok("1"),
            "KEYWARDEN_REQUIRE_DISK=1 but a loop-mounted ext4 cannot be had ({why}): \
             the power-cut test cannot run (root, mkfs.ext4 and xfs_io from xfsprogs)"
        );
        eprintln!("SKIPPED: no loop-mounted ext4 here ({why}): the power-cut test");
        None
    }

    fn image(&self) -> PathBuf {
        self.dir.path().join("disk.img")
    }

    fn mountpoint(&self) -> PathBuf {
        self.dir.path().join("mnt")
    }

    fn mount_image(&self) -> Result<(), String> {
        run(
            "mount",
            &[
                "-o".as_ref(),
                "loop".as_ref(),
                self.image().as_os_str(),
                self.mountpoint().as_os_str(),
            ],
        )
    }

    /// The power fails: nothing more reaches the device.
    fn cut_power(&self) {
        run(
            "xfs_io",
            &[
                "-x".as_ref(),
                "-c".as_ref(),
                "shutdown".as_ref(),
                self.mountpoint().as_os_str(),
            ],
        )
        .unwrap();
    }

    /// The machine is back: the file system as the device held it (the
    /// journal replayed).
    fn power_on(&mut self) {
        run("umount", &[self.mountpoint().as_os_str()]).unwrap();
        self.mounted = false;
        self.mount_image().unwrap();
        self.mounted = true;
    }
}

impl Drop for PowerCutFs {
    fn drop(&mut self) {
        if self.mounted {
            let _ = Command::new("umount")
                .arg("-l")
                .arg(self.mountpoint())
                .status();
        }
    }
}

/// Runs `program`; its stderr on failure.
fn run(program: &str, args: &[&std::ffi::OsStr]) -> Result<(), String> {
    match Command::new(program).args(args).output() {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err(format!(
            "{program}: {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(e) => Err(format!("{program}: {e}")),
    }
}

/// Power fails under a SQLite node taking writes from several clients:
/// every create and revoke it acknowledged before (or while) the power went
/// is there after the restart. With `synchronous=NORMAL` or `OFF` the WAL
/// is not synced at commit, and the last acknowledged writes are lost.
#[test]
fn acknowledged_changes_survive_a_power_cut() {
    let Some(mut fs) = PowerCutFs::mount() else {
        return;
    };
    let db = Db::sqlite();
    let data = fs.mountpoint().join("data");
    let data_env = data.display().to_string();
    let env = [("KEYWARDEN_DATA_DIR", data_env.as_str())];
    let server = Server::start(&db, &env);
    let root = server.root_key().unwrap();
    let http = reqwest::blocking::Client::new();
    let create = |http: &reqwest::blocking::Client| -> Option<(String, String)> {
        let r = http
            .post(format!("{}/v1/keys", server.url))
            .bearer_auth(&root)
            .json(&serde_json::json!({"environment": "live"}))
            .send()
            .ok()?;
        if r.status() != 201 {
            return None;
        }
        let v: Value = r.json().ok()?;
        Some((v["id"].as_str()?.to_owned(), v["key"].as_str()?.to_owned()))
    };
    // Each writer creates keys and revokes every other one it created.
    // Acknowledged creates: (key, whether its revoke was acknowledged, or
    // `None` when one was sent but not acknowledged: then it may be either).
    let acknowledged = std::sync::Mutex::new(Vec::<(String, Option<bool>)>::new());
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            let (create, acknowledged, stop) = (&create, &acknowledged, &stop);
            let (server, root) = (&server, &root);
            scope.spawn(move || {
                let http = reqwest::blocking::Client::new();
                for i in 0.. {
                    if stop.load(std::sync::atomic::Ordering::SeqCst) {
                        break;
                    }
                    let Some((id, key)) = create(&http) else {
                        break;
                    };
                    if i % 2 == 1 {
                        acknowledged.lock().unwrap().push((key, Some(false)));
                        continue;
                    }
                    let revoked = http
                        .post(format!("{}/v1/keys/{id}/revoke", server.url))
                        .bearer_auth(root)
                        .send()
                        .is_ok_and(|r| r.status().is_success());
                    acknowledged
                        .lock()
                        .unwrap()
                        .push((key, revoked.then_some(true)));
                    if !revoked {
                        break;
                    }
                }
            });
        }
        // Well within ext4's 5 s journal commit and the kernel's 30 s
        // write-back: only a commit's own sync puts it on the device.
        std::thread::sleep(Duration::from_millis(1_500));
        fs.cut_power();
        std::thread::sleep(Duration::from_millis(200));
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    server.kill9();
    fs.power_on();

    let acknowledged = acknowledged.into_inner().unwrap();
    let revokes = acknowledged
        .iter()
        .filter(|(_, revoked)| *revoked == Some(true))
        .count();
    assert!(
        acknowledged.len() >= 20 && revokes >= 10,
        "too few writes before the power cut ({} keys, {revokes} revoked): the test proves nothing",
        acknowledged.len()
    );
    let server = Server::start(&db, &env);
    let verify = |key: &str| -> String {
        let r: Value = http
            .post(format!("{}/v1/verify", server.url))
            .bearer_auth(&root)
            .json(&serde_json::json!({ "key": key }))
            .send()
            .unwrap()
            .json()
            .unwrap();
        r["code"]
            .as_str()
            .map_or_else(|| format!("refused: {r}"), str::to_owned)
    };
    let mut lost = Vec::new();
    for (key, revoked) in &acknowledged {
        let code = verify(key);
        let fine = match revoked {
            Some(true) => code == "REVOKED",
            Some(false) => code == "VALID",
            None => code == "VALID" || code == "REVOKED",
        };
        if !fine {
            lost.push(format!("a key acknowledged {revoked:?} is {code}"));
        }
    }
    eprintln!(
        "power cut: {} creates and {revokes} revokes acknowledged, {} lost",
        acknowledged.len(),
        lost.len()
    );
    assert!(
        lost.is_empty(),
        "acknowledged writes were lost to a power cut: {} of {} keys ({:?}...)",
        lost.len(),
        acknowledged.len(),
        &lost[..lost.len().min(5)]
    );
    drop(server);
    let check = keywarden()
        .args(["admin", "audit", "verify"])
        .env("KEYWARDEN_DATA_DIR", &data)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "the audit chain after the power cut: {}",
        String::from_utf8_lossy(&check.stdout)
    );
}

pub(crate) fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Every row of every keywarden table, as text.
pub(crate) fn postgres_dump(url: &str) -> Vec<u8> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            use sqlx::{Connection, Row};
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            let mut all = String::new();
            for table in [
                "api_keys",
                "root_keys",
                "audit_log",
                "usage_events",
                "events",
                "console_sessions",
                "secrets",
                "secret_versions",
            ] {
                let rows = sqlx::query(&format!("SELECT row_to_json(t)::text AS j FROM {table} t"))
                    .fetch_all(&mut c)
                    .await
                    .unwrap();
                assert!(table != "api_keys" || !rows.is_empty());
                for r in rows {
                    all.push_str(&r.get::<String, _>("j"));
                }
            }
            all.into_bytes()
        })
}

#[test]
fn no_plaintext_key_in_the_data_dir_or_the_log() {
    for db in Db::each() {
        let server = Server::start(&db, &[("KEYWARDEN_MASTER_KEY", &"cd".repeat(32))]);
        let root = server.root_key().unwrap();
        let mut secrets = Vec::new();
        for i in 0..5 {
            let k = server.cli_json(
                &root,
                &["key", "create", "--env", "live", "--owner", "acme"],
            );
            secrets.push(k["key"].as_str().unwrap().to_owned());
            server.verify(&root, k["key"].as_str().unwrap());
            if i % 2 == 0 {
                let r = server.cli_json(&root, &["key", "roll", k["id"].as_str().unwrap()]);
                secrets.push(r["key"].as_str().unwrap().to_owned());
                server.cli(&root, &["key", "revoke", r["id"].as_str().unwrap()]);
            }
        }
        // A recoverable key is stored encrypted: its plaintext is not on disk either.
        let rec = server.cli_json(&root, &["key", "create", "--env", "live", "--recoverable"]);
        secrets.push(rec["key"].as_str().unwrap().to_owned());
        // Hostile input reaches the log path too.
        server.verify(&root, &format!("{}x", secrets[0]));
        let log = server.log();
        let stdout = std::fs::read_to_string(&server.stdout).unwrap();
        server.kill9();

        let mut blobs: Vec<(String, Vec<u8>)> = vec![("server log".into(), log.into_bytes())];
        if db.data_dir().exists() {
            for f in files_under(&db.data_dir()) {
                blobs.push((f.display().to_string(), std::fs::read(&f).unwrap()));
            }
        }
        if let Some(url) = &db.postgres_url {
            blobs.push(("postgres tables".into(), postgres_dump(url)));
        }
        for secret in &secrets {
            // The secret part: 43 random base62 characters.
            let needle = &secret[secret.len() - 49..secret.len() - 6];
            for (name, bytes) in &blobs {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                    "{}: a key's secret is in {name}",
                    db.name()
                );
            }
        }
        // The root key appears on stdout once, never in the log.
        let root_secret = &root[8..51];
        assert!(!blobs[0].1.windows(43).any(|w| w == root_secret.as_bytes()));
        assert_eq!(stdout.matches(&root).count(), 1);
    }
}

#[test]
fn root_key_permissions_and_revocation() {
    let db = Db::sqlite();
    let server = Server::start(&db, &[]);
    let made = admin(
        &db,
        &[
            "root-key",
            "create",
            "--permission",
            "keys:read",
            "--permission",
            "keys:verify",
            "--json",
        ],
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let made: Value = serde_json::from_slice(&made.stdout).unwrap();
    let reader = made["key"].as_str().unwrap();

    let out = server.cli(reader, &["key", "create", "--env", "live"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("permission denied") && err.contains("keys:write"),
        "{err}"
    );
    assert!(server.cli(reader, &["key", "list"]).status.success());

    let out = admin(&db, &["root-key", "revoke", made["id"].as_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = server.cli(reader, &["key", "list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("revoked"));

    let listed = admin(&db, &["root-key", "list", "--json"]);
    let listed: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    let bad = admin(
        &db,
        &["root-key", "create", "--permission", "keys:everything"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown permission"));
}

#[test]
fn tampering_with_the_audit_log_is_detected() {
    let db = Db::sqlite();
    {
        let server = Server::start(&db, &[]);
        let root = server.root_key().unwrap();
        for _ in 0..3 {
            server.cli_json(&root, &["key", "create", "--env", "live"]);
        }
    }
    assert_eq!(admin(&db, &["audit", "verify"]).status.code(), Some(0));
    let url = keywarden_store::sqlite_url(&db.data_dir());
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            use sqlx::Connection;
            let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query("UPDATE audit_log SET actor = 'nobody' WHERE seq = 2")
                .execute(&mut c)
                .await
                .unwrap();
        });
    let out = admin(&db, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("BROKEN at entry 2"));
}

/// The head record only proves that the log once ended at its entry: an
/// old head row put back over a cut log passes `admin audit verify`. A
/// checkpoint line kept outside the database does not: `verify
/// --checkpoint LINE` exits 1 (and 2 for a line that is no checkpoint of
/// this deployment).
#[test]
fn a_checkpoint_kept_elsewhere_catches_an_old_head_put_back() {
    let db = Db::sqlite();
    let url = keywarden_store::sqlite_url(&db.data_dir());
    let sql = |statements: &[&str]| -> Vec<Vec<u8>> {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async {
                use sqlx::{Connection, Row};
                let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
                let mut out = Vec::new();
                for s in statements {
                    for row in sqlx::query(s).fetch_all(&mut c).await.unwrap() {
                        out.push(row.try_get::<Vec<u8>, _>(0).unwrap_or_default());
                    }
                }
                out
            })
    };
    let root = {
        let server = Server::start(&db, &[]);
        let root = server.root_key().unwrap();
        server.cli_json(&root, &["key", "create", "--env", "live"]);
        root
    };
    // What an attacker with write access saves: the head row, as it is.
    let saved = sql(&[
        "SELECT quote(seq) || ',' || quote(hash) || ',' || quote(key_version) || ',' || quote(mac) FROM audit_head",
    ]);
    let saved = String::from_utf8(saved[0].clone()).unwrap();
    {
        let server = Server::start(&db, &[]);
        for _ in 0..3 {
            server.cli_json(&root, &["key", "create", "--env", "live"]);
        }
    }
    let out = admin(&db, &["audit", "checkpoint"]);
    assert_eq!(out.status.code(), Some(0));
    let line = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert_eq!(line.split(':').count(), 3, "{line}");
    let check = |line: &str| admin(&db, &["audit", "verify", "--checkpoint", line]);
    let out = check(&line);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("reached"));

    // The attack: the newer entries go, the saved head comes back.
    let seq: &str = saved.split(',').next().unwrap();
    sql(&[
        &format!("DELETE FROM audit_log WHERE seq > {seq}"),
        "DELETE FROM audit_head",
        &format!("INSERT INTO audit_head (id, seq, hash, key_version, mac) VALUES (1, {saved})"),
    ]);
    assert_eq!(
        admin(&db, &["audit", "verify"]).status.code(),
        Some(0),
        "the documented limit: without a checkpoint the cut is not seen"
    );
    let out = check(&line);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("NOT REACHED"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // A forged line is an error, not a verdict.
    let forged = format!("{}:{}", line.rsplit_once(':').unwrap().0, "0".repeat(64));
    assert_eq!(check(&forged).status.code(), Some(2));
}

#[test]
fn clear_errors_for_the_operator() {
    // PostgreSQL without a pepper: refused at start, with the reason.
    let out = keywarden()
        .args([
            "serve",
            "--database-url",
            "postgres://127.0.0.1:1/none",
            "--listen",
            "127.0.0.1:0",
        ])
        .env_remove("KEYWARDEN_PEPPER")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("KEYWARDEN_PEPPER is required with PostgreSQL")
    );

    // A GitHub key file that cannot be used: refused at start, named.
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("github-keys.json");
    std::fs::write(&keys, r#"{"public_keys": []}"#).unwrap();
    let out = keywarden()
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path().join("data"))
        .env("KEYWARDEN_GITHUB_PARTNER_KEYS", &keys)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("github_partner_keys") && stderr.contains("no P-256 public key"),
        "{stderr}"
    );
    assert!(!dir.path().join("data").exists(), "nothing was created");

    // A client with no server, or no token.
    let out = keywarden()
        .env("KEYWARDEN_URL", format!("http://127.0.0.1:{}", free_port()))
        .env("KEYWARDEN_TOKEN", "kw_root_x")
        .args(["key", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot reach keywarden"));
    let out = keywarden()
        .env_remove("KEYWARDEN_TOKEN")
        .args(["key", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("KEYWARDEN_TOKEN"));

    // A bad token is a 401 with advice.
    let db = Db::sqlite();
    let server = Server::start(&db, &[]);
    let out = server.cli("kw_root_wrong", &["key", "list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refused the credentials"));
}

/// The database URL holds a password: `KEYWARDEN_DATABASE_URL_FILE` reads
/// it from a file, under the rule of the `*_FILE` secrets (a file every
/// user can read is refused; the variable and the file together are an
/// error). `serve` and `admin` read it alike.
#[cfg(unix)]
#[test]
fn the_database_url_comes_from_a_private_file() {
    use std::os::unix::fs::PermissionsExt;
    for db in Db::each() {
        let elsewhere = db.dir.path().join("elsewhere.db");
        let url = db
            .postgres_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", elsewhere.display()));
        let url_file = db.dir.path().join("database-url");
        std::fs::write(&url_file, format!("{url}\n")).unwrap();
        std::fs::set_permissions(&url_file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let admin_with = |extra: &[(&str, &std::ffi::OsStr)], args: &[&str]| {
            let mut cmd = keywarden();
            cmd.arg("admin").args(args);
            for (k, v) in db.env() {
                if k != "KEYWARDEN_DATABASE_URL" {
                    cmd.env(k, v);
                }
            }
            for (k, v) in extra {
                cmd.env(k, v);
            }
            cmd.output().unwrap()
        };
        let from_file = [("KEYWARDEN_DATABASE_URL_FILE", url_file.as_os_str())];
        let out = admin_with(
            &from_file,
            &["root-key", "create", "--permission", "keys:read", "--json"],
        );
        assert!(
            out.status.success(),
            "{}: {}",
            db.name(),
            String::from_utf8_lossy(&out.stderr)
        );
        let created: Value = serde_json::from_slice(&out.stdout).unwrap();
        let id = created["id"].as_str().unwrap().to_owned();
        if db.postgres_url.is_none() {
            assert!(elsewhere.exists(), "the store is not where the file says");
            assert!(!db.data_dir().join("keywarden.db").exists());
        }
        // The same store, named by the variable itself.
        let out = admin_with(
            &[("KEYWARDEN_DATABASE_URL", std::ffi::OsStr::new(&url))],
            &["root-key", "list", "--json"],
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(&id),
            "{}",
            db.name()
        );
        // And serve reads it too (SQLite: the data directory holds the
        // pepper, not the store).
        if db.postgres_url.is_none() {
            let path = url_file.display().to_string();
            let server = Server::start(&db, &[("KEYWARDEN_DATABASE_URL_FILE", path.as_str())]);
            assert!(
                server.root_key().is_none(),
                "the store of the file has a root key"
            );
            drop(server);
            assert!(!db.data_dir().join("keywarden.db").exists());
        }

        // Both forms: an error that names them.
        let out = admin_with(
            &[
                ("KEYWARDEN_DATABASE_URL_FILE", url_file.as_os_str()),
                ("KEYWARDEN_DATABASE_URL", std::ffi::OsStr::new(&url)),
            ],
            &["root-key", "list"],
        );
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("both set"));
        // A file every user can read: refused, named.
        std::fs::set_permissions(&url_file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = admin_with(&from_file, &["root-key", "list"]);
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("KEYWARDEN_DATABASE_URL_FILE")
                && stderr.contains("readable by every user"),
            "{stderr}"
        );
        assert!(!stderr.contains(&url), "the URL is not echoed: {stderr}");
    }
}

#[test]
fn revocation_reaches_every_node_within_a_second() {
    let Some(db) = Db::postgres() else {
        eprintln!("SKIPPED: needs PostgreSQL (KEYWARDEN_TEST_DATABASE_URL)");
        return;
    };
    let a = Server::start(&db, &[("KEYWARDEN_NODE_ID", "a")]);
    let root = a.root_key().unwrap();
    let b = Server::start(&db, &[("KEYWARDEN_NODE_ID", "b")]);
    assert!(b.root_key().is_none(), "one root key for the cluster");
    let http = reqwest::blocking::Client::new();
    let check = |node: &Server, key: &str| {
        http.get(format!("{}/v1/forward-auth", node.url))
            .header("x-api-key", key)
            .send()
            .unwrap()
            .status()
            .as_u16()
    };
    let cache_hits = |node: &Server| -> u64 {
        let text = http
            .get(format!("{}/metrics", node.url))
            .send()
            .unwrap()
            .text()
            .unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix("keywarden_cache_hits_total "))
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    };
    for round in 0..3 {
        let k = a.cli_json(&root, &["key", "create", "--env", "live"]);
        let key = k["key"].as_str().unwrap();
        // Node B has the key in its cache: its second answer is a cache hit.
        assert_eq!(check(&b, key), 200);
        let hits = cache_hits(&b);
        assert_eq!(check(&b, key), 200);
        assert!(
            cache_hits(&b) > hits,
            "round {round}: node B did not answer from its cache, so this test would prove nothing"
        );
        // The clock starts when node A acknowledges the revoke.
        let revoked = http
            .post(format!(
                "{}/v1/keys/{}/revoke",
                a.url,
                k["id"].as_str().unwrap()
            ))
            .bearer_auth(&root)
            .send()
            .unwrap();
        assert!(revoked.status().is_success());
        let started = Instant::now();
        loop {
            if check(&b, key) == 403 {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(1),
                "round {round}: node B still accepts a key revoked on node A"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        eprintln!(
            "round {round}: node B refused the key {:?} after the revoke was acknowledged",
            started.elapsed()
        );
    }
    // A bulk revoke on B reaches A as well.
    let k = b.cli_json(&root, &["key", "create", "--env", "test"]);
    let key = k["key"].as_str().unwrap();
    assert_eq!(check(&a, key), 200);
    let hits = cache_hits(&a);
    assert_eq!(check(&a, key), 200);
    assert!(cache_hits(&a) > hits, "node A answers from its cache");
    b.cli_json(&root, &["key", "revoke", "--env", "test", "--yes"]);
    let started = Instant::now();
    while check(&a, key) != 403 {
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "bulk revoke did not reach node A"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Disable on node A gives DISABLED on node B at once (its cached copy is
/// dropped as for a revocation), and enable on B restores the key on A.
#[test]
fn disable_and_enable_reach_every_node_at_once() {
    let Some(db) = Db::postgres() else {
        eprintln!("SKIPPED: needs PostgreSQL (KEYWARDEN_TEST_DATABASE_URL)");
        return;
    };
    let a = Server::start(&db, &[("KEYWARDEN_NODE_ID", "a")]);
    let root = a.root_key().unwrap();
    let b = Server::start(&db, &[("KEYWARDEN_NODE_ID", "b")]);
    let http = reqwest::blocking::Client::new();
    let check = |node: &Server, key: &str| {
        let res = http
            .get(format!("{}/v1/forward-auth", node.url))
            .header("x-api-key", key)
            .send()
            .unwrap();
        let status = res.status().as_u16();
        let body: serde_json::Value = res.json().unwrap_or_default();
        (
            status,
            body["error"]["code"].as_str().unwrap_or("").to_owned(),
        )
    };
    let cache_hits = |node: &Server| -> u64 {
        let text = http
            .get(format!("{}/metrics", node.url))
            .send()
            .unwrap()
            .text()
            .unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix("keywarden_cache_hits_total "))
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    };
    let k = a.cli_json(&root, &["key", "create", "--env", "live"]);
    let (key, id) = (k["key"].as_str().unwrap(), k["id"].as_str().unwrap());
    assert_eq!(check(&b, key).0, 200);
    // Node B answers from its cache (its cache_ttl is 30 s): without this
    // the test would pass on a node that asks the store every time, whether
    // or not the disable reached it.
    let hits = cache_hits(&b);
    assert_eq!(check(&b, key).0, 200);
    assert_eq!(
        cache_hits(&b),
        hits + 1,
        "node B did not answer from its cache, so this test would prove nothing"
    );

    let disabled = a.cli_json(&root, &["key", "disable", id]);
    assert_eq!(disabled["status"], "disabled");
    let started = Instant::now();
    while check(&b, key) != (403, "DISABLED".to_owned()) {
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "node B still accepts a key disabled on A (from its cache)"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    eprintln!(
        "node B refused the disabled key after {:?}",
        started.elapsed()
    );
    assert_eq!(check(&a, key), (403, "DISABLED".to_owned()));

    let enabled = b.cli_json(&root, &["key", "enable", id]);
    assert_eq!(enabled["status"], "active");
    let started = Instant::now();
    while check(&a, key).0 != 200 {
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "node A still refuses a key enabled on B"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Cluster rate limits under load: 16 concurrent clients, 8 on each of
/// two nodes on one PostgreSQL, for 9 s against a key limited to 300 per
/// 2-second window. Every answer names its window (`rate_limit.reset` of
/// `POST /v1/verify`), so admissions are counted per window, exactly: each
/// full window admits between 270 and 300 (the limit less 10%, and the
/// limit; counted per node it would be up to 600), with both nodes
/// admitting and the clients asking for well over the limit.
#[test]
fn a_rate_limit_holds_across_two_nodes() {
    let _machine = crate::machine_lock();
    use std::{
        collections::BTreeMap,
        sync::atomic::{AtomicBool, Ordering},
    };
    const LIMIT: u32 = 300;
    const WINDOW_MS: i64 = 2_000;
    const CLIENTS: usize = 16;
    let Some(db) = Db::postgres() else {
        eprintln!("SKIPPED: needs PostgreSQL (KEYWARDEN_TEST_DATABASE_URL)");
        return;
    };
    let a = Server::start(&db, &[("KEYWARDEN_NODE_ID", "a")]);
    let root = a.root_key().unwrap();
    let b = Server::start(&db, &[("KEYWARDEN_NODE_ID", "b")]);
    let k = a.cli_json(
        &root,
        &["key", "create", "--env", "live", "--rate-limit", "300/2s"],
    );
    assert_eq!(k["rate_limit"]["window_seconds"], 2);
    let key = k["key"].as_str().unwrap().to_owned();
    let now_ms = || {
        i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis(),
        )
        .unwrap()
    };
    // Window end → (admitted by node A, admitted by node B, refused).
    let counts = std::sync::Mutex::new(BTreeMap::<i64, [u32; 3]>::new());
    let stop = AtomicBool::new(false);
    let barrier = std::sync::Barrier::new(CLIENTS + 1);
    let (run_start, run_end) = std::thread::scope(|scope| {
        for client in 0..CLIENTS {
            let node = client % 2;
            let url = [&a.url, &b.url][node];
            let (counts, stop, barrier, key, root) = (&counts, &stop, &barrier, &key, &root);
            scope.spawn(move || {
                let http = reqwest::blocking::Client::new();
                let mut mine = BTreeMap::<i64, [u32; 3]>::new();
                barrier.wait();
                while !stop.load(Ordering::SeqCst) {
                    let r = http
                        .post(format!("{url}/v1/verify"))
                        .bearer_auth(root)
                        .json(&serde_json::json!({ "key": key }))
                        .send()
                        .unwrap();
                    assert_eq!(r.status(), 200);
                    let v: Value = r.json().unwrap();
                    let reset = v["rate_limit"]["reset"]
                        .as_str()
                        .and_then(keywarden_server::timefmt::parse_rfc3339)
                        .unwrap_or_else(|| panic!("no window in {v}"));
                    let slot = mine.entry(reset).or_default();
                    match v["code"].as_str() {
                        Some("VALID") => slot[node] += 1,
                        Some("RATE_LIMITED") => slot[2] += 1,
                        _ => panic!("unexpected answer {v}"),
                    }
                }
                let mut counts = counts.lock().unwrap();
                for (reset, n) in mine {
                    let slot = counts.entry(reset).or_default();
                    for i in 0..3 {
                        slot[i] += n[i];
                    }
                }
            });
        }
        barrier.wait();
        let run_start = now_ms();
        std::thread::sleep(Duration::from_secs(9));
        let run_end = now_ms();
        stop.store(true, Ordering::SeqCst);
        (run_start, run_end)
    });
    let counts = counts.into_inner().unwrap();
    let mut full = 0;
    for (reset, [by_a, by_b, refused]) in &counts {
        let admitted = by_a + by_b;
        let whole = reset - WINDOW_MS >= run_start && *reset <= run_end;
        eprintln!(
            "window ending {reset}{}: {admitted} admitted (node A {by_a}, node B {by_b}), {refused} refused",
            if whole { "" } else { " (partly run)" }
        );
        assert!(
            admitted <= LIMIT,
            "{admitted} admitted in one window for a limit of {LIMIT}"
        );
        if !whole {
            continue;
        }
        full += 1;
        assert!(
            admitted + refused >= LIMIT * 3 / 2,
            "the clients asked only {} times in a window: the limit was not tested",
            admitted + refused
        );
        assert!(
            admitted >= LIMIT - LIMIT / 10,
            "{admitted} admitted in a window for a limit of {LIMIT}: more than 10% lost"
        );
        assert!(
            *by_a > 0 && *by_b > 0,
            "one node admitted nothing in a window"
        );
    }
    assert!(full >= 3, "only {full} whole windows were run");
}

/// An owner limited to 50 a minute: its two keys, spread over two nodes,
/// admit 45 to 55 of 80 requests together.
#[test]
fn an_owner_limit_holds_across_keys_and_nodes() {
    let Some(db) = Db::postgres() else {
        eprintln!("SKIPPED: needs PostgreSQL (KEYWARDEN_TEST_DATABASE_URL)");
        return;
    };
    let a = Server::start(&db, &[("KEYWARDEN_NODE_ID", "a")]);
    let root = a.root_key().unwrap();
    let b = Server::start(&db, &[("KEYWARDEN_NODE_ID", "b")]);
    let http = reqwest::blocking::Client::new();
    let keys: Vec<String> = (0..2)
        .map(|_| {
            a.cli_json(
                &root,
                &["key", "create", "--env", "live", "--owner", "acme"],
            )["key"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let limits = a.cli_json(&root, &["owner", "limits", "acme", "--rate-limit", "50/1m"]);
    assert_eq!(limits["rate_limit"]["limit"], 50);
    let into_minute = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
        % 60_000;
    if into_minute > 45_000 {
        std::thread::sleep(Duration::from_millis(
            u64::try_from(60_500 - into_minute).unwrap(),
        ));
    }
    let started = Instant::now();
    let mut admitted = 0;
    for i in 0..80 {
        let node = if i % 2 == 0 { &a } else { &b };
        let status = http
            .get(format!("{}/v1/forward-auth", node.url))
            .header("x-api-key", &keys[(i / 2) % 2])
            .send()
            .unwrap()
            .status()
            .as_u16();
        if status == 200 {
            admitted += 1;
        }
    }
    eprintln!(
        "owner limit: {admitted} of 80 admitted in {:?}",
        started.elapsed()
    );
    assert!(
        started.elapsed() < Duration::from_secs(14),
        "the run left its window"
    );
    assert!(
        (45..=55).contains(&admitted),
        "{admitted} admitted for an owner limit of 50"
    );
}

/// `keywarden owner` sets, shows and clears an owner's shared limits;
/// `keywarden events list` shows events with their delivery state.
#[test]
fn owner_and_events_commands() {
    let db = Db::sqlite();
    let server = Server::start(&db, &[]);
    let root = server.root_key().unwrap();
    let key = server.cli_json(
        &root,
        &["key", "create", "--env", "live", "--owner", "acme"],
    );
    let set = server.cli_json(
        &root,
        &[
            "owner",
            "limits",
            "acme",
            "--rate-limit",
            "50/1m",
            "--credits",
            "100",
            "--refill",
            "100/1d",
        ],
    );
    assert_eq!(set["rate_limit"]["window_seconds"], 60);
    assert_eq!(set["credits"]["remaining"], 100);
    assert_eq!(set["credits"]["refill"]["interval_seconds"], 86_400);
    let shown = server.cli_json(&root, &["owner", "show", "acme"]);
    assert_eq!(shown["limits"]["credits"]["remaining"], 100);
    assert_eq!(shown["keys"][0]["id"], key["id"]);
    let text = server.cli(&root, &["owner", "show", "acme"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("rate limit: 50/60s"), "{text}");
    assert!(
        text.contains("credits: 100 (refill to 100 every 86400s"),
        "{text}"
    );
    assert!(text.contains(key["id"].as_str().unwrap()), "{text}");
    let none = server.cli(&root, &["owner", "limits", "acme"]);
    assert!(!none.status.success(), "limits without a limit is refused");
    let cleared = server.cli(&root, &["owner", "clear-limits", "acme"]);
    assert!(cleared.status.success());
    assert_eq!(
        server.cli_json(&root, &["owner", "show", "acme"])["limits"],
        Value::Null
    );
    let bad = server.cli(&root, &["owner", "show", "not an owner"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("INVALID_OWNER"));

    // An event: a revoked key presented again.
    let id = key["id"].as_str().unwrap();
    server.cli_json(&root, &["key", "revoke", id]);
    assert_eq!(
        server.verify(&root, key["key"].as_str().unwrap()),
        "REVOKED"
    );
    let started = Instant::now();
    let events = loop {
        let events = server.cli_json(&root, &["events", "list", "--kind", "key.revoked_in_use"]);
        if events.as_array().is_some_and(|e| !e.is_empty()) {
            break events;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "no event");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(events[0]["key_id"], id);
    assert_eq!(
        events[0]["delivery"]["state"], "none",
        "no webhook configured"
    );
    let text = server.cli(&root, &["events", "list", "--delivery", "none"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("key.revoked_in_use") && text.contains(id),
        "{text}"
    );
    let bad = server.cli(&root, &["events", "list", "--delivery", "lost"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("INVALID_QUERY"));
    // This server has no webhook: a redelivery says so, and fails.
    let event_id = events[0]["id"].as_str().unwrap();
    let none = server.cli(&root, &["events", "redeliver", event_id]);
    assert!(!none.status.success());
    assert!(
        String::from_utf8_lossy(&none.stderr).contains("NOT_CONFIGURED"),
        "{}",
        String::from_utf8_lossy(&none.stderr)
    );
    let unknown = server.cli(&root, &["events", "redeliver", "not-an-event-id"]);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("NOT_FOUND"));
}

#[test]
fn scan_revoke_kills_a_leaked_key_on_the_real_server() {
    let db = Db::sqlite();
    let server = Server::start(&db, &[]);
    let root = server.root_key().unwrap();
    let leaked = server.cli_json(
        &root,
        &["key", "create", "--env", "live", "--owner", "acme"],
    );
    let kept = server.cli_json(&root, &["key", "create", "--env", "live"]);
    let key = leaked["key"].as_str().unwrap();
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(
        repo.path().join("config.py"),
        format!("API_KEY = \"{key}\"\n"),
    )
    .unwrap();

    let out = keywarden()
        .current_dir(repo.path())
        .env("KEYWARDEN_URL", &server.url)
        .args(["scan", "--revoke", "."])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "a finding: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("config.py"), "{stdout}");
    assert!(!stdout.contains(key), "the report redacts the key");

    // The server revoked it before answering: no waiting.
    assert_eq!(server.verify(&root, key), "REVOKED");
    assert_eq!(
        server.verify(&root, kept["key"].as_str().unwrap()),
        "VALID",
        "other keys are untouched"
    );
    let shown = server.cli_json(&root, &["key", "show", leaked["id"].as_str().unwrap()]);
    assert_eq!(shown["revoke_reason"], "leaked");
}

/// A leak report acknowledged with 202 is durable: the server killed
/// with SIGKILL right after the answer still has every reported key
/// revoked after a restart, with its audit entry and `key.leaked` event.
#[test]
fn an_acknowledged_leak_report_survives_kill_9() {
    const KEYS: usize = 100;
    for db in Db::each() {
        let server = Server::start(&db, &[]);
        let root = server.root_key().unwrap();
        let http = reqwest::blocking::Client::new();
        let keys: Vec<String> = (0..KEYS)
            .map(|_| {
                let r = http
                    .post(format!("{}/v1/keys", server.url))
                    .bearer_auth(&root)
                    .json(&serde_json::json!({"environment": "live"}))
                    .send()
                    .unwrap();
                assert_eq!(r.status(), 201);
                r.json::<Value>().unwrap()["key"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        let report: Vec<Value> = keys
            .iter()
            .map(|k| serde_json::json!({"key": k, "source": "https://paste.example/x"}))
            .collect();
        let r = http
            .post(format!("{}/v1/leaks", server.url))
            .json(&report)
            .send()
            .unwrap();
        assert_eq!(r.status(), 202, "{}", db.name());
        let body: Value = r.json().unwrap();
        assert_eq!(body["processed"], KEYS, "{}: {body}", db.name());
        // No grace: killed the moment the answer is read.
        server.kill9();

        let server = Server::start(&db, &[]);
        let revoked = keys
            .iter()
            .filter(|k| server.verify(&root, k) == "REVOKED")
            .count();
        assert_eq!(
            revoked,
            KEYS,
            "{}: every acknowledged leak is revoked after kill -9",
            db.name()
        );
        let events = server.cli_json(
            &root,
            &["events", "list", "--kind", "key.leaked", "--limit", "200"],
        );
        let events = events.as_array().unwrap();
        assert_eq!(
            events.len(),
            KEYS,
            "{}: one key.leaked event per key",
            db.name()
        );
        let audit = server.cli_json(
            &root,
            &[
                "audit",
                "list",
                "--action",
                "key.leak_revoke",
                "--limit",
                "200",
            ],
        );
        assert_eq!(
            audit["entries"].as_array().unwrap().len(),
            KEYS,
            "{}: one audit entry per key",
            db.name()
        );
        // Reported again: nothing more is written.
        let r = http
            .post(format!("{}/v1/leaks", server.url))
            .json(&report)
            .send()
            .unwrap();
        assert_eq!(r.status(), 202);
        let again = server.cli_json(
            &root,
            &["events", "list", "--kind", "key.leaked", "--limit", "200"],
        );
        assert_eq!(again.as_array().unwrap().len(), KEYS, "{}", db.name());
    }
}

/// `scan --revoke` fails (exit 2) when the server answers 202 without
/// confirming that it processed the report (an older server revoked after
/// answering, and a 202 from it proves nothing).
#[test]
fn scan_revoke_fails_without_the_servers_confirmation() {
    use std::io::{BufRead, BufReader, Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let fake = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream);
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let answer = r#"{"accepted":1}"#;
        write!(
            reader.get_mut(),
            "HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
            answer.len()
        )
        .unwrap();
    });
    let key = keywarden_core::key::mint(&"kw".parse().unwrap(), &"live".parse().unwrap());
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(
        repo.path().join("config.py"),
        format!("API_KEY = \"{}\"\n", key.expose()),
    )
    .unwrap();
    let out = keywarden()
        .current_dir(repo.path())
        .env("KEYWARDEN_URL", &url)
        .args(["scan", "--revoke", "."])
        .output()
        .unwrap();
    fake.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("did not confirm"), "{stderr}");
}

#[test]
fn pepper_rotation_moves_keys_as_they_are_used() {
    let db = Db::sqlite();
    let v1 = format!("1:{}", "11".repeat(32));
    let v2 = format!("2:{}", "22".repeat(32));
    let (root, used, idle) = {
        let server = Server::start(&db, &[("KEYWARDEN_PEPPER", &v1)]);
        let root = server.root_key().unwrap();
        let used = server.cli_json(&root, &["key", "create", "--env", "live"])["key"]
            .as_str()
            .unwrap()
            .to_owned();
        let idle = server.cli_json(&root, &["key", "create", "--env", "live"])["key"]
            .as_str()
            .unwrap()
            .to_owned();
        (root, used, idle)
    };
    let peppers = |env: &[(&str, &str)]| {
        let mut cmd = keywarden();
        cmd.args(["admin", "peppers", "--json"])
            .env("KEYWARDEN_DATA_DIR", db.data_dir());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let rotated = [
        ("KEYWARDEN_PEPPER", v2.as_str()),
        ("KEYWARDEN_PEPPER_PREVIOUS", v1.as_str()),
    ];
    {
        // Rotated: v2 is current, v1 still verifies and moves what it sees.
        let server = Server::start(&db, &rotated);
        assert_eq!(
            server.verify(&root, &used),
            "VALID",
            "the root key and the used key verify under the old pepper"
        );
        assert_eq!(server.verify(&root, &used), "VALID");
    }
    let status = peppers(&rotated);
    assert_eq!(status["current"], 2);
    let versions = status["versions"].as_array().unwrap();
    assert_eq!(versions[0]["version"], 1);
    assert_eq!(
        (
            versions[0]["api_keys"].as_i64(),
            versions[0]["root_keys"].as_i64()
        ),
        (Some(1), Some(0)),
        "{status}"
    );
    assert_eq!(
        (
            versions[1]["api_keys"].as_i64(),
            versions[1]["root_keys"].as_i64()
        ),
        (Some(1), Some(1)),
        "{status}"
    );

    // v1 retired: the keys that moved still verify; the idle one cannot.
    let server = Server::start(&db, &[("KEYWARDEN_PEPPER", &v2)]);
    assert_eq!(server.verify(&root, &used), "VALID");
    assert_eq!(server.verify(&root, &idle), "NOT_FOUND");
}

#[test]
fn usage_limits_are_exact_under_concurrency_on_every_backend_and_across_nodes() {
    for db in Db::each() {
        let a = Server::start(&db, &[("KEYWARDEN_NODE_ID", "a")]);
        let root = a.root_key().unwrap();
        // On PostgreSQL, a second node shares the limit.
        let b = db
            .postgres_url
            .is_some()
            .then(|| Server::start(&db, &[("KEYWARDEN_NODE_ID", "b")]));
        let k = a.cli_json(
            &root,
            &["key", "create", "--env", "live", "--usage-limit", "50"],
        );
        let key = k["key"].as_str().unwrap().to_owned();
        let urls: Vec<String> = std::iter::once(a.url.clone())
            .chain(b.as_ref().map(|b| b.url.clone()))
            .collect();
        let granted = std::sync::atomic::AtomicU32::new(0);
        let refused = std::sync::atomic::AtomicU32::new(0);
        std::thread::scope(|scope| {
            for t in 0..16 {
                let url = urls[t % urls.len()].clone();
                let (key, granted, refused) = (&key, &granted, &refused);
                scope.spawn(move || {
                    let http = reqwest::blocking::Client::new();
                    for _ in 0..10 {
                        let status = http
                            .get(format!("{url}/v1/forward-auth"))
                            .header("x-api-key", key)
                            .send()
                            .unwrap()
                            .status()
                            .as_u16();
                        match status {
                            200 => granted.fetch_add(1, std::sync::atomic::Ordering::SeqCst),
                            403 => refused.fetch_add(1, std::sync::atomic::Ordering::SeqCst),
                            other => panic!("unexpected {other}"),
                        };
                    }
                });
            }
        });
        assert_eq!(
            granted.into_inner(),
            50,
            "{}: 160 concurrent uses of a key limited to 50 over {} node(s)",
            db.name(),
            urls.len()
        );
        assert_eq!(refused.into_inner(), 110);
    }
}

#[test]
fn a_backup_under_write_load_restores_into_a_fresh_data_directory() {
    let db = Db::sqlite();
    let server = Server::start(&db, &[]);
    let root = server.root_key().unwrap();
    let mut keys = Vec::new();
    for _ in 0..20 {
        let k = server.cli_json(&root, &["key", "create", "--env", "live"]);
        keys.push(k["key"].as_str().unwrap().to_owned());
    }
    let backup_dir = tempfile::tempdir().unwrap();
    let file = backup_dir.path().join("keywarden.backup");
    // Writes go on while the backup is taken.
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                server.cli_json(&root, &["key", "create", "--env", "test"]);
            }
        });
        std::thread::sleep(Duration::from_millis(200));
        let out = admin(&db, &["backup", file.to_str().unwrap()]);
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    });
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a backup holds digests and the audit log");
    }
    // A second backup to the same file is refused.
    assert!(
        !admin(&db, &["backup", file.to_str().unwrap()])
            .status
            .success()
    );
    drop(server);

    // Restore into a fresh data directory, with the pepper.
    let fresh = Db::sqlite();
    let out = keywarden()
        .args(["admin", "restore", file.to_str().unwrap(), "--data-dir"])
        .arg(fresh.data_dir())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::copy(
        db.data_dir().join("pepper"),
        fresh.data_dir().join("pepper"),
    )
    .unwrap();
    // Restoring over a store is refused.
    let again = keywarden()
        .args(["admin", "restore", file.to_str().unwrap(), "--data-dir"])
        .arg(fresh.data_dir())
        .output()
        .unwrap();
    assert!(!again.status.success());
    let verify = admin(&fresh, &["audit", "verify"]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    let restored = Server::start(&fresh, &[]);
    assert!(
        restored.root_key().is_none(),
        "the restored store has its root key"
    );
    for key in &keys {
        assert_eq!(restored.verify(&root, key), "VALID");
    }
}

/// `keywarden healthcheck` (the container's health check): exit 0 while the
/// server is ready, 1 with the reason when nothing answers.
#[test]
fn healthcheck_says_whether_the_server_is_ready() {
    let db = Db::sqlite();
    let server = Server::start(&db, &[]);
    let out = keywarden()
        .args(["healthcheck", "--url", &server.url])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    drop(server);
    let gone = format!("http://127.0.0.1:{}", free_port());
    let out = keywarden()
        .args(["healthcheck", "--url", &gone])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("not ready") && stderr.contains("did not answer"),
        "{stderr}"
    );
}
