//! `keywarden key …`, `owner …`, `events …` and `audit …`: the management API over HTTP,
//! against `KEYWARDEN_URL` with the root key in `KEYWARDEN_TOKEN` (never a
//! flag: arguments end up in shell history and process lists).
//!
//! Requests are the wire types of `keywarden-proto` (bodies with `.json`,
//! queries with `.query`), and answers are read into them; `--json` prints
//! an answer as the server sent it.

use std::io::{BufRead, IsTerminal, Read, Write};

use anyhow::{Context, anyhow, bail};
use clap::{Args, Subcommand};
use keywarden_proto::{
    audit::{AuditPage, AuditQuery, EventView, EventsQuery},
    keys::{
        BulkRevokeRequest, BulkRevokeResponse, CreateKeyRequest, CreatedKey, CreditsRequest,
        KeyList, KeyView, ListQuery, PatchKeyRequest, RateLimitInput, RefillRequest, RevealedKey,
        RevokeRequest, RollRequest, RolledKey, ShareRequest, UsageQuery, UsageResponse,
    },
    owners::{OwnerLimitsRequest, OwnerLimitsView, OwnerView},
};
use reqwest::{
    Method,
    blocking::{Client as Http, RequestBuilder},
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{
    Outcome,
    output::{self, opt, opt_num},
};

/// The server to talk to.
#[derive(Debug, Args, Clone)]
pub(crate) struct Remote {
    /// keywarden's address.
    #[arg(
        long,
        env = "KEYWARDEN_URL",
        default_value = "http://127.0.0.1:8080",
        global = true
    )]
    url: String,
}

/// `keywarden healthcheck`: GET /readyz, within 5 seconds. Ready is exit 0;
/// not ready (503, with the reason the server gives) or no answer is
/// exit 1, said on standard error.
pub(crate) fn healthcheck(remote: &Remote) -> anyhow::Result<Outcome> {
    let http = Http::builder()
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .context("building the HTTP client")?;
    let url = format!("{}/readyz", remote.url.trim_end_matches('/'));
    match http.get(&url).send() {
        Ok(answer) if answer.status().is_success() => Ok(Outcome::Success),
        Ok(answer) => {
            let status = answer.status();
            let body: Value = answer.json().unwrap_or(Value::Null);
            let why = body["code"]
                .as_str()
                .or(body["status"].as_str())
                .unwrap_or("");
            eprintln!("not ready: {url} answered {status} {why}");
            Ok(Outcome::Negative)
        }
        Err(err) => {
            eprintln!("not ready: {url} did not answer ({})", err.without_url());
            Ok(Outcome::Negative)
        }
    }
}

pub(crate) struct Client {
    base: String,
    token: String,
    http: Http,
}

/// An answer: the JSON the server sent (what `--json` prints) and the
/// wire type it reads as.
pub(crate) struct Answer<T> {
    pub(crate) json: Value,
    pub(crate) body: T,
}

impl Client {
    pub(crate) fn new(remote: &Remote) -> anyhow::Result<Self> {
        let token = std::env::var("KEYWARDEN_TOKEN").ok().filter(|t| !t.trim().is_empty()).ok_or_else(|| {
            anyhow!("set KEYWARDEN_TOKEN to a root key (`keywarden serve` prints one at first start)")
        })?;
        let http = Http::builder()
            .timeout(std::time::Duration::from_secs(30))
            .user_agent(concat!("keywarden-cli/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            base: remote.url.trim_end_matches('/').to_owned(),
            token: token.trim().to_owned(),
            http,
        })
    }

    /// A request to `path` (its segments encoded), with the root key.
    pub(crate) fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
    }

    /// Sends `req`; the answer's JSON (null when it has none), or the
    /// server's refusal as an error.
    pub(crate) fn send(&self, req: RequestBuilder) -> anyhow::Result<Value> {
        let res = req.send().map_err(|e| {
            anyhow!("cannot reach keywarden at {}: {}. Is the server running? Set KEYWARDEN_URL to its address.", self.base, root_cause(&e))
        })?;
        Self::answer(res)
    }

    /// An answer's JSON (null when it has none), or the server's refusal
    /// as an error.
    pub(crate) fn answer(res: reqwest::blocking::Response) -> anyhow::Result<Value> {
        let status = res.status();
        let text = res.text().unwrap_or_default();
        let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(value);
        }
        let code = value["error"]["code"].as_str().unwrap_or("ERROR");
        let message = value["error"]["message"].as_str().unwrap_or("no details");
        match status.as_u16() {
            401 => bail!(
                "the server refused the credentials: {message}. Set KEYWARDEN_TOKEN to a valid root key."
            ),
            403 => bail!("permission denied: {message}"),
            _ => bail!("{code} ({}): {message}", status.as_u16()),
        }
    }

    /// Sends `req` and reads the answer as a `T`.
    pub(crate) fn read<T: DeserializeOwned>(
        &self,
        req: RequestBuilder,
    ) -> anyhow::Result<Answer<T>> {
        let json = self.send(req)?;
        let body = T::deserialize(&json).context(
            "keywarden answered with a body this keywarden does not read (is one of them older?)",
        )?;
        Ok(Answer { json, body })
    }

    /// The server's address.
    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    /// The root key it sends (what the offline cache of `run` is sealed
    /// under).
    pub(crate) fn token(&self) -> &str {
        &self.token
    }
}

