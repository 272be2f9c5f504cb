//! The SQL of [`FunctionStore`]: the tables of migration 5 (`functions`,
//! `function_versions`, `function_aliases`; tags in the shared `tags` table).

use rusqlite::{OptionalExtension, Row, params};

use super::rows::{backend, sql_limit, to_i64};
use super::{SqliteStore, collect};
use crate::functions::{FunctionAliasRecord, FunctionRecord, FunctionStore, FunctionVersionRecord};
use crate::{Page, Result, StoreError, Tag};

const FUNCTION_COLS: &str = "arn, name, config, reserved_concurrency, last_version, created_ms";

fn function_row(r: &Row<'_>) -> rusqlite::Result<FunctionRecord> {
    let reserved: Option<i64> = r.get(3)?;
    let last: i64 = r.get(4)?;
    Ok(FunctionRecord {
        arn: r.get(0)?,
        name: r.get(1)?,
        config: r.get(2)?,
        reserved_concurrency: reserved.map(|n| n.clamp(0, i64::from(u32::MAX)) as u32),
        last_version: last.max(0) as u64,
        created_ms: r.get(5)?,
    })
}

fn version_row(r: &Row<'_>) -> rusqlite::Result<FunctionVersionRecord> {
    let v: i64 = r.get(1)?;
    Ok(FunctionVersionRecord {
        function_arn: r.get(0)?,
        version: v.max(0) as u64,
        config: r.get(2)?,
    })
}

fn alias_row(r: &Row<'_>) -> rusqlite::Result<FunctionAliasRecord> {
    Ok(FunctionAliasRecord {
        function_arn: r.get(0)?,
        name: r.get(1)?,
        config: r.get(2)?,
    })
}

fn not_found(n: usize, what: String) -> Result<()> {
    if n == 0 {
        return Err(StoreError::NotFound(what));
    }
    Ok(())
}

fn function_exists(c: &rusqlite::Connection, arn: &str) -> Result<bool> {
    c.prepare_cached("SELECT 1 FROM functions WHERE arn = ?1")
        .and_then(|mut s| s.exists(params![arn]))
        .map_err(backend)
}

impl FunctionStore for SqliteStore {
    fn create_function(&self, f: &FunctionRecord, tags: &[Tag]) -> Result<()> {
        let f = f.clone();
        let tags = tags.to_vec();
        let last = to_i64(f.last_version, "a version number")?;
        self.write(move |c| {
            if function_exists(c, &f.arn)? {
                return Err(StoreError::AlreadyExists(f.arn.clone()));
            }
            c.prepare_cached(&format!(
                "INSERT INTO functions ({FUNCTION_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
            ))
            .and_then(|mut s| {
                s.execute(params![
                    f.arn,
                    f.name,
                    f.config,
                    f.reserved_concurrency.map(i64::from),
                    last,
                    f.created_ms
                ])
            })
            .map_err(backend)?;
            // Tags a function of the same ARN had before it was deleted are gone with it.
            c.execute("DELETE FROM tags WHERE resource_arn = ?1", params![f.arn])
                .map_err(backend)?;
            let mut s = c
                .prepare_cached("INSERT INTO tags (resource_arn, key, value) VALUES (?1, ?2, ?3)")
                .map_err(backend)?;
            for t in &tags {
                s.execute(params![f.arn, t.key, t.value]).map_err(backend)?;
            }
            Ok(())
        })
    }

    fn get_function(&self, arn: &str) -> Result<Option<FunctionRecord>> {
        let arn = arn.to_owned();
        self.read(move |c| {
            c.prepare_cached(&format!("SELECT {FUNCTION_COLS} FROM functions WHERE arn = ?1"))
                .and_then(|mut s| s.query_row(params![arn], function_row).optional())
                .map_err(backend)
        })
    }

    fn update_function(&self, f: &FunctionRecord) -> Result<()> {
        let f = f.clone();
        self.write(move |c| {
            let n = c
                .prepare_cached("UPDATE functions SET config = ?2, reserved_concurrency = ?3 WHERE arn = ?1")
                .and_then(|mut s| s.execute(params![f.arn, f.config, f.reserved_concurrency.map(i64::from)]))
                .map_err(backend)?;
            not_found(n, f.arn)
        })
    }

