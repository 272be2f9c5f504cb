//! One execution of a state machine, as a pure state machine of its own.
//!
//! The execution is a set of *threads*: the top level is thread 0, and every Parallel branch
//! and Map iteration is a child thread. A thread runs states one after another until it must
//! wait for the world (a task, a timer) or for its children; then it *parks*. Ready threads
//! run in FIFO order, each until it parks or ends, which makes runs deterministic.
//!
//! Driving it: [`Execution::start`], then [`Execution::poll_command`] until empty, answer each
//! command with [`Execution::handle`], repeat until [`Execution::outcome`] is set.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use asl::definition::*;
use asl::env::Env;
use asl::error::{StatesError, names};
use asl::path::Path;
use serde_json::{Map, Value, json};

use crate::command::{Command, CommandId, Input, TaskRequest};
use crate::history::{EventKind, HistoryEvent, TaskResource};

mod inspect;
mod jsonata;
mod scope;

pub use inspect::Inspection;
pub(crate) use inspect::Probe;
use scope::StateScope;

/// Who runs the execution and under which names; the context object is built from this.
#[derive(Debug, Clone)]
pub struct ExecutionConfig {
    pub execution_name: String,
    pub execution_arn: String,
    pub state_machine_name: String,
    pub state_machine_arn: String,
    pub role_arn: String,
    pub region: String,
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
    pub fn new(state_machine_name: &str, execution_name: &str, region: &str, account: &str) -> Self {
        ExecutionConfig {
            execution_name: execution_name.to_string(),
            execution_arn: format!("arn:aws:states:{region}:{account}:execution:{state_machine_name}:{execution_name}"),
            state_machine_name: state_machine_name.to_string(),
            state_machine_arn: format!("arn:aws:states:{region}:{account}:stateMachine:{state_machine_name}"),
            role_arn: format!("arn:aws:iam::{account}:role/StepwiseExecutionRole"),
            region: region.to_string(),
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

type ThreadId = usize;

/// What a state's execution step decided.
enum Flow {
    /// Leave the state with this output.
    Exit { output: Value, to: Transition },
    /// The state failed; Retry and Catch get their turn.
    Fail(StatesError),
    /// Waiting for the world or for children.
    Park,
}

enum Phase {
    /// About to enter `state`.
    Enter,
    /// Entered; run (or re-run, after a retry back-off) the state's work.
    Run,
    Task {
        res: TaskResource,
        lambda: bool,
    },
    WaitTimer {
        output: Value,
        to: Transition,
    },
    RetryTimer,
    Fanout(Box<Fanout>),
    Done,
}

struct Fanout {
    is_map: bool,
    distributed: bool,
    pending: VecDeque<(usize, Value)>,
    children: Vec<Option<ThreadId>>,
    results: Vec<Value>,
    running: usize,
    finished: usize,
    failures: usize,
    max_concurrency: usize,
    tolerated_count: Option<u64>,
    tolerated_percentage: Option<f64>,
}

struct Thread {
    block: BlockId,
    state: StateId,
    /// The raw input of the current state.
    input: Value,
    parent: Option<(ThreadId, usize)>,
    entered_event: u64,
    /// The `previousEventId` of the entered event.
    entered_prev: u64,
    entered_ms: i64,
    last_event: u64,
    retries: Vec<u64>,
    phase: Phase,
    /// Workflow variables visible to this thread.
    vars: Arc<Map<String, Value>>,
    /// Variables assigned by the current state, applied when it exits.
    assigned: Option<Map<String, Value>>,
    /// The current Map/Parallel state has recorded its `…StateStarted` event, so a failure
    /// that is not retried records `…StateFailed`.
    fanout_started: bool,
    /// Events of this thread belong to another execution (a Distributed Map's child
    /// workflow) and are not part of this history.
    silent: bool,
}

pub struct Execution {
    def: Arc<StateMachine>,
    cfg: ExecutionConfig,
    input: Value,
    threads: Vec<Option<Thread>>,
    free: Vec<ThreadId>,
    ready: VecDeque<ThreadId>,
    pending: HashMap<CommandId, ThreadId>,
    next_command: CommandId,
    commands: VecDeque<Command>,
    events: Vec<HistoryEvent>,
    event_count: u64,
    transitions: u64,
    redrive_count: u32,
    outcome: Option<Outcome>,
    now_ms: i64,
    rng: u64,
    timeout_timer: Option<CommandId>,
    /// Set when the execution tests one state (TestState).
    probe: Option<Box<Probe>>,
}

impl Execution {
    pub fn new(def: Arc<StateMachine>, cfg: ExecutionConfig, input: Value) -> Self {
        let rng = cfg.seed ^ 0x5DEE_CE66_D1CE_5EED;
        Execution {
            def,
            cfg,
            input,
            threads: Vec::new(),
            free: Vec::new(),
            ready: VecDeque::new(),
            pending: HashMap::new(),
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
        }
    }

    /// Starts the execution at `now_ms` and runs it as far as it goes without the world.
    pub fn start(&mut self, now_ms: i64) {
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
        self.run();
    }

    /// Feeds what happened outside and runs as far as the execution goes.
    pub fn handle(&mut self, input: Input, now_ms: i64) {
        self.now_ms = now_ms;
        if input == Input::Redrive {
            self.redrive();
            self.run();
            return;
        }
        if self.outcome.is_some() {
            return;
        }
        match input {
            Input::TaskSucceeded { id, output } => {
                if let Some(tid) = self.pending.remove(&id) {
                    self.task_succeeded(tid, output);
                }
            }
            Input::TaskFailed { id, error, cause } => {
                if let Some(tid) = self.pending.remove(&id) {
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
            Input::Redrive => {}
        }
        self.run();
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
                fire_at_ms: self.now_ms + (secs as i64) * 1000,
            });
        }
    }

    /// How many times the execution was redriven.
    pub fn redrive_count(&self) -> u32 {
        self.redrive_count
    }

    /// Whether [`Input::Redrive`] would continue the execution: it ended without
    /// succeeding and its top level still knows the state it stopped in.
    pub fn can_redrive(&self) -> bool {
        matches!(
            self.outcome,
            Some(Outcome::Failed { .. } | Outcome::TimedOut { .. } | Outcome::Aborted { .. })
        ) && self.threads.first().is_some_and(Option::is_some)
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

    // ----- scheduling -------------------------------------------------------------------

    fn run(&mut self) {
        while let Some(tid) = self.ready.pop_front() {
            if self.outcome.is_some() {
                self.ready.clear();
                return;
            }
            self.step(tid);
        }
    }

    fn step(&mut self, tid: ThreadId) {
        loop {
            if self.outcome.is_some() {
                return;
            }
            let Some(t) = self.threads.get_mut(tid).and_then(Option::as_mut) else {
                return;
            };
            match t.phase {
                Phase::Enter => self.enter(tid),
                Phase::Run => {}
                _ => return,
            }
            let flow = self.execute(tid);
            if !self.complete(tid, flow) {
                return;
            }
        }
    }

    fn spawn(
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

    fn thread(&mut self, tid: ThreadId) -> &mut Thread {
        self.threads[tid].as_mut().expect("live thread")
    }

    fn command_id(&mut self) -> CommandId {
        let id = self.next_command;
        self.next_command += 1;
        id
    }

    // ----- events -----------------------------------------------------------------------

    /// Records an event whose previous event is `prev`; returns its id.
    fn emit_raw(&mut self, prev: u64, kind: EventKind) -> u64 {
        self.event_count += 1;
        let id = self.event_count;
        if self.cfg.record_history {
            self.events.push(HistoryEvent {
                id,
                previous_event_id: prev,
                timestamp_ms: self.now_ms,
                kind,
            });
        }
        id
    }

    /// Records an event that follows the thread's last event and becomes its last.
    fn emit(&mut self, tid: ThreadId, kind: EventKind) -> u64 {
        if self.thread(tid).silent {
            return self.thread(tid).last_event;
        }
        let prev = self.thread(tid).last_event;
        let id = self.emit_raw(prev, kind);
        self.thread(tid).last_event = id;
        self.check_history_limit();
        id
    }

    /// Records an event after the thread's last one without moving the thread on.
    fn emit_aside(&mut self, tid: ThreadId, kind: EventKind) -> u64 {
        if self.thread(tid).silent {
            return self.thread(tid).last_event;
        }
        let prev = self.thread(tid).last_event;
        self.emit_raw(prev, kind)
    }

    fn check_history_limit(&mut self) {
        if let Some(max) = self.cfg.max_history_events
            && self.event_count + 1 >= max
            && self.outcome.is_none()
        {
            self.finish_execution(
                0,
                Outcome::Failed {
                    error: Some(names::RUNTIME.into()),
                    cause: Some(format!(
                        "The execution reached the maximum number of history events ({max})."
                    )),
                },
            );
        }
    }

    /// The `<Type>StateEntered` event; resets per-state retry counters.
    fn enter(&mut self, tid: ThreadId) {
        self.transitions += 1;
        let def = self.def.clone();
        let record = self.cfg.record_history;
        let t = self.thread(tid);
        let st = def.state(t.block, t.state);
        let kind = if record {
            EventKind::StateEntered {
                state_type: st.type_name(),
                name: st.name.clone(),
                input: t.input.clone(),
            }
        } else {
            EventKind::StateEntered {
                state_type: st.type_name(),
                name: String::new(),
                input: Value::Null,
            }
        };
        let prev = self.thread(tid).last_event;
        let id = self.emit(tid, kind);
        let now = self.now_ms;
        let t = self.thread(tid);
        t.entered_event = id;
        t.entered_prev = prev;
        t.entered_ms = now;
        t.retries.clear();
        t.phase = Phase::Run;
    }

    /// The `<Type>StateExited` event; variables the state assigned take effect here.
    fn exit_event(&mut self, tid: ThreadId, output: &Value) {
        let assigned = self.thread(tid).assigned.take();
        if let Some(vars) = &assigned {
            let t = self.thread(tid);
            let map = Arc::make_mut(&mut t.vars);
            for (k, v) in vars {
                map.insert(k.clone(), v.clone());
            }
        }
        if self.cfg.record_history {
            let def = self.def.clone();
            let t = self.thread(tid);
            let st = def.state(t.block, t.state);
            let kind = EventKind::StateExited {
                state_type: st.type_name(),
                name: st.name.clone(),
                output: output.clone(),
                assigned,
            };
            self.emit(tid, kind);
        } else {
            let kind = EventKind::StateExited {
                state_type: "",
                name: String::new(),
                output: Value::Null,
                assigned: None,
            };
            self.emit(tid, kind);
        }
    }

    /// Evaluates `Assign` blocks with `dollar` as `$` and keeps the values until the state
    /// exits: all right-hand sides see the variables as they were before the state.
    fn eval_assign(&mut self, tid: ThreadId, blocks: &[&Option<Assign>], dollar: &Value) -> Result<(), StatesError> {
        let mut out: Option<Map<String, Value>> = None;
        for block in blocks {
            match block {
                None => {}
                Some(Assign::JsonPath(tpl)) => {
                    let v = self.with_env(tid, dollar, |env| tpl.eval(env))?;
                    let map = out.get_or_insert_with(Map::new);
                    if let Value::Object(fields) = v {
                        for (k, v) in fields {
                            map.insert(k, v);
                        }
                    }
                }
                Some(Assign::Jsonata(_)) => {
                    return Err(StatesError::runtime("JSONata expressions are not supported yet"));
                }
            }
        }
        self.thread(tid).assigned = out;
        Ok(())
    }

    // ----- states -----------------------------------------------------------------------

    /// Runs the current state's work.
    fn execute(&mut self, tid: ThreadId) -> Flow {
        let def = self.def.clone();
        let (block, state) = {
            let t = self.thread(tid);
            (t.block, t.state)
        };
        let st = def.state(block, state);
        if st.query_language == QueryLanguage::Jsonata {
            return self.execute_jsonata(tid, st);
        }
        match &st.kind {
            StateKind::Pass(p) => self.exec_pass(tid, st, p),
            StateKind::Succeed => match self.input_path(tid, st) {
                Ok(v) => self.finish_output(tid, st, v, Transition::End),
                Err(e) => self.runtime_error(tid, e),
            },
            StateKind::Fail(f) => self.exec_fail(tid, f),
            StateKind::Choice(c) => self.exec_choice(tid, st, c),
            StateKind::Wait(w) => self.exec_wait(tid, st, w),
            StateKind::Task(task) => self.exec_task(tid, st, task),
            StateKind::Parallel(p) => self.exec_parallel(tid, st, p),
            StateKind::Map(m) => self.exec_map(tid, st, m),
        }
    }

    fn exec_pass(&mut self, tid: ThreadId, st: &State, p: &Pass) -> Flow {
        let effective = match self.input_path(tid, st) {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        let result = match (&p.result, &p.parameters) {
            (Some(r), _) => r.clone(),
            (None, Some(tpl)) => match self.eval_template(tid, tpl, &effective) {
                Ok(v) => v,
                Err(e) => return self.runtime_error(tid, e),
            },
            (None, None) => effective,
        };
        self.note(|i| {
            if p.result.is_none() {
                i.after_parameters = Some(result.clone());
            }
        });
        if let Err(e) = self.eval_assign(tid, &[&st.assign], &result) {
            return self.runtime_error(tid, e);
        }
        self.finish_result(tid, st, &p.result_path, result, p.next)
    }

    fn exec_fail(&mut self, tid: ThreadId, f: &Fail) -> Flow {
        let error = match self.fail_field(tid, &f.error, "ErrorPath") {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        let cause = match self.fail_field(tid, &f.cause, "CausePath") {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        self.finish_thread(
            tid,
            Err(StatesError {
                error: error.unwrap_or_default(),
                cause,
                location: None,
            }),
        );
        Flow::Park
    }

    fn fail_field(
        &mut self,
        tid: ThreadId,
        field: &Option<FailField>,
        name: &str,
    ) -> Result<Option<String>, StatesError> {
        Ok(match field {
            None => None,
            Some(FailField::Literal(s)) => Some(s.clone()),
            Some(FailField::Path(path)) => {
                let v = self.select(tid, path, None).map_err(|_| {
                    let input = self.thread(tid).input.to_string();
                    StatesError::runtime(format!(
                        "The JSONPath '{}' specified for the field '{name}' could not be found in the input '{input}'",
                        path.as_str()
                    ))
                })?;
                Some(match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                })
            }
            Some(FailField::Intrinsic(call)) => {
                let input = self.thread(tid).input.clone();
                let v = self.with_env(tid, &input, |env| call.eval(env))?;
                Some(match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                })
            }
            Some(FailField::Expr(_)) => {
                return Err(StatesError::runtime("JSONata expressions are not supported yet"));
            }
        })
    }

    fn exec_choice(&mut self, tid: ThreadId, st: &State, c: &Choice) -> Flow {
        let effective = match self.input_path(tid, st) {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        let mut chosen = None;
        let mut rule_assign = &None;
        for branch in &c.choices {
            let Condition::Rule(rule) = &branch.rule else {
                return self.runtime_error(tid, StatesError::runtime("JSONata conditions are not supported yet"));
            };
            match self.with_env(tid, &effective, |env| rule.evaluate(env)) {
                Ok(true) => {
                    chosen = Some(branch.next);
                    rule_assign = &branch.assign;
                    break;
                }
                Ok(false) => {}
                Err(e) => return self.runtime_error(tid, e),
            }
        }
        match chosen.or(c.default) {
            Some(next) => {
                if let Err(e) = self.eval_assign(tid, &[&st.assign, rule_assign], &effective) {
                    return self.runtime_error(tid, e);
                }
                self.finish_output(tid, st, effective, Transition::Next(next))
            }
            None => Flow::Fail(StatesError {
                error: names::NO_CHOICE_MATCHED.into(),
                cause: None,
                location: None,
            }),
        }
    }

    fn exec_wait(&mut self, tid: ThreadId, st: &State, w: &Wait) -> Flow {
        let effective = match self.input_path(tid, st) {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        let now = self.now_ms;
        let fire_at = match &w.wait {
            WaitFor::Seconds(s) => now + (*s as i64) * 1000,
            WaitFor::Timestamp(ts) => asl::timestamp::parse_rfc3339(ts)
                .map(|t| t.unix_millis())
                .unwrap_or(now),
            WaitFor::SecondsPath(path) => {
                let p = path.as_str();
                match self.with_env(tid, &effective, |env| env.select(path).map(|v| v.into_owned())) {
                    Err(_) => {
                        return self.runtime_error(
                            tid,
                            StatesError::runtime(format!(
                                "The SecondsPath parameter does not reference an input value: {p}"
                            )),
                        );
                    }
                    Ok(Value::Number(n)) => {
                        if let Some(s) = n.as_i64() {
                            if s < 0 {
                                return self.runtime_error(
                                    tid,
                                    StatesError::runtime(format!(
                                        "The SecondsPath parameter references a negative value: {p} == {s}"
                                    )),
                                );
                            }
                            now + s * 1000
                        } else if n.as_u64().is_some() {
                            i64::MAX
                        } else {
                            return self.runtime_error(
                                tid,
                                StatesError::runtime(format!(
                                    "The SecondsPath parameter cannot be parsed as a long value: {p} == {n}"
                                )),
                            );
                        }
                    }
                    Ok(other) => {
                        return self.runtime_error(
                            tid,
                            StatesError::runtime(format!(
                                "The SecondsPath parameter cannot be parsed as a long value: {p} == {}",
                                render_plain(&other)
                            )),
                        );
                    }
                }
            }
            WaitFor::TimestampPath(path) => {
                let p = path.as_str();
                match self.with_env(tid, &effective, |env| env.select(path).map(|v| v.into_owned())) {
                    Err(_) => {
                        return self.runtime_error(
                            tid,
                            StatesError::runtime(format!(
                                "The TimestampPath parameter does not reference an input value: {p}"
                            )),
                        );
                    }
                    Ok(v) => match v.as_str().and_then(asl::timestamp::parse_rfc3339) {
                        Some(t) => t.unix_millis(),
                        None => {
                            return self.runtime_error(
                                tid,
                                StatesError::runtime(format!(
                                    "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {p} == {}",
                                    render_plain(&v)
                                )),
                            );
                        }
                    },
                }
            }
            WaitFor::SecondsExpr(_) | WaitFor::TimestampExpr(_) => {
                return self.runtime_error(tid, StatesError::runtime("JSONata expressions are not supported yet"));
            }
        };
        if let Err(e) = self.eval_assign(tid, &[&st.assign], &effective) {
            return self.runtime_error(tid, e);
        }
        let output = match self.output_path(tid, st, effective) {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        self.arm_wait(tid, fire_at, output, w.next)
    }

    /// Parks the thread until `fire_at`, then leaves the Wait state with `output`.
    fn arm_wait(&mut self, tid: ThreadId, fire_at: i64, output: Value, to: Transition) -> Flow {
        let id = self.command_id();
        self.pending.insert(id, tid);
        self.commands.push_back(Command::StartTimer {
            id,
            fire_at_ms: fire_at,
        });
        self.thread(tid).phase = Phase::WaitTimer { output, to };
        Flow::Park
    }

    fn exec_task(&mut self, tid: ThreadId, st: &State, task: &Task) -> Flow {
        let effective = match self.input_path(tid, st) {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        let params = match &task.parameters {
            Some(tpl) => match self.eval_template(tid, tpl, &effective) {
                Ok(v) => v,
                Err(e) => return self.runtime_error(tid, e),
            },
            None => effective.clone(),
        };
        self.note(|i| i.after_parameters = Some(params.clone()));
        let timeout = match self.seconds(tid, &task.timeout, &effective, "TimeoutSecondsPath") {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        let heartbeat = match self.seconds(tid, &task.heartbeat, &effective, "HeartbeatSecondsPath") {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        self.dispatch_task(tid, st, task, params, timeout, heartbeat)
    }

    /// Records the scheduling events and asks the world to run the task.
    fn dispatch_task(
        &mut self,
        tid: ThreadId,
        st: &State,
        task: &Task,
        params: Value,
        timeout: Option<u64>,
        heartbeat: Option<u64>,
    ) -> Flow {
        let (res, lambda) = classify_resource(&task.resource);
        let record = self.cfg.record_history;
        if lambda {
            let input = if record { params.clone() } else { Value::Null };
            self.emit(
                tid,
                EventKind::LambdaFunctionScheduled {
                    resource: task.resource.clone(),
                    input,
                    timeout,
                },
            );
            self.emit(tid, EventKind::LambdaFunctionStarted);
        } else {
            let parameters = if record { params.clone() } else { Value::Null };
            let region = self.cfg.region.clone();
            self.emit(
                tid,
                EventKind::TaskScheduled {
                    res: res.clone(),
                    region,
                    parameters,
                    timeout,
                    heartbeat,
                },
            );
            self.emit(tid, EventKind::TaskStarted { res: res.clone() });
        }
        let id = self.command_id();
        self.pending.insert(id, tid);
        self.commands.push_back(Command::InvokeTask(TaskRequest {
            id,
            state_name: st.name.clone(),
            resource: task.resource.clone(),
            input: params,
            timeout_seconds: timeout,
            heartbeat_seconds: heartbeat,
        }));
        self.thread(tid).phase = Phase::Task { res, lambda };
        Flow::Park
    }

    fn seconds(
        &mut self,
        tid: ThreadId,
        s: &Option<Seconds>,
        effective: &Value,
        field: &str,
    ) -> Result<Option<u64>, StatesError> {
        match s {
            None => Ok(None),
            Some(Seconds::Fixed(n)) => Ok(Some(*n)),
            Some(Seconds::Path(path)) => {
                let v = self.with_env(tid, effective, |env| env.select(path).map(|v| v.into_owned()));
                match v {
                    Ok(Value::Number(n)) if n.as_u64().is_some_and(|n| n >= 1) => Ok(n.as_u64()),
                    _ => Err(StatesError::runtime(format!(
                        "The {field} field refers to a value that is not a positive integer: {}",
                        path.as_str()
                    ))),
                }
            }
            Some(Seconds::Expr(_)) => Err(StatesError::runtime("JSONata expressions are not supported yet")),
        }
    }

    fn task_succeeded(&mut self, tid: ThreadId, output: Value) {
        if !within_size(&output, MAX_PAYLOAD_BYTES) {
            let err = self.data_limit_error(tid);
            return self.task_failed(tid, err);
        }
        let Phase::Task { res, lambda } = std::mem::replace(&mut self.thread(tid).phase, Phase::Run) else {
            return;
        };
        let recorded = if self.cfg.record_history {
            output.clone()
        } else {
            Value::Null
        };
        if lambda {
            self.emit(tid, EventKind::LambdaFunctionSucceeded { output: recorded });
        } else {
            self.emit(tid, EventKind::TaskSucceeded { res, output: recorded });
        }
        let def = self.def.clone();
        let t = self.thread(tid);
        let st = def.state(t.block, t.state);
        let StateKind::Task(task) = &st.kind else {
            return;
        };
        let flow = if st.query_language == QueryLanguage::Jsonata {
            self.finish_jsonata(tid, st, Some(output), task.next)
        } else {
            self.finish_selected(tid, st, &task.result_selector, &task.result_path, output, task.next)
        };
        if self.complete(tid, flow) {
            self.ready.push_back(tid);
        }
    }

    fn task_failed(&mut self, tid: ThreadId, err: StatesError) {
        let Phase::Task { res, lambda } = std::mem::replace(&mut self.thread(tid).phase, Phase::Run) else {
            return;
        };
        let (error, cause) = (Some(err.error.clone()), err.cause.clone());
        let timed_out = err.error == names::TIMEOUT;
        let kind = match (lambda, timed_out) {
            (true, false) => EventKind::LambdaFunctionFailed { error, cause },
            (true, true) => EventKind::LambdaFunctionTimedOut { error, cause },
            (false, false) => EventKind::TaskFailed { res, error, cause },
            (false, true) => EventKind::TaskTimedOut { res, error, cause },
        };
        self.emit(tid, kind);
        if self.complete(tid, Flow::Fail(err)) {
            self.ready.push_back(tid);
        }
    }

    fn timer_fired(&mut self, tid: ThreadId) {
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

    fn exec_parallel(&mut self, tid: ThreadId, st: &State, p: &Parallel) -> Flow {
        let effective = match self.input_path(tid, st) {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        let branch_input = match &p.parameters {
            Some(tpl) => match self.eval_template(tid, tpl, &effective) {
                Ok(v) => v,
                Err(e) => return self.runtime_error(tid, e),
            },
            None => effective,
        };
        self.note(|i| i.after_parameters = Some(branch_input.clone()));
        self.start_parallel(tid, p, branch_input)
    }

    /// Starts one child thread per branch, each with `branch_input`.
    fn start_parallel(&mut self, tid: ThreadId, p: &Parallel, branch_input: Value) -> Flow {
        if let Some(flow) = self.mocked_fanout(tid) {
            return flow;
        }
        self.emit(tid, EventKind::ParallelStateStarted);
        self.thread(tid).fanout_started = true;
        let n = p.branches.len();
        let fan = Fanout {
            is_map: false,
            distributed: false,
            pending: VecDeque::new(),
            children: vec![None; n],
            results: vec![Value::Null; n],
            running: 0,
            finished: 0,
            failures: 0,
            max_concurrency: n,
            tolerated_count: None,
            tolerated_percentage: None,
        };
        self.thread(tid).phase = Phase::Fanout(Box::new(fan));
        let prev = self.thread(tid).last_event;
        let vars = self.thread(tid).vars.clone();
        for (i, b) in p.branches.iter().enumerate() {
            let start = self.def.block(*b).start_at;
            let child = self.spawn(*b, start, branch_input.clone(), Some((tid, i)), prev, vars.clone());
            if let Phase::Fanout(f) = &mut self.thread(tid).phase {
                f.children[i] = Some(child);
                f.running += 1;
            }
            self.ready.push_back(child);
        }
        Flow::Park
    }

    fn exec_map(&mut self, tid: ThreadId, st: &State, m: &MapState) -> Flow {
        let effective = match self.input_path(tid, st) {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        let items = match &m.items_path {
            OptPath::Identity => effective.clone(),
            OptPath::Null => Value::Null,
            OptPath::Path(p) => match self.with_env(tid, &effective, |env| env.select(p).map(|v| v.into_owned())) {
                Ok(v) => v,
                Err(e) => {
                    return self.runtime_error(
                        tid,
                        StatesError::runtime(format!("Invalid path '{}' : {e}", p.as_str())),
                    );
                }
            },
        };
        self.note(|i| {
            if !matches!(m.items_path, OptPath::Identity) {
                i.after_items_path = Some(items.clone());
            }
        });
        let Value::Array(items) = items else {
            let path = match &m.items_path {
                OptPath::Path(p) => p.as_str().to_string(),
                _ => "$".to_string(),
            };
            return self.runtime_error(
                tid,
                StatesError::runtime(format!(
                    "Map state input must be an array but was: {} (ItemsPath {path})",
                    json_type_name(&items)
                )),
            );
        };
        let max_concurrency = match self.map_number(tid, &m.max_concurrency, &effective, "MaxConcurrency", Num::Int) {
            Ok(v) => v.map(|n| n as usize).filter(|n| *n > 0).unwrap_or(usize::MAX),
            Err(e) => return self.runtime_error(tid, e),
        };
        // AWS records MapStateStarted before it reads the tolerance fields (but after MaxConcurrency).
        self.emit(tid, EventKind::MapStateStarted { length: items.len() });
        self.thread(tid).fanout_started = true;
        let tolerated_count = match self.map_number(
            tid,
            &m.tolerated_failure_count,
            &effective,
            "ToleratedFailureCount",
            Num::Int,
        ) {
            Ok(Some(n)) if n < 0.0 => {
                return self.runtime_error(tid, StatesError::runtime("ToleratedFailureCount cannot be negative."));
            }
            Ok(v) => v.map(|n| n as u64),
            Err(e) => return self.runtime_error(tid, e),
        };
        let tolerated_percentage = match self.map_number(
            tid,
            &m.tolerated_failure_percentage,
            &effective,
            "ToleratedFailurePercentage",
            Num::Float,
        ) {
            Ok(Some(n)) if !(0.0..=100.0).contains(&n) => {
                return self.runtime_error(
                    tid,
                    StatesError::runtime("ToleratedFailurePercentage must be between 0 and 100."),
                );
            }
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        // Item inputs: ItemSelector (or legacy Parameters) sees the effective input as `$`
        // and the item in `$$.Map.Item`.
        let mut inputs = VecDeque::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            let v = match &m.item_selector {
                Some(tpl) => match self.eval_map_item(tid, tpl, &effective, index, &item) {
                    Ok(v) => v,
                    Err(e) => return self.runtime_error(tid, e),
                },
                None => item,
            };
            inputs.push_back((index, v));
        }
        self.start_map(tid, m, inputs, max_concurrency, tolerated_count, tolerated_percentage)
    }

    /// Starts the iterations of a Map state over the prepared item inputs.
    fn start_map(
        &mut self,
        tid: ThreadId,
        m: &MapState,
        inputs: VecDeque<(usize, Value)>,
        max_concurrency: usize,
        tolerated_count: Option<u64>,
        tolerated_percentage: Option<f64>,
    ) -> Flow {
        if self.probe.is_some() {
            self.note(|i| {
                i.after_item_selector = Some(Value::Array(inputs.iter().map(|(_, v)| v.clone()).collect()));
                i.max_concurrency = m.max_concurrency.as_ref().map(|_| {
                    if max_concurrency == usize::MAX {
                        0
                    } else {
                        max_concurrency as u64
                    }
                });
                i.tolerated_failure_count = tolerated_count;
                i.tolerated_failure_percentage = tolerated_percentage;
            });
            if let Some(flow) = self.mocked_fanout(tid) {
                return flow;
            }
        }
        let n = inputs.len();
        if m.distributed {
            let uuid = self.pseudo_uuid();
            let arn = format!(
                "arn:aws:states:{}:{}:mapRun:{}/{}:{}",
                self.cfg.region,
                account_of(&self.cfg.state_machine_arn),
                self.cfg.state_machine_name,
                m.label.clone().unwrap_or_else(|| "map".into()),
                uuid
            );
            self.emit(tid, EventKind::MapRunStarted { map_run_arn: arn });
        }
        let fan = Fanout {
            is_map: true,
            distributed: m.distributed,
            pending: inputs,
            children: vec![None; n],
            results: vec![Value::Null; n],
            running: 0,
            finished: 0,
            failures: 0,
            max_concurrency,
            tolerated_count,
            tolerated_percentage,
        };
        self.thread(tid).phase = Phase::Fanout(Box::new(fan));
        if n == 0 {
            return self.fanout_done(tid);
        }
        let prev = self.thread(tid).last_event;
        self.launch_children(tid, prev);
        Flow::Park
    }

    fn map_number(
        &mut self,
        tid: ThreadId,
        field: &Option<NumberOrPath>,
        effective: &Value,
        name: &str,
        kind: Num,
    ) -> Result<Option<f64>, StatesError> {
        match field {
            None => Ok(None),
            Some(NumberOrPath::Fixed(n)) => Ok(Some(*n)),
            Some(NumberOrPath::Path(path)) => {
                let v = self.with_env(tid, effective, |env| env.select(path).map(|v| v.into_owned()));
                let bad = |shown: String| {
                    let what = match kind {
                        Num::Int => "integer",
                        Num::Float => "float",
                    };
                    StatesError::runtime(format!(
                        "The {name}Path field refers to value \"{shown}\" which is not a valid {what}: {}",
                        path.as_str()
                    ))
                };
                match v {
                    Ok(Value::Number(n)) => match kind {
                        Num::Int if n.is_i64() || n.is_u64() => Ok(n.as_f64()),
                        Num::Int => Err(bad(n.to_string())),
                        Num::Float => Ok(n.as_f64()),
                    },
                    // Like Java's Integer.parseInt / Double.parseDouble on the text.
                    Ok(Value::String(text)) => match kind {
                        Num::Int => text
                            .trim()
                            .parse::<i64>()
                            .map(|n| Some(n as f64))
                            .map_err(|_| bad(text)),
                        Num::Float => text.trim().parse::<f64>().map(Some).map_err(|_| bad(text)),
                    },
                    Ok(other) => Err(bad(render_plain(&other))),
                    Err(_) => Err(bad("null".into())),
                }
            }
            Some(NumberOrPath::Expr(_)) => Err(StatesError::runtime("JSONata expressions are not supported yet")),
        }
    }

    fn launch_children(&mut self, tid: ThreadId, prev: u64) {
        let def = self.def.clone();
        let (block, state) = {
            let t = self.thread(tid);
            (t.block, t.state)
        };
        let StateKind::Map(m) = &def.state(block, state).kind else {
            return;
        };
        let name = def.state(block, state).name.clone();
        let vars = self.thread(tid).vars.clone();
        loop {
            let next = match &mut self.thread(tid).phase {
                Phase::Fanout(f) if f.running < f.max_concurrency => f.pending.pop_front(),
                _ => None,
            };
            let Some((index, input)) = next else { break };
            let quiet = self.thread(tid).silent || matches!(&self.thread(tid).phase, Phase::Fanout(f) if f.distributed);
            let started = if quiet {
                prev
            } else {
                self.emit_raw(
                    prev,
                    EventKind::MapIterationStarted {
                        index,
                        name: name.clone(),
                    },
                )
            };
            let start = def.block(m.processor).start_at;
            let child = self.spawn(m.processor, start, input, Some((tid, index)), started, vars.clone());
            self.thread(child).silent = quiet;
            if let Phase::Fanout(f) = &mut self.thread(tid).phase {
                f.children[index] = Some(child);
                f.running += 1;
            }
            self.ready.push_back(child);
        }
    }

    /// A child thread (branch or iteration) ended.
    fn child_done(&mut self, child: ThreadId, parent: ThreadId, index: usize, result: Result<Value, StatesError>) {
        let child_last = self.thread(child).last_event;
        self.release(child);
        let def = self.def.clone();
        let (block, state) = {
            let t = self.thread(parent);
            (t.block, t.state)
        };
        let name = def.state(block, state).name.clone();
        let parent_silent = self.thread(parent).silent;
        let (is_map, distributed) = match &mut self.thread(parent).phase {
            Phase::Fanout(f) => {
                f.children[index] = None;
                f.running -= 1;
                f.finished += 1;
                (f.is_map, f.distributed)
            }
            _ => return,
        };
        match result {
            Ok(v) => {
                let id = if is_map && !distributed && !parent_silent {
                    Some(self.emit_raw(child_last, EventKind::MapIterationSucceeded { index, name }))
                } else {
                    None
                };
                let all_done = match &mut self.thread(parent).phase {
                    Phase::Fanout(f) => {
                        f.results[index] = v;
                        f.finished == f.results.len()
                    }
                    _ => false,
                };
                if all_done {
                    let t = self.thread(parent);
                    t.last_event = id.unwrap_or(child_last.max(t.last_event));
                    let flow = self.fanout_done(parent);
                    if self.complete(parent, flow) {
                        self.ready.push_back(parent);
                    }
                } else {
                    self.launch_children(parent, child_last);
                }
            }
            Err(err) => {
                if is_map && !distributed && !parent_silent {
                    self.emit_raw(child_last, EventKind::MapIterationFailed { index, name });
                }
                let (tolerated, total) = match &mut self.thread(parent).phase {
                    Phase::Fanout(f) => {
                        f.failures += 1;
                        let total = f.results.len();
                        let within_count = f.tolerated_count.is_some_and(|c| f.failures as u64 <= c);
                        let within_pct = f
                            .tolerated_percentage
                            .is_some_and(|p| (f.failures as f64) * 100.0 / (total as f64) <= p);
                        if within_count || within_pct {
                            f.results[index] = json!({"Error": err.error, "Cause": err.cause});
                        }
                        (within_count || within_pct, total)
                    }
                    _ => (false, 0),
                };
                if tolerated {
                    let all_done = matches!(&self.thread(parent).phase, Phase::Fanout(f) if f.finished == total);
                    if all_done {
                        self.thread(parent).last_event = child_last;
                        let flow = self.fanout_done(parent);
                        if self.complete(parent, flow) {
                            self.ready.push_back(parent);
                        }
                    } else {
                        self.launch_children(parent, child_last);
                    }
                    return;
                }
                let tolerance_set = matches!(&self.thread(parent).phase,
                    Phase::Fanout(f) if f.tolerated_count.is_some() || f.tolerated_percentage.is_some());
                self.abort_children(parent);
                self.thread(parent).last_event = child_last;
                let err = if tolerance_set {
                    StatesError::new(
                        names::EXCEED_TOLERATED_FAILURE_THRESHOLD,
                        "The specified tolerated failure threshold was exceeded",
                    )
                } else {
                    err
                };
                if is_map && distributed {
                    let (error, cause) = (Some(err.error.clone()), err.cause.clone());
                    self.emit(parent, EventKind::MapRunFailed { error, cause });
                }
                self.thread(parent).phase = Phase::Run;
                if self.complete(parent, Flow::Fail(err)) {
                    self.ready.push_back(parent);
                }
            }
        }
    }

    /// Every child finished: collect results and leave the state.
    fn fanout_done(&mut self, tid: ThreadId) -> Flow {
        let Phase::Fanout(f) = std::mem::replace(&mut self.thread(tid).phase, Phase::Run) else {
            return Flow::Park;
        };
        let results = Value::Array(f.results);
        self.thread(tid).fanout_started = false;
        if f.is_map {
            if f.distributed {
                self.emit(tid, EventKind::MapRunSucceeded);
            }
            self.emit_aside(tid, EventKind::MapStateSucceeded);
        } else {
            self.emit_aside(tid, EventKind::ParallelStateSucceeded);
        }
        let def = self.def.clone();
        let t = self.thread(tid);
        let st = def.state(t.block, t.state);
        if st.query_language == QueryLanguage::Jsonata {
            let next = match &st.kind {
                StateKind::Map(m) => m.next,
                StateKind::Parallel(p) => p.next,
                _ => return Flow::Park,
            };
            return self.finish_jsonata(tid, st, Some(results), next);
        }
        match &st.kind {
            StateKind::Map(m) => self.finish_selected(tid, st, &m.result_selector, &m.result_path, results, m.next),
            StateKind::Parallel(p) => {
                self.finish_selected(tid, st, &p.result_selector, &p.result_path, results, p.next)
            }
            _ => Flow::Park,
        }
    }

    fn abort_children(&mut self, tid: ThreadId) {
        let children: Vec<(usize, ThreadId)> = match &mut self.thread(tid).phase {
            Phase::Fanout(f) => {
                f.pending.clear();
                f.children
                    .iter_mut()
                    .enumerate()
                    .filter_map(|(i, c)| c.take().map(|c| (i, c)))
                    .collect()
            }
            _ => Vec::new(),
        };
        for (_, child) in children {
            self.abort_children(child);
            self.pending.retain(|id, t| {
                if *t == child {
                    self.commands.push_back(Command::Cancel { id: *id });
                    false
                } else {
                    true
                }
            });
            self.ready.retain(|t| *t != child);
            self.release(child);
        }
    }

    fn release(&mut self, tid: ThreadId) {
        if self.threads[tid].take().is_some() {
            self.free.push(tid);
        }
    }

    // ----- completion -------------------------------------------------------------------

    /// Applies a state's flow. Returns true when the thread should keep running now.
    fn complete(&mut self, tid: ThreadId, flow: Flow) -> bool {
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

    /// Retry, Catch, or fail the thread.
    fn handle_error(&mut self, tid: ThreadId, err: StatesError) -> bool {
        let started = std::mem::take(&mut self.thread(tid).fanout_started);
        let def = self.def.clone();
        let t = self.thread(tid);
        let st = def.state(t.block, t.state);
        let (retry, catch): (&[Retrier], &[Catcher]) = match &st.kind {
            StateKind::Task(x) => (&x.retry, &x.catch),
            StateKind::Parallel(x) => (&x.retry, &x.catch),
            StateKind::Map(x) => (&x.retry, &x.catch),
            _ => (&[], &[]),
        };
        if let Some((i, r)) = retry
            .iter()
            .enumerate()
            .find(|(_, r)| error_matches(&r.error_equals, &err.error))
        {
            let preset = self.probe_retry_count();
            let t = self.thread(tid);
            if t.retries.len() < retry.len() {
                t.retries.resize(retry.len(), 0);
            }
            if let Some(n) = preset {
                t.retries[i] = n;
            }
            let attempt = t.retries[i];
            if attempt < r.max_attempts {
                t.retries[i] += 1;
                let mut delay = r.interval_seconds as f64 * r.backoff_rate.powi(attempt as i32);
                if let Some(max) = r.max_delay_seconds {
                    delay = delay.min(max as f64);
                }
                if r.jitter == Jitter::Full {
                    delay *= (self.next_random() >> 11) as f64 / (1u64 << 53) as f64;
                }
                self.note_retry(i, delay, &err);
                let id = self.command_id();
                self.pending.insert(id, tid);
                let fire_at_ms = self.now_ms + (delay * 1000.0) as i64;
                self.commands.push_back(Command::StartTimer { id, fire_at_ms });
                self.thread(tid).phase = Phase::RetryTimer;
                return false;
            }
        }
        if err.error == names::QUERY_EVALUATION_ERROR {
            let kind = EventKind::EvaluationFailed {
                state: st.name.clone(),
                error: err.error.clone(),
                cause: err.cause.clone().unwrap_or_default(),
                location: err.location.clone(),
            };
            // AWS links the event to what came before the state was entered, except for a
            // Wait state, whose fields it evaluates after entering.
            if !matches!(st.kind, StateKind::Wait(_)) {
                let t = self.thread(tid);
                t.last_event = t.entered_prev;
            }
            self.emit(tid, kind);
        }
        if (started && err.error != names::RUNTIME) || err.error == names::QUERY_EVALUATION_ERROR {
            let kind = match &st.kind {
                StateKind::Map(_) => Some(EventKind::MapStateFailed),
                StateKind::Parallel(_) => Some(EventKind::ParallelStateFailed),
                _ => None,
            };
            if let Some(kind) = kind {
                self.emit(tid, kind);
            }
        }
        if let Some((ci, c)) = catch
            .iter()
            .enumerate()
            .find(|(_, c)| error_matches(&c.error_equals, &err.error))
        {
            self.note_catch(ci, &err);
            let mut error_output = Map::new();
            error_output.insert("Error".into(), Value::String(err.error.clone()));
            error_output.insert("Cause".into(), Value::String(err.cause.clone().unwrap_or_default()));
            let error_output = Value::Object(error_output);
            if st.query_language == QueryLanguage::Jsonata {
                return match self.catch_jsonata(tid, c, error_output) {
                    Ok(output) => self.complete(
                        tid,
                        Flow::Exit {
                            output,
                            to: Transition::Next(c.next),
                        },
                    ),
                    Err(e) => {
                        let e = self.prefix_runtime(tid, e);
                        self.finish_thread(tid, Err(e));
                        false
                    }
                };
            }
            if let Err(e) = self.eval_assign(tid, &[&c.assign], &error_output) {
                let e = self.prefix_runtime(tid, e);
                self.finish_thread(tid, Err(e));
                return false;
            }
            let raw = std::mem::take(&mut self.thread(tid).input);
            match apply_result_path(raw, &c.result_path, error_output) {
                Ok(output) => {
                    self.note(|i| i.after_result_path = Some(output.clone()));
                    return self.complete(
                        tid,
                        Flow::Exit {
                            output,
                            to: Transition::Next(c.next),
                        },
                    );
                }
                Err(e) => {
                    let e = self.prefix_runtime(tid, e);
                    self.finish_thread(tid, Err(e));
                    return false;
                }
            }
        }
        self.finish_thread(tid, Err(err));
        false
    }

    /// A thread reached an end: the execution's (thread 0) or a child's.
    fn finish_thread(&mut self, tid: ThreadId, result: Result<Value, StatesError>) {
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

    fn finish_execution(&mut self, tid: ThreadId, outcome: Outcome) {
        if self.outcome.is_some() {
            return;
        }
        let prev = self
            .threads
            .get(tid)
            .and_then(Option::as_ref)
            .map(|t| t.last_event)
            .unwrap_or(0);
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
        self.emit_raw(prev, kind);
        self.outcome = Some(outcome);
        for id in self.pending.drain() {
            self.commands.push_back(Command::Cancel { id: id.0 });
        }
        if let Some(id) = self.timeout_timer.take() {
            self.commands.push_back(Command::Cancel { id });
        }
        self.ready.clear();
    }

    // ----- data flow --------------------------------------------------------------------

    /// A run-time error raised while evaluating the state: AWS prefixes the cause with the
    /// state's name and entry event.
    fn runtime_error(&mut self, tid: ThreadId, e: StatesError) -> Flow {
        Flow::Fail(self.prefix_runtime(tid, e))
    }

    fn prefix_runtime(&mut self, tid: ThreadId, mut e: StatesError) -> StatesError {
        if e.error == names::RUNTIME || e.error == names::QUERY_EVALUATION_ERROR {
            let def = self.def.clone();
            let t = self.thread(tid);
            let name = &def.state(t.block, t.state).name;
            e.cause = Some(format!(
                "An error occurred while executing the state '{name}' (entered at the event id #{}). {}",
                t.entered_event,
                e.cause.unwrap_or_default()
            ));
        }
        e
    }

    fn input_path(&mut self, tid: ThreadId, st: &State) -> Result<Value, StatesError> {
        let v = match &st.input_path {
            OptPath::Identity => Ok(self.thread(tid).input.clone()),
            OptPath::Null => Ok(Value::Object(Map::new())),
            OptPath::Path(p) => self.select(tid, p, None).map_err(|e| invalid_path(p, e)),
        };
        if let Ok(v) = &v {
            self.note(|i| i.after_input_path = Some(v.clone()));
        }
        v
    }

    fn output_path(&mut self, tid: ThreadId, st: &State, output: Value) -> Result<Value, StatesError> {
        match &st.output_path {
            OptPath::Identity => Ok(output),
            OptPath::Null => Ok(Value::Object(Map::new())),
            OptPath::Path(p) => self.select(tid, p, Some(&output)).map_err(|e| invalid_path(p, e)),
        }
    }

    /// Selects `path` from `input` (the thread's raw input when `None`), or from `$$` or a
    /// variable when the path starts there.
    fn select(&mut self, tid: ThreadId, path: &Path, input: Option<&Value>) -> Result<Value, asl::PathError> {
        let mut scope = self.scope(tid, None);
        let t = scope.thread;
        let input = input.unwrap_or(&t.input);
        let env = Env::new(input, &mut scope);
        env.select(path).map(|v| v.into_owned())
    }

    /// What expressions of the thread's current state see: `$$`, variables, randomness, time.
    fn scope<'s>(&'s mut self, tid: ThreadId, map_item: Option<(usize, &'s Value)>) -> StateScope<'s> {
        let Execution {
            def,
            cfg,
            input: exec_input,
            threads,
            rng,
            now_ms,
            probe,
            ..
        } = self;
        let t = threads[tid].as_ref().expect("live thread");
        let fixed = probe.as_deref().and_then(|p| p.context.as_ref());
        StateScope::new(def, cfg, exec_input, t, rng, map_item, *now_ms).with_context(fixed)
    }

    fn with_env<R>(&mut self, tid: ThreadId, input: &Value, f: impl FnOnce(&mut Env<'_>) -> R) -> R {
        let mut scope = self.scope(tid, None);
        let mut env = Env::new(input, &mut scope);
        f(&mut env)
    }

    fn eval_template(
        &mut self,
        tid: ThreadId,
        tpl: &asl::template::Template,
        input: &Value,
    ) -> Result<Value, StatesError> {
        self.with_env(tid, input, |env| tpl.eval(env))
    }

    fn eval_map_item(
        &mut self,
        tid: ThreadId,
        tpl: &asl::template::Template,
        input: &Value,
        index: usize,
        item: &Value,
    ) -> Result<Value, StatesError> {
        let mut scope = self.scope(tid, Some((index, item)));
        let mut env = Env::new(input, &mut scope);
        tpl.eval(&mut env)
    }

    /// ResultPath then OutputPath, then leave.
    fn finish_result(
        &mut self,
        tid: ThreadId,
        st: &State,
        result_path: &OptPath,
        result: Value,
        to: Transition,
    ) -> Flow {
        self.note(|i| {
            if i.result.is_none() {
                i.result = Some(result.clone());
            }
        });
        let raw = std::mem::take(&mut self.thread(tid).input);
        let merged = match apply_result_path(raw, result_path, result) {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        self.note(|i| i.after_result_path = Some(merged.clone()));
        self.finish_output(tid, st, merged, to)
    }

    /// ResultSelector, ResultPath, OutputPath, then leave.
    fn finish_selected(
        &mut self,
        tid: ThreadId,
        st: &State,
        selector: &Option<asl::template::Template>,
        result_path: &OptPath,
        result: Value,
        to: Transition,
    ) -> Flow {
        self.note(|i| i.result = Some(result.clone()));
        let result = match selector {
            Some(tpl) => match self.eval_template(tid, tpl, &result) {
                Ok(v) => v,
                Err(e) => return self.runtime_error(tid, e),
            },
            None => result,
        };
        self.note(|i| i.after_result_selector = Some(result.clone()));
        if let Err(e) = self.eval_assign(tid, &[&st.assign], &result) {
            return self.runtime_error(tid, e);
        }
        self.finish_result(tid, st, result_path, result, to)
    }

    fn finish_output(&mut self, tid: ThreadId, st: &State, output: Value, to: Transition) -> Flow {
        match self.output_path(tid, st, output) {
            Ok(output) => {
                if matches!(st.kind, StateKind::Succeed) {
                    self.exit_event(tid, &output);
                    self.finish_thread(tid, Ok(output));
                    return Flow::Park;
                }
                Flow::Exit { output, to }
            }
            Err(e) => self.runtime_error(tid, e),
        }
    }

    fn data_limit_error(&mut self, tid: ThreadId) -> StatesError {
        let def = self.def.clone();
        let t = self.thread(tid);
        let name = &def.state(t.block, t.state).name;
        StatesError::new(
            names::DATA_LIMIT_EXCEEDED,
            format!(
                "The state/task '{name}' returned a result with a size exceeding the maximum number of bytes service limit."
            ),
        )
    }

    fn next_random(&mut self) -> u64 {
        splitmix(&mut self.rng)
    }

    fn pseudo_uuid(&mut self) -> String {
        let a = self.next_random();
        let b = self.next_random();
        format_uuid(a, b)
    }
}

/// Step Functions' limit on a state's input, output and a task's result: 256 KiB of JSON text.
pub const MAX_PAYLOAD_BYTES: usize = 256 * 1024;

/// Whether `v`, serialized compactly, fits in `limit` bytes. Walks the value without
/// serializing it and stops as soon as the limit is passed.
pub fn within_size(v: &Value, limit: usize) -> bool {
    fn walk(v: &Value, budget: &mut isize) -> bool {
        let cost = match v {
            Value::Null => 4,
            Value::Bool(b) => {
                if *b {
                    4
                } else {
                    5
                }
            }
            Value::Number(n) => number_len(n),
            Value::String(s) => string_len(s),
            Value::Array(a) => {
                *budget -= 2 + a.len().saturating_sub(1) as isize;
                for x in a {
                    if !walk(x, budget) {
                        return false;
                    }
                }
                0
            }
            Value::Object(m) => {
                *budget -= 2 + m.len().saturating_sub(1) as isize;
                for (k, x) in m {
                    *budget -= string_len(k) as isize + 1;
                    if !walk(x, budget) {
                        return false;
                    }
                }
                0
            }
        };
        *budget -= cost as isize;
        *budget >= 0
    }
    fn string_len(s: &str) -> usize {
        2 + s.len() + s.bytes().filter(|b| *b == b'"' || *b == b'\\' || *b < 0x20).count()
    }
    fn number_len(n: &serde_json::Number) -> usize {
        if let Some(i) = n.as_i64() {
            let mut len = if i < 0 { 2 } else { 1 };
            let mut x = i.unsigned_abs();
            while x >= 10 {
                x /= 10;
                len += 1;
            }
            len
        } else {
            n.to_string().len()
        }
    }
    // Small values cannot reach the limit: skip the walk for them.
    match v {
        Value::Object(m) if m.len() < 16 && m.values().all(is_small) => true,
        _ => walk(v, &mut (limit as isize)),
    }
}

fn is_small(v: &Value) -> bool {
    match v {
        Value::String(s) => s.len() < 1024,
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => true,
    }
}

#[derive(Clone, Copy)]
enum Num {
    Int,
    Float,
}

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A version-4 UUID from 128 random bits.
pub fn format_uuid(a: u64, b: u64) -> String {
    let a = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
    let b = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFFF,
        b >> 48,
        b & 0xFFFF_FFFF_FFFF
    )
}

fn account_of(arn: &str) -> &str {
    arn.split(':').nth(4).unwrap_or("")
}

fn invalid_path(p: &Path, e: asl::PathError) -> StatesError {
    StatesError::runtime(format!("Invalid path '{}' : {e}", p.as_str()))
}

/// ResultPath: `$` replaces, `null` discards, a path merges into the raw input.
fn apply_result_path(raw: Value, rp: &OptPath, result: Value) -> Result<Value, StatesError> {
    match rp {
        OptPath::Identity => Ok(result),
        OptPath::Null => Ok(raw),
        OptPath::Path(p) if p.is_root() => Ok(result),
        OptPath::Path(p) => {
            let shown = raw.to_string();
            let mut raw = raw;
            match p.assign(&mut raw, result) {
                Ok(()) => Ok(raw),
                Err(_) => Err(StatesError::new(
                    names::RESULT_PATH_MATCH_FAILURE,
                    format!("Unable to apply ResultPath \"{}\" to input \"{shown}\"", p.as_str()),
                )),
            }
        }
    }
}

/// A value as AWS shows it in messages: strings bare, everything else as JSON.
fn render_plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn json_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// How a Task resource is shown in the history, and whether it is a bare Lambda ARN
/// (`LambdaFunction*` events) or a service integration (`Task*` events).
fn classify_resource(resource: &str) -> (TaskResource, bool) {
    let parts: Vec<&str> = resource.split(':').collect();
    if parts.len() >= 7 && parts[2] == "lambda" && parts[5] == "function" {
        return (
            TaskResource {
                resource_type: "lambda".into(),
                resource: resource.into(),
            },
            true,
        );
    }
    if parts.len() >= 7 && parts[2] == "states" && parts[3].is_empty() && parts[4].is_empty() {
        // arn:aws:states:::service:action[.waitForTaskToken|.sync]
        return (
            TaskResource {
                resource_type: parts[5].into(),
                resource: parts[6..].join(":"),
            },
            false,
        );
    }
    if parts.len() >= 6 && parts[2] == "states" && parts[5].starts_with("activity") {
        return (
            TaskResource {
                resource_type: "activity".into(),
                resource: resource.into(),
            },
            false,
        );
    }
    (
        TaskResource {
            resource_type: "unknown".into(),
            resource: resource.into(),
        },
        false,
    )
}

#[cfg(test)]
mod tests;
