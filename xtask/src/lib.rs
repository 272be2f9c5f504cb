//! The library half of `xtask`, so that tests can run the generators in memory.

pub mod codegen;
