//! The audit log and events, read through the API.

use axum::{Json, extract::State};
pub use keywarden_proto::audit::{
    AuditEntryView, AuditPage, AuditQuery, ChainStatus, CheckpointView, DeliveryView, EventView,
    EventsQuery,
};
use keywarden_store::{AuditAction, AuditFilter, AuditOutcome, DeliveryState, EventKind};

use crate::{
    authz::{Actor, authorize},
    command::{ReadAudit, ReadAuditCheckpoint, ReadEvents, RedeliverEvent, VerifyAudit},
    error::{ApiError, ErrorBody},
    extract::{ApiPath, ApiQuery},
    state::AppState,
    views::{audit_entry_view, chain_status, event_view},
};

/// Read the audit log, newest first.
#[utoipa::path(get, path = "/v1/audit", tag = "audit", params(AuditQuery),
    security(("root_key" = ["audit:read"])),
    responses((status = 200, body = AuditPage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_audit(
    State(state): State<AppState>,
    actor: Actor,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let proof = authorize(&state, &actor, ReadAudit).await?;
    for (name, value) in [("actor", &q.actor), ("target", &q.target)] {
        super::check_text(name, value.as_deref())?;
    }
    super::check_name::<AuditAction>("action", q.action.as_deref())?;
    super::check_name::<AuditOutcome>("outcome", q.outcome.as_deref())?;
    let limit = q.limit.unwrap_or(crate::bounds::AUDIT_PAGE_DEFAULT);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::invalid("INVALID_QUERY", "limit must be 1 to 500"));
    }
    let filter = AuditFilter {
        actor: q.actor,
        action: q.action,
        target: q.target,
        outcome: q.outcome,
        before_seq: q.before,
        space: q.space,
        visible: actor.spaces().map(<[_]>::to_vec),
    };
    let entries = state.store().list_audit(&filter, limit).await?;
    state
        .store()
        .audit(&proof.draft(&state, None, serde_json::json!({})))
        .await?;
    let next_before = (entries.len() == limit as usize)
        .then(|| entries.last().map(|e| e.seq))
        .flatten();
    Ok(Json(AuditPage {
        entries: entries.into_iter().map(audit_entry_view).collect(),
        next_before,
    }))
}

/// Check the audit log's hash chain from the first entry to the last.
#[utoipa::path(get, path = "/v1/audit/verify", tag = "audit",
    security(("root_key" = ["audit:read"])),
    responses((status = 200, body = ChainStatus), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn verify_audit(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<ChainStatus>, ApiError> {
    let proof = authorize(&state, &actor, VerifyAudit).await?;
    let report = state.store().verify_audit_chain().await?;
    state
        .store()
        .audit(&proof.draft(&state, None, serde_json::json!({ "ok": report.ok() })))
        .await?;
    Ok(Json(chain_status(report)))
}

/// A signed checkpoint of the audit log's head (`seq:hash:signature`).
/// The log's head record proves only that the log once ended there; a
/// checkpoint kept outside the database shows whether it still reaches it.
#[utoipa::path(get, path = "/v1/audit/checkpoint", tag = "audit",
    security(("root_key" = ["audit:read"])),
    responses((status = 200, body = CheckpointView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn audit_checkpoint(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<CheckpointView>, ApiError> {
    let proof = authorize(&state, &actor, ReadAuditCheckpoint).await?;
    // Audited first: the checkpoint covers its own read.
    state
        .store()
        .audit(&proof.draft(&state, None, serde_json::json!({})))
        .await?;
    let checkpoint = state
        .store()
        .audit_checkpoint(state.now())
        .await?
        .ok_or_else(|| ApiError::not_found("audit checkpoint"))?;
    Ok(Json(CheckpointView {
        seq: checkpoint.seq,
        hash: checkpoint.hash,
        at: crate::timefmt::rfc3339(checkpoint.at),
        line: checkpoint.line,
    }))
}

/// Notable events (leak reports, anomalies), newest first.
#[utoipa::path(get, path = "/v1/events", tag = "audit", params(EventsQuery),
    security(("root_key" = ["keys:read"])),
    responses((status = 200, body = Vec<EventView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_events(
    State(state): State<AppState>,
    actor: Actor,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> Result<Json<Vec<EventView>>, ApiError> {
    let proof = authorize(&state, &actor, ReadEvents).await?;
    super::check_name::<EventKind>("kind", q.kind.as_deref())?;
    super::check_text("key_id", q.key_id.as_deref())?;
    super::check_name::<DeliveryState>("delivery", q.delivery.as_deref())?;
    let delivery = q.delivery.as_deref().and_then(|d| d.parse().ok());
    let limit = q.limit.unwrap_or(crate::bounds::AUDIT_PAGE_DEFAULT);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::invalid("INVALID_QUERY", "limit must be 1 to 500"));
    }
    let events = state
        .store()
        .list_events(
            &keywarden_store::EventFilter {
                kind: q.kind,
                key_id: q.key_id,
                delivery,
                before_seq: q.before,
                space: q.space,
                visible: actor.spaces().map(<[_]>::to_vec),
            },
            limit,
        )
        .await?;
    state
        .store()
        .audit(&proof.draft(&state, None, serde_json::json!({})))
        .await?;
    Ok(Json(events.into_iter().map(event_view).collect()))
}

/// Deliver an event to the webhook again: a `failed` one once the receiver
/// is fixed, a `delivered` one the receiver lost, or one raised before a
/// webhook was configured. The event becomes `pending`, due at once, with a
/// fresh 24-hour retry period and attempt count; it keeps its id, so a
/// receiver that de-duplicates by `X-Keywarden-Event-Id` sees a repeat.
#[utoipa::path(post, path = "/v1/events/{id}/redeliver", tag = "audit",
    params(("id" = String, Path, description = "The event id (`evt_...`)")),
    security(("root_key" = ["keys:write"])),
    responses((status = 202, body = EventView, description = "Queued: `delivery.state` is `pending`."),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "No event has that id. Codes: `NOT_FOUND`."),
        (status = 409, body = ErrorBody, description = "The event is already pending (`DELIVERY_PENDING`), or this node has no webhook to deliver to (`NOT_CONFIGURED`).")))]
pub async fn redeliver_event(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<String>,
) -> Result<(axum::http::StatusCode, Json<EventView>), ApiError> {
    let proof = authorize(&state, &actor, RedeliverEvent { id }).await?;
    let event = keywarden_engine::outbox::redeliver(&state, proof).await?;
    Ok((axum::http::StatusCode::ACCEPTED, Json(event_view(event))))
}
