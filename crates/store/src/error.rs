//! What can go wrong in a store, typed so that a caller can tell a name already taken from
//! a database that is busy right now (retry) or one that holds damaged data (do not).

use thiserror::Error;

/// The underlying failure (a SQLite error, a JSON error…), kept as the error's source.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, Error)]
pub enum StoreError {
    /// A record with the same key exists (state machine name, execution name, alias name…).
    #[error("already exists: {0}")]
    AlreadyExists(String),
    /// No record with that key.
    #[error("not found: {0}")]
    NotFound(String),
    /// The write contradicts what is stored (a constraint other than the key's): the same
    /// write fails again.
    #[error("conflict: {what}{}", source_text(source))]
    Conflict {
        what: String,
        #[source]
        source: Option<BoxError>,
    },
    /// The database cannot serve the request now (locked past the busy timeout, an I/O
    /// failure, a full disk, the writer thread gone): the same request may succeed later.
    #[error("storage unavailable: {what}{}", source_text(source))]
    Unavailable {
        what: String,
        #[source]
        source: Option<BoxError>,
    },
    /// Stored data that does not read back (JSON that does not parse, an unknown status),
    /// a damaged file, or a file that is not a Stepwise database this build can open.
    #[error("stored data is not usable: {what}{}", source_text(source))]
    Corrupt {
        what: String,
        #[source]
        source: Option<BoxError>,
    },
    /// The caller's data cannot be stored as given (a number out of range, JSON that does
    /// not serialize).
    #[error("cannot store {what}{}", source_text(source))]
    Invalid {
        what: String,
        #[source]
        source: Option<BoxError>,
    },
    /// A fault inside the store (a request that panicked, SQL the database rejects): a bug.
    #[error("store failure: {what}{}", source_text(source))]
    Internal {
        what: String,
        #[source]
        source: Option<BoxError>,
    },
}

/// Callers mostly show an error's text alone, so the text names its source too.
fn source_text(source: &Option<BoxError>) -> String {
    source.as_ref().map(|s| format!(": {s}")).unwrap_or_default()
}

impl StoreError {
    pub fn conflict(what: impl Into<String>, source: impl Into<BoxError>) -> StoreError {
        StoreError::Conflict {
            what: what.into(),
            source: Some(source.into()),
        }
    }

    pub fn unavailable(what: impl Into<String>, source: Option<BoxError>) -> StoreError {
        StoreError::Unavailable {
            what: what.into(),
            source,
        }
    }

    pub fn corrupt(what: impl Into<String>, source: Option<BoxError>) -> StoreError {
        StoreError::Corrupt {
            what: what.into(),
            source,
        }
    }

    pub fn invalid(what: impl Into<String>, source: Option<BoxError>) -> StoreError {
        StoreError::Invalid {
            what: what.into(),
            source,
        }
    }

    pub fn internal(what: impl Into<String>, source: Option<BoxError>) -> StoreError {
        StoreError::Internal {
            what: what.into(),
            source,
        }
    }

    /// True when the same request may succeed if tried again later.
    pub fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Unavailable { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_names_the_source_and_the_source_is_kept() {
        let json = serde_json::from_str::<serde_json::Value>("{").unwrap_err();
        let e = StoreError::corrupt("journal entry 3", Some(Box::new(json)));
        assert!(
            e.to_string()
                .starts_with("stored data is not usable: journal entry 3: EOF")
        );
        assert!(std::error::Error::source(&e).is_some());
        assert!(!e.is_retryable());
        assert!(StoreError::unavailable("the writer thread has stopped", None).is_retryable());
    }
}
