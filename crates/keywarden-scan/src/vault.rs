//! The vault pass: values the keywarden server holds for a team (database
//! passwords, third-party API keys), found in scanned text whatever their
//! shape, without the scanner ever holding one of them.
//!
//! For one scan the server draws a fresh random 32-byte key K and answers,
//! for each vault value v, its label (`<env>/<name>`), its length in bytes
//! and [`digest`]`(K, v)` = HMAC-SHA256(K, v). A [`VaultIndex`] holds
//! those; [`VaultIndex::find`] cuts the text into candidate tokens, digests
//! under K each one whose length some value has, and looks the digest up.
//! [`crate::Scanner::with_vault`] runs it beside the rules: a hit is a
//! finding of rule `vault:<label>`.
//!
//! # Candidates
//!
//! On each line (a trailing `\r` is white space):
//!
//! 1. each maximal run of bytes between white space and quotes (`"`, `'`,
//!    `` ` ``): `s3cr3t-v@lue!` in `password: s3cr3t-v@lue!`;
//! 2. within a run, each piece between the delimiters
//!    `= : , ; @ / ( ) < > [ ] { } & ?`, and the part after the run's
//!    first `=` or `:`: `PASSWORD=hunter2xyz`, `--password=x`, `pass: x,`
//!    and `postgres://user:pa55word@host/db` all yield the bare value, and
//!    `KEY=p@ss:w/rd` yields `p@ss:w/rd`;
//! 3. the text between two consecutive quotes of one kind, whole: a quoted
//!    value may hold white space and delimiters
//!    (`"correct horse battery staple"`);
//! 4. the whole line with its surrounding white space trimmed (a value
//!    alone on a line, as in a heredoc).
//!
//! A value is found only where it is one of these: `xTr0ub4dor&3-horsex`
//! does not hold `Tr0ub4dor&3-horse`. The same span is digested once.
//!
//! # Values over several lines
//!
//! The scanner cannot tell which values hold a line break (it knows their
//! lengths only), so it cannot list them. A line-cut token never matches
//! one; two more candidates, cheap because rare, find the usual ones:
//!
//! - at each `-----BEGIN ` in the text, the span of each length some value
//!   has (up to [`VaultIndex::MAX_BLOCK_LENGTH`]) that crosses a line
//!   break: a PEM key or certificate stored as it is written;
//! - the whole buffer (a file, an added-lines buffer, a chunk of standard
//!   input), as is and trimmed: a key file or service-account JSON whose
//!   content is the vault's value.
//!
//! Other multi-line values (an indented YAML block scalar, a key written
//! with `\r\n` where the vault holds `\n`) are not found.
//!
//! # Cost
//!
//! A candidate whose length no value has costs a bit test (a length set);
//! one that passes costs one HMAC from precomputed keyed state (no
//! re-keying) and one map look-up, unless the same bytes were digested
//! earlier in the buffer and matched nothing (identifiers and words repeat:
//! a per-thread table of recent tokens, emptied after each buffer).
//! Nothing is allocated per candidate.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// One vault value as the server describes it for one scan: no plaintext.
#[derive(Clone, PartialEq, Eq)]
pub struct VaultEntry {
    /// `<env>/<name>`, e.g. `live/DB_PASSWORD`.
    pub label: String,
    /// The value's length in bytes.
    pub length: usize,
    /// HMAC-SHA256 of the value under the scan's key ([`digest`]).
    pub digest: [u8; 32],
}

impl fmt::Debug for VaultEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The digest and length narrow a guess at the value: neither is shown.
        f.debug_struct("VaultEntry")
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

/// HMAC-SHA256(`key`, `value`): what the server sends for each vault value
/// (no domain prefix, no length), and what the scanner computes for each
/// candidate.
pub fn digest(key: &[u8; 32], value: &[u8]) -> [u8; 32] {
    let mut mac = keyed(key);
    mac.update(value);
    mac.finalize().into_bytes().into()
}

fn keyed(key: &[u8; 32]) -> HmacSha256 {
    // HMAC takes keys of any length: this cannot fail.
    <HmacSha256 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!())
}

