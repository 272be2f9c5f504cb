//! End-to-end tests of what keeps `stepwise serve` up and its data whole, on the real binary:
//! HTTP timeouts and limits, graceful shutdown on SIGTERM, stores it must refuse, and one
//! server per data directory.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Server, call, connect, read_response, refused_start, sm_arn, time_to_close};
use serde_json::{Value, json};

fn temp_dir(name: &str) -> PathBuf {
    common::temp_dir("hardening", name)
}

const ROLE: &str = "arn:aws:iam::123456789012:role/StepFunctionsRole";

fn list_ok(endpoint: &str) {
    let (status, body) = call(endpoint, "ListStateMachines", &json!({}));
    assert_eq!(status, 200, "{body}");
}

#[test]
fn slow_headers_stalled_bodies_and_idle_connections_are_cut_off() {
    let dir = temp_dir("timeouts");
    let server = Server::start_with(
        &dir,
        None,
        &[
            "--header-read-timeout",
            "1",
            "--body-read-timeout",
            "1",
            "--idle-timeout",
            "2.5",
        ],
    );

    // Headers a little at a time: cut off one second after their first byte.
    let mut slow = connect(&server.endpoint);
    slow.write_all(b"POST / HTTP/1.1\r\nHost: x\r\n").unwrap();
    let started = Instant::now();
    // Meanwhile, everyone else is served.
    for _ in 0..3 {
        list_ok(&server.endpoint);
    }
    let _ = slow.write_all(b"X-Amz-Target: AWSStepFunctions.ListStateMachines\r\n");
    let closed = time_to_close(&mut slow, Duration::from_secs(10)) + started.elapsed();
    assert!(
        closed >= Duration::from_millis(800) && closed < Duration::from_millis(2400),
        "slow headers closed after {closed:?}"
    );

    // A connection that sends nothing: the header timeout, counted from the accept.
    let mut silent = connect(&server.endpoint);
    let quiet = time_to_close(&mut silent, Duration::from_secs(10));
    assert!(
        quiet >= Duration::from_millis(800) && quiet < Duration::from_millis(2400),
        "silent connection closed after {quiet:?}"
    );

    // A body that stalls: 408, and the connection closes.
    let mut stalled = connect(&server.endpoint);
    stalled
        .write_all(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n\
              X-Amz-Target: AWSStepFunctions.ListStateMachines\r\nContent-Length: 10\r\n\r\n{\"",
        )
        .unwrap();
    let t = Instant::now();
    let (status, _, body) = read_response(&mut stalled).expect("an answer to the stalled body");
    assert_eq!(status, 408, "{}", String::from_utf8_lossy(&body));
    assert!(t.elapsed() < Duration::from_secs(3));
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["__type"], "com.amazon.coral.service#RequestTimeoutException");

    // A keep-alive connection that goes quiet after a request: closed at the idle timeout,
    // not at the (shorter) header timeout.
    let mut idle = connect(&server.endpoint);
    idle.write_all(
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n\
          X-Amz-Target: AWSStepFunctions.ListStateMachines\r\nContent-Length: 2\r\n\r\n{}",
    )
    .unwrap();
    let (status, head, _) = read_response(&mut idle).expect("a response");
    assert_eq!(status, 200);
    assert!(!head.to_ascii_lowercase().contains("connection: close"), "{head}");
    let quiet = time_to_close(&mut idle, Duration::from_secs(10));
    assert!(
        quiet >= Duration::from_millis(2000) && quiet < Duration::from_millis(4500),
        "idle connection closed after {quiet:?}"
    );
    list_ok(&server.endpoint);
}

#[test]
fn an_oversized_request_gets_aws_413() {
    let dir = temp_dir("oversized");
    let server = Server::start(&dir, None);
    let mut s = connect(&server.endpoint);
    // Declared too large: refused before a byte of the body is read.
    s.write_all(
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n\
          X-Amz-Target: AWSStepFunctions.CreateStateMachine\r\nContent-Length: 1048577\r\n\r\n",
    )
    .unwrap();
    let (status, head, body) = read_response(&mut s).expect("a response");
    assert_eq!(status, 413, "{head}");
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["__type"], "com.amazon.coral.service#RequestEntityTooLargeException");
    assert_eq!(
        v["message"],
        "Request must be smaller than 1048576 bytes for the CreateStateMachine operation"
    );

    // Chunked, with no length up front: refused once the limit is passed.
    let mut s = connect(&server.endpoint);
    s.write_all(
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n\
          X-Amz-Target: AWSStepFunctions.StartExecution\r\nTransfer-Encoding: chunked\r\n\r\n",
    )
    .unwrap();
    let chunk = vec![b' '; 64 * 1024];
    for _ in 0..17 {
        if s.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).is_err()
            || s.write_all(&chunk).is_err()
            || s.write_all(b"\r\n").is_err()
        {
            break;
        }
    }
    let (status, _, _) = read_response(&mut s).expect("a response");
    assert_eq!(status, 413);
    // And the server carries on.
    list_ok(&server.endpoint);
}

