//! `cargo run -p xtask -- <task>`: repository chores that are code, not shell.
//!
//! - `codegen`: writes `crates/server/src/generated/{types,model}.rs` from the botocore
//!   service model in `crates/server/model/service-2.json`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let task = std::env::args().nth(1);
    let result = match task.as_deref() {
        Some("codegen") => codegen(),
        _ => {
            eprintln!("usage: cargo run -p xtask -- codegen");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn codegen() -> anyhow::Result<()> {
    let root = workspace_root();
    for file in xtask::codegen::write(&root)? {
        println!("wrote {}", file.display());
    }
    Ok(())
}

/// The workspace root: xtask lives one level below it.
fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}
