//! `keywarden scan` (files, `--staged`, `--git`, `--stdin`; text, JSON or
//! SARIF; baselines; `--verify`; `--revoke`), `keywarden scan export-rules`
//! and `keywarden hook install`.
//!
//! The scanning lives in `keywarden-scan`; this is argument parsing, the
//! progress bar, output, the questions to the server (`verify`: what each
//! key found is; the leak report), and exit codes.
//!
//! Submodules: `export` (`scan export-rules`), `verify` (`scan --verify`).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use keywarden_core::secret::SecretString;
use keywarden_proto::leaks::{LeakAccepted, LeakReport};
use keywarden_scan::{
    Archives, Baseline, Confidence, Config, Finding, HistoryOptions, Progress, Report, Scanner,
    files, git,
    gitleaks::GitleaksConfig,
    hook,
    report::{self, OutputOptions},
    rules,
};
use serde_json::json;

use crate::Outcome;

mod export;
mod vault;
mod verify;

/// Default server for `--revoke` when `KEYWARDEN_URL` is unset.
const DEFAULT_URL: &str = "http://127.0.0.1:8080";
/// Keys per `POST /v1/leaks` request.
const LEAK_BATCH: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Human-readable, coloured on a terminal.
    Text,
    /// One JSON document: findings and a summary.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Color {
    /// Colour when standard output is a terminal and NO_COLOR is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct ScanArgs {
    #[command(subcommand)]
    command: Option<ScanCommand>,
    /// Files or directories to scan (default: the current directory). With
    /// --staged or --git: the repository (default: the current directory).
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Scan only the lines added in the staged diff (for a pre-commit hook).
    #[arg(long, conflicts_with_all = ["git", "stdin"])]
    staged: bool,
    /// Scan the lines every commit added in the history of HEAD.
    #[arg(long, conflicts_with = "stdin")]
    git: bool,
    /// With --git: only commits after this revision (REV..HEAD).
    #[arg(long, value_name = "REV", requires = "git")]
    since: Option<String>,
    /// With --git: every branch and tag, not only HEAD.
    #[arg(long, requires = "git")]
    all: bool,
    /// Scan standard input.
    #[arg(long)]
    stdin: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Same as --format json.
    #[arg(long, conflicts_with = "format")]
    json: bool,
    /// Ignore findings whose fingerprints this baseline file holds (the only
    /// way to accept a checksum-verified key: allowlists never hide one).
    /// Fingerprints are keyed by the repository's root commit (and
    /// KEYWARDEN_FINGERPRINT_KEY when set): a baseline of another repository
    /// or key, or of the old unsalted format, is refused; a version 2
    /// baseline is read with a warning to record it again.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record every finding's fingerprint in this file and exit 0.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Configuration file (default: .keywarden.toml at the scan root or repository top).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// A gitleaks or Betterleaks 2 configuration whose rules and allowlists
    /// to use beside the built-in rules (default: .gitleaks.toml at the scan
    /// root, if any).
    /// What cannot be carried over is named in a warning.
    #[arg(long, value_name = "FILE")]
    gitleaks_config: Option<PathBuf>,
    /// Skip files larger than this many bytes (default 10 MiB, or the
    /// config's). Under 10 MiB, larger files are still searched for
    /// checksum-verified keys.
    #[arg(long, value_name = "BYTES")]
    max_file_size: Option<u64>,
    /// How many encodings deep to look for secrets (base64, hex,
    /// percent-encoding, \uXXXX/\xNN escapes, HTML entities), 0 to 5
    /// (default 3, or the config's `decode_depth`); 0 turns decoding off.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=5))]
    decode_depth: Option<u8>,
    /// Report only findings at or above this confidence: high (a checksum,
    /// a vault value, a live key), medium (a provider's format), low (a
    /// high-entropy value under a secret-like name).
    #[arg(long, value_name = "LEVEL", value_parser = parse_confidence)]
    min_confidence: Option<Confidence>,
    /// Do not open archives (zip, jar, war, whl, apk, tar, tar.gz, gz, …):
    /// skip them as binary files. By default a tree scan opens them,
    /// nested up to 3 deep, and shows a finding inside one as
    /// `outer.zip!inner.jar!file`.
    #[arg(long, conflicts_with_all = ["staged", "git", "stdin"])]
    no_archives: bool,
    /// Print whole secrets instead of their first and last few characters.
    #[arg(long)]
    show_secrets: bool,
    /// Report each keywarden key found (valid checksum) to KEYWARDEN_URL's
    /// POST /v1/leaks, which revokes it. With --verify: only the active ones.
    #[arg(long)]
    revoke: bool,
    /// Ask KEYWARDEN_URL (POST /v1/verify, with a root key holding
    /// keys:verify in KEYWARDEN_TOKEN) about each keywarden key found, and
    /// mark it active, revoked, expired, disabled or unknown. An active key
    /// fails the scan even when the baseline holds it. An unreachable or
    /// unavailable server is an error (exit 2).
    #[arg(long, conflicts_with = "write_baseline")]
    verify: bool,
    /// Also report values held in the keywarden vault, whatever their
    /// shape, as vault:<env>/<name> (redacted): KEYWARDEN_URL answers keyed
    /// digests made for this scan, never a value (KEYWARDEN_TOKEN needs
    /// secrets:read). KEYWARDEN_SCAN_VAULT=1 turns it on (the pre-commit
    /// hook). An unreachable server is an error (exit 2).
    #[arg(long, env = "KEYWARDEN_SCAN_VAULT", value_parser = clap::builder::FalseyValueParser::new(), num_args = 0, default_missing_value = "true")]
    vault: bool,
    /// With --vault: an environment to search (repeatable; default: every
    /// one the token holds).
    #[arg(long = "vault-env", value_name = "ENV")]
    vault_envs: Vec<String>,
    /// With --vault: the key space whose secrets are searched (default:
    /// default).
    #[arg(long, value_name = "SPACE")]
    vault_space: Option<String>,
    /// Server for --verify, --revoke and --vault.
    #[arg(long, env = "KEYWARDEN_URL", default_value = DEFAULT_URL, hide_env_values = true)]
    url: String,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Colour in text output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Print the rules (id, severity, description; with --format json also
    /// keywords and regex) and exit.
    #[arg(long)]
    list_rules: bool,
    /// No progress bar and no closing summary on standard error.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ScanCommand {
    /// Print a rule that finds this deployment's keys for another scanner:
    /// gitleaks or Betterleaks 2 (TOML), TruffleHog (YAML, verified through
    /// this server) or GitHub's secret-scanning partner program.
    ExportRules(export::ExportArgs),
}

