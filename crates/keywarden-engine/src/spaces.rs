//! Key spaces and roles: every change takes its proof
//! ([`crate::authz::Authorized`]), is validated here, and is written with
//! its audit entry in one store transaction. A space the actor does not see
//! is not found (404), as its keys are.
//!
//! A change to roles changes the effective permissions of every key that
//! holds them: this node drops its cached key records at once, and on
//! PostgreSQL the same transaction tells every other node to (the
//! invalidation a revocation uses).

use keywarden_core::{
    clock::parse_duration,
    spaces::{RoleName, SpaceId},
};
use keywarden_proto::spaces::{PortalPolicyBody, SpaceCreditsBody, SpaceDefaultsBody};
use keywarden_store::{
    PortalPolicy, RoleRecord, SpaceCredits, SpaceDefaults, SpaceRecord, SpaceSummary, StoreError,
};

use crate::{
    authz::{Actor, Authorized},
    command::{
        CreateSpace, DeleteRole, DeleteSpace, ListRoles, ListSpaces, ReadSpace, SetRole,
        UpdateSpace,
    },
    keys::{KeyError, KeyErrorKind, KeyField},
    node::Node,
};

/// Most environments a space's policy lists.
pub const MAX_SPACE_ENVIRONMENTS: usize = 20;

fn not_found() -> KeyError {
    KeyError {
        field: Some(KeyField::Space),
        kind: KeyErrorKind::Missing("space"),
        message: "space not found".to_owned(),
    }
}

/// A space id from the path: one that cannot be is simply not found.
fn parse_space(id: &str) -> Result<SpaceId, KeyError> {
    id.parse().map_err(|_| not_found())
}

/// The space `id` as `actor` sees it.
async fn visible(state: &Node, actor: &Actor, id: &str) -> Result<SpaceRecord, KeyError> {
    let id = parse_space(id)?;
    state
        .store()
        .get_space(&id)
        .await?
        .filter(|s| actor.sees(&s.id))
        .ok_or_else(not_found)
}

fn conflict(code: &'static str, message: impl Into<String>) -> KeyError {
    KeyError {
        field: Some(KeyField::Space),
        kind: KeyErrorKind::Conflict(code),
        message: message.into(),
    }
}

fn invalid(message: impl Into<String>) -> KeyError {
    KeyError::new(KeyField::Space, KeyErrorKind::Invalid, message)
}

/// A space's defaults, checked, as the store keeps them.
pub fn defaults(body: Option<&SpaceDefaultsBody>) -> Result<SpaceDefaults, KeyError> {
    let Some(body) = body else {
        return Ok(SpaceDefaults::default());
    };
    if body.environments.len() > MAX_SPACE_ENVIRONMENTS {
        return Err(invalid(format!(
            "defaults.environments: at most {MAX_SPACE_ENVIRONMENTS}"
        )));
    }
    if body.environments.iter().any(|e| e.is_root()) {
        return Err(invalid(
            "defaults.environments: root is reserved for root keys",
        ));
    }
    let rate_limit = crate::keys::validate_rate_limit(body.rate_limit.map(Into::into))?;
    let credits = space_credits(body.credits.as_ref(), "defaults.credits")?;
    let max_lifetime_ms = lifetime(body.max_lifetime.as_deref(), "defaults.max_lifetime")?;
    Ok(SpaceDefaults {
        environments: body.environments.clone(),
        rate_limit,
        credits,
        max_lifetime_ms,
        portal: None,
    })
}

/// Credits a new key gets (`field` names them in errors).
fn space_credits(
    body: Option<&SpaceCreditsBody>,
    field: &str,
) -> Result<Option<SpaceCredits>, KeyError> {
    let Some(SpaceCreditsBody {
        amount,
        refill_interval,
    }) = body
    else {
        return Ok(None);
    };
    if *amount < 1 {
        return Err(invalid(format!("{field}.amount must be at least 1")));
    }
    let refill_ms = refill_interval
        .as_deref()
        .map(|i| {
            parse_duration(i)
                .filter(|ms| (crate::keys::MIN_REFILL_MS..=crate::keys::MAX_REFILL_MS).contains(ms))
                .ok_or_else(|| invalid(format!("{field}.refill_interval must be 1m to 366d")))
        })
        .transpose()?;
    Ok(Some(SpaceCredits {
        amount: *amount,
        refill_ms,
    }))
}

/// A lifetime (`field` names it in errors).
fn lifetime(text: Option<&str>, field: &str) -> Result<Option<i64>, KeyError> {
    text.map(|d| {
        parse_duration(d).ok_or_else(|| invalid(format!("{field} must be like 90d, 12h or 30m")))
    })
    .transpose()
}

/// Most live keys a space's portal policy may allow an owner.
pub const MAX_PORTAL_KEYS: u32 = 1_000;

