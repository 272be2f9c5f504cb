//! Step Functions ARNs as the actions take them: the model is the `stepwise-arn` crate
//! (re-exported here); this module adds the kinds each action accepts and AWS's
//! `InvalidArn` wording.
//!
//! Errors use AWS's wording where it is known: `Invalid Arn: 'Invalid ARN prefix: <arn>'`
//! for anything that does not start with `arn:`, and `Invalid Arn: 'Resource type not valid
//! in this context: <type>'` for an ARN of another kind (an express execution given to
//! DescribeExecution). Other malformed ARNs get `Invalid Arn: '<arn>'`.

pub use arn::{Arn, ArnError, ExecutionArn, Qualifier, Resource, StateMachineArn, is_alias_name, is_valid_name};

use crate::error::ApiError;

impl From<ArnError> for ApiError {
    fn from(e: ArnError) -> ApiError {
        match e {
            ArnError::Role(arn) => ApiError::InvalidArn(format!("Invalid Role Arn: '{arn}'")),
            other => ApiError::invalid_arn(&other.to_string()),
        }
    }
}

/// Parses a `stateMachine` ARN, possibly qualified by a version or an alias. With
/// `allow_test_case`, a `#TestCase` suffix is split off.
pub fn parse_state_machine(arn: &str, allow_test_case: bool) -> Result<StateMachineArn, ApiError> {
    Ok(StateMachineArn::parse(arn, allow_test_case)?)
}

/// Parses an `execution` ARN; with `allow_express`, an `express` one too.
pub fn parse_execution(arn: &str, allow_express: bool) -> Result<ExecutionArn, ApiError> {
    Ok(ExecutionArn::parse(arn, allow_express)?)
}

/// Checks a Map Run ARN (`mapRun:<state machine>/<label>:<id>`).
pub fn check_map_run(arn: &str) -> Result<(), ApiError> {
    match arn::states_resource_type(arn)? {
        "mapRun" => Arn::parse(arn).map(drop).map_err(ApiError::from),
        other => Err(ArnError::WrongKind(other.to_owned()).into()),
    }
}

/// Checks an IAM role ARN (`arn:aws:iam::123456789012:role/Name`):
/// `Invalid Role Arn: '<arn>'` otherwise.
pub fn check_role(arn: &str) -> Result<(), ApiError> {
    Arn::parse_role(arn).map(drop).map_err(ApiError::from)
}

/// Checks the ARN of a taggable resource: a state machine (unqualified) or an activity.
pub fn check_taggable(arn: &str) -> Result<(), ApiError> {
    match arn::states_resource_type(arn)? {
        "stateMachine" => match StateMachineArn::parse(arn, false)?.qualifier {
            None => Ok(()),
            Some(_) => Err(ArnError::Malformed(arn.to_owned()).into()),
        },
        "activity" => Arn::parse(arn).map(drop).map_err(ApiError::from),
        other => Err(ArnError::WrongKind(other.to_owned()).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SM: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:my.machine-1";

    fn message(e: ApiError) -> String {
        assert_eq!(e.code(), "InvalidArn");
        e.message().to_owned()
    }

    #[test]
    fn invalid_prefix_uses_aws_wording() {
        assert_eq!(
            message(parse_state_machine("not_a_valid_arn", false).unwrap_err()),
            "Invalid Arn: 'Invalid ARN prefix: not_a_valid_arn'"
        );
        assert_eq!(
            message(parse_execution("invalid_state_machine_arn", false).unwrap_err()),
            "Invalid Arn: 'Invalid ARN prefix: invalid_state_machine_arn'"
        );
    }

    #[test]
    fn wrong_kind_uses_aws_wording() {
        let express = "arn:aws:states:us-east-1:123456789012:express:m:e:1b4e2f0c-0000-4000-8000-000000000000";
        assert_eq!(
            message(parse_execution(express, false).unwrap_err()),
            "Invalid Arn: 'Resource type not valid in this context: express'"
        );
        assert!(parse_execution(express, true).unwrap().is_express());
        let exec = "arn:aws:states:us-east-1:123456789012:execution:m:e";
        assert_eq!(
            message(parse_state_machine(exec, false).unwrap_err()),
            "Invalid Arn: 'Resource type not valid in this context: execution'"
        );
        assert_eq!(
            message(parse_execution(SM, false).unwrap_err()),
            "Invalid Arn: 'Resource type not valid in this context: stateMachine'"
        );
    }

    /// What is malformed is `stepwise-arn`'s to say (its tests hold the cases); here, that
    /// it reaches the caller as `InvalidArn` with AWS's wording.
    #[test]
    fn malformed_arns_are_invalid_arn() {
        let bad = "arn:aws:states:us-east-1:123456789012:stateMachine:m:1:2";
        assert_eq!(
            message(parse_state_machine(bad, false).unwrap_err()),
            format!("Invalid Arn: '{bad}'")
        );
        let bad = "arn:aws:states:us-east-1:123456789012:execution:m:e:x";
        assert_eq!(
            message(parse_execution(bad, false).unwrap_err()),
            format!("Invalid Arn: '{bad}'")
        );
    }

    #[test]
    fn roles_and_taggable_resources() {
        assert!(check_role("arn:aws:iam::123456789012:role/StepFunctions").is_ok());
        assert!(check_role("arn:aws:iam::123456789012:role/service-role/x").is_ok());
        assert_eq!(
            check_role("<execution-role-arn>").unwrap_err().message(),
            "Invalid Role Arn: '<execution-role-arn>'"
        );
        assert!(check_role("arn:aws:iam::123456789012:user/x").is_err());
        assert!(check_taggable(SM).is_ok());
        assert!(check_taggable("arn:aws:states:us-east-1:123456789012:activity:a").is_ok());
        assert!(check_taggable(&format!("{SM}:1")).is_err());
        assert!(check_taggable("arn:aws:states:us-east-1:123456789012:execution:m:e").is_err());
        assert!(check_map_run("arn:aws:states:us-east-1:123456789012:mapRun:m/label:0c4d1a2e").is_ok());
        assert!(check_map_run(SM).is_err());
    }
}
