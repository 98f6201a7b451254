//! One run of gate over a project: load the config, read the baseline,
//! analyse, compare. `check` and `ci` report the outcome; `baseline init`
//! and `update` and `graph` use the first steps on their own.

use std::path::{Path, PathBuf};

use crate::analyze::Coverage;
use crate::analyze::{self, Analysis, AnalysisError};
use crate::baseline::{self, Baseline, BaselineError, Diff};
use crate::cache::CacheLocation;
use crate::config::{self, Config, ConfigError};
use crate::diagnostic::Diagnostic;
use crate::facts::FactSet;
use crate::files::Files;
use crate::graph::Graph;
use crate::report::{
    self, BlobLinks, GithubReportOptions, MarkdownOptions, RepoPaths, SarifOptions, SizeLimit,
};
use crate::timings::{Lap, Timings};
use crate::warning::Warning;

/// Which project, and how many threads to analyse it on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProjectOptions {
    /// `--config`; `None` finds one from the current folder upwards.
    pub config: Option<PathBuf>,
    /// Worker threads; `None` is one per core.
    pub threads: Option<usize>,
    /// List every warning rather than a count per kind.
    pub verbose: bool,
    /// Where the facts cache is, if anywhere.
    pub cache: CacheLocation,
    /// The facts of each file the command reads besides the rules' (the
    /// map's line counts): extraction records only what is read.
    pub facts: FactSet,
    /// Print how long each stage and each rule took (`--timings`).
    pub timings: bool,
}

/// What to check, and against which baseline.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunOptions {
    pub project: ProjectOptions,
    /// Files or folders to report on; empty for the config's `include`.
    pub paths: Vec<PathBuf>,
    pub baseline: BaselineChoice,
    /// Baseline entries that no longer occur fail the run.
    pub fail_on_stale: bool,
    /// Config warnings fail the run (also `[project] strict`).
    pub strict: bool,
}

/// The baseline a run compares with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum BaselineChoice {
    /// The config's `baseline`, relative to the project root. When the
    /// config does not name one and the default `baseline.json` does not
    /// exist, the run is a first run: every violation is new, and the
    /// outcome says so (`missing_baseline`). A baseline the config names
    /// must exist.
    #[default]
    Configured,
    /// A file named on the command line, relative to the current folder;
    /// it must exist.
    File(PathBuf),
    /// None: every violation is new.
    Without,
}

/// A finished run: the config, and every violation against the baseline.
pub struct Outcome {
    pub config: Config,
    pub diff: Diff,
    /// Python files analysed.
    pub files: usize,
    /// What the run analysed: files, modules, imports.
    pub coverage: Coverage,
    /// Degraded or skipped input, each naming the path.
    pub warnings: Vec<Warning>,
    /// The baseline compared with; `None` without one.
    pub baseline_path: Option<PathBuf>,
    /// That baseline as read, before a run over some paths narrowed it to
    /// the files checked.
    pub baseline: Option<Baseline>,
    /// The default baseline file when it does not exist yet: a first run,
    /// where every violation is new (see [`BaselineChoice::Configured`]).
    pub missing_baseline: Option<PathBuf>,
    /// How long each stage took, for `--timings`.
    pub timings: Timings,
}

/// Why a run could not finish.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot read the current directory")]
    CurrentDirectory(#[source] std::io::Error),
    #[error(
        "no gate.toml (or pyproject.toml with [tool.gate]) in {} or any folder above it",
        .cwd.display()
    )]
    NoConfig { cwd: PathBuf },
    /// Boxed: a config error carries its excerpt, and results stay small.
    #[error(transparent)]
    Config(Box<ConfigError>),
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    /// Discovery or parsing failed (unreadable files, bad paths, threads).
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    /// Under `--strict`, the config checks less than it says.
    #[error(
        "the config checks less than it says ({} under --strict):\n  {}",
        if warnings.len() == 1 { "1 problem".to_string() } else { format!("{} problems", warnings.len()) },
        warnings.iter().map(|warning| warning.message.as_str()).collect::<Vec<_>>().join("\n  ")
    )]
    Strict { warnings: Vec<Warning> },
}

