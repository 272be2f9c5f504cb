//! Who answers a Task state: the mock configuration's test case when the execution was
//! started with one; otherwise, until the function runner exists, a clear failure.

use engine::TaskRequest;
use engine::mock::{MockAnswerer, TestCase};
use serde_json::Value;

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

    pub(crate) fn answer(&mut self, r: &TaskRequest) -> Result<Value, (String, Option<String>)> {
        match self.mocks.answer(r) {
            Some(response) => response.into_result(),
            None => Err((
                "States.TaskFailed".into(),
                Some(format!(
                    "No handler for the Task state '{}' (resource {}): start the execution with a mock test case \
                     (stateMachineArn#TestCase) or wait for the function runner",
                    r.state_name, r.resource
                )),
            )),
        }
    }
}
