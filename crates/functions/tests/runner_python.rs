//! Python functions through our bootstrap, end to end: real python3 processes speaking the
//! Runtime API to the runner's listeners.

mod runner_support;

use functions::FunctionError;
use runner_support::{invoke, json, package, runner, spec};

const APP: &str = r#"
import os, sys, time, json

COUNT = 0

def echo(event, context):
    return event

def count(event, context):
    global COUNT
    COUNT += 1
    return {"count": COUNT, "pid": os.getpid()}

def describe(event, context):
    print("hello from the handler")
    return {
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "aws_request_id": context.aws_request_id,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining": context.get_remaining_time_in_millis(),
        "cwd": os.getcwd(),
        "env": dict(os.environ),
        "custom": context.client_context.custom if context.client_context else None,
    }

class CustomError(Exception):
    pass

def boom(event, context):
    raise CustomError("it broke")

def sleepy(event, context):
    time.sleep(event.get("seconds", 5))
    return "woke"

def leave(event, context):
    sys.exit(1)

def chatty(event, context):
    line = "x" * 1023
    for _ in range(10 * 1024):
        print(line)
    return "done"

def huge(event, context):
    return "a" * (7 * 1024 * 1024) if event.get("big") else event

def unmarshallable(event, context):
    return {1, 2}

def raw(event, context):
    return b'"HelloWorld!"'

def spawner(event, context):
    import subprocess
    child = subprocess.Popen(["sleep", "300"])
    with open(event["pid_file"], "w") as f:
        f.write(str(child.pid))
    time.sleep(30)

def hog(event, context):
    blocks = [bytearray(16 * 1024 * 1024) for _ in range(16)]
    for b in blocks:
        b[::4096] = b"x" * len(b[::4096])
    time.sleep(5)
    return len(blocks)
"#;