/// A vault value found: `label`'s value is `buf[start..end]`.
#[derive(Clone, PartialEq, Eq)]
pub struct VaultHit {
    /// The value's label (`live/DB_PASSWORD`).
    pub label: String,
    /// Byte offset of the value's first byte.
    pub start: usize,
    /// Byte offset just past the value.
    pub end: usize,
}

impl fmt::Debug for VaultHit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "VaultHit({} at {}..{})",
            self.label, self.start, self.end
        )
    }
}

/// Lengths below this are kept in a bit set; longer ones in a sorted list.
const LENGTH_BITS: usize = 64 * 1024;

/// The vault digests of one scan, ready to search text with. Cheap to share
/// between threads (`Sync`).
#[derive(Clone)]
pub struct VaultIndex {
    /// HMAC state keyed once with the scan's key: cloned per candidate.
    mac: HmacSha256,
    /// Every label searched for, in the order entries gave them.
    labels: Vec<String>,
    /// Digest → the labels (indexes into `labels`) holding that value.
    digests: HashMap<[u8; 32], Vec<usize>, BuildHasherDefault<DigestHasher>>,
    /// Bit `n` set: some value searched for is `n` bytes long (`n <
    /// LENGTH_BITS`).
    short_lengths: Vec<u64>,
    /// The lengths from `LENGTH_BITS` on, sorted.
    long_lengths: Vec<usize>,
    /// Every length searched for, sorted (the PEM candidates).
    lengths: Vec<usize>,
    min_length: usize,
    max_length: usize,
    skipped_short: Vec<String>,
}

impl VaultIndex {
    /// Values shorter than this many bytes are not searched for: too many
    /// ordinary tokens are that short ([`VaultIndex::skipped_short`]).
    pub const MIN_LENGTH: usize = 8;

    /// The longest value looked for at a `-----BEGIN ` spanning lines (an
    /// RSA 8192 key in PEM is about 6.5 KB); a longer one is found only as
    /// a single-line token or a whole file.
    pub const MAX_BLOCK_LENGTH: usize = 16 * 1024;

    /// The index of `entries` under the scan's `key`. An entry shorter
    /// than [`VaultIndex::MIN_LENGTH`] is not searched for and its label is
    /// listed in [`VaultIndex::skipped_short`]. Several labels may share a
    /// value (each is reported); a label given twice is one label.
    pub fn new(key: [u8; 32], entries: impl IntoIterator<Item = VaultEntry>) -> Self {
        let mut labels: Vec<String> = Vec::new();
        let mut label_index: HashMap<String, usize> = HashMap::new();
        let mut digests: HashMap<[u8; 32], Vec<usize>, BuildHasherDefault<DigestHasher>> =
            HashMap::default();
        let mut lengths: Vec<usize> = Vec::new();
        let mut skipped_short: Vec<String> = Vec::new();
        for entry in entries {
            if entry.length < Self::MIN_LENGTH {
                if !skipped_short.contains(&entry.label) {
                    skipped_short.push(entry.label);
                }
                continue;
            }
            let i = *label_index.entry(entry.label.clone()).or_insert_with(|| {
                labels.push(entry.label);
                labels.len() - 1
            });
            let holders = digests.entry(entry.digest).or_default();
            if !holders.contains(&i) {
                holders.push(i);
            }
            lengths.push(entry.length);
        }
        // A label with a value long enough as well as a short one is searched.
        skipped_short.retain(|l| !label_index.contains_key(l));
        lengths.sort_unstable();
        lengths.dedup();
        let mut short_lengths = vec![0u64; LENGTH_BITS / 64];
        for &n in lengths.iter().filter(|&&n| n < LENGTH_BITS) {
            short_lengths[n / 64] |= 1 << (n % 64);
        }
        let long_lengths = lengths
            .iter()
            .copied()
            .filter(|&n| n >= LENGTH_BITS)
            .collect();
        Self {
            mac: keyed(&key),
            labels,
            digests,
            short_lengths,
            long_lengths,
            min_length: lengths.first().copied().unwrap_or(usize::MAX),
            max_length: lengths.last().copied().unwrap_or(0),
            lengths,
            skipped_short,
        }
    }