#[derive(Debug, Subcommand)]
pub(crate) enum HookCommand {
    /// Install a git pre-commit hook that runs `keywarden scan --staged`.
    Install(HookArgs),
}

#[derive(Debug, Args)]
pub(crate) struct HookArgs {
    /// Replace an existing pre-commit hook that keywarden did not write.
    #[arg(long)]
    force: bool,
    /// The repository (default: the current directory).
    #[arg(value_name = "REPO", default_value = ".")]
    repo: PathBuf,
}

pub(crate) fn run_hook(cmd: HookCommand) -> anyhow::Result<Outcome> {
    match cmd {
        HookCommand::Install(args) => {
            let exe = std::env::current_exe().context("cannot find the keywarden executable")?;
            let done = hook::install_pre_commit(&args.repo, &exe, args.force)?;
            let what = match &done {
                hook::Installed::New(_) => "installed",
                hook::Installed::Updated(_) => "updated",
                hook::Installed::Replaced(_) => "replaced the previous hook with",
                _ => "installed",
            };
            println!(
                "{what} the keywarden pre-commit hook: {}",
                done.path().display()
            );
            println!(
                "commits that add secrets are now blocked (`git commit --no-verify` skips the check once)"
            );
            Ok(Outcome::Success)
        }
    }
}

