//! keywarden-store: one storage interface, [`Store`], over two backends:
//! SQLite (the embedded default: one file, WAL, writes durable before they
//! are acknowledged) and PostgreSQL (a pool shared by many stateless nodes).
//!
//! # Layout
//!
//! - `lib.rs`: [`Store`], opening and migrating, the backend dispatch
//!   (`with_db!`: one query text runs on either pool) and row decoding.
//! - [`model`]: the records (keys, root keys, audit entries, usage, events).
//! - `keys.rs`, `root_keys.rs`: API keys and root keys.
//! - `sessions.rs`: console sessions (by the HMAC of their cookie token),
//!   shared by every node.
//! - `audit.rs`: the append-only audit log and its HMAC hash chain.
//! - `usage.rs`, `events.rs`: the verification log and notable events.
//! - [`AuditAction`], [`AuditOutcome`], [`EventKind`], [`DeliveryState`]
//!   and [`KeyStatus`], the names audit entries, events and keys are stored
//!   and shown under: re-exported from `keywarden_core::vocabulary`, where
//!   the API's schemas read them too.
//! - `migrations/{sqlite,postgres}/`: versioned schema, applied on open.
//! - [`testing`] (feature `testing`): a PostgreSQL schema per test.
//!
//! The store never sees a plaintext key: it is handed digests, and looks
//! keys up by digest.
#![warn(missing_docs)]

use std::{borrow::Cow, future::Future, path::Path, pin::Pin, str::FromStr, time::Duration};

use keywarden_core::digest::PepperRing;
use sqlx::{
    Row,
    migrate::{Migration, MigrationSource, MigrationType, Migrator},
    postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow},
    sqlite::{
        SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
        SqliteSynchronous,
    },
};

mod audit;
mod events;
mod import;
mod keys;
mod portal;
mod rate_windows;
mod shares;
pub use rate_windows::{Lease, MAX_WINDOW_MS};
pub use secrets::{
    SealedValue, SecretFilter, SecretRecord, SecretVersionInfo, SecretWrite, WrappedKey,
    WrappedKeyRef, secret_aad,
};
pub use shares::{NewShare, OpenedShare};
pub mod model;
mod root_keys;
mod secrets;
mod sessions;
mod spaces;
#[cfg(feature = "testing")]
pub mod testing;
mod usage;

pub use audit::{AuditCheckpoint, ChainAnchor, CheckpointCheck};
pub use import::{ForeignAlgorithm, ImportCounts, ImportedKey};
pub use keys::{CHANGES_ALL, CHANGES_CHANNEL, CreditsLeft};
pub use keywarden_core::vocabulary::{AuditAction, AuditOutcome, DeliveryState, EventKind};
pub use model::*;
pub use portal::{NewPortalLink, PortalSessionRow, SpentLink};
pub use sessions::{ConsoleSession, SESSION_TOUCH_MS};

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// No such record.
    #[error("not found")]
    NotFound,
    /// The change conflicts with the record's state (e.g. rolling a revoked key).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database URL or options are wrong.
    #[error("invalid store configuration: {0}")]
    Config(String),
    /// A stored value could not be read back (corruption or a foreign write).
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// Applying migrations failed.
    #[error("migrating the database failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The disk holding the database is full: nothing was written.
    #[error("the store's disk is full: {0}")]
    Full(sqlx::Error),
    /// The database cannot be reached or did not answer in time (connection
    /// refused or lost, pool or statement timeout, I/O error, busy): nothing
    /// was written. The operation may succeed when retried later.
    #[error("the store is unavailable: {0}")]
    Unavailable(sqlx::Error),
    /// Any other database failure.
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl StoreError {
    pub(crate) fn corrupt(what: impl std::fmt::Display) -> Self {
        Self::Corrupt(what.to_string())
    }

    /// Whether the failure is the store's health (full disk, unreachable,
    /// timeouts), not the request's: callers answer 503/507, never a
    /// verdict about the request.
    pub fn is_outage(&self) -> bool {
        matches!(self, Self::Full(_) | Self::Unavailable(_))
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match classify(&err) {
            Health::Full => Self::Full(err),
            Health::Unavailable => Self::Unavailable(err),
            Health::Ok => Self::Database(err),
        }
    }
}

