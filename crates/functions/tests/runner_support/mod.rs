//! Shared by the runner's end-to-end tests: scratch directories, function packages and
//! specs. Every test runs real python3 / node processes.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use functions::{CodeLocation, FunctionSpec, InvokeOutcome, InvokeRequest, Runner, RunnerConfig};

/// A directory removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(tag: &str) -> Scratch {
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "stepwise-fn-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A code directory holding `files`.
pub fn package(files: &[(&str, &str)]) -> Scratch {
    let dir = Scratch::new("code");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    dir
}

pub fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

pub fn spec(name: &str, runtime: &str, handler: &str, code: &Path) -> FunctionSpec {
    FunctionSpec {
        function_arn: format!("arn:aws:lambda:eu-west-1:123456789012:function:{name}"),
        name: name.into(),
        version: "$LATEST".into(),
        runtime: runtime.into(),
        handler: handler.into(),
        code: CodeLocation::Unpacked(code.to_path_buf()),
        timeout_seconds: 30,
        memory_mb: 128,
        environment: BTreeMap::new(),
        region: "eu-west-1".into(),
        account: "123456789012".into(),
        revision: "r1".into(),
        reserved_concurrency: None,
    }
}

pub struct Setup {
    pub runner: Arc<Runner>,
    pub work: Scratch,
}

pub fn runner() -> Setup {
    runner_with(|_| {})
}

pub fn runner_with(f: impl FnOnce(&mut RunnerConfig)) -> Setup {
    let work = Scratch::new("work");
    let mut config = RunnerConfig::new(work.path());
    config.idle_timeout = Duration::from_secs(60);
    f(&mut config);
    Setup {
        runner: Runner::new(config),
        work,
    }
}

pub async fn invoke(runner: &Runner, spec: &FunctionSpec, payload: &str) -> InvokeOutcome {
    runner
        .invoke(
            spec,
            InvokeRequest {
                payload: payload.as_bytes().to_vec(),
                log_tail: true,
                ..Default::default()
            },
        )
        .await
        .expect("the invocation runs")
}

pub fn json(outcome: &InvokeOutcome) -> serde_json::Value {
    serde_json::from_slice(&outcome.payload).unwrap_or_else(|e| {
        panic!(
            "payload is not JSON ({e}): {}",
            String::from_utf8_lossy(&outcome.payload)
        )
    })
}
