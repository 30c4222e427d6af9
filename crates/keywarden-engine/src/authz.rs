//! One authorization point: who acts ([`Actor`]), what they ask
//! ([`Command`], one type per operation, in [`crate::command`]), and the
//! proof that they may ([`Authorized`]).
//!
//! Every management operation is a command that declares the permission it
//! needs once, as an associated constant. [`authorize`] is the only place
//! that checks a permission: it audits a refusal once and returns the
//! refusal, or returns an [`Authorized`] holding the command. The
//! operations themselves (`keys::create`, `keys::revoke`, …) take that
//! proof, not the bare command, and the proof has no public constructor:
//! an adapter (API handler, console page) that skips authorization does not
//! compile.
//!
//! The way that compiles: authorize, then run with the proof.
//!
//! ```no_run
//! # async fn f(state: keywarden_engine::Node, actor: keywarden_engine::authz::Actor) {
//! use keywarden_engine::{authz::authorize, command::RevokeKey};
//! let command = RevokeKey { id: "key_x".into(), reason: None };
//! let Ok(proof) = authorize(&state, &actor, command).await else { return };
//! let _revoked = keywarden_engine::keys::revoke(&state, proof).await;
//! # }
//! ```
//!
//! ```compile_fail
//! # async fn f(state: keywarden_engine::Node) {
//! use keywarden_engine::command::RevokeKey;
//! // A revocation without a proof: `keys::revoke` takes `Authorized<RevokeKey>`.
//! let command = RevokeKey { id: "key_x".into(), reason: None };
//! keywarden_engine::keys::revoke(&state, command).await;
//! # }
//! ```
//!
//! ```compile_fail
//! # fn f(actor: keywarden_engine::authz::Actor) {
//! use keywarden_engine::{authz::Authorized, command::RevokeKey};
//! // Nor can a proof be made by hand: its fields are private.
//! let forged = Authorized { actor, command: RevokeKey { id: "key_x".into(), reason: None } };
//! # }
//! ```
//!
//! Pages that only show what a command would do (a form, a confirmation)
//! ask [`permit`] for a [`Permit`]: the same check and audit, no command to
//! run.

use std::{marker::PhantomData, net::IpAddr, sync::Arc};

use keywarden_core::spaces::SpaceId;
use keywarden_store::{
    AuditAction, AuditDraft, AuditOutcome, Permission, RootKeyRecord, StoreError,
};

use crate::node::Node;
pub use crate::portal::actor::PortalActor;
use keywarden_proto::portal::PortalGrant;

/// Who acts: the credentials behind a management operation, and the
/// client's address. Audit entries name the actor. Cheap to clone (the
/// root key's record is shared).
#[derive(Debug, Clone)]
pub struct Actor {
    kind: ActorKind,
    ip: Option<IpAddr>,
}

/// The kinds of actor.
#[derive(Debug, Clone)]
pub enum ActorKind {
    /// A management API call authenticated by a root key.
    RootKey(Arc<RootKeyRecord>),
    /// A console session, signed in with a root key: it acts with that
    /// key's permissions, and its audit entries name that key.
    Console(Arc<RootKeyRecord>),
    /// A customer's portal session: it runs only the commands its grants
    /// name (each also held by the root key that minted its link), on the
    /// keys of one owner in one space; its audit entries name
    /// `portal:<owner>` and the session.
    Portal(Arc<PortalActor>),
}

impl Actor {
    /// A caller of the management API, by its root key.
    pub fn root_key(root: impl Into<Arc<RootKeyRecord>>, ip: Option<IpAddr>) -> Self {
        Self {
            kind: ActorKind::RootKey(root.into()),
            ip,
        }
    }

    /// A console session signed in with `root`.
    pub fn console(root: impl Into<Arc<RootKeyRecord>>, ip: Option<IpAddr>) -> Self {
        Self {
            kind: ActorKind::Console(root.into()),
            ip,
        }
    }

    /// A customer's portal session.
    pub fn portal(session: impl Into<Arc<PortalActor>>, ip: Option<IpAddr>) -> Self {
        Self {
            kind: ActorKind::Portal(session.into()),
            ip,
        }
    }

    /// What kind of actor this is.
    pub fn kind(&self) -> &ActorKind {
        &self.kind
    }

    /// The root key it acts with (a portal session: the root key that
    /// minted its link, whose permissions bound its grants).
    pub fn root(&self) -> &RootKeyRecord {
        match &self.kind {
            ActorKind::RootKey(root) | ActorKind::Console(root) => root,
            ActorKind::Portal(session) => &session.issuer,
        }
    }

    /// The portal session, when it is one.
    pub fn portal_session(&self) -> Option<&PortalActor> {
        match &self.kind {
            ActorKind::Portal(session) => Some(session),
            _ => None,
        }
    }

    /// The client's address, when it is known.
    pub fn ip(&self) -> Option<IpAddr> {
        self.ip
    }

