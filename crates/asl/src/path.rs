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

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

struct Budget {
    left: u64,
}

impl Budget {
    fn new() -> Self {
        Budget { left: MAX_WORK }
    }

    fn spend(&mut self, n: u64) -> Result<(), PathError> {
        if self.left < n {
            self.left = 0;
            return Err(PathError::TooComplex { path: String::new() });
        }
        self.left -= n;
        Ok(())
    }
}

/// Applies `segs` to `start`, appending the matches to `out` in document order. Segment by
/// segment over a frontier, so deep paths do not recurse.
fn eval_segments<'v>(
    segs: &[Segment],
    start: &'v Value,
    doc: &'v Value,
    budget: &mut Budget,
    out: &mut Vec<&'v Value>,
) -> Result<(), PathError> {
    let mut cur: Vec<&'v Value> = vec![start];
    let mut next: Vec<&'v Value> = Vec::new();
    let mut i = 0;
    while i < segs.len() {
        if cur.is_empty() {
            return Ok(());
        }
        match &segs[i] {
            Segment::Scan => {
                // The parser guarantees a selector follows `..`.
                let sel = match segs.get(i + 1) {
                    Some(s) => s,
                    None => return Ok(()),
                };
                for &n in &cur {
                    walk(n, budget, |v, budget| scan_apply(sel, v, doc, budget, &mut next))?;
                }
                i += 2;
            }
            seg => {
                for &n in &cur {
                    apply(seg, n, doc, budget, &mut next)?;
                }
                i += 1;
            }
        }
        budget.spend(next.len() as u64 + 1)?;
        std::mem::swap(&mut cur, &mut next);
        next.clear();
    }
    out.extend(cur);
    Ok(())
}

/// Visits `root` and every node below it in pre-order (document order), without recursion.
fn walk<'v, F>(root: &'v Value, budget: &mut Budget, mut f: F) -> Result<(), PathError>
where
    F: FnMut(&'v Value, &mut Budget) -> Result<(), PathError>,
{
    let mut stack: Vec<&'v Value> = vec![root];
    while let Some(v) = stack.pop() {
        budget.spend(1)?;
        f(v, budget)?;
        match v {
            Value::Object(m) => stack.extend(m.values().rev()),
            Value::Array(a) => stack.extend(a.iter().rev()),
            _ => {}
        }
    }
    Ok(())
}

/// Applies the selector after `..` to one node of the walk (Jayway's scan semantics).
fn scan_apply<'v>(
    sel: &Segment,
    v: &'v Value,
    doc: &'v Value,
    budget: &mut Budget,
    out: &mut Vec<&'v Value>,
) -> Result<(), PathError> {
    match sel {
        Segment::Filter(f) => match v {
            Value::Object(_) => {
                if f.test(v, doc, budget)? {
                    out.push(v);
                }
                Ok(())
            }
            Value::Array(a) => {
                if f.test(v, doc, budget)? {
                    for e in a {
                        if f.test(e, doc, budget)? {
                            out.push(e);
                        }
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        },
        Segment::Fields(names, _) => {
            // Jayway only visits objects holding all the names.
            if let Value::Object(m) = v
                && names.iter().all(|n| m.contains_key(&**n))
            {
                out.extend(names.iter().filter_map(|n| m.get(&**n)));
            }
            Ok(())
        }
        seg => apply(seg, v, doc, budget, out),
    }
}

/// Applies one (non-scan) segment to one node.
fn apply<'v>(
    seg: &Segment,
    v: &'v Value,
    doc: &'v Value,
    budget: &mut Budget,
    out: &mut Vec<&'v Value>,
) -> Result<(), PathError> {
    match (seg, v) {
        (Segment::Field(name, _), Value::Object(m)) => out.extend(m.get(&**name)),
        (Segment::Fields(names, _), Value::Object(m)) => out.extend(names.iter().filter_map(|n| m.get(&**n))),
        (Segment::Index(i), Value::Array(a)) => out.extend(resolve_index(*i, a.len()).and_then(|i| a.get(i))),
        (Segment::Indexes(is), Value::Array(a)) => out.extend(
            is.iter()
                .filter_map(|i| resolve_index(*i, a.len()).and_then(|i| a.get(i))),
        ),
        (Segment::Slice(from, to), Value::Array(a)) => {
            let (lo, hi) = slice_bounds(from.map(i64::from), to.map(i64::from), a.len());
            out.extend((lo..hi).filter_map(|i| resolve_index(i, a.len()).and_then(|i| a.get(i))));
        }
        (Segment::Wildcard, Value::Object(m)) => out.extend(m.values()),
        (Segment::Wildcard, Value::Array(a)) => out.extend(a.iter()),
        (Segment::Filter(f), Value::Array(a)) => {
            for e in a {
                if f.test(e, doc, budget)? {
                    out.push(e);
                }
            }
        }
        // Jayway applies a filter on an object to the object itself.
        (Segment::Filter(f), Value::Object(_)) if f.test(v, doc, budget)? => out.push(v),
        _ => {}
    }
    Ok(())
}

/// Jayway's slice rules, as a range of (possibly negative) indexes to resolve one by one.
fn slice_bounds(from: Option<i64>, to: Option<i64>, len: usize) -> (i64, i64) {
    let len = len as i64;
    match (from, to) {
        (Some(f), None) => {
            let f = if f < 0 { (len + f).max(0) } else { f };
            (f.min(len), len)
        }
        (None, Some(t)) => {
            let t = if t < 0 { (len + t).max(0) } else { t };
            (0, t.min(len))
        }
        (Some(f), Some(t)) => {
            // Jayway does not normalise a negative `from` here: each index is resolved (and
            // negative ones count from the end). Indexes below -len resolve to nothing.
            let t = t.min(len);
            let f = f.max(-len);
            if f >= t || len == 0 { (0, 0) } else { (f, t) }
        }
        (None, None) => (0, len),
    }
}

fn func_error(f: Func, reason: &str) -> PathError {
    PathError::Function {
        function: f.name().to_string(),
        reason: reason.to_string(),
    }
}

fn apply_func(f: Func, v: &Value) -> Result<Value, PathError> {
    match f {
        Func::Length => match v {
            Value::Array(a) => Ok(Value::from(a.len())),
            Value::Object(m) => Ok(Value::from(m.len())),
            Value::String(s) => Ok(Value::from(s.encode_utf16().count())),
            _ => Err(func_error(f, "length() applies to arrays, objects and strings")),
        },
        Func::Keys => match v {
            Value::Object(m) => Ok(Value::Array(m.keys().map(|k| Value::String(k.clone())).collect())),
            _ => Err(func_error(f, "keys() applies to objects")),
        },
        Func::First | Func::Last => match v {
            Value::Array(a) => {
                let e = if f == Func::First { a.first() } else { a.last() };
                e.cloned().ok_or_else(|| func_error(f, "the array is empty"))
            }
            _ => Err(func_error(f, "applies to arrays")),
        },
        Func::Min | Func::Max | Func::Avg | Func::Sum | Func::Stddev => {
            let nums: Vec<f64> = match v {
                Value::Array(a) => a.iter().filter_map(Value::as_f64).collect(),
                _ => Vec::new(),
            };
            if nums.is_empty() {
                return Err(func_error(
                    f,
                    "Aggregation function attempted to calculate value using empty array",
                ));
            }
            let n = nums.len() as f64;
            let sum: f64 = nums.iter().sum();
            let r = match f {
                Func::Min => nums.iter().copied().fold(f64::INFINITY, f64::min),
                Func::Max => nums.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                Func::Sum => sum,
                Func::Avg => sum / n,
                _ => {
                    let sq: f64 = nums.iter().map(|x| x * x).sum();
                    let mean = sum / n;
                    (sq / n - mean * mean).max(0.0).sqrt()
                }
            };
            Number::from_f64(r)
                .map(Value::Number)
                .ok_or_else(|| func_error(f, "the result is not a finite number"))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Filters
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
struct Filter {
    expr: Expr,
}

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    Exists(Operand),
    Cmp(Operand, Op, Operand),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Regex,
    In,
    Nin,
    SubsetOf,
    AnyOf,
    NoneOf,
    Contains,
    Size,
    Empty,
    /// `===`: same kind of value and equal.
    StrictEq,
    /// `!==`
    StrictNe,
    /// The left array holds every element of the right one.
    All,
    /// `@.a exists true|false`
    Exists,
}

#[derive(Debug, Clone, PartialEq)]
enum Operand {
    /// `@…`: relative to the item being tested.
    Current(Box<Path>),
    /// `$…`: relative to the document the outer path is evaluated on.
    Document(Box<Path>),
    Literal(Value),
    Regex(Box<regex::Regex>),
}

/// A filter operand's value, as Jayway's `ValueNode`.
enum Val<'a> {
    Undefined,
    Node(Cow<'a, Value>),
    Regex(&'a regex::Regex),
}

impl Filter {
    fn test(&self, item: &Value, doc: &Value, budget: &mut Budget) -> Result<bool, PathError> {
        budget.spend(1)?;
        self.expr.eval(item, doc, budget)
    }
}

impl Expr {
    fn eval(&self, item: &Value, doc: &Value, budget: &mut Budget) -> Result<bool, PathError> {
        Ok(match self {
            Expr::Or(es) => {
                for e in es {
                    if e.eval(item, doc, budget)? {
                        return Ok(true);
                    }
                }
                false
            }
            Expr::And(es) => {
                for e in es {
                    if !e.eval(item, doc, budget)? {
                        return Ok(false);
                    }
                }
                true
            }
            Expr::Not(e) => !e.eval(item, doc, budget)?,
            Expr::Exists(o) => o.exists(item, doc, budget)?,
            Expr::Cmp(l, Op::Exists, r) => {
                let want = match r {
                    Operand::Literal(Value::Bool(b)) => *b,
                    _ => return Ok(false),
                };
                l.exists(item, doc, budget)? == want
            }
            Expr::Cmp(l, op, r) => {
                let l = l.value(item, doc, budget)?;
                let r = r.value(item, doc, budget)?;
                compare(&l, *op, &r)
            }
        })
    }
}

impl Operand {
    /// A path names something (an indefinite one: at least one match).
    fn exists(&self, item: &Value, doc: &Value, budget: &mut Budget) -> Result<bool, PathError> {
        Ok(match self.value(item, doc, budget)? {
            Val::Undefined => false,
            Val::Node(v) => match (&*v, self.is_indefinite_path()) {
                (Value::Array(a), true) => !a.is_empty(),
                _ => true,
            },
            Val::Regex(_) => true,
        })
    }

    fn is_indefinite_path(&self) -> bool {
        match self {
            Operand::Current(p) | Operand::Document(p) => !p.definite,
            _ => false,
        }
    }

    fn value<'a>(&'a self, item: &'a Value, doc: &'a Value, budget: &mut Budget) -> Result<Val<'a>, PathError> {
        let (path, start) = match self {
            Operand::Literal(v) => return Ok(Val::Node(Cow::Borrowed(v))),
            Operand::Regex(r) => return Ok(Val::Regex(r)),
            Operand::Current(p) => (p, item),
            Operand::Document(p) => (p, doc),
        };
        let r = if path.reference {
            path.select_reference(start)
                .map(Cow::Borrowed)
                .ok_or(PathError::NotFound {
                    normalized: String::new(),
                })
        } else {
            path.eval(start, doc, budget)
        };
        match r {
            Ok(v) => Ok(Val::Node(v)),
            Err(PathError::NotFound { .. } | PathError::Function { .. }) => Ok(Val::Undefined),
            Err(e) => Err(e),
        }
    }
}

fn compare(l: &Val<'_>, op: Op, r: &Val<'_>) -> bool {
    use Val::{Node, Regex};
    match op {
        Op::Eq => matches!((l, r), (Node(a), Node(b)) if node_eq(a, b)),
        Op::Ne => !compare(l, Op::Eq, r),
        Op::StrictEq => match (l, r) {
            (Node(a), Node(b)) => kind(a) == kind(b) && node_eq(a, b),
            _ => false,
        },
        Op::StrictNe => !compare(l, Op::StrictEq, r),
        Op::All => match (l, r) {
            (Node(a), Node(b)) => match (&**a, &**b) {
                (Value::Array(have), Value::Array(need)) => need.iter().all(|n| have.iter().any(|h| node_eq(n, h))),
                // Jayway: an object "contains all" trivially.
                (Value::Object(_), Value::Array(_)) => true,
                _ => false,
            },
            _ => false,
        },
        Op::Exists => false, // evaluated in `Expr::eval`
        Op::Lt | Op::Le | Op::Gt | Op::Ge => {
            let ord = match (l, r) {
                (Node(a), Node(b)) => match (&**a, &**b) {
                    (Value::Number(x), Value::Number(y)) => num_cmp(x, y),
                    (Value::String(x), Value::String(y)) => Some(x.encode_utf16().cmp(y.encode_utf16())),
                    _ => None,
                },
                _ => None,
            };
            match ord {
                None => false,
                Some(o) => match op {
                    Op::Lt => o == Ordering::Less,
                    Op::Le => o != Ordering::Greater,
                    Op::Gt => o == Ordering::Greater,
                    _ => o != Ordering::Less,
                },
            }
        }
        Op::Regex => {
            let (re, input) = match (l, r) {
                (Regex(_), Regex(_)) => return false,
                (Regex(re), other) | (other, Regex(re)) => (re, other),
                _ => return false,
            };
            let text: Cow<'_, str> = match input {
                Node(v) => match &**v {
                    Value::String(s) => Cow::Borrowed(s.as_str()),
                    Value::Number(n) => Cow::Owned(n.to_string()),
                    Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
                    _ => Cow::Borrowed(""),
                },
                _ => Cow::Borrowed(""),
            };
            re.is_match(&text)
        }
        Op::In => match (l, r) {
            (Node(a), Node(b)) => match &**b {
                Value::Array(list) => list.iter().any(|e| node_eq(a, e)),
                _ => false,
            },
            _ => false,
        },
        Op::Nin => !compare(l, Op::In, r),
        Op::SubsetOf | Op::AnyOf | Op::NoneOf => match (l, r) {
            (Node(a), Node(b)) => match (&**a, &**b) {
                (Value::Array(left), Value::Array(right)) => {
                    let inr = |e: &Value| right.iter().any(|x| node_eq(e, x));
                    match op {
                        Op::SubsetOf => left.iter().all(inr),
                        Op::AnyOf => left.iter().any(inr),
                        _ => !left.iter().any(inr),
                    }
                }
                _ => false,
            },
            _ => false,
        },
        Op::Contains => match (l, r) {
            (Node(a), Node(b)) => match (&**a, &**b) {
                (Value::String(s), Value::String(t)) => s.contains(t.as_str()),
                (Value::Array(list), _) => list.iter().any(|e| node_eq(b, e)),
                _ => false,
            },
            _ => false,
        },
        Op::Size => match (l, r) {
            (Node(a), Node(b)) => {
                let expected = match &**b {
                    Value::Number(n) => match n.as_i64() {
                        Some(i) => i,
                        None => n.as_f64().map_or(-1, |f| f.trunc() as i64),
                    },
                    _ => return false,
                };
                match &**a {
                    Value::String(s) => s.encode_utf16().count() as i64 == expected,
                    Value::Array(v) => v.len() as i64 == expected,
                    _ => false,
                }
            }
            _ => false,
        },
        Op::Empty => match (l, r) {
            (Node(a), Node(b)) => {
                let want = match &**b {
                    Value::Bool(x) => *x,
                    _ => return false,
                };
                match &**a {
                    Value::String(s) => s.is_empty() == want,
                    Value::Array(v) => v.is_empty() == want,
                    Value::Object(m) => m.is_empty() == want,
                    _ => false,
                }
            }
            _ => false,
        },
    }
}

/// Jayway's `ValueNode` classes, for `===`.
fn kind(v: &Value) -> u8 {
    match v {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Number(_) => 2,
        Value::String(_) => 3,
        Value::Array(_) | Value::Object(_) => 4,
    }
}

/// Jayway's `ValueNode` equality: numbers by value; a number equals a string that parses to
/// it; a string equals a number whose text it is; arrays and objects structurally.
fn node_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => num_cmp(x, y) == Some(Ordering::Equal),
        (Value::Number(x), Value::String(s)) => {
            parse_number(s).is_some_and(|y| num_cmp(x, &y) == Some(Ordering::Equal))
        }
        (Value::String(s), Value::Number(n)) => *s == n.to_string(),
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Null, Value::Null) => true,
        (Value::Array(_) | Value::Object(_), Value::Array(_) | Value::Object(_)) => a == b,
        _ => false,
    }
}

