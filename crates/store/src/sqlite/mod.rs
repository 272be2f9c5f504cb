//! The SQLite backend: one file, WAL mode, `synchronous=FULL`.
//!
//! Every write goes to one writer thread that commits whatever has queued up in one
//! transaction (group commit, see `writer.rs`). Reads of a file database use a small pool of
//! connections of their own, which WAL lets run while the writer writes, and which only
//! ever see committed (durable) data. An in-memory database has a single connection, so
//! its reads go through the writer thread too.

mod checkpoint;
mod rows;
mod schema;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

pub use schema::SCHEMA_VERSION;
pub use writer::WriterStats;

use crate::{
    AliasRecord, AppendBatch, ExecutionFilter, ExecutionRecord, ExecutionStatus, HistoryQuery, JournalEntry, Page,
    Result, StateMachineRecord, Store, StoreError, StoredEvent, Tag, VersionRecord,
};
use rows::{
    ALIAS_COLS, EVENT_COLS, EXEC_COLS, EventRow, JournalRow, SM_COLS, VERSION_COLS, backend, constraint, opt_json_text,
    routing_text, sql_error, sql_limit,
};
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
    pub fn open(path: &Path) -> Result<SqliteStore> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                StoreError::unavailable(format!("cannot create {}", parent.display()), Some(Box::new(e)))
            })?;
        }
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

fn put_tags(c: &Connection, arn: &str, tags: &[Tag]) -> Result<()> {
    let mut stmt = c
        .prepare_cached(
            "INSERT INTO tags (resource_arn, key, value) VALUES (?1, ?2, ?3) \
             ON CONFLICT (resource_arn, key) DO UPDATE SET value = excluded.value",
        )
        .map_err(backend)?;
    for t in tags {
        stmt.execute(params![arn, t.key, t.value]).map_err(backend)?;
    }
    Ok(())
}

/// The short key of an execution's history and journal rows.
fn execution_id(c: &Connection, arn: &str) -> Result<Option<i64>> {
    c.prepare_cached("SELECT id FROM executions WHERE arn = ?1")
        .and_then(|mut s| s.query_row(params![arn], |r| r.get(0)).optional())
        .map_err(backend)
}

