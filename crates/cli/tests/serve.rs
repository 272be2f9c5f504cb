//! End-to-end tests of `stepwise serve` driven by the real `aws` CLI (AWS CLI v1, from the
//! `awscli` Python package; `scripts/test.sh` installs it), including crashes: the server is
//! killed with SIGKILL while executions wait, restarted on the same data directory, and the
//! executions must finish with the right output and a history without gaps or duplicates.

mod common;

use std::time::{Duration, Instant};

use common::{ACCOUNT, REGION, Server, examples, sm_arn};
use serde_json::{Value, json};

fn temp_dir(name: &str) -> std::path::PathBuf {
    common::temp_dir("serve", name)
}

/// The `aws` CLI against a server.
trait AwsCli {
    fn aws(&self, args: &[&str]) -> (i32, Value);
    fn aws_as(&self, keys: (&str, &str), args: &[&str]) -> (i32, Value);
    fn ok(&self, args: &[&str]) -> Value;
}

impl AwsCli for Server {
    /// Runs `aws stepfunctions ARGS` and returns (exit code, parsed stdout or stderr text).
    fn aws(&self, args: &[&str]) -> (i32, Value) {
        self.aws_as(("test", "test"), args)
    }

    /// Like [`Server::aws`], signing with the given access key id and secret.
    fn aws_as(&self, keys: (&str, &str), args: &[&str]) -> (i32, Value) {
        self.aws_cli("stepfunctions", keys, args)
    }

    fn ok(&self, args: &[&str]) -> Value {
        let (code, v) = self.aws(args);
        assert_eq!(code, 0, "aws {args:?} failed: {v}");
        v
    }
}

fn exec_arn(machine: &str, name: &str) -> String {
    format!("arn:aws:states:{REGION}:{ACCOUNT}:execution:{machine}:{name}")
}

