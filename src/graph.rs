//! Stage 4: resolve every import to a module and build the import graph.
//!
//! Resolution follows Python's own rules: relative imports are anchored at
//! the importing module's package; `from pkg import name` targets the
//! submodule `pkg.name` when that file (or package) exists, else `pkg`
//! itself; `import a.b.c` targets `a.b.c`. An internal module that does not
//! exist is cut back to its longest existing prefix. A target is internal when it, or a
//! package above it, is a module of the project.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::discover::SourceFile;
use crate::facts::{Import, ImportContext, ImportStatement};
use crate::files::{FileId, Files};
use crate::span::Span;

/// Every module and package of the project, with the file that defines it.
#[derive(Debug, Default)]
pub struct ModuleIndex {
    /// Module name → its file; packages without an `__init__.py`
    /// (namespace packages) map to `None`.
    modules: FxHashMap<String, Option<FileId>>,
}

impl ModuleIndex {
    pub fn new(files: &[SourceFile]) -> Self {
        let mut modules = FxHashMap::default();
        for (index, file) in files.iter().enumerate() {
            let Some(module) = &file.module else { continue };
            modules.insert(module.clone(), Some(FileId::new(index)));
            let mut package = module.as_str();
            while let Some((parent, _)) = package.rsplit_once('.') {
                modules.entry(parent.to_string()).or_insert(None);
                package = parent;
            }
        }
        ModuleIndex { modules }
    }

    /// Every module and package of the project.
    pub fn modules(&self) -> impl Iterator<Item = &str> {
        self.modules.keys().map(String::as_str)
    }

    /// The module exists as a file or a (namespace) package.
    pub fn contains(&self, module: &str) -> bool {
        self.modules.contains_key(module)
    }

    /// The module, or a package above it, belongs to the project.
    pub fn is_internal(&self, module: &str) -> bool {
        self.contains(module) || ancestors(module).any(|ancestor| self.contains(ancestor))
    }

    /// The file defining `module`, when it is a file of the project.
    pub fn file_of(&self, module: &str) -> Option<FileId> {
        self.modules.get(module).copied().flatten()
    }
}

/// `a.b.c` → `a.b`, `a`.
fn ancestors(module: &str) -> impl Iterator<Item = &str> {
    let mut rest = module;
    std::iter::from_fn(move || {
        let (parent, _) = rest.rsplit_once('.')?;
        rest = parent;
        Some(parent)
    })
}

/// A module name an import resolved to, shared by every edge to it. The
/// graph numbers its names `0..Graph::names.len()` in the order it meets
/// them, so that a rule judging a name on its own (its layer, the patterns
/// it matches) can judge each name once rather than once per import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    id: u32,
    text: Arc<str>,
    file: Option<FileId>,
}

impl Name {
    /// The name's number, an index into `Graph::names`.
    pub fn id(&self) -> usize {
        self.id as usize
    }

    /// The file defining the module, when it is a file of the project.
    pub fn file(&self) -> Option<FileId> {
        self.file
    }
}

impl Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// One resolved import: an edge of the graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportEdge {
    /// The importing file.
    pub file: FileId,
    /// Index of the statement in that file's `FileFacts::imports` (32 bits:
    /// a large project has millions of edges).
    pub import: u32,
    /// The resolved dotted module.
    pub target: Name,
    pub internal: bool,
    /// A `from pkg import name` that resolved to the submodule `pkg.name`
    /// rather than to a name defined in `pkg`.
    pub to_submodule: bool,
    /// For `from ext import name` of an external package: `ext.name`, which
    /// may be a submodule gate cannot see (`from sqlalchemy import orm`).
    pub external_submodule: Option<Name>,
    /// Where the import statement sits (a copy of its `Import::context`):
    /// every import rule filters the edges by it.
    pub context: ImportContext,
}

impl ImportEdge {
    /// Where findings about this edge point: the module name of a `from m
    /// import a, b` (one place for the statement, whatever the names),
    /// unless the name is itself the submodule imported; else the name.
    /// `import` is the statement behind the edge.
    pub fn finding_span(&self, import: &Import) -> Span {
        match import.module_span {
            Some(module) if !self.to_submodule => module,
            _ => import.span,
        }
    }

    /// The names this edge may be matched by: the target, and for external
    /// from-imports the possible submodule too.
    pub fn candidate_targets(&self) -> impl Iterator<Item = &Name> {
        std::iter::once(&self.target).chain(&self.external_submodule)
    }
}

/// An import that could not be resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unresolved {
    pub file: FileId,
    pub import: usize,
    pub reason: Unresolvable,
}

/// Why an import cannot be resolved; CPython raises an `ImportError` for
/// each of these.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unresolvable {
    #[error("the import names no module")]
    NoModule,
    #[error("relative import in a file outside every source root: its package is unknown")]
    OutsideSourceRoots,
    #[error(
        "attempted relative import with no known parent package (`{module}` is a top-level module)"
    )]
    NoParentPackage { module: String },
    #[error("attempted relative import beyond top-level package ({level} dots in `{module}`)")]
    BeyondTopLevel { level: u32, module: String },
}

