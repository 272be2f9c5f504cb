//! Loading conformance cases from disk.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::history::{compare_history_with, uses_reordered_form};
use crate::matcher::{Mismatch, compare};
use crate::placeholders::{Placeholders, Token};

/// Name of the file listing the placeholder tokens, searched in a case's ancestors.
pub const PLACEHOLDERS_FILE: &str = "placeholders.json";

/// One recorded case.
#[derive(Debug, Clone)]
pub struct Case {
    /// The case folder's name.
    pub name: String,
    /// The case folder.
    pub dir: PathBuf,
    /// definition.json as submitted (may not be valid JSON for INVALID_DEFINITION cases).
    pub definition: String,
    /// The execution input.
    pub input: Value,
    /// The recorded outcome: `{"status": ..., "output"|"error"|"cause"|"message": ...}`.
    pub expected: Value,
    /// The recorded history, if any.
    pub history: Option<Vec<Value>>,
    /// Standard tokens plus the case-specific ones from source.txt.
    pub placeholders: Placeholders,
    /// source.txt, if present.
    pub source: Option<String>,
    /// The case-specific tokens named in source.txt.
    pub case_tokens: Vec<String>,
    /// source.txt says the Parallel-branch events of history.json were re-ordered.
    pub history_reordered: bool,
}

impl Case {
    /// The recorded status (`SUCCEEDED`, `FAILED`, `TIMED_OUT`, `INVALID_DEFINITION`).
    pub fn expected_status(&self) -> Option<&str> {
        self.expected.get("status").and_then(Value::as_str)
    }

    /// Compares an actual outcome (same shape as expected.json) with the recorded one.
    pub fn compare(&self, actual: &Value) -> Result<(), Mismatch> {
        compare(&self.expected, actual, &self.placeholders)
    }

    /// Compares actual history events with history.json (`Ok` when the case has none).
    pub fn compare_history(&self, actual: &[Value]) -> Result<(), Mismatch> {
        match &self.history {
            None => Ok(()),
            Some(expected) => {
                let reordered = self.history_reordered || uses_reordered_form(expected);
                compare_history_with(expected, actual, &self.placeholders, reordered)
            }
        }
    }
}

/// Why cases could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: invalid JSON: {source}", path.display())]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error("{}: neither a case folder (with definition.json) nor a folder of case folders", path.display())]
    NoCases { path: PathBuf },
}

fn read_text(path: &Path) -> Result<String, LoadError> {
    fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn read_json(path: &Path) -> Result<Value, LoadError> {
    let text = read_text(path)?;
    serde_json::from_str(&text).map_err(|source| LoadError::Json {
        path: path.to_path_buf(),
        source,
    })
}

fn is_case_dir(dir: &Path) -> bool {
    dir.join("definition.json").is_file()
}

/// Loads the cases under `roots`. Each root is a case folder (it has definition.json) or a
/// folder of case folders (loaded in name order; sub-folders without definition.json are
/// skipped). Cases keep the order of `roots`.
pub fn load_cases(roots: &[PathBuf]) -> Result<Vec<Case>, LoadError> {
    let mut loader = Loader::default();
    let mut cases = Vec::new();
    for root in roots {
        if is_case_dir(root) {
            cases.push(loader.load_case(root)?);
            continue;
        }
        let entries = fs::read_dir(root).map_err(|source| LoadError::Io {
            path: root.clone(),
            source,
        })?;
        let mut dirs = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| LoadError::Io {
                path: root.clone(),
                source,
            })?;
            let path = entry.path();
            if path.is_dir() && is_case_dir(&path) {
                dirs.push(path);
            }
        }
        if dirs.is_empty() {
            return Err(LoadError::NoCases { path: root.clone() });
        }
        dirs.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        for dir in dirs {
            cases.push(loader.load_case(&dir)?);
        }
    }
    Ok(cases)
}

/// Loads one case folder.
pub fn load_case(dir: &Path) -> Result<Case, LoadError> {
    Loader::default().load_case(dir)
}

/// The tokens of one placeholders.json (or the built-in standard list).
#[derive(Debug, Clone)]
struct TokenFile {
    standard: Placeholders,
    /// Test-specific tokens listed there (literal form, regex).
    test_specific: Vec<(String, String)>,
}

impl TokenFile {
    fn builtin() -> TokenFile {
        TokenFile {
            standard: Placeholders::standard(),
            test_specific: Vec::new(),
        }
    }

