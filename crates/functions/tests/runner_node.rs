//! Node.js functions through our bootstrap: CommonJS, ES modules, async and callback
//! handlers, errors, on real node processes.

mod runner_support;

use functions::FunctionError;
use runner_support::{invoke, json, package, runner, spec};

const CJS: &str = r#"
let count = 0;
exports.handler = async (event, context) => {
  count += 1;
  console.log('got', JSON.stringify(event));
  return {
    event,
    count,
    functionName: context.functionName,
    awsRequestId: context.awsRequestId,
    invokedFunctionArn: context.invokedFunctionArn,
    memoryLimitInMB: context.memoryLimitInMB,
    remaining: context.getRemainingTimeInMillis(),
    secret: process.env.STEPWISE_NODE_SECRET || null,
  };
};
exports.callback = (event, context, callback) => {
  setTimeout(() => callback(null, { via: 'callback', event }), 10);
};
exports.callbackError = (event, context, callback) => {
  callback(new TypeError('bad input'));
};
exports.fails = async () => {
  throw new RangeError('out of range');
};
exports.notAFunction = 42;
exports.exits = async () => { process.exit(2); };
exports.throwsLater = async (event) => {
  if (event.crash) setTimeout(() => { throw new Error('from a timer'); }, 100);
  return process.pid;
};
exports.nested = { deeper: async () => 'nested' };
"#;

const ESM: &str = r#"
import { setTimeout as sleep } from 'node:timers/promises';
export const handler = async (event) => {
  await sleep(5);
  return { esm: true, got: event };
};
"#;

