//! TestState: one state, run on its own by the interpreter, with what its data flow did.
//!
//! The definition is a single state or a whole state machine (then `state_name` picks the
//! state, by default the `StartAt` one). A single state is placed in a state machine of its
//! own, its transitions pointing at placeholder states, so that the definition is validated
//! and compiled exactly like any other. The state then runs in an [`Execution`] carrying a
//! probe: every data-flow step is the interpreter's own, the probe only records the values
//! and ends the run when the state is left.
//!
//! There are no real services here: a Task state runs against its mock (a result or an
//! error), and so do Map and Parallel states (their children are not run). A Wait state does
//! not wait.

use std::fmt;
use std::sync::Arc;

use asl::StateMachine;
use asl::definition::{BlockId, DefinitionError, StateId, StateKind};
use asl::error::StatesError;
use serde_json::{Map, Value, json};

use crate::command::{Command, Input};
use crate::execution::{Execution, ExecutionConfig, Outcome, Probe};

pub use crate::execution::Inspection;

/// The name a single-state definition gets in the state machine built around it.
pub const SINGLE_STATE_NAME: &str = "TestState";

/// What to test.
#[derive(Debug, Clone)]
pub struct TestStateRequest {
    /// A state's JSON, or a state machine's.
    pub definition: String,
    /// The state to test in a state machine definition.
    pub state_name: Option<String>,
    pub input: Value,
    /// Workflow variables in scope when the state starts.
    pub variables: Map<String, Value>,
    /// Replaces the context object (`$$`, `$states.context`).
    pub context: Option<Value>,
    /// The answer of the Task (or the outcome of the Map or Parallel) state.
    pub mock: Option<TestMock>,
    /// Attempts already made by the Retry that matches the mocked error.
    pub retrier_retry_count: Option<u64>,
    /// Names and ARNs seen in the context object.
    pub config: ExecutionConfig,
}

/// A mocked outcome.
#[derive(Debug, Clone, PartialEq)]
pub enum TestMock {
    Result(Value),
    Error { error: String, cause: Option<String> },
}

/// TestState's `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestStatus {
    Succeeded,
    Failed,
    /// The error matched a Retry that has attempts left: the state would run again.
    Retriable,
    /// The error was caught: `output` is the catcher's, `next_state` its `Next`.
    CaughtError,
}

impl TestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TestStatus::Succeeded => "SUCCEEDED",
            TestStatus::Failed => "FAILED",
            TestStatus::Retriable => "RETRIABLE",
            TestStatus::CaughtError => "CAUGHT_ERROR",
        }
    }
}

/// What the state did.
#[derive(Debug, Clone, PartialEq)]
pub struct TestStateResult {
    pub status: TestStatus,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub next_state: Option<String>,
    pub inspection: Inspection,
}

/// The request cannot be tested.
#[derive(Debug, Clone, PartialEq)]
pub enum TestStateError {
    /// The definition does not validate (AWS's `InvalidDefinition`).
    InvalidDefinition(DefinitionError),
    /// Anything else wrong with the request (AWS's `ValidationException`).
    Validation(String),
}

