//! ## What it does
//! Reports a file that Python cannot parse or decode, with the parser's
//! message and location. Always on. A file is decoded as UTF-8, or in the
//! encoding its `# -*- coding: ... -*-` declaration names, as CPython does.
//! A file nested deeper than CPython accepts, or of more than 100 MiB, is
//! one finding; past 10 parser errors in one file, one more finding counts
//! the rest.
//!
//! ## Why is this bad
//! A file that does not parse cannot be imported, and its imports cannot be
//! fully checked. gate does not abort: the imports and calls the parser
//! recovered from the rest of the file are still checked by every rule.
//!
//! ## Example
//! ```python
//! # app/api/broken.py
//! from app.models import User
//! def create(:                      # reported: syntax-error
//! ```
//!
//! ## Options
//! None: the rule is always on and cannot be configured. Like any rule it can
//! be ignored on a line with `# gate: ignore[syntax-error]`, or accepted in
//! the baseline.

use crate::facts::{FactSet, MODULE_SCOPE};
use crate::rules::Context;
use crate::rules::RuleKind;
use crate::violation::{Severity, Violation};

pub const NAME: &str = "syntax-error";

/// The `syntax-error` rule kind: always on, no options.
pub struct SyntaxError;

impl RuleKind for SyntaxError {
    fn name(&self) -> &'static str {
        NAME
    }

    fn facts(&self) -> FactSet {
        FactSet::BASE
    }

    fn source(&self) -> &'static str {
        include_str!("syntax_error.rs")
    }

    fn keys(&self) -> &'static [&'static str] {
        &[]
    }

    fn always_on(&self) -> bool {
        true
    }
}

pub fn check(context: &Context<'_>) -> Vec<Violation> {
    let mut violations = Vec::new();
    for (index, file, facts) in context.files.iter() {
        for error in &facts.syntax_errors {
            violations.push(Violation {
                rule: NAME.to_string(),
                kind: NAME,
                file: Some(index),
                path: file.path.clone(),
                span: error.span,
                scope: MODULE_SCOPE.to_string(),
                subject: error.message.clone(),
                message: format!("syntax error: {}", error.message),
                severity: Severity::Error,
            });
        }
    }
    violations
}
