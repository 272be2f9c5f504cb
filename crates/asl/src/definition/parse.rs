//! Definition text → [`StateMachine`], with AWS's validation rules and wording.
//!
//! Parsing never stops at the first problem: every diagnostic is collected, as AWS reports
//! them all in one `InvalidDefinition` message.

use std::collections::HashMap;
use std::fmt;

use serde_json::{Map, Value};

use super::*;
use crate::intrinsics::Intrinsic;

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

/// The fields every state type may have, besides its own.
const COMMON: &[&str] = &["Type", "Comment", "QueryLanguage"];

fn allowed_fields(ty: &str, ql: QueryLanguage) -> &'static [&'static str] {
    use QueryLanguage::*;
    match (ty, ql) {
        ("Pass", JsonPath) => &[
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Result",
            "ResultPath",
            "Parameters",
            "Assign",
        ],
        ("Pass", Jsonata) => &["Next", "End", "Output", "Assign"],
        ("Task", JsonPath) => &[
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Resource",
            "Parameters",
            "ResultPath",
            "ResultSelector",
            "Retry",
            "Catch",
            "TimeoutSeconds",
            "TimeoutSecondsPath",
            "HeartbeatSeconds",
            "HeartbeatSecondsPath",
            "Credentials",
            "Assign",
        ],
        ("Task", Jsonata) => &[
            "Next",
            "End",
            "Resource",
            "Arguments",
            "Output",
            "Retry",
            "Catch",
            "TimeoutSeconds",
            "HeartbeatSeconds",
            "Credentials",
            "Assign",
        ],
        ("Choice", JsonPath) => &["InputPath", "OutputPath", "Choices", "Default", "Assign"],
        ("Choice", Jsonata) => &["Output", "Choices", "Default", "Assign"],
        ("Wait", JsonPath) => &[
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Seconds",
            "Timestamp",
            "SecondsPath",
            "TimestampPath",
            "Assign",
        ],
        ("Wait", Jsonata) => &["Next", "End", "Output", "Seconds", "Timestamp", "Assign"],
        ("Succeed", JsonPath) => &["InputPath", "OutputPath"],
        ("Succeed", Jsonata) => &["Output"],
        ("Fail", JsonPath) => &["Error", "ErrorPath", "Cause", "CausePath"],
        ("Fail", Jsonata) => &["Error", "Cause"],
        ("Parallel", JsonPath) => &[
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Branches",
            "Parameters",
            "ResultPath",
            "ResultSelector",
            "Retry",
            "Catch",
            "Assign",
        ],
        ("Parallel", Jsonata) => &[
            "Next",
            "End",
            "Branches",
            "Arguments",
            "Output",
            "Retry",
            "Catch",
            "Assign",
        ],
        ("Map", JsonPath) => &[
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "ItemProcessor",
            "Iterator",
            "ItemsPath",
            "ItemSelector",
            "Parameters",
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "MaxConcurrency",
            "MaxConcurrencyPath",
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            "Label",
            "ResultPath",
            "ResultSelector",
            "Retry",
            "Catch",
            "Assign",
        ],
        ("Map", Jsonata) => &[
            "Next",
            "End",
            "ItemProcessor",
            "Iterator",
            "Items",
            "ItemSelector",
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "MaxConcurrency",
            "ToleratedFailureCount",
            "ToleratedFailurePercentage",
            "Label",
            "Output",
            "Retry",
            "Catch",
            "Assign",
        ],
        _ => &[],
    }
}

