//! The web console under `/ui`.

use std::{collections::HashMap, sync::Mutex};

use axum::Router;
use keywarden_core::clock::UnixMillis;

use crate::state::AppState;

/// A signed-in console session.
#[allow(dead_code)] // read by the console's pages, which come next
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) root_key_id: String,
    pub(crate) csrf: String,
    pub(crate) created_at: UnixMillis,
    pub(crate) last_seen: UnixMillis,
}

/// Console sessions, by the digest of their cookie token.
#[derive(Default)]
pub(crate) struct Sessions(Mutex<HashMap<String, Session>>);

impl Sessions {
    /// Drops expired sessions.
    pub(crate) fn prune(&self, _now: UnixMillis) {
        if let Ok(mut s) = self.0.lock() {
            s.retain(|_, _| true);
        }
    }
}

/// The console's routes.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
}
