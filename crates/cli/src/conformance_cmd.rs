//! `stepwise conformance DIR…`: runs AWS-recorded cases and prints the score.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use asl::StateMachine;
use conformance::{Case, Report};
use engine::local::{self, NoTasks, VirtualClock};
use engine::{Execution, ExecutionConfig};
use serde_json::{Value, json};

#[derive(clap::Args)]
pub struct ConformanceArgs {
    /// Case folders, or folders of case folders.
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Also compare the recorded execution histories, and print that score.
    #[arg(long)]
    history: bool,
    /// Print only the score lines, not each failure.
    #[arg(long, short)]
    quiet: bool,
    /// Exit 0 when at least this many cases pass (a ratchet for CI while some cases are
    /// known to fail); by default every case must pass.
    #[arg(long)]
    min_passed: Option<usize>,
}

pub fn run(a: ConformanceArgs) -> anyhow::Result<ExitCode> {
    let cases = conformance::load_cases(&a.dirs)?;
    let mut report = Report::new();
    let mut history_report = Report::new();
    for case in &cases {
        let (actual, history) = run_case(case, a.history);
        report.record(&case.name, case.compare(&actual));
        if a.history && case.history.is_some() {
            match history {
                Some(h) => history_report.record(&case.name, case.compare_history(&h)),
                None => history_report.fail(&case.name, "no history (the definition was rejected)"),
            }
        }
    }
    if !a.quiet {
        for (name, msg) in report.failures() {
            crate::print_line(&Report::render_failure(name, msg));
        }
        if a.history {
            for (name, msg) in history_report.failures() {
                crate::print_line(&Report::render_failure(&format!("{name} (history)"), msg));
            }
        }
    }
    if a.history {
        crate::print_line(&format!("history: {}", history_report.summary_line()));
    }
    crate::print_line(&report.summary_line());
    Ok(if report.all_passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Runs one case: the outcome in expected.json's shape, and the history if asked.
fn run_case(case: &Case, with_history: bool) -> (Value, Option<Vec<Value>>) {
    let def = match StateMachine::parse(&case.definition) {
        Ok(d) => Arc::new(d),
        Err(e) => {
            return (
                json!({"status": "INVALID_DEFINITION", "error": "InvalidDefinition", "message": e.to_string()}),
                None,
            );
        }
    };
    // A fixed, recent start time keeps every run identical.
    let start = 1_732_000_000_000;
    let mut cfg = ExecutionConfig::new(
        &case.name,
        "6f4e1c0e-0000-4000-8000-000000000001",
        "us-east-1",
        "111111111111",
    );
    cfg.start_time_ms = start;
    cfg.record_history = with_history;
    cfg.max_history_events = Some(25_000);
    let mut exec = Execution::new(def, cfg, case.input.clone());
    let outcome = local::run(&mut exec, &mut NoTasks, &mut VirtualClock(start));
    let actual = match outcome {
        Some(o) => o.to_json(),
        None => json!({"status": "STUCK"}),
    };
    let history = with_history.then(|| exec.history().iter().map(|e| e.to_json(false)).collect());
    (actual, history)
}
