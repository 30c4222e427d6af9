//! Types that hold secrets: zeroized on drop, redacted in `Debug`/`Display`,
//! and deliberately without `Serialize`, so a secret cannot reach a log line
//! or a JSON body by accident. Reading one takes an explicit `expose()`.

use std::fmt;

use zeroize::Zeroizing;

/// A plaintext API key in the v1 format. Only `mint` and `from_secret_bytes`
/// in [`crate::key`] create one.
///
/// ```
/// use keywarden_core::key::{mint, Environment, Prefix};
/// let key = mint(&Prefix::default(), &"live".parse::<Environment>().unwrap());
/// let shown = format!("{key}");
/// assert!(shown.starts_with("kw_live_…"));
/// assert!(!shown.contains(&key.expose()[8..40]));
/// ```
pub struct PlaintextKey {
    text: Zeroizing<String>,
    prefix_len: usize,
    env_len: usize,
}

impl PlaintextKey {
    pub(crate) fn new(text: String, prefix_len: usize, env_len: usize) -> Self {
        Self {
            text: Zeroizing::new(text),
            prefix_len,
            env_len,
        }
    }

    /// The whole key. Call it only where the key must leave the process: the
    /// create/roll response and the CLI's output.
    pub fn expose(&self) -> &str {
        &self.text
    }

    /// The deployment prefix (`kw`).
    pub fn prefix(&self) -> &str {
        &self.text[..self.prefix_len]
    }

    /// The environment (`live`).
    pub fn environment(&self) -> &str {
        &self.text[self.prefix_len + 1..self.prefix_len + 1 + self.env_len]
    }

    /// The display hint, as stored and shown in lists: `kw_live_…6P3m`.
    pub fn hint(&self) -> String {
        crate::key::display_hint(self.prefix(), self.environment(), &self.text)
    }
}

impl fmt::Debug for PlaintextKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlaintextKey({})", self.hint())
    }
}

impl fmt::Display for PlaintextKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hint())
    }
}

/// A random bearer token (a console session's CSRF token): 256 bits of the
/// OS CSPRNG in base62. Zeroized on drop, redacted in `Debug`, and compared
/// only in constant time: there is no `PartialEq`, so `==` does not compile.
///
/// ```compile_fail
/// let (a, b) = (keywarden_core::secret::Token::generate(), keywarden_core::secret::Token::generate());
/// let _ = a == b;
/// ```
///
/// ```
/// let a = keywarden_core::secret::Token::generate();
/// assert!(a.matches(a.expose()));
/// assert!(!a.matches("guess"));
/// ```
#[derive(Clone)]
pub struct Token(Zeroizing<String>);

impl Token {
    /// A fresh token.
    pub fn generate() -> Self {
        Self(Zeroizing::new(crate::random::base62_string(43)))
    }

    /// Wraps a token derived from another secret (e.g. a session's CSRF
    /// token, an HMAC of its cookie token).
    pub fn derived(text: Zeroizing<String>) -> Self {
        Self(text)
    }

    /// The token, to hand to its holder (a form field, a cookie).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether `given` is this token, compared in constant time.
    pub fn matches(&self, given: &str) -> bool {
        use subtle::ConstantTimeEq;
        bool::from(self.0.as_bytes().ct_eq(given.as_bytes()))
    }
}

impl subtle::ConstantTimeEq for Token {
    fn ct_eq(&self, other: &Self) -> subtle::Choice {
        self.0.as_bytes().ct_eq(other.0.as_bytes())
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token([REDACTED])")
    }
}

/// Random secret bytes (a generated secret, a pepper, a data key).
#[derive(Clone)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Wraps bytes that are secret.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The bytes.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// How many bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes([REDACTED; {}])", self.0.len())
    }
}

/// Secret text (an encoded secret, a JWT secret, a secret read from stdin).
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// Wraps text that is secret.
    pub fn new(text: String) -> Self {
        Self(Zeroizing::new(text))
    }

    /// The text.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SecretString([REDACTED; {} chars])",
            self.0.chars().count()
        )
    }
}

/// Secret text arrives in request bodies (a presented key, a leaked key):
/// it is read straight into the zeroizing type. There is deliberately no
/// `Serialize`.
impl<'de> serde::Deserialize<'de> for SecretString {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self::new)
    }
}

/// A secret that a response may hold once: a new key, a share link.
pub trait Exposable {
    /// The secret text.
    fn exposed(&self) -> &str;
}

impl Exposable for PlaintextKey {
    fn exposed(&self) -> &str {
        self.expose()
    }
}

impl Exposable for SecretString {
    fn exposed(&self) -> &str {
        self.expose()
    }
}

/// Writes a secret into a response body: the one place a whole key (or a
/// link that opens one) is serialized (`#[serde(serialize_with = "…")]` on
/// the create, roll and reveal responses).
pub fn serialize_exposed<S: serde::Serializer, T: Exposable>(
    secret: &T,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(secret.exposed())
}

/// [`serialize_exposed`] for an optional secret.
pub fn serialize_exposed_opt<S: serde::Serializer, T: Exposable>(
    secret: &Option<T>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match secret {
        Some(secret) => s.serialize_str(secret.exposed()),
        None => s.serialize_none(),
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}
