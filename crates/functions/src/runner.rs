//! The runner: invokes a function version on a warm instance, or starts one.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use base64::Engine;
use bytes::Bytes;
use tokio::sync::{OnceCell, watch};

use crate::config::{RunnerConfig, RuntimeKind};
use crate::documents;
use crate::instance::{Instance, Start, StartError};
use crate::logs::{LogLine, LogStore};
use crate::pool::{Acquired, PoolKey, PoolStats, Pools, Refused};
use crate::runtime_api::Invocation;
use crate::spec::{FunctionError, FunctionSpec, InvokeError, InvokeOutcome, InvokeRequest};

use crate::launch::{ProgramCache, install_bootstraps};

pub struct Runner {
    config: RunnerConfig,
    programs: ProgramCache,
    logs: Arc<LogStore>,
    pools: Mutex<Pools>,
    next_id: AtomicU64,
    /// Bootstraps written and the reaper started, once, on the first invocation (so
    /// `new` needs neither the file system nor a tokio runtime).
    setup: OnceCell<Result<(), String>>,
    stopping: watch::Sender<bool>,
    me: Weak<Runner>,
}

impl Runner {
    pub fn new(config: RunnerConfig) -> Arc<Runner> {
        Arc::new_cyclic(|me| Runner {
            config,
            programs: ProgramCache::default(),
            logs: Arc::new(LogStore::default()),
            pools: Mutex::new(Pools::default()),
            next_id: AtomicU64::new(1),
            setup: OnceCell::new(),
            stopping: watch::Sender::new(false),
            me: me.clone(),
        })
    }

    pub fn config(&self) -> &RunnerConfig {
        &self.config
    }

    fn runtime_dir(&self) -> std::path::PathBuf {
        self.config.work_dir.join("runtime")
    }

    async fn ensure_setup(&self) -> Result<(), InvokeError> {
        let result = self
            .setup
            .get_or_init(|| async {
                // What instances of an earlier run left (a crash, a kill) goes: one runner
                // owns a work directory.
                let _ = std::fs::remove_dir_all(self.config.work_dir.join("instances"));
                install_bootstraps(&self.runtime_dir()).map_err(|e| {
                    format!(
                        "cannot write the function runtimes under {}: {e}",
                        self.config.work_dir.display()
                    )
                })?;
                tokio::spawn(reap(self.me.clone(), self.config.idle_timeout));
                Ok(())
            })
            .await;
        result.clone().map_err(InvokeError::Internal)
    }

    /// The runtime's kind and program (none for `provided`), set up on first use.
    async fn prepare(&self, spec: &FunctionSpec) -> Result<(RuntimeKind, Option<PathBuf>), InvokeError> {
        self.ensure_setup().await?;
        let kind = RuntimeKind::of(&spec.runtime).ok_or_else(|| {
            InvokeError::RuntimeUnavailable(format!(
                "The runtime {} is not supported by this Stepwise server.",
                spec.runtime
            ))
        })?;
        let program = match kind {
            RuntimeKind::Provided => None,
            _ => Some(
                self.programs
                    .resolve(&self.config.interpreters, &spec.runtime)
                    .await
                    .map_err(InvokeError::RuntimeUnavailable)?,
            ),
        };
        Ok((kind, program))
    }

    async fn start_instance(
        &self,
        spec: &FunctionSpec,
        kind: RuntimeKind,
        program: Option<&std::path::Path>,
    ) -> Result<Instance, StartError> {
        let start = Start {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            kind,
            program,
            runtime_dir: &self.runtime_dir(),
            instances_dir: &self.config.work_dir.join("instances"),
            api_endpoint: self.config.api_endpoint.as_deref(),
            credentials: &self.config.credentials,
            logs: self.logs.clone(),
        };
        Instance::start(spec, start).await
    }

