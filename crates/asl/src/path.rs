//! JSONPath as Step Functions evaluates it.
//!
//! A path starts at one of three roots: `$` (the state input), `$$` (the context object) or
//! `$name` (a workflow variable). *Reference paths* (`$.a.b`, `$['a'][0]`) name at most one
//! node and are what `ResultPath` and the Choice `Variable` field need; full paths may also use
//! wildcards, slices, unions, recursive descent and filters and then select a list of nodes.
//!
//! NOTE: this first cut handles reference paths only; the full grammar follows.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde_json::{Map, Value};
use thiserror::Error;

/// Where a path starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Root {
    /// `$`: the effective input of the state.
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: a workflow variable.
    Variable(Box<str>),
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// `.name` or `['name']`
    Field(Box<str>),
    /// `[3]` (negative counts from the end)
    Index(i64),
}

/// A parsed JSONPath expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    text: Box<str>,
    root: Root,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PathError {
    /// The text is not a JSONPath expression.
    #[error("invalid JSONPath '{path}': {reason}")]
    Syntax { path: String, reason: String },
    /// The path names nothing in the value. `normalized` is the path in bracket notation
    /// (`$['a'][0]`), as AWS quotes it in `Invalid path … : No results for path: …`.
    #[error("No results for path: {normalized}")]
    NotFound { normalized: String },
    /// `$name` where no variable `name` is bound.
    #[error("variable '{name}' is not defined")]
    UndefinedVariable { name: String },
    /// `assign` was asked to go through a value that is not an object.
    #[error("cannot set a field of a non-object value at {normalized}")]
    NotAnObject { normalized: String },
}

impl Path {
    /// Parses `text`. Accepts `$`, `$$` and `$name` roots.
    pub fn parse(text: &str) -> Result<Path, PathError> {
        let syntax = |reason: &str| PathError::Syntax {
            path: text.to_string(),
            reason: reason.to_string(),
        };
        let bytes = text.as_bytes();
        if bytes.first() != Some(&b'$') {
            return Err(syntax("a path must start with '$'"));
        }
        let mut i = 1;
        let root = if bytes.get(1) == Some(&b'$') {
            i = 2;
            Root::Context
        } else {
            let start = i;
            while i < bytes.len() && is_ident_byte(bytes[i]) {
                i += 1;
            }
            if i > start {
                Root::Variable(text[start..i].into())
            } else {
                Root::Input
            }
        };
        let mut segments = Vec::new();
        while i < bytes.len() {
            match bytes[i] {
                b'.' => {
                    let start = i + 1;
                    i = start;
                    while i < bytes.len() && bytes[i] != b'.' && bytes[i] != b'[' {
                        i += 1;
                    }
                    if i == start {
                        return Err(syntax("empty field name"));
                    }
                    segments.push(Segment::Field(text[start..i].into()));
                }
                b'[' => {
                    let close = text[i..].find(']').ok_or_else(|| syntax("unclosed '['"))? + i;
                    let inner = text[i + 1..close].trim();
                    if let Some(name) = inner
                        .strip_prefix('\'')
                        .and_then(|s| s.strip_suffix('\''))
                        .or_else(|| inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')))
                    {
                        segments.push(Segment::Field(name.into()));
                    } else if let Ok(n) = inner.parse::<i64>() {
                        segments.push(Segment::Index(n));
                    } else {
                        return Err(syntax("unsupported bracket expression"));
                    }
                    i = close + 1;
                }
                _ => return Err(syntax("unexpected character")),
            }
        }
        Ok(Path {
            text: text.into(),
            root,
            segments,
        })
    }

    /// The text the path was parsed from.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn root(&self) -> &Root {
        &self.root
    }

    /// True when the path names at most one node (no wildcard, slice, union, descent or
    /// filter): a *reference path* in the language's terms.
    pub fn is_reference(&self) -> bool {
        true
    }

