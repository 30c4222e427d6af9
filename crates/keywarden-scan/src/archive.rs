//! Archives a tree scan opens: zip (and the formats built on it: jar, war,
//! ear, whl, apk, nupkg, docx, …), tar, and gzip (a tar inside is one
//! archive, `.tar.gz`/`.tgz`; a plain `.gz` holds one file), recognised by
//! their magic bytes whatever their names. Entries are expanded in memory
//! one at a time, streaming where the format allows (tar, gzip), and each
//! text entry is scanned by the same [`Scanner`] as a file, at the path
//! `outer.zip!lib/app.jar!config/application.yml`. Archives inside
//! archives are opened up to [`MAX_DEPTH`] deep; a binary entry that is no
//! archive is skipped like a binary file (a PKCS#12 key store is still a
//! finding).
//!
//! Hostile input is bounded, per archive file with everything nested in
//! it: an entry expands to at most [`Scanner::verified_max_file_size`]
//! bytes (text over [`Scanner::max_file_size`] is searched for
//! checksum-verified keys only, as a file is), all entries together to at
//! most [`Scanner::verified_max_archive_size`], an entry beyond 1 MiB to at
//! most [`MAX_RATIO`] times its compressed size, and there are at most
//! [`MAX_ENTRIES`] entries. An archive that breaks one of these caps, or
//! cannot be read, is skipped with a [`ScanWarning`] and the scan goes on;
//! what was scanned before stays reported. Nothing here panics on any
//! input (a property test and the `scan_archive` fuzz target hold it to
//! that).

use std::cell::Cell;
use std::io::{self, Cursor, Read, Seek, SeekFrom};
use std::time::Instant;

use flate2::read::MultiGzDecoder;
use zip::ZipArchive;
use zip::result::ZipError;

use crate::config::Archives;
use crate::engine::Scanner;
use crate::error::ScanWarning;
use crate::files::{BINARY_PROBE, Progress, Report, Stats, is_binary};
use crate::finding::Finding;

/// Archives nest at most this deep: an archive file is at depth 1, an
/// archive inside it at 2, one inside that at 3; one deeper is not opened
/// ([`ArchiveSkip::Depth`]).
pub const MAX_DEPTH: usize = 3;

/// At most this many entries, nested ones included, are read from one
/// archive file ([`ArchiveSkip::Entries`]).
pub const MAX_ENTRIES: u64 = 100_000;

/// An entry (or gzip stream) that expands more than this many times its
/// compressed size, beyond [`RATIO_FLOOR`] bytes, is a compression bomb
/// ([`ArchiveSkip::Bomb`]).
pub const MAX_RATIO: u64 = 100;

/// Expansion up to this many bytes is never called a bomb, whatever the
/// ratio (a small file of repeated lines compresses well).
pub const RATIO_FLOOR: u64 = 1024 * 1024;

/// A zip's structure is read through a budget of this many times its size
/// (plus [`ZIP_READ_SLACK`]): a well-formed zip is read about once, while
/// crafted end records can make a reader try one central directory after
/// another, or entries share their compressed data.
const ZIP_READ_FACTOR: u64 = 4;
const ZIP_READ_SLACK: u64 = 64 * 1024;

