//! The runtime: runs executions for `stepwise serve`.
//!
//! Each running execution is an *actor*: a tokio task that owns the pure
//! [`engine::Execution`] and a mailbox. It feeds the engine one [`engine::Input`] at a time
//! (a task's result, a timer firing, a stop request), and for a Standard workflow it commits
//! the resulting history events **and the input itself** (the journal) to the store before
//! it starts any effect the engine asked for (arm a timer, invoke a task) and before any
//! client can see them.
//!
//! Recovery needs nothing else: the engine is deterministic, so after a restart an open
//! execution is rebuilt by starting it again with the same configuration and feeding its
//! journal in order. What the engine then still waits for (timers, tasks in flight at the
//! crash) is re-armed or re-invoked. The replay is checked (`replay.rs`): the events it
//! produces must be the stored ones, and the journal must have been written under an engine
//! replay version this build replays; an execution that fails either check is failed with
//! `States.Runtime` and a cause saying why, instead of continuing on rules it was not
//! written under.
//!
//! Executions compute in slices of at most [`engine::STEP_BUDGET`] states and about 20 ms
//! (`deadline.rs`; where the time ended a slice is journaled): between slices the
//! actor reads its mailbox, so StopExecution, time-outs and a StartSyncExecution client that
//! went away reach a computing execution, and a Standard one commits each slice. Slices
//! after the first run on a bounded pool off the request threads (`compute.rs`), so the
//! API answers whatever executions do. An execution during which the process died twice
//! is failed instead of being run again (`guard.rs`).
//!
//! Time comes from a [`Clock`]: the system's in a server, tokio's (paused) in tests.
//!
//! Express workflows use the same actor with no store and no history, as on AWS.

mod actor;
mod clock;
mod compute;
mod deadline;
mod error;
mod guard;
mod replay;
mod runtime;
mod tasks;

pub use clock::{Clock, now_ms};
pub use error::RuntimeError;
pub use runtime::{Runtime, RuntimeConfig, StartRequest, SyncResult, Target};
pub use tasks::{TaskContext, TaskError, TaskFuture, TaskOutcome, TaskRunner};
