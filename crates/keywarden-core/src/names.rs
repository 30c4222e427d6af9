//! Validated names: owners, scopes (permission names), and the macro that
//! makes such types. A value of one of these types can only hold a valid
//! name ("parse, don't validate"); functions take the type, not a string.

/// Why a name (prefix, environment, id, owner, scope) was refused. The
/// message names the rule, never the value: a misplaced secret pasted into
/// a name field must not be echoed into an error or a log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what}: {rule}")]
pub struct NameError {
    what: &'static str,
    rule: &'static str,
}

impl NameError {
    pub(crate) fn new(what: &'static str, rule: &'static str) -> Self {
        Self { what, rule }
    }

    /// Which kind of name it was (`prefix`, `environment`, ...).
    pub fn what(&self) -> &'static str {
        self.what
    }

    /// The rule the name broke, without the name.
    pub(crate) fn rule(&self) -> &'static str {
        self.rule
    }
}

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident, $what:literal, $check:expr, $rule:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The validated text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Whether `text` is one, without making one (no allocation):
            /// for a caller that only needs the answer.
            pub fn check(text: &str) -> Result<(), $crate::names::NameError> {
                let check: fn(&str) -> bool = $check;
                if check(text) {
                    Ok(())
                } else {
                    Err($crate::names::NameError::new($what, $rule))
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::names::NameError;
            fn try_from(value: String) -> Result<Self, $crate::names::NameError> {
                Self::check(&value).map(|()| Self(value))
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::names::NameError;
            /// Checked before it is copied: refused text costs no allocation.
            fn from_str(s: &str) -> Result<Self, $crate::names::NameError> {
                Self::check(s).map(|()| Self(s.to_owned()))
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(&self.0, f)
            }
        }
    };
}

pub(crate) use name_type;

/// The longest permission name ([`Scope`]), in bytes: a 64-byte resource,
/// `:` and a 64-byte action, the longest scope there ever was.
pub const MAX_SCOPE_LEN: usize = 129;

/// The longest segment of a permission name (the text between two
/// separators), in bytes.
pub const MAX_SCOPE_SEGMENT_LEN: usize = 64;

/// Whether `s` is a permission name: segments separated by `.` or `:`,
/// the last of which may be `*` (see [`Scope`]).
fn is_permission_name(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > MAX_SCOPE_LEN {
        return false;
    }
    let mut segments = b.split(|&c| c == b'.' || c == b':').peekable();
    while let Some(segment) = segments.next() {
        let last = segments.peek().is_none();
        if !(is_scope_segment(segment) || last && segment == b"*") {
            return false;
        }
    }
    true
}

/// Whether `s` is a scope as the first releases wrote them,
/// `resource:action`, each 1 to 64 of `[a-z0-9_.-]` starting with a letter
/// or digit (the action may be `*`). Every such name stays a valid
/// permission name with its meaning, so keys stored with one still load
/// and verify, even the odd ones the segment rule refuses (`a..b:read`,
/// `orders:read.`).
fn is_legacy_scope(s: &str) -> bool {
    let part = |p: &str, wildcard: bool| {
        (wildcard && p == "*")
            || p.as_bytes().first().is_some_and(u8::is_ascii_alphanumeric)
                && p.len() <= MAX_SCOPE_SEGMENT_LEN
                && p.bytes().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'_' | b'.' | b'-')
                })
    };
    s.split_once(':')
        .is_some_and(|(resource, action)| part(resource, false) && part(action, true))
}

/// Whether `s` is one segment of a permission name: 1 to 64 of
/// `[a-z0-9_-]`, starting with a letter or digit.
fn is_scope_segment(s: &[u8]) -> bool {
    s.first()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.len() <= MAX_SCOPE_SEGMENT_LEN
        && s.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'_' | b'-'))
}

name_type!(
    /// A vault secret's name, in environment-variable syntax: a letter or
    /// `_`, then up to 127 letters, digits or `_` (`DATABASE_URL`,
    /// `stripe_key`), so that `keywarden run` can hand it to a process.
    SecretName,
    "secret name",
    |s| {
        let b = s.as_bytes();
        !b.is_empty()
            && b.len() <= 128
            && (b[0].is_ascii_alphabetic() || b[0] == b'_')
            && b.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'_')
    },
    "expected a letter or _, then up to 127 letters, digits or _"
);

