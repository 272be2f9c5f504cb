//! Choice rules of the JSONPath query language: comparison operators (`StringEquals`,
//! `NumericLessThanPath`, `IsPresent`, `StringMatches`, `TimestampEquals`, …) and the
//! boolean combinators `And`, `Or`, `Not`.
//!
//! NOTE: placeholder; the operators follow.

use serde_json::{Map, Value};

use crate::env::Env;
use crate::error::{Diagnostic, StatesError};

/// A parsed Choice rule (without the `Next`/`Assign`/`Comment`/`Output` of a top-level rule,
/// which the state model reads).
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceRule {
    _raw: Value,
}

impl ChoiceRule {
    /// Parses a rule object found at `location` (e.g. `/States/Check/Choices/0`). With
    /// `top_level` the keys `Next`, `Assign`, `Comment` and `Output` are allowed and ignored.
    pub fn parse(
        obj: &Map<String, Value>,
        location: &str,
        top_level: bool,
    ) -> Result<ChoiceRule, Vec<Diagnostic>> {
        let _ = (location, top_level);
        Ok(ChoiceRule {
            _raw: Value::Object(obj.clone()),
        })
    }

    /// True when the rule matches.
    pub fn evaluate(&self, _env: &Env<'_>) -> Result<bool, StatesError> {
        Err(StatesError::runtime("Choice rules are not implemented yet"))
    }
}
