//! AWS's limits through the real server (router → service → runtime → SQLite): the history
//! limit inside an inline Map, a doubling `Assign` loop, a Wait of 2^62 seconds, a Fail state's
//! 300,000-character cause, and the API's own field limits.

mod common;

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const ROLE: &str = "arn:aws:iam::123456789012:role/StepFunctions";

async fn call(app: &axum::Router, action: &str, body: Value) -> (StatusCode, Value) {
    let request = Request::post("/")
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", format!("AWSStepFunctions.{action}"))
        .body(Body::from(body.to_string()))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn ok(app: &axum::Router, action: &str, body: Value) -> Value {
    let (status, reply) = call(app, action, body).await;
    assert_eq!(status, StatusCode::OK, "{action}: {reply}");
    reply
}

async fn machine(app: &axum::Router, name: &str, definition: Value, kind: &str) -> String {
    let out = ok(
        app,
        "CreateStateMachine",
        json!({"name": name, "definition": definition.to_string(), "roleArn": ROLE, "type": kind}),
    )
    .await;
    out["stateMachineArn"].as_str().unwrap().to_owned()
}

async fn start(app: &axum::Router, machine: &str, input: Value) -> String {
    let out = ok(
        app,
        "StartExecution",
        json!({"stateMachineArn": machine, "input": input.to_string()}),
    )
    .await;
    out["executionArn"].as_str().unwrap().to_owned()
}

/// DescribeExecution once the execution has ended (at most `within`).
async fn ended(app: &axum::Router, execution: &str, within: Duration) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let d = ok(app, "DescribeExecution", json!({ "executionArn": execution })).await;
        if d["status"] != "RUNNING" {
            return d;
        }
        assert!(Instant::now() < deadline, "still running: {d}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The whole history, page by page.
async fn history(app: &axum::Router, execution: &str) -> Vec<Value> {
    let mut events = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut req = json!({"executionArn": execution, "maxResults": 1000});
        if let Some(t) = &token {
            req["nextToken"] = json!(t);
        }
        let page = ok(app, "GetExecutionHistory", req).await;
        events.extend(page["events"].as_array().unwrap().iter().cloned());
        match page["nextToken"].as_str() {
            Some(t) => token = Some(t.to_owned()),
            None => return events,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inline_map_of_300000_items_stops_at_the_history_limit() {
    let dir = common::DataDir::new();
    let app = common::app(&dir).await;
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {"Type": "Map",
        "Items": "{% [1..300000] %}",
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}});
    let arn = machine(&app, "big-map", def, "STANDARD").await;
    let exec = start(&app, &arn, json!({})).await;
    let d = ended(&app, &exec, Duration::from_secs(120)).await;
    assert_eq!(d["status"], "FAILED", "{d}");
    assert_eq!(d["error"], "States.Runtime");
    assert_eq!(
        d["cause"],
        "The execution reached the maximum number of history events (25000)."
    );
    let events = history(&app, &exec).await;
    assert_eq!(events.len(), 25_000);
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e["id"], i as u64 + 1);
    }
    let last = events.last().unwrap();
    assert_eq!(last["type"], "ExecutionFailed");
    assert_eq!(last["executionFailedEventDetails"]["error"], "States.Runtime");
    assert_eq!(events.iter().filter(|e| e["type"] == "ExecutionFailed").count(), 1);
    // Nothing is appended later either.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let again = ok(
        &app,
        "GetExecutionHistory",
        json!({"executionArn": exec, "reverseOrder": true, "maxResults": 1}),
    )
    .await;
    assert_eq!(again["events"][0]["id"], 25_000);
}

