//! The grammar shared by every kind: `arn:<partition>:<service>:<region>:<account>:<type>:…`,
//! with the checks Step Functions makes on each field.

use crate::error::ArnError;
use crate::name::{is_alias_name, is_valid_name};
use crate::resource::Qualifier;

/// The fields of an ARN, borrowed from the text.
pub(crate) struct Parts<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    /// `stateMachine`, `execution`, `function`, … (for IAM: everything after the account).
    pub resource_type: &'a str,
    /// The colon-separated parts after the resource type.
    pub resource: Vec<&'a str>,
}

pub(crate) fn malformed(arn: &str) -> ArnError {
    ArnError::Malformed(arn.to_owned())
}

pub(crate) fn wrong_kind(resource_type: &str) -> ArnError {
    ArnError::WrongKind(resource_type.to_owned())
}

/// Splits an ARN of any service whose fields are all present (`arn:p:s:r:a:type:…`).
pub(crate) fn split(arn: &str) -> Result<Parts<'_>, ArnError> {
    if !arn.starts_with("arn:") {
        return Err(ArnError::Prefix(arn.to_owned()));
    }
    let parts: Vec<&str> = arn.split(':').collect();
    if parts.len() < 7 {
        return Err(malformed(arn));
    }
    Ok(Parts {
        partition: parts[1],
        service: parts[2],
        region: parts[3],
        account: parts[4],
        resource_type: parts[5],
        resource: parts[6..].to_vec(),
    })
}

/// Splits a `states` ARN, checking partition, service, region and account as Step Functions
/// does.
pub(crate) fn split_states(arn: &str) -> Result<Parts<'_>, ArnError> {
    let parts = split(arn)?;
    let partition_ok = is_partition(parts.partition);
    let region_ok = !parts.region.is_empty()
        && parts
            .region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let account_ok = parts.account.len() == 12 && parts.account.bytes().all(|b| b.is_ascii_digit());
    if !partition_ok || parts.service != "states" || !region_ok || !account_ok || parts.resource_type.is_empty() {
        return Err(malformed(arn));
    }
    Ok(parts)
}

pub(crate) fn is_partition(p: &str) -> bool {
    p.starts_with("aws") && p.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
}

/// `stateMachine:<name>[:<version or alias>]`.
pub(crate) fn state_machine(arn: &str, resource: &[&str]) -> Result<(String, Option<Qualifier>), ArnError> {
    let (name, qualifier) = match resource {
        [name] => (*name, None),
        [name, q] => (*name, Some(*q)),
        _ => return Err(malformed(arn)),
    };
    if !is_valid_name(name) {
        return Err(malformed(arn));
    }
    let qualifier = match qualifier {
        None => None,
        Some(q) if !q.is_empty() && q.bytes().all(|b| b.is_ascii_digit()) => match q.parse::<u64>() {
            Ok(v) if v > 0 => Some(Qualifier::Version(v)),
            _ => return Err(malformed(arn)),
        },
        Some(q) if is_alias_name(q) && q.len() <= 80 => Some(Qualifier::Alias(q.to_owned())),
        Some(_) => return Err(malformed(arn)),
    };
    Ok((name.to_owned(), qualifier))
}

/// `<state machine>[/<label>]`, as in execution ARNs: the name and the Map Run label.
pub(crate) fn machine_and_label(machine: &str) -> (&str, Option<&str>) {
    match machine.split_once('/') {
        Some((m, label)) => (m, Some(label)),
        None => (machine, None),
    }
}

/// `mapRun:<state machine>/<label>:<id>`.
pub(crate) fn map_run(arn: &str, resource: &[&str]) -> Result<(String, String, String), ArnError> {
    match resource {
        [machine, id] if !id.is_empty() => match machine.split_once('/') {
            Some((m, label)) if is_valid_name(m) && !label.is_empty() => {
                Ok((m.to_owned(), label.to_owned(), (*id).to_owned()))
            }
            _ => Err(malformed(arn)),
        },
        _ => Err(malformed(arn)),
    }
}

/// `activity:<name>`.
pub(crate) fn activity(arn: &str, resource: &[&str]) -> Result<String, ArnError> {
    match resource {
        [name] if is_valid_name(name) => Ok((*name).to_owned()),
        _ => Err(malformed(arn)),
    }
}

/// The resource type of a Step Functions ARN (`stateMachine`, `execution`, …), after checking
/// only the fields every kind shares: what an action that accepts several kinds looks at
/// before parsing the rest by the kind's rules.
pub fn states_resource_type(arn: &str) -> Result<&str, ArnError> {
    Ok(split_states(arn)?.resource_type)
}