/// Whether a database error is an outage (and which), from its kind and, for
/// database errors, SQLite's primary result code or PostgreSQL's SQLSTATE.
fn classify(err: &sqlx::Error) -> Health {
    match err {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => Health::Unavailable,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            if let Ok(n) = code.parse::<i64>() {
                // SQLite: the primary result code is the low byte of the
                // extended one.
                match n & 0xff {
                    13 => Health::Full,                             // SQLITE_FULL
                    5 | 6 | 7 | 8 | 10 | 14 => Health::Unavailable, // BUSY, LOCKED, NOMEM, READONLY, IOERR, CANTOPEN
                    _ => Health::Ok,
                }
            } else if code == "53100" {
                Health::Full // disk_full
            } else if code.starts_with("08")
                || code.starts_with("53")
                || code.starts_with("57P")
                || code == "57014"
                || code == "40P01"
                || code.starts_with("58")
            {
                // connection exceptions, insufficient resources, shutdown,
                // statement timeout, deadlock, system errors
                Health::Unavailable
            } else {
                Health::Ok
            }
        }
        _ => Health::Ok,
    }
}

/// The store's ability to write, as last seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Health {
    /// The last write succeeded (or none failed yet).
    Ok,
    /// The last write failed because the disk is full.
    Full,
    /// The last write failed because the database was unavailable.
    Unavailable,
}

/// What the store last saw of its writes; shared by clones of a store.
#[derive(Debug, Default)]
pub(crate) struct WriteHealth(std::sync::atomic::AtomicU8);

impl WriteHealth {
    fn get(&self) -> Health {
        match self.0.load(std::sync::atomic::Ordering::Acquire) {
            1 => Health::Full,
            2 => Health::Unavailable,
            _ => Health::Ok,
        }
    }

    fn set(&self, h: Health) {
        let v = match h {
            Health::Ok => 0,
            Health::Full => 1,
            Health::Unavailable => 2,
        };
        self.0.store(v, std::sync::atomic::Ordering::Release);
    }
}

/// Result of a store call.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which kind of database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    /// SQLite, one file.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

pub(crate) struct SqliteDb {
    /// One connection: SQLite has one writer at a time, and serialising
    /// writers in-process avoids lock-upgrade deadlocks between them.
    pub(crate) writer: SqlitePool,
    pub(crate) reader: SqlitePool,
}

pub(crate) struct PgDb {
    pub(crate) pool: PgPool,
}

pub(crate) enum Backend {
    Sqlite(SqliteDb),
    Postgres(PgDb),
}

/// Runs the same code against whichever pool the store has. The body is
/// type-checked once per backend, so one query text serves both (queries use
/// `$1`-style parameters, which both accept). `writer` or `reader` picks the
/// SQLite pool; PostgreSQL has one pool.
macro_rules! with_db {
    // Writes are tracked: an outage sets the store's write health, a
    // success clears it (`Store::write_health`).
    ($store:expr, writer, |$pool:ident| $body:expr) => {
        $store
            .tracked(async {
                match &*$store.backend {
                    $crate::Backend::Sqlite(db) => {
                        let $pool = &db.writer;
                        $body
                    }
                    $crate::Backend::Postgres(db) => {
                        let $pool = &db.pool;
                        $body
                    }
                }
            })
            .await
    };
    ($store:expr, $role:ident, |$pool:ident| $body:expr) => {
        match &*$store.backend {
            $crate::Backend::Sqlite(db) => {
                let $pool = &db.$role;
                $body
            }
            $crate::Backend::Postgres(db) => {
                let $pool = &db.pool;
                $body
            }
        }
    };
}
pub(crate) use with_db;

/// The keywarden store. Cheap to clone; clones share the pools.
#[derive(Clone)]
pub struct Store {
    pub(crate) backend: std::sync::Arc<Backend>,
    pub(crate) peppers: PepperRing,
    health: std::sync::Arc<WriteHealth>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({:?})", self.kind())
    }
}

