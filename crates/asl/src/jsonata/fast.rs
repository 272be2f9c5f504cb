//! A fast path for the expressions Step Functions users write constantly, evaluated
//! directly on `serde_json` values instead of through jsonata-core.
//!
//! The subset ([`Fast`]): field chains on `$states.input` / `$states.result` /
//! `$states.errorOutput` / `$states.context` and on workflow variables; number, string,
//! boolean and `null` literals; `+ - * / %` and unary `-`; `= != < <= > >=`; `and`, `or`;
//! `&`; `? :`; parentheses around one expression.
//!
//! The fast path only ever *answers* when it is certain to give what jsonata-core gives;
//! everywhere else it declines (`None`) and the expression is evaluated by jsonata-core,
//! which therefore decides every error and every unusual case:
//!
//! - a field chain that steps into an array (JSONata maps and flattens over arrays) or
//!   reads an unbound variable (which may be a function) declines; one that ends on an
//!   array gives the array as it is;
//! - arithmetic on anything but two numbers (or with undefined), or with a result that
//!   is not finite, declines — type errors (`T2001`, `T2002`) come from jsonata-core;
//! - comparisons answer for numbers and strings, undefined giving undefined; equality
//!   answers for scalars, undefined giving `false`; other operands (objects, arrays)
//!   decline;
//! - `and`/`or`/`? :` take the truth of scalars and objects, short-circuiting as
//!   jsonata-core does; arrays decline;
//! - `&` answers for strings and undefined only.
//!
//! Expressions that draw randomness, and evaluations under limits tight enough that
//! jsonata-core might stop a small expression, never take the fast path (see
//! [`compile`]). `fast_matches_jsonata_core` in the tests checks the fast path against
//! jsonata-core on generated expressions and inputs.

use std::borrow::Cow;

use jsonata_core::ast::{AstNode, BinaryOp, UnaryOp};
use serde_json::{Map, Value};

use super::Options;
use super::analyze::plain;
use super::convert::number_to_json;
use crate::env::Scope;

/// The deepest expression tree the fast path takes: far below any depth limit
/// jsonata-core could enforce for it (see [`compile`]).
const MAX_DEPTH: usize = 32;

/// Where a field chain starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Root {
    Input,
    Result,
    ErrorOutput,
    Context,
    /// A field of `$states` that does not exist: always undefined.
    Nothing,
    Variable(Box<str>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
}

/// An expression of the fast subset.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fast {
    Number(f64),
    String(Box<str>),
    Bool(bool),
    Null,
    Path {
        root: Root,
        fields: Box<[Box<str>]>,
    },
    Neg(Box<Fast>),
    Arith(Arith, Box<Fast>, Box<Fast>),
    Cmp(Cmp, Box<Fast>, Box<Fast>),
    Eq {
        negated: bool,
        lhs: Box<Fast>,
        rhs: Box<Fast>,
    },
    And(Box<Fast>, Box<Fast>),
    Or(Box<Fast>, Box<Fast>),
    Concat(Box<Fast>, Box<Fast>),
    Cond(Box<Fast>, Box<Fast>, Option<Box<Fast>>),
}

/// The fast form of `ast`, when it is in the subset and may use it under `options`.
/// `draws_randomness`: the expression makes the evaluation draw a seed (it names
/// `$random`, `$uuid` or `$shuffle`), which the fast path would skip.
pub(crate) fn compile(ast: &AstNode, options: &Options, draws_randomness: bool) -> Option<Fast> {
    if options.dialect != super::Dialect::StepFunctions
        || draws_randomness
        || options.limits.max_depth < 16 * MAX_DEPTH
        || options.limits.timeout.as_millis() < 100
    {
        return None;
    }
    convert(ast, 0)
}

