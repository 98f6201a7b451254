//! What the names used in one file stand for: `dt.now` is
//! `datetime.datetime.now` after `from datetime import datetime as dt`.
//! Rules that match callees or classes by their qualified name
//! (`forbidden-call`, `model-ownership`, `import-time`, `sys-path`) read
//! names through this table rather than as written.
//!
//! Bindings come from the file's import statements (as resolved by the
//! graph) and its top-level classes. An import inside a function binds only
//! within that function, as in Python; other assignments (`x = datetime`)
//! are not followed.
//!
//! A name of the project is followed through re-exports to the module that
//! defines it: `from dcim.models import Device`, where
//! `dcim/models/__init__.py` says `from .devices import Device` (or `...
//! import Device as Device`, or `from .devices import *` and `devices`
//! defines the class `Device` or re-exports it in turn), qualifies to
//! `dcim.models.devices.Device`, across any number of levels. A module that
//! defines the name itself (a top-level class) ends the search; so does a
//! cycle of re-exports. A star import re-exports every name not starting
//! with `_` (the facts do not record `__all__`), and it is followed only to
//! a class or an explicit re-export, since functions and variables are not
//! recorded.

use std::borrow::Cow;
use std::sync::{Arc, RwLock};

use rustc_hash::{FxHashMap, FxHashSet};

use crate::dotted;
use crate::facts::{ClassDef, ImportStatement, MODULE_SCOPE};
use crate::files::{FileId, Files};
use crate::graph::Graph;

pub struct Symbols<'a> {
    /// By local name, then in source order (imports before classes). Built
    /// for every file some rules look at, so it borrows everything and
    /// allocates nothing but this list.
    bindings: Vec<Binding<'a>>,
    files: &'a Files,
    graph: &'a Graph,
    origins: Arc<Origins>,
}

/// The re-exports already followed, by qualified name, shared by the
/// symbol tables of every file: a name such as `django.db.models.CharField`
/// is qualified thousands of times, and where it comes from depends on the
/// project alone.
#[derive(Default)]
pub struct Origins(RwLock<FxHashMap<Box<str>, Option<String>>>);

/// The names that qualifying may rename when they end a dotted name: the
/// aliases of the project's `from m import name as alias` statements.
/// Qualifying a dotted name replaces its first segment only, and a
/// re-export renames nothing else (`from m import name` and star imports
/// keep the name; `from . import sub` names the module `sub`), so a dotted
/// name whose last segment is none of these keeps it: rules may skip such a
/// name by its last segment without qualifying it. Every such statement
/// counts, in any scope: a superset is safe.
pub fn renaming_aliases(files: &Files) -> FxHashSet<&str> {
    files
        .iter()
        .flat_map(|(_, _, facts)| &facts.imports)
        .filter(|import| import.statement == ImportStatement::ImportFrom)
        .filter_map(|import| import.alias.as_deref())
        .collect()
}

/// Most re-export hops followed from one name: far more than any real
/// package chain, and a bound on a cycle the visited list misses.
const MAX_REEXPORT_HOPS: usize = 32;

/// How many classes of the project a base is looked for through: a bound
/// on a cycle of bases.
const MAX_BASE_DEPTH: usize = 8;

/// `local` stands for `module` (`import a.b as local`) or for `module.name`
/// (`from module import name as local`, or a class `name` defined in
/// `module`).
struct Binding<'a> {
    /// The scope of the binding statement.
    scope: &'a str,
    local: &'a str,
    module: &'a str,
    name: Option<&'a str>,
}