#[derive(Debug, Default)]
pub struct Graph {
    pub index: ModuleIndex,
    /// In file order, then statement order.
    pub edges: Vec<ImportEdge>,
    /// Every name an edge targets (`target` or `external_submodule`), by
    /// number.
    pub names: Vec<Name>,
    pub unresolved: Vec<Unresolved>,
}

impl Graph {
    /// The edges of the imports of file `file`.
    pub fn edges_of(&self, file: FileId) -> &[ImportEdge] {
        let start = self.edges.partition_point(|edge| edge.file < file);
        let end = self.edges.partition_point(|edge| edge.file <= file);
        &self.edges[start..end]
    }
}

/// Files resolved per parallel batch: resolving is string work per import,
/// independent between files, so it runs on every core; each batch's names
/// are then interned in file order on one thread, which keeps name ids and
/// edge order the same whatever the thread count. Batches bound the
/// resolved-but-not-interned names held at once.
const FILES_PER_BATCH: usize = 512;

/// Resolves the imports of every file.
pub fn build(files: &Files) -> Graph {
    let index = ModuleIndex::new(files.sources());
    let mut names = Interner::default();
    let mut edges = Vec::with_capacity(files.iter().map(|(_, _, f)| f.imports.len()).sum());
    let mut unresolved = Vec::new();
    let ids: Vec<FileId> = files.iter().map(|(id, _, _)| id).collect();
    for batch in ids.chunks(FILES_PER_BATCH) {
        let resolved: Vec<Vec<_>> = batch
            .par_iter()
            .map(|&file_id| {
                let file = files.source(file_id);
                let resolve = |import| {
                    let resolution = resolve_import(&index, file, import)?;
                    let internal = index.is_internal(&resolution.target);
                    Ok((resolution, internal))
                };
                files.facts(file_id).imports.iter().map(resolve).collect()
            })
            .collect();
        for (&file_id, results) in batch.iter().zip(resolved) {
            let imports = files.facts(file_id).imports.iter().enumerate();
            for ((import_index, import), result) in imports.zip(results) {
                match result {
                    Ok((resolution, internal)) => edges.push(ImportEdge {
                        file: file_id,
                        import: u32::try_from(import_index)
                            .expect("a file has fewer than 2^32 imports"),
                        internal,
                        to_submodule: resolution.to_submodule,
                        external_submodule: resolution
                            .submodule_candidate
                            .filter(|_| !internal)
                            .map(|name| names.intern(name, &index)),
                        target: names.intern(resolution.target, &index),
                        context: import.context,
                    }),
                    Err(reason) => unresolved.push(Unresolved {
                        file: file_id,
                        import: import_index,
                        reason,
                    }),
                }
            }
        }
    }
    Graph {
        index,
        edges,
        names: names.names,
        unresolved,
    }
}

/// One shared copy of each module name: a large project imports the same
/// few thousand modules hundreds of thousands of times.
#[derive(Default)]
struct Interner {
    names: Vec<Name>,
    ids: FxHashMap<Arc<str>, u32>,
}

impl Interner {
    fn intern(&mut self, text: String, index: &ModuleIndex) -> Name {
        if let Some(&id) = self.ids.get(text.as_str()) {
            return self.names[id as usize].clone();
        }
        let name = Name {
            id: self.names.len() as u32,
            file: index.file_of(&text),
            text: Arc::from(text),
        };
        self.ids.insert(name.text.clone(), name.id);
        self.names.push(name.clone());
        name
    }
}

struct Resolution {
    target: String,
    to_submodule: bool,
    /// `pkg.name` for `from pkg import name` when it is not a known module.
    submodule_candidate: Option<String>,
}

fn resolve_import(
    index: &ModuleIndex,
    file: &SourceFile,
    import: &Import,
) -> Result<Resolution, Unresolvable> {
    let base = if import.level == 0 {
        import.module.to_string()
    } else {
        let anchor = relative_anchor(file, import.level)?;
        if import.module.is_empty() {
            anchor
        } else {
            format!("{anchor}.{}", import.module)
        }
    };
    if base.is_empty() {
        return Err(Unresolvable::NoModule);
    }
    let name = match import.statement {
        ImportStatement::ImportFrom => import.name.as_deref().filter(|n| *n != "*"),
        ImportStatement::Import | ImportStatement::Dynamic => None,
    };
    let Some(name) = name else {
        return Ok(Resolution {
            target: existing_prefix(index, base),
            to_submodule: false,
            submodule_candidate: None,
        });
    };
    let submodule = format!("{base}.{name}");
    if index.contains(&submodule) {
        Ok(Resolution {
            target: submodule,
            to_submodule: true,
            submodule_candidate: None,
        })
    } else {
        Ok(Resolution {
            target: existing_prefix(index, base),
            to_submodule: false,
            submodule_candidate: Some(submodule),
        })
    }
}

