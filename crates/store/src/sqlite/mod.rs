//! The SQLite backend: one file, WAL mode, `synchronous=FULL`. This module opens the file
//! and runs requests; the SQL of each half of [`Store`] is in `catalog.rs` (state machines,
//! versions, aliases, tags) and `executions.rs` (executions, histories, journals).
//!
//! Every write goes to one writer thread that commits whatever has queued up in one
//! transaction (group commit, see `writer.rs`). Reads of a file database use a small pool of
//! connections of their own, which WAL lets run while the writer writes, and which only
//! ever see committed (durable) data. An in-memory database has a single connection, so
//! its reads go through the writer thread too.

mod catalog;
mod checkpoint;
mod executions;
mod functions;
mod guard;
mod rows;
mod schema;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub use schema::SCHEMA_VERSION;
pub use writer::WriterStats;

use crate::{
    AliasRecord, AppendBatch, ExecutionFilter, ExecutionRecord, HistoryQuery, JournalEntry, Page, Result,
    StateMachineRecord, Store, StoreError, StoredEvent, Tag, VersionRecord,
};
use rows::{backend, sql_error};
use writer::{Counters, Job, Pending};

/// How long a connection waits for a lock held by another process before it gives up.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// The writer's page cache, in KiB (SQLite takes a negative number as KiB): 32 MiB.
const WRITER_CACHE_KIB: i64 = -32 * 1024;
/// Idle read connections kept for reuse.
const MAX_IDLE_READERS: usize = 8;

/// The SQLite implementation of [`Store`]. Cheap to share: put it in an `Arc`.
pub struct SqliteStore {
    writer: Option<Sender<Job>>,
    thread: Option<JoinHandle<()>>,
    /// Checkpoints the WAL of a file database (see `checkpoint.rs`).
    checkpointer: Option<JoinHandle<()>>,
    reads: ReadSide,
    counters: Arc<Counters>,
    /// Held until the store is dropped (after its threads are done): one process per file.
    _lock: Option<guard::DirLock>,
}

enum ReadSide {
    /// A file database: read connections of their own, pooled.
    Pool {
        path: PathBuf,
        idle: Mutex<Vec<Connection>>,
    },
    /// An in-memory database: reads run on the writer's connection.
    Writer,
}

