//! Importing keys made by another system: each row checked alone (a row
//! that cannot be read is reported with its index, never half-imported),
//! the rows that pass stored in one transaction with one audit entry, and
//! nothing stored twice (`external_id`, the key's digest or its old hash).
//!
//! A row gives the key's text (stored as a keyed digest, like every key
//! made here) or the old system's hash of it (`sha256`/`sha512`; the key
//! waits with a placeholder digest until it is first presented, when the
//! verifier digests it under the pepper and deletes the old hash).

use std::collections::HashMap;

use base64::Engine as _;
use keywarden_core::{
    digest::KeyDigest,
    key::{self, KeyId},
    spaces::SpaceId,
};
use keywarden_proto::keys::{ForeignHash, ImportKeyRow, ImportRowError};
use keywarden_store::{
    ForeignAlgorithm, ImportCounts, ImportedKey, KeyCredits, KeyRecord, RoleRecord, SpaceRecord,
};

use super::{
    KeyError,
    validate::{self, check_metadata, check_name, check_scopes},
};
use crate::{authz::Authorized, command::ImportKeys, node::Node};

/// Most rows one import request takes.
pub const MAX_IMPORT_ROWS: usize = 1_000;

pub use keywarden_core::key::MAX_IMPORTED_TEXT;

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Stored and already there.
    pub counts: ImportCounts,
    /// The rows refused.
    pub errors: Vec<ImportRowError>,
}

/// Imports the proof's rows; see the module docs.
pub async fn import(state: &Node, proof: Authorized<ImportKeys>) -> Result<ImportReport, KeyError> {
    let (actor, command) = proof.into_parts();
    if command.rows.is_empty() || command.rows.len() > MAX_IMPORT_ROWS {
        return Err(KeyError::invalid(
            super::KeyField::Changes,
            format!("an import takes 1 to {MAX_IMPORT_ROWS} keys"),
        ));
    }
    let now = state.now();
    let mut spaces: HashMap<SpaceId, Option<(SpaceRecord, Vec<RoleRecord>)>> = HashMap::new();
    let mut keys = Vec::with_capacity(command.rows.len());
    let mut errors = Vec::new();
    for (index, value) in command.rows.into_iter().enumerate() {
        let refuse = |code: &str, message: String| ImportRowError {
            index,
            code: code.to_owned(),
            message,
        };
        let row: ImportKeyRow = match serde_json::from_value(value) {
            Ok(row) => row,
            Err(e) => {
                errors.push(refuse(
                    "INVALID_ROW",
                    format!(
                        "the row cannot be read: {}",
                        keywarden_core::names::redact_quoted(&e.to_string())
                    ),
                ));
                continue;
            }
        };
        let space_id = row.space.clone().unwrap_or_default();
        if !actor.sees(&space_id) {
            errors.push(refuse(
                "FORBIDDEN",
                format!("this root key does not hold the space {space_id}"),
            ));
            continue;
        }
        if !spaces.contains_key(&space_id) {
            let found = match state.store().get_space(&space_id).await? {
                Some(space) => {
                    let roles = state.store().list_roles(&space_id).await?;
                    Some((space, roles))
                }
                None => None,
            };
            spaces.insert(space_id.clone(), found);
        }
        let Some(Some((space, roles))) = spaces.get(&space_id) else {
            errors.push(refuse("UNKNOWN_SPACE", format!("no space {space_id}")));
            continue;
        };
        match imported_key(state, row, space, roles, now) {
            Ok(key) => keys.push(key),
            Err((code, message)) => errors.push(refuse(code, message)),
        }
    }
    let audit = actor.draft(
        state,
        <ImportKeys as crate::authz::Command>::ACTION,
        None,
        serde_json::json!({ "rows": keys.len() + errors.len(), "failed": errors.len() }),
    );
    let counts = if keys.is_empty() {
        state.store().audit(&audit).await?;
        ImportCounts::default()
    } else {
        state
            .store()
            .import_keys(&keys, &audit)
            .await
            .map_err(super::space_gone)?
    };
    if counts.imported > 0 {
        // A key presented before it was imported may sit in the negative
        // cache; and the verifier now takes keys of any format.
        state.invalidate_all();
        state.verifier().accept_imported(true);
    }
    Ok(ImportReport { counts, errors })
}

