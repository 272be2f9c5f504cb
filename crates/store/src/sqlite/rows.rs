//! Between records and rows: column lists, row readers that refuse bad data with an error
//! (never a panic), and the mapping of SQLite errors to [`StoreError`].

use rusqlite::Row;
use rusqlite::types::Type;
use serde_json::Value;

use crate::{
    AliasRecord, BoxError, ExecutionRecord, ExecutionStatus, JournalEntry, RoutingEntry, StateMachineRecord,
    StoreError, StoredEvent, VersionRecord, WorkflowType,
};

pub(crate) const SM_COLS: &str = "arn, name, kind, definition, role_arn, description, logging_configuration, \
     tracing_configuration, revision_id, created_ms, updated_ms";

pub(crate) const VERSION_COLS: &str =
    "arn, state_machine_arn, version, definition, role_arn, revision_id, description, created_ms";

pub(crate) const ALIAS_COLS: &str = "arn, state_machine_arn, name, description, routing, created_ms, updated_ms";

pub(crate) const EXEC_COLS: &str = "arn, state_machine_arn, name, kind, status, definition, role_arn, input, output, \
     error, cause, start_ms, stop_ms, version_arn, alias_arn, redrive_count, test_case, seed, trace_header, replay_version";

pub(crate) const EVENT_COLS: &str = "id, previous_event_id, timestamp_ms, event_type, details_name, details";

// --- errors ------------------------------------------------------------------------------

/// Any SQLite failure, by what the caller can do about it: wait and retry (busy, I/O, full
/// disk), not retry (damaged file or data, a constraint), or report a bug (everything else).
pub(crate) fn backend(e: rusqlite::Error) -> StoreError {
    sql_error("a SQLite request failed", e)
}

/// [`backend`] with a description of what was being done.
pub(crate) fn sql_error(what: impl Into<String>, e: rusqlite::Error) -> StoreError {
    let kind = Kind::of(&e);
    kind.error(what.into(), Box::new(e))
}

/// What kind of [`StoreError`] a SQLite error is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    Unavailable,
    Corrupt,
    Conflict,
    Internal,
}

impl Kind {
    pub(crate) fn of(e: &rusqlite::Error) -> Kind {
        use rusqlite::ErrorCode as C;
        match e {
            rusqlite::Error::SqliteFailure(f, _) => match f.code {
                C::DatabaseBusy
                | C::DatabaseLocked
                | C::SystemIoFailure
                | C::DiskFull
                | C::CannotOpen
                | C::OutOfMemory
                | C::ReadOnly
                | C::PermissionDenied
                | C::FileLockingProtocolFailed => Kind::Unavailable,
                C::DatabaseCorrupt | C::NotADatabase => Kind::Corrupt,
                C::ConstraintViolation => Kind::Conflict,
                _ => Kind::Internal,
            },
            rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::InvalidColumnType(..)
            | rusqlite::Error::IntegralValueOutOfRange(..) => Kind::Corrupt,
            _ => Kind::Internal,
        }
    }

    pub(crate) fn error(self, what: String, source: BoxError) -> StoreError {
        let source = Some(source);
        match self {
            Kind::Unavailable => StoreError::Unavailable { what, source },
            Kind::Corrupt => StoreError::Corrupt { what, source },
            Kind::Conflict => StoreError::Conflict { what, source },
            Kind::Internal => StoreError::Internal { what, source },
        }
    }
}
/// Maps a failed insert or update: a primary key or unique violation means `what` exists
/// already, a foreign key violation that `missing` does not exist.
pub(crate) fn constraint(e: rusqlite::Error, what: &str, missing: &str) -> StoreError {
    use rusqlite::ffi;
    if let rusqlite::Error::SqliteFailure(f, _) = &e {
        match f.extended_code {
            ffi::SQLITE_CONSTRAINT_PRIMARYKEY | ffi::SQLITE_CONSTRAINT_UNIQUE => {
                return StoreError::AlreadyExists(what.to_string());
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => return StoreError::NotFound(missing.to_string()),
            _ => {}
        }
    }
    backend(e)
}

fn bad(idx: usize, msg: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, msg.into())
}

