//! The two ARN kinds the API actions take as input, with the options those actions allow.

use std::fmt;

use crate::error::ArnError;
use crate::name::is_valid_name;
use crate::parse::{self, malformed, wrong_kind};
use crate::resource::{Arn, Qualifier, Resource};

/// A parsed state machine, version or alias ARN.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StateMachineArn {
    pub partition: String,
    pub region: String,
    pub account: String,
    pub name: String,
    pub qualifier: Option<Qualifier>,
    /// Step Functions Local's `<arn>#<TestCase>` (mocked service integrations), where allowed.
    pub test_case: Option<String>,
}

impl StateMachineArn {
    /// Parses a `stateMachine` ARN, possibly qualified by a version or an alias. With
    /// `allow_test_case`, a `#TestCase` suffix is split off.
    pub fn parse(arn: &str, allow_test_case: bool) -> Result<StateMachineArn, ArnError> {
        let (body, test_case) = match arn.split_once('#') {
            Some((body, case)) if allow_test_case => {
                if case.is_empty() {
                    return Err(malformed(arn));
                }
                (body, Some(case.to_owned()))
            }
            _ => (arn, None),
        };
        let parts = parse::split_states(body)?;
        if parts.resource_type != "stateMachine" {
            return Err(wrong_kind(parts.resource_type));
        }
        let (name, qualifier) = parse::state_machine(arn, &parts.resource)?;
        Ok(StateMachineArn {
            partition: parts.partition.to_owned(),
            region: parts.region.to_owned(),
            account: parts.account.to_owned(),
            name,
            qualifier,
            test_case,
        })
    }

    /// The state machine's own ARN, without version, alias or test case.
    pub fn unqualified(&self) -> String {
        format!(
            "arn:{}:states:{}:{}:stateMachine:{}",
            self.partition, self.region, self.account, self.name
        )
    }

    /// The ARN without the test case.
    pub fn without_test_case(&self) -> String {
        match &self.qualifier {
            None => self.unqualified(),
            Some(q) => format!("{}:{q}", self.unqualified()),
        }
    }
}

/// The ARN as parsed, test case included.
impl fmt::Display for StateMachineArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.without_test_case())?;
        if let Some(case) = &self.test_case {
            write!(f, "#{case}")?;
        }
        Ok(())
    }
}

/// The test case is dropped: it is not part of the resource.
impl From<StateMachineArn> for Arn {
    fn from(sm: StateMachineArn) -> Arn {
        Arn {
            partition: sm.partition,
            region: sm.region,
            account: sm.account,
            resource: Resource::StateMachine {
                name: sm.name,
                qualifier: sm.qualifier,
            },
        }
    }
}

/// A parsed execution ARN (standard, Map Run child or express).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExecutionArn {
    pub partition: String,
    pub region: String,
    pub account: String,
    pub state_machine_name: String,
    /// For a Distributed Map child execution: the Map Run's label.
    pub map_run_label: Option<String>,
    pub name: String,
    /// For an express execution: the id AWS appends after the name.
    pub express_id: Option<String>,
}

impl ExecutionArn {
    /// Parses an `execution` ARN; with `allow_express`, an `express` one too.
    pub fn parse(arn: &str, allow_express: bool) -> Result<ExecutionArn, ArnError> {
        let parts = parse::split_states(arn)?;
        let (machine, name, express_id) = match (parts.resource_type, parts.resource.as_slice()) {
            ("execution", [machine, name]) => (*machine, *name, None),
            ("express", [machine, name, id]) if allow_express => (*machine, *name, Some(*id)),
            ("execution", _) => return Err(malformed(arn)),
            ("express", _) if allow_express => return Err(malformed(arn)),
            (other, _) => return Err(wrong_kind(other)),
        };
        let (state_machine_name, map_run_label) = parse::machine_and_label(machine);
        let ids_ok = is_valid_name(state_machine_name)
            && map_run_label.is_none_or(|l| !l.is_empty() && !l.contains('/'))
            && is_valid_name(name)
            && express_id.is_none_or(|id| !id.is_empty());
        if !ids_ok {
            return Err(malformed(arn));
        }
        Ok(ExecutionArn {
            partition: parts.partition.to_owned(),
            region: parts.region.to_owned(),
            account: parts.account.to_owned(),
            state_machine_name: state_machine_name.to_owned(),
            map_run_label: map_run_label.map(str::to_owned),
            name: name.to_owned(),
            express_id: express_id.map(str::to_owned),
        })
    }

    pub fn is_express(&self) -> bool {
        self.express_id.is_some()
    }

    /// The ARN of the state machine the execution belongs to.
    pub fn state_machine_arn(&self) -> String {
        format!(
            "arn:{}:states:{}:{}:stateMachine:{}",
            self.partition, self.region, self.account, self.state_machine_name
        )
    }
}

impl From<ExecutionArn> for Arn {
    fn from(e: ExecutionArn) -> Arn {
        let resource = match e.express_id {
            Some(id) => Resource::ExpressExecution {
                state_machine: e.state_machine_name,
                name: e.name,
                id,
            },
            None => Resource::Execution {
                state_machine: e.state_machine_name,
                map_run_label: e.map_run_label,
                name: e.name,
            },
        };
        Arn {
            partition: e.partition,
            region: e.region,
            account: e.account,
            resource,
        }
    }
}

impl fmt::Display for ExecutionArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&Arn::from(self.clone()), f)
    }
}
