//! Regular expressions for the `=~` filter operator, with Java's syntax and semantics as
//! Jayway applies them (`Pattern.compile(p, flags).matcher(s).matches()`: the whole input).
//!
//! # Why the `regex` crate, not `fancy-regex`
//!
//! The syntax accepted is the common subset of Java's that this crate has always accepted
//! ([`syntax`]): literals, `.`, classes with ranges and `\d \w \s` (and negations), groups
//! `(…)` / `(?:…)`, alternation, the greedy, lazy and possessive quantifiers (all the same
//! for a whole-input match), `^ $ \b \B`, `\t \n \r \f \a \e \xhh \uhhhh`, and the flags
//! `i`, `s`, `m`. Backreferences (`(a)\1`) and lookaround (`(?=x)`, `(?<=x)`) are refused
//! when the definition is parsed, as before; nothing accepted needs backtracking, so the
//! `regex` crate (linear-time, already in the build through jsonata-core) is enough and
//! `fancy-regex` is not needed. The tests `backreferences_and_lookaround_are_refused` and
//! `pathological_patterns_stay_linear` pin that decision.
//!
//! # Translation
//!
//! A parsed pattern is written out in the `regex` crate's syntax with Java's meaning made
//! explicit, so that Unicode-aware defaults of the crate do not leak in: `\d \w \s` are the
//! ASCII sets Java uses, `.` excludes Java's line terminators (`\n \r \u0085 \u2028
//! \u2029`) unless `s` is given, `i` folds ASCII letters only, `\b` is the ASCII word
//! boundary, every literal is written as `\x{…}`, and the whole is anchored `\A(?:…)\z`.
//! Compiled once, when the definition is parsed.
//!
//! Two corners of Java's line handling have no equivalent in the crate and follow its rules
//! instead: without `m`, a `$` that the rest of the pattern follows with a final `\n`
//! (`a$\n`) no longer matches there; with `m`, `^` and `$` see `\n` and `\r` as line ends
//! (the crate's CRLF mode) but not `\u0085`, `\u2028`, `\u2029`.

mod syntax;

use std::fmt::Write as _;

pub use syntax::Error;
use syntax::{Class, Item, Look, MAX_PROGRAM, Node};

/// A compiled `=~` pattern.
#[derive(Debug, Clone)]
pub struct Regex {
    inner: regex::Regex,
}

impl PartialEq for Regex {
    /// Same translated pattern (the translation is a function of pattern and flags).
    fn eq(&self, other: &Regex) -> bool {
        self.inner.as_str() == other.inner.as_str()
    }
}

impl Regex {
    /// Parses `pattern` (Java syntax, the subset above) with `flags` (`i`, `s`, `m`).
    pub fn new(pattern: &str, flags: &str) -> Result<Regex, Error> {
        let node = syntax::parse(pattern)?;
        if program_len(&node) > MAX_PROGRAM {
            return Err(Error("pattern too large"));
        }
        let flags = Flags {
            icase: flags.contains('i'),
            dotall: flags.contains('s'),
            multiline: flags.contains('m'),
        };
        let mut out = String::from(r"\A(?:");
        write_node(&node, flags, &mut out);
        out.push_str(r")\z");
        let inner = regex::RegexBuilder::new(&out)
            .size_limit(1 << 24)
            .build()
            .map_err(|_| Error("pattern too large"))?;
        Ok(Regex { inner })
    }

    /// True when the pattern matches the whole of `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.inner.is_match(text)
    }
}

#[derive(Debug, Clone, Copy)]
struct Flags {
    icase: bool,
    dotall: bool,
    multiline: bool,
}

/// How many instructions a Pike VM program for `node` holds: the measure the size limit
/// has always been stated in, so the same patterns are refused as too large.
fn program_len(node: &Node) -> usize {
    match node {
        Node::Empty => 0,
        Node::Char(_) | Node::Any | Node::Class(_) | Node::Look(_) => 1,
        Node::Cat(items) => items.iter().map(program_len).fold(0, usize::saturating_add),
        Node::Alt(branches) => branches
            .iter()
            .map(program_len)
            .fold(2 * (branches.len().saturating_sub(1)), usize::saturating_add),
        Node::Repeat(n, min, max) => {
            let one = program_len(n);
            let required = one.saturating_mul(*min as usize);
            let optional = match max {
                None => one.saturating_add(2),
                Some(max) => one.saturating_add(1).saturating_mul((max - min) as usize),
            };
            required.saturating_add(optional)
        }
    }
}

