//! The functions Step Functions adds to JSONata, and the built-ins it replaces.
//!
//! | function | behaviour |
//! |---|---|
//! | `$partition(array, size)` | chunks of `size` items (the last may be shorter); a plain array |
//! | `$range(start, end, step)` | `start`, `start+step`, … up to and including `end`; a sequence, so one item comes back as the item itself (as AWS returns it) |
//! | `$hash(string, algorithm)` | lower-case hex digest; `MD5`, `SHA-1`, `SHA-256`, `SHA-384`, `SHA-512` |
//! | `$random([seed])` | a number in [0, 1); the same seed always gives the same number |
//! | `$uuid()` | a version-4 UUID |
//! | `$parse(json)` | the JSON value the string holds |
//! | `$shuffle(array)` | the built-in, but drawing from the injected randomness |
//! | `$eval(…)` | refused: `T1006`, as AWS reports any name that is not a function |
//!
//! An undefined first argument gives an undefined result, as for JSONata's own functions.
//! Unseeded randomness comes from a splitmix64 stream seeded once per evaluation from the
//! caller's [`Scope`](crate::Scope), so runs with the same seed are reproducible.

use std::cell::Cell;
use std::rc::Rc;

use jsonata_core::evaluator::{Evaluator, EvaluatorError};
use jsonata_core::value::JValue;

use super::convert::to_jvalue;
use crate::codec::{HASH_ALGORITHMS, hex_digest};
use crate::rng::{SplitMix64, uuid_v4};

/// The most items `$range` produces, as for `States.ArrayRange`.
pub(crate) const MAX_RANGE_ITEMS: usize = 1000;

pub(crate) fn err(code: &str, msg: impl std::fmt::Display) -> EvaluatorError {
    EvaluatorError::EvaluationError(format!("{code}: {msg}"))
}

pub(crate) fn arg_type_error(position: usize, function: &str) -> EvaluatorError {
    err(
        "T0410",
        format!("Argument {position} of function \"{function}\" does not match function signature"),
    )
}

pub(crate) fn arity_error(function: &str, expected: usize, got: usize) -> EvaluatorError {
    if got > expected {
        err(
            "T0410",
            format!(
                "Argument {} of function \"{function}\" does not match function signature",
                expected + 1
            ),
        )
    } else {
        err(
            "T0411",
            format!(
                "Context value is not a compatible type with argument {} of function \"{function}\"",
                got + 1
            ),
        )
    }
}

fn integer_arg(v: &JValue, position: usize, function: &str) -> Result<i64, EvaluatorError> {
    match v {
        JValue::Number(n) if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_992.0 => Ok(*n as i64),
        JValue::Number(_) => Err(err(
            "D3001",
            format!("Argument {position} of function \"{function}\" must be an integer"),
        )),
        _ => Err(arg_type_error(position, function)),
    }
}

/// A one-item array for a non-array value (JSONata's `a` signature coercion).
fn as_items(v: &JValue) -> Vec<JValue> {
    match v {
        JValue::Array(items) => items.iter().cloned().collect(),
        other => vec![other.clone()],
    }
}

pub(crate) fn partition(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    if args.len() != 2 {
        return Err(arity_error("partition", 2, args.len()));
    }
    if args[0].is_undefined() {
        return Ok(JValue::Undefined);
    }
    if args[0].is_function() {
        return Err(arg_type_error(1, "partition"));
    }
    let size = integer_arg(&args[1], 2, "partition")?;
    if size <= 0 {
        return Err(err(
            "D3001",
            "Argument 2 of function \"partition\" must be a positive integer",
        ));
    }
    let items = as_items(&args[0]);
    let chunks = items.chunks(size as usize).map(|c| JValue::array(c.to_vec())).collect();
    Ok(JValue::array(chunks))
}

pub(crate) fn range(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    if args.len() != 3 {
        return Err(arity_error("range", 3, args.len()));
    }
    if args.iter().any(JValue::is_undefined) {
        return Ok(JValue::Undefined);
    }
    let start = integer_arg(&args[0], 1, "range")?;
    let end = integer_arg(&args[1], 2, "range")?;
    let step = integer_arg(&args[2], 3, "range")?;
    if step == 0 {
        return Err(err("D3001", "Argument 3 of function \"range\" must not be zero"));
    }
    let count = if (step > 0 && end < start) || (step < 0 && end > start) {
        0
    } else {
        ((end as i128 - start as i128) / step as i128 + 1) as u128
    };
    if count > MAX_RANGE_ITEMS as u128 {
        return Err(err(
            "D3001",
            format!("The function \"range\" can produce at most {MAX_RANGE_ITEMS} items"),
        ));
    }
    let items = (0..count as i64).map(|i| JValue::from(start + i * step)).collect();
    Ok(JValue::sequence(items))
}

pub(crate) fn hash(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    if args.len() != 2 {
        return Err(arity_error("hash", 2, args.len()));
    }
    if args[0].is_undefined() {
        return Ok(JValue::Undefined);
    }
    let Some(data) = args[0].as_str() else {
        return Err(arg_type_error(1, "hash"));
    };
    let Some(algorithm) = args[1].as_str() else {
        return Err(arg_type_error(2, "hash"));
    };
    match hex_digest(algorithm, data.as_bytes()) {
        Some(hex) => Ok(JValue::from(hex)),
        None => Err(err(
            "D3001",
            format!("The hash algorithm '{algorithm}' is not supported; use one of {HASH_ALGORITHMS}"),
        )),
    }
}

