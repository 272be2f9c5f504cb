//! The SQLite backend against the `Store` contract: round trips, paging, ordering,
//! atomicity, durability across reopen, migrations, concurrency.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::json;
use store::sqlite::SCHEMA_VERSION;
use store::*;

// --- helpers -------------------------------------------------------------------------------

/// A directory of its own under the system's temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static N: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let p = std::env::temp_dir().join(format!(
            "stepwise-store-{tag}-{}-{}-{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn db(&self) -> PathBuf {
        self.0.join("data").join("stepwise.db")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs a test against an in-memory store and against a file store.
fn both(test: impl Fn(&dyn Store)) {
    let mem = SqliteStore::open_in_memory().unwrap();
    test(&mem);
    let dir = TempDir::new("both");
    let file = SqliteStore::open(&dir.db()).unwrap();
    test(&file);
}

const SM_PREFIX: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:";
const EX_PREFIX: &str = "arn:aws:states:us-east-1:123456789012:execution:";

fn sm(name: &str) -> StateMachineRecord {
    StateMachineRecord {
        arn: format!("{SM_PREFIX}{name}"),
        name: name.into(),
        kind: WorkflowType::Standard,
        definition: r#"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#.into(),
        role_arn: "arn:aws:iam::123456789012:role/r".into(),
        description: Some("a machine".into()),
        logging_configuration: Some(json!({"level": "OFF", "includeExecutionData": false})),
        tracing_configuration: None,
        revision_id: "rev-1".into(),
        created_ms: 1_700_000_000_000,
        updated_ms: 1_700_000_000_000,
    }
}

fn version_of(sm: &StateMachineRecord, desc: &str) -> VersionRecord {
    VersionRecord {
        arn: String::new(),
        state_machine_arn: sm.arn.clone(),
        version: 0,
        definition: sm.definition.clone(),
        role_arn: sm.role_arn.clone(),
        revision_id: sm.revision_id.clone(),
        description: Some(desc.into()),
        created_ms: 5,
    }
}

fn alias_of(sm: &StateMachineRecord, name: &str, routing: &[(&str, u32)]) -> AliasRecord {
    AliasRecord {
        arn: format!("{}:{name}", sm.arn),
        state_machine_arn: sm.arn.clone(),
        name: name.into(),
        description: None,
        routing: routing
            .iter()
            .map(|(v, w)| RoutingEntry {
                version_arn: v.to_string(),
                weight: *w,
            })
            .collect(),
        created_ms: 1,
        updated_ms: 2,
    }
}

fn exec(sm_name: &str, name: &str, start_ms: i64) -> ExecutionRecord {
    ExecutionRecord {
        arn: format!("{EX_PREFIX}{sm_name}:{name}"),
        state_machine_arn: format!("{SM_PREFIX}{sm_name}"),
        name: name.into(),
        kind: WorkflowType::Standard,
        status: ExecutionStatus::Running,
        definition: "{}".into(),
        role_arn: "arn:aws:iam::123456789012:role/r".into(),
        input: r#"{"x":1}"#.into(),
        output: None,
        error: None,
        cause: None,
        start_ms,
        stop_ms: None,
        version_arn: None,
        alias_arn: None,
        redrive_count: 0,
        test_case: None,
        seed: u64::MAX - 7,
        trace_header: Some("Root=1-abc".into()),
        replay_version: 1,
    }
}

fn event(id: u64, ty: &str) -> StoredEvent {
    StoredEvent {
        id,
        previous_event_id: id.saturating_sub(1),
        timestamp_ms: 1_700_000_000_000 + id as i64,
        event_type: ty.into(),
        details: if id & 1 == 0 {
            None
        } else {
            Some((
                "stateEnteredEventDetails".into(),
                json!({"name": "P", "input": "{\"a\":[1,2.5,\"é\"]}"}),
            ))
        },
    }
}

fn entry(seq: u64) -> JournalEntry {
    JournalEntry {
        seq,
        now_ms: 1_700_000_000_000 + seq as i64,
        input: json!({"Step": seq, "f": 0.1}),
        time_limit_hits: if seq == 2 { vec![0, 7] } else { Vec::new() },
        cut: if seq == 3 { Some(17) } else { None },
    }
}

fn page(after: Option<&str>, limit: usize) -> Page {
    Page {
        after: after.map(str::to_string),
        limit,
    }
}

fn names_of_sms(v: &[StateMachineRecord]) -> Vec<&str> {
    v.iter().map(|s| s.name.as_str()).collect()
}

fn exec_names(v: &[ExecutionRecord]) -> Vec<&str> {
    v.iter().map(|e| e.name.as_str()).collect()
}