/// Java's `\s`: space, tab, newline, vertical tab, form feed, carriage return.
const SPACE: &[(char, char)] = &[('\t', '\r'), (' ', ' ')];
const DIGIT: &[(char, char)] = &[('0', '9')];
const WORD: &[(char, char)] = &[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
/// What `.` does not match without the `s` flag.
const LINE_ENDS: &[(char, char)] = &[
    ('\n', '\n'),
    ('\r', '\r'),
    ('\u{85}', '\u{85}'),
    ('\u{2028}', '\u{2029}'),
];

fn write_char(out: &mut String, c: char) {
    let _ = write!(out, r"\x{{{:x}}}", c as u32);
}

fn write_ranges(out: &mut String, negated: bool, ranges: &[(char, char)]) {
    out.push_str(if negated { "[^" } else { "[" });
    for &(a, b) in ranges {
        write_char(out, a);
        if a != b {
            out.push('-');
            write_char(out, b);
        }
    }
    out.push(']');
}

fn write_node(node: &Node, flags: Flags, out: &mut String) {
    match node {
        Node::Empty => {}
        Node::Char(c) if flags.icase && c.is_ascii_alphabetic() => {
            let (lo, up) = (c.to_ascii_lowercase(), c.to_ascii_uppercase());
            write_ranges(out, false, &[(up, up), (lo, lo)]);
        }
        Node::Char(c) => write_char(out, *c),
        Node::Any if flags.dotall => out.push_str("(?s:.)"),
        Node::Any => write_ranges(out, true, LINE_ENDS),
        Node::Class(class) => write_class(class, flags, out),
        Node::Look(look) => out.push_str(match (look, flags.multiline) {
            (Look::Start, false) => r"\A",
            (Look::Start, true) => "(?mR:^)",
            (Look::End, false) => r"\z",
            (Look::End, true) => "(?mR:$)",
            (Look::WordBoundary, _) => r"(?-u:\b)",
            (Look::NotWordBoundary, _) => r"(?-u:\B)",
        }),
        Node::Cat(items) => items.iter().for_each(|n| write_node(n, flags, out)),
        Node::Alt(branches) => {
            out.push_str("(?:");
            for (i, b) in branches.iter().enumerate() {
                if i > 0 {
                    out.push('|');
                }
                write_node(b, flags, out);
            }
            out.push(')');
        }
        Node::Repeat(n, min, max) => {
            out.push_str("(?:");
            write_node(n, flags, out);
            out.push(')');
            let _ = match max {
                None => write!(out, "{{{min},}}"),
                Some(max) => write!(out, "{{{min},{max}}}"),
            };
        }
    }
}

/// A class: the union of its items (each a nested class), negated as a whole; with `i`,
/// a range's ASCII letters bring their other case along.
fn write_class(class: &Class, flags: Flags, out: &mut String) {
    out.push_str(if class.negated { "[^" } else { "[" });
    for item in &class.items {
        match *item {
            Item::Range(a, b) => {
                let mut ranges = vec![(a, b)];
                if flags.icase {
                    // The part of the range in one ASCII case, in the other case.
                    for (from, to) in [('A', 'Z'), ('a', 'z')] {
                        let (lo, hi) = (a.max(from), b.min(to));
                        if lo <= hi {
                            let swap = |c: char| (c as u8 ^ 0x20) as char;
                            ranges.push((swap(lo), swap(hi)));
                        }
                    }
                }
                write_ranges(out, false, &ranges);
            }
            Item::Digit(neg) => write_ranges(out, neg, DIGIT),
            Item::Word(neg) => write_ranges(out, neg, WORD),
            Item::Space(neg) => write_ranges(out, neg, SPACE),
        }
    }
    out.push(']');
}

#[cfg(test)]
mod legacy_tests;
#[cfg(test)]
mod tests;
