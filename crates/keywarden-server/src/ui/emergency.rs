//! Emergency: revoke everything an owner or an environment holds, after
//! seeing how many keys that is and typing a confirmation.

use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use keywarden_core::{key::Environment, names::Owner};
use keywarden_store::{KeyFilter, KeyStatus};
use maud::html;
use serde::Deserialize;

use crate::{
    authz::{authorize, permit},
    command::RevokeKeys,
    keys,
    state::AppState,
};

use super::{
    UiForm, UiQuery,
    html::{Nav, api_error_page, csrf_field, form_error, page},
    non_empty,
    session::{Console, percent_encode},
};

/// The word to type.
const CONFIRM_WORD: &str = "revoke";

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Target {
    owner: String,
    environment: String,
    confirm: String,
    reason: String,
}

type Parsed = (Option<Owner>, Option<Environment>);

fn parse(t: &Target) -> Result<Parsed, String> {
    let owner = non_empty(&t.owner)
        .map(|o| o.parse::<Owner>().map_err(|e| format!("Owner: {e}")))
        .transpose()?;
    let env = non_empty(&t.environment)
        .map(|e| {
            e.parse::<Environment>()
                .map_err(|e| format!("Environment: {e}"))
        })
        .transpose()?;
    Ok((owner, env))
}

/// Keys of the target not yet revoked: (active, expired).
async fn unrevoked(
    state: &AppState,
    visible: Option<Vec<keywarden_core::spaces::SpaceId>>,
    (owner, env): &Parsed,
) -> Result<(i64, i64), Response> {
    let now = state.now();
    let count = |status| {
        let filter = KeyFilter {
            owner: owner.clone(),
            environment: env.clone(),
            status: Some(status),
            search: None,
            space: None,
            visible: visible.clone(),
        };
        async move { state.store().count_keys(&filter, now).await }
    };
    let fail = |e: keywarden_store::StoreError| api_error_page(&e.into());
    let active = count(KeyStatus::Active).await.map_err(fail)?;
    let expired = count(KeyStatus::Expired).await.map_err(fail)?;
    Ok((active, expired))
}

fn describe((owner, env): &Parsed) -> String {
    match (owner, env) {
        (Some(o), Some(e)) => format!("owner {o} in environment {e}"),
        (Some(o), None) => format!("owner {o}, in every environment"),
        (None, Some(e)) => format!("environment {e}, of every owner"),
        (None, None) => String::new(),
    }
}

