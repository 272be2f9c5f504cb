//! The execution history: AWS's event types, ids and `previousEventId` links.
//!
//! Events hold values, not text; they are turned into AWS's JSON shape only when asked
//! ([`HistoryEvent::to_json`]), so an execution that nobody inspects pays nothing for it.

use serde_json::{Map, Value, json};

#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEvent {
    pub id: u64,
    pub previous_event_id: u64,
    pub timestamp_ms: i64,
    pub kind: EventKind,
}

/// The details object of an event in AWS's shape: its key in the event
/// (`taskScheduledEventDetails`, …) and its fields.
#[derive(Debug, Clone, PartialEq)]
pub struct EventDetails {
    pub key: &'static str,
    pub fields: Map<String, Value>,
}

/// How task and Lambda events name what ran.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskResource {
    /// `lambda`, `states`, … (the service of an `arn:aws:states:::service:action` resource).
    pub resource_type: String,
    /// The action (`invoke`), or the whole ARN for Lambda function ARNs.
    pub resource: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    ExecutionStarted {
        input: Value,
        role_arn: String,
    },
    ExecutionSucceeded {
        output: Value,
    },
    ExecutionFailed {
        error: Option<String>,
        cause: Option<String>,
    },
    ExecutionTimedOut {
        error: Option<String>,
        cause: Option<String>,
    },
    ExecutionAborted {
        error: Option<String>,
        cause: Option<String>,
    },
    ExecutionRedriven {
        redrive_count: u32,
    },
    /// `<Type>StateEntered`
    StateEntered {
        state_type: &'static str,
        name: String,
        input: Value,
    },
    /// `<Type>StateExited`
    StateExited {
        state_type: &'static str,
        name: String,
        output: Value,
        assigned: Option<Map<String, Value>>,
    },
    ParallelStateStarted,
    ParallelStateSucceeded,
    ParallelStateFailed,
    ParallelStateAborted,
    MapStateStarted {
        length: usize,
    },
    MapStateSucceeded,
    MapStateFailed,
    MapStateAborted,
    MapIterationStarted {
        index: usize,
        name: String,
    },
    MapIterationSucceeded {
        index: usize,
        name: String,
    },
    MapIterationFailed {
        index: usize,
        name: String,
    },
    MapIterationAborted {
        index: usize,
        name: String,
    },
    MapRunStarted {
        map_run_arn: String,
    },
    MapRunSucceeded,
    MapRunFailed {
        error: Option<String>,
        cause: Option<String>,
    },
    WaitStateAborted,
    TaskScheduled {
        res: TaskResource,
        region: String,
        parameters: Value,
        timeout: Option<u64>,
        heartbeat: Option<u64>,
    },
    TaskStarted {
        res: TaskResource,
    },
    TaskSucceeded {
        res: TaskResource,
        output: Value,
    },
    TaskFailed {
        res: TaskResource,
        error: Option<String>,
        cause: Option<String>,
    },
    TaskTimedOut {
        res: TaskResource,
        error: Option<String>,
        cause: Option<String>,
    },
    LambdaFunctionScheduled {
        resource: String,
        input: Value,
        timeout: Option<u64>,
    },
    LambdaFunctionStarted,
    LambdaFunctionSucceeded {
        output: Value,
    },
    LambdaFunctionFailed {
        error: Option<String>,
        cause: Option<String>,
    },
    LambdaFunctionTimedOut {
        error: Option<String>,
        cause: Option<String>,
    },
    /// A run-time evaluation error (States.Runtime / States.QueryEvaluationError) in JSONata.
    EvaluationFailed {
        state: String,
        error: String,
        cause: String,
        location: Option<String>,
    },
}

impl HistoryEvent {
    /// AWS's event type name (`PassStateEntered`, `MapIterationStarted`, …).
    pub fn type_name(&self) -> String {
        use EventKind::*;
        let fixed = match &self.kind {
            StateEntered { state_type, .. } => return format!("{state_type}StateEntered"),
            StateExited { state_type, .. } => return format!("{state_type}StateExited"),
            ExecutionStarted { .. } => "ExecutionStarted",
            ExecutionSucceeded { .. } => "ExecutionSucceeded",
            ExecutionFailed { .. } => "ExecutionFailed",
            ExecutionTimedOut { .. } => "ExecutionTimedOut",
            ExecutionAborted { .. } => "ExecutionAborted",
            ExecutionRedriven { .. } => "ExecutionRedriven",
            ParallelStateStarted => "ParallelStateStarted",
            ParallelStateSucceeded => "ParallelStateSucceeded",
            ParallelStateFailed => "ParallelStateFailed",
            ParallelStateAborted => "ParallelStateAborted",
            MapStateStarted { .. } => "MapStateStarted",
            MapStateSucceeded => "MapStateSucceeded",
            MapStateFailed => "MapStateFailed",
            MapStateAborted => "MapStateAborted",
            MapIterationStarted { .. } => "MapIterationStarted",
            MapIterationSucceeded { .. } => "MapIterationSucceeded",
            MapIterationFailed { .. } => "MapIterationFailed",
            MapIterationAborted { .. } => "MapIterationAborted",
            MapRunStarted { .. } => "MapRunStarted",
            MapRunSucceeded => "MapRunSucceeded",
            MapRunFailed { .. } => "MapRunFailed",
            WaitStateAborted => "WaitStateAborted",
            TaskScheduled { .. } => "TaskScheduled",
            TaskStarted { .. } => "TaskStarted",
            TaskSucceeded { .. } => "TaskSucceeded",
            TaskFailed { .. } => "TaskFailed",
            TaskTimedOut { .. } => "TaskTimedOut",
            LambdaFunctionScheduled { .. } => "LambdaFunctionScheduled",
            LambdaFunctionStarted => "LambdaFunctionStarted",
            LambdaFunctionSucceeded { .. } => "LambdaFunctionSucceeded",
            LambdaFunctionFailed { .. } => "LambdaFunctionFailed",
            LambdaFunctionTimedOut { .. } => "LambdaFunctionTimedOut",
            EvaluationFailed { .. } => "EvaluationFailed",
        };
        fixed.to_string()
    }

