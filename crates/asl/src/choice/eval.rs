//! Evaluating a comparison: selecting the variable, comparing strings, numbers,
//! booleans and timestamps as AWS does, and `StringMatches` patterns.

use super::*;

impl Comparison {
    /// True when the comparison holds for the value `Variable` selects.
    pub fn evaluate(&self, env: &Env<'_>) -> Result<bool, StatesError> {
        let selected = env.select(&self.variable);
        if let Operator::IsPresent(expected) = self.operator {
            return Ok(selected.is_ok() == expected);
        }
        let value = match &selected {
            Ok(v) => &**v,
            Err(_) => return Err(invalid_path_error(&self.variable)),
        };
        Ok(match &self.operator {
            Operator::String(rel, operand) => match value {
                Value::String(s) => match operand {
                    Operand::Literal(lit) => compare_strings(*rel, s, lit),
                    Operand::Path(p) => match &*select_operand(env, p)? {
                        Value::String(other) => compare_strings(*rel, s, other),
                        _ => false,
                    },
                },
                _ => false,
            },
            Operator::Numeric(rel, operand) => match value {
                Value::Number(n) => match operand {
                    Operand::Literal(lit) => compare_numbers(*rel, n, lit),
                    Operand::Path(p) => match &*select_operand(env, p)? {
                        Value::Number(other) => compare_numbers(*rel, n, other),
                        _ => false,
                    },
                },
                _ => false,
            },
            Operator::Boolean(operand) => match value {
                Value::Bool(b) => match operand {
                    Operand::Literal(lit) => b == lit,
                    Operand::Path(p) => match &*select_operand(env, p)? {
                        Value::Bool(other) => b == other,
                        _ => false,
                    },
                },
                _ => false,
            },
            Operator::Timestamp(rel, operand) => match value.as_str().and_then(Timestamp::parse) {
                Some(t) => match operand {
                    Operand::Literal(lit) => holds(*rel, t.cmp(lit)),
                    Operand::Path(p) => match select_operand(env, p)?.as_str().and_then(Timestamp::parse) {
                        Some(other) => holds(*rel, t.cmp(&other)),
                        None => false,
                    },
                },
                None => false,
            },
            Operator::StringMatches(pattern) => match value {
                Value::String(s) => pattern.matches(s),
                _ => false,
            },
            Operator::IsNull(expected) => value.is_null() == *expected,
            Operator::IsNumeric(expected) => value.is_number() == *expected,
            Operator::IsString(expected) => value.is_string() == *expected,
            Operator::IsBoolean(expected) => value.is_boolean() == *expected,
            Operator::IsTimestamp(expected) => value.as_str().and_then(Timestamp::parse).is_some() == *expected,
            Operator::IsPresent(_) => unreachable!("handled above"),
        })
    }
}

pub(super) fn select_operand<'e>(env: &'e Env<'_>, path: &Path) -> Result<std::borrow::Cow<'e, Value>, StatesError> {
    env.select(path).map_err(|_| invalid_path_error(path))
}

/// The run-time error of a Choice rule whose path selects nothing (the engine prefixes the
/// state name and entry event id).
pub fn invalid_path_error(path: &Path) -> StatesError {
    StatesError::runtime(format!(
        "Invalid path '{}': The choice state's condition path references an invalid value.",
        path.as_str()
    ))
}

pub(super) fn holds(rel: Relation, ord: Ordering) -> bool {
    match rel {
        Relation::Equals => ord == Ordering::Equal,
        Relation::LessThan => ord == Ordering::Less,
        Relation::GreaterThan => ord == Ordering::Greater,
        Relation::LessThanEquals => ord != Ordering::Greater,
        Relation::GreaterThanEquals => ord != Ordering::Less,
    }
}

pub(super) fn compare_strings(rel: Relation, a: &str, b: &str) -> bool {
    if rel == Relation::Equals {
        return a == b;
    }
    // Java orders strings by UTF-16 code unit; UTF-8 byte order differs from it only when
    // characters above U+FFFF meet characters in U+E000..=U+FFFF.
    let ord = if a.is_ascii() || b.is_ascii() {
        a.cmp(b)
    } else {
        a.encode_utf16().cmp(b.encode_utf16())
    };
    holds(rel, ord)
}

/// Orders two JSON numbers by value: exactly for integers, as `f64` when a fraction is
/// involved.
pub fn cmp_numbers(a: &Number, b: &Number) -> Option<Ordering> {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return Some(x.cmp(&y));
    }
    if let (Some(x), Some(y)) = (as_i128(a), as_i128(b)) {
        return Some(x.cmp(&y));
    }
    a.as_f64()?.partial_cmp(&b.as_f64()?)
}

pub(super) fn as_i128(n: &Number) -> Option<i128> {
    n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from))
}

pub(super) fn compare_numbers(rel: Relation, a: &Number, b: &Number) -> bool {
    cmp_numbers(a, b).is_some_and(|ord| holds(rel, ord))
}

impl Pattern {
    /// Compiles a `StringMatches` pattern.
    pub fn new(source: &str) -> Pattern {
        let mut pieces = Vec::new();
        let mut cur = String::new();
        let mut chars = source.chars();
        while let Some(c) = chars.next() {
            match c {
                '*' => pieces.push(std::mem::take(&mut cur).into_boxed_str()),
                '\\' => {
                    let rest = chars.as_str();
                    if rest.starts_with('*') || rest.starts_with('\\') {
                        cur.push(chars.next().expect("checked"));
                    } else {
                        cur.push('\\');
                    }
                }
                _ => cur.push(c),
            }
        }
        pieces.push(cur.into_boxed_str());
        Pattern {
            source: source.into(),
            pieces: pieces.into_boxed_slice(),
        }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// True when `s` matches the whole pattern.
    pub fn matches(&self, s: &str) -> bool {
        let (first, rest) = self.pieces.split_first().expect("at least one piece");
        let Some((last, middle)) = rest.split_last() else {
            return s == &**first; // no wildcard
        };
        if s.len() < first.len() + last.len() || !s.starts_with(&**first) || !s.ends_with(&**last) {
            return false;
        }
        // Between the fixed prefix and suffix, place every middle piece as early as possible:
        // with `*` the only wildcard, the leftmost placement never loses a match.
        let mut hay = &s[first.len()..s.len() - last.len()];
        for piece in middle {
            match hay.find(&**piece) {
                Some(at) => hay = &hay[at + piece.len()..],
                None => return false,
            }
        }
        true
    }
}
