//! JSONata's wall-clock limit made replay-safe.
//!
//! jsonata-core can only bound an evaluation by wall-clock time (see `asl::jsonata::Limits`),
//! so whether an evaluation near the limit finishes depends on the machine: a replay on a
//! loaded machine could fail where the first run passed, or the other way round, and the
//! regenerated history would diverge from the stored one. The outcome is therefore
//! journaled instead of recomputed: every evaluation that runs under the limit gets an
//! ordinal (one counter per execution, advanced in the deterministic order the threads
//! run in, so Map and Parallel children and TestState count too); a live run notes the
//! ordinals that ran out of time for the driver to journal with the step
//! ([`Execution::take_time_limit_hits`]); a replay is given them back
//! ([`Execution::replay_time_limits`]) and fails exactly those without evaluating, while
//! every other evaluation runs without a limit, since it finished the first time.
//!
//! JSONata's memory budget (`asl::jsonata::Limits::max_memory`) is journaled the same way,
//! in the same list: an evaluation that ran out of memory is noted as its ordinal with
//! [`MEMORY_HIT`] set, and a replay fails it with the memory-limit error without
//! evaluating. (Ordinals count evaluations, so they never reach that bit; journals written
//! before it existed hold plain ordinals, which still mean time-outs.) The budget itself
//! stays on during a replay.

use std::collections::BTreeSet;
use std::time::Duration;

use asl::jsonata::TimeLimit;

use super::Execution;

/// Marks a journaled ordinal as a memory-limit hit rather than a time-out.
pub(super) const MEMORY_HIT: u64 = 1 << 63;

/// The ordinals and outcomes of an execution's time-limited evaluations.
#[derive(Debug, Default)]
pub(super) struct TimeLimits {
    /// The ordinal of the next evaluation under the limit.
    next: u64,
    /// Live: the ordinals that ran out of time since the driver last took them.
    hits: Vec<u64>,
    /// Replaying: the ordinals that ran out of time on the first run.
    replaying: Option<BTreeSet<u64>>,
    /// A limit in place of the expressions' own (tests).
    within: Option<Duration>,
}

impl TimeLimits {
    /// Numbers the next evaluation and says how it is timed.
    pub(super) fn next(&mut self) -> TimeLimit {
        let ordinal = self.next;
        self.next += 1;
        match (&self.replaying, self.within) {
            (Some(hits), within) if hits.contains(&ordinal) => TimeLimit::Exceeded(within),
            (Some(hits), _) if hits.contains(&(ordinal | MEMORY_HIT)) => TimeLimit::OverBudget,
            (Some(_), _) => TimeLimit::Lifted,
            (None, Some(limit)) => TimeLimit::Within(limit),
            (None, None) => TimeLimit::Enforce,
        }
    }

    /// The evaluation numbered last ran out of time.
    pub(super) fn hit(&mut self) {
        if self.replaying.is_none() {
            self.hits.push(self.next - 1);
        }
    }

    /// The evaluation numbered last ran out of memory.
    pub(super) fn memory_hit(&mut self) {
        if self.replaying.is_none() {
            self.hits.push((self.next - 1) | MEMORY_HIT);
        }
    }
}

impl Execution {
    /// The ordinals of the JSONata evaluations that ran out of wall-clock time (or, with
    /// [`MEMORY_HIT`] set, out of memory) since the last call, for a durable driver to journal with the step that ran them (and give
    /// back to [`Execution::replay_time_limits`] on a replay).
    pub fn take_time_limit_hits(&mut self) -> Vec<u64> {
        std::mem::take(&mut self.time_limits.hits)
    }

    /// Replays the execution's journal from here on: the evaluations numbered in `hits`
    /// fail with the time-limit error without evaluating, all others run without a
    /// wall-clock limit. Call before [`Execution::start`]; [`Execution::end_replay`] goes
    /// back to live rules.
    pub fn replay_time_limits(&mut self, hits: impl IntoIterator<Item = u64>) {
        self.time_limits.replaying = Some(hits.into_iter().collect());
    }

    /// The journal is replayed: evaluations run under the wall-clock limit again.
    pub fn end_replay(&mut self) {
        self.time_limits.replaying = None;
    }

    /// Evaluates JSONata under `limit` instead of the expressions' own limit (5 s), so
    /// tests can run out of time quickly.
    #[doc(hidden)]
    pub fn set_jsonata_time_limit(&mut self, limit: Duration) {
        self.time_limits.within = Some(limit);
    }
}

#[cfg(test)]
mod tests;
