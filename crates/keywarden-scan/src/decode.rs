//! Decoders: secrets hidden in an encoding are found in the decoded text.
//!
//! The engine ([`crate::Scanner::scan_counted`]) asks [`segments`] for the
//! encoded pieces of a buffer, scans each decoded piece in its line (the
//! name before a base64 value still names it: `DB_PASSWORD: aHVudGVy…`
//! decodes to `DB_PASSWORD: hunter…`), decodes that again up to the
//! configured depth, and reports what it finds at the encoded text's place,
//! with the chain of encodings that led to it (`base64 → percent`).
//!
//! What is decoded, and why it stays cheap on ordinary code:
//!
//! - **base64** (standard and URL-safe, padded or not): runs of at least
//!   [`MIN_BASE64`] alphabet characters holding both cases; **hex**: even
//!   runs of at least [`MIN_HEX`] hex digits. One table-driven pass finds
//!   the runs; a run whose decoding is not text (UTF-8 without control
//!   characters but tab and line breaks) is dropped at its first bad byte,
//!   which is where identifiers, hashes and random tokens end up.
//! - **percent-encoding** (`%2F`), **escapes** (`\u0041`, `\x41`, `\/`) and
//!   **HTML entities** (`&#65;`, `&#x41;`, `&quot;`…): a line holding one is
//!   decoded whole, and only what its decoded bytes touch is reported.
//!
//! Decoded text maps back to the source through [`Decoded::source`]. A
//! finding the plain scan also made at the same place keeps its plain form
//! (the engine ranks it first); one only the decoded view shows (`%22sk_…`
//! has no word boundary until `%22` is a quote) is the decoder's.

/// Shortest base64 run decoded: 12 bytes, room for a short password.
pub const MIN_BASE64: usize = 16;
/// Shortest hex run decoded: 16 bytes.
pub const MIN_HEX: usize = 32;
/// Longest encoded run decoded (a whole encoded file fits; a larger blob is
/// data, not configuration).
pub const MAX_ENCODED: usize = 1024 * 1024;
/// Longest line decoded for escapes, percent-encoding and entities.
const MAX_LINE: usize = 16 * 1024;

/// One encoding a decoder undoes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Base64, standard or URL-safe alphabet, padded or not.
    Base64,
    /// Hex digits, two per byte.
    Hex,
    /// Percent-encoding (`%2F`).
    Percent,
    /// Backslash escapes: `\uXXXX` (with surrogate pairs) and `\xNN`.
    Escape,
    /// HTML/XML character references: `&#65;`, `&#x41;`, `&quot;`, `&amp;`,
    /// `&lt;`, `&gt;`, `&apos;`.
    Html,
}

impl Encoding {
    /// The name a finding's decoding chain shows.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Base64 => "base64",
            Self::Hex => "hex",
            Self::Percent => "percent",
            Self::Escape => "escape",
            Self::Html => "html-entity",
        }
    }
}

/// A run of decoded text and the source bytes it came from: `opaque` runs
/// are decoded (any decoded byte maps to the whole source span), the
/// others are copied byte for byte.
#[derive(Debug, Clone, Copy)]
struct Run {
    /// Start in the decoded text.
    at: usize,
    /// Source span.
    start: usize,
    end: usize,
    opaque: bool,
}

/// A decoded piece of a buffer: its line with the encoded text replaced by
/// what it decodes to.
#[derive(Debug)]
pub struct Decoded {
    /// What was undone.
    pub encoding: Encoding,
    /// The decoded line.
    pub text: Vec<u8>,
    /// Where the decoded bytes are in `text` (a narrower decode looks only there).
    pub region: (usize, usize),
    runs: Vec<Run>,
}

impl Decoded {
    /// The source span of `text[start..end]` (a decoded byte stands for
    /// the whole escape or run it came from).
    pub fn source(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        if start >= end {
            return None;
        }
        let first = self
            .runs
            .partition_point(|r| r.at <= start)
            .checked_sub(1)?;
        let last = self.runs.partition_point(|r| r.at < end).checked_sub(1)?;
        let (a, b) = (self.runs[first], self.runs[last]);
        let from = if a.opaque {
            a.start
        } else {
            a.start + (start - a.at)
        };
        let to = if b.opaque {
            b.end
        } else {
            b.start + (end - b.at)
        };
        Some((from, to.max(from)))
    }

    fn copy(&mut self, src: &[u8], start: usize, end: usize) {
        if start < end {
            self.runs.push(Run {
                at: self.text.len(),
                start,
                end,
                opaque: false,
            });
            self.text.extend_from_slice(&src[start..end]);
        }
    }

    fn decoded(&mut self, bytes: &[u8], start: usize, end: usize) {
        self.runs.push(Run {
            at: self.text.len(),
            start,
            end,
            opaque: true,
        });
        self.text.extend_from_slice(bytes);
    }
}

/// Byte classes of the run finder.
const B64: u8 = 1; // A-Z a-z 0-9 + / - _
const UPPER: u8 = 2;
const LOWER: u8 = 4;
const NOT_HEX: u8 = 8; // in the base64 alphabet but not a hex digit
const URLSAFE: u8 = 16; // - _
const STANDARD: u8 = 32; // + /

