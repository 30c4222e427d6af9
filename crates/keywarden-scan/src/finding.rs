//! What a scan reports: [`Finding`], its [`Severity`], the redacting
//! [`Secret`] holder, git [`CommitInfo`] and the stable fingerprint.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How bad a finding is. Ordered: `Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look (a secrets file tracked by git, a test-mode key).
    Low,
    /// Likely a secret, limited reach.
    Medium,
    /// A credential for a real service.
    High,
    /// A credential that was proved real (checksum) or grants broad power.
    Critical,
}

impl Severity {
    /// The lowercase name (`critical`, `high`, `medium`, `low`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Ok(Self::Low),
            "medium" => Ok(Self::Medium),
            "high" => Ok(Self::High),
            "critical" => Ok(Self::Critical),
            _ => Err(format!(
                "unknown severity {s:?}: expected low, medium, high or critical"
            )),
        }
    }
}

/// A matched secret. Zeroized on drop, prints only redacted (first and last
/// few characters) through `Debug` and `Display`, and implements no
/// `Serialize`. Reading it takes an explicit [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(zeroize::Zeroizing<String>);

impl Secret {
    /// Wraps matched text.
    pub fn new(text: String) -> Self {
        Self(zeroize::Zeroizing::new(text))
    }

    /// The whole secret: for `--show-secrets`, fingerprints and leak reports.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The first and last few characters with `…` between; a short secret
    /// shows nothing of itself.
    ///
    /// ```
    /// use keywarden_scan::Secret;
    /// let s = Secret::new("abcdefghijklmnopqrstuvwxyz0123456789".into());
    /// assert_eq!(s.redacted(), "abcd…6789");
    /// assert_eq!(Secret::new("hunter2".into()).redacted(), "…");
    /// ```
    pub fn redacted(&self) -> String {
        redact(&self.0)
    }

    /// Whether the secret is empty (file-level findings carry none).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Shows `keep` characters at each end of `text`, fewer for short text:
/// 4 and 4 from 16 characters, 2 and 2 from 10, none below.
pub fn redact(text: &str) -> String {
    // A key block: its armour header says what it is and is not secret.
    if text.starts_with("-----BEGIN ")
        && let Some(end) = text[5..].find("-----")
    {
        return format!("{}…", &text[..end + 10]);
    }
    let chars: Vec<char> = text.chars().collect();
    let keep = match chars.len() {
        n if n >= 16 => 4,
        n if n >= 10 => 2,
        _ => 0,
    };
    let head: String = chars[..keep].iter().collect();
    let tail: String = chars[chars.len() - keep..].iter().collect();
    format!("{head}…{tail}")
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.redacted())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// The commit a finding of `--git` mode was added in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitInfo {
    /// Full commit id.
    pub id: String,
    /// Author name.
    pub author: String,
    /// Author e-mail.
    pub email: String,
    /// Author date, RFC 3339 / ISO 8601 strict.
    pub date: String,
}

/// One secret found in one place.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Rule id (`github-pat`, `keywarden-key`, …).
    pub rule_id: Arc<str>,
    /// The rule's one-line description.
    pub description: Arc<str>,
    /// The rule's severity.
    pub severity: Severity,
    /// Path relative to where the scan started (`-` for stdin).
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column of the secret's first character (in characters).
    pub column: usize,
    /// 1-based column just past the secret's last character on its first line.
    pub end_column: usize,
    /// The secret (redacted unless exposed).
    pub secret: Secret,
    /// Whether a checksum proved the match real (keywarden, GitHub, npm).
    pub verified_checksum: bool,
    /// Stable fingerprint: rule, path and secret, not the line, so edits
    /// around a baselined finding keep it baselined.
    pub fingerprint: String,
    /// The commit that added it (`--git` mode only).
    pub commit: Option<Arc<CommitInfo>>,
}

/// The stable fingerprint of a finding: the first 128 bits of
/// SHA-256(`keywarden-scan/v1`, rule, path, secret), in hex.
///
/// It does not depend on the line or the commit, so the same secret in the
/// same file is one fingerprint across edits and across history.
pub fn fingerprint(rule_id: &str, path: &str, secret: &str) -> String {
    let mut h = Sha256::new();
    for part in ["keywarden-scan/v1", rule_id, path, secret] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    let digest = h.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

impl Finding {
    /// Where the finding is, for humans and for leak reports:
    /// `path:line`, or `commit:path:line` in git mode.
    pub fn location(&self) -> String {
        match &self.commit {
            Some(c) => format!("{}:{}:{}", c.id, self.path, self.line),
            None => format!("{}:{}", self.path, self.line),
        }
    }
}
