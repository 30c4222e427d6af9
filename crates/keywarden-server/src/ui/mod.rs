//! The web console under `/ui`: server-rendered HTML (maud), a little
//! progressive-enhancement JavaScript, CSS and JS embedded in the binary.
//!
//! # Layout
//!
//! - `mod.rs`: the router, security headers on every response, assets, the
//!   form and query extractors whose rejections are pages.
//! - `session`: sessions, cookies, and the guard (session → root key → CSRF)
//!   in front of every signed-in route.
//! - `signin`: sign-in and sign-out.
//! - `overview`, `keys`, `emergency`, `audit`, `generator`: the pages.
//! - `spaces`: the space switcher (`POST /ui/space`, the `kw_space`
//!   cookie the guard reads into `Console::space`, which the keys list,
//!   overview, audit and events pages filter by) and the spaces pages;
//!   `roles`: a space's roles.
//! - `html`: the page shell, components and formatting; `chart`: SVG charts.
//! - `assets/`: `app.css`, `app.js` (dialogs, copy buttons, the in-browser
//!   key and JWT secret generator).
//!
//! The console authorises exactly like the API: handlers hold the session's
//! [`Actor`](crate::authz::Actor), build the same commands
//! ([`crate::command`]), have them authorized by
//! [`crate::authz::authorize`] (which audits refusals), and change keys
//! through the key service the API handlers call too (`crate::keys::{create,
//! update, roll, revoke, disable, enable, bulk}`), so their audit entries
//! are identical. What a page offers is asked of `Console::may::<C>()`. A
//! `KeyError`'s field names the form field its message is shown next to.

use axum::{
    Router,
    extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request},
    http::{HeaderValue, StatusCode, header, request::Parts},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::de::DeserializeOwned;

use crate::state::AppState;

mod audit;
mod bare;
mod chart;
mod emergency;
mod events;
mod generator;
mod html;
mod keys;
mod overview;
mod owners;
pub(crate) mod portal;
mod roles;
mod secrets;
mod session;
pub(crate) use session::cookie;
mod signin;
mod spaces;

/// The Content-Security-Policy of every console response: only our own
/// script and stylesheet, no inline code, no framing, forms post only here.
pub(crate) const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
    base-uri 'none'";

const APP_CSS: &str = include_str!("assets/app.css");
const APP_JS: &str = include_str!("assets/app.js");

/// The console's routes, with its session rules and the keys this node
/// holds for their one reveal (the sessions themselves are in the store).
pub(crate) fn router(state: &AppState) -> Router<AppState> {
    let sessions = std::sync::Arc::new(session::Sessions::new(
        state.config().session_idle.ms(),
        state.config().session_max.ms(),
    ));
    let signed_in = Router::new()
        .route("/", get(overview::show))
        .route("/keys", get(keys::list).post(keys::create))
        .route("/keys/new", get(keys::new_form))
        .route("/keys/{id}", get(keys::detail))
        .route("/keys/{id}/created", get(keys::created))
        .route("/keys/{id}/edit", get(keys::edit_form).post(keys::edit))
        .route(
            "/keys/{id}/revoke",
            get(keys::revoke_form).post(keys::revoke),
        )
        .route("/keys/{id}/roll", get(keys::roll_form).post(keys::roll))
        .route("/keys/{id}/disable", post(keys::disable))
        .route("/keys/{id}/enable", post(keys::enable))
        .route("/keys/{id}/approve", post(keys::approve))
        .route("/keys/{id}/decline", post(keys::decline))
        .route("/pending", get(keys::pending))
        .route(
            "/emergency",
            get(emergency::page_route).post(emergency::revoke_all),
        )
        .route("/owners/{owner}", get(owners::page_route))
        .route("/audit", get(audit::page_route))
        .route("/events", get(events::page_route))
        .route("/events/{id}/redeliver", post(events::redeliver))
        .route("/space", post(spaces::switch))
        .route("/spaces", get(spaces::list).post(spaces::create))
        .route("/spaces/{space}", get(spaces::edit_form).post(spaces::edit))
        .route(
            "/spaces/{space}/delete",
            get(spaces::delete_form).post(spaces::delete),
        )
        .route("/spaces/{space}/roles", get(roles::list).post(roles::set))
        .route(
            "/spaces/{space}/roles/{role}/delete",
            get(roles::delete_form).post(roles::delete),
        )
        .route("/secrets", get(secrets::list).post(secrets::set))
        .route("/secrets/{env}/{name}", get(secrets::history))
        .route("/secrets/{env}/{name}/reveal", post(secrets::reveal))
        .route("/secrets/{env}/{name}/rollback", post(secrets::rollback))
        .route("/secrets/{env}/{name}/delete", post(secrets::delete))
        .route("/generator", get(generator::page_route))
        .route("/sign-out", post(signin::sign_out))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            session::guard,
        ));
    Router::new()
        .route("/sign-in", get(signin::page).post(signin::submit))
        .route("/assets/app.css", get(css))
        .route("/assets/app.js", get(js))
        .merge(signed_in)
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(state.config().max_body_bytes))
        .layer(axum::Extension(sessions))
        .layer(middleware::from_fn(security_headers))
}

/// Sets the console's security headers on every response, errors included.
async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    set_security_headers(res.headers_mut());
    res
}

/// The console's security headers (also the share page's).
pub(crate) fn set_security_headers(h: &mut axum::http::HeaderMap) {
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
}

pub(crate) async fn css() -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/css; charset=utf-8"),
        )],
        APP_CSS,
    )
}

async fn js() -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/javascript; charset=utf-8"),
        )],
        APP_JS,
    )
}

async fn not_found() -> Response {
    html::error_page(
        StatusCode::NOT_FOUND,
        "Page not found",
        "There is no console page at this address.",
    )
}

/// A urlencoded form; a body that cannot be read is a 400 page.
pub(crate) struct UiForm<T>(pub(crate) T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for UiForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        axum::Form::<T>::from_request(req, state)
            .await
            .map(|f| Self(f.0))
            .map_err(|_| {
                html::error_page(
                    StatusCode::BAD_REQUEST,
                    "The form could not be read",
                    "Send it from the console's own page.",
                )
            })
    }
}

/// Query parameters; unreadable ones are a 400 page.
pub(crate) struct UiQuery<T>(pub(crate) T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for UiQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Self(q.0))
            .map_err(|_| {
                html::error_page(
                    StatusCode::BAD_REQUEST,
                    "The address could not be read",
                    "Its query parameters are not valid.",
                )
            })
    }
}

/// Whether the browser reached us over TLS (for the cookies' `Secure`).
pub(crate) struct Tls(pub(crate) bool);

impl FromRequestParts<AppState> for Tls {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(session::over_tls(
            state,
            session::peer(parts),
            &parts.headers,
        )))
    }
}

/// An empty form field is no value.
pub(crate) fn non_empty(text: &str) -> Option<&str> {
    let t = text.trim();
    (!t.is_empty()).then_some(t)
}
