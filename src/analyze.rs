//! Runs the analysis stages in order: discover → parse → graph → rules →
//! suppress. Parsing overlaps the walk: each file is parsed by the walker
//! thread that finds it. What comes out is plain data; the commands decide
//! what to do with it (compare with a baseline, write one, print the graph).

use std::path::PathBuf;

use crate::config::Config;
use crate::dead_config;
use crate::discover::{self, DiscoverError, PathScope, SourceFile};
use crate::facts::FileFacts;
use crate::files::Files;
use crate::graph::{self, Graph};
use crate::layers::LayerMap;
use crate::rules;
use crate::suppress;
use crate::violation::Violation;
use crate::warning::{Warning, WarningKind};

/// Why the analysis could not finish.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    /// Files found but not read; none is analysed then.
    #[error(
        "cannot read {} file(s):\n  {}\nfix their permissions, or add them to `exclude`",
        .0.len(),
        lines(.0)
    )]
    Unreadable(Vec<UnreadableFile>),
    #[error("cannot start the worker threads")]
    Threads(#[source] rayon::ThreadPoolBuildError),
}

/// A file found by the walk that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {error}")]
pub struct UnreadableFile {
    /// Relative to the project root, as in every report.
    pub path: String,
    pub error: std::io::Error,
}

/// The unreadable files, one a line, indented under the message.
fn lines(files: &[UnreadableFile]) -> String {
    let lines: Vec<String> = files.iter().map(ToString::to_string).collect();
    lines.join("\n  ")
}

pub struct Analysis {
    /// Sorted by path, each with its facts.
    pub files: Files,
    pub graph: Graph,
    /// Sorted by `Violation::sort_key`; only those in `scope`.
    pub violations: Vec<Violation>,
    /// Degraded or skipped input, each naming the path.
    pub warnings: Vec<Warning>,
    /// The files the run reports on: the paths asked about, or every file.
    pub scope: PathScope,
}

/// What a run analysed, for the summary: the files it reports on, how many
/// of them have a module name, and their imports by where they lead.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Coverage {
    pub files: usize,
    pub modules: usize,
    /// Imports of the project's own modules.
    pub internal_imports: usize,
    /// Imports of other packages (the standard library included).
    pub external_imports: usize,
    /// Imports that cannot be resolved (a warning names each).
    pub unresolved_imports: usize,
}

impl Coverage {
    /// `57 files (55 modules), 351 imports: 264 internal, 87 external, 0
    /// unresolved`.
    pub fn line(&self) -> String {
        format!(
            "analysed {} {} ({} with a module name), {} imports: {} inside the project, {} \
             external, {} unresolved",
            self.files,
            if self.files == 1 { "file" } else { "files" },
            self.modules,
            self.internal_imports + self.external_imports + self.unresolved_imports,
            self.internal_imports,
            self.external_imports,
            self.unresolved_imports
        )
    }
}

impl Analysis {
    /// What the run analysed, within its scope.
    pub fn coverage(&self) -> Coverage {
        let in_scope = |file| self.scope.contains(&self.files.source(file).path);
        let mut coverage = Coverage::default();
        for (id, file, _) in self.files.iter() {
            if in_scope(id) {
                coverage.files += 1;
                coverage.modules += usize::from(file.module.is_some());
            }
        }
        for edge in self.graph.edges.iter().filter(|edge| in_scope(edge.file)) {
            if edge.internal {
                coverage.internal_imports += 1;
            } else {
                coverage.external_imports += 1;
            }
        }
        coverage.unresolved_imports = self
            .graph
            .unresolved
            .iter()
            .filter(|unresolved| in_scope(unresolved.file))
            .count();
        coverage
    }
}

/// Analyses the files under `targets` (the config's `include` when empty)
/// on `threads` threads (all cores when `None`).
pub fn analyze(
    config: &Config,
    targets: &[PathBuf],
    threads: Option<usize>,
) -> Result<Analysis, AnalysisError> {
    let layout = discover::Layout {
        root: &config.root,
        config_file: &config.file,
        project: &config.project,
    };
    let target = target_python(config);
    let discovery = discover::discover(&layout, targets, threads.unwrap_or(0), &|file| {
        read_and_parse(file, target)
    })?;
    let scope = discovery.scope;
    let mut warnings = discovery.warnings;
    let mut parsed_files = Vec::with_capacity(discovery.files.len());
    let mut unreadable = Vec::new();
    for (file, parsed) in discovery.files {
        match parsed {
            Ok(facts) => parsed_files.push((file, facts)),
            Err(error) => unreadable.push(UnreadableFile {
                path: file.path,
                error,
            }),
        }
    }
    if !unreadable.is_empty() {
        return Err(AnalysisError::Unreadable(unreadable));
    }

    let files = Files::new(parsed_files);
    let graph = graph::build(&files);
    for unresolved in &graph.unresolved {
        if !scope.contains(&files.source(unresolved.file).path) {
            continue;
        }
        let import = &files.facts(unresolved.file).imports[unresolved.import];
        warnings.push(Warning::new(
            WarningKind::UnresolvedImport,
            format!(
                "{}:{}:{}: cannot resolve import: {}",
                files.source(unresolved.file).path,
                import.span.start.line,
                import.span.start.column,
                unresolved.reason
            ),
        ));
    }

    let layers = LayerMap::new(
        &config.layers,
        &files,
        config.project.layer_header.as_ref(),
        &graph,
    );
    warnings.extend(dead_config::check(config, &files, &graph, &layers));
    let context = rules::Context::new(
        config.project.type_checking_imports,
        &files,
        &graph,
        &layers,
    );
    let found = rules::run(&context, &config.rules);
    let mut violations = suppress::apply(found, &files, &config.rule_names());
    violations.retain(|violation| scope.contains(&violation.path));
    violations.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));

    Ok(Analysis {
        files,
        graph,
        violations,
        warnings,
        scope,
    })
}

/// The Python whose syntax the files must parse as: `[project]
/// target-version`, else the lowest Python the `requires-python` of the
/// pyproject.toml beside the config admits, else the newest.
pub fn target_python(config: &Config) -> (u8, u8) {
    config
        .project
        .target_version
        .or_else(|| {
            let spec = crate::init::survey::requires_python(&config.root)?;
            crate::init::survey::lowest_python(&spec)
        })
        .map_or(crate::parse::NEWEST_PYTHON, |version| {
            version.min(crate::parse::NEWEST_PYTHON)
        })
}

/// Stage 3 for one file, run by the walker as it finds the file.
fn read_and_parse(file: &SourceFile, target: (u8, u8)) -> std::io::Result<FileFacts> {
    std::fs::read(&file.absolute).map(|bytes| crate::parse::parse_file_for(&bytes, target))
}

/// Runs `work` on a pool of `threads` threads (all cores when `None`).
pub fn with_threads<T: Send>(
    threads: Option<usize>,
    work: impl FnOnce() -> T + Send,
) -> Result<T, AnalysisError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = threads {
        builder = builder.num_threads(threads);
    }
    let pool = builder.build().map_err(AnalysisError::Threads)?;
    Ok(pool.install(work))
}
