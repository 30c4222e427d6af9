//! Reading a gitleaks configuration (`.gitleaks.toml`, gitleaks' documented
//! format): its `[[rules]]` (`id`, `description`, `regex`, `secretGroup`,
//! `keywords`, `entropy`, `path`) and allowlists (the global `[allowlist]`,
//! per-rule `[rules.allowlist]` and `[[rules.allowlists]]`: `regexes`,
//! `regexTarget`, `paths`, `stopwords`, `condition`) become keywarden rules
//! and allowlists, next to the built-in rules.
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

use toml::{Table, Value};

use crate::error::ScanError;

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
    /// The capture group holding the secret (0 or absent: the whole match).
    pub secret_group: Option<usize>,
    /// Literal prefilter words (gitleaks: case-insensitive).
    pub keywords: Vec<String>,
    /// Minimum Shannon entropy of the secret.
    pub entropy: Option<f64>,
    /// Only files whose path matches.
    pub path: Option<String>,
    /// The rule's allowlists (any one allows).
    pub allowlists: Vec<Allowlist>,
}

/// A gitleaks configuration, read.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct GitleaksConfig {
    /// Its rules.
    pub rules: Vec<ImportedRule>,
    /// Its global allowlists.
    pub allowlists: Vec<Allowlist>,
    /// What was not carried over, one sentence each.
    pub warnings: Vec<String>,
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
        for (key, value) in &table {
            match key.as_str() {
                "title" | "description" | "minVersion" => {}
                "rules" => {
                    let rules = value
                        .as_array()
                        .ok_or_else(|| bad("`rules` must be an array of tables ([[rules]])".into()))?;
                    for (i, rule) in rules.iter().enumerate() {
                        let rule = rule
                            .as_table()
                            .ok_or_else(|| bad(format!("rules[{i}] is not a table")))?;
                        if let Some(r) = out.rule(rule, i, &bad)? {
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
        Ok(out)
    }

    fn rule(
        &mut self,
        t: &Table,
        i: usize,
        bad: &impl Fn(String) -> ScanError,
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
        };
        for (key, value) in t {
            match key.as_str() {
                k if DESCRIPTIVE.contains(&k) => {}
                "regex" | "keywords" => {}
                "secretGroup" => {
                    let g = value
                        .as_integer()
                        .and_then(|g| usize::try_from(g).ok())
                        .ok_or_else(|| {
                            bad(format!(
                                "rule {id}: secretGroup must be a non-negative integer"
                            ))
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
                    regex::Regex::new(r)
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
