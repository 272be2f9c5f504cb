//! The writer thread and its group commit.
//!
//! One thread owns the connection that writes. Callers send it requests over a channel and
//! block on a reply channel of their own. The thread takes the first request, then every
//! other one that queued up meanwhile (typically while the previous commit was waiting for
//! its fsync), and runs them all in one transaction: each in a savepoint of its own, so a
//! request that fails (a name already taken, say) is rolled back alone and does not take
//! its neighbours with it. After the one `COMMIT` (one fsync of the WAL) every caller gets
//! its result. A caller is told `Ok` only once its writes are durable.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender};

use rusqlite::Connection;

use super::rows::Kind;
use crate::{Result, StoreError};

/// At most this many requests share a transaction (bounds the latency of the first one).
const MAX_GROUP: usize = 1024;

/// Counters of the writer thread, for benchmarks and diagnostics.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub transactions: AtomicU64,
    pub requests: AtomicU64,
}

/// A snapshot of the writer's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriterStats {
    /// Transactions committed (or attempted).
    pub transactions: u64,
    /// Requests run in them (writes, and reads of an in-memory store).
    pub requests: u64,
}

impl Counters {
    pub(crate) fn snapshot(&self) -> WriterStats {
        WriterStats {
            transactions: self.transactions.load(Ordering::Relaxed),
            requests: self.requests.load(Ordering::Relaxed),
        }
    }
}

/// One caller's piece of work, as the writer thread sees it.
pub(crate) trait Request: Send {
    /// Runs the work inside the open transaction; true when it succeeded and its changes
    /// are to be kept.
    fn run(&mut self, conn: &Connection) -> bool;
    /// Tells the caller how it went, once the transaction has committed (`Ok`) or failed.
    fn finish(self: Box<Self>, commit: std::result::Result<(), &GroupFailure>);
}

pub(crate) struct Pending<T, F> {
    work: Option<F>,
    result: Option<Result<T>>,
    reply: SyncSender<Result<T>>,
}

impl<T, F> Pending<T, F> {
    pub(crate) fn new(work: F, reply: SyncSender<Result<T>>) -> Self {
        Pending {
            work: Some(work),
            result: None,
            reply,
        }
    }
}

impl<T, F> Request for Pending<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> Result<T> + Send,
{
    fn run(&mut self, conn: &Connection) -> bool {
        let Some(work) = self.work.take() else { return false };
        let result = work(conn);
        let ok = result.is_ok();
        self.result = Some(result);
        ok
    }

    fn finish(self: Box<Self>, commit: std::result::Result<(), &GroupFailure>) {
        let out = match (self.result, commit) {
            (Some(Err(e)), _) => Err(e),
            (Some(Ok(v)), Ok(())) => Ok(v),
            (Some(Ok(_)), Err(f)) | (None, Err(f)) => Err(f.to_error()),
            (None, Ok(())) => Err(StoreError::internal(
                "the request failed (panicked) inside the store's writer",
                None,
            )),
        };
        // The caller may have gone away; nothing to do then.
        let _ = self.reply.send(out);
    }
}

pub(crate) type Job = Box<dyn Request>;

/// Why a group's transaction committed nothing; every request of the group is told.
#[derive(Debug, Clone)]
pub(crate) struct GroupFailure {
    what: &'static str,
    /// Shared: each request's error keeps it as its source.
    error: Option<Arc<rusqlite::Error>>,
}

impl GroupFailure {
    fn new(what: &'static str, e: rusqlite::Error) -> GroupFailure {
        GroupFailure {
            what,
            error: Some(Arc::new(e)),
        }
    }

    pub(crate) fn to_error(&self) -> StoreError {
        match &self.error {
            Some(e) => Kind::of(e).error(self.what.to_string(), Box::new(e.clone())),
            // SQLite rolled back on its own: an I/O error or a full disk.
            None => StoreError::unavailable(self.what, None),
        }
    }
}

/// The writer thread's loop: runs until every sender is gone.
pub(crate) fn run(conn: Connection, rx: Receiver<Job>, counters: Arc<Counters>) {
    let mut group: Vec<Job> = Vec::new();
    while let Ok(first) = rx.recv() {
        group.push(first);
        while group.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let outcome = run_group(&conn, &mut group);
        counters.transactions.fetch_add(1, Ordering::Relaxed);
        counters.requests.fetch_add(group.len() as u64, Ordering::Relaxed);
        let commit = outcome.as_ref().map(|_| ());
        for job in group.drain(..) {
            job.finish(commit);
        }
    }
}

/// Runs a statement without results, prepared once per connection.
fn exec_cached(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(|_| ())
}

