//! The ratchet: `update` lets the baseline shrink but grow only on request,
//! and `growth` is what a pull request adds to it.

use std::path::Path;

use super::{Baseline, BaselineEntry, from_violations};
use crate::violation::Violation;

/// What `head` allows beyond `base`: entries that are new, and for entries
/// whose count grew, the growth, in baseline order. A pull request that
/// returns this non-empty accepts violations instead of fixing them.
pub fn growth(base: &Baseline, head: &Baseline) -> Vec<BaselineEntry> {
    let base = base.allowances_by_identity();
    head.allowances_by_identity()
        .into_iter()
        .filter_map(|(identity, entry)| {
            let before = base.get(&identity).map_or(0, |old| old.count);
            (entry.count > before).then(|| BaselineEntry {
                count: entry.count - before,
                ..entry
            })
        })
        .collect()
}

/// What `update` did; counts are of occurrences, not entries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateOutcome {
    /// The baseline to save.
    pub baseline: Baseline,
    /// Occurrences dropped because they no longer occur.
    pub removed: u32,
    /// New occurrences accepted (only with `accept_new`).
    pub added: u32,
    /// New occurrences left out because `accept_new` was not given.
    pub refused: u32,
    /// The groups behind `refused`, each with its count of extra occurrences,
    /// in baseline order.
    pub refused_entries: Vec<BaselineEntry>,
}

/// The ratchet: drops what no longer occurs and lowers counts to what is
/// found; adds new groups and raises counts only when `accept_new`.
pub fn update(old: &Baseline, violations: &[Violation], accept_new: bool) -> UpdateOutcome {
    let mut allowed = old.allowances_by_identity();
    let mut outcome = UpdateOutcome::default();
    for current in from_violations(violations).entries {
        let previous = allowed.remove(&current.identity());
        let allows = previous.as_ref().map_or(0, |entry| entry.count);
        let found = current.count;
        if found > allows && !accept_new {
            outcome.refused += found - allows;
            outcome.refused_entries.push(BaselineEntry {
                count: found - allows,
                ..current
            });
            outcome.baseline.entries.extend(previous);
            continue;
        }
        if found > allows {
            outcome.added += found - allows;
        } else {
            outcome.removed += allows - found;
        }
        // An existing entry keeps its message, so that rewording a rule does
        // not rewrite every line of the committed file.
        outcome.baseline.entries.push(BaselineEntry {
            count: found,
            ..previous.unwrap_or(current)
        });
    }
    outcome.removed += allowed.values().map(|entry| entry.count).sum::<u32>();
    outcome
}

impl UpdateOutcome {
    /// What `gate baseline update` tells the user about the file at `path`;
    /// when something was refused, which groups and how to accept them.
    pub fn summary(&self, path: &Path) -> String {
        let mut text = if self.removed == 0 && self.added == 0 {
            format!("{} unchanged", path.display())
        } else {
            format!(
                "updated {}: {} fixed removed, {} new added",
                path.display(),
                self.removed,
                self.added
            )
        };
        if self.refused > 0 {
            let noun = if self.refused == 1 {
                "violation"
            } else {
                "violations"
            };
            text.push_str(&format!(
                "\nerror: {} new {noun} not added to the baseline:",
                self.refused
            ));
            for entry in &self.refused_entries {
                text.push_str(&format!("\n  {entry}"));
            }
            text.push_str(
                "\n  = help: fix them, or run `gate baseline update --accept-new` to add them",
            );
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::tests::{guard, violation};

    #[test]
    fn growth_lists_new_entries_and_grown_counts_only() {
        let base = from_violations(&[guard(10), violation("app/a.py", 1, "<module>", "x")]);
        let head = from_violations(&[
            guard(10),
            guard(20),
            guard(30),
            violation("app/b.py", 1, "<module>", "y"),
        ]);
        let grown: Vec<(String, u32)> = growth(&base, &head)
            .into_iter()
            .map(|entry| (entry.path, entry.count))
            .collect();
        assert_eq!(
            grown,
            [
                ("app/api/guard.py".to_string(), 2),
                ("app/b.py".to_string(), 1)
            ]
        );
        assert!(
            growth(&head, &base)
                .iter()
                .all(|entry| entry.path == "app/a.py")
        );
    }

    #[test]
    fn update_drops_fixed_entries_and_lowers_counts() {
        let gone = violation("app/api/gone.py", 5, "<module>", "session.commit");
        let old = from_violations(&[guard(10), guard(20), gone]);
        let outcome = update(&old, &[guard(10)], false);
        assert_eq!(outcome.baseline, from_violations(&[guard(10)]));
        assert_eq!((outcome.removed, outcome.added, outcome.refused), (2, 0, 0));
    }

    #[test]
    fn update_refuses_new_violations_without_accept_new() {
        let other = violation("app/api/other.py", 1, "<module>", "session.add");
        let old = from_violations(&[guard(10)]);
        let current = [guard(10), guard(20), other.clone()];
        let outcome = update(&old, &current, false);
        assert_eq!(outcome.baseline, old, "nothing added, no count raised");
        assert_eq!((outcome.removed, outcome.added, outcome.refused), (0, 0, 2));
        let refused: Vec<String> = outcome
            .refused_entries
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            refused,
            [
                "app/api/guard.py: api-no-db-writes session.add in create (×1)",
                "app/api/other.py: api-no-db-writes session.add in <module> (×1)",
            ]
        );
        let summary = outcome.summary(Path::new("baseline.json"));
        assert!(summary.contains("2 new violations not added"), "{summary}");
        assert!(summary.contains("--accept-new"), "{summary}");
    }

    #[test]
    fn update_with_accept_new_adds_and_raises_and_keeps_old_messages() {
        let mut old = from_violations(&[guard(10)]);
        old.entries[0].message = "worded by an older gate".into();
        let other = violation("app/api/other.py", 1, "<module>", "session.add");
        let outcome = update(&old, &[guard(10), guard(20), other], true);
        assert_eq!((outcome.removed, outcome.added, outcome.refused), (0, 2, 0));
        let entries: Vec<(&str, u32, &str)> = outcome
            .baseline
            .entries
            .iter()
            .map(|e| (e.path.as_str(), e.count, e.message.as_str()))
            .collect();
        assert_eq!(
            entries,
            [
                ("app/api/guard.py", 2, "worded by an older gate"),
                ("app/api/other.py", 1, "session.add() at line 1"),
            ]
        );
        assert!(
            outcome
                .summary(Path::new("baseline.json"))
                .starts_with("updated baseline.json: 0 fixed removed, 2 new added")
        );
    }

    #[test]
    fn update_of_an_unchanged_tree_changes_nothing() {
        let old = from_violations(&[guard(10)]);
        let outcome = update(&old, &[guard(12)], false);
        assert_eq!(outcome.baseline, old);
        assert_eq!(
            outcome.summary(Path::new("baseline.json")),
            "baseline.json unchanged"
        );
    }
}
