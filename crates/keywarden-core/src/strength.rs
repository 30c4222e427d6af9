//! Strength checks for secrets a person brings: an estimate of entropy and
//! every weakness found, so `keywarden gen check` can say why a secret is weak.
//!
//! The estimate is the smaller of two figures: the alphabet bound (length ×
//! log2 of the alphabet the characters come from) and zxcvbn's decomposition
//! into patterns (words, keyboard walks, repeats, sequences, dates), where we
//! price the parts zxcvbn calls brute force at the alphabet's size instead of
//! zxcvbn's 10 per character, which is tuned for human passwords and would
//! call a random 22-character base64 string weak.

use serde::Serialize;
use zxcvbn::matching::patterns::MatchPattern;

/// Estimated bits a strong secret needs.
pub const STRONG_BITS: f64 = 128.0;

/// zxcvbn analyses the input in chunks of this many characters: its guess
/// counts are `u64` and saturate past about 19 decimal digits, after which
/// it calls any long input one brute-force run and finds no pattern at all;
/// its matching is also quadratic in the length.
const ZXCVBN_CHUNK: usize = 16;

/// One kind of weakness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WeaknessKind {
    /// Nothing was given.
    Empty,
    /// Too few characters to reach 128 bits even if random.
    TooShort,
    /// Characters from a small alphabet (digits, hex) and not enough of them.
    SmallAlphabet,
    /// Repeated characters or chunks (`aaaa`, `abcabc`).
    Repeats,
    /// A run like `abcdef` or `123456`.
    Sequence,
    /// Adjacent keys like `qwerty` or `asdfgh`.
    KeyboardWalk,
    /// A dictionary word, name or common password.
    DictionaryWord,
    /// A date, a year or a Unix timestamp.
    Date,
    /// A value from documentation, a framework default or a placeholder.
    KnownExample,
    /// Shaped like a keywarden key, but the checksum is wrong.
    BadChecksum,
}

impl WeaknessKind {
    /// Whether this weakness alone makes a secret weak, whatever its length.
    pub fn disqualifying(self) -> bool {
        !matches!(self, Self::TooShort | Self::SmallAlphabet)
    }
}

/// A weakness found, with a human explanation that quotes no secret.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Weakness {
    /// What kind.
    pub kind: WeaknessKind,
    /// Why it matters, in a sentence.
    pub message: String,
    /// Whether it alone makes the secret weak.
    pub disqualifying: bool,
}

/// A keywarden key recognised in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeywardenKeyInfo {
    /// The prefix.
    pub prefix: String,
    /// The environment.
    pub environment: String,
    /// Whether the checksum matched.
    pub checksum_valid: bool,
}

/// The result of [`check`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Characters in the secret.
    pub length: usize,
    /// Estimated bits of entropy, rounded down.
    pub entropy_bits: u32,
    /// Every weakness found.
    pub weaknesses: Vec<Weakness>,
    /// Set when the input is, or looks like, a keywarden key.
    pub keywarden_key: Option<KeywardenKeyInfo>,
    /// `entropy_bits >= 128` and no disqualifying weakness.
    pub strong: bool,
}

/// Values from documentation, tutorials and framework defaults. Compared
/// case-insensitively.
const KNOWN_EXAMPLES: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "your-256-bit-secret",
    "your-384-bit-secret",
    "your-512-bit-secret",
    "your-secret-key",
    "your_secret_key",
    "my-secret-key",
    "secretkey",
    "secret",
    "supersecret",
    "mysecret",
    "changeme",
    "change-me",
    "changeit",
    "password",
    "keyboard cat",
    "shhhhh",
    "notasecret",
    "s3cr3t",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
];

/// Placeholders and defaults recognised inside a longer value.
const KNOWN_FRAGMENTS: &[&str] = &[
    "example",
    "django-insecure-",
    "changeme",
    "placeholder",
    "your-",
    "your_",
    "xxxxxxxx",
];

