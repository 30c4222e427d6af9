//! `POST /v1/leaks/github`: GitHub's secret-scanning partner endpoint.
//!
//! GitHub POSTs the tokens matching a registered pattern that it found in
//! public places, signed with one of its published keys
//! ([`crate::partner_keys`]). The report is processed before answering,
//! because GitHub wants each token's label in the answer. Authentication
//! is the signature: a missing or bad one is 401 (audited, and counted
//! against the address's budget of failed authentications, as root-key
//! routes do) and changes nothing.

use axum::{
    Json,
    body::{Body, HttpBody},
    extract::State,
    http::{HeaderMap, Method, StatusCode},
};
use keywarden_core::key;
pub use keywarden_proto::leaks::{GithubReport, GithubTokenFeedback, GithubTokenLabel};

use crate::{
    auth::{AuthFailure, ClientAddr},
    error::{ApiError, ErrorBody, redact_quoted},
    leaks::{Reporter, clean_text, revoke_leaked},
    state::AppState,
};

/// Largest report taken: GitHub batches the tokens it found. The body is
/// read only once the route is configured, both signature headers are
/// there and GitHub's keys are at hand, and it counts against
/// `max_body_memory` like every body.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The route, for audit entries of refused reports.
const PATH: &str = "/v1/leaks/github";

/// The header naming the key GitHub signed with.
pub const KEY_ID_HEADER: &str = "github-public-key-identifier";
/// The header holding the signature (base64 of a DER ECDSA P-256 / SHA-256
/// signature over the raw body).
pub const SIGNATURE_HEADER: &str = "github-public-key-signature";

/// The label of a report. `true_positive` for every key of this
/// deployment: the one live until now (revoked by this report), and also
/// one already revoked or expired. GitHub's label judges its detection
/// (did the pattern find a real token of ours?), not the token's state;
/// and GitHub delivers again when an answer is lost, so a retry of a report
/// that revoked a key must answer what the first delivery did.
/// `false_positive` for anything else: not a keywarden key, a bad checksum,
/// another deployment's key.
fn label(leaked: Option<keywarden_store::LeakRevocation>) -> GithubTokenLabel {
    match leaked {
        Some(_) => GithubTokenLabel::TruePositive,
        None => GithubTokenLabel::FalsePositive,
    }
}

/// A refused report: audited, counted against the address (429 past the
/// budget), 401.
async fn refused(state: &AppState, addr: ClientAddr, reason: &'static str) -> ApiError {
    crate::auth::refuse(
        state,
        addr,
        &Method::POST,
        PATH,
        AuthFailure::Refused(reason),
    )
    .await
}

/// GitHub secret-scanning partner endpoint.
///
/// Every key of this deployment in GitHub's report is revoked (reason
/// `leaked`; the URL and source go to the audit entry and the `key.leaked`
/// event), and each token is labelled in the answer. Authenticated by
/// GitHub's signature, not a root key. Answers 404 `NOT_CONFIGURED` while
/// `github_partner_keys` is not set: the route is not offered here, which
/// is no passing fault (so not a 503).
#[utoipa::path(post, path = "/v1/leaks/github", tag = "leaks", request_body = Vec<GithubReport>,
    params(
        ("Github-Public-Key-Identifier" = String, Header, description = "The identifier of GitHub's key that signed the body"),
        ("Github-Public-Key-Signature" = String, Header, description = "Base64 of the DER ECDSA P-256 / SHA-256 signature of the raw body"),
    ),
    responses(
        (status = 200, body = Vec<GithubTokenFeedback>, description = "Processed; each token labelled"),
        (status = 401, body = ErrorBody, description = "A signature header is missing, names an unknown key, or does not match the body; nothing was changed. Codes: `UNAUTHORIZED`."),
        (status = 404, body = ErrorBody, description = "The server takes no GitHub reports (`github_partner_keys` is not set). Codes: `NOT_CONFIGURED`."),
        (status = 422, body = ErrorBody),
        (status = 503, body = ErrorBody, description = "The key store, or GitHub's key file, cannot be read now; nothing was changed (GitHub delivers again). Codes: `STORE_UNAVAILABLE`, `PARTNER_KEYS_UNAVAILABLE`.",
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))),
    ))]
pub async fn github_report(
    State(state): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Vec<GithubTokenFeedback>>, ApiError> {
    // Everything that can refuse the report without its body is asked
    // first: a body is read only for a report that could be processed.
    let Some(partner_keys) = state.partner_keys() else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "NOT_CONFIGURED",
            "this server takes no GitHub secret-scanning reports (github_partner_keys is not set)",
        ));
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(key_id), Some(signature)) = (header(KEY_ID_HEADER), header(SIGNATURE_HEADER)) else {
        return Err(refused(
            &state,
            addr,
            "send Github-Public-Key-Identifier and Github-Public-Key-Signature",
        )
        .await);
    };
    let Some(keys) = partner_keys.keys().await else {
        return Err(ApiError::unavailable(
            "PARTNER_KEYS_UNAVAILABLE",
            "GitHub's public keys cannot be read now: nothing was changed; try again shortly",
        ));
    };
    const TOO_LARGE: &str = "the report is larger than 1 MiB";
    if body.size_hint().lower() > MAX_BODY_BYTES as u64 {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            TOO_LARGE,
        ));
    }
    let body = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|e| crate::extract::body_error(&e, TOO_LARGE))?;
    if let Err(e) = keys.verify(key_id, signature, &body) {
        return Err(refused(&state, addr, e.reason()).await);
    }
    let reports: Vec<GithubReport> = serde_json::from_slice(&body).map_err(|e| {
        let message = redact_quoted(&e.to_string());
        if e.is_data() {
            ApiError::invalid("INVALID_REQUEST", message)
        } else {
            ApiError::bad_request("MALFORMED_JSON", message)
        }
    })?;
    let mut answer = Vec::with_capacity(reports.len());
    let mut revoked = 0_usize;
    for report in reports {
        let leaked = match key::parse(report.token.expose()) {
            Ok(parts) => {
                let url = report.url.as_deref().map(clean_text);
                let source = report.source.as_deref().map(clean_text);
                let reporter = Reporter {
                    actor: "github-secret-scanning",
                    ip: addr.client,
                    source: source.as_deref(),
                    url: url.as_deref(),
                };
                // A store failure answers 503 (507 when its disk is full):
                // on a new delivery, what this one did already is answered
                // the same way.
                revoke_leaked(&state, &reporter, parts).await?
            }
            Err(_) => None,
        };
        revoked += usize::from(leaked.is_some_and(|l| l.was_live));
        answer.push(GithubTokenFeedback {
            token_raw: report.token.expose().to_owned(),
            token_type: report.token_type,
            label: label(leaked),
        });
    }
    tracing::info!(
        tokens = answer.len(),
        revoked,
        "GitHub secret-scanning report processed"
    );
    Ok(Json(answer))
}
