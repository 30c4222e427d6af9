//! `keywarden serve` and `keywarden admin …`: the server, and the commands
//! that work on the store directly (no server needed).

use std::{io::Write, net::SocketAddr, path::PathBuf};

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use ipnet::IpNet;
use keywarden_core::clock::{Clock, SystemClock};
use keywarden_server::{ServerConfig, setup};
use keywarden_store::{AuditDraft, Permission};

use crate::{Outcome, output};

/// Where the store is: shared by `serve` and `admin`.
#[derive(Debug, Args, Clone)]
pub(crate) struct StoreArgs {
    /// Settings file (TOML). Flags and KEYWARDEN_* variables override it.
    #[arg(long, env = "KEYWARDEN_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Data directory of the embedded store and its pepper [default: ./keywarden-data]
    #[arg(long, env = "KEYWARDEN_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// sqlite:PATH or postgres://… [default: SQLite in the data directory];
    /// or from a file: KEYWARDEN_DATABASE_URL_FILE
    #[arg(
        long,
        env = "KEYWARDEN_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    database_url: Option<String>,
}

/// The secrets and file-only settings, listed under `serve --help`.
const SERVE_AFTER_HELP: &str = "\
Secrets (environment only, never flags or the settings file; each also as NAME_FILE=path, \
a file readable by its owner (and group) only):
  KEYWARDEN_PEPPER            [version:]hex-or-base64, at least 32 bytes (default: generated into the data dir)
  KEYWARDEN_PEPPER_PREVIOUS   older peppers after a rotation, comma-separated
  KEYWARDEN_MASTER_KEY        32 bytes, hex or base64: enables recoverable keys
  KEYWARDEN_WEBHOOK_SECRET    signs webhook deliveries (required with webhook_url)
  KEYWARDEN_DATABASE_URL_FILE the database URL (--database-url, which holds its password) from a file
The TLS private key (--tls-key) follows the same rule: a file every user can read is refused.

Settings without a flag (the settings file, or KEYWARDEN_<NAME>; tables as KEYWARDEN_POLICIES__LIVE__MAX_LIFETIME=90d):
  max_body_bytes, failure_limit_per_minute, usage_retention, cache_ttl, cache_capacity,
  default_grace_period, leak_reports_per_minute, policies, webhook_url, burst_per_minute,
  session_idle, session_max, rate_limit_mode (local | cluster), public_url,
  expiry_notice, credits_low_ratio, portal (a table: name, primary_color, logo_url, session_max),
  max_requests_per_connection (default 1000: the last answer closes the connection),
  max_body_memory (default 16777216: bytes all request bodies in flight may hold; past it 503 OVERLOADED),
  secret_versions (default 20: versions kept per vault secret)

Logging: KEYWARDEN_LOG (a filter, default info; keywarden::access=off silences the access log).
SIGHUP reloads the TLS certificate.";

