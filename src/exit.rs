//! The process's exit code, decided here and nowhere else.

use crate::baseline::{Diff, Status};
use crate::violation::Severity;

/// How a run of gate ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitCode {
    /// No new violations (also: help, version, documentation printed).
    Clean = 0,
    /// New violations of severity error, baseline entries that no longer
    /// occur under `--fail-on-stale`, or new violations that `gate baseline
    /// update` refused to add.
    NewViolations = 1,
    /// A usage, config, baseline or I/O error.
    Error = 2,
}

impl ExitCode {
    /// The exit code of a check: `NewViolations` when a new violation of
    /// severity error exists, or when `fail_on_stale` and the baseline lists
    /// fixed occurrences; else `Clean`. New warnings never fail.
    pub fn of_check(diff: &Diff, fail_on_stale: bool) -> Self {
        let new_error = diff.findings.iter().any(|finding| {
            finding.status == Status::New && finding.violation.severity == Severity::Error
        });
        let stale = fail_on_stale && !diff.fixed.is_empty();
        if new_error || stale {
            ExitCode::NewViolations
        } else {
            ExitCode::Clean
        }
    }

    /// The exit code of `gate baseline update`: `NewViolations` when it left
    /// new violations out of the baseline.
    pub fn of_update(refused: u32) -> Self {
        if refused > 0 {
            ExitCode::NewViolations
        } else {
            ExitCode::Clean
        }
    }

    /// The number handed to the operating system.
    pub fn code(self) -> i32 {
        self as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_documented_numbers() {
        assert_eq!(ExitCode::Clean.code(), 0);
        assert_eq!(ExitCode::NewViolations.code(), 1);
        assert_eq!(ExitCode::Error.code(), 2);
    }

    #[test]
    fn an_update_that_refused_new_violations_fails() {
        assert_eq!(ExitCode::of_update(0), ExitCode::Clean);
        assert_eq!(ExitCode::of_update(2), ExitCode::NewViolations);
    }
}
