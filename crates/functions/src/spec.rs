//! What the runner is given and what it returns: plain data, no I/O.

use std::collections::BTreeMap;
use std::path::PathBuf;

use thiserror::Error;

/// Everything needed to run one version of one function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionSpec {
    /// The unqualified function ARN (`arn:aws:lambda:R:A:function:NAME`).
    pub function_arn: String,
    pub name: String,
    /// `$LATEST` or a published version number.
    pub version: String,
    /// The Lambda runtime identifier: `python3.12`, `nodejs20.x`, `provided.al2023`…
    pub runtime: String,
    /// `module.function` (Python), `file.export` (Node.js); unused by `provided` runtimes.
    pub handler: String,
    pub code: CodeLocation,
    pub timeout_seconds: u32,
    pub memory_mb: u32,
    /// The function's own environment variables.
    pub environment: BTreeMap<String, String>,
    pub region: String,
    pub account: String,
    /// Changes whenever the code or the configuration of this version changes (the
    /// function's `RevisionId`): warm instances of another revision are not reused.
    pub revision: String,
    /// Reserved concurrency (`PutFunctionConcurrency`): the most instances at once.
    pub reserved_concurrency: Option<u32>,
}

/// Where a version's code is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeLocation {
    /// A directory unpacked from the zip, never written to by a function.
    Unpacked(PathBuf),
    /// A local directory (LocalStack's `hot-reload` bucket): read at every cold start, so
    /// edits reach the next new instance.
    HotReload(PathBuf),
}

/// One invocation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvokeRequest {
    /// The event, as the caller sent it (JSON text on AWS; not checked here).
    pub payload: Vec<u8>,
    /// `X-Amz-Client-Context` as given: base64 of a JSON object.
    pub client_context: Option<String>,
    /// The X-Ray trace header to hand to the function (`Lambda-Runtime-Trace-Id`).
    pub trace_id: Option<String>,
    /// Keep the log of this invocation for `X-Amz-Log-Type: Tail`.
    pub log_tail: bool,
}

/// What an invocation returned. A function that raised, timed out or crashed still
/// returns an outcome (HTTP 200 on AWS) with [`InvokeOutcome::function_error`] set and the
/// runtime's error document as the payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvokeOutcome {
    pub request_id: String,
    pub payload: Vec<u8>,
    pub function_error: Option<FunctionError>,
    /// The last 4 KB of the invocation's log (START … REPORT), when asked for.
    pub log_tail: Option<String>,
    pub executed_version: String,
}

/// `X-Amz-Function-Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionError {
    /// Every error the function or its runtime reported (AWS no longer says `Handled`).
    Unhandled,
}

impl FunctionError {
    pub fn as_str(self) -> &'static str {
        match self {
            FunctionError::Unhandled => "Unhandled",
        }
    }
}

/// Why an invocation did not run at all (the caller answers with an API error).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InvokeError {
    /// The reserved concurrency or the global limit is reached:
    /// `TooManyRequestsException`, "Rate Exceeded.".
    #[error("Rate Exceeded.")]
    TooManyRequests,
    /// No interpreter or executable serves the function's runtime here.
    #[error("{0}")]
    RuntimeUnavailable(String),
    /// The runner itself failed (`ServiceException`).
    #[error("{0}")]
    Internal(String),
}
