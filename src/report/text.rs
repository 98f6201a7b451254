//! The human format: one line per violation, like ruff, then a summary.
//! Control characters in user text (paths, messages) show as escapes, so
//! each violation stays on its line.

use std::fmt::{self, Write};

use super::{Summary, counts_per_rule};
use crate::baseline::{Diff, Finding, Status};
use crate::output::visible;
use crate::violation::Severity;

/// What the text report shows and how.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TextOptions {
    /// ANSI colours: bold paths, red `new`, dim `known`.
    pub color: bool,
    /// Only the new violations' lines, no summary.
    pub quiet: bool,
    /// List the known violations too.
    pub show_known: bool,
    /// Counts per rule instead of the violations.
    pub statistics: bool,
}

const BOLD: &str = "1";
const RED: &str = "1;31";
const YELLOW: &str = "33";
const DIM: &str = "2";

/// Wraps text in an SGR colour code when colour is on.
struct Paint(bool);

impl Paint {
    fn push(&self, out: &mut impl Write, code: &str, text: &str) -> fmt::Result {
        if self.0 {
            write!(out, "\x1b[{code}m{text}\x1b[0m")
        } else {
            out.write_str(text)
        }
    }
}

/// Renders `diff`, a run over `files` files, as [`write_text`] does.
pub fn render_text(diff: &Diff, files: usize, options: &TextOptions) -> String {
    // One allocation for what can be megabytes of lines.
    let mut out = String::with_capacity(
        shown(diff, options)
            .map(|finding| finding.violation.path.len() + finding.violation.message.len() + 64)
            .sum::<usize>()
            + 256,
    );
    // Writing to a String cannot fail.
    let _ = write_text(&mut out, diff, files, options);
    out
}

/// Writes `diff`, a run over `files` files, to `out`:
/// `path:line:column: rule (kind) message [new]` per shown violation, then
/// the summary and the fixed baseline entries. A line at a time, so that
/// `gate check` streams a report of any size to its output.
pub fn write_text(
    out: &mut impl Write,
    diff: &Diff,
    files: usize,
    options: &TextOptions,
) -> fmt::Result {
    let paint = Paint(options.color);
    let mut wrote = false;
    if options.statistics {
        let counts = statistics(diff);
        out.write_str(&counts)?;
        wrote = !counts.is_empty();
    }
    for finding in shown(diff, options) {
        write_finding(out, finding, &paint)?;
        wrote = true;
    }
    if options.quiet {
        return Ok(());
    }
    if wrote {
        out.write_char('\n')?;
    }
    let summary = Summary::new(diff, files);
    writeln!(
        out,
        "{} {}: {} new, {} known (baseline), {} fixed",
        summary.files,
        if summary.files == 1 { "file" } else { "files" },
        summary.new,
        summary.known,
        summary.fixed
    )?;
    if !diff.fixed.is_empty() {
        for entry in &diff.fixed {
            writeln!(out, "  fixed: {}", visible(&entry.to_string()))?;
        }
        out.write_str(
            "  = help: run `gate baseline update` to remove the fixed entries from the baseline\n",
        )?;
    }
    Ok(())
}

/// The findings the report lists: the new ones, and the known ones too with
/// `show_known`; none with `statistics`.
fn shown<'d>(diff: &'d Diff, options: &TextOptions) -> impl Iterator<Item = &'d Finding> {
    let (listed, show_known) = (!options.statistics, options.show_known && !options.quiet);
    diff.findings
        .iter()
        .filter(move |finding| listed && (finding.status == Status::New || show_known))
}

/// One line per rule, most violations first, like ruff's `--statistics`:
/// `  12  layers (layers): 2 new, 10 known`.
fn statistics(diff: &Diff) -> String {
    let counts = counts_per_rule(&diff.findings);
    let width = counts
        .iter()
        .map(|count| count.total().to_string().len())
        .max()
        .unwrap_or(1);
    let mut out = String::new();
    for count in counts {
        let _ = writeln!(
            out,
            "{:>width$}  {} ({}): {} new, {} known",
            count.total(),
            count.rule,
            count.kind,
            count.new,
            count.known
        );
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

fn write_finding(out: &mut impl Write, finding: &Finding, paint: &Paint) -> fmt::Result {
    let violation = &finding.violation;
    paint.push(out, BOLD, &visible(&violation.path))?;
    write!(
        out,
        ":{}:{}: {} ({}) {} [",
        violation.span.start.line,
        violation.span.start.column,
        violation.rule,
        violation.kind,
        visible(&violation.message)
    )?;
    match finding.status {
        Status::New => paint.push(out, RED, "new")?,
        Status::Known => paint.push(out, DIM, "known")?,
    }
    // A new warning does not fail the check; the tag says so.
    if violation.severity == Severity::Warning {
        out.write_str(", ")?;
        paint.push(out, YELLOW, "warning")?;
    }
    if let Some(note) = &finding.note {
        write!(out, ": {note}")?;
    }
    out.write_str("]\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample_diff;

    fn render(color: bool, quiet: bool, show_known: bool) -> String {
        render_text(
            &sample_diff(),
            12,
            &TextOptions {
                color,
                quiet,
                show_known,
                statistics: false,
            },
        )
    }

    #[test]
    fn statistics_count_each_rule_most_first_instead_of_listing() {
        let text = render_text(
            &sample_diff(),
            12,
            &TextOptions {
                statistics: true,
                ..TextOptions::default()
            },
        );
        let (counts, summary) = text.split_once("\n\n").unwrap();
        let lines: Vec<&str> = counts.lines().collect();
        assert!(lines.len() >= 2, "{text}");
        let totals: Vec<usize> = lines
            .iter()
            .map(|line| {
                line.trim_start()
                    .split(' ')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            })
            .collect();
        assert!(totals.is_sorted_by(|a, b| a >= b), "{text}");
        assert!(
            !text.contains("[new]") && !text.contains("[known]"),
            "{text}"
        );
        assert!(summary.contains("12 files:"), "{text}");
    }

    #[test]
    fn text_shows_new_violations_and_the_summary() {
        insta::assert_snapshot!(render(false, false, false));
    }

    #[test]
    fn text_with_show_known_lists_known_violations_too() {
        insta::assert_snapshot!(render(false, false, true));
    }

    #[test]
    fn quiet_text_is_only_the_new_violations() {
        insta::assert_snapshot!(render(false, true, true));
    }

    #[test]
    fn colored_text_paints_paths_and_statuses() {
        // Escape characters would be invisible in the snapshot file.
        insta::assert_snapshot!(render(true, false, true).replace('\x1b', "\\e"));
    }

    #[test]
    fn a_clean_run_is_only_the_summary() {
        let text = render_text(&Diff::default(), 1, &TextOptions::default());
        assert_eq!(text, "1 file: 0 new, 0 known (baseline), 0 fixed\n");
    }
}
