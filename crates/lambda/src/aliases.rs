//! CreateAlias, GetAlias, UpdateAlias, DeleteAlias, ListAliases.

use serde_json::Value;
use server::RequestContext;
use server::lambda::{LambdaError, LambdaReply, LambdaRequest, StatusCode};
use server::validate::Violations;
use store::FunctionAliasRecord;

use crate::errors::{alias_exists, alias_not_found, revision_mismatch, to_json};
use crate::functions::{max_items, named, parse_body};
use crate::model::{AliasConfiguration, AliasRequest, RoutingConfig};
use crate::{Inner, new_revision_id};

const ALIAS_PATTERN: &str = "(?!^[0-9]+$)([a-zA-Z0-9-_]+)";

fn check_name(name: &str) -> Result<(), LambdaError> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !name.bytes().all(|b| b.is_ascii_digit());
    if ok {
        return Ok(());
    }
    let mut v = Violations::default();
    v.push(
        Some(name),
        "name",
        &format!("Member must satisfy regular expression pattern: {ALIAS_PATTERN}"),
    );
    Err(LambdaError::validation(v.message()))
}

/// The version an alias may point to exists (`$LATEST` always does), and its routing
/// weights name other, existing versions with weights in [0, 1].
async fn check_target(
    inner: &Inner,
    arn: &str,
    version: &str,
    routing: Option<&RoutingConfig>,
) -> Result<(), LambdaError> {
    if version != "$LATEST" {
        if !version.bytes().all(|b| b.is_ascii_digit()) {
            let mut v = Violations::default();
            v.push(
                Some(version),
                "functionVersion",
                "Member must satisfy regular expression pattern: (\\$LATEST|[0-9]+)",
            );
            return Err(LambdaError::validation(v.message()));
        }
        inner.version(arn, version).await?;
    }
    let Some(routing) = routing else {
        return Ok(());
    };
    if routing.additional_version_weights.len() > 1 {
        return Err(LambdaError::invalid_parameter(
            "Number of items in AdditionalVersionWeights cannot be greater than 1",
        ));
    }
    for (v, w) in &routing.additional_version_weights {
        if !(0.0..=1.0).contains(w) {
            return Err(LambdaError::invalid_parameter(format!(
                "Invalid weight {w} for version {v}: weights are between 0.0 and 1.0"
            )));
        }
        if version == "$LATEST" {
            return Err(LambdaError::invalid_parameter(
                "$LATEST is not supported for an alias pointing to more than 1 version",
            ));
        }
        if v == version {
            return Err(LambdaError::invalid_parameter(format!(
                "Invalid function version {v}. Function version {v} is already included in routing configuration."
            )));
        }
        inner.version(arn, v).await?;
    }
    Ok(())
}

fn reply(status: StatusCode, a: &AliasConfiguration) -> LambdaReply {
    LambdaReply::Json(status, serde_json::to_value(a).unwrap_or(Value::Null))
}

fn routing_of(r: Option<RoutingConfig>) -> Option<RoutingConfig> {
    r.filter(|r| !r.additional_version_weights.is_empty())
}

pub(crate) async fn create(inner: &Inner, ctx: &RequestContext, r: &LambdaRequest) -> Result<LambdaReply, LambdaError> {
    let req: AliasRequest = parse_body(r)?;
    let (_, _, arn) = named(inner, ctx, r)?;
    let mut v = Violations::default();
    if req.name.is_none() {
        v.push_null("name");
    }
    if req.function_version.is_none() {
        v.push_null("functionVersion");
    }
    if !v.is_empty() {
        return Err(LambdaError::validation(v.message()));
    }
    let name = req.name.clone().unwrap_or_default();
    let version = req.function_version.clone().unwrap_or_default();
    check_name(&name)?;
    let _guard = inner.writes.lock().await;
    inner.load(&arn).await?;
    check_target(inner, &arn, &version, req.routing_config.as_ref()).await?;
    let alias_arn = format!("{arn}:{name}");
    let config = AliasConfiguration {
        alias_arn: alias_arn.clone(),
        name: name.clone(),
        function_version: version,
        description: req.description.unwrap_or_default(),
        routing_config: routing_of(req.routing_config),
        revision_id: new_revision_id(),
    };
    let (key, n) = (arn.clone(), name.clone());
    if inner.db(move |s| s.get_function_alias(&key, &n)).await?.is_some() {
        return Err(alias_exists(&alias_arn));
    }
    let record = FunctionAliasRecord {
        function_arn: arn,
        name,
        config: to_json(&config)?,
    };
    inner.db(move |s| s.create_function_alias(&record)).await?;
    Ok(reply(StatusCode::CREATED, &config))
}

