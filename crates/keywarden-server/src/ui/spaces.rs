//! Key spaces in the console: the switcher's `POST /ui/space` (the space
//! the console works in, kept in a cookie), and `/ui/spaces` — the spaces
//! the root key sees, with their defaults and counts, and the forms that
//! create, change and delete them. A space's roles are `roles.rs`'s.
//!
//! Like every page, these build the engine's commands (`CreateSpace`,
//! `UpdateSpace`, `DeleteSpace`), have them authorized, and call the
//! engine's `spaces` service with the proof; a space the root key does not
//! see is a 404 page.

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    http::{StatusCode, header},
    response::Response,
};
use keywarden_core::{
    key::{Environment, Prefix},
    spaces::SpaceId,
};
use keywarden_proto::{
    keys::RateLimitInput,
    spaces::{CreateSpaceRequest, PatchSpaceRequest, SpaceCreditsBody, SpaceDefaultsBody},
};
use keywarden_store::{SpaceDefaults, SpaceRecord, SpaceSummary};
use maud::{Markup, html};
use serde::Deserialize;

use crate::{
    command::{CreateSpace, DeleteSpace, ListSpaces, UpdateSpace},
    error::ApiError,
    keys::{KeyError, KeyErrorKind, KeyField},
    spaces,
    state::AppState,
};

use super::{
    Tls, UiForm,
    html::{Nav, csrf_field, dash, env_badge, form_error, page},
    keys::{
        FieldError, PageResult, authorize, fail, field_err, parse_rate, permit, see_other,
        split_list, text_field,
    },
    non_empty,
    session::{self, Console, SPACE_COOKIE},
};

// ---------------------------------------------------------------- switcher

/// The switcher's form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct SwitchForm {
    space: String,
    next: String,
}

/// `POST /ui/space`: works in `space` from now on (empty: every space),
/// then goes back to `next` (a console page; anything else is `/ui`).
pub(crate) async fn switch(
    State(state): State<AppState>,
    console: Console,
    Tls(secure): Tls,
    UiForm(f): UiForm<SwitchForm>,
) -> PageResult {
    permit::<ListSpaces>(&state, &console, None).await?;
    let cookie = match non_empty(&f.space) {
        None => session::set_cookie(SPACE_COOKIE, "", 0, secure),
        Some(space) => {
            let found = find(&state, &console, space).await?;
            let max_age = state.config().session_max.ms() / 1000;
            session::set_cookie(SPACE_COOKIE, found.space.id.as_str(), max_age, secure)
        }
    };
    let mut res = see_other(session::safe_next(Some(f.next.as_str())));
    res.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(res)
}

/// The space `id` with its counts, as the root key sees it; a 404 page
/// when it does not (unknown, or another space than it sees).
pub(super) async fn find(
    state: &AppState,
    console: &Console,
    id: &str,
) -> Result<SpaceSummary, Response> {
    console
        .spaces(state)
        .await
        .map_err(fail)?
        .iter()
        .find(|s| s.space.id.as_str() == id)
        .cloned()
        .ok_or_else(|| fail(ApiError::not_found("space")))
}

/// A space's address in the console.
pub(super) fn space_href(id: &SpaceId) -> String {
    format!("/ui/spaces/{id}")
}

// ---------------------------------------------------------------- the form

/// A space's settings, as typed (create and edit).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct SpaceForm {
    id: String,
    name: String,
    key_prefix: String,
    environments: String,
    rate_limit: String,
    rate_window: String,
    credits: String,
    refill: String,
    max_lifetime: String,
    delete_protection: Option<String>,
}

