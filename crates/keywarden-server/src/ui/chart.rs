//! Server-rendered SVG charts: verifications per time bucket, stacked by
//! outcome code, with axes, gridlines, a legend and a tooltip per segment.
//! Colors come from classes in `app.css` (the CSP forbids inline styles).

use keywarden_core::{clock::UnixMillis, outcome::Code};
use keywarden_store::UsageBucket;
use maud::{Markup, html};
use time::OffsetDateTime;

/// Every outcome code in stacking order: successes at the bottom, then the
/// refusals of a known key, of no key, and the store's outages. As long as
/// [`Code::ALL`]: a new code does not compile until it has a place here
/// (and a test holds it to one place each).
pub(crate) const CODES: [Code; Code::ALL.len()] = [
    Code::Valid,
    Code::Revoked,
    Code::Expired,
    Code::Disabled,
    Code::PendingApproval,
    Code::NotFound,
    Code::Malformed,
    Code::EnvMismatch,
    Code::InsufficientScope,
    Code::IpDenied,
    Code::RateLimited,
    Code::UsageExceeded,
    Code::Missing,
    Code::StoreUnavailable,
    Code::InsufficientPermissions,
];

/// The class that colors a code (`code-valid`, `code-not_found`, ...; in
/// `app.css`).
fn class(code: Code) -> String {
    format!("code-{}", code.as_str().to_ascii_lowercase())
}

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// A time range cut into equal buckets.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Range {
    /// Start of the first bucket.
    pub(crate) from: UnixMillis,
    /// Bucket length.
    pub(crate) bucket_ms: i64,
    /// How many buckets.
    pub(crate) buckets: usize,
}

impl Range {
    /// The `n` buckets of `bucket_ms` that end with the one holding `now`.
    pub(crate) fn ending_at(now: UnixMillis, bucket_ms: i64, n: usize) -> Self {
        let last = now.div_euclid(bucket_ms) * bucket_ms;
        Self {
            from: last - (n as i64 - 1) * bucket_ms,
            bucket_ms,
            buckets: n,
        }
    }

    /// The end of the last bucket.
    pub(crate) fn to(&self) -> UnixMillis {
        self.from + self.bucket_ms * self.buckets as i64
    }
}

/// The smallest of 1, 2, 5 × 10ⁿ at or above `max`.
fn nice_ceiling(max: i64) -> i64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if m * step >= max {
                return m * step;
            }
        }
        step *= 10;
    }
}

fn label(ms: UnixMillis, bucket_ms: i64) -> String {
    let Ok(t) = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000) else {
        return String::new();
    };
    // Days, and hourly buckets at midnight, are labelled by date.
    if bucket_ms >= 86_400_000 || (bucket_ms >= 3_600_000 && t.hour() == 0) {
        format!("{:02}-{:02}", u8::from(t.month()), t.day())
    } else {
        format!("{:02}:{:02}", t.hour(), t.minute())
    }
}

fn span_label(start: UnixMillis, bucket_ms: i64) -> String {
    let end = start + bucket_ms;
    format!(
        "{} – {}",
        super::html::datetime(start),
        if bucket_ms >= 86_400_000 {
            super::html::datetime(end)
        } else {
            label(end, 60_000)
        }
    )
}

/// Verifications of `code` in a bucket (its counts are keyed by the
/// codes' wire names).
fn count(b: &UsageBucket, code: Code) -> Option<i64> {
    b.by_code.get(code.as_str()).copied()
}

/// A bucket's segments, bottom up: (code, count, count below it).
fn segments(b: &UsageBucket) -> Vec<(Code, i64, i64)> {
    let mut base = 0;
    CODES
        .into_iter()
        .filter_map(|code| {
            let count = count(b, code)?;
            let seg = (code, count, base);
            base += count;
            Some(seg)
        })
        .collect()
}

