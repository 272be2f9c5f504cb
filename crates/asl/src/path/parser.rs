//! The parser: Jayway's grammar, with its quirks, into segments and filters.

use super::*;

pub(super) struct Parser<'a> {
    /// The trimmed text.
    pub(super) s: &'a str,
    pub(super) b: &'a [u8],
    pub(super) pos: usize,
    pub(super) depth: u32,
    /// The text as given, for error messages.
    pub(super) full: &'a str,
}

/// Characters that end a path inside a filter (Jayway stops at blanks, relational operator
/// characters and an unbalanced `)`).
pub(super) fn is_filter_stop(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t' | b'\n' | b'\r' | b')' | b'<' | b'>' | b'=' | b'~' | b'!' | b'&' | b'|' | b','
    )
}

impl<'a> Parser<'a> {
    pub(super) fn err(&self, reason: &str) -> PathError {
        PathError::Syntax {
            path: self.full.to_string(),
            reason: format!("{reason} at position {}", self.pos),
        }
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    pub(super) fn peek_at(&self, off: usize) -> Option<u8> {
        self.b.get(self.pos + off).copied()
    }

    pub(super) fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    pub(super) fn expect(&mut self, c: u8, what: &str) -> Result<(), PathError> {
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(what))
        }
    }

    pub(super) fn enter(&mut self) -> Result<(), PathError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.err("expression nests too deeply"));
        }
        Ok(())
    }

    pub(super) fn leave(&mut self) {
        self.depth -= 1;
    }

    pub(super) fn parse_root(&mut self) -> Result<Root, PathError> {
        if self.peek() != Some(b'$') {
            return Err(self.err("a path must start with '$'"));
        }
        self.pos += 1;
        if self.peek() == Some(b'$') {
            self.pos += 1;
            return Ok(Root::Context);
        }
        let start = self.pos;
        while self.peek().is_some_and(is_ident_byte) {
            self.pos += 1;
        }
        if self.pos > start {
            Ok(Root::Variable(self.s[start..self.pos].into()))
        } else {
            Ok(Root::Input)
        }
    }

    /// Parses the segments after a root. In a filter (`embedded`), the path ends at a blank,
    /// an operator character or `)`.
    pub(super) fn parse_tail(&mut self, embedded: bool) -> Result<(Vec<Segment>, Option<Func>), PathError> {
        let mut segs = Vec::new();
        let mut func = None;
        while let Some(c) = self.peek() {
            if embedded && is_filter_stop(c) {
                break;
            }
            if func.is_some() {
                return Err(self.err("a function must end the path"));
            }
            match c {
                b'.' => {
                    let scan = self.peek_at(1) == Some(b'.');
                    self.pos += if scan { 2 } else { 1 };
                    match self.peek() {
                        None => return Err(self.err("a path must not end with '.' or '..'")),
                        Some(c) if embedded && is_filter_stop(c) => {
                            return Err(self.err("a path must not end with '.' or '..'"));
                        }
                        Some(b'.') => return Err(self.err("'.' is not valid here")),
                        _ => {}
                    }
                    if scan {
                        segs.push(Segment::Scan);
                    }
                    match self.peek() {
                        Some(b'[') => {} // `.[…]` and `..[…]`: the bracket is read next.
                        Some(b'*') => {
                            self.pos += 1;
                            segs.push(Segment::Wildcard);
                        }
                        _ => {
                            let (name, is_func) = self.read_dot_name(embedded)?;
                            if is_func {
                                if scan {
                                    return Err(self.err("a function cannot follow '..'"));
                                }
                                func = Some(Func::from_name(name).ok_or_else(|| self.err("unknown function"))?);
                            } else {
                                segs.push(Segment::Field(name.into(), Quote::Single));
                            }
                        }
                    }
                }
                b'[' => {
                    let seg = self.parse_bracket()?;
                    segs.push(seg);
                }
                b' ' | b'\t' | b'\n' | b'\r' => {
                    return Err(self.err("unexpected blank; use ['a b'] for such names"));
                }
                _ => return Err(self.err("expected '.' or '['")),
            }
        }
        if matches!(segs.last(), Some(Segment::Scan)) {
            return Err(self.err("a path must not end with '..'"));
        }
        Ok((segs, func))
    }

    /// Reads a dot-notation name; returns it and whether it is a function call `name()`.
    pub(super) fn read_dot_name(&mut self, embedded: bool) -> Result<(&'a str, bool), PathError> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c == b'.' || c == b'[' || c == b'(' || (embedded && is_filter_stop(c)) {
                break;
            }
            if c.is_ascii_whitespace() {
                return Err(self.err("use bracket notation ['my prop'] for names with blanks"));
            }
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.err("empty name"));
        }
        let name = &self.s[start..self.pos];
        if self.peek() == Some(b'(') {
            self.pos += 1;
            self.skip_ws();
            if self.peek() != Some(b')') {
                return Err(self.err("function parameters are not supported"));
            }
            self.pos += 1;
            return Ok((name, true));
        }
        Ok((name, false))
    }

    pub(super) fn parse_bracket(&mut self) -> Result<Segment, PathError> {
        let open = self.pos;
        self.pos += 1;
        self.skip_ws();
        match self.peek() {
            Some(q @ (b'\'' | b'"')) => self.parse_names(q),
            Some(b'*') => {
                self.pos += 1;
                self.skip_ws();
                self.expect(b']', "expected ']' after '*'")?;
                Ok(Segment::Wildcard)
            }
            Some(b'?') => {
                self.pos += 1;
                self.skip_ws();
                if self.peek() != Some(b'(') {
                    return Err(self.err("expected '(' after '[?'"));
                }
                self.enter()?;
                let expr = self.parse_or()?;
                self.leave();
                self.skip_ws();
                self.expect(b']', "expected ']' to close the filter")?;
                Ok(Segment::Filter(Box::new(Filter { expr })))
            }
            Some(c) if c.is_ascii_digit() || c == b'-' || c == b':' => {
                let close = self.s[self.pos..]
                    .find(']')
                    .map(|i| i + self.pos)
                    .ok_or_else(|| self.err("unclosed '['"))?;
                let inner = &self.s[self.pos..close];
                let seg = parse_indexes(inner).ok_or_else(|| {
                    self.pos = open;
                    self.err("invalid array index, slice or union")
                })?;
                self.pos = close + 1;
                Ok(seg)
            }
            _ => Err(self.err("expected a quoted name, an index, '*' or '?' after '['")),
        }
    }

    /// `['a']`, `['a','b']`. Names are taken as written (AWS does not unescape them); a
    /// backslash only keeps the next character from closing the name.
    pub(super) fn parse_names(&mut self, q: u8) -> Result<Segment, PathError> {
        let mut names: Vec<Box<str>> = Vec::new();
        loop {
            self.skip_ws();
            if self.peek() != Some(q) {
                return Err(self.err("expected a quoted name"));
            }
            self.pos += 1;
            let start = self.pos;
            let mut escaped = false;
            loop {
                match self.peek() {
                    None => return Err(self.err("unclosed quoted name")),
                    Some(_) if escaped => escaped = false,
                    Some(b'\\') => escaped = true,
                    Some(c) if c == q => break,
                    Some(_) => {}
                }
                self.pos += 1;
            }
            names.push(self.s[start..self.pos].into());
            self.pos += 1;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.err("expected ',' or ']' after a quoted name")),
            }
        }
        let quote = if q == b'"' { Quote::Double } else { Quote::Single };
        Ok(if names.len() == 1 {
            Segment::Field(names.pop().unwrap_or_default(), quote)
        } else {
            Segment::Fields(names.into_boxed_slice(), quote)
        })
    }

    // --- filter expressions ---

    pub(super) fn parse_or(&mut self) -> Result<Expr, PathError> {
        self.parse_chain(b'|', Self::parse_and, Expr::Or)
    }

    pub(super) fn parse_and(&mut self) -> Result<Expr, PathError> {
        self.parse_chain(b'&', Self::parse_unary, Expr::And)
    }

    /// Operands from `next` joined by the doubled `op` (`||`, `&&`), left to right: one
    /// operand stands for itself, several are joined by `join`.
    fn parse_chain(
        &mut self,
        op: u8,
        next: fn(&mut Self) -> Result<Expr, PathError>,
        join: fn(Vec<Expr>) -> Expr,
    ) -> Result<Expr, PathError> {
        let mut es = vec![next(self)?];
        loop {
            self.skip_ws();
            if self.peek() == Some(op) && self.peek_at(1) == Some(op) {
                self.pos += 2;
                es.push(next(self)?);
            } else {
                break;
            }
        }
        Ok(if es.len() == 1 {
            es.pop().unwrap_or_else(|| join(Vec::new()))
        } else {
            join(es)
        })
    }

    pub(super) fn parse_unary(&mut self) -> Result<Expr, PathError> {
        self.skip_ws();
        match self.peek() {
            Some(b'!') if self.peek_at(1) != Some(b'=') => {
                self.pos += 1;
                self.enter()?;
                let e = self.parse_unary()?;
                self.leave();
                Ok(Expr::Not(Box::new(e)))
            }
            Some(b'(') => {
                self.pos += 1;
                self.enter()?;
                let e = self.parse_or()?;
                self.leave();
                self.skip_ws();
                self.expect(b')', "expected ')'")?;
                Ok(e)
            }
            _ => self.parse_relation(),
        }
    }

    pub(super) fn parse_relation(&mut self) -> Result<Expr, PathError> {
        let left = self.parse_operand()?;
        self.skip_ws();
        let op = match self.parse_op() {
            Some(op) => op,
            None => {
                return match left {
                    Operand::Current(_) | Operand::Document(_) => Ok(Expr::Exists(left)),
                    _ => Err(self.err("expected a relational operator")),
                };
            }
        };
        self.skip_ws();
        let right = self.parse_operand()?;
        Ok(Expr::Cmp(left, op, right))
    }

    pub(super) fn parse_op(&mut self) -> Option<Op> {
        let rest = &self.b[self.pos..];
        const SYMBOLS: [(&str, Op); 9] = [
            ("===", Op::StrictEq),
            ("!==", Op::StrictNe),
            ("==", Op::Eq),
            ("!=", Op::Ne),
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("=~", Op::Regex),
            ("<", Op::Lt),
            (">", Op::Gt),
        ];
        for (sym, op) in SYMBOLS {
            if rest.starts_with(sym.as_bytes()) {
                self.pos += sym.len();
                return Some(op);
            }
        }
        let word_len = rest.iter().take_while(|c| c.is_ascii_alphabetic()).count();
        let op = match &rest[..word_len] {
            b"in" => Op::In,
            b"nin" => Op::Nin,
            b"subsetof" => Op::SubsetOf,
            b"anyof" => Op::AnyOf,
            b"noneof" => Op::NoneOf,
            b"contains" => Op::Contains,
            b"size" => Op::Size,
            b"empty" => Op::Empty,
            b"all" => Op::All,
            b"exists" => Op::Exists,
            _ => return None,
        };
        self.pos += word_len;
        Some(op)
    }

    pub(super) fn parse_operand(&mut self) -> Result<Operand, PathError> {
        self.skip_ws();
        match self.peek() {
            Some(c @ (b'@' | b'$')) => {
                let start = self.pos;
                self.pos += 1;
                if c == b'$' && self.peek().is_some_and(|c| c == b'$' || is_ident_byte(c)) {
                    return Err(self.err("only '@' and '$' paths may be used in a filter"));
                }
                self.enter()?;
                let (segs, func) = self.parse_tail(true)?;
                self.leave();
                let text: Box<str> = self.s[start..self.pos].into();
                let path = Box::new(Path::build(text, Root::Input, segs, func));
                Ok(if c == b'@' {
                    Operand::Current(path)
                } else {
                    Operand::Document(path)
                })
            }
            Some(b'/') => {
                self.pos += 1;
                let start = self.pos;
                let mut escaped = false;
                loop {
                    match self.peek() {
                        None => return Err(self.err("unclosed regular expression")),
                        Some(_) if escaped => escaped = false,
                        Some(b'\\') => escaped = true,
                        Some(b'/') => break,
                        Some(_) => {}
                    }
                    self.pos += 1;
                }
                let pattern = &self.s[start..self.pos];
                self.pos += 1;
                let fstart = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                    self.pos += 1;
                }
                let flags = &self.s[fstart..self.pos];
                let re = regex::Regex::new(pattern, flags)
                    .map_err(|e| self.err(&format!("invalid regular expression: {e}")))?;
                Ok(Operand::Regex(Box::new(re)))
            }
            Some(_) => Ok(Operand::Literal(self.parse_literal()?)),
            None => Err(self.err("expected a value")),
        }
    }

    /// A literal: Jayway accepts JSON leniently (single-quoted strings).
    pub(super) fn parse_literal(&mut self) -> Result<Value, PathError> {
        self.skip_ws();
        match self.peek() {
            Some(q @ (b'\'' | b'"')) => Ok(Value::String(self.parse_string(q)?)),
            Some(b'[') => {
                self.pos += 1;
                self.enter()?;
                let mut items = Vec::new();
                self.delimited(b']', "expected ',' or ']' in an array", |p| {
                    items.push(p.parse_literal()?);
                    Ok(())
                })?;
                self.leave();
                Ok(Value::Array(items))
            }
            Some(b'{') => {
                self.pos += 1;
                self.enter()?;
                let mut m = Map::new();
                self.delimited(b'}', "expected ',' or '}' in an object", |p| {
                    p.skip_ws();
                    let key = match p.peek() {
                        Some(q @ (b'\'' | b'"')) => p.parse_string(q)?,
                        _ => return Err(p.err("expected a quoted key")),
                    };
                    p.skip_ws();
                    p.expect(b':', "expected ':' in an object")?;
                    let v = p.parse_literal()?;
                    m.insert(key, v);
                    Ok(())
                })?;
                self.leave();
                Ok(Value::Object(m))
            }
            Some(c) if c == b'-' || c == b'+' || c.is_ascii_digit() => {
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E'))
                {
                    self.pos += 1;
                }
                parse_number(&self.s[start..self.pos])
                    .map(Value::Number)
                    .ok_or_else(|| self.err("invalid number"))
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
                    self.pos += 1;
                }
                match &self.s[start..self.pos] {
                    "true" => Ok(Value::Bool(true)),
                    "false" => Ok(Value::Bool(false)),
                    "null" => Ok(Value::Null),
                    _ => {
                        self.pos = start;
                        Err(self.err("expected a value"))
                    }
                }
            }
            _ => Err(self.err("expected a value")),
        }
    }

    /// The rest of a `[…]` or `{…}` literal after its opening bracket: nothing, or items
    /// (each read by `item`) separated by `,`, then `close`; `what` is the error otherwise.
    fn delimited(
        &mut self,
        close: u8,
        what: &str,
        mut item: impl FnMut(&mut Self) -> Result<(), PathError>,
    ) -> Result<(), PathError> {
        self.skip_ws();
        if self.peek() == Some(close) {
            self.pos += 1;
            return Ok(());
        }
        loop {
            item(self)?;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.err(what)),
            }
        }
    }

    /// A quoted string literal, unescaped as Jayway's `Utils.unescape` does.
    pub(super) fn parse_string(&mut self, q: u8) -> Result<String, PathError> {
        self.pos += 1;
        let start = self.pos;
        let mut escaped = false;
        loop {
            match self.peek() {
                None => return Err(self.err("unclosed string")),
                Some(_) if escaped => escaped = false,
                Some(b'\\') => escaped = true,
                Some(c) if c == q => break,
                Some(_) => {}
            }
            self.pos += 1;
        }
        let raw = &self.s[start..self.pos];
        self.pos += 1;
        Ok(unescape(raw))
    }
}

