//! Placeholder (wildcard) tokens of the recorded cases.
//!
//! A token has a literal form (`<uuid:1>`) and a pattern (`<uuid:\d+>`). The patterns used
//! by the corpus are literals with an occasional `\d+`; that small subset is what this
//! module understands (a pattern using anything else falls back to the literal form).

use serde_json::Value;

/// One element of a token pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// Exactly this text.
    Lit(String),
    /// One or more ASCII digits (`\d+`).
    Digits,
}

/// Where a token acts as a wildcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenScope {
    /// As the whole string (matches any JSON value) or inside a longer string (matches
    /// any substring).
    Anywhere,
    /// Only as the whole value of an object field whose name contains `timestamp`
    /// (case-insensitive); there it matches any JSON value. Elsewhere it is plain text.
    TimestampField,
}

/// A placeholder token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    literal: String,
    regex: String,
    pieces: Vec<Piece>,
    scope: TokenScope,
}

impl Token {
    /// A token from its literal form and its (restricted) regular expression.
    pub fn new(literal: &str, regex: &str) -> Token {
        let pieces = parse_pattern(regex).unwrap_or_else(|| vec![Piece::Lit(literal.to_string())]);
        let scope = if literal == "timestamp" {
            TokenScope::TimestampField
        } else {
            TokenScope::Anywhere
        };
        Token {
            literal: literal.to_string(),
            regex: regex.to_string(),
            pieces,
            scope,
        }
    }

    /// A token that is its own pattern.
    pub fn literal(literal: &str) -> Token {
        Token::new(literal, &escape(literal))
    }

    /// The literal form, e.g. `<uuid:1>`.
    pub fn text(&self) -> &str {
        &self.literal
    }

    /// The regular expression as written in placeholders.json.
    pub fn regex(&self) -> &str {
        &self.regex
    }

    pub fn scope(&self) -> TokenScope {
        self.scope
    }

    /// Length in bytes of the token occurrence at the start of `s`, if any.
    fn match_at(&self, s: &[u8]) -> Option<usize> {
        let mut pos = 0;
        for piece in &self.pieces {
            match piece {
                Piece::Lit(lit) => {
                    let lit = lit.as_bytes();
                    if s.len() < pos + lit.len() || &s[pos..pos + lit.len()] != lit {
                        return None;
                    }
                    pos += lit.len();
                }
                Piece::Digits => {
                    let n = s[pos..].iter().take_while(|b| b.is_ascii_digit()).count();
                    if n == 0 {
                        return None;
                    }
                    pos += n;
                }
            }
        }
        (pos > 0).then_some(pos)
    }
}

/// Escapes regex metacharacters so that the pattern matches `s` literally.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Parses the regex subset: literal characters, `\<char>` escapes and `\d+`.
fn parse_pattern(regex: &str) -> Option<Vec<Piece>> {
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut chars = regex.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let e = chars.next()?;
                if e == 'd' {
                    if chars.peek() != Some(&'+') {
                        return None;
                    }
                    chars.next();
                    if !lit.is_empty() {
                        pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                    }
                    pieces.push(Piece::Digits);
                } else if e.is_ascii_alphanumeric() {
                    // \w, \s, \b ... are not supported.
                    return None;
                } else {
                    lit.push(e);
                }
            }
            '.' | '+' | '*' | '?' | '(' | ')' | '|' | '[' | ']' | '{' | '}' | '^' | '$' => {
                return None;
            }
            c => lit.push(c),
        }
    }
    if !lit.is_empty() {
        pieces.push(Piece::Lit(lit));
    }
    if pieces.is_empty() { None } else { Some(pieces) }
}

/// The standard tokens (literal form, regex), as listed in the corpus README and
/// placeholders.json. Used when no placeholders.json is found.
pub const STANDARD_TOKENS: &[(&str, &str)] = &[
    ("<partition>", "<partition>"),
    ("<region>", "<region>"),
    ("111111111111", "111111111111"),
    ("<ArnPart_0idx>", r"<ArnPart_\d+idx>"),
    ("<ExecArnPart_0idx>", r"<ExecArnPart_\d+idx>"),
    ("<MapRunArnPart0_0idx>", r"<MapRunArnPart0_\d+idx>"),
    ("<MapRunArnPart1_0idx>", r"<MapRunArnPart1_\d+idx>"),
    ("<uuid:1>", r"<uuid:\d+>"),
    ("<json-input:1>", r"<json-input:\d+>"),
    ("<request_id>", "<request_id>"),
    ("<extended_request_id>", "<extended_request_id>"),
    ("snf_role_arn", "snf_role_arn"),
    ("sfn_role_arn", "sfn_role_arn"),
    ("date", "date"),
    ("timestamp", "timestamp"),
    ("datetime", "datetime"),
];

/// A set of placeholder tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Placeholders {
    tokens: Vec<Token>,
}

/// One piece of an expected string split at its tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment<'a> {
    Text(&'a str),
    Wildcard,
}

