//! `/ui/spaces/{space}/roles`: a space's roles and what each grants, the
//! form that sets one (new or changed), and their deletion. Keys holding a
//! role get what it grants on every node from the change on.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use keywarden_core::{names::Scope, spaces::RoleName};
use keywarden_store::{RoleRecord, SpaceSummary};
use maud::{Markup, html};
use serde::Deserialize;

use crate::{
    command::{DeleteRole, ListRoles, SetRole},
    error::ApiError,
    keys::KeyErrorKind,
    spaces,
    state::AppState,
};

use super::{
    UiForm, UiQuery,
    html::{Nav, csrf_field, empty, form_error, page, time_cell},
    keys::{
        FieldError, PageResult, area_field, authorize, fail, field_err, permit, see_other,
        split_list, text_field,
    },
    non_empty,
    spaces::{find, space_href},
};

/// The roles page's query: a role to load into the form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RolesQuery {
    edit: String,
}

/// A role as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct RoleForm {
    name: String,
    permissions: String,
}

impl RoleForm {
    fn parse(&self) -> Result<(RoleName, Vec<Scope>), FieldError> {
        let name = non_empty(&self.name)
            .ok_or_else(|| field_err("name", "Role name: required (like editor)"))?
            .parse::<RoleName>()
            .map_err(|e| field_err("name", format!("Role name: {e}")))?;
        let permissions = split_list(&self.permissions)
            .iter()
            .map(|p| p.parse::<Scope>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| field_err("permissions", format!("Permissions: {e}")))?;
        Ok((name, permissions))
    }

