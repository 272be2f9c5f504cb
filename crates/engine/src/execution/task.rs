//! Task dispatch: the scheduling events, the `InvokeTask` command, and the answer.

use asl::definition::*;
use asl::error::{StatesError, names};
use serde_json::Value;

use crate::command::{Command, TaskRequest};
use crate::execution::Execution;
use crate::execution::payload::{MAX_PAYLOAD_BYTES, within_size};
use crate::execution::thread::{Flow, Phase, ThreadId};
use crate::history::{EventKind, TaskResource};

/// Which family of history events a Task state records.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum TaskEvents {
    /// A bare Lambda function ARN: `LambdaFunction*` events.
    Lambda,
    /// A service integration or activity: `Task*` events.
    Service,
}

/// How a Task resource is shown in the history, and whether it is a bare Lambda ARN
/// (`LambdaFunction*` events) or a service integration (`Task*` events). The resource was
/// parsed once with the definition.
pub(super) fn classify_resource(resource: &Resource) -> (TaskResource, TaskEvents) {
    let events = if resource.is_lambda_function() {
        TaskEvents::Lambda
    } else {
        TaskEvents::Service
    };
    let shown = TaskResource {
        resource_type: resource.history_type().to_string(),
        resource: resource.history_resource().to_string(),
    };
    (shown, events)
}

impl Execution {
    /// Records the scheduling events and asks the world to run the task.
    pub(super) fn dispatch_task(
        &mut self,
        tid: ThreadId,
        st: &State,
        task: &Task,
        params: Value,
        timeout: Option<u64>,
        heartbeat: Option<u64>,
    ) -> Flow {
        let (res, events) = classify_resource(&task.target);
        let record = self.cfg.record_history;
        if events == TaskEvents::Lambda {
            let input = if record { params.clone() } else { Value::Null };
            self.emit(
                tid,
                EventKind::LambdaFunctionScheduled {
                    resource: task.target.as_str().to_string(),
                    input,
                    timeout,
                },
            );
            self.emit(tid, EventKind::LambdaFunctionStarted);
        } else {
            let parameters = if record { params.clone() } else { Value::Null };
            let region = self.cfg.region.clone();
            self.emit(
                tid,
                EventKind::TaskScheduled {
                    res: res.clone(),
                    region,
                    parameters,
                    timeout,
                    heartbeat,
                },
            );
            self.emit(tid, EventKind::TaskStarted { res: res.clone() });
        }
        if self.outcome.is_some() {
            // The scheduling events reached the history limit: the task never starts.
            return Flow::Park;
        }
        let id = self.command_id();
        self.pending.insert(id, tid);
        self.commands.push_back(Command::InvokeTask(TaskRequest {
            id,
            state_name: st.name.clone(),
            resource: task.target.as_str().to_string(),
            input: params,
            timeout_seconds: timeout,
            heartbeat_seconds: heartbeat,
        }));
        self.thread(tid).phase = Phase::Task { res, events };
        Flow::Park
    }

    pub(super) fn task_succeeded(&mut self, tid: ThreadId, output: Value) {
        if !within_size(&output, MAX_PAYLOAD_BYTES) {
            let err = self.data_limit_error(tid);
            return self.task_failed(tid, err);
        }
        let Phase::Task { res, events } = std::mem::replace(&mut self.thread(tid).phase, Phase::Run) else {
            return;
        };
        let recorded = if self.cfg.record_history {
            output.clone()
        } else {
            Value::Null
        };
        if events == TaskEvents::Lambda {
            self.emit(tid, EventKind::LambdaFunctionSucceeded { output: recorded });
        } else {
            self.emit(tid, EventKind::TaskSucceeded { res, output: recorded });
        }
        let def = self.def.clone();
        let t = self.thread(tid);
        let st = def.state(t.block, t.state);
        let StateKind::Task(task) = &st.kind else {
            return;
        };
        let flow = if st.query_language == QueryLanguage::Jsonata {
            self.finish_jsonata(tid, st, Some(output), task.next)
        } else {
            self.finish_selected(tid, st, &task.result_selector, &task.result_path, output, task.next)
        };
        if self.complete(tid, flow) {
            self.ready.push_back(tid);
        }
    }

    pub(super) fn task_failed(&mut self, tid: ThreadId, err: StatesError) {
        let Phase::Task { res, events } = std::mem::replace(&mut self.thread(tid).phase, Phase::Run) else {
            return;
        };
        let (error, cause) = (Some(err.error.clone()), err.cause.clone());
        let timed_out = err.error == names::TIMEOUT;
        let kind = match (events, timed_out) {
            (TaskEvents::Lambda, false) => EventKind::LambdaFunctionFailed { error, cause },
            (TaskEvents::Lambda, true) => EventKind::LambdaFunctionTimedOut { error, cause },
            (TaskEvents::Service, false) => EventKind::TaskFailed { res, error, cause },
            (TaskEvents::Service, true) => EventKind::TaskTimedOut { res, error, cause },
        };
        self.emit(tid, kind);
        if self.complete(tid, Flow::Fail(err)) {
            self.ready.push_back(tid);
        }
    }
}
