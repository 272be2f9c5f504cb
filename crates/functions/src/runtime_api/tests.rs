use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{ApiEvent, Invocation, MAX_RESPONSE_BYTES, RuntimeApi};

/// One request on a fresh connection (`Connection: close`): status, lowercased head, body.
async fn call(endpoint: &str, method: &str, path: &str, headers: &str, body: &[u8]) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(endpoint).await.unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n{headers}\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(body).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    let split = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&out[..split]).to_lowercase();
    let status = head[9..12].parse().unwrap();
    (status, head, out[split + 4..].to_vec())
}

fn invocation(id: &str) -> Invocation {
    Invocation {
        request_id: id.into(),
        payload: Bytes::from_static(b"{\"k\":1}"),
        timeout: Duration::from_secs(3),
        invoked_function_arn: "arn:aws:lambda:us-east-1:123456789012:function:f".into(),
        trace_id: Some("Root=1-abc".into()),
        client_context: None,
        cognito_identity: None,
    }
}

const NEXT: &str = "/2018-06-01/runtime/invocation/next";

#[tokio::test]
async fn next_hands_out_the_invocation_with_its_headers() {
    let mut api = RuntimeApi::start(None).await.unwrap();
    let ep = api.endpoint();
    api.submit(invocation("req-1")).await.unwrap();
    let (status, head, body) = call(&ep, "GET", NEXT, "", b"").await;
    assert_eq!(status, 200);
    assert_eq!(body, b"{\"k\":1}");
    assert!(head.contains("lambda-runtime-aws-request-id: req-1"));
    assert!(head.contains("lambda-runtime-invoked-function-arn: arn:aws:lambda:us-east-1:123456789012:function:f"));
    assert!(head.contains("lambda-runtime-trace-id: root=1-abc"));
    assert!(head.contains("lambda-runtime-deadline-ms: "));
    assert!(!head.contains("lambda-runtime-client-context"));
    assert_eq!(api.event().await, Some(ApiEvent::Ready));
    assert!(matches!(api.event().await, Some(ApiEvent::Started { request_id, .. }) if request_id == "req-1"));

    // A wrong id is AWS's InvalidRequestID; the right one is accepted once.
    let resp = "/2018-06-01/runtime/invocation/other/response";
    let (status, _, body) = call(&ep, "POST", resp, "", b"1").await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        br#"{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}"#
    );
    let resp = "/2018-06-01/runtime/invocation/req-1/response";
    let (status, _, body) = call(&ep, "POST", resp, "", b"\"done\"").await;
    assert_eq!((status, body.as_slice()), (202, &b"{\"status\":\"OK\"}\n"[..]));
    assert_eq!(
        api.event().await,
        Some(ApiEvent::Response {
            request_id: "req-1".into(),
            body: Bytes::from_static(b"\"done\"")
        })
    );
    let (status, _, body) = call(&ep, "POST", resp, "", b"again").await;
    assert_eq!(status, 403);
    assert_eq!(
        String::from_utf8(body).unwrap(),
        r#"{"errorMessage":"State transition from RuntimeResponseSentState to InvocationResponse failed for runtime. Error: State transition is not allowed","errorType":"InvalidStateTransition"}"#
    );
}

#[tokio::test]
async fn errors_carry_their_type_and_body() {
    let mut api = RuntimeApi::start(None).await.unwrap();
    let ep = api.endpoint();
    api.submit(invocation("r2")).await.unwrap();
    call(&ep, "GET", NEXT, "", b"").await;
    let (status, _, _) = call(
        &ep,
        "POST",
        "/2018-06-01/runtime/invocation/r2/error",
        "Lambda-Runtime-Function-Error-Type: Custom.Err\r\n",
        b"{\"errorType\":\"Custom.Err\"}",
    )
    .await;
    assert_eq!(status, 202);
    api.event().await;
    api.event().await;
    assert_eq!(
        api.event().await,
        Some(ApiEvent::Error {
            request_id: "r2".into(),
            error_type: Some("Custom.Err".into()),
            body: Bytes::from_static(b"{\"errorType\":\"Custom.Err\"}"),
        })
    );
    // init/error is for the init phase only.
    let (status, _, _) = call(&ep, "POST", "/2018-06-01/runtime/init/error", "", b"{}").await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn init_error_and_unknown_paths() {
    let mut api = RuntimeApi::start(None).await.unwrap();
    let ep = api.endpoint();
    let (status, _, _) = call(&ep, "GET", "/2018-06-01/runtime/nope", "", b"").await;
    assert_eq!(status, 404);
    let (status, _, _) = call(&ep, "POST", NEXT, "", b"").await;
    assert_eq!(status, 405);
    let (status, _, _) = call(
        &ep,
        "POST",
        "/2018-06-01/runtime/init/error",
        "Lambda-Runtime-Function-Error-Type: Runtime.ImportModuleError\r\n",
        b"{\"e\":1}",
    )
    .await;
    assert_eq!(status, 202);
    assert_eq!(
        api.event().await,
        Some(ApiEvent::InitError {
            error_type: Some("Runtime.ImportModuleError".into()),
            body: Bytes::from_static(b"{\"e\":1}"),
        })
    );
}

#[tokio::test]
async fn an_oversize_response_is_refused_with_413() {
    let mut api = RuntimeApi::start(None).await.unwrap();
    let ep = api.endpoint();
    api.submit(invocation("big")).await.unwrap();
    call(&ep, "GET", NEXT, "", b"").await;
    let body = vec![b'a'; 7 * 1024 * 1024];
    let (status, _, answer) = call(&ep, "POST", "/2018-06-01/runtime/invocation/big/response", "", &body).await;
    assert_eq!(status, 413);
    assert_eq!(
        String::from_utf8(answer).unwrap(),
        r#"{"errorMessage":"Exceeded maximum allowed payload size (6291556 bytes).","errorType":"RequestEntityTooLarge"}"#
    );
    api.event().await;
    api.event().await;
    assert_eq!(
        api.event().await,
        Some(ApiEvent::ResponseTooLarge {
            request_id: "big".into(),
            size: body.len()
        })
    );
    assert_eq!(MAX_RESPONSE_BYTES, 6_291_556);
}