#[tokio::test]
async fn returns_its_event_and_sees_its_context() {
    let s = runner();
    let code = package(&[("app.py", APP)]);
    let f = spec("echo", "python3.12", "app.echo", code.path());
    let out = invoke(&s.runner, &f, r#"{"order_id": "ORD-12345", "n": [1, 2.5, null]}"#).await;
    assert_eq!(out.function_error, None);
    assert_eq!(
        json(&out),
        serde_json::json!({"order_id": "ORD-12345", "n": [1, 2.5, null]})
    );
    assert_eq!(out.executed_version, "$LATEST");

    let f = spec("describe", "python3.12", "app.describe", code.path());
    let out = invoke(&s.runner, &f, "{}").await;
    let v = json(&out);
    assert_eq!(v["function_name"], "describe");
    assert_eq!(v["function_version"], "$LATEST");
    assert_eq!(v["invoked_function_arn"], f.function_arn.as_str());
    assert_eq!(v["memory_limit_in_mb"], "128");
    assert_eq!(v["aws_request_id"], out.request_id.as_str());
    assert_eq!(v["log_group_name"], "/aws/lambda/describe");
    assert!(v["log_stream_name"].as_str().unwrap().contains("[$LATEST]"));
    let remaining = v["remaining"].as_i64().unwrap();
    assert!(remaining > 20_000 && remaining <= 30_000, "{remaining}");
    assert_eq!(v["cwd"], code.path().to_str().unwrap());
    let env = v["env"].as_object().unwrap();
    assert_eq!(env["AWS_LAMBDA_FUNCTION_NAME"], "describe");
    assert_eq!(env["TZ"], ":UTC");
    let trace = env["_X_AMZN_TRACE_ID"].as_str().unwrap();
    assert!(
        trace.starts_with("Root=1-") && trace.ends_with(";Sampled=0") && trace.len() == 50,
        "{trace}"
    );
    assert_eq!(env["AWS_REGION"], "eu-west-1");
    assert_eq!(env["_HANDLER"], "app.describe");
    assert_eq!(env["LAMBDA_TASK_ROOT"], code.path().to_str().unwrap());
    assert!(
        env["AWS_LAMBDA_RUNTIME_API"]
            .as_str()
            .unwrap()
            .starts_with("127.0.0.1:")
    );

    let tail = out.log_tail.unwrap();
    let lines: Vec<&str> = tail.lines().collect();
    assert_eq!(
        lines[0],
        format!("START RequestId: {} Version: $LATEST", out.request_id)
    );
    assert_eq!(lines[1], "hello from the handler");
    assert_eq!(lines[2], format!("END RequestId: {}", out.request_id));
    assert!(lines[3].starts_with(&format!("REPORT RequestId: {}\tDuration: ", out.request_id)));
    assert!(lines[3].contains("\tMemory Size: 128 MB\tMax Memory Used: "));
    assert!(lines[3].contains("\tInit Duration: "), "a cold start: {}", lines[3]);
    let logs = s.runner.logs(&f.function_arn);
    assert_eq!(logs.len(), 4);
    assert_eq!(logs[1].message, "hello from the handler");
    assert!(
        logs.iter()
            .all(|l| l.request_id.as_deref() == Some(out.request_id.as_str()))
    );
}

#[tokio::test]
async fn the_server_environment_does_not_leak() {
    // SAFETY: set before any thread of this test reads the environment.
    unsafe { std::env::set_var("STEPWISE_SECRET_FOR_TEST", "leaked") };
    let s = runner();
    let code = package(&[("app.py", APP)]);
    let mut f = spec("env", "python3.12", "app.describe", code.path());
    f.environment.insert("STAGE".into(), "prod".into());
    let out = invoke(&s.runner, &f, "{}").await;
    let env = json(&out)["env"].as_object().unwrap().clone();
    assert!(!env.contains_key("STEPWISE_SECRET_FOR_TEST"));
    assert!(!env.contains_key("HOME"));
    assert!(!env.contains_key("CARGO"));
    assert_eq!(env["STAGE"], "prod");
    assert_eq!(env["AWS_ACCESS_KEY_ID"], "test");
}

#[tokio::test]
async fn module_state_survives_on_a_warm_instance() {
    let s = runner();
    let code = package(&[("app.py", APP)]);
    let f = spec("count", "python3.12", "app.count", code.path());
    let first = json(&invoke(&s.runner, &f, "{}").await);
    let second = invoke(&s.runner, &f, "{}").await;
    assert_eq!(first["count"], 1);
    assert_eq!(json(&second)["count"], 2);
    assert_eq!(first["pid"], json(&second)["pid"]);
    assert!(!second.log_tail.unwrap().contains("Init Duration"), "warm");
    assert_eq!(s.runner.stats().alive, 1);
    // Imports wrote nothing into the code directory (no __pycache__).
    let files: Vec<_> = std::fs::read_dir(code.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(files, ["app.py"]);
}

#[tokio::test]
async fn hot_reload_reads_the_directory_at_each_cold_start() {
    let s = runner();
    let code = package(&[("app.py", "def handler(e, c):\n    return 'v1'\n")]);
    let mut f = spec("hot", "python3.12", "app.handler", code.path());
    f.code = functions::CodeLocation::HotReload(code.path().to_path_buf());
    assert_eq!(json(&invoke(&s.runner, &f, "{}").await), "v1");
    std::fs::write(code.path().join("app.py"), "def handler(e, c):\n    return 'v2'\n").unwrap();
    s.runner.retire(&f.function_arn);
    assert_eq!(json(&invoke(&s.runner, &f, "{}").await), "v2");
}

#[tokio::test]
async fn a_slow_init_is_bounded_by_the_init_timeout_and_the_function_timeout() {
    let s = runner_support::runner_with(|c| c.init_timeout = std::time::Duration::from_millis(200));
    let code = package(&[(
        "slow.py",
        "import time\ntime.sleep(60)\ndef handler(e, c):\n    return 1\n",
    )]);
    let mut f = spec("slowinit", "python3.12", "slow.handler", code.path());
    f.timeout_seconds = 1;
    let out = invoke(&s.runner, &f, "{}").await;
    assert_eq!(json(&out)["errorType"], "Sandbox.Timedout");
    assert_eq!(s.runner.stats().alive, 0);
}

#[tokio::test]
async fn a_raised_exception_is_the_error_document() {
    let s = runner();
    let code = package(&[("app.py", APP)]);
    let f = spec("boom", "python3.12", "app.boom", code.path());
    let out = invoke(&s.runner, &f, "{}").await;
    assert_eq!(out.function_error, Some(FunctionError::Unhandled));
    let text = String::from_utf8(out.payload.clone()).unwrap();
    assert!(
        text.starts_with(r#"{"errorMessage": "it broke", "errorType": "CustomError", "requestId": ""#),
        "{text}"
    );
    let v = json(&out);
    assert_eq!(v["requestId"], out.request_id.as_str());
    let trace = v["stackTrace"].as_array().unwrap();
    assert_eq!(trace.len(), 1, "only the handler's frame: {trace:?}");
    let frame = trace[0].as_str().unwrap();
    assert!(
        frame.starts_with(&format!("  File \"{}/app.py\", line ", code.path().display())),
        "{frame}"
    );
    assert!(
        frame.ends_with(", in boom\n    raise CustomError(\"it broke\")\n"),
        "{frame}"
    );
    // The instance stays warm after a handled error.
    let again = invoke(&s.runner, &f, "{}").await;
    assert!(!again.log_tail.unwrap().contains("Init Duration"));
    assert!(out.log_tail.unwrap().contains("[ERROR] CustomError: it broke"));
}

#[tokio::test]
async fn import_errors_and_missing_handlers() {
    let s = runner();
    let code = package(&[("app.py", APP), ("broken.py", "import no_such_module_here\n")]);
    let f = spec("missing", "python3.12", "nothere.handler", code.path());
    let out = invoke(&s.runner, &f, "{}").await;
    assert_eq!(out.function_error, Some(FunctionError::Unhandled));
    assert_eq!(
        String::from_utf8(out.payload).unwrap(),
        r#"{"errorMessage": "Unable to import module 'nothere': No module named 'nothere'", "errorType": "Runtime.ImportModuleError", "requestId": "", "stackTrace": []}"#
    );
    let f = spec("broken", "python3.12", "broken.handler", code.path());
    let v = json(&invoke(&s.runner, &f, "{}").await);
    assert_eq!(v["errorType"], "Runtime.ImportModuleError");
    assert_eq!(
        v["errorMessage"],
        "Unable to import module 'broken': No module named 'no_such_module_here'"
    );

    let f = spec("nohandler", "python3.12", "app.nope", code.path());
    let out = invoke(&s.runner, &f, "{}").await;
    assert_eq!(
        String::from_utf8(out.payload).unwrap(),
        r#"{"errorMessage": "Handler 'nope' missing on module 'app'", "errorType": "Runtime.HandlerNotFound", "requestId": "", "stackTrace": []}"#
    );
    // The failed instances are gone, not kept warm.
    assert_eq!(s.runner.stats().alive, 0);
}

#[tokio::test]
async fn marshal_errors_and_raw_bytes() {
    let s = runner();
    let code = package(&[("app.py", APP)]);
    let f = spec("marshal", "python3.12", "app.unmarshallable", code.path());
    let out = invoke(&s.runner, &f, "{}").await;
    let v = json(&out);
    assert_eq!(v["errorType"], "Runtime.MarshalError");
    assert_eq!(
        v["errorMessage"],
        "Unable to marshal response: Object of type set is not JSON serializable"
    );
    assert_eq!(v["stackTrace"], serde_json::json!([]));
    let f = spec("raw", "python3.12", "app.raw", code.path());
    let out = invoke(&s.runner, &f, "{}").await;
    assert_eq!(out.payload, br#""HelloWorld!""#);
}

#[tokio::test]
async fn a_timeout_kills_the_instance_and_the_next_invoke_starts_fresh() {
    let s = runner();
    let code = package(&[("app.py", APP)]);
    let mut f = spec("sleepy", "python3.12", "app.sleepy", code.path());
    f.timeout_seconds = 1;
    let out = invoke(&s.runner, &f, r#"{"seconds": 30}"#).await;
    assert_eq!(out.function_error, Some(FunctionError::Unhandled));
    assert_eq!(
        String::from_utf8(out.payload.clone()).unwrap(),
        format!(
            r#"{{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: {} Error: Task timed out after 1.00 seconds"}}"#,
            out.request_id
        )
    );
    let tail = out.log_tail.unwrap();
    assert!(tail.contains("Task timed out after 1.00 seconds"), "{tail}");
    assert!(tail.contains("Status: timeout"), "{tail}");
    assert_eq!(s.runner.stats().alive, 0);
    let again = invoke(&s.runner, &f, r#"{"seconds": 0}"#).await;
    assert_eq!(json(&again), "woke");
    assert!(again.log_tail.unwrap().contains("Init Duration"), "a fresh instance");
}

#[tokio::test]
async fn a_process_that_exits_is_runtime_exit_error() {
    let s = runner();
    let code = package(&[("app.py", APP)]);
    let f = spec("leave", "python3.12", "app.leave", code.path());
    let out = invoke(&s.runner, &f, "{}").await;
    assert_eq!(
        String::from_utf8(out.payload).unwrap(),
        format!(
            r#"{{"errorType":"Runtime.ExitError","errorMessage":"RequestId: {} Error: Runtime exited with error: exit status 1"}}"#,
            out.request_id
        )
    );
    assert_eq!(s.runner.stats().alive, 0);
}

#[tokio::test]
async fn ten_megabytes_of_output_is_kept_bounded() {
    let s = runner();
    let code = package(&[("app.py", APP)]);
    let f = spec("chatty", "python3.12", "app.chatty", code.path());
    let out = invoke(&s.runner, &f, "{}").await;
    assert_eq!(json(&out), "done");
    let tail = out.log_tail.unwrap();
    assert!(tail.len() <= 4096, "{}", tail.len());
    assert!(tail.contains("END RequestId"));
    assert!(tail.contains("REPORT RequestId"));
    let logs = s.runner.logs(&f.function_arn);
    let kept: usize = logs.iter().map(|l| l.message.len()).sum();
    assert!(kept <= functions::logs::FUNCTION_LOG_BYTES, "{kept}");
    assert!(logs.last().unwrap().message.starts_with("REPORT"));
    // The instance still serves.
    assert_eq!(json(&invoke(&s.runner, &f, "{}").await), "done");
}

#[tokio::test]
async fn a_seven_megabyte_response_is_aws_s_size_error() {
    let s = runner();
    let code = package(&[("app.py", APP)]);
    let f = spec("huge", "python3.12", "app.huge", code.path());
    let out = invoke(&s.runner, &f, r#"{"big": true}"#).await;
    assert_eq!(out.function_error, Some(FunctionError::Unhandled));
    assert_eq!(
        String::from_utf8(out.payload).unwrap(),
        r#"{"errorType":"Function.ResponseSizeTooLarge","errorMessage":"Response payload size exceeded maximum allowed payload size (6291556 bytes)."}"#
    );
    // The runtime was told (413) and carries on, on the same instance.
    let again = invoke(&s.runner, &f, r#"{"big": false}"#).await;
    assert_eq!(json(&again), serde_json::json!({"big": false}));
    assert!(!again.log_tail.unwrap().contains("Init Duration"));
}

#[tokio::test]
async fn memory_past_the_memory_size_is_out_of_memory() {
    let s = runner();
    let code = package(&[("app.py", APP)]);
    let f = spec("hog", "python3.12", "app.hog", code.path());
    let out = invoke(&s.runner, &f, "{}").await;
    let v = json(&out);
    assert_eq!(v["errorType"], "Runtime.OutOfMemory", "{v}");
    assert_eq!(s.runner.stats().alive, 0);
}

#[tokio::test]
async fn a_missing_interpreter_is_runtime_unavailable() {
    let s = runner_support::runner_with(|c| c.interpreters.set("python3.12", "/nonexistent/python"));
    let code = package(&[("app.py", APP)]);
    let f = spec("nopython", "python3.12", "app.echo", code.path());
    let err = s.runner.invoke(&f, Default::default()).await.unwrap_err();
    assert!(matches!(err, functions::InvokeError::RuntimeUnavailable(_)), "{err:?}");
}

#[tokio::test]
async fn a_timeout_kills_what_the_function_started_too() {
    let s = runner();
    let code = package(&[("app.py", APP)]);
    let mut f = spec("spawner", "python3.12", "app.spawner", code.path());
    f.timeout_seconds = 1;
    let pid_file = s.work.path().join("child.pid");
    let event = serde_json::json!({"pid_file": pid_file}).to_string();
    let out = invoke(&s.runner, &f, &event).await;
    assert_eq!(json(&out)["errorType"], "Sandbox.Timedout");
    let pid: u32 = std::fs::read_to_string(&pid_file).unwrap().trim().parse().unwrap();
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let state = std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| s.lines().find(|l| l.starts_with("State:")).map(str::to_string));
        match state {
            None => break,
            Some(s) if s.contains("zombie") => break,
            Some(s) => assert!(std::time::Instant::now() < until, "the grandchild lives on: {s}"),
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn the_client_context_reaches_the_handler_even_in_utf_8() {
    let s = runner();
    let code = package(&[("app.py", APP)]);
    let f = spec("ctx", "python3.12", "app.describe", code.path());
    // base64 of {"custom":{"city":"Zürich"}}
    let cc = "eyJjdXN0b20iOnsiY2l0eSI6IlrDvHJpY2gifX0=";
    let out = s
        .runner
        .invoke(
            &f,
            functions::InvokeRequest {
                client_context: Some(cc.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(json(&out)["custom"], serde_json::json!({"city": "Zürich"}));
}
