//! The AWS Lambda API over HTTP, as AWS speaks it (REST-JSON, botocore's
//! `lambda/2015-03-31`), on the same listener as Step Functions.
//!
//! This module is the framing only: it maps a method and a path
//! (`POST /2015-03-31/functions`, `GET /2015-03-31/functions/{FunctionName}/aliases/{Name}`,
//! `PUT /2017-10-31/functions/{FunctionName}/concurrency`…) to a [`LambdaAction`], decodes
//! the path labels and the query string, reads the body within the action's limit, checks
//! SigV4 (service `lambda`), and writes the answer: JSON with the action's status code, or
//! for `Invoke` the function's payload with `X-Amz-Executed-Version`,
//! `X-Amz-Function-Error` and `X-Amz-Log-Result`. Errors are AWS's REST-JSON errors: the
//! status code, `x-amzn-ErrorType: <Exception>` and a body `{"Type": "User", "message": …}`
//! (`Message` for the exceptions whose model member is spelled so).
//!
//! What each action does — the shapes of its body, its checks, the store — is the
//! [`LambdaBackend`]'s (the `stepwise-lambda` crate). The request and response bodies are
//! handed over as JSON rather than generated types: the Lambda model binds members to
//! paths, query strings and headers, which the Step Functions generator does not know, and
//! the few shapes served are written out by hand in the lambda crate, next to their checks.

mod protocol;

use std::future::Future;
use std::sync::Arc;

use axum::body::Bytes;
use serde_json::Value;

pub use axum::http::StatusCode;
pub use protocol::{ACTIONS, router};

use crate::{Authenticator, RequestContext};

/// AWS's cap on a CreateFunction or UpdateFunctionCode request (a 50 MB zip, base64-encoded,
/// in JSON).
pub const MAX_CODE_REQUEST_BYTES: usize = 69_905_067;
/// A synchronous invocation's payload: 6 MB.
pub const MAX_SYNC_PAYLOAD_BYTES: usize = 6 * 1024 * 1024;
/// An asynchronous (`Event`) invocation's payload: 256 KB.
pub const MAX_ASYNC_PAYLOAD_BYTES: usize = 256 * 1024;
/// Any other request.
pub const MAX_OTHER_REQUEST_BYTES: usize = 6 * 1024 * 1024;

/// Every Lambda action served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LambdaAction {
    CreateFunction,
    ListFunctions,
    GetFunction,
    DeleteFunction,
    GetFunctionConfiguration,
    UpdateFunctionConfiguration,
    UpdateFunctionCode,
    PublishVersion,
    ListVersionsByFunction,
    CreateAlias,
    ListAliases,
    GetAlias,
    UpdateAlias,
    DeleteAlias,
    PutFunctionConcurrency,
    GetFunctionConcurrency,
    DeleteFunctionConcurrency,
    TagResource,
    UntagResource,
    ListTags,
    Invoke,
}

impl LambdaAction {
    /// The operation's name in the model.
    pub fn name(self) -> &'static str {
        use LambdaAction::*;
        match self {
            CreateFunction => "CreateFunction",
            ListFunctions => "ListFunctions",
            GetFunction => "GetFunction",
            DeleteFunction => "DeleteFunction",
            GetFunctionConfiguration => "GetFunctionConfiguration",
            UpdateFunctionConfiguration => "UpdateFunctionConfiguration",
            UpdateFunctionCode => "UpdateFunctionCode",
            PublishVersion => "PublishVersion",
            ListVersionsByFunction => "ListVersionsByFunction",
            CreateAlias => "CreateAlias",
            ListAliases => "ListAliases",
            GetAlias => "GetAlias",
            UpdateAlias => "UpdateAlias",
            DeleteAlias => "DeleteAlias",
            PutFunctionConcurrency => "PutFunctionConcurrency",
            GetFunctionConcurrency => "GetFunctionConcurrency",
            DeleteFunctionConcurrency => "DeleteFunctionConcurrency",
            TagResource => "TagResource",
            UntagResource => "UntagResource",
            ListTags => "ListTags",
            Invoke => "Invoke",
        }
    }

    /// The largest body the action takes, and the name AWS's 413 message gives it.
    pub fn body_limit(self) -> (usize, &'static str) {
        match self {
            LambdaAction::CreateFunction => (MAX_CODE_REQUEST_BYTES, "CreateFunction"),
            LambdaAction::UpdateFunctionCode => (MAX_CODE_REQUEST_BYTES, "UpdateFunctionCode"),
            LambdaAction::Invoke => (MAX_SYNC_PAYLOAD_BYTES, "InvokeFunction"),
            other => (MAX_OTHER_REQUEST_BYTES, other.name()),
        }
    }
}

/// `Invoke`'s headers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvokeHeaders {
    /// `X-Amz-Invocation-Type`: `RequestResponse` (default), `Event`, `DryRun`.
    pub invocation_type: Option<String>,
    /// `X-Amz-Log-Type`: `None` (default) or `Tail`.
    pub log_type: Option<String>,
    /// `X-Amz-Client-Context`: base64 of a JSON object.
    pub client_context: Option<String>,
    /// `X-Amzn-Trace-Id`.
    pub trace_id: Option<String>,
}

/// One Lambda request, framed.
#[derive(Debug, Clone)]
pub struct LambdaRequest {
    pub action: LambdaAction,
    /// The `{FunctionName}` label (name, partial or full ARN, possibly qualified), or for
    /// the tag actions the `{Resource}` ARN; percent-decoded.
    pub function: String,
    /// The `{Name}` label of the alias actions.
    pub alias: Option<String>,
    /// The query string's parameters, decoded, in order (`tagKeys` repeats).
    pub query: Vec<(String, String)>,
    pub body: Bytes,
    pub invoke: InvokeHeaders,
}

