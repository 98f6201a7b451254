//! Stage 7: the baseline, the committed allow-list of known violations.
//!
//! A baseline entry remembers a violation's identity (rule, path, scope,
//! subject, never a line number) and how many occurrences it allows. `diff`
//! splits a run's violations into new and known and lists what was fixed;
//! `update` is the ratchet that lets the baseline shrink but grow only on
//! request.

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::violation::{Identity, Violation};

/// The only `version` of baseline.json this build reads and writes.
pub const VERSION: u32 = 1;

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

/// The file's shape; `Baseline` itself leaves the version out because a
/// loaded baseline always has the current one.
#[derive(Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an object with `version` and `entries`"
)]
struct BaselineFile<Entries> {
    version: u32,
    entries: Entries,
}

/// Read before the whole file so that a future version's different shape is
/// reported as an unsupported version, not as a missing field.
#[derive(Deserialize)]
#[serde(expecting = "an object with `version` and `entries`")]
struct VersionProbe {
    version: serde_json::Value,
}

/// Why a baseline could not be loaded. Each message names the file and says
/// what to do next.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error(
        "the baseline {} does not exist\n  \
         = help: run `gate baseline init` to create one from the current violations, \
         or pass --no-baseline to report every violation as new",
        path.display()
    )]
    Missing { path: PathBuf },
    #[error(
        "cannot read the baseline {}: {error}\n  \
         = help: check that it is a readable file, or pass --no-baseline",
        path.display()
    )]
    Unreadable { path: PathBuf, error: io::Error },
    #[error(
        "the baseline {} is not valid JSON: {error}\n  \
         = help: repair it (an unresolved merge conflict?), \
         or recreate it with `gate baseline init --force`",
        path.display()
    )]
    InvalidJson {
        path: PathBuf,
        error: serde_json::Error,
    },
    #[error(
        "the baseline {} has version {found}, but this gate reads only version {VERSION}\n  \
         = help: use the gate release that wrote it, \
         or recreate it with `gate baseline init --force`",
        path.display()
    )]
    UnsupportedVersion { path: PathBuf, found: String },
    #[error(
        "the baseline {} is not a gate baseline: {error}\n  \
         = help: a baseline is {{\"version\": 1, \"entries\": [...]}}, each entry with \
         rule, path, scope, subject, count and message; \
         repair it, or recreate it with `gate baseline init --force`",
        path.display()
    )]
    Malformed {
        path: PathBuf,
        error: serde_json::Error,
    },
}

/// Reads and checks the baseline at `path`. The file is never written.
pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
    let bytes = std::fs::read(path).map_err(|error| match error.kind() {
        io::ErrorKind::NotFound => BaselineError::Missing {
            path: path.to_path_buf(),
        },
        _ => BaselineError::Unreadable {
            path: path.to_path_buf(),
            error,
        },
    })?;
    parse(path, &bytes)
}

/// Checks the baseline text `bytes`, read from `path` (named in errors).
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Baseline, BaselineError> {
    let shape_error = |error: serde_json::Error| {
        let path = path.to_path_buf();
        if error.is_data() {
            BaselineError::Malformed { path, error }
        } else {
            BaselineError::InvalidJson { path, error }
        }
    };
    let probe: VersionProbe = serde_json::from_slice(bytes).map_err(shape_error)?;
    if probe.version != VERSION {
        return Err(BaselineError::UnsupportedVersion {
            path: path.to_path_buf(),
            found: probe.version.to_string(),
        });
    }
    let file: BaselineFile<Vec<BaselineEntry>> =
        serde_json::from_slice(bytes).map_err(shape_error)?;
    Ok(Baseline {
        entries: file.entries,
    })
}