/// The alphabet a secret's characters were most likely drawn from. Common
/// encodings are recognised by their character set, so that a random
/// base64 string that happens to hold no digit is not priced as letters only.
fn alphabet_size(s: &str) -> f64 {
    let any = |f: fn(&u8) -> bool| s.as_bytes().iter().any(f);
    let all = |f: fn(&u8) -> bool| s.as_bytes().iter().all(f);
    let (digit, lower, upper) = (
        any(u8::is_ascii_digit),
        any(u8::is_ascii_lowercase),
        any(u8::is_ascii_uppercase),
    );
    if all(u8::is_ascii_digit) {
        return 10.0;
    }
    if all(u8::is_ascii_hexdigit) && !(lower && upper) && s.len() >= 16 {
        return 16.0;
    }
    if lower
        && upper
        && all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_' | b'='))
    {
        return 64.0;
    }
    let mut size = 0.0;
    for (present, count) in [(digit, 10.0), (lower, 26.0), (upper, 26.0)] {
        if present {
            size += count;
        }
    }
    if any(|b| b.is_ascii_punctuation() || *b == b' ') {
        size += 33.0;
    }
    if s.chars().any(|c| !c.is_ascii() || c.is_ascii_control()) {
        size += 100.0;
    }
    size
}

fn pattern_weakness(pattern: &MatchPattern, token_len: usize) -> Option<(WeaknessKind, String)> {
    let (kind, what) = match pattern {
        MatchPattern::Dictionary(d) if d.reversed => {
            (WeaknessKind::DictionaryWord, "a reversed dictionary word")
        }
        MatchPattern::Dictionary(d) if d.l33t => (
            WeaknessKind::DictionaryWord,
            "a dictionary word with l33t substitutions",
        ),
        MatchPattern::Dictionary(_) => (
            WeaknessKind::DictionaryWord,
            "a dictionary word, name or common password",
        ),
        MatchPattern::Spatial(_) => (WeaknessKind::KeyboardWalk, "a keyboard walk"),
        MatchPattern::Repeat(_) => (WeaknessKind::Repeats, "repeated characters"),
        MatchPattern::Sequence(_) => (WeaknessKind::Sequence, "a character sequence"),
        MatchPattern::Regex(_) | MatchPattern::Date(_) => (WeaknessKind::Date, "a date or year"),
        MatchPattern::BruteForce => return None,
    };
    Some((kind, format!("contains {what} ({token_len} characters)")))
}

/// Digit runs of `s` that stand on their own (not glued to letters, where
/// random hex and base62 hold digit runs by chance), with the separator that
/// follows each.
fn standalone_digit_runs(s: &str) -> Vec<(&str, Option<u8>)> {
    let bytes = s.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let glued = (start > 0 && bytes[start - 1].is_ascii_alphabetic())
            || (i < bytes.len() && bytes[i].is_ascii_alphabetic());
        if !glued {
            runs.push((&s[start..i], bytes.get(i).copied()));
        }
    }
    runs
}

fn is_date(year: &str, month: &str, day: &str) -> bool {
    let (Ok(y), Ok(m), Ok(d)) = (
        year.parse::<u32>(),
        month.parse::<u32>(),
        day.parse::<u32>(),
    ) else {
        return false;
    };
    year.len() == 4 && (1900..=2099).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d)
}

/// Finds a Unix time (10 or 13 digits, 2001 to 2100) or a calendar date
/// (`2024-06-01`, `01/06/2024`, `20240601`) standing on its own.
fn has_date_or_timestamp(s: &str) -> bool {
    let runs = standalone_digit_runs(s);
    let single = runs.iter().any(|(run, _)| {
        let seconds = match run.len() {
            10 => run.parse::<u64>().ok(),
            13 => run.parse::<u64>().ok().map(|ms| ms / 1000),
            _ => None,
        };
        seconds.is_some_and(|t| (1_000_000_000..=4_102_444_800).contains(&t))
            || (run.len() == 8 && is_date(&run[..4], &run[4..6], &run[6..]))
    });
    let separated = runs.windows(3).any(|w| {
        let [(a, sa), (b, sb), (c, _)] = w else {
            return false;
        };
        let date_sep = |x: &Option<u8>| matches!(x, Some(b'-' | b'/' | b'.'));
        date_sep(sa) && sa == sb && (is_date(a, b, c) || is_date(c, b, a))
    });
    single || separated
}

fn push(weaknesses: &mut Vec<Weakness>, kind: WeaknessKind, message: String) {
    if weaknesses.iter().any(|w| w.kind == kind) {
        return;
    }
    weaknesses.push(Weakness {
        kind,
        message,
        disqualifying: kind.disqualifying(),
    });
}

