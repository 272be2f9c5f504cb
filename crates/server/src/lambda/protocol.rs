//! Routing, body limits, SigV4 and the wire form of answers and errors.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use axum::routing::any;
use percent_encoding::percent_decode_str;
use tracing::Instrument;

use super::{InvokeHeaders, LambdaAction, LambdaBackend, LambdaConfig, LambdaError, LambdaReply, LambdaRequest};
use crate::RequestContext;
use crate::protocol::{REQUEST_ID_HEADER, credential_scope};

/// Every action served, by its model name.
pub const ACTIONS: &[LambdaAction] = &[
    LambdaAction::CreateFunction,
    LambdaAction::ListFunctions,
    LambdaAction::GetFunction,
    LambdaAction::DeleteFunction,
    LambdaAction::GetFunctionConfiguration,
    LambdaAction::UpdateFunctionConfiguration,
    LambdaAction::UpdateFunctionCode,
    LambdaAction::PublishVersion,
    LambdaAction::ListVersionsByFunction,
    LambdaAction::CreateAlias,
    LambdaAction::ListAliases,
    LambdaAction::GetAlias,
    LambdaAction::UpdateAlias,
    LambdaAction::DeleteAlias,
    LambdaAction::PutFunctionConcurrency,
    LambdaAction::GetFunctionConcurrency,
    LambdaAction::DeleteFunctionConcurrency,
    LambdaAction::TagResource,
    LambdaAction::UntagResource,
    LambdaAction::ListTags,
    LambdaAction::Invoke,
];

struct LambdaState<B> {
    backend: Arc<B>,
    config: LambdaConfig,
}

/// The Lambda API's routes (no fallback of its own: merge it into the Step Functions
/// router, whose fallback answers everything else).
pub fn router<B: LambdaBackend>(backend: Arc<B>, config: LambdaConfig) -> axum::Router {
    let state = Arc::new(LambdaState { backend, config });
    let mut r = axum::Router::new();
    for prefix in [
        "/2015-03-31/functions",
        "/2017-10-31/functions",
        "/2019-09-30/functions",
    ] {
        r = r
            .route(prefix, any(handle::<B>))
            .route(&format!("{prefix}/"), any(handle::<B>))
            .route(&format!("{prefix}/{{*rest}}"), any(handle::<B>));
    }
    r.route("/2017-03-31/tags/{*rest}", any(handle::<B>)).with_state(state)
}

/// A path's segments, percent-decoded (botocore encodes a label whole: `arn%3Aaws%3A…`).
fn segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect()
}

/// The action a method and path name, with the function (or resource) and alias labels.
pub(crate) fn route(method: &Method, path: &str) -> Option<(LambdaAction, String, Option<String>)> {
    use LambdaAction::*;
    let segs = segments(path);
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    let m = method.as_str();
    let (action, function, alias) = match (m, s.as_slice()) {
        ("POST", ["2015-03-31", "functions"]) => (CreateFunction, "", None),
        ("GET", ["2015-03-31", "functions"]) => (ListFunctions, "", None),
        ("GET", ["2015-03-31", "functions", f]) => (GetFunction, *f, None),
        ("DELETE", ["2015-03-31", "functions", f]) => (DeleteFunction, *f, None),
        ("GET", ["2015-03-31", "functions", f, "configuration"]) => (GetFunctionConfiguration, *f, None),
        ("PUT", ["2015-03-31", "functions", f, "configuration"]) => (UpdateFunctionConfiguration, *f, None),
        ("PUT", ["2015-03-31", "functions", f, "code"]) => (UpdateFunctionCode, *f, None),
        ("POST", ["2015-03-31", "functions", f, "versions"]) => (PublishVersion, *f, None),
        ("GET", ["2015-03-31", "functions", f, "versions"]) => (ListVersionsByFunction, *f, None),
        ("POST", ["2015-03-31", "functions", f, "aliases"]) => (CreateAlias, *f, None),
        ("GET", ["2015-03-31", "functions", f, "aliases"]) => (ListAliases, *f, None),
        ("GET", ["2015-03-31", "functions", f, "aliases", a]) => (GetAlias, *f, Some(*a)),
        ("PUT", ["2015-03-31", "functions", f, "aliases", a]) => (UpdateAlias, *f, Some(*a)),
        ("DELETE", ["2015-03-31", "functions", f, "aliases", a]) => (DeleteAlias, *f, Some(*a)),
        ("POST", ["2015-03-31", "functions", f, "invocations"]) => (Invoke, *f, None),
        ("PUT", ["2017-10-31", "functions", f, "concurrency"]) => (PutFunctionConcurrency, *f, None),
        ("DELETE", ["2017-10-31", "functions", f, "concurrency"]) => (DeleteFunctionConcurrency, *f, None),
        ("GET", ["2019-09-30", "functions", f, "concurrency"]) => (GetFunctionConcurrency, *f, None),
        ("POST", ["2017-03-31", "tags", r]) => (TagResource, *r, None),
        ("GET", ["2017-03-31", "tags", r]) => (ListTags, *r, None),
        ("DELETE", ["2017-03-31", "tags", r]) => (UntagResource, *r, None),
        _ => return None,
    };
    Some((action, function.to_owned(), alias.map(str::to_owned)))
}