// --- state machines ------------------------------------------------------------------------

#[test]
fn state_machine_round_trip_and_errors() {
    both(|s| {
        let a = sm("a");
        let tags = vec![Tag {
            key: "team".into(),
            value: "x".into(),
        }];
        s.create_state_machine(&a, &tags).unwrap();
        assert_eq!(s.get_state_machine(&a.arn).unwrap(), Some(a.clone()));
        assert_eq!(s.list_tags(&a.arn).unwrap(), tags);
        assert!(matches!(
            s.create_state_machine(&a, &[]),
            Err(StoreError::AlreadyExists(_))
        ));

        let mut b = a.clone();
        b.definition = r#"{"StartAt":"Q"}"#.into();
        b.description = None;
        b.tracing_configuration = Some(json!({"enabled": true}));
        b.revision_id = "rev-2".into();
        b.updated_ms += 10;
        s.update_state_machine(&b).unwrap();
        assert_eq!(s.get_state_machine(&a.arn).unwrap(), Some(b));
        assert!(matches!(
            s.update_state_machine(&sm("missing")),
            Err(StoreError::NotFound(_))
        ));
        assert_eq!(s.get_state_machine(&sm("missing").arn).unwrap(), None);
    });
}

#[test]
fn state_machines_page_by_arn() {
    both(|s| {
        for n in ["e", "b", "d", "a", "c"] {
            s.create_state_machine(&sm(n), &[]).unwrap();
        }
        let all = s.list_state_machines(&Page::default()).unwrap();
        assert_eq!(names_of_sms(&all), ["a", "b", "c", "d", "e"]);
        let p1 = s.list_state_machines(&page(None, 2)).unwrap();
        assert_eq!(names_of_sms(&p1), ["a", "b"]);
        let p2 = s.list_state_machines(&page(Some(&p1[1].arn), 2)).unwrap();
        assert_eq!(names_of_sms(&p2), ["c", "d"]);
        let p3 = s.list_state_machines(&page(Some(&p2[1].arn), 2)).unwrap();
        assert_eq!(names_of_sms(&p3), ["e"]);
        let p4 = s.list_state_machines(&page(Some(&p3[0].arn), 2)).unwrap();
        assert!(p4.is_empty());
    });
}

#[test]
fn deleting_a_state_machine_takes_versions_aliases_and_tags_not_executions() {
    both(|s| {
        let a = sm("a");
        let other = sm("a2"); // shares a prefix with "a", must keep its tags
        s.create_state_machine(
            &a,
            &[Tag {
                key: "k".into(),
                value: "v".into(),
            }],
        )
        .unwrap();
        s.create_state_machine(
            &other,
            &[Tag {
                key: "k".into(),
                value: "v".into(),
            }],
        )
        .unwrap();
        let v1 = s.publish_version(&version_of(&a, "one")).unwrap();
        s.tag_resource(
            &v1.arn,
            &[Tag {
                key: "vk".into(),
                value: "vv".into(),
            }],
        )
        .unwrap();
        let al = alias_of(&a, "live", &[(&v1.arn, 100)]);
        s.create_alias(&al).unwrap();
        s.create_execution(&exec("a", "e1", 1), &[event(1, "ExecutionStarted")], &[entry(0)])
            .unwrap();

        s.delete_state_machine(&a.arn).unwrap();
        assert_eq!(s.get_state_machine(&a.arn).unwrap(), None);
        assert_eq!(s.get_version(&v1.arn).unwrap(), None);
        assert_eq!(s.get_alias(&al.arn).unwrap(), None);
        assert!(s.list_tags(&a.arn).unwrap().is_empty());
        assert!(s.list_tags(&v1.arn).unwrap().is_empty());
        assert_eq!(s.list_tags(&other.arn).unwrap().len(), 1);
        assert!(s.get_execution(&exec("a", "e1", 1).arn).unwrap().is_some());
        assert_eq!(
            s.history(&exec("a", "e1", 1).arn, &HistoryQuery::default())
                .unwrap()
                .len(),
            1
        );
        // Deleting what is not there is not an error.
        s.delete_state_machine(&a.arn).unwrap();
    });
}

// --- versions ------------------------------------------------------------------------------

