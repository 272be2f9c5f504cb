use super::*;
use proptest::prelude::*;

/// What the engine's `classify_resource` computed before this module existed, kept here as
/// the oracle: `(resourceType, resource, is a bare Lambda function)`.
fn legacy(resource: &str) -> (String, String, bool) {
    let parts: Vec<&str> = resource.split(':').collect();
    if parts.len() >= 7 && parts[2] == "lambda" && parts[5] == "function" {
        return ("lambda".into(), resource.into(), true);
    }
    if parts.len() >= 7 && parts[2] == "states" && parts[3].is_empty() && parts[4].is_empty() {
        return (parts[5].into(), parts[6..].join(":"), false);
    }
    if parts.len() >= 6 && parts[2] == "states" && parts[5].starts_with("activity") {
        return ("activity".into(), resource.into(), false);
    }
    ("unknown".into(), resource.into(), false)
}

fn history(text: &str) -> (String, String, bool) {
    let r = Resource::parse(text);
    assert_eq!(r.as_str(), text);
    assert_eq!(r.to_string(), text);
    (
        r.history_type().to_string(),
        r.history_resource().to_string(),
        r.is_lambda_function(),
    )
}

fn s(v: &str) -> String {
    v.to_string()
}

#[test]
fn bare_lambda_function() {
    let r = Resource::parse("arn:aws:lambda:us-east-1:123456789012:function:hello");
    assert_eq!(
        r.integration(),
        &Integration::LambdaFunction {
            region: s("us-east-1"),
            account: s("123456789012"),
            name: s("hello"),
            qualifier: None
        }
    );
    assert!(r.is_lambda_function());
    assert_eq!(r.pattern(), IntegrationPattern::RequestResponse);
    assert_eq!(r.history_type(), "lambda");
    assert_eq!(
        r.history_resource(),
        "arn:aws:lambda:us-east-1:123456789012:function:hello"
    );

    let r = Resource::parse("arn:aws:lambda:us-east-1:123456789012:function:hello:prod");
    assert!(matches!(r.integration(), Integration::LambdaFunction { qualifier: Some(q), .. } if q == "prod"));
    assert_eq!(r.history_resource(), r.as_str());
}

#[test]
fn lambda_invoke() {
    let r = Resource::parse("arn:aws:states:::lambda:invoke");
    assert_eq!(
        r.integration(),
        &Integration::LambdaInvoke(IntegrationPattern::RequestResponse)
    );
    assert!(!r.is_lambda_function());
    assert_eq!((r.history_type(), r.history_resource()), ("lambda", "invoke"));

    let r = Resource::parse("arn:aws:states:::lambda:invoke.waitForTaskToken");
    assert_eq!(
        r.integration(),
        &Integration::LambdaInvoke(IntegrationPattern::WaitForTaskToken)
    );
    assert_eq!(r.pattern(), IntegrationPattern::WaitForTaskToken);
    assert_eq!(
        (r.history_type(), r.history_resource()),
        ("lambda", "invoke.waitForTaskToken")
    );
}

#[test]
fn activity() {
    let r = Resource::parse("arn:aws:states:us-east-1:123456789012:activity:worker");
    assert_eq!(
        r.integration(),
        &Integration::Activity {
            region: s("us-east-1"),
            account: s("123456789012"),
            name: s("worker")
        }
    );
    assert_eq!(r.pattern(), IntegrationPattern::RequestResponse);
    assert_eq!(
        (r.history_type(), r.history_resource()),
        ("activity", "arn:aws:states:us-east-1:123456789012:activity:worker")
    );
}

#[test]
fn start_execution_in_every_pattern() {
    for (suffix, pattern) in [
        ("", IntegrationPattern::RequestResponse),
        (".sync", IntegrationPattern::Sync),
        (".sync:2", IntegrationPattern::Sync2),
        (".waitForTaskToken", IntegrationPattern::WaitForTaskToken),
    ] {
        let text = format!("arn:aws:states:::states:startExecution{suffix}");
        let r = Resource::parse(&text);
        assert_eq!(r.integration(), &Integration::StartExecution(pattern), "{text}");
        assert_eq!(r.pattern(), pattern);
        assert_eq!(pattern.suffix(), suffix);
        assert_eq!(r.history_type(), "states");
        assert_eq!(r.history_resource(), format!("startExecution{suffix}"));
    }
}

#[test]
fn http_invoke() {
    let r = Resource::parse("arn:aws:states:::http:invoke");
    assert_eq!(
        r.integration(),
        &Integration::HttpInvoke(IntegrationPattern::RequestResponse)
    );
    assert_eq!((r.history_type(), r.history_resource()), ("http", "invoke"));
}