impl SqliteStore {
    /// Opens (creating it, and its parent directory, if needed) the database at `path` and
    /// brings its schema up to date. Fails on a database written by a newer Stepwise.
    ///
    /// Before SQLite writes anything (see `guard.rs`): the files must be writable, no other
    /// process may have the store open (`Unavailable`, naming its PID), and a database that
    /// would come up with less than its files hold — an empty file next to a WAL, a damaged
    /// WAL, a page `PRAGMA quick_check` finds malformed — is refused (`Corrupt`), the files
    /// left as they are.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                StoreError::unavailable(format!("cannot create {}", parent.display()), Some(Box::new(e)))
            })?;
        }
        guard::check_writable(path)?;
        let lock = guard::DirLock::acquire(path)?;
        guard::check_files(path)?;
        guard::quick_check(path)?;
        let mut conn = Connection::open(path).map_err(|e| sql_error(format!("cannot open {}", path.display()), e))?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(backend)?;
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(|e| sql_error(format!("cannot switch {} to WAL mode", path.display()), e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::unavailable(
                format!("{} cannot use WAL mode (journal mode is {mode})", path.display()),
                None,
            ));
        }
        configure_writer(&mut conn)?;
        conn.pragma_update(None, "journal_size_limit", checkpoint::JOURNAL_SIZE_LIMIT)
            .map_err(backend)?;
        let checkpointer = checkpoint::start(path, &mut conn)?;
        let reads = ReadSide::Pool {
            path: path.to_path_buf(),
            idle: Mutex::new(Vec::new()),
        };
        let mut store = Self::start(conn, reads)?;
        store.checkpointer = Some(checkpointer);
        store._lock = Some(lock);
        Ok(store)
    }

    /// A private database in memory, gone when the store is dropped (for tests).
    pub fn open_in_memory() -> Result<SqliteStore> {
        let mut conn = Connection::open_in_memory().map_err(backend)?;
        configure_writer(&mut conn)?;
        Self::start(conn, ReadSide::Writer)
    }

    fn start(conn: Connection, reads: ReadSide) -> Result<SqliteStore> {
        let (tx, rx) = mpsc::channel::<Job>();
        let counters = Arc::new(Counters::default());
        let thread_counters = counters.clone();
        let thread = std::thread::Builder::new()
            .name("stepwise-store-writer".into())
            .spawn(move || writer::run(conn, rx, thread_counters))
            .map_err(|e| StoreError::unavailable("cannot start the writer thread", Some(Box::new(e))))?;
        Ok(SqliteStore {
            writer: Some(tx),
            thread: Some(thread),
            checkpointer: None,
            reads,
            counters,
            _lock: None,
        })
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<u32> {
        let v = self.read(|c| schema::user_version(c).map_err(backend))?;
        u32::try_from(v).map_err(|_| StoreError::corrupt(format!("bad schema version {v}"), None))
    }

    /// How many transactions the writer committed and how many requests they carried.
    pub fn writer_stats(&self) -> WriterStats {
        self.counters.snapshot()
    }

    /// Runs `work` in the writer thread, inside the next group's transaction, and returns
    /// once that transaction is durable.
    fn write<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (reply, answer) = mpsc::sync_channel(1);
        let job: Job = Box::new(Pending::new(work, reply));
        let sent = self.writer.as_ref().map(|w| w.send(job).is_ok()).unwrap_or(false);
        if !sent {
            return Err(StoreError::unavailable("the store's writer thread has stopped", None));
        }
        answer
            .recv()
            .map_err(|_| StoreError::unavailable("the store's writer thread dropped the request", None))?
    }

    /// Runs `work` on a read connection (committed data only).
    fn read<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        match &self.reads {
            ReadSide::Writer => self.write(work),
            ReadSide::Pool { path, idle } => {
                let pooled = idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
                let conn = match pooled {
                    Some(c) => c,
                    None => open_reader(path)?,
                };
                let out = work(&conn);
                let mut idle = idle.lock().unwrap_or_else(|p| p.into_inner());
                if idle.len() < MAX_IDLE_READERS {
                    idle.push(conn);
                }
                out
            }
        }
    }
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("SqliteStore");
        match &self.reads {
            ReadSide::Pool { path, .. } => d.field("path", path),
            ReadSide::Writer => d.field("path", &":memory:"),
        };
        d.field("writer", &self.counters.snapshot()).finish()
    }
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        // Closing the channel ends the writer's loop once it has finished what it holds.
        self.writer.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        // The writer's connection, gone with its thread, held the checkpointer's channel.
        if let Some(t) = self.checkpointer.take() {
            let _ = t.join();
        }
    }
}

fn configure_writer(conn: &mut Connection) -> Result<()> {
    conn.pragma_update(None, "synchronous", "FULL").map_err(backend)?;
    conn.pragma_update(None, "foreign_keys", true).map_err(backend)?;
    // The writer's page cache: the hot leaves of many executions' histories stay in
    // memory between commits instead of being read back.
    conn.pragma_update(None, "cache_size", WRITER_CACHE_KIB)
        .map_err(backend)?;
    conn.set_prepared_statement_cache_capacity(64);
    schema::migrate(conn)
}

fn open_reader(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)
        .map_err(|e| sql_error(format!("cannot open {}", path.display()), e))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(backend)?;
    conn.pragma_update(None, "query_only", true).map_err(backend)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

fn collect<T>(rows: impl Iterator<Item = rusqlite::Result<T>>) -> Result<Vec<T>> {
    rows.map(|r| r.map_err(backend)).collect()
}