#[test]
fn version_numbers_are_never_reused() {
    both(|s| {
        let a = sm("a");
        s.create_state_machine(&a, &[]).unwrap();
        let v1 = s.publish_version(&version_of(&a, "1")).unwrap();
        let v2 = s.publish_version(&version_of(&a, "2")).unwrap();
        let v3 = s.publish_version(&version_of(&a, "3")).unwrap();
        assert_eq!((v1.version, v2.version, v3.version), (1, 2, 3));
        assert_eq!(v3.arn, format!("{}:3", a.arn));
        assert_eq!(s.get_version(&v2.arn).unwrap(), Some(v2.clone()));

        s.delete_version(&v3.arn).unwrap();
        assert_eq!(s.get_version(&v3.arn).unwrap(), None);
        let v4 = s.publish_version(&version_of(&a, "4")).unwrap();
        assert_eq!(v4.version, 4);

        // Not even after the state machine is deleted and created again.
        s.delete_state_machine(&a.arn).unwrap();
        s.create_state_machine(&a, &[]).unwrap();
        assert_eq!(s.publish_version(&version_of(&a, "5")).unwrap().version, 5);

        // Each state machine counts for itself.
        let b = sm("b");
        s.create_state_machine(&b, &[]).unwrap();
        assert_eq!(s.publish_version(&version_of(&b, "1")).unwrap().version, 1);

        assert!(matches!(
            s.publish_version(&version_of(&sm("missing"), "x")),
            Err(StoreError::NotFound(_))
        ));
    });
}

#[test]
fn versions_list_newest_first_in_pages() {
    both(|s| {
        let a = sm("a");
        s.create_state_machine(&a, &[]).unwrap();
        let vs: Vec<_> = (1..=5)
            .map(|i| s.publish_version(&version_of(&a, &i.to_string())).unwrap())
            .collect();
        let nums = |v: Vec<VersionRecord>| v.into_iter().map(|v| v.version).collect::<Vec<_>>();
        assert_eq!(
            nums(s.list_versions(&a.arn, &Page::default()).unwrap()),
            [5, 4, 3, 2, 1]
        );
        let p1 = s.list_versions(&a.arn, &page(None, 2)).unwrap();
        assert_eq!(nums(p1.clone()), [5, 4]);
        // The page token's version may be deleted meanwhile: paging goes on.
        s.delete_version(&p1[1].arn).unwrap();
        let p2 = s.list_versions(&a.arn, &page(Some(&p1[1].arn), 2)).unwrap();
        assert_eq!(nums(p2.clone()), [3, 2]);
        let p3 = s.list_versions(&a.arn, &page(Some(&p2[1].arn), 2)).unwrap();
        assert_eq!(nums(p3), [1]);
        assert_eq!(vs[0], s.get_version(&vs[0].arn).unwrap().unwrap());
        assert!(s.list_versions(&sm("none").arn, &Page::default()).unwrap().is_empty());
    });
}

// --- aliases -------------------------------------------------------------------------------

#[test]
fn alias_round_trip_and_paging() {
    both(|s| {
        let a = sm("a");
        s.create_state_machine(&a, &[]).unwrap();
        let v1 = s.publish_version(&version_of(&a, "1")).unwrap();
        let v2 = s.publish_version(&version_of(&a, "2")).unwrap();
        let mut live = alias_of(&a, "live", &[(&v1.arn, 90), (&v2.arn, 10)]);
        s.create_alias(&live).unwrap();
        assert_eq!(s.get_alias(&live.arn).unwrap(), Some(live.clone()));
        assert!(matches!(s.create_alias(&live), Err(StoreError::AlreadyExists(_))));

        live.routing = vec![RoutingEntry {
            version_arn: v2.arn.clone(),
            weight: 100,
        }];
        live.description = Some("all on 2".into());
        live.updated_ms = 99;
        s.update_alias(&live).unwrap();
        assert_eq!(s.get_alias(&live.arn).unwrap(), Some(live.clone()));
        assert!(matches!(
            s.update_alias(&alias_of(&a, "ghost", &[])),
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            s.create_alias(&alias_of(&sm("missing"), "x", &[])),
            Err(StoreError::NotFound(_))
        ));

        for n in ["beta", "alpha", "zeta"] {
            s.create_alias(&alias_of(&a, n, &[(&v1.arn, 100)])).unwrap();
        }
        let names = |v: Vec<AliasRecord>| v.into_iter().map(|a| a.name).collect::<Vec<_>>();
        assert_eq!(
            names(s.list_aliases(&a.arn, &Page::default()).unwrap()),
            ["alpha", "beta", "live", "zeta"]
        );
        let p1 = s.list_aliases(&a.arn, &page(None, 3)).unwrap();
        let p2 = s.list_aliases(&a.arn, &page(Some(&p1[2].arn), 3)).unwrap();
        assert_eq!(names(p1), ["alpha", "beta", "live"]);
        assert_eq!(names(p2), ["zeta"]);

        s.delete_alias(&live.arn).unwrap();
        assert_eq!(s.get_alias(&live.arn).unwrap(), None);
        s.delete_alias(&live.arn).unwrap();
    });
}

