//! An instance's output: one pipe for stdout and stderr (AWS puts both in one log stream),
//! read into lines, and a marker that says when everything written before it was read.
//!
//! The runner keeps a copy of the pipe's write end. At the end of an invocation it writes
//! a marker line; pipes keep order, so once the reader meets the marker, every line the
//! function wrote before it answered is in the log — START, the function's lines, END and
//! REPORT come out in that order without guessing how long to wait.

use std::io::Write;
use std::os::fd::OwnedFd;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::io::AsyncReadExt;
use tokio::net::unix::pipe;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::logs::{LineSplitter, LogStore, Tail};

/// The marker's bytes: a NUL and an ESC make it unlike anything a function prints.
const MARKER: &[u8] = b"\x00\x1bstepwise-log-mark\n";

/// Where an instance's lines go: the function's log (each line with the invocation in
/// progress, if any), and the tail of that invocation when one was asked for.
pub struct InstanceLog {
    pub function_arn: String,
    pub log_stream: String,
    store: Arc<LogStore>,
    current: Mutex<Current>,
}

#[derive(Default)]
struct Current {
    request_id: Option<String>,
    tail: Option<Tail>,
}

impl InstanceLog {
    pub fn new(function_arn: String, log_stream: String, store: Arc<LogStore>) -> InstanceLog {
        InstanceLog {
            function_arn,
            log_stream,
            store,
            current: Mutex::new(Current::default()),
        }
    }

    pub fn line(&self, text: &str) {
        let mut current = self.current.lock().expect("instance log poisoned");
        if let Some(tail) = current.tail.as_mut() {
            tail.push_line(text);
        }
        self.store.push(
            &self.function_arn,
            &self.log_stream,
            current.request_id.as_deref(),
            now_ms(),
            text.to_string(),
        );
    }

    /// Starts (or stops, with `false`) keeping the next invocation's tail.
    pub fn keep_tail(&self, keep: bool) {
        self.current.lock().expect("instance log poisoned").tail = keep.then(Tail::default);
    }

    /// Lines from now on belong to this invocation.
    pub fn begin(&self, request_id: &str) {
        self.current.lock().expect("instance log poisoned").request_id = Some(request_id.to_string());
    }

    /// The invocation's log is complete: its tail, when it was kept.
    pub fn finish(&self) -> Option<String> {
        let mut current = self.current.lock().expect("instance log poisoned");
        current.request_id = None;
        current.tail.take().map(Tail::into_string)
    }
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// The runner's side of the pipe.
pub struct Output {
    writer: Arc<std::fs::File>,
    marks: mpsc::UnboundedReceiver<()>,
    reader: JoinHandle<()>,
}

impl Output {
    /// Makes the pipe; returns the runner's side and the write end for the child.
    pub fn open(log: Arc<InstanceLog>) -> std::io::Result<(Output, OwnedFd)> {
        let (read, write) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)?;
        let receiver = pipe::Receiver::from_owned_fd(read)?;
        let child_end = write.try_clone()?;
        let (tx, marks) = mpsc::unbounded_channel();
        let reader = tokio::spawn(read_lines(receiver, log, tx));
        Ok((
            Output {
                writer: Arc::new(std::fs::File::from(write)),
                marks,
                reader,
            },
            child_end,
        ))
    }

    /// Waits until everything written so far was read (at most `limit`: a function that
    /// keeps printing after it answered must not hold the answer up).
    pub async fn settle(&mut self, limit: Duration) {
        let writer = self.writer.clone();
        // A marker is shorter than PIPE_BUF, so it is written whole; the write blocks only
        // while the pipe is full, which the reader drains.
        let written = tokio::task::spawn_blocking(move || (&*writer).write_all(MARKER)).await;
        if !matches!(written, Ok(Ok(()))) {
            return;
        }
        let _ = tokio::time::timeout(limit, self.marks.recv()).await;
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

async fn read_lines(mut pipe: pipe::Receiver, log: Arc<InstanceLog>, marks: mpsc::UnboundedSender<()>) {
    let mut splitter = LineSplitter::default();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match pipe.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        splitter.feed(&buf[..n], |line| {
            let marker = &MARKER[..MARKER.len() - 1];
            if let Some(before) = line.strip_suffix(marker) {
                if !before.is_empty() {
                    log.line(&String::from_utf8_lossy(before));
                }
                let _ = marks.send(());
            } else {
                log.line(&String::from_utf8_lossy(line));
            }
        });
    }
    splitter.flush(|line| log.line(&String::from_utf8_lossy(line)));
}

/// The process's peak resident memory (`VmHWM`), in bytes.
pub fn peak_rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
