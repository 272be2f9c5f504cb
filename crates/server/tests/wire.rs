//! The router's framing, validation and hooks, driven in process over a backend that answers
//! every action with an error naming the action and the caller's region and account: what
//! happens before the backend, and what the backend is given. Tests of the actions themselves
//! run over the real service in crates/service/tests.

mod refuser;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use refuser::{Refuser, app};
use serde_json::{Value, json};
use tower::ServiceExt;

const SWF: &str = "com.amazonaws.swf.service.v2.model";
const VALIDATE: &str = "com.amazon.coral.validate#ValidationException";
const ROLE: &str = "arn:aws:iam::123456789012:role/StepFunctions";
const PASS: &str = r#"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#;

struct Reply {
    status: StatusCode,
    content_type: Option<String>,
    request_id: Option<String>,
    body: Value,
    raw: String,
}

async fn send(app: &axum::Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
    let content_type = header("content-type");
    let request_id = header("x-amzn-requestid");
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let raw = String::from_utf8(bytes.to_vec()).unwrap();
    let body = serde_json::from_str(&raw).unwrap_or(Value::Null);
    Reply {
        status,
        content_type,
        request_id,
        body,
        raw,
    }
}

fn request(action: &str, body: &str) -> Request<Body> {
    Request::post("/")
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", format!("AWSStepFunctions.{action}"))
        .body(Body::from(body.to_owned()))
        .unwrap()
}

async fn call(app: &axum::Router, action: &str, body: Value) -> Reply {
    send(app, request(action, &body.to_string())).await
}

fn assert_backend_reached(reply: &Reply, method: &str, region: &str, account: &str) {
    assert_error(
        reply,
        StatusCode::SERVICE_UNAVAILABLE,
        "com.amazon.coral.service#ServiceUnavailable",
        &format!("{method} reached the backend ({region}, {account})"),
    );
}

fn assert_error(reply: &Reply, status: StatusCode, type_name: &str, message: &str) {
    assert_eq!(reply.status, status, "{}", reply.raw);
    assert_eq!(reply.body["__type"], type_name, "{}", reply.raw);
    assert_eq!(reply.body["message"], message, "{}", reply.raw);
    assert_eq!(reply.content_type.as_deref(), Some("application/x-amz-json-1.0"));
    assert_eq!(reply.request_id.as_deref().map(str::len), Some(36));
}

#[tokio::test]
async fn validation_happens_before_the_backend() {
    let app = app();
    // Every request here is refused before the backend: a backend call would answer
    // ServiceUnavailable.
    let arn = "arn:aws:states:us-east-1:123456789012:stateMachine:m";
    let long = "a".repeat(81);
    let cases = [
        (
            "StartExecution",
            json!({"stateMachineArn": "not-an-arn", "name": "n"}),
            format!("{SWF}#InvalidArn"),
            "Invalid Arn: 'Invalid ARN prefix: not-an-arn'".to_owned(),
        ),
        (
            "StartExecution",
            json!({"stateMachineArn": arn, "name": long}),
            VALIDATE.to_owned(),
            format!("1 validation error detected: Value '{long}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80"),
        ),
        (
            "StartExecution",
            json!({"stateMachineArn": arn, "input": format!("\"{}\"", "a".repeat(262_144))}),
            VALIDATE.to_owned(),
            "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have size less than or equal to 262144 bytes in UTF-8 encoding".to_owned(),
        ),
        (
            "StartExecution",
            json!({"stateMachineArn": arn, "name": "a b"}),
            format!("{SWF}#InvalidName"),
            "Invalid Name: 'a b'".to_owned(),
        ),
        (
            "StartExecution",
            json!({"name": "n"}),
            VALIDATE.to_owned(),
            "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null".to_owned(),
        ),
        (
            "ListStateMachines",
            json!({"maxResults": 1001}),
            VALIDATE.to_owned(),
            "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000".to_owned(),
        ),
        (
            "DescribeExecution",
            json!({"executionArn": "arn:aws:states:us-east-1:123456789012:express:m:e:0d1c"}),
            format!("{SWF}#InvalidArn"),
            "Invalid Arn: 'Resource type not valid in this context: express'".to_owned(),
        ),
        (
            "CreateStateMachine",
            json!({"name": "x", "definition": PASS, "roleArn": ROLE, "versionDescription": "d"}),
            format!("{SWF}#ValidationException"),
            "Version description can only be set when publish is true".to_owned(),
        ),
        (
            "UpdateStateMachine",
            json!({"stateMachineArn": arn}),
            format!("{SWF}#MissingRequiredParameter"),
            "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified".to_owned(),
        ),
    ];
    for (action, body, type_name, message) in cases {
        let reply = call(&app, action, body.clone()).await;
        assert_error(&reply, StatusCode::BAD_REQUEST, &type_name, &message);
    }

    let reply = call(&app, "StartExecution", json!({"stateMachineArn": arn, "input": "{"})).await;
    assert_eq!(reply.body["__type"], format!("{SWF}#InvalidExecutionInput"));
    assert!(
        reply.body["message"]
            .as_str()
            .unwrap()
            .starts_with("Invalid State Machine Execution Input: '")
    );
}