// --- values ------------------------------------------------------------------------------

pub(crate) fn to_i64(v: u64, what: &str) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| StoreError::invalid(format!("{what} {v}: too large"), None))
}

pub(crate) fn json_text(v: &Value) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::invalid("a JSON value", Some(Box::new(e))))
}

pub(crate) fn opt_json_text(v: &Option<Value>) -> Result<Option<String>, StoreError> {
    v.as_ref().map(json_text).transpose()
}

pub(crate) fn routing_text(routing: &[RoutingEntry]) -> Result<String, StoreError> {
    serde_json::to_string(routing).map_err(|e| StoreError::invalid("a routing configuration", Some(Box::new(e))))
}

/// 0 means no limit.
pub(crate) fn sql_limit(limit: usize) -> i64 {
    if limit == 0 {
        -1
    } else {
        i64::try_from(limit).unwrap_or(i64::MAX)
    }
}

fn get_u64(r: &Row, idx: usize) -> rusqlite::Result<u64> {
    let v: i64 = r.get(idx)?;
    u64::try_from(v).map_err(|_| bad(idx, format!("negative value {v} where none is allowed")))
}

fn get_json(r: &Row, idx: usize) -> rusqlite::Result<Value> {
    let s: String = r.get(idx)?;
    serde_json::from_str(&s).map_err(|e| bad(idx, format!("stored JSON does not parse: {e}")))
}

fn get_opt_json(r: &Row, idx: usize) -> rusqlite::Result<Option<Value>> {
    let s: Option<String> = r.get(idx)?;
    s.map(|s| serde_json::from_str(&s).map_err(|e| bad(idx, format!("stored JSON does not parse: {e}"))))
        .transpose()
}

fn get_kind(r: &Row, idx: usize) -> rusqlite::Result<WorkflowType> {
    let s: String = r.get(idx)?;
    match s.as_str() {
        "STANDARD" => Ok(WorkflowType::Standard),
        "EXPRESS" => Ok(WorkflowType::Express),
        _ => Err(bad(idx, format!("unknown workflow type {s:?}"))),
    }
}

fn get_status(r: &Row, idx: usize) -> rusqlite::Result<ExecutionStatus> {
    let s: String = r.get(idx)?;
    ExecutionStatus::parse(&s).ok_or_else(|| bad(idx, format!("unknown execution status {s:?}")))
}

// --- rows --------------------------------------------------------------------------------

pub(crate) fn state_machine(r: &Row) -> rusqlite::Result<StateMachineRecord> {
    Ok(StateMachineRecord {
        arn: r.get(0)?,
        name: r.get(1)?,
        kind: get_kind(r, 2)?,
        definition: r.get(3)?,
        role_arn: r.get(4)?,
        description: r.get(5)?,
        logging_configuration: get_opt_json(r, 6)?,
        tracing_configuration: get_opt_json(r, 7)?,
        revision_id: r.get(8)?,
        created_ms: r.get(9)?,
        updated_ms: r.get(10)?,
    })
}

pub(crate) fn version(r: &Row) -> rusqlite::Result<VersionRecord> {
    Ok(VersionRecord {
        arn: r.get(0)?,
        state_machine_arn: r.get(1)?,
        version: get_u64(r, 2)?,
        definition: r.get(3)?,
        role_arn: r.get(4)?,
        revision_id: r.get(5)?,
        description: r.get(6)?,
        created_ms: r.get(7)?,
    })
}

pub(crate) fn alias(r: &Row) -> rusqlite::Result<AliasRecord> {
    let routing: String = r.get(4)?;
    let routing: Vec<RoutingEntry> =
        serde_json::from_str(&routing).map_err(|e| bad(4, format!("stored routing does not parse: {e}")))?;
    Ok(AliasRecord {
        arn: r.get(0)?,
        state_machine_arn: r.get(1)?,
        name: r.get(2)?,
        description: r.get(3)?,
        routing,
        created_ms: r.get(5)?,
        updated_ms: r.get(6)?,
    })
}

