//! AWS's limits, each as the execution meets it: the history limit wherever the events come
//! from, the variable limits, waits and back-offs whatever number they are given, and the
//! API's longest error and cause.

use std::sync::Arc;

use asl::StateMachine;
use engine::local::{NoTasks, TaskHandler, VirtualClock};
use engine::{Command, Execution, ExecutionConfig, Input, Outcome, TaskRequest};
use serde_json::{Value, json};

const START_MS: i64 = 1_700_000_000_000;
const MAX_EVENTS: u64 = 25_000;
/// The engine's longest timer (the validator's 99999999 seconds).
const MAX_TIMER_MS: i64 = 99_999_999_000;

fn execution(def: &Value, input: Value, max_events: Option<u64>) -> Execution {
    let def = Arc::new(StateMachine::from_value(def).expect("valid definition"));
    let mut cfg = ExecutionConfig::new("M", "e", "us-east-1", "123456789012");
    cfg.record_history = true;
    cfg.max_history_events = max_events;
    Execution::new(def, cfg, input)
}

fn run_to_end(exec: &mut Execution, tasks: &mut dyn TaskHandler) -> Outcome {
    engine::local::run(exec, tasks, &mut VirtualClock(START_MS)).expect("ends")
}

fn failure(outcome: &Outcome) -> (String, String) {
    match outcome {
        Outcome::Failed { error, cause } => (error.clone().unwrap_or_default(), cause.clone().unwrap_or_default()),
        other => panic!("expected a failure, got {other:?}"),
    }
}

/// The history stops at the limit: exactly `MAX_EVENTS` events, ids 1..=MAX with each
/// `previousEventId` before its event, `ExecutionFailed` (States.Runtime) last and only there.
fn assert_stopped_at_limit(exec: &Execution, outcome: &Outcome) {
    let (error, cause) = failure(outcome);
    assert_eq!(error, "States.Runtime");
    assert_eq!(
        cause,
        "The execution reached the maximum number of history events (25000)."
    );
    let h = exec.history();
    assert_eq!(h.len() as u64, MAX_EVENTS, "history length");
    assert_eq!(exec.event_count(), MAX_EVENTS);
    for (i, e) in h.iter().enumerate() {
        assert_eq!(e.id, i as u64 + 1);
        assert!(e.previous_event_id < e.id);
    }
    let types: Vec<String> = h.iter().map(|e| e.type_name()).collect();
    assert_eq!(types.last().map(String::as_str), Some("ExecutionFailed"));
    assert_eq!(
        types.iter().filter(|t| t.starts_with("Execution")).count(),
        2,
        "started + failed"
    );
}

/// Definitions that each produce far more than 25,000 events, from every kind of source.
fn history_bombs() -> Vec<(&'static str, Value, Value)> {
    let items: Vec<u32> = (0..300_000).collect();
    let pass_map = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items",
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}});
    let jsonata_map = json!({"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {"Type": "Map",
        "Items": "{% [1..300000] %}", "MaxConcurrency": 40,
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}});
    let failing_map = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items",
        "ToleratedFailurePercentage": 100,
        "ItemProcessor": {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}}, "End": true}}});
    let loop_branch = |n: &str| {
        json!({"StartAt": n, "States": {
            n: {"Type": "Choice", "Choices": [{"Variable": "$.stop", "BooleanEquals": true, "Next": "Done"}], "Default": n},
            "Done": {"Type": "Succeed"}}})
    };
    let parallel = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel",
        "Branches": [loop_branch("A"), loop_branch("B"), loop_branch("C")], "End": true}}});
    let nested = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items",
        "ItemProcessor": {"StartAt": "Inner", "States": {"Inner": {"Type": "Map", "ItemsPath": "$$.Execution.Input.few",
            "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}, "End": true}}});
    let wait_map = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items",
        "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": true}}}, "End": true}}});
    let task_map = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items",
        "ItemProcessor": {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f"}, "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "C"}], "End": true},
            "C": {"Type": "Pass", "End": true}}}, "End": true}}});
    vec![
        ("inline Map of Pass", pass_map, json!({"items": items})),
        ("JSONata inline Map", jsonata_map, json!({})),
        (
            "inline Map of failures",
            failing_map,
            json!({"items": (0..30_000).collect::<Vec<_>>()}),
        ),
        ("Parallel of loops", parallel, json!({"stop": false})),
        (
            "nested inline Maps",
            nested,
            json!({"items": (0..5_000).collect::<Vec<_>>(), "few": [1, 2, 3]}),
        ),
        (
            "inline Map of Waits",
            wait_map,
            json!({"items": (0..30_000).collect::<Vec<_>>()}),
        ),
        (
            "inline Map of retried tasks",
            task_map,
            json!({"items": (0..30_000).collect::<Vec<_>>()}),
        ),
    ]
}

