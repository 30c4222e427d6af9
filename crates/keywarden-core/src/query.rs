//! Permission queries: what a request needs, as a boolean expression over
//! permission names, such as `docs.read AND (billing.read OR admin)`.
//!
//! A query is parsed once into a [`PermissionQuery`]; checking it against
//! the names a key holds ([`PermissionQuery::is_satisfied_by`]) allocates
//! nothing, since it runs on every verification.
//!
//! # Grammar
//!
//! ```text
//! query  := expr
//! expr   := term (OR term)*
//! term   := factor (AND factor)*
//! factor := PERMISSION | '(' expr ')'
//! ```
//!
//! - `AND` binds tighter than `OR`: `a OR b AND c` is `a OR (b AND c)`.
//! - The operators are exactly `AND` and `OR`, in upper case. Permission
//!   names are lower case, so they never clash; `a and b` is an error (two
//!   names with no operator between them).
//! - Spaces and tabs separate tokens; around parentheses they are optional
//!   (`a AND(b OR c)` is fine).
//! - A PERMISSION is a [`Scope`]: segments of lowercase letters, digits,
//!   `_` or `-` separated by `.` or `:`, the last of which may be `*`.
//!
//! # Wildcards
//!
//! A required term is held when any held name covers it
//! ([`Scope::covers`]): the same name, or a held `*`, or a held name ending
//! in `.*` or `:*` whose text before the `*` starts the term (`docs.*`
//! covers `docs.read` and `docs.read.own`). A `*` in the query itself is a
//! name like any other: the term `docs.*` is held only by `docs.*`, `*` or
//! a wildcard broader than it.
//!
//! # Limits
//!
//! Hostile input stays cheap: a query is at most [`MAX_QUERY_LEN`] bytes,
//! names at most [`MAX_QUERY_TERMS`] permissions and nests parentheses at
//! most [`MAX_QUERY_DEPTH`] deep. Anything else is a [`QueryError`] that
//! says where, what was expected and what was found.
//!
//! # Example
//!
//! ```
//! use keywarden_core::{names::Scope, query::PermissionQuery};
//!
//! let query: PermissionQuery = "docs.read AND (billing.read OR admin)".parse()?;
//! let held: Vec<Scope> = vec!["docs.*".parse()?, "admin".parse()?];
//! assert!(query.is_satisfied_by(&held));
//!
//! let held: Vec<Scope> = vec!["docs.read".parse()?];
//! assert!(!query.is_satisfied_by(&held));
//! let missing: Vec<String> = query.missing(&held).iter().map(Scope::to_string).collect();
//! assert_eq!(missing, ["billing.read", "admin"]);
//!
//! let error = "docs.read AND".parse::<PermissionQuery>().unwrap_err();
//! assert_eq!(error.position, 13);
//! assert_eq!(error.to_string(), "expected a permission or `(` at position 13 (end of query)");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use crate::names::Scope;

/// The longest query, in bytes.
pub const MAX_QUERY_LEN: usize = 1024;

/// The most permission terms a query names.
pub const MAX_QUERY_TERMS: usize = 64;

/// The deepest a query nests parentheses.
pub const MAX_QUERY_DEPTH: usize = 16;

/// The most characters of the query an error quotes.
const MAX_QUOTE: usize = 32;

/// Why a query was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct QueryError {
    /// Where the problem is: a 0-based byte offset into the query (its
    /// length when the query ends too early).
    pub position: usize,
    /// What was expected, where, and what was found:
    /// `expected a permission or `(` at position 13 (end of query)`. It
    /// quotes at most 32 characters of the query.
    pub message: String,
}

impl QueryError {
    fn new(position: usize, expected: &str, found: &str) -> Self {
        Self {
            position,
            message: format!("expected {expected} at position {position} ({found})"),
        }
    }
}

/// A parsed permission query (see the [module docs](self) for the
/// grammar). Two queries are equal when they have the same structure: the
/// same terms in the same order, grouped the same way.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PermissionQuery {
    /// The permission terms, in the order the query names them.
    terms: Vec<Scope>,
    /// The expression over `terms`.
    root: Node,
}

