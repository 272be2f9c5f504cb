//! The Lambda API of `stepwise serve`, driven by the real `aws` CLI (`aws lambda …`):
//! functions created from zips, read, listed by pages, updated and deleted; versions and
//! aliases; AWS's errors for names not found, names taken, bad and hostile zips, limits;
//! `wait function-active-v2`; SigV4 for the `lambda` service; and a restart that keeps
//! functions, versions, aliases, tags, concurrency and code.
//!
//! Invoke with real processes is driven by tests/tutorial.rs (its HTTP framing alone is
//! tested in crates/lambda/tests with a test invoker).

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use common::{ACCOUNT, REGION, Server};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const ROLE: &str = "arn:aws:iam::123456789012:role/lambda-role";

fn temp_dir(name: &str) -> PathBuf {
    common::temp_dir("lambda", name)
}

fn fn_arn(name: &str) -> String {
    format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}")
}

/// `aws lambda ARGS`: (exit code, parsed stdout, or stderr text on failure).
fn aws_with(server: &Server, keys: (&str, &str), args: &[&str]) -> (i32, Value) {
    server.aws_cli("lambda", keys, args)
}

fn aws(server: &Server, args: &[&str]) -> (i32, Value) {
    aws_with(server, ("test", "test"), args)
}

fn ok(server: &Server, args: &[&str]) -> Value {
    let (code, v) = aws(server, args);
    assert_eq!(code, 0, "aws lambda {args:?} failed: {v}");
    v
}

/// The CLI's error text; the command must have failed.
fn err(server: &Server, args: &[&str]) -> String {
    let (code, v) = aws(server, args);
    assert_ne!(code, 0, "aws lambda {args:?} should have failed: {v}");
    v.as_str().unwrap_or_default().to_owned()
}

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in files {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const HANDLER_PY: &[u8] =
    b"import json\ndef lambda_handler(event, context):\n    return {'statusCode': 200, 'body': json.dumps(event)}\n";

/// Writes a zip into `dir` and returns the `fileb://` argument for it.
fn zip_file(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    format!("fileb://{}", path.display())
}

fn create(server: &Server, name: &str, zip: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "create-function",
        "--function-name",
        name,
        "--runtime",
        "python3.11",
        "--handler",
        "lambda_function.lambda_handler",
        "--role",
        ROLE,
        "--zip-file",
        zip,
    ];
    args.extend_from_slice(extra);
    ok(server, &args)
}

