//! The parser: the call syntax, its literals and paths, and each function's arity and
//! argument kinds.

use super::*;

pub(super) struct Parser<'a> {
    pub(super) text: &'a str,
    pub(super) bytes: &'a [u8],
    pub(super) pos: usize,
}

impl Parser<'_> {
    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub(super) fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    pub(super) fn at_delimiter(&self) -> bool {
        matches!(self.peek(), None | Some(b',' | b')' | b' ' | b'\t' | b'\n' | b'\r'))
    }

    /// `States.Name(args)`, starting at `States.`.
    pub(super) fn call(&mut self, depth: usize) -> Result<Call, String> {
        if depth > MAX_NESTING_DEPTH {
            return Err(format!("intrinsic functions nest more than {MAX_NESTING_DEPTH} deep"));
        }
        let start = self.pos;
        if !self.text[self.pos..].starts_with("States.") {
            return Err(format!("expected 'States.' at offset {start}"));
        }
        self.pos += "States.".len();
        while matches!(self.peek(), Some(b) if b.is_ascii_alphanumeric()) {
            self.pos += 1;
        }
        let name = &self.text[start..self.pos];
        let func = Function::from_name(name).ok_or_else(|| format!("unknown intrinsic function '{name}'"))?;
        if self.peek() != Some(b'(') {
            return Err(format!("expected '(' after {name}"));
        }
        self.pos += 1;
        self.skip_ws();
        let mut args: Vec<Arg> = Vec::new();
        let mut template = None;
        if self.peek() == Some(b')') {
            self.pos += 1;
        } else {
            loop {
                let (arg, holes) = self.arg(depth)?;
                match (&arg, holes) {
                    (Arg::Literal(Value::String(s)), Some(holes)) if func == Function::Format && args.is_empty() => {
                        template = Some(split_template(s, &holes));
                    }
                    _ => {}
                }
                args.push(arg);
                self.skip_ws();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_ws();
                    }
                    Some(b')') => {
                        self.pos += 1;
                        break;
                    }
                    Some(_) => {
                        return Err(format!(
                            "expected ',' or ')' at offset {} in the arguments of {name}",
                            self.pos
                        ));
                    }
                    None => return Err(format!("missing ')' after the arguments of {name}")),
                }
            }
        }
        check_args(func, &args)?;
        let has_nested = args.iter().any(|a| matches!(a, Arg::Call(_)));
        Ok(Call {
            func,
            args: args.into_boxed_slice(),
            has_nested,
            template,
        })
    }

    /// One argument. For a string literal also returns the byte offsets (in the unescaped
    /// string) of its unescaped `{}` placeholders.
    pub(super) fn arg(&mut self, depth: usize) -> Result<(Arg, Option<Vec<usize>>), String> {
        match self.peek() {
            Some(b'\'') => {
                let (s, holes) = self.string()?;
                Ok((Arg::Literal(Value::String(s)), Some(holes)))
            }
            Some(b'$') => Ok((Arg::Path(self.path()?), None)),
            Some(b'-' | b'0'..=b'9') => Ok((Arg::Literal(self.number()?), None)),
            Some(b'S') if self.text[self.pos..].starts_with("States.") => {
                Ok((Arg::Call(Box::new(self.call(depth + 1)?)), None))
            }
            Some(b't' | b'f' | b'n') => {
                for (word, value) in [
                    ("true", Value::Bool(true)),
                    ("false", Value::Bool(false)),
                    ("null", Value::Null),
                ] {
                    if self.text[self.pos..].starts_with(word) {
                        self.pos += word.len();
                        if self.at_delimiter() {
                            return Ok((Arg::Literal(value), None));
                        }
                        break;
                    }
                }
                Err(format!("invalid argument at offset {}", self.pos))
            }
            Some(_) => Err(format!("invalid argument at offset {}", self.pos)),
            None => Err("missing argument at the end of the text".into()),
        }
    }

    pub(super) fn string(&mut self) -> Result<(String, Vec<usize>), String> {
        let open = self.pos;
        self.pos += 1; // the opening quote
        let mut out = String::new();
        let mut holes = Vec::new();
        let mut run = self.pos; // start of the current run of plain characters
        loop {
            let Some(b) = self.peek() else {
                return Err(format!("unterminated string starting at offset {open}"));
            };
            match b {
                b'\'' => {
                    out.push_str(&self.text[run..self.pos]);
                    self.pos += 1;
                    return Ok((out, holes));
                }
                b'\\' => {
                    out.push_str(&self.text[run..self.pos]);
                    match self.bytes.get(self.pos + 1) {
                        Some(&c @ (b'\'' | b'{' | b'}' | b'\\')) => out.push(c as char),
                        Some(_) => {
                            return Err(format!(
                                "invalid escape sequence at offset {} (only \\', \\{{, \\}} and \\\\ are allowed)",
                                self.pos
                            ));
                        }
                        None => {
                            return Err(format!("unterminated string starting at offset {open}"));
                        }
                    }
                    self.pos += 2;
                    run = self.pos;
                }
                b'{' if self.bytes.get(self.pos + 1) == Some(&b'}') => {
                    out.push_str(&self.text[run..self.pos]);
                    holes.push(out.len());
                    out.push_str("{}");
                    self.pos += 2;
                    run = self.pos;
                }
                _ => self.pos += 1,
            }
        }
    }

    pub(super) fn number(&mut self) -> Result<Value, String> {
        let start = self.pos;
        while matches!(self.peek(), Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')) {
            self.pos += 1;
        }
        let token = &self.text[start..self.pos];
        if !self.at_delimiter() {
            return Err(format!("invalid number at offset {start}"));
        }
        match serde_json::from_str::<Number>(token) {
            Ok(n) => Ok(normalize_number(n)),
            Err(_) => Err(format!("invalid number '{token}' at offset {start}")),
        }
    }

    /// A JSONPath argument: outside brackets it runs over member-name characters
    /// (letters, digits, `_`, `.`, `$`, `*`); inside brackets to the matching `]`, minding
    /// parentheses and quotes.
    pub(super) fn path(&mut self) -> Result<Path, String> {
        let start = self.pos;
        let mut depth = 0usize;
        let mut quote: Option<u8> = None;
        while let Some(b) = self.peek() {
            if let Some(q) = quote {
                if b == b'\\' {
                    self.pos += 1;
                } else if b == q {
                    quote = None;
                }
                self.pos = (self.pos + 1).min(self.bytes.len());
                continue;
            }
            if depth == 0 {
                // Outside brackets a path is made of member-name-shorthand characters; AWS
                // requires bracket notation for any other character in a field name.
                match b {
                    b'[' => depth = 1,
                    b'$' | b'.' | b'_' | b'*' | 0x80.. => {}
                    _ if b.is_ascii_alphanumeric() => {}
                    _ => break,
                }
            } else {
                match b {
                    b'\'' | b'"' => quote = Some(b),
                    b'[' | b'(' => depth += 1,
                    b']' | b')' => depth -= 1,
                    _ => {}
                }
            }
            self.pos += 1;
        }
        let text = &self.text[start..self.pos];
        Path::parse(text).map_err(|e| e.to_string())
    }
}

