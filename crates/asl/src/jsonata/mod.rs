//! JSONata as Step Functions evaluates it (`QueryLanguage: "JSONata"`).
//!
//! The language itself comes from the `jsonata-core` crate (JSONata 2.0.6 semantics); this
//! module is the only place that sees its types. It adds what Step Functions adds:
//!
//! - the `{% … %}` delimiters ([`is_expression`], [`Template`]);
//! - the `$states` variable (`input`, `result`, `errorOutput`, `context`) and the workflow
//!   variables, taken from [`Bindings`];
//! - the functions AWS provides (`$partition`, `$range`, `$hash`, `$random` with an optional
//!   seed, `$uuid`, `$parse`), with randomness drawn from the injected [`Scope`](crate::Scope);
//! - what AWS takes away: `$eval` (calling it is `T1006`, as for any name that is not a
//!   function) and the syntax newer than 2.0.6 (`??`, `?:`), refused when compiling with
//!   the error 2.0.6's parser gives (`S0211`);
//! - a time limit and a depth limit on every evaluation ([`Limits`]; the time limit is the
//!   one non-deterministic part, see there);
//! - errors as `States.QueryEvaluationError` with AWS's cause texts ([`Expression::eval_field`]).
//!
//! # Values
//!
//! Values cross the boundary as `serde_json::Value`; *undefined* (no value) is `None`.
//! Integral numbers come back as JSON integers (`42`, not `42.0`) when they are exact
//! (|n| ≤ 2^53); larger or fractional numbers come back as floats.
//!
//! # Conversion cost
//!
//! jsonata-core evaluates over its own reference-counted values, so bound values must be
//! converted. An [`Expression`] records at compile time which variables it reads and, for
//! reads that are plain field chains (`$states.input.order.id`, `$cart.items.price`), only
//! those fields: evaluation converts just what the expression can observe (see
//! [`analyze`]). Whole values that are needed are converted once per [`Bindings`] and shared
//! by every expression evaluated with it (a state's `Arguments`, `Output`, `Assign`, …).

mod analyze;
mod convert;
mod expression;
mod fast;
mod functions;
mod template;

pub use convert::type_name;
pub use expression::{Bindings, Expression};
pub use template::{Template, TemplateError};

use std::fmt;
use std::time::Duration;

/// A JSONata error: a compile (syntax) error or an evaluation error.
///
/// `code` is the JSONata error code (`S0211`, `T1006`, `D3030`, …) when the engine gives
/// one; `message` is the text after the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonataError {
    pub code: Option<String>,
    pub message: String,
}

/// The JSONata code of a failure to finish within [`Limits::timeout`].
pub const TIME_LIMIT_CODE: &str = "D1012";

impl JsonataError {
    /// The evaluation ran out of wall-clock time ([`Limits::timeout`]): the one failure
    /// that may not happen again on a replay.
    pub fn is_time_limit(&self) -> bool {
        self.code.as_deref() == Some(TIME_LIMIT_CODE)
    }

    pub(crate) fn new(code: &str, message: impl Into<String>) -> Self {
        JsonataError {
            code: Some(code.to_string()),
            message: message.into(),
        }
    }

    /// Splits a message holding a code (`X0000: text`, possibly after a prefix such as
    /// `Invalid syntax: `) into code and text.
    pub(crate) fn from_message(msg: &str) -> Self {
        let b = msg.as_bytes();
        let is_code_at = |i: usize| {
            b.len() >= i + 6
                && (i == 0 || b[i - 1] == b' ')
                && b[i].is_ascii_uppercase()
                && b[i + 1..i + 5].iter().all(u8::is_ascii_digit)
                && b[i + 5] == b':'
        };
        match (0..b.len()).find(|&i| is_code_at(i)) {
            Some(i) => JsonataError {
                code: Some(msg[i..i + 5].to_string()),
                message: msg[i + 6..].trim_start().to_string(),
            },
            None => JsonataError {
                code: None,
                message: msg.to_string(),
            },
        }
    }
}

impl fmt::Display for JsonataError {
    /// `CODE: message`, the form AWS puts in its cause texts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(code) => write!(f, "{code}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for JsonataError {}

/// Which language an expression is compiled for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// JSONata as Step Functions offers it: no `$eval`, no syntax newer than 2.0.6, plus the
    /// AWS functions. The evaluation's context (`$`) is undefined; data comes from
    /// `$states` and the variables.
    #[default]
    StepFunctions,
    /// Plain JSONata 2.0.6 (with `$eval`, without the AWS functions), with the input of
    /// [`Bindings`] as the context `$`. Exists for the official test suite.
    Standard,
}

