//! A small in-memory backend for driving the router in tests: state machines, versions,
//! aliases, tags, and executions that succeed at once with their input as output.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value, json};
use server::arn::{self, Qualifier};
use server::types::*;
use server::{ApiError, RequestContext, ServerConfig, StepFunctions};

#[derive(Clone)]
struct Machine {
    arn: String,
    name: String,
    definition: String,
    role_arn: String,
    kind: StateMachineType,
    created: Timestamp,
    versions: Vec<(String, Timestamp)>,
}

#[derive(Clone)]
struct Execution {
    arn: String,
    state_machine_arn: String,
    name: String,
    input: String,
    status: ExecutionStatus,
    start: Timestamp,
    stop: Option<Timestamp>,
}

#[derive(Default)]
struct Data {
    machines: BTreeMap<String, Machine>,
    executions: Vec<Execution>,
    aliases: BTreeMap<String, DescribeStateMachineAliasOutput>,
    tags: BTreeMap<String, Vec<Tag>>,
    clock: i64,
}

impl Data {
    fn tick(&mut self) -> Timestamp {
        self.clock += 1_250;
        Timestamp(1_700_000_000_000 + self.clock)
    }
}

#[derive(Default)]
pub struct MemoryBackend {
    data: Mutex<Data>,
}

fn page<T: Clone>(items: &[T], max: Option<i32>, token: Option<&str>) -> Result<(Vec<T>, Option<String>), ApiError> {
    let start = match token {
        None => 0,
        Some(t) => t
            .strip_prefix("page-")
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| ApiError::invalid_token("Invalid token"))?,
    };
    let size = match max {
        None | Some(0) => 100,
        Some(n) => n as usize,
    };
    let end = (start + size).min(items.len());
    let next = (end < items.len()).then(|| format!("page-{end}"));
    Ok((items[start.min(end)..end].to_vec(), next))
}

impl MemoryBackend {
    fn machine_of(&self, d: &Data, arn_text: &str) -> Result<Machine, ApiError> {
        let parsed =
            arn::parse_state_machine(arn_text, true).map_err(|_| ApiError::state_machine_does_not_exist(arn_text))?;
        d.machines
            .get(&parsed.unqualified())
            .cloned()
            .ok_or_else(|| ApiError::state_machine_does_not_exist(arn_text))
    }
}

impl StepFunctions for MemoryBackend {
    async fn create_state_machine(
        &self,
        ctx: RequestContext,
        input: CreateStateMachineInput,
    ) -> Result<CreateStateMachineOutput, ApiError> {
        let mut d = self.data.lock().unwrap();
        let arn = ctx.state_machine_arn(&input.name);
        if let Some(existing) = d.machines.get(&arn) {
            if existing.definition == input.definition && existing.role_arn == input.role_arn {
                return Ok(CreateStateMachineOutput {
                    state_machine_arn: arn,
                    creation_date: existing.created,
                    state_machine_version_arn: None,
                });
            }
            return Err(ApiError::state_machine_already_exists(&arn));
        }
        if serde_json::from_str::<Value>(&input.definition).is_err() {
            return Err(ApiError::invalid_definition("INVALID_JSON_DESCRIPTION: not JSON"));
        }
        let created = d.tick();
        let mut machine = Machine {
            arn: arn.clone(),
            name: input.name,
            definition: input.definition,
            role_arn: input.role_arn,
            kind: input.r#type.unwrap_or(StateMachineType::Standard),
            created,
            versions: Vec::new(),
        };
        let version = input.publish.unwrap_or(false).then(|| format!("{arn}:1"));
        if let Some(v) = &version {
            machine.versions.push((v.clone(), created));
        }
        d.machines.insert(arn.clone(), machine);
        if let Some(tags) = input.tags {
            d.tags.insert(arn.clone(), tags);
        }
        Ok(CreateStateMachineOutput {
            state_machine_arn: arn,
            creation_date: created,
            state_machine_version_arn: version,
        })
    }

