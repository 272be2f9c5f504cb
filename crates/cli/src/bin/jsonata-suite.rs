//! Runs the official JSONata 2.0.6 test suite through Stepwise's JSONata adapter
//! (`asl::jsonata`), not through the engine crate directly.
//!
//! ```text
//! jsonata-suite [--dialect standard|step-functions] [--min-passed N] [SUITE_DIR]
//! cargo run --release --bin jsonata-suite -- ../shared/jsonata-suite
//! ```
//!
//! Exits 1 when fewer than `--min-passed` cases pass (CI's floor: 1,623).
//!
//! `SUITE_DIR` holds `datasets/` and `groups/` (default `../shared/jsonata-suite`). Every
//! case is compiled and evaluated with the adapter; failures are printed, then a last line
//! `N passed, M failed`.
//!
//! The default dialect is `standard`: plain JSONata 2.0.6, which the suite specifies, with
//! `$eval` available and the case's data as the context `$`. `step-functions` runs the same
//! cases under AWS's restrictions (no `$eval`, AWS's functions registered), which fails the
//! cases that need `$eval` by design.
//!
//! How the case fields are honoured:
//! - `data` (even `null`) or `dataset` (a file of `datasets/`; `null` means undefined) is the
//!   context; `bindings` are variables; `expr` or `expr-file` (next to the case) the expression;
//! - `timelimit` (ms) and `depth` become the adapter's limits. jsonata-js's runner raises its
//!   own `U1001` when they are exceeded; the adapter reports the engine's codes (`D1011`
//!   depth, `D1012` time), which count as that `U1001`;
//! - `result` compares numbers by value and objects without regard to key order (`unordered`:
//!   the items of a top-level array in any order); `undefinedResult` expects no value; `code`
//!   (or `error.code`) expects an error with that code, from compiling or evaluating.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use asl::env::StaticScope;
use asl::jsonata::{Bindings, Dialect, Expression, Limits, Options};
use serde_json::{Map, Value};

/// The suite runs with the memory budget counted, as `stepwise` does.
#[global_allocator]
static ALLOC: budget::Counting = budget::Counting::new(std::alloc::System);

