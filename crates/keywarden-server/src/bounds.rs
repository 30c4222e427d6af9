//! Limits the API and the console share, in one place.

/// Longest free-text filter (a search, an audit filter), in characters.
pub const MAX_FILTER_CHARS: usize = keywarden_proto::MAX_FILTER_CHARS;

/// Whether a filter text is acceptable: at most [`MAX_FILTER_CHARS`]
/// characters, no control characters (they match nothing, and some
/// databases reject them outright).
pub fn filter_ok(text: &str) -> bool {
    text.chars().count() <= MAX_FILTER_CHARS && !text.chars().any(char::is_control)
}

/// Keys per page of `GET /v1/keys` when no `limit` is given.
pub const KEYS_PAGE_DEFAULT: u32 = 50;
/// Audit entries or events per page of the API when no `limit` is given.
pub const AUDIT_PAGE_DEFAULT: u32 = 100;
/// Keys per page of the console's list.
pub const CONSOLE_KEYS_PAGE: u32 = 25;
/// Audit entries per page of the console.
pub const CONSOLE_AUDIT_PAGE: u32 = 50;

pub use crate::keys::{MAX_ALLOWLIST, MAX_GRACE_MS, MAX_METADATA, MAX_NAME, MAX_SCOPES};
