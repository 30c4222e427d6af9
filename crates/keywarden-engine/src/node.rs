//! The node: its store, settings, clock, verification engine, metrics and
//! events, behind one cheap handle ([`Node`]) that every operation takes.

use std::{net::IpAddr, sync::Arc};

use keywarden_core::{clock::Clock, envelope::MasterKey};
use keywarden_store::Store;
use tokio::task::JoinHandle;

use crate::{
    config::ServerConfig,
    events::{EventSink, Webhook, WebhookClient},
    limits::WindowCounter,
    metrics::Metrics,
    usage_log::UsageLog,
    verify::{Verifier, VerifierSettings},
};

/// Most rows the usage log holds unwritten (identical verifications of a
/// second share one).
const USAGE_QUEUE: usize = 200_000;

/// The node's parts. Private: each part is reached through one accessor of
/// [`Node`], so what a module uses is visible in its calls.
struct Inner {
    store: Store,
    config: ServerConfig,
    clock: Arc<dyn Clock>,
    master_key: Option<MasterKey>,
    /// Master keys the current one replaced, while a rotation runs.
    previous_master_keys: std::sync::OnceLock<Vec<MasterKey>>,
    verifier: Verifier,
    metrics: Metrics,
    events: EventSink,
    verify_callers: crate::authn::CallerCache,
    auth_failures: WindowCounter<IpAddr>,
    denials: crate::authn::Denials,
    audit_anchor: std::sync::Mutex<Option<keywarden_store::ChainAnchor>>,
    leak_reports: WindowCounter<IpAddr>,
    partner_keys: Option<crate::partner_keys::PartnerKeys>,
}

/// A node: what every operation works with. Cheap to clone.
#[derive(Clone)]
pub struct Node(Arc<Inner>);

/// Background tasks of a node; [`Background::shutdown`] flushes the usage
/// log and stops them.
pub struct Background {
    state: Node,
    usage: UsageLog,
    usage_task: JoinHandle<()>,
    others: Vec<JoinHandle<()>>,
}

impl Background {
    /// Writes queued usage events and folded audit entries, and stops the
    /// tasks.
    pub async fn shutdown(self) {
        for task in &self.others {
            task.abort();
        }
        self.state.flush_denials(true).await;
        self.usage.shutdown();
        let _ = self.usage_task.await;
    }
}

impl Node {
    /// Builds a node and starts its background tasks (the usage writer,
    /// housekeeping, the webhook's delivery worker when there is a webhook,
    /// and on PostgreSQL the change listener), delivering events through
    /// `C`'s HTTP client. Must be called inside a tokio runtime.
    pub async fn start_with_webhook<C: WebhookClient>(
        store: Store,
        config: ServerConfig,
        clock: Arc<dyn Clock>,
        master_key: Option<MasterKey>,
        webhook: Option<Webhook<C>>,
    ) -> (Self, Background) {
        let metrics = Metrics::new();
        let events = EventSink::new(store.clone(), webhook, metrics.clone());
        let node_id = config
            .node_id
            .clone()
            .unwrap_or_else(|| format!("node-{}", config.listen.port()));
        let (usage, usage_task) =
            UsageLog::start(store.clone(), metrics.clone(), USAGE_QUEUE, node_id);
        let verifier = Verifier::new(
            store.clone(),
            clock.clone(),
            usage.clone(),
            metrics.clone(),
            events.clone(),
            VerifierSettings {
                cache_ttl_ms: config.cache_ttl.ms(),
                cache_capacity: config.cache_capacity,
                failure_limit_per_minute: config.failure_limit_per_minute,
                burst_per_minute: config.burst_per_minute,
                rate_limit_mode: config.effective_rate_limit_mode(),
                credits_low_ratio: config.credits_low_ratio,
            },
        );
        let state = Self(Arc::new(Inner {
            auth_failures: WindowCounter::new(config.failure_limit_per_minute),
            denials: crate::authn::Denials::default(),
            audit_anchor: std::sync::Mutex::new(None),
            leak_reports: WindowCounter::new(config.leak_reports_per_minute),
            partner_keys: config
                .github_partner_keys
                .clone()
                .map(crate::partner_keys::PartnerKeys::new),
            store,
            config,
            clock,
            master_key,
            previous_master_keys: std::sync::OnceLock::new(),
            verifier,
            metrics,
            events,
            verify_callers: crate::authn::CallerCache::default(),
        }));
        // Keys of other formats are looked up only once some were imported.
        state.verifier().refresh_imported().await;
        let mut others = vec![tokio::spawn(housekeeping(state.clone()))];
        if let Some(worker) = state.events().worker() {
            others.push(tokio::spawn(worker));
        }
        if let Some(listener) = change_listener(state.clone()).await {
            others.push(tokio::spawn(listener));
        }
        (
            state.clone(),
            Background {
                state,
                usage,
                usage_task,
                others,
            },
        )
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.0.store
    }

