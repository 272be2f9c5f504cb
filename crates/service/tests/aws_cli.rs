//! The real `aws` CLI (botocore) against the real service on 127.0.0.1: proves that botocore
//! parses our responses, timestamps and errors. Where `aws` is not installed it is skipped
//! with a note, unless `CI` is set: then it fails. (Moved from crates/server/tests, where it
//! ran over an in-memory fake of the service.)

mod common;

use std::net::SocketAddr;
use std::process::Output;

use serde_json::Value;

const PASS: &str = r#"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#;
const ROLE: &str = "arn:aws:iam::123456789012:role/StepFunctions";

/// Whether an ISO 8601 date botocore printed is within a few minutes of now (the fake's clock
/// started at a fixed 2023-11-14T22:13:20Z; the real service's is the wall clock).
fn is_recent(date: &str) -> bool {
    let Ok(t) = time::OffsetDateTime::parse(date, &time::format_description::well_known::Rfc3339) else {
        return false;
    };
    (time::OffsetDateTime::now_utc() - t).abs() < time::Duration::minutes(5)
}

/// A CLI config that makes botocore parse timestamps (the CLI v1 default prints them raw).
fn config_file() -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("stepwise-server-aws-cli-{}.ini", std::process::id()));
    std::fs::write(&path, "[default]\ncli_timestamp_format = iso8601\n").unwrap();
    path
}

async fn aws(addr: SocketAddr, args: &[&str]) -> Output {
    let endpoint = format!("http://{addr}");
    let config = config_file();
    tokio::process::Command::new("aws")
        .arg("stepfunctions")
        .args(args)
        .args(["--endpoint-url", &endpoint, "--region", "us-east-1", "--output", "json"])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_PAGER", "")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_MAX_ATTEMPTS", "1")
        // StartSyncExecution and TestState carry the `sync-` host prefix in the model;
        // against an IP address endpoint it must be turned off.
        .env("AWS_DISABLE_HOST_PREFIX_INJECTION", "true")
        .output()
        .await
        .expect("run aws")
}

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "aws failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("aws printed JSON")
}

fn stderr_of(out: &Output) -> String {
    assert!(!out.status.success(), "expected a failure");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_aws_cli_understands_responses_and_errors() {
    if !common::require("aws", "--version", "the `aws` CLI") {
        return;
    }
    let dir = common::DataDir::new();
    let addr = common::spawn(&dir).await;

    let empty = json_of(&aws(addr, &["list-state-machines"]).await);
    assert_eq!(empty, serde_json::json!({"stateMachines": []}));

    let created = json_of(
        &aws(
            addr,
            &[
                "create-state-machine",
                "--name",
                "hello",
                "--definition",
                PASS,
                "--role-arn",
                ROLE,
            ],
        )
        .await,
    );
    let arn = created["stateMachineArn"].as_str().unwrap().to_owned();
    assert_eq!(arn, "arn:aws:states:us-east-1:123456789012:stateMachine:hello");
    // botocore turned the epoch seconds into a datetime, which the CLI prints as ISO 8601.
    let date = created["creationDate"].as_str().unwrap();
    assert!(is_recent(date), "{date}");

    let listed = json_of(&aws(addr, &["list-state-machines"]).await);
    assert_eq!(listed["stateMachines"][0]["name"], "hello");
    assert_eq!(listed["stateMachines"][0]["type"], "STANDARD");

    let started = json_of(
        &aws(
            addr,
            &[
                "start-execution",
                "--state-machine-arn",
                &arn,
                "--name",
                "run-1",
                "--input",
                r#"{"a":1}"#,
            ],
        )
        .await,
    );
    let execution_arn = started["executionArn"].as_str().unwrap().to_owned();
    let described = json_of(&aws(addr, &["describe-execution", "--execution-arn", &execution_arn]).await);
    assert_eq!(described["status"], "SUCCEEDED");
    assert_eq!(described["output"], r#"{"a":1}"#);

    let history = json_of(&aws(addr, &["get-execution-history", "--execution-arn", &execution_arn]).await);
    let events = history["events"].as_array().unwrap();
    // The fake's history had no state events; the real one has the Pass state's.
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_eq!(events[3]["executionSucceededEventDetails"]["output"], r#"{"a":1}"#);
    assert!(events.iter().all(|e| is_recent(e["timestamp"].as_str().unwrap())));

    // Errors: the CLI names the exception and prints our message.
    let missing = "arn:aws:states:us-east-1:123456789012:stateMachine:missing";
    let err = stderr_of(&aws(addr, &["describe-state-machine", "--state-machine-arn", missing]).await);
    assert!(
        err.contains(&format!(
            "An error occurred (StateMachineDoesNotExist) when calling the DescribeStateMachine operation: State Machine Does Not Exist: '{missing}'"
        )),
        "{err}"
    );

    let err = stderr_of(&aws(addr, &["list-state-machines", "--max-results", "1001"]).await);
    assert!(
        err.contains("An error occurred (ValidationException) when calling the ListStateMachines operation: 1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000"),
        "{err}"
    );

    let err = stderr_of(&aws(addr, &["describe-execution", "--execution-arn", "nope"]).await);
    assert!(
        err.contains("An error occurred (InvalidArn) when calling the DescribeExecution operation: Invalid Arn: 'Invalid ARN prefix: nope'"),
        "{err}"
    );

    let described = json_of(&aws(addr, &["describe-state-machine", "--state-machine-arn", &arn]).await);
    assert_eq!(described["definition"], PASS);
    assert_eq!(described["loggingConfiguration"]["level"], "OFF");
    assert!(is_recent(described["creationDate"].as_str().unwrap()));

    // StartSyncExecution (host prefix `sync-`) on an EXPRESS machine…
    let express = json_of(
        &aws(
            addr,
            &[
                "create-state-machine",
                "--name",
                "fast",
                "--type",
                "EXPRESS",
                "--definition",
                PASS,
                "--role-arn",
                ROLE,
            ],
        )
        .await,
    );
    let express_arn = express["stateMachineArn"].as_str().unwrap();
    let sync = json_of(
        &aws(
            addr,
            &[
                "start-sync-execution",
                "--state-machine-arn",
                express_arn,
                "--input",
                "[1]",
            ],
        )
        .await,
    );
    assert_eq!(sync["status"], "SUCCEEDED");
    assert_eq!(sync["output"], "[1]");
    assert_eq!(sync["billingDetails"]["billedDurationInMilliseconds"], 100);
    assert!(is_recent(sync["stopDate"].as_str().unwrap()));

    // … and on a STANDARD one.
    let err = stderr_of(&aws(addr, &["start-sync-execution", "--state-machine-arn", &arn]).await);
    assert!(err.contains("(StateMachineTypeNotSupported)"), "{err}");
}
