//! Who is calling: the client's address, and for management calls the root
//! key that authenticates them. Every refusal is audited.

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{HeaderMap, Method, request::Parts},
};
use ipnet::IpNet;
use keywarden_store::AuditDraft;

use crate::{authz::Actor, config::ClientIpHeader, error::ApiError, state::AppState};

/// Who sent a request: the client's address as far as it can be proven,
/// and the connection's peer.
///
/// Forwarding headers are read only from a peer in `trusted_proxies`, and
/// only the one named by `client_ip_header`. With `X-Forwarded-For` the
/// hops are walked from the right (the nearest proxy's entry) skipping
/// trusted proxies; the first untrusted hop is the client. Entries further
/// left were written by the client itself and prove nothing. An unreadable
/// hop makes the client unknown (`client: None`): IP allowlists then
/// refuse, and throttles count the peer. IPv4-mapped IPv6 addresses are
/// canonicalised (`::ffff:192.0.2.1` is `192.0.2.1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr {
    /// The client, or `None` when it is unknown.
    pub client: Option<IpAddr>,
    /// The connection's peer.
    pub peer: Option<IpAddr>,
}

impl ClientAddr {
    /// The address throttles count: the client's, or the peer's when the
    /// client is unknown.
    pub fn throttle_key(&self) -> Option<IpAddr> {
        self.client.or(self.peer)
    }
}

/// Resolves the client address of a request from its peer and headers.
pub fn client_addr(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted: &[IpNet],
    header: ClientIpHeader,
) -> ClientAddr {
    let Some(peer) = peer.map(|p| p.to_canonical()) else {
        return ClientAddr {
            client: None,
            peer: None,
        };
    };
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let resolved = |client: Option<IpAddr>| ClientAddr {
        client,
        peer: Some(peer),
    };
    if !is_trusted(&peer) {
        return resolved(Some(peer));
    }
    let parse = |hop: &str| {
        hop.trim()
            .parse::<IpAddr>()
            .ok()
            .map(|ip| ip.to_canonical())
    };
    match header {
        ClientIpHeader::XRealIp => {
            let mut values = headers.get_all("x-real-ip").iter();
            match (values.next(), values.next()) {
                (None, _) => resolved(Some(peer)),
                (Some(v), None) => resolved(v.to_str().ok().and_then(parse)),
                // Two X-Real-IP headers: one was not written by our proxy.
                (Some(_), Some(_)) => resolved(None),
            }
        }
        ClientIpHeader::XForwardedFor => {
            let client = forwarded_for(headers, &is_trusted, parse).map(|c| c.unwrap_or(peer));
            // A proxy that sets X-Real-IP while X-Forwarded-For passes
            // through as the client wrote it (an nginx set up with
            // `X-Real-IP` only) would let the client choose its address:
            // when the two disagree, neither is believed.
            let mut real = headers.get_all("x-real-ip").iter();
            if let Some(first) = real.next() {
                let agrees = real.next().is_none()
                    && client.is_some()
                    && first.to_str().ok().and_then(parse) == client;
                if !agrees {
                    warn_conflicting_headers(peer);
                    return resolved(None);
                }
            }
            resolved(client)
        }
    }
}

/// The client by `X-Forwarded-For`, walked from the right, without
/// collecting: the header values in reverse, each value's hops in reverse.
/// What stands left of the first untrusted hop is never read. `Some(None)`:
/// no header, or every hop one of our proxies with none left of them (the
/// peer is the client); `None`: a hop is unreadable (the client is unknown).
fn forwarded_for(
    headers: &HeaderMap,
    is_trusted: &impl Fn(&IpAddr) -> bool,
    parse: impl Fn(&str) -> Option<IpAddr>,
) -> Option<Option<IpAddr>> {
    let mut leftmost = None;
    for value in headers.get_all("x-forwarded-for").iter().rev() {
        let text = value.to_str().ok()?;
        for hop in text.rsplit(',') {
            match parse(hop) {
                Some(ip) if is_trusted(&ip) => leftmost = Some(ip),
                Some(ip) => return Some(Some(ip)),
                None => return None,
            }
        }
    }
    // Every hop one of our proxies: the farthest one is the client.
    Some(leftmost)
}

