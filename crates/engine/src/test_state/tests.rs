//! TestState on single states: the data flow as the interpreter runs it, and how the
//! outcome (status, output, next state, error) is reported.
use super::*;

fn request(definition: Value, input: Value) -> TestStateRequest {
    TestStateRequest {
        definition: definition.to_string(),
        state_name: None,
        input,
        variables: Map::new(),
        context: None,
        mock: None,
        retrier_retry_count: None,
        config: ExecutionConfig::new("TestStateMachine", "test", "us-east-1", "123456789012"),
    }
}

fn run(req: TestStateRequest) -> TestStateResult {
    test_state(req, 1_700_000_000_000).expect("the state can be tested")
}

#[test]
fn pass_state_data_flow_is_inspected_step_by_step() {
    let def = json!({"Type": "Pass", "InputPath": "$.payload",
        "Parameters": {"item.$": "$.item", "fixed": 1},
        "ResultPath": "$.out", "OutputPath": "$.out", "Next": "After"});
    let r = run(request(def, json!({"payload": {"item": "a", "other": true}})));
    assert_eq!(r.status, TestStatus::Succeeded);
    assert_eq!(r.next_state.as_deref(), Some("After"));
    assert_eq!(r.output, Some(json!({"item": "a", "fixed": 1})));
    let i = &r.inspection;
    assert_eq!(i.input, Some(json!({"payload": {"item": "a", "other": true}})));
    assert_eq!(i.after_input_path, Some(json!({"item": "a", "other": true})));
    assert_eq!(i.after_parameters, Some(json!({"item": "a", "fixed": 1})));
    assert_eq!(i.result, Some(json!({"item": "a", "fixed": 1})));
    assert_eq!(
        i.after_result_path,
        Some(json!({"payload": {"item": "a", "other": true}, "out": {"item": "a", "fixed": 1}}))
    );
    assert_eq!(i.variables, Some(Map::new()));
}

#[test]
fn pass_state_sees_and_assigns_variables() {
    let def = json!({"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($x, 2)"},
        "Assign": {"y.$": "$.sum"}, "End": true});
    let mut req = request(def, json!({}));
    req.variables.insert("x".into(), json!(40));
    let r = run(req);
    assert_eq!(r.status, TestStatus::Succeeded);
    assert_eq!(r.next_state, None);
    assert_eq!(r.output, Some(json!({"sum": 42})));
    let vars = r.inspection.variables.unwrap();
    assert_eq!(vars.get("x"), Some(&json!(40)));
    assert_eq!(vars.get("y"), Some(&json!(42)));
}

