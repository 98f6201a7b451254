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

use std::borrow::Cow;

use crate::dotted;
use crate::facts::{ImportStatement, MODULE_SCOPE};
use crate::files::{FileId, Files};
use crate::graph::Graph;

pub struct Symbols<'a> {
    /// In source order. Built for every file some rules look at, so it
    /// borrows everything and allocates nothing but this list.
    bindings: Vec<Binding<'a>>,
}

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
    pub fn of_file(files: &'a Files, graph: &'a Graph, file: FileId) -> Self {
        let file_facts = files.facts(file);
        let mut bindings = Vec::new();
        for edge in graph.edges_of(file) {
            let import = &file_facts.imports[edge.import];
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
                        bindings.push(binding(alias.as_str(), &*edge.target, None));
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
        Symbols { bindings }
    }

    /// The qualified form of the dotted `name` as used in `scope`: its first
    /// segment replaced by what it is bound to, or `name` unchanged when
    /// nothing in scope binds it (a builtin, a local variable).
    pub fn qualify<'n>(&self, name: &'n str, scope: &str) -> Cow<'n, str> {
        let (first, rest) = dotted::first_and_rest(name);
        let Some(binding) = self.binding(first, scope) else {
            return Cow::Borrowed(name);
        };
        if binding.name.is_none() && binding.module == first {
            return Cow::Borrowed(name);
        }
        let mut qualified = String::with_capacity(name.len() + binding.module.len() + 16);
        qualified.push_str(binding.module);
        for part in binding.name.into_iter().chain(rest) {
            qualified.push('.');
            qualified.push_str(part);
        }
        Cow::Owned(qualified)
    }

    /// What `local` is bound to in `scope`: the binding of the innermost
    /// enclosing scope wins, and within it the last one in source order.
    fn binding(&self, local: &str, scope: &str) -> Option<&Binding<'a>> {
        self.bindings
            .iter()
            .filter(|binding| binding.local == local && encloses(binding.scope, scope))
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
        Symbols::of_file(&files, &graph, FileId::new(0))
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
}
