//! The vault: secrets a team holds (a Stripe key, a database password),
//! per space and environment. Every operation takes its proof
//! ([`crate::authz::Authorized`]); a root key limited to environments was
//! refused another environment's secrets there (403), and a space the
//! actor does not see is not found (404), as its keys are.
//!
//! A value is sealed here, before the store sees it: AES-256-GCM under a
//! fresh data key per version, the data key sealed under the master key,
//! both with the version's place as associated data
//! ([`keywarden_store::secret_aad`]). Values leave only in answers that
//! asked for them; audit entries name secrets, never values.

use keywarden_core::{
    clock::parse_duration,
    envelope::{self, MasterKey, Sealed},
    key::Environment,
    names::SecretName,
    secret::SecretString,
    spaces::{DEFAULT_SPACE, SpaceId},
    vault_digest,
};
use keywarden_proto::secrets::{MAX_SECRET_CHARS, MAX_SECRET_NOTE, VaultDigest, VaultScanDigests};
use keywarden_store::{
    SealedValue, SecretFilter, SecretRecord, SecretVersionInfo, SecretWrite, StoreError, secret_aad,
};

use crate::{
    authz::{Actor, Authorized},
    command::{
        DeleteSecret, ListSecrets, PutSecret, ReadSecret, ReadSecretHistory, RollbackSecret,
        ScanVault, SecretTarget,
    },
    keys::{KeyError, KeyErrorKind, KeyField},
    node::Node,
};

/// The longest rotation period: ten years.
pub const MAX_ROTATE_EVERY_MS: i64 = 3660 * 86_400_000;

/// Where a secret lives, parsed and checked against the actor.
#[derive(Debug, Clone)]
pub struct Place {
    /// The space.
    pub space: SpaceId,
    /// The environment.
    pub environment: Environment,
}

/// A secret read with its value.
#[derive(Debug)]
pub struct Revealed {
    /// Its metadata.
    pub record: SecretRecord,
    /// Its value.
    pub value: SecretString,
}

fn not_found(what: &'static str) -> KeyError {
    KeyError {
        field: Some(KeyField::Secret),
        kind: KeyErrorKind::Missing(what),
        message: format!("{what} not found"),
    }
}

fn invalid(message: impl Into<String>) -> KeyError {
    KeyError {
        field: Some(KeyField::Secret),
        kind: KeyErrorKind::Invalid,
        message: message.into(),
    }
}

fn internal(detail: impl Into<String>) -> KeyError {
    KeyError {
        field: None,
        kind: KeyErrorKind::Internal(detail.into()),
        message: "internal error".to_owned(),
    }
}

fn master(state: &Node) -> Result<&MasterKey, KeyError> {
    state.master_key().ok_or_else(|| KeyError {
        field: Some(KeyField::Secret),
        kind: KeyErrorKind::Conflict("MASTER_KEY_REQUIRED"),
        message: "the vault needs a master key: start the server with KEYWARDEN_MASTER_KEY"
            .to_owned(),
    })
}

/// The space and environment a command names, as `actor` sees them: a
/// space it does not see, or that does not exist, is not found; so is an
/// environment name that cannot be one.
async fn place(state: &Node, actor: &Actor, target: &SecretTarget) -> Result<Place, KeyError> {
    let space = visible_space(state, actor, target.space.as_deref()).await?;
    let environment: Environment = target
        .environment
        .parse()
        .map_err(|_| not_found("environment"))?;
    Ok(Place { space, environment })
}

/// The space a request names (`None`: `default`) as `actor` sees it: one
/// it does not see, or that does not exist, is not found.
async fn visible_space(
    state: &Node,
    actor: &Actor,
    space: Option<&str>,
) -> Result<SpaceId, KeyError> {
    let space: SpaceId = space
        .unwrap_or(DEFAULT_SPACE)
        .parse()
        .map_err(|_| not_found("space"))?;
    if !actor.sees(&space) || state.store().get_space(&space).await?.is_none() {
        return Err(not_found("space"));
    }
    Ok(space)
}

/// The name a command names: one that cannot be is not found.
fn name_of(target: &SecretTarget) -> Result<SecretName, KeyError> {
    target
        .name
        .as_deref()
        .unwrap_or_default()
        .parse()
        .map_err(|_| not_found("secret"))
}

fn aad(record: &SecretRecord, version: i64) -> String {
    secret_aad(
        record.space.as_str(),
        record.environment.as_str(),
        &record.name,
        &record.id,
        version,
    )
}

