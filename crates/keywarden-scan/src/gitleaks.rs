//! Reading a gitleaks configuration (`.gitleaks.toml`, gitleaks' documented
//! format): its `[[rules]]` (`id`, `description`, `regex`, `secretGroup`,
//! `keywords`, `entropy`, `path`) and allowlists (the global `[allowlist]`,
//! per-rule `[rules.allowlist]` and `[[rules.allowlists]]`: `regexes`,
//! `regexTarget`, `paths`, `stopwords`, `condition`) become keywarden rules
//! and allowlists, next to the built-in rules.
//!
//! A Betterleaks 2 configuration (`betterleaks config show toml`) reads too:
//! - `valueGroup` is the secret's group (gitleaks' `secretGroup`);
//! - `confidence` (`high`, `medium`, `low`) becomes the findings' severity;
//! - `filter` is evaluated when keywarden can do so exactly
//!   ([`crate::filter`]: entropy, length, regex and term lists over the
//!   secret, the match, the line and the path). A rule whose filter needs
//!   more (`tokenRatio`, `failsTokenEfficiency`, `let`, slices of the
//!   fragment) is **skipped**, with a warning counting them: run without its
//!   filter it would report what Betterleaks drops, and precision comes
//!   first. The global `filter` applies to every imported rule and the
//!   global `prefilter` keeps imported rules off the paths it matches; one
//!   keywarden cannot evaluate is ignored with a warning;
//! - `components` make a composite rule: a finding is reported only when
//!   a match of each required component rule is in the same file (within
//!   `within = "NL"` lines when given; a column bound is not checked), as
//!   Betterleaks does; `optional` components are not required. A composite
//!   rule whose required component was skipped is skipped too;
//! - `skipReport = true` rules are never reported: they only serve as
//!   components;
//! - `validate`, `analyze`, `revoke` and `oauthError` (network checks) and
//!   `specificity` are ignored, one warning per field with the number of
//!   rules that have it.
//!
//! Imported regexes are compiled with Unicode off, as Go's RE2 reads them
//! (`\w`, `\d`, `\s`, `\b` are ASCII there): one that needs Unicode
//! (`\p{L}`) is compiled with it. A regex that compiles past the size limit
//! (a few Betterleaks rules) is skipped with a warning, not an error.
//!
//! Allowlisted `commits` apply to `--git` history scans: a commit a global
//! allowlist (without `targetRules`) lists is skipped whole, before its diff
//! is scanned; one listed by a rule's allowlist (or a global one with
//! `targetRules`) drops that rule's findings in it. Entries are full commit
//! ids or prefixes of at least 7 hex digits.
//!
//! Whatever has no keywarden equivalent is named in a warning, never
//! dropped silently: `[extend]` (gitleaks' own default rules are not
//! loaded; keywarden's built-in rules stay on), `commits` in an allowlist
//! with `condition = "AND"` (the allowlist is not used), and rules without
//! a `regex` (path-only rules). Differences worth knowing:
//! gitleaks matches keywords case-insensitively, keywarden looks for their
//! lowercase, UPPER and Capitalized forms; a rule without keywords runs its
//! regex over the whole file (slower); regexes are Go RE2 syntax, which the
//! Rust `regex` crate reads except for a few escapes (a rule that does not
//! compile is an error naming it).

use std::path::Path;

use std::collections::BTreeMap;

use toml::{Table, Value};

use crate::error::ScanError;
use crate::filter::Filter;
use crate::finding::Severity;

/// The file looked for at the scan root.
pub const GITLEAKS_FILE: &str = ".gitleaks.toml";

/// What a regex allowlist is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RegexTarget {
    /// The secret (gitleaks' default).
    #[default]
    Secret,
    /// The whole match of the rule's regex.
    Match,
    /// The line the match is on.
    Line,
}

/// One allowlist of a gitleaks rule (or the global one): a finding it
/// matches is dropped.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Allowlist {
    /// Regexes over [`Allowlist::target`].
    pub regexes: Vec<regex::Regex>,
    /// What the regexes are matched against.
    pub target: RegexTarget,
    /// Regexes over the file path.
    pub paths: Vec<regex::Regex>,
    /// A secret holding one of these (case-insensitively) is dropped.
    pub stopwords: Vec<String>,
    /// `condition = "AND"`: every kind of criterion given must match
    /// (default: any one).
    pub all: bool,
    /// `targetRules` of a global allowlist: only these rules' findings
    /// (empty: every rule's).
    pub rules: Vec<String>,
    /// Commit ids (or prefixes of at least 7 hex digits), lowercase:
    /// findings in these commits are allowed (history scans only).
    pub commits: Vec<String>,
}

