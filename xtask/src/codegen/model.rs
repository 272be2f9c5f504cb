//! The botocore service model (`service-2.json`), reduced to what the generators read.
//! Maps keep the file's order: members are generated in the order the model lists them.

use indexmap::IndexMap;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct ServiceModel {
    pub operations: IndexMap<String, Operation>,
    pub shapes: IndexMap<String, Shape>,
}

#[derive(Debug, Deserialize)]
pub struct Operation {
    pub input: Option<ShapeRef>,
    pub output: Option<ShapeRef>,
}

#[derive(Debug, Deserialize)]
pub struct ShapeRef {
    pub shape: String,
}

/// One shape. Only the facts the generators use are read; the rest (documentation, error
/// traits…) is ignored.
#[derive(Debug, Deserialize)]
pub struct Shape {
    #[serde(rename = "type")]
    pub kind: Kind,
    #[serde(default)]
    pub members: IndexMap<String, ShapeRef>,
    #[serde(default)]
    pub required: Vec<String>,
    pub member: Option<ShapeRef>,
    pub key: Option<ShapeRef>,
    pub value: Option<ShapeRef>,
    #[serde(rename = "enum")]
    pub enum_values: Option<Vec<String>>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub pattern: Option<String>,
    #[serde(default)]
    pub sensitive: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Structure,
    String,
    Integer,
    Long,
    Float,
    Double,
    Boolean,
    Timestamp,
    List,
    Map,
    Blob,
}

impl ServiceModel {
    pub fn parse(json: &str) -> anyhow::Result<Self> {
        Ok(serde_json::from_str(json)?)
    }

    pub fn shape(&self, name: &str) -> anyhow::Result<&Shape> {
        self.shapes
            .get(name)
            .ok_or_else(|| anyhow::anyhow!("the model has no shape {name}"))
    }

    pub fn operation(&self, name: &str) -> anyhow::Result<&Operation> {
        self.operations
            .get(name)
            .ok_or_else(|| anyhow::anyhow!("the model has no operation {name}"))
    }
}

impl Shape {
    pub fn is_required(&self, member: &str) -> bool {
        self.required.iter().any(|r| r == member)
    }

    /// The element shape of a list.
    pub fn list_member(&self) -> anyhow::Result<&str> {
        self.member
            .as_ref()
            .map(|m| m.shape.as_str())
            .ok_or_else(|| anyhow::anyhow!("a list without a member shape"))
    }
}
