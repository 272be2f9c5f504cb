//! Crash at every step, property-tested: random small state machines (Pass, Wait, Choice,
//! Task with Retry/Catch, Parallel, Map) run with their inputs delivered in a random order,
//! each step committed to the real SQLite store as the actor commits it. After every step
//! the execution is rebuilt from the store as a restart would: the checked replay must
//! pass, the rebuilt engine must wait for exactly what the running one waits for, and fed
//! the rest of the run it must produce the same remaining events and the same outcome.
//! The runs are sliced by a small step budget, and while a slice has work left the next
//! input is a continuation or, as in the actor's mailbox, an answer that arrived first.

use std::collections::BTreeMap;
use std::sync::Arc;

use asl::StateMachine;
use engine::{Command, CommandId, Execution, Input, Outcome, Progress};
use proptest::prelude::*;
use serde_json::{Value, json};
use store::{
    AppendBatch, ExecutionRecord, ExecutionStatus, HistoryQuery, SqliteStore, Store, StoredEvent, WorkflowType,
};

use super::{ENGINE_REPLAY_VERSION, check, client_input, journal_entry, replay_sliced, track};
use crate::actor::{drain, end_of, to_stored};
use crate::runtime::exec_config;
use crate::tasks::TaskAnswers;

const T0: i64 = 1_796_083_200_000;
/// A run that has not ended after this many inputs is cut short (a loop of retries).
const MAX_STEPS: usize = 200;
/// Slices of two states: small machines yield often.
const BUDGET: Option<u64> = Some(2);

#[derive(Debug, Clone)]
enum Node {
    Pass,
    Wait(u8),
    Choice(u8),
    Task { retry: bool, catch: bool },
    Parallel(Vec<Vec<Node>>),
    Map { body: Vec<Node>, concurrency: u8 },
}

#[derive(Debug, Clone)]
enum Answer {
    Ok(u8),
    Err(&'static str),
}

fn chain(inner: impl Strategy<Value = Node>) -> impl Strategy<Value = Vec<Node>> {
    prop::collection::vec(inner, 1..4)
}

fn node() -> impl Strategy<Value = Node> + Clone {
    let leaf = prop_oneof![
        Just(Node::Pass),
        (1u8..120).prop_map(Node::Wait),
        (0u8..10).prop_map(Node::Choice),
        (any::<bool>(), any::<bool>()).prop_map(|(retry, catch)| Node::Task { retry, catch }),
    ];
    leaf.prop_recursive(2, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(chain(inner.clone()), 1..3).prop_map(Node::Parallel),
            (chain(inner), 0u8..3).prop_map(|(body, concurrency)| Node::Map { body, concurrency }),
        ]
    })
}

fn answer() -> impl Strategy<Value = Answer> {
    prop_oneof![
        3 => (0u8..100).prop_map(Answer::Ok),
        1 => Just(Answer::Err("E1")),
        1 => Just(Answer::Err("E2")),
    ]
}

/// The `States` of a chain; state names start with `prefix`.
fn states(nodes: &[Node], prefix: &str, out: &mut serde_json::Map<String, Value>) {
    for (i, n) in nodes.iter().enumerate() {
        let name = format!("{prefix}{i}");
        let next = (i + 1 < nodes.len()).then(|| format!("{prefix}{}", i + 1));
        // A terminal state for the paths that leave the chain early.
        let mut terminal = |suffix: &str| {
            let t = format!("{name}_{suffix}");
            out.insert(t.clone(), json!({"Type": "Pass", "End": true}));
            t
        };
        let mut s = match n {
            Node::Pass => json!({"Type": "Pass", "Result": {"i": i}, "ResultPath": format!("$.p{i}")}),
            Node::Wait(secs) => json!({"Type": "Wait", "Seconds": secs}),
            Node::Choice(k) => {
                let otherwise = terminal("else");
                let then = next.clone().unwrap_or_else(|| terminal("then"));
                out.insert(
                    name.clone(),
                    json!({"Type": "Choice", "Default": otherwise,
                           "Choices": [{"Variable": "$.x", "NumericGreaterThan": k, "Next": then}]}),
                );
                continue;
            }
            Node::Task { retry, catch } => {
                let mut t = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                   "Parameters": {"FunctionName": "f", "Payload.$": "$"},
                                   "ResultPath": format!("$.t{i}")});
                if *retry {
                    t["Retry"] =
                        json!([{"ErrorEquals": ["E1"], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 2}]);
                }
                if *catch {
                    let to = next.clone().unwrap_or_else(|| terminal("caught"));
                    t["Catch"] = json!([{"ErrorEquals": ["States.ALL"], "ResultPath": format!("$.e{i}"), "Next": to}]);
                }
                t
            }
            Node::Parallel(branches) => {
                let branches: Vec<Value> = branches
                    .iter()
                    .enumerate()
                    .map(|(b, nodes)| sub_machine(nodes, &format!("{name}b{b}_")))
                    .collect();
                json!({"Type": "Parallel", "Branches": branches, "ResultPath": format!("$.par{i}")})
            }
            Node::Map { body, concurrency } => json!({
                "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": concurrency,
                "ItemSelector": {"x.$": "$$.Map.Item.Value", "items": [1, 2]},
                "ItemProcessor": sub_machine(body, &format!("{name}m_")),
                "ResultPath": format!("$.map{i}")
            }),
        };
        match next {
            Some(n) => s["Next"] = json!(n),
            None => s["End"] = json!(true),
        }
        out.insert(name, s);
    }
}

