//! Checks that turn a regex match into a finding or throw it away:
//! checksums (keywarden, GitHub, npm), JWT headers, and the filters for
//! documented example values, placeholders and references to variables.

use base64::Engine as _;
use keywarden_core::{base62, key};

/// What a rule checks beyond its regex.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Check {
    /// Nothing more: the regex is precise enough.
    None,
    /// A keywarden v1 key: `keywarden_core::key::parse` must accept it
    /// (shape and CRC-32). Never reimplemented here.
    KeywardenChecksum,
    /// GitHub's and npm's token checksum: the last 6 characters are the
    /// base62 CRC-32 of the 30 random characters after the 4-character prefix.
    Crc32Base62Suffix,
    /// A JWT: the header must decode (base64url) to JSON with an `alg`.
    Jwt,
    /// The value's Shannon entropy must reach this many bits per character
    /// (hex values: this minus 0.5).
    Entropy(f64),
    /// A password in a URL: not a placeholder (`password`, `pass`, `***`)
    /// nor a reference (`${DB_PASSWORD}`, `%s`).
    Password,
    /// A PyPI API token: after `pypi-`, base64url of a version 2 macaroon
    /// whose location is `pypi.org` and which ends with its 32-byte
    /// signature field (the structure allows no checksum: the signature
    /// needs PyPI's key).
    PypiMacaroon,
    /// The secret's Shannon entropy must reach this many bits per character
    /// exactly (gitleaks' `entropy`).
    Shannon(f64),
    /// A Stripe key: not one of the look-alikes that share its prefix
    /// (WorkOS: body base64 of `key_01…`; Paystack: exactly 40 lowercase hex).
    Stripe,
    /// A value of a Kubernetes Secret: the whole match must hold
    /// `kind: Secret` (checked by the engine, which sees the whole match).
    KubernetesSecret,
    /// Base64 of `user:password` (a Docker `config.json` `auth`), whose
    /// password is not a placeholder.
    BasicAuthBase64,
}

/// The outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Not a secret (wrong checksum, low entropy, malformed).
    Reject,
    /// A secret by the rule's pattern.
    Accept,
    /// A secret proved real by a checksum.
    Verified,
}

impl Check {
    /// Runs the check on the matched secret.
    pub fn run(self, secret: &str) -> Verdict {
        match self {
            Self::None => Verdict::Accept,
            Self::KeywardenChecksum => match key::parse(secret) {
                Ok(_) => Verdict::Verified,
                Err(_) => Verdict::Reject,
            },
            Self::Crc32Base62Suffix => {
                if crc32_base62_suffix_ok(secret) {
                    Verdict::Verified
                } else {
                    Verdict::Reject
                }
            }
            Self::Jwt => {
                if jwt_header_ok(secret) {
                    Verdict::Accept
                } else {
                    Verdict::Reject
                }
            }
            Self::Password => {
                // `https://h1:123,user:pass@h2`: a host list; the
                // credentials are the last entry's.
                let secret = secret
                    .rsplit_once(',')
                    .and_then(|(_, last)| last.split_once(':'))
                    .map_or(secret, |(_, password)| password);
                if is_placeholder_password(secret) {
                    Verdict::Reject
                } else {
                    Verdict::Accept
                }
            }
            Self::Stripe => {
                let body = secret.get(8..).unwrap_or("");
                let paystack = body.len() == 40
                    && body.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
                if body.starts_with("a2V5XzAx") || paystack {
                    Verdict::Reject
                } else {
                    Verdict::Accept
                }
            }
            Self::KubernetesSecret => Verdict::Accept,
            Self::PypiMacaroon => {
                if pypi_macaroon_ok(secret) {
                    Verdict::Accept
                } else {
                    Verdict::Reject
                }
            }
            Self::Shannon(min) => {
                if crate::entropy::shannon(secret.as_bytes()) >= min {
                    Verdict::Accept
                } else {
                    Verdict::Reject
                }
            }
            Self::BasicAuthBase64 => {
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(secret)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok());
                match decoded.as_deref().and_then(|d| d.split_once(':')) {
                    Some((user, pass))
                        if !user.is_empty()
                            && !pass.chars().any(char::is_control)
                            && !is_placeholder_password(pass) =>
                    {
                        Verdict::Accept
                    }
                    _ => Verdict::Reject,
                }
            }
            Self::Entropy(min) => {
                if entropy_ok(secret, min) {
                    Verdict::Accept
                } else {
                    Verdict::Reject
                }
            }
        }
    }
}

