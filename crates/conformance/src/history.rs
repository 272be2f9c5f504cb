//! Comparison of execution histories (lists of reduced `GetExecutionHistory` events).
//!
//! In a few cases the recorder made the events of Parallel branches order-independent
//! before storing them: after every `ParallelStateStarted` the following events get
//! `"id": [0]` and `"previousEventId": 0`, and at the next `ParallelStateSucceeded`,
//! `...Aborted`, `...Exited` or `...Failed` event the list from just after the start event
//! up to (not including) that event is replaced by the sorted collected events. The
//! replacement happens while the recorder walks the list, so it can also drop events (a
//! `ParallelStateSucceeded` replaced at the following `ParallelStateExited`, events of
//! nested Parallel states). [`reorder_parallel_events`] applies the same transformation to
//! the actual events, so that the remaining events line up with the recorded ones; the
//! runs of `[0]` events are then compared as multisets.

use serde_json::Value;

use crate::matcher::{DiffKind, Diffs, MAX_DIFFERENCES, Mismatch, diff, matches, push_path};
use crate::placeholders::Placeholders;

/// Root of the paths reported by the history comparison: `/history/<event index>/...`.
pub const HISTORY_PATH: &str = "/history";

fn event_type(e: &Value) -> Option<&str> {
    e.get("type").and_then(Value::as_str)
}

/// True for an event of a re-ordered Parallel run (its `id` is `[0]`).
pub fn is_reordered_event(e: &Value) -> bool {
    e.get("id").is_some_and(Value::is_array)
}

/// True when a recorded history uses the re-ordered Parallel-branch form.
pub fn uses_reordered_form(events: &[Value]) -> bool {
    events.iter().any(is_reordered_event)
}

fn ends_parallel(t: &str) -> bool {
    matches!(
        t,
        "ParallelStateSucceeded" | "ParallelStateAborted" | "ParallelStateExited" | "ParallelStateFailed"
    )
}

/// Applies the recorder's Parallel-branch transformation (see the module docs) to
/// `events`, including its in-place list replacement while walking the list.
pub fn reorder_parallel_events(events: &[Value]) -> Vec<Value> {
    let mut events = events.to_vec();
    // `None` before the first ParallelStateStarted: the replacement then starts at 0.
    let mut start: Option<usize> = None;
    let mut sublist: Vec<Value> = Vec::new();
    let mut in_sublist = false;
    let mut i = 0;
    while i < events.len() {
        match event_type(&events[i]) {
            None => in_sublist = false,
            Some(t) if ends_parallel(t) => {
                let mut sorted = sublist.clone();
                sorted.sort_by_cached_key(|e| e.to_string());
                let from = start.unwrap_or(0).min(events.len());
                let to = i.max(from);
                events.splice(from..to, sorted);
                in_sublist = false;
            }
            Some("ParallelStateStarted") => {
                in_sublist = true;
                sublist.clear();
                start = Some(i + 1);
            }
            Some(_) if in_sublist => {
                if let Some(obj) = events[i].as_object_mut() {
                    obj.insert("id".into(), Value::Array(vec![Value::from(0)]));
                    obj.insert("previousEventId".into(), Value::from(0));
                }
                sublist.push(events[i].clone());
            }
            Some(_) => {}
        }
        i += 1;
    }
    events
}

/// Compares an actual history with a recorded one. When the recorded history uses the
/// re-ordered Parallel-branch form (events with `"id": [0]`), the actual events are
/// transformed the same way first (see [`compare_history_with`]).
pub fn compare_history(expected: &[Value], actual: &[Value], placeholders: &Placeholders) -> Result<(), Mismatch> {
    compare_history_with(expected, actual, placeholders, uses_reordered_form(expected))
}

