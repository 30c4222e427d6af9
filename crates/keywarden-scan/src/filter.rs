//! Betterleaks 2 `filter` and `prefilter` expressions, the part keywarden
//! can evaluate exactly.
//!
//! A Betterleaks rule drops a finding when its `filter` is true
//! (`entropy(finding["secret"]) < 3.5`); the configuration's global
//! `filter` applies to every rule's findings and its `prefilter` skips a
//! whole file (`matchesAny(attributes["path"], [...])`). The language is
//! Expr's; this module reads the subset that needs no more than the
//! finding itself:
//!
//! - `||`, `&&`, `!`, parentheses, comparisons (`<`, `<=`, `>`, `>=`,
//!   `==`, `!=`) between numbers or strings;
//! - number, string (`"…"` with escapes, `` `…` `` raw) and list literals;
//! - `finding["secret"]`, `finding["match"]`, `finding["line"]` and
//!   `attributes["path"]`;
//! - `entropy(s)` (Shannon, bits per byte, as [`crate::entropy::shannon`]),
//!   `len(s)` (characters), `lower(s)`, `upper(s)`,
//!   `matchesAny(s, [regex, …])` and `containsAny(s, [term, …])` (the
//!   string lowercased, the terms as written: Betterleaks' own behaviour);
//! - `//` comments.
//!
//! Anything else (`tokenRatio`, `failsTokenEfficiency`, `let`, slices of
//! `fragment_raw`, `setConfidence`, …) is not guessed at: [`Filter::parse`]
//! fails naming it, and the importer skips the rule (see
//! [`crate::gitleaks`]), so a filter keywarden cannot evaluate never lets
//! through what Betterleaks would drop.

use std::fmt;

/// What a filter is evaluated against.
#[derive(Debug, Clone, Copy, Default)]
pub struct Subject<'a> {
    /// The secret (`finding["secret"]`).
    pub secret: &'a str,
    /// The rule's whole match (`finding["match"]`).
    pub whole: &'a str,
    /// The line the match starts on (`finding["line"]`).
    pub line: &'a str,
    /// The file's path as shown (`attributes["path"]`).
    pub path: &'a str,
}

/// A parsed filter expression.
#[derive(Clone)]
pub struct Filter {
    root: Node,
    source_len: usize,
}

impl fmt::Debug for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Filter({} bytes)", self.source_len)
    }
}

/// Why an expression cannot be evaluated by keywarden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Secret,
    Match,
    Line,
    Path,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

#[derive(Debug, Clone)]
enum Node {
    /// Any of (n-ary: a long chain of `||` does not nest).
    Or(Vec<Node>),
    /// All of.
    And(Vec<Node>),
    Not(Box<Node>),
    Cmp(Cmp, Box<Node>, Box<Node>),
    Num(f64),
    Str(String),
    Bool(bool),
    Field(Field),
    Entropy(Box<Node>),
    Len(Box<Node>),
    Lower(Box<Node>),
    Upper(Box<Node>),
    /// One regex, the alternation of the list (Betterleaks joins them too).
    MatchesAny(Box<Node>, Option<regex::Regex>),
    ContainsAny(Box<Node>, Vec<String>),
}

enum Value {
    Bool(bool),
    Num(f64),
    Str(String),
}

impl Value {
    fn truthy(&self) -> bool {
        match self {
            Self::Bool(b) => *b,
            Self::Num(n) => *n != 0.0,
            Self::Str(s) => !s.is_empty(),
        }
    }
}

/// The most an expression may nest (parentheses, `!`): deeper is refused,
/// so a hostile configuration cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

impl Filter {
    /// Parses an expression; fails naming the first construct keywarden
    /// cannot evaluate (or a syntax error).
    pub fn parse(text: &str) -> Result<Self, Unsupported> {
        let tokens = lex(text)?;
        let mut p = Parser {
            tokens,
            at: 0,
            depth: 0,
        };
        let root = p.expr()?;
        if p.at != p.tokens.len() {
            return Err(Unsupported(format!(
                "unexpected {} after the expression",
                p.tokens[p.at].describe()
            )));
        }
        Ok(Self {
            root,
            source_len: text.len(),
        })
    }

    /// Whether the expression is true for `subject` (true: drop the
    /// finding, or skip the file for a prefilter).
    pub fn eval(&self, subject: &Subject<'_>) -> bool {
        eval(&self.root, subject).truthy()
    }
}

