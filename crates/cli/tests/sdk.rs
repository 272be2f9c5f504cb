//! `stepwise serve` driven by the official AWS SDK for Rust (`aws-sdk-sfn`): the SDK's own
//! request serialisation and SigV4 signing, and its parsing of our answers — epoch-second
//! timestamps into `DateTime`, `__type` error codes into typed errors, `nextToken` into its
//! paginators — must all work against the server, as they do against AWS.

mod common;

use std::time::{Duration, Instant, SystemTime};

use aws_sdk_sfn::config::interceptors::BeforeTransmitInterceptorContextMut;
use aws_sdk_sfn::config::{BehaviorVersion, ConfigBag, Credentials, Intercept, Region, RuntimeComponents};
use aws_sdk_sfn::error::{DisplayErrorContext, ProvideErrorMetadata};
use aws_sdk_sfn::operation::create_state_machine::CreateStateMachineError;
use aws_sdk_sfn::operation::describe_execution::DescribeExecutionOutput;
use aws_sdk_sfn::operation::describe_state_machine::DescribeStateMachineError;
use aws_sdk_sfn::primitives::DateTime;
use aws_sdk_sfn::types::{
    ExecutionStatus, HistoryEventType, StateMachineStatus, StateMachineType, SyncExecutionStatus,
};
use aws_sdk_sfn::{Client, Config};
use common::{ACCOUNT, REGION, Server, examples, sm_arn};
use serde_json::{Value, json};

const ROLE: &str = "arn:aws:iam::123456789012:role/StepFunctionsRole";

fn example(name: &str) -> String {
    std::fs::read_to_string(examples().join(format!("{name}.json"))).unwrap()
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    common::temp_dir("sdk", name)
}

/// StartSyncExecution's model asks for a `sync-` host prefix, which cannot resolve for an IP
/// endpoint. The AWS CLI turns it off with `AWS_DISABLE_HOST_PREFIX_INJECTION`; this SDK
/// version has no such setting, so this interceptor takes the prefix off again after the
/// endpoint is applied and before the request is signed (the signature covers `host`).
#[derive(Debug)]
struct NoHostPrefix;

impl Intercept for NoHostPrefix {
    fn name(&self) -> &'static str {
        "NoHostPrefix"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let request = context.request_mut();
        if request.uri().starts_with("http://sync-") {
            let uri = request.uri().replacen("http://sync-", "http://", 1);
            request.set_uri(uri)?;
        }
        Ok(())
    }
}

fn client(endpoint: &str, secret: &str) -> Client {
    let config = Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new("test", secret, None, None, "static"))
        // Plain HTTP (no TLS stack): the endpoint is http://127.0.0.1:PORT.
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .interceptor(NoHostPrefix)
        .build();
    Client::from_conf(config)
}

/// A timestamp from the server: within a minute of the test's clock.
fn assert_recent(t: &DateTime, what: &str) {
    let t = SystemTime::try_from(*t).unwrap_or_else(|e| panic!("{what}: {t:?}: {e}"));
    let now = SystemTime::now();
    let skew = now.duration_since(t).or_else(|_| t.duration_since(now)).unwrap();
    assert!(skew < Duration::from_secs(60), "{what} = {t:?}, now {now:?}");
}

