//! The `States.*` intrinsic functions: parsed once when a definition is loaded, evaluated
//! against an [`Env`] at run time.
//!
//! # Grammar
//!
//! ```text
//! call     := "States." NAME "(" [ arg { "," arg } ] ")"
//! arg      := string | number | "true" | "false" | "null" | path | call
//! string   := "'" { char | "\'" | "\{" | "\}" | "\\" } "'"
//! number   := JSON number (integer or float, optionally negative)
//! path     := "$" ... (input), "$$" ... (context object), "$name" ... (variable)
//! ```
//!
//! Whitespace is allowed around arguments. Any other escape inside a string literal (AWS
//! rejects `\"` in particular) is a parse error, as is an unknown function name, a wrong
//! number of arguments, or a literal argument of a type the function never accepts. Calls
//! nest at most [`MAX_NESTING_DEPTH`] deep.
//!
//! # Values
//!
//! Evaluation borrows path results and literals from the definition and the input; only the
//! result is allocated. `States.Format` renders non-string values the way AWS's Java runtime
//! does (`{a=1, b=[x, y]}` for objects, `1.0E20` for large floats); `States.JsonToString`
//! writes compact JSON with Java's float formatting.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};

use serde_json::{Map, Number, Value};
use smallvec::SmallVec;
use thiserror::Error;

use crate::env::Env;
use crate::error::StatesError;
use crate::path::{Path, PathError, Root};

/// How deeply calls may nest (`States.A(States.B(...))` is depth 2). AWS documents that
/// "you can nest up to 10 intrinsic functions within a field"; the cap also keeps hostile
/// input from exhausting the stack.
pub const MAX_NESTING_DEPTH: usize = 10;

/// Limit on the input of `States.Base64Encode`, `States.Base64Decode` and `States.Hash`, in
/// (UTF-16) characters, as AWS documents it.
pub const MAX_STRING_INPUT_CHARS: usize = 10_000;

/// The most items `States.ArrayRange` may produce.
pub const MAX_ARRAY_RANGE_ITEMS: u64 = 1000;

/// A parsed intrinsic function call such as `States.Format('{}', $.name)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Intrinsic {
    text: Box<str>,
    call: Call,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid intrinsic function call '{text}': {reason}")]
pub struct IntrinsicParseError {
    pub text: String,
    pub reason: String,
}

/// The intrinsic functions AWS Step Functions provides (JSONPath query language).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Function {
    Format,
    StringToJson,
    JsonToString,
    Array,
    ArrayPartition,
    ArrayContains,
    ArrayRange,
    ArrayGetItem,
    ArrayLength,
    ArrayUnique,
    Base64Encode,
    Base64Decode,
    Hash,
    JsonMerge,
    MathRandom,
    MathAdd,
    StringSplit,
    Uuid,
}

/// What a parameter accepts, for the static check of literal arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Any,
    Str,
    Num,
    Bool,
    Arr,
    Obj,
}

impl Function {
    const ALL: [Function; 18] = [
        Function::Format,
        Function::StringToJson,
        Function::JsonToString,
        Function::Array,
        Function::ArrayPartition,
        Function::ArrayContains,
        Function::ArrayRange,
        Function::ArrayGetItem,
        Function::ArrayLength,
        Function::ArrayUnique,
        Function::Base64Encode,
        Function::Base64Decode,
        Function::Hash,
        Function::JsonMerge,
        Function::MathRandom,
        Function::MathAdd,
        Function::StringSplit,
        Function::Uuid,
    ];

