//! In-process verification with a keywarden node's engine.

use std::{future::Future, pin::Pin};

use keywarden_engine::{Node, verify::VerifyInput};

use crate::{Identity, KeyVerifier, Verification, VerifyRequest};

/// Verifies keys in-process with the engine of a keywarden node
/// ([`keywarden_engine::Node`]) on the same store: no network hop, the
/// node's cache, rate limits, usage log and metrics included.
#[derive(Clone)]
pub struct LocalVerifier {
    state: Node,
}

impl LocalVerifier {
    /// A verifier over a node (the server's `AppState` converts into one).
    pub fn new(node: impl Into<Node>) -> Self {
        Self { state: node.into() }
    }
}

impl KeyVerifier for LocalVerifier {
    fn verify<'a>(
        &'a self,
        request: VerifyRequest<'a>,
    ) -> Pin<Box<dyn Future<Output = Verification> + Send + 'a>> {
        Box::pin(async move {
            let verdict = self
                .state
                .verifier()
                .verify(VerifyInput {
                    key: request.key,
                    environment: request.environment,
                    scopes: request.scopes,
                    permissions: request.permissions,
                    space: request.space,
                    visible: None,
                    client_ip: request.client_ip.map(|ip| ip.to_canonical()),
                    peer_ip: None,
                    user_agent: request.user_agent,
                    cost: request.cost,
                })
                .await;
            let identity = verdict
                .key
                .as_deref()
                .filter(|_| verdict.is_valid())
                .map(|k| Identity {
                    key_id: k.id.to_string(),
                    owner: k.owner.as_ref().map(ToString::to_string),
                    scopes: k.scopes.clone(),
                    permissions: k.effective.clone(),
                    space: k.space.to_string(),
                    environment: k.environment.to_string(),
                    metadata: k.metadata.clone(),
                });
            Verification {
                code: verdict.code.into(),
                identity,
                retry_after: verdict.retry_after,
                missing: verdict.missing.iter().map(ToString::to_string).collect(),
            }
        })
    }
}