/// A row's key, or why not (code, message).
fn imported_key(
    state: &Node,
    row: ImportKeyRow,
    space: &SpaceRecord,
    roles: &[RoleRecord],
    now: i64,
) -> Result<ImportedKey, (&'static str, String)> {
    let invalid = |e: KeyError| (e.code(), e.message);
    let environment = match row.environment {
        Some(env) => env,
        None => "live"
            .parse()
            .map_err(|_| ("INTERNAL", "internal error".to_owned()))?,
    };
    if environment.is_root() {
        return Err((
            "RESERVED_ENVIRONMENT",
            "the root environment is reserved for root keys".to_owned(),
        ));
    }
    if let Some(id) = &row.external_id
        && (id.is_empty()
            || id.chars().count() > validate::MAX_NAME
            || !keywarden_core::names::is_clean_text(id))
    {
        return Err((
            "INVALID_ROW",
            "external_id is 1 to 200 characters, without control characters".to_owned(),
        ));
    }
    check_name(row.name.as_ref()).map_err(invalid)?;
    check_scopes(&row.scopes).map_err(invalid)?;
    super::check_roles_in(roles, &space.id, &row.roles).map_err(invalid)?;
    let metadata = row.metadata.unwrap_or_else(|| serde_json::json!({}));
    check_metadata(&metadata).map_err(invalid)?;
    let expires_at = super::new_key_expiry(
        state,
        space,
        &environment,
        validate::expiry(row.expires_at.as_deref(), None, now).map_err(invalid)?,
        None,
        now,
    )
    .map_err(invalid)?;
    let rate_limit = validate::rate_limit(row.rate_limit.map(Into::into)).map_err(invalid)?;
    let credits = validate::credits(row.credits.map(Into::into).as_ref(), false)
        .map_err(invalid)?
        .map(|c| KeyCredits {
            limit: c.remaining,
            remaining: c.remaining,
            refill: c.refill,
            period: 0,
        });
    let (digest, pepper_version, hint, prefix, foreign) = match (row.plaintext, row.hash) {
        (Some(text), None) => {
            let text = text.expose();
            let (hint, prefix) = match key::Presented::read(text) {
                // A keywarden key keeps its own environment: the row's must
                // agree, and a root key is no API key.
                key::Presented::Key(parts) => {
                    if parts.environment() != environment.as_str() {
                        return Err((
                            "INVALID_KEY_TEXT",
                            format!(
                                "the key is of the environment {}, the row says {environment}",
                                parts.environment()
                            ),
                        ));
                    }
                    (parts.hint(), parts.prefix().to_owned())
                }
                key::Presented::Other(text) => (legacy_hint(text), String::new()),
                key::Presented::Malformed => {
                    return Err((
                        "INVALID_KEY_TEXT",
                        format!(
                            "a key's text is 1 to {MAX_IMPORTED_TEXT} printable ASCII characters, without spaces; a keywarden key must have its checksum"
                        ),
                    ));
                }
            };
            let pepper = state.store().peppers().current();
            (pepper.digest(text), pepper.version(), hint, prefix, None)
        }
        (None, Some(hash)) => {
            let (algorithm, bytes) = foreign_hash(&hash)?;
            let mut placeholder = [0u8; 32];
            keywarden_core::random::fill(&mut placeholder);
            let digest = KeyDigest::from_slice(&placeholder)
                .ok_or(("INTERNAL", "internal error".to_owned()))?;
            let hint = format!("imported ({})", algorithm.as_str());
            (digest, 0, hint, String::new(), Some((algorithm, bytes)))
        }
        _ => {
            return Err((
                "INVALID_ROW",
                "give the key's plaintext or its hash, one of the two".to_owned(),
            ));
        }
    };
    Ok(ImportedKey {
        record: KeyRecord {
            id: KeyId::generate(),
            digest,
            pepper_version,
            hint,
            prefix,
            environment,
            owner: row.owner,
            name: row.name,
            effective: row.scopes.clone(),
            scopes: row.scopes,
            space: space.id.clone(),
            roles: row.roles,
            metadata,
            created_at: now,
            updated_at: now,
            expires_at,
            revoked: None,
            rotated_from: None,
            rotated_to: None,
            ip_allowlist: Vec::new(),
            rate_limit,
            credits,
            last_used_at: None,
            sealed: None,
            disabled_at: None,
            pending_at: None,
            rate_limits: Vec::new(),
            limits_key: None,
            external_id: row.external_id,
            imported_at: Some(now),
        },
        foreign,
    })
}

/// An old system's hash, decoded and checked for its algorithm's length.
fn foreign_hash(hash: &ForeignHash) -> Result<(ForeignAlgorithm, Vec<u8>), (&'static str, String)> {
    let bad = |m: &str| ("INVALID_HASH", m.to_owned());
    let algorithm = match hash.algorithm.as_str() {
        "sha256" => ForeignAlgorithm::Sha256,
        "sha512" => ForeignAlgorithm::Sha512,
        _ => return Err(bad("hash.algorithm is sha256 or sha512")),
    };
    let value = hash.value.trim();
    let bytes = match hash.encoding.as_str() {
        "hex" => hex::decode(value).map_err(|_| bad("hash.value is not hex"))?,
        "base64" => base64::engine::general_purpose::STANDARD
            .decode(value)
            .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(value))
            .map_err(|_| bad("hash.value is not base64"))?,
        _ => return Err(bad("hash.encoding is hex or base64")),
    };
    if bytes.len() != algorithm.hash_len() {
        return Err((
            "INVALID_HASH",
            format!(
                "a {} hash is {} bytes, not {}",
                algorithm.as_str(),
                algorithm.hash_len(),
                bytes.len()
            ),
        ));
    }
    Ok((algorithm, bytes))
}

/// The hint of a key of another format: its last four characters, and
/// none for a key shorter than 20 (too much of a short secret).
fn legacy_hint(text: &str) -> String {
    if text.len() >= 20 {
        format!("…{}", &text[text.len() - 4..])
    } else {
        "…".to_owned()
    }
}