#[test]
fn aws_sdk() {
    let r = Resource::parse("arn:aws:states:::aws-sdk:s3:getObject");
    assert_eq!(
        r.integration(),
        &Integration::AwsSdk {
            service: s("s3"),
            action: s("getObject"),
            pattern: IntegrationPattern::RequestResponse
        }
    );
    assert_eq!((r.history_type(), r.history_resource()), ("aws-sdk", "s3:getObject"));

    let r = Resource::parse("arn:aws:states:::aws-sdk:sfn:startExecution.waitForTaskToken");
    assert_eq!(
        r.integration(),
        &Integration::AwsSdk {
            service: s("sfn"),
            action: s("startExecution"),
            pattern: IntegrationPattern::WaitForTaskToken
        }
    );
    assert_eq!(r.history_resource(), "sfn:startExecution.waitForTaskToken");
}

#[test]
fn other_optimized_integrations() {
    for (text, service, action, pattern, res) in [
        (
            "arn:aws:states:::sqs:sendMessage",
            "sqs",
            "sendMessage",
            IntegrationPattern::RequestResponse,
            "sendMessage",
        ),
        (
            "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "sqs",
            "sendMessage",
            IntegrationPattern::WaitForTaskToken,
            "sendMessage.waitForTaskToken",
        ),
        (
            "arn:aws:states:::dynamodb:putItem",
            "dynamodb",
            "putItem",
            IntegrationPattern::RequestResponse,
            "putItem",
        ),
        (
            "arn:aws:states:::s3:getObject",
            "s3",
            "getObject",
            IntegrationPattern::RequestResponse,
            "getObject",
        ),
        (
            "arn:aws:states:::batch:submitJob.sync",
            "batch",
            "submitJob",
            IntegrationPattern::Sync,
            "submitJob.sync",
        ),
        (
            "arn:aws:states:::lambda:other",
            "lambda",
            "other",
            IntegrationPattern::RequestResponse,
            "other",
        ),
    ] {
        let r = Resource::parse(text);
        assert_eq!(
            r.integration(),
            &Integration::Optimized {
                service: s(service),
                action: s(action),
                pattern
            },
            "{text}"
        );
        assert_eq!((r.history_type(), r.history_resource()), (service, res), "{text}");
    }
}

#[test]
fn unknown_resources_keep_their_text() {
    for text in [
        "",
        "hello",
        "arn:aws:states:::lambda",
        "arn:aws:sqs:us-east-1:1:queue",
        "arn:aws:lambda:r:a:function",
    ] {
        let r = Resource::parse(text);
        assert_eq!(r.integration(), &Integration::Other, "{text:?}");
        assert_eq!(r.pattern(), IntegrationPattern::RequestResponse);
        assert_eq!(
            (r.history_type(), r.history_resource(), r.is_lambda_function()),
            ("unknown", text, false)
        );
    }
}

#[test]
fn history_strings_are_the_engines() {
    for text in [
        "arn:aws:lambda:us-east-1:123456789012:function:hello",
        "arn:aws:lambda:us-east-1:123456789012:function:hello:$LATEST",
        "arn:aws-cn:lambda:cn-north-1:1:function:f",
        "arn:aws:states:::lambda:invoke",
        "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "arn:aws:states:us-east-1:123456789012:activity:worker",
        "arn:aws:states:::activity",
        "arn:aws:states:us-east-1:1:activityish",
        "arn:aws:states:::states:startExecution",
        "arn:aws:states:::states:startExecution.sync",
        "arn:aws:states:::states:startExecution.sync:2",
        "arn:aws:states:::http:invoke",
        "arn:aws:states:::aws-sdk:s3:getObject",
        "arn:aws:states:::aws-sdk:s3",
        "arn:aws:states:::sqs:sendMessage",
        "arn:aws:states:::dynamodb:putItem",
        "arn:aws:states:::s3:getObject",
        "arn:aws:states:us-east-1::sqs:sendMessage",
        "arn:aws:states:::",
        "arn:aws:states::::",
        "x:y:states:::sqs:sendMessage",
        "arn:aws:states:us-east-1:1:stateMachine:m",
        "",
        "::::::",
        "not an arn",
    ] {
        assert_eq!(history(text), legacy(text), "{text:?}");
    }
}

proptest! {
    #[test]
    fn history_strings_match_the_engines_on_any_text(
        parts in proptest::collection::vec(
            prop_oneof![
                Just(""), Just("arn"), Just("aws"), Just("states"), Just("lambda"), Just("function"),
                Just("activity"), Just("activityX"), Just("aws-sdk"), Just("invoke"), Just("sync"),
                Just("startExecution.sync"), Just("2"), Just("x.waitForTaskToken"), Just("us-east-1"),
            ],
            0..10,
        )
    ) {
        let text = parts.join(":");
        prop_assert_eq!(history(&text), legacy(&text));
    }
}
