//! RFC 3339 at the API edge; Unix milliseconds everywhere inside.

use keywarden_core::clock::UnixMillis;
use time::{OffsetDateTime, format_description::well_known::Rfc3339};

/// `2026-11-28T21:42:47.123Z`.
pub fn rfc3339(ms: UnixMillis) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// Reads an RFC 3339 time into Unix milliseconds.
pub fn parse_rfc3339(text: &str) -> Option<UnixMillis> {
    let t = OffsetDateTime::parse(text, &Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

/// `Option` form of [`rfc3339`], for JSON.
pub fn opt(ms: Option<UnixMillis>) -> Option<String> {
    ms.map(rfc3339)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let ms = 1_800_000_000_123;
        let text = rfc3339(ms);
        assert_eq!(text, "2027-01-15T08:00:00.123Z");
        assert_eq!(parse_rfc3339(&text), Some(ms));
        assert_eq!(
            parse_rfc3339("2027-01-15T09:00:00+01:00"),
            Some(1_800_000_000_000)
        );
        assert_eq!(parse_rfc3339("tomorrow"), None);
    }
}