/// Fields that belong to one query language only, for AWS's specific message.
const JSONPATH_ONLY: &[&str] = &[
    "InputPath",
    "OutputPath",
    "Parameters",
    "ResultPath",
    "ResultSelector",
    "ItemsPath",
    "SecondsPath",
    "TimestampPath",
    "ErrorPath",
    "CausePath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "MaxConcurrencyPath",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath",
    "Result",
];
const JSONATA_ONLY: &[&str] = &["Output", "Arguments", "Items"];

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

    fn task(
        &mut self,
        obj: &Map<String, Value>,
        loc: &str,
        index: &HashMap<String, StateId>,
        ql: QueryLanguage,
    ) -> Task {
        let resource = match obj.get("Resource") {
            Some(Value::String(s)) => s.clone(),
            Some(_) => {
                self.diags.push(Diagnostic::schema(
                    "The value for the field 'Resource' must be a STRING",
                    loc,
                ));
                String::new()
            }
            None => {
                self.diags
                    .push(Diagnostic::schema("These fields are required: [Resource]", loc));
                String::new()
            }
        };
        let timeout = self.seconds(obj, "TimeoutSeconds", loc);
        let heartbeat = self.seconds(obj, "HeartbeatSeconds", loc);
        if let (Some(Seconds::Fixed(t)), Some(Seconds::Fixed(h))) = (&timeout, &heartbeat)
            && h >= t
        {
            self.diags.push(Diagnostic::schema(
                "The value of 'HeartbeatSeconds' must be less than the value of 'TimeoutSeconds'",
                format!("{loc}/HeartbeatSeconds"),
            ));
        }
        Task {
            target: Resource::parse(resource.as_str()),
            resource,
            parameters: self.template(obj, "Parameters", loc),
            arguments: self.jsonata(obj, "Arguments", loc),
            result_selector: self.template(obj, "ResultSelector", loc),
            result_path: self.opt_path(obj, "ResultPath", loc),
            timeout,
            heartbeat,
            credentials: obj.get("Credentials").cloned(),
            retry: self.retriers(obj, loc),
            catch: self.catchers(obj, loc, index, ql),
            next: self.transition(obj, loc, index),
        }
    }

    fn choice(
        &mut self,
        obj: &Map<String, Value>,
        loc: &str,
        index: &HashMap<String, StateId>,
        ql: QueryLanguage,
    ) -> Choice {
        let mut choices = Vec::new();
        match obj.get("Choices") {
            Some(Value::Array(rules)) if !rules.is_empty() => {
                for (i, r) in rules.iter().enumerate() {
                    let rloc = format!("{loc}/Choices/{i}");
                    let Some(robj) = r.as_object() else {
                        self.diags
                            .push(Diagnostic::schema("A Choice rule must be a JSON object", rloc));
                        continue;
                    };
                    let next = match robj.get("Next") {
                        Some(Value::String(n)) => self.target(n, &format!("{rloc}/Next"), index),
                        _ => {
                            self.diags
                                .push(Diagnostic::schema("These fields are required: [Next]", rloc.clone()));
                            None
                        }
                    };
                    let rule = match ql {
                        QueryLanguage::JsonPath => match ChoiceRule::parse(robj, &rloc, true) {
                            Ok(r) => Some(Condition::Rule(r)),
                            Err(d) => {
                                self.diags.extend(d);
                                None
                            }
                        },
                        QueryLanguage::Jsonata => match robj.get("Condition") {
                            Some(c) => Some(Condition::Jsonata(self.jsonata_value(c, &format!("{rloc}/Condition")))),
                            None => {
                                self.diags.push(Diagnostic::schema(
                                    "These fields are required: [Condition]",
                                    rloc.clone(),
                                ));
                                None
                            }
                        },
                    };
                    if let (Some(rule), Some(next)) = (rule, next) {
                        choices.push(ChoiceBranch {
                            rule,
                            next,
                            assign: self.assign(robj, &rloc, ql),
                            output: self.jsonata(robj, "Output", &rloc),
                        });
                    }
                }
            }
            Some(Value::Array(_)) => self.diags.push(Diagnostic::schema(
                "The field 'Choices' must contain at least one rule",
                format!("{loc}/Choices"),
            )),
            Some(_) => self.diags.push(Diagnostic::schema(
                "The value for the field 'Choices' must be an ARRAY",
                format!("{loc}/Choices"),
            )),
            None => self
                .diags
                .push(Diagnostic::schema("These fields are required: [Choices]", loc)),
        }
        let default = match obj.get("Default") {
            Some(Value::String(d)) => self.target(d, &format!("{loc}/Default"), index),
            Some(_) => {
                self.diags.push(Diagnostic::schema(
                    "The value for the field 'Default' must be a STRING",
                    format!("{loc}/Default"),
                ));
                None
            }
            None => None,
        };
        Choice { choices, default }
    }

    fn wait(
        &mut self,
        obj: &Map<String, Value>,
        loc: &str,
        index: &HashMap<String, StateId>,
        ql: QueryLanguage,
    ) -> Wait {
        let present: Vec<&str> = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"]
            .into_iter()
            .filter(|k| obj.contains_key(*k))
            .collect();
        let next = self.transition(obj, loc, index);
        if present.len() != 1 {
            self.diags.push(Diagnostic::schema(
                "Exactly one of these fields is required: [Seconds, Timestamp, SecondsPath, TimestampPath]",
                loc,
            ));
            return Wait {
                wait: WaitFor::Seconds(0),
                next,
            };
        }
        let key = present[0];
        let v = &obj[key];
        let floc = format!("{loc}/{key}");
        let wait = match (key, ql) {
            ("Seconds", QueryLanguage::Jsonata) if is_jsonata(v) => WaitFor::SecondsExpr(self.jsonata_value(v, &floc)),
            ("Timestamp", QueryLanguage::Jsonata) if is_jsonata(v) => {
                WaitFor::TimestampExpr(self.jsonata_value(v, &floc))
            }
            ("Seconds", _) => match v.as_u64() {
                Some(s) if s <= 99_999_999 => WaitFor::Seconds(s),
                _ => {
                    self.diags.push(Diagnostic::schema(
                        "The value for the field 'Seconds' must be a non-negative integer no greater than 99999999",
                        floc,
                    ));
                    WaitFor::Seconds(0)
                }
            },
            ("Timestamp", _) => match v.as_str() {
                Some(s) if crate::timestamp::parse_rfc3339(s).is_some() => WaitFor::Timestamp(s.to_string()),
                _ => {
                    self.diags
                        .push(Diagnostic::schema("String does not match RFC3339 timestamp", floc));
                    WaitFor::Seconds(0)
                }
            },
            ("SecondsPath", _) => self
                .path_field(v, key, loc)
                .map(WaitFor::SecondsPath)
                .unwrap_or(WaitFor::Seconds(0)),
            _ => self
                .path_field(v, key, loc)
                .map(WaitFor::TimestampPath)
                .unwrap_or(WaitFor::Seconds(0)),
        };
        Wait { wait, next }
    }

    fn fail_field(&mut self, obj: &Map<String, Value>, key: &str, loc: &str, ql: QueryLanguage) -> Option<FailField> {
        let path_key = format!("{key}Path");
        match (obj.get(key), obj.get(&path_key)) {
            (Some(_), Some(_)) => {
                self.diags.push(Diagnostic::schema(
                    format!("Only one of these fields is allowed: [{key}, {path_key}]"),
                    loc,
                ));
                None
            }
            (Some(v), None) => match v {
                Value::String(_) if ql == QueryLanguage::Jsonata && is_jsonata(v) => {
                    Some(FailField::Expr(self.jsonata_value(v, &format!("{loc}/{key}"))))
                }
                Value::String(s) => Some(FailField::Literal(s.clone())),
                _ => {
                    self.diags.push(Diagnostic::schema(
                        format!("The value for the field '{key}' must be a STRING"),
                        loc,
                    ));
                    None
                }
            },
            (None, Some(v)) => match v.as_str() {
                Some(s) if Intrinsic::looks_like_call(s) => match Intrinsic::parse(s) {
                    Ok(call) => Some(FailField::Intrinsic(call)),
                    Err(_) => {
                        self.diags.push(Diagnostic::schema(
                            format!("The value for the field '{path_key}' must be a valid JSONPath or a valid intrinsic function call"),
                            loc,
                        ));
                        None
                    }
                },
                _ => self.path_field(v, &path_key, loc).map(FailField::Path),
            },
            (None, None) => None,
        }
    }

    fn parallel(
        &mut self,
        obj: &Map<String, Value>,
        loc: &str,
        index: &HashMap<String, StateId>,
        ql: QueryLanguage,
        depth: usize,
    ) -> Parallel {
        let mut branches = Vec::new();
        match obj.get("Branches") {
            Some(Value::Array(bs)) if !bs.is_empty() => {
                for (i, b) in bs.iter().enumerate() {
                    let bloc = format!("{loc}/Branches/{i}");
                    match b.as_object() {
                        Some(bobj) => {
                            self.check_block_fields(bobj, &bloc);
                            branches.push(self.block(bobj, &bloc, ql, depth + 1));
                        }
                        None => self
                            .diags
                            .push(Diagnostic::schema("A branch must be a JSON object", bloc)),
                    }
                }
            }
            Some(_) => self.diags.push(Diagnostic::schema(
                "The value for the field 'Branches' must be a non-empty ARRAY",
                format!("{loc}/Branches"),
            )),
            None => self
                .diags
                .push(Diagnostic::schema("These fields are required: [Branches]", loc)),
        }
        Parallel {
            branches,
            parameters: self.template(obj, "Parameters", loc),
            arguments: self.jsonata(obj, "Arguments", loc),
            result_selector: self.template(obj, "ResultSelector", loc),
            result_path: self.opt_path(obj, "ResultPath", loc),
            retry: self.retriers(obj, loc),
            catch: self.catchers(obj, loc, index, ql),
            next: self.transition(obj, loc, index),
        }
    }

    fn check_block_fields(&mut self, obj: &Map<String, Value>, loc: &str) {
        for key in obj.keys() {
            if !matches!(key.as_str(), "StartAt" | "States" | "Comment" | "ProcessorConfig") {
                self.diags
                    .push(Diagnostic::schema(format!("Field '{key}' is not supported"), at(loc)));
            }
        }
    }

    fn map(
        &mut self,
        obj: &Map<String, Value>,
        loc: &str,
        index: &HashMap<String, StateId>,
        ql: QueryLanguage,
        depth: usize,
    ) -> MapState {
        let (key, proc) = match (obj.get("ItemProcessor"), obj.get("Iterator")) {
            (Some(p), None) => ("ItemProcessor", p),
            (None, Some(p)) => ("Iterator", p),
            (Some(_), Some(_)) => {
                self.diags.push(Diagnostic::schema(
                    "Only one of these fields is allowed: [ItemProcessor, Iterator]",
                    loc,
                ));
                ("ItemProcessor", &obj["ItemProcessor"])
            }
            (None, None) => {
                self.diags
                    .push(Diagnostic::schema("These fields are required: [ItemProcessor]", loc));
                ("ItemProcessor", &Value::Null)
            }
        };
        let ploc = format!("{loc}/{key}");
        let mut distributed = false;
        let processor = match proc.as_object() {
            Some(pobj) => {
                self.check_block_fields(pobj, &ploc);
                if let Some(cfg) = pobj.get("ProcessorConfig") {
                    match cfg.get("Mode").and_then(Value::as_str) {
                        Some("DISTRIBUTED") => distributed = true,
                        Some("INLINE") | None => {}
                        Some(_) => self.diags.push(Diagnostic::schema(
                            "The field 'Mode' should have one of these values: [INLINE, DISTRIBUTED]",
                            format!("{ploc}/ProcessorConfig/Mode"),
                        )),
                    }
                }
                self.block(pobj, &ploc, ql, depth + 1)
            }
            None => {
                if !proc.is_null() {
                    self.diags.push(Diagnostic::schema(
                        format!("The value for the field '{key}' must be an OBJECT"),
                        ploc,
                    ));
                }
                BlockId(0)
            }
        };
        let item_selector = match (obj.get("ItemSelector"), obj.get("Parameters")) {
            (Some(_), Some(_)) => {
                self.diags.push(Diagnostic::schema(
                    "Only one of these fields is allowed: [ItemSelector, Parameters]",
                    loc,
                ));
                None
            }
            (Some(_), None) if ql == QueryLanguage::Jsonata => None,
            (Some(_), None) => self.template(obj, "ItemSelector", loc),
            (None, Some(_)) => self.template(obj, "Parameters", loc),
            (None, None) => None,
        };
        let max_concurrency = self.number_or_path(obj, "MaxConcurrency", loc, ql);
        if let Some(NumberOrPath::Fixed(n)) = max_concurrency
            && (n < 0.0 || n.fract() != 0.0)
        {
            self.diags.push(Diagnostic::schema(
                "The value for the field 'MaxConcurrency' must be a non-negative integer",
                format!("{loc}/MaxConcurrency"),
            ));
        }
        MapState {
            processor,
            distributed,
            items_path: self.opt_path(obj, "ItemsPath", loc),
            items: self.jsonata(obj, "Items", loc),
            item_selector,
            item_selector_jsonata: match (ql, obj.get("ItemSelector")) {
                (QueryLanguage::Jsonata, Some(v)) => Some(self.jsonata_value(v, &format!("{loc}/ItemSelector"))),
                _ => None,
            },
            item_reader: obj.get("ItemReader").cloned(),
            item_batcher: obj.get("ItemBatcher").cloned(),
            result_writer: obj.get("ResultWriter").cloned(),
            max_concurrency,
            tolerated_failure_count: self.number_or_path(obj, "ToleratedFailureCount", loc, ql),
            tolerated_failure_percentage: self.number_or_path(obj, "ToleratedFailurePercentage", loc, ql),
            label: self.opt_string(obj, "Label", loc),
            result_selector: self.template(obj, "ResultSelector", loc),
            result_path: self.opt_path(obj, "ResultPath", loc),
            retry: self.retriers(obj, loc),
            catch: self.catchers(obj, loc, index, ql),
            next: self.transition(obj, loc, index),
        }
    }

    fn number_or_path(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        loc: &str,
        ql: QueryLanguage,
    ) -> Option<NumberOrPath> {
        let path_key = format!("{key}Path");
        match (obj.get(key), obj.get(&path_key)) {
            (Some(_), Some(_)) => {
                self.diags.push(Diagnostic::schema(
                    format!("Only one of these fields is allowed: [{key}, {path_key}]"),
                    loc,
                ));
                None
            }
            (Some(v), None) => match v {
                Value::Number(n) => Some(NumberOrPath::Fixed(n.as_f64().unwrap_or(0.0))),
                Value::String(_) if ql == QueryLanguage::Jsonata && is_jsonata(v) => {
                    Some(NumberOrPath::Expr(self.jsonata_value(v, &format!("{loc}/{key}"))))
                }
                _ => {
                    self.diags.push(Diagnostic::schema(
                        format!("The value for the field '{key}' must be a NUMBER"),
                        format!("{loc}/{key}"),
                    ));
                    None
                }
            },
            (None, Some(v)) => self.path_field(v, &path_key, loc).map(NumberOrPath::Path),
            (None, None) => None,
        }
    }

    fn seconds(&mut self, obj: &Map<String, Value>, key: &str, loc: &str) -> Option<Seconds> {
        let path_key = format!("{key}Path");
        match (obj.get(key), obj.get(&path_key)) {
            (Some(_), Some(_)) => {
                self.diags.push(Diagnostic::schema(
                    format!("Only one of these fields is allowed: [{key}, {path_key}]"),
                    loc,
                ));
                None
            }
            (Some(v), None) if is_jsonata(v) => Some(Seconds::Expr(self.jsonata_value(v, &format!("{loc}/{key}")))),
            (Some(v), None) => self.positive_int(v, key, loc, 1, 99_999_999).map(Seconds::Fixed),
            (None, Some(v)) => self.path_field(v, &path_key, loc).map(Seconds::Path),
            (None, None) => None,
        }
    }

    fn retriers(&mut self, obj: &Map<String, Value>, loc: &str) -> Vec<Retrier> {
        let mut out = Vec::new();
        let Some(v) = obj.get("Retry") else {
            return out;
        };
        let Some(items) = v.as_array() else {
            self.diags.push(Diagnostic::schema(
                "The value for the field 'Retry' must be an ARRAY",
                format!("{loc}/Retry"),
            ));
            return out;
        };
        let n = items.len();
        for (i, r) in items.iter().enumerate() {
            let rloc = format!("{loc}/Retry/{i}");
            let Some(robj) = r.as_object() else {
                self.diags
                    .push(Diagnostic::schema("A Retrier must be a JSON object", rloc));
                continue;
            };
            for key in robj.keys() {
                if !matches!(
                    key.as_str(),
                    "ErrorEquals"
                        | "IntervalSeconds"
                        | "MaxAttempts"
                        | "BackoffRate"
                        | "MaxDelaySeconds"
                        | "JitterStrategy"
                        | "Comment"
                ) {
                    self.diags.push(Diagnostic::schema(
                        format!("Field '{key}' is not supported"),
                        rloc.clone(),
                    ));
                }
            }
            let error_equals = self.error_equals(robj, &rloc, i + 1 == n);
            let interval_seconds = match robj.get("IntervalSeconds") {
                Some(v) => self
                    .positive_int(v, "IntervalSeconds", &rloc, 1, 99_999_999)
                    .unwrap_or(1),
                None => 1,
            };
            let max_attempts = match robj.get("MaxAttempts") {
                Some(v) => self.positive_int(v, "MaxAttempts", &rloc, 0, 99_999_999).unwrap_or(3),
                None => 3,
            };
            let backoff_rate = match robj.get("BackoffRate") {
                Some(v) => match v.as_f64() {
                    Some(b) if b >= 1.0 => b,
                    _ => {
                        self.diags.push(Diagnostic::schema(
                            "The value for the field 'BackoffRate' must be a number greater than or equal to 1.0",
                            format!("{rloc}/BackoffRate"),
                        ));
                        2.0
                    }
                },
                None => 2.0,
            };
            let max_delay_seconds = match robj.get("MaxDelaySeconds") {
                Some(v) => self.positive_int(v, "MaxDelaySeconds", &rloc, 1, 31_622_400),
                None => None,
            };
            let jitter = match robj.get("JitterStrategy") {
                None => Jitter::None,
                Some(Value::String(s)) if s == "NONE" => Jitter::None,
                Some(Value::String(s)) if s == "FULL" => Jitter::Full,
                Some(_) => {
                    self.diags.push(Diagnostic::schema(
                        "The field 'JitterStrategy' should have one of these values: [FULL, NONE]",
                        format!("{rloc}/JitterStrategy"),
                    ));
                    Jitter::None
                }
            };
            out.push(Retrier {
                error_equals,
                interval_seconds,
                max_attempts,
                backoff_rate,
                max_delay_seconds,
                jitter,
            });
        }
        out
    }

    fn catchers(
        &mut self,
        obj: &Map<String, Value>,
        loc: &str,
        index: &HashMap<String, StateId>,
        ql: QueryLanguage,
    ) -> Vec<Catcher> {
        let mut out = Vec::new();
        let Some(v) = obj.get("Catch") else {
            return out;
        };
        let Some(items) = v.as_array() else {
            self.diags.push(Diagnostic::schema(
                "The value for the field 'Catch' must be an ARRAY",
                format!("{loc}/Catch"),
            ));
            return out;
        };
        let n = items.len();
        for (i, c) in items.iter().enumerate() {
            let cloc = format!("{loc}/Catch/{i}");
            let Some(cobj) = c.as_object() else {
                self.diags
                    .push(Diagnostic::schema("A Catcher must be a JSON object", cloc));
                continue;
            };
            for key in cobj.keys() {
                if !matches!(
                    key.as_str(),
                    "ErrorEquals" | "Next" | "ResultPath" | "Assign" | "Output" | "Comment"
                ) {
                    self.diags.push(Diagnostic::schema(
                        format!("Field '{key}' is not supported"),
                        cloc.clone(),
                    ));
                }
            }
            let error_equals = self.error_equals(cobj, &cloc, i + 1 == n);
            let next = match cobj.get("Next") {
                Some(Value::String(s)) => self.target(s, &format!("{cloc}/Next"), index),
                _ => {
                    self.diags
                        .push(Diagnostic::schema("These fields are required: [Next]", cloc.clone()));
                    None
                }
            };
            let result_path = self.opt_path(cobj, "ResultPath", &cloc);
            if let Some(next) = next {
                out.push(Catcher {
                    error_equals,
                    next,
                    result_path,
                    assign: self.assign(cobj, &cloc, ql),
                    output: self.jsonata(cobj, "Output", &cloc),
                });
            }
        }
        out
    }

    fn error_equals(&mut self, obj: &Map<String, Value>, loc: &str, last: bool) -> Vec<String> {
        let list: Vec<String> = match obj.get("ErrorEquals") {
            Some(Value::Array(items)) if !items.is_empty() && items.iter().all(Value::is_string) => {
                items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()
            }
            Some(_) => {
                self.diags.push(Diagnostic::schema(
                    "The value for the field 'ErrorEquals' must be a non-empty ARRAY of STRINGs",
                    format!("{loc}/ErrorEquals"),
                ));
                return Vec::new();
            }
            None => {
                self.diags
                    .push(Diagnostic::schema("These fields are required: [ErrorEquals]", loc));
                return Vec::new();
            }
        };
        if list.iter().any(|e| e == crate::error::names::ALL) && (list.len() != 1 || !last) {
            self.diags.push(Diagnostic::schema(
                "States.ALL must appear alone in ErrorEquals and in the last Retrier or Catcher",
                format!("{loc}/ErrorEquals"),
            ));
        }
        list
    }

    fn transition(&mut self, obj: &Map<String, Value>, loc: &str, index: &HashMap<String, StateId>) -> Transition {
        match (obj.get("Next"), obj.get("End")) {
            (Some(Value::String(n)), None) => self
                .target(n, &format!("{loc}/Next"), index)
                .map(Transition::Next)
                .unwrap_or(Transition::End),
            (None, Some(Value::Bool(true))) => Transition::End,
            (Some(_), Some(_)) => {
                self.diags.push(Diagnostic::schema(
                    "Only one of these fields is allowed: [Next, End]",
                    loc,
                ));
                Transition::End
            }
            (Some(_), None) => {
                self.diags.push(Diagnostic::schema(
                    "The value for the field 'Next' must be a STRING",
                    format!("{loc}/Next"),
                ));
                Transition::End
            }
            (None, Some(_)) => {
                self.diags.push(Diagnostic::schema(
                    "The value for the field 'End' must be true",
                    format!("{loc}/End"),
                ));
                Transition::End
            }
            (None, None) => {
                self.diags.push(Diagnostic::schema(
                    "Exactly one of these fields is required: [Next, End]",
                    loc,
                ));
                Transition::End
            }
        }
    }

    fn target(&mut self, name: &str, loc: &str, index: &HashMap<String, StateId>) -> Option<StateId> {
        match index.get(name) {
            Some(id) => Some(*id),
            None => {
                let field = loc.rsplit('/').next().unwrap_or("Next");
                self.diags.push(Diagnostic::new(
                    "MISSING_TRANSITION_TARGET",
                    format!("Missing '{field}' target: {name}"),
                    loc,
                ));
                None
            }
        }
    }

    fn assign(&mut self, obj: &Map<String, Value>, loc: &str, ql: QueryLanguage) -> Option<Assign> {
        let v = obj.get("Assign")?;
        let aloc = format!("{loc}/Assign");
        let Some(fields) = v.as_object() else {
            self.diags.push(Diagnostic::schema(
                "The value for the field 'Assign' must be an OBJECT",
                aloc,
            ));
            return None;
        };
        for name in fields.keys() {
            let var = name
                .strip_suffix(".$")
                .filter(|_| ql == QueryLanguage::JsonPath)
                .unwrap_or(name);
            if !valid_variable_name(var) {
                self.diags.push(Diagnostic::schema(
                    format!("The variable name '{var}' is not valid"),
                    aloc.clone(),
                ));
            }
        }
        Some(match ql {
            QueryLanguage::JsonPath => Assign::JsonPath(Template::compile(v, &aloc, &mut self.diags)),
            QueryLanguage::Jsonata => Assign::Jsonata(self.jsonata_value(v, &aloc)),
        })
    }

    /// A JSONata-language field, compiled; a bad expression is a diagnostic.
    fn jsonata(&mut self, obj: &Map<String, Value>, key: &str, loc: &str) -> Option<JTemplate> {
        let v = obj.get(key)?;
        Some(self.jsonata_value(v, &format!("{loc}/{key}")))
    }

    fn jsonata_value(&mut self, v: &Value, loc: &str) -> JTemplate {
        match JTemplate::compile(v) {
            Ok(t) => t,
            Err(e) => {
                self.diags
                    .push(Diagnostic::schema(e.to_string(), format!("{loc}{}", e.path)));
                JTemplate::Const(Value::Null)
            }
        }
    }

    fn template(&mut self, obj: &Map<String, Value>, key: &str, loc: &str) -> Option<Template> {
        let v = obj.get(key)?;
        Some(Template::compile(v, &format!("{loc}/{key}"), &mut self.diags))
    }

    fn opt_path(&mut self, obj: &Map<String, Value>, key: &str, loc: &str) -> OptPath {
        match obj.get(key) {
            None => OptPath::Identity,
            Some(Value::Null) => OptPath::Null,
            Some(v) => match self.path_field(v, key, loc) {
                Some(p) if key == "ResultPath" && !p.is_reference() => {
                    self.diags.push(Diagnostic::schema(
                        format!("The value for the field '{key}' must be a valid Reference Path"),
                        loc,
                    ));
                    OptPath::Identity
                }
                Some(p) => OptPath::Path(p),
                None => OptPath::Identity,
            },
        }
    }

    fn path_field(&mut self, v: &Value, key: &str, loc: &str) -> Option<Path> {
        match v.as_str().map(Path::parse) {
            Some(Ok(p)) => Some(p),
            _ => {
                self.diags.push(Diagnostic::schema(
                    format!("The value for the field '{key}' must be a valid JSONPath"),
                    loc,
                ));
                None
            }
        }
    }

    fn opt_string(&mut self, obj: &Map<String, Value>, key: &str, loc: &str) -> Option<String> {
        match obj.get(key) {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.diags.push(Diagnostic::schema(
                    format!("The value for the field '{key}' must be a STRING"),
                    at(loc),
                ));
                None
            }
        }
    }

    fn positive_int(&mut self, v: &Value, key: &str, loc: &str, min: u64, max: u64) -> Option<u64> {
        match v.as_u64() {
            Some(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                self.diags.push(Diagnostic::schema(
                    format!("The value for the field '{key}' must be an INTEGER between {min} and {max}"),
                    format!("{}/{key}", loc.trim_end_matches('/')),
                ));
                None
            }
        }
    }

    fn query_language(&mut self, v: &Value, loc: &str) -> Option<QueryLanguage> {
        match v.as_str() {
            Some("JSONPath") => Some(QueryLanguage::JsonPath),
            Some("JSONata") => Some(QueryLanguage::Jsonata),
            _ => {
                self.diags.push(Diagnostic::schema(
                    "The field 'QueryLanguage' should have one of these values: [JSONPath, JSONata]",
                    loc,
                ));
                None
            }
        }
    }
}

