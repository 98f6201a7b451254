//! Stage 2: find the Python files to analyse and name their modules.
//!
//! Walks the configured `include` paths (or the paths given on the command
//! line) with the `ignore` crate, so `.gitignore` and `.ignore` files are
//! honoured, keeps `*.py`, drops `exclude` matches, and maps each file to its
//! dotted module name from the source roots.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result, bail};

use crate::settings::Project;

/// Where the files are: the project root, the config file (for messages)
/// and its `[project]` table.
#[derive(Clone, Copy)]
pub struct Layout<'a> {
    /// The folder holding the config; file paths are relative to it.
    pub root: &'a Path,
    pub config_file: &'a Path,
    pub project: &'a Project,
}

/// One Python file to analyse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// Where to read it.
    pub absolute: PathBuf,
    /// Relative to the project root, `/`-separated: the path in every report.
    pub path: String,
    /// Dotted module name, or `None` for a file outside every source root
    /// (file-level rules still apply to it).
    pub module: Option<String>,
    /// The file is a package's `__init__.py`.
    pub is_package: bool,
}

#[derive(Debug)]
pub struct Discovery<T> {
    /// Sorted by path, so every later stage sees the same order; each with
    /// what the visitor returned for it.
    pub files: Vec<(SourceFile, T)>,
    /// Things skipped or degraded, each naming the path and the reason.
    pub warnings: Vec<String>,
}

/// Finds the files under `targets` (relative to the current directory or
/// absolute; the config's `include` when empty) on `threads` threads (0:
/// one per core), and calls `visit` on each file as soon as it is found, on
/// the thread that found it: the next stage's work overlaps the walk.
pub fn discover<T: Send>(
    layout: &Layout<'_>,
    targets: &[PathBuf],
    threads: usize,
    visit: &(dyn Fn(&SourceFile) -> T + Sync),
) -> Result<Discovery<T>> {
    let roots: Vec<PathBuf> = layout
        .project
        .roots
        .iter()
        .map(|root| normalize(&layout.root.join(root)))
        .collect();
    let targets: Vec<PathBuf> = if targets.is_empty() {
        layout
            .project
            .include
            .iter()
            .map(|p| layout.root.join(p))
            .collect()
    } else {
        let cwd = std::env::current_dir().context("cannot read the current directory")?;
        targets.iter().map(|p| cwd.join(p)).collect()
    };

    let mut discovery = Discovery {
        files: Vec::new(),
        warnings: Vec::new(),
    };
    for target in &targets {
        let target = normalize(target);
        if !target.exists() {
            bail!(
                "path `{}` does not exist (check `include` in {} or the paths given to gate)",
                target.display(),
                layout.config_file.display()
            );
        }
        if !target.starts_with(layout.root) {
            bail!(
                "path `{}` is outside the project root `{}` (the folder holding {})",
                target.display(),
                layout.root.display(),
                layout.config_file.display()
            );
        }
        walk(layout, &roots, &target, threads, visit, &mut discovery);
    }
    discovery.files.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    discovery.files.dedup_by(|a, b| a.0.path == b.0.path);
    discovery.warnings.sort();
    discovery.warnings.dedup();

    let outside: Vec<&str> = discovery
        .files
        .iter()
        .filter(|(file, _)| file.module.is_none())
        .map(|(file, _)| file.path.as_str())
        .collect();
    if let Some(first) = outside.first() {
        discovery.warnings.push(format!(
            "{} file(s) lie outside every source root or have a name that is not a Python \
             identifier (first: {first}); import rules cannot name their module, file-level \
             rules still apply. Add their folder to `roots` in {} to fix this",
            outside.len(),
            layout.config_file.display()
        ));
    }
    Ok(discovery)
}

/// What the walk found at one entry.
enum Found<T> {
    File(SourceFile, T),
    Warning(String),
}

