//! Unit tests of the interpreter: each runs a small definition to its end.
use super::payload::{MAX_PAYLOAD_BYTES, within_size};
use super::*;
use crate::local::{MockTasks, NoTasks, TaskHandler, VirtualClock};
use crate::mock::MockConfig;
use serde_json::json;

fn run_with(def: Value, input: Value, tasks: &mut dyn TaskHandler) -> (Outcome, Vec<String>) {
    let def = Arc::new(StateMachine::from_value(&def).expect("valid definition"));
    let mut cfg = ExecutionConfig::new("M", "e", "us-east-1", "123456789012");
    cfg.record_history = true;
    let mut exec = Execution::new(def, cfg, input);
    let outcome = crate::local::run(&mut exec, tasks, &mut VirtualClock(1_000)).expect("ends");
    let types = exec.history().iter().map(|e| e.type_name()).collect();
    (outcome, types)
}

fn run(def: Value, input: Value) -> Outcome {
    run_with(def, input, &mut NoTasks).0
}

#[test]
fn within_size_agrees_with_serialization() {
    let values = [
        json!(null),
        json!({"a": "x\"y\\z\n", "b": [1, -22, 3.5, true, false, null], "c": {}}),
        json!([[], {}, "ünïcode", 12345678901234i64]),
    ];
    for v in values {
        let len = serde_json::to_string(&v).unwrap().len();
        assert!(within_size(&v, len), "{v}");
        assert!(!within_size(&v, len - 1) || len < 3, "{v}");
    }
}

#[test]
fn oversized_output_is_data_limit_exceeded_and_not_caught_by_states_all() {
    let big = "x".repeat(MAX_PAYLOAD_BYTES);
    let def = json!({"StartAt": "P", "States": {
        "P": {"Type": "Pass", "Result": big, "End": true}
    }});
    match run(def, json!({})) {
        Outcome::Failed { error, .. } => assert_eq!(error.as_deref(), Some("States.DataLimitExceeded")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn map_failure_fails_the_state_and_aborts_siblings() {
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
        "ItemProcessor": {"StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "Boom"}], "Default": "Ok"},
            "Boom": {"Type": "Fail", "Error": "Two", "Cause": "item two"},
            "Ok": {"Type": "Pass", "End": true}}}}}});
    assert_eq!(
        run(def, json!([1, 2, 3])),
        Outcome::Failed {
            error: Some("Two".into()),
            cause: Some("item two".into())
        }
    );
}

#[test]
fn tolerated_failures_keep_the_error_output() {
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ToleratedFailureCount": 1,
        "ItemProcessor": {"StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "Boom"}], "Default": "Ok"},
            "Boom": {"Type": "Fail", "Error": "Two", "Cause": "item two"},
            "Ok": {"Type": "Pass", "End": true}}}}}});
    assert_eq!(
        run(def.clone(), json!([1, 2, 3])),
        Outcome::Succeeded {
            output: json!([1, {"Error": "Two", "Cause": "item two"}, 3])
        }
    );
    match run(def, json!([2, 2])) {
        Outcome::Failed { error, .. } => {
            assert_eq!(error.as_deref(), Some("States.ExceedToleratedFailureThreshold"))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn parallel_collects_branch_outputs_in_order() {
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
        {"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 5, "Next": "A2"}, "A2": {"Type": "Pass", "Result": "a", "End": true}}},
        {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": "b", "End": true}}}
    ]}}});
    assert_eq!(
        run(def, json!({})),
        Outcome::Succeeded {
            output: json!(["a", "b"])
        }
    );
}

#[test]
fn retry_backs_off_then_catch_routes_the_error() {
    let mocks = MockConfig::from_value(&json!({
        "StateMachines": {"M": {"TestCases": {"T": {"Call": "Fails"}}}},
        "MockedResponses": {"Fails": {"0-9": {"Throw": {"Error": "Boom", "Cause": "always"}}}}
    }))
    .unwrap();
    let mut tasks = MockTasks::new(mocks.test_case("M", "T").unwrap());
    let def = json!({"StartAt": "Call", "States": {
        "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
            "Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 2, "IntervalSeconds": 1}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Handled"}]},
        "Handled": {"Type": "Pass", "End": true}}});
    let (outcome, types) = run_with(def, json!({"k": 1}), &mut tasks);
    assert_eq!(
        outcome,
        Outcome::Succeeded {
            output: json!({"k": 1, "err": {"Error": "Boom", "Cause": "always"}})
        }
    );
    assert_eq!(types.iter().filter(|t| *t == "TaskScheduled").count(), 3, "{types:?}");
}

#[test]
fn execution_timeout_ends_as_timed_out() {
    let def =
        json!({"TimeoutSeconds": 2, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "End": true}}});
    assert_eq!(
        run(def, json!({})),
        Outcome::TimedOut {
            error: None,
            cause: None
        }
    );
}

