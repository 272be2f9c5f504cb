//! `stepwise run DEFINITION`: one execution in process.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use asl::StateMachine;
use engine::local::{self, Clock, MockTasks, NoTasks, TaskHandler, VirtualClock};
use engine::mock::MockConfig;
use engine::{Execution, ExecutionConfig};
use serde_json::Value;

#[derive(clap::Args)]
pub struct RunArgs {
    /// The definition file (Amazon States Language JSON).
    definition: PathBuf,
    /// The execution input: JSON text, or @FILE to read it from a file.
    #[arg(long, default_value = "{}")]
    input: String,
    /// Include the execution history in the output.
    #[arg(long)]
    history: bool,
    /// STANDARD or EXPRESS: which workflow type's rules apply.
    #[arg(long = "type", default_value = "STANDARD", value_parser = ["STANDARD", "EXPRESS"])]
    workflow_type: String,
    /// Do not really wait in Wait states and retry back-offs.
    #[arg(long)]
    fast_timers: bool,
    /// The state machine's name (default: the definition file's stem).
    #[arg(long)]
    name: Option<String>,
    /// A mock configuration (AWS Step Functions Local's MockConfigFile format).
    #[arg(long, requires = "test_case")]
    mock_config: Option<PathBuf>,
    /// The test case of the mock configuration to use.
    #[arg(long, requires = "mock_config")]
    test_case: Option<String>,
}

/// Sleeps for real until timers are due.
struct WallClock;

impl Clock for WallClock {
    fn now_ms(&self) -> i64 {
        now_ms()
    }
    fn advance_to(&mut self, ms: i64) {
        let now = now_ms();
        if ms > now {
            std::thread::sleep(Duration::from_millis((ms - now) as u64));
        }
    }
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

pub fn run(a: RunArgs) -> anyhow::Result<ExitCode> {
    let text =
        std::fs::read_to_string(&a.definition).with_context(|| format!("cannot read {}", a.definition.display()))?;
    let def = match StateMachine::parse(&text) {
        Ok(d) => Arc::new(d),
        Err(e) => bail!("{e}"),
    };
    let input_text = match a.input.strip_prefix('@') {
        Some(file) => std::fs::read_to_string(file).with_context(|| format!("cannot read {file}"))?,
        None => a.input.clone(),
    };
    let input: Value = serde_json::from_str(&input_text).context("the input is not valid JSON")?;
    let name = match &a.name {
        Some(n) => n.clone(),
        None => a
            .definition
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("StateMachine")
            .to_string(),
    };
    let mut tasks: Box<dyn TaskHandler> = match (&a.mock_config, &a.test_case) {
        (Some(file), Some(case)) => {
            let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
            let cfg = MockConfig::parse(&text)?;
            Box::new(MockTasks::new(cfg.test_case(&name, case)?))
        }
        _ => Box::new(NoTasks),
    };
    let standard = a.workflow_type == "STANDARD";
    let start = now_ms();
    let mut cfg = ExecutionConfig::new(&name, &new_execution_name(start), "us-east-1", "123456789012");
    cfg.start_time_ms = start;
    cfg.record_history = a.history;
    cfg.max_history_events = standard.then_some(25_000);
    cfg.max_duration_seconds = (!standard).then_some(300);
    cfg.seed = start as u64;
    let mut exec = Execution::new(def, cfg, input);
    let outcome = if a.fast_timers {
        local::run(&mut exec, tasks.as_mut(), &mut VirtualClock(start))
    } else {
        local::run(&mut exec, tasks.as_mut(), &mut WallClock)
    };
    let Some(outcome) = outcome else {
        bail!("the execution stopped making progress")
    };
    let mut out = outcome.to_json();
    if a.history {
        let events: Vec<Value> = exec.history().iter().map(|e| e.to_json(false)).collect();
        out.as_object_mut()
            .expect("object")
            .insert("history".into(), Value::Array(events));
    }
    crate::print_line(&serde_json::to_string(&out)?);
    Ok(if outcome.status() == "SUCCEEDED" {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// A fresh execution name (a UUID, as AWS generates when none is given).
/// `seed` is the start time; the process id keeps two runs started in the same millisecond
/// apart.
pub fn new_execution_name(seed: i64) -> String {
    let mut rng = asl::rng::SplitMix64::new(seed as u64 ^ std::process::id() as u64);
    let (a, b) = (rng.next_u64(), rng.next_u64());
    asl::rng::uuid_v4(a, b)
}