#[test]
fn choice_state_reports_the_chosen_next_state() {
    let def = json!({"Type": "Choice", "Choices": [
        {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"},
        {"Variable": "$.n", "NumericLessThanEquals": 10, "Next": "Small"}],
        "Default": "Other"});
    let r = run(request(def.clone(), json!({"n": 3})));
    assert_eq!(r.status, TestStatus::Succeeded);
    assert_eq!(r.next_state.as_deref(), Some("Small"));
    assert_eq!(r.output, Some(json!({"n": 3})));
    let r = run(request(def, json!({"n": "x"})));
    assert_eq!(r.next_state.as_deref(), Some("Other"));
}

#[test]
fn choice_without_a_match_fails() {
    let def = json!({"Type": "Choice", "Choices": [
        {"Variable": "$.n", "NumericEquals": 1, "Next": "One"}]});
    let r = run(request(def, json!({"n": 2})));
    assert_eq!(r.status, TestStatus::Failed);
    assert_eq!(r.error.as_deref(), Some("States.NoChoiceMatched"));
    assert_eq!(r.next_state, None);
}

#[test]
fn fail_state_reports_its_error_and_cause() {
    let def = json!({"Type": "Fail", "ErrorPath": "$.code", "Cause": "it broke"});
    let r = run(request(def, json!({"code": "Custom.Error"})));
    assert_eq!(r.status, TestStatus::Failed);
    assert_eq!(r.error.as_deref(), Some("Custom.Error"));
    assert_eq!(r.cause.as_deref(), Some("it broke"));
    assert_eq!(r.output, None);
}

#[test]
fn wait_state_does_not_wait() {
    let def = json!({"Type": "Wait", "Seconds": 86400, "Next": "Later"});
    let r = run(request(def, json!({"a": 1})));
    assert_eq!(r.status, TestStatus::Succeeded);
    assert_eq!(r.next_state.as_deref(), Some("Later"));
    assert_eq!(r.output, Some(json!({"a": 1})));
}

#[test]
fn succeed_state_applies_its_paths() {
    let def = json!({"Type": "Succeed", "InputPath": "$.a", "OutputPath": "$.b"});
    let r = run(request(def, json!({"a": {"b": 5}})));
    assert_eq!(r.status, TestStatus::Succeeded);
    assert_eq!(r.output, Some(json!(5)));
    assert_eq!(r.next_state, None);
}

#[test]
fn task_with_a_mocked_result_goes_through_result_selector_and_result_path() {
    let def = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f", "Payload.$": "$"},
        "ResultSelector": {"body.$": "$.Payload.body"},
        "ResultPath": "$.res", "Next": "Done"});
    let mut req = request(def, json!({"id": 7}));
    req.mock = Some(TestMock::Result(json!({"StatusCode": 200, "Payload": {"body": "ok"}})));
    let r = run(req);
    assert_eq!(r.status, TestStatus::Succeeded);
    assert_eq!(r.next_state.as_deref(), Some("Done"));
    assert_eq!(r.output, Some(json!({"id": 7, "res": {"body": "ok"}})));
    let i = &r.inspection;
    assert_eq!(
        i.after_parameters,
        Some(json!({"FunctionName": "f", "Payload": {"id": 7}}))
    );
    assert_eq!(i.result, Some(json!({"StatusCode": 200, "Payload": {"body": "ok"}})));
    assert_eq!(i.after_result_selector, Some(json!({"body": "ok"})));
    assert_eq!(i.after_result_path, Some(json!({"id": 7, "res": {"body": "ok"}})));
}

fn failing_task() -> Value {
    json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f"},
        "Retry": [{"ErrorEquals": ["Throttled"], "IntervalSeconds": 3, "BackoffRate": 2, "MaxAttempts": 2}],
        "Catch": [
            {"ErrorEquals": ["Other"], "Next": "Elsewhere"},
            {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Recover"}],
        "Next": "Done"})
}

fn mock_error(error: &str) -> Option<TestMock> {
    Some(TestMock::Error {
        error: error.into(),
        cause: Some("mocked".into()),
    })
}

#[test]
fn task_with_a_mocked_error_is_caught() {
    let mut req = request(failing_task(), json!({"id": 7}));
    req.mock = mock_error("Boom");
    let r = run(req);
    assert_eq!(r.status, TestStatus::CaughtError);
    assert_eq!(r.next_state.as_deref(), Some("Recover"));
    assert_eq!(r.error.as_deref(), Some("Boom"));
    assert_eq!(r.cause.as_deref(), Some("mocked"));
    assert_eq!(
        r.output,
        Some(json!({"id": 7, "error": {"Error": "Boom", "Cause": "mocked"}}))
    );
    assert_eq!(r.inspection.catch_index, Some(1));
    assert_eq!(r.inspection.retry_index, None);
}

#[test]
fn task_with_a_mocked_error_matched_by_a_retry_is_retriable() {
    let mut req = request(failing_task(), json!({}));
    req.mock = mock_error("Throttled");
    let r = run(req);
    assert_eq!(r.status, TestStatus::Retriable);
    assert_eq!(r.error.as_deref(), Some("Throttled"));
    assert_eq!(r.next_state, None);
    assert_eq!(r.output, None);
    assert_eq!(r.inspection.retry_index, Some(0));
    assert_eq!(r.inspection.retry_backoff_seconds, Some(3.0));

    // The second attempt backs off longer; past MaxAttempts the Catch takes over.
    let mut req = request(failing_task(), json!({}));
    req.mock = mock_error("Throttled");
    req.retrier_retry_count = Some(1);
    let r = run(req);
    assert_eq!(r.status, TestStatus::Retriable);
    assert_eq!(r.inspection.retry_backoff_seconds, Some(6.0));
    let mut req = request(failing_task(), json!({}));
    req.mock = mock_error("Throttled");
    req.retrier_retry_count = Some(2);
    let r = run(req);
    assert_eq!(r.status, TestStatus::CaughtError);
    assert_eq!(r.next_state.as_deref(), Some("Recover"));
}

