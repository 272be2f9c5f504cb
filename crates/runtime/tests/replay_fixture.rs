//! A data directory written by the release before journals carried a replay version
//! (commit 312362b, schema 1), resumed by this build.
//!
//! `tests/fixtures/v1/stepwise.db` holds five Standard executions parked in Wait states,
//! retry back-offs, Parallel branches and Map iterations, written by `write_fixture` below
//! (run at that commit with `STEPWISE_FIXTURE_OUT=<dir> cargo test -p stepwise-runtime
//! --test replay_fixture -- --ignored`). Never regenerate it with a newer build: its point is
//! that it was written by the old one.

mod common;

use std::path::Path;
use std::sync::Arc;

use engine::mock::MockConfig;
use runtime::{Clock, Runtime, RuntimeConfig, StartRequest, Target};
use serde_json::{Value, json};
use store::{ExecutionStatus, SqliteStore, Store, WorkflowType};

use common::{ROLE, SM_ARN};

/// Where the fixture is; the test works on a copy (opening it migrates it).
const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/v1");
/// A little after the fixture was written (its executions started at 1796140486065…093).
const RESUMED_AT: i64 = 1_796_140_500_000;

const MOCKS: &str = r#"{
  "StateMachines": {
    "Fixture": { "TestCases": { "Happy": { "Charge": "FlakyCharge", "Ship": "ShipOk" } } }
  },
  "MockedResponses": {
    "FlakyCharge": {
      "0": { "Throw": { "Error": "Lambda.ServiceException", "Cause": "busy" } },
      "1": { "Return": { "StatusCode": 200, "Payload": { "charged": 42 } } }
    },
    "ShipOk": { "0": { "Return": { "shipped": true } } }
  }
}"#;

/// (execution name, definition, input)
fn executions() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        (
            "wait-then-task",
            r#"{"StartAt":"Prepare","States":{
                "Prepare":{"Type":"Pass","Result":{"n":1},"ResultPath":"$.p","Next":"Nap"},
                "Nap":{"Type":"Wait","Seconds":3600,"Next":"Charge"},
                "Charge":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                    "Parameters":{"FunctionName":"charge","Payload.$":"$"},
                    "Retry":[{"ErrorEquals":["Lambda.ServiceException"],"IntervalSeconds":2}],
                    "ResultSelector":{"charged.$":"$.Payload.charged"},"ResultPath":"$.charge","Next":"Check"},
                "Check":{"Type":"Choice","Choices":[{"Variable":"$.p.n","NumericEquals":1,"Next":"Done"}],
                    "Default":"Bad"},
                "Bad":{"Type":"Fail","Error":"Bad","Cause":"n is not 1"},
                "Done":{"Type":"Succeed"}}}"#,
            r#"{"order": "A-1"}"#,
        ),
        (
            "retry-backoff",
            r#"{"StartAt":"Charge","States":{
                "Charge":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                    "Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":1800,"MaxAttempts":3}],
                    "OutputPath":"$.Payload","End":true}}}"#,
            r#"{"order": "B-2"}"#,
        ),
        (
            "parallel-waits",
            r#"{"StartAt":"Both","States":{
                "Both":{"Type":"Parallel","End":true,"Branches":[
                    {"StartAt":"Short","States":{"Short":{"Type":"Wait","Seconds":600,"Next":"S"},
                        "S":{"Type":"Pass","Result":"short","End":true}}},
                    {"StartAt":"Long","States":{"Long":{"Type":"Wait","Seconds":1200,"Next":"Ship"},
                        "Ship":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}]}}}"#,
            r#"{}"#,
        ),
        (
            "map-waits",
            r#"{"StartAt":"Each","States":{
                "Each":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":2,"End":true,
                    "ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"W","States":{
                        "W":{"Type":"Wait","SecondsPath":"$.s","Next":"P"},
                        "P":{"Type":"Pass","Parameters":{"doubled.$":"States.MathAdd($.s, $.s)"},"End":true}}}}}}"#,
            r#"{"items": [{"s": 30}, {"s": 10}, {"s": 20}]}"#,
        ),
        (
            "jsonata-wait",
            r#"{"QueryLanguage":"JSONata","StartAt":"Nap","States":{
                "Nap":{"Type":"Wait","Seconds":"{% $states.input.secs %}","Assign":{"seen":"{% $states.input.secs %}"},
                    "Next":"Out"},
                "Out":{"Type":"Pass","Output":"{% {'secs': $seen, 'twice': $seen * 2} %}","End":true}}}"#,
            r#"{"secs": 90}"#,
        ),
    ]
}