impl fmt::Display for TestStateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TestStateError::InvalidDefinition(e) => write!(f, "{e}"),
            TestStateError::Validation(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for TestStateError {}

/// Runs the requested state once, at `now_ms`.
pub fn test_state(req: TestStateRequest, now_ms: i64) -> Result<TestStateResult, TestStateError> {
    let (def, block, state) = locate(&req.definition, req.state_name.as_deref())?;
    let st = def.state(block, state);
    let fanout = matches!(st.kind, StateKind::Map(_) | StateKind::Parallel(_));
    let mockable = fanout || matches!(st.kind, StateKind::Task(_));
    match (&req.mock, mockable) {
        (Some(_), false) => {
            return Err(TestStateError::Validation(format!(
                "A mock can only be specified for Task, Map, or Parallel states; '{}' is a {} state",
                st.name,
                st.type_name()
            )));
        }
        (None, true) => {
            return Err(TestStateError::Validation(format!(
                "Stepwise does not call AWS services: testing the {} state '{}' needs a mock (a result or an errorOutput)",
                st.type_name(),
                st.name
            )));
        }
        _ => {}
    }
    if req.context.is_some() && req.mock.is_none() {
        return Err(TestStateError::Validation(
            "The context can only be specified together with a mock".into(),
        ));
    }

    let mut mock = req.mock;
    let mut probe = Probe {
        context: req.context,
        retry_count: req.retrier_retry_count,
        ..Probe::default()
    };
    if fanout {
        probe.fanout_mock = mock.take().map(|m| match m {
            TestMock::Result(v) => Ok(v),
            TestMock::Error { error, cause } => Err(StatesError {
                error,
                cause,
                location: None,
            }),
        });
    }

    let mut exec = Execution::new(Arc::new(def), req.config, req.input);
    exec.start_probe(now_ms, block, state, req.variables, probe);
    while exec.outcome().is_none() && !exec.probe().is_some_and(|p| p.retrying) {
        let Some(cmd) = exec.poll_command() else { break };
        match cmd {
            Command::InvokeTask(task) => {
                let input = match mock.take() {
                    Some(TestMock::Result(output)) => Input::TaskSucceeded { id: task.id, output },
                    Some(TestMock::Error { error, cause }) => Input::TaskFailed {
                        id: task.id,
                        error,
                        cause,
                    },
                    None => Input::TaskFailed {
                        id: task.id,
                        error: "States.Runtime".into(),
                        cause: Some("The mock was already used".into()),
                    },
                };
                exec.handle(input, now_ms);
            }
            // No real waiting: a Wait state's timer fires at once.
            Command::StartTimer { id, .. } => {
                exec.handle(Input::TimerFired { id }, now_ms);
            }
            Command::Cancel { .. } => {}
        }
    }

    let outcome = exec.outcome().cloned();
    let probe = exec.take_probe().unwrap_or_default();
    let handled = probe.handled.clone();
    let (error, cause) = match handled {
        Some(e) => (Some(e.error), e.cause),
        None => (None, None),
    };
    let mut result = TestStateResult {
        status: TestStatus::Succeeded,
        output: None,
        error,
        cause,
        next_state: None,
        inspection: probe.inspection,
    };
    if probe.retrying {
        result.status = TestStatus::Retriable;
        return Ok(result);
    }
    match outcome {
        Some(Outcome::Succeeded { output }) => {
            result.output = Some(output);
            result.next_state = probe.next_state;
            if result.inspection.catch_index.is_some() {
                result.status = TestStatus::CaughtError;
            }
        }
        Some(
            Outcome::Failed { error, cause } | Outcome::TimedOut { error, cause } | Outcome::Aborted { error, cause },
        ) => {
            result.status = TestStatus::Failed;
            result.error = error;
            result.cause = cause;
        }
        None => {
            return Err(TestStateError::Validation(
                "The state could not be run to its end without the world outside".into(),
            ));
        }
    }
    Ok(result)
}

/// Parses the definition and finds the state to test.
fn locate(definition: &str, state_name: Option<&str>) -> Result<(StateMachine, BlockId, StateId), TestStateError> {
    let value: Value = match serde_json::from_str(definition) {
        Ok(v) => v,
        // The parser words the JSON error as AWS does.
        Err(_) => return Err(invalid(StateMachine::parse(definition).err())),
    };
    let whole = value.get("States").is_some() && value.get("Type").is_none();
    if !whole {
        if state_name.is_some() {
            return Err(TestStateError::Validation(
                "When stateName is specified, the definition must be a complete state machine definition".into(),
            ));
        }
        let def = StateMachine::from_value(&wrap_state(value)).map_err(TestStateError::InvalidDefinition)?;
        let start = def.block(StateMachine::ROOT).start_at;
        return Ok((def, StateMachine::ROOT, start));
    }
    let def = StateMachine::from_value(&value).map_err(TestStateError::InvalidDefinition)?;
    let Some(name) = state_name else {
        let start = def.block(StateMachine::ROOT).start_at;
        return Ok((def, StateMachine::ROOT, start));
    };
    let found = def
        .blocks
        .iter()
        .enumerate()
        .find_map(|(b, block)| block.find(name).map(|s| (BlockId(b as u32), s)));
    match found {
        Some((block, state)) => Ok((def, block, state)),
        None => Err(TestStateError::Validation(format!(
            "The state '{name}' is not defined in the state machine definition"
        ))),
    }
}

fn invalid(e: Option<DefinitionError>) -> TestStateError {
    match e {
        Some(e) => TestStateError::InvalidDefinition(e),
        None => TestStateError::Validation("The definition is not valid JSON".into()),
    }
}

/// A state machine holding only `state` (as [`SINGLE_STATE_NAME`]) and a `Succeed`
/// placeholder for every state it may transition to.
fn wrap_state(state: Value) -> Value {
    let mut targets: Vec<String> = Vec::new();
    let mut add = |v: Option<&Value>| {
        if let Some(Value::String(s)) = v {
            targets.push(s.clone());
        }
    };
    add(state.get("Next"));
    add(state.get("Default"));
    for key in ["Choices", "Catch"] {
        if let Some(Value::Array(items)) = state.get(key) {
            for item in items {
                add(item.get("Next"));
            }
        }
    }
    let mut states = Map::new();
    states.insert(SINGLE_STATE_NAME.into(), state);
    for t in targets {
        if !states.contains_key(&t) {
            states.insert(t, json!({"Type": "Succeed"}));
        }
    }
    json!({"StartAt": SINGLE_STATE_NAME, "States": states})
}

#[cfg(test)]
mod tests;
