//! Opening a store that is damaged or in use: refused with a clear error, and the files left
//! byte for byte as they were (a refusal must never be the thing that loses the data).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use store::*;

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static N: AtomicU64 = AtomicU64::new(0);
        let p = std::env::temp_dir().join(format!(
            "stepwise-refusals-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn db(&self) -> PathBuf {
        self.0.join("stepwise.db")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn machine(i: usize) -> StateMachineRecord {
    let name = format!("m{i}");
    StateMachineRecord {
        arn: format!("arn:aws:states:us-east-1:123456789012:stateMachine:{name}"),
        name,
        kind: WorkflowType::Standard,
        // Big enough that the rows span several pages.
        definition: format!(
            r#"{{"Comment":"{}","StartAt":"P","States":{{"P":{{"Type":"Pass","End":true}}}}}}"#,
            "x".repeat(3000)
        ),
        role_arn: "arn:aws:iam::123456789012:role/r".into(),
        description: None,
        logging_configuration: None,
        tracing_configuration: None,
        revision_id: "rev-1".into(),
        created_ms: 1,
        updated_ms: 1,
    }
}

fn fill(store: &SqliteStore, n: usize) {
    for i in 0..n {
        store.create_state_machine(&machine(i), &[]).unwrap();
    }
}

/// Every file of the store, by name, with its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            // The lock file holds the PID of whoever opened it last; -shm is SQLite's
            // rebuildable index of the WAL, not data.
            !name.ends_with("-lock") && !name.ends_with("-shm")
        })
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// A crash image: the database and its WAL as they are on disk while the store is open
/// (everything committed is in them; the WAL has not been checkpointed away).
fn crash_image(into: &Path) {
    let live = TempDir::new("live");
    let store = SqliteStore::open(&live.db()).unwrap();
    fill(&store, 20);
    for suffix in ["", "-wal"] {
        let from = PathBuf::from(format!("{}{suffix}", live.db().display()));
        let to = PathBuf::from(format!("{}{suffix}", into.join("stepwise.db").display()));
        std::fs::copy(from, to).unwrap();
    }
    drop(store);
}

fn assert_refused(db: &Path, expect: &str) -> StoreError {
    let dir = db.parent().unwrap();
    let before = snapshot(dir);
    let err = SqliteStore::open(db).expect_err("a damaged store must be refused");
    assert!(err.to_string().contains(expect), "{err}");
    let after = snapshot(dir);
    let names = |s: &[(String, Vec<u8>)]| {
        s.iter()
            .map(|(n, b)| format!("{n}: {} bytes", b.len()))
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&after), names(&before), "the refusal changed the files");
    assert!(after == before, "the refusal changed the files' bytes");
    err
}

#[test]
fn a_crash_image_opens_with_everything_in_it() {
    let dir = TempDir::new("image");
    crash_image(&dir.0);
    let store = SqliteStore::open(&dir.db()).unwrap();
    assert_eq!(store.list_state_machines(&Page::default()).unwrap().len(), 20);
}

#[test]
fn an_empty_database_next_to_its_wal_is_refused() {
    let dir = TempDir::new("zero");
    crash_image(&dir.0);
    std::fs::write(dir.db(), b"").unwrap();
    let err = assert_refused(&dir.db(), "is empty (0 bytes) but its write-ahead log");
    assert!(matches!(err, StoreError::Corrupt { .. }));
    // Missing altogether: the same.
    std::fs::remove_file(dir.db()).unwrap();
    assert_refused(&dir.db(), "is missing but its write-ahead log");
    assert!(!dir.db().exists(), "the refusal created the database file");
}

#[test]
fn a_damaged_first_wal_frame_is_refused() {
    let dir = TempDir::new("frame");
    crash_image(&dir.0);
    let wal = PathBuf::from(format!("{}-wal", dir.db().display()));
    let mut bytes = std::fs::read(&wal).unwrap();
    bytes[32 + 24 + 100] ^= 0x5a;
    std::fs::write(&wal, &bytes).unwrap();
    let err = assert_refused(&dir.db(), "first frame does not check out");
    assert!(matches!(err, StoreError::Corrupt { .. }));
}

#[test]
fn a_malformed_page_is_refused() {
    let dir = TempDir::new("page");
    {
        let store = SqliteStore::open(&dir.db()).unwrap();
        fill(&store, 20);
    }
    // Every page in the database file, the WAL emptied: the damage below must hit a page
    // the file holds (closing the store does not always leave the WAL copied in, and SQLite
    // would read the good copy from the WAL).
    {
        let c = rusqlite::Connection::open(dir.db()).unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    let mut bytes = std::fs::read(dir.db()).unwrap();
    let page = 4096;
    assert!(bytes.len() > 4 * page);
    // Page 2 onwards hold the tables' b-trees; garbage in one of them.
    for (i, b) in bytes[page..2 * page].iter_mut().enumerate() {
        *b = (i * 37 % 251) as u8;
    }
    std::fs::write(dir.db(), &bytes).unwrap();
    let err = assert_refused(&dir.db(), "is damaged (PRAGMA quick_check");
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
}

#[test]
fn a_second_opener_is_refused_with_the_first_ones_pid() {
    let dir = TempDir::new("lock");
    let first = SqliteStore::open(&dir.db()).unwrap();
    let err = SqliteStore::open(&dir.db()).expect_err("the store is in use");
    assert!(matches!(err, StoreError::Unavailable { .. }));
    assert!(
        err.to_string().contains(&format!(
            "in use by another Stepwise server (PID {}",
            std::process::id()
        )),
        "{err}"
    );
    drop(first);
    // Released with the store.
    SqliteStore::open(&dir.db()).unwrap();
}
