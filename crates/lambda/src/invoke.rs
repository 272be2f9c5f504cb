//! Invoke: `RequestResponse` runs the function and answers its payload (200, with
//! `X-Amz-Function-Error: Unhandled` when it failed, and the log's tail when asked);
//! `Event` queues it and answers 202 at once; `DryRun` checks everything and answers 204.

use base64::Engine as _;
use functions::{InvokeError, InvokeRequest};
use server::RequestContext;
use server::lambda::{InvokeReply, LambdaError, LambdaReply, LambdaRequest, MessageKey, StatusCode};
use server::validate::Violations;

use crate::Lambda;
use crate::functions::named;
use crate::model::AliasConfiguration;

/// How many times a throttled `Event` invocation is tried (1 s, 2 s, … then every minute).
pub const EVENT_ATTEMPTS: u32 = 20;

/// The most of an invocation's log `X-Amz-Log-Result` carries.
pub const MAX_LOG_TAIL: usize = 4096;

/// The version an alias routes this invocation to: an additional version with its weight's
/// probability, else the primary.
pub(crate) fn pick_version(a: &AliasConfiguration) -> String {
    if let Some((version, weight)) = a
        .routing_config
        .as_ref()
        .and_then(|r| r.additional_version_weights.iter().next())
    {
        let bytes = uuid::Uuid::new_v4().into_bytes();
        let draw = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as f64 / (u32::MAX as f64 + 1.0);
        if draw < *weight {
            return version.clone();
        }
    }
    a.function_version.clone()
}

/// The answer to a runner that cannot run the function's runtime here.
fn invalid_runtime(message: String) -> LambdaError {
    LambdaError {
        code: "InvalidRuntimeException",
        status: StatusCode::BAD_GATEWAY,
        message,
        key: MessageKey::Upper,
        reason: None,
    }
}

/// The last [`MAX_LOG_TAIL`] bytes of a log, cut at a character boundary, in base64.
pub fn log_result(log: &str) -> String {
    let mut start = log.len().saturating_sub(MAX_LOG_TAIL);
    while !log.is_char_boundary(start) {
        start += 1;
    }
    base64::engine::general_purpose::STANDARD.encode(&log.as_bytes()[start..])
}