async fn render(
    state: &AppState,
    console: &Console,
    t: &Target,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let parsed = parse(t);
    let (problem, preview) = match &parsed {
        Err(e) => (Some(e.clone()), None),
        Ok((None, None)) => (None, None),
        Ok(p) => match unrevoked(state, console.visible(), p).await {
            Ok(counts) => (None, Some((p, counts))),
            Err(page) => return page,
        },
    };
    let error = error.map(str::to_owned).or(problem);
    let body = html! {
        div class="page-head" { div {
            h1 { "Emergency revoke" }
            p class="muted" {
                "Revoke every key of an owner, of an environment, or of an owner in one environment. Revoked keys stop working at once on every node."
                @if console.space().is_some() { " This page counts and revokes in every space your root key sees, not only the current one." }
            }
        } }
        (form_error(error.as_deref()))
        form method="get" action="/ui/emergency" class="card filters" aria-label="Choose what to revoke" {
            div class="field grow" {
                label for="e-owner" { "Owner" }
                input id="e-owner" name="owner" value=(t.owner) placeholder="acme" autocomplete="off";
            }
            div class="field grow" {
                label for="e-env" { "Environment" }
                input id="e-env" name="environment" value=(t.environment) placeholder="live" autocomplete="off";
            }
            div class="field actions" { button class="btn" type="submit" { "Count keys" } }
        }
        @if let Some((p, (active, expired))) = preview {
            @let total = active + expired;
            section class="card danger-zone" aria-labelledby="preview-h" {
                h2 id="preview-h" { "Keys of " (describe(p)) }
                p class="big-count" {
                    strong id="count-before" { (total) } " " (if total == 1 { "key is" } else { "keys are" }) " not revoked"
                    span class="muted" { " (" (active) " active, " (expired) " expired)" }
                }
                @if total == 0 {
                    p { "Nothing to revoke." }
                } @else {
                    form method="post" action="/ui/emergency" class="stack narrow-form" {
                        (csrf_field(console))
                        input type="hidden" name="owner" value=(t.owner);
                        input type="hidden" name="environment" value=(t.environment);
                        div class="field" {
                            label for="e-reason" { "Reason " span class="muted" { "(kept in the audit log)" } }
                            input id="e-reason" name="reason" maxlength="200" placeholder="emergency" value=(t.reason);
                        }
                        div class="field" {
                            label for="e-confirm" { "Type " code { (CONFIRM_WORD) } " to revoke " (total) " " (if total == 1 { "key" } else { "keys" }) }
                            input id="e-confirm" name="confirm" autocomplete="off" spellcheck="false" required
                                data-confirm-word=(CONFIRM_WORD) aria-describedby="e-confirm-hint";
                            small id="e-confirm-hint" class="hint" { "This cannot be undone." }
                        }
                        button class="btn btn-danger" type="submit" data-needs-confirm="e-confirm" {
                            "Revoke " (total) " " (if total == 1 { "key" } else { "keys" }) " now"
                        }
                    }
                }
            }
        }
    };
    let mut res = page(state, console, "Emergency revoke", Nav::Emergency, body).await;
    *res.status_mut() = status;
    res
}

/// `GET /ui/emergency`.
pub(crate) async fn page_route(
    State(state): State<AppState>,
    console: Console,
    UiQuery(t): UiQuery<Target>,
) -> Response {
    if let Err(e) = permit::<RevokeKeys>(&state, &console.actor, None).await {
        return api_error_page(&e.into());
    }
    render(&state, &console, &t, None, StatusCode::OK).await
}

/// `POST /ui/emergency`.
pub(crate) async fn revoke_all(
    State(state): State<AppState>,
    console: Console,
    UiForm(t): UiForm<Target>,
) -> Response {
    let parsed = match parse(&t) {
        Ok(p) => p,
        Err(e) => {
            return render(
                &state,
                &console,
                &t,
                Some(&e),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let command = RevokeKeys {
        owner: parsed.0.clone(),
        environment: parsed.1.clone(),
        space: None,
        reason: non_empty(&t.reason).map(str::to_owned),
    };
    let proof = match authorize(&state, &console.actor, command).await {
        Ok(proof) => proof,
        Err(e) => return api_error_page(&e.into()),
    };
    if t.confirm.trim() != CONFIRM_WORD {
        let msg = format!(
            "Type {CONFIRM_WORD} in the confirmation box to go ahead. Nothing was revoked."
        );
        return render(
            &state,
            &console,
            &t,
            Some(&msg),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let before = match unrevoked(&state, console.visible(), &parsed).await {
        Ok((a, e)) => a + e,
        Err(page) => return page,
    };
    let ids = match keys::bulk(&state, proof).await {
        Ok(ids) => ids,
        Err(e) if e.field.is_some() => {
            return render(
                &state,
                &console,
                &t,
                Some(&e.message),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => return api_error_page(&e.into()),
    };
    let after = match unrevoked(&state, console.visible(), &parsed).await {
        Ok((a, e)) => a + e,
        Err(page) => return page,
    };
    console
        .notice(
            &state,
            format!(
                "Revoked {} {} of {}. Not revoked before: {before}; after: {after}.",
                ids.len(),
                if ids.len() == 1 { "key" } else { "keys" },
                describe(&parsed)
            ),
        )
        .await;
    let mut to = String::from("/ui/emergency?");
    to.push_str(&format!(
        "owner={}&environment={}",
        percent_encode(t.owner.trim()),
        percent_encode(t.environment.trim())
    ));
    Redirect::to(&to).into_response()
}
