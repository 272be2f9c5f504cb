//! Rebuilding an execution from its journal, checked.
//!
//! The engine is deterministic given the journal (each entry carries the time it was fed
//! at), so replaying the journal must produce, event for event, the history that is stored.
//! Recovery used to throw the regenerated events away; now they are compared with the
//! stored ones, and an execution whose replay differs — or whose journal was written by an
//! engine whose rules this build does not replay — is not resumed on rules it was not
//! written under.
//!
//! **What happens then** (AWS has no event for it): the execution is failed durably with
//! the error `States.Runtime` and a cause that names the first differing event and what
//! differed (or the two replay versions), so a client sees why in `DescribeExecution` and in
//! its history; the runtime logs the same at error level and goes on with the other
//! executions. Leaving it RUNNING but unresumed would show a client an execution that
//! never moves, and silently resuming it would continue on a state the first run never had.

use std::collections::BTreeMap;
use std::sync::Arc;

use asl::StateMachine;
use engine::{Command, CommandId, Execution, ExecutionConfig, Input, Progress};
use serde_json::Value;
use store::{ExecutionRecord, JournalEntry, StoreError, StoredEvent};
use thiserror::Error;

use crate::actor::{drain, to_stored};
use crate::tasks::TaskAnswers;

/// The rules this build replays journals by (the engine's); recorded with every execution
/// it starts.
pub(crate) const ENGINE_REPLAY_VERSION: u32 = engine::REPLAY_VERSION;

/// Replay versions whose journals this build replays identically. When the engine's
/// version goes up without changing what an old journal replays to, the old version goes
/// here. Version 1 journals record no JSONata time-outs ([`TIME_LIMITS_JOURNALED`]) and
/// replay with the limit in force, as they were run. Version 2 journals differ from 3 only
/// where an execution met one of AWS's limits that 3 applies (the checked replay reports it).
/// Version 3 journals are version 4 ones without cuts.
pub(crate) const COMPATIBLE_REPLAY_VERSIONS: &[u32] = &[ENGINE_REPLAY_VERSION, 3, 2, 1];

/// The first replay version whose executions run in slices of [`engine::STEP_BUDGET`]
/// transitions, with [`Input::Continue`] journaled between slices.
pub(crate) const SLICED: u32 = 3;

/// The step budget an execution journaled under `replay_version` runs (and replays) with:
/// older executions ran unsliced and go on so, since their journals replay without one.
pub(crate) fn step_budget(replay_version: u32) -> Option<u64> {
    (replay_version >= SLICED).then_some(engine::STEP_BUDGET)
}

/// The first replay version whose journals record the JSONata evaluations that ran out of
/// wall-clock time (see the engine's `time_limit.rs`): its replays reuse those outcomes and
/// run every other evaluation without the limit.
pub(crate) const TIME_LIMITS_JOURNALED: u32 = 2;

/// The sequence number of the journal entry of the `start` step, which feeds no input:
/// written only when the start has time-limit hits to record (later steps record theirs
/// with their input, from 1 on), and skipped when the journal is fed.
pub(crate) const START_SEQ: u64 = 0;

/// What the start entry holds in place of an input.
const START_INPUT: &str = "Start";

/// The error of an execution failed because it cannot be replayed.
pub(crate) const REPLAY_ERROR: &str = "States.Runtime";

/// Why an execution is not resumed (or redriven).
#[derive(Debug, Clone, PartialEq, Error)]
pub(crate) enum Unreplayable {
    #[error("The execution was journaled by engine replay version {journaled}; this build replays version {running}")]
    Version { journaled: u32, running: u32 },
    #[error("Replaying the execution's journal diverged from its stored history: {0}")]
    Diverged(Divergence),
    /// The resume guard (`guard.rs`).
    #[error(
        "The execution was not resumed: the process died {deaths} times while it was computing, \
         so it is failed instead of being run again"
    )]
    Crashed { deaths: u32 },
}

/// The first difference between the stored history and the replayed one.
#[derive(Debug, Clone, PartialEq, Error)]
pub(crate) enum Divergence {
    #[error("event #{id} ({event_type}) differs in {field}: stored {stored}, replayed {replayed}")]
    Differs {
        id: u64,
        event_type: String,
        field: String,
        stored: String,
        replayed: String,
    },
    #[error("event #{id} ({event_type}) is stored but the replay did not produce it")]
    Missing { id: u64, event_type: String },
    #[error("the replay produced event #{id} ({event_type}), which is not stored")]
    Extra { id: u64, event_type: String },
}

