//! The schema and its migrations.
//!
//! `PRAGMA user_version` holds the number of migrations applied. At open, the missing ones
//! run in order inside one `BEGIN IMMEDIATE` transaction, so two processes opening the same
//! file never both migrate it and a failed migration leaves the file as it was. Migrations
//! are append-only: never edit one that has shipped, add the next.

use rusqlite::Connection;

use super::rows::sql_error;
use crate::{Result, StoreError};

/// Marks the file as a Stepwise database (`PRAGMA application_id`), "SWST".
pub const APPLICATION_ID: i32 = 0x5357_5354;

/// Ordered migrations; migration `i` brings the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    r#"
CREATE TABLE state_machines (
    arn                   TEXT PRIMARY KEY NOT NULL,
    name                  TEXT NOT NULL,
    kind                  TEXT NOT NULL,
    definition            TEXT NOT NULL,
    role_arn              TEXT NOT NULL,
    description           TEXT,
    logging_configuration TEXT,
    tracing_configuration TEXT,
    revision_id           TEXT NOT NULL,
    created_ms            INTEGER NOT NULL,
    updated_ms            INTEGER NOT NULL
);

-- The last version number handed out per state machine ARN. Kept apart from
-- state_machines so that a number is never handed out twice, not even after the
-- state machine was deleted and created again under the same ARN.
CREATE TABLE version_counters (
    state_machine_arn TEXT PRIMARY KEY NOT NULL,
    last_version      INTEGER NOT NULL
);

CREATE TABLE versions (
    arn               TEXT PRIMARY KEY NOT NULL,
    state_machine_arn TEXT NOT NULL REFERENCES state_machines(arn) ON DELETE CASCADE,
    version           INTEGER NOT NULL,
    definition        TEXT NOT NULL,
    role_arn          TEXT NOT NULL,
    revision_id       TEXT NOT NULL,
    description       TEXT,
    created_ms        INTEGER NOT NULL,
    UNIQUE (state_machine_arn, version)
);

-- routing: JSON array of {"version_arn": …, "weight": …}, in the client's order.
CREATE TABLE aliases (
    arn               TEXT PRIMARY KEY NOT NULL,
    state_machine_arn TEXT NOT NULL REFERENCES state_machines(arn) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    description       TEXT,
    routing           TEXT NOT NULL,
    created_ms        INTEGER NOT NULL,
    updated_ms        INTEGER NOT NULL
);
CREATE INDEX aliases_by_state_machine ON aliases (state_machine_arn, arn);

-- Tags of any resource. The rowid keeps the order in which keys were first set.
CREATE TABLE tags (
    resource_arn TEXT NOT NULL,
    key          TEXT NOT NULL,
    value        TEXT NOT NULL,
    UNIQUE (resource_arn, key)
);

-- Executions outlive their state machine: no foreign key. `id` is a short key for the
-- rows of their histories and journals.
CREATE TABLE executions (
    id                INTEGER PRIMARY KEY,
    arn               TEXT NOT NULL UNIQUE,
    state_machine_arn TEXT NOT NULL,
    name              TEXT NOT NULL,
    kind              TEXT NOT NULL,
    status            TEXT NOT NULL,
    definition        TEXT NOT NULL,
    role_arn          TEXT NOT NULL,
    input             TEXT NOT NULL,
    output            TEXT,
    error             TEXT,
    cause             TEXT,
    start_ms          INTEGER NOT NULL,
    stop_ms           INTEGER,
    version_arn       TEXT,
    alias_arn         TEXT,
    redrive_count     INTEGER NOT NULL,
    test_case         TEXT,
    seed              INTEGER NOT NULL,
    trace_header      TEXT
);
CREATE INDEX executions_by_state_machine ON executions (state_machine_arn, start_ms DESC, arn DESC);
CREATE INDEX executions_by_state_machine_status
    ON executions (state_machine_arn, status, start_ms DESC, arn DESC);
CREATE INDEX executions_by_version ON executions (version_arn, start_ms DESC, arn DESC)
    WHERE version_arn IS NOT NULL;
CREATE INDEX executions_by_alias ON executions (alias_arn, start_ms DESC, arn DESC)
    WHERE alias_arn IS NOT NULL;
CREATE INDEX executions_by_status ON executions (status, start_ms DESC, arn DESC);
CREATE INDEX executions_by_start ON executions (start_ms DESC, arn DESC);

-- History and journal rows go in commit order (`pos`), which SQLite appends cheaply at the
-- right edge of the table; the (execution, id) index holds short entries, so it rarely
-- splits. Clustering the rows by execution instead (WITHOUT ROWID) rewrites several pages
-- per append and halved the group-commit throughput of store-bench.
CREATE TABLE history_events (
    pos               INTEGER PRIMARY KEY,
    execution_id      INTEGER NOT NULL REFERENCES executions(id),
    id                INTEGER NOT NULL,
    previous_event_id INTEGER NOT NULL,
    timestamp_ms      INTEGER NOT NULL,
    event_type        TEXT NOT NULL,
    details_name      TEXT,
    details           TEXT,
    UNIQUE (execution_id, id)
);

