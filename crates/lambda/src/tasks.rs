//! Task states that invoke functions: the runtime's [`TaskRunner`] for a bare function ARN
//! (`arn:aws:lambda:R:A:function:NAME[:QUALIFIER]`, the result is the function's) and for
//! `arn:aws:states:::lambda:invoke` (the result wrapped as Step Functions wraps Lambda's
//! answer: `ExecutedVersion`, `Payload`, `SdkHttpMetadata`, `SdkResponseMetadata`,
//! `StatusCode`).
//!
//! Failures are named as Step Functions names them, so Retry and Catch blocks written for
//! AWS match: a function's own error is its `errorType` (`Sandbox.Timedout` for a timeout,
//! `Runtime.ExitError`…) with the error document as the cause, and `Lambda.Unknown` when
//! the document names none; the API's refusals are `Lambda.<Exception>` with the cause in
//! the AWS SDK for Java's words (`… (Service: AWSLambda; Status Code: 404; Error Code:
//! ResourceNotFoundException; Request ID: …; Proxy: null)`).

use std::sync::Arc;

use asl::definition::{Integration, IntegrationPattern, Resource};
use engine::TaskRequest;
use functions::{InvokeError, InvokeOutcome, InvokeRequest};
use runtime::{TaskContext, TaskError, TaskFuture, TaskOutcome, TaskRunner};
use serde_json::{Value, json};

use crate::Lambda;

/// Runs the Lambda Task states of executions.
#[derive(Clone)]
pub struct LambdaTasks {
    lambda: Lambda,
}

impl std::fmt::Debug for LambdaTasks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LambdaTasks")
    }
}

impl LambdaTasks {
    pub fn new(lambda: Lambda) -> LambdaTasks {
        LambdaTasks { lambda }
    }
}

/// What a Task asks of Lambda.
struct Call {
    function: String,
    qualifier: Option<String>,
    payload: Value,
    client_context: Option<String>,
    /// `lambda:invoke`: the result is wrapped.
    wrapped: bool,
}

fn call_of(task: &TaskRequest) -> Option<Result<Call, TaskError>> {
    let resource = Resource::parse(task.resource.as_str());
    match resource.integration() {
        Integration::LambdaFunction { .. } => Some(Ok(Call {
            function: task.resource.clone(),
            qualifier: None,
            payload: task.input.clone(),
            client_context: None,
            wrapped: false,
        })),
        Integration::LambdaInvoke(IntegrationPattern::RequestResponse) => Some(invoke_arguments(&task.input)),
        _ => None,
    }
}

/// The arguments of `lambda:invoke` (`FunctionName`, `Payload`, `Qualifier`,
/// `ClientContext`).
fn invoke_arguments(input: &Value) -> Result<Call, TaskError> {
    let text = |key: &str| input.get(key).and_then(Value::as_str).map(str::to_string);
    let Some(function) = text("FunctionName") else {
        return Err(TaskError {
            error: "States.Runtime".into(),
            cause: Some("The field 'FunctionName' is required by lambda:invoke and must be a string".into()),
        });
    };
    Ok(Call {
        function,
        qualifier: text("Qualifier"),
        payload: input.get("Payload").cloned().unwrap_or(Value::Null),
        client_context: text("ClientContext"),
        wrapped: true,
    })
}

impl TaskRunner for LambdaTasks {
    fn run(&self, task: &TaskRequest, context: &TaskContext) -> Option<TaskFuture> {
        let call = call_of(task)?;
        let lambda = self.lambda.clone();
        let trace_id = context.trace_header.clone();
        Some(Box::pin(async move {
            let call = call?;
            invoke(&lambda, call, trace_id).await
        }))
    }
}

async fn invoke(lambda: &Lambda, call: Call, trace_id: Option<String>) -> TaskOutcome {
    let spec = lambda
        .resolve(&call.function, call.qualifier.as_deref())
        .await
        .map_err(|e| api_failure(e.code, e.message.clone(), e.status.as_u16()))?;
    let payload = match &call.payload {
        Value::Null if call.wrapped => b"{}".to_vec(),
        p => serde_json::to_vec(p).unwrap_or_default(),
    };
    let request = InvokeRequest {
        payload,
        client_context: call.client_context.clone(),
        trace_id,
        log_tail: false,
    };
    let invoker = lambda.inner.invoker.clone();
    let outcome = invoker.invoke(spec, request).await.map_err(|e| invoke_failure(&e))?;
    answer(outcome, call.wrapped)
}

/// The function's answer as the Task's result, or its error.
fn answer(o: InvokeOutcome, wrapped: bool) -> TaskOutcome {
    let text = String::from_utf8_lossy(&o.payload).into_owned();
    let payload: Value = serde_json::from_str(&text).unwrap_or(Value::String(text.clone()));
    if o.function_error.is_some() {
        let error = payload
            .get("errorType")
            .and_then(Value::as_str)
            .unwrap_or("Lambda.Unknown")
            .to_string();
        return Err(TaskError {
            error,
            cause: Some(text),
        });
    }
    if !wrapped {
        return Ok(payload);
    }
    let length = o.payload.len().to_string();
    let date = httpdate_now();
    let trace = format!("Root={}", o.request_id);
    Ok(json!({
        "ExecutedVersion": o.executed_version,
        "Payload": payload,
        "SdkHttpMetadata": {
            "AllHttpHeaders": {
                "X-Amz-Executed-Version": [o.executed_version],
                "x-amzn-Remapped-Content-Length": ["0"],
                "Connection": ["keep-alive"],
                "x-amzn-RequestId": [o.request_id],
                "Content-Length": [length],
                "Date": [date],
                "X-Amzn-Trace-Id": [trace],
                "Content-Type": ["application/json"]
            },
            "HttpHeaders": {
                "Connection": "keep-alive",
                "Content-Length": length,
                "Content-Type": "application/json",
                "Date": date,
                "X-Amz-Executed-Version": o.executed_version,
                "x-amzn-Remapped-Content-Length": "0",
                "x-amzn-RequestId": o.request_id,
                "X-Amzn-Trace-Id": trace
            },
            "HttpStatusCode": 200
        },
        "SdkResponseMetadata": {"RequestId": o.request_id},
        "StatusCode": 200
    }))
}