/// Whether `value` clears the entropy bar `min` (hex values: `min - 0.5`).
pub fn entropy_ok(value: &str, min: f64) -> bool {
    let bytes = value.as_bytes();
    let bar = if crate::entropy::is_hex(bytes) {
        min - 0.5
    } else {
        min
    };
    crate::entropy::shannon(bytes) >= bar
}

/// GitHub (`ghp_`…) and npm (`npm_`…) tokens: `<prefix>_<30 random><6 checksum>`,
/// the checksum being CRC-32 of the random part in base62 (`0-9A-Za-z`).
pub fn crc32_base62_suffix_ok(token: &str) -> bool {
    let Some(body) = token.get(4..) else {
        return false;
    };
    if body.len() != 36 || !base62::is_base62(body.as_bytes()) {
        return false;
    }
    let (random, check) = body.split_at(30);
    base62::decode_u64(check.as_bytes()) == Some(u64::from(crc32fast::hash(random.as_bytes())))
}

/// The checksum [`crc32_base62_suffix_ok`] expects for a 30-character random
/// part: for building test tokens at run time.
pub fn crc32_base62_suffix(random: &str) -> String {
    base62::encode_u64(u64::from(crc32fast::hash(random.as_bytes())), 6).unwrap_or_default()
}

/// Whether `token` is `pypi-` and a version 2 macaroon (binary format of
/// libmacaroons / pymacaroons): version 2, location field `pypi.org`, …,
/// end-of-section, signature field of 32 bytes.
pub fn pypi_macaroon_ok(token: &str) -> bool {
    let Some(body) = token.strip_prefix("pypi-") else {
        return false;
    };
    let Ok(raw) =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(body.trim_end_matches('='))
    else {
        return false;
    };
    let n = raw.len();
    n >= 11 + 35
        && raw.starts_with(b"\x02\x01\x08pypi.org")
        && raw[n - 35] == 0x00
        && raw[n - 34] == 0x06
        && raw[n - 33] == 0x20
}

fn jwt_header_ok(token: &str) -> bool {
    let Some(header) = token.split('.').next() else {
        return false;
    };
    let Ok(raw) =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header.trim_end_matches('='))
    else {
        return false;
    };
    match serde_json::from_slice::<serde_json::Value>(&raw) {
        Ok(serde_json::Value::Object(map)) => map.contains_key("alg") || map.contains_key("typ"),
        _ => false,
    }
}

/// A value published in documentation: never a finding.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// The value, or a distinctive part of it (a finding holding it is dropped).
    pub value: &'static str,
    /// Where it is published.
    pub source: &'static str,
}

const fn ex(value: &'static str, source: &'static str) -> Example {
    Example { value, source }
}