impl Store for SqliteStore {
    // --- state machines, versions, aliases, tags: catalog.rs ---
    fn create_state_machine(&self, sm: &StateMachineRecord, tags: &[Tag]) -> Result<()> {
        catalog::create_state_machine(self, sm, tags)
    }
    fn get_state_machine(&self, arn: &str) -> Result<Option<StateMachineRecord>> {
        catalog::get_state_machine(self, arn)
    }
    fn update_state_machine(&self, sm: &StateMachineRecord) -> Result<()> {
        catalog::update_state_machine(self, sm)
    }
    fn delete_state_machine(&self, arn: &str) -> Result<()> {
        catalog::delete_state_machine(self, arn)
    }
    fn list_state_machines(&self, page: &Page) -> Result<Vec<StateMachineRecord>> {
        catalog::list_state_machines(self, page)
    }
    fn publish_version(&self, version: &VersionRecord) -> Result<VersionRecord> {
        catalog::publish_version(self, version)
    }
    fn get_version(&self, arn: &str) -> Result<Option<VersionRecord>> {
        catalog::get_version(self, arn)
    }
    fn list_versions(&self, state_machine_arn: &str, page: &Page) -> Result<Vec<VersionRecord>> {
        catalog::list_versions(self, state_machine_arn, page)
    }
    fn delete_version(&self, arn: &str) -> Result<()> {
        catalog::delete_version(self, arn)
    }
    fn create_alias(&self, alias: &AliasRecord) -> Result<()> {
        catalog::create_alias(self, alias)
    }
    fn get_alias(&self, arn: &str) -> Result<Option<AliasRecord>> {
        catalog::get_alias(self, arn)
    }
    /// Replaces the alias with the same ARN (all but its ARN and state machine); `NotFound`
    /// if there is none.
    fn update_alias(&self, alias: &AliasRecord) -> Result<()> {
        catalog::update_alias(self, alias)
    }
    fn delete_alias(&self, arn: &str) -> Result<()> {
        catalog::delete_alias(self, arn)
    }
    fn list_aliases(&self, state_machine_arn: &str, page: &Page) -> Result<Vec<AliasRecord>> {
        catalog::list_aliases(self, state_machine_arn, page)
    }
    fn tag_resource(&self, arn: &str, tags: &[Tag]) -> Result<()> {
        catalog::tag_resource(self, arn, tags)
    }
    fn untag_resource(&self, arn: &str, keys: &[String]) -> Result<()> {
        catalog::untag_resource(self, arn, keys)
    }
    /// In the order the keys were first set.
    fn list_tags(&self, arn: &str) -> Result<Vec<Tag>> {
        catalog::list_tags(self, arn)
    }
    // --- executions, histories, journals: executions.rs ---
    fn create_execution(&self, exec: &ExecutionRecord, events: &[StoredEvent], journal: &[JournalEntry]) -> Result<()> {
        executions::create_execution(self, exec, events, journal)
    }
    fn get_execution(&self, arn: &str) -> Result<Option<ExecutionRecord>> {
        executions::get_execution(self, arn)
    }
    /// Ties on the start time go by ARN, descending too. An `after` that names no execution
    /// gives an empty page.
    fn list_executions(&self, filter: &ExecutionFilter, page: &Page) -> Result<Vec<ExecutionRecord>> {
        executions::list_executions(self, filter, page)
    }
    fn append(&self, batch: &AppendBatch) -> Result<()> {
        executions::append(self, batch)
    }
    fn history(&self, execution_arn: &str, query: &HistoryQuery) -> Result<Vec<StoredEvent>> {
        executions::history(self, execution_arn, query)
    }
    fn journal(&self, execution_arn: &str) -> Result<Vec<JournalEntry>> {
        executions::journal(self, execution_arn)
    }
    /// Oldest first.
    fn open_executions(&self) -> Result<Vec<ExecutionRecord>> {
        executions::open_executions(self)
    }
    fn mark_unsettled(&self, execution_arn: &str) -> Result<u32> {
        executions::mark_unsettled(self, execution_arn)
    }
    fn settle(&self, execution_arn: &str) -> Result<()> {
        executions::settle(self, execution_arn)
    }
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<SqliteStore>();
}