/// A space's portal policy, checked against the space's environments
/// (`space_environments`, empty: any). `None`: no policy (the defaults of
/// [`PortalPolicy`]).
pub fn portal_policy(
    body: Option<&PortalPolicyBody>,
    space_environments: &[keywarden_core::key::Environment],
) -> Result<Option<PortalPolicy>, KeyError> {
    let Some(body) = body else {
        return Ok(None);
    };
    if body.environments.len() > MAX_SPACE_ENVIRONMENTS {
        return Err(invalid(format!(
            "portal.environments: at most {MAX_SPACE_ENVIRONMENTS}"
        )));
    }
    check_portal_environments(&body.environments, space_environments)?;
    if body
        .max_keys_per_owner
        .is_some_and(|n| !(1..=MAX_PORTAL_KEYS).contains(&n))
    {
        return Err(invalid(format!(
            "portal.max_keys_per_owner must be 1 to {MAX_PORTAL_KEYS}"
        )));
    }
    Ok(Some(PortalPolicy {
        environments: body.environments.clone(),
        max_keys_per_owner: body.max_keys_per_owner,
        max_lifetime_ms: lifetime(body.max_lifetime.as_deref(), "portal.max_lifetime")?,
        rate_limit: crate::keys::validate_rate_limit(body.rate_limit.map(Into::into))?,
        credits: space_credits(body.credits.as_ref(), "portal.credits")?,
        require_approval: body.require_approval,
    }))
}

/// A portal policy's environments are among the space's (empty: any).
fn check_portal_environments(
    portal: &[keywarden_core::key::Environment],
    space: &[keywarden_core::key::Environment],
) -> Result<(), KeyError> {
    match portal
        .iter()
        .find(|e| e.is_root() || (!space.is_empty() && !space.contains(e)))
    {
        Some(e) => Err(invalid(format!(
            "portal.environments: {e} is not an environment the space allows"
        ))),
        None => Ok(()),
    }
}

/// A space's name: the text given (or its id), clean and at most 200
/// characters.
fn name(given: Option<String>, id: &SpaceId) -> Result<String, KeyError> {
    let name = given.unwrap_or_else(|| id.to_string());
    crate::keys::check_name_text(&name)
        .map_err(|e| KeyError::new(KeyField::Name, KeyErrorKind::Invalid, e.message))?;
    Ok(name)
}

/// Creates a space (`SPACE_EXISTS` when its id or prefix is taken).
pub async fn create(state: &Node, proof: Authorized<CreateSpace>) -> Result<SpaceRecord, KeyError> {
    let request = &proof.command().request;
    let now = state.now();
    let record = SpaceRecord {
        id: request.id.clone(),
        name: name(request.name.clone(), &request.id)?,
        key_prefix: request.key_prefix.clone(),
        defaults: {
            let mut d = defaults(request.defaults.as_ref())?;
            d.portal = portal_policy(request.portal.as_ref(), &d.environments)?;
            d
        },
        delete_protection: request.delete_protection,
        created_at: now,
        updated_at: now,
    };
    let audit = proof.draft(
        state,
        Some(&format!("space:{}", record.id)),
        serde_json::json!({
            "key_prefix": record.key_prefix.as_ref().map(|p| p.as_str()),
            "delete_protection": record.delete_protection,
        }),
    );
    state
        .store()
        .insert_space(&record, &audit)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(why) => conflict("SPACE_EXISTS", why),
            other => other.into(),
        })?;
    Ok(record)
}

/// The spaces the actor sees, with their counts; audited as one read.
pub async fn list(
    state: &Node,
    proof: Authorized<ListSpaces>,
) -> Result<Vec<SpaceSummary>, KeyError> {
    let spaces = state.store().list_spaces(proof.actor().spaces()).await?;
    state
        .store()
        .audit(&proof.draft(state, None, serde_json::json!({ "returned": spaces.len() })))
        .await?;
    Ok(spaces)
}

/// One space with its counts; audited.
pub async fn read(state: &Node, proof: Authorized<ReadSpace>) -> Result<SpaceSummary, KeyError> {
    let space = visible(state, proof.actor(), &proof.command().id).await?;
    let summary = state
        .store()
        .list_spaces(Some(std::slice::from_ref(&space.id)))
        .await?
        .into_iter()
        .next()
        .ok_or_else(not_found)?;
    state
        .store()
        .audit(&proof.draft(
            state,
            Some(&format!("space:{}", space.id)),
            serde_json::json!({}),
        ))
        .await?;
    Ok(summary)
}