/// Why an archive, or part of one, was not scanned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveSkip {
    /// It could not be read (truncated, corrupt, or not what its magic
    /// bytes say); the reader's message. The entries before the damage
    /// were scanned.
    #[error("archive not read to the end: {0}")]
    Corrupt(String),
    /// It expands more than [`MAX_RATIO`] times its compressed size: the
    /// archive file holding it is not opened further.
    #[error(
        "compression bomb (expands more than {MAX_RATIO} times its compressed size): the archive is not opened further"
    )]
    Bomb,
    /// The archive file's entries, nested ones included, expand to more
    /// than `limit` bytes: the rest is not scanned.
    #[error("expands to more than {limit} bytes: the rest of the archive is not scanned")]
    Expanded {
        /// The limit, [`Scanner::verified_max_archive_size`].
        limit: u64,
    },
    /// The archive file holds (or claims to hold) more than
    /// [`MAX_ENTRIES`] entries, nested ones included: the rest is not
    /// scanned.
    #[error("holds more than {MAX_ENTRIES} entries: the rest of the archive is not scanned")]
    Entries,
    /// An archive nested deeper than [`MAX_DEPTH`]: not opened.
    #[error("an archive nested more than {MAX_DEPTH} deep: not opened")]
    Depth,
    /// Entries that could not be read: encrypted, or compressed by a method
    /// other than deflate.
    #[error("{count} entries not read (encrypted, or compressed by a method other than deflate)")]
    Unreadable {
        /// How many.
        count: u64,
    },
}

/// An archive format, told by magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Zip,
    Tar,
    Gzip,
}

/// The archive format `head` (a file's or entry's first bytes) begins,
/// if any. Only bytes compared: costs nothing next to reading them.
/// `binary`: whether `head` holds a NUL, for the one costlier test (an old
/// tar without the `ustar` magic, told by its header checksum).
pub(crate) fn sniff(head: &[u8], binary: bool) -> Option<Kind> {
    if head.starts_with(b"PK\x03\x04") {
        Some(Kind::Zip)
    } else if head.starts_with(&[0x1f, 0x8b, 0x08]) {
        Some(Kind::Gzip)
    } else if head.get(257..262) == Some(b"ustar") || (binary && is_old_tar(head)) {
        Some(Kind::Tar)
    } else {
        None
    }
}

/// A tar header of the format before `ustar`: a name, and the checksum
/// field (octal) equal to the sum of the header's bytes with that field
/// counted as spaces.
fn is_old_tar(head: &[u8]) -> bool {
    let Some(header) = head.get(..512) else {
        return false;
    };
    if header[0] == 0 {
        return false;
    }
    let mut stored: u32 = 0;
    let mut digits = 0;
    for &b in header[148..156].iter().skip_while(|&&b| b == b' ') {
        match b {
            b'0'..=b'7' if digits < 7 => {
                stored = stored * 8 + u32::from(b - b'0');
                digits += 1;
            }
            b' ' | 0 => break,
            _ => return false,
        }
    }
    let sum: u32 = header
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                u32::from(b' ')
            } else {
                u32::from(b)
            }
        })
        .sum();
    digits > 0 && sum == stored
}

/// How an archive's entries are scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// With every rule.
    Full,
    /// For checksum-verified keys only ([`Scanner::scan_verified`]).
    Verified,
}

/// Where an archive (or entry) is: its shown path, its path under the
/// scan root (for the path allowlist), whether the allowlist covers it
/// (an allowlisted archive covers its entries), and how it is scanned.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    shown: String,
    under_root: Option<String>,
    allowed: bool,
    mode: Mode,
}

impl Origin {
    pub(crate) fn new(
        shown: String,
        under_root: Option<String>,
        allowed: bool,
        mode: Mode,
    ) -> Self {
        Self {
            shown,
            under_root,
            allowed,
            mode,
        }
    }

    /// The entry `name` of this archive.
    fn child(&self, scanner: &Scanner, name: &str) -> Self {
        let name = entry_name(name);
        let shown = format!("{}!{name}", self.shown);
        let under_root = self.under_root.as_ref().map(|r| format!("{r}!{name}"));
        let allowed = self.allowed
            || scanner.path_allowed(&shown)
            || under_root
                .as_deref()
                .is_some_and(|r| scanner.path_allowed(r));
        Self {
            shown,
            under_root,
            allowed,
            mode: self.mode,
        }
    }
}

