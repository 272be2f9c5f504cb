//! Fail and Succeed: the states that end a thread.

use asl::definition::*;
use asl::error::StatesError;
use serde_json::Value;

use crate::execution::Execution;
use crate::execution::jsonata::Extra;
use crate::execution::thread::{Flow, ThreadId};

impl Execution {
    /// Runs a Succeed state: the thread ends with the state's output.
    pub(super) fn exec_succeed(&mut self, tid: ThreadId, st: &State) -> Flow {
        match st.query_language {
            QueryLanguage::JsonPath => match self.input_path(tid, st) {
                Ok(v) => self.finish_output(tid, st, v, Transition::End),
                Err(e) => self.runtime_error(tid, e),
            },
            QueryLanguage::Jsonata => self.finish_jsonata(tid, st, None, Transition::End),
        }
    }

    /// Runs a Fail state in its query language.
    pub(super) fn exec_fail(&mut self, tid: ThreadId, st: &State, f: &Fail) -> Flow {
        match st.query_language {
            QueryLanguage::JsonPath => self.fail_jsonpath(tid, f),
            QueryLanguage::Jsonata => {
                let r = self.fail_jsonata(tid, f);
                self.or_runtime_error(tid, r)
            }
        }
    }

    fn fail_jsonpath(&mut self, tid: ThreadId, f: &Fail) -> Flow {
        let error = match self.fail_field(tid, &f.error, "ErrorPath") {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        let cause = match self.fail_field(tid, &f.cause, "CausePath") {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        self.finish_thread(
            tid,
            Err(StatesError {
                error: error.unwrap_or_default(),
                cause,
                location: None,
            }),
        );
        Flow::Park
    }

    pub(in crate::execution) fn fail_field(
        &mut self,
        tid: ThreadId,
        field: &Option<FailField>,
        name: &str,
    ) -> Result<Option<String>, StatesError> {
        Ok(match field {
            None => None,
            Some(FailField::Literal(s)) => Some(s.clone()),
            Some(FailField::Path(path)) => {
                let v = self.select(tid, path, None).map_err(|_| {
                    let input = self.thread(tid).input.to_string();
                    StatesError::runtime(format!(
                        "The JSONPath '{}' specified for the field '{name}' could not be found in the input '{input}'",
                        path.as_str()
                    ))
                })?;
                Some(match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                })
            }
            Some(FailField::Intrinsic(call)) => {
                let input = self.thread(tid).input.clone();
                let v = self.with_env(tid, &input, |env| call.eval(env))?;
                Some(match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                })
            }
            Some(FailField::Expr(_)) => {
                return Err(StatesError::runtime("JSONata expressions are not supported yet"));
            }
        })
    }

    fn fail_jsonata(&mut self, tid: ThreadId, f: &Fail) -> Result<Flow, StatesError> {
        let mut text = |field: &Option<FailField>, name: &str| -> Result<Option<String>, StatesError> {
            Ok(match field {
                None => None,
                Some(FailField::Literal(s)) => Some(s.clone()),
                Some(FailField::Expr(tpl)) => Some(match self.eval_j(tid, tpl, name, Extra::default())? {
                    Value::String(s) => s,
                    other => other.to_string(),
                }),
                Some(_) => None,
            })
        };
        let error = text(&f.error, "Error")?;
        let cause = text(&f.cause, "Cause")?;
        self.finish_thread(
            tid,
            Err(StatesError {
                error: error.unwrap_or_default(),
                cause,
                location: None,
            }),
        );
        Ok(Flow::Park)
    }
}