/// Guards applied to every evaluation.
///
/// # Determinism
///
/// `max_depth` is deterministic: the same expression on the same data fails the same way on
/// every run. `timeout` is not: it is wall-clock time, so an evaluation near the limit can
/// pass on one run and fail on a replay on a loaded machine. A step (fuel) budget would be
/// the deterministic replacement, but jsonata-core 2.2.13 does not offer one. Its
/// `EvaluatorOptions` hold exactly: `timeout_ms` (wall clock, `D1012`), `cancel` (a
/// `CancelToken` another thread sets, `U1003`), `max_stack_depth` (`D1011`) and
/// `max_sequence_length` (`D2015`, a cap on result sequences, which does not bound a
/// loop). The checks all sit at the same points (each node evaluated, each callback of a
/// higher-order builtin, each pass of a tail-call loop), but no hook there is ours, so a
/// count cannot be kept without changing jsonata-core.
///
/// Until it offers one, the time limit stays, at a level no real expression comes near,
/// and a caller that must replay deterministically treats a time-limit failure
/// ([`JsonataError::is_time_limit`]) as an outcome to record, not to recompute: its
/// [`Scope`](crate::Scope) numbers the evaluations and, on a replay, answers
/// [`TimeLimit::Exceeded`] for the recorded ones and [`TimeLimit::Lifted`] for the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock time one evaluation may take (error `D1012`). Not deterministic; see
    /// above.
    pub timeout: Duration,
    /// How deeply evaluation may nest (error `D1011`); about three levels per nested
    /// function call. Deep recursion never overflows the native stack: jsonata-core moves
    /// to heap-allocated stack segments as it goes.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(5),
            max_depth: 3000,
        }
    }
}

/// How one evaluation that goes to jsonata-core is timed, as the [`Scope`](crate::Scope)
/// decides ([`Scope::time_limit`](crate::Scope::time_limit)).
///
/// The wall-clock limit is the one non-deterministic outcome (see [`Limits`]), so a driver
/// that replays records which evaluations ran out of time and, on the replay, answers
/// those with [`TimeLimit::Exceeded`] and lets every other one finish with
/// [`TimeLimit::Lifted`]: it finished the first time, so it finishes again with the same
/// result. The fast path cannot time out and never asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeLimit {
    /// Evaluate within the expression's [`Limits::timeout`].
    #[default]
    Enforce,
    /// Evaluate within this limit instead of the expression's (tests make it tiny).
    Within(Duration),
    /// Evaluate without a wall-clock limit.
    Lifted,
    /// Fail with the time-limit error ([`JsonataError::is_time_limit`]) without
    /// evaluating; the message names this limit, or the expression's when `None`.
    Exceeded(Option<Duration>),
}

impl JsonataError {
    /// The error jsonata-core gives when an evaluation runs past `limit`.
    pub(crate) fn time_limit(limit: Duration) -> Self {
        JsonataError::new(
            TIME_LIMIT_CODE,
            format!(
                "Evaluation timeout after {} milliseconds. Check for infinite loop",
                millis(limit)
            ),
        )
    }
}

/// A limit in whole milliseconds, as jsonata-core takes it.
pub(crate) fn millis(d: Duration) -> u64 {
    d.as_millis().min(u64::MAX as u128) as u64
}

/// Options for [`Expression::compile_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    pub dialect: Dialect,
    pub limits: Limits,
}

/// True when `s` is a JSONata expression field: the whole string is `{% … %}`. Whitespace
/// inside the delimiters is allowed; a string with anything (even whitespace) before `{%`
/// or after `%}` is a plain string, as AWS treats it.
pub fn is_expression(s: &str) -> bool {
    s.len() >= 4 && s.starts_with("{%") && s.ends_with("%}")
}

/// The text between the delimiters, trimmed (`None` if `s` is not an expression field).
pub fn expression_text(s: &str) -> Option<&str> {
    if is_expression(s) {
        Some(s[2..s.len() - 2].trim())
    } else {
        None
    }
}

#[cfg(test)]
mod fast_tests;
#[cfg(test)]
mod tests;