/// An entry's name as shown: `/`-separated, relative, one line.
fn entry_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| match c {
            '\\' => '/',
            c if c.is_control() => '?',
            c => c,
        })
        .collect();
    let mut rest = clean.as_str();
    loop {
        let trimmed = rest.trim_start_matches('/');
        let trimmed = trimmed.strip_prefix("./").unwrap_or(trimmed);
        if trimmed.len() == rest.len() {
            break;
        }
        rest = trimmed;
    }
    if rest.is_empty() {
        "?".to_owned()
    } else {
        rest.to_owned()
    }
}

/// The name of a plain gzip file's content when its header names none:
/// the archive's own name without `.gz` (`.tgz` gives `.tar`).
fn gunzipped_name(archive: &str) -> String {
    let name = archive.rsplit(['/', '!']).next().unwrap_or(archive);
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".tgz") {
        format!("{}.tar", &name[..name.len() - 4])
    } else if lower.ends_with(".gz") && name.len() > 3 {
        name[..name.len() - 3].to_owned()
    } else {
        name.to_owned()
    }
}

/// What expanding one archive file found and counted.
#[derive(Debug, Default)]
pub(crate) struct Expanded {
    pub(crate) findings: Vec<Finding>,
    pub(crate) warnings: Vec<ScanWarning>,
    pub(crate) skipped_binary: u64,
    pub(crate) skipped_large: u64,
    pub(crate) allowlisted: u64,
    /// Archives opened: the file and those nested in it.
    pub(crate) archives: u64,
}

impl Expanded {
    fn warn(&mut self, path: &str, skip: ArchiveSkip) {
        self.warnings.push(ScanWarning::Archive {
            path: path.to_owned(),
            skip,
        });
    }
}

/// What one archive file may still cost, nested archives included.
struct Budget {
    /// [`Scanner::verified_max_archive_size`].
    limit: u64,
    expanded: Cell<u64>,
    entries: Cell<u64>,
    /// The cap a reader broke (its path and why), to be said by whoever
    /// sees the reader's error.
    tripped: Cell<Option<(String, ArchiveSkip)>>,
}

/// A decompressing reader counted against the [`Budget`]: past the total
/// limit, or past [`MAX_RATIO`] times `compressed` beyond
/// [`RATIO_FLOOR`], it fails (and says why in the budget).
struct Metered<'b, R> {
    inner: R,
    compressed: u64,
    produced: u64,
    path: String,
    budget: &'b Budget,
}

impl<'b, R: Read> Metered<'b, R> {
    fn new(inner: R, compressed: u64, path: String, budget: &'b Budget) -> Self {
        Self {
            inner,
            compressed,
            produced: 0,
            path,
            budget,
        }
    }

    fn trip(&self, skip: ArchiveSkip) -> io::Error {
        let mut tripped = self.budget.tripped.take();
        if tripped.is_none() {
            tripped = Some((self.path.clone(), skip));
        }
        self.budget.tripped.set(tripped);
        io::Error::other("an archive cap was reached")
    }
}

impl<R: Read> Read for Metered<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.produced = self.produced.saturating_add(n as u64);
        let total = self.budget.expanded.get().saturating_add(n as u64);
        self.budget.expanded.set(total);
        if self.produced > RATIO_FLOOR && self.produced / MAX_RATIO > self.compressed {
            return Err(self.trip(ArchiveSkip::Bomb));
        }
        if total > self.budget.limit {
            let limit = self.budget.limit;
            return Err(self.trip(ArchiveSkip::Expanded { limit }));
        }
        Ok(n)
    }
}

/// An in-memory zip read through a budget of bytes ([`ZIP_READ_FACTOR`]).
struct Bounded<'a> {
    cursor: Cursor<&'a [u8]>,
    left: u64,
}

impl Read for Bounded<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 && !buf.is_empty() {
            return Err(io::Error::other(
                "its structure has it read over and over (malformed)",
            ));
        }
        let max = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.cursor.read(&mut buf[..max])?;
        self.left -= n as u64;
        Ok(n)
    }
}

impl Seek for Bounded<'_> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.cursor.seek(pos)
    }
}

