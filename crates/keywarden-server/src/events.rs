//! Notable events — leak reports and anomalies — stored for `GET /v1/events`
//! and delivered, signed, to a webhook.
//!
//! Delivery: `POST <webhook_url>` with the event as JSON and
//! `X-Keywarden-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`,
//! retried three times with backoff. A receiver recomputes the HMAC with
//! the shared secret (`KEYWARDEN_WEBHOOK_SECRET`), compares in constant time,
//! and rejects old timestamps.

use std::{sync::Arc, time::Duration};

use keywarden_core::{clock::UnixMillis, secret::SecretBytes};
use keywarden_store::Store;
use serde_json::{Value, json};

use crate::{metrics::Metrics, timefmt};

/// A webhook endpoint and its signing secret.
pub struct Webhook {
    url: String,
    secret: SecretBytes,
    http: reqwest::Client,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Webhook {
    /// A webhook at `url`, signing with `secret`.
    pub fn new(url: &str, secret: SecretBytes) -> Result<Self, String> {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err("webhook_url must start with http:// or https://".to_owned());
        }
        if secret.len() < 16 {
            return Err("KEYWARDEN_WEBHOOK_SECRET must be at least 16 bytes".to_owned());
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .user_agent(concat!("keywarden/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            url: url.to_owned(),
            secret,
            http,
        })
    }

    /// `t=<ts>,v1=<hex>` for a body sent at `timestamp` (seconds).
    pub fn signature(&self, timestamp: i64, body: &str) -> String {
        signature(self.secret.expose(), timestamp, body)
    }

    async fn deliver(&self, body: String, metrics: &Metrics) {
        for attempt in 0..3u32 {
            let ts = time::OffsetDateTime::now_utc().unix_timestamp();
            let sent = self
                .http
                .post(&self.url)
                .header("content-type", "application/json")
                .header("x-keywarden-signature", self.signature(ts, &body))
                .body(body.clone())
                .send()
                .await;
            match sent {
                Ok(r) if r.status().is_success() => {
                    metrics.webhooks_delivered.inc();
                    return;
                }
                Ok(r) => tracing::warn!(
                    status = r.status().as_u16(),
                    attempt,
                    "webhook refused the event"
                ),
                Err(e) => tracing::warn!(error = %e.without_url(), attempt, "webhook unreachable"),
            }
            tokio::time::sleep(Duration::from_secs(1 << attempt)).await;
        }
        metrics.webhooks_failed.inc();
    }
}

/// HMAC-SHA256(secret, "<timestamp>.<body>") as `t=<timestamp>,v1=<hex>`.
pub fn signature(secret: &[u8], timestamp: i64, body: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    let hex = hex::encode(mac.finalize().into_bytes());
    format!("t={timestamp},v1={hex}")
}

/// Where events go.
#[derive(Clone)]
pub struct EventSink {
    store: Store,
    webhook: Option<Arc<Webhook>>,
    metrics: Metrics,
}

impl EventSink {
    /// A sink writing to `store` and, if set, the webhook.
    pub fn new(store: Store, webhook: Option<Webhook>, metrics: Metrics) -> Self {
        Self {
            store,
            webhook: webhook.map(Arc::new),
            metrics,
        }
    }

    /// Records an event and delivers it, in the background: raising never
    /// waits on the store or the webhook.
    pub fn raise(
        &self,
        kind: keywarden_store::EventKind,
        key_id: Option<String>,
        details: Value,
        at: UnixMillis,
    ) {
        let sink = self.clone();
        tokio::spawn(async move { sink.record(kind, key_id, details, at).await });
    }

    /// Records an event and delivers it; waits for the store, not the webhook.
    pub async fn record(
        &self,
        kind: keywarden_store::EventKind,
        key_id: Option<String>,
        details: Value,
        at: UnixMillis,
    ) {
        self.metrics.events_raised.inc();
        if let Err(e) = self
            .store
            .insert_event(kind.as_str(), key_id.as_deref(), &details, at)
            .await
        {
            tracing::error!(error = %e, kind = kind.as_str(), "an event could not be stored");
        }
        if let Some(webhook) = &self.webhook {
            let body = json!({ "kind": kind.as_str(), "key_id": key_id, "at": timefmt::rfc3339(at), "details": details }).to_string();
            let webhook = webhook.clone();
            let metrics = self.metrics.clone();
            tokio::spawn(async move { webhook.deliver(body, &metrics).await });
        }
    }
}

#[cfg(test)]
mod tests {
    /// Known answers computed outside this code, with Python's standard
    /// library (run from the repository root):
    ///
    /// ```sh
    /// python3 -c 'import hmac, hashlib
    /// s = b"whsec-test-0123456789abcdef012345"
    /// for t, b in [(1800000000, "{\"kind\":\"key.leaked\",\"key_id\":\"key_AAAAAAAAAAAAAAAA\"}"), (0, ""), (1700000123, "ünïcode ✓")]:
    ///     print(t, hmac.new(s, (str(t) + "." + b).encode(), hashlib.sha256).hexdigest())'
    /// ```
    #[test]
    fn signatures_match_an_independent_implementation() {
        let secret = b"whsec-test-0123456789abcdef012345";
        let vectors = [
            (
                1_800_000_000,
                r#"{"kind":"key.leaked","key_id":"key_AAAAAAAAAAAAAAAA"}"#,
                "d06b0914f5951e0586f35d90644948c6f1262d25ae14723d30a48afc86a2fe6a",
            ),
            (
                0,
                "",
                "846926374a3d83a9f7d0d56d765ce446b47532b15ac1307a8f8f9132d1fddb3e",
            ),
            (
                1_700_000_123,
                "ünïcode ✓",
                "43c317f21fb18f17bdcce0762601a093121c267ab5ab30f3aad8b9aab40c3258",
            ),
        ];
        for (t, body, hex) in vectors {
            assert_eq!(super::signature(secret, t, body), format!("t={t},v1={hex}"));
        }
    }
}
