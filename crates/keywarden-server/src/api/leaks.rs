//! `POST /v1/leaks`: anyone holding a key may kill it. Unauthenticated,
//! rate-limited per address and size-capped; always 202, with no hint of
//! whether a key existed (the work happens after the answer).

use std::net::IpAddr;

use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use keywarden_core::key;
use keywarden_store::AuditDraft;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    auth::ClientAddr,
    error::{ApiError, ErrorBody},
    extract::ApiJson,
    state::AppState,
};

/// Most keys in one report.
const MAX_REPORTS: usize = 100;

/// One leaked key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeakReport {
    /// The key (zeroized after use, redacted in `Debug`).
    #[schema(value_type = String)]
    pub key: keywarden_core::secret::SecretString,
    /// Where it was found (a URL, a path).
    pub source: Option<String>,
}

/// Answer: how many reports were taken.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeakAccepted {
    /// Reports accepted for processing.
    pub accepted: usize,
}

/// Report leaked keys. Each valid keywarden key is revoked with reason `leaked`.
#[utoipa::path(post, path = "/v1/leaks", tag = "leaks", request_body = Vec<LeakReport>,
    responses((status = 202, body = LeakAccepted), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn report_leaks(
    State(state): State<AppState>,
    addr: ClientAddr,
    ApiJson(reports): ApiJson<Vec<LeakReport>>,
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
    tokio::spawn(process(state, ip, reports));
    Ok((StatusCode::ACCEPTED, Json(LeakAccepted { accepted })))
}

async fn process(state: AppState, ip: Option<IpAddr>, reports: Vec<LeakReport>) {
    for report in reports {
        let Ok(parts) = key::parse(report.key.expose()) else {
            continue;
        };
        let source: Option<String> = report
            .source
            .map(|s| s.chars().filter(|c| !c.is_control()).take(300).collect());
        if let Err(err) = revoke_leaked(&state, ip, parts, source.as_deref()).await {
            tracing::error!(error = %err, "processing a leak report failed");
        }
    }
}

async fn revoke_leaked(
    state: &AppState,
    ip: Option<IpAddr>,
    parts: key::KeyParts<'_>,
    source: Option<&str>,
) -> Result<(), keywarden_store::StoreError> {
    let store = state.store();
    let now = state.now();
    let draft = |action: keywarden_store::AuditAction, target: &str| AuditDraft {
        actor: "leak-report".to_owned(),
        action: action.into(),
        target: Some(crate::auth::audit_target(target)),
        outcome: keywarden_store::AuditOutcome::Allowed.into(),
        client_ip: ip.map(|i| i.to_string()),
        details: serde_json::json!({
            "source": source.map(|s| keywarden_core::names::display_safe(s, 200))
        }),
        at: now,
    };
    let peppers = store.peppers();
    let presented = parts.expose();
    if let Some(record) =
        crate::lookup::find::<keywarden_store::KeyRecord>(store, peppers, presented, None).await?
    {
        let (_, changed) = store
            .revoke_key(
                &record.id,
                "leaked",
                now,
                &draft(
                    keywarden_store::AuditAction::KeyLeakRevoke,
                    record.id.as_str(),
                ),
            )
            .await?;
        state.invalidate(&[record.id.as_str()]);
        if changed {
            state.metrics().leaks_revoked.inc();
        }
        let details = serde_json::json!({
            "source": source,
            "reporter_ip": ip.map(|i| i.to_string()),
            "already_revoked": !changed,
        });
        state
            .events()
            .record(
                keywarden_store::EventKind::KeyLeaked,
                Some(record.id.to_string()),
                details,
                now,
            )
            .await;
        return Ok(());
    }
    if let Some(root) =
        crate::lookup::find::<keywarden_store::RootKeyRecord>(store, peppers, presented, None)
            .await?
    {
        if root.revoked_at.is_none() {
            store
                .revoke_root_key(
                    &root.id,
                    now,
                    &draft(
                        keywarden_store::AuditAction::RootKeyLeakRevoke,
                        root.id.as_str(),
                    ),
                )
                .await?;
            state.metrics().leaks_revoked.inc();
        }
        let details = serde_json::json!({ "source": source, "root_key": true });
        state
            .events()
            .record(
                keywarden_store::EventKind::KeyLeaked,
                Some(root.id.to_string()),
                details,
                now,
            )
            .await;
    }
    Ok(())
}
