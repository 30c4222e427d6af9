//! The matching engine: one [`Scanner`] holds every rule compiled once, and
//! scans a buffer in one pass of a literal automaton plus one pass for
//! keywarden keys.
//!
//! 1. An Aho-Corasick automaton over every rule's keywords finds the lines
//!    worth looking at, and which rules each line needs.
//! 2. Only those rules' regexes run, only on those lines (long lines: a
//!    window around the keyword). No rule rescans the whole buffer.
//! 3. Keywarden keys have no fixed literal (any prefix, any environment), so
//!    a dedicated pass looks at each `_` followed by exactly 49 base62
//!    characters, walks back over `<prefix>_<env>`, and asks
//!    `keywarden_core::key::parse` for the checksum.
//! 4. Candidates are checked (checksum, entropy, placeholder, reference),
//!    allowlisted, de-duplicated (one finding per span: checksum-verified
//!    and specific rules win over generic), and given lines and columns.
//!
//! Nothing a repository holds hides a checksum-verified match: not an
//! allowlist, not a `keywarden:allow` comment, not `[scan] disable` (the
//! checksum rules stay on), not a `.keywardenignore` (the files it keeps
//! out get [`Scanner::scan_verified`], the checksum rules alone).
//!
//! With a vault ([`Scanner::with_vault`]), [`Scanner::scan`] and
//! [`Scanner::scan_counted`] (and so every source but the files an ignore
//! file keeps out) also look for the vault's values
//! ([`crate::vault`]): a hit is a candidate of rule `vault:<label>`,
//! ranked above every rule's but a checksum-verified one, and filtered
//! like any other (allowlists, `keywarden:allow`).

use std::collections::HashSet;

use aho_corasick::MatchKind;
use globset::{Glob, GlobSet, GlobSetBuilder};
use keywarden_core::key;
use memchr::memmem;

use crate::config::Config;
use crate::decode;
use crate::error::ScanError;
use crate::filter::{Filter, Subject};
use crate::finding::{self, CommitInfo, Finding, FingerprintKey, Secret, fingerprint};
use crate::rules::{self, Rule, RuleKind};
use crate::validate::{self, Check, Verdict};
use crate::vault::VaultIndex;

/// The inline marker: a line holding it yields no finding but
/// checksum-verified ones (a comment is the repository's word, and a
/// checksum proves the key real). What it suppresses is counted with the
/// allowlists' suppressions.
pub const ALLOW_MARKER: &[u8] = b"keywarden:allow";

/// Lines longer than this are looked at in windows around each keyword.
const LONG_LINE: usize = 4096;
/// Room a match needs after its keyword inside a long line's window.
const WINDOW_MARGIN: usize = 1024;
/// How far a multi-line rule (PEM block) may extend past its first line.
const MULTILINE_WINDOW: usize = 40 * 1024;
/// Length of a keywarden key's secret and checksum (43 + 6).
const KEY_TAIL: usize = keywarden_core::key::SECRET_LEN + keywarden_core::key::CHECKSUM_LEN;

/// What the rules need to know of the buffer being scanned.
struct Place<'a> {
    /// Its path as shown.
    path: &'a str,
    /// A lock file: the generic rule does not run.
    lock_file: bool,
    /// Betterleaks' prefilter holds for the path: imported rules do not run.
    skip_imported: bool,
}

/// A finding inside one buffer, before it is given a path and a commit.
#[derive(Debug, Clone)]
pub struct Match {
    /// Index of the rule in [`Scanner::rules`].
    pub rule: usize,
    /// 1-based line in the buffer.
    pub line: usize,
    /// 1-based column (characters) of the secret's start.
    pub column: usize,
    /// 1-based column past the secret's end on its first line.
    pub end_column: usize,
    /// The secret.
    pub secret: Secret,
    /// Proved real by a checksum.
    pub verified: bool,
    /// For a secret fingerprinted by its line
    /// ([`finding::fingerprints_by_line`]): that line with the secret cut
    /// out; empty otherwise. Held like a secret: the line may hold others.
    pub context: Secret,
    /// Found in decoded text: the encodings undone, outermost first
    /// (`base64`, `base64 → percent`). The position is the encoded text's.
    pub decoded: Option<String>,
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    rule: usize,
    start: usize,
    end: usize,
    verified: bool,
    /// A gitleaks allowlist drops it (never set on a verified candidate).
    allowed: bool,
    /// Found in decoded text: its index among the scan's [`DecodedSecret`]s
    /// (`start..end` is then the encoded text's span).
    decoded: Option<u32>,
}

/// A secret found in decoded text, and the encodings undone.
#[derive(Debug, Default)]
struct DecodedSecret {
    secret: String,
    chain: String,
}

/// What one buffer holds: the matches to report, and how many more an
/// allowlist or a `keywarden:allow` comment suppressed.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Scanned {
    /// The matches to report.
    pub matches: Vec<Match>,
    /// Matches an allowlist (`.keywarden.toml`'s or an imported gitleaks
    /// one) or an inline `keywarden:allow` comment suppressed. A
    /// checksum-verified match is never among them.
    pub allowlisted: usize,
}

/// Every rule compiled once; cheap to share between threads (`Sync`).
#[derive(Debug)]
pub struct Scanner {
    rules: Vec<Rule>,
    /// Every rule's keywords.
    keywords: Keywords,
    /// The keywords of the checksum rules alone ([`Rule::checksum_verified`]),
    /// for [`Scanner::scan_verified`].
    verified_keywords: Keywords,
    keywarden: Option<usize>,
    tracked_file: Option<usize>,
    pkcs12: Option<usize>,
    allow_paths: GlobSet,
    allow_regexes: Vec<regex::Regex>,
    allow_values: HashSet<String>,
    max_file_size: u64,
    archives: crate::config::Archives,
    max_archive_size: u64,
    fingerprint_key: FingerprintKey,
    /// Rules without keywords (imported): their regexes run over whole buffers.
    fulltext: Vec<usize>,
    /// Global allowlists of an imported gitleaks configuration.
    allowlists: Vec<crate::gitleaks::Allowlist>,
    /// Betterleaks' global filter, over imported rules' matches.
    imported_filter: Option<Filter>,
    /// Betterleaks' global prefilter: imported rules skip such paths.
    imported_prefilter: Option<Filter>,
    /// Some rule is a component only or a composite.
    composites: bool,
    notes: Vec<String>,
    warnings: Vec<String>,
    /// The vault's digests, and the index in `rules` of its first label's
    /// rule (the others follow in label order).
    vault: Option<(VaultIndex, usize)>,
    /// How many encodings deep decoded text is searched (0: not at all).
    decode_depth: u8,
}

impl Scanner {
    /// Builds the scanner: built-in rules minus the disabled ones, plus the
    /// custom rules, the allowlists and the settings of `config`. A rule
    /// whose findings are checksum-verified cannot be disabled: it stays
    /// on, and [`Scanner::warnings`] says so.
    pub fn new(config: &Config) -> Result<Self, ScanError> {
        let mut rules = rules::builtin(config.min_entropy)?;
        let mut warnings = Vec::new();
        for (i, id) in config.disable.iter().enumerate() {
            let Some(rule) = rules.iter().find(|r| &r.id == id) else {
                return Err(ScanError::Rule {
                    id: id.clone(),
                    message: "cannot disable it: there is no built-in rule with this id".into(),
                });
            };
            if rule.checksum_verified() && !config.disable[..i].contains(id) {
                warnings.push(format!(
                    "`[scan] disable` lists {id}, whose findings are keys proved real by their \
                     checksum: it stays on. No configuration file hides a checksum-verified key; \
                     record a known one with --write-baseline"
                ));
            }
        }
        rules.retain(|r| r.checksum_verified() || !config.disable.contains(&r.id));
        for custom in &config.rules {
            if rules.iter().any(|r| r.id == custom.id) {
                return Err(ScanError::Rule {
                    id: custom.id.clone(),
                    message: "a rule with this id already exists".into(),
                });
            }
            if custom.id.starts_with(rules::VAULT_RULE_PREFIX) {
                return Err(ScanError::Rule {
                    id: custom.id.clone(),
                    message: format!(
                        "ids beginning `{}` name the vault's values",
                        rules::VAULT_RULE_PREFIX
                    ),
                });
            }
            let check = match custom.min_entropy {
                Some(min) => Check::Entropy(min),
                None => Check::None,
            };
            rules.push(Rule::regex(
                &custom.id,
                custom.description.as_deref().unwrap_or("custom rule"),
                custom.severity.unwrap_or(crate::finding::Severity::High),
                custom.keywords.clone(),
                &custom.regex,
                check,
            )?);
        }

        let mut notes = Vec::new();
        Self::add_imported(config, &mut rules, &mut notes, &mut warnings)?;
        let fulltext: Vec<usize> = rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.kind == RuleKind::Regex && r.keywords.is_empty())
            .map(|(i, _)| i)
            .collect();