fn num_cmp(a: &Number, b: &Number) -> Option<Ordering> {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return Some(x.cmp(&y));
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return Some(x.cmp(&y));
    }
    let int = |n: &Number| n.is_i64() || n.is_u64();
    if int(a) && int(b) {
        // One is above i64::MAX, the other negative.
        return Some(if a.is_u64() { Ordering::Greater } else { Ordering::Less });
    }
    a.as_f64()?.partial_cmp(&b.as_f64()?)
}

/// A decimal number as Java's `BigDecimal` reads it (no `inf`, `NaN`, hex).
fn parse_number(s: &str) -> Option<Number> {
    let s = s.strip_prefix('+').unwrap_or(s);
    if s.is_empty()
        || !s
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'+' | b'e' | b'E'))
        || !s.bytes().any(|c| c.is_ascii_digit())
    {
        return None;
    }
    if let Ok(i) = s.parse::<i64>() {
        return Some(Number::from(i));
    }
    if let Ok(u) = s.parse::<u64>() {
        return Some(Number::from(u));
    }
    s.parse::<f64>().ok().and_then(Number::from_f64)
}

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

struct Parser<'a> {
    /// The trimmed text.
    s: &'a str,
    b: &'a [u8],
    pos: usize,
    depth: u32,
    /// The text as given, for error messages.
    full: &'a str,
}

/// Characters that end a path inside a filter (Jayway stops at blanks, relational operator
/// characters and an unbalanced `)`).
fn is_filter_stop(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t' | b'\n' | b'\r' | b')' | b'<' | b'>' | b'=' | b'~' | b'!' | b'&' | b'|' | b','
    )
}

impl<'a> Parser<'a> {
    fn err(&self, reason: &str) -> PathError {
        PathError::Syntax {
            path: self.full.to_string(),
            reason: format!("{reason} at position {}", self.pos),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn peek_at(&self, off: usize) -> Option<u8> {
        self.b.get(self.pos + off).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, c: u8, what: &str) -> Result<(), PathError> {
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(what))
        }
    }

