//! Trailing functions: `.length()`, `.min()`, `.max()`, `.avg()`, `.sum()`, `.stddev()`,
//! `.keys()`, `.first()`, `.last()`.

use super::*;

pub(super) fn func_error(f: Func, reason: &str) -> PathError {
    PathError::Function {
        function: f.name().to_string(),
        reason: reason.to_string(),
    }
}

pub(super) fn apply_func(f: Func, v: &Value) -> Result<Value, PathError> {
    match f {
        Func::Length => match v {
            Value::Array(a) => Ok(Value::from(a.len())),
            Value::Object(m) => Ok(Value::from(m.len())),
            Value::String(s) => Ok(Value::from(s.encode_utf16().count())),
            _ => Err(func_error(f, "length() applies to arrays, objects and strings")),
        },
        Func::Keys => match v {
            Value::Object(m) => Ok(Value::Array(m.keys().map(|k| Value::String(k.clone())).collect())),
            _ => Err(func_error(f, "keys() applies to objects")),
        },
        Func::First | Func::Last => match v {
            Value::Array(a) => {
                let e = if f == Func::First { a.first() } else { a.last() };
                e.cloned().ok_or_else(|| func_error(f, "the array is empty"))
            }
            _ => Err(func_error(f, "applies to arrays")),
        },
        Func::Min | Func::Max | Func::Avg | Func::Sum | Func::Stddev => {
            let nums: Vec<f64> = match v {
                Value::Array(a) => a.iter().filter_map(Value::as_f64).collect(),
                _ => Vec::new(),
            };
            if nums.is_empty() {
                return Err(func_error(
                    f,
                    "Aggregation function attempted to calculate value using empty array",
                ));
            }
            let n = nums.len() as f64;
            let sum: f64 = nums.iter().sum();
            let r = match f {
                Func::Min => nums.iter().copied().fold(f64::INFINITY, f64::min),
                Func::Max => nums.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                Func::Sum => sum,
                Func::Avg => sum / n,
                _ => {
                    let sq: f64 = nums.iter().map(|x| x * x).sum();
                    let mean = sum / n;
                    (sq / n - mean * mean).max(0.0).sqrt()
                }
            };
            Number::from_f64(r)
                .map(Value::Number)
                .ok_or_else(|| func_error(f, "the result is not a finite number"))
        }
    }
}
