//! One invocation on one instance: hand it to the runtime, wait for its answer, its exit,
//! its deadline or its memory limit, and write START / END / REPORT around its output.

use std::time::{Duration, Instant};

use bytes::Bytes;

use super::Instance;
use super::output::peak_rss;
use crate::documents;
use crate::runtime_api::{ApiEvent, Invocation};

/// How long the runner waits for a function's last output after its answer.
const SETTLE_LIMIT: Duration = Duration::from_secs(1);
/// How often the memory of a running invocation is checked. `VmHWM` is the peak, so a
/// spike between two checks is still seen at the next one.
const MEMORY_CHECK: Duration = Duration::from_millis(100);

/// How an invocation ended.
#[derive(Debug)]
pub struct Finished {
    pub payload: Vec<u8>,
    /// The runtime or Lambda reported an error (`X-Amz-Function-Error: Unhandled`).
    pub error: bool,
    /// The instance can take another invocation.
    pub reusable: bool,
    pub log_tail: Option<String>,
    /// The invocation never reached the runtime (its process had ended): run it elsewhere.
    pub retry: bool,
}

enum End {
    Response(Bytes),
    TooLarge,
    Error(Bytes),
    InitError(Bytes),
    Exited(Option<std::process::ExitStatus>),
    TimedOut,
    OutOfMemory,
    Gone,
}

/// What the invocation needs besides the instance.
pub struct Call<'a> {
    pub request_id: &'a str,
    pub version: &'a str,
    pub memory_mb: u32,
    pub timeout: Duration,
    pub init_timeout: Duration,
    pub invocation: Invocation,
    pub log_tail: bool,
}

impl Instance {
    /// Waits for the init phase to end (pre-warming); false when the runtime failed or
    /// took longer than `limit`.
    pub async fn wait_ready(&mut self, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        while !self.initialized {
            tokio::select! {
                biased;
                event = self.api.event() => match event {
                    Some(ApiEvent::Ready) => {
                        self.initialized = true;
                        self.init_duration = Some(self.spawned.elapsed());
                    }
                    Some(ApiEvent::InitError { .. }) | None => return false,
                    Some(_) => {}
                },
                _ = self.child.wait() => {
                    self.pid = None;
                    return false;
                }
                _ = tokio::time::sleep_until(deadline) => return false,
            }
        }
        true
    }

