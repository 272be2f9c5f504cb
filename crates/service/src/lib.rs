//! What each Step Functions action does: the [`server::StepFunctions`] trait implemented
//! over the [`store::Store`] (state machines, versions, aliases, tags, executions) and the
//! [`runtime::Runtime`] (running executions).
//!
//! The server has already checked every request against the service model; what is left
//! here needs state: existence, conflicts, definition validation, pagination tokens.

mod convert;
mod token;

use std::sync::Arc;

use asl::StateMachine;
use runtime::{Runtime, RuntimeError, StartRequest, Target};
use server::arn::{self, Qualifier};
use server::types::*;
use server::{ApiError, RequestContext, StepFunctions};
use store::{
    AliasRecord, ExecutionFilter, HistoryQuery, Page, RoutingEntry, StateMachineRecord, Store, StoreError,
    VersionRecord, WorkflowType,
};

use convert::*;

/// Default and largest page sizes of the list actions.
const DEFAULT_PAGE: usize = 100;
const MAX_PAGE: usize = 1000;

pub struct Service {
    runtime: Arc<Runtime>,
}

impl Service {
    pub fn new(runtime: Arc<Runtime>) -> Self {
        Service { runtime }
    }

    fn store(&self) -> Arc<dyn Store> {
        self.runtime.store().clone()
    }

    /// Runs a store call on a blocking thread.
    async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, ApiError> {
        self.db_raw(f).await.map_err(store_error)
    }

    /// Like [`Service::db`], keeping the store's error for the caller to interpret.
    async fn db_raw<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = self.store();
        tokio::task::spawn_blocking(move || f(store.as_ref()))
            .await
            .map_err(|e| StoreError::Backend(e.to_string()))?
    }

    async fn state_machine(&self, arn: &str) -> Result<StateMachineRecord, ApiError> {
        let owned = arn.to_string();
        self.db(move |s| s.get_state_machine(&owned))
            .await?
            .ok_or_else(|| ApiError::state_machine_does_not_exist(arn))
    }

    /// What a (possibly qualified) state machine ARN runs.
    async fn resolve_target(&self, parsed: &arn::StateMachineArn) -> Result<(Target, StateMachineRecord), ApiError> {
        let sm_arn = parsed.unqualified();
        let sm = self.state_machine(&sm_arn).await?;
        let shown = parsed.without_test_case();
        let (definition, role_arn, version_arn, alias_arn) = match &parsed.qualifier {
            None => (sm.definition.clone(), sm.role_arn.clone(), None, None),
            Some(Qualifier::Version(_)) => {
                let arn_owned = shown.clone();
                let v = self
                    .db(move |s| s.get_version(&arn_owned))
                    .await?
                    .ok_or_else(|| ApiError::resource_not_found(Some(&shown)))?;
                (v.definition, v.role_arn, Some(v.arn), None)
            }
            Some(Qualifier::Alias(_)) => {
                let arn_owned = shown.clone();
                let a = self
                    .db(move |s| s.get_alias(&arn_owned))
                    .await?
                    .ok_or_else(|| ApiError::resource_not_found(Some(&shown)))?;
                let version_arn = pick_version(&a.routing);
                let lookup = version_arn.clone();
                let v = self
                    .db(move |s| s.get_version(&lookup))
                    .await?
                    .ok_or_else(|| ApiError::resource_not_found(Some(&version_arn)))?;
                (v.definition, v.role_arn, Some(v.arn), Some(a.arn))
            }
        };
        let target = Target {
            state_machine_arn: sm_arn,
            kind: sm.kind,
            definition,
            role_arn,
            version_arn,
            alias_arn,
        };
        Ok((target, sm))
    }
}

/// An alias picks one of its versions with probability proportional to its weight.
fn pick_version(routing: &[RoutingEntry]) -> String {
    let total: u32 = routing.iter().map(|r| r.weight).sum::<u32>().max(1);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let mut roll = (nanos.wrapping_mul(2_654_435_761)) % total;
    for r in routing {
        if roll < r.weight {
            return r.version_arn.clone();
        }
        roll -= r.weight;
    }
    routing.first().map(|r| r.version_arn.clone()).unwrap_or_default()
}

fn store_error(e: StoreError) -> ApiError {
    ApiError::internal(e.to_string())
}

fn runtime_error(e: RuntimeError) -> ApiError {
    match e {
        RuntimeError::ExecutionAlreadyExists(arn) => ApiError::execution_already_exists(&arn),
        RuntimeError::ExecutionDoesNotExist(arn) => ApiError::execution_does_not_exist(&arn),
        RuntimeError::NotRedrivable(m) => ApiError::ExecutionNotRedrivable(m),
        RuntimeError::InvalidDefinition(d) => ApiError::invalid_definition(&d),
        RuntimeError::TestCase(m) => ApiError::validation(m),
        RuntimeError::Store(e) => store_error(e),
        RuntimeError::ShuttingDown => ApiError::internal("the server is shutting down"),
    }
}

