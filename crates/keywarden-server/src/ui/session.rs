//! Console sessions, their cookie, and the guard every signed-in route
//! passes through (session → root key → CSRF).
//!
//! Invariants:
//! - The cookie holds a 256-bit random token from the OS CSPRNG; the store
//!   keeps only its HMAC under the pepper (`console_sessions.digest`), so
//!   neither the database nor a dump of it yields a usable cookie.
//! - Sessions live in the store, so every node serves every session, a
//!   restart signs nobody out, and a sign-out ends the session everywhere.
//!   A store failure on the session path answers 503: it never signs out.
//! - A session names a root key id, never a key. Every request reads the
//!   session and that root key in one statement: a revoked key signs its
//!   sessions out on every node at once, and a narrowed one loses its
//!   buttons at once.
//! - Sessions expire after `session_idle` without a request and
//!   `session_max` after sign-in, whichever comes first (`last_seen_at` is
//!   written at most every `SESSION_TOUCH_MS`, so idle expiry is exact to
//!   within that).
//! - Every POST carries the session's CSRF token in a form field, compared
//!   in constant time before any handler runs. The token is an HMAC of the
//!   cookie token (under the pepper, another label than the session id), so
//!   nothing stored yields it. The sign-in form, which has no session yet,
//!   uses a double-submit cookie instead.
//! - A one-time notice (shown on the page after a redirect) is stored with
//!   the session and cleared once a page showed it.
//! - The space the console works in is a cookie (`kw_space`, set by the
//!   switcher's CSRF-checked POST), a preference and never a permission:
//!   the guard keeps it only when it names a space the root key sees, and
//!   every page still filters by what the key sees.
//! - A created or rolled key is held in the memory of the node that made it
//!   for exactly one render of its reveal page (POST → redirect → GET), then
//!   dropped (zeroized): a plaintext key never reaches the store, so that
//!   one page needs the same node (otherwise it says the key is no longer
//!   shown).

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex, MutexGuard},
};