#[test]
fn the_history_limit_holds_for_every_event_source() {
    for (name, def, input) in history_bombs() {
        let mut exec = execution(&def, input, Some(MAX_EVENTS));
        let outcome = run_to_end(&mut exec, &mut NoTasks);
        eprintln!("{name}: {} events", exec.history().len());
        assert_stopped_at_limit(&exec, &outcome);
    }
}

#[test]
fn nothing_is_recorded_or_started_after_the_execution_ends() {
    // A Map whose iterations park on timers: the limit is reached while iterations are
    // started; every outstanding timer is cancelled and no command follows the end.
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items",
        "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "End": true}}}, "End": true}}});
    let mut exec = execution(
        &def,
        json!({"items": (0..20_000).collect::<Vec<_>>()}),
        Some(MAX_EVENTS),
    );
    exec.start(START_MS);
    let commands: Vec<Command> = std::iter::from_fn(|| exec.poll_command()).collect();
    let outcome = exec.outcome().cloned().expect("ended at the limit");
    assert_stopped_at_limit(&exec, &outcome);
    let started: Vec<u64> = commands
        .iter()
        .filter_map(|c| match c {
            Command::StartTimer { id, .. } => Some(*id),
            _ => None,
        })
        .collect();
    let cancelled: Vec<u64> = commands
        .iter()
        .filter_map(|c| match c {
            Command::Cancel { id } => Some(*id),
            _ => None,
        })
        .collect();
    assert!(!started.is_empty());
    assert_eq!(started, cancelled, "every timer started is cancelled, none after");
    // Whatever arrives afterwards changes nothing.
    exec.handle(Input::TimerFired { id: started[0] }, START_MS + 5_000);
    assert_eq!(exec.history().len() as u64, MAX_EVENTS);
    assert!(exec.poll_command().is_none());
}

#[test]
fn without_a_limit_the_same_map_runs_to_its_end() {
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items",
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}});
    let mut exec = execution(&def, json!({"items": (0..10_000).collect::<Vec<_>>()}), None);
    let outcome = run_to_end(&mut exec, &mut NoTasks);
    assert!(matches!(outcome, Outcome::Succeeded { .. }), "{outcome:?}");
    // Started, entered, map started, 4 per iteration, map succeeded, exited, succeeded.
    assert_eq!(exec.history().len(), 3 + 4 * 10_000 + 3);
}

