//! The warm pools and the concurrency books: idle instances by (function, version,
//! revision); busy ones counted per function (reserved concurrency is a function's, across
//! its versions, as on AWS) and all instances against the global limit.
//!
//! Everything here runs under one lock and never waits; instances leaving the books are
//! handed back to the caller to drop (kill, remove their directory) after the lock.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::instance::Instance;
use crate::spec::FunctionSpec;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PoolKey {
    pub function_arn: String,
    pub version: String,
    pub revision: String,
}

impl PoolKey {
    pub fn of(spec: &FunctionSpec) -> PoolKey {
        PoolKey {
            function_arn: spec.function_arn.clone(),
            version: spec.version.clone(),
            revision: spec.revision.clone(),
        }
    }
}

/// What [`Pools::acquire`] gave.
pub enum Acquired {
    /// A warm instance of this revision.
    Warm(Box<Instance>),
    /// A slot for a new instance (counted as alive and busy already).
    Cold,
}

/// Why [`Pools::acquire`] gave nothing.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    TooMany,
    ShuttingDown,
}

#[derive(Default)]
pub struct Pools {
    idle: HashMap<PoolKey, Vec<Instance>>,
    busy: HashMap<String, usize>,
    alive: usize,
    generation: HashMap<String, u64>,
    pub shutting_down: bool,
}

impl Pools {
    /// The function's retire count: an instance started before a retire is not kept.
    pub fn generation(&self, function_arn: &str) -> u64 {
        self.generation.get(function_arn).copied().unwrap_or(0)
    }

    /// Refused while shutting down, or when the function's reserved concurrency is in use.
    fn admit(&self, spec: &FunctionSpec) -> Result<(), Refused> {
        if self.shutting_down {
            return Err(Refused::ShuttingDown);
        }
        let busy = self.busy.get(&spec.function_arn).copied().unwrap_or(0);
        if spec.reserved_concurrency.is_some_and(|r| busy >= r as usize) {
            return Err(Refused::TooMany);
        }
        Ok(())
    }

    /// Takes a warm instance or a slot for a new one; instances to drop go to `dropped`.
    pub fn acquire(
        &mut self,
        spec: &FunctionSpec,
        max_instances: usize,
        dropped: &mut Vec<Instance>,
    ) -> Result<Acquired, Refused> {
        self.admit(spec)?;
        let key = PoolKey::of(spec);
        // Idle instances of this version's older revisions will never be used again.
        let stale: Vec<PoolKey> = self
            .idle
            .keys()
            .filter(|k| k.function_arn == key.function_arn && k.version == key.version && k.revision != key.revision)
            .cloned()
            .collect();
        for k in stale {
            if let Some(list) = self.idle.remove(&k) {
                self.alive -= list.len();
                dropped.extend(list);
            }
        }
        if let Some(instance) = self.idle.get_mut(&key).and_then(Vec::pop) {
            *self.busy.entry(spec.function_arn.clone()).or_default() += 1;
            return Ok(Acquired::Warm(Box::new(instance)));
        }
        self.reserve(spec, max_instances, dropped)
    }

    /// A slot for a new instance even when one is idle (pre-warming), within the limits.
    pub fn reserve(
        &mut self,
        spec: &FunctionSpec,
        max_instances: usize,
        dropped: &mut Vec<Instance>,
    ) -> Result<Acquired, Refused> {
        self.admit(spec)?;
        if self.alive >= max_instances {
            // Make room by stopping the instance idle the longest, of any function.
            let oldest = self
                .idle
                .iter()
                .flat_map(|(k, list)| list.iter().enumerate().map(move |(i, inst)| (inst.last_used, k, i)))
                .min_by_key(|(at, _, _)| *at)
                .map(|(_, k, i)| (k.clone(), i));
            match oldest {
                Some((k, i)) => {
                    let list = self.idle.get_mut(&k).expect("key just seen");
                    dropped.push(list.remove(i));
                    if list.is_empty() {
                        self.idle.remove(&k);
                    }
                    self.alive -= 1;
                }
                None => return Err(Refused::TooMany),
            }
        }
        self.alive += 1;
        *self.busy.entry(spec.function_arn.clone()).or_default() += 1;
        Ok(Acquired::Cold)
    }

    /// An invocation ended: the instance goes back to its pool when it can serve again,
    /// its function was not retired meanwhile and the runner is not stopping.
    pub fn release(&mut self, key: &PoolKey, generation: u64, instance: Option<Instance>, dropped: &mut Vec<Instance>) {
        if let Some(n) = self.busy.get_mut(&key.function_arn) {
            *n -= 1;
            if *n == 0 {
                self.busy.remove(&key.function_arn);
            }
        }
        match instance {
            Some(i) if !self.shutting_down && generation == self.generation(&key.function_arn) => {
                self.idle.entry(key.clone()).or_default().push(i);
            }
            other => {
                self.alive -= 1;
                dropped.extend(other);
            }
        }
    }

    /// Drops every idle instance of a function; busy ones are dropped when they end.
    pub fn retire(&mut self, function_arn: &str, dropped: &mut Vec<Instance>) {
        *self.generation.entry(function_arn.to_string()).or_default() += 1;
        let keys: Vec<PoolKey> = self
            .idle
            .keys()
            .filter(|k| k.function_arn == function_arn)
            .cloned()
            .collect();
        for k in keys {
            if let Some(list) = self.idle.remove(&k) {
                self.alive -= list.len();
                dropped.extend(list);
            }
        }
    }

    /// Instances idle for `idle_timeout` or longer.
    pub fn reap(&mut self, idle_timeout: Duration, now: Instant, dropped: &mut Vec<Instance>) {
        for list in self.idle.values_mut() {
            let mut i = 0;
            while i < list.len() {
                if now.duration_since(list[i].last_used) >= idle_timeout {
                    dropped.push(list.remove(i));
                    self.alive -= 1;
                } else {
                    i += 1;
                }
            }
        }
        self.idle.retain(|_, list| !list.is_empty());
    }

    pub fn drain(&mut self, dropped: &mut Vec<Instance>) {
        for (_, list) in self.idle.drain() {
            self.alive -= list.len();
            dropped.extend(list);
        }
    }

    pub fn stats(&self) -> PoolStats {
        PoolStats {
            alive: self.alive,
            idle: self.idle.values().map(Vec::len).sum(),
            busy: self.busy.values().sum(),
        }
    }

    /// Idle plus busy instances of one function.
    pub fn function_instances(&self, function_arn: &str) -> usize {
        let idle: usize = self
            .idle
            .iter()
            .filter(|(k, _)| k.function_arn == function_arn)
            .map(|(_, l)| l.len())
            .sum();
        idle + self.busy.get(function_arn).copied().unwrap_or(0)
    }
}

/// Counts for tests, benchmarks and the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Every instance alive or starting.
    pub alive: usize,
    pub idle: usize,
    pub busy: usize,
}
