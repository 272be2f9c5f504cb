//! TestState: one state run on its own by the engine, with no store and no runtime. This
//! module turns the request's JSON texts into values and the engine's record of the data
//! flow into `inspectionData`.

use engine::test_state::{Inspection, TestMock, TestStateError, TestStateRequest, TestStatus};
use serde_json::{Map, Value};
use server::types::*;
use server::{ApiError, RequestContext};

fn json_of(field: &str, text: &str) -> Result<Value, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::validation(format!("Invalid JSON in {field}: {e}")))
}

fn object_of(field: &str, text: &str) -> Result<Map<String, Value>, ApiError> {
    match json_of(field, text)? {
        Value::Object(m) => Ok(m),
        _ => Err(ApiError::validation(format!("The {field} must be a JSON object"))),
    }
}

/// JSON values are shown to the client as JSON text.
fn shown(v: &Value) -> String {
    v.to_string()
}

/// A mock is a result or an error, never both.
fn mock_of(m: &MockInput) -> Result<TestMock, ApiError> {
    match (&m.result, &m.error_output) {
        (Some(result), None) => Ok(TestMock::Result(json_of("mock.result", result)?)),
        (None, Some(err)) => match &err.error {
            Some(error) => Ok(TestMock::Error {
                error: error.clone(),
                cause: err.cause.clone(),
            }),
            None => Err(ApiError::validation("mock.errorOutput.error is required")),
        },
        _ => Err(ApiError::validation(
            "A mock must specify exactly one of result and errorOutput",
        )),
    }
}

/// The engine's record of the data flow in the API's shape (DEBUG and TRACE levels).
fn inspection_data(i: &Inspection) -> InspectionData {
    let handled = i.catch_index.is_some() || i.retry_index.is_some();
    InspectionData {
        input: i.input.as_ref().map(shown),
        after_arguments: i.after_arguments.as_ref().map(shown),
        after_input_path: i.after_input_path.as_ref().map(shown),
        after_parameters: i.after_parameters.as_ref().map(shown),
        result: i.result.as_ref().map(shown),
        after_result_selector: i.after_result_selector.as_ref().map(shown),
        after_result_path: i.after_result_path.as_ref().map(shown),
        variables: i.variables.as_ref().map(|m| Value::Object(m.clone()).to_string()),
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
}

fn status_of(s: TestStatus) -> TestExecutionStatus {
    match s {
        TestStatus::Succeeded => TestExecutionStatus::Succeeded,
        TestStatus::Failed => TestExecutionStatus::Failed,
        TestStatus::Retriable => TestExecutionStatus::Retriable,
        TestStatus::CaughtError => TestExecutionStatus::CaughtError,
    }
}

pub(crate) fn test_state(ctx: RequestContext, input: TestStateInput) -> Result<TestStateOutput, ApiError> {
    let state_input = match &input.input {
        Some(text) => serde_json::from_str(text).map_err(|e| ApiError::invalid_execution_input(&e.to_string()))?,
        None => serde_json::json!({}),
    };
    let variables = match &input.variables {
        Some(text) => object_of("variables", text)?,
        None => Map::new(),
    };
    let context = input
        .context
        .as_deref()
        .map(|t| object_of("context", t).map(Value::Object))
        .transpose()?;
    let mock = input.mock.as_ref().map(mock_of).transpose()?;
    let now = runtime::now_ms();
    // Each test is an execution of its own, named like one.
    let name = uuid::Uuid::new_v4().to_string();
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
    Ok(TestStateOutput {
        output: r.output.as_ref().map(shown),
        error: r.error,
        cause: r.cause,
        inspection_data: detailed.then(|| inspection_data(&r.inspection)),
        next_state: r.next_state,
        status: Some(status_of(r.status)),
    })
}
