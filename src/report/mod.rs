//! Stage 8: renders a baseline diff (the exit code is `crate::exit`'s).

mod github;
mod json;
mod markdown;
mod sarif;
mod text;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::baseline::{Diff, Finding, Status};

pub use github::{MAX_ANNOTATIONS_PER_LEVEL, render_annotations, workflow_command};
pub use json::render_json;
pub use markdown::{
    BlobLinks, MarkdownOptions, SizeLimit, code as markdown_code, comment_marker, render_markdown,
};
pub use sarif::{
    FINGERPRINT_KEY, KnownInSarif, MAX_RESULTS, SarifOptions, percent_encode_path, render_sarif,
    sarif_result_count,
};
pub use text::{TextOptions, render_text, write_text};

/// The findings of one rule, for the counts per rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleCount<'a> {
    pub rule: &'a str,
    pub kind: &'a str,
    pub new: usize,
    pub known: usize,
}

impl RuleCount<'_> {
    pub fn total(&self) -> usize {
        self.new + self.known
    }
}

/// How many of `findings` each rule has, most first (then by name).
pub fn counts_per_rule<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Vec<RuleCount<'a>> {
    let mut counts: Vec<RuleCount<'a>> = Vec::new();
    for finding in findings {
        let violation = &finding.violation;
        let index = match counts.iter().position(|count| count.rule == violation.rule) {
            Some(index) => index,
            None => {
                counts.push(RuleCount {
                    rule: &violation.rule,
                    kind: violation.kind,
                    new: 0,
                    known: 0,
                });
                counts.len() - 1
            }
        };
        match finding.status {
            Status::New => counts[index].new += 1,
            Status::Known => counts[index].known += 1,
        }
    }
    counts.sort_by(|a, b| b.total().cmp(&a.total()).then(a.rule.cmp(b.rule)));
    counts
}

/// The counts every format reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Python files analysed.
    pub files: usize,
    /// New findings, warnings included.
    pub new: usize,
    /// Findings the baseline allows.
    pub known: usize,
    /// Baselined occurrences that no longer occur (the sum of the counts).
    pub fixed: usize,
}

impl Summary {
    /// Counts `diff`, a run over `files` files.
    pub fn new(diff: &Diff, files: usize) -> Self {
        let new = diff
            .findings
            .iter()
            .filter(|finding| finding.status == Status::New)
            .count();
        Summary {
            files,
            new,
            known: diff.findings.len() - new,
            fixed: diff.fixed.iter().map(|entry| entry.count as usize).sum(),
        }
    }
}

/// Where the project sits in its repository. gate's paths are relative to
/// the project root (the config's folder); GitHub's (code scanning,
/// annotations, blob links) are relative to the repository root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepoPaths {
    /// The repository root, absolute.
    root: PathBuf,
    /// The project root relative to it, `/`-separated, with a trailing `/`
    /// unless empty.
    prefix: String,
}

impl RepoPaths {
    /// A project at the root of its repository.
    pub fn at_root(root: &Path) -> Self {
        RepoPaths {
            root: root.to_path_buf(),
            prefix: String::new(),
        }
    }

    /// A project at `project_root` inside the repository at `repository`;
    /// a project outside it is treated as its own root.
    pub fn new(project_root: &Path, repository: &Path) -> Self {
        match project_root.strip_prefix(repository) {
            Ok(relative) => {
                let mut prefix: String = relative
                    .components()
                    .map(|part| part.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                if !prefix.is_empty() {
                    prefix.push('/');
                }
                RepoPaths {
                    root: repository.to_path_buf(),
                    prefix,
                }
            }
            Err(_) => RepoPaths::at_root(project_root),
        }
    }

    /// `path`, relative to the project root, made relative to the repository.
    pub fn repo_path(&self, path: &str) -> String {
        format!("{}{path}", self.prefix)
    }

    /// The repository root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The project root relative to the repository (`""` or `backend/`).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// `file:///…/` for the repository root, as SARIF's `%SRCROOT%`.
    pub fn root_uri(&self) -> String {
        let path = self.root.to_string_lossy().replace('\\', "/");
        let path = path.trim_end_matches('/');
        let slash = if path.starts_with('/') { "" } else { "/" };
        format!("file://{slash}{}/", sarif::percent_encode_path(path))
    }
}

/// What `gate check` writes: one format to standard output or `output`, and
/// any extra files in the same run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportOptions {
    pub format: Format,
    /// Where the main format goes; standard output when `None`.
    pub output: Option<PathBuf>,
    /// Extra outputs of the same run.
    pub json: Option<PathBuf>,
    pub sarif: Option<PathBuf>,
    pub markdown: Option<PathBuf>,
    pub github: GithubReportOptions,
    /// Colour already decided (terminal, `--color`, `NO_COLOR`).
    pub text: TextOptions,
}

/// The output formats of `gate check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    /// GitHub Actions annotations (workflow commands).
    Github,
    /// The pull-request comment / job summary.
    Markdown,
}

impl Format {
    /// As `--format` names it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Markdown => "markdown",
        }
    }
}