name_type!(
    /// Who a key belongs to: 1 to 128 of `A-Za-z0-9_.@:+-`, starting with a
    /// letter or digit (`acme`, `user_42`, `svc:billing`, `ops@acme.io`).
    Owner,
    "owner",
    |s| {
        let b = s.as_bytes();
        !b.is_empty()
            && b.len() <= 128
            && b[0].is_ascii_alphanumeric()
            && b.iter()
                .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'@' | b':' | b'+' | b'-'))
    },
    "expected 1 to 128 letters, digits or _.@:+- starting with a letter or digit"
);

name_type!(
    /// A permission name: what a key holds, or what a request needs.
    ///
    /// 1 to 129 bytes ([`MAX_SCOPE_LEN`]) of segments separated by `.` or
    /// `:`; each segment is 1 to 64 lowercase letters, digits, `_` or `-`,
    /// starting with a letter or digit, and the last may be `*` instead
    /// (`admin`, `orders:read`, `docs.read.own`, `billing:*`, `*`); and
    /// every `resource:action` scope of the first releases, whose parts
    /// could hold dots anywhere (`a..b:read`).
    ///
    /// A held name ending in `*` covers every name that starts with the text
    /// before the `*` ([`Scope::covers`]): `docs.*` covers `docs.read` and
    /// `docs.read.own`, `orders:*` covers `orders:read`, and `*` covers
    /// everything.
    ///
    /// ```
    /// use keywarden_core::names::Scope;
    /// let held: Scope = "docs.*".parse()?;
    /// assert!(held.covers(&"docs.read.own".parse()?));
    /// assert!(!held.covers(&"docs".parse()?));
    /// assert!("docs..read".parse::<Scope>().is_err());
    /// # Ok::<(), keywarden_core::names::NameError>(())
    /// ```
    Scope,
    "scope",
    |s| is_permission_name(s) || is_legacy_scope(s),
    "expected 1 to 129 bytes of segments separated by . or :, each 1 to 64 lowercase letters, digits, _ or - starting with a letter or digit (the last may be *)"
);

impl Scope {
    /// Whether holding `self` grants `required`: the same name, or `self`
    /// is `*`, or `self` ends with `.*` or `:*` and `required` starts with
    /// the text before its `*`.
    pub fn covers(&self, required: &Scope) -> bool {
        // The same name is the common case: one comparison.
        if self.0 == required.0 {
            return true;
        }
        match self.0.as_bytes().split_last() {
            // The parser allows `*` only as a whole last segment, so `stem`
            // is empty (`*`) or ends with a separator.
            Some((b'*', stem)) => required.0.as_bytes().starts_with(stem),
            _ => false,
        }
    }
}

/// Whether `c` is an invisible formatting character: bidirectional
/// overrides and isolates (U+202A–U+202E, U+2066–U+2069), zero-width
/// characters, joiners, the byte-order mark, soft hyphen, tag characters and
/// the like (Unicode category Cf). They make a name read differently from
/// what it is ("Trojan Source"), so names refuse them.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Whether `c` breaks a line without being a control character: U+2028
/// LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR (a log line or a table
/// row would end there).
pub fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

/// Whether free text (a key's name, a metadata key, a revocation's reason)
/// is acceptable: no control characters, no line or paragraph separators,
/// no invisible formatting characters.
pub fn is_clean_text(s: &str) -> bool {
    !s.chars()
        .any(|c| c.is_control() || is_line_separator(c) || is_invisible_format(c))
}

/// Text made safe to store in a log or print on a terminal: at most `max`
/// characters (an ellipsis marks a cut), control and invisible formatting
/// characters replaced by U+FFFD.
pub fn display_safe(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max * 4));
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        out.push(
            if c.is_control() || is_line_separator(c) || is_invisible_format(c) {
                '\u{FFFD}'
            } else {
                c
            },
        );
    }
    out
}

