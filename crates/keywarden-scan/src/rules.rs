//! Rules: what a secret looks like. [`builtin`] lists every built-in rule;
//! custom rules come from `.keywarden.toml` ([`crate::config`]).
//!
//! A rule is an id, a description, a severity, literal keywords (the
//! prefilter: a line is looked at only if one of them occurs in it), a regex
//! whose `secret` group (or whole match) is the secret, and a [`Check`].
//! Two rules are not regexes: `keywarden-key` (found by a dedicated pass and
//! proved by `keywarden_core::key::parse`) and `secrets-file-tracked` (a
//! file name).

use regex::bytes::Regex;

mod providers;

use crate::error::ScanError;
use crate::finding::Severity;
use crate::validate::Check;

/// How a rule finds its matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RuleKind {
    /// Keywords, then a regex on the lines that hold one.
    Regex,
    /// The dedicated keywarden-key pass (no literal to search for: any
    /// prefix and environment), each candidate checksum-verified.
    KeywardenKey,
    /// A secrets file (`.env`, …) tracked by git: matched on file names.
    TrackedFile,
    /// A PKCS#12 (`.p12`, `.pfx`) key store: a binary file recognised by
    /// its DER structure (a SEQUENCE whose first field is version 3).
    Pkcs12File,
    /// A value held in the keywarden vault, found by its digest
    /// ([`crate::vault`]): one rule per label, id `vault:<label>`.
    Vault,
}

/// The id prefix of vault rules (`vault:live/DB_PASSWORD`): no other rule
/// may take it.
pub const VAULT_RULE_PREFIX: &str = "vault:";

/// The description of every vault rule.
pub const VAULT_DESCRIPTION: &str = "a value held in the keywarden vault";

/// One compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Stable id (`github-pat`), used in output, allowlists and baselines.
    pub id: String,
    /// Whose secret it finds (`GitHub`, `Stripe`, `PEM`; `custom` for
    /// configured rules).
    pub provider: String,
    /// One line saying what it finds.
    pub description: String,
    /// How bad a finding is.
    pub severity: Severity,
    /// How it finds matches.
    pub kind: RuleKind,
    /// Literal prefilter, case-sensitive: at least one must occur on a line
    /// for the regex to run there.
    pub keywords: Vec<String>,
    /// The pattern; its `secret` group, if any, is the secret.
    pub regex: Option<Regex>,
    /// What must hold beyond the regex.
    pub check: Check,
    /// The match may span lines (PEM blocks): the regex runs from the
    /// keyword's line over a bounded window.
    pub multiline: bool,
    /// An entropy rule over assigned values: skipped in lock files, and
    /// references and placeholders are not findings.
    pub generic: bool,
    /// Only files whose path (as shown, `/`-separated) matches.
    pub path: Option<regex::Regex>,
    /// The capture group holding the secret, by number (gitleaks'
    /// `secretGroup`); otherwise the `secret` group or the whole match.
    pub secret_group: Option<usize>,
    /// Allowlists of this rule (gitleaks' per-rule allowlists).
    pub allowlists: Vec<crate::gitleaks::Allowlist>,
    /// Read from a gitleaks or Betterleaks configuration: the
    /// configuration's global filter and prefilter apply to it.
    pub imported: bool,
    /// Betterleaks' `filter`: a match it holds true for is dropped.
    pub filter: Option<crate::filter::Filter>,
    /// Reported (false: Betterleaks' `skipReport`, a component only).
    pub report: bool,
    /// Composite rule: (index in the scanner's rules, at most this many
    /// lines away) of each rule whose match the file must also hold.
    pub components: Vec<(usize, Option<usize>)>,
}

/// The regex size limit of built-in and custom rules.
const SIZE_LIMIT: usize = 8 << 20;

/// The lazy DFA cache limit of an imported rule's regex (per regex and
/// thread): hundreds of imported rules at the default would hold hundreds
/// of megabytes.
const IMPORTED_DFA_LIMIT: usize = 256 << 10;

impl Rule {
    /// A rule read from a gitleaks configuration: like [`Rule::regex`], but
    /// it may have no keywords (its regex then runs over whole files), and
    /// its regex is read as Go's RE2 reads it: Unicode off (`\w`, `\d`,
    /// `\s`, `\b` are ASCII), unless it needs Unicode (`\p{L}`). Fails
    /// with [`ScanError::RegexTooBig`] when the regex compiles past the
    /// size limit. Its `components` are left for the scanner to resolve.
    pub fn imported(r: &crate::gitleaks::ImportedRule, id: &str) -> Result<Self, ScanError> {
        let keywords: Vec<String> = r
            .keywords
            .iter()
            .filter(|k| !k.is_empty())
            .flat_map(|k| case_variants(k))
            .collect();
        let check = r.entropy.map_or(Check::None, Check::Shannon);
        let pattern = crate::gitleaks::go_regex(&r.regex);
        let build = |unicode: bool| {
            regex::bytes::RegexBuilder::new(&pattern)
                .unicode(unicode)
                .size_limit(SIZE_LIMIT)
                .dfa_size_limit(IMPORTED_DFA_LIMIT)
                .build()
        };
        let regex = build(false)
            .or_else(|e| match e {
                regex::Error::CompiledTooBig(_) => Err(e),
                _ => build(true),
            })
            .map_err(|e| match e {
                regex::Error::CompiledTooBig(limit) => ScanError::RegexTooBig {
                    id: id.to_owned(),
                    limit,
                },
                e => ScanError::Rule {
                    id: id.to_owned(),
                    message: format!("bad regex: {e}"),
                },
            })?;
        // Built with a placeholder keyword and regex, which are then replaced.
        let mut rule = Self::regex(
            id,
            &r.description,
            r.severity.unwrap_or(Severity::High),
            vec!["-".into()],
            "-",
            check,
        )?;
        rule.regex = Some(regex);
        rule.imported = true;
        rule.filter = r.filter.clone();
        rule.report = !r.skip_report;
        rule.keywords = keywords;
        rule.keywords.sort();
        rule.keywords.dedup();
        rule.provider = "gitleaks config".to_owned();
        rule.secret_group = r.secret_group;
        rule.allowlists = r.allowlists.clone();
        if let Some(p) = &r.path {
            rule.path = Some(
                regex::Regex::new(&crate::gitleaks::go_regex(p)).map_err(|e| ScanError::Rule {
                    id: id.to_owned(),
                    message: format!("bad path regex: {e}"),
                })?,
            );
        }
        Ok(rule)
    }

