use super::*;
use axum::http::HeaderValue;

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn at(basic: &str) -> impl Fn() -> SystemTime + Send + Sync + 'static {
    let t = UNIX_EPOCH + Duration::from_secs(parse_basic(basic).unwrap() as u64);
    move || t
}

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.append(
            axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    h
}

fn lower(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

// AWS's published examples: the signing key of the IAM example in the SigV4 docs, and
// get-vanilla / post-vanilla / get-vanilla-query-order-key from the SigV4 test suite.

#[test]
fn signing_key_of_the_aws_documentation() {
    assert_eq!(
        hex::encode(signing_key(SECRET, "20120215", "us-east-1", "iam")),
        "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
    );
}

fn suite_signature(method: &str, query: Option<&str>) -> (String, String) {
    let h = headers(&[("host", "example.amazonaws.com"), ("x-amz-date", "20150830T123600Z")]);
    let canonical = canonical_request(method, "/", query, &h, &lower(&["host", "x-amz-date"]), EMPTY_SHA256);
    let to_sign = string_to_sign(
        "20150830T123600Z",
        "20150830/us-east-1/service/aws4_request",
        &canonical,
    );
    (
        canonical,
        signature(&signing_key(SECRET, "20150830", "us-east-1", "service"), &to_sign),
    )
}

#[test]
fn get_vanilla() {
    let (canonical, sig) = suite_signature("GET", None);
    assert_eq!(
        canonical,
        format!("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n{EMPTY_SHA256}")
    );
    assert_eq!(sig, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

#[test]
fn post_vanilla() {
    let (_, sig) = suite_signature("POST", None);
    assert_eq!(sig, "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

#[test]
fn canonical_query_strings() {
    assert_eq!(
        canonical_query("Param2=value2&Param1=value1"),
        "Param1=value1&Param2=value2"
    );
    assert_eq!(canonical_query("b=2&a=3&a=1"), "a=1&a=3&b=2");
    assert_eq!(canonical_query("key%20one=a%2Fb&flag"), "flag=&key%20one=a%2Fb");
    assert_eq!(canonical_query("x=%7e%2a"), "x=~%2A");
    assert_eq!(canonical_query(""), "");
}

#[test]
fn canonical_uris() {
    assert_eq!(canonical_uri("/"), "/");
    assert_eq!(canonical_uri(""), "/");
    assert_eq!(canonical_uri("/a/./b/../c"), "/a/c");
    assert_eq!(canonical_uri("/a b"), "/a%20b");
    // Non-S3 services encode the already encoded path again.
    assert_eq!(canonical_uri("/a%20b"), "/a%2520b");
    assert_eq!(canonical_uri("/dir/"), "/dir/");
}

#[test]
fn header_values_are_trimmed_and_collapsed() {
    assert_eq!(canonical_header_value("   value1"), "value1");
    assert_eq!(canonical_header_value("\"a   b   c\"  "), "\"a b c\"");
    let h = headers(&[("my-header1", "  a  "), ("my-header1", "b   c"), ("host", "h")]);
    let canonical = canonical_request("GET", "/", None, &h, &lower(&["my-header1", "host"]), "x");
    assert_eq!(canonical, "GET\n/\n\nhost:h\nmy-header1:a,b c\n\nhost;my-header1\nx");
}

#[test]
fn dates_round_trip() {
    for s in [
        "19700101T000000Z",
        "20150830T123600Z",
        "20000229T235959Z",
        "21000301T010203Z",
    ] {
        assert_eq!(format_basic(parse_basic(s).unwrap()), s);
    }
    assert_eq!(parse_basic("20150830T123600Z"), Some(1_440_938_160));
    assert_eq!(parse_basic("20150230T123600Z"), None);
    assert_eq!(parse_basic("2015-08-30T12:36:00Z"), None);
    assert_eq!(parse_basic("201"), None);
}

/// Signs a POST / to the `states` service at `amz_date` the way an SDK does.
fn signed(amz_date: &str, akid: &str, secret: &str, body: &[u8]) -> HeaderMap {
    let mut h = headers(&[
        ("host", "127.0.0.1:8083"),
        ("content-type", "application/x-amz-json-1.0"),
        ("x-amz-target", "AWSStepFunctions.ListStateMachines"),
        ("x-amz-date", amz_date),
    ]);
    let names = lower(&["content-type", "host", "x-amz-date", "x-amz-target"]);
    let body_hash = hex::encode(Sha256::digest(body));
    let canonical = canonical_request("POST", "/", None, &h, &names, &body_hash);
    let scope = format!("{}/us-east-1/states/aws4_request", &amz_date[..8]);
    let sig = signature(
        &signing_key(secret, &amz_date[..8], "us-east-1", "states"),
        &string_to_sign(amz_date, &scope, &canonical),
    );
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential={akid}/{scope}, SignedHeaders={}, Signature={sig}",
        names.join(";")
    );
    h.insert("authorization", HeaderValue::from_str(&auth).unwrap());
    h
}

fn check(auth: &SigV4Authenticator, h: &HeaderMap, body: &[u8]) -> Result<Principal, ApiError> {
    auth.verify(&Method::POST, "/", None, h, body)
}

fn authenticator() -> SigV4Authenticator {
    SigV4Authenticator::new(vec![(AKID.into(), SECRET.into())]).with_clock(at("20240101T120000Z"))
}

#[test]
fn a_good_signature_is_accepted() {
    let auth = authenticator();
    let body = br#"{"maxResults":10}"#;
    let principal = check(&auth, &signed("20240101T120500Z", AKID, SECRET, body), body).unwrap();
    assert_eq!(principal.access_key_id.as_deref(), Some(AKID));
    assert_eq!(principal.account_id, None);
}

#[test]
fn tampering_is_refused() {
    let auth = authenticator();
    let body = br#"{"maxResults":10}"#;
    let h = signed("20240101T120000Z", AKID, SECRET, body);
    let e = check(&auth, &h, br#"{"maxResults":11}"#).unwrap_err();
    assert_eq!(e, ApiError::InvalidSignature(SIGNATURE_MISMATCH_MESSAGE.into()));

    let mut h2 = h.clone();
    h2.insert(
        "x-amz-target",
        HeaderValue::from_static("AWSStepFunctions.DeleteStateMachine"),
    );
    assert_eq!(check(&auth, &h2, body).unwrap_err().code(), "InvalidSignatureException");

    // An unsigned header may change.
    let mut h3 = h.clone();
    h3.insert("user-agent", HeaderValue::from_static("x"));
    assert!(check(&auth, &h3, body).is_ok());

    // A wrong secret.
    let h4 = signed("20240101T120000Z", AKID, "not-the-secret", body);
    assert_eq!(check(&auth, &h4, body).unwrap_err().code(), "InvalidSignatureException");

    // x-amz-content-sha256 must be the body's hash.
    let mut h5 = h.clone();
    h5.insert("x-amz-content-sha256", HeaderValue::from_static("UNSIGNED-PAYLOAD"));
    assert_eq!(check(&auth, &h5, body).unwrap_err().code(), "InvalidSignatureException");
}

#[test]
fn unknown_keys_are_unrecognized() {
    let auth = authenticator();
    let h = signed("20240101T120000Z", "AKIDOTHER", SECRET, b"{}");
    assert_eq!(
        check(&auth, &h, b"{}").unwrap_err(),
        ApiError::UnrecognizedClient(UNRECOGNIZED_CLIENT_MESSAGE.into())
    );
}

#[test]
fn missing_authorization() {
    let auth = authenticator();
    let e = check(&auth, &headers(&[("host", "h")]), b"{}").unwrap_err();
    assert_eq!(e, ApiError::MissingAuthenticationToken(MISSING_TOKEN_MESSAGE.into()));
    let e = check(&auth, &headers(&[("authorization", "Bearer abc")]), b"{}").unwrap_err();
    assert_eq!(e.code(), "MissingAuthenticationTokenException");
    assert_eq!(e.status(), axum::http::StatusCode::BAD_REQUEST);
}

#[test]
fn malformed_headers_are_incomplete() {
    let auth = authenticator();
    let h = headers(&[("authorization", "AWS4-HMAC-SHA256 Credential=a/b")]);
    assert_eq!(
        check(&auth, &h, b"").unwrap_err(),
        ApiError::IncompleteSignature(
            "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=a/b".into()
        )
    );

    let header =
        "AWS4-HMAC-SHA256 Credential=AKID /20240101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=00";
    let h = headers(&[("authorization", header), ("x-amz-date", "20240101T120000Z")]);
    assert_eq!(
        check(&auth, &h, b"").unwrap_err(),
        ApiError::IncompleteSignature(format!(
            "'/20240101/us-east-1/states/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: '{header}'."
        ))
    );

    let header =
        "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=00";
    let h = headers(&[("authorization", header), ("x-amz-date", "2024-01-01")]);
    assert_eq!(
        check(&auth, &h, b"").unwrap_err(),
        ApiError::IncompleteSignature(
            "Date must be in ISO-8601 'basic format'. Got '2024-01-01'. See http://en.wikipedia.org/wiki/ISO_8601"
                .into()
        )
    );

    let header = "AWS4-HMAC-SHA1 Credential=AKID/20240101/us-east-1/states/aws4_request, SignedHeaders=host;x-amz-target, Signature=00";
    let h = headers(&[("authorization", header), ("x-amz-date", "20240101T120000Z")]);
    assert_eq!(
        check(&auth, &h, b"").unwrap_err(),
        ApiError::IncompleteSignature(
            "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1' (only AWS4-HMAC-SHA256 for now). ".into()
        )
    );

    let header =
        "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/states, SignedHeaders=host;x-amz-target, Signature=00";
    let h = headers(&[("authorization", header), ("x-amz-date", "20240101T120000Z")]);
    assert_eq!(
        check(&auth, &h, b"").unwrap_err(),
        ApiError::IncompleteSignature(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKID/20240101/us-east-1/states'".into()
        )
    );
}

#[test]
fn host_must_be_signed() {
    let auth = authenticator();
    let header = "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/states/aws4_request, SignedHeaders=x-amz-date, Signature=00";
    let h = headers(&[("authorization", header), ("x-amz-date", "20240101T120000Z")]);
    assert_eq!(
        check(&auth, &h, b"").unwrap_err(),
        ApiError::InvalidSignature(HOST_NOT_SIGNED_MESSAGE.into())
    );
}

#[test]
fn wrong_scopes() {
    let auth = authenticator();
    let header = "AWS4-HMAC-SHA256 Credential=AKID/20231231/US_EAST/lambda/aws5_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=00";
    let h = headers(&[("authorization", header), ("x-amz-date", "20240101T120000Z")]);
    assert_eq!(
        check(&auth, &h, b"").unwrap_err(),
        ApiError::InvalidSignature(
            "Credential should be scoped to a valid region, not 'US_EAST'. Credential should be scoped to correct service: 'states'. Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20231231' != '20240101', from '20240101T120000Z'.".into()
        )
    );
}

#[test]
fn the_five_minute_window() {
    let auth = authenticator();
    assert!(check(&auth, &signed("20240101T115500Z", AKID, SECRET, b"{}"), b"{}").is_ok());
    assert!(check(&auth, &signed("20240101T120500Z", AKID, SECRET, b"{}"), b"{}").is_ok());
    // AWS's wording, as its JSON services answer a request signed 5 min. + 1 s ago.
    assert_eq!(
        check(&auth, &signed("20240101T115459Z", AKID, SECRET, b"{}"), b"{}").unwrap_err(),
        ApiError::InvalidSignature(
            "Signature expired: 20240101T115459Z is now earlier than 20240101T115500Z (20240101T120000Z - 5 min.)"
                .into()
        )
    );
    assert_eq!(
        check(&auth, &signed("20240101T120501Z", AKID, SECRET, b"{}"), b"{}").unwrap_err(),
        ApiError::InvalidSignature(
            "Signature not yet current: 20240101T120501Z is still later than 20240101T120500Z (20240101T120000Z + 5 min.)"
                .into()
        )
    );
    // Ten minutes off was accepted under the old 15-minute window.
    assert!(check(&auth, &signed("20240101T115000Z", AKID, SECRET, b"{}"), b"{}").is_err());
}

#[test]
fn x_amz_target_must_be_signed() {
    let auth = authenticator();
    let header = "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/states/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";
    let h = headers(&[
        ("authorization", header),
        ("x-amz-date", "20240101T120000Z"),
        ("x-amz-target", "AWSStepFunctions.ListStateMachines"),
    ]);
    assert_eq!(
        check(&auth, &h, b"").unwrap_err(),
        ApiError::InvalidSignature(TARGET_NOT_SIGNED_MESSAGE.into())
    );
}

#[test]
fn two_authorization_headers_are_refused() {
    let auth = authenticator();
    let mut h = signed("20240101T120000Z", AKID, SECRET, b"{}");
    let good = h.get("authorization").unwrap().clone();
    // Even the same valid signature twice: which one a proxy forwards is not ours to guess.
    h.append("authorization", good);
    assert_eq!(
        check(&auth, &h, b"{}").unwrap_err(),
        ApiError::IncompleteSignature(REPEATED_AUTHORIZATION_MESSAGE.into())
    );
    let mut h = signed("20240101T120000Z", AKID, SECRET, b"{}");
    h.append("authorization", HeaderValue::from_static("Bearer x"));
    assert_eq!(
        check(&auth, &h, b"{}").unwrap_err().code(),
        "IncompleteSignatureException"
    );
}

#[test]
fn the_date_header_stands_in_for_x_amz_date() {
    let auth = authenticator();
    let mut h = signed("20240101T120000Z", AKID, SECRET, b"{}");
    // Re-sign with `date` instead of `x-amz-date`.
    h.remove("x-amz-date");
    h.insert("date", HeaderValue::from_static("Mon, 01 Jan 2024 12:00:00 GMT"));
    let names = lower(&["content-type", "date", "host", "x-amz-target"]);
    let canonical = canonical_request("POST", "/", None, &h, &names, &hex::encode(Sha256::digest(b"{}")));
    let scope = "20240101/us-east-1/states/aws4_request";
    let sig = signature(
        &signing_key(SECRET, "20240101", "us-east-1", "states"),
        &string_to_sign("20240101T120000Z", scope, &canonical),
    );
    let value = format!(
        "AWS4-HMAC-SHA256 Credential={AKID}/{scope}, SignedHeaders={}, Signature={sig}",
        names.join(";")
    );
    h.insert("authorization", HeaderValue::from_str(&value).unwrap());
    assert!(check(&auth, &h, b"{}").is_ok());
}

#[test]
fn header_and_query_authorization_together() {
    let auth = authenticator();
    let h = signed("20240101T120000Z", AKID, SECRET, b"{}");
    let e = auth
        .verify(&Method::POST, "/", Some("X-Amz-Algorithm=AWS4-HMAC-SHA256"), &h, b"{}")
        .unwrap_err();
    assert_eq!(e, ApiError::InvalidSignature(BOTH_AUTHORIZATIONS_MESSAGE.into()));
}

#[test]
fn session_tokens_must_match() {
    let auth = SigV4Authenticator::from_credentials_str(
        "[temp]\naws_access_key_id = ASIATEMP\naws_secret_access_key = s\naws_session_token = tok\n",
    )
    .unwrap()
    .with_clock(at("20240101T120000Z"));
    let mut h = signed("20240101T120000Z", "ASIATEMP", "s", b"{}");
    assert_eq!(
        check(&auth, &h, b"{}").unwrap_err().code(),
        "UnrecognizedClientException"
    );
    h.insert("x-amz-security-token", HeaderValue::from_static("wrong"));
    assert_eq!(
        check(&auth, &h, b"{}").unwrap_err().code(),
        "UnrecognizedClientException"
    );
    h.insert("x-amz-security-token", HeaderValue::from_static("tok"));
    assert!(check(&auth, &h, b"{}").is_ok());
}

#[test]
fn credentials_files() {
    let text = "\u{feff}# my keys\n\
                ; another comment\n\
                [default]\n\
                \taws_access_key_id=AKIA1\n\
                aws_secret_access_key   =   secret one  \n\
                \n\
                [profile dev]   # trailing comment\n\
                AWS_ACCESS_KEY_ID : AKIA2\n\
                aws_secret_access_key = s2/with+chars=\n\
                region = eu-west-1\n\
                s3 =\n\
                \x20 max_concurrent_requests = 10\n\
                [sso-only]\n\
                sso_start_url = https://example.com\n";
    let auth = SigV4Authenticator::from_credentials_str(text).unwrap();
    assert_eq!(auth.access_key_ids(), vec!["AKIA1", "AKIA2"]);
    assert_eq!(auth.keys["AKIA1"].secret_access_key, "secret one");
    assert_eq!(auth.keys["AKIA2"].secret_access_key, "s2/with+chars=");

    let err = SigV4Authenticator::from_credentials_str("[a]\naws_access_key_id = X\n").unwrap_err();
    assert!(err.to_string().contains("needs both"), "{err}");
    let err = SigV4Authenticator::from_credentials_str("aws_access_key_id = X\n").unwrap_err();
    assert!(err.to_string().contains("outside any"), "{err}");
    let err = SigV4Authenticator::from_credentials_str("# nothing\n").unwrap_err();
    assert!(matches!(err, CredentialsError::NoCredentials { .. }));
    let err = SigV4Authenticator::from_credentials_str(
        "[a]\naws_access_key_id = X\naws_secret_access_key = 1\n[b]\naws_access_key_id = X\naws_secret_access_key = 2\n",
    )
    .unwrap_err();
    assert!(err.to_string().contains("different secrets"), "{err}");
    let err = SigV4Authenticator::from_credentials_file("/nonexistent/credentials").unwrap_err();
    assert!(matches!(err, CredentialsError::Io { .. }));
}

/// The Lambda API's signing: service `lambda`, no `x-amz-target` (REST: the method and the
/// path, with its labels percent-encoded, name the action).
#[test]
fn lambda_requests_are_checked_for_their_own_service_without_a_target() {
    let states = authenticator();
    let lambda = states.for_lambda();
    let amz_date = "20240101T120000Z";
    let path = "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af/configuration";
    let sign = |service: &str| {
        let mut h = headers(&[("host", "127.0.0.1:8083"), ("x-amz-date", amz_date)]);
        let names = lower(&["host", "x-amz-date"]);
        let body_hash = hex::encode(Sha256::digest(b""));
        let canonical = canonical_request("GET", path, Some("Qualifier=%24LATEST"), &h, &names, &body_hash);
        let scope = format!("20240101/us-east-1/{service}/aws4_request");
        let sig = signature(
            &signing_key(SECRET, "20240101", "us-east-1", service),
            &string_to_sign(amz_date, &scope, &canonical),
        );
        let auth =
            format!("AWS4-HMAC-SHA256 Credential={AKID}/{scope}, SignedHeaders=host;x-amz-date, Signature={sig}");
        h.insert("authorization", HeaderValue::from_str(&auth).unwrap());
        h
    };
    let verify = |a: &SigV4Authenticator, h: &HeaderMap, q: &str| a.verify(&Method::GET, path, Some(q), h, b"");
    let h = sign("lambda");
    verify(&lambda, &h, "Qualifier=%24LATEST").unwrap();
    // Another query than the one signed, or the states scope, or the states verifier: refused.
    assert!(verify(&lambda, &h, "Qualifier=1").is_err());
    assert!(matches!(
        verify(&lambda, &sign("states"), "Qualifier=%24LATEST"),
        Err(ApiError::InvalidSignature(m)) if m.contains("correct service: 'lambda'")
    ));
    assert_eq!(
        verify(&states, &sign("states"), "Qualifier=%24LATEST").unwrap_err(),
        ApiError::InvalidSignature(TARGET_NOT_SIGNED_MESSAGE.into()),
        "the JSON protocol still wants x-amz-target signed"
    );
}
