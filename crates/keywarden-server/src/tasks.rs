//! Background tasks: housekeeping, and on PostgreSQL the listener that
//! hears other nodes' key changes.

use std::{future::Future, time::Duration};

use keywarden_store::{BackendKind, CHANGES_ALL, Change};

use crate::state::AppState;

/// Every minute: prune limits; every hour: prune the usage log.
pub(crate) async fn housekeeping(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    let mut minutes = 0u64;
    loop {
        tick.tick().await;
        state.0.verifier.prune();
        let now = state.now();
        state.0.auth_failures.prune(now);
        state.0.leak_reports.prune(now);
        state.0.sessions.prune(now);
        if minutes % 60 == 0 {
            let before = now - state.config().usage_retention.ms();
            match state.store().prune_usage(before).await {
                Ok(n) if n > 0 => tracing::info!(events = n, "pruned old usage events"),
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "pruning usage events failed"),
            }
        }
        minutes += 1;
    }
}

/// On PostgreSQL: listens for key changes made by any node and drops them
/// from this node's cache. When the connection drops, the whole cache is
/// dropped, since notifications may have been missed meanwhile; the cache
/// TTL bounds staleness while the listener cannot connect at all.
pub(crate) fn change_listener(state: AppState) -> Option<impl Future<Output = ()> + Send> {
    if state.store().kind() != BackendKind::Postgres {
        return None;
    }
    Some(async move {
        loop {
            match state.store().listen_changes().await {
                Ok(Some(mut listener)) => {
                    state.0.verifier.cache().clear();
                    tracing::info!("listening for key changes");
                    loop {
                        match listener.recv().await {
                            Ok(Change::Keys(payload)) => {
                                state.metrics().invalidations_received.inc();
                                if payload == CHANGES_ALL {
                                    state.0.verifier.cache().clear();
                                } else {
                                    let ids: Vec<&str> = payload.split(',').collect();
                                    state.invalidate(&ids);
                                }
                            }
                            Ok(Change::Lost) => {
                                tracing::warn!("key change listener reconnecting; cache dropped");
                                state.0.verifier.cache().clear();
                            }
                            Err(err) => {
                                tracing::warn!(error = %err, "key change listener failed");
                                break;
                            }
                        }
                    }
                }
                Ok(None) => return,
                Err(err) => tracing::warn!(error = %err, "key change listener cannot connect"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
}
