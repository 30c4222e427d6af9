//! `keywarden scan --verify`: asks the server (`POST /v1/verify`, with the
//! wire types of `keywarden-proto`) what each keywarden key found is, and
//! marks its findings `active`, `revoked`, `expired`, `disabled` or
//! `unknown`.
//!
//! A server that cannot answer (unreachable, 503, a refused root key) is an
//! error that names the cause: keys are never silently marked `unknown`.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::{anyhow, bail};
use keywarden_core::{outcome::Code, secret::SecretString};
use keywarden_proto::{VerifyRequest, VerifyResponse};
use keywarden_scan::{Finding, KeyStatus, rules};

/// The environment variable holding the root key (never a flag: arguments
/// end up in shell history and process lists).
const TOKEN_ENV: &str = "KEYWARDEN_TOKEN";

/// Whether a finding is a keywarden key the server can be asked about.
pub(crate) fn is_key(f: &Finding) -> bool {
    &*f.rule_id == rules::KEYWARDEN_KEY && f.verified_checksum
}

/// The status an outcome code means for a key found in a scan. Every code
/// past "the key exists, is not revoked and not expired" in the verifier's
/// order (environment, address allowlist, scopes, rate and usage limits)
/// means a working key: the check's context, not the key, stopped it.
/// `None` for a code that says nothing about the key.
pub(crate) fn status_of(code: &str, found: bool) -> Option<KeyStatus> {
    // A code this build does not know yet (the server is newer): only
    // DISABLED is expected; anything else is reported as an error.
    if code == "DISABLED" {
        return Some(KeyStatus::Disabled);
    }
    let code: Code = code.parse().ok()?;
    Some(match code {
        Code::Valid
        | Code::EnvMismatch
        | Code::InsufficientScope
        | Code::IpDenied
        | Code::UsageExceeded => KeyStatus::Active,
        // The key's own rate limit (the key was found); a throttle of this
        // address answers without a key id and is no verdict.
        Code::RateLimited if found => KeyStatus::Active,
        Code::Revoked => KeyStatus::Revoked,
        Code::Expired => KeyStatus::Expired,
        Code::NotFound | Code::Malformed => KeyStatus::Unknown,
        _ => return None,
    })
}

/// Asks `POST {url}/v1/verify` about every distinct keywarden key among
/// `findings` and sets each such finding's `status`. Returns how many
/// distinct keys were asked about.
pub(crate) fn verify(url: &str, findings: &mut [Finding]) -> anyhow::Result<usize> {
    let keys: Vec<usize> = (0..findings.len())
        .filter(|&i| is_key(&findings[i]))
        .collect();
    if keys.is_empty() {
        return Ok(0);
    }
    let token = std::env::var(TOKEN_ENV)
        .ok()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            anyhow!(
                "--verify needs a root key holding keys:verify in {TOKEN_ENV} \
                 (`keywarden admin root-key create --permission keys:verify`)"
            )
        })?;
    let endpoint = format!("{}/v1/verify", url.trim_end_matches('/'));
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(15))
        .user_agent(concat!("keywarden-scan/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| anyhow!("cannot build the HTTP client: {e}"))?;
    let mut known: HashMap<String, KeyStatus> = HashMap::new();
    for i in keys {
        let secret = findings[i].secret.expose().to_owned();
        let status = match known.get(&secret) {
            Some(s) => *s,
            None => {
                let s = ask(&client, &endpoint, &token, &secret)?;
                known.insert(secret, s);
                s
            }
        };
        findings[i].status = Some(status);
    }
    Ok(known.len())
}

/// One `POST /v1/verify`. The errors name the endpoint, never the key.
fn ask(
    client: &reqwest::blocking::Client,
    endpoint: &str,
    token: &str,
    key: &str,
) -> anyhow::Result<KeyStatus> {
    let request = VerifyRequest {
        key: SecretString::new(key.to_owned()),
        environment: None,
        scopes: Vec::new(),
        client_ip: None,
        // A check, not a use: spends no credits of a key that has them.
        cost: Some(0),
    };
    let response = client
        .post(endpoint)
        .bearer_auth(token)
        .json(&request)
        .send()
        .map_err(|e| {
            anyhow!(
                "cannot reach the keywarden server at {endpoint} to verify the keys found ({}); \
                 no key was marked. Is it running? Set KEYWARDEN_URL or --url",
                e.without_url()
            )
        })?;
    let status = response.status();
    match status.as_u16() {
        200 => {}
        401 => bail!(
            "the keywarden server at {endpoint} refused the root key in {TOKEN_ENV}: \
             set it to a valid root key holding keys:verify"
        ),
        403 => {
            bail!("the root key in {TOKEN_ENV} lacks the keys:verify permission needed by --verify")
        }
        503 => bail!(
            "the keywarden server at {endpoint} is unavailable (503: its key store cannot be \
             asked); no key was marked. Try again shortly"
        ),
        _ => bail!("verifying keys at {endpoint}: expected 200, got {status}"),
    }
    let body: serde_json::Value = response
        .json()
        .map_err(|_| anyhow!("{endpoint} answered with a body that is not JSON"))?;
    let code = body["code"].as_str().unwrap_or_default().to_owned();
    // The wire type when the code is one this build knows; its key id says
    // whether the key was found.
    let found = serde_json::from_value::<VerifyResponse>(body)
        .map(|r| r.key_id.is_some())
        .unwrap_or(false);
    status_of(&code, found).ok_or_else(|| {
        if code == Code::RateLimited.as_str() {
            anyhow!(
                "the keywarden server at {endpoint} throttles verification from this address \
                 (RATE_LIMITED); no key was marked. Try again later"
            )
        } else {
            anyhow!(
                "the keywarden server at {endpoint} answered {code:?}, which this keywarden does \
                 not know: upgrade it"
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_codes_map_to_statuses() {
        assert_eq!(status_of("VALID", true), Some(KeyStatus::Active));
        assert_eq!(status_of("USAGE_EXCEEDED", true), Some(KeyStatus::Active));
        assert_eq!(status_of("RATE_LIMITED", true), Some(KeyStatus::Active));
        assert_eq!(status_of("RATE_LIMITED", false), None);
        assert_eq!(status_of("IP_DENIED", true), Some(KeyStatus::Active));
        assert_eq!(status_of("REVOKED", true), Some(KeyStatus::Revoked));
        assert_eq!(status_of("EXPIRED", true), Some(KeyStatus::Expired));
        assert_eq!(status_of("DISABLED", true), Some(KeyStatus::Disabled));
        assert_eq!(status_of("NOT_FOUND", false), Some(KeyStatus::Unknown));
        assert_eq!(status_of("MALFORMED", false), Some(KeyStatus::Unknown));
        assert_eq!(status_of("STORE_UNAVAILABLE", false), None);
        assert_eq!(status_of("SOMETHING_NEW", true), None);
    }
}
