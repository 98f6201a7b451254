//! One module per command, each taking plain options (see `crate::app`)
//! and returning its exit code or the diagnostic to print. Shared here:
//! printing warnings, placing the project in its repository.

pub mod baseline;
pub mod check;
pub mod ci;
pub mod explain;
pub mod graph;
pub mod init;
pub mod map;

use std::io::IsTerminal;
use std::path::Path;

use crate::config::Config;
use crate::report::RepoPaths;
use crate::run::ProjectOptions;
use crate::timings::Timings;
use crate::warning::Warning;

/// Prints the analysis's warnings (degraded or skipped input) to standard
/// error, in yellow on a terminal.
pub fn print_warnings(warnings: &[Warning], verbose: bool) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    // A warning is one line: a file name's line break shows as `\n`.
    let warnings: Vec<Warning> = warnings
        .iter()
        .map(|warning| Warning::new(warning.kind, crate::output::visible(&warning.message)))
        .collect();
    for warning in crate::warning::grouped(&warnings, verbose) {
        if color {
            crate::eprintln_inert!("\x1b[1;33mwarning\x1b[0m: {warning}");
        } else {
            crate::eprintln_inert!("warning: {warning}");
        }
    }
}

/// With `--timings`, how long each stage and rule took, on standard error
/// after everything else.
pub fn print_timings(project: &ProjectOptions, timings: &Timings) {
    if project.timings {
        crate::output::print_stderr(&timings.render());
    }
}

/// Where the project sits in its repository: in the checkout GitHub names
/// (`GITHUB_WORKSPACE`) when it lies there, else in the nearest folder
/// above it holding `.git`, else it is its own root. Symbolic links are
/// resolved, as code scanning does not follow them.
pub fn repo_paths(config: &Config, workspace: Option<&Path>) -> RepoPaths {
    let real = |path: &Path| std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let root = real(&config.root);
    let repository = workspace
        .map(real)
        .filter(|workspace| root.starts_with(workspace))
        .or_else(|| {
            root.ancestors()
                .find(|folder| folder.join(".git").exists())
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(|| root.clone());
    RepoPaths::new(&root, &repository)
}