pub(crate) async fn invoke(
    lambda: &Lambda,
    ctx: &RequestContext,
    r: &LambdaRequest,
) -> Result<LambdaReply, LambdaError> {
    let inner = &*lambda.inner;
    let (f, q, arn) = named(inner, ctx, r)?;
    let mut v = Violations::default();
    let kind = r.invoke.invocation_type.as_deref().unwrap_or("RequestResponse");
    if !matches!(kind, "RequestResponse" | "Event" | "DryRun") {
        v.push(
            Some(kind),
            "invocationType",
            "Member must satisfy enum value set: [Event, RequestResponse, DryRun]",
        );
    }
    let log_type = r.invoke.log_type.as_deref().unwrap_or("None");
    if !matches!(log_type, "None" | "Tail") {
        v.push(
            Some(log_type),
            "logType",
            "Member must satisfy enum value set: [None, Tail]",
        );
    }
    if !v.is_empty() {
        return Err(LambdaError::validation(v.message()));
    }
    if !r.body.is_empty() {
        serde_json::from_slice::<serde::de::IgnoredAny>(&r.body).map_err(|e| {
            LambdaError::invalid_request_content(format!(
                "Could not parse request body into json: Could not parse payload into json: {e}"
            ))
        })?;
    }
    let (record, stored, _) = inner.routed(&arn, q.as_deref()).await?;
    let region = f.region.as_deref().unwrap_or(&ctx.region);
    let account = f.account.as_deref().unwrap_or(&ctx.account_id);
    let spec = inner.spec(&record, &stored, region, account);
    if spec.reserved_concurrency == Some(0) {
        return Err(LambdaError::too_many_requests(
            "ReservedFunctionConcurrentInvocationLimitExceeded",
        ));
    }
    let request = InvokeRequest {
        payload: r.body.to_vec(),
        client_context: r.invoke.client_context.clone(),
        trace_id: r.invoke.trace_id.clone(),
        log_tail: log_type == "Tail" && kind == "RequestResponse",
    };
    match kind {
        "DryRun" => Ok(LambdaReply::Invoke(InvokeReply {
            status: StatusCode::NO_CONTENT,
            payload: Vec::new(),
            function_error: None,
            log_result: None,
            executed_version: None,
            request_id: None,
        })),
        "Event" => {
            let invoker = inner.invoker.clone();
            let name = spec.function_arn.clone();
            tokio::spawn(async move {
                // A throttled event waits and tries again, as Lambda's event queue does
                // (AWS keeps trying for up to 6 hours; here for about a quarter of an hour).
                let mut delay = std::time::Duration::from_secs(1);
                for attempt in 1.. {
                    match invoker.invoke(spec.clone(), request.clone()).await {
                        Err(InvokeError::TooManyRequests) if attempt < EVENT_ATTEMPTS => {
                            tracing::debug!(function = %name, attempt, "an Event invocation was throttled; trying again");
                            tokio::time::sleep(delay).await;
                            delay = (delay * 2).min(std::time::Duration::from_secs(60));
                        }
                        Ok(outcome) if outcome.function_error.is_some() => {
                            tracing::info!(function = %name, request_id = %outcome.request_id, "an Event invocation failed in the function");
                            break;
                        }
                        Ok(_) => break,
                        Err(e) => {
                            tracing::warn!(function = %name, error = %e, "an Event invocation did not run");
                            break;
                        }
                    }
                }
            });
            Ok(LambdaReply::Invoke(InvokeReply {
                status: StatusCode::ACCEPTED,
                payload: Vec::new(),
                function_error: None,
                log_result: None,
                executed_version: None,
                request_id: None,
            }))
        }
        _ => {
            let reserved = spec.reserved_concurrency.is_some();
            let outcome = inner.invoker.invoke(spec, request).await.map_err(|e| match e {
                InvokeError::TooManyRequests => LambdaError::too_many_requests(if reserved {
                    "ReservedFunctionConcurrentInvocationLimitExceeded"
                } else {
                    "ConcurrentInvocationLimitExceeded"
                }),
                InvokeError::RuntimeUnavailable(m) => invalid_runtime(m),
                InvokeError::Internal(m) => LambdaError::service(m),
            })?;
            Ok(LambdaReply::Invoke(InvokeReply {
                status: StatusCode::OK,
                payload: outcome.payload,
                function_error: outcome.function_error.map(|e| e.as_str().to_owned()),
                log_result: outcome.log_tail.as_deref().map(log_result),
                executed_version: Some(outcome.executed_version),
                request_id: Some(outcome.request_id),
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_tail_is_the_last_4_kb_in_base64() {
        let short = "START RequestId: 1 Version: $LATEST\nEND RequestId: 1\n";
        let decoded = |s: String| base64::engine::general_purpose::STANDARD.decode(s).unwrap();
        assert_eq!(decoded(log_result(short)), short.as_bytes());
        let long = format!("{}é{}", "a".repeat(5000), "b".repeat(4095));
        let tail = decoded(log_result(&long));
        assert!(tail.len() <= MAX_LOG_TAIL);
        assert!(String::from_utf8(tail).unwrap().ends_with(&"b".repeat(4095)));
    }

    #[test]
    fn aliases_route_by_weight() {
        let mut a = AliasConfiguration {
            alias_arn: "arn:aws:lambda:us-east-1:123456789012:function:f:live".into(),
            name: "live".into(),
            function_version: "1".into(),
            description: String::new(),
            routing_config: None,
            revision_id: "r".into(),
        };
        assert_eq!(pick_version(&a), "1");
        a.routing_config = Some(crate::model::RoutingConfig {
            additional_version_weights: [("2".to_owned(), 1.0)].into_iter().collect(),
        });
        assert_eq!(pick_version(&a), "2");
        a.routing_config = Some(crate::model::RoutingConfig {
            additional_version_weights: [("2".to_owned(), 0.0)].into_iter().collect(),
        });
        assert_eq!(pick_version(&a), "1");
    }
}