fn sub_machine(nodes: &[Node], prefix: &str) -> Value {
    let mut m = serde_json::Map::new();
    states(nodes, prefix, &mut m);
    json!({"StartAt": format!("{prefix}0"), "States": m})
}

fn record(definition: String, input: &Value, seed: u64) -> ExecutionRecord {
    ExecutionRecord {
        arn: "arn:aws:states:us-east-1:123456789012:execution:Crash:run".into(),
        state_machine_arn: "arn:aws:states:us-east-1:123456789012:stateMachine:Crash".into(),
        name: "run".into(),
        kind: WorkflowType::Standard,
        status: ExecutionStatus::Running,
        definition,
        role_arn: "arn:aws:iam::123456789012:role/crash".into(),
        input: input.to_string(),
        output: None,
        error: None,
        cause: None,
        start_ms: T0,
        stop_ms: None,
        version_arn: None,
        alias_arn: None,
        redrive_count: 0,
        test_case: None,
        seed,
        trace_header: None,
        replay_version: ENGINE_REPLAY_VERSION,
    }
}

/// What the store holds after a crash at some step, rebuilt and checked.
struct Restart {
    /// The inputs fed before the crash.
    step: usize,
    exec: Execution,
    stored: usize,
}

fn history(store: &SqliteStore, arn: &str) -> Vec<StoredEvent> {
    store.history(arn, &HistoryQuery::default()).unwrap()
}

/// Rebuilds the execution from the store, as `Runtime::rebuild` does, and checks it.
fn restart(
    store: &SqliteStore,
    def: &Arc<StateMachine>,
    rec: &ExecutionRecord,
    pending: &BTreeMap<CommandId, Command>,
    progress: Progress,
    step: usize,
) -> Result<Restart, TestCaseError> {
    let journal = store.journal(&rec.arn).unwrap();
    prop_assert_eq!(journal.len(), step);
    let stored = history(store, &rec.arn);
    let rebuilt = replay_sliced(
        def.clone(),
        exec_config(rec),
        rec,
        &journal,
        TaskAnswers::new(None),
        BUDGET,
    )
    .unwrap();
    if let Err(d) = check(&stored, &rebuilt.events) {
        return Err(TestCaseError::fail(format!("crash after step {step}: {d}")));
    }
    prop_assert_eq!(
        &rebuilt.outstanding,
        pending,
        "crash after step {}: what it waits for",
        step
    );
    prop_assert_eq!(
        rebuilt.progress,
        progress,
        "crash after step {}: whether it was computing",
        step
    );
    Ok(Restart {
        step,
        exec: rebuilt.exec,
        stored: stored.len(),
    })
}

