//! A walk over every node of a parsed expression, for the rewrites done before
//! evaluation (`join.rs`, `guard.rs`).

use jsonata_core::ast::{AstNode, Stage};

/// Calls `f` on every node of `root`, each before its children (so `f` may replace a node,
/// and the walk goes on into what replaced it). Uses an explicit stack, so deep expressions
/// cannot overflow it.
pub(crate) fn each_node_mut(root: &mut AstNode, mut f: impl FnMut(&mut AstNode)) {
    let mut stack: Vec<&mut AstNode> = vec![root];
    while let Some(node) = stack.pop() {
        f(node);
        match node {
            AstNode::Function { args, .. } => stack.extend(args.iter_mut()),
            AstNode::Path { steps } => {
                for step in steps {
                    for stage in &mut step.stages {
                        if let Stage::Filter(e) = stage {
                            stack.push(e);
                        }
                    }
                    stack.push(&mut step.node);
                }
            }
            AstNode::Binary { lhs, rhs, .. } => {
                stack.push(lhs);
                stack.push(rhs);
            }
            AstNode::Unary { operand, .. } => stack.push(operand),
            AstNode::Call { procedure, args } => {
                stack.push(procedure);
                stack.extend(args.iter_mut());
            }
            AstNode::Lambda { body, .. } => stack.push(body),
            AstNode::Array(items) | AstNode::Block(items) | AstNode::ArrayGroup(items) => {
                stack.extend(items.iter_mut());
            }
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
            AstNode::FunctionApplication(e) => stack.push(e),
            AstNode::Sort { input, terms } => {
                stack.push(input);
                stack.extend(terms.iter_mut().map(|(t, _)| t));
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
            AstNode::Variable(_)
            | AstNode::String(_)
            | AstNode::Name(_)
            | AstNode::Number(_)
            | AstNode::Boolean(_)
            | AstNode::Null
            | AstNode::Undefined
            | AstNode::Placeholder
            | AstNode::Regex { .. }
            | AstNode::ParentVariable(_)
            | AstNode::Wildcard
            | AstNode::Descendant
            | AstNode::Parent(_) => {}
        }
    }
}
