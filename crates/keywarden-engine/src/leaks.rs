//! Leak response beneath HTTP: the one revocation of a leaked key, behind
//! `POST /v1/leaks`, GitHub's secret-scanning reports and `scan --revoke`.

use std::net::IpAddr;

use keywarden_core::key;
use keywarden_store::AuditDraft;

use crate::node::Node;

/// Text a reporter gave (a URL, a path): control characters dropped, at
/// most 300 characters.
pub fn clean_text(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(300).collect()
}

/// Who reported a leak, and where the key was found.
pub struct Reporter<'a> {
    /// The audit entry's actor (`leak-report`, `github-secret-scanning`).
    pub actor: &'static str,
    /// The reporter's address.
    pub ip: Option<IpAddr>,
    /// Where it was found: a URL or a path (`/v1/leaks`), or GitHub's
    /// `source` (`content`, `commit`, `issue_comment`, …).
    pub source: Option<&'a str>,
    /// The URL GitHub found it at.
    pub url: Option<&'a str>,
}

impl Reporter<'_> {
    /// `source` and `url` (when given), shown safely, for an audit entry.
    fn audit_details(&self) -> serde_json::Value {
        let safe = |s: &str| keywarden_core::names::display_safe(s, 200);
        let mut details = serde_json::json!({ "source": self.source.map(safe) });
        if let Some(url) = self.url {
            details["url"] = safe(url).into();
        }
        details
    }

    /// `source`, `url` (when given) and the reporter's address, for a
    /// `key.leaked` event; `root_key: true` for a root key's.
    fn event_details(&self, root: bool) -> serde_json::Value {
        let mut details = serde_json::json!({ "source": self.source });
        if let Some(url) = self.url {
            details["url"] = url.into();
        }
        details["reporter_ip"] = self.ip.map(|i| i.to_string()).into();
        if root {
            details["root_key"] = true.into();
        }
        details
    }

    /// The audit entry of a leak revocation of `target` by this reporter.
    fn audit(
        &self,
        action: keywarden_store::AuditAction,
        target: &str,
        at: keywarden_core::clock::UnixMillis,
    ) -> AuditDraft {
        AuditDraft {
            actor: self.actor.to_owned(),
            action: action.into(),
            target: Some(crate::authn::audit_target(target)),
            outcome: keywarden_store::AuditOutcome::Allowed.into(),
            client_ip: self.ip.map(|i| i.to_string()),
            details: self.audit_details(),
            at,
        }
    }
}

/// Revokes a leaked key (an API key with reason `leaked`, or a root key)
/// with its audit entry and, when it was live, its `key.leaked` event, in
/// one transaction: when this returns `Ok`, the revocation is durable.
/// `None`: not a key of this deployment. A key already revoked changes
/// nothing and writes nothing, so reporting a key twice, or replaying a
/// report, is harmless.
pub async fn revoke_leaked(
    state: &Node,
    reporter: &Reporter<'_>,
    parts: key::KeyParts<'_>,
) -> Result<Option<keywarden_store::LeakRevocation>, keywarden_store::StoreError> {
    use keywarden_store::{AuditAction, EventKind, KeyRecord, RootKeyRecord};
    let store = state.store();
    let peppers = store.peppers();
    let presented = parts.expose();
    // The environment says which kind of key it is: one lookup, never two.
    if parts.environment() != key::ROOT_ENVIRONMENT {
        let Some(record) =
            crate::lookup::find::<KeyRecord>(store, peppers, presented, None).await?
        else {
            return Ok(None);
        };
        return revoke_api_key(state, reporter, &record).await;
    }
    let Some(root) = crate::lookup::find::<RootKeyRecord>(store, peppers, presented, None).await?
    else {
        return Ok(None);
    };
    let now = state.now();
    let id = root.id.as_str();
    let details = reporter.event_details(true);
    let event = state
        .events()
        .draft(EventKind::KeyLeaked, Some(id), &details, now);
    let done = store
        .revoke_leaked_root_key(
            &root.id,
            now,
            &reporter.audit(AuditAction::RootKeyLeakRevoke, id, now),
            &event,
        )
        .await?;
    state.verify_callers().forget(&root.id);
    counted(state, done);
    Ok(done)
}

/// [`revoke_leaked`] for any reported string: a keywarden key as that
/// does; once keys were imported, a string of another format (a drf
/// `prefix.secret`, a Kong credential) is looked up as leak checks and
/// verification look it up ([`crate::verify::Verifier::inspect`]: keyed
/// digest, then the old system's hash), and the imported key it is is
/// revoked the same way. Anything else: `None`, no lookup.
pub async fn revoke_leaked_text(
    state: &Node,
    reporter: &Reporter<'_>,
    presented: &str,
) -> Result<Option<keywarden_store::LeakRevocation>, keywarden_store::StoreError> {
    match key::Presented::read(presented) {
        key::Presented::Key(parts) => revoke_leaked(state, reporter, parts).await,
        key::Presented::Other(text) => match state.verifier().inspect(text).await? {
            crate::verify::Inspected::ApiKey(record) => {
                revoke_api_key(state, reporter, &record).await
            }
            _ => Ok(None),
        },
        key::Presented::Malformed => Ok(None),
    }
}

/// Revokes one API key reported leaked: reason `leaked`, audit entry and
/// (when it was live) `key.leaked` event in one transaction.
async fn revoke_api_key(
    state: &Node,
    reporter: &Reporter<'_>,
    record: &keywarden_store::KeyRecord,
) -> Result<Option<keywarden_store::LeakRevocation>, keywarden_store::StoreError> {
    use keywarden_store::{AuditAction, EventKind};
    let now = state.now();
    let id = record.id.as_str();
    let details = reporter.event_details(false);
    let event = state
        .events()
        .draft(EventKind::KeyLeaked, Some(id), &details, now);
    let audit = reporter.audit(AuditAction::KeyLeakRevoke, id, now);
    let done = state
        .store()
        .revoke_leaked_key(&record.id, now, &audit, &event)
        .await?;
    state.invalidate(&[id]);
    counted(state, done);
    Ok(done)
}

/// Counts a revocation, and wakes the event sender when one was stored.
fn counted(state: &Node, done: Option<keywarden_store::LeakRevocation>) {
    if let Some(done) = done {
        if done.revoked {
            state.metrics().leaks_revoked.inc();
        }
        if done.was_live {
            state.events().stored();
        }
    }
}