fn eval(node: &Node, s: &Subject<'_>) -> Value {
    match node {
        Node::Or(all) => Value::Bool(all.iter().any(|n| eval(n, s).truthy())),
        Node::And(all) => Value::Bool(all.iter().all(|n| eval(n, s).truthy())),
        Node::Not(a) => Value::Bool(!eval(a, s).truthy()),
        Node::Cmp(op, a, b) => {
            let ord = match (eval(a, s), eval(b, s)) {
                (Value::Num(x), Value::Num(y)) => x.partial_cmp(&y),
                (Value::Str(x), Value::Str(y)) => Some(x.cmp(&y)),
                (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(&y)),
                _ => None,
            };
            let Some(ord) = ord else {
                // Mismatched types: only `!=` holds (Expr would fail the
                // program; a finding is then kept, as here for `==`).
                return Value::Bool(*op == Cmp::Ne);
            };
            use std::cmp::Ordering::{Equal, Greater, Less};
            Value::Bool(match op {
                Cmp::Lt => ord == Less,
                Cmp::Le => ord != Greater,
                Cmp::Gt => ord == Greater,
                Cmp::Ge => ord != Less,
                Cmp::Eq => ord == Equal,
                Cmp::Ne => ord != Equal,
            })
        }
        Node::Num(n) => Value::Num(*n),
        Node::Str(t) => Value::Str(t.clone()),
        Node::Bool(b) => Value::Bool(*b),
        Node::Field(f) => Value::Str(
            match f {
                Field::Secret => s.secret,
                Field::Match => s.whole,
                Field::Line => s.line,
                Field::Path => s.path,
            }
            .to_owned(),
        ),
        Node::Entropy(a) => Value::Num(crate::entropy::shannon(text(a, s).as_bytes())),
        Node::Len(a) => Value::Num(text(a, s).chars().count() as f64),
        Node::Lower(a) => Value::Str(text(a, s).to_lowercase()),
        Node::Upper(a) => Value::Str(text(a, s).to_uppercase()),
        Node::MatchesAny(a, re) => {
            Value::Bool(re.as_ref().is_some_and(|re| re.is_match(&text(a, s))))
        }
        Node::ContainsAny(a, terms) => {
            let lower = text(a, s).to_lowercase();
            Value::Bool(terms.iter().any(|t| lower.contains(t.as_str())))
        }
    }
}

fn text(node: &Node, s: &Subject<'_>) -> String {
    match eval(node, s) {
        Value::Str(t) => t,
        Value::Num(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Num(f64),
    Str(String),
    Op(&'static str),
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Self::Ident(i) => format!("`{i}`"),
            Self::Num(n) => format!("the number {n}"),
            Self::Str(_) => "a string".to_owned(),
            Self::Op(o) => format!("`{o}`"),
        }
    }
}

const OPS: &[&str] = &[
    "||", "&&", "<=", ">=", "==", "!=", "<", ">", "!", "(", ")", "[", "]", ",",
    // Read only to name them: no rule of this subset uses them.
    "??", "?.", "?", ":", ";", "=", "+", "-", "*", "/", "%", "{", "}", "|", "&",
];

fn lex(text: &str) -> Result<Vec<Tok>, Unsupported> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if text[i..].starts_with("//") {
            i = text[i..].find('\n').map_or(b.len(), |n| i + n);
        } else if c == b'`' {
            let end = text[i + 1..]
                .find('`')
                .ok_or_else(|| Unsupported("a raw string is not closed".into()))?;
            out.push(Tok::Str(text[i + 1..i + 1 + end].to_owned()));
            i += end + 2;
        } else if c == b'"' || c == b'\'' {
            let (s, next) = quoted(text, i)?;
            out.push(Tok::Str(s));
            i = next;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            let n = text[start..i]
                .parse()
                .map_err(|_| Unsupported(format!("bad number {:?}", &text[start..i])))?;
            out.push(Tok::Num(n));
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.') {
                i += 1;
            }
            out.push(Tok::Ident(text[start..i].to_owned()));
        } else if let Some(op) = OPS.iter().find(|op| text[i..].starts_with(**op)) {
            out.push(Tok::Op(op));
            i += op.len();
        } else {
            let ch = text[i..].chars().next().unwrap_or('?');
            return Err(Unsupported(format!("the operator or character `{ch}`")));
        }
    }
    Ok(out)
}

