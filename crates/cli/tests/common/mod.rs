//! What the end-to-end tests of `stepwise serve` share: a server process on a free port,
//! the example files, and scratch directories.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";

pub fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/orders")
}

/// A fresh, empty directory for one test (`suite` keeps test files apart).
pub fn temp_dir(suite: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stepwise-{suite}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn sm_arn(name: &str) -> String {
    format!("arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{name}")
}

/// A `stepwise serve` process on a free port, killed when dropped.
pub struct Server {
    child: Child,
    pub endpoint: String,
}

impl Server {
    pub fn start(data_dir: &Path, mock_config: Option<&Path>) -> Server {
        Self::start_with(data_dir, mock_config, &[])
    }

    pub fn start_with(data_dir: &Path, mock_config: Option<&Path>, extra: &[&str]) -> Server {
        Self::start_wrapped(&[], data_dir, mock_config, extra)
    }

    /// Like [`Server::start_with`], run through `wrapper` (a command that ends by exec'ing
    /// its arguments, so the process is still the server's).
    pub fn start_wrapped(wrapper: &[&str], data_dir: &Path, mock_config: Option<&Path>, extra: &[&str]) -> Server {
        let mut cmd = match wrapper.split_first() {
            Some((first, rest)) => {
                let mut c = Command::new(first);
                c.args(rest).arg(env!("CARGO_BIN_EXE_stepwise"));
                c
            }
            None => Command::new(env!("CARGO_BIN_EXE_stepwise")),
        };
        cmd.args(["serve", "--address", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir);
        if let Some(m) = mock_config {
            cmd.arg("--mock-config").arg(m);
        }
        cmd.args(extra);
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start stepwise serve");
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let endpoint = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_string();
        Server { child, endpoint }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM, then waits (at most `within`) for the process to exit; its exit status.
    pub fn terminate(mut self, within: std::time::Duration) -> std::process::ExitStatus {
        let ok = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
        let deadline = std::time::Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the server did not exit within {within:?} of SIGTERM"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// A server under `dir/data` that requires SigV4 from the one key in `dir/credentials`
    /// (`AKIDSTEPWISE` / `s3cr3t`).
    pub fn start_with_auth(dir: &Path) -> Server {
        let creds = dir.join("credentials");
        std::fs::write(
            &creds,
            "[default]\naws_access_key_id = AKIDSTEPWISE\naws_secret_access_key = s3cr3t\n",
        )
        .unwrap();
        Self::start_with(
            &dir.join("data"),
            None,
            &["--auth", "--credentials-file", creds.to_str().unwrap()],
        )
    }

    /// SIGKILL: no chance to flush or clean up.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `stepwise serve` on `data_dir` that must refuse to start: its exit status and stderr.
pub fn refused_start(data_dir: &Path, wrapper: &[&str]) -> (std::process::ExitStatus, String) {
    let mut cmd = match wrapper.split_first() {
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg(env!("CARGO_BIN_EXE_stepwise"));
            c
        }
        None => Command::new(env!("CARGO_BIN_EXE_stepwise")),
    };
    let mut child = cmd
        .args(["serve", "--address", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server started on {} instead of refusing", data_dir.display());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (out.status, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// One request on a connection of its own, in AWS JSON 1.0: (HTTP status, JSON body).
pub fn call(endpoint: &str, action: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
    use std::io::Write;
    let mut s = connect(endpoint);
    let body = body.to_string();
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n\
         X-Amz-Target: AWSStepFunctions.{action}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let (status, _, body) = read_response(&mut s).expect("a response");
    (status, serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null))
}

pub fn connect(endpoint: &str) -> std::net::TcpStream {
    let addr = endpoint.trim_start_matches("http://");
    let s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
    s
}

/// Reads one HTTP/1.1 response (Content-Length framed): status, head, body. `None` when
/// the connection closed before a whole one arrived.
pub fn read_response(s: &mut std::net::TcpStream) -> Option<(u16, String, Vec<u8>)> {
    use std::io::Read;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            let len: usize = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                let status = head.split_whitespace().nth(1)?.parse().ok()?;
                return Some((status, head, buf[end + 4..end + 4 + len].to_vec()));
            }
        }
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Waits for the peer to close `s` (EOF or reset); how long that took.
pub fn time_to_close(s: &mut std::net::TcpStream, at_most: std::time::Duration) -> std::time::Duration {
    use std::io::Read;
    let start = std::time::Instant::now();
    s.set_read_timeout(Some(at_most)).unwrap();
    let mut chunk = [0u8; 1024];
    loop {
        match s.read(&mut chunk) {
            Ok(0) => return start.elapsed(),
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                panic!("the connection was still open after {at_most:?}")
            }
            Err(_) => return start.elapsed(),
        }
    }
}

impl Server {
    /// Runs the real `aws SERVICE ARGS` against this server, signing with `keys`: (exit code,
    /// parsed stdout — `Null` when empty — or the stderr text when it failed).
    #[allow(dead_code)] // not every test binary drives the CLI
    pub fn aws_cli(&self, service: &str, (key, secret): (&str, &str), args: &[&str]) -> (i32, serde_json::Value) {
        let out = Command::new("aws")
            .arg(service)
            .args(args)
            .args(["--endpoint-url", &self.endpoint, "--region", REGION, "--output", "json"])
            .env("AWS_ACCESS_KEY_ID", key)
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env("AWS_CONFIG_FILE", "/nonexistent")
            // StartSyncExecution's model asks for a `sync-` host prefix, which cannot resolve
            // for an IP endpoint; this is how local endpoints are used.
            .env("AWS_DISABLE_HOST_PREFIX_INJECTION", "true")
            .env("AWS_MAX_ATTEMPTS", "1")
            .env("AWS_PAGER", "")
            .output()
            .expect("the aws CLI must be installed (scripts/test.sh installs it in .venv)");
        let code = out.status.code().unwrap_or(-1);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let v = if code != 0 {
            serde_json::Value::String(String::from_utf8_lossy(&out.stderr).into_owned())
        } else if stdout.trim().is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&stdout).expect("JSON")
        };
        (code, v)
    }
}
