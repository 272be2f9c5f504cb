//! Why a string is not the ARN expected.

/// What is wrong with an ARN. `Display` is the text AWS puts inside `Invalid Arn: '…'`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArnError {
    /// It does not start with `arn:`.
    #[error("Invalid ARN prefix: {0}")]
    Prefix(String),
    /// It starts like an ARN but is not a well-formed one of its kind.
    #[error("{0}")]
    Malformed(String),
    /// A well-formed ARN of another resource type (an express execution where only standard
    /// ones are accepted).
    #[error("Resource type not valid in this context: {0}")]
    WrongKind(String),
    /// Not an IAM role ARN (AWS words this one `Invalid Role Arn: '<arn>'`).
    #[error("{0}")]
    Role(String),
}
