//! The tutorial a Step Functions user follows first, unchanged, against `stepwise serve`
//! with the real `aws` CLI: write a Python handler, zip it, `aws lambda create-function`,
//! call it from a Task state by its ARN and through `lambda:invoke` in JSONata (with the
//! console's Retry block), start executions and read their outputs; a handler that raises
//! fails its execution with the exception's class as the error; `aws lambda invoke
//! --log-type Tail` shows the log. The functions run as real Python and Node.js processes.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::Engine as _;
use common::{ACCOUNT, REGION, Server};
use serde_json::{Value, json};

const ROLE: &str = "arn:aws:iam::123456789012:role/r";

const ORDER_PY: &str = r#"import json
def lambda_handler(event, context):
    order_id = event.get('order_id', 'unknown')
    print(f'Processing order {order_id}')
    return {'statusCode': 200, 'body': json.dumps({'message': 'Order processed', 'order_id': order_id})}
"#;

const HELLO_PY: &str = r#"def lambda_handler(event, context):
    return {'statusCode': 200, 'message': 'Hello from Step Function!'}
"#;

const RAISES_PY: &str = r#"class OrderRejected(Exception):
    pass

def lambda_handler(event, context):
    raise OrderRejected('no stock for ' + event.get('order_id', '?'))
"#;

const NODE_CJS: &str = "exports.handler = async (event) => ({ from: 'node', got: event });\n";
const NODE_MJS: &str =
    "export const handler = async (event, context) => ({ from: 'esm', name: context.functionName });\n";

fn aws(server: &Server, service: &str, args: &[&str]) -> Value {
    let (code, v) = server.aws_cli(service, ("test", "test"), args);
    assert_eq!(code, 0, "aws {service} {args:?}: {v}");
    v
}

fn zip_file(dir: &Path, name: &str, files: &[(&str, &str)]) -> String {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (file, text) in files {
        w.start_file(*file, opts).unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    let path = dir.join(name);
    std::fs::write(&path, w.finish().unwrap().into_inner()).unwrap();
    format!("fileb://{}", path.display())
}

fn create_function(
    server: &Server,
    dir: &Path,
    name: &str,
    runtime: &str,
    handler: &str,
    files: &[(&str, &str)],
) -> String {
    let zip = zip_file(dir, &format!("{name}.zip"), files);
    let out = aws(
        server,
        "lambda",
        &[
            "create-function",
            "--function-name",
            name,
            "--runtime",
            runtime,
            "--handler",
            handler,
            "--zip-file",
            &zip,
            "--role",
            ROLE,
        ],
    );
    out["FunctionArn"].as_str().unwrap().to_owned()
}

fn create_state_machine(server: &Server, dir: &Path, name: &str, definition: &Value) -> String {
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, definition.to_string()).unwrap();
    let file = format!("file://{}", path.display());
    let out = aws(
        server,
        "stepfunctions",
        &[
            "create-state-machine",
            "--name",
            name,
            "--definition",
            &file,
            "--role-arn",
            ROLE,
        ],
    );
    out["stateMachineArn"].as_str().unwrap().to_owned()
}

