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
//! - a time limit, a depth limit and a memory budget on every evaluation ([`Limits`]; the
//!   time limit and the memory budget are recorded for replay, see there);
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
mod guard;
mod join;
mod pad;
mod template;
mod walk;

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

/// The code of an evaluation that ran past [`Limits::max_memory`]. JSONata has no code for
/// it (jsonata-js runs out of heap instead); like jsonata-core's own `U1001`–`U1003`, this
/// one is the host's.
pub const MEMORY_LIMIT_CODE: &str = "U1004";

impl JsonataError {
    /// The evaluation ran out of wall-clock time ([`Limits::timeout`]): the one failure
    /// that may not happen again on a replay.
    pub fn is_time_limit(&self) -> bool {
        self.code.as_deref() == Some(TIME_LIMIT_CODE)
    }

    /// The evaluation built more than [`Limits::max_memory`] of strings, arrays and
    /// objects.
    pub fn is_memory_limit(&self) -> bool {
        self.code.as_deref() == Some(MEMORY_LIMIT_CODE)
    }

    /// The error of an evaluation that ran past `limit` bytes.
    pub(crate) fn memory_limit(limit: usize) -> Self {
        JsonataError::new(
            MEMORY_LIMIT_CODE,
            format!(
                "The evaluation exceeded its memory limit of {}: the strings, arrays and objects it builds may hold at most that much at once",
                bytes(limit)
            ),
        )
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
    /// How many bytes the values an evaluation builds may hold at once ([`MEMORY_LIMIT_CODE`]).
    ///
    /// Counted by `budget::Counting` when the binary installs it as its global allocator:
    /// past the limit the evaluation is cancelled at its next step (each node, each callback
    /// of a higher-order built-in) and fails even if it was on its last one. The built-ins
    /// that make one large value from a small input are checked before they allocate,
    /// whether or not the allocator counts: `$pad`'s width, and the length of any sequence
    /// (`[1..n]`, `$map`, …, error `D2015`) beyond what the limit could hold.
    ///
    /// Like the time limit, whether an evaluation near the limit passes depends on more
    /// than the expression and its data (allocation sizes are the allocator's and the
    /// library's business, and change between builds), so a driver records the evaluations
    /// that ran out of memory with the time-outs ([`Scope::memory_limit_hit`](crate::Scope::memory_limit_hit)),
    /// and a replay fails those again without evaluating ([`TimeLimit::OverBudget`]).
    /// Unlike the time limit, the budget stays on during a replay: the server's memory
    /// matters more than a replay that could diverge (a divergence fails that one execution
    /// cleanly).
    pub max_memory: usize,
}

/// The default [`Limits::max_memory`]: 64 MiB. That is 256 times AWS's 256 KiB payload
/// limit, so no result a state can use (nor a generous amount of intermediate data) comes
/// near it, while even a few evaluations per core at the limit stay far below the memory
/// of a small machine.
pub const DEFAULT_MAX_MEMORY: usize = 64 << 20;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(5),
            max_depth: 3000,
            max_memory: DEFAULT_MAX_MEMORY,
        }
    }
}

impl Limits {
    /// The longest sequence an evaluation may build: as many values as fit in
    /// [`Limits::max_memory`], so a range such as `[1..5000000]` fails before its one large
    /// allocation rather than after.
    pub(crate) fn max_sequence_length(&self) -> usize {
        self.max_memory / std::mem::size_of::<jsonata_core::value::JValue>()
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
    /// Fail with the memory-limit error ([`JsonataError::is_memory_limit`]) without
    /// evaluating: a replay of an evaluation that ran out of memory.
    OverBudget,
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

/// `64 MiB`, `300 KiB`, `17 bytes`.
pub(crate) fn bytes(n: usize) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
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
mod budget_tests;
#[cfg(test)]
mod fast_tests;
#[cfg(test)]
mod tests;
