//! The framing: routes, query strings, limits, the wire form of answers and errors, through
//! the router with a backend that only echoes what it was handed.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use super::protocol::{parse_query, route};
use super::*;

#[test]
fn every_action_has_its_route_and_labels_are_decoded() {
    use LambdaAction::*;
    let arn = "arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af%3A%24LATEST";
    let cases = [
        ("POST", "/2015-03-31/functions", CreateFunction, "", None),
        ("GET", "/2015-03-31/functions/", ListFunctions, "", None),
        ("GET", "/2015-03-31/functions/f", GetFunction, "f", None),
        ("DELETE", "/2015-03-31/functions/f", DeleteFunction, "f", None),
        (
            "GET",
            "/2015-03-31/functions/f/configuration",
            GetFunctionConfiguration,
            "f",
            None,
        ),
        (
            "PUT",
            "/2015-03-31/functions/f/configuration",
            UpdateFunctionConfiguration,
            "f",
            None,
        ),
        ("PUT", "/2015-03-31/functions/f/code", UpdateFunctionCode, "f", None),
        ("POST", "/2015-03-31/functions/f/versions", PublishVersion, "f", None),
        (
            "GET",
            "/2015-03-31/functions/f/versions",
            ListVersionsByFunction,
            "f",
            None,
        ),
        ("POST", "/2015-03-31/functions/f/aliases", CreateAlias, "f", None),
        ("GET", "/2015-03-31/functions/f/aliases", ListAliases, "f", None),
        (
            "GET",
            "/2015-03-31/functions/f/aliases/live",
            GetAlias,
            "f",
            Some("live"),
        ),
        (
            "PUT",
            "/2015-03-31/functions/f/aliases/live",
            UpdateAlias,
            "f",
            Some("live"),
        ),
        (
            "DELETE",
            "/2015-03-31/functions/f/aliases/live",
            DeleteAlias,
            "f",
            Some("live"),
        ),
        ("POST", "/2015-03-31/functions/f/invocations", Invoke, "f", None),
        (
            "PUT",
            "/2017-10-31/functions/f/concurrency",
            PutFunctionConcurrency,
            "f",
            None,
        ),
        (
            "DELETE",
            "/2017-10-31/functions/f/concurrency",
            DeleteFunctionConcurrency,
            "f",
            None,
        ),
        (
            "GET",
            "/2019-09-30/functions/f/concurrency",
            GetFunctionConcurrency,
            "f",
            None,
        ),
        ("POST", "/2017-03-31/tags/r", TagResource, "r", None),
        ("GET", "/2017-03-31/tags/r", ListTags, "r", None),
        ("DELETE", "/2017-03-31/tags/r", UntagResource, "r", None),
    ];
    let mut seen = Vec::new();
    for (m, path, action, f, alias) in cases {
        let m = Method::from_bytes(m.as_bytes()).unwrap();
        assert_eq!(
            route(&m, path),
            Some((action, f.to_owned(), alias.map(str::to_owned))),
            "{m} {path}"
        );
        seen.push(action);
    }
    let mut all = ACTIONS.to_vec();
    all.sort_by_key(|a| a.name());
    seen.sort_by_key(|a| a.name());
    assert_eq!(seen, all, "the table serves exactly these actions");
    let (_, f, _) = route(&Method::GET, &format!("/2015-03-31/functions/{arn}/configuration")).unwrap();
    assert_eq!(f, "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST");
    assert_eq!(route(&Method::PATCH, "/2015-03-31/functions/f"), None);
    assert_eq!(route(&Method::GET, "/2015-03-31/functions/f/nope"), None);
    assert_eq!(route(&Method::GET, "/2019-09-30/functions/f/configuration"), None);
}

#[test]
fn query_strings_decode_and_keep_repeats() {
    let q = parse_query(Some("Qualifier=%24LATEST&tagKeys=a&tagKeys=b%20c&MaxItems=5&flag"));
    assert_eq!(
        q,
        vec![
            ("Qualifier".to_owned(), "$LATEST".to_owned()),
            ("tagKeys".into(), "a".into()),
            ("tagKeys".into(), "b c".into()),
            ("MaxItems".into(), "5".into()),
            ("flag".into(), "".into()),
        ]
    );
    assert!(parse_query(None).is_empty());
}

#[test]
fn errors_carry_the_model_spelling_of_message() {
    let e = LambdaError::resource_not_found("Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope");
    assert_eq!(e.status, StatusCode::NOT_FOUND);
    assert_eq!(
        e.body(),
        json!({"Type": "User", "Message": "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope"})
    );
    assert_eq!(
        LambdaError::invalid_parameter("x").body(),
        json!({"Type": "User", "message": "x"})
    );
    assert_eq!(
        LambdaError::too_many_requests("ReservedFunctionConcurrentInvocationLimitExceeded").body(),
        json!({"Type": "User", "message": "Rate Exceeded.", "Reason": "ReservedFunctionConcurrentInvocationLimitExceeded"})
    );
    assert_eq!(LambdaError::service("boom").body()["Type"], "Service");
}

