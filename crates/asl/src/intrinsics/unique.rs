//! `States.ArrayUnique`: distinct elements by JSON equality, hashed.

use super::*;

/// Distinct elements in first-occurrence order (JSON equality: objects ignore key order,
/// `1` and `1.0` differ).
pub(super) fn unique(arr: &[Value]) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    let mut seen: HashMap<u64, SmallVec<[usize; 1]>> = HashMap::with_capacity(arr.len());
    for v in arr {
        let h = value_hash(v);
        let slot = seen.entry(h).or_default();
        if slot.iter().any(|&i| out[i] == *v) {
            continue;
        }
        slot.push(out.len());
        out.push(v.clone());
    }
    out
}

pub(super) fn value_hash(v: &Value) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    hash_into(v, &mut h);
    h.finish()
}

pub(super) fn hash_into(v: &Value, h: &mut impl Hasher) {
    match v {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => (1u8, *b).hash(h),
        Value::Number(n) => {
            2u8.hash(h);
            if let Some(u) = n.as_u64() {
                (0u8, u).hash(h);
            } else if let Some(i) = n.as_i64() {
                (1u8, i).hash(h);
            } else {
                (2u8, n.as_f64().unwrap_or(0.0).to_bits()).hash(h);
            }
        }
        Value::String(s) => (3u8, s).hash(h),
        Value::Array(a) => {
            (4u8, a.len()).hash(h);
            for x in a {
                hash_into(x, h);
            }
        }
        Value::Object(m) => {
            // Key order does not matter for equality: combine entry hashes commutatively.
            let mut acc = 0u64;
            for (k, x) in m {
                let mut eh = std::collections::hash_map::DefaultHasher::new();
                k.hash(&mut eh);
                hash_into(x, &mut eh);
                acc = acc.wrapping_add(eh.finish());
            }
            (5u8, m.len(), acc).hash(h);
        }
    }
}
