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
