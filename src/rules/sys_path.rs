//! ## What it does
//! Reports run-time edits of the import path (`sys.path.insert(...)`,
//! `sys.path += [...]`, `site.addsitedir(...)`, ...) in the files in `in`.
//!
//! The edits are the calls of `sys.path.insert`, `append`, `extend`,
//! `remove`, `pop` and `clear` and of `site.addsitedir`, and the writes
//! `sys.path = [...]`, `sys.path += [...]` (any augmented assignment),
//! `sys.path[0:0] = [...]` and `del sys.path[0]`, at module level or in
//! functions. Names are resolved through the file's imports, so `import sys
//! as _s; _s.path.insert(0, d)`, `from sys import path; path.append(d)` and
//! `from site import addsitedir as add; add(d)` are reported too, and through
//! the project's own re-exports (`from app.compat import path`, where
//! `app/compat.py` says `from sys import path`). Reading the
//! path (`print(sys.path)`, `for p in sys.path`, `sys.path[0]`) is fine, and
//! so is rebinding a name imported from `sys` (`from sys import path; path =
//! []` binds a new list to the name and leaves `sys.path` alone, and `del
//! path` unbinds the name; `del path[0]` edits the list and is reported).
//! Code under `if TYPE_CHECKING:` never runs and is not reported.
//!
//! The subject of a violation is the form of the edit: `sys.path.<method>`,
//! `site.addsitedir`, `sys.path =`, `sys.path +=` (any augmented
//! assignment), `sys.path[...] =`, `del sys.path[...]` or `del sys.path`.
//!
//! ## Why is this bad
//! A module that edits `sys.path` makes imports depend on who ran what first:
//! the same `import app.models` finds a different file from a test, a script
//! or a worker, modules get imported twice under two names, and tools that
//! read the code (type checkers, IDEs, gate itself) resolve imports
//! differently from the running program. Install the project as a package
//! and run it with `python -m`, so the import path is set in one place.
//!
//! ## Example
//! ```toml
//! [[rule]]
//! kind = "sys-path"
//! name = "no-sys-path-hacks"
//! except = ["scripts"]
//! ```
//! ```python
//! # app/main.py
//! import os
//! import sys as _s
//!
//! _s.path.insert(0, os.path.dirname(__file__))   # reported: sys.path.insert
//! _s.path += ["/opt/plugins"]                    # reported: sys.path +=
//! print(_s.path)                                 # fine: a read
//! os.path.join("a", "b")                         # fine: os.path, not sys.path
//! ```
//!
//! ## Options
//! - `in` (module patterns, default every file): where edits are reported.
//! - `paths` (path globs relative to the config's folder, such as `tools/**`):
//!   files looked at by their path as well, whatever their module: the way to
//!   name files that lie outside every source root, which have no module.
//! - `except` (module patterns): modules exempt from the rule.
//! - `name`, `message`, `severity` as for every rule.

use std::sync::Arc;

use rustc_hash::FxHashSet;

use crate::diagnostic::Diagnostic;
use crate::facts::{FactSet, FileFacts, ImportStatement, StoreForm};
use crate::files::FileId;
use crate::rules::Context;
use crate::rules::{Check, Rule, RuleKind};
use crate::settings::read::scope;
use crate::settings::{Scope, Table};
use crate::violation::Violation;

/// The methods of `sys.path` (a list) that change it.
const MUTATING_METHODS: &[&str] = &["insert", "append", "extend", "remove", "pop", "clear"];

/// The function of `site` that adds a folder to the import path.
const ADDSITEDIR: &str = "site.addsitedir";

/// The `sys-path` rule kind.
pub struct SysPath;

impl RuleKind for SysPath {
    fn name(&self) -> &'static str {
        "sys-path"
    }

    fn facts(&self) -> FactSet {
        FactSet::CALLS.with(FactSet::STORES).with(FactSet::SYMBOLS)
    }

    fn source(&self) -> &'static str {
        include_str!("sys_path.rs")
    }

    fn keys(&self) -> &'static [&'static str] {
        &["in", "paths", "except"]
    }

    fn read(&self, table: &Table<'_>) -> Result<Arc<dyn Check>, Diagnostic> {
        Ok(Arc::new(read_options(table)?))
    }
}

#[derive(Clone, Debug)]
pub struct SysPathOptions {
    pub scope: Scope,
}

/// Reads the options of one `[[rule]]` table of kind `sys-path`.
fn read_options(table: &Table<'_>) -> Result<SysPathOptions, Diagnostic> {
    Ok(SysPathOptions {
        scope: scope(table, false)?,
    })
}

impl Check for SysPathOptions {
    fn check(&self, context: &Context<'_>, rule: &Rule) -> Vec<Violation> {
        check(context, rule, self)
    }
}