pub(crate) fn execution(r: &Row) -> rusqlite::Result<ExecutionRecord> {
    let redrive: i64 = r.get(15)?;
    let seed: i64 = r.get(17)?;
    Ok(ExecutionRecord {
        arn: r.get(0)?,
        state_machine_arn: r.get(1)?,
        name: r.get(2)?,
        kind: get_kind(r, 3)?,
        status: get_status(r, 4)?,
        definition: r.get(5)?,
        role_arn: r.get(6)?,
        input: r.get(7)?,
        output: r.get(8)?,
        error: r.get(9)?,
        cause: r.get(10)?,
        start_ms: r.get(11)?,
        stop_ms: r.get(12)?,
        version_arn: r.get(13)?,
        alias_arn: r.get(14)?,
        redrive_count: u32::try_from(redrive).map_err(|_| bad(15, format!("bad redrive count {redrive}")))?,
        test_case: r.get(16)?,
        // The full u64 range is stored bit for bit in SQLite's signed integer.
        seed: seed as u64,
        trace_header: r.get(18)?,
        replay_version: {
            let v: i64 = r.get(19)?;
            u32::try_from(v).map_err(|_| bad(19, format!("bad replay version {v}")))?
        },
    })
}

pub(crate) fn event(r: &Row) -> rusqlite::Result<StoredEvent> {
    let name: Option<String> = r.get(4)?;
    let details = match name {
        Some(name) => Some((name, get_json(r, 5)?)),
        None => None,
    };
    Ok(StoredEvent {
        id: get_u64(r, 0)?,
        previous_event_id: get_u64(r, 1)?,
        timestamp_ms: r.get(2)?,
        event_type: r.get(3)?,
        details,
    })
}

pub(crate) fn journal_entry(r: &Row) -> rusqlite::Result<JournalEntry> {
    Ok(JournalEntry {
        seq: get_u64(r, 0)?,
        now_ms: r.get(1)?,
        input: get_json(r, 2)?,
        time_limit_hits: match get_opt_json(r, 3)? {
            Some(v) => serde_json::from_value(v).map_err(|e| bad(3, format!("time-limit hits: {e}")))?,
            None => Vec::new(),
        },
        cut: match r.get::<_, Option<i64>>(4)? {
            Some(n) => Some(u64::try_from(n).map_err(|_| bad(4, format!("bad cut {n}")))?),
            None => None,
        },
    })
}

/// An event ready for insertion: converted and serialized by the calling thread, so that
/// the writer thread only runs SQL.
pub(crate) struct EventRow {
    pub id: i64,
    pub previous_event_id: i64,
    pub timestamp_ms: i64,
    pub event_type: String,
    pub details_name: Option<String>,
    pub details: Option<String>,
}

impl EventRow {
    pub(crate) fn from_event(e: &StoredEvent) -> Result<EventRow, StoreError> {
        let (details_name, details) = match &e.details {
            Some((name, v)) => (Some(name.clone()), Some(json_text(v)?)),
            None => (None, None),
        };
        Ok(EventRow {
            id: to_i64(e.id, "event id")?,
            previous_event_id: to_i64(e.previous_event_id, "previous event id")?,
            timestamp_ms: e.timestamp_ms,
            event_type: e.event_type.clone(),
            details_name,
            details,
        })
    }
}

pub(crate) struct JournalRow {
    pub seq: i64,
    pub now_ms: i64,
    pub input: String,
    /// JSON array, or NULL when there are none.
    pub time_limit_hits: Option<String>,
    pub cut: Option<i64>,
}

impl JournalRow {
    pub(crate) fn from_entry(j: &JournalEntry) -> Result<JournalRow, StoreError> {
        Ok(JournalRow {
            seq: to_i64(j.seq, "journal sequence number")?,
            now_ms: j.now_ms,
            input: json_text(&j.input)?,
            time_limit_hits: if j.time_limit_hits.is_empty() {
                None
            } else {
                Some(json_text(&serde_json::json!(j.time_limit_hits))?)
            },
            cut: j.cut.map(|n| to_i64(n, "journal cut")).transpose()?,
        })
    }
}