#[derive(Debug, Args)]
#[command(after_help = SERVE_AFTER_HELP)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "KEYWARDEN_LISTEN", value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// Prefix of the keys this deployment mints [default: kw]
    #[arg(long, env = "KEYWARDEN_PREFIX")]
    prefix: Option<String>,
    /// Proxies whose forwarding header is believed (CIDR; repeat or comma-separate).
    #[arg(
        long = "trusted-proxies",
        env = "KEYWARDEN_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_name = "CIDR"
    )]
    trusted_proxies: Vec<IpNet>,
    /// The header a trusted proxy names the client in: x-forwarded-for
    /// (walked from the right past trusted proxies) or x-real-ip.
    #[arg(long, env = "KEYWARDEN_CLIENT_IP_HEADER", value_name = "HEADER")]
    client_ip_header: Option<keywarden_server::config::ClientIpHeader>,
    /// Longest wait for the store (connection, lock, statement) before
    /// answering 503 STORE_UNAVAILABLE, e.g. 1500ms or 2s.
    #[arg(long, env = "KEYWARDEN_STORE_TIMEOUT", value_name = "DURATION")]
    store_timeout: Option<keywarden_server::config::DurationSpec>,
    /// Time a client has to send its request headers; also how long a
    /// kept-alive connection may sit idle (default 10s).
    #[arg(long, env = "KEYWARDEN_HEADER_READ_TIMEOUT", value_name = "DURATION")]
    header_read_timeout: Option<keywarden_server::config::DurationSpec>,
    /// Longest a request may take, body included (default 30s).
    #[arg(long, env = "KEYWARDEN_REQUEST_TIMEOUT", value_name = "DURATION")]
    request_timeout: Option<keywarden_server::config::DurationSpec>,
    /// Connections served in full (default: a tenth below the descriptor
    /// limit, less the overflow lane's). Past it, a small overflow lane
    /// answers /healthz and /readyz, and everything else 503 OVERLOADED.
    #[arg(long, env = "KEYWARDEN_MAX_CONNECTIONS", value_name = "N")]
    max_connections: Option<usize>,
    /// Open connections from one address (default 256); the next one is
    /// closed at once. Trusted proxies are exempt.
    #[arg(long, env = "KEYWARDEN_MAX_CONNECTIONS_PER_ADDRESS", value_name = "N")]
    max_connections_per_address: Option<usize>,
    /// Time a client has to take a response once writing to it blocks
    /// (default 30s); a client that reads nothing, or a trickle, is then
    /// disconnected.
    #[arg(
        long,
        env = "KEYWARDEN_RESPONSE_WRITE_TIMEOUT",
        value_name = "DURATION"
    )]
    response_write_timeout: Option<keywarden_server::config::DurationSpec>,
    /// How long open requests may finish at shutdown (default 10s).
    #[arg(long, env = "KEYWARDEN_SHUTDOWN_TIMEOUT", value_name = "DURATION")]
    shutdown_timeout: Option<keywarden_server::config::DurationSpec>,
    /// GitHub's secret-scanning public keys (the JSON document of
    /// https://api.github.com/meta/public_keys/secret_scanning): enables
    /// POST /v1/leaks/github. Read again whenever the file changes.
    #[arg(long, env = "KEYWARDEN_GITHUB_PARTNER_KEYS", value_name = "FILE")]
    github_partner_keys: Option<PathBuf>,
    /// This node's name in usage logs.
    #[arg(long, env = "KEYWARDEN_NODE_ID")]
    node_id: Option<String>,
    /// Serve HTTPS only, with this PEM certificate chain (leaf first);
    /// reloaded with the key on SIGHUP, open connections kept.
    #[arg(
        long,
        env = "KEYWARDEN_TLS_CERT",
        value_name = "PEM",
        requires = "tls_key"
    )]
    tls_cert: Option<std::path::PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(
        long,
        env = "KEYWARDEN_TLS_KEY",
        value_name = "PEM",
        requires = "tls_cert"
    )]
    tls_key: Option<std::path::PathBuf>,
    /// Log format on stderr.
    #[arg(long, env = "KEYWARDEN_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"])]
    log_format: String,
}

impl StoreArgs {
    /// Defaults, then the file, then the environment (figment: see
    /// `keywarden_server::config::ENV_SETTINGS`), then flags and their
    /// variables.
    pub(crate) fn config(&self) -> anyhow::Result<ServerConfig> {
        let mut config = ServerConfig::load(self.config.as_deref()).map_err(anyhow::Error::msg)?;
        if let Some(dir) = &self.data_dir {
            config.data_dir.clone_from(dir);
        }
        if let Some(url) = &self.database_url {
            config.database_url = Some(url.clone());
        }
        // The URL holds the database's password: it may come from a file,
        // like the secrets (KEYWARDEN_DATABASE_URL_FILE).
        if let Some(url) = setup::database_url_file(self.database_url.as_deref(), |name| {
            std::env::var(name).ok()
        })? {
            config.database_url = Some(url);
        }
        Ok(config)
    }
}

