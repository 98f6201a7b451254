//! Runs the analysis stages in order: discover → parse → graph → rules →
//! suppress. What comes out is plain data; the commands decide what to do
//! with it (compare with a baseline, write one, print the graph).

use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};
use rayon::prelude::*;

use crate::config::Config;
use crate::discover::{self, SourceFile};
use crate::facts::FileFacts;
use crate::graph::{self, Graph};
use crate::layers::LayerMap;
use crate::rules;
use crate::suppress;
use crate::violation::Violation;

pub struct Analysis {
    /// Sorted by path.
    pub files: Vec<SourceFile>,
    /// `facts[i]` belongs to `files[i]`.
    pub facts: Vec<FileFacts>,
    pub graph: Graph,
    /// Sorted by `Violation::sort_key`.
    pub violations: Vec<Violation>,
    /// Degraded or skipped input, each naming the path.
    pub warnings: Vec<String>,
}

/// Analyses the files under `targets` (the config's `include` when empty).
pub fn analyze(config: &Config, targets: &[PathBuf]) -> Result<Analysis> {
    let discovery = discover::discover(config, targets)?;
    let files = discovery.files;
    let mut warnings = discovery.warnings;

    let facts = parse_all(&files)?;
    let graph = graph::build(&files, &facts);
    for unresolved in &graph.unresolved {
        let import = &facts[unresolved.file].imports[unresolved.import];
        warnings.push(format!(
            "{}:{}:{}: cannot resolve import: {}",
            files[unresolved.file].path,
            import.span.start.line,
            import.span.start.column,
            unresolved.reason
        ));
    }

    let layers = LayerMap::new(&config.layers, &files);
    let context = rules::Context {
        config,
        files: &files,
        facts: &facts,
        graph: &graph,
        layers: &layers,
    };
    let found = rules::run(&context);
    let rule_names: Vec<&str> = config
        .rules
        .iter()
        .map(|rule| rule.name.as_str())
        .chain(rules::KINDS.iter().filter(|k| k.always_on).map(|k| k.kind))
        .collect();
    let mut violations = suppress::apply(found, &files, &facts, &rule_names);
    violations.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));

    Ok(Analysis {
        files,
        facts,
        graph,
        violations,
        warnings,
    })
}

/// Reads and parses every file in parallel, keeping the file order.
fn parse_all(files: &[SourceFile]) -> Result<Vec<FileFacts>> {
    let results: Vec<Result<FileFacts, String>> = files
        .par_iter()
        .map(|file| match std::fs::read(&file.absolute) {
            Ok(bytes) => Ok(crate::parse::parse_file(&bytes)),
            Err(error) => Err(format!("{}: {error}", file.path)),
        })
        .collect();
    let mut facts = Vec::with_capacity(files.len());
    let mut unreadable = Vec::new();
    for result in results {
        match result {
            Ok(file_facts) => facts.push(file_facts),
            Err(message) => unreadable.push(message),
        }
    }
    if !unreadable.is_empty() {
        bail!(
            "cannot read {} file(s):\n  {}\nfix their permissions, or add them to `exclude`",
            unreadable.len(),
            unreadable.join("\n  ")
        );
    }
    Ok(facts)
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
