//! The audit log: filterable, newest first, with the hash chain's status.

use std::collections::HashMap;

use axum::{extract::State, response::Response};
use keywarden_store::AuditFilter;
use maud::html;
use serde::Deserialize;

use crate::{
    authz::authorize,
    command::{ReadAudit, VerifyAudit},
    state::AppState,
};

use super::{
    UiQuery,
    html::{
        Nav, api_error_page, dash, datetime, empty, form_error, outcome_badge, page, short_time,
    },
    non_empty,
    session::Console,
    session::percent_encode,
};

/// Entries per page.
const PAGE_SIZE: u32 = crate::bounds::CONSOLE_AUDIT_PAGE;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct AuditQuery {
    actor: String,
    action: String,
    target: String,
    outcome: String,
    before: String,
}

impl AuditQuery {
    fn link(&self, before: Option<i64>) -> String {
        let mut parts: Vec<String> = [
            ("actor", &self.actor),
            ("action", &self.action),
            ("target", &self.target),
            ("outcome", &self.outcome),
        ]
        .into_iter()
        .filter_map(|(k, v)| non_empty(v).map(|v| format!("{k}={}", percent_encode(v))))
        .collect();
        if let Some(b) = before {
            parts.push(format!("before={b}"));
        }
        format!("/ui/audit?{}", parts.join("&"))
    }
}

/// `GET /ui/audit`.
pub(crate) async fn page_route(
    State(state): State<AppState>,
    console: Console,
    UiQuery(q): UiQuery<AuditQuery>,
) -> Response {
    match render(&state, &console, &q).await {
        Ok(r) | Err(r) => r,
    }
}

