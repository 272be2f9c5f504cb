//! Event emission: every observable step is a history event with AWS's id and
//! `previousEventId`; ids advance even when the history is not kept, so cause texts that
//! name an event id read the same either way.

use std::sync::Arc;

use asl::error::names;
use serde_json::Value;

use crate::execution::thread::{Phase, ThreadId};
use crate::execution::{Execution, Outcome};
use crate::history::{EventKind, HistoryEvent};

impl Execution {
    /// Records an event whose previous event is `prev`; returns its id. Every event source
    /// goes through here, so the history limit holds for all of them (Map iterations and
    /// Parallel branches included): nothing is recorded once the execution has ended, and the
    /// event that reaches the limit is followed only by `ExecutionFailed`.
    pub(super) fn emit_raw(&mut self, prev: u64, kind: EventKind) -> u64 {
        if self.outcome.is_some() {
            return self.event_count;
        }
        let id = self.push_event(prev, kind);
        self.check_history_limit(id);
        id
    }

    /// Appends an event without the checks of [`Self::emit_raw`]: for the terminal event.
    pub(super) fn push_event(&mut self, prev: u64, kind: EventKind) -> u64 {
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
    pub(super) fn emit(&mut self, tid: ThreadId, kind: EventKind) -> u64 {
        if self.thread(tid).silent {
            return self.thread(tid).last_event;
        }
        let prev = self.thread(tid).last_event;
        let id = self.emit_raw(prev, kind);
        self.thread(tid).last_event = id;
        id
    }

    /// Records an event after the thread's last one without moving the thread on.
    pub(super) fn emit_aside(&mut self, tid: ThreadId, kind: EventKind) -> u64 {
        if self.thread(tid).silent {
            return self.thread(tid).last_event;
        }
        let prev = self.thread(tid).last_event;
        self.emit_raw(prev, kind)
    }

    /// Fails the execution when one more event would pass the limit, so that
    /// `ExecutionFailed` is the last event the history can hold. `last` is the event just
    /// recorded; the failure follows it.
    fn check_history_limit(&mut self, last: u64) {
        if let Some(max) = self.cfg.max_history_events
            && self.event_count + 1 >= max
            && self.outcome.is_none()
        {
            self.end_execution(
                last,
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
    pub(super) fn enter(&mut self, tid: ThreadId) {
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
    pub(super) fn exit_event(&mut self, tid: ThreadId, output: &Value) {
        let assigned = self.thread(tid).assigned.take().map(|a| {
            let t = self.thread(tid);
            t.vars_bytes = a.vars_bytes;
            let map = Arc::make_mut(&mut t.vars);
            for (k, v) in &a.vars {
                map.insert(k.clone(), v.clone());
            }
            a.vars
        });
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
}
