//! `.env` files in and out.
//!
//! [`parse`] reads a `.env` file exactly as python-dotenv's
//! `dotenv_values(path, interpolate=False)` does (its `dotenv/parser.py`,
//! checked against python-dotenv 1.2.4): no `${VAR}` interpolation, so `$`
//! is always literal. Text is read the way Python's text mode reads it: one
//! leading BOM is dropped and `\r\n` and a lone `\r` both end a line.
//!
//! Where python-dotenv logs a warning and goes on, or yields a name with no
//! value, [`parse`] reports the statement in [`Parsed::skipped`] with its
//! line number instead of failing. Names are also held to keywarden's rule
//! for secret names (see [`is_env_name`]).
//!
//! [`to_env`], [`to_yaml`] and [`to_docker`] write entries back out for a
//! POSIX shell, YAML and `docker run --env-file`.

use std::collections::HashMap;

/// Longest secret name keywarden accepts, in bytes.
pub(crate) const MAX_NAME_LEN: usize = 128;

/// [`Skipped::reason`] for a statement python-dotenv cannot parse.
pub(crate) const MALFORMED: &str = "could not be parsed";
/// [`Skipped::reason`] for a name with no `=` (python-dotenv's `None`).
pub(crate) const NO_VALUE: &str = "name without `=` (read as unset)";
/// [`Skipped::reason`] for a name python-dotenv reads but keywarden refuses.
pub(crate) const NOT_ENV_NAME: &str = "not an environment variable name";

/// Longest line (without its `\n`) that Docker's env-file reader takes: it
/// reads lines with Go's `bufio.Scanner`, whose buffer stops at 64 KiB.
const DOCKER_MAX_LINE: usize = 64 * 1024 - 1;

/// What [`parse`] read from a `.env` file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Parsed {
    /// Name and value pairs in python-dotenv's dict order: a repeated name
    /// keeps the place where it first appeared and the value it had last.
    pub(crate) entries: Vec<(String, String)>,
    /// Statements that gave no entry, in file order.
    pub(crate) skipped: Vec<Skipped>,
}

/// A statement of a `.env` file that [`parse`] did not import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Skipped {
    /// 1-based line on which the statement starts.
    pub(crate) line: usize,
    /// Why: [`MALFORMED`], [`NO_VALUE`] or [`NOT_ENV_NAME`].
    pub(crate) reason: &'static str,
}

/// Whether `name` is a keywarden secret name: environment-variable syntax
/// `[A-Za-z_][A-Za-z0-9_]*`, at most [`MAX_NAME_LEN`] bytes.
pub(crate) fn is_env_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    let first_ok = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
    first_ok && name.len() <= MAX_NAME_LEN && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Reads a `.env` file as python-dotenv does without interpolation; never
/// fails: what it cannot import is listed in [`Parsed::skipped`].
pub(crate) fn parse(text: &str) -> Parsed {
    let text = normalize_newlines(text);
    let mut reader = Reader {
        text: &text,
        pos: 0,
    };
    let mut lines = LineCounter::default();
    let mut table = Table::default();
    let mut skipped = Vec::new();
    loop {
        reader.skip_while(is_py_space);
        if reader.at_end() {
            break;
        }
        let line = lines.line_at(&text, reader.pos);
        match parse_statement(&mut reader) {
            Ok(Some((key, value))) => table.record(key, value, line, &mut skipped),
            Ok(None) => {}
            Err(Malformed) => {
                reader.skip_rest_of_line();
                skipped.push(Skipped {
                    line,
                    reason: MALFORMED,
                });
            }
        }
    }
    Parsed {
        entries: table.into_entries(),
        skipped,
    }
}

