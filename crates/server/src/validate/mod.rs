//! Request validation, in the two layers AWS has.
//!
//! 1. **Model constraints** (the request framework's job at AWS): JSON types, required
//!    members, string lengths, patterns, number ranges, enums, list sizes — every constraint
//!    the service model states. A wrong JSON type is a `SerializationException`; all the
//!    other violations of one request are reported together in one `ValidationException`
//!    (namespace `com.amazon.coral.validate`):
//!    `2 validation errors detected: Value 'x' at 'name' failed to satisfy constraint: …; …`.
//!    Sensitive members (definitions, inputs, outputs…) are reported without their value.
//!
//!    The shapes ([`model`]) are generated from the service model by
//!    `cargo run -p xtask -- codegen`; the matchers of its patterns and AWS's wording are here.
//! 2. **Service rules** ([`crate::rules`]): ARN syntax and kind per action, resource names, execution
//!    input JSON, and the cross-member rules, each with Step Functions' own exception.

mod check;
mod violations;

use serde_json::Value;

pub use crate::generated::model;
pub use check::check;
pub use violations::Violations;

use crate::error::ApiError;

/// A regular-expression constraint of the model, with the text AWS quotes in its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// `\p{ASCII}*` (traceHeader)
    Ascii,
    /// `[!-~]+` (clientToken)
    VisibleAscii,
    /// `^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$` (alias names)
    AliasName,
}

impl Pattern {
    pub fn text(self) -> &'static str {
        match self {
            Pattern::Ascii => r"\p{ASCII}*",
            Pattern::VisibleAscii => "[!-~]+",
            Pattern::AliasName => r"^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$",
        }
    }

    pub fn matches(self, s: &str) -> bool {
        match self {
            Pattern::Ascii => s.is_ascii(),
            Pattern::VisibleAscii => !s.is_empty() && s.bytes().all(|b| (b'!'..=b'~').contains(&b)),
            Pattern::AliasName => is_alias_name(s),
        }
    }
}

pub use arn::is_alias_name;

/// How a string's length is measured and reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// UTF-16 code units, as Java's `String.length()`: "Member must have length …".
    Chars,
    /// UTF-8 bytes: "Member must have size … bytes in UTF-8 encoding" (execution data).
    Utf8Bytes,
}

/// A shape of the service model, reduced to what validation needs.
#[derive(Debug)]
pub enum Shape {
    String {
        min: Option<usize>,
        max: Option<usize>,
        pattern: Option<Pattern>,
        sensitive: bool,
        measure: Measure,
    },
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    Long,
    Boolean,
    Enum(&'static [&'static str]),
    Structure {
        name: &'static str,
        members: &'static [Member],
    },
    List {
        member: &'static Shape,
        min: Option<usize>,
        max: Option<usize>,
    },
}

#[derive(Debug)]
pub struct Member {
    pub name: &'static str,
    pub shape: &'static Shape,
    pub required: bool,
}

/// Constructors for the generated model, so that each shape is one short line.
impl Shape {
    pub const fn string(
        min: Option<usize>,
        max: Option<usize>,
        pattern: Option<Pattern>,
        sensitive: bool,
        measure: Measure,
    ) -> Shape {
        Shape::String {
            min,
            max,
            pattern,
            sensitive,
            measure,
        }
    }

    pub const fn integer(min: Option<i64>, max: Option<i64>) -> Shape {
        Shape::Integer { min, max }
    }

    pub const fn list(member: &'static Shape, min: Option<usize>, max: Option<usize>) -> Shape {
        Shape::List { member, min, max }
    }

    pub const fn structure(name: &'static str, members: &'static [Member]) -> Shape {
        Shape::Structure { name, members }
    }
}

impl Member {
    pub const fn required(name: &'static str, shape: &'static Shape) -> Member {
        Member {
            name,
            shape,
            required: true,
        }
    }

    pub const fn optional(name: &'static str, shape: &'static Shape) -> Member {
        Member {
            name,
            shape,
            required: false,
        }
    }
}

/// Checks a request body against an input shape and, if it passes, deserializes it.
pub fn decode<T: serde::de::DeserializeOwned>(shape: &Shape, body: Value) -> Result<T, ApiError> {
    let mut violations = Violations::default();
    check(shape, &body, "", &mut violations)?;
    violations.into_result()?;
    serde_json::from_value(body).map_err(|e| ApiError::SerializationException(e.to_string()))
}

#[cfg(test)]
mod coverage_tests;
#[cfg(test)]
mod tests;