#[test]
fn functions_are_created_read_listed_updated_and_deleted() {
    let dir = temp_dir("lifecycle");
    let server = Server::start(&dir.join("data"), None);
    let bytes = zip_of(&[("lambda_function.py", HANDLER_PY)]);
    let zip = zip_file(&dir, "f.zip", &bytes);

    let c = create(&server, "ProcessOrderLambda", &zip, &["--tags", "team=orders"]);
    assert_eq!(c["FunctionName"], "ProcessOrderLambda");
    assert_eq!(c["FunctionArn"], fn_arn("ProcessOrderLambda"));
    assert_eq!(c["State"], "Active");
    assert_eq!(c["LastUpdateStatus"], "Successful");
    assert_eq!(c["Version"], "$LATEST");
    assert_eq!((c["Timeout"].clone(), c["MemorySize"].clone()), (json!(3), json!(128)));
    assert_eq!(c["PackageType"], "Zip");
    assert_eq!(c["CodeSize"], json!(bytes.len()));
    assert_eq!(
        c["CodeSha256"],
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&bytes))
    );
    let modified = c["LastModified"].as_str().unwrap();
    assert!(
        modified.len() == 28 && modified.ends_with("+0000") && &modified[10..11] == "T",
        "AWS's format: {modified}"
    );
    // The function is Active at once: the waiter returns on its first poll.
    ok(
        &server,
        &["wait", "function-active-v2", "--function-name", "ProcessOrderLambda"],
    );
    ok(
        &server,
        &["wait", "function-updated-v2", "--function-name", "ProcessOrderLambda"],
    );

    let g = ok(&server, &["get-function", "--function-name", "ProcessOrderLambda"]);
    assert_eq!(g["Configuration"], c);
    assert_eq!(g["Tags"], json!({"team": "orders"}));
    assert_eq!(g["Code"]["RepositoryType"], "S3");
    let location = g["Code"]["Location"].as_str().unwrap();
    let kept = location.strip_prefix("file://").expect("a file URL");
    assert_eq!(std::fs::read(kept).unwrap(), bytes, "Code.Location is the zip");

    // By full ARN, partial ARN, and qualified with $LATEST.
    for name in [
        fn_arn("ProcessOrderLambda"),
        format!("{ACCOUNT}:function:ProcessOrderLambda"),
        "ProcessOrderLambda:$LATEST".to_owned(),
    ] {
        let got = ok(&server, &["get-function-configuration", "--function-name", &name]);
        assert_eq!(got["FunctionArn"], fn_arn("ProcessOrderLambda"), "{name}");
    }

    for n in ["b-fn", "a-fn", "c-fn"] {
        create(&server, n, &zip, &[]);
    }
    // One function per server page: the CLI follows NextMarker.
    let listed = ok(&server, &["list-functions", "--page-size", "1"]);
    let names: Vec<&str> = listed["Functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["FunctionName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ProcessOrderLambda", "a-fn", "b-fn", "c-fn"]);
    let first = ok(&server, &["list-functions", "--max-items", "2"]);
    assert_eq!(first["Functions"].as_array().unwrap().len(), 2);
    assert!(first["NextToken"].is_string(), "{first}");

    let v2 = zip_of(&[("lambda_function.py", b"def lambda_handler(e, c):\n    return 2\n")]);
    let zip2 = zip_file(&dir, "f2.zip", &v2);
    let u = ok(
        &server,
        &[
            "update-function-code",
            "--function-name",
            "ProcessOrderLambda",
            "--zip-file",
            &zip2,
        ],
    );
    assert_eq!(
        u["CodeSha256"],
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&v2))
    );
    assert_ne!(u["RevisionId"], c["RevisionId"]);
    let u = ok(
        &server,
        &[
            "update-function-configuration",
            "--function-name",
            "ProcessOrderLambda",
            "--timeout",
            "30",
            "--memory-size",
            "256",
            "--description",
            "orders",
            "--environment",
            "Variables={TABLE=orders,STAGE=dev}",
        ],
    );
    assert_eq!((u["Timeout"].clone(), u["MemorySize"].clone()), (json!(30), json!(256)));
    assert_eq!(u["Description"], "orders");
    assert_eq!(
        u["Environment"],
        json!({"Variables": {"STAGE": "dev", "TABLE": "orders"}})
    );
    // A stale RevisionId is refused.
    let e = err(
        &server,
        &[
            "update-function-configuration",
            "--function-name",
            "ProcessOrderLambda",
            "--timeout",
            "5",
            "--revision-id",
            c["RevisionId"].as_str().unwrap(),
        ],
    );
    assert!(e.contains("PreconditionFailedException"), "{e}");

    ok(&server, &["delete-function", "--function-name", "ProcessOrderLambda"]);
    let e = err(&server, &["get-function", "--function-name", "ProcessOrderLambda"]);
    assert!(
        e.contains(&format!(
            "(ResourceNotFoundException) when calling the GetFunction operation: Function not found: {}",
            fn_arn("ProcessOrderLambda")
        )),
        "{e}"
    );
    let e = err(&server, &["delete-function", "--function-name", "ProcessOrderLambda"]);
    assert!(e.contains("ResourceNotFoundException"), "{e}");
}

