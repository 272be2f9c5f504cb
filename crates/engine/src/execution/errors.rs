//! What happens when a state fails: run-time error causes, Retry (a back-off timer), Catch
//! (its Assign, ResultPath or Output), or the thread fails.

use asl::definition::*;
use asl::error::{StatesError, names};
use serde_json::{Map, Value};

use crate::command::Command;
use crate::execution::Execution;
use crate::execution::data_flow::apply_result_path;
use crate::execution::limits::{MAX_CAUSE_CHARS, after_fractional_seconds, clip_utf16};
use crate::execution::thread::{Flow, Phase, ThreadId};
use crate::history::EventKind;

impl Execution {
    /// The flow of a state step that may have raised a run-time error.
    pub(super) fn or_runtime_error(&mut self, tid: ThreadId, r: Result<Flow, StatesError>) -> Flow {
        match r {
            Ok(flow) => flow,
            Err(e) => self.runtime_error(tid, e),
        }
    }

    /// A run-time error raised while evaluating the state: AWS prefixes the cause with the
    /// state's name and entry event.
    pub(super) fn runtime_error(&mut self, tid: ThreadId, e: StatesError) -> Flow {
        Flow::Fail(self.prefix_runtime(tid, e))
    }

    pub(super) fn prefix_runtime(&mut self, tid: ThreadId, mut e: StatesError) -> StatesError {
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

    pub(super) fn data_limit_error(&mut self, tid: ThreadId) -> StatesError {
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

    /// Retry, Catch, or fail the thread.
    pub(super) fn handle_error(&mut self, tid: ThreadId, err: StatesError) -> bool {
        if self.outcome.is_some() {
            // The failure's event reached the history limit: nothing runs after it.
            return false;
        }
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
                let fire_at_ms = after_fractional_seconds(self.now_ms, delay);
                self.commands.push_back(Command::StartTimer { id, fire_at_ms });
                self.thread(tid).phase = Phase::RetryTimer;
                return false;
            }
        }
        if err.error == names::QUERY_EVALUATION_ERROR {
            let mut cause = err.cause.clone().unwrap_or_default();
            clip_utf16(&mut cause, MAX_CAUSE_CHARS);
            let kind = EventKind::EvaluationFailed {
                state: st.name.clone(),
                error: err.error.clone(),
                cause,
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
            let caught = if st.query_language == QueryLanguage::Jsonata {
                self.catch_jsonata(tid, c, error_output)
            } else {
                self.catch_jsonpath(tid, c, error_output)
            };
            return match caught {
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
        self.finish_thread(tid, Err(err));
        false
    }

    /// A JSONPath catcher's output: its `Assign` over the error output, then the error
    /// output placed into the state's input at its `ResultPath`.
    fn catch_jsonpath(&mut self, tid: ThreadId, c: &Catcher, error_output: Value) -> Result<Value, StatesError> {
        self.eval_assign(tid, &[&c.assign], &error_output)?;
        let raw = std::mem::take(&mut self.thread(tid).input);
        let output = apply_result_path(raw, &c.result_path, error_output)?;
        self.note(|i| i.after_result_path = Some(output.clone()));
        Ok(output)
    }
}
