//! Verification entry points: `POST /v1/verify` for API backends, and
//! `/v1/forward-auth` for reverse proxies (nginx `auth_request`, Traefik
//! ForwardAuth, Caddy `forward_auth`, Envoy `ext_authz` over HTTP).

use std::{net::IpAddr, sync::Arc};

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, HeaderName, HeaderValue},
    response::{IntoResponse, Response},
};
use keywarden_core::{names::Scope, query::PermissionQuery, spaces::SpaceId};
use keywarden_store::KeyRecord;

use crate::{
    auth::{ClientAddr, VerifyCaller},
    error::{ApiError, ErrorBody},
    extract::ApiJson,
    state::AppState,
    timefmt,
    verify::{Code, Verdict, VerifyInput},
};

/// Most scopes one request may ask for.
const MAX_REQUIRED_SCOPES: usize = 50;

pub use keywarden_proto::{
    ForwardAuthQuery, RateLimitState, VerifyRequest, VerifyResponse, presented_key,
};

/// The answer of `POST /v1/verify` for a verdict.
fn response(v: &Verdict) -> VerifyResponse {
    let key = v.key.as_deref();
    VerifyResponse {
        valid: v.is_valid(),
        code: v.code,
        key_id: key.map(|k| k.id.to_string()),
        owner: key.and_then(|k| k.owner.as_ref().map(ToString::to_string)),
        environment: key.map(|k| k.environment.to_string()),
        scopes: key.map(|k| k.scopes.iter().map(ToString::to_string).collect()),
        space: key.map(|k| k.space.to_string()),
        permissions: key.map(|k| k.effective.iter().map(ToString::to_string).collect()),
        missing_permissions: (!v.missing.is_empty())
            .then(|| v.missing.iter().map(ToString::to_string).collect()),
        expires_at: key.and_then(|k| timefmt::opt(k.expires_at)),
        metadata: key.map(|k| k.metadata.clone()),
        remaining: v.remaining,
        rate_limit: v.rate.map(|r| RateLimitState {
            limit: r.limit,
            remaining: r.remaining,
            reset: timefmt::rfc3339(r.reset_at),
            name: v.rate_name.clone(),
        }),
        retry_after: v.retry_after,
    }
}

/// `orders:read, orders:write`: scopes separated by commas, spaces around
/// them allowed; blank is none.
fn parse_scope_list(text: &str) -> Result<Vec<Scope>, ApiError> {
    let text = text.trim_matches(' ');
    if text.is_empty() {
        return Ok(Vec::new());
    }
    parse_scopes(text.split(',').map(|s| s.trim_matches(' ')))
}

/// How many scope lists each thread remembers, and the longest text (query
/// and header together) it remembers one for.
const SCOPE_MEMO: usize = 16;
const SCOPE_MEMO_TEXT: usize = 256;

/// The texts a list was read from (forward-auth's query, its header).
type ScopeTexts = (Option<Box<str>>, Option<Box<str>>);

/// Per thread: the last requirements read (scope lists, permission
/// queries), and the slot the next one replaces.
struct TextMemo<T: ?Sized> {
    lists: Vec<(ScopeTexts, Arc<T>)>,
    next: usize,
}

impl<T: ?Sized> Default for TextMemo<T> {
    fn default() -> Self {
        Self {
            lists: Vec::new(),
            next: 0,
        }
    }
}

/// What `parse` reads from a forward-auth request's query text and header
/// text, remembered per thread in `memo` (the last [`SCOPE_MEMO`], short
/// texts only): a proxy sends the same few requirements again and again,
/// so a repeated one costs a comparison of its text, not a parse and its
/// allocations. Refused texts are not remembered.
fn memoized<T: ?Sized>(
    memo: &'static std::thread::LocalKey<std::cell::RefCell<TextMemo<T>>>,
    query: Option<&str>,
    header: Option<&str>,
    parse: impl FnOnce() -> Result<Arc<T>, ApiError>,
) -> Result<Arc<T>, ApiError> {
    let remember = query.map_or(0, str::len) + header.map_or(0, str::len) <= SCOPE_MEMO_TEXT;
    let same = |(q, h): &ScopeTexts| q.as_deref() == query && h.as_deref() == header;
    if remember
        && let Some(known) = memo.with_borrow(|m| {
            m.lists
                .iter()
                .find(|(texts, _)| same(texts))
                .map(|(_, value)| value.clone())
        })
    {
        return Ok(known);
    }
    let value = parse()?;
    if remember {
        memo.with_borrow_mut(|m| {
            let entry = (
                (query.map(Into::into), header.map(Into::into)),
                value.clone(),
            );
            if m.lists.len() < SCOPE_MEMO {
                m.lists.push(entry);
            } else {
                let slot = m.next;
                m.lists[slot] = entry;
                m.next = (slot + 1) % SCOPE_MEMO;
            }
        });
    }
    Ok(value)
}