    /// The settings.
    pub fn config(&self) -> &ServerConfig {
        &self.0.config
    }

    /// The verification engine.
    pub fn verifier(&self) -> &Verifier {
        &self.0.verifier
    }

    /// The metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    /// Now, by the injected clock.
    pub fn now(&self) -> i64 {
        self.0.clock.now_ms()
    }

    /// Announces keys that expire within `expiry_notice`: one
    /// `key.expiring` event (stored, and delivered to the webhook) per key
    /// in its life, whichever node finds it first. The housekeeping task
    /// calls it every minute; how many were announced.
    pub async fn notify_expiring(&self) -> usize {
        let now = self.now();
        let until = now.saturating_add(self.config().expiry_notice.ms());
        let expiring = match self.store().take_expiring(now, until).await {
            Ok(list) => list,
            Err(err) => {
                tracing::warn!(error = %err, "expiring keys could not be read");
                return 0;
            }
        };
        for (id, owner, expires_at) in &expiring {
            self.0
                .events
                .record(
                    keywarden_store::EventKind::KeyExpiring,
                    Some(id.clone()),
                    serde_json::json!({
                        "owner": owner,
                        "expires_at": crate::timefmt::rfc3339(*expires_at),
                    }),
                    now,
                )
                .await;
        }
        expiring.len()
    }

    /// Announces vault secrets whose rotation is due: one
    /// `secret.rotation_due` event (stored, and delivered to the webhook)
    /// per secret and period while it is not rotated, whichever node finds
    /// it first. The housekeeping task calls it every minute; how many were
    /// announced.
    pub async fn notify_rotation_due(&self) -> usize {
        let now = self.now();
        let due = match self.store().take_rotation_due(now).await {
            Ok(list) => list,
            Err(err) => {
                tracing::warn!(error = %err, "secrets due for rotation could not be read");
                return 0;
            }
        };
        for record in &due {
            self.0
                .events
                .record(
                    keywarden_store::EventKind::SecretRotationDue,
                    Some(format!(
                        "secret:{}/{}/{}",
                        record.space, record.environment, record.name
                    )),
                    serde_json::json!({
                        "space": record.space.as_str(),
                        "environment": record.environment.as_str(),
                        "name": record.name,
                        "version": record.version,
                        "updated_at": crate::timefmt::rfc3339(record.updated_at),
                        "rotate_every": record.rotate_every.map(keywarden_core::clock::format_duration),
                    }),
                    now,
                )
                .await;
        }
        due.len()
    }

    /// Writes a signed checkpoint of the audit chain's head (sequence
    /// number, hash, time, HMAC under a key derived from the pepper) to the
    /// log and as an `audit.checkpoint` event (stored, and delivered to the
    /// webhook when one is configured), so a system outside the database
    /// can anchor the chain. The housekeeping task calls it every hour.
    pub async fn audit_checkpoint(&self) -> Option<keywarden_store::AuditCheckpoint> {
        let now = self.now();
        let checkpoint = match self.store().audit_checkpoint(now).await {
            Ok(Some(c)) => c,
            Ok(None) => return None,
            Err(err) => {
                tracing::warn!(error = %err, "the audit checkpoint could not be read");
                return None;
            }
        };
        tracing::info!(
            seq = checkpoint.seq,
            hash = %checkpoint.hash,
            at = %crate::timefmt::rfc3339(checkpoint.at),
            key_version = checkpoint.key_version,
            signature = %checkpoint.signature,
            "audit checkpoint"
        );
        self.0
            .events
            .record(
                keywarden_store::EventKind::AuditCheckpoint,
                None,
                serde_json::to_value(&checkpoint).unwrap_or_default(),
                now,
            )
            .await;
        Some(checkpoint)
    }

