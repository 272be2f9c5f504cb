//! Conversion between `serde_json::Value` and jsonata-core's values.
//!
//! Both directions walk the value recursively through `jsonata_core::value::with_stack`, so a
//! deeply nested value moves to a heap-allocated stack segment instead of overflowing the
//! thread's stack.

use std::collections::BTreeMap;
use std::rc::Rc;

use jsonata_core::value::{JArray, JMap, JValue, with_stack};
use serde_json::{Map, Number, Value};

/// The largest integer a double holds exactly (2^53). Integral numbers up to it come back
/// as JSON integers.
const MAX_EXACT_INT: f64 = 9_007_199_254_740_992.0;

/// Which part of a value an expression can observe.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Projection {
    /// All of it.
    Full,
    /// Only these fields of an object (applied to every item of an array, at any depth, as a
    /// JSONata field step does); scalars pass through.
    Fields(BTreeMap<String, Projection>),
}

impl Projection {
    /// Widens `self` so that it also covers the field chain `path` (and everything below).
    pub(crate) fn add_path(&mut self, path: &[String]) {
        let Projection::Fields(fields) = self else {
            return;
        };
        match path.split_first() {
            None => *self = Projection::Full,
            Some((first, rest)) => {
                let child = fields
                    .entry(first.clone())
                    .or_insert_with(|| Projection::Fields(BTreeMap::new()));
                if rest.is_empty() {
                    *child = Projection::Full;
                } else {
                    child.add_path(rest);
                }
            }
        }
    }
}

/// `serde_json` → jsonata-core, whole.
pub(crate) fn to_jvalue(v: &Value) -> JValue {
    match v {
        Value::Null => JValue::Null,
        Value::Bool(b) => JValue::Bool(*b),
        Value::Number(n) => JValue::Number(n.as_f64().unwrap_or(0.0)),
        Value::String(s) => JValue::String(Rc::from(s.as_str())),
        Value::Array(items) => with_stack(|| {
            let flat = !items.iter().any(Value::is_array);
            JValue::Array(JArray::new_flat(items.iter().map(to_jvalue).collect(), flat))
        }),
        Value::Object(map) => with_stack(|| {
            let m: JMap = map.iter().map(|(k, v)| (k.clone(), to_jvalue(v))).collect();
            JValue::Object(Rc::new(m))
        }),
    }
}

/// `serde_json` → jsonata-core, keeping only what `p` selects.
pub(crate) fn project(v: &Value, p: &Projection) -> JValue {
    let fields = match p {
        Projection::Full => return to_jvalue(v),
        Projection::Fields(fields) => fields,
    };
    match v {
        Value::Array(items) => with_stack(|| {
            let flat = !items.iter().any(Value::is_array);
            JValue::Array(JArray::new_flat(items.iter().map(|i| project(i, p)).collect(), flat))
        }),
        Value::Object(map) => {
            let m: JMap = fields
                .iter()
                .filter_map(|(k, sub)| map.get(k).map(|v| (k.clone(), with_stack(|| project(v, sub)))))
                .collect();
            JValue::Object(Rc::new(m))
        }
        scalar => to_jvalue(scalar),
    }
}

/// A number as JSON: integral values up to 2^53 as integers (`-0` as `0`), others as
/// floats; NaN and infinities (which JSONata never produces as results) as `null`.
pub(crate) fn number_to_json(n: f64) -> Value {
    if !n.is_finite() {
        Value::Null
    } else if n.fract() == 0.0 && n.abs() <= MAX_EXACT_INT {
        Value::Number(Number::from(n as i64))
    } else {
        Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

/// jsonata-core → `serde_json`. `None` is *undefined*: no value at all, or a function (which
/// JSON cannot hold). Inside an object such members are left out; inside an array they are
/// left out too (JSONata sequences never hold undefined; a function item becomes nothing).
pub(crate) fn from_jvalue(v: &JValue) -> Option<Value> {
    Some(match v {
        JValue::Undefined => return None,
        JValue::Null => Value::Null,
        JValue::Bool(b) => Value::Bool(*b),
        JValue::Number(n) => number_to_json(*n),
        JValue::String(s) => Value::String(s.to_string()),
        JValue::Array(items) => with_stack(|| Value::Array(items.iter().filter_map(from_jvalue).collect())),
        JValue::Object(map) => with_stack(|| {
            let mut out = Map::with_capacity(map.len());
            for (k, v) in map.iter() {
                if let Some(v) = from_jvalue(v) {
                    out.insert(k.clone(), v);
                }
            }
            Value::Object(out)
        }),
        // Functions and regexes: JSON.stringify drops them.
        _ => return None,
    })
}

/// The JSONata type name of a value, as `$type` and AWS's messages name them.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