    /// The event in AWS's `GetExecutionHistory` shape, without the timestamp. With
    /// `data_as_text` the `input`/`output`/`parameters` fields are JSON text, as the API sends
    /// them; otherwise they stay values (the shape of the conformance corpus).
    pub fn to_json(&self, data_as_text: bool) -> Value {
        let mut out = Map::new();
        out.insert("type".into(), Value::String(self.type_name()));
        out.insert("id".into(), json!(self.id));
        out.insert("previousEventId".into(), json!(self.previous_event_id));
        if let Some(d) = self.details(data_as_text) {
            out.insert(d.key.into(), Value::Object(d.fields));
        }
        Value::Object(out)
    }

    /// The event's details object (`stateEnteredEventDetails`, …) as AWS shapes it, or `None`
    /// for the events that have none (`ParallelStateStarted`, …). `data_as_text` as in
    /// [`HistoryEvent::to_json`]. A store keeps this next to the event's type and ids.
    pub fn details(&self, data_as_text: bool) -> Option<EventDetails> {
        use EventKind::*;
        let data = |v: &Value| -> Value {
            if data_as_text {
                Value::String(serde_json::to_string(v).unwrap_or_default())
            } else {
                v.clone()
            }
        };
        let not_truncated = || json!({"truncated": false});
        let err = |m: &mut Map<String, Value>, error: &Option<String>, cause: &Option<String>| {
            if let Some(c) = cause {
                m.insert("cause".into(), Value::String(c.clone()));
            }
            if let Some(e) = error {
                m.insert("error".into(), Value::String(e.clone()));
            }
        };
        let mut details = Map::new();
        let key = match &self.kind {
            ExecutionStarted { input, role_arn } => {
                details.insert("input".into(), data(input));
                details.insert("inputDetails".into(), not_truncated());
                details.insert("roleArn".into(), Value::String(role_arn.clone()));
                Some("executionStartedEventDetails")
            }
            ExecutionSucceeded { output } => {
                details.insert("output".into(), data(output));
                details.insert("outputDetails".into(), not_truncated());
                Some("executionSucceededEventDetails")
            }
            ExecutionFailed { error, cause } => {
                err(&mut details, error, cause);
                Some("executionFailedEventDetails")
            }
            ExecutionTimedOut { error, cause } => {
                err(&mut details, error, cause);
                Some("executionTimedOutEventDetails")
            }
            ExecutionAborted { error, cause } => {
                err(&mut details, error, cause);
                Some("executionAbortedEventDetails")
            }
            ExecutionRedriven { redrive_count } => {
                details.insert("redriveCount".into(), json!(redrive_count));
                Some("executionRedrivenEventDetails")
            }
            StateEntered { name, input, .. } => {
                details.insert("input".into(), data(input));
                details.insert("inputDetails".into(), not_truncated());
                details.insert("name".into(), Value::String(name.clone()));
                Some("stateEnteredEventDetails")
            }
            StateExited {
                name, output, assigned, ..
            } => {
                if let Some(vars) = assigned.as_ref().filter(|v| !v.is_empty()) {
                    // The API sends every value as JSON text; the conformance corpus keeps
                    // objects parsed and everything else as text.
                    let shown: Map<String, Value> = vars
                        .iter()
                        .map(|(k, v)| {
                            let shown = match v {
                                Value::Object(_) if !data_as_text => v.clone(),
                                _ => Value::String(serde_json::to_string(v).unwrap_or_default()),
                            };
                            (k.clone(), shown)
                        })
                        .collect();
                    details.insert("assignedVariables".into(), Value::Object(shown));
                    details.insert("assignedVariablesDetails".into(), not_truncated());
                }
                details.insert("name".into(), Value::String(name.clone()));
                details.insert("output".into(), data(output));
                details.insert("outputDetails".into(), not_truncated());
                Some("stateExitedEventDetails")
            }
            MapStateStarted { length } => {
                details.insert("length".into(), json!(length));
                Some("mapStateStartedEventDetails")
            }
            MapIterationStarted { index, name } => {
                iteration(&mut details, *index, name, "mapIterationStartedEventDetails")
            }
            MapIterationSucceeded { index, name } => {
                iteration(&mut details, *index, name, "mapIterationSucceededEventDetails")
            }
            MapIterationFailed { index, name } => {
                iteration(&mut details, *index, name, "mapIterationFailedEventDetails")
            }
            MapIterationAborted { index, name } => {
                iteration(&mut details, *index, name, "mapIterationAbortedEventDetails")
            }
            MapRunStarted { map_run_arn } => {
                details.insert("mapRunArn".into(), Value::String(map_run_arn.clone()));
                Some("mapRunStartedEventDetails")
            }
            MapRunFailed { error, cause } => {
                err(&mut details, error, cause);
                Some("mapRunFailedEventDetails")
            }
            TaskScheduled {
                res,
                region,
                parameters,
                timeout,
                heartbeat,
            } => {
                details.insert("resourceType".into(), Value::String(res.resource_type.clone()));
                details.insert("resource".into(), Value::String(res.resource.clone()));
                details.insert("region".into(), Value::String(region.clone()));
                details.insert(
                    "parameters".into(),
                    Value::String(serde_json::to_string(parameters).unwrap_or_default()),
                );
                if let Some(t) = timeout {
                    details.insert("timeoutInSeconds".into(), json!(t));
                }
                if let Some(h) = heartbeat {
                    details.insert("heartbeatInSeconds".into(), json!(h));
                }
                Some("taskScheduledEventDetails")
            }
            TaskStarted { res } => {
                task_res(&mut details, res);
                Some("taskStartedEventDetails")
            }
            TaskSucceeded { res, output } => {
                task_res(&mut details, res);
                details.insert("output".into(), data(output));
                details.insert("outputDetails".into(), not_truncated());
                Some("taskSucceededEventDetails")
            }
            TaskFailed { res, error, cause } => {
                task_res(&mut details, res);
                err(&mut details, error, cause);
                Some("taskFailedEventDetails")
            }
            TaskTimedOut { res, error, cause } => {
                task_res(&mut details, res);
                err(&mut details, error, cause);
                Some("taskTimedOutEventDetails")
            }
            LambdaFunctionScheduled {
                resource,
                input,
                timeout,
            } => {
                details.insert("resource".into(), Value::String(resource.clone()));
                details.insert("input".into(), data(input));
                details.insert("inputDetails".into(), not_truncated());
                if let Some(t) = timeout {
                    details.insert("timeoutInSeconds".into(), json!(t));
                }
                Some("lambdaFunctionScheduledEventDetails")
            }
            LambdaFunctionSucceeded { output } => {
                details.insert("output".into(), data(output));
                details.insert("outputDetails".into(), not_truncated());
                Some("lambdaFunctionSucceededEventDetails")
            }
            LambdaFunctionFailed { error, cause } => {
                err(&mut details, error, cause);
                Some("lambdaFunctionFailedEventDetails")
            }
            LambdaFunctionTimedOut { error, cause } => {
                err(&mut details, error, cause);
                Some("lambdaFunctionTimedOutEventDetails")
            }
            EvaluationFailed {
                state,
                error,
                cause,
                location,
            } => {
                details.insert("cause".into(), Value::String(cause.clone()));
                details.insert("error".into(), Value::String(error.clone()));
                if let Some(l) = location {
                    details.insert("location".into(), Value::String(l.clone()));
                }
                details.insert("state".into(), Value::String(state.clone()));
                Some("evaluationFailedEventDetails")
            }
            _ => None,
        };
        key.map(|key| EventDetails { key, fields: details })
    }
}

