//! `keywarden space …` and `keywarden role …`: key spaces and their roles,
//! through the API (KEYWARDEN_URL, KEYWARDEN_TOKEN), with keywarden-proto's
//! request and answer types.

use std::io::Write;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use keywarden_proto::spaces::{
    CreateSpaceRequest, PatchSpaceRequest, PutRoleRequest, RoleList, RoleView, SpaceCreditsBody,
    SpaceDefaultsBody, SpaceList, SpaceView,
};
use reqwest::Method;

use crate::{
    Outcome,
    client::{Answer, Client, Remote, encode, parse, parse_opt, rate_limit},
    output,
};

#[derive(Debug, Subcommand)]
pub(crate) enum SpaceCommand {
    /// Create a key space: its keys get its prefix (`pay_live_…`) and defaults.
    Create {
        /// Its id: lowercase letters, digits and -.
        id: String,
        /// A name for people (default: the id).
        #[arg(long)]
        name: Option<String>,
        /// The prefix of its keys (default: the deployment's).
        #[arg(long)]
        prefix: Option<String>,
        #[command(flatten)]
        defaults: DefaultsArgs,
        /// The customer portal's rules, as JSON (`null` in an update removes
        /// them): '{"environments":["test"],"max_keys_per_owner":5,"require_approval":true}'.
        #[arg(long, value_name = "JSON")]
        portal_policy: Option<String>,
        /// Refuse to delete the space.
        #[arg(long)]
        protect: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The key spaces this root key sees.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// One key space.
    Show {
        /// Its id.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change a key space. Defaults given replace the old ones whole.
    Update {
        /// Its id.
        id: String,
        /// A new name.
        #[arg(long)]
        name: Option<String>,
        /// A new prefix for keys made from now on (existing keys keep theirs).
        #[arg(long, conflicts_with = "inherit_prefix")]
        prefix: Option<String>,
        /// New keys get the deployment's prefix again.
        #[arg(long)]
        inherit_prefix: bool,
        #[command(flatten)]
        defaults: DefaultsArgs,
        /// Remove every default (the portal policy stays).
        #[arg(long)]
        clear_defaults: bool,
        /// The customer portal's rules, as JSON (`null` in an update removes
        /// them): '{"environments":["test"],"max_keys_per_owner":5,"require_approval":true}'.
        #[arg(long, value_name = "JSON")]
        portal_policy: Option<String>,

        /// Refuse deletion.
        #[arg(long, conflicts_with = "unprotect")]
        protect: bool,
        /// Allow deletion again.
        #[arg(long)]
        unprotect: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete a key space and its roles (its keys must be revoked first).
    Delete {
        /// Its id.
        id: String,
    },
}

/// What new keys of a space get unless their request says otherwise.
#[derive(Debug, Args)]
pub(crate) struct DefaultsArgs {
    /// Environments its keys may be created in (repeatable; none: any).
    #[arg(long = "allow-env")]
    environments: Vec<String>,
    /// Default rate limit, LIMIT/WINDOW (100/60s).
    #[arg(long)]
    rate_limit: Option<String>,
    /// Default credits of a new key.
    #[arg(long)]
    credits: Option<i64>,
    /// Refill the default credits at each interval (1d).
    #[arg(long, requires = "credits")]
    refill_interval: Option<String>,
    /// Required expiry: new keys live at most this long (90d).
    #[arg(long)]
    max_lifetime: Option<String>,
}

impl DefaultsArgs {
    fn given(&self) -> bool {
        !self.environments.is_empty()
            || self.rate_limit.is_some()
            || self.credits.is_some()
            || self.max_lifetime.is_some()
    }

    fn body(&self) -> anyhow::Result<SpaceDefaultsBody> {
        Ok(SpaceDefaultsBody {
            environments: self
                .environments
                .iter()
                .map(|e| parse("--allow-env", e))
                .collect::<anyhow::Result<_>>()?,
            rate_limit: self.rate_limit.as_deref().map(rate_limit).transpose()?,
            credits: self.credits.map(|amount| SpaceCreditsBody {
                amount,
                refill_interval: self.refill_interval.clone(),
            }),
            max_lifetime: self.max_lifetime.clone(),
        })
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum RoleCommand {
    /// Set a role's permissions (creating it); keys holding it get them.
    Set {
        /// The space.
        space: String,
        /// The role.
        role: String,
        /// A permission it grants (repeatable): docs.read, billing:*, ...
        #[arg(long = "permission", required = true)]
        permissions: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// A space's roles.
    List {
        /// The space.
        space: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete a role: keys holding it lose what it granted.
    Delete {
        /// The space.
        space: String,
        /// The role.
        role: String,
    },
}

pub(crate) fn spaces(remote: &Remote, cmd: SpaceCommand) -> anyhow::Result<Outcome> {
    let client = Client::new(remote)?;
    let mut out = std::io::stdout().lock();
    match cmd {
        SpaceCommand::Create {
            id,
            name,
            prefix,
            defaults,
            portal_policy,
            protect,
            json,
        } => {
            let body = CreateSpaceRequest {
                id: parse("space id", &id)?,
                name,
                key_prefix: parse_opt("--prefix", prefix.as_deref())?,
                defaults: defaults.given().then(|| defaults.body()).transpose()?,
                portal: portal_policy_arg(portal_policy.as_deref())?.flatten(),
                delete_protection: protect,
            };
            let space: Answer<SpaceView> =
                client.read(client.request(Method::POST, "/v1/spaces").json(&body))?;
            show(&mut out, &space, json)?;
        }
        SpaceCommand::List { json } => {
            let list: Answer<SpaceList> = client.read(client.request(Method::GET, "/v1/spaces"))?;
            if json {
                output::json(&mut out, &list.json)?;
            } else {
                let rows: Vec<Vec<String>> = list
                    .body
                    .spaces
                    .iter()
                    .map(|s| {
                        vec![
                            s.id.clone(),
                            s.name.clone(),
                            prefix_text(s),
                            s.live_keys.to_string(),
                            s.keys.to_string(),
                            s.roles.to_string(),
                            if s.delete_protection { "yes" } else { "no" }.to_owned(),
                        ]
                    })
                    .collect();
                output::table(
                    &mut out,
                    &[
                        "ID",
                        "NAME",
                        "PREFIX",
                        "LIVE KEYS",
                        "KEYS",
                        "ROLES",
                        "PROTECTED",
                    ],
                    &rows,
                )?;
            }
        }
        SpaceCommand::Show { id, json } => {
            let space: Answer<SpaceView> =
                client.read(client.request(Method::GET, &format!("/v1/spaces/{}", encode(&id))))?;
            show(&mut out, &space, json)?;
        }
        SpaceCommand::Update {
            id,
            name,
            prefix,
            inherit_prefix,
            defaults,
            clear_defaults,
            portal_policy,
            protect,
            unprotect,
            json,
        } => {
            if clear_defaults && defaults.given() {
                bail!("--clear-defaults removes the defaults: give it alone, or give new ones");
            }
            let body = PatchSpaceRequest {
                name: name.map(Some),
                key_prefix: if inherit_prefix {
                    Some(None)
                } else {
                    parse_opt("--prefix", prefix.as_deref())?.map(Some)
                },
                defaults: if clear_defaults {
                    Some(None)
                } else {
                    defaults
                        .given()
                        .then(|| defaults.body())
                        .transpose()?
                        .map(Some)
                },
                portal: portal_policy_arg(portal_policy.as_deref())?,
                delete_protection: (protect || unprotect).then_some(Some(protect)),
            };
            let space: Answer<SpaceView> = client.read(
                client
                    .request(Method::PATCH, &format!("/v1/spaces/{}", encode(&id)))
                    .json(&body),
            )?;
            show(&mut out, &space, json)?;
        }
        SpaceCommand::Delete { id } => {
            client.send(client.request(Method::DELETE, &format!("/v1/spaces/{}", encode(&id))))?;
            writeln!(out, "space {id} deleted")?;
        }
    }
    Ok(Outcome::Success)
}

fn prefix_text(s: &SpaceView) -> String {
    if s.key_prefix_inherited {
        format!("{} (deployment's)", s.key_prefix)
    } else {
        s.key_prefix.clone()
    }
}

fn show(out: &mut impl Write, space: &Answer<SpaceView>, json: bool) -> anyhow::Result<()> {
    if json {
        return output::json(out, &space.json);
    }
    let s = &space.body;
    let d = &s.defaults;
    let envs: Vec<&str> = d.environments.iter().map(|e| e.as_str()).collect();
    for (f, value) in [
        ("id", s.id.clone()),
        ("name", s.name.clone()),
        ("key_prefix", prefix_text(s)),
        ("keys", format!("{} ({} live)", s.keys, s.live_keys)),
        ("roles", s.roles.to_string()),
        ("protected", s.delete_protection.to_string()),
        (
            "environments",
            if envs.is_empty() {
                "any".to_owned()
            } else {
                envs.join(",")
            },
        ),
        (
            "rate_limit",
            d.rate_limit.map_or_else(
                || "-".to_owned(),
                |r| format!("{}/{}s", r.limit, r.window_seconds),
            ),
        ),
        (
            "credits",
            d.credits.as_ref().map_or_else(
                || "-".to_owned(),
                |c| match &c.refill_interval {
                    Some(i) => format!("{} every {i}", c.amount),
                    None => c.amount.to_string(),
                },
            ),
        ),
        ("max_lifetime", output::opt(d.max_lifetime.as_deref())),
    ] {
        writeln!(out, "{f:>14}: {value}")?;
    }
    Ok(())
}

pub(crate) fn roles(remote: &Remote, cmd: RoleCommand) -> anyhow::Result<Outcome> {
    let client = Client::new(remote)?;
    let mut out = std::io::stdout().lock();
    match cmd {
        RoleCommand::Set {
            space,
            role,
            permissions,
            json,
        } => {
            let body = PutRoleRequest {
                permissions: permissions
                    .iter()
                    .map(|p| parse("--permission", p))
                    .collect::<anyhow::Result<_>>()?,
            };
            let path = format!("/v1/spaces/{}/roles/{}", encode(&space), encode(&role));
            let set: Answer<RoleView> =
                client.read(client.request(Method::PUT, &path).json(&body))?;
            if json {
                output::json(&mut out, &set.json)?;
            } else {
                writeln!(
                    out,
                    "role {} of {}: {}",
                    set.body.name,
                    set.body.space,
                    set.body.permissions.join(", ")
                )?;
            }
        }
        RoleCommand::List { space, json } => {
            let list: Answer<RoleList> = client.read(
                client.request(Method::GET, &format!("/v1/spaces/{}/roles", encode(&space))),
            )?;
            if json {
                output::json(&mut out, &list.json)?;
            } else {
                let rows: Vec<Vec<String>> = list
                    .body
                    .roles
                    .iter()
                    .map(|r| {
                        vec![
                            r.name.clone(),
                            r.permissions.join(", "),
                            r.updated_at.clone(),
                        ]
                    })
                    .collect();
                output::table(&mut out, &["ROLE", "PERMISSIONS", "UPDATED"], &rows)?;
            }
        }
        RoleCommand::Delete { space, role } => {
            client
                .send(client.request(
                    Method::DELETE,
                    &format!("/v1/spaces/{}/roles/{}", encode(&space), encode(&role)),
                ))
                .with_context(|| format!("deleting the role {role} of {space}"))?;
            writeln!(out, "role {role} of {space} deleted")?;
        }
    }
    Ok(Outcome::Success)
}

/// `--portal-policy`: the JSON of a policy, or `null` (`Some(None)`).
fn portal_policy_arg(
    text: Option<&str>,
) -> anyhow::Result<Option<Option<keywarden_proto::spaces::PortalPolicyBody>>> {
    text.map(serde_json::from_str)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--portal-policy: {e}"))
}
