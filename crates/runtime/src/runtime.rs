//! The runtime: starts, resumes and stops executions.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use arn::{Arn, StateMachineArn};
use asl::StateMachine;
use asl::rng::{SplitMix64, uuid_v4};
use engine::mock::MockConfig;
use engine::{Command, EventKind, Execution, ExecutionConfig, HistoryEvent, Input, Outcome, Progress};
use serde_json::Value;
use store::{ExecutionRecord, ExecutionStatus, HistoryQuery, Store, WorkflowType};
use tokio::sync::{mpsc, oneshot};
use tracing::Instrument;

use crate::actor::{Actor, Msg, drain, end_of, to_stored};
use crate::clock::Clock;
use crate::compute::Compute;
use crate::deadline;
use crate::error::RuntimeError;
use crate::replay::{self, ENGINE_REPLAY_VERSION, Rebuilt, Unreplayable, track};
use crate::tasks::{TaskAnswers, TaskRunner};

/// Standard workflows stop at AWS's history size.
const STANDARD_MAX_EVENTS: u64 = 25_000;
/// Express workflows run for five minutes at most.
const EXPRESS_MAX_SECONDS: u64 = 300;

#[derive(Debug, Clone, Default)]
pub struct RuntimeConfig {
    pub region: String,
    pub account: String,
    /// Mocked task responses, used by executions started as `stateMachineArn#TestCase`.
    pub mocks: Option<MockConfig>,
    /// Who runs Task states no mock answers, asked in order (`tasks.rs`).
    pub task_runners: Vec<Arc<dyn TaskRunner>>,
}

/// What an execution runs: a state machine, or one of its versions, or an alias's pick.
#[derive(Debug, Clone)]
pub struct Target {
    /// The unqualified state machine ARN.
    pub state_machine_arn: String,
    pub kind: WorkflowType,
    pub definition: String,
    pub role_arn: String,
    pub version_arn: Option<String>,
    pub alias_arn: Option<String>,
}

#[derive(Debug, Clone)]
pub struct StartRequest {
    pub target: Target,
    pub name: Option<String>,
    pub input: String,
    pub test_case: Option<String>,
    pub trace_header: Option<String>,
}

/// The answer of StartSyncExecution.
#[derive(Debug, Clone)]
pub struct SyncResult {
    pub record: ExecutionRecord,
    /// How long the execution ran, for `billingDetails`.
    pub billed_duration_ms: u64,
}

pub struct Runtime {
    store: Arc<dyn Store>,
    cfg: RuntimeConfig,
    clock: Clock,
    running: Mutex<HashMap<String, mpsc::UnboundedSender<Msg>>>,
    /// Execution names, express ids and execution seeds: seeded from the clock at start-up,
    /// since these values are stored, never regenerated on replay.
    /// The state of a SplitMix64 stream (asl::rng), advanced atomically: every request draws
    /// ids from it, and a lock here was contended enough to cost StartSyncExecution ~10 %.
    rng: AtomicU64,
    /// Parsed definitions by text: executions of one state machine share one model.
    definitions: Mutex<HashMap<String, Arc<StateMachine>>>,
    /// Where long computations run (`compute.rs`).
    compute: Compute,
}

/// A started engine, before anything is stored.
struct Prepared {
    rec: ExecutionRecord,
    exec: Execution,
    commands: Vec<Command>,
    tasks: TaskAnswers,
    progress: Progress,
}

/// How many parsed definitions the cache keeps before it starts over.
const DEFINITION_CACHE: usize = 1024;

impl Runtime {
    /// Opens the runtime over `store` and resumes every execution that was running.
    pub async fn new(store: Arc<dyn Store>, cfg: RuntimeConfig) -> Result<Arc<Runtime>, RuntimeError> {
        Self::with_clock(store, cfg, Clock::System).await
    }