/// Documented example values, each with its source: values that providers,
/// emulators and tutorials publish for everyone to copy, and keywarden's
/// own test vectors. Built with `concat!` so this file does not itself look
/// like a leak to a line-oriented scanner.
pub const DOCUMENTED_EXAMPLES: &[Example] = &[
    ex(
        concat!("AKIA", "IOSFODNN7EXAMPLE"),
        "AWS IAM User Guide, \"Managing access keys\" (example access key ID)",
    ),
    ex(
        concat!("wJalrXUtnFEMI/K7MDENG/", "bPxRfiCYEXAMPLEKEY"),
        "AWS IAM User Guide, \"Managing access keys\" (example secret access key)",
    ),
    ex(
        concat!("SflKxwRJSMeKKF2QT4fwpMeJf36P", "Ok6yJV_adQssw5c"),
        "jwt.io debugger's sample token (HS256 signature under \"your-256-bit-secret\")",
    ),
    ex(
        concat!(
            "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6Ikpv",
            "aG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
        ),
        "jwt.io debugger's sample token (payload: sub 1234567890, name John Doe, iat 1516239022)",
    ),
    ex(
        concat!(
            "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6Ikpv",
            "aG4gRG9lIiwiYWRtaW4iOnRydWUsImlhdCI6MTUxNjIzOTAyMn0"
        ),
        "jwt.io debugger's current sample token (payload with admin: true)",
    ),
    ex(
        concat!(
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/",
            "K1SZFPTOtr/KBHBeksoGMGw=="
        ),
        "Azurite storage emulator's well-known account key (devstoreaccount1), Azure Storage docs",
    ),
    ex(
        concat!("AIzaSyDOCAbC123dEf456", "GhI789jKl01"),
        "Firebase documentation's sample web app configuration (apiKey)",
    ),
    ex(
        concat!("AIzaSyB41DRUbKWJHPxaFjMAw", "drzWzbVKartNGg"),
        "Google Maps Platform's JavaScript samples (googlemaps/js-samples: the key its sample \
         pages load the Maps API with, samples/map-simple)",
    ),
    ex(
        concat!("sk_test_", "4eC39HqLyjWDarjtT1zdp7dc"),
        "Stripe API reference's test-mode secret key",
    ),
    ex(
        concat!("sk_test_", "BQokikJOvBiI2HlWgH4olfQ2"),
        "Stripe documentation's earlier test-mode secret key",
    ),
    ex(
        concat!("ghp_16C7e42F292c6912E77", "10c838347Ae178B4a"),
        "GitHub REST API documentation's example personal access token",
    ),
    ex(
        concat!("key-3ax6xnjp29jd6fds4", "gc373sgvjxteol0"),
        "Mailgun API documentation's example private API key",
    ),
    ex(
        concat!("tfp_943af478d3ff3d4d76", "0020c11af102b79c440513"),
        "Typeform developer docs, \"Personal access token\" (example token)",
    ),
    // The AWS CLI command reference's example output, shipped in the
    // `awscli` package (`awscli/examples/<service>/<command>.rst`) and on
    // docs.aws.amazon.com/cli/latest/reference/.
    ex(
        concat!("0x123pK5_VBqv.", "UQ3kJ4123_"),
        "AWS CLI reference, `aws directconnect associate-virtual-interface` (example authKey)",
    ),
    ex(
        concat!("AKIA32P3D2", "JDNMVAJLGF"),
        "AWS CLI reference, `aws ecr get-download-url-for-layer` (access key ID in the example pre-signed URL)",
    ),
    ex(
        concat!("AKIAJ5C56P", "35AEBRX2QQ"),
        "AWS CLI reference, `aws ssm get-deployable-patch-snapshot-for-instance` (access key ID in the example pre-signed URL)",
    ),
    ex(
        concat!("k1zPZM6uVxMQ3oxqgoYl", "NuJPyRTZ1vREs76zTQE3eJk="),
        "AWS CLI reference, `aws iam create-service-specific-credential` (example ServicePassword)",
    ),
    ex(
        concat!("+oaFsNk7tLco+C/obP9G", "hhcOzGcKOayTmE3LnAmAmH4="),
        "AWS CLI reference, `aws iam reset-service-specific-credential` (example ServicePassword)",
    ),
    ex(
        concat!(
            "f798ab4899346a88599180fee9e14fa1",
            "ada7b6df989425b7c6d2146dd6c815bb"
        ),
        "AWS CLI reference, `aws iotwireless update-partner-account` (example AppServerPrivateKey)",
    ),
    ex(
        concat!(
            "MEYCIQCKZLWyTk5runarx6XiAkU9gv3lbwPO/pHa+DXFehzdDwIhANwp",
            "sIV2g/9SPWLLsF6p/hiSskuIXMTRwqrMdVKWTMHG"
        ),
        "AWS CLI reference, `aws kms derive-shared-secret` (example SharedSecret)",
    ),
    ex(
        concat!("amzn1.account.", "AF6RHO7KZU5XRVQJGXK6HB56KR2A"),
        "AWS CLI reference, `aws sts assume-role-with-web-identity` (example subject, an Amazon account id)",
    ),
    ex(
        concat!("aBBKDWQvyuVcTPH9EBp/XTI9E//", "mq171+ZU178wcwqU="),
        "AWS DataSync API reference, `AzureBlobSasConfiguration` (example SAS token signature, percent-encoded in an HTML-escaped URL; botocore's datasync service model)",
    ),
    ex(
        concat!("_M8ViO_GK6TnZ9G9eqdlS7Ip", "NWzhoGwaYYDQ3hEwwmA"),
        "joserfc documentation's quick-start JWS (HS256, payload {\"k\":\"value\"})",
    ),
    ex(
        concat!(
            "kw_live_",
            "00000000000000000000000000000000000000000000AwA6B"
        ),
        "keywarden docs/KEY-FORMAT.md test vector",
    ),
    ex(
        concat!(
            "kw_test_",
            "003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf18Bk99"
        ),
        "keywarden docs/KEY-FORMAT.md test vector",
    ),
    ex(
        concat!(
            "acme_live_",
            "yhjskwdA6OZ1AL1YmHWZWm8LLG7HjnuCA2j5rOw8Xp10u6P3m"
        ),
        "keywarden docs/KEY-FORMAT.md test vector",
    ),
    ex(
        concat!(
            "kw_dev_",
            "cLIymOC93QnmGoIcZvvJsGB0x0IvxXalfzryN3lN4eu1Vkpbb"
        ),
        "keywarden docs/KEY-FORMAT.md test vector",
    ),
];