/// Python's text mode: drop one BOM, turn `\r\n` and a lone `\r` into `\n`.
fn normalize_newlines(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Python's `\s` (and `str.isspace`) on text: Unicode White_Space plus the
/// separators U+001C..U+001F.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// python-dotenv's `[^\S\r\n]`: whitespace that does not end a line.
fn is_inline_space(c: char) -> bool {
    c != '\n' && c != '\r' && is_py_space(c)
}

/// python-dotenv's parser raised its `Error`: the statement is dropped.
struct Malformed;

/// A key and its value (`None` for a name with no `=`).
type Binding = (String, Option<String>);

/// One statement (python-dotenv's `parse_binding` after the leading
/// whitespace): `Ok(None)` for a comment.
fn parse_statement(reader: &mut Reader<'_>) -> Result<Option<Binding>, Malformed> {
    reader.skip_export();
    let Some(key) = parse_key(reader)? else {
        reader.skip_comment();
        return Ok(None);
    };
    reader.skip_while(is_inline_space);
    let value = if reader.eat('=') {
        let spaced = reader.skip_while(is_inline_space) > 0;
        if spaced && reader.peek() == Some('#') {
            // `KEY= # comment`: an empty value and a comment.
            Some(String::new())
        } else {
            Some(parse_value(reader)?)
        }
    } else {
        None
    };
    reader.skip_comment();
    reader.end_of_line()?;
    Ok(Some((key, value)))
}

/// `'quoted key'` or an unquoted key up to `=`, `#` or whitespace; `None`
/// when the statement is a comment.
fn parse_key(reader: &mut Reader<'_>) -> Result<Option<String>, Malformed> {
    match reader.peek() {
        Some('#') => Ok(None),
        Some('\'') => {
            let rest = &reader.rest()[1..];
            match rest.find('\'') {
                Some(end) if end > 0 => {
                    reader.pos += end + 2;
                    Ok(Some(rest[..end].to_owned()))
                }
                _ => Err(Malformed),
            }
        }
        _ => {
            let key = reader.take_while(|c| c != '=' && c != '#' && !is_py_space(c));
            if key.is_empty() {
                Err(Malformed)
            } else {
                Ok(Some(key.to_owned()))
            }
        }
    }
}

/// The value after `=` and the whitespace that follows it.
fn parse_value(reader: &mut Reader<'_>) -> Result<String, Malformed> {
    match reader.peek() {
        Some('\'') => Ok(unescape(reader.quoted('\'')?, single_quote_escape)),
        Some('"') => Ok(unescape(reader.quoted('"')?, double_quote_escape)),
        None | Some('\n') => Ok(String::new()),
        Some(_) => Ok(unquoted_value(reader.take_while(|c| c != '\n'))),
    }
}

/// An unquoted value: cut at the first `#` that follows whitespace, then
/// trailing whitespace trimmed (a `#` right after text is kept).
fn unquoted_value(raw: &str) -> String {
    let mut run_start = None;
    for (i, c) in raw.char_indices() {
        if is_py_space(c) {
            run_start.get_or_insert(i);
        } else if let (Some(start), '#') = (run_start, c) {
            return raw[..start].trim_end_matches(is_py_space).to_owned();
        } else {
            run_start = None;
        }
    }
    raw.trim_end_matches(is_py_space).to_owned()
}

/// Escapes python-dotenv decodes in single quotes: `\\` and `\'` only.
fn single_quote_escape(c: char) -> Option<char> {
    matches!(c, '\\' | '\'').then_some(c)
}

/// Escapes python-dotenv decodes in double quotes (`\\[\\'"abfnrtv]`, as
/// Python's `unicode-escape` reads them); `\u`, `\x` and the rest stay as
/// written.
fn double_quote_escape(c: char) -> Option<char> {
    match c {
        '\\' | '\'' | '"' => Some(c),
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        'f' => Some('\u{c}'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\u{b}'),
        _ => None,
    }
}

/// Replaces each `\c` that `decode` knows, left to right; a backslash before
/// anything else is kept with it.
fn unescape(raw: &str, decode: fn(char) -> Option<char>) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(next) => match decode(next) {
                Some(decoded) => out.push(decoded),
                None => {
                    out.push('\\');
                    out.push(next);
                }
            },
            None => out.push('\\'),
        }
    }
    out
}