/// The scopes a forward-auth request requires: those of its query and those
/// of its `X-Keywarden-Scopes` header, both (remembered per thread:
/// [`memoized`]).
fn required_scopes(query: Option<&str>, header: Option<&str>) -> Result<Arc<[Scope]>, ApiError> {
    thread_local! {
        static MEMO: std::cell::RefCell<TextMemo<[Scope]>> = std::cell::RefCell::default();
    }
    memoized(&MEMO, query, header, || {
        Ok(parse_required(query, header)?.into())
    })
}

/// The permission query a request requires: that of forward-auth's query
/// (or `/v1/verify`'s body) and that of its `X-Keywarden-Permissions`
/// header, both (remembered per thread: [`memoized`]). `None` when neither
/// asks for one. A blank one is malformed (400), as the document states: a
/// proxy that means no query sends none.
fn required_permissions(
    query: Option<&str>,
    header: Option<&str>,
) -> Result<Option<Arc<PermissionQuery>>, ApiError> {
    thread_local! {
        static MEMO: std::cell::RefCell<TextMemo<PermissionQuery>> = std::cell::RefCell::default();
    }
    if query.is_none() && header.is_none() {
        return Ok(None);
    }
    memoized(&MEMO, query, header, || {
        Ok(Arc::new(permission_query(query, header)?))
    })
    .map(Some)
}

/// A permission query from one text or two (both must hold: their parsed
/// queries are joined by `AND`). A malformed one is 400 `INVALID_PERMISSION_QUERY`,
/// naming the position (and, with two, which one).
fn permission_query(
    query: Option<&str>,
    header: Option<&str>,
) -> Result<PermissionQuery, ApiError> {
    let parse = |text: &str, what: &str| {
        text.parse::<PermissionQuery>().map_err(|e| {
            ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "INVALID_PERMISSION_QUERY",
                format!("{what}: {e}"),
            )
        })
    };
    match (query, header) {
        (Some(q), Some(h)) => {
            Ok(parse(q, "permissions")?.and(parse(h, "X-Keywarden-Permissions")?))
        }
        (Some(q), None) => parse(q, "permissions"),
        (None, h) => parse(h.unwrap_or_default(), "X-Keywarden-Permissions"),
    }
}

/// The scopes of forward-auth's query and header, read (no memo).
fn parse_required(query: Option<&str>, header: Option<&str>) -> Result<Vec<Scope>, ApiError> {
    let mut scopes = Vec::new();
    for text in [query, header].into_iter().flatten() {
        scopes.extend(parse_scope_list(text)?);
    }
    Ok(scopes)
}

