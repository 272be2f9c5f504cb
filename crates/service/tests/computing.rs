//! CPU-bound executions through the real server over a real socket: the API keeps
//! answering while executions spin, and stops and gone clients reach them.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use runtime::Runtime;
use serde_json::{Value, json};
use server::ServerConfig;
use service::Service;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ROLE: &str = "arn:aws:iam::123456789012:role/StepFunctions";

/// Counts up for ever: a tight Choice/Pass loop.
fn spin(timeout_seconds: u64) -> String {
    json!({"TimeoutSeconds": timeout_seconds, "StartAt": "Init", "States": {
        "Init": {"Type": "Pass", "Result": {"n": 0}, "Next": "Inc"},
        "Inc": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "Check"},
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThanEquals": 0, "Next": "Inc"}], "Default": "Done"},
        "Done": {"Type": "Succeed"}}})
    .to_string()
}

/// Counts up for ever, each step doing some work (`$count([1..50000])`): a Standard
/// execution that computes for seconds before its history nears the 25,000-event limit.
/// [`spin`] reaches that limit in about half a second in a release build, before the test
/// has stopped it.
fn spin_slowly(timeout_seconds: u64) -> String {
    json!({"TimeoutSeconds": timeout_seconds, "StartAt": "Init", "States": {
        "Init": {"Type": "Pass", "Result": {"n": 0}, "Next": "Inc"},
        "Inc": {"Type": "Pass", "QueryLanguage": "JSONata",
                "Output": {"n": "{% $states.input.n + $count([1..50000]) - 49999 %}"}, "Next": "Check"},
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThanEquals": 0, "Next": "Inc"}], "Default": "Done"},
        "Done": {"Type": "Succeed"}}})
    .to_string()
}

/// The server over the real service on 127.0.0.1:0, and its runtime.
async fn serve(dir: &common::DataDir) -> (SocketAddr, Arc<Runtime>) {
    let rt = common::runtime(dir).await;
    let router = server::router(Arc::new(Service::new(rt.clone())), ServerConfig::default());
    (common::spawn_router(router).await, rt)
}

async fn send(addr: SocketAddr, action: &str, body: &Value) -> tokio::net::TcpStream {
    let body = body.to_string();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AWSStepFunctions.{action}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(req.as_bytes()).await.unwrap();
    stream
}

/// One request on its own connection; the reply's JSON body (the status must be 200).
async fn call(addr: SocketAddr, action: &str, body: Value) -> Value {
    let mut stream = send(addr, action, &body).await;
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{action}: {response}");
    let (_, body) = response.split_once("\r\n\r\n").unwrap();
    serde_json::from_str(body).unwrap()
}

async fn create(addr: SocketAddr, name: &str, kind: &str, definition: &str) -> String {
    let out = call(
        addr,
        "CreateStateMachine",
        json!({"name": name, "type": kind, "definition": definition, "roleArn": ROLE}),
    )
    .await;
    out["stateMachineArn"].as_str().unwrap().to_owned()
}

