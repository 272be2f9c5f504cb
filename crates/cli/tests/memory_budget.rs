//! Memory bombs against the real `stepwise serve`, run under an address-space cap
//! (`prlimit --as`): a JSONata expression or an intrinsic call that asks for gigabytes must
//! fail its execution with AWS's error (`States.QueryEvaluationError`,
//! `States.IntrinsicFailure`) through StartSyncExecution, StartExecution and TestState
//! alike, and the server must answer afterwards. Without the budget each of these aborts
//! the process (the allocator fails under the cap).
//!
//! Requests go over plain HTTP (the server accepts unsigned requests unless `--auth`), so
//! the test needs no client beyond `prlimit` (util-linux).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{ACCOUNT, REGION, sm_arn};
use serde_json::{Value, json};

/// The server's address space: room for its threads and the 64 MiB budget of a couple of
/// evaluations, and far below what any of the bombs asks for.
const ADDRESS_SPACE: u64 = 1 << 30;

const ROLE: &str = "arn:aws:iam::123456789012:role/StepFunctionsRole";

struct Capped {
    child: Child,
    addr: String,
}

impl Capped {
    fn start(dir: &std::path::Path) -> Capped {
        let mut child = Command::new("prlimit")
            .arg(format!("--as={ADDRESS_SPACE}"))
            .arg("--")
            .arg(env!("CARGO_BIN_EXE_stepwise"))
            .args(["serve", "--address", "127.0.0.1:0", "--log", "warn", "--data-dir"])
            .arg(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("prlimit (util-linux) must be installed");
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let addr = first
            .split_whitespace()
            .find_map(|w| w.strip_prefix("http://"))
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .trim_end_matches('/')
            .to_string();
        Capped { child, addr }
    }

    fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// One AWS JSON 1.0 call; (HTTP status, body).
    fn call(&self, action: &str, body: &Value) -> (u16, Value) {
        let body = body.to_string();
        let mut s = TcpStream::connect(&self.addr).unwrap_or_else(|e| panic!("{action}: the server is gone: {e}"));
        s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
        write!(
            s,
            "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AWSStepFunctions.{action}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw)
            .unwrap_or_else(|e| panic!("{action}: no answer: {e}"));
        let text = String::from_utf8_lossy(&raw);
        let (head, rest) = text
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("{action}: the server closed the connection without answering: {text:?}"));
        let status: u16 = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap();
        let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
            dechunk(rest)
        } else {
            rest.to_string()
        };
        let v = if body.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&body).unwrap_or_else(|e| panic!("{action}: {e}: {body}"))
        };
        (status, v)
    }

    fn ok(&self, action: &str, body: Value) -> Value {
        let (status, v) = self.call(action, &body);
        assert_eq!(status, 200, "{action}: {v}");
        v
    }
}