/// Bits by zxcvbn's pattern decomposition, with brute-force parts priced at
/// `alphabet` symbols per character; pattern weaknesses go to `weaknesses`.
///
/// A kind of pattern counts only when its matches cover a real part of the
/// secret (a third of it, and at least 4 characters): a random 43-character
/// key often holds a 4-letter word by chance, and that costs it nothing.
fn pattern_bits(s: &str, alphabet: f64, weaknesses: &mut Vec<Weakness>) -> f64 {
    let per_char = alphabet.log2();
    let len = s.chars().count();
    let notable = len.div_ceil(3).max(4);

    let chars: Vec<char> = s.chars().collect();
    let analyses: Vec<_> = chars
        .chunks(ZXCVBN_CHUNK)
        .map(|chunk| zxcvbn::zxcvbn(&chunk.iter().collect::<String>(), &[]))
        .collect();
    let matches: Vec<_> = analyses
        .iter()
        .flat_map(|a| a.sequence())
        .map(|m| (pattern_weakness(&m.pattern, m.token.chars().count()), m))
        .collect();
    // In a long secret, short dates (years, `120594`) and short words turn
    // up in random text by chance; they count only in short secrets.
    let significant = |kind: WeaknessKind, token_len: usize| {
        len <= 20 || token_len >= if kind == WeaknessKind::Date { 8 } else { 5 }
    };
    let coverage = |kind: WeaknessKind| -> usize {
        matches
            .iter()
            .filter(|(w, m)| {
                w.as_ref()
                    .is_some_and(|(k, _)| *k == kind && significant(kind, m.token.chars().count()))
            })
            .map(|(_, m)| m.token.chars().count())
            .sum()
    };

    let mut bits = 0.0;
    for (weakness, m) in &matches {
        let token_len = m.token.chars().count();
        let brute = token_len as f64 * per_char;
        match weakness {
            Some((kind, message)) if coverage(*kind) >= notable => {
                let guesses = m.guesses.unwrap_or(1).max(1) as f64;
                bits += guesses.log2().min(brute);
                push(weaknesses, *kind, message.clone());
            }
            _ => bits += brute,
        }
    }
    bits
}

