//! The syntax `=~` accepts: the common subset of Java's, parsed into [`Node`]s. What parses
//! here, and the errors for what does not, are the definition-time behaviour; the matching
//! itself is the `regex` crate's (see the parent module).

use std::fmt;

/// The most instructions a pattern may compile to, counted as a Pike VM would.
pub(super) const MAX_PROGRAM: usize = 20_000;
const MAX_GROUPS: u32 = 64;
const MAX_REPEAT: u32 = 1_000;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Look {
    Start,
    End,
    WordBoundary,
    NotWordBoundary,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Class {
    pub(super) negated: bool,
    pub(super) items: Vec<Item>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Item {
    Range(char, char),
    Digit(bool),
    Word(bool),
    Space(bool),
}

#[derive(Debug)]
pub(super) enum Node {
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
pub struct Error(pub(super) &'static str);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// Parses `pattern` into its syntax tree, with the errors Java's `Pattern.compile` gives
/// for what this subset does not accept.
pub(super) fn parse(pattern: &str) -> Result<Node, Error> {
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
    Ok(node)
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
