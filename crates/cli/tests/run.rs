//! End-to-end tests of `stepwise run` and `stepwise validate`: the real binary, real files.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::{Value, json};

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/orders")
}

fn stepwise(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stepwise"))
        .args(args)
        .output()
        .expect("run stepwise")
}

/// Runs an example with the mock configuration; returns (exit code, printed JSON).
fn run_mocked(definition: &str, test_case: &str) -> (i32, Value) {
    let def = examples().join(definition);
    let mocks = examples().join("mocks.json");
    let out = stepwise(&[
        "run",
        def.to_str().unwrap(),
        "--input",
        r#"{"order_id":"ORD-1"}"#,
        "--mock-config",
        mocks.to_str().unwrap(),
        "--test-case",
        test_case,
        "--fast-timers",
    ]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let v: Value = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout} / {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), v)
}

#[test]
fn single_task_returns_the_mocked_result() {
    let (code, v) = run_mocked("OrderSingleTask.json", "HappyPath");
    assert_eq!(code, 0);
    assert_eq!(
        v,
        json!({"status": "SUCCEEDED", "output": {"order_id": "ORD-1", "status": "PROCESSED"}})
    );
}

#[test]
fn two_tasks_chain_mocked_results_through_paths() {
    let (code, v) = run_mocked("OrderTwoTasks.json", "HappyPath");
    assert_eq!(code, 0);
    assert_eq!(
        v["output"],
        json!({
            "order_id": "ORD-1",
            "validation": {"valid": true, "amount": 42.5},
            "payment": {"payment_id": "PAY-7", "status": "CHARGED"}
        })
    );
}

#[test]
fn retry_on_lambda_service_exception_succeeds() {
    let (code, v) = run_mocked("OrderWithRetry.json", "TransientFailure");
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["output"], json!({"payment_id": "PAY-8", "status": "CHARGED"}));
}

#[test]
fn catch_all_leads_to_the_fail_state() {
    let (code, v) = run_mocked("OrderWithCatch.json", "CardDeclined");
    assert_eq!(code, 1);
    assert_eq!(
        v,
        json!({
            "status": "FAILED",
            "error": "OrderPaymentFailed",
            "cause": "The payment for the order could not be processed"
        })
    );
}

#[test]
fn pass_only_workflow_needs_no_mocks() {
    let def = examples().join("HelloPass.json");
    let out = stepwise(&["run", def.to_str().unwrap(), "--input", r#"{"name":"World"}"#]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v,
        json!({"status": "SUCCEEDED", "output": {"greeting": "Hello, World!"}})
    );
}

#[test]
fn unmocked_task_fails_with_a_clear_error() {
    let def = examples().join("OrderSingleTask.json");
    let out = stepwise(&["run", def.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"], "States.TaskFailed");
    assert!(v["cause"].as_str().unwrap().contains("ProcessOrder"), "{v}");
}

#[test]
fn history_lists_lambda_events() {
    let def = examples().join("OrderWithRetry.json");
    let mocks = examples().join("mocks.json");
    let out = stepwise(&[
        "run",
        def.to_str().unwrap(),
        "--mock-config",
        mocks.to_str().unwrap(),
        "--test-case",
        "TransientFailure",
        "--fast-timers",
        "--history",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let types: Vec<&str> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionFailed",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionSucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
}

#[test]
fn invalid_definition_exits_2_with_the_aws_message() {
    let dir = tempdir();
    let file = dir.join("bad.json");
    std::fs::write(
        &file,
        r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Nowhere"}}}"#,
    )
    .unwrap();
    let out = stepwise(&["run", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("MISSING_TRANSITION_TARGET: Missing 'Next' target: Nowhere at /States/A/Next"),
        "{err}"
    );

    let out = stepwise(&["validate", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["result"], "FAIL");
    assert_eq!(v["diagnostics"][0]["code"], "MISSING_TRANSITION_TARGET");
    assert_eq!(v["diagnostics"][0]["location"], "/States/A/Next");
}

#[test]
fn bad_input_json_exits_2() {
    let def = examples().join("HelloPass.json");
    let out = stepwise(&["run", def.to_str().unwrap(), "--input", "{not json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid JSON"));
}

#[test]
fn wait_states_wait_unless_fast_timers() {
    let dir = tempdir();
    let file = dir.join("Waits.json");
    std::fs::write(
        &file,
        r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"End":true}}}"#,
    )
    .unwrap();
    let started = std::time::Instant::now();
    let out = stepwise(&["run", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    // Not a timing assertion on speed: a Wait of 1 s must not finish before 1 s has passed.
    assert!(started.elapsed() >= std::time::Duration::from_millis(1000));
    let out = stepwise(&["run", file.to_str().unwrap(), "--fast-timers", "--input", r#"{"a":1}"#]);
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap()["output"],
        json!({"a": 1})
    );
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "stepwise-test-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn jsonata_lambda_invoke_returns_the_mocked_payload() {
    let (code, v) = run_mocked("HelloJsonata.json", "HappyPath");
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        v["output"],
        json!({"greeting": "Hello from Lambda", "order_id": "ORD-1"})
    );
    let (code, v) = run_mocked("HelloJsonata.json", "Throttled");
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["output"], json!({"greeting": "Hello after a retry"}));
}
