//! Every constraint the botocore model states for a served action's input is enforced: the
//! generated shapes are walked side by side with the committed model, member by member, and
//! each length or range limit is then exercised through [`decode`] with a value one past it.

use serde_json::{Map, Value, json};

use super::*;

static MODEL: &str = include_str!("../../model/service-2.json");

/// The served actions and their generated input shapes (the dispatch table's pairs).
fn inputs() -> Vec<(&'static str, &'static Shape)> {
    use model::*;
    vec![
        ("CreateStateMachine", &CREATE_STATE_MACHINE),
        ("DescribeStateMachine", &DESCRIBE_STATE_MACHINE),
        ("UpdateStateMachine", &UPDATE_STATE_MACHINE),
        ("DeleteStateMachine", &DELETE_STATE_MACHINE),
        ("ListStateMachines", &LIST_STATE_MACHINES),
        ("ValidateStateMachineDefinition", &VALIDATE_STATE_MACHINE_DEFINITION),
        ("TestState", &TEST_STATE),
        ("StartExecution", &START_EXECUTION),
        ("StartSyncExecution", &START_SYNC_EXECUTION),
        ("DescribeExecution", &DESCRIBE_EXECUTION),
        (
            "DescribeStateMachineForExecution",
            &DESCRIBE_STATE_MACHINE_FOR_EXECUTION,
        ),
        ("ListExecutions", &LIST_EXECUTIONS),
        ("StopExecution", &STOP_EXECUTION),
        ("GetExecutionHistory", &GET_EXECUTION_HISTORY),
        ("RedriveExecution", &REDRIVE_EXECUTION),
        ("PublishStateMachineVersion", &PUBLISH_STATE_MACHINE_VERSION),
        ("ListStateMachineVersions", &LIST_STATE_MACHINE_VERSIONS),
        ("DeleteStateMachineVersion", &DELETE_STATE_MACHINE_VERSION),
        ("CreateStateMachineAlias", &CREATE_STATE_MACHINE_ALIAS),
        ("DescribeStateMachineAlias", &DESCRIBE_STATE_MACHINE_ALIAS),
        ("UpdateStateMachineAlias", &UPDATE_STATE_MACHINE_ALIAS),
        ("DeleteStateMachineAlias", &DELETE_STATE_MACHINE_ALIAS),
        ("ListStateMachineAliases", &LIST_STATE_MACHINE_ALIASES),
        ("TagResource", &TAG_RESOURCE),
        ("UntagResource", &UNTAG_RESOURCE),
        ("ListTagsForResource", &LIST_TAGS_FOR_RESOURCE),
    ]
}

fn num(shape: &Value, key: &str) -> Option<i64> {
    shape.get(key).and_then(Value::as_i64)
}

