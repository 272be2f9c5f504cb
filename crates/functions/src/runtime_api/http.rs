//! The Runtime API's HTTP side: routing, the long poll, and AWS's answers.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use super::{ApiEvent, MAX_RESPONSE_BYTES, RuntimeState, Shared};

const PREFIX: &str = "/2018-06-01/runtime/";

/// Accepts connections until the task is aborted (which drops, and so aborts, every
/// connection task with it).
pub(super) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                tracing::warn!(error = %e, "runtime API accept failed");
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let shared = shared.clone();
                async move { Ok::<_, Infallible>(route(&shared, req).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
        while connections.try_join_next().is_some() {}
    }
}

type Answer = Response<Full<Bytes>>;

async fn route(shared: &Shared, req: Request<Incoming>) -> Answer {
    let path = req.uri().path().to_string();
    let Some(rest) = path.strip_prefix(PREFIX) else {
        return not_found();
    };
    let parts: Vec<&str> = rest.split('/').collect();
    match (req.method(), parts.as_slice()) {
        (&Method::GET, ["invocation", "next"]) => next(shared).await,
        (&Method::POST, ["invocation", id, "response"]) => {
            let id = id.to_string();
            response(shared, id, req).await
        }
        (&Method::POST, ["invocation", id, "error"]) => {
            let id = id.to_string();
            error(shared, id, req).await
        }
        (&Method::POST, ["init", "error"]) => init_error(shared, req).await,
        (_, ["invocation", "next"]) | (_, ["invocation", _, "response" | "error"]) | (_, ["init", "error"]) => {
            plain(StatusCode::METHOD_NOT_ALLOWED, "")
        }
        _ => not_found(),
    }
}

async fn next(shared: &Shared) -> Answer {
    {
        let mut state = shared.state.lock().expect("runtime state poisoned");
        match &*state {
            RuntimeState::Started | RuntimeState::ResponseSent | RuntimeState::Ready => *state = RuntimeState::Ready,
            other => return forbidden_transition(other.name(), "Ready"),
        }
    }
    let _ = shared.events.send(ApiEvent::Ready);
    let invocation = {
        let mut rx = shared.invocations.lock().await;
        match rx.recv().await {
            Some(invocation) => invocation,
            None => return internal_error(),
        }
    };
    let deadline_ms = now_ms() + invocation.timeout.as_millis() as u64;
    *shared.state.lock().expect("runtime state poisoned") = RuntimeState::Running(invocation.request_id.clone());
    if let Some(hook) = &shared.on_start {
        hook(&invocation.request_id);
    }
    let _ = shared.events.send(ApiEvent::Started {
        request_id: invocation.request_id.clone(),
        at: Instant::now(),
    });
    let mut resp = Response::new(Full::new(invocation.payload));
    let h = resp.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let mut put = |name: &'static str, value: &str| {
        if let Ok(v) = HeaderValue::from_bytes(value.as_bytes()) {
            h.insert(name, v);
        }
    };
    put("lambda-runtime-aws-request-id", &invocation.request_id);
    put("lambda-runtime-deadline-ms", &deadline_ms.to_string());
    put("lambda-runtime-invoked-function-arn", &invocation.invoked_function_arn);
    if let Some(trace) = &invocation.trace_id {
        put("lambda-runtime-trace-id", trace);
    }
    if let Some(cc) = &invocation.client_context {
        put("lambda-runtime-client-context", cc);
    }
    if let Some(ci) = &invocation.cognito_identity {
        put("lambda-runtime-cognito-identity", ci);
    }
    resp
}

/// Checks that `id` is the invocation in progress; on success the runtime's answer is
/// taken (state ResponseSent).
fn claim(shared: &Shared, id: &str, transition: &str) -> Result<(), Box<Answer>> {
    let mut state = shared.state.lock().expect("runtime state poisoned");
    match &*state {
        RuntimeState::Running(current) if current == id => {
            *state = RuntimeState::ResponseSent;
            Ok(())
        }
        RuntimeState::Running(_) => Err(Box::new(invalid_request_id())),
        other => Err(Box::new(forbidden_transition(other.name(), transition))),
    }
}

async fn response(shared: &Shared, id: String, req: Request<Incoming>) -> Answer {
    if let Err(answer) = claim(shared, &id, "InvocationResponse") {
        return *answer;
    }
    let (body, size) = read_limited(req.into_body()).await;
    if size > MAX_RESPONSE_BYTES {
        let _ = shared.events.send(ApiEvent::ResponseTooLarge { request_id: id, size });
        return json(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!(
                r#"{{"errorMessage":"Exceeded maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes).","errorType":"RequestEntityTooLarge"}}"#
            ),
        );
    }
    let _ = shared.events.send(ApiEvent::Response { request_id: id, body });
    accepted()
}

async fn error(shared: &Shared, id: String, req: Request<Incoming>) -> Answer {
    if let Err(answer) = claim(shared, &id, "InvocationErrorResponse") {
        return *answer;
    }
    let error_type = error_type(&req);
    let (body, _) = read_limited(req.into_body()).await;
    let _ = shared.events.send(ApiEvent::Error {
        request_id: id,
        error_type,
        body,
    });
    accepted()
}

async fn init_error(shared: &Shared, req: Request<Incoming>) -> Answer {
    {
        let mut state = shared.state.lock().expect("runtime state poisoned");
        match &*state {
            RuntimeState::Started => *state = RuntimeState::InitError,
            other => return forbidden_transition(other.name(), "InitError"),
        }
    }
    let error_type = error_type(&req);
    let (body, _) = read_limited(req.into_body()).await;
    let _ = shared.events.send(ApiEvent::InitError { error_type, body });
    accepted()
}

fn error_type(req: &Request<Incoming>) -> Option<String> {
    req.headers()
        .get("lambda-runtime-function-error-type")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// Reads a body, keeping at most [`MAX_RESPONSE_BYTES`] + 1 of it but counting it all, so
/// an oversize response costs no memory and the connection stays usable.
async fn read_limited(mut body: Incoming) -> (Bytes, usize) {
    let mut kept = BytesMut::new();
    let mut size = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else { break };
        if let Ok(data) = frame.into_data() {
            size += data.len();
            let room = (MAX_RESPONSE_BYTES + 1).saturating_sub(kept.len());
            kept.extend_from_slice(&data[..data.len().min(room)]);
        }
    }
    (kept.freeze(), size)
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn json(status: StatusCode, body: &str) -> Answer {
    let mut resp = Response::new(Full::new(Bytes::from(body.to_string())));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    resp
}

fn plain(status: StatusCode, body: &'static str) -> Answer {
    let mut resp = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *resp.status_mut() = status;
    resp
}

fn accepted() -> Answer {
    json(StatusCode::ACCEPTED, "{\"status\":\"OK\"}\n")
}

fn not_found() -> Answer {
    plain(StatusCode::NOT_FOUND, "404 page not found\n")
}

fn invalid_request_id() -> Answer {
    json(
        StatusCode::BAD_REQUEST,
        r#"{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}"#,
    )
}

fn internal_error() -> Answer {
    json(
        StatusCode::INTERNAL_SERVER_ERROR,
        r#"{"errorMessage":"Internal Server Error","errorType":"InternalServerError"}"#,
    )
}

fn forbidden_transition(from: &str, to: &str) -> Answer {
    json(
        StatusCode::FORBIDDEN,
        &format!(
            r#"{{"errorMessage":"State transition from {from} to {to} failed for runtime. Error: State transition is not allowed","errorType":"InvalidStateTransition"}}"#
        ),
    )
}
