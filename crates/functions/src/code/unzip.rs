//! Unpacking one archive into a fresh directory, refusing whatever could write or point
//! outside it.
//!
//! - Entry names are split on `/` and `\`; empty and `.` components are dropped; an
//!   absolute name (`/x`, `C:x`), a `..` component or a NUL byte is refused. What is left
//!   is joined under the target directory, which nothing but this function writes to.
//! - Regular files and directories are written first. No symbolic link exists yet, so no
//!   write can follow one out of the package.
//! - Symbolic links (an entry whose Unix mode says `S_IFLNK`; its content is the target)
//!   come last. A target must be relative and, resolved lexically from the link's
//!   directory, stay inside the package. Once all links exist, each is resolved for real:
//!   a link that resolves must land inside the package (chains of links cannot escape);
//!   one that does not resolve (dangling) is kept only if its target has no `..` at all.
//! - Bytes are counted as they are decompressed; past the limit ([`super::MAX_UNZIPPED_BYTES`] by default) the unpacking
//!   stops, whatever sizes the headers declared. The zip crate checks each entry's CRC.

use std::fs;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use super::{CodeError, Limits};

const S_IFMT: u32 = 0o170000;
const S_IFLNK: u32 = 0o120000;
/// The longest link target read (Linux's PATH_MAX).
const MAX_LINK_TARGET: u64 = 4096;

fn unreadable(e: impl std::fmt::Display) -> CodeError {
    CodeError::Unreadable { detail: e.to_string() }
}

/// The entry's path relative to the package, or why it is refused.
pub(super) fn safe_relative(name: &str) -> Result<PathBuf, CodeError> {
    let unsafe_entry = |why| CodeError::UnsafeEntry {
        name: name.to_owned(),
        why,
    };
    if name.contains('\0') {
        return Err(unsafe_entry("a NUL byte in the name"));
    }
    if name.starts_with('/') || name.starts_with('\\') {
        return Err(unsafe_entry("an absolute path"));
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
        return Err(unsafe_entry("a drive-letter path"));
    }
    let mut out = PathBuf::new();
    for part in name.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => return Err(unsafe_entry("a '..' component")),
            p => out.push(p),
        }
    }
    Ok(out)
}

/// Resolves `target` lexically from `link_dir` (both relative to the package root);
/// `None` when it climbs above the root.
fn lexical_target(link_dir: &Path, target: &str) -> Option<PathBuf> {
    let mut parts: Vec<String> = link_dir
        .components()
        .filter_map(|c| match c {
            Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p.to_owned()),
        }
    }
    Some(parts.iter().collect())
}

/// Unpacks `zip` into `dest`, which must not exist yet.
pub(super) fn unpack(zip: &[u8], dest: &Path, limits: Limits) -> Result<(), CodeError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).map_err(unreadable)?;
    if archive.len() > limits.max_entries {
        return Err(CodeError::TooManyEntries {
            count: archive.len(),
            limit: limits.max_entries,
        });
    }
    fs::create_dir(dest)?;
    let mut written: u64 = 0;
    let mut links: Vec<(PathBuf, String, String)> = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(unreadable)?;
        let name = entry.name().to_owned();
        let relative = safe_relative(&name)?;
        let mode = entry.unix_mode();
        let is_link = mode.is_some_and(|m| m & S_IFMT == S_IFLNK);
        if is_link {
            let mut target = String::new();
            (&mut entry)
                .take(MAX_LINK_TARGET + 1)
                .read_to_string(&mut target)
                .map_err(unreadable)?;
            if target.len() as u64 > MAX_LINK_TARGET || target.is_empty() || target.contains('\0') {
                return Err(CodeError::UnsafeEntry {
                    name,
                    why: "a symbolic link with an unusable target",
                });
            }
            links.push((relative, target, name));
            continue;
        }
        if relative.as_os_str().is_empty() {
            continue; // "./" and the like: the root itself
        }
        let path = dest.join(&relative);
        if entry.is_dir() {
            fs::create_dir_all(&path)?;
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut file = fs::File::create(&path).map_err(|e| match e.kind() {
            // A file where a directory of an earlier entry is, or the other way round.
            std::io::ErrorKind::IsADirectory | std::io::ErrorKind::NotADirectory => unreadable(e),
            _ => CodeError::Io(e),
        })?;
        let mut buf = [0u8; 64 * 1024];
        loop {
            let n = entry.read(&mut buf).map_err(unreadable)?;
            if n == 0 {
                break;
            }
            written += n as u64;
            if written > limits.max_unzipped_bytes {
                return Err(CodeError::UnzippedTooLarge {
                    limit: limits.max_unzipped_bytes,
                });
            }
            file.write_all(&buf[..n])?;
        }
        drop(file);
        set_mode(&path, mode.map(|m| m & 0o777).unwrap_or(0o644))?;
    }
    create_links(dest, &links)
}

fn create_links(dest: &Path, links: &[(PathBuf, String, String)]) -> Result<(), CodeError> {
    for (relative, target, name) in links {
        let refuse = |why| CodeError::UnsafeEntry {
            name: name.clone(),
            why,
        };
        if target.starts_with('/') || target.starts_with('\\') {
            return Err(refuse("a symbolic link to an absolute path"));
        }
        let link_dir = relative.parent().unwrap_or(Path::new(""));
        if lexical_target(link_dir, target).is_none() {
            return Err(refuse("a symbolic link out of the package"));
        }
        if relative.as_os_str().is_empty() {
            return Err(refuse("a symbolic link in place of the package root"));
        }
        let path = dest.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        std::os::unix::fs::symlink(target, &path).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => unreadable(format!("{name}: {e}")),
            _ => CodeError::Io(e),
        })?;
    }
    // Lexically inside is not enough: `a -> .` then `b -> a/..` climbs out for real.
    let root = fs::canonicalize(dest)?;
    for (relative, target, name) in links {
        match fs::canonicalize(dest.join(relative)) {
            Ok(real) if real.starts_with(&root) => {}
            Ok(_) => {
                return Err(CodeError::UnsafeEntry {
                    name: name.clone(),
                    why: "a symbolic link that resolves out of the package",
                });
            }
            Err(_) if target.split('/').any(|p| p == "..") => {
                return Err(CodeError::UnsafeEntry {
                    name: name.clone(),
                    why: "a dangling symbolic link through '..'",
                });
            }
            Err(_) => {}
        }
    }
    Ok(())
}

pub(super) fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

/// Takes every write bit off the files and directories under `dir` (and `dir` itself),
/// deepest first; links are left alone (their own mode means nothing on Linux).
pub(super) fn make_read_only(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            make_read_only(&entry.path())?;
        } else if kind.is_file() {
            let mode = entry.metadata()?.permissions().mode() & 0o7777;
            set_mode(&entry.path(), (mode & !0o222) | 0o444)?;
        }
    }
    set_mode(dir, 0o555)
}

/// Removes a tree even where it was made read-only.
pub(crate) fn remove_tree(dir: &Path) -> std::io::Result<()> {
    fn writable(dir: &Path) -> std::io::Result<()> {
        set_mode(dir, 0o755)?;
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                writable(&entry.path())?;
            }
        }
        Ok(())
    }
    match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
        Ok(m) if m.is_dir() => {
            writable(dir)?;
            fs::remove_dir_all(dir)
        }
        Ok(_) => fs::remove_file(dir),
    }
}
