//! Warnings: input gate analysed less well than it could (a file skipped, an
//! import it cannot resolve) and config that checks less than it says (a
//! pattern or a layer that matches nothing). They never change the exit
//! code, except config warnings under `--strict`.

use std::fmt;

use serde::Serialize;

/// What a warning is about; warnings of one kind print as one group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WarningKind {
    /// A file or folder the walk skipped.
    Skipped,
    /// Files outside every source root: import rules cannot name them.
    OutsideRoots,
    /// An import gate cannot resolve (a relative import beyond the top, ...).
    UnresolvedImport,
    /// A module file `x.py` beside a package `x/__init__.py`: Python
    /// imports the package, and the file is unreachable.
    ShadowedModule,
    /// A module pattern or path glob of the config that matches nothing.
    DeadPattern,
    /// A layer that no file belongs to.
    EmptyLayer,
    /// A layer pattern that also claims modules outside the project.
    ExternalMatch,
    /// `--threads` above what the machine can use, and capped.
    Threads,
    /// A `.py` file an ignore file (`.gitignore`, ...) kept out of the run.
    Ignored,
    /// A commit whose baseline `gate baseline history` could not read.
    SkippedCommit,
    /// History that git cannot give in full (a shallow clone, no git).
    PartialHistory,
    /// The facts cache was corrupt or another gate's, or cannot be written.
    Cache,
}

impl WarningKind {
    /// About the config rather than the project's files: `--strict` makes
    /// these errors.
    pub fn is_config(self) -> bool {
        matches!(
            self,
            WarningKind::OutsideRoots
                | WarningKind::DeadPattern
                | WarningKind::EmptyLayer
                | WarningKind::ExternalMatch
        )
    }

    /// How a group of `count` warnings of this kind is introduced.
    fn group(self, count: usize) -> String {
        let what = match self {
            WarningKind::Skipped => "files or folders were skipped",
            WarningKind::OutsideRoots => "warnings about the source roots",
            WarningKind::UnresolvedImport => "imports cannot be resolved",
            WarningKind::ShadowedModule => "module files are shadowed by a package",
            WarningKind::DeadPattern => "patterns of the config match nothing",
            WarningKind::EmptyLayer => "layers hold no file",
            WarningKind::ExternalMatch => "layer patterns match external modules",
            WarningKind::Threads => "thread counts were capped",
            WarningKind::Ignored => "files were skipped by ignore files",
            WarningKind::SkippedCommit => "commits were left out of the history",
            WarningKind::PartialHistory => "warnings about the history's reach",
            WarningKind::Cache => "warnings about the facts cache",
        };
        format!("{count} {what}")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Warning {
    pub kind: WarningKind,
    /// One line, naming the file (and line) it is about.
    pub message: String,
}

impl Warning {
    pub fn new(kind: WarningKind, message: impl Into<String>) -> Self {
        Warning {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Warnings shown in a group before "… and N more".
pub const SHOWN_PER_GROUP: usize = 3;

/// The lines to print for `warnings` (each without its `warning: `
/// prefix): every warning when `verbose` or when a kind has few, else one
/// line per kind with a count and the first examples. Nothing is dropped
/// from the JSON report, which lists them all.
pub fn grouped(warnings: &[Warning], verbose: bool) -> Vec<String> {
    let mut sorted: Vec<&Warning> = warnings.iter().collect();
    sorted.sort_by_key(|warning| warning.kind);
    let mut lines = Vec::new();
    for group in sorted.chunk_by(|a, b| a.kind == b.kind) {
        if verbose || group.len() <= SHOWN_PER_GROUP + 1 {
            lines.extend(group.iter().map(|warning| warning.message.clone()));
            continue;
        }
        let mut line = group[0].kind.group(group.len());
        line.push_str(", such as:");
        for warning in &group[..SHOWN_PER_GROUP] {
            line.push_str("\n  ");
            line.push_str(&warning.message);
        }
        line.push_str(&format!(
            "\n  … and {} more (`--verbose` lists them all)",
            group.len() - SHOWN_PER_GROUP
        ));
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unresolved(count: usize) -> Vec<Warning> {
        (0..count)
            .map(|i| Warning::new(WarningKind::UnresolvedImport, format!("a{i}.py:1:1: x")))
            .collect()
    }

    #[test]
    fn many_warnings_of_one_kind_print_as_one_group_with_three_examples() {
        let mut warnings = unresolved(700);
        warnings.push(Warning::new(WarningKind::Skipped, "skipped b.py"));
        let lines = grouped(&warnings, false);
        assert_eq!(
            lines,
            [
                "skipped b.py".to_string(),
                "700 imports cannot be resolved, such as:\n  a0.py:1:1: x\n  a1.py:1:1: x\n  \
                 a2.py:1:1: x\n  … and 697 more (`--verbose` lists them all)"
                    .to_string(),
            ]
        );
    }

    #[test]
    fn verbose_and_small_groups_list_every_warning() {
        assert_eq!(grouped(&unresolved(4), false).len(), 4);
        assert_eq!(grouped(&unresolved(700), true).len(), 700);
    }
}