/// Where the configuration is looked for when --config is not given.
fn config_dir(args: &ScanArgs) -> anyhow::Result<PathBuf> {
    if args.staged || args.git {
        let dir = args.paths.first().map_or(Path::new("."), |p| p.as_path());
        return Ok(git::toplevel(dir)?);
    }
    match args.paths.first() {
        Some(p) if p.is_dir() => Ok(p.clone()),
        Some(p) => Ok(p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)),
        None => Ok(PathBuf::from(".")),
    }
}

/// Mixed into the repository's fingerprint key when set: fingerprints in
/// baselines and SARIF files then resist guessing even by someone who
/// holds the repository (and its root commit id).
const FINGERPRINT_KEY_ENV: &str = "KEYWARDEN_FINGERPRINT_KEY";

fn load_config(args: &ScanArgs) -> anyhow::Result<Config> {
    let dir = config_dir(args)?;
    let mut config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::discover(&dir)?.0,
    };
    let gitleaks = match &args.gitleaks_config {
        Some(path) => Some((GitleaksConfig::load(path)?, path.clone())),
        None => GitleaksConfig::discover(&dir)?,
    };
    if let Some((g, path)) = gitleaks {
        for w in &g.warnings {
            eprintln!("warning: {}: {w}", path.display());
        }
        config.add_gitleaks(g);
    }
    // Keyed by the repository's root commit: stable across runs and
    // machines for one repository, different between repositories.
    config.fingerprint_key = git::fingerprint_key(&dir);
    if let Some(secret) = std::env::var_os(FINGERPRINT_KEY_ENV).filter(|v| !v.is_empty()) {
        config.fingerprint_key = config
            .fingerprint_key
            .with_secret(secret.as_encoded_bytes());
    }
    if args.no_archives {
        config.archives = Archives::Skipped;
    } else if config.archives == Archives::VerifiedOnly
        && !(args.staged || args.git || args.stdin || args.list_rules)
    {
        // A repository's file narrowed the scan: its user should know.
        eprintln!(
            "note: the configuration sets `archives = false`: archives are searched for \
             checksum-verified keys only (--no-archives skips them)"
        );
    }
    if let Some(max) = args.max_file_size {
        if max == 0 {
            bail!("--max-file-size must be at least 1 byte");
        }
        config.max_file_size = max;
    }
    if let Some(depth) = args.decode_depth {
        config.decode_depth = depth;
    }
    Ok(config)
}

/// A spinner on standard error, on a terminal only, fed from the scan's counters.
struct ProgressBar {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProgressBar {
    fn start(progress: Arc<Progress>, enabled: bool) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = (enabled && std::io::stderr().is_terminal()).then(|| {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let bar = indicatif::ProgressBar::new_spinner();
                bar.set_style(
                    indicatif::ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
                );
                // Short scans finish before the bar would be worth drawing.
                let mut waited = Duration::ZERO;
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    waited += Duration::from_millis(100);
                    if waited < Duration::from_millis(500) {
                        continue;
                    }
                    let commits = progress.commits.load(Ordering::Relaxed);
                    let mut msg = format!(
                        "{} files, {}",
                        progress.files.load(Ordering::Relaxed),
                        human_bytes(progress.bytes.load(Ordering::Relaxed))
                    );
                    if commits > 0 {
                        msg.push_str(&format!(", {commits} commits"));
                    }
                    bar.set_message(msg);
                    bar.tick();
                }
                bar.finish_and_clear();
            })
        });
        Self { stop, thread }
    }

    fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

fn parse_confidence(s: &str) -> Result<Confidence, String> {
    s.parse()
}