impl Allowlist {
    /// Whether a finding of `rule` (its secret, the whole match, its line,
    /// its path) is allowlisted.
    pub fn allows(&self, rule: &str, secret: &str, whole: &str, line: &str, path: &str) -> bool {
        if !self.rules.is_empty() && !self.rules.iter().any(|r| r == rule) {
            return false;
        }
        let target = match self.target {
            RegexTarget::Secret => secret,
            RegexTarget::Match => whole,
            RegexTarget::Line => line,
        };
        let lower = secret.to_lowercase();
        let mut checks = Vec::with_capacity(3);
        if !self.regexes.is_empty() {
            checks.push(self.regexes.iter().any(|r| r.is_match(target)));
        }
        if !self.paths.is_empty() {
            checks.push(self.paths.iter().any(|r| r.is_match(path)));
        }
        if !self.stopwords.is_empty() {
            checks.push(self.stopwords.iter().any(|w| lower.contains(w.as_str())));
        }
        if checks.is_empty() {
            return false;
        }
        if self.all {
            checks.iter().all(|&c| c)
        } else {
            checks.iter().any(|&c| c)
        }
    }

    /// Whether this allowlist allows a finding of `rule` in `commit` by the
    /// commit alone (its `commits`; an `AND` allowlist never does).
    pub fn allows_commit(&self, rule: &str, commit: &str) -> bool {
        if self.all || (!self.rules.is_empty() && !self.rules.iter().any(|r| r == rule)) {
            return false;
        }
        let commit = commit.trim();
        self.commits.iter().any(|c| {
            c.len() >= 7 && commit.len() >= c.len() && commit[..c.len()].eq_ignore_ascii_case(c)
        })
    }

    fn is_empty(&self) -> bool {
        self.regexes.is_empty()
            && self.paths.is_empty()
            && self.stopwords.is_empty()
            && self.commits.is_empty()
    }
}

/// A rule read from a gitleaks configuration.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ImportedRule {
    /// The rule id.
    pub id: String,
    /// Its description (or the id).
    pub description: String,
    /// The regex (RE2 syntax read by the `regex` crate).
    pub regex: String,
    /// The capture group holding the secret (0 or absent: the first group
    /// that matched something, or the whole match when there is none, as
    /// gitleaks and Betterleaks do).
    pub secret_group: Option<usize>,
    /// Literal prefilter words (gitleaks: case-insensitive).
    pub keywords: Vec<String>,
    /// Minimum Shannon entropy of the secret.
    pub entropy: Option<f64>,
    /// Only files whose path matches.
    pub path: Option<String>,
    /// The rule's allowlists (any one allows).
    pub allowlists: Vec<Allowlist>,
    /// Betterleaks' `filter`: a finding it holds true for is dropped.
    pub filter: Option<Filter>,
    /// Betterleaks' `skipReport`: never reported, only a component.
    pub skip_report: bool,
    /// Betterleaks' required `components`.
    pub components: Vec<Component>,
    /// Betterleaks' `confidence` as a severity (default high).
    pub severity: Option<Severity>,
}

/// A rule a Betterleaks composite rule requires near its match.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Component {
    /// The id of the required rule, as the configuration names it.
    pub id: String,
    /// At most this many lines away (`within = "5L"`); anywhere in the
    /// file when absent.
    pub within_lines: Option<usize>,
}

/// A gitleaks configuration, read.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct GitleaksConfig {
    /// Its rules.
    pub rules: Vec<ImportedRule>,
    /// Its global allowlists.
    pub allowlists: Vec<Allowlist>,
    /// Betterleaks' global `filter`, over every imported rule's findings.
    pub filter: Option<Filter>,
    /// Betterleaks' global `prefilter`: imported rules do not run on a
    /// path it holds true for.
    pub prefilter: Option<Filter>,
    /// What was not carried over, one sentence each.
    pub warnings: Vec<String>,
}

