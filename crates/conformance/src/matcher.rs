//! Comparison of an expected (recorded, with placeholders) JSON value with an actual one.
//!
//! The rules (corpus README):
//! 1. an expected string that is exactly one token matches any JSON value;
//! 2. otherwise each token inside an expected string matches any substring (shortest
//!    first, with backtracking) and the rest must match literally;
//! 3. objects must have the same keys, arrays the same length, everything else must be
//!    equal (numbers by value, `true`/`false` are not numbers).
//!
//! The `timestamp` token only applies as the whole value of an object field whose name
//! contains "timestamp" (case-insensitive), where it matches any value.

use std::fmt;

use serde_json::{Number, Value};

use crate::placeholders::{Placeholders, Segment};

/// How many differences one comparison reports at most.
pub const MAX_DIFFERENCES: usize = 10;

/// What kind of difference was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffKind {
    /// Values (or their types) differ.
    Value,
    /// The expected object has a key the actual one lacks.
    MissingKey,
    /// The actual object has a key the expected one lacks.
    UnexpectedKey,
    /// Arrays (or event lists) of different length.
    Length { expected: usize, actual: usize },
    /// An expected event of a re-ordered Parallel run has no counterpart in the actual run.
    Unmatched,
}

/// One difference between the expected and the actual value.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// JSON Pointer of the location (`""` is the root), e.g. `/output/items/2`.
    pub path: String,
    pub kind: DiffKind,
    /// The expected value there (`None` for an unexpected key).
    pub expected: Option<Value>,
    /// The actual value there (`None` for a missing key).
    pub actual: Option<Value>,
}

/// The result of a failed comparison: the differences found, in document order (at most
/// [`MAX_DIFFERENCES`]). Never empty.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    pub differences: Vec<Difference>,
    /// True when more differences existed than were recorded.
    pub truncated: bool,
}

impl Mismatch {
    /// A mismatch with one difference.
    pub fn single(path: impl Into<String>, kind: DiffKind, expected: Option<Value>, actual: Option<Value>) -> Mismatch {
        Mismatch {
            differences: vec![Difference {
                path: path.into(),
                kind,
                expected,
                actual,
            }],
            truncated: false,
        }
    }

    fn first(&self) -> &Difference {
        &self.differences[0]
    }

    /// Location of the first difference (JSON Pointer; `""` is the root).
    pub fn path(&self) -> &str {
        &self.first().path
    }

    /// Expected value at the first difference.
    pub fn expected(&self) -> Option<&Value> {
        self.first().expected.as_ref()
    }

    /// Actual value at the first difference.
    pub fn actual(&self) -> Option<&Value> {
        self.first().actual.as_ref()
    }
}

/// Longest rendering of one value in a diff line.
const SHOW_CHARS: usize = 160;

/// Compact JSON text of `v`, cut at about [`SHOW_CHARS`] characters.
pub fn short_json(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() <= SHOW_CHARS {
        return text;
    }
    let mut cut: String = text.chars().take(SHOW_CHARS).collect();
    cut.push('…');
    cut
}

fn show_path(path: &str) -> &str {
    if path.is_empty() { "/" } else { path }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = show_path(&self.path);
        let e = self.expected.as_ref().map(short_json);
        let a = self.actual.as_ref().map(short_json);
        match self.kind {
            DiffKind::Value => write!(
                f,
                "{path}: expected {}, got {}",
                e.unwrap_or_default(),
                a.unwrap_or_default()
            ),
            DiffKind::MissingKey => {
                write!(f, "{path}: missing, expected {}", e.unwrap_or_default())
            }
            DiffKind::UnexpectedKey => {
                write!(f, "{path}: unexpected, got {}", a.unwrap_or_default())
            }
            DiffKind::Length { expected, actual } => write!(
                f,
                "{path}: expected {expected} items, got {actual}: expected {}, got {}",
                e.unwrap_or_default(),
                a.unwrap_or_default()
            ),
            DiffKind::Unmatched => write!(
                f,
                "{path}: no matching event in the Parallel branch events, expected {}{}",
                e.unwrap_or_default(),
                a.map(|a| format!(", closest {a}")).unwrap_or_default()
            ),
        }
    }
}

impl fmt::Display for Mismatch {
    /// One line per difference.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.differences.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        if self.truncated {
            write!(f, "\n… more differences not shown")?;
        }
        Ok(())
    }
}

impl std::error::Error for Mismatch {}

/// Appends one JSON Pointer reference token (escaping `~` and `/`).
pub(crate) fn push_path(path: &str, key: &str) -> String {
    let mut p = String::with_capacity(path.len() + key.len() + 1);
    p.push_str(path);
    p.push('/');
    for c in key.chars() {
        match c {
            '~' => p.push_str("~0"),
            '/' => p.push_str("~1"),
            c => p.push(c),
        }
    }
    p
}

