//! Rules for other scanners: the keys of one deployment (one prefix) as a
//! gitleaks rule, a Betterleaks 2 rule, a TruffleHog custom detector and the
//! pattern GitHub's secret-scanning partner program asks for
//! (`keywarden scan export-rules`).
//!
//! Every export carries the same regex, [`key_regex`]. It matches a string
//! exactly when it has the shape of a key `keywarden gen key --prefix P`
//! mints, in any environment (`root` included):
//! `P_<env>_<43-digit secret><6-digit checksum>`, with the secret's first
//! digit at most `y` (the secret is below 2^256) and the checksum's at most
//! `4` (the checksum is below 2^32).
//!
//! # What a regex alone cannot reject
//!
//! A regex cannot compute a CRC-32, so **a look-alike with a bad checksum**
//! (one changed character anywhere in the secret or the checksum, a typo,
//! a key made up to look real) matches the exported regex. So does a
//! secret above 2^256 − 1 or a checksum above 2^32 − 1 that begins with
//! the highest allowed digit (`y…`, `4…`); minting produces neither.
//! keywarden's own scanner rejects all of these: it proves every candidate
//! with `keywarden_core::key::parse` (checksum and range), so they are never
//! findings there. Another scanner using an exported rule reports them; the
//! verification webhook (TruffleHog) or the leak endpoint (GitHub) then
//! answers that they are not keys of this deployment.
//!
//! Betterleaks 2's filter language has no CRC-32 either (its functions are
//! entropy, regex and term lists, token ratios): the Betterleaks export has
//! the same limit.
//!
//! The entropy bar ([`ENTROPY_BAR`], gitleaks, Betterleaks and TruffleHog) rejects
//! placeholders such as `acme_live_000…0`; a key minted from the operating
//! system's CSPRNG is far above it (the lowest of 200,000 random keys
//! measured 4.5 bits per character).

use keywarden_core::key::Prefix;

/// Shannon entropy (bits per character) a match must reach.
pub const ENTROPY_BAR: f64 = 4.0;

/// What `keywarden scan export-rules` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExportFormat {
    /// A gitleaks configuration (TOML) with one `[[rules]]` entry.
    Gitleaks,
    /// A Betterleaks 2 configuration (TOML) with one `[[rules]]` entry:
    /// `valueGroup` and a `filter` expression where gitleaks has
    /// `secretGroup` and `entropy` (which Betterleaks 2 refuses).
    Betterleaks,
    /// A TruffleHog configuration (YAML) with one custom detector.
    Trufflehog,
    /// The pattern and endpoint to send to GitHub's partner program.
    Github,
}

/// The key itself, without boundaries: `P_[a-z][a-z0-9]{0,11}_` and the
/// secret and checksum digits. Go RE2, Rust `regex` and Hyperscan syntax.
pub fn key_pattern(prefix: &Prefix) -> String {
    // The prefix is [a-z][a-z0-9]*: no character in it needs escaping.
    format!(
        "{}_[a-z][a-z0-9]{{0,11}}_[0-9A-Za-y][0-9A-Za-z]{{42}}[0-4][0-9A-Za-z]{{5}}",
        prefix.as_str()
    )
}

/// What may come before a key: the start of the text or a character that
/// is not a letter or digit (an underscore may: `MY_acme_live_…`).
pub const BEFORE: &str = r"\A|[^0-9A-Za-z]";

/// What may come after a key: the end of the text or a character that is
/// not a letter, digit or underscore.
pub const AFTER: &str = r"\z|[^0-9A-Za-z_]";

/// The exported regex: [`BEFORE`], the key as capture group 1, and a word
/// boundary after it (zero-width, so two keys one space apart both match).
/// Group 1 is the secret (gitleaks `secretGroup = 1`; TruffleHog reports
/// group 1).
pub fn key_regex(prefix: &Prefix) -> String {
    format!(r"(?:{BEFORE})({})\b", key_pattern(prefix))
}

/// The literal every key of the deployment holds: `P_`.
pub fn keyword(prefix: &Prefix) -> String {
    format!("{}_", prefix.as_str())
}

/// A rule id for the deployment's keys: `keywarden-P-key`.
pub fn rule_id(prefix: &Prefix) -> String {
    format!("keywarden-{}-key", prefix.as_str())
}

/// The export in `format`. `base_url` is the deployment's public URL
/// (`KEYWARDEN_URL`): TruffleHog's verification webhook and GitHub's leak
/// endpoint live under it.
pub fn export(format: ExportFormat, prefix: &Prefix, base_url: &str) -> String {
    match format {
        ExportFormat::Gitleaks => gitleaks(prefix),
        ExportFormat::Betterleaks => betterleaks(prefix),
        ExportFormat::Trufflehog => trufflehog(prefix, base_url),
        ExportFormat::Github => github(prefix, base_url),
    }
}

