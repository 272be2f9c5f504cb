//! How a [`crate::Runner`] is set up, and which program serves each Lambda runtime.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// The runner's settings.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// Where the runner writes: our bootstraps (`runtime/`) and each instance's writable
    /// temporary directory (`instances/<id>/tmp`, `TMPDIR`). Code directories are never
    /// written. One runner owns it: what an earlier run left under `instances/` is removed.
    pub work_dir: PathBuf,
    /// Given to functions as `AWS_ENDPOINT_URL`, so a handler's AWS SDK client calls
    /// Stepwise (Step Functions callbacks, other functions).
    pub api_endpoint: Option<String>,
    /// The most function instances alive at once, across all functions.
    pub max_instances: usize,
    /// An instance unused for this long is stopped.
    pub idle_timeout: Duration,
    /// Which program runs each runtime.
    pub interpreters: Interpreters,
    /// The credentials functions get (AWS hands functions their role's temporary ones).
    pub credentials: Credentials,
    /// The longest a runtime may take to start (AWS: 10 seconds for on-demand functions);
    /// the invocation's own timeout starts when it is handed to the runtime.
    pub init_timeout: Duration,
}

impl RunnerConfig {
    pub fn new(work_dir: impl Into<PathBuf>) -> RunnerConfig {
        RunnerConfig {
            work_dir: work_dir.into(),
            api_endpoint: None,
            max_instances: 64,
            idle_timeout: Duration::from_secs(300),
            interpreters: Interpreters::default(),
            credentials: Credentials::default(),
            init_timeout: Duration::from_secs(10),
        }
    }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` for functions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
}

impl Default for Credentials {
    /// Dummy credentials: Stepwise accepts any unless `--auth` is on.
    fn default() -> Self {
        Credentials {
            access_key_id: "test".into(),
            secret_access_key: "test".into(),
            session_token: "test".into(),
        }
    }
}

/// What kind of runtime a Lambda runtime identifier names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuntimeKind {
    /// `python3.x`: our bootstrap.py under a Python 3 interpreter.
    Python,
    /// `nodejsN.x`: our bootstrap.cjs under node.
    Node,
    /// `provided`, `provided.al2`, `provided.al2023`: the package's own `bootstrap`.
    Provided,
}

impl RuntimeKind {
    pub fn of(runtime: &str) -> Option<RuntimeKind> {
        if runtime.starts_with("python3.") {
            Some(RuntimeKind::Python)
        } else if runtime.starts_with("nodejs") {
            Some(RuntimeKind::Node)
        } else if matches!(runtime, "provided" | "provided.al2" | "provided.al2023") {
            Some(RuntimeKind::Provided)
        } else {
            None
        }
    }
}

/// The programs that serve runtimes: by default `python3.12` → `python3.12` when it runs
/// here, else `python3`; `nodejsN.x` → `node`. An override names the program for one
/// runtime identifier exactly.
#[derive(Debug, Clone, Default)]
pub struct Interpreters {
    overrides: BTreeMap<String, PathBuf>,
}

impl Interpreters {
    /// Runs `runtime` (e.g. `python3.12`) with `program` (a name on PATH or a path).
    pub fn set(&mut self, runtime: impl Into<String>, program: impl Into<PathBuf>) {
        self.overrides.insert(runtime.into(), program.into());
    }

    /// The programs to try for `runtime`, best first (empty for `provided` runtimes).
    pub fn candidates(&self, runtime: &str) -> Vec<PathBuf> {
        if let Some(p) = self.overrides.get(runtime) {
            return vec![p.clone()];
        }
        match RuntimeKind::of(runtime) {
            Some(RuntimeKind::Python) => vec![PathBuf::from(runtime), PathBuf::from("python3")],
            Some(RuntimeKind::Node) => vec![PathBuf::from("node")],
            Some(RuntimeKind::Provided) | None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtimes_map_to_programs() {
        let mut i = Interpreters::default();
        assert_eq!(
            i.candidates("python3.12"),
            vec![PathBuf::from("python3.12"), PathBuf::from("python3")]
        );
        assert_eq!(i.candidates("nodejs20.x"), vec![PathBuf::from("node")]);
        assert!(i.candidates("provided.al2023").is_empty());
        i.set("python3.12", "/opt/py/bin/python");
        assert_eq!(i.candidates("python3.12"), vec![PathBuf::from("/opt/py/bin/python")]);
        assert_eq!(RuntimeKind::of("java21"), None);
        assert_eq!(RuntimeKind::of("provided"), Some(RuntimeKind::Provided));
    }
}
