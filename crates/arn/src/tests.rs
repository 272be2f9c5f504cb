use super::*;

const SM: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:my.machine-1";

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
    for good in ["a", "1a", "_", "v1.2-prod", "PROD"] {
        assert!(is_alias_name(good), "{good}");
    }
    for bad in ["", "123", "a b", "a@"] {
        assert!(!is_alias_name(bad), "{bad}");
    }
}

#[test]
fn state_machines_versions_and_aliases() {
    let sm = StateMachineArn::parse(SM, false).unwrap();
    assert_eq!(sm.name, "my.machine-1");
    assert_eq!((sm.region.as_str(), sm.account.as_str()), ("us-east-1", "123456789012"));
    assert_eq!(sm.qualifier, None);
    assert_eq!(sm.unqualified(), SM);
    assert_eq!(sm.to_string(), SM);

    let v = StateMachineArn::parse(&format!("{SM}:12"), false).unwrap();
    assert_eq!(v.qualifier, Some(Qualifier::Version(12)));
    assert_eq!(v.without_test_case(), format!("{SM}:12"));
    let a = StateMachineArn::parse(&format!("{SM}:PROD"), false).unwrap();
    assert_eq!(a.qualifier, Some(Qualifier::Alias("PROD".into())));

    let t = StateMachineArn::parse(&format!("{SM}#HappyPath"), true).unwrap();
    assert_eq!(t.test_case.as_deref(), Some("HappyPath"));
    assert_eq!(t.without_test_case(), SM);
    assert_eq!(t.to_string(), format!("{SM}#HappyPath"));
    assert_eq!(Arn::from(t).to_string(), SM);
    assert!(StateMachineArn::parse(&format!("{SM}#HappyPath"), false).is_err());
    assert!(StateMachineArn::parse(&format!("{SM}#"), true).is_err());
}

#[test]
fn errors_say_what_is_wrong() {
    assert_eq!(
        StateMachineArn::parse("not_a_valid_arn", false).unwrap_err(),
        ArnError::Prefix("not_a_valid_arn".into())
    );
    assert_eq!(
        StateMachineArn::parse("not_a_valid_arn", false)
            .unwrap_err()
            .to_string(),
        "Invalid ARN prefix: not_a_valid_arn"
    );
    let express = "arn:aws:states:us-east-1:123456789012:express:m:e:1b4e2f0c-0000-4000-8000-000000000000";
    assert_eq!(
        ExecutionArn::parse(express, false).unwrap_err().to_string(),
        "Resource type not valid in this context: express"
    );
    assert!(ExecutionArn::parse(express, true).unwrap().is_express());
    assert_eq!(
        StateMachineArn::parse("arn:aws:states:us-east-1:123456789012:execution:m:e", false).unwrap_err(),
        ArnError::WrongKind("execution".into())
    );
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
        assert_eq!(
            StateMachineArn::parse(bad, false).unwrap_err(),
            ArnError::Malformed(bad.into()),
            "{bad}"
        );
    }
    for bad in [
        "arn:aws:states:us-east-1:123456789012:execution:m",
        "arn:aws:states:us-east-1:123456789012:execution:m:e:x",
        "arn:aws:states:us-east-1:123456789012:execution:m:",
    ] {
        assert!(
            matches!(ExecutionArn::parse(bad, false), Err(ArnError::Malformed(_))),
            "{bad}"
        );
    }
}

#[test]
fn executions() {
    let e = ExecutionArn::parse("arn:aws:states:us-east-1:123456789012:execution:m:run-1", false).unwrap();
    assert_eq!((e.state_machine_name.as_str(), e.name.as_str()), ("m", "run-1"));
    assert_eq!(
        e.state_machine_arn(),
        "arn:aws:states:us-east-1:123456789012:stateMachine:m"
    );
    let child = "arn:aws:states:us-east-1:123456789012:execution:m/label:0c4d1a2e-0000-4000-8000-000000000000";
    let c = ExecutionArn::parse(child, false).unwrap();
    assert_eq!(c.map_run_label.as_deref(), Some("label"));
    assert_eq!(c.to_string(), child);
}

