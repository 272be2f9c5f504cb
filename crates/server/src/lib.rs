//! The AWS Step Functions API over HTTP, as AWS speaks it (AWS JSON 1.0), so that the `aws`
//! CLI, boto3 and the AWS SDKs work against Stepwise unchanged.
//!
//! - [`protocol`]: `POST /` with `X-Amz-Target: AWSStepFunctions.<Action>`, JSON bodies,
//!   errors as `{"__type": "<namespace>#<Code>", "message": "..."}` (400; 500 for ours).
//! - [`types`]: typed requests and responses, generated from the service model (xtask);
//!   timestamps are epoch seconds on the wire.
//! - [`validate`] and [`rules`]: every request is checked as AWS checks it before the
//!   backend sees it (model constraints → `ValidationException`; ARNs → `InvalidArn`;
//!   names → `InvalidName`; execution input → `InvalidExecutionInput`; …).
//! - [`backend`]: the [`StepFunctions`] trait the runtime implements, one method per action.
//! - [`error`]: [`ApiError`], every exception the actions return, and its wire form.
//! - [`lambda`]: the Lambda API (REST-JSON) framing and its [`lambda::LambdaBackend`] trait.
//! - [`sigv4`]: [`SigV4Authenticator`], AWS Signature Version 4 for the [`Authenticator`] hook,
//!   with the key pairs of a shared credentials file.
//!
//! ```ignore
//! let backend = Arc::new(MyRuntime::new(...));
//! let app = server::router(backend, ServerConfig::default());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8083").await?;
//! server::serve(listener, app).await?;
//! ```

pub mod arn;
pub mod backend;
pub mod error;
mod generated;
pub mod lambda;
pub mod listen;
pub mod protocol;
pub mod rules;
pub mod sigv4;
pub mod types;
pub mod validate;

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::request::Parts;
use axum::routing::post;

pub use backend::{RequestContext, StepFunctions};
pub use error::ApiError;
pub use listen::{HttpConfig, ShutdownReport, serve_with};
pub use sigv4::{CredentialsError, SigV4Authenticator};

/// The account id used when nothing says otherwise (credentials do not carry one).
pub const DEFAULT_ACCOUNT_ID: &str = "123456789012";
/// The region used for unsigned requests.
pub const DEFAULT_REGION: &str = "us-east-1";
/// AWS's cap on one Step Functions request: 1 MB.
pub const MAX_REQUEST_BYTES: usize = 1024 * 1024;

/// Who a request comes from, as an [`Authenticator`] established it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Principal {
    pub access_key_id: Option<String>,
    /// Overrides the server's account id for this request.
    pub account_id: Option<String>,
}

/// The SigV4 hook: checks a request's signature before it is dispatched. Without one, every
/// request is accepted and the credential scope only selects the region.
///
/// It sees the request head and the whole body (SigV4 signs the body's hash). Reject with
/// `ApiError::MissingAuthenticationToken`, `UnrecognizedClient`, `InvalidSignature`,
/// `IncompleteSignature` or `AccessDenied`.
pub trait Authenticator: Send + Sync + 'static {
    fn authenticate(&self, request: &Parts, body: &Bytes) -> Result<Principal, ApiError>;
}

/// How the server answers.
#[derive(Clone)]
pub struct ServerConfig {
    /// The region of unsigned requests (signed ones use their credential scope's).
    pub region: String,
    /// The account id in every ARN.
    pub account_id: String,
    /// Requests larger than this are refused with HTTP 413 `RequestEntityTooLargeException`.
    /// AWS takes 1 MB per Step Functions request ("Maximum request size" in its quotas).
    pub max_body_bytes: usize,
    /// How long a request's body may take to arrive once its headers have; a client that
    /// stalls mid-body gets HTTP 408 and its connection is closed.
    pub body_read_timeout: std::time::Duration,
    /// The SigV4 hook; `None` accepts everything.
    pub authenticator: Option<Arc<dyn Authenticator>>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            region: DEFAULT_REGION.to_owned(),
            account_id: DEFAULT_ACCOUNT_ID.to_owned(),
            max_body_bytes: MAX_REQUEST_BYTES,
            body_read_timeout: std::time::Duration::from_secs(20),
            authenticator: None,
        }
    }
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig")
            .field("region", &self.region)
            .field("account_id", &self.account_id)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("body_read_timeout", &self.body_read_timeout)
            .field("authenticator", &self.authenticator.is_some())
            .finish()
    }
}

/// The Step Functions API as an axum router: `POST /` serves every action; anything else is
/// 404 `UnknownOperationException`. Merge other routers (console, Lambda API) into it.
pub fn router<B: StepFunctions>(backend: Arc<B>, config: ServerConfig) -> axum::Router {
    let state = Arc::new(protocol::AppState { backend, config });
    axum::Router::new()
        .route("/", post(protocol::handle::<B>).fallback(protocol::fallback))
        .fallback(protocol::fallback)
        .with_state(state)
}

/// Serves `router` on `listener` with the default [`HttpConfig`] until the process ends (or
/// the future is dropped).
pub async fn serve(listener: tokio::net::TcpListener, router: axum::Router) -> std::io::Result<()> {
    serve_with(listener, router, HttpConfig::default(), std::future::pending())
        .await
        .map(drop)
}

/// Like [`serve`], but stops accepting when `shutdown` completes and returns once the
/// requests in flight are answered (or the default grace period ends).
pub async fn serve_with_shutdown<F>(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    shutdown: F,
) -> std::io::Result<()>
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    serve_with(listener, router, HttpConfig::default(), shutdown)
        .await
        .map(drop)
}
