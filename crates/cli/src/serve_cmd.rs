//! `stepwise serve`: the AWS Step Functions API over a durable embedded store, and the web
//! console beside it (GET requests; see crates/console).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use engine::mock::MockConfig;
use runtime::{Runtime, RuntimeConfig};
use server::ServerConfig;
use service::Service;
use store::SqliteStore;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Where to listen (port 0 picks a free port; the address is printed).
    #[arg(long, env = "STEPWISE_ADDRESS", default_value = "127.0.0.1:8083")]
    address: SocketAddr,
    /// Where the embedded store keeps its files.
    #[arg(long, env = "STEPWISE_DATA_DIR", default_value = "stepwise-data")]
    data_dir: PathBuf,
    /// Where Lambda functions keep their code packages (`<dir>/code/<sha256>/`; default
    /// `<data dir>/functions`). Their metadata is in the store.
    #[arg(long, env = "STEPWISE_FUNCTIONS_DIR")]
    functions_dir: Option<PathBuf>,
    /// The region of unsigned requests (signed ones use their own).
    #[arg(long, env = "STEPWISE_REGION", default_value = "us-east-1")]
    region: String,
    /// The account id in every ARN (AWS's own examples use 123456789012).
    #[arg(long, env = "STEPWISE_ACCOUNT_ID", default_value = "123456789012")]
    account_id: String,
    /// Mocked task responses (AWS Step Functions Local's MockConfigFile format), used by
    /// executions started with `stateMachineArn#TestCaseName`.
    #[arg(long, env = "SFN_MOCK_CONFIG")]
    mock_config: Option<PathBuf>,
    /// Require AWS Signature Version 4 on every request, for the keys in the credentials
    /// file (by default any credentials are accepted, as local tools do).
    #[arg(long, env = "STEPWISE_AUTH")]
    auth: bool,
    /// The AWS shared-credentials file whose keys `--auth` accepts
    /// (default: ~/.aws/credentials).
    #[arg(long, env = "STEPWISE_CREDENTIALS_FILE")]
    credentials_file: Option<PathBuf>,
    /// Seconds a client has from the first byte of a request to the end of its headers.
    #[arg(long, env = "STEPWISE_HEADER_READ_TIMEOUT", value_name = "SECONDS", default_value = "10", value_parser = seconds)]
    header_read_timeout: Duration,
    /// Seconds a request's body may take to arrive (then HTTP 408).
    #[arg(long, env = "STEPWISE_BODY_READ_TIMEOUT", value_name = "SECONDS", default_value = "20", value_parser = seconds)]
    body_read_timeout: Duration,
    /// Seconds a keep-alive connection may stay open with no request under way.
    #[arg(long, env = "STEPWISE_IDLE_TIMEOUT", value_name = "SECONDS", default_value = "60", value_parser = seconds)]
    idle_timeout: Duration,
    /// Connections served at once (more wait to be accepted); at most what the descriptor
    /// limit leaves once the store has its share.
    #[arg(long, env = "STEPWISE_MAX_CONNECTIONS", default_value = "1024")]
    max_connections: usize,
    /// On SIGTERM or SIGINT, seconds the requests under way have to finish before the
    /// server exits anyway.
    #[arg(long, env = "STEPWISE_SHUTDOWN_TIMEOUT", value_name = "SECONDS", default_value = "10", value_parser = seconds)]
    shutdown_timeout: Duration,
}

type Auth = Arc<dyn server::Authenticator>;

/// Descriptors kept back from `--max-connections` for the store, its readers and logs.
const RESERVED_DESCRIPTORS: u64 = 128;

fn seconds(text: &str) -> Result<Duration, String> {
    let s: f64 = text.parse().map_err(|_| format!("not a number of seconds: {text}"))?;
    Duration::try_from_secs_f64(s)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("not a positive number of seconds: {text}"))
}

pub fn run(a: ServeArgs) -> anyhow::Result<ExitCode> {
    let descriptors = raise_descriptor_limit();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let grace = a.shutdown_timeout;
    let result = rt.block_on(serve(a, descriptors));
    // Executions still waiting (timers, tasks) are dropped at their next await: each of
    // their steps was committed whole or not at all, and the next start resumes them from
    // the journal. A store call under way gets the grace period to finish.
    rt.shutdown_timeout(grace);
    result?;
    Ok(ExitCode::SUCCESS)
}

/// Raises the soft limit on open files to the hard limit (the soft one is often 1024, far
/// below what a server with many clients needs) and returns the limit in force.
fn raise_descriptor_limit() -> Option<u64> {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    let before = limit.current;
    if limit.current != limit.maximum {
        limit.current = limit.maximum;
        if let Err(e) = setrlimit(Resource::Nofile, limit) {
            tracing::warn!(error = %e, soft = ?before, hard = ?limit.maximum, "cannot raise the open-file limit");
            return before;
        }
        tracing::debug!(from = ?before, to = ?limit.current, "raised the open-file limit");
    }
    limit.current
}