fn create(endpoint: &str, name: &str, kind: &str, definition: &Value) -> String {
    let (status, v) = call(
        endpoint,
        "CreateStateMachine",
        &json!({"name": name, "definition": definition.to_string(), "roleArn": ROLE, "type": kind}),
    );
    assert_eq!(status, 200, "{v}");
    v["stateMachineArn"].as_str().unwrap().to_owned()
}

#[test]
fn sigterm_answers_requests_under_way_and_the_restart_resumes_executions() {
    let dir = temp_dir("sigterm");
    let server = Server::start_with(&dir, None, &["--shutdown-timeout", "8"]);
    let endpoint = server.endpoint.clone();
    let wait = |s: u32| {
        json!({"StartAt": "Nap", "States": {
            "Nap": {"Type": "Wait", "Seconds": s, "Next": "Done"},
            "Done": {"Type": "Pass", "Result": {"done": true}, "End": true}}})
    };
    let standard = create(&endpoint, "Napper", "STANDARD", &wait(2));
    let express = create(&endpoint, "QuickNap", "EXPRESS", &wait(2));
    assert_eq!(standard, sm_arn("Napper"));
    let mut executions = Vec::new();
    for i in 0..5 {
        let (status, v) = call(
            &endpoint,
            "StartExecution",
            &json!({"stateMachineArn": standard, "name": format!("nap-{i}"), "input": "{}"}),
        );
        assert_eq!(status, 200, "{v}");
        executions.push(v["executionArn"].as_str().unwrap().to_owned());
    }
    // Requests under way when SIGTERM arrives: synchronous executions that take 2 s.
    let in_flight: Vec<_> = (0..3)
        .map(|_| {
            let endpoint = endpoint.clone();
            let express = express.clone();
            std::thread::spawn(move || call(&endpoint, "StartSyncExecution", &json!({"stateMachineArn": express})))
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let t = Instant::now();
    let status = server.terminate(Duration::from_secs(15));
    assert!(status.success(), "exit status {status:?}");
    assert!(t.elapsed() < Duration::from_secs(8), "shutdown took {:?}", t.elapsed());
    for h in in_flight {
        let (status, v) = h.join().unwrap();
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["status"], "SUCCEEDED", "{v}");
        assert_eq!(v["output"], r#"{"done":true}"#);
    }
    // Gone: new connections are refused.
    assert!(std::net::TcpStream::connect(endpoint.trim_start_matches("http://")).is_err());
    // The store was closed, not abandoned: SQLite checkpoints and removes the WAL only when
    // its last connection closes cleanly.
    assert!(!dir.join("stepwise.db-wal").exists(), "the store was not closed");

    let server = Server::start(&dir, None);
    for arn in &executions {
        let deadline = Instant::now() + Duration::from_secs(20);
        let v = loop {
            let (status, v) = call(&server.endpoint, "DescribeExecution", &json!({"executionArn": arn}));
            assert_eq!(status, 200, "{v}");
            if v["status"] != "RUNNING" || Instant::now() > deadline {
                break v;
            }
            std::thread::sleep(Duration::from_millis(200));
        };
        assert_eq!(v["status"], "SUCCEEDED", "{v}");
        let (_, h) = call(&server.endpoint, "GetExecutionHistory", &json!({"executionArn": arn}));
        let events = h["events"].as_array().unwrap();
        for (i, e) in events.iter().enumerate() {
            assert_eq!(e["id"], json!(i + 1), "{events:#?}");
        }
        assert_eq!(events.last().unwrap()["type"], "ExecutionSucceeded");
    }
}

/// Each file of the data directory with its bytes (the lock file holds a PID, -shm is
/// SQLite's rebuildable index).
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            !n.ends_with("-lock") && !n.ends_with("-shm")
        })
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

fn sizes(files: &[(String, Vec<u8>)]) -> Vec<String> {
    files.iter().map(|(n, b)| format!("{n}: {}", b.len())).collect()
}