    /// Starts instances of `spec` until `count` of its function are alive (within its
    /// reserved concurrency and the global limit), each through its init phase, and keeps
    /// them warm. Returns how many it started.
    pub async fn prewarm(&self, spec: &FunctionSpec, count: usize) -> Result<usize, InvokeError> {
        let (kind, program) = self.prepare(spec).await?;
        let count = count.min(spec.reserved_concurrency.map_or(usize::MAX, |r| r as usize));
        let mut started = 0;
        while self.instances_of(&spec.function_arn) < count {
            let mut dropped = Vec::new();
            let (reserved, generation) = {
                let mut pools = self.pools.lock().expect("pools poisoned");
                let generation = pools.generation(&spec.function_arn);
                (pools.reserve(spec, self.config.max_instances, &mut dropped), generation)
            };
            drop(dropped);
            if reserved.is_err() {
                break;
            }
            let mut lease = Lease {
                runner: self,
                key: PoolKey::of(spec),
                generation,
                instance: None,
            };
            let mut instance = match self.start_instance(spec, kind, program.as_deref()).await {
                Ok(i) => i,
                Err(StartError::Setup(e)) => return Err(InvokeError::Internal(e)),
                Err(StartError::Entrypoint(e)) => return Err(InvokeError::Internal(e)),
            };
            if !instance.wait_ready(self.config.init_timeout).await {
                return Err(InvokeError::Internal(format!(
                    "An instance of {} failed to start.",
                    spec.function_arn
                )));
            }
            instance.last_used = Instant::now();
            lease.instance = Some(instance);
            started += 1;
        }
        Ok(started)
    }

    /// Runs one invocation of `spec`, on a warm instance of its revision when one is idle.
    pub async fn invoke(&self, spec: &FunctionSpec, req: InvokeRequest) -> Result<InvokeOutcome, InvokeError> {
        let (kind, program) = self.prepare(spec).await?;
        let request_id = uuid::Uuid::new_v4().to_string();
        let key = PoolKey::of(spec);
        let invocation = Invocation {
            request_id: request_id.clone(),
            // No payload is the empty object, as Lambda hands it to the function.
            payload: if req.payload.is_empty() {
                Bytes::from_static(b"{}")
            } else {
                Bytes::from(req.payload)
            },
            timeout: Duration::from_secs(u64::from(spec.timeout_seconds.max(1))),
            invoked_function_arn: invoked_arn(spec),
            trace_id: Some(req.trace_id.unwrap_or_else(new_trace_id)),
            client_context: req.client_context.map(|cc| decode_client_context(&cc)),
            cognito_identity: None,
        };
        let mut attempts = 0;
        loop {
            attempts += 1;
            // From here the slot is ours; the lease gives it back however this ends (an
            // invocation whose caller went away drops the instance with it).
            let (mut lease, mut instance) = match self.acquire(spec, &key, kind, program.as_deref()).await? {
                Ok(pair) => pair,
                Err(detail) => {
                    return Ok(InvokeOutcome {
                        payload: documents::invalid_entrypoint(&request_id, &detail),
                        request_id,
                        function_error: Some(FunctionError::Unhandled),
                        log_tail: None,
                        executed_version: spec.version.clone(),
                    });
                }
            };
            let call = crate::instance::Call {
                request_id: &request_id,
                version: &spec.version,
                memory_mb: spec.memory_mb,
                timeout: invocation.timeout,
                init_timeout: self.config.init_timeout,
                invocation: invocation.clone(),
                log_tail: req.log_tail,
            };
            let mut stopping = self.stopping.subscribe();
            let finished = tokio::select! {
                f = instance.invoke(call) => f,
                _ = stopping.wait_for(|s| *s) => {
                    return Err(InvokeError::Internal("The function runner is shutting down.".into()));
                }
            };
            if finished.retry && attempts < 3 {
                continue;
            }
            if finished.reusable {
                lease.instance = Some(instance);
            }
            return Ok(InvokeOutcome {
                request_id,
                payload: finished.payload,
                function_error: finished.error.then_some(FunctionError::Unhandled),
                log_tail: finished.log_tail,
                executed_version: spec.version.clone(),
            });
        }
    }

    /// A busy slot with its instance: a warm one whose process still runs, or a new one.
    /// The inner error is a `provided` package that cannot start (`Runtime.InvalidEntrypoint`).
    async fn acquire(
        &self,
        spec: &FunctionSpec,
        key: &PoolKey,
        kind: RuntimeKind,
        program: Option<&std::path::Path>,
    ) -> Result<Result<(Lease<'_>, Instance), String>, InvokeError> {
        loop {
            let mut dropped = Vec::new();
            let (acquired, generation) = {
                let mut pools = self.pools.lock().expect("pools poisoned");
                let generation = pools.generation(&spec.function_arn);
                let acquired = pools.acquire(spec, self.config.max_instances, &mut dropped);
                (acquired, generation)
            };
            drop(dropped);
            let acquired = match acquired {
                Ok(a) => a,
                Err(Refused::TooMany) => return Err(InvokeError::TooManyRequests),
                Err(Refused::ShuttingDown) => {
                    return Err(InvokeError::Internal("The function runner is shutting down.".into()));
                }
            };
            let lease = Lease {
                runner: self,
                key: key.clone(),
                generation,
                instance: None,
            };
            match acquired {
                // A warm instance whose process ended is dropped with its lease.
                Acquired::Warm(mut i) => {
                    if !i.exited() {
                        return Ok(Ok((lease, *i)));
                    }
                }
                Acquired::Cold => {
                    return match self.start_instance(spec, kind, program).await {
                        Ok(i) => Ok(Ok((lease, i))),
                        Err(StartError::Setup(e)) => Err(InvokeError::Internal(e)),
                        Err(StartError::Entrypoint(detail)) => Ok(Err(detail)),
                    };
                }
            }
        }
    }

