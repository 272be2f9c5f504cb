//! Request validation, in the two layers AWS has.
//!
//! 1. **Model constraints** (the request framework's job at AWS): JSON types, required
//!    members, string lengths, patterns, number ranges, enums, list sizes — every constraint
//!    the service model states. A wrong JSON type is a `SerializationException`; all the
//!    other violations of one request are reported together in one `ValidationException`
//!    (namespace `com.amazon.coral.validate`):
//!    `2 validation errors detected: Value 'x' at 'name' failed to satisfy constraint: …; …`.
//!    Sensitive members (definitions, inputs, outputs…) are reported without their value.
//! 2. **Service rules** ([`crate::rules`]): ARN syntax and kind per action, resource names, execution
//!    input JSON, and the cross-member rules, each with Step Functions' own exception.

use serde_json::Value;

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

/// `^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$`: letters, digits, `_`, `-`, `.`, and not only
/// digits.
pub fn is_alias_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        && s.bytes().any(|b| !b.is_ascii_digit())
}

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

/// The constraints of the service model for each action's input.
pub mod model {
    use super::{Measure, Member, Pattern, Shape};

    const fn string(min: usize, max: usize) -> Shape {
        Shape::String {
            min: Some(min),
            max: Some(max),
            pattern: None,
            sensitive: false,
            measure: Measure::Chars,
        }
    }

    const fn sensitive(min: Option<usize>, max: usize) -> Shape {
        Shape::String {
            min,
            max: Some(max),
            pattern: None,
            sensitive: true,
            measure: Measure::Chars,
        }
    }

    const fn req(name: &'static str, shape: &'static Shape) -> Member {
        Member {
            name,
            shape,
            required: true,
        }
    }

    const fn opt(name: &'static str, shape: &'static Shape) -> Member {
        Member {
            name,
            shape,
            required: false,
        }
    }

    pub static ARN: Shape = string(1, 256);
    pub static LONG_ARN: Shape = string(1, 2000);
    pub static NAME: Shape = string(1, 80);
    pub static DEFINITION: Shape = sensitive(Some(1), 1_048_576);
    pub static VERSION_DESCRIPTION: Shape = sensitive(None, 256);
    pub static ALIAS_DESCRIPTION: Shape = sensitive(None, 256);
    /// SensitiveData: execution input/output, TestState data (256 KiB, counted in bytes).
    pub static SENSITIVE_DATA: Shape = Shape::String {
        min: None,
        max: Some(262_144),
        pattern: None,
        sensitive: true,
        measure: Measure::Utf8Bytes,
    };
    pub static SENSITIVE_ERROR: Shape = sensitive(Some(0), 256);
    pub static SENSITIVE_CAUSE: Shape = sensitive(Some(0), 32_768);
    pub static TEST_STATE_NAME: Shape = sensitive(Some(1), 80);
    pub static PAGE_TOKEN: Shape = string(1, 1024);
    pub static LIST_EXECUTIONS_PAGE_TOKEN: Shape = string(1, 3096);
    pub static PAGE_SIZE: Shape = Shape::Integer {
        min: Some(0),
        max: Some(1000),
    };
    pub static VALIDATE_MAX_RESULTS: Shape = Shape::Integer {
        min: Some(0),
        max: Some(100),
    };
    pub static BOOLEAN: Shape = Shape::Boolean;
    pub static REVISION_ID: Shape = Shape::String {
        min: None,
        max: None,
        pattern: None,
        sensitive: false,
        measure: Measure::Chars,
    };
    pub static TRACE_HEADER: Shape = Shape::String {
        min: Some(0),
        max: Some(256),
        pattern: Some(Pattern::Ascii),
        sensitive: false,
        measure: Measure::Chars,
    };
    pub static CLIENT_TOKEN: Shape = Shape::String {
        min: Some(1),
        max: Some(64),
        pattern: Some(Pattern::VisibleAscii),
        sensitive: false,
        measure: Measure::Chars,
    };
    pub static CHARACTER_RESTRICTED_NAME: Shape = Shape::String {
        min: Some(1),
        max: Some(80),
        pattern: Some(Pattern::AliasName),
        sensitive: false,
        measure: Measure::Chars,
    };
    pub static TAG_KEY: Shape = string(1, 128);
    pub static TAG_VALUE: Shape = string(0, 256);