/// `a=1&b=x%20y&tagKeys=k1&tagKeys=k2` → pairs, decoded (`+` is a space, as in forms).
pub(crate) fn parse_query(query: Option<&str>) -> Vec<(String, String)> {
    let decode = |s: &str| {
        percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

fn header_string(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// The wire form of an error.
pub fn error_response(error: &LambdaError, request_id: &str) -> Response {
    let mut response = Response::new(Body::from(error.body().to_string()));
    *response.status_mut() = error.status;
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(code) = HeaderValue::from_str(error.code) {
        h.insert("x-amzn-errortype", code);
    }
    if let Ok(id) = HeaderValue::from_str(request_id) {
        h.insert(REQUEST_ID_HEADER, id);
    }
    response
}

fn reply_response(reply: LambdaReply, request_id: &str) -> Response {
    let mut request_id = request_id.to_owned();
    let mut response = match reply {
        LambdaReply::Json(status, body) => {
            let mut r = Response::new(Body::from(body.to_string()));
            *r.status_mut() = status;
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            r
        }
        LambdaReply::Empty(status) => {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = status;
            r
        }
        LambdaReply::Invoke(inv) => {
            if let Some(id) = inv.request_id {
                request_id = id;
            }
            let mut r = Response::new(Body::from(inv.payload));
            *r.status_mut() = inv.status;
            let h = r.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            for (name, value) in [
                ("x-amz-function-error", inv.function_error),
                ("x-amz-log-result", inv.log_result),
                ("x-amz-executed-version", inv.executed_version),
            ] {
                if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
                    h.insert(name, v);
                }
            }
            r
        }
    };
    if let Ok(id) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, id);
    }
    response
}

async fn handle<B: LambdaBackend>(State(state): State<Arc<LambdaState<B>>>, request: Request) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let span = tracing::debug_span!("lambda", request_id = %request_id, action = tracing::field::Empty);
    async move {
        match answer(&state, request, &request_id).await {
            Ok(reply) => {
                tracing::debug!("answered");
                reply_response(reply, &request_id)
            }
            Err((e, close)) => {
                if e.status.is_server_error() {
                    tracing::warn!(request_id = %request_id, code = e.code, message = %e.message, "failed");
                } else {
                    tracing::debug!(code = e.code, message = %e.message, "refused");
                }
                let mut response = error_response(&e, &request_id);
                if close {
                    response
                        .headers_mut()
                        .insert(header::CONNECTION, HeaderValue::from_static("close"));
                }
                response
            }
        }
    }
    .instrument(span)
    .await
}

