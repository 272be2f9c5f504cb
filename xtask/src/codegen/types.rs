//! `generated/types/`: one Rust item per model shape the served actions reach —
//! structures as serde structs (wire names, `Option` for optional members, left out when
//! `None`), string enums through `aws_enum!`, maps as `BTreeMap` aliases.

use std::fmt::Write;

use anyhow::{Result, bail};
use indexmap::IndexSet;

use super::config;
use super::model::{Kind, ServiceModel, Shape};
use super::names;

/// The files of `generated/types/`: `mod.rs`, `enums.rs`, and one per group of actions.
pub fn generate(model: &ServiceModel) -> Result<Vec<(String, String)>> {
    let mut g = Gen {
        model,
        done: IndexSet::new(),
        enums: IndexSet::new(),
        body: String::new(),
    };
    let mut files = Vec::new();
    let mut modules = vec!["enums".to_owned()];
    for (group, actions) in config::ACTIONS {
        g.body = String::new();
        for action in *actions {
            let op = model.operation(action)?;
            for shape in [&op.input, &op.output].into_iter().flatten() {
                g.structure_tree(&shape.shape)?;
            }
        }
        let module = names::module(group);
        let mut out = format!("{}//! {group}.\n", super::HEADER);
        out.push_str("\nuse serde::{Deserialize, Serialize};\n\n#[allow(unused_imports)]\nuse crate::types::*;\n");
        out.push_str(&g.body);
        files.push((format!("types/{module}.rs"), out));
        modules.push(module);
    }
    for extra in config::EXTRA_ENUMS {
        g.enums.insert(extra.to_string());
    }

    let mut out = format!("{}//! The model's string enums.\n", super::HEADER);
    out.push_str("\nuse crate::types::aws_enum;\n\n");
    for name in &g.enums {
        let shape = model.shape(name)?;
        let Some(values) = &shape.enum_values else {
            bail!("{name} is not an enum");
        };
        let variants: Vec<String> = values
            .iter()
            .map(|v| format!("{} = {v:?}", names::variant(v)))
            .collect();
        doc(&mut out, "", config::doc(name, None));
        writeln!(out, "aws_enum!({name} {{ {} }});", variants.join(", "))?;
    }
    files.insert(0, ("types/enums.rs".to_owned(), out));

    // In rustfmt's order, so that formatting leaves the file as generated.
    modules.sort();
    let mut index = String::from(super::HEADER);
    index.push('\n');
    for m in &modules {
        writeln!(index, "mod {m};")?;
    }
    index.push('\n');
    for m in &modules {
        writeln!(index, "pub use {m}::*;")?;
    }
    files.insert(0, ("types/mod.rs".to_owned(), index));
    Ok(files)
}

struct Gen<'m> {
    model: &'m ServiceModel,
    /// Structures and maps already written (or written by hand).
    done: IndexSet<String>,
    enums: IndexSet<String>,
    body: String,
}

impl Gen<'_> {
    /// Writes `name` (if not yet written) and then every structure it reaches, depth first.
    fn structure_tree(&mut self, name: &str) -> Result<()> {
        let shape = self.model.shape(name)?;
        match shape.kind {
            Kind::Structure | Kind::Map => {}
            Kind::List => return self.structure_tree(shape.list_member()?),
            Kind::String if shape.enum_values.is_some() => {
                self.enums.insert(name.to_owned());
                return Ok(());
            }
            _ => return Ok(()),
        }
        if !self.done.insert(name.to_owned()) || config::HAND_WRITTEN.contains(&name) {
            return Ok(());
        }
        if shape.kind == Kind::Map {
            let (Some(key), Some(value)) = (&shape.key, &shape.value) else {
                bail!("map {name} without key or value");
            };
            let ty = format!(
                "std::collections::BTreeMap<{}, {}>",
                self.rust_type(&key.shape)?,
                self.rust_type(&value.shape)?
            );
            self.body.push('\n');
            doc(&mut self.body, "", config::doc(name, None));
            writeln!(self.body, "pub type {name} = {ty};")?;
            self.structure_tree(&value.shape.clone())?;
            return Ok(());
        }
        self.structure(name, shape)?;
        let children: Vec<String> = shape.members.values().map(|m| m.shape.clone()).collect();
        for child in children {
            self.structure_tree(&child)?;
        }
        Ok(())
    }

    fn structure(&mut self, name: &str, shape: &Shape) -> Result<()> {
        let defaultable = shape.members.iter().all(|(m, r)| {
            !shape.is_required(m) || self.model.shapes.get(&r.shape).is_some_and(|s| s.kind == Kind::List)
        });
        let out = &mut self.body;
        out.push('\n');
        doc(out, "", config::doc(name, None));
        let default = if defaultable { " Default," } else { "" };
        writeln!(
            out,
            "#[derive(Debug, Clone, PartialEq,{default} Serialize, Deserialize)]"
        )?;
        if shape.members.is_empty() {
            writeln!(out, "pub struct {name} {{}}")?;
            return Ok(());
        }
        writeln!(out, "#[serde(rename_all = \"camelCase\")]")?;
        writeln!(out, "pub struct {name} {{")?;
        let mut fields = String::new();
        for (member, target) in &shape.members {
            let field = names::field(member);
            let ty = self.rust_type(&target.shape)?;
            let required = shape.is_required(member);
            doc(&mut fields, "    ", config::doc(name, Some(member)));
            let mut attrs = Vec::new();
            if names::serde_camel(&field) != *member {
                attrs.push(format!("rename = {member:?}"));
            }
            if !required {
                attrs.push("default, skip_serializing_if = \"Option::is_none\"".to_owned());
            }
            if !attrs.is_empty() {
                writeln!(fields, "    #[serde({})]", attrs.join(", "))?;
            }
            if required {
                writeln!(fields, "    pub {field}: {ty},")?;
            } else {
                writeln!(fields, "    pub {field}: Option<{ty}>,")?;
            }
        }
        let out = &mut self.body;
        out.push_str(&fields);
        out.push_str("}\n");
        Ok(())
    }

    fn rust_type(&self, name: &str) -> Result<String> {
        let shape = self.model.shape(name)?;
        Ok(match shape.kind {
            Kind::String if shape.enum_values.is_some() => name.to_owned(),
            Kind::String => "String".to_owned(),
            Kind::Integer => "i32".to_owned(),
            Kind::Long => "i64".to_owned(),
            Kind::Float => "f32".to_owned(),
            Kind::Double => "f64".to_owned(),
            Kind::Boolean => "bool".to_owned(),
            Kind::Timestamp => "Timestamp".to_owned(),
            Kind::List => format!("Vec<{}>", self.rust_type(shape.list_member()?)?),
            Kind::Structure | Kind::Map => name.to_owned(),
            Kind::Blob => bail!("{name}: blobs are not supported"),
        })
    }
}

fn doc(out: &mut String, indent: &str, text: Option<&str>) {
    if let Some(text) = text {
        for line in text.lines() {
            writeln!(out, "{indent}/// {line}").expect("writing to a String");
        }
    }
}
