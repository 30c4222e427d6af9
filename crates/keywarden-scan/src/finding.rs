//! What a scan reports: [`Finding`], its [`Severity`], the redacting
//! [`Secret`] holder, git [`CommitInfo`] and the stable fingerprint.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// `as_str`, `Display` and a case-insensitive `FromStr` for a level enum
/// whose variants are written in lower case (`Severity`, `Confidence`).
macro_rules! level_names {
    ($ty:ident, $what:literal, $expected:literal, { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            #[doc = concat!("The lowercase name (", $expected, ").")]
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.to_ascii_lowercase().as_str() {
                    $($name => Ok(Self::$variant),)+
                    _ => Err(format!(concat!("unknown ", $what, " {:?}: expected ", $expected), s)),
                }
            }
        }
    };
}

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

level_names!(Severity, "severity", "low, medium, high or critical", {
    Low => "low",
    Medium => "medium",
    High => "high",
    Critical => "critical",
});

/// How sure the scanner is that a finding is a real secret. Ordered:
/// `Low < Medium < High`; `--min-confidence` keeps the findings at or above
/// a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// A high-entropy value under a secret-like name (the generic rule):
    /// the shape of a secret, no provider's format.
    Low,
    /// A provider's format, with the context its rule asks for.
    Medium,
    /// Proved: a checksum (keywarden, GitHub, npm), a vault value's exact
    /// digest, or a live key (`--verify` said active).
    High,
}

level_names!(Confidence, "confidence", "low, medium or high", {
    Low => "low",
    Medium => "medium",
    High => "high",
});

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

    /// The first and last four characters with `…` between; a secret shorter
    /// than [`REDACT_MIN_LEN`] characters shows nothing of itself.
    ///
    /// ```
    /// use keywarden_scan::Secret;
    /// let s = Secret::new("abcdefghijklmnopqrstuvwxyz0123456789".into());
    /// assert_eq!(s.redacted(), "abcd…6789");
    /// assert_eq!(Secret::new("hunter2".into()).redacted(), "…");
    /// assert_eq!(Secret::new("Tr0ub4dor&3-horse!".into()).redacted(), "…");
    /// ```
    pub fn redacted(&self) -> String {
        redact(&self.0)
    }

    /// Whether the secret is empty (file-level findings carry none).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Secrets shorter than this show no character when redacted.
pub const REDACT_MIN_LEN: usize = 20;

/// Shows the first and last 4 characters of `text` from 20 characters on,
/// and nothing of a shorter secret (a password): a few characters of a short
/// secret narrow a guess too much.
pub fn redact(text: &str) -> String {
    // A key block: its armour header says what it is and is not secret.
    if text.starts_with("-----BEGIN ")
        && let Some(end) = text[5..].find("-----")
    {
        return format!("{}…", &text[..end + 10]);
    }
    let chars: Vec<char> = text.chars().collect();
    let keep = if chars.len() >= REDACT_MIN_LEN { 4 } else { 0 };
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

/// What the issuing server says of a keywarden key found by a scan
/// (`keywarden scan --verify`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum KeyStatus {
    /// A working credential: it verifies (or only its rate or usage limit,
    /// or the context of the check, stops it).
    Active,
    /// Revoked.
    Revoked,
    /// Past its expiry.
    Expired,
    /// Disabled (switched off, not revoked).
    Disabled,
    /// Not a key of this deployment.
    Unknown,
}

impl KeyStatus {
    /// The lowercase name (`active`, `revoked`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
            Self::Disabled => "disabled",
            Self::Unknown => "unknown",
        }
    }
}

impl fmt::Display for KeyStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
    /// How sure the scanner is ([`Confidence`]).
    pub confidence: Confidence,
    /// Found in decoded text: the encodings undone, outermost first
    /// (`base64`, `base64 → percent`); the position is the encoded text's.
    pub decoded: Option<String>,
    /// Stable fingerprint under the repository's [`FingerprintKey`] (see
    /// [`fingerprint`]): rule, path and the secret, or for a secret shorter
    /// than [`REDACT_MIN_LEN`] the line without it. Never the line number,
    /// so moving a baselined finding keeps it baselined.
    pub fingerprint: String,
    /// The commit that added it (`--git` mode only).
    pub commit: Option<Arc<CommitInfo>>,
    /// What the server said of this keywarden key (`--verify` only).
    pub status: Option<KeyStatus>,
    /// Its fingerprint is in the baseline, yet it is reported: a live key
    /// is never accepted risk.
    pub baselined: bool,
}

