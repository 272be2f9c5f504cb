//! Builds the web console (console/, TypeScript + Vite) into OUT_DIR and writes a table of
//! its files for `include_bytes!`, so that the `stepwise` binary carries the console with it
//! and a fresh machine needs only the Rust toolchain and Node.js.
//!
//! - `npm ci` runs when console/node_modules is missing or older than package-lock.json;
//! - `npm run build -- --outDir $OUT_DIR/console-dist` runs whenever an input changed (cargo
//!   reruns this script only then: see the `rerun-if-changed` lines);
//! - `STEPWISE_CONSOLE_DIST=/path/to/dist` embeds a console built elsewhere instead (for a
//!   machine without Node.js).

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What the built console depends on, relative to console/.
const INPUTS: &[&str] = &[
    "package.json",
    "package-lock.json",
    "index.html",
    "vite.config.ts",
    "tsconfig.json",
    "src",
    "public",
];

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let console = manifest.join("../../console");
    println!("cargo:rerun-if-env-changed=STEPWISE_CONSOLE_DIST");
    println!("cargo:rerun-if-changed=build.rs");
    // Only paths that exist: cargo reruns a script on every build for one that does not.
    for input in INPUTS.iter().map(|i| console.join(i)).filter(|p| p.exists()) {
        println!("cargo:rerun-if-changed={}", input.display());
    }
    let dist = match env::var_os("STEPWISE_CONSOLE_DIST") {
        Some(prebuilt) => PathBuf::from(prebuilt),
        None => build(&console, &out.join("console-dist")),
    };
    if !dist.join("index.html").is_file() {
        panic!("the built console has no index.html: {}", dist.display());
    }
    let mut files = Vec::new();
    collect(&dist, &dist, &mut files);
    files.sort();
    let mut table = String::from("/// Every file of the built console: (URL path, contents), sorted by path.\n");
    table.push_str("pub static FILES: &[(&str, &[u8])] = &[\n");
    for (url, path) in &files {
        let path = path.to_str().expect("console file paths are UTF-8");
        writeln!(table, "    ({url:?}, include_bytes!({path:?})),").unwrap();
    }
    table.push_str("];\n");
    fs::write(out.join("assets.rs"), table).expect("cannot write OUT_DIR/assets.rs");
}

/// Runs npm in console/ and returns the directory Vite wrote.
fn build(console: &Path, dist: &Path) -> PathBuf {
    let modules = console.join("node_modules/.package-lock.json");
    let lock = console.join("package-lock.json");
    let stale = match (mtime(&modules), mtime(&lock)) {
        (Some(installed), Some(locked)) => installed < locked,
        _ => true,
    };
    if stale {
        npm(console, &["ci", "--no-audit", "--no-fund"]);
    }
    let out_dir = dist.to_str().expect("OUT_DIR is UTF-8");
    npm(console, &["run", "build", "--", "--outDir", out_dir, "--emptyOutDir"]);
    dist.to_path_buf()
}

fn npm(dir: &Path, args: &[&str]) {
    let output = Command::new("npm").args(args).current_dir(dir).output();
    let output = match output {
        Ok(o) => o,
        Err(e) => panic!(
            "\n\nbuilding the web console needs Node.js and npm (`npm {}` in {} failed to start: {e}).\n\
             Install Node.js 18 or later (Debian: apt-get install nodejs npm), or set\n\
             STEPWISE_CONSOLE_DIST to a console built elsewhere (cd console && npm ci && npm run build).\n",
            args.join(" "),
            dir.display()
        ),
    };
    if !output.status.success() {
        panic!(
            "\n\n`npm {}` in {} failed ({}):\n{}\n{}\n",
            args.join(" "),
            dir.display(),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

fn mtime(path: &Path) -> Option<std::time::SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("readable directory entry").path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let relative = path.strip_prefix(root).expect("under the root");
            let url = format!("/{}", relative.to_str().expect("UTF-8 file name").replace('\\', "/"));
            let absolute = path.canonicalize().expect("the file exists");
            files.push((url, absolute));
        }
    }
}
