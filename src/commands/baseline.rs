//! `gate baseline init` (adopt every current violation), `gate baseline
//! update` (the ratchet: the baseline only shrinks unless --accept-new) and
//! `gate baseline history` (the debt it allowed at each commit).

use std::path::PathBuf;

use crate::baseline::{self, Baseline};
use crate::commands;
use crate::diagnostic::Diagnostic;
use crate::exit::ExitCode;
use crate::history::{self, History};
use crate::output;
use crate::run::{self, ProjectOptions};
use crate::timings::Lap;
use crate::warning::{Warning, WarningKind};

/// `gate baseline init`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitOptions {
    pub project: ProjectOptions,
    /// The baseline file to write; `None` for the config's.
    pub baseline: Option<PathBuf>,
    /// Overwrite an existing baseline.
    pub force: bool,
}

/// `gate baseline update`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdateOptions {
    /// Update only the entries located in these files or folders.
    pub paths: Vec<PathBuf>,
    pub project: ProjectOptions,
    /// The baseline file to update; `None` for the config's.
    pub baseline: Option<PathBuf>,
    /// Also add the violations that are not in the baseline yet.
    pub accept_new: bool,
}

pub fn init(options: &InitOptions) -> Result<ExitCode, Diagnostic> {
    let config = run::load_config(&options.project)?;
    let path = run::baseline_path(&config, options.baseline.as_deref());
    if path.exists() && !options.force {
        return Err(Diagnostic::error(format!(
            "{} already exists; `gate baseline update` ratchets it, `gate baseline init --force` replaces it",
            path.display()
        )));
    }
    let mut analysis = run::analyze(&config, &options.project, &[])?;
    let mut lap = Lap::start();
    commands::print_warnings(&analysis.warnings, options.project.verbose);
    let new_baseline = baseline::from_violations(&analysis.violations);
    baseline::save(&path, &new_baseline).map_err(|error| Diagnostic::of_error(&error))?;
    crate::eprintln_inert!(
        "wrote {}: {} entries for {} violations in {} files",
        path.display(),
        new_baseline.entries.len(),
        analysis.violations.len(),
        analysis.files.len()
    );
    analysis.timings.add("baseline write", lap.split());
    commands::print_timings(&options.project, &analysis.timings);
    Ok(ExitCode::Clean)
}

pub fn update(options: &UpdateOptions) -> Result<ExitCode, Diagnostic> {
    let config = run::load_config(&options.project)?;
    let path = run::baseline_path(&config, options.baseline.as_deref());
    let old = baseline::load(&path).map_err(|error| Diagnostic::from(&error))?;
    let mut analysis = run::analyze(&config, &options.project, &options.paths)?;
    let mut lap = Lap::start();
    commands::print_warnings(&analysis.warnings, options.project.verbose);
    // Entries outside the paths asked about are kept as they are.
    let (within, outside): (Vec<_>, Vec<_>) = old
        .entries
        .iter()
        .cloned()
        .partition(|entry| analysis.scope.contains(&entry.path));
    let mut outcome = baseline::update(
        &Baseline { entries: within },
        &analysis.violations,
        options.accept_new,
    );
    outcome.baseline.entries.extend(outside);
    if outcome.baseline.to_json() != old.to_json() {
        baseline::save(&path, &outcome.baseline).map_err(|error| Diagnostic::of_error(&error))?;
    }
    crate::eprintln_inert!("{}", outcome.summary(&path));
    analysis.timings.add("baseline update", lap.split());
    commands::print_timings(&options.project, &analysis.timings);
    Ok(ExitCode::of_update(outcome.refused))
}

/// `gate baseline history`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryOptions {
    pub project: ProjectOptions,
    /// The baseline file to follow; `None` for the config's.
    pub baseline: Option<PathBuf>,
    pub read: history::ReadOptions,
    pub format: HistoryFormat,
    /// Write to this file instead of standard output.
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryFormat {
    Text,
    Json,
    Svg,
}

impl HistoryFormat {
    /// As `--format` spells it.
    pub fn name(self) -> &'static str {
        match self {
            HistoryFormat::Text => "text",
            HistoryFormat::Json => "json",
            HistoryFormat::Svg => "svg",
        }
    }
}

/// Without git or a repository there is no history, which is said and not
/// an error: the rest of a pipeline (a report that would embed the chart)
/// carries on.
pub fn history(options: &HistoryOptions) -> Result<ExitCode, Diagnostic> {
    let config = run::load_config(&options.project)?;
    let path = run::baseline_path(&config, options.baseline.as_deref());
    let history = match history::read(&path, &options.read) {
        Ok(history) => history,
        Err(error) if error.is_unavailable() => {
            commands::print_warnings(
                &[Warning::new(WarningKind::PartialHistory, error.to_string())],
                options.project.verbose,
            );
            History {
                path: path.display().to_string(),
                ..History::default()
            }
        }
        Err(error) => return Err(Diagnostic::of_error(&error)),
    };
    commands::print_warnings(&history.warnings(), options.project.verbose);
    let rendered = match options.format {
        HistoryFormat::Text => history::text::render(&history),
        HistoryFormat::Json => history::json::render(&history),
        HistoryFormat::Svg => history::svg::render(&history),
    };
    match &options.output {
        Some(file) => output::write_output(file, &rendered)?,
        None => output::print_stdout(&rendered)?,
    }
    Ok(ExitCode::Clean)
}
