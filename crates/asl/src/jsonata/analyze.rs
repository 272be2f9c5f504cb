//! What a compiled expression reads, found once at compile time.
//!
//! The walk collects every variable the expression names (`$x`, `$x.a.b`, `$f(…)`), and for
//! each the part of its value that can be observed:
//!
//! - a path that starts with the variable and continues with field steps
//!   (`$states.input.order.id`) can only look at those fields, so only they need converting
//!   (a field step over an array maps over its items, which [`Projection`] mirrors); the
//!   chain ends at the first step that is not a field name, and a field step with a
//!   predicate, `[]` or an `@`/`#` binding ends it too, its field then needed whole;
//! - any other use (`$x` alone, `$x.*`, `$x[0]`, `$keys($x)`, `$f := $x`) needs the whole value.
//!
//! The union over all uses is kept. Local bindings that shadow a name (`$x := …`,
//! `function($x)`) only make the set larger than needed, never smaller, so the result is
//! always sound. An expression with a `%` parent step anywhere reads whole values.
//!
//! The walk uses an explicit stack, so a deeply nested expression cannot overflow it.

use std::collections::{BTreeMap, BTreeSet};

use jsonata_core::ast::{AstNode, BinaryOp, PathStep, Stage};

use super::JsonataError;
use super::convert::Projection;

#[derive(Debug, Default, Clone)]
pub(crate) struct Analysis {
    /// Every variable name read (without `$`), with the part of its value that is observable.
    pub vars: BTreeMap<String, Projection>,
    /// Names called as functions (`$name(…)`) or used as function values.
    pub functions: BTreeSet<String>,
    /// The first use of syntax newer than JSONata 2.0.6, if any.
    pub newer_syntax: Option<JsonataError>,
}

impl Analysis {
    pub(crate) fn uses(&self, name: &str) -> bool {
        self.functions.contains(name) || self.vars.contains_key(name)
    }

    fn read(&mut self, name: &str, chain: &[String]) {
        let p = self
            .vars
            .entry(name.to_string())
            .or_insert_with(|| Projection::Fields(BTreeMap::new()));
        p.add_path(chain);
    }
}

/// A step that only selects a field and binds nothing.
pub(super) fn plain(step: &PathStep) -> bool {
    step.stages.is_empty()
        && step.focus.is_none()
        && step.index_var.is_none()
        && step.ancestor_label.is_none()
        && !step.is_tuple
        && !step.inner_tuple
}

pub(crate) fn analyze(root: &AstNode) -> Analysis {
    let mut a = Analysis::default();
    let mut has_parent = false;
    let mut stack: Vec<&AstNode> = vec![root];
    while let Some(node) = stack.pop() {
        match node {
            AstNode::String(_)
            | AstNode::Name(_)
            | AstNode::Number(_)
            | AstNode::Boolean(_)
            | AstNode::Null
            | AstNode::Undefined
            | AstNode::Placeholder
            | AstNode::Regex { .. }
            | AstNode::ParentVariable(_)
            | AstNode::Wildcard
            | AstNode::Descendant => {}
            AstNode::Parent(_) => has_parent = true,
            AstNode::Variable(name) => {
                if !name.is_empty() {
                    a.read(name, &[]);
                    a.functions.insert(name.clone());
                }
            }
            AstNode::Path { steps } => {
                let mut rest: &[PathStep] = steps;
                if let Some(first) = steps.first()
                    && let AstNode::Variable(name) = &first.node
                    && !name.is_empty()
                    && plain(first)
                {
                    // Field steps; one with a predicate or a binding ends the chain (its
                    // field is still the only one read, but it is needed whole).
                    let mut chain: Vec<String> = Vec::new();
                    for s in &steps[1..] {
                        let AstNode::Name(field) = &s.node else { break };
                        chain.push(field.clone());
                        if !plain(s) {
                            break;
                        }
                    }
                    a.read(name, &chain);
                    rest = &steps[1..];
                }
                for step in rest {
                    stack.push(&step.node);
                    for stage in &step.stages {
                        if let Stage::Filter(e) = stage {
                            stack.push(e);
                        }
                    }
                }
            }
            AstNode::Binary { op, lhs, rhs } => {
                if a.newer_syntax.is_none() {
                    let symbol = match op {
                        BinaryOp::Coalesce => Some("?"),
                        BinaryOp::Default => Some(":"),
                        _ => None,
                    };
                    if let Some(symbol) = symbol {
                        // JSONata 2.0.6 reads `??` as `?` `?` and `?:` as `?` `:`; the second
                        // symbol then fails as a prefix operator.
                        a.newer_syntax = Some(JsonataError::new(
                            "S0211",
                            format!("The symbol {symbol} cannot be used as a unary operator"),
                        ));
                    }
                }
                stack.push(lhs);
                stack.push(rhs);
            }
            AstNode::Unary { operand, .. } => stack.push(operand),
            AstNode::Function { name, args, .. } => {
                a.functions.insert(name.clone());
                a.read(name, &[]);
                stack.extend(args.iter());
            }
            AstNode::Call { procedure, args } => {
                stack.push(procedure);
                stack.extend(args.iter());
            }
            AstNode::Lambda { body, .. } => stack.push(body),
            AstNode::Array(items) | AstNode::Block(items) | AstNode::ArrayGroup(items) => stack.extend(items.iter()),
            AstNode::Object(pairs) => {
                for (k, v) in pairs {
                    stack.push(k);
                    stack.push(v);
                }
            }
            AstNode::ObjectTransform { input, pattern } => {
                stack.push(input);
                for (k, v) in pattern {
                    stack.push(k);
                    stack.push(v);
                }
            }
            AstNode::Conditional {
                condition,
                then_branch,
                else_branch,
            } => {
                stack.push(condition);
                stack.push(then_branch);
                if let Some(e) = else_branch {
                    stack.push(e);
                }
            }
            AstNode::FunctionApplication(inner) => stack.push(inner),
            AstNode::Sort { input, terms } => {
                stack.push(input);
                stack.extend(terms.iter().map(|(t, _)| t));
            }
            AstNode::Transform {
                location,
                update,
                delete,
            } => {
                stack.push(location);
                stack.push(update);
                if let Some(d) = delete {
                    stack.push(d);
                }
            }
        }
    }
    if has_parent {
        for p in a.vars.values_mut() {
            *p = Projection::Full;
        }
    }
    a
}
