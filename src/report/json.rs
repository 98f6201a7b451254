//! The JSON format, a stable contract for scripts: fields may be added,
//! never renamed (DESIGN.md, "JSON output").

use serde::Serialize;

use super::Summary;
use crate::analyze::Coverage;
use crate::baseline::{BaselineEntry, Diff, Finding, Status};
use crate::violation::Severity;
use crate::warning::Warning;

#[derive(Serialize)]
struct Report<'a> {
    tool: Tool,
    summary: Summary,
    violations: Vec<JsonViolation<'a>>,
    fixed: Vec<JsonFixed<'a>>,
    /// What the run analysed: files, modules, imports by where they lead.
    coverage: &'a Coverage,
    /// Every warning of the run, none left out (the terminal groups them).
    warnings: &'a [Warning],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonViolation<'a> {
    rule: &'a str,
    kind: &'a str,
    severity: Severity,
    path: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    scope: &'a str,
    subject: &'a str,
    message: &'a str,
    status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

impl<'a> From<&'a Finding> for JsonViolation<'a> {
    fn from(finding: &'a Finding) -> Self {
        let violation = &finding.violation;
        JsonViolation {
            rule: &violation.rule,
            kind: violation.kind,
            severity: violation.severity,
            path: &violation.path,
            line: violation.span.start.line,
            column: violation.span.start.column,
            end_line: violation.span.end.line,
            end_column: violation.span.end.column,
            scope: &violation.scope,
            subject: &violation.subject,
            message: &violation.message,
            status: finding.status,
            note: finding.note.as_deref(),
        }
    }
}

/// A fixed baseline entry without its message, which is for readers of the
/// baseline file.
#[derive(Serialize)]
struct JsonFixed<'a> {
    rule: &'a str,
    path: &'a str,
    scope: &'a str,
    subject: &'a str,
    count: u32,
}

impl<'a> From<&'a BaselineEntry> for JsonFixed<'a> {
    fn from(entry: &'a BaselineEntry) -> Self {
        JsonFixed {
            rule: &entry.rule,
            path: &entry.path,
            scope: &entry.scope,
            subject: &entry.subject,
            count: entry.count,
        }
    }
}

/// Renders `diff`, a run over `coverage.files` files, as pretty-printed JSON
/// (two-space indent, trailing newline): every finding, new and known, the
/// fixed baseline entries, what was analysed and the run's warnings.
pub fn render_json(diff: &Diff, coverage: &Coverage, warnings: &[Warning]) -> String {
    let report = Report {
        tool: Tool {
            name: "gate",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary::new(diff, coverage.files),
        violations: diff.findings.iter().map(JsonViolation::from).collect(),
        fixed: diff.fixed.iter().map(JsonFixed::from).collect(),
        coverage,
        warnings,
    };
    let mut json = serde_json::to_string_pretty(&report).expect("a report serializes");
    json.push('\n');
    json
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample_diff;

    #[test]
    fn json_lists_every_finding_and_the_fixed_entries() {
        insta::with_settings!({filters => vec![
            (r#""version": "[^"]+""#, r#""version": "[version]""#),
        ]}, {
            let coverage = Coverage {
                files: 12,
                modules: 11,
                internal_imports: 40,
                external_imports: 20,
                unresolved_imports: 1,
            };
            insta::assert_snapshot!(render_json(&sample_diff(), &coverage, &[]));
        });
    }
}
