//! Threads and their scheduling: thread 0 is the top level, every Parallel branch and Map
//! iteration is a child thread. Ready threads run in FIFO order, each until it parks or ends,
//! which makes runs deterministic.

use std::sync::Arc;

use asl::definition::*;
use asl::error::StatesError;
use serde_json::{Map, Value};

use crate::command::CommandId;
use crate::execution::fanout::Fanout;
use crate::execution::task::TaskEvents;
use crate::execution::{Execution, Progress};
use crate::history::TaskResource;

pub(super) type ThreadId = usize;

/// What a state's execution step decided.
pub(super) enum Flow {
    /// Leave the state with this output.
    Exit { output: Value, to: Transition },
    /// The state failed; Retry and Catch get their turn.
    Fail(StatesError),
    /// Waiting for the world or for children.
    Park,
}

pub(super) enum Phase {
    /// About to enter `state`.
    Enter,
    /// Entered; run (or re-run, after a retry back-off) the state's work.
    Run,
    /// A task was dispatched; its answer is awaited.
    Task {
        res: TaskResource,
        events: TaskEvents,
    },
    WaitTimer {
        output: Value,
        to: Transition,
    },
    RetryTimer,
    Fanout(Box<Fanout>),
    Done,
}

pub(super) struct Thread {
    pub(super) block: BlockId,
    pub(super) state: StateId,
    /// The raw input of the current state.
    pub(super) input: Value,
    pub(super) parent: Option<(ThreadId, usize)>,
    pub(super) entered_event: u64,
    /// The `previousEventId` of the entered event.
    pub(super) entered_prev: u64,
    pub(super) entered_ms: i64,
    pub(super) last_event: u64,
    pub(super) retries: Vec<u64>,
    pub(super) phase: Phase,
    /// Workflow variables visible to this thread.
    pub(super) vars: Arc<Map<String, Value>>,
    /// The compact JSON size of `vars` (each name and value), kept as variables are
    /// assigned so the execution's variable limit is checked without walking them all.
    pub(super) vars_bytes: usize,
    /// Variables assigned by the current state, applied when it exits.
    pub(super) assigned: Option<Assigned>,
    /// The current Map/Parallel state has recorded its `…StateStarted` event, so a failure
    /// that is not retried records `…StateFailed`.
    pub(super) fanout_started: bool,
    /// Events of this thread belong to another execution (a Distributed Map's child
    /// workflow) and are not part of this history.
    pub(super) silent: bool,
}

impl Execution {
    /// Runs ready threads until none is left, the execution ends, or this call's slice
    /// ends (the step budget or the slice timer, `slicing.rs`). A thread cut short goes back
    /// to the front of the queue, so continuing later runs exactly what an unbudgeted run
    /// would have run next: the budget moves pauses, never the order of the work.
    pub(super) fn run(&mut self) -> Progress {
        self.slicing.begin(self.transitions, None);
        while let Some(tid) = self.ready.pop_front() {
            if self.outcome.is_some() {
                self.ready.clear();
                return Progress::Waiting;
            }
            if !self.step(tid) {
                self.ready.push_front(tid);
                return Progress::Yielded;
            }
        }
        Progress::Waiting
    }

    /// Runs one thread until it parks or ends (`true`), or until the step budget is spent
    /// before it enters its next state (`false`).
    pub(super) fn step(&mut self, tid: ThreadId) -> bool {
        loop {
            if self.outcome.is_some() {
                return true;
            }
            let Some(t) = self.threads.get_mut(tid).and_then(Option::as_mut) else {
                return true;
            };
            match t.phase {
                Phase::Enter => {
                    if self.slicing.stops_at(self.transitions) {
                        return false;
                    }
                    self.enter(tid)
                }
                Phase::Run => {}
                _ => return true,
            }
            let flow = self.execute(tid);
            if !self.complete(tid, flow) {
                return true;
            }
        }
    }

    pub(super) fn spawn(
        &mut self,
        block: BlockId,
        state: StateId,
        input: Value,
        parent: Option<(ThreadId, usize)>,
        last_event: u64,
        vars: Arc<Map<String, Value>>,
    ) -> ThreadId {
        let t = Thread {
            block,
            state,
            input,
            parent,
            entered_event: 0,
            entered_prev: 0,
            entered_ms: 0,
            last_event,
            retries: Vec::new(),
            phase: Phase::Enter,
            vars,
            vars_bytes: 0,
            assigned: None,
            fanout_started: false,
            silent: false,
        };
        match self.free.pop() {
            Some(id) => {
                self.threads[id] = Some(t);
                id
            }
            None => {
                self.threads.push(Some(t));
                self.threads.len() - 1
            }
        }
    }

    pub(super) fn thread(&mut self, tid: ThreadId) -> &mut Thread {
        self.threads[tid].as_mut().expect("live thread")
    }

    pub(super) fn command_id(&mut self) -> CommandId {
        let id = self.next_command;
        self.next_command += 1;
        id
    }

    pub(super) fn release(&mut self, tid: ThreadId) {
        if self.threads[tid].take().is_some() {
            self.free.push(tid);
        }
    }

    pub(super) fn timer_fired(&mut self, tid: ThreadId) {
        match std::mem::replace(&mut self.thread(tid).phase, Phase::Run) {
            Phase::WaitTimer { output, to } => {
                if self.complete(tid, Flow::Exit { output, to }) {
                    self.ready.push_back(tid);
                }
            }
            Phase::RetryTimer => self.ready.push_back(tid),
            other => self.thread(tid).phase = other,
        }
    }
}

/// A state's assignments, checked against the variable limits, waiting for the state's exit.
pub(super) struct Assigned {
    pub(super) vars: Map<String, Value>,
    /// The size of the thread's variables once these take effect (measured by the check).
    pub(super) vars_bytes: usize,
}
