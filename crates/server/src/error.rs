//! The exceptions the API returns, and their wire form.
//!
//! AWS JSON 1.0 errors are an HTTP status (400 for the client's faults, 500 for ours) and a
//! body `{"__type": "<namespace>#<Code>", "message": "..."}`. SDKs drop everything up to the
//! `#` and use the rest as the exception type; botocore reads `message` (or `Message`).
//!
//! Step Functions uses three namespaces:
//! - `com.amazonaws.swf.service.v2.model` for its own exceptions (`StateMachineDoesNotExist`,
//!   `InvalidArn`, `ValidationException` raised by the service itself, …);
//! - `com.amazon.coral.validate` for `ValidationException`s raised by the request framework
//!   when a member breaks a constraint of the service model ("1 validation error detected: …");
//! - `com.amazon.coral.service` for protocol errors (`UnknownOperationException`,
//!   `SerializationException`, `InternalFailure`) and authentication failures.

use axum::http::StatusCode;
use serde_json::{Map, Value};

use crate::types::{KmsKeyState, ValidationExceptionReason};

pub const SWF_NAMESPACE: &str = "com.amazonaws.swf.service.v2.model";
pub const CORAL_VALIDATE_NAMESPACE: &str = "com.amazon.coral.validate";
pub const CORAL_SERVICE_NAMESPACE: &str = "com.amazon.coral.service";

/// Every exception the Step Functions actions served here can return, each with its message.
///
/// Build the common ones with the constructors (`ApiError::state_machine_does_not_exist(arn)`
/// …), which use AWS's wording.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    // --- Step Functions' own exceptions (com.amazonaws.swf.service.v2.model) ----------------
    ConflictException(String),
    ExecutionAlreadyExists(String),
    ExecutionDoesNotExist(String),
    ExecutionLimitExceeded(String),
    ExecutionNotRedrivable(String),
    InvalidArn(String),
    InvalidDefinition(String),
    InvalidEncryptionConfiguration(String),
    InvalidExecutionInput(String),
    InvalidLoggingConfiguration(String),
    InvalidName(String),
    InvalidToken(String),
    InvalidTracingConfiguration(String),
    KmsAccessDeniedException(String),
    KmsInvalidStateException {
        message: String,
        kms_key_state: Option<KmsKeyState>,
    },
    KmsThrottlingException(String),
    MissingRequiredParameter(String),
    ResourceNotFound {
        message: String,
        resource_name: Option<String>,
    },
    ServiceQuotaExceededException(String),
    StateMachineAlreadyExists(String),
    StateMachineDeleting(String),
    StateMachineDoesNotExist(String),
    StateMachineLimitExceeded(String),
    StateMachineTypeNotSupported(String),
    TooManyTags {
        message: String,
        resource_name: Option<String>,
    },
    /// A `ValidationException` raised by the service itself (a rule that is not a constraint
    /// of the model, e.g. "Version description can only be set when publish is true").
    ValidationException {
        message: String,
        reason: Option<ValidationExceptionReason>,
    },

    // --- raised by the request framework ----------------------------------------------------
    /// Constraint violations of the service model (`com.amazon.coral.validate`): the whole
    /// message, e.g. "1 validation error detected: Value '1001' at 'maxResults' failed to
    /// satisfy constraint: Member must have value less than or equal to 1000". Build it with
    /// [`crate::validate::Violations`].
    ConstraintViolation(String),
    /// The body is not JSON, or a member has the wrong JSON type.
    SerializationException(String),
    /// Missing, malformed or unknown `X-Amz-Target`.
    UnknownOperationException(String),
    /// Something broke on our side (HTTP 500).
    InternalFailure(String),
    /// The service cannot take the request now (HTTP 503).
    ServiceUnavailable(String),
    /// Too many requests (HTTP 400).
    ThrottlingException(String),
    /// A request over the 1 MB that Step Functions takes (HTTP 413, as AWS's front ends
    /// answer an oversized request).
    RequestEntityTooLarge(String),
    /// The body did not arrive within the server's body-read timeout (HTTP 408).
    RequestTimeout(String),

    // --- authentication (for the SigV4 hook) ------------------------------------------------
    /// No `Authorization` header (or query signature) where one is required.
    MissingAuthenticationToken(String),
    /// The access key id is not known.
    UnrecognizedClient(String),
    /// The signature does not match.
    InvalidSignature(String),
    /// The `Authorization` header is malformed.
    IncompleteSignature(String),
    /// Authenticated, but not allowed.
    AccessDenied(String),
}

