//! The runtime in process on a paused tokio clock over the real SQLite store: long waits
//! take no real time, and crashes are a dropped tokio runtime.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use runtime::{Clock, Runtime};
use store::{ExecutionStatus, SqliteStore, Store};

const WAIT_AN_HOUR: &str = r#"{"StartAt":"Nap","States":{
    "Nap":{"Type":"Wait","Seconds":3600,"Next":"Done"},
    "Done":{"Type":"Pass","Result":{"rested":true},"End":true}}}"#;

#[tokio::test(start_paused = true)]
async fn an_hour_long_wait_completes_without_waiting() {
    let real = Instant::now();
    let store = Arc::new(SqliteStore::open_in_memory().unwrap());
    let rt = Runtime::with_clock(store.clone(), config(), Clock::tokio_at(T0))
        .await
        .unwrap();
    let rec = rt.start_execution(request("nap", WAIT_AN_HOUR, "{}")).await.unwrap();
    let done = ended(&rt, &rec.arn).await;
    assert_eq!(done.status, ExecutionStatus::Succeeded);
    assert_eq!(done.output.as_deref(), Some(r#"{"rested":true}"#));
    let h = history(store.as_ref(), &rec.arn);
    assert_eq!(
        types(&h),
        [
            "ExecutionStarted",
            "WaitStateEntered",
            "WaitStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_eq!(h[0].timestamp_ms, T0);
    assert_eq!(
        h[2].timestamp_ms,
        T0 + 3_600_000,
        "the wait ends an hour later, to the millisecond"
    );
    assert!(real.elapsed() < Duration::from_secs(30));
}

#[tokio::test(start_paused = true)]
async fn the_execution_time_limit_fires() {
    let def = r#"{"TimeoutSeconds":5,"StartAt":"Nap","States":{
        "Nap":{"Type":"Wait","Seconds":3600,"End":true}}}"#;
    let store = Arc::new(SqliteStore::open_in_memory().unwrap());
    let rt = Runtime::with_clock(store.clone(), config(), Clock::tokio_at(T0))
        .await
        .unwrap();
    let rec = rt.start_execution(request("late", def, "{}")).await.unwrap();
    let done = ended(&rt, &rec.arn).await;
    assert_eq!(done.status, ExecutionStatus::TimedOut);
    let h = history(store.as_ref(), &rec.arn);
    let last = h.last().unwrap();
    assert_eq!(last.event_type, "ExecutionTimedOut");
    assert_eq!(last.timestamp_ms, T0 + 5_000);
}

#[tokio::test(start_paused = true)]
async fn stop_execution_during_a_wait() {
    let store = Arc::new(SqliteStore::open_in_memory().unwrap());
    let rt = Runtime::with_clock(store.clone(), config(), Clock::tokio_at(T0))
        .await
        .unwrap();
    let rec = rt
        .start_execution(request("stopped", WAIT_AN_HOUR, "{}"))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(600)).await;
    let stopped = rt
        .stop_execution(&rec.arn, Some("Bored".into()), Some("ten minutes was enough".into()))
        .await
        .unwrap();
    assert_eq!(stopped.status, ExecutionStatus::Aborted);
    assert_eq!(stopped.error.as_deref(), Some("Bored"));
    let h = history(store.as_ref(), &rec.arn);
    let last = h.last().unwrap();
    assert_eq!(last.event_type, "ExecutionAborted");
    assert_eq!(last.timestamp_ms, T0 + 600_000);
    assert_eq!(rt.running_count(), 0);
    // The hour passes; nothing else happens.
    tokio::time::sleep(Duration::from_secs(7200)).await;
    assert_eq!(history(store.as_ref(), &rec.arn).len(), h.len());
}

/// Starts `def` on a file store, lets it run for `for_ms` of virtual time, then drops the
/// tokio runtime under it (a crash: no shutdown of any kind).
fn run_then_crash(db: &std::path::Path, name: &str, def: &str, for_ms: u64) -> String {
    let tokio = paused_tokio();
    let arn = tokio.block_on(async {
        let store = Arc::new(SqliteStore::open(db).unwrap());
        let rt = Runtime::with_clock(store, config(), Clock::tokio_at(T0)).await.unwrap();
        let rec = rt.start_execution(request(name, def, r#"{"k": "v"}"#)).await.unwrap();
        tokio::time::sleep(Duration::from_millis(for_ms)).await;
        rec.arn
    });
    drop(tokio);
    arn
}

#[test]
fn a_restart_resumes_a_wait_with_a_checked_replay() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("stepwise.db");
    let def = r#"{"StartAt":"First","States":{
        "First":{"Type":"Wait","Seconds":60,"Next":"Second"},
        "Second":{"Type":"Wait","Seconds":3600,"Next":"Done"},
        "Done":{"Type":"Pass","End":true}}}"#;
    let arn = run_then_crash(&db, "resumed", def, 120_000);
    let tokio = paused_tokio();
    tokio.block_on(async {
        let store = Arc::new(SqliteStore::open(&db).unwrap());
        assert_eq!(store.journal(&arn).unwrap().len(), 1, "the first wait was journaled");
        let rt = Runtime::with_clock(store.clone(), config(), Clock::tokio_at(T0 + 600_000))
            .await
            .unwrap();
        assert_eq!(rt.running_count(), 1);
        let done = ended(&rt, &arn).await;
        assert_eq!(done.status, ExecutionStatus::Succeeded, "{done:?}");
        assert_eq!(done.output.as_deref(), Some(r#"{"k":"v"}"#));
        let h = history(store.as_ref(), &arn);
        assert_well_linked(&h);
        assert_eq!(h[2].timestamp_ms, T0 + 60_000);
        // The second wait was armed before the crash, for an hour after the first ended.
        assert_eq!(h[4].event_type, "WaitStateExited");
        assert_eq!(h[4].timestamp_ms, T0 + 60_000 + 3_600_000);
    });
}

/// Copies an execution (record, history, journal) into `to`, changed by `edit`.
fn copy_execution(
    from: &SqliteStore,
    to: &SqliteStore,
    arn: &str,
    edit: impl FnOnce(&mut store::ExecutionRecord, &mut Vec<store::StoredEvent>),
) {
    let mut rec = from.get_execution(arn).unwrap().unwrap();
    let mut events = history(from, arn);
    let journal = from.journal(arn).unwrap();
    edit(&mut rec, &mut events);
    to.create_execution(&rec, &events, &journal).unwrap();
}

fn resume_copy(
    name: &str,
    edit: impl FnOnce(&mut store::ExecutionRecord, &mut Vec<store::StoredEvent>),
) -> (store::ExecutionRecord, Vec<store::StoredEvent>) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("stepwise.db");
    let def = r#"{"StartAt":"Shape","States":{
        "Shape":{"Type":"Pass","Parameters":{"k.$":"$.k","n":1},"Next":"Nap"},
        "Nap":{"Type":"Wait","Seconds":3600,"End":true}}}"#;
    let arn = run_then_crash(&db, name, def, 1_000);
    let copy = dir.path().join("copy.db");
    {
        let from = SqliteStore::open(&db).unwrap();
        let to = SqliteStore::open(&copy).unwrap();
        copy_execution(&from, &to, &arn, edit);
    }
    let tokio = paused_tokio();
    tokio.block_on(async {
        let store = Arc::new(SqliteStore::open(&copy).unwrap());
        let rt = Runtime::with_clock(store.clone(), config(), Clock::tokio_at(T0 + 10_000))
            .await
            .unwrap();
        assert_eq!(rt.running_count(), 0, "the execution is not resumed");
        let rec = store.get_execution(&arn).unwrap().unwrap();
        (rec, history(store.as_ref(), &arn))
    })
}

