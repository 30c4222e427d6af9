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
//! - `audit.rs`: the append-only audit log and its HMAC hash chain.
//! - `usage.rs`, `events.rs`: the verification log and notable events.
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
mod keys;
pub mod model;
mod root_keys;
#[cfg(feature = "testing")]
pub mod testing;
mod usage;

pub use keys::{CHANGES_ALL, CHANGES_CHANNEL};
pub use model::*;

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
    /// The database failed or could not be reached.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    pub(crate) fn corrupt(what: impl std::fmt::Display) -> Self {
        Self::Corrupt(what.to_string())
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
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({:?})", self.kind())
    }
}

/// How long a connection waits for a lock (SQLite) or a pool slot.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

impl Store {
    /// Opens (creating if needed) and migrates the store at `url`:
    /// `sqlite:PATH` / `sqlite://PATH` or `postgres://…`. The peppers key the
    /// audit chain.
    pub async fn open(url: &str, peppers: PepperRing) -> Result<Self> {
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite(open_sqlite(url).await?)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres(open_postgres(url).await?)
        } else {
            return Err(StoreError::Config(
                "the database URL must start with sqlite: or postgres://".to_owned(),
            ));
        };
        Ok(Self {
            backend: std::sync::Arc::new(backend),
            peppers,
        })
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

    /// Closes the pools, waiting for connections to finish.
    pub async fn close(&self) {
        match &*self.backend {
            Backend::Sqlite(db) => {
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

async fn open_sqlite(url: &str) -> Result<SqliteDb> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| StoreError::Config(format!("bad SQLite URL: {e}")))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a commit is on disk before it is acknowledged, so an
        // acknowledged create, roll or revoke survives a crash or power loss.
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(BUSY_TIMEOUT)
        .foreign_keys(true);
    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(BUSY_TIMEOUT)
        .connect_with(options.clone())
        .await?;
    migrator(SQLITE_MIGRATIONS).await?.run(&writer).await?;
    let reader = SqlitePoolOptions::new()
        .max_connections(4)
        .acquire_timeout(BUSY_TIMEOUT)
        .connect_with(options.create_if_missing(false))
        .await?;
    Ok(SqliteDb { writer, reader })
}

async fn open_postgres(url: &str) -> Result<PgDb> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| StoreError::Config(format!("bad PostgreSQL URL: {e}")))?;
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(BUSY_TIMEOUT)
        .connect_with(options)
        .await?;
    // The migrator takes an advisory lock, so nodes starting together
    // migrate once.
    migrator(POSTGRES_MIGRATIONS).await?.run(&pool).await?;
    Ok(PgDb { pool })
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

pub(crate) fn digest_col(bytes: Vec<u8>, col: &str) -> Result<[u8; 32]> {
    bytes
        .try_into()
        .map_err(|_| StoreError::corrupt(format!("{col}: not 32 bytes")))
}

pub(crate) fn version_col(v: i64) -> Result<u32> {
    u32::try_from(v).map_err(|_| StoreError::corrupt("pepper_version out of range"))
}
