//! Function names as the API takes them: a name (`my-function`), a name with a qualifier
//! (`my-function:v1`), a partial ARN (`123456789012:function:my-function`), a full ARN
//! (`arn:aws:lambda:us-west-2:123456789012:function:my-function`), each optionally
//! qualified (`…:$LATEST`, `…:3`, `…:live`).

use server::lambda::LambdaError;
use server::validate::Violations;

/// The model's pattern for `FunctionName`, quoted in AWS's validation message.
pub const FUNCTION_NAME_PATTERN: &str = "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?";
/// The longest function name (a name alone; an ARN may be longer).
pub const MAX_NAME_LEN: usize = 64;

/// A parsed `FunctionName`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionRef {
    pub name: String,
    pub qualifier: Option<String>,
    pub region: Option<String>,
    pub account: Option<String>,
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn is_qualifier(s: &str) -> bool {
    s == "$LATEST" || is_name(s)
}

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()))
        && parts
            .last()
            .is_some_and(|p| p.len() == 1 && p.as_bytes()[0].is_ascii_digit())
}

fn invalid(value: &str, member: &str) -> LambdaError {
    let mut v = Violations::default();
    v.push(
        Some(value),
        member,
        &format!("Member must satisfy regular expression pattern: {FUNCTION_NAME_PATTERN}"),
    );
    LambdaError::validation(v.message())
}

/// Parses `value` (the `member` named in errors: `functionName`).
pub fn parse(value: &str, member: &str) -> Result<FunctionRef, LambdaError> {
    let parts: Vec<&str> = value.split(':').collect();
    let (region, account, rest): (Option<&str>, Option<&str>, &[&str]) = match parts.as_slice() {
        ["arn", partition, "lambda", region, account, "function", rest @ ..]
            if partition.starts_with("aws") && is_region(region) && is_account(account) =>
        {
            (Some(*region), Some(*account), rest)
        }
        [account, "function", rest @ ..] if is_account(account) => (None, Some(*account), rest),
        ["arn", ..] => return Err(invalid(value, member)),
        rest => (None, None, rest),
    };
    let (name, qualifier) = match rest {
        [name] => (*name, None),
        [name, q] if is_qualifier(q) => (*name, Some(*q)),
        _ => return Err(invalid(value, member)),
    };
    if !is_name(name) {
        return Err(invalid(value, member));
    }
    if name.len() > MAX_NAME_LEN {
        let mut v = Violations::default();
        v.push(
            Some(value),
            member,
            &format!("Member must have length less than or equal to {MAX_NAME_LEN}"),
        );
        return Err(LambdaError::validation(v.message()));
    }
    Ok(FunctionRef {
        name: name.to_owned(),
        qualifier: qualifier.map(str::to_owned),
        region: region.map(str::to_owned),
        account: account.map(str::to_owned),
    })
}

/// The qualifier of a request: the one in the name and the `Qualifier` parameter must
/// agree when both are given.
pub fn qualifier(r: &FunctionRef, param: Option<&str>) -> Result<Option<String>, LambdaError> {
    match (r.qualifier.as_deref(), param.filter(|q| !q.is_empty())) {
        (Some(a), Some(b)) if a != b => Err(LambdaError::invalid_parameter(
            "The derived qualifier from the function name does not match the specified qualifier.",
        )),
        (Some(a), _) => Ok(Some(a.to_owned())),
        (None, Some(b)) => Ok(Some(b.to_owned())),
        (None, None) => Ok(None),
    }
}

/// `arn:aws:lambda:<region>:<account>:function:<name>`
pub fn function_arn(region: &str, account: &str, name: &str) -> String {
    format!(
        "arn:{}:lambda:{region}:{account}:function:{name}",
        server::backend::partition_of(region)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_a_function_name() {
        let f = |v| parse(v, "functionName").unwrap();
        assert_eq!(
            f("my-fn"),
            FunctionRef {
                name: "my-fn".into(),
                qualifier: None,
                region: None,
                account: None
            }
        );
        assert_eq!(f("my-fn:live").qualifier.as_deref(), Some("live"));
        assert_eq!(f("my-fn:$LATEST").qualifier.as_deref(), Some("$LATEST"));
        let p = f("123456789012:function:my-fn:3");
        assert_eq!(
            (p.account.as_deref(), p.qualifier.as_deref()),
            (Some("123456789012"), Some("3"))
        );
        let a = f("arn:aws:lambda:eu-west-1:123456789012:function:my_fn");
        assert_eq!((a.region.as_deref(), a.name.as_str()), (Some("eu-west-1"), "my_fn"));
        assert_eq!(
            f("arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:x:1")
                .qualifier
                .as_deref(),
            Some("1")
        );
        for bad in [
            "",
            "has space",
            "a:b:c",
            "arn:aws:lambda:eu-west-1:123:function:x",
            "arn:aws:s3:::bucket",
            "fn:$NOPE",
            &"x".repeat(65),
        ] {
            let e = parse(bad, "functionName").unwrap_err();
            assert_eq!(e.code, "ValidationException", "{bad}");
            assert!(
                e.message.starts_with("1 validation error detected: Value '"),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn qualifiers_must_agree() {
        let r = parse("f:1", "functionName").unwrap();
        assert_eq!(qualifier(&r, Some("1")).unwrap().as_deref(), Some("1"));
        assert_eq!(qualifier(&r, None).unwrap().as_deref(), Some("1"));
        let e = qualifier(&r, Some("2")).unwrap_err();
        assert_eq!(e.code, "InvalidParameterValueException");
        let r = parse("f", "functionName").unwrap();
        assert_eq!(qualifier(&r, Some("live")).unwrap().as_deref(), Some("live"));
        assert_eq!(qualifier(&r, Some("")).unwrap(), None);
    }
}
