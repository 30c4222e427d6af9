//! `keywarden key …`, `owner …`, `events …` and `audit …`: the management API over HTTP,
//! against `KEYWARDEN_URL` with the root key in `KEYWARDEN_TOKEN` (never a
//! flag: arguments end up in shell history and process lists).

use std::io::{BufRead, IsTerminal, Read, Write};

use anyhow::{Context, anyhow, bail};
use clap::{Args, Subcommand};
use reqwest::{Method, blocking::Client as Http};
use serde_json::{Value, json};

use crate::{Outcome, output};

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

struct Client {
    base: String,
    token: String,
    http: Http,
}

impl Client {
    fn new(remote: &Remote) -> anyhow::Result<Self> {
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

    fn call(&self, method: Method, path: &str, body: Option<Value>) -> anyhow::Result<Value> {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().map_err(|e| {
            anyhow!("cannot reach keywarden at {}: {}. Is the server running? Set KEYWARDEN_URL to its address.", self.base, root_cause(&e))
        })?;
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
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

fn encode(v: &str) -> String {
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
    /// Verify a key read from standard input; exits 0 when valid, 1 when not.
    Verify {
        /// Required environment.
        #[arg(long = "env")]
        environment: Option<String>,
        /// Required scope (repeatable).
        #[arg(long = "scope")]
        scopes: Vec<String>,
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
fn rate_limit(text: &str) -> anyhow::Result<Value> {
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
    Ok(json!({"limit": limit, "window_seconds": seconds}))
}

/// `{remaining, refill?}` from `--credits N` and `--refill AMOUNT/INTERVAL`.
fn credits(remaining: i64, refill: Option<&str>) -> anyhow::Result<Value> {
    let mut credits = json!({ "remaining": remaining });
    if let Some(r) = refill {
        let (amount, interval) = r
            .split_once('/')
            .context("--refill is AMOUNT/INTERVAL, e.g. 1000/1d")?;
        let amount: i64 = amount
            .trim()
            .parse()
            .context("--refill: the amount is a whole number")?;
        credits["refill"] = json!({ "amount": amount, "interval": interval.trim() });
    }
    Ok(credits)
}

fn metadata(text: &str) -> anyhow::Result<Value> {
    serde_json::from_str(text).context("--metadata must be a JSON object")
}

pub(crate) fn keys(remote: &Remote, cmd: KeyCommand) -> anyhow::Result<Outcome> {
    let client = Client::new(remote)?;
    let mut out = std::io::stdout().lock();
    match cmd {
        KeyCommand::Create(a) => {
            let mut body = json!({"environment": a.environment, "scopes": a.scopes, "ip_allowlist": a.ips, "recoverable": a.recoverable});
            let set = |body: &mut Value, k: &str, v: Option<Value>| {
                if let Some(v) = v {
                    body[k] = v;
                }
            };
            set(&mut body, "owner", a.owner.map(Value::from));
            set(&mut body, "name", a.name.map(Value::from));
            set(&mut body, "expires_in", a.expires_in.map(Value::from));
            set(&mut body, "expires_at", a.expires_at.map(Value::from));
            set(
                &mut body,
                "metadata",
                a.metadata.as_deref().map(metadata).transpose()?,
            );
            set(
                &mut body,
                "rate_limit",
                a.rate_limit.as_deref().map(rate_limit).transpose()?,
            );
            set(&mut body, "usage_limit", a.usage_limit.map(Value::from));
            if let Some(remaining) = a.credits {
                body["credits"] = credits(remaining, a.refill.as_deref())?;
            }
            if let Some(d) = &a.share {
                body["share"] = json!({ "expires_in": d });
            }
            let created = client.call(Method::POST, "/v1/keys", Some(body))?;
            if a.json {
                output::json(&mut out, &created)?;
            } else {
                writeln!(out, "key: {}", output::field(&created, "key"))?;
                writeln!(out, "id: {}", output::field(&created, "id"))?;
                if a.share.is_some() {
                    writeln!(
                        out,
                        "share link (opens once): {}",
                        output::field(&created, "share_url")
                    )?;
                }
                eprintln!("This is the only time the key is shown: store it now.");
            }
        }
        KeyCommand::List(a) => {
            let mut query = vec![format!("limit={}", a.limit)];
            for (k, v) in [
                ("owner", &a.owner),
                ("environment", &a.environment),
                ("status", &a.status),
                ("search", &a.search),
            ] {
                if let Some(v) = v {
                    query.push(format!("{k}={}", encode(v)));
                }
            }
            let mut keys = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let mut q = query.clone();
                if let Some(c) = &cursor {
                    q.push(format!("cursor={}", encode(c)));
                }
                let page = client.call(Method::GET, &format!("/v1/keys?{}", q.join("&")), None)?;
                keys.extend(page["keys"].as_array().cloned().unwrap_or_default());
                cursor = page["next_cursor"].as_str().map(str::to_owned);
                if !a.all || cursor.is_none() {
                    break;
                }
            }
            if a.json {
                output::json(&mut out, &json!({"keys": keys, "next_cursor": cursor}))?;
            } else {
                key_table(&mut out, &keys)?;
                if let Some(c) = cursor {
                    eprintln!("more keys: add --all, or the next page starts at cursor {c}");
                }
            }
        }
        KeyCommand::Show { id, json } => {
            let key = client.call(Method::GET, &format!("/v1/keys/{}", encode(&id)), None)?;
            show(&mut out, &key, json)?;
        }
        KeyCommand::Update(a) => {
            let mut body = json!({});
            if let Some(n) = a.name {
                body["name"] = n.into();
            }
            if a.clear_name {
                body["name"] = Value::Null;
            }
            if let Some(o) = a.owner {
                body["owner"] = o.into();
            }
            if !a.scopes.is_empty() || a.clear_scopes {
                body["scopes"] = a.scopes.into();
            }
            if let Some(m) = a.metadata {
                body["metadata"] = metadata(&m)?;
            }
            if let Some(e) = a.expires_in {
                body["expires_in"] = e.into();
            }
            if let Some(e) = a.expires_at {
                body["expires_at"] = e.into();
            }
            if a.no_expiry {
                body["expires_at"] = Value::Null;
            }
            if !a.ips.is_empty() || a.clear_ips {
                body["ip_allowlist"] = a.ips.into();
            }
            if let Some(r) = a.rate_limit {
                body["rate_limit"] = rate_limit(&r)?;
            }
            if a.no_rate_limit {
                body["rate_limit"] = Value::Null;
            }
            if let Some(u) = a.usage_limit {
                body["usage_limit"] = u.into();
            }
            if a.no_usage_limit {
                body["usage_limit"] = Value::Null;
            }
            let key = client.call(
                Method::PATCH,
                &format!("/v1/keys/{}", encode(&a.id)),
                Some(body),
            )?;
            show(&mut out, &key, a.json)?;
        }
        KeyCommand::Roll {
            id,
            grace,
            share,
            json,
        } => {
            let mut body = json!({});
            if let Some(g) = grace {
                body["grace_period"] = g.into();
            }
            if let Some(d) = &share {
                body["share"] = json!({ "expires_in": d });
            }
            let body = Some(body);
            let rolled = client.call(
                Method::POST,
                &format!("/v1/keys/{}/roll", encode(&id)),
                body,
            )?;
            if json {
                output::json(&mut out, &rolled)?;
            } else {
                writeln!(out, "key: {}", output::field(&rolled, "key"))?;
                writeln!(out, "id: {}", output::field(&rolled, "id"))?;
                if share.is_some() {
                    writeln!(
                        out,
                        "share link (opens once): {}",
                        output::field(&rolled, "share_url")
                    )?;
                }
                writeln!(
                    out,
                    "previous key {} now expires at {}",
                    output::field(&rolled["previous"], "id"),
                    output::field(&rolled["previous"], "expires_at")
                )?;
                eprintln!("This is the only time the new key is shown: store it now.");
            }
        }
        KeyCommand::Revoke(a) => return revoke(&client, &mut out, a),
        KeyCommand::Disable { id, json } => return toggle(&client, &mut out, &id, "disable", json),
        KeyCommand::Enable { id, json } => return toggle(&client, &mut out, &id, "enable", json),
        KeyCommand::Reveal { id } => {
            let shown = client.call(
                Method::GET,
                &format!("/v1/keys/{}/secret", encode(&id)),
                None,
            )?;
            writeln!(out, "{}", output::field(&shown, "key"))?;
        }
        KeyCommand::Usage {
            id,
            bucket,
            from,
            to,
            json,
        } => {
            let mut q = vec![format!("bucket={}", encode(&bucket))];
            if let Some(f) = from {
                q.push(format!("from={}", encode(&f)));
            }
            if let Some(t) = to {
                q.push(format!("to={}", encode(&t)));
            }
            let usage = client.call(
                Method::GET,
                &format!("/v1/keys/{}/usage?{}", encode(&id), q.join("&")),
                None,
            )?;
            if json {
                output::json(&mut out, &usage)?;
            } else {
                let rows: Vec<Vec<String>> = usage["buckets"]
                    .as_array()
                    .map(|b| {
                        b.iter()
                            .map(|b| {
                                let codes = b["by_code"]
                                    .as_object()
                                    .map(|m| {
                                        m.iter()
                                            .map(|(k, v)| format!("{k}={v}"))
                                            .collect::<Vec<_>>()
                                            .join(" ")
                                    })
                                    .unwrap_or_default();
                                vec![output::field(b, "start"), output::field(b, "total"), codes]
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                output::table(&mut out, &["START", "TOTAL", "BY CODE"], &rows)?;
            }
        }
        KeyCommand::Verify {
            environment,
            scopes,
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
                client_ip: None,
                cost,
            };
            let body = serde_json::to_value(&request)?;
            let verdict = client.call(Method::POST, "/v1/verify", Some(body))?;
            let answer: keywarden_proto::VerifyResponse =
                serde_json::from_value(verdict.clone())
                    .context("keywarden answered /v1/verify with an unexpected body")?;
            if json {
                output::json(&mut out, &verdict)?;
            } else {
                writeln!(out, "{}", answer.code)?;
            }
            return Ok(if answer.valid {
                Outcome::Success
            } else {
                Outcome::Negative
            });
        }
    }
    Ok(Outcome::Success)
}

/// Keys as a table: id, hint, environment, owner, name, status, expiry, last use.
fn key_table(out: &mut impl Write, keys: &[Value]) -> anyhow::Result<()> {
    let fields = [
        "id",
        "hint",
        "environment",
        "owner",
        "name",
        "status",
        "expires_at",
        "last_used_at",
    ];
    let rows: Vec<Vec<String>> = keys
        .iter()
        .map(|k| fields.iter().map(|f| output::field(k, f)).collect())
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

fn show(out: &mut impl Write, key: &Value, json: bool) -> anyhow::Result<()> {
    if json {
        return output::json(out, key);
    }
    for f in [
        "id",
        "hint",
        "environment",
        "owner",
        "name",
        "status",
        "scopes",
        "created_at",
        "expires_at",
        "revoked_at",
        "revoke_reason",
        "rotated_from",
        "rotated_to",
        "ip_allowlist",
        "usage_limit",
        "usage_remaining",
        "last_used_at",
        "recoverable",
    ] {
        writeln!(out, "{f:>16}: {}", output::field(key, f))?;
    }
    if !key["rate_limit"].is_null() {
        writeln!(
            out,
            "{:>16}: {}/{}s",
            "rate_limit", key["rate_limit"]["limit"], key["rate_limit"]["window_seconds"]
        )?;
    }
    writeln!(out, "{:>16}: {}", "metadata", key["metadata"])?;
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
    let key = client.call(
        Method::POST,
        &format!("/v1/keys/{}/{verb}", encode(id)),
        None,
    )?;
    if json {
        output::json(out, &key)?;
    } else {
        writeln!(
            out,
            "{verb}d {} ({}): {}",
            output::field(&key, "id"),
            output::field(&key, "hint"),
            output::field(&key, "status")
        )?;
    }
    Ok(Outcome::Success)
}

fn revoke(client: &Client, out: &mut impl Write, a: RevokeArgs) -> anyhow::Result<Outcome> {
    let mut body = json!({});
    if let Some(r) = &a.reason {
        body["reason"] = r.clone().into();
    }
    if let Some(id) = &a.id {
        let key = client.call(
            Method::POST,
            &format!("/v1/keys/{}/revoke", encode(id)),
            Some(body),
        )?;
        if a.json {
            output::json(out, &key)?;
        } else {
            writeln!(
                out,
                "revoked {} ({})",
                output::field(&key, "id"),
                output::field(&key, "hint")
            )?;
        }
        return Ok(Outcome::Success);
    }
    if a.owner.is_none() && a.environment.is_none() {
        bail!("give a key id, or --owner and/or --env for a bulk revoke");
    }
    let scope = format!(
        "owner={} environment={}",
        a.owner.as_deref().unwrap_or("*"),
        a.environment.as_deref().unwrap_or("*")
    );
    if !a.yes {
        let mut q = vec!["status=active".to_owned(), "limit=200".to_owned()];
        if let Some(o) = &a.owner {
            q.push(format!("owner={}", encode(o)));
        }
        if let Some(e) = &a.environment {
            q.push(format!("environment={}", encode(e)));
        }
        let page = client.call(Method::GET, &format!("/v1/keys?{}", q.join("&")), None)?;
        let n = page["keys"].as_array().map_or(0, Vec::len);
        let more = if page["next_cursor"].is_string() {
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
    body["confirm"] = true.into();
    if let Some(o) = a.owner {
        body["owner"] = o.into();
    }
    if let Some(e) = a.environment {
        body["environment"] = e.into();
    }
    let result = client.call(Method::POST, "/v1/keys/revoke", Some(body))?;
    if a.json {
        output::json(out, &result)?;
    } else {
        writeln!(
            out,
            "revoked {} keys ({scope})",
            output::field(&result, "revoked")
        )?;
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
        limit,
        json,
    } = cmd;
    let mut q = vec![format!("limit={limit}")];
    for (k, v) in [
        ("action", action),
        ("target", target),
        ("actor", actor),
        ("outcome", outcome),
    ] {
        if let Some(v) = v {
            q.push(format!("{k}={}", encode(&v)));
        }
    }
    let page = client.call(Method::GET, &format!("/v1/audit?{}", q.join("&")), None)?;
    if json {
        output::json(&mut out, &page)?;
    } else {
        let rows: Vec<Vec<String>> = page["entries"]
            .as_array()
            .map(|e| {
                e.iter()
                    .map(|e| {
                        [
                            "seq",
                            "at",
                            "actor",
                            "action",
                            "target",
                            "outcome",
                            "client_ip",
                        ]
                        .iter()
                        .map(|f| output::field(e, f))
                        .collect()
                    })
                    .collect()
            })
            .unwrap_or_default();
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
            let view = client.call(Method::GET, &format!("/v1/owners/{}", encode(&owner)), None)?;
            if json {
                output::json(&mut out, &view)?;
            } else {
                write_owner_limits(&mut out, &view["limits"])?;
                let keys = view["keys"].as_array().cloned().unwrap_or_default();
                key_table(&mut out, &keys)?;
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
            let mut body = json!({});
            if let Some(r) = rate.as_deref() {
                body["rate_limit"] = rate_limit(r)?;
            }
            if let Some(n) = remaining {
                body["credits"] = credits(n, refill.as_deref())?;
            }
            let limits = client.call(
                Method::PUT,
                &format!("/v1/owners/{}/limits", encode(&owner)),
                Some(body),
            )?;
            if json {
                output::json(&mut out, &limits)?;
            } else {
                write_owner_limits(&mut out, &limits)?;
            }
        }
        OwnerCommand::ClearLimits { owner } => {
            client.call(
                Method::DELETE,
                &format!("/v1/owners/{}/limits", encode(&owner)),
                None,
            )?;
            writeln!(out, "limits of {owner} removed")?;
        }
    }
    Ok(Outcome::Success)
}

/// `rate limit: ...` and `credits: ...` lines of an owner's limits.
fn write_owner_limits(out: &mut impl Write, limits: &Value) -> anyhow::Result<()> {
    let rate = &limits["rate_limit"];
    let rate = if rate.is_object() {
        format!("{}/{}s", rate["limit"], rate["window_seconds"])
    } else {
        "none".to_owned()
    };
    writeln!(out, "rate limit: {rate}")?;
    let c = &limits["credits"];
    let credits = if c.is_object() {
        let mut text = c["remaining"].to_string();
        if c["refill"].is_object() {
            text.push_str(&format!(
                " (refill to {} every {}s, next {})",
                c["refill"]["amount"],
                c["refill"]["interval_seconds"],
                output::field(&c["refill"], "next_refill_at")
            ));
        }
        text
    } else {
        "none".to_owned()
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
    let (kind, key, delivery, limit, json) = match cmd {
        EventsCommand::List {
            kind,
            key,
            delivery,
            limit,
            json,
        } => (kind, key, delivery, limit, json),
        EventsCommand::Redeliver { id, json } => {
            let event = client.call(
                Method::POST,
                &format!("/v1/events/{}/redeliver", encode(&id)),
                None,
            )?;
            if json {
                output::json(&mut out, &event)?;
            } else {
                writeln!(
                    out,
                    "event {} queued for the webhook (delivery: {})",
                    output::field(&event, "id"),
                    output::field(&event["delivery"], "state")
                )?;
            }
            return Ok(Outcome::Success);
        }
    };
    let mut q = vec![format!("limit={limit}")];
    for (k, v) in [("kind", kind), ("key_id", key), ("delivery", delivery)] {
        if let Some(v) = v {
            q.push(format!("{k}={}", encode(&v)));
        }
    }
    let list = client.call(Method::GET, &format!("/v1/events?{}", q.join("&")), None)?;
    if json {
        output::json(&mut out, &list)?;
        return Ok(Outcome::Success);
    }
    let rows: Vec<Vec<String>> = list
        .as_array()
        .map(|events| {
            events
                .iter()
                .map(|e| {
                    let d = &e["delivery"];
                    vec![
                        output::field(e, "id"),
                        output::field(e, "at"),
                        output::field(e, "kind"),
                        output::field(e, "key_id"),
                        output::field(d, "state"),
                        output::field(d, "attempts"),
                        output::field(d, "last_error"),
                    ]
                })
                .collect()
        })
        .unwrap_or_default();
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