    pub static STATE_MACHINE_TYPE: Shape = Shape::Enum(crate::types::StateMachineType::VALUES);
    pub static LOG_LEVEL: Shape = Shape::Enum(crate::types::LogLevel::VALUES);
    pub static ENCRYPTION_TYPE: Shape = Shape::Enum(crate::types::EncryptionType::VALUES);
    pub static INCLUDED_DATA: Shape = Shape::Enum(crate::types::IncludedData::VALUES);
    pub static EXECUTION_STATUS: Shape = Shape::Enum(crate::types::ExecutionStatus::VALUES);
    pub static EXECUTION_REDRIVE_FILTER: Shape = Shape::Enum(crate::types::ExecutionRedriveFilter::VALUES);
    pub static SEVERITY: Shape = Shape::Enum(crate::types::ValidateStateMachineDefinitionSeverity::VALUES);
    pub static INSPECTION_LEVEL: Shape = Shape::Enum(crate::types::InspectionLevel::VALUES);
    pub static MOCK_VALIDATION_MODE: Shape = Shape::Enum(crate::types::MockResponseValidationMode::VALUES);

    pub static TAG: Shape = Shape::Structure {
        name: "Tag",
        members: &[opt("key", &TAG_KEY), opt("value", &TAG_VALUE)],
    };
    pub static TAG_LIST: Shape = Shape::List {
        member: &TAG,
        min: None,
        max: None,
    };
    pub static TAG_KEY_LIST: Shape = Shape::List {
        member: &TAG_KEY,
        min: None,
        max: None,
    };
    pub static CLOUD_WATCH_LOGS_LOG_GROUP: Shape = Shape::Structure {
        name: "CloudWatchLogsLogGroup",
        members: &[opt("logGroupArn", &ARN)],
    };
    pub static LOG_DESTINATION: Shape = Shape::Structure {
        name: "LogDestination",
        members: &[opt("cloudWatchLogsLogGroup", &CLOUD_WATCH_LOGS_LOG_GROUP)],
    };
    pub static LOG_DESTINATION_LIST: Shape = Shape::List {
        member: &LOG_DESTINATION,
        min: None,
        max: None,
    };
    pub static LOGGING_CONFIGURATION: Shape = Shape::Structure {
        name: "LoggingConfiguration",
        members: &[
            opt("level", &LOG_LEVEL),
            opt("includeExecutionData", &BOOLEAN),
            opt("destinations", &LOG_DESTINATION_LIST),
        ],
    };
    pub static TRACING_CONFIGURATION: Shape = Shape::Structure {
        name: "TracingConfiguration",
        members: &[opt("enabled", &BOOLEAN)],
    };
    pub static KMS_KEY_ID: Shape = string(1, 2048);
    pub static KMS_REUSE_PERIOD: Shape = Shape::Integer {
        min: Some(60),
        max: Some(900),
    };
    pub static ENCRYPTION_CONFIGURATION: Shape = Shape::Structure {
        name: "EncryptionConfiguration",
        members: &[
            opt("kmsKeyId", &KMS_KEY_ID),
            opt("kmsDataKeyReusePeriodSeconds", &KMS_REUSE_PERIOD),
            req("type", &ENCRYPTION_TYPE),
        ],
    };
    pub static VERSION_WEIGHT: Shape = Shape::Integer {
        min: Some(0),
        max: Some(100),
    };
    pub static ROUTING_CONFIGURATION_ITEM: Shape = Shape::Structure {
        name: "RoutingConfigurationListItem",
        members: &[req("stateMachineVersionArn", &ARN), req("weight", &VERSION_WEIGHT)],
    };
    pub static ROUTING_CONFIGURATION: Shape = Shape::List {
        member: &ROUTING_CONFIGURATION_ITEM,
        min: Some(1),
        max: Some(2),
    };
    pub static MOCK_ERROR_OUTPUT: Shape = Shape::Structure {
        name: "MockErrorOutput",
        members: &[opt("error", &SENSITIVE_ERROR), opt("cause", &SENSITIVE_CAUSE)],
    };
    pub static MOCK_INPUT: Shape = Shape::Structure {
        name: "MockInput",
        members: &[
            opt("result", &SENSITIVE_DATA),
            opt("errorOutput", &MOCK_ERROR_OUTPUT),
            opt("fieldValidationMode", &MOCK_VALIDATION_MODE),
        ],
    };
    pub static NON_NEGATIVE: Shape = Shape::Integer {
        min: Some(0),
        max: None,
    };
    pub static TEST_STATE_CONFIGURATION: Shape = Shape::Structure {
        name: "TestStateConfiguration",
        members: &[
            opt("retrierRetryCount", &NON_NEGATIVE),
            opt("errorCausedByState", &TEST_STATE_NAME),
            opt("mapIterationFailureCount", &NON_NEGATIVE),
            opt("mapItemReaderData", &SENSITIVE_DATA),
        ],
    };

