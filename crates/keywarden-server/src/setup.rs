//! Secrets and start-up: the pepper, the master key, opening the store and
//! the bootstrap root key.
//!
//! - `KEYWARDEN_PEPPER`: `[<version>:]<hex or base64>`, at least 32 bytes.
//!   Without it, the embedded default generates one at first start into
//!   `<data dir>/pepper` (mode 0600). PostgreSQL deployments must set it:
//!   every node needs the same pepper.
//! - `KEYWARDEN_PEPPER_PREVIOUS`: older peppers, comma-separated, so keys
//!   digested before a rotation keep verifying.
//! - `KEYWARDEN_MASTER_KEY`: 32 bytes (hex or base64) enabling recoverable keys.
//! - `KEYWARDEN_WEBHOOK_SECRET`: the secret that signs webhook deliveries
//!   (its bytes as given, at least 16).
//! - `KEYWARDEN_DATABASE_URL_FILE`: the database URL, which holds its
//!   password, from a file ([`database_url_file`]; the CLI reads it).
//!
//! Every file holding a secret — these `_FILE` forms and the TLS private
//! key — passes [`check_private_file`].

use std::{io::Write, path::Path};

use keywarden_core::{
    clock::UnixMillis,
    digest::{Pepper, PepperRing},
    envelope::MasterKey,
    key::{self, Environment, KeyId},
    secret::{PlaintextKey, SecretBytes},
};
use keywarden_store::{AuditDraft, Permission, RootKeyRecord, Store};

use crate::{ServeError, ServerConfig};

/// The server's secrets.
#[derive(Debug, Clone)]
pub struct Secrets {
    /// Peppers for digests and the audit chain.
    pub peppers: PepperRing,
    /// Master key for recoverable keys and the vault.
    pub master_key: Option<MasterKey>,
    /// Master keys it replaced, while `admin master-key rotate` runs
    /// (`KEYWARDEN_MASTER_KEY_PREVIOUS`, comma-separated).
    pub previous_master_keys: Vec<MasterKey>,
    /// Signing secret of the webhook.
    pub webhook_secret: Option<SecretBytes>,
}

const PEPPER_FILE: &str = "pepper";

impl Secrets {
    /// Reads the secrets from `KEYWARDEN_PEPPER`, `KEYWARDEN_PEPPER_PREVIOUS`,
    /// `KEYWARDEN_MASTER_KEY` and `KEYWARDEN_WEBHOOK_SECRET` — each either
    /// as the variable itself or as `…_FILE`, the path of a file holding it
    /// (systemd credentials, container secrets) — or the data directory's
    /// pepper file.
    pub fn load(config: &ServerConfig) -> Result<Self, ServeError> {
        Self::load_with(config, |name| std::env::var(name).ok())
    }

    /// [`Secrets::load`] with the environment given as a lookup.
    pub fn load_with(
        config: &ServerConfig,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ServeError> {
        let var = |name: &str| secret_var(name, &env);
        let (pepper, previous, master) = (
            var("KEYWARDEN_PEPPER")?,
            var("KEYWARDEN_PEPPER_PREVIOUS")?,
            var("KEYWARDEN_MASTER_KEY")?,
        );
        let mut secrets = Self::resolve(
            config,
            pepper.as_deref().map(String::as_str),
            previous.as_deref().map(String::as_str),
            master.as_deref().map(String::as_str),
        )?;
        secrets.previous_master_keys = previous_master_keys(
            var("KEYWARDEN_MASTER_KEY_PREVIOUS")?
                .as_deref()
                .map(String::as_str),
        )?;
        secrets.webhook_secret = var("KEYWARDEN_WEBHOOK_SECRET")?
            .map(|s| SecretBytes::new(s.trim().as_bytes().to_vec()));
        Ok(secrets)
    }

    /// Resolves the secrets from given texts (environment values).
    pub fn resolve(
        config: &ServerConfig,
        pepper: Option<&str>,
        previous: Option<&str>,
        master_key: Option<&str>,
    ) -> Result<Self, ServeError> {
        let current = match pepper {
            Some(text) => Pepper::from_config(text)
                .map_err(|e| ServeError::Config(format!("KEYWARDEN_PEPPER: {e}")))?,
            None if config.is_postgres() => {
                return Err(ServeError::Config(
                    "KEYWARDEN_PEPPER is required with PostgreSQL: every node must use the same pepper \
                     (generate one with `keywarden gen secret --bytes 32`)"
                        .to_owned(),
                ));
            }
            None => pepper_file(&config.data_dir)?,
        };
        let mut older = Vec::new();
        for text in previous
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            older.push(
                Pepper::from_config(text)
                    .map_err(|e| ServeError::Config(format!("KEYWARDEN_PEPPER_PREVIOUS: {e}")))?,
            );
        }
        if older.iter().any(|p| p.version() == current.version()) {
            return Err(ServeError::Config(
                "KEYWARDEN_PEPPER_PREVIOUS holds a pepper with the current pepper's version"
                    .to_owned(),
            ));
        }
        let master_key = master_key
            .map(|text| {
                MasterKey::from_config(text)
                    .map_err(|e| ServeError::Config(format!("KEYWARDEN_MASTER_KEY: {e}")))
            })
            .transpose()?;
        Ok(Self {
            peppers: PepperRing::new(current).with_previous(older),
            master_key,
            previous_master_keys: Vec::new(),
            webhook_secret: None,
        })
    }
}

