//! AWS JSON 1.0 over HTTP: `POST /` with `X-Amz-Target: AWSStepFunctions.<Action>` and a
//! JSON body; the answer is `application/x-amz-json-1.0` with an `x-amzn-RequestId` header.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use tracing::Instrument;

use crate::backend::{RequestContext, StepFunctions};
use crate::error::ApiError;
use crate::validate::{decode, model};
use crate::{ServerConfig, rules};

pub const CONTENT_TYPE: &str = "application/x-amz-json-1.0";
pub const TARGET_PREFIX: &str = "AWSStepFunctions";
pub const REQUEST_ID_HEADER: &str = "x-amzn-requestid";

pub(crate) struct AppState<B> {
    pub backend: Arc<B>,
    pub config: ServerConfig,
}

/// The region and access key id of a SigV4 `Authorization` header:
/// `AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/states/aws4_request, …`.
pub fn credential_scope(authorization: &str) -> Option<(String, String)> {
    let start = authorization.find("Credential=")? + "Credential=".len();
    let rest = &authorization[start..];
    let end = rest.find([',', ' ']).unwrap_or(rest.len());
    let parts: Vec<&str> = rest[..end].split('/').collect();
    match parts.as_slice() {
        [key, _date, region, _service, _terminator] if !key.is_empty() && !region.is_empty() => {
            Some((key.to_string(), region.to_string()))
        }
        _ => None,
    }
}

fn json_response(status: StatusCode, body: Vec<u8>, request_id: &str) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert(REQUEST_ID_HEADER, id);
    }
    response
}

/// The wire form of an error.
pub fn error_response(error: &ApiError, request_id: &str) -> Response {
    let body = serde_json::to_vec(&error.to_body()).unwrap_or_default();
    json_response(error.status(), body, request_id)
}

fn new_request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The one handler behind `POST /`. Each request runs in a `request` span carrying its id
/// and, once the target header is read, its action. The span is at debug level: an enabled
/// span per request costs about a tenth of StartSyncExecution's throughput (api-bench), so at
/// the default `info` the warnings name the request id themselves.
pub(crate) async fn handle<B: StepFunctions>(State(state): State<Arc<AppState<B>>>, request: Request) -> Response {
    let request_id = new_request_id();
    let span = tracing::debug_span!("request", request_id = %request_id, action = tracing::field::Empty);
    answer(state, request, request_id).instrument(span).await
}

async fn answer<B: StepFunctions>(state: Arc<AppState<B>>, request: Request, request_id: String) -> Response {
    let (parts, body) = request.into_parts();
    let body = match read_body(&state.config, &parts, body).await {
        Ok(b) => b,
        Err(e) => {
            tracing::debug!(code = e.code(), message = e.message(), "refused");
            let mut response = error_response(&e, &request_id);
            // The rest of the body is not read: the connection cannot carry another request.
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            return response;
        }
    };
    match serve_request(&state, &parts, &body, &request_id).await {
        Ok(bytes) => {
            tracing::debug!("answered");
            json_response(StatusCode::OK, bytes, &request_id)
        }
        Err(e) => {
            if e.status().is_server_error() {
                tracing::warn!(request_id = %request_id, code = e.code(), message = e.message(), "failed");
            } else {
                tracing::debug!(code = e.code(), message = e.message(), "refused");
            }
            error_response(&e, &request_id)
        }
    }
}

