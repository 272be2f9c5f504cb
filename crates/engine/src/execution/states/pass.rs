//! Pass: its `Result`, `Parameters` (or JSONata `Output`) becomes the result.

use asl::definition::*;

use crate::execution::Execution;
use crate::execution::thread::{Flow, ThreadId};

impl Execution {
    /// Runs a Pass state: under JSONata its output is `Output`, or its input.
    pub(super) fn exec_pass(&mut self, tid: ThreadId, st: &State, p: &Pass) -> Flow {
        if st.query_language == QueryLanguage::Jsonata {
            return self.finish_jsonata(tid, st, None, p.next);
        }
        let effective = match self.input_path(tid, st) {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        let result = match (&p.result, &p.parameters) {
            (Some(r), _) => r.clone(),
            (None, Some(tpl)) => match self.eval_template(tid, tpl, &effective) {
                Ok(v) => v,
                Err(e) => return self.runtime_error(tid, e),
            },
            (None, None) => effective,
        };
        self.note(|i| {
            if p.result.is_none() {
                i.after_parameters = Some(result.clone());
            }
        });
        if let Err(e) = self.eval_assign(tid, &[&st.assign], &result) {
            return self.runtime_error(tid, e);
        }
        self.finish_result(tid, st, &p.result_path, result, p.next)
    }
}
