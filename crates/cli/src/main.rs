//! `stepwise`: the command-line entry point.

mod conformance_cmd;
mod run_cmd;
mod serve_cmd;
mod validate_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Counts each JSONata evaluation's live bytes so that it fails at its memory budget
/// instead of growing until the allocator aborts the process (see the `budget` crate).
#[global_allocator]
static ALLOC: budget::Counting = budget::Counting::new(std::alloc::System);

#[derive(Parser)]
#[command(
    name = "stepwise",
    version,
    about = "A self-hosted AWS Step Functions: run Amazon States Language workflows"
)]
struct Cli {
    /// What to log on stderr, as a tracing filter (`info`, `debug`, `runtime=debug,warn`…);
    /// `RUST_LOG` is read when this is not given. Default: `info` for `serve`, `warn` otherwise.
    #[arg(long, global = true, value_name = "FILTER")]
    log: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the AWS Step Functions API (embedded store, durable Standard workflows).
    Serve(serve_cmd::ServeArgs),
    /// Run a state machine definition in process, without a server, and print the result.
    Run(run_cmd::RunArgs),
    /// Validate a definition; print the diagnostics as JSON; exit 1 if it has errors.
    Validate(validate_cmd::ValidateArgs),
    /// Run AWS-recorded conformance cases and print the score.
    Conformance(conformance_cmd::ConformanceArgs),
}

/// Prints a line on stdout; a closed pipe (`stepwise run … | head`) is not an error.
pub fn print_line(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
}

/// Sends `tracing` events to stderr, filtered by `--log`, else `RUST_LOG`, else `default`.
fn init_logging(flag: Option<&str>, default: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = match flag {
        Some(f) => EnvFilter::try_new(f).ok(),
        None => EnvFilter::try_from_default_env().ok(),
    }
    .unwrap_or_else(|| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let default_level = if matches!(cli.command, Command::Serve(_)) {
        "info"
    } else {
        "warn"
    };
    init_logging(cli.log.as_deref(), default_level);
    let result = match cli.command {
        Command::Serve(a) => serve_cmd::run(a),
        Command::Run(a) => run_cmd::run(a),
        Command::Validate(a) => validate_cmd::run(a),
        Command::Conformance(a) => conformance_cmd::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("stepwise: {e:#}");
            ExitCode::from(2)
        }
    }
}
