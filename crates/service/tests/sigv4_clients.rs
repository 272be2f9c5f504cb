//! SigV4 end to end: the real service behind a [`SigV4Authenticator`] read from a shared
//! credentials file on 127.0.0.1, called by the real `aws` CLI, by boto3, and by requests that
//! botocore signs and that we then tamper with. Each part is skipped, with a note, where its
//! client is not installed — unless `CI` is set: then it fails. (Moved from
//! crates/server/tests, where it ran over an in-memory fake of the service.)

mod common;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Output;
use std::sync::Arc;

use serde_json::Value;
use server::{ServerConfig, SigV4Authenticator};

const KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const OTHER_KEY: &str = "AKIAOTHERPROFILE0001";
const OTHER_SECRET: &str = "other+secret/with=signs";
const PASS: &str = r#"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#;
const ROLE: &str = "arn:aws:iam::123456789012:role/StepFunctions";

/// Whether `python3` has boto3 and botocore; when not, a failure under `CI`.
fn python_has_botocore() -> bool {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import boto3, botocore"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "boto3 is required when CI is set");
        eprintln!("note: boto3 is not installed; skipping");
    }
    ok
}

/// A file of its own for each call: the tests of this binary run in parallel, and one must
/// not read a file another is rewriting.
fn temp_file(name: &str, text: &str) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("stepwise-sigv4-{}-{n}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

fn credentials_file() -> PathBuf {
    temp_file(
        "credentials",
        &format!(
            "# test keys\n[default]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n\n\
             [other]\n; the second profile\naws_access_key_id={OTHER_KEY}\naws_secret_access_key={OTHER_SECRET}\n"
        ),
    )
}

async fn spawn_signed(dir: &common::DataDir) -> SocketAddr {
    let auth = SigV4Authenticator::from_credentials_file(credentials_file()).expect("read the credentials file");
    assert_eq!(auth.access_key_ids(), vec![KEY, OTHER_KEY]);
    let config = ServerConfig {
        authenticator: Some(Arc::new(auth)),
        ..ServerConfig::default()
    };
    common::spawn_router(common::app_with(dir, config).await).await
}

async fn aws(addr: SocketAddr, key: &str, secret: &str, args: &[&str]) -> Output {
    let endpoint = format!("http://{addr}");
    let config = temp_file("config.ini", "[default]\ncli_timestamp_format = iso8601\n");
    tokio::process::Command::new("aws")
        .arg("stepfunctions")
        .args(args)
        .args(["--endpoint-url", &endpoint, "--region", "us-east-1", "--output", "json"])
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_PAGER", "")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_MAX_ATTEMPTS", "1")
        .env("AWS_DISABLE_HOST_PREFIX_INJECTION", "true")
        .output()
        .await
        .expect("run aws")
}

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "aws failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("aws printed JSON")
}

