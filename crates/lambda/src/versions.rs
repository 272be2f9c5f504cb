//! PublishVersion and ListVersionsByFunction.
//!
//! A version is a snapshot of `$LATEST`'s configuration and code under the next number
//! (1, 2, … never reused while the function exists). As on AWS, publishing when nothing
//! changed since the last version (same code, same configuration) publishes nothing and
//! answers that version.

use serde_json::Value;
use server::RequestContext;
use server::lambda::{LambdaError, LambdaReply, LambdaRequest, StatusCode};
use store::{FunctionRecord, FunctionVersionRecord};

use crate::errors::{self, revision_mismatch, to_json};
use crate::functions::{max_items, named, parse_body};
use crate::model::{FunctionConfiguration, PublishVersionRequest, StoredFunction};
use crate::{Inner, last_modified_now, new_revision_id};

/// What makes two configurations the same version: everything but the fields that name
/// or date it.
fn essence(c: &FunctionConfiguration) -> FunctionConfiguration {
    let mut c = c.clone();
    c.function_arn.clear();
    c.version.clear();
    c.last_modified.clear();
    c.revision_id.clear();
    c.description.clear();
    c
}

/// Publishes `$LATEST` (the caller holds the write lock). `description` overrides the
/// function's.
pub(crate) async fn publish_locked(
    inner: &Inner,
    record: &FunctionRecord,
    latest: &StoredFunction,
    description: Option<String>,
) -> Result<FunctionConfiguration, LambdaError> {
    if record.last_version > 0 {
        let last = inner.version(&record.arn, &record.last_version.to_string()).await?;
        if essence(&last.configuration) == essence(&latest.configuration) && last.code == latest.code {
            return Ok(last.configuration);
        }
    }
    let number = record.last_version + 1;
    let mut stored = latest.clone();
    let c = &mut stored.configuration;
    c.version = number.to_string();
    c.function_arn = format!("{}:{number}", record.arn);
    c.last_modified = last_modified_now();
    c.revision_id = new_revision_id();
    if let Some(d) = description {
        c.description = d;
    }
    let v = FunctionVersionRecord {
        function_arn: record.arn.clone(),
        version: number,
        config: to_json(&stored)?,
    };
    inner.db(move |s| s.publish_function_version(&v)).await?;
    tracing::debug!(function = %record.arn, version = number, "version published");
    Ok(stored.configuration)
}

pub(crate) async fn publish(
    inner: &Inner,
    ctx: &RequestContext,
    r: &LambdaRequest,
) -> Result<LambdaReply, LambdaError> {
    let req: PublishVersionRequest = parse_body(r)?;
    let (_, _, arn) = named(inner, ctx, r)?;
    if let Some(d) = &req.description {
        crate::validate::config(&crate::validate::ConfigInput {
            description: Some(d),
            ..Default::default()
        })?;
    }
    let _guard = inner.writes.lock().await;
    let (record, latest) = inner.load(&arn).await?;
    if let Some(sha) = &req.code_sha256 {
        if *sha != latest.configuration.code_sha256 {
            return Err(LambdaError::invalid_parameter(format!(
                "CodeSHA256 ({sha}) is different from current CodeSHA256 in $LATEST ({}). Please try again with the CodeSHA256 in $LATEST.",
                latest.configuration.code_sha256
            )));
        }
    }
    if req
        .revision_id
        .as_deref()
        .is_some_and(|id| id != latest.configuration.revision_id)
    {
        return Err(revision_mismatch());
    }
    let c = publish_locked(inner, &record, &latest, req.description).await?;
    Ok(LambdaReply::Json(
        StatusCode::CREATED,
        serde_json::to_value(c).unwrap_or(Value::Null),
    ))
}

/// `$LATEST` first, then the versions in order; `Marker` is the last version label of the
/// previous page.
pub(crate) async fn list(inner: &Inner, ctx: &RequestContext, r: &LambdaRequest) -> Result<LambdaReply, LambdaError> {
    let (_, _, arn) = named(inner, ctx, r)?;
    let limit = max_items(r)?;
    let (_, latest) = inner.load(&arn).await?;
    let marker = r.query("Marker").filter(|m| !m.is_empty());
    let mut items: Vec<FunctionConfiguration> = Vec::new();
    let after = match marker {
        None => {
            items.push(latest.configuration);
            None
        }
        Some("$LATEST") => None,
        Some(m) => Some(
            m.parse::<u64>()
                .map_err(|_| LambdaError::invalid_parameter(format!("Invalid Marker: {m}")))?,
        ),
    };
    let key = arn.clone();
    let room = limit.saturating_sub(items.len());
    let versions = inner
        .db(move |s| s.list_function_versions(&key, after, room + 1))
        .await?;
    let more = versions.len() > room;
    for v in versions.into_iter().take(room) {
        items.push(errors::parse_stored(&v.config)?.configuration);
    }
    let mut body = serde_json::Map::new();
    let next = if more {
        items.last().map(|c| c.version.clone())
    } else {
        None
    };
    body.insert(
        "Versions".into(),
        Value::Array(
            items
                .into_iter()
                .map(|c| serde_json::to_value(c).unwrap_or(Value::Null))
                .collect(),
        ),
    );
    if let Some(n) = next {
        body.insert("NextMarker".into(), Value::String(n));
    }
    Ok(LambdaReply::Json(StatusCode::OK, Value::Object(body)))
}
