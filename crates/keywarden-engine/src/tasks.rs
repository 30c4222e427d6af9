//! Background tasks: housekeeping, and on PostgreSQL the listener that
//! hears other nodes' key changes.

use std::{future::Future, time::Duration};

use keywarden_store::{BackendKind, CHANGES_ALL, Change};

use crate::state::AppState;

/// Every minute: prune limits and dead console sessions; every hour: a
/// signed audit checkpoint, and prune the usage log.
pub(crate) async fn housekeeping(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    let mut minutes = 0u64;
    loop {
        tick.tick().await;
        state.verifier().prune();
        let now = state.now();
        state.auth_failures().prune(now);
        crate::auth::flush_denials(&state, false).await;
        state.notify_expiring().await;
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
pub(crate) async fn change_listener(state: AppState) -> Option<impl Future<Output = ()> + Send> {
    if state.store().kind() != BackendKind::Postgres {
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
            tokio::time::sleep(Duration::from_secs(1)).await;
            listener = match state.store().listen_changes().await {
                Ok(l) => l,
                Err(err) => {
                    tracing::warn!(error = %err, "key change listener cannot connect");
                    None
                }
            };
            if listener.is_some() {
                // Whatever changed while we were not listening is unknown.
                state.verifier().cache().clear();
                state.verifier().forget_owners(None);
            }
        }
    })
}

/// Applies announcements until the connection fails.
async fn listen(state: &AppState, listener: &mut keywarden_store::ChangeListener) {
    loop {
        match listener.recv().await {
            Ok(Change::Keys(payload)) => {
                state.metrics().invalidations_received.inc();
                if payload == CHANGES_ALL {
                    state.verifier().cache().clear();
                    state.verifier().forget_owners(None);
                } else {
                    let ids: Vec<&str> = payload.split(',').collect();
                    state.invalidate(&ids);
                }
            }
            Ok(Change::Lost) => {
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
