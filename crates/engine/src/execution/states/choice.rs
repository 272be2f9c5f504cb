//! Choice: the first rule (or JSONata `Condition`) that holds picks the next state.

use asl::definition::*;
use asl::error::{StatesError, names};
use serde_json::Value;

use crate::execution::Execution;
use crate::execution::jsonata::{Extra, unexpected};
use crate::execution::thread::{Flow, ThreadId};

impl Execution {
    /// Runs a Choice state in its query language.
    pub(super) fn exec_choice(&mut self, tid: ThreadId, st: &State, c: &Choice) -> Flow {
        match st.query_language {
            QueryLanguage::JsonPath => self.choice_jsonpath(tid, st, c),
            QueryLanguage::Jsonata => {
                let r = self.choice_jsonata(tid, st, c);
                self.or_runtime_error(tid, r)
            }
        }
    }

    fn choice_jsonpath(&mut self, tid: ThreadId, st: &State, c: &Choice) -> Flow {
        let effective = match self.input_path(tid, st) {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        let mut chosen = None;
        let mut rule_assign = &None;
        for branch in &c.choices {
            let Condition::Rule(rule) = &branch.rule else {
                return self.runtime_error(tid, StatesError::runtime("JSONata conditions are not supported yet"));
            };
            match self.with_env(tid, &effective, |env| rule.evaluate(env)) {
                Ok(true) => {
                    chosen = Some(branch.next);
                    rule_assign = &branch.assign;
                    break;
                }
                Ok(false) => {}
                Err(e) => return self.runtime_error(tid, e),
            }
        }
        match chosen.or(c.default) {
            Some(next) => {
                if let Err(e) = self.eval_assign(tid, &[&st.assign, rule_assign], &effective) {
                    return self.runtime_error(tid, e);
                }
                self.finish_output(tid, st, effective, Transition::Next(next))
            }
            None => Flow::Fail(StatesError {
                error: names::NO_CHOICE_MATCHED.into(),
                cause: None,
                location: None,
            }),
        }
    }

    fn choice_jsonata(&mut self, tid: ThreadId, st: &State, c: &Choice) -> Result<Flow, StatesError> {
        let mut chosen = None;
        for branch in &c.choices {
            let Condition::Jsonata(tpl) = &branch.rule else {
                continue;
            };
            match self.eval_j(tid, tpl, "Condition", Extra::default())? {
                Value::Bool(true) => {
                    chosen = Some(branch);
                    break;
                }
                Value::Bool(false) => {}
                other => return Err(unexpected(tpl, "Condition", "boolean", &other)),
            }
        }
        let (next, rule_assign, rule_output) = match chosen {
            Some(b) => (b.next, &b.assign, b.output.as_ref()),
            None => match c.default {
                Some(d) => (d, &None, None),
                None => {
                    return Ok(Flow::Fail(StatesError {
                        error: names::NO_CHOICE_MATCHED.into(),
                        cause: None,
                        location: None,
                    }));
                }
            },
        };
        self.assign_j(tid, &[&st.assign, rule_assign], Extra::default())?;
        let output = match rule_output.or(st.output.as_ref()) {
            Some(tpl) => self.eval_j(tid, tpl, "Output", Extra::default())?,
            None => self.thread(tid).input.clone(),
        };
        Ok(Flow::Exit {
            output,
            to: Transition::Next(next),
        })
    }
}