/// A parser's message without the values it quotes: serde quotes the
/// offending value (`"…"`, with `\"` inside escaped, as `{:?}` writes
/// it) and names an unknown enum variant between backticks, and a value in
/// the wrong field may be a secret. Field names and the expected variants
/// (also between backticks) stay.
///
/// ```
/// use keywarden_core::names::redact_quoted;
/// assert_eq!(
///     redact_quoted(r#"invalid type: string "kw_live_secret", expected u32"#),
///     r#"invalid type: string "…", expected u32"#
/// );
/// // An escaped quote does not end the value.
/// assert_eq!(
///     redact_quoted(r#"invalid type: string "x\"kw_live_secret", expected u32"#),
///     r#"invalid type: string "…", expected u32"#
/// );
/// assert_eq!(
///     redact_quoted("unknown variant `kw_live_secret`, expected `keys:read`"),
///     "unknown variant `…`, expected `keys:read`"
/// );
/// ```
pub fn redact_quoted(message: &str) -> String {
    const VARIANT: &str = "unknown variant ";
    let mut out = String::with_capacity(message.len());
    // The character that ends the value being left out, if inside one.
    let mut inside: Option<char> = None;
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        match inside {
            Some(_) if c == '\\' => {
                chars.next();
            }
            Some(end) if c == end => {
                out.push(end);
                inside = None;
            }
            Some(_) => {}
            None if c == '"' || (c == '`' && out.ends_with(VARIANT)) => {
                out.push(c);
                out.push('…');
                inside = Some(c);
            }
            None => out.push(c),
        }
    }
    if let Some(end) = inside {
        out.push(end);
    }
    out
}

/// Whether `held` grants every scope in `required`.
///
/// ```
/// use keywarden_core::names::{Scope, covers_all};
/// let held: Vec<Scope> = vec!["orders:*".parse().unwrap(), "users:read".parse().unwrap()];
/// assert!(covers_all(&held, &["orders:write".parse().unwrap(), "users:read".parse().unwrap()]));
/// assert!(!covers_all(&held, &["users:write".parse().unwrap()]));
/// ```
pub fn covers_all(held: &[Scope], required: &[Scope]) -> bool {
    required.iter().all(|r| held.iter().any(|h| h.covers(r)))
}

