//! What `gate init` looks at before proposing a config: the Python files
//! and packages of the tree (walked as `gate check` walks it, so
//! `.gitignore`d and hidden paths are skipped), the folders that are not
//! the project's code (virtualenvs, build output, `node_modules`), the
//! packaging settings of `pyproject.toml`, Django's `manage.py`, the
//! Python version, and whether an ORM is imported.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::discover::relative_path;
use crate::facts::FileFacts;
use crate::read::{MAX_FILE_BYTES, Source, read_source};

/// The repository as `gate init` sees it. Paths are relative to the root,
/// `/`-separated, `""` for the root itself.
#[derive(Clone, Debug, Default)]
pub struct Survey {
    /// Every Python file, sorted.
    pub files: Vec<String>,
    /// Folders holding an `__init__.py`, sorted.
    pub packages: BTreeSet<String>,
    /// Folders that are not the project's code and that `gate check` would
    /// walk (they are neither hidden nor ignored): they go to `exclude`.
    pub skipped: Vec<String>,
    /// What `pyproject.toml` says, if there is one that parses.
    pub pyproject: Pyproject,
    /// The Python version the project declares, and where.
    pub python: Option<PythonVersion>,
    /// Every folder holding a Django `manage.py`.
    pub django: Vec<DjangoProject>,
    /// The ORMs imported anywhere in the tree.
    pub orms: BTreeSet<Orm>,
}