/// A gitleaks configuration with one rule. The regex is written as a TOML
/// literal string (it holds no `'`), so it reads as it is.
pub fn gitleaks(prefix: &Prefix) -> String {
    let p = prefix.as_str();
    format!(
        "# gitleaks rule for keywarden keys with the prefix `{p}` (any environment).\n\
         # Written by `keywarden scan export-rules --format gitleaks --prefix {p}`.\n\
         # A regex cannot check a key's CRC-32 checksum: a look-alike with a bad\n\
         # checksum matches too. `keywarden scan` proves each key by its checksum.\n\
         #\n\
         # Used as the whole .gitleaks.toml, this replaces gitleaks' default rules;\n\
         # to keep them, uncomment:\n\
         # [extend]\n\
         # useDefault = true\n\
         \n\
         title = \"keywarden keys ({p})\"\n\
         \n\
         [[rules]]\n\
         id = \"{id}\"\n\
         description = \"keywarden API key (prefix {p})\"\n\
         regex = '''{regex}'''\n\
         secretGroup = 1\n\
         entropy = {ENTROPY_BAR:.1}\n\
         keywords = [\"{kw}\"]\n\
         tags = [\"keywarden\", \"api-key\"]\n",
        id = rule_id(prefix),
        regex = key_regex(prefix),
        kw = keyword(prefix),
    )
}

/// A Betterleaks 2 configuration with one rule. Betterleaks 2 reads its
/// configuration strictly: gitleaks' `secretGroup` and `entropy` are
/// refused, so the secret's group is `valueGroup` and the entropy bar a
/// `filter` expression (a finding it holds true for is dropped). The
/// embedded default rules are not loaded with `--config`: this file is
/// for `betterleaks fs --config FILE` next to a run with the defaults, or
/// to paste into a configuration of one's own.
pub fn betterleaks(prefix: &Prefix) -> String {
    let p = prefix.as_str();
    format!(
        "# Betterleaks 2 rule for keywarden keys with the prefix `{p}` (any environment).\n\
         # Written by `keywarden scan export-rules --format betterleaks --prefix {p}`.\n\
         # Run: betterleaks fs --config <this file> PATH\n\
         # A regex cannot check a key's CRC-32 checksum, nor can a Betterleaks filter\n\
         # (it has no CRC-32): a look-alike with a bad checksum matches too.\n\
         # `keywarden scan` proves each key by its checksum.\n\
         #\n\
         # With --config, Betterleaks' embedded default rules are not loaded: copy this\n\
         # [[rules]] entry into a configuration that holds them to scan with both.\n\
         \n\
         title = \"keywarden keys ({p})\"\n\
         \n\
         [[rules]]\n\
         id = \"{id}\"\n\
         description = \"keywarden API key (prefix {p})\"\n\
         regex = '''{regex}'''\n\
         valueGroup = 1\n\
         keywords = [\"{kw}\"]\n\
         confidence = \"high\"\n\
         filter = '''\n\
         entropy(finding[\"secret\"]) < {ENTROPY_BAR:.1}\n\
         '''\n",
        id = rule_id(prefix),
        regex = key_regex(prefix),
        kw = keyword(prefix),
    )
}

/// The URL TruffleHog's verification webhook posts to.
pub fn trufflehog_verify_url(base_url: &str) -> String {
    format!("{}/v1/verify/trufflehog", base_url.trim_end_matches('/'))
}

/// The URL GitHub's partner program posts leaked keys to.
pub fn github_leak_url(base_url: &str) -> String {
    format!("{}/v1/leaks/github", base_url.trim_end_matches('/'))
}

/// The placeholder written where the root key goes in the TruffleHog
/// detector's header: TruffleHog does not expand variables in its
/// configuration, so the operator pastes a root key holding only
/// `keys:verify` there.
pub const ROOT_KEY_PLACEHOLDER: &str = "REPLACE_WITH_A_ROOT_KEY_HOLDING_ONLY_keys:verify";