impl<'a> Symbols<'a> {
    /// The names bound in file `file`.
    pub fn of_file(
        files: &'a Files,
        graph: &'a Graph,
        origins: &Arc<Origins>,
        file: FileId,
    ) -> Self {
        let file_facts = files.facts(file);
        let mut bindings = Vec::new();
        for edge in graph.edges_of(file) {
            let import = &file_facts.imports[edge.import as usize];
            let scope: &str = &import.scope;
            let binding = |local, module, name| Binding {
                scope,
                local,
                module,
                name,
            };
            match import.statement {
                ImportStatement::Import => {
                    // `import a.b` binds `a` to itself; `import a.b as c`
                    // binds `c` to `a.b`.
                    if let Some(alias) = &import.alias {
                        bindings.push(binding(alias, &*edge.target, None));
                    } else {
                        let top = import.module.split('.').next().unwrap_or_default();
                        bindings.push(binding(top, top, None));
                    }
                }
                ImportStatement::ImportFrom => {
                    let Some(name) = import.name.as_deref().filter(|name| *name != "*") else {
                        continue;
                    };
                    let local = import.alias.as_deref().unwrap_or(name);
                    bindings.push(if edge.to_submodule {
                        binding(local, &*edge.target, None)
                    } else if let Some(submodule) = &edge.external_submodule {
                        binding(local, &**submodule, None)
                    } else {
                        binding(local, &*edge.target, Some(name))
                    });
                }
                ImportStatement::Dynamic => {}
            }
        }
        if let Some(module) = &files.source(file).module {
            for class in &file_facts.classes {
                if !class.name.contains('.') {
                    bindings.push(Binding {
                        scope: MODULE_SCOPE,
                        local: &class.name,
                        module,
                        name: Some(&class.name),
                    });
                }
            }
        }
        // Stable: the order among equal names stays.
        bindings.sort_by(|a, b| a.local.cmp(b.local));
        Symbols {
            bindings,
            files,
            graph,
            origins: Arc::clone(origins),
        }
    }

