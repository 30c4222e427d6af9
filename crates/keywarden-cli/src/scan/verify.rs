//! `keywarden scan --verify`: asks the server (`POST /v1/leaks/check`, a
//! check that spends nothing: no rate limit, no credit, no usage row) what
//! each keywarden key found is — an API key or a root key — and marks its
//! findings `active`, `revoked`, `expired`, `disabled` or `unknown`.
//!
//! A server that cannot answer (unreachable, 503, a refused root key) is an
//! error that names the cause: keys are never silently marked `unknown`.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::{anyhow, bail};
use keywarden_core::secret::SecretString;
use keywarden_proto::leaks::{CheckRequest, CheckStatus, CheckedKey, KeyKind};
use keywarden_scan::{Finding, KeyStatus, rules};
use serde::Deserialize;

/// The environment variable holding the root key (never a flag: arguments
/// end up in shell history and process lists).
const TOKEN_ENV: &str = "KEYWARDEN_TOKEN";

/// Whether a finding is a keywarden key the server can be asked about.
pub(crate) fn is_key(f: &Finding) -> bool {
    &*f.rule_id == rules::KEYWARDEN_KEY && f.verified_checksum
}

/// The finding's status for a check's `status`.
pub(crate) fn status_of(status: CheckStatus) -> KeyStatus {
    match status {
        // A key waiting for approval works once approved: as dangerous.
        CheckStatus::Active | CheckStatus::Pending => KeyStatus::Active,
        CheckStatus::Revoked => KeyStatus::Revoked,
        CheckStatus::Expired => KeyStatus::Expired,
        CheckStatus::Disabled => KeyStatus::Disabled,
        CheckStatus::Unknown => KeyStatus::Unknown,
    }
}

/// What the server said of the keys found.
#[derive(Debug, Default)]
pub(crate) struct Verified {
    /// Distinct keys asked about.
    pub(crate) asked: usize,
    /// The live root keys among them: their ids and what they may do.
    pub(crate) live_root_keys: Vec<(String, Vec<String>)>,
}

/// What the server said of one key.
struct Answer {
    status: KeyStatus,
    root: Option<(String, Vec<String>)>,
}

/// Asks `POST {url}/v1/leaks/check` about every distinct keywarden key
/// among `findings` and sets each such finding's `status`.
pub(crate) fn verify(url: &str, findings: &mut [Finding]) -> anyhow::Result<Verified> {
    let keys: Vec<usize> = (0..findings.len())
        .filter(|&i| is_key(&findings[i]))
        .collect();
    if keys.is_empty() {
        return Ok(Verified::default());
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
    let endpoint = format!("{}/v1/leaks/check", url.trim_end_matches('/'));
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(15))
        .user_agent(concat!("keywarden-scan/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| anyhow!("cannot build the HTTP client: {e}"))?;
    let mut known: HashMap<String, KeyStatus> = HashMap::new();
    let mut verified = Verified::default();
    for i in keys {
        let secret = findings[i].secret.expose().to_owned();
        let status = match known.get(&secret) {
            Some(s) => *s,
            None => {
                let answer = ask(&client, &endpoint, &token, &secret)?;
                if answer.status == KeyStatus::Active
                    && let Some(root) = answer.root
                {
                    verified.live_root_keys.push(root);
                }
                known.insert(secret, answer.status);
                answer.status
            }
        };
        findings[i].status = Some(status);
    }
    verified.asked = known.len();
    Ok(verified)
}

/// One `POST /v1/leaks/check`. The errors name the endpoint, never the key.
fn ask(
    client: &reqwest::blocking::Client,
    endpoint: &str,
    token: &str,
    key: &str,
) -> anyhow::Result<Answer> {
    let response = client
        .post(endpoint)
        .bearer_auth(token)
        .json(&CheckRequest {
            key: SecretString::new(key.to_owned()),
        })
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
        404 => bail!(
            "the keywarden server at {endpoint} has no key check (404): it is older than this \
             keywarden; upgrade it"
        ),
        429 => bail!(
            "the keywarden server at {endpoint} throttles requests from this address \
             (RATE_LIMITED); no key was marked. Try again later"
        ),
        503 => bail!(
            "the keywarden server at {endpoint} is unavailable (503: its key store cannot be \
             asked); no key was marked. Try again shortly"
        ),
        _ => bail!("verifying keys at {endpoint}: expected 200, got {status}"),
    }
    let body: serde_json::Value = response
        .json()
        .map_err(|_| anyhow!("{endpoint} answered with a body that is not JSON"))?;
    let checked = CheckedKey::deserialize(&body).map_err(|e| {
        match CheckStatus::deserialize(&body["status"]) {
            Err(_) => anyhow!(
                "the keywarden server at {endpoint} answered the status {}, which this \
                 keywarden does not know: upgrade it",
                body["status"]
            ),
            Ok(_) => anyhow!("{endpoint} answered with a body this keywarden does not read: {e}"),
        }
    })?;
    let root = (checked.kind == Some(KeyKind::RootKey))
        .then(|| (checked.key_id.unwrap_or_default(), checked.may));
    Ok(Answer {
        status: status_of(checked.status),
        root,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_read_by_name() {
        let read = |name: &str| {
            serde_json::from_value::<CheckStatus>(name.into())
                .ok()
                .map(status_of)
        };
        assert_eq!(read("active"), Some(KeyStatus::Active));
        assert_eq!(read("revoked"), Some(KeyStatus::Revoked));
        assert_eq!(read("expired"), Some(KeyStatus::Expired));
        assert_eq!(read("disabled"), Some(KeyStatus::Disabled));
        assert_eq!(read("unknown"), Some(KeyStatus::Unknown));
        assert_eq!(read("VALID"), None);
        assert_eq!(read("something_new"), None);
    }
}