/// Runs a group in one transaction; `Err` when nothing of it was committed.
fn run_group(conn: &Connection, group: &mut [Job]) -> std::result::Result<(), GroupFailure> {
    exec_cached(conn, "BEGIN IMMEDIATE").map_err(|e| GroupFailure::new("cannot begin a transaction", e))?;
    let mut failure = None;
    for job in group.iter_mut() {
        if let Err(e) = exec_cached(conn, "SAVEPOINT request") {
            failure = Some(GroupFailure::new("cannot open a savepoint", e));
            break;
        }
        let keep = catch_unwind(AssertUnwindSafe(|| job.run(conn))).unwrap_or(false);
        let end = if keep {
            exec_cached(conn, "RELEASE request")
        } else {
            exec_cached(conn, "ROLLBACK TO request").and_then(|()| exec_cached(conn, "RELEASE request"))
        };
        if let Err(e) = end {
            // SQLite rolled the whole transaction back (disk full, I/O error…).
            failure = Some(GroupFailure::new("the transaction was aborted", e));
            break;
        }
    }
    if failure.is_none() && conn.is_autocommit() {
        failure = Some(GroupFailure {
            what: "the transaction was rolled back by SQLite",
            error: None,
        });
    }
    if let Some(m) = failure {
        if !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        return Err(m);
    }
    if let Err(e) = exec_cached(conn, "COMMIT") {
        if !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        return Err(GroupFailure::new("the commit failed", e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::{Receiver, sync_channel};

    fn job<T: Send + 'static>(
        work: impl FnOnce(&Connection) -> Result<T> + Send + 'static,
    ) -> (Job, Receiver<Result<T>>) {
        let (tx, rx) = sync_channel(1);
        (Box::new(Pending::new(work, tx)), rx)
    }

    fn insert(v: i64) -> impl FnOnce(&Connection) -> Result<()> + Send + 'static {
        move |c: &Connection| {
            c.execute("INSERT INTO t (v) VALUES (?1)", [v])
                .map(|_| ())
                .map_err(|e| crate::sqlite::rows::constraint(e, "row", "none"))
        }
    }

    fn values(c: &Connection) -> Vec<i64> {
        let mut s = c.prepare("SELECT v FROM t ORDER BY v").unwrap();
        s.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
    }

    fn table() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE t (v INTEGER PRIMARY KEY)").unwrap();
        c
    }

    fn finish_all(group: Vec<Job>, outcome: std::result::Result<(), GroupFailure>) {
        let commit = outcome.as_ref().map(|_| ());
        for j in group {
            j.finish(commit);
        }
    }

    #[test]
    fn a_failing_or_panicking_request_is_rolled_back_alone() {
        let c = table();
        let (a, ra) = job(insert(1));
        let (b, rb) = job(|c: &Connection| {
            insert(2)(c)?;
            insert(1)(c) // taken: this request fails, and its insert of 2 goes too
        });
        let (p, rp) = job(|c: &Connection| -> Result<()> {
            insert(3)(c)?;
            panic!("a bug in a request")
        });
        let (d, rd) = job(insert(4));
        let mut group = vec![a, b, p, d];
        let outcome = run_group(&c, &mut group);
        assert!(outcome.is_ok());
        finish_all(group, outcome);
        assert!(ra.recv().unwrap().is_ok());
        assert!(matches!(rb.recv().unwrap(), Err(StoreError::AlreadyExists(_))));
        assert!(matches!(rp.recv().unwrap(), Err(StoreError::Internal { .. })));
        assert!(rd.recv().unwrap().is_ok());
        assert_eq!(values(&c), [1, 4]);
        assert!(c.is_autocommit());
    }

    #[test]
    fn a_failed_commit_fails_every_request() {
        let c = table();
        // A deferred foreign key is only checked at COMMIT: the whole group fails.
        c.execute_batch(
            "PRAGMA foreign_keys = ON; CREATE TABLE child (p INTEGER REFERENCES t(v) DEFERRABLE INITIALLY DEFERRED)",
        )
        .unwrap();
        let (a, ra) = job(insert(1));
        let (b, rb) = job(|c: &Connection| {
            c.execute("INSERT INTO child (p) VALUES (99)", [])
                .map(|_| ())
                .map_err(crate::sqlite::rows::backend)
        });
        let mut group = vec![a, b];
        let outcome = run_group(&c, &mut group);
        assert!(outcome.is_err());
        finish_all(group, outcome);
        // A deferred constraint: the writes contradict the stored data.
        assert!(matches!(ra.recv().unwrap(), Err(StoreError::Conflict { .. })));
        assert!(matches!(rb.recv().unwrap(), Err(StoreError::Conflict { .. })));
        assert!(values(&c).is_empty());
        assert!(c.is_autocommit());
    }

    #[test]
    fn the_thread_groups_queued_requests() {
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let mut answers = Vec::new();
        for v in 0..10 {
            let (j, r) = job(insert(v));
            tx.send(j).unwrap();
            answers.push(r);
        }
        drop(tx);
        let counters = Arc::new(Counters::default());
        // All ten were queued before the thread started: one transaction.
        run(table(), rx, counters.clone());
        for r in answers {
            assert!(r.recv().unwrap().is_ok());
        }
        assert_eq!(
            counters.snapshot(),
            WriterStats {
                transactions: 1,
                requests: 10
            }
        );
    }
}
