//! The size budget of an intrinsic call's result.
//!
//! An intrinsic's result is built from its arguments, and one argument can be named many
//! times (`States.Array($.big, $.big, …)`, `States.Format` with a hole per copy), so a
//! definition of a few kilobytes could ask for gigabytes. Before a function that copies its
//! arguments builds its result, the size the result will take is estimated from the
//! arguments, walking them only until the budget is reached (so the check costs no more
//! than the budget); past [`MAX_RESULT_BYTES`] the call fails with
//! `States.IntrinsicFailure` instead of allocating. The estimate depends only on the values,
//! so the outcome is the same on every run and every replay.

use serde_json::Value;

use super::*;

/// The most bytes an intrinsic call's result may take: the same budget as a JSONata
/// evaluation's ([`crate::jsonata::DEFAULT_MAX_MEMORY`], 64 MiB, 256 times AWS's payload
/// limit).
pub const MAX_RESULT_BYTES: usize = crate::jsonata::DEFAULT_MAX_MEMORY;

/// What one value costs besides its text: the `Value` itself.
const VALUE: usize = std::mem::size_of::<Value>();
/// What an object member costs besides its key and value: its slot in the map.
const MEMBER: usize = 2 * VALUE;

/// Adds the estimated size of `v` to `*used`; false once `*used` passes `limit` (the walk
/// stops there).
fn add(v: &Value, used: &mut usize, limit: usize) -> bool {
    *used = used.saturating_add(VALUE);
    if *used > limit {
        return false;
    }
    match v {
        Value::String(s) => *used = used.saturating_add(s.len()),
        Value::Array(items) => {
            for item in items {
                if !add(item, used, limit) {
                    return false;
                }
            }
        }
        Value::Object(m) => {
            for (k, item) in m {
                *used = used.saturating_add(MEMBER + k.len());
                if !add(item, used, limit) {
                    return false;
                }
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
    *used <= limit
}

/// Fails `f` when its result, estimated as the size of `values` plus `extra` bytes, would
/// pass [`MAX_RESULT_BYTES`].
pub(super) fn check_result_size<'v>(
    f: Function,
    values: impl IntoIterator<Item = &'v Value>,
    extra: usize,
) -> Result<(), StatesError> {
    check_within(f, values, extra, MAX_RESULT_BYTES)
}

pub(super) fn check_within<'v>(
    f: Function,
    values: impl IntoIterator<Item = &'v Value>,
    extra: usize,
    limit: usize,
) -> Result<(), StatesError> {
    let mut used = extra;
    let fits = used <= limit && values.into_iter().all(|v| add(v, &mut used, limit));
    if fits {
        Ok(())
    } else {
        Err(fail(format!(
            "Invalid arguments in {}: the result would exceed the maximum size of {}",
            f.name(),
            crate::jsonata::bytes(limit)
        )))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::env::StaticScope;

    fn eval(expr: &str, input: &Value) -> Result<Value, StatesError> {
        let call = Intrinsic::parse(expr).unwrap_or_else(|e| panic!("{e}"));
        call.eval(&mut Env::new(input, &mut StaticScope::default()))
    }

    /// An input with a 256 KiB string (AWS's whole payload limit) and an array of 20,000
    /// small objects.
    fn big() -> Value {
        let items: Vec<Value> = (0..20_000).map(|i| json!({"id": i, "name": "item"})).collect();
        json!({"s": "x".repeat(256 << 10), "items": items})
    }

    /// `States.<name>(` followed by `n` copies of `arg`.
    fn repeated(name: &str, first: &str, arg: &str, n: usize) -> String {
        let mut s = format!("States.{name}({first}");
        for i in 0..n {
            if i > 0 || !first.is_empty() {
                s.push_str(", ");
            }
            s.push_str(arg);
        }
        s.push(')');
        s
    }

    fn assert_too_big(expr: &str, input: &Value, function: &str) {
        let e = eval(expr, input).unwrap_err();
        assert_eq!(e.error, crate::error::names::INTRINSIC_FAILURE);
        assert_eq!(
            e.cause.as_deref(),
            Some(
                format!("Invalid arguments in States.{function}: the result would exceed the maximum size of 64 MiB")
                    .as_str()
            )
        );
    }

    #[test]
    fn copying_one_value_many_times_fails_before_allocating() {
        let input = big();
        // 300 copies of 256 KiB: 75 MiB.
        assert_too_big(&repeated("Array", "", "$.s", 300), &input, "Array");
        let holes = "{}".repeat(300);
        assert_too_big(&repeated("Format", &format!("'{holes}'"), "$.s", 300), &input, "Format");
        // Nested: each inner call fits, the outer one does not.
        let inner = repeated("Array", "", "$.s", 200);
        assert_too_big(&format!("States.Array({inner}, {inner})"), &input, "Array");
        assert_too_big(
            &format!("States.JsonToString(States.Array({inner}, {inner}))"),
            &input,
            "Array",
        );
    }

    #[test]
    fn large_legal_results_still_work() {
        let input = big();
        let v = eval(&repeated("Array", "", "$.s", 100), &input).unwrap();
        assert_eq!(v.as_array().map(Vec::len), Some(100));
        let v = eval("States.JsonToString($.items)", &input).unwrap();
        assert!(v.as_str().is_some_and(|s| s.len() > 400_000));
        let v = eval("States.ArrayPartition($.items, 1)", &input).unwrap();
        assert_eq!(v.as_array().map(Vec::len), Some(20_000));
        let v = eval("States.StringSplit($.s, 'y')", &input).unwrap();
        assert_eq!(v.as_array().map(Vec::len), Some(1));
    }

    #[test]
    fn the_estimate_counts_every_part_and_stops_at_the_limit() {
        let f = Function::Array;
        let v = json!({"key": ["abc", 1, null, {"k": true}]});
        let mut used = 0;
        assert!(add(&v, &mut used, usize::MAX));
        // The object, its member, the array, four items, the inner object, its member.
        assert_eq!(used, 7 * VALUE + 2 * MEMBER + "key".len() + "abc".len() + "k".len());
        assert!(check_within(f, [&v], 0, used).is_ok());
        assert!(check_within(f, [&v], 1, used).is_err());
        assert!(check_within(f, [&v, &v], 0, 2 * used).is_ok());
        assert!(check_within(f, [&v, &v], 0, 2 * used - 1).is_err());
    }
}