impl RunError {
    /// What to do about it, when there is something to say.
    pub fn help(&self) -> Option<String> {
        match self {
            RunError::NoConfig { .. } => Some(
                "run `gate init` at the project root to propose a gate.toml, or pass --config FILE"
                    .to_string(),
            ),
            RunError::Baseline(error) => Diagnostic::from(error).help,
            RunError::Strict { .. } => Some(
                "fix the patterns named above, or run without --strict (and without `strict = true` in [project]) to have them as warnings"
                    .to_string(),
            ),
            RunError::CurrentDirectory(_) | RunError::Config(_) | RunError::Analysis(_) => None,
        }
    }
}

impl From<ConfigError> for RunError {
    fn from(error: ConfigError) -> Self {
        RunError::Config(Box::new(error))
    }
}

impl From<RunError> for Diagnostic {
    fn from(error: RunError) -> Self {
        match &error {
            RunError::CurrentDirectory(cause) => Diagnostic::caused_by(&error, cause),
            RunError::Config(config) => Diagnostic::from(config.as_ref()),
            RunError::Baseline(baseline) => Diagnostic::from(baseline),
            // The message and its causes, as `cannot start the worker
            // threads: ...`.
            RunError::Analysis(analysis) => Diagnostic::of_error(analysis),
            RunError::NoConfig { .. } | RunError::Strict { .. } => {
                Diagnostic::error(error.to_string()).with_help(error.help())
            }
        }
    }
}

/// A finished run and the analysis it compared: what `gate map` draws, so
/// that the map and the check never disagree.
pub struct Analysed {
    pub outcome: Outcome,
    pub files: Files,
    pub graph: Graph,
}

/// Loads the config and the baseline, analyses, and compares.
pub fn check_project(options: &RunOptions) -> Result<Outcome, RunError> {
    let Analysed {
        outcome,
        files,
        graph,
    } = check_project_keeping_analysis(options)?;
    // The facts of every file are hundreds of thousands of small
    // allocations; the process is about to exit, so let the OS reclaim them
    // at once instead of freeing them one by one.
    std::mem::forget((files, graph));
    Ok(outcome)
}

/// [`check_project`], keeping the files and the import graph it analysed.
pub fn check_project_keeping_analysis(options: &RunOptions) -> Result<Analysed, RunError> {
    let mut lap = Lap::start();
    let config = load_config(&options.project)?;
    // Read the baseline first: a broken one should fail before a long run.
    let baseline_path = match &options.baseline {
        BaselineChoice::Without => None,
        BaselineChoice::Configured => Some(baseline_path(&config, None)),
        BaselineChoice::File(path) => Some(baseline_path(&config, Some(path))),
    };
    let (baseline, missing_baseline) = match baseline_path.as_deref().map(baseline::load) {
        None => (None, None),
        Some(Ok(baseline)) => (Some(baseline), None),
        // Only the default file may be missing: a path the user wrote down
        // that does not exist is a mistake to report, not a first run.
        Some(Err(BaselineError::Missing { path }))
            if options.baseline == BaselineChoice::Configured
                && !config.project.baseline_configured =>
        {
            (None, Some(path))
        }
        Some(Err(error)) => return Err(error.into()),
    };
    let read = lap.split();
    let mut analysis = analyze(&config, &options.project, &options.paths)?;
    lap.split();
    let mut timings = Timings::default();
    timings.add("config and baseline read", read);
    timings.stages.append(&mut analysis.timings.stages);
    timings.rules = std::mem::take(&mut analysis.timings.rules);
    if options.strict || config.project.strict {
        let config_warnings: Vec<Warning> = analysis
            .warnings
            .iter()
            .filter(|warning| warning.kind.is_config())
            .cloned()
            .collect();
        if !config_warnings.is_empty() {
            return Err(RunError::Strict {
                warnings: config_warnings,
            });
        }
    }
    // Entries outside the paths asked about were not looked at: they are
    // neither fixed nor compared.
    // A run over every file compares with the whole baseline as it is.
    let within = baseline
        .as_ref()
        .filter(|_| !analysis.scope.is_everything())
        .map(|baseline| baseline.within(&analysis.scope));
    let checked_baseline = within.as_ref().or(baseline.as_ref());
    let coverage = analysis.coverage();
    let files = coverage.files;
    let diff = baseline::diff(analysis.violations, checked_baseline);
    timings.add("baseline diff", lap.split());
    Ok(Analysed {
        outcome: Outcome {
            config,
            diff,
            files,
            coverage,
            warnings: analysis.warnings,
            baseline_path,
            baseline,
            missing_baseline,
            timings,
        },
        files: analysis.files,
        graph: analysis.graph,
    })
}

