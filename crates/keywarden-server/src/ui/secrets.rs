//! `/ui/secrets`: the vault's Secrets page, per environment of the space
//! worked in — names, versions, last read, rotation due; a value revealed
//! only on a click (a POST, audited, answered `no-store`); a secret's
//! history with its roll back; the form that writes a new version.

use axum::{
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
};
use keywarden_core::secret::SecretString;
use keywarden_proto::secrets::PutSecretRequest;
use keywarden_store::SecretRecord;
use maud::{Markup, html};
use serde::Deserialize;

use crate::{
    command::{
        DeleteSecret, ListSecrets, PutSecret, ReadSecret, ReadSecretHistory, RollbackSecret,
        SecretTarget,
    },
    keys::KeyErrorKind,
    state::AppState,
    vault,
};

use super::{
    UiForm, UiQuery,
    html::{Nav, csrf_field, empty, env_badge, form_error, page, time_cell},
    keys::{FieldError, PageResult, area_field, authorize, fail, field_err, see_other, text_field},
    non_empty,
    session::Console,
};

/// The page's query: the environment shown.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct EnvQuery {
    env: String,
}

/// A new version, as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct SecretForm {
    env: String,
    name: String,
    value: String,
    note: String,
    rotate_every: String,
}

/// A roll back's version.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RollbackForm {
    to: String,
}

fn env_or_default(env: &str) -> String {
    non_empty(env).unwrap_or("live").to_owned()
}

fn list_href(env: &str) -> String {
    format!("/ui/secrets?env={env}")
}

fn secret_href(env: &str, name: &str) -> String {
    format!("/ui/secrets/{env}/{name}")
}

fn target(console: &Console, env: &str, name: Option<&str>) -> SecretTarget {
    SecretTarget {
        space: console.space().map(ToString::to_string),
        environment: env.to_owned(),
        name: name.map(str::to_owned),
    }
}

/// `GET /ui/secrets?env=`.
pub(crate) async fn list(
    State(state): State<AppState>,
    console: Console,
    UiQuery(q): UiQuery<EnvQuery>,
) -> PageResult {
    let env = env_or_default(&q.env);
    let form = SecretForm {
        env: env.clone(),
        ..SecretForm::default()
    };
    list_page(&state, &console, &env, &form, None, StatusCode::OK).await
}

