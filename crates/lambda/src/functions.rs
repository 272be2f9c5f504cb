//! CreateFunction, GetFunction, GetFunctionConfiguration, ListFunctions,
//! UpdateFunctionCode, UpdateFunctionConfiguration, DeleteFunction.

use base64::Engine as _;
use serde_json::{Value, json};
use server::RequestContext;
use server::lambda::{LambdaError, LambdaReply, LambdaRequest, StatusCode};
use server::validate::Violations;
use store::{FunctionRecord, Page, Tag};

use crate::errors::{self, bad_body, function_exists, revision_mismatch, to_json};
use crate::model::*;
use crate::validate::{self, ConfigInput};
use crate::{Inner, last_modified_now, names, new_revision_id, versions};

/// ListFunctions' and ListVersionsByFunction's largest page (AWS's: 50 whatever MaxItems says).
pub const MAX_PAGE: usize = 50;

/// Stores the code a request names: a base64 zip (checked and unpacked off the async
/// threads), or a hot-reload directory. Its `CodeSha256` and `CodeSize`.
pub(crate) async fn store_code(
    inner: &Inner,
    zip_file: Option<&str>,
    s3_bucket: Option<&str>,
    s3_key: Option<&str>,
    image_uri: Option<&str>,
) -> Result<(StoredCode, String, u64), LambdaError> {
    if image_uri.is_some() {
        return Err(image_unsupported());
    }
    match (zip_file, s3_bucket, s3_key) {
        (Some(zip), None, None) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(zip.trim())
                .map_err(|e| {
                    LambdaError::invalid_request_content(format!(
                        "Could not parse request body into json: ZipFile is not base64: {e}"
                    ))
                })?;
            let code_store = inner.code.clone();
            let package = tokio::task::spawn_blocking(move || code_store.add_zip(&bytes))
                .await
                .map_err(|e| LambdaError::service(format!("unpacking failed: {e}")))?
                .map_err(errors::code)?;
            Ok((
                StoredCode::Zip {
                    hex_sha256: package.hex_sha256,
                },
                package.code_sha256,
                package.code_size,
            ))
        }
        (None, Some(bucket), Some(key)) => {
            functions::code::from_s3(bucket, key).map_err(errors::code)?;
            Ok((
                StoredCode::HotReload { path: key.to_owned() },
                functions::code::hot_reload_sha256(key),
                0,
            ))
        }
        (None, None, None) => Err(LambdaError::invalid_parameter(
            "Please provide a source for function code: ZipFile, or S3Bucket and S3Key.",
        )),
        (Some(_), _, _) => Err(LambdaError::invalid_parameter(
            "Please do not provide other FunctionCode parameters when providing a ZipFile.",
        )),
        _ => Err(LambdaError::invalid_parameter(
            "Please provide both S3Bucket and S3Key for function code.",
        )),
    }
}

fn image_unsupported() -> LambdaError {
    LambdaError::invalid_parameter(
        "Stepwise runs .zip deployment packages only: container images (PackageType Image, ImageUri) are not supported.",
    )
}

fn null_member(member: &str) -> LambdaError {
    let mut v = Violations::default();
    v.push_null(member);
    LambdaError::validation(v.message())
}

pub(crate) fn parse_body<T: serde::de::DeserializeOwned>(r: &LambdaRequest) -> Result<T, LambdaError> {
    serde_json::from_value(r.json()?).map_err(bad_body)
}

fn to_tags(tags: &std::collections::BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag {
            key: k.clone(),
            value: v.clone(),
        })
        .collect()
}