/// A `"…"` or `'…'` string with Go-style escapes, from `start` (the quote):
/// its value and the index after the closing quote.
fn quoted(text: &str, start: usize) -> Result<(String, usize), Unsupported> {
    let quote = text.as_bytes()[start] as char;
    let mut out = String::new();
    let mut chars = text[start + 1..].char_indices();
    while let Some((at, c)) = chars.next() {
        if c == quote {
            return Ok((out, start + 1 + at + 1));
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else { break };
        out.push(match e {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '\\' => '\\',
            '"' => '"',
            '\'' => '\'',
            '`' => '`',
            other => {
                return Err(Unsupported(format!("the string escape `\\{other}`")));
            }
        });
    }
    Err(Unsupported("a string is not closed".into()))
}

struct Parser {
    tokens: Vec<Tok>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.at)
    }

    fn eat(&mut self, op: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Op(o)) if *o == op) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, op: &str) -> Result<(), Unsupported> {
        if self.eat(op) {
            Ok(())
        } else {
            Err(Unsupported(format!(
                "expected `{op}`, found {}",
                self.peek()
                    .map_or_else(|| "the end".to_owned(), Tok::describe)
            )))
        }
    }

    fn expr(&mut self) -> Result<Node, Unsupported> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Unsupported("an expression nested too deep".into()));
        }
        let mut any = vec![self.and()?];
        while self.eat("||") {
            any.push(self.and()?);
        }
        self.depth -= 1;
        Ok(if any.len() == 1 {
            any.swap_remove(0)
        } else {
            Node::Or(any)
        })
    }

    fn and(&mut self) -> Result<Node, Unsupported> {
        let mut all = vec![self.unary()?];
        while self.eat("&&") {
            all.push(self.unary()?);
        }
        Ok(if all.len() == 1 {
            all.swap_remove(0)
        } else {
            Node::And(all)
        })
    }

    fn unary(&mut self) -> Result<Node, Unsupported> {
        if self.eat("!") {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(Unsupported("an expression nested too deep".into()));
            }
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Node::Not(Box::new(inner)));
        }
        let left = self.primary()?;
        let op = match self.peek() {
            Some(Tok::Op("<")) => Cmp::Lt,
            Some(Tok::Op("<=")) => Cmp::Le,
            Some(Tok::Op(">")) => Cmp::Gt,
            Some(Tok::Op(">=")) => Cmp::Ge,
            Some(Tok::Op("==")) => Cmp::Eq,
            Some(Tok::Op("!=")) => Cmp::Ne,
            _ => return Ok(left),
        };
        self.at += 1;
        let right = self.primary()?;
        Ok(Node::Cmp(op, Box::new(left), Box::new(right)))
    }

    fn primary(&mut self) -> Result<Node, Unsupported> {
        let Some(tok) = self.peek().cloned() else {
            return Err(Unsupported("an expression ends early".into()));
        };
        self.at += 1;
        match tok {
            Tok::Op("(") => {
                let inner = self.expr()?;
                self.expect(")")?;
                Ok(inner)
            }
            Tok::Num(n) => Ok(Node::Num(n)),
            Tok::Str(s) => Ok(Node::Str(s)),
            Tok::Ident(name) => self.ident(&name),
            other => Err(Unsupported(format!("unexpected {}", other.describe()))),
        }
    }

    fn ident(&mut self, name: &str) -> Result<Node, Unsupported> {
        match name {
            "true" => return Ok(Node::Bool(true)),
            "false" => return Ok(Node::Bool(false)),
            "finding" | "attributes" => {
                self.expect("[")?;
                let key = match self.peek() {
                    Some(Tok::Str(k)) => k.clone(),
                    _ => return Err(Unsupported(format!("{name}[…] with a computed key"))),
                };
                self.at += 1;
                self.expect("]")?;
                let field = match (name, key.as_str()) {
                    ("finding", "secret") => Field::Secret,
                    ("finding", "match") => Field::Match,
                    ("finding", "line") => Field::Line,
                    ("attributes", "path") => Field::Path,
                    _ => return Err(Unsupported(format!("{name}[\"{key}\"]"))),
                };
                if matches!(self.peek(), Some(Tok::Op("["))) {
                    return Err(Unsupported(format!("a slice of {name}[\"{key}\"]")));
                }
                return Ok(Node::Field(field));
            }
            _ => {}
        }
        if !self.eat("(") {
            return Err(Unsupported(format!("`{name}`")));
        }
        let args = self.args()?;
        let count = args.len();
        let arity = |n: usize| -> Result<(), Unsupported> {
            if count == n {
                Ok(())
            } else {
                Err(Unsupported(format!("{name}() with {count} arguments")))
            }
        };
        let mut args = args.into_iter();
        let mut next = || -> Result<Arg, Unsupported> {
            args.next()
                .ok_or_else(|| Unsupported(format!("{name}() without its arguments")))
        };
        match name {
            "entropy" | "len" | "lower" | "upper" => {
                arity(1)?;
                let a = Box::new(next()?.node()?);
                Ok(match name {
                    "entropy" => Node::Entropy(a),
                    "len" => Node::Len(a),
                    "lower" => Node::Lower(a),
                    _ => Node::Upper(a),
                })
            }
            "matchesAny" | "containsAny" => {
                arity(2)?;
                let subject = Box::new(next()?.node()?);
                let list = next()?.list()?;
                if name == "containsAny" {
                    return Ok(Node::ContainsAny(subject, list));
                }
                if list.is_empty() {
                    return Ok(Node::MatchesAny(subject, None));
                }
                let joined = list
                    .iter()
                    .map(|p| format!("(?:{})", crate::gitleaks::go_regex(p)))
                    .collect::<Vec<_>>()
                    .join("|");
                let re = regex::RegexBuilder::new(&joined)
                    .size_limit(4 << 20)
                    .build()
                    .map_err(|e| {
                        Unsupported(format!("a matchesAny() regex Rust cannot read: {e}"))
                    })?;
                Ok(Node::MatchesAny(subject, Some(re)))
            }
            other => Err(Unsupported(format!("the function {other}()"))),
        }
    }

    fn args(&mut self) -> Result<Vec<Arg>, Unsupported> {
        let mut out = Vec::new();
        if self.eat(")") {
            return Ok(out);
        }
        loop {
            if self.eat("[") {
                let mut items = Vec::new();
                while !self.eat("]") {
                    match self.peek() {
                        Some(Tok::Str(s)) => items.push(s.clone()),
                        _ => return Err(Unsupported("a list of anything but strings".into())),
                    }
                    self.at += 1;
                    if !self.eat(",") {
                        self.expect("]")?;
                        break;
                    }
                }
                out.push(Arg::List(items));
            } else {
                out.push(Arg::Node(self.expr()?));
            }
            if self.eat(")") {
                return Ok(out);
            }
            self.expect(",")?;
        }
    }
}

