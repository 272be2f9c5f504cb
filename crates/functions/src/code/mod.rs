//! Deployment packages: a `.zip` checked and unpacked once per content hash, or a local
//! directory for hot reload.
//!
//! A zip is unpacked into `<root>/<hex sha256 of the zip>/` (and kept as `<hex>.zip`): first into a temporary
//! directory beside it, then renamed into place, so a crash mid-way never leaves a
//! half-written package under its final name, and two uploads of the same bytes share one
//! directory. Once in place, files and directories are read-only (the mode bits the zip
//! gives are kept, minus every write bit): a function can read its code, never change it.
//!
//! Every refusal is a [`CodeError`] that names the AWS exception and message to answer
//! with. The checks are made while unpacking, on what the archive really holds, not on what
//! its headers claim: the decompressed bytes are counted as they are written (a zip bomb is
//! stopped at the limit, whatever sizes it declares), entry names are resolved lexically
//! and refused when absolute or when they climb out with `..`, and symbolic links are
//! created last and refused when they point outside the package (see [`unzip`]).

mod unzip;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine as _;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::spec::CodeLocation;

/// AWS's quota on a zip uploaded directly: 50 MB.
pub const MAX_ZIPPED_BYTES: u64 = 50 * 1024 * 1024;
/// AWS's quota on a package unzipped: 250 MB (AWS's message counts it as 262144000 bytes).
pub const MAX_UNZIPPED_BYTES: u64 = 262_144_000;
/// Entries in one archive. AWS states no figure; a package with more than this many files
/// is far beyond any real function, and each entry costs a file and an inode here.
pub const MAX_ENTRIES: usize = 100_000;
/// LocalStack's convention: `S3Bucket: "hot-reload"` with `S3Key` an absolute directory.
pub const HOT_RELOAD_BUCKET: &str = "hot-reload";

/// AWS's words for a package it cannot unpack.
pub const UNZIP_MESSAGE: &str = "Could not unzip uploaded file. Please check your file, then try to upload again.";

/// Why a package was refused.
#[derive(Debug, Error)]
pub enum CodeError {
    /// The zip itself is larger than [`MAX_ZIPPED_BYTES`].
    #[error("Zipped size must be smaller than {MAX_ZIPPED_BYTES} bytes")]
    ZippedTooLarge { size: u64 },
    /// Its content, counted as decompressed, passes [`MAX_UNZIPPED_BYTES`].
    #[error("Unzipped size must be smaller than {limit} bytes")]
    UnzippedTooLarge { limit: u64 },
    /// Not a zip, a damaged one (bad CRC, truncated), or one using what we cannot read
    /// (encryption, an unknown compression method).
    #[error("{UNZIP_MESSAGE} ({detail})")]
    Unreadable { detail: String },
    /// An entry whose name is absolute or climbs out of the package (`../x`), or a symbolic
    /// link that points outside it.
    #[error("{UNZIP_MESSAGE} (unsafe entry {name:?}: {why})")]
    UnsafeEntry { name: String, why: &'static str },
    /// More than [`MAX_ENTRIES`] entries.
    #[error("{UNZIP_MESSAGE} ({count} entries, more than {limit})")]
    TooManyEntries { count: usize, limit: usize },
    /// An `S3Bucket` other than `hot-reload`: there is no S3 to fetch it from.
    #[error(
        "Stepwise has no S3 endpoint configured to fetch s3://{bucket}/{key} from; upload the code as ZipFile, \
         or use S3Bucket \"hot-reload\" with S3Key an absolute local directory"
    )]
    S3NotConfigured { bucket: String, key: String },
    /// A hot-reload `S3Key` that is not an absolute path to a directory.
    #[error("The hot-reload S3Key must be the absolute path of a local directory; {key:?} {why}")]
    HotReloadPath { key: String, why: &'static str },
    /// Writing the package failed on our side (disk full, permissions).
    #[error("cannot store the code package: {0}")]
    Io(#[from] std::io::Error),
}

impl CodeError {
    /// The AWS exception this refusal is answered with.
    pub fn exception(&self) -> &'static str {
        match self {
            CodeError::ZippedTooLarge { .. } => "RequestEntityTooLargeException",
            CodeError::Io(_) => "ServiceException",
            _ => "InvalidParameterValueException",
        }
    }

    /// The message AWS gives (without our detail, which goes to the log).
    pub fn message(&self) -> String {
        match self {
            CodeError::Unreadable { .. } | CodeError::UnsafeEntry { .. } | CodeError::TooManyEntries { .. } => {
                UNZIP_MESSAGE.to_owned()
            }
            other => other.to_string(),
        }
    }
}

/// One stored package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// `CodeSha256`: the base64 of the SHA-256 of the zip, as AWS reports it.
    pub code_sha256: String,
    /// The hex SHA-256: the package's directory name.
    pub hex_sha256: String,
    /// `CodeSize`: the zip's size in bytes.
    pub code_size: u64,
    pub location: CodeLocation,
}

/// What one package may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_unzipped_bytes: u64,
    pub max_entries: usize,
}

