use serde_json::json;

use super::*;

fn event(id: u64, ty: &str, details: Option<Value>) -> StoredEvent {
    StoredEvent {
        id,
        previous_event_id: id.saturating_sub(1),
        timestamp_ms: 1000 + id as i64,
        event_type: ty.into(),
        details: details.map(|d| ("stateEnteredEventDetails".to_string(), d)),
    }
}

fn history() -> Vec<StoredEvent> {
    vec![
        event(1, "ExecutionStarted", Some(json!({"input": "{}"}))),
        event(2, "PassStateEntered", Some(json!({"name": "P", "input": "{\"a\":1}"}))),
        event(3, "PassStateExited", None),
    ]
}

#[test]
fn identical_histories_pass() {
    assert_eq!(check(&history(), &history()), Ok(()));
    assert_eq!(check(&[], &[]), Ok(()));
}

#[test]
fn the_first_differing_member_of_the_details_is_named() {
    let mut replayed = history();
    replayed[1].details = Some((
        "stateEnteredEventDetails".into(),
        json!({"name": "P", "input": "{\"a\":2}"}),
    ));
    replayed[2].event_type = "Other".into();
    let d = check(&history(), &replayed).unwrap_err();
    assert_eq!(d.event_id(), 2);
    assert_eq!(
        d.to_string(),
        r#"event #2 (PassStateEntered) differs in stateEnteredEventDetails.input: stored "{\"a\":1}", replayed "{\"a\":2}""#
    );
}

#[test]
fn timestamps_types_and_links_are_compared() {
    let mut replayed = history();
    replayed[2].timestamp_ms += 1;
    assert!(
        matches!(check(&history(), &replayed), Err(Divergence::Differs { id: 3, field, .. }) if field == "timestamp")
    );
    let mut replayed = history();
    replayed[2].previous_event_id = 1;
    assert!(
        matches!(check(&history(), &replayed), Err(Divergence::Differs { id: 3, field, .. }) if field == "previousEventId")
    );
}

#[test]
fn missing_and_extra_events_are_divergences() {
    let short = &history()[..2];
    assert_eq!(
        check(&history(), short),
        Err(Divergence::Missing {
            id: 3,
            event_type: "PassStateExited".into()
        })
    );
    assert_eq!(
        check(short, &history()),
        Err(Divergence::Extra {
            id: 3,
            event_type: "PassStateExited".into()
        })
    );
}

#[test]
fn long_values_are_cut_in_the_cause() {
    let mut replayed = history();
    let long = "x".repeat(1000);
    replayed[0].details = Some(("stateEnteredEventDetails".into(), json!({"input": long})));
    let cause = check(&history(), &replayed).unwrap_err().to_string();
    assert!(cause.len() < 400, "{cause}");
    assert!(cause.ends_with('…'));
}

#[test]
fn only_known_replay_versions_are_replayed() {
    assert_eq!(check_version(ENGINE_REPLAY_VERSION), Ok(()));
    // Journals of version 1 record no JSONata time-outs; they replay with the limit in force.
    assert_eq!(check_version(1), Ok(()));
    let refused = check_version(ENGINE_REPLAY_VERSION + 1).unwrap_err();
    assert_eq!(
        refused.to_string(),
        format!(
            "The execution was journaled by engine replay version {}; this build replays version {}",
            ENGINE_REPLAY_VERSION + 1,
            ENGINE_REPLAY_VERSION
        )
    );
}
