//! The Runtime API against a client we did not write: AWS's own Python runtime interface
//! client (`awslambdaric` from PyPI) runs as a `provided` function's bootstrap, and its
//! answers match our Python bootstrap's for the same handlers.
//!
//! `scripts/test.sh` installs it into `.venv` and sets `STEPWISE_AWSLAMBDARIC_PYTHON`;
//! without the variable the test looks in `target/awslambdaric` (a venv). Missing, it fails.

mod runner_support;

use std::path::PathBuf;

use functions::FunctionError;
use runner_support::{invoke, json, make_executable, package, runner, spec};

const APP: &str = r#"
import os
COUNT = 0
def echo(event, context):
    global COUNT
    COUNT += 1
    return {"event": event, "count": COUNT, "request_id": context.aws_request_id,
            "arn": context.invoked_function_arn, "name": context.function_name,
            "remaining_ok": 0 < context.get_remaining_time_in_millis() <= 30000}

class CustomException(Exception):
    pass

def boom(event, context):
    raise CustomException("Some exception was raised.")

def unmarshallable(event, context):
    return {1, 2}

def nested(event, context):
    def inner():
        return {}["missing"]
    return inner()
"#;

const BOOTSTRAP: &str = "#!/bin/sh\ncd \"$LAMBDA_TASK_ROOT\"\nexec \"$RIC_PYTHON\" -m awslambdaric \"$_HANDLER\"\n";

fn ric_python() -> PathBuf {
    if let Some(p) = std::env::var_os("STEPWISE_AWSLAMBDARIC_PYTHON") {
        return p.into();
    }
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/awslambdaric/bin/python");
    let ok = std::process::Command::new(&p)
        .args(["-c", "import awslambdaric"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "awslambdaric is not installed at {}: scripts/test.sh installs it into .venv and sets STEPWISE_AWSLAMBDARIC_PYTHON; or python3 -m venv target/awslambdaric && target/awslambdaric/bin/pip install awslambdaric",
        p.display()
    );
    p
}

#[tokio::test]
async fn aws_s_python_runtime_interface_client_runs_unchanged() {
    let python = ric_python();
    let s = runner();
    let code = package(&[
        ("app.py", APP),
        ("bad.py", "def handler(e, c)\n    return 1\n"),
        ("bootstrap", BOOTSTRAP),
    ]);
    make_executable(&code.path().join("bootstrap"));
    let mut f = spec("ric", "provided.al2023", "app.echo", code.path());
    f.environment
        .insert("RIC_PYTHON".into(), python.to_string_lossy().into_owned());
    let out = invoke(&s.runner, &f, r#"{"order_id": "ORD-12345"}"#).await;
    assert_eq!(out.function_error, None, "{}", String::from_utf8_lossy(&out.payload));
    let v = json(&out);
    assert_eq!(v["event"], serde_json::json!({"order_id": "ORD-12345"}));
    assert_eq!(v["request_id"], out.request_id.as_str());
    assert_eq!(v["arn"], f.function_arn.as_str());
    assert_eq!(v["name"], "ric");
    assert_eq!(v["remaining_ok"], true);
    // Warm: the same process serves the next one.
    assert_eq!(json(&invoke(&s.runner, &f, "{}").await)["count"], 2);

    // Errors: AWS's client and our bootstrap write the same documents, byte for byte but
    // the request id, for what handlers raise and for what the runtime itself reports.
    for (i, handler) in [
        "app.boom",
        "app.nested",
        "app.unmarshallable",
        "app.nope",
        "nothere.handler",
        "bad.handler",
    ]
    .into_iter()
    .enumerate()
    {
        let mut theirs_spec = f.clone();
        theirs_spec.handler = handler.into();
        theirs_spec.function_arn.push_str(&format!("-{i}"));
        let theirs = invoke(&s.runner, &theirs_spec, "{}").await;
        let ours_spec = spec(&format!("ours-{i}"), "python3.12", handler, code.path());
        let ours = invoke(&s.runner, &ours_spec, "{}").await;
        assert_eq!(theirs.function_error, Some(FunctionError::Unhandled), "{handler}");
        assert_eq!(ours.function_error, Some(FunctionError::Unhandled), "{handler}");
        let theirs = String::from_utf8(theirs.payload)
            .unwrap()
            .replace(&theirs.request_id, "<id>");
        let ours = String::from_utf8(ours.payload)
            .unwrap()
            .replace(&ours.request_id, "<id>");
        assert_eq!(ours, theirs, "{handler}");
    }
}
