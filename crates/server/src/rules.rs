//! The service's own request checks, run after the model constraints and before the
//! backend: ARN syntax and kind, resource names, execution input JSON, and rules that tie
//! members together. One function per action.
//!
//! One known difference in order: AWS reports a missing state machine before an invalid
//! execution name or input (StartExecution with both gives `StateMachineDoesNotExist`);
//! here the name and input are checked first, without the store. Only requests that are
//! wrong in two ways see the difference.

use serde_json::Value;

use crate::arn::{self, Qualifier};
use crate::error::ApiError;
use crate::types::*;

fn labeled_arn_not_supported(arn: &str) -> ApiError {
    ApiError::ValidationException {
        message: format!("This API does not support labeled ARNs: '{arn}'"),
        reason: Some(ValidationExceptionReason::ApiDoesNotSupportLabeledArns),
    }
}

/// An unqualified state machine ARN (no version or alias).
fn unqualified_state_machine(arn: &str) -> Result<(), ApiError> {
    let sm = arn::parse_state_machine(arn, false)?;
    if sm.qualifier.is_some() {
        return Err(labeled_arn_not_supported(arn));
    }
    Ok(())
}

fn name(name: &str) -> Result<(), ApiError> {
    if arn::is_valid_name(name) {
        Ok(())
    } else {
        Err(ApiError::invalid_name(name))
    }
}

/// Execution input must be a JSON text.
pub fn execution_input(input: &str) -> Result<(), ApiError> {
    match serde_json::from_str::<Value>(input) {
        Ok(_) => Ok(()),
        Err(e) => Err(ApiError::invalid_execution_input(&e.to_string())),
    }
}

fn version_description(publish: Option<bool>, description: Option<&String>) -> Result<(), ApiError> {
    if description.is_some() && publish != Some(true) {
        return Err(ApiError::validation(
            "Version description can only be set when publish is true",
        ));
    }
    Ok(())
}

fn routing(routing: &[RoutingConfigurationListItem]) -> Result<(), ApiError> {
    let arns: Vec<&str> = routing.iter().map(|r| r.state_machine_version_arn.as_str()).collect();
    let all_versions = arns.iter().all(|a| {
        matches!(
            arn::parse_state_machine(a, false),
            Ok(arn::StateMachineArn {
                qualifier: Some(Qualifier::Version(_)),
                ..
            })
        )
    });
    let invalid = |message: String| ApiError::ValidationException {
        message,
        reason: Some(ValidationExceptionReason::InvalidRoutingConfiguration),
    };
    if !all_versions {
        return Err(invalid(format!(
            "Routing configuration must contain state machine version ARNs. Received: [{}]",
            arns.join(", ")
        )));
    }
    if arns.len() == 2 && arns[0] == arns[1] {
        return Err(invalid(format!(
            "Routing configuration must contain distinct state machine version ARNs. Received: [{}]",
            arns.join(", ")
        )));
    }
    let sum: i32 = routing.iter().map(|r| r.weight).sum();
    if sum != 100 {
        let weights: Vec<String> = routing.iter().map(|r| r.weight.to_string()).collect();
        return Err(invalid(format!(
            "Sum of routing configuration weights must equal 100. Received: [{}]",
            weights.join(", ")
        )));
    }
    Ok(())
}

/// A logging level other than OFF needs exactly one destination.
fn logging(config: Option<&LoggingConfiguration>) -> Result<(), ApiError> {
    let Some(config) = config else {
        return Ok(());
    };
    let level = config.level.unwrap_or(LogLevel::Off);
    let destinations = config.destinations.as_ref().map_or(0, Vec::len);
    if (level != LogLevel::Off && destinations != 1) || destinations > 1 {
        return Err(ApiError::InvalidLoggingConfiguration(
            "Invalid Logging Configuration: Must specify exactly one Log Destination.".into(),
        ));
    }
    Ok(())
}

pub fn create_state_machine(r: &CreateStateMachineInput) -> Result<(), ApiError> {
    name(&r.name)?;
    arn::check_role(&r.role_arn)?;
    logging(r.logging_configuration.as_ref())?;
    version_description(r.publish, r.version_description.as_ref())
}

