//! `store-bench`: appends per second into a SQLite store with fsync on, for 1 thread and for
//! many concurrent threads (the group-commit gain).
//!
//! ```text
//! cargo run --release -p stepwise-store --bin store-bench -- [--dir DIR] [--threads 1,8,64] [--appends N]
//! ```
//!
//! Each thread drives one execution; each append is one engine step: 3 history events of
//! about 200 bytes and one journal entry, committed durably. `--appends` is the total per
//! run (split between the threads). The database goes in a fresh directory under DIR
//! (default: the system's temp dir), which should be on the disk you want to measure.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use store::{
    AppendBatch, ExecutionRecord, ExecutionStatus, JournalEntry, SqliteStore, Store, StoredEvent, WorkflowType,
};

const EVENTS_PER_APPEND: u64 = 3;

struct Args {
    dir: PathBuf,
    threads: Vec<usize>,
    appends: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        dir: std::env::temp_dir(),
        threads: vec![1, 8, 64],
        appends: 6400,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--dir" => args.dir = PathBuf::from(value()?),
            "--threads" => {
                args.threads = value()?
                    .split(',')
                    .map(|t| t.trim().parse::<usize>().map_err(|e| format!("--threads: {e}")))
                    .collect::<Result<_, _>>()?;
                if args.threads.contains(&0) {
                    return Err("--threads: 0 threads".into());
                }
            }
            "--appends" => args.appends = value()?.parse().map_err(|e| format!("--appends: {e}"))?,
            "-h" | "--help" => {
                println!("store-bench [--dir DIR] [--threads 1,8,64] [--appends TOTAL_PER_RUN]");
                std::process::exit(0);
            }
            _ => return Err(format!("unknown argument {a}")),
        }
    }
    Ok(args)
}

fn execution(arn: &str) -> ExecutionRecord {
    ExecutionRecord {
        arn: arn.into(),
        state_machine_arn: "arn:aws:states:us-east-1:123456789012:stateMachine:bench".into(),
        name: arn.rsplit(':').next().unwrap_or("x").into(),
        kind: WorkflowType::Standard,
        status: ExecutionStatus::Running,
        definition: "{}".into(),
        role_arn: "arn:aws:iam::123456789012:role/bench".into(),
        input: "{}".into(),
        output: None,
        error: None,
        cause: None,
        start_ms: 0,
        stop_ms: None,
        version_arn: None,
        alias_arn: None,
        redrive_count: 0,
        test_case: None,
        seed: 42,
        trace_header: None,
        replay_version: 1,
    }
}

/// A history event of about 200 bytes of details, like a state's entered/exited event.
fn event(id: u64) -> StoredEvent {
    StoredEvent {
        id,
        previous_event_id: id - 1,
        timestamp_ms: 1_700_000_000_000 + id as i64,
        event_type: "TaskStateEntered".into(),
        details: Some((
            "stateEnteredEventDetails".into(),
            json!({
                "name": "ProcessOrder",
                "input": "{\"orderId\":\"8d6e0c1a-5b0e-4c1e-9f1e-2b7d3c4a5e6f\",\"items\":[{\"sku\":\"A-1\",\"qty\":2},{\"sku\":\"B-7\",\"qty\":1}],\"total\":42.5}",
                "inputDetails": {"truncated": false}
            }),
        )),
    }
}

struct Run {
    threads: usize,
    appends: usize,
    elapsed: Duration,
    transactions: u64,
    latencies: Vec<Duration>,
    /// Size of the WAL file at the end of the run (checkpoints keep it bounded).
    wal_bytes: u64,
}

fn run(dir: &std::path::Path, threads: usize, total: usize) -> Result<Run, String> {
    let db = dir.join(format!("bench-{threads}.db"));
    let store = Arc::new(SqliteStore::open(&db).map_err(|e| e.to_string())?);
    let per_thread = total.div_ceil(threads).max(1);
    for t in 0..threads {
        let arn = format!("arn:aws:states:us-east-1:123456789012:execution:bench:t{t}");
        store
            .create_execution(&execution(&arn), &[], &[])
            .map_err(|e| e.to_string())?;
    }
    let before = store.writer_stats();
    let start = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || -> Result<Vec<Duration>, String> {
                let arn = format!("arn:aws:states:us-east-1:123456789012:execution:bench:t{t}");
                let mut latencies = Vec::with_capacity(per_thread);
                for b in 0..per_thread as u64 {
                    let batch = AppendBatch {
                        redrive: false,
                        execution_arn: arn.clone(),
                        events: (1..=EVENTS_PER_APPEND)
                            .map(|k| event(b * EVENTS_PER_APPEND + k))
                            .collect(),
                        journal: vec![JournalEntry {
                            seq: b,
                            now_ms: 1_700_000_000_000 + b as i64,
                            input: json!({"TaskSucceeded": {"output": "{\"ok\":true}"}}),
                            time_limit_hits: Vec::new(),
                            cut: None,
                        }],
                        end: None,
                    };
                    let t0 = Instant::now();
                    store.append(&batch).map_err(|e| e.to_string())?;
                    latencies.push(t0.elapsed());
                }
                Ok(latencies)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for h in handles {
        latencies.extend(h.join().map_err(|_| "a bench thread panicked".to_string())??);
    }
    let elapsed = start.elapsed();
    let stats = store.writer_stats();
    let wal_bytes = std::fs::metadata(dir.join(format!("bench-{threads}.db-wal")))
        .map(|m| m.len())
        .unwrap_or(0);
    drop(store);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("bench-{threads}.db{suffix}")));
    }
    latencies.sort();
    Ok(Run {
        threads,
        appends: per_thread * threads,
        elapsed,
        transactions: stats.transactions - before.transactions,
        latencies,
        wal_bytes,
    })
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)].as_secs_f64() * 1e3
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("store-bench: {e}");
            std::process::exit(2);
        }
    };
    let dir = args.dir.join(format!("stepwise-store-bench-{}", std::process::id()));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("store-bench: cannot create {}: {e}", dir.display());
        std::process::exit(1);
    }
    println!(
        "SQLite store, WAL, synchronous=FULL; {EVENTS_PER_APPEND} events (~200 B of details each) + 1 journal entry per append; db in {}",
        dir.display()
    );
    println!(
        "{:>7} {:>8} {:>9} {:>10} {:>10} {:>8} {:>10} {:>13} {:>8}",
        "threads", "appends", "seconds", "appends/s", "events/s", "commits", "per-commit", "p50/p99 ms", "WAL MiB"
    );
    let mut failed = false;
    for &threads in &args.threads {
        match run(&dir, threads, args.appends) {
            Ok(r) => {
                let secs = r.elapsed.as_secs_f64();
                let rate = r.appends as f64 / secs;
                println!(
                    "{:>7} {:>8} {:>9.2} {:>10.0} {:>10.0} {:>8} {:>10.1} {:>13} {:>8}",
                    r.threads,
                    r.appends,
                    secs,
                    rate,
                    rate * EVENTS_PER_APPEND as f64,
                    r.transactions,
                    r.appends as f64 / r.transactions.max(1) as f64,
                    format!("{:.2}/{:.2}", pct(&r.latencies, 0.5), pct(&r.latencies, 0.99)),
                    format!("{:.1}", r.wal_bytes as f64 / (1024.0 * 1024.0))
                );
            }
            Err(e) => {
                eprintln!("store-bench: {threads} threads: {e}");
                failed = true;
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    if failed {
        std::process::exit(1);
    }
}
