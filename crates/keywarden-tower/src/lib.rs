//! keywarden-tower: protect a Rust service with keywarden API keys.
//!
//! A [`KeywardenLayer`] reads the key from `Authorization: Bearer` or
//! `X-API-Key`, verifies it, and either passes the request on with an
//! [`Identity`] in its extensions, or answers like keywarden's forward-auth:
//! 401 when the key is missing or malformed, 429 with `Retry-After` when
//! rate-limited, 403 for every other refusal — always with a JSON body
//! `{"error": {"code", "message"}}`. [`RequireScopes`] adds per-route scope
//! checks, and [`Identity`] is an axum extractor. A request spends 1 credit
//! from a key with credits; [`KeywardenLayer::cost`] sets another cost (per
//! route with `route_layer`), [`KeywardenLayer::cost_by`] computes it from
//! the request.
//!
//! Two verifiers:
//! - [`RemoteVerifier`]: calls a keywarden server's `POST /v1/verify` with a
//!   root key holding `keys:verify`, and keeps valid answers for a short,
//!   bounded time (`max_staleness`, default 5 s) so a hot key costs no round
//!   trip. Answers for keys with a rate or usage limit are never cached: the
//!   server must count every use.
//! - `LocalVerifier` (feature `local`): verifies in-process with a keywarden
//!   node's engine (`keywarden_engine::Node`) on the same store.
//!
//! # Layout
//!
//! - `lib.rs`: the layer, the service, the refusal responses; [`Verification`]
//!   and its [`Outcome`] (keywarden's `Code`, or the verifier unavailable).
//! - [`Identity`], [`RequireScopes`]: what handlers see and per-route scopes.
//! - `remote.rs`: [`RemoteVerifier`] and its cache; `local.rs`: `LocalVerifier`.
//!
//! # Example
//!
//! ```no_run
//! use axum::{Router, routing::get};
//! use keywarden_tower::{Identity, KeywardenLayer, RemoteVerifier, RequireScopes};
//!
//! # fn build() -> Result<Router, Box<dyn std::error::Error>> {
//! let verifier = RemoteVerifier::new("http://127.0.0.1:8080", "kw_root_…")?;
//! let app: Router = Router::new()
//!     .route("/orders", get(|id: Identity| async move { format!("hello {}", id.key_id) }))
//!     .route_layer(RequireScopes::new(["orders:read"])?)
//!     .layer(KeywardenLayer::new(verifier).environment("live"));
//! # Ok(app) }
//! ```
#![warn(missing_docs)]

use std::{
    future::Future,
    net::{IpAddr, SocketAddr},
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use axum::{
    body::Body,
    extract::{ConnectInfo, FromRequestParts},
    http::{Request, Response, StatusCode, request::Parts},
    response::IntoResponse,
};
use keywarden_core::{
    names::{Scope, covers_all},
    outcome::Code,
    query::PermissionQuery,
    spaces::SpaceId,
};
use tower::{Layer, Service};

#[cfg(feature = "local")]
mod local;
mod remote;

#[cfg(feature = "local")]
pub use local::LocalVerifier;
pub use remote::{RemoteError, RemoteVerifier};

/// Who called: put into request extensions by [`KeywardenLayer`], and an
/// axum extractor (401 when the layer did not run or refused).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The key's id (`key_…`).
    pub key_id: String,
    /// Its owner.
    pub owner: Option<String>,
    /// Its scopes (its direct permissions).
    pub scopes: Vec<Scope>,
    /// Its effective permissions: its own and its roles'.
    pub permissions: Vec<Scope>,
    /// Its key space.
    pub space: String,
    /// Its environment.
    pub environment: String,
    /// Its metadata.
    pub metadata: serde_json::Value,
}

