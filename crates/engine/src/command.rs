//! What the engine asks of the world ([`Command`]) and what the world tells it back
//! ([`Input`]). The engine never performs a command itself.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Identifies one outstanding command, so its answer can be matched to it.
pub type CommandId = u64;

/// A request for the world outside the engine.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Run a Task state's resource with `input` (the effective parameters) and report
    /// [`Input::TaskSucceeded`] or [`Input::TaskFailed`] with the same id.
    InvokeTask(TaskRequest),
    /// Report [`Input::TimerFired`] with this id once the clock reaches `fire_at_ms`
    /// (milliseconds since the Unix epoch).
    StartTimer { id: CommandId, fire_at_ms: i64 },
    /// The answer to this command is no longer wanted (its branch was aborted).
    Cancel { id: CommandId },
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaskRequest {
    pub id: CommandId,
    /// The Task state's name (mock configurations are keyed by it).
    pub state_name: String,
    pub resource: String,
    pub input: Value,
    pub timeout_seconds: Option<u64>,
    pub heartbeat_seconds: Option<u64>,
}

/// Something that happened outside the engine. Serializable, because a durable runtime
/// journals every input and rebuilds an execution by feeding them again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Input {
    TaskSucceeded {
        id: CommandId,
        output: Value,
    },
    TaskFailed {
        id: CommandId,
        error: String,
        cause: Option<String>,
    },
    TimerFired {
        id: CommandId,
    },
    /// StopExecution: the execution ends as ABORTED.
    Stop {
        error: Option<String>,
        cause: Option<String>,
    },
    /// RedriveExecution: a FAILED, TIMED_OUT or ABORTED execution continues by entering
    /// again the state its top level stopped in.
    Redrive,
    /// Go on after a call that spent its step budget ([`crate::Progress::Yielded`]);
    /// journaled like any input, so a replay pauses and resumes at the same points.
    Continue,
}