/// Reads the scopes a request needs: each must be a scope (no blanks).
fn parse_scopes<'a>(items: impl Iterator<Item = &'a str>) -> Result<Vec<Scope>, ApiError> {
    let scopes = items
        .map(|s| {
            s.parse::<Scope>()
                .map_err(|e| ApiError::invalid("INVALID_SCOPES", e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if scopes.len() > MAX_REQUIRED_SCOPES {
        return Err(ApiError::invalid(
            "INVALID_SCOPES",
            format!("at most {MAX_REQUIRED_SCOPES} scopes"),
        ));
    }
    Ok(scopes)
}

fn check_cost(cost: Option<u32>) -> Result<u32, ApiError> {
    match cost {
        Some(c) if c > keywarden_proto::MAX_COST => Err(ApiError::invalid(
            "INVALID_COST",
            format!("cost is at most {}", keywarden_proto::MAX_COST),
        )),
        other => Ok(other.unwrap_or(1)),
    }
}

/// The space a verification names (`INVALID_SPACE` when it cannot be one).
fn parse_space(text: &str) -> Result<SpaceId, ApiError> {
    text.parse().map_err(|e: keywarden_core::names::NameError| {
        ApiError::invalid("INVALID_SPACE", e.to_string())
    })
}

fn check_environment(env: Option<&str>) -> Result<(), ApiError> {
    if let Some(e) = env {
        keywarden_core::key::Environment::check(e)
            .map_err(|e| ApiError::invalid("INVALID_ENVIRONMENT", e.to_string()))?;
    }
    Ok(())
}

/// Verify a key. Always answers 200 for a verification; the caller branches
/// on `code`. Needs a root key with `keys:verify`.
#[utoipa::path(post, path = "/v1/verify", tag = "verify", request_body = VerifyRequest,
    security(("root_key" = ["keys:verify"])),
    responses((status = 200, body = VerifyResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn verify(
    State(state): State<AppState>,
    VerifyCaller(actor): VerifyCaller,
    headers: HeaderMap,
    ApiJson(req): ApiJson<VerifyRequest>,
) -> Result<Response, ApiError> {
    // The proof is not kept: what it decides is that the caller may ask.
    // The spaces it sees bound what it may learn (`visible` below).
    crate::authz::authorize(&state, &actor, crate::command::VerifyKeys).await?;
    check_environment(req.environment.as_deref())?;
    let cost = check_cost(req.cost)?;
    let scopes = parse_scopes(req.scopes.iter().map(String::as_str))?;
    let permissions = required_permissions(req.permissions.as_deref(), None)?;
    let space = req.space.as_deref().map(parse_space).transpose()?;
    let client_ip = req
        .client_ip
        .as_deref()
        .map(|ip| {
            ip.parse::<IpAddr>().map_err(|_| {
                ApiError::invalid("INVALID_CLIENT_IP", "client_ip must be an IP address")
            })
        })
        .transpose()?;
    let verdict = state
        .verifier()
        .verify(VerifyInput {
            key: Some(req.key.expose()),
            environment: req.environment.as_deref(),
            scopes: &scopes,
            permissions: permissions.as_deref(),
            space: space.as_ref(),
            visible: actor.spaces(),
            client_ip: client_ip.map(|ip| ip.to_canonical()),
            peer_ip: None,
            user_agent: keywarden_proto::user_agent(&headers),
            cost,
        })
        .await;
    if verdict.code == Code::StoreUnavailable {
        // Not a verdict about the key: the caller must not read it as
        // "invalid". Fail closed with the error body.
        return Err(ApiError::store_unavailable());
    }
    let mut answer = Json(response(&verdict)).into_response();
    if let Some(key) = &verdict.key {
        crate::access::log_key(&mut answer, key);
    }
    Ok(answer)
}

/// The forward-auth query as read: borrowed from the request when nothing
/// in it is percent- or plus-encoded (what proxies send), decoded otherwise.
#[derive(Debug, Default, PartialEq, Eq)]
struct FaQuery<'a> {
    scopes: Option<std::borrow::Cow<'a, str>>,
    permissions: Option<std::borrow::Cow<'a, str>>,
    space: Option<std::borrow::Cow<'a, str>>,
    environment: Option<std::borrow::Cow<'a, str>>,
    cost: Option<u32>,
}

impl<'a> FaQuery<'a> {
    /// Reads a query string, with the meaning `serde_urlencoded` gives it
    /// (`ForwardAuthQuery`: unknown names ignored, a repeated name or a
    /// cost that is not a number refused). The plain case is read in place,
    /// with no allocation; anything else goes through `serde_urlencoded`.
    fn read(text: &'a str) -> Result<Self, ()> {
        if !text.bytes().any(|b| matches!(b, b'%' | b'+')) {
            let mut q = Self::default();
            let mut plain = true;
            for pair in text.split('&').filter(|p| !p.is_empty()) {
                let Some((name, value)) = pair.split_once('=') else {
                    plain = false;
                    break;
                };
                match name {
                    "scopes" if q.scopes.is_none() => q.scopes = Some(value.into()),
                    "permissions" if q.permissions.is_none() => {
                        q.permissions = Some(value.into());
                    }
                    "space" if q.space.is_none() => q.space = Some(value.into()),
                    "environment" if q.environment.is_none() => {
                        q.environment = Some(value.into());
                    }
                    "cost" if q.cost.is_none() => q.cost = Some(value.parse().map_err(|_| ())?),
                    "scopes" | "permissions" | "space" | "environment" | "cost" => {
                        return Err(());
                    }
                    _ => {}
                }
            }
            if plain {
                return Ok(q);
            }
        }
        serde_urlencoded::from_str::<ForwardAuthQuery>(text)
            .map(Self::from)
            .map_err(|_| ())
    }
}

impl From<ForwardAuthQuery> for FaQuery<'_> {
    fn from(q: ForwardAuthQuery) -> Self {
        Self {
            scopes: q.scopes.map(Into::into),
            permissions: q.permissions.map(Into::into),
            space: q.space.map(Into::into),
            environment: q.environment.map(Into::into),
            cost: q.cost,
        }
    }
}

const KEY_ID: HeaderName = HeaderName::from_static("x-keywarden-key-id");
const OWNER: HeaderName = HeaderName::from_static("x-keywarden-owner");
const SCOPES: HeaderName = HeaderName::from_static("x-keywarden-scopes");
/// The permission query a proxy requires (with the query's `permissions`).
const PERMISSIONS: HeaderName = HeaderName::from_static("x-keywarden-permissions");
/// The space a proxy serves, on the route that reads no query.
const REQUIRE_SPACE: HeaderName = HeaderName::from_static("x-keywarden-require-space");
const ENVIRONMENT: HeaderName = HeaderName::from_static("x-keywarden-environment");
/// The environment a proxy requires, on the route that reads no query.
const REQUIRE_ENVIRONMENT: HeaderName = HeaderName::from_static("x-keywarden-require-environment");
const RL_LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
const RL_REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");

/// The identity headers of a valid key's answer (key id, owner, scopes,
/// environment), or `None` where a value cannot be a header.
fn identity_values(key: &KeyRecord) -> [Option<HeaderValue>; 4] {
    let scopes = keywarden_core::names::join_scopes(&key.scopes);
    [
        key.id.as_str(),
        key.owner.as_ref().map_or("", |o| o.as_str()),
        &scopes,
        key.environment.as_str(),
    ]
    .map(|v| HeaderValue::from_str(v).ok())
}

/// How many records each thread remembers the identity headers of.
const IDENTITY_MEMO: usize = 64;

type IdentityMemo = [Option<(Arc<KeyRecord>, [Option<HeaderValue>; 4])>; IDENTITY_MEMO];

/// [`identity_values`], made once per cached record and thread: a record
/// is immutable behind its `Arc`, and the memo holds the `Arc`, so the same
/// pointer is the same record (a changed key is a new record, and misses).
/// The values' bytes are shared only with this thread's own answers.
fn identity_headers(key: &Arc<KeyRecord>) -> [Option<HeaderValue>; 4] {
    thread_local! {
        static MEMO: std::cell::RefCell<IdentityMemo> =
            std::cell::RefCell::new(std::array::from_fn(|_| None));
    }
    let slot = (Arc::as_ptr(key) as usize / std::mem::align_of::<KeyRecord>()) % IDENTITY_MEMO;
    MEMO.with_borrow_mut(|memo| match &memo[slot] {
        Some((known, values)) if Arc::ptr_eq(known, key) => values.clone(),
        _ => {
            let values = identity_values(key);
            memo[slot] = Some((key.clone(), values.clone()));
            values
        }
    })
}

/// The error response of a refused verification: 401 for a missing or
/// malformed key, 429 with `Retry-After` when rate-limited, 503 with
/// `Retry-After` when the store is unavailable, 403 otherwise (the mapping
/// the tower middleware shares: `keywarden_proto::Refusal`).
pub fn refusal(verdict: &Verdict) -> Response {
    let r = keywarden_proto::Refusal::for_code(verdict.code, verdict.retry_after)
        .with_missing(&verdict.missing);
    (r.status, r.headers, Json(r.body)).into_response()
}

/// Forward-auth for reverse proxies: 200 with identity headers when the key
/// is good; 401 when missing or malformed; 429 with `Retry-After` when
/// rate-limited; 403 otherwise. Any method is accepted (proxies forward
/// the original one).
#[utoipa::path(get, path = "/v1/forward-auth", tag = "verify", params(ForwardAuthQuery,
        ("Authorization" = Option<String>, Header, description = "Bearer <key>"),
        ("X-API-Key" = Option<String>, Header, description = "the key, when Authorization is not used"),
        ("X-Keywarden-Scopes" = Option<crate::api::schema::ScopeList>, Header, description = "required scopes, comma-separated"),
        ("X-Keywarden-Permissions" = Option<keywarden_proto::schemas::PermissionQuery>, Header, description = "a permission query the key must satisfy, besides the query's `permissions`")),
    responses((status = 200, description = "valid; identity in X-Keywarden-* headers"),
        (status = 400, body = ErrorBody, description = "A permission query is malformed (`INVALID_PERMISSION_QUERY`, naming the position)."),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn forward_auth(
    State(state): State<AppState>,
    addr: ClientAddr,
    request: axum::extract::Request,
) -> Response {
    // The request itself rather than the `HeaderMap` and `Query`
    // extractors: this is the hottest route, and those copy the headers and
    // parse a query most proxies do not send.
    let q = match FaQuery::read(request.uri().query().unwrap_or("")) {
        Ok(q) => q,
        Err(()) => {
            return ApiError::invalid("INVALID_QUERY", "the query string could not be read")
                .into_response();
        }
    };
    let headers = request.headers();
    let asked = match FaRequirements::read(headers, &q) {
        Ok(asked) => asked,
        Err(refused) => return refused.into_response(),
    };
    // Awaited here, not in a shared async helper: this is the hottest
    // route, and each async layer copies the verification's future.
    let verdict = state.verifier().verify(asked.input(headers, addr)).await;
    fa_answer(&verdict)
}

/// Forward-auth for proxies that append the original request's path and
/// query to the check's (Envoy's `ext_authz` HTTP service: `path_prefix:
/// /v1/forward-auth` makes `/v1/forward-auth/orders?x=1`). The path and
/// query after the prefix are the client's own, so nothing is read from
/// them: the requirements come from headers the proxy sets,
/// `X-Keywarden-Scopes` and `X-Keywarden-Require-Environment`. Answers as
/// forward-auth does.
#[utoipa::path(get, path = "/v1/forward-auth/{path}", tag = "verify", operation_id = "forward_auth_proxied",
    params(
        ("path" = String, Path, description = "the original request's path, as the proxy appends it (not read)"),
        ("Authorization" = Option<String>, Header, description = "Bearer <key>"),
        ("X-API-Key" = Option<String>, Header, description = "the key, when Authorization is not used"),
        ("X-Keywarden-Scopes" = Option<crate::api::schema::ScopeList>, Header, description = "required scopes, comma-separated"),
        ("X-Keywarden-Require-Environment" = Option<keywarden_proto::schemas::Environment>, Header, description = "required environment"),
        ("X-Keywarden-Permissions" = Option<keywarden_proto::schemas::PermissionQuery>, Header, description = "a permission query the key must satisfy"),
        ("X-Keywarden-Require-Space" = Option<keywarden_proto::schemas::SpaceId>, Header, description = "the space this API serves: a key of another is `NOT_FOUND`")),
    responses((status = 200, description = "valid; identity in X-Keywarden-* headers"),
        (status = 400, body = ErrorBody, description = "The permission query is malformed (`INVALID_PERMISSION_QUERY`, naming the position)."),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "A requirement header is not valid. Codes: `INVALID_SCOPES`, `INVALID_ENVIRONMENT`, `INVALID_SPACE`."),
        (status = 429, body = ErrorBody)))]
pub async fn forward_auth_proxied(
    State(state): State<AppState>,
    addr: ClientAddr,
    request: axum::extract::Request,
) -> Response {
    let headers = request.headers();
    let environment = match headers.get(&REQUIRE_ENVIRONMENT).map(|v| v.to_str()) {
        None => None,
        Some(Ok(text)) => Some(std::borrow::Cow::Borrowed(text)),
        Some(Err(_)) => {
            return ApiError::invalid(
                "INVALID_ENVIRONMENT",
                "X-Keywarden-Require-Environment is not ASCII text",
            )
            .into_response();
        }
    };
    let space = match headers.get(&REQUIRE_SPACE).map(|v| v.to_str()) {
        None => None,
        Some(Ok(text)) => Some(std::borrow::Cow::Borrowed(text)),
        Some(Err(_)) => {
            return ApiError::invalid(
                "INVALID_SPACE",
                "X-Keywarden-Require-Space is not ASCII text",
            )
            .into_response();
        }
    };
    let q = FaQuery {
        environment,
        space,
        ..FaQuery::default()
    };
    let asked = match FaRequirements::read(headers, &q) {
        Ok(asked) => asked,
        Err(refused) => return refused.into_response(),
    };
    let verdict = state.verifier().verify(asked.input(headers, addr)).await;
    fa_answer(&verdict)
}

/// What a forward-auth request requires, checked: its scopes (the query's
/// and the header's: a proxy may set one per location and the other per
/// route), environment and cost.
struct FaRequirements<'a> {
    scopes: Arc<[Scope]>,
    permissions: Option<Arc<PermissionQuery>>,
    space: Option<SpaceId>,
    environment: Option<&'a str>,
    cost: u32,
}

