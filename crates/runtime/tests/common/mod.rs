//! What the runtime's integration tests share: a runtime on a paused tokio clock over the
//! real SQLite store, requests, and waiting for an execution to end.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use runtime::{Runtime, RuntimeConfig, StartRequest, Target};
use store::{ExecutionRecord, ExecutionStatus, HistoryQuery, Store, StoredEvent, WorkflowType};

pub const SM_ARN: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:Fixture";
pub const ROLE: &str = "arn:aws:iam::123456789012:role/fixture";
/// The virtual time tests start at: 2026-12-01T00:00:00Z.
pub const T0: i64 = 1_796_083_200_000;

pub fn config() -> RuntimeConfig {
    RuntimeConfig {
        region: "us-east-1".into(),
        account: "123456789012".into(),
        mocks: None,
        task_runners: Vec::new(),
    }
}

pub fn request(name: &str, definition: &str, input: &str) -> StartRequest {
    StartRequest {
        target: Target {
            state_machine_arn: SM_ARN.into(),
            kind: WorkflowType::Standard,
            definition: definition.into(),
            role_arn: ROLE.into(),
            version_arn: None,
            alias_arn: None,
        },
        name: Some(name.into()),
        input: input.into(),
        test_case: None,
        trace_header: None,
    }
}

/// A current-thread tokio runtime with its clock paused: timers fire as soon as nothing
/// else can run, and each run of a test sees the same times.
pub fn paused_tokio() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("tokio runtime")
}

/// Waits (in virtual time) until the execution is no longer RUNNING.
pub async fn ended(rt: &Arc<Runtime>, arn: &str) -> ExecutionRecord {
    for _ in 0..100_000 {
        let store = rt.store().clone();
        let owned = arn.to_string();
        let rec = tokio::task::spawn_blocking(move || store.get_execution(&owned))
            .await
            .unwrap()
            .unwrap()
            .expect("the execution exists");
        if rec.status != ExecutionStatus::Running {
            return rec;
        }
        tokio::time::sleep(Duration::from_secs(30)).await;
    }
    panic!("{arn} did not end");
}

pub fn history(store: &dyn Store, arn: &str) -> Vec<StoredEvent> {
    store.history(arn, &HistoryQuery::default()).expect("history")
}

/// Event types in order.
pub fn types(events: &[StoredEvent]) -> Vec<&str> {
    events.iter().map(|e| e.event_type.as_str()).collect()
}

/// Ids run 1, 2, … and every event follows an earlier one.
pub fn assert_well_linked(events: &[StoredEvent]) {
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e.id, i as u64 + 1, "{events:?}");
        assert!(e.previous_event_id < e.id, "{e:?}");
    }
}