/// Splits an unescaped Format template at its placeholders.
pub(super) fn split_template(s: &str, holes: &[usize]) -> Box<[Box<str>]> {
    let mut pieces = Vec::with_capacity(holes.len() + 1);
    let mut from = 0;
    for &h in holes {
        pieces.push(s[from..h].into());
        from = h + 2;
    }
    pieces.push(s[from..].into());
    pieces.into_boxed_slice()
}

/// `-0` is the integer 0 in AWS (Jackson); serde_json reads it as the float `-0.0`.
pub(super) fn normalize_number(n: Number) -> Value {
    if n.as_f64() == Some(0.0) && n.is_f64() && n.as_f64().is_some_and(f64::is_sign_negative) {
        return Value::from(0);
    }
    Value::Number(n)
}

pub(super) fn check_args(func: Function, args: &[Arg]) -> Result<(), String> {
    let (min, max) = func.arity();
    let n = args.len();
    if n < min || n > max {
        let expected = if min == max {
            format!("{min}")
        } else if max == usize::MAX {
            format!("at least {min}")
        } else {
            format!("{min} to {max}")
        };
        return Err(format!(
            "{} takes {expected} argument{}, but {n} {} given",
            func.name(),
            if expected == "1" { "" } else { "s" },
            if n == 1 { "was" } else { "were" },
        ));
    }
    for (i, a) in args.iter().enumerate() {
        if let Arg::Literal(v) = a {
            let kind = func.param(i);
            let ok = match kind {
                Kind::Any => true,
                Kind::Str => v.is_string(),
                Kind::Num => v.is_number(),
                Kind::Bool => v.is_boolean(),
                Kind::Arr | Kind::Obj => false,
            };
            if !ok {
                return Err(format!(
                    "argument {} of {} must be {}, not the literal {}",
                    i + 1,
                    func.name(),
                    kind_name(kind),
                    v
                ));
            }
        }
    }
    Ok(())
}

pub(super) fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Any => "a value",
        Kind::Str => "a string",
        Kind::Num => "a number",
        Kind::Bool => "a boolean",
        Kind::Arr => "an array (a path or an intrinsic function)",
        Kind::Obj => "an object (a path or an intrinsic function)",
    }
}
