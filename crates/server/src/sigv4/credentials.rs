//! The shared credentials file (`~/.aws/credentials`): the key pairs the server accepts.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Why a credentials file could not be used.
#[derive(Debug)]
pub enum CredentialsError {
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    Parse {
        path: Option<PathBuf>,
        line: usize,
        message: String,
    },
    /// No profile has a key pair.
    NoCredentials {
        path: Option<PathBuf>,
    },
}

impl CredentialsError {
    pub(crate) fn in_file(self, file: &Path) -> Self {
        match self {
            CredentialsError::Parse { line, message, .. } => CredentialsError::Parse {
                path: Some(file.to_owned()),
                line,
                message,
            },
            CredentialsError::NoCredentials { .. } => CredentialsError::NoCredentials {
                path: Some(file.to_owned()),
            },
            e => e,
        }
    }
}

impl std::fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = |p: &Option<PathBuf>| match p {
            Some(p) => p.display().to_string(),
            None => "credentials".to_owned(),
        };
        match self {
            CredentialsError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            CredentialsError::Parse { path, line, message } => write!(f, "{}:{line}: {message}", name(path)),
            CredentialsError::NoCredentials { path } => write!(
                f,
                "{}: no profile has both aws_access_key_id and aws_secret_access_key",
                name(path)
            ),
        }
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CredentialsError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

pub(crate) struct Profile {
    pub name: String,
    pub line: usize,
    /// Lowercase key → (value, line).
    pub properties: HashMap<String, (String, usize)>,
}

/// The INI dialect of `~/.aws/credentials`, as botocore reads it: `[name]` (or
/// `[profile name]`) sections; `key = value` or `key: value` properties (keys
/// case-insensitive, values trimmed, no inline comments); `#` and `;` comment lines; indented
/// lines under a property continue it (nested settings) and are ignored here. A section met
/// twice is merged.
pub(crate) fn parse_credentials(text: &str) -> Result<Vec<Profile>, CredentialsError> {
    let mut profiles: Vec<Profile> = Vec::new();
    let mut last_key: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        let error = |message: String| CredentialsError::Parse {
            path: None,
            line: line_no,
            message,
        };
        if line.starts_with('[') {
            let Some(end) = line.find(']') else {
                return Err(error(format!("unterminated section header: {line}")));
            };
            let after = line[end + 1..].trim();
            if !(after.is_empty() || after.starts_with('#') || after.starts_with(';')) {
                return Err(error(format!("unexpected text after the section header: {line}")));
            }
            let inner = line[1..end].trim();
            let name = inner
                .strip_prefix("profile ")
                .map(str::trim)
                .unwrap_or(inner)
                .to_owned();
            if name.is_empty() {
                return Err(error("empty profile name".into()));
            }
            last_key = None;
            if let Some(pos) = profiles.iter().position(|p| p.name == name) {
                let profile = profiles.remove(pos);
                profiles.push(profile);
            } else {
                profiles.push(Profile {
                    name,
                    line: line_no,
                    properties: HashMap::new(),
                });
            }
            continue;
        }
        let indented = raw.starts_with([' ', '\t']);
        if indented && last_key.is_some() {
            continue; // a continuation line (nested values)
        }
        let Some(profile) = profiles.last_mut() else {
            return Err(error("a property outside any [profile] section".into()));
        };
        let Some(at) = line.find(['=', ':']) else {
            return Err(error(format!("expected `key = value`, got: {line}")));
        };
        let key = line[..at].trim().to_ascii_lowercase();
        if key.is_empty() {
            return Err(error(format!("expected `key = value`, got: {line}")));
        }
        let value = line[at + 1..].trim().to_owned();
        profile.properties.insert(key.clone(), (value, line_no));
        last_key = Some(key);
    }
    Ok(profiles)
}