/// Fields of a Betterleaks rule that ask for network checks or ranking
/// keywarden does not do: ignored, with one warning per field.
const IGNORED: &[(&str, &str)] = &[
    ("validate", "network validation is not done"),
    ("analyze", "network analysis is not done"),
    ("revoke", "revocation is not done"),
    ("oauthError", "network validation is not done"),
    (
        "specificity",
        "keywarden ranks overlapping findings by its own order",
    ),
];

/// At most this many rule ids are named in one warning.
const NAMED: usize = 5;

/// `a, b, c and 4 more`.
fn some_ids(ids: &[String]) -> String {
    let mut out = ids
        .iter()
        .take(NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > NAMED {
        out.push_str(&format!(" and {} more", ids.len() - NAMED));
    }
    out
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

const DESCRIPTIVE: &[&str] = &["description", "tags", "id", "title"];

impl GitleaksConfig {
    /// Reads a gitleaks configuration file.
    pub fn load(path: &Path) -> Result<Self, ScanError> {
        let text = std::fs::read_to_string(path).map_err(|e| ScanError::read(path, e))?;
        Self::from_toml(&text, path)
    }

    /// `dir/.gitleaks.toml` if it exists.
    pub fn discover(dir: &Path) -> Result<Option<(Self, std::path::PathBuf)>, ScanError> {
        let path = dir.join(GITLEAKS_FILE);
        if path.is_file() {
            Ok(Some((Self::load(&path)?, path)))
        } else {
            Ok(None)
        }
    }

    /// Parses gitleaks configuration text; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &Path) -> Result<Self, ScanError> {
        let bad = |message: String| ScanError::Config {
            path: origin.to_owned(),
            message,
        };
        let table: Table = toml::from_str(text).map_err(|e| bad(e.message().to_owned()))?;
        let mut out = Self::default();
        let mut tally = Tally::default();
        for (key, value) in &table {
            match key.as_str() {
                "title" | "description" | "minVersion" | "betterleaksMinVersion" => {}
                "filter" | "prefilter" => {
                    let text = value
                        .as_str()
                        .ok_or_else(|| bad(format!("`{key}` must be a string")))?;
                    match Filter::parse(text) {
                        Ok(f) if key == "filter" => out.filter = Some(f),
                        Ok(f) => out.prefilter = Some(f),
                        Err(e) => out.warnings.push(format!(
                            "the global `{key}` uses {e}, which keywarden cannot evaluate: it was ignored"
                        )),
                    }
                }
                "rules" => {
                    let rules = value
                        .as_array()
                        .ok_or_else(|| bad("`rules` must be an array of tables ([[rules]])".into()))?;
                    for (i, rule) in rules.iter().enumerate() {
                        let rule = rule
                            .as_table()
                            .ok_or_else(|| bad(format!("rules[{i}] is not a table")))?;
                        if let Some(r) = out.rule(rule, i, &bad, &mut tally)? {
                            out.rules.push(r);
                        }
                    }
                }
                "allowlist" => {
                    let t = value
                        .as_table()
                        .ok_or_else(|| bad("`allowlist` must be a table".into()))?;
                    let a = out.allowlist(t, "[allowlist]", &bad)?;
                    out.allowlists.push(a);
                }
                "allowlists" => {
                    for (i, t) in value.as_array().into_iter().flatten().enumerate() {
                        let t = t
                            .as_table()
                            .ok_or_else(|| bad(format!("allowlists[{i}] is not a table")))?;
                        let a = out.allowlist(t, &format!("[[allowlists]] #{}", i + 1), &bad)?;
                        out.allowlists.push(a);
                    }
                }
                "extend" => out.warnings.push(
                    "[extend] is not supported: gitleaks' default rules are not loaded (keywarden's built-in rules stay on) and no other file is read".into(),
                ),
                other => out
                    .warnings
                    .push(format!("`{other}` is not supported and was ignored")),
            }
        }
        out.allowlists.retain(|a| !a.is_empty());
        tally.into_warnings(&mut out.warnings);
        Ok(out)
    }

    fn rule(
        &mut self,
        t: &Table,
        i: usize,
        bad: &impl Fn(String) -> ScanError,
        tally: &mut Tally,
    ) -> Result<Option<ImportedRule>, ScanError> {
        let id = t
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| bad(format!("rules[{i}] has no id")))?
            .to_owned();
        let Some(regex) = t.get("regex").and_then(Value::as_str) else {
            self.warnings.push(format!(
                "rule {id}: a rule without `regex` (matching file paths only) is not supported and was skipped"
            ));
            return Ok(None);
        };
        let mut rule = ImportedRule {
            description: t
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or(&id)
                .to_owned(),
            id: id.clone(),
            regex: regex.to_owned(),
            secret_group: None,
            keywords: strings(t.get("keywords")),
            entropy: None,
            path: None,
            allowlists: Vec::new(),
            filter: None,
            skip_report: false,
            components: Vec::new(),
            severity: None,
        };
        // The filter first: a rule skipped for it counts in no other warning.
        if let Some(value) = t.get("filter") {
            let text = value
                .as_str()
                .ok_or_else(|| bad(format!("rule {id}: filter must be a string")))?;
            match Filter::parse(text) {
                Ok(f) => rule.filter = Some(f),
                Err(e) => {
                    // Without its filter the rule would report what
                    // Betterleaks drops: precision first, skip it.
                    tally.unfiltered.entry(e.0).or_default().push(id.clone());
                    return Ok(None);
                }
            }
        }
        for (key, value) in t {
            match key.as_str() {
                k if DESCRIPTIVE.contains(&k) => {}
                "regex" | "keywords" | "filter" => {}
                k if IGNORED.iter().any(|(f, _)| *f == k) => {
                    tally
                        .ignored
                        .entry(k.to_owned())
                        .or_default()
                        .push(id.clone());
                }
                "skipReport" => {
                    rule.skip_report = value.as_bool().ok_or_else(|| {
                        bad(format!("rule {id}: skipReport must be true or false"))
                    })?;
                }
                "confidence" => {
                    rule.severity = match value.as_str() {
                        Some("high") => Some(Severity::High),
                        Some("medium") => Some(Severity::Medium),
                        Some("low") => Some(Severity::Low),
                        _ => {
                            return Err(bad(format!(
                                "rule {id}: confidence must be high, medium or low"
                            )));
                        }
                    };
                }
                "components" => {
                    for (n, c) in value.as_array().into_iter().flatten().enumerate() {
                        let c = c.as_table().ok_or_else(|| {
                            bad(format!("rule {id}: components[{n}] must be a table"))
                        })?;
                        let cid = c
                            .get("id")
                            .and_then(Value::as_str)
                            .ok_or_else(|| bad(format!("rule {id}: components[{n}] has no id")))?;
                        if c.get("optional").and_then(Value::as_bool) == Some(true) {
                            continue;
                        }
                        let within = match c.get("within") {
                            None => None,
                            Some(w) => Some(
                                w.as_str()
                                    .and_then(|w| within_lines(w, &id, tally))
                                    .ok_or_else(|| {
                                        bad(format!(
                                            "rule {id}: components[{n}].within must be like \"5L\""
                                        ))
                                    })?,
                            ),
                        };
                        rule.components.push(Component {
                            id: cid.to_owned(),
                            within_lines: within,
                        });
                    }
                }
                "secretGroup" | "valueGroup" => {
                    let g = value
                        .as_integer()
                        .and_then(|g| usize::try_from(g).ok())
                        .ok_or_else(|| {
                            bad(format!("rule {id}: {key} must be a non-negative integer"))
                        })?;
                    rule.secret_group = (g > 0).then_some(g);
                }
                "entropy" => {
                    rule.entropy = Some(
                        value
                            .as_float()
                            .or_else(|| value.as_integer().map(|v| v as f64))
                            .ok_or_else(|| bad(format!("rule {id}: entropy must be a number")))?,
                    );
                }
                "path" => {
                    rule.path = Some(
                        value
                            .as_str()
                            .ok_or_else(|| bad(format!("rule {id}: path must be a string")))?
                            .to_owned(),
                    );
                }
                "allowlist" => {
                    let a = value
                        .as_table()
                        .ok_or_else(|| bad(format!("rule {id}: allowlist must be a table")))?;
                    let a = self.allowlist(a, &format!("rule {id}'s allowlist"), bad)?;
                    rule.allowlists.push(a);
                }
                "allowlists" => {
                    for (n, a) in value.as_array().into_iter().flatten().enumerate() {
                        let a = a.as_table().ok_or_else(|| {
                            bad(format!("rule {id}: allowlists[{n}] must be a table"))
                        })?;
                        let a =
                            self.allowlist(a, &format!("rule {id}'s allowlist #{}", n + 1), bad)?;
                        rule.allowlists.push(a);
                    }
                }
                other => self.warnings.push(format!(
                    "rule {id}: `{other}` is not supported and was ignored"
                )),
            }
        }
        if rule.skip_report {
            tally.components_only += 1;
        }
        if rule.keywords.is_empty() {
            self.warnings.push(format!(
                "rule {id}: no keywords, so its regex runs over every whole file (slower); add keywords to speed it up"
            ));
        }
        rule.allowlists.retain(|a| !a.is_empty());
        Ok(Some(rule))
    }

    fn allowlist(
        &mut self,
        t: &Table,
        name: &str,
        bad: &impl Fn(String) -> ScanError,
    ) -> Result<Allowlist, ScanError> {
        let compile = |what: &str, list: Vec<String>| -> Result<Vec<regex::Regex>, ScanError> {
            list.iter()
                .map(|r| {
                    regex::Regex::new(&go_regex(r))
                        .map_err(|e| bad(format!("{name}: bad {what} regex {r:?}: {e}")))
                })
                .collect()
        };
        let mut a = Allowlist {
            regexes: compile("regexes", strings(t.get("regexes")))?,
            paths: compile("paths", strings(t.get("paths")))?,
            stopwords: strings(t.get("stopwords"))
                .into_iter()
                .map(|w| w.to_lowercase())
                .collect(),
            ..Allowlist::default()
        };
        for (key, value) in t {
            match key.as_str() {
                "regexes" | "paths" | "stopwords" | "description" => {}
                "regexTarget" => {
                    a.target = match value.as_str() {
                        Some("secret") | None => RegexTarget::Secret,
                        Some("match") => RegexTarget::Match,
                        Some("line") => RegexTarget::Line,
                        Some(other) => {
                            return Err(bad(format!(
                                "{name}: regexTarget {other:?}: expected secret, match or line"
                            )));
                        }
                    }
                }
                "condition" => {
                    a.all = match value.as_str().map(str::to_ascii_uppercase).as_deref() {
                        Some("AND") => true,
                        Some("OR") | None => false,
                        Some(other) => {
                            return Err(bad(format!(
                                "{name}: condition {other:?}: expected OR or AND"
                            )));
                        }
                    }
                }
                "commits" => {
                    a.commits = strings(Some(value))
                        .into_iter()
                        .map(|c| c.trim().to_ascii_lowercase())
                        .collect();
                    for c in &a.commits {
                        if c.len() < 7 || !c.bytes().all(|b| b.is_ascii_hexdigit()) {
                            return Err(bad(format!(
                                "{name}: commits entry {c:?} is not a commit id (at least 7 hex digits)"
                            )));
                        }
                    }
                }
                "targetRules" => a.rules = strings(Some(value)),
                other => self.warnings.push(format!(
                    "{name}: `{other}` is not supported and was ignored"
                )),
            }
        }
        if a.all && !a.commits.is_empty() {
            self.warnings.push(format!(
                "{name}: `commits` with condition = \"AND\" is not supported: this allowlist was not used"
            ));
            return Ok(Allowlist::default());
        }
        Ok(a)
    }
}

