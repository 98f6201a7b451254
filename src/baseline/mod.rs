//! Stage 7: the baseline, the committed allow-list of known violations.
//!
//! A baseline entry remembers a violation's identity (rule, path, scope,
//! subject, never a line number) and how many occurrences it allows. `diff`
//! splits a run's violations into new and known and lists what was fixed;
//! `update` is the ratchet that lets the baseline shrink but grow only on
//! request.
//!
//! `format` reads and writes baseline.json, `diff` compares a run with it,
//! `ratchet` updates it and measures what a pull request adds to it.

mod diff;
mod format;
mod ratchet;

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::discover::PathScope;
use crate::violation::{Identity, Violation};

pub use diff::{Diff, Finding, Status, diff};
pub use format::{BaselineError, VERSION, load, parse, save};
pub use ratchet::{UpdateOutcome, growth, update};

/// The allowed violations, sorted by path, rule, scope, subject.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    pub entries: Vec<BaselineEntry>,
}

/// One identity and how many occurrences of it the baseline allows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
// `update` rewrites the file: a field it does not know would be lost silently.
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub rule: String,
    pub path: String,
    pub scope: String,
    pub subject: String,
    pub count: u32,
    /// For readers of the file; not part of the identity.
    pub message: String,
}

impl BaselineEntry {
    /// The identity this entry allows, as `Violation::identity` gives it.
    pub fn identity(&self) -> Identity {
        Identity {
            path: self.path.clone(),
            rule: self.rule.clone(),
            scope: self.scope.clone(),
            subject: self.subject.clone(),
        }
    }

    fn sort_key(&self) -> (&str, &str, &str, &str) {
        (&self.path, &self.rule, &self.scope, &self.subject)
    }
}

/// `path: rule subject in scope (×count)`, one entry of a listing.
impl fmt::Display for BaselineEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} {} in {} (×{})",
            self.path, self.rule, self.subject, self.scope, self.count
        )
    }
}

impl Baseline {
    /// The entries located in `scope`.
    pub fn within(&self, scope: &PathScope) -> Baseline {
        let entries = self
            .entries
            .iter()
            .filter(|entry| scope.contains(&entry.path));
        Baseline {
            entries: entries.cloned().collect(),
        }
    }

    /// One allowance per identity, in identity order, duplicates (a
    /// hand-merged file) adding up; borrowed, as a baseline may hold
    /// thousands of entries.
    fn allowances(&self) -> Vec<Allowance<'_>> {
        let mut entries: Vec<&BaselineEntry> = self.entries.iter().collect();
        entries.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        entries
            .chunk_by(|a, b| a.sort_key() == b.sort_key())
            .map(|same| Allowance {
                entry: same[0],
                count: same
                    .iter()
                    .fold(0, |count: u32, entry| count.saturating_add(entry.count)),
            })
            .collect()
    }

    /// [`Baseline::allowances`] by identity, each as an entry of its own.
    fn allowances_by_identity(&self) -> BTreeMap<Identity, BaselineEntry> {
        self.allowances()
            .into_iter()
            .map(|allowance| (allowance.entry.identity(), allowance.remaining(0)))
            .collect()
    }
}

/// What the baseline allows of one identity: its first entry, and the
/// count of all its entries.
struct Allowance<'a> {
    entry: &'a BaselineEntry,
    count: u32,
}

impl Allowance<'_> {
    /// The entry for the occurrences beyond `found` (none: a count of 0).
    fn remaining(&self, found: u32) -> BaselineEntry {
        BaselineEntry {
            count: self.count.saturating_sub(found),
            ..self.entry.clone()
        }
    }
}

/// A baseline that allows exactly `violations`: one entry per identity with
/// its count and the message of the group's first violation in report order.
pub fn from_violations(violations: &[Violation]) -> Baseline {
    let entries = group_by_identity(violations)
        .into_values()
        .map(|group| {
            let first = group
                .iter()
                .min_by(|a, b| a.sort_key().cmp(&b.sort_key()))
                .expect("a group is never empty");
            BaselineEntry {
                rule: first.rule.clone(),
                path: first.path.clone(),
                scope: first.scope.clone(),
                subject: first.subject.clone(),
                count: occurrences(&group),
                message: first.message.clone(),
            }
        })
        .collect();
    Baseline { entries }
}

/// Groups violations by identity, in identity order, which is the
/// baseline's order.
fn group_by_identity<V: Borrow<Violation>>(
    violations: impl IntoIterator<Item = V>,
) -> BTreeMap<Identity, Vec<V>> {
    let mut groups: BTreeMap<Identity, Vec<V>> = BTreeMap::new();
    for violation in violations {
        groups
            .entry(violation.borrow().identity())
            .or_default()
            .push(violation);
    }
    groups
}

fn occurrences<V>(group: &[V]) -> u32 {
    u32::try_from(group.len()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::{Position, Span};
    use crate::violation::Severity;

    pub(super) fn violation(path: &str, line: u32, scope: &str, subject: &str) -> Violation {
        let start = Position { line, column: 1 };
        Violation {
            rule: "api-no-db-writes".into(),
            kind: "db-write",
            file: None,
            path: path.into(),
            span: Span {
                start,
                end: Position { line, column: 12 },
            },
            scope: scope.into(),
            subject: subject.into(),
            message: format!("{subject}() at line {line}"),
            severity: Severity::Error,
        }
    }

    pub(super) fn guard(line: u32) -> Violation {
        violation("app/api/guard.py", line, "create", "session.add")
    }

    #[test]
    fn from_violations_counts_each_identity_and_keeps_the_first_message() {
        let baseline = from_violations(&[
            guard(30),
            violation("app/api/a.py", 1, "<module>", "session.commit"),
            guard(10),
        ]);
        assert_eq!(baseline.entries.len(), 2);
        assert_eq!(baseline.entries[0].path, "app/api/a.py");
        let guard_entry = &baseline.entries[1];
        assert_eq!(guard_entry.count, 2);
        assert_eq!(guard_entry.message, "session.add() at line 10");
    }
}