pub fn describe_state_machine(r: &DescribeStateMachineInput) -> Result<(), ApiError> {
    arn::parse_state_machine(&r.state_machine_arn, false).map(drop)
}

pub fn update_state_machine(r: &UpdateStateMachineInput) -> Result<(), ApiError> {
    unqualified_state_machine(&r.state_machine_arn)?;
    if r.definition.is_none()
        && r.role_arn.is_none()
        && r.logging_configuration.is_none()
        && r.tracing_configuration.is_none()
        && r.encryption_configuration.is_none()
    {
        return Err(ApiError::MissingRequiredParameter(
            "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified".into(),
        ));
    }
    if let Some(role) = &r.role_arn {
        arn::check_role(role)?;
    }
    logging(r.logging_configuration.as_ref())?;
    version_description(r.publish, r.version_description.as_ref())
}

pub fn delete_state_machine(r: &DeleteStateMachineInput) -> Result<(), ApiError> {
    unqualified_state_machine(&r.state_machine_arn)
}

pub fn list_state_machines(_: &ListStateMachinesInput) -> Result<(), ApiError> {
    Ok(())
}

pub fn validate_state_machine_definition(_: &ValidateStateMachineDefinitionInput) -> Result<(), ApiError> {
    Ok(())
}

pub fn test_state(r: &TestStateInput) -> Result<(), ApiError> {
    if let Some(role) = &r.role_arn {
        arn::check_role(role)?;
    }
    if let Some(input) = &r.input {
        execution_input(input)?;
    }
    Ok(())
}

pub fn start_execution(r: &StartExecutionInput) -> Result<(), ApiError> {
    start(&r.state_machine_arn, r.name.as_deref(), r.input.as_deref())
}

pub fn start_sync_execution(r: &StartSyncExecutionInput) -> Result<(), ApiError> {
    start(&r.state_machine_arn, r.name.as_deref(), r.input.as_deref())
}

/// What StartExecution and StartSyncExecution check alike: a state machine (version or
/// alias) ARN, the execution's name, its input.
fn start(state_machine_arn: &str, execution_name: Option<&str>, input: Option<&str>) -> Result<(), ApiError> {
    arn::parse_state_machine(state_machine_arn, true)?;
    if let Some(n) = execution_name {
        name(n)?;
    }
    if let Some(input) = input {
        execution_input(input)?;
    }
    Ok(())
}

pub fn describe_execution(r: &DescribeExecutionInput) -> Result<(), ApiError> {
    arn::parse_execution(&r.execution_arn, false).map(drop)
}

pub fn describe_state_machine_for_execution(r: &DescribeStateMachineForExecutionInput) -> Result<(), ApiError> {
    arn::parse_execution(&r.execution_arn, false).map(drop)
}

pub fn list_executions(r: &ListExecutionsInput) -> Result<(), ApiError> {
    match (&r.state_machine_arn, &r.map_run_arn) {
        (Some(sm), None) => arn::parse_state_machine(sm, false).map(drop),
        (None, Some(map_run)) => arn::check_map_run(map_run),
        (Some(_), Some(_)) => Err(ApiError::validation(
            "Only one of stateMachineArn or mapRunArn can be specified",
        )),
        (None, None) => Err(ApiError::ValidationException {
            message: "Must specify either stateMachineArn or mapRunArn".into(),
            reason: Some(ValidationExceptionReason::MissingRequiredParameter),
        }),
    }
}

pub fn stop_execution(r: &StopExecutionInput) -> Result<(), ApiError> {
    arn::parse_execution(&r.execution_arn, false).map(drop)
}

pub fn get_execution_history(r: &GetExecutionHistoryInput) -> Result<(), ApiError> {
    arn::parse_execution(&r.execution_arn, false).map(drop)
}

pub fn redrive_execution(r: &RedriveExecutionInput) -> Result<(), ApiError> {
    arn::parse_execution(&r.execution_arn, false).map(drop)
}

