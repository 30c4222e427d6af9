//! Keys: the list, a key's page (settings, usage, verifications, audit,
//! Revoke / Roll / Edit), the create and edit forms, and the one-time
//! display of a new key.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use keywarden_core::{
    clock::parse_duration,
    key::{Environment, KeyId},
    names::{Owner, Scope},
};
use keywarden_store::{AuditFilter, Cursor, KeyFilter, KeyRecord, KeyStatus, Permission};
use maud::{Markup, html};
use serde::Deserialize;

use crate::{
    error::ApiError,
    keys::{self, KeyChanges, KeyErrorKind, NewKey, RateLimitInput},
    state::AppState,
    timefmt,
};

use super::{
    UiForm, UiQuery, chart,
    html::{
        Nav, api_error_page, code_badge, csrf_field, dash, datetime, empty, env_badge, form_error,
        outcome_badge, page, pretty_json, short_time, status_badge, time_cell,
    },
    non_empty,
    session::{Console, Reveal},
};

/// Keys per page of the list.
const PAGE_SIZE: u32 = 25;

/// A page, or the page that explains why not.
type PageResult = Result<Response, Response>;

fn fail(err: impl Into<ApiError>) -> Response {
    api_error_page(&err.into())
}

async fn require(
    state: &AppState,
    console: &Console,
    permission: Permission,
    action: keywarden_store::AuditAction,
    target: Option<&str>,
) -> Result<(), Response> {
    console
        .caller
        .require(state, permission, action, target)
        .await
        .map_err(fail)
}