/// Variable names: a letter or `_` first, then letters, digits and `_`, at most 80 long.
fn valid_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
        && name.chars().count() <= 80
}

/// `""` (the top level) is shown as `/`.
fn at(loc: &str) -> String {
    if loc.is_empty() {
        "/".to_string()
    } else {
        loc.to_string()
    }
}

/// A JSONata expression string `{% … %}`.
pub(crate) fn is_jsonata(v: &Value) -> bool {
    v.as_str().is_some_and(crate::jsonata::is_expression)
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
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        StateMachine::parse(text).unwrap_err().to_string()
    }

    #[test]
    fn missing_states() {
        assert_eq!(
            err(r#"{"Comment":"x","StartAt":"State_1"}"#),
            "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /'"
        );
    }

    #[test]
    fn missing_target_and_unreachable() {
        assert_eq!(
            err(
                r#"{"StartAt":"pass1","States":{"pass1":{"Type":"Pass","Next":"pass3"},"pass2":{"Type":"Pass","End":true}}}"#
            ),
            "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next, MISSING_TRANSITION_TARGET: State \"pass2\" is not reachable. at /States/pass2'"
        );
    }

    #[test]
    fn no_terminal_state() {
        assert_eq!(
            err(r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"}}}"#),
            "Invalid State Machine Definition: 'MISSING_END_STATE: Workflow has no terminal state at null'"
        );
    }

    #[test]
    fn field_not_supported() {
        assert_eq!(
            err(r#"{"StartAt":"M","States":{"M":{"Type":"Pass","TimeoutSeconds":3,"End":true}}}"#),
            "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Field 'TimeoutSeconds' is not supported at /States/M'"
        );
    }

    #[test]
    fn nested_blocks_are_flat() {
        let sm = StateMachine::parse(
            r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
                {"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},
                {"StartAt":"B","States":{"B":{"Type":"Succeed"}}}]}}}"#,
        )
        .unwrap();
        assert_eq!(sm.blocks.len(), 3);
        assert_eq!(sm.block(BlockId(2)).states[0].name, "B");
    }
}
