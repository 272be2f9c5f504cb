//! Leaving a state, ending a thread, ending the execution.

use asl::definition::*;
use asl::error::StatesError;
use serde_json::Value;

use crate::command::Command;
use crate::execution::limits::clip_failure;
use crate::execution::payload::{MAX_PAYLOAD_BYTES, within_size};
use crate::execution::thread::{Flow, Phase, ThreadId};
use crate::execution::{Execution, Outcome};
use crate::history::EventKind;

impl Execution {
    /// Applies a state's flow. Returns true when the thread should keep running now.
    pub(super) fn complete(&mut self, tid: ThreadId, flow: Flow) -> bool {
        match flow {
            Flow::Park => false,
            Flow::Exit { output, to } => {
                if !within_size(&output, MAX_PAYLOAD_BYTES) {
                    let err = self.data_limit_error(tid);
                    return self.complete(tid, Flow::Fail(err));
                }
                self.exit_event(tid, &output);
                match to {
                    Transition::Next(next) if self.probe.is_some() => {
                        self.probe_next(tid, next, output);
                        false
                    }
                    Transition::Next(next) => {
                        let t = self.thread(tid);
                        t.state = next;
                        t.input = output;
                        t.phase = Phase::Enter;
                        true
                    }
                    Transition::End => {
                        self.finish_thread(tid, Ok(output));
                        false
                    }
                }
            }
            Flow::Fail(err) => {
                self.thread(tid).assigned = None;
                self.handle_error(tid, err)
            }
        }
    }

    /// A thread reached an end: the execution's (thread 0) or a child's.
    pub(super) fn finish_thread(&mut self, tid: ThreadId, result: Result<Value, StatesError>) {
        self.thread(tid).phase = Phase::Done;
        match self.thread(tid).parent {
            None => {
                let outcome = match result {
                    Ok(output) => Outcome::Succeeded { output },
                    Err(e) => Outcome::Failed {
                        error: Some(e.error).filter(|s| !s.is_empty()),
                        cause: e.cause,
                    },
                };
                self.finish_execution(tid, outcome);
            }
            Some((parent, index)) => self.child_done(tid, parent, index, result),
        }
    }

    pub(super) fn finish_execution(&mut self, tid: ThreadId, outcome: Outcome) {
        if self.outcome.is_some() {
            return;
        }
        let prev = self
            .threads
            .get(tid)
            .and_then(Option::as_ref)
            .map(|t| t.last_event)
            .unwrap_or(0);
        self.end_execution(prev, outcome);
    }

    /// Records the terminal event after `prev` and ends the execution: outstanding tasks and
    /// timers are cancelled and no thread runs again.
    pub(super) fn end_execution(&mut self, prev: u64, mut outcome: Outcome) {
        if self.outcome.is_some() {
            return;
        }
        if let Outcome::Failed { error, cause }
        | Outcome::TimedOut { error, cause }
        | Outcome::Aborted { error, cause } = &mut outcome
        {
            clip_failure(error, cause);
        }
        let kind = match &outcome {
            Outcome::Succeeded { output } => EventKind::ExecutionSucceeded { output: output.clone() },
            Outcome::Failed { error, cause } => EventKind::ExecutionFailed {
                error: error.clone(),
                cause: cause.clone(),
            },
            Outcome::TimedOut { error, cause } => EventKind::ExecutionTimedOut {
                error: error.clone(),
                cause: cause.clone(),
            },
            Outcome::Aborted { error, cause } => EventKind::ExecutionAborted {
                error: error.clone(),
                cause: cause.clone(),
            },
        };
        self.push_event(prev, kind);
        self.outcome = Some(outcome);
        for id in std::mem::take(&mut self.pending).into_keys() {
            self.commands.push_back(Command::Cancel { id });
        }
        if let Some(id) = self.timeout_timer.take() {
            self.commands.push_back(Command::Cancel { id });
        }
        self.ready.clear();
    }
}
