//! Evaluation: walking segments over a value, within a work budget.

use super::*;

pub(super) struct Budget {
    pub(super) left: u64,
}

impl Budget {
    pub(super) fn new() -> Self {
        Budget { left: MAX_WORK }
    }

    pub(super) fn spend(&mut self, n: u64) -> Result<(), PathError> {
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
pub(super) fn eval_segments<'v>(
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
pub(super) fn walk<'v, F>(root: &'v Value, budget: &mut Budget, mut f: F) -> Result<(), PathError>
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
pub(super) fn scan_apply<'v>(
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
pub(super) fn apply<'v>(
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
pub(super) fn slice_bounds(from: Option<i64>, to: Option<i64>, len: usize) -> (i64, i64) {
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