use axum::{
    body::Body,
    extract::{FromRequest, FromRequestParts, OriginalUri, Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use keywarden_core::{clock::UnixMillis, random, secret::Token, spaces::SpaceId};
use keywarden_store::{AuditDraft, RootKeyRecord, SESSION_TOUCH_MS, SpaceSummary};
use serde::Deserialize;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::{auth::ClientAddr, authz::Actor, state::AppState};

use super::bare as html;

/// The session cookie.
pub(crate) const SESSION_COOKIE: &str = "kw_session";
/// The sign-in form's double-submit cookie.
pub(crate) const SIGNIN_COOKIE: &str = "kw_signin";
/// The space the console works in (absent: every space the root key sees).
/// A preference, not a permission: the guard keeps it only while the root
/// key sees that space, and every page still filters by what it sees.
pub(crate) const SPACE_COOKIE: &str = "kw_space";
/// Most keys a node holds for their reveal page; past it the oldest goes.
const MAX_REVEALS: usize = 10_000;
/// A key not picked up from the reveal page within this time is dropped.
const REVEAL_TTL_MS: i64 = 10 * 60_000;

/// A plaintext key waiting for its one render.
pub(crate) struct Reveal {
    /// The key's id.
    pub(crate) key_id: String,
    /// The key itself.
    pub(crate) key: keywarden_core::secret::PlaintextKey,
    /// For a roll: the old key's id and when it stops working.
    pub(crate) rolled_from: Option<(String, Option<UnixMillis>)>,
    /// A one-time share link of the key, when one was asked for (it opens
    /// the key, so it is held as carefully).
    pub(crate) share_url: Option<keywarden_core::secret::SecretString>,
    at: UnixMillis,
}

impl Reveal {
    pub(crate) fn new(
        key_id: String,
        key: keywarden_core::secret::PlaintextKey,
        rolled_from: Option<(String, Option<UnixMillis>)>,
        at: UnixMillis,
    ) -> Self {
        Self {
            key_id,
            key,
            rolled_from,
            share_url: None,
            at,
        }
    }

    /// The same, with a share link to show.
    pub(crate) fn with_share(self, url: Option<keywarden_core::secret::SecretString>) -> Self {
        Self {
            share_url: url,
            ..self
        }
    }
}

/// The console's session rules, and the keys this node holds for their
/// one reveal (sessions themselves are in the store).
pub(crate) struct Sessions {
    reveals: Mutex<HashMap<[u8; 32], Reveal>>,
    idle_ms: i64,
    max_ms: i64,
}

/// What the guard learns about a live session.
#[derive(Clone)]
pub(crate) struct Console {
    /// The session's actor: its root key and the client's address, so
    /// permission checks and audit entries are those of the API.
    pub(crate) actor: Actor,
    /// The session's id (the digest of its token).
    pub(crate) session: [u8; 32],
    /// The session's CSRF token, for forms.
    pub(crate) csrf: Token,
    /// The console's sessions (for reveals).
    pub(crate) sessions: Arc<Sessions>,
    /// The stored one-time notice, until a page takes it.
    notice: Arc<Mutex<Option<String>>>,
    /// The space the console works in (its cookie, when the root key sees
    /// that space).
    space: Option<SpaceId>,
    /// This request's path and query, for the space switcher's way back.
    here: String,
    /// The spaces the root key sees, once a page asked (one query a page).
    spaces: Arc<Mutex<Option<Arc<Vec<SpaceSummary>>>>>,
}

impl Console {
    /// Whether the signed-in actor may run commands `C` (what a page
    /// offers; running one is authorized as in the API).
    pub(crate) fn may<C: crate::authz::Command>(&self) -> bool {
        self.actor.may::<C>()
    }

    /// The spaces the signed-in root key sees (`None`: every space), as
    /// store filters take them.
    pub(crate) fn visible(&self) -> Option<Vec<keywarden_core::spaces::SpaceId>> {
        self.actor.spaces().map(<[_]>::to_vec)
    }

    /// The signed-in root key.
    pub(crate) fn root(&self) -> &RootKeyRecord {
        self.actor.root()
    }

    /// The space the console works in; `None`: every space it sees.
    pub(crate) fn space(&self) -> Option<&SpaceId> {
        self.space.as_ref()
    }

    /// This request's path and query (where the space switcher returns).
    pub(crate) fn here(&self) -> &str {
        &self.here
    }

    /// The spaces the signed-in root key sees, with their counts: read from
    /// the store once per request, whoever asks first (the page shell's
    /// switcher, a form's space list).
    pub(crate) async fn spaces(
        &self,
        state: &AppState,
    ) -> Result<Arc<Vec<SpaceSummary>>, keywarden_store::StoreError> {
        let lock = || {
            self.spaces
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if let Some(spaces) = lock().as_ref() {
            return Ok(spaces.clone());
        }
        // A request's handler asks one thing at a time, so no second query
        // runs while this one does.
        let spaces = Arc::new(state.store().list_spaces(self.actor.spaces()).await?);
        *lock() = Some(spaces.clone());
        Ok(spaces)
    }

    /// Keeps a list of the spaces the root key sees that a page read itself
    /// (audited), so that the switcher does not read it again.
    pub(crate) fn keep_spaces(&self, spaces: Arc<Vec<SpaceSummary>>) {
        *self
            .spaces
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(spaces);
    }

    /// Leaves a one-time message for the next page. The action it reports
    /// is done, so a store failure only loses the message (logged).
    pub(crate) async fn notice(&self, state: &AppState, text: impl Into<String>) {
        let text = text.into();
        if let Err(err) = state.store().set_console_notice(&self.session, &text).await {
            tracing::warn!(error = %err, "console: storing a notice failed");
        }
    }

    /// Takes the one-time message, if any (the guard clears it in the store
    /// once the page is rendered).
    pub(crate) fn take_notice(&self) -> Option<String> {
        self.notice
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }
}

impl FromRequestParts<AppState> for Console {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Response> {
        // Set by `guard`, which every signed-in route sits behind.
        parts.extensions.get::<Self>().cloned().ok_or_else(|| {
            tracing::error!("console route without the session guard");
            html::error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "internal error",
            )
        })
    }
}

impl Sessions {
    /// Sessions that expire after `idle_ms` without use and `max_ms` after
    /// sign-in.
    pub(crate) fn new(idle_ms: i64, max_ms: i64) -> Self {
        Self {
            reveals: Mutex::new(HashMap::new()),
            idle_ms,
            max_ms,
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<[u8; 32], Reveal>> {
        // A panic while holding the lock cannot leave a reveal half-written
        // (every change is a single insert or remove), so the data is still
        // sound after poisoning.
        self.reveals
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether a session signed in at `created_at` and last seen at
    /// `last_seen` is still live at `now`.
    fn live(&self, created_at: UnixMillis, last_seen: UnixMillis, now: UnixMillis) -> bool {
        now - last_seen < self.idle_ms && now - created_at < self.max_ms
    }

    /// Forgets what this node holds for session `id`.
    fn forget(&self, id: &[u8; 32]) {
        self.lock().remove(id);
    }

    /// Holds a new key for its one render.
    pub(crate) fn hold_reveal(&self, id: &[u8; 32], reveal: Reveal) {
        let now = reveal.at;
        let mut map = self.lock();
        map.retain(|_, r| now - r.at < REVEAL_TTL_MS);
        if map.len() >= MAX_REVEALS
            && let Some(oldest) = map.iter().min_by_key(|(_, r)| r.at).map(|(k, _)| *k)
        {
            map.remove(&oldest);
        }
        map.insert(*id, reveal);
    }

    /// Takes the held key if it is `key_id`'s and fresh; it is gone
    /// afterwards either way it was taken.
    pub(crate) fn take_reveal(
        &self,
        id: &[u8; 32],
        key_id: &str,
        now: UnixMillis,
    ) -> Option<Reveal> {
        let mut map = self.lock();
        if map.get(id).is_some_and(|r| r.key_id == key_id) {
            map.remove(id).filter(|r| now - r.at < REVEAL_TTL_MS)
        } else {
            None
        }
    }
}

/// The server-side id of a session token: its HMAC under the pepper.
fn session_id(state: &AppState, token: &str) -> [u8; 32] {
    state
        .store()
        .peppers()
        .current()
        .mac_labeled(b"keywarden console session v1\0", token.as_bytes())
}

/// The CSRF token of a session token: another HMAC of it, so it is stable
/// for the session, differs between sessions, and is stored nowhere.
fn csrf_token(state: &AppState, token: &str) -> Token {
    let mac = state
        .store()
        .peppers()
        .current()
        .mac_labeled(b"keywarden console csrf v1\0", token.as_bytes());
    Token::derived(Zeroizing::new(hex::encode(mac)))
}

/// The console's answer when its store fails on the session path: 503,
/// never a sign-out.
fn store_unavailable() -> Response {
    html::error_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "The store does not answer",
        "keywarden could not read its store. Try again in a moment.",
    )
}

/// The value of cookie `name` in a request.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// Whether the browser reached us over TLS: always when the server speaks
/// TLS itself; behind a proxy only a trusted proxy's `X-Forwarded-Proto`
/// can say so.
pub(crate) fn over_tls(state: &AppState, parts_peer: Option<IpAddr>, headers: &HeaderMap) -> bool {
    if state.config().tls_enabled() {
        return true;
    }
    let trusted = parts_peer.is_some_and(|peer| {
        state
            .config()
            .trusted_proxies
            .iter()
            .any(|net| net.contains(&peer))
    });
    trusted
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value for the console (`Path=/ui`, HttpOnly, SameSite=Strict).
pub(crate) fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    path_cookie(name, value, "/ui", max_age_secs, secure)
}

/// A `Set-Cookie` value for the pages under `path` (HttpOnly,
/// SameSite=Strict, Secure over TLS).
pub(crate) fn path_cookie(
    name: &str,
    value: &str,
    path: &str,
    max_age_secs: i64,
    secure: bool,
) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text = format!(
        "{name}={value}; Path={path}; Max-Age={max_age_secs}; HttpOnly; SameSite=Strict{secure}"
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The peer address of the connection (not a forwarded one).
pub(crate) fn peer(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
}

/// Starts a session for a freshly authenticated root key and answers with
/// its cookie and a redirect to `next` (503 if the store cannot keep it).
pub(crate) async fn sign_in_response(
    state: &AppState,
    root: &RootKeyRecord,
    secure: bool,
    old_session: Option<&str>,
    next: &str,
) -> Response {
    if let Some(old) = old_session {
        // A new sign-in never reuses a session (no fixation): the new token
        // is fresh whatever happens to the old one, which otherwise expires.
        if let Err(err) = state
            .store()
            .end_console_session(&session_id(state, old))
            .await
        {
            tracing::warn!(error = %err, "console: ending the previous session failed");
        }
    }
    let token = Zeroizing::new(random::base62_string(43));
    let id = session_id(state, &token);
    if let Err(err) = state
        .store()
        .create_console_session(&id, &root.id, state.now())
        .await
    {
        tracing::error!(error = %err, "console: storing a session failed");
        return html::error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Sign-in failed",
            "keywarden could not store your session. Try again in a moment.",
        );
    }
    let max_age = state.config().session_max.ms() / 1000;
    let mut res = Redirect::to(next).into_response();
    let headers = res.headers_mut();
    headers.append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, &token, max_age, secure),
    );
    headers.append(header::SET_COOKIE, set_cookie(SIGNIN_COOKIE, "", 0, secure));
    *res.status_mut() = StatusCode::SEE_OTHER;
    res
}

/// Ends the session of this request on every node and clears its cookie
/// (503, the session still alive, if the store cannot end it).
pub(crate) async fn sign_out_response(
    state: &AppState,
    console: &Console,
    secure: bool,
) -> Response {
    console.sessions.forget(&console.session);
    if let Err(err) = state.store().end_console_session(&console.session).await {
        tracing::error!(error = %err, "console: ending a session failed");
        return html::error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Sign-out failed",
            "keywarden could not reach its store, so your session is still open. \
             Try again in a moment.",
        );
    }
    let mut res = (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, "/ui/sign-in?signed_out=1")],
    )
        .into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", 0, secure),
    );
    res.headers_mut()
        .append(header::SET_COOKIE, set_cookie(SPACE_COOKIE, "", 0, secure));
    res
}