const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = match c {
            b'A'..=b'F' => B64 | UPPER,
            b'G'..=b'Z' => B64 | UPPER | NOT_HEX,
            b'a'..=b'f' => B64 | LOWER,
            b'g'..=b'z' => B64 | LOWER | NOT_HEX,
            b'0'..=b'9' => B64,
            b'+' | b'/' => B64 | NOT_HEX | STANDARD,
            b'-' | b'_' => B64 | NOT_HEX | URLSAFE,
            _ => 0,
        };
        b += 1;
    }
    t
};

/// Calls `found` with each decodable piece of `buf[from..to]`: base64 and
/// hex runs (in their line), and lines holding percent-encoding, escapes
/// or entities. Pieces whose decoding is not text are skipped.
pub fn segments(buf: &[u8], (from, to): (usize, usize), mut found: impl FnMut(Decoded)) {
    let to = to.min(buf.len());
    let mut words = Vec::new();
    words_worth_a_look(buf, from, to, &mut words);
    runs(buf, (from, to), &words, &mut found);
    escaped_lines(buf, (from, to), found);
}

/// The words of `buf[from..to]` (at `from` plus multiples of eight) that
/// may lie inside base64 or hex of text, into `out`, ascending: a run of
/// MIN_BASE64 (≥ 15) alphabet bytes holds one of these words whole.
///
/// Two tests. First, 64 words at a time into a mask without a branch
/// (whether a word passes is as good as a coin toss, and a mispredicted
/// branch costs more than the test): every byte in `+`..=`z`, where both
/// alphabets lie ([`word_in_range`]). Most words of code fail it (spaces,
/// line breaks, quotes, brackets). Then each word in range is read as four
/// pairs of bytes, looked up in [`PAIRS`] ([`pairs_of_encoded_text`]): the
/// pairs base64 or hex of text may hold, and an upper-case letter or a
/// digit among them, as such text holds in nearly every eight characters
/// (all lower-case takes text like `jjjjjj`). Identifiers
/// (`DescribeInstancesRequest`, `ossl_check_X509_type`, `ALL_CAPS_NAMES`),
/// paths and numbers fail it; base64 and hex of ASCII text pass it
/// wherever a word falls. Base64 of text that is not ASCII throughout
/// (UTF-8 beyond it) is found only where some word covers ASCII bytes.
fn words_worth_a_look(buf: &[u8], from: usize, to: usize, out: &mut Vec<usize>) {
    let Some(span) = buf.get(from..to) else {
        return;
    };
    for (i, block) in span.chunks(8 * 64).enumerate() {
        let mut mask = 0u64;
        for (t, word) in block.chunks_exact(8).enumerate() {
            let Ok(word) = <[u8; 8]>::try_from(word) else {
                break;
            };
            mask |= u64::from(word_in_range(u64::from_le_bytes(word))) << t;
        }
        while mask != 0 {
            let at = 8 * mask.trailing_zeros() as usize;
            mask &= mask - 1;
            let Some(Ok(word)) = block.get(at..at + 8).map(<[u8; 8]>::try_from) else {
                break;
            };
            if pairs_of_encoded_text(u64::from_le_bytes(word)) {
                out.push(from + 8 * 64 * i + at);
            }
        }
    }
}

/// Whether every byte of the word `x` is in `+`..=`z`, in a few operations
/// on the word and no load (the compiler runs it on two words at a time in
/// vector registers).
#[inline(always)]
fn word_in_range(x: u64) -> bool {
    let outside = (x.wrapping_sub(ONES * u64::from(b'+')) & !x)
        | x.wrapping_add(ONES * u64::from(127 - b'z'))
        | x;
    outside & HIGHS == 0
}

/// Whether the word `x`, of ASCII bytes, may lie inside base64 or hex of
/// text, by its four pairs of bytes ([`PAIRS`]): in base64 of text (tab,
/// line breaks, printable ASCII), every pair of characters is one some
/// text encodes at its place in a group of four, and the places of the
/// word's pairs follow from where a group starts (pairs 0 and 2 at the
/// same place, 1 and 3 two places on); in hex of text, every pair is a
/// text byte's two digits, or every pair the low digit of one and the high
/// digit of the next. And one of the bytes is an upper-case letter or a
/// digit.
#[inline(always)]
fn pairs_of_encoded_text(x: u64) -> bool {
    let pair = |i: u32| PAIRS[pair_index((x >> (16 * i)) as u16)];
    let (v0, v1, v2, v3) = (pair(0), pair(1), pair(2), pair(3));
    let (even, odd) = (v0 & v2, v1 & v3);
    // Two places on (mod 4).
    let odd_places = odd & PLACES;
    let base64 = even & ((odd_places << 2) | (odd_places >> 2)) & PLACES != 0;
    let hex = even & odd & (HEX_BYTE | HEX_BETWEEN) != 0;
    (base64 | hex) & ((v0 | v1 | v2 | v3) & UPPER_OR_DIGIT != 0)
}

/// Bits of [`PAIRS`]. Bit `q` of `PLACES`: base64 of text may hold the pair
/// as a group's characters `q` and `q + 1` (for 3: a group's last
/// character and the next one's first).
const PLACES: u8 = 0x0f;
/// The two hex digits of a text byte.
const HEX_BYTE: u8 = 0x10;
/// A hex digit, then the high digit of a text byte.
const HEX_BETWEEN: u8 = 0x20;
/// An upper-case letter or a digit in the pair.
const UPPER_OR_DIGIT: u8 = 0x40;

