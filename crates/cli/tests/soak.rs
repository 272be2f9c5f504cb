//! Soak test: hostile workflows thrown at a real `stepwise serve` while a monitor checks that
//! the API keeps answering. Nothing a workflow does may take the server down or stall the API
//! for others (issue 9): memory bombs in JSONata and intrinsics, infinite loops, huge waits,
//! oversized causes, fan-outs past the history limit, malformed and mistyped definitions,
//! and well-formed definitions with one field set to an extreme value.
//!
//! The cases are drawn from a seeded generator: `STEPWISE_SOAK_SEED` replays a run (the seed
//! is printed first), `STEPWISE_SOAK_CASES` sets how many (default 200).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Server, sm_arn};
use serde_json::{Value, json};

/// How long the API may take to answer a cheap request while the hostile workflows run.
const RESPONSIVE: Duration = Duration::from_secs(1);

/// One HTTP answer: status and parsed JSON body (Null when the body is not JSON).
struct Answer {
    status: u16,
    body: Value,
}

/// Posts one AWS JSON 1.0 request on a fresh connection. `None` when the client gave up
/// (its read timeout) — the server must cope with clients that disconnect.
fn call(endpoint: &str, action: &str, body: &[u8], timeout: Duration) -> Option<Answer> {
    let addr = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(timeout)).ok()?;
    s.set_write_timeout(Some(timeout)).ok()?;
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-amz-json-1.0\r\n\
         X-Amz-Target: AWSStepFunctions.{action}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).ok()?;
    s.write_all(body).ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw);
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    let body = text
        .split_once("\r\n\r\n")
        .and_then(|(_, b)| serde_json::from_str(b).ok())
        .unwrap_or(Value::Null);
    Some(Answer { status, body })
}

fn call_json(endpoint: &str, action: &str, body: &Value, timeout: Duration) -> Option<Answer> {
    call(endpoint, action, body.to_string().as_bytes(), timeout)
}

/// SplitMix64: enough randomness for choosing cases, reproducible from the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn jsonata(states: Value, start: &str) -> Value {
    json!({"QueryLanguage": "JSONata", "StartAt": start, "States": states})
}

fn one_pass(output: &str) -> Value {
    jsonata(json!({"P": {"Type": "Pass", "Output": output, "End": true}}), "P")
}

