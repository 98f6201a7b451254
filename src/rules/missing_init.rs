//! ## What it does
//! Reports a folder below a source root that holds Python files, directly
//! or in its subfolders, but no `__init__.py`. Such a folder is an implicit
//! namespace package, usually by accident.
//!
//! ## Why is this bad
//! Without `__init__.py`, Python still imports the folder, as a namespace
//! package (PEP 420): its `__file__` is `None`, it merges with any
//! same-named folder elsewhere on `sys.path`, `setuptools.find_packages()`
//! leaves it out of the distribution, and pytest and mypy derive other
//! module names for its files than the imports use. "runtime/ and workers/
//! have no `__init__.py`" is an accident nobody chose.
//!
//! ## Example
//! ```toml
//! [[rule]]
//! kind = "missing-init"
//! name = "no-namespace-packages"
//! except = ["scripts"]
//! ```
//! ```python
//! # app/__init__.py
//! # app/workers/run.py               # reported: `app/workers/` has no `__init__.py`
//! # app/runtime/engine/__init__.py   # reported: `app/runtime/` has none either
//! # app/api/__init__.py
//! # app/api/routes.py                # fine
//! # manage.py                        # fine: a source root needs no `__init__.py`
//! # scripts/backfill.py              # fine: `scripts` is in `except`
//! ```
//!
//! A folder whose only Python files lie in its subfolders needs an
//! `__init__.py` too: it is a package in the dotted names of its children
//! (`app.runtime` in `app.runtime.engine`). A source root itself never
//! needs one, and folders outside every source root, or whose name is not
//! a Python identifier, are not packages and are skipped. The violation
//! points at line 1 of the folder's first Python file in path order (the
//! first one below it when it holds none directly); its subject is the
//! package's dotted name. gate sees only the files it analyses: run it on
//! the whole tree, not on a few paths, or `__init__.py` files outside those
//! paths look missing.
//!
//! ## Options
//! - `in` (module patterns, default: every package): the packages, by
//!   dotted name, that must have an `__init__.py`.
//! - `paths` (path globs relative to the config's folder, such as `tools/**`):
//!   files looked at by their path as well, whatever their module: the way to
//!   name files that lie outside every source root, which have no module.
//! - `except` (module patterns): packages that may be namespace packages.
//! - `name`, `message`, `severity` as for every rule.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::rules::{Check, Rule, RuleKind};
use crate::settings::read::scope;
use crate::settings::{Scope, Table};
use rustc_hash::FxHashMap;

use crate::discover::SourceFile;
use crate::facts::{FactSet, MODULE_SCOPE};
use crate::files::FileId;
use crate::rules::Context;
use crate::span::Span;
use crate::violation::Violation;

/// The packages a file lies in, from its module name and its path.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Ancestry<'f> {
    /// The source root the module name starts from, relative to the project
    /// root (`""` for the project root itself).
    pub root: &'f str,
    /// `(dotted name, folder)` of each enclosing package, outermost first;
    /// an `__init__.py`'s own package is the last one.
    pub packages: Vec<(&'f str, &'f str)>,
}

/// `None` for a file outside every source root.
pub(super) fn ancestry(file: &SourceFile) -> Option<Ancestry<'_>> {
    let module = file.module.as_deref()?;
    let dots: Vec<usize> = module.match_indices('.').map(|(at, _)| at).collect();
    let segments = dots.len() + 1;
    let depth = if file.is_package {
        segments
    } else {
        segments - 1
    };
    let slashes: Vec<usize> = file.path.match_indices('/').map(|(at, _)| at).collect();
    let root_folders = slashes.len().checked_sub(depth)?;
    let folder = |count: usize| match count {
        0 => "",
        _ => &file.path[..slashes[count - 1]],
    };
    let dotted = |count: usize| match dots.get(count - 1) {
        Some(&end) => &module[..end],
        None => module,
    };
    Some(Ancestry {
        root: folder(root_folders),
        packages: (1..=depth)
            .map(|count| (dotted(count), folder(root_folders + count)))
            .collect(),
    })
}