fn doubling_loop() -> Value {
    json!({"StartAt": "Init", "States": {
        "Init": {"Type": "Pass", "Assign": {"x": "ab"}, "Next": "Double"},
        "Double": {"Type": "Pass", "Assign": {"x.$": "States.Format('{}{}', $x, $x)"}, "Next": "Loop"},
        "Loop": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "BooleanEquals": true, "Next": "Done"}], "Default": "Double"},
        "Done": {"Type": "Succeed"}}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_doubling_assign_loop_fails_on_the_variable_limit() {
    let dir = common::DataDir::new();
    let app = common::app(&dir).await;
    let began = Instant::now();
    let arn = machine(&app, "doubling", doubling_loop(), "STANDARD").await;
    let exec = start(&app, &arn, json!({"stop": false})).await;
    let d = ended(&app, &exec, Duration::from_secs(20)).await;
    assert_eq!(d["status"], "FAILED", "{d}");
    assert_eq!(d["error"], "States.DataLimitExceeded");
    assert!(
        d["cause"]
            .as_str()
            .unwrap()
            .starts_with("The state/task 'Double' assigned variables"),
        "{d}"
    );
    assert!(history(&app, &exec).await.len() < 80);

    // The same loop through StartSyncExecution answers FAILED, and quickly.
    let express = machine(&app, "doubling-express", doubling_loop(), "EXPRESS").await;
    let sync = ok(
        &app,
        "StartSyncExecution",
        json!({"stateMachineArn": express, "input": "{\"stop\": false}"}),
    )
    .await;
    assert_eq!(sync["status"], "FAILED", "{sync}");
    assert_eq!(sync["error"], "States.DataLimitExceeded");
    assert!(began.elapsed() < Duration::from_secs(20));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_of_2_pow_62_seconds_keeps_waiting() {
    let dir = common::DataDir::new();
    let app = common::app(&dir).await;
    let def = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.s", "Next": "After"},
        "After": {"Type": "Succeed"}}});
    let arn = machine(&app, "long-wait", def, "STANDARD").await;
    let exec = start(&app, &arn, json!({"s": 1u64 << 62})).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let d = ok(&app, "DescribeExecution", json!({ "executionArn": exec })).await;
    assert_eq!(d["status"], "RUNNING", "{d}");
    let types: Vec<String> = history(&app, &exec)
        .await
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(types, ["ExecutionStarted", "WaitStateEntered"]);
    ok(&app, "StopExecution", json!({"executionArn": exec})).await;
    assert_eq!(ended(&app, &exec, Duration::from_secs(10)).await["status"], "ABORTED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_300000_character_cause_is_cut_to_the_apis_32768() {
    let dir = common::DataDir::new();
    let app = common::app(&dir).await;
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "F", "States": {"F": {"Type": "Fail",
        "Error": "{% $pad('', 1000, 'e') %}", "Cause": "{% $pad('', 300000, 'c') %}"}}});
    let arn = machine(&app, "long-cause", def, "STANDARD").await;
    let exec = start(&app, &arn, json!({})).await;
    let d = ended(&app, &exec, Duration::from_secs(20)).await;
    assert_eq!(d["status"], "FAILED", "{d}");
    assert_eq!(d["cause"].as_str().unwrap().len(), 32_768);
    assert_eq!(d["error"].as_str().unwrap().len(), 256);
    let events = history(&app, &exec).await;
    let failed = &events.last().unwrap()["executionFailedEventDetails"];
    assert_eq!(failed["cause"].as_str().unwrap().len(), 32_768);
    assert_eq!(failed["error"].as_str().unwrap().len(), 256);
}

#[tokio::test]
async fn api_fields_past_their_model_limits_are_refused() {
    let dir = common::DataDir::new();
    let app = common::app(&dir).await;
    let def = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100, "End": true}}});
    let arn = machine(&app, "stoppable", def, "STANDARD").await;
    let exec = start(&app, &arn, json!({})).await;
    let cases = [
        (
            "cause",
            "c".repeat(32_769),
            "Member must have length less than or equal to 32768",
        ),
        (
            "error",
            "e".repeat(257),
            "Member must have length less than or equal to 256",
        ),
    ];
    for (field, value, constraint) in cases {
        let (status, reply) = call(&app, "StopExecution", json!({"executionArn": exec, field: value})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{reply}");
        assert_eq!(reply["__type"], "com.amazon.coral.validate#ValidationException");
        assert_eq!(
            reply["message"],
            format!("1 validation error detected: Value at '{field}' failed to satisfy constraint: {constraint}")
        );
    }
    // At the limits they are taken as they are.
    let (cause, error) = ("c".repeat(32_768), "e".repeat(256));
    ok(
        &app,
        "StopExecution",
        json!({"executionArn": exec, "cause": cause, "error": error}),
    )
    .await;
    let d = ended(&app, &exec, Duration::from_secs(10)).await;
    assert_eq!(d["status"], "ABORTED");
    assert_eq!(d["cause"], cause);
    assert_eq!(d["error"], error);
}
