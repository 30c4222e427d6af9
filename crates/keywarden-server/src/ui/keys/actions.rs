//! Revoke and roll (their confirmation dialogs and POSTs), and the one-time
//! page that shows a new key.

#[allow(clippy::wildcard_imports)]
use super::*;

// ---------------------------------------------------------------- revoke

pub(super) fn revoke_form_body(console: &Console, k: &KeyRecord) -> Markup {
    html! {
        form method="post" action=(format!("/ui/keys/{}/revoke", k.id)) class="stack" {
            (csrf_field(console))
            h2 id="revoke-title" { "Revoke " span class="mono" { (k.hint) } "?" }
            p { "Every request with this key fails from now on, on every node. This cannot be undone." }
            div class="field" {
                label for="revoke-reason" { "Reason " span class="muted" { "(optional, kept in the audit log)" } }
                input id="revoke-reason" name="reason" maxlength="200" placeholder="manual";
            }
            div class="dialog-actions" {
                a class="btn btn-ghost" href=(format!("/ui/keys/{}", k.id)) data-close { "Cancel" }
                button class="btn btn-danger" type="submit" { "Revoke key" }
            }
        }
    }
}

/// A key action's confirmation (revoke, roll): on the key's page a
/// `<dialog>` the script opens; without JavaScript the same form as a page
/// of its own ([`confirmation_page`]).
pub(super) fn dialog(id: &str, labelled_by: &str, body: Markup) -> Markup {
    html! { dialog id=(id) class="dialog" aria-labelledby=(labelled_by) { (body) } }
}

/// The confirmation as a page: load the key, check the permission (audited
/// when refused), render the form.
async fn confirmation_page<C: Command>(
    state: &AppState,
    console: &Console,
    id: &str,
    title: &str,
    form: impl FnOnce(&KeyRecord) -> Markup,
) -> PageResult {
    let (_, _, k) = permitted_key::<C>(state, console, id).await?;
    let body = html! { div class="card narrow" { (form(&k)) } };
    Ok(page(state, console, title, Nav::Keys, body).await)
}