pub(crate) fn parse(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    if args.len() != 1 {
        return Err(arity_error("parse", 1, args.len()));
    }
    if args[0].is_undefined() {
        return Ok(JValue::Undefined);
    }
    let Some(text) = args[0].as_str() else {
        return Err(arg_type_error(1, "parse"));
    };
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => Ok(to_jvalue(&v)),
        Err(e) => Err(err(
            "D3001",
            format!("The argument of function \"parse\" is not valid JSON: {e}"),
        )),
    }
}

/// `$eval` is not available in Step Functions: calling it fails as calling any unbound name.
pub(crate) fn eval_refused(_args: &[JValue]) -> Result<JValue, EvaluatorError> {
    Err(err("T1006", "Attempted to invoke a non-function"))
}

/// One draw from the evaluation's stream.
fn draw(rng: &Cell<SplitMix64>) -> u64 {
    let mut r = rng.get();
    let bits = r.next_u64();
    rng.set(r);
    bits
}

/// A double in [0, 1) from 53 random bits.
fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

pub(crate) fn random(rng: &Cell<SplitMix64>, args: &[JValue]) -> Result<JValue, EvaluatorError> {
    match args {
        [] | [JValue::Undefined] => Ok(JValue::Number(unit(draw(rng)))),
        [JValue::Number(seed)] => {
            let bits = if seed.fract() == 0.0 && seed.abs() <= 9_007_199_254_740_992.0 {
                *seed as i64 as u64
            } else {
                seed.to_bits()
            };
            Ok(JValue::Number(unit(SplitMix64::new(bits).next_u64())))
        }
        [_] => Err(arg_type_error(1, "random")),
        _ => Err(arity_error("random", 1, args.len())),
    }
}

pub(crate) fn uuid(rng: &Cell<SplitMix64>, args: &[JValue]) -> Result<JValue, EvaluatorError> {
    if !args.is_empty() {
        return Err(arity_error("uuid", 0, args.len()));
    }
    let (hi, lo) = (draw(rng), draw(rng));
    let s = uuid_v4(hi, lo);
    Ok(JValue::from(s))
}

pub(crate) fn shuffle(rng: &Cell<SplitMix64>, args: &[JValue]) -> Result<JValue, EvaluatorError> {
    if args.len() != 1 {
        return Err(arity_error("shuffle", 1, args.len()));
    }
    if args[0].is_undefined() {
        return Ok(JValue::Undefined);
    }
    let mut items = as_items(&args[0]);
    for i in (1..items.len()).rev() {
        let j = (draw(rng) % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
    Ok(JValue::array(items))
}

/// Which of the functions [`register`] can register an expression names, found once at
/// compile time. A function can only be called through its name, so the others cannot
/// be reached and need not be registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Names(u8);

/// The functions without randomness, in the order of the bits of [`Names`].
const PLAIN: [&str; 5] = ["partition", "range", "hash", "parse", "eval"];

impl Names {
    pub(crate) fn used_by(uses: impl Fn(&str) -> bool) -> Names {
        Names(
            PLAIN
                .iter()
                .enumerate()
                .filter(|(_, name)| uses(name))
                .fold(0, |bits, (i, _)| bits | 1 << i),
        )
    }

    fn has(self, name: &str) -> bool {
        PLAIN
            .iter()
            .position(|n| *n == name)
            .is_some_and(|i| self.0 & 1 << i != 0)
    }
}

/// Registers on `ev` the Step Functions functions among `names`. `seed` starts the stream
/// of unseeded randomness and is given when the expression uses `$random`, `$uuid` or
/// `$shuffle`, which are then registered.
pub(crate) fn register(
    ev: &mut Evaluator,
    seed: Option<u64>,
    now_ms: Option<i64>,
    names: Names,
) -> Result<(), EvaluatorError> {
    if let Some(ms) = now_ms {
        // The engine's clock, not the machine's: a replayed execution sees the same time.
        ev.register_fn_override("now", move |args: &[JValue]| {
            if args.is_empty() {
                Ok(JValue::from(
                    crate::timestamp::Timestamp::from_unix_millis(ms).to_iso8601_millis(),
                ))
            } else {
                Err(EvaluatorError::EvaluationError(
                    "T0410: now() takes no arguments".to_string(),
                ))
            }
        })?;
        ev.register_fn_override("millis", move |args: &[JValue]| {
            if args.is_empty() {
                Ok(JValue::from(ms as f64))
            } else {
                Err(EvaluatorError::EvaluationError(
                    "T0410: millis() takes no arguments".to_string(),
                ))
            }
        })?;
    }
    if names.has("partition") {
        ev.register_fn("partition", partition)?;
    }
    if names.has("range") {
        ev.register_fn("range", range)?;
    }
    if names.has("hash") {
        ev.register_fn("hash", hash)?;
    }
    if names.has("parse") {
        ev.register_fn("parse", parse)?;
    }
    if names.has("eval") {
        ev.register_fn_override("eval", eval_refused)?;
    }
    if let Some(seed) = seed {
        let rng = Rc::new(Cell::new(SplitMix64::new(seed)));
        let r = Rc::clone(&rng);
        ev.register_fn_override("random", move |args: &[JValue]| random(&r, args))?;
        let r = Rc::clone(&rng);
        ev.register_fn("uuid", move |args: &[JValue]| uuid(&r, args))?;
        ev.register_fn_override("shuffle", move |args: &[JValue]| shuffle(&rng, args))?;
    }
    Ok(())
}

/// The names [`register`] needs the clock for.
pub(crate) const CLOCK_FUNCTIONS: [&str; 2] = ["now", "millis"];

/// The names [`register`] needs randomness for.
pub(crate) const RANDOM_FUNCTIONS: [&str; 3] = ["random", "uuid", "shuffle"];
