//! Hooks behind TestState: run one state of a definition with the interpreter's own data
//! flow, record what each step made of the data, and stop when the state is left.
//!
//! An [`Execution`] carries a [`Probe`] only when it tests a state; every hook is a no-op
//! otherwise. The driver is [`crate::test_state`].

use std::sync::Arc;

use asl::definition::*;
use asl::error::StatesError;
use serde_json::{Map, Value};

use super::Execution;
use super::thread::{Flow, ThreadId};

/// What the tested state did to its data: TestState's `inspectionData`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inspection {
    /// The raw state input.
    pub input: Option<Value>,
    pub after_input_path: Option<Value>,
    pub after_parameters: Option<Value>,
    /// JSONata states: the `Arguments` of a Task or Parallel state.
    pub after_arguments: Option<Value>,
    /// The raw result (a Task's answer, a Pass state's `Result`/`Parameters`, a Map's or
    /// Parallel's array).
    pub result: Option<Value>,
    pub after_result_selector: Option<Value>,
    pub after_result_path: Option<Value>,
    /// The workflow variables after the state (assignments applied).
    pub variables: Option<Map<String, Value>>,
    pub after_items_path: Option<Value>,
    /// The input of every Map iteration.
    pub after_item_selector: Option<Value>,
    pub max_concurrency: Option<u64>,
    pub tolerated_failure_count: Option<u64>,
    pub tolerated_failure_percentage: Option<f64>,
    /// The Catch that handled the error.
    pub catch_index: Option<usize>,
    /// The Retry that handled the error, and the back-off it asks for.
    pub retry_index: Option<usize>,
    pub retry_backoff_seconds: Option<f64>,
}

/// The test-mode state of an execution.
#[derive(Debug, Default)]
pub(crate) struct Probe {
    pub(crate) inspection: Inspection,
    /// Replaces the context object `$$` (`$states.context`).
    pub(crate) context: Option<Value>,
    /// Attempts already made by the Retry that matches the error.
    pub(crate) retry_count: Option<u64>,
    /// The mocked outcome of a Map or Parallel state, which then starts no children.
    pub(crate) fanout_mock: Option<Result<Value, StatesError>>,
    /// The state the tested state transitions to.
    pub(crate) next_state: Option<String>,
    /// The error a Retry or Catch handled.
    pub(crate) handled: Option<StatesError>,
    /// A Retry matched: the state would run again after the back-off.
    pub(crate) retrying: bool,
}

impl Execution {
    /// Starts a test of the state `(block, state)` with `vars` in scope; the state runs as far
    /// as it goes without the world (a Task asks for its mocked answer, a Wait for its timer).
    pub(crate) fn start_probe(
        &mut self,
        now_ms: i64,
        block: BlockId,
        state: StateId,
        vars: Map<String, Value>,
        mut probe: Probe,
    ) {
        self.now_ms = now_ms;
        if self.cfg.start_time_ms == 0 {
            self.cfg.start_time_ms = now_ms;
        }
        probe.inspection.input = Some(self.input.clone());
        self.probe = Some(Box::new(probe));
        let input = self.input.clone();
        let vars_bytes = super::payload::json_size(&Value::Object(vars.clone()));
        let tid = self.spawn(block, state, input, None, 0, Arc::new(vars));
        self.thread(tid).vars_bytes = vars_bytes;
        self.ready.push_back(tid);
        let _ = self.run();
    }

    pub(crate) fn probe(&self) -> Option<&Probe> {
        self.probe.as_deref()
    }

    /// The probe, with the variables of the tested thread as they are now.
    pub(crate) fn take_probe(&mut self) -> Option<Probe> {
        let mut probe = self.probe.take()?;
        let vars = self.threads.first().and_then(Option::as_ref).map(|t| (*t.vars).clone());
        probe.inspection.variables = vars;
        Some(*probe)
    }

    /// Records into the inspection when testing a state.
    pub(super) fn note(&mut self, f: impl FnOnce(&mut Inspection)) {
        if let Some(p) = self.probe.as_deref_mut() {
            f(&mut p.inspection);
        }
    }

    /// A Retry matched `err` and asks for `delay` seconds of back-off.
    pub(super) fn note_retry(&mut self, index: usize, delay: f64, err: &StatesError) {
        if let Some(p) = self.probe.as_deref_mut() {
            p.inspection.retry_index = Some(index);
            p.inspection.retry_backoff_seconds = Some(delay);
            p.handled = Some(err.clone());
            p.retrying = true;
        }
    }

    /// A Catch matched `err`.
    pub(super) fn note_catch(&mut self, index: usize, err: &StatesError) {
        if let Some(p) = self.probe.as_deref_mut() {
            p.inspection.catch_index = Some(index);
            p.handled = Some(err.clone());
        }
    }

    /// The retry count the test asks to start from, once.
    pub(super) fn probe_retry_count(&mut self) -> Option<u64> {
        self.probe.as_deref_mut().and_then(|p| p.retry_count.take())
    }

    /// The tested state leaves for `next`: the test ends here with `output`.
    pub(super) fn probe_next(&mut self, tid: ThreadId, next: StateId, output: Value) {
        let block = self.thread(tid).block;
        let name = self.def.state(block, next).name.clone();
        if let Some(p) = self.probe.as_deref_mut() {
            p.next_state = Some(name);
        }
        self.finish_thread(tid, Ok(output));
    }

    /// A Map or Parallel state under test with a mocked outcome: the children are not run,
    /// the mocked result goes through ResultSelector/ResultPath/OutputPath (or Output).
    pub(super) fn mocked_fanout(&mut self, tid: ThreadId) -> Option<Flow> {
        let mock = self.probe.as_deref_mut()?.fanout_mock.take()?;
        let result = match mock {
            Ok(v) => v,
            Err(e) => return Some(Flow::Fail(e)),
        };
        let def = self.def.clone();
        let t = self.thread(tid);
        let st = def.state(t.block, t.state);
        let (selector, result_path, next) = match &st.kind {
            StateKind::Map(m) => (&m.result_selector, &m.result_path, m.next),
            StateKind::Parallel(p) => (&p.result_selector, &p.result_path, p.next),
            _ => return None,
        };
        Some(if st.query_language == QueryLanguage::Jsonata {
            self.finish_jsonata(tid, st, Some(result), next)
        } else {
            self.finish_selected(tid, st, selector, result_path, result, next)
        })
    }
}
