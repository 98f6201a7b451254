//! `gate baseline init` (adopt every current violation) and `gate baseline
//! update` (the ratchet: the baseline only shrinks unless --accept-new).

use std::path::PathBuf;

use crate::baseline::{self, Baseline};
use crate::commands;
use crate::diagnostic::Diagnostic;
use crate::exit::ExitCode;
use crate::run::{self, ProjectOptions};

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
    let analysis = run::analyze(&config, &options.project, &[])?;
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
    Ok(ExitCode::Clean)
}

pub fn update(options: &UpdateOptions) -> Result<ExitCode, Diagnostic> {
    let config = run::load_config(&options.project)?;
    let path = run::baseline_path(&config, options.baseline.as_deref());
    let old = baseline::load(&path).map_err(|error| Diagnostic::from(&error))?;
    let analysis = run::analyze(&config, &options.project, &options.paths)?;
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
    Ok(ExitCode::of_update(outcome.refused))
}
