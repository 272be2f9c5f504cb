//! Wait: a timer until a number of seconds or a timestamp.
//!
//! One flow for both query languages: the instant the timer fires is read from the state's
//! field by the evaluator of its kind; then the state's output is made (JSONPath: `Assign`
//! and OutputPath; JSONata: `Assign` and `Output`) before the thread parks.

use asl::definition::*;
use asl::error::{StatesError, names};
use asl::path::Path;
use serde_json::Value;

use crate::command::Command;
use crate::execution::Execution;
use crate::execution::jsonata::{Extra, unexpected};
use crate::execution::limits::after_seconds;
use crate::execution::states::render_plain;
use crate::execution::thread::{Flow, Phase, ThreadId};

impl Execution {
    /// Runs a Wait state: when it ends, its output, then the timer.
    pub(super) fn exec_wait(&mut self, tid: ThreadId, st: &State, w: &Wait) -> Flow {
        let r = self.wait_flow(tid, st, w);
        self.or_runtime_error(tid, r)
    }

    fn wait_flow(&mut self, tid: ThreadId, st: &State, w: &Wait) -> Result<Flow, StatesError> {
        let ql = st.query_language;
        match ql {
            QueryLanguage::JsonPath => {
                let effective = self.input_path(tid, st)?;
                let fire_at = self.wait_until(tid, ql, w, &effective)?;
                self.eval_assign(tid, &[&st.assign], &effective)?;
                let output = self.output_path(tid, st, effective)?;
                Ok(self.arm_wait(tid, fire_at, output, w.next))
            }
            QueryLanguage::Jsonata => {
                let fire_at = self.wait_until(tid, ql, w, &Value::Null)?;
                let Flow::Exit { output, to } = self.finish_jsonata(tid, st, None, w.next) else {
                    return Ok(Flow::Park);
                };
                Ok(self.arm_wait(tid, fire_at, output, to))
            }
        }
    }

    /// When the timer fires (ms since the epoch). `effective` is `$` of the `…Path` fields
    /// (JSONPath). A form the query language does not read waits for nothing (a path under
    /// JSONata) or is an error (an expression under JSONPath).
    fn wait_until(
        &mut self,
        tid: ThreadId,
        ql: QueryLanguage,
        w: &Wait,
        effective: &Value,
    ) -> Result<i64, StatesError> {
        let now = self.now_ms;
        Ok(match (&w.wait, ql) {
            (WaitFor::Seconds(s), _) => after_seconds(now, *s),
            (WaitFor::Timestamp(ts), _) => asl::timestamp::parse_rfc3339(ts)
                .map(|t| t.unix_millis())
                .unwrap_or(now),
            (WaitFor::SecondsPath(path), QueryLanguage::JsonPath) => self.seconds_at_path(tid, path, effective)?,
            (WaitFor::TimestampPath(path), QueryLanguage::JsonPath) => self.timestamp_at_path(tid, path, effective)?,
            (WaitFor::SecondsPath(_) | WaitFor::TimestampPath(_), QueryLanguage::Jsonata) => now,
            (WaitFor::SecondsExpr(_) | WaitFor::TimestampExpr(_), QueryLanguage::JsonPath) => {
                return Err(StatesError::runtime("JSONata expressions are not supported yet"));
            }
            (WaitFor::SecondsExpr(tpl), QueryLanguage::Jsonata) => {
                let v = self.eval_j(tid, tpl, "Seconds", Extra::default())?;
                match v.as_u64() {
                    Some(s) => after_seconds(now, s),
                    None => return Err(unexpected(tpl, "Seconds", "integer", &v)),
                }
            }
            (WaitFor::TimestampExpr(tpl), QueryLanguage::Jsonata) => {
                let v = self.eval_j(tid, tpl, "Timestamp", Extra::default())?;
                match v.as_str().and_then(asl::timestamp::parse_rfc3339) {
                    Some(t) => t.unix_millis(),
                    None => {
                        return Err(StatesError::new(
                            names::QUERY_EVALUATION_ERROR,
                            format!(
                                "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {}",
                                render_plain(&v)
                            ),
                        )
                        .at("Timestamp"));
                    }
                }
            }
        })
    }

    /// JSONPath `SecondsPath`: a non-negative whole number of seconds from now.
    fn seconds_at_path(&mut self, tid: ThreadId, path: &Path, effective: &Value) -> Result<i64, StatesError> {
        let p = path.as_str();
        match self.with_env(tid, effective, |env| env.select(path).map(|v| v.into_owned())) {
            Err(_) => Err(StatesError::runtime(format!(
                "The SecondsPath parameter does not reference an input value: {p}"
            ))),
            Ok(Value::Number(n)) => {
                if let Some(s) = n.as_i64() {
                    if s < 0 {
                        return Err(StatesError::runtime(format!(
                            "The SecondsPath parameter references a negative value: {p} == {s}"
                        )));
                    }
                    Ok(after_seconds(self.now_ms, s as u64))
                } else if let Some(s) = n.as_u64() {
                    Ok(after_seconds(self.now_ms, s))
                } else {
                    Err(StatesError::runtime(format!(
                        "The SecondsPath parameter cannot be parsed as a long value: {p} == {n}"
                    )))
                }
            }
            Ok(other) => Err(StatesError::runtime(format!(
                "The SecondsPath parameter cannot be parsed as a long value: {p} == {}",
                render_plain(&other)
            ))),
        }
    }

    /// JSONPath `TimestampPath`: an RFC 3339 timestamp.
    fn timestamp_at_path(&mut self, tid: ThreadId, path: &Path, effective: &Value) -> Result<i64, StatesError> {
        let p = path.as_str();
        match self.with_env(tid, effective, |env| env.select(path).map(|v| v.into_owned())) {
            Err(_) => Err(StatesError::runtime(format!(
                "The TimestampPath parameter does not reference an input value: {p}"
            ))),
            Ok(v) => match v.as_str().and_then(asl::timestamp::parse_rfc3339) {
                Some(t) => Ok(t.unix_millis()),
                None => Err(StatesError::runtime(format!(
                    "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {p} == {}",
                    render_plain(&v)
                ))),
            },
        }
    }

    /// Parks the thread until `fire_at`, then leaves the Wait state with `output`.
    fn arm_wait(&mut self, tid: ThreadId, fire_at: i64, output: Value, to: Transition) -> Flow {
        let id = self.command_id();
        self.pending.insert(id, tid);
        self.commands.push_back(Command::StartTimer {
            id,
            fire_at_ms: fire_at,
        });
        self.thread(tid).phase = Phase::WaitTimer { output, to };
        Flow::Park
    }
}
