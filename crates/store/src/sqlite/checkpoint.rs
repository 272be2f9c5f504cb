//! Checkpoints mostly off the commit path.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses the threshold, on the
//! committing connection: with one writer thread that stalls every caller of the group
//! while the WAL is copied into the database. Here the writer's WAL hook (which replaces
//! the automatic checkpoint) nudges a thread of its own that copies the bulk of the WAL with
//! PASSIVE checkpoints on its own connection, while the writer goes on committing. Those
//! alone never let the WAL start over under a steady stream of commits (there are always
//! new frames past the ones copied), so once the checkpointer is close behind, the writer
//! finishes the job inline: a few pages and one fsync, after which the next transaction
//! rewinds the WAL to its start.

use std::ffi::c_int;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;

use rusqlite::hooks::Wal;
use rusqlite::{Connection, OpenFlags};

use super::BUSY_TIMEOUT;
use super::rows::{backend, sql_error};
use crate::{Result, StoreError};

/// WAL pages (4 KiB) after which a checkpoint is requested (SQLite's default threshold).
const CHECKPOINT_PAGES: c_int = 1000;
/// The writer finishes a checkpoint itself when at most this many pages are left to copy,
/// or when the checkpointer fell this far behind.
const INLINE_REMAINDER_PAGES: c_int = 256;
const BACKSTOP_PAGES: c_int = 64_000;
/// The WAL file is truncated back to this size after it was reset (bytes).
pub(crate) const JOURNAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;

/// Opens the checkpointer's connection, hooks the writer up to it and starts its thread.
/// The thread ends when the writer connection (which holds the hook) is dropped.
pub(crate) fn start(path: &Path, writer: &mut Connection) -> Result<JoinHandle<()>> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)
        .map_err(|e| sql_error(format!("cannot open {}", path.display()), e))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(backend)?;
    conn.pragma_update(None, "synchronous", "FULL").map_err(backend)?;

    // Frames of the current WAL the checkpointer has copied (0: none, or unknown).
    let copied = Arc::new(AtomicI32::new(0));
    let copied_by_checkpointer = copied.clone();
    let (nudge, nudged) = mpsc::sync_channel::<()>(1);
    writer
        .wal_hook(Some(move |wal: &mut Wal, pages: c_int| {
            if pages < CHECKPOINT_PAGES {
                return Ok(());
            }
            let done = copied.load(Ordering::Relaxed);
            // A count above the WAL's size is from before it was rewound.
            let left = if done <= pages { pages - done } else { pages };
            if left <= INLINE_REMAINDER_PAGES || pages >= BACKSTOP_PAGES {
                // Best effort, like SQLite's own automatic checkpoint.
                let _ = wal.checkpoint();
                copied.store(0, Ordering::Relaxed);
            } else {
                // Full means a request is pending already.
                let _ = nudge.try_send(());
            }
            Ok(())
        }))
        .map_err(backend)?;
    std::thread::Builder::new()
        .name("stepwise-store-checkpoint".into())
        .spawn(move || {
            while nudged.recv().is_ok() {
                // Busy or not, the next nudge tries again.
                let r = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(2));
                if let Ok(n) = r {
                    copied_by_checkpointer.store(c_int::try_from(n).unwrap_or(0), Ordering::Relaxed);
                }
            }
        })
        .map_err(|e| StoreError::unavailable("cannot start the checkpoint thread", Some(Box::new(e))))
}