fn page_size(max_results: Option<i32>) -> usize {
    match max_results {
        Some(n) if n > 0 => (n as usize).min(MAX_PAGE),
        _ => DEFAULT_PAGE,
    }
}

/// Fetches one more item than asked to know whether a next page exists.
fn split_page<T>(mut items: Vec<T>, limit: usize, key: impl Fn(&T) -> String) -> (Vec<T>, Option<String>) {
    if items.len() > limit {
        items.truncate(limit);
        let next = items.last().map(|i| token::encode(&key(i)));
        (items, next)
    } else {
        (items, None)
    }
}

fn check_definition(definition: &str) -> Result<(), ApiError> {
    StateMachine::parse(definition)
        .map(|_| ())
        .map_err(|e| ApiError::InvalidDefinition(e.to_string()))
}

fn new_revision() -> String {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    engine::format_uuid(n, n.rotate_left(23) ^ 0x5851_F42D_4C95_7F2D)
}

impl StepFunctions for Service {
    async fn create_state_machine(
        &self,
        ctx: RequestContext,
        input: CreateStateMachineInput,
    ) -> Result<CreateStateMachineOutput, ApiError> {
        check_definition(&input.definition)?;
        if input.version_description.is_some() && input.publish != Some(true) {
            return Err(ApiError::validation(
                "Version description can only be set when publish is true",
            ));
        }
        let arn = ctx.state_machine_arn(&input.name);
        let kind = match input.r#type {
            Some(StateMachineType::Express) => WorkflowType::Express,
            _ => WorkflowType::Standard,
        };
        let now = Timestamp::now().as_millis();
        let record = StateMachineRecord {
            arn: arn.clone(),
            name: input.name.clone(),
            kind,
            definition: input.definition.clone(),
            role_arn: input.role_arn.clone(),
            description: None,
            logging_configuration: input
                .logging_configuration
                .as_ref()
                .and_then(|l| serde_json::to_value(l).ok()),
            tracing_configuration: input
                .tracing_configuration
                .as_ref()
                .and_then(|t| serde_json::to_value(t).ok()),
            revision_id: new_revision(),
            created_ms: now,
            updated_ms: now,
        };
        let tags = to_store_tags(input.tags.as_deref().unwrap_or(&[]));
        let stored = record.clone();
        match self.db_raw(move |s| s.create_state_machine(&stored, &tags)).await {
            Ok(()) => {}
            Err(StoreError::AlreadyExists(_)) => {
                // Same name and the same everything is idempotent, as on AWS.
                let existing = self.state_machine(&arn).await?;
                if existing.definition == record.definition
                    && existing.role_arn == record.role_arn
                    && existing.kind == record.kind
                {
                    return Ok(CreateStateMachineOutput {
                        state_machine_arn: arn,
                        creation_date: Timestamp(existing.created_ms),
                        state_machine_version_arn: None,
                    });
                }
                return Err(ApiError::state_machine_already_exists(&arn));
            }
            Err(e) => return Err(store_error(e)),
        }
        let version_arn = if input.publish == Some(true) {
            Some(self.publish(&record, input.version_description.clone()).await?.arn)
        } else {
            None
        };
        Ok(CreateStateMachineOutput {
            state_machine_arn: arn,
            creation_date: Timestamp(now),
            state_machine_version_arn: version_arn,
        })
    }

    async fn describe_state_machine(
        &self,
        _ctx: RequestContext,
        input: DescribeStateMachineInput,
    ) -> Result<DescribeStateMachineOutput, ApiError> {
        let parsed = arn::parse_state_machine(&input.state_machine_arn, false)?;
        let sm = self.state_machine(&parsed.unqualified()).await?;
        match &parsed.qualifier {
            Some(Qualifier::Version(_)) => {
                let varn = parsed.without_test_case();
                let lookup = varn.clone();
                let v = self
                    .db(move |s| s.get_version(&lookup))
                    .await?
                    .ok_or_else(|| ApiError::resource_not_found(Some(&varn)))?;
                let mut out = describe_output(&sm);
                out.state_machine_arn = v.arn;
                out.definition = v.definition;
                out.role_arn = v.role_arn;
                out.revision_id = Some(v.revision_id);
                out.description = v.description;
                out.creation_date = Timestamp(v.created_ms);
                Ok(out)
            }
            _ => Ok(describe_output(&sm)),
        }
    }

    async fn update_state_machine(
        &self,
        _ctx: RequestContext,
        input: UpdateStateMachineInput,
    ) -> Result<UpdateStateMachineOutput, ApiError> {
        let parsed = arn::parse_state_machine(&input.state_machine_arn, false)?;
        let mut sm = self.state_machine(&parsed.unqualified()).await?;
        if let Some(d) = &input.definition {
            check_definition(d)?;
            sm.definition = d.clone();
        }
        if let Some(r) = &input.role_arn {
            sm.role_arn = r.clone();
        }
        if let Some(l) = &input.logging_configuration {
            sm.logging_configuration = serde_json::to_value(l).ok();
        }
        if let Some(t) = &input.tracing_configuration {
            sm.tracing_configuration = serde_json::to_value(t).ok();
        }
        if input.version_description.is_some() && input.publish != Some(true) {
            return Err(ApiError::validation(
                "Version description can only be set when publish is true",
            ));
        }
        sm.revision_id = new_revision();
        sm.updated_ms = Timestamp::now().as_millis();
        let stored = sm.clone();
        self.db(move |s| s.update_state_machine(&stored)).await?;
        let version_arn = if input.publish == Some(true) {
            Some(self.publish(&sm, input.version_description.clone()).await?.arn)
        } else {
            None
        };
        Ok(UpdateStateMachineOutput {
            update_date: Timestamp(sm.updated_ms),
            revision_id: Some(sm.revision_id),
            state_machine_version_arn: version_arn,
        })
    }

    async fn delete_state_machine(
        &self,
        _ctx: RequestContext,
        input: DeleteStateMachineInput,
    ) -> Result<DeleteStateMachineOutput, ApiError> {
        let parsed = arn::parse_state_machine(&input.state_machine_arn, false)?;
        if parsed.qualifier.is_some() {
            return Err(ApiError::validation(
                "The state machine ARN must not be qualified by a version or an alias",
            ));
        }
        let arn = parsed.unqualified();
        match self.db_raw(move |s| s.delete_state_machine(&arn)).await {
            Ok(()) => Ok(DeleteStateMachineOutput {}),
            Err(StoreError::NotFound(_)) => Ok(DeleteStateMachineOutput {}),
            Err(e) => Err(store_error(e)),
        }
    }

    async fn list_state_machines(
        &self,
        _ctx: RequestContext,
        input: ListStateMachinesInput,
    ) -> Result<ListStateMachinesOutput, ApiError> {
        let limit = page_size(input.max_results);
        let after = input.next_token.as_deref().map(token::decode).transpose()?;
        let items = self
            .db(move |s| {
                s.list_state_machines(&Page {
                    after,
                    limit: limit + 1,
                })
            })
            .await?;
        let (items, next_token) = split_page(items, limit, |sm| sm.arn.clone());
        Ok(ListStateMachinesOutput {
            state_machines: items
                .into_iter()
                .map(|sm| StateMachineListItem {
                    state_machine_arn: sm.arn,
                    name: sm.name,
                    r#type: machine_type(sm.kind),
                    creation_date: Timestamp(sm.created_ms),
                })
                .collect(),
            next_token,
        })
    }

    async fn validate_state_machine_definition(
        &self,
        _ctx: RequestContext,
        input: ValidateStateMachineDefinitionInput,
    ) -> Result<ValidateStateMachineDefinitionOutput, ApiError> {
        let limit = page_size(input.max_results);
        match StateMachine::parse(&input.definition) {
            Ok(_) => Ok(ValidateStateMachineDefinitionOutput {
                result: ValidateStateMachineDefinitionResultCode::Ok,
                diagnostics: Vec::new(),
                truncated: Some(false),
            }),
            Err(e) => {
                let truncated = e.diagnostics.len() > limit;
                Ok(ValidateStateMachineDefinitionOutput {
                    result: ValidateStateMachineDefinitionResultCode::Fail,
                    diagnostics: e
                        .diagnostics
                        .iter()
                        .take(limit)
                        .map(|d| ValidateStateMachineDefinitionDiagnostic {
                            severity: ValidateStateMachineDefinitionSeverity::Error,
                            code: d.code.to_string(),
                            message: d.message.clone(),
                            location: Some(d.location.clone()),
                        })
                        .collect(),
                    truncated: Some(truncated),
                })
            }
        }
    }

    async fn test_state(&self, ctx: RequestContext, input: TestStateInput) -> Result<TestStateOutput, ApiError> {
        use engine::test_state::{TestMock, TestStateError, TestStateRequest, TestStatus};
        fn json_of(field: &str, text: &str) -> Result<serde_json::Value, ApiError> {
            serde_json::from_str(text).map_err(|e| ApiError::validation(format!("Invalid JSON in {field}: {e}")))
        }
        fn object_of(field: &str, text: &str) -> Result<serde_json::Map<String, serde_json::Value>, ApiError> {
            match json_of(field, text)? {
                serde_json::Value::Object(m) => Ok(m),
                _ => Err(ApiError::validation(format!("The {field} must be a JSON object"))),
            }
        }
        fn shown(v: &serde_json::Value) -> String {
            v.to_string()
        }

        let state_input = match &input.input {
            Some(text) => serde_json::from_str(text).map_err(|e| ApiError::invalid_execution_input(&e.to_string()))?,
            None => serde_json::json!({}),
        };
        let variables = match &input.variables {
            Some(text) => object_of("variables", text)?,
            None => serde_json::Map::new(),
        };
        let context = input
            .context
            .as_deref()
            .map(|t| object_of("context", t).map(serde_json::Value::Object))
            .transpose()?;
        let mock = match &input.mock {
            None => None,
            Some(m) => match (&m.result, &m.error_output) {
                (Some(result), None) => Some(TestMock::Result(json_of("mock.result", result)?)),
                (None, Some(err)) => match &err.error {
                    Some(error) => Some(TestMock::Error {
                        error: error.clone(),
                        cause: err.cause.clone(),
                    }),
                    None => return Err(ApiError::validation("mock.errorOutput.error is required")),
                },
                _ => {
                    return Err(ApiError::validation(
                        "A mock must specify exactly one of result and errorOutput",
                    ));
                }
            },
        };
        let now = runtime::now_ms();
        let name = engine::format_uuid(now as u64, (now as u64).rotate_left(29) ^ 0x5354_4154_4554_4553);
        let mut config = engine::ExecutionConfig::new("TestStateMachine", &name, &ctx.region, &ctx.account_id);
        if let Some(role) = &input.role_arn {
            config.role_arn = role.clone();
        }
        let req = TestStateRequest {
            definition: input.definition,
            state_name: input.state_name,
            input: state_input,
            variables,
            context,
            mock,
            retrier_retry_count: input
                .state_configuration
                .as_ref()
                .and_then(|c| c.retrier_retry_count)
                .map(|n| n.max(0) as u64),
            config,
        };
        let r = engine::test_state::test_state(req, now).map_err(|e| match e {
            TestStateError::InvalidDefinition(d) => ApiError::InvalidDefinition(d.to_string()),
            TestStateError::Validation(m) => ApiError::validation(m),
        })?;
        let detailed = matches!(
            input.inspection_level,
            Some(InspectionLevel::Debug | InspectionLevel::Trace)
        );
        let inspection_data = detailed.then(|| {
            let i = &r.inspection;
            let handled = i.catch_index.is_some() || i.retry_index.is_some();
            InspectionData {
                input: i.input.as_ref().map(shown),
                after_arguments: i.after_arguments.as_ref().map(shown),
                after_input_path: i.after_input_path.as_ref().map(shown),
                after_parameters: i.after_parameters.as_ref().map(shown),
                result: i.result.as_ref().map(shown),
                after_result_selector: i.after_result_selector.as_ref().map(shown),
                after_result_path: i.after_result_path.as_ref().map(shown),
                variables: i
                    .variables
                    .as_ref()
                    .map(|m| serde_json::Value::Object(m.clone()).to_string()),
                error_details: handled.then(|| InspectionErrorDetails {
                    catch_index: i.catch_index.map(|n| n as i32),
                    retry_index: i.retry_index.map(|n| n as i32),
                    retry_backoff_interval_seconds: i.retry_backoff_seconds.map(|s| s as i32),
                }),
                after_items_path: i.after_items_path.as_ref().map(shown),
                after_item_selector: i.after_item_selector.as_ref().map(shown),
                tolerated_failure_count: i.tolerated_failure_count.map(|n| n.min(i32::MAX as u64) as i32),
                tolerated_failure_percentage: i.tolerated_failure_percentage.map(|p| p as f32),
                max_concurrency: i.max_concurrency.map(|n| n.min(i32::MAX as u64) as i32),
                ..InspectionData::default()
            }
        });
        Ok(TestStateOutput {
            output: r.output.as_ref().map(shown),
            error: r.error,
            cause: r.cause,
            inspection_data,
            next_state: r.next_state,
            status: Some(match r.status {
                TestStatus::Succeeded => TestExecutionStatus::Succeeded,
                TestStatus::Failed => TestExecutionStatus::Failed,
                TestStatus::Retriable => TestExecutionStatus::Retriable,
                TestStatus::CaughtError => TestExecutionStatus::CaughtError,
            }),
        })
    }

    async fn start_execution(
        &self,
        _ctx: RequestContext,
        input: StartExecutionInput,
    ) -> Result<StartExecutionOutput, ApiError> {
        let parsed = arn::parse_state_machine(&input.state_machine_arn, true)?;
        let (target, _) = self.resolve_target(&parsed).await?;
        let req = StartRequest {
            target,
            name: input.name,
            input: input.input.unwrap_or_else(|| "{}".into()),
            test_case: parsed.test_case.clone(),
            trace_header: input.trace_header,
        };
        let rec = self.runtime.start_execution(req).await.map_err(runtime_error)?;
        Ok(StartExecutionOutput {
            execution_arn: rec.arn,
            start_date: Timestamp(rec.start_ms),
        })
    }

    async fn start_sync_execution(
        &self,
        _ctx: RequestContext,
        input: StartSyncExecutionInput,
    ) -> Result<StartSyncExecutionOutput, ApiError> {
        let parsed = arn::parse_state_machine(&input.state_machine_arn, true)?;
        let (target, _) = self.resolve_target(&parsed).await?;
        if target.kind != WorkflowType::Express {
            return Err(ApiError::state_machine_type_not_supported());
        }
        let include_data = input.included_data != Some(IncludedData::MetadataOnly);
        let req = StartRequest {
            target,
            name: input.name,
            input: input.input.unwrap_or_else(|| "{}".into()),
            test_case: parsed.test_case.clone(),
            trace_header: input.trace_header.clone(),
        };
        let r = self.runtime.start_sync(req).await.map_err(runtime_error)?;
        let rec = r.record;
        let status = match rec.status {
            store::ExecutionStatus::Succeeded => SyncExecutionStatus::Succeeded,
            store::ExecutionStatus::TimedOut => SyncExecutionStatus::TimedOut,
            _ => SyncExecutionStatus::Failed,
        };
        let details = Some(CloudWatchEventsExecutionDataDetails {
            included: Some(include_data),
        });
        Ok(StartSyncExecutionOutput {
            execution_arn: rec.arn,
            state_machine_arn: Some(rec.state_machine_arn),
            name: Some(rec.name),
            start_date: Timestamp(rec.start_ms),
            stop_date: Timestamp(rec.stop_ms.unwrap_or(rec.start_ms)),
            status,
            error: rec.error,
            cause: rec.cause,
            input: include_data.then_some(rec.input),
            input_details: details.clone(),
            output: if include_data { rec.output } else { None },
            output_details: details,
            trace_header: input.trace_header,
            billing_details: Some(BillingDetails {
                billed_memory_used_in_mb: Some(64),
                billed_duration_in_milliseconds: Some(r.billed_duration_ms.div_ceil(100).max(1) as i64 * 100),
            }),
        })
    }

    async fn describe_execution(
        &self,
        _ctx: RequestContext,
        input: DescribeExecutionInput,
    ) -> Result<DescribeExecutionOutput, ApiError> {
        let arn_owned = input.execution_arn.clone();
        let rec = self
            .db(move |s| s.get_execution(&arn_owned))
            .await?
            .ok_or_else(|| ApiError::execution_does_not_exist(&input.execution_arn))?;
        let include_data = input.included_data != Some(IncludedData::MetadataOnly);
        Ok(describe_execution_output(rec, include_data))
    }

    async fn describe_state_machine_for_execution(
        &self,
        _ctx: RequestContext,
        input: DescribeStateMachineForExecutionInput,
    ) -> Result<DescribeStateMachineForExecutionOutput, ApiError> {
        let arn_owned = input.execution_arn.clone();
        let rec = self
            .db(move |s| s.get_execution(&arn_owned))
            .await?
            .ok_or_else(|| ApiError::execution_does_not_exist(&input.execution_arn))?;
        let sm_arn = rec.state_machine_arn.clone();
        let sm = self.db(move |s| s.get_state_machine(&sm_arn)).await?;
        Ok(DescribeStateMachineForExecutionOutput {
            state_machine_arn: rec.version_arn.clone().unwrap_or_else(|| rec.state_machine_arn.clone()),
            name: sm
                .as_ref()
                .map(|s| s.name.clone())
                .unwrap_or_else(|| name_of(&rec.state_machine_arn)),
            definition: rec.definition,
            role_arn: rec.role_arn,
            update_date: Timestamp(sm.as_ref().map(|s| s.updated_ms).unwrap_or(rec.start_ms)),
            logging_configuration: sm
                .as_ref()
                .and_then(|s| s.logging_configuration.clone())
                .and_then(|v| serde_json::from_value(v).ok()),
            tracing_configuration: sm
                .as_ref()
                .and_then(|s| s.tracing_configuration.clone())
                .and_then(|v| serde_json::from_value(v).ok()),
            map_run_arn: None,
            label: None,
            revision_id: sm.map(|s| s.revision_id),
            encryption_configuration: None,
            variable_references: None,
        })
    }

    async fn list_executions(
        &self,
        _ctx: RequestContext,
        input: ListExecutionsInput,
    ) -> Result<ListExecutionsOutput, ApiError> {
        let Some(sm_arn) = &input.state_machine_arn else {
            // Map Runs of Distributed Maps have no child executions of their own here.
            return Ok(ListExecutionsOutput::default());
        };
        let parsed = arn::parse_state_machine(sm_arn, false)?;
        let unqualified = parsed.unqualified();
        let sm = self.state_machine(&unqualified).await?;
        if sm.kind == WorkflowType::Express {
            return Err(ApiError::state_machine_type_not_supported());
        }
        let mut filter = ExecutionFilter {
            state_machine_arn: Some(unqualified),
            ..Default::default()
        };
        match &parsed.qualifier {
            Some(Qualifier::Version(_)) => filter.version_arn = Some(parsed.without_test_case()),
            Some(Qualifier::Alias(_)) => filter.alias_arn = Some(parsed.without_test_case()),
            None => {}
        }
        filter.status = input
            .status_filter
            .and_then(|s| store::ExecutionStatus::parse(s.as_str()));
        let limit = page_size(input.max_results);
        let after = input.next_token.as_deref().map(token::decode).transpose()?;
        let items = self
            .db(move |s| {
                s.list_executions(
                    &filter,
                    &Page {
                        after,
                        limit: limit + 1,
                    },
                )
            })
            .await?;
        let (items, next_token) = split_page(items, limit, |e| e.arn.clone());
        Ok(ListExecutionsOutput {
            executions: items.into_iter().map(execution_list_item).collect(),
            next_token,
        })
    }

    async fn stop_execution(
        &self,
        _ctx: RequestContext,
        input: StopExecutionInput,
    ) -> Result<StopExecutionOutput, ApiError> {
        let rec = self
            .runtime
            .stop_execution(&input.execution_arn, input.error, input.cause)
            .await
            .map_err(runtime_error)?;
        Ok(StopExecutionOutput {
            stop_date: Timestamp(rec.stop_ms.unwrap_or_else(|| Timestamp::now().as_millis())),
        })
    }

    async fn get_execution_history(
        &self,
        _ctx: RequestContext,
        input: GetExecutionHistoryInput,
    ) -> Result<GetExecutionHistoryOutput, ApiError> {
        let arn_owned = input.execution_arn.clone();
        if self.db(move |s| s.get_execution(&arn_owned)).await?.is_none() {
            return Err(ApiError::execution_does_not_exist(&input.execution_arn));
        }
        let limit = page_size(input.max_results);
        let reverse = input.reverse_order == Some(true);
        let after = match input.next_token.as_deref().map(token::decode).transpose()? {
            Some(t) => t
                .parse::<u64>()
                .map_err(|_| ApiError::invalid_token("the token is not valid"))?,
            None => 0,
        };
        let arn_owned = input.execution_arn.clone();
        let events = self
            .db(move |s| {
                s.history(
                    &arn_owned,
                    &HistoryQuery {
                        reverse,
                        after,
                        limit: limit + 1,
                    },
                )
            })
            .await?;
        let (events, next_token) = split_page(events, limit, |e| e.id.to_string());
        let include_data = input.include_execution_data != Some(false);
        Ok(GetExecutionHistoryOutput {
            events: events.into_iter().map(|e| history_event(e, include_data)).collect(),
            next_token,
        })
    }

    async fn redrive_execution(
        &self,
        _ctx: RequestContext,
        input: RedriveExecutionInput,
    ) -> Result<RedriveExecutionOutput, ApiError> {
        self.runtime
            .redrive_execution(&input.execution_arn)
            .await
            .map_err(runtime_error)?;
        Ok(RedriveExecutionOutput {
            redrive_date: Timestamp::now(),
        })
    }

    async fn publish_state_machine_version(
        &self,
        _ctx: RequestContext,
        input: PublishStateMachineVersionInput,
    ) -> Result<PublishStateMachineVersionOutput, ApiError> {
        let parsed = arn::parse_state_machine(&input.state_machine_arn, false)?;
        let sm = self.state_machine(&parsed.unqualified()).await?;
        if let Some(rev) = &input.revision_id
            && rev != &sm.revision_id
        {
            return Err(ApiError::ConflictException(format!(
                "Failed to publish the State Machine version for revision {rev}. The current State Machine revision is {}.",
                sm.revision_id
            )));
        }
        let v = self.publish(&sm, input.description).await?;
        Ok(PublishStateMachineVersionOutput {
            creation_date: Timestamp(v.created_ms),
            state_machine_version_arn: v.arn,
        })
    }

    async fn list_state_machine_versions(
        &self,
        _ctx: RequestContext,
        input: ListStateMachineVersionsInput,
    ) -> Result<ListStateMachineVersionsOutput, ApiError> {
        let parsed = arn::parse_state_machine(&input.state_machine_arn, false)?;
        let sm_arn = parsed.unqualified();
        self.state_machine(&sm_arn).await?;
        let limit = page_size(input.max_results);
        let after = input.next_token.as_deref().map(token::decode).transpose()?;
        let items = self
            .db(move |s| {
                s.list_versions(
                    &sm_arn,
                    &Page {
                        after,
                        limit: limit + 1,
                    },
                )
            })
            .await?;
        let (items, next_token) = split_page(items, limit, |v| v.arn.clone());
        Ok(ListStateMachineVersionsOutput {
            state_machine_versions: items
                .into_iter()
                .map(|v| StateMachineVersionListItem {
                    state_machine_version_arn: v.arn,
                    creation_date: Timestamp(v.created_ms),
                })
                .collect(),
            next_token,
        })
    }

    async fn delete_state_machine_version(
        &self,
        _ctx: RequestContext,
        input: DeleteStateMachineVersionInput,
    ) -> Result<DeleteStateMachineVersionOutput, ApiError> {
        let parsed = arn::parse_state_machine(&input.state_machine_version_arn, false)?;
        let varn = parsed.without_test_case();
        let sm_arn = parsed.unqualified();
        let aliases = self
            .db(move |s| {
                s.list_aliases(
                    &sm_arn,
                    &Page {
                        after: None,
                        limit: usize::MAX,
                    },
                )
            })
            .await?;
        if let Some(a) = aliases.iter().find(|a| a.routing.iter().any(|r| r.version_arn == varn)) {
            return Err(ApiError::ConflictException(format!(
                "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [{}]",
                a.name
            )));
        }
        match self.db_raw(move |s| s.delete_version(&varn)).await {
            Ok(()) => Ok(DeleteStateMachineVersionOutput {}),
            Err(StoreError::NotFound(_)) => Ok(DeleteStateMachineVersionOutput {}),
            Err(e) => Err(store_error(e)),
        }
    }

    async fn create_state_machine_alias(
        &self,
        _ctx: RequestContext,
        input: CreateStateMachineAliasInput,
    ) -> Result<CreateStateMachineAliasOutput, ApiError> {
        let routing = self.check_routing(&input.routing_configuration).await?;
        let sm_arn = arn::parse_state_machine(&routing[0].version_arn, false)?.unqualified();
        let alias_arn = format!("{sm_arn}:{}", input.name);
        let now = Timestamp::now().as_millis();
        let record = AliasRecord {
            arn: alias_arn.clone(),
            state_machine_arn: sm_arn,
            name: input.name.clone(),
            description: input.description.clone(),
            routing,
            created_ms: now,
            updated_ms: now,
        };
        let stored = record.clone();
        match self.db_raw(move |s| s.create_alias(&stored)).await {
            Ok(()) => Ok(CreateStateMachineAliasOutput {
                state_machine_alias_arn: alias_arn,
                creation_date: Timestamp(now),
            }),
            Err(StoreError::AlreadyExists(_)) => {
                let lookup = alias_arn.clone();
                let existing = self.db(move |s| s.get_alias(&lookup)).await?;
                match existing {
                    Some(e) if e.routing == record.routing && e.description == record.description => {
                        Ok(CreateStateMachineAliasOutput {
                            state_machine_alias_arn: alias_arn,
                            creation_date: Timestamp(e.created_ms),
                        })
                    }
                    _ => Err(ApiError::ConflictException(format!(
                        "Failed to create alias because an alias with the same name and a different routing configuration already exists: {alias_arn}"
                    ))),
                }
            }
            Err(e) => Err(store_error(e)),
        }
    }

    async fn describe_state_machine_alias(
        &self,
        _ctx: RequestContext,
        input: DescribeStateMachineAliasInput,
    ) -> Result<DescribeStateMachineAliasOutput, ApiError> {
        let a = self.alias(&input.state_machine_alias_arn).await?;
        Ok(DescribeStateMachineAliasOutput {
            state_machine_alias_arn: Some(a.arn),
            name: Some(a.name),
            description: a.description,
            routing_configuration: Some(routing_out(&a.routing)),
            creation_date: Some(Timestamp(a.created_ms)),
            update_date: Some(Timestamp(a.updated_ms)),
        })
    }

    async fn update_state_machine_alias(
        &self,
        _ctx: RequestContext,
        input: UpdateStateMachineAliasInput,
    ) -> Result<UpdateStateMachineAliasOutput, ApiError> {
        let mut a = self.alias(&input.state_machine_alias_arn).await?;
        if let Some(r) = &input.routing_configuration {
            a.routing = self.check_routing(r).await?;
        }
        if let Some(d) = input.description {
            a.description = Some(d);
        }
        a.updated_ms = Timestamp::now().as_millis();
        let stored = a.clone();
        self.db(move |s| s.update_alias(&stored)).await?;
        Ok(UpdateStateMachineAliasOutput {
            update_date: Timestamp(a.updated_ms),
        })
    }

    async fn delete_state_machine_alias(
        &self,
        _ctx: RequestContext,
        input: DeleteStateMachineAliasInput,
    ) -> Result<DeleteStateMachineAliasOutput, ApiError> {
        let arn_owned = input.state_machine_alias_arn.clone();
        match self.db_raw(move |s| s.delete_alias(&arn_owned)).await {
            Ok(()) => Ok(DeleteStateMachineAliasOutput {}),
            Err(StoreError::NotFound(_)) => Ok(DeleteStateMachineAliasOutput {}),
            Err(e) => Err(store_error(e)),
        }
    }

    async fn list_state_machine_aliases(
        &self,
        _ctx: RequestContext,
        input: ListStateMachineAliasesInput,
    ) -> Result<ListStateMachineAliasesOutput, ApiError> {
        let parsed = arn::parse_state_machine(&input.state_machine_arn, false)?;
        let sm_arn = parsed.unqualified();
        self.state_machine(&sm_arn).await?;
        let version_filter = match &parsed.qualifier {
            Some(Qualifier::Version(_)) => Some(parsed.without_test_case()),
            _ => None,
        };
        let limit = page_size(input.max_results);
        let after = input.next_token.as_deref().map(token::decode).transpose()?;
        let items = self
            .db(move |s| {
                s.list_aliases(
                    &sm_arn,
                    &Page {
                        after,
                        limit: limit + 1,
                    },
                )
            })
            .await?;
        let items: Vec<AliasRecord> = items
            .into_iter()
            .filter(|a| {
                version_filter
                    .as_ref()
                    .is_none_or(|v| a.routing.iter().any(|r| &r.version_arn == v))
            })
            .collect();
        let (items, next_token) = split_page(items, limit, |a| a.arn.clone());
        Ok(ListStateMachineAliasesOutput {
            state_machine_aliases: items
                .into_iter()
                .map(|a| StateMachineAliasListItem {
                    state_machine_alias_arn: a.arn,
                    creation_date: Timestamp(a.created_ms),
                })
                .collect(),
            next_token,
        })
    }

    async fn tag_resource(&self, _ctx: RequestContext, input: TagResourceInput) -> Result<TagResourceOutput, ApiError> {
        self.check_taggable(&input.resource_arn).await?;
        let tags = to_store_tags(&input.tags);
        let arn_owned = input.resource_arn.clone();
        self.db(move |s| s.tag_resource(&arn_owned, &tags)).await?;
        Ok(TagResourceOutput {})
    }

    async fn untag_resource(
        &self,
        _ctx: RequestContext,
        input: UntagResourceInput,
    ) -> Result<UntagResourceOutput, ApiError> {
        self.check_taggable(&input.resource_arn).await?;
        let arn_owned = input.resource_arn.clone();
        let keys = input.tag_keys.clone();
        self.db(move |s| s.untag_resource(&arn_owned, &keys)).await?;
        Ok(UntagResourceOutput {})
    }

    async fn list_tags_for_resource(
        &self,
        _ctx: RequestContext,
        input: ListTagsForResourceInput,
    ) -> Result<ListTagsForResourceOutput, ApiError> {
        self.check_taggable(&input.resource_arn).await?;
        let arn_owned = input.resource_arn.clone();
        let tags = self.db(move |s| s.list_tags(&arn_owned)).await?;
        Ok(ListTagsForResourceOutput {
            tags: Some(from_store_tags(tags)),
        })
    }
}

