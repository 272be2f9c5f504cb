//! A Task state's `Resource`, parsed once when the definition is.
//!
//! The engine needs to know which integration a Task calls (a Lambda function, an activity,
//! an optimized integration, an AWS SDK call…) and how it waits for it (request-response,
//! `.sync`, `.sync:2`, `.waitForTaskToken`). Parsing the ARN once into [`Integration`] and
//! [`IntegrationPattern`] means dispatch is a `match`, and a new integration is a new variant rather
//! than one more string comparison somewhere in the interpreter.
//!
//! Parsing never fails and never adds a diagnostic: AWS validates the ARN when the state
//! machine is created, which is not this crate's concern, and a resource this module does
//! not recognise is [`Integration::Other`], which keeps running as before.
//!
//! The rules follow what the engine has always done with the text (it splits on `:` and
//! looks at the service and resource-type segments; the `arn` prefix and the partition are
//! not checked), so the strings the history shows ([`Resource::history_type`],
//! [`Resource::history_resource`]) are exactly the ones it has always recorded.

use std::fmt;

/// How a Task waits for its integration (AWS: the service integration pattern; the suffix of
/// an optimized integration's action).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum IntegrationPattern {
    /// No suffix: the call's response is the result.
    #[default]
    RequestResponse,
    /// `.sync`: run a job and wait for it to finish.
    Sync,
    /// `.sync:2`: as `.sync`, with the result as JSON rather than a string.
    Sync2,
    /// `.waitForTaskToken`: wait until someone sends the task token back.
    WaitForTaskToken,
}

impl IntegrationPattern {
    /// The suffix as written in the resource (`""` for request-response).
    pub fn suffix(self) -> &'static str {
        match self {
            IntegrationPattern::RequestResponse => "",
            IntegrationPattern::Sync => ".sync",
            IntegrationPattern::Sync2 => ".sync:2",
            IntegrationPattern::WaitForTaskToken => ".waitForTaskToken",
        }
    }

    /// Splits a known suffix off `action` (`.sync:2` is tried before `.sync`).
    fn split(action: &str) -> (&str, IntegrationPattern) {
        for pattern in [
            IntegrationPattern::Sync2,
            IntegrationPattern::Sync,
            IntegrationPattern::WaitForTaskToken,
        ] {
            if let Some(base) = action.strip_suffix(pattern.suffix()) {
                return (base, pattern);
            }
        }
        (action, IntegrationPattern::RequestResponse)
    }
}

/// Which integration a Task calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Integration {
    /// A bare Lambda function ARN, `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`.
    /// Its history records `LambdaFunction…` events rather than `Task…` ones.
    LambdaFunction {
        region: String,
        account: String,
        name: String,
        qualifier: Option<String>,
    },
    /// `arn:aws:states:::lambda:invoke`.
    LambdaInvoke(IntegrationPattern),
    /// An activity, `arn:aws:states:REGION:ACCOUNT:activity:NAME`.
    Activity {
        region: String,
        account: String,
        name: String,
    },
    /// `arn:aws:states:::states:startExecution` (a child execution).
    StartExecution(IntegrationPattern),
    /// `arn:aws:states:::http:invoke`.
    HttpInvoke(IntegrationPattern),
    /// `arn:aws:states:::aws-sdk:SERVICE:ACTION`.
    AwsSdk {
        service: String,
        action: String,
        pattern: IntegrationPattern,
    },
    /// Any other optimized integration, `arn:aws:states:::SERVICE:ACTION`
    /// (`sqs:sendMessage`, `dynamodb:putItem`, `s3:getObject`…).
    Optimized {
        service: String,
        action: String,
        pattern: IntegrationPattern,
    },
    /// Anything else; only the text is known.
    Other,
}

/// A Task's `Resource`: the text as written and what it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    text: String,
    integration: Integration,
}

impl Resource {
    /// Parses a `Resource` value. Never fails: what is not recognised is
    /// [`Integration::Other`].
    pub fn parse(text: impl Into<String>) -> Resource {
        let text = text.into();
        let integration = classify(&text);
        Resource { text, integration }
    }

