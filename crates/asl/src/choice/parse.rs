//! Parsing a rule object, with AWS's diagnostics.

use super::*;

/// The kind of operator a field name denotes, before its operand is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OpKind {
    String(Relation),
    Numeric(Relation),
    Boolean,
    Timestamp(Relation),
    Matches,
    IsNull,
    IsPresent,
    IsNumeric,
    IsString,
    IsBoolean,
    IsTimestamp,
}

/// Decodes an operator field name: its kind and whether it is the `…Path` form.
pub(super) fn operator_kind(name: &str) -> Option<(OpKind, bool)> {
    let simple = match name {
        "StringMatches" => Some(OpKind::Matches),
        "IsNull" => Some(OpKind::IsNull),
        "IsPresent" => Some(OpKind::IsPresent),
        "IsNumeric" => Some(OpKind::IsNumeric),
        "IsString" => Some(OpKind::IsString),
        "IsBoolean" => Some(OpKind::IsBoolean),
        "IsTimestamp" => Some(OpKind::IsTimestamp),
        _ => None,
    };
    if let Some(k) = simple {
        return Some((k, false));
    }
    let (base, is_path) = match name.strip_suffix("Path") {
        Some(b) => (b, true),
        None => (name, false),
    };
    if base == "BooleanEquals" {
        return Some((OpKind::Boolean, is_path));
    }
    let (family, rel): (fn(Relation) -> OpKind, &str) = if let Some(r) = base.strip_prefix("String") {
        (OpKind::String, r)
    } else if let Some(r) = base.strip_prefix("Numeric") {
        (OpKind::Numeric, r)
    } else if let Some(r) = base.strip_prefix("Timestamp") {
        (OpKind::Timestamp, r)
    } else {
        return None;
    };
    let rel = match rel {
        "Equals" => Relation::Equals,
        "LessThan" => Relation::LessThan,
        "GreaterThan" => Relation::GreaterThan,
        "LessThanEquals" => Relation::LessThanEquals,
        "GreaterThanEquals" => Relation::GreaterThanEquals,
        _ => return None,
    };
    Some((family(rel), is_path))
}

pub(super) fn join(location: &str, field: &str) -> String {
    format!("{location}/{field}")
}

pub(super) fn parse_rule(
    obj: &Map<String, Value>,
    location: &str,
    top_level: bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<ChoiceRule> {
    let mut variable: Option<&Value> = None;
    let mut combinators: Vec<(&str, &Value)> = Vec::new();
    let mut operators: Vec<(&str, OpKind, bool, &Value)> = Vec::new();
    for (key, value) in obj {
        match key.as_str() {
            "Variable" => variable = Some(value),
            "And" | "Or" | "Not" => combinators.push((key, value)),
            "Comment" => {}
            "Next" | "Assign" | "Output" if top_level => {}
            k => match operator_kind(k) {
                Some((kind, is_path)) => operators.push((k, kind, is_path, value)),
                None => diags.push(Diagnostic::schema(msg::not_supported(k), location)),
            },
        }
    }

    let kinds = combinators.len() + usize::from(variable.is_some());
    if kinds == 0 && !operators.is_empty() {
        diags.push(Diagnostic::schema(msg::VARIABLE_REQUIRED, location));
        return None;
    }
    if kinds != 1 {
        diags.push(Diagnostic::schema(msg::ONE_RULE_KIND, location));
        return None;
    }

    if let Some((name, value)) = combinators.first().copied() {
        for (op, ..) in &operators {
            diags.push(Diagnostic::schema(msg::not_supported(op), location));
        }
        let here = join(location, name);
        return match name {
            "Not" => {
                let Value::Object(inner) = value else {
                    diags.push(Diagnostic::schema(msg::expected_type("Object"), here));
                    return None;
                };
                let rule = parse_rule(inner, &here, false, diags)?;
                Some(ChoiceRule {
                    kind: RuleKind::Not(Box::new(rule)),
                })
            }
            _ => {
                let Value::Array(items) = value else {
                    diags.push(Diagnostic::schema(msg::expected_type("Array"), here));
                    return None;
                };
                if items.is_empty() {
                    diags.push(Diagnostic::schema(msg::EMPTY_ARRAY, here));
                    return None;
                }
                let mut rules = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let item_loc = join(&here, &i.to_string());
                    match item {
                        Value::Object(inner) => {
                            if let Some(r) = parse_rule(inner, &item_loc, false, diags) {
                                rules.push(r);
                            }
                        }
                        _ => diags.push(Diagnostic::schema(msg::expected_type("Object"), item_loc)),
                    }
                }
                if rules.len() != items.len() {
                    return None;
                }
                Some(ChoiceRule {
                    kind: if name == "And" {
                        RuleKind::And(rules)
                    } else {
                        RuleKind::Or(rules)
                    },
                })
            }
        };
    }

    let variable = parse_path_field(variable.expect("kinds == 1"), "Variable", location, diags);
    let (name, kind, is_path, operand) = match operators.as_slice() {
        [one] => *one,
        [] => {
            diags.push(Diagnostic::schema(msg::OPERATOR_REQUIRED, location));
            return None;
        }
        many => {
            let names: Vec<&str> = many.iter().map(|o| o.0).collect();
            diags.push(Diagnostic::schema(
                format!(
                    "There should only be one of the following fields: [{}]",
                    names.join(", ")
                ),
                location,
            ));
            return None;
        }
    };
    let operator = parse_operator(name, kind, is_path, operand, location, diags)?;
    Some(ChoiceRule {
        kind: RuleKind::Compare(Comparison {
            variable: variable?,
            operator,
        }),
    })
}