#[tokio::test]
async fn protocol_errors() {
    let app = app();

    // Unknown action.
    let reply = send(&app, request("DoSomething", "{}")).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.body["__type"],
        "com.amazon.coral.service#UnknownOperationException"
    );

    // Another service's target.
    let r = Request::post("/")
        .header("x-amz-target", "DynamoDB_20120810.ListTables")
        .body(Body::from("{}"))
        .unwrap();
    let reply = send(&app, r).await;
    assert_eq!(
        reply.body["__type"],
        "com.amazon.coral.service#UnknownOperationException"
    );

    // No target at all.
    let r = Request::post("/").body(Body::from("{}")).unwrap();
    let reply = send(&app, r).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.body["__type"],
        "com.amazon.coral.service#UnknownOperationException"
    );

    // Malformed JSON, and the wrong JSON type.
    for body in ["{", "[1]", r#"{"maxResults": "ten"}"#] {
        let reply = send(&app, request("ListStateMachines", body)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(
            reply.body["__type"], "com.amazon.coral.service#SerializationException",
            "{body}"
        );
    }

    // An empty body is an empty request: it reaches the backend (the real service's answer
    // is checked in crates/service/tests/wire.rs).
    let reply = send(&app, request("ListStateMachines", "")).await;
    assert_backend_reached(&reply, "list_state_machines", "us-east-1", "123456789012");

    // Anything but POST /.
    let r = Request::get("/").body(Body::empty()).unwrap();
    assert_eq!(send(&app, r).await.status, StatusCode::NOT_FOUND);
    let r = Request::post("/other").body(Body::empty()).unwrap();
    assert_eq!(send(&app, r).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_credential_scope_selects_the_region() {
    let app = app();
    let r = Request::post("/")
        .header("x-amz-target", "AWSStepFunctions.CreateStateMachine")
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-1/states/aws4_request, SignedHeaders=host, Signature=00",
        )
        .body(Body::from(
            json!({"name": "m", "definition": PASS, "roleArn": ROLE}).to_string(),
        ))
        .unwrap();
    let reply = send(&app, r).await;
    assert_backend_reached(&reply, "create_state_machine", "eu-west-1", "123456789012");
}

#[tokio::test]
async fn every_action_reaches_its_own_method() {
    let app = app();
    let sm = "arn:aws:states:us-east-1:123456789012:stateMachine:m";
    for (action, method, body) in [
        ("ListStateMachines", "list_state_machines", json!({})),
        ("ListExecutions", "list_executions", json!({"stateMachineArn": sm})),
        (
            "ListTagsForResource",
            "list_tags_for_resource",
            json!({"resourceArn": sm}),
        ),
    ] {
        let reply = call(&app, action, body).await;
        assert_backend_reached(&reply, method, "us-east-1", "123456789012");
    }
}

#[tokio::test]
async fn over_a_real_socket() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server::serve(listener, app()));
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = "{}";
    let req = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AWSStepFunctions.ListStateMachines\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 503 Service Unavailable"), "{response}");
    assert!(
        response.contains("content-type: application/x-amz-json-1.0"),
        "{response}"
    );
    assert!(response.contains("x-amzn-requestid: "), "{response}");
    assert!(
        response.ends_with(
            r#"{"__type":"com.amazon.coral.service#ServiceUnavailable","message":"list_state_machines reached the backend (us-east-1, 123456789012)"}"#
        ),
        "{response}"
    );
}

struct OnlyKey(&'static str);

impl server::Authenticator for OnlyKey {
    fn authenticate(
        &self,
        request: &axum::http::request::Parts,
        _body: &axum::body::Bytes,
    ) -> Result<server::Principal, server::ApiError> {
        let header = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| server::ApiError::MissingAuthenticationToken("Missing Authentication Token".into()))?;
        match server::protocol::credential_scope(header) {
            Some((key, _)) if key == self.0 => Ok(server::Principal {
                access_key_id: Some(key),
                account_id: Some("000000000001".into()),
            }),
            _ => Err(server::ApiError::UnrecognizedClient(
                "The security token included in the request is invalid.".into(),
            )),
        }
    }
}

#[tokio::test]
async fn the_authentication_hook_can_refuse_and_set_the_account() {
    let config = server::ServerConfig {
        authenticator: Some(std::sync::Arc::new(OnlyKey("good"))),
        ..Default::default()
    };
    let app = server::router(std::sync::Arc::new(Refuser), config);
    let signed = |key: &str| {
        Request::post("/")
            .header("x-amz-target", "AWSStepFunctions.CreateStateMachine")
            .header(
                "authorization",
                format!("AWS4-HMAC-SHA256 Credential={key}/20240101/us-west-2/states/aws4_request, SignedHeaders=host, Signature=00"),
            )
            .body(Body::from(
                json!({"name": "m", "definition": PASS, "roleArn": ROLE}).to_string(),
            ))
            .unwrap()
    };

    let reply = send(&app, request("ListStateMachines", "{}")).await;
    assert_error(
        &reply,
        StatusCode::BAD_REQUEST,
        "com.amazon.coral.service#MissingAuthenticationTokenException",
        "Missing Authentication Token",
    );
    let reply = send(&app, signed("bad")).await;
    assert_error(
        &reply,
        StatusCode::BAD_REQUEST,
        "com.amazon.coral.service#UnrecognizedClientException",
        "The security token included in the request is invalid.",
    );
    let reply = send(&app, signed("good")).await;
    assert_backend_reached(&reply, "create_state_machine", "us-west-2", "000000000001");
}

#[tokio::test]
async fn graceful_shutdown_returns() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(server::serve_with_shutdown(listener, app(), async {
        let _ = rx.await;
    }));
    tx.send(()).unwrap();
    task.await.unwrap().unwrap();
}
