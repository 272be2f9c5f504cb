use thiserror::Error;

#[derive(Debug, Error)]
pub enum RuntimeError {
    /// An execution with this name exists already with a different input, or has ended.
    #[error("Execution Already Exists: '{0}'")]
    ExecutionAlreadyExists(String),
    #[error("Execution Does Not Exist: '{0}'")]
    ExecutionDoesNotExist(String),
    /// RedriveExecution of an execution that is running, succeeded, or is Express.
    #[error("{0}")]
    NotRedrivable(String),
    /// The stored definition no longer parses (it was valid when stored).
    #[error("invalid definition: {0}")]
    InvalidDefinition(String),
    /// `stateMachineArn#TestCase` names a test case the mock configuration lacks.
    #[error("{0}")]
    TestCase(String),
    #[error("storage failure: {0}")]
    Store(#[from] store::StoreError),
    #[error("the runtime is shutting down")]
    ShuttingDown,
    /// The engine panicked on the compute pool while it started an execution.
    #[error("the execution's engine failed: {0}")]
    Engine(String),
}