/// Loads the config named by `--config`, or finds one from the current
/// folder upwards.
pub fn load_config(project: &ProjectOptions) -> Result<Config, RunError> {
    let cwd = std::env::current_dir().map_err(RunError::CurrentDirectory)?;
    let path = match &project.config {
        Some(path) => path.clone(),
        None => {
            let found =
                config::find_config(&cwd).ok_or_else(|| RunError::NoConfig { cwd: cwd.clone() })?;
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

/// Runs the analysis on the configured thread count.
pub fn analyze(
    config: &Config,
    project: &ProjectOptions,
    targets: &[PathBuf],
) -> Result<Analysis, RunError> {
    let threads = project.threads;
    let analysis = analyze::with_threads(threads, || {
        analyze::analyze(config, targets, threads, &project.cache, project.facts)
    })??;
    Ok(analysis)
}

/// The baseline file: `explicit` (relative to the current folder), else
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

impl Outcome {
    /// What a first run (no baseline file yet) ends with: why everything
    /// is new, and how to adopt the current violations. `None` otherwise.
    pub fn first_run_note(&self) -> Option<String> {
        let path = self.missing_baseline.as_ref()?;
        Some(format!(
            "note: no baseline yet ({} does not exist), so every violation is reported as new\n  \
             = help: run `gate baseline init` to record the current violations in it, then commit it \
             (`gate init` proposes a config and does both)",
            path.display()
        ))
    }

    /// The baseline file as messages name it.
    pub fn baseline_name(&self) -> String {
        match &self.baseline_path {
            Some(path) => path.display().to_string(),
            None => self.config.project.baseline.display().to_string(),
        }
    }

    /// Why the SARIF does not hold every result, if it does not.
    pub fn sarif_truncation(&self, options: &GithubReportOptions) -> Option<String> {
        let count = report::sarif_result_count(&self.diff, options.sarif_known);
        (count > report::MAX_RESULTS).then(|| {
            format!(
                "the SARIF holds the first {} of {count} results, as many as code scanning keeps \
                 (new errors first); the text, JSON and Markdown reports list them all",
                report::MAX_RESULTS
            )
        })
    }

    pub fn sarif(&self, options: &GithubReportOptions, paths: &RepoPaths) -> String {
        report::render_sarif(
            &self.diff,
            &SarifOptions {
                warnings: &self.warnings,
                rules: &self.config.rules,
                known: options.sarif_known,
                category: &options.category,
                baseline_file: &self.baseline_name(),
                paths,
            },
        )
    }

    /// The Markdown report without GitHub's context (links, base branch).
    /// The Markdown report without Actions' context (base branch, run);
    /// `links` makes each new violation a link to its line.
    pub fn markdown(
        &self,
        options: &GithubReportOptions,
        paths: &RepoPaths,
        links: Option<&BlobLinks>,
    ) -> String {
        report::render_markdown(
            &self.diff,
            &MarkdownOptions {
                files: self.files,
                category: &options.category,
                paths,
                links,
                baseline_file: &self.baseline_name(),
                baseline_added: None,
                run_url: None,
                limit: SizeLimit::SUMMARY,
            },
        )
    }
}

impl From<&BaselineError> for Diagnostic {
    /// `BaselineError`'s messages carry their hint after `\n  = help: ` (it
    /// is also shown as one line of a warning about the base branch's
    /// baseline); taken apart here so the hint goes through the renderer.
    fn from(error: &BaselineError) -> Self {
        let text = error.to_string();
        match text.split_once("\n  = help: ") {
            Some((message, help)) => Diagnostic::error(message).with_help(help.to_string()),
            None => Diagnostic::error(text),
        }
    }
}