/// Answers what it was handed, or the error the request asks for.
struct Echo;

impl LambdaBackend for Echo {
    async fn call(&self, ctx: RequestContext, r: LambdaRequest) -> Result<LambdaReply, LambdaError> {
        if r.function == "missing" {
            return Err(LambdaError::resource_not_found("Function not found: x"));
        }
        if r.action == LambdaAction::Invoke {
            return Ok(LambdaReply::Invoke(InvokeReply {
                status: StatusCode::OK,
                payload: r.body.to_vec(),
                function_error: Some("Unhandled".into()),
                log_result: Some("U1RBUlQ=".into()),
                executed_version: Some("$LATEST".into()),
                request_id: Some("invocation-1".into()),
            }));
        }
        let body = r.json()?;
        Ok(LambdaReply::Json(
            StatusCode::CREATED,
            json!({"action": r.action.name(), "function": r.function, "region": ctx.region, "body": body,
                   "query": r.query("Qualifier")}),
        ))
    }
}

async fn send(req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let app = router(Arc::new(Echo), LambdaConfig::default());
    let res = app.oneshot(req).await.unwrap();
    let (parts, body) = res.into_parts();
    (
        parts.status,
        parts.headers,
        body.collect().await.unwrap().to_bytes().to_vec(),
    )
}

#[tokio::test]
async fn answers_and_errors_on_the_wire() {
    let (status, headers, body) = send(
        Request::post("/2015-03-31/functions?Qualifier=1")
            .header(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=AK/20240101/eu-west-1/lambda/aws4_request, SignedHeaders=host, Signature=x",
            )
            .body(Body::from(r#"{"FunctionName":"f"}"#))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(headers.contains_key("x-amzn-requestid"));
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["action"], "CreateFunction");
    assert_eq!(v["region"], "eu-west-1", "the credential scope's region");
    assert_eq!(v["query"], "1");

    let (status, headers, body) = send(
        Request::get("/2015-03-31/functions/missing")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(headers["x-amzn-errortype"], "ResourceNotFoundException");
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v, json!({"Type": "User", "Message": "Function not found: x"}));

    let (status, headers, _) = send(
        Request::post("/2015-03-31/functions")
            .body(Body::from("{not json"))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(headers["x-amzn-errortype"], "InvalidRequestContentException");

    let (status, headers, body) = send(
        Request::post("/2015-03-31/functions/f/invocations")
            .body(Body::from(r#"{"a":1}"#))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, br#"{"a":1}"#);
    assert_eq!(headers["x-amz-function-error"], "Unhandled");
    assert_eq!(headers["x-amz-executed-version"], "$LATEST");
    assert_eq!(headers["x-amz-log-result"], "U1RBUlQ=");
    assert_eq!(headers["x-amzn-requestid"], "invocation-1", "the invocation's own id");

    let (status, headers, _) = send(
        Request::get("/2015-03-31/functions/f/nope")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(headers["x-amzn-errortype"], "UnknownOperationException");
}

#[tokio::test]
async fn payloads_past_the_limits_are_refused_as_aws_does() {
    let big = vec![b' '; MAX_SYNC_PAYLOAD_BYTES + 1];
    let (status, headers, body) = send(
        Request::post("/2015-03-31/functions/f/invocations")
            .header("content-length", big.len())
            .body(Body::from(big))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(headers["x-amzn-errortype"], "RequestTooLargeException");
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        v["message"],
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation"
    );

    let event = vec![b' '; MAX_ASYNC_PAYLOAD_BYTES + 1];
    let (status, headers, _) = send(
        Request::post("/2015-03-31/functions/f/invocations")
            .header("x-amz-invocation-type", "Event")
            .body(Body::from(event))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(headers["x-amzn-errortype"], "RequestTooLargeException");
    // The same size synchronously is fine.
    let (status, _, _) = send(
        Request::post("/2015-03-31/functions/f/invocations")
            .body(Body::from(vec![b' '; MAX_ASYNC_PAYLOAD_BYTES + 1]))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let (status, headers, body) = send(
        Request::post("/2015-03-31/functions")
            .header("content-length", MAX_CODE_REQUEST_BYTES + 1)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(headers["x-amzn-errortype"], "RequestEntityTooLargeException");
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        v["message"],
        "Request must be smaller than 69905067 bytes for the CreateFunction operation"
    );
}
