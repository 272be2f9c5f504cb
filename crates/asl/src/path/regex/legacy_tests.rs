//! The Pike VM `=~` ran on before the `regex` crate, kept as the tests' oracle: the
//! translation must give the same answers. Only the matcher (and the size limit it counted
//! while compiling) is the old code; the syntax is [`super::syntax`]'s parser, the one
//! definitions use, so there is one copy of it.

use super::syntax::{Class, Error, Item, Look, MAX_PROGRAM, Node, parse};

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

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r')
}

fn is_line_end(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn class_matches(class: &Class, c: char, icase: bool) -> bool {
    let hit = |c: char| {
        class.items.iter().any(|it| match *it {
            Item::Range(a, b) => a <= c && c <= b,
            Item::Digit(neg) => c.is_ascii_digit() != neg,
            Item::Word(neg) => is_word(c) != neg,
            Item::Space(neg) => is_space(c) != neg,
        })
    };
    let found = hit(c) || (icase && (hit(c.to_ascii_lowercase()) || hit(c.to_ascii_uppercase())));
    found != class.negated
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
        let node = parse(pattern)?;
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
                    Inst::Class(cl) => class_matches(cl, c, self.icase),
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
