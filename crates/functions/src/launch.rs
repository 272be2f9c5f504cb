//! Starting a function's process: which program, with what environment, in which group.
//!
//! The environment is built from nothing (`env_clear`): the variables AWS sets, then the
//! function's own, so nothing of the server's environment (its credentials, tokens,
//! settings) reaches a function. Each process leads a process group of its own, so a
//! timeout kills whatever the function started too.

use std::collections::HashMap;
use std::ffi::OsString;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Mutex;

use tokio::process::Command;

use crate::config::{Credentials, Interpreters, RuntimeKind};
use crate::spec::FunctionSpec;

const PYTHON_BOOTSTRAP: &str = include_str!("../bootstrap/bootstrap.py");
const NODE_BOOTSTRAP: &str = include_str!("../bootstrap/bootstrap.cjs");

/// Writes our bootstraps into `dir` (`LAMBDA_RUNTIME_DIR`), leaving files that are already
/// current alone.
pub fn install_bootstraps(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, text) in [("bootstrap.py", PYTHON_BOOTSTRAP), ("bootstrap.cjs", NODE_BOOTSTRAP)] {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
            let tmp = dir.join(format!(".{name}.tmp"));
            std::fs::write(&tmp, text)?;
            std::fs::rename(&tmp, &path)?;
        }
    }
    Ok(())
}

/// Finds the interpreter for a runtime: the first candidate that runs here, as the
/// absolute path of the real executable (so a version-manager shim costs nothing per
/// start). Answers are kept, good or bad.
#[derive(Default)]
pub struct ProgramCache {
    found: Mutex<HashMap<String, Result<PathBuf, String>>>,
}

