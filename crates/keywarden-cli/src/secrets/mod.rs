//! `keywarden secrets …`: the vault through the API (KEYWARDEN_URL,
//! KEYWARDEN_TOKEN), with keywarden-proto's types; `.env` files read as
//! python-dotenv reads them (`dotenv`); and `keywarden run` (`run`).
//!
//! A value never comes from the command line (it would stay in the shell's
//! history and in `ps`): `set` reads standard input.

use std::io::{IsTerminal, Read, Write};

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use keywarden_core::secret::SecretString;
use keywarden_proto::secrets::{
    PutSecretRequest, RollbackSecretRequest, SecretHistory, SecretList, SecretView,
};
use reqwest::Method;

use crate::{
    Outcome,
    client::{Answer, Client, Remote, encode},
    output,
};

pub(crate) mod dotenv;
pub(crate) mod run;

/// Where secrets live: an environment, in a space.
#[derive(Debug, Clone, Args)]
pub(crate) struct Place {
    /// The environment (live, test, dev, ...).
    #[arg(long = "env", short = 'e', env = "KEYWARDEN_ENV")]
    pub(crate) env: String,
    /// The key space (default: `default`).
    #[arg(long, env = "KEYWARDEN_SPACE")]
    pub(crate) space: Option<String>,
}

impl Place {
    /// The API path of the environment, or of one secret in it, with the
    /// space as its query.
    pub(crate) fn path(&self, name: Option<&str>, tail: &str, values: bool) -> String {
        let mut path = format!("/v1/secrets/{}", encode(&self.env));
        if let Some(name) = name {
            path.push('/');
            path.push_str(&encode(name));
        }
        path.push_str(tail);
        let mut query = Vec::new();
        if let Some(space) = &self.space {
            query.push(format!("space={}", encode(space)));
        }
        if values {
            query.push("values=true".to_owned());
        }
        if !query.is_empty() {
            path.push('?');
            path.push_str(&query.join("&"));
        }
        path
    }
}

/// The formats of `secrets export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// `NAME='value'` lines that `sh` sources back byte for byte.
    Env,
    /// One JSON object, name → value.
    Json,
    /// A YAML mapping of double-quoted values.
    Yaml,
    /// `docker run --env-file` (values holding a newline cannot be carried:
    /// left out, and named on standard error).
    Docker,
}