/// The default of [`StoreOptions::timeout`].
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(1_500);

/// How a store waits on its database.
#[derive(Debug, Clone, Copy)]
pub struct StoreOptions {
    /// Longest wait for a connection from the pool (which includes
    /// connecting), for a lock (SQLite's busy timeout) and for one statement
    /// (PostgreSQL's `statement_timeout`). Past it the call fails with
    /// [`StoreError::Unavailable`], so a store outage is answered in bounded
    /// time instead of hanging requests.
    pub timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

impl Store {
    /// Opens (creating if needed) and migrates the store at `url`:
    /// `sqlite:PATH` / `sqlite://PATH` or `postgres://…`. The peppers key the
    /// audit chain.
    pub async fn open(url: &str, peppers: PepperRing) -> Result<Self> {
        Self::open_with(url, peppers, StoreOptions::default()).await
    }

    /// [`Store::open`] with options.
    pub async fn open_with(url: &str, peppers: PepperRing, options: StoreOptions) -> Result<Self> {
        // Whether the store predates the audit head: only then is a head
        // signed over the log as it is (an upgrade). A store that had one
        // and lost it fails verification instead of being re-signed.
        let (backend, before_head) = if url.starts_with("sqlite:") {
            let (db, before) = open_sqlite(url, options).await?;
            (Backend::Sqlite(db), before)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let (db, before) = open_postgres(url, options).await?;
            (Backend::Postgres(db), before)
        } else {
            return Err(StoreError::Config(
                "the database URL must start with sqlite: or postgres://".to_owned(),
            ));
        };
        let store = Self {
            backend: std::sync::Arc::new(backend),
            peppers,
            health: std::sync::Arc::default(),
        };
        if before_head {
            store.init_audit_head().await?;
        }
        Ok(store)
    }

