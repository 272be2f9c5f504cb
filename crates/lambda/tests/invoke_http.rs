//! Invoke's HTTP side over a real socket, with a **test invoker that runs nothing**: it
//! records what it is handed and answers from the payload (echo, a function error, a
//! throttle, a runtime it cannot serve). This checks the framing only — status codes,
//! `X-Amz-*` headers, error mapping, what the runner would be handed (the spec, the code
//! directory, the qualifier's version) — and `Lambda::resolve`. Real processes are the
//! runner's tests.

use std::future::Future;
use std::io::Write;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use functions::code::CodeStore;
use functions::{CodeLocation, FunctionError, FunctionSpec, InvokeError, InvokeOutcome, InvokeRequest};
use lambda::{FunctionInvoker, Lambda};
use serde_json::{Value, json};
use store::SqliteStore;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(Default)]
struct Recorder {
    calls: Mutex<Vec<(FunctionSpec, InvokeRequest)>>,
    retired: Mutex<Vec<String>>,
}

struct TestInvoker(Arc<Recorder>);

impl FunctionInvoker for TestInvoker {
    fn invoke(
        &self,
        spec: FunctionSpec,
        request: InvokeRequest,
    ) -> Pin<Box<dyn Future<Output = Result<InvokeOutcome, InvokeError>> + Send + '_>> {
        Box::pin(async move {
            let seen_before = {
                let mut calls = self.0.calls.lock().unwrap();
                let n = calls.iter().filter(|(_, r)| r.payload == request.payload).count();
                calls.push((spec.clone(), request.clone()));
                n
            };
            let event: Value = serde_json::from_slice(&request.payload).unwrap_or(Value::Null);
            let log = format!(
                "START RequestId: r-1 Version: {}\nhello\nEND RequestId: r-1\n",
                spec.version
            );
            if event["throttle"] == true || (event["throttle_once"] == true && seen_before == 0) {
                return Err(InvokeError::TooManyRequests);
            }
            if event["no_runtime"] == true {
                return Err(InvokeError::RuntimeUnavailable("no python3.99 here".into()));
            }
            let (payload, function_error) = if event["fail"] == true {
                (
                    br#"{"errorMessage":"boom","errorType":"ValueError","requestId":"r-1","stackTrace":[]}"#.to_vec(),
                    Some(FunctionError::Unhandled),
                )
            } else {
                (request.payload.clone(), None)
            };
            Ok(InvokeOutcome {
                request_id: "r-1".into(),
                payload,
                function_error,
                log_tail: request.log_tail.then_some(log),
                executed_version: spec.version.clone(),
            })
        })
    }

    fn retire(&self, function_arn: &str) {
        self.0.retired.lock().unwrap().push(function_arn.to_owned());
    }
}

struct Harness {
    addr: std::net::SocketAddr,
    store: std::sync::Weak<SqliteStore>,
    lambda: Lambda,
    recorder: Arc<Recorder>,
    _server: tokio::task::JoinHandle<()>,
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stepwise-lambda-{name}-{}", std::process::id()));
    if dir.exists() {
        let _ = std::process::Command::new("chmod")
            .args(["-R", "u+w"])
            .arg(&dir)
            .status();
        let _ = std::fs::remove_dir_all(&dir);
    }
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn start(dir: &std::path::Path) -> Harness {
    let store = Arc::new(SqliteStore::open(&dir.join("stepwise.db")).unwrap());
    let weak = Arc::downgrade(&store);
    let code = CodeStore::open(dir.join("functions/code")).unwrap();
    let recorder = Arc::new(Recorder::default());
    let lambda = Lambda::new(
        store,
        code,
        Arc::new(TestInvoker(recorder.clone())),
        "us-east-1",
        "123456789012",
    );
    let router = server::lambda::router(Arc::new(lambda.clone()), server::lambda::LambdaConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let _ = server::serve(listener, router).await;
    });
    Harness {
        addr,
        store: weak,
        lambda,
        recorder,
        _server: server,
    }
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// One HTTP/1.1 request on a connection of its own (`Connection: close`).
async fn http(h: &Harness, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    let mut s = tokio::net::TcpStream::connect(h.addr).await.unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).await.unwrap();
    // A body refused from its Content-Length is answered before it is read: the server
    // may close while it is still being sent.
    let _ = s.write_all(body).await;
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(60), s.read_to_end(&mut raw))
        .await
        .expect("an answer")
        .unwrap();
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a head");
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    }
}

fn zip_b64() -> String {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file("lambda_function.py", zip::write::SimpleFileOptions::default())
        .unwrap();
    w.write_all(b"def lambda_handler(e, c):\n    return e\n").unwrap();
    base64::engine::general_purpose::STANDARD.encode(w.finish().unwrap().into_inner())
}