/// `[0]`, `[0,2]`, `[1:3]`, `[-2:]`, `[:2]`, `[:]`; indexes are Java `int`s.
pub(super) fn parse_indexes(inner: &str) -> Option<Segment> {
    let int = |t: &str| -> Option<i32> { t.trim().parse::<i32>().ok() };
    if !inner
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b',' | b'-' | b':' | b' '))
    {
        return None;
    }
    if inner.contains(':') {
        let mut parts = inner.split(':');
        let from = parts.next()?.trim();
        let to = parts.next()?.trim();
        if parts.next().is_some() {
            return None;
        }
        let from = if from.is_empty() { None } else { Some(int(from)?) };
        let to = if to.is_empty() { None } else { Some(int(to)?) };
        return Some(Segment::Slice(from, to));
    }
    let mut is: Vec<i64> = inner.split(',').map(|t| int(t).map(i64::from)).collect::<Option<_>>()?;
    Some(if is.len() == 1 {
        Segment::Index(is.pop()?)
    } else {
        Segment::Indexes(is.into_boxed_slice())
    })
}

/// Java-style unescaping (`\\ \' \" \n \t \r \f \b \uXXXX`; other escaped characters stand
/// for themselves).
pub(super) fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut it = raw.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            None => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\u{c}'),
            Some('b') => out.push('\u{8}'),
            Some('u') => {
                let hex: String = it.clone().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().filter(|_| hex.len() == 4) {
                    Some(code) => {
                        for _ in 0..4 {
                            it.next();
                        }
                        out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                    }
                    None => out.push('u'),
                }
            }
            Some(other) => out.push(other),
        }
    }
    out
}