    /// True for the bare root (`$`, `$$`, `$name`).
    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    /// Selects from `root` (the value the path's [`Root`] names). A reference path borrows the
    /// node it names; other paths return a new array of the matches.
    pub fn select<'v>(&self, root: &'v Value) -> Result<Cow<'v, Value>, PathError> {
        let mut cur = root;
        for seg in &self.segments {
            let next = match (seg, cur) {
                (Segment::Field(name), Value::Object(m)) => m.get(&**name),
                (Segment::Index(i), Value::Array(a)) => {
                    let idx = if *i < 0 { a.len() as i64 + *i } else { *i };
                    if idx < 0 { None } else { a.get(idx as usize) }
                }
                _ => None,
            };
            match next {
                Some(v) => cur = v,
                None => {
                    return Err(PathError::NotFound {
                        normalized: self.normalized(),
                    });
                }
            }
        }
        Ok(Cow::Borrowed(cur))
    }

    /// Sets the node this reference path names inside `target` to `value`, creating objects
    /// on the way (as `ResultPath` does). `$` replaces `target` whole.
    pub fn assign(&self, target: &mut Value, value: Value) -> Result<(), PathError> {
        let mut cur = target;
        for (n, seg) in self.segments.iter().enumerate() {
            cur = match seg {
                Segment::Field(name) => {
                    if !cur.is_object() {
                        if cur.is_null() {
                            *cur = Value::Object(Map::new());
                        } else {
                            return Err(PathError::NotAnObject {
                                normalized: self.normalized_prefix(n),
                            });
                        }
                    }
                    let m = cur.as_object_mut().expect("checked above");
                    m.entry(name.to_string()).or_insert(Value::Null)
                }
                Segment::Index(i) => {
                    let len = cur.as_array().map(|a| a.len() as i64);
                    match (cur, len) {
                        (Value::Array(a), Some(len)) => {
                            let idx = if *i < 0 { len + *i } else { *i };
                            if idx < 0 || idx >= len {
                                return Err(PathError::NotFound {
                                    normalized: self.normalized_prefix(n + 1),
                                });
                            }
                            &mut a[idx as usize]
                        }
                        _ => {
                            return Err(PathError::NotFound {
                                normalized: self.normalized_prefix(n + 1),
                            });
                        }
                    }
                }
            };
        }
        *cur = value;
        Ok(())
    }

    /// The path in bracket notation, e.g. `$['a'][0]`.
    pub fn normalized(&self) -> String {
        self.normalized_prefix(self.segments.len())
    }

    fn normalized_prefix(&self, n: usize) -> String {
        let mut s = match &self.root {
            Root::Input => "$".to_string(),
            Root::Context => "$$".to_string(),
            Root::Variable(name) => format!("${name}"),
        };
        for seg in &self.segments[..n] {
            match seg {
                Segment::Field(name) => {
                    let _ = write!(s, "['{name}']");
                }
                Segment::Index(i) => {
                    let _ = write!(s, "[{i}]");
                }
            }
        }
        s
    }
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reference_paths_select_and_assign() {
        let v = json!({"a": {"b": [1, 2, 3]}});
        assert_eq!(*Path::parse("$.a.b[1]").unwrap().select(&v).unwrap(), json!(2));
        assert_eq!(*Path::parse("$['a']['b'][-1]").unwrap().select(&v).unwrap(), json!(3));
        let err = Path::parse("$.x").unwrap().select(&v).unwrap_err();
        assert_eq!(err.to_string(), "No results for path: $['x']");
        let mut t = json!({"a": 1});
        Path::parse("$.r.s").unwrap().assign(&mut t, json!(true)).unwrap();
        assert_eq!(t, json!({"a": 1, "r": {"s": true}}));
    }

    #[test]
    fn roots() {
        assert_eq!(Path::parse("$$.Execution.Id").unwrap().root(), &Root::Context);
        assert_eq!(Path::parse("$myVar.x").unwrap().root(), &Root::Variable("myVar".into()));
        assert_eq!(Path::parse("$").unwrap().root(), &Root::Input);
    }
}
