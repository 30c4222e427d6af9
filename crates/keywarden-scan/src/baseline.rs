//! Baselines: known findings recorded by fingerprint, so a scan reports
//! only new ones. The file holds fingerprints, rule ids and paths, never a
//! secret, and the id of the [`FingerprintKey`] the fingerprints were
//! derived under (so a baseline of another repository is recognised).
//!
//! ```json
//! {"keywarden_baseline": 3, "fingerprint_key": "…", "findings": [{"fingerprint": "…", "rule": "jwt", "path": "a.py"}]}
//! ```
//!
//! The version is the fingerprint scheme's
//! ([`FINGERPRINT_VERSION`](crate::finding::FINGERPRINT_VERSION)).
//! Version 3 fingerprints a secret under 20 characters by its line, not its
//! value. Version 2 baselines are still read: their entries for such
//! secrets hold value fingerprints, which [`Baseline::contains_old_value`]
//! recognises, and the caller tells the user to record the baseline again
//! (those entries can be guessed offline). Version 1 baselines held
//! unsalted fingerprints, which are no longer produced: loading one is an
//! error that says to regenerate it.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::ScanError;
use crate::finding::{Finding, FingerprintKey, fingerprints_by_line, value_fingerprint};

/// The format version written.
pub const BASELINE_VERSION: u32 = crate::finding::FINGERPRINT_VERSION;

/// The oldest version still read: version 2, whose short secrets' entries
/// are value fingerprints.
pub const OLDEST_READ_VERSION: u32 = 2;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Entry {
    fingerprint: String,
    rule: String,
    path: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct File {
    keywarden_baseline: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fingerprint_key: Option<String>,
    #[serde(default)]
    findings: Vec<Entry>,
}

/// A set of known fingerprints.
#[derive(Debug, Default, Clone)]
pub struct Baseline {
    fingerprints: HashSet<String>,
    entries: Vec<Entry>,
    key_id: Option<String>,
    version: u32,
}

impl Baseline {
    /// The baseline of these findings (duplicates once), whose fingerprints
    /// were derived under `key`.
    pub fn from_findings(findings: &[Finding], key: &FingerprintKey) -> Self {
        let mut b = Self {
            key_id: Some(key.id()),
            version: BASELINE_VERSION,
            ..Self::default()
        };
        for f in findings {
            if b.fingerprints.insert(f.fingerprint.clone()) {
                b.entries.push(Entry {
                    fingerprint: f.fingerprint.clone(),
                    rule: f.rule_id.to_string(),
                    path: f.path.clone(),
                });
            }
        }
        b.entries.sort_by(|a, b| {
            (&a.path, &a.rule, &a.fingerprint).cmp(&(&b.path, &b.rule, &b.fingerprint))
        });
        b
    }

    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Self, ScanError> {
        let bad = |message: String| ScanError::Baseline {
            path: path.to_owned(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
        let file: File =
            serde_json::from_str(&text).map_err(|e| bad(format!("not a baseline: {e}")))?;
        if file.keywarden_baseline == 1 {
            return Err(bad(
                "written by an earlier keywarden, whose unsalted fingerprints are no longer \
                 produced (they let weak secrets be guessed offline), so none of its entries \
                 can match. Review the findings and record them again with \
                 `keywarden scan --write-baseline FILE`"
                    .to_owned(),
            ));
        }
        if !(OLDEST_READ_VERSION..=BASELINE_VERSION).contains(&file.keywarden_baseline) {
            return Err(bad(format!(
                "version {} is not supported (expected {OLDEST_READ_VERSION} to {BASELINE_VERSION})",
                file.keywarden_baseline
            )));
        }
        Ok(Self {
            fingerprints: file
                .findings
                .iter()
                .map(|e| e.fingerprint.clone())
                .collect(),
            entries: file.findings,
            key_id: file.fingerprint_key,
            version: file.keywarden_baseline,
        })
    }

    /// Whether this baseline's fingerprints were derived under `key`: a
    /// baseline recorded in another repository, or with another
    /// `KEYWARDEN_FINGERPRINT_KEY`, can match nothing.
    pub fn matches_key(&self, key: &FingerprintKey) -> bool {
        self.key_id.as_deref().is_none_or(|id| id == key.id())
    }

    /// Writes the baseline file (pretty JSON, sorted, stable across runs).
    pub fn save(&self, path: &Path) -> Result<(), ScanError> {
        let file = File {
            keywarden_baseline: BASELINE_VERSION,
            fingerprint_key: self.key_id.clone(),
            findings: self.entries.clone(),
        };
        let mut text = serde_json::to_string_pretty(&file).map_err(|e| ScanError::Baseline {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        text.push('\n');
        std::fs::write(path, text).map_err(|e| ScanError::Baseline {
            path: path.to_owned(),
            message: e.to_string(),
        })
    }

    /// Whether a finding is known by its fingerprint.
    pub fn contains(&self, finding: &Finding) -> bool {
        self.fingerprints.contains(&finding.fingerprint)
    }

    /// The version the file was written in ([`BASELINE_VERSION`] for a
    /// baseline made here).
    pub fn version(&self) -> u32 {
        self.version
    }

    /// Whether this is a version 2 baseline, written before short secrets
    /// were fingerprinted by their line: its entries for them are value
    /// fingerprints, which someone holding the repository can test
    /// passwords against, and which [`Baseline::contains`] no longer finds.
    pub fn holds_old_value_fingerprints(&self) -> bool {
        self.version == 2
    }

    /// Whether a version 2 baseline holds this short secret's version 2
    /// value fingerprint (under `key`): the entry it had before line
    /// fingerprints. Always false for a version 3 baseline, and for a
    /// secret fingerprinted by value (its fingerprint did not change).
    pub fn contains_old_value(&self, finding: &Finding, key: &FingerprintKey) -> bool {
        let secret = finding.secret.expose();
        self.holds_old_value_fingerprints()
            && fingerprints_by_line(secret)
            && self.fingerprints.contains(&value_fingerprint(
                key,
                &finding.rule_id,
                &finding.path,
                secret,
            ))
    }

    /// How many fingerprints it holds.
    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }
}