impl Placeholders {
    /// No tokens at all: comparison is plain equality (numbers by value).
    pub fn none() -> Placeholders {
        Placeholders { tokens: Vec::new() }
    }

    /// The built-in copy of the standard tokens.
    pub fn standard() -> Placeholders {
        Placeholders {
            tokens: STANDARD_TOKENS.iter().map(|(lit, re)| Token::new(lit, re)).collect(),
        }
    }

    /// The `standard` tokens of a parsed placeholders.json.
    pub fn from_placeholders_json(doc: &Value) -> Option<Placeholders> {
        let list = doc.get("standard")?.as_array()?;
        let mut p = Placeholders::none();
        for entry in list {
            let literal = entry.get("token")?.as_str()?;
            let regex = entry
                .get("regex")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| escape(literal));
            p.add(Token::new(literal, &regex));
        }
        Some(p)
    }

    /// Adds a token (ignored if one with the same literal form is present).
    pub fn add(&mut self, token: Token) {
        if !self.tokens.iter().any(|t| t.literal == token.literal) {
            self.tokens.push(token);
        }
    }

    /// Adds a token that is its own pattern.
    pub fn add_literal(&mut self, literal: &str) {
        self.add(Token::literal(literal));
    }

    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// True when `s` is exactly one token that acts anywhere (rule 1).
    pub fn is_whole_token(&self, s: &str) -> bool {
        let b = s.as_bytes();
        self.tokens
            .iter()
            .filter(|t| t.scope == TokenScope::Anywhere)
            .any(|t| t.match_at(b) == Some(b.len()))
    }

    /// True when `s` is exactly a token restricted to `timestamp` fields.
    pub(crate) fn is_timestamp_token(&self, s: &str) -> bool {
        let b = s.as_bytes();
        self.tokens
            .iter()
            .filter(|t| t.scope == TokenScope::TimestampField)
            .any(|t| t.match_at(b) == Some(b.len()))
    }

    /// Longest token occurrence at the start of `s`.
    fn token_at(&self, s: &[u8]) -> Option<usize> {
        self.tokens
            .iter()
            .filter(|t| t.scope == TokenScope::Anywhere)
            .filter_map(|t| t.match_at(s))
            .max()
    }

    /// Splits `s` into literal text and wildcards, scanning left to right and taking the
    /// longest token at each position. Adjacent wildcards are merged.
    pub(crate) fn segments<'a>(&self, s: &'a str) -> Vec<Segment<'a>> {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut text_start = 0;
        let mut i = 0;
        while i < b.len() {
            if !s.is_char_boundary(i) {
                i += 1;
                continue;
            }
            match self.token_at(&b[i..]) {
                Some(n) => {
                    if text_start < i {
                        out.push(Segment::Text(&s[text_start..i]));
                    }
                    if out.last() != Some(&Segment::Wildcard) {
                        out.push(Segment::Wildcard);
                    }
                    i += n;
                    text_start = i;
                }
                None => i += 1,
            }
        }
        if text_start < b.len() {
            out.push(Segment::Text(&s[text_start..]));
        }
        out
    }

    /// True when `s` contains at least one token.
    pub fn contains_token(&self, s: &str) -> bool {
        self.segments(s).contains(&Segment::Wildcard)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_subset() {
        assert_eq!(
            parse_pattern(r"<uuid:\d+>"),
            Some(vec![Piece::Lit("<uuid:".into()), Piece::Digits, Piece::Lit(">".into())])
        );
        assert_eq!(parse_pattern(r"a\.b"), Some(vec![Piece::Lit("a.b".into())]));
        assert_eq!(parse_pattern(r"a.b"), None);
        assert_eq!(parse_pattern(r"[0-9]"), None);
        let t = Token::new("x", "a.b");
        assert_eq!(t.match_at(b"x"), Some(1));
    }

    #[test]
    fn numbered_tokens() {
        let p = Placeholders::standard();
        assert!(p.is_whole_token("<uuid:1>"));
        assert!(p.is_whole_token("<uuid:42>"));
        assert!(!p.is_whole_token("<uuid:>"));
        assert!(p.is_whole_token("<ArnPart_3idx>"));
        assert!(!p.is_whole_token("<omitted>"));
        assert!(!p.is_whole_token("timestamp"));
        assert!(p.is_timestamp_token("timestamp"));
    }

    #[test]
    fn segments_longest_token() {
        let p = Placeholders::standard();
        assert_eq!(
            p.segments("a datetime b"),
            vec![Segment::Text("a "), Segment::Wildcard, Segment::Text(" b")]
        );
        assert_eq!(
            p.segments("<region>:111111111111"),
            vec![Segment::Wildcard, Segment::Text(":"), Segment::Wildcard]
        );
        assert_eq!(p.segments("<partition><region>"), vec![Segment::Wildcard]);
        assert_eq!(p.segments("plain ü"), vec![Segment::Text("plain ü")]);
    }
}
