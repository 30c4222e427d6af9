//! Who is calling: the client's address, and for management calls the root
//! key that authenticates them. Every refusal is audited.

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{HeaderMap, Method, request::Parts},
};
use ipnet::IpNet;
use keywarden_core::key;
use keywarden_store::{AuditDraft, Permission, RootKeyRecord};
use subtle::ConstantTimeEq;

use crate::{error::ApiError, state::AppState};

/// The client's address: the connection's peer, or the address a trusted
/// proxy reports in `X-Forwarded-For` / `X-Real-IP`.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

/// Resolves the client address of a request from its peer and headers.
pub fn client_addr(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = peer?;
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    // Walk X-Forwarded-For from the nearest hop outwards; the first address
    // that is not one of our proxies is the client. Entries further left
    // were written by the client itself and prove nothing.
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in forwarded.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if is_trusted(&ip) => {}
            Ok(ip) => return Some(ip),
            Err(_) => return Some(peer),
        }
    }
    if let Some(real) = headers.get("x-real-ip").and_then(|v| v.to_str().ok())
        && let Ok(ip) = real.trim().parse::<IpAddr>()
    {
        return Some(ip);
    }
    Some(peer)
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(Self(client_addr(
            peer,
            &parts.headers,
            &state.config().trusted_proxies,
        )))
    }
}

/// The bearer token of a request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// An authenticated management caller.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The root key.
    pub root: RootKeyRecord,
    /// The client's address.
    pub ip: Option<IpAddr>,
}

impl Caller {
    /// An audit entry by this caller, allowed.
    pub fn draft(
        &self,
        state: &AppState,
        action: &str,
        target: Option<&str>,
        details: serde_json::Value,
    ) -> AuditDraft {
        AuditDraft {
            actor: self.root.id.to_string(),
            action: action.to_owned(),
            target: target.map(str::to_owned),
            outcome: "allowed".to_owned(),
            client_ip: self.ip.map(|ip| ip.to_string()),
            details,
            at: state.now(),
        }
    }

    /// Refuses with 403 (and an audit entry) unless the key holds `permission`.
    pub async fn require(
        &self,
        state: &AppState,
        permission: Permission,
        action: &str,
        target: Option<&str>,
    ) -> Result<(), ApiError> {
        if self.root.allows(permission) {
            return Ok(());
        }
        let mut draft = self.draft(
            state,
            action,
            target,
            serde_json::json!({ "missing_permission": permission.as_str() }),
        );
        draft.outcome = "denied".to_owned();
        state.store().audit(&draft).await?;
        Err(ApiError::forbidden(permission.as_str()))
    }
}

/// Authenticates a root key presented as a bearer token. Management calls
/// always ask the store, so a revoked root key stops working at once.
pub async fn authenticate(
    state: &AppState,
    token: Option<&str>,
) -> Result<RootKeyRecord, &'static str> {
    let token = token.ok_or("missing credentials: send Authorization: Bearer <root key>")?;
    let parts = key::parse(token).map_err(|_| "the credentials are not a keywarden root key")?;
    if parts.environment() != key::ROOT_ENVIRONMENT {
        return Err("the credentials are not a root key");
    }
    let peppers = state.store().peppers();
    for pepper in peppers.iter() {
        let digest = pepper.digest(parts.expose());
        match state
            .store()
            .find_root_key_by_digest(digest.as_bytes())
            .await
        {
            Ok(Some(mut root)) if bool::from(root.digest.ct_eq(digest.as_bytes())) => {
                if root.revoked_at.is_some() {
                    return Err("this root key has been revoked");
                }
                let current = peppers.current();
                if pepper.version() != current.version() {
                    let new = current.digest(parts.expose());
                    match state
                        .store()
                        .rehash_root_key(
                            &root.id,
                            digest.as_bytes(),
                            new.as_bytes(),
                            current.version(),
                        )
                        .await
                    {
                        Ok(_) => {
                            root.digest = *new.as_bytes();
                            root.pepper_version = current.version();
                        }
                        Err(err) => {
                            tracing::warn!(error = %err, "could not move a root key to the current pepper")
                        }
                    }
                }
                if let Err(err) = state.store().touch_root_key(&root.id, state.now()).await {
                    tracing::warn!(error = %err, "could not record root key use");
                }
                return Ok(root);
            }
            Ok(_) => {}
            Err(err) => {
                tracing::error!(error = %err, "root key lookup failed");
                return Err("the credentials could not be checked");
            }
        }
    }
    Err("unknown root key")
}

