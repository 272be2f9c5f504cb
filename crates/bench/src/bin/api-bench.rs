//! `api-bench`: load on `stepwise serve` through its HTTP API, on loopback.
//!
//! ```text
//! cargo build --release
//! target/release/api-bench sync     [--requests 50000] [--connections 64]
//! target/release/api-bench standard [--executions 20000] [--connections 64]
//! target/release/api-bench park     [--executions 100000] [--connections 64]
//! target/release/api-bench cpu      [--requests 5000] [--connections 4]
//! ```
//!
//! Each mode starts its own server (`target/release/stepwise serve`, or `--server PATH`) on a
//! free port with a fresh data directory, so runs do not disturb each other:
//!
//! - `sync`: StartSyncExecution of a 3-state Pass machine (EXPRESS): requests/s, p50, p99.
//! - `standard`: StartExecution of a 10-state Pass chain (STANDARD, fsync on): every
//!   execution's events are committed before the call returns, so durable state
//!   transitions/s = executions/s × 10.
//! - `park`: that many STANDARD executions parked in a 1-hour Wait; the server's memory;
//!   then SIGKILL, restart, and the time until every execution is resumed.
//! - `cpu`: DescribeExecution latency (p50, p99, max) while 0, 2 and 8 CPU-bound EXPRESS
//!   executions (a tight Choice/Pass loop, each held by its own StartSyncExecution
//!   connection) run; the loops stop when their connections close.
//!
//! The client is a minimal HTTP/1.1 keep-alive client of our own (one request at a time per
//! connection), so the figures include the whole protocol path.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

struct Opts {
    mode: String,
    count: usize,
    connections: usize,
    server: PathBuf,
}

fn parse_args() -> Opts {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "sync".into());
    let mut count = match mode.as_str() {
        "sync" => 50_000,
        "standard" => 20_000,
        "cpu" => 5_000,
        _ => 100_000,
    };
    let mut connections = if mode == "cpu" { 4 } else { 64 };
    let mut server = PathBuf::from("target/release/stepwise");
    while let Some(a) = args.next() {
        match a.as_str() {
            "--requests" | "--executions" => count = args.next().and_then(|v| v.parse().ok()).unwrap_or(count),
            "--connections" => connections = args.next().and_then(|v| v.parse().ok()).unwrap_or(connections),
            "--server" => server = args.next().map(PathBuf::from).unwrap_or(server),
            other => panic!("unknown argument {other}"),
        }
    }
    Opts {
        mode,
        count,
        connections,
        server,
    }
}