/// The packaging settings that name source roots.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pyproject {
    /// Folders the package settings put on the import path (`src` for
    /// `package-dir = {"" = "src"}`), each with the setting that said so.
    pub roots: Vec<(String, &'static str)>,
    pub requires_python: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PythonVersion {
    pub spec: String,
    /// The file and key it was read from.
    pub source: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DjangoProject {
    /// The folder holding `manage.py`: it is on the import path when the
    /// project runs.
    pub folder: String,
    /// `DJANGO_SETTINGS_MODULE` as `manage.py` sets it.
    pub settings: Option<String>,
    /// Packages beside `manage.py` with an `apps.py`, `models.py` or
    /// `migrations/`.
    pub apps: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Orm {
    /// `sqlalchemy`, `sqlmodel`, `flask_sqlalchemy`.
    SqlAlchemy = 0,
    /// `django.db`.
    Django = 1,
}

/// Folders that never hold the project's own code.
const NOT_CODE: &[&str] = &[
    "node_modules",
    "site-packages",
    "__pypackages__",
    "__pycache__",
];

/// Folder names that are build output or a virtualenv unless they are a
/// package (`app/build/__init__.py` is code).
const NOT_CODE_UNLESS_PACKAGE: &[&str] = &["build", "dist", "venv", "env", "virtualenv"];

/// Surveys the tree at `root` (an absolute, normalized folder).
pub fn survey(root: &Path) -> Survey {
    let skipped = Arc::new(Mutex::new(Vec::new()));
    let walk_root = root.to_path_buf();
    let record = Arc::clone(&skipped);
    let mut files = Vec::new();
    let mut packages = BTreeSet::new();
    // The same filters as discover.rs: .gitignore (also outside git),
    // hidden paths, no symbolic links followed.
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(true)
        .hidden(true)
        .require_git(false)
        .follow_links(false)
        .filter_entry(move |entry| {
            let not_code = entry.depth() > 0
                && entry.file_type().is_some_and(|kind| kind.is_dir())
                && is_not_code(entry.path());
            if not_code
                && holds_sources(entry.path())
                && let Some(path) = relative_path(&walk_root, entry.path())
            {
                record.lock().expect("no panics while held").push(path);
            }
            !not_code
        })
        .build();
    for entry in walker.flatten() {
        let path = entry.path();
        if !entry.file_type().is_some_and(|kind| kind.is_file())
            || path.extension().is_none_or(|ext| ext != "py")
        {
            continue;
        }
        let Some(relative) = relative_path(root, path) else {
            continue;
        };
        if path.file_name().is_some_and(|name| name == "__init__.py") {
            packages.insert(parent_of(&relative).to_string());
        }
        files.push(relative);
    }
    files.sort();
    let mut skipped = std::mem::take(&mut *skipped.lock().expect("no panics while held"));
    skipped.sort();

    let pyproject = std::fs::read_to_string(root.join("pyproject.toml"))
        .ok()
        .map(|text| read_pyproject(&text, root))
        .unwrap_or_default();
    let python = python_version(root, &pyproject);
    let django = files
        .iter()
        .filter(|file| file.rsplit('/').next() == Some("manage.py"))
        .map(|manage| django_project(root, manage, &files, &packages))
        .collect();
    let orms = orms(root, &files);
    Survey {
        files,
        packages,
        skipped,
        pyproject,
        python,
        django,
        orms,
    }
}

/// The folder of a relative path, `""` at the root.
pub fn parent_of(relative: &str) -> &str {
    relative.rsplit_once('/').map_or("", |(folder, _)| folder)
}

fn is_not_code(folder: &Path) -> bool {
    let Some(name) = folder.file_name().and_then(|name| name.to_str()) else {
        return false;
    };
    NOT_CODE.contains(&name)
        || name.ends_with(".egg-info")
        || folder.join("pyvenv.cfg").is_file()
        || folder.join("conda-meta").is_dir()
        || (NOT_CODE_UNLESS_PACKAGE.contains(&name) && !folder.join("__init__.py").is_file())
}

/// Whether a folder that is not code may still hold `.py` files that
/// `gate check` would read (caches and package metadata hold none).
fn holds_sources(folder: &Path) -> bool {
    folder
        .file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name != "__pycache__" && !name.ends_with(".egg-info"))
}

/// The source roots and the Python version that `pyproject.toml`'s
/// package settings declare (setuptools, Poetry, Hatch, PDM, maturin).
fn read_pyproject(text: &str, root: &Path) -> Pyproject {
    let Ok(document) = toml::from_str::<toml::Table>(text) else {
        return Pyproject::default();
    };
    let get = |path: &[&str]| -> Option<&toml::Value> {
        let (first, rest) = path.split_first()?;
        rest.iter()
            .try_fold(document.get(*first)?, |value, key| value.get(key))
    };
    let mut roots: Vec<(String, &'static str)> = Vec::new();
    let mut add = |folder: &str, setting: &'static str| {
        let folder = folder.trim_matches('/').trim_start_matches("./");
        let folder = if folder.is_empty() { "." } else { folder };
        if root.join(folder).is_dir() && !roots.iter().any(|(known, _)| known == folder) {
            roots.push((folder.to_string(), setting));
        }
    };
    if let Some(folder) = get(&["tool", "setuptools", "package-dir", ""]).and_then(|v| v.as_str()) {
        add(folder, "[tool.setuptools] package-dir");
    }
    for folder in strings(get(&["tool", "setuptools", "packages", "find", "where"])) {
        add(folder, "[tool.setuptools.packages.find] where");
    }
    if let Some(packages) = get(&["tool", "poetry", "packages"]).and_then(|v| v.as_array()) {
        for package in packages {
            let from = package.get("from").and_then(|v| v.as_str()).unwrap_or(".");
            add(from, "[tool.poetry] packages");
        }
    }
    for package in strings(get(&[
        "tool", "hatch", "build", "targets", "wheel", "packages",
    ])) {
        add(
            parent_of(package),
            "[tool.hatch.build.targets.wheel] packages",
        );
    }
    if let Some(folder) = get(&["tool", "pdm", "build", "package-dir"]).and_then(|v| v.as_str()) {
        add(folder, "[tool.pdm.build] package-dir");
    }
    if let Some(folder) = get(&["tool", "maturin", "python-source"]).and_then(|v| v.as_str()) {
        add(folder, "[tool.maturin] python-source");
    }
    let requires_python = get(&["project", "requires-python"])
        .or_else(|| get(&["tool", "poetry", "dependencies", "python"]))
        .and_then(|v| v.as_str())
        .map(str::to_string);
    Pyproject {
        roots,
        requires_python,
    }
}

/// The `requires-python` (or Poetry's `python` dependency) of the
/// pyproject.toml in `root`, if there is one.
pub fn requires_python(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join("pyproject.toml")).ok()?;
    read_pyproject(&text, root).requires_python
}

/// The lowest Python (major, minor) a version specifier admits: `>=3.11`,
/// `~=3.11`, `^3.11` (Poetry), `==3.11.*`, `>=3.9,<4` give the highest of
/// their lower bounds; `None` when no clause bounds it from below.
pub fn lowest_python(spec: &str) -> Option<(u8, u8)> {
    spec.split([',', ' '])
        .map(str::trim)
        .filter_map(|clause| {
            let version = [">=", "~=", "==", "===", "^", "~", ">", "="]
                .iter()
                .find_map(|operator| clause.strip_prefix(operator))
                .or_else(|| {
                    clause
                        .starts_with(|c: char| c.is_ascii_digit())
                        .then_some(clause)
                })?;
            let mut parts = version.trim().split('.');
            let major = parts.next()?.parse::<u8>().ok()?;
            let minor = parts
                .next()
                .map_or(Some(0), |minor| minor.parse::<u8>().ok())?;
            Some((major, minor))
        })
        .max()
}

fn strings(value: Option<&toml::Value>) -> impl Iterator<Item = &str> {
    value
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
}

/// `requires-python` (or Poetry's `python` dependency), else setup.cfg's
/// `python_requires`, else `.python-version`.
fn python_version(root: &Path, pyproject: &Pyproject) -> Option<PythonVersion> {
    if let Some(spec) = &pyproject.requires_python {
        return Some(PythonVersion {
            spec: spec.clone(),
            source: "pyproject.toml",
        });
    }
    let setup_cfg = std::fs::read_to_string(root.join("setup.cfg")).unwrap_or_default();
    let from_setup_cfg = setup_cfg.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        (key.trim() == "python_requires").then(|| value.trim().to_string())
    });
    if let Some(spec) = from_setup_cfg.filter(|spec| !spec.is_empty()) {
        return Some(PythonVersion {
            spec,
            source: "setup.cfg",
        });
    }
    let pinned = std::fs::read_to_string(root.join(".python-version")).ok()?;
    let spec = pinned.lines().next()?.trim();
    (!spec.is_empty()).then(|| PythonVersion {
        spec: spec.to_string(),
        source: ".python-version",
    })
}

