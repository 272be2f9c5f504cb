//! Amazon States Language: everything about a definition that needs no I/O.
//!
//! - [`path`]: JSONPath as Step Functions evaluates it (reference paths and full paths).
//! - [`intrinsics`]: the `States.*` intrinsic functions, parsed once and evaluated on demand.
//! - [`jsonata`]: JSONata expressions and templates (`QueryLanguage: "JSONata"`).
//! - [`definition`]: the typed model of a definition, parsed and validated as AWS does.
//! - [`template`]: payload templates (`Parameters`, `ResultSelector`, `ItemSelector`).
//! - [`choice`]: Choice rules (comparison operators, `And`/`Or`/`Not`).
//! - [`timestamp`]: RFC 3339 timestamps as Step Functions parses and prints them.
//! - [`env`]: what an expression can see at run time (state input, context object, variables).
//! - [`rng`]: the seeded random stream every draw comes from, and UUIDs made from it.
//! - [`error`]: definition diagnostics and run-time `States.*` errors.
//!
//! Nothing in this crate touches the clock, the disk, the network or a thread; callers inject
//! what they need (randomness, the current time) through [`env::Scope`].

// Replay must reproduce the same commands and events: iterating a hash-ordered collection
// could reorder them between runs (crates/tidy checks the rest of the pure-core rules).
#![deny(clippy::iter_over_hash_type)]

pub mod choice;
mod codec;
pub mod definition;
pub mod env;
pub mod error;
pub mod intrinsics;
pub mod jsonata;
pub mod path;
pub mod rng;
pub mod template;
pub mod timestamp;

pub use definition::StateMachine;
pub use env::{Env, Scope};
pub use error::{Diagnostic, StatesError};
pub use path::{Path, PathError, Root};