    /// Verifies the audit chain from where this node's last verification
    /// ended (the whole chain the first time, and again after a failure):
    /// what the console's audit page shows on every view, at the cost of
    /// the entries since. Entries verified before are not read again (an
    /// edit of them is found by a full verification: `GET
    /// /v1/audit/verify`, `keywarden admin audit verify`).
    pub async fn verify_audit_incremental(
        &self,
    ) -> Result<keywarden_store::ChainReport, keywarden_store::StoreError> {
        let anchor = self.0.audit_anchor.lock().ok().and_then(|a| a.clone());
        let (report, next) = self
            .store()
            .verify_audit_chain_from(anchor.as_ref())
            .await?;
        if let Ok(mut a) = self.0.audit_anchor.lock() {
            *a = next;
        }
        Ok(report)
    }

    /// The master key for recoverable keys, if configured.
    pub fn master_key(&self) -> Option<&MasterKey> {
        self.0.master_key.as_ref()
    }

    /// Gives the node the master keys the current one replaced
    /// (`KEYWARDEN_MASTER_KEY_PREVIOUS`): what is sealed under them still
    /// opens while `keywarden admin master-key rotate` runs. Once only.
    pub fn set_previous_master_keys(&self, keys: Vec<MasterKey>) {
        let _ = self.0.previous_master_keys.set(keys);
    }

    /// Every master key a sealed secret may open with: the current one
    /// first, then those it replaced. Empty without a master key.
    pub fn master_keys(&self) -> Vec<MasterKey> {
        let mut keys: Vec<MasterKey> = self.0.master_key.iter().cloned().collect();
        if !keys.is_empty() {
            keys.extend(
                self.0
                    .previous_master_keys
                    .get()
                    .into_iter()
                    .flatten()
                    .cloned(),
            );
        }
        keys
    }

    /// Where events go (store, webhook).
    pub fn events(&self) -> &EventSink {
        &self.0.events
    }

    /// `POST /v1/verify`'s cache of authenticated root keys.
    pub fn verify_callers(&self) -> &crate::authn::CallerCache {
        &self.0.verify_callers
    }

    /// Failed authentications per address (API and console sign-in).
    pub fn auth_failures(&self) -> &WindowCounter<IpAddr> {
        &self.0.auth_failures
    }

    /// Refused authentications being folded into one audit entry per
    /// address and minute.
    pub fn denials(&self) -> &crate::authn::Denials {
        &self.0.denials
    }

    /// Leak reports per address.
    pub fn leak_reports(&self) -> &WindowCounter<IpAddr> {
        &self.0.leak_reports
    }

    /// GitHub's secret-scanning keys, when `github_partner_keys` is set.
    pub fn partner_keys(&self) -> Option<&crate::partner_keys::PartnerKeys> {
        self.0.partner_keys.as_ref()
    }

    /// Writes the folded denials of finished minutes (every minute, and all of
    /// them at shutdown with `all`).
    pub async fn flush_denials(&self, all: bool) {
        for draft in self.denials().take_finished(self.now(), all) {
            if let Err(err) = self.store().audit(&draft).await {
                tracing::warn!(error = %err, "folded denials could not be audited");
            }
        }
    }

    /// Drops cached records of changed keys on this node.
    pub fn invalidate(&self, ids: &[&str]) {
        self.0.verifier.forget_owners(Some(ids));
        self.0.verifier.cache().invalidate_ids(ids);
    }

    /// Forgets every cached key record and owner (a role changed: the
    /// effective permissions of any key may have).
    pub fn invalidate_all(&self) {
        self.0.verifier.cache().clear();
        self.0.verifier.forget_owners(None);
    }

    /// After whatever may have changed unheard (another node's `*`, a
    /// reconnected listener): forget every cached key and owner, and learn
    /// again whether keys were imported (an import announces itself so).
    pub async fn resync(&self) {
        self.invalidate_all();
        self.0.verifier.refresh_imported().await;
    }
}

