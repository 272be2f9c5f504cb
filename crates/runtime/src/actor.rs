//! The actor that drives one execution: feed an input, commit, then act.

use std::collections::HashMap;
use std::sync::Arc;

use engine::{Command, CommandId, Execution, HistoryEvent, Input, Outcome};
use serde_json::Value;
use store::{AppendBatch, ExecutionEnd, ExecutionStatus, StoredEvent};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::replay::journal_entry;
use crate::runtime::Runtime;
use crate::tasks::TaskAnswers;

/// A message to an execution's actor: an engine input, and who to tell once it is durable.
pub(crate) struct Msg {
    pub input: Input,
    pub reply: Option<oneshot::Sender<()>>,
}

pub(crate) struct Actor {
    pub rt: Arc<Runtime>,
    pub exec: Execution,
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
}

impl Actor {
    pub(crate) async fn run(mut self, initial: Vec<Command>) {
        self.execute(initial);
        while let Some(msg) = self.rx.recv().await {
            let now = self.rt.now_ms();
            self.exec.handle(msg.input.clone(), now);
            if let Err(e) = self.persist(Some((now, msg.input))).await {
                // The execution stays open in the store and resumes at the next start.
                tracing::error!(arn = %self.arn, retryable = e.is_retryable(), "cannot record a step, the execution resumes at the next start: {e}");
                self.stop_timers();
                self.rt.forget(&self.arn);
                return;
            }
            if let Some(reply) = msg.reply {
                let _ = reply.send(());
            }
            if self.exec.outcome().is_some() {
                break;
            }
            let commands = drain(&mut self.exec);
            self.execute(commands);
        }
        self.finish();
    }

    fn finish(&mut self) {
        self.stop_timers();
        self.rt.forget(&self.arn);
        if let (Some(done), Some(outcome)) = (self.done.take(), self.exec.outcome()) {
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
            self.exec.take_time_limit_hits();
            return Ok(());
        }
        let events = self.exec.take_history().iter().map(to_stored).collect();
        let mut journal = Vec::new();
        if let Some((now_ms, input)) = input {
            self.seq += 1;
            journal.push(journal_entry(&mut self.exec, self.seq, now_ms, &input));
        }
        let batch = AppendBatch {
            redrive: false,
            execution_arn: self.arn.clone(),
            events,
            journal,
            end: self.exec.outcome().map(|o| end_of(o, self.rt.now_ms())),
        };
        let store = self.rt.store().clone();
        tokio::task::spawn_blocking(move || store.append(&batch))
            .await
            .map_err(|e| store::StoreError::internal("a store call failed", Some(Box::new(e))))?
    }

    /// Starts what the engine asked for. Only called once the step that asked is durable.
    fn execute(&mut self, commands: Vec<Command>) {
        for cmd in commands {
            match cmd {
                Command::InvokeTask(req) => {
                    let input = match self.tasks.answer(&req) {
                        Ok(output) => Input::TaskSucceeded { id: req.id, output },
                        Err((error, cause)) => Input::TaskFailed {
                            id: req.id,
                            error,
                            cause,
                        },
                    };
                    let _ = self.tx.send(Msg { input, reply: None });
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