    fn enter(&mut self) -> Result<(), PathError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.err("expression nests too deeply"));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn parse_root(&mut self) -> Result<Root, PathError> {
        if self.peek() != Some(b'$') {
            return Err(self.err("a path must start with '$'"));
        }
        self.pos += 1;
        if self.peek() == Some(b'$') {
            self.pos += 1;
            return Ok(Root::Context);
        }
        let start = self.pos;
        while self.peek().is_some_and(is_ident_byte) {
            self.pos += 1;
        }
        if self.pos > start {
            Ok(Root::Variable(self.s[start..self.pos].into()))
        } else {
            Ok(Root::Input)
        }
    }

    /// Parses the segments after a root. In a filter (`embedded`), the path ends at a blank,
    /// an operator character or `)`.
    fn parse_tail(&mut self, embedded: bool) -> Result<(Vec<Segment>, Option<Func>), PathError> {
        let mut segs = Vec::new();
        let mut func = None;
        while let Some(c) = self.peek() {
            if embedded && is_filter_stop(c) {
                break;
            }
            if func.is_some() {
                return Err(self.err("a function must end the path"));
            }
            match c {
                b'.' => {
                    let scan = self.peek_at(1) == Some(b'.');
                    self.pos += if scan { 2 } else { 1 };
                    match self.peek() {
                        None => return Err(self.err("a path must not end with '.' or '..'")),
                        Some(c) if embedded && is_filter_stop(c) => {
                            return Err(self.err("a path must not end with '.' or '..'"));
                        }
                        Some(b'.') => return Err(self.err("'.' is not valid here")),
                        _ => {}
                    }
                    if scan {
                        segs.push(Segment::Scan);
                    }
                    match self.peek() {
                        Some(b'[') => {} // `.[…]` and `..[…]`: the bracket is read next.
                        Some(b'*') => {
                            self.pos += 1;
                            segs.push(Segment::Wildcard);
                        }
                        _ => {
                            let (name, is_func) = self.read_dot_name(embedded)?;
                            if is_func {
                                if scan {
                                    return Err(self.err("a function cannot follow '..'"));
                                }
                                func = Some(Func::from_name(name).ok_or_else(|| self.err("unknown function"))?);
                            } else {
                                segs.push(Segment::Field(name.into(), Quote::Single));
                            }
                        }
                    }
                }
                b'[' => {
                    let seg = self.parse_bracket()?;
                    segs.push(seg);
                }
                b' ' | b'\t' | b'\n' | b'\r' => {
                    return Err(self.err("unexpected blank; use ['a b'] for such names"));
                }
                _ => return Err(self.err("expected '.' or '['")),
            }
        }
        if matches!(segs.last(), Some(Segment::Scan)) {
            return Err(self.err("a path must not end with '..'"));
        }
        Ok((segs, func))
    }

    /// Reads a dot-notation name; returns it and whether it is a function call `name()`.
    fn read_dot_name(&mut self, embedded: bool) -> Result<(&'a str, bool), PathError> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c == b'.' || c == b'[' || c == b'(' || (embedded && is_filter_stop(c)) {
                break;
            }
            if c.is_ascii_whitespace() {
                return Err(self.err("use bracket notation ['my prop'] for names with blanks"));
            }
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.err("empty name"));
        }
        let name = &self.s[start..self.pos];
        if self.peek() == Some(b'(') {
            self.pos += 1;
            self.skip_ws();
            if self.peek() != Some(b')') {
                return Err(self.err("function parameters are not supported"));
            }
            self.pos += 1;
            return Ok((name, true));
        }
        Ok((name, false))
    }

    fn parse_bracket(&mut self) -> Result<Segment, PathError> {
        let open = self.pos;
        self.pos += 1;
        self.skip_ws();
        match self.peek() {
            Some(q @ (b'\'' | b'"')) => self.parse_names(q),
            Some(b'*') => {
                self.pos += 1;
                self.skip_ws();
                self.expect(b']', "expected ']' after '*'")?;
                Ok(Segment::Wildcard)
            }
            Some(b'?') => {
                self.pos += 1;
                self.skip_ws();
                if self.peek() != Some(b'(') {
                    return Err(self.err("expected '(' after '[?'"));
                }
                self.enter()?;
                let expr = self.parse_or()?;
                self.leave();
                self.skip_ws();
                self.expect(b']', "expected ']' to close the filter")?;
                Ok(Segment::Filter(Box::new(Filter { expr })))
            }
            Some(c) if c.is_ascii_digit() || c == b'-' || c == b':' => {
                let close = self.s[self.pos..]
                    .find(']')
                    .map(|i| i + self.pos)
                    .ok_or_else(|| self.err("unclosed '['"))?;
                let inner = &self.s[self.pos..close];
                let seg = parse_indexes(inner).ok_or_else(|| {
                    self.pos = open;
                    self.err("invalid array index, slice or union")
                })?;
                self.pos = close + 1;
                Ok(seg)
            }
            _ => Err(self.err("expected a quoted name, an index, '*' or '?' after '['")),
        }
    }

    /// `['a']`, `['a','b']`. Names are taken as written (AWS does not unescape them); a
    /// backslash only keeps the next character from closing the name.
    fn parse_names(&mut self, q: u8) -> Result<Segment, PathError> {
        let mut names: Vec<Box<str>> = Vec::new();
        loop {
            self.skip_ws();
            if self.peek() != Some(q) {
                return Err(self.err("expected a quoted name"));
            }
            self.pos += 1;
            let start = self.pos;
            let mut escaped = false;
            loop {
                match self.peek() {
                    None => return Err(self.err("unclosed quoted name")),
                    Some(_) if escaped => escaped = false,
                    Some(b'\\') => escaped = true,
                    Some(c) if c == q => break,
                    Some(_) => {}
                }
                self.pos += 1;
            }
            names.push(self.s[start..self.pos].into());
            self.pos += 1;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.err("expected ',' or ']' after a quoted name")),
            }
        }
        let quote = if q == b'"' { Quote::Double } else { Quote::Single };
        Ok(if names.len() == 1 {
            Segment::Field(names.pop().unwrap_or_default(), quote)
        } else {
            Segment::Fields(names.into_boxed_slice(), quote)
        })
    }

    // --- filter expressions ---

    fn parse_or(&mut self) -> Result<Expr, PathError> {
        let mut es = vec![self.parse_and()?];
        loop {
            self.skip_ws();
            if self.peek() == Some(b'|') && self.peek_at(1) == Some(b'|') {
                self.pos += 2;
                es.push(self.parse_and()?);
            } else {
                break;
            }
        }
        Ok(if es.len() == 1 {
            es.pop().unwrap_or(Expr::Or(Vec::new()))
        } else {
            Expr::Or(es)
        })
    }

    fn parse_and(&mut self) -> Result<Expr, PathError> {
        let mut es = vec![self.parse_unary()?];
        loop {
            self.skip_ws();
            if self.peek() == Some(b'&') && self.peek_at(1) == Some(b'&') {
                self.pos += 2;
                es.push(self.parse_unary()?);
            } else {
                break;
            }
        }
        Ok(if es.len() == 1 {
            es.pop().unwrap_or(Expr::And(Vec::new()))
        } else {
            Expr::And(es)
        })
    }

    fn parse_unary(&mut self) -> Result<Expr, PathError> {
        self.skip_ws();
        match self.peek() {
            Some(b'!') if self.peek_at(1) != Some(b'=') => {
                self.pos += 1;
                self.enter()?;
                let e = self.parse_unary()?;
                self.leave();
                Ok(Expr::Not(Box::new(e)))
            }
            Some(b'(') => {
                self.pos += 1;
                self.enter()?;
                let e = self.parse_or()?;
                self.leave();
                self.skip_ws();
                self.expect(b')', "expected ')'")?;
                Ok(e)
            }
            _ => self.parse_relation(),
        }
    }

    fn parse_relation(&mut self) -> Result<Expr, PathError> {
        let left = self.parse_operand()?;
        self.skip_ws();
        let op = match self.parse_op() {
            Some(op) => op,
            None => {
                return match left {
                    Operand::Current(_) | Operand::Document(_) => Ok(Expr::Exists(left)),
                    _ => Err(self.err("expected a relational operator")),
                };
            }
        };
        self.skip_ws();
        let right = self.parse_operand()?;
        Ok(Expr::Cmp(left, op, right))
    }

    fn parse_op(&mut self) -> Option<Op> {
        let rest = &self.b[self.pos..];
        const SYMBOLS: [(&str, Op); 9] = [
            ("===", Op::StrictEq),
            ("!==", Op::StrictNe),
            ("==", Op::Eq),
            ("!=", Op::Ne),
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("=~", Op::Regex),
            ("<", Op::Lt),
            (">", Op::Gt),
        ];
        for (sym, op) in SYMBOLS {
            if rest.starts_with(sym.as_bytes()) {
                self.pos += sym.len();
                return Some(op);
            }
        }
        let word_len = rest.iter().take_while(|c| c.is_ascii_alphabetic()).count();
        let op = match &rest[..word_len] {
            b"in" => Op::In,
            b"nin" => Op::Nin,
            b"subsetof" => Op::SubsetOf,
            b"anyof" => Op::AnyOf,
            b"noneof" => Op::NoneOf,
            b"contains" => Op::Contains,
            b"size" => Op::Size,
            b"empty" => Op::Empty,
            b"all" => Op::All,
            b"exists" => Op::Exists,
            _ => return None,
        };
        self.pos += word_len;
        Some(op)
    }

    fn parse_operand(&mut self) -> Result<Operand, PathError> {
        self.skip_ws();
        match self.peek() {
            Some(c @ (b'@' | b'$')) => {
                let start = self.pos;
                self.pos += 1;
                if c == b'$' && self.peek().is_some_and(|c| c == b'$' || is_ident_byte(c)) {
                    return Err(self.err("only '@' and '$' paths may be used in a filter"));
                }
                self.enter()?;
                let (segs, func) = self.parse_tail(true)?;
                self.leave();
                let text: Box<str> = self.s[start..self.pos].into();
                let path = Box::new(Path::build(text, Root::Input, segs, func));
                Ok(if c == b'@' {
                    Operand::Current(path)
                } else {
                    Operand::Document(path)
                })
            }
            Some(b'/') => {
                self.pos += 1;
                let start = self.pos;
                let mut escaped = false;
                loop {
                    match self.peek() {
                        None => return Err(self.err("unclosed regular expression")),
                        Some(_) if escaped => escaped = false,
                        Some(b'\\') => escaped = true,
                        Some(b'/') => break,
                        Some(_) => {}
                    }
                    self.pos += 1;
                }
                let pattern = &self.s[start..self.pos];
                self.pos += 1;
                let fstart = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                    self.pos += 1;
                }
                let flags = &self.s[fstart..self.pos];
                let re = regex::Regex::new(pattern, flags)
                    .map_err(|e| self.err(&format!("invalid regular expression: {e}")))?;
                Ok(Operand::Regex(Box::new(re)))
            }
            Some(_) => Ok(Operand::Literal(self.parse_literal()?)),
            None => Err(self.err("expected a value")),
        }
    }

    /// A literal: Jayway accepts JSON leniently (single-quoted strings).
    fn parse_literal(&mut self) -> Result<Value, PathError> {
        self.skip_ws();
        match self.peek() {
            Some(q @ (b'\'' | b'"')) => Ok(Value::String(self.parse_string(q)?)),
            Some(b'[') => {
                self.pos += 1;
                self.enter()?;
                let mut items = Vec::new();
                self.skip_ws();
                if self.peek() == Some(b']') {
                    self.pos += 1;
                } else {
                    loop {
                        items.push(self.parse_literal()?);
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => self.pos += 1,
                            Some(b']') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(self.err("expected ',' or ']' in an array")),
                        }
                    }
                }
                self.leave();
                Ok(Value::Array(items))
            }
            Some(b'{') => {
                self.pos += 1;
                self.enter()?;
                let mut m = Map::new();
                self.skip_ws();
                if self.peek() == Some(b'}') {
                    self.pos += 1;
                } else {
                    loop {
                        self.skip_ws();
                        let key = match self.peek() {
                            Some(q @ (b'\'' | b'"')) => self.parse_string(q)?,
                            _ => return Err(self.err("expected a quoted key")),
                        };
                        self.skip_ws();
                        self.expect(b':', "expected ':' in an object")?;
                        let v = self.parse_literal()?;
                        m.insert(key, v);
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => self.pos += 1,
                            Some(b'}') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(self.err("expected ',' or '}' in an object")),
                        }
                    }
                }
                self.leave();
                Ok(Value::Object(m))
            }
            Some(c) if c == b'-' || c == b'+' || c.is_ascii_digit() => {
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E'))
                {
                    self.pos += 1;
                }
                parse_number(&self.s[start..self.pos])
                    .map(Value::Number)
                    .ok_or_else(|| self.err("invalid number"))
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
                    self.pos += 1;
                }
                match &self.s[start..self.pos] {
                    "true" => Ok(Value::Bool(true)),
                    "false" => Ok(Value::Bool(false)),
                    "null" => Ok(Value::Null),
                    _ => {
                        self.pos = start;
                        Err(self.err("expected a value"))
                    }
                }
            }
            _ => Err(self.err("expected a value")),
        }
    }

    /// A quoted string literal, unescaped as Jayway's `Utils.unescape` does.
    fn parse_string(&mut self, q: u8) -> Result<String, PathError> {
        self.pos += 1;
        let start = self.pos;
        let mut escaped = false;
        loop {
            match self.peek() {
                None => return Err(self.err("unclosed string")),
                Some(_) if escaped => escaped = false,
                Some(b'\\') => escaped = true,
                Some(c) if c == q => break,
                Some(_) => {}
            }
            self.pos += 1;
        }
        let raw = &self.s[start..self.pos];
        self.pos += 1;
        Ok(unescape(raw))
    }
}

