//! One execution of a state machine, as a pure state machine of its own.
//!
//! The execution is a set of *threads*: the top level is thread 0, and every Parallel branch
//! and Map iteration is a child thread. A thread runs states one after another until it must
//! wait for the world (a task, a timer) or for its children; then it *parks*. Ready threads
//! run in FIFO order, each until it parks or ends, which makes runs deterministic.
//!
//! Driving it: [`Execution::start`], then [`Execution::poll_command`] until empty, answer each
//! command with [`Execution::handle`], repeat until [`Execution::outcome`] is set.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use arn::Arn;
use asl::definition::*;
use asl::error::StatesError;
use asl::rng::SplitMix64;
use serde_json::{Map, Value};

use crate::command::{Command, CommandId, Input};
use crate::history::{EventKind, HistoryEvent};

mod completion;
mod data_flow;
mod errors;
mod events;
mod fanout;
mod inspect;
mod jsonata;
mod limits;
mod payload;
mod random;
mod scope;
mod slicing;
mod states;
mod task;
mod thread;
mod time_limit;

pub use inspect::Inspection;
pub(crate) use inspect::Probe;
pub use slicing::SliceTimer;
use thread::{Phase, Thread, ThreadId};
use time_limit::TimeLimits;

/// Who runs the execution and under which names; the context object is built from this.
#[derive(Debug, Clone)]
pub struct ExecutionConfig {
    pub execution_name: String,
    pub execution_arn: String,
    pub state_machine_name: String,
    pub state_machine_arn: String,
    pub role_arn: String,
    pub region: String,
    /// The account the execution's ARNs are in (Map Run ARNs are built from it).
    pub account: String,
    pub start_time_ms: i64,
    /// Keep every history event (Standard workflows, `--history`). Without it only the
    /// event counter advances.
    pub record_history: bool,
    /// Standard workflows fail when their history would grow past this many events.
    pub max_history_events: Option<u64>,
    /// Seed of the generator behind `States.MathRandom`, `States.UUID` and retry jitter.
    pub seed: u64,
    /// The longest an execution of this workflow type may run (Express: 5 minutes), on top
    /// of the definition's own `TimeoutSeconds`.
    pub max_duration_seconds: Option<u64>,
}

impl ExecutionConfig {
    /// A configuration with ARNs in the given region and account.
    /// The partition is `aws` whatever the region, as it always was here.
    pub fn new(state_machine_name: &str, execution_name: &str, region: &str, account: &str) -> Self {
        let arn = |region: &str, resource| {
            Arn {
                partition: "aws".to_owned(),
                region: region.to_owned(),
                account: account.to_owned(),
                resource,
            }
            .to_string()
        };
        ExecutionConfig {
            execution_name: execution_name.to_string(),
            execution_arn: arn(
                region,
                arn::Resource::Execution {
                    state_machine: state_machine_name.to_owned(),
                    map_run_label: None,
                    name: execution_name.to_owned(),
                },
            ),
            state_machine_name: state_machine_name.to_string(),
            state_machine_arn: arn(
                region,
                arn::Resource::StateMachine {
                    name: state_machine_name.to_owned(),
                    qualifier: None,
                },
            ),
            role_arn: arn(
                "",
                arn::Resource::Role {
                    path_and_name: "StepwiseExecutionRole".to_owned(),
                },
            ),
            region: region.to_string(),
            account: account.to_string(),
            start_time_ms: 0,
            record_history: false,
            max_history_events: None,
            seed: 0,
            max_duration_seconds: None,
        }
    }
}

/// How an execution ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Succeeded {
        output: Value,
    },
    Failed {
        error: Option<String>,
        cause: Option<String>,
    },
    TimedOut {
        error: Option<String>,
        cause: Option<String>,
    },
    Aborted {
        error: Option<String>,
        cause: Option<String>,
    },
}

