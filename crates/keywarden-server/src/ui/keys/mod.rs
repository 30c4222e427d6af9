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
    share::ShareLifetime,
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
pub(super) const PAGE_SIZE: u32 = crate::bounds::CONSOLE_KEYS_PAGE;

/// A page, or the page that explains why not.
pub(super) type PageResult = Result<Response, Response>;

pub(super) fn fail(err: impl Into<ApiError>) -> Response {
    api_error_page(&err.into())
}

pub(super) async fn require(
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

pub(super) async fn load(state: &AppState, id: &str) -> Result<(KeyId, KeyRecord), Response> {
    let id = keys::parse_id(id).map_err(fail)?;
    let record = keys::load(state, &id).await.map_err(fail)?;
    Ok((id, record))
}

/// The preamble of every page about one key: the caller's permission
/// (a refusal is audited and shown), then the key (404 page when unknown).
pub(super) async fn permitted_key(
    state: &AppState,
    console: &Console,
    permission: Permission,
    action: keywarden_store::AuditAction,
    id: &str,
) -> Result<(KeyId, KeyRecord), Response> {
    require(state, console, permission, action, Some(id)).await?;
    load(state, id).await
}

pub(super) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

mod actions;
mod detail;
mod form;
mod list;

pub(crate) use actions::{created, disable, enable, revoke, revoke_form, roll, roll_form};
pub(crate) use detail::detail;
pub(crate) use form::{create, edit, edit_form, new_form};
pub(crate) use list::list;
#[allow(unused_imports)]
use {actions::*, detail::*, form::*, list::*};