impl SpaceForm {
    /// The defaults typed; `None` when every field is empty.
    fn defaults(&self) -> Result<Option<SpaceDefaultsBody>, FieldError> {
        let environments = split_list(&self.environments)
            .iter()
            .map(|e| e.parse::<Environment>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| field_err("environments", format!("Environments: {e}")))?;
        let rate_limit = parse_rate(&self.rate_limit, &self.rate_window)?.map(|r| RateLimitInput {
            limit: r.limit,
            window_seconds: r.window_seconds,
        });
        let refill_interval = non_empty(&self.refill).map(str::to_owned);
        let credits = match non_empty(&self.credits) {
            None if refill_interval.is_some() => {
                return Err(field_err(
                    "credits",
                    "Credits: give the number of credits a new key starts with, to refill them",
                ));
            }
            None => None,
            Some(amount) => Some(SpaceCreditsBody {
                amount: amount
                    .parse()
                    .map_err(|_| field_err("credits", "Credits: a whole number of at least 1"))?,
                refill_interval,
            }),
        };
        let body = SpaceDefaultsBody {
            environments,
            rate_limit,
            credits,
            max_lifetime: non_empty(&self.max_lifetime).map(str::to_owned),
        };
        Ok((body != SpaceDefaultsBody::default()).then_some(body))
    }

    fn prefix(&self) -> Result<Option<Prefix>, FieldError> {
        non_empty(&self.key_prefix)
            .map(str::parse::<Prefix>)
            .transpose()
            .map_err(|e| field_err("key_prefix", format!("Key prefix: {e}")))
    }

    fn to_create(&self) -> Result<CreateSpaceRequest, FieldError> {
        let id = non_empty(&self.id)
            .ok_or_else(|| field_err("id", "Id: required (like payments)"))?
            .parse::<SpaceId>()
            .map_err(|e| field_err("id", format!("Id: {e}")))?;
        Ok(CreateSpaceRequest {
            id,
            name: non_empty(&self.name).map(str::to_owned),
            key_prefix: self.prefix()?,
            defaults: self.defaults()?,
            portal: None,
            delete_protection: self.delete_protection.is_some(),
        })
    }

    fn from_record(state: &AppState, s: &SpaceSummary) -> Self {
        let view = crate::views::space_view(state, s);
        let d = view.defaults;
        let text = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_default();
        Self {
            id: view.id,
            name: view.name,
            key_prefix: s
                .space
                .key_prefix
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            environments: d
                .environments
                .iter()
                .map(Environment::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            rate_limit: text(d.rate_limit.map(|r| r.limit)),
            rate_window: text(d.rate_limit.map(|r| r.window_seconds)),
            credits: d
                .credits
                .as_ref()
                .map(|c| c.amount.to_string())
                .unwrap_or_default(),
            refill: d
                .credits
                .and_then(|c| c.refill_interval)
                .unwrap_or_default(),
            max_lifetime: d.max_lifetime.unwrap_or_default(),
            delete_protection: view.delete_protection.then(|| "on".to_owned()),
        }
    }

    /// What differs from `current`, as a PATCH (defaults are replaced
    /// whole, so they are sent when they mean something else).
    fn to_patch(&self, current: &SpaceRecord) -> Result<PatchSpaceRequest, FieldError> {
        let mut p = PatchSpaceRequest::default();
        let name = non_empty(&self.name).unwrap_or(current.id.as_str());
        if name != current.name {
            p.name = Some(Some(name.to_owned()));
        }
        let prefix = self.prefix()?;
        if prefix != current.key_prefix {
            p.key_prefix = Some(prefix);
        }
        let defaults = self.defaults()?;
        // Compared as the engine keeps them (`90d` and `2160h` are one
        // lifetime; the portal policy, which the form does not edit and a
        // change of defaults keeps, apart); defaults it refuses are sent,
        // for its message.
        let kept = SpaceDefaults {
            portal: None,
            ..current.defaults.clone()
        };
        if spaces::defaults(defaults.as_ref()).ok().as_ref() != Some(&kept) {
            p.defaults = Some(defaults);
        }
        let protected = self.delete_protection.is_some();
        if protected != current.delete_protection {
            p.delete_protection = Some(Some(protected));
        }
        Ok(p)
    }
}

/// Whether the engine refused a space's settings (shown with the form)
/// rather than failed (an error page).
fn is_input_error(err: &KeyError) -> bool {
    matches!(
        err.kind,
        KeyErrorKind::Invalid | KeyErrorKind::Conflict("SPACE_EXISTS")
    )
}

/// The form field an engine refusal of a space's settings is about. The
/// engine names the defaults' part in its message (`defaults.credits…`),
/// as the API's bodies name it.
fn space_field(err: &KeyError) -> &'static str {
    let m = err.message.as_str();
    match err.field {
        Some(KeyField::Name) => "name",
        Some(KeyField::RateLimit) => "rate_limit",
        _ if m.starts_with("defaults.environments") => "environments",
        _ if m.starts_with("defaults.credits.refill") => "refill",
        _ if m.starts_with("defaults.credits") => "credits",
        _ if m.starts_with("defaults.max_lifetime") => "max_lifetime",
        _ if matches!(err.kind, KeyErrorKind::Conflict(_)) && m.contains("prefix") => "key_prefix",
        _ => "",
    }
}