// --- tags ----------------------------------------------------------------------------------

#[test]
fn tags_on_any_arn() {
    both(|s| {
        let arn = "arn:aws:states:us-east-1:123456789012:activity:act";
        let t = |k: &str, v: &str| Tag {
            key: k.into(),
            value: v.into(),
        };
        s.tag_resource(arn, &[t("b", "1"), t("a", "2")]).unwrap();
        s.tag_resource(arn, &[t("c", "3"), t("b", "changed")]).unwrap();
        assert_eq!(s.list_tags(arn).unwrap(), [t("b", "changed"), t("a", "2"), t("c", "3")]);
        s.untag_resource(arn, &["a".into(), "nope".into()]).unwrap();
        assert_eq!(s.list_tags(arn).unwrap(), [t("b", "changed"), t("c", "3")]);
        assert!(s.list_tags("arn:other").unwrap().is_empty());
    });
}

// --- executions ----------------------------------------------------------------------------

#[test]
fn execution_round_trip() {
    both(|s| {
        let mut e = exec("m", "e1", 10);
        e.version_arn = Some(format!("{SM_PREFIX}m:3"));
        e.test_case = Some("m#HappyPath".into());
        e.redrive_count = 2;
        e.replay_version = 7;
        let events = vec![event(1, "ExecutionStarted"), event(2, "PassStateEntered")];
        let journal = vec![entry(0)];
        s.create_execution(&e, &events, &journal).unwrap();
        assert_eq!(s.get_execution(&e.arn).unwrap(), Some(e.clone()));
        assert_eq!(s.history(&e.arn, &HistoryQuery::default()).unwrap(), events);
        assert_eq!(s.journal(&e.arn).unwrap(), journal);

        // A taken ARN changes nothing.
        let mut dup = e.clone();
        dup.input = "{}".into();
        assert!(matches!(
            s.create_execution(&dup, &[event(3, "X")], &[entry(1)]),
            Err(StoreError::AlreadyExists(_))
        ));
        assert_eq!(s.get_execution(&e.arn).unwrap(), Some(e.clone()));
        assert_eq!(s.history(&e.arn, &HistoryQuery::default()).unwrap(), events);
        assert_eq!(s.journal(&e.arn).unwrap(), journal);
        assert_eq!(s.get_execution(&format!("{EX_PREFIX}m:none")).unwrap(), None);
    });
}

#[test]
fn executions_list_newest_first_with_filters_and_pages() {
    both(|s| {
        let v1 = format!("{SM_PREFIX}m:1");
        let al = format!("{SM_PREFIX}m:live");
        let mut all = Vec::new();
        for (i, name) in ["a", "b", "c", "d", "e", "f"].iter().enumerate() {
            // b and c start at the same millisecond: ARN descending breaks the tie.
            let start = match i {
                2 => 1,
                _ => i as i64,
            };
            let mut e = exec("m", name, start);
            if i % 2 == 0 {
                e.version_arn = Some(v1.clone());
            }
            if i == 5 {
                e.alias_arn = Some(al.clone());
            }
            s.create_execution(&e, &[], &[]).unwrap();
            all.push(e);
        }
        s.create_execution(&exec("other", "z", 100), &[], &[]).unwrap();
        s.append(&AppendBatch {
            redrive: false,
            execution_arn: all[3].arn.clone(),
            events: vec![],
            journal: vec![],
            end: Some(ExecutionEnd {
                status: ExecutionStatus::Succeeded,
                output: Some("{}".into()),
                error: None,
                cause: None,
                stop_ms: 50,
            }),
        })
        .unwrap();

        let by_sm = ExecutionFilter {
            state_machine_arn: Some(format!("{SM_PREFIX}m")),
            ..Default::default()
        };
        let list = s.list_executions(&by_sm, &Page::default()).unwrap();
        assert_eq!(exec_names(&list), ["f", "e", "d", "c", "b", "a"]);

        let everything = s
            .list_executions(&ExecutionFilter::default(), &Page::default())
            .unwrap();
        assert_eq!(exec_names(&everything), ["z", "f", "e", "d", "c", "b", "a"]);

        // Pages of 2 walk the same order.
        let mut walked = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let p = s.list_executions(&by_sm, &page(after.as_deref(), 2)).unwrap();
            if p.is_empty() {
                break;
            }
            assert!(p.len() <= 2);
            after = Some(p.last().unwrap().arn.clone());
            walked.extend(p.into_iter().map(|e| e.name));
        }
        assert_eq!(walked, ["f", "e", "d", "c", "b", "a"]);

        let by_version = ExecutionFilter {
            version_arn: Some(v1.clone()),
            ..Default::default()
        };
        assert_eq!(
            exec_names(&s.list_executions(&by_version, &Page::default()).unwrap()),
            ["e", "c", "a"]
        );
        let by_alias = ExecutionFilter {
            alias_arn: Some(al.clone()),
            ..Default::default()
        };
        assert_eq!(
            exec_names(&s.list_executions(&by_alias, &Page::default()).unwrap()),
            ["f"]
        );
        let done = ExecutionFilter {
            status: Some(ExecutionStatus::Succeeded),
            ..by_sm.clone()
        };
        assert_eq!(exec_names(&s.list_executions(&done, &Page::default()).unwrap()), ["d"]);
        let running_v1 = ExecutionFilter {
            status: Some(ExecutionStatus::Running),
            ..by_version
        };
        assert_eq!(
            exec_names(&s.list_executions(&running_v1, &Page::default()).unwrap()),
            ["e", "c", "a"]
        );

        // Oldest first, the ended one left out.
        assert_eq!(
            exec_names(&s.open_executions().unwrap()),
            ["a", "b", "c", "e", "f", "z"]
        );
    });
}

