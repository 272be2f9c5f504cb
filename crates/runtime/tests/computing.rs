//! CPU-bound executions on the real clock over the real SQLite store: they compute off the
//! runtime's worker threads, in slices, and stops, time-outs and gone clients reach them
//! while they compute. Crashes are a dropped tokio runtime.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use runtime::Runtime;
use store::{ExecutionStatus, SqliteStore, Store, WorkflowType};

/// Counts up for ever: a tight Choice/Pass loop.
const SPIN: &str = r#"{"StartAt":"Init","States":{
    "Init":{"Type":"Pass","Result":{"n":0},"Next":"Inc"},
    "Inc":{"Type":"Pass","Parameters":{"n.$":"States.MathAdd($.n, 1)"},"Next":"Check"},
    "Check":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThanEquals":0,"Next":"Inc"}],"Default":"Done"},
    "Done":{"Type":"Succeed"}}}"#;

/// Counts up for ever, each step doing some work (`$count([1..50000])`): it computes for
/// seconds before its history nears the 25,000-event limit, which [`SPIN`] reaches in
/// well under a second in a release build.
const SPIN_SLOWLY: &str = r#"{"StartAt":"Init","States":{
    "Init":{"Type":"Pass","Result":{"n":0},"Next":"Inc"},
    "Inc":{"Type":"Pass","QueryLanguage":"JSONata","Output":{"n":"{% $states.input.n + $count([1..50000]) - 49999 %}"},"Next":"Check"},
    "Check":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThanEquals":0,"Next":"Inc"}],"Default":"Done"},
    "Done":{"Type":"Succeed"}}}"#;

const WAIT_AN_HOUR: &str = r#"{"StartAt":"Nap","States":{
    "Nap":{"Type":"Wait","Seconds":3600,"End":true}}}"#;

