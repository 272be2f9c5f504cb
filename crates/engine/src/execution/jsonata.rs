//! States whose query language is JSONata: `Arguments`, `Output`, `Assign`, `Condition`,
//! `Items`, `ItemSelector` and the numeric fields are `{% … %}` templates evaluated with
//! `$states` (`input`, `result`, `errorOutput`, `context`) and the workflow variables.
//!
//! The data flow is simpler than JSONPath's: a state's output is its `Output` template, or
//! by default its result (Task, Map, Parallel) or its input (the others).

use asl::definition::*;
use asl::error::{StatesError, names};
use asl::jsonata::Bindings;
use serde_json::{Map, Value};

use super::Execution;
use super::states::json_type_name;
use super::thread::{Flow, ThreadId};

/// Where `$states` values come from for one evaluation.
#[derive(Clone, Copy, Default)]
pub(super) struct Extra<'a> {
    pub result: Option<&'a Value>,
    pub error_output: Option<&'a Value>,
    pub map_item: Option<(usize, &'a Value)>,
}

impl Execution {
    /// Evaluates `tpl` with the thread's raw input as `$states.input`.
    pub(super) fn eval_j(
        &mut self,
        tid: ThreadId,
        tpl: &JTemplate,
        field: &str,
        extra: Extra<'_>,
    ) -> Result<Value, StatesError> {
        if let JTemplate::Const(v) = tpl {
            return Ok(v.clone());
        }
        let mut scope = self.scope(tid, extra.map_item);
        let t = scope.thread;
        let mut b = Bindings::new(&t.input, &mut scope);
        if let Some(r) = extra.result {
            b = b.with_result(r);
        }
        if let Some(e) = extra.error_output {
            b = b.with_error_output(e);
        }
        tpl.eval(&b, field)
    }

    /// Evaluates `Assign` blocks now and keeps the values until the state exits.
    pub(super) fn assign_j(
        &mut self,
        tid: ThreadId,
        blocks: &[&Option<Assign>],
        extra: Extra<'_>,
    ) -> Result<(), StatesError> {
        let mut out: Option<Map<String, Value>> = None;
        for block in blocks {
            let Some(Assign::Jsonata(tpl)) = block else { continue };
            let v = self.eval_j(tid, tpl, "Assign", extra)?;
            let map = out.get_or_insert_with(Map::new);
            if let Value::Object(fields) = v {
                map.extend(fields);
            }
        }
        match out {
            Some(map) => self.check_assigned(tid, map),
            None => Ok(()),
        }
    }

    /// Output (default: the result, or the input) and Assign, then leave the state.
    pub(super) fn finish_jsonata(&mut self, tid: ThreadId, st: &State, result: Option<Value>, to: Transition) -> Flow {
        if let Some(r) = &result {
            self.note(|i| i.result = Some(r.clone()));
        }
        let extra = Extra {
            result: result.as_ref(),
            ..Extra::default()
        };
        if let Err(e) = self.assign_j(tid, &[&st.assign], extra) {
            return self.runtime_error(tid, e);
        }
        let output = match &st.output {
            Some(tpl) => match self.eval_j(tid, tpl, "Output", extra) {
                Ok(v) => v,
                Err(e) => return self.runtime_error(tid, e),
            },
            None => match result {
                Some(r) => r,
                None => self.thread(tid).input.clone(),
            },
        };
        Flow::Exit { output, to }
    }

    /// The Catch of a JSONata state: `$states.errorOutput`, the catcher's Assign and Output.
    pub(super) fn catch_jsonata(
        &mut self,
        tid: ThreadId,
        c: &Catcher,
        error_output: Value,
    ) -> Result<Value, StatesError> {
        let extra = Extra {
            error_output: Some(&error_output),
            ..Extra::default()
        };
        self.assign_j(tid, &[&c.assign], extra)?;
        match &c.output {
            Some(tpl) => self.eval_j(tid, tpl, "Output", extra),
            None => Ok(error_output),
        }
    }
}

/// AWS's "returned an unexpected result type" error for a field's template.
pub(super) fn unexpected(tpl: &JTemplate, field: &str, expected: &str, v: &Value) -> StatesError {
    match tpl {
        JTemplate::Expr(e) => e.unexpected_type_error(field, expected, v),
        _ => StatesError::new(
            names::QUERY_EVALUATION_ERROR,
            format!(
                "The field '{field}' has an unexpected type. Expected '{expected}', but was '{}'",
                json_type_name(v)
            ),
        )
        .at(field),
    }
}