/// The fingerprint scheme's version: 3 fingerprints a secret shorter than
/// [`REDACT_MIN_LEN`] by its line, not its value ([`line_fingerprint`]);
/// longer secrets keep version 2's value fingerprints
/// ([`value_fingerprint`]). Baselines record it as their version.
pub const FINGERPRINT_VERSION: u32 = 3;

/// PBKDF2-HMAC-SHA256 rounds that stretch a secret before it is
/// fingerprinted: each offline guess at a secret costs this many HMACs.
const STRETCH_ROUNDS: u32 = 4096;

type HmacSha256 = hmac::Hmac<Sha256>;

/// The key fingerprints are derived under: the same for every run and every
/// machine that scans the same repository, different between repositories.
///
/// [`FingerprintKey::for_repository`] derives it from the repository's root
/// commit id (the CLI's default); a caller may mix in a secret of its own
/// with [`FingerprintKey::with_secret`] (the CLI's
/// `KEYWARDEN_FINGERPRINT_KEY`), so that someone holding the repository
/// cannot test guesses against a baseline or SARIF file either.
/// [`FingerprintKey::default`] is the key of scans outside any repository.
#[derive(Clone, PartialEq, Eq)]
pub struct FingerprintKey(zeroize::Zeroizing<[u8; 32]>);

impl FingerprintKey {
    fn derive(parts: &[&[u8]]) -> Self {
        let mut h = Sha256::new();
        for part in parts {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part);
        }
        Self(zeroize::Zeroizing::new(h.finalize().into()))
    }

    /// The key of a repository whose root commit (the oldest parentless
    /// commit of HEAD's history) has this id.
    pub fn for_repository(root_commit: &str) -> Self {
        Self::derive(&[
            b"keywarden-scan/fingerprint-key/repository",
            root_commit.trim().as_bytes(),
        ])
    }

    /// This key with a secret of the caller's mixed in.
    pub fn with_secret(&self, secret: &[u8]) -> Self {
        Self::derive(&[
            b"keywarden-scan/fingerprint-key/secret",
            &self.0[..],
            secret,
        ])
    }

    /// A short public name of the key (16 hex digits of a hash of it), kept in
    /// baselines so that a baseline of another repository or key is
    /// recognised as such instead of silently matching nothing.
    pub fn id(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"keywarden-scan/fingerprint-key/id");
        h.update(&self.0[..]);
        hex(&h.finalize()[..8])
    }
}

impl Default for FingerprintKey {
    fn default() -> Self {
        Self::derive(&[b"keywarden-scan/fingerprint-key/none"])
    }
}

impl fmt::Debug for FingerprintKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FingerprintKey({})", self.id())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac(key: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length: this cannot fail.
    <HmacSha256 as hmac::Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!())
}

/// PBKDF2-HMAC-SHA256 (RFC 8018), one 32-byte block: the secret stretched
/// under a salt that holds the key, so guesses cost [`STRETCH_ROUNDS`] HMACs
/// each and cannot be shared between repositories.
///
/// Stretched values are remembered (by a SHA-256 of key and secret, up to
/// [`STRETCH_CACHE`] of them): one secret in a thousand commits of a history,
/// or a key pasted into every fixture, is stretched once.
fn stretch(key: &FingerprintKey, secret: &str) -> zeroize::Zeroizing<[u8; 32]> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<[u8; 32], [u8; 32]>>> = OnceLock::new();
    let id: [u8; 32] = Sha256::new()
        .chain_update(&key.0[..])
        .chain_update(secret.as_bytes())
        .finalize()
        .into();
    let cache = CACHE.get_or_init(Mutex::default);
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(&id).copied()) {
        return zeroize::Zeroizing::new(hit);
    }
    let out = stretch_uncached(key, secret);
    if let Ok(mut c) = cache.lock() {
        if c.len() >= STRETCH_CACHE {
            c.clear();
        }
        c.insert(id, *out);
    }
    out
}

/// How many stretched secrets [`stretch`] remembers (2 MiB).
const STRETCH_CACHE: usize = 32 * 1024;

fn stretch_uncached(key: &FingerprintKey, secret: &str) -> zeroize::Zeroizing<[u8; 32]> {
    use hmac::Mac as _;
    let prf = hmac(secret.as_bytes());
    let mut first = prf.clone();
    first.update(b"keywarden-scan/v2");
    first.update(&key.0[..]);
    first.update(&1u32.to_be_bytes());
    let mut u: [u8; 32] = first.finalize().into_bytes().into();
    let mut out = zeroize::Zeroizing::new(u);
    for _ in 1..STRETCH_ROUNDS {
        let mut m = prf.clone();
        m.update(&u);
        u = m.finalize().into_bytes().into();
        for (o, b) in out.iter_mut().zip(u) {
            *o ^= b;
        }
    }
    zeroize::Zeroize::zeroize(&mut u);
    out
}