impl Service {
    /// Publishes the state machine's current definition as a new version, unless the newest
    /// version already holds this revision (AWS does not publish the same revision twice).
    async fn publish(&self, sm: &StateMachineRecord, description: Option<String>) -> Result<VersionRecord, ApiError> {
        let sm_arn = sm.arn.clone();
        let latest = self
            .db(move |s| s.list_versions(&sm_arn, &Page { after: None, limit: 1 }))
            .await?
            .into_iter()
            .next();
        if let Some(v) = latest
            && v.revision_id == sm.revision_id
        {
            return Ok(v);
        }
        let v = VersionRecord {
            arn: String::new(),
            state_machine_arn: sm.arn.clone(),
            version: 0,
            definition: sm.definition.clone(),
            role_arn: sm.role_arn.clone(),
            revision_id: sm.revision_id.clone(),
            description,
            created_ms: Timestamp::now().as_millis(),
        };
        self.db(move |s| s.publish_version(&v)).await
    }

    async fn alias(&self, arn: &str) -> Result<AliasRecord, ApiError> {
        let owned = arn.to_string();
        self.db(move |s| s.get_alias(&owned))
            .await?
            .ok_or_else(|| ApiError::resource_not_found(Some(arn)))
    }

    /// Every routed version exists and all belong to one state machine.
    async fn check_routing(&self, items: &[RoutingConfigurationListItem]) -> Result<Vec<RoutingEntry>, ApiError> {
        let mut out = Vec::new();
        let mut machine: Option<String> = None;
        for item in items {
            let parsed = arn::parse_state_machine(&item.state_machine_version_arn, false)?;
            if !matches!(parsed.qualifier, Some(Qualifier::Version(_))) {
                return Err(ApiError::invalid_arn(&item.state_machine_version_arn));
            }
            let sm = parsed.unqualified();
            if machine.as_ref().is_some_and(|m| m != &sm) {
                return Err(ApiError::validation(
                    "All versions in the routing configuration must belong to the same state machine",
                ));
            }
            machine = Some(sm);
            let varn = item.state_machine_version_arn.clone();
            if self.db(move |s| s.get_version(&varn)).await?.is_none() {
                return Err(ApiError::resource_not_found(Some(&item.state_machine_version_arn)));
            }
            out.push(RoutingEntry {
                version_arn: item.state_machine_version_arn.clone(),
                weight: item.weight.max(0) as u32,
            });
        }
        Ok(out)
    }

    /// Tags live on state machines and aliases (and activities, later).
    async fn check_taggable(&self, arn: &str) -> Result<(), ApiError> {
        let owned = arn.to_string();
        let exists = match arn::parse_state_machine(arn, false) {
            Ok(p) if p.qualifier.is_none() => self.db(move |s| s.get_state_machine(&owned)).await?.is_some(),
            Ok(_) => self.db(move |s| s.get_alias(&owned)).await?.is_some(),
            Err(_) => false,
        };
        if exists {
            Ok(())
        } else {
            Err(ApiError::resource_not_found(Some(arn)))
        }
    }
}

fn name_of(arn: &str) -> String {
    arn.split(':').nth(6).unwrap_or(arn).to_string()
}