    /// The labels searched for, in the order the entries gave them.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Labels of values shorter than [`VaultIndex::MIN_LENGTH`], which are
    /// not searched for: the CLI says so.
    pub fn skipped_short(&self) -> &[String] {
        &self.skipped_short
    }

    /// Whether no value is searched for.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Every vault value in `buf` (see the module doc for what is a
    /// candidate), sorted by start, then label order; one hit per label and
    /// span.
    pub fn find(&self, buf: &[u8]) -> Vec<VaultHit> {
        let mut hits = Vec::new();
        self.find_each(buf, |label, start, end| {
            hits.push(VaultHit {
                label: self.labels[label].clone(),
                start,
                end,
            });
        });
        hits
    }

    /// [`VaultIndex::find`] without allocating: `found(label, start, end)`,
    /// `label` an index into [`VaultIndex::labels`]; sorted and unique as
    /// there.
    pub(crate) fn find_each(&self, buf: &[u8], mut found: impl FnMut(usize, usize, usize)) {
        if self.labels.is_empty() || buf.len() < self.min_length {
            return;
        }
        let mut hits: Vec<(usize, usize, usize)> = Vec::new();
        let mut record = |start: usize, end: usize, labels: &[usize]| {
            hits.extend(labels.iter().map(|&l| (start, l, end)));
        };
        RECENT.with(|recent| {
            // Only `found` could re-enter, and it runs after the table is
            // given back; without the table all the same, just slower.
            let mut held = recent.try_borrow_mut().ok();
            let mut search = Search {
                index: self,
                buf,
                recent: held.as_deref_mut(),
                record: &mut record,
            };
            let mut at = 0;
            while at < buf.len() {
                let end = memchr::memchr(b'\n', &buf[at..]).map_or(buf.len(), |i| at + i);
                if end - at >= self.min_length {
                    search.line(at, end);
                }
                at = end + 1;
            }
            search.blocks();
            for (start, end) in [(0, buf.len()), trimmed(buf, 0, buf.len())] {
                if self.has_length(end - start) {
                    search.check(start, end);
                }
            }
            if let Some(recent) = held.as_deref_mut() {
                recent.clear();
            }
        });
        hits.sort_unstable();
        hits.dedup();
        for (start, label, end) in hits {
            found(label, start, end);
        }
    }

    /// Whether some value searched for is `n` bytes long.
    #[inline]
    fn has_length(&self, n: usize) -> bool {
        if n < self.min_length || n > self.max_length {
            false
        } else if n < LENGTH_BITS {
            self.short_lengths[n / 64] & (1 << (n % 64)) != 0
        } else {
            self.long_lengths.binary_search(&n).is_ok()
        }
    }
}

/// One buffer's search: the index, the text, the recent tokens, and where
/// hits go.
struct Search<'a, R> {
    index: &'a VaultIndex,
    buf: &'a [u8],
    recent: Option<&'a mut Recent>,
    record: &'a mut R,
}