pub(crate) fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// A path segment (a key id, an owner), percent-encoded.
pub(crate) fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~:".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `text` read as what `flag` takes (an environment, an owner, a scope,
/// a status, ...).
pub(crate) fn parse<T>(flag: &str, text: &str) -> anyhow::Result<T>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    text.parse()
        .map_err(|e: T::Err| anyhow!("{flag} {text:?}: {e}"))
}

/// [`parse`] of an optional flag.
pub(crate) fn parse_opt<T>(flag: &str, text: Option<&str>) -> anyhow::Result<Option<T>>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    text.map(|t| parse(flag, t)).transpose()
}

#[derive(Debug, Subcommand)]
pub(crate) enum KeyCommand {
    /// Create a key; prints it once.
    Create(CreateArgs),
    /// List keys.
    List(ListArgs),
    /// Show one key.
    Show {
        /// Key id (key_…).
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change a key's settings.
    Update(UpdateArgs),
    /// Roll a key: a new key with the same settings; the old one keeps working for the grace period.
    Roll {
        /// Key id.
        id: String,
        /// How long the old key keeps working (default 24h, at most 30d; 0s ends it now).
        #[arg(long)]
        grace: Option<String>,
        /// Also print a one-time share link for the new key, valid this long (at most 7d).
        #[arg(long, value_name = "DURATION")]
        share: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Revoke one key by id, or every key of an owner and/or environment.
    Revoke(RevokeArgs),
    /// Disable a key: refused (DISABLED) until enabled again (needs keys:revoke).
    Disable {
        /// Key id.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Enable a disabled key again (needs keys:write).
    Enable {
        /// Key id.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a recoverable key's secret (needs keys:reveal).
    Reveal {
        /// Key id.
        id: String,
    },
    /// Verifications of a key over time.
    Usage {
        /// Key id.
        id: String,
        /// minute, hour or day.
        #[arg(long, default_value = "hour")]
        bucket: String,
        /// Start (RFC 3339).
        #[arg(long)]
        from: Option<String>,
        /// End (RFC 3339).
        #[arg(long)]
        to: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Import keys made by another system from a JSON Lines file (one key
    /// a line: {"plaintext": ...} or {"hash": {"algorithm", "encoding",
    /// "value"}}, with external_id, name, owner, environment, scopes,
    /// space, roles, expires_at, metadata, credits, rate_limit), in batches
    /// of 1,000. Exits 1 when a line was refused (each is named).
    Import {
        /// The file (- for standard input).
        file: std::path::PathBuf,
        /// Print the totals as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Verify a key read from standard input; exits 0 when valid, 1 when not.
    Verify {
        /// Required environment.
        #[arg(long = "env")]
        environment: Option<String>,
        /// Required scope (repeatable).
        #[arg(long = "scope")]
        scopes: Vec<String>,
        /// A permission query the key must satisfy, e.g.
        /// "docs.read AND (billing.read OR admin)".
        #[arg(long)]
        permissions: Option<String>,
        /// The key space the API serves: a key of another is NOT_FOUND.
        #[arg(long)]
        space: Option<String>,
        /// Credits to spend (default 1; 0 checks without spending).
        #[arg(long)]
        cost: Option<u32>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub(crate) struct CreateArgs {
    /// Environment (live, test, ...).
    #[arg(long = "env")]
    environment: String,
    /// Owner.
    #[arg(long)]
    owner: Option<String>,
    /// Name.
    #[arg(long)]
    name: Option<String>,
    /// Scope, resource:action (repeatable).
    #[arg(long = "scope")]
    scopes: Vec<String>,
    /// Permission: a dotted or colon-separated name, e.g. docs.read
    /// (repeatable; the same list as --scope).
    #[arg(long = "permission")]
    permissions: Vec<String>,
    /// The key space it belongs to (default: default); its prefix and
    /// defaults apply.
    #[arg(long)]
    space: Option<String>,
    /// A role of its space (repeatable): the key gets its permissions.
    #[arg(long = "role")]
    roles: Vec<String>,
    /// Lifetime: 90d, 12h, 30m.
    #[arg(long, conflicts_with = "expires_at")]
    expires_in: Option<String>,
    /// Expiry, RFC 3339.
    #[arg(long)]
    expires_at: Option<String>,
    /// Metadata, a JSON object.
    #[arg(long)]
    metadata: Option<String>,
    /// Allowed client network, CIDR (repeatable).
    #[arg(long = "ip")]
    ips: Vec<String>,
    /// Rate limit as LIMIT/WINDOW, e.g. 100/60s or 1000/1h.
    #[arg(long)]
    rate_limit: Option<String>,
    /// Total verifications allowed.
    #[arg(long, conflicts_with = "credits")]
    usage_limit: Option<i64>,
    /// Credits: each verification spends its cost (default 1).
    #[arg(long)]
    credits: Option<i64>,
    /// Refill the credits as AMOUNT/INTERVAL at each interval since creation, e.g. 1000/1d.
    #[arg(long, requires = "credits", value_name = "AMOUNT/INTERVAL")]
    refill: Option<String>,
    /// Keep the secret encrypted so it can be revealed later.
    #[arg(long)]
    recoverable: bool,
    /// Also print a one-time share link for the key, valid this long (at most 7d), e.g. 24h.
    #[arg(long, value_name = "DURATION")]
    share: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Only this owner.
    #[arg(long)]
    owner: Option<String>,
    /// Only this environment.
    #[arg(long = "env")]
    environment: Option<String>,
    /// active, expired or revoked.
    #[arg(long)]
    status: Option<String>,
    /// Find in id, name, owner or hint.
    #[arg(long)]
    search: Option<String>,
    /// Only this key space.
    #[arg(long)]
    space: Option<String>,
    /// Page size.
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// Follow pages to the end.
    #[arg(long)]
    all: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct UpdateArgs {
    /// Key id.
    id: String,
    /// New name.
    #[arg(long, conflicts_with = "clear_name")]
    name: Option<String>,
    /// Remove the name.
    #[arg(long)]
    clear_name: bool,
    /// New owner.
    #[arg(long)]
    owner: Option<String>,
    /// Replace the scopes (repeatable).
    #[arg(long = "scope")]
    scopes: Vec<String>,
    /// Remove every scope.
    #[arg(long, conflicts_with = "scopes")]
    clear_scopes: bool,
    /// Replace the roles (repeatable).
    #[arg(long = "role")]
    roles: Vec<String>,
    /// Remove every role.
    #[arg(long, conflicts_with = "roles")]
    clear_roles: bool,
    /// Replace the metadata (JSON object).
    #[arg(long)]
    metadata: Option<String>,
    /// New lifetime from now.
    #[arg(long, conflicts_with_all = ["expires_at", "no_expiry"])]
    expires_in: Option<String>,
    /// New expiry (RFC 3339).
    #[arg(long, conflicts_with = "no_expiry")]
    expires_at: Option<String>,
    /// Remove the expiry.
    #[arg(long)]
    no_expiry: bool,
    /// Replace the allowlist (repeatable).
    #[arg(long = "ip")]
    ips: Vec<String>,
    /// Remove the allowlist.
    #[arg(long, conflicts_with = "ips")]
    clear_ips: bool,
    /// New rate limit, LIMIT/WINDOW.
    #[arg(long, conflicts_with = "no_rate_limit")]
    rate_limit: Option<String>,
    /// Remove the rate limit.
    #[arg(long)]
    no_rate_limit: bool,
    /// New usage limit (resets the uses left).
    #[arg(long, conflicts_with = "no_usage_limit")]
    usage_limit: Option<i64>,
    /// Remove the usage limit.
    #[arg(long)]
    no_usage_limit: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RevokeArgs {
    /// Key id; leave out for a bulk revoke by --owner/--env.
    id: Option<String>,
    /// Bulk: every key of this owner.
    #[arg(long, conflicts_with = "id")]
    owner: Option<String>,
    /// Bulk: every key of this environment.
    #[arg(long = "env", conflicts_with = "id")]
    environment: Option<String>,
    /// Bulk: every key of this space.
    #[arg(long, conflicts_with = "id")]
    space: Option<String>,
    /// Why.
    #[arg(long)]
    reason: Option<String>,
    /// Bulk: skip the confirmation prompt.
    #[arg(long, short)]
    yes: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// `100/60s`, `1000/1h`, `5/10` (seconds).
pub(crate) fn rate_limit(text: &str) -> anyhow::Result<RateLimitInput> {
    let (limit, window) = text
        .split_once('/')
        .ok_or_else(|| anyhow!("--rate-limit is LIMIT/WINDOW, like 100/60s"))?;
    let limit: u32 = limit
        .trim()
        .parse()
        .context("--rate-limit: the limit is a whole number")?;
    let window = window.trim();
    let seconds = match window.parse::<u32>() {
        Ok(s) => s,
        Err(_) => {
            let ms = keywarden_core::clock::parse_duration(window)
                .ok_or_else(|| anyhow!("--rate-limit: the window is like 60s, 5m or 1h"))?;
            u32::try_from(ms / 1000).context("--rate-limit: the window is too long")?
        }
    };
    Ok(RateLimitInput {
        limit,
        window_seconds: seconds,
    })
}

/// `{remaining, refill?}` from `--credits N` and `--refill AMOUNT/INTERVAL`.
fn credits(remaining: i64, refill: Option<&str>) -> anyhow::Result<CreditsRequest> {
    let refill = refill
        .map(|r| {
            let (amount, interval) = r
                .split_once('/')
                .context("--refill is AMOUNT/INTERVAL, e.g. 1000/1d")?;
            let amount: i64 = amount
                .trim()
                .parse()
                .context("--refill: the amount is a whole number")?;
            anyhow::Ok(RefillRequest {
                amount,
                interval: interval.trim().to_owned(),
            })
        })
        .transpose()?;
    Ok(CreditsRequest { remaining, refill })
}

fn metadata(text: &str) -> anyhow::Result<Value> {
    serde_json::from_str(text).context("--metadata must be a JSON object")
}

/// `share: {expires_in}` from `--share DURATION`.
fn share(lifetime: Option<&String>) -> Option<ShareRequest> {
    lifetime.map(|d| ShareRequest {
        expires_in: Some(d.clone()),
    })
}

pub(crate) fn keys(remote: &Remote, cmd: KeyCommand) -> anyhow::Result<Outcome> {
    let client = Client::new(remote)?;
    let mut out = std::io::stdout().lock();
    match cmd {
        KeyCommand::Create(a) => {
            let body = CreateKeyRequest {
                environment: parse("--env", &a.environment)?,
                owner: parse_opt("--owner", a.owner.as_deref())?,
                name: a.name,
                scopes: a
                    .scopes
                    .iter()
                    .map(|s| parse("--scope", s))
                    .collect::<anyhow::Result<_>>()?,
                permissions: a
                    .permissions
                    .iter()
                    .map(|s| parse("--permission", s))
                    .collect::<anyhow::Result<_>>()?,
                space: parse_opt("--space", a.space.as_deref())?,
                roles: a
                    .roles
                    .iter()
                    .map(|s| parse("--role", s))
                    .collect::<anyhow::Result<_>>()?,
                expires_at: a.expires_at,
                expires_in: a.expires_in,
                metadata: a.metadata.as_deref().map(metadata).transpose()?,
                ip_allowlist: a.ips,
                rate_limit: a.rate_limit.as_deref().map(rate_limit).transpose()?,
                rate_limits: Vec::new(),
                usage_limit: a.usage_limit,
                credits: a
                    .credits
                    .map(|remaining| credits(remaining, a.refill.as_deref()))
                    .transpose()?,
                recoverable: a.recoverable,
                share: share(a.share.as_ref()),
            };
            let created: Answer<CreatedKey> =
                client.read(client.request(Method::POST, "/v1/keys").json(&body))?;
            if a.json {
                output::json(&mut out, &created.json)?;
            } else {
                let created = created.body;
                writeln!(out, "key: {}", created.key.expose())?;
                writeln!(out, "id: {}", created.record.id)?;
                if a.share.is_some() {
                    writeln!(
                        out,
                        "share link (opens once): {}",
                        opt(created.share_url.as_ref().map(|u| u.expose()))
                    )?;
                }
                eprintln!("This is the only time the key is shown: store it now.");
            }
        }
        KeyCommand::List(a) => {
            let mut query = ListQuery {
                owner: parse_opt("--owner", a.owner.as_deref())?,
                environment: parse_opt("--env", a.environment.as_deref())?,
                status: parse_opt("--status", a.status.as_deref())?,
                search: a.search,
                space: parse_opt("--space", a.space.as_deref())?,
                limit: Some(a.limit),
                cursor: None,
            };
            let mut keys = Vec::new();
            loop {
                let page: Answer<KeyList> =
                    client.read(client.request(Method::GET, "/v1/keys").query(&query))?;
                keys.extend(page.body.keys);
                query.cursor = page.body.next_cursor;
                if !a.all || query.cursor.is_none() {
                    break;
                }
            }
            let list = KeyList {
                keys,
                next_cursor: query.cursor,
            };
            if a.json {
                output::json(&mut out, &serde_json::to_value(&list)?)?;
            } else {
                key_table(&mut out, &list.keys)?;
                if let Some(c) = list.next_cursor {
                    eprintln!("more keys: add --all, or the next page starts at cursor {c}");
                }
            }
        }
        KeyCommand::Show { id, json } => {
            let key: Answer<KeyView> =
                client.read(client.request(Method::GET, &format!("/v1/keys/{}", encode(&id))))?;
            show(&mut out, &key, json)?;
        }
        KeyCommand::Update(a) => {
            let body = PatchKeyRequest {
                name: if a.clear_name {
                    Some(None)
                } else {
                    a.name.map(Some)
                },
                owner: parse_opt("--owner", a.owner.as_deref())?.map(Some),
                scopes: if !a.scopes.is_empty() || a.clear_scopes {
                    Some(Some(
                        a.scopes
                            .iter()
                            .map(|s| parse("--scope", s))
                            .collect::<anyhow::Result<_>>()?,
                    ))
                } else {
                    None
                },
                permissions: None,
                roles: if !a.roles.is_empty() || a.clear_roles {
                    Some(Some(
                        a.roles
                            .iter()
                            .map(|s| parse("--role", s))
                            .collect::<anyhow::Result<_>>()?,
                    ))
                } else {
                    None
                },
                metadata: a.metadata.as_deref().map(metadata).transpose()?.map(Some),
                expires_at: if a.no_expiry {
                    Some(None)
                } else {
                    a.expires_at.map(Some)
                },
                expires_in: a.expires_in.map(Some),
                ip_allowlist: (!a.ips.is_empty() || a.clear_ips).then_some(Some(a.ips)),
                rate_limit: if a.no_rate_limit {
                    Some(None)
                } else {
                    a.rate_limit
                        .as_deref()
                        .map(rate_limit)
                        .transpose()?
                        .map(Some)
                },
                usage_limit: if a.no_usage_limit {
                    Some(None)
                } else {
                    a.usage_limit.map(Some)
                },
                rate_limits: None,
                credits: None,
            };
            let key: Answer<KeyView> = client.read(
                client
                    .request(Method::PATCH, &format!("/v1/keys/{}", encode(&a.id)))
                    .json(&body),
            )?;
            show(&mut out, &key, a.json)?;
        }
        KeyCommand::Roll {
            id,
            grace,
            share: lifetime,
            json,
        } => {
            let body = RollRequest {
                grace_period: grace,
                share: share(lifetime.as_ref()),
            };
            let rolled: Answer<RolledKey> = client.read(
                client
                    .request(Method::POST, &format!("/v1/keys/{}/roll", encode(&id)))
                    .json(&body),
            )?;
            if json {
                output::json(&mut out, &rolled.json)?;
            } else {
                let RolledKey { new, previous } = rolled.body;
                writeln!(out, "key: {}", new.key.expose())?;
                writeln!(out, "id: {}", new.record.id)?;
                if lifetime.is_some() {
                    writeln!(
                        out,
                        "share link (opens once): {}",
                        opt(new.share_url.as_ref().map(|u| u.expose()))
                    )?;
                }
                writeln!(
                    out,
                    "previous key {} now expires at {}",
                    previous.id,
                    opt(previous.expires_at.as_deref())
                )?;
                eprintln!("This is the only time the new key is shown: store it now.");
            }
        }
        KeyCommand::Revoke(a) => return revoke(&client, &mut out, a),
        KeyCommand::Disable { id, json } => return toggle(&client, &mut out, &id, "disable", json),
        KeyCommand::Enable { id, json } => return toggle(&client, &mut out, &id, "enable", json),
        KeyCommand::Reveal { id } => {
            let shown: Answer<RevealedKey> = client
                .read(client.request(Method::GET, &format!("/v1/keys/{}/secret", encode(&id))))?;
            writeln!(out, "{}", shown.body.key.expose())?;
        }
        KeyCommand::Usage {
            id,
            bucket,
            from,
            to,
            json,
        } => {
            let query = UsageQuery {
                bucket: Some(parse("--bucket", &bucket)?),
                from,
                to,
            };
            let usage: Answer<UsageResponse> = client.read(
                client
                    .request(Method::GET, &format!("/v1/keys/{}/usage", encode(&id)))
                    .query(&query),
            )?;
            if json {
                output::json(&mut out, &usage.json)?;
            } else {
                let rows: Vec<Vec<String>> = usage
                    .body
                    .buckets
                    .iter()
                    .map(|b| {
                        let codes = b
                            .by_code
                            .iter()
                            .map(|(code, n)| format!("{code}={n}"))
                            .collect::<Vec<_>>()
                            .join(" ");
                        vec![b.start.clone(), b.total.to_string(), codes]
                    })
                    .collect();
                output::table(&mut out, &["START", "TOTAL", "BY CODE"], &rows)?;
            }
        }
        KeyCommand::Import { file, json } => {
            return import(&client, &mut out, &file, json);
        }
        KeyCommand::Verify {
            environment,
            scopes,
            permissions,
            space,
            cost,
            json,
        } => {
            let mut key = String::new();
            std::io::stdin()
                .lock()
                .take(4096)
                .read_to_string(&mut key)
                .context("cannot read the key from stdin")?;
            let request = keywarden_proto::VerifyRequest {
                key: keywarden_core::secret::SecretString::new(key.trim().to_owned()),
                environment,
                scopes,
                permissions,
                space,
                client_ip: None,
                cost,
            };
            let verdict: Answer<keywarden_proto::VerifyResponse> =
                client.read(client.request(Method::POST, "/v1/verify").json(&request))?;
            if json {
                output::json(&mut out, &verdict.json)?;
            } else {
                writeln!(out, "{}", verdict.body.code)?;
            }
            return Ok(if verdict.body.valid {
                Outcome::Success
            } else {
                Outcome::Negative
            });
        }
    }
    Ok(Outcome::Success)
}

/// Keys as a table: id, hint, environment, owner, name, status, expiry, last use.
fn key_table(out: &mut impl Write, keys: &[KeyView]) -> anyhow::Result<()> {
    let rows: Vec<Vec<String>> = keys
        .iter()
        .map(|k| {
            vec![
                k.id.clone(),
                k.hint.clone(),
                k.environment.clone(),
                opt(k.owner.as_deref()),
                opt(k.name.as_deref()),
                k.status.as_str().to_owned(),
                opt(k.expires_at.as_deref()),
                opt(k.last_used_at.as_deref()),
            ]
        })
        .collect();
    output::table(
        out,
        &[
            "ID",
            "HINT",
            "ENV",
            "OWNER",
            "NAME",
            "STATUS",
            "EXPIRES",
            "LAST USED",
        ],
        &rows,
    )?;
    Ok(())
}

fn show(out: &mut impl Write, key: &Answer<KeyView>, json: bool) -> anyhow::Result<()> {
    if json {
        return output::json(out, &key.json);
    }
    let k = &key.body;
    for (f, value) in [
        ("id", k.id.clone()),
        ("hint", k.hint.clone()),
        ("environment", k.environment.clone()),
        ("owner", opt(k.owner.as_deref())),
        ("name", opt(k.name.as_deref())),
        ("status", k.status.as_str().to_owned()),
        ("space", k.space.clone()),
        ("scopes", output::list(&k.scopes)),
        ("roles", output::list(&k.roles)),
        ("permissions", output::list(&k.effective_permissions)),
        ("created_at", k.created_at.clone()),
        ("expires_at", opt(k.expires_at.as_deref())),
        ("revoked_at", opt(k.revoked_at.as_deref())),
        ("revoke_reason", opt(k.revoke_reason.as_deref())),
        ("rotated_from", opt(k.rotated_from.as_deref())),
        ("rotated_to", opt(k.rotated_to.as_deref())),
        ("ip_allowlist", output::list(&k.ip_allowlist)),
        ("usage_limit", opt_num(k.usage_limit)),
        ("usage_remaining", opt_num(k.usage_remaining)),
        ("last_used_at", opt(k.last_used_at.as_deref())),
        ("recoverable", k.recoverable.to_string()),
    ] {
        writeln!(out, "{f:>16}: {value}")?;
    }
    if let Some(r) = &k.rate_limit {
        writeln!(
            out,
            "{:>16}: {}/{}s",
            "rate_limit", r.limit, r.window_seconds
        )?;
    }
    writeln!(out, "{:>16}: {}", "metadata", k.metadata)?;
    Ok(())
}

/// `key disable` / `key enable`.
fn toggle(
    client: &Client,
    out: &mut impl Write,
    id: &str,
    verb: &str,
    json: bool,
) -> anyhow::Result<Outcome> {
    let key: Answer<KeyView> =
        client.read(client.request(Method::POST, &format!("/v1/keys/{}/{verb}", encode(id))))?;
    if json {
        output::json(out, &key.json)?;
    } else {
        let k = key.body;
        writeln!(out, "{verb}d {} ({}): {}", k.id, k.hint, k.status.as_str())?;
    }
    Ok(Outcome::Success)
}

fn revoke(client: &Client, out: &mut impl Write, a: RevokeArgs) -> anyhow::Result<Outcome> {
    if let Some(id) = &a.id {
        let body = RevokeRequest { reason: a.reason };
        let key: Answer<KeyView> = client.read(
            client
                .request(Method::POST, &format!("/v1/keys/{}/revoke", encode(id)))
                .json(&body),
        )?;
        if a.json {
            output::json(out, &key.json)?;
        } else {
            writeln!(out, "revoked {} ({})", key.body.id, key.body.hint)?;
        }
        return Ok(Outcome::Success);
    }
    if a.owner.is_none() && a.environment.is_none() && a.space.is_none() {
        bail!("give a key id, or --owner, --env and/or --space for a bulk revoke");
    }
    let scope = format!(
        "owner={} environment={} space={}",
        a.owner.as_deref().unwrap_or("*"),
        a.environment.as_deref().unwrap_or("*"),
        a.space.as_deref().unwrap_or("*")
    );
    let owner = parse_opt("--owner", a.owner.as_deref())?;
    let environment = parse_opt("--env", a.environment.as_deref())?;
    let space = parse_opt("--space", a.space.as_deref())?;
    if !a.yes {
        let query = ListQuery {
            owner: owner.clone(),
            environment: environment.clone(),
            space: space.clone(),
            status: Some(keywarden_core::vocabulary::KeyStatus::Active),
            limit: Some(200),
            ..ListQuery::default()
        };
        let page: Answer<KeyList> =
            client.read(client.request(Method::GET, "/v1/keys").query(&query))?;
        let n = page.body.keys.len();
        let more = if page.body.next_cursor.is_some() {
            "+"
        } else {
            ""
        };
        if !std::io::stdin().is_terminal() {
            bail!(
                "a bulk revoke ({scope}: {n}{more} active keys) needs --yes when not on a terminal"
            );
        }
        eprint!(
            "Revoke {n}{more} active keys of {scope}? This cannot be undone. Type 'revoke' to confirm: "
        );
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if answer.trim() != "revoke" {
            bail!("not confirmed: nothing was revoked");
        }
    }
    let body = BulkRevokeRequest {
        owner,
        environment,
        space,
        confirm: true,
        reason: a.reason,
    };
    let result: Answer<BulkRevokeResponse> =
        client.read(client.request(Method::POST, "/v1/keys/revoke").json(&body))?;
    if a.json {
        output::json(out, &result.json)?;
    } else {
        writeln!(out, "revoked {} keys ({scope})", result.body.revoked)?;
    }
    Ok(Outcome::Success)
}

#[derive(Debug, Subcommand)]
pub(crate) enum AuditListCommand {
    /// The audit log, newest first.
    List {
        /// Only this action (key.create, key.revoke, auth.denied, ...).
        #[arg(long)]
        action: Option<String>,
        /// Only this target (a key id).
        #[arg(long)]
        target: Option<String>,
        /// Only this actor.
        #[arg(long)]
        actor: Option<String>,
        /// allowed, denied or failed.
        #[arg(long)]
        outcome: Option<String>,
        /// Only entries about this key space or its keys.
        #[arg(long)]
        space: Option<String>,
        /// How many.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

pub(crate) fn audit(remote: &Remote, cmd: AuditListCommand) -> anyhow::Result<Outcome> {
    let client = Client::new(remote)?;
    let mut out = std::io::stdout().lock();
    let AuditListCommand::List {
        action,
        target,
        actor,
        outcome,
        space,
        limit,
        json,
    } = cmd;
    let query = AuditQuery {
        actor,
        action,
        target,
        outcome,
        space: parse_opt("--space", space.as_deref())?,
        before: None,
        limit: Some(limit),
    };
    let page: Answer<AuditPage> =
        client.read(client.request(Method::GET, "/v1/audit").query(&query))?;
    if json {
        output::json(&mut out, &page.json)?;
    } else {
        let rows: Vec<Vec<String>> = page
            .body
            .entries
            .iter()
            .map(|e| {
                vec![
                    e.seq.to_string(),
                    e.at.clone(),
                    e.actor.clone(),
                    e.action.clone(),
                    opt(e.target.as_deref()),
                    e.outcome.clone(),
                    opt(e.client_ip.as_deref()),
                ]
            })
            .collect();
        output::table(
            &mut out,
            &[
                "SEQ", "AT", "ACTOR", "ACTION", "TARGET", "OUTCOME", "CLIENT",
            ],
            &rows,
        )?;
    }
    Ok(Outcome::Success)
}

#[derive(Debug, Subcommand)]
pub(crate) enum OwnerCommand {
    /// An owner's shared limits and keys.
    Show {
        /// The owner.
        owner: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Set the limits all of an owner's keys share, in addition to each
    /// key's own. Replaces the owner's limits: what is not given is removed.
    Limits {
        /// The owner.
        owner: String,
        /// Shared rate limit as LIMIT/WINDOW, e.g. 50/1m.
        #[arg(long)]
        rate_limit: Option<String>,
        /// Shared credits: each verification of any of the owner's keys spends its cost.
        #[arg(long)]
        credits: Option<i64>,
        /// Refill the shared credits as AMOUNT/INTERVAL, e.g. 10000/30d.
        #[arg(long, requires = "credits", value_name = "AMOUNT/INTERVAL")]
        refill: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove an owner's shared limits (its keys keep their own).
    ClearLimits {
        /// The owner.
        owner: String,
    },
}

pub(crate) fn owners(remote: &Remote, cmd: OwnerCommand) -> anyhow::Result<Outcome> {
    let client = Client::new(remote)?;
    let mut out = std::io::stdout().lock();
    match cmd {
        OwnerCommand::Show { owner, json } => {
            let view: Answer<OwnerView> = client
                .read(client.request(Method::GET, &format!("/v1/owners/{}", encode(&owner))))?;
            if json {
                output::json(&mut out, &view.json)?;
            } else {
                write_owner_limits(&mut out, view.body.limits.as_ref())?;
                key_table(&mut out, &view.body.keys)?;
            }
        }
        OwnerCommand::Limits {
            owner,
            rate_limit: rate,
            credits: remaining,
            refill,
            json,
        } => {
            if rate.is_none() && remaining.is_none() {
                bail!("give --rate-limit, --credits or both (clear-limits removes them)");
            }
            let body = OwnerLimitsRequest {
                rate_limit: rate.as_deref().map(rate_limit).transpose()?,
                credits: remaining
                    .map(|n| credits(n, refill.as_deref()))
                    .transpose()?,
            };
            let limits: Answer<OwnerLimitsView> = client.read(
                client
                    .request(
                        Method::PUT,
                        &format!("/v1/owners/{}/limits", encode(&owner)),
                    )
                    .json(&body),
            )?;
            if json {
                output::json(&mut out, &limits.json)?;
            } else {
                write_owner_limits(&mut out, Some(&limits.body))?;
            }
        }
        OwnerCommand::ClearLimits { owner } => {
            client.send(client.request(
                Method::DELETE,
                &format!("/v1/owners/{}/limits", encode(&owner)),
            ))?;
            writeln!(out, "limits of {owner} removed")?;
        }
    }
    Ok(Outcome::Success)
}

/// `rate limit: ...` and `credits: ...` lines of an owner's limits.
fn write_owner_limits(
    out: &mut impl Write,
    limits: Option<&OwnerLimitsView>,
) -> anyhow::Result<()> {
    let rate = match limits.and_then(|l| l.rate_limit.as_ref()) {
        Some(r) => format!("{}/{}s", r.limit, r.window_seconds),
        None => "none".to_owned(),
    };
    writeln!(out, "rate limit: {rate}")?;
    let credits = match limits.and_then(|l| l.credits.as_ref()) {
        Some(c) => {
            let mut text = c.remaining.to_string();
            if let Some(r) = &c.refill {
                text.push_str(&format!(
                    " (refill to {} every {}s, next {})",
                    r.amount, r.interval_seconds, r.next_refill_at
                ));
            }
            text
        }
        None => "none".to_owned(),
    };
    writeln!(out, "credits: {credits}")?;
    Ok(())
}

#[derive(Debug, Subcommand)]
pub(crate) enum EventsCommand {
    /// Notable events (leaks, anomalies, notices), newest first, with
    /// their webhook delivery state.
    List {
        /// Only this kind (key.leaked, key.expiring, key.credits_low, ...).
        #[arg(long)]
        kind: Option<String>,
        /// Only this key.
        #[arg(long)]
        key: Option<String>,
        /// Only this delivery state: none, pending, delivered or failed.
        #[arg(long)]
        delivery: Option<String>,
        /// Only events of this key space's keys.
        #[arg(long)]
        space: Option<String>,
        /// How many.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delivers an event to the webhook again (a failed one once the
    /// receiver is fixed, or one the receiver lost): it is attempted at
    /// once and retried for a fresh 24 hours, under its own id.
    Redeliver {
        /// The event id (evt_...), as `events list` shows it.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

pub(crate) fn events(remote: &Remote, cmd: EventsCommand) -> anyhow::Result<Outcome> {
    let client = Client::new(remote)?;
    let mut out = std::io::stdout().lock();
    let (kind, key, delivery, space, limit, json) = match cmd {
        EventsCommand::List {
            kind,
            key,
            delivery,
            space,
            limit,
            json,
        } => (kind, key, delivery, space, limit, json),
        EventsCommand::Redeliver { id, json } => {
            let event: Answer<EventView> = client.read(client.request(
                Method::POST,
                &format!("/v1/events/{}/redeliver", encode(&id)),
            ))?;
            if json {
                output::json(&mut out, &event.json)?;
            } else {
                writeln!(
                    out,
                    "event {} queued for the webhook (delivery: {})",
                    event.body.id, event.body.delivery.state
                )?;
            }
            return Ok(Outcome::Success);
        }
    };
    let query = EventsQuery {
        kind,
        key_id: key,
        delivery,
        space: parse_opt("--space", space.as_deref())?,
        before: None,
        limit: Some(limit),
    };
    let list: Answer<Vec<EventView>> =
        client.read(client.request(Method::GET, "/v1/events").query(&query))?;
    if json {
        output::json(&mut out, &list.json)?;
        return Ok(Outcome::Success);
    }
    let rows: Vec<Vec<String>> = list
        .body
        .iter()
        .map(|e| {
            let d = &e.delivery;
            vec![
                e.id.clone(),
                e.at.clone(),
                e.kind.clone(),
                opt(e.key_id.as_deref()),
                d.state.to_string(),
                d.attempts.to_string(),
                opt(d.last_error.as_deref()),
            ]
        })
        .collect();
    output::table(
        &mut out,
        &[
            "ID",
            "AT",
            "KIND",
            "KEY",
            "DELIVERY",
            "ATTEMPTS",
            "LAST ERROR",
        ],
        &rows,
    )?;
    Ok(Outcome::Success)
}

/// `key import FILE`: JSON Lines, sent in batches of
/// [`IMPORT_BATCH`] lines, with a progress bar on a terminal. A line that
/// is not JSON, or that the server refuses, is named by its number; the
/// others are imported.
fn import(
    client: &Client,
    out: &mut impl Write,
    file: &std::path::Path,
    json: bool,
) -> anyhow::Result<Outcome> {
    use std::io::BufRead;
    let reader: Box<dyn BufRead> = if file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?,
        ))
    };
    let bar = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let (mut imported, mut skipped, mut failed) = (0usize, 0usize, 0usize);
    let mut unreadable = 0usize;
    let mut batch: Vec<Value> = Vec::with_capacity(IMPORT_BATCH);
    let mut lines: Vec<usize> = Vec::with_capacity(IMPORT_BATCH);
    let mut send = |batch: &mut Vec<Value>, lines: &mut Vec<usize>| -> anyhow::Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let body = keywarden_proto::keys::ImportRequest {
            keys: std::mem::take(batch),
        };
        let answer: Answer<keywarden_proto::keys::ImportResponse> =
            client.read(client.request(Method::POST, "/v1/keys/import").json(&body))?;
        imported += answer.body.imported;
        skipped += answer.body.skipped;
        failed += answer.body.failed;
        for e in &answer.body.errors {
            let line = lines.get(e.index).copied().unwrap_or(0);
            bar.suspend(|| eprintln!("line {line}: {} {}", e.code, e.message));
        }
        lines.clear();
        bar.set_message(format!(
            "{imported} imported, {skipped} already there, {failed} refused"
        ));
        Ok(())
    };
    for (n, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("cannot read line {}", n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(&line) {
            Ok(row) => {
                batch.push(row);
                lines.push(n + 1);
            }
            Err(e) => {
                unreadable += 1;
                bar.suspend(|| {
                    eprintln!("line {}: not JSON (column {})", n + 1, e.column());
                });
            }
        }
        if batch.len() == IMPORT_BATCH {
            send(&mut batch, &mut lines)?;
        }
    }
    send(&mut batch, &mut lines)?;
    failed += unreadable;
    bar.finish_and_clear();
    if json {
        output::json(
            out,
            &serde_json::json!({ "imported": imported, "skipped": skipped, "failed": failed }),
        )?;
    } else {
        writeln!(
            out,
            "imported {imported} keys; {skipped} were there already; {failed} lines refused"
        )?;
    }
    Ok(if failed == 0 {
        Outcome::Success
    } else {
        Outcome::Negative
    })
}

/// Lines sent in one import request (the server takes up to 1,000).
const IMPORT_BATCH: usize = 1_000;