/// What each pair of ASCII bytes may be in base64 or hex of text, indexed
/// by the two bytes ([`pair_index`]): 32 KiB, built at compile
/// time from the encodings themselves (every group of text bytes, both
/// base64 alphabets, both cases of hex digits).
static PAIRS: [u8; 1 << 15] = pair_table();

const fn pair_table() -> [u8; 1 << 15] {
    let mut t = [0u8; 1 << 15];
    let mut i = 0;
    while i < 1 << 15 {
        let (a, b) = ((i & 0xff) as u8, (i >> 8) as u8);
        if a.is_ascii() && (upper_or_digit(a) || upper_or_digit(b)) {
            t[i] = UPPER_OR_DIGIT;
        }
        i += 1;
    }
    // A group's three text bytes x, y, z encode as the sextets x >> 2,
    // (x & 3) << 4 | y >> 4, (y & 15) << 2 | z >> 6, z & 63; the next
    // group's first is w >> 2. The last group of a text may lack y or z
    // (read as zero bits): those pairs are among these (tab, line feed and
    // carriage return have zero high bits, and z >> 6 is zero for z < 64).
    let mut x = 0;
    while x < 128 {
        let mut y = 0;
        while y < 128 {
            if text_byte(x) && text_byte(y) {
                mark_base64(&mut t, x >> 2, ((x & 3) << 4) | (y >> 4), 0);
                mark_base64(&mut t, ((x & 3) << 4) | (y >> 4), (y & 15) << 2, 1);
                mark_base64(&mut t, ((x & 3) << 4) | (y >> 4), ((y & 15) << 2) | 1, 1);
                // Here x is the group's second byte and y its third.
                mark_base64(&mut t, ((x & 15) << 2) | (y >> 6), y & 63, 2);
                // And here x the group's third, y the next group's first.
                mark_base64(&mut t, x & 63, y >> 2, 3);
                // Hex: x's digits; x's low digit and y's high one.
                mark_hex(&mut t, x >> 4, x & 15, HEX_BYTE);
                mark_hex(&mut t, x & 15, y >> 4, HEX_BETWEEN);
            }
            y += 1;
        }
        x += 1;
    }
    t
}

const fn upper_or_digit(c: u8) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit()
}

/// Marks the base64 characters of sextets `a` and `b` (in either
/// alphabet) as a pair at place `q`.
const fn mark_base64(t: &mut [u8; 1 << 15], a: u8, b: u8, q: u8) {
    let (a, b) = (base64_chars(a), base64_chars(b));
    let mut i = 0;
    while i < 4 {
        t[pair_index(a[i / 2] as u16 | (b[i % 2] as u16) << 8)] |= 1 << q;
        i += 1;
    }
}

/// The characters of a sextet in the standard and URL-safe alphabets.
const fn base64_chars(s: u8) -> [u8; 2] {
    match s {
        0..=25 => [b'A' + s; 2],
        26..=51 => [b'a' + s - 26; 2],
        52..=61 => [b'0' + s - 52; 2],
        62 => [b'+', b'-'],
        _ => [b'/', b'_'],
    }
}

/// Marks hex digits `a` and `b` (either case) with `bit`.
const fn mark_hex(t: &mut [u8; 1 << 15], a: u8, b: u8, bit: u8) {
    let mut i = 0;
    while i < 4 {
        t[pair_index(hex_digit(a, i / 2 == 1) as u16 | (hex_digit(b, i % 2 == 1) as u16) << 8)] |=
            bit;
        i += 1;
    }
}

/// The index in [`PAIRS`] of two ASCII bytes (first low, second high):
/// the two bytes themselves (the second's high bit, zero in ASCII, masked
/// to keep any index in the table).
#[inline(always)]
const fn pair_index(p: u16) -> usize {
    (p & 0x7fff) as usize
}

const fn hex_digit(v: u8, upper: bool) -> u8 {
    match v {
        0..=9 => b'0' + v,
        _ if upper => b'A' + v - 10,
        _ => b'a' + v - 10,
    }
}

