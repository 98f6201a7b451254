//! `gate map`: the architecture as it is (`crate::map`), from the same run
//! as `gate check`: the same analysis, compared with the same baseline.

use std::path::PathBuf;

use crate::commands;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::exit::ExitCode;
use crate::history::{self, ReadOptions};
use crate::map::{self, DebtOverTime, Map, MapFormat};
use crate::output;
use crate::run::{self, Analysed, BaselineChoice, RunOptions};
use crate::settings::Granularity;
use crate::timings::Lap;

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
    let mut lap = Lap::start();
    commands::print_warnings(&analysed.outcome.warnings, run.project.verbose);
    let map = of_run(&analysed, granularity);
    let rendered = match format {
        MapFormat::Text => map::render_text(&map),
        MapFormat::Json => map::render_json(&map),
        MapFormat::Markdown => map::render_markdown(&map),
        MapFormat::Dot => map::render_dot(&map),
        MapFormat::Mermaid => map::render_mermaid(&map),
        // Only the page reads git: the other formats stay what the tree
        // alone makes them.
        MapFormat::Html => map::render_html(
            &map,
            &debt_over_time(&analysed.outcome.config, &run.baseline),
        ),
    };
    let mut timings = analysed.outcome.timings;
    timings.add("map", lap.split());
    commands::print_timings(&run.project, &timings);
    Ok(rendered)
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

/// The history of the baseline `gate baseline history` follows (the one
/// named by `--baseline`, else the configured one, also under
/// `--no-baseline`: its history is the repository's, whatever this run
/// compares with), or why there is none. Never an error: the page is
/// written without the chart.
fn debt_over_time(config: &Config, baseline: &BaselineChoice) -> DebtOverTime {
    let explicit = match baseline {
        BaselineChoice::File(path) => Some(path.as_path()),
        BaselineChoice::Configured | BaselineChoice::Without => None,
    };
    let path = run::baseline_path(config, explicit);
    let read = ReadOptions {
        offline: true,
        ..ReadOptions::default()
    };
    match history::read(&path, &read) {
        Ok(history) => DebtOverTime::Read(history),
        Err(error) => DebtOverTime::Unavailable(error.to_string()),
    }
}
