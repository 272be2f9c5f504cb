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

    /// Runs a Fail state: the thread fails with the state's error and cause.
    pub(super) fn exec_fail(&mut self, tid: ThreadId, st: &State, f: &Fail) -> Flow {
        let r = self.fail_flow(tid, st.query_language, f);
        self.or_runtime_error(tid, r)
    }

    fn fail_flow(&mut self, tid: ThreadId, ql: QueryLanguage, f: &Fail) -> Result<Flow, StatesError> {
        let error = self.fail_text(tid, ql, &f.error, "Error")?;
        let cause = self.fail_text(tid, ql, &f.cause, "Cause")?;
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

    /// `Error` or `Cause` (`name`): a literal, a `…Path` or an intrinsic call (JSONPath), or
    /// an expression (JSONata); non-strings are shown as JSON. A form the query language does
    /// not read yields nothing (under JSONata) or an error (an expression under JSONPath).
    fn fail_text(
        &mut self,
        tid: ThreadId,
        ql: QueryLanguage,
        field: &Option<FailField>,
        name: &str,
    ) -> Result<Option<String>, StatesError> {
        let v = match (field, ql) {
            (None, _) => return Ok(None),
            (Some(FailField::Literal(s)), _) => return Ok(Some(s.clone())),
            (Some(FailField::Path(path)), QueryLanguage::JsonPath) => self.select(tid, path, None).map_err(|_| {
                let input = self.thread(tid).input.to_string();
                StatesError::runtime(format!(
                    "The JSONPath '{}' specified for the field '{name}Path' could not be found in the input '{input}'",
                    path.as_str()
                ))
            })?,
            (Some(FailField::Intrinsic(call)), QueryLanguage::JsonPath) => {
                let input = self.thread(tid).input.clone();
                self.with_env(tid, &input, |env| call.eval(env))?
            }
            (Some(FailField::Expr(_)), QueryLanguage::JsonPath) => {
                return Err(StatesError::runtime("JSONata expressions are not supported yet"));
            }
            (Some(FailField::Expr(tpl)), QueryLanguage::Jsonata) => self.eval_j(tid, tpl, name, Extra::default())?,
            (Some(FailField::Path(_) | FailField::Intrinsic(_)), QueryLanguage::Jsonata) => return Ok(None),
        };
        Ok(Some(match v {
            Value::String(s) => s,
            other => other.to_string(),
        }))
    }
}