#[test]
fn uncaught_task_error_fails() {
    let def = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true});
    let mut req = request(def, json!({}));
    req.mock = mock_error("Boom");
    let r = run(req);
    assert_eq!(r.status, TestStatus::Failed);
    assert_eq!(r.error.as_deref(), Some("Boom"));
}

#[test]
fn jsonata_task_shows_its_arguments_and_result() {
    let def = json!({"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": "f", "Payload": "{% $states.input.n * 2 %}"},
        "Output": "{% $states.result.Payload + $v %}", "End": true});
    let mut req = request(def, json!({"n": 4}));
    req.variables.insert("v".into(), json!(100));
    req.mock = Some(TestMock::Result(json!({"Payload": 8})));
    let r = run(req);
    assert_eq!(r.status, TestStatus::Succeeded);
    assert_eq!(r.output, Some(json!(108)));
    assert_eq!(
        r.inspection.after_arguments,
        Some(json!({"FunctionName": "f", "Payload": 8}))
    );
    assert_eq!(r.inspection.result, Some(json!({"Payload": 8})));
    assert_eq!(r.inspection.after_input_path, None);
}

#[test]
fn map_state_with_a_mocked_result_runs_no_iterations() {
    let def = json!({"Type": "Map", "ItemsPath": "$.items", "ItemSelector": {"v.$": "$$.Map.Item.Value"},
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
        "ResultPath": "$.out", "Next": "N"});
    let mut req = request(def, json!({"items": [1, 2]}));
    req.mock = Some(TestMock::Result(json!(["a", "b"])));
    let r = run(req);
    assert_eq!(r.status, TestStatus::Succeeded);
    assert_eq!(r.output, Some(json!({"items": [1, 2], "out": ["a", "b"]})));
    assert_eq!(r.inspection.after_items_path, Some(json!([1, 2])));
    assert_eq!(r.inspection.after_item_selector, Some(json!([{"v": 1}, {"v": 2}])));
}

#[test]
fn a_state_of_a_state_machine_is_picked_by_name_and_sees_the_given_context() {
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"},
        "B": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"who.$": "$$.Execution.Name"}, "End": true}}});
    let mut req = request(def, json!({}));
    req.state_name = Some("B".into());
    req.context = Some(json!({"Execution": {"Name": "given"}}));
    req.mock = Some(TestMock::Result(json!("done")));
    let r = run(req);
    assert_eq!(r.inspection.after_parameters, Some(json!({"who": "given"})));
    assert_eq!(r.output, Some(json!("done")));
}

#[test]
fn requests_that_cannot_be_tested_are_refused() {
    let task = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true});
    let e = test_state(request(task, json!({})), 0).unwrap_err();
    assert!(matches!(e, TestStateError::Validation(_)), "{e:?}");

    let mut req = request(json!({"Type": "Pass", "End": true}), json!({}));
    req.mock = Some(TestMock::Result(json!(1)));
    assert!(matches!(test_state(req, 0), Err(TestStateError::Validation(_))));

    let bad = json!({"Type": "Pass", "Next": 3});
    assert!(matches!(
        test_state(request(bad, json!({})), 0),
        Err(TestStateError::InvalidDefinition(_))
    ));

    let mut req = request(
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}),
        json!({}),
    );
    req.state_name = Some("Nope".into());
    assert!(matches!(test_state(req, 0), Err(TestStateError::Validation(_))));
}
