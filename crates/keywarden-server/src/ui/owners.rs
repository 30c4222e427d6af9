//! `GET /ui/owners/{owner}`: an owner's shared limits and its keys.

use axum::{
    extract::{Path, State},
    response::Response,
};
use keywarden_core::names::Owner;
use keywarden_store::KeyFilter;
use maud::html;

use crate::{error::ApiError, state::AppState};

use super::{
    html::{Nav, api_error_page, empty, env_badge, page, status_badge, time_cell},
    session::Console,
};

/// The owner page.
pub(crate) async fn page_route(
    State(state): State<AppState>,
    console: Console,
    Path(owner): Path<String>,
) -> Response {
    match render(&state, &console, &owner).await {
        Ok(r) | Err(r) => r,
    }
}

async fn render(state: &AppState, console: &Console, owner: &str) -> Result<Response, Response> {
    let fail = |e: ApiError| api_error_page(&e);
    let command = crate::command::ReadOwner {
        owner: owner.to_owned(),
    };
    let proof = crate::authz::authorize(state, &console.actor, command)
        .await
        .map_err(|e| fail(e.into()))?;
    let target = crate::authz::Command::target(proof.command());
    let owner: Owner = crate::keys::parse_owner(owner).map_err(|e| fail(e.into()))?;
    let now = state.now();
    let limits = crate::keys::owner_limits(state, &proof)
        .await
        .map_err(|e| fail(e.into()))?;
    // The owner's keys the root key sees, of the current space; its shared
    // limits span every space.
    let filter = KeyFilter {
        owner: Some(owner.clone()),
        space: console.space().cloned(),
        visible: console.visible(),
        ..KeyFilter::default()
    };
    let keys = state
        .store()
        .list_keys(&filter, now, 200, None)
        .await
        .map_err(|e| fail(e.into()))?
        .items;
    state
        .store()
        .audit(&proof.draft(
            state,
            target.as_deref(),
            serde_json::json!({ "keys": keys.len() }),
        ))
        .await
        .map_err(|e| fail(e.into()))?;
    let body = html! {
        nav class="crumbs" aria-label="Breadcrumb" { a href="/ui/keys" { "Keys" } " / owner " span { (owner.as_str()) } }
        div class="page-head" {
            div { h1 { "Owner " span class="mono" { (owner.as_str()) } } p class="muted" { (keys.len()) " keys" } }
        }
        section class="card" aria-labelledby="limits-h" {
            h2 id="limits-h" { "Shared limits" }
            @match &limits {
                None => {
                    p class="muted" { "None: each key has only its own limits. Set them with PUT /v1/owners/" (owner.as_str()) "/limits." }
                }
                Some(l) => {
                    dl class="props" {
                        dt { "Rate limit" } dd {
                            @if let Some(r) = l.rate_limit { (r.limit) " per " (r.window_seconds) " s, all keys together" } @else { span class="muted" { "none" } }
                        }
                        dt { "Credits" } dd {
                            @if let Some(left) = l.credits_remaining {
                                (left) @if let Some(total) = l.credits_limit { " of " (total) } " left, all keys together"
                                @if let Some(r) = l.credits_refill {
                                    br;
                                    span class="muted" { "refilled to " (r.amount) " · next " (time_cell(Some(r.next_at(l.created_at, now)), now, "")) }
                                }
                            } @else { span class="muted" { "none" } }
                        }
                    }
                }
            }
        }
        div class="card flush" {
            @if keys.is_empty() { (empty("This owner has no keys.")) } @else {
                div class="table-wrap" { table class="table" {
                    thead { tr { th scope="col" { "Key" } th scope="col" { "Hint" } th scope="col" { "Environment" } th scope="col" { "Status" } th scope="col" { "Last used" } } }
                    tbody { @for k in &keys { tr {
                        td { a class="strong" href=(format!("/ui/keys/{}", k.id)) { (k.name.clone().unwrap_or_else(|| k.id.to_string())) } }
                        td class="mono" { (k.hint) }
                        td { (env_badge(k.environment.as_str())) }
                        td { (status_badge(k.status(now).as_str())) }
                        td { (time_cell(k.last_used_at, now, "never")) }
                    } } }
                } }
            }
        }
        @if keys.len() == 200 { p class="muted small" { "The first 200 keys." } }
    };
    Ok(page(state, console, &format!("Owner {owner}"), Nav::Keys, body).await)
}
