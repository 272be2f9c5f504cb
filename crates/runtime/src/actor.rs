//! The actor that drives one execution: feed an input, commit, then act.

use std::collections::HashMap;
use std::sync::Arc;

use engine::{Command, CommandId, Execution, HistoryEvent, Input, Outcome, Progress};
use serde_json::Value;
use store::{AppendBatch, ExecutionEnd, ExecutionStatus, StoredEvent};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::guard;
use crate::replay::journal_entry;
use crate::runtime::Runtime;
use crate::tasks::{Answer, TaskAnswers, TaskContext, input_of, timed_out};

/// A message to an execution's actor: an engine input, and who to tell once it is durable.
pub(crate) struct Msg {
    pub input: Input,
    pub reply: Option<oneshot::Sender<()>>,
}

/// The cause of the stop of an Express execution whose StartSyncExecution client left.
pub(crate) const CLIENT_GONE: &str = "The client of StartSyncExecution disconnected before the execution ended";

/// How many slices an Express execution runs per turn on the compute pool at most.
const SLICES_PER_TURN: usize = 8;

pub(crate) struct Actor {
    pub rt: Arc<Runtime>,
    /// Taken out while a slice runs on the compute pool.
    pub exec: Option<Execution>,
    pub arn: String,
    /// Standard workflows commit every step; Express ones keep nothing.
    pub durable: bool,
    pub seq: u64,
    pub tx: mpsc::UnboundedSender<Msg>,
    pub rx: mpsc::UnboundedReceiver<Msg>,
    pub tasks: TaskAnswers,
    pub timers: HashMap<CommandId, JoinHandle<()>>,
    /// Told the outcome when the execution ends (StartSyncExecution waits on it).
    pub done: Option<oneshot::Sender<Outcome>>,
    /// The store holds this process's resume-guard mark (`Store::mark_unsettled`).
    pub marked: bool,
    /// Resumed after a restart and not yet marked: its next slice is marked first, and
    /// checked against the guard (`guard.rs`).
    pub suspect: bool,
}

impl Actor {
    fn exec(&mut self) -> &mut Execution {
        self.exec.as_mut().expect("the execution is back from its slice")
    }

    /// Drives the execution from the state `initial` and `progress` (what its last step
    /// asked for, and whether that step spent its budget) to its end.
    ///
    /// While the engine has work left after a slice, the actor looks at its mailbox (a
    /// stop, a time-out firing, a task answer) before it runs the next one, and a Standard
    /// execution commits each slice's events as it goes, so a long computation is visible,
    /// stoppable and recoverable while it runs.
    pub(crate) async fn run(mut self, initial: Vec<Command>, mut progress: Progress) {
        self.execute(initial);
        loop {
            let Some(msg) = self.next(progress).await else { break };
            // The rare and the large futures are boxed: this one is held by every parked
            // execution for as long as it waits, and stays small so.
            if Box::pin(self.guard_before(progress)).await.is_err() {
                // Failed by the resume guard; a stop waiting for it reads that.
                return self.abandon();
            }
            let now = self.rt.now_ms();
            if let Input::TaskSucceeded { id, .. } | Input::TaskFailed { id, .. } | Input::TimerFired { id } =
                &msg.input
            {
                // Its timer or work has ended.
                self.timers.remove(id);
            }
            let rt = self.rt.clone();
            let here = match msg.input {
                Input::Continue => None,
                _ => rt.compute().try_inline(),
            };
            progress = if here.is_some() {
                self.exec().handle(msg.input.clone(), now)
            } else {
                match Box::pin(self.slice_on_pool(now, msg.input.clone())).await {
                    Some(p) => p,
                    None => return self.abandon(),
                }
            };
            drop(here);
            if let Err(e) = self.persist(Some((now, msg.input))).await {
                // The execution stays open in the store and resumes at the next start.
                tracing::error!(arn = %self.arn, retryable = e.is_retryable(), "cannot record a step, the execution resumes at the next start: {e}");
                return self.abandon();
            }
            if let Some(reply) = msg.reply {
                let _ = reply.send(());
            }
            if self.exec().outcome().is_some() {
                break;
            }
            let commands = drain(self.exec());
            self.execute(commands);
            Box::pin(self.guard_after(progress)).await;
        }
        self.finish();
    }

    /// What to feed next: after a slice that spent its budget, whatever arrived meanwhile,
    /// else [`Input::Continue`]; otherwise the next message, waiting for it. A sync
    /// client that went away stops the execution either way.
    async fn next(&mut self, progress: Progress) -> Option<Msg> {
        let gone = || Msg {
            input: Input::Stop {
                error: None,
                cause: Some(CLIENT_GONE.into()),
            },
            reply: None,
        };
        if progress == Progress::Yielded {
            if self.done.as_ref().is_some_and(|d| d.is_closed()) {
                return Some(gone());
            }
            return Some(self.rx.try_recv().unwrap_or(Msg {
                input: Input::Continue,
                reply: None,
            }));
        }
        match self.done.as_mut() {
            Some(done) => tokio::select! {
                msg = self.rx.recv() => msg,
                _ = done.closed() => Some(gone()),
            },
            None => self.rx.recv().await,
        }
    }