#[test]
fn history_pages_forward_and_backward() {
    both(|s| {
        let e = exec("m", "h", 1);
        let events: Vec<_> = (1..=10).map(|i| event(i, "PassStateEntered")).collect();
        s.create_execution(&e, &events[..4], &[]).unwrap();
        s.append(&AppendBatch {
            redrive: false,
            execution_arn: e.arn.clone(),
            events: events[4..].to_vec(),
            journal: vec![],
            end: None,
        })
        .unwrap();
        let ids = |v: Vec<StoredEvent>| v.into_iter().map(|e| e.id).collect::<Vec<_>>();
        let q = |reverse, after, limit| HistoryQuery { reverse, after, limit };

        assert_eq!(s.history(&e.arn, &q(false, 0, 0)).unwrap(), events);
        assert_eq!(ids(s.history(&e.arn, &q(false, 0, 4)).unwrap()), [1, 2, 3, 4]);
        assert_eq!(ids(s.history(&e.arn, &q(false, 4, 4)).unwrap()), [5, 6, 7, 8]);
        assert_eq!(ids(s.history(&e.arn, &q(false, 8, 4)).unwrap()), [9, 10]);
        assert!(s.history(&e.arn, &q(false, 10, 4)).unwrap().is_empty());

        assert_eq!(ids(s.history(&e.arn, &q(true, 0, 4)).unwrap()), [10, 9, 8, 7]);
        assert_eq!(ids(s.history(&e.arn, &q(true, 7, 4)).unwrap()), [6, 5, 4, 3]);
        assert_eq!(ids(s.history(&e.arn, &q(true, 3, 4)).unwrap()), [2, 1]);
        assert!(s.history(&e.arn, &q(true, 1, 4)).unwrap().is_empty());
        assert_eq!(s.history(&e.arn, &q(true, 0, 0)).unwrap().len(), 10);
        assert!(s.history("arn:none", &q(false, 0, 0)).unwrap().is_empty());
    });
}

#[test]
fn append_is_atomic() {
    both(|s| {
        let e = exec("m", "atomic", 1);
        s.create_execution(&e, &[event(1, "ExecutionStarted")], &[entry(0)])
            .unwrap();
        // Event 1 is taken: the journal entry and the end of this batch must not land either.
        let bad = AppendBatch {
            redrive: false,
            execution_arn: e.arn.clone(),
            events: vec![event(2, "PassStateEntered"), event(1, "Dup")],
            journal: vec![entry(1)],
            end: Some(ExecutionEnd {
                status: ExecutionStatus::Failed,
                output: None,
                error: Some("E".into()),
                cause: Some("c".into()),
                stop_ms: 9,
            }),
        };
        assert!(matches!(s.append(&bad), Err(StoreError::AlreadyExists(_))));
        assert_eq!(s.history(&e.arn, &HistoryQuery::default()).unwrap().len(), 1);
        assert_eq!(s.journal(&e.arn).unwrap(), [entry(0)]);
        assert_eq!(
            s.get_execution(&e.arn).unwrap().unwrap().status,
            ExecutionStatus::Running
        );

        // A good batch with an end lands whole.
        let good = AppendBatch {
            redrive: false,
            execution_arn: e.arn.clone(),
            events: vec![event(2, "PassStateEntered"), event(3, "ExecutionFailed")],
            journal: vec![entry(1), entry(2)],
            end: bad.end.clone(),
        };
        s.append(&good).unwrap();
        let got = s.get_execution(&e.arn).unwrap().unwrap();
        assert_eq!(got.status, ExecutionStatus::Failed);
        assert_eq!(
            (got.error.as_deref(), got.cause.as_deref(), got.stop_ms),
            (Some("E"), Some("c"), Some(9))
        );
        assert_eq!(s.history(&e.arn, &HistoryQuery::default()).unwrap().len(), 3);
        assert_eq!(s.journal(&e.arn).unwrap(), [entry(0), entry(1), entry(2)]);
        assert!(s.open_executions().unwrap().is_empty());

        // An execution that does not exist.
        for batch in [
            AppendBatch {
                redrive: false,
                execution_arn: "arn:none".into(),
                events: vec![event(1, "X")],
                journal: vec![],
                end: None,
            },
            AppendBatch {
                redrive: false,
                execution_arn: "arn:none".into(),
                events: vec![],
                journal: vec![entry(0)],
                end: None,
            },
            AppendBatch {
                redrive: false,
                execution_arn: "arn:none".into(),
                events: vec![],
                journal: vec![],
                end: None,
            },
            AppendBatch {
                redrive: false,
                execution_arn: "arn:none".into(),
                events: vec![],
                journal: vec![],
                end: good.end.clone(),
            },
        ] {
            assert!(matches!(s.append(&batch), Err(StoreError::NotFound(_))), "{batch:?}");
        }
    });
}