#[derive(Debug, Subcommand)]
pub(crate) enum SecretsCommand {
    /// Write a secret: a new version of its value, read from standard input
    /// (one trailing newline dropped unless --keep-newline; a terminal asks
    /// without echo).
    Set {
        /// Its name (environment-variable syntax: DATABASE_URL).
        name: String,
        #[command(flatten)]
        place: Place,
        /// A note for people.
        #[arg(long)]
        note: Option<String>,
        /// Remind to rotate it this often (90d): `secret.rotation_due` past it.
        #[arg(long)]
        rotate_every: Option<String>,
        /// Keep a trailing newline of standard input in the value.
        #[arg(long)]
        keep_newline: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a secret's value (audited).
    Get {
        /// Its name.
        name: String,
        #[command(flatten)]
        place: Place,
        /// Print the whole answer as JSON.
        #[arg(long)]
        json: bool,
    },
    /// An environment's secrets: names, versions, last read, rotation (no
    /// values).
    List {
        #[command(flatten)]
        place: Place,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete a secret and every version of it.
    Rm {
        /// Its name.
        name: String,
        #[command(flatten)]
        place: Place,
    },
    /// A secret's kept versions, newest first.
    History {
        /// Its name.
        name: String,
        #[command(flatten)]
        place: Place,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Roll a secret back: a new version equal to a kept one.
    Rollback {
        /// Its name.
        name: String,
        #[command(flatten)]
        place: Place,
        /// The version whose value comes back.
        #[arg(long)]
        to: i64,
    },
    /// Import a `.env` file as python-dotenv reads it (no interpolation):
    /// quotes, escapes, multi-line values, `export `, comments.
    Import {
        /// The file (`-`: standard input).
        file: String,
        #[command(flatten)]
        place: Place,
        /// Say what would be imported, import nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Print every value of an environment (audited as one read).
    Export {
        #[command(flatten)]
        place: Place,
        /// env: sourced by sh; json; yaml; docker: `--env-file`.
        #[arg(long, value_enum, default_value = "env")]
        format: Format,
    },
}

pub(crate) fn secrets(remote: &Remote, cmd: SecretsCommand) -> anyhow::Result<Outcome> {
    let client = Client::new(remote)?;
    let mut out = std::io::stdout().lock();
    match cmd {
        SecretsCommand::Set {
            name,
            place,
            note,
            rotate_every,
            keep_newline,
            json,
        } => {
            let value = read_value(keep_newline)?;
            let body = PutSecretRequest {
                value,
                note: note.map(Some),
                rotate_every: rotate_every.map(Some),
            };
            let written: Answer<SecretView> = client.read(
                client
                    .request(Method::PUT, &place.path(Some(&name), "", false))
                    .json(&body),
            )?;
            if json {
                output::json(&mut out, &written.json)?;
            } else {
                writeln!(
                    out,
                    "{}/{} is at version {}",
                    written.body.environment, written.body.name, written.body.version
                )?;
            }
        }
        SecretsCommand::Get { name, place, json } => {
            let read: Answer<SecretView> =
                client.read(client.request(Method::GET, &place.path(Some(&name), "", false)))?;
            if json {
                output::json(&mut out, &read.json)?;
            } else {
                let value = read.body.value.context("the server answered no value")?;
                out.write_all(value.expose().as_bytes())?;
                if out.is_terminal() && !value.expose().ends_with('\n') {
                    writeln!(out)?;
                }
            }
        }
        SecretsCommand::List { place, json } => {
            let list: Answer<SecretList> =
                client.read(client.request(Method::GET, &place.path(None, "", false)))?;
            if json {
                output::json(&mut out, &list.json)?;
            } else {
                list_table(&mut out, &list.body)?;
            }
        }
        SecretsCommand::Rm { name, place } => {
            client.send(client.request(Method::DELETE, &place.path(Some(&name), "", false)))?;
            writeln!(out, "{}/{name} deleted", place.env)?;
        }
        SecretsCommand::History { name, place, json } => {
            let history: Answer<SecretHistory> = client
                .read(client.request(Method::GET, &place.path(Some(&name), "/versions", false)))?;
            if json {
                output::json(&mut out, &history.json)?;
            } else {
                let rows: Vec<Vec<String>> = history
                    .body
                    .versions
                    .iter()
                    .map(|v| {
                        vec![
                            v.version.to_string(),
                            v.created_at.clone(),
                            v.created_by.clone(),
                            if v.current { "current" } else { "" }.to_owned(),
                        ]
                    })
                    .collect();
                output::table(&mut out, &["VERSION", "WRITTEN", "BY", ""], &rows)?;
            }
        }
        SecretsCommand::Rollback { name, place, to } => {
            let written: Answer<SecretView> = client.read(
                client
                    .request(Method::POST, &place.path(Some(&name), "/rollback", false))
                    .json(&RollbackSecretRequest { to }),
            )?;
            writeln!(
                out,
                "{}/{} is at version {} (the value of version {to})",
                written.body.environment, written.body.name, written.body.version
            )?;
        }
        SecretsCommand::Import {
            file,
            place,
            dry_run,
        } => import(&client, &mut out, &file, &place, dry_run)?,
        SecretsCommand::Export { place, format } => {
            let entries = fetch_values(&client, &place)?;
            export(&mut out, &entries, format)?;
        }
    }
    Ok(Outcome::Success)
}

fn list_table(out: &mut impl Write, list: &SecretList) -> anyhow::Result<()> {
    let rows: Vec<Vec<String>> = list
        .secrets
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                s.version.to_string(),
                s.updated_at.clone(),
                s.last_read_at.clone().unwrap_or_else(|| "never".to_owned()),
                match (&s.rotation_due_at, s.rotation_due) {
                    (Some(at), true) => format!("DUE since {at}"),
                    (Some(at), false) => format!("due {at}"),
                    (None, _) => String::new(),
                },
            ]
        })
        .collect();
    output::table(
        out,
        &["NAME", "VERSION", "UPDATED", "LAST READ", "ROTATION"],
        &rows,
    )?;
    Ok(())
}

/// Every value of an environment, by name (one audited read).
pub(crate) fn fetch_values(
    client: &Client,
    place: &Place,
) -> anyhow::Result<Vec<(String, String)>> {
    let list: Answer<SecretList> =
        client.read(client.request(Method::GET, &place.path(None, "", true)))?;
    values_of(list.body)
}

/// The values of a list asked for with `values=true`, by name.
pub(crate) fn values_of(list: SecretList) -> anyhow::Result<Vec<(String, String)>> {
    list.secrets
        .into_iter()
        .map(|s| {
            let value = s
                .value
                .with_context(|| format!("the server answered no value for {}", s.name))?;
            Ok((s.name, value.expose().to_owned()))
        })
        .collect()
}

/// The value `set` writes: standard input, whole (a terminal asks for it
/// without echo).
fn read_value(keep_newline: bool) -> anyhow::Result<SecretString> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let value = rpassword::prompt_password("value (not shown): ")?;
        return Ok(SecretString::new(value));
    }
    let mut bytes = Vec::new();
    stdin.lock().read_to_end(&mut bytes)?;
    let mut text = String::from_utf8(bytes).context("the value must be UTF-8 text")?;
    if !keep_newline {
        if text.ends_with("\r\n") {
            text.truncate(text.len() - 2);
        } else if text.ends_with('\n') {
            text.truncate(text.len() - 1);
        }
    }
    Ok(SecretString::new(text))
}

