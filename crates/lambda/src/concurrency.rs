//! PutFunctionConcurrency, GetFunctionConcurrency, DeleteFunctionConcurrency: a function's
//! reserved concurrency, which the runner holds its instances to (0 throttles every
//! invocation).

use serde_json::json;
use server::RequestContext;
use server::lambda::{LambdaError, LambdaReply, LambdaRequest, StatusCode};
use server::validate::Violations;
use store::Page;

use crate::Inner;
use crate::functions::{named, parse_body};
use crate::model::ConcurrencyRequest;

/// AWS's default account concurrency, and what must stay unreserved.
pub const ACCOUNT_CONCURRENCY: u64 = 1000;
pub const MIN_UNRESERVED: u64 = 100;

pub(crate) async fn put(inner: &Inner, ctx: &RequestContext, r: &LambdaRequest) -> Result<LambdaReply, LambdaError> {
    let req: ConcurrencyRequest = parse_body(r)?;
    let (_, _, arn) = named(inner, ctx, r)?;
    let Some(n) = req.reserved_concurrent_executions else {
        let mut v = Violations::default();
        v.push_null("reservedConcurrentExecutions");
        return Err(LambdaError::validation(v.message()));
    };
    if n < 0 {
        let mut v = Violations::default();
        v.push(
            Some(&n.to_string()),
            "reservedConcurrentExecutions",
            "Member must have value greater than or equal to 0",
        );
        return Err(LambdaError::validation(v.message()));
    }
    let _guard = inner.writes.lock().await;
    let (mut record, _) = inner.load(&arn).await?;
    // What the other functions reserve, plus this, must leave the unreserved minimum.
    let mut reserved_elsewhere: u64 = 0;
    let mut after = None;
    loop {
        let page = Page {
            after: after.clone(),
            limit: 500,
        };
        let batch = inner.db(move |s| s.list_functions(&page)).await?;
        for f in &batch {
            if f.arn != arn {
                reserved_elsewhere += u64::from(f.reserved_concurrency.unwrap_or(0));
            }
        }
        match batch.last() {
            Some(last) if batch.len() == 500 => after = Some(last.arn.clone()),
            _ => break,
        }
    }
    if reserved_elsewhere + n as u64 > ACCOUNT_CONCURRENCY - MIN_UNRESERVED {
        return Err(LambdaError::invalid_parameter(format!(
            "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [{MIN_UNRESERVED}]."
        )));
    }
    record.reserved_concurrency = Some(n as u32);
    let rec = record.clone();
    inner.db(move |s| s.update_function(&rec)).await?;
    inner.invoker.retire(&record.arn);
    Ok(LambdaReply::Json(
        StatusCode::OK,
        json!({"ReservedConcurrentExecutions": n}),
    ))
}

pub(crate) async fn get(inner: &Inner, ctx: &RequestContext, r: &LambdaRequest) -> Result<LambdaReply, LambdaError> {
    let (_, _, arn) = named(inner, ctx, r)?;
    let (record, _) = inner.load(&arn).await?;
    let body = match record.reserved_concurrency {
        Some(n) => json!({"ReservedConcurrentExecutions": n}),
        None => json!({}),
    };
    Ok(LambdaReply::Json(StatusCode::OK, body))
}

pub(crate) async fn delete(inner: &Inner, ctx: &RequestContext, r: &LambdaRequest) -> Result<LambdaReply, LambdaError> {
    let (_, _, arn) = named(inner, ctx, r)?;
    let _guard = inner.writes.lock().await;
    let (mut record, _) = inner.load(&arn).await?;
    record.reserved_concurrency = None;
    let rec = record.clone();
    inner.db(move |s| s.update_function(&rec)).await?;
    inner.invoker.retire(&record.arn);
    Ok(LambdaReply::Empty(StatusCode::NO_CONTENT))
}
