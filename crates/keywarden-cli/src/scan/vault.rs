//! `scan --vault`: the keyed digests of the vault's values for this scan
//! (`POST /v1/vault/scan-digests`), made into the scanner's vault index.
//! The server answers a fresh key and, per value, its HMAC-SHA256 under it,
//! its 16-bit tag and its length — never the value.

use std::time::Duration;

use anyhow::{Context, bail};
use keywarden_proto::secrets::{VaultScanDigests, VaultScanRequest};
use keywarden_scan::{VaultEntry, VaultIndex};

/// The vault index of this scan, from the server at `url`.
pub(super) fn index(
    url: &str,
    space: Option<String>,
    environments: &[String],
) -> anyhow::Result<VaultIndex> {
    let token = std::env::var("KEYWARDEN_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .context("--vault needs KEYWARDEN_TOKEN: a root key holding secrets:read")?;
    let endpoint = format!("{}/v1/vault/scan-digests", url.trim_end_matches('/'));
    let body = VaultScanRequest {
        space,
        environments: (!environments.is_empty()).then(|| environments.to_vec()),
    };
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .context("cannot build the HTTP client")?;
    let response = client
        .post(&endpoint)
        .bearer_auth(token.trim())
        .json(&body)
        .send()
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot reach the keywarden server for the vault's digests at {endpoint} ({}); \
                 is it running? Set KEYWARDEN_URL or --url",
                e.without_url()
            )
        })?;
    let status = response.status();
    if !status.is_success() {
        let answer: serde_json::Value = response.json().unwrap_or_default();
        let code = answer["error"]["code"].as_str().unwrap_or("ERROR");
        let message = answer["error"]["message"].as_str().unwrap_or("no details");
        bail!("the vault's digests from {endpoint}: {code} ({status}): {message}");
    }
    let answer: VaultScanDigests = response.json().context(
        "the server answered the vault's digests in a shape this keywarden does not read",
    )?;
    let key: [u8; 32] = hex::decode(&answer.key)
        .ok()
        .and_then(|k| k.try_into().ok())
        .context("the server answered a scan key that is not 32 bytes of hex")?;
    let mut entries = Vec::with_capacity(answer.secrets.len());
    for s in answer.secrets {
        let digest: [u8; 32] = hex::decode(&s.digest)
            .ok()
            .and_then(|d| d.try_into().ok())
            .with_context(|| format!("the digest of {} is not 32 bytes of hex", s.label))?;
        entries.push(VaultEntry {
            label: s.label,
            length: s.length,
            digest,
            tag: s.tag,
        });
    }
    let index = VaultIndex::new(key, entries);
    for label in index.skipped_short() {
        eprintln!(
            "note: vault:{label} is shorter than {} bytes: not searched",
            VaultIndex::MIN_LENGTH
        );
    }
    Ok(index)
}
