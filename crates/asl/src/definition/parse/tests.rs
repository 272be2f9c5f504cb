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