fn stderr_of(out: &Output) -> String {
    assert!(!out.status.success(), "expected a failure");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_aws_cli_signs_and_we_verify() {
    if !common::require("aws", "--version", "the `aws` CLI") {
        return;
    }
    let dir = common::DataDir::new();
    let addr = spawn_signed(&dir).await;

    let empty = json_of(&aws(addr, KEY, SECRET, &["list-state-machines"]).await);
    assert_eq!(empty, serde_json::json!({"stateMachines": []}));

    // A request with a body, from the second profile's keys.
    let created = json_of(
        &aws(
            addr,
            OTHER_KEY,
            OTHER_SECRET,
            &[
                "create-state-machine",
                "--name",
                "signed",
                "--definition",
                PASS,
                "--role-arn",
                ROLE,
            ],
        )
        .await,
    );
    let arn = created["stateMachineArn"].as_str().unwrap().to_owned();
    let started = json_of(
        &aws(
            addr,
            KEY,
            SECRET,
            &[
                "start-execution",
                "--state-machine-arn",
                &arn,
                "--input",
                r#"{"x": "a  b\tc ü"}"#,
            ],
        )
        .await,
    );
    assert!(started["executionArn"].as_str().is_some());

    let err = stderr_of(&aws(addr, KEY, "not-the-secret", &["list-state-machines"]).await);
    assert!(
        err.contains("An error occurred (InvalidSignatureException) when calling the ListStateMachines operation: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."),
        "{err}"
    );

    let err = stderr_of(&aws(addr, "AKIAUNKNOWNKEY000000", SECRET, &["list-state-machines"]).await);
    assert!(
        err.contains("An error occurred (UnrecognizedClientException) when calling the ListStateMachines operation: The security token included in the request is invalid."),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_signs_and_we_verify() {
    if !python_has_botocore() {
        return;
    }
    let dir = common::DataDir::new();
    let addr = spawn_signed(&dir).await;
    let script = r#"
import sys, boto3, botocore.exceptions
def client(key, secret):
    return boto3.client("stepfunctions", endpoint_url=sys.argv[1], region_name="eu-west-3",
        aws_access_key_id=key, aws_secret_access_key=secret,
        config=boto3.session.Config(retries={"max_attempts": 1}))
sfn = client(sys.argv[2], sys.argv[3])
arn = sfn.create_state_machine(name="b3", definition=sys.argv[4], roleArn=sys.argv[5])["stateMachineArn"]
print(arn)
print(len(sfn.list_state_machines()["stateMachines"]))
try:
    client(sys.argv[2], "wrong").list_state_machines()
except botocore.exceptions.ClientError as e:
    print(e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"])
"#;
    let out = tokio::process::Command::new("python3")
        .args(["-c", script, &format!("http://{addr}"), KEY, SECRET, PASS, ROLE])
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .await
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    // The credential scope's region is the request's region.
    assert_eq!(lines[0], "arn:aws:states:eu-west-3:123456789012:stateMachine:b3");
    assert_eq!(lines[1], "1");
    assert_eq!(lines[2], "InvalidSignatureException 400");
}

/// botocore signs a request (`SigV4Auth`); the script then sends it as signed, and altered in
/// one way at a time, and prints each answer's status and body.
const RAW_SCRIPT: &str = r#"
import json, sys, urllib.request, urllib.error
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

url, key, secret = sys.argv[1], sys.argv[2], sys.argv[3]
body = b'{"maxResults": 5}'
req = AWSRequest(method="POST", url=url + "/?b=2&a=1", data=body, headers={
    "Content-Type": "application/x-amz-json-1.0",
    "X-Amz-Target": "AWSStepFunctions.ListStateMachines",
    "X-Custom": "  spaced    value  ",
})
SigV4Auth(Credentials(key, secret), "states", "us-east-1").add_auth(req)
signed = dict(req.headers.items())

def send(path, data, headers):
    r = urllib.request.Request(url + path, data=data, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(r) as resp:
            return [resp.status, json.loads(resp.read() or b"{}")]
    except urllib.error.HTTPError as e:
        return [e.code, json.loads(e.read() or b"{}")]

def without(name):
    return {k: v for k, v in signed.items() if k.lower() != name}

auth = signed["Authorization"]
out = {
    "signed": send("/?b=2&a=1", body, signed),
    "body": send("/?b=2&a=1", b'{"maxResults": 6}', signed),
    "query": send("/?b=2&a=2", body, signed),
    "header": send("/?b=2&a=1", body, dict(signed, **{"X-Custom": "other"})),
    "unsigned": send("/?b=2&a=1", body, without("authorization")),
    "malformed": send("/?b=2&a=1", body, dict(signed, Authorization=auth.split(",")[0])),
    "scope": send("/?b=2&a=1", body, dict(signed, Authorization=auth.replace("/states/", "/lambda/"))),
}
print(json.dumps(out))
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn botocore_signed_requests_and_tampered_ones() {
    if !python_has_botocore() {
        return;
    }
    let dir = common::DataDir::new();
    let addr = spawn_signed(&dir).await;
    let out = tokio::process::Command::new("python3")
        .args(["-c", RAW_SCRIPT, &format!("http://{addr}"), KEY, SECRET])
        .output()
        .await
        .expect("run python3");
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Value = serde_json::from_slice(&out.stdout).expect("the script printed JSON");
    let status = |case: &str| results[case][0].as_u64().unwrap();
    let error_type = |case: &str| results[case][1]["__type"].as_str().unwrap_or("").to_owned();
    let message = |case: &str| results[case][1]["message"].as_str().unwrap_or("").to_owned();

    assert_eq!(status("signed"), 200, "{results}");
    assert_eq!(results["signed"][1], serde_json::json!({"stateMachines": []}));

    for case in ["body", "query", "header"] {
        assert_eq!(status(case), 400, "{case}: {results}");
        assert_eq!(
            error_type(case),
            "com.amazon.coral.service#InvalidSignatureException",
            "{case}"
        );
        assert!(message(case).starts_with("The request signature we calculated does not match"));
    }

    assert_eq!(status("unsigned"), 400);
    assert_eq!(
        results["unsigned"][1],
        serde_json::json!({
            "__type": "com.amazon.coral.service#MissingAuthenticationTokenException",
            "message": "Request is missing Authentication Token"
        })
    );

    assert_eq!(status("malformed"), 400);
    assert_eq!(
        error_type("malformed"),
        "com.amazon.coral.service#IncompleteSignatureException"
    );
    assert!(
        message("malformed")
            .starts_with("Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential="),
        "{results}"
    );

    assert_eq!(status("scope"), 400);
    assert_eq!(
        message("scope"),
        "Credential should be scoped to correct service: 'states'."
    );
}