fn config() -> RuntimeConfig {
    RuntimeConfig {
        region: "us-east-1".into(),
        account: "123456789012".into(),
        mocks: Some(MockConfig::parse(MOCKS).expect("mock configuration")),
        task_runners: Vec::new(),
    }
}

fn request(name: &str, definition: &str, input: &str) -> StartRequest {
    StartRequest {
        target: Target {
            state_machine_arn: SM_ARN.into(),
            kind: WorkflowType::Standard,
            definition: definition.into(),
            role_arn: ROLE.into(),
            version_arn: None,
            alias_arn: None,
        },
        name: Some(name.into()),
        input: input.into(),
        test_case: Some("Happy".into()),
        trace_header: None,
    }
}

/// Writes the fixture (see the module docs); only ever run by hand.
#[test]
#[ignore]
fn write_fixture() {
    let out = std::env::var("STEPWISE_FIXTURE_OUT").expect("STEPWISE_FIXTURE_OUT");
    let db = Path::new(&out).join("stepwise.db");
    assert!(!db.exists(), "{} exists already", db.display());
    let store = Arc::new(SqliteStore::open(&db).expect("store"));
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    tokio.block_on(async {
        let rt = Runtime::new(store.clone(), config()).await.expect("runtime");
        for (name, def, input) in executions() {
            rt.start_execution(request(name, def, input)).await.expect("start");
        }
        // Let the actors take their first steps (mocked answers, immediate timers).
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert_eq!(rt.running_count(), 5);
    });
    // Stopping the actors drops the last handles on the store: its file is checkpointed
    // and closed, as after a server stops.
    drop(tokio);
    drop(store);
}

/// What each execution ends as, with its whole history (`expected.json` beside the
/// fixture; `STEPWISE_BLESS=1` rewrites it, to be reviewed like code).
fn outcome(store: &dyn Store, arn: &str) -> Value {
    let rec = store.get_execution(arn).unwrap().unwrap();
    let events: Vec<Value> = common::history(store, arn)
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "previousEventId": e.previous_event_id,
                "timestamp": e.timestamp_ms,
                "type": e.event_type,
                "details": e.details.as_ref().map(|(k, v)| json!({k: v})),
            })
        })
        .collect();
    json!({
        "status": rec.status.as_str(),
        "output": rec.output,
        "error": rec.error,
        "cause": rec.cause,
        "replayVersion": rec.replay_version,
        "history": events,
    })
}

#[test]
fn a_data_directory_of_the_previous_release_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("stepwise.db");
    std::fs::copy(Path::new(FIXTURE).join("stepwise.db"), &db).unwrap();
    let tokio = common::paused_tokio();
    let got = tokio.block_on(async {
        let store = Arc::new(SqliteStore::open(&db).expect("the old data directory opens"));
        let open = store.open_executions().unwrap();
        assert_eq!(open.len(), 5);
        assert!(
            open.iter().all(|r| r.replay_version == 1),
            "schema-1 executions count as version 1"
        );
        let rt = Runtime::with_clock(store.clone(), config(), Clock::tokio_at(RESUMED_AT))
            .await
            .unwrap();
        assert_eq!(rt.running_count(), 5, "every execution replays and resumes");
        let mut got = serde_json::Map::new();
        for rec in open {
            let done = common::ended(&rt, &rec.arn).await;
            assert_ne!(done.status, ExecutionStatus::Failed, "{done:?}");
            let events = common::history(store.as_ref(), &rec.arn);
            common::assert_well_linked(&events);
            got.insert(rec.name.clone(), outcome(store.as_ref(), &rec.arn));
        }
        Value::Object(got)
    });
    let expected_path = Path::new(FIXTURE).join("expected.json");
    if std::env::var_os("STEPWISE_BLESS").is_some() {
        std::fs::write(&expected_path, serde_json::to_string_pretty(&got).unwrap() + "\n").unwrap();
    }
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(&expected_path).unwrap()).unwrap();
    assert_eq!(got, expected);
    // The outputs, spelled out.
    let output = |name: &str| {
        got[name]["output"]
            .as_str()
            .map(|s| serde_json::from_str::<Value>(s).unwrap())
    };
    assert_eq!(
        output("wait-then-task"),
        Some(json!({"order": "A-1", "p": {"n": 1}, "charge": {"charged": 42}}))
    );
    assert_eq!(output("retry-backoff"), Some(json!({"charged": 42})));
    assert_eq!(output("parallel-waits"), Some(json!(["short", {"shipped": true}])));
    assert_eq!(
        output("map-waits"),
        Some(json!([{"doubled": 60}, {"doubled": 20}, {"doubled": 40}]))
    );
    assert_eq!(output("jsonata-wait"), Some(json!({"secs": 90, "twice": 180})));
}