/// Logs, at most once a minute, that a trusted proxy sent an `X-Real-IP`
/// that disagrees with `X-Forwarded-For`.
fn warn_conflicting_headers(proxy: IpAddr) {
    static WARNING: crate::limits::OncePerMinute = crate::limits::OncePerMinute::new();
    if WARNING.due() {
        tracing::warn!(
            %proxy,
            "a trusted proxy sent X-Real-IP and X-Forwarded-For naming different clients: the client is \
             treated as unknown (IP allowlists refuse it). Have the proxy set X-Forwarded-For \
             (nginx: proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for), or set \
             client_ip_header = \"x-real-ip\" (KEYWARDEN_CLIENT_IP_HEADER) if it sets X-Real-IP only"
        );
    }
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Resolved once per request by the access layer, which sits in
        // front of every route.
        if let Some(addr) = parts.extensions.get::<ClientAddr>() {
            return Ok(*addr);
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let config = state.config();
        Ok(client_addr(
            peer,
            &parts.headers,
            &config.trusted_proxies,
            config.client_ip_header,
        ))
    }
}

pub use keywarden_proto::bearer;

pub use keywarden_engine::authn::{
    AuthFailure, MAX_AUDIT_TARGET, VERIFY_CALLER_TTL_MS, audit_target, authenticate,
};

/// Audits a refused authentication and builds the 401 (or the 429 when the
/// address has failed too often, which is not audited one by one). Called
/// only after the credentials were checked: a correct root key is always
/// accepted, whatever the address's failures; only failures are throttled,
/// and missing credentials are answered 401, never 429.
///
/// Denials are audited folded: the first of an address in a minute at
/// once, the rest of that minute as one entry with their count when the
/// minute is over ([`Denials`]), so a flood costs two entries a minute per
/// address, not one per request.
pub async fn refuse(
    state: &AppState,
    addr: ClientAddr,
    method: &Method,
    path: &str,
    failure: AuthFailure,
) -> ApiError {
    let (reason, counted) = match failure {
        AuthFailure::Missing(reason) => (reason, false),
        AuthFailure::Refused(reason) => (reason, true),
        AuthFailure::Unavailable => return ApiError::store_unavailable(),
    };
    let now = state.now();
    let ip = addr.client;
    if counted
        && let Some(key) = addr.throttle_key()
        && let Err(retry) = state.auth_failures().try_take(&key, now)
    {
        return ApiError::too_many(
            "RATE_LIMITED",
            "too many failed authentications from this address",
            retry,
        );
    }
    let target = audit_target(&format!("{method} {path}"));
    if state.denials().first_of_minute(ip, now, reason) {
        let draft = AuditDraft {
            actor: "anonymous".to_owned(),
            action: keywarden_store::AuditAction::AuthDenied.into(),
            target: Some(target),
            outcome: keywarden_store::AuditOutcome::Denied.into(),
            client_ip: ip.map(|ip| ip.to_string()),
            details: serde_json::json!({
                "reason": reason,
                "note": "later denials of this address in this minute are audited together, with their count",
            }),
            at: now,
        };
        if let Err(err) = state.store().audit(&draft).await {
            return ApiError::from(err);
        }
    }
    ApiError::unauthorized(reason)
}

/// The caller of `POST /v1/verify`: an [`Actor`] whose authentication is
/// reused for [`VERIFY_CALLER_TTL_MS`].
pub struct VerifyCaller(pub Actor);

impl FromRequestParts<AppState> for VerifyCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Ok(addr) = ClientAddr::from_request_parts(parts, state).await;
        let ip = addr.client;
        let token = bearer(&parts.headers);
        let now = state.now();
        let digest = token.map(|t| *state.store().peppers().current().digest(t).as_bytes());
        if let Some(d) = &digest
            && let Some(root) = state.verify_callers().get(d, now)
        {
            return Ok(Self(Actor::root_key(root, ip)));
        }
        match authenticate(state.store(), token, state.now()).await {
            Ok(root) => {
                let root = std::sync::Arc::new(root);
                if let Some(d) = digest {
                    state.verify_callers().put(d, root.clone(), now);
                }
                Ok(Self(Actor::root_key(root, ip)))
            }
            Err(failure) => {
                Err(refuse(state, addr, &parts.method, parts.uri.path(), failure).await)
            }
        }
    }
}

