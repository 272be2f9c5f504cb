//! Choice rules of the JSONPath query language: comparison operators (`StringEquals`,
//! `NumericLessThanPath`, `IsPresent`, `StringMatches`, `TimestampEquals`, …) and the
//! boolean combinators `And`, `Or`, `Not`.
//!
//! A rule is parsed once, when the definition is loaded ([`ChoiceRule::parse`]), into a tree
//! whose leaves hold their operands ready for use: paths parsed, timestamps converted to
//! instants, `StringMatches` patterns split at their wildcards. Evaluation
//! ([`ChoiceRule::evaluate`]) then only walks that tree and never allocates, except to build
//! the error it returns.
//!
//! Semantics, as Step Functions evaluates them:
//!
//! - A comparison whose `Variable` (or `…Path` operand) selects nothing fails with
//!   `States.Runtime` and the cause `Invalid path '<path>': The choice state's condition path
//!   references an invalid value.`, except `IsPresent`, which is exactly the test for that.
//! - A value of the wrong type is no error: the comparison is false (`StringEquals` on a
//!   number, `TimestampEquals` on a string that is no timestamp, `BooleanEqualsPath` whose
//!   operand is a string, …).
//! - Numbers compare by value, integers and fractions mixed (`1` equals `1.0`).
//! - Strings compare as Java strings do, by UTF-16 code unit.
//! - Timestamps compare by the instant they name (offsets taken into account); see
//!   [`crate::timestamp`] for the accepted format.
//! - `StringMatches`: `*` matches any run of characters (also none); `\*` is a literal star
//!   and `\\` a literal backslash. No other character is special.
//! - `And` and `Or` evaluate their rules in order and stop at the first that decides.

use std::cmp::Ordering;

use serde_json::{Map, Number, Value};

use crate::env::Env;
use crate::error::{Diagnostic, StatesError};
use crate::path::Path;
use crate::timestamp::Timestamp;

mod eval;
mod parse;

pub use eval::{cmp_numbers, invalid_path_error};
use parse::*;

/// A parsed Choice rule (without the `Next`/`Assign`/`Comment`/`Output` of a top-level rule,
/// which the state model reads).
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceRule {
    kind: RuleKind,
}

/// What a rule is: a boolean combination of rules or one comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleKind {
    /// `And`: true when every rule is (evaluated in order, stops at the first false one).
    And(Vec<ChoiceRule>),
    /// `Or`: true when some rule is (evaluated in order, stops at the first true one).
    Or(Vec<ChoiceRule>),
    /// `Not`: the negation of one rule.
    Not(Box<ChoiceRule>),
    /// `Variable` with one comparison operator.
    Compare(Comparison),
}

/// `Variable` and its comparison operator.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub variable: Path,
    pub operator: Operator,
}

/// How two values must relate for a comparison to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Equals,
    LessThan,
    GreaterThan,
    LessThanEquals,
    GreaterThanEquals,
}

/// The right-hand side of a comparison: a constant (`NumericEquals`) or a path into the
/// input, the context object or a variable (`NumericEqualsPath`).
#[derive(Debug, Clone, PartialEq)]
pub enum Operand<T> {
    Literal(T),
    Path(Path),
}

/// A comparison operator with its operand.
#[derive(Debug, Clone, PartialEq)]
pub enum Operator {
    String(Relation, Operand<Box<str>>),
    Numeric(Relation, Operand<Number>),
    Boolean(Operand<bool>),
    Timestamp(Relation, Operand<Timestamp>),
    StringMatches(Pattern),
    IsNull(bool),
    IsPresent(bool),
    IsNumeric(bool),
    IsString(bool),
    IsBoolean(bool),
    IsTimestamp(bool),
}

/// A `StringMatches` pattern, split at its unescaped `*` wildcards: `pieces` are the literal
/// texts between them (so there is one more piece than there are wildcards).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    source: Box<str>,
    pieces: Box<[Box<str>]>,
}

