//! The HTTP/1.1 listener: hyper's connection driver with the limits a server on the open
//! network needs, which `axum::serve` does not have.
//!
//! - **Header-read timeout**: from the connection's accept (for its first request) or from
//!   the first byte of a later request, to the end of the request's headers. A client that
//!   connects and sends nothing, or its headers a byte at a time, is cut off; it holds no
//!   request, so nothing is lost.
//! - **Idle timeout**: a keep-alive connection with no request under way is closed. Without
//!   it, idle clients hold descriptors until the process runs out of them and new
//!   connections time out.
//! - The **body-read timeout** is the handler's (see [`crate::ServerConfig::body_read_timeout`]),
//!   since only the handler reads the body.
//! - **A cap on connections**: a semaphore permit per connection; at the cap the server stops
//!   accepting and new connections wait in the kernel's backlog instead of taking
//!   descriptors the store needs.
//! - **Graceful shutdown** (hyper-util's `GracefulShutdown`): when the shutdown future
//!   completes the listener is closed (new connections are refused), idle connections are
//!   closed, and requests under way are answered, for at most the grace period.
//!
//! hyper's own `header_read_timeout` starts when a connection *waits* for a request head, so
//! on a keep-alive connection it also cuts off the idle time, with one duration for both.
//! The two timeouts here are kept apart by a small wrapper around the socket that knows
//! whether a request is under way, whether its first byte has arrived, or neither.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::{Instant, Sleep};

/// The connection-level limits of [`serve_with`].
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// From the accept (first request) or a request's first byte (later ones) to the end of
    /// its headers.
    pub header_read_timeout: Duration,
    /// How long a connection may stay open with no request under way.
    pub idle_timeout: Duration,
    /// Connections served at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// After shutdown is asked for, how long requests under way have to finish.
    pub shutdown_grace: Duration,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            header_read_timeout: Duration::from_secs(10),
            // AWS's load balancers close idle connections after 60 s too.
            idle_timeout: Duration::from_secs(60),
            max_connections: 1024,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// How [`serve_with`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShutdownReport {
    /// Connections still open when the grace period ran out (0: every request was answered).
    pub abandoned_connections: usize,
}

/// Serves `router` on `listener` with the limits of `config` until `shutdown` completes,
/// then shuts down gracefully (see the [module](self) docs).
pub async fn serve_with<F>(
    listener: TcpListener,
    router: axum::Router,
    config: HttpConfig,
    shutdown: F,
) -> io::Result<ShutdownReport>
where
    F: Future<Output = ()> + Send,
{
    let permits = Arc::new(Semaphore::new(config.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    // The timeouts are the wrapper's (see the module docs); hyper's would cut idle
    // connections off at the header timeout.
    builder.timer(TokioTimer::new()).header_read_timeout(None);
    let service = TowerToHyperService::new(router);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            _ = &mut shutdown => break,
        };
        let stream = tokio::select! {
            r = listener.accept() => match r {
                Ok((stream, _peer)) => stream,
                Err(e) => {
                    // Out of descriptors (EMFILE/ENFILE) or a connection reset before it
                    // was accepted: keep serving the connections there are, try again soon.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        // A new connection owes its first request's headers within the header timeout.
        let phase = Arc::new(Mutex::new(ConnState {
            phase: Phase::Head(Instant::now()),
            reader: None,
        }));
        let io = TokioIo::new(TimedIo::new(stream, phase.clone(), &config));
        let inner = service.clone();
        let svc = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            set_phase(&phase, Phase::Busy);
            let guard = IdleOnDrop(phase.clone());
            let call = hyper::service::Service::call(&inner, request.map(axum::body::Body::new));
            async move {
                let response = call.await;
                drop(guard);
                response
            }
        });
        let conn = graceful.watch(builder.serve_connection(io, svc));
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended");
            }
            drop(permit);
        });
    }
    // Closing the listener refuses new connections from here on.
    drop(listener);
    let open = graceful.count();
    tracing::info!(connections = open, "shutting down: answering the requests under way");
    match tokio::time::timeout(config.shutdown_grace, graceful.shutdown()).await {
        Ok(()) => Ok(ShutdownReport {
            abandoned_connections: 0,
        }),
        Err(_) => {
            let left = permits_in_use(&permits, config.max_connections.max(1));
            tracing::warn!(
                connections = left,
                grace_ms = config.shutdown_grace.as_millis() as u64,
                "requests still under way when the shutdown grace period ended"
            );
            Ok(ShutdownReport {
                abandoned_connections: left,
            })
        }
    }
}