        let keywords = Keywords::new(&rules, |_| true)?;
        let verified_keywords = Keywords::new(&rules, Rule::checksum_verified)?;

        let mut globs = GlobSetBuilder::new();
        for pattern in &config.allow_paths {
            let glob = Glob::new(pattern).map_err(|e| ScanError::Rule {
                id: "allowlist.paths".into(),
                message: format!("bad glob {pattern:?}: {e}"),
            })?;
            globs.add(glob);
        }
        let allow_paths = globs.build().map_err(|e| ScanError::Rule {
            id: "allowlist.paths".into(),
            message: e.to_string(),
        })?;
        let allow_regexes = config
            .allow_regexes
            .iter()
            .map(|r| {
                regex::Regex::new(r).map_err(|e| ScanError::Rule {
                    id: "allowlist.regexes".into(),
                    message: format!("bad regex {r:?}: {e}"),
                })
            })
            .collect::<Result<_, _>>()?;

        let composites = rules.iter().any(|r| !r.report || !r.components.is_empty());
        Ok(Self {
            keywarden: rules.iter().position(|r| r.kind == RuleKind::KeywardenKey),
            tracked_file: rules.iter().position(|r| r.kind == RuleKind::TrackedFile),
            pkcs12: rules.iter().position(|r| r.kind == RuleKind::Pkcs12File),
            rules,
            keywords,
            verified_keywords,
            allow_paths,
            allow_regexes,
            allow_values: config.allow_values.iter().cloned().collect(),
            max_file_size: config.max_file_size,
            archives: config.archives,
            max_archive_size: config.max_archive_size,
            fingerprint_key: config.fingerprint_key.clone(),
            fulltext,
            allowlists: config.gitleaks_allowlists.clone(),
            imported_filter: config.gitleaks_filter.clone(),
            imported_prefilter: config.gitleaks_prefilter.clone(),
            composites,
            notes,
            warnings,
            vault: None,
            decode_depth: config.decode_depth,
        })
    }

    /// Compiles the imported rules into `rules`: renamed when a keywarden
    /// rule has the id (a note says so), skipped with a warning when the
    /// regex is too big or a required component rule is missing, and their
    /// components resolved to indices.
    fn add_imported(
        config: &Config,
        rules: &mut Vec<Rule>,
        notes: &mut Vec<String>,
        warnings: &mut Vec<String>,
    ) -> Result<(), ScanError> {
        let mut built: Vec<(usize, Rule)> = Vec::new();
        let mut too_big = Vec::new();
        for (i, imported) in config.gitleaks_rules.iter().enumerate() {
            let mut id = imported.id.clone();
            if rules.iter().any(|r| r.id == id) || id.starts_with(rules::VAULT_RULE_PREFIX) {
                id = format!("gitleaks:{id}");
                notes.push(format!(
                    "gitleaks rule {} is named {id}: a keywarden rule has its id",
                    imported.id
                ));
            }
            if rules
                .iter()
                .chain(built.iter().map(|(_, r)| r))
                .any(|r| r.id == id)
            {
                return Err(ScanError::Rule {
                    id,
                    message: "a rule with this id already exists".into(),
                });
            }
            match Rule::imported(imported, &id) {
                Ok(rule) => built.push((i, rule)),
                Err(ScanError::RegexTooBig { id, .. }) => too_big.push(id),
                Err(e) => return Err(e),
            }
        }
        if !too_big.is_empty() {
            warnings.push(format!(
                "{} imported rules were skipped: their regex compiles past the size limit ({})",
                too_big.len(),
                too_big.join(", ")
            ));
        }
        // A composite rule whose required component is missing can never
        // be reported; removing it may remove another's component.
        let mut missing = Vec::new();
        loop {
            let present: HashSet<&str> = built
                .iter()
                .map(|(i, _)| config.gitleaks_rules[*i].id.as_str())
                .collect();
            let gone: Vec<usize> = built
                .iter()
                .enumerate()
                .filter(|(_, (i, _))| {
                    config.gitleaks_rules[*i]
                        .components
                        .iter()
                        .any(|c| !present.contains(c.id.as_str()))
                })
                .map(|(n, _)| n)
                .collect();
            if gone.is_empty() {
                break;
            }
            for n in gone.into_iter().rev() {
                missing.push(built.remove(n).1.id);
            }
        }
        if !missing.is_empty() {
            missing.sort();
            warnings.push(format!(
                "{} composite rules were skipped: a component rule they require is missing or was skipped ({})",
                missing.len(),
                missing.join(", ")
            ));
        }
        let first = rules.len();
        let index: std::collections::HashMap<&str, usize> = built
            .iter()
            .enumerate()
            .map(|(n, (i, _))| (config.gitleaks_rules[*i].id.as_str(), first + n))
            .collect();
        for (i, mut rule) in built {
            rule.components = config.gitleaks_rules[i]
                .components
                .iter()
                .filter_map(|c| index.get(c.id.as_str()).map(|&at| (at, c.within_lines)))
                .collect();
            rules.push(rule);
        }
        Ok(())
    }

    /// This scanner, also finding the values of `vault` ([`crate::vault`]):
    /// a rule `vault:<label>` (severity high, [`rules::VAULT_DESCRIPTION`])
    /// is added to [`Scanner::rules`] for each of [`VaultIndex::labels`], in
    /// that order, and its hits are findings like any rule's. A vault given
    /// before is replaced.
    pub fn with_vault(mut self, vault: VaultIndex) -> Self {
        if let Some((_, first)) = self.vault.take() {
            self.rules.truncate(first);
        }
        let first = self.rules.len();
        self.rules
            .extend(vault.labels().iter().map(|label| Rule::vault(label)));
        self.vault = Some((vault, first));
        self
    }

    /// The vault this scanner searches for, if any.
    pub fn vault(&self) -> Option<&VaultIndex> {
        self.vault.as_ref().map(|(v, _)| v)
    }

    /// The rules, in the order [`Match::rule`] indexes.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// What building the scanner changed that its user should know (an
    /// imported rule renamed), one sentence each.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// What the configuration asked for and did not get because it would
    /// hide checksum-verified keys (a checksum rule in `[scan] disable`),
    /// one sentence each: a repository's file tried to, and its user should
    /// know.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The key this scanner derives fingerprints under.
    pub fn fingerprint_key(&self) -> &FingerprintKey {
        &self.fingerprint_key
    }

    /// Files over this size are skipped.
    pub fn max_file_size(&self) -> u64 {
        self.max_file_size
    }

    /// Files (and diffs) up to this size are searched for checksum-verified
    /// keys even over [`Scanner::max_file_size`]: a configuration may raise
    /// the limit, but lowering it below the default
    /// ([`crate::config::DEFAULT_MAX_FILE_SIZE`]) narrows only the full
    /// scan (`max_file_size = 1` in a repository's `.keywarden.toml` would
    /// otherwise skip every file).
    pub fn verified_max_file_size(&self) -> u64 {
        self.max_file_size.max(crate::config::DEFAULT_MAX_FILE_SIZE)
    }

    /// What a tree scan does with the archives it finds.
    pub fn archives(&self) -> crate::config::Archives {
        self.archives
    }

    /// Archives over this size are not opened.
    pub fn max_archive_size(&self) -> u64 {
        self.max_archive_size
    }

    /// Archives up to this size are opened and searched for
    /// checksum-verified keys even over [`Scanner::max_archive_size`], as
    /// [`Scanner::verified_max_file_size`] does for files; it is also the
    /// most one archive expands to, its nested archives included.
    pub fn verified_max_archive_size(&self) -> u64 {
        self.max_archive_size
            .max(crate::config::DEFAULT_MAX_ARCHIVE_SIZE)
    }

    /// Whether `path` (relative to the scan root, `/`-separated) is
    /// allowlisted by `[allowlist] paths`: its findings are suppressed,
    /// except checksum-verified ones.
    pub fn path_allowed(&self, path: &str) -> bool {
        !self.allow_paths.is_empty() && self.allow_paths.is_match(path.trim_start_matches("./"))
    }

    /// Whether the secret is allowlisted by value or regex.
    fn value_allowed(&self, secret: &str) -> bool {
        self.allow_values.contains(secret) || self.allow_regexes.iter().any(|r| r.is_match(secret))
    }

    /// A `secrets-file-tracked` finding for `path` if its name is a secrets
    /// file and the rule is on. The caller applies the path allowlist.
    pub fn tracked_file_finding(
        &self,
        path: &str,
        commit: Option<std::sync::Arc<CommitInfo>>,
    ) -> Option<Finding> {
        let rule = &self.rules[self.tracked_file?];
        if !rules::is_secrets_file(path) {
            return None;
        }
        Some(Finding {
            rule_id: rule.id.as_str().into(),
            description: rule.description.as_str().into(),
            severity: rule.severity,
            path: path.to_owned(),
            line: 1,
            column: 1,
            end_column: 1,
            secret: Secret::new(String::new()),
            verified_checksum: false,
            confidence: rule.confidence(),
            decoded: None,
            fingerprint: fingerprint(&self.fingerprint_key, &rule.id, path, "", ""),
            commit,
            status: None,
            baselined: false,
        })
    }

    /// A `pkcs12-file` finding for a file whose content is a PKCS#12 key
    /// store (binary files are otherwise skipped), unless the rule is off.
    /// The caller applies the path allowlist.
    pub fn binary_file_finding(&self, path: &str, buf: &[u8]) -> Option<Finding> {
        let rule = &self.rules[self.pkcs12?];
        if !rules::is_pkcs12(buf) {
            return None;
        }
        Some(Finding {
            rule_id: rule.id.as_str().into(),
            description: rule.description.as_str().into(),
            severity: rule.severity,
            path: path.to_owned(),
            line: 1,
            column: 1,
            end_column: 1,
            secret: Secret::new(String::new()),
            verified_checksum: false,
            confidence: rule.confidence(),
            decoded: None,
            fingerprint: fingerprint(&self.fingerprint_key, &rule.id, path, "", ""),
            commit: None,
            status: None,
            baselined: false,
        })
    }

    /// Turns a [`Match`] into a [`Finding`] at `path` (and `commit`).
    pub fn finding(
        &self,
        m: Match,
        path: &str,
        commit: Option<std::sync::Arc<CommitInfo>>,
    ) -> Finding {
        let rule = &self.rules[m.rule];
        Finding {
            rule_id: rule.id.as_str().into(),
            description: rule.description.as_str().into(),
            severity: rule.severity,
            path: path.to_owned(),
            line: m.line,
            column: m.column,
            end_column: m.end_column,
            fingerprint: fingerprint(
                &self.fingerprint_key,
                &rule.id,
                path,
                m.secret.expose(),
                m.context.expose(),
            ),
            secret: m.secret,
            verified_checksum: m.verified,
            confidence: if m.verified {
                crate::Confidence::High
            } else {
                rule.confidence()
            },
            decoded: m.decoded,
            commit,
            status: None,
            baselined: false,
        }
    }

    /// [`Scanner::finding`] for each of `matches`, on every core when there
    /// are many: a fingerprint stretches its secret (4096 HMACs), so a file
    /// of thousands of findings is bound by it, not by the matching.
    pub fn findings(
        &self,
        matches: Vec<Match>,
        path: &str,
        commit: Option<std::sync::Arc<CommitInfo>>,
    ) -> Vec<Finding> {
        const PER_THREAD: usize = 64;
        let threads = std::thread::available_parallelism()
            .map_or(1, std::num::NonZeroUsize::get)
            .min(matches.len() / PER_THREAD);
        if threads <= 1 {
            return matches
                .into_iter()
                .map(|m| self.finding(m, path, commit.clone()))
                .collect();
        }
        let per = matches.len().div_ceil(threads);
        let mut chunks: Vec<Vec<Match>> = Vec::with_capacity(threads);
        let mut rest = matches;
        while rest.len() > per {
            let tail = rest.split_off(per);
            chunks.push(rest);
            rest = tail;
        }
        chunks.push(rest);
        std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .into_iter()
                .map(|chunk| {
                    let commit = commit.clone();
                    scope.spawn(move || {
                        chunk
                            .into_iter()
                            .map(|m| self.finding(m, path, commit.clone()))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        })
    }

    /// Whether a gitleaks allowlist (the rule's own, or a global one that
    /// targets it or every rule) lists this commit for findings of rule
    /// `rule_id`. The caller keeps checksum-verified findings.
    pub fn commit_allowed(&self, rule_id: &str, commit: &str) -> bool {
        self.rules
            .iter()
            .filter(|r| r.id == rule_id)
            .flat_map(|r| &r.allowlists)
            .chain(&self.allowlists)
            .any(|a| a.allows_commit(rule_id, commit))
    }

    /// Scans one buffer (a file, an added-lines buffer, a stdin chunk):
    /// the matches to report. `path` decides lock-file handling and the
    /// path allowlist.
    pub fn scan(&self, path: &str, buf: &[u8]) -> Vec<Match> {
        self.scan_counted(path, buf, self.path_allowed(path))
            .matches
    }

    /// [`Scanner::scan`], counting what allowlists suppressed, with the
    /// path allowlist's answer given (a tree walk asks it of the path both
    /// as shown and under its root). An allowlisted path is still scanned:
    /// allowlists never suppress a checksum-verified match.
    pub fn scan_counted(&self, path: &str, buf: &[u8], path_allowed: bool) -> Scanned {
        let mut cands = self.candidates(path, buf, &self.keywords, &self.fulltext);
        if self.composites {
            self.keep_composites(buf, &mut cands);
        }
        self.vault_candidates(path, buf, &mut cands);
        let mut decoded = Vec::new();
        if self.decode_depth > 0 {
            self.decoded_candidates(path, buf, (0, buf.len()), 1, &mut cands, &mut decoded);
        }
        if cands.is_empty() {
            return Scanned::default();
        }
        self.finish(buf, cands, &decoded, path_allowed)
    }

    /// The candidates of `buf[within]`'s decoded pieces ([`decode::segments`]),
    /// each scanned in its line with every rule and the vault, and decoded
    /// again while `depth` is under the configured depth. Each is placed at
    /// its encoded text; its secret and chain go to `secrets`.
    fn decoded_candidates(
        &self,
        path: &str,
        buf: &[u8],
        within: (usize, usize),
        depth: u8,
        out: &mut Vec<Candidate>,
        secrets: &mut Vec<DecodedSecret>,
    ) {
        decode::segments(buf, within, |piece| {
            let text = &piece.text;
            let mut inner = self.candidates(path, text, &self.keywords, &self.fulltext);
            self.vault_candidates(path, text, &mut inner);
            let mut inner_secrets = Vec::new();
            if depth < self.decode_depth {
                self.decoded_candidates(
                    path,
                    text,
                    piece.region,
                    depth + 1,
                    &mut inner,
                    &mut inner_secrets,
                );
            }
            let encoding = piece.encoding.as_str();
            for c in inner {
                // What the plain scan also found here, it keeps (ranked first).
                let Some((start, end)) = piece.source(c.start, c.end) else {
                    continue;
                };
                let found = match c.decoded {
                    Some(i) => {
                        let DecodedSecret { secret, chain } =
                            std::mem::take(&mut inner_secrets[i as usize]);
                        DecodedSecret {
                            secret,
                            chain: format!("{encoding} → {chain}"),
                        }
                    }
                    None => DecodedSecret {
                        secret: String::from_utf8_lossy(&text[c.start..c.end]).into_owned(),
                        chain: encoding.to_owned(),
                    },
                };
                let Ok(index) = u32::try_from(secrets.len()) else {
                    return;
                };
                secrets.push(found);
                out.push(Candidate {
                    start,
                    end,
                    decoded: Some(index),
                    ..c
                });
            }
        });
    }

    /// Drops the candidates of component-only rules (Betterleaks'
    /// `skipReport`), and those of composite rules whose required
    /// components have no candidate in the buffer (near enough, when the
    /// component says how near). Linear in the buffer and n log n in the
    /// candidates: a file full of matches costs no more than scanning it.
    fn keep_composites(&self, buf: &[u8], cands: &mut Vec<Candidate>) {
        let special = |c: &Candidate| {
            let r = &self.rules[c.rule];
            !r.report || !r.components.is_empty()
        };
        if !cands.iter().any(special) {
            return;
        }
        // The line of each candidate, in one pass over the buffer.
        let mut order: Vec<usize> = (0..cands.len()).collect();
        order.sort_by_key(|&i| cands[i].start);
        let mut lines = vec![0usize; cands.len()];
        let (mut at, mut line) = (0, 0);
        for &i in &order {
            let start = cands[i].start.max(at);
            line += memchr::memchr_iter(b'\n', &buf[at..start]).count();
            at = start;
            lines[i] = line;
        }
        // Each rule's candidate lines, ascending.
        let mut by_rule: std::collections::HashMap<usize, Vec<usize>> =
            std::collections::HashMap::new();
        for &i in &order {
            by_rule.entry(cands[i].rule).or_default().push(lines[i]);
        }
        let near = |component: usize, within: Option<usize>, line: usize| {
            by_rule.get(&component).is_some_and(|ls| match within {
                None => true,
                Some(n) => {
                    let first = ls.partition_point(|&l| l < line.saturating_sub(n));
                    ls.get(first).is_some_and(|&l| l <= line.saturating_add(n))
                }
            })
        };
        let keep: Vec<bool> = cands
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let rule = &self.rules[c.rule];
                rule.report
                    && rule
                        .components
                        .iter()
                        .all(|&(component, within)| near(component, within, lines[i]))
            })
            .collect();
        let mut keep = keep.into_iter();
        cands.retain(|_| keep.next().unwrap_or(false));
    }

    /// The matches of a file a `.keywardenignore` keeps out of the scan:
    /// checksum-verified keys only, found by the checksum rules alone (the
    /// keywarden-key pass and the GitHub and npm keywords), so an ignored
    /// tree costs little more than reading it. A repository's ignore file
    /// never hides a verified key.
    pub fn scan_verified(&self, path: &str, buf: &[u8]) -> Vec<Match> {
        let cands = self.candidates(path, buf, &self.verified_keywords, &[]);
        if cands.is_empty() {
            return Vec::new();
        }
        let mut matches = self.finish(buf, cands, &[], false).matches;
        // The checksum rules find nothing else; kept explicit all the same.
        matches.retain(|m| m.verified);
        matches
    }

    /// The vault's hits in `buf`, if the scanner has a vault.
    fn vault_candidates(&self, path: &str, buf: &[u8], out: &mut Vec<Candidate>) {
        let Some((vault, first)) = &self.vault else {
            return;
        };
        vault.find_each(buf, |label, start, end| {
            let rule = first + label;
            // An imported gitleaks allowlist that targets every rule (or
            // this one) applies as to any rule's finding.
            let allowed = !self.allowlists.is_empty()
                && std::str::from_utf8(&buf[start..end]).is_ok_and(|secret| {
                    self.imported_allowed(&self.rules[rule], secret, buf, start, end, path)
                });
            out.push(Candidate {
                rule,
                start,
                end,
                verified: false,
                allowed,
                decoded: None,
            });
        });
    }

    /// Every candidate in `buf`: the keywarden-key pass, the rules the
    /// `keywords` trigger on their lines, and `fulltext` rules over the
    /// whole buffer.
    fn candidates(
        &self,
        path: &str,
        buf: &[u8],
        keywords: &Keywords,
        fulltext: &[usize],
    ) -> Vec<Candidate> {
        let place = Place {
            path,
            lock_file: rules::is_lock_file(path),
            skip_imported: self.imported_prefilter.as_ref().is_some_and(|f| {
                f.eval(&Subject {
                    path,
                    ..Subject::default()
                })
            }),
        };
        let mut cands = Vec::new();
        if let Some(rule) = self.keywarden {
            find_keywarden_keys(buf, |start, end| {
                cands.push(Candidate {
                    rule,
                    start,
                    end,
                    verified: true,
                    allowed: false,
                    decoded: None,
                });
            });
        }
        let hits: Option<Box<dyn Iterator<Item = Hit>>> =
            match (&keywords.packed, &keywords.automaton) {
                (Some(packed), _) => Some(Box::new(
                    packed
                        .find_iter(buf)
                        .map(|m| Hit::new(m.start(), m.pattern().as_usize())),
                )),
                (None, Some(dfa)) => Some(Box::new(
                    keyword_hits(dfa, keywords.longest, buf).into_iter(),
                )),
                (None, None) => None,
            };
        if let Some(hits) = hits {
            let mut seg: Option<(usize, usize)> = None;
            let mut seg_rules: Vec<usize> = Vec::new();
            for hit in hits {
                // A keyword that begins with a line break (`\ndata:\n`)
                // is about the line after it.
                let p = hit.start + usize::from(buf[hit.start] == b'\n');
                // A hit near the cut end of a long line's window starts a new
                // window, so the match after it is not cut short.
                let inside = matches!(seg, Some((s, e))
                    if p >= s && p < e && (e == buf.len() || buf[e] == b'\n' || p + WINDOW_MARGIN < e));
                if !inside {
                    if let Some((s, e)) = seg {
                        self.run_segment(buf, s, e, &mut seg_rules, &place, &mut cands);
                    }
                    seg = Some(segment_around(buf, p));
                }
                seg_rules.extend_from_slice(&keywords.rules[hit.pattern]);
            }
            if let Some((s, e)) = seg {
                self.run_segment(buf, s, e, &mut seg_rules, &place, &mut cands);
            }
        }
        for &ri in fulltext {
            let mut one = vec![ri];
            self.run_segment(buf, 0, buf.len(), &mut one, &place, &mut cands);
        }
        cands
    }

    fn run_segment(
        &self,
        buf: &[u8],
        seg_start: usize,
        seg_end: usize,
        seg_rules: &mut Vec<usize>,
        place: &Place<'_>,
        out: &mut Vec<Candidate>,
    ) {
        let path = place.path;
        seg_rules.sort_unstable();
        seg_rules.dedup();
        for &ri in seg_rules.iter() {
            let rule = &self.rules[ri];
            if rule.generic && place.lock_file {
                continue;
            }
            if rule.imported && place.skip_imported {
                continue;
            }
            if rule.path.as_ref().is_some_and(|p| !p.is_match(path)) {
                continue;
            }
            let Some(regex) = &rule.regex else { continue };
            let window_end = if rule.multiline {
                buf.len().min(seg_start + MULTILINE_WINDOW)
            } else {
                seg_end
            };
            let window = &buf[seg_start..window_end];
            let secret_group = regex.capture_names().position(|n| n == Some("secret"));
            for caps in regex.captures_iter(window) {
                let Some(whole) = caps.get(0) else { continue };
                if rule.multiline && whole.start() >= seg_end - seg_start {
                    break;
                }
                let m = match rule.secret_group {
                    Some(g) => match caps.get(g) {
                        Some(m) => m,
                        None => continue,
                    },
                    // gitleaks and Betterleaks: the first group that matched
                    // something, when the regex has groups.
                    None if rule.imported => caps
                        .iter()
                        .skip(1)
                        .flatten()
                        .find(|g| !g.is_empty())
                        .unwrap_or(whole),
                    None => secret_group.and_then(|g| caps.get(g)).unwrap_or(whole),
                };
                let (start, end) = (seg_start + m.start(), seg_start + m.end());
                let Ok(secret) = std::str::from_utf8(&buf[start..end]) else {
                    continue;
                };
                if rule.generic {
                    let quote = caps.name("quote").map_or(&b""[..], |q| q.as_bytes());
                    // The whole identifier (`NextToken`, not `Token`) and the byte before it.
                    let (name, before, call) = match caps.name("name") {
                        Some(n) => {
                            let mut from = n.start();
                            while from > 0
                                && (window[from - 1].is_ascii_alphanumeric()
                                    || matches!(window[from - 1], b'_' | b'.' | b'-'))
                            {
                                from -= 1;
                            }
                            let before = from.checked_sub(1).map(|i| window[i]);
                            // `f("name", …`: the name is a call's first argument.
                            let call = window[..from.saturating_sub(1)]
                                .trim_ascii_end()
                                .ends_with(b"(");
                            (&window[from..n.end()], before, call)
                        }
                        None => (&b""[..], None, false),
                    };
                    // `"name", "value"` assigns only as a call's first two
                    // arguments (`System.setProperty("db.password", …)`),
                    // not in a list of names.
                    if caps.name("op2").is_some() && !call {
                        continue;
                    }
                    let line_end =
                        memchr::memchr(b'\n', &buf[end..seg_end]).map_or(seg_end, |i| end + i);
                    let xml = caps.name("op").is_some_and(|o| o.as_bytes() == b">");
                    // `>` assigns only in an XML element: `<password>…`.
                    if xml && before != Some(b'<') {
                        continue;
                    }
                    if !generic_name_ok(name, before)
                        || !generic_value_ok(
                            secret,
                            quote,
                            &buf[end..line_end],
                            xml,
                            literal_values(path),
                        )
                    {
                        continue;
                    }
                    // A UUID under a token's name is an id (AWS's
                    // `ClientToken`, idempotency and request tokens); under
                    // a key's or secret's name it may be a credential.
                    if is_uuid(secret)
                        && name.to_ascii_lowercase().windows(5).any(|w| w == b"token")
                    {
                        continue;
                    }
                }
                if !rule.generic
                    && let Some(n) = caps.name("name")
                {
                    // A provider's name next to a value: the same name
                    // tests as the generic rule (`cf_zone_id` names no secret).
                    let own = &window[n.start()..n.end()];
                    let before = n.start().checked_sub(1).map(|i| window[i]);
                    if !name_ok(own, before, false) {
                        continue;
                    }
                }
                if rule.check == Check::Password && example_host(whole.as_bytes()) {
                    continue;
                }
                if rule.check == Check::KubernetesSecret && !kubernetes_secret(whole.as_bytes()) {
                    continue;
                }
                // A Secret's data block holds a value per key: the regex
                // finds the first, the rest of the block follows it.
                let mut spans = vec![(start, end)];
                if rule.check == Check::KubernetesSecret {
                    spans.extend(kubernetes_more_values(buf, end));
                }
                for (start, end) in spans {
                    let Ok(secret) = std::str::from_utf8(&buf[start..end]) else {
                        continue;
                    };
                    let verified = match rule.check.run(secret) {
                        Verdict::Reject => continue,
                        Verdict::Accept => false,
                        Verdict::Verified => true,
                    };
                    if !verified && validate::is_placeholder(secret) {
                        continue;
                    }
                    // Shaped like a keywarden key but with a wrong checksum: no
                    // rule's finding, a custom or imported one included (the
                    // rule `export-rules` writes for gitleaks cannot check it).
                    if !verified && matches!(key::parse(secret), Err(key::ParseError::BadChecksum))
                    {
                        continue;
                    }
                    if !verified
                        && rule.imported
                        && self.filtered_out(
                            rule,
                            secret,
                            buf,
                            seg_start + whole.start(),
                            seg_start + whole.end(),
                            path,
                        )
                    {
                        continue;
                    }
                    // A checksum-verified secret is real: no repository's
                    // allowlist hides it (only a baseline entry does).
                    let allowed = !verified
                        && (!rule.allowlists.is_empty() || !self.allowlists.is_empty())
                        && self.imported_allowed(
                            rule,
                            secret,
                            buf,
                            seg_start + whole.start(),
                            seg_start + whole.end(),
                            path,
                        );
                    out.push(Candidate {
                        rule: ri,
                        start,
                        end,
                        verified,
                        allowed,
                        decoded: None,
                    });
                }
            }
        }
        seg_rules.clear();
    }

    /// Whether Betterleaks' filter (the rule's or the global one) drops
    /// this match of an imported rule (`start..end`: the whole match).
    fn filtered_out(
        &self,
        rule: &Rule,
        secret: &str,
        buf: &[u8],
        start: usize,
        end: usize,
        path: &str,
    ) -> bool {
        if rule.filter.is_none() && self.imported_filter.is_none() {
            return false;
        }
        // The line the match starts on.
        let (whole, line) = match_and_line(buf, start, end, start);
        let subject = Subject {
            secret,
            whole: &whole,
            line: &line,
            path,
        };
        rule.filter
            .iter()
            .chain(&self.imported_filter)
            .any(|f| f.eval(&subject))
    }

    /// Whether a gitleaks allowlist (the rule's or a global one) drops
    /// this match.
    fn imported_allowed(
        &self,
        rule: &Rule,
        secret: &str,
        buf: &[u8],
        start: usize,
        end: usize,
        path: &str,
    ) -> bool {
        // Every line the match spans.
        let (whole, line) = match_and_line(buf, start, end, end);
        rule.allowlists
            .iter()
            .chain(&self.allowlists)
            .any(|a| a.allows(&rule.id, secret, &whole, &line, path))
    }

    /// Filters, de-duplicates and locates candidates; with `path_allowed`
    /// every candidate but the checksum-verified ones is suppressed, and so
    /// is every other one on a line holding [`ALLOW_MARKER`].
    fn finish(
        &self,
        buf: &[u8],
        mut cands: Vec<Candidate>,
        decoded: &[DecodedSecret],
        path_allowed: bool,
    ) -> Scanned {
        // Better first at equal start: not allowlisted (another rule's
        // finding of the span stands), verified, a vault value (it names
        // the very secret), specific (not generic), more severe, plain (a
        // rule that matched the text as it stands keeps its finding, and a
        // baseline its fingerprint) unless it is a Kubernetes Secret's
        // value, whose decoding names what it holds.
        let vault = |c: &Candidate| self.rules[c.rule].kind == RuleKind::Vault;
        let rank = |c: &Candidate| {
            let r = &self.rules[c.rule];
            (
                c.allowed,
                !c.verified,
                !vault(c),
                r.generic,
                std::cmp::Reverse(r.severity),
                match (r.check == Check::KubernetesSecret, c.decoded.is_some()) {
                    (false, false) => 0,
                    (_, true) => 1,
                    (true, false) => 2,
                },
            )
        };
        let secret_of = |c: &Candidate| -> std::borrow::Cow<'_, str> {
            match c.decoded {
                Some(i) => std::borrow::Cow::Borrowed(decoded[i as usize].secret.as_str()),
                None => String::from_utf8_lossy(&buf[c.start..c.end]),
            }
        };
        // Two secrets of one decoded piece (a base64 `.env` file holds
        // several) share its span: both stand unless one holds the other.
        let distinct_decoded = |a: &Candidate, b: &Candidate| {
            a.decoded.is_some() && b.decoded.is_some() && {
                let (x, y) = (secret_of(a), secret_of(b));
                !x.contains(&*y) && !y.contains(&*x)
            }
        };
        cands.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| rank(a).cmp(&rank(b))));
        let mut kept: Vec<Candidate> = Vec::with_capacity(cands.len());
        for c in cands {
            let mut replace = None;
            let mut drop = false;
            for (i, k) in kept.iter().enumerate().rev() {
                if k.end <= c.start {
                    // Kept candidates are sorted by start; earlier ones may
                    // still overlap when long, so look a little further.
                    if c.start.saturating_sub(k.end) > MULTILINE_WINDOW {
                        break;
                    }
                    continue;
                }
                // Two vault values overlapping (one value under two
                // labels, a password inside a stored URL): both stand.
                if vault(&c) && vault(k) || distinct_decoded(&c, k) {
                    continue;
                }
                // Overlap: keep the better one.
                if rank(&c) < rank(k) {
                    replace = Some(i);
                } else {
                    drop = true;
                }
                break;
            }
            match (drop, replace) {
                (true, _) => {}
                (false, Some(i)) => kept[i] = c,
                (false, None) => kept.push(c),
            }
        }
        kept.sort_by_key(|c| c.start);
        let spans: Vec<(usize, usize)> = kept.iter().map(|c| (c.start, c.end)).collect();

        let mut out = Scanned {
            matches: Vec::with_capacity(kept.len()),
            allowlisted: 0,
        };
        let (mut line, mut at) = (1usize, 0usize);
        for c in kept {
            let secret = secret_of(&c).into_owned();
            if c.verified && validate::is_documented_example(&secret) {
                continue;
            }
            let line_start = memchr::memrchr(b'\n', &buf[..c.start]).map_or(0, |i| i + 1);
            let line_end =
                memchr::memchr(b'\n', &buf[c.start..]).map_or(buf.len(), |i| c.start + i);
            // A checksum proves the key real: neither an inline comment nor
            // an allowlist, both the repository's word, hides it.
            if !c.verified
                && (c.allowed
                    || path_allowed
                    || self.value_allowed(&secret)
                    || memmem::find(&buf[line_start..line_end], ALLOW_MARKER).is_some())
            {
                out.allowlisted += 1;
                continue;
            }
            line += memchr::memchr_iter(b'\n', &buf[at..c.start]).count();
            at = c.start;
            let context = if finding::fingerprints_by_line(&secret) {
                // The whole line even when the secret ends on a later one.
                let last_end =
                    memchr::memchr(b'\n', &buf[c.end..]).map_or(buf.len(), |i| c.end + i);
                line_without(buf, (line_start, last_end), (c.start, c.end), &spans)
            } else {
                String::new()
            };
            let column = char_count(&buf[line_start..c.start]) + 1;
            let first_line_end = c.end.min(line_end);
            let end_column = column + char_count(&buf[c.start..first_line_end]);
            out.matches.push(Match {
                rule: c.rule,
                line,
                column,
                end_column,
                secret: Secret::new(secret),
                verified: c.verified,
                context: Secret::new(context),
                decoded: c.decoded.map(|i| decoded[i as usize].chain.clone()),
            });
        }
        out
    }
}

