//! Sign-in with a root key typed into a form, and sign-out.
//!
//! The key travels once, in a POST body; it is checked like a bearer token
//! (`auth::authenticate`), and failures go through the same audit and
//! per-address throttle as the API's (`auth::refuse`). The browser keeps
//! only the session cookie.

use axum::{
    extract::State,
    http::{HeaderMap, Method, StatusCode, header},
    response::Response,
};
use keywarden_core::random;
use maud::html;
use serde::Deserialize;
use zeroize::Zeroizing;

use crate::{
    auth::{self, ClientAddr},
    state::AppState,
};

use super::{
    Tls, UiForm, UiQuery,
    html::{bare_page, error_page, form_error},
    session::{self, Console, SIGNIN_COOKIE},
};

/// How long a sign-in form stays valid.
const SIGNIN_FORM_SECS: i64 = 30 * 60;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct SignInQuery {
    next: Option<String>,
    reason: Option<String>,
    signed_out: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct SignInForm {
    csrf: String,
    key: String,
    next: String,
}

fn form(
    status: StatusCode,
    token: &str,
    next: &str,
    info: Option<&str>,
    error: Option<&str>,
    secure: bool,
) -> Response {
    let mut res = bare_page(
        status,
        "Sign in",
        html! {
            div class="card bare-card signin" {
                h1 { "Sign in to the console" }
                p class="muted" {
                    "Use a root key (" code { "kw_root_…" } "). It is checked once and never kept in your browser: "
                    "you get a session that ends after inactivity or when you sign out."
                }
                @if let Some(i) = info { div class="notice" role="status" { (i) } }
                (form_error(error))
                form method="post" action="/ui/sign-in" class="stack" autocomplete="off" {
                    input type="hidden" name="csrf" value=(token);
                    input type="hidden" name="next" value=(next);
                    div class="field" {
                        label for="key" { "Root key" }
                        input id="key" name="key" type="password" required autofocus
                            autocomplete="off" spellcheck="false" autocapitalize="off"
                            aria-invalid=[error.map(|_| "true")]
                            placeholder="kw_root_…";
                    }
                    button class="btn btn-primary btn-block" type="submit" { "Sign in" }
                }
                p class="muted small" {
                    "No root key? " code { "keywarden serve" } " prints one on first start; "
                    code { "keywarden admin root-key create" } " makes more."
                }
            }
        },
    );
    res.headers_mut().append(
        header::SET_COOKIE,
        session::set_cookie(SIGNIN_COOKIE, token, SIGNIN_FORM_SECS, secure),
    );
    res
}

/// `GET /ui/sign-in`.
pub(crate) async fn page(Tls(secure): Tls, UiQuery(q): UiQuery<SignInQuery>) -> Response {
    let next = session::safe_next(q.next.as_deref()).to_owned();
    let info = match (q.reason.as_deref(), q.signed_out.is_some()) {
        (_, true) => Some("You are signed out."),
        (Some("expired"), _) => Some("Your session ended. Sign in again to go on."),
        (Some("revoked"), _) => {
            Some("The root key of your session was revoked or removed. Sign in with another one.")
        }
        _ => None,
    };
    let token = random::base62_string(32);
    form(StatusCode::OK, &token, &next, info, None, secure)
}

/// `POST /ui/sign-in`.
pub(crate) async fn submit(
    State(state): State<AppState>,
    addr: ClientAddr,
    Tls(secure): Tls,
    headers: HeaderMap,
    UiForm(f): UiForm<SignInForm>,
) -> Response {
    let key = Zeroizing::new(f.key);
    let next = session::safe_next(Some(&f.next)).to_owned();
    let cross_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("cross-site"));
    let expected = session::cookie(&headers, SIGNIN_COOKIE).unwrap_or_default();
    if cross_site || expected.is_empty() || !session::tokens_match(Some(&f.csrf), expected) {
        return error_page(
            StatusCode::FORBIDDEN,
            "Sign-in refused",
            "This sign-in form has expired or was not sent from this console. \
             Reload the sign-in page and try again.",
        );
    }
    let now = state.now();
    let ip = addr.client;
    // The key is checked first: a correct root key signs in whatever the
    // address's failures; only failures are throttled (in `auth::refuse`).
    match auth::authenticate(state.store(), Some(key.trim()), state.now()).await {
        Ok(root) => {
            let draft = keywarden_store::AuditDraft {
                actor: root.id.to_string(),
                action: keywarden_store::AuditAction::ConsoleSignIn.into(),
                target: None,
                outcome: keywarden_store::AuditOutcome::Allowed.into(),
                client_ip: ip.map(|i| i.to_string()),
                details: serde_json::json!({}),
                at: now,
            };
            if let Err(err) = state.store().audit(&draft).await {
                tracing::error!(error = %err, "console: auditing a sign-in failed");
                return error_page(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Sign-in failed",
                    "keywarden could not write its audit log. Try again in a moment.",
                );
            }
            let old = session::cookie(&headers, session::SESSION_COOKIE);
            session::sign_in_response(&state, &root, secure, old, &next).await
        }
        Err(failure) => {
            let err = auth::refuse(&state, addr, &Method::POST, "/ui/sign-in", failure).await;
            let too_many;
            let message = match err.status() {
                StatusCode::UNAUTHORIZED => {
                    "That is not a valid root key (or it was revoked). Check it and try again."
                }
                StatusCode::TOO_MANY_REQUESTS => {
                    too_many = format!(
                        "Too many failed sign-ins from your address. Try again in {} seconds.",
                        err.retry_after().unwrap_or(60)
                    );
                    &too_many
                }
                StatusCode::SERVICE_UNAVAILABLE => {
                    "keywarden cannot reach its key store right now. Try again in a moment."
                }
                _ => err.message(),
            };
            let mut res = form(err.status(), &f.csrf, &next, None, Some(message), secure);
            if let Some(retry) = err.retry_after()
                && let Ok(v) = retry.to_string().parse()
            {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            res
        }
    }
}

/// `POST /ui/sign-out`.
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    Tls(secure): Tls,
    console: Console,
) -> Response {
    let draft = console.actor.draft(
        &state,
        keywarden_store::AuditAction::ConsoleSignOut,
        None,
        serde_json::json!({}),
    );
    if let Err(err) = state.store().audit(&draft).await {
        tracing::error!(error = %err, "console: auditing a sign-out failed");
    }
    session::sign_out_response(&state, &console, secure).await
}
