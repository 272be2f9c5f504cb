//! JSONPath as Step Functions evaluates it.
//!
//! Step Functions evaluates paths with the Java Jayway JsonPath library; this module follows
//! Jayway's grammar and semantics (including several of its quirks) so that definitions behave
//! the same here as on AWS.
//!
//! A path starts at one of three roots: `$` (the state input), `$$` (the context object) or
//! `$name` (a workflow variable). *Reference paths* (`$.a.b`, `$['a'][0]`) name at most one
//! node and are what `ResultPath` and the Choice `Variable` field need; full paths may also use
//! wildcards, slices, unions, recursive descent and filters and then select a list of nodes.
//!
//! Grammar (after the root):
//!
//! - `.name` (ends at `.`, `[` or `(`; spaces are not allowed), `['name']`, `["name"]`,
//!   `['a','b']` (as the last step: one object holding those members, Jayway's "merge");
//! - `[0]`, `[-1]`, `[0,2]`, `[1:3]`, `[-2:]`, `[:2]`;
//! - `.*`, `[*]`, `..name`, `..*`, `..[0]`, `..['a']`, `..[?(…)]`;
//! - `[?(filter)]` with `@`/`$` paths, string/number/boolean/null/array/object literals,
//!   `/regex/flags`, the operators `== != === !== < <= > >= =~ in nin subsetof anyof noneof
//!   all contains size empty exists`, `&&`, `||`, `!` and parentheses; a path alone tests
//!   existence. Regexes are matched against the whole value, as Java's `matches()`;
//! - a trailing function: `.length()` (alias `.size()`), `.min()`, `.max()`, `.avg()`,
//!   `.sum()`, `.stddev()`, `.keys()`, `.first()`, `.last()`. After a leading `..` the
//!   function applies to all the matches (`$..book.length()`), after a definite prefix to the
//!   node, otherwise to each match.
//!
//! A *reference* path (fields and single indexes only) selects the node it names, borrowed,
//! or fails with [`PathError::NotFound`]; an *indefinite* path (wildcards, slices, unions,
//! `..`, filters) selects a new array of its matches in document order (possibly empty,
//! never an error). A trailing `['a','b']` or function yields one new value.
//!
//! Robustness: parsing never recurses deeper than [`MAX_NESTING`] levels of filters, groups and
//! literals; walking a value uses an explicit stack; one evaluation does at most
//! [`MAX_WORK`] units of work and then fails with [`PathError::TooComplex`].

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt::Write as _;

use serde_json::{Map, Number, Value};
use thiserror::Error;

mod eval;
mod filter;
mod functions;
mod parser;
mod regex;

use eval::*;
use filter::*;
use functions::*;
use parser::*;

/// How deeply filters, parentheses, `!`, nested paths, literals and regex groups may nest.
pub const MAX_NESTING: u32 = 64;

/// The most nodes one evaluation may visit (recursive descent over recursive descent can
/// otherwise grow without bound).
pub const MAX_WORK: u64 = 1 << 23;

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

/// Which quote a bracketed name was written with (kept for [`Path::normalized`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quote {
    Single,
    Double,
}

impl Quote {
    fn ch(self) -> char {
        match self {
            Quote::Single => '\'',
            Quote::Double => '"',
        }
    }
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
enum Segment {
    /// `.name` or `['name']`
    Field(Box<str>, Quote),
    /// `['a','b']`: as the last step, one object with those members; otherwise each member.
    Fields(Box<[Box<str>]>, Quote),
    /// `[3]` (negative counts from the end)
    Index(i64),
    /// `[0,2]`
    Indexes(Box<[i64]>),
    /// `[from:to]` (Java `int`s, as Jayway)
    Slice(Option<i32>, Option<i32>),
    /// `.*` or `[*]`
    Wildcard,
    /// `..`: the next segment applies to every node of the subtree (pre-order).
    Scan,
    /// `[?(…)]`
    Filter(Box<Filter>),
}

/// A function at the end of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Func {
    Length,
    Min,
    Max,
    Avg,
    Sum,
    Stddev,
    Keys,
    First,
    Last,
}

