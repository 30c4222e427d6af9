//! The key service: every change to an API key, with typed inputs and
//! results. The API handlers (`api::keys`) and the console (`ui::keys`,
//! `ui::emergency`) are adapters: they turn their request into a command
//! ([`crate::command`]), have it authorized ([`crate::authz::authorize`]),
//! call one function here with the proof, and render the result. Each
//! function parses what the command carries as text (the key's id, the
//! grace period, the reason, the share link) before anything changes.
//!
//! Each operation validates its input (`validate`), writes the change and
//! its audit entry in one store transaction, and drops the key from the
//! verification cache (on PostgreSQL the same transaction notifies the
//! other nodes). A minted key leaves as a [`PlaintextKey`], never as text.
//!
//! # Layout
//!
//! - `mod.rs`: [`NewKey`], [`KeyChanges`], [`RollRequest`], the results, and
//!   the operations (`create`, `update`, `roll`, `revoke`, `bulk`, `load`).
//! - `validate.rs`: the checks and limits (`MAX_NAME`, ...).
//! - `error.rs`: [`KeyError`] `{ field, kind }` and its API error codes.

pub mod error;
mod import;
pub mod input;
mod portal;
pub use portal::{PortalChoices, portal_choices, portal_environments};
pub(crate) mod validate;
mod wire;

use keywarden_core::{
    envelope,
    key::{self, KeyId},
    names::{Owner, Scope},
    secret::PlaintextKey,
    spaces::{RoleName, SpaceId},
};
use keywarden_store::{
    AuditAction, KeyCredits, KeyPatch, KeyRecord, SealedSecret, SpaceRecord, StoreError,
};

pub use error::{KeyError, KeyErrorKind, KeyField};
pub use import::{ImportReport, MAX_IMPORT_ROWS, MAX_IMPORTED_TEXT, import};
pub use input::{CreditsInput, KeyChanges, NewKey, RateLimitInput, RefillInput, bulk_target};
pub use validate::{
    MAX_ALLOWLIST, MAX_GRACE_MS, MAX_METADATA, MAX_NAME, MAX_REFILL_MS, MAX_SCOPES, MIN_REFILL_MS,
    grace_ms, parse_allowlist, reason,
};
use validate::{check_metadata, check_name, check_scopes, expiry, rate_limit, usage_limit};

/// Checks a rate limit as asked for (for a space's defaults).
pub fn validate_rate_limit(
    input: Option<RateLimitInput>,
) -> Result<Option<keywarden_store::RateLimit>, KeyError> {
    rate_limit(input)
}

/// Checks a name for people (a space's).
pub fn check_name_text(name: &str) -> Result<(), KeyError> {
    check_name(Some(&name.to_owned()))
}

/// Checks a list of permissions (a role's): at most 100.
pub fn check_permissions(permissions: &[Scope]) -> Result<(), KeyError> {
    check_scopes(permissions)
}

use crate::{
    authz::{Actor, Authorized, Command},
    command::{
        ApproveKey, CreateKey, DeclineKey, DeleteOwnerLimits, DisableKey, EnableKey, RevealKey,
        RevokeKey, RevokeKeys, RollKey, SetOwnerLimits, UpdateKey,
    },
    node::Node,
    share::ShareLifetime,
};

/// A new key: the one time its plaintext exists outside `mint`.
#[derive(Debug)]
pub struct Created {
    /// The key, zeroized on drop.
    pub key: PlaintextKey,
    /// Its record.
    pub record: KeyRecord,
    /// Its one-time share link (a secret: it carries the fragment), when
    /// one was asked for.
    pub share_url: Option<keywarden_core::secret::SecretString>,
}

/// A rolled key.
#[derive(Debug)]
pub struct Rolled {
    /// The new key.
    pub new: Created,
    /// The old key, now ending at the close of the grace period.
    pub previous: KeyRecord,
}

/// An owner from text (`INVALID_OWNER` when it is not one).
pub fn parse_owner(text: &str) -> Result<Owner, KeyError> {
    text.parse::<Owner>()
        .map_err(|e| KeyError::invalid(KeyField::Owner, e.to_string()))
}

/// A key id from text; an impossible one is simply not found.
pub fn parse_id(id: &str) -> Result<KeyId, KeyError> {
    id.parse().map_err(|_| KeyError::not_found())
}

/// A key by id, as `actor` sees it: a key of a space it does not see is
/// not found (404, never 403: its existence does not leak).
pub async fn load(state: &Node, actor: &Actor, id: &KeyId) -> Result<KeyRecord, KeyError> {
    state
        .store()
        .get_key(id)
        .await?
        .filter(|record| actor.sees_key(record))
        .ok_or_else(KeyError::not_found)
}