// ------------------------------------------------------- background tasks
// Background tasks: housekeeping, and on PostgreSQL the listener that
// hears other nodes' key changes.

/// Every minute: prune limits and dead console sessions; every hour: a
/// signed audit checkpoint, and prune the usage log.
async fn housekeeping(state: Node) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    let mut minutes = 0u64;
    loop {
        tick.tick().await;
        state.verifier().prune();
        let now = state.now();
        state.auth_failures().prune(now);
        state.flush_denials(false).await;
        state.notify_expiring().await;
        state.notify_rotation_due().await;
        if let Err(err) = state.store().checkpoint().await {
            tracing::debug!(error = %err, "the write-ahead log was not checkpointed this time");
        }
        // A failed read at start-up is retried here (nothing once known).
        state.verifier().refresh_imported().await;
        state.leak_reports().prune(now);
        let config = state.config();
        match state
            .store()
            .prune_console_sessions(
                now - config.session_idle.ms(),
                now - config.session_max.ms(),
            )
            .await
        {
            Ok(n) if n > 0 => tracing::debug!(sessions = n, "pruned console sessions"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "pruning console sessions failed"),
        }
        match state.store().prune_portal(now).await {
            Ok(n) if n > 0 => tracing::debug!(rows = n, "pruned portal links and sessions"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "pruning portal links and sessions failed"),
        }
        if minutes.is_multiple_of(60) {
            if minutes > 0 {
                state.audit_checkpoint().await;
            }
            let before = now - state.config().usage_retention.ms();
            match state.store().prune_usage(before).await {
                Ok(n) if n > 0 => tracing::info!(events = n, "pruned old usage events"),
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "pruning usage events failed"),
            }
            if let Err(err) = state.store().prune_shares(now).await {
                tracing::warn!(error = %err, "pruning expired share links failed");
            }
            // A window is kept until it ends (named limits may be 30 days).
            if let Err(err) = state.store().prune_rate_windows(now).await {
                tracing::warn!(error = %err, "pruning rate windows failed");
            }
        }
        minutes += 1;
    }
}

/// On PostgreSQL: listens for key changes made by any node and drops them
/// from this node's cache. The first connection is made before the node
/// serves anything (so nothing can be cached before it listens); when a
/// connection drops, the whole cache is dropped as soon as the listener is
/// back, since notifications may have been missed meanwhile; the cache TTL
/// bounds staleness while the listener cannot connect.
async fn change_listener(state: Node) -> Option<impl std::future::Future<Output = ()> + Send> {
    if state.store().kind() != keywarden_store::BackendKind::Postgres {
        return None;
    }
    let first = match state.store().listen_changes().await {
        Ok(listener) => listener,
        Err(err) => {
            tracing::warn!(error = %err, "key change listener cannot connect yet");
            None
        }
    };
    Some(async move {
        let mut listener = first;
        loop {
            if let Some(l) = listener.as_mut() {
                tracing::info!("listening for key changes");
                listen(&state, l).await;
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            listener = match state.store().listen_changes().await {
                Ok(l) => l,
                Err(err) => {
                    tracing::warn!(error = %err, "key change listener cannot connect");
                    None
                }
            };
            if listener.is_some() {
                // Whatever changed while we were not listening is unknown.
                state.resync().await;
            }
        }
    })
}

/// Applies announcements until the connection fails.
async fn listen(state: &Node, listener: &mut keywarden_store::ChangeListener) {
    loop {
        match listener.recv().await {
            Ok(keywarden_store::Change::Keys(payload)) => {
                state.metrics().invalidations_received.inc();
                if payload == keywarden_store::CHANGES_ALL {
                    state.resync().await;
                } else {
                    let ids: Vec<&str> = payload.split(',').collect();
                    state.invalidate(&ids);
                }
            }
            Ok(keywarden_store::Change::Lost) => {
                // Reconnect explicitly (the caller drops the whole cache
                // once listening again). Until then cached keys keep
                // working within the cache TTL, so a database outage does
                // not also take down keys this node already knows.
                tracing::warn!("key change listener lost its connection; reconnecting");
                return;
            }
            Err(err) => {
                tracing::warn!(error = %err, "key change listener failed");
                return;
            }
        }
    }
}
