//! One-time share links: a new key handed to its owner without passing
//! through chat or e-mail. Making them is the engine's
//! (`keywarden_engine::share`); here are the link's page and its opening.
//!
//! `POST /v1/keys` (or a roll) with `share: {expires_in}` seals the key
//! (`keywarden_core::share`: AES-256-GCM under a key derived from a random
//! secret) and answers `share_url`: `<public_url>/s/<id>#<secret>`. The
//! store keeps only the ciphertext; the secret is in the fragment, which
//! browsers never send. `GET /s/<id>` is a page (the console's CSP: no
//! inline script) whose script, on a button press, asks `POST
//! /s/<id>/open` for the ciphertext with the proof that it holds the
//! fragment (`{"proof": HMAC-SHA256(secret, "keywarden share open v1")}`,
//! whose SHA-256 the store keeps) — the store deletes it in the same
//! transaction as the `key.share_opened` audit entry, so the link opens
//! once, and only for the holder of the whole link — and decrypts it with
//! WebCrypto.

use axum::{
    Json, Router,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
    routing::{get, post},
};
use base64::{Engine, engine::general_purpose::STANDARD};
use keywarden_core::secret::SecretString;
use keywarden_store::{AuditAction, AuditDraft, AuditOutcome};
use maud::{DOCTYPE, html};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    auth::ClientAddr,
    error::ApiError,
    extract::{ApiJson, ApiPath},
    state::AppState,
};

pub use keywarden_engine::share::*;

/// The share routes (public: the link is the credential).
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/s/share.js", get(script))
        .route("/s/{id}", get(page))
        .route("/s/{id}/open", post(open))
}

const SHARE_JS: &str = include_str!("ui/assets/share.js");

async fn script() -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/javascript; charset=utf-8"),
        )],
        SHARE_JS,
    )
}

/// The page that opens a link. It holds no secret and no ciphertext: a
/// link preview fetching it consumes nothing.
async fn page() -> Response {
    let body = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { "A key for you — keywarden" }
                link rel="stylesheet" href="/ui/assets/app.css";
                script src="/s/share.js" defer {}
            }
            body class="share" {
                main class="card narrow" id="share" {
                    h1 { "An API key for you" }
                    div id="share-ready" {
                        p { "Someone made an API key for you. It can be shown " strong { "once" } ": after that this link is dead." }
                        p class="muted" { "Have somewhere safe to put it (a secrets manager, your .env) before you press the button." }
                        button class="btn btn-primary" type="button" id="share-open" { "Show the key" }
                    }
                    div id="share-shown" hidden {
                        p { "Your key (shown once — store it now):" }
                        pre class="mono secret" { code id="share-key" {} }
                        button class="btn" type="button" id="share-copy" { "Copy" }
                        p { "As a line for your .env file:" }
                        pre class="mono" { code id="share-env" {} }
                    }
                    div id="share-gone" hidden class="alert alert-error" {
                        strong { "This link was already opened, has expired, or is not complete." }
                        " Ask for a new one: a link works once."
                    }
                    noscript { p class="alert alert-error" { "This page needs JavaScript: the key is decrypted in your browser, never on the server." } }
                }
            }
        }
    };
    let mut res = Html(body.into_string()).into_response();
    crate::ui::set_security_headers(res.headers_mut());
    res
}

/// The ciphertext, once.
#[derive(Serialize, ToSchema)]
struct Opened {
    /// `nonce || ciphertext`, base64.
    sealed: String,
    /// The key's environment-tagged prefix for the `.env` line.
    key_id: String,
}

/// What the share page sends to open a link: the proof that it holds the
/// link's fragment (`keywarden_core::share::proof`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OpenRequest {
    proof: SecretString,
}

async fn open(
    State(state): State<AppState>,
    addr: ClientAddr,
    headers: axum::http::HeaderMap,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<OpenRequest>,
) -> Result<Response, ApiError> {
    let gone = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "SHARE_GONE",
            "this link was already opened or has expired",
        )
    };
    if !(id.starts_with("shr_")
        && id.len() <= 40
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
    {
        return Err(gone());
    }
    // A wrong proof is answered as a link that is gone, and takes nothing.
    let proof_hash = keywarden_core::share::proof_hash(request.proof.expose()).ok_or_else(gone)?;
    let now = state.now();
    let user_agent = keywarden_proto::user_agent(&headers)
        .map(|ua| keywarden_core::names::display_safe(ua, 200));
    let opened = state
        .store()
        .take_share(&id, &proof_hash, now, |key_id| AuditDraft {
            actor: "share-link".to_owned(),
            action: AuditAction::KeyShareOpened.into(),
            target: Some(key_id.to_string()),
            outcome: AuditOutcome::Allowed.into(),
            client_ip: addr.client.map(|ip| ip.to_string()),
            details: serde_json::json!({ "share_id": id, "user_agent": user_agent }),
            at: now,
        })
        .await?
        .ok_or_else(gone)?;
    let mut res = Json(Opened {
        sealed: STANDARD.encode(&opened.sealed),
        key_id: opened.key_id.to_string(),
    })
    .into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}
