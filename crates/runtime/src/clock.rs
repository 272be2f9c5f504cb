//! Time for the runtime (the engine never reads a clock itself).

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, by the system's clock.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Where a runtime reads the time: the system's clock in a server; tokio's clock in tests,
/// where a paused clock lets an hour's Wait pass without waiting and every run of a test
/// sees the same times.
#[derive(Debug, Clone, Copy, Default)]
pub enum Clock {
    #[default]
    System,
    /// `start_ms` at `start`, then advancing with tokio's clock (paused or not).
    Tokio { start_ms: i64, start: tokio::time::Instant },
}

impl Clock {
    /// Tokio's clock, reading `start_ms` now. Call it inside the tokio runtime it is for.
    pub fn tokio_at(start_ms: i64) -> Clock {
        Clock::Tokio {
            start_ms,
            start: tokio::time::Instant::now(),
        }
    }

    /// Milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        match self {
            Clock::System => now_ms(),
            Clock::Tokio { start_ms, start } => {
                start_ms + i64::try_from(start.elapsed().as_millis()).unwrap_or(i64::MAX - start_ms)
            }
        }
    }
}