// --- files: durability, migrations ---------------------------------------------------------

fn fill(s: &dyn Store) {
    let a = sm("a");
    s.create_state_machine(
        &a,
        &[Tag {
            key: "k".into(),
            value: "v".into(),
        }],
    )
    .unwrap();
    let v1 = s.publish_version(&version_of(&a, "1")).unwrap();
    s.create_alias(&alias_of(&a, "live", &[(&v1.arn, 100)])).unwrap();
    let e = exec("a", "e", 1);
    s.create_execution(&e, &[event(1, "ExecutionStarted")], &[entry(0)])
        .unwrap();
    s.append(&AppendBatch {
        redrive: false,
        execution_arn: e.arn.clone(),
        events: vec![event(2, "PassStateEntered")],
        journal: vec![entry(1)],
        end: None,
    })
    .unwrap();
}

fn check_filled(s: &dyn Store) {
    let a = sm("a");
    assert_eq!(s.get_state_machine(&a.arn).unwrap(), Some(a.clone()));
    assert_eq!(s.list_tags(&a.arn).unwrap().len(), 1);
    assert_eq!(s.list_versions(&a.arn, &Page::default()).unwrap().len(), 1);
    assert!(s.get_alias(&format!("{}:live", a.arn)).unwrap().is_some());
    let e = exec("a", "e", 1);
    assert_eq!(s.get_execution(&e.arn).unwrap(), Some(e.clone()));
    assert_eq!(
        s.history(&e.arn, &HistoryQuery::default()).unwrap(),
        [event(1, "ExecutionStarted"), event(2, "PassStateEntered")]
    );
    assert_eq!(s.journal(&e.arn).unwrap(), [entry(0), entry(1)]);
    assert_eq!(exec_names(&s.open_executions().unwrap()), ["e"]);
}

#[test]
fn everything_survives_close_and_reopen() {
    let dir = TempDir::new("reopen");
    {
        let s = SqliteStore::open(&dir.db()).unwrap();
        fill(&s);
    }
    let s = SqliteStore::open(&dir.db()).unwrap();
    check_filled(&s);
    // The version counter survived too.
    assert_eq!(s.publish_version(&version_of(&sm("a"), "2")).unwrap().version, 2);
}

fn raw(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

#[test]
fn migrations_run_once_and_newer_databases_are_refused() {
    let dir = TempDir::new("migrate");
    let db = dir.db();
    {
        let s = SqliteStore::open(&db).unwrap();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        fill(&s);
    }
    {
        // Idempotent: reopening migrates nothing and loses nothing.
        let s = SqliteStore::open(&db).unwrap();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        check_filled(&s);
    }
    let v: i64 = raw(&db).query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, i64::from(SCHEMA_VERSION));

    raw(&db)
        .pragma_update(None, "user_version", i64::from(SCHEMA_VERSION) + 1)
        .unwrap();
    match SqliteStore::open(&db) {
        Err(e @ StoreError::Corrupt { .. }) => assert!(e.to_string().contains("newer"), "{e}"),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a newer schema was accepted"),
    }
}

#[test]
fn foreign_databases_are_refused() {
    let dir = TempDir::new("foreign");
    let db = dir.db();
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    raw(&db).execute_batch("CREATE TABLE t (x INTEGER)").unwrap();
    assert!(matches!(SqliteStore::open(&db), Err(StoreError::Corrupt { .. })));
}

