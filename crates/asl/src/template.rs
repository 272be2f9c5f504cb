//! Payload templates: the JSON objects of `Parameters`, `ResultSelector` and `ItemSelector`
//! whose `"key.$"` fields are replaced by the value of a path or an intrinsic function call.
//!
//! A template is compiled once when the definition is loaded. Subtrees with no dynamic field
//! are kept as one constant value, so evaluation clones them in one go and re-parses nothing.

use serde_json::{Map, Value};

use crate::env::Env;
use crate::error::{Diagnostic, StatesError};
use crate::intrinsics::Intrinsic;
use crate::path::{Path, PathError};

/// A compiled payload template.
#[derive(Debug, Clone, PartialEq)]
pub enum Template {
    /// A value with no dynamic part anywhere inside.
    Const(Value),
    /// An object with at least one dynamic field somewhere inside.
    Object(Vec<(Box<str>, Template)>),
    /// An array with at least one dynamic element somewhere inside.
    Array(Vec<Template>),
    /// `"key.$": "$.path"`; `field` is the key as written (with `.$`), for error messages.
    Path { field: Box<str>, path: Path },
    /// `"key.$": "States.Function(...)"`.
    Intrinsic { field: Box<str>, call: Intrinsic },
}

impl Template {
    /// Compiles `value` found at `location` (e.g. `/States/A/Parameters`). Every problem is
    /// pushed to `diags`.
    pub fn compile(value: &Value, location: &str, diags: &mut Vec<Diagnostic>) -> Template {
        match value {
            Value::Object(map) => compile_object(map, location, diags),
            Value::Array(items) => {
                let parts: Vec<Template> = items.iter().map(|v| Template::compile(v, location, diags)).collect();
                if parts.iter().all(|p| matches!(p, Template::Const(_))) {
                    Template::Const(value.clone())
                } else {
                    Template::Array(parts)
                }
            }
            other => Template::Const(other.clone()),
        }
    }

    /// True when the template has no dynamic field.
    pub fn is_const(&self) -> bool {
        matches!(self, Template::Const(_))
    }

    /// Evaluates the template against `env`. A path that selects nothing is `States.Runtime`
    /// with AWS's cause text.
    pub fn eval(&self, env: &mut Env<'_>) -> Result<Value, StatesError> {
        match self {
            Template::Const(v) => Ok(v.clone()),
            Template::Object(fields) => {
                let mut out = Map::with_capacity(fields.len());
                for (key, t) in fields {
                    out.insert(key.to_string(), t.eval(env)?);
                }
                Ok(Value::Object(out))
            }
            Template::Array(items) => items
                .iter()
                .map(|t| t.eval(env))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            Template::Path { field, path } => match env.select(path) {
                Ok(v) => Ok(v.into_owned()),
                Err(e) => Err(path_not_found(field, path, &e, env)),
            },
            Template::Intrinsic { field, call } => call.eval_for_field(env, field),
        }
    }
}

fn compile_object(map: &Map<String, Value>, location: &str, diags: &mut Vec<Diagnostic>) -> Template {
    let mut fields = Vec::with_capacity(map.len());
    let mut dynamic = false;
    for (key, v) in map {
        if let Some(name) = key.strip_suffix(".$") {
            dynamic = true;
            let t = match v.as_str().map(|s| compile_expression(key, s)) {
                Some(Some(t)) => t,
                _ => {
                    diags.push(Diagnostic::schema(
                        format!("The value for the field '{key}' must be a valid JSONPath or a valid intrinsic function call"),
                        location,
                    ));
                    Template::Const(Value::Null)
                }
            };
            fields.push((name.into(), t));
        } else {
            let t = Template::compile(v, location, diags);
            dynamic |= !t.is_const();
            fields.push((key.as_str().into(), t));
        }
    }
    if dynamic {
        Template::Object(fields)
    } else {
        Template::Const(Value::Object(map.clone()))
    }
}

/// The right-hand side of a `"key.$"` field: an intrinsic call or a path.
fn compile_expression(field: &str, text: &str) -> Option<Template> {
    if Intrinsic::looks_like_call(text) {
        Intrinsic::parse(text).ok().map(|call| Template::Intrinsic {
            field: field.into(),
            call,
        })
    } else {
        Path::parse(text).ok().map(|path| Template::Path {
            field: field.into(),
            path,
        })
    }
}

fn path_not_found(field: &str, path: &Path, err: &PathError, env: &Env<'_>) -> StatesError {
    match err {
        PathError::UndefinedVariable { name } => StatesError::runtime(format!(
            "The JSONPath '{}' specified for the field '{field}' could not be found: variable '{name}' is not defined",
            path.as_str()
        )),
        _ => {
            let input = serde_json::to_string(env.input).unwrap_or_default();
            StatesError::runtime(format!(
                "The JSONPath '{}' specified for the field '{field}' could not be found in the input '{input}'",
                path.as_str()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::StaticScope;
    use serde_json::json;

    fn compile(v: Value) -> Template {
        let mut diags = Vec::new();
        let t = Template::compile(&v, "/States/S/Parameters", &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        t
    }

    #[test]
    fn constant_subtrees_stay_whole() {
        let t = compile(json!({"a": {"b": [1, 2]}, "c.$": "$.x"}));
        match &t {
            Template::Object(fields) => assert!(matches!(fields[0].1, Template::Const(_))),
            other => panic!("unexpected {other:?}"),
        }
        let input = json!({"x": 5});
        let mut scope = StaticScope::default();
        let out = t.eval(&mut Env::new(&input, &mut scope)).unwrap();
        assert_eq!(out, json!({"a": {"b": [1, 2]}, "c": 5}));
    }

    #[test]
    fn missing_path_is_runtime_error() {
        let t = compile(json!({"value.$": "$.no_such_jsonpath"}));
        let input = json!({"a": 1});
        let mut scope = StaticScope::default();
        let err = t.eval(&mut Env::new(&input, &mut scope)).unwrap_err();
        assert_eq!(err.error, "States.Runtime");
        assert_eq!(
            err.cause.unwrap(),
            "The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{\"a\":1}'"
        );
    }

    #[test]
    fn non_string_dynamic_field_is_rejected() {
        let mut diags = Vec::new();
        Template::compile(&json!({"a.$": 3}), "/States/S/Parameters", &mut diags);
        assert_eq!(
            diags[0].to_string(),
            "SCHEMA_VALIDATION_FAILED: The value for the field 'a.$' must be a valid JSONPath or a valid intrinsic function call at /States/S/Parameters"
        );
    }
}
