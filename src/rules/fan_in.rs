//! ## What it does
//! Reports modules (or packages, with `granularity = "package"`) imported by
//! more than `max` distinct modules (or packages) of the project.
//!
//! ## Why is this bad
//! A module that everything imports is a god module: every change to it
//! ripples through the codebase, it cannot be split or moved without
//! touching all its importers, and it tends to pull the rest of the project
//! into each of them (and into their tests). A high fan-in is fine for small
//! stable kernels (constants, base types); list those in `ignore`.
//!
//! ## Example
//! ```toml
//! [[rule]]
//! kind = "fan-in"
//! name = "no-god-modules"
//! max = 20
//! ignore = ["app.core.types"]
//! ```
//! ```python
//! # app/domain/__init__.py: imported by 29 modules
//! # reported: `app.domain` is imported by 29 modules (max 20)
//!
//! # app/core/types.py: imported by 80 modules
//! # fine: listed in `ignore`
//! ```
//!
//! An importer counts once however many import statements it has. At
//! package granularity importers are counted by their package, and imports
//! from inside the package itself do not count; a module importing itself
//! never counts. The violation sits at line 1 of the imported module's file
//! (a package's `__init__.py`); a namespace package, which has no file, is
//! reported at the first import of it in file and line order. Only imports
//! of the project's own modules count: a module is counted under the name
//! its imports resolve to (`from app import models` counts for
//! `app.models` when that module exists, else for `app`).
//!
//! ## Options
//! - `max` (integer ≥ 1, required): the most distinct importers a module or
//!   package may have; exactly `max` is fine.
//! - `ignore` (module patterns): targets that may be imported by any number
//!   of modules.
//! - `granularity` (`module` or `package`, default `module`): what is
//!   counted, importers and imported alike. At `package` granularity every
//!   module belongs to its package of `depth` segments.
//! - `depth` (integer ≥ 1, required with `granularity = "package"`): the
//!   number of leading segments that name a package (`app.crm.models` at
//!   depth 2 is `app.crm`).
//! - `imports` (`all`, `runtime` or `module-level`, default `all`): which
//!   import statements count.
//! - `name`, `message`, `severity` as for every rule.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::facts::{FactSet, MODULE_SCOPE};
use crate::rules::Context;
use crate::rules::import_cycle::{NodeGraph, listing, position};
use crate::rules::{Check, Rule, RuleKind};
use crate::settings::read::{granularity, imports, module_patterns, positive};
use crate::settings::{Granularity, ImportSelection, ModulePattern, Table};
use crate::span::Span;
use crate::violation::Violation;

/// The `fan-in` rule kind.
pub struct FanIn;

impl RuleKind for FanIn {
    fn name(&self) -> &'static str {
        "fan-in"
    }

    fn facts(&self) -> FactSet {
        FactSet::BASE
    }

    fn source(&self) -> &'static str {
        include_str!("fan_in.rs")
    }

    fn keys(&self) -> &'static [&'static str] {
        &["max", "granularity", "depth", "ignore", "imports"]
    }

    fn read(&self, table: &Table<'_>) -> Result<Arc<dyn Check>, Diagnostic> {
        Ok(Arc::new(read_options(table)?))
    }
}

#[derive(Clone, Debug)]
pub struct FanInOptions {
    pub granularity: Granularity,
    /// The most distinct importers a module (or package) may have.
    pub max: usize,
    /// Targets that may be imported by any number of modules.
    pub ignore: Vec<ModulePattern>,
    pub imports: ImportSelection,
}

/// Reads the options of one `[[rule]]` table of kind `fan-in`.
fn read_options(table: &Table<'_>) -> Result<FanInOptions, Diagnostic> {
    Ok(FanInOptions {
        granularity: granularity(table)?,
        max: positive(table, "max")? as usize,
        ignore: module_patterns(table, "ignore")?,
        imports: imports(table)?,
    })
}

impl Check for FanInOptions {
    fn check(&self, context: &Context<'_>, rule: &Rule) -> Vec<Violation> {
        check(context, rule, self)
    }
}

fn check(context: &Context<'_>, rule: &Rule, options: &FanInOptions) -> Vec<Violation> {
    let FanInOptions {
        granularity,
        max,
        ignore,
        imports,
    } = options;
    let NodeGraph { names, mut links } = NodeGraph::build(context, granularity, *imports);
    links.retain(|link| link.from != link.to);
    links.sort_unstable_by_key(|link| (link.to, link.from));
    let noun = match granularity {
        Granularity::Module => "modules",
        Granularity::Package { .. } => "packages",
    };
    let mut violations = Vec::new();
    for group in links.chunk_by(|a, b| a.to == b.to) {
        // Never fewer statements than importers: most targets stop here.
        if group.len() <= *max {
            continue;
        }
        let target = names[group[0].to as usize];
        if ignore.iter().any(|pattern| pattern.matches(target)) {
            continue;
        }
        // Sorted by importer id, that is by name.
        let mut importers: Vec<&str> = group.iter().map(|link| names[link.from as usize]).collect();
        importers.dedup();
        if importers.len() <= *max {
            continue;
        }
        let text = format!(
            "`{target}` is imported by {} {noun} (max {max}): {}",
            importers.len(),
            listing(&importers)
        );
        violations.push(match context.graph.index.file_of(target) {
            Some(file) => {
                context.violation(rule, file, Span::line_start(1), MODULE_SCOPE, target, text)
            }
            // A namespace package has no file: its first import stands in.
            None => {
                let first = group
                    .iter()
                    .min_by_key(|link| position(context, link.edge))
                    .expect("a group is never empty");
                context.import_violation(rule, first.edge, target, text)
            }
        });
    }
    violations
}
