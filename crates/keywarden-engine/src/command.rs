//! Every management operation as a typed command, with the one permission
//! it needs and the audit action it is recorded as. This table is the
//! whole permission model of the management API and the console: an
//! adapter builds a command from its request, [`crate::authz::authorize`]
//! checks it, and the operation takes the proof.
//!
//! Commands carry the request as it came (ids and durations as text), so a
//! refusal is decided, and audited, before any of it is parsed: a caller
//! without the permission learns nothing from a 422. The operations parse
//! it (`keys::parse_id`, defaults, the share link) in one place.
//!
//! Reads whose work is a query (lists, a key's page, usage) carry only
//! their target: the proof they get is what writes their audit entry
//! ([`crate::authz::Authorized::draft`]).

use keywarden_core::{key::Environment, names::Owner, names::Scope, spaces::SpaceId};
use keywarden_proto::{
    keys::ShareRequest,
    portal::{CreatePortalSessionRequest, PortalGrant},
    spaces::{CreateSpaceRequest, PatchSpaceRequest},
};
use keywarden_store::{AuditAction, Permission};

use crate::{
    authz::Command,
    keys::input::{CreditsInput, KeyChanges, NewKey, RateLimitInput},
};

/// Declares commands: `Type: permission => audit action`, and how a
/// command names its target (`|c| …`), if it has one.
macro_rules! commands {
    ($($name:ident: $permission:ident => $action:ident $(, |$c:ident| $target:expr)?;)*) => {
        $(impl Command for $name {
            const PERMISSION: Permission = Permission::$permission;
            const ACTION: AuditAction = AuditAction::$action;
            $(fn target(&self) -> Option<String> {
                let $c = self;
                Some($target)
            })?
            fn space(&self) -> Option<&str> {
                Spaced::space(self)
            }
            fn environment(&self) -> Option<&str> {
                Spaced::environment(self)
            }
            const EVERY_SPACE: bool = <$name as Spaced>::EVERY_SPACE;
            const PORTAL: Option<PortalGrant> = <$name as Spaced>::PORTAL;
            fn also_needs(&self) -> Vec<Permission> {
                Spaced::also_needs(self)
            }
        })*

        /// Every command: its name, permission and audit action (the
        /// documentation's table is held to it).
        pub const ALL: &[(&str, Permission, AuditAction)] = &[
            $((stringify!($name), Permission::$permission, AuditAction::$action),)*
        ];
    };
}

/// Where a command acts, as far as spaces go: the space it names to
/// create in (an actor that does not hold it is refused 403), and whether
/// it acts on every space at once (only a root key not scoped to spaces
/// may run it). Most commands name none; what they act on is found first
/// and is 404 when the actor does not see its space.
///
/// It also says who else may run a command: the portal grant that lets a
/// customer's portal session run it (none: no portal session may), and
/// the permissions it needs besides its own (those of the grants a portal
/// link hands out).
trait Spaced {
    const EVERY_SPACE: bool = false;
    const PORTAL: Option<PortalGrant> = None;
    fn space(&self) -> Option<&str> {
        None
    }
    fn environment(&self) -> Option<&str> {
        None
    }
    fn also_needs(&self) -> Vec<Permission> {
        Vec::new()
    }
}

/// The vault's commands name the environment whose secrets they touch: a
/// root key limited to environments is refused (403) outside them.
macro_rules! in_environment {
    ($($name:ident),*) => {$(
        impl Spaced for $name {
            fn environment(&self) -> Option<&str> {
                Some(&self.target.environment)
            }
        }
    )*};
}
in_environment!(
    ListSecrets,
    ReadSecret,
    PutSecret,
    DeleteSecret,
    ReadSecretHistory,
    RollbackSecret
);
impl Spaced for ScanVault {}

impl Spaced for CreateKey {
    const PORTAL: Option<PortalGrant> = Some(PortalGrant::KeysCreate);
    fn space(&self) -> Option<&str> {
        Some(
            self.key
                .space
                .as_ref()
                .map_or(keywarden_core::spaces::DEFAULT_SPACE, |s| s.as_str()),
        )
    }
}

impl Spaced for CreateSpace {
    fn space(&self) -> Option<&str> {
        Some(self.request.id.as_str())
    }
}

impl Spaced for SetOwnerLimits {
    const EVERY_SPACE: bool = true;
}

impl Spaced for DeleteOwnerLimits {
    const EVERY_SPACE: bool = true;
}