/// What the files tell about one package folder.
struct Folder<'f> {
    dotted: &'f str,
    has_init: bool,
    /// The first file directly in the folder, in path order.
    first_direct: Option<FileId>,
    /// The first file anywhere below it.
    first_below: FileId,
}

/// The `missing-init` rule kind.
pub struct MissingInit;

impl RuleKind for MissingInit {
    fn name(&self) -> &'static str {
        "missing-init"
    }

    fn facts(&self) -> FactSet {
        FactSet::BASE
    }

    fn source(&self) -> &'static str {
        include_str!("missing_init.rs")
    }

    fn keys(&self) -> &'static [&'static str] {
        &["in", "paths", "except"]
    }

    fn read(&self, table: &Table<'_>) -> Result<Arc<dyn Check>, Diagnostic> {
        Ok(Arc::new(read_options(table)?))
    }
}

#[derive(Clone, Debug)]
pub struct MissingInitOptions {
    pub scope: Scope,
}

/// Reads the options of one `[[rule]]` table of kind `missing-init`.
fn read_options(table: &Table<'_>) -> Result<MissingInitOptions, Diagnostic> {
    Ok(MissingInitOptions {
        scope: scope(table, false)?,
    })
}

impl Check for MissingInitOptions {
    fn check(&self, context: &Context<'_>, rule: &Rule) -> Vec<Violation> {
        check(context, rule, self)
    }
}

fn check(context: &Context<'_>, rule: &Rule, options: &MissingInitOptions) -> Vec<Violation> {
    // Unordered: the caller sorts the violations.
    let mut folders: FxHashMap<&str, Folder<'_>> = FxHashMap::default();
    for (id, file, _) in context.files.iter() {
        let Some(Ancestry { packages, .. }) = ancestry(file) else {
            continue;
        };
        for (index, &(dotted, folder)) in packages.iter().enumerate() {
            let entry = folders.entry(folder).or_insert(Folder {
                dotted,
                has_init: false,
                first_direct: None,
                first_below: id,
            });
            entry.first_below = entry.first_below.min(id);
            if index + 1 == packages.len() {
                entry.has_init |= file.is_package;
                entry.first_direct = Some(entry.first_direct.map_or(id, |first| first.min(id)));
            }
        }
    }
    let mut violations = Vec::new();
    for (folder, found) in &folders {
        // The folder is where its `__init__.py` would be.
        let init = format!("{folder}/__init__.py");
        if found.has_init || !options.scope.covers(Some(found.dotted), &init) {
            continue;
        }
        let (anchor, holding) = match found.first_direct {
            Some(first) => (first, "Python files"),
            None => (found.first_below, "Python files in its subfolders"),
        };
        let text = format!(
            "`{folder}/` has {holding} but no `__init__.py`: it is an implicit namespace package"
        );
        violations.push(context.violation(
            rule,
            anchor,
            Span::line_start(1),
            MODULE_SCOPE,
            found.dotted,
            text,
        ));
    }
    violations
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn file(path: &str, module: Option<&str>) -> SourceFile {
        SourceFile {
            absolute: PathBuf::from("/p").join(path),
            path: path.to_string(),
            module: module.map(str::to_string),
            is_package: path.ends_with("/__init__.py"),
        }
    }

    #[test]
    fn a_module_lies_in_every_package_of_its_dotted_name() {
        let run = file("backend/app/workers/run.py", Some("app.workers.run"));
        assert_eq!(
            ancestry(&run),
            Some(Ancestry {
                root: "backend",
                packages: vec![
                    ("app", "backend/app"),
                    ("app.workers", "backend/app/workers")
                ],
            })
        );
    }

    #[test]
    fn an_init_file_lies_in_its_own_package() {
        let init = file("app/__init__.py", Some("app"));
        assert_eq!(
            ancestry(&init),
            Some(Ancestry {
                root: "",
                packages: vec![("app", "app")],
            })
        );
    }

    #[test]
    fn top_level_modules_and_files_outside_the_roots_lie_in_no_package() {
        let manage = file("manage.py", Some("manage"));
        assert_eq!(
            ancestry(&manage),
            Some(Ancestry {
                root: "",
                packages: vec![],
            })
        );
        assert_eq!(ancestry(&file("my-scripts/x.py", None)), None);
    }
}
