//! Server settings: defaults, overridden by an optional TOML file, then by
//! `KEYWARDEN_*` environment variables and flags (the CLI applies those).
//! Secrets (pepper, master key) come only from the environment or the data
//! directory, never from the TOML file, which tends to end up in git.

use std::{collections::BTreeMap, fmt, net::SocketAddr, path::PathBuf, str::FromStr};

use ipnet::IpNet;
use keywarden_core::{clock::parse_duration, key::Prefix};
use serde::Deserialize;

/// A duration written as `90d`, `12h`, `30m`, `45s` or `2w`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct DurationSpec(i64);

impl DurationSpec {
    /// From milliseconds.
    pub const fn from_ms(ms: i64) -> Self {
        Self(ms)
    }

    /// In milliseconds.
    pub fn ms(self) -> i64 {
        self.0
    }

    /// As a std duration.
    pub fn std(self) -> std::time::Duration {
        std::time::Duration::from_millis(u64::try_from(self.0).unwrap_or(0))
    }
}

impl fmt::Debug for DurationSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}ms", self.0)
    }
}

impl FromStr for DurationSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        parse_duration(s)
            .map(Self)
            .ok_or_else(|| format!("expected a duration like 90d, 12h, 30m or 45s, got {s:?}"))
    }
}

impl<'de> Deserialize<'de> for DurationSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The forwarding header that names the client, read only from a trusted
/// proxy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClientIpHeader {
    /// `X-Forwarded-For`, walked from the right past trusted proxies.
    #[default]
    XForwardedFor,
    /// `X-Real-IP`, as set by the one proxy in front.
    XRealIp,
}

impl FromStr for ClientIpHeader {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "x-forwarded-for" => Ok(Self::XForwardedFor),
            "x-real-ip" => Ok(Self::XRealIp),
            _ => Err(format!(
                "expected x-forwarded-for or x-real-ip, got {:?}",
                s.chars().take(40).collect::<String>()
            )),
        }
    }
}

/// Rules for the keys of one environment.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvPolicy {
    /// Longest lifetime a key may be given.
    pub max_lifetime: Option<DurationSpec>,
    /// Whether every key must have an expiry.
    #[serde(default)]
    pub require_expiry: bool,
}