/// A cursor over the normalized text (byte offsets on char boundaries).
struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(c);
        if found {
            self.pos += c.len_utf8();
        }
        found
    }

    /// Consumes the longest prefix whose chars all satisfy `keep`.
    fn take_while(&mut self, keep: impl Fn(char) -> bool) -> &'a str {
        let rest = self.rest();
        let len = rest.find(|c| !keep(c)).unwrap_or(rest.len());
        self.pos += len;
        &rest[..len]
    }

    /// Like [`Reader::take_while`], returning how many bytes it skipped.
    fn skip_while(&mut self, keep: impl Fn(char) -> bool) -> usize {
        self.take_while(keep).len()
    }

    /// `export` followed by inline whitespace (python-dotenv's `_export`).
    fn skip_export(&mut self) {
        let Some(after) = self.rest().strip_prefix("export") else {
            return;
        };
        if after.chars().next().is_some_and(is_inline_space) {
            self.pos += "export".len();
            self.skip_while(is_inline_space);
        }
    }

    /// An optional comment: inline whitespace, `#`, the rest of the line.
    fn skip_comment(&mut self) {
        let start = self.pos;
        self.skip_while(is_inline_space);
        if self.peek() == Some('#') {
            self.skip_while(|c| c != '\n');
        } else {
            self.pos = start;
        }
    }

    /// Inline whitespace then a newline or the end of the text.
    fn end_of_line(&mut self) -> Result<(), Malformed> {
        let start = self.pos;
        self.skip_while(is_inline_space);
        if self.at_end() || self.eat('\n') {
            Ok(())
        } else {
            self.pos = start;
            Err(Malformed)
        }
    }

    /// After an error: everything up to and including the next newline.
    fn skip_rest_of_line(&mut self) {
        self.skip_while(|c| c != '\n');
        self.eat('\n');
    }

    /// The body of a quoted value starting at the opening `quote`: a
    /// backslash always takes the next char with it (newlines included), so
    /// the value ends at the first unescaped `quote`, lines later if need be.
    fn quoted(&mut self, quote: char) -> Result<&'a str, Malformed> {
        let body = &self.rest()[quote.len_utf8()..];
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            if c == '\\' {
                chars.next().ok_or(Malformed)?;
            } else if c == quote {
                self.pos += 2 * quote.len_utf8() + i;
                return Ok(&body[..i]);
            }
        }
        Err(Malformed)
    }
}

/// Turns byte offsets into 1-based line numbers, for offsets that only grow.
struct LineCounter {
    pos: usize,
    line: usize,
}

impl Default for LineCounter {
    fn default() -> Self {
        Self { pos: 0, line: 1 }
    }
}

impl LineCounter {
    fn line_at(&mut self, text: &str, pos: usize) -> usize {
        self.line += text[self.pos..pos].bytes().filter(|&b| b == b'\n').count();
        self.pos = pos;
        self.line
    }
}

/// python-dotenv's `OrderedDict`: first position, last value; `None` is a
/// name read with no `=`, which unsets an earlier value.
#[derive(Default)]
struct Table {
    slots: Vec<(String, Option<String>)>,
    index: HashMap<String, usize>,
}

impl Table {
    fn record(
        &mut self,
        key: String,
        value: Option<String>,
        line: usize,
        skipped: &mut Vec<Skipped>,
    ) {
        if !is_env_name(&key) {
            skipped.push(Skipped {
                line,
                reason: NOT_ENV_NAME,
            });
            return;
        }
        if value.is_none() {
            skipped.push(Skipped {
                line,
                reason: NO_VALUE,
            });
        }
        match self.index.get(&key) {
            Some(&at) => self.slots[at].1 = value,
            None => {
                self.index.insert(key.clone(), self.slots.len());
                self.slots.push((key, value));
            }
        }
    }

    fn into_entries(self) -> Vec<(String, String)> {
        self.slots
            .into_iter()
            .filter_map(|(key, value)| Some((key, value?)))
            .collect()
    }
}

/// A file that `set -a; . ./file` in a POSIX shell turns back into these
/// variables: one `NAME='value'` line each, `'` written as `'\''`.
///
/// Everything but NUL survives byte for byte (newlines, `$`, backslashes,
/// trailing newlines); shells drop NUL bytes. An entry whose name is not an
/// environment-variable name is left out: the shell would run it as a command.
pub(crate) fn to_env(entries: &[(String, String)]) -> String {
    let mut out = String::new();
    for (name, value) in entries.iter().filter(|(name, _)| is_env_name(name)) {
        out.push_str(name);
        out.push_str("='");
        out.push_str(&value.replace('\'', r"'\''"));
        out.push_str("'\n");
    }
    out
}

/// A YAML mapping from name to value, every value a double-quoted scalar
/// (escaped so that any YAML 1.1 or 1.2 loader reads back the exact string).
///
/// Names are written plain, except those a YAML 1.1 loader would read as a
/// boolean or null (`on`, `yes`, `null`, …) and non-environment names, which
/// are quoted too. No entries give `{}`.
pub(crate) fn to_yaml(entries: &[(String, String)]) -> String {
    if entries.is_empty() {
        return "{}\n".to_owned();
    }
    let mut out = String::new();
    for (name, value) in entries {
        if yaml_plain_key(name) {
            out.push_str(name);
        } else {
            push_yaml_quoted(&mut out, name);
        }
        out.push_str(": ");
        push_yaml_quoted(&mut out, value);
        out.push('\n');
    }
    out
}

