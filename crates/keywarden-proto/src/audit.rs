//! The audit log (`/v1/audit`) and the events (`/v1/events`), read through
//! the API.

use keywarden_core::{spaces::SpaceId, vocabulary::DeliveryState};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use crate::schemas::{
    self, AuditActionName, AuditOutcomeName, DeliveryStateName, EventKindName, FilterText,
};

/// Query of `GET /v1/audit`.
#[derive(Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only this actor (a root key id, `anonymous`, `leak-report`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<FilterText>))]
    pub actor: Option<String>,
    /// Only this action (`key.create`, `key.revoke`, `auth.denied`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<AuditActionName>))]
    pub action: Option<String>,
    /// Only this target (a key id).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<FilterText>))]
    pub target: Option<String>,
    /// `allowed`, `denied` or `failed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<AuditOutcomeName>))]
    pub outcome: Option<String>,
    /// Only entries about this space (`space:<id>`) or its keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<schemas::SpaceId>))]
    pub space: Option<SpaceId>,
    /// Entries before this sequence number (paging).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<i64>,
    /// Page size, 1 to 500 (default 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 500))]
    pub limit: Option<u32>,
}

/// One audit entry.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntryView {
    /// Position in the chain.
    pub seq: i64,
    /// RFC 3339.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub at: String,
    /// Who.
    pub actor: String,
    /// What.
    #[cfg_attr(feature = "openapi", schema(value_type = AuditActionName))]
    pub action: String,
    /// To what.
    pub target: Option<String>,
    /// `allowed`, `denied` or `failed`.
    #[cfg_attr(feature = "openapi", schema(value_type = AuditOutcomeName))]
    pub outcome: String,
    /// From where.
    pub client_ip: Option<String>,
    /// More.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub details: serde_json::Value,
    /// Hash of the previous entry.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

/// A page of the audit log.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    /// Newest first.
    pub entries: Vec<AuditEntryView>,
    /// Pass as `before` for the next page.
    pub next_before: Option<i64>,
}

/// A signed checkpoint of the audit chain's head, to keep outside the
/// database.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckpointView {
    /// The last entry's sequence number.
    pub seq: i64,
    /// Its hash (hex).
    pub hash: String,
    /// When the checkpoint was made, RFC 3339.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub at: String,
    /// `seq:hash:signature`: keep this line elsewhere and check the log
    /// against it with `keywarden admin audit verify --checkpoint LINE`.
    pub line: String,
}

/// The audit chain's state.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// Query of `GET /v1/events`.
#[derive(Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    /// Only this kind (`key.leaked`, `key.revoked_in_use`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<EventKindName>))]
    pub kind: Option<String>,
    /// Only this key.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<FilterText>))]
    pub key_id: Option<String>,
    /// Only events whose webhook delivery is in this state (`failed`: what
    /// the webhook never received).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<DeliveryStateName>))]
    pub delivery: Option<String>,
    /// Only events of this space's keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<schemas::SpaceId>))]
    pub space: Option<SpaceId>,
    /// Events before this sequence number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<i64>,
    /// Page size, 1 to 500 (default 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 500))]
    pub limit: Option<u32>,
}

/// One event.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventView {
    /// Sequence number.
    pub seq: i64,
    /// Event id, sent as `X-Keywarden-Event-Id` with each delivery.
    pub id: String,
    /// RFC 3339.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub at: String,
    /// Kind.
    #[cfg_attr(feature = "openapi", schema(value_type = EventKindName))]
    pub kind: String,
    /// The key concerned.
    pub key_id: Option<String>,
    /// Details.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub details: serde_json::Value,
    /// Its webhook delivery.
    pub delivery: DeliveryView,
}

/// An event's webhook delivery.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryView {
    /// Where it stands.
    #[cfg_attr(feature = "openapi", schema(value_type = DeliveryStateName))]
    pub state: DeliveryState,
    /// Attempts made.
    pub attempts: u32,
    /// When the last attempt was made (RFC 3339).
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub last_attempt_at: Option<String>,
    /// Why the last attempt failed: `HTTP <status>`, `connection failed`,
    /// `timed out`, ...
    pub last_error: Option<String>,
    /// When the next attempt is due (pending only).
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub next_attempt_at: Option<String>,
    /// When the webhook accepted it.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub delivered_at: Option<String>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn delivery_states_are_read_and_written_by_their_names() {
        for state in DeliveryState::ALL {
            let text = serde_json::to_string(state).unwrap();
            assert_eq!(text, format!("\"{}\"", state.as_str()));
            assert_eq!(
                serde_json::from_str::<DeliveryState>(&text).unwrap(),
                *state
            );
        }
        assert!(serde_json::from_str::<DeliveryState>("\"lost\"").is_err());
    }
}