#[test]
fn standard_history_limit_fails_the_execution() {
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "BooleanEquals": true, "Next": "End"}], "Default": "A"},
        "End": {"Type": "Succeed"}}});
    let def = Arc::new(StateMachine::from_value(&def).unwrap());
    let mut cfg = ExecutionConfig::new("M", "e", "us-east-1", "123456789012");
    cfg.max_history_events = Some(25_000);
    let mut exec = Execution::new(def, cfg, json!({"stop": false}));
    let outcome = crate::local::run(&mut exec, &mut NoTasks, &mut VirtualClock(0)).unwrap();
    assert!(matches!(outcome, Outcome::Failed { .. }), "{outcome:?}");
    // The failure event is the 25,000th.
    assert_eq!(exec.event_count(), 25_000);
}

#[test]
fn context_object_is_built_on_demand() {
    let def = json!({"StartAt": "S", "States": {"S": {"Type": "Pass", "Parameters": {
        "name.$": "$$.State.Name", "machine.$": "$$.StateMachine.Name", "exec.$": "$$.Execution.Input"}, "End": true}}});
    assert_eq!(
        run(def, json!({"a": 1})),
        Outcome::Succeeded {
            output: json!({"name": "S", "machine": "M", "exec": {"a": 1}})
        }
    );
}

#[test]
fn redrive_enters_the_failed_state_again() {
    let def = Arc::new(
        StateMachine::from_value(&json!({"StartAt": "Call", "States": {
            "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Done"},
            "Done": {"Type": "Pass", "Result": "ok", "End": true}}}))
        .unwrap(),
    );
    let mut cfg = ExecutionConfig::new("M", "e", "us-east-1", "123456789012");
    cfg.record_history = true;
    let mut exec = Execution::new(def, cfg, json!({"k": 1}));
    let failed = crate::local::run(&mut exec, &mut NoTasks, &mut VirtualClock(0)).unwrap();
    assert!(matches!(failed, Outcome::Failed { .. }));
    assert!(exec.can_redrive());
    exec.handle(Input::Redrive, 10);
    assert_eq!(exec.outcome(), None);
    assert_eq!(exec.redrive_count(), 1);
    let invoke = std::iter::from_fn(|| exec.poll_command())
        .find_map(|c| match c {
            Command::InvokeTask(r) => Some(r),
            _ => None,
        })
        .expect("the task runs again");
    assert_eq!(invoke.input, json!({"k": 1}));
    exec.handle(
        Input::TaskSucceeded {
            id: invoke.id,
            output: json!({"Payload": 1}),
        },
        20,
    );
    assert_eq!(exec.outcome(), Some(&Outcome::Succeeded { output: json!("ok") }));
    let types: Vec<String> = exec.history().iter().map(|e| e.type_name()).collect();
    let at = types.iter().position(|t| t == "ExecutionRedriven").unwrap();
    assert_eq!(types[at - 1], "ExecutionFailed");
    assert_eq!(types[at + 1], "TaskStateEntered");
    assert_eq!(types.last().unwrap(), "ExecutionSucceeded");
}

#[test]
fn configured_arns_are_in_the_aws_partition() {
    let cfg = ExecutionConfig::new("M", "e", "cn-north-1", "123456789012");
    assert_eq!(
        cfg.execution_arn,
        "arn:aws:states:cn-north-1:123456789012:execution:M:e"
    );
    assert_eq!(
        cfg.state_machine_arn,
        "arn:aws:states:cn-north-1:123456789012:stateMachine:M"
    );
    assert_eq!(cfg.role_arn, "arn:aws:iam::123456789012:role/StepwiseExecutionRole");
}

#[test]
fn a_distributed_map_names_its_map_run_in_the_executions_account() {
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "Label": "items", "End": true,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}});
    let def = Arc::new(StateMachine::from_value(&def).expect("valid definition"));
    let mut cfg = ExecutionConfig::new("M", "e", "us-east-1", "123456789012");
    cfg.record_history = true;
    let mut exec = Execution::new(def, cfg, json!([1]));
    crate::local::run(&mut exec, &mut NoTasks, &mut VirtualClock(1_000)).expect("ends");
    let arn = exec
        .history()
        .iter()
        .find_map(|e| {
            e.to_json(false)
                .pointer("/mapRunStartedEventDetails/mapRunArn")
                .cloned()
        })
        .expect("a MapRunStarted event");
    let arn = arn.as_str().unwrap();
    let id = arn
        .strip_prefix("arn:aws:states:us-east-1:123456789012:mapRun:M/items:")
        .unwrap_or_else(|| panic!("{arn}"));
    assert_eq!(id.len(), 36, "{id}");
}

