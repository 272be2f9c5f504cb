//! Error types shared by the whole crate.

use std::fmt;

/// One problem found while parsing or validating a definition.
///
/// `code` is AWS's error class (`SCHEMA_VALIDATION_FAILED`, `MISSING_TRANSITION_TARGET`, …),
/// `message` AWS's wording without the location, `location` a JSON-pointer-like path such as
/// `/States/ProcessOrder/Next` (`/` for the top level).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub message: String,
    pub location: String,
}

impl Diagnostic {
    pub fn new(code: &'static str, message: impl Into<String>, location: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            location: location.into(),
        }
    }

    /// Shorthand for the most common class, `SCHEMA_VALIDATION_FAILED`.
    pub fn schema(message: impl Into<String>, location: impl Into<String>) -> Self {
        Self::new("SCHEMA_VALIDATION_FAILED", message, location)
    }
}

impl fmt::Display for Diagnostic {
    /// AWS's form: `CODE: message at /location`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} at {}", self.code, self.message, self.location)
    }
}

/// A run-time error as Step Functions names it: an error name (`States.Runtime`,
/// `States.IntrinsicFailure`, a custom name from a Fail state or a task) and a cause text.
///
/// For `States.Runtime` the engine prefixes the cause with the state's name and entry event
/// id, as AWS does; everything below the engine produces only the tail of the cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatesError {
    pub error: String,
    pub cause: Option<String>,
    /// For JSONata evaluation errors, the field the failing expression sits in
    /// (`Output/result`, `Items`), as AWS reports it in `EvaluationFailed` events.
    pub location: Option<String>,
}

impl StatesError {
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        StatesError {
            error: error.into(),
            cause: Some(cause.into()),
            location: None,
        }
    }

    /// Names the field an evaluation error comes from.
    pub fn at(mut self, location: impl Into<String>) -> Self {
        self.location = Some(location.into());
        self
    }

    pub fn runtime(cause: impl Into<String>) -> Self {
        Self::new(names::RUNTIME, cause)
    }

    pub fn intrinsic_failure(cause: impl Into<String>) -> Self {
        Self::new(names::INTRINSIC_FAILURE, cause)
    }
}

impl fmt::Display for StatesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cause {
            Some(c) => write!(f, "{}: {}", self.error, c),
            None => f.write_str(&self.error),
        }
    }
}

impl std::error::Error for StatesError {}

/// The predefined error names of the States language.
pub mod names {
    pub const ALL: &str = "States.ALL";
    pub const RUNTIME: &str = "States.Runtime";
    pub const TIMEOUT: &str = "States.Timeout";
    pub const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";
    pub const TASK_FAILED: &str = "States.TaskFailed";
    pub const PERMISSIONS: &str = "States.Permissions";
    pub const RESULT_PATH_MATCH_FAILURE: &str = "States.ResultPathMatchFailure";
    pub const PARAMETER_PATH_FAILURE: &str = "States.ParameterPathFailure";
    pub const BRANCH_FAILED: &str = "States.BranchFailed";
    pub const NO_CHOICE_MATCHED: &str = "States.NoChoiceMatched";
    pub const INTRINSIC_FAILURE: &str = "States.IntrinsicFailure";
    pub const EXCEED_TOLERATED_FAILURE_THRESHOLD: &str = "States.ExceedToleratedFailureThreshold";
    pub const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";
    pub const RESULT_WRITER_FAILED: &str = "States.ResultWriterFailed";
    pub const QUERY_EVALUATION_ERROR: &str = "States.QueryEvaluationError";
    pub const DATA_LIMIT_EXCEEDED: &str = "States.DataLimitExceeded";
}