/// Audits a refused authentication and builds the 401 (or the 429 when the
/// address has failed too often, which is not audited one by one).
pub async fn refuse(
    state: &AppState,
    ip: Option<IpAddr>,
    method: &Method,
    path: &str,
    reason: &str,
) -> ApiError {
    let now = state.now();
    if let Some(ip) = ip {
        if let Some(retry) = state.0.auth_failures.over(&ip, now) {
            return ApiError::too_many(
                "RATE_LIMITED",
                "too many failed authentications from this address",
                retry,
            );
        }
        state.0.auth_failures.hit(&ip, now);
    }
    let draft = AuditDraft {
        actor: "anonymous".to_owned(),
        action: "auth.denied".to_owned(),
        target: Some(format!("{method} {path}")),
        outcome: "denied".to_owned(),
        client_ip: ip.map(|ip| ip.to_string()),
        details: serde_json::json!({ "reason": reason }),
        at: now,
    };
    if let Err(err) = state.store().audit(&draft).await {
        return ApiError::from(err);
    }
    ApiError::unauthorized(reason)
}

/// How long `POST /v1/verify` trusts a root key it has authenticated: an
/// API backend calls it on every request, so it must not cost a store
/// lookup each time; a revoked root key stops working within this bound.
pub const VERIFY_CALLER_TTL_MS: i64 = 1_000;

/// Root keys recently authenticated for `POST /v1/verify`, by digest.
#[derive(Default)]
pub(crate) struct CallerCache(
    std::sync::Mutex<std::collections::HashMap<[u8; 32], (RootKeyRecord, i64)>>,
);

impl CallerCache {
    fn get(&self, digest: &[u8; 32], now: i64) -> Option<RootKeyRecord> {
        let map = self.0.lock().ok()?;
        map.get(digest)
            .filter(|(_, at)| now - at < VERIFY_CALLER_TTL_MS)
            .map(|(r, _)| r.clone())
    }

    fn put(&self, digest: [u8; 32], root: RootKeyRecord, now: i64) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() > 1_000 {
                map.retain(|_, (_, at)| now - *at < VERIFY_CALLER_TTL_MS);
            }
            map.insert(digest, (root, now));
        }
    }
}

/// The caller of `POST /v1/verify`: a [`Caller`] whose authentication is
/// reused for [`VERIFY_CALLER_TTL_MS`].
pub struct VerifyCaller(pub Caller);

impl FromRequestParts<AppState> for VerifyCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Ok(ClientAddr(ip)) = ClientAddr::from_request_parts(parts, state).await;
        let token = bearer(&parts.headers);
        let now = state.now();
        let digest = token.map(|t| *state.store().peppers().current().digest(t).as_bytes());
        if let Some(d) = &digest
            && let Some(root) = state.0.verify_callers.get(d, now)
        {
            return Ok(Self(Caller { root, ip }));
        }
        match authenticate(state, token).await {
            Ok(root) => {
                if let Some(d) = digest {
                    state.0.verify_callers.put(d, root.clone(), now);
                }
                Ok(Self(Caller { root, ip }))
            }
            Err(reason) => Err(refuse(state, ip, &parts.method, parts.uri.path(), reason).await),
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Ok(ClientAddr(ip)) = ClientAddr::from_request_parts(parts, state).await;
        match authenticate(state, bearer(&parts.headers)).await {
            Ok(root) => Ok(Self { root, ip }),
            Err(reason) => Err(refuse(state, ip, &parts.method, parts.uri.path(), reason).await),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_only_from_trusted_proxies() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.2, 10.0.0.7".parse().unwrap(),
        );
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let outsider: IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(
            client_addr(Some(proxy), &h, &trusted),
            Some("198.51.100.2".parse().unwrap())
        );
        assert_eq!(client_addr(Some(outsider), &h, &trusted), Some(outsider));
        let mut real = HeaderMap::new();
        real.insert("x-real-ip", "198.51.100.5".parse().unwrap());
        assert_eq!(
            client_addr(Some(proxy), &real, &trusted),
            Some("198.51.100.5".parse().unwrap())
        );
        assert_eq!(
            client_addr(Some(proxy), &HeaderMap::new(), &trusted),
            Some(proxy)
        );
        assert_eq!(client_addr(None, &h, &trusted), None);
    }

    #[test]
    fn bearer_tokens() {
        let mut h = HeaderMap::new();
        h.insert("authorization", "Bearer abc".parse().unwrap());
        assert_eq!(bearer(&h), Some("abc"));
        h.insert("authorization", "basic abc".parse().unwrap());
        assert_eq!(bearer(&h), None);
    }
}
