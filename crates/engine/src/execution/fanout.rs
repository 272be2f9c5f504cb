//! Fan-out: the children of a Parallel state (one per branch) and of a Map state (one per
//! item, at most `MaxConcurrency` at a time), their results, failures and tolerance.

use std::collections::VecDeque;

use arn::Arn;
use asl::definition::*;
use asl::error::{StatesError, names};
use serde_json::{Value, json};

use crate::command::Command;
use crate::execution::Execution;
use crate::execution::limits::clip_failure;
use crate::execution::thread::{Flow, Phase, ThreadId};
use crate::history::EventKind;

/// What a fan-out's children are.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum FanoutKind {
    /// One child per branch of a Parallel state.
    Parallel,
    /// One child per item of a Map state.
    Map(MapMode),
}

/// How a Map state runs its iterations.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum MapMode {
    /// In this execution's history, with `MapIteration*` events.
    Inline,
    /// As child workflows of a Map Run, outside this history.
    Distributed,
}

impl MapMode {
    fn of(m: &MapState) -> Self {
        if m.distributed {
            MapMode::Distributed
        } else {
            MapMode::Inline
        }
    }
}

/// How many iterations of a Map state run at once, and how many may fail.
pub(super) struct MapLimits {
    /// `usize::MAX` when unlimited.
    pub(super) max_concurrency: usize,
    pub(super) tolerated_count: Option<u64>,
    pub(super) tolerated_percentage: Option<f64>,
}

pub(super) struct Fanout {
    pub(super) kind: FanoutKind,
    pub(super) pending: VecDeque<(usize, Value)>,
    pub(super) children: Vec<Option<ThreadId>>,
    pub(super) results: Vec<Value>,
    pub(super) running: usize,
    pub(super) finished: usize,
    pub(super) failures: usize,
    pub(super) max_concurrency: usize,
    pub(super) tolerated_count: Option<u64>,
    pub(super) tolerated_percentage: Option<f64>,
}

impl Execution {
    /// Starts one child thread per branch, each with `branch_input`.
    pub(super) fn start_parallel(&mut self, tid: ThreadId, p: &Parallel, branch_input: Value) -> Flow {
        if let Some(flow) = self.mocked_fanout(tid) {
            return flow;
        }
        self.emit(tid, EventKind::ParallelStateStarted);
        self.thread(tid).fanout_started = true;
        let n = p.branches.len();
        let fan = Fanout {
            kind: FanoutKind::Parallel,
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
        let vars_bytes = self.thread(tid).vars_bytes;
        for (i, b) in p.branches.iter().enumerate() {
            let start = self.def.block(*b).start_at;
            let child = self.spawn(*b, start, branch_input.clone(), Some((tid, i)), prev, vars.clone());
            self.thread(child).vars_bytes = vars_bytes;
            if let Phase::Fanout(f) = &mut self.thread(tid).phase {
                f.children[i] = Some(child);
                f.running += 1;
            }
            self.ready.push_back(child);
        }
        Flow::Park
    }

    /// Starts the iterations of a Map state over the prepared item inputs.
    pub(super) fn start_map(
        &mut self,
        tid: ThreadId,
        m: &MapState,
        inputs: VecDeque<(usize, Value)>,
        limits: MapLimits,
    ) -> Flow {
        let MapLimits {
            max_concurrency,
            tolerated_count,
            tolerated_percentage,
        } = limits;
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
            let id = self.pseudo_uuid();
            let arn = Arn {
                partition: "aws".to_owned(),
                region: self.cfg.region.clone(),
                account: self.cfg.account.clone(),
                resource: arn::Resource::MapRun {
                    state_machine: self.cfg.state_machine_name.clone(),
                    label: m.label.clone().unwrap_or_else(|| "map".into()),
                    id,
                },
            };
            self.emit(
                tid,
                EventKind::MapRunStarted {
                    map_run_arn: arn.to_string(),
                },
            );
        }
        let fan = Fanout {
            kind: FanoutKind::Map(MapMode::of(m)),
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

    pub(super) fn launch_children(&mut self, tid: ThreadId, prev: u64) {
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
        let vars_bytes = self.thread(tid).vars_bytes;
        // An iteration's events may reach the history limit and end the execution: start no more.
        while self.outcome.is_none() {
            let next = match &mut self.thread(tid).phase {
                Phase::Fanout(f) if f.running < f.max_concurrency => f.pending.pop_front(),
                _ => None,
            };
            let Some((index, input)) = next else { break };
            let quiet = self.thread(tid).silent
                || matches!(&self.thread(tid).phase, Phase::Fanout(f) if f.kind == FanoutKind::Map(MapMode::Distributed));
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
            self.thread(child).vars_bytes = vars_bytes;
            if let Phase::Fanout(f) = &mut self.thread(tid).phase {
                f.children[index] = Some(child);
                f.running += 1;
            }
            self.ready.push_back(child);
        }
    }

    /// A child thread (branch or iteration) ended.
    pub(super) fn child_done(
        &mut self,
        child: ThreadId,
        parent: ThreadId,
        index: usize,
        result: Result<Value, StatesError>,
    ) {
        let child_last = self.thread(child).last_event;
        self.release(child);
        let def = self.def.clone();
        let (block, state) = {
            let t = self.thread(parent);
            (t.block, t.state)
        };
        let name = def.state(block, state).name.clone();
        let parent_silent = self.thread(parent).silent;
        let kind = match &mut self.thread(parent).phase {
            Phase::Fanout(f) => {
                f.children[index] = None;
                f.running -= 1;
                f.finished += 1;
                f.kind
            }
            _ => return,
        };
        // Inline Map iterations record their own events; branches and child workflows do not.
        let iteration_events = kind == FanoutKind::Map(MapMode::Inline) && !parent_silent;
        match result {
            Ok(v) => {
                let id = if iteration_events {
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
                if iteration_events {
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
                if kind == FanoutKind::Map(MapMode::Distributed) {
                    let (mut error, mut cause) = (Some(err.error.clone()), err.cause.clone());
                    clip_failure(&mut error, &mut cause);
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
    pub(super) fn fanout_done(&mut self, tid: ThreadId) -> Flow {
        let Phase::Fanout(f) = std::mem::replace(&mut self.thread(tid).phase, Phase::Run) else {
            return Flow::Park;
        };
        let results = Value::Array(f.results);
        self.thread(tid).fanout_started = false;
        match f.kind {
            FanoutKind::Map(mode) => {
                if mode == MapMode::Distributed {
                    self.emit(tid, EventKind::MapRunSucceeded);
                }
                self.emit_aside(tid, EventKind::MapStateSucceeded);
            }
            FanoutKind::Parallel => {
                self.emit_aside(tid, EventKind::ParallelStateSucceeded);
            }
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

    pub(super) fn abort_children(&mut self, tid: ThreadId) {
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
}