    async fn describe_state_machine(
        &self,
        _: RequestContext,
        input: DescribeStateMachineInput,
    ) -> Result<DescribeStateMachineOutput, ApiError> {
        let d = self.data.lock().unwrap();
        let m = self.machine_of(&d, &input.state_machine_arn)?;
        Ok(DescribeStateMachineOutput {
            state_machine_arn: input.state_machine_arn,
            name: m.name,
            status: Some(StateMachineStatus::Active),
            definition: m.definition,
            role_arn: m.role_arn,
            r#type: m.kind,
            creation_date: m.created,
            logging_configuration: Some(LoggingConfiguration {
                level: Some(LogLevel::Off),
                include_execution_data: Some(false),
                destinations: None,
            }),
            tracing_configuration: Some(TracingConfiguration { enabled: Some(false) }),
            label: None,
            revision_id: None,
            description: None,
            encryption_configuration: None,
            variable_references: None,
        })
    }

    async fn update_state_machine(
        &self,
        _: RequestContext,
        input: UpdateStateMachineInput,
    ) -> Result<UpdateStateMachineOutput, ApiError> {
        let mut d = self.data.lock().unwrap();
        let now = d.tick();
        let m = d
            .machines
            .get_mut(&input.state_machine_arn)
            .ok_or_else(|| ApiError::state_machine_does_not_exist(&input.state_machine_arn))?;
        if let Some(def) = input.definition {
            m.definition = def;
        }
        if let Some(role) = input.role_arn {
            m.role_arn = role;
        }
        Ok(UpdateStateMachineOutput {
            update_date: now,
            revision_id: None,
            state_machine_version_arn: None,
        })
    }

    async fn delete_state_machine(
        &self,
        _: RequestContext,
        input: DeleteStateMachineInput,
    ) -> Result<DeleteStateMachineOutput, ApiError> {
        self.data.lock().unwrap().machines.remove(&input.state_machine_arn);
        Ok(DeleteStateMachineOutput {})
    }

    async fn list_state_machines(
        &self,
        _: RequestContext,
        input: ListStateMachinesInput,
    ) -> Result<ListStateMachinesOutput, ApiError> {
        let d = self.data.lock().unwrap();
        let all: Vec<StateMachineListItem> = d
            .machines
            .values()
            .map(|m| StateMachineListItem {
                state_machine_arn: m.arn.clone(),
                name: m.name.clone(),
                r#type: m.kind,
                creation_date: m.created,
            })
            .collect();
        let (state_machines, next_token) = page(&all, input.max_results, input.next_token.as_deref())?;
        Ok(ListStateMachinesOutput {
            state_machines,
            next_token,
        })
    }

    async fn validate_state_machine_definition(
        &self,
        _: RequestContext,
        input: ValidateStateMachineDefinitionInput,
    ) -> Result<ValidateStateMachineDefinitionOutput, ApiError> {
        let ok = serde_json::from_str::<Value>(&input.definition).is_ok();
        Ok(ValidateStateMachineDefinitionOutput {
            result: if ok {
                ValidateStateMachineDefinitionResultCode::Ok
            } else {
                ValidateStateMachineDefinitionResultCode::Fail
            },
            diagnostics: if ok {
                vec![]
            } else {
                vec![ValidateStateMachineDefinitionDiagnostic {
                    severity: ValidateStateMachineDefinitionSeverity::Error,
                    code: "INVALID_JSON_DESCRIPTION".into(),
                    message: "not JSON".into(),
                    location: None,
                }]
            },
            truncated: Some(false),
        })
    }

    async fn test_state(&self, _: RequestContext, input: TestStateInput) -> Result<TestStateOutput, ApiError> {
        Ok(TestStateOutput {
            output: Some(input.input.unwrap_or_else(|| "{}".into())),
            status: Some(TestExecutionStatus::Succeeded),
            ..Default::default()
        })
    }