impl Drop for Capped {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// A bomb: the one state that explodes, the input it gets, and the error and the words of
/// the cause it must fail with.
struct Bomb {
    name: &'static str,
    state: Value,
    input: Value,
    error: &'static str,
    cause: &'static str,
    /// TestState can run the state alone (a Map state needs a mock there).
    test_state: bool,
}

fn jsonata_pass(output: &str) -> Value {
    json!({"Type": "Pass", "QueryLanguage": "JSONata", "Output": format!("{{% {output} %}}"), "End": true})
}

const OVER_BUDGET: &str = "U1004: The evaluation exceeded its memory limit of 64 MiB";

fn bombs() -> Vec<Bomb> {
    // 3,000 copies of a 200,000-character string: 600 MB.
    let copies = vec!["$.s"; 3000].join(", ");
    vec![
        Bomb {
            name: "pad",
            state: jsonata_pass(r#"$length($pad("x", 4000000000))"#),
            input: json!({}),
            error: "States.QueryEvaluationError",
            cause: OVER_BUDGET,
            test_state: true,
        },
        Bomb {
            name: "negative-pad",
            state: jsonata_pass(r#"$pad("x", -4000000000)"#),
            input: json!({}),
            error: "States.QueryEvaluationError",
            cause: OVER_BUDGET,
            test_state: true,
        },
        Bomb {
            name: "doubling",
            state: jsonata_pass("$reduce([1..32], function($a, $b){ $a & $a }, 'x')"),
            input: json!({}),
            error: "States.QueryEvaluationError",
            cause: OVER_BUDGET,
            test_state: true,
        },
        Bomb {
            name: "join",
            state: jsonata_pass("$length($join($map([1..1000], function($i){ '' }), $pad('', 10000000)))"),
            input: json!({}),
            error: "States.QueryEvaluationError",
            cause: OVER_BUDGET,
            test_state: true,
        },
        Bomb {
            // 40 M characters, a value each: gigabytes inside one built-in.
            name: "split",
            state: jsonata_pass(r#"$count($split($pad("", 40000000, "ab"), ""))"#),
            input: json!({}),
            error: "States.QueryEvaluationError",
            cause: OVER_BUDGET,
            test_state: true,
        },
        Bomb {
            // 200,000 matches, each replaced by 10,000 characters: 2 GB.
            name: "replace",
            state: jsonata_pass(r#"$length($replace($pad("", 200000, "a"), "a", $pad("", 10000, "b")))"#),
            input: json!({}),
            error: "States.QueryEvaluationError",
            cause: OVER_BUDGET,
            test_state: true,
        },
        Bomb {
            name: "range",
            state: jsonata_pass("[1..5000000]"),
            input: json!({}),
            error: "States.QueryEvaluationError",
            cause: "D2015: The maximum sequence length of",
            test_state: true,
        },
        Bomb {
            name: "map-items",
            state: json!({"Type": "Map", "QueryLanguage": "JSONata", "Items": "{% [1..5000000] %}",
                "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}, "End": true}),
            input: json!({}),
            error: "States.QueryEvaluationError",
            cause: "D2015: The maximum sequence length of",
            test_state: false,
        },
        Bomb {
            name: "intrinsic-copies",
            state: json!({"Type": "Pass", "Parameters": {"copies.$": format!("States.Array({copies})")}, "End": true}),
            input: json!({"s": "x".repeat(200_000)}),
            error: "States.IntrinsicFailure",
            cause: "Invalid arguments in States.Array: the result would exceed the maximum size of 64 MiB",
            test_state: true,
        },
    ]
}

fn definition(state: &Value) -> String {
    json!({"StartAt": "Bomb", "States": {"Bomb": state}}).to_string()
}

fn create(server: &Capped, name: &str, state: &Value, kind: &str) -> String {
    let r = server.ok(
        "CreateStateMachine",
        json!({"name": name, "definition": definition(state), "roleArn": ROLE, "type": kind}),
    );
    r["stateMachineArn"].as_str().unwrap().to_string()
}

fn check(what: &str, bomb: &Bomb, error: &Value, cause: &Value) {
    assert_eq!(error, bomb.error, "{what} {}: {cause}", bomb.name);
    let cause = cause.as_str().unwrap_or_default();
    assert!(cause.contains(bomb.cause), "{what} {}: {cause}", bomb.name);
}

#[test]
fn memory_bombs_fail_their_executions_and_the_server_stays_up() {
    let dir = common::temp_dir("memory", "bombs");
    let mut server = Capped::start(&dir);
    let started = Instant::now();
    for bomb in bombs() {
        let input = bomb.input.to_string();

        let express = create(&server, &format!("{}-express", bomb.name), &bomb.state, "EXPRESS");
        let r = server.ok(
            "StartSyncExecution",
            json!({"stateMachineArn": express, "input": input}),
        );
        assert_eq!(r["status"], "FAILED", "{r}");
        check("StartSyncExecution", &bomb, &r["error"], &r["cause"]);
        assert!(server.alive(), "the server died on {}", bomb.name);

        let standard = create(&server, &format!("{}-standard", bomb.name), &bomb.state, "STANDARD");
        let r = server.ok("StartExecution", json!({"stateMachineArn": standard, "input": input}));
        let arn = r["executionArn"].as_str().unwrap().to_string();
        let deadline = Instant::now() + Duration::from_secs(60);
        let d = loop {
            let d = server.ok("DescribeExecution", json!({"executionArn": arn}));
            if d["status"] != "RUNNING" || Instant::now() > deadline {
                break d;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        assert_eq!(d["status"], "FAILED", "{d}");
        check("StartExecution", &bomb, &d["error"], &d["cause"]);
        assert!(server.alive(), "the server died on {}", bomb.name);

        if !bomb.test_state {
            continue;
        }
        let r = server.ok(
            "TestState",
            json!({"definition": bomb.state.to_string(), "roleArn": ROLE, "input": input}),
        );
        assert_eq!(r["status"], "FAILED", "{r}");
        check("TestState", &bomb, &r["error"], &r["cause"]);
        assert!(server.alive(), "the server died on {}", bomb.name);
    }

    // Still serving, with everything it was given.
    let machines = server.ok("ListStateMachines", json!({}));
    assert_eq!(
        machines["stateMachines"].as_array().map(Vec::len),
        Some(2 * bombs().len()),
        "{machines}"
    );
    let listed = server.ok("ListExecutions", json!({"stateMachineArn": sm_arn("pad-standard")}));
    assert_eq!(listed["executions"][0]["status"], "FAILED", "{listed}");
    assert!(server.alive());
    assert!(started.elapsed() < Duration::from_secs(300), "{:?}", started.elapsed());
    let _ = (ACCOUNT, REGION);
}

/// The doubling bomb inside a caught Parallel, then a Wait: the server is killed during the
/// Wait and restarted, and the replay must reproduce the stored memory-limit failure (the
/// engine journals the hit with the step and fails it again without evaluating; the
/// engine's `time_limit` tests check that part) and finish the execution.
#[test]
fn a_memory_limit_hit_is_journaled_and_replayed_after_a_crash() {
    let dir = common::temp_dir("memory", "replay");
    let server = Capped::start(&dir);
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "Try", "States": {
        "Try": {"Type": "Parallel", "Branches": [{"StartAt": "Grow", "States": {
            "Grow": {"Type": "Pass", "End": true,
                "Output": "{% $reduce([1..32], function($a, $b){ $a & $a }, 'x') %}"}}}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Pause", "Output": "{% $states.errorOutput %}"}],
            "Next": "Pause"},
        "Pause": {"Type": "Wait", "Seconds": 3, "Next": "Done"},
        "Done": {"Type": "Succeed"}
    }});
    let arn = server.ok(
        "CreateStateMachine",
        json!({"name": "replayed", "definition": def.to_string(), "roleArn": ROLE}),
    )["stateMachineArn"]
        .as_str()
        .unwrap()
        .to_string();
    let exec = server.ok("StartExecution", json!({"stateMachineArn": arn}))["executionArn"]
        .as_str()
        .unwrap()
        .to_string();
    // Wait until the Wait state is entered: the bomb has gone off and been journaled.
    let deadline = Instant::now() + Duration::from_secs(60);
    let history_before = loop {
        let h = server.ok("GetExecutionHistory", json!({"executionArn": exec}));
        let waiting = h["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["type"] == "WaitStateEntered");
        if waiting || Instant::now() > deadline {
            break h;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(history_before.to_string().contains(OVER_BUDGET), "{history_before}");
    drop(server); // SIGKILL during the Wait

    let server = Capped::start(&dir);
    let deadline = Instant::now() + Duration::from_secs(60);
    let d = loop {
        let d = server.ok("DescribeExecution", json!({"executionArn": exec}));
        if d["status"] != "RUNNING" || Instant::now() > deadline {
            break d;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(
        d["status"], "SUCCEEDED",
        "the replay reproduced the stored history: {d}"
    );
    let output: Value = serde_json::from_str(d["output"].as_str().unwrap()).unwrap();
    assert_eq!(output["Error"], "States.QueryEvaluationError", "{output}");
    assert!(output["Cause"].as_str().unwrap().contains(OVER_BUDGET), "{output}");
}
