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
use keywarden_scan::{Finding, KeyStatus, rules};

/// The environment variable holding the root key (never a flag: arguments
/// end up in shell history and process lists).
const TOKEN_ENV: &str = "KEYWARDEN_TOKEN";

/// Whether a finding is a keywarden key the server can be asked about.
pub(crate) fn is_key(f: &Finding) -> bool {
    &*f.rule_id == rules::KEYWARDEN_KEY && f.verified_checksum
}

/// The status a check's `status` names. `None` for one this build does
/// not know (the server is newer).
pub(crate) fn status_of(status: &str) -> Option<KeyStatus> {
    Some(match status {
        "active" => KeyStatus::Active,
        "revoked" => KeyStatus::Revoked,
        "expired" => KeyStatus::Expired,
        "disabled" => KeyStatus::Disabled,
        "unknown" => KeyStatus::Unknown,
        _ => return None,
    })
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
        .json(&serde_json::json!({ "key": key }))
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
    let named = body["status"].as_str().unwrap_or_default();
    let status = status_of(named).ok_or_else(|| {
        anyhow!(
            "the keywarden server at {endpoint} answered the status {named:?}, which this \
             keywarden does not know: upgrade it"
        )
    })?;
    let root = (body["kind"] == "root_key").then(|| {
        (
            body["key_id"].as_str().unwrap_or_default().to_owned(),
            body["may"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|p| p.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
        )
    });
    Ok(Answer { status, root })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_read_by_name() {
        assert_eq!(status_of("active"), Some(KeyStatus::Active));
        assert_eq!(status_of("revoked"), Some(KeyStatus::Revoked));
        assert_eq!(status_of("expired"), Some(KeyStatus::Expired));
        assert_eq!(status_of("disabled"), Some(KeyStatus::Disabled));
        assert_eq!(status_of("unknown"), Some(KeyStatus::Unknown));
        assert_eq!(status_of("VALID"), None);
        assert_eq!(status_of("something_new"), None);
    }
}