    /// The full name, e.g. `States.Format`.
    pub fn name(self) -> &'static str {
        match self {
            Function::Format => "States.Format",
            Function::StringToJson => "States.StringToJson",
            Function::JsonToString => "States.JsonToString",
            Function::Array => "States.Array",
            Function::ArrayPartition => "States.ArrayPartition",
            Function::ArrayContains => "States.ArrayContains",
            Function::ArrayRange => "States.ArrayRange",
            Function::ArrayGetItem => "States.ArrayGetItem",
            Function::ArrayLength => "States.ArrayLength",
            Function::ArrayUnique => "States.ArrayUnique",
            Function::Base64Encode => "States.Base64Encode",
            Function::Base64Decode => "States.Base64Decode",
            Function::Hash => "States.Hash",
            Function::JsonMerge => "States.JsonMerge",
            Function::MathRandom => "States.MathRandom",
            Function::MathAdd => "States.MathAdd",
            Function::StringSplit => "States.StringSplit",
            Function::Uuid => "States.UUID",
        }
    }

    /// Looks a function up by its full name (`States.Format`); case-sensitive, as in AWS.
    pub fn from_name(name: &str) -> Option<Function> {
        Function::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Allowed argument counts (inclusive).
    fn arity(self) -> (usize, usize) {
        match self {
            Function::Format => (1, usize::MAX),
            Function::Array => (0, usize::MAX),
            Function::Uuid => (0, 0),
            Function::StringToJson
            | Function::JsonToString
            | Function::ArrayLength
            | Function::ArrayUnique
            | Function::Base64Encode
            | Function::Base64Decode => (1, 1),
            Function::ArrayPartition
            | Function::ArrayContains
            | Function::ArrayGetItem
            | Function::Hash
            | Function::MathAdd
            | Function::StringSplit => (2, 2),
            Function::ArrayRange | Function::JsonMerge => (3, 3),
            Function::MathRandom => (2, 3),
        }
    }

    /// What the `i`-th parameter accepts.
    fn param(self, i: usize) -> Kind {
        use Kind::*;
        match (self, i) {
            (Function::Format, 0) => Str,
            (Function::StringToJson, _) => Str,
            (Function::ArrayPartition | Function::ArrayGetItem, 0) => Arr,
            (Function::ArrayPartition | Function::ArrayGetItem, _) => Num,
            (Function::ArrayContains, 0) => Arr,
            (Function::ArrayRange | Function::MathRandom | Function::MathAdd, _) => Num,
            (Function::ArrayLength | Function::ArrayUnique, _) => Arr,
            (Function::Base64Encode | Function::Base64Decode | Function::Hash, _) => Str,
            (Function::StringSplit, _) => Str,
            (Function::JsonMerge, 2) => Bool,
            (Function::JsonMerge, _) => Obj,
            _ => Any,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Call {
    func: Function,
    args: Box<[Arg]>,
    /// True when some argument is itself a call (evaluated first, into owned values).
    has_nested: bool,
    /// For `States.Format` with a literal first argument: the text between the `{}`
    /// placeholders (escaped braces already resolved), so the template is split only once.
    template: Option<Box<[Box<str>]>>,
}

#[derive(Debug, Clone, PartialEq)]
enum Arg {
    Literal(Value),
    Path(Path),
    Call(Box<Call>),
}

impl Intrinsic {
    /// True when `text` is written as a function call (`States.Name(...)`) rather than a path.
    pub fn looks_like_call(text: &str) -> bool {
        text.starts_with("States.")
    }

    pub fn parse(text: &str) -> Result<Intrinsic, IntrinsicParseError> {
        let fail = |reason: String| IntrinsicParseError {
            text: text.to_string(),
            reason,
        };
        if !Self::looks_like_call(text) {
            return Err(fail("an intrinsic function call must start with 'States.'".into()));
        }
        let mut p = Parser {
            text,
            bytes: text.as_bytes(),
            pos: 0,
        };
        let call = p.call(1).map_err(&fail)?;
        p.skip_ws();
        if p.pos != p.bytes.len() {
            return Err(fail(format!(
                "unexpected text after the closing parenthesis at offset {}",
                p.pos
            )));
        }
        Ok(Intrinsic {
            text: text.into(),
            call,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The outermost function (e.g. to check that a Fail state's `CausePath` uses one that
    /// returns a string).
    pub fn function(&self) -> Function {
        self.call.func
    }

    /// Calls `f` for every path argument, nested calls included (e.g. to check at load time
    /// that the variables a call reads are defined).
    pub fn for_each_path(&self, mut f: impl FnMut(&Path)) {
        fn walk(call: &Call, f: &mut dyn FnMut(&Path)) {
            for a in call.args.iter() {
                match a {
                    Arg::Path(p) => f(p),
                    Arg::Call(c) => walk(c, f),
                    Arg::Literal(_) => {}
                }
            }
        }
        walk(&self.call, &mut f);
    }

    /// Evaluates the call. Errors are `States.IntrinsicFailure` (bad arguments) or
    /// `States.Runtime` (a path argument that selects nothing), cause texts as AWS words them.
    pub fn eval(&self, env: &mut Env<'_>) -> Result<Value, StatesError> {
        eval_call(&self.call, env, None)
    }

    /// Like [`eval`](Self::eval), but names the payload-template field (`"x.$"`) in the cause
    /// of a path that selects nothing, as AWS does: `The JSONPath '$.a' specified for the
    /// field 'x.$' could not be found in the input '{...}'`.
    pub fn eval_for_field(&self, env: &mut Env<'_>, field: &str) -> Result<Value, StatesError> {
        eval_call(&self.call, env, Some(field))
    }
}

// ---------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn at_delimiter(&self) -> bool {
        matches!(self.peek(), None | Some(b',' | b')' | b' ' | b'\t' | b'\n' | b'\r'))
    }

    /// `States.Name(args)`, starting at `States.`.
    fn call(&mut self, depth: usize) -> Result<Call, String> {
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
    fn arg(&mut self, depth: usize) -> Result<(Arg, Option<Vec<usize>>), String> {
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

    fn string(&mut self) -> Result<(String, Vec<usize>), String> {
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

    fn number(&mut self) -> Result<Value, String> {
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
    fn path(&mut self) -> Result<Path, String> {
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
fn split_template(s: &str, holes: &[usize]) -> Box<[Box<str>]> {
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
fn normalize_number(n: Number) -> Value {
    if n.as_f64() == Some(0.0) && n.is_f64() && n.as_f64().is_some_and(f64::is_sign_negative) {
        return Value::from(0);
    }
    Value::Number(n)
}

fn check_args(func: Function, args: &[Arg]) -> Result<(), String> {
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

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Any => "a value",
        Kind::Str => "a string",
        Kind::Num => "a number",
        Kind::Bool => "a boolean",
        Kind::Arr => "an array (a path or an intrinsic function)",
        Kind::Obj => "an object (a path or an intrinsic function)",
    }
}

// ---------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------

/// What a pure function application needs from the scope, if anything.
enum Outcome {
    Done(Value),
    /// `States.MathRandom` without a seed: `start + r` for a uniform `r` in `[0, span)`.
    Random {
        start: i64,
        span: u64,
    },
}

fn eval_call(call: &Call, env: &mut Env<'_>, field: Option<&str>) -> Result<Value, StatesError> {
    if call.func == Function::Uuid {
        return Ok(Value::String(uuid_v4(env.scope.random_u64(), env.scope.random_u64())));
    }
    let mut nested: SmallVec<[Value; 2]> = SmallVec::new();
    if call.has_nested {
        for a in call.args.iter() {
            if let Arg::Call(c) = a {
                nested.push(eval_call(c, env, field)?);
            }
        }
    }
    let outcome = {
        let ro: &Env<'_> = env;
        let mut nested = nested.into_iter();
        let mut vals: SmallVec<[Cow<'_, Value>; 4]> = SmallVec::with_capacity(call.args.len());
        for a in call.args.iter() {
            vals.push(match a {
                Arg::Literal(v) => Cow::Borrowed(v),
                Arg::Path(p) => select(ro, p, field)?,
                Arg::Call(_) => Cow::Owned(nested.next().unwrap_or(Value::Null)),
            });
        }
        apply(call, &vals)?
    };
    match outcome {
        Outcome::Done(v) => Ok(v),
        Outcome::Random { start, span } => {
            let r = ((env.scope.random_u64() as u128 * span as u128) >> 64) as i64;
            Ok(Value::from(start.wrapping_add(r)))
        }
    }
}

fn select<'e>(env: &'e Env<'_>, path: &Path, field: Option<&str>) -> Result<Cow<'e, Value>, StatesError> {
    env.select(path).map_err(|e| match e {
        PathError::NotFound { .. } => {
            let root = match path.root() {
                Root::Input => Some(env.input),
                Root::Context => Some(env.scope.context()),
                Root::Variable(name) => env.scope.variable(name),
            };
            let input = root.map(|v| v.to_string()).unwrap_or_default();
            match field {
                Some(f) => StatesError::runtime(format!(
                    "The JSONPath '{}' specified for the field '{f}' could not be found in the input '{input}'",
                    path.as_str()
                )),
                None => StatesError::runtime(format!(
                    "The JSONPath '{}' could not be found in the input '{input}'",
                    path.as_str()
                )),
            }
        }
        other => StatesError::runtime(other.to_string()),
    })
}

fn fail(msg: String) -> StatesError {
    StatesError::intrinsic_failure(msg)
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn wrong_type(f: Function, i: usize, want: &str, got: &Value) -> StatesError {
    fail(format!(
        "Invalid arguments in {}: argument {} must be {want}, but was {}",
        f.name(),
        i + 1,
        type_name(got)
    ))
}

fn str_arg<'v>(f: Function, args: &'v [Cow<'_, Value>], i: usize) -> Result<&'v str, StatesError> {
    match &*args[i] {
        Value::String(s) => Ok(s),
        other => Err(wrong_type(f, i, "a string", other)),
    }
}

fn arr_arg<'v>(f: Function, args: &'v [Cow<'_, Value>], i: usize) -> Result<&'v [Value], StatesError> {
    match &*args[i] {
        Value::Array(a) => Ok(a),
        other => Err(wrong_type(f, i, "an array", other)),
    }
}

fn obj_arg<'v>(f: Function, args: &'v [Cow<'_, Value>], i: usize) -> Result<&'v Map<String, Value>, StatesError> {
    match &*args[i] {
        Value::Object(m) => Ok(m),
        other => Err(wrong_type(f, i, "an object", other)),
    }
}

/// An integer argument; non-integral numbers are rounded to the nearest integer, halves
/// towards positive infinity (Java's `Math.round`), as AWS does.
fn int_arg(f: Function, args: &[Cow<'_, Value>], i: usize) -> Result<i64, StatesError> {
    let v = &*args[i];
    let Value::Number(n) = v else {
        return Err(wrong_type(f, i, "a number", v));
    };
    if let Some(x) = n.as_i64() {
        return Ok(x);
    }
    let out_of_range = || {
        fail(format!(
            "Invalid arguments in {}: argument {} ({n}) is out of range",
            f.name(),
            i + 1
        ))
    };
    if n.is_u64() {
        return Err(out_of_range());
    }
    let x = n.as_f64().unwrap_or(f64::NAN);
    let r = java_round(x);
    if (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&r) {
        Ok(r as i64)
    } else {
        Err(out_of_range())
    }
}

fn java_round(x: f64) -> f64 {
    let f = x.floor();
    if x - f >= 0.5 { f + 1.0 } else { f }
}

fn apply(call: &Call, args: &[Cow<'_, Value>]) -> Result<Outcome, StatesError> {
    let f = call.func;
    let done = |v: Value| Ok(Outcome::Done(v));
    match f {
        Function::Format => done(Value::String(format(call, args)?)),
        Function::StringToJson => {
            let s = str_arg(f, args, 0)?;
            if s.trim().is_empty() {
                return done(Value::Null);
            }
            match serde_json::from_str::<Value>(s) {
                Ok(mut v) => {
                    normalize_parsed(&mut v);
                    done(v)
                }
                Err(e) => Err(fail(format!(
                    "Invalid arguments in {}: the string '{s}' is not valid JSON ({e})",
                    f.name()
                ))),
            }
        }
        Function::JsonToString => {
            let mut out = String::new();
            write_json(&mut out, &args[0]);
            done(Value::String(out))
        }
        Function::Array => done(Value::Array(args.iter().map(|v| v.as_ref().clone()).collect())),
        Function::ArrayPartition => {
            let arr = arr_arg(f, args, 0)?;
            let size = int_arg(f, args, 1)?;
            if size <= 0 {
                return Err(fail(format!(
                    "Invalid arguments in {}: the chunk size must be a positive integer, but was {size}",
                    f.name()
                )));
            }
            let chunks = arr
                .chunks(usize::try_from(size).unwrap_or(usize::MAX))
                .map(|c| Value::Array(c.to_vec()))
                .collect();
            done(Value::Array(chunks))
        }
        Function::ArrayContains => {
            let arr = arr_arg(f, args, 0)?;
            let needle = &*args[1];
            done(Value::Bool(arr.iter().any(|v| v == needle)))
        }
        Function::ArrayRange => {
            let start = int_arg(f, args, 0)?;
            let end = int_arg(f, args, 1)?;
            let step = int_arg(f, args, 2)?;
            if step == 0 {
                return Err(fail(format!(
                    "Invalid arguments in {}: the step must not be 0",
                    f.name()
                )));
            }
            let (start_w, end_w, step_w) = (start as i128, end as i128, step as i128);
            let count = if (step > 0 && end_w >= start_w) || (step < 0 && end_w <= start_w) {
                ((end_w - start_w) / step_w + 1) as u128
            } else {
                0
            };
            if count > MAX_ARRAY_RANGE_ITEMS as u128 {
                return Err(fail(format!(
                    "Invalid arguments in {}: the array would contain {count} items, more than the maximum of {MAX_ARRAY_RANGE_ITEMS}",
                    f.name()
                )));
            }
            let items = (0..count as i128)
                .map(|k| Value::from((start_w + k * step_w) as i64))
                .collect();
            done(Value::Array(items))
        }
        Function::ArrayGetItem => {
            let arr = arr_arg(f, args, 0)?;
            let idx = int_arg(f, args, 1)?;
            match usize::try_from(idx).ok().and_then(|i| arr.get(i)) {
                Some(v) => done(v.clone()),
                None => Err(fail(format!(
                    "Invalid arguments in {}: the index {idx} is out of bounds for an array of length {}",
                    f.name(),
                    arr.len()
                ))),
            }
        }
        Function::ArrayLength => done(Value::from(arr_arg(f, args, 0)?.len())),
        Function::ArrayUnique => done(Value::Array(unique(arr_arg(f, args, 0)?))),
        Function::Base64Encode => {
            let s = str_arg(f, args, 0)?;
            check_len(f, s)?;
            done(Value::String(base64_encode(s.as_bytes())))
        }
        Function::Base64Decode => {
            let s = str_arg(f, args, 0)?;
            check_len(f, s)?;
            match base64_decode(s) {
                Some(bytes) => done(Value::String(
                    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
                )),
                None => Err(fail(format!(
                    "Invalid arguments in {}: the input is not valid Base64",
                    f.name()
                ))),
            }
        }
        Function::Hash => {
            let data = str_arg(f, args, 0)?;
            let algo = str_arg(f, args, 1)?;
            check_len(f, data)?;
            match hash(algo, data.as_bytes()) {
                Some(h) => done(Value::String(h)),
                None => Err(fail(format!(
                    "Invalid arguments in {}: the hash algorithm '{algo}' is not supported (supported: MD5, SHA-1, SHA-256, SHA-384, SHA-512)",
                    f.name()
                ))),
            }
        }
        Function::JsonMerge => {
            let a = obj_arg(f, args, 0)?;
            let b = obj_arg(f, args, 1)?;
            match &*args[2] {
                Value::Bool(false) => {}
                Value::Bool(true) => {
                    return Err(fail(format!(
                        "Invalid arguments in {}: deep merge is not supported; the third argument must be false",
                        f.name()
                    )));
                }
                other => return Err(wrong_type(f, 2, "a boolean", other)),
            }
            let mut merged = a.clone();
            for (k, v) in b {
                merged.insert(k.clone(), v.clone());
            }
            done(Value::Object(merged))
        }
        Function::MathRandom => {
            let start = int_arg(f, args, 0)?;
            let end = int_arg(f, args, 1)?;
            if end <= start {
                return Err(fail(format!(
                    "Invalid arguments in {}: the end ({end}) must be greater than the start ({start})",
                    f.name()
                )));
            }
            let span = (end as i128 - start as i128) as u64;
            if args.len() == 3 {
                let seed = int_arg(f, args, 2)?;
                let Ok(bound) = i32::try_from(span) else {
                    return Err(fail(format!(
                        "Invalid arguments in {}: the range from {start} to {end} is too large",
                        f.name()
                    )));
                };
                let r = JavaRandom::new(seed).next_int(bound);
                return done(Value::from(start + r as i64));
            }
            Ok(Outcome::Random { start, span })
        }
        Function::MathAdd => {
            let a = int_arg(f, args, 0)?;
            let b = int_arg(f, args, 1)?;
            for (i, x) in [a, b].into_iter().enumerate() {
                if i32::try_from(x).is_err() {
                    return Err(fail(format!(
                        "Invalid arguments in {}: argument {} ({x}) is outside the range of -2147483648 to 2147483647",
                        f.name(),
                        i + 1
                    )));
                }
            }
            done(Value::from(a + b))
        }
        Function::StringSplit => {
            let s = str_arg(f, args, 0)?;
            let delims = str_arg(f, args, 1)?;
            let parts = s
                .split(|c: char| delims.contains(c))
                .filter(|p| !p.is_empty())
                .map(|p| Value::String(p.to_string()))
                .collect();
            done(Value::Array(parts))
        }
        Function::Uuid => unreachable_uuid(),
    }
}

/// `States.UUID` is handled before argument evaluation (it needs the scope's randomness).
#[cold]
fn unreachable_uuid() -> Result<Outcome, StatesError> {
    Err(fail("States.UUID: internal evaluation error".into()))
}

fn check_len(f: Function, s: &str) -> Result<(), StatesError> {
    // Cheap upper bound first: a UTF-16 length never exceeds the UTF-8 length.
    if s.len() > MAX_STRING_INPUT_CHARS && s.encode_utf16().count() > MAX_STRING_INPUT_CHARS {
        return Err(fail(format!(
            "Invalid arguments in {}: the input string exceeds the maximum of {MAX_STRING_INPUT_CHARS} characters",
            f.name()
        )));
    }
    Ok(())
}

/// serde_json reads `-0` as a float; AWS (Jackson) reads it as the integer 0.
fn normalize_parsed(v: &mut Value) {
    match v {
        Value::Number(n) if n.is_f64() && n.as_f64().is_some_and(|f| f == 0.0 && f.is_sign_negative()) => {
            *v = Value::from(0);
        }
        Value::Array(a) => a.iter_mut().for_each(normalize_parsed),
        Value::Object(m) => m.values_mut().for_each(normalize_parsed),
        _ => {}
    }
}

fn format(call: &Call, args: &[Cow<'_, Value>]) -> Result<String, StatesError> {
    let f = Function::Format;
    let rest = &args[1..];
    let mismatch = |holes: usize| {
        fail(format!(
            "Invalid arguments in {}: the format string has {holes} placeholder{} but {} argument{} {} given",
            f.name(),
            if holes == 1 { "" } else { "s" },
            rest.len(),
            if rest.len() == 1 { "" } else { "s" },
            if rest.len() == 1 { "was" } else { "were" },
        ))
    };
    let mut out = String::new();
    if let Some(pieces) = &call.template {
        if pieces.len() - 1 != rest.len() {
            return Err(mismatch(pieces.len() - 1));
        }
        for (i, piece) in pieces.iter().enumerate() {
            out.push_str(piece);
            if let Some(v) = rest.get(i) {
                write_java(&mut out, v);
            }
        }
    } else {
        let template = str_arg(f, args, 0)?;
        let holes = template.matches("{}").count();
        if holes != rest.len() {
            return Err(mismatch(holes));
        }
        for (i, piece) in template.split("{}").enumerate() {
            out.push_str(piece);
            if let Some(v) = rest.get(i) {
                write_java(&mut out, v);
            }
        }
    }
    Ok(out)
}

/// Renders a value as AWS's `States.Format` does: strings as they are, objects and arrays
/// the way Java's `Map`/`List` `toString` prints them.
fn write_java(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => out.push_str(s),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_java(out, x);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                write_java(out, x);
            }
            out.push('}');
        }
    }
}

/// Compact JSON as AWS's `States.JsonToString` writes it (Jackson: Java float formatting).
fn write_json(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_json_string(out, s),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, x);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(out, k);
                out.push(':');
                write_json(out, x);
            }
            out.push('}');
        }
    }
}

fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    let mut run = 0;
    for (i, c) in s.char_indices() {
        let esc = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\u{8}' => "\\b",
            '\u{c}' => "\\f",
            c if (c as u32) < 0x20 => "",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        if esc.is_empty() {
            let _ = write!(out, "\\u{:04X}", c as u32);
        } else {
            out.push_str(esc);
        }
        run = i + c.len_utf8();
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// Integers as they are; floats as Java's `Double.toString` prints them (`1.1`, `3.0`,
/// `1.0E20`, `1.0E-5`).
fn write_number(out: &mut String, n: &Number) {
    if !n.is_f64() {
        let _ = write!(out, "{n}");
        return;
    }
    let d = n.as_f64().unwrap_or(0.0);
    write_java_double(out, d);
}

/// Java's `Double.toString` (JDK 19+: shortest digits that round-trip).
pub fn write_java_double(out: &mut String, d: f64) {
    if d.is_nan() {
        out.push_str("NaN");
        return;
    }
    if d.is_infinite() {
        out.push_str(if d > 0.0 { "Infinity" } else { "-Infinity" });
        return;
    }
    if d == 0.0 {
        out.push_str(if d.is_sign_negative() { "-0.0" } else { "0.0" });
        return;
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "-1.2345e-7".
    let sci = format!("{:e}", d.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if d < 0.0 {
        out.push('-');
    }
    let abs = d.abs();
    if (1e-3..1e7).contains(&abs) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                out.push_str(&digits);
                for _ in digits.len()..int_len {
                    out.push('0');
                }
                out.push_str(".0");
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        } else {
            out.push_str("0.");
            for _ in 0..(-exp - 1) {
                out.push('0');
            }
            out.push_str(&digits);
        }
    } else {
        out.push_str(&digits[..1]);
        out.push('.');
        if digits.len() > 1 {
            out.push_str(&digits[1..]);
        } else {
            out.push('0');
        }
        let _ = write!(out, "E{exp}");
    }
}

/// Distinct elements in first-occurrence order (JSON equality: objects ignore key order,
/// `1` and `1.0` differ).
fn unique(arr: &[Value]) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    let mut seen: HashMap<u64, SmallVec<[usize; 1]>> = HashMap::with_capacity(arr.len());
    for v in arr {
        let h = value_hash(v);
        let slot = seen.entry(h).or_default();
        if slot.iter().any(|&i| out[i] == *v) {
            continue;
        }
        slot.push(out.len());
        out.push(v.clone());
    }
    out
}

fn value_hash(v: &Value) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    hash_into(v, &mut h);
    h.finish()
}

fn hash_into(v: &Value, h: &mut impl Hasher) {
    match v {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => (1u8, *b).hash(h),
        Value::Number(n) => {
            2u8.hash(h);
            if let Some(u) = n.as_u64() {
                (0u8, u).hash(h);
            } else if let Some(i) = n.as_i64() {
                (1u8, i).hash(h);
            } else {
                (2u8, n.as_f64().unwrap_or(0.0).to_bits()).hash(h);
            }
        }
        Value::String(s) => (3u8, s).hash(h),
        Value::Array(a) => {
            (4u8, a.len()).hash(h);
            for x in a {
                hash_into(x, h);
            }
        }
        Value::Object(m) => {
            // Key order does not matter for equality: combine entry hashes commutatively.
            let mut acc = 0u64;
            for (k, x) in m {
                let mut eh = std::collections::hash_map::DefaultHasher::new();
                k.hash(&mut eh);
                hash_into(x, &mut eh);
                acc = acc.wrapping_add(eh.finish());
            }
            (5u8, m.len(), acc).hash(h);
        }
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(B64[(n >> 18) as usize & 63] as char);
        out.push(B64[(n >> 12) as usize & 63] as char);
        if chunk.len() > 1 {
            out.push(B64[(n >> 6) as usize & 63] as char);
        } else {
            out.push('=');
        }
        if chunk.len() > 2 {
            out.push(B64[n as usize & 63] as char);
        } else {
            out.push('=');
        }
    }
    out
}

/// Standard alphabet (RFC 4648 §4); padding optional, as with Java's basic decoder.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let bytes = s.as_bytes();
    let body = bytes
        .strip_suffix(b"==")
        .or_else(|| bytes.strip_suffix(b"="))
        .unwrap_or(bytes);
    let padded = body.len() != bytes.len();
    if padded && bytes.len() & 3 != 0 {
        return None;
    }
    if body.len() & 3 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() / 4 * 3 + 2);
    for chunk in body.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= val(c)? << (18 - 6 * i);
        }
        out.push((n >> 16) as u8);
        if chunk.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(n as u8);
        }
    }
    Some(out)
}

fn hash(algo: &str, data: &[u8]) -> Option<String> {
    use sha2::Digest;
    let digest: Vec<u8> = match algo {
        "MD5" => md5::Md5::digest(data).to_vec(),
        "SHA-1" => sha1::Sha1::digest(data).to_vec(),
        "SHA-256" => sha2::Sha256::digest(data).to_vec(),
        "SHA-384" => sha2::Sha384::digest(data).to_vec(),
        "SHA-512" => sha2::Sha512::digest(data).to_vec(),
        _ => return None,
    };
    let mut out = String::with_capacity(digest.len() * 2);
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    Some(out)
}

/// A version-4 UUID from 128 random bits, lower-case and hyphenated.
fn uuid_v4(hi: u64, lo: u64) -> String {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&hi.to_be_bytes());
    b[8..].copy_from_slice(&lo.to_be_bytes());
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// `java.util.Random`, for `States.MathRandom` with a seed: the same seed gives the same
/// number as on AWS, whose runtime is Java.
struct JavaRandom {
    seed: u64,
}

impl JavaRandom {
    const MULTIPLIER: u64 = 0x5_DEEC_E66D;
    const MASK: u64 = (1 << 48) - 1;

    fn new(seed: i64) -> Self {
        JavaRandom {
            seed: (seed as u64 ^ Self::MULTIPLIER) & Self::MASK,
        }
    }

    fn next(&mut self, bits: u32) -> i32 {
        self.seed = self.seed.wrapping_mul(Self::MULTIPLIER).wrapping_add(0xB) & Self::MASK;
        (self.seed >> (48 - bits)) as u32 as i32
    }

    /// Uniform in `[0, bound)`; `bound` must be positive.
    fn next_int(&mut self, bound: i32) -> i32 {
        let mut r = self.next(31);
        let m = bound - 1;
        if bound & m == 0 {
            return ((bound as i64 * r as i64) >> 31) as i32;
        }
        let mut u = r;
        loop {
            r = u % bound;
            if u.wrapping_sub(r).wrapping_add(m) >= 0 {
                return r;
            }
            u = self.next(31);
        }
    }

    #[cfg(test)]
    #[allow(dead_code)]
    fn next_double(&mut self) -> f64 {
        let hi = (self.next(26) as i64) << 27;
        let lo = self.next(27) as i64;
        (hi + lo) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::{Scope, StaticScope};
    use serde_json::json;

    fn eval_with(expr: &str, input: &Value, scope: &mut StaticScope) -> Result<Value, StatesError> {
        let call = Intrinsic::parse(expr).unwrap_or_else(|e| panic!("{e}"));
        call.eval(&mut Env::new(input, scope))
    }

    fn eval(expr: &str, input: Value) -> Result<Value, StatesError> {
        eval_with(expr, &input, &mut StaticScope::default())
    }

    fn ok(expr: &str, input: Value) -> Value {
        eval(expr, input).unwrap_or_else(|e| panic!("{expr}: {e}"))
    }

    fn failure(expr: &str, input: Value) -> StatesError {
        match eval(expr, input) {
            Ok(v) => panic!("{expr}: expected an error, got {v}"),
            Err(e) => e,
        }
    }

    fn parse_err(expr: &str) -> String {
        match Intrinsic::parse(expr) {
            Ok(_) => panic!("{expr}: expected a parse error"),
            Err(e) => e.reason,
        }
    }

    /// (case, expression, input, expected FunctionResult), from the AWS-recorded corpus.
    const RECORDED: &[(&str, &str, &str, &str)] = &[
        (
            r#"array__array_0"#,
            r#"States.Array()"#,
            r#"{"FunctionInput":"HelloWorld"}"#,
            r#"[]"#,
        ),
        (
            r#"array__array_2__00"#,
            r#"States.Array($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":"","snd":""}}"#,
            r#"["",""]"#,
        ),
        (
            r#"array__array_2__01"#,
            r#"States.Array($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":" ","snd":" "}}"#,
            r#"[" "," "]"#,
        ),
        (
            r#"array__array_2__03"#,
            r#"States.Array($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":null,"snd":null}}"#,
            r#"[null,null]"#,
        ),
        (
            r#"array__array_2__04"#,
            r#"States.Array($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":1,"snd":1}}"#,
            r#"[1,1]"#,
        ),
        (
            r#"array__array_2__05"#,
            r#"States.Array($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":1.1,"snd":1.1}}"#,
            r#"[1.1,1.1]"#,
        ),
        (
            r#"array__array_2__07"#,
            r#"States.Array($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":{"Arg1":1,"Arg2":[]},"snd":{"Arg1":1,"Arg2":[]}}}"#,
            r#"[{"Arg1":1,"Arg2":[]},{"Arg1":1,"Arg2":[]}]"#,
        ),
        (
            r#"array__array_contains__00"#,
            r#"States.ArrayContains($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[],"snd":null}}"#,
            r#"false"#,
        ),
        (
            r#"array__array_contains__01"#,
            r#"States.ArrayContains($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[],"snd":[]}}"#,
            r#"false"#,
        ),
        (
            r#"array__array_contains__03"#,
            r#"States.ArrayContains($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[[1,2,3],2],"snd":null}}"#,
            r#"false"#,
        ),
        (
            r#"array__array_contains__04"#,
            r#"States.ArrayContains($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[[1,2,3],2],"snd":[1,2,3]}}"#,
            r#"true"#,
        ),
        (
            r#"array__array_contains__05"#,
            r#"States.ArrayContains($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[{"1":2,"2":[]}],"snd":[]}}"#,
            r#"false"#,
        ),
        (
            r#"array__array_contains__07"#,
            r#"States.ArrayContains($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[true,false],"snd":true}}"#,
            r#"true"#,
        ),
        (
            r#"array__array_contains__08"#,
            r#"States.ArrayContains($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[true,false],"snd":false}}"#,
            r#"true"#,
        ),
        (
            r#"array__array_get_item"#,
            r#"States.ArrayGetItem($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[1,2,3,4,5,6,7,8,9],"snd":5}}"#,
            r#"6"#,
        ),
        (
            r#"array__array_partition__00"#,
            r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[],"snd":1}}"#,
            r#"[]"#,
        ),
        (
            r#"array__array_partition__01"#,
            r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[],"snd":2}}"#,
            r#"[]"#,
        ),
        (
            r#"array__array_partition__02"#,
            r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[],"snd":3}}"#,
            r#"[]"#,
        ),
        (
            r#"array__array_partition__04"#,
            r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[],"snd":5}}"#,
            r#"[]"#,
        ),
        (
            r#"array__array_partition__05"#,
            r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[0],"snd":1}}"#,
            r#"[[0]]"#,
        ),
        (
            r#"array__array_partition__06"#,
            r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[0],"snd":2}}"#,
            r#"[[0]]"#,
        ),
        (
            r#"array__array_partition__08"#,
            r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[0],"snd":4}}"#,
            r#"[[0]]"#,
        ),
        (
            r#"array__array_partition__09"#,
            r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[0],"snd":5}}"#,
            r#"[[0]]"#,
        ),
        (
            r#"array__array_partition__10"#,
            r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[0,1],"snd":1}}"#,
            r#"[[0],[1]]"#,
        ),
        (
            r#"array__array_partition__12"#,
            r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[0,1],"snd":3}}"#,
            r#"[[0,1]]"#,
        ),
        (
            r#"array__array_partition__13"#,
            r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[0,1],"snd":4}}"#,
            r#"[[0,1]]"#,
        ),
        (
            r#"array__array_partition__14"#,
            r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[0,1],"snd":5}}"#,
            r#"[[0,1]]"#,
        ),
        (
            r#"array__array_partition__16"#,
            r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[0,1,2],"snd":2}}"#,
            r#"[[0,1],[2]]"#,
        ),
        (
            r#"array__array_partition__17"#,
            r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[0,1,2],"snd":3}}"#,
            r#"[[0,1,2]]"#,
        ),
        (
            r#"array__array_partition__18"#,
            r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[0,1,2],"snd":4}}"#,
            r#"[[0,1,2]]"#,
        ),
        (
            r#"array__array_partition__20"#,
            r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[0,1,2,3],"snd":1}}"#,
            r#"[[0],[1],[2],[3]]"#,
        ),
        (
            r#"array__array_partition__21"#,
            r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[0,1,2,3],"snd":2}}"#,
            r#"[[0,1],[2,3]]"#,
        ),
        (
            r#"array__array_partition__22"#,
            r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[0,1,2,3],"snd":3}}"#,
            r#"[[0,1,2],[3]]"#,
        ),
        (
            r#"array__array_partition__24"#,
            r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":[0,1,2,3],"snd":5}}"#,
            r#"[[0,1,2,3]]"#,
        ),
        (
            r#"array__array_range__00"#,
            r#"States.ArrayRange($.FunctionInput.fst, $.FunctionInput.snd, $.FunctionInput.trd)"#,
            r#"{"FunctionInput":{"fst":0,"snd":9,"trd":3}}"#,
            r#"[0,3,6,9]"#,
        ),
        (
            r#"array__array_range__01"#,
            r#"States.ArrayRange($.FunctionInput.fst, $.FunctionInput.snd, $.FunctionInput.trd)"#,
            r#"{"FunctionInput":{"fst":0,"snd":10,"trd":3}}"#,
            r#"[0,3,6,9]"#,
        ),
        (
            r#"array__array_range__03"#,
            r#"States.ArrayRange($.FunctionInput.fst, $.FunctionInput.snd, $.FunctionInput.trd)"#,
            r#"{"FunctionInput":{"fst":1,"snd":9,"trd":2}}"#,
            r#"[1,3,5,7,9]"#,
        ),
        (
            r#"array__array_unique"#,
            r#"States.ArrayLength($.FunctionInput)"#,
            r#"{"FunctionInput":[null,null,true,true,false,false,1,1,1.1,0,0,"HelloWorld","HelloWorld",[],[],[null],[null],{"a":1,"b":2},{"a":1,"b":2},{"a":1,"b":1}]}"#,
            r#"20"#,
        ),
        (
            r#"encode_decode__base_64_decode__00"#,
            r#"States.Base64Decode($.FunctionInput)"#,
            r#"{"FunctionInput":""}"#,
            r#""""#,
        ),
        (
            r#"encode_decode__base_64_encode__00"#,
            r#"States.Base64Encode($.FunctionInput)"#,
            r#"{"FunctionInput":""}"#,
            r#""""#,
        ),
        (
            r#"encode_decode__base_64_encode__01"#,
            r#"States.Base64Encode($.FunctionInput)"#,
            r#"{"FunctionInput":"Data to encode"}"#,
            r#""RGF0YSB0byBlbmNvZGU=""#,
        ),
        (
            r#"generic__format_1__00"#,
            r#"States.Format('Formatting argument {}.', $.FunctionInput)"#,
            r#"{"FunctionInput":""}"#,
            r#""Formatting argument .""#,
        ),
        (
            r#"generic__format_1__01"#,
            r#"States.Format('Formatting argument {}.', $.FunctionInput)"#,
            r#"{"FunctionInput":" "}"#,
            r#""Formatting argument  .""#,
        ),
        (
            r#"generic__format_1__02"#,
            r#"States.Format('Formatting argument {}.', $.FunctionInput)"#,
            r#"{"FunctionInput":"HelloWorld"}"#,
            r#""Formatting argument HelloWorld.""#,
        ),
        (
            r#"generic__format_1__04"#,
            r#"States.Format('Formatting argument {}.', $.FunctionInput)"#,
            r#"{"FunctionInput":1}"#,
            r#""Formatting argument 1.""#,
        ),
        (
            r#"generic__format_1__05"#,
            r#"States.Format('Formatting argument {}.', $.FunctionInput)"#,
            r#"{"FunctionInput":1.1}"#,
            r#""Formatting argument 1.1.""#,
        ),
        (
            r#"generic__format_1__06"#,
            r#"States.Format('Formatting argument {}.', $.FunctionInput)"#,
            r#"{"FunctionInput":"{\"Arg1\": 1, \"Arg2\": []}"}"#,
            r#""Formatting argument {\"Arg1\": 1, \"Arg2\": []}.""#,
        ),
        (
            r#"generic__format_2__01"#,
            r#"States.Format('Formatting arguments fst={} and snd={}.', $.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":" ","snd":" "}}"#,
            r#""Formatting arguments fst=  and snd= .""#,
        ),
        (
            r#"generic__format_2__02"#,
            r#"States.Format('Formatting arguments fst={} and snd={}.', $.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":"HelloWorld","snd":"HelloWorld"}}"#,
            r#""Formatting arguments fst=HelloWorld and snd=HelloWorld.""#,
        ),
        (
            r#"generic__format_2__03"#,
            r#"States.Format('Formatting arguments fst={} and snd={}.', $.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":null,"snd":null}}"#,
            r#""Formatting arguments fst=null and snd=null.""#,
        ),
        (
            r#"generic__format_2__05"#,
            r#"States.Format('Formatting arguments fst={} and snd={}.', $.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":1.1,"snd":1.1}}"#,
            r#""Formatting arguments fst=1.1 and snd=1.1.""#,
        ),
        (
            r#"generic__format_2__06"#,
            r#"States.Format('Formatting arguments fst={} and snd={}.', $.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":"{\"Arg1\": 1, \"Arg2\": []}","snd":"{\"Arg1\": 1, \"Arg2\": []}"}}"#,
            r#""Formatting arguments fst={\"Arg1\": 1, \"Arg2\": []} and snd={\"Arg1\": 1, \"Arg2\": []}.""#,
        ),
        (
            r#"generic__format_2__07"#,
            r#"States.Format('Formatting arguments fst={} and snd={}.', $.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":{"Arg1":1,"Arg2":[]},"snd":{"Arg1":1,"Arg2":[]}}}"#,
            r#""Formatting arguments fst={Arg1=1, Arg2=[]} and snd={Arg1=1, Arg2=[]}.""#,
        ),
        (
            r#"hash_calculations__hash__00"#,
            r#"States.Hash($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":"input data","snd":"MD5"}}"#,
            r#""812f45842bc6d66ee14572ce20db8e86""#,
        ),
        (
            r#"hash_calculations__hash__01"#,
            r#"States.Hash($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":"input data","snd":"SHA-1"}}"#,
            r#""aaff4a450a104cd177d28d18d74485e8cae074b7""#,
        ),
        (
            r#"hash_calculations__hash__03"#,
            r#"States.Hash($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":"input data","snd":"SHA-384"}}"#,
            r#""d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562""#,
        ),
        (
            r#"hash_calculations__hash__04"#,
            r#"States.Hash($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":"input data","snd":"SHA-512"}}"#,
            r#""6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4""#,
        ),
        (
            r#"json_manipulation__json_merge"#,
            r#"States.JsonMerge($.FunctionInput.fst, $.FunctionInput.snd, false)"#,
            r#"{"FunctionInput":{"fst":{"a":{"a1":1,"a2":2},"b":2,"d":3},"snd":{"a":{"a3":1,"a4":2},"c":3,"d":4}}}"#,
            r#"{"a":{"a3":1,"a4":2},"b":2,"c":3,"d":4}"#,
        ),
        (
            r#"json_manipulation__json_to_string__01"#,
            r#"States.JsonToString($.FunctionInput)"#,
            r#"{"FunctionInput":0}"#,
            r#""0""#,
        ),
        (
            r#"json_manipulation__json_to_string__02"#,
            r#"States.JsonToString($.FunctionInput)"#,
            r#"{"FunctionInput":1}"#,
            r#""1""#,
        ),
        (
            r#"json_manipulation__json_to_string__03"#,
            r#"States.JsonToString($.FunctionInput)"#,
            r#"{"FunctionInput":1.1}"#,
            r#""1.1""#,
        ),
        (
            r#"json_manipulation__json_to_string__05"#,
            r#"States.JsonToString($.FunctionInput)"#,
            r#"{"FunctionInput":"HelloWorld"}"#,
            r#""\"HelloWorld\"""#,
        ),
        (
            r#"json_manipulation__json_to_string__06"#,
            r#"States.JsonToString($.FunctionInput)"#,
            r#"{"FunctionInput":[1,2,"HelloWorld"]}"#,
            r#""[1,2,\"HelloWorld\"]""#,
        ),
        (
            r#"json_manipulation__json_to_string__07"#,
            r#"States.JsonToString($.FunctionInput)"#,
            r#"{"FunctionInput":{"Arg1":1,"Arg2":[]}}"#,
            r#""{\"Arg1\":1,\"Arg2\":[]}""#,
        ),
        (
            r#"json_manipulation__string_to_json__01"#,
            r#"States.StringToJson($.FunctionInput)"#,
            r#"{"FunctionInput":" "}"#,
            r#"null"#,
        ),
        (
            r#"json_manipulation__string_to_json__02"#,
            r#"States.StringToJson($.FunctionInput)"#,
            r#"{"FunctionInput":"null"}"#,
            r#"null"#,
        ),
        (
            r#"json_manipulation__string_to_json__03"#,
            r#"States.StringToJson($.FunctionInput)"#,
            r#"{"FunctionInput":"-0"}"#,
            r#"0"#,
        ),
        (
            r#"json_manipulation__string_to_json__05"#,
            r#"States.StringToJson($.FunctionInput)"#,
            r#"{"FunctionInput":"1.1"}"#,
            r#"1.1"#,
        ),
        (
            r#"json_manipulation__string_to_json__06"#,
            r#"States.StringToJson($.FunctionInput)"#,
            r#"{"FunctionInput":"true"}"#,
            r#"true"#,
        ),
        (
            r#"json_manipulation__string_to_json__07"#,
            r#"States.StringToJson($.FunctionInput)"#,
            r#"{"FunctionInput":"\"HelloWorld\""}"#,
            r#""HelloWorld""#,
        ),
        (
            r#"json_manipulation__string_to_json__09"#,
            r#"States.StringToJson($.FunctionInput)"#,
            r#"{"FunctionInput":"{\"Arg1\": 1, \"Arg2\": []}"}"#,
            r#"{"Arg1":1,"Arg2":[]}"#,
        ),
        (
            r#"math_operations__math_add__00"#,
            r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":-9,"snd":3}}"#,
            r#"-6"#,
        ),
        (
            r#"math_operations__math_add__01"#,
            r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":1.49,"snd":1.5}}"#,
            r#"3"#,
        ),
        (
            r#"math_operations__math_add__03"#,
            r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":-1.49,"snd":-1.5}}"#,
            r#"-2"#,
        ),
        (
            r#"math_operations__math_add__04"#,
            r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":-1.5,"snd":-1.51}}"#,
            r#"-3"#,
        ),
        (
            r#"math_operations__math_add__05"#,
            r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":1.49,"snd":0}}"#,
            r#"1"#,
        ),
        (
            r#"math_operations__math_add__07"#,
            r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":1.5,"snd":0}}"#,
            r#"2"#,
        ),
        (
            r#"math_operations__math_add__08"#,
            r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":1.51,"snd":0}}"#,
            r#"2"#,
        ),
        (
            r#"math_operations__math_add__09"#,
            r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":-1.49,"snd":0}}"#,
            r#"-1"#,
        ),
        (
            r#"math_operations__math_add__11"#,
            r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":-1.51,"snd":0}}"#,
            r#"-2"#,
        ),
        (
            r#"math_operations__math_add__12"#,
            r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":0.5,"snd":0}}"#,
            r#"1"#,
        ),
        (
            r#"math_operations__math_add__14"#,
            r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":2.5,"snd":0}}"#,
            r#"3"#,
        ),
        (
            r#"math_operations__math_add__16"#,
            r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":-0.5,"snd":0.5}}"#,
            r#"1"#,
        ),
        (
            r#"math_operations__math_add__17"#,
            r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":-0.5,"snd":0}}"#,
            r#"0"#,
        ),
        (
            r#"math_operations__math_add__19"#,
            r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":-2.5,"snd":0}}"#,
            r#"-2"#,
        ),
        (
            r#"string_operations__string_split__00"#,
            r#"States.StringSplit($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":" ","snd":","}}"#,
            r#"[" "]"#,
        ),
        (
            r#"string_operations__string_split__01"#,
            r#"States.StringSplit($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":" , ","snd":","}}"#,
            r#"[" "," "]"#,
        ),
        (
            r#"string_operations__string_split__02"#,
            r#"States.StringSplit($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":", , ,","snd":","}}"#,
            r#"[" "," "]"#,
        ),
        (
            r#"string_operations__string_split__04"#,
            r#"States.StringSplit($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":"1,2,3,4,5","snd":","}}"#,
            r#"["1","2","3","4","5"]"#,
        ),
        (
            r#"string_operations__string_split__05"#,
            r#"States.StringSplit($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":"This.is+a,test=string","snd":".+,="}}"#,
            r#"["This","is","a","test","string"]"#,
        ),
        (
            r#"string_operations__string_split__06"#,
            r#"States.StringSplit($.FunctionInput.fst, $.FunctionInput.snd)"#,
            r#"{"FunctionInput":{"fst":"split on T and \nnew line","snd":"T\n"}}"#,
            r#"["split on "," and ","new line"]"#,
        ),
    ];

    /// JSON text with object keys sorted.
    fn canonical(v: &Value) -> String {
        match v {
            Value::Object(m) => {
                let mut entries: Vec<_> = m.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                let inner: Vec<String> = entries
                    .into_iter()
                    .map(|(k, x)| format!("{}:{}", Value::String(k.clone()), canonical(x)))
                    .collect();
                format!("{{{}}}", inner.join(","))
            }
            Value::Array(a) => {
                let inner: Vec<String> = a.iter().map(canonical).collect();
                format!("[{}]", inner.join(","))
            }
            other => other.to_string(),
        }
    }

    #[test]
    fn aws_recorded_cases() {
        for (name, expr, input, expected) in RECORDED {
            let input: Value = serde_json::from_str(input).unwrap();
            let expected: Value = serde_json::from_str(expected).unwrap();
            let got = eval(expr, input).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(got, expected, "{name}: {expr}");
            // Integers stay integers (3, not 3.0). Key order is not part of the recording.
            assert_eq!(canonical(&got), canonical(&expected), "{name}: {expr}");
        }
    }

    #[test]
    fn recorded_context_and_variables() {
        // generic__context_json_path
        let mut scope = StaticScope {
            context: json!({
                "Execution": {"Name": "exec-1", "Input": {"input_field": {"constant_input_field": "constant_value"}}},
                "StateMachine": {"Id": "arn:aws:states:us-east-1:111111111111:stateMachine:sm-one-two", "Name": "sm-one-two"},
                "Map": {"Item": {"Value": "Pikachu", "Index": 1}},
            }),
            ..Default::default()
        };
        let input = json!({"FunctionInput": null});
        assert_eq!(
            eval_with(
                "States.Format('Formatting arguments fst={} and snd={}.', $$.Execution.Name, $$.StateMachine)",
                &input,
                &mut scope
            )
            .unwrap(),
            json!(
                "Formatting arguments fst=exec-1 and snd={Id=arn:aws:states:us-east-1:111111111111:stateMachine:sm-one-two, Name=sm-one-two}."
            )
        );
        // generic__nested_calls_2
        assert_eq!(
            eval_with(
                "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))",
                &input,
                &mut scope
            )
            .unwrap(),
            json!("two")
        );
        // json_manipulation__json_merge_escaped_argument
        assert_eq!(
            eval_with(
                r#"States.JsonMerge(States.StringToJson('{"constant_in_literal": "false"}'), $$.Execution.Input.input_field, false)"#,
                &input,
                &mut scope
            )
            .unwrap(),
            json!({"constant_in_literal": "false", "constant_input_field": "constant_value"})
        );
        // assign_reference_variables__reference_in_map_state__MAP_STATE_REFERENCE_IN_INTRINSIC_FUNCTION
        scope.variables.insert("AnswerTemplate".into(), json!("It's {}!"));
        assert_eq!(
            eval_with(
                "States.Format($AnswerTemplate, $$.Map.Item.Value)",
                &json!({}),
                &mut scope
            )
            .unwrap(),
            json!("It's Pikachu!")
        );
        // assign_reference_variables__reference_assign__BASE_REFERENCE_IN_ITERATOR_OUTER_SCOPE
        for (x, y, z, sum) in [(9, 44, 6, 63), (82, 25, 76, 187), (18, 42, 2, 66)] {
            scope.variables.insert("xCurrent".into(), json!(x));
            scope.variables.insert("yCurrent".into(), json!(y));
            scope.variables.insert("zCurrent".into(), json!(z));
            scope.variables.insert("bias".into(), json!(4.3));
            let got = eval_with(
                "States.MathAdd(States.MathAdd(States.MathAdd($yCurrent, $xCurrent), $zCurrent), $bias)",
                &json!([x, y, z]),
                &mut scope,
            )
            .unwrap();
            assert_eq!(got.to_string(), sum.to_string());
        }
    }

    #[test]
    fn recorded_assign_from_intrinsics() {
        // assign_reference_variables__assign_from_value__BASE_ASSIGN_FROM_INTRINSIC_FUNCTION
        let input = json!({"inputArray": [1, 2, 3, 4, 5, 6], "duplicateArray": [1, 2, 2, 3, 3, 4],
            "rawString": "Hello World", "encodedString": "SGVsbG8gV29ybGQ=", "inputString": "Hash this string",
            "json1": {"a": 1, "b": 2}, "json2": {"c": 3, "d": 4}, "jsonString": "{\"key\":\"value\"}",
            "jsonObject": {"test": "object"}, "value1": 5, "value2": 3, "csvString": "a,b,c,d,e",
            "name": "John", "place": "LocalStack"});
        let cases = [
            ("States.Array('a', 'b', 'c')", json!(["a", "b", "c"])),
            (
                "States.ArrayPartition($.inputArray, 2)",
                json!([[1, 2], [3, 4], [5, 6]]),
            ),
            ("States.ArrayContains($.inputArray, 5)", json!(true)),
            ("States.ArrayRange(1, 10, 2)", json!([1, 3, 5, 7, 9])),
            ("States.ArrayGetItem($.inputArray, 2)", json!(3)),
            ("States.ArrayLength($.inputArray)", json!(6)),
            ("States.ArrayUnique($.duplicateArray)", json!([1, 2, 3, 4])),
            ("States.Base64Encode($.rawString)", json!("SGVsbG8gV29ybGQ=")),
            ("States.Base64Decode($.encodedString)", json!("Hello World")),
            (
                "States.Hash($.inputString, 'SHA-256')",
                json!("1cac63f39fd68d8c531f27b807610fb3d50f0fc3f186995767fb6316e7200a3e"),
            ),
            (
                "States.JsonMerge($.json1, $.json2, false)",
                json!({"a": 1, "b": 2, "c": 3, "d": 4}),
            ),
            ("States.StringToJson($.jsonString)", json!({"key": "value"})),
            ("States.JsonToString($.jsonObject)", json!("{\"test\":\"object\"}")),
            ("States.MathAdd($.value1, $.value2)", json!(8)),
            ("States.StringSplit($.csvString, ',')", json!(["a", "b", "c", "d", "e"])),
            (
                "States.Format('Hello {}, welcome to {}!', $.name, $.place)",
                json!("Hello John, welcome to LocalStack!"),
            ),
        ];
        for (expr, expected) in cases {
            assert_eq!(ok(expr, input.clone()), expected, "{expr}");
        }
        let id = ok("States.UUID()", json!({}));
        let id = id.as_str().unwrap();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
        assert!(
            id.chars()
                .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
    }

    #[test]
    fn recorded_math_random() {
        // math_operations__math_random__00..02: any integer in range.
        for (lo, hi) in [(12.5, 44.51), (9999.0, 99999.0), (-99999.0, -9999.0)] {
            let input = json!({"FunctionInput": {"fst": lo, "snd": hi}});
            let mut scope = StaticScope::default();
            for _ in 0..200 {
                let v = eval_with(
                    "States.MathRandom($.FunctionInput.fst, $.FunctionInput.snd)",
                    &input,
                    &mut scope,
                )
                .unwrap();
                let n = v.as_i64().unwrap_or_else(|| panic!("not an integer: {v}"));
                assert!(n >= java_round(lo) as i64 && n < java_round(hi) as i64, "{n}");
            }
        }
        // With a seed: java.util.Random, deterministic.
        let a = ok("States.MathRandom(1, 1000, 42)", json!({}));
        let b = ok("States.MathRandom(1, 1000, 42)", json!({}));
        assert_eq!(a, b);
        assert_eq!(a, json!(1 + JavaRandom::new(42).next_int(999)));
        assert_eq!(ok("States.MathRandom(0, 10, 42)", json!({})), json!(0));
    }

    #[test]
    fn java_random_matches_java() {
        // new java.util.Random(42).nextDouble() on a JVM.
        assert_eq!(JavaRandom::new(42).next_double(), 0.7275636800328681);
        // new Random(42).nextInt(10) == 0; new Random(0).nextInt(100) == 60.
        assert_eq!(JavaRandom::new(42).next_int(10), 0);
        assert_eq!(JavaRandom::new(0).next_int(100), 60);
    }

    #[test]
    fn illegal_escapes_are_rejected() {
        // base_scenarios__illegal_escapes__ESCAPE_SEQUENCES_ILLEGAL_INTRINSIC_FUNCTION(_2)
        for expr in [
            r#"States.StringToJson('{"text":"An \"escaped double quote\" here"}')"#,
            r#"States.Format('He said, \"Hello, {}!\"', 'Test \"Name\" Here')"#,
            r"States.Format('tab\t{}', 1)",
        ] {
            assert!(parse_err(expr).contains("escape"), "{expr}");
        }
    }

    #[test]
    fn string_literal_escapes() {
        assert_eq!(ok(r"States.Format('It\'s {}', 'me')", json!({})), json!("It's me"));
        assert_eq!(ok(r"States.Format('\{\} {} \\', 1)", json!({})), json!("{} 1 \\"));
        assert_eq!(ok(r"States.Format('\{} {}', 1)", json!({})), json!("{} 1"));
        assert_eq!(ok(r"States.Format('a { b } {}', 1)", json!({})), json!("a { b } 1"));
        assert_eq!(
            ok(r"States.Array('\\', '\'', '{}')", json!({})),
            json!(["\\", "'", "{}"])
        );
        // Placeholders in a template that comes from a path are all live.
        assert_eq!(ok("States.Format($.t, 1, 'x')", json!({"t": "{}-{}"})), json!("1-x"));
    }

    #[test]
    fn literals() {
        assert_eq!(
            ok(
                "States.Array(1, -2, 1.5, -0.25, 1e3, true, false, null, 'x')",
                json!({})
            ),
            json!([1, -2, 1.5, -0.25, 1000.0, true, false, null, "x"])
        );
        assert_eq!(ok("States.Array(-0)", json!({})).to_string(), "[0]");
        assert_eq!(ok("States.Array( 1 ,2\t, 'a' )", json!({})), json!([1, 2, "a"]));
        assert_eq!(ok("States.Array($, $.a)", json!({"a": 1})), json!([{"a": 1}, 1]));
        assert_eq!(ok("States.Array($['a b'][0])", json!({"a b": [7]})), json!([7]));
        assert_eq!(
            ok("States.Array($['a,b)'], $._x9.é)", json!({"a,b)": 1, "_x9": {"é": 2}})),
            json!([1, 2])
        );
        // A filter is scanned as one path argument (its support is path.rs's business).
        if let Err(e) = Intrinsic::parse("States.ArrayLength($.a[?(@.x == 'p, q)')])") {
            assert!(e.reason.contains("JSONPath"), "{}", e.reason);
        }
    }

    #[test]
    fn parse_errors() {
        assert!(parse_err("States.Foo($.a)").contains("unknown"));
        assert!(parse_err("States.format('{}', $.a)").contains("unknown"));
        assert!(parse_err("States.Format()").contains("at least 1"));
        assert!(parse_err("States.UUID(1)").contains("0 arguments"));
        assert!(parse_err("States.MathAdd(1)").contains("2 arguments"));
        assert!(parse_err("States.MathRandom(1, 2, 3, 4)").contains("2 to 3"));
        assert!(parse_err("States.MathAdd('a', 1)").contains("must be a number"));
        assert!(parse_err("States.ArrayLength('abc')").contains("array"));
        assert!(parse_err("States.JsonMerge($.a, $.b, 'false')").contains("boolean"));
        for bad in [
            "States.Array(",
            "States.Array(1",
            "States.Array(1,)",
            "States.Array(,1)",
            "States.Array(1 2)",
            "States.Array('abc)",
            "States.Array(abc)",
            "States.Array(truex)",
            "States.Array(1.2.3)",
            "States.Array(--1)",
            "States.Array(1) x",
            "States.Array($.a b)",
            "States.Array($.a-b)",
            "States.Array($.a'b)",
            "States.Array (1)",
            "States.Array(.a)",
            "States.",
            "States",
            "$.a",
            "",
            "States.Array('\\",
            "States.Array($['\\",
        ] {
            assert!(Intrinsic::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn nesting_depth_is_capped_and_parsing_never_panics() {
        let nest = |n: usize| format!("{}1{}", "States.Array(".repeat(n), ")".repeat(n));
        assert!(Intrinsic::parse(&nest(MAX_NESTING_DEPTH)).is_ok());
        assert!(parse_err(&nest(MAX_NESTING_DEPTH + 1)).contains("nest"));
        assert!(Intrinsic::parse(&nest(100_000)).is_err());
        assert!(Intrinsic::parse(&"States.Array((((((((".repeat(1000)).is_err());
        // Every prefix of valid calls, including cuts inside multi-byte characters.
        for text in [
            r"States.Format('héllo {} \{\} ✓', States.MathAdd($.a[0], -1.5e2), $$.x, $v)",
            "States.JsonMerge(States.StringToJson('{\"a\": [1, 2]}'), $['b c'], false)",
        ] {
            assert!(Intrinsic::parse(text).is_ok(), "{text}");
            for cut in 0..text.len() {
                if text.is_char_boundary(cut) {
                    let _ = Intrinsic::parse(&text[..cut]);
                }
            }
        }
    }

    #[test]
    fn random_garbage_never_panics() {
        const PIECES: [&str; 24] = [
            "States.", "Format", "Array", "MathAdd", "(", ")", ",", " ", "'", "\\", "{", "}", "$", "$$", ".a", "[",
            "]", "[0]", "['x']", "1", "-", ".5e", "é", "\"",
        ];
        let mut scope = StaticScope::default();
        let input = json!({"a": [1, {"x": "y"}]});
        for _ in 0..20_000 {
            let mut text = String::from("States.");
            let n = (scope.random_u64() % 24) as usize;
            for _ in 0..n {
                text.push_str(PIECES[(scope.random_u64() % PIECES.len() as u64) as usize]);
            }
            if let Ok(call) = Intrinsic::parse(&text) {
                let mut s2 = StaticScope::default();
                let _ = call.eval(&mut Env::new(&input, &mut s2));
            }
        }
    }

    #[test]
    fn format_rendering() {
        let input =
            json!({"o": {"a": 1, "b": [1, "x", null], "c": {"d": true}}, "f": 1e20, "g": 3.0, "h": 0.0001, "i": -1.5});
        assert_eq!(
            ok("States.Format('{}', $.o)", input.clone()),
            json!("{a=1, b=[1, x, null], c={d=true}}")
        );
        assert_eq!(
            ok("States.Format('{} {} {} {}', $.f, $.g, $.h, $.i)", input.clone()),
            json!("1.0E20 3.0 1.0E-4 -1.5")
        );
        assert_eq!(ok("States.Format('{}', $.o.b)", input), json!("[1, x, null]"));
        let e = failure("States.Format('{} {}', 1)", json!({}));
        assert_eq!(e.error, "States.IntrinsicFailure");
        let e = failure("States.Format('{}', 1, 2)", json!({}));
        assert_eq!(e.error, "States.IntrinsicFailure");
        let e = failure("States.Format($.t)", json!({"t": 1}));
        assert_eq!(e.error, "States.IntrinsicFailure");
    }

    #[test]
    fn java_doubles() {
        let f = |d: f64| {
            let mut s = String::new();
            write_java_double(&mut s, d);
            s
        };
        assert_eq!(f(1.1), "1.1");
        assert_eq!(f(3.0), "3.0");
        assert_eq!(f(100.0), "100.0");
        assert_eq!(f(1234567.0), "1234567.0");
        assert_eq!(f(12345678.0), "1.2345678E7");
        assert_eq!(f(0.001), "0.001");
        assert_eq!(f(0.000123), "1.23E-4");
        assert_eq!(f(-2.5e-10), "-2.5E-10");
        assert_eq!(f(1e300), "1.0E300");
        assert_eq!(f(0.0), "0.0");
        assert_eq!(f(0.1 + 0.2), "0.30000000000000004");
    }

    #[test]
    fn json_to_string() {
        assert_eq!(
            ok(
                "States.JsonToString($)",
                json!({"a": [1, 2.5, 1e21], "b": "q\"\\\n\u{1}é", "c": null})
            ),
            json!("{\"a\":[1,2.5,1.0E21],\"b\":\"q\\\"\\\\\\n\\u0001é\",\"c\":null}")
        );
        assert_eq!(ok("States.JsonToString('x')", json!({})), json!("\"x\""));
    }

    #[test]
    fn string_to_json() {
        assert_eq!(ok("States.StringToJson('')", json!({})), Value::Null);
        assert_eq!(
            ok("States.StringToJson($.s)", json!({"s": "[-0, {\"a\": -0}]"})).to_string(),
            "[0,{\"a\":0}]"
        );
        let e = failure("States.StringToJson('{nope')", json!({}));
        assert_eq!(e.error, "States.IntrinsicFailure");
        let e = failure("States.StringToJson($.s)", json!({"s": 1}));
        assert_eq!(e.error, "States.IntrinsicFailure");
    }

    #[test]
    fn arrays() {
        let input = json!({"a": [1, 2, 3, 4, 5], "u": [null, null, true, true, false, false, 1, 1, 1.1, 0, 0,
            "HelloWorld", "HelloWorld", [], [], [null], [null], {"a": 1, "b": 2}, {"b": 2, "a": 1}, {"a": 1, "b": 1}, 1.0]});
        assert_eq!(
            ok("States.ArrayUnique($.u)", input.clone()),
            json!([null, true, false, 1, 1.1, 0, "HelloWorld", [], [null], {"a": 1, "b": 2}, {"a": 1, "b": 1}, 1.0])
        );
        assert_eq!(
            ok("States.ArrayPartition($.a, 2.4)", input.clone()),
            json!([[1, 2], [3, 4], [5]])
        );
        assert_eq!(
            failure("States.ArrayPartition($.a, 0)", input.clone()).error,
            "States.IntrinsicFailure"
        );
        assert_eq!(
            failure("States.ArrayPartition($.a, -1)", input.clone()).error,
            "States.IntrinsicFailure"
        );
        assert_eq!(ok("States.ArrayGetItem($.a, 4)", input.clone()), json!(5));
        assert_eq!(
            failure("States.ArrayGetItem($.a, 5)", input.clone()).error,
            "States.IntrinsicFailure"
        );
        assert_eq!(
            failure("States.ArrayGetItem($.a, -1)", input.clone()).error,
            "States.IntrinsicFailure"
        );
        assert_eq!(
            failure("States.ArrayLength($.a[0])", input.clone()).error,
            "States.IntrinsicFailure"
        );
        assert_eq!(ok("States.ArrayContains($.u, $.u[17])", input.clone()), json!(true));
        assert_eq!(ok("States.ArrayContains($.a, 6)", input), json!(false));
        assert_eq!(ok("States.ArrayRange(9, 0, -3)", json!({})), json!([9, 6, 3, 0]));
        assert_eq!(ok("States.ArrayRange(0, 9, -3)", json!({})), json!([]));
        assert_eq!(ok("States.ArrayRange(1, 9, 9)", json!({})), json!([1]));
        assert_eq!(ok("States.ArrayRange(0.5, 2.4, 1)", json!({})), json!([1, 2]));
        assert_eq!(
            ok("States.ArrayRange(1, 1000, 1)", json!({})).as_array().unwrap().len(),
            1000
        );
        let e = failure("States.ArrayRange(0, 1000, 1)", json!({}));
        assert_eq!(e.error, "States.IntrinsicFailure");
        assert!(e.cause.unwrap().contains("1000"));
        assert_eq!(
            failure("States.ArrayRange(0, 10, 0)", json!({})).error,
            "States.IntrinsicFailure"
        );
        assert_eq!(
            failure(
                "States.ArrayRange(-9223372036854775808, 9223372036854775807, 1)",
                json!({})
            )
            .error,
            "States.IntrinsicFailure"
        );
    }

    #[test]
    fn math_add() {
        assert_eq!(ok("States.MathAdd(1, 2)", json!({})).to_string(), "3");
        assert_eq!(ok("States.MathAdd($.count, 1)", json!({"count": 41})), json!(42));
        assert_eq!(ok("States.MathAdd(-1.5, 0)", json!({})), json!(-1));
        assert_eq!(ok("States.MathAdd(0.49999999999999994, 0)", json!({})), json!(0));
        assert_eq!(
            failure("States.MathAdd($.s, 1)", json!({"s": "1"})).error,
            "States.IntrinsicFailure"
        );
        assert_eq!(
            failure("States.MathAdd(9223372036854775807, 1)", json!({})).error,
            "States.IntrinsicFailure"
        );
        assert_eq!(ok("States.MathAdd(2147483647, -2147483648)", json!({})), json!(-1));
        assert_eq!(
            failure("States.MathAdd(2147483648, 0)", json!({})).error,
            "States.IntrinsicFailure"
        );
        assert_eq!(
            failure("States.MathAdd(0, -2147483649)", json!({})).error,
            "States.IntrinsicFailure"
        );
        assert_eq!(
            failure("States.MathAdd(18446744073709551615, 1)", json!({})).error,
            "States.IntrinsicFailure"
        );
        assert_eq!(
            failure("States.MathAdd(1e300, 1)", json!({})).error,
            "States.IntrinsicFailure"
        );
    }

    #[test]
    fn encode_decode_hash() {
        let long = "a".repeat(MAX_STRING_INPUT_CHARS);
        assert!(ok("States.Base64Encode($.s)", json!({"s": long})).is_string());
        let too_long = "a".repeat(MAX_STRING_INPUT_CHARS + 1);
        for f in [
            "States.Base64Encode($.s)",
            "States.Base64Decode($.s)",
            "States.Hash($.s, 'MD5')",
        ] {
            let e = failure(f, json!({"s": too_long}));
            assert_eq!(e.error, "States.IntrinsicFailure", "{f}");
        }
        for s in ["", "f", "fo", "foo", "foob", "fooba", "foobar", "héllo ✓"] {
            let enc = ok("States.Base64Encode($.s)", json!({"s": s}));
            assert_eq!(ok("States.Base64Decode($.e)", json!({"e": enc})), json!(s));
        }
        assert_eq!(ok("States.Base64Encode('foob')", json!({})), json!("Zm9vYg=="));
        assert_eq!(ok("States.Base64Decode('Zm9vYg')", json!({})), json!("foob"));
        for bad in ["Zm9v!", "Z", "Zm9vY===", "Zm=9"] {
            assert_eq!(
                failure("States.Base64Decode($.s)", json!({"s": bad})).error,
                "States.IntrinsicFailure",
                "{bad}"
            );
        }
        assert_eq!(
            ok("States.Hash('input data', 'SHA-256')", json!({})),
            json!("b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3")
        );
        let e = failure("States.Hash('x', 'SHA-3')", json!({}));
        assert_eq!(e.error, "States.IntrinsicFailure");
        assert!(e.cause.unwrap().contains("SHA-3"));
    }

    #[test]
    fn json_merge() {
        assert_eq!(
            failure("States.JsonMerge($.a, $.b, true)", json!({"a": {}, "b": {}})).error,
            "States.IntrinsicFailure"
        );
        assert_eq!(
            failure("States.JsonMerge($.a, $.b, false)", json!({"a": {}, "b": []})).error,
            "States.IntrinsicFailure"
        );
    }

    #[test]
    fn string_split() {
        assert_eq!(ok("States.StringSplit('', ',')", json!({})), json!([]));
        assert_eq!(ok("States.StringSplit('a,b', '')", json!({})), json!(["a,b"]));
        assert_eq!(
            ok("States.StringSplit('a✓b✓✓c', '✓')", json!({})),
            json!(["a", "b", "c"])
        );
    }

    #[test]
    fn missing_paths_are_runtime_errors() {
        let e = failure("States.MathAdd($.missing, 1)", json!({"a": 1}));
        assert_eq!(e.error, "States.Runtime");
        assert_eq!(
            e.cause.as_deref(),
            Some("The JSONPath '$.missing' could not be found in the input '{\"a\":1}'")
        );
        let call = Intrinsic::parse("States.Format('{}', $.x.y)").unwrap();
        let input = json!({"x": {}});
        let e = call
            .eval_for_field(&mut Env::new(&input, &mut StaticScope::default()), "f.$")
            .unwrap_err();
        assert_eq!(
            e.cause.as_deref(),
            Some("The JSONPath '$.x.y' specified for the field 'f.$' could not be found in the input '{\"x\":{}}'")
        );
        assert_eq!(
            failure("States.Array($undefinedVar)", json!({})).error,
            "States.Runtime"
        );
    }

    #[test]
    fn api() {
        let call = Intrinsic::parse("States.Format('{}', States.Array($a, $$.b), $.c)").unwrap();
        assert_eq!(call.as_str(), "States.Format('{}', States.Array($a, $$.b), $.c)");
        assert_eq!(call.function(), Function::Format);
        let mut paths = Vec::new();
        call.for_each_path(|p| paths.push(p.as_str().to_string()));
        assert_eq!(paths, ["$a", "$$.b", "$.c"]);
        assert!(Intrinsic::looks_like_call("States.UUID()"));
        assert!(!Intrinsic::looks_like_call("$.a"));
        for f in Function::ALL {
            assert_eq!(Function::from_name(f.name()), Some(f));
        }
    }

    #[test]
    fn uuid_uses_scope_randomness() {
        let mut a = StaticScope {
            seed: 7,
            ..Default::default()
        };
        let mut b = StaticScope {
            seed: 7,
            ..Default::default()
        };
        let x = eval_with("States.UUID()", &json!({}), &mut a).unwrap();
        let y = eval_with("States.UUID()", &json!({}), &mut b).unwrap();
        let z = eval_with("States.UUID()", &json!({}), &mut a).unwrap();
        assert_eq!(x, y);
        assert_ne!(x, z);
        assert_eq!(uuid_v4(0, 0), "00000000-0000-4000-8000-000000000000");
    }
}