/// A Choice loop whose Pass doubles a variable: fails on the variable limit after a few
/// iterations, with the state's name in the cause.
#[test]
fn a_doubling_assign_loop_fails_quickly_on_the_variable_limit() {
    let jsonpath = json!({"StartAt": "Init", "States": {
        "Init": {"Type": "Pass", "Assign": {"x": "ab"}, "Next": "Double"},
        "Double": {"Type": "Pass", "Assign": {"x.$": "States.Format('{}{}', $x, $x)"}, "Next": "Loop"},
        "Loop": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "BooleanEquals": true, "Next": "Done"}], "Default": "Double"},
        "Done": {"Type": "Succeed"}}});
    let jsonata = json!({"QueryLanguage": "JSONata", "StartAt": "Init", "States": {
        "Init": {"Type": "Pass", "Assign": {"x": "ab"}, "Next": "Double"},
        "Double": {"Type": "Pass", "Assign": {"x": "{% $x & $x %}"}, "Next": "Loop"},
        "Loop": {"Type": "Choice", "Choices": [{"Condition": "{% false %}", "Next": "Done"}], "Default": "Double"},
        "Done": {"Type": "Succeed"}}});
    let output_doubling = json!({"StartAt": "Double", "States": {
        "Double": {"Type": "Pass", "Parameters": {"x.$": "States.Format('{}{}', $.x, $.x)"}, "Next": "Loop"},
        "Loop": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}], "Default": "Double"},
        "Done": {"Type": "Succeed"}}});
    for (def, want_cause) in [
        (jsonpath, "The state/task 'Double' assigned variables"),
        (jsonata, "The state/task 'Double' assigned variables"),
        (
            output_doubling,
            "The state/task 'Double' returned a result with a size exceeding",
        ),
    ] {
        let mut exec = execution(&def, json!({"stop": false, "x": "ab"}), None);
        let outcome = run_to_end(&mut exec, &mut NoTasks);
        let (error, cause) = failure(&outcome);
        assert_eq!(error, "States.DataLimitExceeded", "{cause}");
        assert!(cause.starts_with(want_cause), "{cause}");
        // 2 bytes doubled 17 times passes 256 KiB: a few dozen events, not thousands.
        assert!(exec.history().len() < 80, "{} events", exec.history().len());
    }
}

#[test]
fn one_states_assignments_are_limited_to_256_kib() {
    let big = "x".repeat(140 * 1024);
    let def = |keys: &[&str]| {
        let assign: serde_json::Map<String, Value> = keys.iter().map(|k| (format!("{k}.$"), json!("$.big"))).collect();
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": assign, "End": true}}})
    };
    let ok = run_to_end(&mut execution(&def(&["a"]), json!({"big": big}), None), &mut NoTasks);
    assert!(matches!(ok, Outcome::Succeeded { .. }), "{ok:?}");
    let over = run_to_end(
        &mut execution(&def(&["a", "b"]), json!({"big": big}), None),
        &mut NoTasks,
    );
    assert_eq!(failure(&over).0, "States.DataLimitExceeded");
    // A Catch catches it like any error (unlike the output limit, States.ALL included).
    let caught = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"a.$": "$.big", "b.$": "$.big"}, "End": true}}}],
        "Catch": [{"ErrorEquals": ["States.DataLimitExceeded"], "ResultPath": null, "Next": "Ok"}], "End": true},
        "Ok": {"Type": "Succeed"}}});
    let outcome = run_to_end(&mut execution(&caught, json!({"big": "y"}), None), &mut NoTasks);
    assert!(matches!(outcome, Outcome::Succeeded { .. }), "{outcome:?}");
}

#[test]
fn an_executions_variables_are_limited_to_10_mib() {
    // 50 states each keep a new 240 KiB variable: 12 MiB in all; the state that passes
    // 10 MiB fails. Reassigning one name keeps the total flat and succeeds.
    let big = "v".repeat(240 * 1024);
    let chain = |name_of: &dyn Fn(usize) -> String| {
        let mut states = serde_json::Map::new();
        for i in 0..50 {
            let mut st = json!({"Type": "Pass", "Assign": {format!("{}.$", name_of(i)): "$.big"}});
            if i == 49 {
                st["End"] = json!(true);
            } else {
                st["Next"] = json!(format!("S{}", i + 1));
            }
            states.insert(format!("S{i}"), st);
        }
        json!({"StartAt": "S0", "States": states})
    };
    let many = chain(&|i| format!("v{i}"));
    let outcome = run_to_end(&mut execution(&many, json!({"big": big}), None), &mut NoTasks);
    let (error, cause) = failure(&outcome);
    assert_eq!(error, "States.DataLimitExceeded");
    // 42 variables of 240 KiB fit in 10 MiB; the 43rd (S42) does not.
    assert!(cause.starts_with("The state/task 'S42' assigned variables"), "{cause}");
    let same = chain(&|_| "v".to_owned());
    let outcome = run_to_end(&mut execution(&same, json!({"big": big}), None), &mut NoTasks);
    assert!(matches!(outcome, Outcome::Succeeded { .. }), "{outcome:?}");
}

