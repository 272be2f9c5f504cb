//! `stepwise serve`: the AWS Step Functions API over a durable embedded store.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

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
}

pub fn run(a: ServeArgs) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(serve(a))?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(a: ServeArgs) -> anyhow::Result<()> {
    let mocks = match &a.mock_config {
        Some(file) => {
            let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
            Some(MockConfig::parse(&text)?)
        }
        None => None,
    };
    std::fs::create_dir_all(&a.data_dir).with_context(|| format!("cannot create {}", a.data_dir.display()))?;
    let db = a.data_dir.join("stepwise.db");
    let store = SqliteStore::open(&db).with_context(|| format!("cannot open the store {}", db.display()))?;
    let cfg = RuntimeConfig {
        region: a.region.clone(),
        account: a.account_id.clone(),
        mocks,
    };
    let runtime = Runtime::new(Arc::new(store), cfg).await?;
    let resumed = runtime.running_count();
    let service = Arc::new(Service::new(runtime));
    let authenticator: Option<Arc<dyn server::Authenticator>> = if a.auth {
        let file = match &a.credentials_file {
            Some(f) => f.clone(),
            None => PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".aws/credentials"),
        };
        let auth = server::SigV4Authenticator::from_credentials_file(&file)
            .with_context(|| format!("cannot load the credentials for --auth from {}", file.display()))?;
        Some(Arc::new(auth))
    } else {
        None
    };
    let config = ServerConfig {
        region: a.region.clone(),
        account_id: a.account_id.clone(),
        authenticator,
        ..ServerConfig::default()
    };
    let router = server::router(service, config);
    let listener = tokio::net::TcpListener::bind(a.address)
        .await
        .with_context(|| format!("cannot listen on {}", a.address))?;
    let addr = listener.local_addr()?;
    crate::print_line(&format!(
        "Stepwise listening on http://{addr} (AWS Step Functions API, JSON 1.0)"
    ));
    crate::print_line(&format!(
        "  store: {} ({resumed} running execution(s) resumed); authentication: {}; console: not built yet",
        db.display(),
        if a.auth {
            "AWS SigV4 required"
        } else {
            "any credentials accepted"
        }
    ));
    crate::print_line(&format!(
        "  try: aws stepfunctions list-state-machines --endpoint-url http://{addr} --region {}",
        a.region
    ));
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    tracing::info!(%addr, resumed, store = %db.display(), "serving");
    server::serve_with_shutdown(listener, router, shutdown).await?;
    tracing::info!("stopped");
    Ok(())
}
