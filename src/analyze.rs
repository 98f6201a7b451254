//! Runs the analysis stages in order: discover → parse → graph → rules →
//! suppress. Parsing overlaps the walk: each file is parsed by the walker
//! thread that finds it. What comes out is plain data; the commands decide
//! what to do with it (compare with a baseline, write one, print the graph).

use std::path::PathBuf;

use crate::allocator;
use crate::cache::{CacheLocation, FactsCache, Record, Stamp};
use crate::config::Config;
use crate::dead_config;
use crate::discover::{self, DiscoverError, PathScope, SourceFile};
use crate::facts::{FactSet, FileFacts};
use crate::files::Files;
use crate::graph::{self, Graph};
use crate::layers::LayerMap;
use crate::read::{Found, MAX_FILE_BYTES, Source, read_found, stat_source};
use crate::rules;
use crate::suppress;
use crate::timings::{Lap, Timings};
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
    /// How long each stage and each rule took.
    pub timings: Timings,
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
/// on `threads` threads (all cores when `None`), with the facts cache at
/// `cache`; each file's facts are those the rules read, and `extra_facts`.
pub fn analyze(
    config: &Config,
    targets: &[PathBuf],
    threads: Option<usize>,
    cache: &CacheLocation,
    extra_facts: FactSet,
) -> Result<Analysis, AnalysisError> {
    let mut timings = Timings::default();
    let mut lap = Lap::start();
    let layout = discover::Layout {
        root: &config.root,
        config_file: &config.file,
        project: &config.project,
    };
    let target = target_python(config);
    let wanted = facts_read(config).with(extra_facts);
    let settings = [target.0, target.1, wanted.bits()];
    let cache = FactsCache::open(cache, &config.root, &config.file, &settings);
    let discovery = discover::discover(&layout, targets, &|file| {
        read_and_parse(file, (target, wanted), cache.as_ref())
    })?;
    allocator::release_freed_pages();
    timings.add("find, read and parse files", lap.split());
    let scope = discovery.scope;
    let mut warnings = discovery.warnings;
    if let Some(requested) = threads.filter(|&n| n > thread_limit()) {
        warnings.push(Warning::new(
            WarningKind::Threads,
            format!(
                "--threads {requested} is more than this machine can use: running on {} \
                 ({THREADS_PER_CORE} per core)",
                thread_limit()
            ),
        ));
    }
    let mut parsed_files = Vec::with_capacity(discovery.files.len());
    let mut records = Vec::with_capacity(discovery.files.len());
    let mut unreadable = Vec::new();
    for (file, read) in discovery.files {
        match settle(file, read) {
            Settled::Parsed(file, parsed) => {
                let Parsed { facts, record } = *parsed;
                parsed_files.push((file, facts));
                records.push(record);
            }
            Settled::Skipped(warning) => warnings.push(warning),
            Settled::Unreadable(file) => unreadable.push(file),
        }
    }
    if !unreadable.is_empty() {
        return Err(AnalysisError::Unreadable(unreadable));
    }

    let files = Files::new(parsed_files);
    // The cache is written while the graph is built.
    let (cache_warnings, graph) = rayon::join(
        || {
            cache.map_or_else(Vec::new, |cache| {
                let files = files
                    .iter()
                    .map(|(_, file, facts)| (file.path.as_str(), facts));
                cache.save(
                    files
                        .zip(&records)
                        .map(|((path, facts), record)| (path, facts, record.as_ref())),
                )
            })
        },
        || graph::build(&files),
    );
    timings.add("import graph (and cache write)", lap.split());
    warnings.extend(cache_warnings);
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
    timings.add("layers and config checks", lap.split());
    let context = rules::Context::new(
        config.project.type_checking_imports,
        &files,
        &graph,
        &layers,
    );
    let (found, rule_times) = rules::run(&context, &config.rules);
    timings.add("rules", lap.split());
    timings.rules = rule_times;
    let mut violations = suppress::apply(found, &files, &config.rule_names());
    violations.retain(|violation| scope.contains(&violation.path));
    violations.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    timings.add("suppression comments", lap.split());

    Ok(Analysis {
        files,
        graph,
        violations,
        warnings,
        scope,
        timings,
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

/// The facts the configured rules read (see [`crate::rules::RuleKind::facts`]),
/// and the headers when `[project] layer-header` assigns layers by them.
fn facts_read(config: &Config) -> FactSet {
    let project = if config.project.layer_header.is_some() {
        FactSet::HEADER
    } else {
        FactSet::BASE
    };
    config
        .rules
        .iter()
        .fold(project, |facts, rule| facts.with(rule.kind.facts()))
}

/// Why a file the walk found was not parsed.
#[derive(Debug)]
enum Unread {
    /// It is no regular file (a FIFO, a socket, a device), or a link to
    /// one: reading it could block forever or never end.
    NotAFile(&'static str),
    Io(std::io::Error),
}

/// A file's facts, and what the cache keeps of them (nothing without a
/// cache, or for a file too large to read).
#[derive(Debug)]
struct Parsed {
    facts: FileFacts,
    record: Option<Record>,
}

/// Stage 3 for one file, run by the walker as it finds the file: the
/// `wanted` facts, parsed as the `target` Python would, unless the cache has
/// them. The file is stat'ed once; the cache may find it unchanged by that
/// alone, else it is read.
fn read_and_parse(
    file: &SourceFile,
    settings: ((u8, u8), FactSet),
    cache: Option<&FactsCache>,
) -> Result<Parsed, Unread> {
    read_and_parse_with(file, settings, cache, read_found)
}

/// [`read_and_parse`], reading a file's bytes with `read` (which the tests
/// count).
fn read_and_parse_with(
    file: &SourceFile,
    (target, wanted): ((u8, u8), FactSet),
    cache: Option<&FactsCache>,
    read: impl FnOnce(&std::path::Path, &std::fs::Metadata, u64) -> std::io::Result<Source>,
) -> Result<Parsed, Unread> {
    let parsed = |facts| Parsed {
        facts,
        record: None,
    };
    let (source, stamp) = match stat_source(&file.absolute, MAX_FILE_BYTES) {
        Ok(Found::File(metadata)) => {
            let stamp = cache.and_then(|_| Stamp::of(&metadata));
            if let Some((facts, record)) =
                cache.and_then(|cache| cache.unchanged(&file.path, stamp))
            {
                return Ok(Parsed {
                    facts,
                    record: Some(record),
                });
            }
            (read(&file.absolute, &metadata, MAX_FILE_BYTES), stamp)
        }
        Ok(Found::Unread(source)) => (Ok(source), None),
        Err(error) => (Err(error), None),
    };
    match source {
        Ok(Source::Bytes(bytes)) => {
            let parse = || crate::parse::parse_file_for(&bytes, target, wanted);
            Ok(match cache {
                Some(cache) => {
                    let (facts, record) = cache.facts(&file.path, stamp, &bytes, parse);
                    Parsed {
                        facts,
                        record: Some(record),
                    }
                }
                None => parsed(parse()),
            })
        }
        Ok(Source::TooLarge(_)) => Ok(parsed(crate::parse::too_large(MAX_FILE_BYTES))),
        Ok(Source::NotAFile(what)) => Err(Unread::NotAFile(what)),
        Err(error) => Err(Unread::Io(error)),
    }
}

/// Where one file of the walk ends up.
#[derive(Debug)]
enum Settled {
    Parsed(SourceFile, Box<Parsed>),
    /// Left out, with a warning naming it.
    Skipped(Warning),
    /// Cannot be read: the run stops.
    Unreadable(UnreadableFile),
}

fn settle(file: SourceFile, read: Result<Parsed, Unread>) -> Settled {
    match read {
        Ok(parsed) => Settled::Parsed(file, Box::new(parsed)),
        Err(Unread::NotAFile(what)) => Settled::Skipped(Warning::new(
            WarningKind::Skipped,
            format!(
                "skipped {}: it is {what}, not a regular file; gate reads only regular files",
                file.path
            ),
        )),
        // Deleted or renamed after the walk listed it: nothing to check.
        Err(Unread::Io(error)) if error.kind() == std::io::ErrorKind::NotFound => {
            Settled::Skipped(Warning::new(
                WarningKind::Skipped,
                format!(
                    "skipped {}: it was removed while gate ran (deleted or renamed after the \
                     walk found it); run gate again on a tree nothing else changes",
                    file.path
                ),
            ))
        }
        Err(Unread::Io(error)) => Settled::Unreadable(UnreadableFile {
            path: file.path,
            error,
        }),
    }
}

/// The most threads a run uses per core. Parsing is CPU-bound; a few
/// threads per core still help where reads wait on a slow (network) disk,
/// but beyond that threads only contend, and the walker's work stealing
/// among thousands of idle threads took minutes for 57 files
/// (`--threads 4096`).
pub const THREADS_PER_CORE: usize = 4;

/// The most threads a run uses on this machine.
pub fn thread_limit() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get) * THREADS_PER_CORE
}

/// `threads` (0 or `None`: one per core) capped at [`thread_limit`].
fn capped(threads: Option<usize>) -> Option<usize> {
    threads.map(|threads| threads.min(thread_limit()))
}

/// Runs `work` on a pool of `threads` threads (all cores when `None`),
/// capped at [`thread_limit`].
pub fn with_threads<T: Send>(
    threads: Option<usize>,
    work: impl FnOnce() -> T + Send,
) -> Result<T, AnalysisError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = capped(threads) {
        builder = builder.num_threads(threads);
    }
    let pool = builder.build().map_err(AnalysisError::Threads)?;
    Ok(pool.install(work))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::read_source;
    use std::path::Path;

    fn source_file(absolute: std::path::PathBuf) -> SourceFile {
        SourceFile {
            absolute,
            path: "app/x.py".to_string(),
            module: Some("app.x".to_string()),
            is_package: false,
        }
    }

    #[test]
    fn a_file_larger_than_the_limit_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.py");
        std::fs::write(&path, "import os\n").unwrap();
        assert_eq!(read_source(&path, 9).unwrap(), Source::TooLarge(10));
        assert_eq!(
            read_source(&path, 10).unwrap(),
            Source::Bytes(b"import os\n".to_vec())
        );
        assert_eq!(
            read_source(&path, 100).unwrap(),
            Source::Bytes(b"import os\n".to_vec())
        );
    }

    #[test]
    fn a_file_gone_before_it_is_read_is_a_warning_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = source_file(dir.path().join("gone.py"));
        let read = read_and_parse(&file, (crate::parse::NEWEST_PYTHON, FactSet::ALL), None);
        match settle(file, read) {
            Settled::Skipped(warning) => {
                assert_eq!(warning.kind, WarningKind::Skipped);
                assert!(warning.message.contains("app/x.py"), "{warning}");
                assert!(
                    warning.message.contains("removed while gate ran"),
                    "{warning}"
                );
                assert!(!warning.message.contains("permission"), "{warning}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_file_that_cannot_be_read_stops_the_run_naming_it() {
        // Root reads any file in CI; the error is made up here.
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let read = Err(Unread::Io(denied));
        match settle(source_file("/p/app/x.py".into()), read) {
            Settled::Unreadable(file) => assert_eq!(file.path, "app/x.py"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_folder_named_like_a_file_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let read = read_and_parse(
            &source_file(dir.path().to_path_buf()),
            (crate::parse::NEWEST_PYTHON, FactSet::ALL),
            None,
        );
        assert!(
            matches!(read, Err(Unread::NotAFile("a folder"))),
            "{read:?}"
        );
    }

    /// `read_and_parse` of `file` with `cache`, counting the reads in `reads`.
    fn counted(file: &SourceFile, cache: &FactsCache, reads: &mut usize) -> Parsed {
        let read = |path: &std::path::Path, metadata: &std::fs::Metadata, limit| {
            *reads += 1;
            read_found(path, metadata, limit)
        };
        let settings = (crate::parse::NEWEST_PYTHON, FactSet::ALL);
        read_and_parse_with(file, settings, Some(cache), read).unwrap()
    }

    #[test]
    fn a_warm_run_takes_an_unchanged_file_from_the_cache_without_reading_it() {
        let project = tempfile::tempdir().unwrap();
        let cache_dir = tempfile::tempdir().unwrap();
        let open = || {
            let location = CacheLocation::Dir(cache_dir.path().to_path_buf());
            FactsCache::open(&location, project.path(), Path::new("gate.toml"), b"s").unwrap()
        };
        let file = source_file(project.path().join("x.py"));
        std::fs::write(&file.absolute, "import os\n").unwrap();
        let run = |cache: FactsCache, reads: &mut usize| {
            let parsed = counted(&file, &cache, reads);
            let saved = [(file.path.as_str(), &parsed.facts, parsed.record.as_ref())];
            assert!(cache.save(saved.into_iter()).is_empty());
            parsed.facts
        };
        let mut reads = 0;
        let cold = run(open(), &mut reads);
        assert_eq!(reads, 1);
        // Just written: racy, so read and hashed.
        assert_eq!(run(open(), &mut reads), cold);
        assert_eq!(reads, 2);
        // Older than the cache by the margin: not read.
        let later = crate::cache::RACY_MARGIN + std::time::Duration::from_secs(1);
        assert_eq!(run(open().written_later(later), &mut reads), cold);
        assert_eq!(reads, 2, "an unchanged file was read");
        // Any write changes the stat data: read again.
        std::fs::write(&file.absolute, "import re\n").unwrap();
        let edited = run(open().written_later(later), &mut reads);
        assert_eq!(reads, 3);
        assert_ne!(edited, cold);
    }
}
