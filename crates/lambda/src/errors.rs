//! AWS's messages for the Lambda exceptions, and the mapping of the store's and the code
//! store's errors.

use functions::code::CodeError;
use server::lambda::LambdaError;
use store::StoreError;

use crate::model::StoredFunction;

/// `ResourceNotFoundException`: "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope"
/// (the ARN qualified when the request was).
pub fn function_not_found(arn: &str) -> LambdaError {
    LambdaError::resource_not_found(format!("Function not found: {arn}"))
}

/// GetAlias, UpdateAlias, DeleteAlias of an unknown alias.
pub fn alias_not_found(alias_arn: &str) -> LambdaError {
    LambdaError::resource_not_found(format!("Cannot find alias arn: {alias_arn}"))
}

/// CreateFunction with a name taken.
pub fn function_exists(name: &str) -> LambdaError {
    LambdaError::resource_conflict(format!("Function already exist: {name}"))
}

pub fn alias_exists(alias_arn: &str) -> LambdaError {
    LambdaError::resource_conflict(format!("Alias already exists: {alias_arn}"))
}

/// A `RevisionId` that is not the current one.
pub fn revision_mismatch() -> LambdaError {
    LambdaError::precondition_failed(
        "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
    )
}

/// A store failure: the caller did nothing wrong.
pub fn store(e: StoreError) -> LambdaError {
    tracing::warn!(error = %e, "a Lambda store call failed");
    LambdaError::service(format!("Stepwise could not read or write its store: {e}"))
}

/// A refused package, as AWS answers it (the detail goes to the log).
pub fn code(e: CodeError) -> LambdaError {
    tracing::debug!(error = %e, "code package refused");
    let message = e.message();
    match e.exception() {
        "RequestEntityTooLargeException" => LambdaError::entity_too_large(message),
        "ServiceException" => {
            tracing::warn!(error = %e, "cannot store a code package");
            LambdaError::service(message)
        }
        _ => LambdaError::invalid_parameter(message),
    }
}

pub fn parse_stored(config: &str) -> Result<StoredFunction, LambdaError> {
    serde_json::from_str(config).map_err(|e| LambdaError::service(format!("a stored function is unreadable: {e}")))
}

pub fn to_json<T: serde::Serialize>(v: &T) -> Result<String, LambdaError> {
    serde_json::to_string(v).map_err(|e| LambdaError::service(e.to_string()))
}

/// A body member of the wrong JSON type.
pub fn bad_body(e: serde_json::Error) -> LambdaError {
    LambdaError::invalid_request_content(format!("Could not parse request body into json: {e}"))
}
