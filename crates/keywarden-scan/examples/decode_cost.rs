//! What decoding costs the scan, without the file system: reads the
//! regular files of the trees given into memory once, then scans them all
//! on one thread with decoding off (`decode_depth = 0`) and on (the
//! default), alternating, for a number of rounds (`ROUNDS`, default 7),
//! and prints each mode's median and the throughput ratio on/off. Reading,
//! opening and archives are left out on purpose: they cost the same either
//! way, and the system's share of a tree scan moves more from run to run
//! than decoding costs. `cargo run --release -p keywarden-scan --example
//! decode_cost -- DIR...`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::time::Instant;

use keywarden_scan::{Config, Scanner};

fn main() {
    let roots: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let rounds: usize = std::env::var("ROUNDS").map_or(7, |r| r.parse().expect("ROUNDS: a number"));
    let mut files = Vec::new();
    let mut stack = roots;
    while let Some(path) = stack.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            stack.extend(
                std::fs::read_dir(&path)
                    .unwrap()
                    .flatten()
                    .map(|e| e.path()),
            );
        } else if meta.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            files.push((path.to_string_lossy().into_owned(), bytes));
        }
    }
    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    let mut config = Config::default();
    config.decode_depth = 0;
    let off = Scanner::new(&config).expect("built-in rules compile");
    let on = Scanner::new(&Config::default()).expect("built-in rules compile");
    let pass = |scanner: &Scanner| {
        let started = Instant::now();
        let found: usize = files.iter().map(|(p, b)| scanner.scan(p, b).len()).sum();
        (started.elapsed().as_secs_f64(), found)
    };
    let (mut t_off, mut t_on) = (Vec::new(), Vec::new());
    let (mut found_off, mut found_on) = (0, 0);
    // `MODE=off` or `MODE=on` runs one mode only (to profile it).
    let mode = std::env::var("MODE").unwrap_or_default();
    for _ in 0..rounds {
        if mode != "on" {
            let (t, n) = pass(&off);
            t_off.push(t);
            found_off = n;
        }
        if mode != "off" {
            let (t, n) = pass(&on);
            t_on.push(t);
            found_on = n;
        }
    }
    if !mode.is_empty() {
        let t = if mode == "on" { &t_on } else { &t_off };
        println!(
            "{mode}: {:.3} s per round",
            t.iter().sum::<f64>() / t.len() as f64
        );
        return;
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (m_off, m_on) = (median(&mut t_off), median(&mut t_on));
    println!(
        "{} files, {:.0} MB, {rounds} rounds, one thread: decoding off {m_off:.3} s ({:.0} MB/s, {found_off} matches), on {m_on:.3} s ({:.0} MB/s, {found_on} matches): on/off throughput {:.3}",
        files.len(),
        total as f64 / 1e6,
        total as f64 / 1e6 / m_off,
        total as f64 / 1e6 / m_on,
        m_off / m_on
    );
}