/// The master keys of `KEYWARDEN_MASTER_KEY_PREVIOUS`: comma-separated,
/// each 32 bytes as hex or base64.
pub fn previous_master_keys(text: Option<&str>) -> Result<Vec<MasterKey>, ServeError> {
    text.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            MasterKey::from_config(t)
                .map_err(|e| ServeError::Config(format!("KEYWARDEN_MASTER_KEY_PREVIOUS: {e}")))
        })
        .collect()
}

/// A secret setting: `name` from the environment, or the contents of the
/// file named by `name_FILE` (trimmed). Both set is an error, and so is a
/// file every user can read; a file its group can read is accepted with a
/// warning (container runtimes share secrets with a group).
fn secret_var(
    name: &str,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<Option<zeroize::Zeroizing<String>>, ServeError> {
    let direct = env(name).filter(|v| !v.trim().is_empty());
    let file_var = format!("{name}_FILE");
    let file = env(&file_var).filter(|v| !v.trim().is_empty());
    match (direct, file) {
        (Some(_), Some(_)) => Err(ServeError::Config(format!(
            "{name} and {file_var} are both set: use one"
        ))),
        (Some(v), None) => Ok(Some(zeroize::Zeroizing::new(v))),
        (None, None) => Ok(None),
        (None, Some(path)) => read_secret_file(&file_var, Path::new(path.trim())).map(Some),
    }
}

/// The database URL (it holds the database's password) from the file named
/// by `KEYWARDEN_DATABASE_URL_FILE`, read like the secrets' `_FILE` forms
/// (trimmed; a file every user can read is refused). `given` is the URL
/// from `--database-url` or `KEYWARDEN_DATABASE_URL`: both is an error.
pub fn database_url_file(
    given: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Option<String>, ServeError> {
    const FILE_VAR: &str = "KEYWARDEN_DATABASE_URL_FILE";
    let Some(path) = env(FILE_VAR).filter(|v| !v.trim().is_empty()) else {
        return Ok(None);
    };
    if given.is_some_and(|url| !url.trim().is_empty()) {
        return Err(ServeError::Config(format!(
            "KEYWARDEN_DATABASE_URL (or --database-url) and {FILE_VAR} are both set: use one"
        )));
    }
    let url = read_secret_file(FILE_VAR, Path::new(path.trim()))?;
    Ok(Some(url.as_str().to_owned()))
}

/// The trimmed contents of a secret's file, refused when every user can
/// read it ([`check_private_file`]) or when it is empty.
fn read_secret_file(file_var: &str, path: &Path) -> Result<zeroize::Zeroizing<String>, ServeError> {
    check_private_file(path, file_var).map_err(ServeError::Config)?;
    let text = std::fs::read_to_string(path).map_err(|e| {
        ServeError::Config(format!("{file_var}: cannot read {}: {e}", path.display()))
    })?;
    let text = zeroize::Zeroizing::new(text);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(ServeError::Config(format!(
            "{file_var}: {} is empty",
            path.display()
        )));
    }
    Ok(zeroize::Zeroizing::new(trimmed.to_owned()))
}

/// The rule of every file that holds a secret (the `*_FILE` secrets, the
/// database URL's file, the TLS private key): a file every user of the
/// machine can read is refused, with a message naming `what`; one its group
/// can read is accepted with a warning (container runtimes and certificate
/// tools share secrets with a group). A file that cannot be inspected is
/// left to the read that follows, which names the problem.
pub fn check_private_file(path: &Path, what: &str) -> Result<(), String> {
    #[cfg(unix)]
    if let Ok(meta) = std::fs::metadata(path) {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode();
        if mode & 0o004 != 0 {
            return Err(format!(
                "{what}: {} is readable by every user of this machine (mode {:o}): \
                 make it readable by keywarden's user only (chmod 0400; in Kubernetes \
                 defaultMode: 0400)",
                path.display(),
                mode & 0o777
            ));
        }
        if mode & 0o070 != 0 {
            tracing::warn!(file = %path.display(), "{what}: the file's group can read it");
        }
    }
    #[cfg(not(unix))]
    let _ = (path, what);
    Ok(())
}

/// Reads `<data dir>/pepper`, generating it (mode 0600) on first start.
fn pepper_file(data_dir: &Path) -> Result<Pepper, ServeError> {
    let io = |what: &str, e: std::io::Error| {
        ServeError::Config(format!("{what} {}: {e}", data_dir.display()))
    };
    create_private_dir(data_dir).map_err(|e| io("cannot create the data directory", e))?;
    let path = data_dir.join(PEPPER_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            restrict(&path);
            Pepper::from_config(&text)
                .map_err(|e| ServeError::Config(format!("{}: {e}", path.display())))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let pepper = Pepper::generate(1).map_err(|e| ServeError::Config(e.to_string()))?;
            let mut file =
                private_file(&path).map_err(|e| io("cannot write the pepper into", e))?;
            file.write_all(pepper.to_config().as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(|e| io("cannot write the pepper into", e))?;
            tracing::info!(path = %path.display(), "generated a new pepper");
            Ok(pepper)
        }
        Err(e) => Err(io("cannot read the pepper in", e)),
    }
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.exists() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

/// Makes an existing secrets file private again if someone loosened it.
fn restrict(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(path = %path.display(), "the pepper file was readable by others; setting it to 0600");
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
        }
    }
}

