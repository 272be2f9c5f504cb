//! Step Functions ARNs: parsing, the kinds each action accepts, and resource names.
//!
//! ```text
//! arn:aws:states:us-east-1:123456789012:stateMachine:Name               state machine
//! arn:aws:states:us-east-1:123456789012:stateMachine:Name:3             version 3
//! arn:aws:states:us-east-1:123456789012:stateMachine:Name:PROD          alias PROD
//! arn:aws:states:us-east-1:123456789012:execution:Name:ExecName         standard execution
//! arn:aws:states:us-east-1:123456789012:execution:Name/Label:ExecName   Map Run child
//! arn:aws:states:us-east-1:123456789012:express:Name:ExecName:uuid      express execution
//! arn:aws:states:us-east-1:123456789012:mapRun:Name/Label:uuid          Map Run
//! arn:aws:states:us-east-1:123456789012:activity:Name                   activity
//! ```
//!
//! Errors use AWS's wording where it is known: `Invalid Arn: 'Invalid ARN prefix: <arn>'`
//! for anything that does not start with `arn:`, and `Invalid Arn: 'Resource type not valid
//! in this context: <type>'` for an ARN of another kind (an express execution given to
//! DescribeExecution). Other malformed ARNs get `Invalid Arn: '<arn>'`.

use crate::error::ApiError;

/// Whether `name` is a valid name for a state machine, execution or activity: 1 to 80
/// characters, none of them whitespace, `< > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /`, a
/// control character (U+0000–001F, U+007F–009F) or a non-character (U+FFFE, U+FFFF).
pub fn is_valid_name(name: &str) -> bool {
    let len = name.encode_utf16().count();
    (1..=80).contains(&len) && name.chars().all(|c| !is_forbidden_name_char(c))
}

fn is_forbidden_name_char(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '<' | '>'
                | '{'
                | '}'
                | '['
                | ']'
                | '?'
                | '*'
                | '"'
                | '#'
                | '%'
                | '\\'
                | '^'
                | '|'
                | '~'
                | '`'
                | '$'
                | '&'
                | ','
                | ';'
                | ':'
                | '/'
        )
        || ('\u{0}'..='\u{1f}').contains(&c)
        || ('\u{7f}'..='\u{9f}').contains(&c)
        || c == '\u{fffe}'
        || c == '\u{ffff}'
}

/// The parts every Step Functions ARN has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnParts<'a> {
    pub partition: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    /// `stateMachine`, `execution`, `express`, `mapRun`, `activity`, …
    pub resource_type: &'a str,
    /// The colon-separated parts after the resource type.
    pub resource: Vec<&'a str>,
}

fn malformed(arn: &str) -> ApiError {
    ApiError::invalid_arn(arn)
}

fn wrong_kind(resource_type: &str) -> ApiError {
    ApiError::invalid_arn(&format!("Resource type not valid in this context: {resource_type}"))
}

/// Splits a `states` ARN into its parts.
pub fn parse(arn: &str) -> Result<ArnParts<'_>, ApiError> {
    if !arn.starts_with("arn:") {
        return Err(ApiError::invalid_arn(&format!("Invalid ARN prefix: {arn}")));
    }
    let parts: Vec<&str> = arn.split(':').collect();
    if parts.len() < 7 {
        return Err(malformed(arn));
    }
    let (partition, service, region, account, resource_type) = (parts[1], parts[2], parts[3], parts[4], parts[5]);
    let partition_ok = partition.starts_with("aws") && partition.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
    let region_ok = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    if !partition_ok || service != "states" || !region_ok || !account_ok || resource_type.is_empty() {
        return Err(malformed(arn));
    }
    Ok(ArnParts {
        partition,
        region,
        account,
        resource_type,
        resource: parts[6..].to_vec(),
    })
}

/// What follows a state machine's name in its ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Qualifier {
    Version(u64),
    Alias(String),
}

/// A parsed state machine, version or alias ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
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
            Some(Qualifier::Version(v)) => format!("{}:{v}", self.unqualified()),
            Some(Qualifier::Alias(a)) => format!("{}:{a}", self.unqualified()),
        }
    }
}

/// Parses a `stateMachine` ARN, possibly qualified by a version or an alias. With
/// `allow_test_case`, a `#TestCase` suffix is split off.
pub fn parse_state_machine(arn: &str, allow_test_case: bool) -> Result<StateMachineArn, ApiError> {
    let (body, test_case) = match arn.split_once('#') {
        Some((body, case)) if allow_test_case => {
            if case.is_empty() {
                return Err(malformed(arn));
            }
            (body, Some(case.to_owned()))
        }
        _ => (arn, None),
    };
    let parts = parse(body)?;
    if parts.resource_type != "stateMachine" {
        return Err(wrong_kind(parts.resource_type));
    }
    let (name, qualifier) = match parts.resource.as_slice() {
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
        Some(q) if crate::validate::is_alias_name(q) && q.len() <= 80 => Some(Qualifier::Alias(q.to_owned())),
        Some(_) => return Err(malformed(arn)),
    };
    Ok(StateMachineArn {
        partition: parts.partition.to_owned(),
        region: parts.region.to_owned(),
        account: parts.account.to_owned(),
        name: name.to_owned(),
        qualifier,
        test_case,
    })
}