    /// The spaces whose keys it sees and changes; `None`: every space.
    pub fn spaces(&self) -> Option<&[SpaceId]> {
        match &self.kind {
            ActorKind::Portal(session) => Some(std::slice::from_ref(&session.space)),
            _ => self.root().spaces.as_deref(),
        }
    }

    /// Whether it sees the keys (and roles) of `space`. What it does not
    /// see does not exist for it: `404`, never `403`, so that a scoped root
    /// key learns nothing of other spaces.
    pub fn sees(&self, space: &SpaceId) -> bool {
        match &self.kind {
            ActorKind::Portal(session) => &session.space == space,
            _ => self.root().sees(space),
        }
    }

    /// Whether it sees the key `record`: its space, and for a portal
    /// session its owner's keys only. What it does not see is `404`.
    pub fn sees_key(&self, record: &keywarden_store::KeyRecord) -> bool {
        self.sees(&record.space)
            && self.portal_session().is_none_or(|session| {
                record
                    .owner
                    .as_ref()
                    .is_some_and(|o| o.as_str() == session.owner.as_str())
            })
    }

    /// Whether it may run commands `C`, without auditing: for what a page
    /// offers (a button, a menu entry). Running one still goes through
    /// [`authorize`].
    pub fn may<C: Command>(&self) -> bool {
        match &self.kind {
            // The grant, and the command's own permission held by the root
            // key that minted the link (what the grant stands for).
            ActorKind::Portal(session) => {
                C::PORTAL.is_some_and(|g| session.holds(g)) && session.issuer.allows(C::PERMISSION)
            }
            _ => self.root().allows(C::PERMISSION),
        }
    }

    /// An audit entry by this actor, allowed. Operations write theirs
    /// through their proof ([`Authorized::draft`]); this is for what is no
    /// operation's (a console sign-in or sign-out, a refused CSRF token).
    pub fn draft(
        &self,
        state: &Node,
        action: AuditAction,
        target: Option<&str>,
        mut details: serde_json::Value,
    ) -> AuditDraft {
        let actor = match &self.kind {
            ActorKind::Portal(session) => {
                let id = serde_json::Value::from(session.id.as_str());
                // Every caller passes an object (`json!({…})`).
                if let serde_json::Value::Object(map) = &mut details {
                    map.insert("portal_session".to_owned(), id);
                }
                format!("portal:{}", session.owner)
            }
            _ => self.root().id.to_string(),
        };
        AuditDraft {
            actor,
            action: action.into(),
            target: target.map(crate::authn::audit_target),
            outcome: AuditOutcome::Allowed.into(),
            client_ip: self.ip.map(|ip| ip.to_string()),
            details,
            at: state.now(),
        }
    }
}

/// An operation an actor asks for. Its permission is declared once, here.
pub trait Command {
    /// The permission the operation needs.
    const PERMISSION: Permission;
    /// The audit action it is recorded as (its refusal too).
    const ACTION: AuditAction;
    /// What it acts on, as the request named it (a key id, an owner), for
    /// the audit entry of a refusal.
    fn target(&self) -> Option<String> {
        None
    }
    /// The space the request asks to act in, when it names one to create
    /// something there (a key, the space itself): an actor that does not
    /// hold it is refused (403, audited). Commands on what already exists
    /// find it first, and answer 404 for what the actor does not see.
    fn space(&self) -> Option<&str> {
        None
    }
    /// The environment whose vault secrets it reads or writes: a root key
    /// limited to environments that does not hold it is refused (403,
    /// audited).
    fn environment(&self) -> Option<&str> {
        None
    }
    /// Whether it acts on every space at once (an owner's limits, which
    /// the owner's keys in every space share): an actor scoped to spaces
    /// is refused (403, audited).
    const EVERY_SPACE: bool = false;
    /// The portal grant that lets a customer's portal session run it;
    /// `None`: no portal session may.
    const PORTAL: Option<PortalGrant> = None;
    /// Permissions it needs besides [`Command::PERMISSION`], from what the
    /// request asks (a portal link's grants).
    fn also_needs(&self) -> Vec<Permission> {
        Vec::new()
    }
}

/// The proof that an actor may run a command, holding both. Made only by
/// [`authorize`].
#[derive(Debug)]
pub struct Authorized<C> {
    actor: Actor,
    command: C,
}

impl<C> Authorized<C> {
    /// Who acts.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// What they asked.
    pub fn command(&self) -> &C {
        &self.command
    }

    /// Both, taken apart (the operation that consumes the proof).
    pub fn into_parts(self) -> (Actor, C) {
        (self.actor, self.command)
    }
}

impl<C: Command> Authorized<C> {
    /// The audit entry of the command, allowed: the only way an allowed
    /// entry of a management operation is written, so it cannot name
    /// another action than the command's.
    pub fn draft(
        &self,
        state: &Node,
        target: Option<&str>,
        details: serde_json::Value,
    ) -> AuditDraft {
        self.actor.draft(state, C::ACTION, target, details)
    }
}

