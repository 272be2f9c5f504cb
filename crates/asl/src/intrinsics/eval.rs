//! Evaluation: arguments resolved against the input, each function applied.

use super::*;

/// What a pure function application needs from the scope, if anything.
pub(super) enum Outcome {
    Done(Value),
    /// `States.MathRandom` without a seed: `start + r` for a uniform `r` in `[0, span)`.
    Random {
        start: i64,
        span: u64,
    },
}

pub(super) fn eval_call(call: &Call, env: &mut Env<'_>, field: Option<&str>) -> Result<Value, StatesError> {
    if call.func == Function::Uuid {
        return Ok(Value::String(uuid_v4(env.scope.random_u64(), env.scope.random_u64())));
    }
    let mut nested: SmallVec<[Value; 2]> = SmallVec::new();
    if call.has_nested {
        for a in call.args.iter() {
            if let Arg::Call(c) = a {
                nested.push(eval_call(c, env, field)?);
            }
        }
    }
    let outcome = {
        let ro: &Env<'_> = env;
        let mut nested = nested.into_iter();
        let mut vals: SmallVec<[Cow<'_, Value>; 4]> = SmallVec::with_capacity(call.args.len());
        for a in call.args.iter() {
            vals.push(match a {
                Arg::Literal(v) => Cow::Borrowed(v),
                Arg::Path(p) => select(ro, p, field)?,
                Arg::Call(_) => Cow::Owned(nested.next().unwrap_or(Value::Null)),
            });
        }
        apply(call, &vals)?
    };
    match outcome {
        Outcome::Done(v) => Ok(v),
        Outcome::Random { start, span } => {
            let r = ((env.scope.random_u64() as u128 * span as u128) >> 64) as i64;
            Ok(Value::from(start.wrapping_add(r)))
        }
    }
}

pub(super) fn select<'e>(env: &'e Env<'_>, path: &Path, field: Option<&str>) -> Result<Cow<'e, Value>, StatesError> {
    env.select(path).map_err(|e| match e {
        PathError::NotFound { .. } => {
            let root = match path.root() {
                Root::Input => Some(env.input),
                Root::Context => Some(env.scope.context()),
                Root::Variable(name) => env.scope.variable(name),
            };
            let input = root.map(|v| v.to_string()).unwrap_or_default();
            match field {
                Some(f) => StatesError::runtime(format!(
                    "The JSONPath '{}' specified for the field '{f}' could not be found in the input '{input}'",
                    path.as_str()
                )),
                None => StatesError::runtime(format!(
                    "The JSONPath '{}' could not be found in the input '{input}'",
                    path.as_str()
                )),
            }
        }
        other => StatesError::runtime(other.to_string()),
    })
}

pub(super) fn fail(msg: String) -> StatesError {
    StatesError::intrinsic_failure(msg)
}

pub(super) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(super) fn wrong_type(f: Function, i: usize, want: &str, got: &Value) -> StatesError {
    fail(format!(
        "Invalid arguments in {}: argument {} must be {want}, but was {}",
        f.name(),
        i + 1,
        type_name(got)
    ))
}

pub(super) fn str_arg<'v>(f: Function, args: &'v [Cow<'_, Value>], i: usize) -> Result<&'v str, StatesError> {
    match &*args[i] {
        Value::String(s) => Ok(s),
        other => Err(wrong_type(f, i, "a string", other)),
    }
}

pub(super) fn arr_arg<'v>(f: Function, args: &'v [Cow<'_, Value>], i: usize) -> Result<&'v [Value], StatesError> {
    match &*args[i] {
        Value::Array(a) => Ok(a),
        other => Err(wrong_type(f, i, "an array", other)),
    }
}

pub(super) fn obj_arg<'v>(
    f: Function,
    args: &'v [Cow<'_, Value>],
    i: usize,
) -> Result<&'v Map<String, Value>, StatesError> {
    match &*args[i] {
        Value::Object(m) => Ok(m),
        other => Err(wrong_type(f, i, "an object", other)),
    }
}