    /// Opens the SQLite store in `data_dir` (`keywarden.db`), creating both.
    pub async fn open_in_dir(data_dir: &Path, peppers: PepperRing) -> Result<Self> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            StoreError::Config(format!("cannot create {}: {e}", data_dir.display()))
        })?;
        Self::open(&sqlite_url(data_dir), peppers).await
    }

    /// The backend kind.
    pub fn kind(&self) -> BackendKind {
        match &*self.backend {
            Backend::Sqlite(_) => BackendKind::Sqlite,
            Backend::Postgres(_) => BackendKind::Postgres,
        }
    }

    /// The peppers the store was opened with.
    pub fn peppers(&self) -> &PepperRing {
        &self.peppers
    }

    /// What the last write saw: [`Health::Ok`] unless it failed for the
    /// store's sake (full disk, unreachable database).
    pub fn write_health(&self) -> Health {
        self.health.get()
    }

    /// Notes the outcome of a write in [`Store::write_health`].
    pub(crate) async fn tracked<T>(&self, write: impl Future<Output = Result<T>>) -> Result<T> {
        let result = write.await;
        match &result {
            Ok(_) => self.health.set(Health::Ok),
            Err(StoreError::Full(_)) => self.health.set(Health::Full),
            Err(StoreError::Unavailable(_)) => self.health.set(Health::Unavailable),
            Err(_) => {}
        }
        result
    }

    /// Writes one small row, durably: whether the store can take writes now.
    /// Readiness checks call it while [`Store::write_health`] is not
    /// [`Health::Ok`], so a node recovers by itself once the disk has room
    /// again or the database is back.
    pub async fn probe_write(&self, now: i64) -> Result<()> {
        with_db!(self, writer, |pool| {
            sqlx::query("UPDATE store_probe SET at = $1 WHERE id = 1")
                .bind(now)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Writes a consistent copy of a SQLite store to `dest` (SQLite's
    /// `VACUUM INTO`, one read transaction: writes go on meanwhile and are
    /// either wholly in the copy or not at all). `dest` must not exist; it
    /// is created owner-only. On PostgreSQL: [`StoreError::Config`]
    /// explaining `pg_dump`.
    pub async fn backup(&self, dest: &Path) -> Result<()> {
        let Backend::Sqlite(db) = &*self.backend else {
            return Err(StoreError::Config(
                "this store is PostgreSQL: back it up with pg_dump (e.g. `pg_dump --format=custom \
                 --file=keywarden.dump \"$KEYWARDEN_DATABASE_URL\"`) and restore with pg_restore"
                    .to_owned(),
            ));
        };
        if dest.exists() {
            return Err(StoreError::Config(format!(
                "{} exists: a backup never overwrites a file",
                dest.display()
            )));
        }
        let text = dest
            .to_str()
            .ok_or_else(|| StoreError::Config("the backup path is not UTF-8".to_owned()))?;
        create_private(dest)?;
        // VACUUM INTO wants a new or empty file: the empty owner-only file
        // keeps the copy's mode.
        sqlx::query("VACUUM INTO $1")
            .bind(text)
            .execute(&db.reader)
            .await?;
        Ok(())
    }

    /// What a commit waits for, as the connection that commits reports it:
    /// on SQLite `PRAGMA synchronous` of the writer (2 = `FULL`: the WAL is
    /// synced before a commit returns; 1 = `NORMAL` and 0 = `OFF` lose
    /// acknowledged commits on power loss), on PostgreSQL the session's
    /// `synchronous_commit` (`on` by default). Tests hold the store to it.
    pub async fn commit_durability(&self) -> Result<String> {
        match &*self.backend {
            Backend::Sqlite(db) => {
                let level: i64 = sqlx::query_scalar("PRAGMA synchronous")
                    .fetch_one(&db.writer)
                    .await?;
                Ok(level.to_string())
            }
            Backend::Postgres(db) => Ok(sqlx::query_scalar("SHOW synchronous_commit")
                .fetch_one(&db.pool)
                .await?),
        }
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> Result<()> {
        with_db!(self, reader, |pool| {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// On PostgreSQL, a connection that hears the key changes every node
    /// announces ([`CHANGES_CHANNEL`]). `None` on SQLite, which serves one node.
    pub async fn listen_changes(&self) -> Result<Option<ChangeListener>> {
        match &*self.backend {
            Backend::Postgres(db) => {
                let mut listener = sqlx::postgres::PgListener::connect_with(&db.pool).await?;
                listener.listen(CHANGES_CHANNEL).await?;
                Ok(Some(ChangeListener(listener)))
            }
            Backend::Sqlite(_) => Ok(None),
        }
    }

    /// SQLite: moves the pages of the write-ahead log into the database
    /// (`wal_checkpoint(PASSIVE)`: never waits for, nor blocks, a reader),
    /// so that what was deleted (with `secure_delete`) is overwritten in the
    /// database file within a minute; the log's own old frames are written
    /// over as it restarts, and the log is removed at a clean close.
    /// Housekeeping calls it every minute. PostgreSQL: nothing.
    pub async fn checkpoint(&self) -> Result<()> {
        if let Backend::Sqlite(db) = &*self.backend {
            sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&db.writer)
                .await?;
        }
        Ok(())
    }

    /// Closes the pools, waiting for connections to finish.
    pub async fn close(&self) {
        match &*self.backend {
            Backend::Sqlite(db) => {
                // The log is moved in and emptied, so what was deleted
                // leaves the files with the store. Without waiting: a
                // truncating checkpoint that waits holds off every other
                // writer meanwhile, and an `admin` command (a backup) closes
                // its store beside a running server, whose writes would time
                // out into 503s. When nothing else runs it never waits.
                let _ = sqlx::query("PRAGMA busy_timeout = 0")
                    .execute(&db.writer)
                    .await;
                let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(&db.writer)
                    .await;
                db.writer.close().await;
                db.reader.close().await;
            }
            Backend::Postgres(db) => db.pool.close().await,
        }
    }
}

/// Key change announcements from other nodes (PostgreSQL `LISTEN`).
pub struct ChangeListener(sqlx::postgres::PgListener);

/// What a [`ChangeListener`] heard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// These key ids changed (comma-separated), or [`CHANGES_ALL`].
    Keys(String),
    /// The connection was lost and is being re-established: changes may have
    /// been missed meanwhile.
    Lost,
}

impl ChangeListener {
    /// Waits for the next announcement.
    pub async fn recv(&mut self) -> Result<Change> {
        Ok(match self.0.try_recv().await? {
            Some(n) => Change::Keys(n.payload().to_owned()),
            None => Change::Lost,
        })
    }
}

/// The URL of the SQLite store in a data directory.
pub fn sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("keywarden.db").display())
}

/// The migration that added the audit head: SQLite's, PostgreSQL's.
const HEAD_MIGRATION: (i64, i64) = (4, 3);

async fn open_sqlite(url: &str, store_options: StoreOptions) -> Result<(SqliteDb, bool)> {
    if let Some(path) = sqlite_path(url) {
        create_private(&path)?;
    }
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| StoreError::Config(format!("bad SQLite URL: {e}")))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a commit is on disk before it is acknowledged, so an
        // acknowledged create, roll or revoke survives a crash or power loss.
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(store_options.timeout)
        .foreign_keys(true)
        // A deleted row's bytes are overwritten, not left in free space: an
        // imported key's old hash, deleted at its first use, or a session's
        // row, is gone from the file once its page is written back
        // (`Store::checkpoint` moves the WAL's pages in every minute).
        .pragma("secure_delete", "ON");
    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(store_options.timeout)
        // A failed write (disk full, I/O error, busy) can leave the
        // connection inside a transaction that SQLite or sqlx no longer
        // tracks; later "commits" would then go into a transaction that is
        // never committed, acknowledged but lost. Every release checks that
        // the connection is back in autocommit mode, and closes it when not:
        // the next write opens a fresh connection.
        .after_release(|conn, _| {
            Box::pin(async move {
                use sqlx::{Connection, Executor};
                if conn.execute("BEGIN").await.is_err() {
                    tracing::warn!("the SQLite writer was left inside a transaction: reconnecting");
                    return Ok(false);
                }
                if conn.execute("ROLLBACK").await.is_err() {
                    return Ok(false);
                }
                Ok(!conn.is_in_transaction())
            })
        })
        .connect_with(options.clone())
        .await?;
    let migrated: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_one(&writer)
    .await?;
    let applied: Option<i64> = if migrated > 0 {
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&writer)
            .await?
    } else {
        None
    };
    migrator(SQLITE_MIGRATIONS).await?.run(&writer).await?;
    let reader = SqlitePoolOptions::new()
        .max_connections(4)
        .acquire_timeout(store_options.timeout)
        .connect_with(options.create_if_missing(false))
        .await?;
    if let Some(path) = sqlite_path(url) {
        restrict_files(&path);
    }
    Ok((
        SqliteDb { writer, reader },
        applied.is_some_and(|v| v < HEAD_MIGRATION.0),
    ))
}

/// The database file of a SQLite URL (`None` for in-memory databases).
fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
}

