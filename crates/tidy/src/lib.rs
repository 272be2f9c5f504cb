//! Tidy tests in the manner of rust-analyzer's: the house rules that ARCHITECTURE.md states
//! (the dependency table, a pure core without clocks, threads or files, small files, logging
//! through `tracing`) are checked against the tree by the tests in `tests/`, so they stay true
//! as the code grows. This library is empty on purpose.