    fn delete_function(&self, arn: &str) -> Result<()> {
        let arn = arn.to_owned();
        self.write(move |c| {
            // Versions and aliases go with it (ON DELETE CASCADE).
            let n = c
                .execute("DELETE FROM functions WHERE arn = ?1", params![arn])
                .map_err(backend)?;
            c.execute("DELETE FROM tags WHERE resource_arn = ?1", params![arn])
                .map_err(backend)?;
            not_found(n, arn)
        })
    }

    fn list_functions(&self, page: &Page) -> Result<Vec<FunctionRecord>> {
        let after = page.after.clone();
        let limit = sql_limit(page.limit);
        self.read(move |c| {
            let mut s = c
                .prepare_cached(&format!(
                    "SELECT {FUNCTION_COLS} FROM functions WHERE (?1 IS NULL OR arn > ?1) ORDER BY arn LIMIT ?2"
                ))
                .map_err(backend)?;
            collect(s.query_map(params![after, limit], function_row).map_err(backend)?)
        })
    }

    fn publish_function_version(&self, v: &FunctionVersionRecord) -> Result<()> {
        let v = v.clone();
        let number = to_i64(v.version, "a version number")?;
        self.write(move |c| {
            let last: Option<i64> = c
                .prepare_cached("SELECT last_version FROM functions WHERE arn = ?1")
                .and_then(|mut s| s.query_row(params![v.function_arn], |r| r.get(0)).optional())
                .map_err(backend)?;
            let Some(last) = last else {
                return Err(StoreError::NotFound(v.function_arn.clone()));
            };
            if number != last + 1 {
                return Err(StoreError::Conflict {
                    what: format!(
                        "version {} of {} is not the next one (last published: {last})",
                        v.version, v.function_arn
                    ),
                    source: None,
                });
            }
            c.prepare_cached("INSERT INTO function_versions (function_arn, version, config) VALUES (?1, ?2, ?3)")
                .and_then(|mut s| s.execute(params![v.function_arn, number, v.config]))
                .map_err(backend)?;
            c.prepare_cached("UPDATE functions SET last_version = ?2 WHERE arn = ?1")
                .and_then(|mut s| s.execute(params![v.function_arn, number]))
                .map_err(backend)?;
            Ok(())
        })
    }

    fn get_function_version(&self, function_arn: &str, version: u64) -> Result<Option<FunctionVersionRecord>> {
        let arn = function_arn.to_owned();
        let Ok(number) = i64::try_from(version) else {
            return Ok(None);
        };
        self.read(move |c| {
            c.prepare_cached(
                "SELECT function_arn, version, config FROM function_versions WHERE function_arn = ?1 AND version = ?2",
            )
            .and_then(|mut s| s.query_row(params![arn, number], version_row).optional())
            .map_err(backend)
        })
    }

    fn list_function_versions(
        &self,
        function_arn: &str,
        after: Option<u64>,
        limit: usize,
    ) -> Result<Vec<FunctionVersionRecord>> {
        let arn = function_arn.to_owned();
        let after = after.map(|a| i64::try_from(a).unwrap_or(i64::MAX));
        let limit = sql_limit(limit);
        self.read(move |c| {
            let mut s = c
                .prepare_cached(
                    "SELECT function_arn, version, config FROM function_versions \
                     WHERE function_arn = ?1 AND (?2 IS NULL OR version > ?2) ORDER BY version LIMIT ?3",
                )
                .map_err(backend)?;
            collect(s.query_map(params![arn, after, limit], version_row).map_err(backend)?)
        })
    }

    fn delete_function_version(&self, function_arn: &str, version: u64) -> Result<()> {
        let arn = function_arn.to_owned();
        let number = i64::try_from(version).unwrap_or(i64::MAX);
        self.write(move |c| {
            let n = c
                .execute(
                    "DELETE FROM function_versions WHERE function_arn = ?1 AND version = ?2",
                    params![arn, number],
                )
                .map_err(backend)?;
            not_found(n, format!("{arn}:{version}"))
        })
    }