impl ProgramCache {
    pub async fn resolve(&self, interpreters: &Interpreters, runtime: &str) -> Result<PathBuf, String> {
        if let Some(known) = self.found.lock().expect("program cache poisoned").get(runtime) {
            return known.clone();
        }
        let kind = RuntimeKind::of(runtime);
        let candidates = interpreters.candidates(runtime);
        let mut answer = Err(format!(
            "No interpreter for runtime {runtime} is installed here (tried {}).",
            candidates
                .iter()
                .map(|c| c.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        for candidate in &candidates {
            let probe = match kind {
                Some(RuntimeKind::Python) => ["-c", "import sys; sys.stdout.write(sys.executable)"],
                Some(RuntimeKind::Node) => ["-e", "process.stdout.write(process.execPath)"],
                _ => break,
            };
            // What a program is does not change while Stepwise runs: probed once a process.
            static PROBED: Mutex<Vec<(PathBuf, Option<PathBuf>)>> = Mutex::new(Vec::new());
            let known = PROBED
                .lock()
                .expect("probe cache poisoned")
                .iter()
                .find(|(c, _)| c == candidate)
                .map(|(_, found)| found.clone());
            let found = match known {
                Some(found) => found,
                None => {
                    let found = probe_program(candidate, probe).await;
                    PROBED
                        .lock()
                        .expect("probe cache poisoned")
                        .push((candidate.clone(), found.clone()));
                    found
                }
            };
            if let Some(path) = found {
                answer = Ok(path);
                break;
            }
        }
        self.found
            .lock()
            .expect("program cache poisoned")
            .insert(runtime.to_string(), answer.clone());
        answer
    }
}

/// Runs `program probe…`; its output is the real executable's path.
async fn probe_program(candidate: &Path, probe: [&str; 2]) -> Option<PathBuf> {
    let mut cmd = Command::new(candidate);
    cmd.args(probe).env_clear().stdin(Stdio::null()).stderr(Stdio::null());
    for key in ["PATH", "HOME"] {
        if let Some(v) = std::env::var_os(key) {
            cmd.env(key, v);
        }
    }
    match cmd.output().await {
        Ok(out) if out.status.success() && !out.stdout.is_empty() => {
            Some(PathBuf::from(String::from_utf8_lossy(&out.stdout).into_owned()))
        }
        _ => None,
    }
}

/// Everything a process start needs besides the function itself.
pub struct Launch<'a> {
    pub spec: &'a FunctionSpec,
    pub kind: RuntimeKind,
    /// The interpreter (Python, Node.js); unused for `provided`.
    pub program: Option<&'a Path>,
    pub code_dir: &'a Path,
    pub runtime_dir: &'a Path,
    pub tmp_dir: &'a Path,
    pub runtime_api: &'a str,
    pub log_stream: &'a str,
    pub api_endpoint: Option<&'a str>,
    pub credentials: &'a Credentials,
    /// The write end of the instance's log pipe: stdout and stderr both.
    pub output: &'a OwnedFd,
}

impl Launch<'_> {
    /// The program and arguments.
    pub fn argv(&self) -> (OsString, Vec<OsString>) {
        match (self.kind, self.program) {
            // -u: unbuffered output. -B: compiled modules are not written into the code
            // directory (read-only on AWS, where user code is compiled at each cold start
            // too); the interpreter's own cached modules are still read.
            (RuntimeKind::Python, Some(p)) => (
                p.into(),
                vec!["-u".into(), "-B".into(), self.runtime_dir.join("bootstrap.py").into()],
            ),
            // V8's heap sized from the memory size, as AWS's Node.js runtime does, so the
            // garbage collector works within it instead of growing past it.
            (RuntimeKind::Node, Some(p)) => (
                p.into(),
                vec![
                    format!(
                        "--max-old-space-size={}",
                        (u64::from(self.spec.memory_mb) * 9 / 10).max(16)
                    )
                    .into(),
                    self.runtime_dir.join("bootstrap.cjs").into(),
                ],
            ),
            _ => (self.code_dir.join("bootstrap").into(), Vec::new()),
        }
    }

    /// The variables the function sees, in the order they are applied (later wins).
    pub fn environment(&self) -> Vec<(String, String)> {
        let s = self.spec;
        let mut env: Vec<(String, String)> = Vec::new();
        let mut set = |k: &str, v: &str| env.push((k.to_string(), v.to_string()));
        // Defaults a function may change.
        set(
            "PATH",
            &std::env::var("PATH").unwrap_or_else(|_| "/usr/local/bin:/usr/bin:/bin".into()),
        );
        set("LANG", "en_US.UTF-8");
        set("TZ", ":UTC");
        set("TMPDIR", &self.tmp_dir.to_string_lossy());
        if let Some(url) = self.api_endpoint {
            set("AWS_ENDPOINT_URL", url);
        }
        set("AWS_ACCESS_KEY_ID", &self.credentials.access_key_id);
        set("AWS_SECRET_ACCESS_KEY", &self.credentials.secret_access_key);
        set("AWS_SESSION_TOKEN", &self.credentials.session_token);
        for (k, v) in &s.environment {
            set(k, v);
        }
        // What AWS reserves: a function's own variables cannot change these.
        set("AWS_LAMBDA_FUNCTION_NAME", &s.name);
        set("AWS_LAMBDA_FUNCTION_VERSION", &s.version);
        set("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", &s.memory_mb.to_string());
        set("AWS_LAMBDA_LOG_GROUP_NAME", &format!("/aws/lambda/{}", s.name));
        set("AWS_LAMBDA_LOG_STREAM_NAME", self.log_stream);
        set("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        set("AWS_REGION", &s.region);
        set("AWS_DEFAULT_REGION", &s.region);
        set("_HANDLER", &s.handler);
        set("LAMBDA_TASK_ROOT", &self.code_dir.to_string_lossy());
        set("LAMBDA_RUNTIME_DIR", &self.runtime_dir.to_string_lossy());
        set("AWS_LAMBDA_RUNTIME_API", self.runtime_api);
        if self.kind != RuntimeKind::Provided {
            set("AWS_EXECUTION_ENV", &format!("AWS_Lambda_{}", s.runtime));
        }
        env
    }

    /// The command, ready to spawn.
    pub fn command(&self) -> std::io::Result<Command> {
        let (program, args) = self.argv();
        let mut cmd = Command::new(program);
        cmd.args(args)
            .env_clear()
            .envs(self.environment())
            .current_dir(self.code_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::from(self.output.try_clone()?))
            .stderr(Stdio::from(self.output.try_clone()?))
            .process_group(0)
            .kill_on_drop(true);
        Ok(cmd)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::spec::CodeLocation;

    fn spec() -> FunctionSpec {
        FunctionSpec {
            function_arn: "arn:aws:lambda:eu-west-1:123456789012:function:f".into(),
            name: "f".into(),
            version: "$LATEST".into(),
            runtime: "python3.12".into(),
            handler: "app.handler".into(),
            code: CodeLocation::Unpacked("/code".into()),
            timeout_seconds: 3,
            memory_mb: 256,
            environment: BTreeMap::from([
                ("STAGE".to_string(), "test".to_string()),
                ("AWS_LAMBDA_FUNCTION_NAME".to_string(), "spoofed".to_string()),
                ("TZ".to_string(), "Europe/Paris".to_string()),
            ]),
            region: "eu-west-1".into(),
            account: "123456789012".into(),
            revision: "r1".into(),
            reserved_concurrency: None,
        }
    }

    #[test]
    fn environment_is_aws_s_plus_the_function_s() {
        let (r, _w) = rustix::pipe::pipe().unwrap();
        let spec = spec();
        let creds = Credentials::default();
        let launch = Launch {
            spec: &spec,
            kind: RuntimeKind::Python,
            program: Some(Path::new("/usr/bin/python3")),
            code_dir: Path::new("/code"),
            runtime_dir: Path::new("/rt"),
            tmp_dir: Path::new("/tmp/i1"),
            runtime_api: "127.0.0.1:9001",
            log_stream: "2026/12/01/[$LATEST]abc",
            api_endpoint: Some("http://127.0.0.1:8083"),
            credentials: &creds,
            output: &r,
        };
        let env: BTreeMap<String, String> = launch.environment().into_iter().collect();
        assert_eq!(env["AWS_LAMBDA_FUNCTION_NAME"], "f");
        assert_eq!(env["STAGE"], "test");
        assert_eq!(env["TZ"], "Europe/Paris");
        assert_eq!(env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "256");
        assert_eq!(env["AWS_LAMBDA_LOG_GROUP_NAME"], "/aws/lambda/f");
        assert_eq!(env["AWS_ENDPOINT_URL"], "http://127.0.0.1:8083");
        assert_eq!(env["AWS_EXECUTION_ENV"], "AWS_Lambda_python3.12");
        assert_eq!(env["AWS_LAMBDA_RUNTIME_API"], "127.0.0.1:9001");
        assert_eq!(env["_HANDLER"], "app.handler");
        assert!(!env.contains_key("HOME"));
        let (program, args) = launch.argv();
        assert_eq!(program, "/usr/bin/python3");
        assert_eq!(
            args,
            vec![
                OsString::from("-u"),
                OsString::from("-B"),
                OsString::from("/rt/bootstrap.py")
            ]
        );
    }

    #[test]
    fn bootstraps_are_written_once() {
        let dir = std::env::temp_dir().join(format!("sw-bootstrap-{}", std::process::id()));
        install_bootstraps(&dir).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join("bootstrap.py")).unwrap(),
            PYTHON_BOOTSTRAP
        );
        install_bootstraps(&dir).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join("bootstrap.cjs")).unwrap(),
            NODE_BOOTSTRAP
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
