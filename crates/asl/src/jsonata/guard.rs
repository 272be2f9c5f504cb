//! `$split`, `$replace` and `$match`, guarded so that what they would build is checked
//! before they build it.
//!
//! Each of them builds its whole result inside one built-in, where no checkpoint of the
//! evaluator runs and the memory budget (`budget`) can only cancel the evaluation after
//! the built-in returns — by then `$split($big, "")` has made a value per character (some
//! 60 bytes each: gigabytes for a string of tens of megabytes), and `$replace` with a long
//! replacement has copied it once per match. jsonata-core compiles `$split` into its fast
//! path and refuses to let a host override it, and reimplementing them (regular
//! expressions, functions as replacements) would fork their behaviour; so they are kept,
//! and every call is rewritten to check first:
//!
//! ```text
//! $split(a, b)   →   ( $__sw_a0 := a; $__sw_a1 := b;
//!                      $__stepwise_guard("split", $, $__sw_a0, $__sw_a1);
//!                      $split($__sw_a0, $__sw_a1) )
//! ```
//!
//! Arguments are evaluated once, as before; the guard sees them with the context (`$`),
//! which the built-ins use in place of a missing first argument, estimates the result's
//! size from them, and fails the evaluation with the memory-limit error when it is over
//! the budget; otherwise it returns nothing and the built-in runs as it always did, type
//! errors included. A chained call (`s ~> $split(",")`) is the same call with `s` first.
//! Calls with a placeholder (`$split(?, ",")`, a partial application) are left alone: they
//! make a function, not a result.

use jsonata_core::ast::{AstNode, BinaryOp};
use jsonata_core::evaluator::EvaluatorError;
use jsonata_core::value::JValue;

use super::JsonataError;
use super::functions::err;

/// The host function that checks a guarded call.
pub(crate) const HOST_NAME: &str = "__stepwise_guard";

/// The built-ins whose calls are guarded.
pub(crate) const GUARDED: [&str; 3] = ["split", "replace", "match"];

/// The prefix of the variables a rewritten call binds its arguments to.
const ARG: &str = "__sw_a";

/// What one item of a `$split` or `$match` result costs at least, besides its text: the
/// value, its share of the array, and for `$match` the object with `match`, `index` and
/// `groups`.
const SPLIT_ITEM: u128 = 64;
const MATCH_ITEM: u128 = 256;

/// Rewrites every guarded call in `root`.
pub(crate) fn rewrite(root: &mut AstNode) {
    super::walk::each_node_mut(root, |node| {
        if let AstNode::Binary {
            op: BinaryOp::ChainPipe,
            lhs,
            rhs,
        } = node
            && let AstNode::Function { name, args, .. } = &mut **rhs
            && guarded(name, args)
        {
            let lhs = std::mem::replace(&mut **lhs, AstNode::Undefined);
            args.insert(0, lhs);
            *node = std::mem::replace(&mut **rhs, AstNode::Undefined);
        }
        if let AstNode::Function {
            name,
            args,
            is_builtin: true,
        } = node
            && guarded(name, args)
        {
            *node = checked_call(std::mem::take(name), std::mem::take(args));
        }
    });
}

/// A call of a guarded built-in that is not rewritten yet: not one made by [`checked_call`]
/// (whose arguments are its variables) and not a partial application.
fn guarded(name: &str, args: &[AstNode]) -> bool {
    GUARDED.contains(&name)
        && !args.is_empty()
        && !args.iter().any(|a| matches!(a, AstNode::Placeholder))
        && !args
            .iter()
            .all(|a| matches!(a, AstNode::Variable(v) if v.starts_with(ARG)))
}

fn checked_call(name: String, args: Vec<AstNode>) -> AstNode {
    let vars: Vec<String> = (0..args.len()).map(|i| format!("{ARG}{i}")).collect();
    let mut block: Vec<AstNode> = vars
        .iter()
        .zip(args)
        .map(|(v, arg)| AstNode::Binary {
            op: BinaryOp::ColonEqual,
            lhs: Box::new(AstNode::Variable(v.clone())),
            rhs: Box::new(arg),
        })
        .collect();
    let mut guard_args = vec![AstNode::String(name.clone()), AstNode::Variable(String::new())];
    guard_args.extend(vars.iter().map(|v| AstNode::Variable(v.clone())));
    block.push(AstNode::Function {
        name: HOST_NAME.to_string(),
        args: guard_args,
        is_builtin: true,
    });
    block.push(AstNode::Function {
        name,
        args: vars.into_iter().map(AstNode::Variable).collect(),
        is_builtin: true,
    });
    AstNode::Block(block)
}