/// The whole body, at most `max_body_bytes` of it (refused from its `Content-Length` before
/// a byte is read when that says more), within `body_read_timeout`.
async fn read_body(config: &ServerConfig, parts: &Parts, body: Body) -> Result<Bytes, ApiError> {
    let too_large = || {
        let action = target_action(&parts.headers).unwrap_or("");
        ApiError::RequestEntityTooLarge(format!(
            "Request must be smaller than {} bytes for the {action} operation",
            config.max_body_bytes
        ))
    };
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > config.max_body_bytes as u64) {
        return Err(too_large());
    }
    match tokio::time::timeout(
        config.body_read_timeout,
        axum::body::to_bytes(body, config.max_body_bytes),
    )
    .await
    {
        Ok(Ok(bytes)) => Ok(bytes),
        // Within its declared length, the body can only have broken off (the client went
        // away, or sent less than it said); without one, it passed the limit.
        Ok(Err(e)) if declared.is_some() => Err(ApiError::SerializationException(format!(
            "the request body ended early: {e}"
        ))),
        Ok(Err(_)) => Err(too_large()),
        Err(_) => Err(ApiError::RequestTimeout(format!(
            "The request body did not arrive within {} ms",
            config.body_read_timeout.as_millis()
        ))),
    }
}

async fn serve_request<B: StepFunctions>(
    state: &AppState<B>,
    parts: &Parts,
    body: &Bytes,
    request_id: &str,
) -> Result<Vec<u8>, ApiError> {
    let headers = &parts.headers;
    let action = target_action(headers)?;
    tracing::Span::current().record("action", action);

    let mut ctx = RequestContext {
        region: state.config.region.clone(),
        account_id: state.config.account_id.clone(),
        access_key_id: None,
        request_id: request_id.to_owned(),
    };
    if let Some((key, region)) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(credential_scope)
    {
        ctx.access_key_id = Some(key);
        ctx.region = region;
    }
    if let Some(auth) = &state.config.authenticator {
        let principal = auth.authenticate(parts, body)?;
        if let Some(account) = principal.account_id {
            ctx.account_id = account;
        }
        if principal.access_key_id.is_some() {
            ctx.access_key_id = principal.access_key_id;
        }
    }

    let json: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(body).map_err(|e| ApiError::SerializationException(e.to_string()))?
    };
    dispatch(&*state.backend, ctx, action, json).await
}

/// `X-Amz-Target: AWSStepFunctions.<Action>` → `<Action>`.
fn target_action(headers: &HeaderMap) -> Result<&str, ApiError> {
    let target = headers
        .get("x-amz-target")
        .ok_or_else(|| ApiError::UnknownOperationException("Missing X-Amz-Target header".into()))?
        .to_str()
        .map_err(|_| ApiError::UnknownOperationException(String::new()))?;
    match target.split_once('.') {
        Some((TARGET_PREFIX, action)) if !action.is_empty() => Ok(action),
        _ => Err(ApiError::UnknownOperationException(format!(
            "Unknown operation: {target}"
        ))),
    }
}

fn encode<T: Serialize>(output: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(output).map_err(|e| ApiError::internal(e.to_string()))
}

macro_rules! dispatch_table {
    ($( $action:literal => $method:ident, $shape:ident; )*) => {
        /// Every action served, by its wire name.
        pub const ACTIONS: &[&str] = &[$($action),*];

        async fn dispatch<B: StepFunctions>(
            backend: &B,
            ctx: RequestContext,
            action: &str,
            body: Value,
        ) -> Result<Vec<u8>, ApiError> {
            match action {
                $(
                    $action => {
                        let input = decode(&model::$shape, body)?;
                        rules::$method(&input)?;
                        encode(&backend.$method(ctx, input).await?)
                    }
                )*
                _ => Err(ApiError::UnknownOperationException(format!(
                    "Unknown operation: {TARGET_PREFIX}.{action}"
                ))),
            }
        }
    };
}