impl Func {
    fn from_name(name: &str) -> Option<Func> {
        Some(match name {
            "length" | "size" => Func::Length,
            "min" => Func::Min,
            "max" => Func::Max,
            "avg" => Func::Avg,
            "sum" => Func::Sum,
            "stddev" => Func::Stddev,
            "keys" => Func::Keys,
            "first" => Func::First,
            "last" => Func::Last,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Func::Length => "length",
            Func::Min => "min",
            Func::Max => "max",
            Func::Avg => "avg",
            Func::Sum => "sum",
            Func::Stddev => "stddev",
            Func::Keys => "keys",
            Func::First => "first",
            Func::Last => "last",
        }
    }
}

/// A parsed JSONPath expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    text: Box<str>,
    root: Root,
    segments: Box<[Segment]>,
    func: Option<Func>,
    /// Fields and single indexes only, no function.
    reference: bool,
    /// Jayway's notion: selects one value (reference paths, a trailing `['a','b']` merge, a
    /// trailing function).
    definite: bool,
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
    /// `assign` needs a reference path (fields and single indexes only).
    #[error("'{path}' is not a reference path")]
    NotReference { path: String },
    /// A trailing function could not be applied (`length()` of a number, `sum()` of no
    /// numbers, …).
    #[error("function {function}() failed: {reason}")]
    Function { function: String, reason: String },
    /// The evaluation did more than [`MAX_WORK`] units of work.
    #[error("JSONPath '{path}' is too expensive to evaluate")]
    TooComplex { path: String },
}

impl Path {
    /// Parses `text`. Accepts `$`, `$$` and `$name` roots. Surrounding whitespace is ignored,
    /// as Jayway does.
    pub fn parse(text: &str) -> Result<Path, PathError> {
        let trimmed = text.trim();
        let mut p = Parser {
            s: trimmed,
            b: trimmed.as_bytes(),
            pos: 0,
            depth: 0,
            full: text,
        };
        let root = p.parse_root()?;
        let (segments, func) = p.parse_tail(false)?;
        if p.pos != p.b.len() {
            return Err(p.err("unexpected character"));
        }
        Ok(Path::build(text.into(), root, segments, func))
    }

    fn build(text: Box<str>, root: Root, segments: Vec<Segment>, func: Option<Func>) -> Path {
        let simple = |s: &Segment| matches!(s, Segment::Field(..) | Segment::Index(_));
        let reference = func.is_none() && segments.iter().all(simple);
        let n = segments.len();
        let definite = segments
            .iter()
            .enumerate()
            .all(|(i, s)| simple(s) || (i + 1 == n && func.is_none() && matches!(s, Segment::Fields(..))))
            || (func.is_some() && matches!(segments.first(), Some(Segment::Scan)));
        Path {
            text,
            root,
            segments: segments.into_boxed_slice(),
            func,
            reference,
            definite,
        }
    }