    async fn start_execution(
        &self,
        ctx: RequestContext,
        input: StartExecutionInput,
    ) -> Result<StartExecutionOutput, ApiError> {
        let mut d = self.data.lock().unwrap();
        let m = self.machine_of(&d, &input.state_machine_arn)?;
        let name = input.name.unwrap_or_else(|| ctx.request_id.clone());
        let arn = format!(
            "arn:aws:states:{}:{}:execution:{}:{name}",
            ctx.region, ctx.account_id, m.name
        );
        if d.executions.iter().any(|e| e.arn == arn) {
            return Err(ApiError::execution_already_exists(&arn));
        }
        let start = d.tick();
        let stop = d.tick();
        d.executions.push(Execution {
            arn: arn.clone(),
            state_machine_arn: m.arn,
            name,
            input: input.input.unwrap_or_else(|| "{}".into()),
            status: ExecutionStatus::Succeeded,
            start,
            stop: Some(stop),
        });
        Ok(StartExecutionOutput {
            execution_arn: arn,
            start_date: start,
        })
    }

    async fn start_sync_execution(
        &self,
        ctx: RequestContext,
        input: StartSyncExecutionInput,
    ) -> Result<StartSyncExecutionOutput, ApiError> {
        let mut d = self.data.lock().unwrap();
        let m = self.machine_of(&d, &input.state_machine_arn)?;
        if m.kind != StateMachineType::Express {
            return Err(ApiError::state_machine_type_not_supported());
        }
        let name = input.name.unwrap_or_else(|| ctx.request_id.clone());
        let start = d.tick();
        let stop = d.tick();
        let data = input.input.unwrap_or_else(|| "{}".into());
        Ok(StartSyncExecutionOutput {
            execution_arn: format!(
                "arn:aws:states:{}:{}:express:{}:{name}:{}",
                ctx.region, ctx.account_id, m.name, ctx.request_id
            ),
            state_machine_arn: Some(m.arn),
            name: Some(name),
            start_date: start,
            stop_date: stop,
            status: SyncExecutionStatus::Succeeded,
            error: None,
            cause: None,
            input: Some(data.clone()),
            input_details: Some(CloudWatchEventsExecutionDataDetails { included: Some(true) }),
            output: Some(data),
            output_details: Some(CloudWatchEventsExecutionDataDetails { included: Some(true) }),
            trace_header: None,
            billing_details: Some(BillingDetails {
                billed_memory_used_in_mb: Some(64),
                billed_duration_in_milliseconds: Some(100),
            }),
        })
    }

    async fn describe_execution(
        &self,
        _: RequestContext,
        input: DescribeExecutionInput,
    ) -> Result<DescribeExecutionOutput, ApiError> {
        let d = self.data.lock().unwrap();
        let e = d
            .executions
            .iter()
            .find(|e| e.arn == input.execution_arn)
            .ok_or_else(|| ApiError::execution_does_not_exist(&input.execution_arn))?;
        Ok(DescribeExecutionOutput {
            execution_arn: e.arn.clone(),
            state_machine_arn: e.state_machine_arn.clone(),
            name: Some(e.name.clone()),
            status: e.status,
            start_date: e.start,
            stop_date: e.stop,
            input: Some(e.input.clone()),
            input_details: Some(CloudWatchEventsExecutionDataDetails { included: Some(true) }),
            output: (e.status == ExecutionStatus::Succeeded).then(|| e.input.clone()),
            output_details: (e.status == ExecutionStatus::Succeeded)
                .then_some(CloudWatchEventsExecutionDataDetails { included: Some(true) }),
            trace_header: None,
            map_run_arn: None,
            error: None,
            cause: None,
            state_machine_version_arn: None,
            state_machine_alias_arn: None,
            redrive_count: Some(0),
            redrive_date: None,
            redrive_status: Some(ExecutionRedriveStatus::NotRedrivable),
            redrive_status_reason: Some("Execution is SUCCEEDED and cannot be redriven".into()),
        })
    }