#[tokio::test]
async fn commonjs_async_handler() {
    // SAFETY: set before the runner starts any process.
    unsafe { std::env::set_var("STEPWISE_NODE_SECRET", "leaked") };
    let s = runner();
    let code = package(&[("index.js", CJS)]);
    let f = spec("cjs", "nodejs20.x", "index.handler", code.path());
    let out = invoke(&s.runner, &f, r#"{"a":1}"#).await;
    assert_eq!(out.function_error, None, "{}", String::from_utf8_lossy(&out.payload));
    let v = json(&out);
    assert_eq!(v["event"], serde_json::json!({"a": 1}));
    assert_eq!(v["count"], 1);
    assert_eq!(v["functionName"], "cjs");
    assert_eq!(v["awsRequestId"], out.request_id.as_str());
    assert_eq!(v["invokedFunctionArn"], f.function_arn.as_str());
    assert_eq!(v["memoryLimitInMB"], "128");
    assert!(v["remaining"].as_i64().unwrap() > 20_000);
    assert_eq!(v["secret"], serde_json::Value::Null);
    let tail = out.log_tail.unwrap();
    let line = tail.lines().nth(1).unwrap();
    let fields: Vec<&str> = line.split('\t').collect();
    assert_eq!(
        &fields[1..],
        &[out.request_id.as_str(), "INFO", "got {\"a\":1}"],
        "{line}"
    );
    // No payload is `{}`.
    let none = s.runner.invoke(&f, Default::default()).await.unwrap();
    assert_eq!(json(&none)["event"], serde_json::json!({}));
    // Warm: module state kept.
    assert_eq!(json(&invoke(&s.runner, &f, "{}").await)["count"], 3);
}

#[tokio::test]
async fn es_module_handler() {
    let s = runner();
    let code = package(&[("app.mjs", ESM)]);
    let f = spec("esm", "nodejs20.x", "app.handler", code.path());
    let out = invoke(&s.runner, &f, r#""x""#).await;
    assert_eq!(json(&out), serde_json::json!({"esm": true, "got": "x"}));
    // A .js file under "type": "module" is an ES module too.
    let code = package(&[("lib/app.js", ESM), ("package.json", r#"{"type":"module"}"#)]);
    let f = spec("esm-js", "nodejs20.x", "lib/app.handler", code.path());
    assert_eq!(json(&invoke(&s.runner, &f, "1").await)["esm"], true);
}

#[tokio::test]
async fn callback_handlers_and_nested_exports() {
    let s = runner();
    let code = package(&[("index.js", CJS)]);
    let f = spec("cb", "nodejs20.x", "index.callback", code.path());
    assert_eq!(
        json(&invoke(&s.runner, &f, "[1]").await),
        serde_json::json!({"via": "callback", "event": [1]})
    );
    let f = spec("nested", "nodejs20.x", "index.nested.deeper", code.path());
    assert_eq!(json(&invoke(&s.runner, &f, "{}").await), "nested");
}

#[tokio::test]
async fn errors_are_error_type_message_and_trace() {
    let s = runner();
    let code = package(&[("index.js", CJS)]);
    let f = spec("fails", "nodejs20.x", "index.fails", code.path());
    let out = invoke(&s.runner, &f, "{}").await;
    assert_eq!(out.function_error, Some(FunctionError::Unhandled));
    let v = json(&out);
    assert_eq!(v["errorType"], "RangeError");
    assert_eq!(v["errorMessage"], "out of range");
    let trace = v["trace"].as_array().unwrap();
    assert_eq!(trace[0], "RangeError: out of range");
    assert!(trace[1].as_str().unwrap().contains("index.js"));
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["errorType", "errorMessage", "trace"]);

    let f = spec("cberr", "nodejs20.x", "index.callbackError", code.path());
    assert_eq!(json(&invoke(&s.runner, &f, "{}").await)["errorType"], "TypeError");
}

#[tokio::test]
async fn import_errors_and_missing_handlers() {
    let s = runner();
    let code = package(&[("index.js", CJS)]);
    let f = spec("nomod", "nodejs20.x", "missing.handler", code.path());
    let out = invoke(&s.runner, &f, "{}").await;
    let v = json(&out);
    assert_eq!(v["errorType"], "Runtime.ImportModuleError");
    assert!(
        v["errorMessage"]
            .as_str()
            .unwrap()
            .starts_with("Error: Cannot find module 'missing'"),
        "{v}"
    );
    assert_eq!(
        v["trace"][0].as_str().unwrap().split(':').next(),
        Some("Runtime.ImportModuleError")
    );

    let f = spec("nohandler", "nodejs20.x", "index.nope", code.path());
    let v = json(&invoke(&s.runner, &f, "{}").await);
    assert_eq!(v["errorType"], "Runtime.HandlerNotFound");
    assert_eq!(v["errorMessage"], "index.nope is undefined or not exported");
    let f = spec("notfn", "nodejs20.x", "index.notAFunction", code.path());
    let v = json(&invoke(&s.runner, &f, "{}").await);
    assert_eq!(v["errorMessage"], "index.notAFunction is not a function");
    assert_eq!(s.runner.stats().alive, 0);
}

#[tokio::test]
async fn a_node_process_that_exits_is_runtime_exit_error() {
    let s = runner();
    let code = package(&[("index.js", CJS)]);
    let f = spec("nodeexit", "nodejs20.x", "index.exits", code.path());
    let out = invoke(&s.runner, &f, "{}").await;
    assert_eq!(
        String::from_utf8(out.payload).unwrap(),
        format!(
            r#"{{"errorType":"Runtime.ExitError","errorMessage":"RequestId: {} Error: Runtime exited with error: exit status 2"}}"#,
            out.request_id
        )
    );
}

#[tokio::test]
async fn an_instance_that_died_while_idle_is_not_reused() {
    let s = runner();
    let code = package(&[("index.js", CJS)]);
    let f = spec("later", "nodejs20.x", "index.throwsLater", code.path());
    let first = json(&invoke(&s.runner, &f, r#"{"crash": true}"#).await);
    // The timer's uncaught exception ends that process after it answered. (Its main thread
    // turns zombie first; the process is gone once every thread is.)
    let alive = |pid: &serde_json::Value| {
        std::fs::read_dir(format!("/proc/{pid}/task")).is_ok_and(|tasks| {
            tasks
                .flatten()
                .any(|t| std::fs::read_to_string(t.path().join("status")).is_ok_and(|s| !s.contains("zombie")))
        })
    };
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while alive(&first) {
        assert!(std::time::Instant::now() < until, "the process did not exit");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let next = invoke(&s.runner, &f, "{}").await;
    assert_eq!(next.function_error, None, "{}", String::from_utf8_lossy(&next.payload));
    assert_ne!(json(&next), first);
}
