//! Replay determinism: the same definition, configuration and inputs give the same commands
//! and events, whether the execution runs for the first time or is rebuilt from its journal.

use std::sync::Arc;

use asl::StateMachine;
use engine::{Command, Execution, ExecutionConfig, HistoryEvent, Input};
use serde_json::{Value, json};

/// Everything an execution produced, and the journal that produced it.
#[derive(Debug, PartialEq)]
struct Run {
    commands: Vec<Command>,
    events: Vec<HistoryEvent>,
    journal: Vec<(Input, i64)>,
}

fn execution(def: &Value, input: &Value) -> Execution {
    let def = Arc::new(StateMachine::from_value(def).expect("valid definition"));
    let mut cfg = ExecutionConfig::new("M", "e", "us-east-1", "123456789012");
    cfg.record_history = true;
    cfg.seed = 42;
    Execution::new(def, cfg, input.clone())
}

fn drain(exec: &mut Execution, into: &mut Vec<Command>) -> Vec<Command> {
    let new: Vec<Command> = std::iter::from_fn(|| exec.poll_command()).collect();
    into.extend(new.iter().cloned());
    new
}

/// Drives `def` to its end, answering outstanding commands in an order picked by `pick`
/// (from the list of what is outstanding); with `stop_after`, a StopExecution arrives after
/// that many answers.
fn drive(def: &Value, input: &Value, mut pick: impl FnMut(usize) -> usize, stop_after: Option<usize>) -> Run {
    let mut exec = execution(def, input);
    let mut now = 1_000;
    let mut run = Run {
        commands: Vec::new(),
        events: Vec::new(),
        journal: Vec::new(),
    };
    exec.start(now);
    let mut outstanding: Vec<Command> = Vec::new();
    loop {
        for c in drain(&mut exec, &mut run.commands) {
            match c {
                Command::Cancel { id } => outstanding.retain(|o| command_id(o) != id),
                other => outstanding.push(other),
            }
        }
        run.events.extend(exec.take_history());
        if exec.outcome().is_some() || outstanding.is_empty() {
            return run;
        }
        let input = if stop_after == Some(run.journal.len()) {
            Input::Stop {
                error: Some("Stopped".into()),
                cause: None,
            }
        } else {
            let i = pick(outstanding.len()) % outstanding.len();
            match outstanding.remove(i) {
                Command::InvokeTask(req) if req.input.get("fail") == Some(&json!(true)) => Input::TaskFailed {
                    id: req.id,
                    error: "Boom".into(),
                    cause: Some(format!("item {}", req.input)),
                },
                Command::InvokeTask(req) => Input::TaskSucceeded {
                    id: req.id,
                    output: json!({"answered": req.id, "state": req.state_name}),
                },
                Command::StartTimer { id, fire_at_ms } => {
                    now = now.max(fire_at_ms);
                    Input::TimerFired { id }
                }
                Command::Cancel { .. } => unreachable!(),
            }
        };
        now += 1;
        run.journal.push((input.clone(), now));
        exec.handle(input, now);
    }
}

fn command_id(c: &Command) -> u64 {
    match c {
        Command::InvokeTask(r) => r.id,
        Command::StartTimer { id, .. } | Command::Cancel { id } => *id,
    }
}

/// Rebuilds the execution from its journal, as a durable runtime does after a restart.
fn replay(def: &Value, input: &Value, journal: &[(Input, i64)]) -> Run {
    let mut exec = execution(def, input);
    let mut run = Run {
        commands: Vec::new(),
        events: Vec::new(),
        journal: journal.to_vec(),
    };
    exec.start(1_000);
    for (input, now) in journal {
        drain(&mut exec, &mut run.commands);
        run.events.extend(exec.take_history());
        exec.handle(input.clone(), *now);
    }
    drain(&mut exec, &mut run.commands);
    run.events.extend(exec.take_history());
    run
}

/// Tasks in Parallel branches and Map iterations, a retried task, waits and a caught failure
/// that aborts siblings with tasks still outstanding.
fn workflow() -> Value {
    json!({"StartAt": "Fan", "States": {
        "Fan": {"Type": "Parallel", "Next": "Items", "ResultPath": "$.fan", "Branches": [
            {"StartAt": "A", "States": {
                "A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:a", "Next": "AW"},
                "AW": {"Type": "Wait", "Seconds": 3, "End": true}}},
            {"StartAt": "B", "States": {
                "B": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
                      "Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 2, "JitterStrategy": "FULL"}]}}},
            {"StartAt": "C", "States": {
                "C": {"Type": "Wait", "Seconds": 1, "Next": "CT"},
                "CT": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}
        ]},
        "Items": {"Type": "Map", "ItemsPath": "$.items", "Next": "Done", "ResultPath": "$.mapped",
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught", "ResultPath": "$.error"}],
                  "ItemProcessor": {"StartAt": "Work", "States": {
                      "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}},
        "Caught": {"Type": "Pass", "Next": "Done"},
        "Done": {"Type": "Succeed"}
    }})
}

fn items_input(fail_at: usize) -> Value {
    let items: Vec<Value> = (0..6).map(|i| json!({"i": i, "fail": i == fail_at})).collect();
    json!({"items": items})
}

/// A small deterministic stream of choices.
fn lcg(seed: u64) -> impl FnMut(usize) -> usize {
    let mut x = seed;
    move |n| {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((x >> 33) as usize) % n.max(1)
    }
}

#[test]
fn the_same_inputs_give_the_same_commands_and_events() {
    let def = workflow();
    for seed in 0..20 {
        let input = items_input((seed % 7) as usize);
        let first = drive(&def, &input, lcg(seed), None);
        let second = drive(&def, &input, lcg(seed), None);
        assert_eq!(first, second, "seed {seed}");
        let iterations = first
            .events
            .iter()
            .filter(|e| e.type_name() == "MapIterationStarted")
            .count();
        assert_eq!(iterations, 6, "seed {seed}: the Map ran every item");
    }
}

#[test]
fn replaying_the_journal_reproduces_commands_and_events() {
    let def = workflow();
    for seed in 0..20 {
        let input = items_input((seed % 7) as usize);
        let stop = (seed % 3 == 0).then_some((seed % 11) as usize);
        let first = drive(&def, &input, lcg(seed), stop);
        let again = replay(&def, &input, &first.journal);
        assert_eq!(first, again, "seed {seed}");
    }
}

#[test]
fn cancels_come_out_in_command_order() {
    // Item 0 fails first while the other five tasks are outstanding: the Map aborts them.
    let def = workflow();
    let input = items_input(0);
    // Answer the three Parallel tasks and timers in order, then the failing item first.
    let run = drive(&def, &input, |_| 0, None);
    let cancels: Vec<u64> = run
        .commands
        .iter()
        .filter_map(|c| match c {
            Command::Cancel { id } => Some(*id),
            _ => None,
        })
        .collect();
    assert!(cancels.len() >= 5, "{cancels:?}");
    assert!(cancels.windows(2).all(|w| w[0] < w[1]), "{cancels:?}");

    // A stop with several commands outstanding cancels them in id order too.
    let run = drive(&def, &items_input(99), |_| 0, Some(0));
    let cancels: Vec<u64> = run
        .commands
        .iter()
        .filter_map(|c| match c {
            Command::Cancel { id } => Some(*id),
            _ => None,
        })
        .collect();
    assert!(cancels.len() >= 3, "{cancels:?}");
    assert!(cancels.windows(2).all(|w| w[0] < w[1]), "{cancels:?}");
}