/// Walks `target` on several threads (the folder reads and `.gitignore`
/// lookups are a good part of a run's time); the caller sorts the result.
fn walk<T: Send>(
    layout: &Layout<'_>,
    roots: &[PathBuf],
    target: &Path,
    threads: usize,
    visit: &(dyn Fn(&SourceFile) -> T + Sync),
    discovery: &mut Discovery<T>,
) {
    let exclude = layout.project.exclude.clone();
    let project_root = layout.root.to_path_buf();
    let found = Mutex::new(Vec::new());
    ignore::WalkBuilder::new(target)
        .standard_filters(true)
        .hidden(true)
        .require_git(false)
        .follow_links(false)
        .filter_entry(move |entry| {
            relative_path(&project_root, entry.path())
                .is_none_or(|rel| rel.is_empty() || !exclude.is_match(&rel))
        })
        .threads(threads)
        .build_parallel()
        .run(|| {
            let found = &found;
            Box::new(move |entry| {
                let item = match entry {
                    Ok(entry) => classify(layout, roots, &entry).map(|found| match found {
                        Ok(file) => {
                            let payload = visit(&file);
                            Found::File(file, payload)
                        }
                        Err(warning) => Found::Warning(warning),
                    }),
                    Err(error) => Some(Found::Warning(format!("skipped: {error}"))),
                };
                if let Some(item) = item {
                    found.lock().expect("no panics while held").push(item);
                }
                ignore::WalkState::Continue
            })
        });
    for item in found.into_inner().expect("no panics while held") {
        match item {
            Found::File(file, payload) => discovery.files.push((file, payload)),
            Found::Warning(warning) => discovery.warnings.push(warning),
        }
    }
}

/// The file at `entry`, a warning about it, or nothing to say.
fn classify(
    layout: &Layout<'_>,
    roots: &[PathBuf],
    entry: &ignore::DirEntry,
) -> Option<Result<SourceFile, String>> {
    let path = entry.path();
    if path.extension().is_none_or(|ext| ext != "py") {
        return (entry.path_is_symlink() && path.is_dir()).then(|| {
            Err(format!(
                "skipped symlinked folder {}: gate does not follow symlinked folders",
                display_relative(layout.root, path)
            ))
        });
    }
    let file_type = entry.file_type()?;
    if file_type.is_symlink() && !path.is_file() {
        return Some(Err(format!(
            "skipped {}: broken symbolic link",
            display_relative(layout.root, path)
        )));
    }
    if file_type.is_dir() {
        return None;
    }
    let rel = relative_path(layout.root, path)?;
    let (module, is_package) = module_name(roots, path);
    Some(Ok(SourceFile {
        absolute: path.to_path_buf(),
        path: rel,
        module,
        is_package,
    }))
}

/// The dotted module of `file` under the deepest source root containing it.
pub fn module_name(roots: &[PathBuf], file: &Path) -> (Option<String>, bool) {
    let is_package = file.file_name().is_some_and(|n| n == "__init__.py");
    let Some(root) = roots
        .iter()
        .filter(|root| file.starts_with(root))
        .max_by_key(|root| root.components().count())
    else {
        return (None, is_package);
    };
    let relative = file.strip_prefix(root).expect("checked by starts_with");
    let mut parts: Vec<String> = Vec::new();
    for component in relative.components() {
        let Some(text) = component.as_os_str().to_str() else {
            return (None, is_package);
        };
        parts.push(text.to_string());
    }
    let last = parts.pop().expect("a file has a name");
    if !is_package {
        parts.push(last.trim_end_matches(".py").to_string());
    }
    if parts.is_empty() || !parts.iter().all(|p| is_identifier(p)) {
        return (None, is_package);
    }
    (Some(parts.join(".")), is_package)
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

/// `path` relative to `root`, `/`-separated, or `None` when outside it.
pub fn relative_path(root: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

fn display_relative(root: &Path, path: &Path) -> String {
    relative_path(root, path).unwrap_or_else(|| path.display().to_string())
}

/// Removes `.` and resolves `..` lexically, so `root/./backend` and
/// `root/backend` compare equal without touching the file system (which
/// would resolve symlinks the walker does not follow).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_follow_the_deepest_root() {
        let roots = vec![PathBuf::from("/p"), PathBuf::from("/p/backend")];
        assert_eq!(
            module_name(&roots, Path::new("/p/backend/app/api/x.py")),
            (Some("app.api.x".to_string()), false)
        );
        assert_eq!(
            module_name(&roots, Path::new("/p/backend/app/__init__.py")),
            (Some("app".to_string()), true)
        );
        assert_eq!(
            module_name(&roots, Path::new("/p/tools/run.py")),
            (Some("tools.run".to_string()), false)
        );
    }

    #[test]
    fn files_outside_roots_or_with_bad_names_have_no_module() {
        let roots = vec![PathBuf::from("/p/backend")];
        assert_eq!(module_name(&roots, Path::new("/p/setup.py")).0, None);
        assert_eq!(
            module_name(&roots, Path::new("/p/backend/my-scripts/x.py")).0,
            None
        );
        assert_eq!(
            module_name(&roots, Path::new("/p/backend/__init__.py")).0,
            None
        );
    }

    #[test]
    fn normalize_is_lexical() {
        assert_eq!(normalize(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
    }
}
