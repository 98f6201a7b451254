//! Runs the analysis stages in order: discover → parse → graph → rules →
//! suppress. Parsing overlaps the walk: each file is parsed by the walker
//! thread that finds it. What comes out is plain data; the commands decide
//! what to do with it (compare with a baseline, write one, print the graph).

use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};

use crate::config::Config;
use crate::discover::{self, SourceFile};
use crate::facts::FileFacts;
use crate::files::Files;
use crate::graph::{self, Graph};
use crate::layers::LayerMap;
use crate::rules;
use crate::suppress;
use crate::violation::Violation;

pub struct Analysis {
    /// Sorted by path, each with its facts.
    pub files: Files,
    pub graph: Graph,
    /// Sorted by `Violation::sort_key`.
    pub violations: Vec<Violation>,
    /// Degraded or skipped input, each naming the path.
    pub warnings: Vec<String>,
}

/// Analyses the files under `targets` (the config's `include` when empty)
/// on `threads` threads (all cores when `None`).
pub fn analyze(config: &Config, targets: &[PathBuf], threads: Option<usize>) -> Result<Analysis> {
    let layout = discover::Layout {
        root: &config.root,
        config_file: &config.file,
        project: &config.project,
    };
    let discovery = discover::discover(&layout, targets, threads.unwrap_or(0), &read_and_parse)?;
    let mut warnings = discovery.warnings;
    let mut parsed_files = Vec::with_capacity(discovery.files.len());
    let mut unreadable = Vec::new();
    for (file, parsed) in discovery.files {
        match parsed {
            Ok(facts) => parsed_files.push((file, facts)),
            Err(error) => unreadable.push(format!("{}: {error}", file.path)),
        }
    }
    if !unreadable.is_empty() {
        bail!(
            "cannot read {} file(s):\n  {}\nfix their permissions, or add them to `exclude`",
            unreadable.len(),
            unreadable.join("\n  ")
        );
    }

    let files = Files::new(parsed_files);
    let graph = graph::build(&files);
    for unresolved in &graph.unresolved {
        let import = &files.facts(unresolved.file).imports[unresolved.import];
        warnings.push(format!(
            "{}:{}:{}: cannot resolve import: {}",
            files.source(unresolved.file).path,
            import.span.start.line,
            import.span.start.column,
            unresolved.reason
        ));
    }

    let layers = LayerMap::new(
        &config.layers,
        &files,
        config.project.layer_header.as_ref(),
        &graph,
    );
    let context = rules::Context::new(
        config.project.type_checking_imports,
        &files,
        &graph,
        &layers,
    );
    let found = rules::run(&context, &config.rules);
    let mut violations = suppress::apply(found, &files, &config.rule_names());
    violations.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));

    Ok(Analysis {
        files,
        graph,
        violations,
        warnings,
    })
}

/// Stage 3 for one file, run by the walker as it finds the file.
fn read_and_parse(file: &SourceFile) -> std::io::Result<FileFacts> {
    std::fs::read(&file.absolute).map(|bytes| crate::parse::parse_file(&bytes))
}

/// Runs `work` on a pool of `threads` threads (all cores when `None`).
pub fn with_threads<T: Send>(threads: Option<usize>, work: impl FnOnce() -> T + Send) -> Result<T> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = threads {
        builder = builder.num_threads(threads);
    }
    let pool = builder.build().context("cannot start the worker threads")?;
    Ok(pool.install(work))
}
