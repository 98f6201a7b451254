//! GitHub Actions workflow commands: one annotation per new violation.
//!
//! GitHub shows at most 10 error and 10 warning annotations per step and
//! drops the rest silently, so gate prints that many and then a notice
//! saying how many it left out (the SARIF, the job summary and the comment
//! carry the full list).

use std::fmt::Write;

use super::RepoPaths;
use crate::baseline::{Diff, Finding, Status};
use crate::violation::Severity;

/// What GitHub displays per step, for each of errors and warnings.
pub const MAX_ANNOTATIONS_PER_LEVEL: usize = 10;

/// Renders `::error file=…,line=…::message` lines for the new violations
/// (`::warning` for rules of severity warning), in report order.
pub fn render_annotations(diff: &Diff, paths: &RepoPaths) -> String {
    let mut out = String::new();
    let mut left_out = 0;
    for severity in [Severity::Error, Severity::Warning] {
        let of_level = diff.findings.iter().filter(|finding| {
            finding.status == Status::New && finding.violation.severity == severity
        });
        for (index, finding) in of_level.enumerate() {
            if index < MAX_ANNOTATIONS_PER_LEVEL {
                write_annotation(&mut out, finding, paths);
            } else {
                left_out += 1;
            }
        }
    }
    if left_out > 0 {
        let plural = if left_out == 1 { "" } else { "s" };
        out.push_str(&workflow_command(
            "notice",
            &format!(
                "{left_out} more new violation{plural} not annotated \
                 (GitHub shows {MAX_ANNOTATIONS_PER_LEVEL} per level and step); \
                 see the job summary or code scanning"
            ),
        ));
    }
    out
}

/// A `::notice` or `::warning` line titled gate, for what gate itself has
/// to say in a workflow's log.
pub fn workflow_command(level: &str, message: &str) -> String {
    format!("::{level} title=gate::{}\n", escape_data(message))
}

fn write_annotation(out: &mut String, finding: &Finding, paths: &RepoPaths) {
    let violation = &finding.violation;
    let command = match violation.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let span = violation.span;
    let title = if violation.rule == violation.kind {
        format!("gate: {}", violation.rule)
    } else {
        format!("gate: {} ({})", violation.rule, violation.kind)
    };
    let message = match &finding.note {
        Some(note) => format!("{} ({note})", violation.message),
        None => violation.message.clone(),
    };
    let _ = writeln!(
        out,
        "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(&paths.repo_path(&violation.path)),
        span.start.line,
        span.start.column,
        span.end.line,
        span.visible_end_column(),
        escape_property(&title),
        escape_data(&message),
    );
}

/// The escaping of `@actions/core` for a command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The escaping of `@actions/core` for a property value: the message's, plus
/// the separators `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample_diff;

    #[test]
    fn escaping_follows_actions_core() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a: b, 5%"), "a%3A b%2C 5%25");
    }

    #[test]
    fn annotations_cover_new_violations_only() {
        let out = render_annotations(&sample_diff(), &RepoPaths::at_root("/repo".as_ref()));
        insta::assert_snapshot!(out);
        assert!(
            !out.contains("app.models.user"),
            "known violation annotated"
        );
    }

    #[test]
    fn annotations_stop_at_githubs_limit_and_say_how_many_were_left_out() {
        let mut diff = sample_diff();
        let template = diff.findings[1].clone();
        diff.findings = (0..13).map(|_| template.clone()).collect();
        let out = render_annotations(&diff, &RepoPaths::at_root("/repo".as_ref()));
        assert_eq!(
            out.lines().filter(|l| l.starts_with("::error ")).count(),
            10
        );
        assert!(
            out.ends_with("::notice title=gate::3 more new violations not annotated (GitHub shows 10 per level and step); see the job summary or code scanning\n"),
            "{out}"
        );
    }
}
