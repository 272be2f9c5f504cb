//! The JSONPath data flow of a state: InputPath → Parameters → result → ResultSelector →
//! ResultPath → OutputPath, and `Assign`. JSONata states have their own, simpler flow
//! (see `jsonata`).

use asl::definition::*;
use asl::env::Env;
use asl::error::{StatesError, names};
use asl::path::Path;
use serde_json::{Map, Value};

use crate::execution::Execution;
use crate::execution::scope::StateScope;
use crate::execution::thread::{Flow, ThreadId};

pub(super) fn invalid_path(p: &Path, e: asl::PathError) -> StatesError {
    StatesError::runtime(format!("Invalid path '{}' : {e}", p.as_str()))
}

/// ResultPath: `$` replaces, `null` discards, a path merges into the raw input.
pub(super) fn apply_result_path(raw: Value, rp: &OptPath, result: Value) -> Result<Value, StatesError> {
    match rp {
        OptPath::Identity => Ok(result),
        OptPath::Null => Ok(raw),
        OptPath::Path(p) if p.is_root() => Ok(result),
        OptPath::Path(p) => {
            let shown = raw.to_string();
            let mut raw = raw;
            match p.assign(&mut raw, result) {
                Ok(()) => Ok(raw),
                Err(_) => Err(StatesError::new(
                    names::RESULT_PATH_MATCH_FAILURE,
                    format!("Unable to apply ResultPath \"{}\" to input \"{shown}\"", p.as_str()),
                )),
            }
        }
    }
}

impl Execution {
    /// Evaluates `Assign` blocks with `dollar` as `$` and keeps the values until the state
    /// exits: all right-hand sides see the variables as they were before the state.
    pub(super) fn eval_assign(
        &mut self,
        tid: ThreadId,
        blocks: &[&Option<Assign>],
        dollar: &Value,
    ) -> Result<(), StatesError> {
        let mut out: Option<Map<String, Value>> = None;
        for block in blocks {
            match block {
                None => {}
                Some(Assign::JsonPath(tpl)) => {
                    let v = self.with_env(tid, dollar, |env| tpl.eval(env))?;
                    let map = out.get_or_insert_with(Map::new);
                    if let Value::Object(fields) = v {
                        for (k, v) in fields {
                            map.insert(k, v);
                        }
                    }
                }
                Some(Assign::Jsonata(_)) => {
                    return Err(StatesError::runtime("JSONata expressions are not supported yet"));
                }
            }
        }
        match out {
            Some(map) => self.check_assigned(tid, map),
            None => {
                self.thread(tid).assigned = None;
                Ok(())
            }
        }
    }

    pub(super) fn input_path(&mut self, tid: ThreadId, st: &State) -> Result<Value, StatesError> {
        let v = match &st.input_path {
            OptPath::Identity => Ok(self.thread(tid).input.clone()),
            OptPath::Null => Ok(Value::Object(Map::new())),
            OptPath::Path(p) => self.select(tid, p, None).map_err(|e| invalid_path(p, e)),
        };
        if let Ok(v) = &v {
            self.note(|i| i.after_input_path = Some(v.clone()));
        }
        v
    }

    pub(super) fn output_path(&mut self, tid: ThreadId, st: &State, output: Value) -> Result<Value, StatesError> {
        match &st.output_path {
            OptPath::Identity => Ok(output),
            OptPath::Null => Ok(Value::Object(Map::new())),
            OptPath::Path(p) => self.select(tid, p, Some(&output)).map_err(|e| invalid_path(p, e)),
        }
    }

    /// Selects `path` from `input` (the thread's raw input when `None`), or from `$$` or a
    /// variable when the path starts there.
    pub(super) fn select(
        &mut self,
        tid: ThreadId,
        path: &Path,
        input: Option<&Value>,
    ) -> Result<Value, asl::PathError> {
        let mut scope = self.scope(tid, None);
        let t = scope.thread;
        let input = input.unwrap_or(&t.input);
        let env = Env::new(input, &mut scope);
        env.select(path).map(|v| v.into_owned())
    }

    /// What expressions of the thread's current state see: `$$`, variables, randomness, time.
    pub(super) fn scope<'s>(&'s mut self, tid: ThreadId, map_item: Option<(usize, &'s Value)>) -> StateScope<'s> {
        let Execution {
            def,
            cfg,
            input: exec_input,
            threads,
            rng,
            now_ms,
            probe,
            time_limits,
            ..
        } = self;
        let t = threads[tid].as_ref().expect("live thread");
        let fixed = probe.as_deref().and_then(|p| p.context.as_ref());
        StateScope::new(def, cfg, exec_input, t, rng, map_item, *now_ms)
            .with_context(fixed)
            .with_time_limits(time_limits)
    }

    pub(super) fn with_env<R>(&mut self, tid: ThreadId, input: &Value, f: impl FnOnce(&mut Env<'_>) -> R) -> R {
        let mut scope = self.scope(tid, None);
        let mut env = Env::new(input, &mut scope);
        f(&mut env)
    }

    pub(super) fn eval_template(
        &mut self,
        tid: ThreadId,
        tpl: &asl::template::Template,
        input: &Value,
    ) -> Result<Value, StatesError> {
        self.with_env(tid, input, |env| tpl.eval(env))
    }

    pub(super) fn eval_map_item(
        &mut self,
        tid: ThreadId,
        tpl: &asl::template::Template,
        input: &Value,
        index: usize,
        item: &Value,
    ) -> Result<Value, StatesError> {
        let mut scope = self.scope(tid, Some((index, item)));
        let mut env = Env::new(input, &mut scope);
        tpl.eval(&mut env)
    }

    /// ResultPath then OutputPath, then leave.
    pub(super) fn finish_result(
        &mut self,
        tid: ThreadId,
        st: &State,
        result_path: &OptPath,
        result: Value,
        to: Transition,
    ) -> Flow {
        self.note(|i| {
            if i.result.is_none() {
                i.result = Some(result.clone());
            }
        });
        let raw = std::mem::take(&mut self.thread(tid).input);
        let merged = match apply_result_path(raw, result_path, result) {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        self.note(|i| i.after_result_path = Some(merged.clone()));
        self.finish_output(tid, st, merged, to)
    }

    /// ResultSelector, ResultPath, OutputPath, then leave.
    pub(super) fn finish_selected(
        &mut self,
        tid: ThreadId,
        st: &State,
        selector: &Option<asl::template::Template>,
        result_path: &OptPath,
        result: Value,
        to: Transition,
    ) -> Flow {
        self.note(|i| i.result = Some(result.clone()));
        let result = match selector {
            Some(tpl) => match self.eval_template(tid, tpl, &result) {
                Ok(v) => v,
                Err(e) => return self.runtime_error(tid, e),
            },
            None => result,
        };
        self.note(|i| i.after_result_selector = Some(result.clone()));
        if let Err(e) = self.eval_assign(tid, &[&st.assign], &result) {
            return self.runtime_error(tid, e);
        }
        self.finish_result(tid, st, result_path, result, to)
    }

    pub(super) fn finish_output(&mut self, tid: ThreadId, st: &State, output: Value, to: Transition) -> Flow {
        match self.output_path(tid, st, output) {
            Ok(output) => {
                if matches!(st.kind, StateKind::Succeed) {
                    self.exit_event(tid, &output);
                    self.finish_thread(tid, Ok(output));
                    return Flow::Park;
                }
                Flow::Exit { output, to }
            }
            Err(e) => self.runtime_error(tid, e),
        }
    }
}
