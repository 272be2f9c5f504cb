//! Who answers a Task state: the mock configuration's test case when the execution was
//! started with one; otherwise the first [`TaskRunner`] that serves its resource (the
//! functions, and later activities, callbacks, HTTP…); otherwise a clear failure.

use std::future::Future;
use std::pin::Pin;

use engine::mock::{MockAnswerer, TestCase};
use engine::{CommandId, Input, TaskRequest};
use serde_json::Value;

/// What a task's work ends with: its result, or the error and cause it failed with.
pub type TaskOutcome = Result<Value, TaskError>;

/// A task's work in progress. Dropping it cancels the work (a stop, a time-out).
pub type TaskFuture = Pin<Box<dyn Future<Output = TaskOutcome> + Send>>;

/// A task's failure, named as AWS names it (`Lambda.ServiceException`, the function's
/// `errorType`, `States.TaskFailed`…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskError {
    pub error: String,
    pub cause: Option<String>,
}

/// What a runner knows of the execution a task runs for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskContext {
    pub execution_arn: String,
    pub region: String,
    pub account: String,
    /// The execution's X-Ray trace header, to pass on.
    pub trace_header: Option<String>,
}

/// Runs the work of Task states outside the engine.
pub trait TaskRunner: std::fmt::Debug + Send + Sync + 'static {
    /// The work of `task`, or `None` when this runner does not serve its resource.
    /// Called once the step that scheduled the task is durable; after a restart, again for
    /// every task that had not answered (tasks are at least once across a crash).
    fn run(&self, task: &TaskRequest, context: &TaskContext) -> Option<TaskFuture>;
}

/// How an execution's tasks are answered.
pub(crate) enum Answer {
    /// At once (a mock, or no one serves the resource).
    Now(Input),
    /// By work that ends later.
    Later(TaskFuture),
}

/// The runtime's task answers: the engine's one mock answerer, and the runtime's own wording
/// for a Task state nothing answers.
pub(crate) struct TaskAnswers {
    mocks: MockAnswerer,
}

impl TaskAnswers {
    pub(crate) fn new(case: Option<TestCase>) -> Self {
        TaskAnswers {
            mocks: MockAnswerer::new(case),
        }
    }

    /// Counts an invocation that happened before a restart (replay), so mocked responses
    /// keyed by invocation number continue where they were.
    pub(crate) fn count(&mut self, state: &str) {
        self.mocks.count(state);
    }

    /// The mock's answer, else the first runner's work, else a failure.
    pub(crate) fn answer(
        &mut self,
        r: &TaskRequest,
        runners: &[std::sync::Arc<dyn TaskRunner>],
        context: impl FnOnce() -> TaskContext,
    ) -> Answer {
        if let Some(response) = self.mocks.answer(r) {
            return Answer::Now(input_of(
                r.id,
                response
                    .into_result()
                    .map_err(|(error, cause)| TaskError { error, cause }),
            ));
        }
        if !runners.is_empty() {
            // Built only for a task no mock answers.
            let context = context();
            if let Some(work) = runners.iter().find_map(|runner| runner.run(r, &context)) {
                return Answer::Later(work);
            }
        }
        Answer::Now(Input::TaskFailed {
            id: r.id,
            error: "States.TaskFailed".into(),
            cause: Some(format!(
                "No handler for the Task state '{}' (resource {}): nothing here runs that resource; \
                 start the execution with a mock test case (stateMachineArn#TestCase) to answer it",
                r.state_name, r.resource
            )),
        })
    }
}

/// The engine input that reports `outcome` for the task the engine numbered `id`.
pub(crate) fn input_of(id: CommandId, outcome: TaskOutcome) -> Input {
    match outcome {
        Ok(output) => Input::TaskSucceeded { id, output },
        Err(TaskError { error, cause }) => Input::TaskFailed { id, error, cause },
    }
}

/// The failure of a task that ran past its `TimeoutSeconds` (AWS's `TaskTimedOut` /
/// `LambdaFunctionTimedOut`: the error alone).
pub(crate) fn timed_out() -> TaskError {
    TaskError {
        error: "States.Timeout".into(),
        cause: None,
    }
}
