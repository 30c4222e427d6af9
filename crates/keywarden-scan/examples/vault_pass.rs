//! What the vault pass costs beside the rules: scans about 50 MB (in 64 KB
//! files, one thread) with the default rules, with the vault pass alone
//! (100 values, of 8 to 64 bytes: `MIN_LEN=16` for 16 to 64) and with
//! both, and prints MB/s and the ratio. The text is generated source,
//! configuration and prose, or the first 50 MB of text files under the
//! directories given
//! (`cargo run --release -p keywarden-scan --example vault_pass [DIR…]`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use keywarden_scan::vault::{digest, tag, tag_key};
use keywarden_scan::{Config, Scanner, VaultEntry, VaultIndex};

/// xorshift: generated text only.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }

    fn from(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| alphabet[self.below(alphabet.len())] as char)
            .collect()
    }
}

const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const WORDS: &[&str] = &[
    "the",
    "value",
    "request",
    "response",
    "handler",
    "config",
    "database",
    "connection",
    "timeout",
    "retry",
    "buffer",
    "string",
    "return",
    "function",
    "self",
    "items",
    "index",
    "result",
    "error",
    "message",
    "client",
    "server",
    "session",
    "account",
    "password",
    "username",
    "environment",
    "production",
    "staging",
    "transaction",
    "middleware",
    "serialize",
    "deserialize",
    "options",
    "default",
    "settings",
    "template",
    "component",
    "interface",
    "implementation",
    "parameters",
    "authentication",
    "authorization",
    "token",
    "payload",
    "header",
    "content",
    "length",
    "object",
    "array",
    "number",
    "boolean",
    "null",
    "undefined",
    "async",
    "await",
    "promise",
    "callback",
    "listener",
    "event",
    "dispatch",
];

fn ident(g: &mut Gen) -> String {
    let n = 1 + g.below(3);
    (0..n).map(|_| g.pick(WORDS)).collect::<Vec<_>>().join("_")
}

fn line(g: &mut Gen) -> String {
    match g.below(8) {
        0 => format!(
            "    let {} = {}({}[{}], \"{} {}\");",
            ident(g),
            ident(g),
            ident(g),
            g.below(100),
            g.pick(WORDS),
            g.pick(WORDS)
        ),
        1 => {
            let n = 8 + g.below(33);
            format!("{}={}", ident(g).to_uppercase(), g.from(ALNUM, n))
        }
        2 => format!("  {}: {} {}", ident(g), g.pick(WORDS), g.below(10_000)),
        3 => {
            let n = 8 + g.below(25);
            format!("    \"{}\": \"{}\",", ident(g), g.from(ALNUM, n))
        }
        4 => (0..8 + g.below(10))
            .map(|_| g.pick(WORDS))
            .collect::<Vec<_>>()
            .join(" "),
        5 => format!(
            "url = https://{}.example.com/{}/{}?{}={}&page={}",
            g.pick(WORDS),
            g.pick(WORDS),
            ident(g),
            g.pick(WORDS),
            g.below(1000),
            g.below(50)
        ),
        6 => {
            let b64 = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/";
            format!("      \"integrity\": \"sha512-{}==\",", g.from(b64, 86))
        }
        _ => format!(
            "        if {}.{}() != {} {{ return Err({}::{}); }}",
            ident(g),
            g.pick(WORDS),
            g.below(10),
            g.pick(WORDS),
            g.pick(WORDS)
        ),
    }
}

fn main() {
    let mut g = Gen(0x9E37_79B9_7F4A_7C15);
    let mut files: Vec<Vec<u8>> = Vec::new();
    let mut total = 0;
    let roots: Vec<std::path::PathBuf> = std::env::args().skip(1).map(Into::into).collect();
    let mut stack = roots.clone();
    while let Some(p) = stack.pop() {
        if total >= 50_000_000 {
            break;
        }
        if p.is_dir() {
            let mut entries: Vec<_> = std::fs::read_dir(&p)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .collect();
            entries.sort();
            stack.extend(entries.into_iter().rev());
        } else if let Ok(b) = std::fs::read(&p)
            && b.len() < 1_000_000
            && !b.contains(&0)
        {
            total += b.len();
            files.push(b);
        }
    }
    while roots.is_empty() && total < 50_000_000 {
        let mut file = String::with_capacity(66_000);
        while file.len() < 64_000 {
            file.push_str(&line(&mut g));
            file.push('\n');
        }
        total += file.len();
        files.push(file.into_bytes());
    }
    let min_len: usize = std::env::var("MIN_LEN")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let key = [7u8; 32];
    let mut values: Vec<String> = (0..100)
        .map(|_| {
            let n = min_len + g.below(65 - min_len);
            g.from(ALNUM, n)
        })
        .collect();
    // Three of them are in the text.
    for (i, v) in values.iter_mut().take(3).enumerate() {
        let at = files.len() / 4 * (i + 1);
        files[at].extend_from_slice(format!("SECRET_{i}={v}\n").as_bytes());
        total += v.len() + 10;
    }
    let tk = tag_key(&key);
    let entries = values.iter().enumerate().map(|(i, v)| VaultEntry {
        label: format!("live/VALUE_{i}"),
        length: v.len(),
        digest: digest(&key, v.as_bytes()),
        tag: tag(&tk, v.as_bytes()),
    });
    let index = VaultIndex::new(key, entries);
    let plain = Scanner::new(&Config::default()).unwrap();
    let with_vault = Scanner::new(&Config::default())
        .unwrap()
        .with_vault(index.clone());

    let time = |f: &dyn Fn(&[u8]) -> usize| {
        let mut best = f64::MAX;
        let mut found = 0;
        for _ in 0..3 {
            let started = Instant::now();
            found = files.iter().map(|b| f(b)).sum();
            best = best.min(started.elapsed().as_secs_f64());
        }
        (best, found)
    };
    let (t_plain, n_plain) = time(&|b| plain.scan("gen.txt", b).len());
    let (t_vault, n_vault) = time(&|b| index.find(b).len());
    let (t_both, n_both) = time(&|b| with_vault.scan("gen.txt", b).len());
    let mb = total as f64 / 1e6;
    println!(
        "{mb:.1} MB in {} files; 100 vault values of {min_len} to 64 bytes",
        files.len()
    );
    println!(
        "plain scan      {:.3}s {:>6.0} MB/s  findings {n_plain}",
        t_plain,
        mb / t_plain
    );
    println!(
        "vault pass     {:.3}s {:>6.0} MB/s  hits {n_vault}",
        t_vault,
        mb / t_vault
    );
    println!(
        "scan with vault {:.3}s {:>6.0} MB/s  findings {n_both}",
        t_both,
        mb / t_both
    );
    println!(
        "vault pass / plain scan time {:.2}; scan with vault throughput = {:.2} x plain",
        t_vault / t_plain,
        t_plain / t_both
    );
}