/// A searcher for some rules' keywords (an Aho-Corasick automaton), and
/// for each of its patterns the rules that keyword triggers.
#[derive(Debug)]
struct Keywords {
    /// All occurrences, overlapping ones included ([`keyword_hits`]).
    automaton: Option<aho_corasick::dfa::DFA>,
    /// The longest keyword's length.
    longest: usize,
    /// When no keyword's occurrence can overlap another's ([`disjoint`]), a
    /// SIMD (Teddy) searcher finds the same occurrences, much faster than
    /// the automaton's own prefilter when the keywords begin with common
    /// letters, as the checksum rules' do (`ghp_`, …, `npm_`).
    packed: Option<aho_corasick::packed::Searcher>,
    rules: Vec<Vec<usize>>,
}

impl Keywords {
    /// The keywords of the rules `pick` chooses.
    fn new(rules: &[Rule], pick: impl Fn(&Rule) -> bool) -> Result<Self, ScanError> {
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_rules: Vec<Vec<usize>> = Vec::new();
        for (i, rule) in rules.iter().enumerate().filter(|(_, r)| pick(r)) {
            for kw in &rule.keywords {
                match patterns.iter().position(|p| p == kw) {
                    Some(p) => pattern_rules[p].push(i),
                    None => {
                        patterns.push(kw.clone());
                        pattern_rules.push(vec![i]);
                    }
                }
            }
        }
        if patterns.is_empty() {
            return Ok(Self {
                automaton: None,
                longest: 0,
                packed: None,
                rules: pattern_rules,
            });
        }
        let automaton = aho_corasick::dfa::Builder::new()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&patterns)
            .map_err(|e| ScanError::Rule {
                id: "(keywords)".into(),
                message: e.to_string(),
            })?;
        // Pattern ids follow the order added, as the automaton's do. None
        // without SIMD support or with too many patterns: the automaton.
        let packed = disjoint(&patterns)
            .then(|| {
                aho_corasick::packed::Config::new()
                    .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
                    .builder()
                    .extend(&patterns)
                    .build()
            })
            .flatten();
        Ok(Self {
            automaton: Some(automaton),
            longest: patterns.iter().map(String::len).max().unwrap_or(0),
            packed,
            rules: pattern_rules,
        })
    }
}

