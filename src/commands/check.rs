//! `gate check`: analyse, compare with the baseline, report, decide the exit
//! code.

use std::fmt::Write;

use crate::commands;
use crate::diagnostic::Diagnostic;
use crate::exit::ExitCode;
use crate::output;
use crate::report::{self, Format, ReportOptions};
use crate::run::{self, RunOptions};

pub fn run(options: &RunOptions, report: &ReportOptions) -> Result<ExitCode, Diagnostic> {
    let outcome = run::check_project(options)?;
    commands::print_warnings(&outcome.warnings, options.project.verbose);
    let paths = commands::repo_paths(&outcome.config, None);
    let wants_markdown = report.format == Format::Markdown || report.markdown.is_some();
    // Outside Actions too, new violations link to their line when the
    // checkout's origin is on GitHub.
    let links = wants_markdown
        .then(|| crate::github::links::from_checkout(paths.root()))
        .flatten();
    let (diff, files) = (&outcome.diff, outcome.files);

    let coverage = || format!("  {}\n", outcome.coverage.line());
    let rendered = match report.format {
        // The human report goes out as it is rendered: a first run on a
        // large project lists tens of thousands of findings.
        Format::Text if report.output.is_none() => {
            output::stream_stdout(|out| {
                report::write_text(out, diff, files, &report.text)?;
                // What was analysed follows the counts: a run that analysed
                // little shows it.
                if report.text.quiet {
                    Ok(())
                } else {
                    out.write_str(&coverage())
                }
            })?;
            None
        }
        Format::Text if report.text.quiet => Some(report::render_text(diff, files, &report.text)),
        Format::Text => Some(report::render_text(diff, files, &report.text) + &coverage()),
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
    Ok(ExitCode::of_check(diff, options.fail_on_stale))
}
