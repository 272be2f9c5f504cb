//! The resume guard: an execution that kills the process is not resumed for ever.
//!
//! A Standard execution whose computation crashes the server (runs it out of memory, hits
//! a bug that aborts) would otherwise be resumed at every start and crash it again. So the
//! store counts, per execution, the processes that died while it was *unsettled*:
//!
//! - before a replay the runtime marks it (`Store::mark_unsettled`, durable), and a live
//!   execution is marked once it computes past its first slice;
//! - once it waits for the world (a timer, a task) or ends, the mark is cleared
//!   (`Store::settle`, or the commit of its end).
//!
//! A mark found at the next start therefore means a process died while the execution was
//! resuming or computing. After [`MAX_DEATHS`] of them the execution is failed with
//! `States.Runtime` and a cause that says why, and logged at error level, instead of being
//! resumed a third time. A parked execution (an hour's Wait) is marked and cleared again at
//! each start, so it survives any number of restarts, however they end.

use crate::replay::Unreplayable;

/// How many deaths while resuming or computing an execution survives.
pub(crate) const MAX_DEATHS: u32 = 2;

/// Refuses to resume an execution during which the process died [`MAX_DEATHS`] times.
pub(crate) fn check(deaths: u32) -> Result<(), Unreplayable> {
    if deaths >= MAX_DEATHS {
        Err(Unreplayable::Crashed { deaths })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_death_stops_the_resuming() {
        assert!(check(0).is_ok());
        assert!(check(1).is_ok());
        let why = check(2).unwrap_err();
        assert!(why.to_string().contains("died 2 times"), "{why}");
    }
}