/// Collects differences up to a limit.
pub(crate) struct Diffs {
    pub(crate) items: Vec<Difference>,
    limit: usize,
    pub(crate) truncated: bool,
}

impl Diffs {
    pub(crate) fn new(limit: usize) -> Diffs {
        Diffs {
            items: Vec::new(),
            limit,
            truncated: false,
        }
    }

    pub(crate) fn full(&self) -> bool {
        self.items.len() >= self.limit
    }

    pub(crate) fn push(&mut self, path: &str, kind: DiffKind, expected: Option<&Value>, actual: Option<&Value>) {
        if self.full() {
            self.truncated = true;
            return;
        }
        self.items.push(Difference {
            path: path.to_string(),
            kind,
            expected: expected.cloned(),
            actual: actual.cloned(),
        });
    }

    pub(crate) fn into_result(self) -> Result<(), Mismatch> {
        if self.items.is_empty() {
            Ok(())
        } else {
            Err(Mismatch {
                differences: self.items,
                truncated: self.truncated,
            })
        }
    }
}

/// Compares `expected` (with placeholders) with `actual`.
pub fn compare(expected: &Value, actual: &Value, placeholders: &Placeholders) -> Result<(), Mismatch> {
    compare_at(expected, actual, placeholders, "")
}

/// Like [`compare`], with the reported paths starting at `path` (a JSON Pointer).
pub fn compare_at(expected: &Value, actual: &Value, placeholders: &Placeholders, path: &str) -> Result<(), Mismatch> {
    let mut diffs = Diffs::new(MAX_DIFFERENCES);
    diff(expected, actual, None, placeholders, path, &mut diffs);
    diffs.into_result()
}

/// True when `expected` matches `actual` (no diff is built).
pub fn matches(expected: &Value, actual: &Value, placeholders: &Placeholders) -> bool {
    let mut diffs = Diffs::new(1);
    diff(expected, actual, None, placeholders, "", &mut diffs);
    diffs.items.is_empty()
}

fn key_names_timestamp(key: Option<&str>) -> bool {
    key.is_some_and(|k| k.to_ascii_lowercase().contains("timestamp"))
}

/// Records the differences between `expected` and `actual` at `path` into `out`.
/// `key` is the name of the object field holding the values, if any.
pub(crate) fn diff(
    expected: &Value,
    actual: &Value,
    key: Option<&str>,
    ph: &Placeholders,
    path: &str,
    out: &mut Diffs,
) {
    if out.full() {
        out.truncated = true;
        return;
    }
    match (expected, actual) {
        (Value::String(e), _) => {
            if ph.is_whole_token(e) || (key_names_timestamp(key) && ph.is_timestamp_token(e)) {
                return;
            }
            let ok = match actual {
                Value::String(a) => string_matches(e, a, ph),
                _ => false,
            };
            if !ok {
                out.push(path, DiffKind::Value, Some(expected), Some(actual));
            }
        }
        (Value::Number(e), Value::Number(a)) => {
            if !numbers_equal(e, a) {
                out.push(path, DiffKind::Value, Some(expected), Some(actual));
            }
        }
        (Value::Bool(e), Value::Bool(a)) if e == a => {}
        (Value::Null, Value::Null) => {}
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let p = push_path(path, k);
                match a.get(k) {
                    Some(av) => diff(ev, av, Some(k), ph, &p, out),
                    None => out.push(&p, DiffKind::MissingKey, Some(ev), None),
                }
            }
            for (k, av) in a {
                if !e.contains_key(k) {
                    out.push(&push_path(path, k), DiffKind::UnexpectedKey, None, Some(av));
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                let kind = DiffKind::Length {
                    expected: e.len(),
                    actual: a.len(),
                };
                out.push(path, kind, Some(expected), Some(actual));
                return;
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                diff(ev, av, None, ph, &push_path(path, &i.to_string()), out);
            }
        }
        _ => out.push(path, DiffKind::Value, Some(expected), Some(actual)),
    }
}

/// Numbers compare by value: `1 == 1.0`.
pub fn numbers_equal(a: &Number, b: &Number) -> bool {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return x == y;
    }
    if (a.is_i64() || a.is_u64()) && (b.is_i64() || b.is_u64()) {
        // One negative, one above i64::MAX.
        return false;
    }
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// Rule 2: does the expected string `pattern` (tokens act as wildcards matching any
/// substring, the rest literally) match `actual`?
pub fn string_matches(pattern: &str, actual: &str, ph: &Placeholders) -> bool {
    let segs = ph.segments(pattern);
    if !segs.contains(&Segment::Wildcard) {
        return pattern == actual;
    }
    wildcard_match(&segs, actual)
}