/// `GET /ui/keys/{id}/revoke`: the confirmation, as a page (without
/// JavaScript; with it, the key page opens the same form in a dialog).
pub(crate) async fn revoke_form(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
) -> PageResult {
    confirmation_page::<RevokeKey>(&state, &console, &id, "Revoke key", |k| {
        revoke_form_body(&console, k)
    })
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RevokeForm {
    reason: String,
}

/// `POST /ui/keys/{id}/revoke`.
pub(crate) async fn revoke(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    UiForm(f): UiForm<RevokeForm>,
) -> PageResult {
    let command = RevokeKey {
        id,
        reason: non_empty(&f.reason).map(str::to_owned),
    };
    let proof = authorize(&state, &console, command).await?;
    let record = keys::revoke(&state, proof).await.map_err(fail)?;
    console
        .notice(
            &state,
            format!(
                "Revoked {} ({}). Every verification of it now answers REVOKED.",
                record.id, record.hint
            ),
        )
        .await;
    Ok(see_other(&format!("/ui/keys/{}", record.id)))
}

// ------------------------------------------------------- disable, enable

/// `POST /ui/keys/{id}/disable`.
pub(crate) async fn disable(
    state: State<AppState>,
    console: Console,
    id: Path<String>,
) -> PageResult {
    toggle(state, console, id, true).await
}

/// `POST /ui/keys/{id}/enable`.
pub(crate) async fn enable(
    state: State<AppState>,
    console: Console,
    id: Path<String>,
) -> PageResult {
    toggle(state, console, id, false).await
}

async fn toggle(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    disabled: bool,
) -> PageResult {
    let record = if disabled {
        let proof = authorize(&state, &console, DisableKey { id }).await?;
        keys::disable(&state, proof).await
    } else {
        let proof = authorize(&state, &console, EnableKey { id }).await?;
        keys::enable(&state, proof).await
    }
    .map_err(fail)?;
    console.notice(
        &state,
        if disabled {
            format!(
                "Disabled {} ({}). Every verification of it answers DISABLED until you enable it.",
                record.id, record.hint
            )
        } else {
            format!("Enabled {} ({}) again.", record.id, record.hint)
        },
    ).await;
    Ok(see_other(&format!("/ui/keys/{}", record.id)))
}

// ---------------------------------------------------------------- roll

pub(super) const GRACE_CHOICES: [(&str, &str); 6] = [
    ("0s", "End the old key now"),
    ("1h", "1 hour"),
    ("24h", "24 hours"),
    ("7d", "7 days"),
    ("14d", "14 days"),
    ("30d", "30 days"),
];

pub(super) fn roll_form_body(state: &AppState, console: &Console, k: &KeyRecord) -> Markup {
    let default = state.config().default_grace_period.ms();
    let default_choice = GRACE_CHOICES
        .iter()
        .find(|(v, _)| keys::grace_ms(Some(v), 0).ok() == Some(default))
        .map_or("24h", |(v, _)| *v);
    html! {
        form method="post" action=(format!("/ui/keys/{}/roll", k.id)) class="stack" {
            (csrf_field(console))
            h2 id="roll-title" { "Roll " span class="mono" { (k.hint) } }
            p { "A new key with the same settings replaces this one. The new key is shown once." }
            div class="field" {
                label for="grace" { "Grace period for the old key" }
                select id="grace" name="grace_period" aria-describedby="grace-hint" {
                    @for (value, label) in GRACE_CHOICES {
                        option value=(value) selected[value == default_choice] { (label) }
                    }
                }
                small id="grace-hint" class="hint" { "Both keys work until the grace period ends, so clients can switch over." }
            }
            (share_checkbox())
            div class="dialog-actions" {
                a class="btn btn-ghost" href=(format!("/ui/keys/{}", k.id)) data-close { "Cancel" }
                button class="btn btn-primary" type="submit" { "Roll key" }
            }
        }
    }
}

/// `GET /ui/keys/{id}/roll`: the roll form as a page.
pub(crate) async fn roll_form(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
) -> PageResult {
    confirmation_page::<RollKey>(&state, &console, &id, "Roll key", |k| {
        roll_form_body(&state, &console, k)
    })
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RollForm {
    grace_period: String,
    share: Option<String>,
}

/// `POST /ui/keys/{id}/roll`.
pub(crate) async fn roll(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    UiForm(f): UiForm<RollForm>,
) -> PageResult {
    let command = RollKey {
        id,
        grace_period: non_empty(&f.grace_period).map(str::to_owned),
        share: f.share.is_some().then(ShareRequest::default),
    };
    let proof = authorize(&state, &console, command).await?;
    let rolled = keys::roll(&state, proof).await.map_err(fail)?;
    let new_id = rolled.new.record.id.to_string();
    let share_url = rolled.new.share_url;
    console.sessions.hold_reveal(
        &console.session,
        Reveal::new(
            new_id.clone(),
            rolled.new.key,
            Some((rolled.previous.id.to_string(), rolled.previous.expires_at)),
            state.now(),
        )
        .with_share(share_url),
    );
    Ok(see_other(&format!("/ui/keys/{new_id}/created")))
}

// ---------------------------------------------------------------- created

/// `GET /ui/keys/{id}/created`: shows a new key once.
pub(crate) async fn created(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
) -> Response {
    let now = state.now();
    let Some(reveal) = console.sessions.take_reveal(&console.session, &id, now) else {
        let body = html! {
            div class="card narrow" {
                h1 { "This key is no longer shown" }
                p {
                    "A new key is displayed exactly once, right after it is made. keywarden keeps only a digest, "
                    "so it cannot show the key again. If it was not copied, roll the key to get a new one."
                }
                p { a class="btn" href=(format!("/ui/keys/{}", crate::ui::session::percent_encode(&id))) { "Go to the key" } }
            }
        };
        return page(&state, &console, "Key already shown", Nav::Keys, body).await;
    };
    let env_line = format!("API_KEY={}", reveal.key.expose());
    let body = html! {
        div class="card narrow reveal" {
            h1 { @if reveal.rolled_from.is_some() { "Key rolled" } @else { "Key created" } }
            div class="alert alert-warn" role="alert" {
                strong { "Copy this key now — you won't see it again." }
                " keywarden stores only a digest of it. Reloading or leaving this page hides it for good."
            }
            div class="field" {
                label for="new-key" { "The new key" }
                div class="copy-row" {
                    output id="new-key" class="secret mono" { (reveal.key.expose()) }
                    button class="btn btn-primary" type="button" data-copy="new-key" { "Copy" }
                }
            }
            div class="field" {
                label for="env-line" { ".env line" }
                div class="copy-row" {
                    output id="env-line" class="secret mono small" { (env_line) }
                    button class="btn" type="button" data-copy="env-line" { "Copy" }
                }
            }
            @if let Some((old, until)) = &reveal.rolled_from {
                p {
                    "The old key " a class="mono" href=(format!("/ui/keys/{old}")) { (old) }
                    @match until {
                        Some(t) if *t > now => { " keeps working until " (datetime(*t)) " (" (crate::ui::html::relative(*t, now)) ")." }
                        _ => { " has stopped working." }
                    }
                }
            }
            @if let Some(url) = &reveal.share_url {
                div class="field" {
                    label for="share-url" { "One-time share link (opens once, for 24 hours)" }
                    div class="copy-row" {
                        output id="share-url" class="secret mono small" { (url.expose()) }
                        button class="btn" type="button" data-copy="share-url" { "Copy" }
                    }
                }
            }
            p { "Key id " span class="mono" { (reveal.key_id) } }
            p { a class="btn" href=(format!("/ui/keys/{}", reveal.key_id)) { "Done — go to the key" } }
        }
    };
    page(&state, &console, "Key created", Nav::Keys, body).await
}