fn wait_for_status(server: &Server, arn: &str, timeout: Duration) -> Value {
    let deadline = Instant::now() + timeout;
    loop {
        let d = server.ok(&["describe-execution", "--execution-arn", arn]);
        if d["status"] != "RUNNING" || Instant::now() > deadline {
            return d;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Ids run 1..=n without gaps or duplicates, and every previousEventId points backwards.
fn assert_history_is_whole(events: &[Value]) {
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e["id"], json!(i + 1), "event {i} of {events:#?}");
        assert!(e["previousEventId"].as_u64().unwrap() < e["id"].as_u64().unwrap());
    }
}

#[test]
fn order_workflows_run_with_mocked_lambdas_through_the_aws_cli() {
    let dir = temp_dir("orders");
    let server = Server::start(&dir, Some(&examples().join("mocks.json")));
    for (name, case, expected) in [
        (
            "OrderSingleTask",
            "HappyPath",
            json!({"order_id": "ORD-1", "status": "PROCESSED"}),
        ),
        (
            "OrderTwoTasks",
            "HappyPath",
            json!({"order_id": "ORD-12345", "validation": {"valid": true, "amount": 42.5},
                   "payment": {"payment_id": "PAY-7", "status": "CHARGED"}}),
        ),
    ] {
        let file = format!("file://{}", examples().join(format!("{name}.json")).display());
        let created = server.ok(&[
            "create-state-machine",
            "--name",
            name,
            "--definition",
            &file,
            "--role-arn",
            "arn:aws:iam::123456789012:role/StepFunctionsRole",
        ]);
        assert_eq!(created["stateMachineArn"], sm_arn(name));
        let started = server.ok(&[
            "start-execution",
            "--state-machine-arn",
            &format!("{}#{case}", sm_arn(name)),
            "--input",
            r#"{"order_id": "ORD-12345"}"#,
        ]);
        let arn = started["executionArn"].as_str().unwrap().to_string();
        let done = wait_for_status(&server, &arn, Duration::from_secs(20));
        assert_eq!(done["status"], "SUCCEEDED", "{done}");
        let output: Value = serde_json::from_str(done["output"].as_str().unwrap()).unwrap();
        assert_eq!(output, expected);
    }
}

#[test]
fn the_api_lifecycle_through_the_aws_cli() {
    let dir = temp_dir("lifecycle");
    let server = Server::start(&dir, None);
    let hello = format!("file://{}", examples().join("HelloPass.json").display());
    let role = "arn:aws:iam::123456789012:role/R";

    // Create, describe, list, update.
    server.ok(&[
        "create-state-machine",
        "--name",
        "Hello",
        "--definition",
        &hello,
        "--role-arn",
        role,
    ]);
    let d = server.ok(&["describe-state-machine", "--state-machine-arn", &sm_arn("Hello")]);
    assert_eq!(d["name"], "Hello");
    assert_eq!(d["type"], "STANDARD");
    assert_eq!(d["status"], "ACTIVE");
    let list = server.ok(&["list-state-machines"]);
    assert_eq!(list["stateMachines"].as_array().unwrap().len(), 1);
    let updated = server.ok(&[
        "update-state-machine",
        "--state-machine-arn",
        &sm_arn("Hello"),
        "--definition",
        r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"v2","End":true}}}"#,
        "--publish",
    ]);
    let v1 = updated["stateMachineVersionArn"].as_str().unwrap().to_string();
    assert_eq!(v1, format!("{}:1", sm_arn("Hello")));

    // Versions and an alias; executions through the alias run the version.
    let versions = server.ok(&["list-state-machine-versions", "--state-machine-arn", &sm_arn("Hello")]);
    assert_eq!(versions["stateMachineVersions"][0]["stateMachineVersionArn"], v1);
    let alias = server.ok(&[
        "create-state-machine-alias",
        "--name",
        "live",
        "--routing-configuration",
        &format!(r#"[{{"stateMachineVersionArn":"{v1}","weight":100}}]"#),
    ]);
    let alias_arn = alias["stateMachineAliasArn"].as_str().unwrap().to_string();
    assert_eq!(alias_arn, format!("{}:live", sm_arn("Hello")));
    let via_alias = server.ok(&[
        "start-execution",
        "--state-machine-arn",
        &alias_arn,
        "--name",
        "via-alias",
    ]);
    let done = wait_for_status(
        &server,
        via_alias["executionArn"].as_str().unwrap(),
        Duration::from_secs(10),
    );
    assert_eq!(done["output"], "\"v2\"");
    assert_eq!(done["stateMachineAliasArn"], alias_arn);
    assert_eq!(done["stateMachineVersionArn"], v1);
    let (code, err) = server.aws(&["delete-state-machine-version", "--state-machine-version-arn", &v1]);
    assert_ne!(code, 0);
    assert!(err.as_str().unwrap().contains("ConflictException"), "{err}");

    // Start, idempotent restart, conflicting restart, describe, history, list.
    let input = r#"{"name":"World"}"#;
    let s1 = server.ok(&[
        "start-execution",
        "--state-machine-arn",
        &sm_arn("Hello"),
        "--name",
        "run-1",
        "--input",
        input,
    ]);
    assert_eq!(s1["executionArn"], exec_arn("Hello", "run-1"));
    let d = wait_for_status(&server, &exec_arn("Hello", "run-1"), Duration::from_secs(10));
    assert_eq!(d["status"], "SUCCEEDED");
    let (code, err) = server.aws(&[
        "start-execution",
        "--state-machine-arn",
        &sm_arn("Hello"),
        "--name",
        "run-1",
        "--input",
        "{}",
    ]);
    assert_ne!(code, 0);
    assert!(err.as_str().unwrap().contains("ExecutionAlreadyExists"), "{err}");
    let h = server.ok(&["get-execution-history", "--execution-arn", &exec_arn("Hello", "run-1")]);
    let events = h["events"].as_array().unwrap();
    assert_history_is_whole(events);
    assert_eq!(events.last().unwrap()["type"], "ExecutionSucceeded");
    let reversed = server.ok(&[
        "get-execution-history",
        "--execution-arn",
        &exec_arn("Hello", "run-1"),
        "--reverse-order",
    ]);
    assert_eq!(reversed["events"][0]["type"], "ExecutionSucceeded");
    let listed = server.ok(&[
        "list-executions",
        "--state-machine-arn",
        &sm_arn("Hello"),
        "--status-filter",
        "SUCCEEDED",
    ]);
    assert_eq!(listed["executions"].as_array().unwrap().len(), 2);

    // Stop a waiting execution.
    server.ok(&[
        "create-state-machine",
        "--name",
        "Sleeper",
        "--definition",
        r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":600,"End":true}}}"#,
        "--role-arn",
        role,
    ]);
    server.ok(&[
        "start-execution",
        "--state-machine-arn",
        &sm_arn("Sleeper"),
        "--name",
        "nap",
    ]);
    server.ok(&[
        "stop-execution",
        "--execution-arn",
        &exec_arn("Sleeper", "nap"),
        "--error",
        "Bored",
        "--cause",
        "too long",
    ]);
    let d = server.ok(&["describe-execution", "--execution-arn", &exec_arn("Sleeper", "nap")]);
    assert_eq!(d["status"], "ABORTED");
    assert_eq!(d["error"], "Bored");

    // Express: synchronous.
    server.ok(&[
        "create-state-machine",
        "--name",
        "Quick",
        "--type",
        "EXPRESS",
        "--definition",
        &hello,
        "--role-arn",
        role,
    ]);
    let sync = server.ok(&[
        "start-sync-execution",
        "--state-machine-arn",
        &sm_arn("Quick"),
        "--input",
        input,
    ]);
    assert_eq!(sync["status"], "SUCCEEDED");
    assert_eq!(sync["output"], r#"{"greeting":"Hello, World!"}"#);

    // Tags.
    server.ok(&[
        "tag-resource",
        "--resource-arn",
        &sm_arn("Hello"),
        "--tags",
        "key=team,value=orders",
    ]);
    let tags = server.ok(&["list-tags-for-resource", "--resource-arn", &sm_arn("Hello")]);
    assert_eq!(tags["tags"], json!([{"key": "team", "value": "orders"}]));

    // Errors, as AWS names them.
    for (args, expected) in [
        (
            vec!["describe-state-machine", "--state-machine-arn", &sm_arn("Nope") as &str],
            "StateMachineDoesNotExist",
        ),
        (
            vec![
                "describe-execution",
                "--execution-arn",
                "arn:aws:states:us-east-1:123456789012:execution:Hello:nope",
            ],
            "ExecutionDoesNotExist",
        ),
        (
            vec!["describe-state-machine", "--state-machine-arn", "not-an-arn"],
            "InvalidArn",
        ),
        (
            vec![
                "create-state-machine",
                "--name",
                "Bad",
                "--definition",
                r#"{"StartAt":"X","States":{}}"#,
                "--role-arn",
                role,
            ],
            "InvalidDefinition",
        ),
        (
            vec![
                "start-execution",
                "--state-machine-arn",
                &sm_arn("Hello"),
                "--input",
                "{not json",
            ],
            "InvalidExecutionInput",
        ),
        (
            vec!["start-sync-execution", "--state-machine-arn", &sm_arn("Hello")],
            "StateMachineTypeNotSupported",
        ),
    ] {
        let (code, err) = server.aws(&args);
        assert_ne!(code, 0, "{args:?}");
        assert!(err.as_str().unwrap().contains(expected), "{args:?}: {err}");
    }
}

#[test]
fn a_waiting_execution_survives_sigkill_and_restart() {
    let dir = temp_dir("restart");
    let def = r#"{"StartAt":"A","States":{
        "A":{"Type":"Pass","Result":1,"ResultPath":"$.a","Next":"W1"},
        "W1":{"Type":"Wait","Seconds":2,"Next":"B"},
        "B":{"Type":"Pass","Result":2,"ResultPath":"$.b","Next":"W2"},
        "W2":{"Type":"Wait","Seconds":2,"Next":"C"},
        "C":{"Type":"Pass","Result":3,"ResultPath":"$.c","End":true}}}"#;
    let server = Server::start(&dir, None);
    server.ok(&[
        "create-state-machine",
        "--name",
        "Waits",
        "--definition",
        def,
        "--role-arn",
        "arn:aws:iam::123456789012:role/R",
    ]);
    server.ok(&[
        "start-execution",
        "--state-machine-arn",
        &sm_arn("Waits"),
        "--name",
        "k1",
        "--input",
        r#"{"x":1}"#,
    ]);
    std::thread::sleep(Duration::from_millis(2500));
    server.kill();

    let server = Server::start(&dir, None);
    let done = wait_for_status(&server, &exec_arn("Waits", "k1"), Duration::from_secs(20));
    assert_eq!(done["status"], "SUCCEEDED");
    let output: Value = serde_json::from_str(done["output"].as_str().unwrap()).unwrap();
    assert_eq!(output, json!({"x": 1, "a": 1, "b": 2, "c": 3}));
    let h = server.ok(&["get-execution-history", "--execution-arn", &exec_arn("Waits", "k1")]);
    let events = h["events"].as_array().unwrap();
    assert_history_is_whole(events);
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "WaitStateEntered",
            "WaitStateExited",
            "PassStateEntered",
            "PassStateExited",
            "WaitStateEntered",
            "WaitStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
}

