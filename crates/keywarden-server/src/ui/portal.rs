//! The customer portal's pages under `/portal`: where an API's customers
//! see, create, roll and revoke their own keys.
//!
//! - `GET /portal/open/{code}` exchanges a one-time link for a session
//!   (`engine::portal::open`) and answers with the portal page itself and
//!   the session's cookie (`kw_portal`: HttpOnly, SameSite=Strict,
//!   `Path=/portal`, Secure over TLS). Answering with the page rather than
//!   a redirect matters: a redirect that follows a cross-site navigation
//!   (the provider's site sent the browser here) would not carry a
//!   SameSite=Strict cookie. `portal.js` then replaces the address with
//!   `/portal`. A link used, expired or made up is a 404 page, and no
//!   session.
//! - `GET /portal` lists the session's keys without JavaScript; the forms
//!   (create, roll, revoke) are shown by `portal.js`, which sends them to
//!   the JSON API (`/portal/api/…`, `crate::api::portal`) with the page's
//!   CSRF token (`<meta name="csrf-token">`). What the grants do not allow
//!   is not on the page.
//! - `GET /portal/keys/{id}`: a key's verifications over 30 days.
//! - The console's CSP, plus the logo's origin for images; the console's
//!   stylesheet, then `portal.css` (the deployment's colour).

use axum::{
    Router,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    middleware,
    response::{Html, IntoResponse, Response},
    routing::get,
};
use keywarden_core::clock::UnixMillis;
use keywarden_proto::portal::PORTAL_GRACE_PERIODS;
use keywarden_store::{KeyRecord, KeyStatus};
use maud::{DOCTYPE, Markup, html};

use super::{
    chart,
    html::{env_badge, status_badge, time_cell},
};
use crate::{
    api::portal::{PORTAL_COOKIE, PortalCaller, owner_keys, session_of},
    auth::ClientAddr,
    authz::{Actor, authorize, permit},
    command::{CreateKey, ListKeys, ReadKeyUsage, RevokeKey, RollKey},
    error::ApiError,
    keys, portal,
    state::AppState,
};

const PORTAL_JS: &str = include_str!("assets/portal.js");

/// Days of the sparkline beside each key.
const SPARK_DAYS: usize = 7;
/// Days of a key's usage page.
const USAGE_DAYS: usize = 30;
const DAY_MS: i64 = 86_400_000;

/// The portal's routes.
pub(crate) fn router(state: &AppState) -> Router<AppState> {
    let csp = portal_csp(state.config().portal.logo_origin().as_deref());
    let brand = brand_css(state.config().portal.primary_color.as_deref());
    Router::new()
        .route("/portal", get(page))
        .route("/portal/open/{code}", get(open))
        .route("/portal/keys/{id}", get(usage_page))
        .route("/portal/assets/portal.js", get(js))
        // The console's stylesheet, here too: a proxy may serve the portal
        // alone (everything a customer's browser asks is under /portal/).
        .route("/portal/assets/app.css", get(super::css))
        .route(
            "/portal/assets/portal.css",
            get(move || async move {
                (
                    [(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("text/css; charset=utf-8"),
                    )],
                    brand,
                )
            }),
        )
        .layer(middleware::from_fn(
            move |req: axum::extract::Request, next: middleware::Next| {
                let csp = csp.clone();
                async move {
                    let mut res = next.run(req).await;
                    let headers = res.headers_mut();
                    super::set_security_headers(headers);
                    headers.insert(header::CONTENT_SECURITY_POLICY, csp);
                    res
                }
            },
        ))
}

/// The console's CSP, with images also from the logo's origin.
fn portal_csp(logo_origin: Option<&str>) -> HeaderValue {
    let text = match logo_origin {
        Some(origin) => super::CSP.replace(
            "img-src 'self' data:",
            &format!("img-src 'self' data: {origin}"),
        ),
        None => super::CSP.to_owned(),
    };
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(super::CSP))
}

