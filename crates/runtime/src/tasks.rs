//! Who answers a Task state: the mock configuration's test case when the execution was
//! started with one; otherwise, until the function runner exists, a clear failure.

use engine::TaskRequest;
use engine::mock::{MockResponse, TestCase};
use serde_json::Value;
use std::collections::HashMap;

pub(crate) struct TaskAnswers {
    case: Option<TestCase>,
    calls: HashMap<String, u64>,
}

impl TaskAnswers {
    pub(crate) fn new(case: Option<TestCase>) -> Self {
        TaskAnswers {
            case,
            calls: HashMap::new(),
        }
    }

    /// Counts an invocation that happened before a restart (replay), so mocked responses
    /// keyed by invocation number continue where they were.
    pub(crate) fn count(&mut self, state: &str) {
        *self.calls.entry(state.to_string()).or_insert(0) += 1;
    }

    pub(crate) fn answer(&mut self, r: &TaskRequest) -> Result<Value, (String, Option<String>)> {
        let n = self.calls.entry(r.state_name.clone()).or_insert(0);
        let response = self.case.as_ref().and_then(|c| c.respond(&r.state_name, *n)).cloned();
        *n += 1;
        match response {
            Some(MockResponse::Return(v)) => Ok(v),
            Some(MockResponse::Throw { error, cause }) => Err((error, cause)),
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