    /// A regex rule. Fails with [`ScanError::Rule`] on a bad regex or a rule
    /// without keywords.
    pub fn regex(
        id: &str,
        description: &str,
        severity: Severity,
        keywords: Vec<String>,
        pattern: &str,
        check: Check,
    ) -> Result<Self, ScanError> {
        Self::build(id, description, severity, keywords, pattern, check, true)
    }

    /// [`Rule::regex`]; `unicode: false` for the built-in (ASCII) patterns.
    fn build(
        id: &str,
        description: &str,
        severity: Severity,
        keywords: Vec<String>,
        pattern: &str,
        check: Check,
        unicode: bool,
    ) -> Result<Self, ScanError> {
        if keywords.is_empty() || keywords.iter().any(String::is_empty) {
            return Err(ScanError::Rule {
                id: id.to_owned(),
                message: "a rule needs at least one non-empty keyword (its literal prefilter)"
                    .to_owned(),
            });
        }
        let regex = regex::bytes::RegexBuilder::new(pattern)
            .unicode(unicode)
            .size_limit(SIZE_LIMIT)
            .build()
            .map_err(|e| ScanError::Rule {
                id: id.to_owned(),
                message: format!("bad regex: {e}"),
            })?;
        Ok(Self {
            id: id.to_owned(),
            provider: "custom".to_owned(),
            description: description.to_owned(),
            severity,
            kind: RuleKind::Regex,
            keywords,
            regex: Some(regex),
            check,
            multiline: false,
            generic: false,
            path: None,
            secret_group: None,
            allowlists: Vec::new(),
            imported: false,
            filter: None,
            report: true,
            components: Vec::new(),
        })
    }

    /// Whether every finding of this rule is proved real by a checksum
    /// (`keywarden-key`; GitHub's and npm's CRC-32 tokens). Such a rule
    /// cannot be disabled, and runs on files a `.keywardenignore` keeps
    /// out of the scan: a repository's file never hides a verified key.
    pub fn checksum_verified(&self) -> bool {
        self.kind == RuleKind::KeywardenKey
            || matches!(
                self.check,
                Check::KeywardenChecksum | Check::Crc32Base62Suffix
            )
    }

    /// How sure a match of this rule is, unless a checksum or a live check
    /// proves it ([`crate::Confidence`]): high for the checksum rules and
    /// vault values, low for the generic rule, medium for a provider's
    /// format (custom and imported rules included).
    pub fn confidence(&self) -> crate::Confidence {
        if self.checksum_verified() || self.kind == RuleKind::Vault {
            crate::Confidence::High
        } else if self.generic {
            crate::Confidence::Low
        } else {
            crate::Confidence::Medium
        }
    }

    /// The rule of the vault value labelled `label` (`live/DB_PASSWORD`).
    pub(crate) fn vault(label: &str) -> Self {
        let mut rule = Self::special(
            &format!("{VAULT_RULE_PREFIX}{label}"),
            VAULT_DESCRIPTION,
            Severity::High,
            RuleKind::Vault,
        );
        rule.provider = "keywarden vault".to_owned();
        rule
    }

    fn special(id: &str, description: &str, severity: Severity, kind: RuleKind) -> Self {
        Self {
            id: id.to_owned(),
            provider: "keywarden".to_owned(),
            description: description.to_owned(),
            severity,
            kind,
            keywords: Vec::new(),
            regex: None,
            check: Check::None,
            multiline: false,
            generic: false,
            path: None,
            secret_group: None,
            allowlists: Vec::new(),
            imported: false,
            filter: None,
            report: true,
            components: Vec::new(),
        }
    }
}

/// Default entropy bar of the generic rule, in bits per character.
pub const DEFAULT_MIN_ENTROPY: f64 = 3.5;

/// The id of the keywarden-key rule.
pub const KEYWARDEN_KEY: &str = "keywarden-key";
/// The id of the tracked-secrets-file rule.
pub const SECRETS_FILE_TRACKED: &str = "secrets-file-tracked";
/// The id of the PKCS#12 file rule.
pub const PKCS12_FILE: &str = "pkcs12-file";
/// The id of the generic assignment rule.
pub const GENERIC_SECRET: &str = "generic-secret";

use Severity::{Critical, High, Low, Medium};

/// A built-in regex rule, as written in the table below.
struct Spec {
    id: &'static str,
    provider: &'static str,
    description: &'static str,
    severity: Severity,
    keywords: &'static [&'static str],
    regex: &'static str,
    check: Check,
    /// The regex may span lines (from the keyword's line, a bounded window).
    multiline: bool,
    /// Only files whose path matches this regex.
    path: Option<&'static str>,
    /// Keywords are names: also look for their case variants.
    named: bool,
}

const fn spec(
    id: &'static str,
    provider: &'static str,
    description: &'static str,
    severity: Severity,
    keywords: &'static [&'static str],
    regex: &'static str,
) -> Spec {
    Spec {
        id,
        provider,
        description,
        severity,
        keywords,
        regex,
        check: Check::None,
        multiline: false,
        path: None,
        named: false,
    }
}

const fn multiline(s: Spec) -> Spec {
    Spec {
        multiline: true,
        ..s
    }
}

const fn in_paths(s: Spec, path: &'static str) -> Spec {
    Spec {
        path: Some(path),
        ..s
    }
}

const fn checked(s: Spec, check: Check) -> Spec {
    Spec { check, ..s }
}

