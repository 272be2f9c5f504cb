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
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_stepwise"));
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
