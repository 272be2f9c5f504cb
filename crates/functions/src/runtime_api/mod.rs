//! The Lambda Runtime API, served to one function instance.
//!
//! Each instance gets a listener of its own on 127.0.0.1 (its address goes into
//! `AWS_LAMBDA_RUNTIME_API`), so a request needs no instance id and one instance cannot
//! answer another's invocation. The runtime in the process (our bootstraps, AWS's runtime
//! interface clients, any `provided` bootstrap) long-polls `invocation/next`, and answers
//! with `…/response` or `…/error`; `init/error` reports a failed start.
//!
//! The state machine follows AWS's runtime API (as its emulator does): Started → Ready
//! (in `next`) → Running (an invocation handed out) → ResponseSent, with AWS's error
//! documents for a transition that is not allowed, an unknown request id, and a response
//! over the 6 MB synchronous limit.

mod http;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// The largest response (or error document) a runtime may post: AWS's 6 MB synchronous
/// limit as its emulator and service count it (6 MiB + 100 bytes).
pub const MAX_RESPONSE_BYTES: usize = 6 * 1024 * 1024 + 100;

/// One invocation waiting to be handed to the runtime.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub request_id: String,
    pub payload: Bytes,
    /// The function's timeout: the deadline is set when the runtime takes the invocation.
    pub timeout: Duration,
    pub invoked_function_arn: String,
    pub trace_id: Option<String>,
    /// The client context as JSON text (already decoded from the caller's base64).
    pub client_context: Option<String>,
    pub cognito_identity: Option<String>,
}

/// What the runtime did, in the order it did it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiEvent {
    /// The runtime asked for its next invocation (its first call ends the init phase).
    Ready,
    /// The runtime took an invocation; its deadline started then.
    Started {
        request_id: String,
        at: Instant,
    },
    Response {
        request_id: String,
        body: Bytes,
    },
    /// A response over [`MAX_RESPONSE_BYTES`] (the runtime was answered 413).
    ResponseTooLarge {
        request_id: String,
        size: usize,
    },
    Error {
        request_id: String,
        error_type: Option<String>,
        body: Bytes,
    },
    InitError {
        error_type: Option<String>,
        body: Bytes,
    },
}

/// The runtime's state, as AWS names it in its error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RuntimeState {
    Started,
    Ready,
    Running(String),
    ResponseSent,
    InitError,
}

impl RuntimeState {
    fn name(&self) -> &'static str {
        match self {
            RuntimeState::Started => "Started",
            RuntimeState::Ready => "Ready",
            RuntimeState::Running(_) => "Running",
            RuntimeState::ResponseSent => "RuntimeResponseSentState",
            RuntimeState::InitError => "InitError",
        }
    }
}

/// Called with the request id as an invocation is handed to the runtime, before the
/// runtime can see it: what is logged there comes before anything the function prints.
pub type StartHook = Arc<dyn Fn(&str) + Send + Sync>;

struct Shared {
    invocations: tokio::sync::Mutex<mpsc::Receiver<Invocation>>,
    state: Mutex<RuntimeState>,
    events: mpsc::UnboundedSender<ApiEvent>,
    on_start: Option<StartHook>,
}

/// A running listener. Dropping it stops the listener and closes its connections.
pub struct RuntimeApi {
    addr: SocketAddr,
    invocations: mpsc::Sender<Invocation>,
    events: mpsc::UnboundedReceiver<ApiEvent>,
    task: JoinHandle<()>,
}

impl RuntimeApi {
    /// Binds 127.0.0.1 on a free port and starts serving.
    pub async fn start(on_start: Option<StartHook>) -> std::io::Result<RuntimeApi> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (inv_tx, inv_rx) = mpsc::channel(1);
        let (ev_tx, ev_rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            invocations: tokio::sync::Mutex::new(inv_rx),
            state: Mutex::new(RuntimeState::Started),
            events: ev_tx,
            on_start,
        });
        let task = tokio::spawn(http::serve(listener, shared));
        Ok(RuntimeApi {
            addr,
            invocations: inv_tx,
            events: ev_rx,
            task,
        })
    }

    /// `host:port`, for `AWS_LAMBDA_RUNTIME_API`.
    pub fn endpoint(&self) -> String {
        self.addr.to_string()
    }

    /// Queues an invocation for the runtime's next `next` (one at a time).
    pub async fn submit(&self, invocation: Invocation) -> Result<(), Invocation> {
        self.invocations.send(invocation).await.map_err(|e| e.0)
    }

    /// The runtime's next action; `None` once the listener is gone.
    pub async fn event(&mut self) -> Option<ApiEvent> {
        self.events.recv().await
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[cfg(test)]
mod tests;