/// The message shown for a refusal of the engine.
fn space_message(err: &KeyError) -> String {
    match err.kind {
        KeyErrorKind::Conflict(code) => format!("{} ({code})", err.message),
        _ => err.message.clone(),
    }
}

/// The fields of a space's settings (the id only when creating).
fn space_fields(
    state: &AppState,
    v: &SpaceForm,
    error: Option<&FieldError>,
    creating: bool,
) -> Markup {
    let rate_invalid = error.is_some_and(|e| e.field == "rate_limit");
    let deployment = state.config().prefix.to_string();
    html! {
        fieldset {
            legend { "Identity" }
            @if creating {
                (text_field("id", "Id", &v.id, "1 to 48 lowercase letters, digits or -. Fixed once made.", error, "payments"))
            }
            (text_field("name", "Name", &v.name, "For people. Empty: the id.", error, "Payments"))
            (text_field("key_prefix", "Key prefix", &v.key_prefix,
                &format!("Its keys start with it (pay makes pay_live_…). Empty: the deployment's, {deployment}. Keys made before a change keep theirs."),
                error, &deployment))
            div class="field check" {
                input id="delete_protection" name="delete_protection" type="checkbox" checked[v.delete_protection.is_some()]
                    aria-describedby="delete_protection-hint";
                label for="delete_protection" { "Delete protection" }
                small id="delete_protection-hint" class="hint" { "Refuse to delete the space, even once it holds no live key." }
            }
        }
        fieldset {
            legend { "Defaults of its new keys" }
            (text_field("environments", "Environments", &v.environments, "The only environments its keys may be made in, separated by commas. Empty: any.", error, "live, test"))
            div class="field" {
                span class="label" id="space-rate-label" { "Rate limit" }
                div class="inline-fields" role="group" aria-labelledby="space-rate-label" {
                    input id="rate_limit" name="rate_limit" inputmode="numeric" value=(v.rate_limit) aria-label="Requests per window"
                        placeholder="100" aria-invalid=[rate_invalid.then_some("true")];
                    span { "requests per" }
                    input id="rate_window" name="rate_window" inputmode="numeric" value=(v.rate_window) aria-label="Window in seconds"
                        placeholder="60" aria-invalid=[rate_invalid.then_some("true")];
                    span { "seconds" }
                }
                small class="hint" { "For a new key that asks for none. Leave both empty for none." }
            }
            (text_field("credits", "Credits", &v.credits, "Credits a new key starts with, unless it asks for its own. Empty: none.", error, "1000"))
            (text_field("refill", "Credit refill", &v.refill, "Set back to the credits every such interval (1m to 366d). Empty: no refill.", error, "1d"))
            (text_field("max_lifetime", "Longest lifetime", &v.max_lifetime, "A new key lives at most this long, and gets exactly this without an expiry. Empty: no limit.", error, "90d"))
        }
    }
}

// ---------------------------------------------------------------- list and create

/// `GET /ui/spaces`.
pub(crate) async fn list(State(state): State<AppState>, console: Console) -> PageResult {
    permit::<ListSpaces>(&state, &console, None).await?;
    list_page(
        &state,
        &console,
        &SpaceForm::default(),
        None,
        StatusCode::OK,
    )
    .await
}

