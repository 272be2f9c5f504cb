//! JSONata-language field values: any JSON value in which a string `{% … %}` is an
//! expression (`Arguments`, `Output`, `Assign`, `Items`, `ItemSelector`, …).
//!
//! A template is compiled once; subtrees without an expression are kept as one constant.
//! Every expression must produce a value: an undefined result anywhere (at the top, as an
//! object member or as an array item) is `States.QueryEvaluationError` "returned nothing
//! (undefined)", as AWS reports `{"result": "{% $doesNotExist %}"}` in an `Output`. A string
//! with anything outside the delimiters (`" {% x %} "`) is a plain string.

use std::fmt;

use serde_json::{Map, Value};

use super::expression::{Bindings, Expression};
use super::{JsonataError, Options, expression_text};
use crate::error::StatesError;

/// A compiled JSONata-language field value.
#[derive(Debug, Clone, PartialEq)]
pub enum Template {
    /// A value with no expression anywhere inside.
    Const(Value),
    /// A whole string `{% … %}`.
    Expr(Box<Expression>),
    /// An object with an expression somewhere inside.
    Object(Vec<(String, Template)>),
    /// An array with an expression somewhere inside.
    Array(Vec<Template>),
}

/// An expression of a template that does not compile, with where it is in the template
/// (`/a/b` for the member `b` of the member `a`, `/2` for an array item, empty at the top).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub path: String,
    pub text: String,
    pub error: JsonataError,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the JSONata expression '{}' is invalid: {}", self.text, self.error)
    }
}

impl std::error::Error for TemplateError {}

impl Template {
    /// Compiles `value` for Step Functions with the default limits.
    pub fn compile(value: &Value) -> Result<Template, TemplateError> {
        Self::compile_with(value, Options::default())
    }

    pub fn compile_with(value: &Value, options: Options) -> Result<Template, TemplateError> {
        let mut path = String::new();
        compile_at(value, options, &mut path)
    }

    /// True when the template has no expression.
    pub fn is_const(&self) -> bool {
        matches!(self, Template::Const(_))
    }

    /// Evaluates the template. `field` names it in error causes (`Output`, `Assign`, …);
    /// members below are named `field/key` (`Output/result`), array items `field/index`.
    pub fn eval(&self, bindings: &Bindings<'_>, field: &str) -> Result<Value, StatesError> {
        self.eval_at(bindings, &Field::Top(field))
    }

    fn eval_at(&self, bindings: &Bindings<'_>, field: &Field<'_>) -> Result<Value, StatesError> {
        match self {
            Template::Const(v) => Ok(v.clone()),
            Template::Expr(e) => match e.eval(bindings) {
                Ok(Some(v)) => Ok(v),
                Ok(None) => Err(e.undefined_error(&field.to_string())),
                Err(error) => Err(e.evaluation_error(&field.to_string(), &error)),
            },
            Template::Object(members) => {
                let mut out = Map::with_capacity(members.len());
                for (key, t) in members {
                    let v = match t {
                        Template::Const(v) => v.clone(),
                        t => t.eval_at(bindings, &Field::Key(field, key))?,
                    };
                    out.insert(key.clone(), v);
                }
                Ok(Value::Object(out))
            }
            Template::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, t)| match t {
                    Template::Const(v) => Ok(v.clone()),
                    t => t.eval_at(bindings, &Field::Index(field, i)),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
        }
    }
}

/// Where a part of a template is, for error causes; only formatted when there is an error.
enum Field<'a> {
    Top(&'a str),
    Key(&'a Field<'a>, &'a str),
    Index(&'a Field<'a>, usize),
}

impl fmt::Display for Field<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Field::Top(name) => f.write_str(name),
            Field::Key(parent, key) => write!(f, "{parent}/{key}"),
            Field::Index(parent, i) => write!(f, "{parent}/{i}"),
        }
    }
}

fn compile_at(value: &Value, options: Options, path: &mut String) -> Result<Template, TemplateError> {
    match value {
        Value::String(s) => match expression_text(s) {
            Some(text) => match Expression::compile_with(text, options) {
                Ok(e) => Ok(Template::Expr(Box::new(e))),
                Err(error) => Err(TemplateError {
                    path: path.clone(),
                    text: text.to_string(),
                    error,
                }),
            },
            None => Ok(Template::Const(value.clone())),
        },
        Value::Object(map) => {
            let mut members = Vec::with_capacity(map.len());
            let mut dynamic = false;
            for (k, v) in map {
                let len = path.len();
                path.push('/');
                path.push_str(k);
                let t = compile_at(v, options, path)?;
                path.truncate(len);
                dynamic |= !t.is_const();
                members.push((k.clone(), t));
            }
            Ok(if dynamic {
                Template::Object(members)
            } else {
                Template::Const(value.clone())
            })
        }
        Value::Array(items) => {
            let mut parts = Vec::with_capacity(items.len());
            for (i, v) in items.iter().enumerate() {
                let len = path.len();
                path.push('/');
                path.push_str(&i.to_string());
                parts.push(compile_at(v, options, path)?);
                path.truncate(len);
            }
            Ok(if parts.iter().all(Template::is_const) {
                Template::Const(value.clone())
            } else {
                Template::Array(parts)
            })
        }
        other => Ok(Template::Const(other.clone())),
    }
}