fn iteration(details: &mut Map<String, Value>, index: usize, name: &str, key: &'static str) -> Option<&'static str> {
    details.insert("index".into(), json!(index));
    details.insert("name".into(), Value::String(name.to_string()));
    Some(key)
}

fn task_res(details: &mut Map<String, Value>, res: &TaskResource) {
    details.insert("resourceType".into(), Value::String(res.resource_type.clone()));
    details.insert("resource".into(), Value::String(res.resource.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: EventKind) -> HistoryEvent {
        HistoryEvent {
            id: 2,
            previous_event_id: 1,
            timestamp_ms: 0,
            kind,
        }
    }

    #[test]
    fn details_are_the_details_object_of_the_json_shape() {
        let e = event(EventKind::StateEntered {
            state_type: "Pass",
            name: "P".into(),
            input: json!({"a": 1}),
        });
        let d = e.details(true).expect("details");
        assert_eq!(d.key, "stateEnteredEventDetails");
        assert_eq!(d.fields["input"], json!("{\"a\":1}"));
        assert_eq!(e.to_json(true)[d.key], Value::Object(d.fields));
        assert_eq!(e.details(false).unwrap().fields["input"], json!({"a": 1}));
    }

    #[test]
    fn events_without_details_have_none() {
        let e = event(EventKind::ParallelStateStarted);
        assert_eq!(e.details(true), None);
        assert_eq!(
            e.to_json(true),
            json!({"type": "ParallelStateStarted", "id": 2, "previousEventId": 1})
        );
    }
}