pub(crate) async fn create(inner: &Inner, ctx: &RequestContext, r: &LambdaRequest) -> Result<LambdaReply, LambdaError> {
    let req: CreateFunctionRequest = parse_body(r)?;
    let name = req
        .function_name
        .as_deref()
        .ok_or_else(|| null_member("functionName"))?;
    let role = req.role.as_deref().ok_or_else(|| null_member("role"))?;
    let code = req.code.clone().ok_or_else(|| null_member("code"))?;
    let f = names::parse(name, "functionName")?;
    if f.qualifier.is_some() {
        return Err(LambdaError::invalid_parameter(format!(
            "The function name {name} names a version or alias: CreateFunction takes an unqualified name."
        )));
    }
    validate::config(&ConfigInput {
        runtime: req.runtime.as_deref(),
        role: Some(role),
        handler: req.handler.as_deref(),
        description: req.description.as_deref(),
        timeout: req.timeout,
        memory_size: req.memory_size,
        architectures: req.architectures.as_deref(),
    })?;
    if req.package_type.as_deref() == Some("Image") {
        return Err(image_unsupported());
    }
    let (Some(runtime), Some(handler)) = (req.runtime.clone(), req.handler.clone()) else {
        return Err(LambdaError::invalid_parameter(
            "Runtime and Handler are mandatory parameters for functions created with deployment packages.",
        ));
    };
    let env = req.environment.clone().unwrap_or_default();
    validate::environment(&env.variables)?;
    let tags = req.tags.clone().unwrap_or_default();
    validate::tags(&tags)?;
    let arn = inner.arn_of(ctx, &f);
    // Refuse a taken name before unpacking anything.
    let key = arn.clone();
    if inner.db(move |s| s.get_function(&key)).await?.is_some() {
        return Err(function_exists(&f.name));
    }
    let (stored_code, sha, size) = store_code(
        inner,
        code.zip_file.as_deref(),
        code.s3_bucket.as_deref(),
        code.s3_key.as_deref(),
        code.image_uri.as_deref(),
    )
    .await?;
    let configuration = FunctionConfiguration {
        function_name: f.name.clone(),
        function_arn: arn.clone(),
        runtime,
        role: role.to_owned(),
        handler,
        code_size: size,
        description: req.description.clone().unwrap_or_default(),
        timeout: req.timeout.unwrap_or(3) as u32,
        memory_size: req.memory_size.unwrap_or(128) as u32,
        last_modified: last_modified_now(),
        code_sha256: sha,
        version: "$LATEST".into(),
        environment: req.environment.clone().filter(|e| !e.variables.is_empty()),
        tracing_config: TracingConfig {
            mode: req
                .tracing_config
                .as_ref()
                .map(|t| t.mode.clone())
                .unwrap_or_else(|| "PassThrough".into()),
        },
        revision_id: new_revision_id(),
        state: "Active".into(),
        last_update_status: "Successful".into(),
        package_type: "Zip".into(),
        architectures: req.architectures.clone().unwrap_or_else(|| vec!["x86_64".into()]),
        ephemeral_storage: EphemeralStorage { size: 512 },
        snap_start: SnapStart {
            apply_on: "None".into(),
            optimization_status: "Off".into(),
        },
        logging_config: LoggingConfig {
            log_format: "Text".into(),
            log_group: format!("/aws/lambda/{}", f.name),
        },
    };
    let stored = StoredFunction {
        configuration,
        code: stored_code,
    };
    let record = FunctionRecord {
        arn: arn.clone(),
        name: f.name.clone(),
        config: to_json(&stored)?,
        reserved_concurrency: None,
        last_version: 0,
        created_ms: now_ms(),
    };
    let _guard = inner.writes.lock().await;
    let key = arn.clone();
    if inner.db(move |s| s.get_function(&key)).await?.is_some() {
        return Err(function_exists(&f.name));
    }
    let rec = record.clone();
    let tag_list = to_tags(&tags);
    inner.db(move |s| s.create_function(&rec, &tag_list)).await?;
    let answer = if req.publish {
        versions::publish_locked(inner, &record, &stored, None).await?
    } else {
        stored.configuration
    };
    tracing::debug!(function = %arn, "function created");
    Ok(LambdaReply::Json(
        StatusCode::CREATED,
        serde_json::to_value(answer).unwrap_or(Value::Null),
    ))
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The function a request names, its qualifier (path or `Qualifier`), and its ARN.
pub(crate) fn named(
    inner: &Inner,
    ctx: &RequestContext,
    r: &LambdaRequest,
) -> Result<(names::FunctionRef, Option<String>, String), LambdaError> {
    let f = names::parse(&r.function, "functionName")?;
    let q = names::qualifier(&f, r.query("Qualifier"))?;
    let arn = inner.arn_of(ctx, &f);
    Ok((f, q, arn))
}

pub(crate) async fn get(inner: &Inner, ctx: &RequestContext, r: &LambdaRequest) -> Result<LambdaReply, LambdaError> {
    let (_, q, arn) = named(inner, ctx, r)?;
    let (record, stored, _) = inner.target(&arn, q.as_deref()).await?;
    let location = match &stored.code {
        StoredCode::Zip { hex_sha256 } => format!("file://{}", inner.code.zip_of(hex_sha256).display()),
        StoredCode::HotReload { path } => path.clone(),
    };
    let mut body = serde_json::Map::new();
    body.insert(
        "Configuration".into(),
        serde_json::to_value(&stored.configuration).unwrap_or(Value::Null),
    );
    body.insert("Code".into(), json!({"RepositoryType": "S3", "Location": location}));
    let key = record.arn.clone();
    let tags = inner.db(move |s| s.list_tags(&key)).await?;
    if !tags.is_empty() {
        let map: serde_json::Map<String, Value> = tags.into_iter().map(|t| (t.key, Value::String(t.value))).collect();
        body.insert("Tags".into(), Value::Object(map));
    }
    if let Some(n) = record.reserved_concurrency {
        body.insert("Concurrency".into(), json!({"ReservedConcurrentExecutions": n}));
    }
    Ok(LambdaReply::Json(StatusCode::OK, Value::Object(body)))
}

pub(crate) async fn get_configuration(
    inner: &Inner,
    ctx: &RequestContext,
    r: &LambdaRequest,
) -> Result<LambdaReply, LambdaError> {
    let (_, q, arn) = named(inner, ctx, r)?;
    let (_, stored, _) = inner.target(&arn, q.as_deref()).await?;
    Ok(LambdaReply::Json(
        StatusCode::OK,
        serde_json::to_value(&stored.configuration).unwrap_or(Value::Null),
    ))
}

/// `MaxItems` (1 to 10000 in the model; a page holds at most [`MAX_PAGE`]).
pub(crate) fn max_items(r: &LambdaRequest) -> Result<usize, LambdaError> {
    let Some(text) = r.query("MaxItems") else {
        return Ok(MAX_PAGE);
    };
    let n: i64 = text
        .parse()
        .map_err(|_| LambdaError::invalid_parameter(format!("Invalid value for MaxItems: {text}")))?;
    if !(1..=10000).contains(&n) {
        let mut v = Violations::default();
        let constraint = if n < 1 {
            "Member must have value greater than or equal to 1"
        } else {
            "Member must have value less than or equal to 10000"
        };
        v.push(Some(text), "maxItems", constraint);
        return Err(LambdaError::validation(v.message()));
    }
    Ok((n as usize).min(MAX_PAGE))
}

pub(crate) async fn list(inner: &Inner, ctx: &RequestContext, r: &LambdaRequest) -> Result<LambdaReply, LambdaError> {
    let limit = max_items(r)?;
    let all_versions = match r.query("FunctionVersion") {
        None => false,
        Some("ALL") => true,
        Some(other) => {
            let mut v = Violations::default();
            v.push(
                Some(other),
                "functionVersion",
                "Member must satisfy enum value set: [ALL]",
            );
            return Err(LambdaError::validation(v.message()));
        }
    };
    // The caller's region and account only: their ARNs share this prefix and sort after it.
    let prefix = names::function_arn(&ctx.region, &ctx.account_id, "");
    let after = r
        .query("Marker")
        .filter(|m| !m.is_empty() && m.starts_with(&prefix))
        .map(str::to_owned)
        .unwrap_or_else(|| prefix.clone());
    let page = Page {
        after: Some(after),
        limit: limit + 1,
    };
    let mut records = inner.db(move |s| s.list_functions(&page)).await?;
    if let Some(end) = records.iter().position(|f| !f.arn.starts_with(&prefix)) {
        records.truncate(end);
    }
    let more = records.len() > limit;
    records.truncate(limit);
    let mut out = Vec::new();
    for record in &records {
        let stored = errors::parse_stored(&record.config)?;
        out.push(serde_json::to_value(&stored.configuration).unwrap_or(Value::Null));
        if all_versions {
            let key = record.arn.clone();
            let vs = inner
                .db(move |s| s.list_function_versions(&key, None, usize::MAX))
                .await?;
            for v in vs {
                let stored = errors::parse_stored(&v.config)?;
                out.push(serde_json::to_value(&stored.configuration).unwrap_or(Value::Null));
            }
        }
    }
    let mut body = serde_json::Map::new();
    body.insert("Functions".into(), Value::Array(out));
    if more {
        if let Some(last) = records.last() {
            body.insert("NextMarker".into(), Value::String(last.arn.clone()));
        }
    }
    Ok(LambdaReply::Json(StatusCode::OK, Value::Object(body)))
}

fn check_revision(given: Option<&str>, current: &str) -> Result<(), LambdaError> {
    match given {
        Some(g) if g != current => Err(revision_mismatch()),
        _ => Ok(()),
    }
}

/// Writes a new `$LATEST` document (holding the write lock) and retires warm instances.
async fn save_latest(
    inner: &Inner,
    record: &FunctionRecord,
    stored: &StoredFunction,
) -> Result<FunctionRecord, LambdaError> {
    let mut rec = record.clone();
    rec.config = to_json(stored)?;
    let r2 = rec.clone();
    inner.db(move |s| s.update_function(&r2)).await?;
    inner.invoker.retire(&record.arn);
    Ok(rec)
}

pub(crate) async fn update_code(
    inner: &Inner,
    ctx: &RequestContext,
    r: &LambdaRequest,
) -> Result<LambdaReply, LambdaError> {
    let req: UpdateFunctionCodeRequest = parse_body(r)?;
    let f = names::parse(&r.function, "functionName")?;
    let arn = inner.arn_of(ctx, &f);
    validate::config(&ConfigInput {
        architectures: req.architectures.as_deref(),
        ..Default::default()
    })?;
    inner.load(&arn).await?; // not found before unpacking
    let (code, sha, size) = store_code(
        inner,
        req.zip_file.as_deref(),
        req.s3_bucket.as_deref(),
        req.s3_key.as_deref(),
        req.image_uri.as_deref(),
    )
    .await?;
    let _guard = inner.writes.lock().await;
    let (record, mut stored) = inner.load(&arn).await?;
    check_revision(req.revision_id.as_deref(), &stored.configuration.revision_id)?;
    let c = &mut stored.configuration;
    c.code_sha256 = sha;
    c.code_size = size;
    if let Some(a) = &req.architectures {
        c.architectures = a.clone();
    }
    if req.dry_run {
        return Ok(LambdaReply::Json(
            StatusCode::OK,
            serde_json::to_value(&stored.configuration).unwrap_or(Value::Null),
        ));
    }
    c.last_modified = last_modified_now();
    c.revision_id = new_revision_id();
    stored.code = code;
    let record = save_latest(inner, &record, &stored).await?;
    let answer = if req.publish {
        versions::publish_locked(inner, &record, &stored, None).await?
    } else {
        stored.configuration
    };
    Ok(LambdaReply::Json(
        StatusCode::OK,
        serde_json::to_value(answer).unwrap_or(Value::Null),
    ))
}

pub(crate) async fn update_configuration(
    inner: &Inner,
    ctx: &RequestContext,
    r: &LambdaRequest,
) -> Result<LambdaReply, LambdaError> {
    let req: UpdateFunctionConfigurationRequest = parse_body(r)?;
    let f = names::parse(&r.function, "functionName")?;
    let arn = inner.arn_of(ctx, &f);
    validate::config(&ConfigInput {
        runtime: req.runtime.as_deref(),
        role: req.role.as_deref(),
        handler: req.handler.as_deref(),
        description: req.description.as_deref(),
        timeout: req.timeout,
        memory_size: req.memory_size,
        architectures: None,
    })?;
    if let Some(env) = &req.environment {
        validate::environment(&env.variables)?;
    }
    let _guard = inner.writes.lock().await;
    let (record, mut stored) = inner.load(&arn).await?;
    check_revision(req.revision_id.as_deref(), &stored.configuration.revision_id)?;
    let c = &mut stored.configuration;
    if let Some(v) = &req.role {
        c.role = v.clone();
    }
    if let Some(v) = &req.handler {
        c.handler = v.clone();
    }
    if let Some(v) = &req.description {
        c.description = v.clone();
    }
    if let Some(v) = req.timeout {
        c.timeout = v as u32;
    }
    if let Some(v) = req.memory_size {
        c.memory_size = v as u32;
    }
    if let Some(v) = &req.runtime {
        c.runtime = v.clone();
    }
    if let Some(env) = &req.environment {
        c.environment = Some(env.clone()).filter(|e| !e.variables.is_empty());
    }
    if let Some(t) = &req.tracing_config {
        c.tracing_config = t.clone();
    }
    c.last_modified = last_modified_now();
    c.revision_id = new_revision_id();
    save_latest(inner, &record, &stored).await?;
    Ok(LambdaReply::Json(
        StatusCode::OK,
        serde_json::to_value(&stored.configuration).unwrap_or(Value::Null),
    ))
}

pub(crate) async fn delete(inner: &Inner, ctx: &RequestContext, r: &LambdaRequest) -> Result<LambdaReply, LambdaError> {
    let (_, q, arn) = named(inner, ctx, r)?;
    let _guard = inner.writes.lock().await;
    match q.as_deref() {
        None => {
            inner.load(&arn).await?;
            let key = arn.clone();
            inner.db(move |s| s.delete_function(&key)).await?;
            inner.invoker.retire(&arn);
            tracing::debug!(function = %arn, "function deleted");
        }
        Some("$LATEST") => {
            return Err(LambdaError::invalid_parameter(
                "$LATEST version cannot be deleted without deleting the function.",
            ));
        }
        Some(v) if v.bytes().all(|b| b.is_ascii_digit()) => {
            inner.load(&arn).await?;
            inner.version(&arn, v).await?;
            let referencing = crate::aliases::referencing(inner, &arn, v).await?;
            if !referencing.is_empty() {
                return Err(LambdaError::resource_conflict(format!(
                    "Unable to delete version because the following aliases reference it: [{}]",
                    referencing.join(", ")
                )));
            }
            let key = arn.clone();
            let n: u64 = v.parse().unwrap_or(u64::MAX);
            inner.db(move |s| s.delete_function_version(&key, n)).await?;
        }
        Some(alias) => {
            return Err(LambdaError::invalid_parameter(format!(
                "Deletion of aliases is not supported by DeleteFunction: use DeleteAlias for {alias}."
            )));
        }
    }
    Ok(LambdaReply::Empty(StatusCode::NO_CONTENT))
}
