//! What every source file must keep to: the pure core (asl, engine) reads no clock, starts no
//! thread and touches no file; libraries log through `tracing`; no file grows past 800 lines
//! of code. See ARCHITECTURE.md, "Invariants".

mod common;

use common::{SourceFile, library_sources, workspace_root};

/// Things the engine and the definition crate must never do: the engine is replayed from its
/// journal and must reach the same state on any machine at any time.
const IMPURE: &[(&str, &str)] = &[
    ("Instant", "reads the clock: time comes in with each call (now_ms)"),
    ("SystemTime", "reads the clock: time comes in with each call (now_ms)"),
    ("std::thread", "threads belong to the runtime"),
    ("thread::spawn", "threads belong to the runtime"),
    ("std::fs", "files belong to the edges (cli, store)"),
    ("File::open", "files belong to the edges (cli, store)"),
    ("std::net", "the network belongs to the server"),
    ("std::process", "processes belong to the edges"),
    ("std::env", "configuration comes in through ExecutionConfig"),
    ("tokio", "the core is synchronous; the runtime drives it"),
    ("thread_rng", "randomness comes from the execution's seed"),
    ("getrandom", "randomness comes from the execution's seed"),
];

/// Hash-ordered collections in the pure core, each with why its order cannot reach a command,
/// an event or an output. A new use must be added here with its reason, or use an ordered
/// collection instead.
const HASHED_ALLOWED: &[(&str, &str)] = &[
    ("crates/asl/src/definition", "state name → id index: keyed lookups only"),
    (
        "crates/asl/src/intrinsics",
        "ArrayUnique's seen-set: keyed lookups, output keeps input order",
    ),
    ("crates/engine/src/mock.rs", "mock configuration: keyed lookups only"),
    (
        "crates/engine/src/local.rs",
        "invocation counts and timers by id: keyed lookups only",
    ),
];

fn pure_core() -> Vec<SourceFile> {
    let root = workspace_root();
    let mut files = Vec::new();
    for krate in ["crates/asl/src", "crates/engine/src"] {
        files.extend(library_sources(&root.join(krate)));
    }
    assert!(
        files.len() > 10,
        "the pure core's sources were not found under {}",
        root.display()
    );
    files
}

#[test]
fn the_pure_core_reads_no_clock_and_touches_no_file() {
    let mut found = Vec::new();
    for f in pure_core() {
        for (n, line) in f.code_lines() {
            for (token, why) in IMPURE {
                if contains_token(line, token) {
                    found.push(format!("{}:{n}: `{token}` ({why}): {}", f.rel, line.trim()));
                }
            }
        }
    }
    assert!(found.is_empty(), "impure code in asl/engine:\n{}", found.join("\n"));
}

#[test]
fn hash_ordered_collections_in_the_core_are_accounted_for() {
    let mut found = Vec::new();
    for f in pure_core() {
        if HASHED_ALLOWED.iter().any(|(prefix, _)| f.rel.starts_with(prefix)) {
            continue;
        }
        for (n, line) in f.code_lines() {
            if contains_token(line, "HashMap") || contains_token(line, "HashSet") {
                found.push(format!("{}:{n}: {}", f.rel, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "a HashMap/HashSet in asl/engine outside the accounted places (iteration order must not \
         reach commands, events or outputs; use BTreeMap/Vec, or add the file with its reason to \
         HASHED_ALLOWED):\n{}",
        found.join("\n")
    );
}

#[test]
fn libraries_log_through_tracing() {
    let root = workspace_root();
    let mut found = Vec::new();
    for krate in ["asl", "engine", "store", "runtime", "server", "service"] {
        let src = root.join("crates").join(krate).join("src");
        for f in library_sources(&src) {
            if f.rel.contains("/src/bin/") {
                continue;
            }
            for (n, line) in f.code_lines() {
                let prints = ["println!", "print!", "dbg!"]
                    .iter()
                    .any(|m| contains_token(line, m.trim_end_matches('!')) && line.contains(m));
                if prints || ["eprintln!", "eprint!"].iter().any(|m| line.contains(m)) {
                    found.push(format!("{}:{n}: {}", f.rel, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "printing from a library (use tracing::{{error,warn,info,debug}}!):\n{}",
        found.join("\n")
    );
}

/// The most lines of code (blank lines, comments and tests aside) one source file may have.
const MAX_CODE_LINES: usize = 800;

#[test]
fn no_source_file_is_over_800_lines_of_code() {
    let root = workspace_root();
    let mut over = Vec::new();
    let crates = std::fs::read_dir(root.join("crates")).expect("crates/");
    let mut sources: Vec<_> = crates.flatten().map(|e| e.path().join("src")).collect();
    sources.push(root.join("xtask/src"));
    for src in sources {
        for f in library_sources(&src) {
            if f.generated() {
                continue;
            }
            let n = f.code_lines().count();
            if n > MAX_CODE_LINES {
                over.push(format!("{}: {n} lines of code", f.rel));
            }
        }
    }
    assert!(
        over.is_empty(),
        "files over {MAX_CODE_LINES} lines of code (split them by concern):\n{}",
        over.join("\n")
    );
}

/// `token` stands in `line` as a whole word (or path segment).
fn contains_token(line: &str, token: &str) -> bool {
    let bytes = line.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut from = 0;
    while let Some(i) = line[from..].find(token) {
        let start = from + i;
        let end = start + token.len();
        let before_ok = start == 0 || !ident(bytes[start - 1]);
        let after_ok = end >= bytes.len() || !ident(bytes[end]);
        if before_ok && after_ok {
            return true;
        }
        from = end;
    }
    false
}

#[test]
fn the_scanner_finds_what_it_should() {
    assert!(contains_token("use std::time::Instant;", "Instant"));
    assert!(!contains_token("let instants = 3; // InstantX", "Instant"));
    let f = SourceFile::from_text(
        "crates/x/src/a.rs",
        "fn a() {}\n// comment\n\n#[cfg(test)]\nmod tests {\n    fn b() { let x = { 1 }; }\n}\nfn c() {}\n",
    );
    let lines: Vec<_> = f.code_lines().map(|(_, l)| l.trim().to_string()).collect();
    assert_eq!(lines, ["fn a() {}", "fn c() {}"]);
}