/// Changes a space: its name, its prefix for keys made from now on, its
/// defaults (replaced whole), its portal policy (replaced whole, apart from
/// the defaults), its delete protection.
pub async fn update(state: &Node, proof: Authorized<UpdateSpace>) -> Result<SpaceRecord, KeyError> {
    let (actor, UpdateSpace { id, changes }) = proof.into_parts();
    let mut space = visible(state, &actor, &id).await?;
    let mut changed = Vec::new();
    if let Some(n) = changes.name {
        space.name = name(n, &space.id)?;
        changed.push("name");
    }
    if let Some(prefix) = changes.key_prefix {
        space.key_prefix = prefix;
        changed.push("key_prefix");
    }
    if let Some(d) = changes.defaults {
        let portal = space.defaults.portal.take();
        space.defaults = defaults(d.as_ref())?;
        space.defaults.portal = portal;
        changed.push("defaults");
    }
    if let Some(p) = changes.portal {
        space.defaults.portal = portal_policy(p.as_ref(), &space.defaults.environments)?;
        changed.push("portal");
    } else if let Some(p) = &space.defaults.portal {
        // A policy kept must still fit the space's environments.
        check_portal_environments(&p.environments, &space.defaults.environments)?;
    }
    if let Some(p) = changes.delete_protection {
        space.delete_protection = p.unwrap_or(false);
        changed.push("delete_protection");
    }
    if changed.is_empty() {
        return Err(KeyError::new(
            KeyField::Changes,
            KeyErrorKind::Empty,
            "the request changes nothing",
        ));
    }
    space.updated_at = state.now();
    let audit = actor.draft(
        state,
        <UpdateSpace as crate::authz::Command>::ACTION,
        Some(&format!("space:{}", space.id)),
        serde_json::json!({ "changed": changed }),
    );
    state
        .store()
        .update_space(&space, &audit)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(why) => conflict("SPACE_EXISTS", why),
            StoreError::NotFound => not_found(),
            other => other.into(),
        })?;
    Ok(space)
}

/// Deletes a space and its roles: refused while it holds a key that is
/// not revoked (`SPACE_HAS_KEYS`) or is protected (`DELETE_PROTECTED`;
/// the space `default` always is).
pub async fn delete(state: &Node, proof: Authorized<DeleteSpace>) -> Result<(), KeyError> {
    let space = visible(state, proof.actor(), &proof.command().id).await?;
    if space.id.is_default() {
        return Err(conflict(
            "DELETE_PROTECTED",
            "the space default holds every key made without a space: it cannot be deleted",
        ));
    }
    let audit = proof.draft(
        state,
        Some(&format!("space:{}", space.id)),
        serde_json::json!({}),
    );
    state
        .store()
        .delete_space(&space.id, &audit)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(code) if code == "SPACE_HAS_KEYS" => conflict(
                "SPACE_HAS_KEYS",
                "the space holds keys that are not revoked: revoke them first",
            ),
            StoreError::Conflict(code) if code == "SPACE_HAS_SECRETS" => conflict(
                "SPACE_HAS_SECRETS",
                "the space's vault holds secrets: delete them first",
            ),
            StoreError::Conflict(_) => conflict(
                "DELETE_PROTECTED",
                "the space has delete protection: turn it off first",
            ),
            StoreError::NotFound => not_found(),
            other => other.into(),
        })?;
    state.invalidate_all();
    Ok(())
}

/// Sets a role's permissions (creating it); whether it is new. Every node
/// enforces the new permissions from the commit on.
pub async fn set_role(
    state: &Node,
    proof: Authorized<SetRole>,
) -> Result<(RoleRecord, bool), KeyError> {
    let space = visible(state, proof.actor(), &proof.command().space).await?;
    let name: RoleName =
        proof
            .command()
            .name
            .parse()
            .map_err(|e: keywarden_core::names::NameError| {
                KeyError::invalid(KeyField::Roles, e.to_string())
            })?;
    let permissions = &proof.command().permissions;
    crate::keys::check_permissions(permissions)?;
    let audit = proof.draft(
        state,
        Some(&format!("space:{}", space.id)),
        serde_json::json!({
            "role": name.as_str(),
            "permissions": permissions.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
        }),
    );
    let result = state
        .store()
        .put_role(&space.id, &name, permissions, state.now(), &audit)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => not_found(),
            other => other.into(),
        })?;
    state.invalidate_all();
    Ok(result)
}

/// A space's roles; audited.
pub async fn list_roles(
    state: &Node,
    proof: Authorized<ListRoles>,
) -> Result<Vec<RoleRecord>, KeyError> {
    let space = visible(state, proof.actor(), &proof.command().space).await?;
    let roles = state.store().list_roles(&space.id).await?;
    state
        .store()
        .audit(&proof.draft(
            state,
            Some(&format!("space:{}", space.id)),
            serde_json::json!({ "returned": roles.len() }),
        ))
        .await?;
    Ok(roles)
}

/// Deletes a role (keys holding it lose its name and what it
/// granted, on every node at once).
pub async fn delete_role(state: &Node, proof: Authorized<DeleteRole>) -> Result<(), KeyError> {
    let space = visible(state, proof.actor(), &proof.command().space).await?;
    let role_missing = || KeyError {
        field: Some(KeyField::Roles),
        kind: KeyErrorKind::Missing("role"),
        message: "role not found".to_owned(),
    };
    let name: RoleName = proof.command().name.parse().map_err(|_| role_missing())?;
    let audit = proof.draft(
        state,
        Some(&format!("space:{}", space.id)),
        serde_json::json!({ "role": name.as_str() }),
    );
    if !state.store().delete_role(&space.id, &name, &audit).await? {
        return Err(role_missing());
    }
    state.invalidate_all();
    Ok(())
}