/// The first `StartTimer` an execution asks for, relative to its start.
fn first_timer(def: &Value, input: Value) -> Result<i64, Outcome> {
    let mut exec = execution(def, input, None);
    exec.start(START_MS);
    while let Some(c) = exec.poll_command() {
        if let Command::StartTimer { fire_at_ms, .. } = c {
            return Ok(fire_at_ms - START_MS);
        }
    }
    Err(exec.outcome().cloned().expect("neither a timer nor an end"))
}

#[test]
fn a_huge_wait_does_not_end_at_once() {
    let seconds_path = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.s", "End": true}}});
    let cases: Vec<(Value, Result<i64, &str>)> = vec![
        (json!(0), Ok(0)),
        (json!(3), Ok(3_000)),
        (json!(99_999_999), Ok(MAX_TIMER_MS)),
        (json!(1i64 << 62), Ok(MAX_TIMER_MS)),
        (json!(i64::MAX), Ok(MAX_TIMER_MS)),
        (json!(u64::MAX), Ok(MAX_TIMER_MS)),
        (
            json!(-1),
            Err("The SecondsPath parameter references a negative value: $.s == -1"),
        ),
        (json!(i64::MIN), Err("references a negative value")),
        (json!(1.5), Err("cannot be parsed as a long value: $.s == 1.5")),
        (json!(1e300), Err("cannot be parsed as a long value")),
        (json!("12"), Err("cannot be parsed as a long value: $.s == 12")),
    ];
    for (s, want) in cases {
        let got = first_timer(&seconds_path, json!({ "s": s }));
        match (got, want) {
            (Ok(at), Ok(want)) => assert_eq!(at, want, "SecondsPath {s}"),
            (Err(outcome), Err(want)) => {
                let (error, cause) = failure(&outcome);
                assert_eq!(error, "States.Runtime", "SecondsPath {s}");
                assert!(cause.contains(want), "SecondsPath {s}: {cause}");
            }
            (got, want) => panic!("SecondsPath {s}: got {got:?}, want {want:?}"),
        }
    }
    // JSONata: the same numbers through an expression.
    let expr = json!({"QueryLanguage": "JSONata", "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": "{% $states.input.s %}", "End": true}}});
    for (s, want) in [(json!(4), 4_000), (json!(10_000_000_000i64), MAX_TIMER_MS)] {
        assert_eq!(first_timer(&expr, json!({ "s": s })), Ok(want), "Seconds {s}");
    }
    // A far timestamp waits; one before the epoch does not wait at all.
    let ts = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "TimestampPath": "$.t", "End": true}}});
    let far = first_timer(&ts, json!({"t": "9999-12-31T23:59:59Z"})).expect("a timer");
    assert!(far > MAX_TIMER_MS, "{far}");
    let past = first_timer(&ts, json!({"t": "1900-01-01T00:00:00Z"})).expect("a timer");
    assert!(past < 0);
}

#[test]
fn a_huge_wait_ends_with_the_execution_timeout() {
    let def = json!({"TimeoutSeconds": 60, "StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.s", "End": true}}});
    let mut exec = execution(&def, json!({"s": 1u64 << 62}), None);
    let outcome = run_to_end(&mut exec, &mut NoTasks);
    assert!(matches!(outcome, Outcome::TimedOut { .. }), "{outcome:?}");
}