/// The space named `id`, as `actor` sees it (`UNKNOWN_SPACE` otherwise).
pub(crate) async fn space_of(
    state: &Node,
    actor: &Actor,
    id: &SpaceId,
) -> Result<SpaceRecord, KeyError> {
    state
        .store()
        .get_space(id)
        .await?
        .filter(|s| actor.sees(&s.id))
        .ok_or_else(|| {
            KeyError::new(
                KeyField::Space,
                KeyErrorKind::Unknown,
                "no such space: create it first (POST /v1/spaces)",
            )
        })
}

/// Checks that every role exists in `space`: a key may hold only its
/// space's roles.
async fn check_roles(state: &Node, space: &SpaceId, roles: &[RoleName]) -> Result<(), KeyError> {
    let known = if roles.is_empty() {
        Vec::new()
    } else {
        state.store().list_roles(space).await?
    };
    check_roles_in(&known, space, roles)
}

/// [`check_roles`] against the space's roles, already read.
fn check_roles_in(
    known: &[keywarden_store::RoleRecord],
    space: &SpaceId,
    roles: &[RoleName],
) -> Result<(), KeyError> {
    if roles.len() > MAX_ROLES {
        return Err(KeyError::invalid(
            KeyField::Roles,
            format!("at most {MAX_ROLES} roles"),
        ));
    }
    if let Some(missing) = roles.iter().find(|r| !known.iter().any(|k| &k.name == *r)) {
        return Err(KeyError::new(
            KeyField::Roles,
            KeyErrorKind::Unknown,
            format!("the space {space} has no role {missing}"),
        ));
    }
    Ok(())
}

/// Most roles a key may hold.
pub const MAX_ROLES: usize = 20;

/// The longest a new key of `space` in `environment` may live: the
/// tightest of the space's required expiry, the environment's policy and
/// `portal_max` (a portal policy's), with where it comes from (for the
/// refusal); and whether it must expire at all. `None`: no limit.
pub(crate) fn lifetime_limit(
    state: &Node,
    space: &SpaceRecord,
    environment: &key::Environment,
    portal_max: Option<i64>,
) -> (Option<(i64, String)>, bool) {
    let policy = state.config().policy(environment.as_str());
    let limits = [
        space
            .defaults
            .max_lifetime_ms
            .map(|ms| (ms, format!("keys of the space {}", space.id))),
        policy
            .and_then(|p| p.max_lifetime)
            .map(|max| (max.ms(), format!("keys in the {environment} environment"))),
        portal_max.map(|ms| (ms, "keys made in the portal".to_owned())),
    ];
    let tightest = limits.into_iter().flatten().min_by_key(|(ms, _)| *ms);
    let required = tightest.is_some() || policy.is_some_and(|p| p.require_expiry);
    (tightest, required)
}

/// The rules of a new key in `space`, made here, in the portal or
/// imported: its environment is one the space allows, and its expiry meets
/// every lifetime limit ([`lifetime_limit`]); one asked without an expiry,
/// in a space (or portal) with a lifetime, gets the tightest limit's. The
/// expiry to store.
pub(crate) fn new_key_expiry(
    state: &Node,
    space: &SpaceRecord,
    environment: &key::Environment,
    asked: Option<i64>,
    portal_max: Option<i64>,
    now: i64,
) -> Result<Option<i64>, KeyError> {
    check_environment_in(&space.defaults.environments, environment, || {
        format!("the space {} allows keys only in", space.id)
    })?;
    // A space's (or a portal's) lifetime is a default too: a key asked
    // without an expiry gets the tightest limit's. The environment's policy
    // alone fills nothing (`require_expiry` asks the caller for one).
    let (limit, _) = lifetime_limit(state, space, environment, portal_max);
    let fills = space.defaults.max_lifetime_ms.is_some() || portal_max.is_some();
    let expires_at = asked.or_else(|| {
        limit
            .filter(|_| fills)
            .map(|(max, _)| now.saturating_add(max))
    });
    check_expiry(state, space, environment, expires_at, portal_max, now)?;
    Ok(expires_at)
}