/// A running `stepwise serve`.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(bin: &PathBuf, dir: &PathBuf) -> (Server, String) {
        let mut child = Command::new(bin)
            .args(["serve", "--address", "127.0.0.1:0", "--data-dir"])
            .arg(dir)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the server (build it with cargo build --release)");
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        let mut second = String::new();
        std::io::BufRead::read_line(&mut out, &mut first).unwrap();
        std::io::BufRead::read_line(&mut out, &mut second).unwrap();
        let addr = first
            .split_whitespace()
            .find_map(|w| w.strip_prefix("http://"))
            .expect("address line")
            .to_string();
        (Server { child, addr }, second)
    }

    /// Resident memory (VmRSS) and its peak (VmHWM), in MiB.
    fn memory(&self) -> (f64, f64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
                .map(|kb| kb / 1024.0)
                .unwrap_or(0.0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Conn {
    r: BufReader<TcpStream>,
}

impl Conn {
    async fn open(addr: &str) -> Conn {
        let s = TcpStream::connect(addr).await.expect("connect");
        s.set_nodelay(true).unwrap();
        Conn { r: BufReader::new(s) }
    }

    async fn call(&mut self, action: &str, body: &Value) -> (u16, Value) {
        let body = body.to_string();
        let req = format!(
            "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.0\r\n\
             X-Amz-Target: AWSStepFunctions.{action}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        self.r.get_mut().write_all(req.as_bytes()).await.expect("write");
        let mut line = String::new();
        self.r.read_line(&mut line).await.expect("status line");
        let status: u16 = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let mut len = 0usize;
        loop {
            line.clear();
            self.r.read_line(&mut line).await.expect("header");
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        let mut buf = vec![0; len];
        self.r.read_exact(&mut buf).await.expect("body");
        (status, serde_json::from_slice(&buf).unwrap_or(Value::Null))
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Sends `total` requests over `connections` connections; returns (elapsed, latencies).
async fn load(
    addr: &str,
    connections: usize,
    total: usize,
    make: impl Fn(usize) -> (&'static str, Value) + Send + Sync + 'static,
) -> (Duration, Vec<Duration>) {
    let next = Arc::new(AtomicUsize::new(0));
    let make = Arc::new(make);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (next, make, addr) = (next.clone(), make.clone(), addr.to_string());
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(&addr).await;
            let mut lat = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    return lat;
                }
                let (action, body) = make(i);
                let t = Instant::now();
                let (status, resp) = conn.call(action, &body).await;
                assert_eq!(status, 200, "{action} failed: {resp}");
                lat.push(t.elapsed());
            }
        }));
    }
    let mut all = Vec::with_capacity(total);
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed();
    all.sort();
    (elapsed, all)
}

const ROLE: &str = "arn:aws:iam::123456789012:role/Bench";
const SM: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:";

fn pass_chain(n: usize) -> String {
    let mut states = serde_json::Map::new();
    for i in 0..n {
        let mut s = json!({"Type": "Pass", "Result": i, "ResultPath": "$.last"});
        if i + 1 == n {
            s["End"] = json!(true);
        } else {
            s["Next"] = json!(format!("S{}", i + 1));
        }
        states.insert(format!("S{i}"), s);
    }
    json!({"StartAt": "S0", "States": states}).to_string()
}

/// Counts up for ever (until the Express limit of five minutes).
fn spin_loop() -> String {
    json!({"StartAt": "Init", "States": {
        "Init": {"Type": "Pass", "Result": {"n": 0}, "Next": "Inc"},
        "Inc": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "Check"},
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThanEquals": 0, "Next": "Inc"}], "Default": "Done"},
        "Done": {"Type": "Succeed"}}})
    .to_string()
}

