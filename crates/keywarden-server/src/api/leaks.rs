//! `POST /v1/leaks`: anyone holding a key may kill it. Unauthenticated,
//! rate-limited per address and size-capped. Every report is processed
//! before the answer: 202 means each key of this deployment in it is
//! revoked, durably (with its audit entry and event); a store that cannot
//! take the revocations answers 503 and the reporter sends again. The
//! answer never says whether a key existed.

use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
pub use keywarden_proto::leaks::{
    CheckRequest, CheckStatus, CheckedKey, KeyKind, LeakAccepted, LeakReport,
};

use crate::{
    auth::ClientAddr,
    error::{ApiError, ErrorBody},
    extract::ApiJsonArray,
    state::AppState,
    views::{FromRecord, rate_limit_view},
};
use keywarden_engine::leaks::{Reporter, clean_text, revoke_leaked_text};

/// Most keys in one report.
const MAX_REPORTS: usize = 100;

/// Report leaked keys. Each key of this deployment (API key or root key)
/// is revoked — reason `leaked`, audited, a `key.leaked` event when it was
/// live — before the answer. The answer does not say whether a key existed.
#[utoipa::path(post, path = "/v1/leaks", tag = "leaks", request_body = Vec<LeakReport>,
    responses(
        (status = 202, body = LeakAccepted, description = "Every report processed: each key of this deployment among them is revoked, durably"),
        (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody),
        (status = 503, body = ErrorBody, description = "The store cannot take the revocations now: send the report again (keys revoked before the failure stay revoked). Codes: `STORE_UNAVAILABLE`.",
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))),
        (status = 507, body = ErrorBody, description = "The store's disk is full: send the report again later. Codes: `STORAGE_FULL`."),
    ))]
pub async fn report_leaks(
    State(state): State<AppState>,
    addr: ClientAddr,
    ApiJsonArray(reports): ApiJsonArray<LeakReport>,
) -> Result<impl IntoResponse, ApiError> {
    let now = state.now();
    let ip = addr.client;
    if let Some(key) = addr.throttle_key()
        && let Err(retry) = state.leak_reports().try_take(&key, now)
    {
        return Err(ApiError::too_many(
            "RATE_LIMITED",
            "too many leak reports from this address",
            retry,
        ));
    }
    if reports.len() > MAX_REPORTS {
        return Err(ApiError::invalid(
            "TOO_MANY_KEYS",
            format!("at most {MAX_REPORTS} keys per report"),
        ));
    }
    let accepted = reports.len();
    for report in &reports {
        // A keywarden key is looked up when its shape and checksum hold; a
        // string of another format only once keys were imported (it may be
        // an imported key's old string); anything else is no key of this
        // deployment, and nothing is looked up.
        let source = report.source.as_deref().map(clean_text);
        let reporter = Reporter {
            actor: "leak-report",
            ip,
            source: source.as_deref(),
            url: None,
        };
        // A store failure answers 503 (507 when its disk is full): nothing
        // unconfirmed is acknowledged, and a report sent again finds the
        // keys revoked so far revoked.
        revoke_leaked_text(&state, &reporter, report.key.expose())
            .await
            .inspect_err(
                |err| tracing::warn!(error = %err, "a leak report could not be processed"),
            )?;
    }
    Ok((
        StatusCode::ACCEPTED,
        Json(LeakAccepted {
            accepted,
            processed: accepted,
        }),
    ))
}

impl FromRecord<&crate::verify::Inspected> for CheckedKey {
    /// The answer for what [`crate::verify::Verifier::inspect`] found at `now`.
    fn new(found: &crate::verify::Inspected, now: i64) -> Self {
        use crate::verify::Inspected;
        let unknown = Self {
            status: CheckStatus::Unknown,
            kind: None,
            key_id: None,
            environment: None,
            owner: None,
            may: Vec::new(),
            expires_at: None,
            credits_remaining: None,
            rate_limit: None,
        };
        match found {
            Inspected::Unknown => unknown,
            Inspected::ApiKey(k) => Self {
                status: match k.status(now) {
                    keywarden_store::KeyStatus::Active => CheckStatus::Active,
                    keywarden_store::KeyStatus::Pending => CheckStatus::Pending,
                    keywarden_store::KeyStatus::Disabled => CheckStatus::Disabled,
                    keywarden_store::KeyStatus::Expired => CheckStatus::Expired,
                    keywarden_store::KeyStatus::Revoked => CheckStatus::Revoked,
                },
                kind: Some(KeyKind::ApiKey),
                key_id: Some(k.id.to_string()),
                environment: Some(k.environment.to_string()),
                owner: k.owner.as_ref().map(ToString::to_string),
                may: k.scopes.iter().map(ToString::to_string).collect(),
                expires_at: crate::timefmt::opt(k.expires_at),
                credits_remaining: k.credits.map(|c| c.remaining),
                rate_limit: k.rate_limit.map(rate_limit_view),
            },
            Inspected::RootKey(r) => Self {
                status: if r.revoked_at.is_some() {
                    CheckStatus::Revoked
                } else {
                    CheckStatus::Active
                },
                kind: Some(KeyKind::RootKey),
                key_id: Some(r.id.to_string()),
                may: r
                    .permissions
                    .iter()
                    .map(|p| p.as_str().to_owned())
                    .collect(),
                ..unknown
            },
        }
    }
}

/// Check a key found in the open: whether it works, what kind it is and
/// what it may do — API keys and root keys alike. A check, not a use: it
/// spends no rate limit and no credit, and is not in the usage log. For
/// leak tooling (`keywarden scan --verify`); needs `keys:verify`.
#[utoipa::path(post, path = "/v1/leaks/check", tag = "leaks", request_body = CheckRequest,
    security(("root_key" = ["keys:verify"])),
    responses(
        (status = 200, body = CheckedKey, description = "What the key is (`unknown` when it is no key of this deployment)"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 503, body = ErrorBody, description = "The store cannot be asked: nothing is known about the key. Codes: `STORE_UNAVAILABLE`.",
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))),
    ))]
pub async fn check_key(
    State(state): State<AppState>,
    crate::auth::VerifyCaller(actor): crate::auth::VerifyCaller,
    crate::extract::ApiJson(request): crate::extract::ApiJson<CheckRequest>,
) -> Result<Json<CheckedKey>, ApiError> {
    crate::authz::authorize(&state, &actor, crate::command::VerifyKeys).await?;
    let found = state
        .verifier()
        .inspect(request.key.expose())
        .await?
        .seen_by(actor.spaces());
    Ok(Json(CheckedKey::new(&found, state.now())))
}
