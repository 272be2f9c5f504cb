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
    fn finish(self: Box<Self>, commit: std::result::Result<(), &str>);
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

    fn finish(self: Box<Self>, commit: std::result::Result<(), &str>) {
        let out = match (self.result, commit) {
            (Some(Err(e)), _) => Err(e),
            (Some(Ok(v)), Ok(())) => Ok(v),
            (Some(Ok(_)), Err(m)) | (None, Err(m)) => Err(StoreError::Backend(m.to_string())),
            (None, Ok(())) => Err(StoreError::Backend(
                "the request failed inside the store's writer".into(),
            )),
        };
        // The caller may have gone away; nothing to do then.
        let _ = self.reply.send(out);
    }
}

pub(crate) type Job = Box<dyn Request>;

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
        let commit = outcome.as_ref().map(|_| ()).map_err(|m| m.as_str());
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
fn run_group(conn: &Connection, group: &mut [Job]) -> std::result::Result<(), String> {
    exec_cached(conn, "BEGIN IMMEDIATE").map_err(|e| format!("cannot begin a transaction: {e}"))?;
    let mut failure = None;
    for job in group.iter_mut() {
        if let Err(e) = exec_cached(conn, "SAVEPOINT request") {
            failure = Some(format!("cannot open a savepoint: {e}"));
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
            failure = Some(format!("the transaction was aborted: {e}"));
            break;
        }
    }
    if failure.is_none() && conn.is_autocommit() {
        failure = Some("the transaction was rolled back by SQLite".into());
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
        return Err(format!("commit failed: {e}"));
    }
    Ok(())
}