/// One verification request, as the layer asks it of a [`KeyVerifier`]:
/// borrowed from the request, with what the wire's
/// [`keywarden_proto::VerifyRequest`] does not carry (whether a key was
/// presented at all, the user agent). [`RemoteVerifier`] sends it as that
/// body. Its `Debug` never shows the key.
#[derive(Clone, Copy)]
pub struct VerifyRequest<'a> {
    /// The presented key.
    pub key: Option<&'a str>,
    /// Required environment.
    pub environment: Option<&'a str>,
    /// Required scopes.
    pub scopes: &'a [Scope],
    /// A permission query the key must satisfy.
    pub permissions: Option<&'a PermissionQuery>,
    /// The space the API serves (a key of another is `NOT_FOUND`).
    pub space: Option<&'a SpaceId>,
    /// The client's address.
    pub client_ip: Option<IpAddr>,
    /// The client's user agent.
    pub user_agent: Option<&'a str>,
    /// Credits this request spends from a key that has credits (1 by
    /// default; 0 checks without spending).
    pub cost: u32,
}

impl VerifyRequest<'_> {
    /// The body of `POST /v1/verify` that asks this about `key` (the
    /// presented key, checked to be there).
    pub fn wire(&self, key: &str) -> keywarden_proto::VerifyRequest {
        keywarden_proto::VerifyRequest {
            key: keywarden_core::secret::SecretString::new(key.to_owned()),
            environment: self.environment.map(str::to_owned),
            scopes: self.scopes.iter().map(|s| s.as_str().to_owned()).collect(),
            permissions: self.permissions.map(ToString::to_string),
            space: self.space.map(ToString::to_string),
            client_ip: self.client_ip.map(|ip| ip.to_string()),
            cost: Some(self.cost),
        }
    }
}

impl std::fmt::Debug for VerifyRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyRequest")
            .field("key", &self.key.map(|_| "[REDACTED]"))
            .field("environment", &self.environment)
            .field("scopes", &self.scopes)
            .field("permissions", &self.permissions.map(ToString::to_string))
            .field("space", &self.space)
            .field("client_ip", &self.client_ip)
            .field("user_agent", &self.user_agent)
            .field("cost", &self.cost)
            .finish()
    }
}

/// What a verifier answered: keywarden's outcome code, or that it could
/// not answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// keywarden's verdict (`VALID`, `REVOKED`, ...).
    Code(Code),
    /// The verifier could not answer (`VERIFIER_UNAVAILABLE`): the layer
    /// fails closed, 503.
    Unavailable,
}

impl Outcome {
    /// Its name on the wire: the code's, or [`UNAVAILABLE`].
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Code(code) => code.as_str(),
            Self::Unavailable => UNAVAILABLE,
        }
    }

    /// Whether the key is good for the request.
    pub fn is_valid(self) -> bool {
        self == Self::Code(Code::Valid)
    }

    /// The answer to a request refused with this outcome.
    pub fn refusal(self, retry_after: Option<u64>) -> keywarden_proto::Refusal {
        match self {
            Self::Code(code) => keywarden_proto::Refusal::for_code(code, retry_after),
            Self::Unavailable => keywarden_proto::Refusal::new(UNAVAILABLE, retry_after),
        }
    }
}

impl From<Code> for Outcome {
    fn from(code: Code) -> Self {
        Self::Code(code)
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A verifier's answer.
#[derive(Debug, Clone)]
pub struct Verification {
    /// keywarden's outcome code, or [`Outcome::Unavailable`] when the
    /// verifier could not answer.
    pub code: Outcome,
    /// The caller, when valid.
    pub identity: Option<Identity>,
    /// Seconds to wait, when rate-limited.
    pub retry_after: Option<u64>,
    /// With `INSUFFICIENT_PERMISSIONS`: the query's terms the key lacks.
    pub missing: Vec<String>,
}

impl Verification {
    /// A refusal with `code` (no identity, no wait).
    pub fn refused(code: impl Into<Outcome>) -> Self {
        Self {
            code: code.into(),
            identity: None,
            retry_after: None,
            missing: Vec::new(),
        }
    }

    /// The HTTP status for this outcome.
    pub fn status(&self) -> StatusCode {
        self.code.refusal(self.retry_after).status
    }
}

/// Something that verifies keys: [`RemoteVerifier`], `LocalVerifier`, or
/// your own.
pub trait KeyVerifier: Send + Sync + 'static {
    /// Verifies one request. Never fails: an unreachable verifier answers
    /// `VERIFIER_UNAVAILABLE`, and the layer fails closed (503).
    fn verify<'a>(
        &'a self,
        request: VerifyRequest<'a>,
    ) -> Pin<Box<dyn Future<Output = Verification> + Send + 'a>>;
}