/// An integer argument; non-integral numbers are rounded to the nearest integer, halves
/// towards positive infinity (Java's `Math.round`), as AWS does.
pub(super) fn int_arg(f: Function, args: &[Cow<'_, Value>], i: usize) -> Result<i64, StatesError> {
    let v = &*args[i];
    let Value::Number(n) = v else {
        return Err(wrong_type(f, i, "a number", v));
    };
    if let Some(x) = n.as_i64() {
        return Ok(x);
    }
    let out_of_range = || {
        fail(format!(
            "Invalid arguments in {}: argument {} ({n}) is out of range",
            f.name(),
            i + 1
        ))
    };
    if n.is_u64() {
        return Err(out_of_range());
    }
    let x = n.as_f64().unwrap_or(f64::NAN);
    let r = java_round(x);
    if (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&r) {
        Ok(r as i64)
    } else {
        Err(out_of_range())
    }
}

pub(super) fn java_round(x: f64) -> f64 {
    let f = x.floor();
    if x - f >= 0.5 { f + 1.0 } else { f }
}

pub(super) fn apply(call: &Call, args: &[Cow<'_, Value>]) -> Result<Outcome, StatesError> {
    let f = call.func;
    let done = |v: Value| Ok(Outcome::Done(v));
    match f {
        Function::Format => {
            check_result_size(f, args.iter().map(|a| a.as_ref()), 0)?;
            done(Value::String(format(call, args)?))
        }
        Function::StringToJson => {
            let s = str_arg(f, args, 0)?;
            if s.trim().is_empty() {
                return done(Value::Null);
            }
            match serde_json::from_str::<Value>(s) {
                Ok(mut v) => {
                    normalize_parsed(&mut v);
                    done(v)
                }
                Err(e) => Err(fail(format!(
                    "Invalid arguments in {}: the string '{s}' is not valid JSON ({e})",
                    f.name()
                ))),
            }
        }
        Function::JsonToString => {
            check_result_size(f, [args[0].as_ref()], 0)?;
            let mut out = String::new();
            write_json(&mut out, &args[0]);
            done(Value::String(out))
        }
        Function::Array => {
            check_result_size(f, args.iter().map(|a| a.as_ref()), 0)?;
            done(Value::Array(args.iter().map(|v| v.as_ref().clone()).collect()))
        }
        Function::ArrayPartition => {
            let arr = arr_arg(f, args, 0)?;
            let size = int_arg(f, args, 1)?;
            if size <= 0 {
                return Err(fail(format!(
                    "Invalid arguments in {}: the chunk size must be a positive integer, but was {size}",
                    f.name()
                )));
            }
            let chunk_count = arr.len().div_ceil(usize::try_from(size).unwrap_or(usize::MAX));
            check_result_size(f, arr, chunk_count.saturating_mul(std::mem::size_of::<Value>()))?;
            let chunks = arr
                .chunks(usize::try_from(size).unwrap_or(usize::MAX))
                .map(|c| Value::Array(c.to_vec()))
                .collect();
            done(Value::Array(chunks))
        }
        Function::ArrayContains => {
            let arr = arr_arg(f, args, 0)?;
            let needle = &*args[1];
            done(Value::Bool(arr.iter().any(|v| v == needle)))
        }
        Function::ArrayRange => {
            let start = int_arg(f, args, 0)?;
            let end = int_arg(f, args, 1)?;
            let step = int_arg(f, args, 2)?;
            if step == 0 {
                return Err(fail(format!(
                    "Invalid arguments in {}: the step must not be 0",
                    f.name()
                )));
            }
            let (start_w, end_w, step_w) = (start as i128, end as i128, step as i128);
            let count = if (step > 0 && end_w >= start_w) || (step < 0 && end_w <= start_w) {
                ((end_w - start_w) / step_w + 1) as u128
            } else {
                0
            };
            if count > MAX_ARRAY_RANGE_ITEMS as u128 {
                return Err(fail(format!(
                    "Invalid arguments in {}: the array would contain {count} items, more than the maximum of {MAX_ARRAY_RANGE_ITEMS}",
                    f.name()
                )));
            }
            let items = (0..count as i128)
                .map(|k| Value::from((start_w + k * step_w) as i64))
                .collect();
            done(Value::Array(items))
        }
        Function::ArrayGetItem => {
            let arr = arr_arg(f, args, 0)?;
            let idx = int_arg(f, args, 1)?;
            match usize::try_from(idx).ok().and_then(|i| arr.get(i)) {
                Some(v) => done(v.clone()),
                None => Err(fail(format!(
                    "Invalid arguments in {}: the index {idx} is out of bounds for an array of length {}",
                    f.name(),
                    arr.len()
                ))),
            }
        }
        Function::ArrayLength => done(Value::from(arr_arg(f, args, 0)?.len())),
        Function::ArrayUnique => done(Value::Array(unique(arr_arg(f, args, 0)?))),
        Function::Base64Encode => {
            let s = str_arg(f, args, 0)?;
            check_len(f, s)?;
            done(Value::String(base64_encode(s.as_bytes())))
        }
        Function::Base64Decode => {
            let s = str_arg(f, args, 0)?;
            check_len(f, s)?;
            match base64_decode(s) {
                Some(bytes) => done(Value::String(
                    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
                )),
                None => Err(fail(format!(
                    "Invalid arguments in {}: the input is not valid Base64",
                    f.name()
                ))),
            }
        }
        Function::Hash => {
            let data = str_arg(f, args, 0)?;
            let algo = str_arg(f, args, 1)?;
            check_len(f, data)?;
            match hex_digest(algo, data.as_bytes()) {
                Some(h) => done(Value::String(h)),
                None => Err(fail(format!(
                    "Invalid arguments in {}: the hash algorithm '{algo}' is not supported (supported: {HASH_ALGORITHMS})",
                    f.name()
                ))),
            }
        }
        Function::JsonMerge => {
            let a = obj_arg(f, args, 0)?;
            let b = obj_arg(f, args, 1)?;
            match &*args[2] {
                Value::Bool(false) => {}
                Value::Bool(true) => {
                    return Err(fail(format!(
                        "Invalid arguments in {}: deep merge is not supported; the third argument must be false",
                        f.name()
                    )));
                }
                other => return Err(wrong_type(f, 2, "a boolean", other)),
            }
            check_result_size(f, a.values().chain(b.values()), 0)?;
            let mut merged = a.clone();
            for (k, v) in b {
                merged.insert(k.clone(), v.clone());
            }
            done(Value::Object(merged))
        }
        Function::MathRandom => {
            let start = int_arg(f, args, 0)?;
            let end = int_arg(f, args, 1)?;
            if end <= start {
                return Err(fail(format!(
                    "Invalid arguments in {}: the end ({end}) must be greater than the start ({start})",
                    f.name()
                )));
            }
            let span = (end as i128 - start as i128) as u64;
            if args.len() == 3 {
                let seed = int_arg(f, args, 2)?;
                let Ok(bound) = i32::try_from(span) else {
                    return Err(fail(format!(
                        "Invalid arguments in {}: the range from {start} to {end} is too large",
                        f.name()
                    )));
                };
                let r = JavaRandom::new(seed).next_int(bound);
                return done(Value::from(start + r as i64));
            }
            Ok(Outcome::Random { start, span })
        }
        Function::MathAdd => {
            let a = int_arg(f, args, 0)?;
            let b = int_arg(f, args, 1)?;
            for (i, x) in [a, b].into_iter().enumerate() {
                if i32::try_from(x).is_err() {
                    return Err(fail(format!(
                        "Invalid arguments in {}: argument {} ({x}) is outside the range of -2147483648 to 2147483647",
                        f.name(),
                        i + 1
                    )));
                }
            }
            done(Value::from(a + b))
        }
        Function::StringSplit => {
            let s = str_arg(f, args, 0)?;
            let delims = str_arg(f, args, 1)?;
            let pieces = s.split(|c: char| delims.contains(c)).count();
            check_result_size(
                f,
                [],
                s.len()
                    .saturating_add(pieces.saturating_mul(std::mem::size_of::<Value>())),
            )?;
            let parts = s
                .split(|c: char| delims.contains(c))
                .filter(|p| !p.is_empty())
                .map(|p| Value::String(p.to_string()))
                .collect();
            done(Value::Array(parts))
        }
        Function::Uuid => unreachable_uuid(),
    }
}

/// `States.UUID` is handled before argument evaluation (it needs the scope's randomness).
#[cold]
pub(super) fn unreachable_uuid() -> Result<Outcome, StatesError> {
    Err(fail("States.UUID: internal evaluation error".into()))
}

pub(super) fn check_len(f: Function, s: &str) -> Result<(), StatesError> {
    // Cheap upper bound first: a UTF-16 length never exceeds the UTF-8 length.
    if s.len() > MAX_STRING_INPUT_CHARS && s.encode_utf16().count() > MAX_STRING_INPUT_CHARS {
        return Err(fail(format!(
            "Invalid arguments in {}: the input string exceeds the maximum of {MAX_STRING_INPUT_CHARS} characters",
            f.name()
        )));
    }
    Ok(())
}

/// serde_json reads `-0` as a float; AWS (Jackson) reads it as the integer 0.
pub(super) fn normalize_parsed(v: &mut Value) {
    match v {
        Value::Number(n) if n.is_f64() && n.as_f64().is_some_and(|f| f == 0.0 && f.is_sign_negative()) => {
            *v = Value::from(0);
        }
        Value::Array(a) => a.iter_mut().for_each(normalize_parsed),
        Value::Object(m) => m.values_mut().for_each(normalize_parsed),
        _ => {}
    }
}
