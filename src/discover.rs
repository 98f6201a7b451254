//! Stage 2: find the Python files to analyse and name their modules.
//!
//! Walks the configured `include` paths (or the paths given on the command
//! line), honouring `.gitignore` files, the repository's
//! `.git/info/exclude` and the global git excludes file (and `.ignore`
//! files with `respect-ignore-files`) as the `ignore` crate does, keeps
//! `*.py`, drops `exclude` matches, and maps each file to its dotted module
//! name from the source roots. The same single walk also lists the folders
//! an ignore file skips, to name in a warning every `.py` file an ignore
//! file kept out: a pull request that adds an ignore file cannot take code
//! out of the check silently. `walk` has the walk and its rules of
//! precedence.

use std::path::{Path, PathBuf};

use crate::settings::Project;
use crate::warning::{Warning, WarningKind};

mod walk;

/// Why the walk could not start: a path to walk is missing or lies outside
/// the project.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("cannot read the current directory")]
    CurrentDirectory(#[source] std::io::Error),
    #[error(
        "path `{}` does not exist (check `include` in {} or the paths given to gate)",
        .path.display(),
        .config_file.display()
    )]
    Missing { path: PathBuf, config_file: PathBuf },
    #[error(
        "path `{}` is outside the project root `{}` (the folder holding {})",
        .path.display(),
        .root.display(),
        .config_file.display()
    )]
    OutsideRoot {
        path: PathBuf,
        root: PathBuf,
        config_file: PathBuf,
    },
}

/// An entry the walk passed over; a warning, not an error: the rest of the
/// project is still analysed.
#[derive(Debug, thiserror::Error)]
pub enum Skipped {
    /// The relative path of a symlink to a folder.
    #[error("skipped symlinked folder {0}: gate does not follow symlinked folders")]
    SymlinkedFolder(String),
    /// The relative path of a `.py` symlink that points nowhere.
    #[error("skipped {0}: broken symbolic link")]
    BrokenSymlink(String),
    /// The relative path of a `.py` symlink to a file outside the project.
    #[error(
        "skipped {0}: symbolic link to a file outside the project; gate reads only files inside it"
    )]
    LinkOutside(String),
    /// An entry the walker could not read.
    #[error("skipped: {0}")]
    Unwalkable(ignore::Error),
}

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
    pub warnings: Vec<Warning>,
    /// The files the run reports on.
    pub scope: PathScope,
}

/// The files a run reports on: every file, or those under the paths given
/// on the command line. The whole project is analysed either way, so that
/// a finding about a file (a cycle, a chain, a fan-in) is the same whether
/// or not the rest of the project was asked about.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PathScope {
    /// Paths relative to the project root, `/`-separated (`` for the root
    /// itself); `None` for every file.
    within: Option<Vec<String>>,
}