/// Makes the database file and its WAL and shared-memory files readable by
/// the owner only: they hold digests, audit entries and sealed keys. Files
/// created looser (an older version, a umask of 022) are tightened, with a
/// warning.
#[cfg(unix)]
fn restrict_files(db: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut names = vec![db.to_path_buf()];
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        names.push(name.into());
    }
    for path in names {
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            match std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)) {
                Ok(()) => tracing::warn!(
                    file = %path.display(),
                    mode = format!("{mode:o}"),
                    "the store file was readable by others: tightened to 0600"
                ),
                Err(e) => tracing::warn!(
                    file = %path.display(),
                    error = %e,
                    "the store file is readable by others and could not be tightened"
                ),
            }
        }
    }
}

#[cfg(not(unix))]
fn restrict_files(_db: &Path) {}

/// Creates the database file, owner-only, before SQLite does (SQLite gives
/// its WAL and shared-memory files the database file's mode).
fn create_private(path: &Path) -> Result<()> {
    if path.exists() {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Config(format!(
            "cannot create {}: {e}",
            path.display()
        ))),
    }
}

async fn open_postgres(url: &str, store_options: StoreOptions) -> Result<(PgDb, bool)> {
    let timeout_ms = store_options.timeout.as_millis().to_string();
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| StoreError::Config(format!("bad PostgreSQL URL: {e}")))?
        .options([
            ("statement_timeout", timeout_ms.as_str()),
            ("lock_timeout", timeout_ms.as_str()),
        ]);
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(store_options.timeout)
        .connect_with(options)
        .await?;
    // The migrator takes an advisory lock, so nodes starting together
    // migrate once.
    let migrated: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(&pool)
        .await?;
    let applied: Option<i64> = if migrated {
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&pool)
            .await?
    } else {
        None
    };
    migrator(POSTGRES_MIGRATIONS).await?.run(&pool).await?;
    Ok((PgDb { pool }, applied.is_some_and(|v| v < HEAD_MIGRATION.1)))
}