    async fn describe_state_machine_for_execution(
        &self,
        _: RequestContext,
        input: DescribeStateMachineForExecutionInput,
    ) -> Result<DescribeStateMachineForExecutionOutput, ApiError> {
        let d = self.data.lock().unwrap();
        let e = d
            .executions
            .iter()
            .find(|e| e.arn == input.execution_arn)
            .ok_or_else(|| ApiError::execution_does_not_exist(&input.execution_arn))?;
        let m = self.machine_of(&d, &e.state_machine_arn)?;
        Ok(DescribeStateMachineForExecutionOutput {
            state_machine_arn: m.arn,
            name: m.name,
            definition: m.definition,
            role_arn: m.role_arn,
            update_date: m.created,
            logging_configuration: None,
            tracing_configuration: None,
            map_run_arn: None,
            label: None,
            revision_id: None,
            encryption_configuration: None,
            variable_references: None,
        })
    }

    async fn list_executions(
        &self,
        _: RequestContext,
        input: ListExecutionsInput,
    ) -> Result<ListExecutionsOutput, ApiError> {
        let d = self.data.lock().unwrap();
        let sm = input.state_machine_arn.clone().unwrap_or_default();
        let m = self.machine_of(&d, &sm)?;
        let all: Vec<ExecutionListItem> = d
            .executions
            .iter()
            .rev()
            .filter(|e| e.state_machine_arn == m.arn && input.status_filter.is_none_or(|s| s == e.status))
            .map(|e| ExecutionListItem {
                execution_arn: e.arn.clone(),
                state_machine_arn: e.state_machine_arn.clone(),
                name: e.name.clone(),
                status: e.status,
                start_date: e.start,
                stop_date: e.stop,
                map_run_arn: None,
                item_count: None,
                state_machine_version_arn: None,
                state_machine_alias_arn: None,
                redrive_count: None,
                redrive_date: None,
            })
            .collect();
        let (executions, next_token) = page(&all, input.max_results, input.next_token.as_deref())?;
        Ok(ListExecutionsOutput { executions, next_token })
    }

    async fn stop_execution(
        &self,
        _: RequestContext,
        input: StopExecutionInput,
    ) -> Result<StopExecutionOutput, ApiError> {
        let mut d = self.data.lock().unwrap();
        let now = d.tick();
        let e = d
            .executions
            .iter_mut()
            .find(|e| e.arn == input.execution_arn)
            .ok_or_else(|| ApiError::execution_does_not_exist(&input.execution_arn))?;
        if e.status == ExecutionStatus::Running {
            e.status = ExecutionStatus::Aborted;
            e.stop = Some(now);
        }
        Ok(StopExecutionOutput {
            stop_date: e.stop.unwrap_or(now),
        })
    }

    async fn get_execution_history(
        &self,
        _: RequestContext,
        input: GetExecutionHistoryInput,
    ) -> Result<GetExecutionHistoryOutput, ApiError> {
        let d = self.data.lock().unwrap();
        let e = d
            .executions
            .iter()
            .find(|e| e.arn == input.execution_arn)
            .ok_or_else(|| ApiError::execution_does_not_exist(&input.execution_arn))?;
        let event = |id: i64, ty: &str, ts: Timestamp, key: &str, details: Value| {
            let mut map = Map::new();
            map.insert(key.into(), details);
            HistoryEvent {
                timestamp: ts,
                r#type: ty.into(),
                id,
                previous_event_id: Some(id - 1),
                details: map,
            }
        };
        let mut events = vec![
            event(
                1,
                "ExecutionStarted",
                e.start,
                "executionStartedEventDetails",
                json!({"input": e.input, "inputDetails": {"truncated": false}, "roleArn": "arn:aws:iam::123456789012:role/r"}),
            ),
            event(
                2,
                "ExecutionSucceeded",
                e.stop.unwrap_or(e.start),
                "executionSucceededEventDetails",
                json!({"output": e.input, "outputDetails": {"truncated": false}}),
            ),
        ];
        events[0].previous_event_id = Some(0);
        if input.reverse_order == Some(true) {
            events.reverse();
        }
        let (events, next_token) = page(&events, input.max_results, input.next_token.as_deref())?;
        Ok(GetExecutionHistoryOutput { events, next_token })
    }

