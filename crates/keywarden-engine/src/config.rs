//! Server settings: defaults, overridden by an optional TOML file, then by
//! `KEYWARDEN_*` environment variables and flags (the CLI applies those).
//! Secrets (pepper, master key) come only from the environment or the data
//! directory, never from the TOML file, which tends to end up in git.

use std::{collections::BTreeMap, fmt, net::SocketAddr, path::PathBuf, str::FromStr};

use ipnet::IpNet;
use keywarden_core::{clock::parse_duration, key::Prefix};
use serde::Deserialize;

/// The certificate and key files of TLS.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// PEM certificate chain, leaf first.
    pub cert: PathBuf,
    /// PEM private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

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
    /// Most open client connections served in full. Past it, connections
    /// are still accepted, into a small overflow lane that answers only
    /// `/healthz` and `/readyz` (everything else: 503 `OVERLOADED`).
    /// Default: a tenth below the process's descriptor limit, less the
    /// overflow lane's descriptors, at most 10,000.
    pub max_connections: Option<usize>,
    /// Most open connections from one TCP peer address (IPv4-mapped IPv6
    /// counts as IPv4); a connection past it is closed at once. Peers in
    /// `trusted_proxies` are exempt: they carry many clients.
    pub max_connections_per_address: usize,
    /// Time a client has to take a response: from the moment a write to
    /// it blocks until everything the server has to send is sent. A client
    /// that reads nothing, or only a trickle, is then disconnected.
    pub response_write_timeout: DurationSpec,
    /// Requests answered on one connection (kept-alive or pipelined); the
    /// last answer carries `Connection: close`.
    pub max_requests_per_connection: u32,
    /// Bytes that the bodies of all requests in flight may hold in memory
    /// together; a body arriving past it is answered 503 `OVERLOADED`.
    pub max_body_memory: usize,
    /// On SIGTERM/SIGINT: how long open requests may finish before their
    /// connections are closed (the usage log is flushed after).
    pub shutdown_timeout: DurationSpec,
    /// Idle expiry of a console session.
    pub session_idle: DurationSpec,
    /// Absolute expiry of a console session.
    pub session_max: DurationSpec,
    /// How long before its expiry a key is announced (`key.expiring`, once).
    pub expiry_notice: DurationSpec,
    /// A key's credits below this share of its limit (or refill amount)
    /// raise `key.credits_low`, once per crossing.
    pub credits_low_ratio: f64,
    /// The URL clients reach this deployment at, for share links
    /// (default: `http://<listen>`, or `https://` with TLS).
    pub public_url: Option<String>,
    /// Where rate limits are counted: `local` (each node alone) or
    /// `cluster` (shared through PostgreSQL). Default: `cluster` on
    /// PostgreSQL, `local` on SQLite.
    pub rate_limit_mode: Option<crate::limits::RateLimitMode>,
    /// PEM certificate chain: with `tls_key`, the server speaks HTTPS only
    /// (reloaded on SIGHUP).
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of `tls_cert`.
    pub tls_key: Option<PathBuf>,
    /// The customer portal's look and its sessions.
    pub portal: PortalConfig,
    /// How many versions of each vault secret are kept (the newest; 1 to
    /// 1000).
    pub secret_versions: u32,
}

/// The customer portal's settings (`[portal]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PortalConfig {
    /// The portal's title (the API's name, as its customers know it).
    pub name: String,
    /// The accent colour of buttons and links: `#rrggbb`.
    pub primary_color: Option<String>,
    /// A logo shown beside the title: an `https://` URL (or a path on this
    /// server); the portal's CSP allows images from its origin only.
    pub logo_url: Option<String>,
    /// How long a portal session lasts after its link was opened (at most
    /// 24 hours).
    pub session_max: DurationSpec,
}

impl Default for PortalConfig {
    fn default() -> Self {
        Self {
            name: "API keys".to_owned(),
            primary_color: None,
            logo_url: None,
            session_max: DurationSpec::from_ms(12 * 3_600_000),
        }
    }
}

/// The longest a portal session may be set to last.
pub const MAX_PORTAL_SESSION_MS: i64 = 24 * 3_600_000;