/// Closing boundary for tokens whose alphabet holds `-` and `_`.
macro_rules! end {
    () => {
        r"(?:[^0-9A-Za-z_-]|$)"
    };
}

// Each format below is written from the provider's own documentation of its
// token format (prefixes, lengths, alphabets); see docs/scanning.md, "What it finds".
const SPECS: &[Spec] = &[
    // GitHub: "Behind GitHub's new authentication token formats" (2021):
    // prefix, 30 base62 random characters, 6-character base62 CRC-32.
    checked(
        spec(
            "github-pat",
            "GitHub",
            "GitHub personal access token (classic)",
            Critical,
            &["ghp_"],
            r"\b(?P<secret>ghp_[0-9A-Za-z]{36})\b",
        ),
        Check::Crc32Base62Suffix,
    ),
    checked(
        spec(
            "github-oauth-token",
            "GitHub",
            "GitHub OAuth access token",
            Critical,
            &["gho_"],
            r"\b(?P<secret>gho_[0-9A-Za-z]{36})\b",
        ),
        Check::Crc32Base62Suffix,
    ),
    checked(
        spec(
            "github-user-to-server-token",
            "GitHub",
            "GitHub App user-to-server token",
            Critical,
            &["ghu_"],
            r"\b(?P<secret>ghu_[0-9A-Za-z]{36})\b",
        ),
        Check::Crc32Base62Suffix,
    ),
    checked(
        spec(
            "github-server-to-server-token",
            "GitHub",
            "GitHub App installation (server-to-server) token",
            Critical,
            &["ghs_"],
            r"\b(?P<secret>ghs_[0-9A-Za-z]{36})\b",
        ),
        Check::Crc32Base62Suffix,
    ),
    checked(
        spec(
            "github-refresh-token",
            "GitHub",
            "GitHub App refresh token",
            Critical,
            &["ghr_"],
            r"\b(?P<secret>ghr_[0-9A-Za-z]{36})\b",
        ),
        Check::Crc32Base62Suffix,
    ),
    spec(
        "github-fine-grained-pat",
        "GitHub",
        "GitHub fine-grained personal access token",
        Critical,
        &["github_pat_"],
        r"\b(?P<secret>github_pat_[0-9A-Za-z]{22}_[0-9A-Za-z]{59})\b",
    ),
    // npm: "npm's new access token format" (2021): npm_, 30 random, CRC-32 as GitHub's.
    checked(
        spec(
            "npm-access-token",
            "npm",
            "npm access token",
            Critical,
            &["npm_"],
            r"\b(?P<secret>npm_[0-9A-Za-z]{36})\b",
        ),
        Check::Crc32Base62Suffix,
    ),
    spec(
        "npmrc-auth-token",
        "npm",
        "Registry auth token in an .npmrc",
        High,
        &["_authToken", "_auth="],
        // At a line's start or after the registry's `:` (`//host/:_authToken=`),
        // not a program's `self._auth = …` or `use_auth=`.
        r#"(?m)(?:^[ \t]*|:)(?:_authToken|_auth)[ \t]*=[ \t]*["']?(?P<secret>[^\s"'$]{16,})(?:[\s"']|$)"#,
    ),
    // AWS IAM: unique ID prefixes AKIA (access key) and ASIA (temporary
    // credentials), 16 more base32 characters; secret access key is 40 base64-ish
    // characters, only recognisable next to its name.
    spec(
        "aws-access-key-id",
        "AWS",
        "AWS access key ID",
        High,
        &["AKIA", "ASIA", "ABIA", "ACCA"],
        r"\b(?P<secret>(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b",
    ),
    checked(
        spec(
            "aws-secret-access-key",
            "AWS",
            "AWS secret access key assigned to its usual name",
            Critical,
            &[
                "secret_access_key",
                "SECRET_ACCESS_KEY",
                "SecretAccessKey",
                "secretAccessKey",
                "aws_secret",
                "AWS_SECRET",
                "awsSecret",
                "AwsSecret",
                "secret-access-key",
            ],
            r#"(?i)(?:aws[_-]?secret[_-]?(?:access[_-]?)?key|secret[_-]?access[_-]?key|aws[_-]?secret)["'\]]?\s*(?::=|=>|=|:)\s*["']?(?P<secret>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"#,
        ),
        Check::Entropy(3.5),
    ),
    // Stripe API keys: sk_/rk_ (secret/restricted) _live_/_test_, whsec_ webhook signing secrets.
    checked(
        spec(
            "stripe-live-secret-key",
            "Stripe",
            "Stripe live secret key",
            Critical,
            &["sk_live_"],
            r"\b(?P<secret>sk_live_[0-9A-Za-z]{24,247})\b",
        ),
        Check::Stripe,
    ),
    checked(
        spec(
            "stripe-test-secret-key",
            "Stripe",
            "Stripe test-mode secret key",
            Low,
            &["sk_test_"],
            r"\b(?P<secret>sk_test_[0-9A-Za-z]{24,247})\b",
        ),
        Check::Stripe,
    ),
    spec(
        "stripe-live-restricted-key",
        "Stripe",
        "Stripe live restricted key",
        High,
        &["rk_live_"],
        r"\b(?P<secret>rk_live_[0-9A-Za-z]{24,247})\b",
    ),
    spec(
        "stripe-test-restricted-key",
        "Stripe",
        "Stripe test-mode restricted key",
        Low,
        &["rk_test_"],
        r"\b(?P<secret>rk_test_[0-9A-Za-z]{24,247})\b",
    ),
    spec(
        "stripe-webhook-secret",
        "Stripe",
        "Stripe webhook signing secret",
        Medium,
        &["whsec_"],
        r"\b(?P<secret>whsec_[0-9A-Za-z+/=]{32,})",
    ),
    // Slack tokens: xoxb- (bot), xoxp-/xoxe- (user), xapp- (app-level); incoming webhooks.
    spec(
        "slack-bot-token",
        "Slack",
        "Slack bot token",
        High,
        &["xoxb-"],
        r"\b(?P<secret>xoxb-[0-9]{8,14}-[0-9]{8,14}-[0-9A-Za-z]{24,34})\b",
    ),
    spec(
        "slack-user-token",
        "Slack",
        "Slack user token",
        High,
        &["xoxp-", "xoxe-"],
        r"\b(?P<secret>xox[pe](?:-[0-9]{8,14}){3}-[0-9A-Za-z]{28,34})\b",
    ),
    spec(
        "slack-app-token",
        "Slack",
        "Slack app-level token",
        High,
        &["xapp-"],
        r"\b(?P<secret>xapp-[0-9]-[A-Z0-9]{8,14}-[0-9]{10,16}-[0-9a-f]{32,80})\b",
    ),
    spec(
        "slack-webhook-url",
        "Slack",
        "Slack incoming webhook URL",
        Medium,
        &["hooks.slack.com"],
        r"(?P<secret>https?://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Z0-9]{8,12}/[A-Z0-9]{8,12}/(?:[0-9]{6,20}/)?[0-9A-Za-z]{24,32})\b",
    ),
    // Google Cloud: API keys are AIza + 35; OAuth client secrets GOCSPX- + 28.
    spec(
        "google-api-key",
        "Google Cloud",
        "Google API key",
        High,
        &["AIza"],
        concat!(r"\b(?P<secret>AIza[0-9A-Za-z_-]{35})", end!()),
    ),
    spec(
        "google-oauth-client-secret",
        "Google Cloud",
        "Google OAuth client secret",
        High,
        &["GOCSPX-"],
        concat!(r"\b(?P<secret>GOCSPX-[0-9A-Za-z_-]{28})", end!()),
    ),
    // GitLab token prefixes (docs "Token overview"): glpat-, glptt-, glrt-, gldt-.
    spec(
        "gitlab-pat",
        "GitLab",
        "GitLab personal, project or group access token",
        High,
        &["glpat-"],
        concat!(r"\b(?P<secret>glpat-[0-9A-Za-z_.-]{20,})", end!()),
    ),
    spec(
        "gitlab-pipeline-trigger-token",
        "GitLab",
        "GitLab pipeline trigger token",
        High,
        &["glptt-"],
        concat!(
            r"\b(?P<secret>glptt-(?:[0-9a-f]{40}|[0-9A-Za-z_-]{20}))",
            end!()
        ),
    ),
    spec(
        "gitlab-runner-token",
        "GitLab",
        "GitLab runner authentication token",
        High,
        &["glrt-"],
        concat!(r"\b(?P<secret>glrt-[0-9A-Za-z_.-]{20,})", end!()),
    ),
    spec(
        "gitlab-deploy-token",
        "GitLab",
        "GitLab deploy token",
        High,
        &["gldt-"],
        concat!(r"\b(?P<secret>gldt-[0-9A-Za-z_.-]{20,})", end!()),
    ),
    // PyPI API tokens are macaroons: pypi- then base64 starting with the "pypi.org" caveat.
    checked(
        spec(
            "pypi-upload-token",
            "PyPI",
            "PyPI API (upload) token",
            Critical,
            &["pypi-AgEIcHlwaS5vcmc"],
            concat!(
                r"\b(?P<secret>pypi-AgEIcHlwaS5vcmc[0-9A-Za-z_-]{50,})",
                end!()
            ),
        ),
        Check::PypiMacaroon,
    ),
    // OpenAI keys embed the marker T3BlbkFJ ("OpenAI" in base64).
    spec(
        "openai-api-key",
        "OpenAI",
        "OpenAI API key",
        High,
        &["T3BlbkFJ"],
        concat!(
            r"\b(?P<secret>sk-(?:proj-|svcacct-|admin-)?[0-9A-Za-z_-]{20,}T3BlbkFJ[0-9A-Za-z_-]{20,})",
            end!()
        ),
    ),
    // Anthropic: sk-ant-api03- / sk-ant-admin01- and a long base64url body.
    spec(
        "anthropic-api-key",
        "Anthropic",
        "Anthropic API key",
        High,
        &["sk-ant-"],
        concat!(
            r"\b(?P<secret>sk-ant-(?:api|admin)[0-9]{2}-[0-9A-Za-z_-]{80,})",
            end!()
        ),
    ),
    // Hugging Face user access tokens: hf_ and 34 letters.
    spec(
        "huggingface-token",
        "Hugging Face",
        "Hugging Face access token",
        High,
        &["hf_"],
        r"\b(?P<secret>hf_[A-Za-z]{34})\b",
    ),
    // Twilio API key SIDs are SK + 32 hex; the secret sits beside it, so context is required.
    spec(
        "twilio-api-key",
        "Twilio",
        "Twilio API key SID next to Twilio context",
        Medium,
        &["twilio", "TWILIO", "Twilio"],
        r"\b(?P<secret>SK[0-9a-fA-F]{32})\b",
    ),
    // SendGrid: SG. + 22 + . + 43.
    spec(
        "sendgrid-api-key",
        "SendGrid",
        "SendGrid API key",
        High,
        &["SG."],
        concat!(
            r"\b(?P<secret>SG\.[0-9A-Za-z_-]{22}\.[0-9A-Za-z_-]{43})",
            end!()
        ),
    ),
    spec(
        "brevo-api-key",
        "Brevo",
        "Brevo (Sendinblue) API key",
        High,
        &["xkeysib-"],
        r"\b(?P<secret>xkeysib-[0-9a-f]{64}-[0-9A-Za-z]{16})\b",
    ),
    // Mailgun private API keys: key- + 32 hex (legacy) in Mailgun context or not.
    spec(
        "mailgun-api-key",
        "Mailgun",
        "Mailgun private API key",
        High,
        &["key-"],
        r"\b(?P<secret>key-[0-9a-f]{32})\b",
    ),
    spec(
        "mailchimp-api-key",
        "Mailchimp",
        "Mailchimp API key",
        High,
        &["-us"],
        r"\b(?P<secret>[0-9a-f]{32}-us[0-9]{1,2})\b",
    ),
    // Shopify: shpat_/shpca_/shppa_ access tokens, shpss_ shared secrets, 32 hex.
    spec(
        "shopify-access-token",
        "Shopify",
        "Shopify access token",
        High,
        &["shpat_", "shpca_", "shppa_"],
        r"\b(?P<secret>shp(?:at|ca|pa)_[0-9a-fA-F]{32})\b",
    ),
    spec(
        "shopify-shared-secret",
        "Shopify",
        "Shopify app shared secret",
        High,
        &["shpss_"],
        r"\b(?P<secret>shpss_[0-9a-fA-F]{32})\b",
    ),
    // DigitalOcean: dop_v1_ (personal), doo_v1_ (OAuth), dor_v1_ (refresh) + 64 hex.
    spec(
        "digitalocean-token",
        "DigitalOcean",
        "DigitalOcean API token",
        High,
        &["dop_v1_", "doo_v1_", "dor_v1_"],
        r"\b(?P<secret>do[opr]_v1_[0-9a-f]{64})\b",
    ),
    // Azure Storage connection strings: AccountKey= 64 bytes in base64 (88 characters).
    spec(
        "azure-storage-connection-string",
        "Azure",
        "Azure Storage account key in a connection string",
        Critical,
        &["AccountKey="],
        r"AccountKey=(?P<secret>[A-Za-z0-9+/]{86}==)",
    ),
    spec(
        "azure-ad-client-secret",
        "Microsoft Entra ID",
        "Microsoft Entra ID (Azure AD) client secret",
        High,
        &["Q~"],
        r"(?:^|[^0-9A-Za-z_~.-])(?P<secret>[0-9A-Za-z_~.-]{3}[0-9]Q~[0-9A-Za-z_~.-]{31,34})(?:[^0-9A-Za-z_~.-]|$)",
    ),
    // Discord bot tokens: base64 user id . timestamp . HMAC; need Discord context.
    spec(
        "discord-bot-token",
        "Discord",
        "Discord bot token next to Discord context",
        High,
        &["discord", "DISCORD", "Discord"],
        concat!(
            r"\b(?P<secret>[MNO][0-9A-Za-z_-]{23,27}\.[0-9A-Za-z_-]{6}\.[0-9A-Za-z_-]{27,40})",
            end!()
        ),
    ),
    spec(
        "discord-webhook-url",
        "Discord",
        "Discord webhook URL",
        Medium,
        &["/api/webhooks/"],
        concat!(
            r"(?P<secret>https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[0-9A-Za-z_-]{60,68})",
            end!()
        ),
    ),
    // Telegram Bot API: <bot id>:AA<33 characters> from @BotFather; Telegram's
    // own BotFather guide shows one with AA and 32 (110201543:AAHdq…saw), so
    // both lengths are accepted.
    spec(
        "telegram-bot-token",
        "Telegram",
        "Telegram bot token",
        High,
        &[":AA"],
        concat!(r"\b(?P<secret>[0-9]{8,10}:AA[0-9A-Za-z_-]{32,33})", end!()),
    ),
    // Square: EAAA production access tokens, sq0atp- legacy, sq0csp- OAuth secrets.
    spec(
        "square-access-token",
        "Square",
        "Square access token",
        High,
        &["EAAA", "sq0atp-"],
        concat!(
            r"\b(?P<secret>EAAA[0-9A-Za-z_-]{60}|sq0atp-[0-9A-Za-z_-]{22})",
            end!()
        ),
    ),
    spec(
        "square-oauth-secret",
        "Square",
        "Square OAuth application secret",
        High,
        &["sq0csp-"],
        concat!(r"\b(?P<secret>sq0csp-[0-9A-Za-z_-]{43})", end!()),
    ),
    // Heroku: HRKU- platform API tokens; legacy UUID keys only with Heroku context.
    spec(
        "heroku-api-key",
        "Heroku",
        "Heroku platform API key",
        High,
        &["HRKU-"],
        concat!(r"\b(?P<secret>HRKU-[0-9A-Za-z_-]{60})", end!()),
    ),
    spec(
        "heroku-api-key-legacy",
        "Heroku",
        "Heroku API key (UUID) assigned to a Heroku name",
        High,
        &["heroku", "HEROKU", "Heroku"],
        r#"(?i)heroku[a-z0-9_ .-]{0,20}(?:key|token|secret)["']?\s*(?::=|=>|=|:)\s*["']?(?P<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b"#,
    ),
    // Datadog: API keys are 32 hex, application keys 40 hex; both need their names.
    spec(
        "datadog-api-key",
        "Datadog",
        "Datadog API key assigned to a Datadog name",
        High,
        &["datadog", "DATADOG", "Datadog", "dd_api", "DD_API", "ddApi"],
        r#"(?i)(?:datadog|dd)[_-]?api[_-]?key["']?\s*(?::=|=>|=|:)\s*["']?(?P<secret>[0-9a-f]{32})\b"#,
    ),
    spec(
        "datadog-app-key",
        "Datadog",
        "Datadog application key assigned to a Datadog name",
        High,
        &["datadog", "DATADOG", "Datadog", "dd_app", "DD_APP", "ddApp"],
        r#"(?i)(?:datadog|dd)[_-]?app(?:lication)?[_-]?key["']?\s*(?::=|=>|=|:)\s*["']?(?P<secret>[0-9a-f]{40})\b"#,
    ),
    // JWT (RFC 7519): base64url JSON header . payload . signature.
    checked(
        spec(
            "jwt",
            "JSON Web Token",
            "JSON Web Token",
            Medium,
            &["eyJ"],
            concat!(
                r"\b(?P<secret>eyJ[0-9A-Za-z_-]{8,}\.eyJ[0-9A-Za-z_-]{8,}\.[0-9A-Za-z_-]{16,})",
                end!()
            ),
        ),
        Check::Jwt,
    ),
    // Private keys: PEM (RFC 7468), OpenSSH (PROTOCOL.key), OpenPGP armor (RFC 4880).
    // The multi-line body must be there: a lone header in documentation is not a key.
    spec(
        "private-key",
        "PEM",
        "PEM private key (PKCS#1, PKCS#8, SEC1, DSA)",
        Critical,
        &["PRIVATE KEY-----"],
        r"(?P<secret>-----BEGIN (?:RSA |EC |DSA |ENCRYPTED )?PRIVATE[ ]KEY-----(?:\s|\\[nr])*(?:[A-Za-z-]+:[^\n]*\n(?:\s|\\[nr])*)*(?:[A-Za-z0-9+/=]|\s|\\[nr]){64,}?-----END (?:RSA |EC |DSA |ENCRYPTED )?PRIVATE[ ]KEY-----)",
    ),
    spec(
        "openssh-private-key",
        "OpenSSH",
        "OpenSSH private key",
        Critical,
        &["OPENSSH PRIVATE KEY-----"],
        r"(?P<secret>-----BEGIN OPENSSH PRIVATE[ ]KEY-----(?:\s|\\[nr])*(?:[A-Za-z0-9+/=]|\s|\\[nr]){64,}?-----END OPENSSH PRIVATE[ ]KEY-----)",
    ),
    spec(
        "pgp-private-key",
        "OpenPGP",
        "PGP private key block",
        Critical,
        &["PGP PRIVATE KEY BLOCK-----"],
        r"(?P<secret>-----BEGIN PGP PRIVATE[ ]KEY BLOCK-----(?:\s|\\[nr])*(?:[A-Za-z-]+:[^\n]*\n(?:\s|\\[nr])*)*(?:[A-Za-z0-9+/=]|\s|\\[nr]){64,}?-----END PGP PRIVATE[ ]KEY BLOCK-----)",
    ),
    spec(
        "age-secret-key",
        "age",
        "age encryption secret key",
        Critical,
        &["AGE-SECRET-KEY-1"],
        r"\b(?P<secret>AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b",
    ),
    // URLs with a password (RFC 3986 userinfo).
    checked(
        spec(
            "database-url-password",
            "Database URL",
            "Database or broker URL with a password",
            High,
            &[
                "postgres://",
                "postgresql://",
                "mysql://",
                "mariadb://",
                "mongodb://",
                "mongodb+srv://",
                "redis://",
                "rediss://",
                "amqp://",
                "amqps://",
                "mssql://",
                "sqlserver://",
                "clickhouse://",
                "cockroachdb://",
                "+psycopg2://",
                "+asyncpg://",
                "+pymysql://",
            ],
            r#"\b[a-z][a-z0-9+.-]*://[^:/?#\s@"'`<>]+:(?P<secret>[^@/?#\s"'`<>]+)@[^\s"'`<>/]+"#,
        ),
        Check::Password,
    ),
    checked(
        spec(
            "basic-auth-url",
            "HTTP basic auth",
            "HTTP or FTP URL with a password",
            High,
            &["http://", "https://", "ftp://", "ftps://"],
            r#"\b(?:https?|ftps?)://[^:/?#\s@"'`<>]+:(?P<secret>[^@/?#\s"'`<>]+)@[0-9A-Za-z.-]+"#,
        ),
        Check::Password,
    ),
    // More providers, each from its documented prefix.
    spec(
        "linear-api-key",
        "Linear",
        "Linear API key",
        High,
        &["lin_api_"],
        r"\b(?P<secret>lin_api_[0-9A-Za-z]{40})\b",
    ),
    spec(
        "new-relic-user-api-key",
        "New Relic",
        "New Relic user API key",
        High,
        &["NRAK-"],
        r"\b(?P<secret>NRAK-[0-9A-Z]{27})\b",
    ),
    spec(
        "sentry-auth-token",
        "Sentry",
        "Sentry auth token",
        High,
        &["sntrys_", "sntryu_"],
        r"\b(?P<secret>sntrys_[0-9A-Za-z+/=_]{60,}|sntryu_[0-9a-f]{64})",
    ),
    spec(
        "postman-api-key",
        "Postman",
        "Postman API key",
        High,
        &["PMAK-"],
        r"\b(?P<secret>PMAK-[0-9a-f]{24}-[0-9a-f]{34})\b",
    ),
    spec(
        "doppler-token",
        "Doppler",
        "Doppler token",
        High,
        &[
            "dp.pt.",
            "dp.st.",
            "dp.sa.",
            "dp.ct.",
            "dp.scim.",
            "dp.audit.",
        ],
        r"\b(?P<secret>dp\.(?:pt|st|sa|ct|scim|audit)\.[0-9A-Za-z]{40,44})\b",
    ),
    spec(
        "vault-token",
        "HashiCorp Vault",
        "HashiCorp Vault service or batch token",
        High,
        &["hvs.", "hvb."],
        concat!(r"\b(?P<secret>hv[sb]\.[0-9A-Za-z_-]{90,})", end!()),
    ),
    spec(
        "terraform-cloud-token",
        "Terraform Cloud",
        "Terraform Cloud / Enterprise API token",
        High,
        &[".atlasv1."],
        concat!(
            r"\b(?P<secret>[0-9A-Za-z]{14}\.atlasv1\.[0-9A-Za-z_=-]{60,70})",
            end!()
        ),
    ),
    spec(
        "pulumi-access-token",
        "Pulumi",
        "Pulumi access token",
        High,
        &["pul-"],
        r"\b(?P<secret>pul-[0-9a-f]{40})\b",
    ),
    spec(
        "grafana-token",
        "Grafana",
        "Grafana service account or Cloud token",
        High,
        &["glsa_", "glc_"],
        r"\b(?P<secret>glsa_[0-9A-Za-z]{32}_[0-9a-fA-F]{8}|glc_[0-9A-Za-z+/]{32,400}={0,2})",
    ),
    spec(
        "databricks-token",
        "Databricks",
        "Databricks personal access token",
        High,
        &["dapi"],
        r"\b(?P<secret>dapi[0-9a-f]{32}(?:-[0-9]+)?)\b",
    ),
    spec(
        "dynatrace-token",
        "Dynatrace",
        "Dynatrace API, OAuth client or platform token",
        High,
        // Dynatrace documents the shape of every token type (dt0c01 API
        // tokens, dt0s01 to dt0s16 and those to come): `dt0`, a letter, two
        // digits, 24 and 64 uppercase letters or digits.
        &["dt0"],
        r"\b(?P<secret>dt0[a-zA-Z][0-9]{2}\.[0-9A-Z]{24}\.[0-9A-Z]{64})\b",
    ),
    spec(
        "planetscale-token",
        "PlanetScale",
        "PlanetScale token or password",
        High,
        &["pscale_tkn_", "pscale_pw_", "pscale_oauth_"],
        concat!(
            r"\b(?P<secret>pscale_(?:tkn|pw|oauth)_[0-9A-Za-z_=.-]{32,64})",
            end!()
        ),
    ),
    spec(
        "supabase-token",
        "Supabase",
        "Supabase personal access token",
        High,
        &["sbp_"],
        r"\b(?P<secret>sbp_[0-9a-f]{40})\b",
    ),
    spec(
        "notion-token",
        "Notion",
        "Notion integration token",
        High,
        &["ntn_", "secret_"],
        r"\b(?P<secret>ntn_[0-9]{11}[0-9A-Za-z]{35}|secret_[0-9A-Za-z]{43})\b",
    ),
    spec(
        "mapbox-secret-token",
        "Mapbox",
        "Mapbox secret access token",
        High,
        &["sk.eyJ"],
        concat!(
            r"\b(?P<secret>sk\.eyJ[0-9A-Za-z_-]{50,}\.[0-9A-Za-z_-]{20,})",
            end!()
        ),
    ),
    spec(
        "flyio-token",
        "Fly.io",
        "Fly.io access token",
        High,
        &["fo1_", "fm2_"],
        concat!(
            r"\b(?P<secret>fo1_[0-9A-Za-z_-]{43}|fm2_[0-9A-Za-z+/=_-]{100,})",
            end!()
        ),
    ),
    spec(
        "docker-hub-pat",
        "Docker Hub",
        "Docker Hub personal access token",
        High,
        &["dckr_pat_"],
        concat!(r"\b(?P<secret>dckr_pat_[0-9A-Za-z_-]{27})", end!()),
    ),
    spec(
        "netlify-token",
        "Netlify",
        "Netlify personal access token",
        High,
        &["nfp_"],
        r"\b(?P<secret>nfp_[0-9A-Za-z]{36})\b",
    ),
    spec(
        "rubygems-api-key",
        "RubyGems",
        "RubyGems API key",
        High,
        &["rubygems_"],
        r"\b(?P<secret>rubygems_[0-9a-f]{48})\b",
    ),
    spec(
        "twitter-bearer-token",
        "X (Twitter)",
        "X (Twitter) app bearer token",
        High,
        &["AAAAAAAAAAAAAAAAAAAAA"],
        // Exactly 21 `A`s, then the app's id: a longer run of `A` is base64 data.
        r"\b(?P<secret>AAAAAAAAAAAAAAAAAAAAA[0-9B-Za-z%][0-9A-Za-z%]{29,119})\b",
    ),
];

