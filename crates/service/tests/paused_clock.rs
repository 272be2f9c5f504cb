//! The service in process, over a real SQLite store and the real runtime, with tokio's clock
//! paused: timers (Wait states) fire as soon as nothing else can run, so an hour-long Wait
//! takes milliseconds and the tests are deterministic about time.
//!
//! Requests and answers go through their JSON shapes (`serde_json`), as a client sends and
//! reads them, so the tests do not depend on how the API types are spelled in Rust.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use runtime::{Runtime, RuntimeConfig};
use serde_json::{Value, json};
use server::{ApiError, RequestContext, StepFunctions};
use service::Service;
use store::SqliteStore;

const ROLE: &str = "arn:aws:iam::123456789012:role/StepwiseTest";

/// A service over a store in a fresh directory, removed again when the test ends.
struct Harness {
    svc: Service,
    dir: PathBuf,
}

impl Drop for Harness {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn harness(name: &str) -> Harness {
    let dir = std::env::temp_dir().join(format!("stepwise-service-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let store = SqliteStore::open(&dir.join("stepwise.db")).unwrap();
    let cfg = RuntimeConfig {
        region: "us-east-1".into(),
        account: "123456789012".into(),
        mocks: None,
        task_runners: Vec::new(),
    };
    let runtime = Runtime::new(Arc::new(store), cfg).await.unwrap();
    Harness {
        svc: Service::new(runtime),
        dir,
    }
}

fn ctx() -> RequestContext {
    RequestContext {
        region: "us-east-1".into(),
        account_id: "123456789012".into(),
        access_key_id: None,
        request_id: "paused-clock-test".into(),
    }
}

/// Calls one action with a JSON request; the answer stays a `Result` of the typed output.
macro_rules! call {
    ($h:expr, $action:ident, $($request:tt)+) => {
        $h.svc
            .$action(ctx(), serde_json::from_value(json!($($request)+)).expect("request shape"))
            .await
    };
}

/// The answer's JSON, or a panic naming the API error.
fn ok<T: serde::Serialize>(r: Result<T, ApiError>) -> Value {
    match r {
        Ok(out) => serde_json::to_value(out).unwrap(),
        Err(e) => panic!("{}: {e}", e.code()),
    }
}

fn err<T>(r: Result<T, ApiError>) -> &'static str {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.code(),
    }
}

fn text(v: &Value) -> String {
    v.as_str().expect("a string").to_string()
}

async fn create(h: &Harness, name: &str, definition: Value, kind: &str) -> String {
    let out = ok(call!(h, create_state_machine, {
        "name": name,
        "definition": definition.to_string(),
        "roleArn": ROLE,
        "type": kind,
    }));
    text(&out["stateMachineArn"])
}

async fn start(h: &Harness, arn: &str, name: &str) -> String {
    let out = ok(call!(h, start_execution, { "stateMachineArn": arn, "name": name }));
    text(&out["executionArn"])
}

/// Polls DescribeExecution until the execution has stopped, each poll a minute of virtual
/// time apart (so at most `minutes` of it pass).
async fn stopped(h: &Harness, arn: &str, minutes: u32) -> Value {
    for _ in 0..=minutes {
        let d = ok(call!(h, describe_execution, { "executionArn": arn }));
        if d["status"] != "RUNNING" {
            return d;
        }
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
    panic!("{arn} still running after {minutes} virtual minutes");
}

async fn event_types(h: &Harness, arn: &str) -> Vec<String> {
    let out = ok(call!(h, get_execution_history, { "executionArn": arn, "maxResults": 1000 }));
    out["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| text(&e["type"]))
        .collect()
}

fn wait(seconds: u64) -> Value {
    json!({
        "StartAt": "Nap",
        "States": {
            "Nap": { "Type": "Wait", "Seconds": seconds, "Next": "Done" },
            "Done": { "Type": "Pass", "Result": { "rested": true }, "End": true }
        }
    })
}

fn pass(result: Value) -> Value {
    json!({ "StartAt": "P", "States": { "P": { "Type": "Pass", "Result": result, "End": true } } })
}

#[tokio::test(start_paused = true)]
async fn an_hour_long_wait_finishes_without_waiting_an_hour() {
    let h = harness("hour-wait").await;
    let sm = create(&h, "Napper", wait(3600), "STANDARD").await;
    let real = std::time::Instant::now();
    let virtual_start = tokio::time::Instant::now();
    let exec = start(&h, &sm, "nap-1").await;
    let d = stopped(&h, &exec, 120).await;
    assert_eq!(d["status"], "SUCCEEDED", "{d}");
    assert_eq!(d["output"], r#"{"rested":true}"#);
    assert!(tokio::time::Instant::now() - virtual_start >= Duration::from_secs(3600));
    assert!(
        real.elapsed() < Duration::from_secs(60),
        "took {:?} of real time",
        real.elapsed()
    );
    assert_eq!(
        event_types(&h, &exec).await,
        [
            "ExecutionStarted",
            "WaitStateEntered",
            "WaitStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn stop_execution_during_a_wait_aborts_it_for_good() {
    let h = harness("stop-wait").await;
    let sm = create(&h, "Sleeper", wait(3600), "STANDARD").await;
    let exec = start(&h, &sm, "stop-1").await;
    // The first step is durable before StartExecution answers: the Wait has been entered.
    assert_eq!(event_types(&h, &exec).await, ["ExecutionStarted", "WaitStateEntered"]);
    let out = ok(call!(h, stop_execution, {
        "executionArn": exec,
        "error": "Operator",
        "cause": "no time to sleep",
    }));
    assert!(out["stopDate"].is_number(), "{out}");
    let d = ok(call!(h, describe_execution, { "executionArn": exec }));
    assert_eq!(d["status"], "ABORTED", "{d}");
    assert_eq!(d["error"], "Operator");
    assert_eq!(d["cause"], "no time to sleep");
    // The Wait's timer, had it survived, would fire within these two virtual hours.
    tokio::time::sleep(Duration::from_secs(7200)).await;
    assert_eq!(
        event_types(&h, &exec).await,
        ["ExecutionStarted", "WaitStateEntered", "ExecutionAborted"]
    );
    for (filter, expected) in [("ABORTED", 1), ("RUNNING", 0)] {
        let listed = ok(call!(h, list_executions, { "stateMachineArn": sm, "statusFilter": filter }));
        assert_eq!(listed["executions"].as_array().unwrap().len(), expected, "{filter}");
    }
    assert_eq!(
        err(call!(h, stop_execution, { "executionArn": format!("{exec}-nope") })),
        "ExecutionDoesNotExist"
    );
}

#[tokio::test(start_paused = true)]
async fn list_actions_page_with_tokens() {
    let h = harness("paging").await;
    for name in ["Alpha", "Bravo", "Charlie"] {
        create(&h, name, pass(json!(1)), "STANDARD").await;
    }
    let first = ok(call!(h, list_state_machines, { "maxResults": 2 }));
    let names: Vec<String> = first["stateMachines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| text(&s["name"]))
        .collect();
    assert_eq!(names.len(), 2);
    let token = text(&first["nextToken"]);
    let second = ok(call!(h, list_state_machines, { "maxResults": 2, "nextToken": token }));
    assert_eq!(second["stateMachines"].as_array().unwrap().len(), 1);
    assert!(second.get("nextToken").is_none_or(Value::is_null), "{second}");
    let mut all = names;
    all.push(text(&second["stateMachines"][0]["name"]));
    all.sort();
    assert_eq!(all, ["Alpha", "Bravo", "Charlie"]);
    for garbage in ["garbage", "v1zz", "v1aéb"] {
        assert_eq!(
            err(call!(h, list_state_machines, { "nextToken": garbage })),
            "InvalidToken"
        );
    }

    // Executions page the same way.
    let sm = ok(call!(h, list_state_machines, {}))["stateMachines"][0]["stateMachineArn"].clone();
    let sm = text(&sm);
    for i in 0..3 {
        let exec = start(&h, &sm, &format!("run-{i}")).await;
        assert_eq!(stopped(&h, &exec, 1).await["status"], "SUCCEEDED");
    }
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = match &token {
            None => ok(call!(h, list_executions, { "stateMachineArn": sm, "maxResults": 2 })),
            Some(t) => ok(call!(h, list_executions, { "stateMachineArn": sm, "maxResults": 2, "nextToken": t })),
        };
        let items = page["executions"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|e| text(&e["name"])));
        match page.get("nextToken").and_then(Value::as_str) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    seen.sort();
    assert_eq!(seen, ["run-0", "run-1", "run-2"]);

    // History pages by event id, forwards and in reverse.
    let exec = format!("{}:run-0", sm.replace(":stateMachine:", ":execution:"));
    for (reverse, expected) in [(false, [1, 2, 3, 4]), (true, [4, 3, 2, 1])] {
        let mut ids = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut request = json!({ "executionArn": exec, "maxResults": 3, "reverseOrder": reverse });
            if let Some(t) = &token {
                request["nextToken"] = json!(t);
            }
            let page = ok(h
                .svc
                .get_execution_history(ctx(), serde_json::from_value(request).unwrap())
                .await);
            ids.extend(
                page["events"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["id"].as_i64().unwrap()),
            );
            match page.get("nextToken").and_then(Value::as_str) {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        assert_eq!(ids, expected, "reverse: {reverse}");
    }
}

#[tokio::test(start_paused = true)]
async fn versions_and_aliases_route_executions() {
    let h = harness("routing").await;
    let created = ok(call!(h, create_state_machine, {
        "name": "Routed",
        "definition": pass(json!("one")).to_string(),
        "roleArn": ROLE,
        "publish": true,
    }));
    let sm = text(&created["stateMachineArn"]);
    let v1 = text(&created["stateMachineVersionArn"]);
    assert_eq!(v1, format!("{sm}:1"));
    let updated = ok(call!(h, update_state_machine, {
        "stateMachineArn": sm,
        "definition": pass(json!("two")).to_string(),
        "publish": true,
    }));
    let v2 = text(&updated["stateMachineVersionArn"]);
    assert_eq!(v2, format!("{sm}:2"));

    // A version ARN describes and runs that version's definition.
    let d = ok(call!(h, describe_state_machine, { "stateMachineArn": v1 }));
    assert_eq!(d["definition"], pass(json!("one")).to_string());
    let exec = start(&h, &v1, "by-version").await;
    let d = stopped(&h, &exec, 1).await;
    assert_eq!(d["output"], r#""one""#);
    assert_eq!(d["stateMachineVersionArn"], v1);

    // An alias with all its weight on one version runs that version.
    let alias = ok(call!(h, create_state_machine_alias, {
        "name": "live",
        "routingConfiguration": [
            { "stateMachineVersionArn": v1, "weight": 0 },
            { "stateMachineVersionArn": v2, "weight": 100 }
        ],
    }));
    let alias = text(&alias["stateMachineAliasArn"]);
    assert_eq!(alias, format!("{sm}:live"));
    let exec = start(&h, &alias, "by-alias").await;
    let d = stopped(&h, &exec, 1).await;
    assert_eq!(d["output"], r#""two""#);
    assert_eq!(d["stateMachineVersionArn"], v2);
    assert_eq!(d["stateMachineAliasArn"], alias);
    let listed = ok(call!(h, list_executions, { "stateMachineArn": alias }));
    let names: Vec<String> = listed["executions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| text(&e["name"]))
        .collect();
    assert_eq!(names, ["by-alias"]);
    let listed = ok(call!(h, list_state_machine_aliases, { "stateMachineArn": v2 }));
    assert_eq!(listed["stateMachineAliases"].as_array().unwrap().len(), 1);
    let listed = ok(call!(h, list_state_machine_aliases, { "stateMachineArn": v1 }));
    assert_eq!(listed["stateMachineAliases"].as_array().unwrap().len(), 1);

    // Re-routing the alias moves new executions; a routed version cannot be deleted.
    ok(call!(h, update_state_machine_alias, {
        "stateMachineAliasArn": alias,
        "routingConfiguration": [{ "stateMachineVersionArn": v1, "weight": 100 }],
    }));
    let exec = start(&h, &alias, "rerouted").await;
    assert_eq!(stopped(&h, &exec, 1).await["output"], r#""one""#);
    assert_eq!(
        err(call!(h, delete_state_machine_version, { "stateMachineVersionArn": v1 })),
        "ConflictException"
    );
    ok(call!(h, delete_state_machine_version, { "stateMachineVersionArn": v2 }));
    let versions = ok(call!(h, list_state_machine_versions, { "stateMachineArn": sm }));
    assert_eq!(versions["stateMachineVersions"].as_array().unwrap().len(), 1);
    assert_eq!(
        err(call!(h, start_execution, { "stateMachineArn": v2 })),
        "ResourceNotFound"
    );
}

#[tokio::test(start_paused = true)]
async fn sync_express_runs_through_a_wait_in_the_request() {
    let h = harness("sync").await;
    let express = create(&h, "Quick", wait(60), "EXPRESS").await;
    let out = ok(call!(h, start_sync_execution, { "stateMachineArn": express, "name": "q-1" }));
    assert_eq!(out["status"], "SUCCEEDED", "{out}");
    assert_eq!(out["output"], r#"{"rested":true}"#);
    let standard = create(&h, "Slow", wait(60), "STANDARD").await;
    assert_eq!(
        err(call!(h, start_sync_execution, { "stateMachineArn": standard })),
        "StateMachineTypeNotSupported"
    );
    assert_eq!(
        err(call!(h, list_executions, { "stateMachineArn": express })),
        "StateMachineTypeNotSupported"
    );
}

#[tokio::test(start_paused = true)]
async fn each_update_is_a_revision_and_publish_checks_it() {
    let h = harness("revisions").await;
    let sm = create(&h, "Revised", pass(json!(1)), "STANDARD").await;
    let first = text(&ok(call!(h, describe_state_machine, { "stateMachineArn": sm }))["revisionId"]);
    let updated = ok(call!(h, update_state_machine, {
        "stateMachineArn": sm,
        "definition": pass(json!(2)).to_string(),
    }));
    let second = text(&updated["revisionId"]);
    assert_ne!(first, second);
    assert_eq!(second.len(), 36, "a UUID: {second}");
    assert_eq!(
        err(call!(h, publish_state_machine_version, { "stateMachineArn": sm, "revisionId": first })),
        "ConflictException"
    );
    let v = ok(call!(h, publish_state_machine_version, { "stateMachineArn": sm, "revisionId": second }));
    // The same revision is not published twice.
    let again = ok(call!(h, publish_state_machine_version, { "stateMachineArn": sm }));
    assert_eq!(v["stateMachineVersionArn"], again["stateMachineVersionArn"]);
}