#[test]
fn bad_data_is_an_error_not_a_panic() {
    let dir = TempDir::new("bad");
    let db = dir.db();
    let e = exec("m", "bad", 1);
    {
        let s = SqliteStore::open(&db).unwrap();
        s.create_execution(&e, &[event(1, "ExecutionStarted")], &[entry(0)])
            .unwrap();
    }
    let c = raw(&db);
    c.execute("UPDATE executions SET status = 'BOGUS'", []).unwrap();
    c.execute("UPDATE history_events SET details = '{not json'", [])
        .unwrap();
    c.execute("UPDATE journal SET seq = -1", []).unwrap();
    drop(c);
    let s = SqliteStore::open(&db).unwrap();
    assert!(matches!(s.get_execution(&e.arn), Err(StoreError::Corrupt { .. })));
    assert!(matches!(
        s.history(&e.arn, &HistoryQuery::default()),
        Err(StoreError::Corrupt { .. })
    ));
    assert!(matches!(s.journal(&e.arn), Err(StoreError::Corrupt { .. })));
    // Out-of-range numbers are refused before they reach the database.
    let mut huge = event(u64::MAX, "X");
    huge.previous_event_id = 0;
    let batch = AppendBatch {
        redrive: false,
        execution_arn: e.arn.clone(),
        events: vec![huge],
        journal: vec![],
        end: None,
    };
    assert!(matches!(s.append(&batch), Err(StoreError::Invalid { .. })));
}

// --- concurrency ---------------------------------------------------------------------------

#[test]
fn concurrent_appends_all_land_in_order() {
    const THREADS: usize = 8;
    const BATCHES: u64 = 500;
    let dir = TempDir::new("concurrent");
    let store = Arc::new(SqliteStore::open(&dir.db()).unwrap());
    for t in 0..THREADS {
        store
            .create_execution(&exec("m", &format!("t{t}"), t as i64), &[], &[])
            .unwrap();
    }
    let before = store.writer_stats();
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || {
                let arn = exec("m", &format!("t{t}"), 0).arn;
                for b in 0..BATCHES {
                    let events = (1..=3).map(|k| event(b * 3 + k, "PassStateEntered")).collect();
                    store
                        .append(&AppendBatch {
                            redrive: false,
                            execution_arn: arn.clone(),
                            events,
                            journal: vec![entry(b)],
                            end: None,
                        })
                        .unwrap();
                    // Reads run alongside the writes.
                    if b % 100 == 0 {
                        assert_eq!(store.journal(&arn).unwrap().len() as u64, b + 1);
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let stats = store.writer_stats();
    let requests = stats.requests - before.requests;
    let transactions = stats.transactions - before.transactions;
    eprintln!("{requests} appends in {transactions} transactions");
    // Reads of a file store do not go through the writer.
    assert_eq!(requests, THREADS as u64 * BATCHES);
    for t in 0..THREADS {
        let arn = exec("m", &format!("t{t}"), 0).arn;
        let ids: Vec<u64> = store
            .history(&arn, &HistoryQuery::default())
            .unwrap()
            .iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(ids, (1..=BATCHES * 3).collect::<Vec<_>>());
        let seqs: Vec<u64> = store.journal(&arn).unwrap().iter().map(|j| j.seq).collect();
        assert_eq!(seqs, (0..BATCHES).collect::<Vec<_>>());
    }
}

#[test]
fn a_failing_request_does_not_sink_its_group() {
    // Many threads race to create the same state machine and their own executions: the
    // losers get AlreadyExists, everything else lands.
    let dir = TempDir::new("group");
    let store = Arc::new(SqliteStore::open(&dir.db()).unwrap());
    let handles: Vec<_> = (0..16)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || {
                let mut won = 0;
                for round in 0..20 {
                    match store.create_state_machine(&sm(&format!("race{round}")), &[]) {
                        Ok(()) => won += 1,
                        Err(StoreError::AlreadyExists(_)) => {}
                        Err(e) => panic!("{e}"),
                    }
                    store
                        .create_execution(&exec("m", &format!("{t}-{round}"), 0), &[], &[])
                        .unwrap();
                }
                won
            })
        })
        .collect();
    let won: i32 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(won, 20);
    assert_eq!(store.list_state_machines(&Page::default()).unwrap().len(), 20);
    assert_eq!(
        store
            .list_executions(&ExecutionFilter::default(), &Page::default())
            .unwrap()
            .len(),
        16 * 20
    );
}

// --- a killed process loses nothing it acknowledged ---------------------------------------

const CHILD_DB: &str = "STEPWISE_STORE_TEST_CHILD_DB";