/// A data directory holding a few state machines, as a SIGKILL leaves it (WAL and all).
fn killed_with_data(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    let server = Server::start(&dir, None);
    for i in 0..10 {
        create(
            &server.endpoint,
            &format!("m{i}"),
            "STANDARD",
            &json!({"Comment": "x".repeat(2000), "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}),
        );
    }
    server.kill();
    dir
}

fn assert_refused(dir: &Path, wrapper: &[&str], expect: &str) {
    let before = files(dir);
    let (status, stderr) = refused_start(dir, wrapper);
    assert!(!status.success(), "{stderr}");
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(expect), "{stderr}");
    let after = files(dir);
    assert_eq!(sizes(&after), sizes(&before), "the refusal changed the files");
    assert!(after == before, "the refusal changed the files' bytes");
}

#[test]
fn an_empty_database_next_to_its_wal_is_refused() {
    let dir = killed_with_data("zero-db");
    assert!(std::fs::metadata(dir.join("stepwise.db-wal")).unwrap().len() > 0);
    std::fs::write(dir.join("stepwise.db"), b"").unwrap();
    assert_refused(&dir, &[], "is empty (0 bytes) but its write-ahead log");
}

#[test]
fn a_damaged_first_wal_frame_is_refused() {
    let dir = killed_with_data("wal-frame");
    let wal = dir.join("stepwise.db-wal");
    let mut bytes = std::fs::read(&wal).unwrap();
    assert!(bytes.len() > 32 + 24 + 4096, "no frames in the WAL");
    bytes[32 + 24 + 100] ^= 0x5a;
    std::fs::write(&wal, &bytes).unwrap();
    assert_refused(&dir, &[], "its first frame does not check out");
}

#[test]
fn a_malformed_page_is_refused() {
    let dir = temp_dir("garbage-page");
    {
        let server = Server::start(&dir, None);
        for i in 0..10 {
            create(
                &server.endpoint,
                &format!("m{i}"),
                "STANDARD",
                &json!({"Comment": "x".repeat(2000), "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}),
            );
        }
        // A clean stop checkpoints everything into the database file.
        assert!(server.terminate(Duration::from_secs(15)).success());
    }
    let db = dir.join("stepwise.db");
    let mut bytes = std::fs::read(&db).unwrap();
    assert!(bytes.len() >= 3 * 4096);
    for (i, b) in bytes[4096..8192].iter_mut().enumerate() {
        *b = (i * 131 % 253) as u8;
    }
    std::fs::write(&db, &bytes).unwrap();
    assert_refused(&dir, &[], "PRAGMA quick_check");
}

#[test]
fn a_read_only_store_is_refused() {
    let dir = killed_with_data("read-only");
    // Root writes anywhere: run the server as nobody then.
    let root = rustix_is_root();
    let wrapper: &[&str] = if root {
        &["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    } else {
        &[]
    };
    set_mode(&dir, 0o755);
    for f in std::fs::read_dir(&dir).unwrap() {
        set_mode(&f.unwrap().path(), 0o444);
    }
    set_mode(&dir, 0o555);
    if root {
        // nobody must reach the directory.
        set_mode(dir.parent().unwrap(), 0o1777);
    }
    assert_refused(&dir, wrapper, "the store is not writable");
    set_mode(&dir, 0o755);
}

fn rustix_is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_second_server_on_the_same_data_directory_is_refused() {
    let dir = temp_dir("two-servers");
    let first = Server::start(&dir, None);
    let (status, stderr) = refused_start(&dir, &[]);
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("in use by another Stepwise server (PID {}", first.pid())),
        "{stderr}"
    );
    list_ok(&first.endpoint);
    // Once the first is gone, the directory is free.
    first.kill();
    let again = Server::start(&dir, None);
    list_ok(&again.endpoint);
}

#[test]
fn connections_over_the_cap_wait_for_a_free_one() {
    let dir = temp_dir("cap");
    let server = Server::start_with(&dir, None, &["--max-connections", "2"]);
    let request = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n\
                    X-Amz-Target: AWSStepFunctions.ListStateMachines\r\nContent-Length: 2\r\n\r\n{}";
    let mut held: Vec<_> = (0..2)
        .map(|_| {
            let mut c = connect(&server.endpoint);
            c.write_all(request).unwrap();
            assert_eq!(read_response(&mut c).expect("served").0, 200);
            c
        })
        .collect();
    // The third waits in the backlog while both stay open (keep-alive)...
    let mut third = connect(&server.endpoint);
    third.write_all(request).unwrap();
    third.set_read_timeout(Some(Duration::from_millis(1000))).unwrap();
    assert!(read_response(&mut third).is_none(), "served over the cap");
    // ...and is served as soon as one of them goes.
    drop(held.pop());
    third.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let t = Instant::now();
    assert_eq!(read_response(&mut third).expect("served once a slot was free").0, 200);
    assert!(t.elapsed() < Duration::from_secs(2));
}

#[test]
fn the_open_file_limit_is_raised_to_the_hard_limit() {
    let dir = temp_dir("nofile");
    let server = Server::start_wrapped(&["sh", "-c", "ulimit -Sn 256 && exec \"$0\" \"$@\""], &dir, None, &[]);
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", server.pid())).unwrap();
    let line = limits.lines().find(|l| l.starts_with("Max open files")).unwrap();
    let fields: Vec<&str> = line.split_whitespace().collect();
    let (soft, hard) = (fields[3], fields[4]);
    assert_eq!(soft, hard, "{line}");
    assert_ne!(soft, "256", "{line}");
    list_ok(&server.endpoint);
}

/// `now + offset_secs` in ISO 8601 basic format (`20240101T120000Z`), by `date -u`.
fn amz_date(offset_secs: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let out = std::process::Command::new("date")
        .args(["-u", "-d", &format!("@{}", now + offset_secs), "+%Y%m%dT%H%M%SZ"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A ListStateMachines request signed the way an SDK signs it, over a socket of its own:
/// (status, body). `signed` lists the headers to sign; `authorizations` copies of the
/// Authorization header are sent.
fn signed_call(endpoint: &str, date: &str, signed: &[&str], authorizations: usize) -> (u16, Value) {
    const EMPTY_OBJECT_SHA256: &str = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    let host = endpoint.trim_start_matches("http://");
    let headers = [
        ("content-type", "application/x-amz-json-1.0"),
        ("host", host),
        ("x-amz-date", date),
        ("x-amz-target", "AWSStepFunctions.ListStateMachines"),
    ];
    let mut canonical = String::from("POST\n/\n\n");
    for (name, value) in headers.iter().filter(|(n, _)| signed.contains(n)) {
        canonical.push_str(&format!("{name}:{value}\n"));
    }
    canonical.push_str(&format!("\n{}\n{EMPTY_OBJECT_SHA256}", signed.join(";")));
    let scope = format!("{}/us-east-1/states/aws4_request", &date[..8]);
    let key = server::sigv4::signing_key("s3cr3t", &date[..8], "us-east-1", "states");
    let sig = server::sigv4::signature(&key, &server::sigv4::string_to_sign(date, &scope, &canonical));
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential=AKIDSTEPWISE/{scope}, SignedHeaders={}, Signature={sig}",
        signed.join(";")
    );
    let mut s = connect(endpoint);
    let mut req = String::from("POST / HTTP/1.1\r\n");
    for (name, value) in headers {
        req.push_str(&format!("{name}: {value}\r\n"));
    }
    for _ in 0..authorizations {
        req.push_str(&format!("authorization: {auth}\r\n"));
    }
    req.push_str("content-length: 2\r\nconnection: close\r\n\r\n{}");
    s.write_all(req.as_bytes()).unwrap();
    let (status, _, body) = read_response(&mut s).expect("a response");
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

#[test]
fn sigv4_skew_signed_target_and_one_authorization_header() {
    let dir = temp_dir("sigv4");
    let server = Server::start_with_auth(&dir);
    let all = ["content-type", "host", "x-amz-date", "x-amz-target"];
    let e = &server.endpoint;

    let (status, v) = signed_call(e, &amz_date(0), &all, 1);
    assert_eq!(status, 200, "{v}");
    let (status, v) = signed_call(e, &amz_date(-240), &all, 1);
    assert_eq!(status, 200, "four minutes of skew are accepted: {v}");

    // Six minutes old: expired, in AWS's words.
    let date = amz_date(-360);
    let (status, v) = signed_call(e, &date, &all, 1);
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "com.amazon.coral.service#InvalidSignatureException");
    let message = v["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!("Signature expired: {date} is now earlier than "))
            && message.ends_with(" - 5 min.)"),
        "{message}"
    );
    let (status, v) = signed_call(e, &amz_date(360), &all, 1);
    assert_eq!(status, 400);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("Signature not yet current: "),
        "{v}"
    );

    // The action must be signed.
    let (status, v) = signed_call(e, &amz_date(0), &["content-type", "host", "x-amz-date"], 1);
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "com.amazon.coral.service#InvalidSignatureException");
    assert_eq!(
        v["message"],
        "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization."
    );

    // Two Authorization headers, even two good ones.
    let (status, v) = signed_call(e, &amz_date(0), &all, 2);
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "com.amazon.coral.service#IncompleteSignatureException");
}
