//! The vault pass: values the keywarden server holds for a team (database
//! passwords, third-party API keys), found in scanned text whatever their
//! shape, without the scanner ever holding one of them.
//!
//! For one scan the server draws a fresh random 32-byte key K and answers,
//! for each vault value v, its label (`<env>/<name>`), its length in bytes,
//! [`digest`]`(K, v)` = HMAC-SHA256(K, v), and a 16-bit tag
//! [`tag`]`(`[`tag_key`]`(K), v)`: the low 16 bits of SipHash-2-4 under a
//! key derived from K (the functions are [`keywarden_core::vault_digest`]'s,
//! shared with the server). A [`VaultIndex`] holds those;
//! [`VaultIndex::find`] cuts the text into candidate tokens, computes the
//! tag of each one whose length some value has, and only for a token whose
//! length and tag are some value's, digests it under K and looks the digest
//! up. The tag is a prefilter, cheap beside the HMAC, which decides: a
//! token with a value's digest but another tag is not found.
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
//! does not hold `Tr0ub4dor&3-horse`. A span that is two kinds of
//! candidate is tagged once.
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
//! The tokenizer reads the buffer 64 bytes at a time: a mask of the bytes
//! of some class (white space, quotes, delimiters, line breaks) from table
//! look-ups, with no branch per byte, then a step at each byte of the mask;
//! a step inside a run shorter than any value only moves on.
//!
//! A candidate whose length no value has costs a bit test (a length set).
//! One that passes costs its tag, one SipHash-2-4 of its bytes (about
//! 15 ns for 8 to 64 bytes), and a bit test in an 8 KiB set of the tags
//! present. Only a token whose length and tag are a value's (about one in
//! 65,536 per value of that length) costs an HMAC from precomputed keyed
//! state (no re-keying, about 100 ns) and a map look-up, unless the same
//! bytes were digested earlier in the buffer and matched nothing (a
//! per-thread table of recent tokens, emptied after each buffer). Nothing
//! is allocated per candidate.
//!
//! On source code (`/usr/include` and Python's library, 100 values of 8 to
//! 64 bytes; `examples/vault_pass.rs`) about 60,000 candidates per MB have
//! a value's length; the pass runs at about 390 MB/s, a third of it in
//! SipHash, about as long as the rules take: a scan with it has about
//! half (0.49 to 0.50) a plain scan's throughput.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::hint::select_unpredictable;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// What the server sends and the scanner computes, shared with the server
/// ([`keywarden_core::vault_digest`]).
pub use keywarden_core::vault_digest::{digest, tag, tag_key};

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
    /// The value's 16-bit tag under the scan's tag key:
    /// [`tag`]`(&`[`tag_key`]`(&key), value)`.
    pub tag: u16,
}

impl fmt::Debug for VaultEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The digest, tag and length narrow a guess at the value: none is
        // shown.
        f.debug_struct("VaultEntry")
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