    /// Feeds `input` and runs the slice it starts on the compute pool; `None` if it
    /// panicked.
    ///
    /// An Express execution (nothing to commit between slices) runs up to
    /// [`SLICES_PER_TURN`] slices per turn while its mailbox stays empty and its client
    /// stays, so a long loop pays one thread hop per several slices; a Standard one comes
    /// back after each slice to commit it.
    async fn slice_on_pool(&mut self, now: i64, input: Input) -> Option<Progress> {
        let mut exec = self.exec.take()?;
        let turn = if self.durable { 1 } else { SLICES_PER_TURN };
        // The mailbox goes along to be looked at (not read) between slices.
        let rx = std::mem::replace(&mut self.rx, mpsc::unbounded_channel().1);
        let done = self.done.take();
        let rt = self.rt.clone();
        let clock = self.rt.clone();
        let ran = rt
            .compute()
            .run(move || {
                let mut p = exec.handle(input, now);
                for _ in 1..turn {
                    if p != Progress::Yielded || !rx.is_empty() || done.as_ref().is_some_and(|d| d.is_closed()) {
                        break;
                    }
                    p = exec.handle(Input::Continue, clock.now_ms());
                }
                (exec, p, rx, done)
            })
            .await;
        match ran {
            Ok((exec, p, rx, done)) => {
                self.exec = Some(exec);
                self.rx = rx;
                self.done = done;
                Some(p)
            }
            Err(e) => {
                tracing::error!(arn = %self.arn, "the execution's engine failed, it resumes at the next start: {e}");
                None
            }
        }
    }

    /// The resume guard (`guard.rs`), before a slice: a durable execution is marked
    /// unsettled when it goes on computing past a slice, or when it computes for the first
    /// time after a restart. The count the mark replaces is how many processes died while
    /// it was unsettled; at [`guard::MAX_DEATHS`] it is failed instead (`Err`).
    async fn guard_before(&mut self, progress: Progress) -> Result<(), ()> {
        if !self.durable || self.marked || !(self.suspect || progress == Progress::Yielded) {
            return Ok(());
        }
        self.suspect = false;
        let store = self.rt.store().clone();
        let arn = self.arn.clone();
        let deaths = match store_call(move || store.mark_unsettled(&arn)).await {
            Ok(n) => n,
            Err(e) => {
                tracing::error!(arn = %self.arn, "cannot record the resume guard's mark: {e}");
                return Ok(());
            }
        };
        self.marked = true;
        let Err(why) = guard::check(deaths) else { return Ok(()) };
        tracing::error!(
            arn = %self.arn,
            deaths,
            "the process died {deaths} times while this execution was computing: failing it instead of running it again"
        );
        self.stop_timers();
        if let Err(e) = self.rt.fail_unreplayable(&self.arn, &why).await {
            tracing::error!(arn = %self.arn, "cannot fail the execution: {e}");
        }
        Err(())
    }

    /// The resume guard after a slice: an execution that waits for the world again is
    /// settled (an ended one was, by the commit of its end).
    async fn guard_after(&mut self, progress: Progress) {
        if !self.marked || progress != Progress::Waiting {
            return;
        }
        let store = self.rt.store().clone();
        let arn = self.arn.clone();
        match store_call(move || store.settle(&arn)).await {
            Ok(()) => self.marked = false,
            Err(e) => tracing::error!(arn = %self.arn, "cannot clear the resume guard's mark: {e}"),
        }
    }

    /// Stops driving the execution without ending it: it stays open in the store.
    fn abandon(&mut self) {
        self.stop_timers();
        self.rt.forget(&self.arn);
    }

    fn finish(&mut self) {
        self.stop_timers();
        self.rt.forget(&self.arn);
        if let (Some(done), Some(outcome)) = (self.done.take(), self.exec.as_ref().and_then(|e| e.outcome())) {
            let _ = done.send(outcome.clone());
        }
    }

    fn stop_timers(&mut self) {
        for (_, h) in self.timers.drain() {
            h.abort();
        }
    }