    /// [`Runtime::new`] with the time read from `clock` (tests use tokio's, paused).
    pub async fn with_clock(
        store: Arc<dyn Store>,
        cfg: RuntimeConfig,
        clock: Clock,
    ) -> Result<Arc<Runtime>, RuntimeError> {
        let rt = Arc::new(Runtime {
            store,
            cfg,
            clock,
            running: Mutex::new(HashMap::new()),
            rng: AtomicU64::new(clock.now_ms() as u64),
            definitions: Mutex::new(HashMap::new()),
            compute: Compute::new(),
        });
        let store = rt.store.clone();
        let open = blocking(move || store.open_executions()).await?;
        for rec in open {
            let arn = rec.arn.clone();
            if let Err(e) = rt.resume(rec).await {
                tracing::error!(arn = %arn, "cannot resume the execution: {e}");
            }
        }
        Ok(rt)
    }

    /// The parsed model of a definition, parsed once per distinct text.
    fn definition(&self, text: &str) -> Result<Arc<StateMachine>, RuntimeError> {
        if let Some(d) = self.definitions.lock().ok().and_then(|m| m.get(text).cloned()) {
            return Ok(d);
        }
        let parsed = Arc::new(StateMachine::parse(text).map_err(|e| RuntimeError::InvalidDefinition(e.to_string()))?);
        if let Ok(mut m) = self.definitions.lock() {
            if m.len() >= DEFINITION_CACHE {
                m.clear();
            }
            m.insert(text.to_string(), parsed.clone());
        }
        Ok(parsed)
    }

    /// The time now, by the runtime's clock (milliseconds since the Unix epoch).
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn config(&self) -> &RuntimeConfig {
        &self.cfg
    }

    pub(crate) fn compute(&self) -> &Compute {
        &self.compute
    }

    /// How many executions compute at once at most (the rest wait their turn).
    pub fn compute_slots(&self) -> usize {
        self.compute.size()
    }

    /// How many executions this process is driving now.
    pub fn running_count(&self) -> usize {
        self.running.lock().map(|m| m.len()).unwrap_or(0)
    }

    pub(crate) fn forget(&self, arn: &str) {
        if let Ok(mut m) = self.running.lock() {
            m.remove(arn);
        }
    }

    fn next_random(&self) -> u64 {
        let state = self.rng.fetch_add(SplitMix64::GAMMA, Ordering::Relaxed);
        SplitMix64::mix(state.wrapping_add(SplitMix64::GAMMA))
    }

    fn uuid(&self) -> String {
        let hi = self.next_random();
        let lo = self.next_random();
        uuid_v4(hi, lo)
    }

    fn test_case(&self, target: &Target, case: Option<&str>) -> Result<Option<engine::mock::TestCase>, RuntimeError> {
        let Some(case) = case else { return Ok(None) };
        let Some(mocks) = &self.cfg.mocks else {
            return Err(RuntimeError::TestCase(format!(
                "the test case '{case}' was asked for, but the server has no mock configuration"
            )));
        };
        mocks
            .test_case(&Machine::of(&target.state_machine_arn).name, case)
            .map(Some)
            .map_err(|e| RuntimeError::TestCase(e.to_string()))
    }

    /// StartExecution. For Standard workflows the execution and its first events are
    /// durable when this returns; the same name with the same input while it runs returns
    /// the same execution. The engine's first slice (at most [`engine::STEP_BUDGET`]
    /// states) runs before the reply; a longer computation goes on after it.
    pub async fn start_execution(self: &Arc<Self>, req: StartRequest) -> Result<ExecutionRecord, RuntimeError> {
        let kind = req.target.kind;
        let Prepared {
            rec,
            exec,
            commands,
            tasks,
            progress,
        } = self.prepare_first_slice(req).await?;
        match kind {
            WorkflowType::Standard => {
                let mut rec = rec;
                let mut exec = exec;
                let mut events: Vec<_> = exec.take_history().iter().map(to_stored).collect();
                replay::client_input(&mut events, &rec.input);
                let journal: Vec<_> = replay::start_entry(&mut exec, rec.start_ms).into_iter().collect();
                if let Some(o) = exec.outcome() {
                    apply_end(&mut rec, o, self.now_ms());
                }
                let store = self.store.clone();
                let stored = rec.clone();
                let created = blocking(move || store.create_execution(&stored, &events, &journal)).await;
                match created {
                    Ok(()) => {}
                    Err(RuntimeError::Store(store::StoreError::AlreadyExists(_))) => {
                        let store = self.store.clone();
                        let arn = rec.arn.clone();
                        let existing = blocking(move || store.get_execution(&arn)).await?;
                        return match existing {
                            Some(e) if e.status == ExecutionStatus::Running && e.input == rec.input => Ok(e),
                            _ => Err(RuntimeError::ExecutionAlreadyExists(rec.arn)),
                        };
                    }
                    Err(e) => return Err(e),
                }
                if exec.outcome().is_none() {
                    self.spawn(exec, rec.arn.clone(), true, 0, tasks, (commands, progress, false), None);
                }
                Ok(rec)
            }
            WorkflowType::Express => {
                let mut rec = rec;
                if let Some(o) = exec.outcome() {
                    apply_end(&mut rec, o, self.now_ms());
                } else {
                    self.spawn(
                        exec,
                        rec.arn.clone(),
                        false,
                        0,
                        tasks,
                        (commands, progress, false),
                        None,
                    );
                }
                Ok(rec)
            }
        }
    }

