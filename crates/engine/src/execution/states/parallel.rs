//! Parallel: every branch runs on the same input, the state's effective parameters
//! (JSONPath `Parameters`, JSONata `Arguments`).

use asl::definition::*;
use asl::error::StatesError;

use crate::execution::Execution;
use crate::execution::jsonata::Extra;
use crate::execution::thread::{Flow, ThreadId};

impl Execution {
    /// Runs a Parallel state: the branch input, then one child per branch.
    pub(super) fn exec_parallel(&mut self, tid: ThreadId, st: &State, p: &Parallel) -> Flow {
        let r = self.parallel_flow(tid, st, p);
        self.or_runtime_error(tid, r)
    }

    fn parallel_flow(&mut self, tid: ThreadId, st: &State, p: &Parallel) -> Result<Flow, StatesError> {
        let branch_input = match st.query_language {
            QueryLanguage::JsonPath => {
                let effective = self.input_path(tid, st)?;
                let v = match &p.parameters {
                    Some(tpl) => self.eval_template(tid, tpl, &effective)?,
                    None => effective,
                };
                self.note(|i| i.after_parameters = Some(v.clone()));
                v
            }
            QueryLanguage::Jsonata => {
                let v = match &p.arguments {
                    Some(tpl) => self.eval_j(tid, tpl, "Arguments", Extra::default())?,
                    None => self.thread(tid).input.clone(),
                };
                self.note(|i| i.after_arguments = Some(v.clone()));
                v
            }
        };
        Ok(self.start_parallel(tid, p, branch_input))
    }
}
