//! Requests and responses of the Step Functions API, member for member as in the service
//! model (botocore's `stepfunctions/2016-11-23/service-2.json`). Member names are the wire
//! names; optional members are `Option`s and are left out of the JSON when `None`.
//!
//! The structures and enums are generated from the model (`crate::generated::types`, by
//! `cargo run -p xtask -- codegen`); what is not a model fact is written here by hand:
//! [`Timestamp`]'s wire form, [`HistoryEvent`]'s details, the [`aws_enum!`] helpers.
//!
//! Timestamps are [`Timestamp`]s: milliseconds since the epoch, sent as epoch seconds with a
//! fractional part (a JSON number), which is what AWS JSON 1.0 clients expect.

mod aws_enum;
mod history;
mod timestamp;

pub(crate) use aws_enum::aws_enum;
pub use history::HistoryEvent;
pub use timestamp::Timestamp;

pub use crate::generated::types::*;

#[cfg(test)]
mod tests;
