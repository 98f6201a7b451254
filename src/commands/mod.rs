//! One module per command. Shared here: finding the config, printing
//! warnings, writing output files.

pub mod baseline;
pub mod check;
pub mod ci;
pub mod explain;
pub mod graph;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};

use crate::analyze::{self, Analysis};
use crate::cli::ProjectArgs;
use crate::config::{self, Config};
use crate::report::RepoPaths;

/// Loads the config named by `--config`, or finds one from the current
/// folder upwards.
pub fn load_config(args: &ProjectArgs) -> Result<Config> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let path = match &args.config {
        Some(path) => path.clone(),
        None => {
            let found = config::find_config(&cwd).ok_or_else(|| {
                anyhow!(
                    "no gate.toml (or pyproject.toml with [tool.gate]) in {} or any folder above it\n  \
                     = help: create a gate.toml at the project root (see the README), or pass --config FILE",
                    cwd.display()
                )
            })?;
            // Messages name the file as the user would type it.
            found
                .strip_prefix(&cwd)
                .map(Path::to_path_buf)
                .unwrap_or(found)
        }
    };
    let mut config = config::load(&path)?;
    config.root = crate::discover::normalize(&cwd.join(&config.root));
    Ok(config)
}

/// Runs the analysis on the configured thread count and prints its warnings.
pub fn analyze(config: &Config, args: &ProjectArgs, targets: &[PathBuf]) -> Result<Analysis> {
    let threads = args.threads.map(usize::from);
    let analysis = analyze::with_threads(threads, || analyze::analyze(config, targets, threads))??;
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for warning in &analysis.warnings {
        if color {
            eprintln!("\x1b[1;33mwarning\x1b[0m: {warning}");
        } else {
            eprintln!("warning: {warning}");
        }
    }
    Ok(analysis)
}

/// The baseline file: `--baseline` (relative to the current folder), else
/// the config's (relative to the project root). Relative to the current
/// folder when it lies below it, so messages name it as the user would.
pub fn baseline_path(config: &Config, explicit: Option<&Path>) -> PathBuf {
    match explicit {
        Some(path) => path.to_path_buf(),
        None => {
            let path = config.root.join(&config.project.baseline);
            std::env::current_dir()
                .ok()
                .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
                .unwrap_or(path)
        }
    }
}

/// Prints `text` to standard output. A reader that went away (`gate check
/// | head`) is not an error: the output was not wanted any more.
pub fn print_stdout(text: &str) -> Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(error).context("cannot write to standard output")
        }
        _ => Ok(()),
    }
}

/// Writes `contents` to `path` atomically, creating its folder, naming the
/// file on failure.
pub fn write_output(path: &Path, contents: &str) -> Result<()> {
    if let Some(folder) = path
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
    {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create the folder {}", folder.display()))?;
    }
    crate::write::write_atomic(path, contents.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
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