/// A node of a query's expression. Parsing flattens groups of one
/// operator (`a AND (b AND c)` is one `All` of three), so an `All` never
/// holds an `All`, nor an `Any` an `Any`, and a group has at least two
/// children (except the empty `All` of [`PermissionQuery::all_of`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Node {
    /// The term at this index of `terms`.
    Term(usize),
    /// Every child holds.
    All(Vec<Node>),
    /// At least one child holds.
    Any(Vec<Node>),
}

impl Node {
    /// One node of `nodes`, joined by `group` when there are several.
    fn join(mut nodes: Vec<Node>, group: fn(Vec<Node>) -> Node) -> Node {
        if nodes.len() == 1
            && let Some(only) = nodes.pop()
        {
            only
        } else {
            group(nodes)
        }
    }
}

impl PermissionQuery {
    /// The query that needs every one of `scopes` (their AND), as the
    /// `scopes` list of a verification has always meant. `all_of(vec![])`
    /// needs nothing: every key satisfies it.
    ///
    /// ```
    /// use keywarden_core::{names::Scope, query::PermissionQuery};
    /// let scopes: Vec<Scope> = vec!["orders:read".parse()?, "users:read".parse()?];
    /// assert_eq!(PermissionQuery::all_of(scopes), "orders:read AND users:read".parse()?);
    /// assert!(PermissionQuery::all_of(vec![]).is_satisfied_by(&[]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn all_of(scopes: Vec<Scope>) -> Self {
        let root = Node::join((0..scopes.len()).map(Node::Term).collect(), Node::All);
        Self {
            terms: scopes,
            root,
        }
    }

    /// The query that needs both `self` and `other` (their AND), joined as
    /// parsed trees: no text is written or read again, and the limits
    /// apply to each part as it was parsed.
    ///
    /// ```
    /// use keywarden_core::query::PermissionQuery;
    /// let a: PermissionQuery = "a OR b".parse()?;
    /// let b: PermissionQuery = "c AND d".parse()?;
    /// assert_eq!(a.and(b), "(a OR b) AND c AND d".parse()?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn and(mut self, other: Self) -> Self {
        fn shifted(node: Node, by: usize) -> Node {
            match node {
                Node::Term(i) => Node::Term(i + by),
                Node::All(c) => Node::All(c.into_iter().map(|n| shifted(n, by)).collect()),
                Node::Any(c) => Node::Any(c.into_iter().map(|n| shifted(n, by)).collect()),
            }
        }
        fn parts(node: Node) -> Vec<Node> {
            match node {
                Node::All(children) => children,
                other => vec![other],
            }
        }
        let by = self.terms.len();
        self.terms.extend(other.terms);
        let mut children = parts(self.root);
        children.extend(parts(shifted(other.root, by)));
        self.root = Node::join(children, Node::All);
        self
    }

    /// The permission terms, in the order the query names them (a name
    /// written twice comes twice).
    pub fn terms(&self) -> impl ExactSizeIterator<Item = &Scope> + '_ {
        self.terms.iter()
    }

    /// Whether a key holding `held` satisfies the query: a term is held
    /// when any of `held` covers it ([`Scope::covers`]). Allocates nothing.
    pub fn is_satisfied_by(&self, held: &[Scope]) -> bool {
        self.holds(&self.root, held)
    }

    /// The terms not held that made the query fail, without duplicates, in
    /// query order: for `a AND (b OR c)` with only `a` held, `[b, c]`
    /// (holding them all would satisfy it). Empty when the query is
    /// satisfied.
    pub fn missing(&self, held: &[Scope]) -> Vec<Scope> {
        let mut missing = Vec::new();
        self.collect_missing(&self.root, held, &mut missing);
        missing
    }

    fn holds(&self, node: &Node, held: &[Scope]) -> bool {
        match node {
            // An index out of range cannot be built; were it, the term
            // would not be held (fail closed).
            Node::Term(i) => self
                .terms
                .get(*i)
                .is_some_and(|term| held.iter().any(|h| h.covers(term))),
            Node::All(children) => children.iter().all(|c| self.holds(c, held)),
            Node::Any(children) => children.iter().any(|c| self.holds(c, held)),
        }
    }

    fn collect_missing(&self, node: &Node, held: &[Scope], missing: &mut Vec<Scope>) {
        if self.holds(node, held) {
            return;
        }
        match node {
            Node::Term(i) => {
                if let Some(term) = self.terms.get(*i)
                    && !missing.contains(term)
                {
                    missing.push(term.clone());
                }
            }
            // A failed `All`: its failed children; a failed `Any`: all of
            // them (the children that hold add nothing).
            Node::All(children) | Node::Any(children) => {
                for child in children {
                    self.collect_missing(child, held, missing);
                }
            }
        }
    }

    fn write(&self, node: &Node, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (children, operator) = match node {
            Node::Term(i) => return f.write_str(self.terms.get(*i).map_or("", Scope::as_str)),
            Node::All(children) => (children, " AND "),
            Node::Any(children) => (children, " OR "),
        };
        for (n, child) in children.iter().enumerate() {
            if n > 0 {
                f.write_str(operator)?;
            }
            // Only an `Any` under an `All` needs parentheses: AND binds
            // tighter, and groups of one operator are flattened. (An `Any`
            // under an `Any` cannot be built; parenthesized, it would still
            // mean the same.)
            if matches!(child, Node::Any(_)) {
                f.write_str("(")?;
                self.write(child, f)?;
                f.write_str(")")?;
            } else {
                self.write(child, f)?;
            }
        }
        Ok(())
    }
}

