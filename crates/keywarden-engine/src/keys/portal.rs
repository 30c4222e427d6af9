//! The space's portal policy, applied to a key a customer's portal session
//! makes.

use keywarden_core::clock::UnixMillis;

use super::{KeyError, KeyErrorKind, KeyField, input::NewKey};
use crate::portal::PortalActor;

/// The rules a key made by portal session `session` in `space` follows:
/// its environment (the policy's, else the space's), its lifetime, limits
/// and credits, and whether it waits for approval. Fills `new` in.
pub(crate) fn shape_new_key(
    session: &PortalActor,
    space: &keywarden_store::SpaceRecord,
    new: &mut NewKey,
    now: UnixMillis,
) -> Result<PortalRules, KeyError> {
    let policy = space.defaults.portal.clone().unwrap_or_default();
    new.owner = Some(session.owner.clone());
    new.space = Some(space.id.clone());
    let allowed = if policy.environments.is_empty() {
        &space.defaults.environments
    } else {
        &policy.environments
    };
    if !allowed.is_empty() && !allowed.contains(&new.environment) {
        return Err(KeyError::new(
            KeyField::Environment,
            KeyErrorKind::NotAllowed,
            format!(
                "keys may be made here only in {}",
                allowed
                    .iter()
                    .map(|e| e.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    if let Some(max) = policy.max_lifetime_ms {
        let asked =
            super::validate::expiry(new.expires_at.as_deref(), new.expires_in.as_deref(), now)?;
        match asked {
            None => {
                new.expires_in = Some(keywarden_core::clock::format_duration(max));
                new.expires_at = None;
            }
            Some(at) if at - now > max => {
                return Err(KeyError::new(
                    KeyField::Expires,
                    KeyErrorKind::TooLong,
                    format!(
                        "keys made here may live at most {}",
                        keywarden_core::clock::format_duration(max)
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    Ok(PortalRules {
        max_live: policy.max_keys(),
        pending: policy.require_approval,
        rate_limit: policy.rate_limit,
        credits: policy.credits,
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
}