type Embedded = &'static [(i64, &'static str, &'static str)];

const SQLITE_MIGRATIONS: Embedded = &[
    (
        1,
        "init",
        include_str!("../migrations/sqlite/0001_init.sql"),
    ),
    (
        2,
        "usage events without AUTOINCREMENT",
        include_str!("../migrations/sqlite/0002_usage_events_rowid.sql"),
    ),
    (
        3,
        "usage hits",
        include_str!("../migrations/sqlite/0003_usage_hits.sql"),
    ),
    (
        4,
        "store probe and audit head",
        include_str!("../migrations/sqlite/0004_probe_audit_head.sql"),
    ),
    (
        5,
        "disabled keys",
        include_str!("../migrations/sqlite/0005_disabled.sql"),
    ),
    (
        6,
        "credit refills",
        include_str!("../migrations/sqlite/0006_credit_refills.sql"),
    ),
    (
        7,
        "console sessions",
        include_str!("../migrations/sqlite/0007_console_sessions.sql"),
    ),
    (
        8,
        "cluster rate windows",
        include_str!("../migrations/sqlite/0008_rate_windows.sql"),
    ),
    (
        9,
        "key shares",
        include_str!("../migrations/sqlite/0009_key_shares.sql"),
    ),
    (
        10,
        "named rate limits",
        include_str!("../migrations/sqlite/0010_named_rate_limits.sql"),
    ),
    (
        11,
        "expiry notices",
        include_str!("../migrations/sqlite/0011_expiry_notices.sql"),
    ),
    (
        12,
        "owner limits",
        include_str!("../migrations/sqlite/0012_owner_limits.sql"),
    ),
    (
        13,
        "webhook outbox",
        include_str!("../migrations/sqlite/0013_webhook_outbox.sql"),
    ),
    (
        14,
        "hardening, round two",
        include_str!("../migrations/sqlite/0014_hardening.sql"),
    ),
    (
        15,
        "key spaces and roles",
        include_str!("../migrations/sqlite/0015_spaces.sql"),
    ),
    (
        16,
        "imported keys",
        include_str!("../migrations/sqlite/0016_import.sql"),
    ),
    (
        17,
        "customer portal",
        include_str!("../migrations/sqlite/0017_portal.sql"),
    ),
    (
        18,
        "vault",
        include_str!("../migrations/sqlite/0018_vault.sql"),
    ),
];
const POSTGRES_MIGRATIONS: Embedded = &[
    (
        1,
        "init",
        include_str!("../migrations/postgres/0001_init.sql"),
    ),
    (
        2,
        "usage hits",
        include_str!("../migrations/postgres/0002_usage_hits.sql"),
    ),
    (
        3,
        "store probe and audit head",
        include_str!("../migrations/postgres/0003_probe_audit_head.sql"),
    ),
    (
        4,
        "disabled keys",
        include_str!("../migrations/postgres/0004_disabled.sql"),
    ),
    (
        5,
        "credit refills",
        include_str!("../migrations/postgres/0005_credit_refills.sql"),
    ),
    (
        6,
        "console sessions",
        include_str!("../migrations/postgres/0006_console_sessions.sql"),
    ),
    (
        7,
        "cluster rate windows",
        include_str!("../migrations/postgres/0007_rate_windows.sql"),
    ),
    (
        8,
        "key shares",
        include_str!("../migrations/postgres/0008_key_shares.sql"),
    ),
    (
        9,
        "named rate limits",
        include_str!("../migrations/postgres/0009_named_rate_limits.sql"),
    ),
    (
        10,
        "expiry notices",
        include_str!("../migrations/postgres/0010_expiry_notices.sql"),
    ),
    (
        11,
        "owner limits",
        include_str!("../migrations/postgres/0011_owner_limits.sql"),
    ),
    (
        12,
        "webhook outbox",
        include_str!("../migrations/postgres/0012_webhook_outbox.sql"),
    ),
    (
        13,
        "hardening, round two",
        include_str!("../migrations/postgres/0013_hardening.sql"),
    ),
    (
        14,
        "key spaces and roles",
        include_str!("../migrations/postgres/0014_spaces.sql"),
    ),
    (
        15,
        "imported keys",
        include_str!("../migrations/postgres/0015_import.sql"),
    ),
    (
        16,
        "customer portal",
        include_str!("../migrations/postgres/0016_portal.sql"),
    ),
    (
        17,
        "vault",
        include_str!("../migrations/postgres/0017_vault.sql"),
    ),
];