impl Spaced for ListKeys {
    const PORTAL: Option<PortalGrant> = Some(PortalGrant::KeysRead);
}
/// An import is answered with what was already there (by `external_id`,
/// text or hash, unique across spaces): only a root key that sees every
/// space may ask, or it would learn of other spaces' keys.
impl Spaced for ImportKeys {
    const EVERY_SPACE: bool = true;
}
impl Spaced for ReadKey {
    const PORTAL: Option<PortalGrant> = Some(PortalGrant::KeysRead);
}
impl Spaced for ReadKeyUsage {
    const PORTAL: Option<PortalGrant> = Some(PortalGrant::UsageRead);
}
impl Spaced for UpdateKey {}
impl Spaced for RollKey {
    const PORTAL: Option<PortalGrant> = Some(PortalGrant::KeysRoll);
}
impl Spaced for RevokeKey {
    const PORTAL: Option<PortalGrant> = Some(PortalGrant::KeysRevoke);
}
impl Spaced for DisableKey {}
impl Spaced for EnableKey {}
impl Spaced for RevokeKeys {}
impl Spaced for RevealKey {}
impl Spaced for ReadOwner {}
impl Spaced for ReadAudit {}
impl Spaced for VerifyAudit {}
impl Spaced for ReadAuditCheckpoint {}
impl Spaced for ReadEvents {}
impl Spaced for RedeliverEvent {}
impl Spaced for VerifyKeys {}
impl Spaced for ListSpaces {}
impl Spaced for ReadSpace {}
impl Spaced for UpdateSpace {}
impl Spaced for DeleteSpace {}
impl Spaced for SetRole {}
impl Spaced for ListRoles {}
impl Spaced for DeleteRole {}
impl Spaced for ApproveKey {}
impl Spaced for DeclineKey {}
impl Spaced for IssuePortalLink {
    fn space(&self) -> Option<&str> {
        Some(
            self.request
                .space
                .as_deref()
                .unwrap_or(keywarden_core::spaces::DEFAULT_SPACE),
        )
    }
    fn also_needs(&self) -> Vec<Permission> {
        let mut needs: Vec<Permission> = self
            .request
            .grants
            .iter()
            .map(|g| crate::portal::actor::grant_permission(*g))
            .collect();
        needs.sort();
        needs.dedup();
        needs
    }
}

commands! {
    CreateKey: KeysWrite => KeyCreate;
    ListKeys: KeysRead => KeyList;
    ReadKey: KeysRead => KeyRead, |c| c.id.clone();
    ReadKeyUsage: KeysRead => KeyUsage, |c| c.id.clone();
    UpdateKey: KeysWrite => KeyUpdate, |c| c.id.clone();
    RollKey: KeysWrite => KeyRoll, |c| c.id.clone();
    RevokeKey: KeysRevoke => KeyRevoke, |c| c.id.clone();
    DisableKey: KeysRevoke => KeyDisable, |c| c.id.clone();
    EnableKey: KeysWrite => KeyEnable, |c| c.id.clone();
    RevokeKeys: KeysRevoke => KeyBulkRevoke,
        |c| crate::keys::input::bulk_target(c.owner.as_ref(), c.environment.as_ref());
    RevealKey: KeysReveal => KeyReveal, |c| c.id.clone();
    ReadOwner: KeysRead => OwnerRead, |c| format!("owner:{}", c.owner);
    SetOwnerLimits: KeysWrite => OwnerLimitsSet, |c| format!("owner:{}", c.owner);
    DeleteOwnerLimits: KeysWrite => OwnerLimitsDelete, |c| format!("owner:{}", c.owner);
    ReadAudit: AuditRead => AuditRead;
    VerifyAudit: AuditRead => AuditVerify;
    ReadAuditCheckpoint: AuditRead => AuditCheckpointRead;
    ReadEvents: KeysRead => EventRead;
    RedeliverEvent: KeysWrite => EventRedeliver;
    VerifyKeys: KeysVerify => KeyVerify;
    ImportKeys: KeysWrite => KeyImport;
    CreateSpace: SpacesWrite => SpaceCreate, |c| format!("space:{}", c.request.id);
    ListSpaces: KeysRead => SpaceList;
    ReadSpace: KeysRead => SpaceRead, |c| format!("space:{}", c.id);
    UpdateSpace: SpacesWrite => SpaceUpdate, |c| format!("space:{}", c.id);
    DeleteSpace: SpacesWrite => SpaceDelete, |c| format!("space:{}", c.id);
    SetRole: SpacesWrite => RoleSet, |c| format!("space:{}", c.space);
    ListRoles: KeysRead => RoleList, |c| format!("space:{}", c.space);
    DeleteRole: SpacesWrite => RoleDelete, |c| format!("space:{}", c.space);
    ApproveKey: KeysWrite => KeyApprove, |c| c.id.clone();
    DeclineKey: KeysRevoke => KeyDecline, |c| c.id.clone();
    IssuePortalLink: PortalIssue => PortalIssue, |c| format!("owner:{}", c.request.owner);
    ListSecrets: SecretsRead => SecretList, |c| c.target.label();
    ReadSecret: SecretsRead => SecretRead, |c| c.target.label();
    PutSecret: SecretsWrite => SecretWrite, |c| c.target.label();
    DeleteSecret: SecretsWrite => SecretDelete, |c| c.target.label();
    ReadSecretHistory: SecretsRead => SecretHistory, |c| c.target.label();
    RollbackSecret: SecretsWrite => SecretRollback, |c| c.target.label();
    ScanVault: SecretsRead => SecretScan;
}

