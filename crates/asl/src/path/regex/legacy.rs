//! The Pike VM `=~` ran on before the `regex` crate, kept as the tests' oracle: the
//! translation must accept the same patterns and give the same answers.
#![allow(dead_code)]

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