/// How long `action` takes to answer.
async fn timed(addr: SocketAddr, action: &str, body: Value) -> (Duration, Value) {
    let t = Instant::now();
    let out = call(addr, action, body).await;
    (t.elapsed(), out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_answers_while_two_sync_executions_spin_and_a_stop_lands() {
    let dir = common::DataDir::new();
    let (addr, rt) = serve(&dir).await;
    let express = create(addr, "SpinExpress", "EXPRESS", &spin(20)).await;
    let standard = create(addr, "SpinStandard", "STANDARD", &spin_slowly(300)).await;
    let mut clients = Vec::new();
    for _ in 0..2 {
        let arn = express.clone();
        clients.push(tokio::spawn(async move {
            call(addr, "StartSyncExecution", json!({"stateMachineArn": arn})).await
        }));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(rt.running_count(), 2, "both spin");

    let (took, out) = timed(addr, "StartExecution", json!({"stateMachineArn": standard})).await;
    assert!(took < Duration::from_secs(1), "StartExecution took {took:?}");
    let execution = out["executionArn"].as_str().unwrap().to_owned();
    let mut events = 0;
    for round in 0..10 {
        let (took, _) = timed(addr, "ListStateMachines", json!({})).await;
        assert!(took < Duration::from_secs(1), "ListStateMachines took {took:?}");
        let (took, out) = timed(addr, "DescribeExecution", json!({"executionArn": execution})).await;
        assert!(took < Duration::from_secs(1), "DescribeExecution took {took:?}");
        assert_eq!(out["status"], "RUNNING", "round {round}");
        let (_, h) = timed(
            addr,
            "GetExecutionHistory",
            json!({"executionArn": execution, "maxResults": 1000}),
        )
        .await;
        events = events.max(h["events"].as_array().unwrap().len());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(events > 2, "the history grows while it computes ({events} events)");

    let (took, _) = timed(
        addr,
        "StopExecution",
        json!({"executionArn": execution, "error": "Enough", "cause": "it spins"}),
    )
    .await;
    // The stop lands between two slices of at most 256 states (about 0.1 s here).
    assert!(took < Duration::from_secs(1), "StopExecution took {took:?}");
    let out = call(addr, "DescribeExecution", json!({"executionArn": execution})).await;
    assert_eq!(out["status"], "ABORTED");
    let h = call(
        addr,
        "GetExecutionHistory",
        json!({"executionArn": execution, "reverseOrder": true, "maxResults": 1}),
    )
    .await;
    assert_eq!(h["events"][0]["type"], "ExecutionAborted");

    // The sync executions are still spinning; their clients leave.
    for c in clients {
        c.abort();
    }
    let t = Instant::now();
    while rt.running_count() > 0 {
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "{} executions spin on without their clients",
            rt.running_count()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_execution_times_out_while_it_computes() {
    let dir = common::DataDir::new();
    let (addr, _rt) = serve(&dir).await;
    let express = create(addr, "SpinShort", "EXPRESS", &spin(1)).await;
    let (took, out) = timed(addr, "StartSyncExecution", json!({"stateMachineArn": express})).await;
    assert_eq!(out["status"], "TIMED_OUT", "{out}");
    assert!(took < Duration::from_secs(3), "the time-out took {took:?}");
}

/// One state that computes for seconds: a JSONata evaluation of some three million
/// function calls (it ends by itself, or at JSONata's time limit).
fn one_heavy_state() -> String {
    json!({"QueryLanguage": "JSONata", "StartAt": "Heavy", "States": {
        "Heavy": {"Type": "Pass", "End": true, "Output":
            "{% $sum($map([1..3000], function($i){ $sum($map([1..1000], function($j){ $i * $j })) })) %}"}}})
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starts_whose_first_state_computes_for_seconds_leave_the_api_answering() {
    let dir = common::DataDir::new();
    let (addr, rt) = serve(&dir).await;
    let standard = create(addr, "HeavyStandard", "STANDARD", &one_heavy_state()).await;
    let express = create(addr, "HeavyExpress", "EXPRESS", &one_heavy_state()).await;
    // As many first slices as the request threads, and more.
    let mut starts = Vec::new();
    for i in 0..4 {
        let (action, arn) = if i % 2 == 0 {
            ("StartExecution", standard.clone())
        } else {
            ("StartSyncExecution", express.clone())
        };
        starts.push(tokio::spawn(async move {
            call(addr, action, json!({"stateMachineArn": arn})).await
        }));
    }
    let t = Instant::now();
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The sleep ends late when the request threads are taken.
    let mut worst = t.elapsed().saturating_sub(Duration::from_millis(300));
    let mut rounds = 0;
    while rt.running_count() > 0 || starts.iter().any(|s| !s.is_finished()) {
        let (took, _) = timed(addr, "ListStateMachines", json!({})).await;
        worst = worst.max(took);
        rounds += 1;
        assert!(t.elapsed() < Duration::from_secs(120), "they never end");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        worst < Duration::from_secs(1),
        "ListStateMachines took {worst:?} while they computed"
    );
    assert!(
        rounds > 3,
        "the states computed for {:?} only: too short to show anything",
        t.elapsed()
    );
    for s in starts {
        s.await.unwrap();
    }
}