    fn create_function_alias(&self, a: &FunctionAliasRecord) -> Result<()> {
        let a = a.clone();
        self.write(move |c| {
            if !function_exists(c, &a.function_arn)? {
                return Err(StoreError::NotFound(a.function_arn.clone()));
            }
            let taken = c
                .prepare_cached("SELECT 1 FROM function_aliases WHERE function_arn = ?1 AND name = ?2")
                .and_then(|mut s| s.exists(params![a.function_arn, a.name]))
                .map_err(backend)?;
            if taken {
                return Err(StoreError::AlreadyExists(format!("{}:{}", a.function_arn, a.name)));
            }
            c.prepare_cached("INSERT INTO function_aliases (function_arn, name, config) VALUES (?1, ?2, ?3)")
                .and_then(|mut s| s.execute(params![a.function_arn, a.name, a.config]))
                .map_err(backend)?;
            Ok(())
        })
    }

    fn get_function_alias(&self, function_arn: &str, name: &str) -> Result<Option<FunctionAliasRecord>> {
        let (arn, name) = (function_arn.to_owned(), name.to_owned());
        self.read(move |c| {
            c.prepare_cached(
                "SELECT function_arn, name, config FROM function_aliases WHERE function_arn = ?1 AND name = ?2",
            )
            .and_then(|mut s| s.query_row(params![arn, name], alias_row).optional())
            .map_err(backend)
        })
    }

    fn update_function_alias(&self, a: &FunctionAliasRecord) -> Result<()> {
        let a = a.clone();
        self.write(move |c| {
            let n = c
                .prepare_cached("UPDATE function_aliases SET config = ?3 WHERE function_arn = ?1 AND name = ?2")
                .and_then(|mut s| s.execute(params![a.function_arn, a.name, a.config]))
                .map_err(backend)?;
            not_found(n, format!("{}:{}", a.function_arn, a.name))
        })
    }

    fn delete_function_alias(&self, function_arn: &str, name: &str) -> Result<()> {
        let (arn, name) = (function_arn.to_owned(), name.to_owned());
        self.write(move |c| {
            let n = c
                .execute(
                    "DELETE FROM function_aliases WHERE function_arn = ?1 AND name = ?2",
                    params![arn, name],
                )
                .map_err(backend)?;
            not_found(n, format!("{arn}:{name}"))
        })
    }

