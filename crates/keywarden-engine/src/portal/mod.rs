//! The customer portal: an API's customers create, roll and revoke their
//! own keys.
//!
//! - A provider's backend mints a one-time link for one owner of one space
//!   ([`issue`], a root key holding `portal:issue` and the permission of
//!   every grant it hands out). The link's code is 256 random bits; the
//!   store keeps its HMAC under the pepper.
//! - Opening it ([`open`]) exchanges the code for a session (a 256-bit
//!   cookie token, stored as its HMAC), once: the store marks the link used
//!   in the statement that reads it.
//! - A session is an [`Actor`](crate::authz::Actor) of its own kind,
//!   [`PortalActor`]: it runs the commands its grants name
//!   ([`crate::authz::Command::PORTAL`]), through the same authorization
//!   and key service as the API, on its owner's keys in its space only
//!   (another owner's key is 404). Each grant is checked against the
//!   issuing root key on every request: revoking or narrowing that key
//!   ends or narrows its customers' sessions at once.
//! - Keys made in the portal follow the space's portal policy
//!   ([`keywarden_store::PortalPolicy`]): environments, most live keys per
//!   owner, lifetime, limits and credits, and approval.

use keywarden_core::{
    clock::{UnixMillis, parse_duration},
    names::Owner,
    random,
    secret::{SecretString, Token},
    spaces::SpaceId,
};
use keywarden_proto::portal::PortalGrant;
use keywarden_store::{AuditAction, AuditDraft, AuditOutcome, NewPortalLink};
use zeroize::Zeroizing;

use crate::{
    authz::Authorized,
    command::IssuePortalLink,
    keys::{KeyError, KeyErrorKind, KeyField},
    node::Node,
};

/// How long a link opens unless the request says.
pub const DEFAULT_LINK_MS: i64 = 5 * 60_000;
/// The longest a link may be asked to open.
pub const MAX_LINK_MS: i64 = 15 * 60_000;
/// The shortest.
pub const MIN_LINK_MS: i64 = 10_000;
/// Longest `return_url`.
pub const MAX_RETURN_URL: usize = 2048;

/// A link just minted.
#[derive(Debug)]
pub struct IssuedLink {
    /// The link: a secret until opened.
    pub url: SecretString,
    /// Until when it opens.
    pub expires_at: UnixMillis,
    /// The customer.
    pub owner: Owner,
    /// The space.
    pub space: SpaceId,
    /// What its session may do.
    pub grants: Vec<PortalGrant>,
}

fn invalid(field: KeyField, message: impl Into<String>) -> KeyError {
    KeyError {
        field: Some(field),
        kind: KeyErrorKind::Invalid,
        message: message.into(),
    }
}

/// A `return_url`: `http(s)://host…` in printable ASCII (no space, no
/// control character), at most 2,048 bytes: the schema's pattern.
fn check_return_url(url: &str) -> Result<(), KeyError> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let ok = rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
        && url.len() <= MAX_RETURN_URL
        && url.bytes().all(|b| (0x21..=0x7e).contains(&b));
    if ok {
        Ok(())
    } else {
        Err(KeyError {
            field: None,
            kind: KeyErrorKind::Invalid,
            message: "return_url must be an http:// or https:// URL of at most 2048 characters"
                .to_owned(),
        })
    }
}

/// The HMAC under the current pepper of a link's code or a session's
/// token, with its label.
fn mac(state: &Node, label: &[u8], secret: &str) -> [u8; 32] {
    state
        .store()
        .peppers()
        .current()
        .mac_labeled(label, secret.as_bytes())
}

const LINK_LABEL: &[u8] = b"keywarden portal link v1\0";
const SESSION_LABEL: &[u8] = b"keywarden portal session v1\0";
const CSRF_LABEL: &[u8] = b"keywarden portal csrf v1\0";

/// The CSRF token of a session token: its HMAC under another label, so it
/// is stable for the session and stored nowhere.
pub fn csrf_token(state: &Node, token: &str) -> Token {
    Token::derived(Zeroizing::new(hex::encode(mac(state, CSRF_LABEL, token))))
}