    /// The resource exactly as written (history events and mocks use it).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn integration(&self) -> &Integration {
        &self.integration
    }

    /// The integration pattern; a Lambda function, an activity and an unknown resource
    /// are request-response.
    pub fn pattern(&self) -> IntegrationPattern {
        match &self.integration {
            Integration::LambdaInvoke(p) | Integration::StartExecution(p) | Integration::HttpInvoke(p) => *p,
            Integration::AwsSdk { pattern, .. } | Integration::Optimized { pattern, .. } => *pattern,
            Integration::LambdaFunction { .. } | Integration::Activity { .. } | Integration::Other => {
                IntegrationPattern::RequestResponse
            }
        }
    }

    /// A bare Lambda function ARN: the history records `LambdaFunctionScheduled`,
    /// `LambdaFunctionStarted`, … instead of `TaskScheduled`, `TaskStarted`, ….
    pub fn is_lambda_function(&self) -> bool {
        matches!(self.integration, Integration::LambdaFunction { .. })
    }

    /// The `resourceType` the history shows for this Task: `lambda` for a Lambda function,
    /// the service segment for an optimized integration (`lambda`, `states`, `http`,
    /// `aws-sdk`, `sqs`…), `activity`, or `unknown`.
    pub fn history_type(&self) -> &str {
        match &self.integration {
            Integration::LambdaFunction { .. } => "lambda",
            Integration::Activity { .. } => "activity",
            Integration::Other => "unknown",
            _ => states_parts(&self.text).map_or("unknown", |(service, _)| service),
        }
    }

    /// The `resource` the history shows: for an optimized integration what follows the
    /// service (`invoke`, `startExecution.sync:2`, `s3:getObject`), otherwise the whole text.
    pub fn history_resource(&self) -> &str {
        match &self.integration {
            Integration::LambdaFunction { .. } | Integration::Activity { .. } | Integration::Other => &self.text,
            _ => states_parts(&self.text).map_or(&self.text, |(_, rest)| rest),
        }
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// For `P:P:states:::SERVICE:REST` (at least seven `:`-separated parts, region and account
/// empty): `(SERVICE, REST)`, where REST may itself hold colons.
fn states_parts(text: &str) -> Option<(&str, &str)> {
    let mut it = text.splitn(7, ':');
    let (_arn, _partition, service_ns, region, account) = (it.next()?, it.next()?, it.next()?, it.next()?, it.next()?);
    let (service, rest) = (it.next()?, it.next()?);
    (service_ns == "states" && region.is_empty() && account.is_empty()).then_some((service, rest))
}

fn classify(text: &str) -> Integration {
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() >= 7 && parts[2] == "lambda" && parts[5] == "function" {
        return Integration::LambdaFunction {
            region: parts[3].to_string(),
            account: parts[4].to_string(),
            name: parts[6].to_string(),
            qualifier: (parts.len() > 7).then(|| parts[7..].join(":")),
        };
    }
    if let Some((service, rest)) = states_parts(text) {
        let (action, pattern) = IntegrationPattern::split(rest);
        return match (service, action) {
            ("lambda", "invoke") => Integration::LambdaInvoke(pattern),
            ("states", "startExecution") => Integration::StartExecution(pattern),
            ("http", "invoke") => Integration::HttpInvoke(pattern),
            ("aws-sdk", sdk) if sdk.contains(':') => {
                let (service, action) = sdk.split_once(':').unwrap_or((sdk, ""));
                Integration::AwsSdk {
                    service: service.to_string(),
                    action: action.to_string(),
                    pattern,
                }
            }
            _ => Integration::Optimized {
                service: service.to_string(),
                action: action.to_string(),
                pattern,
            },
        };
    }
    if parts.len() >= 6 && parts[2] == "states" && parts[5].starts_with("activity") {
        return Integration::Activity {
            region: parts[3].to_string(),
            account: parts[4].to_string(),
            name: parts.get(6..).map(|p| p.join(":")).unwrap_or_default(),
        };
    }
    Integration::Other
}

#[cfg(test)]
mod tests;