async fn render(state: &AppState, console: &Console, q: &AuditQuery) -> Result<Response, Response> {
    let fail = |e: keywarden_store::StoreError| api_error_page(&e.into());
    let denied = |e: crate::authz::Denied| api_error_page(&e.into());
    let read = authorize(state, &console.actor, ReadAudit)
        .await
        .map_err(denied)?;
    let verify = authorize(state, &console.actor, VerifyAudit)
        .await
        .map_err(denied)?;
    let bad = [&q.actor, &q.action, &q.target, &q.outcome]
        .iter()
        .any(|v| !crate::bounds::filter_ok(v));
    let problem = bad.then_some("Filters are at most 200 characters, without control characters.");
    let filter = AuditFilter {
        actor: non_empty(&q.actor).map(str::to_owned),
        action: non_empty(&q.action).map(str::to_owned),
        target: non_empty(&q.target).map(str::to_owned),
        outcome: non_empty(&q.outcome).map(str::to_owned),
        before_seq: non_empty(&q.before).and_then(|b| b.parse().ok()),
        space: console.space().cloned(),
        visible: console.visible(),
    };
    let entries = if bad {
        Vec::new()
    } else {
        state
            .store()
            .list_audit(&filter, PAGE_SIZE)
            .await
            .map_err(fail)?
    };
    let chain = state.verify_audit_incremental().await.map_err(fail)?;
    state
        .store()
        .audit(&read.draft(state, None, serde_json::json!({})))
        .await
        .map_err(fail)?;
    state
        .store()
        .audit(&verify.draft(state, None, serde_json::json!({ "ok": chain.ok() })))
        .await
        .map_err(fail)?;
    let names: HashMap<String, String> = state
        .store()
        .list_root_keys()
        .await
        .map_err(fail)?
        .into_iter()
        .map(|r| (r.id.to_string(), r.name.unwrap_or(r.hint)))
        .collect();
    let next = (entries.len() == PAGE_SIZE as usize)
        .then(|| entries.last().map(|e| e.seq))
        .flatten();
    let now = state.now();
    let body = html! {
        div class="page-head" { div {
            h1 { "Audit log" }
            p class="muted" {
                "Every management action, allowed or refused, newest first"
                @if let Some(space) = console.space() { ", about the space " span class="mono" { (space.as_str()) } " or its keys" }
                ". Each entry is chained to the one before it by an HMAC under the pepper."
            }
        } }
        @if chain.ok() {
            div class="alert alert-ok" role="status" id="chain-status" {
                strong { "Chain verified. " } (chain.entries) " entries checked at " (datetime(now)) ": none was altered, removed or reordered."
            }
        } @else {
            div class="alert alert-error" role="alert" id="chain-status" {
                strong { "Chain broken at entry " (chain.first_bad_seq.unwrap_or_default()) ". " }
                (chain.problem.clone().unwrap_or_default())
                " The audit log was tampered with: investigate before trusting it."
            }
        }
        (form_error(problem))
        form method="get" action="/ui/audit" class="card filters" role="search" aria-label="Filter the audit log" {
            div class="field" {
                label for="a-action" { "Action" }
                input id="a-action" name="action" list="actions" value=(q.action) placeholder="any";
                datalist id="actions" { @for a in keywarden_store::AuditAction::ALL { option value=(a.as_str()) {} } }
            }
            div class="field" {
                label for="a-outcome" { "Outcome" }
                select id="a-outcome" name="outcome" {
                    option value="" selected[q.outcome.is_empty()] { "Any" }
                    @for o in keywarden_store::AuditOutcome::ALL {
                        option value=(o.as_str()) selected[q.outcome == o.as_str()] { (capitalized(o.as_str())) }
                    }
                }
            }
            div class="field grow" {
                label for="a-target" { "Target" }
                input id="a-target" name="target" value=(q.target) placeholder="key id";
            }
            div class="field grow" {
                label for="a-actor" { "Actor" }
                input id="a-actor" name="actor" value=(q.actor) placeholder="root key id, anonymous, leak-report";
            }
            div class="field actions" {
                button class="btn" type="submit" { "Filter" }
                a class="btn btn-ghost" href="/ui/audit" { "Clear" }
            }
        }
        div class="card flush" {
            @if entries.is_empty() { (empty("No entry matches.")) } @else {
                div class="table-wrap" { table class="table" {
                    thead { tr {
                        th scope="col" { "#" } th scope="col" { "Time (UTC)" } th scope="col" { "Actor" } th scope="col" { "Action" }
                        th scope="col" { "Target" } th scope="col" { "Outcome" } th scope="col" { "Address" } th scope="col" { "Details" }
                    } }
                    tbody { @for e in &entries { tr {
                        td class="mono muted" { (e.seq) }
                        td class="nowrap" { (short_time(e.draft.at)) }
                        td class="small" {
                            @if let Some(n) = names.get(&e.draft.actor) { (n) div class="mono muted" { (e.draft.actor) } }
                            @else { span class="mono" { (e.draft.actor) } }
                        }
                        td class="mono small" { (e.draft.action) }
                        td class="mono small" {
                            @match &e.draft.target {
                                Some(t) if t.starts_with("key_") && t.len() == 20 => { a href=(format!("/ui/keys/{t}")) { (t) } }
                                Some(t) => { (t) }
                                None => { (dash()) }
                            }
                        }
                        td { (outcome_badge(&e.draft.outcome)) }
                        td class="mono small" { @if let Some(ip) = &e.draft.client_ip { (ip) } @else { (dash()) } }
                        td class="mono small clip" title=(e.draft.details.to_string()) { (e.draft.details.to_string()) }
                    } } }
                } }
            }
        }
        nav class="pager" aria-label="Pages" {
            @if filter.before_seq.is_some() { a class="btn btn-ghost" href=(q.link(None)) { "← Newest" } }
            @if let Some(n) = next { a class="btn" href=(q.link(Some(n))) { "Older →" } }
        }
    };
    Ok(page(state, console, "Audit log", Nav::Audit, body).await)
}

/// `denied` → `Denied`, for a list of names.
fn capitalized(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
