//! A JSONata evaluation that truly runs out of time, replayed from its recorded ordinal.

use std::sync::Arc;
use std::time::{Duration, Instant};

use asl::StateMachine;
use serde_json::json;

use crate::execution::{Execution, ExecutionConfig, Outcome};
use crate::history::HistoryEvent;
use crate::local::{NoTasks, VirtualClock};

/// A Map whose second iteration never ends, caught; JSONata evaluations before, inside
/// (in every iteration) and after, so the hit's ordinal sits among others.
fn definition() -> Arc<StateMachine> {
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "Before", "States": {
        "Before": {"Type": "Pass", "Output": "{% $append($states.input.items, []) %}", "Next": "Each"},
        "Each": {"Type": "Map", "Items": "{% $states.input %}", "MaxConcurrency": 1,
            "ItemProcessor": {"StartAt": "Work", "States": {
                "Work": {"Type": "Pass", "End": true,
                    "Output": "{% $states.input = 2 ? ($f := function($n){ $f($n + 1) }; $f(0)) : $string($states.input * 10) %}"}}},
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "After",
                "Output": "{% $merge([$states.errorOutput, {'n': $count($states.input)}]) %}"}],
            "End": true},
        "After": {"Type": "Pass", "Output": "{% $merge([$states.input, {'after': $uppercase('x')}]) %}", "End": true}
    }});
    Arc::new(StateMachine::from_value(&def).expect("valid definition"))
}

fn run(limit: Duration, hits: Option<&[u64]>) -> (Outcome, Vec<HistoryEvent>, Vec<u64>) {
    let mut cfg = ExecutionConfig::new("M", "e", "us-east-1", "123456789012");
    cfg.record_history = true;
    let mut exec = Execution::new(definition(), cfg, json!({"items": [1, 2, 3]}));
    exec.set_jsonata_time_limit(limit);
    if let Some(hits) = hits {
        exec.replay_time_limits(hits.iter().copied());
    }
    let outcome = crate::local::run(&mut exec, &mut NoTasks, &mut VirtualClock(1_000)).expect("ends");
    let hits = exec.take_time_limit_hits();
    (outcome, exec.history().to_vec(), hits)
}

fn cause(o: &Outcome) -> String {
    match o {
        Outcome::Succeeded { output } => output["Cause"].as_str().unwrap_or_default().to_string(),
        other => panic!("the Catch handles the time-out: {other:?}"),
    }
}

#[test]
fn a_recorded_time_out_replays_to_the_same_events_without_evaluating() {
    let tiny = Duration::from_millis(100);
    let (outcome, events, hits) = run(tiny, None);
    assert!(cause(&outcome).contains("D1012"), "{outcome:?}");
    assert_eq!(hits.len(), 1, "one evaluation ran out of time: {hits:?}");
    assert!(hits[0] > 0, "evaluations came before it: {hits:?}");

    // The replay fails that one evaluation at once and lets every other finish unlimited.
    let started = Instant::now();
    let (replayed, replayed_events, again) = run(tiny, Some(&hits));
    assert!(started.elapsed() < tiny * 5);
    assert_eq!(replayed, outcome);
    assert_eq!(replayed_events, events);
    assert!(again.is_empty(), "a replay records nothing: {again:?}");

    // Under a limit no run would reach, the recorded ordinal still fails, without waiting.
    let huge = Duration::from_secs(3600);
    let started = Instant::now();
    let (slow, slow_events, _) = run(huge, Some(&hits));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        cause(&slow).contains("D1012: Evaluation timeout after 3600000 milliseconds"),
        "{slow:?}"
    );
    let types = |e: &[HistoryEvent]| e.iter().map(HistoryEvent::type_name).collect::<Vec<_>>();
    assert_eq!(types(&slow_events), types(&events));
}

#[test]
fn evaluations_are_numbered_in_every_thread() {
    let (_, _, hits) = run(Duration::from_millis(100), None);
    // Before's Output is #0 and iteration 1's #1 (Each's `Items` is a plain field read,
    // which the fast path answers uncounted); iteration 2's Output is #2.
    assert_eq!(hits, vec![2]);
}

/// A Pass whose Output asks for a string past the memory budget, caught. (`$pad` is checked
/// before it allocates, so this test binary needs no counting allocator.)
fn memory_bomb() -> Arc<StateMachine> {
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "Before", "States": {
        "Before": {"Type": "Pass", "Output": "{% $append($states.input.items, []) %}", "Next": "Bomb"},
        "Bomb": {"Type": "Parallel", "Branches": [{"StartAt": "Grow", "States": {
            "Grow": {"Type": "Pass", "End": true,
                "Output": "{% $pad('x', 4000000000) %}"}}}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "After"}],
            "End": true},
        "After": {"Type": "Pass", "Output": "{% $merge([$states.input, {'after': $uppercase('x')}]) %}", "End": true}
    }});
    Arc::new(StateMachine::from_value(&def).expect("valid definition"))
}

fn run_bomb(hits: Option<&[u64]>) -> (Outcome, Vec<HistoryEvent>, Vec<u64>) {
    let mut cfg = ExecutionConfig::new("M", "e", "us-east-1", "123456789012");
    cfg.record_history = true;
    let mut exec = Execution::new(memory_bomb(), cfg, json!({"items": [1, 2, 3]}));
    if let Some(hits) = hits {
        exec.replay_time_limits(hits.iter().copied());
    }
    let outcome = crate::local::run(&mut exec, &mut NoTasks, &mut VirtualClock(1_000)).expect("ends");
    let hits = exec.take_time_limit_hits();
    (outcome, exec.history().to_vec(), hits)
}

#[test]
fn a_recorded_memory_limit_replays_to_the_same_events_without_evaluating() {
    let (outcome, events, hits) = run_bomb(None);
    assert!(
        cause(&outcome).contains("U1004: The evaluation exceeded its memory limit"),
        "{outcome:?}"
    );
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0] & super::MEMORY_HIT, super::MEMORY_HIT, "{hits:?}");
    assert!(hits[0] & !super::MEMORY_HIT > 0, "evaluations came before it: {hits:?}");

    let started = Instant::now();
    let (replayed, replayed_events, again) = run_bomb(Some(&hits));
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(replayed, outcome);
    assert_eq!(replayed_events, events);
    assert!(again.is_empty(), "{again:?}");

    // The same ordinal as a time-out replays as a time-out: the two are told apart.
    let (as_timeout, _, _) = run_bomb(Some(&[hits[0] & !super::MEMORY_HIT]));
    assert!(cause(&as_timeout).contains("D1012"), "{as_timeout:?}");
}