/// Warnings about many rules at once, gathered while reading.
#[derive(Default)]
struct Tally {
    /// Ignored field → the rules that have it.
    ignored: BTreeMap<String, Vec<String>>,
    /// What a filter uses that keywarden cannot evaluate → the rules
    /// skipped for it.
    unfiltered: BTreeMap<String, Vec<String>>,
    /// Rules whose component `within` has a column bound.
    columns: Vec<String>,
    /// `skipReport` rules.
    components_only: usize,
}

impl Tally {
    fn into_warnings(self, out: &mut Vec<String>) {
        for (field, ids) in &self.ignored {
            let why = IGNORED
                .iter()
                .find(|(f, _)| f == field)
                .map_or("", |(_, why)| why);
            out.push(format!(
                "`{field}` ({} rules: {}) was ignored: {why}",
                ids.len(),
                some_ids(ids)
            ));
        }
        let skipped: usize = self.unfiltered.values().map(Vec::len).sum();
        if skipped > 0 {
            let mut why: Vec<(&String, &Vec<String>)> = self.unfiltered.iter().collect();
            why.sort_by_key(|(_, ids)| std::cmp::Reverse(ids.len()));
            let detail = why
                .iter()
                .map(|(what, ids)| format!("{what} ({}: {})", ids.len(), some_ids(ids)))
                .collect::<Vec<_>>()
                .join("; ");
            out.push(format!(
                "{skipped} rules were skipped because their `filter` uses what keywarden cannot \
                 evaluate (without it they would report what Betterleaks drops): {detail}"
            ));
        }
        if !self.columns.is_empty() {
            out.push(format!(
                "components' column bounds (`within = \"…C\"`) are not checked, only lines ({})",
                some_ids(&self.columns)
            ));
        }
        if self.components_only > 0 {
            out.push(format!(
                "{} rules have skipReport = true: they are not reported, only required by composite rules",
                self.components_only
            ));
        }
    }
}