fn main() -> ExitCode {
    let mut dialect = Dialect::Standard;
    let mut min_passed: Option<usize> = None;
    let mut dir = PathBuf::from("../shared/jsonata-suite");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--dialect" => match args.next().as_deref() {
                Some("standard") => dialect = Dialect::Standard,
                Some("step-functions") => dialect = Dialect::StepFunctions,
                other => {
                    eprintln!("unknown dialect {other:?} (standard | step-functions)");
                    return ExitCode::from(2);
                }
            },
            "--min-passed" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) => min_passed = Some(n),
                None => {
                    eprintln!("--min-passed needs a number");
                    return ExitCode::from(2);
                }
            },
            "-h" | "--help" => {
                println!("usage: jsonata-suite [--dialect standard|step-functions] [--min-passed N] [SUITE_DIR]");
                return ExitCode::SUCCESS;
            }
            other => dir = PathBuf::from(other),
        }
    }
    match run(&dir, dialect) {
        Ok((passed, failed)) => {
            println!("{passed} passed, {failed} failed");
            match min_passed {
                Some(min) if passed < min => {
                    eprintln!("jsonata-suite: {passed} passed, fewer than the required {min}");
                    ExitCode::from(1)
                }
                _ => ExitCode::SUCCESS,
            }
        }
        Err(e) => {
            eprintln!("jsonata-suite: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(dir: &Path, dialect: Dialect) -> Result<(usize, usize), String> {
    let datasets = load_datasets(&dir.join("datasets"))?;
    let mut files = Vec::new();
    let groups = dir.join("groups");
    for group in sorted_entries(&groups)? {
        if group.is_dir() {
            for f in sorted_entries(&group)? {
                if f.extension().is_some_and(|e| e == "json") {
                    files.push(f);
                }
            }
        }
    }
    let (mut passed, mut failed) = (0, 0);
    for file in files {
        let name = file.strip_prefix(&groups).unwrap_or(&file).display().to_string();
        let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let cases = match serde_json::from_str::<Value>(&text) {
            Ok(Value::Array(cases)) => cases,
            Ok(case) => vec![case],
            Err(e) => {
                // Two cases hold lone UTF-16 surrogates, which JSON text in Rust cannot.
                println!("FAIL {name}: the case file cannot be read: {e}");
                failed += 1;
                continue;
            }
        };
        let many = cases.len() > 1;
        for (i, case) in cases.iter().enumerate() {
            let label = if many { format!("{name}[{i}]") } else { name.clone() };
            match run_case(&file, case, &datasets, dialect) {
                Ok(()) => passed += 1,
                Err(why) => {
                    failed += 1;
                    let expr = case.get("expr").and_then(Value::as_str).unwrap_or("<expr-file>");
                    println!("FAIL {label}: {expr}\n     {why}");
                }
            }
        }
    }
    Ok((passed, failed))
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    v.sort();
    Ok(v)
}

fn load_datasets(dir: &Path) -> Result<HashMap<String, Value>, String> {
    let mut out = HashMap::new();
    for f in sorted_entries(dir)? {
        let Some(stem) = f.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let text = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        let v = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", f.display()))?;
        out.insert(stem.to_string(), v);
    }
    Ok(out)
}

fn run_case(file: &Path, case: &Value, datasets: &HashMap<String, Value>, dialect: Dialect) -> Result<(), String> {
    let expr = match (case.get("expr"), case.get("expr-file")) {
        (Some(Value::String(e)), _) => e.clone(),
        (_, Some(Value::String(f))) => {
            let path = file.parent().unwrap_or(Path::new(".")).join(f);
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?
        }
        _ => return Err("the case has no expression".into()),
    };
    let input: Option<&Value> = if let Some(data) = case.get("data") {
        Some(data)
    } else {
        match case.get("dataset") {
            None | Some(Value::Null) => None,
            Some(Value::String(name)) => Some(datasets.get(name).ok_or_else(|| format!("no dataset {name}"))?),
            Some(other) => return Err(format!("bad dataset {other}")),
        }
    };
    let mut limits = Limits {
        timeout: Duration::from_secs(60),
        max_depth: usize::MAX,
        // The suite counts ten-million-item ranges (`[1..10000000] ~> $count()`), about
        // 400 MB in jsonata-core's values: the suite checks the language, so it gets room
        // for them; the budget is still counted and enforced, at this size.
        max_memory: 1 << 30,
    };
    if let Some(ms) = case.get("timelimit").and_then(Value::as_u64) {
        limits.timeout = Duration::from_millis(ms);
    }
    if let Some(depth) = case.get("depth").and_then(Value::as_u64) {
        limits.max_depth = depth as usize;
    }
    let expected_code = case
        .get("code")
        .or_else(|| case.get("error").and_then(|e| e.get("code")))
        .and_then(Value::as_str);

    let outcome = Expression::compile_with(&expr, Options { dialect, limits }).and_then(|e| {
        let mut scope = StaticScope {
            variables: case
                .get("bindings")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_else(Map::new),
            ..StaticScope::default()
        };
        let empty = Value::Object(Map::new());
        let bindings = Bindings::new(input.unwrap_or(&empty), &mut scope).with_root(input);
        e.eval(&bindings)
    });

    match (outcome, expected_code) {
        (Err(e), Some(code)) => {
            let got = e.code.as_deref().unwrap_or("");
            if got == code || (code == "U1001" && matches!(got, "D1011" | "D1012")) {
                Ok(())
            } else {
                Err(format!("expected error {code}, got error {e}"))
            }
        }
        (Err(e), None) => Err(format!("unexpected error {e}")),
        (Ok(v), Some(code)) => Err(format!("expected error {code}, got {}", show(v.as_ref()))),
        (Ok(v), None) => {
            if case.get("undefinedResult").and_then(Value::as_bool) == Some(true) {
                return match v {
                    None => Ok(()),
                    Some(v) => Err(format!("expected undefined, got {v}")),
                };
            }
            let Some(expected) = case.get("result") else {
                return Err("the case expects nothing".into());
            };
            let unordered = case.get("unordered").and_then(Value::as_bool) == Some(true);
            match &v {
                Some(got) if equal(expected, got, unordered) => Ok(()),
                _ => Err(format!("expected {expected}, got {}", show(v.as_ref()))),
            }
        }
    }
}

fn show(v: Option<&Value>) -> String {
    v.map_or_else(|| "undefined".to_string(), Value::to_string)
}

/// Structural equality with numbers compared by value; `unordered` compares the items of
/// top-level arrays as multisets.
fn equal(a: &Value, b: &Value, unordered: bool) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) if unordered => {
            if x.len() != y.len() {
                return false;
            }
            let mut used = vec![false; y.len()];
            x.iter().all(|xi| {
                let found = y
                    .iter()
                    .enumerate()
                    .position(|(j, yj)| !used[j] && equal(xi, yj, false));
                if let Some(j) = found {
                    used[j] = true;
                }
                found.is_some()
            })
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equal(p, q, false)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal(v, w, false)))
        }
        _ => a == b,
    }
}