fn with_timeout(def: &str, seconds: u64) -> String {
    def.replacen('{', &format!(r#"{{"TimeoutSeconds":{seconds},"#), 1)
}

fn express(mut req: runtime::StartRequest) -> runtime::StartRequest {
    req.target.kind = WorkflowType::Express;
    req
}

fn tokio2() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

async fn describe(rt: &Arc<Runtime>, arn: &str) -> store::ExecutionRecord {
    let store = rt.store().clone();
    let arn = arn.to_string();
    tokio::task::spawn_blocking(move || store.get_execution(&arn).unwrap().expect("exists"))
        .await
        .unwrap()
}

async fn events(rt: &Arc<Runtime>, arn: &str) -> Vec<store::StoredEvent> {
    let store = rt.store().clone();
    let arn = arn.to_string();
    tokio::task::spawn_blocking(move || history(store.as_ref(), &arn))
        .await
        .unwrap()
}

/// Waits (real time) until the execution ends, at most `within`.
async fn ended_within(rt: &Arc<Runtime>, arn: &str, within: Duration) -> store::ExecutionRecord {
    let t = Instant::now();
    loop {
        let rec = describe(rt, arn).await;
        if rec.status != ExecutionStatus::Running {
            return rec;
        }
        assert!(t.elapsed() < within, "{arn} still runs after {within:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[test]
fn two_spinning_sync_executions_leave_the_workers_free() {
    tokio2().block_on(async {
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let rt = Runtime::new(store, config()).await.unwrap();
        let def = with_timeout(SPIN, 5);
        let mut spinning = Vec::new();
        for i in 0..2 {
            let rt = rt.clone();
            let req = express(request(&format!("spin{i}"), &def, "{}"));
            spinning.push(tokio::spawn(async move { rt.start_sync(req).await }));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(rt.running_count(), 2, "both spin");
        // A request's work on the runtime's workers is served at once, again and again.
        let mut worst = Duration::ZERO;
        for _ in 0..50 {
            let t = Instant::now();
            let rec = rt
                .start_execution(express(request(
                    "quick",
                    r#"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#,
                    "{}",
                )))
                .await
                .unwrap();
            assert_eq!(rec.status, ExecutionStatus::Succeeded);
            tokio::time::sleep(Duration::from_millis(1)).await;
            worst = worst.max(t.elapsed());
        }
        assert!(worst < Duration::from_millis(250), "a quick execution took {worst:?}");
        for h in spinning {
            let r = h.await.unwrap().unwrap();
            assert_eq!(
                r.record.status,
                ExecutionStatus::TimedOut,
                "the time limit reaches a computing execution"
            );
        }
    });
}

#[test]
fn start_replies_promptly_and_progress_is_committed_while_it_computes() {
    tokio2().block_on(async {
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let rt = Runtime::new(store, config()).await.unwrap();
        let t = Instant::now();
        let rec = rt.start_execution(request("hot", SPIN, "{}")).await.unwrap();
        assert!(
            t.elapsed() < Duration::from_millis(500),
            "StartExecution took {:?}",
            t.elapsed()
        );
        assert_eq!(describe(&rt, &rec.arn).await.status, ExecutionStatus::Running);
        let first = events(&rt, &rec.arn).await.len();
        let mut later = first;
        for _ in 0..200 {
            tokio::time::sleep(Duration::from_millis(5)).await;
            later = events(&rt, &rec.arn).await.len();
            if later > first {
                break;
            }
        }
        assert!(later > first, "the history grows while it computes ({first} events)");
        // It runs until AWS's history limit.
        let done = ended_within(&rt, &rec.arn, Duration::from_secs(120)).await;
        assert_eq!(done.status, ExecutionStatus::Failed);
        let h = events(&rt, &rec.arn).await;
        assert_eq!(h.len(), 25_000);
        assert_well_linked(&h);
    });
}

#[test]
fn stop_lands_on_a_computing_standard_execution() {
    tokio2().block_on(async {
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let rt = Runtime::new(store, config()).await.unwrap();
        let rec = rt.start_execution(request("stopped", SPIN_SLOWLY, "{}")).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        let t = Instant::now();
        let stopped = rt
            .stop_execution(&rec.arn, Some("Enough".into()), Some("it spins".into()))
            .await
            .unwrap();
        assert!(
            t.elapsed() < Duration::from_millis(500),
            "the stop took {:?}",
            t.elapsed()
        );
        assert_eq!(stopped.status, ExecutionStatus::Aborted);
        let h = events(&rt, &rec.arn).await;
        assert!(h.len() < 25_000, "stopped before the history limit");
        assert_eq!(h.last().unwrap().event_type, "ExecutionAborted");
        assert_well_linked(&h);
    });
}

#[test]
fn timeout_seconds_ends_a_computing_standard_execution() {
    tokio2().block_on(async {
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let rt = Runtime::new(store, config()).await.unwrap();
        let rec = rt
            .start_execution(request("late", &with_timeout(SPIN_SLOWLY, 1), "{}"))
            .await
            .unwrap();
        let done = ended_within(&rt, &rec.arn, Duration::from_secs(60)).await;
        let h = events(&rt, &rec.arn).await;
        assert_eq!(done.status, ExecutionStatus::TimedOut);
        assert_eq!(h.last().unwrap().event_type, "ExecutionTimedOut");
        let late = h.last().unwrap().timestamp_ms - h[0].timestamp_ms;
        assert!((1_000..1_500).contains(&late), "timed out after {late} ms");
    });
}

#[test]
fn a_dropped_sync_client_stops_its_loop() {
    tokio2().block_on(async {
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let rt = Runtime::new(store, config()).await.unwrap();
        let req = express(request("abandoned", SPIN, "{}"));
        let client = {
            let rt = rt.clone();
            tokio::spawn(async move { rt.start_sync(req).await })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(rt.running_count(), 1);
        client.abort();
        let t = Instant::now();
        while rt.running_count() > 0 {
            assert!(
                t.elapsed() < Duration::from_millis(500),
                "the loop goes on without its client"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
}

/// Opens the runtime over the file store in a fresh tokio runtime, runs `f`, and drops
/// both (a crash, for what was running).
fn lifetime<T>(db: &std::path::Path, f: impl AsyncFnOnce(Arc<Runtime>, Arc<SqliteStore>) -> T) -> T {
    let tokio = tokio2();
    let out = tokio.block_on(async {
        let store = Arc::new(SqliteStore::open(db).unwrap());
        let rt = Runtime::new(store.clone(), config()).await.unwrap();
        f(rt, store).await
    });
    tokio.shutdown_timeout(Duration::from_secs(5));
    out
}

/// Waits a second, then counts up for ever.
fn nap_then_spin() -> String {
    SPIN.replacen(
        r#""StartAt":"Init","States":{"#,
        r#""StartAt":"Nap","States":{"Nap":{"Type":"Wait","Seconds":1,"Next":"Init"},"#,
        1,
    )
}

#[test]
fn the_resume_guard_fails_an_execution_that_died_twice_and_spares_a_parked_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("stepwise.db");
    let (parked, doomed) = lifetime(&db, async |rt, _| {
        let parked = rt.start_execution(request("parked", WAIT_AN_HOUR, "{}")).await.unwrap();
        let doomed = rt
            .start_execution(request("doomed", &nap_then_spin(), "{}"))
            .await
            .unwrap();
        (parked.arn, doomed.arn)
    });
    // Two processes died while `doomed` was computing.
    {
        let store = SqliteStore::open(&db).unwrap();
        assert_eq!(store.mark_unsettled(&doomed).unwrap(), 0);
        assert_eq!(store.mark_unsettled(&doomed).unwrap(), 1);
    }
    for restart in 0..4 {
        lifetime(&db, async |rt, store| {
            let p = describe(&rt, &parked).await;
            assert_eq!(
                p.status,
                ExecutionStatus::Running,
                "restart {restart}: the parked one lives on"
            );
            // The nap ends within this lifetime, and the guard stops it computing again.
            let d = ended_within(&rt, &doomed, Duration::from_secs(10)).await;
            assert_eq!(d.status, ExecutionStatus::Failed);
            assert_eq!(d.error.as_deref(), Some("States.Runtime"));
            assert!(d.cause.as_deref().unwrap().contains("died 2 times"), "{:?}", d.cause);
            let h = history(store.as_ref(), &doomed);
            assert_eq!(
                types(&h),
                ["ExecutionStarted", "WaitStateEntered", "ExecutionFailed"],
                "nothing ran after the restart"
            );
            assert_well_linked(&h);
        });
    }
    // The parked one was never marked.
    let store = SqliteStore::open(&db).unwrap();
    assert_eq!(store.mark_unsettled(&parked).unwrap(), 0);
}

#[test]
fn an_execution_that_kills_the_process_twice_while_computing_is_failed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("stepwise.db");
    let arn = lifetime(&db, async |rt, store| {
        let rec = rt.start_execution(request("hot", SPIN_SLOWLY, "{}")).await.unwrap();
        // Past the first slice, then the process "dies".
        while history(store.as_ref(), &rec.arn).len() < 2 * engine::STEP_BUDGET as usize {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        rec.arn
    });
    // Resumed, it computes on, and the process dies again.
    let computed = lifetime(&db, async |rt, store| {
        let before = history(store.as_ref(), &arn).len();
        let t = Instant::now();
        while history(store.as_ref(), &arn).len() == before && t.elapsed() < Duration::from_secs(5) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(describe(&rt, &arn).await.status, ExecutionStatus::Running);
        history(store.as_ref(), &arn).len()
    });
    lifetime(&db, async |rt, store| {
        let d = ended_within(&rt, &arn, Duration::from_secs(10)).await;
        assert_eq!(d.status, ExecutionStatus::Failed);
        assert_eq!(d.error.as_deref(), Some("States.Runtime"));
        assert!(d.cause.as_deref().unwrap().contains("died 2 times"), "{:?}", d.cause);
        let h = history(store.as_ref(), &arn);
        assert!(h.len() >= computed && h.len() < 25_000, "{} events", h.len());
        assert_eq!(h.last().unwrap().event_type, "ExecutionFailed");
        assert_well_linked(&h);
    });
}

/// The journaled cuts: how many states each slice the timer ended had entered.
fn cuts(store: &SqliteStore, arn: &str) -> Vec<u64> {
    store.journal(arn).unwrap().into_iter().filter_map(|j| j.cut).collect()
}

#[test]
fn slow_states_get_short_slices_and_a_restart_replays_them_where_they_were_cut() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("stepwise.db");
    let arn = lifetime(&db, async |rt, store| {
        let t = Instant::now();
        let rec = rt.start_execution(request("paced", SPIN_SLOWLY, "{}")).await.unwrap();
        assert!(
            t.elapsed() < Duration::from_millis(500),
            "StartExecution took {:?}",
            t.elapsed()
        );
        while cuts(&store, &rec.arn).len() < 3 {
            assert!(t.elapsed() < Duration::from_secs(20), "no slice was cut by time");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let cuts = cuts(&store, &rec.arn);
        assert!(cuts.iter().all(|n| (1..engine::STEP_BUDGET).contains(n)), "{cuts:?}");
        rec.arn
    });
    // The checked replay reproduces every stored event, so it ended its slices alike.
    lifetime(&db, async |rt, store| {
        let before = history(store.as_ref(), &arn).len();
        let t = Instant::now();
        while history(store.as_ref(), &arn).len() == before {
            assert!(t.elapsed() < Duration::from_secs(10), "it does not compute on");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(describe(&rt, &arn).await.status, ExecutionStatus::Running, "resumed");
        let t = Instant::now();
        let stopped = rt.stop_execution(&arn, None, None).await.unwrap();
        assert!(
            t.elapsed() < Duration::from_millis(500),
            "the stop took {:?}",
            t.elapsed()
        );
        assert_eq!(stopped.status, ExecutionStatus::Aborted);
        assert_well_linked(&history(store.as_ref(), &arn));
    });
}
