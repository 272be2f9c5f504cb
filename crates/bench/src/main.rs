//! `engine-bench`: in-process throughput of the interpreter, in state transitions per
//! second, and the peak heap each workload needs. Run it with
//! `cargo run --release -p stepwise-bench --bin engine-bench`.
//!
//! Each workload runs once with no history kept (as an Express workflow) and once with the
//! full history kept (as a Standard workflow does), on one thread. Peak memory is measured
//! by a counting allocator, so it is exact and does not depend on the machine's load.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use asl::StateMachine;
use engine::local::{self, NoTasks, VirtualClock};
use engine::{Execution, ExecutionConfig, Outcome};
use serde_json::{Value, json};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

struct Workload {
    name: &'static str,
    definition: Value,
    input: Value,
}

fn workloads() -> Vec<Workload> {
    let counter: Value =
        serde_json::from_str(include_str!("../../../examples/bench/counter-loop.json")).expect("counter-loop.json");
    let mut chain = serde_json::Map::new();
    for i in 0..1000 {
        let mut st = json!({
            "Type": "Pass",
            "Parameters": {"step": i, "value.$": "$.value"},
            "ResultPath": "$.last"
        });
        if i == 999 {
            st["End"] = json!(true);
        } else {
            st["Next"] = json!(format!("S{}", i + 1));
        }
        chain.insert(format!("S{i}"), st);
    }
    let items: Vec<Value> = (0..10_000)
        .map(|i| json!({"id": i, "name": format!("item-{i}")}))
        .collect();
    vec![
        Workload {
            name: "Choice/Pass counter loop, 100,000 iterations (States.MathAdd)",
            definition: counter,
            input: json!({"count": 0, "limit": 100_000}),
        },
        Workload {
            name: "the same loop in JSONata (Condition, Output)",
            definition: serde_json::from_str(include_str!("../../../examples/bench/counter-loop-jsonata.json"))
                .expect("counter-loop-jsonata.json"),
            input: json!({"count": 0, "limit": 100_000}),
        },
        Workload {
            name: "JSONata: 200 KiB input, 10 states reading one field each",
            definition: big_input_chain(),
            input: big_input(),
        },
        Workload {
            name: "1,000-state Pass chain with Parameters and ResultPath",
            definition: json!({"StartAt": "S0", "States": chain}),
            input: json!({"value": "x", "last": null}),
        },
        Workload {
            name: "inline Map over 10,000 items, 3 Pass states each",
            definition: json!({
                "StartAt": "Fan",
                "States": {"Fan": {"Type": "Map", "ItemsPath": "$.items", "End": true,
                    "ItemProcessor": {"StartAt": "A", "States": {
                        "A": {"Type": "Pass", "Parameters": {"id.$": "$.id", "stage": "a"}, "Next": "B"},
                        "B": {"Type": "Pass", "ResultPath": "$.b", "Result": true, "Next": "C"},
                        "C": {"Type": "Pass", "OutputPath": "$.id", "End": true}}}}}
            }),
            input: json!({"items": items}),
        },
    ]
}

/// Ten JSONata Pass states over a large input, each reading one small field into a
/// variable and passing on a small output: measures that an expression does not convert
/// the whole input (only the first state sees the 200 KiB input).
fn big_input_chain() -> Value {
    let mut states = serde_json::Map::new();
    for i in 0..10 {
        let mut st = json!({
            "Type": "Pass",
            "Assign": {"id": "{% $states.input.order.id %}"},
            "Output": {"order": "{% $states.input.order %}", "lines": "{% $count($states.input.lines) %}"}
        });
        if i == 9 {
            st["End"] = json!(true);
        } else {
            st["Next"] = json!(format!("S{}", i + 1));
        }
        states.insert(format!("S{i}"), st);
    }
    json!({"QueryLanguage": "JSONata", "StartAt": "S0", "States": states})
}

/// About 200 KiB of order lines plus a small `order` object.
fn big_input() -> Value {
    let lines: Vec<Value> = (0..2_000)
        .map(|i| json!({"sku": format!("SKU-{i:06}"), "qty": i % 7, "price": 12.5, "note": "x".repeat(40)}))
        .collect();
    json!({"order": {"id": "ORD-1"}, "lines": lines})
}

/// Runs one execution; returns (transitions, seconds, peak heap bytes above the baseline).
fn measure(def: &Arc<StateMachine>, input: &Value, history: bool) -> (u64, f64, usize) {
    let input = input.clone();
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let mut cfg = ExecutionConfig::new("Bench", "run-1", "us-east-1", "123456789012");
    cfg.record_history = history;
    let started = Instant::now();
    let mut exec = Execution::new(def.clone(), cfg, input);
    let outcome = local::run(&mut exec, &mut NoTasks, &mut VirtualClock(0));
    let secs = started.elapsed().as_secs_f64();
    assert!(
        matches!(outcome, Some(Outcome::Succeeded { .. })),
        "workload failed: {outcome:?}"
    );
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    let transitions = exec.transitions();
    drop(exec);
    (transitions, secs, peak)
}

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    println!("engine-bench: best of {rounds} runs each, one thread");
    println!("| workload | history | transitions | best time | transitions/s | peak heap |");
    println!("|---|---|---:|---:|---:|---:|");
    for w in workloads() {
        let def = Arc::new(StateMachine::from_value(&w.definition).expect("valid definition"));
        for history in [false, true] {
            let mut best = f64::MAX;
            let mut transitions = 0;
            let mut peak = 0;
            for _ in 0..rounds {
                let (t, s, p) = measure(&def, &w.input, history);
                transitions = t;
                best = best.min(s);
                peak = peak.max(p);
            }
            println!(
                "| {} | {} | {} | {:.1} ms | {:.0} | {:.1} MiB |",
                w.name,
                if history { "kept" } else { "none" },
                transitions,
                best * 1000.0,
                transitions as f64 / best,
                peak as f64 / (1024.0 * 1024.0)
            );
        }
    }
}