    fn list_function_aliases(
        &self,
        function_arn: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<FunctionAliasRecord>> {
        let arn = function_arn.to_owned();
        let after = after.map(str::to_owned);
        let limit = sql_limit(limit);
        self.read(move |c| {
            let mut s = c
                .prepare_cached(
                    "SELECT function_arn, name, config FROM function_aliases \
                     WHERE function_arn = ?1 AND (?2 IS NULL OR name > ?2) ORDER BY name LIMIT ?3",
                )
                .map_err(backend)?;
            collect(s.query_map(params![arn, after, limit], alias_row).map_err(backend)?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn function(name: &str) -> FunctionRecord {
        FunctionRecord {
            arn: format!("arn:aws:lambda:us-east-1:123456789012:function:{name}"),
            name: name.to_owned(),
            config: format!(r#"{{"FunctionName":"{name}"}}"#),
            reserved_concurrency: None,
            last_version: 0,
            created_ms: 1,
        }
    }

    fn tags(pairs: &[(&str, &str)]) -> Vec<Tag> {
        pairs
            .iter()
            .map(|(k, v)| Tag {
                key: (*k).into(),
                value: (*v).into(),
            })
            .collect()
    }

    #[test]
    fn functions_versions_aliases_round_trip_and_go_with_their_function() {
        use crate::Store;
        let s = SqliteStore::open_in_memory().unwrap();
        let f = function("f");
        s.create_function(&f, &tags(&[("team", "a")])).unwrap();
        assert!(matches!(s.create_function(&f, &[]), Err(StoreError::AlreadyExists(_))));
        assert_eq!(s.get_function(&f.arn).unwrap(), Some(f.clone()));
        assert_eq!(s.list_tags(&f.arn).unwrap(), tags(&[("team", "a")]));

        let mut g = f.clone();
        g.config = "{}".into();
        g.reserved_concurrency = Some(5);
        g.last_version = 99; // ignored: only publishing raises it
        s.update_function(&g).unwrap();
        let got = s.get_function(&f.arn).unwrap().unwrap();
        assert_eq!(
            (got.config.as_str(), got.reserved_concurrency, got.last_version),
            ("{}", Some(5), 0)
        );

        let v = |n| FunctionVersionRecord {
            function_arn: f.arn.clone(),
            version: n,
            config: format!("v{n}"),
        };
        assert!(matches!(
            s.publish_function_version(&v(2)),
            Err(StoreError::Conflict { .. })
        ));
        s.publish_function_version(&v(1)).unwrap();
        s.publish_function_version(&v(2)).unwrap();
        assert!(matches!(
            s.publish_function_version(&v(2)),
            Err(StoreError::Conflict { .. })
        ));
        assert_eq!(s.get_function(&f.arn).unwrap().unwrap().last_version, 2);
        let page: Vec<u64> = s
            .list_function_versions(&f.arn, Some(1), 10)
            .unwrap()
            .iter()
            .map(|v| v.version)
            .collect();
        assert_eq!(page, vec![2]);
        s.delete_function_version(&f.arn, 1).unwrap();
        assert!(matches!(
            s.delete_function_version(&f.arn, 1),
            Err(StoreError::NotFound(_))
        ));
        assert_eq!(s.get_function_version(&f.arn, 2).unwrap(), Some(v(2)));

        let a = |name: &str| FunctionAliasRecord {
            function_arn: f.arn.clone(),
            name: name.into(),
            config: "{}".into(),
        };
        s.create_function_alias(&a("live")).unwrap();
        s.create_function_alias(&a("beta")).unwrap();
        assert!(matches!(
            s.create_function_alias(&a("live")),
            Err(StoreError::AlreadyExists(_))
        ));
        let mut other = a("x");
        other.function_arn = function("nope").arn;
        assert!(matches!(s.create_function_alias(&other), Err(StoreError::NotFound(_))));
        let names: Vec<String> = s
            .list_function_aliases(&f.arn, None, 10)
            .unwrap()
            .into_iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(names, ["beta", "live"]);
        let mut changed = a("live");
        changed.config = r#"{"x":1}"#.into();
        s.update_function_alias(&changed).unwrap();
        assert_eq!(s.get_function_alias(&f.arn, "live").unwrap(), Some(changed));
        s.delete_function_alias(&f.arn, "beta").unwrap();
        assert!(matches!(
            s.update_function_alias(&a("beta")),
            Err(StoreError::NotFound(_))
        ));

        // Deleting the function takes its versions, aliases and tags; a new one starts at 1.
        s.delete_function(&f.arn).unwrap();
        assert!(matches!(s.delete_function(&f.arn), Err(StoreError::NotFound(_))));
        assert_eq!(s.get_function_version(&f.arn, 2).unwrap(), None);
        assert_eq!(s.get_function_alias(&f.arn, "live").unwrap(), None);
        assert!(s.list_tags(&f.arn).unwrap().is_empty());
        s.create_function(&f, &[]).unwrap();
        s.publish_function_version(&v(1)).unwrap();
    }

    #[test]
    fn functions_list_in_arn_order_by_pages_and_survive_a_reopen() {
        let dir = std::env::temp_dir().join(format!("stepwise-store-functions-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let db = dir.join("stepwise.db");
        {
            let s = SqliteStore::open(&db).unwrap();
            for n in ["c", "a", "b"] {
                s.create_function(&function(n), &[]).unwrap();
            }
            s.publish_function_version(&FunctionVersionRecord {
                function_arn: function("a").arn,
                version: 1,
                config: "{}".into(),
            })
            .unwrap();
        }
        let s = SqliteStore::open(&db).unwrap();
        let first = s.list_functions(&Page { after: None, limit: 2 }).unwrap();
        let names: Vec<&str> = first.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        let rest = s
            .list_functions(&Page {
                after: Some(first[1].arn.clone()),
                limit: 2,
            })
            .unwrap();
        assert_eq!(rest.len(), 1);
        assert_eq!(rest[0].name, "c");
        assert_eq!(s.get_function(&function("a").arn).unwrap().unwrap().last_version, 1);
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