impl Default for Limits {
    /// AWS's.
    fn default() -> Self {
        Limits {
            max_unzipped_bytes: MAX_UNZIPPED_BYTES,
            max_entries: MAX_ENTRIES,
        }
    }
}

/// The packages under one directory (`<data dir>/functions/code`).
#[derive(Debug)]
pub struct CodeStore {
    root: PathBuf,
    limits: Limits,
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);
const TEMP_PREFIX: &str = ".tmp-";

impl CodeStore {
    /// Opens the directory and removes what an interrupted unpacking left. The directory is
    /// created with the first package, so a server that never stores one leaves no trace.
    pub fn open(root: impl Into<PathBuf>) -> std::io::Result<CodeStore> {
        let root = root.into();
        let entries = match std::fs::read_dir(&root) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(CodeStore {
                    root,
                    limits: Limits::default(),
                });
            }
            other => other?,
        };
        for entry in entries {
            let entry = entry?;
            if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                tracing::debug!(path = %entry.path().display(), "removing an interrupted unpacking");
                unzip::remove_tree(&entry.path())?;
            }
        }
        Ok(CodeStore {
            root,
            limits: Limits::default(),
        })
    }

    /// Other limits than AWS's (tests use small ones to stay fast).
    pub fn with_limits(mut self, limits: Limits) -> CodeStore {
        self.limits = limits;
        self
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The directory of the package whose zip has this hex SHA-256.
    pub fn dir_of(&self, hex_sha256: &str) -> PathBuf {
        self.root.join(hex_sha256)
    }

    /// The zip a package was unpacked from.
    pub fn zip_of(&self, hex_sha256: &str) -> PathBuf {
        self.root.join(format!("{hex_sha256}.zip"))
    }

    /// Checks and unpacks `zip` (once: the same bytes again reuse the directory). Blocking:
    /// call it off the async threads.
    pub fn add_zip(&self, zip: &[u8]) -> Result<Package, CodeError> {
        let size = zip.len() as u64;
        if size > MAX_ZIPPED_BYTES {
            return Err(CodeError::ZippedTooLarge { size });
        }
        let digest = Sha256::digest(zip);
        let hex_sha256 = hex::encode(digest);
        let code_sha256 = base64::engine::general_purpose::STANDARD.encode(digest);
        let dir = self.dir_of(&hex_sha256);
        std::fs::create_dir_all(&self.root)?;
        if !dir.is_dir() {
            let temp = self.root.join(format!(
                "{TEMP_PREFIX}{hex_sha256}-{}-{}",
                std::process::id(),
                TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
            ));
            let unpacked = unzip::unpack(zip, &temp, self.limits).and_then(|()| {
                unzip::make_read_only(&temp)?;
                Ok(())
            });
            if let Err(e) = unpacked {
                let _ = unzip::remove_tree(&temp);
                return Err(e);
            }
            if let Err(e) = std::fs::rename(&temp, &dir) {
                // Another upload of the same bytes got there first: theirs is as good.
                let _ = unzip::remove_tree(&temp);
                if !dir.is_dir() {
                    return Err(CodeError::Io(e));
                }
            }
        }
        // The zip itself is kept beside its directory (`GetFunction`'s `Code.Location`).
        let kept = self.zip_of(&hex_sha256);
        if !kept.is_file() {
            let temp = self.root.join(format!(
                "{TEMP_PREFIX}{hex_sha256}.zip-{}-{}",
                std::process::id(),
                TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::write(&temp, zip)?;
            unzip::set_mode(&temp, 0o444)?;
            if let Err(e) = std::fs::rename(&temp, &kept) {
                let _ = std::fs::remove_file(&temp);
                if !kept.is_file() {
                    return Err(CodeError::Io(e));
                }
            }
        }
        Ok(Package {
            code_sha256,
            hex_sha256,
            code_size: size,
            location: CodeLocation::Unpacked(dir),
        })
    }
}

/// The code an `S3Bucket`/`S3Key` pair names: LocalStack's hot reload (bucket `hot-reload`,
/// key an absolute local directory, read again at every cold start) or, for any other
/// bucket, an error (no S3 endpoint is configured).
pub fn from_s3(bucket: &str, key: &str) -> Result<CodeLocation, CodeError> {
    if bucket != HOT_RELOAD_BUCKET {
        return Err(CodeError::S3NotConfigured {
            bucket: bucket.to_owned(),
            key: key.to_owned(),
        });
    }
    let path = Path::new(key);
    if !path.is_absolute() {
        return Err(CodeError::HotReloadPath {
            key: key.to_owned(),
            why: "is not absolute",
        });
    }
    if !path.is_dir() {
        return Err(CodeError::HotReloadPath {
            key: key.to_owned(),
            why: "is not a directory",
        });
    }
    Ok(CodeLocation::HotReload(path.to_path_buf()))
}

/// `CodeSha256` of a hot-reload function: the base64 SHA-256 of its directory's path (the
/// content changes under it; LocalStack reports a hash of the key likewise).
pub fn hot_reload_sha256(key: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(key.as_bytes()))
}

#[cfg(test)]
mod tests;
