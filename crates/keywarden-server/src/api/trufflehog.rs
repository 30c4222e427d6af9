//! `POST /v1/verify/trufflehog`: the verification webhook of TruffleHog's
//! custom detectors (the detector `keywarden scan export-rules --format
//! trufflehog` writes).
//!
//! TruffleHog posts `{"<detector name>": {"<regex name>": ["<whole match>",
//! "<capture group 1>", …]}}` with the headers the detector configures, and
//! reports the finding verified when the answer is 200. The key is checked
//! as `POST /v1/leaks/check` checks it: API keys and root keys alike, and
//! a check is not a use (no rate limit, credit or usage row is spent).

use std::collections::BTreeMap;

use axum::{
    Json,
    body::Bytes,
    extract::{State, rejection::BytesRejection},
    http::{HeaderMap, StatusCode, header},
};
use keywarden_core::{key, secret::SecretString};
pub use keywarden_proto::leaks::{TrufflehogMatches, TrufflehogMatchesSchema, TrufflehogVerified};

use crate::{
    api::leaks::{CheckStatus, CheckedKey},
    auth::VerifyCaller,
    error::{ApiError, ErrorBody, redact_quoted},
    state::AppState,
    views::FromRecord,
};

/// The keys a match may hold: capture group 1 when the regex has one, else
/// the whole match; and the whole match without one leading character
/// (TruffleHog's match can start with the character before the key).
fn candidates(matches: &TrufflehogMatches) -> impl Iterator<Item = &str> {
    matches
        .values()
        .flat_map(BTreeMap::values)
        .flat_map(|groups| {
            let whole = groups.first().map(SecretString::expose);
            let group = groups.get(1).map(SecretString::expose);
            let trimmed = whole.and_then(|w| {
                let mut chars = w.chars();
                chars
                    .next()
                    .filter(|c| !c.is_ascii_alphanumeric())
                    .map(|_| chars.as_str())
            });
            group.into_iter().chain(whole).chain(trimmed)
        })
}

/// Refuses a body sent as something other than JSON; no `Content-Type` is
/// taken as JSON (older TruffleHog releases send none).
fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let essence = value
        .to_str()
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UNSUPPORTED_MEDIA_TYPE",
        "send the body as JSON (Content-Type: application/json, or none)",
    ))
}

/// TruffleHog's verification webhook.
///
/// 200 when the matched key is an active key of this deployment — an API
/// key (whatever its limits: a check spends none of them) or a root key —
/// 403 `KEY_NOT_ACTIVE` otherwise (revoked, expired, disabled, unknown, not
/// a keywarden key). The key is never in the answer. Needs a root key with
/// `keys:verify`.
#[utoipa::path(post, path = "/v1/verify/trufflehog", tag = "verify", request_body = TrufflehogMatchesSchema,
    security(("root_key" = ["keys:verify"])),
    responses(
        (status = 200, body = TrufflehogVerified, description = "The key is active"),
        (status = 403, body = ErrorBody, description = "The key is not active: revoked, expired, disabled, unknown or not a keywarden key (`KEY_NOT_ACTIVE`, the message names its status); or the root key lacks `keys:verify` (`FORBIDDEN`). Codes: `KEY_NOT_ACTIVE`, `FORBIDDEN`."),
        (status = 503, body = ErrorBody, description = "The store cannot be asked: nothing is known about the key. Codes: `STORE_UNAVAILABLE`.",
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))),
    ))]
pub async fn trufflehog_verify(
    State(state): State<AppState>,
    VerifyCaller(actor): VerifyCaller,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<TrufflehogVerified>, ApiError> {
    crate::authz::authorize(&state, &actor, crate::command::VerifyKeys).await?;
    check_content_type(&headers)?;
    let body = body.map_err(|r| crate::extract::body_error(&r, "the request body is too large"))?;
    let matches: TrufflehogMatches = serde_json::from_slice(&body).map_err(|e| {
        let message = redact_quoted(&e.to_string());
        if e.is_data() {
            ApiError::invalid("INVALID_REQUEST", message)
        } else {
            ApiError::bad_request("MALFORMED_JSON", message)
        }
    })?;
    let not_active = |status: &str| {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "KEY_NOT_ACTIVE",
            format!("the key is not active: {status}"),
        )
    };
    let Some(presented) = candidates(&matches).find(|c| key::parse(c).is_ok()) else {
        return Err(not_active("not a keywarden key"));
    };
    // A check, not a use: nothing is spent, nothing is logged as a use. A
    // store that cannot be asked says nothing about the key: 503.
    let found = state
        .verifier()
        .inspect(presented)
        .await?
        .seen_by(actor.spaces());
    let checked = CheckedKey::new(&found, state.now());
    match (checked.status, checked.key_id) {
        (CheckStatus::Active, Some(key_id)) => Ok(Json(TrufflehogVerified {
            verified: true,
            key_id,
            kind: checked.kind,
        })),
        (status, _) => Err(not_active(
            serde_json::to_value(status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .as_deref()
                .unwrap_or("unknown"),
        )),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn candidates_prefer_the_group_then_the_match_then_the_match_trimmed() {
        let matches: TrufflehogMatches = serde_json::from_str(
            r#"{"D": {"key": ["=kw_live_a", "kw_live_b"], "other": ["\"kw_live_c"], "x": ["ab"]}}"#,
        )
        .unwrap();
        let all: Vec<&str> = candidates(&matches).collect();
        assert_eq!(
            all,
            [
                "kw_live_b",
                "=kw_live_a",
                "kw_live_a",
                "\"kw_live_c",
                "kw_live_c",
                "ab"
            ]
        );
    }
}
