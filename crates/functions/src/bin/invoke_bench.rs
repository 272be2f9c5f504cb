//! `cargo run -p stepwise-functions --bin invoke-bench [-- --iterations N --seconds S]`
//!
//! Measures the runner itself, through `Runner::invoke` (no HTTP API in front):
//! - warm invoke overhead: a no-op Python handler on one warm instance, p50/p99;
//! - cold start to first result, Python and Node.js (a new process each time);
//! - throughput through a pool of 8 instances (8 callers invoking in a loop).
//!
//! Prints one line per figure; docs/benchmarks.md quotes them by this command.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use functions::{CodeLocation, FunctionSpec, InvokeRequest, Runner, RunnerConfig};

const PYTHON: &str = "def handler(event, context):\n    return event\n";
const NODE: &str = "exports.handler = async (event) => event;\n";

fn main() {
    let mut iterations = 2000usize;
    let mut seconds = 5u64;
    let mut cold_runs = 10usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| usage());
        match arg.as_str() {
            "--iterations" => iterations = value(),
            "--seconds" => seconds = value() as u64,
            "--cold-runs" => cold_runs = value(),
            _ => usage(),
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    rt.block_on(run(iterations, seconds, cold_runs));
}

fn usage() -> ! {
    eprintln!("usage: invoke-bench [--iterations N] [--seconds S] [--cold-runs N]");
    std::process::exit(2)
}

async fn run(iterations: usize, seconds: u64, cold_runs: usize) {
    let base = std::env::temp_dir().join(format!("stepwise-invoke-bench-{}", std::process::id()));
    let code = base.join("code");
    std::fs::create_dir_all(&code).expect("a scratch directory");
    std::fs::write(code.join("app.py"), PYTHON).expect("write app.py");
    std::fs::write(code.join("index.js"), NODE).expect("write index.js");
    let mut config = RunnerConfig::new(base.join("work"));
    config.idle_timeout = Duration::from_secs(600);
    let runner = Runner::new(config);

    let py = spec("bench-py", "python3.12", "app.handler", &code);
    let node = spec("bench-node", "nodejs20.x", "index.handler", &code);

    // Cold starts first (the interpreter probe is cached by the first one: not counted).
    call(&runner, &py).await;
    call(&runner, &node).await;
    for (name, f) in [("python", &py), ("node", &node)] {
        let mut times = Vec::new();
        for _ in 0..cold_runs {
            runner.retire(&f.function_arn);
            let t = Instant::now();
            call(&runner, f).await;
            times.push(t.elapsed());
        }
        report(&format!("cold start to first result, {name}"), &mut times);
    }

    // Warm overhead.
    runner.retire(&py.function_arn);
    for _ in 0..100 {
        call(&runner, &py).await;
    }
    let mut times = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let t = Instant::now();
        call(&runner, &py).await;
        times.push(t.elapsed());
    }
    report("warm no-op python invoke", &mut times);

    // Throughput through 8 instances.
    let mut pool = py.clone();
    pool.name = "bench-pool".into();
    pool.function_arn = pool.function_arn.replace("bench-py", "bench-pool");
    pool.reserved_concurrency = Some(8);
    let pool = Arc::new(pool);
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let runner = runner.clone();
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while Instant::now() < until {
                call(&runner, &pool).await;
                n += 1;
            }
            n
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.expect("a bench task");
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "throughput through 8 instances: {:.0} invocations/s ({total} in {elapsed:.1} s, {} instances)",
        total as f64 / elapsed,
        runner.instances_of(&pool.function_arn)
    );
    runner.shutdown().await;
    let _ = std::fs::remove_dir_all(&base);
}

async fn call(runner: &Runner, f: &FunctionSpec) {
    let out = runner
        .invoke(
            f,
            InvokeRequest {
                payload: b"{}".to_vec(),
                ..Default::default()
            },
        )
        .await
        .expect("the invocation runs");
    assert!(
        out.function_error.is_none(),
        "{}",
        String::from_utf8_lossy(&out.payload)
    );
}

fn report(what: &str, times: &mut [Duration]) {
    times.sort();
    let pick = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what}: p50 {:.3} ms, p99 {:.3} ms, min {:.3} ms, max {:.3} ms ({} runs)",
        ms(pick(0.5)),
        ms(pick(0.99)),
        ms(times[0]),
        ms(times[times.len() - 1]),
        times.len()
    );
}

fn spec(name: &str, runtime: &str, handler: &str, code: &Path) -> FunctionSpec {
    FunctionSpec {
        function_arn: format!("arn:aws:lambda:us-east-1:123456789012:function:{name}"),
        name: name.into(),
        version: "$LATEST".into(),
        runtime: runtime.into(),
        handler: handler.into(),
        code: CodeLocation::Unpacked(PathBuf::from(code)),
        timeout_seconds: 30,
        memory_mb: 512,
        environment: BTreeMap::new(),
        region: "us-east-1".into(),
        account: "123456789012".into(),
        revision: "1".into(),
        reserved_concurrency: None,
    }
}
