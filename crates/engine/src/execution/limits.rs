//! AWS's limits on what an execution keeps and waits for: workflow variables (256 KiB for the
//! assignments of one state, 10 MiB for all of them) and the longest timer. They bound the
//! memory an execution can hold and keep every time computation inside `i64`.

use asl::error::{StatesError, names};
use serde_json::{Map, Value};

use crate::execution::Execution;
use crate::execution::payload::{json_size, string_len, within_size};
use crate::execution::thread::{Assigned, ThreadId};

/// AWS: the combined size of all variables in one `Assign` field (so of each variable too).
pub const MAX_ASSIGN_BYTES: usize = 256 * 1024;

/// AWS: the total size of the variables an execution stores. Counted per scope: a Map
/// iteration or a Parallel branch sees a copy of its parent's variables plus its own.
pub const MAX_VARIABLES_BYTES: usize = 10 * 1024 * 1024;

/// The longest wait the definition validator accepts (`Seconds`, `TimeoutSeconds`,
/// `IntervalSeconds`: 99999999). A longer wait read at run time (`SecondsPath`, a retry
/// back-off that grew) is held to it: it still outlasts any execution (Standard: one year),
/// so the execution times out instead of the wait ending at once, and `now + wait` cannot
/// overflow.
pub const MAX_TIMER_SECONDS: u64 = 99_999_999;

/// The instant `secs` seconds after `now_ms`, with the wait held to [`MAX_TIMER_SECONDS`].
pub(super) fn after_seconds(now_ms: i64, secs: u64) -> i64 {
    now_ms.saturating_add(secs.min(MAX_TIMER_SECONDS) as i64 * 1000)
}

/// [`after_seconds`] for a fractional wait (a retry back-off); NaN and negatives wait for nothing.
pub(super) fn after_fractional_seconds(now_ms: i64, secs: f64) -> i64 {
    let capped = if secs.is_nan() || secs <= 0.0 {
        0.0
    } else {
        secs.min(MAX_TIMER_SECONDS as f64)
    };
    now_ms.saturating_add((capped * 1000.0) as i64)
}

/// The API's longest `error` (`SensitiveError`) and `cause` (`SensitiveCause`), in UTF-16
/// code units as the API counts them.
pub const MAX_ERROR_CHARS: usize = 256;
pub const MAX_CAUSE_CHARS: usize = 32_768;

/// Cuts `s` to at most `max` UTF-16 code units, on a character boundary. The history events
/// and `DescribeExecution` carry an error and a cause only within the API's limits, whatever
/// a Fail state's `CausePath` or a task's failure produced.
pub fn clip_utf16(s: &mut String, max: usize) {
    if s.len() <= max {
        return; // UTF-8 is never shorter than UTF-16 in code units.
    }
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max {
            s.truncate(i);
            return;
        }
    }
}

/// [`clip_utf16`] for an error name and a cause.
pub(super) fn clip_failure(error: &mut Option<String>, cause: &mut Option<String>) {
    if let Some(e) = error {
        clip_utf16(e, MAX_ERROR_CHARS);
    }
    if let Some(c) = cause {
        clip_utf16(c, MAX_CAUSE_CHARS);
    }
}

/// The compact size one variable takes in the execution's variables: `"name":value`.
fn entry_size(name: &str, v: &Value) -> usize {
    string_len(name) + 1 + json_size(v)
}

impl Execution {
    /// Checks a state's assignments against AWS's variable limits before they are kept, and
    /// keeps them for the state's exit with the size the thread's variables will then have.
    pub(super) fn check_assigned(&mut self, tid: ThreadId, assigned: Map<String, Value>) -> Result<(), StatesError> {
        // The assignments as one JSON object, measured without copying or serializing them.
        let mut size = 2 + assigned.len().saturating_sub(1);
        for (k, v) in &assigned {
            size += string_len(k) + 1;
            if size > MAX_ASSIGN_BYTES || !within_size(v, MAX_ASSIGN_BYTES - size) {
                return Err(self.variable_limit_error(tid, "the assigned variables", MAX_ASSIGN_BYTES));
            }
            size += json_size(v);
        }
        let vars_bytes = self.vars_bytes_after(tid, &assigned);
        if vars_bytes > MAX_VARIABLES_BYTES {
            return Err(self.variable_limit_error(tid, "the execution's variables", MAX_VARIABLES_BYTES));
        }
        self.thread(tid).assigned = Some(Assigned {
            vars: assigned,
            vars_bytes,
        });
        Ok(())
    }

    /// The size of the thread's variables once `assigned` takes effect.
    fn vars_bytes_after(&mut self, tid: ThreadId, assigned: &Map<String, Value>) -> usize {
        let t = self.thread(tid);
        let mut total = t.vars_bytes;
        for (k, v) in assigned {
            if let Some(old) = t.vars.get(k) {
                total = total.saturating_sub(entry_size(k, old));
            }
            total = total.saturating_add(entry_size(k, v));
        }
        total
    }

    fn variable_limit_error(&mut self, tid: ThreadId, what: &str, limit: usize) -> StatesError {
        let def = self.def.clone();
        let t = self.thread(tid);
        let name = &def.state(t.block, t.state).name;
        StatesError::new(
            names::DATA_LIMIT_EXCEEDED,
            format!(
                "The state/task '{name}' assigned variables whose size exceeds the maximum number of bytes service limit: {what} may take at most {limit} bytes."
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn timers_never_overflow() {
        for secs in [0, 1, MAX_TIMER_SECONDS, MAX_TIMER_SECONDS + 1, 1 << 62, u64::MAX] {
            for now in [0, 1_700_000_000_000, i64::MAX - 1, i64::MAX] {
                let at = after_seconds(now, secs);
                assert!(at >= now, "{now} + {secs}s");
                assert!(at - now <= MAX_TIMER_SECONDS as i64 * 1000);
            }
        }
        for secs in [f64::NAN, -1.0, 0.5, 1e300, f64::INFINITY] {
            let at = after_fractional_seconds(1_000, secs);
            assert!(
                (1_000..=1_000 + MAX_TIMER_SECONDS as i64 * 1000).contains(&at),
                "{secs}"
            );
        }
        assert_eq!(after_seconds(1_000, 2), 3_000);
        assert_eq!(after_fractional_seconds(1_000, 1.5), 2_500);
    }

    #[test]
    fn clipping_counts_utf16_units_and_keeps_characters_whole() {
        let cases: [(&str, usize, &str); 5] = [
            ("abc", 5, "abc"),
            ("abcdef", 3, "abc"),
            ("ééé", 2, "éé"),
            ("a😀b", 2, "a"),
            ("a😀b", 3, "a😀"),
        ];
        for (text, max, want) in cases {
            let mut s = text.to_owned();
            clip_utf16(&mut s, max);
            assert_eq!(s, want, "{text} to {max}");
        }
        let mut long = "x".repeat(300_000);
        clip_utf16(&mut long, MAX_CAUSE_CHARS);
        assert_eq!(long.len(), MAX_CAUSE_CHARS);
    }

    #[test]
    fn entry_size_is_the_serialized_member() {
        let v = json!({"a": [1, "x\"y"], "b": null});
        let text = serde_json::to_string(&json!({"name": v})).unwrap();
        assert_eq!(entry_size("name", &v), text.len() - 2);
    }
}