/// The hostile shapes of issue 9, each a definition that must fail (or run until stopped)
/// without hurting anyone else.
fn hostile() -> Vec<(&'static str, Value)> {
    vec![
        ("pad 4e9", one_pass("{% $length($pad(\"x\", 4000000000)) %}")),
        ("pad negative", one_pass("{% $length($pad(\"x\", -4000000000)) %}")),
        (
            "reduce doubling",
            one_pass("{% $length($reduce([1..32], function($a, $b){ $a & $a }, 'x')) %}"),
        ),
        ("range 5e7", one_pass("{% $count([1..50000000]) %}")),
        (
            "map over 5e6 items",
            jsonata(
                json!({"M": {"Type": "Map", "Items": "{% [1..5000000] %}", "ItemProcessor": {
                    "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}, "End": true}}),
                "M",
            ),
        ),
        (
            "map past the history limit",
            jsonata(
                json!({"M": {"Type": "Map", "Items": "{% [1..40000] %}", "ItemProcessor": {
                    "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}, "End": true}}),
                "M",
            ),
        ),
        (
            "assign doubling loop",
            jsonata(
                json!({
                    "Init": {"Type": "Pass", "Assign": {"s": "x"}, "Next": "Grow"},
                    "Grow": {"Type": "Pass", "Assign": {"s": "{% $s & $s %}"}, "Next": "Again"},
                    "Again": {"Type": "Choice", "Default": "Grow",
                              "Choices": [{"Condition": "{% false %}", "Next": "Grow"}]}
                }),
                "Init",
            ),
        ),
        (
            "jsonata busy loop",
            jsonata(
                json!({
                    "A": {"Type": "Pass", "Assign": {"n": "{% 0 %}"}, "Next": "B"},
                    "B": {"Type": "Pass", "Assign": {"n": "{% $n + 1 %}"}, "Next": "C"},
                    "C": {"Type": "Choice", "Default": "B",
                          "Choices": [{"Condition": "{% $n < 0 %}", "Next": "B"}]}
                }),
                "A",
            ),
        ),
        (
            "jsonpath busy loop",
            json!({"StartAt": "A", "States": {
                "A": {"Type": "Pass", "Next": "B"},
                "B": {"Type": "Choice", "Default": "A",
                      "Choices": [{"Variable": "$.never", "IsPresent": true, "Next": "A"}]}}}),
        ),
        (
            "wait 2^62 seconds",
            json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.s", "End": true}}}),
        ),
        (
            "wait jsonata 2^62",
            jsonata(json!({"W": {"Type": "Wait", "Seconds": "{% 4611686018427387904 %}", "End": true}}), "W"),
        ),
        (
            "fail with a 300,000-character cause",
            jsonata(
                json!({"F": {"Type": "Fail", "Error": "{% $pad('E', 1000, 'e') %}",
                             "Cause": "{% $pad('c', 300000, 'c') %}"}}),
                "F",
            ),
        ),
        (
            "intrinsic array range",
            json!({"StartAt": "P", "States": {"P": {"Type": "Pass",
                "Parameters": {"r.$": "States.ArrayRange(1, 100000000, 1)"}, "End": true}}}),
        ),
        (
            "intrinsic split of a big string",
            json!({"StartAt": "P", "States": {"P": {"Type": "Pass",
                "Parameters": {"r.$": "States.StringSplit($.big, ',')"}, "End": true}}}),
        ),
        (
            "deep parallel",
            (0..40).fold(
                json!({"StartAt": "L", "States": {"L": {"Type": "Pass", "End": true}}}),
                |inner, _| json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [inner], "End": true}}}),
            ),
        ),
    ]
}

/// A valid definition with one numeric or string field set to something extreme.
fn mutated(rng: &mut Rng) -> (&'static str, Value) {
    const EXTREMES: &[&str] = &[
        "-1",
        "0",
        "9223372036854775807",
        "-9223372036854775808",
        "18446744073709551616",
        "1e308",
        "-1e308",
        "0.5",
        "\"x\"",
        "null",
        "[]",
        "{}",
        "true",
    ];
    let base = json!({"StartAt": "T", "TimeoutSeconds": 30, "States": {
        "T": {"Type": "Wait", "Seconds": 1, "Next": "M"},
        "M": {"Type": "Map", "MaxConcurrency": 2, "ToleratedFailurePercentage": 10, "ItemsPath": "$.items",
              "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
              "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 2,
                         "BackoffRate": 2.0, "MaxDelaySeconds": 5}],
              "Next": "X"},
        "X": {"Type": "Pass", "End": true}}});
    let paths: &[&[&str]] = &[
        &["TimeoutSeconds"],
        &["States", "T", "Seconds"],
        &["States", "M", "MaxConcurrency"],
        &["States", "M", "ToleratedFailurePercentage"],
        &["States", "M", "Retry", "0", "IntervalSeconds"],
        &["States", "M", "Retry", "0", "MaxAttempts"],
        &["States", "M", "Retry", "0", "BackoffRate"],
        &["States", "M", "Retry", "0", "MaxDelaySeconds"],
        &["States", "T", "Type"],
        &["StartAt"],
    ];
    let path = *rng.pick(paths);
    let extreme: &&str = rng.pick(EXTREMES);
    let extreme: Value = serde_json::from_str(extreme).unwrap();
    let mut def = base;
    let mut at = &mut def;
    for (i, key) in path.iter().enumerate() {
        let next = match key.parse::<usize>() {
            Ok(n) => &mut at[n],
            Err(_) => &mut at[*key],
        };
        if i + 1 == path.len() {
            *next = extreme.clone();
            break;
        }
        at = next;
    }
    ("mutated definition", def)
}

/// Bytes that are not a definition at all.
fn garbage(rng: &mut Rng) -> Vec<u8> {
    let n = 1 + rng.below(2048);
    (0..n).map(|_| (rng.next() & 0xff) as u8).collect()
}

/// What the workers saw: any 5xx is a bug; started Standard executions are stopped at the end.
#[derive(Default)]
struct Seen {
    server_errors: Vec<String>,
    standard: Vec<String>,
}

/// The requests of the workers under way, named, so that a stall says what it coincided with.
static IN_FLIGHT: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn traced<T>(what: String, f: impl FnOnce() -> T) -> T {
    IN_FLIGHT.lock().unwrap().push(what.clone());
    let out = f();
    let mut v = IN_FLIGHT.lock().unwrap();
    if let Some(i) = v.iter().position(|w| *w == what) {
        v.remove(i);
    }
    out
}

fn check(seen: &Mutex<Seen>, what: &str, a: &Option<Answer>) {
    if let Some(a) = a
        && a.status >= 500
    {
        seen.lock()
            .unwrap()
            .server_errors
            .push(format!("{what}: {} {}", a.status, a.body));
    }
}

fn run_case(endpoint: &str, rng: &mut Rng, n: u64, seen: &Mutex<Seen>) {
    let quick = Duration::from_secs(10);
    let name = format!("soak-{n}");
    let roll = rng.below(10);
    let (label, definition) = if roll < 6 {
        let all = hostile();
        let (l, d) = rng.pick(&all);
        (*l, d.to_string())
    } else if roll < 9 {
        let (l, d) = mutated(rng);
        (l, d.to_string())
    } else {
        ("garbage", String::from_utf8_lossy(&garbage(rng)).into_owned())
    };
    let express = rng.below(2) == 0;
    let create = json!({
        "name": name, "definition": definition,
        "roleArn": "arn:aws:iam::123456789012:role/soak",
        "type": if express { "EXPRESS" } else { "STANDARD" },
    });
    let what = format!("case {n} ({label}, {})", if express { "express" } else { "standard" });
    let created = traced(format!("{what} CreateStateMachine"), || {
        call_json(endpoint, "CreateStateMachine", &create, quick)
    });
    check(seen, &format!("{what} CreateStateMachine"), &created);
    // TestState runs the first state alone, with the same hostile input.
    let input = json!({"s": 4611686018427387904_u64, "big": ",".repeat(200_000), "items": [1, 2, 3]}).to_string();
    if let Ok(def) = serde_json::from_str::<Value>(&definition)
        && let Some(first) = def["StartAt"].as_str().and_then(|s| def["States"].get(s))
    {
        let mut state = first.clone();
        if state.get("Next").is_some() {
            state["Next"] = json!("Elsewhere");
        }
        let mut single = json!({"StartAt": "S", "States": {"S": state}});
        if def.get("QueryLanguage").is_some() {
            single["QueryLanguage"] = def["QueryLanguage"].clone();
        }
        let a = traced(format!("{what} TestState"), || {
            call_json(
                endpoint,
                "TestState",
                &json!({"definition": single.to_string(), "roleArn": "arn:aws:iam::123456789012:role/soak", "input": input}),
                Duration::from_secs(3),
            )
        });
        check(seen, &format!("{what} TestState"), &a);
    }
    let Some(created) = created.filter(|a| a.status == 200) else {
        return;
    };
    let arn = created.body["stateMachineArn"].as_str().unwrap_or_default().to_string();
    let start = json!({"stateMachineArn": arn, "input": input});
    if express && rng.below(2) == 0 {
        // The client gives up after two seconds and disconnects, as impatient clients do.
        let a = traced(format!("{what} StartSyncExecution"), || {
            call_json(endpoint, "StartSyncExecution", &start, Duration::from_secs(2))
        });
        check(seen, &format!("{what} StartSyncExecution"), &a);
    } else {
        let a = traced(format!("{what} StartExecution"), || {
            call_json(endpoint, "StartExecution", &start, quick)
        });
        check(seen, &format!("{what} StartExecution"), &a);
        if let Some(a) = a.filter(|a| a.status == 200)
            && !express
        {
            let e = a.body["executionArn"].as_str().unwrap_or_default().to_string();
            seen.lock().unwrap().standard.push(e);
        }
    }
}

#[test]
fn hostile_workflows_never_take_the_server_down_or_stall_the_api() {
    let seed = std::env::var("STEPWISE_SOAK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    let cases: u64 = std::env::var("STEPWISE_SOAK_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    eprintln!("soak: STEPWISE_SOAK_SEED={seed} STEPWISE_SOAK_CASES={cases}");
    let dir = common::temp_dir("soak", "hostile");
    let server = Server::start(&dir, None);
    let endpoint = server.endpoint.clone();

    // A well-behaved machine whose executions must keep working throughout.
    let good = json!({"name": "good", "type": "EXPRESS", "roleArn": "arn:aws:iam::123456789012:role/soak",
        "definition": json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}).to_string()});
    assert_eq!(
        call_json(&endpoint, "CreateStateMachine", &good, RESPONSIVE * 10)
            .unwrap()
            .status,
        200
    );

    // The monitor: a cheap request every 100 ms; the slowest answer is the figure that counts.
    let stop = Arc::new(AtomicBool::new(false));
    let slowest_ms = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let stalls = Arc::new(Mutex::new(Vec::<String>::new()));
    let monitor = {
        let (stop, slowest_ms, failures, endpoint) =
            (stop.clone(), slowest_ms.clone(), failures.clone(), endpoint.clone());
        let stalls = stalls.clone();
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                match call_json(
                    &endpoint,
                    "ListStateMachines",
                    &json!({"maxResults": 1}),
                    RESPONSIVE * 5,
                ) {
                    Some(a) if a.status == 200 => {}
                    Some(a) => failures
                        .lock()
                        .unwrap()
                        .push(format!("ListStateMachines: {} {}", a.status, a.body)),
                    None => failures
                        .lock()
                        .unwrap()
                        .push("ListStateMachines: no answer within 5 s".into()),
                }
                let took = t.elapsed();
                if took >= RESPONSIVE {
                    let during = IN_FLIGHT.lock().unwrap().join("; ");
                    stalls.lock().unwrap().push(format!("{took:?} while: {during}"));
                }
                slowest_ms.fetch_max(took.as_millis() as u64, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };

    let seen = Arc::new(Mutex::new(Seen::default()));
    let next = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let (seen, next, endpoint) = (seen.clone(), next.clone(), endpoint.clone());
            std::thread::spawn(move || {
                let mut rng = Rng(seed ^ (w as u64).wrapping_mul(0xA076_1D64_78BD_642F));
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= cases {
                        break;
                    }
                    run_case(&endpoint, &mut rng, n, &seen);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }

    // The good machine still answers at once while the hostile executions are still around.
    let start = json!({"stateMachineArn": sm_arn("good"), "input": "{\"ok\": true}"});
    let t = Instant::now();
    let a = call_json(&endpoint, "StartSyncExecution", &start, RESPONSIVE * 5)
        .expect("StartSyncExecution of the good machine answered (has the server died? its stderr is above)");
    assert_eq!(
        (a.status, a.body["status"].as_str()),
        (200, Some("SUCCEEDED")),
        "{}",
        a.body
    );
    assert!(t.elapsed() < RESPONSIVE, "a 1-state Pass took {:?}", t.elapsed());

    // Every Standard execution can be stopped, and is, within a few seconds.
    let standard = seen.lock().unwrap().standard.clone();
    for e in &standard {
        let a = call_json(&endpoint, "StopExecution", &json!({"executionArn": e}), RESPONSIVE * 5);
        check(&seen, &format!("StopExecution {e}"), &a);
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    for e in &standard {
        loop {
            let a = call_json(
                &endpoint,
                "DescribeExecution",
                &json!({"executionArn": e}),
                RESPONSIVE * 5,
            )
            .expect("DescribeExecution answered");
            let status = a.body["status"].as_str().unwrap_or_default().to_string();
            if status != "RUNNING" {
                break;
            }
            assert!(Instant::now() < deadline, "{e} still RUNNING 10 s after StopExecution");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    stop.store(true, Ordering::Relaxed);
    monitor.join().unwrap();
    let seen = seen.lock().unwrap();
    assert!(
        seen.server_errors.is_empty(),
        "5xx answers (seed {seed}):\n{}",
        seen.server_errors.join("\n")
    );
    let failures = failures.lock().unwrap();
    assert!(failures.is_empty(), "monitor (seed {seed}):\n{}", failures.join("\n"));
    let slowest = Duration::from_millis(slowest_ms.load(Ordering::Relaxed));
    assert!(
        slowest < RESPONSIVE,
        "the API stalled for {slowest:?} (seed {seed}):\n{}",
        stalls.lock().unwrap().join("\n")
    );
    drop(server);
}
