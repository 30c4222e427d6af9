//! One-time share links: a new key handed to its owner without passing
//! through chat or e-mail.
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
use keywarden_core::{
    clock::parse_duration,
    secret::{PlaintextKey, SecretString},
};
use keywarden_store::{AuditAction, AuditDraft, AuditOutcome, NewShare};
use maud::{DOCTYPE, html};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    auth::ClientAddr,
    error::ApiError,
    extract::{ApiJson, ApiPath},
    keys::{KeyError, KeyErrorKind, KeyField},
    state::AppState,
};

/// Default lifetime of a link.
pub const DEFAULT_SHARE_MS: i64 = 86_400_000;
/// Longest lifetime of a link.
pub const MAX_SHARE_MS: i64 = keywarden_proto::MAX_SHARE_LIFETIME_MS;

pub use keywarden_proto::keys::ShareRequest;

/// A share link asked for, checked: how long it may live. Made before the
/// key is, so a bad share changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShareLifetime(i64);

impl ShareLifetime {
    /// The default: 24 hours.
    pub const DEFAULT: Self = Self(DEFAULT_SHARE_MS);

    /// The lifetime a request asks for.
    pub fn parse(request: &ShareRequest) -> Result<Self, KeyError> {
        match request.expires_in.as_deref() {
            None => Ok(Self::DEFAULT),
            Some(text) => parse_duration(text)
                .filter(|ms| *ms <= MAX_SHARE_MS)
                .map(Self)
                .ok_or_else(|| {
                    KeyError::invalid(
                        KeyField::Share,
                        "share.expires_in must be a duration of at most 7d, like 24h",
                    )
                }),
        }
    }
}

/// A link sealed for a new key, to store with it.
pub(crate) struct Sealed {
    row: NewShare,
    fragment: zeroize::Zeroizing<String>,
}

impl Sealed {
    /// Seals `key` into a new link living `lifetime` from `now`.
    pub(crate) fn new(
        key: &PlaintextKey,
        lifetime: ShareLifetime,
        now: i64,
    ) -> Result<Self, KeyError> {
        let id = format!("shr_{}", keywarden_core::random::base62_string(22));
        let sealed = keywarden_core::share::seal(key.expose(), &id).ok_or_else(|| KeyError {
            field: None,
            kind: KeyErrorKind::Internal("sealing a share failed".to_owned()),
            message: "internal error".to_owned(),
        })?;
        Ok(Self {
            row: NewShare {
                id,
                sealed: sealed.sealed,
                proof_hash: sealed.proof_hash,
                expires_at: now.saturating_add(lifetime.0),
            },
            fragment: sealed.fragment,
        })
    }

    /// What the store keeps (never the fragment).
    pub(crate) fn row(&self) -> &NewShare {
        &self.row
    }

    /// The link, with its fragment: a secret, shown once. Its base was
    /// checked by [`check_base`] before the key was made.
    pub(crate) fn url(&self, state: &AppState) -> SecretString {
        SecretString::new(format!(
            "{}/s/{}#{}",
            state.config().effective_public_url(),
            self.row.id,
            self.fragment.as_str()
        ))
    }
}

/// Refuses a share link whose base is not private (`https://`, or
/// `http://` to this machine): called before the key is made, so a refused
/// link changes nothing.
pub(crate) fn check_base(state: &AppState) -> Result<(), KeyError> {
    state
        .config()
        .share_base()
        .map_err(|message| KeyError::new(KeyField::Share, KeyErrorKind::Unavailable, message))
}

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
