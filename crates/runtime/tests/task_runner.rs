//! The seam every real task goes through: a `TaskRunner` answers the Task states no mock
//! answers, later and asynchronously; `TimeoutSeconds` ends its work with `States.Timeout`,
//! a stop cancels it, and a crash while it runs runs it again after the restart.
//! (The runners here are test runners of the seam itself; the functions' runner is tested
//! end to end with real processes in crates/functions and crates/cli.)

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use engine::TaskRequest;
use runtime::{Clock, Runtime, RuntimeConfig, TaskContext, TaskError, TaskFuture, TaskRunner};
use serde_json::{Value, json};
use store::{ExecutionStatus, SqliteStore};

const ECHO: &str = "arn:aws:lambda:us-east-1:123456789012:function:echo";

/// Serves `ECHO`: answers `{"echo": input}` after `delay` (never, with `None`), or fails
/// when the input says `{"fail": true}`. Counts starts and the works dropped unfinished.
#[derive(Debug, Default)]
struct Echo {
    delay: Option<Duration>,
    started: Arc<AtomicUsize>,
    dropped: Arc<AtomicUsize>,
    contexts: Arc<Mutex<Vec<TaskContext>>>,
}

/// Counts a drop that comes before the work finished.
struct Unfinished {
    drops: Arc<AtomicUsize>,
    finished: bool,
}

impl Unfinished {
    fn finish(&mut self) {
        self.finished = true;
    }
}

