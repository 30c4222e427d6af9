//! The scanner's one error type, and the warnings of a scan that went on.
//!
//! No variant ever holds a secret: paths, rule ids, line numbers and
//! messages from the OS or git only.

use std::path::PathBuf;

/// Why a scan, a configuration or a baseline failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    /// A path given to scan, or a file inside it, could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The path.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The configuration file is not valid TOML or breaks a rule of its format.
    #[error("bad configuration in {}: {message}", path.display())]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// What is wrong, in a sentence.
        message: String,
    },
    /// A rule (built-in or custom) could not be compiled.
    #[error("rule {id}: {message}")]
    Rule {
        /// The rule id.
        id: String,
        /// What is wrong.
        message: String,
    },
    /// An imported rule's regex compiles past the size limit (the scanner
    /// skips such a rule with a warning).
    #[error("rule {id}: its regex compiles to more than the {limit}-byte limit")]
    RegexTooBig {
        /// The rule id.
        id: String,
        /// The limit, in bytes.
        limit: usize,
    },
    /// A baseline file could not be read, parsed or written.
    #[error("baseline {}: {message}", path.display())]
    Baseline {
        /// The baseline file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// `git` could not be run, or it failed.
    #[error("git: {0}")]
    Git(String),
    /// A pre-commit hook that keywarden did not write is already there.
    #[error(
        "{} already exists and is not keywarden's: not overwriting it. Rerun with --force to replace it, or chain keywarden from it by adding this line to it: keywarden scan --staged || exit 1",
        path.display()
    )]
    HookExists {
        /// The existing hook.
        path: PathBuf,
    },
    /// Writing a report failed.
    #[error("cannot write the report: {0}")]
    Output(#[from] std::io::Error),
}

/// What a scan skipped and went on without, that its user should know:
/// unlike a [`ScanError`] in [`crate::Report::errors`], no reason to fail
/// the scan. Names paths, never contents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScanWarning {
    /// An archive, or an entry of one, that was not opened, or not to the
    /// end (what was scanned before stays reported).
    #[error("{path}: {skip}")]
    Archive {
        /// The archive or the entry, as findings show it
        /// (`outer.zip!lib/app.jar`).
        path: String,
        /// Why.
        skip: crate::archive::ArchiveSkip,
    },
}

impl ScanError {
    pub(crate) fn read(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Read {
            path: path.into(),
            source,
        }
    }
}
