//! Filters (`[?(…)]`): the expression tree and Jayway's comparison semantics.

use super::*;

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Filter {
    pub(super) expr: Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Expr {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    Exists(Operand),
    Cmp(Operand, Op, Operand),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Regex,
    In,
    Nin,
    SubsetOf,
    AnyOf,
    NoneOf,
    Contains,
    Size,
    Empty,
    /// `===`: same kind of value and equal.
    StrictEq,
    /// `!==`
    StrictNe,
    /// The left array holds every element of the right one.
    All,
    /// `@.a exists true|false`
    Exists,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Operand {
    /// `@…`: relative to the item being tested.
    Current(Box<Path>),
    /// `$…`: relative to the document the outer path is evaluated on.
    Document(Box<Path>),
    Literal(Value),
    Regex(Box<regex::Regex>),
}

/// A filter operand's value, as Jayway's `ValueNode`.
pub(super) enum Val<'a> {
    Undefined,
    Node(Cow<'a, Value>),
    Regex(&'a regex::Regex),
}

impl Filter {
    pub(super) fn test(&self, item: &Value, doc: &Value, budget: &mut Budget) -> Result<bool, PathError> {
        budget.spend(1)?;
        self.expr.eval(item, doc, budget)
    }
}

impl Expr {
    pub(super) fn eval(&self, item: &Value, doc: &Value, budget: &mut Budget) -> Result<bool, PathError> {
        Ok(match self {
            Expr::Or(es) => {
                for e in es {
                    if e.eval(item, doc, budget)? {
                        return Ok(true);
                    }
                }
                false
            }
            Expr::And(es) => {
                for e in es {
                    if !e.eval(item, doc, budget)? {
                        return Ok(false);
                    }
                }
                true
            }
            Expr::Not(e) => !e.eval(item, doc, budget)?,
            Expr::Exists(o) => o.exists(item, doc, budget)?,
            Expr::Cmp(l, Op::Exists, r) => {
                let want = match r {
                    Operand::Literal(Value::Bool(b)) => *b,
                    _ => return Ok(false),
                };
                l.exists(item, doc, budget)? == want
            }
            Expr::Cmp(l, op, r) => {
                let l = l.value(item, doc, budget)?;
                let r = r.value(item, doc, budget)?;
                compare(&l, *op, &r)
            }
        })
    }
}

impl Operand {
    /// A path names something (an indefinite one: at least one match).
    pub(super) fn exists(&self, item: &Value, doc: &Value, budget: &mut Budget) -> Result<bool, PathError> {
        Ok(match self.value(item, doc, budget)? {
            Val::Undefined => false,
            Val::Node(v) => match (&*v, self.is_indefinite_path()) {
                (Value::Array(a), true) => !a.is_empty(),
                _ => true,
            },
            Val::Regex(_) => true,
        })
    }

    pub(super) fn is_indefinite_path(&self) -> bool {
        match self {
            Operand::Current(p) | Operand::Document(p) => !p.definite,
            _ => false,
        }
    }

    pub(super) fn value<'a>(
        &'a self,
        item: &'a Value,
        doc: &'a Value,
        budget: &mut Budget,
    ) -> Result<Val<'a>, PathError> {
        let (path, start) = match self {
            Operand::Literal(v) => return Ok(Val::Node(Cow::Borrowed(v))),
            Operand::Regex(r) => return Ok(Val::Regex(r)),
            Operand::Current(p) => (p, item),
            Operand::Document(p) => (p, doc),
        };
        let r = if path.reference {
            path.select_reference(start)
                .map(Cow::Borrowed)
                .ok_or(PathError::NotFound {
                    normalized: String::new(),
                })
        } else {
            path.eval(start, doc, budget)
        };
        match r {
            Ok(v) => Ok(Val::Node(v)),
            Err(PathError::NotFound { .. } | PathError::Function { .. }) => Ok(Val::Undefined),
            Err(e) => Err(e),
        }
    }
}

pub(super) fn compare(l: &Val<'_>, op: Op, r: &Val<'_>) -> bool {
    use Val::{Node, Regex};
    match op {
        Op::Eq => matches!((l, r), (Node(a), Node(b)) if node_eq(a, b)),
        Op::Ne => !compare(l, Op::Eq, r),
        Op::StrictEq => match (l, r) {
            (Node(a), Node(b)) => kind(a) == kind(b) && node_eq(a, b),
            _ => false,
        },
        Op::StrictNe => !compare(l, Op::StrictEq, r),
        Op::All => match (l, r) {
            (Node(a), Node(b)) => match (&**a, &**b) {
                (Value::Array(have), Value::Array(need)) => need.iter().all(|n| have.iter().any(|h| node_eq(n, h))),
                // Jayway: an object "contains all" trivially.
                (Value::Object(_), Value::Array(_)) => true,
                _ => false,
            },
            _ => false,
        },
        Op::Exists => false, // evaluated in `Expr::eval`
        Op::Lt | Op::Le | Op::Gt | Op::Ge => {
            let ord = match (l, r) {
                (Node(a), Node(b)) => match (&**a, &**b) {
                    (Value::Number(x), Value::Number(y)) => num_cmp(x, y),
                    (Value::String(x), Value::String(y)) => Some(x.encode_utf16().cmp(y.encode_utf16())),
                    _ => None,
                },
                _ => None,
            };
            match ord {
                None => false,
                Some(o) => match op {
                    Op::Lt => o == Ordering::Less,
                    Op::Le => o != Ordering::Greater,
                    Op::Gt => o == Ordering::Greater,
                    _ => o != Ordering::Less,
                },
            }
        }
        Op::Regex => {
            let (re, input) = match (l, r) {
                (Regex(_), Regex(_)) => return false,
                (Regex(re), other) | (other, Regex(re)) => (re, other),
                _ => return false,
            };
            let text: Cow<'_, str> = match input {
                Node(v) => match &**v {
                    Value::String(s) => Cow::Borrowed(s.as_str()),
                    Value::Number(n) => Cow::Owned(n.to_string()),
                    Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
                    _ => Cow::Borrowed(""),
                },
                _ => Cow::Borrowed(""),
            };
            re.is_match(&text)
        }
        Op::In => match (l, r) {
            (Node(a), Node(b)) => match &**b {
                Value::Array(list) => list.iter().any(|e| node_eq(a, e)),
                _ => false,
            },
            _ => false,
        },
        Op::Nin => !compare(l, Op::In, r),
        Op::SubsetOf | Op::AnyOf | Op::NoneOf => match (l, r) {
            (Node(a), Node(b)) => match (&**a, &**b) {
                (Value::Array(left), Value::Array(right)) => {
                    let inr = |e: &Value| right.iter().any(|x| node_eq(e, x));
                    match op {
                        Op::SubsetOf => left.iter().all(inr),
                        Op::AnyOf => left.iter().any(inr),
                        _ => !left.iter().any(inr),
                    }
                }
                _ => false,
            },
            _ => false,
        },
        Op::Contains => match (l, r) {
            (Node(a), Node(b)) => match (&**a, &**b) {
                (Value::String(s), Value::String(t)) => s.contains(t.as_str()),
                (Value::Array(list), _) => list.iter().any(|e| node_eq(b, e)),
                _ => false,
            },
            _ => false,
        },
        Op::Size => match (l, r) {
            (Node(a), Node(b)) => {
                let expected = match &**b {
                    Value::Number(n) => match n.as_i64() {
                        Some(i) => i,
                        None => n.as_f64().map_or(-1, |f| f.trunc() as i64),
                    },
                    _ => return false,
                };
                match &**a {
                    Value::String(s) => s.encode_utf16().count() as i64 == expected,
                    Value::Array(v) => v.len() as i64 == expected,
                    _ => false,
                }
            }
            _ => false,
        },
        Op::Empty => match (l, r) {
            (Node(a), Node(b)) => {
                let want = match &**b {
                    Value::Bool(x) => *x,
                    _ => return false,
                };
                match &**a {
                    Value::String(s) => s.is_empty() == want,
                    Value::Array(v) => v.is_empty() == want,
                    Value::Object(m) => m.is_empty() == want,
                    _ => false,
                }
            }
            _ => false,
        },
    }
}

