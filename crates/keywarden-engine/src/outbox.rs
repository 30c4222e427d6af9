//! Operations on the stored events: their redelivery to the webhook, behind
//! `POST /v1/events/{id}/redeliver` and the console's **Send again**.

use keywarden_store::{Event, Redelivery};

use crate::{
    authz::Authorized,
    command::RedeliverEvent,
    keys::error::{KeyError, KeyErrorKind},
    node::Node,
};

/// Whether `id` can be an event id (`evt_` and base62, or an older
/// `evt_<seq>`): anything else names no event.
fn event_id_shape(id: &str) -> bool {
    id.len() <= 64
        && id
            .strip_prefix("evt_")
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Queues the event for the webhook again (`pending`, due at once, with a
/// fresh retry period), and audits it. `NOT_FOUND` for no such event;
/// conflicts: `NOT_CONFIGURED` (no webhook on this node),
/// `DELIVERY_PENDING` (already waiting).
pub async fn redeliver(state: &Node, proof: Authorized<RedeliverEvent>) -> Result<Event, KeyError> {
    let conflict = |code, message: &str| KeyError {
        field: None,
        kind: KeyErrorKind::Conflict(code),
        message: message.to_owned(),
    };
    let missing = || KeyError {
        field: None,
        kind: KeyErrorKind::Missing("event"),
        message: "event not found".to_owned(),
    };
    let id = proof.command().id.as_str();
    if !event_id_shape(id) {
        return Err(missing());
    }
    // A root key scoped to spaces sees only the events of their keys.
    if proof.actor().spaces().is_some() {
        match state.store().event_space(id).await? {
            Some(Some(space)) if proof.actor().sees(&space) => {}
            _ => return Err(missing()),
        }
    }
    let event = match state.events().redeliver(id).await? {
        None => {
            return Err(conflict(
                "NOT_CONFIGURED",
                "this node has no webhook (`webhook_url` is not set) to deliver events to",
            ));
        }
        Some(Redelivery::NotFound) => return Err(missing()),
        Some(Redelivery::AlreadyPending(_)) => {
            return Err(conflict(
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
