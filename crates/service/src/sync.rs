//! StartSyncExecution: an Express execution run to its end within the request.

use runtime::StartRequest;
use server::ApiError;
use server::arn;
use server::types::*;
use store::WorkflowType;

use crate::Service;
use crate::errors::runtime_error;
use crate::target;

/// AWS bills synchronous Express executions in 100 ms steps, at least one.
fn billed_duration_ms(ran_ms: u64) -> i64 {
    ran_ms.div_ceil(100).max(1) as i64 * 100
}

/// Express state machines only (StateMachineTypeNotSupported otherwise).
pub(crate) async fn start(svc: &Service, input: StartSyncExecutionInput) -> Result<StartSyncExecutionOutput, ApiError> {
    let parsed = arn::parse_state_machine(&input.state_machine_arn, true)?;
    let (target, _) = target::resolve(svc, &parsed).await?;
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
    let r = svc.runtime.start_sync(req).await.map_err(runtime_error)?;
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
            billed_duration_in_milliseconds: Some(billed_duration_ms(r.billed_duration_ms)),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn billed_in_100ms_steps() {
        assert_eq!(billed_duration_ms(0), 100);
        assert_eq!(billed_duration_ms(1), 100);
        assert_eq!(billed_duration_ms(100), 100);
        assert_eq!(billed_duration_ms(101), 200);
    }
}
