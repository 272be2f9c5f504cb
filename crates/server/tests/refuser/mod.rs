//! A backend for tests of the router alone: every action answers `ServiceUnavailable`,
//! naming the method it reached and the caller's region and account.

#![allow(dead_code)]

use server::types::*;
use server::{ApiError, RequestContext, ServerConfig, StepFunctions};

/// Answers every action with `ServiceUnavailable: <method> reached the backend (<region>,
/// <account>)`.
pub struct Refuser;

macro_rules! refuse_all {
    ($($method:ident($input:ty) -> $output:ty;)*) => {
        impl StepFunctions for Refuser {
            $(
                async fn $method(&self, ctx: RequestContext, _input: $input) -> Result<$output, ApiError> {
                    Err(ApiError::ServiceUnavailable(format!(
                        "{} reached the backend ({}, {})",
                        stringify!($method),
                        ctx.region,
                        ctx.account_id
                    )))
                }
            )*
        }
    };
}

refuse_all! {
    create_state_machine(CreateStateMachineInput) -> CreateStateMachineOutput;
    describe_state_machine(DescribeStateMachineInput) -> DescribeStateMachineOutput;
    update_state_machine(UpdateStateMachineInput) -> UpdateStateMachineOutput;
    delete_state_machine(DeleteStateMachineInput) -> DeleteStateMachineOutput;
    list_state_machines(ListStateMachinesInput) -> ListStateMachinesOutput;
    validate_state_machine_definition(ValidateStateMachineDefinitionInput) -> ValidateStateMachineDefinitionOutput;
    test_state(TestStateInput) -> TestStateOutput;
    start_execution(StartExecutionInput) -> StartExecutionOutput;
    start_sync_execution(StartSyncExecutionInput) -> StartSyncExecutionOutput;
    describe_execution(DescribeExecutionInput) -> DescribeExecutionOutput;
    describe_state_machine_for_execution(DescribeStateMachineForExecutionInput) -> DescribeStateMachineForExecutionOutput;
    list_executions(ListExecutionsInput) -> ListExecutionsOutput;
    stop_execution(StopExecutionInput) -> StopExecutionOutput;
    get_execution_history(GetExecutionHistoryInput) -> GetExecutionHistoryOutput;
    redrive_execution(RedriveExecutionInput) -> RedriveExecutionOutput;
    publish_state_machine_version(PublishStateMachineVersionInput) -> PublishStateMachineVersionOutput;
    list_state_machine_versions(ListStateMachineVersionsInput) -> ListStateMachineVersionsOutput;
    delete_state_machine_version(DeleteStateMachineVersionInput) -> DeleteStateMachineVersionOutput;
    create_state_machine_alias(CreateStateMachineAliasInput) -> CreateStateMachineAliasOutput;
    describe_state_machine_alias(DescribeStateMachineAliasInput) -> DescribeStateMachineAliasOutput;
    update_state_machine_alias(UpdateStateMachineAliasInput) -> UpdateStateMachineAliasOutput;
    delete_state_machine_alias(DeleteStateMachineAliasInput) -> DeleteStateMachineAliasOutput;
    list_state_machine_aliases(ListStateMachineAliasesInput) -> ListStateMachineAliasesOutput;
    tag_resource(TagResourceInput) -> TagResourceOutput;
    untag_resource(UntagResourceInput) -> UntagResourceOutput;
    list_tags_for_resource(ListTagsForResourceInput) -> ListTagsForResourceOutput;
}

pub fn app() -> axum::Router {
    server::router(std::sync::Arc::new(Refuser), ServerConfig::default())
}