/// Whether a ZIP64 end record anywhere in `bytes` claims more than
/// [`MAX_ENTRIES`] entries: the zip reader reserves room for the entries a
/// record claims before it reads one, and tries every end record it finds.
fn zip64_claims_too_many(bytes: &[u8]) -> bool {
    memchr::memmem::find_iter(bytes, b"PK\x06\x06").any(|at| {
        let field = |offset: usize| {
            bytes
                .get(at + offset..at + offset + 8)
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map_or(0, u64::from_le_bytes)
        };
        // Entries on this disk, and in all.
        field(24) > MAX_ENTRIES || field(32) > MAX_ENTRIES
    })
}

/// Why expanding stopped.
enum Stop {
    /// This archive is skipped (said with its path); its parent goes on.
    Skip(ArchiveSkip),
    /// A cap of the whole archive file was reached (already said): nothing
    /// more of it is read.
    Abort,
}

struct Expander<'a> {
    scanner: &'a Scanner,
    progress: &'a Progress,
    budget: &'a Budget,
    /// The archive file's shown path.
    top: String,
    out: Expanded,
}

/// Expands the archive file `bytes` of format `kind` at `at` and scans its
/// entries.
pub(crate) fn expand(
    scanner: &Scanner,
    kind: Kind,
    bytes: &[u8],
    at: Origin,
    progress: &Progress,
) -> Expanded {
    let budget = Budget {
        limit: scanner.verified_max_archive_size(),
        expanded: Cell::new(0),
        entries: Cell::new(0),
        tripped: Cell::new(None),
    };
    let mut x = Expander {
        scanner,
        progress,
        budget: &budget,
        top: at.shown.clone(),
        out: Expanded::default(),
    };
    // An abort was said where it happened.
    let _ = x.open(kind, bytes, &at, 1);
    // A cap reached whose error a reader swallowed.
    x.said_trip();
    x.out
}