/// A management API call's actor: the root key of its bearer token.
impl FromRequestParts<AppState> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Ok(addr) = ClientAddr::from_request_parts(parts, state).await;
        match authenticate(state.store(), bearer(&parts.headers), state.now()).await {
            Ok(root) => Ok(Actor::root_key(root, addr.client)),
            Err(failure) => {
                Err(refuse(state, addr, &parts.method, parts.uri.path(), failure).await)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(
        peer: &str,
        headers: &[(&'static str, &str)],
        header: ClientIpHeader,
    ) -> Option<IpAddr> {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()];
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.append(*k, v.parse().unwrap());
        }
        client_addr(Some(peer.parse().unwrap()), &h, &trusted, header).client
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn forwarded_for_walks_from_the_right_past_trusted_proxies() {
        use ClientIpHeader::XForwardedFor as Xff;
        let xff = [("x-forwarded-for", "203.0.113.9, 198.51.100.2, 10.0.0.7")];
        assert_eq!(resolve("10.0.0.1", &xff, Xff), ip("198.51.100.2"));
        // An untrusted peer's headers are ignored.
        assert_eq!(resolve("192.0.2.1", &xff, Xff), ip("192.0.2.1"));
        // No header: the peer itself.
        assert_eq!(resolve("10.0.0.1", &[], Xff), ip("10.0.0.1"));
        // Several headers read as one list, in order.
        let split = [
            ("x-forwarded-for", "6.6.6.6"),
            ("x-forwarded-for", "198.51.100.3"),
        ];
        assert_eq!(resolve("10.0.0.1", &split, Xff), ip("198.51.100.3"));
        // An unreadable hop makes the client unknown, never the proxy.
        assert_eq!(resolve("10.0.0.1", &[("x-forwarded-for", "x")], Xff), None);
        assert_eq!(
            resolve("10.0.0.1", &[("x-forwarded-for", "1.2.3.4, x")], Xff),
            None
        );
        // Whatever the client wrote left of its own hop is never read.
        assert_eq!(
            resolve(
                "10.0.0.1",
                &[("x-forwarded-for", "garbage, 198.51.100.4")],
                Xff
            ),
            ip("198.51.100.4")
        );
        // X-Real-IP is no source when X-Forwarded-For is the configured
        // header: it only has to agree with it.
        let both = [
            ("x-forwarded-for", "198.51.100.5"),
            ("x-real-ip", "198.51.100.5"),
        ];
        assert_eq!(resolve("10.0.0.1", &both, Xff), ip("198.51.100.5"));
        let appended = [
            ("x-forwarded-for", "172.16.0.9, 198.51.100.5"),
            ("x-real-ip", "198.51.100.5"),
        ];
        assert_eq!(resolve("10.0.0.1", &appended, Xff), ip("198.51.100.5"));
        // A proxy set up with X-Real-IP only passes the client's own
        // X-Forwarded-For through: the two disagree, and neither is believed.
        let forged = [
            ("x-forwarded-for", "203.0.113.50"),
            ("x-real-ip", "198.51.100.5"),
        ];
        assert_eq!(resolve("10.0.0.1", &forged, Xff), None);
        // X-Real-IP alone names someone else than the peer: unknown too.
        assert_eq!(
            resolve("10.0.0.1", &[("x-real-ip", "198.51.100.5")], Xff),
            None
        );
        // Two X-Real-IP, or an unreadable one: unknown.
        let twice = [
            ("x-forwarded-for", "198.51.100.5"),
            ("x-real-ip", "198.51.100.5"),
            ("x-real-ip", "198.51.100.5"),
        ];
        assert_eq!(resolve("10.0.0.1", &twice, Xff), None);
        // From an untrusted peer neither header is read.
        assert_eq!(resolve("192.0.2.1", &forged, Xff), ip("192.0.2.1"));
        // All hops trusted: the farthest.
        assert_eq!(
            resolve(
                "10.0.0.1",
                &[("x-forwarded-for", "10.1.1.1, 10.2.2.2")],
                Xff
            ),
            ip("10.1.1.1")
        );
    }

    #[test]
    fn real_ip_only_when_configured() {
        use ClientIpHeader::XRealIp;
        let real = [("x-real-ip", "198.51.100.5")];
        assert_eq!(resolve("10.0.0.1", &real, XRealIp), ip("198.51.100.5"));
        assert_eq!(resolve("192.0.2.1", &real, XRealIp), ip("192.0.2.1"));
        assert_eq!(resolve("10.0.0.1", &[("x-real-ip", "x")], XRealIp), None);
        let twice = [("x-real-ip", "1.1.1.1"), ("x-real-ip", "2.2.2.2")];
        assert_eq!(resolve("10.0.0.1", &twice, XRealIp), None);
        // X-Forwarded-For is not read when X-Real-IP is configured.
        assert_eq!(
            resolve("10.0.0.1", &[("x-forwarded-for", "6.6.6.6")], XRealIp),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn mapped_addresses_are_canonical() {
        use ClientIpHeader::XForwardedFor as Xff;
        assert_eq!(resolve("::ffff:192.0.2.7", &[], Xff), ip("192.0.2.7"));
        assert_eq!(
            resolve("::1", &[("x-forwarded-for", "::ffff:198.51.100.9")], Xff),
            ip("198.51.100.9")
        );
        // A mapped form of a trusted proxy is trusted.
        assert_eq!(
            resolve(
                "::ffff:10.0.0.1",
                &[("x-forwarded-for", "198.51.100.2")],
                Xff
            ),
            ip("198.51.100.2")
        );
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
