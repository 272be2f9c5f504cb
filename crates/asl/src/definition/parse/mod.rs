//! Definition text → [`StateMachine`], with AWS's validation rules and wording.
//!
//! Parsing never stops at the first problem: every diagnostic is collected, as AWS reports
//! them all in one `InvalidDefinition` message.

use std::collections::HashMap;
use std::fmt;

use serde_json::{Map, Value};

use super::*;

mod allowed;
mod fields;
mod handlers;
mod states;

use allowed::*;
pub(crate) use fields::is_jsonata;
use fields::*;

/// The definition was rejected. `Display` gives AWS's `InvalidDefinition` message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionError {
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for DefinitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Invalid State Machine Definition: '")?;
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{d}")?;
        }
        f.write_str("'")
    }
}

impl std::error::Error for DefinitionError {}

/// Nesting deeper than this (Parallel in Map in Parallel …) is refused rather than risking
/// the stack.
const MAX_NESTING: usize = 64;

pub(super) fn parse(text: &str) -> Result<StateMachine, DefinitionError> {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return Err(DefinitionError {
                diagnostics: vec![Diagnostic::new("INVALID_JSON_DESCRIPTION", e.to_string(), "/")],
            });
        }
    };
    from_value(&value)
}

pub(super) fn from_value(value: &Value) -> Result<StateMachine, DefinitionError> {
    let mut p = Parser {
        blocks: Vec::new(),
        diags: Vec::new(),
    };
    let Some(obj) = value.as_object() else {
        return Err(DefinitionError {
            diagnostics: vec![Diagnostic::schema(
                "The state machine definition must be a JSON object",
                "/",
            )],
        });
    };
    let query_language = match obj.get("QueryLanguage") {
        None => QueryLanguage::JsonPath,
        Some(v) => p.query_language(v, "/QueryLanguage").unwrap_or_default(),
    };
    let comment = p.opt_string(obj, "Comment", "");
    let version = p.opt_string(obj, "Version", "");
    let timeout_seconds = match obj.get("TimeoutSeconds") {
        None => None,
        Some(v) => p.positive_int(v, "TimeoutSeconds", "/", 0, 99_999_999),
    };
    for key in obj.keys() {
        if !matches!(
            key.as_str(),
            "Comment" | "StartAt" | "States" | "TimeoutSeconds" | "Version" | "QueryLanguage"
        ) {
            p.diags
                .push(Diagnostic::schema(format!("Field '{key}' is not supported"), "/"));
        }
    }
    p.block(obj, "", query_language, 0);
    if p.diags.is_empty() {
        Ok(StateMachine {
            comment,
            version,
            timeout_seconds,
            query_language,
            blocks: p.blocks,
        })
    } else {
        Err(DefinitionError { diagnostics: p.diags })
    }
}

struct Parser {
    blocks: Vec<Block>,
    diags: Diags,
}

impl Parser {
    fn block(&mut self, obj: &Map<String, Value>, loc: &str, ql: QueryLanguage, depth: usize) -> BlockId {
        let id = BlockId(self.blocks.len() as u32);
        self.blocks.push(Block {
            start_at: StateId(0),
            states: Vec::new(),
            index: HashMap::new(),
        });
        if depth > MAX_NESTING {
            self.diags
                .push(Diagnostic::schema("States are nested too deeply", at(loc)));
            return id;
        }
        let mut missing = Vec::new();
        if !obj.contains_key("StartAt") {
            missing.push("StartAt");
        }
        let states = match obj.get("States") {
            Some(Value::Object(m)) => Some(m),
            Some(_) => {
                self.diags.push(Diagnostic::schema(
                    "The value for the field 'States' must be an OBJECT",
                    format!("{loc}/States"),
                ));
                None
            }
            None => {
                missing.push("States");
                None
            }
        };
        if !missing.is_empty() {
            self.diags.push(Diagnostic::schema(
                format!("These fields are required: [{}]", missing.join(", ")),
                at(loc),
            ));
        }
        let Some(states) = states else { return id };
        let index: HashMap<String, StateId> = states
            .keys()
            .enumerate()
            .map(|(i, k)| (k.clone(), StateId(i as u32)))
            .collect();
        for name in states.keys() {
            if name.is_empty() || name.chars().count() > 80 {
                self.diags.push(Diagnostic::schema(
                    "State names must be between 1 and 80 characters long",
                    format!("{loc}/States/{name}"),
                ));
            }
        }
        let start_at = match obj.get("StartAt") {
            Some(Value::String(s)) => match index.get(s) {
                Some(id) => Some(*id),
                None => {
                    self.diags.push(Diagnostic::new(
                        "MISSING_TRANSITION_TARGET",
                        format!("Missing 'StartAt' target: {s}"),
                        format!("{loc}/StartAt"),
                    ));
                    None
                }
            },
            Some(_) => {
                self.diags.push(Diagnostic::schema(
                    "The value for the field 'StartAt' must be a STRING",
                    format!("{loc}/StartAt"),
                ));
                None
            }
            None => None,
        };
        let mut parsed = Vec::with_capacity(states.len());
        for (name, v) in states {
            let sloc = format!("{loc}/States/{name}");
            parsed.push(self.state(name, v, &sloc, &index, ql, depth));
        }
        let Some(start) = start_at else { return id };
        // Reachability and terminal states, read from the JSON so that states with other
        // problems still take part.
        let raw: Vec<&Value> = states.values().collect();
        let mut seen = vec![false; raw.len()];
        let mut stack = vec![start];
        while let Some(s) = stack.pop() {
            if std::mem::replace(&mut seen[s.0 as usize], true) {
                continue;
            }
            raw_successors(raw[s.0 as usize], &index, &mut stack);
        }
        let mut any_terminal = false;
        for (i, name) in states.keys().enumerate() {
            if !seen[i] {
                self.diags.push(Diagnostic::new(
                    "MISSING_TRANSITION_TARGET",
                    format!("State \"{name}\" is not reachable."),
                    format!("{loc}/States/{name}"),
                ));
            }
            any_terminal |= raw_is_terminal(raw[i]);
        }
        if !any_terminal {
            self.diags.push(Diagnostic::new(
                "MISSING_END_STATE",
                "Workflow has no terminal state",
                "null",
            ));
        }
        let states: Option<Vec<State>> = parsed.into_iter().collect();
        let Some(states) = states else { return id };
        let block = &mut self.blocks[id.0 as usize];
        block.start_at = start;
        block.states = states;
        block.index = index;
        id
    }