    pub async fn invoke(&mut self, call: Call<'_>) -> Finished {
        let id = call.request_id;
        self.log.keep_tail(call.log_tail);
        let was_warm = self.initialized;
        let submitted = Instant::now();
        let mut started: Option<Instant> = None;
        let end = if self.api.submit(call.invocation.clone()).await.is_err() {
            End::Gone
        } else {
            self.wait(&call, submitted, &mut started).await
        };
        let finished_at = Instant::now();
        if started.is_none() {
            // A warm runtime that ended before taking the invocation never ran it: the
            // runner gives it to another instance (Lambda only hands invocations to a
            // runtime waiting in `next`).
            if was_warm && matches!(end, End::Exited(_) | End::Gone) {
                let status = match end {
                    End::Exited(status) => {
                        self.pid = None;
                        status
                    }
                    _ => None,
                };
                self.log.finish();
                return Finished {
                    // What the caller gets if no other instance can take it either.
                    payload: documents::exited(id, status),
                    error: true,
                    reusable: false,
                    log_tail: None,
                    retry: true,
                };
            }
            // It failed in its init phase: START comes after the init's own output.
            self.log.begin(id);
            self.log.line(&super::start_line(id, call.version));
        }
        let limit = u64::from(call.memory_mb) * 1024 * 1024;
        let peak = self.pid.and_then(peak_rss);
        // A process past its memory size is stopped even when it managed to answer, so
        // the outcome does not depend on when the last check ran.
        let end = match end {
            End::Response(_) | End::Error(_) | End::TooLarge if peak.is_some_and(|p| p > limit) => End::OutOfMemory,
            other => other,
        };
        let (payload, error, reusable) = match end {
            End::Response(body) => (body.to_vec(), false, true),
            End::TooLarge => (documents::response_too_large(), true, true),
            End::Error(body) => (body.to_vec(), true, true),
            End::InitError(body) => (body.to_vec(), true, false),
            End::Exited(status) => {
                self.pid = None;
                let text = format!(
                    "RequestId: {id} Error: Runtime exited with error: {}",
                    documents::exit_text(status)
                );
                self.log.line(&text);
                self.log.line("Runtime.ExitError");
                (documents::exited(id, status), true, false)
            }
            End::TimedOut => {
                self.kill();
                self.log.line(&format!(
                    "{} {id} {}",
                    iso_now(),
                    documents::timed_out_text(call.timeout)
                ));
                (documents::timed_out(id, call.timeout), true, false)
            }
            End::OutOfMemory => {
                self.kill();
                self.log.line(&format!(
                    "RequestId: {id} Error: Runtime exited with error: signal: killed"
                ));
                self.log.line("Runtime.OutOfMemory");
                (documents::out_of_memory(id), true, false)
            }
            End::Gone => {
                self.kill();
                (documents::exited(id, None), true, false)
            }
        };
        self.output.settle(SETTLE_LIMIT).await;
        let duration = finished_at.duration_since(started.unwrap_or(submitted));
        let ms = duration.as_secs_f64() * 1000.0;
        let used_mb = peak.map(|p| p.div_ceil(1024 * 1024)).unwrap_or(0);
        let mut report = format!(
            "REPORT RequestId: {id}\tDuration: {ms:.2} ms\tBilled Duration: {} ms\tMemory Size: {} MB\tMax Memory Used: {used_mb} MB",
            (ms.ceil() as u64).max(1),
            call.memory_mb
        );
        if let Some(init) = self.init_duration.take() {
            report.push_str(&format!("\tInit Duration: {:.2} ms", init.as_secs_f64() * 1000.0));
        }
        if !reusable && error {
            let status = if payload.starts_with(br#"{"errorType":"Sandbox.Timedout""#) {
                "timeout"
            } else {
                "error"
            };
            report.push_str(&format!("\tStatus: {status}"));
        }
        self.log.line(&format!("END RequestId: {id}"));
        self.log.line(&report);
        self.last_used = Instant::now();
        Finished {
            payload,
            error,
            reusable,
            log_tail: self.log.finish(),
            retry: false,
        }
    }

    async fn wait(&mut self, call: &Call<'_>, submitted: Instant, started: &mut Option<Instant>) -> End {
        let mut memory = tokio::time::interval_at(tokio::time::Instant::now() + MEMORY_CHECK, MEMORY_CHECK);
        let limit = u64::from(call.memory_mb) * 1024 * 1024;
        loop {
            // Before the runtime takes the invocation, the clock is the init phase's (a warm
            // runtime takes it at once); after, the function's timeout.
            let deadline = match *started {
                Some(at) => at + call.timeout,
                None if !self.initialized => (self.spawned + call.init_timeout).max(submitted) + call.timeout,
                None => submitted + call.timeout,
            };
            tokio::select! {
                // The runtime's reports first: an init error is posted before the exit.
                biased;
                event = self.api.event() => match event {
                    Some(ApiEvent::Ready) => {
                        if !self.initialized {
                            self.initialized = true;
                            self.init_duration = Some(self.spawned.elapsed());
                        }
                    }
                    Some(ApiEvent::Started { request_id, at }) if request_id == call.request_id => {
                        *started = Some(at);
                    }
                    Some(ApiEvent::Started { .. }) => {}
                    Some(ApiEvent::Response { request_id, body }) if request_id == call.request_id => {
                        return End::Response(body);
                    }
                    Some(ApiEvent::ResponseTooLarge { request_id, .. }) if request_id == call.request_id => {
                        return End::TooLarge;
                    }
                    Some(ApiEvent::Error { request_id, body, .. }) if request_id == call.request_id => {
                        return End::Error(body);
                    }
                    Some(ApiEvent::InitError { body, .. }) => return End::InitError(body),
                    Some(_) => {}
                    None => return End::Gone,
                },
                status = self.child.wait() => {
                    return End::Exited(status.ok());
                }
                _ = tokio::time::sleep_until(deadline.into()) => return End::TimedOut,
                _ = memory.tick() => {
                    if self.pid.and_then(peak_rss).is_some_and(|p| p > limit) {
                        return End::OutOfMemory;
                    }
                }
            }
        }
    }
}

fn iso_now() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        now.year(),
        now.month() as u8,
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        now.millisecond()
    )
}
