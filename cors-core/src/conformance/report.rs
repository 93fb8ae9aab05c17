//! The outcome of a run.

use std::fmt;

use super::case::{Case, Level};
use super::raw::{RawRequest, RawResponse};

/// The outcome of one case.
#[derive(Clone, Debug)]
pub struct CaseResult {
    /// The case's name.
    pub name: String,
    /// Must or should.
    pub level: Level,
    /// What failed, in words; empty when it passed.
    pub failures: Vec<String>,
    /// The request sent.
    pub request: RawRequest,
    /// The answer, when there was one.
    pub response: Option<RawResponse>,
}

impl CaseResult {
    /// A result for `case`.
    pub fn new(case: &Case, failures: Vec<String>, response: Option<RawResponse>) -> Self {
        CaseResult { name: case.name.clone(), level: case.level, failures, request: case.request.clone(), response }
    }

    /// Whether the case passed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Every case's outcome.
#[derive(Clone, Debug)]
pub struct Report {
    /// In case order.
    pub results: Vec<CaseResult>,
}

impl Report {
    /// Wraps results.
    pub fn new(results: Vec<CaseResult>) -> Self {
        Report { results }
    }

    /// Cases that failed.
    pub fn failed(&self) -> impl Iterator<Item = &CaseResult> {
        self.results.iter().filter(|r| !r.passed())
    }

    /// Panics with every failure (request, response and reasons) unless all cases passed.
    pub fn assert_passed(&self) {
        assert!(self.failed().next().is_none(), "{self}");
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for r in self.failed() {
            writeln!(f, "FAIL {} ({:?})", r.name, r.level)?;
            for reason in &r.failures {
                writeln!(f, "  - {reason}")?;
            }
            writeln!(f, "  request:\n{:?}", r.request)?;
            if let Some(resp) = &r.response {
                writeln!(f, "  response:\n{resp:?}")?;
            }
        }
        let failed = self.failed().count();
        write!(f, "{} passed, {failed} failed", self.results.len() - failed)
    }
}