/// The base64 and hex runs of `buf[from..to]` (`to` within `buf`) around
/// the words worth a look ([`words_worth_a_look`], ascending), each decoded
/// ([`run`]); a run holds a word whole, the rest of it is found bytewise.
fn runs(buf: &[u8], (from, to): (usize, usize), words: &[usize], found: &mut impl FnMut(Decoded)) {
    const _: () = assert!(MIN_BASE64 >= 15);
    let alphabet = |b: &u8| CLASS[*b as usize] & B64 != 0;
    // The end of the last run: words before it were in it.
    let mut done = from;
    let mut scratch = Vec::new();
    for &i in words {
        if i < done || i + 8 > to {
            continue;
        }
        let flags = |at: usize| {
            buf.get(at..at + 8)
                .and_then(|w| <[u8; 8]>::try_from(w).ok())
                .map_or(0, |w| alphabet_flags(u64::from_le_bytes(w)))
        };
        // The whole word in the alphabet, and room around it for a run:
        // the alphabet bytes that end the word before (not before `done`)
        // and begin the word after (not past `to`).
        if flags(i) != HIGHS {
            continue;
        }
        let before = if i >= done + 8 {
            ((!flags(i - 8) & HIGHS).leading_zeros() / 8) as usize
        } else {
            buf[done..i]
                .iter()
                .rev()
                .take_while(|b| alphabet(b))
                .count()
        };
        let after = if i + 16 <= to {
            ((!flags(i + 8) & HIGHS).trailing_zeros() / 8) as usize
        } else {
            buf[(i + 8).min(to)..to]
                .iter()
                .take_while(|b| alphabet(b))
                .count()
        };
        if before + 8 + after < MIN_BASE64 {
            continue;
        }
        let mut start = i - before;
        // Eight bytes at a time while whole words are in the alphabet.
        while start >= done + 8 && before == 8 {
            let lead = (!flags(start - 8) & HIGHS).leading_zeros() as usize / 8;
            start -= lead;
            if lead < 8 {
                break;
            }
        }
        while start > done && alphabet(&buf[start - 1]) {
            start -= 1;
        }
        let mut end = i + 8 + after;
        while after == 8 && end + 8 <= to {
            let trail = (!flags(end) & HIGHS).trailing_zeros() as usize / 8;
            end += trail;
            if trail < 8 {
                break;
            }
        }
        while end < to && alphabet(&buf[end]) {
            end += 1;
        }
        done = end;
        run(buf, (start, end, to), &mut scratch, found);
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `x` that is in the base64 alphabet (either
/// one: `A-Z a-z 0-9 + / - _`), exactly, byte by byte.
fn alphabet_flags(x: u64) -> u64 {
    let ascii = !x & HIGHS;
    let low = x & !HIGHS;
    // High bit set where the byte is at least `n` (no borrow crosses bytes).
    let at_least = |n: u8| (low | HIGHS).wrapping_sub(ONES * u64::from(n));
    let within = |lo: u8, hi: u8| at_least(lo) & !at_least(hi + 1);
    let equals = |c: u8| !((low ^ (ONES * u64::from(c))) | HIGHS).wrapping_sub(ONES);
    (within(b'A', b'Z')
        | within(b'a', b'z')
        | within(b'0', b'9')
        | equals(b'+')
        | equals(b'/')
        | equals(b'-')
        | equals(b'_'))
        & ascii
        & HIGHS
}

/// The union of the [`CLASS`]es of `run`'s bytes (asked only of runs
/// that may be hex and of runs that decode as base64: few).
fn run_classes(run: &[u8]) -> u8 {
    run.iter().fold(0, |m, &b| m | CLASS[b as usize])
}

/// One run of alphabet bytes `buf[start..end]`,
/// decoded as hex or base64 if it may be either.
fn run(
    buf: &[u8],
    (start, end, to): (usize, usize, usize),
    out: &mut Vec<u8>,
    found: &mut impl FnMut(Decoded),
) {
    out.clear();
    let len = end - start;
    if !(MIN_BASE64..=MAX_ENCODED).contains(&len) {
        return;
    }
    // A run of hex digits alone is hex, never base64. Its classes are
    // looked at first only where hex may be; elsewhere after the base64
    // decoding, which most runs (identifiers, paths) fail within a few
    // bytes.
    let hex_length = len >= MIN_HEX && len % 2 == 0;
    let mut mask = None;
    if hex_length {
        let m = run_classes(&buf[start..end]);
        if m & NOT_HEX == 0 {
            if decode_hex(&buf[start..end], out) {
                found(in_line(buf, Encoding::Hex, start, end, out));
            }
            return;
        }
        mask = Some(m);
    }
    if !decode_base64(&buf[start..end], out) {
        return;
    }
    let mask = mask.unwrap_or_else(|| run_classes(&buf[start..end]));
    // Not hex digits alone; base64 of text holds both cases; one alphabet,
    // not both.
    if mask & NOT_HEX == 0
        || mask & (UPPER | LOWER) != UPPER | LOWER
        || mask & (URLSAFE | STANDARD) == URLSAFE | STANDARD
    {
        return;
    }
    let mut padded = end;
    while padded < to && padded - end < 2 && buf[padded] == b'=' {
        padded += 1;
    }
    found(in_line(buf, Encoding::Base64, start, padded, out));
}

/// The line around `buf[start..end]` with that span replaced by `decoded`.
fn in_line(buf: &[u8], encoding: Encoding, start: usize, end: usize, decoded: &[u8]) -> Decoded {
    let line_start = memchr::memrchr(b'\n', &buf[..start]).map_or(0, |i| i + 1);
    let line_end = memchr::memchr(b'\n', &buf[end..]).map_or(buf.len(), |i| end + i);
    // A long line keeps a window around the run.
    let line_start = line_start.max(start.saturating_sub(512));
    let line_end = line_end.min(end + 512);
    let mut d = Decoded {
        encoding,
        text: Vec::with_capacity(line_end - line_start - (end - start) + decoded.len()),
        region: (0, 0),
        runs: Vec::with_capacity(3),
    };
    d.copy(buf, line_start, start);
    let at = d.text.len();
    // Decoded lines of their own (`DB_PASSWORD=…`, a `.env` file, JSON) are
    // read as lines: the quote that closes the encoded text is not theirs.
    // A bare value stays in its line, after the name that names it.
    let lines = decoded.contains(&b'=')
        || decoded.contains(&b'\n')
        || memchr::memmem::find(decoded, b"\":").is_some()
        || memchr::memmem::find(decoded, b": ").is_some();
    if lines {
        let mut own = Vec::with_capacity(decoded.len() + 2);
        own.push(b'\n');
        own.extend_from_slice(decoded);
        own.push(b'\n');
        d.decoded(&own, start, end);
    } else {
        d.decoded(decoded, start, end);
    }
    d.region = (at, d.text.len());
    d.copy(buf, end, line_end);
    d
}

/// Whether `b` may stand in decoded text.
const fn text_byte(b: u8) -> bool {
    b >= 0x20 && b != 0x7f || matches!(b, b'\t' | b'\n' | b'\r')
}

/// Text as it is decoded byte by byte: control bytes refused at once, and
/// UTF-8 followed far enough that a byte no sequence allows (a stray
/// continuation byte, a lead byte where a continuation is due) stops the
/// decoding there, not at the end. The decoded bytes are still checked as
/// UTF-8 whole afterwards (overlong forms, surrogates).
#[derive(Default)]
struct TextSoFar {
    /// Continuation bytes still due.
    due: u8,
}

impl TextSoFar {
    fn accepts(&mut self, b: u8) -> bool {
        if self.due > 0 {
            self.due -= 1;
            return b & 0xc0 == 0x80;
        }
        self.due = match b {
            0xc2..=0xdf => 1,
            0xe0..=0xef => 2,
            0xf0..=0xf4 => 3,
            0x80.. => return false,
            _ => return text_byte(b),
        };
        true
    }
}

/// Decodes hex digits into `out`; false at the first byte that is not text.
fn decode_hex(run: &[u8], out: &mut Vec<u8>) -> bool {
    let mut text = TextSoFar::default();
    for pair in run.chunks_exact(2) {
        let b = (hex_value(pair[0]) << 4) | hex_value(pair[1]);
        if !text.accepts(b) {
            return false;
        }
        out.push(b);
    }
    std::str::from_utf8(out).is_ok()
}

fn hex_value(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

/// Decodes base64 of either alphabet, unpadded (the caller drops the
/// padding), into `out`; false at the first byte that is not text, or when
/// the length cannot be base64. Hand-written rather than the `base64`
/// crate's engine because it stops at the first non-text byte: most runs
/// (identifiers, random tokens) fail in their first four characters.
fn decode_base64(run: &[u8], out: &mut Vec<u8>) -> bool {
    if run.len() % 4 == 1 {
        return false;
    }
    let mut acc = 0u32;
    let mut bits = 0u32;
    let mut text = TextSoFar::default();
    for &c in run {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            _ => 63, // '/' or '_': the run holds only alphabet bytes
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            let b = (acc >> bits) as u8;
            if !text.accepts(b) {
                return false;
            }
            out.push(b);
        }
    }
    std::str::from_utf8(out).is_ok()
}

/// Lines holding percent-encoding, backslash escapes or character
/// references, each decoded whole (one [`Decoded`] per encoding found).
fn escaped_lines(buf: &[u8], (from, to): (usize, usize), mut found: impl FnMut(Decoded)) {
    let mut done_line = usize::MAX;
    let mut done = [false; 3];
    for p in memchr::memchr3_iter(b'%', b'\\', b'&', &buf[from..to]) {
        let p = from + p;
        let encoding = match buf[p] {
            b'%' => Encoding::Percent,
            b'\\' => Encoding::Escape,
            _ => Encoding::Html,
        };
        // Most are ruled out by the next byte, here in the loop.
        if !buf.get(p + 1).is_some_and(|&b| may_start(encoding, b)) {
            continue;
        }
        // A line is decoded for an escape of printable ASCII, what a
        // secret is made of (`\u00e9` in a translation is no hiding place).
        if !escape_at(buf, p, encoding)
            .is_some_and(|(bytes, _)| bytes.iter().all(|b| (0x20..0x7f).contains(b)))
        {
            continue;
        }
        let line_start = memchr::memrchr(b'\n', &buf[..p])
            .map_or(0, |i| i + 1)
            .max(from);
        if line_start != done_line {
            done_line = line_start;
            done = [false; 3];
        }
        let slot = encoding as usize - Encoding::Percent as usize;
        if done[slot] {
            continue;
        }
        done[slot] = true;
        let line_end = memchr::memchr(b'\n', &buf[p..to]).map_or(to, |i| p + i);
        if line_end - line_start > MAX_LINE {
            continue;
        }
        if let Some(d) = unescape_line(buf, line_start, line_end, encoding) {
            found(d);
        }
    }
}

/// Whether an escape of `encoding` may begin with its sign and `second`:
/// the next byte rules most out (`&&`, `%s`, `\n`) before any work.
#[inline]
fn may_start(encoding: Encoding, second: u8) -> bool {
    match encoding {
        Encoding::Percent => second.is_ascii_hexdigit(),
        Encoding::Escape => matches!(second, b'u' | b'x' | b'/'),
        Encoding::Html => matches!(second, b'#' | b'q' | b'a' | b'l' | b'g'),
        Encoding::Base64 | Encoding::Hex => false,
    }
}

/// The escape of `encoding` at `buf[p]`: its decoded bytes and length.
fn escape_at(buf: &[u8], p: usize, encoding: Encoding) -> Option<(Vec<u8>, usize)> {
    let rest = &buf[p..];
    if !may_start(encoding, *rest.get(1)?) {
        return None;
    }
    let hex_at = |i: usize, n: usize| -> Option<u32> {
        let digits = rest.get(i..i + n)?;
        digits.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_hexdigit()
                .then(|| (acc << 4) | u32::from(hex_value(c)))
        })
    };
    let char_bytes = |c: char| c.to_string().into_bytes();
    match encoding {
        Encoding::Percent => {
            let v = hex_at(1, 2)?;
            // `%2d` and `%02x` in a format string are not percent-encoding:
            // only bytes that a URL must escape (`%3A`, `%40`, `%2F`, `%20`,
            // UTF-8), never a letter, a digit, `-._~` or a control byte.
            let b = v as u8;
            let reserved = b >= 0x80
                || b >= 0x20
                    && b != 0x7f
                    && !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
            reserved.then(|| (vec![b], 3))
        }
        Encoding::Escape => match rest.get(1)? {
            b'u' => {
                let v = hex_at(2, 4)?;
                if (0xD800..0xDC00).contains(&v) {
                    // A surrogate pair: `\uD83D\uDE00`.
                    if rest.get(6..8)? != b"\\u" {
                        return None;
                    }
                    let low = hex_at(8, 4)?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return None;
                    }
                    let c = char::from_u32(0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00))?;
                    return Some((char_bytes(c), 12));
                }
                let c = char::from_u32(v)?;
                Some((char_bytes(c), 6))
            }
            b'x' => {
                let v = hex_at(2, 2)?;
                Some((char_bytes(char::from_u32(v)?), 4))
            }
            // JSON's escaped solidus: `https:\/\/user:pass@host`.
            b'/' => Some((b"/".to_vec(), 2)),
            _ => None,
        },
        Encoding::Html => {
            let semi = rest.iter().take(10).position(|&c| c == b';')?;
            let name = &rest[1..semi];
            let c = match name {
                b"quot" => '"',
                b"amp" => '&',
                b"lt" => '<',
                b"gt" => '>',
                b"apos" => '\'',
                _ => {
                    let v = match name {
                        [b'#', b'x' | b'X', hex @ ..] if !hex.is_empty() => {
                            u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?
                        }
                        [b'#', dec @ ..] if !dec.is_empty() => {
                            std::str::from_utf8(dec).ok()?.parse().ok()?
                        }
                        _ => return None,
                    };
                    char::from_u32(v)?
                }
            };
            Some((char_bytes(c), semi + 1))
        }
        Encoding::Base64 | Encoding::Hex => None,
    }
}