/// Whether a URL password is a placeholder or a reference.
pub fn is_placeholder_password(p: &str) -> bool {
    if p.chars().count() < 4 {
        // `http://a:b@c` in URL test data; real passwords are longer.
        return true;
    }
    let lower = p.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "password" | "pass" | "passwd" | "pwd" | "pw" | "secret" | "xxx" | "x"
    ) || p.starts_with(['$', '%', '{', '<', '[', ':'])
        // Masked (`****`, `p***d`), not a password holding a `*` or two.
        || p.contains("***")
        || p.chars().all(|c| c == '*')
        || is_reference(p)
        || is_placeholder(p)
}

/// Whether `value` is (or holds) one of the documented example values that
/// providers publish, or one of keywarden's own KEY-FORMAT.md test vectors.
pub fn is_documented_example(value: &str) -> bool {
    DOCUMENTED_EXAMPLES
        .iter()
        .any(|ex| value.contains(ex.value))
}

/// Words that mark a value as a placeholder, not a secret.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "changeme",
    "change_me",
    "change-me",
    "placeholder",
    "your_",
    "your-",
    "yourkey",
    "yoursecret",
    "yourtoken",
    "redacted",
    "dummy",
    "sample",
    "insert",
    "replace",
    "fake",
    "notreal",
    "not_a_real",
    "todo",
    "secret_here",
    "key_here",
    "token_here",
];

/// Whether `value` is a documented example value or a placeholder
/// (`xxxx…`, `<your-key>`, `changeme`, `****`, `EXAMPLE`).
pub fn is_placeholder(value: &str) -> bool {
    if is_documented_example(value) {
        return true;
    }
    let lower = value.to_ascii_lowercase();
    // Masked or elided (`sk-…`, `eyJ2Ijoi...`).
    if lower.contains("xxxx")
        || value.contains("****")
        || value.contains("...")
        || value.contains('…')
    {
        return true;
    }
    if (value.starts_with('<') && value.ends_with('>')) || value.contains("<your") {
        return true;
    }
    // A template slot (`{password}` in an f-string or a format template).
    if let Some(open) = value.find('{')
        && value[open..].contains('}')
    {
        return true;
    }
    // AWS's documentation marks its sample credentials `…EXAMPLE…` in
    // capitals, inside long tokens too (`AQoEXAMPLEH4aoAH0…`).
    if value.contains("EXAMPLE") {
        return true;
    }
    // A word written as people write it: `todo`, `TODO`, `Fake`, not the
    // `TOdO` or `FAkE` that random text spells by chance. In a long value
    // (a PEM body, a blob) it also stands alone (`AkEA` after an `F` is
    // `FAkE` in an RSA-1024 key; `…/fake+…` is not).
    let long = value.len() >= 100;
    let written = |w: &str| {
        lower.match_indices(w).any(|(at, _)| {
            let Some(orig) = value.get(at..at + w.len()) else {
                return false;
            };
            let mut chars = orig.chars();
            let first_upper = chars.next().is_some_and(|c| c.is_ascii_uppercase());
            let rest_lower = chars.clone().all(|c| !c.is_ascii_uppercase());
            let one_case =
                orig == w || orig == w.to_ascii_uppercase() || (first_upper && rest_lower);
            let before = lower[..at].chars().next_back();
            let after = lower[at + w.len()..].chars().next();
            one_case
                && (!long
                    || !before.is_some_and(|c| c.is_ascii_alphanumeric())
                        && !after.is_some_and(|c| c.is_ascii_alphanumeric()))
        })
    };
    if PLACEHOLDER_WORDS.iter().any(|w| written(w)) {
        return true;
    }
    // One character repeated (0000…, aaaa…) or a run like 123456…
    let bytes = value.as_bytes();
    if bytes.len() >= 8 && bytes.iter().all(|&b| b == bytes[0]) {
        return true;
    }
    lower.contains("0123456789") || lower.contains("1234567890") || lower.contains("abcdefghij")
}

