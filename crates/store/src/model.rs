//! The records the store keeps. Definitions, inputs and outputs are kept as the JSON text
//! the client sent or the engine produced.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WorkflowType {
    #[serde(rename = "STANDARD")]
    Standard,
    #[serde(rename = "EXPRESS")]
    Express,
}

impl WorkflowType {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkflowType::Standard => "STANDARD",
            WorkflowType::Express => "EXPRESS",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateMachineRecord {
    pub arn: String,
    pub name: String,
    pub kind: WorkflowType,
    pub definition: String,
    pub role_arn: String,
    pub description: Option<String>,
    /// `loggingConfiguration` and `tracingConfiguration` as the client sent them.
    pub logging_configuration: Option<Value>,
    pub tracing_configuration: Option<Value>,
    pub revision_id: String,
    pub created_ms: i64,
    pub updated_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionRecord {
    /// `<state machine arn>:<version>`; filled in by `publish_version`.
    pub arn: String,
    pub state_machine_arn: String,
    /// Filled in by `publish_version`.
    pub version: u64,
    pub definition: String,
    pub role_arn: String,
    pub revision_id: String,
    pub description: Option<String>,
    pub created_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoutingEntry {
    pub version_arn: String,
    pub weight: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AliasRecord {
    /// `<state machine arn>:<alias name>`
    pub arn: String,
    pub state_machine_arn: String,
    pub name: String,
    pub description: Option<String>,
    pub routing: Vec<RoutingEntry>,
    pub created_ms: i64,
    pub updated_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExecutionStatus {
    #[serde(rename = "RUNNING")]
    Running,
    #[serde(rename = "SUCCEEDED")]
    Succeeded,
    #[serde(rename = "FAILED")]
    Failed,
    #[serde(rename = "TIMED_OUT")]
    TimedOut,
    #[serde(rename = "ABORTED")]
    Aborted,
    #[serde(rename = "PENDING_REDRIVE")]
    PendingRedrive,
}

impl ExecutionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionStatus::Running => "RUNNING",
            ExecutionStatus::Succeeded => "SUCCEEDED",
            ExecutionStatus::Failed => "FAILED",
            ExecutionStatus::TimedOut => "TIMED_OUT",
            ExecutionStatus::Aborted => "ABORTED",
            ExecutionStatus::PendingRedrive => "PENDING_REDRIVE",
        }
    }

    pub fn parse(s: &str) -> Option<ExecutionStatus> {
        Some(match s {
            "RUNNING" => ExecutionStatus::Running,
            "SUCCEEDED" => ExecutionStatus::Succeeded,
            "FAILED" => ExecutionStatus::Failed,
            "TIMED_OUT" => ExecutionStatus::TimedOut,
            "ABORTED" => ExecutionStatus::Aborted,
            "PENDING_REDRIVE" => ExecutionStatus::PendingRedrive,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionRecord {
    pub arn: String,
    /// The state machine's unqualified ARN (executions of versions and aliases too).
    pub state_machine_arn: String,
    pub name: String,
    pub kind: WorkflowType,
    pub status: ExecutionStatus,
    /// The definition the execution runs (copied: the state machine may change or go).
    pub definition: String,
    pub role_arn: String,
    pub input: String,
    pub output: Option<String>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub start_ms: i64,
    pub stop_ms: Option<i64>,
    pub version_arn: Option<String>,
    pub alias_arn: Option<String>,
    pub redrive_count: u32,
    /// Mock configuration test case (`stateMachineArn#TestCase`), if any.
    pub test_case: Option<String>,
    /// The engine's random seed, needed to replay the journal identically.
    pub seed: u64,
    pub trace_header: Option<String>,
    /// The engine replay version the journal is written under: a build replays only the
    /// journals of versions it knows to replay identically. Executions stored before the
    /// version was recorded count as version 1.
    #[serde(default = "first_replay_version")]
    pub replay_version: u32,
}

fn first_replay_version() -> u32 {
    1
}

/// A history event as stored: AWS's shape, with `details` the `…EventDetails` object in the
/// form the API returns (input/output as JSON text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredEvent {
    pub id: u64,
    pub previous_event_id: u64,
    pub timestamp_ms: i64,
    /// `PassStateEntered`, `ExecutionSucceeded`, …
    pub event_type: String,
    /// The name of the details member (`stateEnteredEventDetails`) and its value, if any.
    pub details: Option<(String, Value)>,
}

/// One engine input, in order, with the time it was fed at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    pub seq: u64,
    pub now_ms: i64,
    /// The engine input, serialized by the runtime (the store does not interpret it).
    pub input: Value,
    /// The ordinals of the JSONata evaluations of this step that ran out of wall-clock
    /// time: the one outcome a replay cannot recompute, so it is journaled (empty in
    /// journals written before it was).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub time_limit_hits: Vec<u64>,
    /// How many states the step entered when the runtime's slice timer ended it (`None`
    /// when it ended otherwise, and in journals written before slices were timed): a
    /// replay ends the step at the same state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cut: Option<u64>,
}

/// The final state of an execution that ended in this step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionEnd {
    pub status: ExecutionStatus,
    pub output: Option<String>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub stop_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppendBatch {
    pub execution_arn: String,
    pub events: Vec<StoredEvent>,
    pub journal: Vec<JournalEntry>,
    /// The execution was redriven in this step: it is RUNNING again, its end (output, error,
    /// cause, stop time) is cleared and its redrive count goes up by one — before `end`,
    /// if the same step also ended it again.
    #[serde(default)]
    pub redrive: bool,
    pub end: Option<ExecutionEnd>,
}

#[derive(Debug, Clone, Default)]
pub struct ExecutionFilter {
    pub state_machine_arn: Option<String>,
    pub version_arn: Option<String>,
    pub alias_arn: Option<String>,
    pub status: Option<ExecutionStatus>,
}

#[derive(Debug, Clone, Default)]
pub struct HistoryQuery {
    pub reverse: bool,
    /// Ascending: events with id > after. Descending: events with id < after (0 = from the end).
    pub after: u64,
    pub limit: usize,
}
