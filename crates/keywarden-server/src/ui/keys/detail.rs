//! `GET /ui/keys/{id}`: one key, its usage chart and its history.

#[allow(clippy::wildcard_imports)]
use super::*;

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
    let (permit, id, k) = permitted_key::<ReadKey>(&state, &console, &id).await?;
    state
        .store()
        .audit(&permit.draft(&state, Some(id.as_str()), serde_json::json!({})))
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
    let audit = if console.may::<crate::command::ReadAudit>() {
        let filter = AuditFilter {
            target: Some(id.to_string()),
            ..AuditFilter::default()
        };
        Some(state.store().list_audit(&filter, 20).await.map_err(fail)?)
    } else {
        None
    };
    // What each effective permission comes from: the key's own scopes, and
    // the roles of its space it holds (a role deleted since grants nothing).
    let roles = state.store().list_roles(&k.space).await.map_err(fail)?;
    let granted = grants(&k, &roles);
    let roles_page = format!("/ui/spaces/{}/roles", k.space);
    let status = k.status(now);
    let can_revoke = console.may::<RevokeKey>() && status != KeyStatus::Revoked;
    let can_write = console.may::<UpdateKey>();
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
                    @if let Some(o) = &k.owner { " · owner " a class="strong" href=(format!("/ui/owners/{}", crate::ui::session::percent_encode(o.as_str()))) { (o.as_str()) } }
                    " · id " span class="mono" { (k.id.as_str()) }
                }
            }
            div class="actions" {
                @if can_edit { a class="btn" href=(format!("/ui/keys/{}/edit", k.id)) { "Edit" } }
                @if can_roll {
                    a class="btn" href=(format!("/ui/keys/{}/roll", k.id)) data-dialog="roll-dialog" { "Roll…" }
                }
                @if status == KeyStatus::Disabled && console.may::<EnableKey>() {
                    form method="post" action=(format!("/ui/keys/{}/enable", k.id)) class="inline" {
                        (csrf_field(&console))
                        button class="btn" type="submit" { "Enable" }
                    }
                }
                @if status == KeyStatus::Active && console.may::<DisableKey>() {
                    form method="post" action=(format!("/ui/keys/{}/disable", k.id)) class="inline" {
                        (csrf_field(&console))
                        button class="btn" type="submit" title="Refuse this key until it is enabled again" { "Disable" }
                    }
                }
                @if can_revoke {
                    a class="btn btn-danger" href=(format!("/ui/keys/{}/revoke", k.id)) data-dialog="revoke-dialog" { "Revoke" }
                }
                @if !can_write && !console.may::<RevokeKey>() {
                    span class="muted small" { "Read-only: your root key cannot change keys." }
                }
            }
        }
        @if status == KeyStatus::Disabled {
            div class="alert alert-error" {
                strong { "Disabled " } (time_cell(k.disabled_at, now, ""))
                ". Every verification of this key answers DISABLED until it is enabled again."
            }
        }
        @if status == KeyStatus::Revoked {
            div class="alert alert-error" {
                strong { "Revoked " } (time_cell(k.revoked.as_ref().map(|r| r.at), now, ""))
                @if let Some(r) = &k.revoked { " · reason: " (r.reason) }
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
                    dt { "Space" }
                    dd { a class="mono" href=(roles_page) { (k.space.as_str()) } }
                    dt { "Scopes" }
                    dd { @if k.scopes.is_empty() { span class="muted" { "none" } } @else {
                        @for s in &k.scopes { span class="chip" { (s.as_str()) } " " }
                    } }
                    dt { "Roles" }
                    dd { @if k.roles.is_empty() { span class="muted" { "none" } } @else {
                        @for r in &k.roles {
                            a class="chip" href=(format!("{roles_page}#role-{r}")) { (r.as_str()) }
                            @if !roles.iter().any(|x| &x.name == r) { " " span class="muted small" { "(deleted: grants nothing)" } }
                            " "
                        }
                    } }
                    dt id="effective-h" { "Effective permissions" }
                    dd {
                        @if granted.is_empty() { span class="muted" { "none (any permission check fails)" } } @else {
                            ul class="perms" aria-labelledby="effective-h" {
                                @for (permission, direct, from) in &granted {
                                    li {
                                        span class="chip" { (permission.as_str()) }
                                        @if *direct { " " span class="badge perm-direct" { "direct" } }
                                        @for r in from { " " span class="badge perm-role" { "role " (r.as_str()) } }
                                    }
                                }
                            }
                        }
                    }
                    dt { "Environment" } dd { (env_badge(k.environment.as_str())) }
                    dt { "Owner" } dd { @if let Some(o) = &k.owner { (o.as_str()) } @else { (dash()) } }
                    dt { "Created" } dd { (time_cell(Some(k.created_at), now, "")) " · " span class="muted small" { (datetime(k.created_at)) } }
                    dt { "Expires" } dd {
                        (time_cell(k.expires_at, now, "never"))
                        @if let Some(e) = k.expires_at { " · " span class="muted small" { (datetime(e)) } }
                    }
                    dt { "Last used" } dd { (time_cell(k.last_used_at, now, "never")) }
                    dt { "Rate limit" } dd {
                        @if let Some(r) = k.rate_limit { (r.limit) " per " (r.window_seconds) " s" } @else if k.rate_limits.is_empty() { span class="muted" { "none" } }
                        @for r in &k.rate_limits { br; span class="chip mono" { (r.name) } " " (r.limit) " per " (keywarden_core::clock::format_duration(i64::from(r.window_seconds) * 1000)) }
                    }
                    dt { "Credits" } dd {
                        @if let Some(c) = k.credits { (c.remaining) " of " (c.limit) " left" } @else { span class="muted" { "none" } }
                        @if let Some(r) = k.credits.and_then(|c| c.refill) {
                            br;
                            span class="muted" {
                                "refilled to " (r.amount) " every " (keywarden_core::clock::format_duration(r.interval_ms))
                                " · next " (time_cell(Some(r.next_at(k.created_at, now)), now, ""))
                            }
                        }
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
                    @if console.may::<crate::command::ReadAudit>() {
                        p class="pad small" { a href=(format!("/ui/audit?target={}", k.id)) { "All audit entries for this key →" } }
                    }
                }
            }
        }
        @if can_revoke { (dialog("revoke-dialog", "revoke-title", revoke_form_body(&console, &k))) }
        @if can_roll { (dialog("roll-dialog", "roll-title", roll_form_body(&state, &console, &k))) }
    };
    Ok(page(&state, &console, &title, Nav::Keys, body).await)
}

/// The key's effective permissions, each with where it comes from: whether
/// the key holds it directly (its scopes), and which of its roles grant it.
fn grants<'a>(
    k: &'a KeyRecord,
    roles: &'a [keywarden_store::RoleRecord],
) -> Vec<(&'a Scope, bool, Vec<&'a RoleName>)> {
    k.effective
        .iter()
        .map(|p| {
            let from = roles
                .iter()
                .filter(|r| k.roles.contains(&r.name) && r.permissions.contains(p))
                .map(|r| &r.name)
                .collect();
            (p, k.scopes.contains(p), from)
        })
        .collect()
}