/// The current time as an HTTP date (`Tue, 01 Dec 2026 23:00:00 GMT`).
fn httpdate_now() -> String {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::OffsetDateTime::now_utc().format(&format).unwrap_or_default()
}

/// A refusal of the Lambda API, as Step Functions reports it.
fn api_failure(code: &str, message: String, status: u16) -> TaskError {
    let request_id = uuid::Uuid::new_v4();
    TaskError {
        error: format!("Lambda.{code}"),
        cause: Some(format!(
            "{message} (Service: AWSLambda; Status Code: {status}; Error Code: {code}; Request ID: {request_id}; Proxy: null)"
        )),
    }
}

fn invoke_failure(e: &InvokeError) -> TaskError {
    match e {
        InvokeError::TooManyRequests => api_failure("TooManyRequestsException", e.to_string(), 429),
        InvokeError::RuntimeUnavailable(m) | InvokeError::Internal(m) => {
            api_failure("ServiceException", m.clone(), 500)
        }
    }
}

/// The runtime gets the Lambda tasks as one of its runners.
pub fn runner(lambda: &Lambda) -> Arc<dyn TaskRunner> {
    Arc::new(LambdaTasks::new(lambda.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use functions::FunctionError;

    fn task(resource: &str, input: Value) -> TaskRequest {
        TaskRequest {
            id: 1,
            state_name: "T".into(),
            resource: resource.into(),
            input,
            timeout_seconds: None,
            heartbeat_seconds: None,
        }
    }

    fn outcome(payload: &str, failed: bool) -> InvokeOutcome {
        InvokeOutcome {
            request_id: "r-1".into(),
            payload: payload.as_bytes().to_vec(),
            function_error: failed.then_some(FunctionError::Unhandled),
            log_tail: None,
            executed_version: "$LATEST".into(),
        }
    }

    #[test]
    fn which_tasks_are_lambdas() {
        let direct = call_of(&task("arn:aws:lambda:us-east-1:1:function:f", json!({"a": 1})))
            .unwrap()
            .unwrap();
        assert!(!direct.wrapped);
        assert_eq!(direct.payload, json!({"a": 1}));
        let invoke = call_of(&task(
            "arn:aws:states:::lambda:invoke",
            json!({"FunctionName": "f", "Payload": {"b": 2}, "Qualifier": "3"}),
        ))
        .unwrap()
        .unwrap();
        assert!(invoke.wrapped);
        assert_eq!(
            (invoke.function.as_str(), invoke.qualifier.as_deref()),
            ("f", Some("3"))
        );
        assert_eq!(invoke.payload, json!({"b": 2}));
        assert!(call_of(&task("arn:aws:states:::lambda:invoke.waitForTaskToken", json!({}))).is_none());
        assert!(call_of(&task("arn:aws:states:::sqs:sendMessage", json!({}))).is_none());
        let e = call_of(&task("arn:aws:states:::lambda:invoke", json!({"Payload": {}})))
            .unwrap()
            .err()
            .unwrap();
        assert_eq!(e.error, "States.Runtime");
    }

    #[test]
    fn a_function_error_is_named_by_its_error_type() {
        let doc = r#"{"errorMessage":"no","errorType":"ValueError","requestId":"r-1","stackTrace":[]}"#;
        let e = answer(outcome(doc, true), true).unwrap_err();
        assert_eq!(e.error, "ValueError");
        assert_eq!(e.cause.as_deref(), Some(doc));
        let e = answer(outcome(r#"{"oops":1}"#, true), false).unwrap_err();
        assert_eq!(e.error, "Lambda.Unknown");
    }

    #[test]
    fn results_are_the_payload_or_wrapped_as_step_functions_wraps_them() {
        assert_eq!(answer(outcome(r#"{"x":1}"#, false), false).unwrap(), json!({"x": 1}));
        let w = answer(outcome(r#""HelloWorld!""#, false), true).unwrap();
        assert_eq!(w["Payload"], "HelloWorld!");
        assert_eq!(w["StatusCode"], 200);
        assert_eq!(w["ExecutedVersion"], "$LATEST");
        assert_eq!(w["SdkHttpMetadata"]["HttpHeaders"]["Content-Length"], "13");
        assert_eq!(w["SdkResponseMetadata"]["RequestId"], "r-1");
    }

    #[test]
    fn api_refusals_read_as_the_java_sdk_words_them() {
        let e = api_failure("ResourceNotFoundException", "Function not found: x".into(), 404);
        assert_eq!(e.error, "Lambda.ResourceNotFoundException");
        let cause = e.cause.unwrap();
        assert!(cause.starts_with("Function not found: x (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: "));
        assert!(cause.ends_with("; Proxy: null)"));
        assert_eq!(
            invoke_failure(&InvokeError::TooManyRequests).error,
            "Lambda.TooManyRequestsException"
        );
    }
}
