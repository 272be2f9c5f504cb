//! The router over the real service (SQLite store, runtime), driven in process: status
//! codes, headers, `__type`, member names, timestamps. Moved from crates/server/tests, where
//! it ran over an in-memory fake of the service.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
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

async fn ok(app: &axum::Router, action: &str, body: Value) -> Value {
    let reply = call(app, action, body).await;
    assert_eq!(reply.status, StatusCode::OK, "{action}: {}", reply.raw);
    reply.body
}

async fn create(app: &axum::Router, name: &str) -> String {
    let out = ok(
        app,
        "CreateStateMachine",
        json!({"name": name, "definition": PASS, "roleArn": ROLE}),
    )
    .await;
    out["stateMachineArn"].as_str().unwrap().to_owned()
}

fn assert_error(reply: &Reply, status: StatusCode, type_name: &str, message: &str) {
    assert_eq!(reply.status, status, "{}", reply.raw);
    assert_eq!(reply.body["__type"], type_name, "{}", reply.raw);
    assert_eq!(reply.body["message"], message, "{}", reply.raw);
    assert_eq!(reply.content_type.as_deref(), Some("application/x-amz-json-1.0"));
}

#[tokio::test]
async fn successful_responses_have_the_protocol_headers_and_epoch_timestamps() {
    let dir = common::DataDir::new();
    let app = common::app(&dir).await;
    let reply = call(
        &app,
        "CreateStateMachine",
        json!({"name": "hello", "definition": PASS, "roleArn": ROLE, "type": "EXPRESS"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type.as_deref(), Some("application/x-amz-json-1.0"));
    assert_eq!(reply.request_id.as_deref().map(str::len), Some(36));
    assert_eq!(
        reply.body["stateMachineArn"],
        "arn:aws:states:us-east-1:123456789012:stateMachine:hello"
    );
    assert!(reply.body["creationDate"].is_f64(), "{}", reply.raw);
    assert!(reply.body.get("stateMachineVersionArn").is_none());

    let listed = ok(&app, "ListStateMachines", json!({})).await;
    assert_eq!(
        listed,
        json!({"stateMachines": [{
            "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:hello",
            "name": "hello",
            "type": "EXPRESS",
            "creationDate": reply.body["creationDate"],
        }]})
    );

    let described = ok(
        &app,
        "DescribeStateMachine",
        json!({"stateMachineArn": reply.body["stateMachineArn"]}),
    )
    .await;
    assert_eq!(described["definition"], PASS);
    assert_eq!(described["roleArn"], ROLE);
    assert_eq!(described["status"], "ACTIVE");
    assert_eq!(
        described["loggingConfiguration"],
        json!({"level": "OFF", "includeExecutionData": false})
    );
}

#[tokio::test]
async fn executions_and_history() {
    let dir = common::DataDir::new();
    let app = common::app(&dir).await;
    let arn = create(&app, "machine").await;
    let started = ok(
        &app,
        "StartExecution",
        json!({"stateMachineArn": arn, "name": "run-1", "input": "{\"a\":1}"}),
    )
    .await;
    let execution_arn = started["executionArn"].as_str().unwrap();
    assert_eq!(
        execution_arn,
        "arn:aws:states:us-east-1:123456789012:execution:machine:run-1"
    );
    assert!(started["startDate"].is_f64());

    let described = ok(&app, "DescribeExecution", json!({"executionArn": execution_arn})).await;
    assert_eq!(described["status"], "SUCCEEDED");
    assert_eq!(described["output"], "{\"a\":1}");
    assert_eq!(described["outputDetails"], json!({"included": true}));
    // A Pass machine finishes within the StartExecution call: the stop date may equal the
    // start date to the millisecond (the fake backend ticked its clock between calls).
    assert!(described["stopDate"].as_f64().unwrap() >= described["startDate"].as_f64().unwrap());

    let history = ok(
        &app,
        "GetExecutionHistory",
        json!({"executionArn": execution_arn, "maxResults": 1}),
    )
    .await;
    assert_eq!(history["events"].as_array().unwrap().len(), 1);
    let first = &history["events"][0];
    assert_eq!(first["type"], "ExecutionStarted");
    assert_eq!(first["id"], 1);
    assert_eq!(first["previousEventId"], 0);
    assert!(first["timestamp"].is_f64());
    assert_eq!(first["executionStartedEventDetails"]["input"], "{\"a\":1}");
    let token = history["nextToken"].as_str().unwrap();
    let rest = ok(
        &app,
        "GetExecutionHistory",
        json!({"executionArn": execution_arn, "nextToken": token}),
    )
    .await;
    // The fake's history was ExecutionStarted, ExecutionSucceeded; the real one has the Pass
    // state's events between them.
    let rest_events = rest["events"].as_array().unwrap();
    let types: Vec<&str> = rest_events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["PassStateEntered", "PassStateExited", "ExecutionSucceeded"]);
    for (i, event) in rest_events.iter().enumerate() {
        assert_eq!(event["id"], i + 2);
        assert!(event["previousEventId"].as_u64().unwrap() < event["id"].as_u64().unwrap());
    }
    assert_eq!(rest_events.last().unwrap()["type"], "ExecutionSucceeded");
    assert!(rest.get("nextToken").is_none());

    let listed = ok(
        &app,
        "ListExecutions",
        json!({"stateMachineArn": arn, "statusFilter": "SUCCEEDED"}),
    )
    .await;
    assert_eq!(listed["executions"][0]["name"], "run-1");

    let again = call(&app, "StartExecution", json!({"stateMachineArn": arn, "name": "run-1"})).await;
    assert_error(
        &again,
        StatusCode::BAD_REQUEST,
        &format!("{SWF}#ExecutionAlreadyExists"),
        &format!("Execution Already Exists: '{execution_arn}'"),
    );
}

#[tokio::test]
async fn backend_errors_have_the_swf_namespace() {
    let dir = common::DataDir::new();
    let app = common::app(&dir).await;
    let missing = "arn:aws:states:us-east-1:123456789012:stateMachine:missing";
    let reply = call(&app, "DescribeStateMachine", json!({"stateMachineArn": missing})).await;
    assert_error(
        &reply,
        StatusCode::BAD_REQUEST,
        &format!("{SWF}#StateMachineDoesNotExist"),
        &format!("State Machine Does Not Exist: '{missing}'"),
    );
    let exec = "arn:aws:states:us-east-1:123456789012:execution:m:missing";
    let reply = call(&app, "DescribeExecution", json!({"executionArn": exec})).await;
    assert_error(
        &reply,
        StatusCode::BAD_REQUEST,
        &format!("{SWF}#ExecutionDoesNotExist"),
        &format!("Execution Does Not Exist: '{exec}'"),
    );
    let reply = call(&app, "ListTagsForResource", json!({"resourceArn": missing})).await;
    assert_eq!(reply.body["__type"], format!("{SWF}#ResourceNotFound"));
    assert_eq!(reply.body["resourceName"], missing);
}

#[tokio::test]
async fn validation_happens_before_the_backend() {
    let dir = common::DataDir::new();
    let app = common::app(&dir).await;
    let arn = create(&app, "m").await;
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
    let dir = common::DataDir::new();
    let app = common::app(&dir).await;

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

    // An empty body is an empty request.
    let reply = send(&app, request("ListStateMachines", "")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, json!({"stateMachines": []}));

    // Anything but POST /.
    let r = Request::get("/").body(Body::empty()).unwrap();
    assert_eq!(send(&app, r).await.status, StatusCode::NOT_FOUND);
    let r = Request::post("/other").body(Body::empty()).unwrap();
    assert_eq!(send(&app, r).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_credential_scope_selects_the_region() {
    let dir = common::DataDir::new();
    let app = common::app(&dir).await;
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
    assert_eq!(
        reply.body["stateMachineArn"],
        "arn:aws:states:eu-west-1:123456789012:stateMachine:m"
    );
}

#[tokio::test]
async fn versions_aliases_and_tags() {
    let dir = common::DataDir::new();
    let app = common::app(&dir).await;
    let arn = create(&app, "m").await;
    let v1 = ok(&app, "PublishStateMachineVersion", json!({"stateMachineArn": arn})).await;
    let v1 = v1["stateMachineVersionArn"].as_str().unwrap().to_owned();
    assert_eq!(v1, format!("{arn}:1"));
    let versions = ok(&app, "ListStateMachineVersions", json!({"stateMachineArn": arn})).await;
    assert_eq!(versions["stateMachineVersions"][0]["stateMachineVersionArn"], v1);

    let alias = ok(
        &app,
        "CreateStateMachineAlias",
        json!({"name": "PROD", "routingConfiguration": [{"stateMachineVersionArn": v1, "weight": 100}]}),
    )
    .await;
    let alias_arn = alias["stateMachineAliasArn"].as_str().unwrap();
    assert_eq!(alias_arn, format!("{arn}:PROD"));
    let described = ok(
        &app,
        "DescribeStateMachineAlias",
        json!({"stateMachineAliasArn": alias_arn}),
    )
    .await;
    assert_eq!(
        described["routingConfiguration"],
        json!([{"stateMachineVersionArn": v1, "weight": 100}])
    );

    let reply = call(
        &app,
        "CreateStateMachineAlias",
        json!({"name": "B", "routingConfiguration": [
            {"stateMachineVersionArn": v1, "weight": 70},
            {"stateMachineVersionArn": format!("{arn}:2"), "weight": 31}
        ]}),
    )
    .await;
    assert_error(
        &reply,
        StatusCode::BAD_REQUEST,
        &format!("{SWF}#ValidationException"),
        "Sum of routing configuration weights must equal 100. Received: [70, 31]",
    );
    assert_eq!(reply.body["reason"], "INVALID_ROUTING_CONFIGURATION");

    ok(
        &app,
        "TagResource",
        json!({"resourceArn": arn, "tags": [{"key": "team", "value": "a"}]}),
    )
    .await;
    let tags = ok(&app, "ListTagsForResource", json!({"resourceArn": arn})).await;
    assert_eq!(tags, json!({"tags": [{"key": "team", "value": "a"}]}));
    ok(&app, "UntagResource", json!({"resourceArn": arn, "tagKeys": ["team"]})).await;
    let tags = ok(&app, "ListTagsForResource", json!({"resourceArn": arn})).await;
    assert_eq!(tags, json!({"tags": []}));

    assert_eq!(
        ok(&app, "DeleteStateMachine", json!({"stateMachineArn": arn})).await,
        json!({})
    );
}

#[tokio::test]
async fn over_a_real_socket() {
    let dir = common::DataDir::new();
    let addr = common::spawn(&dir).await;
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
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    assert!(
        response.contains("content-type: application/x-amz-json-1.0"),
        "{response}"
    );
    assert!(response.ends_with(r#"{"stateMachines":[]}"#), "{response}");
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
    let dir = common::DataDir::new();
    let app = common::app_with(&dir, config).await;
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
    assert_eq!(
        reply.body["stateMachineArn"],
        "arn:aws:states:us-west-2:000000000001:stateMachine:m"
    );
}

#[tokio::test]
async fn graceful_shutdown_returns() {
    let dir = common::DataDir::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(server::serve_with_shutdown(listener, common::app(&dir).await, async {
        let _ = rx.await;
    }));
    tx.send(()).unwrap();
    task.await.unwrap().unwrap();
}