/// Stacked bars of `buckets` over `range`, with a legend of the codes seen.
pub(crate) fn stacked_bars(buckets: &[UsageBucket], range: Range, title: &str) -> Markup {
    let n = range.buckets.max(1);
    let mut series: Vec<Option<&UsageBucket>> = vec![None; n];
    for b in buckets {
        let i = (b.start - range.from).div_euclid(range.bucket_ms);
        if let Ok(i) = usize::try_from(i)
            && i < n
        {
            series[i] = Some(b);
        }
    }
    let total: i64 = series.iter().flatten().map(|b| b.total).sum();
    let refused: i64 = series
        .iter()
        .flatten()
        .map(|b| b.total - count(b, Code::Valid).unwrap_or(0))
        .sum();
    let max = series.iter().flatten().map(|b| b.total).max().unwrap_or(0);
    // Four gridline steps of a round size: 0, 5, 10, 15, 20 or 0, 50, 100, …
    let ceiling = 4 * nice_ceiling((max + 3) / 4);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = plot_w / n as f64;
    let bar_w = (slot * 0.78).max(1.0);
    let y = |v: i64| TOP + plot_h - (v as f64 / ceiling as f64) * plot_h;
    let label_every = (n / 8).max(1);
    let seen: Vec<Code> = CODES
        .into_iter()
        .filter(|c| series.iter().flatten().any(|b| count(b, *c).is_some()))
        .collect();
    let summary = format!("{title}: {total} verifications, {refused} refused");
    html! {
        // Narrow screens scroll the chart sideways: focusable, so a
        // keyboard can scroll it too.
        figure class="chart" tabindex="0" aria-label=(title) {
            svg viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) role="img" aria-label=(summary) class="chart-svg" {
                title { (summary) }
                @for i in 0..=4i64 {
                    @let v = ceiling * i / 4;
                    line class="gridline" x1=(LEFT) x2=(WIDTH - RIGHT) y1=(y(v)) y2=(y(v)) {}
                    text class="axis" x=(LEFT - 6.0) y=(y(v) + 4.0) text-anchor="end" { (v) }
                }
                @for (i, bucket) in series.iter().enumerate() {
                    @let x = LEFT + slot * i as f64 + (slot - bar_w) / 2.0;
                    @let start = range.from + range.bucket_ms * i as i64;
                    @if let Some(b) = bucket {
                        @for (code, count, base) in segments(b) {
                            rect class=(format!("bar {}", class(code)))
                                x=(format!("{x:.1}")) y=(format!("{:.1}", y(base + count)))
                                width=(format!("{bar_w:.1}"))
                                height=(format!("{:.1}", (y(base) - y(base + count)).max(0.5))) {
                                title { (span_label(start, range.bucket_ms)) " · " (code) ": " (count) " of " (b.total) }
                            }
                        }
                    }
                    @if i % label_every == 0 {
                        text class="axis" x=(format!("{:.1}", x + bar_w / 2.0)) y=(HEIGHT - 8.0) text-anchor="middle" {
                            (label(start, range.bucket_ms))
                        }
                    }
                }
                line class="baseline" x1=(LEFT) x2=(WIDTH - RIGHT) y1=(y(0)) y2=(y(0)) {}
                @if total == 0 {
                    text class="chart-empty" x=(LEFT + plot_w / 2.0) y=(TOP + plot_h / 2.0) text-anchor="middle" {
                        "No verifications in this period"
                    }
                }
            }
            figcaption class="legend" {
                span class="legend-total" { strong { (total) } " verifications · " strong { (refused) } " refused" }
                @for code in &seen {
                    span class="legend-item" {
                        span class=(format!("swatch {}", class(*code))) aria-hidden="true" {}
                        (code)
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// A bucket's counts as the store keys them.
    fn by_code(counts: &[(Code, i64)]) -> BTreeMap<String, i64> {
        counts
            .iter()
            .map(|(c, n)| (c.as_str().to_owned(), *n))
            .collect()
    }

    #[test]
    fn every_code_has_one_place_and_a_color() {
        let placed: std::collections::BTreeSet<&str> = CODES.iter().map(|c| c.as_str()).collect();
        let all: std::collections::BTreeSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(placed, all);
        let css = include_str!("assets/app.css");
        for code in Code::ALL {
            let class = class(code);
            assert!(css.contains(&format!("\n.{class} {{ fill:")), "{class}");
            assert!(css.contains(&format!("\n.swatch.{class} {{")), "{class}");
        }
    }

    /// Disabled keys and store outages are drawn like every other code.
    #[test]
    fn disabled_and_store_unavailable_buckets_are_drawn() {
        let minute = 60_000;
        let range = Range::ending_at(1_800_000_000_000, minute, 60);
        let bucket = UsageBucket {
            start: range.from + 59 * minute,
            total: 7,
            by_code: by_code(&[(Code::Disabled, 3), (Code::StoreUnavailable, 4)]),
        };
        let svg = stacked_bars(&[bucket], range, "Last hour").into_string();
        assert!(svg.contains("7 verifications, 7 refused"), "{svg}");
        assert_eq!(
            svg.matches("class=\"bar code-disabled\"").count(),
            1,
            "{svg}"
        );
        assert_eq!(
            svg.matches("class=\"bar code-store_unavailable\"").count(),
            1,
            "{svg}"
        );
        assert!(
            svg.contains(&format!("{}: 3 of 7", Code::Disabled)),
            "{svg}"
        );
        assert!(
            svg.contains(&format!("{}: 4 of 7", Code::StoreUnavailable)),
            "{svg}"
        );
        assert!(svg.contains("class=\"swatch code-disabled\""), "{svg}");
        assert!(
            svg.contains("class=\"swatch code-store_unavailable\""),
            "{svg}"
        );
    }

    #[test]
    fn ceilings_are_round() {
        assert_eq!(nice_ceiling(4), 5);
        assert_eq!(nice_ceiling(7), 10);
        assert_eq!(nice_ceiling(11), 20);
        assert_eq!(nice_ceiling(180), 200);
        assert_eq!(nice_ceiling(501), 1000);
    }

    #[test]
    fn bars_stack_by_code_in_their_bucket() {
        let hour = 3_600_000;
        let now = 1_800_000_000_000;
        let range = Range::ending_at(now, hour, 24);
        assert_eq!(range.to() - range.from, 24 * hour);
        let bucket = UsageBucket {
            start: range.from + 23 * hour,
            total: 5,
            by_code: by_code(&[(Code::Valid, 3), (Code::Revoked, 2)]),
        };
        let svg = stacked_bars(&[bucket], range, "Last 24 hours").into_string();
        assert!(svg.contains("5 verifications, 2 refused"), "{svg}");
        assert_eq!(svg.matches("class=\"bar code-valid\"").count(), 1);
        // 5 verifications: the axis runs 0, 1, 2, 3, 4… up to 4 × 2 = 8.
        assert!(svg.contains(">8</text>"), "{svg}");
        assert_eq!(svg.matches("class=\"bar code-revoked\"").count(), 1);
        assert!(svg.contains(&format!("{}: 2 of 5", Code::Revoked)));
        assert!(!svg.contains("No verifications"));
        let empty = stacked_bars(&[], range, "x").into_string();
        assert!(empty.contains("No verifications in this period"));
    }
}