pub(super) fn parse_path_field(
    value: &Value,
    field: &str,
    location: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Path> {
    let here = join(location, field);
    let Value::String(text) = value else {
        diags.push(Diagnostic::schema(msg::expected_type("String"), here));
        return None;
    };
    match Path::parse(text) {
        Ok(p) if p.is_reference() => Some(p),
        Ok(_) => {
            diags.push(Diagnostic::schema(msg::not_reference_path(field), here));
            None
        }
        Err(_) => {
            diags.push(Diagnostic::schema(msg::invalid_path(field), here));
            None
        }
    }
}

pub(super) fn parse_operator(
    name: &str,
    kind: OpKind,
    is_path: bool,
    operand: &Value,
    location: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Operator> {
    if is_path {
        let p = parse_path_field(operand, name, location, diags)?;
        return Some(match kind {
            OpKind::String(rel) => Operator::String(rel, Operand::Path(p)),
            OpKind::Numeric(rel) => Operator::Numeric(rel, Operand::Path(p)),
            OpKind::Boolean => Operator::Boolean(Operand::Path(p)),
            OpKind::Timestamp(rel) => Operator::Timestamp(rel, Operand::Path(p)),
            _ => unreachable!("only comparisons have a Path form"),
        });
    }
    let here = || join(location, name);
    let mut wrong_type = |ty: &str| {
        diags.push(Diagnostic::schema(msg::expected_type(ty), here()));
        None
    };
    match kind {
        OpKind::String(rel) => match operand {
            Value::String(s) => Some(Operator::String(rel, Operand::Literal(s.as_str().into()))),
            _ => wrong_type("String"),
        },
        OpKind::Numeric(rel) => match operand {
            Value::Number(n) => Some(Operator::Numeric(rel, Operand::Literal(n.clone()))),
            _ => wrong_type("Number"),
        },
        OpKind::Boolean => match operand {
            Value::Bool(b) => Some(Operator::Boolean(Operand::Literal(*b))),
            _ => wrong_type("Boolean"),
        },
        OpKind::Timestamp(rel) => match operand {
            Value::String(s) => match Timestamp::parse(s) {
                Some(t) => Some(Operator::Timestamp(rel, Operand::Literal(t))),
                None => {
                    diags.push(Diagnostic::schema(msg::NOT_RFC3339, here()));
                    None
                }
            },
            _ => wrong_type("String"),
        },
        OpKind::Matches => match operand {
            Value::String(s) => Some(Operator::StringMatches(Pattern::new(s))),
            _ => wrong_type("String"),
        },
        OpKind::IsNull
        | OpKind::IsPresent
        | OpKind::IsNumeric
        | OpKind::IsString
        | OpKind::IsBoolean
        | OpKind::IsTimestamp => {
            let Value::Bool(b) = operand else {
                return wrong_type("Boolean");
            };
            let b = *b;
            Some(match kind {
                OpKind::IsNull => Operator::IsNull(b),
                OpKind::IsPresent => Operator::IsPresent(b),
                OpKind::IsNumeric => Operator::IsNumeric(b),
                OpKind::IsString => Operator::IsString(b),
                OpKind::IsBoolean => Operator::IsBoolean(b),
                _ => Operator::IsTimestamp(b),
            })
        }
    }
}
