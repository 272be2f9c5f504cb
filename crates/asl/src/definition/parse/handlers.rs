//! `Retry` and `Catch`: the error handlers of Task, Parallel and Map.

use super::*;

/// The two kinds of error handler, which share their list's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Handler {
    Retrier,
    Catcher,
}

impl Handler {
    /// The state field holding the list.
    fn field(self) -> &'static str {
        match self {
            Handler::Retrier => "Retry",
            Handler::Catcher => "Catch",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Handler::Retrier => "Retrier",
            Handler::Catcher => "Catcher",
        }
    }

    /// The fields a handler object may hold.
    fn fields(self) -> &'static [&'static str] {
        match self {
            Handler::Retrier => &[
                "ErrorEquals",
                "IntervalSeconds",
                "MaxAttempts",
                "BackoffRate",
                "MaxDelaySeconds",
                "JitterStrategy",
                "Comment",
            ],
            Handler::Catcher => &["ErrorEquals", "Next", "ResultPath", "Assign", "Output", "Comment"],
        }
    }
}

impl Parser {
    pub(super) fn retriers(&mut self, obj: &Map<String, Value>, loc: &str) -> Vec<Retrier> {
        let mut out = Vec::new();
        self.each_handler(obj, loc, Handler::Retrier, |this, robj, rloc, last| {
            let error_equals = this.error_equals(robj, rloc, last);
            let interval_seconds = match robj.get("IntervalSeconds") {
                Some(v) => this
                    .positive_int(v, "IntervalSeconds", rloc, 1, 99_999_999)
                    .unwrap_or(1),
                None => 1,
            };
            let max_attempts = match robj.get("MaxAttempts") {
                Some(v) => this.positive_int(v, "MaxAttempts", rloc, 0, 99_999_999).unwrap_or(3),
                None => 3,
            };
            let backoff_rate = match robj.get("BackoffRate") {
                Some(v) => match v.as_f64() {
                    Some(b) if b >= 1.0 => b,
                    _ => {
                        this.diags.push(Diagnostic::schema(
                            "The value for the field 'BackoffRate' must be a number greater than or equal to 1.0",
                            format!("{rloc}/BackoffRate"),
                        ));
                        2.0
                    }
                },
                None => 2.0,
            };
            let max_delay_seconds = match robj.get("MaxDelaySeconds") {
                Some(v) => this.positive_int(v, "MaxDelaySeconds", rloc, 1, 31_622_400),
                None => None,
            };
            let jitter = match robj.get("JitterStrategy") {
                None => Jitter::None,
                Some(Value::String(s)) if s == "NONE" => Jitter::None,
                Some(Value::String(s)) if s == "FULL" => Jitter::Full,
                Some(_) => {
                    this.diags.push(Diagnostic::schema(
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
        });
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
        self.each_handler(obj, loc, Handler::Catcher, |this, cobj, cloc, last| {
            let error_equals = this.error_equals(cobj, cloc, last);
            let next = match cobj.get("Next") {
                Some(Value::String(s)) => this.target(s, &format!("{cloc}/Next"), index),
                _ => {
                    this.diags
                        .push(Diagnostic::schema("These fields are required: [Next]", cloc));
                    None
                }
            };
            let result_path = this.opt_path(cobj, "ResultPath", cloc);
            if let Some(next) = next {
                out.push(Catcher {
                    error_equals,
                    next,
                    result_path,
                    assign: this.assign(cobj, cloc, ql),
                    output: this.jsonata(cobj, "Output", cloc),
                });
            }
        });
        out
    }

    /// Walks a `Retry` or `Catch` list: the list must be an array of objects holding only
    /// the handler's fields; `f` parses each object (with its location and whether it is the
    /// last), in order, so diagnostics come out item by item.
    fn each_handler(
        &mut self,
        obj: &Map<String, Value>,
        loc: &str,
        handler: Handler,
        mut f: impl FnMut(&mut Self, &Map<String, Value>, &str, bool),
    ) {
        let field = handler.field();
        let Some(v) = obj.get(field) else {
            return;
        };
        let Some(items) = v.as_array() else {
            self.diags.push(Diagnostic::schema(
                format!("The value for the field '{field}' must be an ARRAY"),
                format!("{loc}/{field}"),
            ));
            return;
        };
        let n = items.len();
        for (i, item) in items.iter().enumerate() {
            let iloc = format!("{loc}/{field}/{i}");
            let Some(iobj) = item.as_object() else {
                self.diags.push(Diagnostic::schema(
                    format!("A {} must be a JSON object", handler.noun()),
                    iloc,
                ));
                continue;
            };
            for key in iobj.keys() {
                if !handler.fields().contains(&key.as_str()) {
                    self.diags.push(Diagnostic::schema(
                        format!("Field '{key}' is not supported"),
                        iloc.clone(),
                    ));
                }
            }
            f(self, iobj, &iloc, i + 1 == n);
        }
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