#[test]
fn versions_and_aliases() {
    let dir = temp_dir("versions");
    let server = Server::start(&dir.join("data"), None);
    let zip = zip_file(&dir, "f.zip", &zip_of(&[("lambda_function.py", HANDLER_PY)]));
    let c = create(&server, "f", &zip, &["--publish"]);
    assert_eq!(c["Version"], "1", "--publish answers the version");
    assert_eq!(c["FunctionArn"], format!("{}:1", fn_arn("f")));
    // Nothing changed: no new version.
    let again = ok(&server, &["publish-version", "--function-name", "f"]);
    assert_eq!(again["Version"], "1");
    let zip2 = zip_file(&dir, "f2.zip", &zip_of(&[("lambda_function.py", b"x = 2\n")]));
    ok(
        &server,
        &["update-function-code", "--function-name", "f", "--zip-file", &zip2],
    );
    let e = err(
        &server,
        &["publish-version", "--function-name", "f", "--code-sha256", "nope"],
    );
    assert!(
        e.contains("InvalidParameterValueException") && e.contains("CodeSHA256 (nope)"),
        "{e}"
    );
    let v2 = ok(
        &server,
        &["publish-version", "--function-name", "f", "--description", "second"],
    );
    assert_eq!(
        (v2["Version"].clone(), v2["Description"].clone()),
        (json!("2"), json!("second"))
    );
    let versions = ok(
        &server,
        &["list-versions-by-function", "--function-name", "f", "--page-size", "1"],
    );
    let labels: Vec<&str> = versions["Versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["Version"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["$LATEST", "1", "2"]);

    let a = ok(
        &server,
        &[
            "create-alias",
            "--function-name",
            "f",
            "--name",
            "live",
            "--function-version",
            "1",
        ],
    );
    assert_eq!(a["AliasArn"], format!("{}:live", fn_arn("f")));
    assert_eq!(a["FunctionVersion"], "1");
    let e = err(
        &server,
        &[
            "create-alias",
            "--function-name",
            "f",
            "--name",
            "live",
            "--function-version",
            "1",
        ],
    );
    assert!(
        e.contains(&format!(
            "(ResourceConflictException) when calling the CreateAlias operation: Alias already exists: {}:live",
            fn_arn("f")
        )),
        "{e}"
    );
    let e = err(
        &server,
        &[
            "create-alias",
            "--function-name",
            "f",
            "--name",
            "beta",
            "--function-version",
            "9",
        ],
    );
    assert!(e.contains(&format!("Function not found: {}:9", fn_arn("f"))), "{e}");
    let u = ok(
        &server,
        &[
            "update-alias",
            "--function-name",
            "f",
            "--name",
            "live",
            "--function-version",
            "2",
            "--routing-config",
            "AdditionalVersionWeights={1=0.25}",
        ],
    );
    assert_eq!(u["RoutingConfig"], json!({"AdditionalVersionWeights": {"1": 0.25}}));
    let got = ok(&server, &["get-alias", "--function-name", "f", "--name", "live"]);
    assert_eq!(got, u);
    let listed = ok(&server, &["list-aliases", "--function-name", "f"]);
    assert_eq!(listed["Aliases"], json!([u]));
    let through_alias = ok(
        &server,
        &["get-function-configuration", "--function-name", "f", "--qualifier", "2"],
    );
    assert_eq!(through_alias["Version"], "2");

    let e = err(
        &server,
        &["delete-function", "--function-name", "f", "--qualifier", "1"],
    );
    assert!(
        e.contains("ResourceConflictException") && e.contains("the following aliases reference it: [live]"),
        "{e}"
    );
    let e = err(
        &server,
        &["delete-function", "--function-name", "f", "--qualifier", "$LATEST"],
    );
    assert!(
        e.contains("$LATEST version cannot be deleted without deleting the function."),
        "{e}"
    );
    ok(&server, &["delete-alias", "--function-name", "f", "--name", "live"]);
    let e = err(&server, &["get-alias", "--function-name", "f", "--name", "live"]);
    assert!(
        e.contains(&format!("Cannot find alias arn: {}:live", fn_arn("f"))),
        "{e}"
    );
    ok(
        &server,
        &["delete-function", "--function-name", "f", "--qualifier", "1"],
    );
    let e = err(&server, &["get-function", "--function-name", "f", "--qualifier", "1"]);
    assert!(e.contains(&format!("Function not found: {}:1", fn_arn("f"))), "{e}");
}

#[test]
fn bad_requests_get_aws_exceptions_and_messages() {
    let dir = temp_dir("errors");
    let server = Server::start(&dir.join("data"), None);
    let good = zip_file(&dir, "f.zip", &zip_of(&[("lambda_function.py", HANDLER_PY)]));
    create(&server, "f", &good, &[]);
    let e = err(
        &server,
        &[
            "create-function",
            "--function-name",
            "f",
            "--runtime",
            "python3.11",
            "--handler",
            "h.h",
            "--role",
            ROLE,
            "--zip-file",
            &good,
        ],
    );
    assert!(
        e.contains("(ResourceConflictException) when calling the CreateFunction operation: Function already exist: f"),
        "{e}"
    );
    let unzip = "(InvalidParameterValueException) when calling the CreateFunction operation: Could not unzip uploaded file. Please check your file, then try to upload again.";
    // The CLI itself refuses what has no zip directory: a zip whose data is damaged (its
    // CRC no longer matches) gets past it.
    let mut damaged = zip_of(&[("lambda_function.py", HANDLER_PY)]);
    damaged[30 + "lambda_function.py".len() + 2] ^= 0xff;
    let not_zip = zip_file(&dir, "bad.zip", &damaged);
    let hostile = zip_file(&dir, "evil.zip", &zip_of(&[("../../evil.py", b"x")]));
    for zip in [&not_zip, &hostile] {
        let e = err(
            &server,
            &[
                "create-function",
                "--function-name",
                "g",
                "--runtime",
                "python3.11",
                "--handler",
                "h.h",
                "--role",
                ROLE,
                "--zip-file",
                zip,
            ],
        );
        assert!(e.contains(unzip), "{e}");
    }
    assert!(!dir.join("evil.py").exists() && !dir.join("data/evil.py").exists());
    // A zip bomb: a quarter of a megabyte that inflates past 250 MB.
    let bomb_bytes = {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        w.start_file("zeros.bin", opts).unwrap();
        let chunk = vec![0u8; 1 << 20];
        for _ in 0..251 {
            w.write_all(&chunk).unwrap();
        }
        w.finish().unwrap().into_inner()
    };
    assert!(bomb_bytes.len() < 1 << 20, "{}", bomb_bytes.len());
    let bomb = zip_file(&dir, "bomb.zip", &bomb_bytes);
    let e = err(
        &server,
        &[
            "create-function",
            "--function-name",
            "g",
            "--runtime",
            "python3.11",
            "--handler",
            "h.h",
            "--role",
            ROLE,
            "--zip-file",
            &bomb,
        ],
    );
    assert!(
        e.contains("(InvalidParameterValueException) when calling the CreateFunction operation: Unzipped size must be smaller than 262144000 bytes"),
        "{e}"
    );
    let e = err(
        &server,
        &[
            "create-function",
            "--function-name",
            "g",
            "--runtime",
            "python3.11",
            "--handler",
            "h.h",
            "--role",
            ROLE,
            "--zip-file",
            &good,
            "--timeout",
            "901",
        ],
    );
    assert!(
        e.contains("(ValidationException) when calling the CreateFunction operation: 1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900"),
        "{e}"
    );
    let e = err(
        &server,
        &[
            "create-function",
            "--function-name",
            "g",
            "--role",
            ROLE,
            "--package-type",
            "Image",
            "--code",
            "ImageUri=123456789012.dkr.ecr.us-east-1.amazonaws.com/f:latest",
        ],
    );
    assert!(
        e.contains("InvalidParameterValueException") && e.contains("container images"),
        "{e}"
    );
    let e = err(
        &server,
        &[
            "create-function",
            "--function-name",
            "g",
            "--runtime",
            "python3.11",
            "--handler",
            "h.h",
            "--role",
            ROLE,
            "--code",
            "S3Bucket=my-bucket,S3Key=f.zip",
        ],
    );
    assert!(
        e.contains("InvalidParameterValueException") && e.contains("no S3 endpoint"),
        "{e}"
    );
    let big = format!("Variables={{BIG={}}}", "v".repeat(4100));
    let e = err(
        &server,
        &[
            "update-function-configuration",
            "--function-name",
            "f",
            "--environment",
            &big,
        ],
    );
    assert!(e.contains("exceeded the 4KB limit"), "{e}");
    let e = err(&server, &["get-function", "--function-name", "nope"]);
    assert!(e.contains(&format!("Function not found: {}", fn_arn("nope"))), "{e}");
    // Nothing of the refused functions was created; the server still serves.
    let listed = ok(&server, &["list-functions"]);
    assert_eq!(listed["Functions"].as_array().unwrap().len(), 1);
}

#[test]
fn concurrency_tags_and_hot_reload() {
    let dir = temp_dir("misc");
    let server = Server::start(&dir.join("data"), None);
    let good = zip_file(&dir, "f.zip", &zip_of(&[("lambda_function.py", HANDLER_PY)]));
    create(&server, "f", &good, &[]);
    // `{}`: the CLI prints nothing for an empty answer.
    assert_eq!(
        ok(&server, &["get-function-concurrency", "--function-name", "f"]),
        Value::Null
    );
    let p = ok(
        &server,
        &[
            "put-function-concurrency",
            "--function-name",
            "f",
            "--reserved-concurrent-executions",
            "5",
        ],
    );
    assert_eq!(p, json!({"ReservedConcurrentExecutions": 5}));
    let g = ok(&server, &["get-function", "--function-name", "f"]);
    assert_eq!(g["Concurrency"], json!({"ReservedConcurrentExecutions": 5}));
    let e = err(
        &server,
        &[
            "put-function-concurrency",
            "--function-name",
            "f",
            "--reserved-concurrent-executions",
            "901",
        ],
    );
    assert!(e.contains("below its minimum value of [100]"), "{e}");
    ok(&server, &["delete-function-concurrency", "--function-name", "f"]);
    assert_eq!(
        ok(&server, &["get-function-concurrency", "--function-name", "f"]),
        Value::Null
    );

    let arn = fn_arn("f");
    ok(&server, &["tag-resource", "--resource", &arn, "--tags", "a=1,b=2"]);
    assert_eq!(
        ok(&server, &["list-tags", "--resource", &arn]),
        json!({"Tags": {"a": "1", "b": "2"}})
    );
    ok(&server, &["untag-resource", "--resource", &arn, "--tag-keys", "a"]);
    assert_eq!(
        ok(&server, &["list-tags", "--resource", &arn]),
        json!({"Tags": {"b": "2"}})
    );
    let e = err(&server, &["list-tags", "--resource", &fn_arn("nope")]);
    assert!(e.contains("ResourceNotFoundException"), "{e}");

    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("lambda_function.py"), HANDLER_PY).unwrap();
    let code = format!("S3Bucket=hot-reload,S3Key={}", src.display());
    let h = ok(
        &server,
        &[
            "create-function",
            "--function-name",
            "hot",
            "--runtime",
            "python3.11",
            "--handler",
            "lambda_function.lambda_handler",
            "--role",
            ROLE,
            "--code",
            &code,
        ],
    );
    assert_eq!(h["State"], "Active");
    let g = ok(&server, &["get-function", "--function-name", "hot"]);
    assert_eq!(g["Code"]["Location"], src.display().to_string());
    let e = err(
        &server,
        &[
            "create-function",
            "--function-name",
            "hot2",
            "--runtime",
            "python3.11",
            "--handler",
            "h.h",
            "--role",
            ROLE,
            "--code",
            "S3Bucket=hot-reload,S3Key=relative/dir",
        ],
    );
    assert!(
        e.contains("InvalidParameterValueException") && e.contains("absolute"),
        "{e}"
    );
}