async fn list_page(
    state: &AppState,
    console: &Console,
    v: &SpaceForm,
    error: Option<&FieldError>,
    status: StatusCode,
) -> PageResult {
    // A key that may create spaces but not read them (a form sent back to
    // it) sees the form without the list.
    let listed = console.may::<ListSpaces>();
    let all = if listed {
        let proof = authorize(state, console, ListSpaces).await?;
        let all = Arc::new(spaces::list(state, proof).await.map_err(fail)?);
        console.keep_spaces(all.clone());
        all
    } else {
        Arc::default()
    };
    let can_write = console.may::<UpdateSpace>();
    let can_delete = console.may::<DeleteSpace>();
    let can_create = console.may::<CreateSpace>();
    let body = html! {
        div class="page-head" { div {
            h1 { "Spaces" }
            p class="muted" {
                "A space holds keys: they get its key prefix and defaults, and can hold its roles. "
                "Every key belongs to one; " span class="mono" { "default" } " holds the keys made without one."
            }
        } }
        (form_error(error.map(|e| e.message.as_str())))
        div class="card flush" {
            @if !listed { (super::html::empty("Your root key lacks keys:read, so the spaces are not listed.")) }
            @else if all.is_empty() { (super::html::empty("Your root key sees no space.")) } @else {
                div class="table-wrap" { table class="table" {
                    thead { tr {
                        th scope="col" { "Space" } th scope="col" { "Key prefix" } th scope="col" { "Defaults" }
                        th scope="col" class="num" { "Keys" } th scope="col" class="num" { "Live keys" } th scope="col" class="num" { "Roles" }
                        th scope="col" { "Delete protection" }
                        th scope="col" { span class="visually-hidden" { "Actions" } }
                    } }
                    tbody { @for s in all.iter() { (space_row(state, console, s, can_write, can_delete)) } }
                } }
            }
        }
        @if can_delete {
            @for s in all.iter() { (delete_dialog(console, &s.space)) }
        }
        @if can_create {
            section class="card" aria-labelledby="create-h" {
                h2 id="create-h" { "Create a space" }
                form method="post" action="/ui/spaces" class="form-grid" novalidate {
                    (csrf_field(console))
                    (space_fields(state, v, error, true))
                    div class="form-actions" {
                        button class="btn btn-primary" type="submit" { "Create space" }
                    }
                }
            }
        }
    };
    let mut res = page(state, console, "Spaces", Nav::Spaces, body).await;
    *res.status_mut() = status;
    Ok(res)
}

/// One space's row of the table.
fn space_row(
    state: &AppState,
    console: &Console,
    s: &SpaceSummary,
    can_write: bool,
    can_delete: bool,
) -> Markup {
    let view = crate::views::space_view(state, s);
    let d = &view.defaults;
    let id = &s.space.id;
    let current = console.space() == Some(id);
    html! {
        tr id=(format!("space-{id}")) {
            th scope="row" {
                a class="strong" href=(format!("{}/roles", space_href(id))) { (view.name) }
                @if view.name != view.id { div class="mono small muted" { (view.id) } }
                @if current { " " span class="badge current-space" { "current" } }
            }
            td {
                span class="mono" { (view.key_prefix) "_" }
                @if view.key_prefix_inherited { " " span class="muted small" title="No prefix of its own: the deployment's" { "(inherited)" } }
            }
            td class="small" {
                @if *d == SpaceDefaultsBody::default() { span class="muted" { "none" } }
                @if !d.environments.is_empty() {
                    div { "only " @for e in &d.environments { (env_badge(e.as_str())) " " } }
                }
                @if let Some(r) = d.rate_limit { div { (r.limit) " per " (r.window_seconds) " s" } }
                @if let Some(c) = &d.credits {
                    div { (c.amount) " credits" @if let Some(i) = &c.refill_interval { ", refilled every " (i) } }
                }
                @if let Some(l) = &d.max_lifetime { div { "lives at most " (l) } }
            }
            td class="num" { a href=(format!("{}/roles", space_href(id))) { (view.keys) } }
            td class="num" { (view.live_keys) }
            td class="num" { a href=(format!("{}/roles", space_href(id))) { (view.roles) } }
            td { @if view.delete_protection { "on" } @else { (dash()) } }
            td class="nowrap" {
                div class="actions" {
                    a class="btn btn-small" href=(format!("{}/roles", space_href(id))) { "Roles" span class="visually-hidden" { " of " (id.as_str()) } }
                    @if can_write { a class="btn btn-small" href=(space_href(id)) { "Edit" span class="visually-hidden" { " " (id.as_str()) } } }
                    @if can_delete {
                        a class="btn btn-small btn-danger-ghost" href=(format!("{}/delete", space_href(id))) data-dialog=(format!("delete-{id}")) {
                            "Delete…" span class="visually-hidden" { " " (id.as_str()) }
                        }
                    }
                }
            }
        }
    }
}