/// In the child: four threads append to their own executions until killed, printing
/// `ack <thread> <batch>` after each append returns.
fn child_appends_until_killed(db: &Path) -> ! {
    use std::io::Write;
    let store = Arc::new(SqliteStore::open(db).unwrap());
    for t in 0..4 {
        store
            .create_execution(&exec("kill", &format!("t{t}"), t), &[], &[])
            .unwrap();
    }
    let out = Arc::new(std::sync::Mutex::new(std::io::stdout()));
    let handles: Vec<_> = (0..4u64)
        .map(|t| {
            let (store, out) = (store.clone(), out.clone());
            std::thread::spawn(move || {
                let arn = exec("kill", &format!("t{t}"), 0).arn;
                for b in 0.. {
                    let events = vec![event(b * 2 + 1, "TaskScheduled"), event(b * 2 + 2, "TaskSucceeded")];
                    store
                        .append(&AppendBatch {
                            redrive: false,
                            execution_arn: arn.clone(),
                            events,
                            journal: vec![entry(b)],
                            end: None,
                        })
                        .unwrap();
                    let mut o = out.lock().unwrap();
                    writeln!(o, "ack {t} {b}").unwrap();
                    o.flush().unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        let _ = h.join();
    }
    std::process::exit(0)
}

#[test]
fn a_killed_process_loses_nothing_it_acknowledged() {
    use std::io::BufRead;
    if let Some(db) = std::env::var_os(CHILD_DB) {
        child_appends_until_killed(Path::new(&db));
    }
    let dir = TempDir::new("kill");
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_killed_process_loses_nothing_it_acknowledged",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DB, dir.db())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut acked = [None::<u64>; 4];
    let mut count = 0;
    for line in std::io::BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        let mut parts = line.split_whitespace();
        if parts.next() != Some("ack") {
            continue; // the test harness's own lines
        }
        let t: usize = parts.next().unwrap().parse().unwrap();
        let b: u64 = parts.next().unwrap().parse().unwrap();
        acked[t] = Some(b);
        count += 1;
        if count == 400 {
            child.kill().unwrap(); // SIGKILL: no destructor, no clean close
            break;
        }
    }
    child.wait().unwrap();
    assert_eq!(count, 400, "the child stopped early");

    let s = SqliteStore::open(&dir.db()).unwrap();
    for (t, last) in acked.iter().enumerate() {
        let arn = exec("kill", &format!("t{t}"), 0).arn;
        let journal = s.journal(&arn).unwrap();
        let history = s.history(&arn, &HistoryQuery::default()).unwrap();
        // Everything acknowledged is there, complete batches only, in order.
        let landed = journal.len() as u64;
        if let Some(last) = last {
            assert!(
                landed > *last,
                "thread {t}: acknowledged batch {last} lost ({landed} landed)"
            );
        }
        assert_eq!(
            journal.iter().map(|j| j.seq).collect::<Vec<_>>(),
            (0..landed).collect::<Vec<_>>()
        );
        assert_eq!(
            history.iter().map(|e| e.id).collect::<Vec<_>>(),
            (1..=landed * 2).collect::<Vec<_>>()
        );
    }
    assert_eq!(s.open_executions().unwrap().len(), 4);
}

#[test]
fn unsettled_marks_count_until_settled_and_survive_a_reopen() {
    let dir = TempDir::new("unsettled");
    let x = exec("m", "hot", 1);
    {
        let s = SqliteStore::open(&dir.db()).unwrap();
        s.create_execution(&x, &[event(1, "ExecutionStarted")], &[]).unwrap();
        assert_eq!(s.mark_unsettled(&x.arn).unwrap(), 0);
    }
    let s = SqliteStore::open(&dir.db()).unwrap();
    assert_eq!(s.mark_unsettled(&x.arn).unwrap(), 1, "the mark is durable");
    assert_eq!(s.mark_unsettled(&x.arn).unwrap(), 2);
    s.settle(&x.arn).unwrap();
    assert_eq!(s.mark_unsettled(&x.arn).unwrap(), 0, "settling clears the count");
    s.append(&AppendBatch {
        redrive: false,
        execution_arn: x.arn.clone(),
        events: vec![],
        journal: vec![],
        end: Some(ExecutionEnd {
            status: ExecutionStatus::Succeeded,
            output: Some("{}".into()),
            error: None,
            cause: None,
            stop_ms: 2,
        }),
    })
    .unwrap();
    assert_eq!(s.mark_unsettled(&x.arn).unwrap(), 0, "an end clears the count");
    assert!(matches!(s.mark_unsettled("arn:nope"), Err(StoreError::NotFound(_))));
    assert!(matches!(s.settle("arn:nope"), Err(StoreError::NotFound(_))));
}