/// HMAC-SHA256 keyed with `key`, ready to be cloned per candidate: the
/// same digest as [`digest`] without keying again (two SHA-256
/// compressions saved per digest).
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
    /// HMAC state keyed once with the scan's key: cloned per candidate
    /// whose tag matches.
    mac: HmacSha256,
    /// SipHash-2-4 under the scan's tag key ([`tag_key`]).
    sip: Sip24,
    /// Bit `t` set: some value searched for has tag `t` (8 KiB, in L1).
    tag_bits: Vec<u64>,
    /// Every (length, tag) of a value searched for, sorted: the exact test
    /// behind `tag_bits`.
    tags: Vec<(usize, u16)>,
    /// Every label searched for, in the order entries gave them.
    labels: Vec<String>,
    /// (Digest, length, tag) → the labels (indexes into `labels`) holding
    /// that value.
    digests: HashMap<DigestKey, Vec<usize>, BuildHasherDefault<DigestHasher>>,
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
        let mut digests: HashMap<DigestKey, Vec<usize>, BuildHasherDefault<DigestHasher>> =
            HashMap::default();
        let mut lengths: Vec<usize> = Vec::new();
        let mut tags: Vec<(usize, u16)> = Vec::new();
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
            let holders = digests
                .entry((entry.digest, entry.length, entry.tag))
                .or_default();
            if !holders.contains(&i) {
                holders.push(i);
            }
            lengths.push(entry.length);
            tags.push((entry.length, entry.tag));
        }
        // A label with a value long enough as well as a short one is searched.
        skipped_short.retain(|l| !label_index.contains_key(l));
        lengths.sort_unstable();
        lengths.dedup();
        tags.sort_unstable();
        tags.dedup();
        let mut tag_bits = vec![0u64; (1 << 16) / 64];
        for &(_, t) in &tags {
            tag_bits[usize::from(t) / 64] |= 1 << (t % 64);
        }
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
            sip: Sip24::new(&tag_key(&key)),
            tag_bits,
            tags,
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
            search.lines();
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

    /// Whether some value searched for is `n` bytes long and has tag `t`.
    #[inline]
    fn has_tag(&self, n: usize, t: u16) -> bool {
        self.tag_bits[usize::from(t) / 64] & (1 << (t % 64)) != 0
            && self.tags.binary_search(&(n, t)).is_ok()
    }

    /// Whether some value searched for is `n` bytes long.
    #[inline]
    fn has_length(&self, n: usize) -> bool {
        match self.short_lengths.get(n / 64) {
            Some(bits) => bits & (1 << (n % 64)) != 0,
            None => n <= self.max_length && self.long_lengths.binary_search(&n).is_ok(),
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
    /// Tags `buf[start..end]`; if a value of its length has its tag,
    /// digests it and records it if a value has its digest (and tag).
    #[inline(always)]
    fn check(&mut self, start: usize, end: usize) {
        let token = &self.buf[start..end];
        // The tag is the hash's low 16 bits (`vault_digest::tag`).
        let tag = (self.index.sip.hash(token) & 0xffff) as u16;
        if self.index.tag_bits[usize::from(tag) / 64] & (1 << (tag % 64)) != 0 {
            self.check_digest(start, end, tag);
        }
    }

    /// [`Search::check`] once a value has the token's tag (about one
    /// token in 2^16 / the number of values).
    #[cold]
    #[inline(never)]
    fn check_digest(&mut self, start: usize, end: usize, tag: u16) {
        let token = &self.buf[start..end];
        if !self.index.has_tag(token.len(), tag) {
            return;
        }
        let slot = Recent::slot(token);
        if let Some(recent) = &self.recent
            && recent.holds(slot, token)
        {
            return;
        }
        let mut mac = self.index.mac.clone();
        mac.update(token);
        let digest: [u8; 32] = mac.finalize().into_bytes().into();
        match self.index.digests.get(&(digest, token.len(), tag)) {
            Some(labels) => (self.record)(start, end, labels),
            None => {
                if let Some(recent) = &mut self.recent {
                    recent.put(slot, token);
                }
            }
        }
    }

    /// `buf[s..e]`, unless no value has its length.
    #[inline(always)]
    fn consider(&mut self, s: usize, e: usize) {
        if self.index.has_length(e - s) {
            self.check(s, e);
        }
    }

    /// The candidates of every line (module doc): one pass over the
    /// buffer, 64 bytes at a time: a mask of the bytes of some class
    /// ([`CLASS`], and `\n`), built without branching, then a step of the
    /// tokenizer at each byte of the mask only.
    #[inline(never)]
    fn lines(&mut self) {
        let buf = self.buf;
        let mut line = Line::default();
        // The current run's first byte (just past the last white space,
        // quote or line break; the run holds bytes if it is before the byte
        // at hand), its current piece's (just past the last delimiter too),
        // and just past the last `=` or `:` (of this run if past its start;
        // the first is found when a long run ends). Locals, kept in
        // registers: they change at every step.
        let (mut run, mut piece, mut last_assign) = (0, 0, 0);
        let min = self.index.min_length;
        // A macro, not a closure: a closure would hold the three by
        // reference, in memory.
        macro_rules! step {
            ($at:expr, $class:expr) => {{
                let (at, class): (usize, u8) = ($at, $class);
                if at - run >= min || class & (QUOTE | NEWLINE) != 0 {
                    self.candidates(&mut line, at, class, [run, piece, last_assign]);
                }
                // Else every candidate ending here lies in a run too short
                // for any value (most steps): only move on, without a
                // branch (white space and delimiters alternate in no
                // pattern a predictor learns).
                let brk = class & BREAK != 0;
                piece = at + 1;
                run = select_unpredictable(brk, at + 1, run);
                last_assign = select_unpredictable(class & ASSIGN != 0, at + 1, last_assign);
            }};
        }
        let mut blocks = buf.chunks_exact(64);
        let mut base = 0;
        for block in &mut blocks {
            let mut mask = 0u64;
            for (j, w) in block.chunks_exact(8).enumerate() {
                let w = le_word(w);
                let m = u64::from(STOP2[(w & 0xffff) as usize])
                    | u64::from(STOP2[(w >> 16 & 0xffff) as usize]) << 2
                    | u64::from(STOP2[(w >> 32 & 0xffff) as usize]) << 4
                    | u64::from(STOP2[(w >> 48) as usize]) << 6;
                mask |= m << (8 * j);
            }
            while mask != 0 {
                let at = base + mask.trailing_zeros() as usize;
                mask &= mask - 1;
                step!(at, CLASS[usize::from(buf[at])]);
            }
            base += 64;
        }
        for (j, &b) in blocks.remainder().iter().enumerate() {
            if STOP[usize::from(b)] != 0 {
                step!(base + j, CLASS[usize::from(b)]);
            }
        }
        // The last line, if the buffer does not end with `\n`.
        self.candidates(&mut line, buf.len(), NEWLINE, [run, piece, last_assign]);
    }

    /// The candidates that end at `buf[at]`, a byte of class `class`
    /// (`at` = `buf.len()`: the buffer's end, as a line break), given the
    /// current `[run, piece, last_assign]` ([`Search::lines`]). A span two
    /// kinds of candidate share is checked once.
    #[inline(always)]
    fn candidates(
        &mut self,
        line: &mut Line,
        at: usize,
        class: u8,
        [run, piece, last_assign]: [usize; 3],
    ) {
        if class & BREAK == 0 {
            // A delimiter: the piece before it ends.
            self.consider(piece, at);
            return;
        }
        // White space, a quote or a line break: the run ends, if it holds
        // bytes: its last piece, what follows its first `=` or `:` (past
        // the run's first byte), itself (at or before the others).
        if at > run {
            self.consider(piece, at);
            // Just past the run's first `=` or `:`, found now: only a long
            // run comes here.
            let after = if last_assign > run {
                self.buf[run..last_assign]
                    .iter()
                    .position(|&b| b == b'=' || b == b':')
                    .map_or(usize::MAX, |i| run + i + 1)
            } else {
                usize::MAX
            };
            if after != usize::MAX && after != piece {
                self.consider(after, at);
            }
            if run != piece {
                self.consider(run, at);
            }
            (line.last_end, line.last_run) = (at, run);
        }
        if class & QUOTE != 0 {
            let kind = quote_kind(self.buf[at]);
            // After a quote of this line; not the run again (a quote ends
            // it: the run starts at or after the last quote).
            let from = line.after_quotes[kind];
            if from > line.start && from != run {
                self.consider(from, at);
            }
            line.after_quotes[kind] = at + 1;
        } else if class & NEWLINE != 0 {
            if at - line.start >= self.index.min_length {
                // Not the last run again (a line of one run).
                let (s, e) = trimmed(self.buf, line.start, at);
                if (s, e) != (line.last_run, line.last_end) {
                    self.consider(s, e);
                }
            }
            // The rest is of an earlier line once this is past it.
            line.start = at + 1;
        }
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

/// Tokens of one buffer that have a value's length and tag but were
/// digested and found to match no value, so that a repeated one is not
/// digested again: a direct-mapped table (a token evicts the one in its
/// slot), compared byte for byte, so it never hides a value, whatever the
/// text.
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

/// SipHash-2-4 of a whole slice at once: the same hash as
/// `siphasher::sip::SipHasher24`, and so [`tag`]'s (a unit test checks
/// both), without a streaming hasher's buffering and state copies: a
/// token of 8 bytes or more is read as whole words, its tail as its last
/// word shifted (measured: a tenth of the whole pass saved against a
/// `SipHasher24` copied per candidate).
#[derive(Clone, Copy)]
struct Sip24 {
    k0: u64,
    k1: u64,
}

impl Sip24 {
    fn new(key: &[u8; 16]) -> Self {
        let word = |w: &[u8]| {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            u64::from_le_bytes(b)
        };
        Self {
            k0: word(&key[..8]),
            k1: word(&key[8..]),
        }
    }

    /// SipHash-2-4 of `msg` under the key.
    #[inline]
    fn hash(self, msg: &[u8]) -> u64 {
        #[inline(always)]
        fn round(v: &mut [u64; 4]) {
            v[0] = v[0].wrapping_add(v[1]);
            v[1] = v[1].rotate_left(13) ^ v[0];
            v[0] = v[0].rotate_left(32);
            v[2] = v[2].wrapping_add(v[3]);
            v[3] = v[3].rotate_left(16) ^ v[2];
            v[0] = v[0].wrapping_add(v[3]);
            v[3] = v[3].rotate_left(21) ^ v[0];
            v[2] = v[2].wrapping_add(v[1]);
            v[1] = v[1].rotate_left(17) ^ v[2];
            v[2] = v[2].rotate_left(32);
        }
        let mut v = [
            self.k0 ^ 0x736f_6d65_7073_6575,
            self.k1 ^ 0x646f_7261_6e64_6f6d,
            self.k0 ^ 0x6c79_6765_6e65_7261,
            self.k1 ^ 0x7465_6462_7974_6573,
        ];
        let mut compress = |m: u64| {
            v[3] ^= m;
            round(&mut v);
            round(&mut v);
            v[0] ^= m;
        };
        let words = msg.chunks_exact(8);
        let rest = words.remainder().len();
        for w in words {
            compress(le_word(w));
        }
        // The last `rest` bytes, little-endian: the message's last word
        // shifted (no copy of a variable length) when it has one.
        let tail = match msg.last_chunk::<8>() {
            Some(_) if rest == 0 => 0,
            Some(last) => u64::from_le_bytes(*last) >> (64 - 8 * rest),
            None => msg.iter().rev().fold(0u64, |t, &b| (t << 8) | u64::from(b)),
        };
        compress(((msg.len() as u64) << 56) | tail);
        v[2] ^= 0xff;
        for _ in 0..4 {
            round(&mut v);
        }
        v[0] ^ v[1] ^ v[2] ^ v[3]
    }
}

/// The little-endian word of 8 bytes (`chunks_exact(8)` gives no other).
#[inline(always)]
fn le_word(w: &[u8]) -> u64 {
    w.first_chunk::<8>().map_or(0, |w| u64::from_le_bytes(*w))
}

/// What the digest map is keyed by: a value's digest, length and tag.
type DigestKey = ([u8; 32], usize, u16);

/// The hasher of the digest map: a digest's first 8 bytes (the length and
/// tag are not hashed, only compared). Digests are HMAC outputs under a
/// key drawn for the scan, uniform and out of reach of whoever wrote the
/// text, so nothing stronger is needed.
#[derive(Default)]
struct DigestHasher(u64);

impl Hasher for DigestHasher {
    fn write(&mut self, bytes: &[u8]) {
        if let Some(w) = bytes.first_chunk::<8>() {
            self.0 ^= u64::from_le_bytes(*w);
        }
    }

    fn write_usize(&mut self, _: usize) {}

    fn write_u16(&mut self, _: u16) {}

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The current line, for the tokenizer ([`Search::lines`]).
#[derive(Default)]
struct Line {
    /// The line's first byte.
    start: usize,
    /// Just past the last quote of each kind, 0 when none: of this line
    /// only if past its start.
    after_quotes: [usize; 3],
    /// The span of the last run [`Search::candidates`] saw end (on this
    /// line only if it ends past its start).
    last_run: usize,
    last_end: usize,
}

/// `buf[start..end]` without surrounding ASCII white space, as a span.
fn trimmed(buf: &[u8], mut start: usize, mut end: usize) -> (usize, usize) {
    // Indentation: spaces 8 at a time.
    while let Some(w) = buf.get(start..end).and_then(|b| b.first_chunk::<8>()) {
        let spaces = (u64::from_le_bytes(*w) ^ u64::from_le_bytes([b' '; 8])).trailing_zeros() / 8;
        start += spaces as usize;
        if spaces < 8 {
            break;
        }
    }
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
/// `\n`.
const NEWLINE: u8 = 16;
/// What ends a run.
const BREAK: u8 = SPACE | QUOTE | NEWLINE;

/// For each two bytes (the first in the low byte), [`STOP`] of each in
/// bits 0 and 1.
static STOP2: [u8; 1 << 16] = {
    let mut s = [0u8; 1 << 16];
    let mut i = 0;
    while i < 1 << 16 {
        s[i] = STOP[i & 0xff] | STOP[i >> 8] << 1;
        i += 1;
    }
    s
};

/// 1 for each byte of some class: where the tokenizer stops.
static STOP: [u8; 256] = {
    let mut s = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        s[i] = (CLASS[i] != 0) as u8;
        i += 1;
    }
    s
};

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
    c[b'\n' as usize] = NEWLINE;
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
        // Neither the key (inside the HMAC state), the tag key, nor a
        // digest, tag or length.
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

    fn entry(label: &str, v: &str) -> VaultEntry {
        VaultEntry {
            label: label.to_owned(),
            length: v.len(),
            digest: digest(&KEY, v.as_bytes()),
            tag: tag(&tag_key(&KEY), v.as_bytes()),
        }
    }

    fn index(values: &[(&str, &str)]) -> VaultIndex {
        VaultIndex::new(KEY, values.iter().map(|(label, v)| entry(label, v)))
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
    fn prepared_state_digests_and_tags_as_the_server_does() {
        let ix = index(&[("a/ONE", "shared-value-1")]);
        let tk = tag_key(&KEY);
        // Every length from empty to past several words and tails.
        let bytes: Vec<u8> = (0..100u8).map(|i| i.wrapping_mul(151) ^ 0x5a).collect();
        for n in 0..=bytes.len() {
            let v = &bytes[..n];
            let mut mac = ix.mac.clone();
            mac.update(v);
            let d: [u8; 32] = mac.finalize().into_bytes().into();
            assert_eq!(d, digest(&KEY, v), "{n}");
            let mut sip = siphasher::sip::SipHasher24::new_with_key(&tk);
            std::hash::Hasher::write(&mut sip, v);
            assert_eq!(ix.sip.hash(v), std::hash::Hasher::finish(&sip), "{n}");
            assert_eq!((ix.sip.hash(v) & 0xffff) as u16, tag(&tk, v), "{n}");
        }
    }

    #[test]
    fn the_tag_is_tested_before_the_digest() {
        let v = "hunter2xyz";
        let right = entry("a/RIGHT", v);
        // The right digest under a wrong tag: the prefilter drops the token
        // before its digest is computed, so it is not found.
        let wrong_tag = VaultEntry {
            label: "a/WRONG_TAG".into(),
            tag: right.tag ^ 1,
            ..right.clone()
        };
        let ix = VaultIndex::new(KEY, [wrong_tag.clone()]);
        assert!(ix.find(b"PASSWORD=hunter2xyz").is_empty());
        // Nor when another value of that length has the token's tag: tag,
        // length and digest must all be one entry's.
        let other_same_tag = VaultEntry {
            label: "a/OTHER".into(),
            digest: digest(&KEY, b"0123456789"),
            ..right.clone()
        };
        let ix = VaultIndex::new(KEY, [wrong_tag, other_same_tag]);
        assert!(ix.find(b"PASSWORD=hunter2xyz").is_empty());
        // A token whose tag collides with a value's but whose digest differs
        // is not reported: find one by search (about 2^16 tries).
        let tk = tag_key(&KEY);
        let collider = (0u32..)
            .map(|i| format!("c{i:09}"))
            .find(|c| c != v && tag(&tk, c.as_bytes()) == right.tag)
            .unwrap_or_default();
        assert_eq!(collider.len(), v.len());
        let ix = VaultIndex::new(KEY, [right]);
        assert!(
            ix.find(format!("PASSWORD={collider}").as_bytes())
                .is_empty()
        );
        assert_eq!(
            spans(&ix, "PASSWORD=hunter2xyz"),
            [("a/RIGHT".to_owned(), v.to_owned())]
        );
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
        // A fake block, put together here so that no line of this file
        // looks like a key to a scanner.
        let (begin, end) = ("-----BEGIN PRIVATE", "-----END PRIVATE");
        let pem = format!("{begin} KEY-----\nAAAAfakeAAAAfakeAAAAfake\n{end} KEY-----\n");
        let pem = pem.as_str();
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

    /// The candidates of the module doc, spelled out plainly, byte by byte
    /// and line by line (as the tokenizer was first written): what the
    /// word-at-a-time tokenizer must match.
    fn reference_candidates(buf: &[u8]) -> std::collections::BTreeSet<(usize, usize)> {
        let mut out = std::collections::BTreeSet::new();
        let mut at = 0;
        while at <= buf.len() {
            let end = buf[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(buf.len(), |i| at + i);
            let (mut run, mut piece, mut after) = (usize::MAX, 0, usize::MAX);
            let mut quotes = [usize::MAX; 3];
            let close = |out: &mut std::collections::BTreeSet<_>, run, piece, after, i| {
                out.insert((piece, i));
                if after != usize::MAX {
                    out.insert((after, i));
                }
                out.insert((run, i));
            };
            for (i, &b) in buf.iter().enumerate().take(end).skip(at) {
                let class = CLASS[usize::from(b)];
                if class & (SPACE | QUOTE) == 0 {
                    if run == usize::MAX {
                        (run, piece, after) = (i, i, usize::MAX);
                    }
                    if class & DELIMITER != 0 {
                        out.insert((piece, i));
                        piece = i + 1;
                        if class & ASSIGN != 0 && after == usize::MAX {
                            after = i + 1;
                        }
                    }
                    continue;
                }
                if run != usize::MAX {
                    close(&mut out, run, piece, after, i);
                    run = usize::MAX;
                }
                if class & QUOTE != 0 {
                    let kind = quote_kind(b);
                    if quotes[kind] != usize::MAX {
                        out.insert((quotes[kind] + 1, i));
                    }
                    quotes[kind] = i;
                }
            }
            if run != usize::MAX {
                close(&mut out, run, piece, after, end);
            }
            let (s, e) = trimmed(buf, at, end);
            out.insert((s, e));
            at = end + 1;
        }
        out.insert((0, buf.len()));
        out.insert(trimmed(buf, 0, buf.len()));
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// On text dense in white space, quotes, delimiters and line
        /// breaks, and long enough to span several 64-byte blocks, the
        /// values found are exactly those the reference tokenizer makes a
        /// candidate of, at every place it does.
        #[test]
        fn tokenizer_matches_the_reference(
            text in proptest::collection::vec(
                proptest::sample::select(
                    b" \t\r\n\x0b\x0c\"'`=:,;@/()<>[]{}&?aab-.".to_vec()
                ),
                0..400,
            ),
            picks in proptest::collection::vec((0usize..400, 8usize..40), 0..20),
        ) {
            let reference = reference_candidates(&text);
            // Values: some candidates' bytes, and some other substrings.
            let mut values: Vec<Vec<u8>> = reference
                .iter()
                .filter(|&&(s, e)| e - s >= VaultIndex::MIN_LENGTH && e - s < 120)
                .step_by(3)
                .map(|&(s, e)| text[s..e].to_vec())
                .collect();
            for &(at, n) in &picks {
                if let Some(v) = text.get(at..at + n) {
                    values.push(v.to_vec());
                }
            }
            values.sort();
            values.dedup();
            let tk = tag_key(&KEY);
            let ix = VaultIndex::new(
                KEY,
                values.iter().enumerate().map(|(i, v)| VaultEntry {
                    label: format!("v/{i}"),
                    length: v.len(),
                    digest: digest(&KEY, v),
                    tag: tag(&tk, v),
                }),
            );
            let mut want: Vec<(String, usize, usize)> = Vec::new();
            for &(s, e) in &reference {
                for (i, v) in values.iter().enumerate() {
                    if text[s..e] == v[..] {
                        want.push((format!("v/{i}"), s, e));
                    }
                }
            }
            want.sort_by_key(|(l, s, e)| (*s, l.clone(), *e));
            let mut got: Vec<(String, usize, usize)> = ix
                .find(&text)
                .into_iter()
                .map(|h| (h.label, h.start, h.end))
                .collect();
            got.sort_by_key(|(l, s, e)| (*s, l.clone(), *e));
            proptest::prop_assert_eq!(got, want, "{:?}", String::from_utf8_lossy(&text));
        }
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