/// Whether `name` reads back as the same string when written plain.
fn yaml_plain_key(name: &str) -> bool {
    const RESERVED: [&str; 9] = ["y", "n", "yes", "no", "true", "false", "on", "off", "null"];
    is_env_name(name) && !RESERVED.iter().any(|word| word.eq_ignore_ascii_case(name))
}

/// `"value"` with YAML double-quoted escapes.
fn push_yaml_quoted(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if yaml_literal(c) => out.push(c),
            c if u32::from(c) <= 0xff => out.push_str(&format!("\\x{:02X}", u32::from(c))),
            c => out.push_str(&format!("\\u{:04X}", u32::from(c))),
        }
    }
    out.push('"');
}

/// Chars written as themselves inside a double-quoted YAML scalar: YAML's
/// printable set less its line breaks (U+0085, U+2028, U+2029, which would
/// be folded) and the BOM.
fn yaml_literal(c: char) -> bool {
    matches!(c,
        ' '..='~'
        | '\u{a0}'..='\u{2027}'
        | '\u{202a}'..='\u{d7ff}'
        | '\u{e000}'..='\u{fefe}'
        | '\u{ff00}'..='\u{fffd}'
        | '\u{10000}'..='\u{10ffff}')
}

/// A `docker run --env-file` file (`NAME=value`, the value taken literally
/// up to the end of the line), and the names left out of it because Docker
/// cannot carry them: a value with `\n`, `\r` or NUL, a line over Docker's
/// 64 KiB limit, or a name that is not an environment-variable name.
///
/// Leading and trailing whitespace of a value is kept: Docker trims only
/// the start of the line, which begins with the name. This is not the
/// format of Compose's `env_file`, which reads quotes and `${VAR}`.
pub(crate) fn to_docker(entries: &[(String, String)]) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut left_out = Vec::new();
    for (name, value) in entries {
        if docker_can_carry(name, value) {
            out.push_str(name);
            out.push('=');
            out.push_str(value);
            out.push('\n');
        } else {
            left_out.push(name.clone());
        }
    }
    (out, left_out)
}