    async fn redrive_execution(
        &self,
        _: RequestContext,
        input: RedriveExecutionInput,
    ) -> Result<RedriveExecutionOutput, ApiError> {
        let d = self.data.lock().unwrap();
        if !d.executions.iter().any(|e| e.arn == input.execution_arn) {
            return Err(ApiError::execution_does_not_exist(&input.execution_arn));
        }
        Err(ApiError::ExecutionNotRedrivable(format!(
            "Execution is SUCCEEDED and cannot be redriven: '{}'",
            input.execution_arn
        )))
    }

    async fn publish_state_machine_version(
        &self,
        _: RequestContext,
        input: PublishStateMachineVersionInput,
    ) -> Result<PublishStateMachineVersionOutput, ApiError> {
        let mut d = self.data.lock().unwrap();
        let now = d.tick();
        let m = d
            .machines
            .get_mut(&input.state_machine_arn)
            .ok_or_else(|| ApiError::state_machine_does_not_exist(&input.state_machine_arn))?;
        let arn = format!("{}:{}", m.arn, m.versions.len() + 1);
        m.versions.push((arn.clone(), now));
        Ok(PublishStateMachineVersionOutput {
            creation_date: now,
            state_machine_version_arn: arn,
        })
    }

    async fn list_state_machine_versions(
        &self,
        _: RequestContext,
        input: ListStateMachineVersionsInput,
    ) -> Result<ListStateMachineVersionsOutput, ApiError> {
        let d = self.data.lock().unwrap();
        let m = self.machine_of(&d, &input.state_machine_arn)?;
        let all: Vec<StateMachineVersionListItem> = m
            .versions
            .iter()
            .rev()
            .map(|(arn, ts)| StateMachineVersionListItem {
                state_machine_version_arn: arn.clone(),
                creation_date: *ts,
            })
            .collect();
        let (state_machine_versions, next_token) = page(&all, input.max_results, input.next_token.as_deref())?;
        Ok(ListStateMachineVersionsOutput {
            state_machine_versions,
            next_token,
        })
    }

    async fn delete_state_machine_version(
        &self,
        _: RequestContext,
        input: DeleteStateMachineVersionInput,
    ) -> Result<DeleteStateMachineVersionOutput, ApiError> {
        let mut d = self.data.lock().unwrap();
        for m in d.machines.values_mut() {
            m.versions.retain(|(arn, _)| *arn != input.state_machine_version_arn);
        }
        Ok(DeleteStateMachineVersionOutput {})
    }

    async fn create_state_machine_alias(
        &self,
        _: RequestContext,
        input: CreateStateMachineAliasInput,
    ) -> Result<CreateStateMachineAliasOutput, ApiError> {
        let mut d = self.data.lock().unwrap();
        let version = arn::parse_state_machine(&input.routing_configuration[0].state_machine_version_arn, false)?;
        if !matches!(version.qualifier, Some(Qualifier::Version(_))) {
            return Err(ApiError::resource_not_found(None));
        }
        let alias_arn = format!("{}:{}", version.unqualified(), input.name);
        let now = d.tick();
        d.aliases.insert(
            alias_arn.clone(),
            DescribeStateMachineAliasOutput {
                state_machine_alias_arn: Some(alias_arn.clone()),
                name: Some(input.name),
                description: input.description,
                routing_configuration: Some(input.routing_configuration),
                creation_date: Some(now),
                update_date: Some(now),
            },
        );
        Ok(CreateStateMachineAliasOutput {
            state_machine_alias_arn: alias_arn,
            creation_date: now,
        })
    }

    async fn describe_state_machine_alias(
        &self,
        _: RequestContext,
        input: DescribeStateMachineAliasInput,
    ) -> Result<DescribeStateMachineAliasOutput, ApiError> {
        let d = self.data.lock().unwrap();
        d.aliases
            .get(&input.state_machine_alias_arn)
            .cloned()
            .ok_or_else(|| ApiError::resource_not_found(Some(&input.state_machine_alias_arn)))
    }

