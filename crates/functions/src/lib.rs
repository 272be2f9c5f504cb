//! Lambda-compatible functions.
//!
//! Two halves meet here:
//! - `code`: deployment packages — a zip checked and unpacked once per content hash into a
//!   read-only directory of its own (or a local directory for hot reload);
//! - the runner: each function instance is a process (a Python or Node.js bootstrap of
//!   ours, or a `provided` runtime's own `bootstrap`) that fetches its invocations from a
//!   Lambda Runtime API listener of ours, exactly as on AWS, kept warm between invocations.
//!
//! The contract with the rest of Stepwise is [`spec`]: what the Lambda API (or a Task
//! state) hands the runner to run one version of a function, and what comes back.

pub mod code;
pub mod spec;

pub use spec::{CodeLocation, FunctionError, FunctionSpec, InvokeError, InvokeOutcome, InvokeRequest};