/// Create a key.
#[derive(Debug)]
pub struct CreateKey {
    /// What it should be.
    pub key: NewKey,
}

/// List keys.
#[derive(Debug)]
pub struct ListKeys;

/// Read a key (its page in the console).
#[derive(Debug)]
pub struct ReadKey {
    /// Its id, as the request gave it.
    pub id: String,
}

/// Read a key's verifications over time.
#[derive(Debug)]
pub struct ReadKeyUsage {
    /// Its id, as the request gave it.
    pub id: String,
}

/// Change a key's settings.
#[derive(Debug)]
pub struct UpdateKey {
    /// Its id, as the request gave it.
    pub id: String,
    /// The changes.
    pub changes: KeyChanges,
}

/// Roll a key: a new key with its settings; the old one works for a grace
/// period.
#[derive(Debug)]
pub struct RollKey {
    /// Its id, as the request gave it.
    pub id: String,
    /// How long the old key keeps working (`24h`; the node's default when
    /// absent).
    pub grace_period: Option<String>,
    /// Also make a one-time share link for the new key.
    pub share: Option<ShareRequest>,
}

/// Revoke a key now.
#[derive(Debug)]
pub struct RevokeKey {
    /// Its id, as the request gave it.
    pub id: String,
    /// Why (default `manual`).
    pub reason: Option<String>,
}

/// Disable a key until it is enabled again.
#[derive(Debug)]
pub struct DisableKey {
    /// Its id, as the request gave it.
    pub id: String,
}

/// Enable a disabled key.
#[derive(Debug)]
pub struct EnableKey {
    /// Its id, as the request gave it.
    pub id: String,
}

/// Emergency: revoke every key of an owner, environment and/or space
/// (of the spaces the actor sees).
#[derive(Debug)]
pub struct RevokeKeys {
    /// Only this owner's keys.
    pub owner: Option<Owner>,
    /// Only this environment's keys.
    pub environment: Option<Environment>,
    /// Only this space's keys.
    pub space: Option<SpaceId>,
    /// Why (default `emergency`).
    pub reason: Option<String>,
}

/// Read back a recoverable key's secret.
#[derive(Debug)]
pub struct RevealKey {
    /// Its id, as the request gave it.
    pub id: String,
}

/// Read an owner: its shared limits and keys.
#[derive(Debug)]
pub struct ReadOwner {
    /// The owner, as the request gave it.
    pub owner: String,
}

/// Set the limits every key of an owner shares.
#[derive(Debug)]
pub struct SetOwnerLimits {
    /// The owner, as the request gave it.
    pub owner: String,
    /// A rate limit shared by the owner's keys.
    pub rate_limit: Option<RateLimitInput>,
    /// Credits shared by the owner's keys.
    pub credits: Option<CreditsInput>,
}

/// Remove an owner's shared limits.
#[derive(Debug)]
pub struct DeleteOwnerLimits {
    /// The owner, as the request gave it.
    pub owner: String,
}

/// Read the audit log.
#[derive(Debug)]
pub struct ReadAudit;

/// Check the audit log's hash chain.
#[derive(Debug)]
pub struct VerifyAudit;

/// Read a signed checkpoint of the audit log's head.
#[derive(Debug)]
pub struct ReadAuditCheckpoint;

/// Read the notable events.
#[derive(Debug)]
pub struct ReadEvents;

/// Deliver an event to the webhook again.
#[derive(Debug)]
pub struct RedeliverEvent {
    /// The event's id, as the request gave it.
    pub id: String,
}

/// Verify keys for an API (`POST /v1/verify`, `/v1/leaks/check`,
/// TruffleHog's verifier): a root key's permission, then the verification
/// every key presented to forward-auth gets.
#[derive(Debug)]
pub struct VerifyKeys;

/// Import keys made by another system (each row as it came: rows are
/// read one by one, so one that cannot be read is reported, not fatal).
#[derive(Debug)]
pub struct ImportKeys {
    /// The rows.
    pub rows: Vec<serde_json::Value>,
}

