//! The Runtime API against a client we did not write: AWS's own Python runtime interface
//! client (`awslambdaric` from PyPI) runs as a `provided` function's bootstrap, and its
//! answers match our Python bootstrap's for the same handlers.
//!
//! `.ci/run` installs it into `target/awslambdaric` (a venv); elsewhere set
//! `STEPWISE_AWSLAMBDARIC_PYTHON` to a Python that has it. Missing, the test fails.

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
        "awslambdaric is not installed at {}: python3 -m venv target/awslambdaric && target/awslambdaric/bin/pip install awslambdaric (as .ci/run does)",
        p.display()
    );
    p
}

#[tokio::test]
async fn aws_s_python_runtime_interface_client_runs_unchanged() {
    let python = ric_python();
    let s = runner();
    let code = package(&[("app.py", APP), ("bootstrap", BOOTSTRAP)]);
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

    // Errors: AWS's client and our bootstrap write the same document.
    let mut boom = f.clone();
    boom.handler = "app.boom".into();
    boom.function_arn.push_str("-boom");
    let theirs = invoke(&s.runner, &boom, "{}").await;
    assert_eq!(theirs.function_error, Some(FunctionError::Unhandled));
    let ours_spec = spec("ours", "python3.12", "app.boom", code.path());
    let ours = invoke(&s.runner, &ours_spec, "{}").await;
    let (mut t, mut o) = (json(&theirs), json(&ours));
    assert_eq!(t["requestId"], theirs.request_id.as_str());
    t["requestId"] = "".into();
    o["requestId"] = "".into();
    assert_eq!(t, o);
    assert_eq!(t["errorType"], "CustomException");

    // An import error: the same words as well.
    let mut missing = f.clone();
    missing.handler = "nothere.handler".into();
    missing.function_arn.push_str("-missing");
    let theirs = json(&invoke(&s.runner, &missing, "{}").await);
    let ours = json(
        &invoke(
            &s.runner,
            &spec("ours2", "python3.12", "nothere.handler", code.path()),
            "{}",
        )
        .await,
    );
    assert_eq!(theirs["errorType"], "Runtime.ImportModuleError");
    assert_eq!(theirs["errorMessage"], ours["errorMessage"]);
}
