//! [`Arn`]: any ARN Stepwise meets, with its resource typed.

use std::fmt;
use std::str::FromStr;

use crate::error::ArnError;
use crate::parse::{self, malformed};
use crate::views::ExecutionArn;

/// What follows a state machine's name in a version or alias ARN.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Qualifier {
    Version(u64),
    Alias(String),
}

impl fmt::Display for Qualifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Qualifier::Version(v) => write!(f, "{v}"),
            Qualifier::Alias(a) => f.write_str(a),
        }
    }
}

/// The resource an ARN names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Resource {
    /// `stateMachine:<name>`, `…:<version>`, `…:<alias>`.
    StateMachine { name: String, qualifier: Option<Qualifier> },
    /// `execution:<state machine>[/<map run label>]:<name>`.
    Execution {
        state_machine: String,
        map_run_label: Option<String>,
        name: String,
    },
    /// `express:<state machine>:<name>:<id>`.
    ExpressExecution {
        state_machine: String,
        name: String,
        id: String,
    },
    /// `mapRun:<state machine>/<label>:<id>`.
    MapRun {
        state_machine: String,
        label: String,
        id: String,
    },
    /// `activity:<name>`.
    Activity { name: String },
    /// `lambda` `function:<name>[:<version or alias>]`.
    LambdaFunction { name: String, qualifier: Option<String> },
    /// `iam` `role/<path/name>` (the account field is the last before it; no region).
    Role { path_and_name: String },
    /// Anything else, kept as written after the account: `<type>:…`.
    Other { service: String, resource: String },
}

/// A parsed ARN. `Display` writes it back as it was parsed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Arn {
    pub partition: String,
    pub region: String,
    pub account: String,
    pub resource: Resource,
}

/// The ARN partition of a region (`aws`, `aws-cn`, `aws-us-gov`).
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

impl Arn {
    /// The ARN of `resource` in `region` and `account`, in the region's partition.
    pub fn in_region(region: &str, account: &str, resource: Resource) -> Arn {
        Arn {
            partition: partition_of(region).to_owned(),
            region: region.to_owned(),
            account: account.to_owned(),
            resource,
        }
    }

    /// Parses any ARN: Step Functions resources with Step Functions' rules (a
    /// `stateMachine:a b` is malformed), Lambda functions and IAM roles, and other services'
    /// ARNs as [`Resource::Other`].
    pub fn parse(text: &str) -> Result<Arn, ArnError> {
        if text.starts_with("arn:") && text.split(':').nth(2) == Some("iam") {
            return parse_role(text);
        }
        let p = parse::split(text)?;
        if p.service != "states" {
            let resource = match (p.service, p.resource_type, p.resource.as_slice()) {
                ("lambda", "function", [name]) if !name.is_empty() => Resource::LambdaFunction {
                    name: (*name).to_owned(),
                    qualifier: None,
                },
                ("lambda", "function", [name, q]) if !name.is_empty() && !q.is_empty() => Resource::LambdaFunction {
                    name: (*name).to_owned(),
                    qualifier: Some((*q).to_owned()),
                },
                ("lambda", "function", _) => return Err(malformed(text)),
                (service, _, _) => Resource::Other {
                    service: service.to_owned(),
                    resource: text.splitn(6, ':').nth(5).unwrap_or_default().to_owned(),
                },
            };
            return Ok(Arn {
                partition: p.partition.to_owned(),
                region: p.region.to_owned(),
                account: p.account.to_owned(),
                resource,
            });
        }
        let p = parse::split_states(text)?;
        let resource = match p.resource_type {
            "stateMachine" => {
                let (name, qualifier) = parse::state_machine(text, &p.resource)?;
                Resource::StateMachine { name, qualifier }
            }
            "execution" | "express" => return Ok(ExecutionArn::parse(text, true)?.into()),
            "mapRun" => {
                let (state_machine, label, id) = parse::map_run(text, &p.resource)?;
                Resource::MapRun {
                    state_machine,
                    label,
                    id,
                }
            }
            "activity" => Resource::Activity {
                name: parse::activity(text, &p.resource)?,
            },
            other => return Err(parse::wrong_kind(other)),
        };
        Ok(Arn {
            partition: p.partition.to_owned(),
            region: p.region.to_owned(),
            account: p.account.to_owned(),
            resource,
        })
    }

    /// `states`, `lambda`, `iam`, …
    pub fn service(&self) -> &str {
        match &self.resource {
            Resource::LambdaFunction { .. } => "lambda",
            Resource::Role { .. } => "iam",
            Resource::Other { service, .. } => service,
            _ => "states",
        }
    }

    /// The state machine an ARN belongs to (itself, or its execution's, Map Run's…).
    pub fn state_machine_name(&self) -> Option<&str> {
        match &self.resource {
            Resource::StateMachine { name, .. } => Some(name),
            Resource::Execution { state_machine, .. }
            | Resource::ExpressExecution { state_machine, .. }
            | Resource::MapRun { state_machine, .. } => Some(state_machine),
            _ => None,
        }
    }

    /// `arn:<partition>:states:<region>:<account>:stateMachine:<name>` for
    /// [`Self::state_machine_name`].
    pub fn state_machine_arn(&self) -> Option<String> {
        self.state_machine_name().map(|name| {
            format!(
                "arn:{}:states:{}:{}:stateMachine:{name}",
                self.partition, self.region, self.account
            )
        })
    }
}

/// `arn:<partition>:iam::<account>:role/<path/name>`; anything else is `ArnError::Role`.
fn parse_role(text: &str) -> Result<Arn, ArnError> {
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "iam"
        && parts[5].len() > "role/".len()
        && parts[5].starts_with("role/");
    if !ok {
        return Err(ArnError::Role(text.to_owned()));
    }
    Ok(Arn {
        partition: parts[1].to_owned(),
        region: parts[3].to_owned(),
        account: parts[4].to_owned(),
        resource: Resource::Role {
            path_and_name: parts[5]["role/".len()..].to_owned(),
        },
    })
}

impl Arn {
    /// Parses an IAM role ARN (`arn:aws:iam::123456789012:role/Name`).
    pub fn parse_role(text: &str) -> Result<Arn, ArnError> {
        parse_role(text)
    }
}

impl FromStr for Arn {
    type Err = ArnError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Arn::parse(s)
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:",
            self.partition,
            self.service(),
            self.region,
            self.account
        )?;
        match &self.resource {
            Resource::StateMachine { name, qualifier } => {
                write!(f, "stateMachine:{name}")?;
                if let Some(q) = qualifier {
                    write!(f, ":{q}")?;
                }
                Ok(())
            }
            Resource::Execution {
                state_machine,
                map_run_label,
                name,
            } => match map_run_label {
                Some(label) => write!(f, "execution:{state_machine}/{label}:{name}"),
                None => write!(f, "execution:{state_machine}:{name}"),
            },
            Resource::ExpressExecution {
                state_machine,
                name,
                id,
            } => {
                write!(f, "express:{state_machine}:{name}:{id}")
            }
            Resource::MapRun {
                state_machine,
                label,
                id,
            } => write!(f, "mapRun:{state_machine}/{label}:{id}"),
            Resource::Activity { name } => write!(f, "activity:{name}"),
            Resource::LambdaFunction { name, qualifier } => {
                write!(f, "function:{name}")?;
                if let Some(q) = qualifier {
                    write!(f, ":{q}")?;
                }
                Ok(())
            }
            Resource::Role { path_and_name } => write!(f, "role/{path_and_name}"),
            Resource::Other { resource, .. } => f.write_str(resource),
        }
    }
}
