//! Output formats: human text (colour on a terminal), JSON, and SARIF 2.1.0
//! (accepted by GitHub code scanning).
//!
//! Every format shows the redacted secret; the full secret appears only when
//! the caller passes `show_secrets` (the CLI's `--show-secrets`).

use std::io::Write;

use serde_json::{Value, json};

use crate::files::Stats;
use crate::finding::{Finding, KeyStatus, Severity, fingerprints_by_line};
use crate::rules::{Rule, RuleKind};

/// How to print findings.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct OutputOptions {
    /// Print the whole secret instead of its redacted form.
    pub show_secrets: bool,
    /// ANSI colour (text format only).
    pub color: bool,
}

impl OutputOptions {
    /// Options with `show_secrets` and `color`.
    pub fn new(show_secrets: bool, color: bool) -> Self {
        Self {
            show_secrets,
            color,
        }
    }
}

fn shown(f: &Finding, opts: OutputOptions) -> String {
    if f.secret.is_empty() {
        "(file)".to_owned()
    } else if opts.show_secrets {
        f.secret.expose().to_owned()
    } else {
        f.secret.redacted()
    }
}

fn paint(text: &str, code: &str, on: bool) -> String {
    if on {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

fn severity_colour(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "1;31",
        Severity::High => "31",
        Severity::Medium => "33",
        Severity::Low => "36",
    }
}

/// Human-readable findings, one block per finding.
pub fn write_text(
    out: &mut impl Write,
    findings: &[Finding],
    opts: OutputOptions,
) -> std::io::Result<()> {
    for f in findings {
        let verified = if f.verified_checksum {
            " (checksum verified)"
        } else {
            ""
        };
        writeln!(
            out,
            "{}:{}:{}: {} [{}] {}{verified}",
            paint(&f.path, "1", opts.color),
            f.line,
            f.column,
            paint(f.severity.as_str(), severity_colour(f.severity), opts.color),
            f.rule_id,
            f.description,
        )?;
        writeln!(out, "    secret: {}", shown(f, opts))?;
        if let Some(chain) = &f.decoded {
            writeln!(
                out,
                "    decoded: {chain} (the position is the encoded text's)"
            )?;
        }
        writeln!(out, "    confidence: {}", f.confidence)?;
        if let Some(status) = f.status {
            let note = match (status, f.baselined) {
                (KeyStatus::Active, true) => {
                    " (live, baselined: a working key is never accepted risk; revoke it)"
                }
                (KeyStatus::Active, false) => " (live: revoke it)",
                _ => "",
            };
            let shown_status = if status == KeyStatus::Active {
                paint(status.as_str(), "1;31", opts.color)
            } else {
                status.as_str().to_owned()
            };
            writeln!(out, "    status: {shown_status}{note}")?;
        }
        if let Some(c) = &f.commit {
            writeln!(
                out,
                "    commit: {} by {} <{}> on {}",
                c.id, c.author, c.email, c.date
            )?;
        }
        writeln!(out, "    fingerprint: {}", f.fingerprint)?;
    }
    Ok(())
}

/// One finding as a JSON object.
pub fn finding_json(f: &Finding, opts: OutputOptions) -> Value {
    let mut v = json!({
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "end_column": f.end_column,
        "rule": &*f.rule_id,
        "description": &*f.description,
        "severity": f.severity,
        "match": shown(f, OutputOptions { show_secrets: false, ..opts }),
        "fingerprint": f.fingerprint,
        "verified_checksum": f.verified_checksum,
        "confidence": f.confidence,
    });
    if let Some(chain) = &f.decoded {
        v["decoded"] = json!(chain);
    }
    if opts.show_secrets && !f.secret.is_empty() {
        v["secret"] = json!(f.secret.expose());
    }
    if let Some(c) = &f.commit {
        v["commit"] = json!(&**c);
    }
    if let Some(status) = f.status {
        v["status"] = json!(status);
    }
    if f.baselined {
        v["baselined"] = json!(true);
    }
    v
}

/// The scan's totals as JSON.
pub fn stats_json(stats: &Stats, findings: usize) -> Value {
    json!({
        "files": stats.files,
        "bytes": stats.bytes,
        "commits": stats.commits,
        "skipped_binary": stats.skipped_binary,
        "skipped_large": stats.skipped_large,
        "allowlisted": stats.allowlisted,
        "ignored": stats.ignored,
        "archives": stats.archives,
        "elapsed_ms": stats.elapsed.as_millis() as u64,
        "findings": findings,
    })
}

/// `{"findings": [...], "summary": {...}}`.
pub fn write_json(
    out: &mut impl Write,
    findings: &[Finding],
    stats: &Stats,
    opts: OutputOptions,
) -> std::io::Result<()> {
    let doc = json!({
        "findings": findings.iter().map(|f| finding_json(f, opts)).collect::<Vec<_>>(),
        "summary": stats_json(stats, findings.len()),
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// GitHub's `security-severity` scale (0–10) for a severity.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

/// Where each rule is documented (`docs/SCAN-RULES.md`, one anchor per rule).
pub const RULES_DOC_URL: &str =
    "https://github.com/keywarden/keywarden/blob/main/docs/SCAN-RULES.md";

/// A rule's human-readable SARIF `name`: its description as one PascalCase
/// identifier (`GitHubPersonalAccessTokenClassic`); SARIF wants it to
/// differ from the opaque `id`.
pub fn rule_name(rule: &Rule) -> String {
    // Vault rules share one description: named by their label
    // (`vault:live/DB_PASSWORD` is `VaultValueLiveDBPASSWORD`).
    let (mut out, words) = match rule.id.strip_prefix(crate::rules::VAULT_RULE_PREFIX) {
        Some(label) if rule.kind == RuleKind::Vault => ("VaultValue".to_owned(), label),
        _ => (String::new(), rule.description.as_str()),
    };
    for word in words
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.push_str(chars.as_str());
        }
    }
    if out.is_empty() || out == rule.id {
        out = format!(
            "Rule{}",
            rule.id.replace(|c: char| !c.is_ascii_alphanumeric(), "")
        );
    }
    out
}

/// ` (status: active, live, baselined)` and the like, for a finding whose
/// key the server was asked about; empty otherwise.
fn status_note(f: &Finding) -> String {
    match (f.status, f.baselined) {
        (Some(KeyStatus::Active), true) => " (status: active: live, baselined)".to_owned(),
        (Some(KeyStatus::Active), false) => " (status: active: live)".to_owned(),
        (Some(s), _) => format!(" (status: {s})"),
        (None, _) => String::new(),
    }
}

/// The `partialFingerprints` name of a finding's fingerprint: `keywarden/v2`
/// for a value fingerprint (the scheme of version 2, unchanged, so code
/// scanning keeps matching those alerts), `keywarden/v3-line` for a short
/// secret's line fingerprint.
pub fn fingerprint_name(f: &Finding) -> &'static str {
    if fingerprints_by_line(f.secret.expose()) {
        "keywarden/v3-line"
    } else {
        "keywarden/v2"
    }
}

/// A SARIF 2.1.0 log with one run: the tool with every rule (a vault rule
/// only if a finding is its: a vault may hold hundreds), one result
/// per finding (location, region, `partialFingerprints`), and the run's
/// `properties.allowlisted` (findings allowlists and inline comments
/// suppressed), `properties.ignored` (ignored files searched for
/// checksum-verified keys only) and `properties.archives` (archives
/// opened). A finding in an archive's entry has the entry's path as its
/// artifact URI, unchanged (`app.zip!config.yml`: `!` is legal in a URI).
pub fn sarif(findings: &[Finding], rules: &[Rule], stats: &Stats, opts: OutputOptions) -> Value {
    let found: std::collections::HashSet<&str> = findings.iter().map(|f| &*f.rule_id).collect();
    let rules: Vec<&Rule> = rules
        .iter()
        .filter(|r| r.kind != RuleKind::Vault || found.contains(r.id.as_str()))
        .collect();
    let rule_list: Vec<Value> = rules
        .iter()
        .map(|r| {
            if r.kind == RuleKind::Vault {
                return vault_rule_json(r);
            }
            let help = format!(
                "{} ({}). Remove the secret from the file and from the git history, and revoke or rotate it where it was issued; a false positive can be marked with a `keywarden:allow` comment on its line (a checksum-verified key is no false positive: only a baseline entry covers it).",
                r.description, r.provider
            );
            json!({
                "id": r.id,
                "name": rule_name(r),
                "shortDescription": {"text": r.description},
                "fullDescription": {"text": format!("{} ({}).", r.description, r.provider)},
                "help": {"text": help, "markdown": help},
                "helpUri": format!("{RULES_DOC_URL}#{}", r.id),
                "defaultConfiguration": {"level": sarif_level(r.severity)},
                "properties": {
                    "tags": ["security", "secret"],
                    "security-severity": security_severity(r.severity),
                    "precision": match r.confidence() {
                        crate::Confidence::High => "very-high",
                        crate::Confidence::Medium => "high",
                        crate::Confidence::Low => "medium",
                    },
                },
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut props = json!({
                "severity": f.severity,
                "verified_checksum": f.verified_checksum,
                "confidence": f.confidence,
                "match": shown(f, OutputOptions { show_secrets: false, ..opts }),
            });
            if let Some(chain) = &f.decoded {
                props["decoded"] = json!(chain);
            }
            if let Some(c) = &f.commit {
                props["commit"] = json!(&**c);
            }
            if let Some(status) = f.status {
                props["status"] = json!(status);
            }
            if f.baselined {
                props["baselined"] = json!(true);
            }
            let mut result = json!({
                "ruleId": &*f.rule_id,
                "level": sarif_level(f.severity),
                "message": {"text": format!("{}: {}{}", f.description, shown(f, opts), status_note(f))},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.column,
                            "endColumn": f.end_column.max(f.column + 1),
                        },
                    },
                }],
                "partialFingerprints": {fingerprint_name(f): f.fingerprint},
                "properties": props,
            });
            if let Some(i) = rules.iter().position(|r| *r.id == *f.rule_id) {
                result["ruleIndex"] = json!(i);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "keywarden",
                "informationUri": "https://github.com/keywarden/keywarden",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rule_list,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {
                "allowlisted": stats.allowlisted,
                "ignored": stats.ignored,
                "archives": stats.archives,
            },
        }],
    })
}

