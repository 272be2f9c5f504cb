//! What each Step Functions action does: the [`server::StepFunctions`] trait implemented
//! over the [`store::Store`] (state machines, versions, aliases, tags, executions) and the
//! [`runtime::Runtime`] (running executions).
//!
//! The server has already checked every request against the service model; what is left
//! here needs state: existence, conflicts, definition validation, pagination tokens.
//!
//! One module per resource or action group; the trait impl below only routes each action
//! to its module, so an action is found by the resource it acts on.

mod aliases;
mod convert;
mod db;
mod errors;
mod executions;
mod machines;
mod paging;
mod sync;
mod tags;
mod target;
mod test_state;
mod token;
mod versions;

use std::sync::Arc;

use runtime::Runtime;
use server::types::*;
use server::{ApiError, RequestContext, StepFunctions};

/// The Step Functions service over one runtime (and through it, one store).
pub struct Service {
    runtime: Arc<Runtime>,
}

impl Service {
    pub fn new(runtime: Arc<Runtime>) -> Self {
        Service { runtime }
    }
}

impl StepFunctions for Service {
    // State machines.

    async fn create_state_machine(
        &self,
        ctx: RequestContext,
        input: CreateStateMachineInput,
    ) -> Result<CreateStateMachineOutput, ApiError> {
        machines::create(self, ctx, input).await
    }

    async fn describe_state_machine(
        &self,
        _ctx: RequestContext,
        input: DescribeStateMachineInput,
    ) -> Result<DescribeStateMachineOutput, ApiError> {
        machines::describe(self, input).await
    }

    async fn update_state_machine(
        &self,
        _ctx: RequestContext,
        input: UpdateStateMachineInput,
    ) -> Result<UpdateStateMachineOutput, ApiError> {
        machines::update(self, input).await
    }

    async fn delete_state_machine(
        &self,
        _ctx: RequestContext,
        input: DeleteStateMachineInput,
    ) -> Result<DeleteStateMachineOutput, ApiError> {
        machines::delete(self, input).await
    }

    async fn list_state_machines(
        &self,
        _ctx: RequestContext,
        input: ListStateMachinesInput,
    ) -> Result<ListStateMachinesOutput, ApiError> {
        machines::list(self, input).await
    }

    async fn validate_state_machine_definition(
        &self,
        _ctx: RequestContext,
        input: ValidateStateMachineDefinitionInput,
    ) -> Result<ValidateStateMachineDefinitionOutput, ApiError> {
        machines::validate_definition(input)
    }

    async fn test_state(&self, ctx: RequestContext, input: TestStateInput) -> Result<TestStateOutput, ApiError> {
        test_state::test_state(ctx, input)
    }

    // Executions.

    async fn start_execution(
        &self,
        _ctx: RequestContext,
        input: StartExecutionInput,
    ) -> Result<StartExecutionOutput, ApiError> {
        executions::start(self, input).await
    }

    async fn start_sync_execution(
        &self,
        _ctx: RequestContext,
        input: StartSyncExecutionInput,
    ) -> Result<StartSyncExecutionOutput, ApiError> {
        sync::start(self, input).await
    }

    async fn describe_execution(
        &self,
        _ctx: RequestContext,
        input: DescribeExecutionInput,
    ) -> Result<DescribeExecutionOutput, ApiError> {
        executions::describe(self, input).await
    }

    async fn describe_state_machine_for_execution(
        &self,
        _ctx: RequestContext,
        input: DescribeStateMachineForExecutionInput,
    ) -> Result<DescribeStateMachineForExecutionOutput, ApiError> {
        executions::describe_state_machine(self, input).await
    }

    async fn list_executions(
        &self,
        _ctx: RequestContext,
        input: ListExecutionsInput,
    ) -> Result<ListExecutionsOutput, ApiError> {
        executions::list(self, input).await
    }

    async fn stop_execution(
        &self,
        _ctx: RequestContext,
        input: StopExecutionInput,
    ) -> Result<StopExecutionOutput, ApiError> {
        executions::stop(self, input).await
    }

    async fn get_execution_history(
        &self,
        _ctx: RequestContext,
        input: GetExecutionHistoryInput,
    ) -> Result<GetExecutionHistoryOutput, ApiError> {
        executions::history(self, input).await
    }

    async fn redrive_execution(
        &self,
        _ctx: RequestContext,
        input: RedriveExecutionInput,
    ) -> Result<RedriveExecutionOutput, ApiError> {
        executions::redrive(self, input).await
    }

    // Versions.

    async fn publish_state_machine_version(
        &self,
        _ctx: RequestContext,
        input: PublishStateMachineVersionInput,
    ) -> Result<PublishStateMachineVersionOutput, ApiError> {
        versions::publish_action(self, input).await
    }

    async fn list_state_machine_versions(
        &self,
        _ctx: RequestContext,
        input: ListStateMachineVersionsInput,
    ) -> Result<ListStateMachineVersionsOutput, ApiError> {
        versions::list(self, input).await
    }

    async fn delete_state_machine_version(
        &self,
        _ctx: RequestContext,
        input: DeleteStateMachineVersionInput,
    ) -> Result<DeleteStateMachineVersionOutput, ApiError> {
        versions::delete(self, input).await
    }

    // Aliases.

    async fn create_state_machine_alias(
        &self,
        _ctx: RequestContext,
        input: CreateStateMachineAliasInput,
    ) -> Result<CreateStateMachineAliasOutput, ApiError> {
        aliases::create(self, input).await
    }

    async fn describe_state_machine_alias(
        &self,
        _ctx: RequestContext,
        input: DescribeStateMachineAliasInput,
    ) -> Result<DescribeStateMachineAliasOutput, ApiError> {
        aliases::describe(self, input).await
    }

    async fn update_state_machine_alias(
        &self,
        _ctx: RequestContext,
        input: UpdateStateMachineAliasInput,
    ) -> Result<UpdateStateMachineAliasOutput, ApiError> {
        aliases::update(self, input).await
    }

    async fn delete_state_machine_alias(
        &self,
        _ctx: RequestContext,
        input: DeleteStateMachineAliasInput,
    ) -> Result<DeleteStateMachineAliasOutput, ApiError> {
        aliases::delete(self, input).await
    }

    async fn list_state_machine_aliases(
        &self,
        _ctx: RequestContext,
        input: ListStateMachineAliasesInput,
    ) -> Result<ListStateMachineAliasesOutput, ApiError> {
        aliases::list(self, input).await
    }

    // Tags.

    async fn tag_resource(&self, _ctx: RequestContext, input: TagResourceInput) -> Result<TagResourceOutput, ApiError> {
        tags::tag(self, input).await
    }

    async fn untag_resource(
        &self,
        _ctx: RequestContext,
        input: UntagResourceInput,
    ) -> Result<UntagResourceOutput, ApiError> {
        tags::untag(self, input).await
    }

    async fn list_tags_for_resource(
        &self,
        _ctx: RequestContext,
        input: ListTagsForResourceInput,
    ) -> Result<ListTagsForResourceOutput, ApiError> {
        tags::list(self, input).await
    }
}