    /// StartSyncExecution: runs an Express execution and waits for its end. Dropping the
    /// returned future (the client went away) stops the execution.
    pub async fn start_sync(self: &Arc<Self>, req: StartRequest) -> Result<SyncResult, RuntimeError> {
        let Prepared {
            mut rec,
            exec,
            commands,
            tasks,
            progress,
        } = self.prepare_first_slice(req).await?;
        let outcome = match exec.outcome() {
            Some(o) => o.clone(),
            None => {
                let (tx, rx) = oneshot::channel();
                self.spawn(
                    exec,
                    rec.arn.clone(),
                    false,
                    0,
                    tasks,
                    (commands, progress, false),
                    Some(tx),
                );
                rx.await.map_err(|_| RuntimeError::ShuttingDown)?
            }
        };
        apply_end(&mut rec, &outcome, self.now_ms());
        let billed = (rec.stop_ms.unwrap_or(rec.start_ms) - rec.start_ms).max(0) as u64;
        Ok(SyncResult {
            record: rec,
            billed_duration_ms: billed,
        })
    }

    /// [`Runtime::prepare`] where the request is, or on the compute pool when enough first
    /// slices run on request threads already (`compute.rs`).
    async fn prepare_first_slice(self: &Arc<Self>, req: StartRequest) -> Result<Prepared, RuntimeError> {
        let rt = self.clone();
        self.compute
            .inline_or_pooled(move || rt.prepare(&req))
            .await
            .map_err(|e| RuntimeError::Engine(e.to_string()))?
    }