CREATE TABLE journal (
    pos           INTEGER PRIMARY KEY,
    execution_id  INTEGER NOT NULL REFERENCES executions(id),
    seq           INTEGER NOT NULL,
    now_ms        INTEGER NOT NULL,
    input         TEXT NOT NULL,
    UNIQUE (execution_id, seq)
);
"#,
    // 2: the engine replay version each execution's journal was written under. Executions
    // of schema 1 were journaled by replay version 1.
    r#"
ALTER TABLE executions ADD COLUMN replay_version INTEGER NOT NULL DEFAULT 1;
"#,
    // 3: the ordinals of the JSONata evaluations of each step that ran out of wall-clock
    // time (a JSON array; NULL, as in every older row, when none did), so that a replay
    // reuses those outcomes instead of timing the evaluations again.
    r#"
ALTER TABLE journal ADD COLUMN time_limit_hits TEXT;
"#,
    // 4: how many processes died while resuming or computing each execution (the resume
    // guard, `Store::mark_unsettled`): set before a replay or a long computation, cleared
    // once the execution waits for the world or ends.
    r#"
ALTER TABLE executions ADD COLUMN unsettled INTEGER NOT NULL DEFAULT 0;
"#,
    // 5: where the runtime's slice timer ended a step (the number of states it entered;
    // NULL when the step ended otherwise, as in every older row).
    r#"
ALTER TABLE journal ADD COLUMN cut INTEGER;
"#,
    // 6: Lambda functions (`FunctionStore`). Each configuration is the Lambda crate's JSON
    // document; the keys are columns. Versions and aliases go with their function.
    r#"
CREATE TABLE functions (
    arn                  TEXT PRIMARY KEY NOT NULL,
    name                 TEXT NOT NULL,
    config               TEXT NOT NULL,
    reserved_concurrency INTEGER,
    last_version         INTEGER NOT NULL,
    created_ms           INTEGER NOT NULL
);

CREATE TABLE function_versions (
    function_arn TEXT NOT NULL REFERENCES functions(arn) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    config       TEXT NOT NULL,
    PRIMARY KEY (function_arn, version)
);

CREATE TABLE function_aliases (
    function_arn TEXT NOT NULL REFERENCES functions(arn) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    config       TEXT NOT NULL,
    PRIMARY KEY (function_arn, name)
);
"#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

pub(crate) fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Brings the database up to [`SCHEMA_VERSION`]; refuses one written by a newer build or
/// by another program.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(|e| sql_error("cannot start the schema migration", e))?;
    let current = user_version(&tx).map_err(|e| sql_error("cannot read the schema version", e))?;
    let app_id: i32 = tx
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| sql_error("cannot read the application id", e))?;
    if current > 0 && app_id != APPLICATION_ID {
        return Err(StoreError::corrupt(
            format!("not a Stepwise database (application_id {app_id:#x}, user_version {current})"),
            None,
        ));
    }
    if current < 0 || current > i64::from(SCHEMA_VERSION) {
        return Err(StoreError::corrupt(
            format!(
                "the database has schema version {current}, newer than this build knows ({SCHEMA_VERSION}): \
                 upgrade Stepwise to open it"
            ),
            None,
        ));
    }
    if current == i64::from(SCHEMA_VERSION) {
        return Ok(()); // dropping the transaction rolls back nothing of note
    }
    if current == 0 {
        // An empty file, or one that holds someone else's tables.
        let tables: i64 = tx
            .query_row("SELECT count(*) FROM sqlite_schema WHERE type = 'table'", [], |r| {
                r.get(0)
            })
            .map_err(|e| sql_error("cannot inspect the database", e))?;
        if tables > 0 {
            return Err(StoreError::corrupt(
                "not a Stepwise database (it has tables but no schema version)",
                None,
            ));
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(|e| sql_error("cannot set the application id", e))?;
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.execute_batch(sql)
            .map_err(|e| sql_error(format!("schema migration {} failed", i + 1), e))?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)
            .map_err(|e| sql_error(format!("cannot record schema version {}", i + 1), e))?;
    }
    tx.commit()
        .map_err(|e| sql_error("cannot commit the schema migration", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_bring_a_fresh_database_up_and_are_idempotent() {
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c).unwrap();
        assert_eq!(user_version(&c).unwrap(), i64::from(SCHEMA_VERSION));
        let app: i32 = c.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
        assert_eq!(app, APPLICATION_ID);
        migrate(&mut c).unwrap();
        assert_eq!(user_version(&c).unwrap(), i64::from(SCHEMA_VERSION));
    }

    #[test]
    fn newer_and_foreign_databases_are_refused() {
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c).unwrap();
        c.pragma_update(None, "user_version", i64::from(SCHEMA_VERSION) + 1)
            .unwrap();
        assert!(matches!(migrate(&mut c), Err(e @ StoreError::Corrupt { .. }) if e.to_string().contains("newer")));

        let mut other = Connection::open_in_memory().unwrap();
        other.pragma_update(None, "user_version", 1).unwrap();
        assert!(
            matches!(migrate(&mut other), Err(e @ StoreError::Corrupt { .. }) if e.to_string().contains("not a Stepwise"))
        );
    }
}