/// `[0]`, `[0,2]`, `[1:3]`, `[-2:]`, `[:2]`, `[:]`; indexes are Java `int`s.
fn parse_indexes(inner: &str) -> Option<Segment> {
    let int = |t: &str| -> Option<i32> { t.trim().parse::<i32>().ok() };
    if !inner
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b',' | b'-' | b':' | b' '))
    {
        return None;
    }
    if inner.contains(':') {
        let mut parts = inner.split(':');
        let from = parts.next()?.trim();
        let to = parts.next()?.trim();
        if parts.next().is_some() {
            return None;
        }
        let from = if from.is_empty() { None } else { Some(int(from)?) };
        let to = if to.is_empty() { None } else { Some(int(to)?) };
        return Some(Segment::Slice(from, to));
    }
    let mut is: Vec<i64> = inner.split(',').map(|t| int(t).map(i64::from)).collect::<Option<_>>()?;
    Some(if is.len() == 1 {
        Segment::Index(is.pop()?)
    } else {
        Segment::Indexes(is.into_boxed_slice())
    })
}

/// Java-style unescaping (`\\ \' \" \n \t \r \f \b \uXXXX`; other escaped characters stand
/// for themselves).
fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut it = raw.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            None => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\u{c}'),
            Some('b') => out.push('\u{8}'),
            Some('u') => {
                let hex: String = it.clone().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().filter(|_| hex.len() == 4) {
                    Some(code) => {
                        for _ in 0..4 {
                            it.next();
                        }
                        out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                    }
                    None => out.push('u'),
                }
            }
            Some(other) => out.push(other),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Regular expressions
// ---------------------------------------------------------------------------------------------

/// A small regular-expression engine for `=~`: the common subset of Java's syntax, matched
/// as Java's `Matcher.matches()` (the whole input) by a Pike VM, so matching is linear in
/// the input whatever the pattern.
mod regex {
    use std::fmt;

    const MAX_PROGRAM: usize = 20_000;
    const MAX_GROUPS: u32 = 64;
    const MAX_REPEAT: u32 = 1_000;

    #[derive(Debug, Clone, PartialEq)]
    pub struct Regex {
        prog: Vec<Inst>,
        icase: bool,
        dotall: bool,
        multiline: bool,
    }

    #[derive(Debug, Clone, PartialEq)]
    enum Inst {
        Char(char),
        Any,
        Class(Class),
        Look(Look),
        Split(usize, usize),
        Jmp(usize),
        Match,
    }

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Look {
        Start,
        End,
        WordBoundary,
        NotWordBoundary,
    }

    #[derive(Debug, Clone, PartialEq)]
    struct Class {
        negated: bool,
        items: Vec<Item>,
    }

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Item {
        Range(char, char),
        Digit(bool),
        Word(bool),
        Space(bool),
    }

    #[derive(Debug)]
    enum Node {
        Empty,
        Char(char),
        Any,
        Class(Class),
        Look(Look),
        Cat(Vec<Node>),
        Alt(Vec<Node>),
        Repeat(Box<Node>, u32, Option<u32>),
    }

    #[derive(Debug)]
    pub struct Error(&'static str);

    impl fmt::Display for Error {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    fn is_word(c: char) -> bool {
        c.is_ascii_alphanumeric() || c == '_'
    }

    fn is_space(c: char) -> bool {
        matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r')
    }

    fn is_line_end(c: char) -> bool {
        matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
    }

    impl Class {
        fn matches(&self, c: char, icase: bool) -> bool {
            let hit = |c: char| {
                self.items.iter().any(|it| match *it {
                    Item::Range(a, b) => a <= c && c <= b,
                    Item::Digit(neg) => c.is_ascii_digit() != neg,
                    Item::Word(neg) => is_word(c) != neg,
                    Item::Space(neg) => is_space(c) != neg,
                })
            };
            let found = hit(c) || (icase && (hit(c.to_ascii_lowercase()) || hit(c.to_ascii_uppercase())));
            found != self.negated
        }
    }

    struct P<'a> {
        c: &'a [char],
        i: usize,
        groups: u32,
    }

    impl P<'_> {
        fn peek(&self) -> Option<char> {
            self.c.get(self.i).copied()
        }

        fn alt(&mut self) -> Result<Node, Error> {
            let mut branches = vec![self.cat()?];
            while self.peek() == Some('|') {
                self.i += 1;
                branches.push(self.cat()?);
            }
            Ok(if branches.len() == 1 {
                branches.pop().unwrap_or(Node::Empty)
            } else {
                Node::Alt(branches)
            })
        }

        fn cat(&mut self) -> Result<Node, Error> {
            let mut items = Vec::new();
            while let Some(c) = self.peek() {
                if c == '|' || c == ')' {
                    break;
                }
                let atom = self.atom()?;
                let atom = self.quantifiers(atom)?;
                items.push(atom);
            }
            Ok(Node::Cat(items))
        }

        fn number(&mut self) -> Option<u32> {
            let start = self.i;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
            if self.i == start {
                return None;
            }
            let s: String = self.c[start..self.i].iter().collect();
            s.parse().ok()
        }

        fn quantifiers(&mut self, atom: Node) -> Result<Node, Error> {
            let (min, max) = match self.peek() {
                Some('*') => (0, None),
                Some('+') => (1, None),
                Some('?') => (0, Some(1)),
                Some('{') => {
                    self.i += 1;
                    let min = self.number().ok_or(Error("illegal repetition"))?;
                    let max = if self.peek() == Some(',') {
                        self.i += 1;
                        if self.peek() == Some('}') {
                            None
                        } else {
                            Some(self.number().ok_or(Error("illegal repetition"))?)
                        }
                    } else {
                        Some(min)
                    };
                    if self.peek() != Some('}') {
                        return Err(Error("illegal repetition"));
                    }
                    if min > MAX_REPEAT || max.is_some_and(|m| m > MAX_REPEAT || m < min) {
                        return Err(Error("illegal repetition range"));
                    }
                    (min, max)
                }
                _ => return Ok(atom),
            };
            self.i += 1;
            // Lazy and possessive forms decide nothing for a whole-input match.
            if matches!(self.peek(), Some('?' | '+')) {
                self.i += 1;
            }
            if matches!(self.peek(), Some('*' | '+' | '?' | '{')) {
                return Err(Error("dangling meta character"));
            }
            if matches!(atom, Node::Look(_)) {
                return Ok(atom);
            }
            Ok(Node::Repeat(Box::new(atom), min, max))
        }

        fn atom(&mut self) -> Result<Node, Error> {
            let c = self.peek().ok_or(Error("unexpected end"))?;
            self.i += 1;
            Ok(match c {
                '(' => {
                    if self.peek() == Some('?') {
                        if self.c.get(self.i + 1) == Some(&':') {
                            self.i += 2;
                        } else {
                            return Err(Error("unsupported group construct"));
                        }
                    }
                    self.groups += 1;
                    if self.groups > MAX_GROUPS {
                        return Err(Error("too many groups"));
                    }
                    let n = self.alt()?;
                    if self.peek() != Some(')') {
                        return Err(Error("unclosed group"));
                    }
                    self.i += 1;
                    n
                }
                '[' => Node::Class(self.class()?),
                '.' => Node::Any,
                '^' => Node::Look(Look::Start),
                '$' => Node::Look(Look::End),
                '\\' => self.escape(false)?,
                '*' | '+' | '?' | '{' => return Err(Error("dangling meta character")),
                c => Node::Char(c),
            })
        }

        /// After a backslash.
        fn escape(&mut self, in_class: bool) -> Result<Node, Error> {
            let c = self.peek().ok_or(Error("trailing backslash"))?;
            self.i += 1;
            let class = |item| {
                Node::Class(Class {
                    negated: false,
                    items: vec![item],
                })
            };
            Ok(match c {
                'd' => class(Item::Digit(false)),
                'D' => class(Item::Digit(true)),
                'w' => class(Item::Word(false)),
                'W' => class(Item::Word(true)),
                's' => class(Item::Space(false)),
                'S' => class(Item::Space(true)),
                'b' if !in_class => Node::Look(Look::WordBoundary),
                'B' if !in_class => Node::Look(Look::NotWordBoundary),
                't' => Node::Char('\t'),
                'n' => Node::Char('\n'),
                'r' => Node::Char('\r'),
                'f' => Node::Char('\u{c}'),
                'a' => Node::Char('\u{7}'),
                'e' => Node::Char('\u{1b}'),
                'x' | 'u' => {
                    let n = if c == 'x' { 2 } else { 4 };
                    let hex: String = self.c.iter().skip(self.i).take(n).collect();
                    if hex.chars().count() != n {
                        return Err(Error("bad escape"));
                    }
                    let v = u32::from_str_radix(&hex, 16).map_err(|_| Error("bad escape"))?;
                    self.i += n;
                    Node::Char(char::from_u32(v).ok_or(Error("bad escape"))?)
                }
                c if c.is_ascii_alphanumeric() => return Err(Error("unsupported escape")),
                c => Node::Char(c),
            })
        }

        fn class(&mut self) -> Result<Class, Error> {
            let mut negated = false;
            if self.peek() == Some('^') {
                negated = true;
                self.i += 1;
            }
            let mut items = Vec::new();
            let mut first = true;
            loop {
                let c = self.peek().ok_or(Error("unclosed character class"))?;
                self.i += 1;
                let lo = match c {
                    ']' if !first => break,
                    '[' => return Err(Error("nested character classes are not supported")),
                    '\\' => match self.escape(true)? {
                        Node::Char(c) => c,
                        Node::Class(cl) => {
                            items.extend(cl.items);
                            first = false;
                            continue;
                        }
                        _ => return Err(Error("bad escape in class")),
                    },
                    c => c,
                };
                first = false;
                if self.peek() == Some('-') && self.c.get(self.i + 1).is_some_and(|&c| c != ']') {
                    self.i += 1;
                    let c = self.peek().ok_or(Error("unclosed character class"))?;
                    self.i += 1;
                    let hi = if c == '\\' {
                        match self.escape(true)? {
                            Node::Char(c) => c,
                            _ => return Err(Error("bad range")),
                        }
                    } else {
                        c
                    };
                    if hi < lo {
                        return Err(Error("illegal character range"));
                    }
                    items.push(Item::Range(lo, hi));
                } else {
                    items.push(Item::Range(lo, lo));
                }
            }
            Ok(Class { negated, items })
        }
    }

