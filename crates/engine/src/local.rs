//! Runs one execution to its end in process: tasks are answered synchronously by a
//! [`TaskHandler`], timers by a [`Clock`] (virtual by default, so waits take no time).

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::command::{Command, CommandId, Input, TaskRequest};
use crate::execution::{Execution, Outcome};
use crate::mock::{MockAnswerer, TestCase};

/// Answers a task: its output, or an error name and cause.
pub trait TaskHandler {
    fn invoke(&mut self, request: &TaskRequest) -> Result<Value, (String, Option<String>)>;
}

/// Time for timers. The virtual clock jumps; a real one sleeps.
pub trait Clock {
    fn now_ms(&self) -> i64;
    /// Blocks (or not) until `ms`; afterwards `now_ms() >= ms`.
    fn advance_to(&mut self, ms: i64);
}

/// A clock that moves only when a timer is due: waits take no real time.
#[derive(Debug, Clone)]
pub struct VirtualClock(pub i64);

impl Clock for VirtualClock {
    fn now_ms(&self) -> i64 {
        self.0
    }
    fn advance_to(&mut self, ms: i64) {
        self.0 = self.0.max(ms);
    }
}

/// Fails every task: there is no function runner in process.
pub struct NoTasks;

impl TaskHandler for NoTasks {
    fn invoke(&mut self, r: &TaskRequest) -> Result<Value, (String, Option<String>)> {
        Err(unresolved(r))
    }
}

fn unresolved(r: &TaskRequest) -> (String, Option<String>) {
    (
        "States.TaskFailed".into(),
        Some(format!(
            "No handler for the Task state '{}' (resource {}): pass a mock configuration with a response for it",
            r.state_name, r.resource
        )),
    )
}

/// Answers tasks from a mock test case, counting invocations per state.
pub struct MockTasks {
    answers: MockAnswerer,
}

impl MockTasks {
    pub fn new(case: TestCase) -> Self {
        MockTasks {
            answers: MockAnswerer::new(Some(case)),
        }
    }
}

impl TaskHandler for MockTasks {
    fn invoke(&mut self, r: &TaskRequest) -> Result<Value, (String, Option<String>)> {
        match self.answers.answer(r) {
            Some(response) => response.into_result(),
            None => Err(unresolved(r)),
        }
    }
}

/// Runs `exec` until it ends. Returns `None` if it can make no progress (nothing pending).
pub fn run(exec: &mut Execution, tasks: &mut dyn TaskHandler, clock: &mut dyn Clock) -> Option<Outcome> {
    exec.start(clock.now_ms());
    let mut timers: BTreeMap<(i64, CommandId), ()> = BTreeMap::new();
    let mut timer_at: HashMap<CommandId, i64> = HashMap::new();
    let mut answers: Vec<Input> = Vec::new();
    loop {
        while let Some(cmd) = exec.poll_command() {
            match cmd {
                Command::InvokeTask(req) => answers.push(match tasks.invoke(&req) {
                    Ok(output) => Input::TaskSucceeded { id: req.id, output },
                    Err((error, cause)) => Input::TaskFailed {
                        id: req.id,
                        error,
                        cause,
                    },
                }),
                Command::StartTimer { id, fire_at_ms } => {
                    timers.insert((fire_at_ms, id), ());
                    timer_at.insert(id, fire_at_ms);
                }
                Command::Cancel { id } => {
                    if let Some(at) = timer_at.remove(&id) {
                        timers.remove(&(at, id));
                    }
                    answers.retain(|a| match a {
                        Input::TaskSucceeded { id: x, .. } | Input::TaskFailed { id: x, .. } => *x != id,
                        _ => true,
                    });
                }
            }
        }
        if let Some(o) = exec.outcome() {
            return Some(o.clone());
        }
        if !answers.is_empty() {
            for a in std::mem::take(&mut answers) {
                exec.handle(a, clock.now_ms());
            }
            continue;
        }
        let (&(at, id), _) = timers.iter().next()?;
        timers.remove(&(at, id));
        timer_at.remove(&id);
        clock.advance_to(at);
        exec.handle(Input::TimerFired { id }, clock.now_ms());
    }
}