impl Divergence {
    /// The id of the first event that differs.
    pub(crate) fn event_id(&self) -> u64 {
        match self {
            Divergence::Differs { id, .. } | Divergence::Missing { id, .. } | Divergence::Extra { id, .. } => *id,
        }
    }
}

/// Refuses a journal written under rules this build does not replay.
pub(crate) fn check_version(journaled: u32) -> Result<(), Unreplayable> {
    if COMPATIBLE_REPLAY_VERSIONS.contains(&journaled) {
        Ok(())
    } else {
        Err(Unreplayable::Version {
            journaled,
            running: ENGINE_REPLAY_VERSION,
        })
    }
}

/// Compares the stored history with the replayed one, event by event, in their stored
/// form. Nothing may legitimately differ: timestamps come from the journal, ids from the
/// engine, and the one field the runtime rewrites (the execution's input, kept as the
/// client's text) is rewritten the same way in both (see [`client_input`]).
pub(crate) fn check(stored: &[StoredEvent], replayed: &[StoredEvent]) -> Result<(), Divergence> {
    for (s, r) in stored.iter().zip(replayed) {
        if let Some((field, a, b)) = first_difference(s, r) {
            return Err(Divergence::Differs {
                id: s.id,
                event_type: s.event_type.clone(),
                field,
                stored: shorten(a),
                replayed: shorten(b),
            });
        }
    }
    if let Some(s) = stored.get(replayed.len()) {
        return Err(Divergence::Missing {
            id: s.id,
            event_type: s.event_type.clone(),
        });
    }
    if let Some(r) = replayed.get(stored.len()) {
        return Err(Divergence::Extra {
            id: r.id,
            event_type: r.event_type.clone(),
        });
    }
    Ok(())
}

/// The first field in which two events differ, with both values as text.
fn first_difference(s: &StoredEvent, r: &StoredEvent) -> Option<(String, String, String)> {
    let pair = |field: &str, a: String, b: String| Some((field.to_string(), a, b));
    if s.id != r.id {
        return pair("id", s.id.to_string(), r.id.to_string());
    }
    if s.event_type != r.event_type {
        return pair("type", s.event_type.clone(), r.event_type.clone());
    }
    if s.previous_event_id != r.previous_event_id {
        return pair(
            "previousEventId",
            s.previous_event_id.to_string(),
            r.previous_event_id.to_string(),
        );
    }
    if s.timestamp_ms != r.timestamp_ms {
        return pair("timestamp", s.timestamp_ms.to_string(), r.timestamp_ms.to_string());
    }
    match (&s.details, &r.details) {
        (None, None) => None,
        (Some((sn, sv)), Some((rn, rv))) if sn == rn => {
            if sv == rv {
                return None;
            }
            // Name the member of the details that differs when both are objects.
            if let (Some(so), Some(ro)) = (sv.as_object(), rv.as_object()) {
                let keys = so.keys().chain(ro.keys().filter(|k| !so.contains_key(*k)));
                for k in keys {
                    let (a, b) = (so.get(k), ro.get(k));
                    if a != b {
                        return pair(&format!("{sn}.{k}"), text(a), text(b));
                    }
                }
            }
            pair(sn, sv.to_string(), rv.to_string())
        }
        (a, b) => pair(
            "details",
            text(a.as_ref().map(|(n, _)| n).map(|n| Value::String(n.clone())).as_ref()),
            text(b.as_ref().map(|(n, _)| n).map(|n| Value::String(n.clone())).as_ref()),
        ),
    }
}

fn text(v: Option<&Value>) -> String {
    v.map(Value::to_string).unwrap_or_else(|| "nothing".into())
}