pub fn publish_state_machine_version(r: &PublishStateMachineVersionInput) -> Result<(), ApiError> {
    unqualified_state_machine(&r.state_machine_arn)
}

pub fn list_state_machine_versions(r: &ListStateMachineVersionsInput) -> Result<(), ApiError> {
    unqualified_state_machine(&r.state_machine_arn)
}

pub fn delete_state_machine_version(r: &DeleteStateMachineVersionInput) -> Result<(), ApiError> {
    let sm = arn::parse_state_machine(&r.state_machine_version_arn, false)?;
    match sm.qualifier {
        Some(Qualifier::Version(_)) => Ok(()),
        _ => Err(ApiError::invalid_arn(&r.state_machine_version_arn)),
    }
}

pub fn create_state_machine_alias(r: &CreateStateMachineAliasInput) -> Result<(), ApiError> {
    routing(&r.routing_configuration)
}

fn alias_arn(a: &str) -> Result<(), ApiError> {
    let sm = arn::parse_state_machine(a, false)?;
    match sm.qualifier {
        Some(Qualifier::Alias(_)) => Ok(()),
        _ => Err(ApiError::invalid_arn(a)),
    }
}

pub fn describe_state_machine_alias(r: &DescribeStateMachineAliasInput) -> Result<(), ApiError> {
    alias_arn(&r.state_machine_alias_arn)
}

pub fn update_state_machine_alias(r: &UpdateStateMachineAliasInput) -> Result<(), ApiError> {
    alias_arn(&r.state_machine_alias_arn)?;
    if r.description.is_none() && r.routing_configuration.is_none() {
        return Err(ApiError::MissingRequiredParameter(
            "Either the description or the RoutingConfiguration must be specified".into(),
        ));
    }
    match &r.routing_configuration {
        Some(rc) => routing(rc),
        None => Ok(()),
    }
}

pub fn delete_state_machine_alias(r: &DeleteStateMachineAliasInput) -> Result<(), ApiError> {
    alias_arn(&r.state_machine_alias_arn)
}

pub fn list_state_machine_aliases(r: &ListStateMachineAliasesInput) -> Result<(), ApiError> {
    let sm = arn::parse_state_machine(&r.state_machine_arn, false)?;
    match sm.qualifier {
        Some(Qualifier::Alias(_)) => Err(labeled_arn_not_supported(&r.state_machine_arn)),
        _ => Ok(()),
    }
}

pub fn tag_resource(r: &TagResourceInput) -> Result<(), ApiError> {
    arn::check_taggable(&r.resource_arn)
}

pub fn untag_resource(r: &UntagResourceInput) -> Result<(), ApiError> {
    arn::check_taggable(&r.resource_arn)
}