impl LambdaRequest {
    /// The first value of a query parameter.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Every value of a repeated query parameter.
    pub fn query_all(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body as JSON (`{}` when empty); InvalidRequestContentException when it is not.
    pub fn json(&self) -> Result<Value, LambdaError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Object(Default::default()));
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| LambdaError::invalid_request_content(format!("Could not parse request body into json: {e}")))
    }
}

/// What an action answers.
#[derive(Debug, Clone, PartialEq)]
pub enum LambdaReply {
    /// A JSON body with the action's status (200, 201…).
    Json(StatusCode, Value),
    /// No body (204).
    Empty(StatusCode),
    /// An invocation's answer: 200 with the function's payload, 202 (Event) or 204 (DryRun)
    /// without.
    Invoke(InvokeReply),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvokeReply {
    pub status: StatusCode,
    pub payload: Vec<u8>,
    /// `X-Amz-Function-Error` (`Unhandled`).
    pub function_error: Option<String>,
    /// `X-Amz-Log-Result`: base64 of the log's last 4 KB.
    pub log_result: Option<String>,
    /// `X-Amz-Executed-Version`.
    pub executed_version: Option<String>,
    /// The invocation's own request id, sent as `x-amzn-RequestId` (on AWS the response
    /// carries the id the function saw), instead of the one the server made up.
    pub request_id: Option<String>,
}

/// How the message member of an exception is spelled in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKey {
    Lower,
    Upper,
}

/// A Lambda exception: its name, status and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LambdaError {
    pub code: &'static str,
    pub status: StatusCode,
    pub message: String,
    pub key: MessageKey,
    /// `TooManyRequestsException`'s `Reason`.
    pub reason: Option<&'static str>,
}

impl std::fmt::Display for LambdaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for LambdaError {}

macro_rules! exceptions {
    ($( $(#[$doc:meta])* $ctor:ident => $code:literal, $status:ident, $key:ident; )*) => {
        impl LambdaError {
            $(
                $(#[$doc])*
                pub fn $ctor(message: impl Into<String>) -> LambdaError {
                    LambdaError {
                        code: $code,
                        status: StatusCode::$status,
                        message: message.into(),
                        key: MessageKey::$key,
                        reason: None,
                    }
                }
            )*
        }
    };
}

exceptions! {
    resource_not_found => "ResourceNotFoundException", NOT_FOUND, Upper;
    resource_conflict => "ResourceConflictException", CONFLICT, Lower;
    invalid_parameter => "InvalidParameterValueException", BAD_REQUEST, Lower;
    /// A member that breaks a constraint of the model ("1 validation error detected: …").
    validation => "ValidationException", BAD_REQUEST, Lower;
    invalid_request_content => "InvalidRequestContentException", BAD_REQUEST, Lower;
    request_too_large => "RequestTooLargeException", PAYLOAD_TOO_LARGE, Lower;
    /// The HTTP framework's 413 for a body past the action's limit.
    entity_too_large => "RequestEntityTooLargeException", PAYLOAD_TOO_LARGE, Lower;
    precondition_failed => "PreconditionFailedException", PRECONDITION_FAILED, Lower;
    unsupported_media_type => "UnsupportedMediaTypeException", UNSUPPORTED_MEDIA_TYPE, Lower;
    code_storage_exceeded => "CodeStorageExceededException", BAD_REQUEST, Lower;
    service => "ServiceException", INTERNAL_SERVER_ERROR, Upper;
    unknown_operation => "UnknownOperationException", NOT_FOUND, Lower;
}

impl LambdaError {
    /// `TooManyRequestsException` "Rate Exceeded." with its reason.
    pub fn too_many_requests(reason: &'static str) -> LambdaError {
        LambdaError {
            code: "TooManyRequestsException",
            status: StatusCode::TOO_MANY_REQUESTS,
            message: "Rate Exceeded.".into(),
            key: MessageKey::Lower,
            reason: Some(reason),
        }
    }

    /// The JSON body AWS sends.
    pub fn body(&self) -> Value {
        let mut body = serde_json::Map::new();
        let kind = if self.status.is_server_error() {
            "Service"
        } else {
            "User"
        };
        body.insert("Type".into(), Value::String(kind.into()));
        let key = match self.key {
            MessageKey::Lower => "message",
            MessageKey::Upper => "Message",
        };
        body.insert(key.into(), Value::String(self.message.clone()));
        if let Some(reason) = self.reason {
            body.insert("Reason".into(), Value::String(reason.into()));
        }
        Value::Object(body)
    }
}

/// The Lambda actions, as the lambda crate implements them: one entry point, the request
/// framed (see the module docs). The future must be `Send`.
pub trait LambdaBackend: Send + Sync + 'static {
    fn call(
        &self,
        ctx: RequestContext,
        request: LambdaRequest,
    ) -> impl Future<Output = Result<LambdaReply, LambdaError>> + Send;
}

/// How the Lambda routes answer.
#[derive(Clone)]
pub struct LambdaConfig {
    pub region: String,
    pub account_id: String,
    /// How long a body may take to arrive once its headers have (a 70 MB upload on a slow
    /// link takes a while: the default is generous).
    pub body_read_timeout: std::time::Duration,
    /// SigV4 for the `lambda` service; `None` accepts everything.
    pub authenticator: Option<Arc<dyn Authenticator>>,
}

impl Default for LambdaConfig {
    fn default() -> Self {
        LambdaConfig {
            region: crate::DEFAULT_REGION.to_owned(),
            account_id: crate::DEFAULT_ACCOUNT_ID.to_owned(),
            body_read_timeout: std::time::Duration::from_secs(120),
            authenticator: None,
        }
    }
}

#[cfg(test)]
mod tests;