    /// The text the path was parsed from.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn root(&self) -> &Root {
        &self.root
    }

    /// True when the path names at most one node (no wildcard, slice, union, descent, filter
    /// or function): a *reference path* in the language's terms.
    pub fn is_reference(&self) -> bool {
        self.reference
    }

    /// True when [`select`](Path::select) yields one value rather than a list of matches
    /// (reference paths, a trailing `['a','b']`, a trailing function): Jayway's "definite".
    pub fn is_definite(&self) -> bool {
        self.definite
    }

    /// The name of the trailing function (`"length"` for `$.items.length()`), if any.
    ///
    /// Note: a recorded AWS failure (`$.Jobs.sum()` in Parameters: "could not be found in
    /// the input") suggests Step Functions does not evaluate Jayway's functions; callers may
    /// reject such paths.
    pub fn function(&self) -> Option<&'static str> {
        self.func.map(Func::name)
    }

    /// True for the bare root (`$`, `$$`, `$name`).
    pub fn is_root(&self) -> bool {
        self.segments.is_empty() && self.func.is_none()
    }

    /// Selects from `root` (the value the path's [`Root`] names). A reference path borrows the
    /// node it names (and never allocates); other paths return a new value: the array of the
    /// matches for an indefinite path, the merged object or function result for a definite
    /// one.
    pub fn select<'v>(&self, root: &'v Value) -> Result<Cow<'v, Value>, PathError> {
        if self.reference {
            return match self.select_reference(root) {
                Some(v) => Ok(Cow::Borrowed(v)),
                None => Err(self.not_found()),
            };
        }
        let mut budget = Budget::new();
        self.eval(root, root, &mut budget).map_err(|e| self.fix_error(e))
    }

    /// The nodes the path matches, borrowed, in document order, without building an array:
    /// for a reference path the one node it names (or `NotFound`), for an indefinite path
    /// every match (possibly none). Paths that build new values (a trailing `['a','b']` or
    /// function) have no nodes to borrow and give `Err(NotReference)`; use
    /// [`select`](Path::select) for them.
    pub fn select_nodes<'v>(&self, root: &'v Value) -> Result<Vec<&'v Value>, PathError> {
        if self.reference {
            return match self.select_reference(root) {
                Some(v) => Ok(vec![v]),
                None => Err(self.not_found()),
            };
        }
        if self.func.is_some() || self.merge_leaf().is_some() {
            return Err(PathError::NotReference {
                path: self.text.to_string(),
            });
        }
        let mut budget = Budget::new();
        let mut out = Vec::new();
        eval_segments(&self.segments, root, root, &mut budget, &mut out).map_err(|e| self.fix_error(e))?;
        Ok(out)
    }

    fn select_reference<'v>(&self, root: &'v Value) -> Option<&'v Value> {
        let mut cur = root;
        for seg in self.segments.iter() {
            cur = match (seg, cur) {
                (Segment::Field(name, _), Value::Object(m)) => m.get(&**name)?,
                (Segment::Index(i), Value::Array(a)) => a.get(resolve_index(*i, a.len())?)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    fn not_found(&self) -> PathError {
        PathError::NotFound {
            normalized: self.normalized(),
        }
    }

    fn fix_error(&self, e: PathError) -> PathError {
        match e {
            PathError::NotFound { .. } => self.not_found(),
            PathError::TooComplex { .. } => PathError::TooComplex {
                path: self.text.to_string(),
            },
            e => e,
        }
    }

    /// The names of a trailing `['a','b']`.
    fn merge_leaf(&self) -> Option<&[Box<str>]> {
        match self.segments.last() {
            Some(Segment::Fields(names, _)) if self.func.is_none() => Some(names),
            _ => None,
        }
    }

    /// General evaluation. `NotFound` errors carry no useful `normalized`; callers fix it.
    fn eval<'v>(&self, start: &'v Value, doc: &'v Value, budget: &mut Budget) -> Result<Cow<'v, Value>, PathError> {
        let not_found = || PathError::NotFound {
            normalized: String::new(),
        };
        let mut segs: &[Segment] = &self.segments;
        let merge = self.merge_leaf();
        if merge.is_some() {
            segs = &segs[..segs.len() - 1];
        }
        // A merge after `..` applies to every object of the subtree holding all the names.
        let merge_scan = merge.is_some() && matches!(segs.last(), Some(Segment::Scan));
        if merge_scan {
            segs = &segs[..segs.len() - 1];
        }
        let mut nodes = Vec::new();
        eval_segments(segs, start, doc, budget, &mut nodes)?;
        let prefix_definite = segs.iter().all(|s| matches!(s, Segment::Field(..) | Segment::Index(_))) && !merge_scan;

        if let Some(names) = merge {
            let merge_one = |m: &Map<String, Value>| {
                let mut out = Map::new();
                for n in names {
                    if let Some(v) = m.get(&**n) {
                        out.insert(n.to_string(), v.clone());
                    }
                }
                Value::Object(out)
            };
            if merge_scan {
                let mut hits = Vec::new();
                for &n in &nodes {
                    walk(n, budget, |v, _| {
                        if let Value::Object(m) = v
                            && names.iter().all(|k| m.contains_key(&**k))
                        {
                            hits.push(merge_one(m));
                        }
                        Ok(())
                    })?;
                }
                return self.finish(Value::Array(hits));
            }
            if prefix_definite {
                return match nodes.first() {
                    Some(Value::Object(m)) => self.finish(merge_one(m)),
                    _ => Err(not_found()),
                };
            }
            let merged = nodes.iter().filter_map(|v| v.as_object().map(merge_one)).collect();
            return self.finish(Value::Array(merged));
        }
        if prefix_definite {
            return match nodes.first() {
                Some(v) => match self.func {
                    Some(f) => apply_func(f, v).map(Cow::Owned),
                    None => Ok(Cow::Borrowed(*v)),
                },
                None => Err(not_found()),
            };
        }
        match self.func {
            None => Ok(Cow::Owned(Value::Array(nodes.into_iter().cloned().collect()))),
            // Jayway rewrites `$..x.f()` as `f($..x)`; `length()` then counts the children of
            // the matches (`$..book.length()` is the number of books).
            Some(Func::Length) if matches!(segs.first(), Some(Segment::Scan)) => {
                let n: usize = nodes
                    .iter()
                    .map(|v| match v {
                        Value::Array(a) => a.len(),
                        Value::Object(m) => m.len(),
                        _ => 0,
                    })
                    .sum();
                Ok(Cow::Owned(Value::from(n)))
            }
            Some(f) if matches!(segs.first(), Some(Segment::Scan)) => {
                let list = Value::Array(nodes.into_iter().cloned().collect());
                apply_func(f, &list).map(Cow::Owned)
            }
            // Otherwise the function applies to each match.
            Some(f) => nodes
                .into_iter()
                .map(|v| apply_func(f, v))
                .collect::<Result<Vec<_>, _>>()
                .map(|r| Cow::Owned(Value::Array(r))),
        }
    }

    fn finish<'v>(&self, v: Value) -> Result<Cow<'v, Value>, PathError> {
        match self.func {
            Some(f) => apply_func(f, &v).map(Cow::Owned),
            None => Ok(Cow::Owned(v)),
        }
    }

    /// Sets the node this reference path names inside `target` to `value`, creating objects
    /// on the way (as `ResultPath` does). `$` replaces `target` whole.
    pub fn assign(&self, target: &mut Value, value: Value) -> Result<(), PathError> {
        if !self.reference {
            return Err(PathError::NotReference {
                path: self.text.to_string(),
            });
        }
        let mut cur = target;
        for (n, seg) in self.segments.iter().enumerate() {
            cur = match seg {
                Segment::Field(name, _) => {
                    if !cur.is_object() {
                        if cur.is_null() {
                            *cur = Value::Object(Map::new());
                        } else {
                            return Err(PathError::NotAnObject {
                                normalized: self.normalized_prefix(n),
                            });
                        }
                    }
                    match cur {
                        Value::Object(m) => m.entry(name.to_string()).or_insert(Value::Null),
                        _ => unreachable!("made an object above"),
                    }
                }
                Segment::Index(i) => match cur {
                    Value::Array(a) => match resolve_index(*i, a.len()) {
                        Some(idx) => &mut a[idx],
                        None => {
                            return Err(PathError::NotFound {
                                normalized: self.normalized_prefix(n + 1),
                            });
                        }
                    },
                    _ => {
                        return Err(PathError::NotFound {
                            normalized: self.normalized_prefix(n + 1),
                        });
                    }
                },
                _ => unreachable!("reference paths hold fields and indexes only"),
            };
        }
        *cur = value;
        Ok(())
    }

    /// The path in Jayway's bracket notation, e.g. `$['a'][0]`, `$..['b'][*]`, `$['c'][?]`.
    pub fn normalized(&self) -> String {
        let mut s = self.normalized_prefix(self.segments.len());
        if let Some(f) = self.func {
            let _ = write!(s, ".{}()", f.name());
        }
        s
    }

    fn normalized_prefix(&self, n: usize) -> String {
        let mut s = match &self.root {
            Root::Input => "$".to_string(),
            Root::Context => "$$".to_string(),
            Root::Variable(name) => format!("${name}"),
        };
        for seg in &self.segments[..n] {
            let _ = match seg {
                Segment::Field(name, q) => write!(s, "[{q}{name}{q}]", q = q.ch()),
                Segment::Fields(names, q) => {
                    s.push('[');
                    for (i, name) in names.iter().enumerate() {
                        if i > 0 {
                            s.push(',');
                        }
                        let _ = write!(s, "{q}{name}{q}", q = q.ch());
                    }
                    s.push(']');
                    Ok(())
                }
                Segment::Index(i) => write!(s, "[{i}]"),
                Segment::Indexes(is) => {
                    s.push('[');
                    for (k, i) in is.iter().enumerate() {
                        if k > 0 {
                            s.push(',');
                        }
                        let _ = write!(s, "{i}");
                    }
                    s.push(']');
                    Ok(())
                }
                Segment::Slice(from, to) => {
                    s.push('[');
                    if let Some(f) = from {
                        let _ = write!(s, "{f}");
                    }
                    s.push(':');
                    if let Some(t) = to {
                        let _ = write!(s, "{t}");
                    }
                    s.push(']');
                    Ok(())
                }
                Segment::Wildcard => write!(s, "[*]"),
                Segment::Scan => write!(s, ".."),
                Segment::Filter(_) => write!(s, "[?]"),
            };
        }
        s
    }
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Jayway's index resolution: negative counts from the end; out of range is nothing.
fn resolve_index(i: i64, len: usize) -> Option<usize> {
    let idx = if i < 0 { len as i64 + i } else { i };
    if idx < 0 || idx >= len as i64 {
        None
    } else {
        Some(idx as usize)
    }
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