/// The deployment's accent colour (checked at start-up: `#rrggbb`), over
/// the console's stylesheet (which holds the portal's rules too).
fn brand_css(color: Option<&str>) -> axum::body::Bytes {
    let css = match color {
        Some(c) => format!(":root {{ --accent: {c}; --accent-dark: {c}; }}\n"),
        None => String::new(),
    };
    axum::body::Bytes::from(css)
}

async fn js() -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/javascript; charset=utf-8"),
        )],
        PORTAL_JS,
    )
}

/// A portal page: the deployment's name and logo, the way back, `body`.
fn shell(state: &AppState, title: &str, caller: Option<&PortalCaller>, body: Markup) -> Markup {
    let config = &state.config().portal;
    let back = caller
        .and_then(|c| c.actor.portal_session())
        .and_then(|s| s.return_url.clone());
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                @if let Some(c) = caller {
                    meta name="csrf-token" content=(c.csrf.expose());
                }
                title { (title) " · " (config.name) }
                link rel="stylesheet" href="/portal/assets/app.css";
                link rel="stylesheet" href="/portal/assets/portal.css";
                link rel="icon" href="data:,";
                script src="/portal/assets/portal.js" defer {}
            }
            body {
                main id="main" class="portal-main" {
                    header class="portal-head" {
                        @if let Some(logo) = &config.logo_url {
                            img class="logo" src=(logo) alt=(config.name);
                        }
                        @if let Some(url) = &back {
                            a class="back" href=(url) { "Back to " (host_of(url)) }
                        }
                    }
                    (body)
                }
            }
        }
    }
}

/// The host of an `http(s)://` URL, for the "back" link's text.
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

fn respond(status: StatusCode, markup: Markup) -> Response {
    (status, Html(markup.into_string())).into_response()
}

/// A page that says something went wrong, in the portal's frame.
fn message_page(state: &AppState, status: StatusCode, title: &str, text: &str) -> Response {
    respond(
        status,
        shell(
            state,
            title,
            None,
            html! {
                div class="card narrow" {
                    h1 { (title) }
                    p { (text) }
                }
            },
        ),
    )
}

fn ended(state: &AppState) -> Response {
    message_page(
        state,
        StatusCode::UNAUTHORIZED,
        "Your session has ended",
        "Portal sessions last a limited time. Go back to your provider's site and open the key portal again.",
    )
}

fn unavailable(state: &AppState) -> Response {
    message_page(
        state,
        StatusCode::SERVICE_UNAVAILABLE,
        "The service does not answer",
        "Your keys could not be read just now. Try again in a moment.",
    )
}

fn error_page(state: &AppState, err: &ApiError) -> Response {
    if err.status() == StatusCode::SERVICE_UNAVAILABLE {
        return unavailable(state);
    }
    message_page(state, err.status(), "That did not work", err.message())
}

/// `GET /portal`.
async fn page(State(state): State<AppState>, addr: ClientAddr, headers: HeaderMap) -> Response {
    match session_of(&state, &headers, addr.client).await {
        Ok(Some(caller)) => render(&state, &caller).await,
        Ok(None) => ended(&state),
        Err(_) => unavailable(&state),
    }
}

/// `GET /portal/open/{code}`: the link's one use.
async fn open(
    State(state): State<AppState>,
    addr: ClientAddr,
    tls: super::Tls,
    Path(code): Path<String>,
) -> Response {
    match portal::open(&state, &code, addr.client).await {
        Ok(opened) => {
            let max_age = (opened.session.expires_at - state.now()) / 1000;
            let caller = PortalCaller::new(&state, opened.session, &opened.token, addr.client);
            let mut res = render(&state, &caller).await;
            res.headers_mut().append(
                header::SET_COOKIE,
                super::session::path_cookie(
                    PORTAL_COOKIE,
                    &opened.token,
                    "/portal",
                    max_age,
                    tls.0,
                ),
            );
            res
        }
        Err(portal::OpenError::Store(_)) => unavailable(&state),
        Err(_) => message_page(
            &state,
            StatusCode::NOT_FOUND,
            "This link cannot be opened",
            "A key portal link opens once, within minutes of being made. Go back to your provider's site and open the key portal again.",
        ),
    }
}