/// Jayway's `ValueNode` classes, for `===`.
pub(super) fn kind(v: &Value) -> u8 {
    match v {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Number(_) => 2,
        Value::String(_) => 3,
        Value::Array(_) | Value::Object(_) => 4,
    }
}

/// Jayway's `ValueNode` equality: numbers by value; a number equals a string that parses to
/// it; a string equals a number whose text it is; arrays and objects structurally.
pub(super) fn node_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => num_cmp(x, y) == Some(Ordering::Equal),
        (Value::Number(x), Value::String(s)) => {
            parse_number(s).is_some_and(|y| num_cmp(x, &y) == Some(Ordering::Equal))
        }
        (Value::String(s), Value::Number(n)) => *s == n.to_string(),
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Null, Value::Null) => true,
        (Value::Array(_) | Value::Object(_), Value::Array(_) | Value::Object(_)) => a == b,
        _ => false,
    }
}

pub(super) fn num_cmp(a: &Number, b: &Number) -> Option<Ordering> {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return Some(x.cmp(&y));
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return Some(x.cmp(&y));
    }
    let int = |n: &Number| n.is_i64() || n.is_u64();
    if int(a) && int(b) {
        // One is above i64::MAX, the other negative.
        return Some(if a.is_u64() { Ordering::Greater } else { Ordering::Less });
    }
    a.as_f64()?.partial_cmp(&b.as_f64()?)
}

/// A decimal number as Java's `BigDecimal` reads it (no `inf`, `NaN`, hex).
pub(super) fn parse_number(s: &str) -> Option<Number> {
    let s = s.strip_prefix('+').unwrap_or(s);
    if s.is_empty()
        || !s
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'+' | b'e' | b'E'))
        || !s.bytes().any(|c| c.is_ascii_digit())
    {
        return None;
    }
    if let Ok(i) = s.parse::<i64>() {
        return Some(Number::from(i));
    }
    if let Ok(u) = s.parse::<u64>() {
        return Some(Number::from(u));
    }
    s.parse::<f64>().ok().and_then(Number::from_f64)
}