/// Refuses an expiry of a key of `space` in `environment` that breaks a
/// lifetime limit ([`lifetime_limit`]): none where one is required, or
/// one too far off.
pub(crate) fn check_expiry(
    state: &Node,
    space: &SpaceRecord,
    environment: &key::Environment,
    expires_at: Option<i64>,
    portal_max: Option<i64>,
    now: i64,
) -> Result<(), KeyError> {
    let (limit, required) = lifetime_limit(state, space, environment, portal_max);
    match (expires_at, limit) {
        (None, limit) if required => Err(KeyError::new(
            KeyField::Expires,
            KeyErrorKind::Required,
            format!(
                "{} must have an expiry",
                limit.map_or_else(|| format!("keys in the {environment} environment"), |l| l.1)
            ),
        )),
        (Some(at), Some((max, whose))) if at - now > max => Err(KeyError::new(
            KeyField::Expires,
            KeyErrorKind::TooLong,
            format!(
                "{whose} may live at most {}",
                keywarden_core::clock::format_duration(max)
            ),
        )),
        _ => Ok(()),
    }
}

/// Refuses `environment` unless it is in `allowed` (empty: any), saying
/// `who()` followed by the list.
pub(crate) fn check_environment_in(
    allowed: &[key::Environment],
    environment: &key::Environment,
    who: impl FnOnce() -> String,
) -> Result<(), KeyError> {
    if allowed.is_empty() || allowed.contains(environment) {
        return Ok(());
    }
    Err(KeyError::new(
        KeyField::Environment,
        KeyErrorKind::NotAllowed,
        format!(
            "{} {}",
            who(),
            allowed
                .iter()
                .map(|e| e.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ))
}

/// The prefix a new key of `space` gets: the space's own, or the
/// deployment's.
fn space_prefix(state: &Node, space: &SpaceRecord) -> key::Prefix {
    space
        .key_prefix
        .clone()
        .unwrap_or_else(|| state.config().prefix.clone())
}

/// A key just made: its plaintext (the one time it exists), id, digest
/// under the current pepper, and its sealed copy when it is recoverable.
struct Minted {
    key: PlaintextKey,
    id: KeyId,
    sealed: Option<SealedSecret>,
    digest: keywarden_core::digest::KeyDigest,
    pepper_version: u32,
}

/// Mints a key of `prefix` and `environment` (sealed under the master key
/// when `recoverable`).
fn mint(
    state: &Node,
    prefix: &key::Prefix,
    environment: &key::Environment,
    recoverable: bool,
) -> Result<Minted, KeyError> {
    let key = key::mint(prefix, environment);
    let id = KeyId::generate();
    let sealed = recoverable.then(|| seal(state, &key, &id)).transpose()?;
    let pepper = state.store().peppers().current();
    Ok(Minted {
        digest: pepper.digest(key.expose()),
        pepper_version: pepper.version(),
        key,
        id,
        sealed,
    })
}

fn seal(state: &Node, plaintext: &PlaintextKey, id: &KeyId) -> Result<SealedSecret, KeyError> {
    let master = state.master_key().ok_or_else(|| {
        KeyError::new(
            KeyField::Recoverable,
            KeyErrorKind::Unavailable,
            "recoverable keys need a master key: start the server with KEYWARDEN_MASTER_KEY",
        )
    })?;
    let sealed =
        envelope::seal(master, plaintext.expose().as_bytes(), id.as_str()).map_err(|e| {
            KeyError {
                field: None,
                kind: KeyErrorKind::Internal(e.to_string()),
                message: "internal error".to_owned(),
            }
        })?;
    Ok(SealedSecret {
        ciphertext: sealed.ciphertext,
        wrapped_key: sealed.wrapped_key,
    })
}

/// Creates a key.
pub async fn create(state: &Node, proof: Authorized<CreateKey>) -> Result<Created, KeyError> {
    let (actor, CreateKey { key: mut new }) = proof.into_parts();
    let now = state.now();
    let share = new.share.as_ref().map(ShareLifetime::parse).transpose()?;
    if new.environment.is_root() {
        return Err(KeyError::new(
            KeyField::Environment,
            KeyErrorKind::Reserved,
            "the root environment is reserved for root keys",
        ));
    }
    check_name(new.name.as_ref())?;
    check_scopes(&new.scopes)?;
    // The space: the actor holds it (authorization checked that), it
    // exists, and its policy and defaults apply.
    let space = space_of(state, &actor, &new.space.clone().unwrap_or_default()).await?;
    // A customer's portal session: the space's portal policy decides.
    let portal = actor
        .portal_session()
        .map(|session| portal::shape_new_key(session, &space, &mut new))
        .transpose()?;
    check_roles(state, &space.id, &new.roles).await?;
    let mut defaults = space.defaults.clone();
    if let Some(rules) = &portal {
        defaults.rate_limit = rules.rate_limit.or(defaults.rate_limit);
        defaults.credits = rules.credits.or(defaults.credits);
    }
    let defaults = &defaults;
    let metadata = new.metadata.unwrap_or_else(|| serde_json::json!({}));
    check_metadata(&metadata)?;
    let ip_allowlist = parse_allowlist(&new.ip_allowlist)?;
    let rate_limit = rate_limit(new.rate_limit)?.or(defaults.rate_limit);
    let rate_limits = validate::named_rate_limits(&new.rate_limits)?;
    let usage_limit = usage_limit(new.usage_limit)?;
    let credits = validate::credits(new.credits.as_ref(), usage_limit.is_some())?.or_else(|| {
        defaults
            .credits
            .filter(|_| usage_limit.is_none())
            .map(|c| keywarden_store::Credits {
                remaining: c.amount,
                refill: c
                    .refill_ms
                    .map(|interval_ms| keywarden_store::CreditRefill {
                        amount: c.amount,
                        interval_ms,
                    }),
            })
    });
    let credits = match credits {
        Some(c) => Some(KeyCredits {
            limit: c.remaining,
            remaining: c.remaining,
            refill: c.refill,
            period: 0,
        }),
        None => usage_limit.map(|limit| KeyCredits {
            limit,
            remaining: limit,
            refill: None,
            period: 0,
        }),
    };
    let expires_at = new_key_expiry(
        state,
        &space,
        &new.environment,
        expiry(new.expires_at.as_deref(), new.expires_in.as_deref(), now)?,
        portal.and_then(|r| r.max_lifetime),
        now,
    )?;
    if share.is_some() {
        crate::share::check_base(state)?;
    }

    let Minted {
        key: minted,
        id,
        sealed,
        digest,
        pepper_version,
    } = mint(
        state,
        &space_prefix(state, &space),
        &new.environment,
        new.recoverable,
    )?;
    let record = KeyRecord {
        id: id.clone(),
        digest,
        pepper_version,
        hint: minted.hint(),
        prefix: minted.prefix().to_owned(),
        environment: new.environment,
        owner: new.owner,
        name: new.name,
        effective: new.scopes.clone(),
        scopes: new.scopes,
        space: space.id.clone(),
        roles: new.roles,
        metadata,
        created_at: now,
        updated_at: now,
        expires_at,
        revoked: None,
        rotated_from: None,
        rotated_to: None,
        ip_allowlist,
        rate_limit,
        credits,
        disabled_at: None,
        pending_at: portal.filter(|r| r.pending).map(|_| now),
        rate_limits,
        last_used_at: None,
        sealed,
        limits_key: None,
        external_id: None,
        imported_at: None,
    };
    let audit = actor.draft(
        state,
        CreateKey::ACTION,
        Some(id.as_str()),
        serde_json::json!({
            "environment": record.environment.as_str(),
            "owner": record.owner.as_ref().map(Owner::as_str),
            "scopes": record.scopes.iter().map(Scope::as_str).collect::<Vec<_>>(),
            "space": record.space.as_str(),
            "roles": record.roles.iter().map(RoleName::as_str).collect::<Vec<_>>(),
            "recoverable": record.sealed.is_some(),
        }),
    );
    let share = share
        .map(|lifetime| crate::share::Sealed::new(&minted, lifetime, now))
        .transpose()?;
    match &portal {
        None => state
            .store()
            .insert_key_shared(&record, share.as_ref().map(|s| s.row()), &audit)
            .await
            .map(drop)
            .map_err(space_gone)?,
        Some(rules) => {
            // A key waiting for approval is announced (event, webhook) in
            // the transaction that stores it.
            let details = serde_json::json!({
                "owner": record.owner.as_ref().map(Owner::as_str),
                "space": record.space.as_str(),
                "environment": record.environment.as_str(),
                "name": record.name,
            });
            let event = rules.pending.then(|| {
                state.events().draft(
                    keywarden_store::EventKind::KeyPending,
                    Some(id.as_str()),
                    &details,
                    now,
                )
            });
            let stored = state
                .store()
                .insert_portal_key(&record, Some(rules.max_live), &audit, event.as_ref())
                .await;
            match stored {
                Err(StoreError::Conflict(code)) if code == "KEY_LIMIT_REACHED" => {
                    return Err(KeyError {
                        field: None,
                        kind: KeyErrorKind::Conflict("KEY_LIMIT_REACHED"),
                        message: format!(
                            "this account holds the most keys allowed here ({}): revoke one first",
                            rules.max_live
                        ),
                    });
                }
                other => drop(other.map_err(space_gone)?),
            };
            if event.is_some() {
                state.events().stored();
            }
        }
    }
    state
        .verifier()
        .cache()
        .invalidate_digest(digest.as_bytes());
    let mut one = [record];
    if let Err(err) = state.store().resolve_roles(&mut one).await {
        tracing::warn!(error = %err, "the roles of a new key could not be read");
    }
    let [record] = one;
    Ok(Created {
        share_url: share.map(|s| s.url(state)),
        key: minted,
        record,
    })
}

/// Changes a key.
pub async fn update(state: &Node, proof: Authorized<UpdateKey>) -> Result<KeyRecord, KeyError> {
    let (actor, UpdateKey { id, changes }) = proof.into_parts();
    let id = &parse_id(&id)?;
    let now = state.now();
    let current = load(state, &actor, id).await?;
    if let Some(name) = &changes.name {
        check_name(name.as_ref())?;
    }
    // `scopes` and `permissions` are one list under two names: given
    // both, the key holds both.
    let scopes = match (changes.scopes, changes.permissions) {
        (Some(mut scopes), Some(permissions)) => {
            for p in permissions {
                if !scopes.contains(&p) {
                    scopes.push(p);
                }
            }
            Some(scopes)
        }
        (scopes, permissions) => scopes.or(permissions),
    };
    if let Some(scopes) = &scopes {
        check_scopes(scopes)?;
    }
    if let Some(roles) = &changes.roles {
        check_roles(state, &current.space, roles).await?;
    }
    if let Some(m) = &changes.metadata {
        check_metadata(m)?;
    }
    // One setting, two spellings: a value in either sets the expiry (both
    // is refused), `null` in either (and no value) removes it.
    let expires_at = match (&changes.expires_at, &changes.expires_in) {
        (Some(Some(_)), Some(Some(_))) => {
            return Err(KeyError::invalid(
                KeyField::Expires,
                "give expires_at or expires_in, not both",
            ));
        }
        (Some(Some(at)), _) => Some(expiry(Some(at), None, now)?),
        (_, Some(Some(d))) => Some(expiry(None, Some(d), now)?),
        (Some(None), _) | (_, Some(None)) => Some(None),
        (None, None) => None,
    };
    // The lifetime limits hold for changes too.
    if let Some(new_expiry) = expires_at
        && let Some(space) = state.store().get_space(&current.space).await?
    {
        check_expiry(state, &space, &current.environment, new_expiry, None, now)?;
    }
    let patch = KeyPatch {
        name: changes.name,
        owner: changes.owner,
        scopes,
        roles: changes.roles,
        metadata: changes.metadata,
        expires_at,
        ip_allowlist: changes
            .ip_allowlist
            .as_deref()
            .map(parse_allowlist)
            .transpose()?,
        rate_limit: changes.rate_limit.map(rate_limit).transpose()?,
        usage_limit: changes.usage_limit.map(usage_limit).transpose()?,
        rate_limits: changes
            .rate_limits
            .as_deref()
            .map(validate::named_rate_limits)
            .transpose()?,
        credits: match &changes.credits {
            None => None,
            Some(None) => Some(None),
            Some(Some(c)) => Some(validate::credits(
                Some(c),
                matches!(changes.usage_limit, Some(Some(_))),
            )?),
        },
    };
    let changed: Vec<&str> = [
        patch.name.is_some().then_some("name"),
        patch.owner.is_some().then_some("owner"),
        patch.scopes.is_some().then_some("scopes"),
        patch.roles.is_some().then_some("roles"),
        patch.metadata.is_some().then_some("metadata"),
        patch.expires_at.is_some().then_some("expires_at"),
        patch.ip_allowlist.is_some().then_some("ip_allowlist"),
        patch.credits.is_some().then_some("credits"),
        patch.rate_limits.is_some().then_some("rate_limits"),
        patch.rate_limit.is_some().then_some("rate_limit"),
        patch.usage_limit.is_some().then_some("usage_limit"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if changed.is_empty() {
        return Err(KeyError::new(
            KeyField::Changes,
            KeyErrorKind::Empty,
            "the request changes nothing",
        ));
    }
    let audit = actor.draft(
        state,
        UpdateKey::ACTION,
        Some(id.as_str()),
        serde_json::json!({ "changed": changed }),
    );
    let updated = state
        .store()
        .update_key(id, &patch, now, &audit)
        .await
        .map_err(revoked_conflict)?;
    state.invalidate(&[id.as_str()]);
    Ok(updated)
}

/// The store's refusal to add a key to a space deleted meanwhile, as
/// `UNKNOWN_SPACE`.
fn space_gone(err: StoreError) -> KeyError {
    match err {
        StoreError::Conflict(code) if code == "SPACE_GONE" => KeyError::new(
            KeyField::Space,
            KeyErrorKind::Unknown,
            "the space was deleted: create it first (POST /v1/spaces)",
        ),
        other => other.into(),
    }
}

/// The store's refusal to change a revoked key, as `KEY_REVOKED`.
fn revoked_conflict(err: StoreError) -> KeyError {
    match err {
        StoreError::Conflict(why) => KeyError {
            field: None,
            message: why.clone(),
            kind: KeyErrorKind::Revoked(why),
        },
        other => other.into(),
    }
}

/// Rolls a key: a new key with the same settings; the old one keeps working
/// for the grace period (the node's default when the command names none).
/// The whole command is checked before anything changes.
pub async fn roll(state: &Node, proof: Authorized<RollKey>) -> Result<Rolled, KeyError> {
    let (actor, command) = proof.into_parts();
    let id = &parse_id(&command.id)?;
    let grace = grace_ms(
        command.grace_period.as_deref(),
        state.config().default_grace_period.ms(),
    )?;
    let share = command
        .share
        .as_ref()
        .map(ShareLifetime::parse)
        .transpose()?;
    let now = state.now();
    if share.is_some() {
        crate::share::check_base(state)?;
    }
    let old = load(state, &actor, id).await?;
    // The new key keeps the old one's prefix (its space's when it was
    // made); an imported key of another format has none: its space's now.
    let prefix = match old.prefix.parse() {
        Ok(prefix) => prefix,
        Err(_) => match state.store().get_space(&old.space).await? {
            Some(space) => space_prefix(state, &space),
            None => state.config().prefix.clone(),
        },
    };
    let Minted {
        key: minted,
        id: new_id,
        sealed,
        digest,
        pepper_version,
    } = mint(state, &prefix, &old.environment, old.sealed.is_some())?;
    let new = KeyRecord {
        id: new_id.clone(),
        digest,
        pepper_version,
        hint: minted.hint(),
        prefix: minted.prefix().to_owned(),
        created_at: now,
        updated_at: now,
        revoked: None,
        rotated_from: Some(old.id.clone()),
        rotated_to: None,
        last_used_at: None,
        sealed,
        // Refills of the new key count from its own creation.
        credits: old.credits.map(|c| KeyCredits { period: 0, ..c }),
        // The new key holds the balance; the old one spends it.
        limits_key: None,
        // It is made here: the old system's id stays with the old key.
        external_id: None,
        imported_at: None,
        ..old
    };
    let audit = actor.draft(
        state,
        RollKey::ACTION,
        Some(id.as_str()),
        serde_json::json!({ "new_key_id": new_id.as_str(), "grace_period_seconds": grace / 1000 }),
    );
    let share = share
        .map(|lifetime| crate::share::Sealed::new(&minted, lifetime, now))
        .transpose()?;
    let (previous, new_after, older) = state
        .store()
        .roll_key(
            id,
            &new,
            share.as_ref().map(|s| s.row()),
            now + grace,
            now,
            &audit,
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict(why) => KeyError {
                field: None,
                message: why.clone(),
                kind: KeyErrorKind::NotRollable(why),
            },
            other => other.into(),
        })?;
    let mut changed = vec![id.as_str()];
    changed.extend(older.iter().map(KeyId::as_str));
    state.invalidate(&changed);
    state.verifier().rolled(id.as_str(), new_id.as_str());
    state
        .verifier()
        .cache()
        .invalidate_digest(digest.as_bytes());
    Ok(Rolled {
        new: Created {
            share_url: share.map(|s| s.url(state)),
            key: minted,
            record: new_after,
        },
        previous,
    })
}

/// Revokes one key now (reason `manual` unless the command gives one).
pub async fn revoke(state: &Node, proof: Authorized<RevokeKey>) -> Result<KeyRecord, KeyError> {
    let (actor, RevokeKey { id, reason }) = proof.into_parts();
    let id = &parse_id(&id)?;
    let reason = validate::reason(reason, "manual")?;
    // A key never changes space: what the actor sees now it sees at the
    // revocation.
    load(state, &actor, id).await?;
    let audit = actor.draft(
        state,
        RevokeKey::ACTION,
        Some(id.as_str()),
        serde_json::json!({ "reason": reason }),
    );
    let (record, _) = state
        .store()
        .revoke_key(id, &reason, state.now(), &audit)
        .await?;
    state.invalidate(&[id.as_str()]);
    Ok(record)
}

/// Disables a key, on every node at once
/// (the same invalidation as a revocation). A revoked key cannot change
/// (`KEY_REVOKED`); asking for the state it is in changes nothing and is
/// audited as such.
pub async fn disable(state: &Node, proof: Authorized<DisableKey>) -> Result<KeyRecord, KeyError> {
    let (actor, DisableKey { id }) = proof.into_parts();
    change_state(
        state,
        &actor,
        &id,
        StateChange::Disabled(true),
        DisableKey::ACTION,
    )
    .await
}

/// Enables a disabled key again (see [`disable`]).
pub async fn enable(state: &Node, proof: Authorized<EnableKey>) -> Result<KeyRecord, KeyError> {
    let (actor, EnableKey { id }) = proof.into_parts();
    change_state(
        state,
        &actor,
        &id,
        StateChange::Disabled(false),
        EnableKey::ACTION,
    )
    .await
}

/// A change of a key's state that its operator can undo or settle:
/// disabled or enabled, approved or declined.
enum StateChange {
    Disabled(bool),
    Approved(bool),
}

/// Applies `change` to the key `id` as `actor` sees it, audited as
/// `action` in the same transaction; every node forgets the old record. A
/// revoked key cannot change (`KEY_REVOKED`); declining a key that does
/// not wait is `NOT_PENDING`; asking for the state a key is in changes
/// nothing and is audited as such.
async fn change_state(
    state: &Node,
    actor: &crate::authz::Actor,
    id: &str,
    change: StateChange,
    action: AuditAction,
) -> Result<KeyRecord, KeyError> {
    let id = &parse_id(id)?;
    load(state, actor, id).await?;
    let audit = actor.draft(state, action, Some(id.as_str()), serde_json::json!({}));
    let store = state.store();
    let now = state.now();
    let done = match change {
        StateChange::Disabled(on) => store.set_key_disabled(id, on, now, &audit).await,
        StateChange::Approved(yes) => store.settle_pending_key(id, yes, now, &audit).await,
    };
    let (record, _changed) = done.map_err(|e| match e {
        StoreError::Conflict(code) if code == "NOT_PENDING" => KeyError {
            field: None,
            kind: KeyErrorKind::Conflict("NOT_PENDING"),
            message: "the key does not wait for approval".to_owned(),
        },
        other => revoked_conflict(other),
    })?;
    state.invalidate(&[id.as_str()]);
    Ok(record)
}

/// Approves a key waiting for approval (made in the customer portal): it
/// works from now on, on every node. Approving a key that does not wait
/// changes nothing.
pub async fn approve(state: &Node, proof: Authorized<ApproveKey>) -> Result<KeyRecord, KeyError> {
    let (actor, ApproveKey { id }) = proof.into_parts();
    change_state(
        state,
        &actor,
        &id,
        StateChange::Approved(true),
        ApproveKey::ACTION,
    )
    .await
}

/// Declines a key waiting for approval: it is revoked (reason `declined`).
/// A key that does not wait is a conflict (`NOT_PENDING`).
pub async fn decline(state: &Node, proof: Authorized<DeclineKey>) -> Result<KeyRecord, KeyError> {
    let (actor, DeclineKey { id }) = proof.into_parts();
    change_state(
        state,
        &actor,
        &id,
        StateChange::Approved(false),
        DeclineKey::ACTION,
    )
    .await
}

/// Sets the limits every key of `owner` shares (replacing what was set;
/// neither a rate limit nor credits leaves the owner unlimited),
/// audited in the same transaction; every node forgets the old ones.
pub async fn set_owner_limits(
    state: &Node,
    proof: Authorized<SetOwnerLimits>,
) -> Result<keywarden_store::OwnerLimits, KeyError> {
    let (actor, command) = proof.into_parts();
    let owner = &parse_owner(&command.owner)?;
    let rate = rate_limit(command.rate_limit)?;
    let credits = validate::credits(command.credits.as_ref(), false)?;
    let audit = actor.draft(
        state,
        SetOwnerLimits::ACTION,
        Some(&format!("owner:{owner}")),
        serde_json::json!({ "rate_limit": rate.is_some(), "credits": credits.map(|c| c.remaining) }),
    );
    let limits = state
        .store()
        .put_owner_limits(owner.as_str(), rate, credits, state.now(), &audit)
        .await?;
    state.invalidate(&[format!("owner:{owner}").as_str()]);
    Ok(limits)
}

/// Removes an owner's shared limits; whether there were any.
pub async fn delete_owner_limits(
    state: &Node,
    proof: Authorized<DeleteOwnerLimits>,
) -> Result<bool, KeyError> {
    let (actor, command) = proof.into_parts();
    let owner = &parse_owner(&command.owner)?;
    let target = format!("owner:{owner}");
    let audit = actor.draft(
        state,
        DeleteOwnerLimits::ACTION,
        Some(&target),
        serde_json::json!({}),
    );
    let removed = state
        .store()
        .delete_owner_limits(owner.as_str(), &audit)
        .await?;
    state.invalidate(&[target.as_str()]);
    Ok(removed)
}

/// An owner's shared limits, as the proof's actor may read them: they span
/// every space (other spaces' keys spend them), so a root key scoped to
/// spaces reads none, as if there were none.
pub async fn owner_limits(
    state: &Node,
    proof: &Authorized<crate::command::ReadOwner>,
) -> Result<Option<keywarden_store::OwnerLimits>, KeyError> {
    if proof.actor().spaces().is_some() {
        return Ok(None);
    }
    let owner = parse_owner(&proof.command().owner)?;
    Ok(state.store().get_owner_limits(owner.as_str()).await?)
}

/// A recoverable key's secret, read back under the master key; audited.
pub async fn reveal(
    state: &Node,
    proof: Authorized<RevealKey>,
) -> Result<(KeyId, PlaintextKey), KeyError> {
    let id = parse_id(&proof.command().id)?;
    let record = load(state, proof.actor(), &id).await?;
    let conflict = |code, message: &str| KeyError {
        field: Some(KeyField::Recoverable),
        kind: KeyErrorKind::Conflict(code),
        message: message.to_owned(),
    };
    let sealed = record.sealed.ok_or_else(|| KeyError {
        field: Some(KeyField::Recoverable),
        kind: KeyErrorKind::NotRecoverable,
        message: "this key was not created recoverable".to_owned(),
    })?;
    let masters = state.master_keys();
    if masters.is_empty() {
        return Err(conflict(
            "RECOVERY_UNAVAILABLE",
            "the server has no master key (KEYWARDEN_MASTER_KEY)",
        ));
    }
    let sealed = envelope::Sealed {
        ciphertext: sealed.ciphertext,
        wrapped_key: sealed.wrapped_key,
    };
    let plaintext = envelope::open_any(&masters, &sealed, id.as_str()).map_err(|_| {
        conflict(
            "RECOVERY_FAILED",
            "the secret does not open with this master key",
        )
    })?;
    let key = String::from_utf8(plaintext.to_vec())
        .ok()
        .and_then(key::recovered)
        .ok_or_else(|| KeyError {
            field: None,
            kind: KeyErrorKind::Internal("a recovered secret is not a key".to_owned()),
            message: "internal error".to_owned(),
        })?;
    state
        .store()
        .audit(&proof.draft(state, Some(id.as_str()), serde_json::json!({})))
        .await?;
    Ok((id, key))
}

/// Revokes every key of an owner and/or environment (reason `emergency`
/// unless the command gives one); their ids.
pub async fn bulk(state: &Node, proof: Authorized<RevokeKeys>) -> Result<Vec<String>, KeyError> {
    let (actor, command) = proof.into_parts();
    let reason = &validate::reason(command.reason, "emergency")?;
    let (owner, env) = (command.owner.as_ref(), command.environment.as_ref());
    if owner.is_none() && env.is_none() && command.space.is_none() {
        return Err(KeyError::new(
            KeyField::Filter,
            KeyErrorKind::Required,
            "give an owner, an environment, a space, or several",
        ));
    }
    let mut target = bulk_target(owner, env);
    if let Some(space) = &command.space {
        target = format!("{target} space={space}");
    }
    let audit = actor.draft(
        state,
        RevokeKeys::ACTION,
        Some(&target),
        serde_json::json!({ "reason": reason }),
    );
    let filter = keywarden_store::KeyFilter {
        owner: command.owner.clone(),
        environment: command.environment.clone(),
        space: command.space.clone(),
        visible: actor.spaces().map(<[SpaceId]>::to_vec),
        ..Default::default()
    };
    let ids = state
        .store()
        .bulk_revoke(&filter, reason, state.now(), &audit)
        .await?;
    let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    state.invalidate(&refs);
    Ok(ids)
}
