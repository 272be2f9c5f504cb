//! The Runtime API against AWS's Rust runtime client: a function built on the
//! `lambda_runtime` crate (examples/lambda_runtime_fn.rs) runs as a `provided` bootstrap.

mod runner_support;

use std::path::PathBuf;

use functions::FunctionError;
use runner_support::{invoke, json, package, runner, spec};

/// The example binary, beside this test's own build output (`target/<profile>/examples`).
fn example() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let path = profile_dir.join("examples/lambda_runtime_fn");
    assert!(
        path.is_file(),
        "{} is not built: cargo test builds it with the other targets (or cargo build -p stepwise-functions --examples)",
        path.display()
    );
    path
}

#[tokio::test]
async fn a_lambda_runtime_function_runs_unchanged() {
    let s = runner();
    let code = package(&[]);
    std::fs::copy(example(), code.path().join("bootstrap")).unwrap();
    let f = spec("rusty", "provided.al2023", "bootstrap", code.path());
    let out = invoke(&s.runner, &f, r#"{"order_id": "ORD-12345"}"#).await;
    assert_eq!(out.function_error, None, "{}", String::from_utf8_lossy(&out.payload));
    let v = json(&out);
    assert_eq!(v["event"], serde_json::json!({"order_id": "ORD-12345"}));
    assert_eq!(v["request_id"], out.request_id.as_str());
    assert_eq!(v["invoked_function_arn"], f.function_arn.as_str());
    assert_eq!(v["function_name"], "rusty");
    assert_eq!(v["memory"], 128);
    assert!(v["deadline"].as_u64().unwrap() > 0);
    assert!(
        out.log_tail
            .unwrap()
            .contains("rust function got {\"order_id\":\"ORD-12345\"}")
    );

    let out = invoke(&s.runner, &f, r#"{"fail": 1}"#).await;
    assert_eq!(out.function_error, Some(FunctionError::Unhandled));
    let v = json(&out);
    assert_eq!(v["errorMessage"], "asked to fail");
    assert_eq!(s.runner.stats().alive, 1, "one warm instance served both");
}