/// Name fragments that make an assigned value secret-like, for the generic rule.
const SECRET_NAMES: &[&str] = &[
    "api_key",
    "apikey",
    "api-key",
    "secret",
    "token",
    "password",
    "passwd",
    "pwd",
    "credential",
    "access_key",
    "auth_key",
    "private_key",
];

/// The generic rule's regex: a secret-like name, an assignment, a value.
/// Assignments: `=`, `:`, `:=`, `=>`, Makefile `::=`, `:::=`, `?=`, PHP
/// `.=`, Go and TypeScript typed declarations (`var k string = …`,
/// `k: string = …`), a quoted name then `,` (`System.setProperty("k", …)`),
/// and an XML element (`<password>…</password>`; the engine requires the
/// `<`). The value stops at a backslash, so a value followed by an escaped
/// newline inside a JSON string is whole.
const GENERIC_REGEX: &str = r#"(?i)(?P<name>(?:api[_.-]?key|secret|token|passw(?:or)?d|pwd|credentials?|access[_.-]?key|auth[_.-]?key|private[_.-]?key)[0-9a-z_.-]{0,40})(?:["'\]]{0,2}(?:[ \t]*:[ \t]*(?:string|str)\b|[ \t]+(?:string|\[\]byte))?[ \t]*(?P<op>:::=|::=|:=|\?=|\.=|=>|=|:|>)|["'][ \t]*(?P<op2>,))[ \t]*(?P<quote>["'`]?)(?P<secret>[^\s"'`;,\[\]{}<>\\]{8,256})"#;