impl Outcome {
    /// `SUCCEEDED`, `FAILED`, `TIMED_OUT` or `ABORTED`, as AWS names execution statuses.
    pub fn status(&self) -> &'static str {
        match self {
            Outcome::Succeeded { .. } => "SUCCEEDED",
            Outcome::Failed { .. } => "FAILED",
            Outcome::TimedOut { .. } => "TIMED_OUT",
            Outcome::Aborted { .. } => "ABORTED",
        }
    }

    /// The shape of the conformance corpus' `expected.json`.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("status".into(), Value::String(self.status().into()));
        match self {
            Outcome::Succeeded { output } => {
                m.insert("output".into(), output.clone());
            }
            Outcome::Failed { error, cause }
            | Outcome::TimedOut { error, cause }
            | Outcome::Aborted { error, cause } => {
                if let Some(e) = error {
                    m.insert("error".into(), Value::String(e.clone()));
                }
                if let Some(c) = cause {
                    m.insert("cause".into(), Value::String(c.clone()));
                }
            }
        }
        Value::Object(m)
    }
}

pub struct Execution {
    def: Arc<StateMachine>,
    cfg: ExecutionConfig,
    input: Value,
    threads: Vec<Option<Thread>>,
    free: Vec<ThreadId>,
    ready: VecDeque<ThreadId>,
    /// Outstanding commands and the thread each answers. Ordered: when they are cancelled
    /// together, the `Cancel` commands come out in id order, the same on every run.
    pending: BTreeMap<CommandId, ThreadId>,
    next_command: CommandId,
    commands: VecDeque<Command>,
    events: Vec<HistoryEvent>,
    event_count: u64,
    transitions: u64,
    redrive_count: u32,
    outcome: Option<Outcome>,
    now_ms: i64,
    rng: SplitMix64,
    timeout_timer: Option<CommandId>,
    /// Set when the execution tests one state (TestState).
    probe: Option<Box<Probe>>,
    /// JSONata's wall-clock limit, numbered for replay (see `time_limit.rs`).
    time_limits: TimeLimits,
    /// Where a call stops (`slicing.rs`).
    slicing: slicing::Slicing,
}

/// What a call to [`Execution::start`] or [`Execution::handle`] left to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The execution ended, or it waits for the world (the commands to poll) and has no
    /// ready work.
    Waiting,
    /// The call spent its step budget with work still ready: feed [`Input::Continue`] to
    /// go on (after looking at what else arrived meanwhile).
    Yielded,
}

impl Execution {
    pub fn new(def: Arc<StateMachine>, cfg: ExecutionConfig, input: Value) -> Self {
        let rng = SplitMix64::new(cfg.seed ^ 0x5DEE_CE66_D1CE_5EED);
        Execution {
            def,
            cfg,
            input,
            threads: Vec::new(),
            free: Vec::new(),
            ready: VecDeque::new(),
            pending: BTreeMap::new(),
            next_command: 1,
            commands: VecDeque::new(),
            events: Vec::new(),
            event_count: 0,
            transitions: 0,
            redrive_count: 0,
            outcome: None,
            now_ms: 0,
            rng,
            timeout_timer: None,
            probe: None,
            time_limits: TimeLimits::default(),
            slicing: Default::default(),
        }
    }

    /// Starts the execution at `now_ms` and runs it as far as it goes without the world
    /// (or as its step budget allows).
    pub fn start(&mut self, now_ms: i64) -> Progress {
        self.now_ms = now_ms;
        if self.cfg.start_time_ms == 0 {
            self.cfg.start_time_ms = now_ms;
        }
        let input = self.input.clone();
        self.emit_raw(
            0,
            EventKind::ExecutionStarted {
                input: input.clone(),
                role_arn: self.cfg.role_arn.clone(),
            },
        );
        self.arm_execution_timeout();
        let root = self.def.block(StateMachine::ROOT).start_at;
        let tid = self.spawn(StateMachine::ROOT, root, input, None, 0, Arc::new(Map::new()));
        self.ready.push_back(tid);
        self.run()
    }