/// Compares an actual history with a recorded one; `reordered` says whether the recorded
/// one uses the re-ordered Parallel-branch form (`source.txt`'s `history:` note). Paths in
/// the result start with [`HISTORY_PATH`] and the event index.
///
/// Events are compared in order with [`crate::compare`]'s rules; each run of consecutive
/// `[0]` events is compared as a multiset against the actual run at the same position.
/// After the first event whose `type` differs, later events are not compared (they are
/// usually just shifted).
pub fn compare_history_with(
    expected: &[Value],
    actual: &[Value],
    placeholders: &Placeholders,
    reordered: bool,
) -> Result<(), Mismatch> {
    let transformed;
    let actual = if reordered {
        transformed = reorder_parallel_events(actual);
        &transformed[..]
    } else {
        actual
    };
    let mut out = Diffs::new(MAX_DIFFERENCES);
    let n = expected.len().min(actual.len());
    let mut aligned = true;
    let mut i = 0;
    while i < n && aligned {
        if reordered && is_reordered_event(&expected[i]) {
            let e_end = run_end(expected, i);
            let a_end = run_end(actual, i);
            if e_end != a_end {
                let kind = DiffKind::Length {
                    expected: e_end - i,
                    actual: a_end - i,
                };
                let e_types = types(&expected[i..e_end]);
                let a_types = types(&actual[i..a_end]);
                out.push(&event_path(i), kind, Some(&e_types), Some(&a_types));
                aligned = false;
            } else {
                compare_run(&expected[i..e_end], &actual[i..a_end], i, placeholders, &mut out);
            }
            i = e_end;
        } else {
            if event_type(&expected[i]) != event_type(&actual[i]) {
                aligned = false;
            }
            diff(&expected[i], &actual[i], None, placeholders, &event_path(i), &mut out);
            i += 1;
        }
    }
    if expected.len() != actual.len() {
        let kind = DiffKind::Length {
            expected: expected.len(),
            actual: actual.len(),
        };
        let e_tail = types(&expected[n..]);
        let a_tail = types(&actual[n..]);
        out.push(HISTORY_PATH, kind, Some(&e_tail), Some(&a_tail));
    }
    out.into_result()
}

fn event_path(i: usize) -> String {
    push_path(HISTORY_PATH, &i.to_string())
}

/// The `type`s of `events`, as a JSON array (for messages).
fn types(events: &[Value]) -> Value {
    Value::Array(
        events
            .iter()
            .map(|e| event_type(e).map_or(Value::Null, |t| Value::String(t.into())))
            .collect(),
    )
}

/// End (exclusive) of the run of `[0]` events starting at `from`.
fn run_end(events: &[Value], from: usize) -> usize {
    let mut end = from;
    while end < events.len() && is_reordered_event(&events[end]) {
        end += 1;
    }
    end
}

/// Compares two equally long runs as multisets (a perfect matching where every expected
/// event matches its actual partner). `offset` is the run's index in the history.
fn compare_run(expected: &[Value], actual: &[Value], offset: usize, ph: &Placeholders, out: &mut Diffs) {
    let k = expected.len();
    let fits: Vec<Vec<bool>> = expected
        .iter()
        .map(|e| actual.iter().map(|a| matches(e, a, ph)).collect())
        .collect();
    // Kuhn's augmenting paths: partner[j] = expected event matched to actual event j.
    let mut partner: Vec<Option<usize>> = vec![None; k];
    let mut unmatched = Vec::new();
    for e in 0..k {
        let mut seen = vec![false; k];
        if !augment(e, &fits, &mut seen, &mut partner) {
            unmatched.push(e);
        }
    }
    if unmatched.is_empty() {
        return;
    }
    let free: Vec<usize> = (0..k).filter(|&j| partner[j].is_none()).collect();
    for e in unmatched {
        let exp = &expected[e];
        let closest = closest_event(exp, actual, &free);
        let path = event_path(offset + e);
        out.push(&path, DiffKind::Unmatched, Some(exp), closest.map(|j| &actual[j]));
        if let Some(j) = closest {
            diff(exp, &actual[j], None, ph, &path, out);
        }
    }
}

fn augment(e: usize, fits: &[Vec<bool>], seen: &mut [bool], partner: &mut [Option<usize>]) -> bool {
    for j in 0..fits[e].len() {
        if fits[e][j] && !seen[j] {
            seen[j] = true;
            if partner[j].is_none_or(|other| augment(other, fits, seen, partner)) {
                partner[j] = Some(e);
                return true;
            }
        }
    }
    false
}