/// Whether a secret is fingerprinted by its line: a non-empty secret shorter
/// than [`REDACT_MIN_LEN`] characters (the ones redacted to nothing).
///
/// A password's value fingerprint can be tested against a list of likely
/// passwords by whoever holds the [`FingerprintKey`] (the root commit id is
/// public to anyone with the repository): `Winter2024!` falls in about a
/// second whatever the stretching. So a short secret's fingerprint does not
/// depend on it at all.
pub fn fingerprints_by_line(secret: &str) -> bool {
    !secret.is_empty() && secret.chars().count() < REDACT_MIN_LEN
}

/// The stable fingerprint of a finding: [`line_fingerprint`] of `line` (the
/// secret's line with the secret cut out) when the secret is short
/// ([`fingerprints_by_line`]), else [`value_fingerprint`] of the secret.
/// File-level findings (an empty secret) take the value scheme.
pub fn fingerprint(
    key: &FingerprintKey,
    rule_id: &str,
    path: &str,
    secret: &str,
    line: &str,
) -> String {
    if fingerprints_by_line(secret) {
        line_fingerprint(key, rule_id, path, line)
    } else {
        value_fingerprint(key, rule_id, path, secret)
    }
}

/// The value fingerprint (scheme version 2, unchanged in version 3): the
/// first 128 bits, in hex, of HMAC-SHA256 under `key` of
/// (`keywarden-scan/v2`, rule, path, the secret stretched by
/// PBKDF2-HMAC-SHA256 with the key in its salt).
///
/// It does not depend on the line or the commit, so the same secret in the
/// same file is one fingerprint across edits and across history; it is the
/// same on every machine for the same key (the same repository). Without
/// the key a guess cannot be tested at all, and with it each guess costs
/// 4096 HMACs (`STRETCH_ROUNDS`): enough for a random secret of 20
/// characters or more, not for a password, which [`line_fingerprint`]
/// covers.
pub fn value_fingerprint(key: &FingerprintKey, rule_id: &str, path: &str, secret: &str) -> String {
    let stretched = if secret.is_empty() {
        zeroize::Zeroizing::new([0; 32])
    } else {
        stretch(key, secret)
    };
    keyed(
        key,
        &[
            b"keywarden-scan/v2",
            rule_id.as_bytes(),
            path.as_bytes(),
            &stretched[..],
        ],
    )
}

/// The line fingerprint of a short secret (scheme version 3): the first 128
/// bits, in hex, of HMAC-SHA256 under `key` of (`keywarden-scan/v3/line`,
/// rule, path, the secret's line with the secret cut out and surrounding
/// white space trimmed). The scanner also replaces any other secret found
/// on the line with `…`.
///
/// It holds nothing of the secret, so it cannot be guessed from: a changed
/// password on an unchanged line keeps its fingerprint (and a baseline
/// entry covers it), while another path or an edit elsewhere on the line
/// gives a new one. Moving the line keeps it.
pub fn line_fingerprint(key: &FingerprintKey, rule_id: &str, path: &str, line: &str) -> String {
    keyed(
        key,
        &[
            b"keywarden-scan/v3/line",
            rule_id.as_bytes(),
            path.as_bytes(),
            line.trim().as_bytes(),
        ],
    )
}

/// The first 128 bits, in hex, of HMAC-SHA256 under `key` of the
/// length-prefixed parts.
fn keyed(key: &FingerprintKey, parts: &[&[u8]]) -> String {
    use hmac::Mac as _;
    let mut m = hmac(&key.0[..]);
    for part in parts {
        m.update(&(part.len() as u64).to_be_bytes());
        m.update(part);
    }
    hex(&m.finalize().into_bytes()[..16])
}

impl Finding {
    /// Whether the server said this key works (`--verify`).
    pub fn is_live(&self) -> bool {
        self.status == Some(KeyStatus::Active)
    }

    /// Where the finding is, for humans and for leak reports:
    /// `path:line`, or `commit:path:line` in git mode.
    pub fn location(&self) -> String {
        match &self.commit {
            Some(c) => format!("{}:{}:{}", c.id, self.path, self.line),
            None => format!("{}:{}", self.path, self.line),
        }
    }
}
