//! Each state type's execution, one module per type. A state module holds both query
//! languages: the JSONPath flow and the JSONata one share the steps that do not depend on how
//! a field is evaluated (dispatching the task, arming the timer, starting the children).

mod choice;
mod fail;
mod map;
mod parallel;
mod pass;
mod task;
mod wait;

use asl::definition::*;
use serde_json::Value;

use crate::execution::Execution;
use crate::execution::thread::{Flow, ThreadId};

#[derive(Clone, Copy)]
pub(in crate::execution) enum Num {
    Int,
    Float,
}

/// A value as AWS shows it in messages: strings bare, everything else as JSON.
pub(in crate::execution) fn render_plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The JSONata type name of a value, as AWS's messages name them: the one asl's `$type` uses.
pub(in crate::execution) use asl::jsonata::type_name as json_type_name;

impl Execution {
    /// Runs the current state's work.
    pub(in crate::execution) fn execute(&mut self, tid: ThreadId) -> Flow {
        if self.outcome.is_some() {
            // Entering the state reached the history limit.
            return Flow::Park;
        }
        let def = self.def.clone();
        let (block, state) = {
            let t = self.thread(tid);
            (t.block, t.state)
        };
        let st = def.state(block, state);
        match &st.kind {
            StateKind::Pass(p) => self.exec_pass(tid, st, p),
            StateKind::Succeed => self.exec_succeed(tid, st),
            StateKind::Fail(f) => self.exec_fail(tid, st, f),
            StateKind::Choice(c) => self.exec_choice(tid, st, c),
            StateKind::Wait(w) => self.exec_wait(tid, st, w),
            StateKind::Task(task) => self.exec_task(tid, st, task),
            StateKind::Parallel(p) => self.exec_parallel(tid, st, p),
            StateKind::Map(m) => self.exec_map(tid, st, m),
        }
    }
}