/// Pseudo-random numbers of every shape through every field read at run time as a time or
/// a count: never a panic, always a timer within range or a clean failure.
#[test]
fn numbers_read_at_run_time_never_overflow() {
    let mut rng = asl::rng::SplitMix64::new(9);
    let mut numbers: Vec<Value> = vec![
        json!(0),
        json!(1),
        json!(-1),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(1e308),
        json!(-1e308),
        json!(0.5),
        json!(i32::MAX as i64 + 1),
        json!("7"),
        json!("-7"),
        json!("1e999"),
        json!(null),
        json!([1]),
    ];
    for _ in 0..200 {
        let x = rng.next_u64();
        numbers.push(match x % 4 {
            0 => json!(x),
            1 => json!(x as i64),
            2 => json!(f64::from_bits(x & 0x7FEF_FFFF_FFFF_FFFF)),
            _ => json!((x >> 40) as i64 - (1 << 23)),
        });
    }
    let defs = [
        json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.n", "End": true}}}),
        json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f"}, "TimeoutSecondsPath": "$.n", "End": true}}}),
        json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f"}, "HeartbeatSecondsPath": "$.n", "End": true}}}),
        json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrencyPath": "$.n",
            "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}),
        json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "ToleratedFailureCountPath": "$.n",
            "ItemProcessor": {"StartAt": "P", "States": {"F": {"Type": "Fail"}, "P": {"Type": "Pass", "Next": "F"}}}, "End": true}}}),
        json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "ToleratedFailurePercentagePath": "$.n",
            "ItemProcessor": {"StartAt": "P", "States": {"F": {"Type": "Fail"}, "P": {"Type": "Pass", "Next": "F"}}}, "End": true}}}),
        json!({"QueryLanguage": "JSONata", "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": "{% $states.input.n %}", "End": true}}}),
        json!({"QueryLanguage": "JSONata", "StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Arguments": {"FunctionName": "f"}, "TimeoutSeconds": "{% $states.input.n %}", "End": true}}}),
    ];
    for def in &defs {
        for n in &numbers {
            let mut exec = execution(def, json!({"n": n, "items": [1, 2, 3]}), None);
            exec.start(START_MS);
            while let Some(c) = exec.poll_command() {
                match c {
                    Command::StartTimer { fire_at_ms, .. } => {
                        assert!(
                            (START_MS..=START_MS + MAX_TIMER_MS).contains(&fire_at_ms),
                            "{def} {n}: {fire_at_ms}"
                        )
                    }
                    Command::InvokeTask(TaskRequest {
                        timeout_seconds,
                        heartbeat_seconds,
                        ..
                    }) => {
                        for s in [timeout_seconds, heartbeat_seconds].into_iter().flatten() {
                            assert!((1..=99_999_999).contains(&s), "{def} {n}: {s}");
                        }
                    }
                    Command::Cancel { .. } => {}
                }
            }
        }
    }
}

#[test]
fn retry_back_offs_that_grow_past_any_wait_stay_in_range() {
    let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f"}, "End": true,
        "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 99999999, "BackoffRate": 1000, "MaxAttempts": 99999999}]}}});
    let mut exec = execution(&def, json!({}), None);
    let mut now = START_MS;
    exec.start(now);
    for attempt in 0..200 {
        let mut timer = None;
        while let Some(c) = exec.poll_command() {
            match c {
                Command::InvokeTask(r) => {
                    exec.handle(
                        Input::TaskFailed {
                            id: r.id,
                            error: "E".into(),
                            cause: None,
                        },
                        now,
                    );
                }
                Command::StartTimer { id, fire_at_ms } => timer = Some((id, fire_at_ms)),
                Command::Cancel { .. } => {}
            }
        }
        let (id, at) = timer.expect("a back-off");
        assert!(at > now && at - now <= MAX_TIMER_MS, "attempt {attempt}: {}", at - now);
        now = at;
        exec.handle(Input::TimerFired { id }, now);
    }
}