    /// Feeds what happened outside and runs as far as the execution goes (or as its step
    /// budget allows).
    pub fn handle(&mut self, input: Input, now_ms: i64) -> Progress {
        self.now_ms = now_ms;
        if input == Input::Redrive {
            self.redrive();
            return self.run();
        }
        if self.outcome.is_some() {
            return Progress::Waiting;
        }
        match input {
            Input::TaskSucceeded { id, output } => {
                if let Some(tid) = self.pending.remove(&id) {
                    self.task_succeeded(tid, output);
                }
            }
            Input::TaskFailed {
                id,
                mut error,
                mut cause,
            } => {
                if let Some(tid) = self.pending.remove(&id) {
                    let mut err = Some(error);
                    limits::clip_failure(&mut err, &mut cause);
                    error = err.unwrap_or_default();
                    self.task_failed(
                        tid,
                        StatesError {
                            error,
                            cause,
                            location: None,
                        },
                    );
                }
            }
            Input::TimerFired { id } => {
                if self.timeout_timer == Some(id) {
                    self.finish_execution(
                        0,
                        Outcome::TimedOut {
                            error: None,
                            cause: None,
                        },
                    );
                } else if let Some(tid) = self.pending.remove(&id) {
                    self.timer_fired(tid);
                }
            }
            Input::Stop { error, cause } => self.finish_execution(0, Outcome::Aborted { error, cause }),
            Input::Redrive | Input::Continue => {}
        }
        self.run()
    }

    /// Arms the execution's time limit (the definition's `TimeoutSeconds`, capped by the
    /// workflow type's longest run) from now.
    fn arm_execution_timeout(&mut self) {
        let limit = match (self.def.timeout_seconds, self.cfg.max_duration_seconds) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let Some(secs) = limit {
            let id = self.command_id();
            self.timeout_timer = Some(id);
            self.commands.push_back(Command::StartTimer {
                id,
                fire_at_ms: limits::after_seconds(self.now_ms, secs),
            });
        }
    }

    /// How many times the execution was redriven.
    pub fn redrive_count(&self) -> u32 {
        self.redrive_count
    }

    /// Whether [`Input::Redrive`] would continue the execution: it ended without
    /// succeeding, its top level still knows the state it stopped in, and its history has
    /// room for more than the `ExecutionRedriven` event and a failure on the history limit.
    pub fn can_redrive(&self) -> bool {
        matches!(
            self.outcome,
            Some(Outcome::Failed { .. } | Outcome::TimedOut { .. } | Outcome::Aborted { .. })
        ) && self.threads.first().is_some_and(Option::is_some)
            && self.cfg.max_history_events.is_none_or(|max| self.event_count + 2 < max)
    }

    /// Continues an ended execution: every branch and iteration still open is dropped and the
    /// top level enters again the state it stopped in (a Map or Parallel state runs all its
    /// children again), after an `ExecutionRedriven` event.
    fn redrive(&mut self) {
        if !self.can_redrive() {
            return;
        }
        self.outcome = None;
        self.redrive_count += 1;
        for tid in 1..self.threads.len() {
            self.release(tid);
        }
        self.pending.clear();
        self.ready.clear();
        let prev = self.event_count;
        let id = self.emit_raw(
            prev,
            EventKind::ExecutionRedriven {
                redrive_count: self.redrive_count,
            },
        );
        let t = self.thread(0);
        t.last_event = id;
        t.phase = Phase::Enter;
        t.fanout_started = false;
        t.assigned = None;
        self.arm_execution_timeout();
        self.ready.push_back(0);
    }

    pub fn poll_command(&mut self) -> Option<Command> {
        self.commands.pop_front()
    }

    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    /// The recorded history (empty unless `record_history` is set).
    pub fn history(&self) -> &[HistoryEvent] {
        &self.events
    }

    /// Takes the events recorded since the last call (a durable runtime stores them and
    /// keeps none in memory).
    pub fn take_history(&mut self) -> Vec<HistoryEvent> {
        std::mem::take(&mut self.events)
    }

    /// How many states the execution has entered (AWS bills these as state transitions).
    pub fn transitions(&self) -> u64 {
        self.transitions
    }

    /// How many history events the execution has produced, recorded or not.
    pub fn event_count(&self) -> u64 {
        self.event_count
    }
}

#[cfg(test)]
mod tests;