impl ApiError {
    /// The exception's name as SDKs see it (`StateMachineDoesNotExist`).
    pub fn code(&self) -> &'static str {
        use ApiError::*;
        match self {
            ConflictException(_) => "ConflictException",
            ExecutionAlreadyExists(_) => "ExecutionAlreadyExists",
            ExecutionDoesNotExist(_) => "ExecutionDoesNotExist",
            ExecutionLimitExceeded(_) => "ExecutionLimitExceeded",
            ExecutionNotRedrivable(_) => "ExecutionNotRedrivable",
            InvalidArn(_) => "InvalidArn",
            InvalidDefinition(_) => "InvalidDefinition",
            InvalidEncryptionConfiguration(_) => "InvalidEncryptionConfiguration",
            InvalidExecutionInput(_) => "InvalidExecutionInput",
            InvalidLoggingConfiguration(_) => "InvalidLoggingConfiguration",
            InvalidName(_) => "InvalidName",
            InvalidToken(_) => "InvalidToken",
            InvalidTracingConfiguration(_) => "InvalidTracingConfiguration",
            KmsAccessDeniedException(_) => "KmsAccessDeniedException",
            KmsInvalidStateException { .. } => "KmsInvalidStateException",
            KmsThrottlingException(_) => "KmsThrottlingException",
            MissingRequiredParameter(_) => "MissingRequiredParameter",
            ResourceNotFound { .. } => "ResourceNotFound",
            ServiceQuotaExceededException(_) => "ServiceQuotaExceededException",
            StateMachineAlreadyExists(_) => "StateMachineAlreadyExists",
            StateMachineDeleting(_) => "StateMachineDeleting",
            StateMachineDoesNotExist(_) => "StateMachineDoesNotExist",
            StateMachineLimitExceeded(_) => "StateMachineLimitExceeded",
            StateMachineTypeNotSupported(_) => "StateMachineTypeNotSupported",
            TooManyTags { .. } => "TooManyTags",
            ValidationException { .. } | ConstraintViolation(_) => "ValidationException",
            SerializationException(_) => "SerializationException",
            UnknownOperationException(_) => "UnknownOperationException",
            InternalFailure(_) => "InternalFailure",
            ServiceUnavailable(_) => "ServiceUnavailable",
            ThrottlingException(_) => "ThrottlingException",
            RequestEntityTooLarge(_) => "RequestEntityTooLargeException",
            RequestTimeout(_) => "RequestTimeoutException",
            MissingAuthenticationToken(_) => "MissingAuthenticationTokenException",
            UnrecognizedClient(_) => "UnrecognizedClientException",
            InvalidSignature(_) => "InvalidSignatureException",
            IncompleteSignature(_) => "IncompleteSignatureException",
            AccessDenied(_) => "AccessDeniedException",
        }
    }

    /// The namespace AWS puts before the `#` in `__type`.
    pub fn namespace(&self) -> &'static str {
        use ApiError::*;
        match self {
            ConstraintViolation(_) => CORAL_VALIDATE_NAMESPACE,
            SerializationException(_)
            | UnknownOperationException(_)
            | InternalFailure(_)
            | ServiceUnavailable(_)
            | ThrottlingException(_)
            | RequestEntityTooLarge(_)
            | RequestTimeout(_)
            | MissingAuthenticationToken(_)
            | UnrecognizedClient(_)
            | InvalidSignature(_)
            | IncompleteSignature(_)
            | AccessDenied(_) => CORAL_SERVICE_NAMESPACE,
            _ => SWF_NAMESPACE,
        }
    }

    /// `namespace#Code`, the value of `__type`.
    pub fn type_name(&self) -> String {
        format!("{}#{}", self.namespace(), self.code())
    }

    pub fn message(&self) -> &str {
        use ApiError::*;
        match self {
            ConflictException(m)
            | ExecutionAlreadyExists(m)
            | ExecutionDoesNotExist(m)
            | ExecutionLimitExceeded(m)
            | ExecutionNotRedrivable(m)
            | InvalidArn(m)
            | InvalidDefinition(m)
            | InvalidEncryptionConfiguration(m)
            | InvalidExecutionInput(m)
            | InvalidLoggingConfiguration(m)
            | InvalidName(m)
            | InvalidToken(m)
            | InvalidTracingConfiguration(m)
            | KmsAccessDeniedException(m)
            | KmsThrottlingException(m)
            | MissingRequiredParameter(m)
            | ServiceQuotaExceededException(m)
            | StateMachineAlreadyExists(m)
            | StateMachineDeleting(m)
            | StateMachineDoesNotExist(m)
            | StateMachineLimitExceeded(m)
            | StateMachineTypeNotSupported(m)
            | ConstraintViolation(m)
            | SerializationException(m)
            | UnknownOperationException(m)
            | InternalFailure(m)
            | ServiceUnavailable(m)
            | ThrottlingException(m)
            | RequestEntityTooLarge(m)
            | RequestTimeout(m)
            | MissingAuthenticationToken(m)
            | UnrecognizedClient(m)
            | InvalidSignature(m)
            | IncompleteSignature(m)
            | AccessDenied(m) => m,
            KmsInvalidStateException { message, .. }
            | ResourceNotFound { message, .. }
            | TooManyTags { message, .. }
            | ValidationException { message, .. } => message,
        }
    }

    /// 500 for our faults, 503 when unavailable, 400 for everything the client did.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::InternalFailure(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::ServiceUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::RequestEntityTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// The JSON body: `__type`, `message` and the exception's extra members.
    pub fn to_body(&self) -> Value {
        let mut body = Map::new();
        body.insert("__type".into(), Value::String(self.type_name()));
        body.insert("message".into(), Value::String(self.message().to_owned()));
        match self {
            ApiError::KmsInvalidStateException {
                kms_key_state: Some(state),
                ..
            } => {
                body.insert("kmsKeyState".into(), state.as_str().into());
            }
            ApiError::ResourceNotFound {
                resource_name: Some(name),
                ..
            }
            | ApiError::TooManyTags {
                resource_name: Some(name),
                ..
            } => {
                body.insert("resourceName".into(), name.clone().into());
            }
            ApiError::ValidationException {
                reason: Some(reason), ..
            } => {
                body.insert("reason".into(), reason.as_str().into());
            }
            _ => {}
        }
        Value::Object(body)
    }

    // --- AWS's wording -----------------------------------------------------------------------

    /// `State Machine Does Not Exist: '<arn>'`
    pub fn state_machine_does_not_exist(arn: &str) -> Self {
        ApiError::StateMachineDoesNotExist(format!("State Machine Does Not Exist: '{arn}'"))
    }

    /// `State Machine Already Exists: '<arn>'`
    pub fn state_machine_already_exists(arn: &str) -> Self {
        ApiError::StateMachineAlreadyExists(format!("State Machine Already Exists: '{arn}'"))
    }

    /// `Execution Does Not Exist: '<arn>'`
    pub fn execution_does_not_exist(arn: &str) -> Self {
        ApiError::ExecutionDoesNotExist(format!("Execution Does Not Exist: '{arn}'"))
    }

    /// `Execution Already Exists: '<arn>'`
    pub fn execution_already_exists(arn: &str) -> Self {
        ApiError::ExecutionAlreadyExists(format!("Execution Already Exists: '{arn}'"))
    }

    /// `Invalid Arn: '<detail>'`, e.g. `Invalid Arn: 'Invalid ARN prefix: abc'`.
    pub fn invalid_arn(detail: &str) -> Self {
        ApiError::InvalidArn(format!("Invalid Arn: '{detail}'"))
    }

    /// `Invalid Name: '<name>'`
    pub fn invalid_name(name: &str) -> Self {
        ApiError::InvalidName(format!("Invalid Name: '{name}'"))
    }

    /// `Invalid State Machine Definition: '<detail>'`, where the detail is
    /// `CODE: message at /location`.
    pub fn invalid_definition(detail: &str) -> Self {
        ApiError::InvalidDefinition(format!("Invalid State Machine Definition: '{detail}'"))
    }

    /// `Invalid State Machine Execution Input: '<detail>'`
    pub fn invalid_execution_input(detail: &str) -> Self {
        ApiError::InvalidExecutionInput(format!("Invalid State Machine Execution Input: '{detail}'"))
    }

    /// `Invalid Token: '<detail>'`
    pub fn invalid_token(detail: &str) -> Self {
        ApiError::InvalidToken(format!("Invalid Token: '{detail}'"))
    }

    /// `This operation is not supported by this type of state machine`
    pub fn state_machine_type_not_supported() -> Self {
        ApiError::StateMachineTypeNotSupported("This operation is not supported by this type of state machine".into())
    }

    /// `Request references a resource that does not exist.` (aliases, tags).
    pub fn resource_not_found(resource_arn: Option<&str>) -> Self {
        ApiError::ResourceNotFound {
            message: match resource_arn {
                Some(arn) => format!("Resource not found: '{arn}'"),
                None => "Request references a resource that does not exist.".into(),
            },
            resource_name: resource_arn.map(str::to_owned),
        }
    }

    /// A service-raised `ValidationException` without a reason.
    pub fn validation(message: impl Into<String>) -> Self {
        ApiError::ValidationException {
            message: message.into(),
            reason: None,
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        ApiError::InternalFailure(message.into())
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn service_exceptions_carry_the_swf_namespace() {
        let e = ApiError::state_machine_does_not_exist("arn:aws:states:us-east-1:1:stateMachine:x");
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            e.to_body(),
            json!({
                "__type": "com.amazonaws.swf.service.v2.model#StateMachineDoesNotExist",
                "message": "State Machine Does Not Exist: 'arn:aws:states:us-east-1:1:stateMachine:x'"
            })
        );
    }

    #[test]
    fn constraint_violations_carry_the_coral_validate_namespace() {
        let e = ApiError::ConstraintViolation("1 validation error detected: x".into());
        assert_eq!(e.to_body()["__type"], "com.amazon.coral.validate#ValidationException");
        let e = ApiError::validation("Version description can only be set when publish is true");
        assert_eq!(
            e.to_body()["__type"],
            "com.amazonaws.swf.service.v2.model#ValidationException"
        );
    }

    #[test]
    fn extra_members_are_serialized() {
        let e = ApiError::resource_not_found(Some("arn:x"));
        assert_eq!(e.to_body()["resourceName"], "arn:x");
        let e = ApiError::ValidationException {
            message: "m".into(),
            reason: Some(ValidationExceptionReason::ApiDoesNotSupportLabeledArns),
        };
        assert_eq!(e.to_body()["reason"], "API_DOES_NOT_SUPPORT_LABELED_ARNS");
        let e = ApiError::KmsInvalidStateException {
            message: "m".into(),
            kms_key_state: Some(KmsKeyState::Disabled),
        };
        assert_eq!(e.to_body()["kmsKeyState"], "DISABLED");
    }

    #[test]
    fn internal_failures_are_500() {
        let e = ApiError::internal("boom");
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(e.to_body()["__type"], "com.amazon.coral.service#InternalFailure");
        assert_eq!(
            ApiError::UnknownOperationException(String::new()).to_body()["__type"],
            "com.amazon.coral.service#UnknownOperationException"
        );
    }
}