#[test]
fn a_restart_keeps_functions_versions_aliases_tags_concurrency_and_code() {
    let dir = temp_dir("restart");
    let data = dir.join("data");
    let server = Server::start(&data, None);
    let bytes = zip_of(&[("lambda_function.py", HANDLER_PY)]);
    let zip = zip_file(&dir, "f.zip", &bytes);
    let created = create(&server, "keep", &zip, &["--publish", "--tags", "k=v"]);
    ok(
        &server,
        &[
            "create-alias",
            "--function-name",
            "keep",
            "--name",
            "prod",
            "--function-version",
            "1",
        ],
    );
    ok(
        &server,
        &[
            "put-function-concurrency",
            "--function-name",
            "keep",
            "--reserved-concurrent-executions",
            "3",
        ],
    );
    let before = ok(&server, &["get-function", "--function-name", "keep"]);
    let status = server.terminate(Duration::from_secs(30));
    assert!(status.success(), "{status:?}");

    let server = Server::start(&data, None);
    let after = ok(&server, &["get-function", "--function-name", "keep"]);
    assert_eq!(after, before);
    assert_eq!(after["Tags"], json!({"k": "v"}));
    assert_eq!(after["Concurrency"], json!({"ReservedConcurrentExecutions": 3}));
    let v1 = ok(
        &server,
        &[
            "get-function-configuration",
            "--function-name",
            "keep",
            "--qualifier",
            "1",
        ],
    );
    assert_eq!(v1, created);
    let alias = ok(&server, &["get-alias", "--function-name", "keep", "--name", "prod"]);
    assert_eq!(alias["FunctionVersion"], "1");
    // The code is on disk, unpacked under its hash.
    let hex: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    let unpacked = data.join("functions/code").join(&hex).join("lambda_function.py");
    assert_eq!(std::fs::read(unpacked).unwrap(), HANDLER_PY);
    // Versions keep counting from where they were.
    let zip2 = zip_file(&dir, "f2.zip", &zip_of(&[("lambda_function.py", b"y = 1\n")]));
    let v2 = ok(
        &server,
        &[
            "update-function-code",
            "--function-name",
            "keep",
            "--zip-file",
            &zip2,
            "--publish",
        ],
    );
    assert_eq!(v2["Version"], "2");
}

