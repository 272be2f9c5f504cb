//! `Retry` and `Catch`: the error handlers of Task, Parallel and Map.

use super::*;

impl Parser {
    pub(super) fn retriers(&mut self, obj: &Map<String, Value>, loc: &str) -> Vec<Retrier> {
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

    pub(super) fn catchers(
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

    pub(super) fn error_equals(&mut self, obj: &Map<String, Value>, loc: &str, last: bool) -> Vec<String> {
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
}