    fn emit(node: &Node, prog: &mut Vec<Inst>) -> Result<(), Error> {
        if prog.len() > MAX_PROGRAM {
            return Err(Error("pattern too large"));
        }
        match node {
            Node::Empty => {}
            Node::Char(c) => prog.push(Inst::Char(*c)),
            Node::Any => prog.push(Inst::Any),
            Node::Class(c) => prog.push(Inst::Class(c.clone())),
            Node::Look(l) => prog.push(Inst::Look(*l)),
            Node::Cat(items) => {
                for n in items {
                    emit(n, prog)?;
                }
            }
            Node::Alt(branches) => {
                let mut jumps = Vec::new();
                for (k, b) in branches.iter().enumerate() {
                    if k + 1 < branches.len() {
                        let split = prog.len();
                        prog.push(Inst::Split(split + 1, 0));
                        emit(b, prog)?;
                        jumps.push(prog.len());
                        prog.push(Inst::Jmp(0));
                        let next = prog.len();
                        prog[split] = Inst::Split(split + 1, next);
                    } else {
                        emit(b, prog)?;
                    }
                }
                let end = prog.len();
                for j in jumps {
                    prog[j] = Inst::Jmp(end);
                }
            }
            Node::Repeat(n, min, max) => {
                for _ in 0..*min {
                    emit(n, prog)?;
                }
                match max {
                    None => {
                        let split = prog.len();
                        prog.push(Inst::Split(split + 1, 0));
                        emit(n, prog)?;
                        prog.push(Inst::Jmp(split));
                        let end = prog.len();
                        prog[split] = Inst::Split(split + 1, end);
                    }
                    Some(max) => {
                        let mut splits = Vec::new();
                        for _ in *min..*max {
                            splits.push(prog.len());
                            prog.push(Inst::Split(0, 0));
                            emit(n, prog)?;
                            if prog.len() > MAX_PROGRAM {
                                return Err(Error("pattern too large"));
                            }
                        }
                        let end = prog.len();
                        for s in splits {
                            prog[s] = Inst::Split(s + 1, end);
                        }
                    }
                }
            }
        }
        if prog.len() > MAX_PROGRAM {
            return Err(Error("pattern too large"));
        }
        Ok(())
    }

    impl Regex {
        pub fn new(pattern: &str, flags: &str) -> Result<Regex, Error> {
            let chars: Vec<char> = pattern.chars().collect();
            let mut p = P {
                c: &chars,
                i: 0,
                groups: 0,
            };
            let node = p.alt()?;
            if p.i != chars.len() {
                return Err(Error("unmatched ')'"));
            }
            let mut prog = Vec::new();
            emit(&node, &mut prog)?;
            prog.push(Inst::Match);
            Ok(Regex {
                prog,
                icase: flags.contains('i'),
                dotall: flags.contains('s'),
                multiline: flags.contains('m'),
            })
        }

        fn look(&self, l: Look, input: &[char], pos: usize) -> bool {
            let prev = pos.checked_sub(1).and_then(|i| input.get(i)).copied();
            let next = input.get(pos).copied();
            match l {
                Look::Start => pos == 0 || (self.multiline && prev.is_some_and(is_line_end)),
                Look::End => {
                    next.is_none()
                        || (self.multiline && next.is_some_and(is_line_end))
                        || (pos + 1 == input.len() && next == Some('\n'))
                }
                Look::WordBoundary | Look::NotWordBoundary => {
                    let b = prev.is_some_and(is_word) != next.is_some_and(is_word);
                    b == (l == Look::WordBoundary)
                }
            }
        }

        fn add(&self, list: &mut Vec<usize>, seen: &mut [usize], stamp: usize, pc: usize, input: &[char], pos: usize) {
            let mut stack = vec![pc];
            while let Some(pc) = stack.pop() {
                if seen[pc] == stamp {
                    continue;
                }
                seen[pc] = stamp;
                match &self.prog[pc] {
                    Inst::Jmp(t) => stack.push(*t),
                    Inst::Split(a, b) => {
                        stack.push(*b);
                        stack.push(*a);
                    }
                    Inst::Look(l) => {
                        if self.look(*l, input, pos) {
                            stack.push(pc + 1);
                        }
                    }
                    _ => list.push(pc),
                }
            }
        }

