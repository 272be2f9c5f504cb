//! Step Functions' payload size limit.

use serde_json::Value;

/// Step Functions' limit on a state's input, output and a task's result: 256 KiB of JSON text.
pub const MAX_PAYLOAD_BYTES: usize = 256 * 1024;

/// Whether `v`, serialized compactly, fits in `limit` bytes. Walks the value without
/// serializing it and stops as soon as the limit is passed.
pub fn within_size(v: &Value, limit: usize) -> bool {
    // Small values cannot reach the limit: skip the walk for them.
    match v {
        Value::Object(m) if m.len() < 16 && m.values().all(is_small) => true,
        _ => walk(v, &mut (limit.min(isize::MAX as usize) as isize)),
    }
}

/// The length of `v` serialized compactly, without serializing it. For values already known
/// to be bounded (the walk does not stop early).
pub fn json_size(v: &Value) -> usize {
    let mut budget = isize::MAX;
    walk(v, &mut budget);
    (isize::MAX - budget) as usize
}

/// Takes `v`'s compact length off `budget`; false as soon as the budget is overdrawn.
fn walk(v: &Value, budget: &mut isize) -> bool {
    let cost = match v {
        Value::Null => 4,
        Value::Bool(b) => {
            if *b {
                4
            } else {
                5
            }
        }
        Value::Number(n) => number_len(n),
        Value::String(s) => string_len(s),
        Value::Array(a) => {
            *budget -= 2 + a.len().saturating_sub(1) as isize;
            for x in a {
                if !walk(x, budget) {
                    return false;
                }
            }
            0
        }
        Value::Object(m) => {
            *budget -= 2 + m.len().saturating_sub(1) as isize;
            for (k, x) in m {
                *budget -= string_len(k) as isize + 1;
                if !walk(x, budget) {
                    return false;
                }
            }
            0
        }
    };
    *budget -= cost as isize;
    *budget >= 0
}

pub(super) fn string_len(s: &str) -> usize {
    2 + s.len() + s.bytes().filter(|b| *b == b'"' || *b == b'\\' || *b < 0x20).count()
}

fn number_len(n: &serde_json::Number) -> usize {
    if let Some(i) = n.as_i64() {
        let mut len = if i < 0 { 2 } else { 1 };
        let mut x = i.unsigned_abs();
        while x >= 10 {
            x /= 10;
            len += 1;
        }
        len
    } else {
        n.to_string().len()
    }
}

pub(super) fn is_small(v: &Value) -> bool {
    match v {
        Value::String(s) => s.len() < 1024,
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => true,
    }
}