/// The space cookie of a request, when it names a space `actor` sees
/// (anything else — no space id, a space of another root key — is no
/// choice: every space).
fn chosen_space(headers: &HeaderMap, actor: &Actor) -> Option<SpaceId> {
    cookie(headers, SPACE_COOKIE)
        .and_then(|v| v.parse::<SpaceId>().ok())
        .filter(|s| actor.sees(s))
}

/// Where to go after signing in: only console paths, never elsewhere (no
/// open redirect).
pub(crate) fn safe_next(next: Option<&str>) -> &str {
    match next {
        // Printable ASCII only: browsers drop tabs and line breaks from a
        // URL (`/ui/\t/evil` would be read as `/ui//evil`), and a Location
        // header holds nothing else.
        Some(n)
            if (n == "/ui" || n.starts_with("/ui/"))
                && n.len() <= 300
                && n.bytes().all(|b| b.is_ascii_graphic())
                && !n.contains("//")
                && !n.contains('\\')
                && !n.starts_with("/ui/sign-") =>
        {
            n
        }
        _ => "/ui",
    }
}

fn to_sign_in(method: &Method, path: &str, reason: Option<&str>, secure: bool) -> Response {
    let mut location = String::from("/ui/sign-in");
    let mut sep = '?';
    if method == Method::GET && path != "/ui" && path.starts_with("/ui/") && path.len() < 300 {
        location.push_str("?next=");
        location.push_str(&percent_encode(path));
        sep = '&';
    }
    let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, &location)]).into_response();
    if let Some(r) = reason {
        location.push(sep);
        location.push_str("reason=");
        location.push_str(r);
        res = (StatusCode::SEE_OTHER, [(header::LOCATION, &location)]).into_response();
        // The session is gone: so is its cookie, and the next visit is a
        // plain signed-out one.
        res.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(SESSION_COOKIE, "", 0, secure),
        );
    }
    res
}

