//! Executions, their history events and their journals: the SQL of the hot half of
//! [`Store`](crate::Store).

use rusqlite::{Connection, OptionalExtension, params};

use super::rows::{self, EVENT_COLS, EXEC_COLS, EventRow, JournalRow, backend, constraint, sql_limit};
use super::{SqliteStore, collect};
use crate::{
    AppendBatch, ExecutionFilter, ExecutionRecord, ExecutionStatus, HistoryQuery, JournalEntry, Page, Result,
    StoreError, StoredEvent,
};

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
            .prepare_cached(
                "INSERT INTO journal (execution_id, seq, now_ms, input, time_limit_hits, cut) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .map_err(backend)?;
        for j in journal {
            stmt.execute(params![id, j.seq, j.now_ms, j.input, j.time_limit_hits, j.cut])
                .map_err(|err| constraint(err, &format!("journal entry {} of {arn}", j.seq), arn))?;
        }
    }
    Ok(())
}

pub(super) fn create_execution(
    s: &SqliteStore,
    exec: &ExecutionRecord,
    events: &[StoredEvent],
    journal: &[JournalEntry],
) -> Result<()> {
    let x = exec.clone();
    let events = events.iter().map(EventRow::from_event).collect::<Result<Vec<_>>>()?;
    let journal = journal.iter().map(JournalRow::from_entry).collect::<Result<Vec<_>>>()?;
    s.write(move |c| {
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

pub(super) fn get_execution(s: &SqliteStore, arn: &str) -> Result<Option<ExecutionRecord>> {
    let arn = arn.to_string();
    s.read(move |c| {
        c.prepare_cached(&format!("SELECT {EXEC_COLS} FROM executions WHERE arn = ?1"))
            .and_then(|mut s| s.query_row(params![arn], rows::execution).optional())
            .map_err(backend)
    })
}

/// Ties on the start time go by ARN, descending too. An `after` that names no execution
/// gives an empty page.
pub(super) fn list_executions(s: &SqliteStore, filter: &ExecutionFilter, page: &Page) -> Result<Vec<ExecutionRecord>> {
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
    s.read(move |c| {
        let mut s = c.prepare_cached(&sql).map_err(backend)?;
        collect(
            s.query_map(rusqlite::params_from_iter(args.iter()), rows::execution)
                .map_err(backend)?,
        )
    })
}

pub(super) fn append(s: &SqliteStore, batch: &AppendBatch) -> Result<()> {
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
    s.write(move |c| {
        let Some(id) = execution_id(c, &arn)? else {
            return Err(StoreError::NotFound(arn));
        };
        insert_history(c, id, &arn, &events, &journal)?;
        if redrive {
            c.prepare_cached(
                "UPDATE executions SET status = 'RUNNING', output = NULL, error = NULL, cause = NULL, \
                 stop_ms = NULL, redrive_count = redrive_count + 1, unsettled = 0 WHERE id = ?1",
            )
            .and_then(|mut s| s.execute(params![id]))
            .map_err(backend)?;
        }
        if let Some(end) = &end {
            c.prepare_cached(
                "UPDATE executions SET status = ?2, output = ?3, error = ?4, cause = ?5, stop_ms = ?6, \
                 unsettled = 0 WHERE id = ?1",
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

pub(super) fn history(s: &SqliteStore, execution_arn: &str, query: &HistoryQuery) -> Result<Vec<StoredEvent>> {
    let arn = execution_arn.to_string();
    let bound = i64::try_from(query.after).unwrap_or(i64::MAX);
    let limit = sql_limit(query.limit);
    let reverse = query.reverse;
    s.read(move |c| {
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

pub(super) fn journal(s: &SqliteStore, execution_arn: &str) -> Result<Vec<JournalEntry>> {
    let arn = execution_arn.to_string();
    s.read(move |c| {
        let mut s = c
            .prepare_cached(
                "SELECT seq, now_ms, input, time_limit_hits, cut FROM journal \
                 WHERE execution_id = (SELECT id FROM executions WHERE arn = ?1) ORDER BY seq",
            )
            .map_err(backend)?;
        collect(s.query_map(params![arn], rows::journal_entry).map_err(backend)?)
    })
}

/// Oldest first.
pub(super) fn open_executions(s: &SqliteStore) -> Result<Vec<ExecutionRecord>> {
    s.read(move |c| {
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

pub(super) fn mark_unsettled(s: &SqliteStore, execution_arn: &str) -> Result<u32> {
    let arn = execution_arn.to_string();
    s.write(move |c| {
        let before: Option<i64> = c
            .prepare_cached("UPDATE executions SET unsettled = unsettled + 1 WHERE arn = ?1 RETURNING unsettled - 1")
            .and_then(|mut s| s.query_row(params![arn], |r| r.get(0)).optional())
            .map_err(backend)?;
        match before {
            Some(n) => Ok(u32::try_from(n).unwrap_or(u32::MAX)),
            None => Err(StoreError::NotFound(arn)),
        }
    })
}

pub(super) fn settle(s: &SqliteStore, execution_arn: &str) -> Result<()> {
    let arn = execution_arn.to_string();
    s.write(move |c| {
        let changed = c
            .prepare_cached("UPDATE executions SET unsettled = 0 WHERE arn = ?1")
            .and_then(|mut s| s.execute(params![arn]))
            .map_err(backend)?;
        if changed == 0 {
            return Err(StoreError::NotFound(arn));
        }
        Ok(())
    })
}
