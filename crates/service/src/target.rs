//! What an execution runs: a state machine ARN, a version ARN, or an alias ARN (which picks
//! one of its versions by weight), resolved to the definition and role to start.

use runtime::Target;
use server::ApiError;
use server::arn::{self, Qualifier};
use store::{RoutingEntry, StateMachineRecord};

use crate::Service;

/// What a (possibly qualified) state machine ARN runs, and the state machine itself.
pub(crate) async fn resolve(
    svc: &Service,
    parsed: &arn::StateMachineArn,
) -> Result<(Target, StateMachineRecord), ApiError> {
    let sm_arn = parsed.unqualified();
    let sm = svc.state_machine(&sm_arn).await?;
    let shown = parsed.without_test_case();
    let (definition, role_arn, version_arn, alias_arn) = match &parsed.qualifier {
        None => (sm.definition.clone(), sm.role_arn.clone(), None, None),
        Some(Qualifier::Version(_)) => {
            let arn_owned = shown.clone();
            let v = svc
                .db(move |s| s.get_version(&arn_owned))
                .await?
                .ok_or_else(|| ApiError::resource_not_found(Some(&shown)))?;
            (v.definition, v.role_arn, Some(v.arn), None)
        }
        Some(Qualifier::Alias(_)) => {
            let arn_owned = shown.clone();
            let a = svc
                .db(move |s| s.get_alias(&arn_owned))
                .await?
                .ok_or_else(|| ApiError::resource_not_found(Some(&shown)))?;
            let version_arn = pick_version(&a.routing);
            let lookup = version_arn.clone();
            let v = svc
                .db(move |s| s.get_version(&lookup))
                .await?
                .ok_or_else(|| ApiError::resource_not_found(Some(&version_arn)))?;
            (v.definition, v.role_arn, Some(v.arn), Some(a.arn))
        }
    };
    let target = Target {
        state_machine_arn: sm_arn,
        kind: sm.kind,
        definition,
        role_arn,
        version_arn,
        alias_arn,
    };
    Ok((target, sm))
}

/// An alias picks one of its versions with probability proportional to its weight.
fn pick_version(routing: &[RoutingEntry]) -> String {
    pick_with(routing, rand::random_range(0..total_weight(routing)))
}

/// The weights laid end to end (at least 1, so that a routing of zero weights still picks).
fn total_weight(routing: &[RoutingEntry]) -> u32 {
    routing.iter().map(|r| r.weight).sum::<u32>().max(1)
}

/// The version a roll in `0..total_weight` lands on when the weights are laid end to end.
fn pick_with(routing: &[RoutingEntry], roll: u32) -> String {
    let mut roll = roll % total_weight(routing);
    for r in routing {
        if roll < r.weight {
            return r.version_arn.clone();
        }
        roll -= r.weight;
    }
    routing.first().map(|r| r.version_arn.clone()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(v: &str, weight: u32) -> RoutingEntry {
        RoutingEntry {
            version_arn: v.into(),
            weight,
        }
    }

    #[test]
    fn weights_laid_end_to_end() {
        let routing = [entry("v1", 30), entry("v2", 70)];
        assert_eq!(pick_with(&routing, 0), "v1");
        assert_eq!(pick_with(&routing, 29), "v1");
        assert_eq!(pick_with(&routing, 30), "v2");
        assert_eq!(pick_with(&routing, 99), "v2");
        assert_eq!(pick_with(&routing, 100), "v1");
        for _ in 0..100 {
            assert_eq!(pick_version(&[entry("v1", 0), entry("v2", 5)]), "v2");
        }
    }

    #[test]
    fn zero_weights_fall_back_to_the_first() {
        assert_eq!(pick_with(&[entry("v1", 0), entry("v2", 0)], 5), "v1");
        assert_eq!(pick_with(&[], 5), "");
    }
}