/// Whether Docker's env-file reader gives back exactly `value` for `name`.
fn docker_can_carry(name: &str, value: &str) -> bool {
    is_env_name(name)
        && !value.contains(['\n', '\r', '\0'])
        && name.len() + 1 + value.len() <= DOCKER_MAX_LINE
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::process::Command;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn entries(text: &str) -> Vec<(String, String)> {
        let parsed = parse(text);
        assert!(
            parsed.skipped.is_empty(),
            "{text:?} skipped {:?}",
            parsed.skipped
        );
        parsed.entries
    }

    fn value(text: &str) -> String {
        let mut all = entries(text);
        assert_eq!(all.len(), 1, "{text:?} gave {all:?}");
        all.remove(0).1
    }

    fn skip(line: usize, reason: &'static str) -> Skipped {
        Skipped { line, reason }
    }

    /// A PEM header or footer, assembled so no source line looks like a key.
    fn pem(edge: &str) -> String {
        format!("-----{edge} {} KEY-----", "PRIVATE")
    }

    #[test]
    fn plain_and_padded() {
        assert_eq!(value("A=plain-value"), "plain-value");
        assert_eq!(value("A =  x  "), "x");
        assert_eq!(value("A\t=\tx y  z\t"), "x y  z");
        assert_eq!(value("   A=indented"), "indented");
        assert_eq!(value("A=a=b==c"), "a=b==c");
    }

    #[test]
    fn single_quotes_are_literal() {
        assert_eq!(
            value("A='$HOME ${X} # not a comment'"),
            "$HOME ${X} # not a comment"
        );
        assert_eq!(value("A='a\\nb'"), "a\\nb");
        assert_eq!(value(r"A='C:\path \\ \' q'"), r"C:\path \ ' q");
        assert_eq!(value("A='line1\nline2'"), "line1\nline2");
        assert_eq!(value("A='x' # comment"), "x");
        assert_eq!(value("A='x'# comment"), "x");
    }

    #[test]
    fn double_quote_escapes() {
        assert_eq!(value(r#"A="a\nb""#), "a\nb");
        assert_eq!(
            value(r#"A="\t \" \\ \' \r \a \b \f \v""#),
            "\t \" \\ ' \r \u{7} \u{8} \u{c} \u{b}"
        );
        // Only python-dotenv's own escapes are decoded.
        assert_eq!(
            value(r#"A="\q \u00e9 \x41 \0 \N""#),
            r"\q \u00e9 \x41 \0 \N"
        );
        assert_eq!(value(r#"A="\\n""#), "\\n");
        assert_eq!(value(r#"A="$HOME stays""#), "$HOME stays");
        assert_eq!(value(r#"A="a # b" # c"#), "a # b");
    }

    #[test]
    fn multi_line_double_quotes() {
        let text = "A=\"first\nsecond\n\n  fourth\"\nB=after";
        assert_eq!(
            entries(text),
            pairs(&[("A", "first\nsecond\n\n  fourth"), ("B", "after")])
        );
    }

    #[test]
    fn unicode() {
        assert_eq!(value("A=ünïcødé ✓"), "ünïcødé ✓");
        assert_eq!(value("A=\"ünïcødé ✓ 日本語 🙂\""), "ünïcødé ✓ 日本語 🙂");
        // Python's `\s` covers Unicode spaces: NBSP before `#` starts a comment.
        assert_eq!(value("A=x\u{a0}#c"), "x");
        assert_eq!(value("A=x\u{1c}\u{3000}"), "x");
    }

    #[test]
    fn pem_block_across_lines() {
        let body = "MIIEfakefakefakefake\nfakefakefakefakefake\nfakefake==";
        let pem_text = format!("{}\n{body}\n{}", pem("BEGIN"), pem("END"));
        assert_eq!(value(&format!("KEY_PEM=\"{pem_text}\"\n")), pem_text);
        let escaped = format!("{}\\n{}\\n{}\\n", pem("BEGIN"), "fakefake==", pem("END"));
        let expected = format!("{}\nfakefake==\n{}\n", pem("BEGIN"), pem("END"));
        assert_eq!(value(&format!("KEY_PEM=\"{escaped}\"")), expected);
    }

    #[test]
    fn base64_padding_kept() {
        assert_eq!(value("B=ZmFrZQ=="), "ZmFrZQ==");
        assert_eq!(value("B = ZmFrZS12YWx1ZQ==  # note"), "ZmFrZS12YWx1ZQ==");
    }

    #[test]
    fn export_prefix() {
        assert_eq!(entries("export A=1"), pairs(&[("A", "1")]));
        assert_eq!(entries("export \t A = 'x'"), pairs(&[("A", "x")]));
        // Without whitespace after it, `export` is part of the name.
        assert_eq!(
            entries("exportA=1\nexport=2"),
            pairs(&[("exportA", "1"), ("export", "2")])
        );
    }

    #[test]
    fn empty_values() {
        for text in ["A=", "A=\"\"", "A=''", "A=   ", "A= # comment", "A=\n"] {
            assert_eq!(value(text), "", "{text:?}");
        }
    }

    #[test]
    fn backslashes() {
        assert_eq!(value(r"A=C:\new\path \' \\"), r"C:\new\path \' \\");
        assert_eq!(value(r"A='C:\new\path'"), r"C:\new\path");
        assert_eq!(value(r#"A="C:\\new\\path""#), r"C:\new\path");
        assert_eq!(value(r#"A="C:\new""#), "C:\new");
    }

    #[test]
    fn comments() {
        let text =
            "# full line\n  # indented\nA=value # comment\nB=value\t# tab\nC=v # one # two\n";
        assert_eq!(
            entries(text),
            pairs(&[("A", "value"), ("B", "value"), ("C", "v")])
        );
        assert_eq!(value("A=value#kept"), "value#kept");
        assert_eq!(value("A=#kept"), "#kept");
        assert_eq!(
            value("A=https://example.invalid/#x"),
            "https://example.invalid/#x"
        );
        assert!(entries("#A=1\n").is_empty());
        assert!(entries("export # just a comment").is_empty());
    }

    #[test]
    fn crlf_bom_and_lone_cr() {
        let text = "\u{feff}A=1\r\nB=\"x\r\ny\"\r\nC=3 \r\n";
        assert_eq!(
            entries(text),
            pairs(&[("A", "1"), ("B", "x\ny"), ("C", "3")])
        );
        assert_eq!(entries("A=1\rB=2"), pairs(&[("A", "1"), ("B", "2")]));
        // Only one BOM is dropped; a second one starts the name.
        let parsed = parse("\u{feff}\u{feff}A=1\n");
        assert_eq!(parsed.skipped, [skip(1, NOT_ENV_NAME)]);
    }

    #[test]
    fn duplicates_keep_first_place_and_last_value() {
        let text = "A=1\nB=2\nA=3\n";
        assert_eq!(entries(text), pairs(&[("A", "3"), ("B", "2")]));
    }

    #[test]
    fn bare_names_are_skipped_and_unset() {
        let parsed = parse("A=1\nB\nA\nC # comment\nD=4\nB=2\n");
        assert_eq!(parsed.entries, pairs(&[("B", "2"), ("D", "4")]));
        assert_eq!(
            parsed.skipped,
            [skip(2, NO_VALUE), skip(3, NO_VALUE), skip(4, NO_VALUE)]
        );
    }

    #[test]
    fn names_must_be_env_names() {
        let text = "a-b=1\n1A=2\n'A B'=3\n'QUOTED'=4\n\"DQ\"=5\nok_Name9=6\né=7\n";
        let parsed = parse(text);
        assert_eq!(parsed.entries, pairs(&[("QUOTED", "4"), ("ok_Name9", "6")]));
        let lines: Vec<usize> = parsed.skipped.iter().map(|s| s.line).collect();
        assert_eq!(lines, [1, 2, 3, 5, 7]);
        assert!(parsed.skipped.iter().all(|s| s.reason == NOT_ENV_NAME));
        assert!(is_env_name(&"A".repeat(MAX_NAME_LEN)));
        assert!(!is_env_name(&"A".repeat(MAX_NAME_LEN + 1)));
        assert!(!is_env_name(""));
        assert!(is_env_name("_"));
    }

    #[test]
    fn malformed_lines_are_reported_with_their_line() {
        let text = "A=1\nBAD LINE\n=no-name\nB=\"x\" junk\nC=2\n\n\nD E\nF='unclosed\nG=3\n";
        let parsed = parse(text);
        assert_eq!(parsed.entries, pairs(&[("A", "1"), ("C", "2"), ("G", "3")]));
        let expected: Vec<Skipped> = [2, 3, 4, 8, 9].map(|l| skip(l, MALFORMED)).into();
        assert_eq!(parsed.skipped, expected);
    }

    #[test]
    fn open_quote_runs_to_the_next_quote() {
        // python-dotenv's quoted values span lines: this one swallows B and
        // ends on line 3, where the text after the quote is an error.
        let parsed = parse("A=\"one\nB=2\nC=\"three\"\nD=4\n");
        assert_eq!(parsed.entries, pairs(&[("D", "4")]));
        assert_eq!(parsed.skipped, [skip(1, MALFORMED)]);
        // A trailing backslash escapes the closing quote.
        let parsed = parse("A='x\\'\nB=2\n");
        assert_eq!(parsed.entries, pairs(&[("B", "2")]));
        assert_eq!(parsed.skipped, [skip(1, MALFORMED)]);
    }

    #[test]
    fn blank_and_empty_input() {
        assert_eq!(parse(""), Parsed::default());
        assert_eq!(parse("\n \t\n"), Parsed::default());
    }

    /// The fixture against python-dotenv's own reading of it (expected.json).
    #[test]
    fn fixture_matches_python_dotenv() {
        let text = include_str!("../../tests/fixtures/dotenv/all-kinds.env");
        let json = include_str!("../../tests/fixtures/dotenv/expected.json");
        let python = json::object(json);
        let expected: Vec<(String, String)> = python
            .iter()
            .filter(|(k, _)| is_env_name(k))
            .filter_map(|(k, v)| Some((k.clone(), v.clone()?)))
            .collect();
        let parsed = parse(text);
        assert_eq!(parsed.entries, expected);
        let count = |reason| parsed.skipped.iter().filter(|s| s.reason == reason).count();
        assert_eq!(
            count(NO_VALUE),
            python.iter().filter(|(_, v)| v.is_none()).count()
        );
        assert_eq!(
            count(NOT_ENV_NAME),
            python.iter().filter(|(k, _)| !is_env_name(k)).count()
        );
        // python-dotenv's warnings name the same lines.
        let malformed: Vec<usize> = parsed
            .skipped
            .iter()
            .filter(|s| s.reason == MALFORMED)
            .map(|s| s.line)
            .collect();
        assert_eq!(malformed, [60, 61, 62, 69, 71]);
    }

    /// Just enough JSON for `{"name": "value" | null, ...}`.
    mod json {
        pub(super) fn object(text: &str) -> Vec<(String, Option<String>)> {
            let mut chars = text.trim().chars().peekable();
            assert_eq!(chars.next(), Some('{'));
            let mut out = Vec::new();
            loop {
                skip_ws(&mut chars);
                match chars.next() {
                    Some('}') => return out,
                    Some(',') => continue,
                    Some('"') => {}
                    other => panic!("unexpected {other:?}"),
                }
                let key = string(&mut chars);
                skip_ws(&mut chars);
                assert_eq!(chars.next(), Some(':'));
                skip_ws(&mut chars);
                let value = if chars.peek() == Some(&'n') {
                    let word: String = chars.by_ref().take(4).collect();
                    assert_eq!(word, "null");
                    None
                } else {
                    assert_eq!(chars.next(), Some('"'));
                    Some(string(&mut chars))
                };
                out.push((key, value));
            }
        }

        type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

        fn skip_ws(chars: &mut Chars<'_>) {
            while chars.peek().is_some_and(|c| c.is_ascii_whitespace()) {
                chars.next();
            }
        }

        fn string(chars: &mut Chars<'_>) -> String {
            let mut units: Vec<u16> = Vec::new();
            loop {
                match chars.next().unwrap() {
                    '"' => return String::from_utf16(&units).unwrap(),
                    '\\' => {
                        let unit = match chars.next().unwrap() {
                            'n' => u16::from(b'\n'),
                            'r' => u16::from(b'\r'),
                            't' => u16::from(b'\t'),
                            'b' => 8,
                            'f' => 12,
                            'u' => {
                                let hex: String = chars.by_ref().take(4).collect();
                                u16::from_str_radix(&hex, 16).unwrap()
                            }
                            c => u16::try_from(u32::from(c)).unwrap(),
                        };
                        units.push(unit);
                    }
                    c => units.extend(c.encode_utf16(&mut [0; 2]).iter()),
                }
            }
        }
    }

    // ---- to_env, checked against the real `sh` ----

    fn temp_file(contents: &str) -> PathBuf {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("keywarden-dotenv-{}-{n}.env", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// Sources `file` with `set -a; . FILE` in `sh` and reads the variables
    /// back, byte for byte, from `env -0`.
    fn source_with_sh(file: &str, names: &[String]) -> Vec<Vec<u8>> {
        let path = temp_file(file);
        let output = Command::new("sh")
            .args(["-c", "set -a; . \"$1\" && env -0", "sh"])
            .arg(&path)
            .output()
            .unwrap();
        std::fs::remove_file(&path).unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let vars: HashMap<&[u8], &[u8]> = output
            .stdout
            .split(|&b| b == 0)
            .filter_map(|var| {
                let eq = var.iter().position(|&b| b == b'=')?;
                Some((&var[..eq], &var[eq + 1..]))
            })
            .collect();
        names
            .iter()
            .map(|name| {
                vars.get(name.as_bytes())
                    .unwrap_or_else(|| panic!("{name} unset"))
                    .to_vec()
            })
            .collect()
    }

    fn assert_sh_round_trip(values: &[String]) {
        let entries: Vec<(String, String)> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("KW_DOTENV_TEST_{i}"), v.clone()))
            .collect();
        let names: Vec<String> = entries.iter().map(|(n, _)| n.clone()).collect();
        let got = source_with_sh(&to_env(&entries), &names);
        for ((name, want), got) in entries.iter().zip(got) {
            assert_eq!(
                got,
                want.as_bytes(),
                "{name}: {want:?} came back as {:?}",
                String::from_utf8_lossy(&got)
            );
        }
    }

    #[test]
    fn to_env_format() {
        let out = to_env(&pairs(&[("A", "it's"), ("B", ""), ("C", "x\ny")]));
        assert_eq!(out, "A='it'\\''s'\nB=''\nC='x\ny'\n");
        assert_eq!(
            to_env(&pairs(&[("bad name; rm", "x"), ("OK", "y")])),
            "OK='y'\n"
        );
    }

    #[test]
    fn to_env_round_trips_awkward_values_through_sh() {
        let values = [
            "plain",
            "",
            "'",
            "''",
            "'\\''",
            "it's a \"quote\"",
            "$HOME ${USER} $(echo no) `echo no` $((1+1))",
            "back\\slash \\n \\\\ \\",
            "line1\nline2",
            "trailing newlines\n\n",
            "\n",
            "  padded  ",
            "\t\r\n\u{b}\u{c}",
            "ünïcødé ✓ 日本語 🙂",
            "Á ˆ ƒ Ȁ \u{85} \u{a0} \u{2028} \u{feff} \u{10ffff}",
            "# not a comment",
            "a=b; c=d & e | f > g < h",
            "*?[a-z]~",
        ];
        let values: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
        assert_sh_round_trip(&values);
        let pem_text = format!(
            "{}\nMIIEfakefakefake\nfake==\n{}\n",
            pem("BEGIN"),
            pem("END")
        );
        assert_sh_round_trip(&[pem_text]);
    }

    /// Small xorshift generator: the same awkward strings on every run.
    struct Gen(u64);

    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    fn awkward_chars() -> Vec<char> {
        let mut chars: Vec<char> = (1u8..=127).map(char::from).collect();
        chars.extend("éü✓日🙂ÁˆƒȀ\u{85}\u{a0}\u{2028}\u{feff}\u{7ff}\u{fffd}\u{10ffff}".chars());
        chars
    }

    #[test]
    fn to_env_round_trips_generated_strings_through_sh() {
        let chars = awkward_chars();
        let mut values: Vec<String> = chars.iter().map(|c| c.to_string()).collect();
        values.extend(chars.iter().map(|c| format!("x{c}{c}")));
        values.push(chars.iter().collect());
        let mut generator = Gen(0x9e37_79b9_7f4a_7c15);
        for _ in 0..400 {
            let len = generator.below(40);
            values.push(
                (0..len)
                    .map(|_| chars[generator.below(chars.len())])
                    .collect(),
            );
        }
        for batch in values.chunks(250) {
            assert_sh_round_trip(batch);
        }
    }

    #[test]
    fn to_env_output_parses_back() {
        // Values without `\'` sequences read back through python-dotenv's
        // single-quote rules unchanged.
        let entries = pairs(&[("A", "x $y # z"), ("B", "multi\nline"), ("C", "")]);
        assert_eq!(parse(&to_env(&entries)).entries, entries);
    }

    // ---- YAML (checked against PyYAML when the tests were written) ----

    #[test]
    fn to_yaml_format() {
        let entries = pairs(&[
            ("A", "plain"),
            ("B", "say \"hi\"\\ok"),
            ("C", "a\nb\tc\rd"),
            ("D", ""),
            (
                "E",
                "\u{0}\u{1b}\u{7f}\u{85}\u{9f}\u{a0}é\u{2028}\u{2029}\u{feff}🙂",
            ),
            ("F", "  padded  "),
            ("G", "# not: a comment, {} [] & * ! | > ' % @ `"),
        ]);
        let expected = concat!(
            "A: \"plain\"\n",
            "B: \"say \\\"hi\\\"\\\\ok\"\n",
            "C: \"a\\nb\\tc\\rd\"\n",
            "D: \"\"\n",
            "E: \"\\x00\\x1B\\x7F\\x85\\x9F\u{a0}é\\u2028\\u2029\\uFEFF🙂\"\n",
            "F: \"  padded  \"\n",
            "G: \"# not: a comment, {} [] & * ! | > ' % @ `\"\n",
        );
        assert_eq!(to_yaml(&entries), expected);
    }

    #[test]
    fn to_yaml_quotes_keys_yaml_would_retype() {
        let entries = pairs(&[
            ("on", "1"),
            ("NULL", "2"),
            ("Yes", "3"),
            ("y", "4"),
            ("ON_CALL", "5"),
        ]);
        let expected =
            "\"on\": \"1\"\n\"NULL\": \"2\"\n\"Yes\": \"3\"\n\"y\": \"4\"\nON_CALL: \"5\"\n";
        assert_eq!(to_yaml(&entries), expected);
        assert_eq!(to_yaml(&[]), "{}\n");
    }

    // ---- Docker ----

    #[test]
    fn to_docker_writes_literal_values() {
        let entries = pairs(&[
            ("A", "it's \"raw\" $HOME # kept"),
            ("B", "  padded  "),
            ("C", ""),
            ("D", "a\nb"),
            ("E", "a\rb"),
            ("F", "a\u{0}b"),
            ("bad name", "x"),
            ("G", "ünïcødé ✓"),
        ]);
        let (out, left_out) = to_docker(&entries);
        assert_eq!(
            out,
            "A=it's \"raw\" $HOME # kept\nB=  padded  \nC=\nG=ünïcødé ✓\n"
        );
        assert_eq!(left_out, ["D", "E", "F", "bad name"]);
    }

    #[test]
    fn to_docker_leaves_out_lines_over_64_kib() {
        let fits = "x".repeat(DOCKER_MAX_LINE - 2);
        let too_long = "x".repeat(DOCKER_MAX_LINE - 1);
        let (out, left_out) = to_docker(&pairs(&[("A", &fits), ("B", &too_long)]));
        assert_eq!(out.len(), DOCKER_MAX_LINE + 1);
        assert_eq!(left_out, ["B"]);
    }
}