/// A parsed execution ARN (standard, Map Run child or express).
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// Parses an `execution` ARN; with `allow_express`, an `express` one too.
pub fn parse_execution(arn: &str, allow_express: bool) -> Result<ExecutionArn, ApiError> {
    let parts = parse(arn)?;
    let (machine, name, express_id) = match (parts.resource_type, parts.resource.as_slice()) {
        ("execution", [machine, name]) => (*machine, *name, None),
        ("express", [machine, name, id]) if allow_express => (*machine, *name, Some(*id)),
        ("execution", _) => return Err(malformed(arn)),
        ("express", _) if allow_express => return Err(malformed(arn)),
        (other, _) => return Err(wrong_kind(other)),
    };
    let (state_machine_name, map_run_label) = match machine.split_once('/') {
        Some((m, label)) => (m, Some(label)),
        None => (machine, None),
    };
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

/// Checks a Map Run ARN (`mapRun:<state machine>/<label>:<id>`).
pub fn check_map_run(arn: &str) -> Result<(), ApiError> {
    let parts = parse(arn)?;
    if parts.resource_type != "mapRun" {
        return Err(wrong_kind(parts.resource_type));
    }
    match parts.resource.as_slice() {
        [machine, id] if !id.is_empty() => match machine.split_once('/') {
            Some((m, label)) if is_valid_name(m) && !label.is_empty() => Ok(()),
            _ => Err(malformed(arn)),
        },
        _ => Err(malformed(arn)),
    }
}

/// Checks an IAM role ARN (`arn:aws:iam::123456789012:role/Name`):
/// `Invalid Role Arn: '<arn>'` otherwise.
pub fn check_role(arn: &str) -> Result<(), ApiError> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "iam"
        && parts[5].len() > "role/".len()
        && parts[5].starts_with("role/");
    if ok {
        Ok(())
    } else {
        Err(ApiError::InvalidArn(format!("Invalid Role Arn: '{arn}'")))
    }
}