/// Every comparison operator name, in AWS's documentation order.
pub const COMPARISON_OPERATORS: &[&str] = &[
    "StringEquals",
    "StringEqualsPath",
    "StringLessThan",
    "StringLessThanPath",
    "StringGreaterThan",
    "StringGreaterThanPath",
    "StringLessThanEquals",
    "StringLessThanEqualsPath",
    "StringGreaterThanEquals",
    "StringGreaterThanEqualsPath",
    "StringMatches",
    "NumericEquals",
    "NumericEqualsPath",
    "NumericLessThan",
    "NumericLessThanPath",
    "NumericGreaterThan",
    "NumericGreaterThanPath",
    "NumericLessThanEquals",
    "NumericLessThanEqualsPath",
    "NumericGreaterThanEquals",
    "NumericGreaterThanEqualsPath",
    "BooleanEquals",
    "BooleanEqualsPath",
    "TimestampEquals",
    "TimestampEqualsPath",
    "TimestampLessThan",
    "TimestampLessThanPath",
    "TimestampGreaterThan",
    "TimestampGreaterThanPath",
    "TimestampLessThanEquals",
    "TimestampLessThanEqualsPath",
    "TimestampGreaterThanEquals",
    "TimestampGreaterThanEqualsPath",
    "IsNull",
    "IsPresent",
    "IsNumeric",
    "IsString",
    "IsBoolean",
    "IsTimestamp",
];

/// Diagnostic messages, in AWS's wording where it is known.
mod msg {
    pub fn not_supported(field: &str) -> String {
        format!("Field '{field}' is not supported")
    }
    pub fn expected_type(ty: &str) -> String {
        format!("Expected value of type {ty}")
    }
    pub fn invalid_path(field: &str) -> String {
        format!("The value for the field '{field}' must be a valid JSONPath")
    }
    pub fn not_reference_path(field: &str) -> String {
        format!("The value for the field '{field}' must be a valid reference path")
    }
    pub const ONE_RULE_KIND: &str = "The object must have only one of the following fields, [And, Or, Not, Variable]";
    pub const VARIABLE_REQUIRED: &str = "These fields are required: [Variable]";
    pub const OPERATOR_REQUIRED: &str = "A Choice rule with a Variable must have one comparison operator";
    pub const EMPTY_ARRAY: &str = "Value cannot be empty";
    pub const NOT_RFC3339: &str = "String does not match RFC3339 timestamp";
}

impl ChoiceRule {
    /// Parses a rule object found at `location` (e.g. `/States/Check/Choices/0`). With
    /// `top_level` the keys `Next`, `Assign`, `Comment` and `Output` are allowed and ignored.
    ///
    /// All problems are reported, each as a `SCHEMA_VALIDATION_FAILED` diagnostic located at
    /// the offending rule (`…/Choices/0`, `…/Choices/0/And/1`, `…/Choices/0/Not`) or, for a
    /// bad value, at the field (`…/Choices/0/NumericEquals`, `…/Choices/0/Variable`).
    pub fn parse(obj: &Map<String, Value>, location: &str, top_level: bool) -> Result<ChoiceRule, Vec<Diagnostic>> {
        let mut diags = Vec::new();
        match parse_rule(obj, location, top_level, &mut diags) {
            Some(rule) if diags.is_empty() => Ok(rule),
            _ => Err(diags),
        }
    }

    /// Like [`ChoiceRule::parse`] for any JSON value: a value that is not an object is
    /// reported as `Expected value of type Object` at `location`.
    pub fn parse_value(value: &Value, location: &str, top_level: bool) -> Result<ChoiceRule, Vec<Diagnostic>> {
        match value {
            Value::Object(obj) => Self::parse(obj, location, top_level),
            _ => Err(vec![Diagnostic::schema(msg::expected_type("Object"), location)]),
        }
    }

    /// True when the rule matches.
    pub fn evaluate(&self, env: &Env<'_>) -> Result<bool, StatesError> {
        match &self.kind {
            RuleKind::And(rules) => {
                for r in rules {
                    if !r.evaluate(env)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            RuleKind::Or(rules) => {
                for r in rules {
                    if r.evaluate(env)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            RuleKind::Not(rule) => Ok(!rule.evaluate(env)?),
            RuleKind::Compare(c) => c.evaluate(env),
        }
    }

    /// The rule's structure.
    pub fn kind(&self) -> &RuleKind {
        &self.kind
    }
}

#[cfg(test)]
mod tests;