/// Checks a secret and reports its estimated entropy and weaknesses.
///
/// ```
/// let weak = keywarden_core::strength::check("Summer2024!");
/// assert!(!weak.strong);
/// let key = keywarden_core::key::mint(&Default::default(), &"live".parse().unwrap());
/// assert!(keywarden_core::strength::check(key.expose()).strong);
/// ```
pub fn check(secret: &str) -> Report {
    let mut weaknesses = Vec::new();
    let length = secret.chars().count();
    if length == 0 {
        push(
            &mut weaknesses,
            WeaknessKind::Empty,
            "the secret is empty".to_owned(),
        );
        return Report {
            length,
            entropy_bits: 0,
            weaknesses,
            keywarden_key: None,
            strong: false,
        };
    }

    // A keywarden key's strength is that of its secret part; prefix, env and
    // checksum are public structure.
    let mut keywarden_key = None;
    let mut analysed = secret;
    match crate::key::parse(secret) {
        Ok(parts) => {
            keywarden_key = Some(KeywardenKeyInfo {
                prefix: parts.prefix().to_owned(),
                environment: parts.environment().to_owned(),
                checksum_valid: true,
            });
            let secret_start = parts.prefix().len() + parts.environment().len() + 2;
            analysed = &secret[secret_start..secret_start + crate::key::SECRET_LEN];
        }
        Err(crate::key::ParseError::BadChecksum) => {
            let mut pieces = secret.splitn(3, '_');
            keywarden_key = Some(KeywardenKeyInfo {
                prefix: pieces.next().unwrap_or_default().to_owned(),
                environment: pieces.next().unwrap_or_default().to_owned(),
                checksum_valid: false,
            });
            push(
                &mut weaknesses,
                WeaknessKind::BadChecksum,
                "shaped like a keywarden key, but its checksum is wrong: a typo, a truncation or a forgery".to_owned(),
            );
        }
        Err(_) => {}
    }

    let lowered = secret.to_lowercase();
    if KNOWN_EXAMPLES
        .iter()
        .any(|e| e.eq_ignore_ascii_case(secret))
        || KNOWN_FRAGMENTS.iter().any(|f| lowered.contains(f))
    {
        push(
            &mut weaknesses,
            WeaknessKind::KnownExample,
            "a well-known example, default or placeholder value: attackers try these first"
                .to_owned(),
        );
    }
    if has_date_or_timestamp(analysed) {
        push(
            &mut weaknesses,
            WeaknessKind::Date,
            "contains a date or a Unix timestamp".to_owned(),
        );
    }

    let alphabet = alphabet_size(analysed);
    let analysed_len = analysed.chars().count();
    let alphabet_bits = analysed_len as f64 * alphabet.log2();
    let bits = pattern_bits(analysed, alphabet, &mut weaknesses)
        .min(alphabet_bits)
        .max(0.0);

    if keywarden_key.is_none() && length < 20 {
        push(
            &mut weaknesses,
            WeaknessKind::TooShort,
            format!(
                "{length} characters cannot hold 128 bits even if chosen at random; use at least 22 base62 or 32 hex characters"
            ),
        );
    }
    if alphabet <= 16.0 && alphabet_bits < STRONG_BITS {
        let needed = (STRONG_BITS / alphabet.log2()).ceil();
        push(
            &mut weaknesses,
            WeaknessKind::SmallAlphabet,
            format!(
                "only {alphabet} possible symbols per character: that alphabet needs at least {needed} characters"
            ),
        );
    }

    let entropy_bits = bits.floor() as u32;
    let strong =
        f64::from(entropy_bits) >= STRONG_BITS && !weaknesses.iter().any(|w| w.disqualifying);
    Report {
        length,
        entropy_bits,
        weaknesses,
        keywarden_key,
        strong,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{SecretFormat, secret};

    fn kinds(s: &str) -> Vec<WeaknessKind> {
        check(s).weaknesses.iter().map(|w| w.kind).collect()
    }

    #[test]
    fn random_secrets_are_strong_in_every_format() {
        for _ in 0..25 {
            for format in SecretFormat::ALL {
                for bytes in [16, 32, 64] {
                    let s = format.encode(&secret(bytes).unwrap());
                    let report = check(s.expose());
                    assert!(report.strong, "{format} {bytes}: {report:?}");
                }
            }
            let key = crate::key::mint(&Default::default(), &"live".parse().unwrap());
            let report = check(key.expose());
            assert!(report.strong, "{report:?}");
            assert_eq!(report.keywarden_key.unwrap().environment, "live");
        }
    }

    #[test]
    fn weak_secrets_say_why() {
        assert!(kinds("").contains(&WeaknessKind::Empty));
        assert!(kinds("hunter2").contains(&WeaknessKind::TooShort));
        assert!(
            kinds("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
                .contains(&WeaknessKind::Repeats)
        );
        assert!(kinds("abcdefghijklmnopqrstuvwxyz0123456789").contains(&WeaknessKind::Sequence));
        assert!(
            kinds("qwertyuiopasdfghjkl;zxcvbnm,qwertyuiop").contains(&WeaknessKind::KeyboardWalk)
        );
        assert!(
            kinds("correcthorsebatterystaplecorrecthorse").contains(&WeaknessKind::DictionaryWord)
        );
        assert!(kinds("token-1735689600-deploy-prod-release").contains(&WeaknessKind::Date));
        assert!(kinds("your-256-bit-secret").contains(&WeaknessKind::KnownExample));
        assert!(
            kinds("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").contains(&WeaknessKind::KnownExample)
        );
        assert!(kinds("build-2024-06-01-Kq8vZ3xW9pLmN2rT5yB7cD4f").contains(&WeaknessKind::Date));
        assert!(kinds("deploy_20240601_Kq8vZ3xW9pLmN2rT5yB7cD4fGh").contains(&WeaknessKind::Date));
        assert!(!kinds("Kq8vZ3xW9pLmNa20240601bT5yB7cD4fGhJ2kL9mQ").contains(&WeaknessKind::Date));
        assert!(kinds("1234567890123456").contains(&WeaknessKind::SmallAlphabet));
        for s in ["Summer2024!", "P@ssw0rd!P@ssw0rd!P@ssw0rd!", "changeme"] {
            assert!(!check(s).strong, "{s}");
        }
    }

    #[test]
    fn bad_checksum_keys_are_flagged() {
        let report = check("kw_live_00000000000000000000000000000000000000000000AwA6C");
        assert!(!report.strong);
        assert!(!report.keywarden_key.unwrap().checksum_valid);
        assert!(
            report
                .weaknesses
                .iter()
                .any(|w| w.kind == WeaknessKind::BadChecksum)
        );
        // A valid checksum over an all-zero secret is still weak.
        assert!(!check("kw_live_00000000000000000000000000000000000000000000AwA6B").strong);
    }

    #[test]
    fn long_input_is_bounded() {
        let long = crate::generate::SecretFormat::Base62.encode(&secret(1024).unwrap());
        assert!(check(long.expose()).strong);
    }
}