/// Percent-encodes everything but unreserved characters and `/`, for the
/// `next=` of the sign-in redirect and key ids in links. Kept by hand on
/// purpose: `form_urlencoded` (the one in the tree) also encodes `/`, so
/// every `next=/ui/keys` would become `next=%2Fui%2Fkeys`, for eight lines.
pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[derive(Deserialize)]
struct CsrfField {
    csrf: Option<String>,
}

/// Constant-time comparison of a submitted token with the expected one.
pub(crate) fn tokens_match(given: Option<&str>, expected: &str) -> bool {
    given.is_some_and(|g| bool::from(g.as_bytes().ct_eq(expected.as_bytes())))
}

/// The guard in front of every signed-in route: a live session, its root
/// key still valid, and on POST a matching CSRF token. It hands the
/// handlers a [`Console`].
pub(crate) async fn guard(
    State(state): State<AppState>,
    addr: ClientAddr,
    OriginalUri(uri): OriginalUri,
    req: Request,
    next: Next,
) -> Response {
    let now = state.now();
    let ip = addr.client;
    let method = req.method().clone();
    let path = uri.path().to_owned();
    let secure = over_tls(
        &state,
        req.extensions()
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip()),
        req.headers(),
    );
    let Some(sessions) = req.extensions().get::<Arc<Sessions>>().cloned() else {
        return html::error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal error",
            "The console is not set up.",
        );
    };
    let Some(token) = cookie(req.headers(), SESSION_COOKIE) else {
        return to_sign_in(&method, &path, None, secure);
    };
    let id = session_id(&state, token);
    let csrf = csrf_token(&state, token);
    let stored = match state.store().console_session(&id).await {
        Ok(Some(stored)) => stored,
        Ok(None) => return to_sign_in(&method, &path, Some("expired"), secure),
        Err(err) => {
            tracing::error!(error = %err, "console: session lookup failed");
            return store_unavailable();
        }
    };
    let reason = if !sessions.live(stored.created_at, stored.last_seen_at, now) {
        Some("expired")
    } else if stored.root.revoked_at.is_some() {
        Some("revoked")
    } else {
        None
    };
    if let Some(reason) = reason {
        sessions.forget(&id);
        if let Err(err) = state.store().end_console_session(&id).await {
            // Dead all the same (every node checks the same rules); the
            // prune removes the row later.
            tracing::warn!(error = %err, "console: removing a dead session failed");
        }
        return to_sign_in(&method, &path, Some(reason), secure);
    }
    if now - stored.last_seen_at >= SESSION_TOUCH_MS
        && let Err(err) = state.store().touch_console_session(&id, now).await
    {
        // The session is valid (it was just read); a store that cannot take
        // writes (full disk) still serves the console's pages, and idle
        // expiry counts from the last write that succeeded.
        tracing::warn!(error = %err, "console: noting a session's use failed");
    }
    let shown = stored.notice.clone();
    let notice = Arc::new(Mutex::new(stored.notice));
    let root = stored.root;
    let actor = Actor::console(root, ip);
    let space = chosen_space(req.headers(), &actor);
    let here = match uri.query() {
        Some(q) => format!("{path}?{q}"),
        None => path.clone(),
    };
    let mut req = req;
    if method == Method::POST {
        let cross_site = req
            .headers()
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("cross-site"));
        let (parts, body) = req.into_parts();
        let limit = state.config().max_body_bytes;
        let bytes = match axum::body::to_bytes(body, limit).await {
            Ok(bytes) => bytes,
            Err(err) if crate::budget::is_spent(&err) => {
                return html::error_page(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The server is busy",
                    "It holds as many requests as it can now. Try again in a moment.",
                );
            }
            Err(_) => {
                return html::error_page(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "Too much input",
                    "The form was larger than the server accepts.",
                );
            }
        };
        let probe = Request::builder()
            .method(Method::POST)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(bytes.clone()));
        let given = match probe {
            Ok(probe) => axum::Form::<CsrfField>::from_request(probe, &())
                .await
                .ok()
                .and_then(|f| f.0.csrf),
            Err(_) => None,
        };
        if cross_site || !given.as_deref().is_some_and(|g| csrf.matches(g)) {
            let draft = AuditDraft {
                outcome: keywarden_store::AuditOutcome::Denied.into(),
                ..actor.draft(
                    &state,
                    keywarden_store::AuditAction::ConsoleCsrf,
                    Some(&format!("POST {path}")),
                    serde_json::json!({
                        "reason": if cross_site { "cross-site request" } else { "missing or wrong CSRF token" }
                    }),
                )
            };
            if let Err(err) = state.store().audit(&draft).await {
                tracing::error!(error = %err, "console: auditing a CSRF refusal failed");
            }
            return html::error_page(
                StatusCode::FORBIDDEN,
                "Request refused",
                "This form was not sent from a page of this console (its security token is \
                 missing or stale). Go back, reload the page and try again.",
            );
        }
        req = Request::from_parts(parts, Body::from(bytes));
    }
    req.extensions_mut().insert(Console {
        actor,
        session: id,
        csrf,
        sessions,
        notice: notice.clone(),
        space,
        here,
        spaces: Arc::default(),
    });
    let res = next.run(req).await;
    let taken = notice
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .is_none();
    if let Some(shown) = shown.filter(|_| taken)
        && let Err(err) = state.store().clear_console_notice(&id, &shown).await
    {
        // The message shows once more; harmless.
        tracing::warn!(error = %err, "console: clearing a shown notice failed");
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_in_the_console() {
        assert_eq!(safe_next(Some("/ui/keys/key_abc")), "/ui/keys/key_abc");
        assert_eq!(safe_next(Some("/ui")), "/ui");
        assert_eq!(safe_next(Some("https://evil.example/")), "/ui");
        assert_eq!(safe_next(Some("//evil.example/ui/")), "/ui");
        assert_eq!(safe_next(Some("/ui//evil.example")), "/ui");
        assert_eq!(safe_next(Some("/ui/\\evil")), "/ui");
        assert_eq!(safe_next(Some("/uifoo")), "/ui");
        // Control characters (a browser drops tabs and line breaks from a
        // URL, making `//`), spaces, non-ASCII and over-long paths.
        for bad in [
            "/ui/\t/evil.example",
            "/ui/\n/evil.example",
            "/ui/keys\r\nSet-Cookie: x=1",
            "/ui/\u{7f}",
            "/ui/a b",
            "/ui/ünï",
        ] {
            assert_eq!(safe_next(Some(bad)), "/ui", "{bad:?}");
        }
        assert_eq!(safe_next(Some(&format!("/ui/{}", "a".repeat(400)))), "/ui");
        assert_eq!(safe_next(Some("/ui/sign-out")), "/ui");
        assert_eq!(safe_next(None), "/ui");
    }

    #[test]
    fn cookies_are_read_by_exact_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("other=1; kw_session_x=2; kw_session=abc"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "missing"), None);
        let v = set_cookie(SESSION_COOKIE, "tok", 60, true);
        assert_eq!(
            v.to_str().unwrap(),
            "kw_session=tok; Path=/ui; Max-Age=60; HttpOnly; SameSite=Strict; Secure"
        );
    }

    #[test]
    fn tokens_compare_exactly() {
        assert!(tokens_match(Some("abc"), "abc"));
        assert!(!tokens_match(Some("abd"), "abc"));
        assert!(!tokens_match(Some("ab"), "abc"));
        assert!(!tokens_match(None, "abc"));
        assert!(!tokens_match(Some(""), "abc"));
    }

    #[test]
    fn idle_and_absolute_expiry() {
        let sessions = Sessions::new(1_000, 5_000);
        // Used every 900 ms: idle never passes, but the absolute limit does.
        let mut now = 0;
        while now + 900 < 5_000 {
            assert!(sessions.live(0, now, now + 900), "alive at {now}");
            now += 900;
        }
        assert!(!sessions.live(0, 4_900, 5_000), "past session_max");
        assert!(sessions.live(10_000, 10_000, 10_999));
        assert!(!sessions.live(10_000, 10_000, 11_000), "idle too long");
    }

    fn test_key() -> keywarden_core::secret::PlaintextKey {
        keywarden_core::key::mint(&Default::default(), &"live".parse().unwrap())
    }

    #[test]
    fn a_reveal_is_taken_once() {
        let sessions = Sessions::new(60_000, 600_000);
        let id = [1u8; 32];
        let key = test_key();
        let text = key.expose().to_owned();
        sessions.hold_reveal(&id, Reveal::new("key_a".into(), key, None, 0));
        assert!(
            sessions.take_reveal(&id, "key_b", 1).is_none(),
            "another key's page"
        );
        let r = sessions.take_reveal(&id, "key_a", 1).unwrap();
        assert_eq!(r.key.expose(), text);
        assert!(sessions.take_reveal(&id, "key_a", 2).is_none(), "only once");
        sessions.hold_reveal(&id, Reveal::new("key_a".into(), test_key(), None, 0));
        assert!(
            sessions.take_reveal(&id, "key_a", REVEAL_TTL_MS).is_none(),
            "too late"
        );
    }
}