    /// Stops every idle instance of a function and keeps none of its busy ones (its code or
    /// configuration changed, or it was deleted).
    pub fn retire(&self, function_arn: &str) {
        let mut dropped = Vec::new();
        self.pools
            .lock()
            .expect("pools poisoned")
            .retire(function_arn, &mut dropped);
        drop(dropped);
    }

    /// Kills every instance, busy ones included, and refuses new invocations.
    pub async fn shutdown(&self) {
        let mut dropped = Vec::new();
        {
            let mut pools = self.pools.lock().expect("pools poisoned");
            pools.shutting_down = true;
            pools.drain(&mut dropped);
        }
        drop(dropped);
        self.stopping.send_replace(true);
        let until = Instant::now() + Duration::from_secs(5);
        while self.stats().alive > 0 && Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// The function's recent log lines (START, its output, END, REPORT), oldest first.
    pub fn logs(&self, function_arn: &str) -> Vec<LogLine> {
        self.logs.read(function_arn, 0)
    }

    /// The lines after the one numbered `seq - 1`: what a reader polling for more asks.
    pub fn logs_since(&self, function_arn: &str, seq: u64) -> Vec<LogLine> {
        self.logs.read(function_arn, seq)
    }

    /// Drops a deleted function's log.
    pub fn forget_logs(&self, function_arn: &str) {
        self.logs.forget(function_arn);
    }

    pub fn stats(&self) -> PoolStats {
        self.pools.lock().expect("pools poisoned").stats()
    }

    /// Instances of one function, idle or busy.
    pub fn instances_of(&self, function_arn: &str) -> usize {
        self.pools
            .lock()
            .expect("pools poisoned")
            .function_instances(function_arn)
    }
}

/// A busy slot: given back to the books on drop, with the instance when it may serve again.
struct Lease<'a> {
    runner: &'a Runner,
    key: PoolKey,
    generation: u64,
    instance: Option<Instance>,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        let mut dropped = Vec::new();
        self.runner.pools.lock().expect("pools poisoned").release(
            &self.key,
            self.generation,
            self.instance.take(),
            &mut dropped,
        );
        drop(dropped);
    }
}

/// The ARN the runtime is told it was invoked as.
fn invoked_arn(spec: &FunctionSpec) -> String {
    if spec.version == "$LATEST" {
        spec.function_arn.clone()
    } else {
        format!("{}:{}", spec.function_arn, spec.version)
    }
}

/// A fresh X-Ray trace header, as Lambda gives every invocation one
/// (`Root=1-<epoch seconds, hex>-<96 random bits, hex>;Sampled=0`).
fn new_trace_id() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!("Root=1-{secs:08x}-{};Sampled=0", &random[..24])
}

/// `X-Amz-Client-Context` is base64; the runtime gets the JSON text.
fn decode_client_context(cc: &str) -> String {
    base64::engine::general_purpose::STANDARD
        .decode(cc)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_else(|| cc.to_string())
}

async fn reap(runner: Weak<Runner>, idle_timeout: Duration) {
    let tick = (idle_timeout / 4).clamp(Duration::from_millis(20), Duration::from_secs(1));
    loop {
        tokio::time::sleep(tick).await;
        let Some(runner) = runner.upgrade() else { return };
        let mut dropped = Vec::new();
        {
            let mut pools = runner.pools.lock().expect("pools poisoned");
            if pools.shutting_down {
                return;
            }
            pools.reap(idle_timeout, Instant::now(), &mut dropped);
        }
        if !dropped.is_empty() {
            tracing::debug!(count = dropped.len(), "idle function instances stopped");
        }
        drop(dropped);
    }
}