/// The line bound of a component's `within` (`5L`, `7L,200C`); a column
/// bound is noted in `tally` and not checked (a column bound alone: the
/// same line).
fn within_lines(w: &str, id: &str, tally: &mut Tally) -> Option<usize> {
    let mut lines = None;
    for part in w.split(',').map(str::trim) {
        if let Some(n) = part.strip_suffix(['L', 'l']) {
            lines = Some(n.parse().ok()?);
        } else if part.strip_suffix(['C', 'c'])?.parse::<usize>().is_ok() {
            tally.columns.push(id.to_owned());
        } else {
            return None;
        }
    }
    Some(lines.unwrap_or(0))
}

/// A Go RE2 pattern as the Rust `regex` crate reads it. RE2 takes a `{`
/// that does not open a repetition (`\${\d+}`, `{{ .Values }}`) as a
/// literal, where `regex` refuses it: such a `{` is escaped. Everything
/// else is left as written (both read the rest of RE2's syntax alike).
pub fn go_regex(pattern: &str) -> std::borrow::Cow<'_, str> {
    let b = pattern.as_bytes();
    let mut out: Option<String> = None;
    let mut class = 0usize; // depth inside `[...]` (POSIX `[:alpha:]` nests)
    let mut i = 0;
    while i < b.len() {
        // How far this step reads (an escape is two characters).
        let mut next = i + 1;
        match b[i] {
            b'\\' => next = i + 2,
            b'[' if class == 0 => {
                class = 1;
                // `[]…]` and `[^]…]`: a `]` first is a literal.
                let mut j = i + 1;
                if b.get(j) == Some(&b'^') {
                    j += 1;
                }
                if b.get(j) == Some(&b']') {
                    next = j + 1;
                }
            }
            b'[' if b.get(i + 1) == Some(&b':') => class += 1,
            b']' if class > 0 => class -= 1,
            b'{' if class == 0 && !opens_repetition(&b[i + 1..]) => {
                out.get_or_insert_with(|| pattern[..i].to_owned())
                    .push_str("\\{");
                i += 1;
                continue;
            }
            _ => {}
        }
        // Whole characters only (an escaped one may be multi-byte).
        let next = (next.min(b.len())..=b.len())
            .find(|&j| pattern.is_char_boundary(j))
            .unwrap_or(b.len());
        if let Some(o) = out.as_mut() {
            o.push_str(&pattern[i..next]);
        }
        i = next;
    }
    match out {
        Some(o) => std::borrow::Cow::Owned(o),
        None => std::borrow::Cow::Borrowed(pattern),
    }
}

/// Whether the text after a `{` makes it a repetition: `n}`, `n,}`, `n,m}`.
fn opens_repetition(rest: &[u8]) -> bool {
    let digits = |s: &[u8]| s.iter().take_while(|c| c.is_ascii_digit()).count();
    let n = digits(rest);
    if n == 0 {
        return false;
    }
    match rest.get(n) {
        Some(b'}') => true,
        Some(b',') => {
            let m = digits(&rest[n + 1..]);
            rest.get(n + 1 + m) == Some(&b'}')
        }
        _ => false,
    }
}