    macro_rules! input {
        ($static:ident, $name:literal, [$($m:expr),* $(,)?]) => {
            pub static $static: Shape = Shape::Structure { name: $name, members: &[$($m),*] };
        };
    }

    input!(
        CREATE_STATE_MACHINE,
        "CreateStateMachineInput",
        [
            req("name", &NAME),
            req("definition", &DEFINITION),
            req("roleArn", &ARN),
            opt("type", &STATE_MACHINE_TYPE),
            opt("loggingConfiguration", &LOGGING_CONFIGURATION),
            opt("tags", &TAG_LIST),
            opt("tracingConfiguration", &TRACING_CONFIGURATION),
            opt("publish", &BOOLEAN),
            opt("versionDescription", &VERSION_DESCRIPTION),
            opt("encryptionConfiguration", &ENCRYPTION_CONFIGURATION),
        ]
    );
    input!(
        DESCRIBE_STATE_MACHINE,
        "DescribeStateMachineInput",
        [req("stateMachineArn", &ARN), opt("includedData", &INCLUDED_DATA),]
    );
    input!(
        UPDATE_STATE_MACHINE,
        "UpdateStateMachineInput",
        [
            req("stateMachineArn", &ARN),
            opt("definition", &DEFINITION),
            opt("roleArn", &ARN),
            opt("loggingConfiguration", &LOGGING_CONFIGURATION),
            opt("tracingConfiguration", &TRACING_CONFIGURATION),
            opt("publish", &BOOLEAN),
            opt("versionDescription", &VERSION_DESCRIPTION),
            opt("encryptionConfiguration", &ENCRYPTION_CONFIGURATION),
        ]
    );
    input!(
        DELETE_STATE_MACHINE,
        "DeleteStateMachineInput",
        [req("stateMachineArn", &ARN)]
    );
    input!(
        LIST_STATE_MACHINES,
        "ListStateMachinesInput",
        [opt("maxResults", &PAGE_SIZE), opt("nextToken", &PAGE_TOKEN),]
    );
    input!(
        VALIDATE_STATE_MACHINE_DEFINITION,
        "ValidateStateMachineDefinitionInput",
        [
            req("definition", &DEFINITION),
            opt("type", &STATE_MACHINE_TYPE),
            opt("severity", &SEVERITY),
            opt("maxResults", &VALIDATE_MAX_RESULTS),
        ]
    );
    input!(
        TEST_STATE,
        "TestStateInput",
        [
            req("definition", &DEFINITION),
            opt("roleArn", &ARN),
            opt("input", &SENSITIVE_DATA),
            opt("inspectionLevel", &INSPECTION_LEVEL),
            opt("revealSecrets", &BOOLEAN),
            opt("variables", &SENSITIVE_DATA),
            opt("stateName", &TEST_STATE_NAME),
            opt("mock", &MOCK_INPUT),
            opt("context", &SENSITIVE_DATA),
            opt("stateConfiguration", &TEST_STATE_CONFIGURATION),
        ]
    );
    input!(
        START_EXECUTION,
        "StartExecutionInput",
        [
            req("stateMachineArn", &ARN),
            opt("name", &NAME),
            opt("input", &SENSITIVE_DATA),
            opt("traceHeader", &TRACE_HEADER),
        ]
    );
    input!(
        START_SYNC_EXECUTION,
        "StartSyncExecutionInput",
        [
            req("stateMachineArn", &ARN),
            opt("name", &NAME),
            opt("input", &SENSITIVE_DATA),
            opt("traceHeader", &TRACE_HEADER),
            opt("includedData", &INCLUDED_DATA),
        ]
    );
    input!(
        DESCRIBE_EXECUTION,
        "DescribeExecutionInput",
        [req("executionArn", &ARN), opt("includedData", &INCLUDED_DATA),]
    );
    input!(
        DESCRIBE_STATE_MACHINE_FOR_EXECUTION,
        "DescribeStateMachineForExecutionInput",
        [req("executionArn", &ARN), opt("includedData", &INCLUDED_DATA),]
    );
    input!(
        LIST_EXECUTIONS,
        "ListExecutionsInput",
        [
            opt("stateMachineArn", &ARN),
            opt("statusFilter", &EXECUTION_STATUS),
            opt("maxResults", &PAGE_SIZE),
            opt("nextToken", &LIST_EXECUTIONS_PAGE_TOKEN),
            opt("mapRunArn", &LONG_ARN),
            opt("redriveFilter", &EXECUTION_REDRIVE_FILTER),
        ]
    );
    input!(
        STOP_EXECUTION,
        "StopExecutionInput",
        [
            req("executionArn", &ARN),
            opt("error", &SENSITIVE_ERROR),
            opt("cause", &SENSITIVE_CAUSE),
        ]
    );
    input!(
        GET_EXECUTION_HISTORY,
        "GetExecutionHistoryInput",
        [
            req("executionArn", &ARN),
            opt("maxResults", &PAGE_SIZE),
            opt("reverseOrder", &BOOLEAN),
            opt("nextToken", &PAGE_TOKEN),
            opt("includeExecutionData", &BOOLEAN),
        ]
    );
    input!(
        REDRIVE_EXECUTION,
        "RedriveExecutionInput",
        [req("executionArn", &ARN), opt("clientToken", &CLIENT_TOKEN),]
    );
    input!(
        PUBLISH_STATE_MACHINE_VERSION,
        "PublishStateMachineVersionInput",
        [
            req("stateMachineArn", &ARN),
            opt("revisionId", &REVISION_ID),
            opt("description", &VERSION_DESCRIPTION),
        ]
    );
    input!(
        LIST_STATE_MACHINE_VERSIONS,
        "ListStateMachineVersionsInput",
        [
            req("stateMachineArn", &ARN),
            opt("nextToken", &PAGE_TOKEN),
            opt("maxResults", &PAGE_SIZE),
        ]
    );
    input!(
        DELETE_STATE_MACHINE_VERSION,
        "DeleteStateMachineVersionInput",
        [req("stateMachineVersionArn", &LONG_ARN),]
    );
    input!(
        CREATE_STATE_MACHINE_ALIAS,
        "CreateStateMachineAliasInput",
        [
            opt("description", &ALIAS_DESCRIPTION),
            req("name", &CHARACTER_RESTRICTED_NAME),
            req("routingConfiguration", &ROUTING_CONFIGURATION),
        ]
    );
    input!(
        DESCRIBE_STATE_MACHINE_ALIAS,
        "DescribeStateMachineAliasInput",
        [req("stateMachineAliasArn", &ARN),]
    );
    input!(
        UPDATE_STATE_MACHINE_ALIAS,
        "UpdateStateMachineAliasInput",
        [
            req("stateMachineAliasArn", &ARN),
            opt("description", &ALIAS_DESCRIPTION),
            opt("routingConfiguration", &ROUTING_CONFIGURATION),
        ]
    );
    input!(
        DELETE_STATE_MACHINE_ALIAS,
        "DeleteStateMachineAliasInput",
        [req("stateMachineAliasArn", &ARN),]
    );
    input!(
        LIST_STATE_MACHINE_ALIASES,
        "ListStateMachineAliasesInput",
        [
            req("stateMachineArn", &ARN),
            opt("nextToken", &PAGE_TOKEN),
            opt("maxResults", &PAGE_SIZE),
        ]
    );
    input!(
        TAG_RESOURCE,
        "TagResourceInput",
        [req("resourceArn", &ARN), req("tags", &TAG_LIST),]
    );
    input!(
        UNTAG_RESOURCE,
        "UntagResourceInput",
        [req("resourceArn", &ARN), req("tagKeys", &TAG_KEY_LIST),]
    );
    input!(
        LIST_TAGS_FOR_RESOURCE,
        "ListTagsForResourceInput",
        [req("resourceArn", &ARN)]
    );
}