fn insert_history(c: &Connection, id: i64, arn: &str, events: &[EventRow], journal: &[JournalRow]) -> Result<()> {
    if !events.is_empty() {
        let mut stmt = c
            .prepare_cached(
                "INSERT INTO history_events \
                 (execution_id, id, previous_event_id, timestamp_ms, event_type, details_name, details) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(backend)?;
        for e in events {
            stmt.execute(params![
                id,
                e.id,
                e.previous_event_id,
                e.timestamp_ms,
                e.event_type,
                e.details_name,
                e.details
            ])
            .map_err(|err| constraint(err, &format!("event {} of {arn}", e.id), arn))?;
        }
    }
    if !journal.is_empty() {
        let mut stmt = c
            .prepare_cached("INSERT INTO journal (execution_id, seq, now_ms, input) VALUES (?1, ?2, ?3, ?4)")
            .map_err(backend)?;
        for j in journal {
            stmt.execute(params![id, j.seq, j.now_ms, j.input])
                .map_err(|err| constraint(err, &format!("journal entry {} of {arn}", j.seq), arn))?;
        }
    }
    Ok(())
}

fn exists(c: &Connection, sql: &str, key: &str) -> Result<bool> {
    c.prepare_cached(sql)
        .and_then(|mut s| s.exists(params![key]))
        .map_err(backend)
}

fn collect<T>(rows: impl Iterator<Item = rusqlite::Result<T>>) -> Result<Vec<T>> {
    rows.map(|r| r.map_err(backend)).collect()
}

impl Store for SqliteStore {
    // --- state machines ----------------------------------------------------------------

    fn create_state_machine(&self, sm: &StateMachineRecord, tags: &[Tag]) -> Result<()> {
        let sm = sm.clone();
        let tags = tags.to_vec();
        let logging = opt_json_text(&sm.logging_configuration)?;
        let tracing = opt_json_text(&sm.tracing_configuration)?;
        self.write(move |c| {
            c.prepare_cached(&format!(
                "INSERT INTO state_machines ({SM_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
            ))
            .and_then(|mut s| {
                s.execute(params![
                    sm.arn,
                    sm.name,
                    sm.kind.as_str(),
                    sm.definition,
                    sm.role_arn,
                    sm.description,
                    logging,
                    tracing,
                    sm.revision_id,
                    sm.created_ms,
                    sm.updated_ms
                ])
            })
            .map_err(|e| constraint(e, &sm.arn, &sm.arn))?;
            put_tags(c, &sm.arn, &tags)
        })
    }

    fn get_state_machine(&self, arn: &str) -> Result<Option<StateMachineRecord>> {
        let arn = arn.to_string();
        self.read(move |c| {
            c.prepare_cached(&format!("SELECT {SM_COLS} FROM state_machines WHERE arn = ?1"))
                .and_then(|mut s| s.query_row(params![arn], rows::state_machine).optional())
                .map_err(backend)
        })
    }

    fn update_state_machine(&self, sm: &StateMachineRecord) -> Result<()> {
        let sm = sm.clone();
        let logging = opt_json_text(&sm.logging_configuration)?;
        let tracing = opt_json_text(&sm.tracing_configuration)?;
        self.write(move |c| {
            let n = c
                .prepare_cached(
                    "UPDATE state_machines SET name = ?2, kind = ?3, definition = ?4, role_arn = ?5, \
                     description = ?6, logging_configuration = ?7, tracing_configuration = ?8, \
                     revision_id = ?9, created_ms = ?10, updated_ms = ?11 WHERE arn = ?1",
                )
                .and_then(|mut s| {
                    s.execute(params![
                        sm.arn,
                        sm.name,
                        sm.kind.as_str(),
                        sm.definition,
                        sm.role_arn,
                        sm.description,
                        logging,
                        tracing,
                        sm.revision_id,
                        sm.created_ms,
                        sm.updated_ms
                    ])
                })
                .map_err(backend)?;
            if n == 0 {
                return Err(StoreError::NotFound(sm.arn.clone()));
            }
            Ok(())
        })
    }

    fn delete_state_machine(&self, arn: &str) -> Result<()> {
        let arn = arn.to_string();
        self.write(move |c| {
            // The tags of the state machine, its versions (`arn:N`) and aliases (`arn:name`).
            // `;` follows `:` in ASCII: the range is every ARN that starts with `arn:`.
            c.prepare_cached(
                "DELETE FROM tags WHERE resource_arn = ?1 \
                 OR (resource_arn >= ?1 || ':' AND resource_arn < ?1 || ';')",
            )
            .and_then(|mut s| s.execute(params![arn]))
            .map_err(backend)?;
            // Versions and aliases go by cascade.
            c.prepare_cached("DELETE FROM state_machines WHERE arn = ?1")
                .and_then(|mut s| s.execute(params![arn]))
                .map_err(backend)?;
            Ok(())
        })
    }

    fn list_state_machines(&self, page: &Page) -> Result<Vec<StateMachineRecord>> {
        let after = page.after.clone();
        let limit = sql_limit(page.limit);
        self.read(move |c| {
            let mut s = c
                .prepare_cached(&format!(
                    "SELECT {SM_COLS} FROM state_machines WHERE ?1 IS NULL OR arn > ?1 ORDER BY arn LIMIT ?2"
                ))
                .map_err(backend)?;
            collect(
                s.query_map(params![after, limit], rows::state_machine)
                    .map_err(backend)?,
            )
        })
    }

    // --- versions and aliases ----------------------------------------------------------

    fn publish_version(&self, version: &VersionRecord) -> Result<VersionRecord> {
        let mut v = version.clone();
        self.write(move |c| {
            let sm_arn = v.state_machine_arn.clone();
            if !exists(c, "SELECT 1 FROM state_machines WHERE arn = ?1", &sm_arn)? {
                return Err(StoreError::NotFound(sm_arn));
            }
            let n: i64 = c
                .prepare_cached(
                    "INSERT INTO version_counters (state_machine_arn, last_version) VALUES (?1, 1) \
                     ON CONFLICT (state_machine_arn) DO UPDATE SET last_version = last_version + 1 \
                     RETURNING last_version",
                )
                .and_then(|mut s| s.query_row(params![sm_arn], |r| r.get(0)))
                .map_err(backend)?;
            v.version = u64::try_from(n).map_err(|_| StoreError::corrupt(format!("bad version counter {n}"), None))?;
            v.arn = format!("{sm_arn}:{n}");
            c.prepare_cached(&format!(
                "INSERT INTO versions ({VERSION_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
            ))
            .and_then(|mut s| {
                s.execute(params![
                    v.arn,
                    sm_arn,
                    n,
                    v.definition,
                    v.role_arn,
                    v.revision_id,
                    v.description,
                    v.created_ms
                ])
            })
            .map_err(|e| constraint(e, &v.arn, &sm_arn))?;
            Ok(v)
        })
    }

    fn get_version(&self, arn: &str) -> Result<Option<VersionRecord>> {
        let arn = arn.to_string();
        self.read(move |c| {
            c.prepare_cached(&format!("SELECT {VERSION_COLS} FROM versions WHERE arn = ?1"))
                .and_then(|mut s| s.query_row(params![arn], rows::version).optional())
                .map_err(backend)
        })
    }

    fn list_versions(&self, state_machine_arn: &str, page: &Page) -> Result<Vec<VersionRecord>> {
        let sm_arn = state_machine_arn.to_string();
        // A version ARN is `<state machine arn>:<number>`: the number is the position, so
        // paging goes on even when the version of the token was deleted meanwhile.
        let before: i64 = match &page.after {
            None => i64::MAX,
            Some(after) => match after
                .strip_prefix(sm_arn.as_str())
                .and_then(|rest| rest.strip_prefix(':'))
                .and_then(|n| n.parse::<i64>().ok())
            {
                Some(n) => n,
                None => return Ok(Vec::new()),
            },
        };
        let limit = sql_limit(page.limit);
        self.read(move |c| {
            let mut s = c
                .prepare_cached(&format!(
                    "SELECT {VERSION_COLS} FROM versions WHERE state_machine_arn = ?1 AND version < ?2 \
                     ORDER BY version DESC LIMIT ?3"
                ))
                .map_err(backend)?;
            collect(
                s.query_map(params![sm_arn, before, limit], rows::version)
                    .map_err(backend)?,
            )
        })
    }

    fn delete_version(&self, arn: &str) -> Result<()> {
        let arn = arn.to_string();
        self.write(move |c| {
            c.prepare_cached("DELETE FROM versions WHERE arn = ?1")
                .and_then(|mut s| s.execute(params![arn]))
                .map_err(backend)?;
            c.prepare_cached("DELETE FROM tags WHERE resource_arn = ?1")
                .and_then(|mut s| s.execute(params![arn]))
                .map_err(backend)?;
            Ok(())
        })
    }

    fn create_alias(&self, alias: &AliasRecord) -> Result<()> {
        let a = alias.clone();
        let routing = routing_text(&a.routing)?;
        self.write(move |c| {
            c.prepare_cached(&format!(
                "INSERT INTO aliases ({ALIAS_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
            ))
            .and_then(|mut s| {
                s.execute(params![
                    a.arn,
                    a.state_machine_arn,
                    a.name,
                    a.description,
                    routing,
                    a.created_ms,
                    a.updated_ms
                ])
            })
            .map_err(|e| constraint(e, &a.arn, &a.state_machine_arn))?;
            Ok(())
        })
    }

    fn get_alias(&self, arn: &str) -> Result<Option<AliasRecord>> {
        let arn = arn.to_string();
        self.read(move |c| {
            c.prepare_cached(&format!("SELECT {ALIAS_COLS} FROM aliases WHERE arn = ?1"))
                .and_then(|mut s| s.query_row(params![arn], rows::alias).optional())
                .map_err(backend)
        })
    }

    /// Replaces the alias with the same ARN (all but its ARN and state machine); `NotFound`
    /// if there is none.
    fn update_alias(&self, alias: &AliasRecord) -> Result<()> {
        let a = alias.clone();
        let routing = routing_text(&a.routing)?;
        self.write(move |c| {
            let n = c
                .prepare_cached(
                    "UPDATE aliases SET name = ?2, description = ?3, routing = ?4, created_ms = ?5, \
                     updated_ms = ?6 WHERE arn = ?1",
                )
                .and_then(|mut s| {
                    s.execute(params![
                        a.arn,
                        a.name,
                        a.description,
                        routing,
                        a.created_ms,
                        a.updated_ms
                    ])
                })
                .map_err(backend)?;
            if n == 0 {
                return Err(StoreError::NotFound(a.arn.clone()));
            }
            Ok(())
        })
    }

    fn delete_alias(&self, arn: &str) -> Result<()> {
        let arn = arn.to_string();
        self.write(move |c| {
            c.prepare_cached("DELETE FROM aliases WHERE arn = ?1")
                .and_then(|mut s| s.execute(params![arn]))
                .map_err(backend)?;
            c.prepare_cached("DELETE FROM tags WHERE resource_arn = ?1")
                .and_then(|mut s| s.execute(params![arn]))
                .map_err(backend)?;
            Ok(())
        })
    }

    fn list_aliases(&self, state_machine_arn: &str, page: &Page) -> Result<Vec<AliasRecord>> {
        let sm_arn = state_machine_arn.to_string();
        let after = page.after.clone();
        let limit = sql_limit(page.limit);
        self.read(move |c| {
            let mut s = c
                .prepare_cached(&format!(
                    "SELECT {ALIAS_COLS} FROM aliases WHERE state_machine_arn = ?1 AND (?2 IS NULL OR arn > ?2) \
                     ORDER BY arn LIMIT ?3"
                ))
                .map_err(backend)?;
            collect(
                s.query_map(params![sm_arn, after, limit], rows::alias)
                    .map_err(backend)?,
            )
        })
    }

    // --- tags --------------------------------------------------------------------------

    fn tag_resource(&self, arn: &str, tags: &[Tag]) -> Result<()> {
        let arn = arn.to_string();
        let tags = tags.to_vec();
        self.write(move |c| put_tags(c, &arn, &tags))
    }

    fn untag_resource(&self, arn: &str, keys: &[String]) -> Result<()> {
        let arn = arn.to_string();
        let keys = keys.to_vec();
        self.write(move |c| {
            let mut s = c
                .prepare_cached("DELETE FROM tags WHERE resource_arn = ?1 AND key = ?2")
                .map_err(backend)?;
            for k in &keys {
                s.execute(params![arn, k]).map_err(backend)?;
            }
            Ok(())
        })
    }

    /// In the order the keys were first set.
    fn list_tags(&self, arn: &str) -> Result<Vec<Tag>> {
        let arn = arn.to_string();
        self.read(move |c| {
            let mut s = c
                .prepare_cached("SELECT key, value FROM tags WHERE resource_arn = ?1 ORDER BY rowid")
                .map_err(backend)?;
            collect(
                s.query_map(params![arn], |r| {
                    Ok(Tag {
                        key: r.get(0)?,
                        value: r.get(1)?,
                    })
                })
                .map_err(backend)?,
            )
        })
    }

    // --- executions --------------------------------------------------------------------

    fn create_execution(&self, exec: &ExecutionRecord, events: &[StoredEvent], journal: &[JournalEntry]) -> Result<()> {
        let x = exec.clone();
        let events = events.iter().map(EventRow::from_event).collect::<Result<Vec<_>>>()?;
        let journal = journal.iter().map(JournalRow::from_entry).collect::<Result<Vec<_>>>()?;
        self.write(move |c| {
            c.prepare_cached(&format!(
                "INSERT INTO executions ({EXEC_COLS}) VALUES \
                 (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)"
            ))
            .and_then(|mut s| {
                s.execute(params![
                    x.arn,
                    x.state_machine_arn,
                    x.name,
                    x.kind.as_str(),
                    x.status.as_str(),
                    x.definition,
                    x.role_arn,
                    x.input,
                    x.output,
                    x.error,
                    x.cause,
                    x.start_ms,
                    x.stop_ms,
                    x.version_arn,
                    x.alias_arn,
                    i64::from(x.redrive_count),
                    x.test_case,
                    // Bit for bit: the full u64 range fits in SQLite's signed integer.
                    x.seed as i64,
                    x.trace_header,
                    i64::from(x.replay_version)
                ])
            })
            .map_err(|e| constraint(e, &x.arn, &x.arn))?;
            insert_history(c, c.last_insert_rowid(), &x.arn, &events, &journal)
        })
    }

    fn get_execution(&self, arn: &str) -> Result<Option<ExecutionRecord>> {
        let arn = arn.to_string();
        self.read(move |c| {
            c.prepare_cached(&format!("SELECT {EXEC_COLS} FROM executions WHERE arn = ?1"))
                .and_then(|mut s| s.query_row(params![arn], rows::execution).optional())
                .map_err(backend)
        })
    }

    /// Ties on the start time go by ARN, descending too. An `after` that names no execution
    /// gives an empty page.
    fn list_executions(&self, filter: &ExecutionFilter, page: &Page) -> Result<Vec<ExecutionRecord>> {
        use rusqlite::types::Value as V;
        let mut sql = format!("SELECT {EXEC_COLS} FROM executions WHERE 1 = 1");
        let mut args: Vec<V> = Vec::new();
        let mut push = |sql: &mut String, cond: &str, v: V| {
            args.push(v);
            sql.push_str(&format!(" AND {cond} = ?{}", args.len()));
        };
        if let Some(s) = &filter.state_machine_arn {
            push(&mut sql, "state_machine_arn", V::Text(s.clone()));
        }
        if let Some(s) = &filter.version_arn {
            push(&mut sql, "version_arn", V::Text(s.clone()));
        }
        if let Some(s) = &filter.alias_arn {
            push(&mut sql, "alias_arn", V::Text(s.clone()));
        }
        if let Some(s) = filter.status {
            push(&mut sql, "status", V::Text(s.as_str().to_string()));
        }
        if let Some(after) = &page.after {
            args.push(V::Text(after.clone()));
            let i = args.len();
            sql.push_str(&format!(
                " AND (start_ms, arn) < (SELECT start_ms, arn FROM executions WHERE arn = ?{i})"
            ));
        }
        args.push(V::Integer(sql_limit(page.limit)));
        sql.push_str(&format!(" ORDER BY start_ms DESC, arn DESC LIMIT ?{}", args.len()));
        self.read(move |c| {
            let mut s = c.prepare_cached(&sql).map_err(backend)?;
            collect(
                s.query_map(rusqlite::params_from_iter(args.iter()), rows::execution)
                    .map_err(backend)?,
            )
        })
    }

    fn append(&self, batch: &AppendBatch) -> Result<()> {
        let arn = batch.execution_arn.clone();
        let events = batch
            .events
            .iter()
            .map(EventRow::from_event)
            .collect::<Result<Vec<_>>>()?;
        let journal = batch
            .journal
            .iter()
            .map(JournalRow::from_entry)
            .collect::<Result<Vec<_>>>()?;
        let end = batch.end.clone();
        let redrive = batch.redrive;
        self.write(move |c| {
            let Some(id) = execution_id(c, &arn)? else {
                return Err(StoreError::NotFound(arn));
            };
            insert_history(c, id, &arn, &events, &journal)?;
            if redrive {
                c.prepare_cached(
                    "UPDATE executions SET status = 'RUNNING', output = NULL, error = NULL, cause = NULL, \
                     stop_ms = NULL, redrive_count = redrive_count + 1 WHERE id = ?1",
                )
                .and_then(|mut s| s.execute(params![id]))
                .map_err(backend)?;
            }
            if let Some(end) = &end {
                c.prepare_cached(
                    "UPDATE executions SET status = ?2, output = ?3, error = ?4, cause = ?5, stop_ms = ?6 \
                     WHERE id = ?1",
                )
                .and_then(|mut s| {
                    s.execute(params![
                        id,
                        end.status.as_str(),
                        end.output,
                        end.error,
                        end.cause,
                        end.stop_ms
                    ])
                })
                .map_err(backend)?;
            }
            Ok(())
        })
    }

    fn history(&self, execution_arn: &str, query: &HistoryQuery) -> Result<Vec<StoredEvent>> {
        let arn = execution_arn.to_string();
        let bound = i64::try_from(query.after).unwrap_or(i64::MAX);
        let limit = sql_limit(query.limit);
        let reverse = query.reverse;
        self.read(move |c| {
            let (sql, bound) = if reverse {
                let bound = if bound == 0 { i64::MAX } else { bound };
                (
                    format!(
                        "SELECT {EVENT_COLS} FROM history_events \
                         WHERE execution_id = (SELECT id FROM executions WHERE arn = ?1) AND id < ?2 \
                         ORDER BY id DESC LIMIT ?3"
                    ),
                    bound,
                )
            } else {
                (
                    format!(
                        "SELECT {EVENT_COLS} FROM history_events \
                         WHERE execution_id = (SELECT id FROM executions WHERE arn = ?1) AND id > ?2 \
                         ORDER BY id ASC LIMIT ?3"
                    ),
                    bound,
                )
            };
            let mut s = c.prepare_cached(&sql).map_err(backend)?;
            collect(s.query_map(params![arn, bound, limit], rows::event).map_err(backend)?)
        })
    }

    fn journal(&self, execution_arn: &str) -> Result<Vec<JournalEntry>> {
        let arn = execution_arn.to_string();
        self.read(move |c| {
            let mut s = c
                .prepare_cached(
                    "SELECT seq, now_ms, input FROM journal \
                     WHERE execution_id = (SELECT id FROM executions WHERE arn = ?1) ORDER BY seq",
                )
                .map_err(backend)?;
            collect(s.query_map(params![arn], rows::journal_entry).map_err(backend)?)
        })
    }

    /// Oldest first.
    fn open_executions(&self) -> Result<Vec<ExecutionRecord>> {
        self.read(move |c| {
            let mut s = c
                .prepare_cached(&format!(
                    "SELECT {EXEC_COLS} FROM executions WHERE status = ?1 ORDER BY start_ms, arn"
                ))
                .map_err(backend)?;
            collect(
                s.query_map(params![ExecutionStatus::Running.as_str()], rows::execution)
                    .map_err(backend)?,
            )
        })
    }
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<SqliteStore>();
}
