//! The names Step Functions accepts inside ARNs.

/// Whether `name` is a valid name for a state machine, execution or activity: 1 to 80
/// characters, none of them whitespace, `< > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /`, a
/// control character (U+0000–001F, U+007F–009F) or a non-character (U+FFFE, U+FFFF).
pub fn is_valid_name(name: &str) -> bool {
    let len = name.encode_utf16().count();
    (1..=80).contains(&len) && name.chars().all(|c| !is_forbidden_name_char(c))
}

fn is_forbidden_name_char(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '<' | '>'
                | '{'
                | '}'
                | '['
                | ']'
                | '?'
                | '*'
                | '"'
                | '#'
                | '%'
                | '\\'
                | '^'
                | '|'
                | '~'
                | '`'
                | '$'
                | '&'
                | ','
                | ';'
                | ':'
                | '/'
        )
        || ('\u{0}'..='\u{1f}').contains(&c)
        || ('\u{7f}'..='\u{9f}').contains(&c)
        || c == '\u{fffe}'
        || c == '\u{ffff}'
}

/// `^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$` (the model's alias-name pattern): letters,
/// digits, `_`, `-`, `.`, and not only digits.
pub fn is_alias_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        && s.bytes().any(|b| !b.is_ascii_digit())
}