/// The SARIF descriptor of a vault rule: its label in the descriptions, no
/// `helpUri` (the rules document lists built-in rules only).
fn vault_rule_json(r: &Rule) -> Value {
    let label =
        r.id.strip_prefix(crate::rules::VAULT_RULE_PREFIX)
            .unwrap_or(&r.id);
    let help = format!(
        "{} ({label}): the same bytes as the value the keywarden vault holds under this label. Remove it from the file and from the git history, and rotate the value in the vault and wherever it is used; a known copy can be recorded in a baseline.",
        r.description
    );
    json!({
        "id": r.id,
        "name": rule_name(r),
        "shortDescription": {"text": format!("{} ({label})", r.description)},
        "fullDescription": {"text": format!("{} ({label}), found by its digest under a key drawn for the scan.", r.description)},
        "help": {"text": help, "markdown": help},
        "defaultConfiguration": {"level": sarif_level(r.severity)},
        "properties": {
            "tags": ["security", "secret"],
            "security-severity": security_severity(r.severity),
            "precision": "very-high",
        },
    })
}

/// Writes [`sarif`] pretty-printed.
pub fn write_sarif(
    out: &mut impl Write,
    findings: &[Finding],
    rules: &[Rule],
    stats: &Stats,
    opts: OutputOptions,
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &sarif(findings, rules, stats, opts))?;
    writeln!(out)
}

