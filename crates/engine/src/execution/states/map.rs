//! Map: the items, their inputs, the concurrency and failure tolerance.
//!
//! One flow for both query languages: JSONPath reads the items through `ItemsPath` from the
//! effective input and shapes them with `ItemSelector`; JSONata reads `Items` and its own
//! `ItemSelector`. The limits (`MaxConcurrency`, the tolerated failures) are read the same
//! way, each field by the evaluator of its kind.

use std::collections::VecDeque;

use asl::definition::*;
use asl::error::{StatesError, names};
use serde_json::Value;

use crate::execution::Execution;
use crate::execution::fanout::MapLimits;
use crate::execution::jsonata::{Extra, unexpected};
use crate::execution::states::{Num, json_type_name, render_plain};
use crate::execution::thread::{Flow, ThreadId};
use crate::history::EventKind;

impl Execution {
    /// Runs a Map state: its items, their inputs, its limits, then the iterations.
    pub(super) fn exec_map(&mut self, tid: ThreadId, st: &State, m: &MapState) -> Flow {
        let r = self.map_flow(tid, st, m);
        self.or_runtime_error(tid, r)
    }

    fn map_flow(&mut self, tid: ThreadId, st: &State, m: &MapState) -> Result<Flow, StatesError> {
        let ql = st.query_language;
        // `$` of ItemsPath, ItemSelector and the `…Path` fields (JSONPath only).
        let (effective, items) = match ql {
            QueryLanguage::JsonPath => {
                let effective = self.input_path(tid, st)?;
                let items = self.items_at_path(tid, m, &effective)?;
                (effective, items)
            }
            QueryLanguage::Jsonata => (Value::Null, self.items_jsonata(tid, m)?),
        };
        let limits = self.map_limits(tid, ql, m, &effective, items.len())?;
        // Item inputs: a JSONPath ItemSelector (or legacy Parameters) sees the effective input
        // as `$` and the item in `$$.Map.Item`; a JSONata one sees `$states.context.Map.Item`.
        let mut inputs = VecDeque::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            let v = match (ql, &m.item_selector, &m.item_selector_jsonata) {
                (QueryLanguage::JsonPath, Some(tpl), _) => self.eval_map_item(tid, tpl, &effective, index, &item)?,
                (QueryLanguage::Jsonata, _, Some(tpl)) => {
                    let extra = Extra {
                        map_item: Some((index, &item)),
                        ..Extra::default()
                    };
                    self.eval_j(tid, tpl, "ItemSelector", extra)?
                }
                _ => item,
            };
            inputs.push_back((index, v));
        }
        Ok(self.start_map(tid, m, inputs, limits))
    }

    /// JSONPath: the items `ItemsPath` selects from the effective input.
    fn items_at_path(&mut self, tid: ThreadId, m: &MapState, effective: &Value) -> Result<Vec<Value>, StatesError> {
        let items = match &m.items_path {
            OptPath::Identity => effective.clone(),
            OptPath::Null => Value::Null,
            OptPath::Path(p) => self
                .with_env(tid, effective, |env| env.select(p).map(|v| v.into_owned()))
                .map_err(|e| StatesError::runtime(format!("Invalid path '{}' : {e}", p.as_str())))?,
        };
        self.note(|i| {
            if !matches!(m.items_path, OptPath::Identity) {
                i.after_items_path = Some(items.clone());
            }
        });
        match items {
            Value::Array(items) => Ok(items),
            other => {
                let path = match &m.items_path {
                    OptPath::Path(p) => p.as_str().to_string(),
                    _ => "$".to_string(),
                };
                Err(StatesError::runtime(format!(
                    "Map state input must be an array but was: {} (ItemsPath {path})",
                    json_type_name(&other)
                )))
            }
        }
    }

    /// JSONata: the items `Items` evaluates to, or the state's input.
    fn items_jsonata(&mut self, tid: ThreadId, m: &MapState) -> Result<Vec<Value>, StatesError> {
        match &m.items {
            Some(tpl) => match self.eval_j(tid, tpl, "Items", Extra::default())? {
                Value::Array(a) => Ok(a),
                other => Err(unexpected(tpl, "Items", "array", &other)),
            },
            None => match self.thread(tid).input.clone() {
                Value::Array(a) => Ok(a),
                other => Err(StatesError::new(
                    names::QUERY_EVALUATION_ERROR,
                    format!("Map state input must be an array but was: {other}"),
                )),
            },
        }
    }

    /// MaxConcurrency, `MapStateStarted`, then the failure tolerance: AWS records the event
    /// before it reads the tolerance fields (but after MaxConcurrency).
    fn map_limits(
        &mut self,
        tid: ThreadId,
        ql: QueryLanguage,
        m: &MapState,
        effective: &Value,
        length: usize,
    ) -> Result<MapLimits, StatesError> {
        let max_concurrency = self
            .map_number(tid, ql, &m.max_concurrency, effective, "MaxConcurrency", Num::Int)?
            .map(|n| n as usize)
            .filter(|n| *n > 0)
            .unwrap_or(usize::MAX);
        self.emit(tid, EventKind::MapStateStarted { length });
        self.thread(tid).fanout_started = true;
        let count = self.map_number(
            tid,
            ql,
            &m.tolerated_failure_count,
            effective,
            "ToleratedFailureCount",
            Num::Int,
        )?;
        let tolerated_count = match count {
            Some(n) if n < 0.0 => return Err(StatesError::runtime("ToleratedFailureCount cannot be negative.")),
            v => v.map(|n| n as u64),
        };
        let tolerated_percentage = match self.map_number(
            tid,
            ql,
            &m.tolerated_failure_percentage,
            effective,
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
        Ok(MapLimits {
            max_concurrency,
            tolerated_count,
            tolerated_percentage,
        })
    }

    /// A numeric field of a Map state: fixed, a `…Path` (JSONPath), or an expression
    /// (JSONata). A form the state's query language does not read yields nothing (a path
    /// under JSONata) or an error (an expression under JSONPath).
    fn map_number(
        &mut self,
        tid: ThreadId,
        ql: QueryLanguage,
        field: &Option<NumberOrPath>,
        effective: &Value,
        name: &str,
        kind: Num,
    ) -> Result<Option<f64>, StatesError> {
        match (field, ql) {
            (None, _) => Ok(None),
            (Some(NumberOrPath::Fixed(n)), _) => Ok(Some(*n)),
            (Some(NumberOrPath::Path(path)), QueryLanguage::JsonPath) => {
                self.number_at_path(tid, path, effective, name, kind)
            }
            (Some(NumberOrPath::Path(_)), QueryLanguage::Jsonata) => Ok(None),
            (Some(NumberOrPath::Expr(tpl)), QueryLanguage::Jsonata) => self.number_expr(tid, tpl, name, kind),
            (Some(NumberOrPath::Expr(_)), QueryLanguage::JsonPath) => {
                Err(StatesError::runtime("JSONata expressions are not supported yet"))
            }
        }
    }

    fn number_at_path(
        &mut self,
        tid: ThreadId,
        path: &asl::path::Path,
        effective: &Value,
        name: &str,
        kind: Num,
    ) -> Result<Option<f64>, StatesError> {
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
            // AWS reads the counts as Java ints: a whole number outside i32 is not one.
            Ok(Value::Number(n)) => match kind {
                Num::Int if n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()) => Ok(n.as_f64()),
                Num::Int => Err(bad(n.to_string())),
                Num::Float => Ok(n.as_f64()),
            },
            // Like Java's Integer.parseInt / Double.parseDouble on the text.
            Ok(Value::String(text)) => match kind {
                Num::Int => text
                    .trim()
                    .parse::<i32>()
                    .map(|n| Some(n as f64))
                    .map_err(|_| bad(text)),
                Num::Float => text.trim().parse::<f64>().map(Some).map_err(|_| bad(text)),
            },
            Ok(other) => Err(bad(render_plain(&other))),
            Err(_) => Err(bad("null".into())),
        }
    }

    fn number_expr(
        &mut self,
        tid: ThreadId,
        tpl: &JTemplate,
        name: &str,
        kind: Num,
    ) -> Result<Option<f64>, StatesError> {
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