fn variable_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn convert(ast: &AstNode, depth: usize) -> Option<Fast> {
    if depth > MAX_DEPTH {
        return None;
    }
    let sub = |n: &AstNode| convert(n, depth + 1).map(Box::new);
    Some(match ast {
        AstNode::Number(n) if n.is_finite() => Fast::Number(*n),
        AstNode::String(s) => Fast::String(s.as_str().into()),
        AstNode::Boolean(b) => Fast::Bool(*b),
        AstNode::Null => Fast::Null,
        AstNode::Variable(name) if variable_name(name) && name != "states" => Fast::Path {
            root: Root::Variable(name.as_str().into()),
            fields: Box::new([]),
        },
        AstNode::Path { steps } => {
            let (first, rest) = steps.split_first()?;
            let AstNode::Variable(name) = &first.node else {
                return None;
            };
            if !variable_name(name) || !steps.iter().all(plain) {
                return None;
            }
            let mut fields = Vec::with_capacity(rest.len());
            for s in rest {
                let AstNode::Name(f) = &s.node else { return None };
                fields.push(Box::<str>::from(f.as_str()));
            }
            if name == "states" {
                if fields.is_empty() {
                    return None;
                }
                let root = match &*fields.remove(0) {
                    "input" => Root::Input,
                    "result" => Root::Result,
                    "errorOutput" => Root::ErrorOutput,
                    "context" => Root::Context,
                    _ => Root::Nothing,
                };
                Fast::Path {
                    root,
                    fields: fields.into(),
                }
            } else {
                Fast::Path {
                    root: Root::Variable(name.as_str().into()),
                    fields: fields.into(),
                }
            }
        }
        AstNode::Unary {
            op: UnaryOp::Negate,
            operand,
        } => Fast::Neg(sub(operand)?),
        AstNode::Binary { op, lhs, rhs } => {
            let (l, r) = (sub(lhs)?, sub(rhs)?);
            match op {
                BinaryOp::Add => Fast::Arith(Arith::Add, l, r),
                BinaryOp::Subtract => Fast::Arith(Arith::Sub, l, r),
                BinaryOp::Multiply => Fast::Arith(Arith::Mul, l, r),
                BinaryOp::Divide => Fast::Arith(Arith::Div, l, r),
                BinaryOp::Modulo => Fast::Arith(Arith::Mod, l, r),
                BinaryOp::LessThan => Fast::Cmp(Cmp::Lt, l, r),
                BinaryOp::LessThanOrEqual => Fast::Cmp(Cmp::Le, l, r),
                BinaryOp::GreaterThan => Fast::Cmp(Cmp::Gt, l, r),
                BinaryOp::GreaterThanOrEqual => Fast::Cmp(Cmp::Ge, l, r),
                BinaryOp::Equal => Fast::Eq {
                    negated: false,
                    lhs: l,
                    rhs: r,
                },
                BinaryOp::NotEqual => Fast::Eq {
                    negated: true,
                    lhs: l,
                    rhs: r,
                },
                BinaryOp::And => Fast::And(l, r),
                BinaryOp::Or => Fast::Or(l, r),
                BinaryOp::Concatenate => Fast::Concat(l, r),
                _ => return None,
            }
        }
        AstNode::Conditional {
            condition,
            then_branch,
            else_branch,
        } => Fast::Cond(
            sub(condition)?,
            sub(then_branch)?,
            match else_branch {
                Some(e) => Some(sub(e)?),
                None => None,
            },
        ),
        AstNode::Block(items) if items.len() == 1 => return convert(&items[0], depth + 1),
        _ => return None,
    })
}

/// What a fast expression is evaluated with.
pub(crate) struct Env<'a> {
    pub input: &'a Value,
    pub result: Option<&'a Value>,
    pub error_output: Option<&'a Value>,
    pub scope: &'a dyn Scope,
}

/// A value during fast evaluation.
enum V<'a> {
    Undefined,
    Ref(&'a Value),
    Number(f64),
    Bool(bool),
    String(Cow<'a, str>),
}

static NULL: Value = Value::Null;

/// A scalar's view, for the operators.
enum S<'v> {
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    String(&'v str),
    /// An object or an array.
    Other(&'v Value),
}

impl V<'_> {
    fn view(&self) -> S<'_> {
        match self {
            V::Undefined => S::Undefined,
            V::Number(n) => S::Number(*n),
            V::Bool(b) => S::Bool(*b),
            V::String(s) => S::String(s),
            V::Ref(v) => match v {
                Value::Null => S::Null,
                Value::Bool(b) => S::Bool(*b),
                Value::Number(n) => S::Number(n.as_f64().unwrap_or(0.0)),
                Value::String(s) => S::String(s),
                other => S::Other(other),
            },
        }
    }

    /// JSONata's truth of a value; `None` for arrays.
    fn truth(&self) -> Option<bool> {
        Some(match self.view() {
            S::Undefined | S::Null => false,
            S::Bool(b) => b,
            S::Number(n) => n != 0.0,
            S::String(s) => !s.is_empty(),
            S::Other(Value::Object(m)) => !m.is_empty(),
            S::Other(_) => return None,
        })
    }
}

impl Fast {
    /// Evaluates the expression: `Some(None)` is undefined; `None` means the fast path
    /// declines and jsonata-core must evaluate the expression.
    pub(crate) fn eval(&self, env: &Env<'_>) -> Option<Option<Value>> {
        Some(match self.value(env)? {
            V::Undefined => None,
            V::Number(n) => Some(number_to_json(n)),
            V::Bool(b) => Some(Value::Bool(b)),
            V::String(s) => Some(Value::String(s.into_owned())),
            V::Ref(v) => Some(normalized(v)?),
        })
    }

