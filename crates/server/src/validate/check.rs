//! Checking one JSON value against a [`Shape`], as AWS's request framework does.

use serde_json::Value;

use super::{Measure, Shape, Violations};
use crate::error::ApiError;

fn serialization(expected: &str, found: &Value) -> ApiError {
    let kind = match found {
        Value::Null => "NULL_VALUE",
        Value::Bool(_) => "BOOLEAN_VALUE",
        Value::Number(_) => "NUMBER_VALUE",
        Value::String(_) => "STRING_VALUE",
        Value::Array(_) => "START_ARRAY",
        Value::Object(_) => "START_OBJECT",
    };
    ApiError::SerializationException(format!("{kind} can not be converted to {expected}"))
}

/// Checks `value` against `shape`: a type mismatch is an immediate `SerializationException`;
/// constraint violations are collected in `out`.
pub fn check(shape: &Shape, value: &Value, path: &str, out: &mut Violations) -> Result<(), ApiError> {
    match shape {
        Shape::String {
            min,
            max,
            pattern,
            sensitive,
            measure,
        } => {
            let Value::String(s) = value else {
                return Err(serialization("String", value));
            };
            let shown = if *sensitive { None } else { Some(s.as_str()) };
            let len = match measure {
                Measure::Chars => s.encode_utf16().count(),
                Measure::Utf8Bytes => s.len(),
            };
            if let Some(min) = min {
                if len < *min {
                    out.push(
                        shown,
                        path,
                        &format!("Member must have length greater than or equal to {min}"),
                    );
                }
            }
            if let Some(max) = max {
                if len > *max {
                    let constraint = match measure {
                        Measure::Chars => format!("Member must have length less than or equal to {max}"),
                        Measure::Utf8Bytes => {
                            format!("Member must have size less than or equal to {max} bytes in UTF-8 encoding")
                        }
                    };
                    out.push(shown, path, &constraint);
                }
            }
            if let Some(p) = pattern {
                if !p.matches(s) {
                    out.push(
                        shown,
                        path,
                        &format!("Member must satisfy regular expression pattern: {}", p.text()),
                    );
                }
            }
        }
        Shape::Integer { min, max } => {
            let Some(n) = value.as_i64().filter(|n| i32::try_from(*n).is_ok()) else {
                return Err(serialization("Integer", value));
            };
            let shown = n.to_string();
            if let Some(min) = min {
                if n < *min {
                    out.push(
                        Some(&shown),
                        path,
                        &format!("Member must have value greater than or equal to {min}"),
                    );
                }
            }
            if let Some(max) = max {
                if n > *max {
                    out.push(
                        Some(&shown),
                        path,
                        &format!("Member must have value less than or equal to {max}"),
                    );
                }
            }
        }
        Shape::Long => {
            if value.as_i64().is_none() {
                return Err(serialization("Long", value));
            }
        }
        Shape::Boolean => {
            if !value.is_boolean() {
                return Err(serialization("Boolean", value));
            }
        }
        Shape::Enum(values) => {
            let Value::String(s) = value else {
                return Err(serialization("String", value));
            };
            if !values.contains(&s.as_str()) {
                out.push(
                    Some(s),
                    path,
                    &format!(
                        "Member must satisfy enum value set: [{}]",
                        enum_listing(values).join(", ")
                    ),
                );
            }
        }
        Shape::Structure { members, .. } => {
            let Value::Object(map) = value else {
                return Err(serialization("Structure", value));
            };
            for m in members.iter() {
                let child = if path.is_empty() {
                    m.name.to_owned()
                } else {
                    format!("{path}.{}", m.name)
                };
                match map.get(m.name) {
                    None | Some(Value::Null) => {
                        if m.required {
                            out.push_null(&child);
                        }
                    }
                    Some(v) => check(m.shape, v, &child, out)?,
                }
            }
        }
        Shape::List { member, min, max } => {
            let Value::Array(items) = value else {
                return Err(serialization("List", value));
            };
            for (i, item) in items.iter().enumerate() {
                let child = format!("{path}.{}.member", i + 1);
                if item.is_null() {
                    out.push_null(&child);
                } else {
                    check(member, item, &child, out)?;
                }
            }
            let too_short = min.is_some_and(|min| items.len() < min);
            let too_long = max.is_some_and(|max| items.len() > max);
            if too_short || too_long {
                let shown = render_list(member, items);
                if let Some(min) = min.filter(|_| too_short) {
                    out.push(
                        Some(&shown),
                        path,
                        &format!("Member must have length greater than or equal to {min}"),
                    );
                }
                if let Some(max) = max.filter(|_| too_long) {
                    out.push(
                        Some(&shown),
                        path,
                        &format!("Member must have length less than or equal to {max}"),
                    );
                }
            }
        }
    }
    Ok(())
}

/// AWS lists enum values in the order its validator keeps them, which is not the model's.
/// Where that order has been seen it is used; otherwise the model's order.
fn enum_listing(values: &'static [&'static str]) -> Vec<&'static str> {
    const EXECUTION_STATUS_AS_AWS_LISTS_IT: [&str; 6] = [
        "SUCCEEDED",
        "TIMED_OUT",
        "PENDING_REDRIVE",
        "ABORTED",
        "FAILED",
        "RUNNING",
    ];
    let mut sorted: Vec<&str> = values.to_vec();
    sorted.sort_unstable();
    let mut aws: Vec<&str> = EXECUTION_STATUS_AS_AWS_LISTS_IT.to_vec();
    aws.sort_unstable();
    if sorted == aws {
        EXECUTION_STATUS_AS_AWS_LISTS_IT.to_vec()
    } else {
        values.to_vec()
    }
}

/// A list as Java's `toString` shows it: `[a, b]`, structures as `Name(member=value, …)`.
fn render_list(member: &Shape, items: &[Value]) -> String {
    let parts: Vec<String> = items.iter().map(|v| render_value(member, v)).collect();
    format!("[{}]", parts.join(", "))
}

fn render_value(shape: &Shape, value: &Value) -> String {
    match (shape, value) {
        (Shape::Structure { name, members }, Value::Object(map)) => {
            let fields: Vec<String> = members
                .iter()
                .map(|m| {
                    let v = map.get(m.name).map_or("null".to_owned(), |v| render_value(m.shape, v));
                    format!("{}={}", m.name, v)
                })
                .collect();
            format!("{name}({})", fields.join(", "))
        }
        (Shape::List { member, .. }, Value::Array(items)) => render_list(member, items),
        (Shape::String { sensitive: true, .. }, _) => "***".to_owned(),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}
