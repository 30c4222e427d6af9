//! Library throughput without the CLI: scans the trees given with the
//! default configuration and prints bytes, seconds, MB/s and findings.
//! Used to compare two versions of the scanner on the same machine and
//! corpus (`cargo run --release -p keywarden-scan --example scan_tree -- DIR`).
//! `KEYWARDEN_DECODE_DEPTH=0` turns decoding off, to measure what it costs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::time::Instant;

use keywarden_scan::{Config, Progress, Scanner, scan_paths};

fn main() {
    let roots: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let started = Instant::now();
    let mut config = Config::default();
    if let Ok(depth) = std::env::var("KEYWARDEN_DECODE_DEPTH") {
        config.decode_depth = depth.parse().expect("KEYWARDEN_DECODE_DEPTH: a number");
    }
    let scanner = Scanner::new(&config).expect("built-in rules compile");
    let built = started.elapsed();
    let report = scan_paths(&scanner, &roots, threads, &Progress::default()).expect("scan");
    let secs = report.stats.elapsed.as_secs_f64();
    println!(
        "rules {} build {:.3}s bytes {} secs {secs:.3} MB/s {:.0} findings {} ignored {}",
        scanner.rules().len(),
        built.as_secs_f64(),
        report.stats.bytes,
        report.stats.bytes as f64 / 1e6 / secs,
        report.findings.len(),
        report.stats.ignored
    );
}
