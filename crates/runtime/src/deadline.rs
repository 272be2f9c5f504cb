//! The runtime's clock for slices: a slice ends once it has run [`SLICE_TIME`] (give or
//! take the state it is in), or at the engine's step budget, whichever comes first.
//!
//! The step budget alone bounds a slice by states, and 256 states that each evaluate
//! something heavy take seconds — seconds in which a stop, a time-out, a gone client or the
//! next execution waiting for the pool are not looked at. Where the timer ends a slice
//! depends on the machine, so the engine reports it and the actor journals it with the
//! step (`cut`); a replay ends the slice there without a timer (see the engine's
//! `slicing.rs`).

use std::time::{Duration, Instant};

use engine::{Execution, SliceTimer};

use crate::replay;

/// How long a slice runs at most, give or take the state it is in.
pub(crate) const SLICE_TIME: Duration = Duration::from_millis(20);

/// A slice's deadline, set when the slice begins.
pub(crate) struct Deadline {
    length: Duration,
    at: Option<Instant>,
}

impl Deadline {
    pub(crate) fn new(length: Duration) -> Deadline {
        Deadline { length, at: None }
    }
}

impl SliceTimer for Deadline {
    fn start(&mut self) {
        self.at = Some(Instant::now() + self.length);
    }

    fn expired(&mut self) -> bool {
        self.at.is_some_and(|at| Instant::now() >= at)
    }
}

/// The timer of a live execution's slices.
pub(crate) fn timer() -> Box<dyn SliceTimer> {
    Box::new(Deadline::new(SLICE_TIME))
}

/// Bounds a new execution's slices as the rules of `replay_version` do: executions
/// journaled unsliced (versions 1 and 2) stay so; the others get the step budget and the
/// timer. (A replay gets its timer only once its journal is fed: the journal's cuts place
/// the slices until then.)
pub(crate) fn pace(exec: &mut Execution, replay_version: u32) {
    let budget = replay::step_budget(replay_version);
    exec.set_step_budget(budget);
    if budget.is_some() {
        exec.set_slice_timer(Some(timer()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_expires_once_its_time_has_run_and_starts_afresh() {
        let mut d = Deadline::new(Duration::from_millis(30));
        assert!(!d.expired(), "not started");
        d.start();
        assert!(!d.expired());
        std::thread::sleep(Duration::from_millis(40));
        assert!(d.expired());
        d.start();
        assert!(!d.expired(), "a new slice, a new deadline");
    }
}