/// The `cpu` mode: how DescribeExecution answers while CPU-bound executions run.
async fn cpu(addr: &str, admin: &mut Conn, o: &Opts) {
    for (name, kind, def) in [
        ("Spin", "EXPRESS", spin_loop()),
        (
            "Parked",
            "STANDARD",
            json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": true}}}).to_string(),
        ),
    ] {
        let (status, r) = admin
            .call(
                "CreateStateMachine",
                &json!({"name": name, "type": kind, "roleArn": ROLE, "definition": def}),
            )
            .await;
        assert_eq!(status, 200, "{r}");
    }
    let (status, r) = admin
        .call(
            "StartExecution",
            &json!({"stateMachineArn": format!("{SM}Parked"), "name": "target"}),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    let target = r["executionArn"].as_str().expect("executionArn").to_owned();
    for spinning in [0, 2, 8] {
        let mut spinners = Vec::new();
        for _ in 0..spinning {
            let addr = addr.to_string();
            spinners.push(tokio::spawn(async move {
                let mut conn = Conn::open(&addr).await;
                conn.call("StartSyncExecution", &json!({"stateMachineArn": format!("{SM}Spin")}))
                    .await
            }));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let arn = target.clone();
        let (elapsed, lat) = load(addr, o.connections, o.count, move |_| {
            ("DescribeExecution", json!({"executionArn": arn}))
        })
        .await;
        println!(
            "DescribeExecution with {spinning} CPU-bound executions running, {} requests over {} connections: \
             {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            o.count,
            o.connections,
            o.count as f64 / elapsed.as_secs_f64(),
            percentile(&lat, 0.50).as_secs_f64() * 1000.0,
            percentile(&lat, 0.99).as_secs_f64() * 1000.0,
            lat.last().copied().unwrap_or_default().as_secs_f64() * 1000.0
        );
        for s in &spinners {
            assert!(!s.is_finished(), "a CPU-bound execution ended early");
        }
        // Closing their connections stops the loops.
        for s in spinners {
            s.abort();
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::main]
async fn main() {
    let o = parse_args();
    let dir = std::env::temp_dir().join(format!("stepwise-api-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (server, _) = Server::start(&o.server, &dir);
    let addr = server.addr.clone();
    let mut admin = Conn::open(&addr).await;
    match o.mode.as_str() {
        "sync" => {
            let (status, r) = admin
                .call(
                    "CreateStateMachine",
                    &json!({"name": "Sync3", "type": "EXPRESS", "roleArn": ROLE, "definition": pass_chain(3)}),
                )
                .await;
            assert_eq!(status, 200, "{r}");
            let arn = format!("{SM}Sync3");
            let (elapsed, lat) = load(&addr, o.connections, o.count, move |_| {
                (
                    "StartSyncExecution",
                    json!({"stateMachineArn": arn, "input": "{\"k\":1}"}),
                )
            })
            .await;
            println!(
                "StartSyncExecution, 3-state Pass, {} requests over {} connections: {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms",
                o.count,
                o.connections,
                o.count as f64 / elapsed.as_secs_f64(),
                percentile(&lat, 0.50).as_secs_f64() * 1000.0,
                percentile(&lat, 0.99).as_secs_f64() * 1000.0
            );
        }
        "standard" => {
            let (status, r) = admin
                .call(
                    "CreateStateMachine",
                    &json!({"name": "Chain10", "roleArn": ROLE, "definition": pass_chain(10)}),
                )
                .await;
            assert_eq!(status, 200, "{r}");
            let arn = format!("{SM}Chain10");
            let (elapsed, lat) = load(&addr, o.connections, o.count, move |i| {
                (
                    "StartExecution",
                    json!({"stateMachineArn": arn, "name": format!("e{i}"), "input": "{}"}),
                )
            })
            .await;
            let per_s = o.count as f64 / elapsed.as_secs_f64();
            println!(
                "StartExecution, STANDARD 10-state Pass chain (committed with fsync before the reply), {} executions over {} connections: \
                 {:.0} executions/s = {:.0} durable state transitions/s, p50 {:.2} ms, p99 {:.2} ms",
                o.count,
                o.connections,
                per_s,
                per_s * 10.0,
                percentile(&lat, 0.50).as_secs_f64() * 1000.0,
                percentile(&lat, 0.99).as_secs_f64() * 1000.0
            );
        }
        "park" => {
            let def = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": true}}});
            let (status, r) = admin
                .call(
                    "CreateStateMachine",
                    &json!({"name": "Parked", "roleArn": ROLE, "definition": def.to_string()}),
                )
                .await;
            assert_eq!(status, 200, "{r}");
            let (before, _) = server.memory();
            let arn = format!("{SM}Parked");
            let (elapsed, _) = load(&addr, o.connections, o.count, move |i| {
                (
                    "StartExecution",
                    json!({"stateMachineArn": arn, "name": format!("p{i}"), "input": "{}"}),
                )
            })
            .await;
            let (rss, peak) = server.memory();
            println!(
                "{} STANDARD executions parked in a Wait: started in {:.1} s; server RSS {:.0} MiB (peak {:.0} MiB, {:.0} MiB before), {:.1} KiB per parked execution",
                o.count,
                elapsed.as_secs_f64(),
                rss,
                peak,
                before,
                (rss - before) * 1024.0 / o.count as f64
            );
            server.kill();
            let t = Instant::now();
            let (server, line) = Server::start(&o.server, &dir);
            let resumed = t.elapsed();
            let (rss, _) = server.memory();
            println!(
                "after SIGKILL and restart: {} in {:.1} s, server RSS {:.0} MiB",
                line.trim(),
                resumed.as_secs_f64(),
                rss
            );
            server.kill();
            let _ = std::fs::remove_dir_all(&dir);
            return;
        }
        "cpu" => cpu(&addr, &mut admin, &o).await,
        other => panic!("unknown mode {other} (sync | standard | park | cpu)"),
    }
    server.kill();
    let _ = std::fs::remove_dir_all(&dir);
}
