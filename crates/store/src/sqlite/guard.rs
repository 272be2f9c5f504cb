//! What is checked before the store is used, and the lock that keeps it to one process.
//!
//! SQLite is forgiving in ways that destroy data a server should keep: a database file of
//! 0 bytes next to a WAL is taken for a new, empty database (and the WAL is then
//! rewritten), a WAL whose first frame is damaged is ignored whole (and rewritten by the
//! next commit), and a malformed page or a read-only file is only noticed by the request that
//! touches it. So, in this order, and before SQLite opens the files for writing:
//!
//! 1. the directory and the files that exist must be writable ([`check_writable`]);
//! 2. an exclusive `flock` on `<db>-lock`, which holds the PID of its owner: a second
//!    server on the same files stops here, naming the first ([`DirLock::acquire`]);
//! 3. the files are read as bytes ([`check_files`]): a database that is missing or empty
//!    while its WAL holds data, a damaged WAL header, or a WAL whose first frame is damaged
//!    (or a commit that follows a damaged frame) is refused;
//! 4. `PRAGMA quick_check` on a read-only connection ([`quick_check`]), which neither
//!    checkpoints nor rewrites the WAL.
//!
//! Each refusal names the file and what is wrong with it and leaves every file as it was, so
//! that the data can still be recovered by hand (`sqlite3 .recover`, a backup).

use std::fs::{File, OpenOptions};
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::rows::sql_error;
use crate::{Result, StoreError};

/// `<db>-lock`, next to SQLite's `-wal` and `-shm`.
pub(crate) fn lock_path(db: &Path) -> PathBuf {
    sibling(db, "-lock")
}

fn sibling(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// An exclusive lock on the store's files for as long as it lives. The lock is the kernel's
/// (`flock`): it goes with the process, however that ends, so a crash leaves no stale lock.
#[derive(Debug)]
pub(crate) struct DirLock {
    _file: File,
}

impl DirLock {
    /// Takes the lock or says who holds it.
    pub(crate) fn acquire(db: &Path) -> Result<DirLock> {
        let path = lock_path(db);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| {
                StoreError::unavailable(
                    format!("cannot open the lock file {}", path.display()),
                    Some(Box::new(e)),
                )
            })?;
        match rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => {}
            Err(rustix::io::Errno::WOULDBLOCK) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                let owner = match text.trim().parse::<u32>() {
                    Ok(pid) => format!("PID {pid}"),
                    Err(_) => "PID not yet recorded".to_owned(),
                };
                return Err(StoreError::unavailable(
                    format!(
                        "{} is in use by another Stepwise server ({owner}; lock file {}): stop it first, \
                         or give this one another data directory",
                        db.display(),
                        path.display()
                    ),
                    None,
                ));
            }
            Err(e) => {
                return Err(StoreError::unavailable(
                    format!("cannot lock {}", path.display()),
                    Some(Box::new(io::Error::from(e))),
                ));
            }
        }
        // Ours now: record who we are for the next one that tries.
        let record = |file: &mut File| -> io::Result<()> {
            file.set_len(0)?;
            file.seek(SeekFrom::Start(0))?;
            writeln!(file, "{}", std::process::id())?;
            file.sync_all()
        };
        record(&mut file)
            .map_err(|e| StoreError::unavailable(format!("cannot write {}", path.display()), Some(Box::new(e))))?;
        Ok(DirLock { _file: file })
    }
}

/// The directory and each of the store's files that exists must be writable: SQLite would
/// open a read-only store and fail every write with an error instead.
pub(crate) fn check_writable(db: &Path) -> Result<()> {
    let dir = match db.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(d) => d.to_path_buf(),
        None => PathBuf::from("."),
    };
    let mut paths = vec![dir];
    for p in [
        db.to_path_buf(),
        sibling(db, "-wal"),
        sibling(db, "-shm"),
        lock_path(db),
    ] {
        if p.exists() {
            paths.push(p);
        }
    }
    for p in paths {
        if let Err(e) = rustix::fs::access(&p, rustix::fs::Access::WRITE_OK) {
            return Err(StoreError::unavailable(
                format!("the store is not writable: {}", p.display()),
                Some(Box::new(io::Error::from(e))),
            ));
        }
    }
    Ok(())
}