pub(crate) fn run(args: ScanArgs) -> anyhow::Result<Outcome> {
    if let Some(ScanCommand::ExportRules(export)) = &args.command {
        return export::run(export);
    }
    if args.stdin && !args.paths.is_empty() {
        bail!("--stdin takes no PATH");
    }
    if (args.staged || args.git) && args.paths.len() > 1 {
        bail!("--staged and --git take at most one PATH: the repository");
    }
    let config = load_config(&args)?;
    let mut scanner = Scanner::new(&config)?;
    if args.vault {
        scanner = scanner.with_vault(vault::index(
            &args.url,
            args.vault_space.clone(),
            &args.vault_envs,
        )?);
    }
    for note in scanner.notes() {
        eprintln!("note: {note}");
    }
    // A configuration that tried to switch off a checksum rule: said even
    // with --quiet, since the file may be a repository's attempt to hide a key.
    for warning in scanner.warnings() {
        eprintln!("warning: {warning}");
    }
    if args.list_rules {
        return list_rules(&args, &scanner);
    }
    let baseline = match &args.baseline {
        Some(path) => {
            let b = Baseline::load(path)?;
            if !b.matches_key(scanner.fingerprint_key()) {
                bail!(
                    "baseline {}: its fingerprints were derived under another key (another \
                     repository, or another {FINGERPRINT_KEY_ENV}), so none can match here. \
                     Record it again in this repository with --write-baseline",
                    path.display()
                );
            }
            Some(b)
        }
        None => None,
    };
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
    });
    if threads == 0 {
        bail!("--threads must be at least 1");
    }

    let progress = Arc::new(Progress::default());
    let bar = ProgressBar::start(Arc::clone(&progress), !args.quiet && !args.stdin);
    let repo = args
        .paths
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let result = if args.stdin {
        files::scan_reader(&scanner, std::io::stdin().lock(), "-", &progress)
    } else if args.staged {
        git::scan_staged(&scanner, &repo, &progress)
    } else if args.git {
        let options = HistoryOptions::new(args.since.clone(), args.all);
        git::scan_history(&scanner, &repo, &options, threads, &progress)
    } else {
        let roots = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.paths.clone()
        };
        files::scan_paths(&scanner, &roots, threads, &progress)
    };
    bar.finish();
    let mut report = result?;

    for err in &report.errors {
        eprintln!("error: {err}");
    }
    // Said even with --quiet, like errors: what was not scanned.
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }

    if let Some(path) = &args.write_baseline {
        let b = Baseline::from_findings(&report.findings, scanner.fingerprint_key());
        b.save(path)?;
        if !args.quiet {
            eprintln!("wrote {} fingerprints to {}", b.len(), path.display());
        }
        return if report.errors.is_empty() {
            Ok(Outcome::Success)
        } else {
            bail!("{} paths could not be read", report.errors.len())
        };
    }

    let verified = if args.verify {
        verify::verify(&args.url, &mut report.findings)?
    } else {
        verify::Verified::default()
    };
    for f in &mut report.findings {
        if f.is_live() {
            f.confidence = Confidence::High;
        }
    }
    if let Some(min) = args.min_confidence.or(config.min_confidence) {
        report.findings.retain(|f| f.confidence >= min);
    }

    let total = report.findings.len();
    let mut by_old_value = 0;
    if let Some(b) = &baseline {
        // A baseline is accepted risk for dead or test keys, never for a
        // working credential: a live key stays, marked as baselined.
        report.findings.retain_mut(|f| {
            if !b.contains(f) {
                // A version 2 baseline's entry for a short secret is its
                // value fingerprint: it still counts, and the user is told.
                if !b.contains_old_value(f, scanner.fingerprint_key()) {
                    return true;
                }
                by_old_value += 1;
            }
            f.baselined = f.is_live();
            f.baselined
        });
    }
    let baselined = total - report.findings.len();
    if let (Some(b), Some(path)) = (&baseline, &args.baseline)
        && b.holds_old_value_fingerprints()
    {
        old_baseline_warning(path, by_old_value);
    }

    write_report(&args, &scanner, &report)?;
    if !args.quiet {
        summary(&report, baselined);
        if args.verify {
            verify_summary(&report.findings, &verified, &args.url);
        }
    }
    if args.staged && !report.findings.is_empty() {
        eprintln!(
            "commit blocked: the staged changes add secrets. Remove them (and revoke any that were real); \
             mark a false positive with a `keywarden:allow` comment on its line (a checksum-verified key \
             is no false positive), or record known findings with --write-baseline."
        );
    }

    if args.revoke {
        let sent = revoke(&args.url, &report.findings, args.verify)?;
        if !args.quiet {
            eprintln!(
                "reported {sent} leaked keywarden key{} to {}/v1/leaks for revocation",
                if sent == 1 { "" } else { "s" },
                args.url.trim_end_matches('/')
            );
        }
    }

    if !report.errors.is_empty() {
        bail!(
            "{} path{} could not be read",
            report.errors.len(),
            if report.errors.len() == 1 { "" } else { "s" }
        );
    }
    Ok(if report.findings.is_empty() {
        Outcome::Success
    } else {
        Outcome::Negative
    })
}

