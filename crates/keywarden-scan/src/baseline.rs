//! Baselines: known findings recorded by fingerprint, so a scan reports
//! only new ones. The file holds fingerprints, rule ids and paths, never a
//! secret.
//!
//! ```json
//! {"keywarden_baseline": 1, "findings": [{"fingerprint": "…", "rule": "jwt", "path": "a.py"}]}
//! ```

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::ScanError;
use crate::finding::Finding;

/// The format version written and accepted.
pub const BASELINE_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Entry {
    fingerprint: String,
    rule: String,
    path: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct File {
    keywarden_baseline: u32,
    findings: Vec<Entry>,
}

/// A set of known fingerprints.
#[derive(Debug, Default, Clone)]
pub struct Baseline {
    fingerprints: HashSet<String>,
    entries: Vec<Entry>,
}

impl Baseline {
    /// The baseline of these findings (duplicates once).
    pub fn from_findings(findings: &[Finding]) -> Self {
        let mut b = Self::default();
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
        if file.keywarden_baseline != BASELINE_VERSION {
            return Err(bad(format!(
                "version {} is not supported (expected {BASELINE_VERSION})",
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
        })
    }

    /// Writes the baseline file (pretty JSON, sorted, stable across runs).
    pub fn save(&self, path: &Path) -> Result<(), ScanError> {
        let file = File {
            keywarden_baseline: BASELINE_VERSION,
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

    /// Whether a finding is known.
    pub fn contains(&self, finding: &Finding) -> bool {
        self.fingerprints.contains(&finding.fingerprint)
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