/// Every server setting.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Where the embedded store and the generated pepper live.
    pub data_dir: PathBuf,
    /// `sqlite:…` or `postgres://…`; default: SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// The prefix of keys this deployment mints.
    pub prefix: Prefix,
    /// This node's name in usage logs (default: host name and port).
    pub node_id: Option<String>,
    /// Proxies whose forwarding header (`client_ip_header`) is believed.
    pub trusted_proxies: Vec<IpNet>,
    /// Which forwarding header names the client.
    pub client_ip_header: ClientIpHeader,
    /// Longest wait for the store (a connection, a lock, a statement): past
    /// it requests are answered 503 `STORE_UNAVAILABLE`.
    pub store_timeout: DurationSpec,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
    /// Failed verifications per client address per minute before it is throttled.
    pub failure_limit_per_minute: u32,
    /// How long verification events are kept.
    pub usage_retention: DurationSpec,
    /// How long a node may serve a cached key without asking the store
    /// (the revocation bound when a notification is missed).
    pub cache_ttl: DurationSpec,
    /// Most keys a node caches.
    pub cache_capacity: usize,
    /// Default grace period of a roll.
    pub default_grace_period: DurationSpec,
    /// Leak reports accepted per client address per minute.
    pub leak_reports_per_minute: u32,
    /// Rules per environment.
    pub policies: BTreeMap<String, EnvPolicy>,
    /// Where events (leaks, anomalies) are POSTed, signed with
    /// `KEYWARDEN_WEBHOOK_SECRET`.
    pub webhook_url: Option<String>,
    /// GitHub's secret-scanning public keys, in GitHub's meta format (the
    /// document at `https://api.github.com/meta/public_keys/secret_scanning`):
    /// enables `POST /v1/leaks/github`. Read again when the file changes.
    pub github_partner_keys: Option<PathBuf>,
    /// Verifications of one key in a minute that can count as a burst (when
    /// also ten times the minute before).
    pub burst_per_minute: u32,
    /// Time a client has to send a request's headers; a kept-alive
    /// connection waiting for its next request gets the same time, then is
    /// closed (the idle timeout).
    pub header_read_timeout: DurationSpec,
    /// Longest a request may take, body included; past it the answer is
    /// 408 `REQUEST_TIMEOUT`.
    pub request_timeout: DurationSpec,
    /// Most open client connections; further clients wait in the listen
    /// backlog. Default: a tenth below the process's descriptor limit, at
    /// most 10,000.
    pub max_connections: Option<usize>,
    /// On SIGTERM/SIGINT: how long open requests may finish before their
    /// connections are closed (the usage log is flushed after).
    pub shutdown_timeout: DurationSpec,
    /// Idle expiry of a console session.
    pub session_idle: DurationSpec,
    /// Absolute expiry of a console session.
    pub session_max: DurationSpec,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("keywarden-data"),
            database_url: None,
            prefix: Prefix::default(),
            node_id: None,
            trusted_proxies: Vec::new(),
            client_ip_header: ClientIpHeader::XForwardedFor,
            store_timeout: DurationSpec::from_ms(1_500),
            max_body_bytes: 64 * 1024,
            failure_limit_per_minute: 100,
            usage_retention: DurationSpec::from_ms(90 * 86_400_000),
            cache_ttl: DurationSpec::from_ms(30_000),
            cache_capacity: 100_000,
            default_grace_period: DurationSpec::from_ms(86_400_000),
            leak_reports_per_minute: 30,
            policies: BTreeMap::new(),
            webhook_url: None,
            github_partner_keys: None,
            burst_per_minute: 600,
            header_read_timeout: DurationSpec::from_ms(10_000),
            request_timeout: DurationSpec::from_ms(30_000),
            max_connections: None,
            shutdown_timeout: DurationSpec::from_ms(10_000),
            session_idle: DurationSpec::from_ms(30 * 60_000),
            session_max: DurationSpec::from_ms(12 * 3_600_000),
        }
    }
}

impl ServerConfig {
    /// Reads a TOML file.
    pub fn from_toml_file(path: &std::path::Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The database URL in effect.
    pub fn effective_database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| keywarden_store::sqlite_url(&self.data_dir))
    }

    /// Whether the store is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.effective_database_url().starts_with("postgres")
    }

    /// The connection cap in effect: `max_connections`, or a tenth below
    /// the descriptor limit (at most 10,000; 900 when the limit is unknown).
    pub fn effective_max_connections(&self) -> usize {
        self.max_connections
            .unwrap_or_else(|| match open_files_limit() {
                Some(limit) => (limit - limit / 10).clamp(16, 10_000),
                None => 900,
            })
            .max(1)
    }

    /// The policy of an environment.
    pub fn policy(&self, env: &str) -> Option<&EnvPolicy> {
        self.policies.get(env)
    }
}

/// The soft limit on open files of this process (Linux: /proc/self/limits).
pub fn open_files_limit() -> Option<usize> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = text.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_with_policies() {
        let cfg: ServerConfig = toml::from_str(
            r#"
            listen = "0.0.0.0:9000"
            trusted_proxies = ["10.0.0.0/8"]
            [policies.live]
            max_lifetime = "90d"
            require_expiry = true
            "#,
        )
        .unwrap();
        assert_eq!(cfg.listen.port(), 9000);
        let live = cfg.policy("live").unwrap();
        assert!(live.require_expiry);
        assert_eq!(live.max_lifetime.unwrap().ms(), 90 * 86_400_000);
        assert_eq!(cfg.failure_limit_per_minute, 100);
        assert!(toml::from_str::<ServerConfig>("nonsense = 1").is_err());
        assert!(toml::from_str::<ServerConfig>("cache_ttl = \"soon\"").is_err());
    }
}
