//! The v1 key format of KEY-FORMAT.md: minting, parsing, display hints and
//! the identifiers that name keys.
//!
//! `<prefix>_<env>_<secret><checksum>`: a 43-digit base62 secret (32 bytes of
//! OS randomness) and a 6-digit base62 CRC-32 of everything before it.

use std::fmt;

pub use crate::names::NameError;
use crate::{base62, names::name_type, random, secret::PlaintextKey};

/// Base62 digits of the secret part (32 bytes).
pub const SECRET_LEN: usize = 43;
/// Base62 digits of the checksum.
pub const CHECKSUM_LEN: usize = 6;
/// Bytes of OS randomness in a key.
pub const SECRET_BYTES: usize = 32;
/// Anything longer is malformed before any other work.
pub const MAX_KEY_LEN: usize = 128;
/// Longest prefix.
pub const MAX_PREFIX_LEN: usize = 16;
/// Longest environment.
pub const MAX_ENV_LEN: usize = 12;
/// The environment reserved for root (management) keys.
pub const ROOT_ENVIRONMENT: &str = "root";

/// The largest secret part: 2^256 - 1 in base62. The alphabet's ASCII order is
/// its digit order, so a byte-wise comparison against it finds overflow.
const MAX_SECRET: &[u8; SECRET_LEN] = b"yhjskwdA6OZ1AL1YmHWZWm8LLG7HjnuCA2j5rOw8Xp1";

fn is_label(s: &[u8], max_len: usize) -> bool {
    match s.split_first() {
        Some((first, rest)) => {
            s.len() <= max_len
                && first.is_ascii_lowercase()
                && rest
                    .iter()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        }
        None => false,
    }
}

name_type!(
    /// A deployment's key prefix: `[a-z][a-z0-9]{0,15}`, default `kw`.
    Prefix,
    "prefix",
    |s| is_label(s.as_bytes(), MAX_PREFIX_LEN),
    "expected a lowercase letter, then up to 15 lowercase letters or digits"
);

name_type!(
    /// An environment: `[a-z][a-z0-9]{0,11}` (`live`, `test`, `staging`, ...).
    Environment,
    "environment",
    |s| is_label(s.as_bytes(), MAX_ENV_LEN),
    "expected a lowercase letter, then up to 11 lowercase letters or digits"
);

name_type!(
    /// A public key id: `key_` and 16 base62 characters, random, not derived
    /// from the secret.
    KeyId,
    "key id",
    |s| s.len() == 20 && s.starts_with("key_") && base62::is_base62(&s.as_bytes()[4..]),
    "expected key_ followed by 16 letters or digits"
);

impl Default for Prefix {
    fn default() -> Self {
        Self("kw".to_owned())
    }
}

impl Environment {
    /// The reserved environment of root keys.
    pub fn root() -> Self {
        Self(ROOT_ENVIRONMENT.to_owned())
    }

    /// Whether this is the reserved `root` environment.
    pub fn is_root(&self) -> bool {
        self.0 == ROOT_ENVIRONMENT
    }
}

impl KeyId {
    /// A fresh random id.
    pub fn generate() -> Self {
        Self(format!("key_{}", random::base62_string(16)))
    }
}

/// A key read back from storage (the recoverable keys' envelope): the same
/// zeroizing, redacting type as a minted one, for a text that parses as a
/// key. `None` when it does not.
pub fn recovered(text: String) -> Option<PlaintextKey> {
    let (prefix_len, env_len) = {
        let parts = parse(&text).ok()?;
        (parts.prefix().len(), parts.environment().len())
    };
    Some(PlaintextKey::new(text, prefix_len, env_len))
}

/// Makes a new key from 32 bytes of the operating system's CSPRNG.
pub fn mint(prefix: &Prefix, env: &Environment) -> PlaintextKey {
    let mut bytes = zeroize::Zeroizing::new([0u8; SECRET_BYTES]);
    random::fill(bytes.as_mut());
    from_secret_bytes(prefix, env, &bytes)
}

