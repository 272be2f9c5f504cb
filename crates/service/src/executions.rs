//! Standard executions: start (through a state machine, version or alias ARN), describe,
//! list, stop, history and redrive. Running them is the runtime's job; this module
//! resolves ARNs and shapes the answers.

use runtime::StartRequest;
use server::ApiError;
use server::arn::{self, Qualifier};
use server::types::*;
use store::{ExecutionFilter, ExecutionRecord, HistoryQuery, WorkflowType};

use crate::Service;
use crate::convert::{describe_execution_output, execution_list_item, history_event, store_status};
use crate::errors::runtime_error;
use crate::paging::{after_event, page_size, split_page};
use crate::target;

/// An execution record, or ExecutionDoesNotExist.
async fn execution(svc: &Service, arn: &str) -> Result<ExecutionRecord, ApiError> {
    let owned = arn.to_string();
    svc.db(move |s| s.get_execution(&owned))
        .await?
        .ok_or_else(|| ApiError::execution_does_not_exist(arn))
}

pub(crate) async fn start(svc: &Service, input: StartExecutionInput) -> Result<StartExecutionOutput, ApiError> {
    let parsed = arn::parse_state_machine(&input.state_machine_arn, true)?;
    let (target, _) = target::resolve(svc, &parsed).await?;
    let req = StartRequest {
        target,
        name: input.name,
        input: input.input.unwrap_or_else(|| "{}".into()),
        test_case: parsed.test_case.clone(),
        trace_header: input.trace_header,
    };
    let rec = svc.runtime.start_execution(req).await.map_err(runtime_error)?;
    Ok(StartExecutionOutput {
        execution_arn: rec.arn,
        start_date: Timestamp(rec.start_ms),
    })
}

pub(crate) async fn describe(
    svc: &Service,
    input: DescribeExecutionInput,
) -> Result<DescribeExecutionOutput, ApiError> {
    let rec = execution(svc, &input.execution_arn).await?;
    let include_data = input.included_data != Some(IncludedData::MetadataOnly);
    Ok(describe_execution_output(rec, include_data))
}

/// The definition the execution runs is its own copy (the state machine may have changed
/// since); the rest comes from the state machine while it exists.
pub(crate) async fn describe_state_machine(
    svc: &Service,
    input: DescribeStateMachineForExecutionInput,
) -> Result<DescribeStateMachineForExecutionOutput, ApiError> {
    let rec = execution(svc, &input.execution_arn).await?;
    let sm_arn = rec.state_machine_arn.clone();
    let sm = svc.db(move |s| s.get_state_machine(&sm_arn)).await?;
    Ok(DescribeStateMachineForExecutionOutput {
        state_machine_arn: rec.version_arn.clone().unwrap_or_else(|| rec.state_machine_arn.clone()),
        name: sm
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_else(|| state_machine_name(&rec.state_machine_arn)),
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

/// The name in the state machine ARN an execution record keeps (the service wrote it, so it
/// parses; were it not to, the whole text stands for the name).
fn state_machine_name(state_machine_arn: &str) -> String {
    match arn::StateMachineArn::parse(state_machine_arn, false) {
        Ok(sm) => sm.name,
        Err(_) => state_machine_arn.to_owned(),
    }
}

/// A version or alias ARN lists the executions started through it; Express executions are
/// not listed (StateMachineTypeNotSupported, as on AWS).
pub(crate) async fn list(svc: &Service, input: ListExecutionsInput) -> Result<ListExecutionsOutput, ApiError> {
    let Some(sm_arn) = &input.state_machine_arn else {
        // Map Runs of Distributed Maps have no child executions of their own here.
        return Ok(ListExecutionsOutput::default());
    };
    let parsed = arn::parse_state_machine(sm_arn, false)?;
    let unqualified = parsed.unqualified();
    let sm = svc.state_machine(&unqualified).await?;
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
    filter.status = input.status_filter.map(store_status);
    let (items, next_token) = svc
        .page(
            input.max_results,
            input.next_token.as_deref(),
            move |s, page| s.list_executions(&filter, page),
            |e| e.arn.clone(),
        )
        .await?;
    Ok(ListExecutionsOutput {
        executions: items.into_iter().map(execution_list_item).collect(),
        next_token,
    })
}

pub(crate) async fn stop(svc: &Service, input: StopExecutionInput) -> Result<StopExecutionOutput, ApiError> {
    let rec = svc
        .runtime
        .stop_execution(&input.execution_arn, input.error, input.cause)
        .await
        .map_err(runtime_error)?;
    Ok(StopExecutionOutput {
        stop_date: Timestamp(rec.stop_ms.unwrap_or_else(|| Timestamp::now().as_millis())),
    })
}

/// Pages of history events, forwards or in reverse; the token is the last event id shown.
pub(crate) async fn history(
    svc: &Service,
    input: GetExecutionHistoryInput,
) -> Result<GetExecutionHistoryOutput, ApiError> {
    execution(svc, &input.execution_arn).await?;
    let limit = page_size(input.max_results);
    let reverse = input.reverse_order == Some(true);
    let after = after_event(input.next_token.as_deref())?;
    let arn_owned = input.execution_arn.clone();
    let events = svc
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

pub(crate) async fn redrive(svc: &Service, input: RedriveExecutionInput) -> Result<RedriveExecutionOutput, ApiError> {
    svc.runtime
        .redrive_execution(&input.execution_arn)
        .await
        .map_err(runtime_error)?;
    Ok(RedriveExecutionOutput {
        redrive_date: Timestamp::now(),
    })
}