enum Arg {
    Node(Node),
    List(Vec<String>),
}

impl Arg {
    fn node(self) -> Result<Node, Unsupported> {
        match self {
            Self::Node(n) => Ok(n),
            Self::List(_) => Err(Unsupported("a list where a string is expected".into())),
        }
    }

    fn list(self) -> Result<Vec<String>, Unsupported> {
        match self {
            Self::List(l) => Ok(l),
            Self::Node(_) => Err(Unsupported("a computed list".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn secret(s: &str) -> Subject<'_> {
        Subject {
            secret: s,
            ..Subject::default()
        }
    }

    #[test]
    fn entropy_and_token_lists() {
        let f = Filter::parse("entropy(finding[\"secret\"]) <= 3.5 // low\n").unwrap();
        assert!(f.eval(&secret("aaaaaaaaaaaa")));
        assert!(!f.eval(&secret("q8Zr1xK0pLm3Vn7T")));
        let f = Filter::parse(
            "entropy(finding[\"secret\"]) < 3 || !matchesAny(finding[\"secret\"], [`[0-9]`, \"(?i)x\"])",
        )
        .unwrap();
        assert!(f.eval(&secret("abcdefghJKLMNOPQ")));
        assert!(!f.eval(&secret("abcdefgh1KLMNOPQ")));
        let f =
            Filter::parse("containsAny(finding[\"secret\"], [\"example\", \"EXAMPLE\"])").unwrap();
        // Lowercased subject, terms as written (Betterleaks' behaviour).
        assert!(f.eval(&secret("AKIAEXAMPLEKEY")));
        let f = Filter::parse(
            "matchesAny(attributes[\"path\"], [`(?:^|/)node_modules(?:/.*)?$`]) && len(finding[\"secret\"]) > 3",
        )
        .unwrap();
        assert!(f.eval(&Subject {
            secret: "abcd",
            path: "web/node_modules/x.js",
            ..Subject::default()
        }));
    }

    #[test]
    fn what_cannot_be_evaluated_is_named() {
        for (text, named) in [
            (
                "entropy(finding[\"secret\"]) < 3.0 || tokenRatio(finding[\"secret\"]) >= 2.5",
                "tokenRatio",
            ),
            ("let x = 1; x > 0", "`let`"),
            (
                "finding[\"fragment_raw\"][finding[\"match_start_idx\"]:]",
                "fragment_raw",
            ),
            (
                "failsTokenEfficiency(finding[\"secret\"])",
                "failsTokenEfficiency",
            ),
            ("finding[\"secret\"] matches \"x\"", "`matches`"),
        ] {
            let e = Filter::parse(text).unwrap_err();
            assert!(e.0.contains(named), "{text}: {e}");
        }
        let deep = format!("{}true{}", "(".repeat(200), ")".repeat(200));
        assert!(Filter::parse(&deep).is_err());
        let nots = format!("{}true", "!".repeat(500));
        assert!(Filter::parse(&nots).is_err());
    }
}