impl PathScope {
    /// The file or folder `path` (relative to the project root) is in scope.
    pub fn contains(&self, path: &str) -> bool {
        let Some(within) = &self.within else {
            return true;
        };
        within.iter().any(|prefix| {
            prefix.is_empty()
                || path
                    .strip_prefix(prefix.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    }

    /// Every file is in scope.
    pub fn is_everything(&self) -> bool {
        self.within.is_none()
    }
}

/// Finds the files of the config's `include` and of `targets` (relative to
/// the current directory or absolute) on the current rayon pool, and calls
/// `visit` on each file as soon as it is found, on a task of the pool: the
/// next stage's work overlaps the walk. The run reports on `targets` only,
/// when there are some.
pub fn discover<T: Send>(
    layout: &Layout<'_>,
    targets: &[PathBuf],
    visit: &(dyn Fn(&SourceFile) -> T + Sync),
) -> Result<Discovery<T>, DiscoverError> {
    let roots: Vec<PathBuf> = layout
        .project
        .roots
        .iter()
        .map(|root| normalize(&layout.root.join(root)))
        .collect();
    let included = layout.project.include.iter().map(|p| layout.root.join(p));
    let asked: Vec<PathBuf> = if targets.is_empty() {
        Vec::new()
    } else {
        let cwd = std::env::current_dir().map_err(DiscoverError::CurrentDirectory)?;
        targets.iter().map(|p| normalize(&cwd.join(p))).collect()
    };
    let mut discovery = Discovery {
        files: Vec::new(),
        warnings: Vec::new(),
        scope: PathScope {
            within: (!asked.is_empty()).then(|| {
                asked
                    .iter()
                    .filter_map(|path| relative_path(layout.root, path))
                    .collect()
            }),
        },
    };
    // Symlink targets are compared with the root as the file system sees it.
    let real_root = layout
        .root
        .canonicalize()
        .unwrap_or_else(|_| layout.root.to_path_buf());
    // Read once a run (`WalkBuilder` read it for each target); an error in
    // it is dropped, as `WalkBuilder` drops it.
    let (global, _) = ignore::gitignore::Gitignore::global();
    let context = walk::Context {
        layout,
        roots: &roots,
        real_root: &real_root,
        global: &global,
        visit,
    };
    // A path asked about may lie outside `include` (a script named on the
    // command line): it is walked too.
    for target in included.chain(asked.iter().cloned()) {
        let target = normalize(&target);
        if !target.exists() {
            return Err(DiscoverError::Missing {
                path: target,
                config_file: layout.config_file.to_path_buf(),
            });
        }
        if !target.starts_with(layout.root) {
            return Err(DiscoverError::OutsideRoot {
                path: target,
                root: layout.root.to_path_buf(),
                config_file: layout.config_file.to_path_buf(),
            });
        }
        let walked = walk::walk(&context, &target);
        discovery.files.extend(walked.files);
        discovery.warnings.extend(
            walked
                .skipped
                .into_iter()
                .map(|skipped| Warning::new(WarningKind::Skipped, skipped.to_string())),
        );
        discovery.warnings.extend(
            walked
                .ignored
                .iter()
                .map(|path| ignored_warning(layout, path)),
        );
    }
    // A file found twice (an `include` folder and a path on the command
    // line) is one file: the same real path, not the same text.
    discovery
        .files
        .sort_by(|a, b| (&a.0.path, &a.0.absolute).cmp(&(&b.0.path, &b.0.absolute)));
    discovery
        .files
        .dedup_by(|a, b| a.0.absolute == b.0.absolute);
    discovery.warnings.sort();
    discovery.warnings.dedup();

    let outside: Vec<&str> = discovery
        .files
        .iter()
        .filter(|(file, _)| file.module.is_none())
        .map(|(file, _)| file.path.as_str())
        .collect();
    if let Some(first) = outside.first() {
        discovery.warnings.push(Warning::new(
            WarningKind::OutsideRoots,
            format!(
                "{} file(s) lie outside every source root or have a name that is not a Python \
             identifier (first: {first}); import rules cannot name their module, file-level \
             rules still apply. Add their folder to `roots` in {} to fix this",
                outside.len(),
                layout.config_file.display()
            ),
        ));
    }
    // After the count above: a shadowed file is not outside the roots, and
    // its own warning says why it has no module name.
    unname_shadowed_files(&mut discovery);
    Ok(discovery)
}

/// The warning for a `.py` file that an ignore file keeps out.
fn ignored_warning(layout: &Layout<'_>, path: &Path) -> Warning {
    Warning::new(
        WarningKind::Ignored,
        format!(
            "skipped {}: an ignore file (.gitignore{}) matches it; add it to `exclude` in {} to \
             skip it on purpose, or change the ignore file",
            display_relative(layout.root, path),
            if layout.project.respect_ignore_files {
                ", .ignore"
            } else {
                ""
            },
            layout.config_file.display()
        ),
    )
}

/// A module file `x.py` beside a package `x/__init__.py` has the package's
/// module name, but Python imports the package: the file is unreachable.
/// It loses its module name (so that its imports are not counted for the
/// package, and rules by `paths` still see it) and gets one warning.
fn unname_shadowed_files<T>(discovery: &mut Discovery<T>) {
    let packages: std::collections::HashMap<String, String> = discovery
        .files
        .iter()
        .filter(|(file, _)| file.is_package)
        .filter_map(|(file, _)| Some((file.module.clone()?, file.path.clone())))
        .collect();
    for (file, _) in &mut discovery.files {
        if file.is_package {
            continue;
        }
        let Some(package) = file.module.as_ref().and_then(|module| packages.get(module)) else {
            continue;
        };
        discovery.warnings.push(Warning::new(
            WarningKind::ShadowedModule,
            format!(
                "{} is shadowed by the package {package}: Python imports the package, so the \
                 file is unreachable; it gets no module name and its imports are not counted \
                 (rename or delete one of them)",
                file.path
            ),
        ));
        file.module = None;
    }
}

/// The file at `path` (of type `file_type`, a symlink not followed), a
/// warning about it, or nothing to say.
fn classify(
    layout: &Layout<'_>,
    roots: &[PathBuf],
    real_root: &Path,
    path: &Path,
    file_type: std::fs::FileType,
) -> Option<Result<SourceFile, Skipped>> {
    if !walk::is_python(path) {
        return (file_type.is_symlink() && path.is_dir()).then(|| {
            Err(Skipped::SymlinkedFolder(display_relative(
                layout.root,
                path,
            )))
        });
    }
    if file_type.is_symlink() {
        // Only a link to a file inside the project is read: a link could
        // otherwise make gate read (and report on) any file of the runner.
        let Ok(target) = path.canonicalize() else {
            return Some(Err(Skipped::BrokenSymlink(display_relative(
                layout.root,
                path,
            ))));
        };
        if !target.starts_with(real_root) {
            return Some(Err(Skipped::LinkOutside(display_relative(
                layout.root,
                path,
            ))));
        }
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
        .map(|c| escaped_name(c.as_os_str()))
        .collect();
    Some(parts.join("/"))
}

/// A file or folder name as text: as it is when it is UTF-8, else with each
/// byte that is not shown as `\xNN`. Lossy conversion would print every
/// such byte as `�` and so give `pkg_\xff.py` and `pkg_\xfe.py` one path:
/// one of the files would vanish from the run. Such a file is still read
/// (through its real path) and checked; it has no module name, as Python
/// cannot import it.
#[cfg(unix)]
pub fn escaped_name(name: &std::ffi::OsStr) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut text = String::new();
    for chunk in name.as_bytes().utf8_chunks() {
        text.push_str(chunk.valid());
        for byte in chunk.invalid() {
            text.push_str(&format!("\\x{byte:02x}"));
        }
    }
    text
}

/// A file or folder name as text (Windows names are UTF-16; an unpaired
/// surrogate, the only thing that is not text, is shown as `�`).
#[cfg(not(unix))]
pub fn escaped_name(name: &std::ffi::OsStr) -> String {
    name.to_string_lossy().into_owned()
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

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_are_escaped_byte_by_byte() {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"caf\xc3\xa9_\xff\xfe.py");
        assert_eq!(escaped_name(name), "café_\\xff\\xfe.py");
        let root = Path::new("/p");
        let path = root.join("app").join(name);
        assert_eq!(
            relative_path(root, &path).as_deref(),
            Some("app/café_\\xff\\xfe.py")
        );
    }

    #[test]
    fn normalize_is_lexical() {
        assert_eq!(normalize(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
    }
}