/// What the create form offers: the environments of the session's space
/// for a new key, and the lifetimes a customer may pick (`None`: no
/// expiry), as the engine rules them (`keys::portal_choices`).
async fn create_choices(
    state: &AppState,
    actor: &Actor,
) -> Result<(Vec<String>, Vec<(Option<String>, String)>), ApiError> {
    let session = actor
        .portal_session()
        .ok_or_else(|| ApiError::internal("no portal session"))?;
    let space = state
        .store()
        .get_space(&session.space)
        .await?
        .ok_or_else(|| ApiError::not_found("space"))?;
    let choices = keys::portal_choices(state, &space);
    let max = choices.max_lifetime_ms;
    let mut lifetimes: Vec<(Option<String>, String)> = Vec::new();
    if !choices.expiry_required {
        lifetimes.push((None, "Never".to_owned()));
    }
    for (text, label, ms) in [
        ("30d", "30 days", 30 * DAY_MS),
        ("90d", "90 days", 90 * DAY_MS),
        ("365d", "1 year", 365 * DAY_MS),
    ] {
        if max.is_none_or(|m| ms <= m) {
            lifetimes.push((Some(text.to_owned()), label.to_owned()));
        }
    }
    if let Some(m) = max
        && !lifetimes
            .iter()
            .any(|(t, _)| t.as_deref().and_then(keywarden_core::clock::parse_duration) == Some(m))
    {
        let text = keywarden_core::clock::format_duration(m);
        lifetimes.push((Some(text.clone()), format!("{text} (the longest allowed)")));
    }
    let envs = choices
        .environments
        .iter()
        .map(|e| e.as_str().to_owned())
        .collect();
    Ok((envs, lifetimes))
}

/// Verifications per day of each key over the last week (one query a key;
/// the list holds at most 200).
async fn sparklines(
    state: &AppState,
    keys: &[KeyRecord],
    now: UnixMillis,
) -> Result<Vec<Vec<i64>>, ApiError> {
    let range = chart::Range::ending_at(now, DAY_MS, SPARK_DAYS);
    let mut out = Vec::with_capacity(keys.len());
    for k in keys {
        let buckets = state
            .store()
            .usage_buckets(Some(&k.id), DAY_MS, range.from, range.to())
            .await?;
        let mut days = vec![0; SPARK_DAYS];
        for b in buckets {
            if let Ok(i) = usize::try_from((b.start - range.from).div_euclid(DAY_MS))
                && i < SPARK_DAYS
            {
                days[i] = b.total;
            }
        }
        out.push(days);
    }
    Ok(out)
}

/// A small line of daily verifications.
fn sparkline(days: &[i64], name: &str) -> Markup {
    let max = days.iter().copied().max().unwrap_or(0).max(1);
    let total: i64 = days.iter().sum();
    let step = 80.0 / (days.len().max(2) - 1) as f64;
    let points: Vec<String> = days
        .iter()
        .enumerate()
        .map(|(i, n)| {
            format!(
                "{:.1},{:.1}",
                2.0 + i as f64 * step,
                20.0 - 18.0 * (*n as f64) / max as f64
            )
        })
        .collect();
    let label = format!(
        "{name}: {total} verifications in the last {} days",
        days.len()
    );
    html! {
        svg class="sparkline" viewBox="0 0 84 22" role="img" aria-label=(label) {
            title { (label) }
            polyline points=(points.join(" ")) {}
        }
    }
}

