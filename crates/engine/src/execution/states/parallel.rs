//! Parallel: every branch runs on the same input.

use asl::definition::*;
use asl::error::StatesError;

use crate::execution::Execution;
use crate::execution::jsonata::Extra;
use crate::execution::thread::{Flow, ThreadId};

impl Execution {
    /// Runs a Parallel state in its query language.
    pub(super) fn exec_parallel(&mut self, tid: ThreadId, st: &State, p: &Parallel) -> Flow {
        match st.query_language {
            QueryLanguage::JsonPath => self.parallel_jsonpath(tid, st, p),
            QueryLanguage::Jsonata => {
                let r = self.parallel_jsonata(tid, p);
                self.or_runtime_error(tid, r)
            }
        }
    }

    fn parallel_jsonpath(&mut self, tid: ThreadId, st: &State, p: &Parallel) -> Flow {
        let effective = match self.input_path(tid, st) {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        let branch_input = match &p.parameters {
            Some(tpl) => match self.eval_template(tid, tpl, &effective) {
                Ok(v) => v,
                Err(e) => return self.runtime_error(tid, e),
            },
            None => effective,
        };
        self.note(|i| i.after_parameters = Some(branch_input.clone()));
        self.start_parallel(tid, p, branch_input)
    }

    fn parallel_jsonata(&mut self, tid: ThreadId, p: &Parallel) -> Result<Flow, StatesError> {
        let branch_input = match &p.arguments {
            Some(tpl) => self.eval_j(tid, tpl, "Arguments", Extra::default())?,
            None => self.thread(tid).input.clone(),
        };
        self.note(|i| i.after_arguments = Some(branch_input.clone()));
        Ok(self.start_parallel(tid, p, branch_input))
    }
}
