//! One parser per state type: Task, Choice, Wait, Fail, Parallel, Map.

use super::*;
use crate::intrinsics::Intrinsic;

impl Parser {
    pub(super) fn task(
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

    pub(super) fn choice(
        &mut self,
        obj: &Map<String, Value>,
        loc: &str,
        index: &HashMap<String, StateId>,
        ql: QueryLanguage,
    ) -> Choice {
        let mut choices = Vec::new();
        let list = ObjectList {
            key: "Choices",
            empty: "The field 'Choices' must contain at least one rule",
            not_array: "The value for the field 'Choices' must be an ARRAY",
            not_object: "A Choice rule must be a JSON object",
        };
        self.each_object(obj, loc, list, |this, robj, rloc| {
            let next = match robj.get("Next") {
                Some(Value::String(n)) => this.target(n, &format!("{rloc}/Next"), index),
                _ => {
                    this.diags
                        .push(Diagnostic::schema("These fields are required: [Next]", rloc));
                    None
                }
            };
            let rule = match ql {
                QueryLanguage::JsonPath => match ChoiceRule::parse(robj, rloc, true) {
                    Ok(r) => Some(Condition::Rule(r)),
                    Err(d) => {
                        this.diags.extend(d);
                        None
                    }
                },
                QueryLanguage::Jsonata => match robj.get("Condition") {
                    Some(c) => Some(Condition::Jsonata(this.jsonata_value(c, &format!("{rloc}/Condition")))),
                    None => {
                        this.diags
                            .push(Diagnostic::schema("These fields are required: [Condition]", rloc));
                        None
                    }
                },
            };
            if let (Some(rule), Some(next)) = (rule, next) {
                choices.push(ChoiceBranch {
                    rule,
                    next,
                    assign: this.assign(robj, rloc, ql),
                    output: this.jsonata(robj, "Output", rloc),
                });
            }
        });
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

    pub(super) fn wait(
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

    pub(super) fn fail_field(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        loc: &str,
        ql: QueryLanguage,
    ) -> Option<FailField> {
        let path_key = format!("{key}Path");
        match self.value_or_path(obj, key, &path_key, loc) {
            Some(Given::Value(v)) => match v {
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
            Some(Given::Path(v)) => match v.as_str() {
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
            None => None,
        }
    }

    pub(super) fn parallel(
        &mut self,
        obj: &Map<String, Value>,
        loc: &str,
        index: &HashMap<String, StateId>,
        ql: QueryLanguage,
        depth: usize,
    ) -> Parallel {
        let mut branches = Vec::new();
        let list = ObjectList {
            key: "Branches",
            empty: "The value for the field 'Branches' must be a non-empty ARRAY",
            not_array: "The value for the field 'Branches' must be a non-empty ARRAY",
            not_object: "A branch must be a JSON object",
        };
        self.each_object(obj, loc, list, |this, bobj, bloc| {
            this.check_block_fields(bobj, bloc);
            branches.push(this.block(bobj, bloc, ql, depth + 1));
        });
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

    /// Runs `each` on every element of the required, non-empty array field `list.key`, in
    /// order, with its location; an element that is not an object, an empty array, another
    /// value or an absent field is a diagnostic with `list`'s wording.
    fn each_object(
        &mut self,
        obj: &Map<String, Value>,
        loc: &str,
        list: ObjectList,
        mut each: impl FnMut(&mut Self, &Map<String, Value>, &str),
    ) {
        let key = list.key;
        match obj.get(key) {
            Some(Value::Array(elements)) if !elements.is_empty() => {
                for (i, element) in elements.iter().enumerate() {
                    let eloc = format!("{loc}/{key}/{i}");
                    match element.as_object() {
                        Some(eobj) => each(self, eobj, &eloc),
                        None => self.diags.push(Diagnostic::schema(list.not_object, eloc)),
                    }
                }
            }
            Some(Value::Array(_)) => self.diags.push(Diagnostic::schema(list.empty, format!("{loc}/{key}"))),
            Some(_) => self
                .diags
                .push(Diagnostic::schema(list.not_array, format!("{loc}/{key}"))),
            None => self
                .diags
                .push(Diagnostic::schema(format!("These fields are required: [{key}]"), loc)),
        }
    }

    pub(super) fn check_block_fields(&mut self, obj: &Map<String, Value>, loc: &str) {
        for key in obj.keys() {
            if !matches!(key.as_str(), "StartAt" | "States" | "Comment" | "ProcessorConfig") {
                self.diags
                    .push(Diagnostic::schema(format!("Field '{key}' is not supported"), at(loc)));
            }
        }
    }

    pub(super) fn map(
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
        let tolerated_failure_count = self.number_or_path(obj, "ToleratedFailureCount", loc, ql);
        let tolerated_failure_percentage = self.number_or_path(obj, "ToleratedFailurePercentage", loc, ql);
        self.map_ranges(
            loc,
            &tolerated_failure_count,
            &tolerated_failure_percentage,
            obj.get("ItemBatcher"),
        );
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
            tolerated_failure_count,
            tolerated_failure_percentage,
            label: self.opt_string(obj, "Label", loc),
            result_selector: self.template(obj, "ResultSelector", loc),
            result_path: self.opt_path(obj, "ResultPath", loc),
            retry: self.retriers(obj, loc),
            catch: self.catchers(obj, loc, index, ql),
            next: self.transition(obj, loc, index),
        }
    }
}

/// The wording of the diagnostics for an array-of-objects field (`Choices`, `Branches`).
struct ObjectList {
    key: &'static str,
    empty: &'static str,
    not_array: &'static str,
    not_object: &'static str,
}
