//! ARCHITECTURE.md's code map says what each crate may depend on. These tests hold it to the
//! Cargo.toml files, so the map cannot drift from the build: a new dependency is a line in
//! the map, and a dependency the map names but the crate no longer has is a stale line.

mod common;

use std::collections::BTreeSet;

use common::workspace_root;

/// One row of the code map: the crate's folder and the dependencies it names.
struct Row {
    folder: String,
    deps: BTreeSet<String>,
}

fn code_map() -> Vec<Row> {
    let text = std::fs::read_to_string(workspace_root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let section = text
        .split("## Code map")
        .nth(1)
        .expect("ARCHITECTURE.md has a '## Code map' section");
    let mut rows = Vec::new();
    for line in section.lines().skip_while(|l| !l.starts_with('|')) {
        if !line.starts_with('|') {
            break;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if cells.len() < 3 || cells[0] == "crate" || cells[0].starts_with("---") {
            continue;
        }
        let folder = backticked(cells[0])
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("code map row without a `folder`: {line}"));
        let deps = backticked(cells[cells.len() - 1]).into_iter().collect();
        rows.push(Row {
            folder: folder.trim_end_matches('/').to_string(),
            deps,
        });
    }
    assert!(!rows.is_empty(), "the code map table was not found");
    rows
}

/// The `names` written in backticks in a table cell.
fn backticked(cell: &str) -> Vec<String> {
    cell.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

fn manifest(folder: &str) -> toml::Table {
    let path = workspace_root().join(folder).join("Cargo.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.parse().unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The names under `[dependencies]` (not dev- or build-dependencies).
fn dependencies(folder: &str) -> BTreeSet<String> {
    manifest(folder)
        .get("dependencies")
        .and_then(|d| d.as_table())
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn every_workspace_member_is_on_the_code_map() {
    let root = manifest(".");
    let members: BTreeSet<String> = root["workspace"]["members"]
        .as_array()
        .expect("workspace.members")
        .iter()
        .filter_map(|m| m.as_str().map(str::to_string))
        .collect();
    let mapped: BTreeSet<String> = code_map().into_iter().map(|r| r.folder).collect();
    let missing: Vec<_> = members.difference(&mapped).collect();
    assert!(
        missing.is_empty(),
        "workspace members missing from ARCHITECTURE.md's code map: {missing:?}"
    );
}

#[test]
fn the_code_map_names_each_crates_dependencies_exactly() {
    let mut wrong = Vec::new();
    for row in code_map() {
        let actual = dependencies(&row.folder);
        let unlisted: Vec<_> = actual.difference(&row.deps).collect();
        let stale: Vec<_> = row.deps.difference(&actual).collect();
        if !unlisted.is_empty() || !stale.is_empty() {
            wrong.push(format!(
                "{}: depends on but the map does not say {unlisted:?}; the map says but Cargo.toml has not {stale:?}",
                row.folder
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "ARCHITECTURE.md's code map is out of date:\n{}",
        wrong.join("\n")
    );
}
