//! `States.Format` and the text forms values take in it (Java's `toString`) and in
//! `States.JsonToString` (compact JSON).

use super::*;

pub(super) fn format(call: &Call, args: &[Cow<'_, Value>]) -> Result<String, StatesError> {
    let f = Function::Format;
    let rest = &args[1..];
    let mismatch = |holes: usize| {
        fail(format!(
            "Invalid arguments in {}: the format string has {holes} placeholder{} but {} argument{} {} given",
            f.name(),
            if holes == 1 { "" } else { "s" },
            rest.len(),
            if rest.len() == 1 { "" } else { "s" },
            if rest.len() == 1 { "was" } else { "were" },
        ))
    };
    let mut out = String::new();
    if let Some(pieces) = &call.template {
        if pieces.len() - 1 != rest.len() {
            return Err(mismatch(pieces.len() - 1));
        }
        for (i, piece) in pieces.iter().enumerate() {
            out.push_str(piece);
            if let Some(v) = rest.get(i) {
                write_java(&mut out, v);
            }
        }
    } else {
        let template = str_arg(f, args, 0)?;
        let holes = template.matches("{}").count();
        if holes != rest.len() {
            return Err(mismatch(holes));
        }
        for (i, piece) in template.split("{}").enumerate() {
            out.push_str(piece);
            if let Some(v) = rest.get(i) {
                write_java(&mut out, v);
            }
        }
    }
    Ok(out)
}

/// Renders a value as AWS's `States.Format` does: strings as they are, objects and arrays
/// the way Java's `Map`/`List` `toString` prints them.
pub(super) fn write_java(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => out.push_str(s),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_java(out, x);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                write_java(out, x);
            }
            out.push('}');
        }
    }
}

/// Compact JSON as AWS's `States.JsonToString` writes it (Jackson: Java float formatting).
pub(super) fn write_json(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_json_string(out, s),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, x);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(out, k);
                out.push(':');
                write_json(out, x);
            }
            out.push('}');
        }
    }
}

pub(super) fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    let mut run = 0;
    for (i, c) in s.char_indices() {
        let esc = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\u{8}' => "\\b",
            '\u{c}' => "\\f",
            c if (c as u32) < 0x20 => "",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        if esc.is_empty() {
            let _ = write!(out, "\\u{:04X}", c as u32);
        } else {
            out.push_str(esc);
        }
        run = i + c.len_utf8();
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// Integers as they are; floats as Java's `Double.toString` prints them (`1.1`, `3.0`,
/// `1.0E20`, `1.0E-5`).
pub(super) fn write_number(out: &mut String, n: &Number) {
    if !n.is_f64() {
        let _ = write!(out, "{n}");
        return;
    }
    let d = n.as_f64().unwrap_or(0.0);
    write_java_double(out, d);
}

/// Java's `Double.toString` (JDK 19+: shortest digits that round-trip).
pub fn write_java_double(out: &mut String, d: f64) {
    if d.is_nan() {
        out.push_str("NaN");
        return;
    }
    if d.is_infinite() {
        out.push_str(if d > 0.0 { "Infinity" } else { "-Infinity" });
        return;
    }
    if d == 0.0 {
        out.push_str(if d.is_sign_negative() { "-0.0" } else { "0.0" });
        return;
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "-1.2345e-7".
    let sci = format!("{:e}", d.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if d < 0.0 {
        out.push('-');
    }
    let abs = d.abs();
    if (1e-3..1e7).contains(&abs) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                out.push_str(&digits);
                for _ in digits.len()..int_len {
                    out.push('0');
                }
                out.push_str(".0");
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        } else {
            out.push_str("0.");
            for _ in 0..(-exp - 1) {
                out.push('0');
            }
            out.push_str(&digits);
        }
    } else {
        out.push_str(&digits[..1]);
        out.push('.');
        if digits.len() > 1 {
            out.push_str(&digits[1..]);
        } else {
            out.push('0');
        }
        let _ = write!(out, "E{exp}");
    }
}
