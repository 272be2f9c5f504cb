//! The typed model of a state machine definition.
//!
//! Nested state lists (Parallel branches, Map item processors) are stored flat in
//! [`StateMachine::blocks`] and referred to by [`BlockId`], so the engine can point at any
//! state with two small integers and no lifetimes.

mod parse;
mod resource;

use std::collections::HashMap;

use serde_json::Value;

use crate::choice::ChoiceRule;
use crate::error::Diagnostic;
use crate::path::Path;
use crate::template::Template;

/// A compiled JSONata-language field (a JSON value whose `{% … %}` strings are expressions).
pub type JTemplate = crate::jsonata::Template;

pub use parse::DefinitionError;
pub use resource::{Integration, IntegrationPattern, Resource};

/// Index of a [`Block`] in [`StateMachine::blocks`]. The top level is block 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BlockId(pub u32);

/// Index of a [`State`] in its block's [`Block::states`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StateId(pub u32);

/// A parsed and validated definition.
#[derive(Debug, Clone)]
pub struct StateMachine {
    pub comment: Option<String>,
    pub version: Option<String>,
    pub timeout_seconds: Option<u64>,
    pub query_language: QueryLanguage,
    pub blocks: Vec<Block>,
}

impl StateMachine {
    /// Parses and validates definition text. All problems are reported, not just the first.
    pub fn parse(text: &str) -> Result<StateMachine, DefinitionError> {
        parse::parse(text)
    }

    /// Parses and validates a definition already decoded from JSON.
    pub fn from_value(value: &Value) -> Result<StateMachine, DefinitionError> {
        parse::from_value(value)
    }

    pub const ROOT: BlockId = BlockId(0);

    pub fn block(&self, id: BlockId) -> &Block {
        &self.blocks[id.0 as usize]
    }

    pub fn state(&self, block: BlockId, id: StateId) -> &State {
        &self.blocks[block.0 as usize].states[id.0 as usize]
    }
}

/// A `StartAt` + `States` pair: the top level, a Parallel branch or a Map item processor.
#[derive(Debug, Clone)]
pub struct Block {
    pub start_at: StateId,
    pub states: Vec<State>,
    pub index: HashMap<String, StateId>,
}

impl Block {
    pub fn find(&self, name: &str) -> Option<StateId> {
        self.index.get(name).copied()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueryLanguage {
    #[default]
    JsonPath,
    Jsonata,
}

/// Where a state goes when it completes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Next(StateId),
    End,
}

/// A JSONPath field that may also be `null` (`InputPath`, `OutputPath`, `ResultPath`).
#[derive(Debug, Clone, PartialEq)]
pub enum OptPath {
    /// The field is absent: `$`, the identity.
    Identity,
    /// `null`: for InputPath/OutputPath the value becomes `{}`; for ResultPath the result is
    /// discarded and the output is the state input.
    Null,
    Path(Path),
}

/// An `Assign` block: in JSONPath a payload template whose keys are variable names, in
/// JSONata the object as written (its `{% %}` strings are evaluated at run time).
#[derive(Debug, Clone)]
pub enum Assign {
    JsonPath(Template),
    Jsonata(JTemplate),
}

#[derive(Debug, Clone)]
pub struct State {
    pub name: String,
    pub comment: Option<String>,
    pub query_language: QueryLanguage,
    pub input_path: OptPath,
    pub output_path: OptPath,
    pub assign: Option<Assign>,
    /// JSONata `Output`, kept as written.
    pub output: Option<JTemplate>,
    pub kind: StateKind,
}

impl State {
    pub fn type_name(&self) -> &'static str {
        self.kind.type_name()
    }
}

#[derive(Debug, Clone)]
pub enum StateKind {
    Pass(Pass),
    Task(Box<Task>),
    Choice(Choice),
    Wait(Wait),
    Succeed,
    Fail(Fail),
    Parallel(Box<Parallel>),
    Map(Box<MapState>),
}