async fn wait_for_end(sfn: &Client, arn: &str) -> DescribeExecutionOutput {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let d = sfn
            .describe_execution()
            .execution_arn(arn)
            .send()
            .await
            .unwrap_or_else(|e| panic!("describe_execution: {}", DisplayErrorContext(e)));
        if d.status() != &ExecutionStatus::Running || Instant::now() > deadline {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn json_of(s: Option<&str>) -> Value {
    serde_json::from_str(s.expect("a JSON document")).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_aws_sdk_for_rust_drives_the_server() {
    let dir = temp_dir("sdk");
    // With --auth, every request's SigV4 signature (made by the SDK) is checked.
    let creds = dir.join("credentials");
    std::fs::write(
        &creds,
        "[default]\naws_access_key_id = test\naws_secret_access_key = test\n",
    )
    .unwrap();
    let server = Server::start_with(
        &dir.join("data"),
        Some(&examples().join("mocks.json")),
        &["--auth", "--credentials-file", creds.to_str().unwrap()],
    );
    let sfn = client(&server.endpoint, "test");

    // Create and describe a STANDARD state machine: timestamps parse into sane DateTimes.
    let hello = example("HelloPass");
    let created = sfn
        .create_state_machine()
        .name("Hello")
        .definition(&hello)
        .role_arn(ROLE)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_state_machine: {}", DisplayErrorContext(e)));
    assert_eq!(created.state_machine_arn(), sm_arn("Hello"));
    assert_recent(created.creation_date(), "creationDate");
    let described = sfn
        .describe_state_machine()
        .state_machine_arn(sm_arn("Hello"))
        .send()
        .await
        .unwrap();
    assert_eq!(described.name(), "Hello");
    assert_eq!(described.r#type(), &StateMachineType::Standard);
    assert_eq!(described.status(), Some(&StateMachineStatus::Active));
    assert_eq!(described.role_arn(), ROLE);
    assert_eq!(described.definition(), hello);
    assert_eq!(described.creation_date(), created.creation_date());

    // Start an execution with input and wait for its output.
    let started = sfn
        .start_execution()
        .state_machine_arn(sm_arn("Hello"))
        .name("first")
        .input(json!({"name": "SDK"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(
        started.execution_arn(),
        format!("arn:aws:states:{REGION}:{ACCOUNT}:execution:Hello:first")
    );
    assert_recent(started.start_date(), "startDate");
    let done = wait_for_end(&sfn, started.execution_arn()).await;
    assert_eq!(done.status(), &ExecutionStatus::Succeeded, "{done:?}");
    assert_eq!(done.name(), Some("first"));
    assert_eq!(done.start_date(), started.start_date());
    assert!(done.stop_date().unwrap() >= done.start_date());
    assert_eq!(json_of(done.input()), json!({"name": "SDK"}));
    assert_eq!(json_of(done.output()), json!({"greeting": "Hello, SDK!"}));

    // Its history: ids 1..=n, each pointing back, in time order, from start to success;
    // the paginator with two events a page yields the same events.
    let history = sfn
        .get_execution_history()
        .execution_arn(started.execution_arn())
        .send()
        .await
        .unwrap();
    let events = history.events();
    assert!(history.next_token().is_none());
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e.id(), i as i64 + 1, "{events:#?}");
        assert!(e.previous_event_id() < e.id());
        assert_recent(e.timestamp(), "timestamp");
        if i > 0 {
            assert!(e.timestamp() >= events[i - 1].timestamp());
        }
    }
    let types: Vec<&HistoryEventType> = events.iter().map(|e| e.r#type()).collect();
    assert_eq!(
        types,
        [
            &HistoryEventType::ExecutionStarted,
            &HistoryEventType::PassStateEntered,
            &HistoryEventType::PassStateExited,
            &HistoryEventType::SucceedStateEntered,
            &HistoryEventType::SucceedStateExited,
            &HistoryEventType::ExecutionSucceeded,
        ]
    );
    let started_details = events[0].execution_started_event_details().unwrap();
    assert_eq!(json_of(started_details.input()), json!({"name": "SDK"}));
    assert_eq!(started_details.role_arn(), Some(ROLE));
    let succeeded = events[5].execution_succeeded_event_details().unwrap();
    assert_eq!(json_of(succeeded.output()), json!({"greeting": "Hello, SDK!"}));
    let paged: Vec<_> = sfn
        .get_execution_history()
        .execution_arn(started.execution_arn())
        .max_results(2)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<_, _>>()
        .await
        .unwrap();
    assert_eq!(paged, events);

    // An EXPRESS state machine, run synchronously (through the `sync-` host prefix).
    sfn.create_state_machine()
        .name("Quick")
        .r#type(StateMachineType::Express)
        .definition(&hello)
        .role_arn(ROLE)
        .send()
        .await
        .unwrap();
    let sync = sfn
        .start_sync_execution()
        .state_machine_arn(sm_arn("Quick"))
        .input(r#"{"name": "Express"}"#)
        .send()
        .await
        .unwrap_or_else(|e| panic!("start_sync_execution: {}", DisplayErrorContext(e)));
    assert_eq!(sync.status(), &SyncExecutionStatus::Succeeded, "{sync:?}");
    assert_eq!(sync.state_machine_arn(), Some(sm_arn("Quick").as_str()));
    assert_eq!(json_of(sync.output()), json!({"greeting": "Hello, Express!"}));
    assert_recent(sync.start_date(), "sync startDate");
    assert!(sync.stop_date() >= sync.start_date());

    // A workflow of two mocked Lambda tasks, through the `#TestCase` suffix.
    sfn.create_state_machine()
        .name("OrderTwoTasks")
        .definition(example("OrderTwoTasks"))
        .role_arn(ROLE)
        .send()
        .await
        .unwrap();
    let order = sfn
        .start_execution()
        .state_machine_arn(format!("{}#HappyPath", sm_arn("OrderTwoTasks")))
        .input(r#"{"order_id": "ORD-12345"}"#)
        .send()
        .await
        .unwrap();
    let done = wait_for_end(&sfn, order.execution_arn()).await;
    assert_eq!(done.status(), &ExecutionStatus::Succeeded, "{done:?}");
    assert_eq!(
        json_of(done.output()),
        json!({"order_id": "ORD-12345", "validation": {"valid": true, "amount": 42.5},
               "payment": {"payment_id": "PAY-7", "status": "CHARGED"}})
    );

    // More machines, then list them all with the paginator, two a page.
    for i in 1..=4 {
        sfn.create_state_machine()
            .name(format!("Extra{i}"))
            .definition(&hello)
            .role_arn(ROLE)
            .send()
            .await
            .unwrap();
    }
    let mut pages = sfn.list_state_machines().max_results(2).into_paginator().send();
    let mut names = Vec::new();
    let mut page_count = 0;
    while let Some(page) = pages.next().await {
        let page = page.unwrap_or_else(|e| panic!("list_state_machines: {}", DisplayErrorContext(e)));
        page_count += 1;
        assert!(page.state_machines().len() <= 2, "{page:?}");
        for sm in page.state_machines() {
            assert_eq!(sm.state_machine_arn(), sm_arn(sm.name()));
            assert_recent(sm.creation_date(), "list creationDate");
            names.push(sm.name().to_string());
        }
    }
    names.sort();
    assert_eq!(
        names,
        [
            "Extra1",
            "Extra2",
            "Extra3",
            "Extra4",
            "Hello",
            "OrderTwoTasks",
            "Quick"
        ]
    );
    assert!(page_count >= 4, "{page_count} pages");

    // Errors come back as the SDK's typed errors.
    let err = sfn
        .describe_state_machine()
        .state_machine_arn(sm_arn("Missing"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.code(), Some("StateMachineDoesNotExist"));
    assert!(
        matches!(err, DescribeStateMachineError::StateMachineDoesNotExist(_)),
        "{err:?}"
    );
    assert!(err.message().unwrap().contains(&sm_arn("Missing")), "{err:?}");

    let err = sfn
        .create_state_machine()
        .name("Broken")
        .definition(r#"{"StartAt": "Nowhere", "States": {}}"#)
        .role_arn(ROLE)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.code(), Some("InvalidDefinition"));
    assert!(matches!(err, CreateStateMachineError::InvalidDefinition(_)), "{err:?}");
    assert!(err.message().is_some_and(|m| !m.is_empty()), "{err:?}");

    // A request signed with the wrong secret is refused, with AWS's error code.
    let err = client(&server.endpoint, "wrong")
        .list_state_machines()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some("InvalidSignatureException"),
        "{}",
        DisplayErrorContext(&err)
    );
}