/// Builds the key for given secret bytes. Deterministic: for test vectors and
/// for nothing else — real keys come from [`mint`].
pub fn from_secret_bytes(
    prefix: &Prefix,
    env: &Environment,
    bytes: &[u8; SECRET_BYTES],
) -> PlaintextKey {
    let mut text =
        String::with_capacity(prefix.0.len() + env.0.len() + 2 + SECRET_LEN + CHECKSUM_LEN);
    text.push_str(&prefix.0);
    text.push('_');
    text.push_str(&env.0);
    text.push('_');
    // 43 base62 digits hold any 256-bit number (62^43 > 2^256).
    let secret =
        zeroize::Zeroizing::new(base62::encode_fixed(bytes, SECRET_LEN).unwrap_or_default());
    text.push_str(&secret);
    text.push_str(&checksum(text.as_bytes()));
    PlaintextKey::new(text, prefix.0.len(), env.0.len())
}

fn checksum_value(body: &[u8]) -> u32 {
    crc32fast::hash(body)
}

fn checksum(body: &[u8]) -> String {
    // A u32 always fits in 6 base62 digits (62^6 > 2^32).
    base62::encode_u64(u64::from(checksum_value(body)), CHECKSUM_LEN).unwrap_or_default()
}

/// Why a string is not a v1 key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The shape is wrong (length, separators, characters, prefix or env rules).
    #[error("not a keywarden key: the format is wrong")]
    Malformed,
    /// The shape is right but the checksum does not match: a typo, a truncation
    /// or a look-alike.
    #[error("not a keywarden key: the checksum does not match")]
    BadChecksum,
}

impl ParseError {
    /// The verification outcome code (`MALFORMED` for both: a caller learns
    /// nothing more from a bad checksum than from a bad shape).
    pub fn code(self) -> &'static str {
        "MALFORMED"
    }
}

/// A well-formed key with a valid checksum, borrowed from the input.
#[derive(Clone, Copy)]
pub struct KeyParts<'a> {
    text: &'a str,
    prefix_len: usize,
    env_len: usize,
}

impl<'a> KeyParts<'a> {
    /// The deployment prefix.
    pub fn prefix(&self) -> &'a str {
        &self.text[..self.prefix_len]
    }

    /// The environment the key was minted for.
    pub fn environment(&self) -> &'a str {
        &self.text[self.prefix_len + 1..self.prefix_len + 1 + self.env_len]
    }

    /// The whole key: secret. Hash it, don't show it.
    pub fn expose(&self) -> &'a str {
        self.text
    }

    /// The display hint (`kw_live_…6P3m`).
    pub fn hint(&self) -> String {
        display_hint(self.prefix(), self.environment(), self.text)
    }
}

impl fmt::Debug for KeyParts<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyParts({})", self.hint())
    }
}