fn import(
    client: &Client,
    out: &mut impl Write,
    file: &str,
    place: &Place,
    dry_run: bool,
) -> anyhow::Result<()> {
    let text = if file == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        text
    } else {
        std::fs::read_to_string(file).with_context(|| format!("reading {file}"))?
    };
    let parsed = dotenv::parse(&text);
    for skipped in &parsed.skipped {
        eprintln!("{file}:{}: skipped: {}", skipped.line, skipped.reason);
    }
    if dry_run {
        for (name, value) in &parsed.entries {
            writeln!(out, "would import {name} ({} bytes)", value.len())?;
        }
        return Ok(());
    }
    for (name, value) in &parsed.entries {
        let body = PutSecretRequest {
            value: SecretString::new(value.clone()),
            note: None,
            rotate_every: None,
        };
        let written: Answer<SecretView> = client
            .read(
                client
                    .request(Method::PUT, &place.path(Some(name), "", false))
                    .json(&body),
            )
            .with_context(|| format!("importing {name} (those before it are imported)"))?;
        writeln!(
            out,
            "imported {name} ({} bytes, version {})",
            value.len(),
            written.body.version
        )?;
    }
    writeln!(
        out,
        "{} imported into {}, {} line(s) skipped",
        parsed.entries.len(),
        place.env,
        parsed.skipped.len()
    )?;
    Ok(())
}

fn export(
    out: &mut impl Write,
    entries: &[(String, String)],
    format: Format,
) -> anyhow::Result<()> {
    match format {
        Format::Env => out.write_all(dotenv::to_env(entries).as_bytes())?,
        Format::Yaml => out.write_all(dotenv::to_yaml(entries).as_bytes())?,
        Format::Json => {
            let map: serde_json::Map<String, serde_json::Value> = entries
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str())))
                .collect();
            output::json(out, &serde_json::Value::Object(map))?;
        }
        Format::Docker => {
            let (text, left_out) = dotenv::to_docker(entries);
            out.write_all(text.as_bytes())?;
            if !left_out.is_empty() {
                eprintln!(
                    "left out (Docker's --env-file cannot carry a newline, a carriage return, \
                     a NUL or a line over 64 KiB in a value): {}",
                    left_out.join(", ")
                );
            }
        }
    }
    out.flush()?;
    Ok(())
}
