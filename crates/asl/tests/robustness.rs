//! Hostile and random definitions: the parser returns diagnostics and never panics, and
//! deep nesting is an error rather than a stack overflow.

use asl::StateMachine;
use proptest::prelude::*;
use serde_json::{Value, json};

/// Random JSON in the rough shape of a definition, so the parser gets past the first checks.
fn arb_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e6f64..1e6).prop_map(|f| json!(f)),
        prop_oneof![
            Just("$".to_string()),
            Just("$.a".to_string()),
            Just("States.Format('{}', $.a)".to_string()),
            Just("A".to_string()),
            Just("B".to_string()),
            Just("Pass".to_string()),
            Just("Task".to_string()),
            Just("Map".to_string()),
            Just("Parallel".to_string()),
            Just("Choice".to_string()),
            Just("States.ALL".to_string()),
            "[ -~]{0,12}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        let key = prop_oneof![
            Just("Type"),
            Just("Next"),
            Just("End"),
            Just("StartAt"),
            Just("States"),
            Just("Parameters"),
            Just("a.$"),
            Just("Choices"),
            Just("Variable"),
            Just("StringEquals"),
            Just("Branches"),
            Just("ItemProcessor"),
            Just("Retry"),
            Just("Catch"),
            Just("ErrorEquals"),
            Just("ResultPath"),
            Just("Seconds"),
            Just("Assign"),
            Just("A"),
            Just("B"),
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key, inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn random_definitions_never_panic(states in arb_value(), start in prop_oneof![Just("A"), Just("B")]) {
        let def = json!({"StartAt": start, "States": states});
        let _ = StateMachine::from_value(&def);
        let _ = StateMachine::parse(&def.to_string());
    }

    #[test]
    fn random_text_never_panics(text in "\\PC{0,200}") {
        let _ = StateMachine::parse(&text);
    }
}

#[test]
fn deeply_nested_json_is_an_error() {
    let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let err = StateMachine::parse(&text).unwrap_err();
    assert_eq!(err.diagnostics[0].code, "INVALID_JSON_DESCRIPTION");
}

#[test]
fn deeply_nested_parallel_states_are_refused() {
    // 100 levels of Parallel inside Parallel: a diagnostic, not a stack overflow.
    let mut inner = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
    for _ in 0..100 {
        inner = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [inner]}}});
    }
    let text = inner.to_string();
    // serde_json's own recursion limit (128) or our nesting limit, whichever comes first.
    assert!(StateMachine::parse(&text).is_err());
}

#[test]
fn every_problem_is_reported_with_its_location() {
    let err = StateMachine::parse(
        r#"{"StartAt":"A","States":{
            "A":{"Type":"Pass","Next":"B","Bogus":1},
            "B":{"Type":"Task","End":true},
            "C":{"Type":"Succeed"}}}"#,
    )
    .unwrap_err();
    let shown: Vec<String> = err.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(
        shown.contains(&"SCHEMA_VALIDATION_FAILED: Field 'Bogus' is not supported at /States/A".to_string()),
        "{shown:?}"
    );
    assert!(
        shown.contains(&"SCHEMA_VALIDATION_FAILED: These fields are required: [Resource] at /States/B".to_string()),
        "{shown:?}"
    );
    assert!(
        shown.contains(&"MISSING_TRANSITION_TARGET: State \"C\" is not reachable. at /States/C".to_string()),
        "{shown:?}"
    );
}
