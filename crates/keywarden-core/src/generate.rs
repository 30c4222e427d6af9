//! Offline generators for raw secrets and JWT HMAC secrets.

use std::{fmt, str::FromStr};

use base64::Engine as _;

use crate::{
    base62,
    secret::{SecretBytes, SecretString},
};

/// Fewest bytes `secret` will make (128 bits).
pub const MIN_SECRET_BYTES: usize = 16;
/// Most bytes `secret` will make.
pub const MAX_SECRET_BYTES: usize = 1024;

/// How a secret is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SecretFormat {
    /// Lowercase hex.
    Hex,
    /// Standard base64 with padding.
    Base64,
    /// URL-safe base64 without padding (what JWT libraries expect).
    #[default]
    Base64Url,
    /// Base62, a big-endian number, fixed width for the byte count.
    Base62,
}

impl SecretFormat {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [SecretFormat; 4] = [Self::Hex, Self::Base64, Self::Base64Url, Self::Base62];

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Hex => "hex",
            Self::Base64 => "base64",
            Self::Base64Url => "base64url",
            Self::Base62 => "base62",
        }
    }

    /// Writes `bytes` in this format.
    pub fn encode(self, bytes: &SecretBytes) -> SecretString {
        let raw = bytes.expose();
        SecretString::new(match self {
            Self::Hex => crate::digest::hex_lower(raw),
            Self::Base64 => base64::engine::general_purpose::STANDARD.encode(raw),
            Self::Base64Url => base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw),
            // The width is computed to hold any number of that many bytes.
            Self::Base62 => {
                base62::encode_fixed(raw, base62::width_for_bytes(raw.len())).unwrap_or_default()
            }
        })
    }
}

impl fmt::Display for SecretFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SecretFormat {
    type Err = GenerateError;
    fn from_str(s: &str) -> Result<Self, GenerateError> {
        Self::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| GenerateError::UnknownFormat(s.chars().take(32).collect()))
    }
}

/// Why a generator refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GenerateError {
    /// The byte count is outside 16..=1024.
    #[error("a secret must be {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} bytes, got {0}")]
    Size(usize),
    /// Not one of hex, base64, base64url, base62.
    #[error("unknown format {0:?}: expected hex, base64, base64url or base62")]
    UnknownFormat(String),
    /// Not HS256, HS384 or HS512.
    #[error("unknown algorithm {0:?}: expected HS256, HS384 or HS512")]
    UnknownAlgorithm(String),
}

/// `bytes` random bytes from the OS CSPRNG, 16 to 1024 of them.
pub fn secret(bytes: usize) -> Result<SecretBytes, GenerateError> {
    if !(MIN_SECRET_BYTES..=MAX_SECRET_BYTES).contains(&bytes) {
        return Err(GenerateError::Size(bytes));
    }
    let mut buf = vec![0u8; bytes];
    crate::random::fill(&mut buf);
    Ok(SecretBytes::new(buf))
}

/// A JWT HMAC algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum JwtAlgorithm {
    /// HMAC-SHA256.
    #[default]
    HS256,
    /// HMAC-SHA384.
    HS384,
    /// HMAC-SHA512.
    HS512,
}

impl JwtAlgorithm {
    /// Every algorithm.
    pub const ALL: [JwtAlgorithm; 3] = [Self::HS256, Self::HS384, Self::HS512];

    /// Bytes of secret: at least the hash output size (RFC 7518 §3.2).
    pub fn secret_bytes(self) -> usize {
        match self {
            Self::HS256 => 32,
            Self::HS384 => 48,
            Self::HS512 => 64,
        }
    }

    /// Its JOSE name.
    pub fn name(self) -> &'static str {
        match self {
            Self::HS256 => "HS256",
            Self::HS384 => "HS384",
            Self::HS512 => "HS512",
        }
    }
}

impl fmt::Display for JwtAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for JwtAlgorithm {
    type Err = GenerateError;
    fn from_str(s: &str) -> Result<Self, GenerateError> {
        Self::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| GenerateError::UnknownAlgorithm(s.chars().take(32).collect()))
    }
}

/// A secret for `alg`, sized to its hash.
pub fn jwt_secret(alg: JwtAlgorithm) -> SecretBytes {
    let mut buf = vec![0u8; alg.secret_bytes()];
    crate::random::fill(&mut buf);
    SecretBytes::new(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_formats() {
        assert_eq!(secret(15).unwrap_err(), GenerateError::Size(15));
        assert_eq!(secret(1025).unwrap_err(), GenerateError::Size(1025));
        let s = secret(32).unwrap();
        assert_eq!(SecretFormat::Hex.encode(&s).expose().len(), 64);
        assert_eq!(SecretFormat::Base64.encode(&s).expose().len(), 44);
        assert_eq!(SecretFormat::Base64Url.encode(&s).expose().len(), 43);
        assert_eq!(SecretFormat::Base62.encode(&s).expose().len(), 43);
        let big = secret(1024).unwrap();
        assert_eq!(
            SecretFormat::Base62.encode(&big).expose().len(),
            base62::width_for_bytes(1024)
        );
    }

    #[test]
    fn names_parse() {
        assert_eq!(
            "BASE64URL".parse::<SecretFormat>().unwrap(),
            SecretFormat::Base64Url
        );
        assert!("base32".parse::<SecretFormat>().is_err());
        assert_eq!(
            "hs384".parse::<JwtAlgorithm>().unwrap(),
            JwtAlgorithm::HS384
        );
        assert!("RS256".parse::<JwtAlgorithm>().is_err());
        for alg in JwtAlgorithm::ALL {
            assert_eq!(jwt_secret(alg).len(), alg.secret_bytes());
        }
    }

    #[test]
    fn secrets_differ() {
        let a = secret(16).unwrap();
        let b = secret(16).unwrap();
        assert_ne!(a.expose(), b.expose());
    }
}