/// A keyword's occurrence: where it starts, and which keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Hit {
    start: usize,
    pattern: usize,
}

impl Hit {
    fn new(start: usize, pattern: usize) -> Self {
        Self { start, pattern }
    }
}

/// Below this many bytes a buffer is searched in one pass.
const TWO_WALKS_MIN: usize = 4096;

/// Every occurrence of `dfa`'s keywords in `buf`, overlapping ones
/// included, in the order they end (as an overlapping search reports them).
///
/// Each byte costs a transition whose address depends on the transition
/// before it, a wait on memory the processor cannot overlap within one
/// walk: so two walks go side by side, one over each half of the buffer,
/// and their loads overlap (1.85× the throughput of one walk on source
/// code, `benches/RESULTS.md`, "Keyword search"). The first half's walk
/// runs on past the middle by the longest keyword less one byte and keeps
/// only the occurrences that start before it; the second's starts there, so
/// every occurrence is found once.
fn keyword_hits(dfa: &aho_corasick::dfa::DFA, longest: usize, buf: &[u8]) -> Vec<Hit> {
    use aho_corasick::automaton::Automaton;
    let Ok(start) = dfa.start_state(aho_corasick::Anchored::No) else {
        return Vec::new();
    };
    let mut first = Vec::new();
    if buf.len() < TWO_WALKS_MIN || longest == 0 {
        let (mut at, mut sid) = (0, start);
        while walk_step(dfa, buf, &mut at, &mut sid, &mut first) {}
        return first;
    }
    let mid = buf.len() / 2;
    let a = &buf[..(mid + longest - 1).min(buf.len())];
    let b = &buf[mid..];
    let mut second = Vec::new();
    let (mut sid_a, mut sid_b) = (start, start);
    // Side by side, eight bytes at a time while both have eight left. `a`
    // reaches `mid` within these blocks.
    let blocks = a.len().min(b.len()) / 8;
    for (k, (wa, wb)) in a.chunks_exact(8).zip(b.chunks_exact(8)).enumerate() {
        let (Ok(wa), Ok(wb)) = (<[u8; 8]>::try_from(wa), <[u8; 8]>::try_from(wb)) else {
            break;
        };
        for j in 0..8 {
            sid_a = dfa.next_state(aho_corasick::Anchored::No, sid_a, wa[j]);
            sid_b = dfa.next_state(aho_corasick::Anchored::No, sid_b, wb[j]);
            if dfa.is_special(sid_a) {
                report_hits(dfa, sid_a, 8 * k + j + 1, &mut first);
            }
            if dfa.is_special(sid_b) {
                report_hits(dfa, sid_b, 8 * k + j + 1, &mut second);
            }
        }
    }
    let (mut at_a, mut at_b) = (8 * blocks, 8 * blocks);
    while walk_step(dfa, a, &mut at_a, &mut sid_a, &mut first) {}
    while walk_step(dfa, b, &mut at_b, &mut sid_b, &mut second) {}
    first.retain(|h| h.start < mid);
    let ends = |h: &Hit| h.start + dfa.pattern_len(aho_corasick::PatternID::must(h.pattern));
    for h in &mut second {
        h.start += mid;
    }
    first.append(&mut second);
    // Occurrences that cross the middle end after some of the second
    // half's first ones.
    first.sort_by_key(ends);
    first
}

