//! keywarden-scan: a fast, precise secret scanner. Finds keywarden keys
//! (only with a valid checksum), GitHub tokens (checksum-validated) and
//! about 200 documented provider formats, plus high-entropy values assigned to
//! secret-like names, in files, staged changes, git history and standard
//! input. The `keywarden scan` and `keywarden hook` commands drive it.
//!
//! # Layout
//!
//! - [`rules`]: the built-in rules (id, provider, description, severity,
//!   keywords, regex, check) and the secrets-file and lock-file name tests;
//!   `rules/providers.rs` holds the provider rules added for coverage.
//! - [`validate`]: checksums (keywarden via `keywarden_core::key::parse`,
//!   GitHub/npm CRC-32), JWT headers, entropy bars, example values,
//!   placeholders and references.
//! - [`entropy`]: Shannon entropy.
//! - [`decode`]: encoded pieces (base64, hex, percent-encoding, escapes,
//!   HTML entities) decoded in their line, with a map back to the source,
//!   so the engine scans what they hide and reports the decoding chain.
//! - [`engine`]: [`Scanner`], the matcher: one Aho-Corasick pass over the
//!   rules' keywords, regexes only on the lines that hold one, a dedicated
//!   pass for keywarden keys, then filtering, de-duplication and positions.
//! - [`vault`]: the team's vault values found without their plaintext:
//!   [`VaultIndex`] holds each value's label, length and HMAC-SHA256 under
//!   a per-scan key, and digests candidate tokens (runs, pieces between
//!   delimiters, quoted text, lines, PEM blocks, whole buffers) whose
//!   length a value has; [`Scanner::with_vault`] makes each hit a finding
//!   of rule `vault:<label>`.
//! - [`files`]: sources without git: the parallel tree walk
//!   ([`scan_paths`]; what a `.keywardenignore` keeps out is searched for
//!   checksum-verified keys only) and chunked standard input
//!   ([`scan_reader`]).
//! - [`archive`]: archives the tree walk opens (zip and what is built on
//!   it, tar, gzip), told by magic bytes, expanded in memory up to three
//!   deep, each entry scanned as `outer.zip!inner/file`; caps on entry
//!   size, total expansion, compression ratio and entry count turn a bomb
//!   or a corrupt archive into a [`ScanWarning`] ([`scan_archive`] for an
//!   archive in memory).
//! - [`git`]: sources through the `git` command: staged diff
//!   ([`scan_staged`]), history ([`scan_history`]), tracked files.
//! - [`finding`]: [`Finding`], [`Severity`], the redacting [`Secret`], the
//!   keyed, stretched fingerprint and its [`FingerprintKey`].
//! - [`config`]: `.keywarden.toml` (settings, allowlists, custom rules).
//! - [`gitleaks`]: a gitleaks (or Betterleaks 2) configuration's rules and
//!   allowlists, read into keywarden's (`--gitleaks-config`,
//!   `.gitleaks.toml`); [`filter`] evaluates the part of Betterleaks'
//!   `filter` expressions that needs nothing but the finding.
//! - [`baseline`]: known findings by fingerprint.
//! - [`export`]: one deployment's keys as rules for other scanners (a
//!   gitleaks rule, a Betterleaks 2 rule, a TruffleHog detector, GitHub's
//!   partner pattern).
//! - [`report`]: text, JSON and SARIF 2.1.0 output.
//! - [`hook`]: the git pre-commit hook installer.
//! - [`error`]: [`ScanError`], the one error type, and [`ScanWarning`].
//!
//! # Example
//!
//! ```
//! use keywarden_scan::{Config, Scanner};
//!
//! let scanner = Scanner::new(&Config::default())?;
//! // A key minted for this example: never write a real one in code.
//! let key = keywarden_core::key::from_secret_bytes(
//!     &"acme".parse()?, &"live".parse()?, &[7; 32]);
//! let text = format!("ACME_KEY={}\n", key.expose());
//! let found = scanner.scan("settings.env", text.as_bytes());
//! assert_eq!(found.len(), 1);
//! assert_eq!(scanner.rules()[found[0].rule].id, "keywarden-key");
//! assert!(found[0].verified);
//! // Printing a secret redacts it.
//! assert_eq!(found[0].secret.to_string(), format!("acme…{}", &key.expose()[key.expose().len() - 4..]));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

pub mod archive;
pub mod baseline;
pub mod config;
pub mod decode;
pub mod engine;
pub mod entropy;
pub mod error;
pub mod export;
pub mod files;
pub mod filter;
pub mod finding;
pub mod git;
pub mod gitleaks;
pub mod hook;
pub mod report;
pub mod rules;
pub mod validate;
pub mod vault;

pub use archive::{ArchiveSkip, scan_archive};
pub use baseline::Baseline;
pub use config::{Archives, Config};
pub use engine::{Match, Scanned, Scanner};
pub use error::{ScanError, ScanWarning};
pub use files::{Progress, Report, Stats, scan_paths, scan_reader};
pub use finding::{CommitInfo, Confidence, Finding, FingerprintKey, KeyStatus, Secret, Severity};
pub use git::{HistoryOptions, scan_history, scan_staged};
pub use vault::{VaultEntry, VaultHit, VaultIndex};