fn open(
    state: &Node,
    record: &SecretRecord,
    version: i64,
    sealed: &SealedValue,
) -> Result<SecretString, KeyError> {
    master(state)?;
    let sealed = Sealed {
        ciphertext: sealed.ciphertext.clone(),
        wrapped_key: sealed.wrapped_key.clone(),
    };
    let bytes = envelope::open_any(&state.master_keys(), &sealed, &aad(record, version))
        .map_err(|e| internal(format!("secret {} v{version}: {e}", record.id)))?;
    let text = String::from_utf8(bytes.to_vec())
        .map_err(|_| internal(format!("secret {} v{version}: not UTF-8", record.id)))?;
    Ok(SecretString::new(text))
}

/// The audit details of a read or write: names, never values.
fn names_json(records: &[SecretRecord]) -> serde_json::Value {
    serde_json::Value::from(
        records
            .iter()
            .map(|r| format!("{}/{}", r.environment, r.name))
            .collect::<Vec<_>>(),
    )
}

/// An environment's secrets, by name; with `values`, every value too
/// (one audit entry naming every secret read).
pub async fn list(
    state: &Node,
    proof: Authorized<ListSecrets>,
) -> Result<(Place, Vec<(SecretRecord, Option<SecretString>)>), KeyError> {
    let place = place(state, proof.actor(), &proof.command().target).await?;
    let filter = SecretFilter {
        space: &place.space,
        environments: Some(std::slice::from_ref(&place.environment)),
        name: None,
    };
    if !proof.command().values {
        let records = state.store().list_secrets(&filter).await?;
        return Ok((place, records.into_iter().map(|r| (r, None)).collect()));
    }
    master(state)?;
    let label = proof.command().target.label();
    let read = state
        .store()
        .read_secrets(&filter, true, state.now(), |records| {
            proof.draft(
                state,
                Some(&label),
                serde_json::json!({ "values": true, "read": names_json(records) }),
            )
        })
        .await?;
    let mut out = Vec::with_capacity(read.len());
    for (record, sealed) in read {
        let value = open(state, &record, record.version, &sealed)?;
        out.push((record, Some(value)));
    }
    Ok((place, out))
}

/// One secret's value (audited, and its `last_read_at` set).
pub async fn read(state: &Node, proof: Authorized<ReadSecret>) -> Result<Revealed, KeyError> {
    let target = &proof.command().target;
    let place = place(state, proof.actor(), target).await?;
    let name = name_of(target)?;
    master(state)?;
    let label = target.label();
    let filter = SecretFilter {
        space: &place.space,
        environments: Some(std::slice::from_ref(&place.environment)),
        name: Some(name.as_str()),
    };
    let read = state
        .store()
        .read_secrets(&filter, true, state.now(), |records| {
            let version = records.first().map_or(0, |r| r.version);
            proof.draft(
                state,
                Some(&label),
                serde_json::json!({ "version": version }),
            )
        })
        .await?;
    let (record, sealed) = read.into_iter().next().ok_or_else(|| not_found("secret"))?;
    let value = open(state, &record, record.version, &sealed)?;
    Ok(Revealed { record, value })
}

/// A rotation period as text: a duration of up to ten years.
fn rotate_every(text: &str) -> Result<i64, KeyError> {
    parse_duration(text)
        .filter(|ms| *ms > 0 && *ms <= MAX_ROTATE_EVERY_MS)
        .ok_or_else(|| invalid("rotate_every: a duration such as 30d or 12w, at most 3660d"))
}

fn check_value(value: &str) -> Result<(), KeyError> {
    if value.chars().count() > MAX_SECRET_CHARS {
        return Err(invalid(format!(
            "value: at most {MAX_SECRET_CHARS} characters"
        )));
    }
    if value.contains('\0') {
        return Err(invalid(
            "value: a NUL character cannot be handed to a process's environment",
        ));
    }
    Ok(())
}

/// What a new version changes besides its value.
struct Change {
    note: Option<Option<String>>,
    every: Option<Option<i64>>,
}

