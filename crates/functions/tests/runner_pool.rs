//! Instances: scale-out, reserved concurrency and the global limit, retiring, reaping and
//! shutdown, on real python3 processes.

mod runner_support;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use functions::{FunctionSpec, InvokeError, Runner};
use runner_support::{invoke, json, package, runner, runner_with, spec};

const APP: &str = r#"
import os, time
def handler(event, context):
    time.sleep(event.get("seconds", 0))
    return os.getpid()
"#;

/// Waits (generously: a loaded machine starts processes slowly) until `busy` invocations run.
async fn until_busy(runner: &Runner, busy: usize) {
    let until = Instant::now() + Duration::from_secs(60);
    while runner.stats().busy < busy {
        assert!(
            Instant::now() < until,
            "never reached {busy} busy: {:?}",
            runner.stats()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn spawn_invoke(runner: &Arc<Runner>, f: &FunctionSpec, payload: &'static str) -> tokio::task::JoinHandle<i64> {
    let runner = runner.clone();
    let f = f.clone();
    tokio::spawn(async move { json(&invoke(&runner, &f, payload).await).as_i64().unwrap() })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_invokes_get_instances_up_to_the_reserved_concurrency() {
    let s = runner();
    let code = package(&[("app.py", APP)]);
    let mut f = spec("scale", "python3.12", "app.handler", code.path());
    f.reserved_concurrency = Some(3);
    // A long first wave holds three instances busy.
    let wave: Vec<_> = (0..3)
        .map(|_| spawn_invoke(&s.runner, &f, r#"{"seconds": 2}"#))
        .collect();
    until_busy(&s.runner, 3).await;
    assert_eq!(s.runner.instances_of(&f.function_arn), 3);
    let err = s.runner.invoke(&f, Default::default()).await.unwrap_err();
    assert_eq!(err, InvokeError::TooManyRequests);
    assert_eq!(err.to_string(), "Rate Exceeded.");
    let pids: BTreeSet<i64> = futures_join(wave).await.into_iter().collect();
    assert_eq!(pids.len(), 3, "three instances");
    // Warm now: three more run on the same three processes.
    let again: Vec<_> = (0..3)
        .map(|_| spawn_invoke(&s.runner, &f, r#"{"seconds": 0.3}"#))
        .collect();
    let again: BTreeSet<i64> = futures_join(again).await.into_iter().collect();
    assert!(again.is_subset(&pids), "{again:?} ⊄ {pids:?}");
    assert_eq!(s.runner.stats().alive, 3);

    let mut zero = f.clone();
    zero.reserved_concurrency = Some(0);
    assert_eq!(
        s.runner.invoke(&zero, Default::default()).await.unwrap_err(),
        InvokeError::TooManyRequests
    );
}

async fn futures_join(handles: Vec<tokio::task::JoinHandle<i64>>) -> Vec<i64> {
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_global_limit_throttles_and_idle_instances_make_room() {
    let s = runner_with(|c| c.max_instances = 2);
    let code = package(&[("app.py", APP)]);
    let a = spec("a", "python3.12", "app.handler", code.path());
    let b = spec("b", "python3.12", "app.handler", code.path());
    let c = spec("c", "python3.12", "app.handler", code.path());
    let busy: Vec<_> = [&a, &b]
        .iter()
        .map(|f| spawn_invoke(&s.runner, f, r#"{"seconds": 2}"#))
        .collect();
    until_busy(&s.runner, 2).await;
    assert_eq!(
        s.runner.invoke(&c, Default::default()).await.unwrap_err(),
        InvokeError::TooManyRequests
    );
    futures_join(busy).await;
    // Both idle now: a third function evicts the one idle longest.
    invoke(&s.runner, &c, "{}").await;
    assert_eq!(s.runner.stats().alive, 2);
    assert_eq!(s.runner.instances_of(&c.function_arn), 1);
}

#[tokio::test]
async fn retire_and_revisions_start_fresh_instances() {
    let s = runner();
    let code = package(&[("app.py", APP)]);
    let mut f = spec("rev", "python3.12", "app.handler", code.path());
    let first = json(&invoke(&s.runner, &f, "{}").await);
    assert_eq!(json(&invoke(&s.runner, &f, "{}").await), first, "warm");
    s.runner.retire(&f.function_arn);
    assert_eq!(s.runner.stats().alive, 0);
    let second = json(&invoke(&s.runner, &f, "{}").await);
    assert_ne!(second, first);
    f.revision = "r2".into();
    let third = json(&invoke(&s.runner, &f, "{}").await);
    assert_ne!(third, second);
    assert_eq!(s.runner.stats().alive, 1, "the old revision's idle instance is gone");
}

#[tokio::test]
async fn idle_instances_are_reaped() {
    let s = runner_with(|c| c.idle_timeout = Duration::from_millis(200));
    let code = package(&[("app.py", APP)]);
    let f = spec("idle", "python3.12", "app.handler", code.path());
    invoke(&s.runner, &f, "{}").await;
    let until = Instant::now() + Duration::from_secs(30);
    while s.runner.stats().alive > 0 {
        assert!(Instant::now() < until, "never reaped");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // And a new one starts on demand.
    invoke(&s.runner, &f, "{}").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_kills_busy_instances_too() {
    let s = runner();
    let code = package(&[("app.py", APP)]);
    let f = spec("long", "python3.12", "app.handler", code.path());
    invoke(&s.runner, &f, "{}").await;
    let runner = s.runner.clone();
    let f2 = f.clone();
    let busy = tokio::spawn(async move {
        runner
            .invoke(
                &f2,
                functions::InvokeRequest {
                    payload: br#"{"seconds": 60}"#.to_vec(),
                    ..Default::default()
                },
            )
            .await
    });
    until_busy(&s.runner, 1).await;
    let started = Instant::now();
    s.runner.shutdown().await;
    assert!(matches!(busy.await.unwrap(), Err(InvokeError::Internal(_))));
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(s.runner.stats().alive, 0);
    assert!(matches!(
        s.runner.invoke(&f, Default::default()).await,
        Err(InvokeError::Internal(_))
    ));
}

#[tokio::test]
async fn a_caller_that_goes_away_takes_its_instance_with_it() {
    let s = runner();
    let code = package(&[("app.py", APP)]);
    let f = spec("cancel", "python3.12", "app.handler", code.path());
    let pid = json(&invoke(&s.runner, &f, "{}").await).as_i64().unwrap();
    let request = functions::InvokeRequest {
        payload: br#"{"seconds": 60}"#.to_vec(),
        ..Default::default()
    };
    let gave_up = tokio::time::timeout(Duration::from_millis(300), s.runner.invoke(&f, request)).await;
    assert!(gave_up.is_err(), "still running when dropped");
    assert_eq!(
        s.runner.stats(),
        functions::PoolStats {
            alive: 0,
            idle: 0,
            busy: 0
        }
    );
    // Its process is gone (killed with its group), and the next call starts a new one.
    let until = Instant::now() + Duration::from_secs(20);
    while std::fs::read_to_string(format!("/proc/{pid}/status")).is_ok_and(|s| !s.contains("zombie")) {
        assert!(Instant::now() < until, "the instance's process lives on");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_ne!(json(&invoke(&s.runner, &f, "{}").await).as_i64().unwrap(), pid);
    let logs = s.runner.logs(&f.function_arn);
    let last = logs.last().unwrap().seq;
    assert_eq!(s.runner.logs_since(&f.function_arn, last).len(), 1);
    assert!(s.runner.logs_since(&f.function_arn, last + 1).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prewarmed_instances_serve_the_first_invocations_warm() {
    let s = runner();
    let code = package(&[("app.py", APP)]);
    let mut f = spec("warm", "python3.12", "app.handler", code.path());
    f.reserved_concurrency = Some(2);
    assert_eq!(
        s.runner.prewarm(&f, 3).await.unwrap(),
        2,
        "capped by the reserved concurrency"
    );
    assert_eq!(
        s.runner.stats(),
        functions::PoolStats {
            alive: 2,
            idle: 2,
            busy: 0
        }
    );
    let out = invoke(&s.runner, &f, "{}").await;
    let tail = out.log_tail.unwrap();
    assert!(
        tail.contains("Init Duration"),
        "the init is reported on the first invocation: {tail}"
    );
    assert_eq!(s.runner.prewarm(&f, 2).await.unwrap(), 0);
    assert_eq!(s.runner.stats().alive, 2);
}