        /// True when the pattern matches the whole of `text`.
        pub fn is_match(&self, text: &str) -> bool {
            let input: Vec<char> = text.chars().collect();
            let mut seen = vec![usize::MAX; self.prog.len()];
            let mut cur = Vec::new();
            let mut next = Vec::new();
            let mut stamp = 0;
            self.add(&mut cur, &mut seen, stamp, 0, &input, 0);
            for (pos, &c) in input.iter().enumerate() {
                if cur.is_empty() {
                    return false;
                }
                stamp += 1;
                for &pc in &cur {
                    let ok = match &self.prog[pc] {
                        Inst::Char(x) => *x == c || (self.icase && x.eq_ignore_ascii_case(&c)),
                        Inst::Any => self.dotall || !is_line_end(c),
                        Inst::Class(cl) => cl.matches(c, self.icase),
                        _ => false,
                    };
                    if ok {
                        self.add(&mut next, &mut seen, stamp, pc + 1, &input, pos + 1);
                    }
                }
                std::mem::swap(&mut cur, &mut next);
                next.clear();
            }
            cur.iter().any(|&pc| self.prog[pc] == Inst::Match)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn store() -> Value {
        json!({
            "store": {
                "book": [
                    {"category": "reference", "author": "Nigel Rees",
                     "title": "Sayings of the Century", "price": 8.95},
                    {"category": "fiction", "author": "Evelyn Waugh",
                     "title": "Sword of Honour", "price": 12.99},
                    {"category": "fiction", "author": "Herman Melville",
                     "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
                    {"category": "fiction", "author": "J. R. R. Tolkien",
                     "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}
                ],
                "bicycle": {"color": "red", "price": 19.95}
            },
            "expensive": 10
        })
    }

    fn sel(path: &str, v: &Value) -> Value {
        Path::parse(path)
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .select(v)
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .into_owned()
    }

    fn sel_err(path: &str, v: &Value) -> PathError {
        Path::parse(path).unwrap().select(v).unwrap_err()
    }

    fn syntax(path: &str) -> bool {
        matches!(Path::parse(path), Err(PathError::Syntax { .. }))
    }

    fn titles(v: &Value) -> Vec<&str> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|b| b["title"].as_str().unwrap())
            .collect()
    }

    // --- the Jayway README examples ---

    #[test]
    fn jayway_authors() {
        let v = store();
        let authors = json!(["Nigel Rees", "Evelyn Waugh", "Herman Melville", "J. R. R. Tolkien"]);
        assert_eq!(sel("$.store.book[*].author", &v), authors);
        assert_eq!(sel("$..author", &v), authors);
        assert_eq!(sel("$.store.book[*]['author']", &v), authors);
    }

    #[test]
    fn jayway_store_members() {
        let v = store();
        let all = sel("$.store.*", &v);
        assert_eq!(all, json!([v["store"]["book"], v["store"]["bicycle"]]));
        assert_eq!(sel("$.store[*]", &v), all);
    }

    #[test]
    fn jayway_prices_in_document_order() {
        let v = store();
        assert_eq!(sel("$.store..price", &v), json!([8.95, 12.99, 8.99, 22.99, 19.95]));
        assert_eq!(sel("$..price", &v), sel("$.store..price", &v));
    }

    #[test]
    fn jayway_book_indexes_and_slices() {
        let v = store();
        assert_eq!(titles(&sel("$..book[2]", &v)), ["Moby Dick"]);
        assert_eq!(titles(&sel("$..book[-2]", &v)), ["Moby Dick"]);
        assert_eq!(
            titles(&sel("$..book[0,1]", &v)),
            ["Sayings of the Century", "Sword of Honour"]
        );
        assert_eq!(
            titles(&sel("$..book[:2]", &v)),
            ["Sayings of the Century", "Sword of Honour"]
        );
        assert_eq!(titles(&sel("$..book[1:2]", &v)), ["Sword of Honour"]);
        assert_eq!(titles(&sel("$..book[-2:]", &v)), ["Moby Dick", "The Lord of the Rings"]);
        assert_eq!(titles(&sel("$..book[2:]", &v)), ["Moby Dick", "The Lord of the Rings"]);
    }

    #[test]
    fn jayway_filters() {
        let v = store();
        assert_eq!(
            titles(&sel("$..book[?(@.isbn)]", &v)),
            ["Moby Dick", "The Lord of the Rings"]
        );
        assert_eq!(
            titles(&sel("$.store.book[?(@.price < 10)]", &v)),
            ["Sayings of the Century", "Moby Dick"]
        );
        assert_eq!(
            titles(&sel("$..book[?(@.price <= $['expensive'])]", &v)),
            ["Sayings of the Century", "Moby Dick"]
        );
        assert_eq!(
            titles(&sel("$..book[?(@.author =~ /.*REES/i)]", &v)),
            ["Sayings of the Century"]
        );
        assert_eq!(titles(&sel("$..book[?(@.author =~ /.*REES/)]", &v)).len(), 0);
    }

    #[test]
    fn jayway_everything_and_length() {
        let v = store();
        let all = sel("$..*", &v);
        let all = all.as_array().unwrap();
        // store, expensive; book, bicycle; 4 books; their 4, 4, 5, 5 members; bicycle's 2.
        assert_eq!(all.len(), 2 + 2 + 4 + (4 + 4 + 5 + 5) + 2);
        assert_eq!(all[0], v["store"]);
        assert_eq!(all[1], json!(10));
        assert_eq!(sel("$..book.length()", &v), json!(4));
        assert_eq!(sel("$.store.book.length()", &v), json!(4));
    }

    // --- definite paths ---

    #[test]
    fn reference_paths_borrow() {
        let v = store();
        let p = Path::parse("$.store.bicycle.color").unwrap();
        assert!(p.is_reference() && p.is_definite());
        assert!(matches!(p.select(&v).unwrap(), Cow::Borrowed(_)));
        assert_eq!(*p.select(&v).unwrap(), json!("red"));
        let p = Path::parse("$").unwrap();
        assert!(p.is_root() && p.is_reference());
        assert!(matches!(p.select(&v).unwrap(), Cow::Borrowed(x) if x == &v));
    }

    #[test]
    fn not_found_messages_use_bracket_notation() {
        let e = sel_err("$.NoSuchInputPath", &json!({}));
        assert_eq!(e.to_string(), "No results for path: $['NoSuchInputPath']");
        let v = json!({"a": {"b": [1]}, "s": "str"});
        assert_eq!(
            sel_err("$.a.b[3]", &v).to_string(),
            "No results for path: $['a']['b'][3]"
        );
        assert_eq!(
            sel_err("$.a.x.y", &v).to_string(),
            "No results for path: $['a']['x']['y']"
        );
        // A field of a non-object, an index into a non-array.
        assert!(matches!(sel_err("$.s.x", &v), PathError::NotFound { .. }));
        assert!(matches!(sel_err("$.a[0]", &v), PathError::NotFound { .. }));
        assert!(matches!(sel_err("$.a.b[-2]", &v), PathError::NotFound { .. }));
        assert_eq!(
            sel_err("$$.Execution.Nope", &json!({})).to_string(),
            "No results for path: $$['Execution']['Nope']"
        );
    }

    #[test]
    fn present_null_is_found() {
        let v = json!({"a": null});
        assert_eq!(sel("$.a", &v), Value::Null);
    }

    #[test]
    fn negative_indexes() {
        let v = json!([1, 2, 3]);
        assert_eq!(sel("$[-1]", &v), json!(3));
        assert_eq!(sel("$[-3]", &v), json!(1));
        assert!(matches!(sel_err("$[-4]", &v), PathError::NotFound { .. }));
        assert!(matches!(sel_err("$[3]", &v), PathError::NotFound { .. }));
    }

    #[test]
    fn aws_recorded_array_access() {
        let items: Vec<Value> = (0..11).map(|i| json!({ "item_key": i })).collect();
        let v = json!({ "items": items });
        assert_eq!(sel("$.items[10]", &v), json!({"item_key": 10}));
        assert_eq!(sel("$.items[:1]", &v), json!([{"item_key": 0}]));
        assert_eq!(sel("$.items[1:].item_key", &v), json!([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
        assert_eq!(sel("$.items[1:5].item_key", &v), json!([1, 2, 3, 4]));
        assert_eq!(sel("$[2]", &json!(["a", "b", "c"])), json!("c"));
    }

    #[test]
    fn aws_recorded_filter_on_status() {
        let v = json!({"users": [{"year": 1997, "status": 0}, {"year": 1998, "status": 1}]});
        assert_eq!(
            sel("$.users[?(@.status == 0)]", &v),
            json!([{"year": 1997, "status": 0}])
        );
    }

    #[test]
    fn aws_recorded_escaped_bracket_name_is_taken_raw() {
        // From the recorded ESCAPE_SEQUENCES_JSONPATH scenario: the backslash stays.
        let v = json!({"Test\\\"\"Name\"": "Value\"\\"});
        assert_eq!(sel(r#"$['Test\""Name"']"#, &v), json!("Value\"\\"));
    }

    // --- names ---

    #[test]
    fn dot_names_take_any_character_but_dot_and_bracket() {
        let v = json!({"a-b": 1, "x:y": 2, "$n": 3, "é": 4, "@": 5});
        assert_eq!(sel("$.a-b", &v), json!(1));
        assert_eq!(sel("$.x:y", &v), json!(2));
        assert_eq!(sel("$.$n", &v), json!(3));
        assert_eq!(sel("$.é", &v), json!(4));
        assert_eq!(sel("$.@", &v), json!(5));
        assert!(syntax("$.a b"));
    }

    #[test]
    fn bracket_names() {
        let v = json!({"a b": 1, "x": {"y.z": 2}, "q'": 3, "": 4, "]": 5});
        assert_eq!(sel("$['a b']", &v), json!(1));
        assert_eq!(sel("$[\"a b\"]", &v), json!(1));
        assert_eq!(sel("$[ 'x' ]['y.z']", &v), json!(2));
        assert_eq!(sel("$.x['y.z']", &v), json!(2));
        assert_eq!(sel(r#"$["q'"]"#, &v), json!(3));
        assert_eq!(sel("$['']", &v), json!(4));
        assert_eq!(sel("$[']']", &v), json!(5));
        assert_eq!(sel("$.['a b']", &v), json!(1));
        let p = Path::parse("$[\"x\"]").unwrap();
        assert_eq!(p.normalized(), "$[\"x\"]");
    }

    #[test]
    fn multiple_names_merge_as_last_step() {
        let v = json!({"a": 1, "b": 2, "c": 3});
        let p = Path::parse("$['a','b']").unwrap();
        assert!(p.is_definite() && !p.is_reference());
        assert_eq!(*p.select(&v).unwrap(), json!({"a": 1, "b": 2}));
        // Missing names are left out.
        assert_eq!(sel("$['a', 'zz']", &v), json!({"a": 1}));
        // Over a list: one merged object per match.
        let w = json!([{"a": 1, "b": 2}, {"a": 3}]);
        assert_eq!(sel("$[*]['a','b']", &w), json!([{"a": 1, "b": 2}, {"a": 3}]));
        // Not an object: not found (definite).
        assert!(matches!(sel_err("$['a','b']", &json!(1)), PathError::NotFound { .. }));
    }

    #[test]
    fn multiple_names_iterate_before_the_last_step() {
        let v = json!({"a": {"x": 1}, "b": {"x": 2}, "c": {"x": 3}});
        assert_eq!(sel("$['a','b'].x", &v), json!([1, 2]));
        assert!(!Path::parse("$['a','b'].x").unwrap().is_definite());
    }

    #[test]
    fn merge_after_descent_needs_all_names() {
        let v = json!({"o": {"a": 1, "b": 2}, "p": [{"a": 3}, {"a": 4, "b": 5}]});
        assert_eq!(sel("$..['a','b']", &v), json!([{"a": 1, "b": 2}, {"a": 4, "b": 5}]));
    }

    // --- indexes, unions, slices, wildcards ---

    #[test]
    fn index_unions_skip_missing() {
        let v = json!(["a", "b", "c"]);
        assert_eq!(sel("$[0,2]", &v), json!(["a", "c"]));
        assert_eq!(sel("$[2, 0]", &v), json!(["c", "a"]));
        assert_eq!(sel("$[0,7,-1]", &v), json!(["a", "c"]));
        assert_eq!(sel("$[0,0]", &v), json!(["a", "a"]));
    }

    #[test]
    fn slices_follow_jayway() {
        let v = json!([0, 1, 2, 3, 4]);
        assert_eq!(sel("$[1:3]", &v), json!([1, 2]));
        assert_eq!(sel("$[-2:]", &v), json!([3, 4]));
        assert_eq!(sel("$[-9:]", &v), json!([0, 1, 2, 3, 4]));
        assert_eq!(sel("$[:2]", &v), json!([0, 1]));
        assert_eq!(sel("$[:-2]", &v), json!([0, 1, 2]));
        assert_eq!(sel("$[:99]", &v), json!([0, 1, 2, 3, 4]));
        assert_eq!(sel("$[3:1]", &v), json!([]));
        assert_eq!(sel("$[7:]", &v), json!([]));
        assert_eq!(sel("$[-3:-1]", &v), json!([2, 3]));
        // A negative start with a positive end resolves each index (Jayway).
        assert_eq!(sel("$[-1:2]", &v), json!([4, 0, 1]));
        assert_eq!(sel("$[:]", &v), json!([0, 1, 2, 3, 4]));
        assert_eq!(sel("$[1:3]", &json!({"a": 1})), json!([]));
        // Jayway walks every index of a between-slice: -5..-1 resolve from the end again.
        assert_eq!(
            sel("$[-2147483648:2147483647]", &v),
            json!([0, 1, 2, 3, 4, 0, 1, 2, 3, 4])
        );
    }

    #[test]
    fn wildcards() {
        let v = json!({"a": [1, {"b": 2}], "c": "x"});
        assert_eq!(sel("$.*", &v), json!([[1, {"b": 2}], "x"]));
        assert_eq!(sel("$.a[*]", &v), json!([1, {"b": 2}]));
        assert_eq!(sel("$.c.*", &v), json!([]));
        assert_eq!(sel("$[ * ]", &json!([1, 2])), json!([1, 2]));
        assert_eq!(sel("$.*.*", &v), json!([1, {"b": 2}]));
    }

    #[test]
    fn indefinite_paths_yield_empty_lists_not_errors() {
        let v = json!({"a": []});
        for p in ["$.a[*]", "$.nope[*]", "$..nope", "$.a[?(@.x)]", "$.a[0,1]", "$.a[1:]"] {
            assert_eq!(sel(p, &v), json!([]), "{p}");
        }
    }

    #[test]
    fn indefinite_results_are_owned_arrays() {
        let v = json!({"a": [1, 2]});
        let p = Path::parse("$.a[*]").unwrap();
        assert!(!p.is_reference() && !p.is_definite());
        assert!(matches!(p.select(&v).unwrap(), Cow::Owned(_)));
        let nodes = p.select_nodes(&v).unwrap();
        assert_eq!(nodes, vec![&json!(1), &json!(2)]);
    }

    // --- recursive descent ---

    #[test]
    fn descent_includes_the_start_node() {
        let v = json!({"a": 1, "b": {"a": 2, "c": [{"a": 3}]}});
        assert_eq!(sel("$..a", &v), json!([1, 2, 3]));
        assert_eq!(sel("$.b..a", &v), json!([2, 3]));
    }

    #[test]
    fn descent_with_index_and_wildcard() {
        let v = json!({"x": [[1, 2], [3]], "y": {"z": [4]}});
        assert_eq!(sel("$..[0]", &v), json!([[1, 2], 1, 3, 4]));
        assert_eq!(
            sel("$..*", &json!({"a": {"b": 1}, "c": [2]})),
            json!([{"b": 1}, [2], 1, 2])
        );
        assert_eq!(sel("$..['a']", &json!({"a": {"a": 1}})), json!([{"a": 1}, 1]));
    }

    #[test]
    fn descent_with_filter_tests_each_object() {
        let v = store();
        assert_eq!(
            titles(&sel("$..[?(@.price < 10)]", &v)),
            ["Sayings of the Century", "Moby Dick"]
        );
        assert_eq!(sel("$..[?(@.color)]", &v), json!([{"color": "red", "price": 19.95}]));
    }

    #[test]
    fn descent_on_deep_value_does_not_overflow() {
        let mut v = json!(1);
        for _ in 0..100_000 {
            // Not `json!`: it would serialise `v` recursively.
            let mut m = Map::new();
            m.insert("a".to_string(), v);
            v = Value::Object(m);
        }
        // `select_nodes` borrows (cloning such a value would recurse inside serde_json).
        let nodes = Path::parse("$..a").unwrap().select_nodes(&v).unwrap();
        assert_eq!(nodes.len(), 100_000);
        assert_eq!(nodes[99_999], &json!(1));
        let found = Path::parse("$..[?(@.a == 1)]").unwrap().select_nodes(&v).unwrap();
        assert_eq!(found, vec![&json!({"a": 1})]);
        drop((nodes, found));
        // serde_json's recursive Drop would overflow on this depth; dismantle it by hand.
        let mut cur = v;
        while let Value::Object(mut m) = cur {
            cur = m.remove("a").unwrap_or(Value::Null);
        }
    }

    #[test]
    fn repeated_descent_is_bounded() {
        let mut v = json!(1);
        for _ in 0..200 {
            v = json!([v, v.clone()]);
            if v.to_string().len() > 100_000 {
                break;
            }
        }
        let p = Path::parse(&"..*".repeat(20).replacen("..*", "$..*", 1)).unwrap();
        match p.select(&v) {
            Err(PathError::TooComplex { path }) => assert!(path.starts_with("$..*")),
            other => panic!("{:?}", other.map(|v| v.to_string().len())),
        }
    }

    // --- filters ---

    #[test]
    fn filter_comparisons() {
        let v = json!([
            {"n": 1, "s": "a"}, {"n": 2, "s": "b"}, {"n": 3, "s": "c"}, {"s": "d"}
        ]);
        let ns = |p: &str| {
            sel(p, &v)
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["s"].clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ns("$[?(@.n == 2)]"), [json!("b")]);
        assert_eq!(ns("$[?(@.n != 2)]"), [json!("a"), json!("c"), json!("d")]);
        assert_eq!(ns("$[?(@.n < 2)]"), [json!("a")]);
        assert_eq!(ns("$[?(@.n <= 2)]"), [json!("a"), json!("b")]);
        assert_eq!(ns("$[?(@.n > 2)]"), [json!("c")]);
        assert_eq!(ns("$[?(@.n >= 2)]"), [json!("b"), json!("c")]);
        assert_eq!(ns("$[?(@.s > 'b')]"), [json!("c"), json!("d")]);
        assert_eq!(ns("$[?(@.s == \"d\")]"), [json!("d")]);
        assert_eq!(ns("$[?(2 == @.n)]"), [json!("b")]);
        assert_eq!(ns("$[?(@.n==2)]"), [json!("b")]);
        // Mixed types never order.
        assert_eq!(ns("$[?(@.s < 5)]").len(), 0);
    }

    #[test]
    fn filter_number_and_string_equality_follows_jayway() {
        let v = json!([{"v": 1}, {"v": "1"}, {"v": 1.0}, {"v": true}, {"v": null}]);
        assert_eq!(sel("$[?(@.v == 1)]", &v), json!([{"v": 1}, {"v": "1"}, {"v": 1.0}]));
        assert_eq!(sel("$[?(@.v == '1')]", &v), json!([{"v": 1}, {"v": "1"}, {"v": 1.0}]));
        assert_eq!(sel("$[?(@.v == true)]", &v), json!([{"v": true}]));
        assert_eq!(sel("$[?(@.v == null)]", &v), json!([{"v": null}]));
        // A string compares with a number's text; ours is serde_json's ("1.0" for 1e0), Java's
        // BigDecimal would say "1".
        assert_eq!(sel("$[?(@.v == 1e0)]", &v), json!([{"v": 1}, {"v": 1.0}]));
    }

    #[test]
    fn filter_logic_and_grouping() {
        let v = json!([{"a": 1, "b": 1}, {"a": 1, "b": 2}, {"a": 2, "b": 2}]);
        assert_eq!(sel("$[?(@.a == 1 && @.b == 2)]", &v), json!([{"a": 1, "b": 2}]));
        assert_eq!(
            sel("$[?(@.a == 2 || @.b == 1)]", &v),
            json!([{"a": 1, "b": 1}, {"a": 2, "b": 2}])
        );
        assert_eq!(
            sel("$[?(@.a == 1 && (@.b == 1 || @.b == 2))]", &v),
            json!([{"a": 1, "b": 1}, {"a": 1, "b": 2}])
        );
        // && binds tighter than ||.
        assert_eq!(
            sel("$[?(@.a == 2 || @.a == 1 && @.b == 1)]", &v),
            json!([{"a": 1, "b": 1}, {"a": 2, "b": 2}])
        );
        assert_eq!(sel("$[?(!(@.a == 1))]", &v), json!([{"a": 2, "b": 2}]));
    }

    #[test]
    fn filter_strict_equality_all_and_exists() {
        let v = json!([{"v": 1}, {"v": "1"}, {"t": ["a", "b", "c"]}]);
        assert_eq!(sel("$[?(@.v === 1)]", &v), json!([{"v": 1}]));
        assert_eq!(sel("$[?(@.v == 1)]", &v), json!([{"v": 1}, {"v": "1"}]));
        assert_eq!(sel("$[?(@.v !== 1)]", &v), json!([{"v": "1"}, {"t": ["a", "b", "c"]}]));
        assert_eq!(sel("$[?(@.t all ['a', 'c'])]", &v), json!([{"t": ["a", "b", "c"]}]));
        assert_eq!(sel("$[?(@.t all ['a', 'd'])]", &v), json!([]));
        assert_eq!(sel("$[?(@.v exists true)]", &v), json!([{"v": 1}, {"v": "1"}]));
        assert_eq!(sel("$[?(@.v exists false)]", &v), json!([{"t": ["a", "b", "c"]}]));
    }

    #[test]
    fn filter_existence() {
        let v = json!([{"a": null}, {"b": 1}, {"a": false}]);
        assert_eq!(sel("$[?(@.a)]", &v), json!([{"a": null}, {"a": false}]));
        assert_eq!(sel("$[?(!@.a)]", &v), json!([{"b": 1}]));
        assert_eq!(sel("$[?(@)]", &v), v);
    }

    #[test]
    fn filter_missing_values() {
        let v = json!([{"a": 1}, {}]);
        assert_eq!(sel("$[?(@.a < 5)]", &v), json!([{"a": 1}]));
        // Jayway: `!=` is the negation of `==`, so a missing value differs.
        assert_eq!(sel("$[?(@.a != 1)]", &v), json!([{}]));
        assert_eq!(sel("$[?(@.a nin [1])]", &v), json!([{}]));
        assert_eq!(sel("$[?(@.a in [1])]", &v), json!([{"a": 1}]));
    }

    #[test]
    fn filter_on_an_object_tests_the_object() {
        let v = store();
        assert_eq!(
            sel("$.store.bicycle[?(@.color == 'red')]", &v),
            json!([{"color": "red", "price": 19.95}])
        );
        assert_eq!(sel("$.store.bicycle[?(@.color == 'blue')]", &v), json!([]));
        assert_eq!(sel("$.expensive[?(@ > 1)]", &v), json!([]));
    }

    #[test]
    fn filter_on_scalars_with_current_node() {
        let v = json!([1, 5, 10, "x"]);
        assert_eq!(sel("$[?(@ > 3)]", &v), json!([5, 10]));
        assert_eq!(sel("$[?(@ == 'x')]", &v), json!(["x"]));
    }

    #[test]
    fn filter_membership_operators() {
        let v = json!([
            {"id": 1, "tags": ["a", "b"], "c": "x"},
            {"id": 2, "tags": ["c"], "c": "y"},
            {"id": 3, "tags": [], "c": "z"}
        ]);
        let ids = |p: &str| {
            sel(p, &v)
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("$[?(@.c in ['x', 'z'])]"), [1, 3]);
        assert_eq!(ids("$[?(@.c nin ['x', 'z'])]"), [2]);
        assert_eq!(ids("$[?(@.tags subsetof ['a', 'b', 'c'])]"), [1, 2, 3]);
        assert_eq!(ids("$[?(@.tags subsetof ['a'])]"), [3]);
        assert_eq!(ids("$[?(@.tags anyof ['b', 'c'])]"), [1, 2]);
        assert_eq!(ids("$[?(@.tags noneof ['b', 'c'])]"), [3]);
        assert_eq!(ids("$[?(@.tags contains 'c')]"), [2]);
        assert_eq!(ids("$[?(@.tags size 2)]"), [1]);
        assert_eq!(ids("$[?(@.c size 1)]"), [1, 2, 3]);
        assert_eq!(ids("$[?(@.tags empty true)]"), [3]);
        assert_eq!(ids("$[?(@.tags empty false)]"), [1, 2]);
        assert_eq!(ids("$[?(@.id in $.*.id)]"), [1, 2, 3]);
    }

    #[test]
    fn filter_regex() {
        let v = json!([{"n": "foo123"}, {"n": "bar"}, {"n": 42}, {"n": "FOO"}]);
        assert_eq!(sel("$[?(@.n =~ /foo\\d+/)]", &v), json!([{"n": "foo123"}]));
        assert_eq!(sel("$[?(@.n =~ /foo.*/i)]", &v), json!([{"n": "foo123"}, {"n": "FOO"}]));
        // A whole-input match, as Java's `matches()`.
        assert_eq!(sel("$[?(@.n =~ /oo/)]", &v), json!([]));
        assert_eq!(sel("$[?(@.n =~ /[0-9]+/)]", &v), json!([{"n": 42}]));
        assert_eq!(sel("$[?(@.n =~ /ba[rz]|x/)]", &v), json!([{"n": "bar"}]));
        assert!(syntax("$[?(@.n =~ /(/)]"));
    }

    #[test]
    fn filter_with_nested_paths_and_functions() {
        let v = json!([
            {"items": [1, 2, 3], "o": {"k": [{"x": 1}]}},
            {"items": [1], "o": {"k": []}}
        ]);
        assert_eq!(sel("$[?(@.items.length() > 2)]", &v).as_array().unwrap().len(), 1);
        assert_eq!(sel("$[?(@.o.k[0].x == 1)]", &v).as_array().unwrap().len(), 1);
        assert_eq!(sel("$[?(@.o.k[?(@.x == 1)])]", &v).as_array().unwrap().len(), 1);
        assert_eq!(sel("$[?(@['items'][0] == 1)]", &v).as_array().unwrap().len(), 2);
    }

    #[test]
    fn filter_literals() {
        let v = json!([{"a": [1, 2]}, {"a": {"b": "c"}}, {"a": -1.5}]);
        assert_eq!(sel("$[?(@.a == [1, 2])]", &v), json!([{"a": [1, 2]}]));
        assert_eq!(sel("$[?(@.a == {'b': 'c'})]", &v), json!([{"a": {"b": "c"}}]));
        assert_eq!(sel("$[?(@.a == -1.5)]", &v), json!([{"a": -1.5}]));
        assert_eq!(
            sel(r#"$[?(@.q == 'it\'s')]"#, &json!([{"q": "it's"}])),
            json!([{"q": "it's"}])
        );
    }

    #[test]
    fn filter_syntax_errors() {
        for p in [
            "$[?(@.a ==)]",
            "$[?(@.a == 1]",
            "$[?(@.a == 1)",
            "$[?(1)]",
            "$[?()]",
            "$[?(@.a = 1)]",
            "$[?(@.a == 'x)]",
            "$[?(@.a && )]",
            "$[?(@.a == $$.x)]",
            "$[?@.a]",
        ] {
            assert!(syntax(p), "{p}");
        }
    }

    #[test]
    fn filter_nesting_is_capped() {
        let deep = format!("$[?({}@.a{})]", "(".repeat(200), ")".repeat(200));
        assert!(syntax(&deep));
        let ok = format!("$[?({}@.a{})]", "(".repeat(10), ")".repeat(10));
        assert!(Path::parse(&ok).is_ok());
        let nots = format!("$[?({}@.a)]", "!".repeat(100_000));
        assert!(syntax(&nots));
        let mut nested = String::from("@.a");
        for _ in 0..100 {
            nested = format!("@[?({nested})]");
        }
        assert!(syntax(&format!("$[?({nested})]")));
    }

    // --- functions ---

    #[test]
    fn functions() {
        let v = json!({"n": [1, 2, 3, 4], "s": "héllo", "o": {"a": 1, "b": 2}, "m": ["x", 2]});
        assert_eq!(sel("$.n.length()", &v), json!(4));
        assert_eq!(sel("$.n.size()", &v), json!(4));
        assert_eq!(sel("$.s.length()", &v), json!(5));
        assert_eq!(sel("$.o.length()", &v), json!(2));
        assert_eq!(sel("$.n.sum()", &v), json!(10.0));
        assert_eq!(sel("$.n.min()", &v), json!(1.0));
        assert_eq!(sel("$.n.max()", &v), json!(4.0));
        assert_eq!(sel("$.n.avg()", &v), json!(2.5));
        assert_eq!(sel("$.n.stddev()", &v), json!(1.118033988749895));
        assert_eq!(sel("$.m.sum()", &v), json!(2.0));
        assert_eq!(sel("$.o.keys()", &v), json!(["a", "b"]));
        assert_eq!(sel("$.n.first()", &v), json!(1));
        assert_eq!(sel("$.n.last()", &v), json!(4));
        assert_eq!(sel("$..a.sum()", &v), json!(1.0));
        assert_eq!(sel("$..n.length()", &v), json!(4));
        // After a wildcard (not a leading `..`), the function applies to each match.
        assert_eq!(sel("$.n[*].length()", &json!({"n": [[1], [2, 3]]})), json!([1, 2]));
        assert!(!Path::parse("$.n[*].length()").unwrap().is_definite());
        assert_eq!(sel("$['n','o'].length()", &v), json!([4, 2]));
        let p = Path::parse("$.n.length()").unwrap();
        assert!(p.is_definite() && !p.is_reference());
        assert_eq!(p.function(), Some("length"));
        assert_eq!(Path::parse("$.n").unwrap().function(), None);
        assert!(matches!(
            sel_err("$.s.sum()", &v),
            PathError::Function { function, reason } if function == "sum"
                && reason.contains("empty array")
        ));
        assert!(matches!(sel_err("$.nope.length()", &v), PathError::NotFound { .. }));
        assert!(syntax("$.n.nosuch()"));
        assert!(syntax("$.n.length().x"));
        assert!(syntax("$.n.length(1)"));
        assert!(syntax("$..length()"));
    }

    // --- syntax ---

    #[test]
    fn roots_and_variables() {
        assert_eq!(Path::parse("$var_1").unwrap().root(), &Root::Variable("var_1".into()));
        assert!(Path::parse("$var").unwrap().is_root());
        assert_eq!(Path::parse("$$").unwrap().root(), &Root::Context);
        assert_eq!(Path::parse("$v['a']").unwrap().normalized(), "$v['a']");
        assert!(syntax("$$$"));
        assert!(syntax("$$x"));
        assert!(syntax("a.b"));
        assert!(syntax(""));
        assert!(syntax("@.a"));
    }

    #[test]
    fn surrounding_blanks_are_ignored() {
        let p = Path::parse("  $.a  ").unwrap();
        assert_eq!(p.as_str(), "  $.a  ");
        assert_eq!(sel("  $.a ", &json!({"a": 1})), json!(1));
    }

    #[test]
    fn syntax_errors() {
        for p in [
            "$.",
            "$..",
            "$...a",
            "$.a.",
            "$.a..",
            "$[",
            "$[0",
            "$['a'",
            "$['a]",
            "$[a]",
            "$[1:2:3]",
            "$[1-2]",
            "$[]",
            "$[-]",
            "$[0,]",
            "$[99999999999]",
            "$ .a",
            "$.a .b",
            "$['a'] ['b']",
            "$a b",
            "$['a' 'b']",
            "$['a',]",
            "$['a',\"b\"]",
            "$x.",
            "$[?]",
            "$[*",
            "$.a(",
            "$.*a",
            "$[0]x",
        ] {
            assert!(syntax(p), "{p}");
        }
    }

    #[test]
    fn deep_nesting_in_the_text_is_an_error_not_a_crash() {
        assert!(syntax(&format!("${}", "[".repeat(100_000))));
        assert!(syntax(&format!("${}", "..".repeat(100_000))));
        assert!(syntax(&format!("$[?({})]", "[".repeat(100_000))));
        assert!(syntax(&format!("$[?(@.a == {})]", "[".repeat(100_000))));
        let long = format!("${}", ".a".repeat(100_000));
        let p = Path::parse(&long).unwrap();
        assert!(p.is_reference());
        assert!(p.select(&json!({})).is_err());
        let long = format!("${}", "..a".repeat(50_000));
        assert_eq!(sel(&long, &json!({"a": {"a": 1}})), json!([]));
    }

    #[test]
    fn normalized_forms() {
        let n = |p: &str| Path::parse(p).unwrap().normalized();
        assert_eq!(n("$.a.b[0]"), "$['a']['b'][0]");
        assert_eq!(n("$..book[*].author"), "$..['book'][*]['author']");
        assert_eq!(n("$['a','b']"), "$['a','b']");
        assert_eq!(n("$[0, 2]"), "$[0,2]");
        assert_eq!(n("$[1:]"), "$[1:]");
        assert_eq!(n("$[:2]"), "$[:2]");
        assert_eq!(n("$.a[?(@.b)]"), "$['a'][?]");
        assert_eq!(n("$.a.length()"), "$['a'].length()");
        assert_eq!(n("$$.Map.Item"), "$$['Map']['Item']");
    }

    #[test]
    fn definiteness() {
        for (p, reference, definite) in [
            ("$", true, true),
            ("$.a[0].b", true, true),
            ("$['a']['b']", true, true),
            ("$[*]", false, false),
            ("$..a", false, false),
            ("$[0,1]", false, false),
            ("$[0:1]", false, false),
            ("$[?(@.a)]", false, false),
            ("$['a','b']", false, true),
            ("$.a.length()", false, true),
        ] {
            let path = Path::parse(p).unwrap();
            assert_eq!(path.is_reference(), reference, "{p}");
            assert_eq!(path.is_definite(), definite, "{p}");
        }
    }

    // --- assign ---

    #[test]
    fn assign_paths() {
        let mut t = json!({"a": [1, {"b": 2}]});
        Path::parse("$.a[1].c").unwrap().assign(&mut t, json!(3)).unwrap();
        assert_eq!(t, json!({"a": [1, {"b": 2, "c": 3}]}));
        Path::parse("$.a[-2]").unwrap().assign(&mut t, json!("x")).unwrap();
        assert_eq!(t["a"][0], json!("x"));
        Path::parse("$").unwrap().assign(&mut t, json!(7)).unwrap();
        assert_eq!(t, json!(7));
        let mut t = json!({"n": null, "s": "str", "a": []});
        Path::parse("$.n.x").unwrap().assign(&mut t, json!(1)).unwrap();
        assert_eq!(t["n"], json!({"x": 1}));
        assert_eq!(
            Path::parse("$.s.x").unwrap().assign(&mut t, json!(1)).unwrap_err(),
            PathError::NotAnObject {
                normalized: "$['s']".into()
            }
        );
        assert_eq!(
            Path::parse("$.a[0]").unwrap().assign(&mut t, json!(1)).unwrap_err(),
            PathError::NotFound {
                normalized: "$['a'][0]".into()
            }
        );
        assert!(matches!(
            Path::parse("$.a[*]").unwrap().assign(&mut t, json!(1)),
            Err(PathError::NotReference { .. })
        ));
    }

    // --- regex engine ---

    #[test]
    fn regex_engine() {
        let m = |p: &str, f: &str, s: &str| regex::Regex::new(p, f).unwrap().is_match(s);
        assert!(m("a*b", "", "aaab"));
        assert!(!m("a*b", "", "aaabc"));
        assert!(m("(ab)+", "", "ababab"));
        assert!(m("a{2,3}", "", "aaa"));
        assert!(!m("a{2,3}", "", "aaaa"));
        assert!(m("a{2}", "", "aa"));
        assert!(m("a{2,}", "", "aaaaa"));
        assert!(m("[^abc]x", "", "dx"));
        assert!(!m("[^abc]x", "", "ax"));
        assert!(m("\\w+@\\w+\\.com", "", "joe@example.com"));
        assert!(m("\\s*\\S+\\s*", "", "  x "));
        assert!(m("^abc$", "", "abc"));
        assert!(m(".*\\bfoo\\b.*", "", "a foo b"));
        assert!(!m(".*\\bfoo\\b.*", "", "afoob"));
        assert!(m("(?:x|y)z", "", "yz"));
        assert!(m("ABC", "i", "abc"));
        assert!(!m("a.b", "", "a\nb"));
        assert!(m("a.b", "s", "a\nb"));
        assert!(m("a.*?b", "", "axxb"));
        assert!(m("[a-c\\d-]+", "", "a1-c"));
        assert!(m("\\u0041\\x42", "", "AB"));
        assert!(m("", "", ""));
        // Pathological for backtracking engines; linear here.
        assert!(!m("(a*)*b", "", &"a".repeat(10_000)));
        assert!(!m("(a|aa)+c", "", &"a".repeat(10_000)));
        for bad in [
            "(",
            ")",
            "*a",
            "a**",
            "[a",
            "a{2",
            "a{3,2}",
            "\\q",
            "a{100000}",
            "(?=x)",
        ] {
            assert!(regex::Regex::new(bad, "").is_err(), "{bad}");
        }
        let nested = format!("{}a{}", "(".repeat(1000), ")".repeat(1000));
        assert!(regex::Regex::new(&nested, "").is_err());
    }

    #[test]
    fn segments_stay_small() {
        assert!(std::mem::size_of::<Segment>() <= 24);
    }

    #[test]
    fn paths_are_send_and_sync() {
        fn check<T: Send + Sync + 'static>() {}
        check::<Path>();
        check::<PathError>();
    }

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

/// Parsing arbitrary text and selecting on arbitrary JSON never panics.
#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            (-1e6f64..1e6).prop_map(Value::from),
            "[a-c0-9 ]{0,4}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 40, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec(("[a-c]{1,2}", inner), 0..5)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    /// Text made of the characters JSONPath cares about, so that many inputs parse.
    fn pathish() -> impl Strategy<Value = String> {
        "\\$[$@.\\[\\]()?*,:'\"abc0-2 =<>!~&|/\\\\-]{0,40}"
    }

    fn exercise(text: &str, v: &Value) {
        if let Ok(p) = Path::parse(text) {
            let _ = p.select(v);
            let _ = p.select_nodes(v);
            let _ = p.normalized();
            let mut t = v.clone();
            let _ = p.assign(&mut t, Value::Null);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn any_text_never_panics(text in any::<String>(), v in json()) {
            exercise(&text, &v);
        }

        #[test]
        fn pathish_text_never_panics(text in pathish(), v in json()) {
            exercise(&text, &v);
        }

        #[test]
        fn generated_filters_never_panic(
            lhs in "@(\\.[abc]|\\[[0-2]\\]|\\.\\*|\\.\\.[abc])*",
            op in "(==|!=|<|<=|>|>=|=~|in|nin|subsetof|anyof|noneof|size|empty|contains)",
            rhs in "('a'|1|-2\\.5|true|null|\\[1,'b'\\]|/a\\.\\*/i|@\\.b|\\$\\.c|\\{'a':1\\})",
            v in json(),
        ) {
            let text = format!("$..[?({lhs} {op} {rhs})]");
            exercise(&text, &v);
            prop_assert!(Path::parse(&text).is_ok(), "{}", text);
        }

        #[test]
        fn reference_paths_find_what_assign_put(
            segs in prop::collection::vec(prop_oneof!["[a-z]{1,3}".prop_map(|s| format!(".{s}")),
                                                      "[a-z ]{0,3}".prop_map(|s| format!("['{s}']"))], 0..6),
            v in json(),
        ) {
            let text = format!("${}", segs.concat());
            let p = Path::parse(&text).unwrap();
            prop_assert!(p.is_reference());
            let mut t = Value::Object(Map::new());
            p.assign(&mut t, v.clone()).unwrap();
            prop_assert_eq!(&*p.select(&t).unwrap(), &v);
        }
    }
}
