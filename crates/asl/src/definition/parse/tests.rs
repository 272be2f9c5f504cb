use super::*;

fn err(text: &str) -> String {
    StateMachine::parse(text).unwrap_err().to_string()
}

#[test]
fn missing_states() {
    assert_eq!(
        err(r#"{"Comment":"x","StartAt":"State_1"}"#),
        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /'"
    );
}

#[test]
fn missing_target_and_unreachable() {
    assert_eq!(
        err(
            r#"{"StartAt":"pass1","States":{"pass1":{"Type":"Pass","Next":"pass3"},"pass2":{"Type":"Pass","End":true}}}"#
        ),
        "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next, MISSING_TRANSITION_TARGET: State \"pass2\" is not reachable. at /States/pass2'"
    );
}

#[test]
fn no_terminal_state() {
    assert_eq!(
        err(r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"}}}"#),
        "Invalid State Machine Definition: 'MISSING_END_STATE: Workflow has no terminal state at null'"
    );
}

#[test]
fn field_not_supported() {
    assert_eq!(
        err(r#"{"StartAt":"M","States":{"M":{"Type":"Pass","TimeoutSeconds":3,"End":true}}}"#),
        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Field 'TimeoutSeconds' is not supported at /States/M'"
    );
}

#[test]
fn nested_blocks_are_flat() {
    let sm = StateMachine::parse(
        r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
            {"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},
            {"StartAt":"B","States":{"B":{"Type":"Succeed"}}}]}}}"#,
    )
    .unwrap();
    assert_eq!(sm.blocks.len(), 3);
    assert_eq!(sm.block(BlockId(2)).states[0].name, "B");
}

/// Retry and Catch lists share one walker; their diagnostics still come out item by item,
/// in the order and wording they always had.
#[test]
fn retry_and_catch_diagnostics_item_by_item() {
    let text = r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true,
        "Retry":[{"ErrorEquals":["States.ALL"],"Bad":1,"BackoffRate":0.5},7,{"ErrorEquals":[],"JitterStrategy":"X","MaxAttempts":-1}],
        "Catch":[{"ErrorEquals":["E"],"Oops":true},"x",{"Next":"T","ResultPath":"bad path"}]},
      "U":{"Type":"Parallel","Branches":[],"Retry":{},"Catch":3,"End":true}}}"#;
    assert_eq!(
        err(text),
        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Field 'Bad' is not supported at /States/T/Retry/0, SCHEMA_VALIDATION_FAILED: States.ALL must appear alone in ErrorEquals and in the last Retrier or Catcher at /States/T/Retry/0/ErrorEquals, SCHEMA_VALIDATION_FAILED: The value for the field 'BackoffRate' must be a number greater than or equal to 1.0 at /States/T/Retry/0/BackoffRate, SCHEMA_VALIDATION_FAILED: A Retrier must be a JSON object at /States/T/Retry/1, SCHEMA_VALIDATION_FAILED: The value for the field 'ErrorEquals' must be a non-empty ARRAY of STRINGs at /States/T/Retry/2/ErrorEquals, SCHEMA_VALIDATION_FAILED: The value for the field 'MaxAttempts' must be an INTEGER between 0 and 99999999 at /States/T/Retry/2/MaxAttempts, SCHEMA_VALIDATION_FAILED: The field 'JitterStrategy' should have one of these values: [FULL, NONE] at /States/T/Retry/2/JitterStrategy, SCHEMA_VALIDATION_FAILED: Field 'Oops' is not supported at /States/T/Catch/0, SCHEMA_VALIDATION_FAILED: These fields are required: [Next] at /States/T/Catch/0, SCHEMA_VALIDATION_FAILED: A Catcher must be a JSON object at /States/T/Catch/1, SCHEMA_VALIDATION_FAILED: These fields are required: [ErrorEquals] at /States/T/Catch/2, SCHEMA_VALIDATION_FAILED: The value for the field 'ResultPath' must be a valid JSONPath at /States/T/Catch/2, SCHEMA_VALIDATION_FAILED: The value for the field 'Branches' must be a non-empty ARRAY at /States/U/Branches, SCHEMA_VALIDATION_FAILED: The value for the field 'Retry' must be an ARRAY at /States/U/Retry, SCHEMA_VALIDATION_FAILED: The value for the field 'Catch' must be an ARRAY at /States/U/Catch, MISSING_TRANSITION_TARGET: State \"U\" is not reachable. at /States/U'"
    );
}

/// Numbers that become counts are range-checked when given as numbers.
#[test]
fn map_counts_out_of_range() {
    let map = |extra: &str| {
        format!(
            r#"{{"StartAt":"M","States":{{"M":{{"Type":"Map",{extra}"ItemProcessor":{{"StartAt":"P","States":{{"P":{{"Type":"Pass","End":true}}}}}},"End":true}}}}}}"#
        )
    };
    let cases = [
        (
            r#""ToleratedFailureCount":-1,"#,
            Some("'ToleratedFailureCount' must be a non-negative integer at /States/M/ToleratedFailureCount"),
        ),
        (
            r#""ToleratedFailureCount":1.5,"#,
            Some("'ToleratedFailureCount' must be a non-negative integer"),
        ),
        (
            r#""ToleratedFailureCount":1e30,"#,
            Some("'ToleratedFailureCount' must be a non-negative integer"),
        ),
        (r#""ToleratedFailureCount":3,"#, None),
        (
            r#""ToleratedFailurePercentage":100.1,"#,
            Some("'ToleratedFailurePercentage' must be a number between 0 and 100"),
        ),
        (
            r#""ToleratedFailurePercentage":-0.5,"#,
            Some("'ToleratedFailurePercentage' must be a number between 0 and 100"),
        ),
        (r#""ToleratedFailurePercentage":99.5,"#, None),
        (
            r#""ItemBatcher":{"MaxItemsPerBatch":0},"#,
            Some(
                "'MaxItemsPerBatch' must be an INTEGER between 1 and 2147483647 at /States/M/ItemBatcher/MaxItemsPerBatch",
            ),
        ),
        (
            r#""ItemBatcher":{"MaxItemsPerBatch":4611686018427387904},"#,
            Some("'MaxItemsPerBatch' must be an INTEGER between 1"),
        ),
        (
            r#""ItemBatcher":{"MaxInputBytesPerBatch":262145},"#,
            Some("'MaxInputBytesPerBatch' must be an INTEGER between 1 and 262144"),
        ),
        (
            r#""ItemBatcher":{"MaxItemsPerBatch":10,"MaxInputBytesPerBatch":262144},"#,
            None,
        ),
        (
            r#""MaxConcurrency":-2,"#,
            Some("'MaxConcurrency' must be a non-negative integer"),
        ),
    ];
    for (extra, want) in cases {
        let text = map(extra);
        match (StateMachine::parse(&text), want) {
            (Ok(_), None) => {}
            (Err(e), Some(want)) => assert!(e.to_string().contains(want), "{extra}: {e}"),
            (got, want) => panic!("{extra}: {:?}, want {want:?}", got.err().map(|e| e.to_string())),
        }
    }
}
