//! Function logs as Lambda writes them: each function's recent lines in a bounded buffer
//! (what the console and the logs API read), and one invocation's tail for
//! `X-Amz-Log-Type: Tail`.
//!
//! Everything here is bounded: a function that prints 10 MB keeps at most
//! [`FUNCTION_LOG_BYTES`] in its buffer and [`TAIL_BYTES`] in the invocation's tail, and a
//! line longer than [`MAX_LINE_BYTES`] is split (CloudWatch's event limit is 256 KB).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// The most a function's buffer keeps (older lines go first).
pub const FUNCTION_LOG_BYTES: usize = 1 << 20;
/// The most all functions' buffers keep together: past it, the oldest lines of any
/// function go first, so many functions cannot add up to unbounded memory either.
pub const TOTAL_LOG_BYTES: usize = 32 << 20;
/// `X-Amz-Log-Result`: the last 4 KB of the invocation's log.
pub const TAIL_BYTES: usize = 4096;
/// A longer line is cut into pieces of this size.
pub const MAX_LINE_BYTES: usize = 256 * 1024;

/// One line of a function's log, as a log event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// Increases by one per line of this function, so a reader can ask for what is new.
    pub seq: u64,
    /// Milliseconds since the Unix epoch when the line was read.
    pub timestamp_ms: u64,
    /// The instance's log stream (`2026/12/01/[$LATEST]<hex>`).
    pub log_stream: String,
    /// The invocation the line belongs to (from its START to its REPORT), if any.
    pub request_id: Option<String>,
    /// The line without its newline.
    pub message: String,
}

#[derive(Default)]
struct FunctionLog {
    lines: VecDeque<LogLine>,
    bytes: usize,
    next_seq: u64,
}

#[derive(Default)]
struct AllLogs {
    functions: HashMap<String, FunctionLog>,
    bytes: usize,
}

/// The logs of every function, by unqualified function ARN.
pub struct LogStore {
    all: Mutex<AllLogs>,
    total_limit: usize,
}

impl Default for LogStore {
    fn default() -> Self {
        LogStore::with_total_limit(TOTAL_LOG_BYTES)
    }
}

impl LogStore {
    pub fn with_total_limit(total_limit: usize) -> LogStore {
        LogStore {
            all: Mutex::new(AllLogs::default()),
            total_limit,
        }
    }

    pub fn push(
        &self,
        function_arn: &str,
        log_stream: &str,
        request_id: Option<&str>,
        timestamp_ms: u64,
        message: String,
    ) {
        let mut guard = self.all.lock().expect("log store poisoned");
        let all = &mut *guard;
        let size = message.len();
        let log = match all.functions.get_mut(function_arn) {
            Some(log) => log,
            None => all.functions.entry(function_arn.to_string()).or_default(),
        };
        let seq = log.next_seq;
        log.next_seq += 1;
        log.bytes += message.len();
        log.lines.push_back(LogLine {
            seq,
            timestamp_ms,
            log_stream: log_stream.to_string(),
            request_id: request_id.map(str::to_string),
            message,
        });
        let before = log.bytes - size;
        while log.bytes > FUNCTION_LOG_BYTES {
            match log.lines.pop_front() {
                Some(old) => log.bytes -= old.message.len(),
                None => break,
            }
        }
        all.bytes = all.bytes - before + log.bytes;
        while all.bytes > self.total_limit {
            // The function whose oldest line is the oldest of all gives it up.
            let Some(oldest) = all
                .functions
                .iter()
                .filter_map(|(arn, l)| l.lines.front().map(|line| (line.timestamp_ms, arn)))
                .min()
                .map(|(_, arn)| arn.clone())
            else {
                break;
            };
            let log = all.functions.get_mut(&oldest).expect("just found");
            if let Some(old) = log.lines.pop_front() {
                log.bytes -= old.message.len();
                all.bytes -= old.message.len();
            }
        }
    }

    /// The lines kept for a function with `seq >= since`, oldest first.
    pub fn read(&self, function_arn: &str, since: u64) -> Vec<LogLine> {
        let all = self.all.lock().expect("log store poisoned");
        all.functions
            .get(function_arn)
            .map(|log| log.lines.iter().filter(|l| l.seq >= since).cloned().collect())
            .unwrap_or_default()
    }

    /// Forget a function's log (it was deleted).
    pub fn forget(&self, function_arn: &str) {
        let mut all = self.all.lock().expect("log store poisoned");
        if let Some(log) = all.functions.remove(function_arn) {
            all.bytes -= log.bytes;
        }
    }
}

/// The last [`TAIL_BYTES`] of one invocation's log.
#[derive(Debug, Default)]
pub struct Tail {
    text: VecDeque<u8>,
}

impl Tail {
    pub fn push_line(&mut self, line: &str) {
        self.text.extend(line.as_bytes());
        self.text.push_back(b'\n');
        let excess = self.text.len().saturating_sub(TAIL_BYTES);
        self.text.drain(..excess);
    }

