//! `.keywarden.toml`: scan settings, allowlists and custom rules.
//!
//! ```toml
//! [scan]
//! max_file_size = 10485760      # bytes; larger files are skipped (a lower
//!                               # limit still has files up to 10 MiB searched
//!                               # for checksum-verified keys)
//! min_entropy = 3.5             # generic rule's bar, bits per character
//! disable = ["jwt"]             # built-in rule ids to turn off
//! decode_depth = 3              # encodings undone in a row (base64, hex,
//!                               # percent, escapes, entities); 0: none
//! min_confidence = "medium"     # report only medium and high findings
//! archives = true               # open zip, jar, tar, gzip files in a tree
//!                               # scan (false: checksum-verified keys only)
//! max_archive_size = 268435456  # bytes; larger archives are not opened
//!
//! [allowlist]
//! paths = ["tests/fixtures/**", "**/*.snap"]   # globs, relative to the scan root
//! regexes = ['^dummy_']                        # matched against the secret
//! values = ["not-a-real-secret-1234"]          # exact secrets
//!
//! [[rules]]
//! id = "acme-internal-token"
//! description = "ACME internal service token"
//! severity = "high"                            # low, medium, high, critical
//! keywords = ["acme_"]                         # literal prefilter (case-sensitive)
//! regex = '\bacme_(?P<secret>[0-9a-f]{32})\b'  # `secret` group, or the whole match
//! min_entropy = 3.0                            # optional
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::ScanError;
use crate::finding::{FingerprintKey, Severity};
use crate::rules::DEFAULT_MIN_ENTROPY;

/// Default size limit: files over 10 MiB are skipped (and counted).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Default decoding depth: `base64 → base64 → percent` is found.
pub const DEFAULT_DECODE_DEPTH: u8 = 3;

/// Deepest decoding allowed (each level scans the pieces of the last).
pub const MAX_DECODE_DEPTH: u8 = 5;

/// Default size limit of an archive the tree walk opens (256 MiB), and of
/// what one archive expands to, its nested archives included.
pub const DEFAULT_MAX_ARCHIVE_SIZE: u64 = 256 * 1024 * 1024;

/// The configuration file name looked for at the scan root.
pub const CONFIG_FILE: &str = ".keywarden.toml";

/// Scan settings, allowlists and custom rules. `Config::default()` is the
/// built-in behaviour.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// Files larger than this many bytes are skipped (below the default,
    /// only by the full scan: [`crate::Scanner::verified_max_file_size`]).
    pub max_file_size: u64,
    /// Entropy bar (bits per character) of the generic rule.
    pub min_entropy: f64,
    /// What a tree scan does with archives ([`crate::archive`]).
    pub archives: Archives,
    /// Archives larger than this many bytes are not opened (below the
    /// default, only by the full scan:
    /// [`crate::Scanner::verified_max_archive_size`]).
    pub max_archive_size: u64,
    /// Built-in rule ids turned off.
    pub disable: Vec<String>,
    /// How many encodings deep the scanner decodes (base64, hex,
    /// percent-encoding, escapes, entities: [`crate::decode`]); 0 turns
    /// decoding off. At most [`MAX_DECODE_DEPTH`].
    pub decode_depth: u8,
    /// Findings under this confidence are not reported (the CLI's
    /// `--min-confidence` overrides it); `None` reports all.
    pub min_confidence: Option<crate::Confidence>,
    /// Path globs never scanned (relative to the scan root).
    pub allow_paths: Vec<String>,
    /// Regexes: a secret matching one is not a finding.
    pub allow_regexes: Vec<String>,
    /// Exact secrets that are not findings.
    pub allow_values: Vec<String>,
    /// Custom rules.
    pub rules: Vec<CustomRule>,
    /// Rules read from a gitleaks configuration.
    pub gitleaks_rules: Vec<crate::gitleaks::ImportedRule>,
    /// Global allowlists read from a gitleaks configuration.
    pub gitleaks_allowlists: Vec<crate::gitleaks::Allowlist>,
    /// Betterleaks' global `filter`: drops imported rules' findings it
    /// holds true for.
    pub gitleaks_filter: Option<crate::filter::Filter>,
    /// Betterleaks' global `prefilter`: imported rules skip the paths it
    /// holds true for.
    pub gitleaks_prefilter: Option<crate::filter::Filter>,
    /// The key fingerprints are derived under (not read from the file: the
    /// caller sets it, the CLI from the repository's root commit).
    pub fingerprint_key: FingerprintKey,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            min_entropy: DEFAULT_MIN_ENTROPY,
            archives: Archives::default(),
            max_archive_size: DEFAULT_MAX_ARCHIVE_SIZE,
            disable: Vec::new(),
            decode_depth: DEFAULT_DECODE_DEPTH,
            min_confidence: None,
            allow_paths: Vec::new(),
            allow_regexes: Vec::new(),
            allow_values: Vec::new(),
            rules: Vec::new(),
            gitleaks_rules: Vec::new(),
            gitleaks_allowlists: Vec::new(),
            gitleaks_filter: None,
            gitleaks_prefilter: None,
            fingerprint_key: FingerprintKey::default(),
        }
    }
}