    /// Commits the events of the step just taken, the input that caused it and, if the
    /// execution ended, its final state.
    async fn persist(&mut self, input: Option<(i64, Input)>) -> Result<(), store::StoreError> {
        if !self.durable {
            // Express executions are never replayed: their time-outs need no record.
            self.exec().take_time_limit_hits();
            return Ok(());
        }
        let events = self.exec().take_history().iter().map(to_stored).collect();
        let mut journal = Vec::new();
        if let Some((now_ms, input)) = input {
            self.seq += 1;
            let seq = self.seq;
            journal.push(journal_entry(self.exec(), seq, now_ms, &input));
        }
        let now = self.rt.now_ms();
        let batch = AppendBatch {
            redrive: false,
            execution_arn: self.arn.clone(),
            events,
            journal,
            end: self.exec().outcome().map(|o| end_of(o, now)),
        };
        let store = self.rt.store().clone();
        store_call(move || store.append(&batch)).await
    }

    /// Starts what the engine asked for. Only called once the step that asked is durable.
    fn execute(&mut self, commands: Vec<Command>) {
        for cmd in commands {
            match cmd {
                Command::InvokeTask(req) => {
                    let rt = self.rt.clone();
                    let arn = &self.arn;
                    let context = || task_context(&rt, arn);
                    match self.tasks.answer(&req, &rt.config().task_runners, context) {
                        Answer::Now(input) => {
                            let _ = self.tx.send(Msg { input, reply: None });
                        }
                        Answer::Later(work) => {
                            let tx = self.tx.clone();
                            let id = req.id;
                            let limit = req.timeout_seconds.map(std::time::Duration::from_secs);
                            // Held with the timers: a Cancel (the state was left: a stop, a
                            // time-out of the execution, a Parallel branch failing) drops it,
                            // which cancels the work.
                            let h = tokio::spawn(async move {
                                let outcome = match limit {
                                    Some(limit) => tokio::time::timeout(limit, work)
                                        .await
                                        .unwrap_or_else(|_| Err(timed_out())),
                                    None => work.await,
                                };
                                let _ = tx.send(Msg {
                                    input: input_of(id, outcome),
                                    reply: None,
                                });
                            });
                            self.timers.insert(id, h);
                        }
                    }
                }
                Command::StartTimer { id, fire_at_ms } => {
                    let tx = self.tx.clone();
                    let delay = (fire_at_ms - self.rt.now_ms()).max(0) as u64;
                    if delay == 0 {
                        let _ = tx.send(Msg {
                            input: Input::TimerFired { id },
                            reply: None,
                        });
                    } else {
                        let h = tokio::spawn(async move {
                            tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
                            let _ = tx.send(Msg {
                                input: Input::TimerFired { id },
                                reply: None,
                            });
                        });
                        self.timers.insert(id, h);
                    }
                }
                Command::Cancel { id } => {
                    if let Some(h) = self.timers.remove(&id) {
                        h.abort();
                    }
                }
            }
        }
    }
}

/// What a task runner is told of the execution `arn`.
fn task_context(rt: &Runtime, arn: &str) -> TaskContext {
    let cfg = rt.config();
    TaskContext {
        execution_arn: arn.to_owned(),
        region: cfg.region.clone(),
        account: cfg.account.clone(),
        trace_header: None,
    }
}

/// A store call on a blocking thread.
async fn store_call<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, store::StoreError> + Send + 'static,
) -> Result<T, store::StoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| store::StoreError::internal("a store call failed", Some(Box::new(e))))?
}

pub(crate) fn drain(exec: &mut Execution) -> Vec<Command> {
    std::iter::from_fn(|| exec.poll_command()).collect()
}

/// An engine event in the stored (API) shape: data fields as JSON text.
pub(crate) fn to_stored(e: &HistoryEvent) -> StoredEvent {
    let details = e.details(true).map(|d| (d.key.to_string(), Value::Object(d.fields)));
    StoredEvent {
        id: e.id,
        previous_event_id: e.previous_event_id,
        timestamp_ms: e.timestamp_ms,
        event_type: e.type_name(),
        details,
    }
}

pub(crate) fn end_of(o: &Outcome, now: i64) -> ExecutionEnd {
    match o {
        Outcome::Succeeded { output } => ExecutionEnd {
            status: ExecutionStatus::Succeeded,
            output: Some(output.to_string()),
            error: None,
            cause: None,
            stop_ms: now,
        },
        Outcome::Failed { error, cause } => ExecutionEnd {
            status: ExecutionStatus::Failed,
            output: None,
            error: error.clone(),
            cause: cause.clone(),
            stop_ms: now,
        },
        Outcome::TimedOut { error, cause } => ExecutionEnd {
            status: ExecutionStatus::TimedOut,
            output: None,
            error: error.clone(),
            cause: cause.clone(),
            stop_ms: now,
        },
        Outcome::Aborted { error, cause } => ExecutionEnd {
            status: ExecutionStatus::Aborted,
            output: None,
            error: error.clone(),
            cause: cause.clone(),
            stop_ms: now,
        },
    }
}
