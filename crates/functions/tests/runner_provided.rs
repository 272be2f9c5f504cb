//! `provided` runtimes: the package's own `bootstrap`, here a small Python program that
//! speaks the Runtime API with nothing but the standard library (as a custom runtime
//! written against AWS's documentation would).

mod runner_support;

use functions::FunctionError;
use runner_support::{invoke, json, make_executable, package, runner, spec};

const BOOTSTRAP: &str = r#"#!/usr/bin/env python3
import json, os, sys, urllib.request, urllib.error

api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"
handler = os.environ["_HANDLER"]
if handler == "fail-init":
    req = urllib.request.Request(api + "/init/error", data=b'{"errorMessage":"no config","errorType":"Custom.InitFailed"}',
                                 headers={"Lambda-Runtime-Function-Error-Type": "Custom.InitFailed"}, method="POST")
    urllib.request.urlopen(req).read()
    sys.exit(1)
while True:
    with urllib.request.urlopen(api + "/invocation/next") as r:
        request_id = r.headers["Lambda-Runtime-Aws-Request-Id"]
        deadline = r.headers["Lambda-Runtime-Deadline-Ms"]
        arn = r.headers["Lambda-Runtime-Invoked-Function-Arn"]
        trace = r.headers.get("Lambda-Runtime-Trace-Id")
        client_context = r.headers.get("Lambda-Runtime-Client-Context")
        event = json.loads(r.read())
    print("custom runtime got", json.dumps(event), flush=True)
    if event.get("fail"):
        body = json.dumps({"errorMessage": "asked to fail", "errorType": "Custom.Failure"}).encode()
        req = urllib.request.Request(api + "/invocation/" + request_id + "/error", data=body,
                                     headers={"Lambda-Runtime-Function-Error-Type": "Custom.Failure"}, method="POST")
    else:
        # A wrong request id first: the Runtime API answers 400 InvalidRequestID.
        try:
            urllib.request.urlopen(urllib.request.Request(api + "/invocation/not-" + request_id + "/response", data=b"1", method="POST"))
            wrong = "accepted"
        except urllib.error.HTTPError as e:
            wrong = [e.code, json.loads(e.read())]
        body = json.dumps({"event": event, "arn": arn, "deadline": int(deadline), "trace": trace,
                           "client_context": client_context, "wrong_id": wrong,
                           "task_root": os.environ["LAMBDA_TASK_ROOT"], "cwd": os.getcwd()}).encode()
        req = urllib.request.Request(api + "/invocation/" + request_id + "/response", data=body, method="POST")
    urllib.request.urlopen(req).read()
"#;