    fn value<'a>(&'a self, env: &Env<'a>) -> Option<V<'a>> {
        Some(match self {
            Fast::Number(n) => V::Number(*n),
            Fast::String(s) => V::String(Cow::Borrowed(s)),
            Fast::Bool(b) => V::Bool(*b),
            Fast::Null => V::Ref(&NULL),
            Fast::Path { root, fields } => {
                let start = match root {
                    Root::Input => Some(env.input),
                    Root::Result => env.result,
                    Root::ErrorOutput => env.error_output,
                    Root::Context => Some(env.scope.context()),
                    Root::Nothing => None,
                    // An unbound name may be a function: jsonata-core decides.
                    Root::Variable(name) => Some(env.scope.variable(name)?),
                };
                let Some(mut v) = start else {
                    return Some(V::Undefined);
                };
                for f in fields.iter() {
                    v = match v {
                        Value::Object(m) => match m.get(&**f) {
                            Some(x) => x,
                            None => return Some(V::Undefined),
                        },
                        // A field step maps over an array.
                        Value::Array(_) => return None,
                        _ => return Some(V::Undefined),
                    };
                }
                // An array reached without mapping over one is the value as it is; as
                // an operand it makes every operator decline.
                V::Ref(v)
            }
            Fast::Neg(e) => match e.value(env)?.view() {
                S::Undefined => V::Undefined,
                S::Number(n) => V::Number(-n),
                _ => return None,
            },
            Fast::Arith(op, l, r) => {
                let (l, r) = (l.value(env)?, r.value(env)?);
                let (S::Number(a), S::Number(b)) = (l.view(), r.view()) else {
                    return None;
                };
                let n = match op {
                    Arith::Add => a + b,
                    Arith::Sub => a - b,
                    Arith::Mul => a * b,
                    Arith::Div => a / b,
                    Arith::Mod => a % b,
                };
                if !n.is_finite() {
                    return None;
                }
                V::Number(n)
            }
            Fast::Cmp(op, l, r) => {
                let (l, r) = (l.value(env)?, r.value(env)?);
                let ord = match (l.view(), r.view()) {
                    (S::Number(a), S::Number(b)) => a.partial_cmp(&b)?,
                    (S::String(a), S::String(b)) => a.cmp(b),
                    (S::Undefined, S::Undefined | S::Number(_) | S::String(_))
                    | (S::Number(_) | S::String(_), S::Undefined) => return Some(V::Undefined),
                    _ => return None,
                };
                V::Bool(match op {
                    Cmp::Lt => ord.is_lt(),
                    Cmp::Le => ord.is_le(),
                    Cmp::Gt => ord.is_gt(),
                    Cmp::Ge => ord.is_ge(),
                })
            }
            Fast::Eq { negated, lhs, rhs } => {
                let (l, r) = (lhs.value(env)?, rhs.value(env)?);
                let equal = match (l.view(), r.view()) {
                    (S::Undefined, _) | (_, S::Undefined) => return Some(V::Bool(false)),
                    (S::Other(_), _) | (_, S::Other(_)) => return None,
                    (S::Null, S::Null) => true,
                    (S::Bool(a), S::Bool(b)) => a == b,
                    (S::Number(a), S::Number(b)) => a == b,
                    (S::String(a), S::String(b)) => a == b,
                    _ => false,
                };
                V::Bool(equal != *negated)
            }
            Fast::And(l, r) => {
                if !l.value(env)?.truth()? {
                    return Some(V::Bool(false));
                }
                V::Bool(r.value(env)?.truth()?)
            }
            Fast::Or(l, r) => {
                if l.value(env)?.truth()? {
                    return Some(V::Bool(true));
                }
                V::Bool(r.value(env)?.truth()?)
            }
            Fast::Concat(l, r) => {
                let (l, r) = (l.value(env)?, r.value(env)?);
                let mut out = String::new();
                for v in [&l, &r] {
                    match v.view() {
                        S::Undefined => {}
                        S::String(s) => out.push_str(s),
                        _ => return None,
                    }
                }
                V::String(Cow::Owned(out))
            }
            Fast::Cond(c, t, e) => {
                if c.value(env)?.truth()? {
                    t.value(env)?
                } else {
                    match e {
                        Some(e) => e.value(env)?,
                        None => V::Undefined,
                    }
                }
            }
        })
    }
}

/// `v` as it comes back from jsonata-core: numbers through `f64` (integral ones up to
/// 2^53 as integers). `None` (decline) for values nested too deeply to walk here.
fn normalized(v: &Value) -> Option<Value> {
    fn walk(v: &Value, depth: usize) -> Option<Value> {
        Some(match v {
            Value::Number(n) => number_to_json(n.as_f64().unwrap_or(0.0)),
            Value::Array(items) if !items.is_empty() => {
                if depth >= 64 {
                    return None;
                }
                Value::Array(items.iter().map(|i| walk(i, depth + 1)).collect::<Option<_>>()?)
            }
            Value::Object(m) if !m.is_empty() => {
                if depth >= 64 {
                    return None;
                }
                let mut out = Map::with_capacity(m.len());
                for (k, x) in m {
                    out.insert(k.clone(), walk(x, depth + 1)?);
                }
                Value::Object(out)
            }
            other => other.clone(),
        })
    }
    walk(v, 0)
}
