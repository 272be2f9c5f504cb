//! Amazon Resource Names as Step Functions uses them, parsed once into a typed [`Arn`]
//! (partition, region, account and a [`Resource`]) and displayed back as they were written.
//!
//! ```text
//! arn:aws:states:us-east-1:123456789012:stateMachine:Name               state machine
//! arn:aws:states:us-east-1:123456789012:stateMachine:Name:3             version 3
//! arn:aws:states:us-east-1:123456789012:stateMachine:Name:PROD          alias PROD
//! arn:aws:states:us-east-1:123456789012:execution:Name:ExecName         standard execution
//! arn:aws:states:us-east-1:123456789012:execution:Name/Label:ExecName   Map Run child
//! arn:aws:states:us-east-1:123456789012:express:Name:ExecName:uuid      express execution
//! arn:aws:states:us-east-1:123456789012:mapRun:Name/Label:uuid          Map Run
//! arn:aws:states:us-east-1:123456789012:activity:Name                   activity
//! arn:aws:lambda:us-east-1:123456789012:function:Name[:qualifier]       Lambda function
//! arn:aws:iam::123456789012:role/path/Name                              IAM role
//! ```
//!
//! The views the API actions take — [`StateMachineArn`] (with Step Functions Local's
//! `#TestCase` suffix), [`ExecutionArn`] — are parsed with the same rules. Errors are typed
//! ([`ArnError`]); their text is the part of AWS's message that names the problem (the HTTP
//! layer wraps it as `Invalid Arn: '…'`).
//!
//! No dependencies but `thiserror`: the engine, the runtime and the server all use it.

mod error;
mod name;
mod parse;
mod resource;
mod views;

pub use error::ArnError;
pub use name::{is_alias_name, is_valid_name};
pub use parse::states_resource_type;
pub use resource::{Arn, Qualifier, Resource, partition_of};
pub use views::{ExecutionArn, StateMachineArn};

#[cfg(test)]
mod tests;