async fn list_page(
    state: &AppState,
    console: &Console,
    env: &str,
    form: &SecretForm,
    error: Option<&FieldError>,
    status: StatusCode,
) -> PageResult {
    let command = ListSecrets {
        target: target(console, env, None),
        values: false,
    };
    let proof = authorize(state, console, command).await?;
    let (place, secrets) = vault::list(state, proof).await.map_err(fail)?;
    let now = state.now();
    let records: Vec<SecretRecord> = secrets.into_iter().map(|(r, _)| r).collect();
    let may_read = console.may::<ReadSecret>();
    let may_write = console.may::<PutSecret>();
    let may_delete = console.may::<DeleteSecret>();
    let due = records
        .iter()
        .filter(|r| r.rotation_due_at().is_some_and(|at| at <= now))
        .count();
    let body = html! {
        div class="page-head" {
            div {
                h1 { "Secrets " (env_badge(env)) }
                p class="muted" {
                    "Values your code holds (third parties' keys, database passwords), in the space "
                    code { (place.space.as_str()) } ", sealed under the master key. "
                    code { "keywarden run --env " (env) " -- your-command" } " hands them to a process."
                }
            }
            form method="get" action="/ui/secrets" class="inline" {
                label for="env" { "Environment" }
                " "
                input id="env" name="env" value=(env) pattern="[a-z][a-z0-9]{0,11}" size="10";
                " "
                button class="btn btn-small" type="submit" { "Show" }
            }
        }
        @if due > 0 {
            div class="alert alert-warn" role="status" {
                (due) " " (if due == 1 { "secret is" } else { "secrets are" }) " due for rotation."
            }
        }
        div class="card flush" {
            @if records.is_empty() {
                (empty(&format!("No secret in {env} yet.")))
            } @else {
                div class="table-wrap" { table class="table" {
                    thead { tr {
                        th scope="col" { "Name" }
                        th scope="col" { "Version" }
                        th scope="col" { "Updated" }
                        th scope="col" { "Last read" }
                        th scope="col" { "Rotation" }
                        th scope="col" { span class="visually-hidden" { "Actions" } }
                    } }
                    tbody { @for r in &records {
                        tr id=(format!("secret-{}", r.name)) {
                            th scope="row" class="mono" { (r.name) }
                            td { (r.version) }
                            td { (time_cell(Some(r.updated_at), now, "")) }
                            td { (time_cell(r.last_read_at, now, "never")) }
                            td { (rotation_cell(r, now)) }
                            td class="nowrap" { div class="actions" {
                                @if may_read {
                                    form method="post" action=(format!("{}/reveal", secret_href(env, &r.name))) class="inline" {
                                        (csrf_field(console))
                                        button class="btn btn-small" type="submit" {
                                            "Reveal" span class="visually-hidden" { " " (r.name) }
                                        }
                                    }
                                    a class="btn btn-small" href=(secret_href(env, &r.name)) {
                                        "History" span class="visually-hidden" { " of " (r.name) }
                                    }
                                }
                                @if may_delete {
                                    details class="inline" {
                                        summary class="btn btn-small btn-danger-ghost" {
                                            "Delete…" span class="visually-hidden" { " " (r.name) }
                                        }
                                        form method="post" action=(format!("{}/delete", secret_href(env, &r.name))) class="inline" {
                                            (csrf_field(console))
                                            button class="btn btn-small btn-danger" type="submit" {
                                                "Delete " (r.name) " and its versions"
                                            }
                                        }
                                    }
                                }
                            } }
                        }
                    } }
                } }
            }
        }
        @if may_write {
            section class="card narrow" aria-labelledby="set-secret-h" {
                h2 id="set-secret-h" { "Set a secret" }
                (form_error(error.map(|e| e.message.as_str())))
                form method="post" action="/ui/secrets" class="stack" novalidate {
                    (csrf_field(console))
                    input type="hidden" name="env" value=(env);
                    (text_field("name", "Name", &form.name, "Environment-variable syntax: a letter or _, then letters, digits or _. An existing name gets a new version.", error, "DATABASE_URL"))
                    (area_field("value", "Value", "", "Kept sealed; shown again only on Reveal.", error, ""))
                    (text_field("note", "Note", &form.note, "Optional: where it comes from, who owns it.", error, ""))
                    (text_field("rotate_every", "Rotate every", &form.rotate_every, "Optional: a reminder (secret.rotation_due) once it is older, like 90d.", error, "90d"))
                    div class="dialog-actions" {
                        button class="btn btn-primary" type="submit" { "Save secret" }
                    }
                }
            }
        }
    };
    let mut res = page(state, console, "Secrets", Nav::Secrets, body).await;
    *res.status_mut() = status;
    Ok(res)
}

fn rotation_cell(r: &SecretRecord, now: i64) -> Markup {
    match r.rotation_due_at() {
        Some(at) if at <= now => html! { span class="badge code code-expired" { "Rotation due" } },
        Some(at) => time_cell(Some(at), now, ""),
        None => html! { span class="muted" { "—" } },
    }
}

