//! A customer's portal session as an actor, and what each grant stands
//! for: what `authz` needs of the portal (no import back).

use keywarden_core::{clock::UnixMillis, names::Owner, spaces::SpaceId};
use keywarden_proto::portal::PortalGrant;
use keywarden_store::{Permission, RootKeyRecord};

/// The root permission a grant stands for: the issuing root key must hold
/// it to hand the grant out, and to keep it working.
pub(crate) fn grant_permission(grant: PortalGrant) -> Permission {
    match grant {
        PortalGrant::KeysRead | PortalGrant::UsageRead => Permission::KeysRead,
        PortalGrant::KeysCreate | PortalGrant::KeysRoll => Permission::KeysWrite,
        PortalGrant::KeysRevoke => Permission::KeysRevoke,
    }
}

/// A customer's portal session, as an actor.
#[derive(Debug, Clone)]
pub struct PortalActor {
    /// Its public id (`ps_…`), in its audit entries.
    pub id: String,
    /// The customer: it sees this owner's keys only.
    pub owner: Owner,
    /// The space it sees.
    pub space: SpaceId,
    /// What it was granted.
    pub grants: Vec<PortalGrant>,
    /// Where the portal's "back" link goes.
    pub return_url: Option<String>,
    /// When it ends.
    pub expires_at: UnixMillis,
    /// The root key that minted its link.
    pub issuer: RootKeyRecord,
}

impl PortalActor {
    /// Whether it may use `grant` now: granted, and still held by the
    /// issuing root key (not revoked, still `portal:issue`, the grant's
    /// permission, the space).
    pub fn holds(&self, grant: PortalGrant) -> bool {
        self.grants.contains(&grant)
            && self.issuer.revoked_at.is_none()
            && self.issuer.allows(Permission::PortalIssue)
            && self.issuer.allows(grant_permission(grant))
            && self.issuer.sees(&self.space)
    }
}