/// Whether `value` refers to a secret kept elsewhere rather than being one:
/// `${VAR}`, `$VAR`, `{{ var }}`, `process.env.X`, `os.environ[...]`,
/// `os.getenv(...)`, `ENV[...]`, `%(name)s`.
pub fn is_reference(value: &str) -> bool {
    let v = value.trim();
    v.starts_with('$')
        || v.contains("${")
        || v.contains("{{")
        || v.contains("%(")
        || v.starts_with("process.env")
        || v.starts_with("os.environ")
        || v.starts_with("os.getenv")
        || v.starts_with("getenv")
        || v.starts_with("env(")
        || v.starts_with("env.")
        || v.starts_with("ENV[")
        || v.starts_with("secrets.")
        || v.starts_with("vault:")
        || v.starts_with("@Value")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_suffix_round_trip() {
        let random = "0123456789abcdefghijABCDEFGHIJ";
        let token = format!("ghp_{random}{}", crc32_base62_suffix(random));
        assert_eq!(token.len(), 40);
        assert!(crc32_base62_suffix_ok(&token));
        let mut bad = token.clone();
        bad.replace_range(10..11, "Z");
        assert!(!crc32_base62_suffix_ok(&bad));
        assert!(!crc32_base62_suffix_ok("ghp_"));
        assert!(!crc32_base62_suffix_ok("ghp_é"));
    }

    /// GitHub and npm token checksums against an implementation that is not
    /// this one: Python's zlib CRC-32, encoded base62 (`0-9A-Za-z`, 6 digits,
    /// left-padded with `0`), computed with
    ///
    /// ```sh
    /// python3 -c 'import zlib
    /// A = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    /// def b62(n, w):
    ///     s = ""
    ///     while n: n, r = divmod(n, 62); s = A[r] + s
    ///     return s.rjust(w, "0")
    /// for r in ["0123456789abcdefghijABCDEFGHIJ", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
    ///           "Q1w2E3r4T5y6U7i8O9p0AaSsDdFfGg", "000000000000000000000000000000"]:
    ///     print(r, b62(zlib.crc32(r.encode()), 6))'
    /// ```
    ///
    /// The tokens are put together here, at run time: the repository's own
    /// scan must not find valid-looking tokens in its sources.
    #[test]
    fn github_and_npm_checksums_match_an_independent_implementation() {
        let vectors = [
            ("0123456789abcdefghijABCDEFGHIJ", "3mpbCX"),
            ("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "4IlJEz"),
            ("Q1w2E3r4T5y6U7i8O9p0AaSsDdFfGg", "0DEaSE"),
            ("000000000000000000000000000000", "2C8GjS"),
        ];
        for (random, check) in vectors {
            assert_eq!(crc32_base62_suffix(random), check, "{random}");
            for prefix in ["ghp", "gho", "ghu", "ghs", "ghr", "npm"] {
                let token = format!("{prefix}_{random}{check}");
                assert!(crc32_base62_suffix_ok(&token), "{prefix}: {random}");
                // One character off in the checksum: refused.
                let mut wrong = check.to_owned();
                wrong.replace_range(5..6, if check.ends_with('A') { "B" } else { "A" });
                assert!(
                    !crc32_base62_suffix_ok(&format!("{prefix}_{random}{wrong}")),
                    "{prefix}: {random} with {wrong}"
                );
            }
        }
    }

    #[test]
    fn keywarden_checksum_uses_core_parse() {
        let good = "kw_live_00000000000000000000000000000000000000000000AwA6B";
        assert_eq!(Check::KeywardenChecksum.run(good), Verdict::Verified);
        let bad = "kw_live_00000000000000000000000000000000000000000000AwA6C";
        assert_eq!(Check::KeywardenChecksum.run(bad), Verdict::Reject);
    }

    #[test]
    fn placeholders_and_references() {
        for p in [
            "xxxxxxxxxxxxxxxx",
            "<your-key>",
            "changeme",
            "YOUR_API_KEY_HERE",
            "00000000000000000000",
            "sk-************",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        assert!(!is_placeholder("q8Vz3LmR0tPw7Ka2"));
        for r in [
            "${API_KEY}",
            "$API_KEY",
            "{{ .Values.token }}",
            "process.env.TOKEN",
            "os.environ['X']",
        ] {
            assert!(is_reference(r), "{r}");
        }
        assert!(!is_reference("q8Vz3LmR0tPw7Ka2"));
    }

    #[test]
    fn jwt_header() {
        let part = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let t = [
            part(r#"{"alg":"HS256"}"#),
            part(r#"{"sub":"1"}"#),
            part("signature-bytes!"),
        ]
        .join(".");
        assert_eq!(Check::Jwt.run(&t), Verdict::Accept);
        assert_eq!(Check::Jwt.run("eyJub3Rqc29u.eyJ4.eHh4"), Verdict::Reject);
    }
}
