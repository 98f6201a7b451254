//! ## What it does
//! Reports imports of a component's private modules from outside that
//! component. `modules = ["acme.*.internal"]` makes each `acme.X.internal`
//! (and everything below it) importable only from inside `acme.X`.
//!
//! ## Why is this bad
//! Components talk through their public face (`acme.X.api`: ports, DTOs,
//! events). Once another component imports `internal`, its tables, helpers
//! and invariants become a shared contract that nobody owns, and the
//! component can no longer change its insides.
//!
//! ## Example
//! ```toml
//! [[rule]]
//! kind = "private-module"
//! name = "internals-stay-private"
//! modules = ["acme.*.internal"]
//! allow-from = ["acme.bootstrap"]
//! ```
//! ```python
//! # acme/billing/invoices.py
//! from acme.crm.internal.repo import find_customer   # reported: private to acme.crm
//! from acme.crm.api import find_customer             # fine
//! ```
//!
//! ## Options
//! - `modules` (module patterns, required): the private modules. Each match
//!   is private to its parent package.
//! - `allow-from` (module patterns): importers allowed anyway, such as a
//!   composition root.
//! - `imports` (`all`, `runtime` or `module-level`, default `all`): which
//!   import statements count.
//! - `name`, `message`, `severity` as for every rule.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::dotted;
use crate::facts::FactSet;
use crate::rules::Context;
use crate::rules::{Check, Rule, RuleKind};
use crate::settings::read::{imports, module_patterns, required_module_patterns};
use crate::settings::{ImportSelection, ModulePattern, Table};
use crate::violation::Violation;

/// The `private-module` rule kind.
pub struct PrivateModule;

impl RuleKind for PrivateModule {
    fn name(&self) -> &'static str {
        "private-module"
    }

    fn facts(&self) -> FactSet {
        FactSet::BASE
    }

    fn source(&self) -> &'static str {
        include_str!("private_module.rs")
    }

    fn keys(&self) -> &'static [&'static str] {
        &["modules", "allow-from", "imports"]
    }

    fn read(&self, table: &Table<'_>) -> Result<Arc<dyn Check>, Diagnostic> {
        Ok(Arc::new(read_options(table)?))
    }
}

#[derive(Clone, Debug)]
pub struct PrivateModuleOptions {
    /// Patterns whose matches are private to their parent package:
    /// `acme.*.internal` makes `acme.X.internal` importable only from
    /// inside `acme.X`.
    pub modules: Vec<ModulePattern>,
    pub allow_from: Vec<ModulePattern>,
    pub imports: ImportSelection,
}

/// Reads the options of one `[[rule]]` table of kind `private-module`.
fn read_options(table: &Table<'_>) -> Result<PrivateModuleOptions, Diagnostic> {
    Ok(PrivateModuleOptions {
        modules: required_module_patterns(table, "modules")?,
        allow_from: module_patterns(table, "allow-from")?,
        imports: imports(table)?,
    })
}

impl Check for PrivateModuleOptions {
    fn check(&self, context: &Context<'_>, rule: &Rule) -> Vec<Violation> {
        check(context, rule, self)
    }
}

fn check(context: &Context<'_>, rule: &Rule, options: &PrivateModuleOptions) -> Vec<Violation> {
    let PrivateModuleOptions {
        modules,
        allow_from,
        imports,
    } = options;
    let mut violations = Vec::new();
    // The private module each name lies in, decided at its first import.
    let mut private_of: Vec<Option<Option<&str>>> = vec![None; context.graph.names.len()];
    for edge in context.selected_edges(*imports) {
        let importer = context
            .files
            .source(edge.file)
            .module
            .as_deref()
            .unwrap_or("");
        let target: &str = &edge.target;
        let private = *private_of[edge.target.id()].get_or_insert_with(|| {
            modules
                .iter()
                .find_map(|p| p.matched_prefix_with(target, &[]))
        });
        let Some(private) = private else {
            continue;
        };
        let owner = dotted::split_last(private).map_or("", |(owner, _)| owner);
        let inside = owner.is_empty()
            || importer == owner
            || importer
                .strip_prefix(owner)
                .is_some_and(|rest| rest.starts_with('.'));
        if inside || allow_from.iter().any(|p| p.matches(importer)) {
            continue;
        }
        let text = format!(
            "import of `{}`: `{private}` is private to `{owner}`",
            edge.target
        );
        violations.push(context.import_violation(rule, edge, &edge.target, text));
    }
    violations
}