fn permits_in_use(permits: &Semaphore, total: usize) -> usize {
    total.saturating_sub(permits.available_permits())
}

/// Where a connection is between requests.
#[derive(Debug, Clone, Copy)]
enum Phase {
    /// No request under way, no byte of the next one yet (since then).
    Idle(Instant),
    /// Waiting for a request's headers since then (the accept, or the request's first byte).
    Head(Instant),
    /// A request is being served (its body is read by the handler, under its own timeout).
    Busy,
}

/// What the socket wrapper and the service share about one connection.
struct ConnState {
    phase: Phase,
    /// The read that found nothing while no deadline ran: woken when one starts, since
    /// hyper does not read again after answering if its last read is still pending.
    reader: Option<Waker>,
}

fn set_phase(state: &Mutex<ConnState>, to: Phase) {
    let reader = {
        let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
        s.phase = to;
        s.reader.take()
    };
    if let Some(w) = reader {
        w.wake();
    }
}

/// Marks the connection idle when the request's handler is done (or dropped).
struct IdleOnDrop(Arc<Mutex<ConnState>>);

impl Drop for IdleOnDrop {
    fn drop(&mut self) {
        set_phase(&self.0, Phase::Idle(Instant::now()));
    }
}

/// The socket, failing its reads with `TimedOut` when the phase's deadline passes while
/// nothing arrives; hyper then closes the connection.
struct TimedIo {
    inner: TcpStream,
    phase: Arc<Mutex<ConnState>>,
    header_read_timeout: Duration,
    idle_timeout: Duration,
    sleep: Pin<Box<Sleep>>,
    armed_for: Option<Instant>,
}

impl TimedIo {
    fn new(inner: TcpStream, phase: Arc<Mutex<ConnState>>, config: &HttpConfig) -> Self {
        TimedIo {
            inner,
            phase,
            header_read_timeout: config.header_read_timeout,
            idle_timeout: config.idle_timeout,
            sleep: Box::pin(tokio::time::sleep(Duration::ZERO)),
            armed_for: None,
        }
    }

    /// The deadline now; with none, `waker` is kept to be woken when one starts.
    fn deadline(&self, waker: &Waker) -> Option<(Instant, &'static str)> {
        let mut state = self.phase.lock().unwrap_or_else(|p| p.into_inner());
        match state.phase {
            Phase::Idle(since) => Some((since + self.idle_timeout, "idle")),
            Phase::Head(since) => Some((since + self.header_read_timeout, "header read")),
            Phase::Busy => {
                state.reader = Some(waker.clone());
                None
            }
        }
    }

    fn saw_bytes(&self) {
        let mut state = self.phase.lock().unwrap_or_else(|p| p.into_inner());
        if let Phase::Idle(_) = state.phase {
            state.phase = Phase::Head(Instant::now());
        }
    }
}

impl AsyncRead for TimedIo {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    this.saw_bytes();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                let Some((deadline, which)) = this.deadline(cx.waker()) else {
                    return Poll::Pending;
                };
                if this.armed_for != Some(deadline) {
                    this.sleep.as_mut().reset(deadline);
                    this.armed_for = Some(deadline);
                }
                if this.sleep.as_mut().poll(cx).is_ready() {
                    tracing::debug!(timeout = which, "closing a connection");
                    return Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, format!("{which} timeout"))));
                }
                Poll::Pending
            }
        }
    }
}

impl AsyncWrite for TimedIo {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