/// Scopes as one comma-separated list, the form of the
/// `X-Keywarden-Scopes` header and of the usage log's `scopes` column.
///
/// ```
/// use keywarden_core::names::{Scope, join_scopes};
/// let s: Vec<Scope> = vec!["orders:read".parse().unwrap(), "users:*".parse().unwrap()];
/// assert_eq!(join_scopes(&s), "orders:read,users:*");
/// assert_eq!(join_scopes(&[]), "");
/// ```
pub fn join_scopes(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(Scope::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_refuses_what_ends_or_hides_a_line() {
        for bad in [
            "a\nb",
            "a\u{2028}b",
            "a\u{2029}b",
            "a\u{202E}b",
            "a\u{200B}b",
            "\u{7}",
        ] {
            assert!(!is_clean_text(bad), "{bad:?}");
            assert!(!display_safe(bad, 10).contains(['\u{2028}', '\u{2029}']));
        }
        assert!(is_clean_text("Zahlungs-API für München ✓"));
    }

    #[test]
    fn owners() {
        for ok in ["acme", "user_42", "svc:billing", "ops@acme.io", "A"] {
            assert!(ok.parse::<Owner>().is_ok(), "{ok}");
        }
        for bad in ["", "-x", "has space", "tab\t", &"a".repeat(129), "ünï"] {
            assert!(bad.parse::<Owner>().is_err(), "{bad}");
        }
    }

    #[test]
    fn check_answers_as_parse_does() {
        // `check` is `parse` without the copy: the same answer, the same
        // error, for every name type.
        for text in [
            "acme",
            "orders:read",
            "orders:*",
            "live",
            "",
            "-x",
            "Live",
            "a b",
            "ünï",
        ] {
            assert_eq!(
                Owner::check(text).err(),
                text.parse::<Owner>().err(),
                "{text}"
            );
            assert_eq!(
                Scope::check(text).err(),
                text.parse::<Scope>().err(),
                "{text}"
            );
            assert_eq!(
                crate::key::Environment::check(text).err(),
                text.parse::<crate::key::Environment>().err(),
                "{text}"
            );
        }
        assert!(Scope::check("orders:read").is_ok());
        assert!(crate::key::Environment::check("Live").is_err());
    }

    #[test]
    fn invisible_and_control_characters() {
        for bad in [
            "admin\u{202E}txt.exe",
            "a\u{200B}b",
            "\u{FEFF}x",
            "x\u{2066}y",
            "tag\u{E0041}",
            "nl\n",
            "esc\u{1b}[31m",
        ] {
            assert!(!is_clean_text(bad), "{bad:?}");
        }
        for ok in ["Billing API", "ünïcödé", "日本語", "emoji 🙂"] {
            assert!(is_clean_text(ok), "{ok:?}");
        }
        assert_eq!(display_safe("a\u{1b}[2Jb\n", 64), "a\u{FFFD}[2Jb\u{FFFD}");
        assert_eq!(display_safe(&"x".repeat(100), 64).chars().count(), 65);
        assert_eq!(display_safe("x\u{202E}y", 64), "x\u{FFFD}y");
    }

    #[test]
    fn scopes() {
        let long_segment = "s".repeat(MAX_SCOPE_SEGMENT_LEN);
        let at_limit = format!("{long_segment}:{}", "r".repeat(MAX_SCOPE_LEN - 65));
        for ok in [
            // The `resource:action` names of before, with their meaning.
            "orders:read",
            "orders:*",
            "v2.api:write-all",
            "a.b:read",
            "orders:read.all",
            // Odd ones the first releases took, kept so stored keys load.
            "a.:b",
            "a..b:read",
            "orders:read.",
            "a._x:read",
            // Permission names.
            "admin",
            "*",
            "docs.read",
            "docs.read.own",
            "docs.*",
            "a:b:c",
            "a.b.c:*",
            "0day",
            "x_-",
            &long_segment,
            &at_limit,
        ] {
            assert!(ok.parse::<Scope>().is_ok(), "{ok}");
        }
        for bad in [
            "",
            ":read",
            "orders:",
            "a..b",
            "a:",
            ":a",
            "a::b",
            ".",
            "*:read",
            "a.*.b",
            "**",
            "a*",
            "a.b*",
            "Orders:read",
            "orders:re ad",
            "_x",
            "a.-b",
            "orders:read/all",
            "ünï",
            "tab\t",
            &format!("{long_segment}s"),
            &format!("{at_limit}r"),
        ] {
            assert!(bad.parse::<Scope>().is_err(), "{bad}");
        }
    }

    #[test]
    fn wildcards_cover_what_starts_with_their_stem() {
        let scope = |s: &str| s.parse::<Scope>().unwrap();
        let cases = [
            ("orders:read", "orders:read", true),
            ("orders:*", "orders:read", true),
            ("orders:*", "orders:read.all", true),
            ("orders:*", "orders:*", true),
            ("orders:*", "users:read", false),
            ("orders:*", "orders", false),
            ("orders:*", "orders.read", false),
            ("orders:read", "orders:*", false),
            ("docs.*", "docs.read", true),
            ("docs.*", "docs.read.own", true),
            ("docs.*", "docs.read:*", true),
            ("docs.*", "docs", false),
            ("docs.*", "documents.read", false),
            ("docs.read", "docs.read.own", false),
            ("*", "anything.at:all", true),
            ("*", "*", true),
            ("admin", "*", false),
            ("a.*", "*", false),
        ];
        for (held, required, covered) in cases {
            assert_eq!(
                scope(held).covers(&scope(required)),
                covered,
                "{held} covers {required}"
            );
        }
        assert!(covers_all(&[], &[]));
        assert!(!covers_all(&[], &[scope("admin")]));
    }

    #[test]
    fn scope_errors_name_the_rule_not_the_value() {
        let e = "Secret-Value".parse::<Scope>().unwrap_err();
        assert_eq!(e.what(), "scope");
        let text = e.to_string();
        assert!(
            text.starts_with("invalid scope: expected 1 to 129 bytes"),
            "{text}"
        );
        assert!(!text.contains("Secret"), "{text}");
    }
}
