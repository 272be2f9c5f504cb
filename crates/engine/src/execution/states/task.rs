//! Task: the effective parameters (JSONPath `Parameters`, JSONata `Arguments`) and the
//! timeouts, then dispatch. One flow for both query languages; they differ only in how the
//! fields are evaluated.

use asl::definition::*;
use asl::error::StatesError;
use serde_json::Value;

use crate::execution::Execution;
use crate::execution::jsonata::{Extra, unexpected};
use crate::execution::limits::MAX_TIMER_SECONDS;
use crate::execution::thread::{Flow, ThreadId};

impl Execution {
    /// Runs a Task state: its parameters and timeouts, then the `InvokeTask` command.
    pub(super) fn exec_task(&mut self, tid: ThreadId, st: &State, task: &Task) -> Flow {
        let r = self.task_flow(tid, st, task);
        self.or_runtime_error(tid, r)
    }

    fn task_flow(&mut self, tid: ThreadId, st: &State, task: &Task) -> Result<Flow, StatesError> {
        let ql = st.query_language;
        // `$` of Parameters and the `…SecondsPath` fields (JSONPath only).
        let (params, effective) = match ql {
            QueryLanguage::JsonPath => {
                let effective = self.input_path(tid, st)?;
                let params = match &task.parameters {
                    Some(tpl) => self.eval_template(tid, tpl, &effective)?,
                    None => effective.clone(),
                };
                self.note(|i| i.after_parameters = Some(params.clone()));
                (params, effective)
            }
            QueryLanguage::Jsonata => {
                let args = match &task.arguments {
                    Some(tpl) => self.eval_j(tid, tpl, "Arguments", Extra::default())?,
                    None => self.thread(tid).input.clone(),
                };
                self.note(|i| i.after_arguments = Some(args.clone()));
                (args, Value::Null)
            }
        };
        let timeout = self.seconds(tid, ql, &task.timeout, &effective, "TimeoutSeconds")?;
        let heartbeat = self.seconds(tid, ql, &task.heartbeat, &effective, "HeartbeatSeconds")?;
        Ok(self.dispatch_task(tid, st, task, params, timeout, heartbeat))
    }

    /// `TimeoutSeconds` or `HeartbeatSeconds` (`field`): fixed, a `…Path` (JSONPath) or an
    /// expression (JSONata). A form the query language does not read yields nothing (a path
    /// under JSONata) or an error (an expression under JSONPath).
    fn seconds(
        &mut self,
        tid: ThreadId,
        ql: QueryLanguage,
        s: &Option<Seconds>,
        effective: &Value,
        field: &str,
    ) -> Result<Option<u64>, StatesError> {
        match (s, ql) {
            (None, _) => Ok(None),
            (Some(Seconds::Fixed(n)), _) => Ok(Some(*n)),
            (Some(Seconds::Path(path)), QueryLanguage::JsonPath) => {
                let v = self.with_env(tid, effective, |env| env.select(path).map(|v| v.into_owned()));
                match v {
                    // Held to the longest timer: the world computes `now + timeout` from it.
                    Ok(Value::Number(n)) if n.as_u64().is_some_and(|n| n >= 1) => {
                        Ok(n.as_u64().map(|n| n.min(MAX_TIMER_SECONDS)))
                    }
                    _ => Err(StatesError::runtime(format!(
                        "The {field}Path field refers to a value that is not a positive integer: {}",
                        path.as_str()
                    ))),
                }
            }
            (Some(Seconds::Path(_)), QueryLanguage::Jsonata) => Ok(None),
            (Some(Seconds::Expr(tpl)), QueryLanguage::Jsonata) => {
                let v = self.eval_j(tid, tpl, field, Extra::default())?;
                match v.as_u64().filter(|n| *n >= 1) {
                    Some(n) => Ok(Some(n.min(MAX_TIMER_SECONDS))),
                    None => Err(unexpected(tpl, field, "integer", &v)),
                }
            }
            (Some(Seconds::Expr(_)), QueryLanguage::JsonPath) => {
                Err(StatesError::runtime("JSONata expressions are not supported yet"))
            }
        }
    }
}
