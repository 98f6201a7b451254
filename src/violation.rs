//! The violation: what every rule returns and every later stage consumes.

use serde::{Deserialize, Serialize};

use crate::files::FileId;
use crate::span::Span;

#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[default]
    Error,
    /// Reported, never fails the gate.
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The configured rule instance's name (`api-no-db-writes`).
    pub rule: String,
    /// The rule kind (`db-write`).
    pub kind: &'static str,
    /// The analysed file it is in; `None` for one read back from a baseline
    /// or about a folder.
    pub file: Option<FileId>,
    /// Relative to the project root, `/`-separated.
    pub path: String,
    pub span: Span,
    /// Enclosing definition, dotted, or `<module>`.
    pub scope: String,
    /// What the violation is about, stable under unrelated edits.
    pub subject: String,
    pub message: String,
    pub severity: Severity,
}

/// The part of a violation that a baseline remembers: line numbers are left
/// out so that edits above a violation do not make it new.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Identity {
    pub path: String,
    pub rule: String,
    pub scope: String,
    pub subject: String,
}

impl Violation {
    pub fn identity(&self) -> Identity {
        Identity {
            path: self.path.clone(),
            rule: self.rule.clone(),
            scope: self.scope.clone(),
            subject: self.subject.clone(),
        }
    }

    /// [`Violation::identity`] borrowed, ordered as `Identity` is.
    pub fn identity_key(&self) -> (&str, &str, &str, &str) {
        (&self.path, &self.rule, &self.scope, &self.subject)
    }

    /// The order of every report: by file, then position, then rule.
    pub fn sort_key(&self) -> (&str, crate::span::Span, &str, &str) {
        (&self.path, self.span, &self.rule, &self.subject)
    }
}
