//! [`Violations`]: the constraint failures of one request, worded and counted as AWS does.

use crate::error::ApiError;

/// The violated constraints of one request, in the order they were found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Violations(pub Vec<String>);

impl Violations {
    /// `Value '<v>' at '<path>' failed to satisfy constraint: <constraint>` (without the
    /// value when it is `None`, as for sensitive members).
    pub fn push(&mut self, value: Option<&str>, path: &str, constraint: &str) {
        self.0.push(match value {
            Some(v) => format!("Value '{v}' at '{path}' failed to satisfy constraint: {constraint}"),
            None => format!("Value at '{path}' failed to satisfy constraint: {constraint}"),
        });
    }

    pub fn push_null(&mut self, path: &str) {
        self.0.push(format!(
            "Value null at '{path}' failed to satisfy constraint: Member must not be null"
        ));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `N validation error(s) detected: a; b`
    pub fn message(&self) -> String {
        let n = self.0.len();
        let noun = if n == 1 { "error" } else { "errors" };
        format!("{n} validation {noun} detected: {}", self.0.join("; "))
    }

    pub fn into_result(self) -> Result<(), ApiError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(ApiError::ConstraintViolation(self.message()))
        }
    }
}