#[test]
fn auth_requires_a_valid_signature_from_a_known_key() {
    let dir = temp_dir("auth");
    let server = Server::start_with_auth(&dir);
    let (code, v) = server.aws_as(("AKIDSTEPWISE", "s3cr3t"), &["list-state-machines"]);
    assert_eq!(code, 0, "{v}");
    let (code, err) = server.aws_as(("AKIDSTEPWISE", "wrong"), &["list-state-machines"]);
    assert_ne!(code, 0);
    assert!(err.as_str().unwrap().contains("InvalidSignatureException"), "{err}");
    let (code, err) = server.aws_as(("AKIDUNKNOWN", "s3cr3t"), &["list-state-machines"]);
    assert_ne!(code, 0);
    assert!(err.as_str().unwrap().contains("UnrecognizedClientException"), "{err}");
}

#[test]
fn test_state_runs_one_state_through_the_aws_cli() {
    let dir = temp_dir("test-state");
    let server = Server::start(&dir, None);
    let role = format!("arn:aws:iam::{ACCOUNT}:role/TestStateRole");

    let pass = json!({"Type": "Pass", "InputPath": "$.order", "Parameters": {"id.$": "$.id", "kind": "pass"},
        "ResultPath": "$.result", "Next": "Ship"})
    .to_string();
    let input = json!({"order": {"id": 42}}).to_string();
    let r = server.ok(&[
        "test-state",
        "--definition",
        &pass,
        "--role-arn",
        &role,
        "--input",
        &input,
        "--inspection-level",
        "DEBUG",
    ]);
    assert_eq!(r["status"], "SUCCEEDED", "{r:#}");
    assert_eq!(r["nextState"], "Ship");
    let parse = |v: &Value| serde_json::from_str::<Value>(v.as_str().expect("a JSON string")).unwrap();
    assert_eq!(
        parse(&r["output"]),
        json!({"order": {"id": 42}, "result": {"id": 42, "kind": "pass"}})
    );
    let data = &r["inspectionData"];
    assert_eq!(parse(&data["input"]), json!({"order": {"id": 42}}));
    assert_eq!(parse(&data["afterInputPath"]), json!({"id": 42}));
    assert_eq!(parse(&data["afterParameters"]), json!({"id": 42, "kind": "pass"}));
    assert_eq!(
        parse(&data["afterResultPath"]),
        json!({"order": {"id": 42}, "result": {"id": 42, "kind": "pass"}})
    );

    // INFO (the default) leaves the inspection data out.
    let r = server.ok(&[
        "test-state",
        "--definition",
        &pass,
        "--role-arn",
        &role,
        "--input",
        &input,
    ]);
    assert_eq!(r["status"], "SUCCEEDED");
    assert!(r.get("inspectionData").is_none(), "{r:#}");

    // A Task with a mocked error that its Catch handles.
    let task = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f"},
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Recover"}], "End": true})
    .to_string();
    let mock = json!({"errorOutput": {"error": "Broken", "cause": "mocked"}}).to_string();
    let r = server.ok(&[
        "test-state",
        "--definition",
        &task,
        "--role-arn",
        &role,
        "--mock",
        &mock,
        "--inspection-level",
        "DEBUG",
    ]);
    assert_eq!(r["status"], "CAUGHT_ERROR", "{r:#}");
    assert_eq!(r["nextState"], "Recover");
    assert_eq!(r["error"], "Broken");
    assert_eq!(
        parse(&r["output"]),
        json!({"err": {"Error": "Broken", "Cause": "mocked"}})
    );
    assert_eq!(r["inspectionData"]["errorDetails"]["catchIndex"], 0);

    // Without a mock a Task cannot run here.
    let (code, err) = server.aws(&["test-state", "--definition", &task, "--role-arn", &role]);
    assert_ne!(code, 0);
    assert!(err.as_str().unwrap().contains("ValidationException"), "{err}");
}
