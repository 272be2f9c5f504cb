//! Where a call stops: the step budget, and the driver's clock.
//!
//! A driver that must stay responsive runs a long computation in slices: a call that ends
//! its slice with work still ready reports [`Progress::Yielded`](super::Progress) and
//! [`Input::Continue`](crate::Input) picks up where it stopped. A slice ends after the
//! step budget's number of states, or earlier when the driver's [`SliceTimer`] says the
//! slice has run long enough — the budget alone lets a slice of slow states (a JSONata
//! expression over a large range in every state) hold back a stop or a time-out for
//! seconds.
//!
//! The engine reads no clock: the timer is the driver's, and the engine only asks it,
//! once per state entered. Where the timer cut a slice is reported
//! ([`Execution::take_cut`]) for a durable driver to journal with the step, and a replay is
//! told to cut the same call at the same count ([`Execution::replay_cut`]) with no timer, so
//! the pauses — and what arrived between them — replay where they were.

use super::Execution;

/// The driver's clock for slices.
pub trait SliceTimer: Send {
    /// A call begins its slice.
    fn start(&mut self);
    /// Whether the slice has run long enough (asked before each state after the first).
    fn expired(&mut self) -> bool;
}

#[derive(Default)]
pub(super) struct Slicing {
    /// The most states one call may enter ([`Execution::set_step_budget`]).
    budget: Option<u64>,
    timer: Option<Box<dyn SliceTimer>>,
    /// The transition count at which the current call began, and at which it yields.
    began: u64,
    end: Option<u64>,
    /// The current call ends where a replayed journal says it was cut (no timer).
    replayed: bool,
    /// Set for the next call by [`Execution::replay_cut`].
    replay_next: Option<u64>,
    /// How many states the last call entered when its timer cut it.
    cut: Option<u64>,
}

impl Slicing {
    /// A call begins at `transitions`, bounded to `budget` states (`None`: the step budget).
    pub(super) fn begin(&mut self, transitions: u64, budget: Option<u64>) {
        self.began = transitions;
        self.cut = None;
        self.replayed = false;
        let budget = match self.replay_next.take() {
            Some(n) => {
                self.replayed = true;
                Some(n)
            }
            None => budget.or(self.budget),
        };
        self.end = budget.map(|n| transitions.saturating_add(n.max(1)));
        if !self.replayed
            && let Some(t) = self.timer.as_mut()
        {
            t.start();
        }
    }

    /// Whether the call stops before entering another state, at `transitions`.
    pub(super) fn stops_at(&mut self, transitions: u64) -> bool {
        if self.end.is_some_and(|end| transitions >= end) {
            return true;
        }
        if self.replayed || transitions == self.began {
            return false;
        }
        let expired = self.timer.as_mut().is_some_and(|t| t.expired());
        if expired {
            self.cut = Some(transitions - self.began);
        }
        expired
    }
}

impl Execution {
    /// Bounds every later call of [`Execution::start`] and [`Execution::handle`] to
    /// entering `transitions` states (`None`: no bound). Counting transitions keeps the
    /// pauses where a replay under the same budget puts them.
    pub fn set_step_budget(&mut self, transitions: Option<u64>) {
        self.slicing.budget = transitions;
    }

    /// Lets `timer` end a call's slice early (see the module's doc); `None` removes it.
    pub fn set_slice_timer(&mut self, timer: Option<Box<dyn SliceTimer>>) {
        self.slicing.timer = timer;
    }

    /// How many states the last call entered, when the slice timer ended it (`None` when
    /// the call ended otherwise). A durable driver journals it with the step.
    pub fn take_cut(&mut self) -> Option<u64> {
        self.slicing.cut.take()
    }

    /// Replaying: the next call ends after `states` states, as the journaled one did
    /// when its timer cut it, and asks no timer.
    pub fn replay_cut(&mut self, states: u64) {
        self.slicing.replay_next = Some(states);
    }
}
