//! The space's portal policy, applied to a key a customer's portal session
//! makes, and what the portal offers its customers.

use keywarden_core::key::Environment;
use keywarden_store::SpaceRecord;

use super::{KeyError, input::NewKey};
use crate::{node::Node, portal::actor::PortalActor};

/// The environments a portal session may make keys in: the space's portal
/// policy's, else the space's (empty: any).
pub fn portal_environments(space: &SpaceRecord) -> &[Environment] {
    match &space.defaults.portal {
        Some(p) if !p.environments.is_empty() => &p.environments,
        _ => &space.defaults.environments,
    }
}

/// What the portal offers the customers of a space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalChoices {
    /// The environments they may make keys in, the default first (never
    /// empty: `live` and `test` when the space allows any).
    pub environments: Vec<Environment>,
    /// The longest lifetime a key of the default environment may have,
    /// every limit counted (`None`: no limit).
    pub max_lifetime_ms: Option<i64>,
    /// Whether such a key must expire.
    pub expiry_required: bool,
}

/// The choices the portal offers the customers of `space`: the
/// environments of [`portal_environments`] and, for the first of them, the
/// lifetime limit a new key meets (`keys::lifetime_limit`).
pub fn portal_choices(state: &Node, space: &SpaceRecord) -> PortalChoices {
    let mut environments = portal_environments(space).to_vec();
    if environments.is_empty() {
        environments = ["live", "test"]
            .iter()
            .filter_map(|e| e.parse().ok())
            .collect();
    }
    let portal_max = space
        .defaults
        .portal
        .as_ref()
        .and_then(|p| p.max_lifetime_ms);
    let (limit, expiry_required) = environments.first().map_or((None, false), |env| {
        super::lifetime_limit(state, space, env, portal_max)
    });
    PortalChoices {
        environments,
        max_lifetime_ms: limit.map(|(ms, _)| ms),
        expiry_required,
    }
}

/// The rules a key made by portal session `session` in `space` follows:
/// its owner and space are the session's, its environment one the portal
/// policy allows; the policy's limits, credits, lifetime and approval.
pub(crate) fn shape_new_key(
    session: &PortalActor,
    space: &SpaceRecord,
    new: &mut NewKey,
) -> Result<PortalRules, KeyError> {
    let policy = space.defaults.portal.clone().unwrap_or_default();
    new.owner = Some(session.owner.clone());
    new.space = Some(space.id.clone());
    super::check_environment_in(portal_environments(space), &new.environment, || {
        "keys may be made here only in".to_owned()
    })?;
    Ok(PortalRules {
        max_live: policy.max_keys(),
        pending: policy.require_approval,
        rate_limit: policy.rate_limit,
        credits: policy.credits,
        max_lifetime: policy.max_lifetime_ms,
    })
}

/// What the portal policy sets on a key it lets a customer make.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PortalRules {
    /// Most live keys of the owner in the space.
    pub(crate) max_live: u32,
    /// The key waits for approval.
    pub(crate) pending: bool,
    /// Its rate limit (`None`: the space's).
    pub(crate) rate_limit: Option<keywarden_store::RateLimit>,
    /// Its credits (`None`: the space's).
    pub(crate) credits: Option<keywarden_store::SpaceCredits>,
    /// Its longest lifetime, besides the space's and the environment's.
    pub(crate) max_lifetime: Option<i64>,
}