/// What a tree scan ([`crate::scan_paths`]) does with the archives it
/// finds (zip and the formats built on it, tar, gzip). Standard input,
/// staged changes and git history never open archives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Archives {
    /// Opened (nested up to [`crate::archive::MAX_DEPTH`] deep), each entry
    /// scanned like a file: the default.
    #[default]
    Open,
    /// Opened, the entries searched for checksum-verified keys only (the
    /// checksum rules, as for ignored files): what `archives = false` in a
    /// configuration file gets, since nothing a repository holds hides a
    /// checksum-verified key.
    VerifiedOnly,
    /// Not opened: skipped as binary files (`keywarden scan --no-archives`).
    Skipped,
}

/// A rule from `[[rules]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CustomRule {
    /// Unique id.
    pub id: String,
    /// What it finds.
    #[serde(default)]
    pub description: Option<String>,
    /// Severity (default high).
    #[serde(default)]
    pub severity: Option<Severity>,
    /// Literal prefilter: the regex runs only on lines holding one.
    pub keywords: Vec<String>,
    /// The pattern (Rust `regex` syntax); a `secret` group names the secret.
    pub regex: String,
    /// Optional entropy bar for the secret.
    #[serde(default)]
    pub min_entropy: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    #[serde(default)]
    scan: ScanSection,
    #[serde(default)]
    allowlist: AllowSection,
    #[serde(default)]
    rules: Vec<CustomRule>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScanSection {
    max_file_size: Option<u64>,
    min_entropy: Option<f64>,
    #[serde(default)]
    disable: Vec<String>,
    decode_depth: Option<u8>,
    min_confidence: Option<crate::Confidence>,
    archives: Option<bool>,
    max_archive_size: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowSection {
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    values: Vec<String>,
}

impl Config {
    /// Parses configuration text; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &Path) -> Result<Self, ScanError> {
        let bad = |message: String| ScanError::Config {
            path: origin.to_owned(),
            message,
        };
        let file: FileConfig = toml::from_str(text).map_err(|e| bad(e.message().to_owned()))?;
        let min_entropy = file.scan.min_entropy.unwrap_or(DEFAULT_MIN_ENTROPY);
        if !(0.0..=8.0).contains(&min_entropy) {
            return Err(bad(format!(
                "scan.min_entropy must be between 0 and 8 bits per character, got {min_entropy}"
            )));
        }
        let max_file_size = file.scan.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE);
        if max_file_size == 0 {
            return Err(bad("scan.max_file_size must be at least 1 byte".to_owned()));
        }
        let decode_depth = file.scan.decode_depth.unwrap_or(DEFAULT_DECODE_DEPTH);
        if decode_depth > MAX_DECODE_DEPTH {
            return Err(bad(format!(
                "scan.decode_depth must be between 0 and {MAX_DECODE_DEPTH}, got {decode_depth}"
            )));
        }
        let max_archive_size = file
            .scan
            .max_archive_size
            .unwrap_or(DEFAULT_MAX_ARCHIVE_SIZE);
        if max_archive_size == 0 {
            return Err(bad(
                "scan.max_archive_size must be at least 1 byte".to_owned()
            ));
        }
        let archives = match file.scan.archives {
            Some(false) => Archives::VerifiedOnly,
            Some(true) | None => Archives::Open,
        };
        Ok(Self {
            max_file_size,
            min_entropy,
            decode_depth,
            min_confidence: file.scan.min_confidence,
            archives,
            max_archive_size,
            disable: file.scan.disable,
            allow_paths: file.allowlist.paths,
            allow_regexes: file.allowlist.regexes,
            allow_values: file.allowlist.values,
            rules: file.rules,
            gitleaks_rules: Vec::new(),
            gitleaks_allowlists: Vec::new(),
            gitleaks_filter: None,
            gitleaks_prefilter: None,
            fingerprint_key: FingerprintKey::default(),
        })
    }

    /// Reads and parses a configuration file.
    pub fn load(path: &Path) -> Result<Self, ScanError> {
        let text = std::fs::read_to_string(path).map_err(|e| ScanError::read(path, e))?;
        Self::from_toml(&text, path)
    }

    /// Adds a gitleaks configuration's rules and global allowlists (and a
    /// Betterleaks configuration's global filter and prefilter, replacing
    /// any added before).
    pub fn add_gitleaks(&mut self, g: crate::gitleaks::GitleaksConfig) {
        self.gitleaks_rules.extend(g.rules);
        self.gitleaks_allowlists.extend(g.allowlists);
        if g.filter.is_some() {
            self.gitleaks_filter = g.filter;
        }
        if g.prefilter.is_some() {
            self.gitleaks_prefilter = g.prefilter;
        }
    }

    /// `dir/.keywarden.toml` if it exists, else the defaults.
    pub fn discover(dir: &Path) -> Result<(Self, Option<PathBuf>), ScanError> {
        let path = dir.join(CONFIG_FILE);
        if path.is_file() {
            Ok((Self::load(&path)?, Some(path)))
        } else {
            Ok((Self::default(), None))
        }
    }
}