/// The state name in an event's details, if any.
fn detail_name(e: &Value) -> Option<&str> {
    e.as_object()?
        .iter()
        .find(|(k, _)| k.ends_with("EventDetails"))
        .and_then(|(_, d)| d.get("name"))
        .and_then(Value::as_str)
}

/// Among the actual events `candidates`, the one most like `exp`: same type and state
/// name, else same type.
fn closest_event(exp: &Value, actual: &[Value], candidates: &[usize]) -> Option<usize> {
    let same_type = |j: &&usize| event_type(&actual[**j]) == event_type(exp);
    candidates
        .iter()
        .filter(same_type)
        .find(|&&j| detail_name(&actual[j]) == detail_name(exp))
        .or_else(|| candidates.iter().find(same_type))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ev(t: &str, id: u64, prev: u64, name: Option<&str>) -> Value {
        let mut e = json!({"type": t, "id": id, "previousEventId": prev});
        if let Some(n) = name {
            e["stateEnteredEventDetails"] = json!({"name": n, "input": {}});
        }
        e
    }

    /// A Parallel state with two one-state branches, as AWS reports it.
    fn raw_parallel(order: [&str; 2]) -> Vec<Value> {
        vec![
            ev("ExecutionStarted", 1, 0, None),
            ev("ParallelStateEntered", 2, 0, Some("P")),
            ev("ParallelStateStarted", 3, 2, None),
            ev("PassStateEntered", 4, 3, Some(order[0])),
            ev("PassStateEntered", 5, 3, Some(order[1])),
            ev("ParallelStateSucceeded", 6, 5, None),
            ev("ParallelStateExited", 7, 6, Some("P")),
            ev("ExecutionSucceeded", 8, 7, None),
        ]
    }

    #[test]
    fn reorder_matches_recorder_behaviour() {
        let r = reorder_parallel_events(&raw_parallel(["B", "A"]));
        let types: Vec<&str> = r.iter().filter_map(event_type).collect();
        // The ParallelStateSucceeded event is dropped by the recorder's replacement.
        assert_eq!(
            types,
            [
                "ExecutionStarted",
                "ParallelStateEntered",
                "ParallelStateStarted",
                "PassStateEntered",
                "PassStateEntered",
                "ParallelStateExited",
                "ExecutionSucceeded"
            ]
        );
        assert_eq!(r[3]["id"], json!([0]));
        assert_eq!(r[3]["previousEventId"], json!(0));
        assert_eq!(r[5]["id"], json!(7));
        assert_eq!(r[5]["previousEventId"], json!(6));
    }

    #[test]
    fn reordered_runs_compare_as_multisets() {
        let ph = Placeholders::standard();
        let expected = reorder_parallel_events(&raw_parallel(["A", "B"]));
        assert!(compare_history(&expected, &raw_parallel(["B", "A"]), &ph).is_ok());
        assert!(compare_history(&expected, &raw_parallel(["A", "B"]), &ph).is_ok());
        let m = compare_history(&expected, &raw_parallel(["A", "C"]), &ph).unwrap_err();
        assert_eq!(m.differences[0].kind, DiffKind::Unmatched);
        assert!(m.path().starts_with("/history/"));
        // Without the transformation the recorded form does not match the raw events.
        assert!(compare_history_with(&expected, &raw_parallel(["A", "B"]), &ph, false).is_err());
    }

    #[test]
    fn plain_history_positional() {
        let ph = Placeholders::standard();
        let e = vec![
            ev("ExecutionStarted", 1, 0, None),
            ev("PassStateEntered", 2, 1, Some("A")),
        ];
        assert!(compare_history(&e, &e, &ph).is_ok());
        let mut a = e.clone();
        a[1]["stateEnteredEventDetails"]["name"] = json!("B");
        let m = compare_history(&e, &a, &ph).unwrap_err();
        assert_eq!(m.path(), "/history/1/stateEnteredEventDetails/name");
        let m = compare_history(&e, &e[..1], &ph).unwrap_err();
        assert_eq!(m.path(), "/history");
        assert_eq!(
            m.to_string(),
            "/history: expected 2 items, got 1: expected [\"PassStateEntered\"], got []"
        );
    }
}