/// Writes `value` as a new version (the first makes the secret).
async fn write_version(
    state: &Node,
    (actor_id, place, name): (&str, &Place, &SecretName),
    value: &SecretString,
    change: Change,
    audit: impl FnOnce(&SecretRecord) -> keywarden_store::AuditDraft,
) -> Result<SecretRecord, KeyError> {
    let master = master(state)?;
    let write = SecretWrite {
        space: &place.space,
        environment: &place.environment,
        name: name.as_str(),
        note: change.note,
        rotate_every: change.every,
        created_by: actor_id,
        keep_versions: i64::from(state.config().secret_versions),
        now: state.now(),
    };
    let record = state
        .store()
        .put_secret(
            &write,
            |id, version| {
                let aad = secret_aad(
                    place.space.as_str(),
                    place.environment.as_str(),
                    name.as_str(),
                    id,
                    version,
                );
                let sealed = envelope::seal(master, value.expose().as_bytes(), &aad)
                    .map_err(|_| StoreError::Corrupt("the value could not be sealed".to_owned()))?;
                Ok(SealedValue {
                    ciphertext: sealed.ciphertext,
                    wrapped_key: sealed.wrapped_key,
                })
            },
            audit,
        )
        .await?;
    Ok(record)
}

/// The id an audit entry and a version name the actor by.
fn actor_id(state: &Node, actor: &Actor) -> String {
    actor
        .draft(
            state,
            keywarden_store::AuditAction::SecretWrite,
            None,
            serde_json::json!({}),
        )
        .actor
}

/// Writes a new version of a secret.
pub async fn put(state: &Node, proof: Authorized<PutSecret>) -> Result<SecretRecord, KeyError> {
    let command = proof.command();
    let place = place(state, proof.actor(), &command.target).await?;
    let name: SecretName = command
        .target
        .name
        .as_deref()
        .unwrap_or_default()
        .parse()
        .map_err(|e: keywarden_core::names::NameError| invalid(format!("name: {e}")))?;
    check_value(command.request.value.expose())?;
    let note = match &command.request.note {
        Some(Some(note)) => {
            if note.chars().count() > MAX_SECRET_NOTE || !keywarden_core::names::is_clean_text(note)
            {
                return Err(invalid(format!(
                    "note: at most {MAX_SECRET_NOTE} characters, without control characters"
                )));
            }
            Some(Some(note.clone()))
        }
        other => other.clone(),
    };
    let every = match &command.request.rotate_every {
        Some(Some(text)) => Some(Some(rotate_every(text)?)),
        Some(None) => Some(None),
        None => None,
    };
    let label = command.target.label();
    let who = actor_id(state, proof.actor());
    write_version(
        state,
        (&who, &place, &name),
        &command.request.value,
        Change { note, every },
        |record| {
            proof.draft(
                state,
                Some(&label),
                serde_json::json!({ "version": record.version, "bytes": command.request.value.expose().len() }),
            )
        },
    )
    .await
}

/// Deletes a secret and every version of it.
pub async fn delete(state: &Node, proof: Authorized<DeleteSecret>) -> Result<(), KeyError> {
    let target = &proof.command().target;
    let place = place(state, proof.actor(), target).await?;
    let name = name_of(target)?;
    let draft = proof.draft(state, Some(&target.label()), serde_json::json!({}));
    if state
        .store()
        .delete_secret(&place.space, &place.environment, name.as_str(), &draft)
        .await?
    {
        Ok(())
    } else {
        Err(not_found("secret"))
    }
}

/// A secret's metadata and kept versions, newest first (audited).
pub async fn history(
    state: &Node,
    proof: Authorized<ReadSecretHistory>,
) -> Result<(SecretRecord, Vec<SecretVersionInfo>), KeyError> {
    let target = &proof.command().target;
    let place = place(state, proof.actor(), target).await?;
    let name = name_of(target)?;
    let found = state
        .store()
        .secret_versions(&place.space, &place.environment, name.as_str())
        .await?
        .ok_or_else(|| not_found("secret"))?;
    state
        .store()
        .audit(&proof.draft(state, Some(&target.label()), serde_json::json!({})))
        .await?;
    Ok(found)
}

/// Writes a new version equal to the kept version `to`.
pub async fn rollback(
    state: &Node,
    proof: Authorized<RollbackSecret>,
) -> Result<SecretRecord, KeyError> {
    let command = proof.command();
    let place = place(state, proof.actor(), &command.target).await?;
    let name = name_of(&command.target)?;
    let (record, _) = state
        .store()
        .secret_versions(&place.space, &place.environment, name.as_str())
        .await?
        .ok_or_else(|| not_found("secret"))?;
    let sealed = state
        .store()
        .secret_version(&record, command.to)
        .await?
        .ok_or_else(|| not_found("version"))?;
    let value = open(state, &record, command.to, &sealed)?;
    let label = command.target.label();
    let who = actor_id(state, proof.actor());
    let to = command.to;
    let change = Change {
        note: None,
        every: None,
    };
    write_version(state, (&who, &place, &name), &value, change, |record| {
        proof.draft(
            state,
            Some(&label),
            serde_json::json!({ "version": record.version, "from_version": to }),
        )
    })
    .await
}