/// Parses any string as a v1 key.
///
/// Never panics, allocates nothing, and reads each byte a bounded number of
/// times; input over [`MAX_KEY_LEN`] bytes is malformed at once.
///
/// ```
/// use keywarden_core::key::{parse, ParseError};
/// let key = "kw_live_00000000000000000000000000000000000000000000AwA6B";
/// let parts = parse(key).unwrap();
/// assert_eq!((parts.prefix(), parts.environment()), ("kw", "live"));
/// assert_eq!(parse("kw_live_00000000000000000000000000000000000000000000AwA6C").unwrap_err(), ParseError::BadChecksum);
/// assert_eq!(parse("hello").unwrap_err(), ParseError::Malformed);
/// ```
pub fn parse(input: &str) -> Result<KeyParts<'_>, ParseError> {
    let bytes = input.as_bytes();
    if bytes.len() > MAX_KEY_LEN {
        return Err(ParseError::Malformed);
    }
    let prefix_len = bytes
        .iter()
        .position(|&b| b == b'_')
        .ok_or(ParseError::Malformed)?;
    let after_prefix = &bytes[prefix_len + 1..];
    let env_len = after_prefix
        .iter()
        .position(|&b| b == b'_')
        .ok_or(ParseError::Malformed)?;
    let tail = &after_prefix[env_len + 1..];
    if !is_label(&bytes[..prefix_len], MAX_PREFIX_LEN)
        || !is_label(&after_prefix[..env_len], MAX_ENV_LEN)
        || tail.len() != SECRET_LEN + CHECKSUM_LEN
        || !base62::is_base62(tail)
    {
        return Err(ParseError::Malformed);
    }
    let (secret, check) = tail.split_at(SECRET_LEN);
    if secret > MAX_SECRET.as_slice() {
        return Err(ParseError::Malformed);
    }
    let body_len = bytes.len() - CHECKSUM_LEN;
    let expected = base62::decode_u64(check).ok_or(ParseError::Malformed)?;
    if expected != u64::from(checksum_value(&bytes[..body_len])) {
        return Err(ParseError::BadChecksum);
    }
    Ok(KeyParts {
        text: input,
        prefix_len,
        env_len,
    })
}

/// Longest text of a key imported from another system.
pub const MAX_IMPORTED_TEXT: usize = 512;