impl<V: KeyVerifier> KeyVerifier for Arc<V> {
    fn verify<'a>(
        &'a self,
        request: VerifyRequest<'a>,
    ) -> Pin<Box<dyn Future<Output = Verification> + Send + 'a>> {
        (**self).verify(request)
    }
}

pub use keywarden_proto::presented_key;

/// The code a verifier answers when it cannot reach keywarden.
pub const UNAVAILABLE: &str = keywarden_proto::VERIFIER_UNAVAILABLE;

/// The refusal response for a verification: status, JSON body, and
/// `Retry-After` / `WWW-Authenticate` where they apply — the same answer as
/// the server's forward-auth (`keywarden_proto::Refusal`).
pub fn refusal(v: &Verification) -> Response<Body> {
    let r = v.code.refusal(v.retry_after).with_missing(&v.missing);
    (r.status, r.headers, axum::Json(r.body)).into_response()
}

/// What a request costs: the same for all, or computed from the request.
#[derive(Clone)]
enum Cost {
    Fixed(u32),
    By(Arc<dyn Fn(&Parts) -> u32 + Send + Sync>),
}

impl Cost {
    fn of(&self, parts: &Parts) -> u32 {
        match self {
            Cost::Fixed(n) => *n,
            Cost::By(f) => f(parts).min(keywarden_proto::MAX_COST),
        }
    }
}

#[derive(Clone)]
struct Options {
    environment: Option<String>,
    scopes: Vec<Scope>,
    permissions: Option<PermissionQuery>,
    space: Option<SpaceId>,
    cost: Cost,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            environment: None,
            scopes: Vec::new(),
            permissions: None,
            space: None,
            cost: Cost::Fixed(1),
        }
    }
}

/// A cost above [`keywarden_proto::MAX_COST`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a request costs at most {max} credits, not {0}", max = keywarden_proto::MAX_COST)]
pub struct CostTooHigh(pub u32);

/// Verifies the key of every request before it reaches the service.
pub struct KeywardenLayer<V> {
    verifier: Arc<V>,
    options: Arc<Options>,
}

impl<V> Clone for KeywardenLayer<V> {
    fn clone(&self) -> Self {
        Self {
            verifier: self.verifier.clone(),
            options: self.options.clone(),
        }
    }
}

impl<V: KeyVerifier> KeywardenLayer<V> {
    /// A layer verifying with `verifier`.
    pub fn new(verifier: V) -> Self {
        Self {
            verifier: Arc::new(verifier),
            options: Arc::default(),
        }
    }

    /// Refuses keys of any other environment (`ENV_MISMATCH`).
    pub fn environment(mut self, environment: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.options).environment = Some(environment.into());
        self
    }

    /// Requires these scopes on every request (checked by the verifier).
    pub fn require_scopes<I, S>(
        mut self,
        scopes: I,
    ) -> Result<Self, keywarden_core::names::NameError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let scopes = scopes
            .into_iter()
            .map(|s| s.as_ref().parse())
            .collect::<Result<Vec<Scope>, _>>()?;
        Arc::make_mut(&mut self.options).scopes = scopes;
        Ok(self)
    }

    /// Requires every request's key to satisfy a permission query (its own
    /// permissions and its roles'): `docs.read AND (billing.read OR admin)`
    /// — `AND` binds tighter than `OR`. A refused request gets 403
    /// `INSUFFICIENT_PERMISSIONS` naming the terms it lacks. The query is
    /// parsed here, once.
    pub fn permissions(mut self, query: &str) -> Result<Self, keywarden_core::query::QueryError> {
        Arc::make_mut(&mut self.options).permissions = Some(query.parse()?);
        Ok(self)
    }

    /// Serves one key space: a key of another space is refused as unknown
    /// (`NOT_FOUND`).
    pub fn space(mut self, space: &str) -> Result<Self, keywarden_core::names::NameError> {
        Arc::make_mut(&mut self.options).space = Some(space.parse()?);
        Ok(self)
    }

    /// Every request spends `cost` credits from a key that has credits
    /// (default 1; 0 checks without spending). Give routes different costs
    /// with one layer per route (`route_layer`), or use [`Self::cost_by`].
    pub fn cost(mut self, cost: u32) -> Result<Self, CostTooHigh> {
        if cost > keywarden_proto::MAX_COST {
            return Err(CostTooHigh(cost));
        }
        Arc::make_mut(&mut self.options).cost = Cost::Fixed(cost);
        Ok(self)
    }

    /// A request spends what `cost` says for it (method, path, headers;
    /// capped at [`keywarden_proto::MAX_COST`]), e.g. by a batch size.
    pub fn cost_by(mut self, cost: impl Fn(&Parts) -> u32 + Send + Sync + 'static) -> Self {
        Arc::make_mut(&mut self.options).cost = Cost::By(Arc::new(cost));
        self
    }
}

