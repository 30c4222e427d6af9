//! Verification through a keywarden server's `POST /v1/verify`, with a small
//! cache of valid answers.

use std::{
    collections::HashMap,
    future::Future,
    pin::Pin,
    sync::Mutex,
    time::{Duration, Instant},
};

use keywarden_core::{names::Scope, outcome::Code};
use keywarden_proto::VerifyResponse;
use sha2::{Digest, Sha256};

use crate::{Identity, KeyVerifier, Outcome, Verification, VerifyRequest};

/// Why a [`RemoteVerifier`] could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RemoteError {
    /// The URL is not http(s).
    #[error("the keywarden URL must start with http:// or https://")]
    Url,
    /// The root key is not a keywarden root key.
    #[error("the token must be a keywarden root key (environment root)")]
    Token,
    /// The HTTP client could not be built.
    #[error("the HTTP client could not be built: {0}")]
    Client(String),
}

struct Cached {
    at: Instant,
    identity: Identity,
}

/// Verifies keys with a keywarden server, caching valid answers for at most
/// `max_staleness` (default 5 s): a key revoked on the server is refused by
/// this service within that time. Keys with a rate or usage limit are
/// checked on every request. Key material never leaves memory: the cache is
/// keyed by a SHA-256 of the request.
pub struct RemoteVerifier {
    http: reqwest::Client,
    endpoint: String,
    token: keywarden_core::secret::SecretString,
    max_staleness: Duration,
    capacity: usize,
    cache: Mutex<HashMap<[u8; 32], Cached>>,
}

impl std::fmt::Debug for RemoteVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteVerifier")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl RemoteVerifier {
    /// A verifier for the keywarden at `base_url`, authenticating with a root
    /// key that holds `keys:verify`.
    pub fn new(base_url: &str, root_key: &str) -> Result<Self, RemoteError> {
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(RemoteError::Url);
        }
        let root_key = root_key.trim();
        match keywarden_core::key::parse(root_key) {
            Ok(parts) if parts.environment() == keywarden_core::key::ROOT_ENVIRONMENT => {}
            _ => return Err(RemoteError::Token),
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .pool_max_idle_per_host(32)
            .build()
            .map_err(|e| RemoteError::Client(e.to_string()))?;
        Ok(Self {
            http,
            endpoint: format!("{}/v1/verify", base_url.trim_end_matches('/')),
            token: keywarden_core::secret::SecretString::new(root_key.to_owned()),
            max_staleness: Duration::from_secs(5),
            capacity: 10_000,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// How long a valid answer may be reused (zero: ask every time).
    pub fn max_staleness(mut self, staleness: Duration) -> Self {
        self.max_staleness = staleness;
        self
    }

    fn cache_key(request: &VerifyRequest<'_>, key: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(key.as_bytes());
        h.update([0]);
        h.update(request.environment.unwrap_or("").as_bytes());
        h.update([0]);
        for s in request.scopes {
            h.update(s.as_str().as_bytes());
            h.update([b',']);
        }
        h.update([0]);
        if let Some(q) = request.permissions {
            // The query's structure, without writing it out as text.
            use std::hash::{Hash, Hasher};
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            q.hash(&mut hasher);
            h.update(hasher.finish().to_le_bytes());
        }
        h.update([0]);
        h.update(request.space.map_or("", |s| s.as_str()).as_bytes());
        h.update([0]);
        h.update(
            request
                .client_ip
                .map(|ip| ip.to_string())
                .unwrap_or_default()
                .as_bytes(),
        );
        h.finalize().into()
    }

    async fn ask(
        &self,
        request: &VerifyRequest<'_>,
        key: &str,
    ) -> Result<VerifyResponse, reqwest::Error> {
        let mut req = self
            .http
            .post(&self.endpoint)
            .bearer_auth(self.token.expose())
            .json(&request.wire(key));
        if let Some(ua) = request.user_agent {
            req = req.header("user-agent", ua);
        }
        req.send()
            .await?
            .error_for_status()?
            .json::<VerifyResponse>()
            .await
    }

    async fn verify_inner(&self, request: VerifyRequest<'_>) -> Verification {
        let Some(key) = request.key.filter(|k| !k.is_empty()) else {
            return Verification::refused(Code::Missing);
        };
        // Look-alikes are refused here, without a round trip; a string of
        // another format may be an imported key, which only the server knows.
        if matches!(
            keywarden_core::key::Presented::read(key),
            keywarden_core::key::Presented::Malformed
        ) {
            return Verification::refused(Code::Malformed);
        }
        let cache_key = Self::cache_key(&request, key);
        if !self.max_staleness.is_zero()
            && let Ok(cache) = self.cache.lock()
            && let Some(hit) = cache.get(&cache_key)
            && hit.at.elapsed() < self.max_staleness
        {
            return Verification {
                code: Code::Valid.into(),
                identity: Some(hit.identity.clone()),
                retry_after: None,
                missing: Vec::new(),
            };
        }
        let answer = match self.ask(&request, key).await {
            Ok(a) => a,
            Err(err) => {
                tracing::warn!(error = %err.without_url(), "keywarden could not be asked");
                return Verification::refused(Outcome::Unavailable);
            }
        };
        let identity = (answer.code == Code::Valid).then(|| Identity {
            key_id: answer.key_id.clone().unwrap_or_default(),
            owner: answer.owner.clone(),
            scopes: answer
                .scopes
                .iter()
                .flatten()
                .filter_map(|s| s.parse::<Scope>().ok())
                .collect(),
            // A server from before roles sends no permissions: its scopes
            // are all the key may do.
            permissions: answer
                .permissions
                .as_ref()
                .or(answer.scopes.as_ref())
                .into_iter()
                .flatten()
                .filter_map(|s| s.parse::<Scope>().ok())
                .collect(),
            space: answer
                .space
                .clone()
                .unwrap_or_else(|| keywarden_core::spaces::DEFAULT_SPACE.to_owned()),
            environment: answer.environment.clone().unwrap_or_default(),
            metadata: answer.metadata.clone().unwrap_or(serde_json::Value::Null),
        });
        let countable = answer.remaining.is_none() && answer.rate_limit.is_none();
        if let Some(identity) = &identity
            && countable
            && !self.max_staleness.is_zero()
            && let Ok(mut cache) = self.cache.lock()
        {
            if cache.len() >= self.capacity {
                let staleness = self.max_staleness;
                cache.retain(|_, c| c.at.elapsed() < staleness);
                if cache.len() >= self.capacity {
                    cache.clear();
                }
            }
            cache.insert(
                cache_key,
                Cached {
                    at: Instant::now(),
                    identity: identity.clone(),
                },
            );
        }
        Verification {
            code: answer.code.into(),
            identity,
            retry_after: answer.retry_after,
            missing: answer.missing_permissions.unwrap_or_default(),
        }
    }
}

impl KeyVerifier for RemoteVerifier {
    fn verify<'a>(
        &'a self,
        request: VerifyRequest<'a>,
    ) -> Pin<Box<dyn Future<Output = Verification> + Send + 'a>> {
        Box::pin(self.verify_inner(request))
    }
}
