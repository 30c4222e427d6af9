//! Events (leaks, anomalies, notices) and their webhook delivery: what the
//! receiver got, what it is still owed, what failed and why; a failed
//! event can be sent again from here.

use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use keywarden_store::{DeliveryState, EventKind};
use maud::{Markup, html};
use serde::Deserialize;

use crate::{command::RedeliverEvent, state::AppState};

use super::{
    UiQuery,
    html::{Nav, api_error_page, csrf_field, dash, empty, form_error, page, short_time},
    non_empty,
    session::{Console, percent_encode},
};

/// Events per page.
const PAGE_SIZE: u32 = 50;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct EventsQuery {
    kind: String,
    delivery: String,
    before: String,
}

impl EventsQuery {
    fn link(&self, before: Option<i64>) -> String {
        let mut parts: Vec<String> = [("kind", &self.kind), ("delivery", &self.delivery)]
            .into_iter()
            .filter_map(|(k, v)| non_empty(v).map(|v| format!("{k}={}", percent_encode(v))))
            .collect();
        if let Some(b) = before {
            parts.push(format!("before={b}"));
        }
        format!("/ui/events?{}", parts.join("&"))
    }
}

/// A badge for a delivery state.
fn delivery_badge(state: &str) -> Markup {
    html! { span class=(format!("badge delivery-{state}")) { (state) } }
}

/// `GET /ui/events`.
pub(crate) async fn page_route(
    State(state): State<AppState>,
    console: Console,
    UiQuery(q): UiQuery<EventsQuery>,
) -> Response {
    match render(&state, &console, &q).await {
        Ok(r) | Err(r) => r,
    }
}

