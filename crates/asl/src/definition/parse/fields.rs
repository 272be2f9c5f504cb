//! Fields shared by several state types: transitions, paths, templates, numbers,
//! `Assign`, JSONata expressions.

use super::*;

/// Which of a field pair `X` / `XPath` a state gives.
pub(super) enum Given<'v> {
    Value(&'v Value),
    Path(&'v Value),
}

impl Parser {
    /// The field `key` or its `path_key` twin, which exclude each other: both is a
    /// diagnostic (and neither is taken), neither is `None`.
    pub(super) fn value_or_path<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        key: &str,
        path_key: &str,
        loc: &str,
    ) -> Option<Given<'v>> {
        match (obj.get(key), obj.get(path_key)) {
            (Some(_), Some(_)) => {
                self.diags.push(Diagnostic::schema(
                    format!("Only one of these fields is allowed: [{key}, {path_key}]"),
                    loc,
                ));
                None
            }
            (Some(v), None) => Some(Given::Value(v)),
            (None, Some(v)) => Some(Given::Path(v)),
            (None, None) => None,
        }
    }

    pub(super) fn number_or_path(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        loc: &str,
        ql: QueryLanguage,
    ) -> Option<NumberOrPath> {
        let path_key = format!("{key}Path");
        match self.value_or_path(obj, key, &path_key, loc) {
            Some(Given::Value(v)) => match v {
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
            Some(Given::Path(v)) => self.path_field(v, &path_key, loc).map(NumberOrPath::Path),
            None => None,
        }
    }

    pub(super) fn seconds(&mut self, obj: &Map<String, Value>, key: &str, loc: &str) -> Option<Seconds> {
        let path_key = format!("{key}Path");
        match self.value_or_path(obj, key, &path_key, loc) {
            Some(Given::Value(v)) if is_jsonata(v) => {
                Some(Seconds::Expr(self.jsonata_value(v, &format!("{loc}/{key}"))))
            }
            Some(Given::Value(v)) => self.positive_int(v, key, loc, 1, 99_999_999).map(Seconds::Fixed),
            Some(Given::Path(v)) => self.path_field(v, &path_key, loc).map(Seconds::Path),
            None => None,
        }
    }

    pub(super) fn transition(
        &mut self,
        obj: &Map<String, Value>,
        loc: &str,
        index: &HashMap<String, StateId>,
    ) -> Transition {
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

    pub(super) fn target(&mut self, name: &str, loc: &str, index: &HashMap<String, StateId>) -> Option<StateId> {
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

    pub(super) fn assign(&mut self, obj: &Map<String, Value>, loc: &str, ql: QueryLanguage) -> Option<Assign> {
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
    pub(super) fn jsonata(&mut self, obj: &Map<String, Value>, key: &str, loc: &str) -> Option<JTemplate> {
        let v = obj.get(key)?;
        Some(self.jsonata_value(v, &format!("{loc}/{key}")))
    }

    pub(super) fn jsonata_value(&mut self, v: &Value, loc: &str) -> JTemplate {
        match JTemplate::compile(v) {
            Ok(t) => t,
            Err(e) => {
                self.diags
                    .push(Diagnostic::schema(e.to_string(), format!("{loc}{}", e.path)));
                JTemplate::Const(Value::Null)
            }
        }
    }

    pub(super) fn template(&mut self, obj: &Map<String, Value>, key: &str, loc: &str) -> Option<Template> {
        let v = obj.get(key)?;
        Some(Template::compile(v, &format!("{loc}/{key}"), &mut self.diags))
    }

    pub(super) fn opt_path(&mut self, obj: &Map<String, Value>, key: &str, loc: &str) -> OptPath {
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

    pub(super) fn path_field(&mut self, v: &Value, key: &str, loc: &str) -> Option<Path> {
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

    pub(super) fn opt_string(&mut self, obj: &Map<String, Value>, key: &str, loc: &str) -> Option<String> {
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

    pub(super) fn positive_int(&mut self, v: &Value, key: &str, loc: &str, min: u64, max: u64) -> Option<u64> {
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

    /// Range checks on a Map state's counts given as numbers: the tolerated failures and the
    /// ItemBatcher's sizes (a batch's input is limited like any payload, 256 KiB). The `…Path`
    /// forms are checked when they are read.
    pub(super) fn map_ranges(
        &mut self,
        loc: &str,
        count: &Option<NumberOrPath>,
        percentage: &Option<NumberOrPath>,
        batcher: Option<&Value>,
    ) {
        if let Some(NumberOrPath::Fixed(n)) = count
            && (*n < 0.0 || n.fract() != 0.0 || *n > i32::MAX as f64)
        {
            self.diags.push(Diagnostic::schema(
                "The value for the field 'ToleratedFailureCount' must be a non-negative integer",
                format!("{loc}/ToleratedFailureCount"),
            ));
        }
        if let Some(NumberOrPath::Fixed(n)) = percentage
            && !(0.0..=100.0).contains(n)
        {
            self.diags.push(Diagnostic::schema(
                "The value for the field 'ToleratedFailurePercentage' must be a number between 0 and 100",
                format!("{loc}/ToleratedFailurePercentage"),
            ));
        }
        let Some(Value::Object(b)) = batcher else { return };
        let bloc = format!("{loc}/ItemBatcher");
        if let Some(v) = b.get("MaxItemsPerBatch").filter(|v| !is_jsonata(v)) {
            self.positive_int(v, "MaxItemsPerBatch", &bloc, 1, i32::MAX as u64);
        }
        if let Some(v) = b.get("MaxInputBytesPerBatch").filter(|v| !is_jsonata(v)) {
            self.positive_int(v, "MaxInputBytesPerBatch", &bloc, 1, 262_144);
        }
    }

    pub(super) fn query_language(&mut self, v: &Value, loc: &str) -> Option<QueryLanguage> {
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
pub(super) fn valid_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
        && name.chars().count() <= 80
}

/// `""` (the top level) is shown as `/`.
pub(super) fn at(loc: &str) -> String {
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
