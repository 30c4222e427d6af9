//! `keywarden gen`: keys, secrets, JWT secrets and the strength checker.

use std::io::{IsTerminal, Read, Write};

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use keywarden_core::{
    generate::{self, JwtAlgorithm, SecretFormat},
    key::{self, Environment, Prefix},
    secret::SecretString,
    strength,
};
use serde_json::json;

use crate::Outcome;

/// Most keys `gen key --count` makes at once.
const MAX_COUNT: u32 = 10_000;
/// Most bytes `gen check` reads from stdin.
const MAX_CHECK_INPUT: u64 = 64 * 1024;

#[derive(Debug, Subcommand)]
pub(crate) enum GenCommand {
    /// Generate API keys in the keywarden v1 format (256 random bits, checksummed).
    Key(KeyArgs),
    /// Generate a raw random secret.
    Secret(SecretArgs),
    /// Generate an HMAC secret for signing JWTs, sized for its algorithm (RFC 7518 §3.2).
    JwtSecret(JwtArgs),
    /// Read one secret from standard input and report its strength. Exits 1 when weak.
    ///
    /// The secret is read from stdin, never from the command line, where it
    /// would land in shell history. On a terminal the input is hidden.
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub(crate) struct KeyArgs {
    /// Key prefix: a lowercase letter, then up to 15 lowercase letters or digits.
    #[arg(long, default_value = "kw")]
    prefix: String,
    /// Environment: a lowercase letter, then up to 11 lowercase letters or digits.
    #[arg(long, default_value = "live")]
    env: String,
    /// How many keys (1 to 10000).
    #[arg(long, default_value_t = 1)]
    count: u32,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct SecretArgs {
    /// Random bytes (16 to 1024).
    #[arg(long, default_value_t = 32)]
    bytes: usize,
    /// hex, base64, base64url or base62.
    #[arg(long, default_value = "hex")]
    format: SecretFormat,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct JwtArgs {
    /// HS256 (32 bytes), HS384 (48 bytes) or HS512 (64 bytes).
    #[arg(long, default_value = "HS256")]
    alg: JwtAlgorithm,
    /// base64url, hex, base64 or base62.
    #[arg(long, default_value = "base64url")]
    format: SecretFormat,
    /// Print a `.env` line, `NAME=<secret>`.
    #[arg(long, value_name = "NAME")]
    env_var: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(cmd: GenCommand) -> anyhow::Result<Outcome> {
    let mut out = std::io::stdout().lock();
    match cmd {
        GenCommand::Key(args) => gen_key(&args, &mut out),
        GenCommand::Secret(args) => gen_secret(&args, &mut out),
        GenCommand::JwtSecret(args) => gen_jwt(&args, &mut out),
        GenCommand::Check(args) => check(&args, &mut out),
    }
}

fn gen_key(args: &KeyArgs, out: &mut impl Write) -> anyhow::Result<Outcome> {
    let prefix: Prefix = args.prefix.parse()?;
    let env: Environment = args.env.parse()?;
    if !(1..=MAX_COUNT).contains(&args.count) {
        bail!("--count must be 1 to {MAX_COUNT}, got {}", args.count);
    }
    let keys: Vec<_> = (0..args.count).map(|_| key::mint(&prefix, &env)).collect();
    if args.json {
        let list: Vec<_> = keys
            .iter()
            .map(|k| {
                json!({
                    "key": k.expose(),
                    "prefix": k.prefix(),
                    "environment": k.environment(),
                    "hint": k.hint(),
                })
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
    } else {
        for k in &keys {
            writeln!(out, "{}", k.expose())?;
        }
    }
    Ok(Outcome::Success)
}

fn gen_secret(args: &SecretArgs, out: &mut impl Write) -> anyhow::Result<Outcome> {
    let bytes = generate::secret(args.bytes)?;
    let text = args.format.encode(&bytes);
    if args.json {
        let doc = json!({
            "secret": text.expose(),
            "format": args.format.name(),
            "bytes": bytes.len(),
            "bits": bytes.len() * 8,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
    } else {
        writeln!(out, "{}", text.expose())?;
    }
    Ok(Outcome::Success)
}

fn valid_env_var(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && (b[0].is_ascii_alphabetic() || b[0] == b'_')
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

fn gen_jwt(args: &JwtArgs, out: &mut impl Write) -> anyhow::Result<Outcome> {
    if let Some(name) = &args.env_var
        && !valid_env_var(name)
    {
        bail!(
            "--env-var must be a variable name like JWT_SECRET (letters, digits, _), got {name:?}"
        );
    }
    let bytes = generate::jwt_secret(args.alg);
    let text = args.format.encode(&bytes);
    if args.json {
        let mut doc = json!({
            "alg": args.alg.name(),
            "secret": text.expose(),
            "format": args.format.name(),
            "bytes": bytes.len(),
            "bits": bytes.len() * 8,
        });
        if let Some(name) = &args.env_var {
            doc["env_line"] = json!(format!("{name}={}", text.expose()));
        }
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
    } else if let Some(name) = &args.env_var {
        writeln!(out, "{name}={}", text.expose())?;
    } else {
        writeln!(out, "{}", text.expose())?;
    }
    Ok(Outcome::Success)
}

/// Reads exactly one secret: one line, with its line ending removed.
fn read_one_secret() -> anyhow::Result<SecretString> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let typed = rpassword::prompt_password("Secret to check (input hidden): ")
            .context("could not read the secret from the terminal")?;
        return Ok(SecretString::new(typed));
    }
    let mut raw = Vec::new();
    stdin
        .lock()
        .take(MAX_CHECK_INPUT + 1)
        .read_to_end(&mut raw)
        .context("could not read standard input")?;
    let raw = SecretString::new(
        String::from_utf8(raw).map_err(|_| anyhow::anyhow!("the input is not UTF-8 text"))?,
    );
    if raw.expose().len() as u64 > MAX_CHECK_INPUT {
        bail!("the input is over {MAX_CHECK_INPUT} bytes: give one secret");
    }
    let text = raw.expose();
    let text = text.strip_suffix('\n').unwrap_or(text);
    let text = text.strip_suffix('\r').unwrap_or(text);
    if text.contains('\n') {
        bail!("give one secret on one line: the input has several lines");
    }
    Ok(SecretString::new(text.to_owned()))
}

fn check(args: &CheckArgs, out: &mut impl Write) -> anyhow::Result<Outcome> {
    let secret = read_one_secret()?;
    let report = strength::check(secret.expose());
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        let verdict = if report.strong { "strong" } else { "WEAK" };
        writeln!(
            out,
            "{verdict}: about {} bits of entropy in {} characters (strong needs {} bits and no disqualifying pattern)",
            report.entropy_bits,
            report.length,
            strength::STRONG_BITS
        )?;
        if let Some(k) = &report.keywarden_key {
            let checksum = if k.checksum_valid {
                "checksum valid"
            } else {
                "checksum WRONG"
            };
            writeln!(
                out,
                "keywarden key: prefix {}, environment {}, {checksum}",
                k.prefix, k.environment
            )?;
        }
        for w in &report.weaknesses {
            let mark = if w.disqualifying {
                "disqualifying"
            } else {
                "note"
            };
            let code = serde_json::to_value(w.kind)?;
            writeln!(
                out,
                "  - {} ({mark}): {}",
                code.as_str().unwrap_or_default(),
                w.message
            )?;
        }
    }
    Ok(if report.strong {
        Outcome::Success
    } else {
        Outcome::Negative
    })
}
