//! A backend for tests of the router alone: every action answers `ServiceUnavailable`,
//! naming the method it reached and the caller's region and account.

#![allow(dead_code)]

use server::types::*;
use server::{ApiError, RequestContext, ServerConfig, StepFunctions};

/// Answers every action with `ServiceUnavailable: <method> reached the backend (<region>,
/// <account>)`.
pub struct Refuser;

macro_rules! refuse_all {
    ($( $(#[$doc:meta])* $method:ident($input:ty) -> $output:ty; )*) => {
        impl StepFunctions for Refuser {
            $(
                async fn $method(&self, ctx: RequestContext, _input: $input) -> Result<$output, ApiError> {
                    Err(ApiError::ServiceUnavailable(format!(
                        "{} reached the backend ({}, {})",
                        stringify!($method),
                        ctx.region,
                        ctx.account_id
                    )))
                }
            )*
        }
    };
}

server::for_each_action!(refuse_all);

pub fn app() -> axum::Router {
    server::router(std::sync::Arc::new(Refuser), ServerConfig::default())
}