/// The regex a dedicated pass stands for, for rule listings.
const KEYWARDEN_KEY_REGEX: &str = r"\b[a-z][a-z0-9]{0,15}_[a-z][a-z0-9]{0,11}_[0-9A-Za-z]{49}\b";

fn list_rules(args: &ScanArgs, scanner: &Scanner) -> anyhow::Result<Outcome> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json || args.format != Format::Text {
        let list: Vec<_> = scanner
            .rules()
            .iter()
            .map(|r| {
                let regex = match r.kind {
                    rules::RuleKind::KeywardenKey => Some(KEYWARDEN_KEY_REGEX.to_owned()),
                    _ => r.regex.as_ref().map(|re| re.as_str().to_owned()),
                };
                json!({
                    "id": r.id,
                    "provider": r.provider,
                    "severity": r.severity,
                    "description": r.description,
                    "keywords": r.keywords,
                    "regex": regex,
                    "multiline": r.multiline,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &list)?;
        writeln!(out)?;
    } else {
        for r in scanner.rules() {
            writeln!(out, "{:<34} {:<8} {}", r.id, r.severity, r.description)?;
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}

fn write_report(args: &ScanArgs, scanner: &Scanner, report: &Report) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let format = if args.json { Format::Json } else { args.format };
    let opts = OutputOptions::new(args.show_secrets, color && format == Format::Text);
    let mut out = std::io::BufWriter::new(stdout.lock());
    match format {
        Format::Text => report::write_text(&mut out, &report.findings, opts)?,
        Format::Json => report::write_json(&mut out, &report.findings, &report.stats, opts)?,
        Format::Sarif => report::write_sarif(
            &mut out,
            &report.findings,
            scanner.rules(),
            &report.stats,
            opts,
        )?,
    }
    out.flush()?;
    Ok(())
}

/// Says that a version 2 baseline is read, what that means, and what to do.
fn old_baseline_warning(path: &Path, by_old_value: usize) {
    eprintln!(
        "warning: baseline {path} is version 2: it fingerprints secrets under 20 characters by \
         their value, which anyone holding the repository can test likely passwords against. \
         This version fingerprints them by their line instead; {by_old_value} finding{s} matched \
         only an old value fingerprint and {are} still treated as baselined. Record the baseline \
         again with `keywarden scan --write-baseline {path}` (and rotate short passwords if the \
         old file was published)",
        path = path.display(),
        s = if by_old_value == 1 { "" } else { "s" },
        are = if by_old_value == 1 { "is" } else { "are" },
    );
}

fn summary(report: &Report, baselined: usize) {
    let s = &report.stats;
    let secs = s.elapsed.as_secs_f64();
    let mut line = format!(
        "scanned {} file{} ({}) in {secs:.2} s",
        s.files,
        if s.files == 1 { "" } else { "s" },
        human_bytes(s.bytes)
    );
    if s.commits > 0 {
        line.push_str(&format!(", {} commits", s.commits));
    }
    if secs > 0.0 && s.bytes > 0 {
        line.push_str(&format!(", {:.0} MB/s", s.bytes as f64 / 1e6 / secs));
    }
    let n = report.findings.len();
    line.push_str(&format!(": {n} finding{}", if n == 1 { "" } else { "s" }));
    if baselined > 0 {
        line.push_str(&format!(" ({baselined} in the baseline, not shown)"));
    }
    // Always said, even when none: an allowlist (or an inline comment) is
    // the repository's word, and what it hides should never go unnoticed.
    line.push_str(&format!("; {} suppressed by allowlists", s.allowlisted));
    if s.ignored > 0 {
        line.push_str(&format!(
            "; {} ignored file{} searched for checksum-verified keys only",
            s.ignored,
            if s.ignored == 1 { "" } else { "s" }
        ));
    }
    if s.archives > 0 {
        line.push_str(&format!(
            "; opened {} archive{}",
            s.archives,
            if s.archives == 1 { "" } else { "s" }
        ));
    }
    let skipped = s.skipped_binary + s.skipped_large;
    if skipped > 0 {
        line.push_str(&format!(
            "; skipped {} binary and {} large",
            s.skipped_binary, s.skipped_large
        ));
    }
    eprintln!("{line}");
}

/// Says how many keys the server was asked about and how many are live,
/// and names the live root keys.
fn verify_summary(findings: &[Finding], verified: &verify::Verified, url: &str) {
    let asked = verified.asked;
    let mut live = std::collections::HashSet::new();
    let mut live_baselined = 0;
    for f in findings.iter().filter(|f| f.is_live()) {
        live.insert(f.secret.expose());
        live_baselined += usize::from(f.baselined);
    }
    let mut line = format!(
        "verified {asked} keywarden key{} at {}: {} active",
        if asked == 1 { "" } else { "s" },
        url.trim_end_matches('/'),
        live.len()
    );
    if live_baselined > 0 {
        line.push_str(&format!(
            " ({live_baselined} finding{} of a live key in the baseline: a baseline does not cover a working key)",
            if live_baselined == 1 { "" } else { "s" }
        ));
    }
    eprintln!("{line}");
    for (id, may) in &verified.live_root_keys {
        eprintln!(
            "LIVE ROOT KEY {id} (may: {}): it manages the whole deployment; revoke it now \
             (`keywarden scan --revoke`, or `keywarden admin root-key revoke {id}`)",
            may.join(", ")
        );
    }
}

/// Sends each keywarden key with a valid checksum (with `only_live`: each
/// one the server said is active) to `POST {url}/v1/leaks` in batches, and
/// returns how many keys were sent. Any answer but 202, or no answer, is an
/// error.
fn revoke(url: &str, findings: &[Finding], only_live: bool) -> anyhow::Result<usize> {
    let mut seen = std::collections::HashSet::new();
    let leaks: Vec<_> = findings
        .iter()
        .filter(|f| verify::is_key(f) && (!only_live || f.is_live()))
        .filter(|f| seen.insert(f.secret.expose().to_owned()))
        .map(|f| LeakReport {
            key: SecretString::new(f.secret.expose().to_owned()),
            source: Some(f.location()),
        })
        .collect();
    if leaks.is_empty() {
        return Ok(0);
    }
    let endpoint = format!("{}/v1/leaks", url.trim_end_matches('/'));
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .context("cannot build the HTTP client")?;
    for batch in leaks.chunks(LEAK_BATCH) {
        // The error of a failed request names the URL, never the body.
        let response = client.post(&endpoint).json(&batch).send().map_err(|e| {
            anyhow::anyhow!(
                "cannot reach the keywarden server to report leaked keys to {endpoint} ({}); \
                     is it running? Set KEYWARDEN_URL or --url",
                e.without_url()
            )
        })?;
        let status = response.status();
        if status != reqwest::StatusCode::ACCEPTED {
            bail!("reporting leaked keys to {endpoint}: expected 202 Accepted, got {status}");
        }
        // 202 confirms only with `processed`: the server revoked every key
        // of the batch before answering. An older server answered 202
        // first and revoked after, which confirms nothing.
        let processed = response
            .json::<LeakAccepted>()
            .ok()
            .map(|answer| answer.processed);
        if processed != Some(batch.len()) {
            bail!(
                "reporting leaked keys to {endpoint}: the server did not confirm that it \
                 revoked them (expected \"processed\": {}); revoke them yourself, or upgrade the server",
                batch.len()
            );
        }
    }
    Ok(leaks.len())
}