/// What a presented string is, before any lookup: a keywarden key, a
/// string that may be a key imported from another system (1 to
/// [`MAX_IMPORTED_TEXT`] printable ASCII characters, not shaped as a
/// keywarden key), or neither. A keywarden-shaped string with a bad
/// checksum is neither, whatever was imported: look-alikes fail fast.
#[derive(Clone, Copy)]
pub enum Presented<'a> {
    /// A keywarden key (format and checksum hold).
    Key(KeyParts<'a>),
    /// Text that can only be an imported key's.
    Other(&'a str),
    /// Malformed.
    Malformed,
}

impl<'a> Presented<'a> {
    /// Reads `text` (no I/O, no allocation).
    ///
    /// ```
    /// use keywarden_core::key::Presented;
    /// assert!(matches!(Presented::read("NXk3VxvZ.XzAxY2Rl"), Presented::Other(_)));
    /// assert!(matches!(Presented::read("has space"), Presented::Malformed));
    /// assert!(matches!(
    ///     Presented::read("kw_live_00000000000000000000000000000000000000000000AwA6C"),
    ///     Presented::Malformed
    /// ));
    /// ```
    pub fn read(text: &'a str) -> Self {
        match parse(text) {
            Ok(parts) => Self::Key(parts),
            Err(ParseError::Malformed)
                if !text.is_empty()
                    && text.len() <= MAX_IMPORTED_TEXT
                    && text.bytes().all(|b| b.is_ascii_graphic()) =>
            {
                Self::Other(text)
            }
            Err(_) => Self::Malformed,
        }
    }
}

/// The display hint of a key: prefix, env and its last 4 characters
/// (`acme_live_…6P3m`), as Stripe shows keys.
pub fn display_hint(prefix: &str, env: &str, key: &str) -> String {
    let last4 = key.get(key.len().saturating_sub(4)..).unwrap_or("");
    format!("{prefix}_{env}_…{last4}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector(bytes: [u8; 32], prefix: &str, env: &str) -> String {
        from_secret_bytes(&prefix.parse().unwrap(), &env.parse().unwrap(), &bytes)
            .expose()
            .to_owned()
    }

    #[test]
    fn key_format_vectors() {
        assert_eq!(
            vector([0; 32], "kw", "live"),
            "kw_live_00000000000000000000000000000000000000000000AwA6B"
        );
        let mut counting = [0u8; 32];
        for (i, b) in counting.iter_mut().enumerate() {
            *b = i as u8;
        }
        assert_eq!(
            vector(counting, "kw", "test"),
            "kw_test_003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf18Bk99"
        );
        assert_eq!(
            vector([0xff; 32], "acme", "live"),
            "acme_live_yhjskwdA6OZ1AL1YmHWZWm8LLG7HjnuCA2j5rOw8Xp10u6P3m"
        );
        let half = [
            0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18, 0x29, 0x3a, 0x4b, 0x5c, 0x6d, 0x7e,
            0x8f, 0x90,
        ];
        let mut twice = [0u8; 32];
        twice[..16].copy_from_slice(&half);
        twice[16..].copy_from_slice(&half);
        assert_eq!(
            vector(twice, "kw", "dev"),
            "kw_dev_cLIymOC93QnmGoIcZvvJsGB0x0IvxXalfzryN3lN4eu1Vkpbb"
        );
    }

    #[test]
    fn vectors_parse() {
        for key in [
            "kw_live_00000000000000000000000000000000000000000000AwA6B",
            "kw_test_003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf18Bk99",
            "acme_live_yhjskwdA6OZ1AL1YmHWZWm8LLG7HjnuCA2j5rOw8Xp10u6P3m",
            "kw_dev_cLIymOC93QnmGoIcZvvJsGB0x0IvxXalfzryN3lN4eu1Vkpbb",
        ] {
            assert!(parse(key).is_ok(), "{key}");
        }
    }

    #[test]
    fn hint_matches_key_format() {
        let key = from_secret_bytes(
            &"acme".parse().unwrap(),
            &"live".parse().unwrap(),
            &[0xff; 32],
        );
        assert_eq!(key.hint(), "acme_live_…6P3m");
        assert_eq!(format!("{key:?}"), "PlaintextKey(acme_live_…6P3m)");
    }

    #[test]
    fn malformed_shapes() {
        let good = "kw_live_00000000000000000000000000000000000000000000AwA6B";
        for bad in [
            "",
            "_",
            "__",
            "kw_live",
            "kw_live_",
            &good[..good.len() - 1],
            &format!("{good}0"),
            &good.replace("kw_", "Kw_"),
            &good.replace("kw_", "1w_"),
            &good.replace("_live_", "_li-e_"),
            &good.replace("_live_", "_thirteenchars_"),
            &format!("abcdefghijklmnopq{}", &good[2..]),
            &good.replace('A', "é"),
            &"a".repeat(10_000),
        ] {
            assert_eq!(parse(bad).unwrap_err(), ParseError::Malformed, "{bad:?}");
        }
    }

    #[test]
    fn secret_above_2_pow_256_is_malformed() {
        // The largest secret plus one, with a correct checksum for it.
        let body = "kw_live_yhjskwdA6OZ1AL1YmHWZWm8LLG7HjnuCA2j5rOw8Xp2";
        let key = format!("{body}{}", checksum(body.as_bytes()));
        assert_eq!(parse(&key).unwrap_err(), ParseError::Malformed);
    }

    #[test]
    fn names() {
        assert!("kw".parse::<Prefix>().is_ok());
        assert!("a234567890123456".parse::<Prefix>().is_ok());
        assert!("a2345678901234567".parse::<Prefix>().is_err());
        assert!("staging".parse::<Environment>().is_ok());
        assert!("Live".parse::<Environment>().is_err());
        assert!("".parse::<Environment>().is_err());
        let id = KeyId::generate();
        assert!(id.as_str().parse::<KeyId>().is_ok());
        assert!("key_short".parse::<KeyId>().is_err());
        let err = "Bad Env".parse::<Environment>().unwrap_err();
        assert!(err.to_string().contains("invalid environment"));
    }

    #[test]
    fn minted_keys_differ_and_parse() {
        let (p, e) = (Prefix::default(), Environment::root());
        let a = mint(&p, &e);
        let b = mint(&p, &e);
        assert_ne!(a.expose(), b.expose());
        let parts = parse(a.expose()).unwrap();
        assert_eq!(parts.environment(), "root");
        assert_eq!(a.environment(), "root");
        assert_eq!(a.prefix(), "kw");
    }
}
