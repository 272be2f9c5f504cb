use super::*;
use crate::types::*;
use serde_json::json;

fn violation(shape: &Shape, body: Value) -> String {
    match decode::<Value>(shape, body) {
        Err(ApiError::ConstraintViolation(m)) => m,
        other => panic!("expected a constraint violation, got {other:?}"),
    }
}

#[test]
fn too_long_name() {
    let long = "a".repeat(81);
    assert_eq!(
        violation(
            &model::START_EXECUTION,
            json!({"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:x", "name": long})
        ),
        format!(
            "1 validation error detected: Value '{long}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80"
        )
    );
}

#[test]
fn missing_required_member() {
    assert_eq!(
        violation(&model::START_EXECUTION, json!({"name": "n"})),
        "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null"
    );
    // JSON null is the same as absent.
    assert_eq!(
        violation(&model::DESCRIBE_EXECUTION, json!({"executionArn": null})),
        "1 validation error detected: Value null at 'executionArn' failed to satisfy constraint: Member must not be null"
    );
}

#[test]
fn several_violations_are_counted_and_joined() {
    let m = violation(
        &model::CREATE_STATE_MACHINE,
        json!({"name": "", "definition": "{}", "type": "BATCH"}),
    );
    assert_eq!(
        m,
        "3 validation errors detected: \
         Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1; \
         Value null at 'roleArn' failed to satisfy constraint: Member must not be null; \
         Value 'BATCH' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]"
    );
}

#[test]
fn max_results_range() {
    assert_eq!(
        violation(&model::LIST_STATE_MACHINES, json!({"maxResults": 1001})),
        "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000"
    );
    assert_eq!(
        violation(&model::LIST_STATE_MACHINES, json!({"maxResults": -1})),
        "1 validation error detected: Value '-1' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 0"
    );
    let ok: ListStateMachinesInput = decode(&model::LIST_STATE_MACHINES, json!({"maxResults": 0})).unwrap();
    assert_eq!(ok.max_results, Some(0));
}

#[test]
fn page_tokens() {
    let token = "t".repeat(1025);
    assert_eq!(
        violation(&model::LIST_STATE_MACHINES, json!({"nextToken": token})),
        format!(
            "1 validation error detected: Value '{token}' at 'nextToken' failed to satisfy constraint: Member must have length less than or equal to 1024"
        )
    );
    let token = "t".repeat(3097);
    assert_eq!(
        violation(&model::LIST_EXECUTIONS, json!({"nextToken": token})),
        format!(
            "1 validation error detected: Value '{token}' at 'nextToken' failed to satisfy constraint: Member must have length less than or equal to 3096"
        )
    );
}

#[test]
fn status_filter_enum_in_aws_order() {
    assert_eq!(
        violation(&model::LIST_EXECUTIONS, json!({"statusFilter": "succeeded"})),
        "1 validation error detected: Value 'succeeded' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]"
    );
}

#[test]
fn sensitive_input_is_not_quoted_and_counted_in_bytes() {
    let big = format!("\"{}\"", "a".repeat(262_144));
    assert_eq!(
        violation(
            &model::START_EXECUTION,
            json!({"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:x", "input": big})
        ),
        "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have size less than or equal to 262144 bytes in UTF-8 encoding"
    );
    // 262144 bytes exactly is fine.
    let exact = "a".repeat(262_144);
    assert!(
        decode::<StartExecutionInput>(
            &model::START_EXECUTION,
            json!({"stateMachineArn": "arn", "input": exact})
        )
        .is_ok()
    );
    // Multi-byte characters count by their UTF-8 size.
    let wide = "é".repeat(131_073);
    assert!(matches!(
        decode::<StartExecutionInput>(
            &model::START_EXECUTION,
            json!({"stateMachineArn": "arn", "input": wide})
        ),
        Err(ApiError::ConstraintViolation(_))
    ));
}

