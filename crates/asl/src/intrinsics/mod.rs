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
//! writes compact JSON with Java's float formatting. A function that copies its arguments
//! into its result checks first that the result stays within [`MAX_RESULT_BYTES`] (see
//! `size.rs`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};

use serde_json::{Map, Number, Value};
use smallvec::SmallVec;
use thiserror::Error;

use crate::codec::{HASH_ALGORITHMS, base64_decode, base64_encode, hex_digest};
use crate::env::Env;
use crate::error::StatesError;
use crate::path::{Path, PathError, Root};
use crate::rng::uuid_v4;

mod eval;
mod format;
mod java_random;
mod parser;
mod size;
mod unique;

use eval::*;
pub use format::write_java_double;
use format::*;
use java_random::*;
use parser::*;
pub use size::MAX_RESULT_BYTES;
use size::*;
use unique::*;

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

#[cfg(test)]
mod tests;