impl PortalConfig {
    /// Checks the settings: a colour and a logo address that cannot break
    /// out of the page's CSS or CSP, a name for people, a session of at
    /// most a day.
    pub fn check(&self) -> Result<(), String> {
        if self.name.trim().is_empty()
            || self.name.chars().count() > 80
            || self.name.chars().any(char::is_control)
        {
            return Err(
                "portal.name must be 1 to 80 characters, without control characters".into(),
            );
        }
        if let Some(color) = &self.primary_color {
            let hex = color.strip_prefix('#').unwrap_or_default();
            if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err("portal.primary_color must be like #1f6feb".into());
            }
        }
        if let Some(logo) = &self.logo_url {
            let https = logo
                .strip_prefix("https://")
                .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'));
            let local = logo.starts_with('/') && !logo.starts_with("//");
            if !(https || local)
                || logo.len() > 2048
                || logo
                    .chars()
                    .any(|c| c.is_control() || c.is_whitespace() || matches!(c, '"' | '\'' | ';'))
            {
                return Err(
                    "portal.logo_url must be an https:// URL or a path on this server".into(),
                );
            }
        }
        let ms = self.session_max.ms();
        if !(60_000..=MAX_PORTAL_SESSION_MS).contains(&ms) {
            return Err("portal.session_max must be 1m to 24h".into());
        }
        Ok(())
    }

    /// The origin of an `https://` logo, for the portal's CSP (`None`: no
    /// logo, or one on this server).
    pub fn logo_origin(&self) -> Option<String> {
        let rest = self.logo_url.as_deref()?.strip_prefix("https://")?;
        let host = rest.split(['/', '?', '#']).next()?;
        Some(format!("https://{host}"))
    }
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
            max_connections_per_address: 256,
            response_write_timeout: DurationSpec::from_ms(30_000),
            max_requests_per_connection: 1_000,
            max_body_memory: 16 * 1024 * 1024,
            shutdown_timeout: DurationSpec::from_ms(10_000),
            session_idle: DurationSpec::from_ms(30 * 60_000),
            session_max: DurationSpec::from_ms(12 * 3_600_000),
            rate_limit_mode: None,
            expiry_notice: DurationSpec::from_ms(7 * 86_400_000),
            credits_low_ratio: 0.1,
            public_url: None,
            tls_cert: None,
            tls_key: None,
            portal: PortalConfig::default(),
            secret_versions: 20,
        }
    }
}

/// Settings without a flag of their own: besides the TOML file, each is
/// read from `KEYWARDEN_<NAME>` (`KEYWARDEN_CACHE_TTL=10s`); a table's
/// entries from `KEYWARDEN_<NAME>__<KEY>__<FIELD>`
/// (`KEYWARDEN_POLICIES__LIVE__MAX_LIFETIME=90d`). The settings that have a
/// flag read their variable through it (`serve --help` names it).
pub const ENV_SETTINGS: &[&str] = &[
    "max_body_bytes",
    "failure_limit_per_minute",
    "usage_retention",
    "cache_ttl",
    "cache_capacity",
    "default_grace_period",
    "leak_reports_per_minute",
    "policies",
    "webhook_url",
    "burst_per_minute",
    "session_idle",
    "session_max",
    "rate_limit_mode",
    "public_url",
    "expiry_notice",
    "credits_low_ratio",
    "max_requests_per_connection",
    "max_body_memory",
    "portal",
    "secret_versions",
];

impl ServerConfig {
    /// Reads a TOML file (and nothing else).
    pub fn from_toml_file(path: &std::path::Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The defaults, then the TOML file, then the [`ENV_SETTINGS`] given in
    /// the environment, layered by figment. An unknown key, a wrong type or
    /// an unreadable file is an error that names it.
    pub fn load(file: Option<&std::path::Path>) -> Result<Self, String> {
        use figment::{
            Figment,
            providers::{Env, Serialized},
        };
        let mut figment = Figment::new();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let table: toml::Table =
                toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            figment = figment.merge(Serialized::defaults(table));
        }
        let environment = Env::prefixed("KEYWARDEN_")
            .filter(|key| {
                let key = key.as_str().to_ascii_lowercase();
                ENV_SETTINGS.iter().any(|s| {
                    key == *s
                        || key
                            .strip_prefix(s)
                            .is_some_and(|rest| rest.starts_with("__"))
                })
            })
            .split("__");
        figment
            .merge(environment)
            .extract()
            .map_err(|e| e.to_string())
    }