fn check(context: &Context<'_>, rule: &Rule, options: &SysPathOptions) -> Vec<Violation> {
    let relays = relays(context);
    let mut violations = Vec::new();
    for (index, file, facts) in context.files.iter() {
        if !options.scope.covers(file.module.as_deref(), &file.path) {
            continue;
        }
        let imports_a_relay = || {
            (context.graph.edges_of(index).iter()).any(|edge| {
                edge.target
                    .file()
                    .is_some_and(|file| relays.contains(&file))
            })
        };
        if !may_edit(facts) && !imports_a_relay() {
            continue;
        }
        let symbols = context.symbols(index);
        let mut report = |span, scope: &str, subject: &str, text: String| {
            violations.push(context.violation(rule, index, span, scope, subject, text));
        };
        for call in facts.calls.iter().filter(|call| !call.type_checking) {
            let Some(written) = &call.callee else {
                continue;
            };
            let qualified = symbols.qualify(written, &call.scope);
            let edits = qualified == ADDSITEDIR
                || qualified
                    .strip_prefix("sys.path.")
                    .is_some_and(|method| MUTATING_METHODS.contains(&method));
            if edits {
                let text = format!("`{qualified}()` edits the import path at run time");
                report(call.span, &call.scope, &qualified, text);
            }
        }
        for store in facts.stores.iter().filter(|store| !store.type_checking) {
            if &*symbols.qualify(&store.target, &store.scope) != "sys.path" {
                continue;
            }
            // `path = ...` or `del path` after `from sys import path` rebinds
            // or unbinds the name and leaves `sys.path` alone; `path +=`
            // extends the list in place before rebinding the name.
            let bare_name = !store.target.contains('.');
            let subject = match store.form {
                StoreForm::Assign if !bare_name => "sys.path =",
                StoreForm::AugAssign => "sys.path +=",
                StoreForm::Item => "sys.path[...] =",
                StoreForm::DeleteItem => "del sys.path[...]",
                StoreForm::Delete if !bare_name => "del sys.path",
                StoreForm::Assign | StoreForm::Delete => continue,
            };
            let text = format!("`{subject}` edits the import path at run time");
            report(store.span, &store.scope, subject, text);
        }
    }
    violations
}

/// `sys`, `site`, or a name inside one of them.
fn from_sys_or_site(module: &str) -> bool {
    ["sys", "site"].iter().any(|name| {
        module
            .strip_prefix(name)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    })
}

/// The project's files through which a name of `sys` or `site` may be
/// re-exported (`from sys import path` in `app/compat.py`, then `from
/// app.compat import path` elsewhere): those with a `from` import of
/// `sys` or `site`, then, to any depth, those with a `from` import of one
/// of them. The symbol table follows such re-exports, so a file that
/// imports one of these may edit the path without naming `sys`.
fn relays(context: &Context<'_>) -> FxHashSet<FileId> {
    let from_imports = || {
        (context.graph.edges.iter())
            .filter(|edge| context.import_of(edge).statement == ImportStatement::ImportFrom)
    };
    let mut relays: FxHashSet<FileId> = from_imports()
        .filter(|edge| from_sys_or_site(&edge.target))
        .map(|edge| edge.file)
        .collect();
    loop {
        let further: Vec<FileId> = from_imports()
            .filter(|edge| !relays.contains(&edge.file))
            .filter(|edge| {
                edge.target
                    .file()
                    .is_some_and(|file| relays.contains(&file))
            })
            .map(|edge| edge.file)
            .collect();
        if further.is_empty() {
            return relays;
        }
        relays.extend(further);
    }
}

/// Whether the file has a call or store that may edit the import path, to
/// skip building its symbol table otherwise: a name can only stand for
/// `sys.path` or `site` when it is written so or imported from them (or
/// from a relay, checked by the caller).
fn may_edit(facts: &FileFacts) -> bool {
    !facts.stores.is_empty()
        || facts
            .imports
            .iter()
            .any(|import| import.level == 0 && from_sys_or_site(&import.module))
        || facts.calls.iter().any(|call| {
            call.callee
                .as_deref()
                .is_some_and(|callee| callee.starts_with("sys.path.") || callee == ADDSITEDIR)
        })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::facts::{Call, Import, ImportStatement, MODULE_SCOPE};

    fn import(module: &str, level: u32) -> Import {
        Import {
            statement: ImportStatement::ImportFrom,
            module: module.into(),
            level,
            name: Some("x".into()),
            alias: None,
            span: Default::default(),
            module_span: None,
            scope: Arc::from(MODULE_SCOPE),
            context: Default::default(),
        }
    }

    fn call(callee: &str) -> Call {
        Call {
            callee: Some(callee.into()),
            trailing_attribute: None,
            first_arg: None,
            span: Default::default(),
            scope: Arc::from(MODULE_SCOPE),
            awaited: false,
            in_function: false,
            type_checking: false,
        }
    }

    #[test]
    fn only_files_importing_sys_or_site_or_naming_them_may_edit_the_path() {
        let with_imports = |imports| FileFacts {
            imports,
            ..FileFacts::default()
        };
        assert!(may_edit(&with_imports(vec![import("sys", 0)])));
        assert!(may_edit(&with_imports(vec![import("site", 0)])));
        assert!(!may_edit(&with_imports(vec![import("sys", 1)])));
        assert!(!may_edit(&with_imports(vec![import("system", 0)])));
        assert!(!may_edit(&with_imports(vec![import("os.path", 0)])));
        let with_calls = |calls| FileFacts {
            calls,
            ..FileFacts::default()
        };
        assert!(may_edit(&with_calls(vec![call("sys.path.insert")])));
        assert!(may_edit(&with_calls(vec![call("site.addsitedir")])));
        assert!(!may_edit(&with_calls(vec![call("path.insert")])));
    }
}