/// Checks a request body against an input shape and, if it passes, deserializes it.
pub fn decode<T: serde::de::DeserializeOwned>(shape: &Shape, body: Value) -> Result<T, ApiError> {
    let mut violations = Violations::default();
    check(shape, &body, "", &mut violations)?;
    violations.into_result()?;
    serde_json::from_value(body).map_err(|e| ApiError::SerializationException(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::*;
    use serde_json::json;

    fn violation(shape: &Shape, body: Value) -> String {
        match decode::<Value>(shape, body) {
            Err(ApiError::ConstraintViolation(m)) => m,
            other => panic!("expected a constraint violation, got {other:?}"),
        }
    }

    #[test]
    fn too_long_name() {
        let long = "a".repeat(81);
        assert_eq!(
            violation(
                &model::START_EXECUTION,
                json!({"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:x", "name": long})
            ),
            format!(
                "1 validation error detected: Value '{long}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80"
            )
        );
    }

    #[test]
    fn missing_required_member() {
        assert_eq!(
            violation(&model::START_EXECUTION, json!({"name": "n"})),
            "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null"
        );
        // JSON null is the same as absent.
        assert_eq!(
            violation(&model::DESCRIBE_EXECUTION, json!({"executionArn": null})),
            "1 validation error detected: Value null at 'executionArn' failed to satisfy constraint: Member must not be null"
        );
    }

    #[test]
    fn several_violations_are_counted_and_joined() {
        let m = violation(
            &model::CREATE_STATE_MACHINE,
            json!({"name": "", "definition": "{}", "type": "BATCH"}),
        );
        assert_eq!(
            m,
            "3 validation errors detected: \
             Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1; \
             Value null at 'roleArn' failed to satisfy constraint: Member must not be null; \
             Value 'BATCH' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]"
        );
    }

    #[test]
    fn max_results_range() {
        assert_eq!(
            violation(&model::LIST_STATE_MACHINES, json!({"maxResults": 1001})),
            "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000"
        );
        assert_eq!(
            violation(&model::LIST_STATE_MACHINES, json!({"maxResults": -1})),
            "1 validation error detected: Value '-1' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 0"
        );
        let ok: ListStateMachinesInput = decode(&model::LIST_STATE_MACHINES, json!({"maxResults": 0})).unwrap();
        assert_eq!(ok.max_results, Some(0));
    }

    #[test]
    fn page_tokens() {
        let token = "t".repeat(1025);
        assert_eq!(
            violation(&model::LIST_STATE_MACHINES, json!({"nextToken": token})),
            format!(
                "1 validation error detected: Value '{token}' at 'nextToken' failed to satisfy constraint: Member must have length less than or equal to 1024"
            )
        );
        let token = "t".repeat(3097);
        assert_eq!(
            violation(&model::LIST_EXECUTIONS, json!({"nextToken": token})),
            format!(
                "1 validation error detected: Value '{token}' at 'nextToken' failed to satisfy constraint: Member must have length less than or equal to 3096"
            )
        );
    }

    #[test]
    fn status_filter_enum_in_aws_order() {
        assert_eq!(
            violation(&model::LIST_EXECUTIONS, json!({"statusFilter": "succeeded"})),
            "1 validation error detected: Value 'succeeded' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]"
        );
    }

    #[test]
    fn sensitive_input_is_not_quoted_and_counted_in_bytes() {
        let big = format!("\"{}\"", "a".repeat(262_144));
        assert_eq!(
            violation(
                &model::START_EXECUTION,
                json!({"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:x", "input": big})
            ),
            "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have size less than or equal to 262144 bytes in UTF-8 encoding"
        );
        // 262144 bytes exactly is fine.
        let exact = "a".repeat(262_144);
        assert!(
            decode::<StartExecutionInput>(
                &model::START_EXECUTION,
                json!({"stateMachineArn": "arn", "input": exact})
            )
            .is_ok()
        );
        // Multi-byte characters count by their UTF-8 size.
        let wide = "é".repeat(131_073);
        assert!(matches!(
            decode::<StartExecutionInput>(
                &model::START_EXECUTION,
                json!({"stateMachineArn": "arn", "input": wide})
            ),
            Err(ApiError::ConstraintViolation(_))
        ));
    }

    #[test]
    fn alias_name_pattern() {
        for bad in ["123", "INVALID ALIAS", "ALIAS@", "!INVALID"] {
            assert_eq!(
                violation(
                    &model::CREATE_STATE_MACHINE_ALIAS,
                    json!({"name": bad, "routingConfiguration": [{"stateMachineVersionArn": "arn:aws:states:us-east-1:123456789012:stateMachine:x:1", "weight": 100}]})
                ),
                format!(
                    "1 validation error detected: Value '{bad}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$"
                )
            );
        }
        for good in ["a", "1a", "_", "v1.2-prod", "PROD"] {
            assert!(is_alias_name(good), "{good}");
        }
    }

    #[test]
    fn nested_list_members_are_addressed_by_one_based_index() {
        assert_eq!(
            violation(
                &model::CREATE_STATE_MACHINE_ALIAS,
                json!({"name": "a", "routingConfiguration": [{"stateMachineVersionArn": "v", "weight": 101}]})
            ),
            "1 validation error detected: Value '101' at 'routingConfiguration.1.member.weight' failed to satisfy constraint: Member must have value less than or equal to 100"
        );
        assert_eq!(
            violation(
                &model::UNTAG_RESOURCE,
                json!({"resourceArn": "a", "tagKeys": ["ok", ""]})
            ),
            "1 validation error detected: Value '' at 'tagKeys.2.member' failed to satisfy constraint: Member must have length greater than or equal to 1"
        );
    }

    #[test]
    fn list_sizes_render_the_list_as_java_does() {
        let m = violation(
            &model::CREATE_STATE_MACHINE_ALIAS,
            json!({"name": "a", "routingConfiguration": [
                {"stateMachineVersionArn": "v1", "weight": 50},
                {"stateMachineVersionArn": "v2", "weight": 25},
                {"stateMachineVersionArn": "v3", "weight": 25}
            ]}),
        );
        assert_eq!(
            m,
            "1 validation error detected: Value '[RoutingConfigurationListItem(stateMachineVersionArn=v1, weight=50), RoutingConfigurationListItem(stateMachineVersionArn=v2, weight=25), RoutingConfigurationListItem(stateMachineVersionArn=v3, weight=25)]' at 'routingConfiguration' failed to satisfy constraint: Member must have length less than or equal to 2"
        );
        let m = violation(
            &model::CREATE_STATE_MACHINE_ALIAS,
            json!({"name": "a", "routingConfiguration": []}),
        );
        assert!(m.ends_with("Value '[]' at 'routingConfiguration' failed to satisfy constraint: Member must have length greater than or equal to 1"), "{m}");
    }

    #[test]
    fn trace_header_and_client_token_patterns() {
        assert_eq!(
            violation(
                &model::START_EXECUTION,
                json!({"stateMachineArn": "a", "traceHeader": "é"})
            ),
            "1 validation error detected: Value 'é' at 'traceHeader' failed to satisfy constraint: Member must satisfy regular expression pattern: \\p{ASCII}*"
        );
        assert_eq!(
            violation(
                &model::REDRIVE_EXECUTION,
                json!({"executionArn": "a", "clientToken": "a b"})
            ),
            "1 validation error detected: Value 'a b' at 'clientToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [!-~]+"
        );
    }

    #[test]
    fn wrong_json_types_are_serialization_errors() {
        for body in [
            json!({"maxResults": "10"}),
            json!({"maxResults": 1.5}),
            json!({"maxResults": 4_294_967_296_i64}),
            json!({"nextToken": 5}),
            json!([]),
            json!("x"),
        ] {
            assert!(
                matches!(
                    decode::<ListStateMachinesInput>(&model::LIST_STATE_MACHINES, body.clone()),
                    Err(ApiError::SerializationException(_))
                ),
                "{body}"
            );
        }
        assert!(matches!(
            decode::<TagResourceInput>(&model::TAG_RESOURCE, json!({"resourceArn": "a", "tags": {"k": "v"}})),
            Err(ApiError::SerializationException(_))
        ));
    }

    #[test]
    fn unknown_members_are_ignored() {
        let ok: ListStateMachinesInput = decode(&model::LIST_STATE_MACHINES, json!({"somethingNew": 1})).unwrap();
        assert_eq!(ok, ListStateMachinesInput::default());
    }

    #[test]
    fn definition_is_sensitive() {
        assert_eq!(
            violation(&model::VALIDATE_STATE_MACHINE_DEFINITION, json!({"definition": ""})),
            "1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length greater than or equal to 1"
        );
    }
}