    /// The tail as text, starting at a character boundary.
    pub fn into_string(self) -> String {
        let bytes: Vec<u8> = self.text.into();
        let start = bytes.iter().position(|b| (*b as i8) >= -0x40).unwrap_or(bytes.len());
        String::from_utf8_lossy(&bytes[start..]).into_owned()
    }
}

/// Cuts a stream of output into lines, never holding more than [`MAX_LINE_BYTES`] of an
/// unfinished one.
#[derive(Default)]
pub struct LineSplitter {
    partial: Vec<u8>,
}

impl LineSplitter {
    /// Feeds bytes; calls `emit` with each complete (or over-long) line, without newline.
    pub fn feed(&mut self, mut data: &[u8], mut emit: impl FnMut(&[u8])) {
        while !data.is_empty() {
            match data.iter().position(|b| *b == b'\n') {
                Some(i) => {
                    let room = MAX_LINE_BYTES - self.partial.len();
                    let take = i.min(room);
                    self.partial.extend_from_slice(&data[..take]);
                    if take < i {
                        emit(&self.partial);
                        self.partial.clear();
                        data = &data[take..];
                        continue;
                    }
                    emit(&self.partial);
                    self.partial.clear();
                    data = &data[i + 1..];
                }
                None => {
                    let room = MAX_LINE_BYTES - self.partial.len();
                    let take = data.len().min(room);
                    self.partial.extend_from_slice(&data[..take]);
                    data = &data[take..];
                    if self.partial.len() == MAX_LINE_BYTES {
                        emit(&self.partial);
                        self.partial.clear();
                    }
                }
            }
        }
    }

    /// What is left of an unfinished line (at an invocation's end).
    pub fn flush(&mut self, mut emit: impl FnMut(&[u8])) {
        if !self.partial.is_empty() {
            emit(&self.partial);
            self.partial.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(splitter: &mut LineSplitter, data: &[u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        splitter.feed(data, |l| out.push(l.to_vec()));
        out
    }

    #[test]
    fn splits_lines_across_chunks() {
        let mut s = LineSplitter::default();
        assert_eq!(lines(&mut s, b"ab"), Vec::<Vec<u8>>::new());
        assert_eq!(
            lines(&mut s, b"c\nd\n\ne"),
            vec![b"abc".to_vec(), b"d".to_vec(), vec![]]
        );
        let mut rest = Vec::new();
        s.flush(|l| rest.push(l.to_vec()));
        assert_eq!(rest, vec![b"e".to_vec()]);
    }

    #[test]
    fn cuts_an_endless_line() {
        let mut s = LineSplitter::default();
        let big = vec![b'x'; MAX_LINE_BYTES * 2 + 10];
        let out = lines(&mut s, &big);
        assert_eq!(out.len(), 2);
        assert!(out.iter().all(|l| l.len() == MAX_LINE_BYTES));
        assert_eq!(s.partial.len(), 10);
        let out = lines(&mut s, &[b'y'; MAX_LINE_BYTES]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].len(), MAX_LINE_BYTES);
    }

    #[test]
    fn function_log_is_bounded() {
        let store = LogStore::default();
        for i in 0..3000 {
            store.push("arn", "s", None, i, "y".repeat(1000));
        }
        let kept = store.read("arn", 0);
        assert!(kept.len() * 1000 <= FUNCTION_LOG_BYTES);
        assert!(kept.len() > 1000);
        assert_eq!(kept.last().unwrap().seq, 2999);
        assert_eq!(store.read("arn", 2999).len(), 1);
        assert!(store.read("other", 0).is_empty());
    }

    #[test]
    fn all_logs_together_are_bounded_too() {
        let store = LogStore::with_total_limit(10_000);
        for i in 0..100 {
            store.push(&format!("f{}", i % 7), "s", Some("r"), i, "z".repeat(500));
        }
        let kept: usize = (0..7).map(|f| store.read(&format!("f{f}"), 0).len() * 500).sum();
        assert!(kept <= 10_000 && kept > 9_000, "{kept}");
        // The newest lines are the ones kept.
        assert_eq!(store.read("f1", 0).last().unwrap().timestamp_ms, 99);
        assert!(store.read("f0", 0).first().unwrap().timestamp_ms >= 80);
        store.forget("f1");
        assert!(store.read("f1", 0).is_empty());
    }

    #[test]
    fn tail_keeps_the_last_4kb_on_a_char_boundary() {
        let mut t = Tail::default();
        for _ in 0..2000 {
            t.push_line("héllo");
        }
        t.push_line("REPORT");
        let s = t.into_string();
        assert!(s.len() <= TAIL_BYTES);
        assert!(s.len() > TAIL_BYTES - 8);
        assert!(s.ends_with("REPORT\n"));
    }
}
