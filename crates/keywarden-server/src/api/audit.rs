//! The audit log and events, read through the API.

use axum::{Json, extract::State};
use keywarden_store::{
    AuditAction, AuditEntry, AuditFilter, AuditOutcome, ChainReport, DeliveryState, Event,
    EventKind, Redelivery,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    api::schema::{
        AuditActionName, AuditOutcomeName, DeliveryStateName, EventKindName, FilterText,
    },
    authz::{Actor, authorize},
    command::{ReadAudit, ReadAuditCheckpoint, ReadEvents, RedeliverEvent, VerifyAudit},
    error::{ApiError, ErrorBody},
    extract::{ApiPath, ApiQuery},
    state::AppState,
    timefmt,
};

/// Query of `GET /v1/audit`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only this actor (a root key id, `anonymous`, `leak-report`, ...).
    #[param(value_type = Option<FilterText>)]
    pub actor: Option<String>,
    /// Only this action (`key.create`, `key.revoke`, `auth.denied`, ...).
    #[param(value_type = Option<AuditActionName>)]
    pub action: Option<String>,
    /// Only this target (a key id).
    #[param(value_type = Option<FilterText>)]
    pub target: Option<String>,
    /// `allowed`, `denied` or `failed`.
    #[param(value_type = Option<AuditOutcomeName>)]
    pub outcome: Option<String>,
    /// Entries before this sequence number (paging).
    pub before: Option<i64>,
    /// Page size, 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

/// One audit entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryView {
    /// Position in the chain.
    pub seq: i64,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub at: String,
    /// Who.
    pub actor: String,
    /// What.
    #[schema(value_type = AuditActionName)]
    pub action: String,
    /// To what.
    pub target: Option<String>,
    /// `allowed`, `denied` or `failed`.
    #[schema(value_type = AuditOutcomeName)]
    pub outcome: String,
    /// From where.
    pub client_ip: Option<String>,
    /// More.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    /// Hash of the previous entry.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

impl From<AuditEntry> for AuditEntryView {
    fn from(e: AuditEntry) -> Self {
        Self {
            seq: e.seq,
            at: timefmt::rfc3339(e.draft.at),
            actor: e.draft.actor,
            action: e.draft.action,
            target: e.draft.target,
            outcome: e.draft.outcome,
            client_ip: e.draft.client_ip,
            details: e.draft.details,
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

/// A page of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    /// Newest first.
    pub entries: Vec<AuditEntryView>,
    /// Pass as `before` for the next page.
    pub next_before: Option<i64>,
}

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
        entries: entries.into_iter().map(Into::into).collect(),
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
    Ok(Json(report.into()))
}

/// A signed checkpoint of the audit chain's head, to keep outside the
/// database.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckpointView {
    /// The last entry's sequence number.
    pub seq: i64,
    /// Its hash (hex).
    pub hash: String,
    /// When the checkpoint was made, RFC 3339.
    #[schema(format = DateTime)]
    pub at: String,
    /// `seq:hash:signature`: keep this line elsewhere and check the log
    /// against it with `keywarden admin audit verify --checkpoint LINE`.
    pub line: String,
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

/// The audit chain's state.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChainStatus {
    /// Whether every entry verified.
    pub ok: bool,
    /// Entries checked.
    pub entries: i64,
    /// The first entry that does not verify.
    pub first_bad_seq: Option<i64>,
    /// What is wrong with it.
    pub problem: Option<String>,
}

impl From<ChainReport> for ChainStatus {
    fn from(r: ChainReport) -> Self {
        Self {
            ok: r.ok(),
            entries: r.entries,
            first_bad_seq: r.first_bad_seq,
            problem: r.problem,
        }
    }
}

