//! A run compared with the baseline: new, known and fixed.

use serde::Serialize;

use super::{Baseline, BaselineEntry, occurrences};
use crate::violation::Violation;

/// Whether the baseline allows a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Not in the baseline, or its group outgrew its allowance.
    New,
    /// Allowed by the baseline.
    Known,
}

/// One violation of this run and its standing against the baseline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub violation: Violation,
    pub status: Status,
    /// Why a violation that the baseline mentions is still new
    /// (`baseline allows 2, found 3`).
    pub note: Option<String>,
}

/// A run compared with the baseline.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diff {
    /// Every violation, new and known (warnings too), in report order.
    pub findings: Vec<Finding>,
    /// Allowed occurrences that no longer occur, each entry's `count` being
    /// how many, in baseline order.
    pub fixed: Vec<BaselineEntry>,
}

/// Splits `violations` into new and known against `baseline` (`None`: all
/// new) and lists the baseline's occurrences that are gone. A group of
/// identical violations that outgrew its allowance is new as a whole: which
/// of them is the extra one cannot be told.
pub fn diff(violations: Vec<Violation>, baseline: Option<&Baseline>) -> Diff {
    // Groups are runs of equal identities in identity order, met with the
    // allowances in the same order: a merge, with no identity copied.
    let mut by_identity: Vec<usize> = (0..violations.len()).collect();
    by_identity.sort_by(|&a, &b| {
        violations[a]
            .identity_key()
            .cmp(&violations[b].identity_key())
    });
    let mut allowed = baseline
        .map(Baseline::allowances)
        .unwrap_or_default()
        .into_iter()
        .peekable();
    let mut verdicts = vec![(Status::New, None); violations.len()];
    let mut fixed = Vec::new();
    for group in
        by_identity.chunk_by(|&a, &b| violations[a].identity_key() == violations[b].identity_key())
    {
        let identity = violations[group[0]].identity_key();
        while let Some(gone) = allowed.next_if(|allowance| allowance.entry.sort_key() < identity) {
            fixed.push(gone.remaining(0));
        }
        let found = occurrences(group);
        let verdict = match allowed.next_if(|allowance| allowance.entry.sort_key() == identity) {
            Some(allowance) if found <= allowance.count => {
                if found < allowance.count {
                    fixed.push(allowance.remaining(found));
                }
                (Status::Known, None)
            }
            Some(allowance) => (
                Status::New,
                Some(format!(
                    "baseline allows {}, found {found}",
                    allowance.count
                )),
            ),
            None => (Status::New, None),
        };
        for &index in group {
            verdicts[index].clone_from(&verdict);
        }
    }
    fixed.extend(allowed.map(|allowance| allowance.remaining(0)));
    fixed.retain(|entry| entry.count > 0);
    fixed.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut findings: Vec<Finding> = violations
        .into_iter()
        .zip(verdicts)
        .map(|(violation, (status, note))| Finding {
            violation,
            status,
            note,
        })
        .collect();
    // Ties in report order keep identity order, then the order found.
    findings.sort_by(|a, b| {
        (a.violation.sort_key(), &a.violation.scope)
            .cmp(&(b.violation.sort_key(), &b.violation.scope))
    });
    Diff { findings, fixed }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::from_violations;
    use crate::baseline::tests::{guard, violation};
    use crate::violation::Severity;

    fn statuses(diff: &Diff) -> Vec<(u32, Status, Option<&str>)> {
        diff.findings
            .iter()
            .map(|f| (f.violation.span.start.line, f.status, f.note.as_deref()))
            .collect()
    }

    #[test]
    fn line_shift_keeps_violation_known() {
        let baseline = from_violations(&[guard(10)]);
        let diff = diff(vec![guard(13)], Some(&baseline));
        assert_eq!(statuses(&diff), [(13, Status::Known, None)]);
        assert!(diff.fixed.is_empty());
    }

    #[test]
    fn second_identical_violation_in_a_scope_makes_the_group_new() {
        let baseline = from_violations(&[guard(10), guard(20)]);
        let diff = diff(vec![guard(30), guard(10), guard(20)], Some(&baseline));
        let note = Some("baseline allows 2, found 3");
        assert_eq!(
            statuses(&diff),
            [
                (10, Status::New, note),
                (20, Status::New, note),
                (30, Status::New, note)
            ]
        );
        assert!(diff.fixed.is_empty());
    }

    #[test]
    fn a_violation_in_a_new_scope_is_new() {
        let baseline = from_violations(&[guard(10)]);
        let other_scope = violation("app/api/guard.py", 20, "delete", "session.add");
        let diff = diff(vec![guard(10), other_scope], Some(&baseline));
        assert_eq!(
            statuses(&diff),
            [(10, Status::Known, None), (20, Status::New, None)]
        );
    }

    #[test]
    fn removed_violations_are_fixed_with_the_missing_count() {
        let gone = violation("app/api/gone.py", 5, "<module>", "session.commit");
        let baseline = from_violations(&[guard(10), guard(20), guard(30), gone]);
        let diff = diff(vec![guard(10)], Some(&baseline));
        assert_eq!(statuses(&diff), [(10, Status::Known, None)]);
        let fixed: Vec<(&str, u32)> = diff
            .fixed
            .iter()
            .map(|entry| (entry.path.as_str(), entry.count))
            .collect();
        assert_eq!(fixed, [("app/api/gone.py", 1), ("app/api/guard.py", 2)]);
    }

    #[test]
    fn without_a_baseline_everything_is_new() {
        let diff = diff(vec![guard(20), guard(10)], None);
        assert_eq!(
            statuses(&diff),
            [(10, Status::New, None), (20, Status::New, None)]
        );
        assert!(diff.fixed.is_empty());
    }

    #[test]
    fn warnings_are_classified_like_errors() {
        let mut warning = guard(10);
        warning.severity = Severity::Warning;
        let baseline = from_violations(std::slice::from_ref(&warning));
        let diff = diff(vec![warning.clone(), warning], Some(&baseline));
        let note = Some("baseline allows 1, found 2");
        assert_eq!(
            statuses(&diff),
            [(10, Status::New, note), (10, Status::New, note)]
        );
    }

    #[test]
    fn duplicate_entries_of_a_hand_merged_baseline_add_up() {
        let mut baseline = from_violations(&[guard(10)]);
        baseline.entries.push(baseline.entries[0].clone());
        let diff = diff(vec![guard(10), guard(20)], Some(&baseline));
        assert_eq!(
            statuses(&diff),
            [(10, Status::Known, None), (20, Status::Known, None)]
        );
    }
}