impl<S, V> Layer<S> for KeywardenLayer<V> {
    type Service = Keywarden<S, V>;

    fn layer(&self, inner: S) -> Self::Service {
        Keywarden {
            inner,
            verifier: self.verifier.clone(),
            options: self.options.clone(),
        }
    }
}

/// The service made by [`KeywardenLayer`].
pub struct Keywarden<S, V> {
    inner: S,
    verifier: Arc<V>,
    options: Arc<Options>,
}

impl<S: Clone, V> Clone for Keywarden<S, V> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            verifier: self.verifier.clone(),
            options: self.options.clone(),
        }
    }
}

impl<S, V, B> Service<Request<B>> for Keywarden<S, V>
where
    S: Service<Request<B>, Response = Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    V: KeyVerifier,
    B: Send + 'static,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        // The clone that was polled ready handles this request.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let verifier = self.verifier.clone();
        let options = self.options.clone();
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            let headers = &parts.headers;
            let client_ip = parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip());
            let verification = verifier
                .verify(VerifyRequest {
                    key: presented_key(headers),
                    environment: options.environment.as_deref(),
                    scopes: &options.scopes,
                    permissions: options.permissions.as_ref(),
                    space: options.space.as_ref(),
                    client_ip,
                    user_agent: keywarden_proto::user_agent(headers),
                    cost: options.cost.of(&parts),
                })
                .await;
            match verification.identity {
                Some(identity) if verification.code.is_valid() => {
                    parts.extensions.insert(identity);
                    inner.call(Request::from_parts(parts, body)).await
                }
                _ => Ok(refusal(&verification)),
            }
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Identity {
    type Rejection = Response<Body>;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Identity>()
            .cloned()
            .ok_or_else(|| refusal(&Verification::refused(Code::Missing)))
    }
}

/// Requires scopes of the [`Identity`] a [`KeywardenLayer`] put on the
/// request (403 `INSUFFICIENT_SCOPE` otherwise). Use it per route, inside
/// the layer.
#[derive(Clone)]
pub struct RequireScopes {
    scopes: Arc<Vec<Scope>>,
}

impl RequireScopes {
    /// Requires every scope in `scopes` (`orders:*` held covers `orders:read`).
    pub fn new<I, S>(scopes: I) -> Result<Self, keywarden_core::names::NameError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let scopes = scopes
            .into_iter()
            .map(|s| s.as_ref().parse())
            .collect::<Result<Vec<Scope>, _>>()?;
        Ok(Self {
            scopes: Arc::new(scopes),
        })
    }
}

impl<S> Layer<S> for RequireScopes {
    type Service = RequireScopesService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequireScopesService {
            inner,
            scopes: self.scopes.clone(),
        }
    }
}

/// The service made by [`RequireScopes`].
#[derive(Clone)]
pub struct RequireScopesService<S> {
    inner: S,
    scopes: Arc<Vec<Scope>>,
}

impl<S, B> Service<Request<B>> for RequireScopesService<S>
where
    S: Service<Request<B>, Response = Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let code = match request.extensions().get::<Identity>() {
            None => Some(Code::Missing),
            // The key's effective permissions: its own and its roles'.
            Some(id) if !covers_all(&id.permissions, &self.scopes) => Some(Code::InsufficientScope),
            Some(_) => None,
        };
        if let Some(code) = code {
            let response = refusal(&Verification::refused(code));
            return Box::pin(async move { Ok(response) });
        }
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move { inner.call(request).await })
    }
}
