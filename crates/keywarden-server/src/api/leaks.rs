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
    extract::ApiJsonArray,
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
    tokio::spawn(process(state, ip, reports));
    Ok((StatusCode::ACCEPTED, Json(LeakAccepted { accepted })))
}

async fn process(state: AppState, ip: Option<IpAddr>, reports: Vec<LeakReport>) {
    for report in reports {
        let Ok(parts) = key::parse(report.key.expose()) else {
            continue;
        };
        let source = report.source.as_deref().map(clean_text);
        let reporter = Reporter {
            actor: "leak-report",
            ip,
            source: source.as_deref(),
            url: None,
        };
        if let Err(err) = revoke_leaked(&state, &reporter, parts).await {
            tracing::error!(error = %err, "processing a leak report failed");
        }
    }
}

/// Text a reporter gave (a URL, a path): control characters dropped, at
/// most 300 characters.
pub(crate) fn clean_text(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(300).collect()
}

/// Who reported a leak, and where the key was found.
pub(crate) struct Reporter<'a> {
    /// The audit entry's actor (`leak-report`, `github-secret-scanning`).
    pub(crate) actor: &'static str,
    /// The reporter's address.
    pub(crate) ip: Option<IpAddr>,
    /// Where it was found: a URL or a path (`/v1/leaks`), or GitHub's
    /// `source` (`content`, `commit`, `issue_comment`, …).
    pub(crate) source: Option<&'a str>,
    /// The URL GitHub found it at.
    pub(crate) url: Option<&'a str>,
}

impl Reporter<'_> {
    /// `source` and `url` (when given), shown safely, for an audit entry.
    fn audit_details(&self) -> serde_json::Value {
        let safe = |s: &str| keywarden_core::names::display_safe(s, 200);
        let mut details = serde_json::json!({ "source": self.source.map(safe) });
        if let Some(url) = self.url {
            details["url"] = safe(url).into();
        }
        details
    }

    /// `source` and `url` (when given), for a `key.leaked` event.
    fn event_details(&self) -> serde_json::Value {
        let mut details = serde_json::json!({ "source": self.source });
        if let Some(url) = self.url {
            details["url"] = url.into();
        }
        details
    }
}

/// A leaked key of this deployment, now revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Leaked {
    /// Whether it was live when reported: not revoked before, not expired.
    pub(crate) was_live: bool,
}

/// Revokes a leaked key (an API key with reason `leaked`, or a root key),
/// audits it and records a `key.leaked` event. `None`: not a key of this
/// deployment. Reporting a key twice is harmless: the second report finds
/// it revoked (`was_live: false`) and records the event again.
pub(crate) async fn revoke_leaked(
    state: &AppState,
    reporter: &Reporter<'_>,
    parts: key::KeyParts<'_>,
) -> Result<Option<Leaked>, keywarden_store::StoreError> {
    let store = state.store();
    let now = state.now();
    let ip = reporter.ip;
    let draft = |action: keywarden_store::AuditAction, target: &str| AuditDraft {
        actor: reporter.actor.to_owned(),
        action: action.into(),
        target: Some(crate::auth::audit_target(target)),
        outcome: keywarden_store::AuditOutcome::Allowed.into(),
        client_ip: ip.map(|i| i.to_string()),
        details: reporter.audit_details(),
        at: now,
    };
    let event_details = |extra: serde_json::Value| {
        let mut details = reporter.event_details();
        if let (Some(d), Some(extra)) = (details.as_object_mut(), extra.as_object()) {
            d.extend(extra.clone());
        }
        details
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
        let expired = record.expires_at.is_some_and(|at| at <= now);
        state
            .events()
            .record(
                keywarden_store::EventKind::KeyLeaked,
                Some(record.id.to_string()),
                event_details(serde_json::json!({
                    "reporter_ip": ip.map(|i| i.to_string()),
                    "already_revoked": !changed,
                })),
                now,
            )
            .await;
        return Ok(Some(Leaked {
            was_live: changed && !expired,
        }));
    }
    if let Some(root) =
        crate::lookup::find::<keywarden_store::RootKeyRecord>(store, peppers, presented, None)
            .await?
    {
        let was_live = root.revoked_at.is_none();
        if was_live {
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
        state
            .events()
            .record(
                keywarden_store::EventKind::KeyLeaked,
                Some(root.id.to_string()),
                event_details(serde_json::json!({ "root_key": true })),
                now,
            )
            .await;
        return Ok(Some(Leaked { was_live }));
    }
    Ok(None)
}
