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
    spaces::{RoleName, SpaceId},
};
use keywarden_store::{AuditFilter, Cursor, KeyFilter, KeyRecord, KeyStatus, SpaceSummary};
use maud::{Markup, html};
use serde::Deserialize;

use crate::{
    authz::{self, Authorized, Command, Permit},
    command::{CreateKey, DisableKey, EnableKey, ListKeys, ReadKey, RevokeKey, RollKey, UpdateKey},
    error::ApiError,
    keys::{self, KeyChanges, KeyErrorKind, NewKey, RateLimitInput},
    share::ShareRequest,
    state::AppState,
    timefmt,
};

use super::{
    UiForm, UiQuery, chart,
    html::{
        Nav, api_error_page, code_badge, csrf_field, dash, datetime, empty, env_badge, form_error,
        outcome_badge, page, pretty_json, short_time, space_label, status_badge, time_cell,
    },
    non_empty,
    session::{Console, Reveal},
};

/// Keys per page of the list.
pub(super) const PAGE_SIZE: u32 = crate::bounds::CONSOLE_KEYS_PAGE;

/// A page, or the page that explains why not.
pub(super) type PageResult = Result<Response, Response>;

pub(super) fn fail(err: impl Into<ApiError>) -> Response {
    api_error_page(&err.into())
}

/// Authorizes a command of the signed-in actor (a refusal is audited and
/// shown as a page).
pub(super) async fn authorize<C: Command>(
    state: &AppState,
    console: &Console,
    command: C,
) -> Result<Authorized<C>, Response> {
    authz::authorize(state, &console.actor, command)
        .await
        .map_err(fail)
}

/// Checks that the signed-in actor may run commands `C` on `target`, to
/// show their form (a refusal is audited and shown as a page).
pub(super) async fn permit<C: Command>(
    state: &AppState,
    console: &Console,
    target: Option<&str>,
) -> Result<Permit<C>, Response> {
    authz::permit(state, &console.actor, target)
        .await
        .map_err(fail)
}

pub(super) async fn load(
    state: &AppState,
    console: &Console,
    id: &str,
) -> Result<(KeyId, KeyRecord), Response> {
    let id = keys::parse_id(id).map_err(fail)?;
    let record = keys::load(state, &console.actor, &id).await.map_err(fail)?;
    Ok((id, record))
}

/// The preamble of every page about one key: the actor's permission for
/// commands `C` (a refusal is audited and shown), then the key (404 page
/// when unknown).
pub(super) async fn permitted_key<C: Command>(
    state: &AppState,
    console: &Console,
    id: &str,
) -> Result<(Permit<C>, KeyId, KeyRecord), Response> {
    let permit = permit::<C>(state, console, Some(id)).await?;
    let (id, record) = load(state, console, id).await?;
    Ok((permit, id, record))
}

pub(super) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

mod actions;
mod detail;
mod form;
mod list;
mod pending;

pub(crate) use actions::{created, disable, enable, revoke, revoke_form, roll, roll_form};
pub(crate) use detail::detail;
pub(crate) use form::{
    FieldError, area_field, create, edit, edit_form, field_err, new_form, parse_rate, split_list,
    text_field,
};
pub(crate) use list::list;
pub(crate) use pending::{approve, decline, pending};
#[allow(unused_imports)]
use {actions::*, detail::*, form::*, list::*};