/// The canonical form: single spaces between tokens, parentheses only
/// where needed (`(a OR b) AND c`, `a OR b AND c`). It parses back to an
/// equal query when the query is within the limits (a query built by
/// [`PermissionQuery::all_of`] may name more than [`MAX_QUERY_TERMS`]; the
/// empty one writes nothing, which is not a query), and the canonical form
/// of a parsed query can be a few bytes longer than its text (spaces
/// around parentheses).
impl fmt::Display for PermissionQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(&self.root, f)
    }
}

impl std::str::FromStr for PermissionQuery {
    type Err = QueryError;

    fn from_str(text: &str) -> Result<Self, QueryError> {
        if text.len() > MAX_QUERY_LEN {
            return Err(QueryError::new(
                MAX_QUERY_LEN,
                &format!("at most {MAX_QUERY_LEN} bytes"),
                &format!("the query is {} bytes long", text.len()),
            ));
        }
        let mut parser = Parser {
            text,
            pos: 0,
            depth: 0,
            terms: Vec::new(),
        };
        let root = parser.expr()?;
        let (start, token, _) = parser.peek();
        match token {
            Token::End => Ok(Self {
                terms: parser.terms,
                root,
            }),
            Token::Close => Err(QueryError::new(
                start,
                "AND, OR or the end of the query",
                "found `)` with no `(` before it",
            )),
            _ => Err(QueryError::new(
                start,
                "AND, OR or the end of the query",
                &found(token),
            )),
        }
    }
}

/// A token of a query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token<'a> {
    Open,
    Close,
    And,
    Or,
    /// Any other run of printable ASCII: a permission, or a mistake.
    Word(&'a str),
    /// A control character other than a tab.
    Control,
    NonAscii,
    End,
}

/// What an error says it found instead.
fn found(token: Token<'_>) -> String {
    match token {
        Token::Open => "found `(`".to_owned(),
        Token::Close => "found `)`".to_owned(),
        Token::And => "found `AND`".to_owned(),
        Token::Or => "found `OR`".to_owned(),
        Token::Word(word @ ("and" | "or")) => {
            format!("found `{word}`; the operators are AND and OR, in upper case")
        }
        Token::Word(word) => format!("found `{}`", quote(word)),
        Token::Control => "found a control character".to_owned(),
        Token::NonAscii => "found a non-ASCII character".to_owned(),
        Token::End => "end of query".to_owned(),
    }
}

/// At most [`MAX_QUOTE`] characters of `word` (printable ASCII, so bytes
/// are characters), an ellipsis marking a cut.
fn quote(word: &str) -> String {
    match word.get(..MAX_QUOTE) {
        Some(head) if head.len() < word.len() => format!("{head}…"),
        _ => word.to_owned(),
    }
}

/// Whether `byte` belongs to a word: printable ASCII other than the
/// parentheses.
fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_graphic() && byte != b'(' && byte != b')'
}

/// A recursive-descent parser; its recursion is bounded by
/// [`MAX_QUERY_DEPTH`].
struct Parser<'a> {
    text: &'a str,
    /// Where the next token is looked for.
    pos: usize,
    /// How many parentheses are open.
    depth: usize,
    terms: Vec<Scope>,
}

