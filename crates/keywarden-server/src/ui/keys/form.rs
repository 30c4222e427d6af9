//! The create and edit form: parsing what was typed into the key service's
//! inputs, rendering the form with its errors, and the POST handlers.

#[allow(clippy::wildcard_imports)]
use super::*;

// ---------------------------------------------------------------- create / edit form

/// Every setting of a key, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct KeyForm {
    environment: String,
    space: String,
    owner: String,
    name: String,
    scopes: String,
    roles: String,
    expires: String,
    metadata: String,
    ip_allowlist: String,
    rate_limit: String,
    rate_window: String,
    usage_limit: String,
    recoverable: Option<String>,
    share: Option<String>,
}

/// The "one-time share link" checkbox of the create and roll forms.
pub(super) fn share_checkbox() -> Markup {
    html! {
        div class="field check" {
            input id="share" name="share" type="checkbox" aria-describedby="share-hint";
            label for="share" { "One-time share link" }
            small id="share-hint" class="hint" {
                "Also make a link that shows the key once, in a browser, for 24 hours: send the link, not the key."
            }
        }
    }
}

/// A refused form: which field, and why.
pub(crate) struct FieldError {
    pub(crate) field: &'static str,
    pub(crate) message: String,
}

pub(crate) fn field_err(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// Whether a refusal is about the form's input (shown next to the field)
/// rather than a failure (shown as an error page).
pub(super) fn is_input_error(err: &keys::KeyError) -> bool {
    !matches!(
        err.kind,
        KeyErrorKind::NotFound
            | KeyErrorKind::Revoked(_)
            | KeyErrorKind::NotRollable(_)
            | KeyErrorKind::Store(_)
            | KeyErrorKind::Internal(_)
    )
}

/// The form field a refusal is about (`""`: the form as a whole).
pub(super) fn form_field(err: &keys::KeyError) -> &'static str {
    err.field.map_or("", keys::KeyField::form_name)
}

