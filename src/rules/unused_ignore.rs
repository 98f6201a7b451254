//! ## What it does
//! Reports a `# gate: ignore[...]` comment that suppresses nothing: a rule
//! name with no violation of that rule on the comment's line (or, for a
//! comment alone on its line, on the next line), a name that is not a rule,
//! and a bare `# gate: ignore` without names. Always on.
//!
//! ## Why is this bad
//! An ignore outlives the violation it was written for. Left in place, it
//! silently waves through the next violation that lands on that line. A bare
//! ignore would hide every rule at once, so gate requires the names.
//!
//! ## Example
//! ```python
//! from app.models import User  # gate: ignore[layers]     fine while the import breaks `layers`
//! import json  # gate: ignore[layers]                      reported: nothing to suppress
//! import os  # gate: ignore                                reported: name the rule
//! ```
//!
//! ## Options
//! None: the rule is always on. Remove the comment, or name the rule it is
//! meant for (`# gate: ignore[layers, no-legacy]`).

use crate::facts::{FactSet, IgnoreComment, MODULE_SCOPE};
use crate::files::FileId;
use crate::rules::RuleKind;
use crate::violation::{Severity, Violation};

pub const NAME: &str = "unused-ignore";

/// The `unused-ignore` rule kind: always on, no options.
pub struct UnusedIgnore;

impl RuleKind for UnusedIgnore {
    fn name(&self) -> &'static str {
        NAME
    }

    fn facts(&self) -> FactSet {
        FactSet::BASE
    }

    fn source(&self) -> &'static str {
        include_str!("unused_ignore.rs")
    }

    fn keys(&self) -> &'static [&'static str] {
        &[]
    }

    fn always_on(&self) -> bool {
        true
    }
}

/// A violation for one unused name of `comment` (`None`: a bare ignore) in
/// `file`, at `path`.
pub fn violation(
    file: FileId,
    path: &str,
    comment: &IgnoreComment,
    name: Option<&str>,
    hint: &str,
) -> Violation {
    let (subject, message) = match name {
        Some(name) => (
            name.to_string(),
            format!("`# gate: ignore[{name}]` suppresses nothing{hint}"),
        ),
        None => (
            "gate: ignore".to_string(),
            "bare `# gate: ignore` suppresses nothing: name the rules, e.g. `# gate: ignore[layers]`"
                .to_string(),
        ),
    };
    Violation {
        rule: NAME.to_string(),
        kind: NAME,
        file: Some(file),
        path: path.to_string(),
        span: comment.span,
        scope: MODULE_SCOPE.to_string(),
        subject,
        message,
        severity: Severity::Error,
    }
}
