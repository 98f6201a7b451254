//! `gate ci`: one run in GitHub Actions that checks, writes the SARIF for
//! code scanning, prints the text report, and hands the outcome to
//! `github::publish` (annotations, job summary, pull-request comment, step
//! outputs). Only the violations decide the exit code.

use std::path::{Path, PathBuf};

use crate::commands;
use crate::diagnostic::Diagnostic;
use crate::exit::ExitCode;
use crate::github::env::GithubEnv;
use crate::github::publish::{self, Log, PublishOptions};
use crate::output;
use crate::report::{self, GithubReportOptions, TextOptions};
use crate::run::{self, RunOptions};
use crate::settings::Granularity;
use crate::timings::Lap;

/// Everything `gate ci` is told on its command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CiOptions {
    pub run: RunOptions,
    /// Where to write the SARIF report, as given.
    pub sarif: PathBuf,
    pub github: GithubReportOptions,
    pub publish: PublishOptions,
    /// Append the architecture map to the job summary.
    pub map_summary: bool,
}

pub fn run(options: &CiOptions) -> Result<ExitCode, Diagnostic> {
    let github = GithubEnv::from_process();
    // The map needs the analysis the check compared; without it the
    // analysis is left to the OS at exit, as `gate check` does.
    let (mut outcome, map) = if options.map_summary {
        let analysed = run::check_project_keeping_analysis(&options.run)?;
        let depth = crate::map::DEFAULT_DEPTH;
        let map = commands::map::of_run(&analysed, Granularity::Package { depth });
        (analysed.outcome, Some(crate::map::render_markdown(&map)))
    } else {
        (run::check_project(&options.run)?, None)
    };
    let mut lap = Lap::start();
    let mut timings = std::mem::take(&mut outcome.timings);
    commands::print_warnings(&outcome.warnings, options.run.project.verbose);
    let paths = commands::repo_paths(&outcome.config, github.workspace.as_deref());

    let sarif_path = absolute(&options.sarif);
    output::write_output(&sarif_path, &outcome.sarif(&options.github, &paths))?;
    let text = report::render_text(&outcome.diff, outcome.files, &TextOptions::default());
    output::print_stdout(&format!(
        "{text}SARIF written to {}\n",
        options.sarif.display()
    ))?;

    if let Some(warning) = outcome.sarif_truncation(&options.github) {
        Log { github: &github }.warning(&warning);
    }
    let code = ExitCode::of_check(&outcome.diff, options.run.fail_on_stale);
    if let Some(note) = outcome.first_run_note() {
        crate::eprintln_inert!("{note}");
    }
    if !github.in_actions {
        crate::eprintln_inert!(
            "note: not in GitHub Actions (GITHUB_ACTIONS is not `true`): skipped the \
             annotations, the job summary, the pull-request comment and the step outputs"
        );
        timings.add("report", lap.split());
        commands::print_timings(&options.run.project, &timings);
        return Ok(code);
    }
    publish::publish(
        &outcome,
        &github,
        &paths,
        &sarif_path,
        &options.github,
        &options.publish,
        map.as_deref(),
    )?;
    timings.add("report and publish", lap.split());
    commands::print_timings(&options.run.project, &timings);
    Ok(code)
}

fn absolute(path: &Path) -> PathBuf {
    std::env::current_dir()
        .map(|cwd| crate::discover::normalize(&cwd.join(path)))
        .unwrap_or_else(|_| path.to_path_buf())
}
