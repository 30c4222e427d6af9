//! keywarden-engine: the work of one keywarden node, beneath its HTTP
//! server. No HTTP here: the server crate (`keywarden-server`) routes,
//! extracts and answers; this crate decides.
//!
//! # Layout
//!
//! - [`verify`]: the one verification function behind every entry point
//!   ([`verify::Verifier`]: parse → digest → cache → store → checks →
//!   limits → credits), and [`verify::Verifier::inspect`] for leak checks.
//! - [`lookup`]: the one lookup of a presented key (every pepper,
//!   constant-time acceptance, move to the current pepper).
//! - [`cache`]: the verification cache (digest → record, negative entries).
//! - [`limits`]: token buckets, failure throttles, the cluster limiter
//!   (fixed windows leased from the store in batches).
//! - [`usage_log`]: the sharded table verifications are counted in, and
//!   its batched writer.
//! - [`events`]: the event sink and the webhook delivery worker over the
//!   store's outbox; the HTTP client is the caller's
//!   ([`events::WebhookClient`]).
//! - `anomaly`: revoked-in-use, new address, burst (used by [`verify`]).
//! - [`metrics`]: the Prometheus registry.
//! - [`partner_keys`]: GitHub's secret-scanning signing keys and the
//!   signature check.
//! - [`timefmt`]: RFC 3339 times.
//! - [`node`]: the node ([`node::Node`], one cheap handle over the store,
//!   settings, clock, verifier, metrics and events) and its background
//!   tasks (housekeeping, the PostgreSQL change listener); [`config`]:
//!   settings.
//! - [`authz`]: the one authorization point (actors, `authorize`, the
//!   `Authorized` proof); [`command`]: every management operation as a
//!   typed command with its permission; [`authn`]: root-key
//!   authentication beneath HTTP (lookup, folded denials, the verify
//!   callers' cache).
//! - [`keys`]: the key service (every change to a key, taking a proof);
//!   [`spaces`]: key spaces and their roles (every change taking a proof);
//!   [`share`]: making one-time share links; [`leaks`]: the one revocation
//!   of a leaked key; [`outbox`]: redelivery of an event.
//!
//! Modules import each other downwards only, no circle: `verify` →
//! `anomaly`, `cache`, `events`, `limits`, `lookup`, `metrics`,
//! `usage_log`; `anomaly` → `events`; `events` → `metrics`, `timefmt`;
//! `usage_log` → `limits`, `metrics`; `cache`, `limits`, `lookup`,
//! `metrics`, `partner_keys` and `timefmt` import no module of this crate.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod anomaly;
pub mod authn;
pub mod authz;
pub mod cache;
pub mod command;
pub mod config;
pub mod events;
pub mod keys;
pub mod leaks;
pub mod limits;
pub mod lookup;
pub mod metrics;
pub mod node;
pub mod outbox;
pub mod partner_keys;
pub mod portal;
pub mod share;
pub mod spaces;
pub mod timefmt;
pub mod usage_log;
pub mod vault;
pub mod verify;

pub use config::ServerConfig;
pub use node::{Background, Node};