async fn create(h: &Harness, name: &str) -> Value {
    let body = json!({
        "FunctionName": name, "Runtime": "python3.12", "Handler": "lambda_function.lambda_handler",
        "Role": "arn:aws:iam::123456789012:role/r", "Code": {"ZipFile": zip_b64()},
        "Timeout": 7, "MemorySize": 256, "Environment": {"Variables": {"TABLE": "orders"}},
    });
    let a = http(h, "POST", "/2015-03-31/functions", &[], body.to_string().as_bytes()).await;
    assert_eq!(a.status, 201, "{}", a.json());
    a.json()
}

const ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:f";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoke_framing_with_a_test_invoker() {
    let dir = scratch("invoke");
    let h = start(&dir).await;
    let created = create(&h, "f").await;

    // RequestResponse: the payload back, the executed version, what the runner is handed.
    let a = http(
        &h,
        "POST",
        "/2015-03-31/functions/f/invocations",
        &[],
        br#"{"order_id":"ORD-1"}"#,
    )
    .await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json(), json!({"order_id": "ORD-1"}));
    assert_eq!(a.header("x-amz-executed-version"), Some("$LATEST"));
    assert_eq!(a.header("x-amz-function-error"), None);
    assert_eq!(a.header("x-amz-log-result"), None);
    {
        let calls = h.recorder.calls.lock().unwrap();
        let (spec, req) = calls.last().unwrap();
        assert_eq!(spec.function_arn, ARN);
        assert_eq!((spec.name.as_str(), spec.version.as_str()), ("f", "$LATEST"));
        assert_eq!(
            (spec.runtime.as_str(), spec.handler.as_str()),
            ("python3.12", "lambda_function.lambda_handler")
        );
        assert_eq!((spec.timeout_seconds, spec.memory_mb), (7, 256));
        assert_eq!(spec.environment.get("TABLE").map(String::as_str), Some("orders"));
        assert_eq!(
            (spec.region.as_str(), spec.account.as_str()),
            ("us-east-1", "123456789012")
        );
        assert_eq!(spec.revision, created["RevisionId"].as_str().unwrap());
        let CodeLocation::Unpacked(code) = &spec.code else {
            panic!("{:?}", spec.code)
        };
        assert!(code.join("lambda_function.py").is_file(), "{}", code.display());
        assert!(!req.log_tail);
    }

    // Tail: the log's last 4 KB, base64.
    let a = http(
        &h,
        "POST",
        "/2015-03-31/functions/f/invocations",
        &[("X-Amz-Log-Type", "Tail"), ("X-Amz-Client-Context", "e30=")],
        b"{}",
    )
    .await;
    let log = base64::engine::general_purpose::STANDARD
        .decode(a.header("x-amz-log-result").expect("a log result"))
        .unwrap();
    assert!(
        String::from_utf8(log)
            .unwrap()
            .starts_with("START RequestId: r-1 Version: $LATEST")
    );
    assert_eq!(
        h.recorder
            .calls
            .lock()
            .unwrap()
            .last()
            .unwrap()
            .1
            .client_context
            .as_deref(),
        Some("e30=")
    );

    // A function error is still 200, flagged.
    let a = http(
        &h,
        "POST",
        "/2015-03-31/functions/f/invocations",
        &[],
        br#"{"fail":true}"#,
    )
    .await;
    assert_eq!(a.status, 200);
    assert_eq!(a.header("x-amz-function-error"), Some("Unhandled"));
    assert_eq!(a.json()["errorType"], "ValueError");

    // What did not run at all: AWS's exceptions.
    let a = http(
        &h,
        "POST",
        "/2015-03-31/functions/f/invocations",
        &[],
        br#"{"throttle":true}"#,
    )
    .await;
    assert_eq!(a.status, 429);
    assert_eq!(a.header("x-amzn-errortype"), Some("TooManyRequestsException"));
    assert_eq!(a.json()["message"], "Rate Exceeded.");
    let a = http(
        &h,
        "POST",
        "/2015-03-31/functions/f/invocations",
        &[],
        br#"{"no_runtime":true}"#,
    )
    .await;
    assert_eq!(a.status, 502);
    assert_eq!(a.header("x-amzn-errortype"), Some("InvalidRuntimeException"));
    let a = http(&h, "POST", "/2015-03-31/functions/f/invocations", &[], b"{not json").await;
    assert_eq!(a.status, 400);
    assert_eq!(a.header("x-amzn-errortype"), Some("InvalidRequestContentException"));
    let a = http(&h, "POST", "/2015-03-31/functions/nope/invocations", &[], b"{}").await;
    assert_eq!(a.status, 404);
    assert_eq!(
        a.json(),
        json!({"Type": "User", "Message": "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope"})
    );
    let a = http(
        &h,
        "POST",
        "/2015-03-31/functions/f/invocations",
        &[("X-Amz-Invocation-Type", "Later")],
        b"{}",
    )
    .await;
    assert_eq!(a.header("x-amzn-errortype"), Some("ValidationException"));
    let big = vec![b' '; 6 * 1024 * 1024 + 1];
    let a = http(&h, "POST", "/2015-03-31/functions/f/invocations", &[], &big).await;
    assert_eq!(
        (a.status, a.header("x-amzn-errortype")),
        (413, Some("RequestTooLargeException"))
    );

    // DryRun runs nothing; Event answers 202 and runs it after.
    let before = h.recorder.calls.lock().unwrap().len();
    let a = http(
        &h,
        "POST",
        "/2015-03-31/functions/f/invocations",
        &[("X-Amz-Invocation-Type", "DryRun")],
        b"{}",
    )
    .await;
    assert_eq!((a.status, a.body.len()), (204, 0));
    assert_eq!(h.recorder.calls.lock().unwrap().len(), before);
    let a = http(
        &h,
        "POST",
        "/2015-03-31/functions/f/invocations",
        &[("X-Amz-Invocation-Type", "Event")],
        br#"{"async":1}"#,
    )
    .await;
    assert_eq!((a.status, a.body.len()), (202, 0));
    let deadline = Instant::now() + Duration::from_secs(30);
    while h.recorder.calls.lock().unwrap().len() == before {
        assert!(Instant::now() < deadline, "the Event invocation never ran");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Qualifiers: a version, an alias, a qualified ARN.
    let v = http(&h, "POST", "/2015-03-31/functions/f/versions", &[], b"{}").await;
    assert_eq!(v.json()["Version"], "1");
    let a = http(
        &h,
        "POST",
        "/2015-03-31/functions/f/aliases",
        &[],
        br#"{"Name":"live","FunctionVersion":"1"}"#,
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.json());
    for path in [
        "/2015-03-31/functions/f/invocations?Qualifier=live".to_owned(),
        "/2015-03-31/functions/f/invocations?Qualifier=1".to_owned(),
        format!(
            "/2015-03-31/functions/{}/invocations",
            "arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af%3Alive"
        ),
    ] {
        let a = http(&h, "POST", &path, &[], b"{}").await;
        assert_eq!(a.header("x-amz-executed-version"), Some("1"), "{path}");
        let calls = h.recorder.calls.lock().unwrap();
        assert_eq!(calls.last().unwrap().0.version, "1");
    }
    let a = http(
        &h,
        "POST",
        "/2015-03-31/functions/f/invocations?Qualifier=nope",
        &[],
        b"{}",
    )
    .await;
    assert_eq!(a.json()["Message"], format!("Function not found: {ARN}:nope"));

    // Reserved concurrency 0 throttles before the runner is asked.
    let a = http(
        &h,
        "PUT",
        "/2017-10-31/functions/f/concurrency",
        &[],
        br#"{"ReservedConcurrentExecutions":0}"#,
    )
    .await;
    assert_eq!(a.status, 200);
    assert!(h.recorder.retired.lock().unwrap().contains(&ARN.to_owned()));
    let before = h.recorder.calls.lock().unwrap().len();
    let a = http(&h, "POST", "/2015-03-31/functions/f/invocations", &[], b"{}").await;
    assert_eq!(a.status, 429);
    assert_eq!(a.json()["Reason"], "ReservedFunctionConcurrentInvocationLimitExceeded");
    assert_eq!(h.recorder.calls.lock().unwrap().len(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolve_finds_versions_for_task_states_and_survives_a_restart() {
    let dir = scratch("resolve");
    {
        let h = start(&dir).await;
        create(&h, "f").await;
        http(&h, "POST", "/2015-03-31/functions/f/versions", &[], b"{}").await;
        let a = http(
            &h,
            "POST",
            "/2015-03-31/functions/f/aliases",
            &[],
            br#"{"Name":"prod","FunctionVersion":"1"}"#,
        )
        .await;
        assert_eq!(a.status, 201);
        // A configuration change retires the warm instances.
        let a = http(
            &h,
            "PUT",
            "/2015-03-31/functions/f/configuration",
            &[],
            br#"{"Timeout":9}"#,
        )
        .await;
        assert_eq!(a.json()["Timeout"], 9);
        assert_eq!(h.recorder.retired.lock().unwrap().as_slice(), [ARN.to_owned()]);
        // Stop serving and let go of the store (its file lock) before opening it again.
        let Harness {
            store, lambda, _server, ..
        } = h;
        _server.abort();
        let _ = _server.await;
        drop(lambda);
        let deadline = Instant::now() + Duration::from_secs(30);
        while store.upgrade().is_some() {
            assert!(Instant::now() < deadline, "the store is still open");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    // The store and the code packages again, as after a restart.
    let h = start(&dir).await;
    let latest = h.lambda.resolve("f", None).await.unwrap();
    assert_eq!((latest.version.as_str(), latest.timeout_seconds), ("$LATEST", 9));
    let v1 = h.lambda.resolve(ARN, Some("prod")).await.unwrap();
    assert_eq!((v1.version.as_str(), v1.timeout_seconds), ("1", 7));
    assert_eq!(h.lambda.resolve(&format!("{ARN}:1"), None).await.unwrap(), v1);
    assert_eq!(
        h.lambda.resolve("123456789012:function:f:prod", None).await.unwrap(),
        v1
    );
    let e = h.lambda.resolve("nope", None).await.unwrap_err();
    assert_eq!(e.code, "ResourceNotFoundException");
    assert_eq!(
        e.message,
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope"
    );
    let e = h.lambda.resolve("f:prod", Some("1")).await.unwrap_err();
    assert_eq!(e.code, "InvalidParameterValueException");
    let CodeLocation::Unpacked(code) = &v1.code else {
        panic!()
    };
    assert!(code.join("lambda_function.py").is_file());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_region_lists_its_own_functions_and_invocations_carry_their_request_id() {
    let dir = scratch("regions");
    let h = start(&dir).await;
    create(&h, "f").await;
    let eu = "AWS4-HMAC-SHA256 Credential=AK/20240101/eu-west-1/lambda/aws4_request, SignedHeaders=host, Signature=x";
    let body = json!({
        "FunctionName": "g", "Runtime": "python3.12", "Handler": "h.h",
        "Role": "arn:aws:iam::123456789012:role/r", "Code": {"ZipFile": zip_b64()},
    });
    let a = http(
        &h,
        "POST",
        "/2015-03-31/functions",
        &[("Authorization", eu)],
        body.to_string().as_bytes(),
    )
    .await;
    assert_eq!(
        a.json()["FunctionArn"],
        "arn:aws:lambda:eu-west-1:123456789012:function:g"
    );
    let names = |a: Answer| -> Vec<String> {
        a.json()["Functions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["FunctionName"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(http(&h, "GET", "/2015-03-31/functions", &[], b"").await), ["f"]);
    assert_eq!(
        names(http(&h, "GET", "/2015-03-31/functions", &[("Authorization", eu)], b"").await),
        ["g"]
    );
    let a = http(&h, "POST", "/2015-03-31/functions/f/invocations", &[], b"{}").await;
    assert_eq!(a.header("x-amzn-requestid"), Some("r-1"), "the invocation's own id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_event_is_tried_again() {
    let dir = scratch("event-retry");
    let h = start(&dir).await;
    create(&h, "f").await;
    let payload = br#"{"throttle_once":true}"#;
    let a = http(
        &h,
        "POST",
        "/2015-03-31/functions/f/invocations",
        &[("X-Amz-Invocation-Type", "Event")],
        payload,
    )
    .await;
    assert_eq!(a.status, 202);
    let tries = || {
        h.recorder
            .calls
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, r)| r.payload == payload)
            .count()
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while tries() < 2 {
        assert!(Instant::now() < deadline, "the throttled event was not tried again");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // It succeeded the second time: no third try.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(tries(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alias_routes_invocations_by_weight_but_describes_its_primary_version() {
    let dir = scratch("routing");
    let h = start(&dir).await;
    create(&h, "f").await;
    http(&h, "POST", "/2015-03-31/functions/f/versions", &[], b"{}").await;
    http(
        &h,
        "PUT",
        "/2015-03-31/functions/f/configuration",
        &[],
        br#"{"Timeout":8}"#,
    )
    .await;
    let v2 = http(&h, "POST", "/2015-03-31/functions/f/versions", &[], b"{}").await;
    assert_eq!(v2.json()["Version"], "2");
    let body = br#"{"Name":"canary","FunctionVersion":"1","RoutingConfig":{"AdditionalVersionWeights":{"2":1.0}}}"#;
    let a = http(&h, "POST", "/2015-03-31/functions/f/aliases", &[], body).await;
    assert_eq!(a.status, 201, "{}", a.json());
    let c = http(
        &h,
        "GET",
        "/2015-03-31/functions/f/configuration?Qualifier=canary",
        &[],
        b"",
    )
    .await;
    assert_eq!(c.json()["Version"], "1");
    let i = http(
        &h,
        "POST",
        "/2015-03-31/functions/f/invocations?Qualifier=canary",
        &[],
        b"{}",
    )
    .await;
    assert_eq!(i.header("x-amz-executed-version"), Some("2"));
    assert_eq!(h.lambda.resolve("f:canary", None).await.unwrap().version, "2");
}
