//! `generated/model.rs`: the constraints of every shape the served actions' inputs reach,
//! as `validate::Shape` statics (one per model shape; an input is named after its action).

use std::fmt::Write;

use anyhow::{Context, Result, bail};
use indexmap::IndexSet;

use super::config;
use super::model::{Kind, ServiceModel, Shape};
use super::names;

pub fn generate(model: &ServiceModel) -> Result<String> {
    let mut order = IndexSet::new();
    for action in config::all_actions() {
        let input = model
            .operation(action)?
            .input
            .as_ref()
            .with_context(|| format!("{action} has no input"))?;
        reach(model, &input.shape, &mut order)?;
    }
    let inputs: Vec<(String, &str)> = config::all_actions()
        .map(|a| Ok((model.operation(a)?.input.as_ref().expect("checked").shape.clone(), a)))
        .collect::<Result<_>>()?;
    let static_name = |shape: &str| -> String {
        match inputs.iter().find(|(s, _)| s == shape) {
            Some((_, action)) => names::screaming(action),
            None => names::screaming(shape),
        }
    };
    let mut taken = IndexSet::new();
    for shape in &order {
        if !taken.insert(static_name(shape)) {
            bail!("two shapes would both be the static {}", static_name(shape));
        }
    }

    let mut out = String::from(super::HEADER);
    out.push_str("\nuse crate::validate::{Measure, Member, Pattern, Shape};\n");
    out.push_str("\n/// Every action served, by its wire name.\n");
    let actions: Vec<String> = config::all_actions().map(|a| format!("{a:?}")).collect();
    writeln!(out, "pub const ACTIONS: &[&str] = &[{}];", actions.join(", "))?;
    for name in &order {
        let shape = model.shape(name)?;
        out.push('\n');
        if inputs.iter().any(|(s, _)| s == name) {
            writeln!(out, "/// `{name}`.")?;
        }
        writeln!(
            out,
            "pub static {}: Shape = {};",
            static_name(name),
            literal(name, shape, &static_name)?
        )?;
    }
    Ok(out)
}

/// The shapes `name` reaches, in the order they are first seen (depth first).
fn reach(model: &ServiceModel, name: &str, order: &mut IndexSet<String>) -> Result<()> {
    if order.contains(name) {
        return Ok(());
    }
    order.insert(name.to_owned());
    let shape = model.shape(name)?;
    match shape.kind {
        Kind::Structure => {
            for m in shape.members.values() {
                reach(model, &m.shape, order)?;
            }
        }
        Kind::List => reach(model, shape.list_member()?, order)?,
        _ => {}
    }
    Ok(())
}

fn literal(name: &str, shape: &Shape, static_name: &dyn Fn(&str) -> String) -> Result<String> {
    let opt = |v: Option<i64>| v.map_or("None".to_owned(), |v| format!("Some({v})"));
    Ok(match shape.kind {
        Kind::String if shape.enum_values.is_some() => format!("Shape::Enum(crate::types::{name}::VALUES)"),
        Kind::String => {
            let pattern = match &shape.pattern {
                None => "None".to_owned(),
                Some(p) => {
                    let variant = config::pattern(p)
                        .with_context(|| format!("{name}: no matcher for the pattern {p:?} (see config::PATTERNS)"))?;
                    format!("Some(Pattern::{variant})")
                }
            };
            let measure = if config::MEASURED_IN_BYTES.contains(&name) {
                "Utf8Bytes"
            } else {
                "Chars"
            };
            format!(
                "Shape::string({}, {}, {pattern}, {}, Measure::{measure})",
                opt(shape.min),
                opt(shape.max),
                shape.sensitive
            )
        }
        Kind::Integer => format!("Shape::integer({}, {})", opt(shape.min), opt(shape.max)),
        Kind::Long if shape.min.is_none() && shape.max.is_none() => "Shape::Long".to_owned(),
        Kind::Boolean => "Shape::Boolean".to_owned(),
        Kind::List => format!(
            "Shape::list(&{}, {}, {})",
            static_name(shape.list_member()?),
            opt(shape.min),
            opt(shape.max)
        ),
        Kind::Structure => {
            let members: Vec<String> = shape
                .members
                .iter()
                .map(|(m, r)| {
                    let kind = if shape.is_required(m) { "required" } else { "optional" };
                    format!("Member::{kind}({m:?}, &{})", static_name(&r.shape))
                })
                .collect();
            format!("Shape::structure({name:?}, &[{}])", members.join(", "))
        }
        other => bail!("{name}: validation of {other:?} shapes is not supported"),
    })
}