async fn load_alias(inner: &Inner, arn: &str, name: &str) -> Result<AliasConfiguration, LambdaError> {
    inner.load(arn).await?;
    inner.alias(arn, name).await.map_err(|e| {
        if e.code == "ResourceNotFoundException" {
            alias_not_found(&format!("{arn}:{name}"))
        } else {
            e
        }
    })
}

fn alias_name(r: &LambdaRequest) -> &str {
    r.alias.as_deref().unwrap_or_default()
}

pub(crate) async fn get(inner: &Inner, ctx: &RequestContext, r: &LambdaRequest) -> Result<LambdaReply, LambdaError> {
    let (_, _, arn) = named(inner, ctx, r)?;
    let a = load_alias(inner, &arn, alias_name(r)).await?;
    Ok(reply(StatusCode::OK, &a))
}

pub(crate) async fn update(inner: &Inner, ctx: &RequestContext, r: &LambdaRequest) -> Result<LambdaReply, LambdaError> {
    let req: AliasRequest = parse_body(r)?;
    let (_, _, arn) = named(inner, ctx, r)?;
    let name = alias_name(r).to_owned();
    let _guard = inner.writes.lock().await;
    let mut a = load_alias(inner, &arn, &name).await?;
    if req.revision_id.as_deref().is_some_and(|id| id != a.revision_id) {
        return Err(revision_mismatch());
    }
    if let Some(v) = req.function_version {
        a.function_version = v;
    }
    if let Some(rc) = req.routing_config {
        a.routing_config = routing_of(Some(rc));
    }
    check_target(inner, &arn, &a.function_version, a.routing_config.as_ref()).await?;
    if let Some(d) = req.description {
        a.description = d;
    }
    a.revision_id = new_revision_id();
    let record = FunctionAliasRecord {
        function_arn: arn,
        name,
        config: to_json(&a)?,
    };
    inner.db(move |s| s.update_function_alias(&record)).await?;
    Ok(reply(StatusCode::OK, &a))
}

pub(crate) async fn delete(inner: &Inner, ctx: &RequestContext, r: &LambdaRequest) -> Result<LambdaReply, LambdaError> {
    let (_, _, arn) = named(inner, ctx, r)?;
    let name = alias_name(r).to_owned();
    let _guard = inner.writes.lock().await;
    inner.load(&arn).await?;
    let (key, n) = (arn.clone(), name.clone());
    // Deleting an alias that does not exist succeeds, as on AWS.
    if inner.db(move |s| s.get_function_alias(&key, &n)).await?.is_some() {
        inner.db(move |s| s.delete_function_alias(&arn, &name)).await?;
    }
    Ok(LambdaReply::Empty(StatusCode::NO_CONTENT))
}

/// Every alias of the function, by name.
async fn all(inner: &Inner, arn: &str) -> Result<Vec<AliasConfiguration>, LambdaError> {
    let key = arn.to_owned();
    let records = inner
        .db(move |s| s.list_function_aliases(&key, None, usize::MAX))
        .await?;
    records
        .iter()
        .map(|a| {
            serde_json::from_str(&a.config)
                .map_err(|e| LambdaError::service(format!("a stored alias is unreadable: {e}")))
        })
        .collect()
}

/// The names of the aliases that route to `version`.
pub(crate) async fn referencing(inner: &Inner, arn: &str, version: &str) -> Result<Vec<String>, LambdaError> {
    Ok(all(inner, arn)
        .await?
        .into_iter()
        .filter(|a| {
            a.function_version == version
                || a.routing_config
                    .as_ref()
                    .is_some_and(|r| r.additional_version_weights.contains_key(version))
        })
        .map(|a| a.name)
        .collect())
}

pub(crate) async fn list(inner: &Inner, ctx: &RequestContext, r: &LambdaRequest) -> Result<LambdaReply, LambdaError> {
    let (_, _, arn) = named(inner, ctx, r)?;
    let limit = max_items(r)?;
    inner.load(&arn).await?;
    let version = r.query("FunctionVersion");
    let marker = r.query("Marker").filter(|m| !m.is_empty());
    let mut aliases: Vec<AliasConfiguration> = all(inner, &arn)
        .await?
        .into_iter()
        .filter(|a| version.is_none_or(|v| a.function_version == v))
        .filter(|a| marker.is_none_or(|m| a.name.as_str() > m))
        .collect();
    let more = aliases.len() > limit;
    aliases.truncate(limit);
    let mut body = serde_json::Map::new();
    let next = if more {
        aliases.last().map(|a| a.name.clone())
    } else {
        None
    };
    body.insert(
        "Aliases".into(),
        Value::Array(
            aliases
                .iter()
                .map(|a| serde_json::to_value(a).unwrap_or(Value::Null))
                .collect(),
        ),
    );
    if let Some(n) = next {
        body.insert("NextMarker".into(), Value::String(n));
    }
    Ok(LambdaReply::Json(StatusCode::OK, Value::Object(body)))
}
