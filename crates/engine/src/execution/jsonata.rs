//! States whose query language is JSONata: `Arguments`, `Output`, `Assign`, `Condition`,
//! `Items`, `ItemSelector` and the numeric fields are `{% … %}` templates evaluated with
//! `$states` (`input`, `result`, `errorOutput`, `context`) and the workflow variables.
//!
//! The data flow is simpler than JSONPath's: a state's output is its `Output` template, or
//! by default its result (Task, Map, Parallel) or its input (the others).

use std::collections::VecDeque;

use asl::definition::*;
use asl::error::{StatesError, names};
use asl::jsonata::Bindings;
use serde_json::{Map, Value};

use super::{Execution, Flow, Num, ThreadId, json_type_name};

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
        if out.is_some() {
            self.thread(tid).assigned = out;
        }
        Ok(())
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

    pub(super) fn execute_jsonata(&mut self, tid: ThreadId, st: &State) -> Flow {
        let r = match &st.kind {
            StateKind::Pass(p) => return self.finish_jsonata(tid, st, None, p.next),
            StateKind::Succeed => return self.finish_jsonata(tid, st, None, Transition::End),
            StateKind::Fail(f) => self.fail_j(tid, f),
            StateKind::Choice(c) => self.choice_j(tid, st, c),
            StateKind::Wait(w) => self.wait_j(tid, st, w),
            StateKind::Task(task) => self.task_j(tid, st, task),
            StateKind::Parallel(p) => self.parallel_j(tid, p),
            StateKind::Map(m) => self.map_j(tid, m),
        };
        match r {
            Ok(flow) => flow,
            Err(e) => self.runtime_error(tid, e),
        }
    }

    fn fail_j(&mut self, tid: ThreadId, f: &Fail) -> Result<Flow, StatesError> {
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

    fn choice_j(&mut self, tid: ThreadId, st: &State, c: &Choice) -> Result<Flow, StatesError> {
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

    fn wait_j(&mut self, tid: ThreadId, st: &State, w: &Wait) -> Result<Flow, StatesError> {
        let now = self.now_ms;
        let fire_at = match &w.wait {
            WaitFor::Seconds(s) => now + (*s as i64) * 1000,
            WaitFor::SecondsExpr(tpl) => {
                let v = self.eval_j(tid, tpl, "Seconds", Extra::default())?;
                match v.as_u64() {
                    Some(s) => now + (s.min(99_999_999) as i64) * 1000,
                    None => return Err(unexpected(tpl, "Seconds", "integer", &v)),
                }
            }
            WaitFor::Timestamp(ts) => asl::timestamp::parse_rfc3339(ts)
                .map(|t| t.unix_millis())
                .unwrap_or(now),
            WaitFor::TimestampExpr(tpl) => {
                let v = self.eval_j(tid, tpl, "Timestamp", Extra::default())?;
                match v.as_str().and_then(asl::timestamp::parse_rfc3339) {
                    Some(t) => t.unix_millis(),
                    None => {
                        let shown = match &v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        return Err(StatesError::new(
                            names::QUERY_EVALUATION_ERROR,
                            format!(
                                "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {shown}"
                            ),
                        )
                        .at("Timestamp"));
                    }
                }
            }
            WaitFor::SecondsPath(_) | WaitFor::TimestampPath(_) => now,
        };
        let Flow::Exit { output, to } = self.finish_jsonata(tid, st, None, w.next) else {
            return Ok(Flow::Park);
        };
        Ok(self.arm_wait(tid, fire_at, output, to))
    }

    fn task_j(&mut self, tid: ThreadId, st: &State, task: &Task) -> Result<Flow, StatesError> {
        let args = match &task.arguments {
            Some(tpl) => self.eval_j(tid, tpl, "Arguments", Extra::default())?,
            None => self.thread(tid).input.clone(),
        };
        self.note(|i| i.after_arguments = Some(args.clone()));
        let timeout = self.seconds_j(tid, &task.timeout, "TimeoutSeconds")?;
        let heartbeat = self.seconds_j(tid, &task.heartbeat, "HeartbeatSeconds")?;
        Ok(self.dispatch_task(tid, st, task, args, timeout, heartbeat))
    }

    fn seconds_j(&mut self, tid: ThreadId, s: &Option<Seconds>, field: &str) -> Result<Option<u64>, StatesError> {
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

    fn parallel_j(&mut self, tid: ThreadId, p: &Parallel) -> Result<Flow, StatesError> {
        let branch_input = match &p.arguments {
            Some(tpl) => self.eval_j(tid, tpl, "Arguments", Extra::default())?,
            None => self.thread(tid).input.clone(),
        };
        self.note(|i| i.after_arguments = Some(branch_input.clone()));
        Ok(self.start_parallel(tid, p, branch_input))
    }

    fn map_j(&mut self, tid: ThreadId, m: &MapState) -> Result<Flow, StatesError> {
        let items = match &m.items {
            Some(tpl) => match self.eval_j(tid, tpl, "Items", Extra::default())? {
                Value::Array(a) => a,
                other => return Err(unexpected(tpl, "Items", "array", &other)),
            },
            None => match self.thread(tid).input.clone() {
                Value::Array(a) => a,
                other => {
                    return Err(StatesError::new(
                        names::QUERY_EVALUATION_ERROR,
                        format!("Map state input must be an array but was: {other}"),
                    ));
                }
            },
        };
        let max_concurrency = self.number_j(tid, &m.max_concurrency, "MaxConcurrency", Num::Int)?;
        let max_concurrency = max_concurrency
            .map(|n| n as usize)
            .filter(|n| *n > 0)
            .unwrap_or(usize::MAX);
        self.emit(tid, crate::history::EventKind::MapStateStarted { length: items.len() });
        self.thread(tid).fanout_started = true;
        let tolerated_count = match self.number_j(tid, &m.tolerated_failure_count, "ToleratedFailureCount", Num::Int)? {
            Some(n) if n < 0.0 => return Err(StatesError::runtime("ToleratedFailureCount cannot be negative.")),
            v => v.map(|n| n as u64),
        };
        let tolerated_percentage = match self.number_j(
            tid,
            &m.tolerated_failure_percentage,
            "ToleratedFailurePercentage",
            Num::Float,
        )? {
            Some(n) if !(0.0..=100.0).contains(&n) => {
                return Err(StatesError::runtime(
                    "ToleratedFailurePercentage must be between 0 and 100.",
                ));
            }
            v => v,
        };
        let mut inputs = VecDeque::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            let v = match &m.item_selector_jsonata {
                Some(tpl) => {
                    let extra = Extra {
                        map_item: Some((index, &item)),
                        ..Extra::default()
                    };
                    self.eval_j(tid, tpl, "ItemSelector", extra)?
                }
                None => item,
            };
            inputs.push_back((index, v));
        }
        Ok(self.start_map(tid, m, inputs, max_concurrency, tolerated_count, tolerated_percentage))
    }

    fn number_j(
        &mut self,
        tid: ThreadId,
        field: &Option<NumberOrPath>,
        name: &str,
        kind: Num,
    ) -> Result<Option<f64>, StatesError> {
        match field {
            None | Some(NumberOrPath::Path(_)) => Ok(None),
            Some(NumberOrPath::Fixed(n)) => Ok(Some(*n)),
            Some(NumberOrPath::Expr(tpl)) => {
                let v = self.eval_j(tid, tpl, name, Extra::default())?;
                let n = match (&v, kind) {
                    (Value::Number(n), Num::Int) if n.is_i64() || n.is_u64() => n.as_f64(),
                    (Value::Number(n), Num::Float) => n.as_f64(),
                    _ => None,
                };
                let expected = match kind {
                    Num::Int => "integer",
                    Num::Float => "number",
                };
                n.map(Some).ok_or_else(|| unexpected(tpl, name, expected, &v))
            }
        }
    }
}

/// AWS's "returned an unexpected result type" error for a field's template.
fn unexpected(tpl: &JTemplate, field: &str, expected: &str, v: &Value) -> StatesError {
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
