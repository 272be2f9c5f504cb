//! A function built on AWS's `lambda_runtime` crate, as a `provided.al2023` bootstrap: the
//! `runtime_api_lambda_runtime` test runs it to prove our Runtime API against a client we
//! did not write. Built by `cargo test` (or `cargo build --examples`).

use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::run(service_fn(handler)).await
}

async fn handler(event: LambdaEvent<Value>) -> Result<Value, Error> {
    let (payload, context) = event.into_parts();
    if payload.get("fail").is_some() {
        return Err("asked to fail".into());
    }
    println!("rust function got {payload}");
    Ok(json!({
        "event": payload,
        "request_id": context.request_id,
        "invoked_function_arn": context.invoked_function_arn,
        "function_name": context.env_config.function_name,
        "memory": context.env_config.memory,
        "deadline": context.deadline,
    }))
}
