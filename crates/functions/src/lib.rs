//! Lambda-compatible functions.
//!
//! Two halves meet here:
//! - `code`: deployment packages — a zip checked and unpacked once per content hash into a
//!   read-only directory of its own (or a local directory for hot reload);
//! - the runner ([`Runner`]): each function instance is a process (a Python or Node.js
//!   bootstrap of ours, or a `provided` runtime's own `bootstrap`) that fetches its
//!   invocations from a Lambda Runtime API listener of ours ([`runtime_api`]), exactly as
//!   on AWS, kept warm between invocations ([`pool`]), with AWS's timeouts, errors and
//!   START / END / REPORT logs ([`logs`]).
//!
//! The contract with the rest of Stepwise is [`spec`]: what the Lambda API (or a Task
//! state) hands the runner to run one version of a function, and what comes back.
//!
//! ```no_run
//! # async fn example(spec: functions::FunctionSpec) -> Result<(), functions::InvokeError> {
//! use functions::{InvokeRequest, Runner, RunnerConfig};
//! let mut config = RunnerConfig::new("/var/lib/stepwise/functions");
//! config.api_endpoint = Some("http://127.0.0.1:8083".into()); // AWS_ENDPOINT_URL for handlers
//! let runner = Runner::new(config);
//! let outcome = runner
//!     .invoke(&spec, InvokeRequest { payload: br#"{"order_id": "ORD-12345"}"#.to_vec(), log_tail: true, ..Default::default() })
//!     .await?;
//! // outcome.function_error is Some(Unhandled) when the handler raised, timed out or crashed:
//! // the payload is then the error document, as Lambda returns it with HTTP 200.
//! runner.retire(&spec.function_arn); // after UpdateFunctionCode / UpdateFunctionConfiguration / DeleteFunction
//! let _lines = runner.logs(&spec.function_arn); // START … END, REPORT: for the console
//! runner.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Memory size is enforced on the function's process by its peak resident set (`VmHWM`
//! in `/proc/<pid>/status`), checked every 100 ms while an invocation runs and at its end:
//! past `MemorySize` the process group is killed and the invocation returns AWS's
//! `Runtime.OutOfMemory`. (An address-space rlimit would stop V8 and glibc's arenas long
//! before the resident memory reached the size; cgroups need privileges Stepwise does not
//! assume.) Node.js also gets `--max-old-space-size` at 90 % of the memory size, as on AWS.

pub mod code;
pub mod config;
mod documents;
mod instance;
mod launch;
pub mod logs;
pub mod pool;
mod runner;
pub mod runtime_api;
pub mod spec;

pub use config::{Credentials, Interpreters, RunnerConfig, RuntimeKind};
pub use logs::LogLine;
pub use pool::PoolStats;
pub use runner::Runner;
pub use spec::{CodeLocation, FunctionError, FunctionSpec, InvokeError, InvokeOutcome, InvokeRequest};

#[cfg(test)]
mod tests {
    /// The runner is shared between request handlers and spawned tasks.
    #[test]
    fn the_runner_is_send_and_sync() {
        fn shared<T: Send + Sync>() {}
        shared::<super::Runner>();
    }
}