#[test]
fn alias_name_pattern() {
    for bad in ["123", "INVALID ALIAS", "ALIAS@", "!INVALID"] {
        assert_eq!(
            violation(
                &model::CREATE_STATE_MACHINE_ALIAS,
                json!({"name": bad, "routingConfiguration": [{"stateMachineVersionArn": "arn:aws:states:us-east-1:123456789012:stateMachine:x:1", "weight": 100}]})
            ),
            format!(
                "1 validation error detected: Value '{bad}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$"
            )
        );
    }
    for good in ["a", "1a", "_", "v1.2-prod", "PROD"] {
        assert!(is_alias_name(good), "{good}");
    }
}

#[test]
fn nested_list_members_are_addressed_by_one_based_index() {
    assert_eq!(
        violation(
            &model::CREATE_STATE_MACHINE_ALIAS,
            json!({"name": "a", "routingConfiguration": [{"stateMachineVersionArn": "v", "weight": 101}]})
        ),
        "1 validation error detected: Value '101' at 'routingConfiguration.1.member.weight' failed to satisfy constraint: Member must have value less than or equal to 100"
    );
    assert_eq!(
        violation(
            &model::UNTAG_RESOURCE,
            json!({"resourceArn": "a", "tagKeys": ["ok", ""]})
        ),
        "1 validation error detected: Value '' at 'tagKeys.2.member' failed to satisfy constraint: Member must have length greater than or equal to 1"
    );
}

#[test]
fn list_sizes_render_the_list_as_java_does() {
    let m = violation(
        &model::CREATE_STATE_MACHINE_ALIAS,
        json!({"name": "a", "routingConfiguration": [
            {"stateMachineVersionArn": "v1", "weight": 50},
            {"stateMachineVersionArn": "v2", "weight": 25},
            {"stateMachineVersionArn": "v3", "weight": 25}
        ]}),
    );
    assert_eq!(
        m,
        "1 validation error detected: Value '[RoutingConfigurationListItem(stateMachineVersionArn=v1, weight=50), RoutingConfigurationListItem(stateMachineVersionArn=v2, weight=25), RoutingConfigurationListItem(stateMachineVersionArn=v3, weight=25)]' at 'routingConfiguration' failed to satisfy constraint: Member must have length less than or equal to 2"
    );
    let m = violation(
        &model::CREATE_STATE_MACHINE_ALIAS,
        json!({"name": "a", "routingConfiguration": []}),
    );
    assert!(m.ends_with("Value '[]' at 'routingConfiguration' failed to satisfy constraint: Member must have length greater than or equal to 1"), "{m}");
}

#[test]
fn trace_header_and_client_token_patterns() {
    assert_eq!(
        violation(
            &model::START_EXECUTION,
            json!({"stateMachineArn": "a", "traceHeader": "é"})
        ),
        "1 validation error detected: Value 'é' at 'traceHeader' failed to satisfy constraint: Member must satisfy regular expression pattern: \\p{ASCII}*"
    );
    assert_eq!(
        violation(
            &model::REDRIVE_EXECUTION,
            json!({"executionArn": "a", "clientToken": "a b"})
        ),
        "1 validation error detected: Value 'a b' at 'clientToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [!-~]+"
    );
}

#[test]
fn wrong_json_types_are_serialization_errors() {
    for body in [
        json!({"maxResults": "10"}),
        json!({"maxResults": 1.5}),
        json!({"maxResults": 4_294_967_296_i64}),
        json!({"nextToken": 5}),
        json!([]),
        json!("x"),
    ] {
        assert!(
            matches!(
                decode::<ListStateMachinesInput>(&model::LIST_STATE_MACHINES, body.clone()),
                Err(ApiError::SerializationException(_))
            ),
            "{body}"
        );
    }
    assert!(matches!(
        decode::<TagResourceInput>(&model::TAG_RESOURCE, json!({"resourceArn": "a", "tags": {"k": "v"}})),
        Err(ApiError::SerializationException(_))
    ));
}

#[test]
fn unknown_members_are_ignored() {
    let ok: ListStateMachinesInput = decode(&model::LIST_STATE_MACHINES, json!({"somethingNew": 1})).unwrap();
    assert_eq!(ok, ListStateMachinesInput::default());
}

#[test]
fn definition_is_sensitive() {
    assert_eq!(
        violation(&model::VALIDATE_STATE_MACHINE_DEFINITION, json!({"definition": ""})),
        "1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length greater than or equal to 1"
    );
}
