//! Time, injected: production reads the system clock, tests set it.

use std::sync::{
    Arc,
    atomic::{AtomicI64, Ordering},
};

/// Milliseconds since the Unix epoch.
pub type UnixMillis = i64;

/// A source of the current time.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Now, in milliseconds since the Unix epoch.
    fn now_ms(&self) -> UnixMillis;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> UnixMillis {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    }
}

/// A clock that moves only when told, for deterministic tests.
#[derive(Debug, Clone, Default)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    /// A clock standing at `now_ms`.
    pub fn new(now_ms: UnixMillis) -> Self {
        Self(Arc::new(AtomicI64::new(now_ms)))
    }

    /// Moves the clock forward.
    pub fn advance_ms(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }

    /// Sets the clock.
    pub fn set_ms(&self, now_ms: UnixMillis) {
        self.0.store(now_ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> UnixMillis {
        self.0.load(Ordering::SeqCst)
    }
}

/// Reads a lifetime like `90d`, `12h`, `30m`, `45s`, `2w` or `1500ms` into
/// milliseconds. Total: any text gives a value or `None`, never a panic.
///
/// ```
/// assert_eq!(keywarden_core::clock::parse_duration("90d"), Some(90 * 86_400_000));
/// assert_eq!(keywarden_core::clock::parse_duration("1y"), None);
/// ```
pub fn parse_duration(text: &str) -> Option<i64> {
    // Split where the digits end: a byte index of a character boundary, so
    // any text (multi-byte characters included) is refused, never panics.
    let unit_at = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(unit_at);
    // 1 to 9 digits without a leading zero: the API documents this exact
    // form (`keywarden_proto::patterns::DURATION`), and the largest,
    // 999999999w, fits in milliseconds.
    if number.is_empty() || number.len() > MAX_DURATION_DIGITS || number.starts_with('0') {
        return None;
    }
    let n: i64 = number.parse().ok()?;
    let unit_ms = match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        _ => return None,
    };
    n.checked_mul(unit_ms)
}

/// Most digits of a duration's number.
const MAX_DURATION_DIGITS: usize = 9;

/// The last instant keywarden stores or shows: 9999-12-31T23:59:59.999Z.
/// Times past it have no RFC 3339 form, so durations that end later are
/// refused.
pub const MAX_TIME_MS: UnixMillis = 253_402_300_799_999;

/// A duration in milliseconds as [`parse_duration`] reads durations: the
/// largest unit that divides it (`1w`, `90d`, `12h`, `30m`, `45s`, `1500ms`).
///
/// ```
/// use keywarden_core::clock::{format_duration, parse_duration};
/// assert_eq!(format_duration(86_400_000), "1d");
/// assert_eq!(format_duration(5_400_000), "90m");
/// assert_eq!(parse_duration(&format_duration(1_500)), Some(1_500));
/// ```
pub fn format_duration(ms: i64) -> String {
    for (unit, size) in [
        ("w", 604_800_000),
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1_000),
    ] {
        if ms >= size && ms % size == 0 {
            return format!("{}{unit}", ms / size);
        }
    }
    format!("{ms}ms")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30m"), Some(1_800_000));
        assert_eq!(parse_duration("12h"), Some(43_200_000));
        assert_eq!(parse_duration("0d"), None);
        assert_eq!(parse_duration("d"), None);
        assert_eq!(parse_duration("-1d"), None);
        assert_eq!(parse_duration("1.5h"), None);
        assert_eq!(parse_duration("99999999999999d"), None);
        assert_eq!(
            parse_duration("999999999w"),
            Some(999_999_999 * 604_800_000)
        );
        assert_eq!(parse_duration("01h"), None);
        assert_eq!(parse_duration(" 1h"), None);
        assert_eq!(parse_duration("1500ms"), Some(1_500));
        assert_eq!(parse_duration("1é"), None);
        assert_eq!(parse_duration("é"), None);
        assert_eq!(parse_duration("1\u{1F600}"), None);
        assert_eq!(parse_duration("1 d"), None);
    }

    #[test]
    fn manual_clock_moves_when_told() {
        let c = ManualClock::new(1000);
        c.advance_ms(500);
        assert_eq!(c.now_ms(), 1500);
        assert!(SystemClock.now_ms() > 1_700_000_000_000);
    }
}