    async fn update_state_machine_alias(
        &self,
        _: RequestContext,
        input: UpdateStateMachineAliasInput,
    ) -> Result<UpdateStateMachineAliasOutput, ApiError> {
        let mut d = self.data.lock().unwrap();
        let now = d.tick();
        let a = d
            .aliases
            .get_mut(&input.state_machine_alias_arn)
            .ok_or_else(|| ApiError::resource_not_found(None))?;
        if let Some(desc) = input.description {
            a.description = Some(desc);
        }
        if let Some(rc) = input.routing_configuration {
            a.routing_configuration = Some(rc);
        }
        a.update_date = Some(now);
        Ok(UpdateStateMachineAliasOutput { update_date: now })
    }

    async fn delete_state_machine_alias(
        &self,
        _: RequestContext,
        input: DeleteStateMachineAliasInput,
    ) -> Result<DeleteStateMachineAliasOutput, ApiError> {
        self.data.lock().unwrap().aliases.remove(&input.state_machine_alias_arn);
        Ok(DeleteStateMachineAliasOutput {})
    }

    async fn list_state_machine_aliases(
        &self,
        _: RequestContext,
        input: ListStateMachineAliasesInput,
    ) -> Result<ListStateMachineAliasesOutput, ApiError> {
        let d = self.data.lock().unwrap();
        let m = self.machine_of(&d, &input.state_machine_arn)?;
        let all: Vec<StateMachineAliasListItem> = d
            .aliases
            .iter()
            .filter(|(arn, _)| arn.starts_with(&format!("{}:", m.arn)))
            .map(|(arn, a)| StateMachineAliasListItem {
                state_machine_alias_arn: arn.clone(),
                creation_date: a.creation_date.unwrap_or_default(),
            })
            .collect();
        let (state_machine_aliases, next_token) = page(&all, input.max_results, input.next_token.as_deref())?;
        Ok(ListStateMachineAliasesOutput {
            state_machine_aliases,
            next_token,
        })
    }

    async fn tag_resource(&self, _: RequestContext, input: TagResourceInput) -> Result<TagResourceOutput, ApiError> {
        let mut d = self.data.lock().unwrap();
        if !d.machines.contains_key(&input.resource_arn) {
            return Err(ApiError::resource_not_found(Some(&input.resource_arn)));
        }
        let tags = d.tags.entry(input.resource_arn).or_default();
        for t in input.tags {
            tags.retain(|old| old.key != t.key);
            tags.push(t);
        }
        if tags.len() > 50 {
            return Err(ApiError::TooManyTags {
                message: "Too many tags".into(),
                resource_name: None,
            });
        }
        Ok(TagResourceOutput {})
    }

    async fn untag_resource(
        &self,
        _: RequestContext,
        input: UntagResourceInput,
    ) -> Result<UntagResourceOutput, ApiError> {
        let mut d = self.data.lock().unwrap();
        if let Some(tags) = d.tags.get_mut(&input.resource_arn) {
            tags.retain(|t| !input.tag_keys.iter().any(|k| t.key.as_deref() == Some(k.as_str())));
        }
        Ok(UntagResourceOutput {})
    }

    async fn list_tags_for_resource(
        &self,
        _: RequestContext,
        input: ListTagsForResourceInput,
    ) -> Result<ListTagsForResourceOutput, ApiError> {
        let d = self.data.lock().unwrap();
        if !d.machines.contains_key(&input.resource_arn) {
            return Err(ApiError::resource_not_found(Some(&input.resource_arn)));
        }
        Ok(ListTagsForResourceOutput {
            tags: Some(d.tags.get(&input.resource_arn).cloned().unwrap_or_default()),
        })
    }
}

pub fn app() -> axum::Router {
    server::router(Arc::new(MemoryBackend::default()), ServerConfig::default())
}

/// Binds the test backend's router to 127.0.0.1:0 and serves it in the background.
pub async fn spawn() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server::serve(listener, app()));
    addr
}