    /// The TLS files, when TLS is on; naming one without the other is an
    /// error.
    pub fn tls_files(&self) -> Result<Option<TlsFiles>, String> {
        match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Ok(Some(TlsFiles {
                cert: cert.clone(),
                key: key.clone(),
            })),
            (None, None) => Ok(None),
            _ => Err("tls_cert and tls_key go together: set both, or neither".to_owned()),
        }
    }

    /// The base URL of share links, without a trailing slash.
    pub fn effective_public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!(
                "{}://{}",
                if self.tls_enabled() { "https" } else { "http" },
                self.listen
            ),
        }
    }

    /// Whether share links may be made: their base must be `https://`, or
    /// `http://` to this machine only (a link's fragment opens a key, and
    /// the page that reads it must not travel in the clear). `Err` says
    /// what to set.
    pub fn share_base(&self) -> Result<(), String> {
        let base = self.effective_public_url();
        if is_private_transport(&base) {
            Ok(())
        } else {
            Err(format!(
                "share links need an https:// address: set public_url (KEYWARDEN_PUBLIC_URL) to the \
                 https:// URL clients reach this deployment at (http:// is accepted for localhost \
                 only); it is now {}",
                keywarden_core::names::display_safe(&base, 80)
            ))
        }
    }

    /// Checks the settings that can be checked before serving: a
    /// `public_url` that is neither `https://` nor loopback `http://` is a
    /// mistake to see at start-up, not at the first share link.
    pub fn check(&self) -> Result<(), String> {
        if let Some(url) = &self.public_url
            && !is_private_transport(url)
        {
            return Err(format!(
                "public_url must be an https:// URL (http:// only for localhost or a loopback \
                 address): share links carry the secret that opens a key; got {}",
                keywarden_core::names::display_safe(url, 80)
            ));
        }
        if !(1..=1000).contains(&self.secret_versions) {
            return Err(format!(
                "secret_versions must be between 1 and 1000, got {}",
                self.secret_versions
            ));
        }
        self.portal.check()
    }

    /// The rate limit mode in effect.
    pub fn effective_rate_limit_mode(&self) -> crate::limits::RateLimitMode {
        self.rate_limit_mode.unwrap_or_else(|| {
            if self.effective_database_url().starts_with("postgres") {
                crate::limits::RateLimitMode::Cluster
            } else {
                crate::limits::RateLimitMode::Local
            }
        })
    }

    /// Whether the server itself speaks TLS.
    pub fn tls_enabled(&self) -> bool {
        self.tls_cert.is_some() && self.tls_key.is_some()
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

    /// The connection cap in effect: `max_connections`, or what a tenth
    /// below the descriptor limit leaves once the overflow lane has its
    /// descriptors (two per place: the connection, and the second one that
    /// looks at what it sent); at most 10,000; 800 when the limit is
    /// unknown.
    pub fn effective_max_connections(&self) -> usize {
        self.max_connections
            .unwrap_or_else(|| open_files_limit().map_or(800, default_max_connections))
            .max(1)
    }

    /// The policy of an environment.
    pub fn policy(&self, env: &str) -> Option<&EnvPolicy> {
        self.policies.get(env)
    }
}

/// The default cap under a descriptor limit of `limit` (see
/// [`ServerConfig::effective_max_connections`]).
fn default_max_connections(limit: usize) -> usize {
    let usable = (limit - limit / 10).clamp(48, 10_000);
    usable - 2 * overflow_lane(usable)
}

/// Places in the overflow lane past a cap of `max_connections` (see
/// `conn`): a sixteenth of it, at least 16 and at most 64.
pub fn overflow_lane(max_connections: usize) -> usize {
    (max_connections / 16).clamp(16, 64)
}

/// Whether `url` is `https://`, or `http://` to localhost or a loopback
/// address.
pub fn is_private_transport(url: &str) -> bool {
    let Ok(parsed) = url::Url::parse(url) else {
        return false;
    };
    match parsed.scheme() {
        "https" => parsed.host_str().is_some(),
        "http" => parsed.host_str().is_some_and(|host| {
            host.eq_ignore_ascii_case("localhost")
                || host
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }),
        _ => false,
    }
}

/// The soft limit on open files of this process (Linux: /proc/self/limits).
pub fn open_files_limit() -> Option<usize> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = text.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

#[cfg(test)]
mod env_tests {
    // figment's Jail returns its own (large) error type.
    #![allow(clippy::unwrap_used, clippy::result_large_err)]
    use super::*;

