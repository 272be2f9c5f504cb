//! The checks on a function's configuration, with AWS's messages: model constraints as
//! `ValidationException` ("1 validation error detected: …", all of one request together),
//! the service's own rules as `InvalidParameterValueException`.

use std::collections::BTreeMap;

use server::lambda::LambdaError;
use server::validate::Violations;

/// Lambda's quotas: a timeout of 1 to 900 seconds, 128 to 10240 MB of memory.
pub const MAX_TIMEOUT: i64 = 900;
pub const MIN_MEMORY: i64 = 128;
pub const MAX_MEMORY: i64 = 10240;
/// The environment variables of one function, serialized: 4 KB.
pub const MAX_ENVIRONMENT_BYTES: usize = 4096;
pub const MAX_DESCRIPTION: usize = 256;
pub const MAX_HANDLER: usize = 128;
pub const MAX_TAGS: usize = 50;

/// The runtimes the model lists (`Runtime` enum); which of them can run here is the
/// runner's to say at the first invoke.
pub const RUNTIMES: &[&str] = &[
    "nodejs",
    "nodejs4.3",
    "nodejs6.10",
    "nodejs8.10",
    "nodejs10.x",
    "nodejs12.x",
    "nodejs14.x",
    "nodejs16.x",
    "nodejs18.x",
    "nodejs20.x",
    "nodejs22.x",
    "nodejs24.x",
    "java8",
    "java8.al2",
    "java11",
    "java17",
    "java21",
    "java25",
    "python2.7",
    "python3.6",
    "python3.7",
    "python3.8",
    "python3.9",
    "python3.10",
    "python3.11",
    "python3.12",
    "python3.13",
    "python3.14",
    "dotnetcore1.0",
    "dotnetcore2.0",
    "dotnetcore2.1",
    "dotnetcore3.1",
    "dotnet6",
    "dotnet8",
    "dotnet10",
    "nodejs4.3-edge",
    "go1.x",
    "ruby2.5",
    "ruby2.7",
    "ruby3.2",
    "ruby3.3",
    "ruby3.4",
    "ruby4.0",
    "provided",
    "provided.al2",
    "provided.al2023",
    "nodejs26.x",
    "python3.15",
    "java8.al2023",
    "java11.al2023",
    "java17.al2023",
    "custom",
];

/// Variables a function may not set: Lambda sets them itself.
pub const RESERVED_VARIABLES: &[&str] = &[
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_DEFAULT_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_LAMBDA_RUNTIME_API",
    "AWS_REGION",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "LAMBDA_RUNTIME_DIR",
    "LAMBDA_TASK_ROOT",
];

/// The members of CreateFunction and UpdateFunctionConfiguration that the model
/// constrains, as given (`None`: not given).
#[derive(Debug, Default)]
pub struct ConfigInput<'a> {
    pub runtime: Option<&'a str>,
    pub role: Option<&'a str>,
    pub handler: Option<&'a str>,
    pub description: Option<&'a str>,
    pub timeout: Option<i64>,
    pub memory_size: Option<i64>,
    pub architectures: Option<&'a [String]>,
}

fn is_role_arn(s: &str) -> bool {
    // arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+
    let Some(rest) = s.strip_prefix("arn:") else {
        return false;
    };
    let Some((partition, rest)) = rest.split_once(":iam::") else {
        return false;
    };
    if !(partition.is_empty() || partition.starts_with("aws")) {
        return false;
    }
    let Some((account, role)) = rest.split_once(":role") else {
        return false;
    };
    let role = role.strip_prefix('/').unwrap_or(role);
    account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && !role.is_empty()
        && role
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-/".contains(&b))
}

/// The model's constraints, all at once.
pub fn config(c: &ConfigInput<'_>) -> Result<(), LambdaError> {
    let mut v = Violations::default();
    if let Some(r) = c.runtime {
        if !RUNTIMES.contains(&r) {
            v.push(
                Some(r),
                "runtime",
                &format!("Member must satisfy enum value set: [{}]", RUNTIMES.join(", ")),
            );
        }
    }
    if let Some(role) = c.role {
        if !is_role_arn(role) {
            v.push(
                Some(role),
                "role",
                "Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+",
            );
        }
    }
    if let Some(h) = c.handler {
        if h.chars().count() > MAX_HANDLER {
            v.push(
                Some(h),
                "handler",
                &format!("Member must have length less than or equal to {MAX_HANDLER}"),
            );
        } else if h.chars().any(char::is_whitespace) {
            v.push(
                Some(h),
                "handler",
                "Member must satisfy regular expression pattern: [^\\s]+",
            );
        }
    }
    if let Some(d) = c.description {
        if d.chars().count() > MAX_DESCRIPTION {
            v.push(
                Some(d),
                "description",
                &format!("Member must have length less than or equal to {MAX_DESCRIPTION}"),
            );
        }
    }
    if let Some(t) = c.timeout {
        let text = t.to_string();
        if t < 1 {
            v.push(
                Some(&text),
                "timeout",
                "Member must have value greater than or equal to 1",
            );
        } else if t > MAX_TIMEOUT {
            v.push(
                Some(&text),
                "timeout",
                &format!("Member must have value less than or equal to {MAX_TIMEOUT}"),
            );
        }
    }
    if let Some(m) = c.memory_size {
        let text = m.to_string();
        if m < MIN_MEMORY {
            v.push(
                Some(&text),
                "memorySize",
                &format!("Member must have value greater than or equal to {MIN_MEMORY}"),
            );
        } else if m > MAX_MEMORY {
            v.push(
                Some(&text),
                "memorySize",
                &format!("Member must have value less than or equal to {MAX_MEMORY}"),
            );
        }
    }
    if let Some(a) = c.architectures {
        if a.len() != 1 {
            v.push(
                Some(&format!("[{}]", a.join(", "))),
                "architectures",
                "Member must have length less than or equal to 1",
            );
        } else if !matches!(a[0].as_str(), "x86_64" | "arm64") {
            v.push(
                Some(&format!("[{}]", a[0])),
                "architectures",
                "Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]]",
            );
        }
    }
    if v.is_empty() {
        Ok(())
    } else {
        Err(LambdaError::validation(v.message()))
    }
}