/// The error, and whether the connection must close (the body was not read to its end).
type Refusal = (LambdaError, bool);

async fn answer<B: LambdaBackend>(
    state: &LambdaState<B>,
    request: Request,
    request_id: &str,
) -> Result<LambdaReply, Refusal> {
    let (parts, body) = request.into_parts();
    let Some((action, function, alias)) = route(&parts.method, parts.uri.path()) else {
        // Read nothing of the body: the connection is closed after the answer.
        return Err((
            LambdaError::unknown_operation(format!(
                "No Lambda operation serves {} {}",
                parts.method,
                parts.uri.path()
            )),
            true,
        ));
    };
    tracing::Span::current().record("action", action.name());
    let body = read_body(state, &parts, body, action).await.map_err(|e| (e, true))?;

    let mut ctx = RequestContext {
        region: state.config.region.clone(),
        account_id: state.config.account_id.clone(),
        access_key_id: None,
        request_id: request_id.to_owned(),
    };
    if let Some((key, region)) = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(credential_scope)
    {
        ctx.access_key_id = Some(key);
        ctx.region = region;
    }
    if let Some(auth) = &state.config.authenticator {
        let principal = auth.authenticate(&parts, &body).map_err(|e| {
            let mut le = LambdaError::invalid_parameter(e.message().to_owned());
            le.code = e.code();
            le.status = e.status();
            (le, false)
        })?;
        if let Some(account) = principal.account_id {
            ctx.account_id = account;
        }
        if principal.access_key_id.is_some() {
            ctx.access_key_id = principal.access_key_id;
        }
    }
    let headers = &parts.headers;
    let invoke = InvokeHeaders {
        invocation_type: header_string(headers, "x-amz-invocation-type"),
        log_type: header_string(headers, "x-amz-log-type"),
        client_context: header_string(headers, "x-amz-client-context"),
        trace_id: header_string(headers, "x-amzn-trace-id"),
    };
    if action == LambdaAction::Invoke
        && invoke.invocation_type.as_deref() == Some("Event")
        && body.len() > super::MAX_ASYNC_PAYLOAD_BYTES
    {
        return Err((
            LambdaError::request_too_large(format!(
                "Request must be smaller than {} bytes for the InvokeFunction operation",
                super::MAX_ASYNC_PAYLOAD_BYTES
            )),
            false,
        ));
    }
    let request = LambdaRequest {
        action,
        function,
        alias,
        query: parse_query(parts.uri.query()),
        body,
        invoke,
    };
    state.backend.call(ctx, request).await.map_err(|e| (e, false))
}

/// The body, within the action's limit (refused from `Content-Length` before a byte is
/// read when that says more) and the read timeout. An Invoke past 6 MB is AWS's
/// `RequestTooLargeException`; any other action's, the framework's
/// `RequestEntityTooLargeException`.
async fn read_body<B>(
    state: &LambdaState<B>,
    parts: &Parts,
    body: Body,
    action: LambdaAction,
) -> Result<Bytes, LambdaError> {
    let (limit, operation) = action.body_limit();
    let too_large = || {
        let message = format!("Request must be smaller than {limit} bytes for the {operation} operation");
        if action == LambdaAction::Invoke {
            LambdaError::request_too_large(message)
        } else {
            LambdaError::entity_too_large(message)
        }
    };
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    match tokio::time::timeout(state.config.body_read_timeout, axum::body::to_bytes(body, limit)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) if declared.is_some() => Err(LambdaError::invalid_request_content(format!(
            "the request body ended early: {e}"
        ))),
        Ok(Err(_)) => Err(too_large()),
        Err(_) => {
            let mut e = LambdaError::invalid_request_content(format!(
                "The request body did not arrive within {} ms",
                state.config.body_read_timeout.as_millis()
            ));
            e.code = "RequestTimeoutException";
            e.status = StatusCode::REQUEST_TIMEOUT;
            Err(e)
        }
    }
}