    fn parse(path: &Path) -> Result<TokenFile, LoadError> {
        let doc = read_json(path)?;
        let standard = Placeholders::from_placeholders_json(&doc).ok_or_else(|| LoadError::Invalid {
            path: path.to_path_buf(),
            message: "expected a \"standard\" list of {\"token\", \"regex\"} entries".into(),
        })?;
        let test_specific = doc
            .get("test_specific")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|e| {
                        let token = e.get("token")?.as_str()?;
                        let regex = e.get("regex").and_then(Value::as_str).unwrap_or(token);
                        Some((token.to_string(), regex.to_string()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(TokenFile {
            standard,
            test_specific,
        })
    }
}

/// Loads cases, reading each placeholders.json once.
#[derive(Default)]
struct Loader {
    /// Directory -> the token file that applies there.
    by_dir: HashMap<PathBuf, TokenFile>,
}

impl Loader {
    fn tokens_for(&mut self, case_dir: &Path) -> Result<TokenFile, LoadError> {
        let start = fs::canonicalize(case_dir).unwrap_or_else(|_| case_dir.to_path_buf());
        let mut visited = Vec::new();
        let mut found = None;
        for dir in start.ancestors() {
            if let Some(t) = self.by_dir.get(dir) {
                found = Some(t.clone());
                break;
            }
            visited.push(dir.to_path_buf());
            let candidate = dir.join(PLACEHOLDERS_FILE);
            if candidate.is_file() {
                found = Some(TokenFile::parse(&candidate)?);
                break;
            }
        }
        let file = found.unwrap_or_else(TokenFile::builtin);
        for dir in visited {
            self.by_dir.insert(dir, file.clone());
        }
        Ok(file)
    }

    fn load_case(&mut self, dir: &Path) -> Result<Case, LoadError> {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| dir.display().to_string());
        let definition = read_text(&dir.join("definition.json"))?;
        let input = read_json(&dir.join("input.json"))?;
        let expected = read_json(&dir.join("expected.json"))?;
        let history_path = dir.join("history.json");
        let history = if history_path.is_file() {
            match read_json(&history_path)? {
                Value::Array(events) => Some(events),
                _ => {
                    return Err(LoadError::Invalid {
                        path: history_path,
                        message: "expected a JSON array of events".into(),
                    });
                }
            }
        } else {
            None
        };
        let source_path = dir.join("source.txt");
        let source = if source_path.is_file() {
            Some(read_text(&source_path)?)
        } else {
            None
        };
        let notes = source.as_deref().map(parse_source).unwrap_or_default();

        let tokens = self.tokens_for(dir)?;
        let mut placeholders = tokens.standard.clone();
        for t in &notes.tokens {
            let regex = tokens
                .test_specific
                .iter()
                .find(|(lit, _)| lit == t)
                .map(|(_, re)| re.as_str());
            match regex {
                Some(re) => placeholders.add(Token::new(t, re)),
                None => placeholders.add_literal(t),
            }
        }
        Ok(Case {
            name,
            dir: dir.to_path_buf(),
            definition,
            input,
            expected,
            history,
            placeholders,
            source,
            case_tokens: notes.tokens,
            history_reordered: notes.history_reordered,
        })
    }
}

/// What source.txt says that matters for comparing.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SourceNotes {
    /// Case-specific placeholder tokens.
    pub tokens: Vec<String>,
    /// The `history:` note says Parallel-branch events were re-ordered.
    pub history_reordered: bool,
}

/// Parses the `placeholders specific to this test ...: a, b` and `history: ...` lines of
/// a source.txt.
pub fn parse_source(text: &str) -> SourceNotes {
    let mut notes = SourceNotes::default();
    for line in text.lines() {
        let Some((key, value)) = line.split_once(": ") else {
            continue;
        };
        let key = key.trim();
        if key.starts_with("placeholders") {
            notes.tokens.extend(
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string),
            );
        } else if key == "history" && (value.contains("re-ordered") || value.contains("[0]")) {
            notes.history_reordered = true;
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_notes() {
        let text = "test: x\n\
            placeholders specific to this test (besides the standard ones): entered-time, start-time\n\
            history: events inside Parallel branches were re-ordered by the recorder (sorted, ids set to [0], previousEventId 0)\n\
            origin: y\n";
        let n = parse_source(text);
        assert_eq!(n.tokens, ["entered-time", "start-time"]);
        assert!(n.history_reordered);
        let n = parse_source("test: a\nnote: the test gave no input; AWS then uses {}\n");
        assert!(n.tokens.is_empty());
        assert!(!n.history_reordered);
    }
}