/// Every kind parses into its resource and displays back unchanged.
#[test]
fn every_kind_round_trips() {
    let cases: &[(&str, Resource)] = &[
        (
            SM,
            Resource::StateMachine {
                name: "my.machine-1".into(),
                qualifier: None,
            },
        ),
        (
            "arn:aws:states:us-east-1:123456789012:stateMachine:m:3",
            Resource::StateMachine {
                name: "m".into(),
                qualifier: Some(Qualifier::Version(3)),
            },
        ),
        (
            "arn:aws-cn:states:cn-north-1:123456789012:stateMachine:m:PROD",
            Resource::StateMachine {
                name: "m".into(),
                qualifier: Some(Qualifier::Alias("PROD".into())),
            },
        ),
        (
            "arn:aws:states:us-east-1:123456789012:execution:m:e",
            Resource::Execution {
                state_machine: "m".into(),
                map_run_label: None,
                name: "e".into(),
            },
        ),
        (
            "arn:aws:states:us-east-1:123456789012:execution:m/l:e",
            Resource::Execution {
                state_machine: "m".into(),
                map_run_label: Some("l".into()),
                name: "e".into(),
            },
        ),
        (
            "arn:aws:states:us-east-1:123456789012:express:m:e:id-1",
            Resource::ExpressExecution {
                state_machine: "m".into(),
                name: "e".into(),
                id: "id-1".into(),
            },
        ),
        (
            "arn:aws:states:us-east-1:123456789012:mapRun:m/l:id-2",
            Resource::MapRun {
                state_machine: "m".into(),
                label: "l".into(),
                id: "id-2".into(),
            },
        ),
        (
            "arn:aws:states:us-east-1:123456789012:activity:a",
            Resource::Activity { name: "a".into() },
        ),
        (
            "arn:aws:lambda:us-east-1:123456789012:function:f",
            Resource::LambdaFunction {
                name: "f".into(),
                qualifier: None,
            },
        ),
        (
            "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST",
            Resource::LambdaFunction {
                name: "f".into(),
                qualifier: Some("$LATEST".into()),
            },
        ),
        (
            "arn:aws:iam::123456789012:role/service-role/x",
            Resource::Role {
                path_and_name: "service-role/x".into(),
            },
        ),
        (
            "arn:aws:sqs:us-east-1:123456789012:queue:q",
            Resource::Other {
                service: "sqs".into(),
                resource: "queue:q".into(),
            },
        ),
    ];
    for (text, resource) in cases {
        let arn: Arn = text.parse().unwrap();
        assert_eq!(&arn.resource, resource, "{text}");
        assert_eq!(arn.to_string(), *text);
    }
    let e = Arn::parse("arn:aws:states:us-east-1:123456789012:express:m:e:id-1").unwrap();
    assert_eq!(e.account, "123456789012");
    assert_eq!(e.region, "us-east-1");
    assert_eq!(e.service(), "states");
    assert_eq!(e.state_machine_name(), Some("m"));
    assert_eq!(
        e.state_machine_arn().as_deref(),
        Some("arn:aws:states:us-east-1:123456789012:stateMachine:m")
    );
}

#[test]
fn roles() {
    assert!(Arn::parse_role("arn:aws:iam::123456789012:role/StepFunctions").is_ok());
    assert_eq!(
        Arn::parse_role("<execution-role-arn>").unwrap_err(),
        ArnError::Role("<execution-role-arn>".into())
    );
    assert!(Arn::parse_role("arn:aws:iam::123456789012:user/x").is_err());
    assert!(Arn::parse("arn:aws:lambda:us-east-1:123456789012:function:").is_err());
}

#[test]
fn arns_are_built_in_their_region_s_partition() {
    let sm = |region| {
        Arn::in_region(
            region,
            "123456789012",
            Resource::StateMachine {
                name: "m".into(),
                qualifier: None,
            },
        )
    };
    assert_eq!(
        sm("us-east-1").to_string(),
        "arn:aws:states:us-east-1:123456789012:stateMachine:m"
    );
    assert_eq!(
        sm("cn-north-1").to_string(),
        "arn:aws-cn:states:cn-north-1:123456789012:stateMachine:m"
    );
    assert_eq!(
        sm("us-gov-west-1").to_string(),
        "arn:aws-us-gov:states:us-gov-west-1:123456789012:stateMachine:m"
    );
}
