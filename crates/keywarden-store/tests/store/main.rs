//! The store's test suite. Every test runs on SQLite (a real file) and on
//! PostgreSQL at `KEYWARDEN_TEST_DATABASE_URL` (each test in a schema of its
//! own). When that variable is set and the server is unreachable, the tests
//! fail; with `KEYWARDEN_REQUIRE_POSTGRES=1` an unset variable fails too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod audit;
mod keys;
mod root_keys;
mod sessions;
mod spaces;
mod usage;

use std::future::Future;

use keywarden_core::{
    digest::{Pepper, PepperRing},
    key::{self, Environment, KeyId},
};
use keywarden_store::{AuditDraft, KeyRecord, Store};

pub(crate) const NOW: i64 = 1_800_000_000_000;

pub(crate) fn peppers() -> PepperRing {
    PepperRing::new(Pepper::new(1, &[9; 32]).unwrap())
}

/// A handle on one backend for one test: the store, and a raw connection
/// string for tampering from outside.
pub(crate) struct Backend {
    pub(crate) store: Store,
    pub(crate) url: String,
    pub(crate) name: &'static str,
}

pub(crate) async fn sqlite_backend(dir: &std::path::Path) -> Backend {
    let store = Store::open_in_dir(dir, peppers()).await.unwrap();
    let url = keywarden_store::sqlite_url(dir);
    Backend {
        store,
        url,
        name: "sqlite",
    }
}

pub(crate) async fn postgres_backend() -> Option<Backend> {
    let url = keywarden_store::testing::postgres_schema_url().await?;
    let store = Store::open(&url, peppers()).await.unwrap();
    Some(Backend {
        store,
        url,
        name: "postgres",
    })
}

/// Runs `test` on every backend available.
pub(crate) async fn on_each_backend<F, Fut>(test: F)
where
    F: Fn(Backend) -> Fut,
    Fut: Future<Output = ()>,
{
    // The directory is held here, not in the Backend: an `async move`
    // block captures only the fields it uses, so a TempDir inside the
    // Backend would be deleted before the test ran.
    let dir = tempfile::tempdir().unwrap();
    test(sqlite_backend(dir.path()).await).await;
    if let Some(pg) = postgres_backend().await {
        test(pg).await;
    }
}

/// Runs raw SQL against a backend, from outside the store (for tampering).
pub(crate) async fn raw_execute(b: &Backend, sql: &str) -> u64 {
    use sqlx::Connection;
    if b.name == "sqlite" {
        let mut c = sqlx::SqliteConnection::connect(&b.url).await.unwrap();
        sqlx::query(sql)
            .execute(&mut c)
            .await
            .unwrap()
            .rows_affected()
    } else {
        let mut c = sqlx::PgConnection::connect(&b.url).await.unwrap();
        sqlx::query(sql)
            .execute(&mut c)
            .await
            .unwrap()
            .rows_affected()
    }
}

pub(crate) fn draft(action: &str, target: Option<&str>) -> AuditDraft {
    AuditDraft {
        actor: "key_testactor0000000".to_owned(),
        action: action.to_owned(),
        target: target.map(str::to_owned),
        outcome: "allowed".to_owned(),
        client_ip: Some("127.0.0.1".to_owned()),
        details: serde_json::json!({}),
        at: NOW,
    }
}

/// A fresh key record for `owner` in `env`, with its plaintext.
pub(crate) fn new_key(owner: &str, env: &str, created_at: i64) -> (KeyRecord, String) {
    let env: Environment = env.parse().unwrap();
    let minted = key::mint(&key::Prefix::default(), &env);
    let rec = KeyRecord {
        id: KeyId::generate(),
        digest: peppers().current().digest(minted.expose()),
        pepper_version: 1,
        hint: minted.hint(),
        prefix: "kw".to_owned(),
        environment: env,
        owner: Some(owner.parse().unwrap()),
        name: Some(format!("{owner} key")),
        scopes: vec!["orders:read".parse().unwrap()],
        space: Default::default(),
        roles: Vec::new(),
        effective: vec!["orders:read".parse().unwrap()],
        metadata: serde_json::json!({"plan": "pro"}),
        created_at,
        updated_at: created_at,
        expires_at: None,
        revoked: None,
        rotated_from: None,
        rotated_to: None,
        ip_allowlist: vec![],
        rate_limit: None,
        credits: None,
        disabled_at: None,
        pending_at: None,
        rate_limits: Vec::new(),
        limits_key: None,
        external_id: None,
        imported_at: None,
        last_used_at: None,
        sealed: None,
    };
    (rec, minted.expose().to_owned())
}

#[cfg(unix)]
#[tokio::test]
async fn sqlite_files_are_owner_only_and_loose_ones_are_tightened() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mode = |name: &str| {
        std::fs::metadata(dir.path().join(name))
            .map(|m| m.permissions().mode() & 0o777)
            .ok()
    };
    let store = Store::open_in_dir(dir.path(), peppers()).await.unwrap();
    store.audit(&draft("key.create", None)).await.unwrap();
    for name in ["keywarden.db", "keywarden.db-wal", "keywarden.db-shm"] {
        assert_eq!(mode(name), Some(0o600), "{name}");
    }
    store.close().await;
    // A store left world-readable (an older version, a umask of 022).
    std::fs::set_permissions(
        dir.path().join("keywarden.db"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let store = Store::open_in_dir(dir.path(), peppers()).await.unwrap();
    assert_eq!(mode("keywarden.db"), Some(0o600));
    store.close().await;
}

/// Two records are the same: every field, the digest compared in constant
/// time (records have no `PartialEq`).
pub(crate) fn assert_same<R: std::fmt::Debug + HasDigest>(got: &R, want: &R, backend: &str) {
    use subtle::ConstantTimeEq;
    assert_eq!(format!("{got:?}"), format!("{want:?}"), "{backend}");
    assert!(
        bool::from(got.digest().ct_eq(want.digest())),
        "{backend}: digests differ"
    );
}

pub(crate) trait HasDigest {
    fn digest(&self) -> &keywarden_core::digest::KeyDigest;
}

impl HasDigest for KeyRecord {
    fn digest(&self) -> &keywarden_core::digest::KeyDigest {
        &self.digest
    }
}

impl HasDigest for keywarden_store::RootKeyRecord {
    fn digest(&self) -> &keywarden_core::digest::KeyDigest {
        &self.digest
    }
}