/// `buf[start..end]` with every escape of `encoding` decoded; `None` when
/// the result is not text.
fn unescape_line(buf: &[u8], start: usize, end: usize, encoding: Encoding) -> Option<Decoded> {
    let marker = match encoding {
        Encoding::Percent => b'%',
        Encoding::Escape => b'\\',
        _ => b'&',
    };
    let mut d = Decoded {
        encoding,
        text: Vec::with_capacity(end - start),
        region: (0, 0),
        runs: Vec::new(),
    };
    let mut copied = start;
    let mut p = start;
    // Percent-encoded bytes may form one UTF-8 character: collected first.
    let mut pending: Vec<u8> = Vec::new();
    let mut pending_from = start;
    while let Some(off) = memchr::memchr(marker, &buf[p..end]) {
        let at = p + off;
        let Some((bytes, len)) = escape_at(&buf[..end], at, encoding) else {
            p = at + 1;
            continue;
        };
        if !pending.is_empty() && at != copied {
            d.decoded(&std::mem::take(&mut pending), pending_from, copied);
        }
        if pending.is_empty() {
            d.copy(buf, copied, at);
            pending_from = at;
        }
        pending.extend_from_slice(&bytes);
        copied = at + len;
        p = copied;
    }
    if !pending.is_empty() {
        d.decoded(&pending, pending_from, copied);
    }
    d.copy(buf, copied, end);
    d.region = (0, d.text.len());
    (std::str::from_utf8(&d.text).is_ok() && d.text.iter().all(|&b| text_byte(b))).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    fn all(buf: &[u8]) -> Vec<(Encoding, String)> {
        let mut out = Vec::new();
        segments(buf, (0, buf.len()), |d| {
            out.push((d.encoding, String::from_utf8(d.text).unwrap()));
        });
        out
    }

    #[test]
    fn base64_in_its_line() {
        let enc = base64::engine::general_purpose::STANDARD.encode("login: hunter2-and-more");
        let buf = format!("x\n  DB: {enc}\ny\n");
        assert_eq!(
            all(buf.as_bytes()),
            [(Encoding::Base64, "  DB: \nlogin: hunter2-and-more\n".into())]
        );
        let bare = base64::engine::general_purpose::STANDARD.encode("hunter2-and-more");
        let buf = format!("  DB_PASSWORD: \"{bare}\"\n");
        assert_eq!(
            all(buf.as_bytes()),
            [(
                Encoding::Base64,
                "  DB_PASSWORD: \"hunter2-and-more\"".into()
            )]
        );
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("a?>b~~~?>>secret text");
        assert!(url.contains(['-', '_']), "{url}");
        assert_eq!(all(url.as_bytes())[0].1, "a?>b~~~?>>secret text");
    }

    #[test]
    fn identifiers_hashes_and_tokens_are_not_decoded() {
        let buf = b"__attribute_deprecated__ e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 \
            wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz tok_4eC39HqLyjWDarjtT1zdp7dc %02x%02x \\n\\t &&";
        assert!(all(buf).is_empty(), "{:?}", all(buf));
    }

    #[test]
    fn hex_percent_escapes_entities() {
        let hex: String = "token=abcdef0123456789"
            .bytes()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            all(hex.as_bytes()),
            [(Encoding::Hex, "\ntoken=abcdef0123456789\n".into())]
        );
        let got = all(b"url=postgres%3A%2F%2Fu%3Ap%40h/db?x=%C3%A9");
        assert_eq!(
            got,
            [(Encoding::Percent, "url=postgres://u:p@h/db?x=\u{e9}".into())]
        );
        let got = all(br#"{"k": "\u0070ass\x21 \uD83D\uDE00"}"#);
        assert_eq!(
            got,
            [(Encoding::Escape, "{\"k\": \"pass! \u{1F600}\"}".into())]
        );
        let got = all(b"<v>&quot;s&#101;cr&#x65;t&quot; &amp;</v>");
        assert_eq!(got, [(Encoding::Html, "<v>\"secret\" &</v>".into())]);
    }

    /// Runs of 16 to 23 characters (12 to 17 bytes of text) hold one or
    /// two words; nearly all are found.
    #[test]
    fn short_base64_of_text_is_nearly_always_found() {
        use base64::engine::general_purpose::STANDARD;
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let (mut tried, mut missed) = (0, 0);
        for n in 12..18 {
            for _ in 0..2000 {
                let text: String = (0..n)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        (b' ' + (state % 95) as u8) as char
                    })
                    .collect();
                let enc = STANDARD.encode(&text);
                for shift in 0..8 {
                    let buf = format!("{}v: {enc} ", " ".repeat(shift));
                    let mut hit = false;
                    segments(buf.as_bytes(), (0, buf.len()), |d| {
                        hit |= d.text.windows(text.len()).any(|w| w == text.as_bytes());
                    });
                    tried += 1;
                    missed += usize::from(!hit);
                }
            }
        }
        assert!(missed * 1000 < tried, "{missed} of {tried} missed");
    }

    #[test]
    fn word_tests_agree_with_bytes() {
        for x in [
            *b"abcdefgh",
            *b"ABCDEFGH",
            *b"aBcdefgh",
            *b"12345678",
            *b"1234abcd",
            *b"1234abcg",
            *b"__attrib",
            *b"Zm9vYmFy",
            *b"cGFzc3dv",
            *b"70617373",
            *b"+/-_AZaz",
        ]
        .iter()
        .chain(&[
            [0x40, 0x5b, 0x60, 0x7b, 0x2f, 0x3a, 0x7f, 0x80],
            [0xc1, 0xda, 0xab, 0xaf, 0xad, 0xdf, 0xb0, 0x2a],
            [b'+', b',', b'.', b'/', b'-', b'_', b'^', b'`'],
        ]) {
            let w = u64::from_le_bytes(*x);
            for (k, b) in x.iter().enumerate() {
                let flag = alphabet_flags(w) >> (8 * k + 7) & 1 == 1;
                assert_eq!(flag, CLASS[*b as usize] & B64 != 0, "{x:?} byte {k}");
            }
        }
    }

    /// [`PAIRS`] built anew from the encodings of every group of text
    /// bytes by the base64 crate (both alphabets) and from hex digits'
    /// values: the table is exactly what text encodes to.
    #[test]
    fn the_pair_table_is_what_text_encodes_to() {
        use base64::Engine;
        use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
        let text: Vec<u8> = (0u8..0x80).filter(|&b| text_byte(b)).collect();
        let mut want = vec![0u8; 1 << 15];
        let mut mark =
            |a: u8, b: u8, bit: u8| want[pair_index(u16::from(a) | u16::from(b) << 8)] |= bit;
        for a in 0u8..0x80 {
            for b in 0u8..0x80 {
                if [a, b]
                    .iter()
                    .any(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                {
                    mark(a, b, UPPER_OR_DIGIT);
                }
            }
        }
        let mut out = [0u8; 8];
        for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
            for &x in &text {
                for &y in &text {
                    for &z in &text {
                        engine.encode_slice([x, y, z], &mut out).unwrap();
                        mark(out[0], out[1], 1);
                        mark(out[1], out[2], 2);
                        mark(out[2], out[3], 4);
                    }
                    // A group's last character and the next one's first.
                    engine
                        .encode_slice([b' ', b' ', x, y, b' ', b' '], &mut out)
                        .unwrap();
                    mark(out[3], out[4], 8);
                }
            }
        }
        let hex_value = |c: u8| char::from(c).to_digit(16);
        for a in 0u8..0x80 {
            for b in 0u8..0x80 {
                let (Some(hi), Some(lo)) = (hex_value(a), hex_value(b)) else {
                    continue;
                };
                if hi < 8 && text_byte((hi * 16 + lo) as u8) {
                    mark(a, b, HEX_BYTE);
                }
                if text.iter().any(|&t| u32::from(t >> 4) == lo) {
                    mark(a, b, HEX_BETWEEN);
                }
            }
        }
        assert!(want == PAIRS, "the table differs from the encodings");
        // A text's short last group (no padding) holds pairs among these.
        for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
            for &x in &text {
                for &y in &text {
                    let n = engine.encode_slice([x, y], &mut out).unwrap();
                    let at = |i: usize| {
                        PAIRS[pair_index(u16::from(out[i]) | u16::from(out[i + 1]) << 8)]
                    };
                    assert_eq!(n, 3);
                    assert!(at(0) & 1 != 0 && at(1) & 2 != 0, "{x} {y}");
                }
                engine.encode_slice([x], &mut out).unwrap();
                assert!(PAIRS[pair_index(u16::from(out[0]) | u16::from(out[1]) << 8)] & 1 != 0);
            }
        }
    }

    #[test]
    fn identifiers_paths_and_numbers_are_not_worth_a_look() {
        let worth = |s: &[u8]| {
            let mut out = Vec::new();
            words_worth_a_look(s, 0, s.len(), &mut out);
            out
        };
        for s in [
            &b"DescribeInstancesRequest"[..],
            b"ossl_check_X509_type____",
            b"SSL_CTX_set_cipher_list_",
            b"MIN_SAMPLE_SHADING_VALUE",
            b"/usr/include/linux/if.h_",
            b"3.14159265358979323846e0",
            b"0x7fffffffffffffffULL___",
        ] {
            assert_eq!(
                worth(s),
                Vec::<usize>::new(),
                "{}",
                String::from_utf8_lossy(s)
            );
        }
        // Base64 and hex of text: every whole word.
        let enc = b"c2stbGl2ZS0xMjM0NTY3ODkwYWJjZGVmZ2hpams6cGFzc3dvcmQ=";
        assert_eq!(
            worth(enc),
            (0..enc.len() / 8).map(|k| 8 * k).collect::<Vec<_>>()
        );
        let hex = b"736b2d6c6976652d313233343536373839306162636465666768696a6b";
        assert_eq!(
            worth(hex),
            (0..hex.len() / 8).map(|k| 8 * k).collect::<Vec<_>>()
        );
    }

    proptest::proptest! {
        /// Every word inside base64 or hex of text is worth a look, at
        /// whatever offset the encoding starts.
        #[test]
        fn every_word_of_encoded_text_is_worth_a_look(text in "[\\t\\n\\r -~]{12,60}", shift in 0usize..8) {
            use base64::Engine;
            use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
            let hex: String = text.bytes().map(|b| format!("{b:02X}")).collect();
            for enc in [STANDARD.encode(&text), URL_SAFE_NO_PAD.encode(&text), hex] {
                let buf = format!("{}{enc}", " ".repeat(shift));
                let mut got = Vec::new();
                words_worth_a_look(buf.as_bytes(), 0, buf.len(), &mut got);
                // Whole words inside the encoding (padding aside) that hold
                // an upper-case letter or a digit.
                let end = shift + enc.trim_end_matches('=').len();
                let want: Vec<usize> = (0..buf.len() / 8)
                    .map(|k| 8 * k)
                    .filter(|&at| at >= shift && at + 8 <= end)
                    .filter(|&at| buf.as_bytes()[at..at + 8].iter().any(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
                    .collect();
                proptest::prop_assert_eq!(got, want, "{:?}", enc);
            }
        }

        #[test]
        fn base64_and_hex_of_text_are_always_found(text in "[ -~]{18,80}") {
            use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
            let hex: String = text.bytes().map(|b| format!("{b:02x}")).collect();
            for enc in [STANDARD.encode(&text), URL_SAFE_NO_PAD.encode(&text), hex] {
                if enc.len() < MIN_BASE64 || enc.contains(['+', '/']) && enc.contains(['-', '_']) {
                    continue;
                }
                for shift in 0..8 {
                    let buf = format!("{}v: {enc} ", " ".repeat(shift));
                    let mut got = Vec::new();
                    segments(buf.as_bytes(), (0, buf.len()), |d| got.push(d.text));
                    proptest::prop_assert!(
                        got.iter().any(|t| t.windows(text.len()).any(|w| w == text.as_bytes())),
                        "{enc:?} not decoded at shift {shift}"
                    );
                }
            }
        }
    }

    #[test]
    fn source_maps_decoded_spans_back() {
        let buf = b"a=%2F%3Acd";
        let mut got = None;
        segments(buf, (0, buf.len()), |d| got = Some(d));
        let d = got.unwrap();
        assert_eq!(d.text, b"a=/:cd");
        // `/:cd`: from the first escape to the end.
        assert_eq!(d.source(2, 6), Some((2, 10)));
        assert_eq!(d.source(3, 5), Some((2, 9)));
        // Copied bytes map one to one.
        assert_eq!(d.source(4, 6), Some((8, 10)));
        assert_eq!(d.source(0, 2), Some((0, 2)));
        assert_eq!(d.source(1, 1), None);
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_decode_without_panic(buf in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
            segments(&buf, (0, buf.len()), |d| {
                for s in 0..d.text.len() {
                    if let Some((a, b)) = d.source(s, d.text.len()) {
                        assert!(a <= b && b <= buf.len());
                    }
                }
            });
        }
    }
}