/// Matches text segments separated by wildcards. Wildcards take the shortest substring
/// first and give back as needed: for `*`-only patterns, matching the leading literal as
/// a prefix, the trailing literal as a suffix and every middle literal at its leftmost
/// occurrence finds a match whenever one exists.
fn wildcard_match(segs: &[Segment<'_>], actual: &str) -> bool {
    let mut segs = segs;
    let mut rest = actual;
    if let [Segment::Text(prefix), tail @ ..] = segs {
        match rest.strip_prefix(prefix) {
            Some(r) => rest = r,
            None => return false,
        }
        segs = tail;
    }
    if segs.is_empty() {
        return rest.is_empty();
    }
    if let [head @ .., Segment::Text(suffix)] = segs {
        match rest.strip_suffix(suffix) {
            Some(r) => rest = r,
            None => return false,
        }
        segs = head;
    }
    for seg in segs {
        if let Segment::Text(lit) = seg {
            match rest.find(lit) {
                Some(i) => rest = &rest[i + lit.len()..],
                None => return false,
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn std_ph() -> Placeholders {
        Placeholders::standard()
    }

    fn ok(e: Value, a: Value) -> bool {
        compare(&e, &a, &std_ph()).is_ok()
    }

    #[test]
    fn rule1_whole_token_matches_any_value() {
        for a in [
            json!("x"),
            json!(1),
            json!(null),
            json!(true),
            json!({"a": [1]}),
            json!([]),
        ] {
            assert!(ok(json!("<uuid:7>"), a.clone()));
            assert!(ok(json!("date"), a.clone()));
            assert!(ok(json!("<ExecArnPart_0idx>"), a.clone()));
        }
        // Not a token: a real value.
        assert!(!ok(json!("<omitted>"), json!("x")));
        assert!(ok(json!("<omitted>"), json!("<omitted>")));
    }

    #[test]
    fn rule2_arn_wildcards() {
        let e = json!("arn:<partition>:states:<region>:111111111111:stateMachine:<ArnPart_0idx>");
        assert!(ok(
            e.clone(),
            json!("arn:aws:states:us-east-1:123456789012:stateMachine:my-machine")
        ));
        assert!(ok(
            e.clone(),
            json!("arn:aws-us-gov:states:us-gov-west-1:000000000000:stateMachine:a:b")
        ));
        assert!(!ok(
            e.clone(),
            json!("arn:aws:lambda:us-east-1:123456789012:stateMachine:x")
        ));
        assert!(!ok(e.clone(), json!("arn:aws:states:us-east-1:1:execution:x")));
        // A whole-token-looking value but not a string: rule 2 needs a string.
        assert!(!ok(e, json!(5)));
        let exec = json!("arn:<partition>:states:<region>:111111111111:execution:<ArnPart_0idx>:<ExecArnPart_0idx>");
        assert!(ok(
            exec,
            json!("arn:aws:states:eu-west-1:999999999999:execution:sm:5f1c-uuid")
        ));
    }

    #[test]
    fn rule2_shortest_first_backtracks() {
        let ph = std_ph();
        // The first ":" after the wildcard is not the right one: must extend.
        assert!(string_matches("<region>:x", "a:b:x", &ph));
        assert!(!string_matches("<region>:x", "a:b:y", &ph));
        // Middle literal appears several times.
        assert!(string_matches("a<region>b<region>c", "a1b2b3c", &ph));
        assert!(string_matches("a<region>bc", "abcbc", &ph));
        assert!(!string_matches("a<region>bc", "abcb", &ph));
        // Prefix and suffix must not overlap.
        assert!(!string_matches("ab<region>ba", "aba", &ph));
        assert!(string_matches("ab<region>ba", "abba", &ph));
        // Tokens may stand for the empty string.
        assert!(string_matches("x<region>y", "xy", &ph));
        // Two adjacent tokens.
        assert!(string_matches("<partition><region>!", "abc!", &ph));
        // No token: plain equality.
        assert!(!string_matches("abc", "abcd", &ph));
        // "date" inside a longer string.
        assert!(string_matches(
            "valid ISO-8601 extended offset date-time format",
            "valid ISO-8601 extended offset date-time format",
            &ph
        ));
        assert!(string_matches("at date!", "at 2024-01-01T00:00:00.000Z!", &ph));
        // Unicode around tokens.
        assert!(string_matches("ü<region>é", "üxyé", &ph));
    }

    #[test]
    fn rule3_numbers_by_value() {
        assert!(ok(json!(1), json!(1.0)));
        assert!(ok(json!(1.0), json!(1)));
        assert!(ok(json!(-3), json!(-3.0)));
        assert!(!ok(json!(1), json!(2)));
        assert!(!ok(json!(1.5), json!(1)));
        assert!(ok(json!(u64::MAX), json!(u64::MAX)));
        assert!(!ok(json!(-1), json!(u64::MAX)));
    }

    #[test]
    fn rule3_bool_is_not_number() {
        assert!(!ok(json!(true), json!(1)));
        assert!(!ok(json!(1), json!(true)));
        assert!(!ok(json!(false), json!(0)));
        assert!(!ok(json!(false), json!(null)));
        assert!(ok(json!(false), json!(false)));
        assert!(!ok(json!("1"), json!(1)));
    }

    #[test]
    fn rule3_objects_same_keys_arrays_same_length() {
        assert!(ok(json!({"a": 1, "b": [1, 2]}), json!({"b": [1.0, 2], "a": 1})));
        let m = compare(&json!({"a": 1}), &json!({"a": 1, "b": 2}), &std_ph()).unwrap_err();
        assert_eq!(m.path(), "/b");
        assert_eq!(m.differences[0].kind, DiffKind::UnexpectedKey);
        let m = compare(&json!({"a": 1, "c": 3}), &json!({"a": 1}), &std_ph()).unwrap_err();
        assert_eq!(m.path(), "/c");
        assert_eq!(m.differences[0].kind, DiffKind::MissingKey);
        let m = compare(&json!({"x": [1, 2]}), &json!({"x": [1, 2, 3]}), &std_ph()).unwrap_err();
        assert_eq!(m.path(), "/x");
        assert_eq!(m.differences[0].kind, DiffKind::Length { expected: 2, actual: 3 });
        // A whole token inside an array element still matches anything.
        assert!(ok(json!(["<uuid:1>", 2]), json!([{"k": 1}, 2])));
    }

    #[test]
    fn timestamp_rule_depends_on_key() {
        // Whole value of a field whose name contains "timestamp": any value.
        assert!(ok(json!({"timestamp": "timestamp"}), json!({"timestamp": 17})));
        assert!(ok(
            json!({"TimestampValue": "timestamp"}),
            json!({"TimestampValue": "2016-12-05T21:29:29"})
        ));
        assert!(ok(json!({"myTimestamp": "timestamp"}), json!({"myTimestamp": null})));
        // Elsewhere it is plain text.
        assert!(!ok(json!({"value": "timestamp"}), json!({"value": 17})));
        assert!(ok(json!({"value": "timestamp"}), json!({"value": "timestamp"})));
        assert!(!ok(json!(["timestamp"]), json!(["x"])));
        assert!(!ok(json!("timestamp"), json!("x")));
        // Not a substring wildcard, even under a timestamp key.
        assert!(!ok(json!({"timestamp": "at timestamp"}), json!({"timestamp": "at 5"})));
    }

    #[test]
    fn mismatch_location_and_display() {
        let e = json!({"status": "SUCCEEDED", "output": {"items": [1, 2, 3], "s": "a"}});
        let a = json!({"status": "SUCCEEDED", "output": {"items": [1, 2, 4], "s": "b"}});
        let m = compare(&e, &a, &std_ph()).unwrap_err();
        assert_eq!(m.path(), "/output/items/2");
        assert_eq!(m.expected(), Some(&json!(3)));
        assert_eq!(m.actual(), Some(&json!(4)));
        assert_eq!(
            m.to_string(),
            "/output/items/2: expected 3, got 4\n/output/s: expected \"a\", got \"b\""
        );
        let m = compare(&json!(1), &json!(2), &std_ph()).unwrap_err();
        assert_eq!(m.to_string(), "/: expected 1, got 2");
        let m = compare(&json!({"a/b~": 1}), &json!({"a/b~": 2}), &std_ph()).unwrap_err();
        assert_eq!(m.path(), "/a~1b~0");
    }

    #[test]
    fn mismatch_is_capped() {
        let e = Value::Array((0..50).map(|i| json!(i)).collect());
        let a = Value::Array((0..50).map(|i| json!(i + 1)).collect());
        let m = compare(&e, &a, &std_ph()).unwrap_err();
        assert_eq!(m.differences.len(), MAX_DIFFERENCES);
        assert!(m.truncated);
        assert!(!matches(&e, &a, &std_ph()));
        assert!(matches(&e, &e, &std_ph()));
    }

    #[test]
    fn case_specific_tokens() {
        let mut ph = std_ph();
        assert!(!ok(json!({"r": "RandomNumberGenerated"}), json!({"r": 42})));
        ph.add_literal("RandomNumberGenerated");
        assert!(compare(&json!({"r": "RandomNumberGenerated"}), &json!({"r": 42}), &ph).is_ok());
    }
}