/// Refuses files SQLite would silently take for less than they hold (see the module docs).
pub(crate) fn check_files(db: &Path) -> Result<()> {
    let wal = sibling(db, "-wal");
    let wal_len = file_len(&wal)?;
    let db_len = file_len(db)?;
    if wal_len.unwrap_or(0) >= WAL_HEADER as u64 && db_len.unwrap_or(0) == 0 {
        let state = if db_len.is_none() { "missing" } else { "empty (0 bytes)" };
        return Err(StoreError::corrupt(
            format!(
                "{} is {state} but its write-ahead log {} holds {} bytes: refusing to start on an empty store \
                 and rewrite the log; restore the database file",
                db.display(),
                wal.display(),
                wal_len.unwrap_or(0)
            ),
            None,
        ));
    }
    if wal_len.is_some() {
        let file = File::open(&wal)
            .map_err(|e| StoreError::unavailable(format!("cannot read {}", wal.display()), Some(Box::new(e))))?;
        let verdict = inspect_wal(BufReader::new(file), wal_len.unwrap_or(0))
            .map_err(|e| StoreError::unavailable(format!("cannot read {}", wal.display()), Some(Box::new(e))))?;
        if let WalVerdict::Damaged(what) = verdict {
            return Err(StoreError::corrupt(
                format!(
                    "the write-ahead log {} is damaged ({what}): SQLite would ignore committed data and \
                     overwrite it; refusing to start",
                    wal.display()
                ),
                None,
            ));
        }
    }
    Ok(())
}

