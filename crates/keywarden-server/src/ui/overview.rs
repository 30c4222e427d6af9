//! The overview: keys by environment and status, verifications over the
//! last 24 hours, recent refusals, keys expiring soon, recent leak reports.

use std::collections::{BTreeMap, HashMap};

use axum::{extract::State, response::Response};
use keywarden_store::KeyStatus;
use maud::html;

use crate::{
    command::{CreateKey, ListKeys, RevokeKeys},
    state::AppState,
};

use super::{
    chart,
    html::{Nav, api_error_page, code_badge, dash, empty, env_badge, page, short_time, time_cell},
    session::Console,
};

/// "Expiring soon" means within this many days.
const SOON_DAYS: i64 = 14;

/// Rows read for a list the store does not filter by space, when the page
/// shows part of the spaces: the ten shown are the first that belong.
const PARTIAL_FETCH: u32 = 50;

/// `GET /ui`.
async fn render(state: &AppState, console: &Console) -> Result<Response, Response> {
    let fail = |e: keywarden_store::StoreError| api_error_page(&e.into());
    if !console.may::<ListKeys>() {
        let body = html! {
            div class="page-head" { div { h1 { "Overview" } } }
            div class="card" {
                p { "Your root key lacks " code { "keys:read" } ", so there is nothing to show here." }
                p { "The " a href="/ui/generator" { "generator" } " works with any key." }
            }
        };
        return Ok(page(state, console, "Overview", Nav::Overview, body).await);
    }
    let now = state.now();
    let scope = keywarden_store::KeyFilter {
        space: console.space().cloned(),
        visible: console.visible(),
        ..Default::default()
    };
    // Whether the page shows part of the keys (one space, or a root key
    // scoped to spaces): lists the store does not filter by space are
    // filtered here, by each key's space.
    let partial = scope.space.is_some() || scope.visible.is_some();
    let shown = |space: &keywarden_core::spaces::SpaceId| {
        scope.space.as_ref().is_none_or(|s| s == space)
            && scope.visible.as_ref().is_none_or(|v| v.contains(space))
    };
    let counts = state.store().key_counts(now, &scope).await.map_err(fail)?;
    let range = chart::Range::ending_at(now, 3_600_000, 24);
    let buckets = state
        .store()
        .usage_buckets(None, range.bucket_ms, range.from, range.to())
        .await
        .map_err(fail)?;
    let mut refused = state
        .store()
        .recent_usage(None, true, if partial { PARTIAL_FETCH } else { 10 })
        .await
        .map_err(fail)?;
    if partial {
        // Refusals of no key belong to no space; those of a key, to its
        // space. Looked up by id (a handful of primary-key reads).
        let mut spaces: HashMap<String, Option<keywarden_core::spaces::SpaceId>> = HashMap::new();
        for key_id in refused.iter().filter_map(|(k, _)| k.clone()) {
            if spaces.contains_key(&key_id) {
                continue;
            }
            let space = match key_id.parse::<keywarden_core::key::KeyId>() {
                Ok(id) => state
                    .store()
                    .get_key(&id)
                    .await
                    .map_err(fail)?
                    .map(|k| k.space),
                Err(_) => None,
            };
            spaces.insert(key_id, space);
        }
        refused.retain(|(k, _)| {
            k.as_ref()
                .and_then(|k| spaces.get(k).cloned().flatten())
                .is_some_and(|s| shown(&s))
        });
        refused.truncate(10);
    }
    let mut expiring = state
        .store()
        .expiring_keys(
            now,
            now + SOON_DAYS * 86_400_000,
            if partial { PARTIAL_FETCH } else { 10 },
        )
        .await
        .map_err(fail)?;
    expiring.retain(|k| shown(&k.space));
    expiring.truncate(10);
    let leaks = state
        .store()
        .list_events(
            &keywarden_store::EventFilter {
                kind: Some(keywarden_store::EventKind::KeyLeaked.as_str().to_owned()),
                space: console.space().cloned(),
                visible: console.visible(),
                ..Default::default()
            },
            8,
        )
        .await
        .map_err(fail)?;
    let proof = crate::authz::authorize(state, &console.actor, ListKeys)
        .await
        .map_err(|e| api_error_page(&e.into()))?;
    state
        .store()
        .audit(&proof.draft(state, None, serde_json::json!({ "view": "overview" })))
        .await
        .map_err(fail)?;

    let mut by_env: BTreeMap<String, [i64; 5]> = BTreeMap::new();
    let mut totals = [0i64; 5];
    for c in &counts {
        let i = match c.status {
            KeyStatus::Active => 0,
            KeyStatus::Expired => 1,
            KeyStatus::Revoked => 2,
            KeyStatus::Disabled => 3,
            KeyStatus::Pending => 4,
        };
        by_env.entry(c.environment.to_string()).or_default()[i] += c.count;
        totals[i] += c.count;
    }
    let all: i64 = totals.iter().sum();
    let stat = |label: &str, value: i64, href: &str, class: &str| {
        html! {
            a class=(format!("stat {class}")) href=(href) {
                span class="stat-value" { (value) }
                span class="stat-label" { (label) }
            }
        }
    };
    let body = html! {
        div class="page-head" {
            div { h1 { "Overview" } p class="muted" {
                @if let Some(space) = console.space() { "The space " span class="mono" { (space.as_str()) } ", at a glance." }
                @else { "Everything keywarden knows, at a glance." }
            } }
            div class="actions" {
                @if console.may::<CreateKey>() { a class="btn btn-primary" href="/ui/keys/new" { "Create key" } }
                @if console.may::<RevokeKeys>() { a class="btn btn-danger-ghost" href="/ui/emergency" { "Emergency revoke" } }
            }
        }
        div class="stats" {
            (stat("keys", all, "/ui/keys", ""))
            (stat("active", totals[0], "/ui/keys?status=active", "stat-active"))
            (stat("expired", totals[1], "/ui/keys?status=expired", "stat-expired"))
            (stat("revoked", totals[2], "/ui/keys?status=revoked", "stat-revoked"))
            @if totals[3] > 0 { (stat("disabled", totals[3], "/ui/keys?status=disabled", "stat-expired")) }
            @if totals[4] > 0 { (stat("pending", totals[4], "/ui/pending", "stat-expired")) }
        }
        div class="grid grid-2" {
            section class="card" aria-labelledby="verif-h" {
                h2 id="verif-h" { "Verifications, last 24 hours" }
                (chart::stacked_bars(&buckets, range, "Verifications, last 24 hours"))
                @if partial { p class="muted small" { "Of every key, in every space." } }
            }
            section class="card flush" aria-labelledby="env-h" {
                h2 id="env-h" class="pad" { "Keys by environment" }
                @if by_env.is_empty() { (empty("No keys yet.")) } @else {
                    div class="table-wrap" { table class="table" {
                        thead { tr { th scope="col" { "Environment" } th scope="col" class="num" { "Active" } th scope="col" class="num" { "Expired" } th scope="col" class="num" { "Revoked" } } }
                        tbody { @for (env, [a, e, r, _, _]) in &by_env { tr {
                            th scope="row" { a href=(format!("/ui/keys?environment={env}")) { (env_badge(env)) } }
                            td class="num" { a href=(format!("/ui/keys?environment={env}&status=active")) { (a) } }
                            td class="num" { a href=(format!("/ui/keys?environment={env}&status=expired")) { (e) } }
                            td class="num" { a href=(format!("/ui/keys?environment={env}&status=revoked")) { (r) } }
                        } } }
                    } }
                }
            }
        }
        div class="grid grid-2" {
            section class="card flush" aria-labelledby="refused-h" {
                h2 id="refused-h" class="pad" { "Recent refused verifications" }
                @if refused.is_empty() { (empty("None. Every recent verification passed.")) } @else {
                    div class="table-wrap" { table class="table compact" {
                        thead { tr { th scope="col" { "Time (UTC)" } th scope="col" { "Outcome" } th scope="col" { "Key" } th scope="col" { "Address" } } }
                        tbody { @for (key_id, u) in &refused { tr {
                            td class="nowrap" { (short_time(u.at)) @if u.hits > 1 { " " span class="muted" title="identical verifications in this second" { "×" (u.hits) } } }
                            td { (code_badge(&u.code)) }
                            td class="mono small" { @if let Some(k) = key_id { a href=(format!("/ui/keys/{k}")) { (k) } } @else { span class="muted" { "unknown key" } } }
                            td class="mono small" { @if let Some(ip) = &u.client_ip { (ip) } @else { (dash()) } }
                        } } }
                    } }
                }
            }
            div class="column" {
            section class="card flush" aria-labelledby="expiring-h" {
                h2 id="expiring-h" class="pad" { "Expiring within " (SOON_DAYS) " days" }
                @if expiring.is_empty() { (empty("No active key expires soon.")) } @else {
                    ul class="list" { @for k in &expiring { li {
                        a href=(format!("/ui/keys/{}", k.id)) { (k.name.clone().unwrap_or_else(|| k.id.to_string())) }
                        " " span class="mono small muted" { (k.hint) }
                        span class="list-right" { (time_cell(k.expires_at, now, "")) }
                    } } }
                }
            }
            section class="card flush" aria-labelledby="leaks-h" {
                h2 id="leaks-h" class="pad" { "Recent leak reports" }
                @if leaks.is_empty() { (empty("No leak reports.")) } @else {
                    ul class="list" { @for ev in &leaks { li {
                        @if let Some(k) = &ev.key_id { a class="mono" href=(format!("/ui/keys/{k}")) { (k) } } @else { span class="muted" { "unknown key" } }
                        @if let Some(src) = ev.details.get("source").and_then(|s| s.as_str()) {
                            div class="small muted clip" { "found at " (src) }
                        }
                        span class="list-right" { (time_cell(Some(ev.at), now, "")) }
                    } } }
                }
            }
            }
        }
    };
    Ok(page(state, console, "Overview", Nav::Overview, body).await)
}

/// `GET /ui`.
pub(crate) async fn show(State(state): State<AppState>, console: Console) -> Response {
    match render(&state, &console).await {
        Ok(r) | Err(r) => r,
    }
}
