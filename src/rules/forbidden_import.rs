//! ## What it does
//! Reports imports of modules matching `to` by modules matching `from`
//! (minus those matching `except`). `to` may name internal modules or
//! external packages with their full dotted name (`sqlalchemy.orm`).
//!
//! ## Why is this bad
//! Some dependencies are decisions, not accidents: domain code must not know
//! the web framework; engines must not reach the database; new code must not
//! grow new ties to the legacy package the team is migrating away from.
//! A grep for the module name fires on comments and strings and misses
//! relative imports; this rule reads the imports themselves.
//!
//! ## Example
//! ```toml
//! [[rule]]
//! kind = "forbidden-import"
//! name = "no-legacy"
//! from = ["app"]
//! except = ["app.adapters.acl_*"]
//! to = ["app.legacy"]
//! message = "go through an anti-corruption adapter in app.adapters"
//! ```
//! ```python
//! # app/services/orders.py
//! from app.legacy.pricing import quote   # reported
//! # app/adapters/acl_pricing.py
//! from app.legacy.pricing import quote   # fine: listed in `except`
//! ```
//!
//! ## Options
//! - `from` (module patterns, required): the importing modules.
//! - `except` (module patterns): importers exempt from the rule.
//! - `to` (module patterns, required): what they may not import. A module
//!   inside a `to` pattern may import the rest of that pattern: `app.legacy`
//!   may import itself.
//! - `imports` (`all`, `runtime` or `module-level`, default `all`): which
//!   import statements count.
//! - `name`, `message`, `severity` as for every rule.

use crate::config::{ForbiddenImportOptions, Rule};
use crate::rules::Context;
use crate::violation::Violation;

pub fn check(
    context: &Context<'_>,
    rule: &Rule,
    options: &ForbiddenImportOptions,
) -> Vec<Violation> {
    let ForbiddenImportOptions {
        from,
        except,
        to,
        imports,
        transitive: _,
    } = options;
    let mut violations = Vec::new();
    for edge in context.selected_edges(*imports) {
        let Some(importer) = context.files[edge.file].module.as_deref() else {
            continue;
        };
        if !from.iter().any(|p| p.matches(importer)) || except.iter().any(|p| p.matches(importer)) {
            continue;
        }
        let forbidden = edge.candidate_targets().find_map(|target| {
            to.iter()
                .find(|pattern| pattern.matches(target) && !pattern.matches(importer))
                .map(|pattern| (target, pattern))
        });
        let Some((target, pattern)) = forbidden else {
            continue;
        };
        let text = format!("`{importer}` imports `{target}`, forbidden by `{pattern}`");
        violations.push(context.import_violation(rule, edge, target, text));
    }
    violations
}
