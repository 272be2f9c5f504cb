//! The Step Functions interpreter as a pure state machine (sans-I/O).
//!
//! [`Execution`] takes a parsed definition and an input, and then only reacts: it emits
//! [`Command`]s (invoke a task, arm a timer) and consumes [`Input`]s (the task's result, the
//! timer firing). The clock, randomness and every side effect belong to the caller, which
//! makes each run reproducible. [`local`] is the simplest caller: it runs an execution to
//! the end in process, with tasks answered by a [`mock`] configuration.

pub mod command;
mod execution;
pub mod history;
pub mod local;
pub mod mock;
pub mod test_state;
pub mod time;

pub use command::{Command, CommandId, Input, TaskRequest};
pub use execution::{Execution, ExecutionConfig, Outcome, format_uuid};
pub use history::{EventKind, HistoryEvent};