#[test]
fn a_history_the_replay_does_not_reproduce_fails_the_execution() {
    let (rec, h) = resume_copy("diverged", |_, events| {
        let (_, details) = events[2].details.as_mut().unwrap();
        details["output"] = serde_json::Value::String(r#"{"k":"v","n":2}"#.into());
    });
    assert_eq!(rec.status, ExecutionStatus::Failed);
    assert_eq!(rec.error.as_deref(), Some("States.Runtime"));
    let cause = rec.cause.unwrap();
    assert_eq!(
        cause,
        r#"Replaying the execution's journal diverged from its stored history: event #3 (PassStateExited) differs in stateExitedEventDetails.output: stored "{\"k\":\"v\",\"n\":2}", replayed "{\"k\":\"v\",\"n\":1}""#
    );
    // The failure is in the history too, after the last stored event.
    let last = h.last().unwrap();
    assert_eq!((last.id, last.previous_event_id), (5, 4));
    assert_eq!(last.event_type, "ExecutionFailed");
    assert_eq!(last.timestamp_ms, T0 + 10_000);
    assert_eq!(last.details.as_ref().unwrap().1["cause"], cause.as_str());
}

#[test]
fn a_journal_of_another_replay_version_is_refused() {
    let (rec, h) = resume_copy("other-version", |rec, _| rec.replay_version = 99);
    assert_eq!(rec.status, ExecutionStatus::Failed);
    assert_eq!(rec.error.as_deref(), Some("States.Runtime"));
    assert_eq!(
        rec.cause,
        Some(format!(
            "The execution was journaled by engine replay version 99; this build replays version {}",
            engine::REPLAY_VERSION
        ))
    );
    assert_eq!(h.last().unwrap().event_type, "ExecutionFailed");
    assert_well_linked(&h);
}

#[tokio::test(start_paused = true)]
async fn a_diverged_execution_cannot_be_redriven() {
    let store = Arc::new(SqliteStore::open_in_memory().unwrap());
    let rt = Runtime::with_clock(store.clone(), config(), Clock::tokio_at(T0))
        .await
        .unwrap();
    let def = r#"{"StartAt":"Boom","States":{"Boom":{"Type":"Fail","Error":"E","Cause":"c"}}}"#;
    let rec = rt.start_execution(request("boom", def, "{}")).await.unwrap();
    assert_eq!(rec.status, ExecutionStatus::Failed);
    // A stray event the engine never wrote.
    let mut stray = history(store.as_ref(), &rec.arn).pop().unwrap();
    stray.id += 1;
    stray.previous_event_id += 1;
    store
        .append(&store::AppendBatch {
            execution_arn: rec.arn.clone(),
            events: vec![stray],
            journal: vec![],
            redrive: false,
            end: None,
        })
        .unwrap();
    let e = rt.redrive_execution(&rec.arn).await.unwrap_err();
    assert!(
        e.to_string().contains("diverged from its stored history: event #4"),
        "{e}"
    );
}

#[test]
fn a_redriven_execution_resumes_after_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("stepwise.db");
    let tokio = paused_tokio();
    let arn = tokio.block_on(async {
        let store = Arc::new(SqliteStore::open(&db).unwrap());
        let rt = Runtime::with_clock(store, config(), Clock::tokio_at(T0)).await.unwrap();
        let rec = rt.start_execution(request("again", WAIT_AN_HOUR, "{}")).await.unwrap();
        tokio::time::sleep(Duration::from_secs(60)).await;
        rt.stop_execution(&rec.arn, None, None).await.unwrap();
        let redriven = rt.redrive_execution(&rec.arn).await.unwrap();
        assert_eq!(redriven.status, ExecutionStatus::Running);
        tokio::time::sleep(Duration::from_secs(60)).await;
        rec.arn
    });
    drop(tokio);
    let tokio = paused_tokio();
    tokio.block_on(async {
        let store = Arc::new(SqliteStore::open(&db).unwrap());
        let rt = Runtime::with_clock(store.clone(), config(), Clock::tokio_at(T0 + 600_000))
            .await
            .unwrap();
        assert_eq!(rt.running_count(), 1, "the replay across the redrive checks out");
        let done = ended(&rt, &arn).await;
        assert_eq!(done.status, ExecutionStatus::Succeeded, "{done:?}");
        assert_eq!(done.redrive_count, 1);
        let h = history(store.as_ref(), &arn);
        assert_well_linked(&h);
        assert!(types(&h).contains(&"ExecutionRedriven"), "{:?}", types(&h));
    });
}