/// `POST /ui/secrets`: a new version.
pub(crate) async fn set(
    State(state): State<AppState>,
    console: Console,
    UiForm(f): UiForm<SecretForm>,
) -> PageResult {
    let env = env_or_default(&f.env);
    let name = f.name.trim().to_owned();
    // A form sends a textarea's line breaks as CRLF (HTML's rule): a value
    // typed or pasted here keeps LF, as one set from a file or a pipe does.
    let request = PutSecretRequest {
        value: SecretString::new(f.value.replace("\r\n", "\n")),
        note: non_empty(&f.note).map(|n| Some(n.to_owned())),
        rotate_every: non_empty(&f.rotate_every).map(|r| Some(r.to_owned())),
    };
    let command = PutSecret {
        target: target(&console, &env, Some(&name)),
        request,
    };
    let proof = authorize(&state, &console, command).await?;
    match vault::put(&state, proof).await {
        Ok(record) => {
            console
                .notice(
                    &state,
                    format!(
                        "Saved {} in {env}: version {}.",
                        record.name, record.version
                    ),
                )
                .await;
            Ok(see_other(&format!(
                "{}#secret-{}",
                list_href(&env),
                record.name
            )))
        }
        Err(err) if matches!(err.kind, KeyErrorKind::Invalid) => {
            let field = if err.message.starts_with("name") {
                "name"
            } else if err.message.starts_with("note") {
                "note"
            } else if err.message.starts_with("rotate_every") {
                "rotate_every"
            } else {
                "value"
            };
            let e = field_err(field, err.message);
            let kept = SecretForm {
                value: String::new(),
                ..f
            };
            list_page(
                &state,
                &console,
                &env,
                &kept,
                Some(&e),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(err) => Err(fail(err)),
    }
}

/// `POST /ui/secrets/{env}/{name}/reveal`: the value, once, on a page
/// that is not kept.
pub(crate) async fn reveal(
    State(state): State<AppState>,
    console: Console,
    Path((env, name)): Path<(String, String)>,
) -> PageResult {
    let command = ReadSecret {
        target: target(&console, &env, Some(&name)),
    };
    let proof = authorize(&state, &console, command).await?;
    let read = vault::read(&state, proof).await.map_err(fail)?;
    let body = html! {
        nav class="crumbs" aria-label="Breadcrumb" { a href=(list_href(&env)) { "Secrets" } " / " span { (env) } " / " span { (name) } }
        div class="card narrow reveal" {
            h1 { (read.record.name) " " (env_badge(&env)) }
            p class="muted" { "Version " (read.record.version) ". This read is in the audit log." }
            label for="secret-value" { "Value" }
            output id="secret-value" class="secret mono" { (read.value.expose()) }
            div class="dialog-actions" {
                button class="btn" type="button" data-copy="secret-value" { "Copy" }
                a class="btn btn-primary" href=(list_href(&env)) { "Done" }
            }
        }
    };
    let mut res = page(&state, &console, "Secret", Nav::Secrets, body).await;
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// `GET /ui/secrets/{env}/{name}`: the kept versions, each one a roll
/// back away.
pub(crate) async fn history(
    State(state): State<AppState>,
    console: Console,
    Path((env, name)): Path<(String, String)>,
) -> PageResult {
    let command = ReadSecretHistory {
        target: target(&console, &env, Some(&name)),
    };
    let proof = authorize(&state, &console, command).await?;
    let (record, versions) = vault::history(&state, proof).await.map_err(fail)?;
    let now = state.now();
    let may_roll = console.may::<RollbackSecret>();
    let body = html! {
        nav class="crumbs" aria-label="Breadcrumb" { a href=(list_href(&env)) { "Secrets" } " / " span { (env) } " / " span { (record.name) } }
        h1 { "History of " span class="mono" { (record.name) } " " (env_badge(&env)) }
        @if let Some(note) = &record.note { p { (note) } }
        div class="card flush" {
            div class="table-wrap" { table class="table" {
                thead { tr {
                    th scope="col" { "Version" }
                    th scope="col" { "Written" }
                    th scope="col" { "By" }
                    th scope="col" { span class="visually-hidden" { "Actions" } }
                } }
                tbody { @for v in &versions {
                    tr {
                        th scope="row" { (v.version) @if v.version == record.version { " " span class="badge" { "current" } } }
                        td { (time_cell(Some(v.created_at), now, "")) }
                        td class="mono" { (v.created_by) }
                        td {
                            @if may_roll && v.version != record.version {
                                form method="post" action=(format!("{}/rollback", secret_href(&env, &record.name))) class="inline" {
                                    (csrf_field(&console))
                                    input type="hidden" name="to" value=(v.version);
                                    button class="btn btn-small" type="submit" {
                                        "Roll back to version " (v.version)
                                    }
                                }
                            }
                        }
                    }
                } }
            } }
        }
    };
    Ok(page(&state, &console, "Secret history", Nav::Secrets, body).await)
}

/// `POST /ui/secrets/{env}/{name}/rollback`.
pub(crate) async fn rollback(
    State(state): State<AppState>,
    console: Console,
    Path((env, name)): Path<(String, String)>,
    UiForm(f): UiForm<RollbackForm>,
) -> PageResult {
    let to = f.to.trim().parse::<i64>().unwrap_or(0);
    let command = RollbackSecret {
        target: target(&console, &env, Some(&name)),
        to,
    };
    let proof = authorize(&state, &console, command).await?;
    let record = vault::rollback(&state, proof).await.map_err(fail)?;
    console
        .notice(
            &state,
            format!(
                "{} is at version {}, the value of version {to}.",
                record.name, record.version
            ),
        )
        .await;
    Ok(see_other(&secret_href(&env, &record.name)))
}

/// `POST /ui/secrets/{env}/{name}/delete`.
pub(crate) async fn delete(
    State(state): State<AppState>,
    console: Console,
    Path((env, name)): Path<(String, String)>,
) -> PageResult {
    let command = DeleteSecret {
        target: target(&console, &env, Some(&name)),
    };
    let proof = authorize(&state, &console, command).await?;
    vault::delete(&state, proof).await.map_err(fail)?;
    console
        .notice(
            &state,
            format!("Deleted {name} from {env}, with its versions."),
        )
        .await;
    Ok(see_other(&list_href(&env)))
}