/// What `head` allows beyond `base`: entries that are new, and for entries
/// whose count grew, the growth, in baseline order. A pull request that
/// returns this non-empty accepts violations instead of fixing them.
pub fn growth(base: &Baseline, head: &Baseline) -> Vec<BaselineEntry> {
    let base = base.allowances();
    head.allowances()
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

/// Writes `baseline` to `path` atomically: a failure leaves the old file as
/// it was.
pub fn save(path: &Path, baseline: &Baseline) -> io::Result<()> {
    crate::write::write_atomic(path, baseline.to_json().as_bytes())
}

impl Baseline {
    /// The file's text: sorted entries, two-space indent, trailing newline,
    /// the same bytes for the same entries.
    pub fn to_json(&self) -> String {
        let mut entries: Vec<&BaselineEntry> = self.entries.iter().collect();
        entries.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let file = BaselineFile {
            version: VERSION,
            entries,
        };
        let mut json = serde_json::to_string_pretty(&file).expect("a baseline serializes");
        json.push('\n');
        json
    }

    /// One entry per identity, duplicates (a hand-merged file) adding up.
    fn allowances(&self) -> BTreeMap<Identity, BaselineEntry> {
        let mut allowed: BTreeMap<Identity, BaselineEntry> = BTreeMap::new();
        for entry in &self.entries {
            allowed
                .entry(entry.identity())
                .and_modify(|first| first.count = first.count.saturating_add(entry.count))
                .or_insert_with(|| entry.clone());
        }
        allowed
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
    let mut allowed = baseline.map(Baseline::allowances).unwrap_or_default();
    let mut findings = Vec::with_capacity(violations.len());
    let mut fixed = Vec::new();
    for (identity, group) in group_by_identity(violations) {
        let found = occurrences(&group);
        let (status, note) = match allowed.remove(&identity) {
            Some(entry) if found <= entry.count => {
                if found < entry.count {
                    fixed.push(BaselineEntry {
                        count: entry.count - found,
                        ..entry
                    });
                }
                (Status::Known, None)
            }
            Some(entry) => (
                Status::New,
                Some(format!("baseline allows {}, found {found}", entry.count)),
            ),
            None => (Status::New, None),
        };
        findings.extend(group.into_iter().map(|violation| Finding {
            violation,
            status,
            note: note.clone(),
        }));
    }
    fixed.extend(allowed.into_values().filter(|entry| entry.count > 0));
    fixed.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.sort_by(|a, b| a.violation.sort_key().cmp(&b.violation.sort_key()));
    Diff { findings, fixed }
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
    let mut allowed = old.allowances();
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
    use crate::span::{Position, Span};
    use crate::violation::Severity;

    fn violation(path: &str, line: u32, scope: &str, subject: &str) -> Violation {
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

    fn guard(line: u32) -> Violation {
        violation("app/api/guard.py", line, "create", "session.add")
    }

    fn statuses(diff: &Diff) -> Vec<(u32, Status, Option<&str>)> {
        diff.findings
            .iter()
            .map(|f| (f.violation.span.start.line, f.status, f.note.as_deref()))
            .collect()
    }

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

    #[test]
    fn output_is_byte_stable_for_shuffled_input() {
        let violations = [
            guard(20),
            violation("app/b.py", 3, "<module>", "session.commit"),
            guard(10),
            violation("app/a.py", 1, "Router.create", "db.merge"),
            violation("app/a.py", 9, "<module>", "db.merge"),
        ];
        let mut shuffled = violations.clone();
        shuffled.reverse();
        shuffled.swap(0, 2);
        let json = from_violations(&violations).to_json();
        assert_eq!(json, from_violations(&shuffled).to_json());
        let mut unsorted = from_violations(&violations);
        unsorted.entries.reverse();
        assert_eq!(json, unsorted.to_json());
        assert_eq!(
            json,
            r#"{
  "version": 1,
  "entries": [
    {
      "rule": "api-no-db-writes",
      "path": "app/a.py",
      "scope": "<module>",
      "subject": "db.merge",
      "count": 1,
      "message": "db.merge() at line 9"
    },
    {
      "rule": "api-no-db-writes",
      "path": "app/a.py",
      "scope": "Router.create",
      "subject": "db.merge",
      "count": 1,
      "message": "db.merge() at line 1"
    },
    {
      "rule": "api-no-db-writes",
      "path": "app/api/guard.py",
      "scope": "create",
      "subject": "session.add",
      "count": 2,
      "message": "session.add() at line 10"
    },
    {
      "rule": "api-no-db-writes",
      "path": "app/b.py",
      "scope": "<module>",
      "subject": "session.commit",
      "count": 1,
      "message": "session.commit() at line 3"
    }
  ]
}
"#
        );
    }

    #[test]
    fn save_then_load_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        let baseline = from_violations(&[guard(10), guard(20)]);
        save(&path, &baseline).unwrap();
        assert_eq!(load(&path).unwrap(), baseline);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), baseline.to_json());
    }

    #[test]
    fn a_failed_save_leaves_the_old_file_and_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        // Renaming a file over a non-empty folder fails on every OS, even
        // for root, who could write into a read-only folder.
        let path = dir.path().join("baseline.json");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("old"), "old contents").unwrap();
        assert!(save(&path, &from_violations(&[guard(10)])).is_err());
        assert_eq!(
            std::fs::read_to_string(path.join("old")).unwrap(),
            "old contents"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn save_into_a_missing_folder_fails_without_creating_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("baseline.json");
        assert!(save(&path, &Baseline::default()).is_err());
        assert!(!dir.path().join("missing").exists());
    }

    /// The message of loading `contents` (or nothing) from a file named
    /// baseline.json, and the file's contents afterwards.
    fn load_error(contents: Option<&str>) -> (String, Option<String>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        if let Some(contents) = contents {
            std::fs::write(&path, contents).unwrap();
        }
        let error = load(&path).unwrap_err().to_string();
        let message = error.replace(&dir.path().display().to_string(), "DIR");
        (message, std::fs::read_to_string(&path).ok())
    }

    #[test]
    fn a_missing_baseline_says_how_to_create_one() {
        let (message, left) = load_error(None);
        assert_eq!(
            message,
            "the baseline DIR/baseline.json does not exist\n  \
             = help: run `gate baseline init` to create one from the current violations, \
             or pass --no-baseline to report every violation as new"
        );
        assert_eq!(left, None, "load created the file");
    }

    #[test]
    fn an_unreadable_baseline_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let error = load(dir.path()).unwrap_err();
        assert!(
            matches!(error, BaselineError::Unreadable { .. }),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(
            message.starts_with(&format!(
                "cannot read the baseline {}: ",
                dir.path().display()
            )),
            "{message}"
        );
        assert!(message.ends_with("or pass --no-baseline"), "{message}");
    }

    #[test]
    fn invalid_json_names_line_and_column() {
        let contents = "{\"version\": 1, \"entries\": [\n";
        let (message, left) = load_error(Some(contents));
        assert_eq!(
            message,
            "the baseline DIR/baseline.json is not valid JSON: \
             EOF while parsing a list at line 2 column 0\n  \
             = help: repair it (an unresolved merge conflict?), \
             or recreate it with `gate baseline init --force`"
        );
        assert_eq!(left.as_deref(), Some(contents));
    }

    #[test]
    fn an_unknown_version_names_the_supported_one() {
        let (message, _) = load_error(Some("{\"version\": 7, \"entries\": {\"new\": []}}\n"));
        assert_eq!(
            message,
            "the baseline DIR/baseline.json has version 7, but this gate reads only version 1\n  \
             = help: use the gate release that wrote it, \
             or recreate it with `gate baseline init --force`"
        );
    }

    #[test]
    fn a_missing_field_is_named_with_its_place() {
        let contents = r#"{
  "version": 1,
  "entries": [
    {"rule": "r", "path": "a.py", "scope": "<module>", "subject": "s", "message": "m"}
  ]
}
"#;
        let (message, _) = load_error(Some(contents));
        assert_eq!(
            message,
            "the baseline DIR/baseline.json is not a gate baseline: \
             missing field `count` at line 4 column 86\n  \
             = help: a baseline is {\"version\": 1, \"entries\": [...]}, each entry with \
             rule, path, scope, subject, count and message; \
             repair it, or recreate it with `gate baseline init --force`"
        );
    }

    #[test]
    fn a_file_that_is_not_an_object_says_what_is_expected() {
        let (message, _) = load_error(Some("\"x\""));
        assert!(
            message.contains(
                "is not a gate baseline: invalid type: string \"x\", \
                 expected an object with `version` and `entries` at line 1 column 3"
            ),
            "{message}"
        );
    }

    #[test]
    fn a_missing_version_is_malformed() {
        let (message, _) = load_error(Some("{\"entries\": []}"));
        assert!(
            message.contains("is not a gate baseline: missing field `version` at line 1"),
            "{message}"
        );
    }
}
