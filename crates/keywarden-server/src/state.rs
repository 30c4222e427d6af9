//! The server's handle on its node: [`AppState`] is the engine's
//! [`Node`](keywarden_engine::Node) (every accessor reads through), started
//! with the server's webhook client.

use std::{ops::Deref, sync::Arc};

use keywarden_core::{clock::Clock, envelope::MasterKey};
use keywarden_engine::Node;
use keywarden_store::Store;

pub use keywarden_engine::Background;

use crate::{config::ServerConfig, events::Webhook};

/// The shared state of a node, as handlers take it. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Node);

impl Deref for AppState {
    type Target = Node;

    fn deref(&self) -> &Node {
        &self.0
    }
}

impl From<AppState> for Node {
    fn from(state: AppState) -> Node {
        state.0
    }
}

impl AppState {
    /// Builds a node and starts its background tasks (the usage writer,
    /// housekeeping, and on PostgreSQL the change listener). Must be
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
        let (node, background) =
            Node::start_with_webhook(store, config, clock, master_key, webhook).await;
        (Self(node), background)
    }
}

/// Sub-states: a handler that needs only the store or the metrics takes
/// `State<Store>` or `State<Metrics>`, not the whole node.
impl axum::extract::FromRef<AppState> for Store {
    fn from_ref(state: &AppState) -> Self {
        state.store().clone()
    }
}

impl axum::extract::FromRef<AppState> for crate::metrics::Metrics {
    fn from_ref(state: &AppState) -> Self {
        state.metrics().clone()
    }
}