async fn load(state: &AppState, id: &str) -> Result<(KeyId, KeyRecord), Response> {
    let id = keys::parse_id(id).map_err(fail)?;
    let record = keys::load(state, &id).await.map_err(fail)?;
    Ok((id, record))
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

// ---------------------------------------------------------------- list

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ListQuery {
    owner: String,
    environment: String,
    status: String,
    q: String,
    cursor: String,
}

impl ListQuery {
    fn query_string(&self, cursor: Option<&str>) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("owner", &self.owner),
            ("environment", &self.environment),
            ("status", &self.status),
            ("q", &self.q),
        ] {
            if let Some(v) = non_empty(v) {
                parts.push(format!("{k}={}", super::session::percent_encode(v)));
            }
        }
        if let Some(c) = cursor {
            parts.push(format!("cursor={}", super::session::percent_encode(c)));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

fn parse_filter(q: &ListQuery) -> Result<KeyFilter, String> {
    let owner = non_empty(&q.owner)
        .map(|o| o.parse::<Owner>().map_err(|e| format!("Owner: {e}")))
        .transpose()?;
    let environment = non_empty(&q.environment)
        .map(|e| {
            e.parse::<Environment>()
                .map_err(|e| format!("Environment: {e}"))
        })
        .transpose()?;
    let status = non_empty(&q.status)
        .map(|s| s.parse::<KeyStatus>().map_err(|e| format!("Status: {e}")))
        .transpose()?;
    let search = non_empty(&q.q).map(str::to_owned);
    if search
        .as_ref()
        .is_some_and(|s| s.chars().count() > 100 || s.chars().any(char::is_control))
    {
        return Err("Search: at most 100 characters, without control characters".to_owned());
    }
    Ok(KeyFilter {
        owner,
        environment,
        status,
        search,
    })
}

/// `GET /ui/keys`.
pub(crate) async fn list(
    State(state): State<AppState>,
    console: Console,
    UiQuery(q): UiQuery<ListQuery>,
) -> PageResult {
    require(
        &state,
        &console,
        Permission::KeysRead,
        keywarden_store::AuditAction::KeyList,
        None,
    )
    .await?;
    let now = state.now();
    let (filter, problem) = match parse_filter(&q) {
        Ok(f) => (Some(f), None),
        Err(e) => (None, Some(e)),
    };
    let cursor = non_empty(&q.cursor).and_then(Cursor::decode);
    let (keys, next, total) = match &filter {
        Some(filter) => {
            let page = state
                .store()
                .list_keys(filter, now, PAGE_SIZE, cursor.as_ref())
                .await
                .map_err(fail)?;
            let total = state.store().count_keys(filter, now).await.map_err(fail)?;
            (page.items, page.next, total)
        }
        None => (Vec::new(), None, 0),
    };
    state
        .store()
        .audit(&console.caller.draft(
            &state,
            keywarden_store::AuditAction::KeyList,
            None,
            serde_json::json!({ "returned": keys.len() }),
        ))
        .await
        .map_err(fail)?;
    let can_write = console.root().allows(Permission::KeysWrite);
    let body = html! {
        div class="page-head" {
            div {
                h1 { "Keys" }
                p class="muted" { (total) " matching " (if total == 1 { "key" } else { "keys" }) }
            }
            @if can_write { a class="btn btn-primary" href="/ui/keys/new" { "Create key" } }
        }
        form method="get" action="/ui/keys" class="card filters" role="search" aria-label="Filter keys" {
            div class="field grow" {
                label for="f-q" { "Search" }
                input id="f-q" name="q" type="search" value=(q.q) placeholder="Name, id, owner or hint (…6P3m)";
            }
            div class="field" {
                label for="f-owner" { "Owner" }
                input id="f-owner" name="owner" value=(q.owner) placeholder="any";
            }
            div class="field" {
                label for="f-env" { "Environment" }
                input id="f-env" name="environment" value=(q.environment) placeholder="any";
            }
            div class="field" {
                label for="f-status" { "Status" }
                select id="f-status" name="status" {
                    @for (value, label) in [("", "Any"), ("active", "Active"), ("expired", "Expired"), ("revoked", "Revoked")] {
                        option value=(value) selected[q.status == value] { (label) }
                    }
                }
            }
            div class="field actions" {
                button class="btn" type="submit" { "Filter" }
                a class="btn btn-ghost" href="/ui/keys" { "Clear" }
            }
        }
        (form_error(problem.as_deref()))
        div class="card flush" {
            @if keys.is_empty() {
                (empty(if filter.is_some() { "No key matches these filters." } else { "Fix the filters to see keys." }))
            } @else {
                div class="table-wrap" {
                    table class="table" {
                        thead { tr {
                            th scope="col" { "Key" } th scope="col" { "Hint" } th scope="col" { "Environment" }
                            th scope="col" { "Owner" } th scope="col" { "Status" } th scope="col" { "Expires" }
                            th scope="col" { "Last used" }
                        } }
                        tbody {
                            @for k in &keys {
                                tr {
                                    td {
                                        a class="strong" href=(format!("/ui/keys/{}", k.id)) {
                                            (k.name.clone().unwrap_or_else(|| k.id.to_string()))
                                        }
                                        @if k.name.is_some() { div class="mono small muted" { (k.id.as_str()) } }
                                    }
                                    td class="mono" { (k.hint) }
                                    td { (env_badge(k.environment.as_str())) }
                                    td { @if let Some(o) = &k.owner { (o.as_str()) } @else { (dash()) } }
                                    td { (status_badge(k.status(now).as_str())) }
                                    td { (time_cell(k.expires_at, now, "never")) }
                                    td { (time_cell(k.last_used_at, now, "never")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        nav class="pager" aria-label="Pages" {
            @if cursor.is_some() { a class="btn btn-ghost" href=(format!("/ui/keys{}", q.query_string(None))) { "← First page" } }
            @if let Some(n) = &next { a class="btn" href=(format!("/ui/keys{}", q.query_string(Some(n)))) { "Next page →" } }
        }
    };
    Ok(page(&console, "Keys", Nav::Keys, body))
}

// ---------------------------------------------------------------- detail

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct DetailQuery {
    range: String,
}

/// `GET /ui/keys/{id}`.
pub(crate) async fn detail(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    UiQuery(q): UiQuery<DetailQuery>,
) -> PageResult {
    require(
        &state,
        &console,
        Permission::KeysRead,
        keywarden_store::AuditAction::KeyRead,
        Some(&id),
    )
    .await?;
    let (id, k) = load(&state, &id).await?;
    state
        .store()
        .audit(&console.caller.draft(
            &state,
            keywarden_store::AuditAction::KeyRead,
            Some(id.as_str()),
            serde_json::json!({}),
        ))
        .await
        .map_err(fail)?;
    let now = state.now();
    let (range_name, range) = match q.range.as_str() {
        "7d" => ("7d", chart::Range::ending_at(now, 6 * 3_600_000, 28)),
        "30d" => ("30d", chart::Range::ending_at(now, 86_400_000, 30)),
        "1h" => ("1h", chart::Range::ending_at(now, 60_000, 60)),
        _ => ("24h", chart::Range::ending_at(now, 3_600_000, 24)),
    };
    let buckets = state
        .store()
        .usage_buckets(Some(&id), range.bucket_ms, range.from, range.to())
        .await
        .map_err(fail)?;
    let recent = state
        .store()
        .recent_usage(Some(&id), false, 20)
        .await
        .map_err(fail)?;
    let root = console.root();
    let audit = if root.allows(Permission::AuditRead) {
        let filter = AuditFilter {
            target: Some(id.to_string()),
            ..AuditFilter::default()
        };
        Some(state.store().list_audit(&filter, 20).await.map_err(fail)?)
    } else {
        None
    };
    let status = k.status(now);
    let can_revoke = root.allows(Permission::KeysRevoke) && status != KeyStatus::Revoked;
    let can_write = root.allows(Permission::KeysWrite);
    let can_roll = can_write && status == KeyStatus::Active && k.rotated_to.is_none();
    let can_edit = can_write && status != KeyStatus::Revoked;
    let title = k.name.clone().unwrap_or_else(|| k.id.to_string());
    let body = html! {
        nav class="crumbs" aria-label="Breadcrumb" { a href="/ui/keys" { "Keys" } " / " span { (k.id.as_str()) } }
        div class="page-head" {
            div {
                h1 { (title) " " (status_badge(status.as_str())) }
                p class="muted" {
                    span class="mono" { (k.hint) } " · " (env_badge(k.environment.as_str()))
                    @if let Some(o) = &k.owner { " · owner " strong { (o.as_str()) } }
                    " · id " span class="mono" { (k.id.as_str()) }
                }
            }
            div class="actions" {
                @if can_edit { a class="btn" href=(format!("/ui/keys/{}/edit", k.id)) { "Edit" } }
                @if can_roll {
                    a class="btn" href=(format!("/ui/keys/{}/roll", k.id)) data-dialog="roll-dialog" { "Roll…" }
                }
                @if can_revoke {
                    a class="btn btn-danger" href=(format!("/ui/keys/{}/revoke", k.id)) data-dialog="revoke-dialog" { "Revoke" }
                }
                @if !can_write && !root.allows(Permission::KeysRevoke) {
                    span class="muted small" { "Read-only: your root key cannot change keys." }
                }
            }
        }
        @if status == KeyStatus::Revoked {
            div class="alert alert-error" {
                strong { "Revoked " } (time_cell(k.revoked_at, now, ""))
                @if let Some(r) = &k.revoke_reason { " · reason: " (r) }
                ". Every verification of this key answers REVOKED."
            }
        }
        @if let Some(to) = &k.rotated_to {
            div class="alert alert-info" {
                "Rolled to " a class="mono" href=(format!("/ui/keys/{to}")) { (to.as_str()) }
                @if status == KeyStatus::Active { "; this key keeps working until " (time_cell(k.expires_at, now, "")) "." }
            }
        }
        div class="grid grid-2" {
            section class="card" aria-labelledby="settings-h" {
                h2 id="settings-h" { "Settings" }
                dl class="props" {
                    dt { "Scopes" }
                    dd { @if k.scopes.is_empty() { span class="muted" { "none (any scope check fails)" } } @else {
                        @for s in &k.scopes { span class="chip" { (s.as_str()) } " " }
                    } }
                    dt { "Environment" } dd { (env_badge(k.environment.as_str())) }
                    dt { "Owner" } dd { @if let Some(o) = &k.owner { (o.as_str()) } @else { (dash()) } }
                    dt { "Created" } dd { (time_cell(Some(k.created_at), now, "")) " · " span class="muted small" { (datetime(k.created_at)) } }
                    dt { "Expires" } dd {
                        (time_cell(k.expires_at, now, "never"))
                        @if let Some(e) = k.expires_at { " · " span class="muted small" { (datetime(e)) } }
                    }
                    dt { "Last used" } dd { (time_cell(k.last_used_at, now, "never")) }
                    dt { "Rate limit" } dd {
                        @if let Some(r) = k.rate_limit { (r.limit) " per " (r.window_seconds) " s" } @else { span class="muted" { "none" } }
                    }
                    dt { "Usage limit" } dd {
                        @if let Some(l) = k.usage_limit { (k.usage_remaining.unwrap_or(0)) " of " (l) " left" } @else { span class="muted" { "none" } }
                    }
                    dt { "IP allowlist" } dd {
                        @if k.ip_allowlist.is_empty() { span class="muted" { "any address" } } @else {
                            @for n in &k.ip_allowlist { span class="chip mono" { (n) } " " }
                        }
                    }
                    @if let Some(from) = &k.rotated_from {
                        dt { "Replaces" } dd { a class="mono" href=(format!("/ui/keys/{from}")) { (from.as_str()) } }
                    }
                    dt { "Recoverable" } dd { (if k.sealed.is_some() { "yes (encrypted under the master key)" } else { "no" }) }
                    dt { "Metadata" } dd {
                        @if k.metadata.as_object().is_none_or(|m| m.is_empty()) { span class="muted" { "none" } } @else {
                            pre class="code" { (pretty_json(&k.metadata)) }
                        }
                    }
                }
            }
            section class="card" aria-labelledby="usage-h" {
                div class="card-head" {
                    h2 id="usage-h" { "Verifications" }
                    nav class="segmented" aria-label="Period" {
                        @for (value, label) in [("1h", "1 h"), ("24h", "24 h"), ("7d", "7 d"), ("30d", "30 d")] {
                            a href=(format!("/ui/keys/{}?range={value}", k.id)) aria-current=[(range_name == value).then_some("true")] { (label) }
                        }
                    }
                }
                (chart::stacked_bars(&buckets, range, "Verifications of this key"))
            }
        }
        section class="card flush" aria-labelledby="recent-h" {
            h2 id="recent-h" class="pad" { "Recent verifications" }
            @if recent.is_empty() { (empty("This key has not been presented yet.")) } @else {
                div class="table-wrap" { table class="table" {
                    thead { tr { th scope="col" { "Time (UTC)" } th scope="col" { "Outcome" } th scope="col" { "Client address" } th scope="col" { "Scopes asked" } th scope="col" { "User agent" } th scope="col" { "Node" } } }
                    tbody { @for (_, u) in &recent { tr {
                        td class="nowrap" { (short_time(u.at)) @if u.hits > 1 { " " span class="muted" title="identical verifications in this second" { "×" (u.hits) } } }
                        td { (code_badge(&u.code)) }
                        td class="mono" { @if let Some(ip) = &u.client_ip { (ip) } @else { (dash()) } }
                        td class="mono small" { @if let Some(s) = &u.scopes { (s) } @else { (dash()) } }
                        td class="small clip" { @if let Some(a) = &u.user_agent { (a) } @else { (dash()) } }
                        td class="small muted" { @if let Some(n) = &u.node_id { (n) } @else { (dash()) } }
                    } } }
                } }
            }
        }
        section class="card flush" aria-labelledby="audit-h" {
            h2 id="audit-h" class="pad" { "Audit entries" }
            @match &audit {
                None => { (empty("Your root key lacks audit:read, so the audit log is not shown.")) }
                Some(entries) if entries.is_empty() => { (empty("No audit entries name this key.")) }
                Some(entries) => {
                    div class="table-wrap" { table class="table" {
                        thead { tr { th scope="col" { "#" } th scope="col" { "Time (UTC)" } th scope="col" { "Action" } th scope="col" { "Outcome" } th scope="col" { "Actor" } th scope="col" { "Address" } th scope="col" { "Details" } } }
                        tbody { @for e in entries { tr {
                            td class="mono muted" { (e.seq) }
                            td class="nowrap" { (short_time(e.draft.at)) }
                            td class="mono" { (e.draft.action) }
                            td { (outcome_badge(&e.draft.outcome)) }
                            td class="mono small" { (e.draft.actor) }
                            td class="mono small" { @if let Some(ip) = &e.draft.client_ip { (ip) } @else { (dash()) } }
                            td class="mono small clip" { (e.draft.details.to_string()) }
                        } } }
                    } }
                    @if root.allows(Permission::AuditRead) {
                        p class="pad small" { a href=(format!("/ui/audit?target={}", k.id)) { "All audit entries for this key →" } }
                    }
                }
            }
        }
        @if can_revoke {
            dialog id="revoke-dialog" class="dialog" aria-labelledby="revoke-title" {
                (revoke_form_body(&console, &k))
            }
        }
        @if can_roll {
            dialog id="roll-dialog" class="dialog" aria-labelledby="roll-title" {
                (roll_form_body(&state, &console, &k))
            }
        }
    };
    Ok(page(&console, &title, Nav::Keys, body))
}

// ---------------------------------------------------------------- revoke

fn revoke_form_body(console: &Console, k: &KeyRecord) -> Markup {
    html! {
        form method="post" action=(format!("/ui/keys/{}/revoke", k.id)) class="stack" {
            (csrf_field(console))
            h2 id="revoke-title" { "Revoke " span class="mono" { (k.hint) } "?" }
            p { "Every request with this key fails from now on, on every node. This cannot be undone." }
            div class="field" {
                label for="revoke-reason" { "Reason " span class="muted" { "(optional, kept in the audit log)" } }
                input id="revoke-reason" name="reason" maxlength="200" placeholder="manual";
            }
            div class="dialog-actions" {
                a class="btn btn-ghost" href=(format!("/ui/keys/{}", k.id)) data-close { "Cancel" }
                button class="btn btn-danger" type="submit" { "Revoke key" }
            }
        }
    }
}

/// `GET /ui/keys/{id}/revoke`: the confirmation, as a page (without
/// JavaScript; with it, the key page opens the same form in a dialog).
pub(crate) async fn revoke_form(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
) -> PageResult {
    require(
        &state,
        &console,
        Permission::KeysRevoke,
        keywarden_store::AuditAction::KeyRevoke,
        Some(&id),
    )
    .await?;
    let (_, k) = load(&state, &id).await?;
    let body = html! { div class="card narrow" { (revoke_form_body(&console, &k)) } };
    Ok(page(&console, "Revoke key", Nav::Keys, body))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RevokeForm {
    reason: String,
}

/// `POST /ui/keys/{id}/revoke`.
pub(crate) async fn revoke(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    UiForm(f): UiForm<RevokeForm>,
) -> PageResult {
    require(
        &state,
        &console,
        Permission::KeysRevoke,
        keywarden_store::AuditAction::KeyRevoke,
        Some(&id),
    )
    .await?;
    let key_id = keys::parse_id(&id).map_err(fail)?;
    let reason = keys::reason(non_empty(&f.reason).map(str::to_owned), "manual").map_err(fail)?;
    let record = keys::revoke(&state, &console.caller, &key_id, &reason)
        .await
        .map_err(fail)?;
    console.sessions.notice(
        &console.session,
        format!(
            "Revoked {} ({}). Every verification of it now answers REVOKED.",
            record.id, record.hint
        ),
    );
    Ok(see_other(&format!("/ui/keys/{key_id}")))
}

// ---------------------------------------------------------------- roll

const GRACE_CHOICES: [(&str, &str); 6] = [
    ("0s", "End the old key now"),
    ("1h", "1 hour"),
    ("24h", "24 hours"),
    ("7d", "7 days"),
    ("14d", "14 days"),
    ("30d", "30 days"),
];

fn roll_form_body(state: &AppState, console: &Console, k: &KeyRecord) -> Markup {
    let default = state.config().default_grace_period.ms();
    let default_choice = GRACE_CHOICES
        .iter()
        .find(|(v, _)| keys::grace_ms(Some(v), 0).ok() == Some(default))
        .map_or("24h", |(v, _)| *v);
    html! {
        form method="post" action=(format!("/ui/keys/{}/roll", k.id)) class="stack" {
            (csrf_field(console))
            h2 id="roll-title" { "Roll " span class="mono" { (k.hint) } }
            p { "A new key with the same settings replaces this one. The new key is shown once." }
            div class="field" {
                label for="grace" { "Grace period for the old key" }
                select id="grace" name="grace_period" aria-describedby="grace-hint" {
                    @for (value, label) in GRACE_CHOICES {
                        option value=(value) selected[value == default_choice] { (label) }
                    }
                }
                small id="grace-hint" class="hint" { "Both keys work until the grace period ends, so clients can switch over." }
            }
            div class="dialog-actions" {
                a class="btn btn-ghost" href=(format!("/ui/keys/{}", k.id)) data-close { "Cancel" }
                button class="btn btn-primary" type="submit" { "Roll key" }
            }
        }
    }
}

/// `GET /ui/keys/{id}/roll`: the roll form as a page.
pub(crate) async fn roll_form(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
) -> PageResult {
    require(
        &state,
        &console,
        Permission::KeysWrite,
        keywarden_store::AuditAction::KeyRoll,
        Some(&id),
    )
    .await?;
    let (_, k) = load(&state, &id).await?;
    let body = html! { div class="card narrow" { (roll_form_body(&state, &console, &k)) } };
    Ok(page(&console, "Roll key", Nav::Keys, body))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RollForm {
    grace_period: String,
}

/// `POST /ui/keys/{id}/roll`.
pub(crate) async fn roll(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    UiForm(f): UiForm<RollForm>,
) -> PageResult {
    require(
        &state,
        &console,
        Permission::KeysWrite,
        keywarden_store::AuditAction::KeyRoll,
        Some(&id),
    )
    .await?;
    let key_id = keys::parse_id(&id).map_err(fail)?;
    let grace = keys::grace_ms(
        non_empty(&f.grace_period),
        state.config().default_grace_period.ms(),
    )
    .map_err(fail)?;
    let rolled = keys::roll(
        &state,
        &console.caller,
        &key_id,
        keys::RollRequest { grace_ms: grace },
    )
    .await
    .map_err(fail)?;
    let new_id = rolled.new.record.id.to_string();
    console.sessions.hold_reveal(
        &console.session,
        Reveal::new(
            new_id.clone(),
            rolled.new.key,
            Some((rolled.previous.id.to_string(), rolled.previous.expires_at)),
            state.now(),
        ),
    );
    Ok(see_other(&format!("/ui/keys/{new_id}/created")))
}

// ---------------------------------------------------------------- created

/// `GET /ui/keys/{id}/created`: shows a new key once.
pub(crate) async fn created(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
) -> Response {
    let now = state.now();
    let Some(reveal) = console.sessions.take_reveal(&console.session, &id, now) else {
        let body = html! {
            div class="card narrow" {
                h1 { "This key is no longer shown" }
                p {
                    "A new key is displayed exactly once, right after it is made. keywarden keeps only a digest, "
                    "so it cannot show the key again. If it was not copied, roll the key to get a new one."
                }
                p { a class="btn" href=(format!("/ui/keys/{}", super::session::percent_encode(&id))) { "Go to the key" } }
            }
        };
        return page(&console, "Key already shown", Nav::Keys, body);
    };
    let env_line = format!("API_KEY={}", reveal.key.expose());
    let body = html! {
        div class="card narrow reveal" {
            h1 { @if reveal.rolled_from.is_some() { "Key rolled" } @else { "Key created" } }
            div class="alert alert-warn" role="alert" {
                strong { "Copy this key now — you won't see it again." }
                " keywarden stores only a digest of it. Reloading or leaving this page hides it for good."
            }
            div class="field" {
                label for="new-key" { "The new key" }
                div class="copy-row" {
                    output id="new-key" class="secret mono" { (reveal.key.expose()) }
                    button class="btn btn-primary" type="button" data-copy="new-key" { "Copy" }
                }
            }
            div class="field" {
                label for="env-line" { ".env line" }
                div class="copy-row" {
                    output id="env-line" class="secret mono small" { (env_line) }
                    button class="btn" type="button" data-copy="env-line" { "Copy" }
                }
            }
            @if let Some((old, until)) = &reveal.rolled_from {
                p {
                    "The old key " a class="mono" href=(format!("/ui/keys/{old}")) { (old) }
                    @match until {
                        Some(t) if *t > now => { " keeps working until " (datetime(*t)) " (" (super::html::relative(*t, now)) ")." }
                        _ => { " has stopped working." }
                    }
                }
            }
            p { "Key id " span class="mono" { (reveal.key_id) } }
            p { a class="btn" href=(format!("/ui/keys/{}", reveal.key_id)) { "Done — go to the key" } }
        }
    };
    page(&console, "Key created", Nav::Keys, body)
}

// ---------------------------------------------------------------- create / edit form

/// Every setting of a key, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct KeyForm {
    environment: String,
    owner: String,
    name: String,
    scopes: String,
    expires: String,
    metadata: String,
    ip_allowlist: String,
    rate_limit: String,
    rate_window: String,
    usage_limit: String,
    recoverable: Option<String>,
}

/// A refused form: which field, and why.
struct FieldError {
    field: &'static str,
    message: String,
}

fn field_err(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// Whether a refusal is about the form's input (shown next to the field)
/// rather than a failure (shown as an error page).
fn is_input_error(err: &keys::KeyError) -> bool {
    !matches!(
        err.kind,
        KeyErrorKind::NotFound
            | KeyErrorKind::Revoked(_)
            | KeyErrorKind::NotRollable(_)
            | KeyErrorKind::Store(_)
            | KeyErrorKind::Internal(_)
    )
}

/// The form field a refusal is about (`""`: the form as a whole).
fn form_field(err: &keys::KeyError) -> &'static str {
    err.field.map_or("", keys::KeyField::form_name)
}

fn split_list(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `expires` as typed → (`expires_at`, `expires_in`): a duration (`90d`), an
/// RFC 3339 time, a date (`2027-01-31`, midnight UTC) or a browser
/// `datetime-local` value (UTC).
fn parse_expires(text: &str) -> Result<(Option<String>, Option<String>), FieldError> {
    let Some(t) = non_empty(text) else {
        return Ok((None, None));
    };
    if parse_duration(t).is_some() {
        return Ok((None, Some(t.to_owned())));
    }
    if timefmt::parse_rfc3339(t).is_some() {
        return Ok((Some(t.to_owned()), None));
    }
    let candidates = [
        format!("{t}T00:00:00Z"),
        format!("{t}:00Z"),
        format!("{t}Z"),
    ];
    candidates
        .into_iter()
        .find(|c| timefmt::parse_rfc3339(c).is_some())
        .map(|c| (Some(c), None))
        .ok_or_else(|| {
            field_err(
                "expires",
                "Expiry: give a lifetime like 90d, 12h or 30m, or a date like 2027-01-31 or 2027-01-31T12:00:00Z",
            )
        })
}

fn parse_scopes(text: &str) -> Result<Vec<Scope>, FieldError> {
    split_list(text)
        .iter()
        .map(|s| s.parse::<Scope>())
        .collect::<Result<_, _>>()
        .map_err(|e| field_err("scopes", format!("Scopes: {e}")))
}

fn parse_owner(text: &str) -> Result<Option<Owner>, FieldError> {
    non_empty(text)
        .map(|o| o.parse::<Owner>())
        .transpose()
        .map_err(|e| field_err("owner", format!("Owner: {e}")))
}

fn parse_metadata(text: &str) -> Result<Option<serde_json::Value>, FieldError> {
    non_empty(text)
        .map(|m| {
            serde_json::from_str::<serde_json::Value>(m)
                .ok()
                .filter(serde_json::Value::is_object)
                .ok_or_else(|| {
                    field_err(
                        "metadata",
                        "Metadata: must be a JSON object, like {\"plan\": \"pro\"}",
                    )
                })
        })
        .transpose()
}

fn parse_rate(limit: &str, window: &str) -> Result<Option<RateLimitInput>, FieldError> {
    let problem = || {
        field_err(
            "rate_limit",
            "Rate limit: give both a number of requests (1 to 1000000) and a window in seconds (1 to 86400), or neither",
        )
    };
    match (non_empty(limit), non_empty(window)) {
        (None, None) => Ok(None),
        (Some(l), Some(w)) => Ok(Some(RateLimitInput {
            limit: l.parse().map_err(|_| problem())?,
            window_seconds: w.parse().map_err(|_| problem())?,
        })),
        _ => Err(problem()),
    }
}

fn parse_usage(text: &str) -> Result<Option<i64>, FieldError> {
    non_empty(text)
        .map(|u| {
            u.parse::<i64>()
                .map_err(|_| field_err("usage_limit", "Usage limit: a whole number of at least 1"))
        })
        .transpose()
}

fn name_of(text: &str) -> Option<String> {
    non_empty(text).map(str::to_owned)
}

impl KeyForm {
    fn to_create(&self) -> Result<NewKey, FieldError> {
        let environment = non_empty(&self.environment)
            .ok_or_else(|| field_err("environment", "Environment: required (live, test, …)"))?
            .parse::<Environment>()
            .map_err(|e| field_err("environment", format!("Environment: {e}")))?;
        let (expires_at, expires_in) = parse_expires(&self.expires)?;
        Ok(NewKey {
            environment,
            owner: parse_owner(&self.owner)?,
            name: name_of(&self.name),
            scopes: parse_scopes(&self.scopes)?,
            expires_at,
            expires_in,
            metadata: parse_metadata(&self.metadata)?,
            ip_allowlist: split_list(&self.ip_allowlist),
            rate_limit: parse_rate(&self.rate_limit, &self.rate_window)?,
            usage_limit: parse_usage(&self.usage_limit)?,
            recoverable: self.recoverable.is_some(),
        })
    }

    fn from_record(k: &KeyRecord) -> Self {
        Self {
            environment: k.environment.to_string(),
            owner: k
                .owner
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            name: k.name.clone().unwrap_or_default(),
            scopes: k
                .scopes
                .iter()
                .map(Scope::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            expires: k.expires_at.map(timefmt::rfc3339).unwrap_or_default(),
            metadata: if k.metadata.as_object().is_none_or(|m| m.is_empty()) {
                String::new()
            } else {
                pretty_json(&k.metadata)
            },
            ip_allowlist: k
                .ip_allowlist
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
            rate_limit: k
                .rate_limit
                .map(|r| r.limit.to_string())
                .unwrap_or_default(),
            rate_window: k
                .rate_limit
                .map(|r| r.window_seconds.to_string())
                .unwrap_or_default(),
            usage_limit: k.usage_limit.map(|u| u.to_string()).unwrap_or_default(),
            recoverable: k.sealed.is_some().then(|| "on".to_owned()),
        }
    }

    /// The fields that differ from `k`, as a PATCH. A usage limit is sent
    /// only when it changed, since setting one resets the uses left.
    fn to_patch(&self, k: &KeyRecord) -> Result<KeyChanges, FieldError> {
        let mut p = KeyChanges::default();
        let name = name_of(&self.name);
        if name != k.name {
            p.name = Some(name);
        }
        let owner = parse_owner(&self.owner)?;
        if owner != k.owner {
            p.owner = Some(owner);
        }
        let scopes = parse_scopes(&self.scopes)?;
        if scopes != k.scopes {
            p.scopes = Some(scopes);
        }
        let metadata = parse_metadata(&self.metadata)?.unwrap_or_else(|| serde_json::json!({}));
        if metadata != k.metadata {
            p.metadata = Some(metadata);
        }
        let current_expiry = k.expires_at.map(timefmt::rfc3339).unwrap_or_default();
        if self.expires.trim() != current_expiry {
            match parse_expires(&self.expires)? {
                (None, None) => p.expires_at = Some(None),
                (Some(at), _) => p.expires_at = Some(Some(at)),
                (None, Some(d)) => p.expires_in = Some(d),
            }
        }
        let allow = split_list(&self.ip_allowlist);
        let parsed =
            keys::parse_allowlist(&allow).map_err(|e| field_err("ip_allowlist", e.message))?;
        if parsed != k.ip_allowlist {
            p.ip_allowlist = Some(allow);
        }
        let rate = parse_rate(&self.rate_limit, &self.rate_window)?;
        let current_rate = k.rate_limit.map(|r| (r.limit, r.window_seconds));
        if rate.map(|r| (r.limit, r.window_seconds)) != current_rate {
            p.rate_limit = Some(rate);
        }
        let usage = parse_usage(&self.usage_limit)?;
        if usage != k.usage_limit {
            p.usage_limit = Some(usage);
        }
        Ok(p)
    }
}

fn text_field(
    id: &'static str,
    label: &str,
    value: &str,
    hint: &str,
    error: Option<&FieldError>,
    placeholder: &str,
) -> Markup {
    let invalid = error.is_some_and(|e| e.field == id);
    html! {
        div class="field" {
            label for=(id) { (label) }
            input id=(id) name=(id) value=(value) placeholder=(placeholder) aria-describedby=(format!("{id}-hint"))
                aria-invalid=[invalid.then_some("true")] autocomplete="off" spellcheck="false";
            small id=(format!("{id}-hint")) class="hint" { (hint) }
        }
    }
}

fn area_field(
    id: &'static str,
    label: &str,
    value: &str,
    hint: &str,
    error: Option<&FieldError>,
    placeholder: &str,
) -> Markup {
    let invalid = error.is_some_and(|e| e.field == id);
    html! {
        div class="field" {
            label for=(id) { (label) }
            textarea id=(id) name=(id) rows="3" placeholder=(placeholder) aria-describedby=(format!("{id}-hint"))
                aria-invalid=[invalid.then_some("true")] spellcheck="false" { (value) }
            small id=(format!("{id}-hint")) class="hint" { (hint) }
        }
    }
}

/// The create or edit form. `editing` is the key being edited.
fn key_form(
    state: &AppState,
    console: &Console,
    v: &KeyForm,
    error: Option<&FieldError>,
    editing: Option<&KeyRecord>,
) -> Markup {
    let action = editing.map_or_else(
        || "/ui/keys".to_owned(),
        |k| format!("/ui/keys/{}/edit", k.id),
    );
    let rate_invalid = error.is_some_and(|e| e.field == "rate_limit");
    let has_master = state.0.master_key.is_some();
    html! {
        (form_error(error.map(|e| e.message.as_str())))
        form method="post" action=(action) class="card form-grid" novalidate {
            (csrf_field(console))
            fieldset {
                legend { "Identity" }
                @if let Some(k) = editing {
                    div class="field" {
                        span class="label" { "Environment" }
                        div { (env_badge(k.environment.as_str())) " " span class="muted small" { "fixed: it is part of the key" } }
                    }
                } @else {
                    (text_field("environment", "Environment", &v.environment, "Lowercase, like live or test. Part of the key itself.", error, "live"))
                }
                (text_field("owner", "Owner", &v.owner, "Who the key belongs to: a customer, a team, a service.", error, "acme"))
                (text_field("name", "Name", &v.name, "For people: what the key is for.", error, "billing backend"))
            }
            fieldset {
                legend { "Permissions" }
                (area_field("scopes", "Scopes", &v.scopes, "resource:action, separated by commas or new lines; orders:* covers every action on orders.", error, "orders:read, orders:write"))
                (area_field("ip_allowlist", "IP allowlist", &v.ip_allowlist, "CIDRs or addresses, one per line. Empty: any address.", error, "10.0.0.0/8"))
            }
            fieldset {
                legend { "Lifetime and limits" }
                (text_field("expires", "Expires", &v.expires, "A lifetime (90d, 12h), a date (2027-01-31) or an RFC 3339 time. Empty: never.", error, "90d"))
                div class="field" {
                    span class="label" id="rate-label" { "Rate limit" }
                    div class="inline-fields" role="group" aria-labelledby="rate-label" {
                        input id="rate_limit" name="rate_limit" inputmode="numeric" value=(v.rate_limit) aria-label="Requests per window"
                            placeholder="100" aria-invalid=[rate_invalid.then_some("true")];
                        span { "requests per" }
                        input id="rate_window" name="rate_window" inputmode="numeric" value=(v.rate_window) aria-label="Window in seconds"
                            placeholder="60" aria-invalid=[rate_invalid.then_some("true")];
                        span { "seconds" }
                    }
                    small class="hint" { "Per node. Leave both empty for no limit." }
                }
                (text_field("usage_limit", "Usage limit", &v.usage_limit, if editing.is_some() { "Total verifications allowed. Changing it resets the uses left." } else { "Total verifications allowed. Empty: unlimited." }, error, "10000"))
            }
            fieldset {
                legend { "Extras" }
                (area_field("metadata", "Metadata", &v.metadata, "A JSON object, returned by every verification.", error, "{\"plan\": \"pro\"}"))
                @if editing.is_none() {
                    div class="field check" {
                        input id="recoverable" name="recoverable" type="checkbox" checked[v.recoverable.is_some()] disabled[!has_master]
                            aria-describedby="recoverable-hint";
                        label for="recoverable" { "Recoverable" }
                        small id="recoverable-hint" class="hint" {
                            @if has_master { "Also keep the key encrypted under the master key, so it can be read back (audited)." }
                            @else { "Needs a master key (KEYWARDEN_MASTER_KEY) on the server." }
                        }
                    }
                }
            }
            div class="form-actions" {
                @if let Some(k) = editing {
                    a class="btn btn-ghost" href=(format!("/ui/keys/{}", k.id)) { "Cancel" }
                    button class="btn btn-primary" type="submit" { "Save changes" }
                } @else {
                    a class="btn btn-ghost" href="/ui/keys" { "Cancel" }
                    button class="btn btn-primary" type="submit" { "Create key" }
                }
            }
        }
    }
}

/// `GET /ui/keys/new`.
pub(crate) async fn new_form(State(state): State<AppState>, console: Console) -> PageResult {
    require(
        &state,
        &console,
        Permission::KeysWrite,
        keywarden_store::AuditAction::KeyCreate,
        None,
    )
    .await?;
    let defaults = KeyForm {
        environment: "live".to_owned(),
        ..KeyForm::default()
    };
    Ok(new_page(&state, &console, &defaults, None, StatusCode::OK))
}

fn new_page(
    state: &AppState,
    console: &Console,
    v: &KeyForm,
    error: Option<&FieldError>,
    status: StatusCode,
) -> Response {
    let body = html! {
        div class="page-head" { div {
            h1 { "Create key" }
            p class="muted" { "The key is shown once, on the next page. keywarden keeps only a digest." }
        } }
        (key_form(state, console, v, error, None))
    };
    let mut res = page(console, "Create key", Nav::Create, body);
    *res.status_mut() = status;
    res
}

/// `POST /ui/keys`.
pub(crate) async fn create(
    State(state): State<AppState>,
    console: Console,
    UiForm(f): UiForm<KeyForm>,
) -> PageResult {
    require(
        &state,
        &console,
        Permission::KeysWrite,
        keywarden_store::AuditAction::KeyCreate,
        None,
    )
    .await?;
    let req = match f.to_create() {
        Ok(r) => r,
        Err(e) => {
            return Ok(new_page(
                &state,
                &console,
                &f,
                Some(&e),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    match keys::create(&state, &console.caller, req).await {
        Ok(created) => {
            let id = created.record.id.to_string();
            console.sessions.hold_reveal(
                &console.session,
                Reveal::new(id.clone(), created.key, None, state.now()),
            );
            Ok(see_other(&format!("/ui/keys/{id}/created")))
        }
        Err(err) if is_input_error(&err) => {
            let e = field_err(form_field(&err), err.message);
            Ok(new_page(
                &state,
                &console,
                &f,
                Some(&e),
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(err) => Err(fail(err)),
    }
}

fn edit_page(
    state: &AppState,
    console: &Console,
    k: &KeyRecord,
    v: &KeyForm,
    error: Option<&FieldError>,
    status: StatusCode,
) -> Response {
    let body = html! {
        nav class="crumbs" aria-label="Breadcrumb" {
            a href="/ui/keys" { "Keys" } " / " a href=(format!("/ui/keys/{}", k.id)) { (k.id.as_str()) } " / " span { "Edit" }
        }
        div class="page-head" { div {
            h1 { "Edit " span class="mono" { (k.hint) } }
            p class="muted" { "Only the fields you change are saved. The key itself stays the same." }
        } }
        (key_form(state, console, v, error, Some(k)))
    };
    let mut res = page(console, "Edit key", Nav::Keys, body);
    *res.status_mut() = status;
    res
}

/// `GET /ui/keys/{id}/edit`.
pub(crate) async fn edit_form(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
) -> PageResult {
    require(
        &state,
        &console,
        Permission::KeysWrite,
        keywarden_store::AuditAction::KeyUpdate,
        Some(&id),
    )
    .await?;
    let (_, k) = load(&state, &id).await?;
    Ok(edit_page(
        &state,
        &console,
        &k,
        &KeyForm::from_record(&k),
        None,
        StatusCode::OK,
    ))
}

/// `POST /ui/keys/{id}/edit`.
pub(crate) async fn edit(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    UiForm(f): UiForm<KeyForm>,
) -> PageResult {
    require(
        &state,
        &console,
        Permission::KeysWrite,
        keywarden_store::AuditAction::KeyUpdate,
        Some(&id),
    )
    .await?;
    let (key_id, k) = load(&state, &id).await?;
    let patch = match f.to_patch(&k) {
        Ok(p) => p,
        Err(e) => {
            return Ok(edit_page(
                &state,
                &console,
                &k,
                &f,
                Some(&e),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    match keys::update(&state, &console.caller, &key_id, patch).await {
        Ok(_) => {
            console.sessions.notice(&console.session, "Changes saved.");
            Ok(see_other(&format!("/ui/keys/{key_id}")))
        }
        Err(err) if matches!(err.kind, KeyErrorKind::Empty) => {
            console
                .sessions
                .notice(&console.session, "Nothing changed.");
            Ok(see_other(&format!("/ui/keys/{key_id}")))
        }
        Err(err) if is_input_error(&err) => {
            let e = field_err(form_field(&err), err.message);
            Ok(edit_page(
                &state,
                &console,
                &k,
                &f,
                Some(&e),
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(err) => Err(fail(err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_inputs() {
        assert_eq!(parse_expires("").ok(), Some((None, None)));
        assert_eq!(
            parse_expires(" 90d ").ok(),
            Some((None, Some("90d".to_owned())))
        );
        assert_eq!(
            parse_expires("2027-01-31").ok(),
            Some((Some("2027-01-31T00:00:00Z".to_owned()), None))
        );
        assert_eq!(
            parse_expires("2027-01-31T12:30").ok(),
            Some((Some("2027-01-31T12:30:00Z".to_owned()), None))
        );
        assert_eq!(
            parse_expires("2027-01-31T12:30:00+01:00").ok(),
            Some((Some("2027-01-31T12:30:00+01:00".to_owned()), None))
        );
        let err = parse_expires("next tuesday").err().unwrap();
        assert_eq!(err.field, "expires");
        assert!(!err.message.contains("tuesday"), "never echoes input");
    }

    #[test]
    fn lists_split_on_commas_and_space() {
        assert_eq!(
            split_list("orders:read, orders:write\nusers:read"),
            vec!["orders:read", "orders:write", "users:read"]
        );
        assert!(split_list("  ").is_empty());
    }

    #[test]
    fn bad_fields_name_the_rule_not_the_value() {
        let f = KeyForm {
            environment: "kw_live_secretlookingthing".to_owned(),
            ..KeyForm::default()
        };
        let e = f.to_create().err().unwrap();
        assert_eq!(e.field, "environment");
        assert!(!e.message.contains("secretlooking"));
        let f = KeyForm {
            environment: "live".to_owned(),
            rate_limit: "10".to_owned(),
            ..KeyForm::default()
        };
        assert_eq!(f.to_create().err().unwrap().field, "rate_limit");
        let f = KeyForm {
            environment: "live".to_owned(),
            metadata: "[1]".to_owned(),
            ..KeyForm::default()
        };
        assert_eq!(f.to_create().err().unwrap().field, "metadata");
    }
}