pub(crate) fn split_list(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `expires` as typed → (`expires_at`, `expires_in`): a duration (`90d`), an
/// RFC 3339 time, a date (`2027-01-31`, midnight UTC) or a browser
/// `datetime-local` value (UTC).
pub(super) fn parse_expires(text: &str) -> Result<(Option<String>, Option<String>), FieldError> {
    let Some(t) = non_empty(text) else {
        return Ok((None, None));
    };
    if parse_duration(t).is_some() {
        return Ok((None, Some(t.to_owned())));
    }
    if timefmt::parse_rfc3339(t).is_some() {
        return Ok((Some(t.to_owned()), None));
    }
    let candidates = [
        format!("{t}T00:00:00Z"),
        format!("{t}:00Z"),
        format!("{t}Z"),
    ];
    candidates
        .into_iter()
        .find(|c| timefmt::parse_rfc3339(c).is_some())
        .map(|c| (Some(c), None))
        .ok_or_else(|| {
            field_err(
                "expires",
                "Expiry: give a lifetime like 90d, 12h or 30m, or a date like 2027-01-31 or 2027-01-31T12:00:00Z",
            )
        })
}

pub(super) fn parse_scopes(text: &str) -> Result<Vec<Scope>, FieldError> {
    split_list(text)
        .iter()
        .map(|s| s.parse::<Scope>())
        .collect::<Result<_, _>>()
        .map_err(|e| field_err("scopes", format!("Scopes: {e}")))
}

/// The roles typed, comma- or space-separated.
pub(super) fn parse_roles(text: &str) -> Result<Vec<RoleName>, FieldError> {
    split_list(text)
        .iter()
        .map(|r| r.parse::<RoleName>())
        .collect::<Result<_, _>>()
        .map_err(|e| field_err("roles", format!("Roles: {e}")))
}

/// The space chosen (none: the space `default`).
pub(super) fn parse_space(text: &str) -> Result<Option<SpaceId>, FieldError> {
    non_empty(text)
        .map(|s| s.parse::<SpaceId>())
        .transpose()
        .map_err(|e| field_err("space", format!("Space: {e}")))
}

pub(super) fn parse_owner(text: &str) -> Result<Option<Owner>, FieldError> {
    non_empty(text)
        .map(|o| o.parse::<Owner>())
        .transpose()
        .map_err(|e| field_err("owner", format!("Owner: {e}")))
}

pub(super) fn parse_metadata(text: &str) -> Result<Option<serde_json::Value>, FieldError> {
    non_empty(text)
        .map(|m| {
            serde_json::from_str::<serde_json::Value>(m)
                .ok()
                .filter(serde_json::Value::is_object)
                .ok_or_else(|| {
                    field_err(
                        "metadata",
                        "Metadata: must be a JSON object, like {\"plan\": \"pro\"}",
                    )
                })
        })
        .transpose()
}

pub(crate) fn parse_rate(limit: &str, window: &str) -> Result<Option<RateLimitInput>, FieldError> {
    let problem = || {
        field_err(
            "rate_limit",
            "Rate limit: give both a number of requests (1 to 1000000) and a window in seconds (1 to 86400), or neither",
        )
    };
    match (non_empty(limit), non_empty(window)) {
        (None, None) => Ok(None),
        (Some(l), Some(w)) => Ok(Some(RateLimitInput {
            limit: l.parse().map_err(|_| problem())?,
            window_seconds: w.parse().map_err(|_| problem())?,
        })),
        _ => Err(problem()),
    }
}

pub(super) fn parse_usage(text: &str) -> Result<Option<i64>, FieldError> {
    non_empty(text)
        .map(|u| {
            u.parse::<i64>()
                .map_err(|_| field_err("usage_limit", "Usage limit: a whole number of at least 1"))
        })
        .transpose()
}

pub(super) fn name_of(text: &str) -> Option<String> {
    non_empty(text).map(str::to_owned)
}

impl KeyForm {
    fn to_create(&self) -> Result<NewKey, FieldError> {
        let environment = non_empty(&self.environment)
            .ok_or_else(|| field_err("environment", "Environment: required (live, test, …)"))?
            .parse::<Environment>()
            .map_err(|e| field_err("environment", format!("Environment: {e}")))?;
        let (expires_at, expires_in) = parse_expires(&self.expires)?;
        Ok(NewKey {
            environment,
            owner: parse_owner(&self.owner)?,
            name: name_of(&self.name),
            scopes: parse_scopes(&self.scopes)?,
            space: parse_space(&self.space)?,
            roles: parse_roles(&self.roles)?,
            expires_at,
            expires_in,
            metadata: parse_metadata(&self.metadata)?,
            ip_allowlist: split_list(&self.ip_allowlist),
            rate_limit: parse_rate(&self.rate_limit, &self.rate_window)?,
            usage_limit: parse_usage(&self.usage_limit)?,
            credits: None,
            rate_limits: Vec::new(),
            recoverable: self.recoverable.is_some(),
            share: self.share.is_some().then(ShareRequest::default),
        })
    }

    fn from_record(k: &KeyRecord) -> Self {
        Self {
            environment: k.environment.to_string(),
            space: k.space.to_string(),
            owner: k
                .owner
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            name: k.name.clone().unwrap_or_default(),
            scopes: k
                .scopes
                .iter()
                .map(Scope::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            roles: k
                .roles
                .iter()
                .map(RoleName::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            expires: k.expires_at.map(timefmt::rfc3339).unwrap_or_default(),
            metadata: if k.metadata.as_object().is_none_or(|m| m.is_empty()) {
                String::new()
            } else {
                pretty_json(&k.metadata)
            },
            ip_allowlist: k
                .ip_allowlist
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
            rate_limit: k
                .rate_limit
                .map(|r| r.limit.to_string())
                .unwrap_or_default(),
            rate_window: k
                .rate_limit
                .map(|r| r.window_seconds.to_string())
                .unwrap_or_default(),
            usage_limit: k.credits.map(|c| c.limit.to_string()).unwrap_or_default(),
            recoverable: k.sealed.is_some().then(|| "on".to_owned()),
            share: None,
        }
    }

    /// The fields that differ from `k`, as a PATCH. A usage limit is sent
    /// only when it changed, since setting one resets the uses left.
    fn to_patch(&self, k: &KeyRecord) -> Result<KeyChanges, FieldError> {
        let mut p = KeyChanges::default();
        let name = name_of(&self.name);
        if name != k.name {
            p.name = Some(name);
        }
        let owner = parse_owner(&self.owner)?;
        if owner != k.owner {
            p.owner = Some(owner);
        }
        let scopes = parse_scopes(&self.scopes)?;
        if scopes != k.scopes {
            p.scopes = Some(scopes);
        }
        let roles = parse_roles(&self.roles)?;
        if roles != k.roles {
            p.roles = Some(roles);
        }
        let metadata = parse_metadata(&self.metadata)?.unwrap_or_else(|| serde_json::json!({}));
        if metadata != k.metadata {
            p.metadata = Some(metadata);
        }
        let current_expiry = k.expires_at.map(timefmt::rfc3339).unwrap_or_default();
        if self.expires.trim() != current_expiry {
            match parse_expires(&self.expires)? {
                (None, None) => p.expires_at = Some(None),
                (Some(at), _) => p.expires_at = Some(Some(at)),
                (None, Some(d)) => p.expires_in = Some(Some(d)),
            }
        }
        let allow = split_list(&self.ip_allowlist);
        let parsed =
            keys::parse_allowlist(&allow).map_err(|e| field_err("ip_allowlist", e.message))?;
        if parsed != k.ip_allowlist {
            p.ip_allowlist = Some(allow);
        }
        let rate = parse_rate(&self.rate_limit, &self.rate_window)?;
        let current_rate = k.rate_limit.map(|r| (r.limit, r.window_seconds));
        if rate.map(|r| (r.limit, r.window_seconds)) != current_rate {
            p.rate_limit = Some(rate);
        }
        let usage = parse_usage(&self.usage_limit)?;
        if usage != k.credits.map(|c| c.limit) {
            p.usage_limit = Some(usage);
        }
        Ok(p)
    }
}

pub(crate) fn text_field(
    id: &'static str,
    label: &str,
    value: &str,
    hint: &str,
    error: Option<&FieldError>,
    placeholder: &str,
) -> Markup {
    let invalid = error.is_some_and(|e| e.field == id);
    html! {
        div class="field" {
            label for=(id) { (label) }
            input id=(id) name=(id) value=(value) placeholder=(placeholder) aria-describedby=(format!("{id}-hint"))
                aria-invalid=[invalid.then_some("true")] autocomplete="off" spellcheck="false";
            small id=(format!("{id}-hint")) class="hint" { (hint) }
        }
    }
}

pub(crate) fn area_field(
    id: &'static str,
    label: &str,
    value: &str,
    hint: &str,
    error: Option<&FieldError>,
    placeholder: &str,
) -> Markup {
    let invalid = error.is_some_and(|e| e.field == id);
    html! {
        div class="field" {
            label for=(id) { (label) }
            textarea id=(id) name=(id) rows="3" placeholder=(placeholder) aria-describedby=(format!("{id}-hint"))
                aria-invalid=[invalid.then_some("true")] spellcheck="false" { (value) }
            small id=(format!("{id}-hint")) class="hint" { (hint) }
        }
    }
}

/// What the form offers about spaces: the spaces a new key can be made in
/// (those the root key sees), and the roles of the space shown first.
pub(super) struct SpaceChoices {
    spaces: std::sync::Arc<Vec<SpaceSummary>>,
    /// The space whose roles the hint names, and those roles.
    roles_of: Option<(SpaceId, Vec<RoleName>)>,
}

impl SpaceChoices {
    /// The choices for a form whose space is `space` as typed (else the
    /// console's current space, else `default`). A store failure is a page.
    async fn load(state: &AppState, console: &Console, space: &str) -> Result<Self, Response> {
        let spaces = console.spaces(state).await.map_err(fail)?;
        let shown = non_empty(space)
            .and_then(|s| s.parse::<SpaceId>().ok())
            .or_else(|| console.space().cloned())
            .unwrap_or_default();
        let roles_of = if spaces.iter().any(|s| s.space.id == shown) {
            let roles = state.store().list_roles(&shown).await.map_err(fail)?;
            Some((shown, roles.into_iter().map(|r| r.name).collect()))
        } else {
            None
        };
        Ok(Self { spaces, roles_of })
    }
}

/// The hint under the roles field: which roles the space has.
fn roles_hint(choices: &SpaceChoices) -> String {
    match &choices.roles_of {
        Some((space, roles)) if roles.is_empty() => {
            format!("Role names, separated by commas. The space {space} has no roles yet.")
        }
        Some((space, roles)) => format!(
            "Role names, separated by commas. Roles of {space}: {}.",
            roles
                .iter()
                .map(RoleName::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => "Role names of the key's space, separated by commas.".to_owned(),
    }
}

/// The space select of the create form.
fn space_select(v: &KeyForm, choices: &SpaceChoices, error: Option<&FieldError>) -> Markup {
    let invalid = error.is_some_and(|e| e.field == "space");
    let chosen = choices.roles_of.as_ref().map(|(s, _)| s.as_str());
    // A space typed that is none of these (a form sent again) stays shown,
    // so the refusal next to it makes sense.
    let typed = non_empty(&v.space).filter(|t| {
        Some(*t) != chosen && !choices.spaces.iter().any(|s| s.space.id.as_str() == *t)
    });
    html! {
        div class="field" {
            label for="space" { "Space" }
            select id="space" name="space" aria-describedby="space-hint" aria-invalid=[invalid.then_some("true")] {
                @for s in choices.spaces.iter() {
                    option value=(s.space.id.as_str()) selected[Some(s.space.id.as_str()) == chosen] { (space_label(&s.space)) }
                }
                @if let Some(typed) = typed {
                    option value=(typed) selected { (typed) }
                }
            }
            small id="space-hint" class="hint" { "The key gets the space's prefix and defaults, and can hold its roles. It never moves." }
        }
    }
}

/// The create or edit form. `editing` is the key being edited.
pub(super) fn key_form(
    state: &AppState,
    console: &Console,
    v: &KeyForm,
    choices: &SpaceChoices,
    error: Option<&FieldError>,
    editing: Option<&KeyRecord>,
) -> Markup {
    let action = editing.map_or_else(
        || "/ui/keys".to_owned(),
        |k| format!("/ui/keys/{}/edit", k.id),
    );
    let rate_invalid = error.is_some_and(|e| e.field == "rate_limit");
    let has_master = state.master_key().is_some();
    html! {
        (form_error(error.map(|e| e.message.as_str())))
        form method="post" action=(action) class="card form-grid" novalidate {
            (csrf_field(console))
            fieldset {
                legend { "Identity" }
                @if let Some(k) = editing {
                    div class="field" {
                        span class="label" { "Environment" }
                        div { (env_badge(k.environment.as_str())) " " span class="muted small" { "fixed: it is part of the key" } }
                    }
                } @else {
                    (text_field("environment", "Environment", &v.environment, "Lowercase, like live or test. Part of the key itself.", error, "live"))
                }
                @if let Some(k) = editing {
                    div class="field" {
                        span class="label" { "Space" }
                        div { span class="mono" { (k.space.as_str()) } " " span class="muted small" { "fixed: a key never moves" } }
                    }
                } @else {
                    (space_select(v, choices, error))
                }
                (text_field("owner", "Owner", &v.owner, "Who the key belongs to: a customer, a team, a service.", error, "acme"))
                (text_field("name", "Name", &v.name, "For people: what the key is for.", error, "billing backend"))
            }
            fieldset {
                legend { "Permissions" }
                (area_field("scopes", "Scopes", &v.scopes, "resource:action, separated by commas or new lines; orders:* covers every action on orders.", error, "orders:read, orders:write"))
                (text_field("roles", "Roles", &v.roles, &roles_hint(choices), error, "editor"))
                (area_field("ip_allowlist", "IP allowlist", &v.ip_allowlist, "CIDRs or addresses, one per line. Empty: any address.", error, "10.0.0.0/8"))
            }
            fieldset {
                legend { "Lifetime and limits" }
                (text_field("expires", "Expires", &v.expires, "A lifetime (90d, 12h), a date (2027-01-31) or an RFC 3339 time. Empty: never.", error, "90d"))
                div class="field" {
                    span class="label" id="rate-label" { "Rate limit" }
                    div class="inline-fields" role="group" aria-labelledby="rate-label" {
                        input id="rate_limit" name="rate_limit" inputmode="numeric" value=(v.rate_limit) aria-label="Requests per window"
                            placeholder="100" aria-invalid=[rate_invalid.then_some("true")];
                        span { "requests per" }
                        input id="rate_window" name="rate_window" inputmode="numeric" value=(v.rate_window) aria-label="Window in seconds"
                            placeholder="60" aria-invalid=[rate_invalid.then_some("true")];
                        span { "seconds" }
                    }
                    small class="hint" { "Per node. Leave both empty for no limit." }
                }
                (text_field("usage_limit", "Usage limit", &v.usage_limit, if editing.is_some() { "Total verifications allowed. Changing it resets the uses left." } else { "Total verifications allowed. Empty: unlimited." }, error, "10000"))
            }
            fieldset {
                legend { "Extras" }
                (area_field("metadata", "Metadata", &v.metadata, "A JSON object, returned by every verification.", error, "{\"plan\": \"pro\"}"))
                @if editing.is_none() {
                    div class="field check" {
                        input id="recoverable" name="recoverable" type="checkbox" checked[v.recoverable.is_some()] disabled[!has_master]
                            aria-describedby="recoverable-hint";
                        label for="recoverable" { "Recoverable" }
                        small id="recoverable-hint" class="hint" {
                            @if has_master { "Also keep the key encrypted under the master key, so it can be read back (audited)." }
                            @else { "Needs a master key (KEYWARDEN_MASTER_KEY) on the server." }
                        }
                    }
                    (share_checkbox())
                }
            }
            div class="form-actions" {
                @if let Some(k) = editing {
                    a class="btn btn-ghost" href=(format!("/ui/keys/{}", k.id)) { "Cancel" }
                    button class="btn btn-primary" type="submit" { "Save changes" }
                } @else {
                    a class="btn btn-ghost" href="/ui/keys" { "Cancel" }
                    button class="btn btn-primary" type="submit" { "Create key" }
                }
            }
        }
    }
}

/// `GET /ui/keys/new`.
pub(crate) async fn new_form(State(state): State<AppState>, console: Console) -> PageResult {
    permit::<CreateKey>(&state, &console, None).await?;
    let defaults = KeyForm {
        environment: "live".to_owned(),
        ..KeyForm::default()
    };
    new_page(&state, &console, &defaults, None, StatusCode::OK).await
}

pub(super) async fn new_page(
    state: &AppState,
    console: &Console,
    v: &KeyForm,
    error: Option<&FieldError>,
    status: StatusCode,
) -> PageResult {
    let choices = SpaceChoices::load(state, console, &v.space).await?;
    let body = html! {
        div class="page-head" { div {
            h1 { "Create key" }
            p class="muted" { "The key is shown once, on the next page. keywarden keeps only a digest." }
        } }
        (key_form(state, console, v, &choices, error, None))
    };
    let mut res = page(state, console, "Create key", Nav::Create, body).await;
    *res.status_mut() = status;
    Ok(res)
}

/// `POST /ui/keys`.
pub(crate) async fn create(
    State(state): State<AppState>,
    console: Console,
    UiForm(f): UiForm<KeyForm>,
) -> PageResult {
    permit::<CreateKey>(&state, &console, None).await?;
    let req = match f.to_create() {
        Ok(r) => r,
        Err(e) => {
            return new_page(
                &state,
                &console,
                &f,
                Some(&e),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let proof = authorize(&state, &console, CreateKey { key: req }).await?;
    match keys::create(&state, proof).await {
        Ok(created) => {
            let id = created.record.id.to_string();
            console.sessions.hold_reveal(
                &console.session,
                Reveal::new(id.clone(), created.key, None, state.now())
                    .with_share(created.share_url),
            );
            Ok(see_other(&format!("/ui/keys/{id}/created")))
        }
        Err(err) if is_input_error(&err) => {
            let e = field_err(form_field(&err), err.message);
            new_page(
                &state,
                &console,
                &f,
                Some(&e),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(err) => Err(fail(err)),
    }
}

pub(super) async fn edit_page(
    state: &AppState,
    console: &Console,
    k: &KeyRecord,
    v: &KeyForm,
    error: Option<&FieldError>,
    status: StatusCode,
) -> PageResult {
    let choices = SpaceChoices::load(state, console, k.space.as_str()).await?;
    let body = html! {
        nav class="crumbs" aria-label="Breadcrumb" {
            a href="/ui/keys" { "Keys" } " / " a href=(format!("/ui/keys/{}", k.id)) { (k.id.as_str()) } " / " span { "Edit" }
        }
        div class="page-head" { div {
            h1 { "Edit " span class="mono" { (k.hint) } }
            p class="muted" { "Only the fields you change are saved. The key itself stays the same." }
        } }
        (key_form(state, console, v, &choices, error, Some(k)))
    };
    let mut res = page(state, console, "Edit key", Nav::Keys, body).await;
    *res.status_mut() = status;
    Ok(res)
}

/// `GET /ui/keys/{id}/edit`.
pub(crate) async fn edit_form(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
) -> PageResult {
    let (_, _, k) = permitted_key::<UpdateKey>(&state, &console, &id).await?;
    edit_page(
        &state,
        &console,
        &k,
        &KeyForm::from_record(&k),
        None,
        StatusCode::OK,
    )
    .await
}

/// `POST /ui/keys/{id}/edit`.
pub(crate) async fn edit(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    UiForm(f): UiForm<KeyForm>,
) -> PageResult {
    let (_, key_id, k) = permitted_key::<UpdateKey>(&state, &console, &id).await?;
    let patch = match f.to_patch(&k) {
        Ok(p) => p,
        Err(e) => {
            return edit_page(
                &state,
                &console,
                &k,
                &f,
                Some(&e),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let command = UpdateKey { id, changes: patch };
    let proof = authorize(&state, &console, command).await?;
    match keys::update(&state, proof).await {
        Ok(_) => {
            console.notice(&state, "Changes saved.").await;
            Ok(see_other(&format!("/ui/keys/{key_id}")))
        }
        Err(err) if matches!(err.kind, KeyErrorKind::Empty) => {
            console.notice(&state, "Nothing changed.").await;
            Ok(see_other(&format!("/ui/keys/{key_id}")))
        }
        Err(err) if is_input_error(&err) => {
            let e = field_err(form_field(&err), err.message);
            edit_page(
                &state,
                &console,
                &k,
                &f,
                Some(&e),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(err) => Err(fail(err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_inputs() {
        assert_eq!(parse_expires("").ok(), Some((None, None)));
        assert_eq!(
            parse_expires(" 90d ").ok(),
            Some((None, Some("90d".to_owned())))
        );
        assert_eq!(
            parse_expires("2027-01-31").ok(),
            Some((Some("2027-01-31T00:00:00Z".to_owned()), None))
        );
        assert_eq!(
            parse_expires("2027-01-31T12:30").ok(),
            Some((Some("2027-01-31T12:30:00Z".to_owned()), None))
        );
        assert_eq!(
            parse_expires("2027-01-31T12:30:00+01:00").ok(),
            Some((Some("2027-01-31T12:30:00+01:00".to_owned()), None))
        );
        let err = parse_expires("next tuesday").err().unwrap();
        assert_eq!(err.field, "expires");
        assert!(!err.message.contains("tuesday"), "never echoes input");
    }

    #[test]
    fn lists_split_on_commas_and_space() {
        assert_eq!(
            split_list("orders:read, orders:write\nusers:read"),
            vec!["orders:read", "orders:write", "users:read"]
        );
        assert!(split_list("  ").is_empty());
    }

    #[test]
    fn bad_fields_name_the_rule_not_the_value() {
        let f = KeyForm {
            environment: "kw_live_secretlookingthing".to_owned(),
            ..KeyForm::default()
        };
        let e = f.to_create().err().unwrap();
        assert_eq!(e.field, "environment");
        assert!(!e.message.contains("secretlooking"));
        let f = KeyForm {
            environment: "live".to_owned(),
            rate_limit: "10".to_owned(),
            ..KeyForm::default()
        };
        assert_eq!(f.to_create().err().unwrap().field, "rate_limit");
        let f = KeyForm {
            environment: "live".to_owned(),
            metadata: "[1]".to_owned(),
            ..KeyForm::default()
        };
        assert_eq!(f.to_create().err().unwrap().field, "metadata");
        let f = KeyForm {
            environment: "live".to_owned(),
            space: "Pay_ments".to_owned(),
            ..KeyForm::default()
        };
        assert_eq!(f.to_create().err().unwrap().field, "space");
        let f = KeyForm {
            environment: "live".to_owned(),
            roles: "editor, Sneaky_Role".to_owned(),
            ..KeyForm::default()
        };
        let e = f.to_create().err().unwrap();
        assert_eq!(e.field, "roles");
        assert!(!e.message.contains("Sneaky"));
        let f = KeyForm {
            environment: "live".to_owned(),
            space: "payments".to_owned(),
            roles: "editor viewer".to_owned(),
            ..KeyForm::default()
        };
        let k = f.to_create().ok().unwrap();
        assert_eq!(k.space.as_ref().map(SpaceId::as_str), Some("payments"));
        assert_eq!(
            k.roles.iter().map(RoleName::as_str).collect::<Vec<_>>(),
            ["editor", "viewer"]
        );
        let f = KeyForm {
            environment: "live".to_owned(),
            ..KeyForm::default()
        };
        assert!(f.to_create().ok().unwrap().space.is_none(), "default");
    }
}