/// Compares a generated shape with the model's; returns the number of limits compared.
fn compare(shapes: &Map<String, Value>, name: &str, generated: &Shape, path: &str, depth: usize) -> usize {
    let raw = &shapes[name];
    let ty = raw["type"].as_str().unwrap_or_default();
    let usize_of = |k| num(raw, k).map(|n| n as usize);
    match (ty, generated) {
        ("string", Shape::String { min, max, .. }) => {
            assert_eq!((*min, *max), (usize_of("min"), usize_of("max")), "{path} ({name})");
            usize::from(max.is_some()) + usize::from(min.is_some())
        }
        ("string", Shape::Enum(values)) => {
            let want: Vec<&str> = raw["enum"]
                .as_array()
                .expect("enum")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            assert_eq!(*values, want.as_slice(), "{path} ({name})");
            1
        }
        ("integer", Shape::Integer { min, max }) => {
            assert_eq!((*min, *max), (num(raw, "min"), num(raw, "max")), "{path} ({name})");
            usize::from(max.is_some()) + usize::from(min.is_some())
        }
        ("long", Shape::Long) | ("boolean", Shape::Boolean) => 0,
        ("list", Shape::List { member, min, max }) => {
            assert_eq!((*min, *max), (usize_of("min"), usize_of("max")), "{path} ({name})");
            let inner = raw["member"]["shape"].as_str().expect("list member");
            usize::from(max.is_some())
                + usize::from(min.is_some())
                + compare(shapes, inner, member, &format!("{path}.member"), depth + 1)
        }
        ("structure", Shape::Structure { members, .. }) => {
            assert!(depth < 16, "{path}: nesting");
            let raw_members = raw["members"].as_object().expect("members");
            let required: Vec<&str> = raw["required"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            assert_eq!(members.len(), raw_members.len(), "{path} ({name}): member count");
            let mut n = 0;
            for (mname, m) in raw_members {
                let g = members
                    .iter()
                    .find(|g| g.name == mname)
                    .unwrap_or_else(|| panic!("{path}.{mname} is not checked"));
                assert_eq!(
                    g.required,
                    required.contains(&mname.as_str()),
                    "{path}.{mname}: required"
                );
                let inner = m["shape"].as_str().expect("member shape");
                n += compare(shapes, inner, g.shape, &format!("{path}.{mname}"), depth + 1);
            }
            n
        }
        (ty, g) => panic!("{path} ({name}): the model says {ty}, the generated shape is {g:?}"),
    }
}

#[test]
fn every_model_constraint_of_a_served_input_is_generated() {
    let model: Value = serde_json::from_str(MODEL).expect("the committed model");
    let shapes = model["shapes"].as_object().expect("shapes");
    let mut limits = 0;
    for (action, generated) in inputs() {
        assert!(model::ACTIONS.contains(&action), "{action}");
        let input = model["operations"][action]["input"]["shape"]
            .as_str()
            .expect("input shape");
        limits += compare(shapes, input, generated, action, 0);
    }
    assert_eq!(inputs().len(), model::ACTIONS.len(), "every served action is compared");
    assert!(limits > 50, "only {limits} limits compared");
}

/// A value of the smallest length that breaks `max` for a string shape.
fn too_long(max: usize) -> String {
    "a".repeat(max + 1)
}

/// Each top-level string member with a maximum length, one past it, alone in the request
/// with its required siblings given valid values: one ValidationException naming it.
#[test]
fn each_string_maximum_is_enforced_with_awss_message() {
    let mut checked = 0;
    for (action, shape) in inputs() {
        let Shape::Structure { members, .. } = shape else {
            unreachable!()
        };
        for m in members.iter() {
            let Shape::String {
                max: Some(max),
                sensitive,
                measure,
                ..
            } = m.shape
            else {
                continue;
            };
            if *max > 2 * 1024 * 1024 {
                continue;
            }
            let mut body = Map::new();
            for r in members.iter().filter(|r| r.required && r.name != m.name) {
                body.insert(r.name.into(), valid(r.shape));
            }
            let long = too_long(*max);
            body.insert(m.name.into(), json!(long));
            let err = decode::<Value>(shape, Value::Object(body)).expect_err(&format!("{action}.{}", m.name));
            let ApiError::ConstraintViolation(text) = err else {
                panic!("{action}.{}: {err:?}", m.name)
            };
            let constraint = match measure {
                Measure::Chars => format!("Member must have length less than or equal to {max}"),
                Measure::Utf8Bytes => {
                    format!("Member must have size less than or equal to {max} bytes in UTF-8 encoding")
                }
            };
            let shown = if *sensitive {
                String::new()
            } else {
                format!("Value '{long}' ")
            };
            assert!(
                text.starts_with("1 validation error detected: "),
                "{action}.{}: {text}",
                m.name
            );
            assert!(
                text.contains(&format!(
                    "{shown}at '{}' failed to satisfy constraint: {constraint}",
                    m.name
                )),
                "{action}.{}: {text}",
                m.name
            );
            checked += 1;
        }
    }
    assert!(checked >= 30, "{checked}");
}

/// A value that satisfies `shape` (for the required siblings of a member under test).
fn valid(shape: &Shape) -> Value {
    match shape {
        Shape::String { min, max, pattern, .. } => {
            let text = if pattern.is_some() {
                "abc"
            } else {
                "arn:aws:states:us-east-1:123456789012:stateMachine:m"
            };
            let len = text.len().max(min.unwrap_or(0)).min(max.unwrap_or(usize::MAX));
            json!(text.chars().cycle().take(len).collect::<String>())
        }
        Shape::Integer { min, .. } => json!(min.unwrap_or(0)),
        Shape::Long => json!(0),
        Shape::Boolean => json!(false),
        Shape::Enum(values) => json!(values[0]),
        Shape::List { member, min, .. } => Value::Array((0..min.unwrap_or(0)).map(|_| valid(member)).collect()),
        Shape::Structure { members, .. } => Value::Object(
            members
                .iter()
                .filter(|m| m.required)
                .map(|m| (m.name.to_owned(), valid(m.shape)))
                .collect(),
        ),
    }
}
