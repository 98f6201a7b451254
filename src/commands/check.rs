//! `gate check`: analyse, compare with the baseline, report, decide the exit
//! code.

use std::fmt::{self, Write};

use crate::commands;
use crate::diagnostic::Diagnostic;
use crate::exit::ExitCode;
use crate::output;
use crate::report::{self, Format, ReportOptions};
use crate::run::{self, RunOptions};
use crate::timings::Lap;

pub fn run(options: &RunOptions, report: &ReportOptions) -> Result<ExitCode, Diagnostic> {
    let mut outcome = run::check_project(options)?;
    let mut lap = Lap::start();
    let mut timings = std::mem::take(&mut outcome.timings);
    commands::print_warnings(&outcome.warnings, options.project.verbose);
    let paths = commands::repo_paths(&outcome.config, None);
    let wants_markdown = report.format == Format::Markdown || report.markdown.is_some();
    // Outside Actions too, new violations link to their line when the
    // checkout's origin is on GitHub.
    let links = wants_markdown
        .then(|| crate::github::links::from_checkout(paths.root()))
        .flatten();
    let diff = &outcome.diff;

    let rendered = match report.format {
        // The human report goes out as it is rendered: a first run on a
        // large project lists tens of thousands of findings.
        Format::Text if report.output.is_none() => {
            output::stream_stdout(|out| write_text_report(out, &outcome, report))?;
            None
        }
        Format::Text => {
            let mut text = String::new();
            // Writing to a String cannot fail.
            let _ = write_text_report(&mut text, &outcome, report);
            Some(text)
        }
        Format::Json => Some(report::render_json(
            diff,
            &outcome.coverage,
            &outcome.warnings,
        )),
        Format::Sarif => Some(outcome.sarif(&report.github, &paths)),
        Format::Github => Some(report::render_annotations(diff, &paths)),
        Format::Markdown => Some(outcome.markdown(&report.github, &paths, links.as_ref())),
    };
    match (&report.output, rendered) {
        (_, None) => {}
        (Some(path), Some(rendered)) => output::write_output(path, &rendered)?,
        // Annotations are workflow commands, their user text escaped.
        (None, Some(rendered)) if report.format == Format::Github => {
            output::print_workflow_commands(&rendered)?
        }
        (None, Some(rendered)) => output::print_stdout(&rendered)?,
    }
    if let Some(path) = &report.json {
        output::write_output(
            path,
            &report::render_json(diff, &outcome.coverage, &outcome.warnings),
        )?;
    }
    if let Some(path) = &report.sarif {
        output::write_output(path, &outcome.sarif(&report.github, &paths))?;
    }
    if (report.format == Format::Sarif || report.sarif.is_some())
        && let Some(warning) = outcome.sarif_truncation(&report.github)
    {
        crate::eprintln_inert!("warning: {warning}");
    }
    if let Some(path) = &report.markdown {
        output::write_output(
            path,
            &outcome.markdown(&report.github, &paths, links.as_ref()),
        )?;
    }
    if let Some(note) = outcome.first_run_note() {
        crate::eprintln_inert!("{note}");
    }
    timings.add("report", lap.split());
    commands::print_timings(&options.project, &timings);
    Ok(ExitCode::of_check(diff, options.fail_on_stale))
}

/// The text report, then what was analysed: a run that analysed little
/// shows it (not with `--quiet`).
fn write_text_report(
    out: &mut impl Write,
    outcome: &run::Outcome,
    report: &ReportOptions,
) -> fmt::Result {
    report::write_text(out, &outcome.diff, outcome.files, &report.text)?;
    if report.text.quiet {
        return Ok(());
    }
    writeln!(out, "  {}", outcome.coverage.line())
}