/// Causes stay readable: long values are cut (on a character boundary).
fn shorten(s: String) -> String {
    const MAX: usize = 160;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

/// AWS shows the execution's input exactly as the client sent it: the runtime stores that
/// text in the `ExecutionStarted` event instead of the engine's rendering of the parsed value.
pub(crate) fn client_input(events: &mut [StoredEvent], input: &str) {
    if let Some(first) = events.first_mut()
        && first.event_type == "ExecutionStarted"
        && let Some((_, details)) = first.details.as_mut()
        && let Some(m) = details.as_object_mut()
        && m.contains_key("input")
    {
        m.insert("input".into(), Value::String(input.to_string()));
    }
}

/// The journal entry of a step: the input fed, the JSONata evaluations of the step that
/// ran out of time, and where the slice timer ended it.
pub(crate) fn journal_entry(exec: &mut Execution, seq: u64, now_ms: i64, input: &Input) -> JournalEntry {
    JournalEntry {
        seq,
        now_ms,
        input: serde_json::to_value(input).unwrap_or(Value::Null),
        time_limit_hits: exec.take_time_limit_hits(),
        cut: exec.take_cut(),
    }
}

/// The journal entry of the `start` step ([`START_SEQ`]), when it has time-limit hits or
/// a cut to record.
pub(crate) fn start_entry(exec: &mut Execution, now_ms: i64) -> Option<JournalEntry> {
    let hits = exec.take_time_limit_hits();
    let cut = exec.take_cut();
    (!hits.is_empty() || cut.is_some()).then(|| JournalEntry {
        seq: START_SEQ,
        now_ms,
        input: Value::String(START_INPUT.into()),
        time_limit_hits: hits,
        cut,
    })
}

/// An execution rebuilt from its journal.
pub(crate) struct Rebuilt {
    pub exec: Execution,
    /// What the engine asked for and has had no answer to, by command id.
    pub outstanding: BTreeMap<CommandId, Command>,
    pub tasks: TaskAnswers,
    /// The last journal entry's sequence number.
    pub seq: u64,
    /// The events the replay produced, in their stored form.
    pub events: Vec<StoredEvent>,
    /// Whether the last journaled slice spent its budget (the execution was computing).
    pub progress: Progress,
}

/// Starts the execution again with its configuration and feeds it its journal (no I/O).
pub(crate) fn replay(
    def: Arc<StateMachine>,
    config: ExecutionConfig,
    rec: &ExecutionRecord,
    journal: &[JournalEntry],
    tasks: TaskAnswers,
) -> Result<Rebuilt, StoreError> {
    replay_sliced(def, config, rec, journal, tasks, step_budget(rec.replay_version))
}

/// [`replay`] under a given step budget (the crash tests slice small machines finely).
pub(crate) fn replay_sliced(
    def: Arc<StateMachine>,
    config: ExecutionConfig,
    rec: &ExecutionRecord,
    journal: &[JournalEntry],
    mut tasks: TaskAnswers,
    budget: Option<u64>,
) -> Result<Rebuilt, StoreError> {
    let input: Value = serde_json::from_str(&rec.input).unwrap_or(Value::Null);
    let mut exec = Execution::new(def, config, input);
    if rec.replay_version >= TIME_LIMITS_JOURNALED {
        exec.replay_time_limits(journal.iter().flat_map(|e| e.time_limit_hits.iter().copied()));
    }
    exec.set_step_budget(budget);
    if let Some(n) = journal.iter().find(|e| e.seq == START_SEQ).and_then(|e| e.cut) {
        exec.replay_cut(n);
    }
    let mut progress = exec.start(rec.start_ms);
    let mut outstanding: BTreeMap<CommandId, Command> = BTreeMap::new();
    track(&mut outstanding, drain(&mut exec));
    let mut events: Vec<StoredEvent> = exec.take_history().iter().map(to_stored).collect();
    client_input(&mut events, &rec.input);
    let mut seq = 0;
    for entry in journal.iter().filter(|e| e.seq != START_SEQ) {
        let input: Input = serde_json::from_value(entry.input.clone()).map_err(|e| {
            StoreError::corrupt(format!("journal entry {} of {}", entry.seq, rec.arn), Some(Box::new(e)))
        })?;
        if let Input::TaskSucceeded { id, .. } | Input::TaskFailed { id, .. } | Input::TimerFired { id } = &input
            && let Some(Command::InvokeTask(req)) = outstanding.remove(id)
        {
            tasks.count(&req.state_name);
        }
        if input == Input::Redrive {
            outstanding.clear();
        }
        if let Some(n) = entry.cut {
            exec.replay_cut(n);
        }
        progress = exec.handle(input, entry.now_ms);
        track(&mut outstanding, drain(&mut exec));
        events.extend(exec.take_history().iter().map(to_stored));
        seq = entry.seq;
    }
    exec.end_replay();
    if budget.is_some() {
        // The journal placed the slices so far; from here on they are timed.
        exec.set_slice_timer(Some(crate::deadline::timer()));
    }
    Ok(Rebuilt {
        exec,
        outstanding,
        tasks,
        seq,
        events,
        progress,
    })
}

/// Keeps `outstanding` up to date with the commands of one step.
pub(crate) fn track(outstanding: &mut BTreeMap<CommandId, Command>, commands: Vec<Command>) {
    for c in commands {
        match &c {
            Command::InvokeTask(r) => {
                outstanding.insert(r.id, c);
            }
            Command::StartTimer { id, .. } => {
                outstanding.insert(*id, c);
            }
            Command::Cancel { id } => {
                outstanding.remove(id);
            }
        }
    }
}

#[cfg(test)]
mod crash_tests;
#[cfg(test)]
mod tests;
