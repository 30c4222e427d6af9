//! Verification outcome codes: the contract shared by the verify API,
//! forward-auth and the tower middleware.

use serde::{Deserialize, Serialize};

/// The outcome of a verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
    /// The key is good for this request.
    Valid,
    /// No key was presented.
    Missing,
    /// Not a keywarden key (shape or checksum).
    Malformed,
    /// No such key.
    NotFound,
    /// Revoked.
    Revoked,
    /// Past its expiry.
    Expired,
    /// Disabled by its operator: refused until enabled again.
    Disabled,
    /// The key belongs to another environment.
    EnvMismatch,
    /// The key lacks a required scope.
    InsufficientScope,
    /// The client's address is not in the key's allowlist.
    IpDenied,
    /// Too many requests (the key's rate limit, or failed attempts from
    /// this address).
    RateLimited,
    /// The key's usage limit is used up.
    UsageExceeded,
    /// The store could not be asked (unreachable, timed out, disk full):
    /// nothing is known about the key. Fail closed: the request is refused
    /// with 503 and `Retry-After`, and never counted as the client's failure.
    StoreUnavailable,
    /// The key's permissions (its own and its roles') do not satisfy the
    /// request's permission query.
    InsufficientPermissions,
    /// Made in the customer portal under a policy that requires approval:
    /// refused until an operator approves it.
    PendingApproval,
}

impl Code {
    /// Its name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "VALID",
            Self::Missing => "MISSING",
            Self::Malformed => "MALFORMED",
            Self::NotFound => "NOT_FOUND",
            Self::Revoked => "REVOKED",
            Self::Expired => "EXPIRED",
            Self::Disabled => "DISABLED",
            Self::EnvMismatch => "ENV_MISMATCH",
            Self::InsufficientScope => "INSUFFICIENT_SCOPE",
            Self::IpDenied => "IP_DENIED",
            Self::RateLimited => "RATE_LIMITED",
            Self::UsageExceeded => "USAGE_EXCEEDED",
            Self::StoreUnavailable => "STORE_UNAVAILABLE",
            Self::InsufficientPermissions => "INSUFFICIENT_PERMISSIONS",
            Self::PendingApproval => "PENDING_APPROVAL",
        }
    }

    /// The HTTP status forward-auth and middleware answer with.
    pub fn http_status(self) -> u16 {
        match self {
            Self::Valid => 200,
            Self::Missing | Self::Malformed => 401,
            Self::RateLimited => 429,
            Self::StoreUnavailable => 503,
            _ => 403,
        }
    }

    /// What it means, for the person whose request was refused.
    pub fn message(self) -> &'static str {
        match self {
            Self::Valid => "the key is valid",
            Self::Missing => "no API key: send Authorization: Bearer <key> or X-API-Key",
            Self::Malformed => "the API key is malformed",
            Self::NotFound => "the API key is not valid",
            Self::Revoked => "the API key has been revoked",
            Self::Expired => "the API key has expired",
            Self::Disabled => "the API key is disabled",
            Self::EnvMismatch => "the API key belongs to another environment",
            Self::InsufficientScope => "the API key lacks a required scope",
            Self::IpDenied => "the API key may not be used from this address",
            Self::RateLimited => "too many requests",
            Self::UsageExceeded => "the API key's usage limit is used up",
            Self::StoreUnavailable => "the key store is unavailable: try again shortly",
            Self::InsufficientPermissions => "the API key lacks a required permission",
            Self::PendingApproval => "the API key awaits its approval",
        }
    }

    /// Every code.
    pub const ALL: [Code; 15] = [
        Self::Valid,
        Self::Missing,
        Self::Malformed,
        Self::NotFound,
        Self::Revoked,
        Self::Expired,
        Self::Disabled,
        Self::EnvMismatch,
        Self::InsufficientScope,
        Self::IpDenied,
        Self::RateLimited,
        Self::UsageExceeded,
        Self::StoreUnavailable,
        Self::InsufficientPermissions,
        Self::PendingApproval,
    ];
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Code {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| format!("unknown outcome code {s:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_statuses() {
        for c in Code::ALL {
            assert_eq!(c.as_str().parse::<Code>(), Ok(c));
        }
        assert_eq!(Code::Missing.http_status(), 401);
        assert_eq!(Code::Malformed.http_status(), 401);
        assert_eq!(Code::RateLimited.http_status(), 429);
        assert_eq!(Code::Revoked.http_status(), 403);
        assert_eq!(Code::Valid.http_status(), 200);
        assert!("NOPE".parse::<Code>().is_err());
    }

    /// `ALL` holds every variant once: the match below has no wildcard, so
    /// a new variant does not compile until it has a place in `ALL`.
    #[test]
    fn all_holds_every_code_once() {
        fn place(c: Code) -> usize {
            match c {
                Code::Valid => 0,
                Code::Missing => 1,
                Code::Malformed => 2,
                Code::NotFound => 3,
                Code::Revoked => 4,
                Code::Expired => 5,
                Code::Disabled => 6,
                Code::EnvMismatch => 7,
                Code::InsufficientScope => 8,
                Code::IpDenied => 9,
                Code::RateLimited => 10,
                Code::UsageExceeded => 11,
                Code::StoreUnavailable => 12,
                Code::InsufficientPermissions => 13,
                Code::PendingApproval => 14,
            }
        }
        for (i, c) in Code::ALL.into_iter().enumerate() {
            assert_eq!(place(c), i, "{c}");
        }
        let names: std::collections::BTreeSet<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), Code::ALL.len());
    }
}
