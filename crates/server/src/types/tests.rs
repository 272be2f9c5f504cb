use super::*;
use serde_json::{Map, json};

#[test]
fn timestamps_are_epoch_seconds() {
    let out = StartExecutionOutput {
        execution_arn: "a".into(),
        start_date: Timestamp::from_millis(1_700_000_000_123),
    };
    let v = serde_json::to_value(&out).unwrap();
    assert_eq!(v, json!({"executionArn": "a", "startDate": 1700000000.123}));
    assert_eq!(
        serde_json::to_string(&Timestamp::from_millis(1_700_000_000_000)).unwrap(),
        "1700000000.0"
    );
    let back: StartExecutionOutput = serde_json::from_value(v).unwrap();
    assert_eq!(back, out);
}

#[test]
fn raw_identifiers_keep_their_wire_name() {
    let item = StateMachineListItem {
        state_machine_arn: "a".into(),
        name: "n".into(),
        r#type: StateMachineType::Express,
        creation_date: Timestamp(0),
    };
    let v = serde_json::to_value(&item).unwrap();
    assert_eq!(v["type"], "EXPRESS");
    assert_eq!(v["stateMachineArn"], "a");
    assert_eq!(v["creationDate"], 0.0);
}

#[test]
fn absent_options_are_left_out() {
    let v = serde_json::to_value(ListStateMachinesOutput::default()).unwrap();
    assert_eq!(v, json!({"stateMachines": []}));
    let v = serde_json::to_value(DeleteStateMachineOutput {}).unwrap();
    assert_eq!(v, json!({}));
}

#[test]
fn history_event_details_sit_beside_the_other_members() {
    let mut details = Map::new();
    details.insert(
        "stateEnteredEventDetails".into(),
        json!({"name": "P", "input": "{}", "inputDetails": {"truncated": false}}),
    );
    let event = HistoryEvent {
        timestamp: Timestamp(1_500),
        r#type: "PassStateEntered".into(),
        id: 2,
        previous_event_id: Some(0),
        details,
    };
    assert_eq!(
        serde_json::to_value(&event).unwrap(),
        json!({
            "timestamp": 1.5,
            "type": "PassStateEntered",
            "id": 2,
            "previousEventId": 0,
            "stateEnteredEventDetails": {"name": "P", "input": "{}", "inputDetails": {"truncated": false}}
        })
    );
}

#[test]
fn enums_round_trip() {
    assert_eq!(ExecutionStatus::parse("TIMED_OUT"), Some(ExecutionStatus::TimedOut));
    assert_eq!(ExecutionStatus::parse("timed_out"), None);
    assert_eq!(ExecutionStatus::PendingRedrive.as_str(), "PENDING_REDRIVE");
    assert_eq!(StateMachineType::VALUES, &["STANDARD", "EXPRESS"]);
}
