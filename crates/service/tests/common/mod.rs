//! The real backend for the HTTP API tests: `Service` over a `Runtime` over a `SqliteStore` in a
//! fresh temporary directory, built the way `stepwise serve` builds it.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use runtime::{Runtime, RuntimeConfig};
use server::ServerConfig;
use service::Service;
use store::SqliteStore;

/// A data directory removed when the test ends.
pub struct DataDir(pub PathBuf);

impl DataDir {
    pub fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("stepwise-service-test-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        DataDir(dir)
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The runtime over the store in `dir`, with the server's default region and account.
pub async fn runtime(dir: &DataDir) -> Arc<Runtime> {
    let store = SqliteStore::open(&dir.0.join("stepwise.db")).unwrap();
    let defaults = ServerConfig::default();
    let cfg = RuntimeConfig {
        region: defaults.region,
        account: defaults.account_id,
        mocks: None,
        task_runners: Vec::new(),
    };
    Runtime::new(Arc::new(store), cfg).await.unwrap()
}

/// The service over [`runtime`].
pub async fn backend(dir: &DataDir) -> Arc<Service> {
    Arc::new(Service::new(runtime(dir).await))
}

/// The router over the real service, with `config`.
pub async fn app_with(dir: &DataDir, config: ServerConfig) -> axum::Router {
    server::router(backend(dir).await, config)
}

pub async fn app(dir: &DataDir) -> axum::Router {
    app_with(dir, ServerConfig::default()).await
}

/// Serves `router` on 127.0.0.1:0 in the background.
pub async fn spawn_router(router: axum::Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server::serve(listener, router));
    addr
}

/// Serves the real service on 127.0.0.1:0 in the background.
pub async fn spawn(dir: &DataDir) -> std::net::SocketAddr {
    spawn_router(app(dir).await).await
}

/// Whether `program arg` runs. When it does not and `CI` is set, the test fails: a CI
/// without the client would pass without testing anything. Locally it skips with a note.
pub fn require(program: &str, arg: &str, what: &str) -> bool {
    let ok = std::process::Command::new(program)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "{what} is required when CI is set");
        eprintln!("note: {what} is not installed; skipping");
    }
    ok
}