/// `POST /ui/spaces`.
pub(crate) async fn create(
    State(state): State<AppState>,
    console: Console,
    UiForm(f): UiForm<SpaceForm>,
) -> PageResult {
    permit::<CreateSpace>(&state, &console, None).await?;
    let request = match f.to_create() {
        Ok(r) => r,
        Err(e) => {
            return list_page(
                &state,
                &console,
                &f,
                Some(&e),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let proof = authorize(&state, &console, CreateSpace { request }).await?;
    match spaces::create(&state, proof).await {
        Ok(space) => {
            console
                .notice(&state, format!("Created the space {}.", space.id))
                .await;
            Ok(see_other(&format!("/ui/spaces#space-{}", space.id)))
        }
        Err(err) if is_input_error(&err) => {
            let status = conflict_or_422(&err);
            let e = field_err(space_field(&err), space_message(&err));
            list_page(&state, &console, &f, Some(&e), status).await
        }
        Err(err) => Err(fail(err)),
    }
}

fn conflict_or_422(err: &KeyError) -> StatusCode {
    if matches!(err.kind, KeyErrorKind::Conflict(_)) {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

// ---------------------------------------------------------------- edit

/// `GET /ui/spaces/{space}`: a space's settings, to change.
pub(crate) async fn edit_form(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
) -> PageResult {
    permit::<UpdateSpace>(&state, &console, Some(&format!("space:{id}"))).await?;
    let s = find(&state, &console, &id).await?;
    edit_page(
        &state,
        &console,
        &s,
        &SpaceForm::from_record(&state, &s),
        None,
        StatusCode::OK,
    )
    .await
}

async fn edit_page(
    state: &AppState,
    console: &Console,
    s: &SpaceSummary,
    v: &SpaceForm,
    error: Option<&FieldError>,
    status: StatusCode,
) -> PageResult {
    let id = &s.space.id;
    let body = html! {
        nav class="crumbs" aria-label="Breadcrumb" {
            a href="/ui/spaces" { "Spaces" } " / " a href=(format!("{}/roles", space_href(id))) { (id.as_str()) } " / " span { "Edit" }
        }
        div class="page-head" { div {
            h1 { "Edit the space " span class="mono" { (id.as_str()) } }
            p class="muted" { "Only what you change is saved. Defaults apply to keys made from now on." }
        } }
        (form_error(error.map(|e| e.message.as_str())))
        form method="post" action=(space_href(id)) class="card form-grid" novalidate {
            (csrf_field(console))
            (space_fields(state, v, error, false))
            div class="form-actions" {
                a class="btn btn-ghost" href="/ui/spaces" { "Cancel" }
                button class="btn btn-primary" type="submit" { "Save changes" }
            }
        }
    };
    let mut res = page(state, console, "Edit space", Nav::Spaces, body).await;
    *res.status_mut() = status;
    Ok(res)
}

/// `POST /ui/spaces/{space}`.
pub(crate) async fn edit(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    UiForm(f): UiForm<SpaceForm>,
) -> PageResult {
    permit::<UpdateSpace>(&state, &console, Some(&format!("space:{id}"))).await?;
    let s = find(&state, &console, &id).await?;
    let changes = match f.to_patch(&s.space) {
        Ok(p) => p,
        Err(e) => {
            return edit_page(
                &state,
                &console,
                &s,
                &f,
                Some(&e),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let proof = authorize(&state, &console, UpdateSpace { id, changes }).await?;
    match spaces::update(&state, proof).await {
        Ok(space) => {
            console
                .notice(&state, format!("Saved the space {}.", space.id))
                .await;
            Ok(see_other(&format!("/ui/spaces#space-{}", space.id)))
        }
        Err(err) if matches!(err.kind, KeyErrorKind::Empty) => {
            console.notice(&state, "Nothing changed.").await;
            Ok(see_other(&format!("/ui/spaces#space-{}", s.space.id)))
        }
        Err(err) if is_input_error(&err) => {
            let status = conflict_or_422(&err);
            let e = field_err(space_field(&err), space_message(&err));
            edit_page(&state, &console, &s, &f, Some(&e), status).await
        }
        Err(err) => Err(fail(err)),
    }
}

// ---------------------------------------------------------------- delete

/// The confirmation of a space's deletion.
fn delete_body(console: &Console, space: &SpaceRecord, dialog: bool) -> Markup {
    let id = &space.id;
    html! {
        form method="post" action=(format!("{}/delete", space_href(id))) class="stack" {
            (csrf_field(console))
            h2 id=(format!("delete-{id}-title")) { "Delete the space " span class="mono" { (id.as_str()) } "?" }
            p { "Its roles go with it. Its revoked keys stay, for their history. keywarden refuses while it holds a key that is not revoked, or while it has delete protection." }
            div class="dialog-actions" {
                @if dialog {
                    a class="btn btn-ghost" href="/ui/spaces" data-close { "Cancel" }
                } @else {
                    a class="btn btn-ghost" href="/ui/spaces" { "Cancel" }
                }
                button class="btn btn-danger" type="submit" { "Delete space" }
            }
        }
    }
}

fn delete_dialog(console: &Console, space: &SpaceRecord) -> Markup {
    let id = &space.id;
    html! {
        dialog id=(format!("delete-{id}")) class="dialog" aria-labelledby=(format!("delete-{id}-title")) {
            (delete_body(console, space, true))
        }
    }
}

async fn delete_page(
    state: &AppState,
    console: &Console,
    s: &SpaceSummary,
    refusal: Option<&KeyError>,
    status: StatusCode,
) -> Response {
    let body = html! {
        nav class="crumbs" aria-label="Breadcrumb" { a href="/ui/spaces" { "Spaces" } " / " span { (s.space.id.as_str()) } }
        @if let Some(err) = refusal {
            div class="alert alert-error" role="alert" {
                strong { "Not deleted. " }
                @match err.kind {
                    KeyErrorKind::Conflict("SPACE_HAS_KEYS") => {
                        "The space still holds " (s.live_keys) " " (if s.live_keys == 1 { "key that is" } else { "keys that are" })
                        " not revoked: revoke " (if s.live_keys == 1 { "it" } else { "them" })
                        " first (pick the space in the switcher to list its keys)."
                    }
                    KeyErrorKind::Conflict("DELETE_PROTECTED") if s.space.id.is_default() => {
                        "The space default cannot be deleted: it holds every key made without a space."
                    }
                    KeyErrorKind::Conflict("DELETE_PROTECTED") => {
                        "The space has delete protection: turn it off on "
                        a href=(space_href(&s.space.id)) { "its settings" } " first."
                    }
                    _ => { (err.message) }
                }
                " (" code { (err.code()) } ")"
            }
        }
        div class="card narrow" { (delete_body(console, &s.space, false)) }
    };
    let mut res = page(state, console, "Delete space", Nav::Spaces, body).await;
    *res.status_mut() = status;
    res
}

/// `GET /ui/spaces/{space}/delete`: the confirmation, as a page (without
/// JavaScript; with it, the list opens the same form in a dialog).
pub(crate) async fn delete_form(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
) -> PageResult {
    permit::<DeleteSpace>(&state, &console, Some(&format!("space:{id}"))).await?;
    let s = find(&state, &console, &id).await?;
    Ok(delete_page(&state, &console, &s, None, StatusCode::OK).await)
}

/// `POST /ui/spaces/{space}/delete`.
pub(crate) async fn delete(
    State(state): State<AppState>,
    console: Console,
    Tls(secure): Tls,
    Path(id): Path<String>,
) -> PageResult {
    let proof = authorize(&state, &console, DeleteSpace { id: id.clone() }).await?;
    match spaces::delete(&state, proof).await {
        Ok(()) => {
            console
                .notice(&state, format!("Deleted the space {id}."))
                .await;
            let mut res = see_other("/ui/spaces");
            if console.space().is_some_and(|s| s.as_str() == id) {
                // It was the space the console worked in: back to every space.
                res.headers_mut().append(
                    header::SET_COOKIE,
                    session::set_cookie(SPACE_COOKIE, "", 0, secure),
                );
            }
            Ok(res)
        }
        Err(err) if matches!(err.kind, KeyErrorKind::Conflict(_)) => {
            let s = find(&state, &console, &id).await?;
            Ok(delete_page(&state, &console, &s, Some(&err), StatusCode::CONFLICT).await)
        }
        Err(err) => Err(fail(err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_defaults_are_none() {
        let f = SpaceForm {
            id: "payments".to_owned(),
            ..SpaceForm::default()
        };
        let r = f.to_create().ok().unwrap();
        assert!(r.defaults.is_none());
        assert!(!r.delete_protection);
    }

    #[test]
    fn bad_fields_name_their_field() {
        for (f, field) in [
            (SpaceForm::default(), "id"),
            (
                SpaceForm {
                    id: "Pay Ments".to_owned(),
                    ..SpaceForm::default()
                },
                "id",
            ),
            (
                SpaceForm {
                    id: "p".to_owned(),
                    key_prefix: "PAY".to_owned(),
                    ..SpaceForm::default()
                },
                "key_prefix",
            ),
            (
                SpaceForm {
                    id: "p".to_owned(),
                    environments: "live, Test!".to_owned(),
                    ..SpaceForm::default()
                },
                "environments",
            ),
            (
                SpaceForm {
                    id: "p".to_owned(),
                    rate_limit: "5".to_owned(),
                    ..SpaceForm::default()
                },
                "rate_limit",
            ),
            (
                SpaceForm {
                    id: "p".to_owned(),
                    credits: "many".to_owned(),
                    ..SpaceForm::default()
                },
                "credits",
            ),
            (
                SpaceForm {
                    id: "p".to_owned(),
                    refill: "1d".to_owned(),
                    ..SpaceForm::default()
                },
                "credits",
            ),
        ] {
            assert_eq!(f.to_create().err().map(|e| e.field), Some(field));
        }
    }

    #[test]
    fn defaults_are_read_whole() {
        let f = SpaceForm {
            id: "p".to_owned(),
            environments: "live test".to_owned(),
            rate_limit: "10".to_owned(),
            rate_window: "60".to_owned(),
            credits: "1000".to_owned(),
            refill: "1d".to_owned(),
            max_lifetime: "90d".to_owned(),
            delete_protection: Some("on".to_owned()),
            ..SpaceForm::default()
        };
        let r = f.to_create().ok().unwrap();
        let d = r.defaults.unwrap();
        assert_eq!(d.environments.len(), 2);
        assert_eq!(
            d.rate_limit.map(|r| (r.limit, r.window_seconds)),
            Some((10, 60))
        );
        assert_eq!(
            d.credits,
            Some(SpaceCreditsBody {
                amount: 1000,
                refill_interval: Some("1d".to_owned())
            })
        );
        assert_eq!(d.max_lifetime.as_deref(), Some("90d"));
        assert!(r.delete_protection);
    }
}