impl StateKind {
    pub fn type_name(&self) -> &'static str {
        match self {
            StateKind::Pass(_) => "Pass",
            StateKind::Task(_) => "Task",
            StateKind::Choice(_) => "Choice",
            StateKind::Wait(_) => "Wait",
            StateKind::Succeed => "Succeed",
            StateKind::Fail(_) => "Fail",
            StateKind::Parallel(_) => "Parallel",
            StateKind::Map(_) => "Map",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Pass {
    pub result: Option<Value>,
    pub parameters: Option<Template>,
    pub result_path: OptPath,
    pub next: Transition,
}

/// A number of seconds given literally, by a path, or (JSONata) by an expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Seconds {
    Fixed(u64),
    Path(Path),
    Expr(JTemplate),
}

#[derive(Debug, Clone)]
pub struct Task {
    /// `Resource`, parsed once: which integration, which pattern (and the text as written,
    /// [`Resource::as_str`], which history events and mock configurations show).
    pub target: Resource,
    pub parameters: Option<Template>,
    /// JSONata `Arguments`, kept as written.
    pub arguments: Option<JTemplate>,
    pub result_selector: Option<Template>,
    pub result_path: OptPath,
    pub timeout: Option<Seconds>,
    pub heartbeat: Option<Seconds>,
    pub credentials: Option<Value>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    pub next: Transition,
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub choices: Vec<ChoiceBranch>,
    pub default: Option<StateId>,
}

#[derive(Debug, Clone)]
pub struct ChoiceBranch {
    pub rule: Condition,
    pub next: StateId,
    pub assign: Option<Assign>,
    pub output: Option<JTemplate>,
}

/// The test of a Choice branch: a JSONPath rule or a JSONata `Condition`.
#[derive(Debug, Clone)]
pub enum Condition {
    Rule(ChoiceRule),
    Jsonata(JTemplate),
}

#[derive(Debug, Clone)]
pub enum WaitFor {
    Seconds(u64),
    SecondsPath(Path),
    Timestamp(String),
    TimestampPath(Path),
    /// JSONata `Seconds` / `Timestamp` expressions, kept as written.
    SecondsExpr(JTemplate),
    TimestampExpr(JTemplate),
}

#[derive(Debug, Clone)]
pub struct Wait {
    pub wait: WaitFor,
    pub next: Transition,
}

/// A Fail state's `Error` or `Cause`.
#[derive(Debug, Clone)]
pub enum FailField {
    Literal(String),
    Path(Path),
    Intrinsic(crate::intrinsics::Intrinsic),
    Expr(JTemplate),
}

#[derive(Debug, Clone)]
pub struct Fail {
    pub error: Option<FailField>,
    pub cause: Option<FailField>,
}

#[derive(Debug, Clone)]
pub struct Parallel {
    pub branches: Vec<BlockId>,
    pub parameters: Option<Template>,
    pub arguments: Option<JTemplate>,
    pub result_selector: Option<Template>,
    pub result_path: OptPath,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    pub next: Transition,
}

/// A number that may be given literally or by a path (MaxConcurrency, ToleratedFailure…).
#[derive(Debug, Clone, PartialEq)]
pub enum NumberOrPath {
    Fixed(f64),
    Path(Path),
    Expr(JTemplate),
}

#[derive(Debug, Clone)]
pub struct MapState {
    pub processor: BlockId,
    /// `DISTRIBUTED` mode in the item processor's ProcessorConfig.
    pub distributed: bool,
    pub items_path: OptPath,
    /// JSONata `Items`.
    pub items: Option<JTemplate>,
    pub item_selector: Option<Template>,
    /// JSONata `ItemSelector`.
    pub item_selector_jsonata: Option<JTemplate>,
    pub item_reader: Option<Value>,
    pub item_batcher: Option<Value>,
    pub result_writer: Option<Value>,
    pub max_concurrency: Option<NumberOrPath>,
    pub tolerated_failure_count: Option<NumberOrPath>,
    pub tolerated_failure_percentage: Option<NumberOrPath>,
    pub label: Option<String>,
    pub result_selector: Option<Template>,
    pub result_path: OptPath,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    pub next: Transition,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Jitter {
    #[default]
    None,
    Full,
}

#[derive(Debug, Clone)]
pub struct Retrier {
    pub error_equals: Vec<String>,
    pub interval_seconds: u64,
    pub max_attempts: u64,
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<u64>,
    pub jitter: Jitter,
}

#[derive(Debug, Clone)]
pub struct Catcher {
    pub error_equals: Vec<String>,
    pub next: StateId,
    pub result_path: OptPath,
    pub assign: Option<Assign>,
    pub output: Option<JTemplate>,
}

/// Does a Retry/Catch `ErrorEquals` list match `error`? `States.ALL` matches every error
/// except `States.Runtime` and `States.DataLimitExceeded`, which AWS treats as terminal;
/// `States.TaskFailed` matches the same set less `States.Timeout`.
pub fn error_matches(error_equals: &[String], error: &str) -> bool {
    use crate::error::names;
    error_equals.iter().any(|e| {
        e == error
            || (e == names::ALL && error != names::RUNTIME && error != names::DATA_LIMIT_EXCEEDED)
            || (e == names::TASK_FAILED
                && error != names::TIMEOUT
                && error != names::RUNTIME
                && error != names::DATA_LIMIT_EXCEEDED)
    })
}

/// Diagnostics are collected with this alias while parsing.
pub(crate) type Diags = Vec<Diagnostic>;
