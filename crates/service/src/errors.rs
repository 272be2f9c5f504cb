//! Runtime and store errors → API errors. The store's `AlreadyExists` and `NotFound` mean
//! different things to different actions and are matched where they occur; every other
//! store error goes through [`store_error`].

use runtime::RuntimeError;
use server::ApiError;
use store::StoreError;

/// A store failure the action has no answer of its own for: an internal failure (500), the
/// store's message kept for the operator.
pub(crate) fn store_error(e: StoreError) -> ApiError {
    ApiError::internal(e.to_string())
}

pub(crate) fn runtime_error(e: RuntimeError) -> ApiError {
    match e {
        RuntimeError::ExecutionAlreadyExists(arn) => ApiError::execution_already_exists(&arn),
        RuntimeError::ExecutionDoesNotExist(arn) => ApiError::execution_does_not_exist(&arn),
        RuntimeError::NotRedrivable(m) => ApiError::ExecutionNotRedrivable(m),
        RuntimeError::InvalidDefinition(d) => ApiError::invalid_definition(&d),
        RuntimeError::TestCase(m) => ApiError::validation(m),
        RuntimeError::Store(e) => store_error(e),
        RuntimeError::ShuttingDown => ApiError::internal("the server is shutting down"),
        RuntimeError::Engine(e) => ApiError::internal(&e),
    }
}