/// `PRAGMA quick_check` on a read-only connection: a malformed page is found now rather than
/// by the request that reads it. A read-only connection never checkpoints or resets the WAL.
pub(crate) fn quick_check(db: &Path) -> Result<()> {
    if file_len(db)?.unwrap_or(0) == 0 {
        return Ok(()); // a new store: nothing to check
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    // Without a WAL, `immutable=1` keeps SQLite from creating one (and its -shm) just to
    // read; we hold the lock, so nobody writes meanwhile. With a WAL, its frames are checked.
    let immutable = if sibling(db, "-wal").exists() {
        ""
    } else {
        "?immutable=1"
    };
    let uri = format!("file:{}{immutable}", uri_path(db));
    let conn = Connection::open_with_flags(&uri, flags)
        .map_err(|e| sql_error(format!("cannot open {} to check it", db.display()), e))?;
    let damaged = |e| {
        let mut err = sql_error(format!("cannot check {}", db.display()), e);
        if let StoreError::Unavailable { what, source } = err {
            // "file is not a database" and friends are damage, not a passing fault.
            err = StoreError::Corrupt { what, source };
        }
        err
    };
    let mut stmt = conn.prepare("PRAGMA quick_check(5)").map_err(damaged)?;
    let rows: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .map_err(damaged)?
        .collect::<rusqlite::Result<_>>()
        .map_err(damaged)?;
    if rows.len() == 1 && rows[0] == "ok" {
        return Ok(());
    }
    Err(StoreError::corrupt(
        format!(
            "{} is damaged (PRAGMA quick_check: {}); refusing to start: recover it with `sqlite3 {} .recover` \
             or restore a backup",
            db.display(),
            rows.join("; "),
            db.display()
        ),
        None,
    ))
}

/// `path` for a `file:` URI: every byte but the unreserved ones and `/` percent-encoded.
fn uri_path(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = String::new();
    for &b in absolute.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn file_len(path: &Path) -> Result<Option<u64>> {
    match std::fs::metadata(path) {
        Ok(m) => Ok(Some(m.len())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StoreError::unavailable(
            format!("cannot inspect {}", path.display()),
            Some(Box::new(e)),
        )),
    }
}

// --- the WAL format (https://sqlite.org/fileformat2.html#walformat) ------------------------

const WAL_HEADER: usize = 32;
const FRAME_HEADER: usize = 24;
const WAL_MAGIC: u32 = 0x377f_0682;
const WAL_VERSION: u32 = 3_007_000;

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum WalVerdict {
    /// Nothing SQLite would drop: empty, too short to hold a frame, frames of an earlier
    /// generation (a WAL restarted after a full checkpoint), or committed frames up to an end
    /// that was never acknowledged (a torn last transaction).
    Usable { committed_frames: u64 },
    /// What SQLite would silently discard.
    Damaged(String),
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// SQLite's WAL checksum over `data` (a multiple of 8 bytes), continuing from `s`.
fn checksum(big_endian: bool, data: &[u8], mut s: (u32, u32)) -> (u32, u32) {
    for pair in data.chunks_exact(8) {
        let word = |b: &[u8]| {
            let a = [b[0], b[1], b[2], b[3]];
            if big_endian {
                u32::from_be_bytes(a)
            } else {
                u32::from_le_bytes(a)
            }
        };
        s.0 = s.0.wrapping_add(word(&pair[..4])).wrapping_add(s.1);
        s.1 = s.1.wrapping_add(word(&pair[4..])).wrapping_add(s.0);
    }
    s
}

/// Reads a WAL of `len` bytes frame by frame (never all of it at once).
pub(crate) fn inspect_wal(mut r: impl Read, len: u64) -> io::Result<WalVerdict> {
    let mut header = [0u8; WAL_HEADER];
    if len < WAL_HEADER as u64 {
        return Ok(WalVerdict::Usable { committed_frames: 0 });
    }
    r.read_exact(&mut header)?;
    let magic = be32(&header[0..]);
    let page_size = be32(&header[8..]) as usize;
    let can_hold_a_frame = |page: usize| len >= (WAL_HEADER + FRAME_HEADER + page) as u64;
    let valid_page_size = (512..=65536).contains(&page_size) && page_size.is_power_of_two();
    let big_endian = magic & 1 == 1;
    let header_ok = magic & !1 == WAL_MAGIC
        && be32(&header[4..]) == WAL_VERSION
        && valid_page_size
        && checksum(big_endian, &header[..24], (0, 0)) == (be32(&header[24..]), be32(&header[28..]));
    if !header_ok {
        return Ok(if can_hold_a_frame(if valid_page_size { page_size } else { 512 }) {
            WalVerdict::Damaged("its header does not check out".into())
        } else {
            WalVerdict::Usable { committed_frames: 0 }
        });
    }
    let salts = (be32(&header[16..]), be32(&header[20..]));
    let mut sum = (be32(&header[24..]), be32(&header[28..]));
    let mut frame = vec![0u8; FRAME_HEADER + page_size];
    let frames = (len - WAL_HEADER as u64) / frame.len() as u64;
    let mut committed = 0u64;
    let mut first_bad: Option<u64> = None;
    for i in 0..frames {
        r.read_exact(&mut frame)?;
        let same_generation = (be32(&frame[8..]), be32(&frame[12..])) == salts;
        let commit = be32(&frame[4..]) != 0;
        if let Some(bad) = first_bad {
            if same_generation && commit {
                return Ok(WalVerdict::Damaged(format!(
                    "frame {} does not check out, and the commit in frame {} after it would be lost",
                    bad + 1,
                    i + 1
                )));
            }
            continue;
        }
        if !same_generation {
            // Left over from before the WAL was restarted: SQLite stops here, and so may we.
            break;
        }
        let s = checksum(big_endian, &frame[..8], sum);
        let s = checksum(big_endian, &frame[FRAME_HEADER..], s);
        if s != (be32(&frame[16..]), be32(&frame[20..])) {
            if i == 0 {
                return Ok(WalVerdict::Damaged(
                    "its first frame does not check out, so SQLite would ignore every frame".into(),
                ));
            }
            first_bad = Some(i);
            continue;
        }
        sum = s;
        if commit {
            committed = i + 1;
        }
    }
    Ok(WalVerdict::Usable {
        committed_frames: committed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: usize = 512;

    /// A WAL as SQLite writes it: a header and `commits` (frame count, is-commit) frames.
    fn wal(frames: &[bool]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut h = Vec::new();
        for v in [WAL_MAGIC, WAL_VERSION, PAGE as u32, 0, 0x1111, 0x2222] {
            h.extend_from_slice(&v.to_be_bytes());
        }
        let mut s = checksum(false, &h, (0, 0));
        h.extend_from_slice(&s.0.to_be_bytes());
        h.extend_from_slice(&s.1.to_be_bytes());
        out.extend_from_slice(&h);
        for (i, commit) in frames.iter().enumerate() {
            let mut f = Vec::new();
            f.extend_from_slice(&(i as u32 + 1).to_be_bytes());
            f.extend_from_slice(&(if *commit { i as u32 + 1 } else { 0 }).to_be_bytes());
            f.extend_from_slice(&0x1111u32.to_be_bytes());
            f.extend_from_slice(&0x2222u32.to_be_bytes());
            let page = vec![(i % 251) as u8; PAGE];
            s = checksum(false, &f[..8], s);
            s = checksum(false, &page, s);
            f.extend_from_slice(&s.0.to_be_bytes());
            f.extend_from_slice(&s.1.to_be_bytes());
            f.extend_from_slice(&page);
            out.extend_from_slice(&f);
        }
        out
    }

    fn verdict(bytes: &[u8]) -> WalVerdict {
        inspect_wal(bytes, bytes.len() as u64).unwrap()
    }

    const FRAME: usize = FRAME_HEADER + PAGE;

    #[test]
    fn a_whole_wal_is_usable() {
        assert_eq!(
            verdict(&wal(&[false, true, true])),
            WalVerdict::Usable { committed_frames: 3 }
        );
        assert_eq!(verdict(&[]), WalVerdict::Usable { committed_frames: 0 });
        assert_eq!(verdict(&wal(&[])), WalVerdict::Usable { committed_frames: 0 });
        // A torn last transaction: SQLite drops it, and it was never acknowledged.
        let mut w = wal(&[true, false, true]);
        let n = w.len();
        w[n - 5] ^= 0xff;
        assert_eq!(verdict(&w), WalVerdict::Usable { committed_frames: 1 });
    }

    #[test]
    fn a_damaged_first_frame_or_header_is_refused() {
        let mut w = wal(&[true, true]);
        w[WAL_HEADER + FRAME_HEADER + 10] ^= 1;
        assert!(matches!(verdict(&w), WalVerdict::Damaged(m) if m.contains("first frame")));
        let mut w = wal(&[true]);
        w[13] ^= 1;
        assert!(matches!(verdict(&w), WalVerdict::Damaged(m) if m.contains("header")));
    }

    #[test]
    fn a_commit_after_a_damaged_frame_is_refused() {
        let mut w = wal(&[true, true, false, true]);
        w[WAL_HEADER + FRAME + FRAME_HEADER + 3] ^= 1;
        assert!(matches!(verdict(&w), WalVerdict::Damaged(m) if m.contains("frame 2")));
    }

    #[test]
    fn frames_of_an_earlier_generation_are_ignored() {
        // A restarted WAL: new salts in the header, old frames behind it.
        let mut w = wal(&[true, true]);
        w[WAL_HEADER + 8] ^= 1;
        w[WAL_HEADER + FRAME + 8] ^= 1;
        assert_eq!(verdict(&w), WalVerdict::Usable { committed_frames: 0 });
    }
}
