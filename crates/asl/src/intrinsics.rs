//! The `States.*` intrinsic functions: parsed once when a definition is loaded, evaluated
//! against an [`Env`] at run time.
//!
//! NOTE: placeholder; the parser and the functions follow.

use serde_json::Value;
use thiserror::Error;

use crate::env::Env;
use crate::error::StatesError;

/// A parsed intrinsic function call such as `States.Format('{}', $.name)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Intrinsic {
    text: Box<str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid intrinsic function call '{text}': {reason}")]
pub struct IntrinsicParseError {
    pub text: String,
    pub reason: String,
}

impl Intrinsic {
    /// True when `text` is written as a function call (`States.Name(...)`) rather than a path.
    pub fn looks_like_call(text: &str) -> bool {
        text.starts_with("States.")
    }

    pub fn parse(text: &str) -> Result<Intrinsic, IntrinsicParseError> {
        Err(IntrinsicParseError {
            text: text.to_string(),
            reason: "not implemented yet".into(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Evaluates the call. Errors are `States.IntrinsicFailure` (bad arguments) or
    /// `States.Runtime` (a path argument that selects nothing), cause texts as AWS words them.
    pub fn eval(&self, _env: &mut Env<'_>) -> Result<Value, StatesError> {
        Err(StatesError::intrinsic_failure("not implemented yet"))
    }
}