#[test]
fn long_errors_and_causes_are_cut_to_the_apis_limits() {
    let long_cause = "c".repeat(300_000);
    let long_error = "e".repeat(1_000);
    let fail =
        json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "ErrorPath": "$.error", "CausePath": "$.cause"}}});
    let mut exec = execution(&fail, json!({"error": long_error, "cause": long_cause}), None);
    let (error, cause) = failure(&run_to_end(&mut exec, &mut NoTasks));
    assert_eq!((error.len(), cause.len()), (256, 32_768));
    let last = exec.history().last().expect("events");
    assert_eq!(last.type_name(), "ExecutionFailed");
    let details = serde_json::to_string(&last.to_json(true)).unwrap();
    assert!(details.len() < 40_000, "{} bytes", details.len());

    // A task's failure: its event and the execution's failure.
    struct Verbose;
    impl TaskHandler for Verbose {
        fn invoke(&mut self, _: &TaskRequest) -> Result<Value, (String, Option<String>)> {
            Err(("😀".repeat(200), Some("é".repeat(40_000))))
        }
    }
    let task = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f"}, "End": true}}});
    let mut exec = execution(&task, json!({}), None);
    let (error, cause) = failure(&run_to_end(&mut exec, &mut Verbose));
    assert_eq!(error.encode_utf16().count(), 256);
    assert_eq!(cause.encode_utf16().count(), 32_768);
    let failed = exec
        .history()
        .iter()
        .find(|e| e.type_name() == "TaskFailed")
        .expect("TaskFailed");
    let text = serde_json::to_string(&failed.to_json(true)).unwrap();
    assert!(text.len() < 70_000, "{} bytes", text.len());
}

/// The `…Path` counts of a Map state are Java ints, as AWS reads them.
#[test]
fn map_counts_read_at_run_time_are_ints() {
    let def = |field: &str| {
        json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", field: "$.n",
            "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}})
    };
    for field in ["MaxConcurrencyPath", "ToleratedFailureCountPath"] {
        for (n, ok) in [
            (json!(2), true),
            (json!("3"), true),
            (json!(i32::MAX), true),
            (json!(i32::MAX as i64 + 1), false),
            (json!(1i64 << 62), false),
            (json!(u64::MAX), false),
            (json!("99999999999"), false),
        ] {
            let mut exec = execution(&def(field), json!({"n": n, "items": [1, 2]}), None);
            let outcome = run_to_end(&mut exec, &mut NoTasks);
            if ok {
                assert!(matches!(outcome, Outcome::Succeeded { .. }), "{field} {n}: {outcome:?}");
            } else {
                let (error, cause) = failure(&outcome);
                assert_eq!(error, "States.Runtime");
                let shown = n.as_str().map(str::to_owned).unwrap_or_else(|| n.to_string());
                let want = format!("The {field} field refers to value \"{shown}\" which is not a valid integer: $.n");
                assert!(cause.ends_with(&want), "{field} {n}: {cause}");
            }
        }
    }
}

#[test]
fn an_execution_that_filled_its_history_cannot_be_redriven() {
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "BooleanEquals": true, "Next": "End"}], "Default": "A"},
        "End": {"Type": "Succeed"}}});
    let mut exec = execution(&def, json!({"stop": false}), Some(MAX_EVENTS));
    let outcome = run_to_end(&mut exec, &mut NoTasks);
    assert_stopped_at_limit(&exec, &outcome);
    assert!(!exec.can_redrive());
    exec.handle(Input::Redrive, START_MS);
    assert_eq!(exec.history().len() as u64, MAX_EVENTS);
    // Without a limit (or with room left) the same kind of failure can be redriven.
    let fail = json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}});
    let mut exec = execution(&fail, json!({}), Some(MAX_EVENTS));
    run_to_end(&mut exec, &mut NoTasks);
    assert!(exec.can_redrive());
}

#[test]
fn an_evaluation_failure_quoting_a_huge_value_is_cut_too() {
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "W", "States": {"W": {"Type": "Wait",
        "Seconds": "{% $pad('', 40000, 'x') %}", "End": true}}});
    let mut exec = execution(&def, json!({}), None);
    let (error, cause) = failure(&run_to_end(&mut exec, &mut NoTasks));
    assert_eq!(error, "States.QueryEvaluationError");
    assert_eq!(cause.len(), 32_768);
    let evaluation = exec
        .history()
        .iter()
        .find(|e| e.type_name() == "EvaluationFailed")
        .expect("EvaluationFailed");
    let text = serde_json::to_string(&evaluation.to_json(true)).unwrap();
    assert!(text.len() < 34_000, "{} bytes", text.len());
}