impl<'a> FaRequirements<'a> {
    /// The requirements of `q` and the headers, or the refusal to answer.
    fn read(headers: &HeaderMap, q: &'a FaQuery<'a>) -> Result<Self, ApiError> {
        let header = match headers.get(&SCOPES).map(|v| v.to_str()) {
            None => None,
            Some(Ok(text)) => Some(text),
            Some(Err(_)) => {
                return Err(ApiError::invalid(
                    "INVALID_SCOPES",
                    "X-Keywarden-Scopes is not ASCII text",
                ));
            }
        };
        let scopes = required_scopes(q.scopes.as_deref(), header)?;
        let permissions_header = match headers.get(&PERMISSIONS).map(|v| v.to_str()) {
            None => None,
            Some(Ok(text)) => Some(text),
            Some(Err(_)) => {
                return Err(ApiError::new(
                    axum::http::StatusCode::BAD_REQUEST,
                    "INVALID_PERMISSION_QUERY",
                    "X-Keywarden-Permissions is not ASCII text",
                ));
            }
        };
        let permissions = required_permissions(q.permissions.as_deref(), permissions_header)?;
        let space = q.space.as_deref().map(parse_space).transpose()?;
        check_environment(q.environment.as_deref())?;
        let cost = check_cost(q.cost)?;
        Ok(Self {
            scopes,
            permissions,
            space,
            environment: q.environment.as_deref(),
            cost,
        })
    }

