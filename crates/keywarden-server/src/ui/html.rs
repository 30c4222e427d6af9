//! The page shell, shared components and formatting. Every value goes
//! through maud, which escapes it: no string is ever pasted into HTML raw.

use axum::{
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use keywarden_core::clock::UnixMillis;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use time::OffsetDateTime;

use crate::{
    command::{ApproveKey, CreateKey, ListKeys, ListSpaces, ReadAudit, ReadEvents, RevokeKeys},
    error::ApiError,
    state::AppState,
};

pub(crate) use super::bare::{bare_page, error_page};
use super::{
    bare::{head, logo},
    session::Console,
};

/// The console's sections, for the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Nav {
    Overview,
    Keys,
    Create,
    Pending,
    Emergency,
    Events,
    Audit,
    Spaces,
    Secrets,
    Generator,
}

/// A full console page for a signed-in user: the top bar (navigation, the
/// space switcher, the signed-in key), the page's notice and its body.
pub(crate) async fn page(
    state: &AppState,
    console: &Console,
    title: &str,
    nav: Nav,
    body: Markup,
) -> Response {
    let switcher = space_switcher(state, console).await;
    let notice = console.take_notice();
    let root = console.root();
    let who = root.name.clone().unwrap_or_else(|| root.hint.clone());
    let item = |target: Nav, href: &str, label: &str| {
        html! {
            li {
                a href=(href) aria-current=[(nav == target).then_some("page")] { (label) }
            }
        }
    };
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            (head(title))
            body {
                a class="skip" href="#main" { "Skip to content" }
                header class="topbar" {
                    div class="topbar-inner" {
                        a class="brand" href="/ui" { (logo()) span { "keywarden" } }
                        nav aria-label="Console" {
                            ul {
                                (item(Nav::Overview, "/ui", "Overview"))
                                @if console.may::<ListKeys>() { (item(Nav::Keys, "/ui/keys", "Keys")) }
                                @if console.may::<CreateKey>() { (item(Nav::Create, "/ui/keys/new", "Create key")) }
                                @if console.may::<ApproveKey>() { (item(Nav::Pending, "/ui/pending", "Pending")) }
                                @if console.may::<RevokeKeys>() { (item(Nav::Emergency, "/ui/emergency", "Emergency")) }
                                @if console.may::<ReadEvents>() { (item(Nav::Events, "/ui/events", "Events")) }
                                @if console.may::<ReadAudit>() { (item(Nav::Audit, "/ui/audit", "Audit log")) }
                                @if console.may::<ListSpaces>() { (item(Nav::Spaces, "/ui/spaces", "Spaces")) }
                                @if console.may::<crate::command::ListSecrets>() { (item(Nav::Secrets, "/ui/secrets", "Secrets")) }
                                (item(Nav::Generator, "/ui/generator", "Generator"))
                            }
                        }
                        (switcher)
                        div class="who" {
                            span class="who-name" title=(format!("root key {} ({})", root.id, root.hint)) {
                                (who)
                            }
                            form method="post" action="/ui/sign-out" {
                                (csrf_field(console))
                                button class="btn btn-ghost btn-small" type="submit" { "Sign out" }
                            }
                        }
                    }
                }
                main id="main" tabindex="-1" {
                    @if let Some(n) = notice {
                        div class="notice" role="status" { (n) }
                    }
                    (body)
                }
                footer class="footer" {
                    "keywarden " (env!("CARGO_PKG_VERSION")) " · signed in as " code { (root.id.as_str()) }
                    " · permissions: " (root.permissions.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", "))
                }
            }
        }
    };
    Html(markup.into_string()).into_response()
}

/// The top bar's space switcher: the spaces the root key sees (one query,
/// shared with the page's own use of the list), posted to `/ui/space`,
/// which sets the space cookie and comes back here. It works without
/// JavaScript; `app.js` submits it on change. Nothing when the key may not
/// list spaces, or when the store does not answer (the page itself is
/// already made).
async fn space_switcher(state: &AppState, console: &Console) -> Markup {
    if !console.may::<ListSpaces>() {
        return html! {};
    }
    let spaces = match console.spaces(state).await {
        Ok(spaces) => spaces,
        Err(err) => {
            tracing::warn!(error = %err, "console: listing the spaces for the switcher failed");
            return html! {};
        }
    };
    let current = console.space();
    let gone = current.filter(|c| !spaces.iter().any(|s| &s.space.id == *c));
    html! {
        form class="space-switch" method="post" action="/ui/space" data-autosubmit {
            (csrf_field(console))
            input type="hidden" name="next" value=(back_to(console.here()));
            // The select says what it is ("All spaces", a space's id); the
            // label is for screen readers, and keeps the top bar on one line.
            label for="space-switch" class="visually-hidden" { "Current space" }
            select id="space-switch" name="space" {
                option value="" selected[current.is_none()] { "All spaces" }
                @for s in spaces.iter() {
                    // By id, as the pages name the space they show: short, so
                    // the top bar stays on one line.
                    option value=(s.space.id.as_str()) selected[current == Some(&s.space.id)] {
                        (s.space.id.as_str())
                    }
                }
                @if let Some(g) = gone {
                    option value=(g.as_str()) selected { (g.as_str()) " (not found)" }
                }
            }
            button class="btn btn-ghost btn-small" type="submit" { "Switch" }
        }
    }
}

/// A space as a form's list names it: its name, and its id when they
/// differ (`Payments (payments)`).
pub(crate) fn space_label(space: &keywarden_store::SpaceRecord) -> String {
    if space.name == space.id.as_str() {
        space.name.clone()
    } else {
        format!("{} ({})", space.name, space.id)
    }
}

