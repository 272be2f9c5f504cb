//! The resume guard: an execution that kills the process is not resumed for ever.
//!
//! A Standard execution whose computation crashes the server (runs it out of memory, hits
//! a bug that aborts) would otherwise be resumed at every start and crash it again. So the
//! store counts, per execution, the processes that died while it was *unsettled*
//! (`Store::mark_unsettled`, durable; migration 4):
//!
//! - a live execution is marked once it computes past its first slice;
//! - a resumed one is marked before it computes for the first time in the new process (its
//!   next slice, whatever input starts it), since what killed the last process was the
//!   work that followed its last committed slice, which is exactly what it does next;
//! - once it waits for the world (a timer, a task) the mark is cleared (`Store::settle`),
//!   and the commit of its end or of a redrive clears it too.
//!
//! The count a mark replaces is therefore how many processes died while the execution
//! was computing. At [`MAX_DEATHS`] the execution is failed with `States.Runtime` and a
//! cause that says why, and logged at error level, instead of being run a third time.
//!
//! The journal replay itself is not marked: it only re-runs slices that completed and were
//! committed, and marking before it would cost a commit per open execution at every start
//! (100,000 parked executions resume in seconds). A parked execution (an hour's Wait) is
//! not marked until its timer fires, so it survives any number of restarts, however they
//! end; a new execution that kills the process within its first slice is counted from its
//! first resumption on.

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