dispatch_table! {
    "CreateStateMachine" => create_state_machine, CREATE_STATE_MACHINE;
    "DescribeStateMachine" => describe_state_machine, DESCRIBE_STATE_MACHINE;
    "UpdateStateMachine" => update_state_machine, UPDATE_STATE_MACHINE;
    "DeleteStateMachine" => delete_state_machine, DELETE_STATE_MACHINE;
    "ListStateMachines" => list_state_machines, LIST_STATE_MACHINES;
    "ValidateStateMachineDefinition" => validate_state_machine_definition, VALIDATE_STATE_MACHINE_DEFINITION;
    "TestState" => test_state, TEST_STATE;
    "StartExecution" => start_execution, START_EXECUTION;
    "StartSyncExecution" => start_sync_execution, START_SYNC_EXECUTION;
    "DescribeExecution" => describe_execution, DESCRIBE_EXECUTION;
    "DescribeStateMachineForExecution" => describe_state_machine_for_execution, DESCRIBE_STATE_MACHINE_FOR_EXECUTION;
    "ListExecutions" => list_executions, LIST_EXECUTIONS;
    "StopExecution" => stop_execution, STOP_EXECUTION;
    "GetExecutionHistory" => get_execution_history, GET_EXECUTION_HISTORY;
    "RedriveExecution" => redrive_execution, REDRIVE_EXECUTION;
    "PublishStateMachineVersion" => publish_state_machine_version, PUBLISH_STATE_MACHINE_VERSION;
    "ListStateMachineVersions" => list_state_machine_versions, LIST_STATE_MACHINE_VERSIONS;
    "DeleteStateMachineVersion" => delete_state_machine_version, DELETE_STATE_MACHINE_VERSION;
    "CreateStateMachineAlias" => create_state_machine_alias, CREATE_STATE_MACHINE_ALIAS;
    "DescribeStateMachineAlias" => describe_state_machine_alias, DESCRIBE_STATE_MACHINE_ALIAS;
    "UpdateStateMachineAlias" => update_state_machine_alias, UPDATE_STATE_MACHINE_ALIAS;
    "DeleteStateMachineAlias" => delete_state_machine_alias, DELETE_STATE_MACHINE_ALIAS;
    "ListStateMachineAliases" => list_state_machine_aliases, LIST_STATE_MACHINE_ALIASES;
    "TagResource" => tag_resource, TAG_RESOURCE;
    "UntagResource" => untag_resource, UNTAG_RESOURCE;
    "ListTagsForResource" => list_tags_for_resource, LIST_TAGS_FOR_RESOURCE;
}

/// Anything but `POST /`.
pub(crate) async fn fallback() -> Response {
    let e = ApiError::UnknownOperationException(String::new());
    let mut response = error_response(&e, &new_request_id());
    *response.status_mut() = StatusCode::NOT_FOUND;
    response.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_scope_gives_key_and_region() {
        let h = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/eu-west-3/states/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";
        assert_eq!(
            credential_scope(h),
            Some(("AKIDEXAMPLE".to_owned(), "eu-west-3".to_owned()))
        );
        let h =
            "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/states/aws4_request,SignedHeaders=host,Signature=abc";
        assert_eq!(credential_scope(h), Some(("test".to_owned(), "us-east-1".to_owned())));
        assert_eq!(credential_scope("Bearer x"), None);
        assert_eq!(credential_scope("AWS4-HMAC-SHA256 Credential=a/b"), None);
    }

    #[test]
    fn targets() {
        let mut h = HeaderMap::new();
        assert_eq!(target_action(&h).unwrap_err().code(), "UnknownOperationException");
        h.insert(
            "x-amz-target",
            HeaderValue::from_static("AWSStepFunctions.ListStateMachines"),
        );
        assert_eq!(target_action(&h).unwrap(), "ListStateMachines");
        h.insert("x-amz-target", HeaderValue::from_static("DynamoDB_20120810.ListTables"));
        assert_eq!(target_action(&h).unwrap_err().code(), "UnknownOperationException");
        h.insert("x-amz-target", HeaderValue::from_static("AWSStepFunctions."));
        assert!(target_action(&h).is_err());
    }

    #[test]
    fn every_action_is_served() {
        assert_eq!(ACTIONS.len(), 26);
        // The dispatch table serves exactly the actions the model was generated for.
        assert_eq!(ACTIONS, crate::validate::model::ACTIONS);
    }
}
