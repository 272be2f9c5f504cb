//! The Step Functions interpreter as a pure state machine (sans-I/O).
//!
//! [`Execution`] takes a parsed definition and an input, and then only reacts: it emits
//! [`Command`]s (invoke a task, arm a timer) and consumes [`Input`]s (the task's result, the
//! timer firing). The clock, randomness and every side effect belong to the caller, which
//! makes each run reproducible. [`local`] is the simplest caller: it runs an execution to
//! the end in process, with tasks answered by a [`mock`] configuration.

// Replay must reproduce the same commands and events: iterating a hash-ordered collection
// could reorder them between runs (crates/tidy checks the rest of the pure-core rules).
#![deny(clippy::iter_over_hash_type)]

pub mod command;
mod execution;
pub mod history;
pub mod local;
pub mod mock;
pub mod test_state;
pub mod time;

/// The version of the interpreter's rules for turning the same definition, configuration and
/// inputs into the same events and commands.
///
/// A durable runtime rebuilds an execution by feeding its journal to a new [`Execution`];
/// that reproduces the stored history only if the rules have not changed in between. Bump
/// this on any change that alters which events or commands an input produces (their order,
/// ids, contents or timing), so the runtime can store it with each journal and refuse, or
/// replay under the old rules, an execution journaled by an older engine.
///
/// - 1: the first journals.
/// - 2: journals record which JSONata evaluations ran out of wall-clock time
///   ([`Execution::take_time_limit_hits`]); a replay reuses those outcomes and runs every
///   other evaluation without the limit. A version 1 journal records none, so it replays
///   with the limit in force, as it was run.
/// - 3: AWS's limits everywhere: the history limit counts every event (Map iterations and
///   Parallel branches included) and nothing follows `ExecutionFailed`; variables are limited
///   (256 KiB per state's assignments, 10 MiB in all); timers are held to 99999999 seconds;
///   errors and causes are cut to the API's 256 and 32,768 characters. A version 1 or 2
///   journal replays identically unless its execution met one of these limits, and the
///   checked replay reports such a divergence.
///   Also in 3: a durable runtime runs executions in slices of a step budget
///   ([`Execution::set_step_budget`], [`STEP_BUDGET`]) and journals [`Input::Continue`]
///   between them. Versions 1 and 2 ran without a budget and replay without one.
/// - 4: a slice also ends when the driver's [`SliceTimer`] says it ran long enough; where
///   it did is journaled ([`Execution::take_cut`]) and replayed ([`Execution::replay_cut`]).
///   A version 3 journal holds no cuts and replays identically.
pub const REPLAY_VERSION: u32 = 4;

/// The step budget (states entered per call) a durable runtime runs replay version 3
/// executions under. Where a slice ends is part of what a journal replays to: changing
/// this bumps [`REPLAY_VERSION`].
pub const STEP_BUDGET: u64 = 256;

pub use command::{Command, CommandId, Input, TaskRequest};
pub use execution::{Execution, ExecutionConfig, Outcome, Progress, SliceTimer};
pub use history::{EventDetails, EventKind, HistoryEvent};
