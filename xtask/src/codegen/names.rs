//! Model names → Rust names.

/// `billedMemoryUsedInMB` → `billed_memory_used_in_mb`; `type` → `r#type`.
pub fn field(member: &str) -> String {
    let snake = snake(member);
    if KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// What serde's `rename_all = "camelCase"` makes of a field name: when it is not the wire
/// name, the field needs its own `rename`.
pub fn serde_camel(field: &str) -> String {
    let field = field.trim_start_matches("r#");
    let mut out = String::new();
    let mut upper = false;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `ListExecutionsPageToken` → `LIST_EXECUTIONS_PAGE_TOKEN`.
pub fn screaming(name: &str) -> String {
    snake(name).to_uppercase()
}

/// `State machines` → `state_machines`; `TestState` → `test_state`.
pub fn module(title: &str) -> String {
    snake(&title.replace(' ', "_")).replace("__", "_")
}

/// `AWS_OWNED_KEY` → `AwsOwnedKey`.
pub fn variant(wire: &str) -> String {
    wire.split(['_', '-', '.'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let lower = p.to_lowercase();
            let mut chars = lower.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// A word starts at an upper-case letter after a lower-case one or a digit, and at the last
/// capital of a run followed by a lower-case letter (`InMB` → `in_mb`, `ARNList` → `arn_list`).
fn snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait",
    "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do",
    "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(field("billedMemoryUsedInMB"), "billed_memory_used_in_mb");
        assert_eq!(serde_camel("billed_memory_used_in_mb"), "billedMemoryUsedInMb");
        assert_eq!(field("type"), "r#type");
        assert_eq!(serde_camel("r#type"), "type");
        assert_eq!(
            field("kmsDataKeyReusePeriodSeconds"),
            "kms_data_key_reuse_period_seconds"
        );
        assert_eq!(screaming("ListExecutionsPageToken"), "LIST_EXECUTIONS_PAGE_TOKEN");
        assert_eq!(screaming("Arn"), "ARN");
        assert_eq!(variant("CUSTOMER_MANAGED_KMS_KEY"), "CustomerManagedKmsKey");
        assert_eq!(variant("OK"), "Ok");
        assert_eq!(module("State machines"), "state_machines");
        assert_eq!(module("TestState"), "test_state");
    }
}