/// An internal module that no file or folder defines (`app.engines.gone`
/// beside `app/engines/__init__.py`) is cut back to its longest prefix that
/// exists (`app.engines`): the import binds, or fails on, an attribute of
/// that module, so the edge is that module's, and no phantom node gathers a
/// fan-in of its own. External modules are kept whole.
fn existing_prefix(index: &ModuleIndex, module: String) -> String {
    if index.contains(&module) {
        return module;
    }
    let prefix = ancestors(&module)
        .find(|ancestor| index.contains(ancestor))
        .map(str::to_string);
    prefix.unwrap_or(module)
}

/// The package a relative import of `level` dots is anchored at, like
/// `importlib._bootstrap._resolve_name`: one dot is the importer's own
/// package, each further dot one package up.
fn relative_anchor(file: &SourceFile, level: u32) -> Result<String, Unresolvable> {
    let Some(module) = &file.module else {
        return Err(Unresolvable::OutsideSourceRoots);
    };
    let mut package: Vec<&str> = module.split('.').collect();
    if !file.is_package {
        package.pop();
    }
    if package.is_empty() {
        return Err(Unresolvable::NoParentPackage {
            module: module.clone(),
        });
    }
    // CPython: `package.rsplit('.', level - 1)` must leave `level` parts.
    let up = (level - 1) as usize;
    if up >= package.len() {
        return Err(Unresolvable::BeyondTopLevel {
            level,
            module: module.clone(),
        });
    }
    package.truncate(package.len() - up);
    Ok(package.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{ImportContext, MODULE_SCOPE};

    fn file(module: &str, is_package: bool) -> SourceFile {
        SourceFile {
            absolute: module.into(),
            path: module.replace('.', "/"),
            module: Some(module.to_string()),
            is_package,
        }
    }

    fn from_import(level: u32, module: &str, name: &str) -> Import {
        Import {
            statement: ImportStatement::ImportFrom,
            module: module.into(),
            level,
            name: Some(name.into()),
            alias: None,
            span: Default::default(),
            module_span: None,
            scope: MODULE_SCOPE.into(),
            context: ImportContext::default(),
        }
    }

    fn index() -> ModuleIndex {
        ModuleIndex::new(&[
            file("app", true),
            file("app.api.routes", false),
            file("app.models.user", false),
            file("app.models", true),
        ])
    }

    fn target(importer: &SourceFile, import: &Import) -> Result<String, Unresolvable> {
        resolve_import(&index(), importer, import).map(|r| r.target)
    }

    #[test]
    fn from_package_import_submodule_targets_the_submodule() {
        let routes = file("app.api.routes", false);
        assert_eq!(
            target(&routes, &from_import(0, "app.models", "user")),
            Ok("app.models.user".into())
        );
        assert_eq!(
            target(&routes, &from_import(0, "app.models", "Base")),
            Ok("app.models".into())
        );
    }

    #[test]
    fn relative_imports_anchor_at_the_package() {
        let routes = file("app.api.routes", false);
        assert_eq!(
            target(&routes, &from_import(2, "models", "user")),
            Ok("app.models.user".into())
        );
        let models_init = file("app.models", true);
        assert_eq!(
            target(&models_init, &from_import(1, "", "user")),
            Ok("app.models.user".into())
        );
        assert_eq!(
            target(&models_init, &from_import(2, "api", "routes")),
            Ok("app.api.routes".into())
        );
    }

    #[test]
    fn relative_import_beyond_the_top_is_unresolved() {
        let routes = file("app.api.routes", false);
        assert_eq!(
            target(&routes, &from_import(4, "", "x")),
            Err(Unresolvable::BeyondTopLevel {
                level: 4,
                module: "app.api.routes".into()
            })
        );
        let top = file("app", true);
        assert_eq!(
            target(&top, &from_import(2, "", "x")),
            Err(Unresolvable::BeyondTopLevel {
                level: 2,
                module: "app".into()
            })
        );
    }

    #[test]
    fn a_missing_internal_module_is_cut_back_to_its_longest_existing_prefix() {
        let routes = file("app.api.routes", false);
        // `from app.models import panel_types`: the attribute of app.models.
        assert_eq!(
            target(&routes, &from_import(0, "app.models", "panel_types")),
            Ok("app.models".into())
        );
        assert_eq!(
            target(&routes, &from_import(0, "app.models.gone.deeper", "X")),
            Ok("app.models".into())
        );
        let import = Import {
            statement: ImportStatement::Import,
            name: None,
            ..from_import(0, "app.api.gone", "")
        };
        assert_eq!(target(&routes, &import), Ok("app.api".into()));
        // External modules are kept whole.
        let external = Import {
            statement: ImportStatement::Import,
            name: None,
            ..from_import(0, "sqlalchemy.orm", "")
        };
        assert_eq!(target(&routes, &external), Ok("sqlalchemy.orm".into()));
    }

    #[test]
    fn namespace_packages_are_internal() {
        let index = index();
        assert!(index.is_internal("app.api"));
        assert!(index.is_internal("app.api.routes.Router"));
        assert!(!index.is_internal("sqlalchemy.orm"));
    }
}