/// How the GitHub formats (SARIF, Markdown) are written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GithubReportOptions {
    /// What the SARIF holds for baselined violations.
    pub sarif_known: KnownInSarif,
    /// Code-scanning category and comment marker.
    pub category: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::{BaselineEntry, Finding};
    use crate::exit::ExitCode;
    use crate::span::{Position, Span};
    use crate::violation::{Severity, Violation};

    fn span(line: u32, column: u32) -> Span {
        Span {
            start: Position { line, column },
            end: Position {
                line,
                column: column + 13,
            },
        }
    }

    fn new_finding(violation: Violation, note: Option<&str>) -> Finding {
        Finding {
            violation,
            status: Status::New,
            note: note.map(str::to_owned),
        }
    }

    /// A small diff with one of each kind of line: a known violation, a new
    /// error, a new warning, a group of two that outgrew its allowance of one,
    /// and two fixed entries.
    pub(super) fn sample_diff() -> Diff {
        let add = Violation {
            rule: "api-no-db-writes".into(),
            kind: "db-write",
            file: None,
            path: "backend/app/api/guard.py".into(),
            span: span(42, 9),
            scope: "create_incident".into(),
            subject: "session.add".into(),
            message: "session.add() in layer `api`: database writes belong to the services layer"
                .into(),
            severity: Severity::Error,
        };
        let known = Violation {
            rule: "layers".into(),
            kind: "layers",
            file: None,
            span: span(3, 1),
            scope: "<module>".into(),
            subject: "app.models.user".into(),
            message: "import of `app.models.user` (layer `models`) in layer `api`: \
                      `api` may import only `services`"
                .into(),
            ..add.clone()
        };
        let warning = Violation {
            rule: "no-print".into(),
            kind: "banned-call",
            file: None,
            span: span(50, 5),
            subject: "print".into(),
            message: "print() in layer `api`: use the logger".into(),
            severity: Severity::Warning,
            ..add.clone()
        };
        let commit = |line| Violation {
            span: span(line, 9),
            scope: "close".into(),
            subject: "session.commit".into(),
            message:
                "session.commit() in layer `api`: database writes belong to the services layer"
                    .into(),
            ..add.clone()
        };
        let grown = Some("baseline allows 1, found 2");
        let fixed = |path: &str, rule: &str, scope: &str, subject: &str, count| BaselineEntry {
            rule: rule.into(),
            path: path.into(),
            scope: scope.into(),
            subject: subject.into(),
            count,
            message: "not shown".into(),
        };
        Diff {
            findings: vec![
                Finding {
                    violation: known,
                    status: Status::Known,
                    note: None,
                },
                new_finding(add.clone(), None),
                new_finding(warning, None),
                new_finding(commit(61), grown),
                new_finding(commit(64), grown),
            ],
            fixed: vec![
                fixed("backend/app/api/old.py", "layers", "<module>", "app.db", 1),
                fixed(
                    "backend/app/services/x.py",
                    "no-legacy",
                    "Billing.run",
                    "app.legacy",
                    2,
                ),
            ],
        }
    }

    fn only(diff: &Diff, keep: impl Fn(&Finding) -> bool) -> Diff {
        Diff {
            findings: diff.findings.iter().filter(|f| keep(f)).cloned().collect(),
            fixed: Vec::new(),
        }
    }

    #[test]
    fn repo_paths_prefix_the_project_folder() {
        let paths = RepoPaths::new(Path::new("/work/repo/backend"), Path::new("/work/repo"));
        assert_eq!(paths.repo_path("app/x.py"), "backend/app/x.py");
        assert_eq!(paths.root_uri(), "file:///work/repo/");
        let outside = RepoPaths::new(Path::new("/elsewhere"), Path::new("/work/repo"));
        assert_eq!(outside.repo_path("app/x.py"), "app/x.py");
        let spaced = RepoPaths::at_root(Path::new("/my repo"));
        assert_eq!(spaced.root_uri(), "file:///my%20repo/");
    }

    #[test]
    fn summary_counts_findings_and_fixed_occurrences() {
        let summary = Summary::new(&sample_diff(), 12);
        assert_eq!(
            summary,
            Summary {
                files: 12,
                new: 4,
                known: 1,
                fixed: 3
            }
        );
    }

    #[test]
    fn a_new_error_fails() {
        assert_eq!(ExitCode::of_check(&sample_diff(), false).code(), 1);
    }

    #[test]
    fn known_violations_and_new_warnings_do_not_fail() {
        let diff = only(&sample_diff(), |f| {
            f.status == Status::Known || f.violation.severity == Severity::Warning
        });
        assert_eq!(diff.findings.len(), 2);
        assert_eq!(ExitCode::of_check(&diff, true).code(), 0);
    }

    #[test]
    fn fixed_entries_fail_only_under_fail_on_stale() {
        let mut diff = only(&sample_diff(), |f| f.status == Status::Known);
        diff.fixed = sample_diff().fixed;
        assert_eq!(ExitCode::of_check(&diff, false).code(), 0);
        assert_eq!(ExitCode::of_check(&diff, true).code(), 1);
    }
}