/// The proof that an actor may run commands of type `C` (to show their
/// form): nothing to run. Made only by [`permit`].
#[derive(Debug)]
pub struct Permit<C> {
    actor: Actor,
    _command: PhantomData<fn() -> C>,
}

impl<C: Command> Permit<C> {
    /// An audit entry of the command's action, allowed (a page that shows
    /// what the command would do, read).
    pub fn draft(
        &self,
        state: &Node,
        target: Option<&str>,
        details: serde_json::Value,
    ) -> AuditDraft {
        self.actor.draft(state, C::ACTION, target, details)
    }
}

/// Why an actor may not act.
#[derive(Debug, thiserror::Error)]
pub enum Denied {
    /// The actor lacks the permission (403; the refusal is audited).
    #[error("missing permission {0}")]
    Forbidden(Permission),
    /// A portal session was not granted what the command needs (403; the
    /// refusal is audited).
    #[error("this portal session may not do that")]
    NotGranted,
    /// The actor's root key is scoped to spaces that do not include the
    /// one the request names to create in (403; the refusal is audited).
    #[error("the root key does not hold the space {0}")]
    OutsideSpaces(String),
    /// The actor's root key is limited to environments that do not
    /// include the one whose secrets the request names (403; the refusal
    /// is audited).
    #[error("the root key does not hold the environment {0}")]
    OutsideEnvironments(String),
    /// The refusal could not be audited: the store is unavailable.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks that `actor` may run `command`: the one permission check of
/// every management operation. A refusal is audited (with the command's
/// action and target) and returned.
pub async fn authorize<C: Command>(
    state: &Node,
    actor: &Actor,
    command: C,
) -> Result<Authorized<C>, Denied> {
    let scope = Scope {
        space: command.space(),
        environment: command.environment(),
    };
    check::<C>(state, actor, scope, &command.also_needs(), || {
        command.target()
    })
    .await?;
    Ok(Authorized {
        actor: actor.clone(),
        command,
    })
}

/// Checks that `actor` may run commands of type `C` on `target` (to show
/// their form or confirmation): the same check and audit as [`authorize`].
pub async fn permit<C: Command>(
    state: &Node,
    actor: &Actor,
    target: Option<&str>,
) -> Result<Permit<C>, Denied> {
    let scope = Scope {
        space: None,
        environment: None,
    };
    check::<C>(state, actor, scope, &[], || target.map(str::to_owned)).await?;
    Ok(Permit {
        actor: actor.clone(),
        _command: PhantomData,
    })
}

/// Where a request names to act: a space to create in, an environment's
/// secrets.
struct Scope<'a> {
    space: Option<&'a str>,
    environment: Option<&'a str>,
}

async fn check<C: Command>(
    state: &Node,
    actor: &Actor,
    scope: Scope<'_>,
    also_needs: &[Permission],
    target: impl FnOnce() -> Option<String>,
) -> Result<(), Denied> {
    let missing = also_needs
        .iter()
        .copied()
        .find(|p| !actor.root().allows(*p));
    let refusal = if !actor.may::<C>() {
        if actor.portal_session().is_some() {
            let grant = C::PORTAL.map_or("none", |g| g.as_str());
            (
                Denied::NotGranted,
                serde_json::json!({ "missing_grant": grant }),
            )
        } else {
            (
                Denied::Forbidden(C::PERMISSION),
                serde_json::json!({ "missing_permission": C::PERMISSION.as_str() }),
            )
        }
    } else if let Some(permission) = missing {
        (
            Denied::Forbidden(permission),
            serde_json::json!({ "missing_permission": permission.as_str() }),
        )
    } else if C::EVERY_SPACE && actor.spaces().is_some() {
        (
            Denied::OutsideSpaces("every space".to_owned()),
            serde_json::json!({ "space_not_held": "*" }),
        )
    } else if let Some(space) = scope.space.filter(|s| !actor.holds_space(s)) {
        (
            Denied::OutsideSpaces(space.to_owned()),
            serde_json::json!({ "space_not_held": space }),
        )
    } else if let Some(env) = scope
        .environment
        .filter(|e| !actor.root().holds_environment(e))
    {
        (
            Denied::OutsideEnvironments(env.to_owned()),
            serde_json::json!({ "environment_not_held": env }),
        )
    } else {
        return Ok(());
    };
    let target = target();
    let mut draft = actor.draft(state, C::ACTION, target.as_deref(), refusal.1);
    draft.outcome = AuditOutcome::Denied.into();
    state.store().audit(&draft).await?;
    Err(refusal.0)
}

impl Actor {
    /// Whether it holds the space named `space` (text as the request gave
    /// it: a name that is no space id is held only by an unscoped key).
    fn holds_space(&self, space: &str) -> bool {
        match self.spaces() {
            None => true,
            Some(held) => held.iter().any(|s| s.as_str() == space),
        }
    }
}