/// Create a key space.
#[derive(Debug)]
pub struct CreateSpace {
    /// The space asked for.
    pub request: CreateSpaceRequest,
}

/// List the key spaces (those the actor sees).
#[derive(Debug)]
pub struct ListSpaces;

/// Read a key space.
#[derive(Debug)]
pub struct ReadSpace {
    /// Its id, as the request gave it.
    pub id: String,
}

/// Change a key space.
#[derive(Debug)]
pub struct UpdateSpace {
    /// Its id, as the request gave it.
    pub id: String,
    /// The changes.
    pub changes: PatchSpaceRequest,
}

/// Delete a key space (it holds no key that is not revoked).
#[derive(Debug)]
pub struct DeleteSpace {
    /// Its id, as the request gave it.
    pub id: String,
}

/// Set a role's permissions (creating it).
#[derive(Debug)]
pub struct SetRole {
    /// Its space, as the request gave it.
    pub space: String,
    /// Its name, as the request gave it.
    pub name: String,
    /// What it grants.
    pub permissions: Vec<Scope>,
}

/// List a space's roles.
#[derive(Debug)]
pub struct ListRoles {
    /// The space, as the request gave it.
    pub space: String,
}

/// Delete a role.
#[derive(Debug)]
pub struct DeleteRole {
    /// Its space, as the request gave it.
    pub space: String,
    /// Its name, as the request gave it.
    pub name: String,
}

/// Approve a key made in the customer portal: it works from now on.
#[derive(Debug)]
pub struct ApproveKey {
    /// Its id, as the request gave it.
    pub id: String,
}

/// Decline a key made in the customer portal: it is revoked.
#[derive(Debug)]
pub struct DeclineKey {
    /// Its id, as the request gave it.
    pub id: String,
}

/// Mint a one-time customer portal link.
#[derive(Debug)]
pub struct IssuePortalLink {
    /// The link asked for.
    pub request: CreatePortalSessionRequest,
}

#[cfg(test)]
mod tests {
    /// `docs/security.md` lists every command with its permission and
    /// audit action, as declared here.
    #[test]
    fn the_documentation_lists_every_command() {
        let doc = include_str!("../../../docs/security.md");
        for (name, permission, action) in super::ALL {
            let row = format!(
                "| `{name}` | `{}` | `{}` |",
                permission.as_str(),
                action.as_str()
            );
            assert!(doc.contains(&row), "docs/security.md lacks the row {row}");
        }
    }
}

/// Where a vault command acts, as the request named it (text: parsed by
/// the vault service, after authorization).
#[derive(Debug, Clone)]
pub struct SecretTarget {
    /// The space (`None`: `default`).
    pub space: Option<String>,
    /// The environment.
    pub environment: String,
    /// The secret's name (`None`: the whole environment).
    pub name: Option<String>,
}

impl SecretTarget {
    /// How the audit log names it: `secret:<space>/<env>[/<name>]`.
    pub fn label(&self) -> String {
        let space = self
            .space
            .as_deref()
            .unwrap_or(keywarden_core::spaces::DEFAULT_SPACE);
        match &self.name {
            Some(name) => format!("secret:{space}/{}/{name}", self.environment),
            None => format!("secret:{space}/{}", self.environment),
        }
    }
}

/// List an environment's secrets (`values`: with every value).
#[derive(Debug)]
pub struct ListSecrets {
    /// The environment.
    pub target: SecretTarget,
    /// Whether the values are read too.
    pub values: bool,
}

/// Read a secret's value.
#[derive(Debug)]
pub struct ReadSecret {
    /// The secret.
    pub target: SecretTarget,
}

/// Write a new version of a secret.
#[derive(Debug)]
pub struct PutSecret {
    /// The secret.
    pub target: SecretTarget,
    /// The value and metadata.
    pub request: keywarden_proto::secrets::PutSecretRequest,
}

/// Delete a secret and its versions.
#[derive(Debug)]
pub struct DeleteSecret {
    /// The secret.
    pub target: SecretTarget,
}

/// List a secret's kept versions.
#[derive(Debug)]
pub struct ReadSecretHistory {
    /// The secret.
    pub target: SecretTarget,
}

/// Write a new version equal to a kept one.
#[derive(Debug)]
pub struct RollbackSecret {
    /// The secret.
    pub target: SecretTarget,
    /// The kept version.
    pub to: i64,
}

/// Hand a scanner keyed digests of the vault's values.
#[derive(Debug)]
pub struct ScanVault {
    /// Which space and environments.
    pub request: keywarden_proto::secrets::VaultScanRequest,
}