    /// The qualified form of the dotted `name` as used in `scope`: its first
    /// segment replaced by what it is bound to, or `name` unchanged when
    /// nothing in scope binds it (a builtin, a local variable).
    pub fn qualify<'n>(&self, name: &'n str, scope: &str) -> Cow<'n, str> {
        let (first, rest) = dotted::first_and_rest(name);
        let Some(binding) = self.binding(first, scope) else {
            return Cow::Borrowed(name);
        };
        let qualified = if binding.name.is_none() && binding.module == first {
            Cow::Borrowed(name)
        } else {
            let mut qualified = String::with_capacity(name.len() + binding.module.len() + 16);
            qualified.push_str(binding.module);
            for part in binding.name.into_iter().chain(rest) {
                qualified.push('.');
                qualified.push_str(part);
            }
            Cow::Owned(qualified)
        };
        match self.reexported(&qualified) {
            Some(origin) => Cow::Owned(origin),
            None => qualified,
        }
    }

    /// The top-level class that the qualified name `qualified` names in a
    /// file of the project, with the names of that file.
    pub fn class_def(&self, qualified: &str) -> Option<(Symbols<'a>, &'a ClassDef)> {
        let (module, name) = qualified.rsplit_once('.')?;
        let file = self.graph.index.file_of(module)?;
        let class = self
            .files
            .facts(file)
            .classes
            .iter()
            .find(|class| class.name == name)?;
        Some((
            Symbols::of_file(self.files, self.graph, &self.origins, file),
            class,
        ))
    }

    /// Whether the class of the project named `qualified` has a base for
    /// which `wanted(written, qualified)` holds, directly or through other
    /// classes of the project: each base as written in its class's file and
    /// as qualified through that file's imports.
    pub fn derives_from(&self, qualified: &str, wanted: &dyn Fn(&str, &str) -> bool) -> bool {
        self.derives_from_at(qualified, wanted, 0)
    }

    fn derives_from_at(
        &self,
        qualified: &str,
        wanted: &dyn Fn(&str, &str) -> bool,
        depth: usize,
    ) -> bool {
        if depth > MAX_BASE_DEPTH {
            return false;
        }
        let Some((class_symbols, class)) = self.class_def(qualified) else {
            return false;
        };
        class.bases.iter().any(|written| {
            let base = class_symbols.qualify(written, MODULE_SCOPE);
            wanted(written, &base) || class_symbols.derives_from_at(&base, wanted, depth + 1)
        })
    }

    /// `qualified` with its module and name replaced by where the name is
    /// defined, when the module of the project that it names re-exports it;
    /// `None` when nothing is re-exported.
    fn reexported(&self, qualified: &str) -> Option<String> {
        let known = |origins: &FxHashMap<Box<str>, Option<String>>| origins.get(qualified).cloned();
        // A poisoned lock only means another rule panicked: the map is whole.
        if let Some(origin) = known(&self.origins.0.read().unwrap_or_else(|e| e.into_inner())) {
            return origin;
        }
        let origin = self.follow_reexports(qualified);
        self.origins
            .0
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(qualified.into(), origin.clone());
        origin
    }

    /// [`Symbols::reexported`], not remembered.
    fn follow_reexports(&self, qualified: &str) -> Option<String> {
        // The longest prefix that is a module file, and the name after it.
        let mut split = None;
        let mut end = qualified.len();
        while let Some(dot) = qualified[..end].rfind('.') {
            if self.graph.index.file_of(&qualified[..dot]).is_some() {
                split = Some(dot);
                break;
            }
            end = dot;
        }
        let dot = split?;
        let module = &qualified[..dot];
        let rest = &qualified[dot + 1..];
        let (name, tail) = match rest.split_once('.') {
            Some((name, tail)) => (name, Some(tail)),
            None => (rest, None),
        };
        let mut visited = Vec::new();
        let (origin_module, origin_name) = self.origin(module, name, &mut visited)?;
        let mut out = origin_module;
        for part in origin_name.as_deref().into_iter().chain(tail) {
            out.push('.');
            out.push_str(part);
        }
        Some(out)
    }

    /// Where `module.name` comes from when `module` re-exports it: the
    /// defining module and the name there (`None` when the name is itself a
    /// module, `from . import sub`). `None` when `module` defines the name,
    /// does not bind it by an import, or the chain cycles.
    fn origin(
        &self,
        module: &str,
        name: &str,
        visited: &mut Vec<(String, String)>,
    ) -> Option<(String, Option<String>)> {
        if visited.len() >= MAX_REEXPORT_HOPS
            || visited.iter().any(|(m, n)| m == module && n == name)
        {
            return None;
        }
        visited.push((module.to_string(), name.to_string()));
        let file = self.graph.index.file_of(module)?;
        let facts = self.files.facts(file);
        if facts.classes.iter().any(|class| class.name == name) {
            return None;
        }
        let edges = self.graph.edges_of(file);
        let reexports = edges.iter().rev().filter_map(|edge| {
            let import = &facts.imports[edge.import as usize];
            (&*import.scope == MODULE_SCOPE
                && import.statement == ImportStatement::ImportFrom
                && !import.context.type_checking)
                .then_some((edge, import))
        });
        // An explicit `from m import name [as alias]`, the latest first.
        for (edge, import) in reexports.clone() {
            let Some(imported) = import.name.as_deref().filter(|n| *n != "*") else {
                continue;
            };
            if import.alias.as_deref().unwrap_or(imported) != name {
                continue;
            }
            if edge.to_submodule {
                return Some((edge.target.to_string(), None));
            }
            if let Some(submodule) = &edge.external_submodule {
                return Some((submodule.to_string(), None));
            }
            let next = (edge.target.to_string(), Some(imported.to_string()));
            return match self.origin(&edge.target, imported, visited) {
                Some(further) => Some(further),
                None => Some(next),
            };
        }
        // `from m import *`: followed when `m` exports the name (lists it in
        // its `__all__`, or without one, the name is public) and defines the
        // class or re-exports the name itself.
        for (edge, import) in reexports {
            if import.name.as_deref() != Some("*") {
                continue;
            }
            let Some(target) = edge.target.file() else {
                continue;
            };
            if edge.to_submodule {
                continue;
            }
            let exported = match &self.files.facts(target).exported_names {
                Some(names) => names.iter().any(|exported| exported == name),
                None => !name.starts_with('_'),
            };
            if !exported {
                continue;
            }
            if let Some(further) = self.origin(&edge.target, name, visited) {
                return Some(further);
            }
            if self
                .files
                .facts(target)
                .classes
                .iter()
                .any(|class| class.name == name)
            {
                return Some((edge.target.to_string(), Some(name.to_string())));
            }
        }
        None
    }

    /// What `local` is bound to in `scope`: the binding of the innermost
    /// enclosing scope wins, and within it the last one in source order.
    fn binding(&self, local: &str, scope: &str) -> Option<&Binding<'a>> {
        let start = self
            .bindings
            .partition_point(|binding| binding.local < local);
        let end = start + self.bindings[start..].partition_point(|binding| binding.local == local);
        self.bindings[start..end]
            .iter()
            .filter(|binding| encloses(binding.scope, scope))
            .max_by_key(|binding| {
                if binding.scope == MODULE_SCOPE {
                    0
                } else {
                    binding.scope.len() + 1
                }
            })
    }
}