/// A loop counting to 300 in each of two Parallel branches: long enough to be cut into
/// many slices, with two threads to interleave.
fn counting_loops() -> Arc<StateMachine> {
    let branch = json!({"StartAt": "Init", "States": {
        "Init": {"Type": "Pass", "Result": 0, "Next": "Inc"},
        "Inc": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($, 1)"}, "OutputPath": "$.n", "Next": "Check"},
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericLessThan": 300, "Next": "Inc"}], "Default": "Done"},
        "Done": {"Type": "Succeed"}}});
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [branch.clone(), branch]}}});
    Arc::new(StateMachine::from_value(&def).expect("valid definition"))
}

fn recorded(def: Arc<StateMachine>) -> Execution {
    let mut cfg = ExecutionConfig::new("M", "e", "us-east-1", "123456789012");
    cfg.record_history = true;
    Execution::new(def, cfg, json!({}))
}

#[test]
fn a_step_budget_moves_pauses_but_not_the_history() {
    let mut whole = recorded(counting_loops());
    assert_eq!(whole.start(1_000), Progress::Waiting);
    let mut sliced = recorded(counting_loops());
    sliced.set_step_budget(Some(7));
    let mut progress = sliced.start(1_000);
    let mut slices = 1;
    while progress == Progress::Yielded {
        assert!(
            sliced.transitions() <= 7 * slices,
            "a slice entered more states than its budget"
        );
        progress = sliced.handle(Input::Continue, 1_000);
        slices += 1;
    }
    assert!(slices > 100, "{slices} slices");
    assert_eq!(sliced.outcome(), whole.outcome());
    assert!(matches!(whole.outcome(), Some(Outcome::Succeeded { .. })));
    assert_eq!(sliced.history(), whole.history());
}

/// A slice timer that expires at its `after`-th question in each slice.
struct Asks {
    after: u32,
    asked: u32,
}

impl crate::SliceTimer for Asks {
    fn start(&mut self) {
        self.asked = 0;
    }
    fn expired(&mut self) -> bool {
        self.asked += 1;
        self.asked >= self.after
    }
}

#[test]
fn a_slice_timer_cuts_slices_and_a_replay_cuts_them_alike() {
    let mut live = recorded(counting_loops());
    live.set_step_budget(Some(100));
    live.set_slice_timer(Some(Box::new(Asks { after: 4, asked: 0 })));
    let mut replay = recorded(counting_loops());
    replay.set_step_budget(Some(100));
    let mut progress = live.start(1_000);
    let mut cuts = vec![live.take_cut()];
    while progress == Progress::Yielded {
        progress = live.handle(Input::Continue, 1_000);
        cuts.push(live.take_cut());
    }
    // Each slice entered its first state unasked, then asked before each further one.
    assert!(cuts[..cuts.len() - 1].iter().all(|c| *c == Some(4)), "{cuts:?}");
    let mut calls = 0;
    for cut in &cuts {
        if let Some(n) = cut {
            replay.replay_cut(*n);
        }
        let p = if calls == 0 {
            replay.start(1_000)
        } else {
            replay.handle(Input::Continue, 1_000)
        };
        assert_eq!(replay.take_cut(), None, "a replayed cut is not reported again");
        calls += 1;
        if calls < cuts.len() {
            assert_eq!(p, Progress::Yielded, "call {calls}");
        }
    }
    assert_eq!(replay.outcome(), live.outcome());
    assert_eq!(replay.history(), live.history());
    assert_eq!(replay.transitions(), live.transitions());
}

#[test]
fn the_step_budget_still_ends_a_slice_the_timer_lets_run() {
    let mut exec = recorded(counting_loops());
    exec.set_step_budget(Some(10));
    exec.set_slice_timer(Some(Box::new(Asks { after: 1_000, asked: 0 })));
    assert_eq!(exec.start(1_000), Progress::Yielded);
    assert_eq!(exec.transitions(), 10);
    assert_eq!(exec.take_cut(), None, "the budget, not the timer, ended it");
}

#[test]
fn a_yielded_execution_stops_at_its_next_input() {
    let mut exec = recorded(counting_loops());
    exec.set_step_budget(Some(10));
    assert_eq!(exec.start(1_000), Progress::Yielded);
    assert_eq!(exec.handle(Input::Continue, 1_001), Progress::Yielded);
    let entered = exec.transitions();
    let stop = Input::Stop {
        error: Some("E".into()),
        cause: None,
    };
    assert_eq!(exec.handle(stop, 1_002), Progress::Waiting);
    assert_eq!(exec.transitions(), entered, "no state runs after a stop");
    assert!(matches!(exec.outcome(), Some(Outcome::Aborted { .. })));
    assert_eq!(
        exec.history().last().map(|e| e.type_name()),
        Some("ExecutionAborted".into())
    );
}
