//! The listener's graceful shutdown: requests under way when shutdown is asked for are
//! answered, and a request that outlasts the grace period does not hold the server.

use std::sync::Arc;
use std::time::{Duration, Instant};

use server::types::*;
use server::{ApiError, HttpConfig, RequestContext, ServerConfig, StepFunctions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Answers every action with `ServiceUnavailable`, after sleeping.
struct Sleeper(Duration);

macro_rules! sleep_all {
    ($( $(#[$doc:meta])* $method:ident($input:ty) -> $output:ty; )*) => {
        impl StepFunctions for Sleeper {
            $(
                async fn $method(&self, _ctx: RequestContext, _input: $input) -> Result<$output, ApiError> {
                    tokio::time::sleep(self.0).await;
                    Err(ApiError::ServiceUnavailable(stringify!($method).into()))
                }
            )*
        }
    };
}

server::for_each_action!(sleep_all);

/// Starts a server whose actions take `delay`, sends one request, asks for shutdown once the
/// request is under way; (the response text, how serve_with ended, how long shutdown took).
async fn shutdown_during_a_request(delay: Duration, grace: Duration) -> (String, server::ShutdownReport, Duration) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = server::router(Arc::new(Sleeper(delay)), ServerConfig::default());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let config = HttpConfig {
        shutdown_grace: grace,
        ..HttpConfig::default()
    };
    let serving = tokio::spawn(server::serve_with(listener, router, config, async {
        let _ = rx.await;
    }));
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n\
              X-Amz-Target: AWSStepFunctions.ListStateMachines\r\nContent-Length: 2\r\n\r\n{}",
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let asked = Instant::now();
    tx.send(()).unwrap();
    let reader = tokio::spawn(async move {
        let mut response = String::new();
        let _ = stream.read_to_string(&mut response).await;
        response
    });
    let report = serving.await.unwrap().unwrap();
    let took = asked.elapsed();
    // After shutdown, nobody is accepted.
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    let response = tokio::time::timeout(Duration::from_secs(2), reader)
        .await
        .map(|r| r.unwrap())
        .unwrap_or_default();
    (response, report, took)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_under_way_is_answered_before_shutdown_returns() {
    let (response, report, took) = shutdown_during_a_request(Duration::from_millis(500), Duration::from_secs(5)).await;
    assert!(response.starts_with("HTTP/1.1 503"), "{response}");
    assert!(response.ends_with("list_state_machines\"}"), "{response}");
    assert_eq!(report.abandoned_connections, 0);
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(3),
        "{took:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_that_outlasts_the_grace_period_is_abandoned() {
    let (_, report, took) = shutdown_during_a_request(Duration::from_secs(30), Duration::from_millis(300)).await;
    assert_eq!(report.abandoned_connections, 1);
    assert!(took < Duration::from_secs(2), "{took:?}");
}