impl Expander<'_> {
    /// Opens the archive `bytes` at `at`, at `depth` (1 for a file). A
    /// corrupt archive is said here and skipped; `Err` aborts the file.
    fn open(&mut self, kind: Kind, bytes: &[u8], at: &Origin, depth: usize) -> Result<(), ()> {
        self.out.archives += 1;
        let result = match kind {
            Kind::Zip => self.zip(bytes, at, depth),
            Kind::Tar => self.tar(bytes, at, depth),
            Kind::Gzip => self.gzip(bytes, at, depth),
        };
        match result {
            Ok(()) => Ok(()),
            Err(Stop::Skip(skip)) => {
                self.out.warn(&at.shown, skip);
                Ok(())
            }
            Err(Stop::Abort) => Err(()),
        }
    }

    /// What a reader's error means: a cap was reached (said now, and the
    /// file aborts), or the archive at hand is unreadable.
    fn stop(&mut self, err: impl std::fmt::Display) -> Stop {
        if self.said_trip() {
            return Stop::Abort;
        }
        // One line, of a sane length: the reader's words, never content.
        let mut message: String = err
            .to_string()
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(200)
            .collect();
        if message.is_empty() {
            message.push_str("unreadable");
        }
        Stop::Skip(ArchiveSkip::Corrupt(message))
    }

    /// Says the cap a reader broke, if one did: a bomb at the stream that
    /// expanded, the total at the archive file.
    fn said_trip(&mut self) -> bool {
        let Some((path, skip)) = self.budget.tripped.take() else {
            return false;
        };
        let path = match skip {
            ArchiveSkip::Expanded { .. } => &self.top,
            _ => &path,
        };
        self.out.warn(path, skip);
        true
    }

    /// Counts `n` more entries against [`MAX_ENTRIES`].
    fn count(&mut self, n: u64) -> Result<(), Stop> {
        let entries = self.budget.entries.get().saturating_add(n);
        self.budget.entries.set(entries);
        if entries > MAX_ENTRIES {
            self.out.warn(&self.top, ArchiveSkip::Entries);
            return Err(Stop::Abort);
        }
        Ok(())
    }

    fn zip(&mut self, bytes: &[u8], at: &Origin, depth: usize) -> Result<(), Stop> {
        if zip64_claims_too_many(bytes) {
            return Err(Stop::Skip(ArchiveSkip::Entries));
        }
        let reader = Bounded {
            cursor: Cursor::new(bytes),
            left: (bytes.len() as u64)
                .saturating_mul(ZIP_READ_FACTOR)
                .saturating_add(ZIP_READ_SLACK),
        };
        let mut archive = ZipArchive::new(reader).map_err(|e| self.stop(e))?;
        self.count(archive.len() as u64)?;
        let mut unreadable = 0;
        for i in 0..archive.len() {
            let file = match archive.by_index(i) {
                Ok(file) => file,
                Err(
                    ZipError::UnsupportedArchive(_)
                    | ZipError::CompressionMethodNotSupported(_)
                    | ZipError::InvalidPassword,
                ) => {
                    unreadable += 1;
                    continue;
                }
                Err(e) => return Err(self.stop(e)),
            };
            if !file.is_file() {
                continue;
            }
            let entry = at.child(self.scanner, file.name());
            let (size, compressed) = (file.size(), file.compressed_size());
            if size > RATIO_FLOOR && size / MAX_RATIO > compressed {
                self.out.warn(&entry.shown, ArchiveSkip::Bomb);
                return Err(Stop::Abort);
            }
            if size > self.scanner.verified_max_file_size() {
                self.out.skipped_large += 1;
                continue;
            }
            let path = entry.shown.clone();
            self.entry(
                &entry,
                Metered::new(file, compressed, path, self.budget),
                depth,
            )?;
        }
        if unreadable > 0 {
            self.out
                .warn(&at.shown, ArchiveSkip::Unreadable { count: unreadable });
        }
        Ok(())
    }

    fn tar(&mut self, reader: impl Read, at: &Origin, depth: usize) -> Result<(), Stop> {
        let mut archive = tar::Archive::new(reader);
        let entries = archive.entries().map_err(|e| self.stop(e))?;
        for entry in entries {
            let entry = entry.map_err(|e| self.stop(e))?;
            self.count(1)?;
            let kind = entry.header().entry_type();
            if !(kind.is_file() || kind.is_contiguous()) {
                continue;
            }
            let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let child = at.child(self.scanner, &name);
            if entry.size() > self.scanner.verified_max_file_size() {
                self.out.skipped_large += 1;
                continue;
            }
            self.entry(&child, entry, depth)?;
        }
        Ok(())
    }

    fn gzip(&mut self, bytes: &[u8], at: &Origin, depth: usize) -> Result<(), Stop> {
        let mut reader = Metered::new(
            MultiGzDecoder::new(bytes),
            bytes.len() as u64,
            at.shown.clone(),
            self.budget,
        );
        let mut head = Vec::with_capacity(BINARY_PROBE);
        (&mut reader)
            .take(BINARY_PROBE as u64)
            .read_to_end(&mut head)
            .map_err(|e| self.stop(e))?;
        if sniff(&head, is_binary(&head)) == Some(Kind::Tar) {
            // `.tar.gz`: one archive, its entries shown under the file.
            return self.tar(Cursor::new(head).chain(reader), at, depth);
        }
        let name = reader
            .inner
            .header()
            .and_then(|h| h.filename())
            .map(|n| {
                let n = String::from_utf8_lossy(n);
                n.rsplit(['/', '\\']).next().unwrap_or_default().to_owned()
            })
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| gunzipped_name(&at.shown));
        self.count(1)?;
        let child = at.child(self.scanner, &name);
        self.entry(&child, Cursor::new(head).chain(reader), depth)
    }

    /// Reads the rest of `reader` into `buf`, up to `limit` + 1 bytes.
    fn read_rest(&mut self, reader: impl Read, buf: &mut Vec<u8>, limit: u64) -> Result<(), Stop> {
        let room = (limit + 1).saturating_sub(buf.len() as u64);
        reader
            .take(room)
            .read_to_end(buf)
            .map(drop)
            .map_err(|e| self.stop(e))
    }

    /// One entry of an archive at `depth`, read from `reader`: an archive
    /// is opened, a binary file skipped, text scanned.
    fn entry(&mut self, at: &Origin, mut reader: impl Read, depth: usize) -> Result<(), Stop> {
        let scanner = self.scanner;
        let limit = scanner.verified_max_file_size();
        let mut buf = Vec::new();
        self.read_rest((&mut reader).take(BINARY_PROBE as u64), &mut buf, limit)?;
        let binary = is_binary(&buf);
        if let Some(kind) = sniff(&buf, binary) {
            if depth >= MAX_DEPTH {
                self.out.warn(&at.shown, ArchiveSkip::Depth);
                return Ok(());
            }
            self.read_rest(reader, &mut buf, limit)?;
            if buf.len() as u64 > limit {
                self.out.skipped_large += 1;
                return Ok(());
            }
            let mut inner = at.clone();
            if buf.len() as u64 > scanner.max_file_size() {
                inner.mode = Mode::Verified;
            }
            return self
                .open(kind, &buf, &inner, depth + 1)
                .map_err(|()| Stop::Abort);
        }
        if binary {
            self.out.skipped_binary += 1;
            if at.mode == Mode::Full
                && let Some(f) = scanner.binary_file_finding(&at.shown, &buf)
            {
                if at.allowed {
                    self.out.allowlisted += 1;
                } else {
                    self.out.findings.push(f);
                }
            }
            return Ok(());
        }
        // Damage after some text: what was read is scanned, then the
        // archive is said to be corrupt (a truncated `.gz` log still shows
        // the tokens in its first part).
        let damage = match self.read_rest(reader, &mut buf, limit) {
            Ok(()) => None,
            Err(Stop::Abort) => return Err(Stop::Abort),
            Err(skip) => Some(skip),
        };
        self.text(at, &buf);
        damage.map_or(Ok(()), Err)
    }

    /// A text entry read whole (or up to `limit` + 1 bytes): scanned as a
    /// file of its size is.
    fn text(&mut self, at: &Origin, buf: &[u8]) {
        let scanner = self.scanner;
        let limit = scanner.verified_max_file_size();
        let size = buf.len() as u64;
        if size > limit {
            self.out.skipped_large += 1;
            return;
        }
        if size > scanner.max_file_size() || at.mode == Mode::Verified {
            if size > scanner.max_file_size() {
                self.out.skipped_large += 1;
            }
            let matches = scanner.scan_verified(&at.shown, buf);
            self.out
                .findings
                .extend(scanner.findings(matches, &at.shown, None));
            return;
        }
        self.progress.add(buf.len());
        let scanned = scanner.scan_counted(&at.shown, buf, at.allowed);
        self.out.allowlisted += scanned.allowlisted as u64;
        self.out
            .findings
            .extend(scanner.findings(scanned.matches, &at.shown, None));
    }
}

