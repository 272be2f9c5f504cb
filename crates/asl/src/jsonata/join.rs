//! `$join`, replaced so that the size of its result is checked before it is allocated.
//!
//! `$join(strings, separator)` copies the separator between every two strings: a few
//! thousand empty strings joined with a 10 MB separator ask for gigabytes in one
//! allocation, inside one built-in, where no checkpoint of the evaluator runs. jsonata-core
//! compiles `$join` into its fast path and refuses to let a host override it, so the
//! expression is rewritten instead: every use of the name `join` (calls, references,
//! bindings, parameters) becomes [`HOST_NAME`], a host function that checks the size first
//! and otherwise does what jsonata-js does (`<a<s>s?:s>`). A workflow variable named
//! `join` is bound under the new name too ([`bound_name`]).

use jsonata_core::ast::{AstNode, Stage};
use jsonata_core::evaluator::EvaluatorError;
use jsonata_core::value::JValue;

use super::JsonataError;
use super::functions::err;

/// The name `join` is rewritten to.
pub(crate) const HOST_NAME: &str = "__stepwise_join";

/// The name a variable called `name` is bound under in a rewritten expression.
pub(crate) fn bound_name(name: &str) -> &str {
    if name == "join" { HOST_NAME } else { name }
}

fn fix(name: &mut String) {
    if name == "join" {
        *name = HOST_NAME.to_string();
    }
}

/// Renames every `join` in `root` to [`HOST_NAME`].
pub(crate) fn rewrite(root: &mut AstNode) {
    super::walk::each_node_mut(root, |node| match node {
        AstNode::Variable(name) | AstNode::Function { name, .. } => fix(name),
        AstNode::Path { steps } => {
            for step in steps {
                if let Some(v) = step.focus.as_mut() {
                    fix(v);
                }
                if let Some(v) = step.index_var.as_mut() {
                    fix(v);
                }
                for stage in &mut step.stages {
                    if let Stage::Index(v) = stage {
                        fix(v);
                    }
                }
            }
        }
        AstNode::Lambda { params, .. } => params.iter_mut().for_each(fix),
        _ => {}
    });
}

fn not_strings() -> EvaluatorError {
    EvaluatorError::TypeError("T0412: Argument 1 of function $join must be an array of String".to_string())
}

/// `$join(strings[, separator])` within `max_memory` bytes.
pub(crate) fn join(args: &[JValue], max_memory: usize) -> Result<JValue, EvaluatorError> {
    if args.is_empty() {
        // jsonata-js: no array where the signature needs one (`$join()`).
        return Err(super::functions::arg_type_error(1, "join"));
    }
    if args.len() > 2 {
        return Err(super::functions::arity_error("join", 2, args.len()));
    }
    let items: Vec<&str> = match &args[0] {
        JValue::Undefined => return Ok(JValue::Undefined),
        JValue::String(s) => vec![s],
        JValue::Array(a) => a
            .iter()
            .map(|v| v.as_str().ok_or_else(not_strings))
            .collect::<Result<_, _>>()?,
        _ => return Err(not_strings()),
    };
    let separator = match args.get(1) {
        None | Some(JValue::Undefined) => "",
        Some(JValue::String(s)) => s,
        Some(_) => {
            return Err(EvaluatorError::TypeError(
                "T0410: Argument 2 of function $join does not match function signature (expected String)".to_string(),
            ));
        }
    };
    let total = items.iter().map(|s| s.len() as u128).sum::<u128>()
        + (items.len().saturating_sub(1) as u128) * separator.len() as u128;
    if total > max_memory as u128 {
        return Err(err(
            super::MEMORY_LIMIT_CODE,
            JsonataError::memory_limit(max_memory).message,
        ));
    }
    Ok(JValue::from(items.join(separator)))
}