/// Opens the configured store.
pub async fn open_store(config: &ServerConfig, peppers: PepperRing) -> Result<Store, ServeError> {
    if config.database_url.is_none() {
        create_private_dir(&config.data_dir).map_err(|e| {
            ServeError::Config(format!("cannot create {}: {e}", config.data_dir.display()))
        })?;
    }
    let options = keywarden_store::StoreOptions {
        timeout: config.store_timeout.std(),
    };
    Ok(Store::open_with(&config.effective_database_url(), peppers, options).await?)
}

/// A new root key record for `minted`.
fn root_record(
    store: &Store,
    minted: &PlaintextKey,
    permissions: Vec<Permission>,
    name: Option<String>,
    created_by: &str,
    now: UnixMillis,
) -> RootKeyRecord {
    let pepper = store.peppers().current();
    RootKeyRecord {
        id: KeyId::generate(),
        digest: pepper.digest(minted.expose()),
        pepper_version: pepper.version(),
        hint: minted.hint(),
        name,
        permissions,
        spaces: None,
        environments: None,
        created_at: now,
        created_by: Some(created_by.to_owned()),
        revoked_at: None,
        last_used_at: None,
    }
}

/// On a store that has never had a root key, makes one with `admin` and
/// returns it, once. Safe when several nodes start together.
pub async fn bootstrap(
    store: &Store,
    prefix: &key::Prefix,
    now: UnixMillis,
) -> Result<Option<PlaintextKey>, ServeError> {
    // The deployment's prefix, as its API keys: the rules it exports for
    // scanners (and GitHub's partner program) match its root keys too.
    let minted = key::mint(prefix, &Environment::root());
    let record = root_record(
        store,
        &minted,
        vec![Permission::Admin],
        Some("bootstrap".to_owned()),
        "bootstrap",
        now,
    );
    let audit = AuditDraft {
        actor: "bootstrap".to_owned(),
        action: keywarden_store::AuditAction::RootKeyCreate.into(),
        target: Some(record.id.to_string()),
        outcome: keywarden_store::AuditOutcome::Allowed.into(),
        client_ip: None,
        details: serde_json::json!({ "permissions": ["admin"] }),
        at: now,
    };
    Ok(store
        .bootstrap_root_key(&record, &audit)
        .await?
        .then_some(minted))
}

/// What a root key made by `keywarden admin root-key create` may do.
#[derive(Debug, Clone, Default)]
pub struct RootKeyGrant {
    /// Its permissions.
    pub permissions: Vec<Permission>,
    /// The spaces it sees; `None`: every space.
    pub spaces: Option<Vec<keywarden_core::spaces::SpaceId>>,
    /// The environments whose secrets it holds; `None`: every one.
    pub environments: Option<Vec<Environment>>,
}