/// Whether a binding made in scope `outer` is visible in scope `inner`.
fn encloses(outer: &str, inner: &str) -> bool {
    outer == MODULE_SCOPE
        || inner == outer
        || inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.starts_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::SourceFile;
    use crate::graph;
    use crate::parse::parse_file;

    /// Qualifies `name` at `scope` in the first of `sources` (module, is
    /// package, text); the others are there to be imported.
    fn qualify(sources: &[(&str, bool, &str)], name: &str, scope: &str) -> String {
        let files = Files::new(sources.iter().map(|(module, is_package, text)| {
            let file = SourceFile {
                absolute: module.into(),
                path: format!("{}.py", module.replace('.', "/")),
                module: Some(module.to_string()),
                is_package: *is_package,
            };
            (file, parse_file(text.as_bytes()))
        }));
        let graph = graph::build(&files);
        Symbols::of_file(&files, &graph, &Arc::default(), FileId::new(0))
            .qualify(name, scope)
            .into_owned()
    }

    const ORM: (&str, bool, &str) = ("acme.crm.orm", false, "class CampaignRow: pass\n");

    #[test]
    fn aliases_of_from_imports_resolve_to_the_imported_name() {
        let source = "from acme.crm.orm import CampaignRow as C\n";
        let files = [("acme.delivery.send", false, source), ORM];
        assert_eq!(
            qualify(&files, "C", MODULE_SCOPE),
            "acme.crm.orm.CampaignRow"
        );
        assert_eq!(
            qualify(&files, "C.create", "f"),
            "acme.crm.orm.CampaignRow.create"
        );
    }

    #[test]
    fn module_aliases_and_relative_imports_resolve() {
        let source = "import acme.crm.orm as orm\nfrom . import helpers\nfrom .. import crm\n";
        let files = [
            ("acme.delivery.send", false, source),
            ORM,
            ("acme.delivery.helpers", false, ""),
            ("acme.crm", true, ""),
        ];
        assert_eq!(
            qualify(&files, "orm.CampaignRow", MODULE_SCOPE),
            "acme.crm.orm.CampaignRow"
        );
        assert_eq!(
            qualify(&files, "helpers.run", MODULE_SCOPE),
            "acme.delivery.helpers.run"
        );
        assert_eq!(qualify(&files, "crm.orm.X", MODULE_SCOPE), "acme.crm.orm.X");
    }

    #[test]
    fn external_names_keep_their_full_dotted_name() {
        let source = "import sys as _s\nfrom datetime import datetime as dt\nimport os.path\n";
        let files = [("app.main", false, source)];
        assert_eq!(
            qualify(&files, "_s.path.insert", MODULE_SCOPE),
            "sys.path.insert"
        );
        assert_eq!(
            qualify(&files, "dt.now", MODULE_SCOPE),
            "datetime.datetime.now"
        );
        assert_eq!(
            qualify(&files, "os.path.join", MODULE_SCOPE),
            "os.path.join"
        );
    }

    #[test]
    fn a_function_import_binds_only_inside_that_function() {
        let source = "def run():\n    from uuid import uuid4 as make\n    make()\n\ndef other():\n    make()\n";
        let files = [("app.jobs", false, source)];
        assert_eq!(qualify(&files, "make", "run"), "uuid.uuid4");
        assert_eq!(qualify(&files, "make", "run.inner"), "uuid.uuid4");
        assert_eq!(qualify(&files, "make", "other"), "make");
        assert_eq!(qualify(&files, "make", MODULE_SCOPE), "make");
    }

    #[test]
    fn the_innermost_and_then_the_latest_binding_wins() {
        let source =
            "import json as codec\nimport pickle as codec\ndef f():\n    import yaml as codec\n";
        let files = [("app.io", false, source)];
        assert_eq!(qualify(&files, "codec.dumps", MODULE_SCOPE), "pickle.dumps");
        assert_eq!(qualify(&files, "codec.dumps", "f"), "yaml.dumps");
    }

    #[test]
    fn top_level_classes_qualify_with_their_module_and_unbound_names_stay() {
        let files = [("app.models", false, "class User:\n    class Meta: pass\n")];
        assert_eq!(qualify(&files, "User", "f"), "app.models.User");
        assert_eq!(qualify(&files, "Meta", "f"), "Meta");
        assert_eq!(qualify(&files, "print", "f"), "print");
    }

    #[test]
    fn a_submodule_import_is_not_mistaken_for_a_name() {
        // `from app.n import n` where `app.n.n` is no module: the name `n`
        // defined in `app.n`.
        let files = [
            (
                "app.user",
                false,
                "from app.n import n\nfrom app import n as pkg\n",
            ),
            ("app.n", true, "n = 1\n"),
        ];
        assert_eq!(qualify(&files, "n", MODULE_SCOPE), "app.n.n");
        assert_eq!(qualify(&files, "pkg", MODULE_SCOPE), "app.n");
    }

    #[test]
    fn names_resolve_through_package_reexports_to_their_definition() {
        let user = "from dcim.models import Device, Site as S, Rack\nfrom dcim import models\nimport dcim.models as m\n";
        let files = [
            ("app.views", false, user),
            (
                "dcim.models",
                true,
                "from .devices import *\nfrom .sites import Site\nfrom .racks import Rack as Rack\n",
            ),
            (
                "dcim.models.devices",
                false,
                "from ._base import *\nclass Device: pass\n",
            ),
            ("dcim.models.sites", false, "from .inner import Site\n"),
            ("dcim.models.inner", false, "class Site: pass\n"),
            ("dcim.models.racks", false, "class Rack: pass\n"),
            ("dcim.models._base", false, "class Base: pass\n"),
        ];
        assert_eq!(qualify(&files, "Device", "f"), "dcim.models.devices.Device");
        assert_eq!(
            qualify(&files, "Device.objects.create", "f"),
            "dcim.models.devices.Device.objects.create"
        );
        assert_eq!(qualify(&files, "S", "f"), "dcim.models.inner.Site");
        assert_eq!(qualify(&files, "Rack", "f"), "dcim.models.racks.Rack");
        assert_eq!(
            qualify(&files, "models.Device", "f"),
            "dcim.models.devices.Device"
        );
        assert_eq!(qualify(&files, "m.Site", "f"), "dcim.models.inner.Site");
        // Not re-exported: stays where it was imported from.
        assert_eq!(
            qualify(&files, "models.Unknown", "f"),
            "dcim.models.Unknown"
        );
    }

    #[test]
    fn reexport_cycles_and_private_names_end_the_search() {
        let files = [
            ("app.user", false, "from app.a import X, _p\n"),
            ("app.a", true, "from app.b import *\nfrom app.b import _p\n"),
            ("app.b", true, "from app.a import *\nfrom app.a import _p\n"),
        ];
        assert_eq!(qualify(&files, "X", "f"), "app.a.X");
        let found = qualify(&files, "_p", "f");
        assert!(found == "app.a._p" || found == "app.b._p", "{found}");
    }
}