#[tokio::test]
async fn a_custom_bootstrap_speaks_the_runtime_api() {
    let s = runner();
    let code = package(&[("bootstrap", BOOTSTRAP)]);
    make_executable(&code.path().join("bootstrap"));
    let mut f = spec("custom", "provided.al2023", "anything", code.path());
    f.version = "3".into();
    let out = s
        .runner
        .invoke(
            &f,
            functions::InvokeRequest {
                payload: br#"{"k": "v"}"#.to_vec(),
                client_context: Some("eyJjdXN0b20iOnsiYSI6MX19".into()),
                trace_id: Some("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1".into()),
                log_tail: true,
            },
        )
        .await
        .unwrap();
    assert_eq!(out.function_error, None, "{}", String::from_utf8_lossy(&out.payload));
    assert_eq!(out.executed_version, "3");
    let v = json(&out);
    assert_eq!(v["event"], serde_json::json!({"k": "v"}));
    assert_eq!(v["arn"], format!("{}:3", f.function_arn));
    assert_eq!(v["trace"], "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1");
    assert_eq!(v["client_context"], r#"{"custom":{"a":1}}"#);
    assert_eq!(
        v["wrong_id"],
        serde_json::json!([400, {"errorMessage": "Invalid request ID", "errorType": "InvalidRequestID"}])
    );
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let deadline = v["deadline"].as_i64().unwrap();
    assert!(
        deadline > now_ms && deadline <= now_ms + 30_000,
        "{deadline} vs {now_ms}"
    );
    assert_eq!(v["cwd"], code.path().to_str().unwrap());
    assert!(out.log_tail.unwrap().contains("custom runtime got {\"k\": \"v\"}"));

    let out = invoke(&s.runner, &f, r#"{"fail": true}"#).await;
    assert_eq!(out.function_error, Some(FunctionError::Unhandled));
    assert_eq!(
        json(&out),
        serde_json::json!({"errorMessage": "asked to fail", "errorType": "Custom.Failure"})
    );
    assert_eq!(s.runner.stats().alive, 1, "one warm instance served both");
}

#[tokio::test]
async fn init_errors_and_missing_bootstraps() {
    let s = runner();
    let code = package(&[("bootstrap", BOOTSTRAP)]);
    make_executable(&code.path().join("bootstrap"));
    let f = spec("initfail", "provided.al2", "fail-init", code.path());
    let out = invoke(&s.runner, &f, "{}").await;
    assert_eq!(out.function_error, Some(FunctionError::Unhandled));
    assert_eq!(
        json(&out),
        serde_json::json!({"errorMessage": "no config", "errorType": "Custom.InitFailed"})
    );

    let empty = package(&[("README", "no bootstrap here")]);
    let f = spec("nobootstrap", "provided.al2023", "x", empty.path());
    let out = invoke(&s.runner, &f, "{}").await;
    assert_eq!(
        String::from_utf8(out.payload.clone()).unwrap(),
        format!(
            r#"{{"errorType":"Runtime.InvalidEntrypoint","errorMessage":"RequestId: {} Error: Couldn't find valid bootstrap(s): [{}/bootstrap]"}}"#,
            out.request_id,
            empty.path().display()
        )
    );
    let noexec = package(&[("bootstrap", BOOTSTRAP)]);
    let f = spec("noexec", "provided.al2023", "x", noexec.path());
    let v = json(&invoke(&s.runner, &f, "{}").await);
    assert_eq!(v["errorType"], "Runtime.InvalidEntrypoint");
    assert!(
        v["errorMessage"]
            .as_str()
            .unwrap()
            .ends_with("/bootstrap: permission denied"),
        "{v}"
    );
    assert_eq!(s.runner.stats().alive, 0);
}

/// Answers one invocation, then exits a moment later without asking for the next.
const ONE_SHOT: &str = r#"#!/usr/bin/env python3
import os, time, urllib.request
api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"
with urllib.request.urlopen(api + "/invocation/next") as r:
    request_id = r.headers["Lambda-Runtime-Aws-Request-Id"]
    r.read()
body = str(os.getpid()).encode()
urllib.request.urlopen(urllib.request.Request(api + "/invocation/" + request_id + "/response", data=body, method="POST")).read()
time.sleep(2)
"#;

#[tokio::test]
async fn an_invocation_a_dying_runtime_never_took_runs_elsewhere() {
    let s = runner();
    let code = package(&[("bootstrap", ONE_SHOT)]);
    make_executable(&code.path().join("bootstrap"));
    let f = spec("oneshot", "provided.al2023", "x", code.path());
    let first = invoke(&s.runner, &f, "{}").await;
    assert_eq!(first.function_error, None);
    // The next one is handed to the same (still running) process, which exits without
    // taking it: it runs on a new instance instead of failing.
    let second = invoke(&s.runner, &f, "{}").await;
    assert_eq!(
        second.function_error,
        None,
        "{}",
        String::from_utf8_lossy(&second.payload)
    );
    assert_ne!(json(&second), json(&first));
    let tail = second.log_tail.unwrap();
    assert_eq!(tail.matches("START RequestId").count(), 1, "{tail}");
}
