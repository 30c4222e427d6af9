//! keywarden-core: the key format, digests, secret types, generators and
//! strength checks. No I/O; the only randomness is the operating system's
//! CSPRNG.
//!
//! # Layout
//!
//! - [`key`]: the v1 key format (`<prefix>_<env>_<secret><checksum>`):
//!   [`key::mint`], [`key::parse`], display hints, [`key::KeyId`].
//! - [`digest`]: HMAC-SHA256 digests under a versioned [`digest::Pepper`];
//!   constant-time [`digest::KeyDigest`] equality.
//! - [`secret`]: [`secret::PlaintextKey`] and friends: zeroized on drop,
//!   redacted when printed, never serializable.
//! - [`envelope`]: AES-256-GCM envelope encryption of recoverable keys.
//! - [`outcome`]: verification outcome codes and their HTTP statuses.
//! - [`vocabulary`]: the other names the API, the audit log and the events
//!   speak: [`vocabulary::KeyStatus`], [`vocabulary::AuditAction`],
//!   [`vocabulary::AuditOutcome`], [`vocabulary::EventKind`],
//!   [`vocabulary::DeliveryState`].
//! - [`names`]: validated [`names::Owner`] and [`names::Scope`] (permission
//!   names: `orders:read`, `docs.read.own`, `billing:*`).
//! - [`query`]: [`query::PermissionQuery`], what a request needs as AND/OR
//!   over permission names (`docs.read AND (billing.read OR admin)`).
//! - [`spaces`]: key spaces' ids ([`spaces::SpaceId`]) and roles' names
//!   ([`spaces::RoleName`]).
//! - [`generate`]: raw secrets and JWT HMAC secrets.
//! - [`strength`]: entropy estimate and weaknesses of a given secret.
//! - [`clock`]: the injected [`clock::Clock`] and lifetime parsing.
//! - [`base62`], [`random`]: the primitives under all of the above.
//!
//! # Example
//!
//! ```
//! use keywarden_core::{digest::Pepper, key};
//!
//! let env: key::Environment = "live".parse()?;
//! let minted = key::mint(&key::Prefix::default(), &env);
//! // The store keeps only the digest and the hint.
//! let pepper = Pepper::generate(1)?;
//! let stored = pepper.digest(minted.expose());
//!
//! // Later, a request presents the key.
//! let presented = key::parse(minted.expose())?;
//! assert_eq!(presented.environment(), "live");
//! // Digests compare only in constant time.
//! use subtle::ConstantTimeEq;
//! assert!(bool::from(pepper.digest(presented.expose()).ct_eq(&stored)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

pub mod base62;
pub mod clock;
pub mod digest;
#[cfg(feature = "envelope")]
pub mod envelope;
pub mod generate;
pub mod key;
pub mod names;
pub mod outcome;
pub mod query;
pub mod random;
pub mod secret;
#[cfg(feature = "envelope")]
pub mod share;
pub mod spaces;
#[cfg(feature = "strength")]
pub mod strength;
pub mod vault_digest;
pub mod vocabulary;