/// One byte of a walk of `dfa` over `hay`: the transition on `hay[*at]`,
/// and every keyword that ends there into `out`. False when `hay` is done.
#[inline(always)]
fn walk_step(
    dfa: &aho_corasick::dfa::DFA,
    hay: &[u8],
    at: &mut usize,
    sid: &mut aho_corasick::automaton::StateID,
    out: &mut Vec<Hit>,
) -> bool {
    use aho_corasick::automaton::Automaton;
    let Some(&byte) = hay.get(*at) else {
        return false;
    };
    *sid = dfa.next_state(aho_corasick::Anchored::No, *sid, byte);
    *at += 1;
    // Without a prefilter only match states (and a dead one, which an
    // unanchored search never reaches) are special.
    if dfa.is_special(*sid) {
        report_hits(dfa, *sid, *at, out);
    }
    true
}

/// The keywords that end at `end` in match state `sid`, into `out`. Out of
/// line and cold: matches are rare, and the walk's loop stays small (0.37 s
/// with this inline, 0.25 s without, on the search of "Keyword search").
#[cold]
#[inline(never)]
fn report_hits(
    dfa: &aho_corasick::dfa::DFA,
    sid: aho_corasick::automaton::StateID,
    end: usize,
    out: &mut Vec<Hit>,
) {
    use aho_corasick::automaton::Automaton;
    for k in 0..dfa.match_len(sid) {
        let p = dfa.match_pattern(sid, k);
        out.push(Hit::new(end - dfa.pattern_len(p), p.as_usize()));
    }
}