impl<'a> Parser<'a> {
    /// The next token, where it starts and where it ends (after any spaces
    /// and tabs), without taking it.
    fn peek(&self) -> (usize, Token<'a>, usize) {
        let bytes = self.text.as_bytes();
        let start = self.pos
            + bytes
                .iter()
                .skip(self.pos)
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
        let Some(&first) = bytes.get(start) else {
            return (start, Token::End, start);
        };
        let token = match first {
            b'(' => Token::Open,
            b')' => Token::Close,
            0x80.. => Token::NonAscii,
            b if !is_word_byte(b) => Token::Control,
            _ => {
                let len = bytes
                    .iter()
                    .skip(start)
                    .take_while(|&&b| is_word_byte(b))
                    .count();
                // Word bytes are ASCII, so both ends are character
                // boundaries.
                let word = self.text.get(start..start + len).unwrap_or_default();
                let token = match word {
                    "AND" => Token::And,
                    "OR" => Token::Or,
                    _ => Token::Word(word),
                };
                return (start, token, start + len);
            }
        };
        (start, token, start + 1)
    }

    /// `expr := term (OR term)*`
    fn expr(&mut self) -> Result<Node, QueryError> {
        let mut any = Vec::new();
        loop {
            match self.term()? {
                Node::Any(children) => any.extend(children),
                node => any.push(node),
            }
            let (_, token, end) = self.peek();
            if token != Token::Or {
                return Ok(Node::join(any, Node::Any));
            }
            self.pos = end;
        }
    }

    /// `term := factor (AND factor)*`
    fn term(&mut self) -> Result<Node, QueryError> {
        let mut all = Vec::new();
        loop {
            match self.factor()? {
                Node::All(children) => all.extend(children),
                node => all.push(node),
            }
            let (_, token, end) = self.peek();
            if token != Token::And {
                return Ok(Node::join(all, Node::All));
            }
            self.pos = end;
        }
    }