/// Checks the ARN of a taggable resource: a state machine (unqualified) or an activity.
pub fn check_taggable(arn: &str) -> Result<(), ApiError> {
    let parts = parse(arn)?;
    match parts.resource_type {
        "stateMachine" => {
            let sm = parse_state_machine(arn, false)?;
            if sm.qualifier.is_some() {
                return Err(malformed(arn));
            }
            Ok(())
        }
        "activity" => match parts.resource.as_slice() {
            [name] if is_valid_name(name) => Ok(()),
            _ => Err(malformed(arn)),
        },
        other => Err(wrong_kind(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SM: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:my.machine-1";

    fn message(e: ApiError) -> String {
        assert_eq!(e.code(), "InvalidArn");
        e.message().to_owned()
    }

    #[test]
    fn names() {
        for good in ["a", "my.name", "Hello-World_2", "é", &"x".repeat(80)] {
            assert!(is_valid_name(good), "{good:?}");
        }
        for bad in [
            "",
            "a b",
            "a\tb",
            "a<b",
            "a>b",
            "a{b",
            "a}b",
            "a[b",
            "a]b",
            "a?b",
            "a*b",
            "a\"b",
            "a#b",
            "a%b",
            "a\\b",
            "a^b",
            "a|b",
            "a~b",
            "a`b",
            "a$b",
            "a&b",
            "a,b",
            "a;b",
            "a:b",
            "a/b",
            "\u{0}a",
            "a\u{1f}",
            "a\u{7f}",
            "a\u{85}",
            "a\u{9f}",
            "a\u{ffff}",
            "a\u{2003}b",
        ] {
            assert!(!is_valid_name(bad), "{bad:?}");
        }
        assert!(!is_valid_name(&"x".repeat(81)));
    }

    #[test]
    fn state_machine_arns() {
        let sm = parse_state_machine(SM, false).unwrap();
        assert_eq!(sm.name, "my.machine-1");
        assert_eq!(sm.region, "us-east-1");
        assert_eq!(sm.account, "123456789012");
        assert_eq!(sm.qualifier, None);
        assert_eq!(sm.unqualified(), SM);

        let v = parse_state_machine(&format!("{SM}:12"), false).unwrap();
        assert_eq!(v.qualifier, Some(Qualifier::Version(12)));
        assert_eq!(v.unqualified(), SM);
        assert_eq!(v.without_test_case(), format!("{SM}:12"));

        let a = parse_state_machine(&format!("{SM}:PROD"), false).unwrap();
        assert_eq!(a.qualifier, Some(Qualifier::Alias("PROD".into())));

        let t = parse_state_machine(&format!("{SM}#HappyPath"), true).unwrap();
        assert_eq!(t.test_case.as_deref(), Some("HappyPath"));
        assert_eq!(t.without_test_case(), SM);
        assert!(parse_state_machine(&format!("{SM}#HappyPath"), false).is_err());
    }

    #[test]
    fn invalid_prefix_uses_aws_wording() {
        assert_eq!(
            message(parse_state_machine("not_a_valid_arn", false).unwrap_err()),
            "Invalid Arn: 'Invalid ARN prefix: not_a_valid_arn'"
        );
        assert_eq!(
            message(parse_execution("invalid_state_machine_arn", false).unwrap_err()),
            "Invalid Arn: 'Invalid ARN prefix: invalid_state_machine_arn'"
        );
    }

    #[test]
    fn wrong_kind_uses_aws_wording() {
        let express = "arn:aws:states:us-east-1:123456789012:express:m:e:1b4e2f0c-0000-4000-8000-000000000000";
        assert_eq!(
            message(parse_execution(express, false).unwrap_err()),
            "Invalid Arn: 'Resource type not valid in this context: express'"
        );
        assert!(parse_execution(express, true).unwrap().is_express());
        let exec = "arn:aws:states:us-east-1:123456789012:execution:m:e";
        assert_eq!(
            message(parse_state_machine(exec, false).unwrap_err()),
            "Invalid Arn: 'Resource type not valid in this context: execution'"
        );
        assert_eq!(
            message(parse_execution(SM, false).unwrap_err()),
            "Invalid Arn: 'Resource type not valid in this context: stateMachine'"
        );
    }

    #[test]
    fn execution_arns() {
        let e = parse_execution("arn:aws:states:us-east-1:123456789012:execution:m:run-1", false).unwrap();
        assert_eq!(e.state_machine_name, "m");
        assert_eq!(e.name, "run-1");
        assert_eq!(
            e.state_machine_arn(),
            "arn:aws:states:us-east-1:123456789012:stateMachine:m"
        );
        let child = parse_execution(
            "arn:aws:states:us-east-1:123456789012:execution:m/label:0c4d1a2e-0000-4000-8000-000000000000",
            false,
        )
        .unwrap();
        assert_eq!(child.map_run_label.as_deref(), Some("label"));
    }

    #[test]
    fn malformed_arns() {
        for bad in [
            "arn:",
            "arn:aws:states:us-east-1:123456789012:stateMachine",
            "arn:aws:states:us-east-1:123456789012:stateMachine:",
            "arn:aws:states:us-east-1:12345:stateMachine:m",
            "arn:aws:lambda:us-east-1:123456789012:stateMachine:m",
            "arn:aws:states::123456789012:stateMachine:m",
            "arn:aws:states:us-east-1:123456789012:stateMachine:a b",
            "arn:aws:states:us-east-1:123456789012:stateMachine:m:1:2",
            "arn:aws:states:us-east-1:123456789012:stateMachine:m:0",
            "arn:aws:states:us-east-1:123456789012:stateMachine:m:a b",
        ] {
            let e = parse_state_machine(bad, false).unwrap_err();
            assert_eq!(e.code(), "InvalidArn", "{bad}");
        }
        for bad in [
            "arn:aws:states:us-east-1:123456789012:execution:m",
            "arn:aws:states:us-east-1:123456789012:execution:m:e:x",
            "arn:aws:states:us-east-1:123456789012:execution:m:",
        ] {
            assert_eq!(parse_execution(bad, false).unwrap_err().code(), "InvalidArn", "{bad}");
        }
    }

    #[test]
    fn roles_and_taggable_resources() {
        assert!(check_role("arn:aws:iam::123456789012:role/StepFunctions").is_ok());
        assert!(check_role("arn:aws:iam::123456789012:role/service-role/x").is_ok());
        assert_eq!(
            check_role("<execution-role-arn>").unwrap_err().message(),
            "Invalid Role Arn: '<execution-role-arn>'"
        );
        assert!(check_role("arn:aws:iam::123456789012:user/x").is_err());
        assert!(check_taggable(SM).is_ok());
        assert!(check_taggable("arn:aws:states:us-east-1:123456789012:activity:a").is_ok());
        assert!(check_taggable(&format!("{SM}:1")).is_err());
        assert!(check_taggable("arn:aws:states:us-east-1:123456789012:execution:m:e").is_err());
        assert!(check_map_run("arn:aws:states:us-east-1:123456789012:mapRun:m/label:0c4d1a2e").is_ok());
        assert!(check_map_run(SM).is_err());
    }
}
