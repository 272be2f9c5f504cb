//! A Standard execution whose JSONata ran out of wall-clock time is recovered after a
//! restart without a divergence: the time-out is journaled, and the replay reuses it
//! instead of timing the evaluation again (which could end differently on another machine).
//!
//! The runtime evaluates under the definitions' own limit (5 s), so each live time-out here
//! takes 5 s of real time; the replays must take none of it.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use runtime::{Clock, Runtime};
use store::{ExecutionStatus, SqliteStore, Store};

/// `before` (states that run first), then a Map whose second item never finishes, caught,
/// then an hour's wait to crash in.
fn definition(before: &str, first: &str) -> String {
    format!(
        r#"{{"QueryLanguage":"JSONata","StartAt":"{first}","States":{{{before}
        "Each":{{"Type":"Map","Items":"{{% [1, 2, 3] %}}","Next":"Nap",
            "ItemProcessor":{{"StartAt":"Work","States":{{"Work":{{"Type":"Pass","End":true,
                "Output":"{{% $states.input = 2 ? ($f := function($n){{ $f($n + 1) }}; $f(0)) : $states.input * 10 %}}"}}}}}},
            "Catch":[{{"ErrorEquals":["States.QueryEvaluationError"],"Next":"Nap",
                "Output":"{{% {{'timedOut': $contains($states.errorOutput.Cause, 'D1012: Evaluation timeout')}} %}}"}}]}},
        "Nap":{{"Type":"Wait","Seconds":3600,"Next":"Done"}},
        "Done":{{"Type":"Pass","Output":"{{% $merge([$states.input, {{'done': true}}]) %}}","End":true}}}}}}"#
    )
}

/// Starts `def`, lets it run `for_ms` of virtual time, then drops the tokio runtime under
/// it (a crash).
fn run_then_crash(db: &Path, name: &str, def: &str, for_ms: u64) -> String {
    let tokio = paused_tokio();
    let arn = tokio.block_on(async {
        let store = Arc::new(SqliteStore::open(db).unwrap());
        let rt = Runtime::with_clock(store, config(), Clock::tokio_at(T0)).await.unwrap();
        let rec = rt.start_execution(request(name, def, "{}")).await.unwrap();
        tokio::time::sleep(Duration::from_millis(for_ms)).await;
        rec.arn
    });
    drop(tokio);
    arn
}

/// Runs `def` into its wait, crashes, restarts and checks the execution ends as it would
/// have; returns the sequence number of the journal entry that recorded the time-out.
fn recovered(name: &str, def: &str) -> u64 {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("stepwise.db");
    let arn = run_then_crash(&db, name, def, 600_000);
    let tokio = paused_tokio();
    tokio.block_on(async {
        let store = Arc::new(SqliteStore::open(&db).unwrap());
        let journal = store.journal(&arn).unwrap();
        let recorded: Vec<_> = journal.iter().filter(|e| !e.time_limit_hits.is_empty()).collect();
        assert_eq!(recorded.len(), 1, "the time-out is journaled once: {journal:?}");
        let seq = recorded[0].seq;

        let replay = Instant::now();
        let rt = Runtime::with_clock(store.clone(), config(), Clock::tokio_at(T0 + 900_000))
            .await
            .unwrap();
        assert!(
            replay.elapsed() < Duration::from_secs(4),
            "the replay reuses the time-out instead of running into it again"
        );
        assert_eq!(rt.running_count(), 1, "resumed, not failed as diverged");
        let done = ended(&rt, &arn).await;
        assert_eq!(done.status, ExecutionStatus::Succeeded, "{done:?}");
        assert_eq!(done.output.as_deref(), Some(r#"{"timedOut":true,"done":true}"#));
        let h = history(store.as_ref(), &arn);
        assert_well_linked(&h);
        assert!(types(&h).contains(&"MapStateFailed"), "{:?}", types(&h));
        seq
    })
}

#[test]
fn a_time_out_in_the_first_step_is_replayed() {
    let def = definition("", "Each");
    assert_eq!(recovered("at-start", &def), 0, "the start's own journal entry");
}

#[test]
fn a_time_out_in_a_later_step_is_replayed() {
    let before = r#""First":{"Type":"Wait","Seconds":60,"Next":"Each"},"#;
    let def = definition(before, "First");
    assert_eq!(recovered("later", &def), 1, "the entry of the timer that led to it");
}
