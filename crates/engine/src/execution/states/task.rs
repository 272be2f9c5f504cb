//! Task: the effective parameters (or JSONata `Arguments`) and the timeouts, then dispatch.

use asl::definition::*;
use asl::error::StatesError;
use serde_json::Value;

use crate::execution::Execution;
use crate::execution::jsonata::{Extra, unexpected};
use crate::execution::thread::{Flow, ThreadId};

impl Execution {
    /// Runs a Task state in its query language.
    pub(super) fn exec_task(&mut self, tid: ThreadId, st: &State, task: &Task) -> Flow {
        match st.query_language {
            QueryLanguage::JsonPath => self.task_jsonpath(tid, st, task),
            QueryLanguage::Jsonata => {
                let r = self.task_jsonata(tid, st, task);
                self.or_runtime_error(tid, r)
            }
        }
    }

    fn task_jsonpath(&mut self, tid: ThreadId, st: &State, task: &Task) -> Flow {
        let effective = match self.input_path(tid, st) {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        let params = match &task.parameters {
            Some(tpl) => match self.eval_template(tid, tpl, &effective) {
                Ok(v) => v,
                Err(e) => return self.runtime_error(tid, e),
            },
            None => effective.clone(),
        };
        self.note(|i| i.after_parameters = Some(params.clone()));
        let timeout = match self.seconds(tid, &task.timeout, &effective, "TimeoutSecondsPath") {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        let heartbeat = match self.seconds(tid, &task.heartbeat, &effective, "HeartbeatSecondsPath") {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        self.dispatch_task(tid, st, task, params, timeout, heartbeat)
    }

    pub(in crate::execution) fn seconds(
        &mut self,
        tid: ThreadId,
        s: &Option<Seconds>,
        effective: &Value,
        field: &str,
    ) -> Result<Option<u64>, StatesError> {
        match s {
            None => Ok(None),
            Some(Seconds::Fixed(n)) => Ok(Some(*n)),
            Some(Seconds::Path(path)) => {
                let v = self.with_env(tid, effective, |env| env.select(path).map(|v| v.into_owned()));
                match v {
                    Ok(Value::Number(n)) if n.as_u64().is_some_and(|n| n >= 1) => Ok(n.as_u64()),
                    _ => Err(StatesError::runtime(format!(
                        "The {field} field refers to a value that is not a positive integer: {}",
                        path.as_str()
                    ))),
                }
            }
            Some(Seconds::Expr(_)) => Err(StatesError::runtime("JSONata expressions are not supported yet")),
        }
    }

    fn task_jsonata(&mut self, tid: ThreadId, st: &State, task: &Task) -> Result<Flow, StatesError> {
        let args = match &task.arguments {
            Some(tpl) => self.eval_j(tid, tpl, "Arguments", Extra::default())?,
            None => self.thread(tid).input.clone(),
        };
        self.note(|i| i.after_arguments = Some(args.clone()));
        let timeout = self.seconds_j(tid, &task.timeout, "TimeoutSeconds")?;
        let heartbeat = self.seconds_j(tid, &task.heartbeat, "HeartbeatSeconds")?;
        Ok(self.dispatch_task(tid, st, task, args, timeout, heartbeat))
    }

    pub(super) fn seconds_j(
        &mut self,
        tid: ThreadId,
        s: &Option<Seconds>,
        field: &str,
    ) -> Result<Option<u64>, StatesError> {
        match s {
            None => Ok(None),
            Some(Seconds::Fixed(n)) => Ok(Some(*n)),
            Some(Seconds::Expr(tpl)) => {
                let v = self.eval_j(tid, tpl, field, Extra::default())?;
                match v.as_u64().filter(|n| *n >= 1) {
                    Some(n) => Ok(Some(n)),
                    None => Err(unexpected(tpl, field, "integer", &v)),
                }
            }
            Some(Seconds::Path(_)) => Ok(None),
        }
    }
}
