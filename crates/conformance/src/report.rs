//! Accumulating per-case results and printing the summary.

use std::fmt;

/// The result of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    /// Failed, with a (possibly multi-line) message.
    Fail(String),
}

/// One case's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseResult {
    pub name: String,
    pub outcome: Outcome,
}

/// Per-case results in the order they were recorded.
#[derive(Debug, Clone, Default)]
pub struct Report {
    results: Vec<CaseResult>,
}

impl Report {
    pub fn new() -> Report {
        Report::default()
    }

    pub fn pass(&mut self, name: impl Into<String>) {
        self.results.push(CaseResult {
            name: name.into(),
            outcome: Outcome::Pass,
        });
    }

    pub fn fail(&mut self, name: impl Into<String>, message: impl Into<String>) {
        self.results.push(CaseResult {
            name: name.into(),
            outcome: Outcome::Fail(message.into()),
        });
    }

    /// Records `Ok` as a pass and `Err(e)` as a failure with `e`'s text.
    pub fn record<E: fmt::Display>(&mut self, name: impl Into<String>, result: Result<(), E>) {
        match result {
            Ok(()) => self.pass(name),
            Err(e) => self.fail(name, e.to_string()),
        }
    }

    pub fn results(&self) -> &[CaseResult] {
        &self.results
    }

    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| r.outcome == Outcome::Pass).count()
    }

    pub fn failed(&self) -> usize {
        self.results.len() - self.passed()
    }

    /// True when no case failed.
    pub fn all_passed(&self) -> bool {
        self.failed() == 0
    }

    /// The failing cases.
    pub fn failures(&self) -> impl Iterator<Item = (&str, &str)> {
        self.results.iter().filter_map(|r| match &r.outcome {
            Outcome::Fail(m) => Some((r.name.as_str(), m.as_str())),
            Outcome::Pass => None,
        })
    }

    /// The closing line, exactly `N passed, M failed`.
    pub fn summary_line(&self) -> String {
        format!("{} passed, {} failed", self.passed(), self.failed())
    }

    /// Lines for one failing case: `FAIL <name>` and the message indented by four spaces.
    pub fn render_failure(name: &str, message: &str) -> String {
        let mut out = format!("FAIL {name}\n");
        for line in message.lines() {
            out.push_str("    ");
            out.push_str(line);
            out.push('\n');
        }
        out
    }
}

impl fmt::Display for Report {
    /// Every failing case with its message, then the summary line (no trailing newline).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, message) in self.failures() {
            f.write_str(&Report::render_failure(name, message))?;
        }
        f.write_str(&self.summary_line())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_and_rendering() {
        let mut r = Report::new();
        assert_eq!(r.summary_line(), "0 passed, 0 failed");
        r.pass("a");
        r.fail("b", "/output: expected 1, got 2\n/x: missing, expected 3");
        r.record::<String>("c", Ok(()));
        r.record("d", Err("boom"));
        assert_eq!(r.passed(), 2);
        assert_eq!(r.failed(), 2);
        assert!(!r.all_passed());
        assert_eq!(r.summary_line(), "2 passed, 2 failed");
        assert_eq!(
            r.to_string(),
            "FAIL b\n    /output: expected 1, got 2\n    /x: missing, expected 3\n\
             FAIL d\n    boom\n2 passed, 2 failed"
        );
    }
}