    /// `factor := PERMISSION | '(' expr ')'`
    fn factor(&mut self) -> Result<Node, QueryError> {
        let (start, token, end) = self.peek();
        match token {
            Token::Open => {
                if self.depth == MAX_QUERY_DEPTH {
                    return Err(QueryError::new(
                        start,
                        &format!("at most {MAX_QUERY_DEPTH} nested parentheses"),
                        "found a `(` one deeper",
                    ));
                }
                self.depth += 1;
                self.pos = end;
                let node = self.expr()?;
                let (start, token, end) = self.peek();
                if token != Token::Close {
                    return Err(QueryError::new(start, "AND, OR or `)`", &found(token)));
                }
                self.depth -= 1;
                self.pos = end;
                Ok(node)
            }
            Token::Word(word) => {
                if self.terms.len() == MAX_QUERY_TERMS {
                    return Err(QueryError::new(
                        start,
                        &format!("at most {MAX_QUERY_TERMS} permissions"),
                        "found one more",
                    ));
                }
                let scope = word.parse::<Scope>().map_err(|e| {
                    QueryError::new(
                        start,
                        "a permission",
                        &format!("found `{}`, which is not one: {}", quote(word), e.rule()),
                    )
                })?;
                self.terms.push(scope);
                self.pos = end;
                Ok(Node::Term(self.terms.len() - 1))
            }
            _ => Err(QueryError::new(start, "a permission or `(`", &found(token))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn query(text: &str) -> PermissionQuery {
        text.parse().unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    fn scopes(names: &[&str]) -> Vec<Scope> {
        names.iter().map(|n| n.parse().unwrap()).collect()
    }

    #[test]
    fn the_example_needs_docs_and_billing_or_admin() {
        let q = query("docs.read AND (billing.read OR admin)");
        for (held, ok) in [
            (&["docs.read", "billing.read"][..], true),
            (&["docs.read", "admin"], true),
            (&["docs.*", "billing:*", "billing.*"], true),
            (&["*"], true),
            (&["docs.read"], false),
            (&["billing.read", "admin"], false),
            (&["docs.write", "admin"], false),
            (&[], false),
        ] {
            assert_eq!(q.is_satisfied_by(&scopes(held)), ok, "{held:?}");
        }
        let terms: Vec<&str> = q.terms().map(Scope::as_str).collect();
        assert_eq!(terms, ["docs.read", "billing.read", "admin"]);
    }

    #[test]
    fn and_binds_tighter_than_or() {
        assert_eq!(query("a OR b AND c"), query("a OR (b AND c)"));
        assert_ne!(query("a OR b AND c"), query("(a OR b) AND c"));
        assert_eq!(query("a AND b OR c AND d"), query("(a AND b) OR (c AND d)"));
        let q = query("a OR b AND c");
        assert!(q.is_satisfied_by(&scopes(&["a"])));
        assert!(!q.is_satisfied_by(&scopes(&["b"])));
        assert!(q.is_satisfied_by(&scopes(&["b", "c"])));
    }

    #[test]
    fn display_is_canonical() {
        for (text, canonical) in [
            ("a", "a"),
            ("((a))", "a"),
            ("a  AND\tb", "a AND b"),
            ("a AND(b OR c)", "a AND (b OR c)"),
            ("(a OR b)AND c", "(a OR b) AND c"),
            ("a OR (b AND c)", "a OR b AND c"),
            ("a AND (b AND c)", "a AND b AND c"),
            ("(a OR b) OR (c OR d)", "a OR b OR c OR d"),
            ("((a OR b) AND c) OR d", "(a OR b) AND c OR d"),
            (" orders:* AND * ", "orders:* AND *"),
        ] {
            let q = query(text);
            assert_eq!(q.to_string(), canonical, "{text}");
            assert_eq!(query(canonical), q, "{text}");
        }
    }

    #[test]
    fn missing_names_what_made_it_fail() {
        let missing = |text: &str, held: &[&str]| -> Vec<String> {
            query(text)
                .missing(&scopes(held))
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        assert_eq!(missing("a AND (b OR c)", &["a"]), ["b", "c"]);
        assert_eq!(missing("a AND (b OR c)", &["c"]), ["a"]);
        assert_eq!(missing("a AND (b OR c)", &[]), ["a", "b", "c"]);
        assert!(missing("a AND (b OR c)", &["a", "b"]).is_empty());
        assert_eq!(missing("a AND a AND b", &[]), ["a", "b"]);
        assert_eq!(missing("(a AND b) OR c", &["a"]), ["b", "c"]);
        assert_eq!(missing("docs.read AND x", &["docs.*"]), ["x"]);
    }

    #[test]
    fn all_of_is_the_and_of_a_list() {
        let empty = PermissionQuery::all_of(Vec::new());
        assert!(empty.is_satisfied_by(&[]));
        assert!(empty.missing(&[]).is_empty());
        assert_eq!(empty.terms().len(), 0);
        assert_eq!(PermissionQuery::all_of(scopes(&["a"])), query("a"));
        let q = PermissionQuery::all_of(scopes(&["orders:read", "users:*"]));
        assert_eq!(q, query("orders:read AND users:*"));
        assert!(q.is_satisfied_by(&scopes(&["orders:*", "users:*"])));
        assert!(!q.is_satisfied_by(&scopes(&["orders:*", "users:read"])));
    }

    #[test]
    fn malformed_queries_say_where() {
        for (text, position) in [
            ("", 0),
            ("   ", 3),
            ("docs.read AND", 13),
            ("docs.read AND\t", 14),
            ("AND x", 0),
            ("OR", 0),
            ("(a", 2),
            ("((a)", 4),
            ("a)", 1),
            ("a OR b)", 6),
            ("()", 1),
            ("a AND ()", 7),
            ("a b", 2),
            ("a OR OR b", 5),
            ("a AND AND b", 6),
            ("a and b", 2),
            ("a or b", 2),
            ("Docs.read", 0),
            ("a AND docs..read", 6),
            ("a AND b:", 6),
            ("a,b", 0),
            ("a AND é", 6),
            ("a AND bé", 7),
            ("a\nAND b", 1),
            ("a AND b\r\n", 7),
            ("a\u{7f}", 1),
            ("a\u{200B} OR b", 1),
            ("(a OR b) c", 9),
        ] {
            let e = text.parse::<PermissionQuery>().unwrap_err();
            assert_eq!(e.position, position, "{text:?}: {e}");
            assert!(e.message.starts_with("expected "), "{text:?}: {e}");
            assert!(
                e.message.contains(&format!(" at position {position} (")),
                "{text:?}: {e}"
            );
        }
    }

    #[test]
    fn errors_say_what_was_expected_and_found() {
        let message = |text: &str| text.parse::<PermissionQuery>().unwrap_err().to_string();
        assert_eq!(
            message("docs.read AND"),
            "expected a permission or `(` at position 13 (end of query)"
        );
        assert_eq!(
            message("a b"),
            "expected AND, OR or the end of the query at position 2 (found `b`)"
        );
        assert_eq!(
            message("a)"),
            "expected AND, OR or the end of the query at position 1 (found `)` with no `(` before it)"
        );
        assert_eq!(
            message("(a"),
            "expected AND, OR or `)` at position 2 (end of query)"
        );
        assert_eq!(
            message("a OR OR b"),
            "expected a permission or `(` at position 5 (found `OR`)"
        );
        assert!(message("a and b").contains("found `and`; the operators are AND and OR"));
        assert!(message("a AND\tX").starts_with("expected a permission at position 6 (found `X`, which is not one: expected 1 to 129 bytes"));
        assert!(message("a AND é").ends_with("(found a non-ASCII character)"));
        assert!(message("a\n").ends_with("(found a control character)"));
    }

    #[test]
    fn errors_quote_at_most_32_characters() {
        let long = "Z".repeat(100);
        for text in [long.clone(), format!("a AND {long}"), format!("a {long}")] {
            let e = text.parse::<PermissionQuery>().unwrap_err();
            assert!(e.message.contains(&"Z".repeat(32)), "{e}");
            assert!(!e.message.contains(&"Z".repeat(33)), "{e}");
        }
    }

    #[test]
    fn limits() {
        let nested = |depth: usize| format!("{}a{}", "(".repeat(depth), ")".repeat(depth));
        assert_eq!(query(&nested(MAX_QUERY_DEPTH)), query("a"));
        let e = nested(MAX_QUERY_DEPTH + 1)
            .parse::<PermissionQuery>()
            .unwrap_err();
        assert_eq!(e.position, MAX_QUERY_DEPTH);
        assert!(e.message.contains("at most 16 nested parentheses"), "{e}");
        // Depth counts open parentheses, not how many were ever opened.
        let siblings = vec!["(a)"; 40].join(" AND ");
        assert_eq!(query(&siblings).terms().len(), 40);

        let terms = |n: usize| {
            (0..n)
                .map(|i| format!("t{i}"))
                .collect::<Vec<_>>()
                .join(" OR ")
        };
        assert_eq!(
            query(&terms(MAX_QUERY_TERMS)).terms().len(),
            MAX_QUERY_TERMS
        );
        let text = terms(MAX_QUERY_TERMS + 1);
        let e = text.parse::<PermissionQuery>().unwrap_err();
        assert_eq!(e.position, text.rfind("t64").unwrap());
        assert!(e.message.contains("at most 64 permissions"), "{e}");

        let padded = |len: usize| format!("a{}", " ".repeat(len - 1));
        assert!(padded(MAX_QUERY_LEN).parse::<PermissionQuery>().is_ok());
        let e = padded(MAX_QUERY_LEN + 1)
            .parse::<PermissionQuery>()
            .unwrap_err();
        assert_eq!(e.position, MAX_QUERY_LEN);
        assert_eq!(
            e.message,
            "expected at most 1024 bytes at position 1024 (the query is 1025 bytes long)"
        );
    }

    /// A query as a tree, to generate queries and evaluate them naively.
    #[derive(Debug, Clone)]
    enum Expr {
        Name(Scope),
        And(Vec<Expr>),
        Or(Vec<Expr>),
    }

    impl Expr {
        fn names(&self) -> usize {
            match self {
                Expr::Name(_) => 1,
                Expr::And(c) | Expr::Or(c) => c.iter().map(Expr::names).sum(),
            }
        }

        /// Fully parenthesized; `spacing` picks single spaces, tabs and
        /// doubled spaces, or no spaces around parentheses.
        fn render(&self, spacing: u8) -> String {
            let text = self.render_spaced(spacing == 1);
            if spacing == 2 {
                text.replace(" (", "(").replace(") ", ")")
            } else {
                text
            }
        }

        fn render_spaced(&self, wide: bool) -> String {
            let (and, or, open, close) = if wide {
                ("\tAND  ", "  OR\t", "( ", "\t)")
            } else {
                (" AND ", " OR ", "(", ")")
            };
            let group = |c: &[Expr], op: &str| {
                let inner: Vec<String> = c.iter().map(|e| e.render_spaced(wide)).collect();
                format!("{open}{}{close}", inner.join(op))
            };
            match self {
                Expr::Name(s) => s.to_string(),
                Expr::And(c) => group(c, and),
                Expr::Or(c) => group(c, or),
            }
        }

        /// The query's meaning, spelled out with string operations.
        fn naive(&self, held: &[Scope]) -> bool {
            let covers = |h: &str, r: &str| {
                h == r
                    || h == "*"
                    || (h.ends_with(".*") || h.ends_with(":*")) && r.starts_with(&h[..h.len() - 1])
            };
            match self {
                Expr::Name(s) => held.iter().any(|h| covers(h.as_str(), s.as_str())),
                Expr::And(c) => c.iter().all(|e| e.naive(held)),
                Expr::Or(c) => c.iter().any(|e| e.naive(held)),
            }
        }
    }

    /// Few names, so that terms and held names often meet.
    fn scope() -> impl Strategy<Value = Scope> {
        prop_oneof!["[abc]([.:][abc]){0,2}", "([abc][.:]){0,2}\\*",]
            .prop_map(|s| s.parse().unwrap())
    }

    fn expr() -> impl Strategy<Value = Expr> {
        scope()
            .prop_map(Expr::Name)
            .prop_recursive(5, 48, 4, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 2..5).prop_map(Expr::And),
                    prop::collection::vec(inner, 2..5).prop_map(Expr::Or),
                ]
            })
            .prop_filter("within the term limit", |e| e.names() <= MAX_QUERY_TERMS)
    }

    /// Text that is nearly a query: its tokens in any order, and mistakes.
    fn near_query() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec![
                "(", ")", "AND", "OR", "and", " ", "\t", "  ", "a", "b.c", "d:*", "*", "a..b", "X",
                "é", "\n", "\u{0}", "((", "))", "a.*.b", "ORAND",
            ]),
            0..24,
        )
        .prop_map(|tokens| tokens.concat())
    }

    proptest! {
        /// Any text parses or is refused with a position inside it, never
        /// a panic.
        #[test]
        fn parsing_never_panics(text in prop_oneof!["\\PC{0,80}", ".{0,80}", near_query()]) {
            match text.parse::<PermissionQuery>() {
                Ok(q) => {
                    prop_assert!(q.terms().len() <= MAX_QUERY_TERMS);
                    prop_assert_eq!(q.to_string().parse::<PermissionQuery>().unwrap(), q);
                }
                Err(e) => {
                    prop_assert!(e.position <= text.len(), "{:?}: {}", text, e);
                    prop_assert!(e.message.starts_with("expected "), "{:?}: {}", text, e);
                }
            }
        }

        /// The canonical form parses back to the same query, and is its own
        /// canonical form.
        #[test]
        fn display_round_trips(e in expr(), spacing in 0u8..3) {
            let text = e.render(spacing);
            let q: PermissionQuery = text.parse().unwrap();
            let canonical = q.to_string();
            let again: PermissionQuery = canonical.parse().unwrap();
            prop_assert_eq!(&again, &q, "{} -> {}", text, canonical);
            prop_assert_eq!(again.to_string(), canonical);
            prop_assert_eq!(q.terms().len(), e.names());
        }

        /// Evaluation agrees with the naive one, and `missing` is empty
        /// exactly when the query is satisfied, names only terms not held,
        /// once each, and would satisfy the query if held.
        #[test]
        fn evaluation_agrees_with_the_naive_one(
            e in expr(),
            held in prop::collection::vec(scope(), 0..10),
        ) {
            let q: PermissionQuery = e.render(0).parse().unwrap();
            let satisfied = q.is_satisfied_by(&held);
            prop_assert_eq!(satisfied, e.naive(&held));
            let missing = q.missing(&held);
            prop_assert_eq!(missing.is_empty(), satisfied);
            for (i, m) in missing.iter().enumerate() {
                prop_assert!(q.terms().any(|t| t == m));
                prop_assert!(!held.iter().any(|h| h.covers(m)));
                prop_assert!(!missing[..i].contains(m));
            }
            let mut more = held.clone();
            more.extend(missing);
            prop_assert!(q.is_satisfied_by(&more));
        }
    }
}
