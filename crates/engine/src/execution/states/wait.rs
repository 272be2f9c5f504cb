//! Wait: a timer until a number of seconds or a timestamp.

use asl::definition::*;
use asl::error::{StatesError, names};
use serde_json::Value;

use crate::command::Command;
use crate::execution::Execution;
use crate::execution::jsonata::{Extra, unexpected};
use crate::execution::states::render_plain;
use crate::execution::thread::{Flow, Phase, ThreadId};

impl Execution {
    /// Runs a Wait state in its query language.
    pub(super) fn exec_wait(&mut self, tid: ThreadId, st: &State, w: &Wait) -> Flow {
        match st.query_language {
            QueryLanguage::JsonPath => self.wait_jsonpath(tid, st, w),
            QueryLanguage::Jsonata => {
                let r = self.wait_jsonata(tid, st, w);
                self.or_runtime_error(tid, r)
            }
        }
    }

    fn wait_jsonpath(&mut self, tid: ThreadId, st: &State, w: &Wait) -> Flow {
        let effective = match self.input_path(tid, st) {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        let now = self.now_ms;
        let fire_at = match &w.wait {
            WaitFor::Seconds(s) => now + (*s as i64) * 1000,
            WaitFor::Timestamp(ts) => asl::timestamp::parse_rfc3339(ts)
                .map(|t| t.unix_millis())
                .unwrap_or(now),
            WaitFor::SecondsPath(path) => {
                let p = path.as_str();
                match self.with_env(tid, &effective, |env| env.select(path).map(|v| v.into_owned())) {
                    Err(_) => {
                        return self.runtime_error(
                            tid,
                            StatesError::runtime(format!(
                                "The SecondsPath parameter does not reference an input value: {p}"
                            )),
                        );
                    }
                    Ok(Value::Number(n)) => {
                        if let Some(s) = n.as_i64() {
                            if s < 0 {
                                return self.runtime_error(
                                    tid,
                                    StatesError::runtime(format!(
                                        "The SecondsPath parameter references a negative value: {p} == {s}"
                                    )),
                                );
                            }
                            now + s * 1000
                        } else if n.as_u64().is_some() {
                            i64::MAX
                        } else {
                            return self.runtime_error(
                                tid,
                                StatesError::runtime(format!(
                                    "The SecondsPath parameter cannot be parsed as a long value: {p} == {n}"
                                )),
                            );
                        }
                    }
                    Ok(other) => {
                        return self.runtime_error(
                            tid,
                            StatesError::runtime(format!(
                                "The SecondsPath parameter cannot be parsed as a long value: {p} == {}",
                                render_plain(&other)
                            )),
                        );
                    }
                }
            }
            WaitFor::TimestampPath(path) => {
                let p = path.as_str();
                match self.with_env(tid, &effective, |env| env.select(path).map(|v| v.into_owned())) {
                    Err(_) => {
                        return self.runtime_error(
                            tid,
                            StatesError::runtime(format!(
                                "The TimestampPath parameter does not reference an input value: {p}"
                            )),
                        );
                    }
                    Ok(v) => match v.as_str().and_then(asl::timestamp::parse_rfc3339) {
                        Some(t) => t.unix_millis(),
                        None => {
                            return self.runtime_error(
                                tid,
                                StatesError::runtime(format!(
                                    "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {p} == {}",
                                    render_plain(&v)
                                )),
                            );
                        }
                    },
                }
            }
            WaitFor::SecondsExpr(_) | WaitFor::TimestampExpr(_) => {
                return self.runtime_error(tid, StatesError::runtime("JSONata expressions are not supported yet"));
            }
        };
        if let Err(e) = self.eval_assign(tid, &[&st.assign], &effective) {
            return self.runtime_error(tid, e);
        }
        let output = match self.output_path(tid, st, effective) {
            Ok(v) => v,
            Err(e) => return self.runtime_error(tid, e),
        };
        self.arm_wait(tid, fire_at, output, w.next)
    }

    /// Parks the thread until `fire_at`, then leaves the Wait state with `output`.
    pub(in crate::execution) fn arm_wait(
        &mut self,
        tid: ThreadId,
        fire_at: i64,
        output: Value,
        to: Transition,
    ) -> Flow {
        let id = self.command_id();
        self.pending.insert(id, tid);
        self.commands.push_back(Command::StartTimer {
            id,
            fire_at_ms: fire_at,
        });
        self.thread(tid).phase = Phase::WaitTimer { output, to };
        Flow::Park
    }

    fn wait_jsonata(&mut self, tid: ThreadId, st: &State, w: &Wait) -> Result<Flow, StatesError> {
        let now = self.now_ms;
        let fire_at = match &w.wait {
            WaitFor::Seconds(s) => now + (*s as i64) * 1000,
            WaitFor::SecondsExpr(tpl) => {
                let v = self.eval_j(tid, tpl, "Seconds", Extra::default())?;
                match v.as_u64() {
                    Some(s) => now + (s.min(99_999_999) as i64) * 1000,
                    None => return Err(unexpected(tpl, "Seconds", "integer", &v)),
                }
            }
            WaitFor::Timestamp(ts) => asl::timestamp::parse_rfc3339(ts)
                .map(|t| t.unix_millis())
                .unwrap_or(now),
            WaitFor::TimestampExpr(tpl) => {
                let v = self.eval_j(tid, tpl, "Timestamp", Extra::default())?;
                match v.as_str().and_then(asl::timestamp::parse_rfc3339) {
                    Some(t) => t.unix_millis(),
                    None => {
                        let shown = match &v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        return Err(StatesError::new(
                            names::QUERY_EVALUATION_ERROR,
                            format!(
                                "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {shown}"
                            ),
                        )
                        .at("Timestamp"));
                    }
                }
            }
            WaitFor::SecondsPath(_) | WaitFor::TimestampPath(_) => now,
        };
        let Flow::Exit { output, to } = self.finish_jsonata(tid, st, None, w.next) else {
            return Ok(Flow::Park);
        };
        Ok(self.arm_wait(tid, fire_at, output, to))
    }
}