/// Migrations compiled into the binary, so a deployment is one file.
#[derive(Debug)]
struct EmbeddedMigrations(Embedded);

impl<'s> MigrationSource<'s> for EmbeddedMigrations {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, sqlx::error::BoxDynError>> + Send + 's>>
    {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|(version, name, sql)| {
                    Migration::new(
                        *version,
                        Cow::Borrowed(*name),
                        MigrationType::Simple,
                        Cow::Borrowed(*sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

async fn migrator(migrations: Embedded) -> Result<Migrator> {
    Ok(Migrator::new(EmbeddedMigrations(migrations)).await?)
}

/// Typed column access shared by both backends' rows, so records are
/// decoded by one function.
pub(crate) trait RowGet {
    fn i64(&self, col: &str) -> Result<i64>;
    fn opt_i64(&self, col: &str) -> Result<Option<i64>>;
    fn text(&self, col: &str) -> Result<String>;
    fn opt_text(&self, col: &str) -> Result<Option<String>>;
    fn bytes(&self, col: &str) -> Result<Vec<u8>>;
    fn opt_bytes(&self, col: &str) -> Result<Option<Vec<u8>>>;
}

macro_rules! impl_row_get {
    ($row:ty) => {
        impl RowGet for $row {
            fn i64(&self, col: &str) -> Result<i64> {
                Ok(self.try_get::<i64, _>(col)?)
            }
            fn opt_i64(&self, col: &str) -> Result<Option<i64>> {
                Ok(self.try_get::<Option<i64>, _>(col)?)
            }
            fn text(&self, col: &str) -> Result<String> {
                Ok(self.try_get::<String, _>(col)?)
            }
            fn opt_text(&self, col: &str) -> Result<Option<String>> {
                Ok(self.try_get::<Option<String>, _>(col)?)
            }
            fn bytes(&self, col: &str) -> Result<Vec<u8>> {
                Ok(self.try_get::<Vec<u8>, _>(col)?)
            }
            fn opt_bytes(&self, col: &str) -> Result<Option<Vec<u8>>> {
                Ok(self.try_get::<Option<Vec<u8>>, _>(col)?)
            }
        }
    };
}
impl_row_get!(SqliteRow);
impl_row_get!(PgRow);

/// Reads a name type (`KeyId`, `Owner`, ...) back from a column.
pub(crate) fn parse_col<T: FromStr>(value: &str, col: &str) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    value
        .parse()
        .map_err(|e| StoreError::corrupt(format!("{col}: {e}")))
}

pub(crate) fn digest_col(bytes: Vec<u8>, col: &str) -> Result<keywarden_core::digest::KeyDigest> {
    keywarden_core::digest::KeyDigest::from_slice(&bytes)
        .ok_or_else(|| StoreError::corrupt(format!("{col}: not 32 bytes")))
}

pub(crate) fn version_col(v: i64) -> Result<u32> {
    u32::try_from(v).map_err(|_| StoreError::corrupt("pepper_version out of range"))
}
