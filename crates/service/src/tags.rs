//! Tags on state machines and aliases (and activities, later).

use server::ApiError;
use server::arn;
use server::types::*;

use crate::Service;
use crate::convert::{from_store_tags, to_store_tags};

/// Tags live on state machines and aliases: the resource must exist (ResourceNotFound).
async fn check_taggable(svc: &Service, arn: &str) -> Result<(), ApiError> {
    let owned = arn.to_string();
    let exists = match arn::parse_state_machine(arn, false) {
        Ok(p) if p.qualifier.is_none() => svc.db(move |s| s.get_state_machine(&owned)).await?.is_some(),
        Ok(_) => svc.db(move |s| s.get_alias(&owned)).await?.is_some(),
        Err(_) => false,
    };
    if exists {
        Ok(())
    } else {
        Err(ApiError::resource_not_found(Some(arn)))
    }
}

pub(crate) async fn tag(svc: &Service, input: TagResourceInput) -> Result<TagResourceOutput, ApiError> {
    check_taggable(svc, &input.resource_arn).await?;
    let tags = to_store_tags(&input.tags);
    let arn_owned = input.resource_arn.clone();
    svc.db(move |s| s.tag_resource(&arn_owned, &tags)).await?;
    Ok(TagResourceOutput {})
}

pub(crate) async fn untag(svc: &Service, input: UntagResourceInput) -> Result<UntagResourceOutput, ApiError> {
    check_taggable(svc, &input.resource_arn).await?;
    let arn_owned = input.resource_arn.clone();
    let keys = input.tag_keys.clone();
    svc.db(move |s| s.untag_resource(&arn_owned, &keys)).await?;
    Ok(UntagResourceOutput {})
}

pub(crate) async fn list(
    svc: &Service,
    input: ListTagsForResourceInput,
) -> Result<ListTagsForResourceOutput, ApiError> {
    check_taggable(svc, &input.resource_arn).await?;
    let arn_owned = input.resource_arn.clone();
    let tags = svc.db(move |s| s.list_tags(&arn_owned)).await?;
    Ok(ListTagsForResourceOutput {
        tags: Some(from_store_tags(tags)),
    })
}