/// Names, reserved keys, and the 4 KB budget of the variables as JSON.
pub fn environment(vars: &BTreeMap<String, String>) -> Result<(), LambdaError> {
    let mut v = Violations::default();
    for name in vars.keys() {
        let mut bytes = name.bytes();
        let ok = name.len() >= 2
            && bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
            && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !ok {
            // The member is sensitive: AWS does not echo the value.
            v.push(
                None,
                "environment.variables",
                "Member must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]",
            );
            break;
        }
    }
    if !v.is_empty() {
        return Err(LambdaError::validation(v.message()));
    }
    let reserved: Vec<&str> = vars
        .keys()
        .map(String::as_str)
        .filter(|k| RESERVED_VARIABLES.contains(k))
        .collect();
    if !reserved.is_empty() {
        return Err(LambdaError::invalid_parameter(format!(
            "Lambda was unable to configure your environment variables because the environment variables you have \
             provided contains reserved keys that are currently not supported for modification. Reserved keys used \
             in this request: {}",
            reserved.join(", ")
        )));
    }
    let measured = serde_json::to_string(vars).unwrap_or_default();
    if measured.len() > MAX_ENVIRONMENT_BYTES {
        return Err(LambdaError::invalid_parameter(format!(
            "Lambda was unable to configure your environment variables because the environment variables you have \
             provided exceeded the 4KB limit. String measured: {measured}"
        )));
    }
    Ok(())
}

/// Tag keys and values (the model's lengths) and the count.
pub fn tags(tags: &BTreeMap<String, String>) -> Result<(), LambdaError> {
    if tags.len() > MAX_TAGS {
        return Err(LambdaError::invalid_parameter(format!(
            "Number of tags exceeds resource tag limit. Max: {MAX_TAGS}"
        )));
    }
    let mut v = Violations::default();
    for (k, val) in tags {
        if k.is_empty() || k.chars().count() > 128 {
            v.push(Some(k), "tags.key", "Member must have length less than or equal to 128");
        }
        if val.chars().count() > 256 {
            v.push(
                Some(val),
                "tags.value",
                "Member must have length less than or equal to 256",
            );
        }
    }
    if v.is_empty() {
        Ok(())
    } else {
        Err(LambdaError::validation(v.message()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_patterns_with_aws_messages() {
        let ok = ConfigInput {
            runtime: Some("python3.12"),
            role: Some("arn:aws:iam::123456789012:role/service-role/r"),
            handler: Some("lambda_function.lambda_handler"),
            timeout: Some(900),
            memory_size: Some(10240),
            ..Default::default()
        };
        config(&ok).unwrap();
        let e = config(&ConfigInput {
            timeout: Some(901),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(e.code, "ValidationException");
        assert_eq!(
            e.message,
            "1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900"
        );
        let e = config(&ConfigInput {
            timeout: Some(0),
            memory_size: Some(127),
            ..Default::default()
        })
        .unwrap_err();
        assert!(
            e.message
                .starts_with("2 validation errors detected: Value '0' at 'timeout'"),
            "{}",
            e.message
        );
        assert!(e.message.contains("Value '127' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128"));
        for bad in [
            ConfigInput {
                runtime: Some("cobol"),
                ..Default::default()
            },
            ConfigInput {
                role: Some("not-a-role"),
                ..Default::default()
            },
            ConfigInput {
                handler: Some("has space"),
                ..Default::default()
            },
            ConfigInput {
                memory_size: Some(10241),
                ..Default::default()
            },
        ] {
            assert_eq!(config(&bad).unwrap_err().code, "ValidationException");
        }
    }

    #[test]
    fn environments() {
        let vars = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
        };
        environment(&vars(&[("TABLE", "orders"), ("LOG_LEVEL", "debug")])).unwrap();
        assert_eq!(
            environment(&vars(&[("1X", "a")])).unwrap_err().code,
            "ValidationException"
        );
        let e = environment(&vars(&[("AWS_REGION", "x")])).unwrap_err();
        assert!(
            e.message.ends_with("Reserved keys used in this request: AWS_REGION"),
            "{}",
            e.message
        );
        let big = "v".repeat(MAX_ENVIRONMENT_BYTES);
        let e = environment(&vars(&[("BIG", &big)])).unwrap_err();
        assert_eq!(e.code, "InvalidParameterValueException");
        assert!(
            e.message
                .contains("exceeded the 4KB limit. String measured: {\"BIG\":\"vvv")
        );
        // Exactly 4096 bytes of JSON is fine.
        let fits = "v".repeat(MAX_ENVIRONMENT_BYTES - r#"{"AB":""}"#.len());
        environment(&vars(&[("AB", &fits)])).unwrap();
    }
}
