//! `gate map`: the architecture as it is (`crate::map`), from the same run
//! as `gate check`: the same analysis, compared with the same baseline.

use std::path::PathBuf;

use crate::commands;
use crate::diagnostic::Diagnostic;
use crate::exit::ExitCode;
use crate::map::{self, Map, MapFormat};
use crate::output;
use crate::run::{self, Analysed, RunOptions};
use crate::settings::Granularity;

/// `gate map`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapOptions {
    /// The project and the baseline, as `gate check` takes them.
    pub run: RunOptions,
    /// The nodes of the package graph.
    pub granularity: Granularity,
    pub format: MapFormat,
    /// Where the map goes; standard output when `None`.
    pub output: Option<PathBuf>,
}

pub fn run(options: &MapOptions) -> Result<ExitCode, Diagnostic> {
    let rendered = render(&options.run, options.granularity, options.format)?;
    match &options.output {
        Some(path) => output::write_output(path, &rendered)?,
        None => output::print_stdout(&rendered)?,
    }
    Ok(ExitCode::Clean)
}

/// Runs the check as `gate check` would (printing its warnings) and
/// renders its map.
fn render(
    run: &RunOptions,
    granularity: Granularity,
    format: MapFormat,
) -> Result<String, Diagnostic> {
    let analysed = run::check_project_keeping_analysis(run)?;
    commands::print_warnings(&analysed.outcome.warnings, run.project.verbose);
    Ok(map::render(&of_run(&analysed, granularity), format))
}

/// The map of a finished run.
pub fn of_run(analysed: &Analysed, granularity: Granularity) -> Map {
    map::build(
        &analysed.outcome.config,
        &analysed.files,
        &analysed.graph,
        &analysed.outcome.diff,
        granularity,
    )
}
