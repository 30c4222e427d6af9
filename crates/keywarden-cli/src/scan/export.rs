//! `keywarden scan export-rules`: one deployment's keys as a rule for
//! another scanner (the text comes from `keywarden_scan::export`).

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use keywarden_core::key::Prefix;
use keywarden_scan::export::{self, ExportFormat};

use crate::Outcome;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// A gitleaks configuration (TOML) with one rule.
    Gitleaks,
    /// A Betterleaks 2 configuration (TOML) with one rule (`valueGroup` and
    /// a `filter` expression, which Betterleaks 2's strict reading asks for).
    Betterleaks,
    /// A TruffleHog configuration (YAML) with one custom detector whose
    /// verification webhook is this deployment.
    Trufflehog,
    /// The pattern and endpoint for GitHub's secret-scanning partner program.
    Github,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// Which scanner's format.
    #[arg(long, value_enum)]
    format: Format,
    /// The deployment's key prefix, as `gen key --prefix` takes it: a
    /// lowercase letter, then up to 15 lowercase letters or digits.
    #[arg(long, default_value = "kw")]
    prefix: String,
    /// The deployment's public URL, for the TruffleHog webhook and GitHub's
    /// endpoint (not needed for gitleaks and Betterleaks).
    #[arg(long, env = "KEYWARDEN_URL", hide_env_values = true)]
    url: Option<String>,
}

pub(crate) fn run(args: &ExportArgs) -> anyhow::Result<Outcome> {
    let prefix: Prefix = args.prefix.parse()?;
    let format = match args.format {
        Format::Gitleaks => ExportFormat::Gitleaks,
        Format::Betterleaks => ExportFormat::Betterleaks,
        Format::Trufflehog => ExportFormat::Trufflehog,
        Format::Github => ExportFormat::Github,
    };
    let url = match (&args.url, format) {
        (_, ExportFormat::Gitleaks | ExportFormat::Betterleaks) => String::new(),
        (Some(url), _) => {
            let parsed = reqwest::Url::parse(url.trim())
                .with_context(|| "--url / KEYWARDEN_URL is not a URL".to_owned())?;
            if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
                bail!("--url / KEYWARDEN_URL must be an http:// or https:// URL with a host");
            }
            // TruffleHog sends the root key with every match it posts: over
            // plain HTTP only to this machine.
            if format == ExportFormat::Trufflehog
                && parsed.scheme() == "http"
                && !is_loopback(&parsed)
            {
                bail!(
                    "TruffleHog would send the root key in the clear to {}: give the deployment's \
                     https:// URL (http:// is accepted only for localhost, 127.0.0.1 and [::1])",
                    parsed.host_str().unwrap_or_default()
                );
            }
            if format == ExportFormat::Github && parsed.scheme() != "https" {
                bail!(
                    "GitHub posts leaked keys only to an https:// endpoint: give the deployment's public https URL"
                );
            }
            if parsed.query().is_some() || parsed.fragment().is_some() {
                bail!(
                    "--url / KEYWARDEN_URL must be the deployment's base URL, without a query or fragment"
                );
            }
            parsed.as_str().trim_end_matches('/').to_owned()
        }
        (None, _) => bail!(
            "set KEYWARDEN_URL or --url to the deployment's public URL: the rule points other scanners at it"
        ),
    };
    crate::write_stdout(export::export(format, &prefix, &url).as_bytes())
}

/// Whether the URL's host is this machine: `localhost` or a loopback
/// address (`127.0.0.0/8`, `::1`).
fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    // An IPv6 host is written in brackets (`[::1]`).
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']'));
    host.eq_ignore_ascii_case("localhost")
        || bare
            .unwrap_or(host)
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}
