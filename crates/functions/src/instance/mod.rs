//! One function instance: a process, its Runtime API listener, its output, its temporary
//! directory. It runs one invocation at a time ([`invoke`]) and is killed — with its whole
//! process group — when dropped.

mod invoke;
mod output;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::process::Child;

use crate::config::{Credentials, RuntimeKind};
use crate::launch::Launch;
use crate::logs::LogStore;
use crate::runtime_api::{RuntimeApi, StartHook};
use crate::spec::{CodeLocation, FunctionSpec};

pub use invoke::Call;
pub use output::InstanceLog;
use output::Output;

/// What starting an instance needs from the runner.
pub struct Start<'a> {
    pub id: u64,
    pub kind: RuntimeKind,
    pub program: Option<&'a Path>,
    pub runtime_dir: &'a Path,
    pub instances_dir: &'a Path,
    pub api_endpoint: Option<&'a str>,
    pub credentials: &'a Credentials,
    pub logs: Arc<LogStore>,
}

/// Why an instance could not start.
#[derive(Debug)]
pub enum StartError {
    /// The runner could not set it up (a listener, a directory, a pipe).
    Setup(String),
    /// The process could not be started: AWS's `Runtime.InvalidEntrypoint`, with this
    /// detail (`Couldn't find valid bootstrap(s): […]`, `fork/exec …: permission denied`).
    Entrypoint(String),
}

pub struct Instance {
    pub id: u64,
    child: Child,
    pid: Option<u32>,
    api: RuntimeApi,
    output: Output,
    log: Arc<InstanceLog>,
    dir: PathBuf,
    spawned: Instant,
    /// The init phase is over (the runtime asked for its first invocation).
    initialized: bool,
    /// The init phase's length, reported on the first invocation's REPORT line.
    init_duration: Option<Duration>,
    pub last_used: Instant,
}

impl Instance {
    /// Starts the process; its init phase runs while the first invocation waits.
    pub async fn start(spec: &FunctionSpec, start: Start<'_>) -> Result<Instance, StartError> {
        let code_dir = match &spec.code {
            CodeLocation::Unpacked(p) | CodeLocation::HotReload(p) => p.clone(),
        };
        if !code_dir.is_dir() {
            return Err(StartError::Setup(format!(
                "The function's code directory {} does not exist.",
                code_dir.display()
            )));
        }
        if start.kind == RuntimeKind::Provided && !code_dir.join("bootstrap").is_file() {
            return Err(StartError::Entrypoint(format!(
                "Couldn't find valid bootstrap(s): [{}]",
                code_dir.join("bootstrap").display()
            )));
        }
        let setup = |e: std::io::Error| StartError::Setup(e.to_string());
        let dir = start.instances_dir.join(start.id.to_string());
        let tmp_dir = dir.join("tmp");
        std::fs::create_dir_all(&tmp_dir).map_err(setup)?;
        let log_stream = log_stream_name(&spec.version);
        let log = Arc::new(InstanceLog::new(
            spec.function_arn.clone(),
            log_stream.clone(),
            start.logs.clone(),
        ));
        let on_start: StartHook = {
            let log = log.clone();
            let version = spec.version.clone();
            Arc::new(move |id: &str| {
                log.begin(id);
                log.line(&start_line(id, &version));
            })
        };
        let api = RuntimeApi::start(Some(on_start)).await.map_err(setup)?;
        let (output, child_end) = Output::open(log.clone()).map_err(setup)?;
        let endpoint = api.endpoint();
        let launch = Launch {
            spec,
            kind: start.kind,
            program: start.program,
            code_dir: &code_dir,
            runtime_dir: start.runtime_dir,
            tmp_dir: &tmp_dir,
            runtime_api: &endpoint,
            log_stream: &log_stream,
            api_endpoint: start.api_endpoint,
            credentials: start.credentials,
            output: &child_end,
        };
        let spawned = Instant::now();
        let child = launch.command().map_err(setup)?.spawn().map_err(|e| {
            let _ = std::fs::remove_dir_all(&dir);
            let (program, _) = launch.argv();
            StartError::Entrypoint(format!(
                "fork/exec {}: {}",
                Path::new(&program).display(),
                describe_spawn_error(&e)
            ))
        })?;
        drop(child_end);
        let pid = child.id();
        tracing::debug!(function = %spec.function_arn, instance = start.id, pid, "instance started");
        Ok(Instance {
            id: start.id,
            child,
            pid,
            api,
            output,
            log,
            dir,
            spawned,
            initialized: false,
            init_duration: None,
            last_used: Instant::now(),
        })
    }

    /// The process ended while idle (a runtime that exits after reporting an error, a
    /// crash from a timer): such an instance must not take the next invocation.
    pub fn exited(&mut self) -> bool {
        match self.child.try_wait() {
            Ok(None) => false,
            Ok(Some(_)) | Err(_) => {
                self.pid = None;
                true
            }
        }
    }

    /// Kills the process group now (the drop does it too).
    pub fn kill(&mut self) {
        if let Some(pid) = self.pid.take() {
            if let Some(pgid) = rustix::process::Pid::from_raw(pid as i32) {
                let _ = rustix::process::kill_process_group(pgid, rustix::process::Signal::KILL);
            }
            let _ = self.child.start_kill();
        }
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `START RequestId: <id> Version: $LATEST`.
pub fn start_line(request_id: &str, version: &str) -> String {
    format!("START RequestId: {request_id} Version: {version}")
}

/// `2026/12/01/[$LATEST]` and 32 hex digits, as Lambda names an instance's stream.
fn log_stream_name(version: &str) -> String {
    let date = time::OffsetDateTime::now_utc();
    format!(
        "{:04}/{:02}/{:02}/[{version}]{}",
        date.year(),
        date.month() as u8,
        date.day(),
        uuid::Uuid::new_v4().simple()
    )
}

/// Go's wording, as Lambda reports a bootstrap it cannot start.
fn describe_spawn_error(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_lowercase(),
                None => text,
            }
        }
    }
}
