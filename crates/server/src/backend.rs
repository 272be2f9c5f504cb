//! The boundary between the HTTP API and whatever carries the actions out (the runtime).
//!
//! [`StepFunctions`] has one method per action. Each gets the caller's [`RequestContext`]
//! and the request, already checked against the service model and the service's syntax
//! rules (see [`crate::validate`] and [`crate::rules`]): required members are there, lengths,
//! ranges, enums and patterns hold, ARNs parse and are of the right kind, names are valid,
//! execution input is JSON. What is left to the backend is everything that needs state:
//! existence (`StateMachineDoesNotExist`…), conflicts, definition validation
//! (`InvalidDefinition`), pagination tokens (`InvalidToken`), limits.
//!
//! Implement it with plain `async fn`s:
//!
//! ```ignore
//! impl StepFunctions for Runtime {
//!     async fn describe_state_machine(
//!         &self,
//!         ctx: RequestContext,
//!         input: DescribeStateMachineInput,
//!     ) -> Result<DescribeStateMachineOutput, ApiError> {
//!         // ...
//!     }
//!     // ... one per action
//! }
//! ```
//!
//! The futures must be `Send` (the server runs them on a multi-threaded tokio runtime), so
//! hold no `std::sync::MutexGuard` across an `.await`. Blocking work (the store) belongs in
//! `tokio::task::spawn_blocking`.

use std::future::Future;

use crate::error::ApiError;
use crate::types::*;

/// Who is calling, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestContext {
    /// From the SigV4 credential scope of the `Authorization` header
    /// (`Credential=AKID/20240101/<region>/states/aws4_request`), else the server's default.
    pub region: String,
    /// The server's account id (credentials do not carry one), unless an authenticator
    /// says otherwise.
    pub account_id: String,
    /// The access key id of the credential scope, if the request was signed.
    pub access_key_id: Option<String>,
    /// The id sent back in `x-amzn-RequestId`.
    pub request_id: String,
}

impl RequestContext {
    /// `arn:aws:states:<region>:<account>:stateMachine:<name>`
    pub fn state_machine_arn(&self, name: &str) -> String {
        let resource = arn::Resource::StateMachine {
            name: name.to_owned(),
            qualifier: None,
        };
        arn::Arn::in_region(&self.region, &self.account_id, resource).to_string()
    }
}

/// The ARN partition of a region (`aws`, `aws-cn`, `aws-us-gov`).
pub use arn::partition_of;

macro_rules! backend_trait {
    ($( $(#[$doc:meta])* $method:ident($input:ty) -> $output:ty; )*) => {
        /// The Step Functions actions, as the runtime implements them. See the module docs.
        pub trait StepFunctions: Send + Sync + 'static {
            $(
                $(#[$doc])*
                fn $method(
                    &self,
                    ctx: RequestContext,
                    input: $input,
                ) -> impl Future<Output = Result<$output, ApiError>> + Send;
            )*
        }
    };
}

/// Calls `$callback! { … }` with every action as `$(#[doc])* method(Input) -> Output;`: the
/// one list [`StepFunctions`] is written from, and that a backend answering every action
/// alike (a test double) can be written from too, so that adding an action is one line.
#[macro_export]
macro_rules! for_each_action {
    ($callback:ident) => {
        $callback! {
        /// Errors: StateMachineAlreadyExists (same name, different definition/role/config),
        /// InvalidDefinition, StateMachineTypeNotSupported, TooManyTags, StateMachineLimitExceeded,
        /// InvalidLoggingConfiguration, ConflictException… Same name and same everything returns
        /// the existing state machine (AWS is idempotent here).
        create_state_machine(CreateStateMachineInput) -> CreateStateMachineOutput;
        /// The ARN may be a version or alias ARN.
        describe_state_machine(DescribeStateMachineInput) -> DescribeStateMachineOutput;
        update_state_machine(UpdateStateMachineInput) -> UpdateStateMachineOutput;
        /// Idempotent: deleting an unknown state machine succeeds.
        delete_state_machine(DeleteStateMachineInput) -> DeleteStateMachineOutput;
        /// `maxResults` 0 means the default (100); `nextToken` from a previous page, else
        /// InvalidToken.
        list_state_machines(ListStateMachinesInput) -> ListStateMachinesOutput;
        validate_state_machine_definition(ValidateStateMachineDefinitionInput) -> ValidateStateMachineDefinitionOutput;
        test_state(TestStateInput) -> TestStateOutput;
        /// The ARN may be a version or alias ARN, and may end in `#TestCase` (mocked
        /// integrations, as Step Functions Local). A missing `name` means a UUID; a missing
        /// `input` means `{}`.
        start_execution(StartExecutionInput) -> StartExecutionOutput;
        /// EXPRESS state machines only (StateMachineTypeNotSupported otherwise).
        start_sync_execution(StartSyncExecutionInput) -> StartSyncExecutionOutput;
        describe_execution(DescribeExecutionInput) -> DescribeExecutionOutput;
        describe_state_machine_for_execution(DescribeStateMachineForExecutionInput) -> DescribeStateMachineForExecutionOutput;
        /// Exactly one of `stateMachineArn` (possibly a version or alias ARN) and `mapRunArn`.
        list_executions(ListExecutionsInput) -> ListExecutionsOutput;
        stop_execution(StopExecutionInput) -> StopExecutionOutput;
        get_execution_history(GetExecutionHistoryInput) -> GetExecutionHistoryOutput;
        redrive_execution(RedriveExecutionInput) -> RedriveExecutionOutput;
        publish_state_machine_version(PublishStateMachineVersionInput) -> PublishStateMachineVersionOutput;
        list_state_machine_versions(ListStateMachineVersionsInput) -> ListStateMachineVersionsOutput;
        /// Idempotent; ConflictException while an alias routes to the version.
        delete_state_machine_version(DeleteStateMachineVersionInput) -> DeleteStateMachineVersionOutput;
        /// The routing configuration holds 1 or 2 distinct version ARNs whose weights sum to
        /// 100 (checked); that they exist and belong to one state machine is the backend's.
        create_state_machine_alias(CreateStateMachineAliasInput) -> CreateStateMachineAliasOutput;
        describe_state_machine_alias(DescribeStateMachineAliasInput) -> DescribeStateMachineAliasOutput;
        update_state_machine_alias(UpdateStateMachineAliasInput) -> UpdateStateMachineAliasOutput;
        delete_state_machine_alias(DeleteStateMachineAliasInput) -> DeleteStateMachineAliasOutput;
        /// The ARN is a state machine ARN or a version ARN (aliases routing to that version).
        list_state_machine_aliases(ListStateMachineAliasesInput) -> ListStateMachineAliasesOutput;
        tag_resource(TagResourceInput) -> TagResourceOutput;
        untag_resource(UntagResourceInput) -> UntagResourceOutput;
        list_tags_for_resource(ListTagsForResourceInput) -> ListTagsForResourceOutput;
        }
    };
}

for_each_action!(backend_trait);