/// The portal page of `caller`'s session.
async fn render(state: &AppState, caller: &PortalCaller) -> Response {
    let actor = &caller.actor;
    let now = state.now();
    let config = &state.config().portal;
    let keys = if actor.may::<ListKeys>() {
        match owner_keys(state, actor).await {
            Ok(keys) => Some(keys),
            Err(err) => return error_page(state, &err),
        }
    } else {
        None
    };
    let sparks = match &keys {
        Some(keys) if actor.may::<ReadKeyUsage>() => {
            // One audit entry for the page's sparklines, not one per key.
            let read = async {
                let permit = permit::<ReadKeyUsage>(state, actor, None).await?;
                let lines = sparklines(state, keys, now).await?;
                state
                    .store()
                    .audit(&permit.draft(
                        state,
                        None,
                        serde_json::json!({ "sparklines": keys.len(), "days": SPARK_DAYS }),
                    ))
                    .await?;
                Ok::<_, ApiError>(lines)
            };
            match read.await {
                Ok(s) => Some(s),
                Err(err) => return error_page(state, &err),
            }
        }
        _ => None,
    };
    let choices = if actor.may::<CreateKey>() {
        match create_choices(state, actor).await {
            Ok(c) => Some(c),
            Err(err) => return error_page(state, &err),
        }
    } else {
        None
    };
    let may_roll = actor.may::<RollKey>();
    let may_revoke = actor.may::<RevokeKey>();
    let owner = actor
        .portal_session()
        .map(|s| s.owner.to_string())
        .unwrap_or_default();
    let body = html! {
        h1 { (config.name) }
        p class="muted" { "The API keys of " strong { (owner) } ". Keep them secret: anyone holding a key can use it." }
        p id="portal-error" class="form-error" role="alert" hidden {}
        section id="reveal" class="card reveal" role="region" aria-label="New key" tabindex="-1" hidden {
            h2 { "Your new key" }
            p { "Copy it now: it is shown only once." }
            code id="new-key" class="secret" {}
            p { "As a line for your " code { ".env" } " file:" }
            code id="env-line" class="secret" {}
            button type="button" class="btn btn-primary" id="copy-key" { "Copy" }
        }
        @if let Some((envs, lifetimes)) = &choices {
            section class="card" aria-labelledby="create-title" data-js-only hidden {
                h2 id="create-title" { "Create a key" }
                form id="create-key" class="form-row" {
                    div class="field" {
                        label for="new-name" { "Name" }
                        input id="new-name" name="name" type="text" maxlength="200" autocomplete="off";
                    }
                    div class="field" {
                        label for="new-environment" { "Environment" }
                        select id="new-environment" name="environment" {
                            @for e in envs { option value=(e) { (e) } }
                        }
                    }
                    div class="field" {
                        label for="new-expires" { "Expires" }
                        select id="new-expires" name="expires_in" {
                            @for (value, text) in lifetimes {
                                option value=(value.clone().unwrap_or_default()) { (text) }
                            }
                        }
                    }
                    button type="submit" class="btn btn-primary" { "Create key" }
                }
            }
        }
        @if let Some(keys) = &keys {
            section id="keys-card" class="card flush" aria-labelledby="keys-title" {
                h2 id="keys-title" class="pad" { "Keys" }
                @if keys.is_empty() {
                    p class="pad muted" { "No keys yet." }
                }
                div class="table-wrap" {
                    table id="keys" class="portal-table" {
                        thead {
                            tr {
                                th scope="col" { "Name" }
                                th scope="col" { "Key" }
                                th scope="col" { "Environment" }
                                th scope="col" { "Status" }
                                th scope="col" { "Expires" }
                                th scope="col" { "Credits left" }
                                @if sparks.is_some() { th scope="col" { "Last 7 days" } }
                                th scope="col" { "Actions" }
                            }
                        }
                        tbody {
                            @for (i, k) in keys.iter().enumerate() {
                                @let name = k.name.clone().unwrap_or_else(|| k.hint.clone());
                                @let status = k.status(now);
                                tr data-key-id=(k.id) {
                                    td class="name" { (name) }
                                    td class="hint" { code { (k.hint) } }
                                    td class="environment" { (env_badge(k.environment.as_str())) }
                                    td class="status" { (status_badge(status.as_str())) }
                                    td class="expires" { (time_cell(k.expires_at, now, "never")) }
                                    td class="credits" { @match k.credits { Some(c) => (c.remaining), None => "—" } }
                                    @if let Some(s) = &sparks {
                                        td class="usage" { (sparkline(&s[i], &name)) }
                                    }
                                    td class="actions" {
                                        @if sparks.is_some() {
                                            a class="btn" href=(format!("/portal/keys/{}", k.id)) aria-label=(format!("Usage of {name}")) { "Usage" }
                                        }
                                        @if may_roll && rollable(k, now) {
                                            form class="roll inline-form" data-key-id=(k.id) data-js-only hidden {
                                                label {
                                                    span class="visually-hidden" { "Grace period for " (name) }
                                                    select name="grace_period" aria-label=(format!("Grace period for {name}")) {
                                                        @for (value, text) in PORTAL_GRACE_PERIODS {
                                                            option value=(value) selected[value == "1h"] { (text) }
                                                        }
                                                    }
                                                }
                                                button type="submit" class="btn" aria-label=(format!("Roll {name}")) { "Roll" }
                                            }
                                        }
                                        @if may_revoke && k.revoked.is_none() {
                                            button type="button" class="btn btn-danger revoke" data-key-id=(k.id) data-key-name=(name) data-js-only hidden aria-label=(format!("Revoke {name}")) { "Revoke" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    respond(
        StatusCode::OK,
        shell(state, &config.name, Some(caller), body),
    )
}

/// Whether the portal offers a roll of `k`: live, not waiting, not rolled.
fn rollable(k: &KeyRecord, now: UnixMillis) -> bool {
    matches!(k.status(now), KeyStatus::Active | KeyStatus::Disabled) && k.rotated_to.is_none()
}

/// `GET /portal/keys/{id}`: a key's verifications over 30 days.
async fn usage_page(
    State(state): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let caller = match session_of(&state, &headers, addr.client).await {
        Ok(Some(caller)) => caller,
        Ok(None) => return ended(&state),
        Err(_) => return unavailable(&state),
    };
    match usage_body(&state, &caller, id).await {
        Ok((title, body)) => respond(StatusCode::OK, shell(&state, &title, Some(&caller), body)),
        Err(err) => error_page(&state, &err),
    }
}

async fn usage_body(
    state: &AppState,
    caller: &PortalCaller,
    id: String,
) -> Result<(String, Markup), ApiError> {
    let actor = &caller.actor;
    let proof = authorize(state, actor, ReadKeyUsage { id }).await?;
    let id = keys::parse_id(&proof.command().id)?;
    let record = keys::load(state, actor, &id).await?;
    let now = state.now();
    let range = chart::Range::ending_at(now, DAY_MS, USAGE_DAYS);
    let buckets = state
        .store()
        .usage_buckets(Some(&id), DAY_MS, range.from, range.to())
        .await?;
    state
        .store()
        .audit(&proof.draft(state, Some(id.as_str()), serde_json::json!({})))
        .await?;
    let name = record.name.clone().unwrap_or_else(|| record.hint.clone());
    let body = html! {
        p { a href="/portal" { "← All keys" } }
        h1 { (name) }
        p class="muted" { code { (record.hint) } " · " (record.environment.as_str()) " · " (status_badge(record.status(now).as_str())) }
        section class="card" aria-labelledby="usage-title" {
            h2 id="usage-title" { "Verifications, last 30 days" }
            (chart::stacked_bars(&buckets, range, "Verifications per day"))
        }
    };
    Ok((name, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The portal's CSP is the console's with the logo's origin among the
    /// image sources: it is built by replacing the console's `img-src`,
    /// so a change of that text must show here.
    #[test]
    fn the_csp_adds_the_logo_origin_to_the_images_only() {
        let with = portal_csp(Some("https://cdn.example.com"));
        let with = with.to_str().unwrap();
        assert!(
            with.contains("img-src 'self' data: https://cdn.example.com;"),
            "{with}"
        );
        assert_eq!(with.matches("cdn.example.com").count(), 1);
        assert_eq!(portal_csp(None).to_str().unwrap(), super::super::CSP);
    }

    #[test]
    fn the_brand_sets_the_accent_only_when_asked() {
        assert!(brand_css(None).is_empty());
        assert_eq!(
            &brand_css(Some("#1f6feb"))[..],
            b":root { --accent: #1f6feb; --accent-dark: #1f6feb; }\n"
        );
    }
}
