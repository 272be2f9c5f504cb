//! `stepwise validate FILE`

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use asl::StateMachine;
use serde_json::json;

#[derive(clap::Args)]
pub struct ValidateArgs {
    /// The definition file (Amazon States Language JSON).
    file: PathBuf,
}

pub fn run(a: ValidateArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&a.file).with_context(|| format!("cannot read {}", a.file.display()))?;
    let (result, diagnostics, code) = match StateMachine::parse(&text) {
        Ok(_) => ("OK", Vec::new(), ExitCode::SUCCESS),
        Err(e) => (
            "FAIL",
            e.diagnostics
                .iter()
                .map(|d| json!({"severity": "ERROR", "code": d.code, "message": d.message, "location": d.location}))
                .collect(),
            ExitCode::from(1),
        ),
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&json!({"result": result, "diagnostics": diagnostics}))?
    );
    Ok(code)
}