/// `docs/SCAN-RULES.md`: every rule with its provider, severity,
/// description and keywords, and the count of providers. A test keeps the
/// committed file equal to this (`scripts/scan-rules-doc` rewrites it).
pub fn rules_markdown(rules: &[Rule]) -> String {
    let mut providers: Vec<&str> = rules
        .iter()
        .filter(|r| r.kind == RuleKind::Regex && !r.generic && r.provider != "custom")
        .map(|r| r.provider.as_str())
        .collect();
    providers.sort_unstable();
    providers.dedup();
    let mut out = String::from(
        "# keywarden scan: built-in rules\n\n\
         Generated from the built-in rules by `scripts/scan-rules-doc` (a test checks that this file is current).\n\
         Every rule has positive and negative examples in `crates/keywarden-scan/tests/scan/rules.rs`\n\
         or `crates/keywarden-scan/tests/scan/samples.rs`, and cases in the corpus under\n\
         `crates/keywarden-scan/tests/data/corpus/`.\n\
         Keywords are the literal prefilter: a rule's regex runs only on lines holding one of them.\n\n",
    );
    out.push_str(&format!(
        "{} rules for {} providers and formats, plus the generic rule and the file checks.\n\n",
        rules.len(),
        providers.len()
    ));
    out.push_str("| id | provider | severity | finds | keywords |\n|---|---|---|---|---|\n");
    for r in rules {
        let keywords = match r.kind {
            RuleKind::KeywardenKey => "(dedicated pass)".to_owned(),
            RuleKind::TrackedFile => "(file name)".to_owned(),
            RuleKind::Pkcs12File => "(binary file content)".to_owned(),
            RuleKind::Vault => "(vault digest)".to_owned(),
            _ => {
                let shown: Vec<String> = r
                    .keywords
                    .iter()
                    .take(6)
                    .map(|k| {
                        format!(
                            "`{}`",
                            k.replace('\n', "\\n")
                                .replace('\r', "\\r")
                                .replace('|', "\\|")
                        )
                    })
                    .collect();
                let mut s = shown.join(", ");
                if r.keywords.len() > 6 {
                    s.push_str(&format!(", … ({})", r.keywords.len()));
                }
                s
            }
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | <a id=\"{}\"></a>{} | {keywords} |\n",
            r.id, r.provider, r.severity, r.id, r.description
        ));
    }
    out.push_str(
        "\n## Documented example values\n\n\
         Values published for everyone to copy are never findings, in any file\n\
         (`keywarden_scan::validate::DOCUMENTED_EXAMPLES`; a finding holding one is\n\
         dropped). Shown by their first characters and length.\n\n\
         | value | source |\n|---|---|\n",
    );
    for ex in crate::validate::DOCUMENTED_EXAMPLES {
        let head: String = ex.value.chars().take(6).collect();
        out.push_str(&format!(
            "| `{}…` ({} characters) | {} |\n",
            head.replace('|', "\\|"),
            ex.value.chars().count(),
            ex.source.replace('|', "\\|")
        ));
    }
    out
}
