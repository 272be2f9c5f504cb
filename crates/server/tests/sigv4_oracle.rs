//! The `aws-sigv4` crate (the signer of AWS's Rust SDK) as an oracle for our verifier: every
//! request it signs — headers, query strings, odd paths, empty and non-empty bodies, session
//! tokens — is accepted, and the same request changed after signing is refused.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use server::SigV4Authenticator;

const AKID: &str = "AKIDORACLE";
const SECRET: &str = "oracle/secret+KEY";
const TEMP_AKID: &str = "ASIAORACLE";
const TEMP_SECRET: &str = "temporary-secret";
const TOKEN: &str = "session//token+value==";

/// 2024-03-10T08:30:00Z
fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_710_059_400)
}

fn authenticator() -> SigV4Authenticator {
    SigV4Authenticator::from_credentials_str(&format!(
        "[default]\naws_access_key_id = {AKID}\naws_secret_access_key = {SECRET}\n\
         [temp]\naws_access_key_id = {TEMP_AKID}\naws_secret_access_key = {TEMP_SECRET}\naws_session_token = {TOKEN}\n"
    ))
    .unwrap()
    .with_clock(now)
}

/// One request as a client would send it.
struct Case {
    method: &'static str,
    /// Path and query, as on the request line.
    uri: &'static str,
    headers: Vec<(&'static str, &'static str)>,
    body: &'static [u8],
    session_token: bool,
    region: &'static str,
}

impl Case {
    fn new(method: &'static str, uri: &'static str, body: &'static [u8]) -> Self {
        Case {
            method,
            uri,
            headers: vec![
                ("host", "localhost:8083"),
                ("content-type", "application/x-amz-json-1.0"),
                ("x-amz-target", "AWSStepFunctions.ListStateMachines"),
            ],
            body,
            session_token: false,
            region: "us-east-1",
        }
    }
}

/// The request's headers after `aws-sigv4` signed it.
fn sign_case(case: &Case) -> HeaderMap {
    let (akid, secret, token) = if case.session_token {
        (TEMP_AKID, TEMP_SECRET, Some(TOKEN.to_owned()))
    } else {
        (AKID, SECRET, None)
    };
    let identity = Credentials::new(akid, secret, token, None, "oracle").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(case.region)
        .name("states")
        .time(now())
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let url = format!("http://localhost:8083{}", case.uri);
    let request = SignableRequest::new(
        case.method,
        url,
        case.headers.iter().copied(),
        SignableBody::Bytes(case.body),
    )
    .unwrap();
    let (instructions, _signature) = sign(request, &params).unwrap().into_parts();
    let mut headers = HeaderMap::new();
    for (name, value) in &case.headers {
        headers.append(HeaderName::from_static(name), HeaderValue::from_static(value));
    }
    for (name, value) in instructions.headers() {
        headers.insert(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    headers
}

fn verify(case: &Case, headers: &HeaderMap, body: &[u8]) -> Result<server::Principal, server::ApiError> {
    let (path, query) = match case.uri.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (case.uri, None),
    };
    let method = Method::from_bytes(case.method.as_bytes()).unwrap();
    authenticator().verify(&method, path, query, headers, body)
}

fn cases() -> Vec<Case> {
    let mut cases = vec![
        Case::new("POST", "/", b"{}"),
        Case::new("POST", "/", b""),
        Case::new("POST", "/", br#"{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:m","input":"{\"k\": \"v \u00e9\"}"}"#),
        Case::new("GET", "/", b""),
        Case::new("GET", "/?b=2&a=1&a=0", b""),
        Case::new("GET", "/?space=a%20b&plus=a%2Bb&slash=a%2Fb&tilde=~x&empty=", b""),
        Case::new("GET", "/?flag", b""),
        Case::new("POST", "/some/path/", b"{}"),
        Case::new("POST", "/a%20b/c", b"{}"),
        Case::new("POST", "/%E2%82%AC/x-y_z.~", b"{}"),
        Case::new("GET", "/./a/../b", b""),
    ];
    let mut with_headers = Case::new("POST", "/", b"{\"maxResults\": 5}");
    with_headers.headers.extend([
        ("x-custom-header", "  padded   value  "),
        ("x-amz-meta-list", "a"),
        ("user-agent", "oracle/1.0"),
    ]);
    cases.push(with_headers);
    let mut temp = Case::new("POST", "/", b"{}");
    temp.session_token = true;
    cases.push(temp);
    let mut other_region = Case::new("POST", "/", b"{}");
    other_region.region = "eu-west-3";
    cases.push(other_region);
    cases
}

#[test]
fn what_aws_sigv4_signs_is_accepted() {
    for case in cases() {
        let headers = sign_case(&case);
        let principal = verify(&case, &headers, case.body)
            .unwrap_or_else(|e| panic!("{} {} refused: {} {}", case.method, case.uri, e.code(), e.message()));
        let expected = if case.session_token { TEMP_AKID } else { AKID };
        assert_eq!(principal.access_key_id.as_deref(), Some(expected), "{}", case.uri);
    }
}

#[test]
fn a_tampered_request_is_refused() {
    for case in cases() {
        let headers = sign_case(&case);
        // Another body.
        let e = verify(&case, &headers, b"{\"tampered\":true}").unwrap_err();
        assert_eq!(e.code(), "InvalidSignatureException", "body of {}", case.uri);
        // A signed header changed.
        let mut changed = headers.clone();
        changed.insert(
            "x-amz-target",
            HeaderValue::from_static("AWSStepFunctions.DeleteStateMachine"),
        );
        let e = verify(&case, &changed, case.body).unwrap_err();
        assert_eq!(e.code(), "InvalidSignatureException", "header of {}", case.uri);
        // Another path.
        let moved = Case {
            uri: "/elsewhere",
            ..case
        };
        let e = verify(&moved, &headers, moved.body).unwrap_err();
        assert_eq!(e.code(), "InvalidSignatureException", "path of {}", moved.uri);
    }
}

#[test]
fn a_session_token_removed_after_signing_is_refused() {
    let mut case = Case::new("POST", "/", b"{}");
    case.session_token = true;
    let mut headers = sign_case(&case);
    headers.remove("x-amz-security-token");
    assert_eq!(
        verify(&case, &headers, case.body).unwrap_err().code(),
        "UnrecognizedClientException"
    );
}