/// A singleton sequence stands for its item, as in a built-in's signature check.
fn item(v: &JValue) -> &JValue {
    match v {
        JValue::Array(a) if a.sequence && a.len() == 1 => &a[0],
        other => other,
    }
}

/// A pattern argument: a string or a regular expression (a function matcher is left to
/// the built-in).
enum Pattern<'a> {
    Text(&'a str),
    Regex,
}

fn pattern(v: Option<&JValue>) -> Option<Pattern<'_>> {
    match v.map(item) {
        Some(JValue::String(s)) => Some(Pattern::Text(s)),
        Some(JValue::Regex { .. }) => Some(Pattern::Regex),
        _ => None,
    }
}

/// The arguments of a guarded call as the built-in will read them. `required` counts the
/// string and the arguments after it that the call needs (`$split`: 2, `$replace`: 3); the
/// context takes the string's place when fewer are given, or as many with a number (a
/// limit) last, as the signature's `-` makes jsonata do.
fn with_subject<'a>(ctx: &'a JValue, args: &'a [JValue], required: usize) -> Option<(&'a str, &'a [JValue])> {
    let limit_last = args.last().map(item).is_some_and(|v| matches!(v, JValue::Number(_)));
    let from_context = args.len() < required || (args.len() == required && limit_last);
    let (subject, rest) = if from_context {
        (item(ctx), args)
    } else {
        (item(&args[0]), &args[1..])
    };
    Some((subject.as_str()?, rest))
}

/// A count argument (`limit`): how many pieces or matches at most.
fn limit(v: Option<&JValue>) -> Option<u128> {
    match v.map(item) {
        Some(JValue::Number(n)) if *n >= 0.0 => Some(n.trunc() as u128),
        _ => None,
    }
}

/// How many times `pattern` occurs in `s` at most, without allocating: a text is counted
/// (non-overlapping, as the built-ins match it); a regular expression may match anywhere,
/// empty matches included.
fn occurrences(s: &str, pattern: &Pattern<'_>) -> u128 {
    match pattern {
        Pattern::Text("") => s.chars().count() as u128 + 1,
        Pattern::Text(p) => s.matches(p).count() as u128,
        Pattern::Regex => s.chars().count() as u128 + 1,
    }
}

/// The bytes a guarded call would build at most, when its arguments say (`None`: the
/// built-in will refuse them or build nothing large).
fn estimate(function: &str, ctx: &JValue, args: &[JValue]) -> Option<u128> {
    match function {
        "split" => {
            let (s, rest) = with_subject(ctx, args, 2)?;
            let sep = pattern(rest.first())?;
            let mut pieces = occurrences(s, &sep) + 1;
            if let Some(n) = limit(rest.get(1)) {
                pieces = pieces.min(n);
            }
            Some(s.len() as u128 + pieces * SPLIT_ITEM)
        }
        "match" => {
            let (s, rest) = with_subject(ctx, args, 2)?;
            let p = pattern(rest.first())?;
            let mut matches = occurrences(s, &p);
            if let Some(n) = limit(rest.get(1)) {
                matches = matches.min(n);
            }
            Some(s.len() as u128 + matches * MATCH_ITEM)
        }
        "replace" => {
            let (s, rest) = with_subject(ctx, args, 3)?;
            let p = pattern(rest.first())?;
            // A function as the replacement runs in the evaluator, where the budget reaches it.
            let JValue::String(replacement) = item(rest.get(1)?) else {
                return None;
            };
            let mut matches = occurrences(s, &p);
            if let Some(n) = limit(rest.get(2)) {
                matches = matches.min(n);
            }
            Some(s.len() as u128 + matches * replacement.len() as u128)
        }
        _ => None,
    }
}

/// `$__stepwise_guard(function, context, args…)`: undefined when the call may run, the
/// memory-limit error when what it would build is over `max_memory` bytes.
pub(crate) fn guard(args: &[JValue], max_memory: usize) -> Result<JValue, EvaluatorError> {
    let (Some(JValue::String(function)), Some(ctx)) = (args.first(), args.get(1)) else {
        return Ok(JValue::Undefined);
    };
    match estimate(function, ctx, &args[2..]) {
        Some(bytes) if bytes > max_memory as u128 => Err(err(
            super::MEMORY_LIMIT_CODE,
            JsonataError::memory_limit(max_memory).message,
        )),
        _ => Ok(JValue::Undefined),
    }
}