/// Query of `GET /v1/events`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    /// Only this kind (`key.leaked`, `key.revoked_in_use`, ...).
    #[param(value_type = Option<EventKindName>)]
    pub kind: Option<String>,
    /// Only this key.
    #[param(value_type = Option<FilterText>)]
    pub key_id: Option<String>,
    /// Only events whose webhook delivery is in this state (`failed`: what
    /// the webhook never received).
    #[param(value_type = Option<DeliveryStateName>)]
    pub delivery: Option<String>,
    /// Events before this sequence number.
    pub before: Option<i64>,
    /// Page size, 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

/// One event.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    /// Sequence number.
    pub seq: i64,
    /// Event id, sent as `X-Keywarden-Event-Id` with each delivery.
    pub id: String,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub at: String,
    /// Kind.
    #[schema(value_type = EventKindName)]
    pub kind: String,
    /// The key concerned.
    pub key_id: Option<String>,
    /// Details.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    /// Its webhook delivery.
    pub delivery: DeliveryView,
}

/// An event's webhook delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    /// Where it stands.
    #[schema(value_type = DeliveryStateName)]
    pub state: &'static str,
    /// Attempts made.
    pub attempts: u32,
    /// When the last attempt was made (RFC 3339).
    #[schema(format = DateTime)]
    pub last_attempt_at: Option<String>,
    /// Why the last attempt failed: `HTTP <status>`, `connection failed`,
    /// `timed out`, ...
    pub last_error: Option<String>,
    /// When the next attempt is due (pending only).
    #[schema(format = DateTime)]
    pub next_attempt_at: Option<String>,
    /// When the webhook accepted it.
    #[schema(format = DateTime)]
    pub delivered_at: Option<String>,
}

impl From<Event> for EventView {
    fn from(e: Event) -> Self {
        let d = e.delivery;
        Self {
            seq: e.seq,
            id: e.id,
            at: timefmt::rfc3339(e.at),
            kind: e.kind,
            key_id: e.key_id,
            details: e.details,
            delivery: DeliveryView {
                state: d.state.as_str(),
                attempts: d.attempts,
                last_attempt_at: d.last_attempt_at.map(timefmt::rfc3339),
                last_error: d.last_error,
                next_attempt_at: d.next_attempt_at.map(timefmt::rfc3339),
                delivered_at: d.delivered_at.map(timefmt::rfc3339),
            },
        }
    }
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
            q.kind.as_deref(),
            q.key_id.as_deref(),
            delivery,
            q.before,
            limit,
        )
        .await?;
    state
        .store()
        .audit(&proof.draft(&state, None, serde_json::json!({})))
        .await?;
    Ok(Json(events.into_iter().map(Into::into).collect()))
}

/// Whether `id` can be an event id (`evt_` and base62, or an older
/// `evt_<seq>`): anything else names no event.
fn event_id_shape(id: &str) -> bool {
    id.len() <= 64
        && id
            .strip_prefix("evt_")
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
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
    let event = redeliver(&state, proof).await?;
    Ok((axum::http::StatusCode::ACCEPTED, Json(event.into())))
}

/// Queues the event for the webhook again, and audits it: the one
/// redelivery behind the API and the console.
pub(crate) async fn redeliver(
    state: &AppState,
    proof: crate::authz::Authorized<RedeliverEvent>,
) -> Result<Event, ApiError> {
    let id = proof.command().id.as_str();
    if !event_id_shape(id) {
        return Err(ApiError::not_found("event"));
    }
    let event = match state.events().redeliver(id).await? {
        None => {
            return Err(ApiError::conflict(
                "NOT_CONFIGURED",
                "this node has no webhook (`webhook_url` is not set) to deliver events to",
            ));
        }
        Some(Redelivery::NotFound) => return Err(ApiError::not_found("event")),
        Some(Redelivery::AlreadyPending(_)) => {
            return Err(ApiError::conflict(
                "DELIVERY_PENDING",
                "the event is already waiting for delivery",
            ));
        }
        Some(Redelivery::Queued(event)) => event,
    };
    state
        .store()
        .audit(&proof.draft(
            state,
            None,
            serde_json::json!({ "event_id": event.id, "kind": event.kind }),
        ))
        .await?;
    Ok(event)
}