/// Where the switcher returns: this page, without its paging position (a
/// cursor of another space's list means nothing in the new one).
fn back_to(here: &str) -> String {
    let Some((path, query)) = here.split_once('?') else {
        return here.to_owned();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| !pair.starts_with("cursor=") && !pair.starts_with("before="))
        .collect();
    if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

/// An API error as a console page.
pub(crate) fn api_error_page(err: &ApiError) -> Response {
    let title = match err.status() {
        StatusCode::FORBIDDEN => "Not allowed",
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::CONFLICT => "Not possible now",
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
        s if s.is_server_error() => "Something went wrong",
        _ => "That did not work",
    };
    error_page(err.status(), title, err.message())
}

/// The hidden CSRF field of every console form.
pub(crate) fn csrf_field(console: &Console) -> Markup {
    html! { input type="hidden" name="csrf" value=(console.csrf.expose()); }
}

/// A colored badge for a key status.
pub(crate) fn status_badge(status: &str) -> Markup {
    html! { span class=(format!("badge status-{status}")) { (status) } }
}

/// A badge for an environment.
pub(crate) fn env_badge(env: &str) -> Markup {
    let class = match env {
        "live" | "prod" | "production" => "env env-live",
        "test" | "dev" | "staging" | "sandbox" => "env env-test",
        _ => "env",
    };
    html! { span class=(class) { (env) } }
}

/// A badge for a verification outcome code.
pub(crate) fn code_badge(code: &str) -> Markup {
    html! { span class=(format!("badge code code-{}", code.to_ascii_lowercase())) { (code) } }
}

/// A badge for an audit outcome.
pub(crate) fn outcome_badge(outcome: &str) -> Markup {
    html! { span class=(format!("badge outcome-{outcome}")) { (outcome) } }
}

/// `2026-11-28 21:42 UTC`.
pub(crate) fn datetime(ms: UnixMillis) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(|t| {
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02} UTC",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute()
            )
        })
        .unwrap_or_default()
}

/// `3 days ago`, `in 5 min`.
pub(crate) fn relative(ms: UnixMillis, now: UnixMillis) -> String {
    let delta = ms - now;
    let secs = delta.abs() / 1000;
    let text = match secs {
        0..=59 => {
            return if delta.abs() < 5_000 {
                "just now".to_owned()
            } else if delta < 0 {
                format!("{secs} s ago")
            } else {
                format!("in {secs} s")
            };
        }
        60..=3_599 => format!("{} min", secs / 60),
        3_600..=86_399 => format!("{} h", secs / 3_600),
        _ => {
            let days = secs / 86_400;
            if days == 1 {
                "1 day".to_owned()
            } else {
                format!("{days} days")
            }
        }
    };
    if delta < 0 {
        format!("{text} ago")
    } else {
        format!("in {text}")
    }
}

/// A time with its relative form, machine-readable.
pub(crate) fn time_cell(ms: Option<UnixMillis>, now: UnixMillis, none: &str) -> Markup {
    match ms {
        Some(ms) => html! {
            time datetime=(crate::timefmt::rfc3339(ms)) title=(datetime(ms)) {
                (relative(ms, now))
            }
        },
        None => html! { span class="muted" { (none) } },
    }
}

/// A short time for tables: `11-28 21:42:07`.
pub(crate) fn short_time(ms: UnixMillis) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(|t| {
            format!(
                "{:02}-{:02} {:02}:{:02}:{:02}",
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
        })
        .unwrap_or_default()
}

/// A box for a form error, announced to screen readers.
pub(crate) fn form_error(message: Option<&str>) -> Markup {
    html! {
        @if let Some(m) = message {
            div class="alert alert-error" role="alert" {
                strong { "Please fix this: " } (m)
            }
        }
    }
}

/// An empty-state line in a card.
pub(crate) fn empty(text: &str) -> Markup {
    html! { p class="empty" { (text) } }
}

/// JSON, pretty, for `<pre>`.
pub(crate) fn pretty_json(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// A non-breaking em dash for empty cells.
pub(crate) fn dash() -> Markup {
    PreEscaped("<span class=\"muted\">—</span>".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_well() {
        let now = 1_800_000_000_000;
        assert_eq!(datetime(now), "2027-01-15 08:00 UTC");
        assert_eq!(relative(now - 1_000, now), "just now");
        assert_eq!(relative(now - 30_000, now), "30 s ago");
        assert_eq!(relative(now + 5 * 60_000, now), "in 5 min");
        assert_eq!(relative(now - 3 * 3_600_000, now), "3 h ago");
        assert_eq!(relative(now + 86_400_000, now), "in 1 day");
        assert_eq!(relative(now - 9 * 86_400_000, now), "9 days ago");
    }

    #[test]
    fn the_switcher_returns_without_paging() {
        assert_eq!(back_to("/ui/keys"), "/ui/keys");
        assert_eq!(back_to("/ui/keys?cursor=1.key_x"), "/ui/keys");
        assert_eq!(
            back_to("/ui/keys?status=active&cursor=1.key_x&q=a"),
            "/ui/keys?status=active&q=a"
        );
        assert_eq!(back_to("/ui/audit?before=12"), "/ui/audit");
    }

    #[test]
    fn values_are_escaped() {
        let m = html! { p { ("<script>alert(1)</script>") } };
        assert_eq!(
            m.into_string(),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
        );
    }
}