/// Starts an execution and waits for its end; the DescribeExecution answer.
fn run(server: &Server, state_machine: &str, input: &str) -> Value {
    let started = aws(
        server,
        "stepfunctions",
        &[
            "start-execution",
            "--state-machine-arn",
            state_machine,
            "--input",
            input,
        ],
    );
    let arn = started["executionArn"].as_str().unwrap().to_owned();
    let t = Instant::now();
    loop {
        let d = aws(
            server,
            "stepfunctions",
            &["describe-execution", "--execution-arn", &arn],
        );
        if d["status"] != "RUNNING" {
            return d;
        }
        assert!(t.elapsed() < Duration::from_secs(60), "{arn} still runs");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn output(d: &Value) -> Value {
    assert_eq!(d["status"], "SUCCEEDED", "{d}");
    serde_json::from_str(d["output"].as_str().unwrap()).unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    common::temp_dir("tutorial", name)
}

#[test]
fn the_order_tutorial_runs_unchanged() {
    let dir = temp_dir("order");
    let server = Server::start(&dir.join("data"), None);
    let order = create_function(
        &server,
        &dir,
        "ProcessOrderLambda",
        "python3.11",
        "lambda_function.lambda_handler",
        &[("lambda_function.py", ORDER_PY)],
    );
    assert_eq!(
        order,
        format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:ProcessOrderLambda")
    );
    let hello = create_function(
        &server,
        &dir,
        "HelloFunction",
        "python3.12",
        "lambda_function.lambda_handler",
        &[("lambda_function.py", HELLO_PY)],
    );

    // One state, the function's ARN as the Resource.
    let one = create_state_machine(
        &server,
        &dir,
        "OrderProcessingWorkflow",
        &json!({"StartAt": "ProcessOrder", "States": {
            "ProcessOrder": {"Type": "Task", "Resource": order, "End": true}}}),
    );
    let d = run(&server, &one, r#"{"order_id": "ORD-12345"}"#);
    assert_eq!(
        output(&d),
        json!({"statusCode": 200, "body": "{\"message\": \"Order processed\", \"order_id\": \"ORD-12345\"}"})
    );
    let d = run(&server, &one, "{}");
    assert_eq!(
        output(&d)["body"],
        "{\"message\": \"Order processed\", \"order_id\": \"unknown\"}"
    );
    let history = aws(
        &server,
        "stepfunctions",
        &[
            "get-execution-history",
            "--execution-arn",
            d["executionArn"].as_str().unwrap(),
        ],
    );
    let types: Vec<&str> = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert!(types.contains(&"LambdaFunctionSucceeded"), "{types:?}");

    // Two states in a row.
    let two = create_state_machine(
        &server,
        &dir,
        "TwoStepWorkflow",
        &json!({"StartAt": "Hello", "States": {
            "Hello": {"Type": "Task", "Resource": hello, "ResultPath": "$.hello", "Next": "ProcessOrder"},
            "ProcessOrder": {"Type": "Task", "Resource": order, "End": true}}}),
    );
    let d = run(&server, &two, r#"{"order_id": "ORD-2"}"#);
    assert_eq!(output(&d)["statusCode"], 200);

    // The console's form: JSONata, lambda:invoke, the result's Payload, the Retry block.
    let console = create_state_machine(
        &server,
        &dir,
        "ConsoleWorkflow",
        &json!({"QueryLanguage": "JSONata", "StartAt": "Lambda Invoke", "States": {
            "Lambda Invoke": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Output": "{% $states.result.Payload %}",
                "Arguments": {"FunctionName": format!("{hello}:$LATEST"), "Payload": "{% $states.input %}"},
                "Retry": [{"ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException",
                    "Lambda.SdkClientException", "Lambda.TooManyRequestsException"],
                    "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2, "JitterStrategy": "FULL"}],
                "End": true}}}),
    );
    let d = run(&server, &console, "{}");
    assert_eq!(
        output(&d),
        json!({"statusCode": 200, "message": "Hello from Step Function!"})
    );

    // The whole lambda:invoke result, as Step Functions wraps it.
    let wrapped = create_state_machine(
        &server,
        &dir,
        "WrappedWorkflow",
        &json!({"StartAt": "Invoke", "States": {"Invoke": {"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "HelloFunction", "Payload.$": "$"}, "End": true}}}),
    );
    let out = output(&run(&server, &wrapped, "{}"));
    assert_eq!(out["StatusCode"], 200);
    assert_eq!(out["ExecutedVersion"], "$LATEST");
    assert_eq!(out["Payload"]["message"], "Hello from Step Function!");
    assert_eq!(out["SdkHttpMetadata"]["HttpStatusCode"], 200);

    // aws lambda invoke --log-type Tail.
    let payload = dir.join("payload.json");
    std::fs::write(&payload, r#"{"order_id": "ORD-LOG"}"#).unwrap();
    let response = dir.join("response.json");
    let inv = aws(
        &server,
        "lambda",
        &[
            "invoke",
            "--function-name",
            "ProcessOrderLambda",
            "--payload",
            &format!("fileb://{}", payload.display()),
            "--log-type",
            "Tail",
            response.to_str().unwrap(),
        ],
    );
    assert_eq!(inv["StatusCode"], 200);
    let log = base64::engine::general_purpose::STANDARD
        .decode(inv["LogResult"].as_str().unwrap())
        .unwrap();
    let log = String::from_utf8(log).unwrap();
    assert!(log.contains("START RequestId:"), "{log}");
    assert!(log.contains("Processing order ORD-LOG"), "{log}");
    assert!(log.contains("REPORT RequestId:"), "{log}");
    let body: Value = serde_json::from_str(&std::fs::read_to_string(&response).unwrap()).unwrap();
    assert_eq!(body["statusCode"], 200);
}

#[test]
fn a_handler_that_raises_fails_the_execution_with_its_error_type() {
    let dir = temp_dir("raises");
    let server = Server::start(&dir.join("data"), None);
    let arn = create_function(
        &server,
        &dir,
        "RejectOrder",
        "python3.12",
        "lambda_function.lambda_handler",
        &[("lambda_function.py", RAISES_PY)],
    );
    let direct = create_state_machine(
        &server,
        &dir,
        "Rejecting",
        &json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": arn, "End": true}}}),
    );
    let d = run(&server, &direct, r#"{"order_id": "ORD-9"}"#);
    assert_eq!(d["status"], "FAILED", "{d}");
    assert_eq!(d["error"], "OrderRejected");
    let cause: Value = serde_json::from_str(d["cause"].as_str().unwrap()).unwrap();
    assert_eq!(cause["errorMessage"], "no stock for ORD-9");
    assert_eq!(cause["errorType"], "OrderRejected");

    // Caught by the error name, as a Catch written for AWS does.
    let caught = create_state_machine(
        &server,
        &dir,
        "Catching",
        &json!({"StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Parameters": {"FunctionName": "RejectOrder", "Payload.$": "$"},
                  "Catch": [{"ErrorEquals": ["OrderRejected"], "ResultPath": "$.error", "Next": "Rejected"}],
                  "End": true},
            "Rejected": {"Type": "Pass", "End": true}}}),
    );
    let out = output(&run(&server, &caught, r#"{"order_id": "ORD-10"}"#));
    assert_eq!(out["error"]["Error"], "OrderRejected");

    // A function that does not exist.
    let missing = create_state_machine(
        &server,
        &dir,
        "Missing",
        &json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "NoSuchFunction", "Payload": {}}, "End": true}}}),
    );
    let d = run(&server, &missing, "{}");
    assert_eq!(d["status"], "FAILED", "{d}");
    assert_eq!(d["error"], "Lambda.ResourceNotFoundException");
    assert!(
        d["cause"]
            .as_str()
            .unwrap()
            .contains("Error Code: ResourceNotFoundException"),
        "{d}"
    );
}

#[test]
fn node_functions_run_in_workflows() {
    let dir = temp_dir("node");
    let server = Server::start(&dir.join("data"), None);
    let cjs = create_function(
        &server,
        &dir,
        "NodeCjs",
        "nodejs20.x",
        "index.handler",
        &[("index.js", NODE_CJS)],
    );
    let mjs = create_function(
        &server,
        &dir,
        "NodeEsm",
        "nodejs20.x",
        "index.handler",
        &[("index.mjs", NODE_MJS)],
    );
    let sm = create_state_machine(
        &server,
        &dir,
        "NodeFlow",
        &json!({"StartAt": "A", "States": {
            "A": {"Type": "Task", "Resource": cjs, "ResultPath": "$.a", "Next": "B"},
            "B": {"Type": "Task", "Resource": mjs, "ResultPath": "$.b", "End": true}}}),
    );
    let out = output(&run(&server, &sm, r#"{"x": 1}"#));
    assert_eq!(out["a"], json!({"from": "node", "got": {"x": 1}}));
    assert_eq!(out["b"], json!({"from": "esm", "name": "NodeEsm"}));
}