    fn state(
        &mut self,
        name: &str,
        v: &Value,
        loc: &str,
        index: &HashMap<String, StateId>,
        parent_ql: QueryLanguage,
        depth: usize,
    ) -> Option<State> {
        let Some(obj) = v.as_object() else {
            self.diags
                .push(Diagnostic::schema("A state must be a JSON object", loc));
            return None;
        };
        let before = self.diags.len();
        let ty = match obj.get("Type") {
            Some(Value::String(t)) => t.as_str(),
            Some(_) => {
                self.diags.push(Diagnostic::schema(
                    "The value for the field 'Type' must be a STRING",
                    loc,
                ));
                return None;
            }
            None => {
                self.diags
                    .push(Diagnostic::schema("These fields are required: [Type]", loc));
                return None;
            }
        };
        if !matches!(
            ty,
            "Pass" | "Task" | "Choice" | "Wait" | "Succeed" | "Fail" | "Parallel" | "Map"
        ) {
            self.diags.push(Diagnostic::schema(
                "The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]",
                loc,
            ));
            return None;
        }
        let ql = match obj.get("QueryLanguage") {
            None => parent_ql,
            Some(v) => {
                let q = self
                    .query_language(v, &format!("{loc}/QueryLanguage"))
                    .unwrap_or(parent_ql);
                if parent_ql == QueryLanguage::Jsonata && q == QueryLanguage::JsonPath {
                    self.diags.push(Diagnostic::schema(
                        "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
                        loc,
                    ));
                }
                q
            }
        };
        let allowed = allowed_fields(ty, ql);
        for key in obj.keys() {
            if COMMON.contains(&key.as_str()) || allowed.contains(&key.as_str()) {
                continue;
            }
            let message = match ql {
                QueryLanguage::JsonPath if JSONATA_ONLY.contains(&key.as_str()) => format!(
                    "The QueryLanguage is set to 'JSONPath', but field '{key}' is only supported for the 'JSONata' QueryLanguage"
                ),
                QueryLanguage::Jsonata if JSONPATH_ONLY.contains(&key.as_str()) => format!(
                    "The QueryLanguage is set to 'JSONata', but field '{key}' is only supported for the 'JSONPath' QueryLanguage"
                ),
                _ => format!("Field '{key}' is not supported"),
            };
            self.diags.push(Diagnostic::schema(message, loc));
        }
        let comment = self.opt_string(obj, "Comment", loc);
        let input_path = self.opt_path(obj, "InputPath", loc);
        let output_path = self.opt_path(obj, "OutputPath", loc);
        let assign = self.assign(obj, loc, ql);
        let output = self.jsonata(obj, "Output", loc);
        let kind = match ty {
            "Pass" => StateKind::Pass(Pass {
                result: obj.get("Result").cloned(),
                parameters: self.template(obj, "Parameters", loc),
                result_path: self.opt_path(obj, "ResultPath", loc),
                next: self.transition(obj, loc, index),
            }),
            "Task" => StateKind::Task(Box::new(self.task(obj, loc, index, ql))),
            "Choice" => StateKind::Choice(self.choice(obj, loc, index, ql)),
            "Wait" => StateKind::Wait(self.wait(obj, loc, index, ql)),
            "Succeed" => StateKind::Succeed,
            "Fail" => StateKind::Fail(Fail {
                error: self.fail_field(obj, "Error", loc, ql),
                cause: self.fail_field(obj, "Cause", loc, ql),
            }),
            "Parallel" => StateKind::Parallel(Box::new(self.parallel(obj, loc, index, ql, depth))),
            "Map" => StateKind::Map(Box::new(self.map(obj, loc, index, ql, depth))),
            _ => unreachable!("checked above"),
        };
        if self.diags.len() > before {
            return None;
        }
        Some(State {
            name: name.to_string(),
            comment,
            query_language: ql,
            input_path,
            output_path,
            assign,
            output,
            kind,
        })
    }
}

fn raw_is_terminal(st: &Value) -> bool {
    matches!(st.get("Type").and_then(Value::as_str), Some("Succeed" | "Fail"))
        || st.get("End") == Some(&Value::Bool(true))
}

fn raw_successors(st: &Value, index: &HashMap<String, StateId>, out: &mut Vec<StateId>) {
    let mut push = |v: Option<&Value>| {
        if let Some(id) = v.and_then(Value::as_str).and_then(|n| index.get(n)) {
            out.push(*id);
        }
    };
    push(st.get("Next"));
    push(st.get("Default"));
    for list in ["Choices", "Catch"] {
        if let Some(items) = st.get(list).and_then(Value::as_array) {
            for item in items {
                push(item.get("Next"));
            }
        }
    }
}

#[cfg(test)]
mod tests;