    /// The verification they ask for, of the key the headers present.
    fn input<'r>(&'r self, headers: &'r HeaderMap, addr: ClientAddr) -> VerifyInput<'r> {
        VerifyInput {
            key: presented_key(headers),
            environment: self.environment,
            scopes: &self.scopes,
            permissions: self.permissions.as_deref(),
            space: self.space.as_ref(),
            visible: None,
            client_ip: addr.client,
            peer_ip: addr.peer,
            user_agent: keywarden_proto::user_agent(headers),
            cost: self.cost,
        }
    }
}

/// Forward-auth's answer to a verdict: 200 with the identity headers, or
/// the refusal; the rate limit's state either way.
fn fa_answer(verdict: &Verdict) -> Response {
    let mut response = match (&verdict.key, verdict.is_valid()) {
        (Some(key), true) => {
            // Sized for every header this answer gets on its way out (the
            // identity, rate limit, request id, date, length): no regrowth.
            let mut h = axum::http::HeaderMap::with_capacity(12);
            for (name, value) in [KEY_ID, OWNER, SCOPES, ENVIRONMENT]
                .into_iter()
                .zip(identity_headers(key))
            {
                if let Some(v) = value {
                    h.insert(name, v);
                }
            }
            let mut r = Response::new(axum::body::Body::empty());
            *r.headers_mut() = h;
            r
        }
        _ => refusal(verdict),
    };
    if let Some(key) = &verdict.key {
        crate::access::log_key(&mut response, key);
    }
    if let Some(rate) = verdict.rate {
        let h = response.headers_mut();
        if let (Ok(l), Ok(r)) = (
            HeaderValue::from_str(&rate.limit.to_string()),
            HeaderValue::from_str(&rate.remaining.to_string()),
        ) {
            h.insert(RL_LIMIT, l);
            h.insert(RL_REMAINING, r);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::{FaQuery, ForwardAuthQuery};
    use proptest::prelude::*;

    /// What `serde_urlencoded` makes of a query: the meaning the in-place
    /// reading must keep.
    fn by_serde(text: &str) -> Result<FaQuery<'static>, ()> {
        serde_urlencoded::from_str::<ForwardAuthQuery>(text)
            .map(FaQuery::from)
            .map_err(|_| ())
    }

    #[test]
    fn plain_queries_are_read_in_place_as_serde_reads_them() {
        for text in [
            "",
            "scopes=orders:read",
            "scopes=orders:read,orders:write&environment=live&cost=3",
            "cost=0",
            "cost=",
            "cost=x",
            "cost=4294967296",
            "scopes=a&scopes=b",
            "environment=&environment=live",
            "other=1&scopes=a",
            "scopes",
            "other",
            "&&scopes=a&&",
            "scopes=a=b",
            "scopes=%61",
            "scopes=a+b",
            "scopes=%zz",
            "cost=%33",
        ] {
            let fast = FaQuery::read(text);
            assert_eq!(fast, by_serde(text), "{text:?}");
            let plain = !text.contains(['%', '+'])
                && text.split('&').all(|p| p.is_empty() || p.contains('='));
            if plain && let Ok(q) = fast {
                assert!(
                    q.scopes
                        .iter()
                        .chain(&q.environment)
                        .all(|v| matches!(v, std::borrow::Cow::Borrowed(_))),
                    "{text:?} was copied"
                );
            }
        }
    }

    /// The lists as a parse without the memo reads them.
    fn parsed(query: Option<&str>, header: Option<&str>) -> Option<Vec<String>> {
        super::parse_required(query, header)
            .ok()
            .map(|s| s.iter().map(|s| s.as_str().to_owned()).collect())
    }

    fn required(query: Option<&str>, header: Option<&str>) -> Option<Vec<String>> {
        super::required_scopes(query, header)
            .ok()
            .map(|s| s.iter().map(|s| s.as_str().to_owned()).collect())
    }

    #[test]
    fn remembered_scope_lists_are_the_lists_asked_for() {
        // More lists than a thread remembers, each asked for three times in
        // turn, from the query, the header or both, with refused and
        // over-long texts among them: every answer is a fresh parse's.
        let long = (0..40)
            .map(|i| format!("r{i}:read"))
            .collect::<Vec<_>>()
            .join(",");
        let mut cases: Vec<(Option<String>, Option<String>)> = (0..40)
            .map(|i| {
                let list = format!("orders:r{i}, users:*");
                match i % 3 {
                    0 => (Some(list), None),
                    1 => (None, Some(list)),
                    _ => (Some(format!("a{i}:read")), Some(list)),
                }
            })
            .collect();
        cases.push((Some("orders:read".into()), Some("users:read".into())));
        cases.push((Some("users:read".into()), Some("orders:read".into())));
        cases.push((None, None));
        cases.push((Some(String::new()), None));
        cases.push((Some("not a scope".into()), None));
        cases.push((None, Some("orders:read,".into())));
        cases.push((Some(long.clone()), None));
        cases.push((Some(long), Some("x:y".into())));
        // In turn (each list pushed out before it comes back), then each
        // three times in a row (remembered, while the slots are reused).
        for _ in 0..3 {
            for (q, h) in &cases {
                let (q, h) = (q.as_deref(), h.as_deref());
                assert_eq!(required(q, h), parsed(q, h), "{q:?} {h:?}");
            }
        }
        for (q, h) in &cases {
            for _ in 0..3 {
                let (q, h) = (q.as_deref(), h.as_deref());
                assert_eq!(required(q, h), parsed(q, h), "{q:?} {h:?}");
            }
        }
        // A repeated short list is the remembered one, not a new parse.
        let first = super::required_scopes(Some("orders:read"), None).unwrap();
        let again = super::required_scopes(Some("orders:read"), None).unwrap();
        assert!(std::sync::Arc::ptr_eq(&first, &again));
        // The order of the texts is kept: query first, then header.
        assert_eq!(
            required(Some("users:read"), Some("orders:read")).unwrap(),
            ["users:read", "orders:read"]
        );
    }

    proptest! {
        #[test]
        fn any_query_means_what_serde_says(text in "[a-z=&%+0-9:,]{0,40}") {
            prop_assert_eq!(FaQuery::read(&text), by_serde(&text));
        }

        #[test]
        fn any_query_of_its_names_means_what_serde_says(
            pairs in proptest::collection::vec(
                ("(scopes|environment|cost|x)", "[a-z0-9:,]{0,6}", any::<bool>()), 0..5)
        ) {
            let text = pairs
                .iter()
                .map(|(n, v, eq)| if *eq { format!("{n}={v}") } else { n.clone() })
                .collect::<Vec<_>>()
                .join("&");
            prop_assert_eq!(FaQuery::read(&text), by_serde(&text));
        }
    }
}