/// Scans an archive held in memory as a tree scan scans an archive file
/// shown as `path` (each finding's path begins `path!`), under the
/// scanner's [`Archives`] setting, with every cap of this module; `bytes`
/// is taken whatever its size. `None` when `bytes` begin no archive
/// format, or the scanner's setting is [`Archives::Skipped`].
///
/// ```
/// use std::io::Write;
/// use keywarden_scan::{Config, Scanner, archive};
///
/// let scanner = Scanner::new(&Config::default())?;
/// // A key minted for this example: never write a real one in code.
/// let key = keywarden_core::key::from_secret_bytes(
///     &"acme".parse()?, &"live".parse()?, &[7; 32]);
/// let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
/// gz.write_all(format!("ACME_KEY={}\n", key.expose()).as_bytes())?;
/// let report = archive::scan_archive(&scanner, "settings.env.gz", &gz.finish()?)
///     .expect("a gzip file");
/// assert_eq!(report.findings.len(), 1);
/// assert_eq!(report.findings[0].path, "settings.env.gz!settings.env");
/// assert!(report.warnings.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn scan_archive(scanner: &Scanner, path: &str, bytes: &[u8]) -> Option<Report> {
    let started = Instant::now();
    let mode = match scanner.archives() {
        Archives::Open => Mode::Full,
        Archives::VerifiedOnly => Mode::Verified,
        _ => return None,
    };
    let kind = sniff(bytes, is_binary(bytes))?;
    let progress = Progress::default();
    let at = Origin::new(path.to_owned(), None, scanner.path_allowed(path), mode);
    let out = expand(scanner, kind, bytes, at, &progress);
    let mut report = Report {
        findings: out.findings,
        warnings: out.warnings,
        ..Report::default()
    };
    report.stats = Stats {
        files: progress.files.load(std::sync::atomic::Ordering::Relaxed),
        bytes: progress.bytes.load(std::sync::atomic::Ordering::Relaxed),
        skipped_binary: out.skipped_binary,
        skipped_large: out.skipped_large,
        allowlisted: out.allowlisted,
        archives: out.archives,
        elapsed: started.elapsed(),
        ..Stats::default()
    };
    report.sort();
    Some(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_magic_bytes() {
        assert_eq!(sniff(b"PK\x03\x04rest", true), Some(Kind::Zip));
        assert_eq!(sniff(&[0x1f, 0x8b, 0x08, 0], true), Some(Kind::Gzip));
        let mut tar = vec![0u8; 512];
        tar[257..262].copy_from_slice(b"ustar");
        assert_eq!(sniff(&tar, true), Some(Kind::Tar));
        assert_eq!(sniff(b"PK\x05\x06", true), None);
        assert_eq!(sniff(b"key = value\n", false), None);
        assert_eq!(sniff(&[0u8; 600], true), None);
    }

    #[test]
    fn an_old_tar_header_is_told_by_its_checksum() {
        let mut header = vec![0u8; 512];
        header[..8].copy_from_slice(b"file.txt");
        header[156] = b'0';
        let sum: u32 = header
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                if (148..156).contains(&i) {
                    32
                } else {
                    u32::from(b)
                }
            })
            .sum();
        let field = format!("{sum:06o}\0 ");
        header[148..156].copy_from_slice(field.as_bytes());
        assert!(is_old_tar(&header));
        header[0] = b'g';
        assert!(!is_old_tar(&header));
    }

    #[test]
    fn entry_names_are_shown_relative_on_one_line() {
        assert_eq!(entry_name("/etc/passwd"), "etc/passwd");
        assert_eq!(entry_name("./a/./b"), "a/./b");
        assert_eq!(entry_name("a\\b\nc"), "a/b?c");
        assert_eq!(entry_name("//"), "?");
        assert_eq!(gunzipped_name("dir/app.log.gz"), "app.log");
        assert_eq!(gunzipped_name("x.zip!site.TGZ"), "site.tar");
        assert_eq!(gunzipped_name("blob"), "blob");
        assert_eq!(gunzipped_name(".gz"), ".gz");
    }

    #[test]
    fn a_zip64_record_claiming_too_many_entries_is_refused() {
        let mut bytes = b"junk PK\x06\x06".to_vec();
        bytes.extend_from_slice(&[0u8; 20]);
        bytes.extend_from_slice(&(MAX_ENTRIES + 1).to_le_bytes());
        bytes.extend_from_slice(&[0u8; 24]);
        assert!(zip64_claims_too_many(&bytes));
        assert!(!zip64_claims_too_many(b"PK\x06\x06short"));
    }
}
