//! Map: the items, their inputs, the concurrency and failure tolerance.

use std::collections::VecDeque;

use asl::definition::*;
use asl::error::{StatesError, names};
use serde_json::Value;

use crate::execution::Execution;
use crate::execution::jsonata::{Extra, unexpected};
use crate::execution::states::{Num, json_type_name, render_plain};
use crate::execution::thread::{Flow, ThreadId};
use crate::history::EventKind;

impl Execution {
    /// Runs a Map state in its query language.
    pub(super) fn exec_map(&mut self, tid: ThreadId, st: &State, m: &MapState) -> Flow {
        match st.query_language {
            QueryLanguage::JsonPath => self.map_jsonpath(tid, st, m),
            QueryLanguage::Jsonata => {
                let r = self.map_jsonata(tid, m);
                self.or_runtime_error(tid, r)
            }
        }
    }

    fn map_jsonpath(&mut self, tid: ThreadId, st: &State, m: &MapState) -> Flow {
        let effective = match self.input_path(tid, st) {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        let items = match &m.items_path {
            OptPath::Identity => effective.clone(),
            OptPath::Null => Value::Null,
            OptPath::Path(p) => match self.with_env(tid, &effective, |env| env.select(p).map(|v| v.into_owned())) {
                Ok(v) => v,
                Err(e) => {
                    return self.runtime_error(
                        tid,
                        StatesError::runtime(format!("Invalid path '{}' : {e}", p.as_str())),
                    );
                }
            },
        };
        self.note(|i| {
            if !matches!(m.items_path, OptPath::Identity) {
                i.after_items_path = Some(items.clone());
            }
        });
        let Value::Array(items) = items else {
            let path = match &m.items_path {
                OptPath::Path(p) => p.as_str().to_string(),
                _ => "$".to_string(),
            };
            return self.runtime_error(
                tid,
                StatesError::runtime(format!(
                    "Map state input must be an array but was: {} (ItemsPath {path})",
                    json_type_name(&items)
                )),
            );
        };
        let max_concurrency = match self.map_number(tid, &m.max_concurrency, &effective, "MaxConcurrency", Num::Int) {
            Ok(v) => v.map(|n| n as usize).filter(|n| *n > 0).unwrap_or(usize::MAX),
            Err(e) => return self.runtime_error(tid, e),
        };
        // AWS records MapStateStarted before it reads the tolerance fields (but after MaxConcurrency).
        self.emit(tid, EventKind::MapStateStarted { length: items.len() });
        self.thread(tid).fanout_started = true;
        let tolerated_count = match self.map_number(
            tid,
            &m.tolerated_failure_count,
            &effective,
            "ToleratedFailureCount",
            Num::Int,
        ) {
            Ok(Some(n)) if n < 0.0 => {
                return self.runtime_error(tid, StatesError::runtime("ToleratedFailureCount cannot be negative."));
            }
            Ok(v) => v.map(|n| n as u64),
            Err(e) => return self.runtime_error(tid, e),
        };
        let tolerated_percentage = match self.map_number(
            tid,
            &m.tolerated_failure_percentage,
            &effective,
            "ToleratedFailurePercentage",
            Num::Float,
        ) {
            Ok(Some(n)) if !(0.0..=100.0).contains(&n) => {
                return self.runtime_error(
                    tid,
                    StatesError::runtime("ToleratedFailurePercentage must be between 0 and 100."),
                );
            }
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        // Item inputs: ItemSelector (or legacy Parameters) sees the effective input as `$`
        // and the item in `$$.Map.Item`.
        let mut inputs = VecDeque::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            let v = match &m.item_selector {
                Some(tpl) => match self.eval_map_item(tid, tpl, &effective, index, &item) {
                    Ok(v) => v,
                    Err(e) => return self.runtime_error(tid, e),
                },
                None => item,
            };
            inputs.push_back((index, v));
        }
        self.start_map(tid, m, inputs, max_concurrency, tolerated_count, tolerated_percentage)
    }

    pub(in crate::execution) fn map_number(
        &mut self,
        tid: ThreadId,
        field: &Option<NumberOrPath>,
        effective: &Value,
        name: &str,
        kind: Num,
    ) -> Result<Option<f64>, StatesError> {
        match field {
            None => Ok(None),
            Some(NumberOrPath::Fixed(n)) => Ok(Some(*n)),
            Some(NumberOrPath::Path(path)) => {
                let v = self.with_env(tid, effective, |env| env.select(path).map(|v| v.into_owned()));
                let bad = |shown: String| {
                    let what = match kind {
                        Num::Int => "integer",
                        Num::Float => "float",
                    };
                    StatesError::runtime(format!(
                        "The {name}Path field refers to value \"{shown}\" which is not a valid {what}: {}",
                        path.as_str()
                    ))
                };
                match v {
                    Ok(Value::Number(n)) => match kind {
                        Num::Int if n.is_i64() || n.is_u64() => Ok(n.as_f64()),
                        Num::Int => Err(bad(n.to_string())),
                        Num::Float => Ok(n.as_f64()),
                    },
                    // Like Java's Integer.parseInt / Double.parseDouble on the text.
                    Ok(Value::String(text)) => match kind {
                        Num::Int => text
                            .trim()
                            .parse::<i64>()
                            .map(|n| Some(n as f64))
                            .map_err(|_| bad(text)),
                        Num::Float => text.trim().parse::<f64>().map(Some).map_err(|_| bad(text)),
                    },
                    Ok(other) => Err(bad(render_plain(&other))),
                    Err(_) => Err(bad("null".into())),
                }
            }
            Some(NumberOrPath::Expr(_)) => Err(StatesError::runtime("JSONata expressions are not supported yet")),
        }
    }

    fn map_jsonata(&mut self, tid: ThreadId, m: &MapState) -> Result<Flow, StatesError> {
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

    pub(super) fn number_j(
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