impl<R: FnMut(usize, usize, &[usize])> Search<'_, R> {
    /// Digests `buf[start..end]` and records it if a value has its digest.
    #[inline]
    fn check(&mut self, start: usize, end: usize) {
        let token = &self.buf[start..end];
        let slot = Recent::slot(token);
        if let Some(recent) = &self.recent
            && recent.holds(slot, token)
        {
            return;
        }
        let mut mac = self.index.mac.clone();
        mac.update(token);
        let digest: [u8; 32] = mac.finalize().into_bytes().into();
        match self.index.digests.get(&digest) {
            Some(labels) => (self.record)(start, end, labels),
            None => {
                if let Some(recent) = &mut self.recent {
                    recent.put(slot, token);
                }
            }
        }
    }

    /// The candidates of the line `buf[start..end]` (no `\n`).
    fn line(&mut self, start: usize, end: usize) {
        let buf = self.buf;
        // Spans already digested that end where the last one did: every
        // kind of candidate ending at one offset is produced at once, so
        // this finds every repeat.
        let mut seen = Seen::default();
        let mut consider = |s: usize, e: usize| {
            if self.index.has_length(e - s) && seen.first(s, e) {
                self.check(s, e);
            }
        };
        // The current run, its current piece, and what follows its first
        // `=` or `:`; usize::MAX when none.
        let (mut run, mut piece, mut after) = (usize::MAX, 0, usize::MAX);
        // The last quote of each kind.
        let mut quotes = [usize::MAX; 3];
        let mut i = start;
        while i < end {
            let b = buf[i];
            let class = CLASS[b as usize];
            if class & (SPACE | QUOTE) == 0 {
                if run == usize::MAX {
                    (run, piece, after) = (i, i, usize::MAX);
                }
                if class & DELIMITER != 0 {
                    consider(piece, i);
                    piece = i + 1;
                    if class & ASSIGN != 0 && after == usize::MAX {
                        after = i + 1;
                    }
                }
                i += 1;
                // Most bytes are of no class: skip them in a tight loop.
                while i < end && CLASS[buf[i] as usize] == 0 {
                    i += 1;
                }
                continue;
            }
            if run != usize::MAX {
                close_run(run, piece, after, i, &mut consider);
                run = usize::MAX;
            }
            if class & QUOTE != 0 {
                let kind = quote_kind(b);
                if quotes[kind] != usize::MAX {
                    consider(quotes[kind] + 1, i);
                }
                quotes[kind] = i;
            }
            i += 1;
        }
        if run != usize::MAX {
            close_run(run, piece, after, end, &mut consider);
        }
        let (s, e) = trimmed(buf, start, end);
        consider(s, e);
    }

    /// At each `-----BEGIN `, the spans of every searched length that cross
    /// a line break.
    fn blocks(&mut self) {
        let buf = self.buf;
        // `-----BEGIN X-----\n-----END X-----` is 33 bytes.
        const SHORTEST: usize = 33;
        if self.index.max_length < SHORTEST {
            return;
        }
        for p in memchr::memmem::find_iter(buf, b"-----BEGIN ") {
            let Some(nl) = memchr::memchr(b'\n', &buf[p..]) else {
                break;
            };
            for &n in &self.index.lengths {
                if n > VaultIndex::MAX_BLOCK_LENGTH || p + n > buf.len() {
                    break;
                }
                if n > nl && n >= SHORTEST {
                    self.check(p, p + n);
                }
            }
        }
    }
}

/// Tokens of one buffer digested and found to match no value, so that a
/// repeated one is not digested again: a direct-mapped table (a token
/// evicts the one in its slot), compared byte for byte, so it never hides
/// a value, whatever the text.
struct Recent {
    tokens: Vec<[u8; RECENT_MAX]>,
    lens: Vec<u8>,
    /// Slots filled since the last [`Recent::clear`].
    used: Vec<usize>,
}

/// Slots in [`Recent`] (a power of two).
const RECENT_SLOTS: usize = 1024;
/// Longer tokens are not kept.
const RECENT_MAX: usize = 64;

thread_local! {
    static RECENT: RefCell<Recent> = RefCell::new(Recent {
        tokens: vec![[0; RECENT_MAX]; RECENT_SLOTS],
        lens: vec![0; RECENT_SLOTS],
        used: Vec::new(),
    });
}

impl Recent {
    /// The slot of a token: any function of its bytes would be correct
    /// (slots are compared whole); this one reads its first and last 8
    /// (every candidate has [`VaultIndex::MIN_LENGTH`] bytes or more).
    #[inline]
    fn slot(token: &[u8]) -> usize {
        let word = |w: Option<&[u8; 8]>| w.map_or(0, |w| u64::from_le_bytes(*w));
        let h = (word(token.first_chunk())
            ^ word(token.last_chunk()).rotate_left(29)
            ^ token.len() as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> (64 - RECENT_SLOTS.trailing_zeros())) as usize
    }

    #[inline]
    fn holds(&self, slot: usize, token: &[u8]) -> bool {
        usize::from(self.lens[slot]) == token.len() && self.tokens[slot][..token.len()] == *token
    }

    #[inline]
    fn put(&mut self, slot: usize, token: &[u8]) {
        if token.len() > RECENT_MAX {
            return;
        }
        if self.lens[slot] == 0 {
            self.used.push(slot);
        }
        self.tokens[slot][..token.len()].copy_from_slice(token);
        // RECENT_MAX < 256.
        self.lens[slot] = token.len() as u8;
    }

