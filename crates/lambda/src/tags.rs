//! TagResource, UntagResource, ListTags, on a function's unqualified ARN (tags of
//! versions and aliases are not supported, as on AWS).

use serde_json::{Value, json};
use server::RequestContext;
use server::lambda::{LambdaError, LambdaReply, LambdaRequest, StatusCode};
use server::validate::Violations;
use store::Tag;

use crate::Inner;
use crate::functions::parse_body;
use crate::model::TagResourceRequest;
use crate::names;

/// The function a `{Resource}` ARN names; refused unless it is an unqualified function
/// ARN of a function that exists.
async fn resource(inner: &Inner, ctx: &RequestContext, r: &LambdaRequest) -> Result<String, LambdaError> {
    if !r.function.starts_with("arn:") {
        let mut v = Violations::default();
        v.push(
            Some(&r.function),
            "resource",
            "Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+)|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})",
        );
        return Err(LambdaError::validation(v.message()));
    }
    let f = names::parse(&r.function, "resource")?;
    if f.qualifier.is_some() {
        return Err(LambdaError::invalid_parameter(
            "Tags on function aliases and versions are not supported. Please specify a function ARN.",
        ));
    }
    let arn = inner.arn_of(ctx, &f);
    inner.load(&arn).await?;
    Ok(arn)
}

pub(crate) async fn tag(inner: &Inner, ctx: &RequestContext, r: &LambdaRequest) -> Result<LambdaReply, LambdaError> {
    let req: TagResourceRequest = parse_body(r)?;
    let Some(tags) = req.tags else {
        let mut v = Violations::default();
        v.push_null("tags");
        return Err(LambdaError::validation(v.message()));
    };
    crate::validate::tags(&tags)?;
    let _guard = inner.writes.lock().await;
    let arn = resource(inner, ctx, r).await?;
    let key = arn.clone();
    let existing = inner.db(move |s| s.list_tags(&key)).await?;
    let new_keys = tags.keys().filter(|k| !existing.iter().any(|t| &t.key == *k)).count();
    if existing.len() + new_keys > crate::validate::MAX_TAGS {
        return Err(LambdaError::invalid_parameter(format!(
            "Number of tags exceeds resource tag limit. Max: {}",
            crate::validate::MAX_TAGS
        )));
    }
    let list: Vec<Tag> = tags.into_iter().map(|(key, value)| Tag { key, value }).collect();
    inner.db(move |s| s.tag_resource(&arn, &list)).await?;
    Ok(LambdaReply::Empty(StatusCode::NO_CONTENT))
}

pub(crate) async fn untag(inner: &Inner, ctx: &RequestContext, r: &LambdaRequest) -> Result<LambdaReply, LambdaError> {
    let keys: Vec<String> = r.query_all("tagKeys").into_iter().map(str::to_owned).collect();
    if keys.is_empty() {
        let mut v = Violations::default();
        v.push_null("tagKeys");
        return Err(LambdaError::validation(v.message()));
    }
    let _guard = inner.writes.lock().await;
    let arn = resource(inner, ctx, r).await?;
    inner.db(move |s| s.untag_resource(&arn, &keys)).await?;
    Ok(LambdaReply::Empty(StatusCode::NO_CONTENT))
}

pub(crate) async fn list(inner: &Inner, ctx: &RequestContext, r: &LambdaRequest) -> Result<LambdaReply, LambdaError> {
    let arn = resource(inner, ctx, r).await?;
    let tags = inner.db(move |s| s.list_tags(&arn)).await?;
    let map: serde_json::Map<String, Value> = tags.into_iter().map(|t| (t.key, Value::String(t.value))).collect();
    Ok(LambdaReply::Json(StatusCode::OK, json!({"Tags": map})))
}