    /// Every setting without a flag can come from the environment, over
    /// the file.
    #[test]
    fn settings_come_from_the_environment_over_the_file() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("k.toml", "cache_ttl = \"5s\"\nburst_per_minute = 7\n")?;
            for (name, value) in [
                ("KEYWARDEN_MAX_BODY_BYTES", "1000"),
                ("KEYWARDEN_FAILURE_LIMIT_PER_MINUTE", "11"),
                ("KEYWARDEN_USAGE_RETENTION", "2d"),
                ("KEYWARDEN_CACHE_TTL", "10s"),
                ("KEYWARDEN_CACHE_CAPACITY", "12"),
                ("KEYWARDEN_DEFAULT_GRACE_PERIOD", "1h"),
                ("KEYWARDEN_LEAK_REPORTS_PER_MINUTE", "13"),
                ("KEYWARDEN_POLICIES__LIVE__MAX_LIFETIME", "90d"),
                ("KEYWARDEN_POLICIES__LIVE__REQUIRE_EXPIRY", "true"),
                ("KEYWARDEN_WEBHOOK_URL", "https://hooks.example.com/kw"),
                ("KEYWARDEN_SESSION_IDLE", "5m"),
                ("KEYWARDEN_SESSION_MAX", "2h"),
                ("KEYWARDEN_MAX_REQUESTS_PER_CONNECTION", "7"),
                ("KEYWARDEN_MAX_BODY_MEMORY", "1000000"),
                // Not settings of this layer: secrets, and flags' variables.
                ("KEYWARDEN_PEPPER", "not read here"),
                ("KEYWARDEN_LISTEN", "not read here"),
            ] {
                jail.set_env(name, value);
            }
            let c = ServerConfig::load(Some(std::path::Path::new("k.toml"))).unwrap();
            assert_eq!(c.max_body_bytes, 1000);
            assert_eq!(c.failure_limit_per_minute, 11);
            assert_eq!(c.usage_retention.ms(), 2 * 86_400_000);
            assert_eq!(
                c.cache_ttl.ms(),
                10_000,
                "the environment wins over the file"
            );
            assert_eq!(c.burst_per_minute, 7, "the file wins over the default");
            assert_eq!(c.cache_capacity, 12);
            assert_eq!(c.default_grace_period.ms(), 3_600_000);
            assert_eq!(c.leak_reports_per_minute, 13);
            let live = &c.policies["live"];
            assert_eq!(live.max_lifetime.map(|d| d.ms()), Some(90 * 86_400_000));
            assert!(live.require_expiry);
            assert_eq!(
                c.webhook_url.as_deref(),
                Some("https://hooks.example.com/kw")
            );
            assert_eq!(c.session_idle.ms(), 300_000);
            assert_eq!(c.session_max.ms(), 7_200_000);
            assert_eq!(c.max_requests_per_connection, 7);
            assert_eq!(c.max_body_memory, 1_000_000);
            Ok(())
        });
    }

    #[test]
    fn a_wrong_value_is_an_error_that_names_it() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("KEYWARDEN_CACHE_TTL", "soon");
            let err = ServerConfig::load(None).unwrap_err();
            assert!(err.to_lowercase().contains("cache_ttl"), "{err}");
            Ok(())
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default cap leaves the overflow lane its descriptors within a
    /// tenth below the limit.
    #[test]
    fn the_default_cap_leaves_room_for_the_overflow_lane() {
        for limit in [64_usize, 256, 1024, 4096, 65_536, 1 << 20] {
            let cap = default_max_connections(limit);
            assert!(
                cap + 2 * overflow_lane(cap) <= (limit - limit / 10).max(48),
                "limit {limit}: cap {cap}"
            );
            assert!(cap >= 16, "limit {limit}");
        }
        assert_eq!(default_max_connections(1024), 808);
        assert_eq!(default_max_connections(1 << 20), 10_000 - 128);
    }

    #[test]
    fn share_links_need_https_off_loopback() {
        for ok in [
            "https://keys.example.com",
            "https://10.0.0.1:8443/",
            "http://127.0.0.1:8080",
            "http://localhost:8080",
            "http://[::1]:8080",
        ] {
            assert!(is_private_transport(ok), "{ok}");
        }
        for bad in [
            "http://keys.example.com",
            "http://0.0.0.0:8080",
            "http://10.0.0.1",
            "ftp://keys.example.com",
            "keys.example.com",
            "https://",
        ] {
            assert!(!is_private_transport(bad), "{bad}");
        }
        let c = ServerConfig {
            public_url: Some("http://keys.example.com".into()),
            ..ServerConfig::default()
        };
        assert!(c.check().is_err() && c.share_base().is_err());
        let listening = ServerConfig {
            listen: "0.0.0.0:8080".parse().unwrap(),
            ..ServerConfig::default()
        };
        assert!(
            listening.check().is_ok(),
            "no public_url: nothing to refuse at start"
        );
        assert!(
            listening.share_base().is_err(),
            "but no share link over plain http"
        );
        assert!(ServerConfig::default().share_base().is_ok(), "127.0.0.1");
    }

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