    /// Empties the table: the text of one buffer stays in it no longer
    /// than that buffer's search (it may hold other secrets).
    fn clear(&mut self) {
        for slot in self.used.drain(..) {
            self.tokens[slot] = [0; RECENT_MAX];
            self.lens[slot] = 0;
        }
    }
}

/// The hasher of the digest map: a digest's first 8 bytes. Digests are
/// HMAC outputs under a key drawn for the scan, uniform and out of reach of
/// whoever wrote the text, so nothing stronger is needed.
#[derive(Default)]
struct DigestHasher(u64);

impl Hasher for DigestHasher {
    fn write(&mut self, bytes: &[u8]) {
        if let Some(w) = bytes.first_chunk::<8>() {
            self.0 ^= u64::from_le_bytes(*w);
        }
    }

    fn write_usize(&mut self, _: usize) {}

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Emits the candidates of a run that ends at `end`: its last piece, what
/// follows its first `=` or `:`, and the run itself.
#[inline]
fn close_run(
    run: usize,
    piece: usize,
    after: usize,
    end: usize,
    consider: &mut impl FnMut(usize, usize),
) {
    consider(piece, end);
    if after != usize::MAX {
        consider(after, end);
    }
    consider(run, end);
}

/// The spans digested on a line that end at the same offset (at most five
/// kinds of candidate end at one offset).
#[derive(Default)]
struct Seen {
    end: usize,
    starts: [usize; 8],
    len: usize,
}

impl Seen {
    /// Whether `(start, end)` is new; records it.
    #[inline]
    fn first(&mut self, start: usize, end: usize) -> bool {
        if end != self.end {
            (self.end, self.len) = (end, 0);
        }
        if self.starts[..self.len].contains(&start) {
            return false;
        }
        if self.len < self.starts.len() {
            self.starts[self.len] = start;
            self.len += 1;
        }
        true
    }
}

/// `buf[start..end]` without surrounding ASCII white space, as a span.
fn trimmed(buf: &[u8], mut start: usize, mut end: usize) -> (usize, usize) {
    while start < end && buf[start].is_ascii_whitespace() {
        start += 1;
    }
    while end > start && buf[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    (start, end)
}

const SPACE: u8 = 1;
const QUOTE: u8 = 2;
const DELIMITER: u8 = 4;
/// `=` and `:`, also delimiters.
const ASSIGN: u8 = 8;

/// Each byte's classes.
static CLASS: [u8; 256] = {
    let mut c = [0u8; 256];
    let spaces = b" \t\r\x0b\x0c";
    let mut i = 0;
    while i < spaces.len() {
        c[spaces[i] as usize] = SPACE;
        i += 1;
    }
    let quotes = b"\"'`";
    let mut i = 0;
    while i < quotes.len() {
        c[quotes[i] as usize] = QUOTE;
        i += 1;
    }
    let delimiters = b"=:,;@/()<>[]{}&?";
    let mut i = 0;
    while i < delimiters.len() {
        c[delimiters[i] as usize] = DELIMITER;
        i += 1;
    }
    c[b'=' as usize] |= ASSIGN;
    c[b':' as usize] |= ASSIGN;
    c
};

fn quote_kind(b: u8) -> usize {
    match b {
        b'"' => 0,
        b'\'' => 1,
        _ => 2,
    }
}

impl fmt::Debug for VaultIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Neither the key (inside the HMAC state) nor a digest or length.
        f.debug_struct("VaultIndex")
            .field("labels", &self.labels)
            .field("skipped_short", &self.skipped_short)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest as _;

    const KEY: [u8; 32] = [42; 32];

    fn index(values: &[(&str, &str)]) -> VaultIndex {
        VaultIndex::new(
            KEY,
            values.iter().map(|(label, v)| VaultEntry {
                label: (*label).to_owned(),
                length: v.len(),
                digest: digest(&KEY, v.as_bytes()),
            }),
        )
    }

    fn spans(index: &VaultIndex, text: &str) -> Vec<(String, String)> {
        index
            .find(text.as_bytes())
            .into_iter()
            .map(|h| (h.label, text[h.start..h.end].to_owned()))
            .collect()
    }

    #[test]
    fn digest_is_plain_hmac_sha256() {
        // RFC 2104 from the hash alone: H((K ^ opad) || H((K ^ ipad) || v)).
        let pad = |b: u8| {
            let mut p = [b; 64];
            for (p, k) in p.iter_mut().zip(KEY) {
                *p ^= k;
            }
            p
        };
        let inner = Sha256::new()
            .chain_update(pad(0x36))
            .chain_update(b"hunter2xyz")
            .finalize();
        let outer: [u8; 32] = Sha256::new()
            .chain_update(pad(0x5c))
            .chain_update(inner)
            .finalize()
            .into();
        assert_eq!(digest(&KEY, b"hunter2xyz"), outer);
    }

    #[test]
    fn every_kind_of_candidate() {
        let v = "hunter2xyz";
        let ix = index(&[("live/DB_PASSWORD", v)]);
        for text in [
            "PASSWORD=hunter2xyz",
            "\"db_pass\": \"hunter2xyz\",",
            "postgres://user:hunter2xyz@host/db",
            "run --password=hunter2xyz now",
            "  pass: hunter2xyz,",
            "hunter2xyz",
            "x = f(hunter2xyz)",
            "<password>hunter2xyz</password>",
            "a=1&b=hunter2xyz",
            "'hunter2xyz'",
        ] {
            assert_eq!(
                spans(&ix, text),
                [("live/DB_PASSWORD".to_owned(), v.to_owned())],
                "{text}"
            );
        }
        for text in [
            "hunter2xyzz",
            "xhunter2xyz",
            "hunter2xy z",
            "hunter2xyz.",
            "hunter2xYz",
        ] {
            assert!(spans(&ix, text).is_empty(), "{text}");
        }
    }

    #[test]
    fn quoted_and_suffix_values_hold_delimiters() {
        let ix = index(&[
            ("a/SPACE", "correct horse battery"),
            ("a/URL", "p@ss:w/rd!"),
        ]);
        let text = "x = \"correct horse battery\"\nKEY=p@ss:w/rd!\ny: 'p@ss:w/rd!'\n";
        let found = spans(&ix, text);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].1, "correct horse battery");
        assert!(
            found[1..]
                .iter()
                .all(|(l, v)| l == "a/URL" && v == "p@ss:w/rd!")
        );
    }

    #[test]
    fn lines_and_pem_blocks() {
        let pem = "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8w\n-----END PRIVATE KEY-----\n";
        let ix = index(&[("live/TLS_KEY", pem), ("live/LINE", "a whole line")]);
        let text = format!("key: |\nnot indented\n{pem}  a whole line  \r\n");
        let found = spans(&ix, &text);
        assert_eq!(
            found,
            [
                ("live/TLS_KEY".to_owned(), pem.to_owned()),
                ("live/LINE".to_owned(), "a whole line".to_owned())
            ]
        );
        // A file whose content is the value.
        let json = "{\n  \"type\": \"service_account\"\n}\n";
        let ix = index(&[("live/GCP", json), ("live/GCP_TRIMMED", json.trim())]);
        assert_eq!(spans(&ix, json).len(), 2);
    }

    #[test]
    fn short_values_are_listed_and_shared_values_reported_twice() {
        let ix = index(&[
            ("a/SHORT", "hunter2"),
            ("a/ONE", "shared-value-1"),
            ("b/TWO", "shared-value-1"),
            ("a/ONE", "shared-value-1"),
        ]);
        assert_eq!(ix.skipped_short(), ["a/SHORT"]);
        assert_eq!(ix.labels(), ["a/ONE", "b/TWO"]);
        let found = spans(&ix, "hunter2 shared-value-1");
        assert_eq!(found.len(), 2);
        assert_eq!(
            (found[0].0.as_str(), found[1].0.as_str()),
            ("a/ONE", "b/TWO")
        );
    }

    #[test]
    fn debug_shows_no_digest() {
        let ix = index(&[("a/ONE", "shared-value-1"), ("a/PIN", "1234")]);
        assert_eq!(
            format!("{ix:?}"),
            r#"VaultIndex { labels: ["a/ONE"], skipped_short: ["a/PIN"], .. }"#
        );
    }
}