    /// Builds the record and runs the engine's first slice (nothing is stored yet).
    fn prepare(&self, req: &StartRequest) -> Result<Prepared, RuntimeError> {
        let t = &req.target;
        let case = self.test_case(t, req.test_case.as_deref())?;
        let def = self.definition(&t.definition)?;
        let input: Value = serde_json::from_str(&req.input).unwrap_or(Value::Null);
        let now = self.now_ms();
        let name = req.name.clone().unwrap_or_else(|| self.uuid());
        let machine = Machine::of(&t.state_machine_arn);
        let resource = match t.kind {
            WorkflowType::Standard => arn::Resource::Execution {
                state_machine: machine.name,
                map_run_label: None,
                name: name.clone(),
            },
            WorkflowType::Express => arn::Resource::ExpressExecution {
                state_machine: machine.name,
                name: name.clone(),
                id: self.uuid(),
            },
        };
        // `aws` whatever the region, as execution ARNs have always been here.
        let arn = Arn {
            partition: "aws".to_owned(),
            region: machine.region.unwrap_or_else(|| self.cfg.region.clone()),
            account: machine.account.unwrap_or_else(|| self.cfg.account.clone()),
            resource,
        }
        .to_string();
        let rec = ExecutionRecord {
            arn,
            state_machine_arn: t.state_machine_arn.clone(),
            name,
            kind: t.kind,
            status: ExecutionStatus::Running,
            definition: t.definition.clone(),
            role_arn: t.role_arn.clone(),
            input: req.input.clone(),
            output: None,
            error: None,
            cause: None,
            start_ms: now,
            stop_ms: None,
            version_arn: t.version_arn.clone(),
            alias_arn: t.alias_arn.clone(),
            redrive_count: 0,
            test_case: req.test_case.clone(),
            seed: self.next_random(),
            trace_header: req.trace_header.clone(),
            replay_version: ENGINE_REPLAY_VERSION,
        };
        let mut exec = Execution::new(def, exec_config(&rec), input);
        deadline::pace(&mut exec, rec.replay_version);
        let progress = exec.start(rec.start_ms);
        let commands = drain(&mut exec);
        Ok(Prepared {
            rec,
            exec,
            commands,
            tasks: TaskAnswers::new(case),
            progress,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn spawn(
        self: &Arc<Self>,
        exec: Execution,
        arn: String,
        durable: bool,
        seq: u64,
        tasks: TaskAnswers,
        (commands, progress, resumed): (Vec<Command>, Progress, bool),
        done: Option<oneshot::Sender<Outcome>>,
    ) {
        let (tx, rx) = mpsc::unbounded_channel();
        if let Ok(mut m) = self.running.lock() {
            m.insert(arn.clone(), tx.clone());
        }
        let actor = Actor {
            rt: self.clone(),
            exec: Some(exec),
            marked: false,
            suspect: resumed && durable,
            arn,
            durable,
            seq,
            tx,
            rx,
            tasks,
            timers: HashMap::new(),
            done,
        };
        let span = tracing::info_span!("execution", arn = %actor.arn);
        tokio::spawn(actor.run(commands, progress).instrument(span));
    }

    /// Rebuilds an open execution from its journal and lets it continue; one that cannot be
    /// replayed is failed instead (see `replay.rs`).
    ///
    /// Its actor is a suspect of the resume guard (`guard.rs`): before it computes again it
    /// is marked, and failed if processes died [`crate::guard::MAX_DEATHS`] times while it computed.
    /// A parked execution writes nothing here, so a restart over many of them costs no
    /// commit each.
    async fn resume(self: &Arc<Self>, rec: ExecutionRecord) -> Result<(), RuntimeError> {
        let Rebuilt {
            exec,
            outstanding,
            tasks,
            seq,
            progress,
            ..
        } = match self.rebuild(&rec).await? {
            Ok(rebuilt) => rebuilt,
            Err(why) => return self.fail_unreplayable(&rec.arn, &why).await,
        };
        if exec.outcome().is_some() {
            // Cannot happen with an atomic store (the end is committed with its events);
            // record it rather than run an ended execution.
            let store = self.store.clone();
            let batch = store::AppendBatch {
                redrive: false,
                execution_arn: rec.arn.clone(),
                events: Vec::new(),
                journal: Vec::new(),
                end: exec.outcome().map(|o| end_of(o, self.now_ms())),
            };
            blocking(move || store.append(&batch)).await?;
            return Ok(());
        }
        tracing::debug!(arn = %rec.arn, journal_entries = seq, pending = outstanding.len(), "resumed");
        let commands: Vec<Command> = outstanding.into_values().collect();
        let durable = rec.kind == WorkflowType::Standard;
        self.spawn(
            exec,
            rec.arn.clone(),
            durable,
            seq,
            tasks,
            (commands, progress, durable),
            None,
        );
        Ok(())
    }

    /// Replays an execution's journal and checks the events it produces against the stored
    /// history: the engine in the state it was in after its last durable step, what it still
    /// waits for, and the mocks' invocation counts; or why it cannot be replayed.
    async fn rebuild(&self, rec: &ExecutionRecord) -> Result<Result<Rebuilt, Unreplayable>, RuntimeError> {
        if let Err(why) = replay::check_version(rec.replay_version) {
            return Ok(Err(why));
        }
        let store = self.store.clone();
        let arn = rec.arn.clone();
        let (journal, stored) = blocking(move || {
            let journal = store.journal(&arn)?;
            let stored = store.history(&arn, &HistoryQuery::default())?;
            Ok((journal, stored))
        })
        .await?;
        let def = self.definition(&rec.definition)?;
        let target = Target {
            state_machine_arn: rec.state_machine_arn.clone(),
            kind: rec.kind,
            definition: rec.definition.clone(),
            role_arn: rec.role_arn.clone(),
            version_arn: rec.version_arn.clone(),
            alias_arn: rec.alias_arn.clone(),
        };
        let tasks = TaskAnswers::new(self.test_case(&target, rec.test_case.as_deref()).ok().flatten());
        let mut rebuilt = replay::replay(def, exec_config(rec), rec, &journal, tasks)?;
        if let Err(d) = replay::check(&stored, &rebuilt.events) {
            tracing::error!(
                arn = %rec.arn,
                event_id = d.event_id(),
                "the replay of the journal diverged from the stored history: {d}"
            );
            return Ok(Err(Unreplayable::Diverged(d)));
        }
        // Those events are stored already.
        rebuilt.events.clear();
        Ok(Ok(rebuilt))
    }

    /// Ends an execution that cannot be replayed: FAILED with `States.Runtime` and the
    /// reason as its cause, in an `ExecutionFailed` event after its last stored one.
    pub(crate) async fn fail_unreplayable(&self, arn: &str, why: &Unreplayable) -> Result<(), RuntimeError> {
        tracing::error!(arn = %arn, "cannot resume the execution, failing it: {why}");
        self.forget(arn);
        let store = self.store.clone();
        let owned = arn.to_string();
        let last = blocking(move || {
            store.history(
                &owned,
                &HistoryQuery {
                    reverse: true,
                    after: 0,
                    limit: 1,
                },
            )
        })
        .await?
        .first()
        .map(|e| e.id)
        .unwrap_or(0);
        let now = self.now_ms();
        let cause = why.to_string();
        let event = HistoryEvent {
            id: last + 1,
            previous_event_id: last,
            timestamp_ms: now,
            kind: EventKind::ExecutionFailed {
                error: Some(replay::REPLAY_ERROR.into()),
                cause: Some(cause.clone()),
            },
        };
        let batch = store::AppendBatch {
            redrive: false,
            execution_arn: arn.to_string(),
            events: vec![to_stored(&event)],
            journal: Vec::new(),
            end: Some(store::ExecutionEnd {
                status: ExecutionStatus::Failed,
                output: None,
                error: Some(replay::REPLAY_ERROR.into()),
                cause: Some(cause),
                stop_ms: now,
            }),
        };
        let store = self.store.clone();
        blocking(move || store.append(&batch)).await
    }

    /// RedriveExecution: a FAILED, TIMED_OUT or ABORTED Standard execution continues from the
    /// state it stopped in. Returns once the redrive is durable.
    pub async fn redrive_execution(self: &Arc<Self>, arn: &str) -> Result<ExecutionRecord, RuntimeError> {
        if self.running.lock().map(|m| m.contains_key(arn)).unwrap_or(false) {
            return Err(RuntimeError::NotRedrivable(format!(
                "Execution is RUNNING and cannot be redriven: {arn}"
            )));
        }
        let store = self.store.clone();
        let owned = arn.to_string();
        let rec = blocking(move || store.get_execution(&owned))
            .await?
            .ok_or_else(|| RuntimeError::ExecutionDoesNotExist(arn.to_string()))?;
        let redrivable = matches!(
            rec.status,
            ExecutionStatus::Failed | ExecutionStatus::TimedOut | ExecutionStatus::Aborted
        );
        if rec.kind != WorkflowType::Standard || !redrivable {
            return Err(RuntimeError::NotRedrivable(format!(
                "Execution is {} and cannot be redriven: {arn}",
                rec.status.as_str()
            )));
        }
        let Rebuilt {
            mut exec,
            mut outstanding,
            tasks,
            seq,
            ..
        } = match self.rebuild(&rec).await? {
            Ok(rebuilt) => rebuilt,
            Err(why) => {
                return Err(RuntimeError::NotRedrivable(format!(
                    "Execution cannot be redriven: {arn}: {why}"
                )));
            }
        };
        if !exec.can_redrive() {
            return Err(RuntimeError::NotRedrivable(format!(
                "Execution cannot be redriven: {arn}"
            )));
        }
        let now = self.now_ms();
        let progress = exec.handle(Input::Redrive, now);
        outstanding.clear();
        track(&mut outstanding, drain(&mut exec));
        let events = exec.take_history().iter().map(to_stored).collect();
        let batch = store::AppendBatch {
            redrive: true,
            execution_arn: rec.arn.clone(),
            events,
            journal: vec![replay::journal_entry(&mut exec, seq + 1, now, &Input::Redrive)],
            end: exec.outcome().map(|o| end_of(o, now)),
        };
        let store = self.store.clone();
        blocking(move || store.append(&batch)).await?;
        if exec.outcome().is_none() {
            let commands: Vec<Command> = outstanding.into_values().collect();
            self.spawn(
                exec,
                rec.arn.clone(),
                true,
                seq + 1,
                tasks,
                (commands, progress, false),
                None,
            );
        }
        let store = self.store.clone();
        let owned = arn.to_string();
        blocking(move || store.get_execution(&owned))
            .await?
            .ok_or_else(|| RuntimeError::ExecutionDoesNotExist(arn.to_string()))
    }

    /// StopExecution: the execution ends ABORTED; returns once that is durable.
    pub async fn stop_execution(
        &self,
        arn: &str,
        error: Option<String>,
        cause: Option<String>,
    ) -> Result<ExecutionRecord, RuntimeError> {
        let tx = self.running.lock().ok().and_then(|m| m.get(arn).cloned());
        if let Some(tx) = tx {
            let (reply, wait) = oneshot::channel();
            if tx
                .send(Msg {
                    input: Input::Stop { error, cause },
                    reply: Some(reply),
                })
                .is_ok()
            {
                let _ = wait.await;
            }
        }
        let store = self.store.clone();
        let arn_owned = arn.to_string();
        blocking(move || store.get_execution(&arn_owned))
            .await?
            .ok_or_else(|| RuntimeError::ExecutionDoesNotExist(arn.to_string()))
    }
}

fn apply_end(rec: &mut ExecutionRecord, o: &Outcome, now_ms: i64) {
    let end = end_of(o, now_ms);
    rec.status = end.status;
    rec.output = end.output;
    rec.error = end.error;
    rec.cause = end.cause;
    rec.stop_ms = Some(end.stop_ms);
}

/// The engine configuration of an execution; identical on every replay.
pub(crate) fn exec_config(rec: &ExecutionRecord) -> ExecutionConfig {
    let sm_arn = rec
        .version_arn
        .as_deref()
        .or(rec.alias_arn.as_deref())
        .unwrap_or(&rec.state_machine_arn);
    let standard = rec.kind == WorkflowType::Standard;
    let machine = Machine::of(&rec.state_machine_arn);
    ExecutionConfig {
        execution_name: rec.name.clone(),
        execution_arn: rec.arn.clone(),
        state_machine_name: machine.name,
        state_machine_arn: sm_arn.to_string(),
        role_arn: rec.role_arn.clone(),
        region: machine.region.unwrap_or_else(|| "us-east-1".to_owned()),
        account: machine.account.unwrap_or_default(),
        start_time_ms: rec.start_ms,
        record_history: standard,
        max_history_events: standard.then_some(STANDARD_MAX_EVENTS),
        seed: rec.seed,
        max_duration_seconds: (!standard).then_some(EXPRESS_MAX_SECONDS),
    }
}

/// What the runtime takes from a target's (unqualified) state machine ARN: the name its
/// executions' ARNs and context carry, and the region and account they are in.
struct Machine {
    name: String,
    /// `None` when the ARN does not parse: the caller picks the default.
    region: Option<String>,
    account: Option<String>,
}

impl Machine {
    /// The service hands over ARNs it has parsed already; a text that is no state machine
    /// ARN (a test's made-up one) is taken whole as the name.
    fn of(state_machine_arn: &str) -> Machine {
        match StateMachineArn::parse(state_machine_arn, false) {
            Ok(sm) => Machine {
                name: sm.name,
                region: Some(sm.region),
                account: Some(sm.account),
            },
            Err(_) => Machine {
                name: state_machine_arn.to_owned(),
                region: None,
                account: None,
            },
        }
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, store::StoreError> + Send + 'static,
) -> Result<T, RuntimeError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| RuntimeError::Store(store::StoreError::internal("a store call failed", Some(Box::new(e)))))?
        .map_err(RuntimeError::Store)
}