/// Makes a root key directly in the store (`keywarden admin root-key create`).
pub async fn create_root_key(
    store: &Store,
    prefix: &key::Prefix,
    grant: RootKeyGrant,
    name: Option<String>,
    now: UnixMillis,
) -> Result<(RootKeyRecord, PlaintextKey), keywarden_store::StoreError> {
    let RootKeyGrant {
        permissions,
        spaces,
        environments,
    } = grant;
    // A root key scoped to a space that does not exist would see nothing:
    // a typo, refused.
    for space in spaces.iter().flatten() {
        if store.get_space(space).await?.is_none() {
            return Err(keywarden_store::StoreError::Conflict(format!(
                "no space {space}: create it first (keywarden space create)"
            )));
        }
    }
    let minted = key::mint(prefix, &Environment::root());
    let mut record = root_record(store, &minted, permissions, name, "admin-cli", now);
    record.spaces = spaces;
    record.environments = environments;
    let audit = AuditDraft {
        actor: "admin-cli".to_owned(),
        action: keywarden_store::AuditAction::RootKeyCreate.into(),
        target: Some(record.id.to_string()),
        outcome: keywarden_store::AuditOutcome::Allowed.into(),
        client_ip: None,
        details: serde_json::json!({
            "permissions": record.permissions.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
            "spaces": record.spaces.as_ref().map(|s| s.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
            "environments": record.environments.as_ref().map(|s| s.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
        }),
        at: now,
    };
    store.insert_root_key(&record, &audit).await?;
    Ok((record, minted))
}

#[cfg(test)]
mod file_tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn secrets_come_from_variables_or_files() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pepper");
        std::fs::write(&file, format!("7:{}\n", "ab".repeat(32))).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
            let path = file.display().to_string();
            let config = ServerConfig {
                data_dir: dir.path().join("data"),
                ..ServerConfig::default()
            };
            let open = Secrets::load_with(&config, |name| {
                (name == "KEYWARDEN_PEPPER_FILE").then(|| path.clone())
            });
            assert!(
                matches!(&open, Err(ServeError::Config(m)) if m.contains("readable by every user")),
                "{:?}",
                open.err()
            );
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o400)).unwrap();
        }
        let config = ServerConfig {
            data_dir: dir.path().join("data"),
            ..ServerConfig::default()
        };
        let path = file.display().to_string();
        let from_file = Secrets::load_with(&config, |name| {
            (name == "KEYWARDEN_PEPPER_FILE").then(|| path.clone())
        })
        .unwrap();
        assert_eq!(from_file.peppers.current().version(), 7);
        assert!(
            !config.data_dir.join("pepper").exists(),
            "no pepper generated when one is given"
        );
        let both = Secrets::load_with(&config, |name| match name {
            "KEYWARDEN_PEPPER_FILE" => Some(path.clone()),
            "KEYWARDEN_PEPPER" => Some(format!("8:{}", "cd".repeat(32))),
            _ => None,
        });
        assert!(matches!(both, Err(ServeError::Config(m)) if m.contains("both set")));
        let missing = Secrets::load_with(&config, |name| {
            (name == "KEYWARDEN_MASTER_KEY_FILE").then(|| "/nonexistent/key".to_owned())
        });
        assert!(matches!(missing, Err(ServeError::Config(m)) if m.contains("cannot read")));
    }

    /// The database URL holds a password: from a file like the secrets,
    /// under the same rule, never from two places.
    #[test]
    fn the_database_url_comes_from_a_private_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("database-url");
        std::fs::write(&file, "postgres://db.internal/keywarden\n").unwrap();
        let path = file.display().to_string();
        let env = |name: &str| (name == "KEYWARDEN_DATABASE_URL_FILE").then(|| path.clone());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
            let open = database_url_file(None, env);
            assert!(
                matches!(&open, Err(ServeError::Config(m))
                    if m.contains("KEYWARDEN_DATABASE_URL_FILE") && m.contains("readable by every user")),
                "{:?}",
                open.err()
            );
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        assert_eq!(
            database_url_file(None, env).unwrap().as_deref(),
            Some("postgres://db.internal/keywarden")
        );
        let both = database_url_file(Some("sqlite:other.db"), env);
        assert!(matches!(both, Err(ServeError::Config(m)) if m.contains("both set")));
        assert_eq!(
            database_url_file(Some("sqlite:x.db"), |_| None).unwrap(),
            None
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_secret_file_every_user_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("key.pem");
        std::fs::write(&file, "x").unwrap();
        for (mode, ok) in [
            (0o600, true),
            (0o400, true),
            (0o640, true),
            (0o644, false),
            (0o604, false),
        ] {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
            let checked = check_private_file(&file, "tls_key");
            assert_eq!(checked.is_ok(), ok, "mode {mode:o}: {checked:?}");
            if let Err(message) = checked {
                assert!(message.starts_with("tls_key: "), "{message}");
            }
        }
    }
}