pub fn list_tags_for_resource(r: &ListTagsForResourceInput) -> Result<(), ApiError> {
    arn::check_taggable(&r.resource_arn)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SM: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:m";
    const ROLE: &str = "arn:aws:iam::123456789012:role/r";

    fn create(name: &str) -> CreateStateMachineInput {
        CreateStateMachineInput {
            name: name.into(),
            definition: "{}".into(),
            role_arn: ROLE.into(),
            r#type: None,
            logging_configuration: None,
            tags: None,
            tracing_configuration: None,
            publish: None,
            version_description: None,
            encryption_configuration: None,
        }
    }

    #[test]
    fn invalid_names() {
        let e = create_state_machine(&create("a b")).unwrap_err();
        assert_eq!(e.code(), "InvalidName");
        assert_eq!(e.message(), "Invalid Name: 'a b'");
        assert!(create_state_machine(&create("ok.name")).is_ok());
    }

    #[test]
    fn logging_needs_one_destination_unless_off() {
        let mut r = create("m");
        r.logging_configuration = Some(LoggingConfiguration {
            level: Some(LogLevel::All),
            include_execution_data: None,
            destinations: None,
        });
        let e = create_state_machine(&r).unwrap_err();
        assert_eq!(e.code(), "InvalidLoggingConfiguration");
        assert_eq!(
            e.message(),
            "Invalid Logging Configuration: Must specify exactly one Log Destination."
        );
        r.logging_configuration = Some(LoggingConfiguration {
            level: Some(LogLevel::Off),
            include_execution_data: Some(false),
            destinations: None,
        });
        assert!(create_state_machine(&r).is_ok());
    }

    #[test]
    fn version_description_needs_publish() {
        let mut r = create("m");
        r.version_description = Some("d".into());
        let e = create_state_machine(&r).unwrap_err();
        assert_eq!(e.message(), "Version description can only be set when publish is true");
        r.publish = Some(true);
        assert!(create_state_machine(&r).is_ok());
    }

    #[test]
    fn execution_input_must_be_json() {
        let r = StartExecutionInput {
            state_machine_arn: SM.into(),
            name: None,
            input: Some("not json".into()),
            trace_header: None,
        };
        let e = start_execution(&r).unwrap_err();
        assert_eq!(e.code(), "InvalidExecutionInput");
        assert!(
            e.message().starts_with("Invalid State Machine Execution Input: '"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn update_needs_something_to_update() {
        let r = UpdateStateMachineInput {
            state_machine_arn: SM.into(),
            definition: None,
            role_arn: None,
            logging_configuration: None,
            tracing_configuration: None,
            publish: None,
            version_description: None,
            encryption_configuration: None,
        };
        let e = update_state_machine(&r).unwrap_err();
        assert_eq!(e.code(), "MissingRequiredParameter");
        assert_eq!(
            e.message(),
            "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified"
        );
        let labeled = UpdateStateMachineInput {
            state_machine_arn: format!("{SM}:1"),
            definition: Some("{}".into()),
            ..r
        };
        let e = update_state_machine(&labeled).unwrap_err();
        assert_eq!(e.to_body()["reason"], "API_DOES_NOT_SUPPORT_LABELED_ARNS");
    }

    #[test]
    fn routing_configuration_rules() {
        let item = |arn: &str, weight| RoutingConfigurationListItem {
            state_machine_version_arn: arn.into(),
            weight,
        };
        let v1 = format!("{SM}:1");
        let v2 = format!("{SM}:2");
        assert!(routing(&[item(&v1, 100)]).is_ok());
        assert!(routing(&[item(&v1, 70), item(&v2, 30)]).is_ok());
        assert_eq!(
            routing(&[item(&v1, 70), item(&v2, 31)]).unwrap_err().message(),
            "Sum of routing configuration weights must equal 100. Received: [70, 31]"
        );
        assert_eq!(
            routing(&[item(SM, 100)]).unwrap_err().message(),
            format!("Routing configuration must contain state machine version ARNs. Received: [{SM}]")
        );
        assert_eq!(
            routing(&[item(&v1, 50), item(&v1, 50)]).unwrap_err().message(),
            format!("Routing configuration must contain distinct state machine version ARNs. Received: [{v1}, {v1}]")
        );
    }

    #[test]
    fn list_executions_needs_exactly_one_parent() {
        assert!(list_executions(&ListExecutionsInput::default()).is_err());
        let r = ListExecutionsInput {
            state_machine_arn: Some(SM.into()),
            ..Default::default()
        };
        assert!(list_executions(&r).is_ok());
        let r = ListExecutionsInput {
            state_machine_arn: Some("nope".into()),
            ..Default::default()
        };
        assert_eq!(
            list_executions(&r).unwrap_err().message(),
            "Invalid Arn: 'Invalid ARN prefix: nope'"
        );
    }

    #[test]
    fn version_and_alias_arns() {
        let r = DeleteStateMachineVersionInput {
            state_machine_version_arn: SM.into(),
        };
        assert_eq!(delete_state_machine_version(&r).unwrap_err().code(), "InvalidArn");
        let r = DescribeStateMachineAliasInput {
            state_machine_alias_arn: format!("{SM}:PROD"),
        };
        assert!(describe_state_machine_alias(&r).is_ok());
        let r = DescribeStateMachineAliasInput {
            state_machine_alias_arn: format!("{SM}:2"),
        };
        assert_eq!(describe_state_machine_alias(&r).unwrap_err().code(), "InvalidArn");
    }
}