/// Whether no occurrence of one of `patterns` can overlap an occurrence of
/// another (or of itself): none contains another, and no proper suffix of
/// one is a prefix of one.
fn disjoint(patterns: &[String]) -> bool {
    patterns.iter().all(|a| {
        patterns.iter().all(|b| {
            let (a, b) = (a.as_bytes(), b.as_bytes());
            let contains = a.len() > b.len() && a.windows(b.len()).any(|w| w == b);
            // b starting k bytes before a's end, inside a.
            let overlaps = (1..a.len().min(b.len() + 1)).any(|k| a[a.len() - k..] == b[..k]);
            !contains && !overlaps
        })
    })
}

/// The text of the line `buf[start..end]` with the secret at `own` cut out
/// and every other secret found on it (`spans`, sorted by start) replaced
/// by `…`: a short secret's fingerprint depends on no secret's value, its
/// own or a neighbour's, and two on one line still differ.
fn line_without(
    buf: &[u8],
    (start, end): (usize, usize),
    own: (usize, usize),
    spans: &[(usize, usize)],
) -> String {
    let mut out = Vec::with_capacity(end - start);
    let mut at = start;
    for &(s, e) in spans.iter().filter(|&&(s, e)| s < end && e > start) {
        if s > at {
            out.extend_from_slice(&buf[at..s]);
        }
        if (s, e) != own {
            out.extend_from_slice("…".as_bytes());
        }
        at = at.max(e);
    }
    if at < end {
        out.extend_from_slice(&buf[at..end]);
    }
    let text = String::from_utf8_lossy(&out).into_owned();
    zeroize::Zeroize::zeroize(&mut out);
    text
}

fn char_count(bytes: &[u8]) -> usize {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.chars().count(),
        Err(_) => bytes.len(),
    }
}