impl Drop for Unfinished {
    fn drop(&mut self) {
        if !self.finished {
            self.drops.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl TaskRunner for Echo {
    fn run(&self, task: &TaskRequest, context: &TaskContext) -> Option<TaskFuture> {
        if task.resource != ECHO {
            return None;
        }
        self.started.fetch_add(1, Ordering::SeqCst);
        self.contexts.lock().unwrap().push(context.clone());
        let (delay, input) = (self.delay, task.input.clone());
        let mut guard = Unfinished {
            drops: self.dropped.clone(),
            finished: false,
        };
        Some(Box::pin(async move {
            match delay {
                Some(d) => tokio::time::sleep(d).await,
                None => std::future::pending::<()>().await,
            }
            guard.finish();
            if input["fail"] == json!(true) {
                return Err(TaskError {
                    error: "HandlerError".into(),
                    cause: Some("it was asked to".into()),
                });
            }
            Ok(json!({"echo": input}))
        }))
    }
}

fn task_machine(extra: Value) -> String {
    let mut task = json!({"Type": "Task", "Resource": ECHO, "End": true});
    task.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    json!({"StartAt": "Call", "States": {"Call": task}}).to_string()
}

async fn runtime_with(store: Arc<SqliteStore>, runner: Echo) -> Arc<Runtime> {
    let cfg = RuntimeConfig {
        task_runners: vec![Arc::new(runner)],
        ..config()
    };
    Runtime::with_clock(store, cfg, Clock::tokio_at(1_700_000_000_000))
        .await
        .unwrap()
}

#[test]
fn a_runner_answers_later_and_its_result_is_the_tasks() {
    paused_tokio().block_on(async {
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let runner = Echo {
            delay: Some(Duration::from_secs(2)),
            ..Default::default()
        };
        let contexts = runner.contexts.clone();
        let rt = runtime_with(store.clone(), runner).await;
        let rec = rt
            .start_execution(request("ok", &task_machine(json!({})), r#"{"a":1}"#))
            .await
            .unwrap();
        assert_eq!(rec.status, ExecutionStatus::Running, "it waits for the runner");
        let done = ended(&rt, &rec.arn).await;
        assert_eq!(done.status, ExecutionStatus::Succeeded);
        assert_eq!(done.output.as_deref(), Some(r#"{"echo":{"a":1}}"#));
        let h = history(store.as_ref(), &rec.arn);
        assert_eq!(
            types(&h),
            [
                "ExecutionStarted",
                "TaskStateEntered",
                "LambdaFunctionScheduled",
                "LambdaFunctionStarted",
                "LambdaFunctionSucceeded",
                "TaskStateExited",
                "ExecutionSucceeded"
            ]
        );
        assert_eq!(contexts.lock().unwrap()[0].execution_arn, rec.arn);
        assert_well_linked(&h);
    });
}

#[test]
fn a_runners_failure_fails_the_task_with_its_error() {
    paused_tokio().block_on(async {
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let rt = runtime_with(
            store.clone(),
            Echo {
                delay: Some(Duration::from_millis(10)),
                ..Default::default()
            },
        )
        .await;
        let rec = rt
            .start_execution(request("fails", &task_machine(json!({})), r#"{"fail":true}"#))
            .await
            .unwrap();
        let done = ended(&rt, &rec.arn).await;
        assert_eq!(done.status, ExecutionStatus::Failed);
        assert_eq!(done.error.as_deref(), Some("HandlerError"));
        assert_eq!(done.cause.as_deref(), Some("it was asked to"));
    });
}

#[test]
fn timeout_seconds_ends_the_work_with_states_timeout_and_cancels_it() {
    paused_tokio().block_on(async {
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let runner = Echo::default();
        let dropped = runner.dropped.clone();
        let rt = runtime_with(store.clone(), runner).await;
        let rec = rt
            .start_execution(request("slow", &task_machine(json!({"TimeoutSeconds": 3})), "{}"))
            .await
            .unwrap();
        let done = ended(&rt, &rec.arn).await;
        assert_eq!(done.status, ExecutionStatus::Failed);
        assert_eq!(done.error.as_deref(), Some("States.Timeout"));
        let h = history(store.as_ref(), &rec.arn);
        assert!(types(&h).contains(&"LambdaFunctionTimedOut"), "{:?}", types(&h));
        let scheduled = h.iter().find(|e| e.event_type == "LambdaFunctionScheduled").unwrap();
        let timed_out = h.iter().find(|e| e.event_type == "LambdaFunctionTimedOut").unwrap();
        assert_eq!(timed_out.timestamp_ms - scheduled.timestamp_ms, 3_000);
        assert_eq!(dropped.load(Ordering::SeqCst), 1, "the work was dropped");
    });
}

#[test]
fn a_stop_cancels_the_work_in_progress() {
    paused_tokio().block_on(async {
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let runner = Echo::default();
        let (started, dropped) = (runner.started.clone(), runner.dropped.clone());
        let rt = runtime_with(store.clone(), runner).await;
        let rec = rt
            .start_execution(request("stopped", &task_machine(json!({})), "{}"))
            .await
            .unwrap();
        while started.load(Ordering::SeqCst) == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let stopped = rt.stop_execution(&rec.arn, None, None).await.unwrap();
        assert_eq!(stopped.status, ExecutionStatus::Aborted);
        for _ in 0..100 {
            if dropped.load(Ordering::SeqCst) == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(dropped.load(Ordering::SeqCst), 1, "the work was dropped");
    });
}

#[test]
fn a_crash_while_the_work_runs_runs_it_again_after_the_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("stepwise.db");
    let arn = paused_tokio().block_on(async {
        let store = Arc::new(SqliteStore::open(&db).unwrap());
        let runner = Echo::default();
        let started = runner.started.clone();
        let rt = runtime_with(store, runner).await;
        let rec = rt
            .start_execution(request("crash", &task_machine(json!({})), r#"{"n":7}"#))
            .await
            .unwrap();
        while started.load(Ordering::SeqCst) == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        rec.arn
    });
    paused_tokio().block_on(async {
        let store = Arc::new(SqliteStore::open(&db).unwrap());
        let runner = Echo {
            delay: Some(Duration::from_secs(1)),
            ..Default::default()
        };
        let started = runner.started.clone();
        let rt = runtime_with(store.clone(), runner).await;
        let done = ended(&rt, &arn).await;
        assert_eq!(done.status, ExecutionStatus::Succeeded);
        assert_eq!(done.output.as_deref(), Some(r#"{"echo":{"n":7}}"#));
        assert_eq!(started.load(Ordering::SeqCst), 1, "invoked again once");
        assert_well_linked(&history(store.as_ref(), &arn));
    });
}

#[test]
fn a_resource_no_runner_serves_fails_clearly() {
    paused_tokio().block_on(async {
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let rt = runtime_with(store, Echo::default()).await;
        let def = json!({"StartAt": "Call", "States": {"Call": {"Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:other", "End": true}}})
        .to_string();
        let rec = rt.start_execution(request("nobody", &def, "{}")).await.unwrap();
        let done = ended(&rt, &rec.arn).await;
        assert_eq!(done.status, ExecutionStatus::Failed);
        assert_eq!(done.error.as_deref(), Some("States.TaskFailed"));
        assert!(
            done.cause
                .as_deref()
                .unwrap()
                .contains("No handler for the Task state 'Call'")
        );
    });
}
