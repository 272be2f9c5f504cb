//! State machines, their versions and aliases, and the tags of any resource: the SQL of
//! the catalog half of [`Store`](crate::Store).

use rusqlite::{Connection, OptionalExtension, Params, Row, ToSql, params};

use super::rows::{
    self, ALIAS_COLS, SM_COLS, VERSION_COLS, backend, constraint, opt_json_text, routing_text, sql_limit,
};
use super::{SqliteStore, collect};
use crate::{AliasRecord, Page, Result, StateMachineRecord, StoreError, Tag, VersionRecord};

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

fn exists(c: &Connection, sql: &str, key: &str) -> Result<bool> {
    c.prepare_cached(sql)
        .and_then(|mut s| s.exists(params![key]))
        .map_err(backend)
}

/// Runs one (cached) statement; the number of rows it changed.
fn execute(c: &Connection, sql: &str, args: impl Params) -> Result<usize> {
    c.prepare_cached(sql).and_then(|mut s| s.execute(args)).map_err(backend)
}

/// An UPDATE of the row `arn` names: `NotFound` when it changed none.
fn updated(n: usize, arn: &str) -> Result<()> {
    if n == 0 {
        return Err(StoreError::NotFound(arn.to_string()));
    }
    Ok(())
}

/// The row of `table` whose primary key is `arn`, read with `cols` by `row`.
fn get_by_arn<T: Send + 'static>(
    s: &SqliteStore,
    table: &'static str,
    cols: &'static str,
    arn: &str,
    row: fn(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Option<T>> {
    let arn = arn.to_string();
    s.read(move |c| {
        c.prepare_cached(&format!("SELECT {cols} FROM {table} WHERE arn = ?1"))
            .and_then(|mut s| s.query_row(params![arn], row).optional())
            .map_err(backend)
    })
}

/// Every row `sql` selects with `args`, read by `row`.
fn query_all<T>(
    c: &Connection,
    sql: &str,
    args: impl Params,
    row: fn(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut s = c.prepare_cached(sql).map_err(backend)?;
    collect(s.query_map(args, row).map_err(backend)?)
}

/// Deletes the row of `table` (a version or an alias) that `arn` names, and its tags.
fn delete_with_tags(s: &SqliteStore, table: &'static str, arn: &str) -> Result<()> {
    let arn = arn.to_string();
    s.write(move |c| {
        execute(c, &format!("DELETE FROM {table} WHERE arn = ?1"), params![arn])?;
        execute(c, "DELETE FROM tags WHERE resource_arn = ?1", params![arn])?;
        Ok(())
    })
}

/// A state machine as its row holds it: the values INSERT and UPDATE bind, in `SM_COLS`
/// order, with the JSON configurations as text.
struct StateMachineRow {
    sm: StateMachineRecord,
    kind: &'static str,
    logging: Option<String>,
    tracing: Option<String>,
}

impl StateMachineRow {
    fn new(sm: &StateMachineRecord) -> Result<StateMachineRow> {
        Ok(StateMachineRow {
            sm: sm.clone(),
            kind: sm.kind.as_str(),
            logging: opt_json_text(&sm.logging_configuration)?,
            tracing: opt_json_text(&sm.tracing_configuration)?,
        })
    }

    fn params(&self) -> [&dyn ToSql; 11] {
        let sm = &self.sm;
        [
            &sm.arn,
            &sm.name,
            &self.kind,
            &sm.definition,
            &sm.role_arn,
            &sm.description,
            &self.logging,
            &self.tracing,
            &sm.revision_id,
            &sm.created_ms,
            &sm.updated_ms,
        ]
    }
}

pub(super) fn create_state_machine(s: &SqliteStore, sm: &StateMachineRecord, tags: &[Tag]) -> Result<()> {
    let row = StateMachineRow::new(sm)?;
    let tags = tags.to_vec();
    s.write(move |c| {
        c.prepare_cached(&format!(
            "INSERT INTO state_machines ({SM_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
        ))
        .and_then(|mut s| s.execute(row.params()))
        .map_err(|e| constraint(e, &row.sm.arn, &row.sm.arn))?;
        put_tags(c, &row.sm.arn, &tags)
    })
}

pub(super) fn get_state_machine(s: &SqliteStore, arn: &str) -> Result<Option<StateMachineRecord>> {
    get_by_arn(s, "state_machines", SM_COLS, arn, rows::state_machine)
}

pub(super) fn update_state_machine(s: &SqliteStore, sm: &StateMachineRecord) -> Result<()> {
    let row = StateMachineRow::new(sm)?;
    s.write(move |c| {
        let n = c
            .prepare_cached(
                "UPDATE state_machines SET name = ?2, kind = ?3, definition = ?4, role_arn = ?5, \
                 description = ?6, logging_configuration = ?7, tracing_configuration = ?8, \
                 revision_id = ?9, created_ms = ?10, updated_ms = ?11 WHERE arn = ?1",
            )
            .and_then(|mut s| s.execute(row.params()))
            .map_err(backend)?;
        updated(n, &row.sm.arn)
    })
}

pub(super) fn delete_state_machine(s: &SqliteStore, arn: &str) -> Result<()> {
    let arn = arn.to_string();
    s.write(move |c| {
        // The tags of the state machine, its versions (`arn:N`) and aliases (`arn:name`).
        // `;` follows `:` in ASCII: the range is every ARN that starts with `arn:`.
        c.prepare_cached(
            "DELETE FROM tags WHERE resource_arn = ?1 \
             OR (resource_arn >= ?1 || ':' AND resource_arn < ?1 || ';')",
        )
        .and_then(|mut s| s.execute(params![arn]))
        .map_err(backend)?;
        // Versions and aliases go by cascade.
        execute(c, "DELETE FROM state_machines WHERE arn = ?1", params![arn])?;
        Ok(())
    })
}

pub(super) fn list_state_machines(s: &SqliteStore, page: &Page) -> Result<Vec<StateMachineRecord>> {
    let after = page.after.clone();
    let limit = sql_limit(page.limit);
    s.read(move |c| {
        query_all(
            c,
            &format!("SELECT {SM_COLS} FROM state_machines WHERE ?1 IS NULL OR arn > ?1 ORDER BY arn LIMIT ?2"),
            params![after, limit],
            rows::state_machine,
        )
    })
}

pub(super) fn publish_version(s: &SqliteStore, version: &VersionRecord) -> Result<VersionRecord> {
    let mut v = version.clone();
    s.write(move |c| {
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

pub(super) fn get_version(s: &SqliteStore, arn: &str) -> Result<Option<VersionRecord>> {
    get_by_arn(s, "versions", VERSION_COLS, arn, rows::version)
}

pub(super) fn list_versions(s: &SqliteStore, state_machine_arn: &str, page: &Page) -> Result<Vec<VersionRecord>> {
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
    s.read(move |c| {
        query_all(
            c,
            &format!(
                "SELECT {VERSION_COLS} FROM versions WHERE state_machine_arn = ?1 AND version < ?2 \
                 ORDER BY version DESC LIMIT ?3"
            ),
            params![sm_arn, before, limit],
            rows::version,
        )
    })
}

pub(super) fn delete_version(s: &SqliteStore, arn: &str) -> Result<()> {
    delete_with_tags(s, "versions", arn)
}

pub(super) fn create_alias(s: &SqliteStore, alias: &AliasRecord) -> Result<()> {
    let a = alias.clone();
    let routing = routing_text(&a.routing)?;
    s.write(move |c| {
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

pub(super) fn get_alias(s: &SqliteStore, arn: &str) -> Result<Option<AliasRecord>> {
    get_by_arn(s, "aliases", ALIAS_COLS, arn, rows::alias)
}

/// Replaces the alias with the same ARN (all but its ARN and state machine); `NotFound`
/// if there is none.
pub(super) fn update_alias(s: &SqliteStore, alias: &AliasRecord) -> Result<()> {
    let a = alias.clone();
    let routing = routing_text(&a.routing)?;
    s.write(move |c| {
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
        updated(n, &a.arn)
    })
}

pub(super) fn delete_alias(s: &SqliteStore, arn: &str) -> Result<()> {
    delete_with_tags(s, "aliases", arn)
}

pub(super) fn list_aliases(s: &SqliteStore, state_machine_arn: &str, page: &Page) -> Result<Vec<AliasRecord>> {
    let sm_arn = state_machine_arn.to_string();
    let after = page.after.clone();
    let limit = sql_limit(page.limit);
    s.read(move |c| {
        query_all(
            c,
            &format!(
                "SELECT {ALIAS_COLS} FROM aliases WHERE state_machine_arn = ?1 AND (?2 IS NULL OR arn > ?2) \
                 ORDER BY arn LIMIT ?3"
            ),
            params![sm_arn, after, limit],
            rows::alias,
        )
    })
}

pub(super) fn tag_resource(s: &SqliteStore, arn: &str, tags: &[Tag]) -> Result<()> {
    let arn = arn.to_string();
    let tags = tags.to_vec();
    s.write(move |c| put_tags(c, &arn, &tags))
}

pub(super) fn untag_resource(s: &SqliteStore, arn: &str, keys: &[String]) -> Result<()> {
    let arn = arn.to_string();
    let keys = keys.to_vec();
    s.write(move |c| {
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
pub(super) fn list_tags(s: &SqliteStore, arn: &str) -> Result<Vec<Tag>> {
    let arn = arn.to_string();
    s.read(move |c| {
        query_all(
            c,
            "SELECT key, value FROM tags WHERE resource_arn = ?1 ORDER BY rowid",
            params![arn],
            |r| {
                Ok(Tag {
                    key: r.get(0)?,
                    value: r.get(1)?,
                })
            },
        )
    })
}
