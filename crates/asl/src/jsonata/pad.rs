//! `$pad`, replaced so that its width is checked before anything is allocated.
//!
//! `$pad("x", 4000000000)` asks for a string of billions of characters in one call: no
//! checkpoint of the evaluator runs inside a built-in, and no allocator can refuse the
//! allocation without aborting the process, so the width is checked here first, against
//! [`Limits::max_memory`](super::Limits::max_memory). Otherwise the function is jsonata-js's
//! (`<s-ns?:s>`): the string padded to the absolute width with the padding string
//! repeated (a space when it is missing or empty), on the right for a positive width and on
//! the left for a negative one; a width that is undefined leaves the string as it is, and
//! an undefined string gives undefined. Widths are truncated to integers, as jsonata-core
//! does.

use jsonata_core::evaluator::EvaluatorError;
use jsonata_core::value::JValue;

use super::JsonataError;
use super::functions::{arg_type_error, arity_error, err};

/// A singleton sequence stands for its item, as in a built-in's signature check.
fn item(v: &JValue) -> &JValue {
    match v {
        JValue::Array(a) if a.sequence && a.len() == 1 => &a[0],
        other => other,
    }
}

/// `$pad(string, width[, char])` within `max_memory` bytes.
pub(crate) fn pad(args: &[JValue], max_memory: usize) -> Result<JValue, EvaluatorError> {
    if args.is_empty() || args.len() > 3 {
        return Err(arity_error("pad", 3, args.len()));
    }
    let string = match item(&args[0]) {
        JValue::String(s) => s.clone(),
        JValue::Undefined => return Ok(JValue::Undefined),
        _ => return Err(arg_type_error(1, "pad")),
    };
    let width = match args.get(1).map(item) {
        Some(JValue::Number(n)) => n.trunc(),
        Some(JValue::Undefined) | None => return Ok(JValue::String(string)),
        Some(_) => return Err(arg_type_error(2, "pad")),
    };
    let padding: &str = match args.get(2).map(item) {
        Some(JValue::String(s)) if !s.is_empty() => s,
        Some(JValue::String(_) | JValue::Undefined) | None => " ",
        Some(_) => return Err(arg_type_error(3, "pad")),
    };
    let have = string.chars().count();
    let wanted = width.abs();
    if wanted.is_nan() || wanted <= have as f64 {
        return Ok(JValue::String(string));
    }
    // The most bytes the result can take: every padding character as long as the longest.
    let widest = padding.chars().map(char::len_utf8).max().unwrap_or(1);
    let bound = string.len() as f64 + (wanted - have as f64) * widest as f64;
    if bound > max_memory as f64 {
        // The same text as a budget the allocator saw run out, so that a replay, which
        // fails a recorded hit without evaluating, words it the same.
        return Err(err(
            super::MEMORY_LIMIT_CODE,
            JsonataError::memory_limit(max_memory).message,
        ));
    }
    let needed = wanted as usize - have;
    let mut out = String::with_capacity(string.len() + needed * widest);
    if width >= 0.0 {
        out.push_str(&string);
    }
    // Whole copies of the padding (`repeat` copies in doubling blocks), then the first
    // characters of one more.
    let per = padding.chars().count();
    out.push_str(&padding.repeat(needed / per));
    out.extend(padding.chars().take(needed % per));
    if width < 0.0 {
        out.push_str(&string);
    }
    Ok(JValue::from(out))
}