/// Mints a one-time link.
pub async fn issue(
    state: &Node,
    proof: Authorized<IssuePortalLink>,
) -> Result<IssuedLink, KeyError> {
    let now = state.now();
    let request = &proof.command().request;
    let owner = crate::keys::parse_owner(&request.owner)?;
    let mut grants = request.grants.clone();
    grants.sort();
    grants.dedup();
    if grants.is_empty() || request.grants.len() > PortalGrant::ALL.len() {
        return Err(invalid(KeyField::Scopes, "grants must name 1 to 5 grants"));
    }
    let space_text = request
        .space
        .as_deref()
        .unwrap_or(keywarden_core::spaces::DEFAULT_SPACE);
    let space = crate::keys::space_of(
        state,
        proof.actor(),
        &space_text
            .parse()
            .map_err(|_| KeyError::new(KeyField::Space, KeyErrorKind::Unknown, "no such space"))?,
    )
    .await?;
    if let Some(url) = &request.return_url {
        check_return_url(url)?;
    }
    let lifetime = match request.expires_in.as_deref() {
        None => DEFAULT_LINK_MS,
        Some(text) => parse_duration(text)
            .filter(|ms| (MIN_LINK_MS..=MAX_LINK_MS).contains(ms))
            .ok_or_else(|| invalid(KeyField::Expires, "expires_in must be 10s to 15m"))?,
    };
    crate::share::check_base(state)?;
    let code = Zeroizing::new(random::base62_string(43));
    let digest = mac(state, LINK_LABEL, &code);
    let expires_at = now.saturating_add(lifetime);
    let grant_names: Vec<String> = grants.iter().map(|g| g.as_str().to_owned()).collect();
    let audit = proof.draft(
        state,
        Some(&format!("owner:{owner}")),
        serde_json::json!({
            "owner": owner.as_str(),
            "space": space.id.as_str(),
            "grants": grant_names,
            "expires_at": crate::timefmt::rfc3339(expires_at),
        }),
    );
    state
        .store()
        .insert_portal_link(
            &NewPortalLink {
                digest: &digest,
                owner: owner.as_str(),
                space: &space.id,
                grants: &grant_names,
                return_url: request.return_url.as_deref(),
                created_by: &proof.actor().root().id,
                created_at: now,
                expires_at,
            },
            &audit,
        )
        .await?;
    let url = format!(
        "{}/portal/open/{}",
        state.config().effective_public_url(),
        code.as_str()
    );
    Ok(IssuedLink {
        url: SecretString::new(url),
        expires_at,
        owner,
        space: space.id,
        grants,
    })
}

/// Why a link did not open.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// No such link (never minted, or pruned long after its end).
    #[error("no such portal link")]
    Unknown,
    /// It was opened before.
    #[error("the portal link was already used")]
    Used,
    /// It expired unopened.
    #[error("the portal link expired")]
    Expired,
    /// The store failed (503).
    #[error(transparent)]
    Store(#[from] keywarden_store::StoreError),
}

/// A session just opened: its cookie token (a secret) and the actor.
#[derive(Debug)]
pub struct Opened {
    /// The cookie's value.
    pub token: Zeroizing<String>,
    /// The session.
    pub session: PortalActor,
}

/// Opens the link whose code is `code`, from `ip`: a new session, once. A
/// link used or expired is refused and the refusal audited (a code that
/// names no link is refused without an entry: anyone can make one up).
pub async fn open(
    state: &Node,
    code: &str,
    ip: Option<std::net::IpAddr>,
) -> Result<Opened, OpenError> {
    if code.len() != 43 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(OpenError::Unknown);
    }
    let now = state.now();
    let link = mac(state, LINK_LABEL, code);
    let token = Zeroizing::new(random::base62_string(43));
    let digest = mac(state, SESSION_LABEL, &token);
    let id = format!("ps_{}", random::base62_string(22));
    let expires_at = now.saturating_add(state.config().portal.session_max.ms());
    let entry = |owner: &str, outcome: AuditOutcome, details: serde_json::Value| AuditDraft {
        actor: format!("portal:{owner}"),
        action: AuditAction::PortalOpen.into(),
        target: Some(crate::authn::audit_target(&format!("owner:{owner}"))),
        outcome: outcome.into(),
        client_ip: ip.map(|ip| ip.to_string()),
        details,
        at: now,
    };
    let opened = state
        .store()
        .open_portal_link(&link, &digest, &id, now, expires_at, |row| {
            entry(
                &row.owner,
                AuditOutcome::Allowed,
                serde_json::json!({
                    "portal_session": row.id,
                    "space": row.space.as_str(),
                    "grants": row.grants,
                    "expires_at": crate::timefmt::rfc3339(row.expires_at),
                }),
            )
        })
        .await?;
    match opened {
        Ok(row) => Ok(Opened {
            token,
            session: actor_of(row).ok_or(OpenError::Unknown)?,
        }),
        Err(None) => Err(OpenError::Unknown),
        Err(Some(spent)) => {
            let reason = if spent.used { "used" } else { "expired" };
            state
                .store()
                .audit(&entry(
                    &spent.owner,
                    AuditOutcome::Denied,
                    serde_json::json!({ "reason": reason, "space": spent.space }),
                ))
                .await?;
            Err(if spent.used {
                OpenError::Used
            } else {
                OpenError::Expired
            })
        }
    }
}

/// The session of cookie token `token`, if it is live and its issuing root
/// key is not revoked.
pub async fn session(
    state: &Node,
    token: &str,
) -> Result<Option<PortalActor>, keywarden_store::StoreError> {
    if token.len() != 43 || !token.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Ok(None);
    }
    let digest = mac(state, SESSION_LABEL, token);
    let row = state.store().portal_session(&digest, state.now()).await?;
    Ok(row
        .filter(|r| r.issuer.revoked_at.is_none())
        .and_then(actor_of))
}

/// A stored session as an actor (`None` when a stored name no longer
/// parses: it is treated as no session).
fn actor_of(row: keywarden_store::PortalSessionRow) -> Option<PortalActor> {
    Some(PortalActor {
        owner: row.owner.parse().ok()?,
        grants: row.grants.iter().filter_map(|g| g.parse().ok()).collect(),
        id: row.id,
        space: row.space,
        return_url: row.return_url,
        expires_at: row.expires_at,
        issuer: row.issuer,
    })
}

pub use actor::PortalActor;

pub(crate) mod actor;