fn django_project(
    root: &Path,
    manage: &str,
    files: &[String],
    packages: &BTreeSet<String>,
) -> DjangoProject {
    let folder = parent_of(manage);
    let text = std::fs::read_to_string(root.join(manage)).unwrap_or_default();
    let settings = text.find("DJANGO_SETTINGS_MODULE").and_then(|at| {
        // os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
        let rest = &text[at + "DJANGO_SETTINGS_MODULE".len()..];
        let rest = rest.trim_start_matches(['"', '\'']).trim_start();
        let rest = rest.strip_prefix(',')?.trim_start();
        let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
        let value = &rest[1..];
        let end = value.find(quote)?;
        let module = &value[..end];
        module
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(|c| c == '_' || c.is_alphanumeric()))
            .then(|| module.to_string())
    });
    let prefix = if folder.is_empty() {
        String::new()
    } else {
        format!("{folder}/")
    };
    let apps = packages
        .iter()
        .filter_map(|package| {
            let name = package.strip_prefix(&prefix)?;
            if name.is_empty() || name.contains('/') {
                return None;
            }
            let holds = |file: &str| files.binary_search(&format!("{package}/{file}")).is_ok();
            let is_app = holds("apps.py")
                || holds("models.py")
                || holds("models/__init__.py")
                || holds("migrations/__init__.py");
            is_app.then(|| name.to_string())
        })
        .collect();
    DjangoProject {
        folder: folder.to_string(),
        settings,
        apps,
    }
}

