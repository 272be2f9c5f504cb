//! The error documents Lambda itself returns (not the runtime's): a timeout, a runtime that
//! exited, a response over the size limit, a missing bootstrap. Field order and wording are
//! AWS's: `{"errorType":…,"errorMessage":…}`.

use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;
use std::time::Duration;

use crate::runtime_api::MAX_RESPONSE_BYTES;

fn document(error_type: &str, message: &str) -> Vec<u8> {
    let mut map = serde_json::Map::new();
    map.insert("errorType".into(), error_type.into());
    map.insert("errorMessage".into(), message.into());
    serde_json::to_vec(&serde_json::Value::Object(map)).expect("a map of strings serializes")
}

/// `Task timed out after 3.00 seconds`.
pub fn timed_out_text(timeout: Duration) -> String {
    format!("Task timed out after {:.2} seconds", timeout.as_secs_f64())
}

pub fn timed_out(request_id: &str, timeout: Duration) -> Vec<u8> {
    document(
        "Sandbox.Timedout",
        &format!("RequestId: {request_id} Error: {}", timed_out_text(timeout)),
    )
}

/// How Lambda (in Go) words a process's end: `exit status 1`, `signal: killed`.
pub fn exit_text(status: Option<ExitStatus>) -> String {
    match status {
        Some(s) => match (s.code(), s.signal()) {
            (Some(code), _) => format!("exit status {code}"),
            (None, Some(sig)) => format!("signal: {}", signal_name(sig)),
            _ => "exit status unknown".into(),
        },
        None => "signal: killed".into(),
    }
}

fn signal_name(sig: i32) -> String {
    match sig {
        1 => "hangup".into(),
        2 => "interrupt".into(),
        3 => "quit".into(),
        4 => "illegal instruction".into(),
        6 => "aborted".into(),
        7 => "bus error".into(),
        8 => "floating point exception".into(),
        9 => "killed".into(),
        11 => "segmentation fault".into(),
        13 => "broken pipe".into(),
        15 => "terminated".into(),
        other => format!("signal {other}"),
    }
}

pub fn exited(request_id: &str, status: Option<ExitStatus>) -> Vec<u8> {
    document(
        "Runtime.ExitError",
        &format!(
            "RequestId: {request_id} Error: Runtime exited with error: {}",
            exit_text(status)
        ),
    )
}

/// The process passed its memory size and was killed.
pub fn out_of_memory(request_id: &str) -> Vec<u8> {
    document(
        "Runtime.OutOfMemory",
        &format!("RequestId: {request_id} Error: Runtime exited with error: signal: killed"),
    )
}

pub fn response_too_large() -> Vec<u8> {
    document(
        "Function.ResponseSizeTooLarge",
        &format!("Response payload size exceeded maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes)."),
    )
}

/// A `provided` function whose package has no runnable `bootstrap`.
pub fn invalid_entrypoint(request_id: &str, detail: &str) -> Vec<u8> {
    document(
        "Runtime.InvalidEntrypoint",
        &format!("RequestId: {request_id} Error: {detail}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_read_as_aws_writes_them() {
        assert_eq!(
            String::from_utf8(timed_out("abc", Duration::from_secs(3))).unwrap(),
            r#"{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: abc Error: Task timed out after 3.00 seconds"}"#
        );
        assert_eq!(
            String::from_utf8(exited("abc", Some(ExitStatus::from_raw(1 << 8)))).unwrap(),
            r#"{"errorType":"Runtime.ExitError","errorMessage":"RequestId: abc Error: Runtime exited with error: exit status 1"}"#
        );
        assert_eq!(exit_text(Some(ExitStatus::from_raw(9))), "signal: killed");
        assert_eq!(
            String::from_utf8(response_too_large()).unwrap(),
            r#"{"errorType":"Function.ResponseSizeTooLarge","errorMessage":"Response payload size exceeded maximum allowed payload size (6291556 bytes)."}"#
        );
    }
}