fn init_logging(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("KEYWARDEN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

pub(crate) fn serve(args: ServeArgs) -> anyhow::Result<Outcome> {
    let mut config = args.store.config()?;
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    if let Some(prefix) = &args.prefix {
        config.prefix = prefix.parse()?;
    }
    if !args.trusted_proxies.is_empty() {
        config.trusted_proxies = args.trusted_proxies;
    }
    if let Some(header) = args.client_ip_header {
        config.client_ip_header = header;
    }
    if let Some(timeout) = args.store_timeout {
        config.store_timeout = timeout;
    }
    if let Some(t) = args.header_read_timeout {
        config.header_read_timeout = t;
    }
    if let Some(t) = args.request_timeout {
        config.request_timeout = t;
    }
    if let Some(n) = args.max_connections {
        config.max_connections = Some(n);
    }
    if let Some(n) = args.max_connections_per_address {
        config.max_connections_per_address = n;
    }
    if let Some(t) = args.response_write_timeout {
        config.response_write_timeout = t;
    }
    if let Some(t) = args.shutdown_timeout {
        config.shutdown_timeout = t;
    }
    if let Some(path) = args.github_partner_keys {
        config.github_partner_keys = Some(path);
    }
    if let Some(node) = args.node_id {
        config.node_id = Some(node);
    }
    if let Some(cert) = args.tls_cert {
        config.tls_cert = Some(cert);
    }
    if let Some(key) = args.tls_key {
        config.tls_key = Some(key);
    }
    init_logging(&args.log_format);
    runtime()?.block_on(keywarden_server::serve(config, |root| {
        // The one time the bootstrap root key is shown: on stdout, never in the log.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "root key: {}", root.expose());
        let _ = writeln!(out, "(shown once: store it in your secrets manager now)");
        let _ = out.flush();
    }))?;
    Ok(Outcome::Success)
}

#[derive(Debug, Subcommand)]
pub(crate) enum AdminCommand {
    /// Root keys (management credentials), straight in the store.
    #[command(subcommand)]
    RootKey(RootKeyCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The master key that seals the vault's values and recoverable keys.
    #[command(subcommand)]
    MasterKey(MasterKeyCommand),
    /// How many keys each pepper version digests. After a rotation
    /// (KEYWARDEN_PEPPER_PREVIOUS), keys move to the current pepper when they
    /// are next presented; an old pepper can be retired once nothing uses it.
    Peppers {
        #[command(flatten)]
        store: StoreArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Copy the SQLite store to FILE, consistently, while the server runs.
    /// The pepper is not in the copy: back it up too (without it no key
    /// verifies). With PostgreSQL, explains pg_dump.
    Backup {
        #[command(flatten)]
        store: StoreArgs,
        /// Where the copy goes (must not exist).
        file: PathBuf,
    },
    /// Put a backup in place as the store of a data directory. Refuses a
    /// directory that already holds a store.
    Restore {
        /// The backup file.
        file: PathBuf,
        /// The data directory to restore into.
        #[arg(long, value_name = "DIR")]
        data_dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum MasterKeyCommand {
    /// Seal every data key (vault versions, recoverable keys) under the
    /// new master key KEYWARDEN_MASTER_KEY, opening them with it or with
    /// KEYWARDEN_MASTER_KEY_PREVIOUS. Online: start the nodes with both
    /// first, run this, then drop the previous key. Values are not
    /// decrypted, only their data keys; running it again is harmless.
    Rotate {
        #[command(flatten)]
        store: StoreArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum RootKeyCommand {
    /// Make a root key and print it once.
    Create {
        #[command(flatten)]
        store: StoreArgs,
        /// keys:read, keys:write, keys:revoke, keys:reveal, keys:verify, audit:read, spaces:write, portal:issue, secrets:read, secrets:write or admin (repeatable).
        #[arg(long = "permission", required = true)]
        permissions: Vec<String>,
        /// A key space the root key sees and changes (repeatable; none:
        /// every space). Another space's keys are 404 to it, and NOT_FOUND
        /// at /v1/verify.
        #[arg(long = "space")]
        spaces: Vec<String>,
        /// An environment whose vault secrets the root key reads or writes
        /// (repeatable; none: every environment). Another environment's
        /// secrets are refused 403.
        #[arg(long = "environment")]
        environments: Vec<String>,
        /// A name for people.
        #[arg(long)]
        name: Option<String>,
        /// The deployment's key prefix, which root keys carry too (so the
        /// rules `scan export-rules` writes match them) [default: the
        /// settings file's, or kw]
        #[arg(long, env = "KEYWARDEN_PREFIX")]
        prefix: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List root keys.
    List {
        #[command(flatten)]
        store: StoreArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a root key.
    Revoke {
        #[command(flatten)]
        store: StoreArgs,
        /// Its id (key_…).
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// Check the audit log's hash chain; exits 1 if it was tampered with.
    /// Without a checkpoint kept outside the database, a log cut at its
    /// end with an older head record put back, or rebuilt by someone
    /// holding the pepper, is not detected: keep checkpoints elsewhere.
    Verify {
        #[command(flatten)]
        store: StoreArgs,
        /// A checkpoint line (`seq:hash:signature`, from `admin audit
        /// checkpoint` or an `audit.checkpoint` event) kept outside the
        /// database: exits 1 when the log no longer reaches it or differs
        /// from it. Repeatable.
        #[arg(long = "checkpoint", value_name = "LINE")]
        checkpoints: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a signed checkpoint of the audit log (`seq:hash:signature`):
    /// keep it outside the database (a ticket, a log shipped elsewhere,
    /// a file in another system) and give it to `verify --checkpoint`.
    Checkpoint {
        #[command(flatten)]
        store: StoreArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Copies a backup into `data_dir/keywarden.db` (owner-only, synced,
/// renamed into place), refusing a directory that already has a store or a
/// file that is not a SQLite database.
fn restore(file: &std::path::Path, data_dir: &std::path::Path) -> anyhow::Result<()> {
    use std::io::{Read, Write};
    let mut header = [0u8; 16];
    std::fs::File::open(file)
        .and_then(|mut f| f.read_exact(&mut header))
        .with_context(|| format!("cannot read {}", file.display()))?;
    anyhow::ensure!(
        &header == b"SQLite format 3\0",
        "{} is not a SQLite database (a keywarden backup)",
        file.display()
    );
    let target = data_dir.join("keywarden.db");
    for existing in ["keywarden.db", "keywarden.db-wal"] {
        anyhow::ensure!(
            !data_dir.join(existing).exists(),
            "{} already holds a store: restore into an empty data directory (stop the server and move the old one away first)",
            data_dir.display()
        );
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o700))?;
    }
    let partial = data_dir.join("keywarden.db.restoring");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = options
        .open(&partial)
        .with_context(|| format!("cannot create {}", partial.display()))?;
    let mut input = std::fs::File::open(file)?;
    std::io::copy(&mut input, &mut out)?;
    out.flush()?;
    out.sync_all()?;
    std::fs::rename(&partial, &target)?;
    Ok(())
}

/// A checkpoint's verdict, as JSON.
fn checkpoint_json(check: keywarden_store::CheckpointCheck) -> serde_json::Value {
    use keywarden_store::CheckpointCheck as C;
    match check {
        C::Reached { seq } => serde_json::json!({"seq": seq, "reached": true}),
        C::NotReached { seq, last } => {
            serde_json::json!({"seq": seq, "reached": false, "log_ends_at": last})
        }
        C::Differs { seq } => serde_json::json!({"seq": seq, "reached": false, "differs": true}),
        _ => serde_json::json!({"reached": false}),
    }
}

/// A checkpoint's verdict, for people.
fn checkpoint_text(check: keywarden_store::CheckpointCheck) -> String {
    use keywarden_store::CheckpointCheck as C;
    match check {
        C::Reached { seq } => format!("checkpoint at entry {seq}: reached, same hash"),
        C::NotReached { seq, last } => format!(
            "checkpoint at entry {seq}: NOT REACHED: the log ends at entry {last}; entries were removed from its end"
        ),
        C::Differs { seq } => format!(
            "checkpoint at entry {seq}: DIFFERS: the entry has another hash; the log was rewritten"
        ),
        _ => "checkpoint: invalid".to_owned(),
    }
}

async fn open(store: &StoreArgs) -> anyhow::Result<keywarden_store::Store> {
    let config = store.config()?;
    let secrets = setup::Secrets::load(&config)?;
    Ok(setup::open_store(&config, secrets.peppers).await?)
}

pub(crate) fn admin(cmd: AdminCommand) -> anyhow::Result<Outcome> {
    let rt = runtime()?;
    let mut out = std::io::stdout().lock();
    rt.block_on(async {
        match cmd {
            AdminCommand::RootKey(RootKeyCommand::Create { store, permissions, spaces, environments, name, prefix, json }) => {
                let environments = if environments.is_empty() {
                    None
                } else {
                    let mut envs = environments
                        .iter()
                        .map(|s| s.parse::<keywarden_core::key::Environment>().map_err(|e| anyhow::anyhow!("--environment {s:?}: {e}")))
                        .collect::<anyhow::Result<Vec<_>>>()?;
                    envs.sort();
                    envs.dedup();
                    Some(envs)
                };
                let spaces = if spaces.is_empty() {
                    None
                } else {
                    let mut ids = spaces
                        .iter()
                        .map(|s| s.parse::<keywarden_core::spaces::SpaceId>().map_err(|e| anyhow::anyhow!("--space {s:?}: {e}")))
                        .collect::<anyhow::Result<Vec<_>>>()?;
                    ids.sort();
                    ids.dedup();
                    Some(ids)
                };
                let permissions = permissions
                    .iter()
                    .map(|p| p.parse::<Permission>().map_err(anyhow::Error::msg))
                    .collect::<anyhow::Result<Vec<_>>>()?;
                let prefix = match prefix {
                    Some(p) => p.parse()?,
                    None => store.config()?.prefix,
                };
                if let Some(n) = &name {
                    anyhow::ensure!(
                        n.chars().count() <= keywarden_server::keys::MAX_NAME
                            && keywarden_core::names::is_clean_text(n),
                        "a root key's name is at most {} characters, without control characters, \
                         line separators or invisible formatting characters",
                        keywarden_server::keys::MAX_NAME
                    );
                }
                let store = open(&store).await?;
                let (record, key) = setup::create_root_key(
                    &store,
                    &prefix,
                    setup::RootKeyGrant { permissions, spaces, environments },
                    name,
                    SystemClock.now_ms(),
                )
                .await?;
                if json {
                    output::json(
                        &mut out,
                        &serde_json::json!({
                            "id": record.id.as_str(),
                            "key": key.expose(),
                            "permissions": record.permissions.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
                            "spaces": record.spaces.as_ref().map(|s| s.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
                            "environments": record.environments.as_ref().map(|s| s.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
                        }),
                    )?;
                } else {
                    writeln!(out, "root key: {}", key.expose())?;
                    writeln!(
                        out,
                        "id: {}  permissions: {}  spaces: {}",
                        record.id,
                        record.permissions.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(","),
                        record.spaces.as_ref().map_or_else(|| "all".to_owned(), |s| s.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(","))
                    )?;
                }
                Ok(Outcome::Success)
            }
            AdminCommand::RootKey(RootKeyCommand::List { store, json }) => {
                let store = open(&store).await?;
                let keys = store.list_root_keys().await?;
                let rows: Vec<serde_json::Value> = keys
                    .iter()
                    .map(|k| {
                        serde_json::json!({
                            "id": k.id.as_str(),
                            "hint": k.hint,
                            "name": k.name,
                            "permissions": k.permissions.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
                            "spaces": k.spaces.as_ref().map(|s| s.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
                            "environments": k.environments.as_ref().map(|s| s.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
                            "created_at": keywarden_server::timefmt::rfc3339(k.created_at),
                            "revoked_at": keywarden_server::timefmt::opt(k.revoked_at),
                            "last_used_at": keywarden_server::timefmt::opt(k.last_used_at),
                        })
                    })
                    .collect();
                if json {
                    output::json(&mut out, &serde_json::Value::Array(rows))?;
                } else {
                    let table: Vec<Vec<String>> = rows
                        .iter()
                        .map(|r| ["id", "hint", "name", "permissions", "created_at", "revoked_at"].iter().map(|f| output::field(r, f)).collect())
                        .collect();
                    output::table(&mut out, &["ID", "HINT", "NAME", "PERMISSIONS", "CREATED", "REVOKED"], &table)?;
                }
                Ok(Outcome::Success)
            }
            AdminCommand::RootKey(RootKeyCommand::Revoke { store, id }) => {
                let id = id.parse().context("not a key id")?;
                let store = open(&store).await?;
                let now = SystemClock.now_ms();
                let audit = AuditDraft {
                    actor: "admin-cli".to_owned(),
                    action: keywarden_store::AuditAction::RootKeyRevoke.into(),
                    target: Some(format!("{id}")),
                    outcome: keywarden_store::AuditOutcome::Allowed.into(),
                    client_ip: None,
                    details: serde_json::json!({}),
                    at: now,
                };
                match store.revoke_root_key(&id, now, &audit).await {
                    Ok(()) => writeln!(out, "revoked {id}")?,
                    Err(keywarden_store::StoreError::NotFound) => bail!("no active root key {id}"),
                    Err(e) => return Err(e.into()),
                }
                Ok(Outcome::Success)
            }
            AdminCommand::MasterKey(MasterKeyCommand::Rotate { store, json }) => {
                let config = store.config()?;
                let secrets = setup::Secrets::load(&config)?;
                let new = secrets.master_key.clone().context(
                    "set KEYWARDEN_MASTER_KEY to the new master key, and KEYWARDEN_MASTER_KEY_PREVIOUS to the old one",
                )?;
                anyhow::ensure!(
                    !secrets.previous_master_keys.is_empty(),
                    "set KEYWARDEN_MASTER_KEY_PREVIOUS to the master key being replaced"
                );
                let store = setup::open_store(&config, secrets.peppers.clone()).await?;
                let done = keywarden_server::vault::rotate_master_key(&store, &secrets.previous_master_keys, &new)
                    .await
                    .map_err(anyhow::Error::msg)?;
                let now = SystemClock.now_ms();
                store
                    .audit(&AuditDraft {
                        actor: "admin-cli".to_owned(),
                        action: keywarden_store::AuditAction::MasterKeyRotate.into(),
                        target: None,
                        outcome: keywarden_store::AuditOutcome::Allowed.into(),
                        client_ip: None,
                        details: serde_json::json!({ "rewrapped": done.rewrapped, "already": done.already }),
                        at: now,
                    })
                    .await?;
                store.close().await;
                if json {
                    output::json(&mut out, &serde_json::json!({ "rewrapped": done.rewrapped, "already": done.already }))?;
                } else {
                    writeln!(
                        out,
                        "{} data key(s) sealed under the new master key, {} already were; \
                         KEYWARDEN_MASTER_KEY_PREVIOUS can be dropped",
                        done.rewrapped, done.already
                    )?;
                }
                Ok(Outcome::Success)
            }
            AdminCommand::Backup { store, file } => {
                let store = open(&store).await?;
                store.backup(&file).await?;
                store.close().await;
                let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
                writeln!(out, "backup written to {} ({size} bytes)", file.display())?;
                writeln!(out, "back up the pepper too (the data directory's `pepper` file or KEYWARDEN_PEPPER): without it no key verifies")?;
                Ok(Outcome::Success)
            }
            AdminCommand::Restore { file, data_dir } => {
                restore(&file, &data_dir)?;
                writeln!(out, "restored {} into {}", file.display(), data_dir.display())?;
                writeln!(out, "now put the pepper in place ({}/pepper, or KEYWARDEN_PEPPER) and check: keywarden admin audit verify --data-dir {}", data_dir.display(), data_dir.display())?;
                Ok(Outcome::Success)
            }
            AdminCommand::Peppers { store, json } => {
                let store = open(&store).await?;
                let current = store.peppers().current().version();
                let rows = store.pepper_versions().await?;
                let configured: Vec<u32> = store.peppers().iter().map(|p| p.version()).collect();
                if json {
                    let list: Vec<_> = rows
                        .iter()
                        .map(|(v, api, root)| {
                            serde_json::json!({
                                "version": v, "api_keys": api, "root_keys": root,
                                "current": *v == current, "configured": configured.contains(v),
                            })
                        })
                        .collect();
                    output::json(&mut out, &serde_json::json!({ "current": current, "versions": list }))?;
                } else {
                    let table: Vec<Vec<String>> = rows
                        .iter()
                        .map(|(v, api, root)| {
                            let state = if *v == current {
                                "current"
                            } else if configured.contains(v) {
                                "previous"
                            } else {
                                "NOT CONFIGURED: these keys cannot verify"
                            };
                            vec![v.to_string(), api.to_string(), root.to_string(), state.to_owned()]
                        })
                        .collect();
                    output::table(&mut out, &["VERSION", "API KEYS", "ROOT KEYS", "PEPPER"], &table)?;
                }
                Ok(Outcome::Success)
            }
            AdminCommand::Audit(AuditCommand::Verify { store, checkpoints, json }) => {
                let store = open(&store).await?;
                let report = store.verify_audit_chain().await?;
                let mut checks = Vec::new();
                for line in &checkpoints {
                    let check = store.check_audit_checkpoint(line).await?;
                    anyhow::ensure!(
                        check != keywarden_store::CheckpointCheck::Invalid,
                        "not a checkpoint of this deployment: expected seq:hash:signature as \
                         `keywarden admin audit checkpoint` prints it, signed under a configured pepper"
                    );
                    checks.push(check);
                }
                let reached = checks
                    .iter()
                    .all(|c| matches!(c, keywarden_store::CheckpointCheck::Reached { .. }));
                if json {
                    let checks: Vec<_> = checks.iter().map(|c| checkpoint_json(*c)).collect();
                    let mut value = serde_json::to_value(&report)?;
                    value["checkpoints"] = checks.into();
                    output::json(&mut out, &value)?;
                } else {
                    if report.ok() {
                        writeln!(out, "audit chain OK: {} entries verified", report.entries)?;
                    } else {
                        writeln!(
                            out,
                            "audit chain BROKEN at entry {}: {} ({} entries verified before it)",
                            report.first_bad_seq.unwrap_or_default(),
                            report.problem.as_deref().unwrap_or("unknown"),
                            report.entries
                        )?;
                    }
                    for check in &checks {
                        writeln!(out, "{}", checkpoint_text(*check))?;
                    }
                }
                Ok(if report.ok() && reached { Outcome::Success } else { Outcome::Negative })
            }
            AdminCommand::Audit(AuditCommand::Checkpoint { store, json }) => {
                let store = open(&store).await?;
                let checkpoint = store
                    .audit_checkpoint(SystemClock.now_ms())
                    .await?
                    .context("the audit log is empty: there is nothing to checkpoint yet")?;
                if json {
                    output::json(&mut out, &serde_json::to_value(&checkpoint)?)?;
                } else {
                    writeln!(out, "{}", checkpoint.line)?;
                }
                Ok(Outcome::Success)
            }
        }
    })
}