#[test]
fn sigv4_is_checked_for_the_lambda_service() {
    let dir = temp_dir("auth");
    let server = Server::start_with_auth(&dir);
    let (code, v) = aws_with(&server, ("AKIDSTEPWISE", "s3cr3t"), &["list-functions"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v, json!({"Functions": []}));
    // Labels are percent-encoded in the signed path: an ARN, a `$LATEST` qualifier.
    let zip = zip_file(&dir, "f.zip", &zip_of(&[("lambda_function.py", HANDLER_PY)]));
    let keys = ("AKIDSTEPWISE", "s3cr3t");
    let (code, v) = aws_with(
        &server,
        keys,
        &[
            "create-function",
            "--function-name",
            "signed",
            "--runtime",
            "python3.11",
            "--handler",
            "h.h",
            "--role",
            ROLE,
            "--zip-file",
            &zip,
        ],
    );
    assert_eq!(code, 0, "{v}");
    let qualified = format!("{}:$LATEST", fn_arn("signed"));
    let (code, v) = aws_with(
        &server,
        keys,
        &["get-function-configuration", "--function-name", &qualified],
    );
    assert_eq!(code, 0, "{v}");
    let (code, v) = aws_with(
        &server,
        keys,
        &[
            "list-versions-by-function",
            "--function-name",
            &fn_arn("signed"),
            "--max-items",
            "1",
        ],
    );
    assert_eq!(code, 0, "{v}");
    let (code, v) = aws_with(&server, ("AKIDSTEPWISE", "wrong"), &["list-functions"]);
    assert_ne!(code, 0);
    assert!(v.as_str().unwrap().contains("InvalidSignatureException"), "{v}");
    let (code, v) = aws_with(&server, ("AKIDNOBODY", "x"), &["list-functions"]);
    assert_ne!(code, 0);
    assert!(v.as_str().unwrap().contains("UnrecognizedClientException"), "{v}");
}