fn run_case(nodes: Vec<Node>, x: u8, seed: u64, order: Vec<u16>, answers: Vec<Answer>) -> Result<(), TestCaseError> {
    let definition = sub_machine(&nodes, "S").to_string();
    let def =
        Arc::new(StateMachine::parse(&definition).map_err(|e| TestCaseError::fail(format!("{e}: {definition}")))?);
    let input = json!({"x": x, "items": [1, 2, 3]});
    let rec = record(definition, &input, seed);
    let store = SqliteStore::open_in_memory().unwrap();

    // The run without a crash, committed step by step as the actor does.
    let mut exec = Execution::new(def.clone(), exec_config(&rec), input.clone());
    exec.set_step_budget(BUDGET);
    let mut progress = exec.start(T0);
    let mut pending = BTreeMap::new();
    track(&mut pending, drain(&mut exec));
    let mut first: Vec<StoredEvent> = exec.take_history().iter().map(to_stored).collect();
    client_input(&mut first, &rec.input);
    store.create_execution(&rec, &first, &[]).unwrap();
    let mut restarts = vec![restart(&store, &def, &rec, &pending, progress, 0)?];
    let mut inputs: Vec<(i64, Input)> = Vec::new();
    let mut now = T0;
    let mut invocations = 0usize;
    while exec.outcome().is_none() && (progress == Progress::Yielded || !pending.is_empty()) && inputs.len() < MAX_STEPS
    {
        // Any outstanding command may be answered next: tasks return in any order, and a
        // late timer fires with the clock past its time. After a slice with work left,
        // mostly the work goes on.
        let choice = order[inputs.len() % order.len()] as usize;
        if progress == Progress::Yielded && (pending.is_empty() || !choice.is_multiple_of(3)) {
            now += 1;
            progress = exec.handle(Input::Continue, now);
            track(&mut pending, drain(&mut exec));
            inputs.push((now, Input::Continue));
            store
                .append(&AppendBatch {
                    execution_arn: rec.arn.clone(),
                    events: exec.take_history().iter().map(to_stored).collect(),
                    journal: vec![journal_entry(&mut exec, inputs.len() as u64, now, &Input::Continue)],
                    redrive: false,
                    end: exec.outcome().map(|o| end_of(o, now)),
                })
                .unwrap();
            restarts.push(restart(&store, &def, &rec, &pending, progress, inputs.len())?);
            continue;
        }
        let pick = choice / 3 % pending.len();
        let (&id, cmd) = pending.iter().nth(pick).unwrap();
        let input = match cmd {
            Command::StartTimer { fire_at_ms, .. } => {
                now = now.max(*fire_at_ms);
                Input::TimerFired { id }
            }
            Command::InvokeTask(_) => {
                now += 7;
                invocations += 1;
                match &answers[invocations % answers.len()] {
                    Answer::Ok(v) => Input::TaskSucceeded {
                        id,
                        output: json!({"v": v}),
                    },
                    Answer::Err(e) => Input::TaskFailed {
                        id,
                        error: (*e).into(),
                        cause: Some("mocked".into()),
                    },
                }
            }
            Command::Cancel { .. } => unreachable!("cancels are not kept"),
        };
        pending.remove(&id);
        progress = exec.handle(input.clone(), now);
        track(&mut pending, drain(&mut exec));
        inputs.push((now, input.clone()));
        store
            .append(&AppendBatch {
                execution_arn: rec.arn.clone(),
                events: exec.take_history().iter().map(to_stored).collect(),
                journal: vec![journal_entry(&mut exec, inputs.len() as u64, now, &input)],
                redrive: false,
                end: exec.outcome().map(|o| end_of(o, now)),
            })
            .unwrap();
        restarts.push(restart(&store, &def, &rec, &pending, progress, inputs.len())?);
    }
    let outcome: Option<Outcome> = exec.outcome().cloned();
    let all = history(&store, &rec.arn);

    // Every restart, fed the rest of the run, ends where the run without a crash ended.
    for r in restarts {
        let mut exec = r.exec;
        let mut events = all[..r.stored].to_vec();
        for (now, input) in &inputs[r.step..] {
            exec.handle(input.clone(), *now);
            drain(&mut exec);
            events.extend(exec.take_history().iter().map(to_stored));
        }
        if let Err(d) = check(&all, &events) {
            return Err(TestCaseError::fail(format!("resumed after step {}: {d}", r.step)));
        }
        prop_assert_eq!(exec.outcome(), outcome.as_ref(), "resumed after step {}", r.step);
    }
    Ok(())
}

proptest! {
    // Kept small for CI (seconds); PROPTEST_CASES=2000 for a longer search.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(48)
    ))]

    #[test]
    fn a_crash_at_any_step_replays_to_the_same_events_and_outcome(
        nodes in chain(node()),
        x in 0u8..10,
        seed in any::<u64>(),
        order in prop::collection::vec(any::<u16>(), 1..16),
        answers in prop::collection::vec(answer(), 1..6),
    ) {
        run_case(nodes, x, seed, order, answers)?;
    }
}