async fn render(
    state: &AppState,
    console: &Console,
    q: &EventsQuery,
) -> Result<Response, Response> {
    let fail = |e: keywarden_store::StoreError| api_error_page(&e.into());
    let proof = crate::authz::authorize(state, &console.actor, crate::command::ReadEvents)
        .await
        .map_err(|e| api_error_page(&e.into()))?;
    let kind = non_empty(&q.kind).and_then(|k| k.parse::<EventKind>().ok());
    let delivery = non_empty(&q.delivery).and_then(|d| d.parse::<DeliveryState>().ok());
    let bad = (non_empty(&q.kind).is_some() && kind.is_none())
        || (non_empty(&q.delivery).is_some() && delivery.is_none());
    let problem = bad.then_some("Pick a kind and a delivery state from the lists.");
    let before = non_empty(&q.before).and_then(|b| b.parse().ok());
    let events = if bad {
        Vec::new()
    } else {
        state
            .store()
            .list_events(
                &keywarden_store::EventFilter {
                    kind: kind.map(|k| k.as_str().to_owned()),
                    delivery,
                    before_seq: before,
                    space: console.space().cloned(),
                    visible: console.visible(),
                    ..Default::default()
                },
                PAGE_SIZE,
            )
            .await
            .map_err(fail)?
    };
    state
        .store()
        .audit(&proof.draft(state, None, serde_json::json!({ "view": "events" })))
        .await
        .map_err(fail)?;
    let next = (events.len() == PAGE_SIZE as usize)
        .then(|| events.last().map(|e| e.seq))
        .flatten();
    let webhook = state.events().has_webhook();
    let can_redeliver = webhook && console.may::<RedeliverEvent>();
    let body = html! {
        div class="page-head" { div {
            h1 { "Events" }
            p class="muted" {
                "Leak reports, anomalies and notices"
                @if let Some(space) = console.space() { " of the space " span class="mono" { (space.as_str()) } "'s keys" }
                ", newest first, with their webhook delivery. "
                @if webhook {
                    "Each is retried with backoff for 24 hours; the receiver can de-duplicate by "
                    code { "X-Keywarden-Event-Id" } "."
                } @else {
                    "No webhook is configured on this node ("
                    code { "webhook_url" } "): events are stored, not sent."
                }
            }
        } }
        (form_error(problem))
        form method="get" action="/ui/events" class="card filters" role="search" aria-label="Filter the events" {
            div class="field" {
                label for="e-kind" { "Kind" }
                select id="e-kind" name="kind" {
                    option value="" selected[q.kind.is_empty()] { "Any" }
                    @for k in EventKind::ALL {
                        option value=(k.as_str()) selected[q.kind == k.as_str()] { (k.as_str()) }
                    }
                }
            }
            div class="field" {
                label for="e-delivery" { "Delivery" }
                select id="e-delivery" name="delivery" {
                    option value="" selected[q.delivery.is_empty()] { "Any" }
                    @for d in DeliveryState::ALL {
                        option value=(d.as_str()) selected[q.delivery == d.as_str()] { (d.as_str()) }
                    }
                }
            }
            div class="field actions" {
                button class="btn" type="submit" { "Filter" }
                a class="btn btn-ghost" href="/ui/events" { "Clear" }
            }
        }
        div class="card flush" {
            @if events.is_empty() { (empty("No event matches.")) } @else {
                div class="table-wrap" { table class="table" {
                    thead { tr {
                        th scope="col" { "Time (UTC)" } th scope="col" { "Kind" } th scope="col" { "Key" }
                        th scope="col" { "Details" } th scope="col" { "Delivery" } th scope="col" { "Attempts" }
                        th scope="col" { "Last error" } th scope="col" { "Next attempt / delivered" }
                        @if can_redeliver { th scope="col" { "Webhook" } }
                    } }
                    tbody { @for e in &events {
                        @let d = &e.delivery;
                        tr id=(e.id) {
                            td class="nowrap" title=(e.id) { (short_time(e.at)) }
                            td class="mono small" { (e.kind) }
                            td class="mono small" {
                                @match &e.key_id {
                                    Some(k) => { a href=(format!("/ui/keys/{k}")) { (k) } }
                                    None => { (dash()) }
                                }
                            }
                            td class="mono small clip" title=(e.details.to_string()) { (e.details.to_string()) }
                            td { (delivery_badge(d.state.as_str())) }
                            td class="mono" { (d.attempts) }
                            td class="small" { @if let Some(err) = &d.last_error { (err) } @else { (dash()) } }
                            td class="nowrap small" {
                                @if let Some(at) = d.delivered_at { "delivered " (short_time(at)) }
                                @else if let Some(at) = d.next_attempt_at { "next " (short_time(at)) }
                                @else { (dash()) }
                            }
                            @if can_redeliver { td {
                                @if d.state != DeliveryState::Pending {
                                    form method="post" action=(format!("/ui/events/{}/redeliver", e.id)) class="inline" {
                                        (csrf_field(console))
                                        button class="btn btn-small" type="submit"
                                            aria-label=(format!("Send event {} again", e.id)) { "Send again" }
                                    }
                                }
                            } }
                        }
                    } }
                } }
            }
        }
        nav class="pager" aria-label="Pages" {
            @if before.is_some() { a class="btn btn-ghost" href=(q.link(None)) { "← Newest" } }
            @if let Some(n) = next { a class="btn" href=(q.link(Some(n))) { "Older →" } }
        }
    };
    Ok(page(state, console, "Events", Nav::Events, body).await)
}

/// `POST /ui/events/{id}/redeliver`: the event is queued for the webhook
/// again (as `POST /v1/events/{id}/redeliver`), then the list of pending
/// events shows it.
pub(crate) async fn redeliver(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
) -> Response {
    let proof = match crate::authz::authorize(&state, &console.actor, RedeliverEvent { id }).await {
        Ok(proof) => proof,
        Err(e) => return api_error_page(&e.into()),
    };
    match keywarden_engine::outbox::redeliver(&state, proof).await {
        Ok(event) => {
            console
                .notice(
                    &state,
                    format!(
                        "Event {} ({}) is queued for the webhook again: it is attempted now, \
                         and retried for 24 hours.",
                        event.id, event.kind
                    ),
                )
                .await;
            Redirect::to("/ui/events?delivery=pending").into_response()
        }
        Err(e) => api_error_page(&e.into()),
    }
}