/// The line around `p`, or a window of it when the line is long.
fn segment_around(buf: &[u8], p: usize) -> (usize, usize) {
    let back_from = p.saturating_sub(LONG_LINE);
    let start = memchr::memrchr(b'\n', &buf[back_from..p]).map_or(back_from, |i| back_from + i + 1);
    let fwd_to = buf.len().min(p + LONG_LINE);
    let end = memchr::memchr(b'\n', &buf[p..fwd_to]).map_or(fwd_to, |i| p + i);
    (start, end)
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_label_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// Walks back from `end` (exclusive) over a `[a-z][a-z0-9]{0,max-1}` label;
/// returns its start.
fn label_before(buf: &[u8], end: usize, max: usize) -> Option<usize> {
    let mut i = end;
    while i > 0 && end - i < max && is_label_byte(buf[i - 1]) {
        i -= 1;
    }
    if i == end || !buf[i].is_ascii_lowercase() {
        return None;
    }
    Some(i)
}

/// Calls `found(start, end)` for every keywarden key with a valid checksum.
fn find_keywarden_keys(buf: &[u8], mut found: impl FnMut(usize, usize)) {
    for u in memchr::memchr_iter(b'_', buf) {
        let (s, e) = (u + 1, u + 1 + KEY_TAIL);
        if e > buf.len() {
            break;
        }
        if buf.get(e).is_some_and(|&b| is_word(b))
            || !buf[s..e].iter().all(u8::is_ascii_alphanumeric)
        {
            continue;
        }
        let Some(env_start) = label_before(buf, u, key::MAX_ENV_LEN) else {
            continue;
        };
        if env_start == 0 || buf[env_start - 1] != b'_' {
            continue;
        }
        let Some(prefix_start) = label_before(buf, env_start - 1, key::MAX_PREFIX_LEN) else {
            continue;
        };
        if prefix_start > 0 && buf[prefix_start - 1].is_ascii_alphanumeric() {
            continue;
        }
        let Ok(text) = std::str::from_utf8(&buf[prefix_start..e]) else {
            continue;
        };
        if key::parse(text).is_ok() {
            found(prefix_start, e);
        }
    }
}

/// Names that hold something about a secret, not the secret itself.
const NOT_SECRET_NAME_ENDINGS: &[&str] = &[
    "type", "name", "id", "ids", "url", "uri", "file", "path", "dir", "len", "length", "size",
    "count", "format", "kind", "field", "header", "endpoint", "prefix", "label", "env", "var",
    "ttl", "expiry", "expires", "timeout", "version", "mode", "policy", "regex", "pattern",
];

/// Names of things that are tokens but not secrets (pagination cursors,
/// locks, idempotency keys), by their first word.
const NOT_SECRET_NAME_STARTS: &[&str] = &[
    "next",
    "page",
    "pagination",
    "continuation",
    "change",
    "lock",
    "sync",
    "cancel",
    "idempotency",
    "csrf",
    "xsrf",
    "nonce",
    "marker",
    "cursor",
    "verification",
];

/// The word before a name's `token` that makes it a cursor or a version
/// stamp, wherever the name starts (`PolicyUpdateToken`, `list_next_token`).
const NOT_SECRET_TOKEN_KINDS: &[&str] = &[
    "next",
    "page",
    "pagination",
    "continuation",
    "change",
    "update",
    "sync",
    "idempotency",
    "cancel",
];

/// Whether the generic rule's assigned name may hold a secret value
/// (`api_key`, `db_password`), not metadata about one (`token_type`), a
/// cursor (`NextToken`) or a type path (`AWS::IAM::AccessKey`).
/// A value documentation writes in place of a secret, for the generic rule:
/// one that names itself (`generatedwebdavpassword1`, `export-token-…`,
/// `PassWordMustBeAtLeast6Chars.`), a sequence typed by hand
/// (`a1b2c3d4567890ab`, `abcd1234defg5678`), a timestamp.
fn documentation_value(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    if lower.contains("password")
        || lower
            .split(['-', '_', '.', ':'])
            .any(|part| matches!(part, "token" | "secret" | "key" | "apikey"))
    {
        return true;
    }
    // Three ascending runs of three (`123`, `bcd`): typed, not drawn.
    let b = lower.as_bytes();
    let runs = b
        .windows(3)
        .filter(|w| w[0].is_ascii_alphanumeric() && w[1] == w[0] + 1 && w[2] == w[1] + 1)
        .count();
    if runs >= 3 {
        return true;
    }
    // `2016-09-08T21:47:36Z`.
    b.len() >= 19
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b't'
}

/// The text of `buf[start..end]`, and its line(s): from the line holding
/// `start` to the end of the line holding `to` (`start` for the first
/// line only, `end` for every line the match spans).
fn match_and_line(
    buf: &[u8],
    start: usize,
    end: usize,
    to: usize,
) -> (std::borrow::Cow<'_, str>, std::borrow::Cow<'_, str>) {
    let line_start = memchr::memrchr(b'\n', &buf[..start]).map_or(0, |i| i + 1);
    let line_end = memchr::memchr(b'\n', &buf[to..]).map_or(buf.len(), |i| to + i);
    (
        String::from_utf8_lossy(&buf[start..end]),
        String::from_utf8_lossy(&buf[line_start..line_end]),
    )
}

/// `8-4-4-4-12` hex digits.
fn is_uuid(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                *c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

fn generic_name_ok(name: &[u8], before: Option<u8>) -> bool {
    name_ok(name, before, true)
}

/// [`generic_name_ok`], with the first-word test only when `starts` (a
/// provider's name, `pagerduty_api_key`, is not a pager cursor).
fn name_ok(name: &[u8], before: Option<u8>, starts: bool) -> bool {
    // `arn:…:secret`, `alias/aws/secretsmanager`: a segment of an id or a
    // path, not a name.
    if matches!(before, Some(b':' | b'/')) {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    // `self.nextToken` is named `nextToken`.
    let own = lower.rsplit(|&b| b == b'.').next().unwrap_or(&lower[..]);
    let metadata = NOT_SECRET_NAME_ENDINGS
        .iter()
        .any(|e| own.ends_with(e.as_bytes()));
    let cursor = starts
        && NOT_SECRET_NAME_STARTS
            .iter()
            .any(|p| own.starts_with(p.as_bytes()));
    let stamp = own.strip_suffix(b"token").is_some_and(|kind| {
        let kind = kind
            .strip_suffix(b"_")
            .or_else(|| kind.strip_suffix(b"-"))
            .unwrap_or(kind);
        NOT_SECRET_TOKEN_KINDS
            .iter()
            .any(|k| kind.ends_with(k.as_bytes()))
    });
    !metadata && !cursor && !stamp
}

/// The values after the first of a Kubernetes Secret's `data` or
/// `stringData` block: the `key: value` lines that follow the one ending at
/// `first_end`, at its indentation (comment lines skipped), as byte spans of
/// the values. Stops at the first line that is not such an entry, and after
/// [`MULTILINE_WINDOW`] bytes.
fn kubernetes_more_values(buf: &[u8], first_end: usize) -> Vec<(usize, usize)> {
    let line_start = memchr::memrchr(b'\n', &buf[..first_end]).map_or(0, |i| i + 1);
    let indent = buf[line_start..first_end]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    let limit = buf.len().min(first_end + MULTILINE_WINDOW);
    let mut out = Vec::new();
    let Some(nl) = memchr::memchr(b'\n', &buf[first_end..limit]) else {
        return out;
    };
    let mut at = first_end + nl + 1;
    while at < limit {
        let end = memchr::memchr(b'\n', &buf[at..limit]).map_or(limit, |i| at + i);
        let line = &buf[at..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let this_indent = line
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        let body = &line[this_indent..];
        if this_indent != indent || body.is_empty() {
            break;
        }
        if body[0] != b'#' {
            match kubernetes_entry_value(body) {
                Some((s, e)) if e - s >= 6 => {
                    out.push((at + this_indent + s, at + this_indent + e));
                }
                Some(_) => {}
                None => break,
            }
        }
        at = end + 1;
    }
    out
}

/// The value of a `name: value` entry (quoted or not) as a span of `entry`,
/// when the name is a Secret key (`[0-9A-Za-z_.-]+`): the one word after
/// the colon (empty for a block scalar `|`/`>`); `None` when the line is no
/// such entry.
fn kubernetes_entry_value(entry: &[u8]) -> Option<(usize, usize)> {
    let colon = memchr::memchr(b':', entry)?;
    let name = &entry[..colon];
    if name.is_empty()
        || !name
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    {
        return None;
    }
    let mut s = colon + 1;
    while s < entry.len() && matches!(entry[s], b' ' | b'\t') {
        s += 1;
    }
    if s < entry.len() && matches!(entry[s], b'"' | b'\'') {
        s += 1;
    }
    let mut e = s;
    while e < entry.len() && !entry[e].is_ascii_whitespace() && !b"\"'#|>".contains(&entry[e]) {
        e += 1;
    }
    Some((s, e))
}

/// Whether a manifest match holds `kind: Secret` (not a ConfigMap's `data:`).
fn kubernetes_secret(whole: &[u8]) -> bool {
    ["kind: Secret", "kind: \"Secret\"", "kind: 'Secret'"]
        .iter()
        .any(|k| memmem::find(whole, k.as_bytes()).is_some())
}

/// Whether a URL's host is a documentation-only domain (RFC 2606:
/// `example.com`/`.net`/`.org`, `.example`, `.invalid`, `.test`).
fn example_host(url: &[u8]) -> bool {
    let Some(at) = memchr::memrchr(b'@', url) else {
        return false;
    };
    let host_end = url[at + 1..]
        .iter()
        .position(|&b| matches!(b, b'/' | b':' | b'?' | b'#'))
        .map_or(url.len(), |i| at + 1 + i);
    let host = url[at + 1..host_end].to_ascii_lowercase();
    let host = host.strip_suffix(b".").unwrap_or(&host);
    ["example.com", "example.net", "example.org"]
        .iter()
        .any(|d| host == d.as_bytes() || host.ends_with(format!(".{d}").as_bytes()))
        || [".example", ".invalid", ".test"]
            .iter()
            .any(|t| host.ends_with(t.as_bytes()))
}

/// Whether an unquoted value in this file is a literal, never code:
/// `.env`, `.properties`, `.ini`, `.cfg`, `.conf` and YAML files
/// (`DB_PASSWORD=a1b2.c3d4`, `password: psq9Ley8_.z6FOmK` are passwords,
/// not attribute access: neither format has any).
fn literal_values(path: &str) -> bool {
    let name = path
        .rsplit(['/', '!'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    name == ".env"
        || name.starts_with(".env.")
        || [
            ".env",
            ".properties",
            ".ini",
            ".cfg",
            ".conf",
            ".yaml",
            ".yml",
        ]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// Extra conditions on the generic rule's value, beyond entropy.
/// `rest` is the line after the value; `xml`: the value is an element's
/// body, which its closing tag ends.
fn generic_value_ok(value: &str, quote: &[u8], rest: &[u8], xml: bool, literal: bool) -> bool {
    if let Some(&q) = quote.first() {
        // A quoted value must be the whole string literal.
        if rest.first() != Some(&q) {
            return false;
        }
    } else {
        // Unquoted: a config value (`.env`, YAML, properties), which ends its
        // line, not a code expression (`x: Type = …`, `a = b;`, `f(a, b)`).
        let tail = rest.trim_ascii();
        let ends = tail.is_empty()
            || tail.starts_with(b"#")
            || tail.starts_with(b"//")
            // An escaped line break inside a string (`"…PASSWORD=v\nX=1"`).
            || rest.starts_with(b"\\n")
            || rest.starts_with(b"\\r")
            || (xml && rest.starts_with(b"</"));
        if !ends {
            return false;
        }
        if value.starts_with("0x") {
            return false;
        }
        // Code, not a value: a call.
        if value.contains(['(', ')']) {
            return false;
        }
        // Attribute access (`module.CONSTANT`, `self.token2`).
        let b = value.as_bytes();
        let ident = |seg: &[u8]| {
            seg.first()
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
                && seg.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
        };
        if !literal && b.contains(&b'.') && b.split(|&c| c == b'.').all(ident) {
            return false;
        }
        // UPPER_SNAKE constants.
        if b.contains(&b'_')
            && b.iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_')
        {
            return false;
        }
    }
    if value.starts_with(['/', '.', '~', '\\', '-', '&', '*', '!', '%', '@'])
        || value.contains("://")
        || value.contains("::")
        || value.contains("arn:aws")
    {
        return false;
    }
    if documentation_value(value) {
        return false;
    }
    // Words (`quoted-string`, `MyServiceApiKeyName`) are names, not
    // secrets: a secret holds a digit, or is long and mixes cases the way
    // random text does (two capitals in a row somewhere).
    let bytes = value.as_bytes();
    let has_digit = bytes.iter().any(u8::is_ascii_digit);
    let random_letters = bytes.len() >= 16
        && bytes.iter().any(u8::is_ascii_lowercase)
        && bytes
            .windows(2)
            .any(|w| w[0].is_ascii_uppercase() && w[1].is_ascii_uppercase());
    if !has_digit && !random_letters {
        return false;
    }
    if validate::is_reference(value) {
        return false;
    }
    // Shaped like a keywarden key but with a wrong checksum: not a secret,
    // whatever its entropy (keywarden keys have no false positives).
    if matches!(key::parse(value), Err(key::ParseError::BadChecksum)) {
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_lines_or_windows() {
        let buf = b"one\ntwo three\nfour";
        assert_eq!(segment_around(buf, 5), (4, 13));
        assert_eq!(segment_around(buf, 0), (0, 3));
        assert_eq!(segment_around(buf, 15), (14, 18));
        let long = vec![b'a'; 10_000];
        assert_eq!(
            segment_around(&long, 5000),
            (5000 - LONG_LINE, 5000 + LONG_LINE)
        );
    }

    #[test]
    fn disjoint_keywords_cannot_overlap() {
        let set = |kws: &[&str]| kws.iter().map(|k| (*k).to_owned()).collect::<Vec<_>>();
        assert!(disjoint(&set(&["ghp_", "gho_", "npm_"])));
        assert!(!disjoint(&set(&["ghp_", "hp_x"])), "suffix is a prefix");
        assert!(!disjoint(&set(&["sk_live_", "live_"])), "one holds another");
        assert!(!disjoint(&set(&["aa"])), "overlaps itself");
        assert!(disjoint(&set(&["ab"])));
        // The checksum rules' keywords take the fast path.
        let rules = rules::builtin(rules::DEFAULT_MIN_ENTROPY).unwrap();
        let verified = Keywords::new(&rules, Rule::checksum_verified).unwrap();
        assert!(verified.automaton.is_some());
        #[cfg(target_arch = "x86_64")]
        if is_x86_feature_detected!("ssse3") {
            assert!(verified.packed.is_some());
        }
        assert!(Keywords::new(&rules, |_| true).unwrap().packed.is_none());
    }

    /// The two-walk search finds what one overlapping search finds, in
    /// the order it finds them, whatever crosses the middle.
    fn same_hits_as_one_walk(keywords: &[String], buf: &[u8]) -> Result<(), String> {
        let dfa = aho_corasick::dfa::Builder::new()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(keywords)
            .map_err(|e| e.to_string())?;
        let one = aho_corasick::AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(keywords)
            .map_err(|e| e.to_string())?;
        let mut want: Vec<(usize, usize, usize)> = one
            .find_overlapping_iter(buf)
            .map(|m| (m.end(), m.start(), m.pattern().as_usize()))
            .collect();
        let longest = keywords.iter().map(String::len).max().unwrap_or(0);
        let mut got: Vec<(usize, usize, usize)> = keyword_hits(&dfa, longest, buf)
            .into_iter()
            .map(|h| (h.start + keywords[h.pattern].len(), h.start, h.pattern))
            .collect();
        // In the order they end; among those ending together, any order.
        if !got.windows(2).all(|w| w[0].0 <= w[1].0) {
            return Err("not in the order they end".into());
        }
        want.sort_unstable();
        got.sort_unstable();
        if got == want {
            Ok(())
        } else {
            Err(format!("{} hits, want {}", got.len(), want.len()))
        }
    }

    #[test]
    fn two_walks_find_every_keyword_once() {
        let rules = rules::builtin(rules::DEFAULT_MIN_ENTROPY).unwrap();
        let mut keywords: Vec<String> = rules.iter().flat_map(|r| r.keywords.clone()).collect();
        keywords.sort();
        keywords.dedup();
        let longest = keywords.iter().map(String::len).max().unwrap();
        // A keyword across the middle, at every offset, and one that ends
        // the buffer and one that starts it.
        let kw = keywords
            .iter()
            .find(|k| k.len() == longest)
            .unwrap()
            .clone();
        for len in [TWO_WALKS_MIN, TWO_WALKS_MIN + 1, 3 * TWO_WALKS_MIN + 7] {
            for shift in 0..=kw.len() {
                let mut buf = vec![b'.'; len];
                let at = len / 2 - shift;
                buf[at..at + kw.len()].copy_from_slice(kw.as_bytes());
                buf[..kw.len()].copy_from_slice(kw.as_bytes());
                let end = len - kw.len();
                buf[end..].copy_from_slice(kw.as_bytes());
                same_hits_as_one_walk(&keywords, &buf).unwrap();
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn two_walks_match_one_on_any_text(
            pieces in proptest::collection::vec((0usize..6, "[A-Za-z0-9+/_ \\-]{0,9}"), 0..3000),
        ) {
            let keywords: Vec<String> = ["token", "ken", "api_key", "key", "aa", "a-a", "ok"]
                .iter()
                .map(|k| (*k).to_owned())
                .collect();
            let mut buf = String::new();
            for (k, filler) in &pieces {
                buf.push_str(keywords.get(*k).map_or("", String::as_str));
                buf.push_str(filler);
            }
            proptest::prop_assert!(same_hits_as_one_walk(&keywords, buf.as_bytes()).is_ok());
        }
    }

    #[test]
    fn keywarden_pass_needs_checksum_and_boundaries() {
        let good = "kw_live_00000000000000000000000000000000000000000000AwA6B";
        let mut hits = Vec::new();
        let text = format!("x = \"{good}\" and {good}x and A{good} and _{good}");
        find_keywarden_keys(text.as_bytes(), |s, e| hits.push((s, e)));
        // quoted: yes; followed by a word char: no; after a letter: no; after _: yes.
        assert_eq!(hits.len(), 2, "{hits:?}");
        let bad = good.replace("AwA6B", "AwA6C");
        let mut none = Vec::new();
        find_keywarden_keys(bad.as_bytes(), |s, e| none.push((s, e)));
        assert!(none.is_empty());
    }
}
