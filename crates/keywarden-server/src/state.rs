//! Everything a request handler needs, shared by all of them.

use std::{net::IpAddr, sync::Arc};

use keywarden_core::{clock::Clock, envelope::MasterKey};
use keywarden_store::Store;
use tokio::task::JoinHandle;

use crate::{
    config::ServerConfig,
    events::{EventSink, Webhook},
    limits::WindowCounter,
    metrics::Metrics,
    usage_log::UsageLog,
    verify::{Verifier, VerifierSettings},
};

/// Most rows the usage log holds unwritten (identical verifications of a
/// second share one).
const USAGE_QUEUE: usize = 200_000;

/// The node's parts. Private: each part is reached through one accessor of
/// [`AppState`], so what a module uses is visible in its calls.
struct Inner {
    store: Store,
    config: ServerConfig,
    clock: Arc<dyn Clock>,
    master_key: Option<MasterKey>,
    verifier: Verifier,
    metrics: Metrics,
    events: EventSink,
    verify_callers: crate::auth::CallerCache,
    auth_failures: WindowCounter<IpAddr>,
    denials: crate::auth::Denials,
    audit_anchor: std::sync::Mutex<Option<keywarden_store::ChainAnchor>>,
    leak_reports: WindowCounter<IpAddr>,
    partner_keys: Option<crate::partner_keys::PartnerKeys>,
}

/// The shared state of a node. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// Background tasks of a node; [`Background::shutdown`] flushes the usage
/// log and stops them.
pub struct Background {
    state: AppState,
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
        crate::auth::flush_denials(&self.state, true).await;
        self.usage.shutdown();
        let _ = self.usage_task.await;
    }
}

/// Sub-states: a handler that needs only the store or the metrics takes
/// `State<Store>` or `State<Metrics>`, not the whole node.
impl axum::extract::FromRef<AppState> for Store {
    fn from_ref(state: &AppState) -> Self {
        state.store().clone()
    }
}

impl axum::extract::FromRef<AppState> for Metrics {
    fn from_ref(state: &AppState) -> Self {
        state.metrics().clone()
    }
}

impl AppState {
    /// Builds a node's state and starts its background tasks (the usage
    /// writer, housekeeping, and on PostgreSQL the change listener). Must be
    /// called inside a tokio runtime.
    pub async fn start(
        store: Store,
        config: ServerConfig,
        clock: Arc<dyn Clock>,
        master_key: Option<MasterKey>,
    ) -> (Self, Background) {
        Self::start_with_webhook(store, config, clock, master_key, None).await
    }

    /// [`AppState::start`], delivering events to a webhook as well.
    pub async fn start_with_webhook(
        store: Store,
        config: ServerConfig,
        clock: Arc<dyn Clock>,
        master_key: Option<MasterKey>,
        webhook: Option<Webhook>,
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
            denials: crate::auth::Denials::default(),
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
            verifier,
            metrics,
            events,
            verify_callers: crate::auth::CallerCache::default(),
        }));
        let mut others = vec![tokio::spawn(crate::tasks::housekeeping(state.clone()))];
        if let Some(worker) = state.events().worker() {
            others.push(tokio::spawn(worker));
        }
        if let Some(listener) = crate::tasks::change_listener(state.clone()).await {
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
    pub(crate) fn master_key(&self) -> Option<&MasterKey> {
        self.0.master_key.as_ref()
    }

    /// Where events go (store, webhook).
    pub(crate) fn events(&self) -> &EventSink {
        &self.0.events
    }

    /// `POST /v1/verify`'s cache of authenticated root keys.
    pub(crate) fn verify_callers(&self) -> &crate::auth::CallerCache {
        &self.0.verify_callers
    }

    /// Failed authentications per address (API and console sign-in).
    pub(crate) fn auth_failures(&self) -> &WindowCounter<IpAddr> {
        &self.0.auth_failures
    }

    /// Refused authentications being folded into one audit entry per
    /// address and minute.
    pub(crate) fn denials(&self) -> &crate::auth::Denials {
        &self.0.denials
    }

    /// Leak reports per address.
    pub(crate) fn leak_reports(&self) -> &WindowCounter<IpAddr> {
        &self.0.leak_reports
    }

    /// GitHub's secret-scanning keys, when `github_partner_keys` is set.
    pub(crate) fn partner_keys(&self) -> Option<&crate::partner_keys::PartnerKeys> {
        self.0.partner_keys.as_ref()
    }

    /// Drops cached records of changed keys on this node.
    pub(crate) fn invalidate(&self, ids: &[&str]) {
        self.0.verifier.forget_owners(Some(ids));
        self.0.verifier.cache().invalidate_ids(ids);
    }
}