/// SIGTERM or SIGINT, whichever comes first.
async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) else {
        tracing::warn!("cannot install the SIGTERM/SIGINT handlers; stop the server with SIGKILL");
        return std::future::pending().await;
    };
    let name = tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
    };
    tracing::info!(signal = name, "shutting down");
}

async fn serve(a: ServeArgs, descriptors: Option<u64>) -> anyhow::Result<()> {
    let mocks = match &a.mock_config {
        Some(file) => {
            let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
            Some(MockConfig::parse(&text)?)
        }
        None => None,
    };
    std::fs::create_dir_all(&a.data_dir).with_context(|| format!("cannot create {}", a.data_dir.display()))?;
    let db = a.data_dir.join("stepwise.db");
    let store = Arc::new(SqliteStore::open(&db).with_context(|| format!("cannot open the store {}", db.display()))?);
    // Bound first: functions are told where the API is (`AWS_ENDPOINT_URL`).
    let listener = tokio::net::TcpListener::bind(a.address)
        .await
        .with_context(|| format!("cannot listen on {}", a.address))?;
    let addr = listener.local_addr()?;
    let functions_dir = a.functions_dir.clone().unwrap_or_else(|| a.data_dir.join("functions"));
    let code_dir = functions_dir.join("code");
    let code = functions::code::CodeStore::open(&code_dir)
        .with_context(|| format!("cannot open the code packages under {}", code_dir.display()))?;
    let mut runner_config = functions::RunnerConfig::new(functions_dir.join("run"));
    runner_config.api_endpoint = Some(format!("http://{addr}"));
    let runner = functions::Runner::new(runner_config);
    let lambda = lambda::Lambda::new(
        store.clone(),
        code,
        runner.clone(),
        a.region.clone(),
        a.account_id.clone(),
    );
    // Created after the Lambda API: executions resumed here may call functions at once.
    let cfg = RuntimeConfig {
        region: a.region.clone(),
        account: a.account_id.clone(),
        mocks,
        task_runners: vec![lambda::tasks::runner(&lambda)],
    };
    let runtime = Runtime::new(store.clone(), cfg).await?;
    let resumed = runtime.running_count();
    let service = Arc::new(Service::new(runtime));
    let (authenticator, lambda_authenticator): (Option<Auth>, Option<Auth>) = if a.auth {
        let file = match &a.credentials_file {
            Some(f) => f.clone(),
            None => PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".aws/credentials"),
        };
        let auth = server::SigV4Authenticator::from_credentials_file(&file)
            .with_context(|| format!("cannot load the credentials for --auth from {}", file.display()))?;
        let for_lambda = auth.for_lambda();
        (Some(Arc::new(auth)), Some(Arc::new(for_lambda)))
    } else {
        (None, None)
    };
    let lambda_config = server::lambda::LambdaConfig {
        region: a.region.clone(),
        account_id: a.account_id.clone(),
        authenticator: lambda_authenticator,
        ..Default::default()
    };
    let config = ServerConfig {
        region: a.region.clone(),
        account_id: a.account_id.clone(),
        authenticator,
        body_read_timeout: a.body_read_timeout,
        ..ServerConfig::default()
    };
    let mut max_connections = a.max_connections.max(1);
    if let Some(fds) = descriptors {
        let room = usize::try_from(fds.saturating_sub(RESERVED_DESCRIPTORS).max(1)).unwrap_or(usize::MAX);
        if room < max_connections {
            tracing::warn!(
                requested = max_connections,
                allowed = room,
                open_file_limit = fds,
                "fewer connections than --max-connections: the open-file limit is low"
            );
            max_connections = room;
        }
    }
    let http = server::HttpConfig {
        header_read_timeout: a.header_read_timeout,
        idle_timeout: a.idle_timeout,
        max_connections,
        shutdown_grace: a.shutdown_timeout,
    };
    // The console takes the GET requests the API leaves (every POST and dated path stays the API's).
    let router =
        console::mount(server::router(service, config).merge(server::lambda::router(Arc::new(lambda), lambda_config)));
    crate::print_line(&format!(
        "Stepwise listening on http://{addr} (AWS Step Functions API, JSON 1.0; AWS Lambda API, REST-JSON)"
    ));
    crate::print_line(&format!(
        "  store: {} ({resumed} running execution(s) resumed); authentication: {}; console: http://{addr}/",
        db.display(),
        if a.auth {
            "AWS SigV4 required"
        } else {
            "any credentials accepted"
        }
    ));
    crate::print_line(&format!("  functions: code under {}", code_dir.display()));
    crate::print_line(&format!(
        "  try: aws stepfunctions list-state-machines --endpoint-url http://{addr} --region {}",
        a.region
    ));
    tracing::info!(%addr, resumed, store = %db.display(), max_connections, "serving");
    let report = server::serve_with(listener, router, http, shutdown_signal()).await?;
    tracing::info!(
        abandoned_connections = report.abandoned_connections,
        "stopped accepting; requests answered"
    );
    runner.shutdown().await;
    Ok(())
}