/// A YAML double-quoted scalar: a JSON string is one (YAML 1.2 reads JSON's
/// escapes), which keeps the regex's backslashes unambiguous.
fn yaml_str(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// A TruffleHog configuration with one custom regex detector whose
/// verification webhook is this deployment's `POST /v1/verify/trufflehog`.
///
/// TruffleHog posts `{"<detector name>": {"key": [<whole match>, <key>]}}`
/// with the configured headers, and reports the key verified when the
/// answer is 200. `unsafe: true` (TruffleHog's switch for an `http://`
/// endpoint) is written only for an `http://` URL, which the CLI accepts
/// only on loopback: TruffleHog sends the root key with every match.
pub fn trufflehog(prefix: &Prefix, base_url: &str) -> String {
    let p = prefix.as_str();
    let endpoint = trufflehog_verify_url(base_url);
    let unsafe_http = endpoint.starts_with("http://");
    format!(
        "# TruffleHog custom detector for keywarden keys with the prefix `{p}` (any environment).\n\
         # Written by `keywarden scan export-rules --format trufflehog --prefix {p}`.\n\
         # Run: trufflehog filesystem . --config=<this file>\n\
         # Replace the placeholder in `headers` with a root key that holds only\n\
         # `keys:verify` (`keywarden admin root-key create ...`). TruffleHog posts each\n\
         # match to the endpoint; keywarden answers 200 for a key that is active.\n\
         # A regex cannot check a key's CRC-32 checksum: a look-alike with a bad\n\
         # checksum matches, and the endpoint answers that it is not a key.\n\
         detectors:\n\
         \x20 - name: {name}\n\
         \x20   keywords:\n\
         \x20     - {kw}\n\
         \x20   regex:\n\
         \x20     key: {regex}\n\
         \x20   entropy: {ENTROPY_BAR:.1}\n\
         \x20   verify:\n\
         \x20     - endpoint: {endpoint}\n\
         \x20       unsafe: {unsafe_http}\n\
         \x20       headers:\n\
         \x20         - {header}\n",
        name = yaml_str(&trufflehog_name(prefix)),
        kw = yaml_str(&keyword(prefix)),
        regex = yaml_str(&key_regex(prefix)),
        endpoint = yaml_str(&endpoint),
        header = yaml_str(&format!("Authorization: Bearer {ROOT_KEY_PLACEHOLDER}")),
    )
}

/// The detector's name, which is also the top-level key of the webhook's
/// JSON body: `KeywardenKey<Prefix>` (letters and digits only).
pub fn trufflehog_name(prefix: &Prefix) -> String {
    let mut chars = prefix.as_str().chars();
    let capitalised: String = chars
        .next()
        .map(|c| c.to_ascii_uppercase())
        .into_iter()
        .chain(chars)
        .collect();
    format!("KeywardenKey{capitalised}")
}

/// What GitHub's secret-scanning partner program asks of a token issuer:
/// a name for the secret type, the regex (as GitHub's pattern form splits
/// it: the secret's format, what comes before, what comes after), and the
/// URL its alerts are posted to.
pub fn github(prefix: &Prefix, base_url: &str) -> String {
    let p = prefix.as_str();
    format!(
        "# GitHub secret scanning partner program: keywarden keys with the prefix `{p}`.\n\
         # Written by `keywarden scan export-rules --format github --prefix {p}`.\n\
         # Send the secret type, the regex and the endpoint to GitHub (see README,\n\
         # \"When a key leaks\"). Every key carries a CRC-32 checksum of the rest\n\
         # (KEY-FORMAT.md): the endpoint rejects a match whose checksum is wrong.\n\
         secret type: keywarden API key ({p})\n\
         secret format: {format}\n\
         before secret: {BEFORE}\n\
         after secret: {AFTER}\n\
         regex: {regex}\n\
         endpoint: {endpoint}\n",
        format = key_pattern(prefix),
        regex = key_regex(prefix),
        endpoint = github_leak_url(base_url),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_digit_bounds_are_those_of_the_format() {
        // The largest secret (32 × 0xff) starts with `y`; the largest
        // checksum (2^32 − 1) with `4`.
        let max = keywarden_core::key::from_secret_bytes(
            &"kw".parse().unwrap(),
            &"live".parse().unwrap(),
            &[0xff; 32],
        );
        assert_eq!(&max.expose()[8..9], "y");
        let top = keywarden_core::base62::encode_u64(u64::from(u32::MAX), 6).unwrap();
        assert_eq!(&top[..1], "4");
        let beyond = keywarden_core::base62::encode_u64(u64::from(u32::MAX) + 1, 6).unwrap();
        assert!(beyond.as_str() > top.as_str());
    }

    #[test]
    fn names() {
        let p: Prefix = "acme".parse().unwrap();
        assert_eq!(trufflehog_name(&p), "KeywardenKeyAcme");
        assert_eq!(rule_id(&p), "keywarden-acme-key");
        assert_eq!(
            trufflehog_verify_url("https://kw.example.com/"),
            "https://kw.example.com/v1/verify/trufflehog"
        );
    }
}
