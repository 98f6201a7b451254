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

use crate::discover::SourceFile;
use crate::facts::{FileFacts, ImportStatement, MODULE_SCOPE};
use crate::graph::Graph;

pub struct Symbols<'a> {
    /// (scope of the binding statement, local name, qualified name), in
    /// source order.
    bindings: Vec<(&'a str, &'a str, Cow<'a, str>)>,
}

impl<'a> Symbols<'a> {
    /// The names bound in file `file`.
    pub fn of_file(
        files: &[SourceFile],
        facts: &'a [FileFacts],
        graph: &'a Graph,
        file: usize,
    ) -> Self {
        let file_facts = &facts[file];
        let mut bindings = Vec::new();
        for edge in graph.edges_of(file) {
            let import = &file_facts.imports[edge.import];
            let scope: &str = &import.scope;
            match import.statement {
                ImportStatement::Import => {
                    // `import a.b` binds `a` to itself; `import a.b as c`
                    // binds `c` to `a.b`.
                    if let Some(alias) = &import.alias {
                        bindings.push((scope, alias.as_str(), Cow::Borrowed(&*edge.target)));
                    } else {
                        let top = import.module.split('.').next().unwrap_or_default();
                        bindings.push((scope, top, Cow::Borrowed(top)));
                    }
                }
                ImportStatement::ImportFrom => {
                    let Some(name) = import.name.as_deref().filter(|name| *name != "*") else {
                        continue;
                    };
                    let local = import.alias.as_deref().unwrap_or(name);
                    let qualified = if edge.to_submodule {
                        Cow::Borrowed(&*edge.target)
                    } else if let Some(submodule) = &edge.external_submodule {
                        Cow::Borrowed(&**submodule)
                    } else {
                        Cow::Owned(format!("{}.{name}", edge.target))
                    };
                    bindings.push((scope, local, qualified));
                }
                ImportStatement::Dynamic => {}
            }
        }
        if let Some(module) = &files[file].module {
            for class in &file_facts.classes {
                if !class.name.contains('.') {
                    let qualified = Cow::Owned(format!("{module}.{}", class.name));
                    bindings.push((MODULE_SCOPE, class.name.as_str(), qualified));
                }
            }
        }
        Symbols { bindings }
    }

    /// The qualified form of the dotted `name` as used in `scope`: its first
    /// segment replaced by what it is bound to, or `name` unchanged when
    /// nothing in scope binds it (a builtin, a local variable).
    pub fn qualify<'n>(&self, name: &'n str, scope: &str) -> Cow<'n, str> {
        let (first, rest) = match name.split_once('.') {
            Some((first, rest)) => (first, Some(rest)),
            None => (name, None),
        };
        let Some(qualified) = self.binding(first, scope) else {
            return Cow::Borrowed(name);
        };
        match rest {
            Some(rest) => Cow::Owned(format!("{qualified}.{rest}")),
            None if qualified == first => Cow::Borrowed(name),
            None => Cow::Owned(qualified.to_string()),
        }
    }

    /// What `local` is bound to in `scope`: the binding of the innermost
    /// enclosing scope wins, and within it the last one in source order.
    fn binding(&self, local: &str, scope: &str) -> Option<&str> {
        self.bindings
            .iter()
            .filter(|(bound_in, name, _)| *name == local && encloses(bound_in, scope))
            .max_by_key(|(bound_in, _, _)| {
                if *bound_in == MODULE_SCOPE {
                    0
                } else {
                    bound_in.len() + 1
                }
            })
            .map(|(_, _, qualified)| &**qualified)
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