/// The ORMs imported by any file. A file is parsed only when a line of
/// it looks like an import of an ORM not confirmed yet: once each ORM is
/// confirmed by one parsed import, the rest of the tree is not read for it.
fn orms(root: &Path, files: &[String]) -> BTreeSet<Orm> {
    // One pattern per ORM, in `Orm` order.
    let looks_imported = [
        r"(?m)^[ \t]*(?:from|import)[ \t]+(?:sqlalchemy|sqlmodel|flask_sqlalchemy)\b",
        r"(?m)^[ \t]*(?:(?:from|import)[ \t]+django\.db\b|from[ \t]+django[ \t]+import[^\n]*\bdb\b)",
    ]
    .map(|pattern| regex::bytes::Regex::new(pattern).expect("a valid regex"));
    let confirmed = [AtomicBool::new(false), AtomicBool::new(false)];
    files.par_iter().for_each(|file| {
        let open = |orm: usize| !confirmed[orm].load(Ordering::Relaxed);
        if !open(0) && !open(1) {
            return;
        }
        // The analysis's read: at most MAX_FILE_BYTES (a 4 GiB file would
        // be read whole, then panic ruff's lexer), regular files only.
        let path = root.join(file);
        let Ok(Source::Bytes(bytes)) = read_source(&path, MAX_FILE_BYTES) else {
            return;
        };
        if !(0..2).any(|orm| open(orm) && looks_imported[orm].is_match(&bytes)) {
            return;
        }
        for orm in imported_orms(&crate::parse::parse_file(&bytes)) {
            confirmed[orm as usize].store(true, Ordering::Relaxed);
        }
    });
    [Orm::SqlAlchemy, Orm::Django]
        .into_iter()
        .filter(|&orm| confirmed[orm as usize].load(Ordering::Relaxed))
        .collect()
}

fn imported_orms(facts: &FileFacts) -> Vec<Orm> {
    facts
        .imports
        .iter()
        .filter(|import| import.level == 0)
        .filter_map(|import| {
            let module = &*import.module;
            let under = |package: &str| {
                module == package
                    || module
                        .strip_prefix(package)
                        .is_some_and(|rest| rest.starts_with('.'))
            };
            if under("sqlalchemy") || under("sqlmodel") || under("flask_sqlalchemy") {
                Some(Orm::SqlAlchemy)
            } else if under("django.db")
                || (module == "django" && import.name.as_deref() == Some("db"))
            {
                Some(Orm::Django)
            } else {
                None
            }
        })
        .collect()
}

/// Makes `folder` absolute (against the current folder) and lexically
/// normalized.
pub fn absolute_folder(folder: &Path) -> std::io::Result<PathBuf> {
    let cwd = std::env::current_dir()?;
    Ok(crate::discover::normalize(&cwd.join(folder)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pyproject_package_settings_name_the_roots_that_exist() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::create_dir_all(dir.path().join("lib")).unwrap();
        let read = read_pyproject(
            r#"
[project]
requires-python = ">=3.11"
[tool.setuptools.package-dir]
"" = "src"
[tool.poetry]
packages = [{ include = "x", from = "lib" }, { include = "y", from = "missing" }]
"#,
            dir.path(),
        );
        assert_eq!(
            read.roots,
            [
                ("src".to_string(), "[tool.setuptools] package-dir"),
                ("lib".to_string(), "[tool.poetry] packages"),
            ]
        );
        assert_eq!(read.requires_python.as_deref(), Some(">=3.11"));
    }

    #[test]
    fn django_settings_come_from_manage_py() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("manage.py"),
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n",
        )
        .unwrap();
        let files = [
            "manage.py",
            "mysite/__init__.py",
            "polls/__init__.py",
            "polls/models.py",
        ]
        .map(String::from)
        .to_vec();
        let packages = ["polls", "mysite"].map(String::from).into();
        let project = django_project(dir.path(), "manage.py", &files, &packages);
        assert_eq!(project.settings.as_deref(), Some("mysite.settings"));
        assert_eq!(project.apps, ["polls"]);
        assert_eq!(project.folder, "");
    }

    #[test]
    fn the_lowest_python_is_the_highest_lower_bound() {
        assert_eq!(lowest_python(">=3.11"), Some((3, 11)));
        assert_eq!(lowest_python(">=3.9,<4"), Some((3, 9)));
        assert_eq!(lowest_python("^3.10"), Some((3, 10)));
        assert_eq!(lowest_python("~=3.8.1"), Some((3, 8)));
        assert_eq!(lowest_python("==3.12.*"), Some((3, 12)));
        assert_eq!(lowest_python(">=3.8, !=3.9.0"), Some((3, 8)));
        assert_eq!(lowest_python("<3.13"), None);
        assert_eq!(lowest_python("3.11"), Some((3, 11)));
    }
}
