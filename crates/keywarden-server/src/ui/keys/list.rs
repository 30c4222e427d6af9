//! `GET /ui/keys`: the key list, its filters and pages.

#[allow(clippy::wildcard_imports)]
use super::*;

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
                parts.push(format!("{k}={}", crate::ui::session::percent_encode(v)));
            }
        }
        if let Some(c) = cursor {
            parts.push(format!("cursor={}", crate::ui::session::percent_encode(c)));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

pub(super) fn parse_filter(q: &ListQuery) -> Result<KeyFilter, String> {
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
        .is_some_and(|s| !crate::bounds::filter_ok(s))
    {
        return Err(format!(
            "Search: at most {} characters, without control characters",
            crate::bounds::MAX_FILTER_CHARS
        ));
    }
    Ok(KeyFilter {
        owner,
        environment,
        status,
        search,
        space: None,
        visible: None,
    })
}

/// `GET /ui/keys`.
pub(crate) async fn list(
    State(state): State<AppState>,
    console: Console,
    UiQuery(q): UiQuery<ListQuery>,
) -> PageResult {
    let proof = authorize(&state, &console, ListKeys).await?;
    let now = state.now();
    let (filter, problem) = match parse_filter(&q) {
        Ok(f) => (
            Some(KeyFilter {
                space: console.space().cloned(),
                visible: console.visible(),
                ..f
            }),
            None,
        ),
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
        .audit(&proof.draft(&state, None, serde_json::json!({ "returned": keys.len() })))
        .await
        .map_err(fail)?;
    let can_write = console.may::<CreateKey>();
    let every_space = console.space().is_none();
    let body = html! {
        div class="page-head" {
            div {
                h1 { "Keys" }
                p class="muted" {
                    (total) " matching " (if total == 1 { "key" } else { "keys" })
                    @if let Some(s) = console.space() { " in the space " span class="mono" { (s.as_str()) } }
                }
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
                    @for (value, label) in [("", "Any"), ("active", "Active"), ("disabled", "Disabled"), ("expired", "Expired"), ("revoked", "Revoked")] {
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
                            th scope="col" { "Owner" }
                            @if every_space { th scope="col" { "Space" } }
                            th scope="col" { "Status" } th scope="col" { "Expires" }
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
                                    td { @if let Some(o) = &k.owner { a href=(format!("/ui/owners/{}", crate::ui::session::percent_encode(o.as_str()))) { (o.as_str()) } } @else { (dash()) } }
                                    @if every_space { td class="mono small" { (k.space.as_str()) } }
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
    Ok(page(&state, &console, "Keys", Nav::Keys, body).await)
}