/// Case variants of a keyword: as written, lower, UPPER, Capitalized.
fn case_variants(word: &str) -> Vec<String> {
    let mut out = vec![
        word.to_owned(),
        word.to_ascii_lowercase(),
        word.to_ascii_uppercase(),
    ];
    let mut chars = word.chars();
    if let Some(first) = chars.next() {
        out.push(first.to_ascii_uppercase().to_string() + chars.as_str());
    }
    // camelCase joins: apiKey, authKey, accessKey, privateKey.
    if let Some((a, b)) = word.split_once(['_', '-']) {
        let mut b_chars = b.chars();
        if let Some(first) = b_chars.next() {
            let camel = format!("{a}{}{}", first.to_ascii_uppercase(), b_chars.as_str());
            out.push(camel.clone());
            let mut c = camel.chars();
            if let Some(f) = c.next() {
                out.push(f.to_ascii_uppercase().to_string() + c.as_str());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Every built-in rule, with the generic rule's entropy bar set to `min_entropy`.
pub fn builtin(min_entropy: f64) -> Result<Vec<Rule>, ScanError> {
    let mut rules = Vec::with_capacity(SPECS.len() + 3);
    rules.push(Rule::special(
        KEYWARDEN_KEY,
        "keywarden API key",
        Critical,
        RuleKind::KeywardenKey,
    ));
    for s in SPECS.iter().chain(providers::SPECS) {
        let mut keywords: Vec<String> = if s.named {
            s.keywords.iter().flat_map(|k| case_variants(k)).collect()
        } else {
            s.keywords.iter().map(|k| (*k).to_owned()).collect()
        };
        keywords.sort();
        keywords.dedup();
        // Built-in patterns are ASCII: without Unicode `\b`, `(?i)` and
        // classes, the lazy DFA never gives up on non-ASCII text (which
        // would drop the search to the much slower PikeVM).
        let mut rule = Rule::build(
            s.id,
            s.description,
            s.severity,
            keywords,
            s.regex,
            s.check,
            false,
        )?;
        rule.provider = s.provider.to_owned();
        rule.multiline = s.multiline || s.id.ends_with("private-key");
        if let Some(p) = s.path {
            rule.path = Some(regex::Regex::new(p).map_err(|e| ScanError::Rule {
                id: s.id.to_owned(),
                message: format!("bad path regex: {e}"),
            })?);
        }
        rules.push(rule);
    }
    let mut keywords: Vec<String> = SECRET_NAMES.iter().flat_map(|w| case_variants(w)).collect();
    keywords.sort();
    keywords.dedup();
    let mut generic = Rule::build(
        GENERIC_SECRET,
        "High-entropy value assigned to a secret-like name",
        Medium,
        keywords,
        GENERIC_REGEX,
        Check::Entropy(min_entropy),
        false,
    )?;
    generic.generic = true;
    generic.provider = "generic".to_owned();
    rules.push(generic);
    rules.push(Rule::special(
        SECRETS_FILE_TRACKED,
        "Secrets file (.env, private key file, .netrc, …) tracked by git",
        Low,
        RuleKind::TrackedFile,
    ));
    if let Some(r) = rules.last_mut() {
        r.provider = "secrets file".to_owned();
    }
    rules.push(Rule::special(
        PKCS12_FILE,
        "PKCS#12 key store (.p12, .pfx: private keys and certificates)",
        High,
        RuleKind::Pkcs12File,
    ));
    if let Some(r) = rules.last_mut() {
        r.provider = "PKCS#12".to_owned();
    }
    Ok(rules)
}

/// Whether a file name is a secrets file that should not be in git:
/// `.env` and `.env.*` (but not `.env.example`, `.sample`, `.template`,
/// `.dist`, `.defaults`), `*.env`, `.netrc`, `.pgpass`, SSH private key files
/// (`id_rsa`, …, not `.pub`), PKCS#12 files (`*.p12`, `*.pfx`).
pub fn is_secrets_file(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    let example = [
        ".example",
        ".sample",
        ".template",
        ".dist",
        ".defaults",
        ".tmpl",
        ".schema",
    ]
    .iter()
    .any(|s| lower.ends_with(s));
    if lower == ".env" || (lower.starts_with(".env.") && !example) {
        return true;
    }
    if lower.ends_with(".env") && lower.len() > 4 && !example {
        return true;
    }
    matches!(
        lower.as_str(),
        ".netrc" | "_netrc" | ".pgpass" | "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519"
    ) || lower.ends_with(".p12")
        || lower.ends_with(".pfx")
}

/// Whether `buf` is a PKCS#12 PFX (RFC 7292): DER `SEQUENCE` (definite
/// length) whose first element is `INTEGER 3` (the PFX version).
pub fn is_pkcs12(buf: &[u8]) -> bool {
    if buf.first() != Some(&0x30) {
        return false;
    }
    let header = match buf.get(1) {
        Some(&n) if n < 0x80 => 2,
        Some(&n) if (0x81..=0x84).contains(&n) => 2 + usize::from(n - 0x80),
        _ => return false,
    };
    buf.get(header..header + 3) == Some(&[0x02, 0x01, 0x03][..])
}

/// Whether a path is a dependency lock file, whose hashes are not secrets.
pub fn is_lock_file(path: &str) -> bool {
    // `!` too: an archive's entry is shown `app.zip!package-lock.json`.
    let name = path.rsplit(['/', '\\', '!']).next().unwrap_or(path);
    name.ends_with(".lock")
        || matches!(
            name,
            "package-lock.json"
                | "npm-shrinkwrap.json"
                | "pnpm-lock.yaml"
                | "go.sum"
                | "packages.lock.json"
                | "gradle.lockfile"
                | "requirements.txt"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_compile_and_ids_are_unique() {
        let rules = builtin(DEFAULT_MIN_ENTROPY).unwrap();
        assert!(rules.len() >= 60, "{}", rules.len());
        let mut ids: Vec<_> = rules.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate rule ids");
        for r in &rules {
            assert!(!r.description.is_empty());
            if r.kind == RuleKind::Regex {
                assert!(!r.keywords.is_empty(), "{}", r.id);
            }
        }
    }

    #[test]
    fn keyword_variants() {
        let v = case_variants("api_key");
        for w in ["api_key", "API_KEY", "Api_key", "apiKey", "ApiKey"] {
            assert!(v.contains(&w.to_owned()), "{w}: {v:?}");
        }
    }

    #[test]
    fn secrets_files() {
        for yes in [
            ".env",
            "app/.env.production",
            ".env.local",
            "prod.env",
            "id_rsa",
            ".netrc",
            "cert.p12",
        ] {
            assert!(is_secrets_file(yes), "{yes}");
        }
        for no in [
            ".env.example",
            ".env.sample",
            "env.rs",
            "id_rsa.pub",
            "environment.ts",
            ".envrc.template",
        ] {
            assert!(!is_secrets_file(no), "{no}");
        }
    }
}