    fn of(role: &RoleRecord) -> Self {
        Self {
            name: role.name.to_string(),
            permissions: role
                .permissions
                .iter()
                .map(Scope::as_str)
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

fn roles_href(space: &str) -> String {
    format!("/ui/spaces/{space}/roles")
}

/// `GET /ui/spaces/{space}/roles`.
pub(crate) async fn list(
    State(state): State<AppState>,
    console: super::session::Console,
    Path(space): Path<String>,
    UiQuery(q): UiQuery<RolesQuery>,
) -> PageResult {
    permit::<ListRoles>(&state, &console, Some(&format!("space:{space}"))).await?;
    let form = RoleForm {
        name: q.edit,
        ..RoleForm::default()
    };
    roles_page(&state, &console, &space, form, None, StatusCode::OK).await
}

/// The page: the roles (read through the engine, which audits the read),
/// and the form. A space the root key does not see is a 404 page; a key
/// that may set roles but not read them (a form sent back to it) gets the
/// form without the list.
async fn roles_page(
    state: &AppState,
    console: &super::session::Console,
    space: &str,
    mut v: RoleForm,
    error: Option<&FieldError>,
    status: StatusCode,
) -> PageResult {
    let s = find(state, console, space).await?;
    let roles = if console.may::<ListRoles>() {
        let command = ListRoles {
            space: space.to_owned(),
        };
        let proof = authorize(state, console, command).await?;
        spaces::list_roles(state, proof).await.map_err(fail)?
    } else {
        Vec::new()
    };
    // `?edit=` loads a role's permissions into the form (a form sent back
    // keeps what was typed).
    if error.is_none()
        && let Some(role) = roles.iter().find(|r| r.name.as_str() == v.name)
    {
        v = RoleForm::of(role);
    }
    let body = body(console, &s, &roles, &v, error, state.now());
    let title = format!("Roles of {}", s.space.id);
    let mut res = page(state, console, &title, Nav::Spaces, body).await;
    *res.status_mut() = status;
    Ok(res)
}

fn body(
    console: &super::session::Console,
    s: &SpaceSummary,
    roles: &[RoleRecord],
    v: &RoleForm,
    error: Option<&FieldError>,
    now: keywarden_core::clock::UnixMillis,
) -> Markup {
    let id = &s.space.id;
    let can_set = console.may::<SetRole>();
    let can_delete = console.may::<DeleteRole>();
    let editing = roles.iter().any(|r| r.name.as_str() == v.name.trim());
    html! {
        nav class="crumbs" aria-label="Breadcrumb" { a href="/ui/spaces" { "Spaces" } " / " span { (id.as_str()) } " / " span { "Roles" } }
        div class="page-head" {
            div {
                h1 { "Roles of " span class="mono" { (id.as_str()) } }
                p class="muted" {
                    (s.space.name) " · " (s.keys) " " (if s.keys == 1 { "key" } else { "keys" })
                    ". A key of this space that holds a role has the role's permissions besides its own scopes."
                }
            }
            div class="actions" {
                @if console.may::<crate::command::UpdateSpace>() { a class="btn" href=(space_href(id)) { "Edit space" } }
            }
        }
        div class="card flush" {
            @if !console.may::<ListRoles>() { (empty("Your root key lacks keys:read, so the roles are not listed.")) }
            @else if roles.is_empty() { (empty("This space has no roles yet.")) } @else {
                div class="table-wrap" { table class="table" {
                    thead { tr {
                        th scope="col" { "Role" } th scope="col" { "Permissions" } th scope="col" { "Changed" }
                        th scope="col" { span class="visually-hidden" { "Actions" } }
                    } }
                    tbody { @for r in roles { tr id=(format!("role-{}", r.name)) {
                        th scope="row" class="mono" { (r.name.as_str()) }
                        td {
                            @if r.permissions.is_empty() { span class="muted" { "none" } }
                            @for p in &r.permissions { span class="chip" { (p.as_str()) } " " }
                        }
                        td { (time_cell(Some(r.updated_at), now, "")) }
                        td class="nowrap" { div class="actions" {
                            @if can_set {
                                a class="btn btn-small" href=(format!("{}?edit={}#set-role-h", roles_href(id.as_str()), r.name)) {
                                    "Edit" span class="visually-hidden" { " " (r.name.as_str()) }
                                }
                            }
                            @if can_delete {
                                a class="btn btn-small btn-danger-ghost" href=(format!("{}/{}/delete", roles_href(id.as_str()), r.name))
                                    data-dialog=(format!("delete-role-{}", r.name)) {
                                    "Delete…" span class="visually-hidden" { " " (r.name.as_str()) }
                                }
                            }
                        } }
                    } } }
                } }
            }
        }
        @if can_delete { @for r in roles {
            dialog id=(format!("delete-role-{}", r.name)) class="dialog" aria-labelledby=(format!("delete-role-{}-title", r.name)) {
                (delete_body(console, id.as_str(), &r.name, true))
            }
        } }
        @if can_set {
            section class="card narrow" aria-labelledby="set-role-h" {
                h2 id="set-role-h" { @if editing { "Change the role " span class="mono" { (v.name.trim()) } } @else { "Set a role" } }
                (form_error(error.map(|e| e.message.as_str())))
                form method="post" action=(roles_href(id.as_str())) class="stack" novalidate {
                    (csrf_field(console))
                    (text_field("name", "Role name", &v.name, "1 to 64 lowercase letters, digits or -. An existing name changes that role.", error, "editor"))
                    (area_field("permissions", "Permissions", &v.permissions,
                        "Permission names, one per line or separated by commas: docs.read, orders:write, billing:* (covers everything under billing).",
                        error, "docs.read\ndocs.write"))
                    div class="dialog-actions" {
                        @if editing { a class="btn btn-ghost" href=(roles_href(id.as_str())) { "Cancel" } }
                        button class="btn btn-primary" type="submit" { "Save role" }
                    }
                }
            }
        }
    }
}

/// `POST /ui/spaces/{space}/roles`: sets a role (creating it).
pub(crate) async fn set(
    State(state): State<AppState>,
    console: super::session::Console,
    Path(space): Path<String>,
    UiForm(f): UiForm<RoleForm>,
) -> PageResult {
    permit::<SetRole>(&state, &console, Some(&format!("space:{space}"))).await?;
    let (name, permissions) = match f.parse() {
        Ok(parsed) => parsed,
        Err(e) => {
            return roles_page(
                &state,
                &console,
                &space,
                f,
                Some(&e),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let command = SetRole {
        space: space.clone(),
        name: name.to_string(),
        permissions,
    };
    let proof = authorize(&state, &console, command).await?;
    match spaces::set_role(&state, proof).await {
        Ok((role, created)) => {
            let text = if created {
                format!("Created the role {}.", role.name)
            } else {
                format!(
                    "Saved the role {}: keys holding it have its permissions now.",
                    role.name
                )
            };
            console.notice(&state, text).await;
            Ok(see_other(&format!(
                "{}#role-{}",
                roles_href(role.space.as_str()),
                role.name
            )))
        }
        Err(err) if matches!(err.kind, KeyErrorKind::Invalid) => {
            let field = if err.message.contains("scope") {
                "permissions"
            } else {
                "name"
            };
            let e = field_err(field, err.message);
            roles_page(
                &state,
                &console,
                &space,
                f,
                Some(&e),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(err) => Err(fail(err)),
    }
}

/// The confirmation of a role's deletion.
fn delete_body(
    console: &super::session::Console,
    space: &str,
    role: &RoleName,
    dialog: bool,
) -> Markup {
    let back = roles_href(space);
    html! {
        form method="post" action=(format!("{back}/{role}/delete")) class="stack" {
            (csrf_field(console))
            h2 id=(format!("delete-role-{role}-title")) { "Delete the role " span class="mono" { (role.as_str()) } "?" }
            p { "Keys holding it lose it and what it granted, on every node at once." }
            div class="dialog-actions" {
                @if dialog { a class="btn btn-ghost" href=(back) data-close { "Cancel" } }
                @else { a class="btn btn-ghost" href=(back) { "Cancel" } }
                button class="btn btn-danger" type="submit" { "Delete role" }
            }
        }
    }
}

/// `GET /ui/spaces/{space}/roles/{role}/delete`: the confirmation, as a
/// page (without JavaScript).
pub(crate) async fn delete_form(
    State(state): State<AppState>,
    console: super::session::Console,
    Path((space, role)): Path<(String, String)>,
) -> PageResult {
    permit::<DeleteRole>(&state, &console, Some(&format!("space:{space}"))).await?;
    let s = find(&state, &console, &space).await?;
    let role = state
        .store()
        .list_roles(&s.space.id)
        .await
        .map_err(fail)?
        .into_iter()
        .find(|r| r.name.as_str() == role)
        .ok_or_else(|| fail(ApiError::not_found("role")))?;
    let body = html! {
        nav class="crumbs" aria-label="Breadcrumb" {
            a href="/ui/spaces" { "Spaces" } " / " a href=(roles_href(s.space.id.as_str())) { (s.space.id.as_str()) " roles" }
        }
        div class="card narrow" { (delete_body(&console, s.space.id.as_str(), &role.name, false)) }
    };
    Ok(page(&state, &console, "Delete role", Nav::Spaces, body).await)
}

/// `POST /ui/spaces/{space}/roles/{role}/delete`.
pub(crate) async fn delete(
    State(state): State<AppState>,
    console: super::session::Console,
    Path((space, name)): Path<(String, String)>,
) -> PageResult {
    let command = DeleteRole {
        space: space.clone(),
        name: name.clone(),
    };
    let proof = authorize(&state, &console, command).await?;
    spaces::delete_role(&state, proof).await.map_err(fail)?;
    console
        .notice(
            &state,
            format!("Deleted the role {name}. Keys holding it lose it and what it granted."),
        )
        .await;
    Ok(see_other(&roles_href(&space)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_split_on_lines_and_commas() {
        let f = RoleForm {
            name: "editor".to_owned(),
            permissions: "docs.read,\ndocs.write  billing:*".to_owned(),
        };
        let (name, permissions) = f.parse().ok().unwrap();
        assert_eq!(name.as_str(), "editor");
        assert_eq!(
            permissions.iter().map(Scope::as_str).collect::<Vec<_>>(),
            ["docs.read", "docs.write", "billing:*"]
        );
    }

    #[test]
    fn bad_names_are_a_message_on_their_field() {
        for (name, permissions, field) in [
            ("", "docs.read", "name"),
            ("Editor!", "docs.read", "name"),
            ("editor", "docs.", "permissions"),
            ("editor", "docs read!", "permissions"),
        ] {
            let f = RoleForm {
                name: name.to_owned(),
                permissions: permissions.to_owned(),
            };
            let e = f.parse().err().unwrap();
            assert_eq!(e.field, field, "{name:?} {permissions:?}");
            assert!(!e.message.contains("read!"), "never echoes the value");
        }
    }
}