/// Keyed digests of the vault's values for one scan: a fresh random key,
/// and for each secret of the space in the environments asked (those the
/// root key holds), HMAC-SHA256 of its value under that key. The scanner
/// digests what it reads under the same key; no value leaves the server.
pub async fn scan_digests(
    state: &Node,
    proof: Authorized<ScanVault>,
) -> Result<VaultScanDigests, KeyError> {
    let actor = proof.actor();
    let request = &proof.command().request;
    let space = visible_space(state, actor, request.space.as_deref()).await?;
    let asked: Option<Vec<Environment>> = match &request.environments {
        None => None,
        Some(list) => {
            if list.len() > 50 {
                return Err(invalid("environments: at most 50"));
            }
            Some(
                list.iter()
                    .map(|e| {
                        e.parse().map_err(|_| {
                            invalid(format!("environments: {e:?} is not an environment"))
                        })
                    })
                    .collect::<Result<_, _>>()?,
            )
        }
    };
    // What the root key holds bounds what it asks.
    let environments: Option<Vec<Environment>> = match (asked, &actor.root().environments) {
        (None, held) => held.clone(),
        (Some(asked), None) => Some(asked),
        (Some(asked), Some(held)) => Some(asked.into_iter().filter(|e| held.contains(e)).collect()),
    };
    master(state)?;
    let filter = SecretFilter {
        space: &space,
        environments: environments.as_deref(),
        name: None,
    };
    let read = state
        .store()
        .read_secrets(&filter, false, state.now(), |records| {
            proof.draft(
                state,
                Some(&format!("secret:{space}")),
                serde_json::json!({ "digests": names_json(records) }),
            )
        })
        .await?;
    let key = keywarden_core::random::bytes::<32>();
    let tag_key = vault_digest::tag_key(&key);
    let mut secrets = Vec::with_capacity(read.len());
    for (record, sealed) in read {
        let value = open(state, &record, record.version, &sealed)?;
        let bytes = value.expose().as_bytes();
        secrets.push(VaultDigest {
            label: format!("{}/{}", record.environment, record.name),
            length: bytes.len(),
            digest: hex::encode(vault_digest::digest(&key, bytes)),
            tag: vault_digest::tag(&tag_key, bytes),
        });
    }
    Ok(VaultScanDigests {
        key: hex::encode(key),
        secrets,
    })
}

/// Announces secrets whose rotation is due ([`Node::notify_rotation_due`],
/// which housekeeping calls every minute); how many were announced.
pub async fn notify_rotation_due(state: &Node) -> usize {
    state.notify_rotation_due().await
}

/// What [`rotate_master_key`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Rewrapped {
    /// Data keys now sealed under the new master key.
    pub rewrapped: u64,
    /// Data keys already under it (or changed meanwhile).
    pub already: u64,
}

/// Seals every data key of the store (the vault's versions and the
/// recoverable keys) under `new`, opening each with `new` or one of `old`:
/// online, row by row, each replaced only if it did not change meanwhile.
/// A data key that opens under none of them stops the rotation
/// (`Err`), leaving what was done; running it again goes on.
pub async fn rotate_master_key(
    store: &keywarden_store::Store,
    old: &[MasterKey],
    new: &MasterKey,
) -> Result<Rewrapped, String> {
    let mut done = Rewrapped::default();
    let mut after = None;
    loop {
        let page = store
            .wrapped_keys(after.as_ref(), 500)
            .await
            .map_err(|e| e.to_string())?;
        let Some(last) = page.last() else {
            return Ok(done);
        };
        after = Some(last.at.clone());
        for item in &page {
            if envelope::unwrap_data_key(new, &item.wrapped, &item.aad).is_ok() {
                done.already += 1;
                continue;
            }
            let data_key = old
                .iter()
                .find_map(|m| envelope::unwrap_data_key(m, &item.wrapped, &item.aad).ok())
                .ok_or_else(|| {
                    format!(
                        "a data key ({:?}) opens under neither the new nor an old master key",
                        item.at
                    )
                })?;
            let wrapped =
                envelope::wrap_data_key(new, &data_key, &item.aad).map_err(|e| e.to_string())?;
            if store
                .replace_wrapped_key(&item.at, &item.wrapped, &wrapped)
                .await
                .map_err(|e| e.to_string())?
            {
                done.rewrapped += 1;
            } else {
                done.already += 1;
            }
        }
    }
}
